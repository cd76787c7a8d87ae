"""Serotonergic agents: brand and generic names, case-insensitive, no false positives."""

from __future__ import annotations

import pytest

from clonus.clinical import SEROTONERGIC_AGENTS, find_serotonergic
from clonus.clinical.medications import SOURCES

CASES = [
    ("Sertraline 100 mg", "sertraline"),
    ("ZOLOFT", "sertraline"),
    ("prozac 20mg", "fluoxetine"),
    ("Effexor XR", "venlafaxine"),
    ("desvenlafaxine", "desvenlafaxine"),
    ("Linezolid 600 mg IV", "linezolid"),
    ("Zyvox", "linezolid"),
    ("methylthioninium chloride", "methylene blue"),
    ("Methylene Blue", "methylene blue"),
    ("amitriptyline 10 mg at night", "amitriptyline"),
    ("Tramadol", "tramadol"),
    ("fentanyl patch", "fentanyl"),
    ("pethidine", "meperidine"),
    ("Demerol", "meperidine"),
    ("methadone", "methadone"),
    ("Robitussin DM cough syrup", "dextromethorphan"),
    ("sumatriptan", "sumatriptan"),
    ("Imitrex", "sumatriptan"),
    ("lithium carbonate", "lithium"),
    ("St. John's Wort", "St John's wort"),
    ("st johns wort", "St John's wort"),
    ("Hypericum perforatum extract", "St John's wort"),
    ("ecstasy", "MDMA"),
    ("Zofran 4mg", "ondansetron"),
]


@pytest.mark.parametrize("entry,generic", CASES)
def test_recognised(entry, generic):
    found = find_serotonergic([entry])
    assert [m.agent.generic for m in found] == [generic]
    assert found[0].entry == entry


@pytest.mark.parametrize(
    "entry",
    [
        "paracetamol 1 g",
        "ibuprofen",
        "baclofen 10 mg",
        "tizanidine",
        "metformin",
        "levothyroxine",
        "atorvastatin",
        "vitamin D",
    ],
)
def test_not_serotonergic(entry):
    assert find_serotonergic([entry]) == ()


def test_desvenlafaxine_is_not_also_venlafaxine():
    assert [m.agent.generic for m in find_serotonergic(["Pristiq (desvenlafaxine)"])] == [
        "desvenlafaxine"
    ]


def test_every_agent_is_cited():
    required = {
        "fluoxetine",
        "sertraline",
        "venlafaxine",
        "phenelzine",
        "linezolid",
        "methylene blue",
        "amitriptyline",
        "tramadol",
        "fentanyl",
        "meperidine",
        "methadone",
        "dextromethorphan",
        "sumatriptan",
        "lithium",
        "St John's wort",
        "MDMA",
        "ondansetron",
    }
    generics = {a.generic for a in SEROTONERGIC_AGENTS}
    assert required <= generics
    for a in SEROTONERGIC_AGENTS:
        assert a.sources and all(s in SOURCES for s in a.sources), a.generic
        assert a.citation
