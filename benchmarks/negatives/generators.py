"""Realistic NON-clonus motion recordings for the negatives stress benchmark.

Every generator takes a seeded :class:`numpy.random.Generator` and returns ``(recording, params)``:
a :class:`clonus.Recording` as a phone/IMU on the foot (or a goniometer) would give it, and the
parameters drawn (JSON-able) so a failing case can be regenerated from its seed alone.

Movement model. Each recording is built on a fine 1 kHz grid as a *pose* of the foot: its
rotation about the ankle axis (plantar/dorsiflexion ``theta``; + = dorsiflexion), optional
small rotations about the two other axes, and the translation of the ankle (gait, phone
handling). The sensor sits at radius ``r`` from the ankle axis (0.08-0.15 m, reflex-model.md
section 6), mounted in a uniformly random orientation. From the pose we compute exactly what a
strapdown IMU measures: the body-frame angular velocity and the specific force (acceleration
of the sensor point minus gravity, in the sensor frame). A goniometer variant reads ``theta``.

Sensor errors (per recording, drawn at random), phone-grade MEMS IMUs:

* gyroscope white noise density 0.004-0.03 deg/s/sqrt(Hz) (Bosch BMI160 datasheet 0.007,
  InvenSense MPU-6500 0.01 deg/s/sqrt(Hz); older/cheaper phones worse), constant bias with SD
  0.3 deg/s plus a heavy tail up to 3 deg/s (MPU-6500 zero-rate offset +-5 deg/s before the
  OS calibration; Android's calibrated gyroscope leaves a few tenths of deg/s), bias random
  walk, per-axis scale error +-2 % and full scale +-2000 deg/s (clipped);
* accelerometer noise density 150-400 ug/sqrt(Hz) (BMI160 180, MPU-6500 300 ug/sqrt(Hz)), bias
  SD 0.05 m/s^2, range +-16 g (clipped);
* sampling at phone rates 50, 60, 100, 200 or 400 Hz with timestamp jitter SD 0-2 ms
  (samples taken at jittered times, labelled on the uniform grid: Android sensor batching,
  Stisen et al. 2015, SenSys "Smart devices are different");
* goniometer: noise 0.3 deg, quantised to 0.1 deg (reflex-model.md section 6).

Physiological parameter ranges are cited next to each generator. ``clinical-reference.md``
section 3 refers to /work/shared/docs/clinical-reference.md (frequency bands of tremors).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.signal import butter, sosfiltfilt
from scipy.spatial.transform import Rotation

from clonus import Recording

FINE_HZ = 1000.0
G0 = 9.80665
FS_CHOICES_HZ = (50.0, 60.0, 100.0, 200.0, 400.0)
GYRO_RANGE_RAD_S = math.radians(2000.0)
ACC_RANGE_M_S2 = 16 * G0


# --------------------------------------------------------------------------- helpers
def _bp(x: np.ndarray, lo: float | None, hi: float | None, fs: float = FINE_HZ, order: int = 2):
    if lo and hi:
        sos = butter(order, [lo, hi], btype="bandpass", fs=fs, output="sos")
    elif hi:
        sos = butter(order, hi, btype="lowpass", fs=fs, output="sos")
    else:
        sos = butter(order, lo, btype="highpass", fs=fs, output="sos")
    return sosfiltfilt(sos, x, axis=-1)


def _smooth_noise(rng, n: int, cutoff_hz: float) -> np.ndarray:
    """Unit-SD Gaussian noise low-passed at ``cutoff_hz`` (slow random wandering)."""
    x = _bp(rng.standard_normal(n + 4000), None, cutoff_hz)[2000:-2000]
    return x / max(float(np.std(x)), 1e-12)


def _ramp(t: np.ndarray, t0: float, dur: float) -> np.ndarray:
    """Smooth 0 -> 1 cosine ramp from ``t0`` over ``dur`` seconds."""
    u = np.clip((t - t0) / max(dur, 1e-6), 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * u)


def _min_jerk(t: np.ndarray, t0: float, dur: float) -> np.ndarray:
    """Minimum-jerk 0 -> 1 profile (voluntary and examiner movements, Flash & Hogan 1985)."""
    u = np.clip((t - t0) / max(dur, 1e-6), 0.0, 1.0)
    return 10 * u**3 - 15 * u**4 + 6 * u**5


def _on_off_envelope(rng, t: np.ndarray, on_s, off_s, ramp_s, start_on: bool) -> np.ndarray:
    """Intermittent 0/1 envelope with smooth ramps: alternating on/off spells."""
    env = np.zeros_like(t)
    tt, on = 0.0 if start_on else float(rng.uniform(*off_s)), True
    if start_on:
        tt = -float(rng.uniform(0, 1))
    while tt < t[-1]:
        d = float(rng.uniform(*(on_s if on else off_s)))
        if on:
            r = float(rng.uniform(*ramp_s))
            env = np.maximum(env, _ramp(t, tt - r, r) * (1 - _ramp(t, tt + d, r)))
        tt += d
        on = not on
    return env


def _tremor(rng, t, f0, f_drift_hz, amp_pp_deg, env, harmonic=0.15) -> np.ndarray:
    """Tremor oscillation (deg): frequency f0 + slow drift (clipped to +-f_drift_hz), waveform
    with a small 2nd harmonic (tremor is not a pure sine), amplitude envelope ``env`` (0-1)."""
    f = f0 + np.clip(0.5 * f_drift_hz * _smooth_noise(rng, len(t), 0.2), -f_drift_hz, f_drift_hz)
    phi = 2 * np.pi * np.cumsum(f) / FINE_HZ + rng.uniform(0, 2 * np.pi)
    w = np.sin(phi) + harmonic * np.sin(2 * phi + rng.uniform(0, 2 * np.pi))
    return 0.5 * amp_pp_deg * env * w / (1 + harmonic)


def _narrowband(rng, t, f_lo, f_hi, rms_deg) -> np.ndarray:
    """Stochastic narrow-band oscillation (physiological tremor is band-limited noise)."""
    x = _bp(rng.standard_normal(len(t) + 4000), f_lo, f_hi)[2000:-2000]
    return rms_deg * x / max(float(np.std(x)), 1e-12)


def _damped_rebound(t, t0, amp_deg, f_hz, zeta) -> np.ndarray:
    """Heavily damped mechanical rebound after a push (foot + hand, no reflex oscillation)."""
    s = np.clip(t - t0, 0, None)
    wd = 2 * np.pi * f_hz * math.sqrt(max(1 - zeta**2, 1e-3))
    return np.where(t > t0, amp_deg * np.exp(-zeta * 2 * np.pi * f_hz * s) * np.sin(wd * s), 0.0)


# --------------------------------------------------------------------------- sensor model
def _draw_sensor(rng, kinds=("imu", "acc", "gyro", "goniometer"), p=(0.6, 0.15, 0.1, 0.15)):
    p = np.asarray(p, float)
    p = p / p.sum()
    return str(rng.choice(kinds, p=p))


def _imu_errors(rng) -> dict[str, float]:
    bias_deg_s = (0.3 * rng.standard_normal()) if rng.random() < 0.85 else rng.uniform(-3, 3)
    return {
        "gyro_density_deg_s_rthz": float(np.exp(rng.uniform(np.log(0.004), np.log(0.03)))),
        "gyro_bias_deg_s": float(bias_deg_s),
        "acc_density_ug_rthz": float(rng.uniform(150, 400)),
        "radius_m": float(rng.uniform(0.08, 0.15)),
    }


def pose_to_recording(
    rng: np.random.Generator,
    t: np.ndarray,
    *,
    theta_deg: np.ndarray,
    extra_rotvec_deg: np.ndarray | None = None,
    ankle_pos_m: np.ndarray | None = None,
    fs: float,
    sensor: str,
    jitter_s: float,
    impulses: list[tuple[float, float]] | None = None,
    params: dict[str, Any],
) -> Recording:
    """Sample a foot pose (fine grid ``t``) with a phone IMU or goniometer into a Recording.

    ``theta_deg``: rotation about the ankle axis (foot-frame z); ``extra_rotvec_deg`` (3, n):
    a further rotation applied in the world (inversion/eversion, turning, handling);
    ``ankle_pos_m`` (3, n): translation of the ankle in the world (y up). ``impulses``:
    (time_s, peak_g) knocks/impacts, added as a ringing translation shock at the sensor.
    """
    n_s = int(math.floor(t[-1] * fs))
    ts = np.arange(n_s) / fs
    tj = ts
    if jitter_s > 0:
        tj = np.clip(ts + np.clip(rng.normal(0, jitter_s, n_s), -0.4 / fs, 0.4 / fs), 0, t[-1])
    if sensor == "goniometer":
        th = np.interp(tj, t, theta_deg) + rng.normal(0, 0.3, n_s)
        th = np.round(th / 0.1) * 0.1
        params.update(sensor=sensor, fs_hz=fs, jitter_ms=1000 * jitter_s)
        return Recording.from_array(
            np.deg2rad(th),
            fs=fs,
            names=["ankle_angle"],
            kinds="angle",
            units="rad",
            source="negatives-benchmark",
        )
    err = _imu_errors(rng)
    rot_foot = Rotation.from_rotvec(np.outer(np.deg2rad(theta_deg), [0.0, 0.0, 1.0]))
    if extra_rotvec_deg is not None:
        rot_foot = Rotation.from_rotvec(np.deg2rad(extra_rotvec_deg).T) * rot_foot
    r_vec = np.array([err["radius_m"], 0.0, 0.0])  # sensor on the foot, forward of the ankle
    pos = rot_foot.apply(r_vec).T  # (3, n) world, relative to the ankle
    if ankle_pos_m is not None:
        pos = pos + ankle_pos_m
    acc_w = np.gradient(np.gradient(pos, axis=1), axis=1) * FINE_HZ**2
    acc_w = _bp(acc_w, None, 60.0)  # smooth the numerical 2nd derivative (no physics above 60 Hz)
    f_w = acc_w + np.array([[0.0], [G0], [0.0]])  # specific force, world (y up)
    f_b = rot_foot.inv().apply(f_w.T).T
    d_rot = rot_foot[:-1].inv() * rot_foot[1:]
    om_b = d_rot.as_rotvec().T * FINE_HZ
    om_b = np.concatenate([om_b, om_b[:, -1:]], axis=1)
    if impulses:
        for t_k, peak_g in impulses:
            s = t - t_k
            f_ring = rng.uniform(30, 120)
            shock = np.where(
                s >= 0,
                np.exp(-np.clip(s, 0, None) / rng.uniform(0.004, 0.015))
                * np.cos(2 * np.pi * f_ring * s),
                0.0,
            )
            dirn = rng.normal(size=3)
            dirn /= np.linalg.norm(dirn)
            f_b = f_b + np.outer(dirn, peak_g * G0 * shock)
            gdir = rng.normal(size=3)
            gdir /= np.linalg.norm(gdir)
            om_b = om_b + np.outer(gdir, math.radians(rng.uniform(20, 300)) * shock)
    mount = Rotation.random(random_state=rng)
    gyro = mount.inv().apply(np.stack([np.interp(tj, t, om_b[k]) for k in range(3)], 1)).T
    acc = mount.inv().apply(np.stack([np.interp(tj, t, f_b[k]) for k in range(3)], 1)).T
    # errors: scale, bias, bias random walk, white noise at the drawn density
    k_bw = math.sqrt(fs / 2)
    g_sd = math.radians(err["gyro_density_deg_s_rthz"]) * k_bw
    a_sd = err["acc_density_ug_rthz"] * 1e-6 * G0 * k_bw
    bias_dir = rng.normal(size=(3, 1))
    bias_dir /= np.linalg.norm(bias_dir)
    gyro = (
        gyro * (1 + rng.uniform(-0.02, 0.02, (3, 1)))
        + math.radians(err["gyro_bias_deg_s"]) * bias_dir
        + np.cumsum(rng.normal(0, 1e-4 * math.sqrt(200 / fs), (3, n_s)), axis=1)
        + rng.normal(0, g_sd, (3, n_s))
    )
    acc = (
        acc * (1 + rng.uniform(-0.02, 0.02, (3, 1)))
        + rng.normal(0, 0.05, (3, 1))
        + rng.normal(0, a_sd, (3, n_s))
    )
    gyro = np.clip(gyro, -GYRO_RANGE_RAD_S, GYRO_RANGE_RAD_S)
    acc = np.clip(acc, -ACC_RANGE_M_S2, ACC_RANGE_M_S2)
    params.update(
        sensor=sensor,
        fs_hz=fs,
        jitter_ms=round(1000 * jitter_s, 3),
        **{k: round(v, 4) for k, v in err.items()},
    )
    if sensor == "gyro":
        data, names, kinds, units = gyro, ["gyro_x", "gyro_y", "gyro_z"], "gyro", "rad/s"
    elif sensor == "acc":
        data, names, kinds, units = acc, ["acc_x", "acc_y", "acc_z"], "acc", "m/s^2"
    else:
        data = np.vstack([gyro, acc])
        names = ["gyro_x", "gyro_y", "gyro_z", "acc_x", "acc_y", "acc_z"]
        kinds = ["gyro"] * 3 + ["acc"] * 3
        units = ["rad/s"] * 3 + ["m/s^2"] * 3
    return Recording.from_array(
        data, fs=fs, names=names, kinds=kinds, units=units, source="negatives-benchmark"
    )


def _common(rng, duration=(8.0, 20.0), sensors=None):
    dur = float(rng.uniform(*duration))
    t = np.arange(0.0, dur, 1.0 / FINE_HZ)
    fs = float(rng.choice(FS_CHOICES_HZ))
    jitter = 0.0 if rng.random() < 0.4 else float(rng.uniform(0.0002, 0.002))
    sensor = _draw_sensor(rng) if sensors is None else _draw_sensor(rng, *sensors)
    return t, fs, jitter, sensor, {"duration_s": round(dur, 3)}


def _sway(rng, t, rms_deg=(0.2, 1.5)) -> tuple[np.ndarray, float]:
    """Slow postural drift of the resting foot (< 0.5 Hz)."""
    a = float(rng.uniform(*rms_deg))
    return a * _smooth_noise(rng, len(t), 0.3), a


def _finish(rng, t, theta, fs, jitter, sensor, params, **kw):
    rec = pose_to_recording(
        rng, t, theta_deg=theta, fs=fs, sensor=sensor, jitter_s=jitter, params=params, **kw
    )
    return rec, params


# --------------------------------------------------------------------------- tremors
def pd_rest_tremor(rng):
    """Parkinsonian rest tremor of the foot: 4-6 Hz (Deuschl et al. 1998, Mov Disord 13 Suppl 3
    consensus; Bhatia et al. 2018, Mov Disord 33:75-87; clinical-reference.md section 3),
    intermittent and waxing/waning (it comes and goes with rest, stress and mental load; Zach
    et al. 2015, J Parkinsons Dis 5:471-474), frequency drifting by up to +-0.5 Hz within a
    recording, amplitude 0.5-20 deg peak-to-peak (MDS-UPDRS 3.17 rates foot tremor 1-4 by
    amplitude, < 1 cm to > 10 cm; at the toes ~ 20 cm from the ankle that is up to ~25 deg)."""
    t, fs, jit, sensor, p = _common(rng)
    f0 = float(rng.uniform(4.0, 6.0))
    amp = float(np.exp(rng.uniform(np.log(0.5), np.log(20.0))))
    start_on = bool(rng.random() < 0.5)
    env = _on_off_envelope(rng, t, (1.0, 6.0), (0.5, 4.0), (0.3, 1.0), start_on)
    wax = 1 + 0.4 * _smooth_noise(rng, len(t), 0.15)
    th = _tremor(rng, t, f0, 0.5, amp, env * np.clip(wax, 0.3, 1.8))
    sw, sw_a = _sway(rng, t)
    p.update(
        category_params={
            "f0_hz": round(f0, 3),
            "amp_pp_deg": round(amp, 3),
            "starts_on": start_on,
            "sway_deg": round(sw_a, 3),
        }
    )
    return _finish(rng, t, th + sw, fs, jit, sensor, p)


def pd_tremor_exam(rng):
    """A Parkinson patient with intermittent rest tremor (as :func:`pd_rest_tremor`, 4-6 Hz,
    0.5-8 deg) examined for clonus: the examiner dorsiflexes briskly (100-300 deg/s, 8-20 deg;
    reflex-model.md section 7) and holds; no clonus. The tremor goes on through the exam,
    with its own on/off spells (it may be off just before the push and come back during the
    hold: re-emergent tremor, Jankovic et al. 1999, JNNP 67:646-650)."""
    t, fs, jit, sensor, p = _common(rng, duration=(10.0, 20.0))
    f0 = float(rng.uniform(4.0, 6.0))
    amp = float(np.exp(rng.uniform(np.log(0.5), np.log(8.0))))
    env = _on_off_envelope(rng, t, (1.5, 6.0), (0.5, 3.0), (0.3, 1.0), True)
    th = _tremor(rng, t, f0, 0.5, amp, env)
    t_push = float(rng.uniform(3.0, 6.0))
    exc = float(rng.uniform(8, 20))
    vel = float(rng.uniform(100, 300))
    dur = 1.875 * exc / vel  # minimum-jerk peak speed = 1.875 x mean
    th = th + exc * _min_jerk(t, t_push, dur)
    sw, _ = _sway(rng, t, (0.1, 0.6))
    p.update(
        category_params={
            "f0_hz": round(f0, 3),
            "amp_pp_deg": round(amp, 3),
            "push_s": round(t_push, 3),
            "stretch_deg": round(exc, 2),
            "stretch_deg_s": round(vel, 1),
        }
    )
    return _finish(rng, t, th + sw, fs, jit, sensor, p)


def essential_tremor(rng):
    """Essential tremor 5-10 Hz (ET 4-12 Hz, early 8-12, advanced 4-8 Hz: Elble 1986;
    Deuschl 1998; clinical-reference.md section 3), more continuous than PD tremor (+-30 %
    amplitude modulation), frequency drift +-0.3 Hz, 0.3-8 deg peak-to-peak. Foot ET is rare but
    postural/kinetic leg tremor occurs; in 1/3 the foot is lifted to a posture (slow voluntary
    dorsiflexion of 5-15 deg at 20-60 deg/s) where the tremor appears."""
    t, fs, jit, sensor, p = _common(rng)
    f0 = float(rng.uniform(5.0, 10.0))
    amp = float(np.exp(rng.uniform(np.log(0.3), np.log(8.0))))
    env = np.clip(1 + 0.3 * _smooth_noise(rng, len(t), 0.3), 0.3, 1.6)
    postural = bool(rng.random() < 1 / 3)
    th = np.zeros_like(t)
    if postural:
        t_lift = float(rng.uniform(1.0, 4.0))
        exc, vel = float(rng.uniform(5, 15)), float(rng.uniform(20, 60))
        th = exc * _min_jerk(t, t_lift, 1.875 * exc / vel)
        env = env * _ramp(t, t_lift + 0.3, float(rng.uniform(0.3, 1.5)))
    th = th + _tremor(rng, t, f0, 0.3, amp, env)
    sw, _ = _sway(rng, t, (0.1, 0.8))
    p.update(
        category_params={"f0_hz": round(f0, 3), "amp_pp_deg": round(amp, 3), "postural": postural}
    )
    return _finish(rng, t, th + sw, fs, jit, sensor, p)


def physiological_tremor(rng):
    """Enhanced physiological tremor 8-12 Hz (Elble 2003, Clin Neurophysiol 114:624-635;
    stretch-reflex servo oscillation, Lippold 1970; clinical-reference.md section 3): band-
    limited noise 2 Hz wide, 0.05-1 deg RMS (enhanced by anxiety, caffeine, beta agonists)."""
    t, fs, jit, sensor, p = _common(rng)
    fc = float(rng.uniform(9.0, 11.0))
    rms = float(np.exp(rng.uniform(np.log(0.05), np.log(1.0))))
    th = _narrowband(rng, t, fc - 1.0, fc + 1.0, rms)
    sw, _ = _sway(rng, t, (0.1, 0.8))
    p.update(category_params={"center_hz": round(fc, 3), "rms_deg": round(rms, 3)})
    return _finish(rng, t, th + sw, fs, jit, sensor, p)


def orthostatic_tremor(rng):
    """Primary orthostatic tremor 13-18 Hz in the legs on standing (Hassan et al. 2016,
    Neurology 86:458-464, 184 patients; clinical-reference.md section 3): 0.1-1.5 deg RMS at the
    ankle while standing, with postural sway; begins within seconds of standing up."""
    t, fs, jit, sensor, p = _common(rng)
    f0 = float(rng.uniform(13.0, 18.0))
    amp = float(np.exp(rng.uniform(np.log(0.2), np.log(3.0))))
    t_stand = float(rng.uniform(0.0, 3.0))
    env = _ramp(t, t_stand, float(rng.uniform(0.5, 3.0))) * np.clip(
        1 + 0.3 * _smooth_noise(rng, len(t), 0.5), 0.3, 1.6
    )
    th = _tremor(rng, t, f0, 0.5, amp, env, harmonic=0.05)
    sw, _ = _sway(rng, t, (0.3, 1.5))  # standing postural sway
    p.update(
        category_params={
            "f0_hz": round(f0, 3),
            "amp_pp_deg": round(amp, 3),
            "stand_s": round(t_stand, 2),
        }
    )
    return _finish(rng, t, th + sw, fs, jit, sensor, p)


# --------------------------------------------------------------------------- examiner
def _hold_with_hand_tremor(rng, t, push: bool):
    """Examiner dorsiflexes and holds, hand tremor 8-12 Hz shakes the foot (reflex-model.md
    section 7 confounder; physiological hand tremor, Elble 2003). Brisk push: 100-300 deg/s,
    5-20 deg (reflex-model.md section 7); slow positioning: 10-30 deg/s. A brisk push is
    followed by a heavily damped rebound of the foot+hand (damping ratio 0.5-0.9, 2-5 Hz,
    0-15 % of the push): below the clonus gain the loop is well damped (reflex-model.md)."""
    t_push = float(rng.uniform(1.0, 4.0))
    exc = float(rng.uniform(5.0, 20.0))
    vel = float(rng.uniform(100, 300)) if push else float(rng.uniform(10, 30))
    dur = 1.875 * exc / vel
    th = exc * _min_jerk(t, t_push, dur)
    cp: dict[str, Any] = {
        "push_s": round(t_push, 3),
        "stretch_deg": round(exc, 2),
        "stretch_deg_s": round(vel, 1),
    }
    if push:
        zeta, f_r = float(rng.uniform(0.5, 0.9)), float(rng.uniform(2.0, 5.0))
        a_r = float(rng.uniform(0.0, 0.15)) * exc
        th = th + _damped_rebound(t, t_push + dur, a_r, f_r, zeta)
        cp.update(rebound_deg=round(a_r, 2), rebound_hz=round(f_r, 2), rebound_zeta=round(zeta, 2))
    f_t = float(rng.uniform(8.0, 12.0))
    amp = float(np.exp(rng.uniform(np.log(0.3), np.log(2.5))))
    # the hand tremor appears once the examiner holds the foot (0.3-2 s before the push: the
    # foot is supported, then pushed) and fluctuates
    t_grip = float(rng.uniform(0.3, 2.0))
    env = _ramp(t, t_push - t_grip, 0.3) * np.clip(
        1 + 0.3 * _smooth_noise(rng, len(t), 0.5), 0.2, 2
    )
    if rng.random() < 0.5:
        th = th + _tremor(rng, t, f_t, 0.5, amp, env)
        cp.update(tremor_kind="sinusoid")
    else:
        th = th + env * _narrowband(rng, t, f_t - 1, f_t + 1, amp / 2.8)
        cp.update(tremor_kind="narrowband")
    # examiner tires: the hold sags slowly; release at the end in half of the recordings
    sag = float(rng.uniform(0.0, 0.5))
    th = th - sag * np.clip(t - t_push - dur, 0, None)
    if rng.random() < 0.5:
        t_rel = float(rng.uniform(t_push + 3.0, t[-1] - 1.0))
        th = th - (th[int(t_rel * FINE_HZ)]) * _min_jerk(t, t_rel, float(rng.uniform(0.3, 1.0)))
        cp.update(release_s=round(t_rel, 2))
    cp.update(
        tremor_hz=round(f_t, 2),
        tremor_pp_deg=round(amp, 3),
        sag_deg_s=round(sag, 3),
        grip_before_push_s=round(t_grip, 2),
    )
    return th, cp


def examiner_tremor_hold(rng):
    """Slow dorsiflexion and hold, no brisk push, examiner hand tremor 8-12 Hz, no clonus."""
    t, fs, jit, sensor, p = _common(rng, duration=(8.0, 15.0))
    th, cp = _hold_with_hand_tremor(rng, t, push=False)
    p.update(category_params=cp)
    return _finish(rng, t, th, fs, jit, sensor, p)


def examiner_tremor_push(rng):
    """Brisk push and hold, examiner hand tremor 8-12 Hz, no clonus (sub-threshold reflex)."""
    t, fs, jit, sensor, p = _common(rng, duration=(8.0, 15.0))
    th, cp = _hold_with_hand_tremor(rng, t, push=True)
    p.update(category_params=cp)
    return _finish(rng, t, th, fs, jit, sensor, p)


def stretch_then_drift(rng):
    """Brisk examiner stretch (100-300 deg/s, 5-20 deg) with no beats (damped rebound as in
    :func:`_hold_with_hand_tremor`), then slow drift: the examiner relaxes (0.2-2 deg/s) and/or
    the hand sways slowly (0.3-1.5 Hz, 0.5-3 deg), then optionally a slow release."""
    t, fs, jit, sensor, p = _common(rng, duration=(6.0, 15.0))
    t_push = float(rng.uniform(0.8, 3.0))
    exc, vel = float(rng.uniform(5, 20)), float(rng.uniform(100, 300))
    dur = 1.875 * exc / vel
    th = exc * _min_jerk(t, t_push, dur)
    zeta, f_r = float(rng.uniform(0.5, 0.9)), float(rng.uniform(2.0, 5.0))
    a_r = float(rng.uniform(0.0, 0.15)) * exc
    th = th + _damped_rebound(t, t_push + dur, a_r, f_r, zeta)
    drift = float(rng.uniform(-2.0, 2.0))
    th = th + drift * np.clip(t - t_push - dur - 0.5, 0, None)
    sway_hz, sway_deg = float(rng.uniform(0.3, 1.5)), float(rng.uniform(0.0, 3.0))
    th = th + sway_deg / 2 * np.sin(2 * np.pi * sway_hz * np.clip(t - t_push - dur, 0, None))
    th = th + 0.5 * _smooth_noise(rng, len(t), 1.0) * _ramp(t, t_push, 0.5)
    p.update(
        category_params={
            "push_s": round(t_push, 3),
            "stretch_deg": round(exc, 2),
            "stretch_deg_s": round(vel, 1),
            "rebound_deg": round(a_r, 2),
            "rebound_hz": round(f_r, 2),
            "rebound_zeta": round(zeta, 2),
            "drift_deg_s": round(drift, 2),
            "sway_hz": round(sway_hz, 2),
            "sway_pp_deg": round(sway_deg, 2),
        }
    )
    return _finish(rng, t, th, fs, jit, sensor, p)


# --------------------------------------------------------------------------- voluntary
def foot_tapping(rng):
    """Voluntary foot tapping from rest: quiet 1-4 s, then taps at 1-4 Hz (self-paced and fast
    tapping; the maximal foot-tapping rate is about 4-6 Hz), toes lifted 5-25 deg (dorsi-
    flexion) and slapped down to the floor each time, inter-tap CV 3-8 % (Repp 2005, Psychon
    Bull Rev 12:969-992), 10-20 % amplitude variability. The first tap is a brisk dorsiflexion
    from rest, as fast as the others (velocity pi x f x amplitude / duty, often > 100 deg/s).
    The toe strike at the floor gives a 1-3 g impact. Tapping lasts 2-10 s, then rest."""
    t, fs, jit, sensor, p = _common(rng, duration=(6.0, 16.0))
    f = float(rng.uniform(1.0, 4.0))
    amp = float(rng.uniform(5.0, 25.0))
    duty = float(rng.uniform(0.5, 0.9))  # fraction of the period the toes are off the floor
    t0 = float(rng.uniform(1.0, 4.0))
    t_end = min(t[-1] - 0.5, t0 + float(rng.uniform(2.0, 10.0)))
    th = np.zeros_like(t)
    impulses = []
    tk = t0
    cv = float(rng.uniform(0.03, 0.08))
    while tk < t_end:
        period = (1.0 / f) * (1 + cv * rng.standard_normal())
        a = amp * (1 + 0.15 * rng.standard_normal())
        w = duty * period
        u = (t - tk) / w
        m = (u >= 0) & (u <= 1)
        th[m] = np.maximum(th[m], a * np.sin(np.pi * u[m]) ** 1.5)  # quick lift, slap down
        impulses.append((tk + w, float(rng.uniform(1.0, 3.0))))
        tk += period
    sw, _ = _sway(rng, t, (0.1, 0.5))
    p.update(
        category_params={
            "tap_hz": round(f, 3),
            "amp_deg": round(amp, 2),
            "duty": round(duty, 2),
            "start_s": round(t0, 2),
            "end_s": round(t_end, 2),
            "cv": round(cv, 3),
        }
    )
    return _finish(
        rng, t, th + sw, fs, jit, sensor, p, impulses=impulses if sensor != "goniometer" else None
    )


def _gait_pitch_template(rng, stairs: bool):
    """Foot pitch over one stride (deg, + = toes up): heel strike ~ +15-25 deg, flat foot, heel
    off, toe off -40 to -65 deg, swing back to toes up (Perry & Burnfield 2010, Gait Analysis;
    foot angular velocity in swing 300-500 deg/s, Sabatini et al. 2005, IEEE TBME 52:486-494).
    Stairs: landing on the forefoot (pitch ~ -10), less heel strike."""
    hs = float(rng.uniform(15, 25)) if not stairs else float(rng.uniform(-15, 0))
    to = float(rng.uniform(-65, -40)) if not stairs else float(rng.uniform(-45, -25))
    ph = [0.0, 0.12, 0.45, 0.62, 0.8, 1.0]
    val = [hs, 0.0, 0.0, to, hs * 0.6 + 5, hs]
    return CubicSpline(ph, val, bc_type="periodic")


def gait(rng):
    """Walking or stair gait with the phone on the foot: stand 1-3 s, then 2-12 strides at
    0.75-1.1 strides/s (cadence 90-130 steps/min; Winter 1991, Biomechanics and Motor Control
    of Human Gait), stride length 1.0-1.6 m, foot clearance 2-10 cm (stairs: 17 cm rise per
    step), heel-strike impacts 2-5 g, small inversion/eversion (+-5 deg) and a turn in 1/3;
    then stand. Few strides (2-3) model walking up to the examination couch."""
    t, fs, jit, sensor, p = _common(
        rng,
        duration=(8.0, 20.0),
        sensors=(("imu", "acc", "gyro", "goniometer"), (0.6, 0.15, 0.15, 0.1)),
    )
    stairs = bool(rng.random() < 0.3)
    f = float(rng.uniform(0.75, 1.1))
    n_str = int(rng.integers(2, 13))
    t0 = float(rng.uniform(1.0, 3.0))
    t1 = min(t[-1] - 1.0, t0 + n_str / f)
    tpl = _gait_pitch_template(rng, stairs)
    active = (t >= t0) & (t < t1)
    phase = np.where(active, ((t - t0) * f) % 1.0, 0.0)
    # taper the first and last half stride (gait initiation / termination)
    env = _ramp(t, t0 - 0.2, 0.4) * (1 - _ramp(t, t1 - 0.2, 0.4))
    pitch = np.where(active, tpl(phase) - tpl(0.0) * 0, 0.0)
    pitch = (pitch - np.where(active, tpl(0.0), 0.0)) * env
    L = float(rng.uniform(1.0, 1.6))
    # foot forward progression: moves during swing (phase 0.62-1.0), still in stance
    prog = np.where(active, np.clip((phase - 0.62) / 0.38, 0, 1), 0.0)
    stride_idx = np.floor(np.clip(t - t0, 0, None) * f)
    stride_idx = np.minimum(stride_idx, math.floor((t1 - t0) * f))
    x = L * (stride_idx + _min_jerk(prog, 0, 1)) * (t >= t0)
    clear = float(rng.uniform(0.02, 0.1))
    y = clear * np.sin(np.pi * prog) ** 2 * env
    if stairs:
        y = y + 0.34 * (stride_idx + _min_jerk(prog, 0, 1)) * (t >= t0)
    z = np.zeros_like(t)
    pos = np.vstack([x, y, z])
    roll = 5 * _smooth_noise(rng, len(t), 1.5) * env
    yaw = np.zeros_like(t)
    turn = bool(rng.random() < 1 / 3)
    if turn:
        yaw = float(rng.uniform(45, 180)) * _min_jerk(
            t, float(rng.uniform(t0, max(t0, t1 - 1))), 1.0
        )
    extra = np.vstack([roll, yaw, np.zeros_like(t)])
    impulses = [(t0 + k / f + 0.01, float(rng.uniform(2.0, 5.0))) for k in range(n_str)]
    # goniometer: ankle angle in gait ~ +10 deg dorsiflexion to -20 deg plantarflexion (Winter)
    theta = pitch if sensor != "goniometer" else 0.45 * pitch
    p.update(
        category_params={
            "stairs": stairs,
            "stride_hz": round(f, 3),
            "n_strides": n_str,
            "start_s": round(t0, 2),
            "stride_m": round(L, 2),
            "turn": turn,
        }
    )
    rec = pose_to_recording(
        rng,
        t,
        theta_deg=theta,
        extra_rotvec_deg=extra,
        ankle_pos_m=pos,
        fs=fs,
        sensor=sensor,
        jitter_s=jit,
        impulses=impulses,
        params=p,
    )
    return rec, p


def phone_handling(rng):
    """The phone is picked up from a table (0.4-1.2 s, 60-180 deg rotation about a random
    axis, 0.2-0.6 m lift), held in the hand (hand tremor 8-12 Hz 0.05-0.5 deg RMS, slow sway),
    perhaps turned to read the screen, and put down (rotation back, landing knock 1-6 g);
    knocks/taps on the phone in 1/2 (2-12 g, 5-15 ms ringing). No foot, no clonus test: the
    app was running while the examiner prepared."""
    t, fs, jit, sensor, p = _common(
        rng, duration=(8.0, 16.0), sensors=(("imu", "acc", "gyro"), (0.7, 0.15, 0.15))
    )
    tu = float(rng.uniform(0.5, 3.0))
    du = float(rng.uniform(0.4, 1.2))
    td = float(rng.uniform(tu + du + 2.0, t[-1] - 1.5))
    dd = float(rng.uniform(0.4, 1.2))
    axis = rng.normal(size=3)
    axis /= np.linalg.norm(axis)
    ang = float(rng.uniform(60, 180))
    up = _min_jerk(t, tu, du) * (1 - _min_jerk(t, td, dd))
    held = _ramp(t, tu, 0.3) * (1 - _ramp(t, td + dd - 0.3, 0.3))  # smooth: no step
    hand = (
        _narrowband(rng, t, 8, 12, float(rng.uniform(0.05, 0.5)))
        + 3 * _smooth_noise(rng, len(t), 0.8)
    ) * held
    rot = np.outer(axis, ang * up) + np.vstack(
        [hand, 0.7 * np.roll(hand, 37), 0.5 * np.roll(hand, 91)]
    )
    if rng.random() < 0.5:  # turned to look at the screen
        t_look = float(rng.uniform(tu + du, td - 0.8))
        ax2 = rng.normal(size=3)
        ax2 /= np.linalg.norm(ax2)
        rot = rot + np.outer(
            ax2,
            float(rng.uniform(20, 70))
            * _min_jerk(t, t_look, 0.5)
            * (1 - _min_jerk(t, min(td - 0.3, t_look + 1.0), 0.5)),
        )
    lift = float(rng.uniform(0.2, 0.6))
    pos = np.vstack([0.3 * lift * up, lift * up, 0.1 * lift * up])
    pos = pos + 0.01 * np.vstack([_smooth_noise(rng, len(t), 1.0) for _ in range(3)]) * held
    impulses = [(td + dd, float(rng.uniform(1.0, 6.0)))]
    n_knock = int(rng.integers(0, 4)) if rng.random() < 0.5 else 0
    for _ in range(n_knock):
        impulses.append((float(rng.uniform(0.3, t[-1] - 0.3)), float(rng.uniform(2.0, 12.0))))
    p.update(
        category_params={
            "pickup_s": round(tu, 2),
            "putdown_s": round(td, 2),
            "rotation_deg": round(ang, 1),
            "knocks": n_knock,
        }
    )
    rec = pose_to_recording(
        rng,
        t,
        theta_deg=np.zeros_like(t),
        extra_rotvec_deg=rot,
        ankle_pos_m=pos,
        fs=fs,
        sensor=sensor,
        jitter_s=jit,
        impulses=impulses,
        params=p,
    )
    return rec, p


def shivering(rng):
    """Shivering-like bursts: broadband 4-15 Hz oscillation (band-limited noise, 0.2-2 deg RMS
    at the ankle; assumed), grouped in bursts of 1-6 s separated by 1-5 s (shivering EMG comes
    in bursts with slow 4-8 /min waxing and waning, Israel & Pozos 1989, J Appl Physiol
    66:2358-2363). A burst can start abruptly."""
    t, fs, jit, sensor, p = _common(rng)
    rms = float(np.exp(rng.uniform(np.log(0.2), np.log(2.0))))
    env = _on_off_envelope(rng, t, (1.0, 6.0), (1.0, 5.0), (0.05, 0.6), bool(rng.random() < 0.5))
    lo, hi = float(rng.uniform(3.5, 6.0)), float(rng.uniform(10.0, 15.0))
    th = env * _narrowband(rng, t, lo, hi, rms)
    sw, _ = _sway(rng, t, (0.2, 1.0))
    p.update(category_params={"rms_deg": round(rms, 3), "band_hz": [round(lo, 2), round(hi, 2)]})
    return _finish(rng, t, th + sw, fs, jit, sensor, p)


CATEGORIES: dict[str, Callable[[np.random.Generator], tuple[Recording, dict[str, Any]]]] = {
    "pd_rest_tremor": pd_rest_tremor,
    "pd_tremor_exam": pd_tremor_exam,
    "essential_tremor": essential_tremor,
    "physiological_tremor": physiological_tremor,
    "orthostatic_tremor": orthostatic_tremor,
    "examiner_tremor_hold": examiner_tremor_hold,
    "examiner_tremor_push": examiner_tremor_push,
    "stretch_then_drift": stretch_then_drift,
    "foot_tapping": foot_tapping,
    "gait": gait,
    "phone_handling": phone_handling,
    "shivering": shivering,
}

# EMG-only recordings (calf EMG of tremor, shivering, voluntary tapping): generators_emg.py,
# which reuses the tremor timing helpers above.
from generators_emg import EMG_CATEGORIES  # noqa: E402

CATEGORIES.update(EMG_CATEGORIES)


def case_seed(base_seed: int, category: str, index: int) -> int:
    """Seed of one case: stable under adding categories or changing ``--n``."""
    key = sum((i + 1) * ord(c) for i, c in enumerate(category))
    return int(np.random.SeedSequence([base_seed, key, index]).generate_state(1)[0])


def make_case(category: str, seed: int) -> tuple[Recording, dict[str, Any]]:
    """Regenerate one case from its category and seed."""
    rng = np.random.default_rng(seed)
    rec, params = CATEGORIES[category](rng)
    params["category"] = category
    params["seed"] = seed
    return rec, params
