"""Reviewer corrections: recompute an assessment from hand-corrected beats.

A reviewer may add, remove or move beats and move the stretch onset. The corrected result is
stored beside the automatic one (never over it). All the numbers that depend on the beats are
recomputed here, in one function, :func:`recompute_assessment`; the grades come from the same
:func:`clonus.grade.grade_all` the automatic analysis uses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..exceptions import InvalidParameterError
from ..model import Assessment

__all__ = ["recompute_assessment"]

#: Two beats closer than this are one beat (s); the beat definition's minimum spacing
#: (reflex-model.md §8: beats >= 80 ms apart).
MIN_BEAT_INTERVAL_S = 0.080
#: A corrected beat within this of an automatic beat keeps the automatic amplitude (s).
_MATCH_S = 0.002
#: Beats that make a clonus once a reviewer has confirmed them: a repeating reflex, >= 2 beats
#: (NINDS grade 4; the motion analysis classifies >= 2 in-range beats as clonus).
CLONUS_MIN_BEATS = 2


def _grading_config(auto: Mapping[str, Any]) -> Any:
    """The grading thresholds the automatic analysis used (its ``config["grading"]``)."""
    from ..grade import GradingConfig

    raw = (auto.get("config") or {}).get("grading")
    if isinstance(raw, Mapping):
        import dataclasses

        names = {f.name for f in dataclasses.fields(GradingConfig)}
        kw = {k: (tuple(v) if isinstance(v, list) else v) for k, v in raw.items() if k in names}
        try:
            return GradingConfig(**kw)
        except (TypeError, ValueError):
            pass
    return GradingConfig()


def _stretch_peak_s(auto: Mapping[str, Any], stretch_onset_s: float | None) -> float | None:
    """The stretch peak of the automatic analysis, moved with the reviewer's onset."""
    st = (auto.get("metrics") or {}).get("stretch")
    peak = st.get("peak_s") if isinstance(st, Mapping) else None
    if peak is None:
        return None
    old_onset = auto.get("stretch_onset_s")
    if stretch_onset_s is not None and old_onset is not None:
        peak = float(peak) + (stretch_onset_s - float(old_onset))
    return float(peak)


def _metric(auto: Mapping[str, Any], key: str) -> Any:
    return (auto.get("metrics") or {}).get(key)


def _hold_duration_s(auto: Mapping[str, Any]) -> float | None:
    metrics = auto.get("metrics") or {}
    for key in ("hold_duration_s", "stretch_hold_s"):
        if metrics.get(key) is not None:
            return float(metrics[key])
    for g in (auto.get("grades") or {}).values():
        v = (g.get("inputs") or {}).get("hold_duration_s")
        if v is not None:
            return float(v)
    return None


def _amplitude(t: float, period_s: float, trace: Mapping[str, Any] | None) -> float | None:
    """Peak-to-peak of the trace over the cycle that ends at ``t`` (trace units)."""
    if not trace or not trace.get("times_s"):
        return None
    ts = np.asarray(trace["times_s"], dtype=float)
    vs = np.asarray(trace["values"], dtype=float)
    sel = (ts >= t - period_s) & (ts <= t + 0.25 * period_s)
    if sel.sum() < 2:
        return None
    seg = vs[sel]
    seg = seg[np.isfinite(seg)]
    return float(seg.max() - seg.min()) if seg.size >= 2 else None


def recompute_assessment(automatic: Mapping[str, Any], *, beat_times_s: Sequence[float],
                         stretch_onset_s: float | None,
                         trace: Mapping[str, Any] | None = None,
                         reviewer: str = "") -> dict[str, Any]:
    """Recompute an assessment from reviewer-corrected beat times and stretch onset.

    Parameters
    ----------
    automatic : mapping
        The automatic assessment, as ``Assessment.to_dict()``.
    beat_times_s : sequence of float
        The corrected beat times, in seconds from the start of the recording, in any order.
        Beats closer than 80 ms to the previous one are merged (beat definition,
        reflex-model.md §8); beats before the stretch onset are dropped (the stretch's own
        peak is not a beat).
    stretch_onset_s : float or None
        The corrected stretch onset, in seconds (None keeps no onset).
    trace : mapping, optional
        The derived signal (``Trace.to_dict()``) used to measure the amplitude of added or
        moved beats.
    reviewer : str
        Who corrected it (stored in ``metrics["review"]``; use an id, not a name).

    Returns
    -------
    dict
        A complete assessment in the JSON contract, with ``metrics["review"]`` saying it was
        corrected by hand and which automatic values it replaced.

    Notes
    -----
    Recomputed from the beats, with the definitions of the motion analysis
    (:mod:`clonus.detect.motion`): ``n_beats``, each beat's ``period_s``, ``frequency_hz``
    (1 / the median inter-beat interval when there are >= 3 beats), ``clonus_duration_s``
    (stretch peak to last beat; the peak moves with a corrected onset; when no peak is known,
    one median period before the first beat to the last beat), one run spanning the beats,
    ``sustained`` (kept from the automatic analysis, which measured it on the signal, unless
    no beat is left), ``classification`` (a reviewer's >= 2 beats are a clonus, fewer are
    not), every grade through :func:`clonus.grade.grade_all` with the automatic analysis's
    grading thresholds, hold duration and whether the clonus continued until release, and
    ``pathological`` from the bedside grade, as in the automatic analysis.
    """
    times = []
    for t in beat_times_s:
        if not isinstance(t, (int, float)) or not math.isfinite(t) or t < 0:
            raise InvalidParameterError(
                f"Beat times must be finite numbers of seconds >= 0, got {t!r}.")
        times.append(float(t))
    if stretch_onset_s is not None and (not math.isfinite(stretch_onset_s)
                                        or stretch_onset_s < 0):
        raise InvalidParameterError(
            f"stretch_onset_s must be a finite number of seconds >= 0, got {stretch_onset_s!r}.")
    warnings = [w for w in automatic.get("warnings", []) if not w.startswith("Reviewer:")]
    times.sort()
    if stretch_onset_s is not None:
        before = [t for t in times if t <= stretch_onset_s]
        if before:
            warnings.append(f"Reviewer: {len(before)} beat(s) at or before the stretch onset "
                            f"({stretch_onset_s:.3f} s) were dropped; beats follow the stretch.")
        times = [t for t in times if t > stretch_onset_s]
    merged: list[float] = []
    for t in times:
        if merged and t - merged[-1] < MIN_BEAT_INTERVAL_S:
            continue
        merged.append(t)
    times = merged

    intervals = np.diff(times) if len(times) >= 2 else np.array([])
    median_ibi = float(np.median(intervals)) if intervals.size else None
    frequency_hz = 1.0 / median_ibi if len(times) >= 3 and median_ibi else None
    peak_s = _stretch_peak_s(automatic, stretch_onset_s)
    if not times:
        duration_s = 0.0
    elif peak_s is not None and times[-1] > peak_s:
        duration_s = times[-1] - peak_s
    else:
        duration_s = (times[-1] - times[0] + median_ibi) if median_ibi else 0.0

    auto_beats = {round(b["time_s"], 6): b for b in automatic.get("beats", [])
                  if b.get("time_s") is not None}
    period_for_amp = median_ibi or 0.2
    beats = []
    for i, t in enumerate(times):
        match = next((b for bt, b in auto_beats.items() if abs(bt - t) <= _MATCH_S), None)
        amp = match.get("amplitude") if match else _amplitude(t, period_for_amp, trace)
        beat = {"time_s": t, "amplitude": amp,
                "period_s": None if i == 0 else times[i] - times[i - 1]}
        if match and match.get("end_s") is not None:
            beat["end_s"] = match["end_s"]
        beats.append(beat)

    n = len(times)
    sustained = bool(automatic.get("sustained")) and n > 0
    continued = _metric(automatic, "continued_until_release") if n > 0 else None
    from ..grade import grade_all

    grades = grade_all(n_beats=n, duration_s=duration_s, sustained=sustained,
                       hold_duration_s=_hold_duration_s(automatic),
                       continued_until_release=continued,
                       config=_grading_config(automatic))
    if n >= CLONUS_MIN_BEATS:
        classification = "clonus"
        at_f = f" at {frequency_hz:.2f} Hz" if frequency_hz is not None else ""
        reason = f"Reviewer-corrected: {n} beats{at_f}, lasting {duration_s:.2f} s."
    else:
        classification = "no_clonus"
        reason = f"Reviewer-corrected: {n} beat(s) after the stretch: no clonus."
    bedside = grades.get("bedside")
    pathological = bool(classification == "clonus" and bedside is not None
                        and bedside.value == 1)
    changed = {
        "n_beats": [automatic.get("n_beats"), n],
        "frequency_hz": [automatic.get("frequency_hz"), frequency_hz],
        "clonus_duration_s": [automatic.get("clonus_duration_s"), duration_s],
        "stretch_onset_s": [automatic.get("stretch_onset_s"), stretch_onset_s],
    }
    metrics = dict(automatic.get("metrics") or {})
    metrics["review"] = {"corrected": True, "reviewer": reviewer, "automatic": changed}
    runs = ([{"start_s": times[0] - (median_ibi or 0.0), "end_s": times[-1], "n_beats": n,
              "frequency_hz": frequency_hz}] if n >= 2 else [])
    result = dict(automatic)
    result.update({
        "n_beats": n, "beats": beats, "frequency_hz": frequency_hz,
        "clonus_duration_s": float(duration_s), "sustained": sustained,
        "stretch_onset_s": stretch_onset_s, "classification": classification,
        "reason": reason, "pathological": bool(pathological), "runs": runs,
        "grades": {k: g.to_dict() for k, g in grades.items()}, "metrics": metrics,
        "warnings": warnings,
    })
    # Round trip through the model: validates the result and normalises it to the contract.
    return Assessment.from_dict(result).to_dict()
