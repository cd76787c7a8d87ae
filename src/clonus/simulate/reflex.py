"""Time-domain integration of the lumped ankle stretch-reflex loop (reflex-model.md §2-§3).

The inner loop is one fixed-step semi-implicit Euler integrator (dt = 0.25 ms by default,
delays rounded to whole steps). It is compiled with numba when numba is installed (compiled
once per process, on first use) and otherwise runs as plain Python (about 50x slower).
"""

from __future__ import annotations

import functools
import logging
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..exceptions import InvalidParameterError
from .params import CentralParams, Manoeuvre, ReflexParams

__all__ = ["SimResult", "simulate", "DT_S"]

logger = logging.getLogger("clonus")

#: Default integration step, in seconds (reflex-model.md §3).
DT_S = 0.00025

# Index of each parameter in the packed float vector handed to the kernel.
_P_NAMES = (
    "Jf", "Jh", "Kp", "Bp", "thr", "Ke", "ke", "the", "Kh", "Bh", "rm", "Tmax", "Tc", "r0",
    "kl", "kv", "kexp", "v0", "linear_spindle", "kvlin", "G", "rth", "umax", "ktq", "tsp",
    "linear_loop", "central", "cpg_f", "cpg_duty", "cpg_u", "cpg_trig", "cpg_maint",
    "cpg_tau", "cpg_k", "Ks", "Bs",
)
_PI = {n: i for i, n in enumerate(_P_NAMES)}


def _integrate(p, n_aff, n_eff, i_push_end, dt, tau_b, contact, noise,  # noqa: C901
               servo, theta0, out):
    """Integrate the loop. ``out`` rows: θ, ω, θ'', a, r, u, u_m, τ_m, τ_ext, c, u without
    motoneuron noise.

    ``servo`` rows: weight (1 during a servo push, falling to 0 during the hand-over),
    reference angle (rad), reference velocity (rad/s).

    Written in the numba-compatible subset of Python; ``p`` is the packed parameter vector.
    """
    Jf = p[0]; Jh = p[1]; Kp = p[2]; Bp = p[3]; thr = p[4]; Ke = p[5]; ke = p[6]  # noqa: E702
    the = p[7]; Kh = p[8]; Bh = p[9]; rm = p[10]; Tmax = p[11]; Tc = p[12]  # noqa: E702
    r0 = p[13]; kl = p[14]; kv = p[15]; kexp = p[16]; v0 = p[17]  # noqa: E702
    lin_sp = p[18] > 0.5; kvlin = p[19]; G = p[20]; rth = p[21]; umax = p[22]  # noqa: E702
    ktq = p[23]; tsp = p[24]; lin = p[25] > 0.5; central = p[26] > 0.5  # noqa: E702
    cf = p[27]; cduty = p[28]; cu = p[29]; ctrig = p[30]; cmaint = p[31]  # noqa: E702
    ctau = p[32]; ck = p[33]; Ks = p[34]; Bs = p[35]  # noqa: E702
    n = tau_b.shape[0]
    theta = theta0
    omega = 0.0
    a = 0.0
    adot = 0.0
    rf = r0
    theta_h = theta0
    v0p = v0 ** kexp
    cos_duty = math.cos(math.pi * cduty)
    phi = 0.0
    cpg_on = False
    r_tonic = r0
    for i in range(n):
        # spindle (Ia rate, imp/s) from the current state
        dL = 1000.0 * rm * (theta - thr)
        v = 1000.0 * rm * omega
        if lin_sp:
            r = r0 + kl * dL + kvlin * v
        else:
            av = abs(v)
            sv = 1.0 if v > 0 else (-1.0 if v < 0 else 0.0)
            r = r0 + kl * dL + kv * sv * ((av + v0) ** kexp - v0p)
        if not lin and r < 0.0:
            r = 0.0
        if tsp > 0.0:
            rf += dt / tsp * (r - rf)
            r = rf
        out[4, i] = r
        # motoneuron pool, fed by the Ia rate delayed by tau_aff
        r_del = out[4, i - n_aff] if i >= n_aff else r0
        u = G * (r_del - rth) + noise[i]
        u_nf = G * (r_del - rth)  # noise-free drive, for the ground-truth bursts
        if not lin:
            if u < 0.0:
                u = 0.0
            elif u > umax:
                u = umax
            if u_nf < 0.0:
                u_nf = 0.0
            elif u_nf > umax:
                u_nf = umax
        if central:
            r_tonic += dt / ctau * (r_del - r_tonic)
            if not cpg_on and r_del > ctrig:
                cpg_on = True
                phi = 0.0
            if cpg_on:
                if r_tonic < cmaint:
                    cpg_on = False
                else:
                    phi += dt * (2.0 * math.pi * cf - ck * (r_del - r_tonic) * math.sin(phi))
                    u = cu if math.cos(phi) > cos_duty else 0.0
                    u_nf = u
                    u += noise[i]
                    if u < 0.0:
                        u = 0.0
        out[5, i] = u
        out[10, i] = u_nf
        # drive at the muscle after the efferent delay
        um = out[5, i - n_eff] if i >= n_eff else 0.0
        out[6, i] = um
        # twitch dynamics: Tc² a'' + 2 Tc a' + a = u_m (critically damped)
        add = (um - a - 2.0 * Tc * adot) / (Tc * Tc)
        adot += dt * add
        a += dt * adot
        if not lin and a < 0.0:
            a = 0.0
            if adot < 0.0:
                adot = 0.0
        tau_m = Tmax * a
        # passive torque
        tp = -Kp * (theta - thr) - Bp * omega
        if not lin and theta > the:
            tp -= Ke * (math.exp(ke * (theta - the)) - 1.0)
        c = contact[i]
        if c > 0.0:
            J = Jf + c * Jh
            te = tau_b[i] - Bh * omega
            if i >= i_push_end:
                te += Kh * (theta_h - theta)
            w = servo[0, i]
            if w > 0.0:
                ts = Ks * (servo[1, i] - theta) + Bs * (servo[2, i] - omega)
                if w >= 1.0:  # push phase: tau_b holds only tremor
                    te = tau_b[i] + ts
                else:         # hand hands over from position control to the hold
                    te = w * ts + (1.0 - w) * te
            te *= c
        else:
            J = Jf
            te = 0.0
        tint = ktq * tau_m * (theta - thr)
        acc = (te + tp - tau_m - tint) / J
        omega += dt * acc
        theta += dt * omega
        if i == i_push_end - 1:
            theta_h = theta
        out[0, i] = theta
        out[1, i] = omega
        out[2, i] = acc
        out[3, i] = a
        out[7, i] = tau_m
        out[8, i] = te
        out[9, i] = c


@functools.lru_cache(maxsize=1)
def _kernel() -> Any:
    """The compiled kernel (numba, compiled once per process) or the Python fallback."""
    try:
        import numba
    except ImportError:  # pragma: no cover - depends on the environment
        logger.info("numba not installed: the simulator runs in pure Python (slow).")
        return _integrate
    return numba.njit(cache=False, fastmath=False)(_integrate)


@dataclass(frozen=True, eq=False)
class SimResult:
    """State time series of one simulation at the integration step.

    Attributes
    ----------
    t_s : ndarray
        Time, s.
    theta_rad, omega_rad_s, alpha_rad_s2 : ndarray
        Ankle angle (rad, + = dorsiflexion), angular velocity (rad/s), acceleration (rad/s²).
    activation : ndarray
        Muscle activation a (0-1).
    ia_rate_hz : ndarray
        Ia spindle rate r (imp/s), before the afferent delay.
    drive : ndarray
        Motoneuron-pool output u (0-u_max) at the spinal cord.
    drive_muscle : ndarray
        u_m(t) = u(t - τ_eff), the drive arriving at the muscle (used for EMG and force).
    muscle_torque_nm, examiner_torque_nm : ndarray
        Plantarflexor torque T_max·a and examiner torque τ_ext, N m.
    contact : ndarray
        1 while the examiner's hand is on the foot (0-1 during a gradual release).
    drive_muscle_noise_free : ndarray
        u_m without the motoneuron noise n(t): the Ia-driven (or, in central mode,
        oscillator-gated) drive; the ground-truth bursts are defined on it.
    params, manoeuvre, central : the inputs.
    """

    t_s: np.ndarray
    theta_rad: np.ndarray
    omega_rad_s: np.ndarray
    alpha_rad_s2: np.ndarray
    activation: np.ndarray
    ia_rate_hz: np.ndarray
    drive: np.ndarray
    drive_muscle: np.ndarray
    muscle_torque_nm: np.ndarray
    examiner_torque_nm: np.ndarray
    contact: np.ndarray
    drive_muscle_noise_free: np.ndarray
    params: ReflexParams
    manoeuvre: Manoeuvre
    central: CentralParams | None
    dt_s: float

    @property
    def fs(self) -> float:
        """Integration rate, Hz."""
        return 1.0 / self.dt_s


def _pack(params: ReflexParams, central: CentralParams | None) -> np.ndarray:
    c = central or CentralParams()
    vals = {
        "Jf": params.foot_inertia_kg_m2, "Jh": params.hand_inertia_kg_m2,
        "Kp": params.passive_stiffness_nm_per_rad, "Bp": params.passive_viscosity_nms_per_rad,
        "thr": params.rest_angle_rad, "Ke": params.endrange_torque_nm,
        "ke": params.endrange_rate_per_rad, "the": params.endrange_angle_rad,
        "Kh": params.hand_stiffness_nm_per_rad, "Bh": params.hand_viscosity_nms_per_rad,
        "rm": params.moment_arm_m, "Tmax": params.max_torque_nm, "Tc": params.twitch_time_s,
        "r0": params.ia_rest_rate_hz, "kl": params.ia_length_gain_hz_per_mm,
        "kv": params.ia_velocity_gain, "kexp": params.ia_velocity_exponent,
        "v0": params.ia_v0_mm_s, "linear_spindle": float(params.spindle == "linear"),
        "kvlin": params.ia_linear_velocity_gain_hz_per_mm_s, "G": params.gain,
        "rth": params.threshold_hz, "umax": params.u_max,
        "ktq": params.intrinsic_stiffness_per_rad, "tsp": params.spindle_lowpass_s,
        "linear_loop": float(params.linear_loop), "central": float(central is not None),
        "cpg_f": c.freq_hz, "cpg_duty": c.duty, "cpg_u": c.burst_drive,
        "cpg_trig": params.ia_rest_rate_hz + c.trigger_above_rest_hz,
        "cpg_maint": params.ia_rest_rate_hz + c.maintain_above_rest_hz, "cpg_tau": c.tonic_tau_s,
        "cpg_k": c.coupling, "Ks": 0.0, "Bs": 0.0,
    }
    return np.array([float(vals[n]) for n in _P_NAMES], dtype=np.float64)


def servo_path(manoeuvre: Manoeuvre, t_s: np.ndarray, theta0: float) -> np.ndarray:
    """Servo push: rows weight, reference angle (rad) and velocity (rad/s).

    Minimum-jerk path θ0 + A·(10τ³ - 15τ⁴ + 6τ⁵), τ = (t - start)/duration; then the servo's
    weight falls as a half cosine over ``servo_release_s`` while the hold takes over.
    """
    m = manoeuvre
    out = np.zeros((3, t_s.size))
    if m.push_kind != "servo":
        return out
    on = (t_s >= m.push_start_s) & (t_s < m.push_end_s)
    tau = (t_s[on] - m.push_start_s) / m.push_duration_s
    out[0, on] = 1.0
    out[1, on] = theta0 + m.push_amplitude_rad * (10 * tau**3 - 15 * tau**4 + 6 * tau**5)
    out[2, on] = m.push_amplitude_rad / m.push_duration_s * (30 * tau**2 - 60 * tau**3
                                                              + 30 * tau**4)
    if m.servo_release_s > 0:
        blend = (t_s >= m.push_end_s) & (t_s < m.push_end_s + m.servo_release_s)
        x = (t_s[blend] - m.push_end_s) / m.servo_release_s
        out[0, blend] = 0.5 * (1.0 + np.cos(np.pi * x))
        out[1, blend] = theta0 + m.push_amplitude_rad
    return out


def examiner_torque(manoeuvre: Manoeuvre, t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Examiner torque without hand impedance τ_b(t) (N m) and the contact flag c(t).

    For a servo push, τ_b holds only tremor during the push (the servo torque is computed in
    the loop).
    """
    m = manoeuvre
    tau = np.zeros_like(t_s)
    in_push = (t_s >= m.push_start_s) & (t_s < m.push_end_s)
    if m.push_kind == "torque":
        tau[in_push] = m.push_torque_nm
    after = t_s >= m.push_end_s
    # the examiner may tire (negative drift) but never pulls the foot into plantarflexion
    tau[after] = np.maximum(0.0, m.hold_torque_nm
                            + m.hold_drift_nm_per_s * (t_s[after] - m.push_end_s))
    if m.tremor_nm > 0:
        tau += m.tremor_nm * np.sin(2 * np.pi * m.tremor_hz * t_s) * (t_s >= m.push_start_s)
    contact = np.ones_like(t_s)
    if m.mode == "released":
        contact[t_s >= m.release_s + m.release_ramp_s] = 0.0
        if m.release_ramp_s > 0:
            r = (t_s >= m.release_s) & (t_s < m.release_s + m.release_ramp_s)
            contact[r] = 0.5 * (1.0 + np.cos(np.pi * (t_s[r] - m.release_s) / m.release_ramp_s))
    return tau, contact


def simulate(params: ReflexParams | None = None, manoeuvre: Manoeuvre | None = None, *,
             duration_s: float = 12.0, dt_s: float = DT_S,
             rng: np.random.Generator | int | None = None,
             central: CentralParams | None = None,
             initial_angle_rad: float | None = None) -> SimResult:
    """Simulate the stretch-reflex loop and return the state time series.

    Parameters
    ----------
    params : ReflexParams, optional
        Loop parameters (default: nominal values of reflex-model.md §4).
    manoeuvre : Manoeuvre, optional
        Examiner manoeuvre (default: held, 14 N m push for 0.10 s at 0.5 s, then 6 N m).
    duration_s : float
        Simulated time, in seconds.
    dt_s : float
        Integration step, in seconds (spec: 0.25 ms). Delays are rounded to whole steps.
    rng : numpy.random.Generator or int or None
        Source of the motoneuron noise (only used when ``params.motoneuron_noise > 0``).
    central : CentralParams, optional
        If given, run the central-oscillator mode (§9).
    initial_angle_rad : float, optional
        Starting ankle angle, rad (default: the resting angle θ_r, at rest).

    Returns
    -------
    SimResult
        Time series at the integration step.

    Examples
    --------
    >>> from clonus.simulate import simulate, ReflexParams
    >>> res = simulate(ReflexParams(gain=0.02), duration_s=3.0)
    >>> round(float(res.theta_rad.max()), 2) > 0
    True
    """
    params = params or ReflexParams()
    manoeuvre = manoeuvre or Manoeuvre()
    if not isinstance(params, ReflexParams):
        raise InvalidParameterError(f"params must be a ReflexParams, got {type(params).__name__}.")
    if not isinstance(manoeuvre, Manoeuvre):
        raise InvalidParameterError(
            f"manoeuvre must be a Manoeuvre, got {type(manoeuvre).__name__}.")
    if not (isinstance(duration_s, (int, float)) and 0 < duration_s <= 600):
        raise InvalidParameterError(
            f"duration_s must be between 0 and 600 seconds, got {duration_s!r}.")
    if not (isinstance(dt_s, (int, float)) and 1e-6 <= dt_s <= 0.002):
        raise InvalidParameterError(f"dt_s must be between 1e-6 and 0.002 s, got {dt_s!r}.")
    n = int(round(duration_s / dt_s))
    t = np.arange(n) * dt_s
    tau_b, contact = examiner_torque(manoeuvre, t)
    if params.motoneuron_noise > 0:
        g = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        noise = g.standard_normal(n) * params.motoneuron_noise
    else:
        noise = np.zeros(n)
    n_aff = int(round(params.afferent_delay_s / dt_s))
    n_eff = int(round(params.efferent_delay_s / dt_s))
    i_push_end = int(round(manoeuvre.push_end_s / dt_s))
    out = np.zeros((11, n))
    theta0 = params.rest_angle_rad if initial_angle_rad is None else float(initial_angle_rad)
    packed = _pack(params, central)
    packed[_PI["Ks"]] = manoeuvre.servo_stiffness_nm_per_rad
    packed[_PI["Bs"]] = manoeuvre.servo_damping_nms_per_rad
    servo = servo_path(manoeuvre, t, theta0)
    _kernel()(packed, n_aff, n_eff, i_push_end, float(dt_s), tau_b, contact, noise, servo,
              theta0, out)
    if not np.all(np.isfinite(out[0])):
        raise InvalidParameterError(
            "The simulation diverged (non-finite ankle angle). Check the parameters: the gain "
            "may be far above the critical gain with the linear loop, or dt_s too large.")
    return SimResult(t_s=t, theta_rad=out[0], omega_rad_s=out[1], alpha_rad_s2=out[2],
                     activation=out[3], ia_rate_hz=out[4], drive=out[5], drive_muscle=out[6],
                     muscle_torque_nm=out[7], examiner_torque_nm=out[8], contact=out[9],
                     drive_muscle_noise_free=np.concatenate([np.zeros(min(n_eff, n)),
                                                             out[10, :max(0, n - n_eff)]]),
                     params=params, manoeuvre=manoeuvre, central=central, dt_s=float(dt_s))
