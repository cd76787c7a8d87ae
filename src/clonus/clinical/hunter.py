"""Hunter Serotonin Toxicity Criteria (Dunkley et al. 2003), implemented exactly.

In the presence of a serotonergic agent, serotonin toxicity is present if **any** of:

1. spontaneous clonus;
2. inducible clonus **and** (agitation **or** diaphoresis);
3. ocular clonus **and** (agitation **or** diaphoresis);
4. tremor **and** hyperreflexia;
5. hypertonia **and** temperature > 38 °C **and** (ocular clonus **or** inducible clonus).

If none holds, the criteria are not met. Source: Dunkley EJC, Isbister GK, Sibbritt D, Dawson AH,
Whyte IM. QJM 2003;96:635-642 (clinical-reference.md §5.1: sensitivity 84 %, specificity 97 %
against a toxicologist's diagnosis). The Medscape variant ("within the preceding 5 weeks",
"hypertonia" alone) is *not* used.

The serotonergic-agent precondition is an explicit input. Inputs are three-valued (``True``,
``False``, ``None`` = not assessed): the result is ``"met"``, ``"not_met"``, ``"not_applicable"``
(no serotonergic agent) or ``"incomplete"`` (an unknown input could change the answer; the
inputs to assess are listed).

Where the sensor comes in (clinical-reference.md §5.1 [inference])
-------------------------------------------------------------------
A clonus recording can supply only the *inducible clonus* or *spontaneous clonus* input:

- clonus detected in a stretch test (the default) sets **inducible clonus** true; a recording
  without clonus sets it false unless the clinician recorded inducible clonus elsewhere (either
  source being true makes it true);
- clonus detected in a recording made **without** a stretch counts as **spontaneous clonus**
  only if the context says so (``stretch_applied: false``); otherwise spontaneous clonus comes
  from the clinician alone.

Agitation, diaphoresis, temperature, hypertonia, tremor, hyperreflexia and ocular clonus always
come from the clinician.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .rules import CITATIONS, evaluate

__all__ = [
    "HUNTER_VERSION",
    "HUNTER_RULES",
    "HUNTER_INPUTS",
    "HunterRule",
    "HunterResult",
    "evaluate_hunter",
    "hunter_criteria",
]

#: Version of this implementation of the decision tree.
HUNTER_VERSION = "dunkley2003-v1"

#: The fact names the criteria read (plus ``serotonergic_agent``).
HUNTER_INPUTS = (
    "spontaneous_clonus",
    "inducible_clonus",
    "ocular_clonus",
    "agitation",
    "diaphoresis",
    "tremor",
    "hyperreflexia",
    "hypertonia",
    "temperature_c",
)

#: Temperature threshold, in degrees Celsius: strictly greater than (Dunkley 2003 rule 5).
TEMPERATURE_THRESHOLD_C = 38.0


@dataclass(frozen=True)
class HunterRule:
    """One of the five Dunkley rules, as a condition expression."""

    number: int
    text: str
    when: Mapping[str, Any]


_AGIT_OR_DIAPH = {"any": [{"fact": "agitation"}, {"fact": "diaphoresis"}]}

#: The five rules, exactly as Dunkley et al. 2003.
HUNTER_RULES: tuple[HunterRule, ...] = (
    HunterRule(1, "spontaneous clonus", {"fact": "spontaneous_clonus"}),
    HunterRule(
        2,
        "inducible clonus and (agitation or diaphoresis)",
        {"all": [{"fact": "inducible_clonus"}, _AGIT_OR_DIAPH]},
    ),
    HunterRule(
        3,
        "ocular clonus and (agitation or diaphoresis)",
        {"all": [{"fact": "ocular_clonus"}, _AGIT_OR_DIAPH]},
    ),
    HunterRule(
        4, "tremor and hyperreflexia", {"all": [{"fact": "tremor"}, {"fact": "hyperreflexia"}]}
    ),
    HunterRule(
        5,
        "hypertonia and temperature > 38 °C and (ocular clonus or inducible clonus)",
        {
            "all": [
                {"fact": "hypertonia"},
                {"fact": "temperature_c", "gt": TEMPERATURE_THRESHOLD_C},
                {"any": [{"fact": "ocular_clonus"}, {"fact": "inducible_clonus"}]},
            ]
        },
    ),
)


@dataclass(frozen=True)
class HunterResult:
    """Outcome of the Hunter criteria.

    Attributes
    ----------
    status : {"met", "not_met", "not_applicable", "incomplete"}
    met : bool or None
        True if met; False if not met or not applicable; None if incomplete.
    serotonergic_agent : bool or None
        The precondition input.
    rules_met : tuple of int
        Rule numbers whose features are present (whatever the precondition).
    rules_unknown : tuple of int
        Rules that an unknown input could still make true.
    triggered_by : tuple of str
        Inputs that made the met rules true (and the precondition, when met).
    missing : tuple of str
        Unknown inputs that could change the answer.
    inputs : mapping
        The input values used.
    """

    status: str
    met: bool | None
    serotonergic_agent: bool | None
    rules_met: tuple[int, ...]
    rules_unknown: tuple[int, ...]
    triggered_by: tuple[str, ...]
    missing: tuple[str, ...]
    inputs: Mapping[str, Any]

    @property
    def features_present(self) -> bool:
        """True if at least one rule's features are present (precondition aside)."""
        return bool(self.rules_met)

    def explain(self) -> str:
        """One sentence saying which rule(s) held and why."""
        rules = {r.number: r.text for r in HUNTER_RULES}
        held = "; ".join(f"rule {n}: {rules[n]}" for n in self.rules_met)
        if self.status == "met":
            return f"Hunter criteria met ({held}) in the presence of a serotonergic agent."
        if self.status == "not_met":
            return "Hunter criteria not met: none of the five rules holds with the inputs given."
        if self.status == "not_applicable":
            extra = f" The features of {held} are present." if held else ""
            return "No serotonergic agent recognised, so the Hunter criteria do not apply." + extra
        unknown = ", ".join(self.missing)
        if self.serotonergic_agent is None and self.rules_met:
            return (
                f"Features of {held} are present but it is not known whether a serotonergic "
                f"agent is "
                f"taken; if one is, the Hunter criteria are met."
            )
        return f"Hunter criteria cannot be decided: these inputs are unknown: {unknown}."

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "met": self.met,
            "serotonergic_agent": self.serotonergic_agent,
            "rules_met": list(self.rules_met),
            "rules_unknown": list(self.rules_unknown),
            "triggered_by": list(self.triggered_by),
            "missing": list(self.missing),
            "inputs": dict(self.inputs),
            "explanation": self.explain(),
            "version": HUNTER_VERSION,
            "citation": CITATIONS["dunkley"],
        }


def evaluate_hunter(facts: Mapping[str, Any]) -> HunterResult:
    """Apply the Dunkley decision tree to a mapping of inputs (fact name -> value or None).

    Parameters
    ----------
    facts : mapping
        Must use the names in :data:`HUNTER_INPUTS` plus ``serotonergic_agent``; missing names
        are unknown. ``temperature_c`` in degrees Celsius.

    Returns
    -------
    HunterResult
    """
    agent = facts.get("serotonergic_agent")
    met_rules: list[int] = []
    unknown_rules: list[int] = []
    trig: list[str] = []
    missing: list[str] = []
    for rule in HUNTER_RULES:
        value, names = evaluate(rule.when, facts)
        if value is True:
            met_rules.append(rule.number)
            trig += names
        elif value is None:
            unknown_rules.append(rule.number)
            missing += names
    any_true = bool(met_rules)
    all_false = not met_rules and not unknown_rules
    if agent is False:
        status, met = "not_applicable", False
        missing = []
    elif all_false:
        status, met = "not_met", False
    elif agent is True and any_true:
        status, met = "met", True
        trig = ["serotonergic_agent", *trig]
        missing = []
    elif agent is True:
        status, met = "incomplete", None
    else:
        status, met = "incomplete", None
        missing = ["serotonergic_agent"] if any_true else ["serotonergic_agent", *missing]
    inputs = {k: facts.get(k) for k in ("serotonergic_agent", *HUNTER_INPUTS)}
    return HunterResult(
        status,
        met,
        agent,
        tuple(met_rules),
        tuple(unknown_rules),
        tuple(dict.fromkeys(trig)),
        tuple(dict.fromkeys(missing)),
        inputs,
    )


def hunter_criteria(
    *,
    serotonergic_agent: bool | None,
    spontaneous_clonus: bool | None = None,
    inducible_clonus: bool | None = None,
    ocular_clonus: bool | None = None,
    agitation: bool | None = None,
    diaphoresis: bool | None = None,
    tremor: bool | None = None,
    hyperreflexia: bool | None = None,
    hypertonia: bool | None = None,
    temperature_c: float | None = None,
) -> HunterResult:
    """Hunter Serotonin Toxicity Criteria from explicit inputs.

    Parameters
    ----------
    serotonergic_agent : bool or None
        Whether a serotonergic agent is taken (the precondition; required, None = unknown).
    spontaneous_clonus, inducible_clonus, ocular_clonus, agitation, diaphoresis, tremor, \
hyperreflexia, hypertonia : bool or None
        Clinical features (None = not assessed).
    temperature_c : float or None
        Body temperature, in degrees Celsius (rule 5 needs > 38 °C, strictly).

    Returns
    -------
    HunterResult

    Examples
    --------
    >>> hunter_criteria(serotonergic_agent=True, tremor=True, hyperreflexia=True).status
    'met'
    """
    return evaluate_hunter(
        {
            "serotonergic_agent": serotonergic_agent,
            "spontaneous_clonus": spontaneous_clonus,
            "inducible_clonus": inducible_clonus,
            "ocular_clonus": ocular_clonus,
            "agitation": agitation,
            "diaphoresis": diaphoresis,
            "tremor": tremor,
            "hyperreflexia": hyperreflexia,
            "hypertonia": hypertonia,
            "temperature_c": temperature_c,
        }
    )
