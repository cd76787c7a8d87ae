"""Analytic clonus-test signals with known ground truth (test-only helper).

The ankle angle (deg, dorsiflexion positive) is built analytically on a fine 5 kHz grid:

* rest at 0 deg, then the examiner's brisk dorsiflexion (smooth cosine ramp of ``stretch_deg``
  at about ``stretch_speed_deg_s``) starting at ``push_s``;
* ``held``: the angle stays at ``stretch_deg`` to the end; ``released``: it returns to rest
  over 0.25 s starting at ``release_s``;
* clonus from the stretch peak: ``-(A(t)/2) * (1 - cos(phi(t)))`` whose maxima (phi = 2 pi k)
  are the beats, with a first period 8 % longer (Boyraz 2015: the first beat is longest),
  amplitude ``A0 * exp(p t)`` for ``n_beats`` cycles (or until the end when sustained).

Ground truth follows the shared beat definition: truth beat times are the analytic maxima; the
generator checks that the shared definition (peaks of the clean angle after the stretch peak with
prominence >= 0.5 deg, >= 80 ms apart) finds exactly those beats, so truth and definition agree.

Sensors: goniometer (angle + 0.3 deg noise, 0.1 deg quantisation), gyroscope (angular velocity
along a random axis of a randomly rotated 3-axis sensor, plus 5 % off-axis motion, constant bias,
bias random walk and white noise as in reflex-model section 6), accelerometer (tangential and
radial acceleration at r = 0.10 m plus gravity). Timestamp jitter: samples are taken at
``i / fs + N(0, jitter_s)`` but labelled on the uniform grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks

from clonus import Recording

FINE_HZ = 5000.0
G0 = 9.80665


@dataclass
class Truth:
    beat_times_s: np.ndarray
    n_beats: int
    frequency_hz: float | None
    sustained: bool
    stretch_onset_s: float
    stretch_peak_s: float
    mode: str


def random_rotation(rng: np.random.Generator) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(3, 3)))
    q = q * np.sign(np.diag(r))
    if np.linalg.det(q) < 0:
        q[:, 0] = -q[:, 0]
    return q


def _ramp(t: np.ndarray, t0: float, dur: float) -> np.ndarray:
    u = np.clip((t - t0) / dur, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * u)


def clean_angle(
    *,
    duration_s: float,
    freq_hz: float,
    n_beats: int | None,
    amp_deg: float,
    decay_per_s: float = 0.0,
    mode: str = "held",
    push_s: float = 0.5,
    stretch_deg: float = 12.0,
    stretch_speed_deg_s: float = 200.0,
    release_s: float = 1.0,
    tremor_hz: float | None = None,
    tremor_deg: float = 0.0,
    tremor_start_s: float = 0.0,
):
    """Clean angle on the fine grid, plus truth. ``n_beats=None`` = clonus to the end."""
    t = np.arange(0.0, duration_s, 1.0 / FINE_HZ)
    ramp_s = max(
        0.04, 2 * stretch_deg / stretch_speed_deg_s
    )  # cosine ramp: peak speed ~ pi/2 * mean
    theta = stretch_deg * _ramp(t, push_s, ramp_s)
    t_pk = push_s + ramp_s
    if mode == "released":
        theta = theta - stretch_deg * _ramp(t, release_s, 0.25)
    beats = []
    if n_beats != 0 and freq_hz > 0:
        # phase: first cycle 8 % slower, then freq_hz
        T0 = 1.08 / freq_hz
        tt = t - t_pk
        phi = np.where(tt < T0, 2 * np.pi * tt / T0, 2 * np.pi * (1.0 + (tt - T0) * freq_hz))
        amp = amp_deg * np.exp(decay_per_s * np.clip(tt, 0, None))
        k_end = np.inf if n_beats is None else n_beats
        # stop after beat k_end: keep a final half-cycle down then a slow return
        phi_end = 2 * np.pi * k_end
        osc = -(amp / 2) * (1 - np.cos(phi))
        active = (tt > 0) & (phi <= phi_end)
        tail = (tt > 0) & (phi > phi_end)
        x = np.where(active, osc, 0.0)
        if tail.any() and np.isfinite(phi_end):
            i_end = np.flatnonzero(tail)[0]
            t_end = t[i_end]
            a_end = amp[i_end]
            # half-cycle down to -a_end/2 then exponential return (no further maxima)
            half = 0.5 / freq_hz
            s = t[tail] - t_end
            down = -(a_end / 4) * (1 - np.cos(np.pi * np.clip(s / half, 0, 1)))
            back = np.where(s > half, np.exp(-(s - half) / 0.3), 1.0)
            x[tail] = down * back
        theta = theta + x
        kmax = int(np.floor(phi[-1] / (2 * np.pi)))
        if np.isfinite(k_end):
            kmax = min(kmax, int(k_end))
        for k in range(1, kmax + 1):
            target = 2 * np.pi * k
            i = int(np.searchsorted(phi, target))
            if i >= len(t) - 1:
                break
            beats.append(t_pk + (T0 + (k - 1) / freq_hz))
    if tremor_hz:
        theta = theta + np.where(
            t >= tremor_start_s,
            0.5 * tremor_deg * np.sin(2 * np.pi * tremor_hz * (t - tremor_start_s)),
            0.0,
        )
    # a maximum in the last half period has no falling side inside the recording: not a peak
    beats = np.array([b for b in beats if b < t[-1] - 0.5 / freq_hz])
    # check against the shared definition on the clean signal
    dist = int(np.ceil(0.08 * FINE_HZ))
    pk, _ = find_peaks(theta, prominence=0.5, distance=dist)
    pk_t = t[pk]
    pk_t = pk_t[pk_t > t_pk + 0.04]
    if tremor_hz is None and mode == "held":
        # self-check: the analytic maxima are what the shared definition finds
        # (a final maximum right at the end may or may not qualify as a peak)
        assert abs(len(pk_t) - len(beats)) <= 1, (len(pk_t), len(beats))
        m = min(len(pk_t), len(beats))
        if m:
            assert np.max(np.abs(pk_t[:m] - beats[:m])) < 0.01
    # truth = the shared definition applied to the clean, finely sampled angle (after release the
    # falling slope shifts or removes maxima, exactly as in the simulator's labels)
    beats = pk_t
    n = len(beats)
    f = float(1.0 / np.median(np.diff(beats))) if n >= 3 else None
    hold = (duration_s - push_s) if mode == "held" else (release_s - push_s)
    sustained = bool(
        n_beats is None and hold >= 10.0 and amp_deg * np.exp(decay_per_s * duration_s) > 1.0
    )
    truth = Truth(beats, n, f, sustained, push_s, t_pk, mode)
    return t, theta, truth


def make_recording(
    t_fine,
    theta_fine,
    *,
    fs: float,
    sensor: str,
    rng: np.random.Generator,
    noise: bool = True,
    jitter_s: float = 0.0,
    orientation: str = "random",
    gyro_bias_rad_s: float = 0.01,
) -> Recording:
    """Sample the clean angle with a sensor model into a Recording."""
    n = int(np.floor(t_fine[-1] * fs))
    ts = np.arange(n) / fs
    tj = np.clip(ts + (rng.normal(0, jitter_s, n) if jitter_s > 0 else 0.0), 0, t_fine[-1])
    th = np.interp(tj, t_fine, theta_fine)
    if sensor == "goniometer":
        x = th + (rng.normal(0, 0.3, n) if noise else 0.0)
        x = np.round(x / 0.1) * 0.1
        return Recording.from_array(
            np.deg2rad(x),
            fs=fs,
            names=["ankle_angle"],
            kinds="angle",
            units="rad",
            source="synthetic",
        )
    om_f = np.gradient(np.deg2rad(theta_fine)) * FINE_HZ
    om = np.interp(tj, t_fine, om_f)
    # small off-axis (inversion/eversion) motion, uncorrelated
    off = 0.05 * np.interp(tj, t_fine, np.roll(om_f, int(0.037 * FINE_HZ)))
    R = random_rotation(rng) if orientation == "random" else np.eye(3)
    if sensor == "gyro":
        foot = np.vstack([om, off, 0.02 * off])
        g = R @ foot
        if noise:
            sig = 0.005 * np.sqrt(fs / 200.0)
            g = g + rng.normal(0, gyro_bias_rad_s, (3, 1)) + rng.normal(0, sig, g.shape)
            g = g + np.cumsum(rng.normal(0, 1e-4 * np.sqrt(200.0 / fs), g.shape), axis=1)
        return Recording.from_array(
            g,
            fs=fs,
            names=["gyro_x", "gyro_y", "gyro_z"],
            kinds="gyro",
            units="rad/s",
            source="synthetic",
        )
    if sensor == "acc":
        r = 0.10
        alpha_f = np.gradient(om_f) * FINE_HZ
        al = np.interp(tj, t_fine, alpha_f)
        thr = np.deg2rad(th)
        # foot frame: rotation about y (the ankle axis); the sensor sits at radius r along x, so
        # the tangential direction is z; gravity rotates in the x-z plane with the foot
        foot = np.vstack(
            [
                -r * om**2 + G0 * np.sin(thr + 0.3),
                np.zeros_like(om),
                r * al + G0 * np.cos(thr + 0.3),
            ]
        )
        a = R @ foot
        if noise:
            a = a + rng.normal(0, 0.03, a.shape)
        return Recording.from_array(
            a,
            fs=fs,
            names=["acc_x", "acc_y", "acc_z"],
            kinds="acc",
            units="m/s^2",
            source="synthetic",
        )
    raise ValueError(sensor)


def trial(
    rng: np.random.Generator,
    *,
    fs: float,
    sensor: str = "gyro",
    mode: str = "held",
    kind: str = "fatigable",
    freq_hz: float | None = None,
    jitter_s: float = 0.0,
    duration_s: float = 12.0,
    noise: bool = True,
):
    """A randomised trial: kind in {'sustained', 'fatigable', 'few'}."""
    f = float(rng.uniform(4.0, 8.0)) if freq_hz is None else freq_hz
    stretch = float(rng.uniform(8, 20))
    speed = float(rng.uniform(150, 300))
    if kind == "sustained":
        kw = dict(
            n_beats=None,
            amp_deg=float(rng.uniform(1.5, 5.0)),
            decay_per_s=float(rng.uniform(-0.02, 0.03)),
        )
    elif kind == "fatigable":
        kw = dict(
            n_beats=int(rng.integers(3, 40)),
            amp_deg=float(rng.uniform(2.0, 5.0)),
            decay_per_s=float(rng.uniform(-0.15, 0.0)),
        )
    else:
        kw = dict(
            n_beats=int(rng.integers(1, 5)), amp_deg=float(rng.uniform(1.5, 4.0)), decay_per_s=0.0
        )
    if mode == "released":
        kw["n_beats"] = int(rng.integers(1, 5))
    t, th, truth = clean_angle(
        duration_s=duration_s,
        freq_hz=f,
        mode=mode,
        stretch_deg=stretch,
        stretch_speed_deg_s=speed,
        release_s=0.5 + float(rng.uniform(0.6, 1.2)),
        **kw,
    )
    rec = make_recording(t, th, fs=fs, sensor=sensor, rng=rng, jitter_s=jitter_s, noise=noise)
    return rec, truth
