"""Motion channels without a unit ("AU"): the analysis judges the unit from the signal's size,
says so, and leaves the caller's recording unchanged."""

from __future__ import annotations

import numpy as np
import pytest
from motion_synth import clean_angle, make_recording

from clonus import Recording
from clonus.detect.motion import assess_motion
from clonus.io._common import guess_kind


def _unitless(rec: Recording, factor: float) -> Recording:
    """The same recording as a unit-less export would give: values x factor, unit 'AU'."""
    return Recording.from_array(rec.data * factor, fs=rec.fs, names=rec.ch_names,
                                kinds=[c.kind for c in rec.channels], units="AU")


@pytest.fixture
def trial():
    return clean_angle(duration_s=8.0, freq_hz=6.0, n_beats=10, amp_deg=3.0)


@pytest.mark.parametrize(("sensor", "factor", "unit"), [
    ("gyro", np.degrees(1.0), "deg/s"),
    ("gyro", 1.0, "rad/s"),
    ("acc", 1 / 9.80665, "g"),
    ("acc", 1.0, "m/s^2"),
    ("goniometer", np.degrees(1.0), "deg"),
    ("goniometer", 1.0, "rad"),
])
def test_unit_is_judged_from_the_signal(trial, rng, sensor, factor, unit):
    t, th, tr = trial
    si = make_recording(t, th, fs=100.0, sensor=sensor, rng=rng)
    rec = _unitless(si, factor)
    a = assess_motion(rec)
    assert set(a.metrics["assumed_units"].values()) == {unit}
    assert any("have no unit; analysed as " + unit in w for w in a.warnings)
    assert a.classification == "clonus", a.reason
    assert abs(a.n_beats - tr.n_beats) <= 1
    # the same answer as with the unit given
    b = assess_motion(si)
    assert a.n_beats == b.n_beats and a.frequency_hz == pytest.approx(b.frequency_hz, abs=0.05)
    # the caller's recording is not changed
    assert [c.unit for c in rec.channels] == ["AU"] * rec.n_channels
    np.testing.assert_array_equal(rec.data, si.data * factor)


def test_given_units_are_not_second_guessed(trial, rng):
    t, th, _ = trial
    a = assess_motion(make_recording(t, th, fs=100.0, sensor="gyro", rng=rng))
    assert "assumed_units" not in a.metrics
    assert not any("have no unit" in w for w in a.warnings)


@pytest.mark.parametrize(("name", "kind"), [("gx", "gyro"), ("G_Z", "gyro"), ("ay", "acc"),
                                            ("a.x", "acc"), ("gain", "misc"), ("ax1", "misc")])
def test_short_imu_column_names(name, kind):
    assert guess_kind(name, "AU") == kind
