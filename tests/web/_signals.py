"""Test signals: a synthetic ankle-clonus test written as the live-capture CSV.

The CSV layout is the one the live-capture page (``static/capture.js``) uploads:
``time_s,gyro_x (rad/s),gyro_y (rad/s),gyro_z (rad/s),acc_x (m/s^2),acc_y (m/s^2),acc_z (m/s^2)``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HEADER = ("time_s,gyro_x (rad/s),gyro_y (rad/s),gyro_z (rad/s),"
          "acc_x (m/s^2),acc_y (m/s^2),acc_z (m/s^2)")


def clonus_angle(t: np.ndarray, *, stretch_s: float = 1.0, freq_hz: float = 6.0,
                 n_beats: int = 8, amp_deg: float = 4.0) -> tuple[np.ndarray, np.ndarray]:
    """Ankle angle (deg): a quick dorsiflexion stretch, then a 6 Hz oscillation of n_beats
    cycles on the held position. Returns (angle_deg, true beat times in s: the dorsiflexion
    peaks after the stretch peak)."""
    rise = 0.15
    held = 15.0
    angle = np.where(t < stretch_s, 0.0,
                     np.where(t < stretch_s + rise, held * (t - stretch_s) / rise, held))
    start = stretch_s + rise
    period = 1.0 / freq_hz
    osc_t = t - start
    end = (n_beats + 0.5) * period
    # cos-shaped cycles: each ends with a dorsiflexion peak at start + k*period; after the last
    # beat the ankle relaxes into the trough and stays there (so the last beat is a true peak).
    osc = np.where(osc_t < end, -amp_deg / 2 * (1 - np.cos(2 * np.pi * freq_hz * osc_t)),
                   -amp_deg)
    angle = angle + np.where(osc_t >= 0, osc, 0.0)
    beats = start + period * np.arange(1, n_beats + 1)
    return angle, beats


def write_clonus_csv(path: Path, *, fs_hz: float = 100.0, duration_s: float = 5.0,
                     n_beats: int = 8, freq_hz: float = 6.0, seed: int = 0) -> np.ndarray:
    """Write the synthetic test as a phone-capture CSV; return the true beat times (s)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(duration_s * fs_hz)) / fs_hz
    angle_deg, beats = clonus_angle(t, n_beats=n_beats, freq_hz=freq_hz)
    theta = np.deg2rad(angle_deg)
    gyro_x = np.gradient(theta, t) + rng.normal(0, 0.01, t.size)
    g = 9.80665
    acc = np.stack([np.zeros_like(t), g * np.sin(theta), g * np.cos(theta)])
    acc += rng.normal(0, 0.02, acc.shape)
    cols = np.column_stack([t, gyro_x, rng.normal(0, 0.01, t.size), rng.normal(0, 0.01, t.size),
                            acc[0], acc[1], acc[2]])
    np.savetxt(path, cols, delimiter=",", header=HEADER, comments="", fmt="%.6f")
    return beats
