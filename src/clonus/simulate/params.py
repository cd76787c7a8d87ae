"""Parameters of the stretch-reflex simulator and of the examiner's manoeuvre.

Every field carries its unit in its name (or in its description when the unit is a rate of
impulses), the nominal value of ``docs/reflex-model.md`` §4 as default, the range used for
randomised trials, and the source/status of the value. Status words follow the spec:
*published*, *from public code*, *assumed — calibrate*.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validation import check_option
from ..exceptions import InvalidParameterError

__all__ = [
    "ReflexParams",
    "Manoeuvre",
    "CentralParams",
    "PARAM_RANGES",
    "MANOEUVRE_RANGES",
    "sample_params",
    "sample_manoeuvre",
]


def _fld(default: Any, *, unit: str, rng: tuple[float, float] | None, source: str,
         symbol: str) -> Any:
    return field(default=default, metadata={"unit": unit, "range": rng, "source": source,
                                            "symbol": symbol})


@dataclass(frozen=True)
class ReflexParams:
    """Parameters of the lumped ankle stretch-reflex loop (reflex-model.md §3-§4).

    Angles are ankle angles in rad, positive = dorsiflexion (stretches the triceps surae).
    Spindle quantities are in mm, mm/s and imp/s (Hz). Each field's ``metadata`` holds its
    unit, randomisation range, source and spec symbol (see :func:`describe`).

    Parameters
    ----------
    foot_inertia_kg_m2 : float
        J_f, foot inertia about the ankle, kg m². Assumed — calibrate.
    hand_inertia_kg_m2 : float
        J_h, extra inertia of the examiner's hand while in contact, kg m². Assumed.
    passive_stiffness_nm_per_rad : float
        K_p, passive elastic stiffness near neutral, N m/rad. Assumed (raised in SCI/stroke:
        Mirbagheri 1998, Sinkjaer 1994).
    passive_viscosity_nms_per_rad : float
        B_p, passive viscosity, N m s/rad. Assumed.
    rest_angle_rad : float
        θ_r, relaxed resting angle, rad. Assumed.
    endrange_torque_nm, endrange_rate_per_rad, endrange_angle_rad : float
        K_e (N m), k_e (1/rad), θ_e (rad): exponential end-range dorsiflexion stiffening.
    hand_stiffness_nm_per_rad, hand_viscosity_nms_per_rad : float
        K_h, B_h: examiner-hand impedance while holding (K_h = 0: pure force bias).
    moment_arm_m : float
        r_m, Achilles moment arm, m. Published (Maganaris 2000; Manal 2013).
    max_torque_nm : float
        T_max, maximum plantarflexor torque the reflex can recruit, N m. Assumed.
    twitch_time_s : float
        Tc, twitch contraction time, s. Published (Sale 1982: 112.4 ± 11.1 ms).
    ia_rest_rate_hz : float
        r0, Ia resting rate, imp/s (from public code, MathieuCharbonnier/Loop).
    ia_length_gain_hz_per_mm : float
        k_l, Ia length sensitivity, imp/s per mm (from public code).
    ia_velocity_gain : float
        k_v, Ia velocity sensitivity, imp/s per (mm/s)^0.6 (exponent: Prochazka & Gorassini
        1998; coefficient from public code).
    ia_velocity_exponent : float
        Power-law exponent of the velocity term (0.5-0.6, Prochazka & Gorassini 1998).
    ia_v0_mm_s : float
        v0, regularisation of the power law at zero velocity, mm/s (numerical).
    spindle : {"power", "linear"}
        "power": r = max(0, r0 + k_l ΔL + k_v sgn(v)((|v|+v0)^0.6 - v0^0.6)) (clinical model);
        "linear": r = r0 + k_l ΔL + k_v' v, used by the linear stability check (§10).
    ia_linear_velocity_gain_hz_per_mm_s : float
        k_v', velocity gain of the linear spindle, imp/s per mm/s (§10 uses 1).
    afferent_delay_s, efferent_delay_s : float
        τ_aff, τ_eff: afferent (conduction + central) and efferent (conduction + NMJ) delays,
        s. Total 35-50 ms (Sinkjaer 1996: soleus short-latency reflex onset 42 ± 3.2 ms).
    gain : float
        G, motoneuron-pool gain, 1/(imp/s). Concept: Hidler & Rymer 1999; value assumed.
    threshold_hz : float
        r_th, motoneuron-pool threshold (excitability), imp/s. Concept: Hidler & Rymer 1999.
    u_max : float
        Drive saturation (dimensionless).
    motoneuron_noise : float
        Standard deviation of the white motoneuron-pool noise n(t) per integration step
        (dimensionless drive units). Assumed.
    intrinsic_stiffness_per_rad : float
        k_tq, torque-proportional intrinsic stiffness (Weiss 1988), 1/rad; 0 = off.
    spindle_lowpass_s : float
        τ_sp, optional spindle low-pass time constant, s; 0 = off.
    linear_loop : bool
        True: no clipping of r, u or a and no end-range stiffening (the linear loop of §10).
    """

    foot_inertia_kg_m2: float = _fld(0.015, unit="kg m^2", rng=(0.010, 0.020),
                                     source="assumed — calibrate", symbol="J_f")
    hand_inertia_kg_m2: float = _fld(0.010, unit="kg m^2", rng=(0.0, 0.03),
                                     source="assumed — calibrate", symbol="J_h")
    passive_stiffness_nm_per_rad: float = _fld(
        40.0, unit="N m/rad", rng=(20.0, 80.0),
        source="assumed — calibrate; raised in SCI/stroke (Mirbagheri 1998, Sinkjaer 1994)",
        symbol="K_p")
    passive_viscosity_nms_per_rad: float = _fld(0.5, unit="N m s/rad", rng=(0.3, 1.0),
                                                source="assumed — calibrate", symbol="B_p")
    rest_angle_rad: float = _fld(-0.20, unit="rad", rng=(-0.35, -0.05),
                                 source="assumed — calibrate", symbol="θ_r")
    endrange_torque_nm: float = _fld(2.0, unit="N m", rng=(1.0, 3.0),
                                     source="assumed — calibrate", symbol="K_e")
    endrange_rate_per_rad: float = _fld(8.0, unit="1/rad", rng=(4.0, 12.0),
                                        source="assumed — calibrate", symbol="k_e")
    endrange_angle_rad: float = _fld(0.15, unit="rad", rng=(0.075, 0.225),
                                     source="assumed — calibrate", symbol="θ_e")
    hand_stiffness_nm_per_rad: float = _fld(10.0, unit="N m/rad", rng=(0.0, 20.0),
                                            source="assumed — calibrate", symbol="K_h")
    hand_viscosity_nms_per_rad: float = _fld(0.3, unit="N m s/rad", rng=(0.0, 0.5),
                                             source="assumed — calibrate", symbol="B_h")
    moment_arm_m: float = _fld(0.05, unit="m", rng=(0.035, 0.056),
                               source="published: Maganaris 2000; Manal 2013", symbol="r_m")
    max_torque_nm: float = _fld(40.0, unit="N m", rng=(20.0, 80.0),
                                source="assumed — calibrate", symbol="T_max")
    twitch_time_s: float = _fld(0.110, unit="s", rng=(0.09, 0.16),
                                source="published: Sale 1982 (112.4 ± 11.1 ms)", symbol="Tc")
    ia_rest_rate_hz: float = _fld(10.0, unit="imp/s", rng=(5.0, 20.0),
                                  source="from public code (MathieuCharbonnier/Loop)",
                                  symbol="r0")
    ia_length_gain_hz_per_mm: float = _fld(2.0, unit="imp/s per mm", rng=(1.0, 4.0),
                                           source="from public code", symbol="k_l")
    ia_velocity_gain: float = _fld(4.3, unit="imp/s per (mm/s)^0.6", rng=(2.0, 6.0),
                                   source="exponent published (Prochazka & Gorassini 1998); "
                                   "coefficient from public code", symbol="k_v")
    ia_velocity_exponent: float = _fld(0.6, unit="1", rng=None,
                                       source="published: Prochazka & Gorassini 1998",
                                       symbol="0.6")
    ia_v0_mm_s: float = _fld(2.0, unit="mm/s", rng=(0.5, 5.0), source="numerical",
                             symbol="v0")
    spindle: str = _fld("power", unit="", rng=None, source="§3", symbol="")
    ia_linear_velocity_gain_hz_per_mm_s: float = _fld(1.0, unit="imp/s per mm/s", rng=None,
                                                      source="§10", symbol="k_v'")
    afferent_delay_s: float = _fld(0.021, unit="s", rng=(0.017, 0.027),
                                   source="published total (Sinkjaer 1996); split assumed",
                                   symbol="τ_aff")
    efferent_delay_s: float = _fld(0.019, unit="s", rng=(0.015, 0.025),
                                   source="published total (Sinkjaer 1996); split assumed",
                                   symbol="τ_eff")
    gain: float = _fld(0.02, unit="1/(imp/s)", rng=None,
                       source="concept Hidler & Rymer 1999; value assumed", symbol="G")
    threshold_hz: float = _fld(25.0, unit="imp/s", rng=(15.0, 50.0),
                               source="concept Hidler & Rymer 1999; value assumed",
                               symbol="r_th")
    u_max: float = _fld(1.0, unit="1", rng=None, source="assumed", symbol="u_max")
    motoneuron_noise: float = _fld(0.0, unit="1", rng=None, source="assumed", symbol="n(t)")
    intrinsic_stiffness_per_rad: float = _fld(0.0, unit="1/rad", rng=None,
                                              source="Weiss 1988 (concept)", symbol="k_tq")
    spindle_lowpass_s: float = _fld(0.0, unit="s", rng=None, source="assumed", symbol="τ_sp")
    linear_loop: bool = _fld(False, unit="", rng=None, source="§10", symbol="")

    def __post_init__(self) -> None:
        check_option("spindle", self.spindle, ("power", "linear"))
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if f.name in ("spindle", "linear_loop"):
                continue
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
                raise InvalidParameterError(
                    f"ReflexParams.{f.name} must be a finite number, got {v!r}.")
        positive = ("foot_inertia_kg_m2", "moment_arm_m", "twitch_time_s", "u_max")
        for name in positive:
            if getattr(self, name) <= 0:
                raise InvalidParameterError(
                    f"ReflexParams.{name} must be > 0, got {getattr(self, name)!r}.")
        non_negative = ("hand_inertia_kg_m2", "passive_viscosity_nms_per_rad",
                        "hand_stiffness_nm_per_rad", "hand_viscosity_nms_per_rad",
                        "max_torque_nm", "afferent_delay_s", "efferent_delay_s", "gain",
                        "motoneuron_noise", "spindle_lowpass_s", "ia_v0_mm_s",
                        "endrange_torque_nm")
        for name in non_negative:
            if getattr(self, name) < 0:
                raise InvalidParameterError(
                    f"ReflexParams.{name} must be >= 0, got {getattr(self, name)!r}.")

    @property
    def loop_delay_s(self) -> float:
        """Total loop delay τ_aff + τ_eff, in seconds."""
        return self.afferent_delay_s + self.efferent_delay_s

    def with_delay(self, delay_s: float) -> ReflexParams:
        """Return a copy with total loop delay ``delay_s`` split 0.525/0.475 (spec §10)."""
        if not (isinstance(delay_s, numbers.Real) and 0 <= float(delay_s) <= 0.5):
            raise InvalidParameterError(
                f"delay_s must be a loop delay in seconds between 0 and 0.5, got {delay_s!r}.")
        return dataclasses.replace(self, afferent_delay_s=0.525 * float(delay_s),
                                   efferent_delay_s=0.475 * float(delay_s))

    def replace(self, **changes: Any) -> ReflexParams:
        """``dataclasses.replace`` shortcut."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Field values as a JSON-serialisable dict."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ReflexParams:
        """Inverse of :meth:`to_dict`; unknown keys raise :class:`InvalidParameterError`."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - names)
        if unknown:
            raise InvalidParameterError(
                f"Unknown ReflexParams fields: {unknown}. Allowed: {sorted(names)}.")
        return cls(**dict(d))

    @classmethod
    def describe(cls) -> list[dict[str, Any]]:
        """One row per field: name, symbol, nominal value, unit, range and source."""
        return [{"name": f.name, "symbol": f.metadata.get("symbol", ""), "nominal": f.default,
                 "unit": f.metadata.get("unit", ""), "range": f.metadata.get("range"),
                 "source": f.metadata.get("source", "")} for f in dataclasses.fields(cls)]


@dataclass(frozen=True)
class Manoeuvre:
    """The examiner's manoeuvre (reflex-model.md §7).

    Parameters
    ----------
    mode : {"held", "released"}
        Held: after the push the examiner keeps a dorsiflexing bias with hand impedance.
        Released: contact ends at ``release_s`` (no external torque, hand inertia removed).
    push_start_s : float
        Start of the brisk dorsiflexion torque pulse, s (reference 0.5 s).
    push_torque_nm : float
        Pulse torque, N m (nominal 14, range 8-25; assumed).
    push_duration_s : float
        Pulse length, s (nominal 0.10, range 0.06-0.15; assumed).
    hold_torque_nm : float
        Maintained dorsiflexing bias after the pulse, N m (nominal 6, range 3-12; assumed).
    release_s : float
        Released mode: time at which the examiner lets go, s (reference 1.0 s).
    release_ramp_s : float
        Released mode: the hand's contact (torque and inertia) falls as a half cosine over this
        time, s (0 = instantaneous, the spec's reference). Assumed.
    hold_drift_nm_per_s : float
        Slow change of the hold torque (examiner tires), N m/s (negative = weakening).
    tremor_nm, tremor_hz : float
        Examiner-hand tremor added to the examiner torque while in contact (confounder),
        amplitude in N m and frequency in Hz (8-12 Hz physiological tremor).
    push_kind : {"torque", "servo"}
        "torque": a rectangular torque pulse (the spec's reference). "servo": the spec's
        alternative, a position servo (stiffness ``servo_stiffness_nm_per_rad``, damping
        ``servo_damping_nms_per_rad``) that moves the foot by ``push_amplitude_rad`` along a
        minimum-jerk path lasting ``push_duration_s`` (peak velocity 1.875·amplitude/duration;
        100-300°/s in the spec). The servo keeps the phone's peak acceleration realistic
        (1-4 g at 10 cm), while strong torque pulses on a light foot give 10 g and more.
    push_amplitude_rad : float
        Servo push: dorsiflexion imposed, rad.
    servo_stiffness_nm_per_rad, servo_damping_nms_per_rad : float
        Servo push: examiner's position-control impedance (assumed).
    servo_release_s : float
        Servo push: time over which the hand hands over from position control to the hold
        (half-cosine blend; assumed). Without it, releasing a foot whose muscle is contracting
        against the servo gives unrealistic accelerations (> 8 g).
    """

    mode: str = "held"
    push_start_s: float = 0.5
    push_torque_nm: float = 14.0
    push_duration_s: float = 0.10
    hold_torque_nm: float = 6.0
    release_s: float = 1.0
    release_ramp_s: float = 0.0
    hold_drift_nm_per_s: float = 0.0
    tremor_nm: float = 0.0
    tremor_hz: float = 10.0
    push_kind: str = "torque"
    push_amplitude_rad: float = 0.26
    servo_stiffness_nm_per_rad: float = 300.0
    servo_damping_nms_per_rad: float = 3.0
    servo_release_s: float = 0.05

    def __post_init__(self) -> None:
        check_option("mode", self.mode, ("held", "released"))
        check_option("push_kind", self.push_kind, ("torque", "servo"))
        for name in ("push_start_s", "push_duration_s", "release_s", "release_ramp_s",
                     "push_torque_nm",
                     "tremor_nm", "tremor_hz", "push_amplitude_rad",
                     "servo_stiffness_nm_per_rad", "servo_damping_nms_per_rad",
                     "servo_release_s"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v) \
                    or v < 0:
                raise InvalidParameterError(
                    f"Manoeuvre.{name} must be a non-negative finite number, got {v!r}.")
        if self.mode == "released" and self.release_s < self.push_start_s + self.push_duration_s:
            raise InvalidParameterError(
                f"Manoeuvre.release_s ({self.release_s} s) must come after the end of the push "
                f"({self.push_start_s + self.push_duration_s} s).")

    @property
    def push_peak_velocity_rad_s(self) -> float:
        """Servo push: peak velocity of the imposed minimum-jerk path, rad/s."""
        return 1.875 * self.push_amplitude_rad / self.push_duration_s

    @property
    def push_end_s(self) -> float:
        """End of the push pulse, in seconds."""
        return self.push_start_s + self.push_duration_s

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class CentralParams:
    """Central-oscillator mode (reflex-model.md §9; status: specified, assumed values).

    A phase oscillator at ``freq_hz`` starts when the delayed Ia rate exceeds the resting rate
    r0 by ``trigger_above_rest_hz``
    and then gates the pool: u = ``burst_drive`` while cos φ > cos(π·duty). It continues while
    the tonic (low-passed, ``tonic_tau_s``) Ia rate stays above r0 + ``maintain_above_rest_hz``
    (Dimitrijevic 1980). ``coupling`` (rad/s per imp/s, default 0) sets an optional weak phase
    coupling to Ia; at 0 external forcing gives beats, not entrainment (Walsh 1976), and the
    frequency does not depend on inertia or delay (Walsh & Wright 1987). A coupling of 0.05
    already shifts the frequency by about 0.1 Hz.
    """

    freq_hz: float = 6.0
    duty: float = 0.35
    burst_drive: float = 0.5
    trigger_above_rest_hz: float = 40.0
    maintain_above_rest_hz: float = 5.0
    tonic_tau_s: float = 0.3
    coupling: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


#: Ranges for randomised trials (reflex-model.md §4), by ReflexParams field.
PARAM_RANGES: dict[str, tuple[float, float]] = {
    f.name: f.metadata["range"] for f in dataclasses.fields(ReflexParams)
    if f.metadata.get("range") is not None
}

#: Ranges of the manoeuvre for randomised trials (§4 push and τ_hold rows; §7 servo ramp
#: 100-300°/s; servo amplitude 8-25° chosen to match the torque pulse's 2.5-25° peaks).
MANOEUVRE_RANGES: dict[str, tuple[float, float]] = {
    "push_torque_nm": (8.0, 25.0),
    "push_duration_s": (0.06, 0.15),
    "hold_torque_nm": (3.0, 12.0),
    "push_amplitude_rad": (math.radians(8.0), math.radians(25.0)),
    "push_peak_velocity_rad_s": (math.radians(100.0), math.radians(300.0)),
}


def _rng(rng: Any) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, numbers.Integral):
        return np.random.default_rng(rng)
    raise InvalidParameterError(f"rng must be a numpy Generator, an int seed or None, got {rng!r}.")


def sample_params(rng: np.random.Generator | int | None = None, *,
                  delay_range_s: tuple[float, float] = (0.035, 0.050),
                  min_threshold_margin_hz: float = 5.0,
                  base: ReflexParams | None = None) -> ReflexParams:
    """Draw parameters uniformly within the spec's ranges (reflex-model.md §4).

    The total loop delay is drawn from ``delay_range_s`` (Sinkjaer 1996 and §4: 35-50 ms) and
    split with an afferent fraction drawn in [0.45, 0.60]; the individual delays are then kept
    inside their §4 ranges. The gain ``G`` is not drawn: set it relative to the critical gain
    (``simulate_trial(gain_ratio=...)``), because the useful range is 0-5 × G_c.

    Parameters
    ----------
    rng : numpy.random.Generator or int or None
        Random generator or seed.
    delay_range_s : (float, float)
        Range of the total loop delay, in seconds.
    min_threshold_margin_hz : float
        The threshold r_th is drawn in [max(15, r0 + margin), 50] imp/s so that the
        motoneuron pool is silent at the resting length (departure from independent §4
        ranges: with r_th < r0 the pool fires at rest and clonus never stops on release).
    base : ReflexParams, optional
        Fields not drawn are taken from here (default: nominal).
    """
    g = _rng(rng)
    base = base or ReflexParams()
    vals: dict[str, Any] = {}
    for name, (lo, hi) in PARAM_RANGES.items():
        if name in ("afferent_delay_s", "efferent_delay_s"):
            continue
        vals[name] = float(g.uniform(lo, hi))
    total = float(g.uniform(*delay_range_s))
    frac = float(g.uniform(0.45, 0.60))
    aff = float(np.clip(frac * total, 0.017, 0.027))
    eff = float(np.clip(total - aff, 0.015, 0.025))
    vals["afferent_delay_s"] = aff
    vals["efferent_delay_s"] = eff
    # The pool must be silent at rest (threshold above the resting Ia rate), otherwise the
    # model fires tonically and beats on after the examiner lets go, which is not the
    # clinical test the spec describes (§7: released -> clonus stops after a few beats).
    lo_th = max(PARAM_RANGES["threshold_hz"][0], vals["ia_rest_rate_hz"] + min_threshold_margin_hz)
    vals["threshold_hz"] = float(g.uniform(lo_th, PARAM_RANGES["threshold_hz"][1]))
    return dataclasses.replace(base, **vals)


def sample_manoeuvre(rng: np.random.Generator | int | None = None, *,
                     mode: str = "held", push_kind: str = "torque") -> Manoeuvre:
    """Draw a manoeuvre within :data:`MANOEUVRE_RANGES` (push start 0.4-0.8 s; release
    0.3-0.7 s after the push ends).

    ``push_kind="torque"`` draws the pulse torque and duration; ``"servo"`` draws the
    imposed amplitude and peak velocity (the duration follows).
    """
    check_option("push_kind", push_kind, ("torque", "servo"))
    g = _rng(rng)
    start = float(g.uniform(0.4, 0.8))
    hold = float(g.uniform(*MANOEUVRE_RANGES["hold_torque_nm"]))
    if push_kind == "servo":
        amp = float(g.uniform(*MANOEUVRE_RANGES["push_amplitude_rad"]))
        vel = float(g.uniform(*MANOEUVRE_RANGES["push_peak_velocity_rad_s"]))
        dur = 1.875 * amp / vel
        return Manoeuvre(mode=mode, push_start_s=start, push_kind="servo",
                         push_amplitude_rad=amp, push_duration_s=dur, hold_torque_nm=hold,
                         release_s=start + dur + float(g.uniform(0.3, 0.7)),
                         release_ramp_s=float(g.uniform(0.02, 0.06)))
    dur = float(g.uniform(*MANOEUVRE_RANGES["push_duration_s"]))
    return Manoeuvre(mode=mode, push_start_s=start,
                     push_torque_nm=float(g.uniform(*MANOEUVRE_RANGES["push_torque_nm"])),
                     push_duration_s=dur, hold_torque_nm=hold,
                     release_s=start + dur + float(g.uniform(0.3, 0.7)),
                     release_ramp_s=float(g.uniform(0.02, 0.06)))
