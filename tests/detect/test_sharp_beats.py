"""Clonus with sharp beats recorded by a phone/IMU is counted, not taken for a foot striking the
floor, while the foot is held up (docs/motion.md, Classification).

A beat whose plantarflexion falls in 20-30 ms (a quick twitch; an independent generator's
"jerk" and sawtooth beats) gives the sensor a tangential acceleration r x alpha with content
above 20 Hz: 1-5 g, which the strike check counts as an impact in every cycle. A toe strike is
the floor the foot rested on, so impacts only mean tapping when the cycles bottom out near the
rest level before the stretch; here the beats hang 11-15 deg above it. The same foot tapping
the floor with the same impacts stays rejected. Truth: the shared beat definition on the clean
angle (peaks after the stretch peak with prominence >= 0.5 deg), as in ``motion_synth``.
"""

from __future__ import annotations

import numpy as np
import pytest
from motion_synth import FINE_HZ, make_recording
from scipy.signal import find_peaks

import clonus


def _sharp_clonus(fall_fraction: float, f_hz: float = 6.0, n_cycles: int = 14,
                  amp_deg: float = 4.0):
    t = np.arange(0.0, 7.0, 1.0 / FINE_HZ)
    th = np.zeros_like(t)
    t_push, dur, hold = 1.0, 0.12, 15.0
    u = np.clip((t - t_push) / dur, 0, 1)
    th += hold * 0.5 * (1 - np.cos(np.pi * u))
    t0 = t_push + dur
    ph = (t - t0) * f_hz
    on = (ph >= 0) & (ph < n_cycles)
    frac = ph[on] % 1.0
    d = fall_fraction
    # each cycle: a quick smooth fall of amp_deg in d of the period, a slower smooth return
    w = np.where(frac < d, 0.5 * (1 - np.cos(np.pi * frac / d)),
                 0.5 * (1 + np.cos(np.pi * (frac - d) / (1 - d))))
    th[on] -= amp_deg * w
    pk, _ = find_peaks(th[t > t0 - 0.01], prominence=0.5, distance=int(0.08 * FINE_HZ))
    return t, th, len(pk)


@pytest.mark.parametrize("fall_fraction", [0.12, 0.2])
@pytest.mark.parametrize("fs", [100.0, 400.0])
def test_sharp_beats_from_an_imu_are_counted(fall_fraction, fs) -> None:
    t, th, n_true = _sharp_clonus(fall_fraction)
    rng = np.random.default_rng(7)
    gyro = make_recording(t, th, fs=fs, sensor="gyro", rng=rng, orientation="aligned")
    acc = make_recording(t, th, fs=fs, sensor="acc", rng=rng, orientation="aligned")
    rec = clonus.Recording(np.vstack([gyro.data, acc.data]), fs,
                           (*gyro.channels, *acc.channels))
    a = clonus.assess(rec)
    # the check is not skipped: the accelerometer is there and its impacts were measured
    assert a.metrics["channels_used"] == ["gyro_x", "gyro_y", "gyro_z"]
    assert a.classification == "clonus", a.reason
    assert abs(a.n_beats - n_true) <= 1, (a.n_beats, n_true)
    assert a.frequency_hz == pytest.approx(6.0, abs=0.15)


def _impact(t: np.ndarray, t_k: float, peak_g: float) -> np.ndarray:
    """A toe strike's ringing shock (m/s^2) starting at ``t_k``: 60 Hz, 8 ms decay."""
    s = t - t_k
    return np.where(s >= 0, peak_g * 9.80665 * np.exp(-np.clip(s, 0, None) / 0.008)
                    * np.cos(2 * np.pi * 60 * s), 0.0)


@pytest.mark.parametrize("fs", [100.0, 400.0])
def test_the_same_impacts_at_the_rest_level_are_still_tapping(fs) -> None:
    """Toes lifted 12 deg and slapped down to the floor (the rest level) at 3 Hz, a 2 g strike
    at each contact: the foot strikes something, not clonus."""
    t = np.arange(0.0, 9.0, 1.0 / FINE_HZ)
    th = np.zeros_like(t)
    contacts = []
    tk = 1.5
    rng = np.random.default_rng(11)
    while tk < 7.5:
        period = (1 / 3.0) * (1 + 0.04 * rng.standard_normal())
        w = 0.8 * period
        u = (t - tk) / w
        m = (u >= 0) & (u <= 1)
        lift = 12.0 * (1 + 0.1 * rng.standard_normal())
        th[m] = np.maximum(th[m], lift * np.sin(np.pi * u[m]) ** 1.5)
        contacts.append(tk + w)
        tk += period
    gyro = make_recording(t, th, fs=fs, sensor="gyro", rng=rng, orientation="aligned")
    acc = make_recording(t, th, fs=fs, sensor="acc", rng=rng, orientation="aligned")
    shock = sum(_impact(t, c, 2.0) for c in contacts)
    acc_data = acc.data.copy()
    acc_data[1] += np.interp(np.arange(acc.n_samples) / fs, t, shock)
    rec = clonus.Recording(np.vstack([gyro.data, acc_data]), fs, (*gyro.channels, *acc.channels))
    a = clonus.assess(rec)
    assert a.classification != "clonus", a.reason
    assert a.n_beats == 0
