"""Linear stability analysis of the stretch-reflex loop (reflex-model.md §10) and its
time-domain checks.

Open loop, hand in contact (drop J_h, B_h, K_h with the hand off)::

    L(s) = G·T_max·1000·r_m·(k_l + k_v'·s)·exp(-s(τ_aff + τ_eff))
           / [(Tc·s + 1)² (J·s² + (B_p + B_h)·s + K_p + K_h)]

The critical gain G_c = 1/|L(jω_c)/G| at the first frequency ω_c where the phase of L
reaches -π; f_c = ω_c/2π.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..exceptions import InvalidParameterError
from .params import Manoeuvre, ReflexParams
from .reflex import simulate

__all__ = [
    "critical_gain",
    "open_loop",
    "linear_velocity_gain",
    "critical_gain_time_domain",
    "sustained_gain_threshold",
    "linear_check_params",
]


def linear_velocity_gain(params: ReflexParams) -> float:
    """Small-signal Ia velocity gain k_v', imp/s per mm/s.

    For the linear spindle this is ``ia_linear_velocity_gain_hz_per_mm_s``; for the power-law
    spindle it is the slope at zero velocity, ``0.6·k_v·v0^-0.4`` (1.96 at nominal values).
    """
    if params.spindle == "linear":
        return params.ia_linear_velocity_gain_hz_per_mm_s
    e = params.ia_velocity_exponent
    return e * params.ia_velocity_gain * params.ia_v0_mm_s ** (e - 1.0)


def open_loop(params: ReflexParams, omega_rad_s: np.ndarray, *, hand_on: bool = True,
              gain: float = 1.0) -> np.ndarray:
    """Open-loop frequency response L(jω) for the given gain (default 1: L/G).

    Parameters
    ----------
    params : ReflexParams
    omega_rad_s : array_like
        Angular frequencies, rad/s.
    hand_on : bool
        Include the examiner's hand inertia and impedance.
    gain : float
        Motoneuron-pool gain G.
    """
    p = params
    s = 1j * np.asarray(omega_rad_s, dtype=float)
    J = p.foot_inertia_kg_m2 + (p.hand_inertia_kg_m2 if hand_on else 0.0)
    B = p.passive_viscosity_nms_per_rad + (p.hand_viscosity_nms_per_rad if hand_on else 0.0)
    K = p.passive_stiffness_nm_per_rad + (p.hand_stiffness_nm_per_rad if hand_on else 0.0)
    kv = linear_velocity_gain(p)
    num = gain * p.max_torque_nm * 1000.0 * p.moment_arm_m * (p.ia_length_gain_hz_per_mm + kv * s)
    den = (p.twitch_time_s * s + 1.0) ** 2 * (J * s**2 + B * s + K)
    return num * np.exp(-s * p.loop_delay_s) / den


def _phase(params: ReflexParams, w: float | np.ndarray, hand_on: bool) -> np.ndarray:
    """Continuous (unwrapped by construction) phase of L(jω), rad."""
    p = params
    w = np.asarray(w, dtype=float)
    J = p.foot_inertia_kg_m2 + (p.hand_inertia_kg_m2 if hand_on else 0.0)
    B = p.passive_viscosity_nms_per_rad + (p.hand_viscosity_nms_per_rad if hand_on else 0.0)
    K = p.passive_stiffness_nm_per_rad + (p.hand_stiffness_nm_per_rad if hand_on else 0.0)
    kv = linear_velocity_gain(p)
    ph_num = np.arctan2(kv * w, p.ia_length_gain_hz_per_mm)
    ph_delay = -w * p.loop_delay_s
    ph_twitch = -2.0 * np.arctan(p.twitch_time_s * w)
    ph_mech = -np.arctan2(B * w, K - J * w**2)  # continuous: 0 -> -π through -π/2
    return ph_num + ph_delay + ph_twitch + ph_mech


def critical_gain(params: ReflexParams | None = None, *, hand_on: bool = True
                  ) -> tuple[float, float]:
    """Critical motoneuron-pool gain and oscillation frequency of the linearised loop.

    Parameters
    ----------
    params : ReflexParams, optional
        Loop parameters (default nominal). The power-law spindle is linearised at zero
        velocity (see :func:`linear_velocity_gain`); the threshold is ignored (linear loop).
    hand_on : bool
        Examiner's hand in contact (adds J_h, B_h, K_h).

    Returns
    -------
    G_c : float
        Critical gain, 1/(imp/s): the loop is unstable for G > G_c.
    f_c_hz : float
        Frequency of the oscillation at G = G_c, Hz.

    Notes
    -----
    Finds the first ω where ∠L(jω) = -π by a dense scan from 0.1 to 2000 rad/s and Brent's
    method, then G_c = 1/|L(jω_c)/G| (reflex-model.md §10). With the spec's linear spindle
    (k_v' = 1 imp/s per mm/s) and nominal parameters this gives G_c = 0.0073617 and
    f_c = 5.050 Hz with the hand on.

    Examples
    --------
    >>> from clonus.simulate import ReflexParams, critical_gain
    >>> g, f = critical_gain(ReflexParams(spindle="linear"))
    >>> round(g, 5), round(f, 2)
    (0.00736, 5.05)
    """
    from scipy.optimize import brentq

    p = params or ReflexParams()
    w = np.linspace(0.1, 2000.0, 40000)
    ph = _phase(p, w, hand_on) + math.pi
    idx = np.flatnonzero(ph <= 0)
    if idx.size == 0:
        raise InvalidParameterError(
            "The loop phase never reaches -180° below 2000 rad/s: no finite critical gain for "
            "these parameters.")
    i = int(idx[0])
    if i == 0:
        wc = float(w[0])
    else:
        wc = float(brentq(lambda x: float(_phase(p, x, hand_on)) + math.pi, w[i - 1], w[i],
                          xtol=1e-12))
    mag = float(np.abs(open_loop(p, np.array([wc]), hand_on=hand_on)[0]))
    return 1.0 / mag, wc / (2.0 * math.pi)


def linear_check_params(params: ReflexParams | None = None) -> ReflexParams:
    """Parameters of the §10 time-domain check: linear spindle and loop, r_th = r0."""
    p = params or ReflexParams()
    return dataclasses.replace(p, spindle="linear", linear_loop=True,
                               threshold_hz=p.ia_rest_rate_hz, motoneuron_noise=0.0)


def _pp(x: np.ndarray, t: np.ndarray, t0: float, t1: float) -> float:
    m = (t >= t0) & (t < t1)
    return float(np.ptp(x[m])) if m.any() else 0.0


def _grows(params: ReflexParams, gain: float, dt_s: float) -> bool:
    man = Manoeuvre(mode="held", push_torque_nm=1.0, hold_torque_nm=0.5)
    res = simulate(dataclasses.replace(params, gain=gain), man, duration_s=6.0, dt_s=dt_s)
    th, t = res.theta_rad, res.t_s
    return _pp(th, t, 5.0, 6.0) > _pp(th, t, 2.0, 3.0)


def critical_gain_time_domain(params: ReflexParams | None = None, *, rel_tol: float = 1e-4,
                              dt_s: float = 0.00025) -> float:
    """Critical gain found by bisection on the time-domain simulation of the linear loop.

    Uses the §10 protocol: linear spindle, no clipping, r_th = r0, no end-range stiffening,
    hand on, a 1 N m push and 0.5 N m hold; the loop counts as unstable when the angle's
    peak-to-peak in 5-6 s exceeds that in 2-3 s.

    Parameters
    ----------
    params : ReflexParams, optional
        Base parameters; they are converted with :func:`linear_check_params`.
    rel_tol : float
        Relative width of the final bracket.
    dt_s : float
        Integration step, s.

    Returns
    -------
    float
        Time-domain critical gain, 1/(imp/s).
    """
    p = linear_check_params(params)
    g_an, _ = critical_gain(p)
    lo, hi = 0.5 * g_an, 1.5 * g_an
    if _grows(p, lo, dt_s) or not _grows(p, hi, dt_s):
        raise InvalidParameterError(
            "Bisection bracket [0.5, 1.5] x analytic G_c does not contain the time-domain "
            "critical gain; the linear analysis does not describe these parameters.")
    while (hi - lo) > rel_tol * lo:
        mid = 0.5 * (lo + hi)
        if _grows(p, mid, dt_s):
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


def sustained_gain_threshold(params: ReflexParams | None = None,
                             manoeuvre: Manoeuvre | None = None, *,
                             min_pp_deg: float = 1.0, duration_s: float = 8.0,
                             bracket: tuple[float, float] = (0.002, 0.2),
                             rel_tol: float = 0.01) -> float:
    """Smallest gain giving sustained clonus in the nonlinear (clinical) model.

    Bisection on G using "angle peak-to-peak over the last second > ``min_pp_deg``" (the
    sustained criterion of reflex-model.md §8, on a shorter run). Noise is switched off.
    Assumes the response is monotonic in G (T3).

    Returns
    -------
    float
        The gain threshold, 1/(imp/s); ``inf`` if even ``bracket[1]`` gives no sustained
        clonus.
    """
    p = dataclasses.replace(params or ReflexParams(), motoneuron_noise=0.0)
    man = manoeuvre or Manoeuvre()

    def sustained(g: float) -> bool:
        res = simulate(dataclasses.replace(p, gain=g), man, duration_s=duration_s)
        pp = _pp(res.theta_rad, res.t_s, duration_s - 1.0, duration_s)
        return math.degrees(pp) > min_pp_deg

    lo, hi = bracket
    if sustained(lo):
        return lo
    if not sustained(hi):
        return math.inf
    while (hi - lo) > rel_tol * lo:
        mid = math.sqrt(lo * hi)
        if sustained(mid):
            hi = mid
        else:
            lo = mid
    return math.sqrt(lo * hi)
