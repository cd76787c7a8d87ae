"""Frozen result objects of an assessment, and the stable JSON contract.

The JSON produced by :meth:`Assessment.to_dict` is the public contract shared by
``clonus assess --json``, :func:`clonus.assess`, the web API and the database. Its version is
:data:`SCHEMA_VERSION`; keys are only ever added within a major version. See
``docs/json-contract.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validation import check_option
from .recording import _jsonable

__all__ = [
    "SCHEMA_VERSION",
    "CLASSIFICATIONS",
    "Beat",
    "Grade",
    "Run",
    "Trace",
    "Assessment",
]

#: Version of the assessment JSON contract (semantic versioning).
SCHEMA_VERSION = "1.1"

#: Allowed values of :attr:`Assessment.classification`.
CLASSIFICATIONS = ("clonus", "no_clonus", "rhythmic_not_clonus", "indeterminate")


def _basename(source: str) -> str:
    """The last path component of a source (a file name, never the folders above it)."""
    return source.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] if source else ""


def _f(x: Any) -> float | None:
    """Float or None for non-finite values (JSON has no NaN)."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


@dataclass(frozen=True)
class Beat:
    """One beat: an involuntary plantarflexor contraction (motion) or EMG burst.

    Parameters
    ----------
    time_s : float
        Time of the beat from the start of the recording, in seconds (motion: the
        dorsiflexion peak that ends the cycle; EMG: burst onset).
    amplitude : float
        Peak-to-peak amplitude of the cycle in ``Assessment.amplitude_unit``
        (``deg`` for motion, ``uV`` RMS for EMG).
    period_s : float or None
        Time since the previous beat, in seconds (None for the first beat).
    end_s : float or None
        EMG bursts: offset time, in seconds.
    """

    time_s: float
    amplitude: float
    period_s: float | None = None
    end_s: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {
            "time_s": _f(self.time_s),
            "amplitude": _f(self.amplitude),
            "period_s": _f(self.period_s),
        }
        if self.end_s is not None:
            d["end_s"] = _f(self.end_s)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Beat:
        return cls(d["time_s"], d["amplitude"], d.get("period_s"), d.get("end_s"))


@dataclass(frozen=True)
class Grade:
    """A grade on one clinical scale, with the rule that fired and the numbers it used.

    Parameters
    ----------
    scale : str
        Scale identifier, e.g. ``"scats_clonus"``.
    version : str
        Version of the scale definition applied (see :mod:`clonus.grade.scales`).
    value : int, float, str or None
        The grade (None when it cannot be determined).
    label : str
        Human-readable grade, e.g. ``"2 = moderate: clonus lasting 3-10 s"``.
    rule : str
        The rule that fired, in words with the numbers, e.g. ``"duration 6.2 s in [3, 10] s"``.
    inputs : mapping
        The measured numbers the rule used.
    citation : str
        Source of the scale.
    """

    scale: str
    version: str
    value: Any
    label: str
    rule: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    citation: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "version": self.version,
            "value": _jsonable(self.value),
            "label": self.label,
            "rule": self.rule,
            "inputs": _jsonable(dict(self.inputs)),
            "citation": self.citation,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Grade:
        return cls(
            d["scale"],
            d["version"],
            d["value"],
            d["label"],
            d["rule"],
            d.get("inputs", {}),
            d.get("citation", ""),
        )


@dataclass(frozen=True)
class Run:
    """One clonus run (episode): consecutive beats at a steady rhythm."""

    start_s: float
    end_s: float
    n_beats: int
    frequency_hz: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "start_s": _f(self.start_s),
            "end_s": _f(self.end_s),
            "n_beats": int(self.n_beats),
            "frequency_hz": _f(self.frequency_hz),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Run:
        return cls(d["start_s"], d["end_s"], d["n_beats"], d.get("frequency_hz"))


@dataclass(frozen=True, eq=False)
class Trace:
    """The derived signal the detector worked on, for plots (not part of the JSON contract).

    Parameters
    ----------
    times_s : ndarray
        Sample times, in seconds.
    values : ndarray
        Values in ``unit`` (``deg`` for a motion angle, ``uV`` for an EMG envelope).
    unit : str
        Display unit.
    label : str
        What the trace is, e.g. ``"plantar/dorsiflexion angle"``.
    """

    times_s: np.ndarray
    values: np.ndarray
    unit: str
    label: str

    def to_dict(self, *, max_points: int = 5000) -> dict[str, Any]:
        step = max(1, int(math.ceil(len(self.times_s) / max_points)))
        return {
            "times_s": np.round(self.times_s[::step], 5).tolist(),
            "values": np.round(self.values[::step], 5).tolist(),
            "unit": self.unit,
            "label": self.label,
        }


@dataclass(frozen=True, eq=False)
class Assessment:
    """The result of assessing one clonus test (or one EMG recording of it).

    The fields listed in ``docs/json-contract.md`` are the stable contract. ``trace`` and
    ``spectrum`` are for plots and are only serialised on request.
    """

    n_beats: int
    beats: tuple[Beat, ...]
    amplitude_unit: str
    frequency_hz: float | None
    clonus_duration_s: float
    sustained: bool
    stretch_onset_s: float | None
    classification: str
    reason: str
    grades: Mapping[str, Grade]
    pathological: bool
    channel: str
    fs_hz: float
    software_version: str
    signal_kind: str = "motion"
    runs: tuple[Run, ...] = ()
    metrics: Mapping[str, Any] = field(default_factory=dict)
    config: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    source: str = ""
    trace: Trace | None = None
    spectrum: Trace | None = None

    def __post_init__(self) -> None:
        check_option("classification", self.classification, CLASSIFICATIONS)
        if self.n_beats != len(self.beats):
            raise ValueError(f"n_beats={self.n_beats} but {len(self.beats)} beats given")

    def to_dict(self, *, include_trace: bool = False) -> dict[str, Any]:
        """The JSON contract (``schema_version`` :data:`SCHEMA_VERSION`)."""
        d: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "software_version": self.software_version,
            # File name only: folder names can carry a person's name (privacy).
            "source": _basename(self.source),
            "channel": self.channel,
            "fs_hz": _f(self.fs_hz),
            "signal_kind": self.signal_kind,
            "classification": self.classification,
            "reason": self.reason,
            "pathological": bool(self.pathological),
            "n_beats": int(self.n_beats),
            "beats": [b.to_dict() for b in self.beats],
            "amplitude_unit": self.amplitude_unit,
            "frequency_hz": _f(self.frequency_hz),
            "clonus_duration_s": float(_f(self.clonus_duration_s) or 0.0),
            "sustained": bool(self.sustained),
            "stretch_onset_s": _f(self.stretch_onset_s),
            "runs": [r.to_dict() for r in self.runs],
            "grades": {k: g.to_dict() for k, g in self.grades.items()},
            "metrics": _jsonable(dict(self.metrics)),
            "config": _jsonable(dict(self.config)),
            "warnings": list(self.warnings),
            "disclaimer": DISCLAIMER,
        }
        if include_trace:
            d["trace"] = None if self.trace is None else self.trace.to_dict()
            d["spectrum"] = None if self.spectrum is None else self.spectrum.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Assessment:
        """Rebuild an assessment from :meth:`to_dict` output (traces are not restored)."""
        return cls(
            n_beats=int(d["n_beats"]),
            beats=tuple(Beat.from_dict(b) for b in d["beats"]),
            amplitude_unit=d["amplitude_unit"],
            frequency_hz=d.get("frequency_hz"),
            clonus_duration_s=float(d.get("clonus_duration_s") or 0.0),
            sustained=bool(d["sustained"]),
            stretch_onset_s=d.get("stretch_onset_s"),
            classification=d["classification"],
            reason=d.get("reason", ""),
            grades={k: Grade.from_dict(g) for k, g in d.get("grades", {}).items()},
            pathological=bool(d["pathological"]),
            channel=d.get("channel", ""),
            fs_hz=float(d["fs_hz"]) if d.get("fs_hz") is not None else float("nan"),
            software_version=d.get("software_version", ""),
            signal_kind=d.get("signal_kind", "motion"),
            runs=tuple(Run.from_dict(r) for r in d.get("runs", [])),
            metrics=d.get("metrics", {}),
            config=d.get("config", {}),
            warnings=tuple(d.get("warnings", [])),
            source=d.get("source", ""),
        )


#: Shown in every output that carries a clinical interpretation.
DISCLAIMER = (
    "clonus is decision-support software. It measures and grades what it is given and does not "
    "make a diagnosis; it supports and does not replace clinical judgement."
)
