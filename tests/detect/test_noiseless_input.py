"""Ideal (noiseless) sensor signals, as other simulators write them, are analysed like real
ones: exact zeros at rest are not a frozen stream, and exactly constant off-axis channels of a
sensor aligned with the ankle are not a broken sensor. A stream that really froze while the
foot moved is still a dropout."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import clonus
from clonus import Recording
from clonus.simulate import simulate_trial


def _assess(rec):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return clonus.assess(rec)


@pytest.mark.parametrize("fs", [50.0, 1000.0])
@pytest.mark.parametrize("orientation", ["random", "aligned"])
@pytest.mark.parametrize("mode", ["held", "released"])
def test_noiseless_simulated_imu_is_counted(fs, orientation, mode):
    tr = simulate_trial(mode=mode, gain_ratio=3.0, duration_s=8.0, seed=1, sensors=("imu",),
                        fs_imu_hz=fs, noise=False, orientation=orientation)
    gyro = tr.recording.pick([c.name for c in tr.recording.channels if c.kind == "gyro"])
    assert np.all(gyro.data[:, : int(0.4 * fs)] == 0.0)  # exact zeros before the push
    a = _assess(tr.recording)
    assert a.classification == "clonus", a.reason
    assert abs(a.n_beats - tr.truth.n_beats) <= max(1, 0.05 * tr.truth.n_beats)
    assert any("noiseless signal at rest" in w for w in a.warnings)
    if orientation == "aligned":
        assert any("analysed on the other axes" in w for w in a.warnings)


def _noiseless_gyro(fs=200.0):
    tr = simulate_trial(mode="held", gain_ratio=3.0, duration_s=8.0, seed=1, sensors=("imu",),
                        fs_imu_hz=fs, noise=False)
    rec = tr.recording
    return rec.pick([c.name for c in rec.channels if c.kind == "gyro"]), tr


@pytest.mark.parametrize("damage", ["repeat_mid", "repeat_to_end", "zero_fill_mid"])
def test_a_stream_frozen_while_the_foot_moves_is_still_a_dropout(damage):
    rec, tr = _noiseless_gyro()
    d = rec.data.copy()
    i = int(3.0 * rec.fs)
    if damage == "repeat_mid":
        d[:, i : i + 40] = d[:, i - 1 : i]
    elif damage == "repeat_to_end":
        d[:, i:] = d[:, i - 1 : i]
    else:
        d[:, i : i + 40] = 0.0
    a = _assess(Recording(d, rec.fs, rec.channels))
    assert a.classification == "indeterminate", a.reason
    assert "frozen" in a.reason and a.n_beats == 0


def test_all_axes_constant_is_still_a_flat_sensor():
    rec, _ = _noiseless_gyro()
    a = _assess(Recording(np.zeros_like(rec.data), rec.fs, rec.channels))
    assert a.classification == "indeterminate" and "flat" in a.reason


def test_from_array_converts_degrees_to_si():
    """An angle given in degrees is held in radians; before, the label said deg while the
    analysis read the numbers as radians (an 8 deg push became 458 deg)."""
    t = np.arange(0, 6, 0.01)
    th = 8.0 * np.clip(t - 1.0, 0, 0.1) / 0.1
    osc = np.where(t > 1.15, -1.5 * (1 - np.cos(2 * np.pi * 5.5 * (t - 1.15))), 0.0)
    osc[t > 1.15 + 10 / 5.5] = 0.0
    rec_deg = Recording.from_array(th + osc, fs=100.0, names=["ankle_angle"], kinds="angle",
                                   units="deg")
    assert rec_deg.channels[0].unit == "rad" and rec_deg.channels[0].orig_unit == "deg"
    np.testing.assert_allclose(rec_deg.get("ankle_angle"), np.deg2rad(th + osc))
    a = _assess(rec_deg)
    assert a.classification == "clonus", a.reason
    assert abs(a.n_beats - 10) <= 1
    assert abs(a.metrics["stretch"]["excursion_deg"] - 8.0) < 1.5


def _ramp_push_gyro(rise_s, fs, *, exc_deg=8.0, f_hz=5.5, amp_deg=3.0, n_beats=12):
    """Ideal gyroscope of a position-servo ramp-and-hold push (constant velocity for
    ``rise_s``), then ``n_beats`` of clonus from the held position."""
    t = np.arange(0, 8, 1 / fs)
    th = exc_deg * np.clip((t - 1.0) / rise_s, 0, 1)
    tp = 1.0 + rise_s + 0.05
    ph = 2 * np.pi * f_hz * (t - tp)
    th = th + np.where((t > tp) & (ph <= 2 * np.pi * n_beats), -(amp_deg / 2) * (1 - np.cos(ph)), 0)
    om = np.gradient(np.deg2rad(th)) * fs
    return Recording.from_array(np.vstack([om, 0 * om, 0 * om]), fs=fs,
                                names=["gyro_x", "gyro_y", "gyro_z"], kinds="gyro", units="rad/s")


@pytest.mark.parametrize("fs", [100.0, 1000.0])
@pytest.mark.parametrize("rise_s", [0.02, 0.03])
def test_servo_ramp_faster_than_40ms_is_a_push(fs, rise_s):
    """reflex-model section 7 allows a position servo at 100-300 deg/s: 8 deg at 400 deg/s
    rises in 20 ms. Such a rise used to be taken for a knock (< 40 ms, or power above 20 Hz
    from the velocity's edges) and the clonus after it for tremor; the foot staying up and
    the absence of ringing make it a push. A tap's ringing is still a knock
    (test_negatives.test_knock_is_not_a_stretch)."""
    a = _assess(_ramp_push_gyro(rise_s, fs))
    assert a.classification == "clonus", a.reason
    assert abs(a.n_beats - 12) <= 1
    assert abs(a.stretch_onset_s - 1.0) <= 0.05


@pytest.mark.parametrize("fs", [100.0, 400.0])
def test_noiseless_accelerometer_alone_is_counted(fs):
    """A noiseless accelerometer alone: its fitted angle is zero-phase filtered, and the brisk
    stretch leaked back into the pre-stretch window as a 0.5 deg 'oscillation' (tremor before
    the stretch) until that window ended 0.15 s before the onset for accelerometer angles."""
    tr = simulate_trial(mode="held", gain_ratio=3.0, duration_s=12.0, seed=3,
                        sensors=("imu",), fs_imu_hz=fs, noise=False)
    rec = tr.recording
    a = _assess(rec.pick([c.name for c in rec.channels if c.kind == "acc"]))
    assert a.classification == "clonus", a.reason
    assert abs(a.n_beats - tr.truth.n_beats) <= max(1, 0.05 * tr.truth.n_beats)
