"""`interpret`: decision support around one assessment and its clinical context.

The output is a list of statements, each with the rule that produced it, its level, the inputs
(and their values) that triggered it, its citation and rule version, plus the disclaimer. It is
never a diagnosis, and says so.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model import DISCLAIMER, Assessment
from .context import HISTORY_CONDITIONS, ClinicalContext
from .hunter import HUNTER_RULES, HUNTER_VERSION, HunterResult, evaluate_hunter
from .medications import MEDICATION_LIST_VERSION, find_serotonergic
from .rules import (
    CITATIONS,
    CONDITIONS,
    CONSULT_RULES,
    LEVELS,
    NEXT_STEP_RULES,
    NOTE_RULES,
    RULESET_VERSION,
    Rule,
    evaluate,
)

__all__ = ["Statement", "Interpretation", "interpret", "build_facts", "FACT_LABELS"]

logger = logging.getLogger("clonus")

#: Human-readable label of each input ("fact").
FACT_LABELS: dict[str, str] = {
    "classification": "measured classification",
    "clonus_detected": "clonus detected by the sensor",
    "n_beats": "measured beat count",
    "clonus_duration_s": "measured clonus duration (s)",
    "frequency_hz": "measured frequency (Hz)",
    "sustained": "sustained clonus measured (continued for the whole held stretch, >= 10 s)",
    "grade.scats_clonus": "SCATS clonus score (measured)",
    "grade.tardieu_quality": "Tardieu quality of muscle reaction (measured)",
    "grade.csi_clonus": "CSI clonus score (measured)",
    "clonus_reported_or_detected": "clonus detected, observed by the clinician or reported",
    "serotonergic_agent": "serotonergic agent in the medication list",
    "serotonergic_started_or_increased": "serotonergic agent recently started or increased",
    "withdrawal": "medication recently stopped (withdrawal)",
    "inducible_clonus": "inducible clonus (sensor stretch test or clinician)",
    "spontaneous_clonus": "spontaneous clonus",
    "ocular_clonus": "ocular clonus",
    "agitation": "agitation",
    "diaphoresis": "diaphoresis (sweating)",
    "tremor": "tremor",
    "hyperreflexia": "hyperreflexia",
    "hypertonia": "hypertonia",
    "temperature_c": "temperature (°C)",
    "headache": "headache",
    "weakness": "weakness",
    "numbness": "numbness",
    "vision_change": "change in vision",
    "balance_problems": "balance problems",
    "pain": "pain",
    "atrophy": "atrophy or wasting at the ankle",
    "onset": "onset",
    "persistent": "reported persistent",
    "severity": "judged severity",
    "interferes_with_walking": "interferes with walking",
    "interferes_with_sleep": "interferes with sleep",
    "age_years": "age (years)",
}
for _c in HISTORY_CONDITIONS:
    FACT_LABELS[f"history.{_c}"] = f"history: {_c.replace('_', ' ')}"


@dataclass(frozen=True)
class Statement:
    """One decision-support statement.

    Attributes
    ----------
    id : str
        Rule id (e.g. ``"consult.new_onset"``, ``"hunter.met"``).
    text : str
    level : {"urgent", "consult", "info"}
    category : str
    triggered_by : tuple of dict
        ``{"input", "label", "value", "source"}`` for every input that made the rule fire
        (``source`` is ``"measurement"``, ``"context"`` or ``"derived"``).
    citation : str
    rule_version : str
    missing : tuple of str
        Unknown inputs that could change the statement (Hunter).
    """

    id: str
    text: str
    level: str
    category: str
    triggered_by: tuple[Mapping[str, Any], ...]
    citation: str
    rule_version: str
    missing: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "level": self.level,
            "category": self.category,
            "triggered_by": [dict(t) for t in self.triggered_by],
            "citation": self.citation,
            "rule_version": self.rule_version,
            "missing": list(self.missing),
        }


@dataclass(frozen=True)
class Interpretation:
    """Decision support for one assessment (and optional clinical context).

    Attributes
    ----------
    statements : tuple of Statement
        Ordered urgent, consult, info.
    hunter : HunterResult or None
        Hunter criteria outcome (None when no context was given).
    serotonergic : tuple of dict
        Medications recognised as serotonergic.
    facts : mapping
        Every input used, with its value and source.
    disclaimer : str
        :data:`clonus.model.DISCLAIMER` plus "not a diagnosis".
    """

    statements: tuple[Statement, ...]
    hunter: HunterResult | None
    serotonergic: tuple[Mapping[str, Any], ...]
    facts: Mapping[str, Mapping[str, Any]]
    disclaimer: str = DISCLAIMER
    ruleset_version: str = RULESET_VERSION
    context_given: bool = False
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def highest_level(self) -> str | None:
        """The most pressing level among the statements (None if there are none)."""
        for lvl in LEVELS:
            if any(s.level == lvl for s in self.statements):
                return lvl
        return None

    @property
    def urgent(self) -> bool:
        return self.highest_level == "urgent"

    def by_level(self, level: str) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if s.level == level)

    def to_dict(self) -> dict[str, Any]:
        return {
            "disclaimer": self.disclaimer,
            "not_a_diagnosis": True,
            "ruleset_version": self.ruleset_version,
            "hunter_version": HUNTER_VERSION,
            "medication_list_version": MEDICATION_LIST_VERSION,
            "highest_level": self.highest_level,
            "context_given": self.context_given,
            "statements": [s.to_dict() for s in self.statements],
            "hunter": None if self.hunter is None else self.hunter.to_dict(),
            "serotonergic_agents": [dict(m) for m in self.serotonergic],
            "inputs": {k: dict(v) for k, v in self.facts.items()},
            "warnings": list(self.warnings),
        }


def _or3(*vals: bool | None) -> bool | None:
    if any(v is True for v in vals):
        return True
    if any(v is False for v in vals):
        return False
    return None


def build_facts(
    assessment: Assessment | None, context: ClinicalContext | None
) -> dict[str, dict[str, Any]]:
    """Collect every input of the rules: ``{name: {"value", "source", "label"}}``.

    Parameters
    ----------
    assessment : Assessment or None
    context : ClinicalContext or None

    Returns
    -------
    dict
        ``value`` is ``None`` when unknown.
    """
    facts: dict[str, dict[str, Any]] = {}

    def put(name: str, value: Any, source: str) -> None:
        facts[name] = {"value": value, "source": source, "label": FACT_LABELS.get(name, name)}

    ctx = context or ClinicalContext()
    a = assessment
    if a is not None:
        cls = a.classification
        put("classification", cls, "measurement")
        detected = {"clonus": True, "no_clonus": False, "rhythmic_not_clonus": False}.get(cls)
        put("clonus_detected", detected, "measurement")
        ok = cls != "indeterminate"
        put("n_beats", int(a.n_beats) if ok else None, "measurement")
        put("clonus_duration_s", float(a.clonus_duration_s) if ok else None, "measurement")
        put("frequency_hz", a.frequency_hz, "measurement")
        put("sustained", bool(a.sustained) if ok else None, "measurement")
        for scale in ("scats_clonus", "tardieu_quality", "csi_clonus"):
            g = a.grades.get(scale) if ok else None
            put(f"grade.{scale}", None if g is None else g.value, "measurement")
    else:
        detected = None
        for name in (
            "classification",
            "clonus_detected",
            "n_beats",
            "clonus_duration_s",
            "frequency_hz",
            "sustained",
            "grade.scats_clonus",
            "grade.tardieu_quality",
            "grade.csi_clonus",
        ):
            put(name, None, "measurement")

    s = ctx.signs
    # Sensor clonus feeds only the inducible / spontaneous clonus inputs (hunter.py docstring).
    if ctx.stretch_applied is False:
        sensor_inducible, sensor_spont = None, (True if detected else None)
    else:
        sensor_inducible, sensor_spont = detected, None
    inducible = _or3(s.inducible_clonus, sensor_inducible)
    spont = _or3(s.spontaneous_clonus, sensor_spont)
    src_ind = (
        "context+measurement"
        if s.inducible_clonus is not None and sensor_inducible is not None
        else ("context" if s.inducible_clonus is not None else "measurement")
    )
    put("inducible_clonus", inducible, src_ind)
    put("spontaneous_clonus", spont, "measurement" if sensor_spont else "context")
    for name in (
        "ocular_clonus",
        "agitation",
        "diaphoresis",
        "tremor",
        "hyperreflexia",
        "hypertonia",
        "temperature_c",
    ):
        put(name, getattr(s, name), "context")
    for name, val in ctx.symptoms.to_dict().items():
        put(name, val, "context")
    put("onset", ctx.onset, "context")
    put("persistent", ctx.persistent, "context")
    put("severity", ctx.severity, "context")
    put("interferes_with_walking", ctx.interferes_with_walking, "context")
    put("interferes_with_sleep", ctx.interferes_with_sleep, "context")
    put("age_years", ctx.age_years, "context")

    current = find_serotonergic(ctx.medications or ())
    changed_on = find_serotonergic(
        c.name for c in ctx.medication_changes if c.change in ("started", "increased")
    )
    names = sorted({m.agent.generic for m in (*current, *changed_on)})
    if names:
        put("serotonergic_agent", True, "context")
    elif ctx.medications is None:
        # No medication list: unknown (a recent *stop* does not tell what is still taken).
        put("serotonergic_agent", None, "context")
    else:
        put("serotonergic_agent", False, "context")
    facts["serotonergic_agent"]["agents"] = names
    started = [c for c in ctx.medication_changes if c.change in ("started", "increased")]
    stopped = [c for c in ctx.medication_changes if c.change == "stopped"]
    put(
        "serotonergic_started_or_increased",
        bool(find_serotonergic(c.name for c in started)) if ctx.medication_changes else None,
        "context",
    )
    put("withdrawal", bool(stopped) if ctx.medication_changes else None, "context")
    for c in HISTORY_CONDITIONS:
        put(f"history.{c}", True if c in ctx.history_conditions else None, "context")

    reported = ctx.onset is not None or ctx.persistent is True
    put(
        "clonus_reported_or_detected",
        _or3(detected, inducible, spont, True if reported else None),
        "derived",
    )
    return facts


def _values(facts: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {k: v["value"] for k, v in facts.items()}


def _trig(
    names: list[str] | tuple[str, ...], facts: Mapping[str, Mapping[str, Any]]
) -> tuple[dict, ...]:
    out = []
    for n in names:
        f = facts.get(n, {"value": None, "source": "unknown", "label": n})
        out.append({"input": n, "label": f["label"], "value": f["value"], "source": f["source"]})
    return tuple(out)


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fmt(text: str, values: Mapping[str, Any]) -> str:
    shown = {k: ("unknown" if v is None else v) for k, v in values.items()}
    return string.Formatter().vformat(text, (), _SafeDict(shown))


def _apply(
    rule: Rule, facts: Mapping[str, Mapping[str, Any]], values: Mapping[str, Any]
) -> Statement | None:
    value, names = evaluate(rule.when, values)
    if value is not True:
        return None
    return Statement(
        rule.id,
        _fmt(rule.text, values),
        rule.level,
        rule.category,
        _trig(names, facts),
        rule.citation,
        rule.version,
    )


def _hunter_statements(
    h: HunterResult, facts: Mapping[str, Mapping[str, Any]], clonus_any: bool | None
) -> list[Statement]:
    cite = CITATIONS["dunkley"]
    agents = ", ".join(facts["serotonergic_agent"].get("agents", [])) or "none recognised"
    rules = {r.number: r.text for r in HUNTER_RULES}
    held = "; ".join(f"rule {n} ({rules[n]})" for n in h.rules_met)
    if h.status == "met":
        return [
            Statement(
                "hunter.met",
                f"URGENT: the Hunter Serotonin Toxicity Criteria are met — {held} — in a person "
                f"taking a "
                f"serotonergic agent ({agents}). Serotonin toxicity is potentially "
                f"life-threatening: seek "
                "emergency medical assessment now.",
                "urgent",
                "hunter",
                _trig(h.triggered_by, facts),
                cite + " " + CITATIONS["seed003"],
                HUNTER_VERSION,
            )
        ]
    if h.status == "incomplete" and h.serotonergic_agent is None and h.rules_met:
        return [
            Statement(
                "hunter.features_agent_unknown",
                f"Features of the Hunter criteria are present ({held}) but the medication list "
                f"was not "
                "given. Check now whether any serotonergic agent is taken (prescribed, "
                "over-the-counter, "
                "supplements or recreational); if so, the criteria for serotonin toxicity are met.",
                "consult",
                "hunter",
                _trig(h.triggered_by, facts),
                cite,
                HUNTER_VERSION,
                missing=h.missing,
            )
        ]
    if h.status == "not_applicable" and h.rules_met:
        return [
            Statement(
                "hunter.features_no_agent",
                f"Features of the Hunter criteria are present ({held}) but no serotonergic agent "
                f"was "
                "recognised in the medication list. The list of agents is not exhaustive: have a "
                "clinician "
                "or pharmacist review every medication, supplement and recreational drug.",
                "consult",
                "hunter",
                _trig(h.triggered_by, facts),
                cite,
                HUNTER_VERSION,
            )
        ]
    if h.status == "incomplete" and h.serotonergic_agent is True:
        miss = ", ".join(FACT_LABELS.get(m, m) for m in h.missing)
        level = "consult" if clonus_any else "info"
        return [
            Statement(
                "hunter.incomplete",
                f"A serotonergic agent is taken ({agents}) and the Hunter criteria cannot be "
                f"excluded with "
                f"the inputs given. Assess: {miss}.",
                level,
                "hunter",
                _trig(["serotonergic_agent"], facts),
                cite,
                HUNTER_VERSION,
                missing=h.missing,
            )
        ]
    if h.status == "not_met" and h.serotonergic_agent is True:
        return [
            Statement(
                "hunter.not_met",
                f"A serotonergic agent is taken ({agents}); none of the five Hunter rules holds "
                f"with the "
                "inputs given, so the criteria for serotonin toxicity are not met. Re-assess if "
                "the "
                "findings change.",
                "info",
                "hunter",
                _trig(["serotonergic_agent"], facts),
                cite,
                HUNTER_VERSION,
            )
        ]
    if h.serotonergic_agent is None:
        return [
            Statement(
                "hunter.no_medication_list",
                "No medication list was given, so the Hunter Serotonin Toxicity Criteria could "
                "not be fully "
                "applied. Add the medications to the clinical context.",
                "info",
                "hunter",
                (),
                cite,
                HUNTER_VERSION,
                missing=("serotonergic_agent",),
            )
        ]
    return []


def interpret(
    assessment: Assessment | None, context: ClinicalContext | None = None
) -> Interpretation:
    """Decision support for an assessment, optionally with clinical context.

    Parameters
    ----------
    assessment : Assessment or None
        The measured clonus test (None: context only).
    context : ClinicalContext, optional
        Medications, signs, symptoms, onset and history (:func:`clonus.clinical.load_context`).

    Returns
    -------
    Interpretation
        Statements ordered urgent, consult, info; each lists the inputs that triggered it, its
        citation and rule version. ``to_dict()`` is JSON-serialisable.

    Notes
    -----
    Never a diagnosis. The Hunter criteria are applied exactly as Dunkley et al. 2003 (see
    :mod:`clonus.clinical.hunter` for how the sensor result feeds them). Conditions to consider
    are those named by the source documents, each with what in the inputs points to it.

    Examples
    --------
    >>> from clonus.clinical import ClinicalContext, interpret
    >>> ctx = ClinicalContext.from_dict({"medications": ["sertraline"],
    ...                                  "signs": {"tremor": True, "hyperreflexia": True}})
    >>> interpret(None, ctx).highest_level
    'urgent'
    """
    facts = build_facts(assessment, context)
    values = _values(facts)
    statements: list[Statement] = []
    hunter = evaluate_hunter(values)
    if context is not None or values.get("clonus_detected"):
        statements += _hunter_statements(hunter, facts, values.get("clonus_reported_or_detected"))
    for rule in (*CONSULT_RULES, *NEXT_STEP_RULES, *NOTE_RULES):
        st = _apply(rule, facts, values)
        if st is not None:
            statements.append(st)
    if values.get("clonus_reported_or_detected") is True:
        for cond in CONDITIONS:
            hits: list[str] = []
            pointers: list[str] = []
            for label, when in cond.pointers:
                v, names = evaluate(when, values)
                if v is True:
                    hits += names
                    pointers.append(label)
            found = (
                ("Pointers in the inputs: " + "; ".join(pointers) + ".")
                if pointers
                else "No specific pointer in the inputs given."
            )
            statements.append(
                Statement(
                    cond.id,
                    f"Condition to consider — {cond.name}: {cond.description} {found}",
                    "info",
                    "conditions",
                    _trig(list(dict.fromkeys(hits)), facts),
                    cond.citation,
                    cond.version,
                )
            )
        # Conditions with pointers first, in the source order otherwise.
    statements.append(
        Statement(
            "note.disclaimer",
            "This is decision support, not a diagnosis. " + DISCLAIMER,
            "info",
            "note",
            (),
            "clonus.model.DISCLAIMER",
            RULESET_VERSION,
        )
    )
    order = {lvl: i for i, lvl in enumerate(LEVELS)}
    statements.sort(
        key=lambda s: (order[s.level], s.category == "conditions" and not s.triggered_by)
    )
    serot = (
        tuple(m.to_dict() for m in find_serotonergic(context.medications or ())) if context else ()
    )
    logger.debug(
        "interpret: %d statements, highest level %s",
        len(statements),
        statements[0].level if statements else None,
    )
    return Interpretation(
        tuple(statements),
        hunter if context is not None else None,
        serot,
        facts,
        context_given=context is not None,
    )
