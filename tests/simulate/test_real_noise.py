"""Sensor noise of the simulated IMU against a real foot-mounted IMU at rest.

Data: mad-lab-fau/gaitmap example data (MIT), ../shared/data/real/gaitmap_foot_imu, a NilsPod
foot IMU at 204.8 Hz (see the data README). Its quietest 1 s window (foot still) gives the
white-noise floor that reflex-model.md §6 assumes (gyro 0.005 rad/s, acc 0.03 m/s² per sample
at 200 Hz).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import clonus
from clonus.simulate import simulate_trial


def _quietest_sd(rec, kind):
    x = rec.pick(kind=kind).data
    n = int(rec.fs)
    starts = range(0, x.shape[1] - n, n // 4)
    i = min(starts, key=lambda s: float(np.std(x[:, s:s + n], axis=1).max()))
    return np.std(x[:, i:i + n], axis=1)


@pytest.mark.requires_data
def test_simulated_imu_noise_matches_a_real_foot_imu_at_rest(real_data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the reader may warn about units of this CSV
        real = clonus.read(real_data / "gaitmap_foot_imu" / "imu_sample.csv")
    g_real = np.median(_quietest_sd(real, "gyro"))
    a_real = np.median(_quietest_sd(real, "acc"))
    tr = simulate_trial(mode="held", gain=0.02, duration_s=3.0, seed=0, fs_imu_hz=204.8,
                        orientation="random")
    rest = tr.recording.crop(0.0, 0.45)  # before the push: foot still
    g_sim = np.median(np.std(rest.pick(kind="gyro").data, axis=1))
    a_sim = np.median(np.std(rest.pick(kind="acc").data, axis=1))
    # Same order of magnitude: within a factor 2 of the real floor (real: one device, one
    # window; the spec's values are "assumed — calibrate").
    assert 0.5 < g_sim / g_real < 2.0, (g_sim, g_real)
    assert 0.5 < a_sim / a_real < 2.0, (a_sim, a_real)
