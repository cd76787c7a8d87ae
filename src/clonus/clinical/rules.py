"""Decision rules as versioned data, and the small three-valued evaluator that applies them.

Every rule is a :class:`Rule`: an id, a version, a level (``urgent``, ``consult``, ``info``), the
statement it makes, the condition under which it fires (a small JSON-like expression, below) and
its citation. Changing a rule's wording or condition means bumping its ``version`` (and
:data:`RULESET_VERSION`), so a stored interpretation can always be traced to the rule text that
produced it. ``docs/clinical.md`` lists every rule.

Condition expressions
---------------------
``{"fact": NAME}``
    The fact is true (facts are ``True``/``False``/``None``; ``None`` = unknown).
``{"fact": NAME, OP: VALUE}``
    Comparison, ``OP`` one of ``eq``, ``ne``, ``gt``, ``ge``, ``lt``, ``le``, ``in``.
``{"all": [...]}``, ``{"any": [...]}``, ``{"not": {...}}``
    Kleene three-valued logic: ``all`` is false if any part is false, true if all are true,
    otherwise unknown; ``any`` is true if any part is true, false if all are false, otherwise
    unknown. A rule fires only when its condition is *true*; unknown inputs are reported.

Sources: the two source documents (``seeds/000_*.txt`` and ``seeds/003_*.txt``) and
``clinical-reference.md``. Where a rule goes beyond a source it says so ("[inference]").
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..exceptions import InvalidParameterError

__all__ = [
    "RULESET_VERSION",
    "LEVELS",
    "CITATIONS",
    "Rule",
    "ConditionToConsider",
    "CONSULT_RULES",
    "NEXT_STEP_RULES",
    "CONDITIONS",
    "NOTE_RULES",
    "evaluate",
]

#: Version of the whole rule set (bumped whenever any rule changes).
RULESET_VERSION = "2026.11-1"

#: Statement levels, most to least pressing.
LEVELS = ("urgent", "consult", "info")

#: Citation strings used by the rules.
CITATIONS: dict[str, str] = {
    "seed000": "Source document 000 (seeds/000_d636a705c4aecc3f.txt): ankle clonus, "
    "pathological beat count, causes, referral (physical therapist, neurologist), treatments "
    "and accompanying symptoms.",
    "seed003": "Source document 003 (seeds/003_495fd4d277634cdb.txt): conditions indicated "
    "by clonus; 'When to Consult a Healthcare Professional'.",
    "scats": "SCATS clonus item, Benz et al. 2005, Arch Phys Med Rehabil 86:52-59 "
    "(clinical-reference.md §4.1): 3 = severe, clonus lasting > 10 s.",
    "tardieu": "Tardieu scale quality of muscle reaction (clinical-reference.md §4.4): "
    "4 = unfatigable clonus > 10 s.",
    "dunkley": "Dunkley EJC, Isbister GK et al. The Hunter Serotonin Toxicity Criteria. QJM "
    "2003;96:635-642 (clinical-reference.md §5.1).",
    "cr54": "clinical-reference.md §5.4: clonus also occurs in pre-eclampsia/eclampsia, hepatic "
    "encephalopathy, tonic-clonic seizures and serotonergic drug toxicity (Wikipedia 'Clonus').",
    "sustained": "Tardieu 10 s criterion for sustained clonus (clinical-reference.md §2, §4.4; "
    "HELPERS beat definition).",
}

_OPS = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
    "in": lambda a, b: a in b,
}


def evaluate(cond: Mapping[str, Any], facts: Mapping[str, Any]) -> tuple[bool | None, list[str]]:
    """Evaluate a condition expression with three-valued logic.

    Parameters
    ----------
    cond : mapping
        A condition expression (module docstring).
    facts : mapping
        Fact name -> value (``None`` = unknown; a missing name is unknown too).

    Returns
    -------
    value : bool or None
        True, False or None (unknown).
    names : list of str
        If true: the facts that made it true. If unknown: the unknown facts that could change it.
        If false: empty.
    """
    if "all" in cond or "any" in cond:
        is_all = "all" in cond
        parts = [evaluate(c, facts) for c in cond["all" if is_all else "any"]]
        vals = [v for v, _ in parts]
        decisive = False if is_all else True
        if decisive in vals:
            if is_all:
                return False, []
            return True, _uniq(n for v, ns in parts if v is True for n in ns)
        if all(v is (not decisive) for v in vals):
            if is_all:
                return True, _uniq(n for _, ns in parts for n in ns)
            return False, []
        return None, _uniq(n for v, ns in parts if v is None for n in ns)
    if "not" in cond:
        v, ns = evaluate(cond["not"], facts)
        return (None if v is None else not v), ns
    if "fact" in cond:
        name = cond["fact"]
        value = facts.get(name)
        if value is None:
            return None, [name]
        ops = [k for k in cond if k != "fact"]
        if not ops:
            result = bool(value)
        elif len(ops) == 1 and ops[0] in _OPS:
            try:
                result = bool(_OPS[ops[0]](value, cond[ops[0]]))
            except TypeError:
                raise InvalidParameterError(
                    f"Rule condition compares fact {name!r} = {value!r} with {cond[ops[0]]!r}; "
                    "the types do not match."
                ) from None
        else:
            raise InvalidParameterError(
                f"Bad rule condition {dict(cond)!r}: use one of {sorted(_OPS)}."
            )
        return result, ([name] if result else [])
    raise InvalidParameterError(
        f"Bad rule condition {dict(cond)!r}: needs 'fact', 'all', 'any' or 'not'."
    )


def _uniq(names: Any) -> list[str]:
    return list(dict.fromkeys(names))


@dataclass(frozen=True)
class Rule:
    """One decision rule.

    Parameters
    ----------
    id : str
        Stable identifier, e.g. ``"consult.new_onset"``.
    version : str
        Version of this rule's wording and condition.
    level : {"urgent", "consult", "info"}
    category : str
        ``"when_to_consult"``, ``"next_steps"``, ``"conditions"``, ``"hunter"`` or ``"note"``.
    text : str
        The statement, in plain words; may use ``{fact}`` placeholders.
    when : mapping
        Condition expression.
    citation : str
        Source (document and section).
    """

    id: str
    version: str
    level: str
    category: str
    text: str
    when: Mapping[str, Any]
    citation: str

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise InvalidParameterError(
                f"Rule {self.id}: level must be one of {LEVELS}, got {self.level!r}."
            )


def _f(name: str, **op: Any) -> dict[str, Any]:
    return {"fact": name, **op}


_CLONUS_ANY = _f("clonus_reported_or_detected")
_NEURO = ("weakness", "numbness", "vision_change", "balance_problems", "pain")

#: Red flags and "when to consult" (seed 003, "When to Consult a Healthcare Professional";
#: seed 000).
CONSULT_RULES: tuple[Rule, ...] = (
    Rule(
        "consult.new_onset",
        "1",
        "consult",
        "when_to_consult",
        "New onset of clonus: any new onset of clonus warrants a medical evaluation.",
        _f("onset", eq="new"),
        CITATIONS["seed003"],
    ),
    Rule(
        "consult.persistent",
        "1",
        "consult",
        "when_to_consult",
        "Persistent clonus (it continued for the whole stretch, or is reported as persistent): "
        "seek professional attention.",
        {"all": [_CLONUS_ANY, {"any": [_f("sustained"), _f("persistent")]}]},
        CITATIONS["seed003"] + " " + CITATIONS["sustained"],
    ),
    Rule(
        "consult.severe",
        "1",
        "consult",
        "when_to_consult",
        "Severe clonus (SCATS 3 or Tardieu 4 from the measurement, or judged severe): seek "
        "professional attention; seeing a neurologist may be required.",
        {
            "any": [
                _f("grade.scats_clonus", eq=3),
                _f("grade.tardieu_quality", eq=4),
                _f("severity", eq="severe"),
            ]
        },
        CITATIONS["seed003"]
        + " "
        + CITATIONS["seed000"]
        + " "
        + CITATIONS["scats"]
        + " "
        + CITATIONS["tardieu"],
    ),
    Rule(
        "consult.interferes",
        "1",
        "consult",
        "when_to_consult",
        "Clonus interferes with daily activities (walking or sleeping): seek professional "
        "attention.",
        {"any": [_f("interferes_with_walking"), _f("interferes_with_sleep")]},
        CITATIONS["seed003"],
    ),
    Rule(
        "consult.neurological_symptoms",
        "1",
        "consult",
        "when_to_consult",
        "Clonus accompanied by other neurological symptoms (muscle weakness, numbness, changes in "
        "vision, balance problems or pain): consult a healthcare provider.",
        {"all": [_CLONUS_ANY, {"any": [_f(s) for s in _NEURO]}]},
        CITATIONS["seed003"],
    ),
    Rule(
        "consult.headache",
        "1",
        "consult",
        "when_to_consult",
        "Clonus together with headaches may indicate an underlying brain-related issue: consult a "
        "healthcare provider.",
        {"all": [_CLONUS_ANY, _f("headache")]},
        CITATIONS["seed000"],
    ),
    Rule(
        "consult.atrophy",
        "1",
        "consult",
        "when_to_consult",
        "Atrophy or wasting at the ankle alongside clonus: an accompanying sign the source "
        "documents "
        "describe; have it examined.",
        {"all": [_CLONUS_ANY, _f("atrophy")]},
        CITATIONS["seed000"],
    ),
    Rule(
        "consult.beat_count",
        "1",
        "consult",
        "when_to_consult",
        "More than four beats were measured ({n_beats}); more than four or five movements of the "
        "ankle can be thought to be pathological and may be caused by underlying medical issues. "
        "[The lower bound, > 4, is used here so that five beats are flagged.]",
        _f("n_beats", gt=4),
        CITATIONS["seed000"],
    ),
    Rule(
        "consult.medication_change",
        "1",
        "consult",
        "when_to_consult",
        "Clonus after a recent start or increase of a serotonergic agent, or after stopping a "
        "medication: medications (particularly those affecting serotonin) and drug withdrawal can "
        "induce clonus. Review the medications with a clinician.",
        {
            "all": [
                _CLONUS_ANY,
                {"any": [_f("serotonergic_started_or_increased"), _f("withdrawal")]},
            ]
        },
        CITATIONS["seed003"],
    ),
)

#: Next steps the source documents list (seed 000).
NEXT_STEP_RULES: tuple[Rule, ...] = (
    Rule(
        "next.medication_list",
        "1",
        "info",
        "next_steps",
        "A physician will typically ask for a list of all medications taken and a family history "
        "before settling on a course of treatment; bring both.",
        _CLONUS_ANY,
        CITATIONS["seed000"],
    ),
    Rule(
        "next.physical_therapist",
        "1",
        "info",
        "next_steps",
        "Referral to a physical therapist is very often the first course of action.",
        _CLONUS_ANY,
        CITATIONS["seed000"],
    ),
    Rule(
        "next.neurologist",
        "1",
        "consult",
        "next_steps",
        "Depending on the severity, seeing a neurologist may be required (the findings listed "
        "suggest asking about it).",
        {
            "all": [
                _CLONUS_ANY,
                {
                    "any": [
                        _f("grade.scats_clonus", eq=3),
                        _f("grade.tardieu_quality", eq=4),
                        _f("severity", eq="severe"),
                        _f("sustained"),
                        _f("persistent"),
                        _f("onset", eq="new"),
                        _f("headache"),
                        *[_f(s) for s in _NEURO],
                    ]
                },
            ]
        },
        CITATIONS["seed000"] + " " + CITATIONS["seed003"],
    ),
    Rule(
        "next.treatments",
        "1",
        "info",
        "next_steps",
        "Treatments the source documents list (chosen by the treating clinician): ankle stretching "
        "exercises; drug therapy to ease the symptoms; surgery to remove lesions within the brain "
        "or spinal cord where these are the cause; supports such as canes and braces for "
        "stability.",
        _CLONUS_ANY,
        CITATIONS["seed000"],
    ),
)

#: General notes about the measurement.
NOTE_RULES: tuple[Rule, ...] = (
    Rule(
        "note.no_clonus",
        "1",
        "info",
        "note",
        "No clonus was detected in this recording. A single recording does not rule clonus out; "
        "any new onset of clonus noticed by the person still warrants a medical evaluation.",
        _f("classification", eq="no_clonus"),
        CITATIONS["seed003"],
    ),
    Rule(
        "note.indeterminate",
        "1",
        "info",
        "note",
        "The recording could not be assessed ({reason}); no beat count is reported. Repeat the "
        "test.",
        _f("classification", eq="indeterminate"),
        "HELPERS.md: indeterminate, never a made-up count.",
    ),
    Rule(
        "note.rhythmic_not_clonus",
        "1",
        "info",
        "note",
        "A rhythmic movement was found that does not meet the clonus definition (for example "
        "tremor "
        "or a voluntary movement); a clinician should examine it.",
        _f("classification", eq="rhythmic_not_clonus"),
        "clinical-reference.md §3.",
    ),
    Rule(
        "note.not_a_diagnosis",
        "1",
        "info",
        "note",
        "Clonus is not a standalone diagnosis but a sign that points to an issue within the "
        "central nervous system; a doctor finds the cause through examination and further tests.",
        _CLONUS_ANY,
        CITATIONS["seed003"],
    ),
    Rule(
        "note.other_settings",
        "1",
        "info",
        "note",
        "Clonus also occurs in pre-eclampsia/eclampsia, hepatic encephalopathy, tonic-clonic "
        "seizures and serotonergic drug toxicity; mention pregnancy, liver disease or seizures "
        "to the clinician.",
        _CLONUS_ANY,
        CITATIONS["cr54"],
    ),
)


@dataclass(frozen=True)
class ConditionToConsider:
    """A condition the source documents associate with clonus, and what in the inputs points to it.

    Parameters
    ----------
    id, version : str
    name : str
    description : str
        What the source says about it.
    pointers : sequence of (str, mapping)
        (what points to it, condition expression).
    citation : str
    """

    id: str
    version: str
    name: str
    description: str
    pointers: Sequence[tuple[str, Mapping[str, Any]]]
    citation: str


def _hist(c: str) -> tuple[str, dict[str, Any]]:
    return ("history of this condition", _f(f"history.{c}"))


_HEADACHE = (
    "headache alongside clonus (seed 000: may indicate an underlying brain-related issue)",
    _f("headache"),
)

#: Conditions to consider (seeds 000 and 003); never a diagnosis.
CONDITIONS: tuple[ConditionToConsider, ...] = (
    ConditionToConsider(
        "condition.multiple_sclerosis",
        "1",
        "Multiple sclerosis",
        "An autoimmune disorder of the nerves' protective sheath in the brain and spinal cord, "
        "often leading to clonus.",
        (_hist("multiple_sclerosis"),),
        CITATIONS["seed003"] + " " + CITATIONS["seed000"],
    ),
    ConditionToConsider(
        "condition.stroke",
        "1",
        "Stroke",
        "Interrupted blood supply to the brain; causes clonus if the affected area controls "
        "movement.",
        (_hist("stroke"), _HEADACHE),
        CITATIONS["seed003"] + " " + CITATIONS["seed000"],
    ),
    ConditionToConsider(
        "condition.spinal_cord_injury",
        "1",
        "Spinal cord injury or lesion",
        "Frequently results in clonus through upper motor neuron damage.",
        (_hist("spinal_cord_injury"),),
        CITATIONS["seed003"] + " " + CITATIONS["seed000"],
    ),
    ConditionToConsider(
        "condition.cerebral_palsy",
        "1",
        "Cerebral palsy",
        "Disorders of movement and muscle tone from brain damage during development; some "
        "children with signs of ankle clonus in the first year of life go on to develop "
        "cerebral palsy.",
        (_hist("cerebral_palsy"), ("age under 1 year", _f("age_years", lt=1.0))),
        CITATIONS["seed000"] + " " + CITATIONS["seed003"],
    ),
    ConditionToConsider(
        "condition.tumour",
        "1",
        "Brain or spinal cord tumour",
        "Can cause clonus by compressing or damaging neural pathways.",
        (_hist("brain_or_spinal_tumour"), _HEADACHE),
        CITATIONS["seed003"],
    ),
    ConditionToConsider(
        "condition.head_trauma",
        "1",
        "Severe head trauma",
        "Can lead to upper motor neuron damage, manifesting as clonus.",
        (_hist("head_trauma"),),
        CITATIONS["seed003"] + " " + CITATIONS["seed000"],
    ),
    ConditionToConsider(
        "condition.serotonin_or_withdrawal",
        "1",
        "Serotonin syndrome, medications or drug withdrawal",
        "Medications affecting serotonin, and drug withdrawal, can induce clonus; serotonin "
        "syndrome is "
        "a potentially life-threatening reaction to too much serotonin.",
        (
            ("a serotonergic agent in the medication list", _f("serotonergic_agent")),
            (
                "a serotonergic agent recently started or increased",
                _f("serotonergic_started_or_increased"),
            ),
            ("a medication recently stopped (withdrawal)", _f("withdrawal")),
            ("agitation", _f("agitation")),
            ("sweating (diaphoresis)", _f("diaphoresis")),
            ("tremor", _f("tremor")),
            ("hyperreflexia", _f("hyperreflexia")),
            ("ocular clonus", _f("ocular_clonus")),
            ("temperature above 38 °C", _f("temperature_c", gt=38.0)),
            _hist("serotonin_syndrome"),
        ),
        CITATIONS["seed003"] + " " + CITATIONS["seed000"] + " " + CITATIONS["dunkley"],
    ),
    ConditionToConsider(
        "condition.liver_failure",
        "1",
        "Liver failure",
        "Named among the underlying causes of clonus (hepatic encephalopathy).",
        (_hist("liver_failure"),),
        CITATIONS["seed000"] + " " + CITATIONS["cr54"],
    ),
    ConditionToConsider(
        "condition.alzheimers",
        "1",
        "Alzheimer's disease",
        "Named among the underlying causes of clonus.",
        (_hist("alzheimers_disease"),),
        CITATIONS["seed000"],
    ),
    ConditionToConsider(
        "condition.poisoning",
        "1",
        "Chemical poisoning",
        "Named among the underlying causes of clonus.",
        (_hist("poisoning"),),
        CITATIONS["seed000"],
    ),
)
