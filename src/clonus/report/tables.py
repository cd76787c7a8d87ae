"""Tables shared by every report format: tidy beats CSV, measures, grades, settings."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from ..model import Assessment

__all__ = [
    "BEAT_COLUMNS",
    "beats_csv",
    "beats_csv_many",
    "beat_rows",
    "measure_rows",
    "grade_rows",
    "settings_rows",
    "assessment_label",
]

#: Columns of the tidy beats CSV (one row per beat), with units in the names.
BEAT_COLUMNS = (
    "assessment",
    "beat",
    "time_s",
    "period_s",
    "instantaneous_frequency_hz",
    "amplitude",
    "amplitude_unit",
    "end_s",
    "channel",
    "signal_kind",
    "source",
)


def _basename(path: str | None) -> str:
    """File name only: directories can carry identifying details, so reports never show them."""
    return (path or "").replace("\\", "/").rsplit("/", 1)[-1]


def assessment_label(assessment: Assessment, index: int) -> str:
    """Short label: the source file name if known, else ``"assessment N"`` (1-based)."""
    return _basename(assessment.source) or f"assessment {index + 1}"


def _num(x: Any) -> str:
    if x is None:
        return ""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if v != v:  # NaN
        return ""
    return f"{v:.6g}"


def beat_rows(assessment: Assessment, *, label: str = "") -> list[dict[str, str]]:
    """One dict per beat with the :data:`BEAT_COLUMNS` (strings, empty = not available)."""
    rows = []
    for i, b in enumerate(assessment.beats, start=1):
        inst = 1.0 / b.period_s if b.period_s else None
        rows.append(
            {
                "assessment": label,
                "beat": str(i),
                "time_s": _num(b.time_s),
                "period_s": _num(b.period_s),
                "instantaneous_frequency_hz": _num(inst),
                "amplitude": _num(b.amplitude),
                "amplitude_unit": assessment.amplitude_unit,
                "end_s": _num(b.end_s),
                "channel": assessment.channel,
                "signal_kind": assessment.signal_kind,
                "source": _basename(assessment.source),
            }
        )
    return rows


def beats_csv(assessment: Assessment, *, label: str | None = None) -> str:
    """Tidy CSV of the beats of one assessment (one row per beat, header always present).

    Parameters
    ----------
    assessment : Assessment
    label : str, optional
        Value of the ``assessment`` column (default: the source file name).

    Returns
    -------
    str
        CSV text with the columns :data:`BEAT_COLUMNS`: ``time_s`` beat time (s from the start
        of the recording), ``period_s`` time since the previous beat (s),
        ``instantaneous_frequency_hz`` = 1 / ``period_s`` (Hz), ``amplitude`` in
        ``amplitude_unit`` (deg for motion, uV for EMG), ``end_s`` EMG burst offset (s).
    """
    return beats_csv_many([assessment], labels=None if label is None else [label])


def beats_csv_many(
    assessments: Sequence[Assessment], *, labels: Sequence[str] | None = None
) -> str:
    """Tidy CSV of the beats of several assessments, told apart by the ``assessment`` column."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=BEAT_COLUMNS, lineterminator="\n")
    w.writeheader()
    for i, a in enumerate(assessments):
        lab = labels[i] if labels is not None else assessment_label(a, i)
        w.writerows(beat_rows(a, label=lab))
    return buf.getvalue()


def _fmt(x: Any, unit: str = "", digits: int = 2) -> str:
    if x is None:
        return "not available"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        if x != x or x in (float("inf"), float("-inf")):
            return "not available"
        return f"{x:.{digits}f}{(' ' + unit) if unit else ''}"
    return f"{x}{(' ' + unit) if unit else ''}"


def measure_rows(a: Assessment) -> list[tuple[str, str, str]]:
    """(measure, value, how it is defined) rows for the measures table."""
    m: Mapping[str, Any] = a.metrics or {}
    amps = [b.amplitude for b in a.beats if b.amplitude is not None]
    rows = [
        ("Classification", a.classification.replace("_", " "), a.reason or ""),
        (
            "Beat count",
            str(a.n_beats),
            "dorsiflexion peaks after the stretch peak, prominence and spacing "
            "as configured (reflex-model.md §8)",
        ),
        ("Frequency", _fmt(a.frequency_hz, "Hz"), "1 / median inter-beat interval (>= 3 beats)"),
    ]
    if a.frequency_hz is None and m.get("rhythm_frequency_hz") is not None:
        rows.append(("Rhythm frequency (not clonus)", _fmt(m["rhythm_frequency_hz"], "Hz"),
                     "frequency of the rhythm the classification reason is about"))
    rows += [
        ("Clonus duration", _fmt(a.clonus_duration_s, "s"), "first to last beat"),
        (
            "Sustained",
            _fmt(bool(a.sustained)),
            "peak-to-peak > 1 deg in the last second of a hold >= 10 s (Tardieu 10 s)",
        ),
        ("Stretch onset", _fmt(a.stretch_onset_s, "s"), "time of the imposed stretch"),
        (
            "Median beat amplitude",
            _fmt(sorted(amps)[len(amps) // 2] if amps else None, a.amplitude_unit),
            "peak-to-peak per cycle",
        ),
        (
            "Pathological (detector rule)",
            _fmt(bool(a.pathological)),
            "see the grades and rule below",
        ),
        (
            "Runs",
            str(len(a.runs)),
            "; ".join(f"{r.start_s:.2f}–{r.end_s:.2f} s, {r.n_beats} beats" for r in a.runs),
        ),
    ]
    tests = m.get("tests")
    if tests:
        rows.append((
            "Tests in the recording",
            f"{len(tests)} (reported: test {m.get('test_number')})",
            "; ".join(
                f"test {t['number']}"
                + (f" at {t['stretch_onset_s']:.2f} s" if t.get("stretch_onset_s") is not None
                   else "")
                + f": {str(t['classification']).replace('_', ' ')}, {t['n_beats']} beats"
                for t in tests
            ),
        ))
    part = m.get("part_s")
    if part:
        rows.append((
            "Part analysed",
            f"{part[0]:.1f}–{part[1]:.1f} s",
            f"left out: {m.get('left_out_reason', '')}",
        ))
    for k, v in m.items():
        if isinstance(v, (int, float, str, bool)) or v is None:
            rows.append((f"metric: {k}", _fmt(v, digits=3), ""))
    return rows


def grade_rows(a: Assessment) -> list[dict[str, str]]:
    """One dict per grade: scale, version, value, label, rule, citation."""
    return [
        {
            "scale": g.scale or k,
            "version": g.version,
            "value": _fmt(g.value),
            "label": g.label,
            "rule": g.rule,
            "citation": g.citation,
        }
        for k, g in a.grades.items()
    ]


def settings_rows(a: Assessment) -> list[tuple[str, str]]:
    """(setting, value) rows: software version, schema, channel, fs and the detection config."""
    rows = [
        ("software version", a.software_version or "unknown"),
        ("channel", a.channel or "unknown"),
        ("signal kind", a.signal_kind),
        ("sampling rate", _fmt(a.fs_hz, "Hz", 1)),
        ("source file", _basename(a.source) or "not recorded"),
    ]
    for k, v in sorted((a.config or {}).items()):
        rows.append((f"config: {k}", str(v)))
    for w in a.warnings:
        rows.append(("warning", w))
    return rows
