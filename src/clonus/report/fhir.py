"""HL7 FHIR R4 ``Observation`` for an assessment.

One Observation per assessment, with components for the beat count, frequency, clonus duration,
median beat amplitude, sustained, and one per grade. Several assessments are written as a
``Bundle`` of type ``collection``.

Codes
-----
- ``category``: ``exam`` from ``http://terminology.hl7.org/CodeSystem/observation-category``.
- Units: UCUM (``http://unitsofmeasure.org``): ``Hz``, ``s``, ``deg``, ``uV``, ``{beats}``.
- ``interpretation``: ``A`` (abnormal) / ``N`` (normal) from
  ``http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation`` when the detector called
  the result pathological / no clonus.
- No LOINC code for an instrumented clonus beat count, frequency or duration, and no SNOMED CT
  code that we could verify for "ankle clonus" findings, were found, so the Observation code, the
  component codes and the grade codes come from the **local code system** :data:`LOCAL_SYSTEM`
  (listed in ``docs/reports.md``). Map them to LOINC/SNOMED CT in your terminology server if
  codes become available; the local codes are stable within a major version.

Only the pseudonymous ``subject_code`` is written (as ``subject.identifier``) unless the caller
asks for identifiers.

Validation: the output is checked against the R4 Observation structure by
:func:`check_observation_r4` (required elements, value sets of ``status``, one ``value[x]``
per element, obs-6 ``dataAbsentReason`` only without a value) and, in the tests, parsed with the
``fhir.resources`` R4B models (R4B did not change Observation from R4).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from ..model import DISCLAIMER, Assessment
from .tables import _basename

__all__ = [
    "LOCAL_SYSTEM",
    "GRADE_SYSTEM_PREFIX",
    "LOCAL_CODES",
    "to_fhir",
    "to_fhir_bundle",
    "check_observation_r4",
]

#: Local code system for the Observation and component codes.
LOCAL_SYSTEM = "https://github.com/clonus/clonus/fhir/CodeSystem/clonus-observation"
#: Prefix of the per-scale local code systems for grades (``{prefix}{scale_id}``).
GRADE_SYSTEM_PREFIX = "https://github.com/clonus/clonus/fhir/CodeSystem/grade-"
#: Identifier system for the pseudonymous subject code.
SUBJECT_CODE_SYSTEM = "https://github.com/clonus/clonus/fhir/NamingSystem/subject-code"

UCUM = "http://unitsofmeasure.org"
_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
_INTERP = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"

#: Local codes: code -> display.
LOCAL_CODES: dict[str, str] = {
    "clonus-test": "Instrumented clonus test (clonus software)",
    "beat-count": "Clonus beat count",
    "frequency": "Clonus frequency (1 / median inter-beat interval)",
    "duration": "Clonus duration (first to last beat)",
    "amplitude-median": "Median beat amplitude (peak-to-peak)",
    "sustained": "Sustained clonus (continued to the end of a >= 10 s hold)",
    "classification-clonus": "Clonus",
    "classification-no_clonus": "No clonus",
    "classification-rhythmic_not_clonus": "Rhythmic movement, not clonus",
    "classification-indeterminate": "Indeterminate (recording not assessable)",
}

_UCUM_UNITS = {"deg": "deg", "uV": "uV", "Hz": "Hz", "s": "s", "mV": "mV", "V": "V", "rad": "rad"}

#: Allowed Observation.status codes (R4 value set observation-status).
_R4_STATUS = (
    "registered",
    "preliminary",
    "final",
    "amended",
    "corrected",
    "cancelled",
    "entered-in-error",
    "unknown",
)


def _cc(code: str) -> dict[str, Any]:
    return {
        "coding": [{"system": LOCAL_SYSTEM, "code": code, "display": LOCAL_CODES[code]}],
        "text": LOCAL_CODES[code],
    }


def _qty(value: float, unit: str) -> dict[str, Any]:
    q: dict[str, Any] = {"value": round(float(value), 6), "unit": unit}
    if unit in _UCUM_UNITS:
        q["system"] = UCUM
        q["code"] = _UCUM_UNITS[unit]
    return q


def _finite(x: Any) -> bool:
    try:
        return x is not None and math.isfinite(float(x))
    except (TypeError, ValueError):
        return False


def _absent(code: str = "not-applicable") -> dict[str, Any]:
    return {"coding": [{"system": _ABSENT, "code": code}]}


def _grade_component(scale_key: str, g: Any) -> dict[str, Any]:
    comp: dict[str, Any] = {
        "code": {
            "coding": [
                {
                    "system": LOCAL_SYSTEM,
                    "code": f"grade-{scale_key}",
                    "display": f"Grade on scale {scale_key}",
                }
            ],
            "text": f"Grade: {scale_key} (version {g.version})",
        }
    }
    if g.value is None:
        comp["dataAbsentReason"] = _absent("unknown")
    else:
        comp["valueCodeableConcept"] = {
            "coding": [
                {
                    "system": GRADE_SYSTEM_PREFIX + scale_key,
                    "version": str(g.version),
                    "code": str(g.value),
                    "display": g.label or str(g.value),
                }
            ],
            "text": f"{g.label} ({g.rule})" if g.rule else g.label,
        }
    return comp


def to_fhir(
    assessment: Assessment,
    *,
    context: Any = None,
    interpretation: Any = None,
    include_identifiers: bool = False,
    observation_id: str | None = None,
    issued: _dt.datetime | None = None,
    effective: _dt.datetime | None = None,
) -> dict[str, Any]:
    """A FHIR R4 ``Observation`` (as a JSON-ready dict) for one assessment.

    Parameters
    ----------
    assessment : Assessment
    context : ClinicalContext, optional
        Provides the pseudonymous ``subject_code`` (``subject.identifier``).
    interpretation : Interpretation, optional
        Its statements are added as ``note`` entries (with the disclaimer).
    include_identifiers : bool
        Add the person's name from ``context.identifiers`` as ``subject.display``. Off by default.
    observation_id : str, optional
        ``Observation.id`` (FHIR id: letters, digits, ``-`` and ``.``, up to 64 characters).
    issued : datetime, optional
        When the result was made available (default: now, UTC).
    effective : datetime, optional
        When the test was done (``effectiveDateTime``), e.g. the recording start time.

    Returns
    -------
    dict
        Passes :func:`check_observation_r4`.
    """
    a = assessment
    issued = issued or _dt.datetime.now(_dt.UTC)
    if issued.tzinfo is None:
        issued = issued.replace(tzinfo=_dt.UTC)
    obs: dict[str, Any] = {"resourceType": "Observation"}
    if observation_id:
        obs["id"] = observation_id
    obs["status"] = "final"
    obs["category"] = [{"coding": [{"system": _CATEGORY, "code": "exam", "display": "Exam"}]}]
    obs["code"] = _cc("clonus-test")
    if context is not None and getattr(context, "subject_code", ""):
        subj: dict[str, Any] = {
            "identifier": {"system": SUBJECT_CODE_SYSTEM, "value": context.subject_code}
        }
        if include_identifiers and context.identifiers.get("name"):
            subj["display"] = context.identifiers["name"]
        obs["subject"] = subj
    if effective is not None:
        obs["effectiveDateTime"] = effective.isoformat()
    obs["issued"] = issued.isoformat(timespec="seconds")
    obs["valueCodeableConcept"] = _cc(f"classification-{a.classification}")
    if a.classification != "indeterminate":
        code, disp = (
            ("A", "Abnormal")
            if a.pathological
            else (("N", "Normal") if a.classification == "no_clonus" else (None, None))
        )
        if code:
            obs["interpretation"] = [
                {"coding": [{"system": _INTERP, "code": code, "display": disp}]}
            ]
    notes = [{"text": "Not a diagnosis. " + DISCLAIMER}]
    if a.reason:
        notes.append({"text": f"Classification reason: {a.reason}"})
    if interpretation is not None:
        for s in interpretation.statements:
            if s.id != "note.disclaimer":
                notes.append({"text": f"[{s.level}] {s.text} (rule {s.id} v{s.rule_version})"})
    obs["note"] = notes
    src = _basename(a.source)
    obs["method"] = {
        "text": f"{a.signal_kind} recording{(' ' + src) if src else ''}, channel "
        f"{a.channel or 'unknown'}, "
        + (f"{a.fs_hz:g} Hz" if _finite(a.fs_hz) else "sampling rate unknown")
    }
    obs["device"] = {"display": f"clonus software {a.software_version or 'unknown version'}"}
    ok = a.classification != "indeterminate"
    comps: list[dict[str, Any]] = []
    c: dict[str, Any] = {"code": _cc("beat-count")}
    if ok:
        c["valueQuantity"] = {
            "value": int(a.n_beats),
            "unit": "beats",
            "system": UCUM,
            "code": "{beats}",
        }
    else:
        c["dataAbsentReason"] = _absent("error")
    comps.append(c)
    c = {"code": _cc("frequency")}
    if ok and _finite(a.frequency_hz) and a.frequency_hz > 0:
        c["valueQuantity"] = _qty(a.frequency_hz, "Hz")
    else:
        c["dataAbsentReason"] = _absent("not-applicable" if ok else "error")
    comps.append(c)
    c = {"code": _cc("duration")}
    if ok and _finite(a.clonus_duration_s):
        c["valueQuantity"] = _qty(a.clonus_duration_s, "s")
    else:
        c["dataAbsentReason"] = _absent("error")
    comps.append(c)
    amps = sorted(b.amplitude for b in a.beats if _finite(b.amplitude))
    c = {"code": _cc("amplitude-median")}
    if ok and amps:
        c["valueQuantity"] = _qty(amps[len(amps) // 2], a.amplitude_unit)
    else:
        c["dataAbsentReason"] = _absent("not-applicable" if ok else "error")
    comps.append(c)
    c = {"code": _cc("sustained")}
    if ok:
        c["valueBoolean"] = bool(a.sustained)
    else:
        c["dataAbsentReason"] = _absent("error")
    comps.append(c)
    for key, g in a.grades.items():
        comps.append(_grade_component(key, g))
    obs["component"] = comps
    return obs


def to_fhir_bundle(
    assessments: Sequence[Assessment],
    *,
    interpretations: Sequence[Any] | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """A ``Bundle`` (type ``collection``) with one Observation per assessment.

    Parameters
    ----------
    assessments : sequence of Assessment
    interpretations : sequence of Interpretation, optional
        One per assessment (added as notes).
    **kwargs
        Passed to :func:`to_fhir` (``context``, ``include_identifiers``, ``issued``...).
    """
    import uuid

    entries = []
    for i, a in enumerate(assessments):
        interp = interpretations[i] if interpretations is not None else None
        obs = to_fhir(a, observation_id=f"clonus-{i + 1}", interpretation=interp, **kwargs)
        entries.append({"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": obs})
    ts = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    return {"resourceType": "Bundle", "type": "collection", "timestamp": ts, "entry": entries}


def _value_keys(d: Mapping[str, Any]) -> list[str]:
    return [k for k in d if k.startswith("value") and k[5:6].isupper()]


_R4_VALUE_TYPES = (
    "Quantity",
    "CodeableConcept",
    "String",
    "Boolean",
    "Integer",
    "Range",
    "Ratio",
    "SampledData",
    "Time",
    "DateTime",
    "Period",
)


def check_observation_r4(obs: Mapping[str, Any]) -> list[str]:
    """Check a dict against the FHIR R4 Observation structure; return the problems (empty = valid).

    Checks ``resourceType``, required ``status`` (R4 value set) and ``code`` (a CodeableConcept
    with coding or text), at most one ``value[x]`` of an R4-allowed type, obs-6
    (``dataAbsentReason`` only when there is no value), every component's required ``code`` and
    ``value[x]``/``dataAbsentReason``, Quantity values being numbers, and JSON serialisability.
    """
    errs: list[str] = []
    if obs.get("resourceType") != "Observation":
        errs.append(f"resourceType must be 'Observation', got {obs.get('resourceType')!r}")
    if obs.get("status") not in _R4_STATUS:
        errs.append(f"status {obs.get('status')!r} not in the R4 observation-status value set")

    def check_cc(cc: Any, where: str) -> None:
        if not isinstance(cc, Mapping) or not (cc.get("coding") or cc.get("text")):
            errs.append(f"{where} must be a CodeableConcept with coding or text")
            return
        for j, cd in enumerate(cc.get("coding", [])):
            if not isinstance(cd, Mapping) or not cd.get("code") or not cd.get("system"):
                errs.append(f"{where}.coding[{j}] needs system and code")

    def check_values(d: Mapping[str, Any], where: str, need_one: bool) -> None:
        vk = _value_keys(d)
        if len(vk) > 1:
            errs.append(f"{where} has several value[x]: {vk}")
        for k in vk:
            if k[5:] not in _R4_VALUE_TYPES:
                errs.append(f"{where}.{k} is not an R4 value[x] type")
            if k == "valueQuantity":
                q = d[k]
                if not isinstance(q.get("value"), (int, float)) or isinstance(q.get("value"), bool):
                    errs.append(f"{where}.valueQuantity.value must be a number")
            if k == "valueCodeableConcept":
                check_cc(d[k], f"{where}.valueCodeableConcept")
        if vk and "dataAbsentReason" in d:
            errs.append(f"{where}: dataAbsentReason only allowed without a value (obs-6)")
        if need_one and not vk and "dataAbsentReason" not in d:
            errs.append(f"{where}: needs value[x] or dataAbsentReason")

    check_cc(obs.get("code"), "code")
    check_values(obs, "Observation", need_one=False)
    for i, cat in enumerate(obs.get("category", [])):
        check_cc(cat, f"category[{i}]")
    for i, comp in enumerate(obs.get("component", [])):
        check_cc(comp.get("code"), f"component[{i}].code")
        check_values(comp, f"component[{i}]", need_one=True)
    try:
        json.dumps(obs)
    except (TypeError, ValueError) as exc:
        errs.append(f"not JSON-serialisable: {exc}")
    return errs
