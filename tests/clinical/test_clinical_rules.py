"""Decision rules: the evaluator, every consult/next-step rule from a table of cases with near
misses, the conditions' pointers, and how the sensor result feeds the Hunter criteria."""

from __future__ import annotations

import json

import pytest
from _clinical_helpers import small_assessment

from clonus.clinical import ClinicalContext, interpret
from clonus.clinical.rules import CONDITIONS, CONSULT_RULES, NEXT_STEP_RULES, NOTE_RULES, evaluate
from clonus.model import DISCLAIMER


# ---- three-valued evaluator -------------------------------------------------------------------
@pytest.mark.parametrize(
    "cond,facts,value,names",
    [
        ({"fact": "a"}, {"a": True}, True, ["a"]),
        ({"fact": "a"}, {"a": False}, False, []),
        ({"fact": "a"}, {}, None, ["a"]),
        ({"all": [{"fact": "a"}, {"fact": "b"}]}, {"a": True, "b": None}, None, ["b"]),
        ({"all": [{"fact": "a"}, {"fact": "b"}]}, {"a": False, "b": None}, False, []),
        ({"any": [{"fact": "a"}, {"fact": "b"}]}, {"a": True, "b": None}, True, ["a"]),
        ({"any": [{"fact": "a"}, {"fact": "b"}]}, {"a": False, "b": None}, None, ["b"]),
        ({"fact": "t", "gt": 38.0}, {"t": 38.0}, False, []),
        ({"fact": "t", "gt": 38.0}, {"t": 38.2}, True, ["t"]),
        ({"not": {"fact": "a"}}, {"a": False}, True, []),
    ],
)
def test_evaluate(cond, facts, value, names):
    assert evaluate(cond, facts) == (value, names)


def ids(interp):
    return {s.id for s in interp.statements}


def stmt(interp, sid):
    return next(s for s in interp.statements if s.id == sid)


# ---- when to consult / red flags: (rule id, assessment kwargs, context, fires?) -----------------
CONSULT_CASES = [
    ("consult.new_onset", {}, {"onset": "new"}, True),
    ("consult.new_onset", {}, {"onset": "known"}, False),
    ("consult.persistent", {"sustained": True}, {}, True),
    ("consult.persistent", {"sustained": False}, {"persistent": True}, True),
    ("consult.persistent", {"sustained": False}, {"persistent": False}, False),
    ("consult.persistent", {"n_beats": 0, "sustained": False}, {"persistent": None}, False),
    ("consult.severe", {"scats": 3}, {}, True),
    ("consult.severe", {"tardieu": 4}, {}, True),
    ("consult.severe", {"scats": 2, "tardieu": 3}, {}, False),
    ("consult.severe", {"scats": 1}, {"severity": "severe"}, True),
    ("consult.interferes", {}, {"interferes_with": {"walking": True}}, True),
    ("consult.interferes", {}, {"interferes_with": {"sleep": True}}, True),
    ("consult.interferes", {}, {"interferes_with": {"walking": False, "sleep": False}}, False),
    *[
        ("consult.neurological_symptoms", {}, {"symptoms": {s: True}}, True)
        for s in ("weakness", "numbness", "vision_change", "balance_problems", "pain")
    ],
    (
        "consult.neurological_symptoms",
        {},
        {"symptoms": {"weakness": False, "numbness": False}},
        False,
    ),
    # a symptom without clonus (not detected, not reported) does not fire the clonus rule
    ("consult.neurological_symptoms", {"n_beats": 0}, {"symptoms": {"weakness": True}}, False),
    ("consult.headache", {}, {"symptoms": {"headache": True}}, True),
    ("consult.headache", {}, {"symptoms": {"headache": False}}, False),
    ("consult.atrophy", {}, {"symptoms": {"atrophy": True}}, True),
    ("consult.atrophy", {}, {"symptoms": {"atrophy": False}}, False),
    ("note.rhythmic_not_clonus", {"classification": "rhythmic_not_clonus"}, {}, True),
    ("note.rhythmic_not_clonus", {}, {}, False),
    ("note.other_settings", {}, {}, True),
    ("note.other_settings", {"n_beats": 0}, {}, False),
    ("consult.beat_count", {"n_beats": 5}, {}, True),
    ("consult.beat_count", {"n_beats": 4}, {}, False),
    (
        "consult.medication_change",
        {},
        {"medication_changes": [{"name": "sertraline", "change": "started"}]},
        True,
    ),
    (
        "consult.medication_change",
        {},
        {"medication_changes": [{"name": "baclofen", "change": "stopped"}]},
        True,
    ),
    (
        "consult.medication_change",
        {},
        {"medication_changes": [{"name": "baclofen", "change": "started"}]},
        False,
    ),
    ("next.neurologist", {"scats": 3}, {}, True),
    ("next.neurologist", {"scats": 1}, {"onset": "known", "symptoms": {"weakness": False}}, False),
    ("next.physical_therapist", {}, {}, True),
    ("next.physical_therapist", {"n_beats": 0}, {}, False),
    ("next.treatments", {}, {}, True),
    ("next.medication_list", {}, {}, True),
    ("note.no_clonus", {"n_beats": 0}, {}, True),
    ("note.no_clonus", {}, {}, False),
    ("note.indeterminate", {"n_beats": 0, "classification": "indeterminate"}, {}, True),
]


@pytest.mark.parametrize(
    "rule_id,akw,ctx,fires", CONSULT_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CONSULT_CASES)]
)
def test_rule_table(rule_id, akw, ctx, fires):
    a = small_assessment(**{"n_beats": 3, **akw})
    interp = interpret(a, ClinicalContext.from_dict(ctx))
    assert (rule_id in ids(interp)) is fires
    if fires:
        s = stmt(interp, rule_id)
        assert s.triggered_by, "a statement must say which inputs triggered it"
        assert s.citation and s.rule_version


def test_triggered_by_names_inputs_and_values():
    interp = interpret(
        small_assessment(n_beats=7, scats=3), ClinicalContext.from_dict({"onset": "new"})
    )
    sev = stmt(interp, "consult.severe")
    assert [(t["input"], t["value"], t["source"]) for t in sev.triggered_by] == [
        ("grade.scats_clonus", 3, "measurement")
    ]
    cnt = stmt(interp, "consult.beat_count")
    assert "(7)" in cnt.text
    assert [(t["input"], t["value"]) for t in cnt.triggered_by] == [("n_beats", 7)]


def test_every_rule_is_cited_and_versioned():
    for r in (*CONSULT_RULES, *NEXT_STEP_RULES, *NOTE_RULES):
        assert r.citation and r.version and r.level in ("urgent", "consult", "info")
    names = {c.name for c in CONDITIONS}
    for expected in (
        "Multiple sclerosis",
        "Stroke",
        "Spinal cord injury or lesion",
        "Cerebral palsy",
        "Brain or spinal cord tumour",
        "Severe head trauma",
        "Liver failure",
        "Alzheimer's disease",
        "Chemical poisoning",
        "Serotonin syndrome, medications or drug withdrawal",
    ):
        assert expected in names


# ---- conditions to consider ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "ctx,cond_id,pointer_input",
    [
        (
            {"history": {"conditions": ["multiple_sclerosis"]}},
            "condition.multiple_sclerosis",
            "history.multiple_sclerosis",
        ),
        ({"symptoms": {"headache": True}}, "condition.stroke", "headache"),
        ({"symptoms": {"headache": True}}, "condition.tumour", "headache"),
        ({"age_years": 0.5}, "condition.cerebral_palsy", "age_years"),
        ({"medications": ["Zoloft"]}, "condition.serotonin_or_withdrawal", "serotonergic_agent"),
        (
            {"medication_changes": [{"name": "oxazepam", "change": "stopped"}]},
            "condition.serotonin_or_withdrawal",
            "withdrawal",
        ),
        (
            {"history": {"conditions": ["liver_failure"]}},
            "condition.liver_failure",
            "history.liver_failure",
        ),
    ],
)
def test_condition_pointers(ctx, cond_id, pointer_input):
    interp = interpret(small_assessment(), ClinicalContext.from_dict(ctx))
    s = stmt(interp, cond_id)
    assert [t["input"] for t in s.triggered_by] == [pointer_input]
    assert "Pointers in the inputs" in s.text


def test_condition_near_miss_age_two_is_not_a_cp_pointer():
    s = stmt(
        interpret(small_assessment(), ClinicalContext.from_dict({"age_years": 2})),
        "condition.cerebral_palsy",
    )
    assert s.triggered_by == () and "No specific pointer" in s.text


def test_no_conditions_listed_without_clonus():
    interp = interpret(small_assessment(n_beats=0), None)
    assert not any(s.category == "conditions" for s in interp.statements)


# ---- Hunter via interpret: sensor feeds only inducible / spontaneous clonus ----------------------
def test_sensor_clonus_is_inducible_clonus_for_rule2():
    ctx = ClinicalContext.from_dict({"medications": ["sertraline"], "signs": {"agitation": True}})
    interp = interpret(small_assessment(), ctx)
    assert interp.highest_level == "urgent"
    assert interp.statements[0].id == "hunter.met"
    inputs = {t["input"]: t for t in interp.statements[0].triggered_by}
    assert inputs["inducible_clonus"]["source"] == "measurement"
    assert set(inputs) == {"serotonergic_agent", "inducible_clonus", "agitation"}


def test_sensor_clonus_is_not_spontaneous_unless_context_says_so():
    base = {"medications": ["sertraline"]}
    a = small_assessment(stretch_onset_s=None)
    interp = interpret(a, ClinicalContext.from_dict(base))
    assert interp.hunter.status == "incomplete"  # agitation/diaphoresis unknown
    assert 1 not in interp.hunter.rules_met
    interp2 = interpret(a, ClinicalContext.from_dict({**base, "stretch_applied": False}))
    assert interp2.hunter.status == "met" and interp2.hunter.rules_met == (1,)


def test_no_clonus_recording_without_serotonergic_agent_is_not_urgent():
    ctx = ClinicalContext.from_dict(
        {"medications": ["baclofen"], "signs": {"agitation": True, "diaphoresis": True}}
    )
    interp = interpret(small_assessment(n_beats=0), ctx)
    assert interp.highest_level != "urgent"
    assert interp.hunter.status == "not_applicable"


def test_features_without_medication_list_ask_for_it():
    ctx = ClinicalContext.from_dict({"signs": {"tremor": True, "hyperreflexia": True}})
    interp = interpret(small_assessment(n_beats=0), ctx)
    s = stmt(interp, "hunter.features_agent_unknown")
    assert s.level == "consult" and s.missing == ("serotonergic_agent",)


# ---- every output says it is not a diagnosis ---------------------------------------------------
@pytest.mark.parametrize(
    "a,ctx",
    [(None, None), ("clonus", None), ("clonus", {"onset": "new"}), ("none", {"medications": []})],
)
def test_disclaimer_everywhere(a, ctx):
    assessment = None if a is None else small_assessment(n_beats=6 if a == "clonus" else 0)
    d = interpret(assessment, None if ctx is None else ClinicalContext.from_dict(ctx)).to_dict()
    assert d["disclaimer"] == DISCLAIMER and d["not_a_diagnosis"] is True
    assert any(
        s["id"] == "note.disclaimer" and "not a diagnosis" in s["text"] for s in d["statements"]
    )
    json.dumps(d)  # serialisable
    for s in d["statements"]:
        assert set(s) >= {"id", "text", "level", "triggered_by", "citation", "rule_version"}


def test_withdrawal_only_does_not_say_no_serotonergic_agent():
    # A stopped medication says nothing about what is still taken: the precondition stays unknown.
    ctx = ClinicalContext.from_dict(
        {"medication_changes": [{"name": "paroxetine", "change": "stopped"}]}
    )
    facts = interpret(small_assessment(), ctx).to_dict()["inputs"]
    assert facts["serotonergic_agent"]["value"] is None
    assert facts["withdrawal"]["value"] is True
    started = ClinicalContext.from_dict(
        {"medication_changes": [{"name": "Zoloft", "change": "started"}]}
    )
    assert interpret(None, started).to_dict()["inputs"]["serotonergic_agent"]["value"] is True


def test_docs_list_every_rule():
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "clinical.md"
    text = doc.read_text(encoding="utf-8")
    for r in (*CONSULT_RULES, *NEXT_STEP_RULES, *NOTE_RULES, *CONDITIONS):
        assert f"`{r.id}`" in text, f"{r.id} missing from docs/clinical.md"
    for sid in ("hunter.met", "hunter.incomplete", "hunter.features_no_agent", "hunter.not_met"):
        assert sid in text
