"""Sensor models: foot-mounted IMU (gyroscope + accelerometer), goniometer and surface EMG
(reflex-model.md §5-§6; all noise and artefact magnitudes: assumed — calibrate).

Every function takes the simulator's :class:`~clonus.simulate.reflex.SimResult` and a
:class:`numpy.random.Generator` and returns arrays in SI units.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..exceptions import InvalidParameterError
from ..units import G0
from .reflex import SimResult

__all__ = [
    "ImuModel",
    "GoniometerModel",
    "EmgModel",
    "sample_times",
    "rotation_matrix",
    "imu_signals",
    "goniometer_signal",
    "emg_amplitude_modulated",
    "emg_motor_units",
]


@dataclass(frozen=True)
class ImuModel:
    """Foot-mounted phone/IMU (reflex-model.md §6; assumed — calibrate).

    Noise standard deviations are per sample at 200 Hz and scaled by sqrt(fs/200) so the
    noise density stays the same at other rates.
    """

    radius_m: float = 0.10              #: r_imu, distance from the ankle axis (0.08-0.15 m)
    mount_angle_rad: float = 0.0        #: θ_mount, sensor tilt on the foot
    gyro_noise_rad_s: float = 0.005     #: white gyro noise per sample at 200 Hz
    gyro_bias_walk_rad_s: float = 1e-4  #: bias random walk per sqrt(sample) at 200 Hz
    gyro_bias_sd_rad_s: float = 0.01    #: fixed bias, SD per axis
    acc_noise_m_s2: float = 0.03        #: white accelerometer noise per sample at 200 Hz
    acc_bias_sd_m_s2: float = 0.05      #: fixed accelerometer bias, SD per axis
    scale_error: float = 0.02           #: per-axis scale error, uniform ±


@dataclass(frozen=True)
class GoniometerModel:
    """Goniometer / encoder: θ + N(0, 0.3°), quantised to 0.1° (reflex-model.md §6)."""

    noise_deg: float = 0.3
    resolution_deg: float = 0.1


@dataclass(frozen=True)
class EmgModel:
    """Surface EMG of the triceps surae (reflex-model.md §5; assumed — calibrate).

    Mode A: EMG = A·sqrt(u_m)·w(t), w unit-variance Gaussian noise band-passed 20-450 Hz.
    Mode B: Fuglevand-1993-style pool of ``n_units`` motor units with Hermite-Rodriguez
    MUAPs. Artefacts: mains, white amplifier noise, baseline wander, motion artefact.
    """

    amplitude_v: float = 400e-6            #: A of Mode A
    band_hz: tuple[float, float] = (20.0, 450.0)
    n_units: int = 100
    recruitment_range: float = 30.0        #: RR, ratio of last to first threshold
    max_recruit_drive: float = 0.6         #: all units recruited at 60 % drive
    rate_min_hz: float = 6.0
    rate_max_hz: float = 20.0
    isi_cv: float = 0.2
    muap_width_s: tuple[float, float] = (0.006, 0.010)
    muap_amp_v: tuple[float, float] = (10e-6, 150e-6)
    mains_v: float = 8e-6
    mains_hz: float = 50.0
    white_v: float = 3e-6
    wander_v: float = 5e-6
    motion_artefact_v_per_m_s2: float = 2e-6
    dropout_rate_per_s: float = 0.0        #: electrode-lift events per second (off by default)
    dropout_duration_s: tuple[float, float] = (0.05, 0.3)
    dropout_step_v: float = 1e-3           #: baseline jump at an electrode lift, decays in 0.1 s


def sample_times(duration_s: float, fs: float, jitter_s: float,
                 rng: np.random.Generator) -> np.ndarray:
    """Sample times at nominal rate ``fs`` (Hz) with Gaussian timestamp jitter (s).

    Jitter is clipped to ±0.4 sample periods so the times stay strictly increasing.
    """
    n = int(math.floor(duration_s * fs + 1e-9))
    t = np.arange(n) / fs
    if jitter_s > 0:
        j = np.clip(rng.normal(0.0, jitter_s, n), -0.4 / fs, 0.4 / fs)
        j[0] = 0.0
        t = t + j
    return t


def rotation_matrix(orientation: Any, rng: np.random.Generator) -> np.ndarray:
    """3x3 rotation from the foot frame to the phone frame.

    ``"aligned"``: identity (x tangential, y radial, z = ankle axis); ``"random"``: uniformly
    random rotation; or a 3x3 rotation matrix.
    """
    if isinstance(orientation, str):
        if orientation == "aligned":
            return np.eye(3)
        if orientation == "random":
            from scipy.spatial.transform import Rotation

            return Rotation.random(random_state=rng).as_matrix()
        raise InvalidParameterError(
            f"Invalid value for 'orientation': {orientation!r}. Allowed values are 'random', "
            "'aligned' or a 3x3 rotation matrix.")
    R = np.asarray(orientation, dtype=float)
    if R.shape != (3, 3) or not np.allclose(R @ R.T, np.eye(3), atol=1e-6) \
            or not np.isclose(np.linalg.det(R), 1.0, atol=1e-6):
        raise InvalidParameterError(
            "orientation must be 'random', 'aligned' or a proper 3x3 rotation matrix "
            "(orthonormal, determinant +1).")
    return R


def _interp(res: SimResult, x: np.ndarray, t: np.ndarray) -> np.ndarray:
    return np.interp(t, res.t_s, x)


def imu_signals(res: SimResult, t: np.ndarray, fs: float, R: np.ndarray,
                rng: np.random.Generator, *, noise: bool = True,
                model: ImuModel | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Gyroscope (rad/s) and accelerometer (m/s², gravity included) in the phone frame.

    In the foot frame (x tangential, y radial, z along the ankle axis) the gyroscope reads
    (0, 0, ω) and the accelerometer reads specific force
    (r·θ'' + g·sin ψ, r·ω² + g·cos ψ, 0) with ψ = θ + θ_mount (§6). Both are rotated by ``R``
    into the phone frame, then per-axis scale error, bias, bias random walk and white noise
    are added (when ``noise``).

    Returns
    -------
    gyro, acc : ndarray, shape (3, n)
    """
    m = model or ImuModel()
    om = _interp(res, res.omega_rad_s, t)
    al = _interp(res, res.alpha_rad_s2, t)
    th = _interp(res, res.theta_rad, t)
    psi = th + m.mount_angle_rad
    n = t.size
    gyro_f = np.vstack([np.zeros(n), np.zeros(n), om])
    acc_f = np.vstack([m.radius_m * al + G0 * np.sin(psi), m.radius_m * om**2 + G0 * np.cos(psi),
                       np.zeros(n)])
    gyro = R @ gyro_f
    acc = R @ acc_f
    if noise:
        k = math.sqrt(fs / 200.0)
        walk = np.cumsum(rng.normal(0.0, m.gyro_bias_walk_rad_s / k, (3, n)), axis=1)
        gyro = (gyro * (1 + rng.uniform(-m.scale_error, m.scale_error, (3, 1)))
                + rng.normal(0.0, m.gyro_bias_sd_rad_s, (3, 1)) + walk
                + rng.normal(0.0, m.gyro_noise_rad_s * k, (3, n)))
        acc = (acc * (1 + rng.uniform(-m.scale_error, m.scale_error, (3, 1)))
               + rng.normal(0.0, m.acc_bias_sd_m_s2, (3, 1))
               + rng.normal(0.0, m.acc_noise_m_s2 * k, (3, n)))
    return gyro, acc


def goniometer_signal(res: SimResult, t: np.ndarray, rng: np.random.Generator, *,
                      noise: bool = True, model: GoniometerModel | None = None) -> np.ndarray:
    """Goniometer angle, rad (+ = dorsiflexion): θ + N(0, 0.3°) quantised to 0.1°."""
    m = model or GoniometerModel()
    th = _interp(res, res.theta_rad, t)
    if not noise:
        return th
    deg = np.degrees(th) + rng.normal(0.0, m.noise_deg, t.size)
    deg = np.round(deg / m.resolution_deg) * m.resolution_deg
    return np.radians(deg)


def _bandpass(x: np.ndarray, fs: float, band_hz: tuple[float, float]) -> np.ndarray:
    from scipy.signal import butter, sosfiltfilt

    hi = min(band_hz[1], 0.45 * fs)
    sos = butter(4, [band_hz[0], hi], btype="bandpass", fs=fs, output="sos")
    return sosfiltfilt(sos, x)


def _artefacts(res: SimResult, t: np.ndarray, fs: float, rng: np.random.Generator,
               m: EmgModel) -> np.ndarray:
    from scipy.signal import butter, sosfiltfilt

    mains_hz = m.mains_hz if m.mains_hz < fs / 2 else 0.0
    x = m.mains_v * np.sin(2 * np.pi * mains_hz * t + rng.uniform(0, 2 * np.pi))
    x = x + rng.normal(0.0, m.white_v, t.size)
    x = x + m.wander_v * np.sin(2 * np.pi * rng.uniform(0.1, 0.8) * t + rng.uniform(0, 6.3))
    acc = _interp(res, res.alpha_rad_s2, t) * 0.10  # tangential foot acceleration, m/s²
    sos = butter(2, min(20.0, 0.4 * fs), fs=fs, output="sos")
    x = x + m.motion_artefact_v_per_m_s2 * sosfiltfilt(sos, acc)
    return x


def _dropouts(x: np.ndarray, t: np.ndarray, rng: np.random.Generator,
              m: EmgModel) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Electrode-lift dropouts: signal lost (flat) plus a decaying baseline step."""
    if m.dropout_rate_per_s <= 0 or t.size == 0:
        return x, []
    n_ev = rng.poisson(m.dropout_rate_per_s * (t[-1] - t[0]))
    events = []
    x = x.copy()
    for _ in range(n_ev):
        t0 = float(rng.uniform(t[0], t[-1]))
        dur = float(rng.uniform(*m.dropout_duration_s))
        lost = (t >= t0) & (t < t0 + dur)
        x[lost] = 0.0
        after = t >= t0
        x[after] += m.dropout_step_v * rng.choice([-1.0, 1.0]) * np.exp(-(t[after] - t0) / 0.1)
        events.append((t0, t0 + dur))
    return x, sorted(events)


def emg_amplitude_modulated(res: SimResult, t: np.ndarray, fs: float,
                            rng: np.random.Generator, *, noise: bool = True,
                            model: EmgModel | None = None) -> np.ndarray:
    """Mode A surface EMG, V: A·sqrt(u_m)·w(t) plus artefacts (when ``noise``)."""
    m = model or EmgModel()
    um = np.clip(_interp(res, res.drive_muscle, t), 0.0, None)
    w = _bandpass(rng.standard_normal(t.size), fs, m.band_hz)
    w /= max(float(np.std(w)), 1e-12)
    x = m.amplitude_v * np.sqrt(um) * w
    if noise:
        x = x + _artefacts(res, t, fs, rng, m)
        x, _ = _dropouts(x, t, rng, m)
    return x


def _mu_spikes_py(um, dt, thr, rate_min, rate_max, isi_draws, spikes):  # noqa: PLR0913
    """Fill ``spikes`` (n_units, n) from a renewal process driven by the rate code.

    Scalar loops in the numba-compatible subset of Python (compiled once per process).
    """
    n_units = thr.shape[0]
    n = um.shape[0]
    n_draw = isi_draws.shape[1]
    for j in range(n_units):
        active = False
        phase = 0.0
        k = 0
        target = isi_draws[j, 0]
        for i in range(n):
            u = um[i]
            if u >= thr[j]:
                if not active:  # first spike allowed at recruitment
                    spikes[j, i] = 1
                    phase = 0.0
                    active = True
                    continue
                phase += (rate_min + (rate_max - rate_min) * (u - thr[j]) / (1.0 - thr[j])) * dt
                if phase >= target:
                    spikes[j, i] = 1
                    phase = 0.0
                    k += 1
                    target = isi_draws[j, k % n_draw]
            else:
                active = False


@functools.lru_cache(maxsize=1)
def _mu_kernel():
    try:
        import numba
    except ImportError:  # pragma: no cover - depends on the environment
        return _mu_spikes_py
    return numba.njit(cache=False)(_mu_spikes_py)


def _mu_spikes(um: np.ndarray, dt: float, thr: np.ndarray, rate_min: float, rate_max: float,
               isi_draws: np.ndarray) -> np.ndarray:
    """Spike indicator (n_units, n) of the motor-unit pool."""
    spikes = np.zeros((thr.size, um.size), dtype=np.uint8)
    _mu_kernel()(np.ascontiguousarray(um, dtype=np.float64), float(dt),
                 np.ascontiguousarray(thr, dtype=np.float64), float(rate_min), float(rate_max),
                 np.ascontiguousarray(isi_draws, dtype=np.float64), spikes)
    return spikes


def emg_motor_units(res: SimResult, t: np.ndarray, fs: float, rng: np.random.Generator, *,
                    noise: bool = True, model: EmgModel | None = None
                    ) -> tuple[np.ndarray, dict[str, Any]]:
    """Mode B surface EMG, V, from a motor-unit pool (Fuglevand et al. 1993 structure).

    Thresholds are exponentially distributed (range ratio RR) up to ``max_recruit_drive``;
    rates rise linearly from ``rate_min_hz`` to ``rate_max_hz``; inter-spike intervals are
    Gamma-distributed with CV ``isi_cv``; each unit's first spike is at recruitment. MUAPs are
    first-order Hermite-Rodriguez waveforms with width and amplitude exponential in rank.

    Returns
    -------
    emg : ndarray
        EMG, V, sampled at ``t``.
    info : dict
        ``spike_times_s`` (list of arrays, one per unit) and ``thresholds``.
    """
    from scipy.signal import fftconvolve

    m = model or EmgModel()
    um = np.clip(_interp(res, res.drive_muscle, t), 0.0, None)
    nu = int(m.n_units)
    rank = np.arange(nu) / max(nu - 1, 1)
    thr = m.max_recruit_drive / m.recruitment_range * np.exp(np.log(m.recruitment_range) * rank)
    shape = 1.0 / m.isi_cv**2
    isi = rng.gamma(shape, 1.0 / shape, (nu, 64))
    dt = 1.0 / fs
    spikes = _mu_spikes(um, dt, thr, m.rate_min_hz, m.rate_max_hz, isi)
    amps = m.muap_amp_v[0] * (m.muap_amp_v[1] / m.muap_amp_v[0]) ** rank
    widths = m.muap_width_s[0] + (m.muap_width_s[1] - m.muap_width_s[0]) * rank
    x = np.zeros(t.size)
    for j in range(nu):
        if not spikes[j].any():
            continue
        lam = widths[j] / 4.0
        tk = np.arange(-4 * lam, 4 * lam + dt, dt)
        muap = (tk / lam) * np.exp(-((tk / lam) ** 2))
        muap *= amps[j] / max(float(np.abs(muap).max()), 1e-12)
        x += fftconvolve(spikes[j].astype(float), muap, mode="same")
    if noise:
        x = x + _artefacts(res, t, fs, rng, m)
        x, _ = _dropouts(x, t, rng, m)
    info = {"spike_times_s": [t[np.flatnonzero(s)] for s in spikes], "thresholds": thr}
    return x, info
