"""Two IMUs in one file (left and right foot, as gaitmap and many gait labs record): the
moving foot is analysed with its own accelerometer, the choice is named, and the other foot
can be chosen by prefix."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import clonus
from clonus.exceptions import InvalidParameterError
from clonus.model import Recording
from clonus.simulate import simulate_trial


def _two_feet(rng):
    tr = simulate_trial(mode="held", gain_ratio=4.0, duration_s=10.0, seed=1, sensors=("imu",),
                        fs_imu_hz=100.0)
    r = tr.recording
    n = r.n_samples
    gyro = r.pick(kind="gyro").data
    acc = r.pick(kind="acc").data
    # the other foot: still, its phone at another tilt, gravity exactly 1 g
    g_dir = np.array([0.6, -0.48, 0.64])
    still_acc = 9.80665 * g_dir[:, None] / np.linalg.norm(g_dir) + rng.normal(0, 0.01, (3, n))
    still_gyro = rng.normal(0, 0.003, (3, n))
    names = [f"{side}_{s}_{ax}" for side in ("left", "right") for s in ("acc", "gyr")
             for ax in "xyz"]
    data = np.vstack([acc, gyro, still_acc, still_gyro])
    kinds = (["acc"] * 3 + ["gyro"] * 3) * 2
    units = (["m/s^2"] * 3 + ["rad/s"] * 3) * 2
    return Recording.from_array(data, fs=r.fs, names=names, kinds=kinds, units=units), tr.truth


def _assess(rec, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return clonus.assess(rec, **kw)


def test_the_moving_foot_with_its_own_accelerometer(rng):
    rec, truth = _two_feet(rng)
    a = _assess(rec)
    assert a.channel == "left_gyr_x,left_gyr_y,left_gyr_z"
    # gravity fusion with the left foot's accelerometer (the right one, closer to 1 g, was
    # taken before and disagreed with the left gyroscope)
    assert a.metrics["gravity_fused"] is True
    assert abs(a.n_beats - truth.n_beats) <= max(1, 0.05 * truth.n_beats)
    assert any("2 gyro sensors (left, right)" in w and "--channel right" in w
               for w in a.warnings)


def test_the_other_foot_by_prefix(rng):
    rec, _ = _two_feet(rng)
    a = _assess(rec, channel="right")
    assert a.channel == "right_gyr_x,right_gyr_y,right_gyr_z"
    assert a.classification == "indeterminate" and a.n_beats == 0  # no stretch: still foot
    b = _assess(rec, channel="left_gyr_x,left_gyr_y,left_gyr_z")
    assert b.channel == "left_gyr_x,left_gyr_y,left_gyr_z" and b.classification == "clonus"
    with pytest.raises(InvalidParameterError, match="nor channels starting with it"):
        _assess(rec, channel="middle")


@pytest.mark.parametrize("seed", [4, 7])
def test_noisy_goniometer_sampled_at_1khz_gives_way_to_the_gyroscope(seed):
    """A lab recording at 1 kHz (goniometer, phone IMU and EMG on one clock): the simulated
    goniometer's 0.3 deg noise is only 0.035 deg below 12 Hz at that rate, under the former
    0.05 deg floor, so it was kept and lost 1-6 of 36 beats of 0.7 deg; the gyroscope, more
    than 5 x cleaner, counts them against the simulator's truth."""
    tr = simulate_trial(mode="held", gain_ratio=3.0, duration_s=8.0, seed=seed,
                        sensors=("imu", "goniometer", "emg"), fs_imu_hz=200.0,
                        fs_emg_hz=1000.0)
    assert tr.recording.fs == 1000.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = clonus.assess(tr.recording)
    assert a.metrics["source_kind"] == "gyro"
    assert 0.02 < a.metrics["goniometer_noise_deg"] < 0.05
    assert abs(a.n_beats - tr.truth.n_beats) <= max(1, int(0.05 * tr.truth.n_beats))
