"""Hunter Serotonin Toxicity Criteria (Dunkley 2003): each rule alone, near misses, the
precondition,
three-valued inputs, and an exhaustive check against an independently written formula."""

from __future__ import annotations

import itertools

import pytest

from clonus.clinical import hunter_criteria

FEATURES = (
    "spontaneous_clonus",
    "inducible_clonus",
    "ocular_clonus",
    "agitation",
    "diaphoresis",
    "tremor",
    "hyperreflexia",
    "hypertonia",
)


def inputs(temperature_c: float = 37.0, **present: bool) -> dict:
    """Every feature assessed and absent, except those given."""
    d = {f: False for f in FEATURES}
    d.update(present)
    d["temperature_c"] = temperature_c
    return d


# (case id, inputs, expected status, expected rules met)
CASES = [
    # each of the five rules alone
    ("rule1", inputs(spontaneous_clonus=True), "met", (1,)),
    ("rule2_agitation", inputs(inducible_clonus=True, agitation=True), "met", (2,)),
    ("rule2_diaphoresis", inputs(inducible_clonus=True, diaphoresis=True), "met", (2,)),
    ("rule3_agitation", inputs(ocular_clonus=True, agitation=True), "met", (3,)),
    ("rule3_diaphoresis", inputs(ocular_clonus=True, diaphoresis=True), "met", (3,)),
    ("rule4", inputs(tremor=True, hyperreflexia=True), "met", (4,)),
    ("rule5_ocular", inputs(38.5, hypertonia=True, ocular_clonus=True), "met", (5,)),
    # near misses
    ("none", inputs(), "not_met", ()),
    ("inducible_alone", inputs(inducible_clonus=True), "not_met", ()),
    ("agitation_alone", inputs(agitation=True), "not_met", ()),
    ("diaphoresis_alone", inputs(diaphoresis=True), "not_met", ()),
    ("ocular_alone", inputs(ocular_clonus=True), "not_met", ()),
    ("tremor_alone", inputs(tremor=True), "not_met", ()),
    ("hyperreflexia_alone", inputs(hyperreflexia=True), "not_met", ()),
    ("hypertonia_alone", inputs(hypertonia=True), "not_met", ()),
    ("rule5_temp_exactly_38", inputs(38.0, hypertonia=True, ocular_clonus=True), "not_met", ()),
    ("rule5_no_clonus", inputs(39.5, hypertonia=True), "not_met", ()),
    ("rule5_no_hypertonia", inputs(39.5, ocular_clonus=True), "not_met", ()),
    ("hypertonia_fever_tremor", inputs(39.5, hypertonia=True, tremor=True), "not_met", ()),
    # rule 5 with inducible clonus: rule 2 does not hold (no agitation/diaphoresis) so only rule 5
    ("rule5_inducible", inputs(38.1, hypertonia=True, inducible_clonus=True), "met", (5,)),
    # several at once
    ("rules_1_4", inputs(spontaneous_clonus=True, tremor=True, hyperreflexia=True), "met", (1, 4)),
]


@pytest.mark.parametrize("case,kw,status,rules", CASES, ids=[c[0] for c in CASES])
def test_hunter_table_with_serotonergic_agent(case, kw, status, rules):
    r = hunter_criteria(serotonergic_agent=True, **kw)
    assert r.status == status
    assert r.rules_met == rules
    assert r.met is (status == "met")
    if status == "met":
        assert "serotonergic_agent" in r.triggered_by
        assert r.missing == ()


@pytest.mark.parametrize("case,kw,status,rules", CASES, ids=[c[0] for c in CASES])
def test_hunter_needs_a_serotonergic_agent(case, kw, status, rules):
    r = hunter_criteria(serotonergic_agent=False, **kw)
    assert r.status == "not_applicable"
    assert r.met is False
    assert r.rules_met == rules  # features are still reported


def test_precondition_unknown_with_features_is_incomplete():
    r = hunter_criteria(serotonergic_agent=None, **inputs(tremor=True, hyperreflexia=True))
    assert r.status == "incomplete" and r.met is None
    assert r.missing == ("serotonergic_agent",)
    assert r.rules_met == (4,)


def test_precondition_unknown_without_features_is_not_met():
    assert hunter_criteria(serotonergic_agent=None, **inputs()).status == "not_met"


def test_unknown_inputs_are_listed():
    kw = inputs(inducible_clonus=True)
    kw["agitation"] = None
    kw["diaphoresis"] = None
    r = hunter_criteria(serotonergic_agent=True, **kw)
    assert r.status == "incomplete"
    assert set(r.missing) == {"agitation", "diaphoresis"}
    assert r.rules_unknown == (2,)  # rule 3 is false (ocular clonus absent) whatever agitation is


def test_unknown_temperature_only_matters_for_rule5():
    kw = inputs(hypertonia=True, ocular_clonus=True)
    kw["temperature_c"] = None
    r = hunter_criteria(serotonergic_agent=True, **kw)
    assert r.status == "incomplete" and r.missing == ("temperature_c",)
    kw2 = inputs()
    kw2["temperature_c"] = None
    assert hunter_criteria(serotonergic_agent=True, **kw2).status == "not_met"


def _oracle(sp, ind, oc, ag, di, tr, hr, ht, temp):
    """Dunkley 2003 written out independently as one boolean formula."""
    return (
        sp
        or (ind and (ag or di))
        or (oc and (ag or di))
        or (tr and hr)
        or (ht and temp > 38 and (oc or ind))
    )


def test_exhaustive_against_independent_formula():
    for bits in itertools.product((False, True), repeat=8):
        for temp in (36.5, 38.0, 38.01, 40.0):
            kw = dict(zip(FEATURES, bits, strict=True))
            r = hunter_criteria(serotonergic_agent=True, temperature_c=temp, **kw)
            expected = _oracle(*bits, temp)
            assert r.met is expected, (kw, temp)
            assert r.status == ("met" if expected else "not_met")
