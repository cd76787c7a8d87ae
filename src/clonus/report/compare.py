"""Compare two or more assessments of the same person (e.g. before and after treatment).

Each later assessment is compared with the first (the baseline). For every measure the report
gives the change and whether it exceeds *measurement noise*, defined per measure as a minimal
detectable change (MDC) at 95 % confidence. No published MDC exists for instrumented clonus beat
count, duration or frequency (clinical-reference.md §8: sensitivity to change was assessed in only
3 of 124 technology-assisted spasticity studies), so the noise model is stated here as an
**assumption**, derived from the recordings themselves where possible:

- **Frequency** — from the per-beat variability. The frequency is ``1 / median(IBI)``; the standard
  error of a median of ``n`` roughly normal intervals is ``sqrt(pi/2) * SD(IBI) / sqrt(n)``, and
  the delta method for ``f = 1/T`` gives ``SE_f = f^2 * sqrt(pi/2) * SD(IBI) / sqrt(n_IBI)``;
  ``MDC = z * sqrt(SE_a^2 + SE_b^2)``. Needs >= 3 inter-beat intervals in both. (Checked in the
  tests: about 5 % of pairs of same-rhythm recordings exceed it.)
- **Median beat amplitude** — ``SE = SD(amplitude) / sqrt(n)`` per assessment, combined as above
  (same amplitude unit required).
- **Beat count** — ``count_mdc_beats`` (default 2): the first and last beat of a run sit at the
  detection threshold and can each be gained or lost (assumption).
- **Duration** — one median inter-beat period per assessment (the same boundary beats), summed.
- **Grades** are ordinal; the change is reported, the noise is not modelled.

A change "exceeds noise" when ``|change| > MDC``. Whether it is clinically important is for the
clinician to judge.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validation import check_positive
from ..exceptions import InvalidParameterError
from ..model import Assessment
from .tables import assessment_label

__all__ = ["ComparisonConfig", "ComparisonRow", "Comparison", "compare_assessments"]


@dataclass(frozen=True)
class ComparisonConfig:
    """Noise model of :func:`compare_assessments` (module docstring).

    Parameters
    ----------
    z : float
        Normal quantile for the MDC (1.96 = 95 %).
    count_mdc_beats : float
        MDC of the beat count, in beats (assumption: one boundary beat per assessment).
    """

    z: float = 1.96
    count_mdc_beats: float = 2.0

    def __post_init__(self) -> None:
        check_positive("z", self.z)
        check_positive("count_mdc_beats", self.count_mdc_beats)


@dataclass(frozen=True)
class ComparisonRow:
    """One measure compared between the baseline and a later assessment."""

    measure: str
    unit: str
    baseline: Any
    value: Any
    change: float | None
    noise: float | None
    exceeds_noise: bool | None
    noise_basis: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "unit": self.unit,
            "baseline": self.baseline,
            "value": self.value,
            "change": self.change,
            "noise": self.noise,
            "exceeds_noise": self.exceeds_noise,
            "noise_basis": self.noise_basis,
        }


@dataclass(frozen=True)
class Comparison:
    """Comparisons of each later assessment with the baseline (the first)."""

    labels: tuple[str, ...]
    pairs: tuple[tuple[str, str, tuple[ComparisonRow, ...]], ...]
    config: ComparisonConfig = field(default_factory=ComparisonConfig)
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels": list(self.labels),
            "baseline": self.labels[0],
            "comparisons": [
                {"baseline": a, "compared": b, "rows": [r.to_dict() for r in rows]}
                for a, b, rows in self.pairs
            ],
            "noise_model": {
                "z": self.config.z,
                "count_mdc_beats": self.config.count_mdc_beats,
                "definition": "docs/reports.md#comparison; clonus.report.compare",
            },
            "warnings": list(self.warnings),
        }


def _periods(a: Assessment) -> np.ndarray:
    return np.array(
        [b.period_s for b in a.beats if b.period_s is not None and b.period_s > 0], float
    )


def _freq_se(a: Assessment) -> float | None:
    p = _periods(a)
    if len(p) < 3 or not a.frequency_hz:
        return None
    # sqrt(pi/2): asymptotic efficiency of the median relative to the mean (normal data).
    return float(a.frequency_hz**2 * math.sqrt(math.pi / 2) * np.std(p, ddof=1) / math.sqrt(len(p)))


def _amp(a: Assessment) -> tuple[float | None, float | None]:
    x = np.array([b.amplitude for b in a.beats if b.amplitude is not None], float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return None, None
    se = float(np.std(x, ddof=1) / math.sqrt(len(x))) if len(x) >= 2 else None
    return float(np.median(x)), se


def _row(measure: str, unit: str, b: Any, v: Any, noise: float | None, basis: str) -> ComparisonRow:
    if b is None or v is None:
        return ComparisonRow(measure, unit, b, v, None, noise, None, basis)
    change = float(v) - float(b)
    exceeds = None if noise is None else bool(abs(change) > noise)
    return ComparisonRow(
        measure,
        unit,
        b,
        v,
        round(change, 6),
        None if noise is None else round(noise, 6),
        exceeds,
        basis,
    )


def _grade_value(a: Assessment, scale: str) -> Any:
    g = a.grades.get(scale)
    return None if g is None else g.value


def _pair(a: Assessment, b: Assessment, cfg: ComparisonConfig) -> tuple[ComparisonRow, ...]:
    z = cfg.z
    rows = []
    ok_a, ok_b = a.classification != "indeterminate", b.classification != "indeterminate"
    rows.append(
        _row(
            "beat count",
            "beats",
            a.n_beats if ok_a else None,
            b.n_beats if ok_b else None,
            cfg.count_mdc_beats,
            f"assumed MDC {cfg.count_mdc_beats:g} beats (boundary beats)",
        )
    )
    pa, pb = _periods(a), _periods(b)
    dur_noise = float(np.median(pa) + np.median(pb)) if len(pa) and len(pb) else None
    rows.append(
        _row(
            "clonus duration",
            "s",
            a.clonus_duration_s if ok_a else None,
            b.clonus_duration_s if ok_b else None,
            dur_noise,
            "one median inter-beat period per assessment"
            if dur_noise is not None
            else "not computable (no inter-beat intervals)",
        )
    )
    sa, sb = _freq_se(a), _freq_se(b)
    f_noise = z * math.hypot(sa, sb) if sa is not None and sb is not None else None
    rows.append(
        _row(
            "frequency",
            "Hz",
            a.frequency_hz,
            b.frequency_hz,
            f_noise,
            f"{z:g} x combined SE from inter-beat-interval variability"
            if f_noise is not None
            else "not computable (< 3 inter-beat intervals)",
        )
    )
    if a.amplitude_unit == b.amplitude_unit:
        (ma, sea), (mb, seb) = _amp(a), _amp(b)
        a_noise = z * math.hypot(sea, seb) if sea is not None and seb is not None else None
        rows.append(
            _row(
                "median beat amplitude",
                a.amplitude_unit,
                ma,
                mb,
                a_noise,
                f"{z:g} x combined SE of the per-beat amplitudes"
                if a_noise is not None
                else "not computable (< 2 beats)",
            )
        )
    rows.append(
        ComparisonRow(
            "sustained", "", bool(a.sustained), bool(b.sustained), None, None, None, "yes/no"
        )
    )
    for scale in sorted(set(a.grades) | set(b.grades)):
        ga, gb = _grade_value(a, scale), _grade_value(b, scale)
        numeric = all(isinstance(g, (int, float)) and not isinstance(g, bool) for g in (ga, gb))
        rows.append(
            ComparisonRow(
                f"grade: {scale}",
                "",
                ga,
                gb,
                (float(gb) - float(ga)) if numeric else None,
                None,
                None,
                "ordinal grade; noise not modelled",
            )
        )
    return tuple(rows)


def compare_assessments(
    assessments: Sequence[Assessment],
    *,
    labels: Sequence[str] | None = None,
    config: ComparisonConfig | None = None,
) -> Comparison:
    """Compare each later assessment with the first one.

    Parameters
    ----------
    assessments : sequence of Assessment
        Two or more assessments of the same person, baseline first, in time order.
    labels : sequence of str, optional
        Names for the assessments (default: source file names).
    config : ComparisonConfig, optional
        Noise model (defaults documented in :class:`ComparisonConfig`).

    Returns
    -------
    Comparison
        For each later assessment: per-measure baseline, value, change, noise (MDC) and whether
        the change exceeds it.

    Raises
    ------
    InvalidParameterError
        Fewer than two assessments, or labels of the wrong length.
    """
    cfg = config or ComparisonConfig()
    if len(assessments) < 2:
        raise InvalidParameterError(
            f"A comparison needs at least two assessments, got {len(assessments)}."
        )
    labs = (
        list(labels)
        if labels is not None
        else [assessment_label(a, i) for i, a in enumerate(assessments)]
    )
    if len(labs) != len(assessments):
        raise InvalidParameterError(f"Got {len(labs)} labels for {len(assessments)} assessments.")
    if len(set(labs)) != len(labs):
        labs = [f"{i + 1}: {lab}" for i, lab in enumerate(labs)]
    warnings = []
    kinds = {a.signal_kind for a in assessments}
    if len(kinds) > 1:
        warnings.append(
            f"Assessments come from different signal kinds ({', '.join(sorted(kinds))}); "
            "amplitudes are not comparable."
        )
    for i, a in enumerate(assessments):
        if a.classification == "indeterminate":
            warnings.append(
                f"{labs[i]} is indeterminate ({a.reason}); its measures are not compared."
            )
    pairs = tuple(
        (labs[0], labs[i], _pair(assessments[0], assessments[i], cfg))
        for i in range(1, len(assessments))
    )
    return Comparison(tuple(labs), pairs, cfg, tuple(warnings))
