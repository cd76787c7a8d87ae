"""The structured clinical context a user may add to an assessment.

Everything here is optional. A value of ``None`` means "not assessed / not known", which is
different from ``False`` ("looked for and absent"): the decision rules use three-valued logic and
report which unknown inputs could change a conclusion (see :mod:`clonus.clinical.rules`).

The JSON form (``clonus context --template`` writes an explained example) groups the fields::

    {
      "subject_code": "P-017",
      "age_years": 54,
      "onset": "new",
      "medications": ["sertraline 100 mg", "tramadol"],
      "medication_changes": [{"name": "tramadol", "change": "started", "days_ago": 2}],
      "signs": {"agitation": true, "diaphoresis": null, "temperature_c": 37.2, ...},
      "symptoms": {"headache": false, "weakness": true, ...},
      "interferes_with": {"walking": true, "sleep": null},
      "history": {"conditions": ["multiple_sclerosis"], "family_history": "", "notes": ""}
    }

Keys starting with ``_`` (explanations in the template) are ignored. Any other unknown key is an
error that names the key, so a typo never silently drops a clinical finding.

Identifying details (``identifiers``: name, date of birth, record number) may be stored but are
only shown in a report when the user explicitly asks for them; by default only the pseudonymous
``subject_code`` appears. They are never logged.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ..exceptions import ClonusError, FileFormatError, InvalidParameterError

__all__ = [
    "ONSETS",
    "SEVERITIES",
    "MEDICATION_CHANGES",
    "HISTORY_CONDITIONS",
    "Signs",
    "Symptoms",
    "MedicationChange",
    "ClinicalContext",
    "load_context",
    "context_template",
]

#: Allowed values of ``onset``: ``"new"`` (first noticed recently / not known before) or
#: ``"known"`` (long-standing, already evaluated).
ONSETS = ("new", "known")
#: Allowed values of ``severity`` (as judged by the clinician or reported by the person).
SEVERITIES = ("mild", "moderate", "severe")
#: Allowed values of ``MedicationChange.change``.
MEDICATION_CHANGES = ("started", "increased", "decreased", "stopped")
#: Known conditions that can be ticked in ``history.conditions`` (the conditions the source
#: documents name as causes of clonus, plus ``"other"``).
HISTORY_CONDITIONS = (
    "multiple_sclerosis",
    "stroke",
    "spinal_cord_injury",
    "cerebral_palsy",
    "brain_or_spinal_tumour",
    "head_trauma",
    "liver_failure",
    "alzheimers_disease",
    "poisoning",
    "serotonin_syndrome",
    "other",
)

_IDENTIFIER_KEYS = ("name", "birth_date", "record_number")


def _err(field_name: str, msg: str) -> InvalidParameterError:
    return InvalidParameterError(f"Clinical context field '{field_name}': {msg}")


def _tristate(field_name: str, value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise _err(field_name, f"must be true, false or null (unknown), got {value!r}.")


def _opt_number(field_name: str, value: Any, lo: float, hi: float, unit: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise _err(field_name, f"must be a number in {unit} or null, got {value!r}.")
    v = float(value)
    if not lo <= v <= hi:
        raise _err(
            field_name, f"must be between {lo:g} and {hi:g} {unit}, got {v:g}. Check the unit."
        )
    return v


def _opt_text(field_name: str, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _err(field_name, f"must be text, got {type(value).__name__} {value!r}.")
    return value


def _check_keys(group: str, d: Any, allowed: tuple[str, ...]) -> Mapping[str, Any]:
    if d is None:
        return {}
    if not isinstance(d, Mapping):
        raise _err(
            group, f"must be an object with keys {', '.join(allowed)}, got {type(d).__name__}."
        )
    unknown = [k for k in d if not str(k).startswith("_") and k not in allowed]
    if unknown:
        prefix = f"{group}." if group else ""
        raise _err(
            f"{prefix}{unknown[0]}",
            f"unknown field. Allowed fields{' in ' + group if group else ''}"
            f": {', '.join(allowed)}.",
        )
    return {k: v for k, v in d.items() if not str(k).startswith("_")}


@dataclass(frozen=True)
class Signs:
    """Examination signs (the Hunter criteria inputs and related signs).

    Each is ``True`` (present), ``False`` (looked for and absent) or ``None`` (not assessed).

    Parameters
    ----------
    agitation, diaphoresis, tremor, hyperreflexia, hypertonia, ocular_clonus : bool or None
        Clinician findings (diaphoresis = sweating).
    spontaneous_clonus : bool or None
        Clonus without a stretch (Dunkley rule 1).
    inducible_clonus : bool or None
        Clonus elicited by the examiner at any joint (combined with the sensor result; see
        :mod:`clonus.clinical.hunter`).
    temperature_c : float or None
        Body temperature, in degrees Celsius.
    """

    agitation: bool | None = None
    diaphoresis: bool | None = None
    tremor: bool | None = None
    hyperreflexia: bool | None = None
    hypertonia: bool | None = None
    ocular_clonus: bool | None = None
    spontaneous_clonus: bool | None = None
    inducible_clonus: bool | None = None
    temperature_c: float | None = None

    @classmethod
    def from_dict(cls, d: Any) -> Signs:
        names = tuple(f.name for f in fields(cls))
        d = dict(_check_keys("signs", d, names + ("sweating",)))
        if "sweating" in d:  # plain-language alias
            if "diaphoresis" in d and d["diaphoresis"] != d["sweating"]:
                raise _err(
                    "signs.sweating", "conflicts with signs.diaphoresis (the same sign); give one."
                )
            d["diaphoresis"] = d.pop("sweating")
        kw: dict[str, Any] = {}
        for n in names:
            if n == "temperature_c":
                kw[n] = _opt_number("signs.temperature_c", d.get(n), 25.0, 45.0, "degrees Celsius")
            else:
                kw[n] = _tristate(f"signs.{n}", d.get(n))
        return cls(**kw)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Symptoms:
    """Accompanying symptoms named by the source documents (seeds 000 and 003).

    Each is ``True``, ``False`` or ``None`` (not asked).
    """

    headache: bool | None = None
    weakness: bool | None = None
    numbness: bool | None = None
    vision_change: bool | None = None
    balance_problems: bool | None = None
    pain: bool | None = None
    atrophy: bool | None = None

    @classmethod
    def from_dict(cls, d: Any) -> Symptoms:
        names = tuple(f.name for f in fields(cls))
        d = _check_keys("symptoms", d, names)
        return cls(**{n: _tristate(f"symptoms.{n}", d.get(n)) for n in names})

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class MedicationChange:
    """A recent change of one medication.

    Parameters
    ----------
    name : str
        Medication (generic or brand name).
    change : {"started", "increased", "decreased", "stopped"}
        ``"stopped"`` includes withdrawal.
    days_ago : float or None
        When, in days before the assessment.
    """

    name: str
    change: str
    days_ago: float | None = None

    @classmethod
    def from_dict(cls, d: Any, *, index: int) -> MedicationChange:
        where = f"medication_changes[{index}]"
        d = _check_keys(where, d, ("name", "change", "days_ago"))
        name = _opt_text(f"{where}.name", d.get("name"))
        if not name.strip():
            raise _err(f"{where}.name", "is required (the medication that changed).")
        change = d.get("change")
        if change not in MEDICATION_CHANGES:
            raise _err(
                f"{where}.change",
                f"must be one of {', '.join(MEDICATION_CHANGES)}, got {change!r}.",
            )
        days = _opt_number(f"{where}.days_ago", d.get("days_ago"), 0.0, 36500.0, "days")
        return cls(name.strip(), change, days)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "change": self.change, "days_ago": self.days_ago}


@dataclass(frozen=True)
class ClinicalContext:
    """Clinical context of one person at the time of an assessment.

    Parameters
    ----------
    subject_code : str
        Pseudonymous code (the only identifier shown by default).
    identifiers : mapping
        Optional identifying details (``name``, ``birth_date``, ``record_number``); shown only
        when the user explicitly asks (``include_identifiers=True``); never logged.
    age_years : float or None
        Age, in years (a child under 1 year points to cerebral palsy among the causes; seed 000).
    onset : {"new", "known"} or None
        Whether the clonus is new.
    persistent : bool or None
        Clonus keeps coming back / lasts (clinician's or person's report).
    severity : {"mild", "moderate", "severe"} or None
        Clinician's or person's judgement of severity.
    interferes_with_walking, interferes_with_sleep : bool or None
        Whether the clonus interferes with walking or sleep (seed 003).
    medications : tuple of str or None
        Current medications; ``None`` = list not provided (then the Hunter precondition is
        unknown), ``()`` = none taken.
    medication_changes : tuple of MedicationChange
        Recent starts, dose changes and withdrawals.
    signs : Signs
    symptoms : Symptoms
    history_conditions : tuple of str
        Known conditions from :data:`HISTORY_CONDITIONS`.
    family_history, history_notes, notes : str
        Free text (shown in the report; never interpreted).
    stretch_applied : bool or None
        Whether the recording was made while an examiner stretched the muscle. ``False`` means
        the sensor recorded clonus without a stretch, which then counts as *spontaneous* clonus
        (Hunter rule 1). ``None`` (default) = a stretch test, as in ``clonus assess``.
    """

    subject_code: str = ""
    identifiers: Mapping[str, str] = field(default_factory=dict)
    age_years: float | None = None
    onset: str | None = None
    persistent: bool | None = None
    severity: str | None = None
    interferes_with_walking: bool | None = None
    interferes_with_sleep: bool | None = None
    medications: tuple[str, ...] | None = None
    medication_changes: tuple[MedicationChange, ...] = ()
    signs: Signs = field(default_factory=Signs)
    symptoms: Symptoms = field(default_factory=Symptoms)
    history_conditions: tuple[str, ...] = ()
    family_history: str = ""
    history_notes: str = ""
    stretch_applied: bool | None = None
    notes: str = ""

    _TOP_KEYS = (
        "subject_code",
        "identifiers",
        "age_years",
        "onset",
        "persistent",
        "severity",
        "interferes_with",
        "medications",
        "medication_changes",
        "signs",
        "symptoms",
        "history",
        "stretch_applied",
        "notes",
    )

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ClinicalContext:
        """Build and validate a context from its JSON form (see the module docstring).

        Raises
        ------
        InvalidParameterError
            Naming the bad field, what was received and what is allowed.
        """
        d = _check_keys("", d, cls._TOP_KEYS)
        ids = _check_keys("identifiers", d.get("identifiers"), _IDENTIFIER_KEYS)
        identifiers = {
            k: _opt_text(f"identifiers.{k}", v) for k, v in ids.items() if v not in (None, "")
        }
        onset = d.get("onset")
        if onset is not None and onset not in ONSETS:
            raise _err("onset", f"must be one of {', '.join(ONSETS)} or null, got {onset!r}.")
        severity = d.get("severity")
        if severity is not None and severity not in SEVERITIES:
            raise _err(
                "severity", f"must be one of {', '.join(SEVERITIES)} or null, got {severity!r}."
            )
        inter = _check_keys("interferes_with", d.get("interferes_with"), ("walking", "sleep"))
        meds_raw = d.get("medications")
        if meds_raw is None:
            meds = None
        elif isinstance(meds_raw, (list, tuple)):
            meds = tuple(_opt_text(f"medications[{i}]", m).strip() for i, m in enumerate(meds_raw))
            meds = tuple(m for m in meds if m)
        else:
            raise _err(
                "medications",
                f"must be a list of medication names (or null if not known), "
                f"got {type(meds_raw).__name__}.",
            )
        changes_raw = d.get("medication_changes") or []
        if not isinstance(changes_raw, (list, tuple)):
            raise _err("medication_changes", "must be a list of {name, change, days_ago} objects.")
        changes = tuple(MedicationChange.from_dict(c, index=i) for i, c in enumerate(changes_raw))
        hist = _check_keys("history", d.get("history"), ("conditions", "family_history", "notes"))
        conds_raw = hist.get("conditions") or []
        if not isinstance(conds_raw, (list, tuple)):
            raise _err(
                "history.conditions", f"must be a list drawn from {', '.join(HISTORY_CONDITIONS)}."
            )
        for i, c in enumerate(conds_raw):
            if c not in HISTORY_CONDITIONS:
                raise _err(
                    f"history.conditions[{i}]",
                    f"unknown condition {c!r}. Allowed: "
                    f"{', '.join(HISTORY_CONDITIONS)} (describe others in history.notes).",
                )
        subject = _opt_text("subject_code", d.get("subject_code")).strip()
        return cls(
            subject_code=subject,
            identifiers=identifiers,
            age_years=_opt_number("age_years", d.get("age_years"), 0.0, 130.0, "years"),
            onset=onset,
            persistent=_tristate("persistent", d.get("persistent")),
            severity=severity,
            interferes_with_walking=_tristate("interferes_with.walking", inter.get("walking")),
            interferes_with_sleep=_tristate("interferes_with.sleep", inter.get("sleep")),
            medications=meds,
            medication_changes=changes,
            signs=Signs.from_dict(d.get("signs")),
            symptoms=Symptoms.from_dict(d.get("symptoms")),
            history_conditions=tuple(dict.fromkeys(conds_raw)),
            family_history=_opt_text("history.family_history", hist.get("family_history")),
            history_notes=_opt_text("history.notes", hist.get("notes")),
            stretch_applied=_tristate("stretch_applied", d.get("stretch_applied")),
            notes=_opt_text("notes", d.get("notes")),
        )

    def to_dict(self, *, include_identifiers: bool = True) -> dict[str, Any]:
        """JSON form; ``from_dict(to_dict())`` round-trips.

        Parameters
        ----------
        include_identifiers : bool
            Include ``identifiers`` (name, birth date, record number) when present.
        """
        out: dict[str, Any] = {
            "subject_code": self.subject_code,
            "age_years": self.age_years,
            "onset": self.onset,
            "persistent": self.persistent,
            "severity": self.severity,
            "interferes_with": {
                "walking": self.interferes_with_walking,
                "sleep": self.interferes_with_sleep,
            },
            "medications": None if self.medications is None else list(self.medications),
            "medication_changes": [c.to_dict() for c in self.medication_changes],
            "signs": self.signs.to_dict(),
            "symptoms": self.symptoms.to_dict(),
            "history": {
                "conditions": list(self.history_conditions),
                "family_history": self.family_history,
                "notes": self.history_notes,
            },
            "stretch_applied": self.stretch_applied,
            "notes": self.notes,
        }
        if include_identifiers and self.identifiers:
            out["identifiers"] = dict(self.identifiers)
        return out


def load_context(path: str | Path) -> ClinicalContext:
    """Read and validate a clinical context JSON file.

    Parameters
    ----------
    path : str or Path
        A JSON file, e.g. written by ``clonus context --template`` and filled in.

    Returns
    -------
    ClinicalContext

    Raises
    ------
    FileFormatError
        The file is missing or not valid JSON (with line and column).
    InvalidParameterError
        A field has a wrong value; the message names the field (e.g. ``signs.temperature_c``).
    """
    p = Path(path)
    if not p.is_file():
        raise FileFormatError(
            f"Clinical context file {str(p)!r} not found. Write a template with "
            "'clonus context --template --out context.json' and fill it in."
        )
    try:
        d = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            f"Clinical context file {str(p)!r} is not valid JSON: {exc.msg} at line "
            f"{exc.lineno}, column {exc.colno}."
        ) from None
    except UnicodeDecodeError:
        raise FileFormatError(f"Clinical context file {str(p)!r} is not UTF-8 text.") from None
    if not isinstance(d, Mapping):
        raise FileFormatError(
            f"Clinical context file {str(p)!r} must contain a JSON object, got {type(d).__name__}."
        )
    try:
        return ClinicalContext.from_dict(d)
    except ClonusError as exc:
        raise type(exc)(f"{p.name}: {exc}") from None


def context_template() -> dict[str, Any]:
    """A context JSON template with every field, set to "unknown", and explanations.

    Keys starting with ``_`` are explanations; :func:`load_context` ignores them.
    """
    return {
        "_about": "Clinical context for clonus decision support. Fill in what is known; "
        "leave null for 'not assessed'. true = present, false = looked for and absent. "
        "Keys starting with '_' are explanations and are ignored. This file may hold health "
        "data: store it securely.",
        "subject_code": "",
        "_subject_code": "Pseudonymous code. This is the only identifier shown in reports "
        "by default.",
        "identifiers": {"name": None, "birth_date": None, "record_number": None},
        "_identifiers": "Optional identifying details. Shown only if you ask for them "
        "(--include-identifiers); never logged. Prefer leaving them empty.",
        "age_years": None,
        "onset": None,
        "_onset": "'new' (recently noticed, not evaluated before) or 'known' (long-standing).",
        "persistent": None,
        "severity": None,
        "_severity": "'mild', 'moderate' or 'severe' (clinician's or person's judgement).",
        "interferes_with": {"walking": None, "sleep": None},
        "medications": None,
        "_medications": 'List of current medications, e.g. ["sertraline 100 mg", "tramadol"]; '
        "include over-the-counter, supplements and recreational drugs. [] = none; null = not "
        "known.",
        "medication_changes": [],
        "_medication_changes": 'Recent changes, e.g. [{"name": "tramadol", "change": "started", '
        '"days_ago": 2}]. change: started, increased, decreased, stopped (withdrawal).',
        "signs": {
            "agitation": None,
            "diaphoresis": None,
            "temperature_c": None,
            "tremor": None,
            "hyperreflexia": None,
            "hypertonia": None,
            "ocular_clonus": None,
            "spontaneous_clonus": None,
            "inducible_clonus": None,
        },
        "_signs": "Examination signs (Hunter criteria inputs). diaphoresis = sweating; "
        "temperature in degrees Celsius; inducible_clonus = clonus elicited at any joint by "
        "the examiner.",
        "symptoms": {
            "headache": None,
            "weakness": None,
            "numbness": None,
            "vision_change": None,
            "balance_problems": None,
            "pain": None,
            "atrophy": None,
        },
        "history": {"conditions": [], "family_history": "", "notes": ""},
        "_history": "conditions: any of " + ", ".join(HISTORY_CONDITIONS) + ".",
        "stretch_applied": None,
        "_stretch_applied": "false if the recording was made WITHOUT the examiner stretching "
        "the muscle (then sensor-detected clonus counts as spontaneous clonus).",
        "notes": "",
    }
