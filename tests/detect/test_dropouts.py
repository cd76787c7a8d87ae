"""Pauses in a phone's timestamps are dropouts, not straight lines.

Readers put timestamped samples on a uniform grid by linear interpolation and list the pauses
in ``metadata["gap_intervals_s"]``. Before, a 1 s pause in the middle of a sustained clonus
was bridged by a straight line: 52 of 57 beats counted, no warning.
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd
import pytest
from motion_synth import clean_angle, make_recording

import clonus
from clonus.detect.motion import assess_motion
from clonus.simulate import simulate_trial
from clonus.simulate.files import write_trial


@pytest.fixture(scope="module")
def sustained_zip(tmp_path_factory):
    # seed 4, 5 x G_c: sustained clonus at about 5 Hz for the whole 12 s hold
    tr = simulate_trial(mode="held", gain_ratio=5.0, duration_s=12.0, seed=4, sensors=("imu",),
                        fs_imu_hz=200.0, orientation="random", noise=True, jitter_s=0.001)
    path = tmp_path_factory.mktemp("gap") / "trial.zip"
    write_trial(tr, path)
    return path, tr.truth


def _with_pause(src, dst, at_s: float, length_s: float):
    """Copy a phyphox zip, dropping every sample in (at_s, at_s + length_s)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for name in zin.namelist():
            b = zin.read(name)
            if name.endswith(".csv") and not name.startswith("meta"):
                df = pd.read_csv(io.BytesIO(b))
                tcol = df.columns[0]
                df = df[(df[tcol] < at_s) | (df[tcol] > at_s + length_s)]
                b = df.to_csv(index=False).encode()
            zout.writestr(name, b)
    return dst


def test_reader_lists_the_pause(sustained_zip, tmp_path):
    src, _ = sustained_zip
    rec = clonus.read(_with_pause(src, tmp_path / "p.zip", 4.0, 0.5))
    (a, n), = rec.metadata["gap_intervals_s"]
    # the pause begins at the last sample before 4.0 s (200 Hz: within 5 ms plus jitter)
    assert a == pytest.approx(4.0 - rec.metadata["time_offset_s"], abs=0.01)
    assert n == pytest.approx(0.5, abs=0.01)
    # cropping keeps the pause at the right time
    c = rec.crop(1.0)
    assert c.metadata["gap_intervals_s"][0][0] == pytest.approx(a - 1.0, abs=1 / rec.fs)


@pytest.mark.parametrize("length_s", [0.25, 1.0])
def test_pause_during_the_clonus_is_indeterminate(sustained_zip, tmp_path, length_s):
    src, _ = sustained_zip
    a = clonus.assess(clonus.read(_with_pause(src, tmp_path / "p.zip", 4.0, length_s)))
    assert a.classification == "indeterminate"
    assert "dropout" in a.reason and a.n_beats == 0
    # nothing derived from the unreported beats is shown either
    assert a.metrics.get("regularity_cv") is None and a.metrics.get("decay") is None


def test_short_pause_keeps_the_count_with_a_warning(sustained_zip, tmp_path):
    src, truth = sustained_zip
    # 80 ms: less than half the 0.2 s beat period, so at most one beat can hide in it
    a = clonus.assess(clonus.read(_with_pause(src, tmp_path / "p.zip", 4.0, 0.08)))
    assert a.classification == "clonus"
    assert abs(a.n_beats - truth.n_beats) <= 1
    assert any("dropout" in w for w in a.warnings)


def test_dropout_after_the_clonus_stopped_only_warns(rng):
    """Fatigable clonus (12 beats) in a 12 s hold; a 0.3 s dropout at 8 s, long after the
    last beat and before the last second of the hold, cannot change the count or the
    sustained judgement."""
    t, th, tr = clean_angle(duration_s=12.0, freq_hz=6.0, n_beats=12, amp_deg=3.0,
                            stretch_deg=15.0)
    rec = make_recording(t, th, fs=200.0, sensor="gyro", rng=rng)
    d = rec.data.copy()
    d[:, 1600:1660] = np.nan
    rec = clonus.Recording.from_array(d, fs=200.0, names=[c.name for c in rec.channels],
                                      kinds="gyro", units="rad/s")
    a = assess_motion(rec)
    assert a.classification == "clonus"
    assert abs(a.n_beats - tr.n_beats) <= 1
    assert any("outside the test" in w for w in a.warnings)


def test_malformed_gap_list_is_a_clear_error(rng):
    """A gap list that is not [[start_s, length_s], ...] (hand-edited metadata, a JSON from
    elsewhere) is a ClonusError naming the field, not a traceback from unpacking."""
    from clonus.exceptions import ClonusError

    t, th, _ = clean_angle(duration_s=4.0, freq_hz=6.0, n_beats=6, amp_deg=3.0)
    rec = make_recording(t, th, fs=200.0, sensor="gyro", rng=rng)
    bad = clonus.Recording.from_array(rec.data, fs=200.0, names=[c.name for c in rec.channels],
                                      kinds="gyro", units="rad/s",
                                      metadata={"gap_intervals_s": [[1.0, "long"]]})
    with pytest.raises(ClonusError, match="gap_intervals_s"):
        assess_motion(bad)
