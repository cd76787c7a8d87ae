"""Map measured clonus numbers (beats, duration, sustained, hold) to clinical grades.

Every grade carries the rule that fired, in words with the numbers, and the scale version.
"""

from __future__ import annotations

import numbers
from dataclasses import asdict, dataclass

from .._validation import check_option, check_positive
from ..exceptions import InvalidParameterError
from ..model.assessment import Grade
from .scales import SCALES

__all__ = ["GradingConfig", "grade_all", "DEFAULT_GRADING"]


@dataclass(frozen=True)
class GradingConfig:
    """Choices where the published scales conflict or are vague.

    Parameters
    ----------
    bedside_threshold_beats : int
        Clonus is "pathological" at this many beats or more (or when sustained). Default 5:
        "5 beats or more" / "more than 5 contractions" / "beyond about 5 beats" are the majority
        of the bedside sources in the clinical reference section 2; DeGowin (FPnotebook) uses 3
        and "sustained" is sometimes >= 10. Any positive integer is accepted.
    csi_three_beats_grade : int
        CSI clonus grade for exactly 3 beats, where the published bands "1-3" and "3-10"
        overlap: 2 (default, first band that matches) or 3.
    csi_sustained_beats : int
        More than this many beats, even if they stop on their own, count as "sustained" for
        CSI grade 4 (default 10, the upper end of the "3-10 beats" band; FPnotebook calls
        >= 10 beats sustained).
    tardieu_hold_s : float
        Pressure must be maintained this long to call clonus unfatigable (Tardieu: 10 s).
    scats_bands_s : (float, float)
        SCATS clonus duration bands, in seconds (< 3 s mild, 3-10 s moderate, > 10 s severe;
        Benz et al. 2005).
    ninds_min_beats : int
        Beats needed for NINDS grade 4 ("a repeating reflex (clonus)"): default 2.
    tardieu_min_beats : int
        Beats needed before Tardieu grades 3/4 ("clonus") apply: default 2, a repeating
        reaction. A single beat after the stretch is closer to grade 2 ("clear catch ... then
        release"), which needs torque or angle-of-catch measurement and is not graded here.
    """

    bedside_threshold_beats: int = 5
    csi_three_beats_grade: int = 2
    csi_sustained_beats: int = 10
    tardieu_hold_s: float = 10.0
    scats_bands_s: tuple[float, float] = (3.0, 10.0)
    ninds_min_beats: int = 2
    tardieu_min_beats: int = 2

    def __post_init__(self) -> None:
        for name in (
            "bedside_threshold_beats",
            "csi_sustained_beats",
            "ninds_min_beats",
            "tardieu_min_beats",
        ):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
                raise InvalidParameterError(
                    f"GradingConfig.{name} must be a positive integer, got {v!r}."
                )
        check_option("csi_three_beats_grade", self.csi_three_beats_grade, (2, 3))
        check_positive("tardieu_hold_s", self.tardieu_hold_s)
        lo, hi = self.scats_bands_s
        if not 0 < lo < hi:
            raise InvalidParameterError(
                f"GradingConfig.scats_bands_s must be 0 < low < high, got {self.scats_bands_s!r}."
            )

    def to_dict(self) -> dict:
        return asdict(self)


DEFAULT_GRADING = GradingConfig()

_BEDSIDE_SHORT = {
    3: "DeGowin via FPnotebook: abnormal if >= 3 beats",
    5: "'5 beats or more' / 'more than 5 contractions': Wikipedia, WiseGeek, Biology-Online",
    10: "FPnotebook: 'sustained' = >= 10 beats",
}


def _g(scale_id: str, value, label: str, rule: str, inputs: dict) -> Grade:
    s = SCALES[scale_id]
    return Grade(
        scale=scale_id,
        version=s.version,
        value=value,
        label=label,
        rule=rule,
        inputs=inputs,
        citation=s.citation,
    )


def _check_inputs(n_beats, duration_s, hold_duration_s):
    if n_beats is not None and (
        isinstance(n_beats, bool) or not isinstance(n_beats, numbers.Integral) or n_beats < 0
    ):
        raise InvalidParameterError(
            f"n_beats must be a non-negative integer or None, got {n_beats!r}."
        )
    if duration_s is not None:
        check_positive("duration_s", duration_s, allow_zero=True)
    if hold_duration_s is not None:
        check_positive("hold_duration_s", hold_duration_s, allow_zero=True)


def grade_all(
    *,
    n_beats: int | None,
    duration_s: float | None,
    sustained: bool,
    hold_duration_s: float | None = None,
    continued_until_release: bool | None = None,
    config: GradingConfig = DEFAULT_GRADING,
) -> dict[str, Grade]:
    """Grade one clonus episode on every supported scale.

    Parameters
    ----------
    n_beats : int or None
        Number of clonus beats after the stretch. None means the test could not be judged
        (indeterminate): every grade is then None with that reason.
    duration_s : float or None
        Clonus duration, in seconds (0 when no beats).
    sustained : bool
        Clonus still present at the end of a hold of at least ``config.tardieu_hold_s``.
    hold_duration_s : float or None
        How long the examiner maintained the stretch, in seconds (None if unknown).
    continued_until_release : bool or None
        Whether the clonus was still beating when the stretch was released (or the recording
        ended). None if unknown.
    config : GradingConfig
        Thresholds where sources conflict.

    Returns
    -------
    dict of str to Grade
        Keys ``bedside``, ``scats_clonus``, ``csi_clonus``, ``tardieu_quality``, ``ninds``.

    Examples
    --------
    >>> g = grade_all(n_beats=7, duration_s=1.3, sustained=False, hold_duration_s=12.0)
    >>> g["csi_clonus"].value, g["scats_clonus"].value, g["bedside"].value
    (3, 1, 1)
    """
    if not isinstance(config, GradingConfig):
        raise InvalidParameterError(f"config must be a GradingConfig, got {type(config).__name__}.")
    _check_inputs(n_beats, duration_s, hold_duration_s)
    inputs = {
        "n_beats": n_beats,
        "duration_s": duration_s,
        "sustained": bool(sustained),
        "hold_duration_s": hold_duration_s,
        "continued_until_release": continued_until_release,
    }
    if n_beats is None:
        why = "not graded: the recording could not be judged (indeterminate)"
        return {sid: _g(sid, None, "not graded", why, inputs) for sid in SCALES}
    dur = float(duration_s or 0.0)
    out: dict[str, Grade] = {}

    # --- bedside
    thr = int(config.bedside_threshold_beats)
    src = _BEDSIDE_SHORT.get(thr, "user-configured threshold")
    if sustained:
        out["bedside"] = _g(
            "bedside",
            1,
            "pathological",
            f"sustained clonus (continued to the end of a hold >= {config.tardieu_hold_s:g} s) "
            f"is pathological whatever the count; threshold >= {thr} beats ({src})",
            {**inputs, "threshold_beats": thr},
        )
    elif n_beats >= thr:
        out["bedside"] = _g(
            "bedside",
            1,
            "pathological",
            f"{n_beats} beats >= threshold {thr} beats ({src})",
            {**inputs, "threshold_beats": thr},
        )
    else:
        out["bedside"] = _g(
            "bedside",
            0,
            "not pathological",
            f"{n_beats} beats < threshold {thr} beats ({src}) and not sustained",
            {**inputs, "threshold_beats": thr},
        )

    # --- SCATS clonus (duration)
    lo, hi = config.scats_bands_s
    sc = SCALES["scats_clonus"]
    if n_beats == 0:
        v, rule = 0, "no clonus beat after the stretch"
    elif sustained and dur <= hi:
        v, rule = (
            3,
            (
                f"sustained: clonus continued to the end of a hold >= {config.tardieu_hold_s:g} s "
                f"(measured duration {dur:.2f} s)"
            ),
        )
    elif dur < lo:
        v, rule = 1, f"duration {dur:.2f} s < {lo:g} s"
    elif dur <= hi:
        v, rule = 2, f"duration {dur:.2f} s in [{lo:g}, {hi:g}] s"
    else:
        v, rule = 3, f"duration {dur:.2f} s > {hi:g} s"
    out["scats_clonus"] = _g("scats_clonus", v, f"{v} = {sc.level(v).definition}", rule, inputs)

    # --- CSI clonus (beats)
    cs = SCALES["csi_clonus"]
    n3 = config.csi_three_beats_grade
    if n_beats == 0:
        v, rule = 1, "no clonus beat after the stretch"
    elif sustained:
        v, rule = 4, f"sustained (continued to the end of a hold >= {config.tardieu_hold_s:g} s)"
    elif n_beats > config.csi_sustained_beats:
        v, rule = (
            4,
            (
                f"{n_beats} beats > {config.csi_sustained_beats} (beyond the 3-10 band; "
                "counted as sustained)"
            ),
        )
    elif n_beats == 3:
        v, rule = (
            n3,
            (
                f"3 beats: the published bands overlap (1-3 / 3-10); configured choice "
                f"csi_three_beats_grade = {n3}"
            ),
        )
    elif n_beats < 3:
        v, rule = 2, f"{n_beats} beats in 1-3"
    else:
        v, rule = 3, f"{n_beats} beats in 3-10"
    out["csi_clonus"] = _g("csi_clonus", v, cs.level(v).label, rule, inputs)

    # --- Tardieu quality of muscle reaction (clonus grades only)
    hold = config.tardieu_hold_s
    held = hold_duration_s
    if n_beats == 0:
        out["tardieu_quality"] = _g(
            "tardieu_quality",
            None,
            "not graded (no clonus)",
            "no clonus; grades 0-2 (resistance, catch) need torque measurements",
            inputs,
        )
    elif n_beats < config.tardieu_min_beats and not sustained:
        out["tardieu_quality"] = _g(
            "tardieu_quality",
            None,
            "not graded (no repeating clonus)",
            f"{n_beats} beat(s) < {config.tardieu_min_beats}: not a repeating clonus; a single "
            "reaction is closer to grade 2 (catch), which needs torque measurements",
            inputs,
        )
    elif sustained or dur > hold:
        why = (
            f"sustained to the end of a {held:.1f} s hold"
            if sustained and held is not None
            else f"clonus lasted {dur:.2f} s > {hold:g} s"
        )
        out["tardieu_quality"] = _g(
            "tardieu_quality", 4, "4 = unfatigable clonus (> 10 s)", why, inputs
        )
    elif continued_until_release is False or (held is not None and held >= hold):
        out["tardieu_quality"] = _g(
            "tardieu_quality",
            3,
            "3 = fatigable clonus (< 10 s while pressure maintained)",
            f"clonus lasted {dur:.2f} s and stopped while the stretch was still held"
            + (f" (hold {held:.1f} s)" if held is not None else ""),
            inputs,
        )
    else:
        out["tardieu_quality"] = _g(
            "tardieu_quality",
            None,
            "not graded (pressure not maintained)",
            f"clonus lasted {dur:.2f} s and was still beating when the stretch was released after "
            f"{'an unknown time' if held is None else f'{held:.1f} s'}; Tardieu needs pressure "
            f"maintained (>= {hold:g} s) to tell fatigable (3) from unfatigable (4)",
            inputs,
        )

    # --- NINDS
    if n_beats >= config.ninds_min_beats:
        out["ninds"] = _g(
            "ninds",
            4,
            "4 = enhanced reflex with clonus",
            f"{n_beats} beats >= {config.ninds_min_beats} (a repeating reflex: clonus)",
            inputs,
        )
    else:
        out["ninds"] = _g(
            "ninds",
            None,
            "not graded (no clonus; grades 0-3 need a tendon tap)",
            f"{n_beats} beats < {config.ninds_min_beats}: no clonus, so grade 4 does not apply",
            inputs,
        )
    return out
