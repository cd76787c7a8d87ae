"""Curated, cited list of serotonergic agents, and matching of free-text medication lists.

The list is used only for the precondition of the Hunter Serotonin Toxicity Criteria ("in the
presence of a serotonergic agent", Dunkley et al. 2003) and to point at "serotonin syndrome and
drug withdrawal" among the conditions to consider. It is **not** exhaustive: a medication that is
not found here is reported as "not recognised", never as "not serotonergic". A clinician or
pharmacist must review the full medication list (prescribed, over-the-counter, supplements and
recreational drugs).

Sources (``SOURCES`` keys)
--------------------------
boyer2005
    Boyer EW, Shannon M. The serotonin syndrome. N Engl J Med 2005;352:1112-1120
    (table of drugs and drug interactions associated with the serotonin syndrome).
dunkley2003
    Dunkley EJC, Isbister GK, Sibbritt D, Dawson AH, Whyte IM. The Hunter Serotonin Toxicity
    Criteria. QJM 2003;96:635-642 (derived in serotonergic-drug overdoses: SSRIs, and others).
fda2011_mb
    US FDA Drug Safety Communication, 26 July 2011 (updated 2011-10-20): serious CNS reactions
    (serotonin syndrome) with methylene blue in patients taking serotonergic psychiatric drugs.
fda2011_lzd
    US FDA Drug Safety Communication, 2011: serotonin syndrome with linezolid (Zyvox) in
    patients taking serotonergic psychiatric drugs.
fda2016_opioids
    US FDA Drug Safety Communication, 22 March 2016: opioid pain medicines and serotonin
    syndrome (label changes for the opioid class; fentanyl, methadone, meperidine, tramadol,
    tapentadol named among those most often reported).
fda2006_triptans
    US FDA Public Health Advisory, 19 July 2006: combined use of 5-HT1 agonists (triptans) with
    SSRIs or SNRIs and serotonin syndrome.
label
    Product labelling with a serotonin-syndrome warning; the specific label is not cited
    (entries marked this way are the first to check in a pharmacist review).

These citations were added for this module and are not in the project's
``clinical-reference.md``; they are listed in ``docs/clinical.md`` for pharmacist review.
Version: :data:`MEDICATION_LIST_VERSION`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "MEDICATION_LIST_VERSION",
    "SOURCES",
    "SerotonergicAgent",
    "SEROTONERGIC_AGENTS",
    "MedicationMatch",
    "find_serotonergic",
    "normalise_name",
]

#: Version of the curated list; changes whenever an entry is added, removed or edited.
MEDICATION_LIST_VERSION = "2026.11-1"

SOURCES: dict[str, str] = {
    "boyer2005": "Boyer EW, Shannon M. The serotonin syndrome. N Engl J Med 2005;352:1112-1120.",
    "dunkley2003": "Dunkley EJC, Isbister GK et al. The Hunter Serotonin Toxicity Criteria. "
    "QJM 2003;96:635-642.",
    "fda2011_mb": "US FDA Drug Safety Communication (2011): methylene blue and serotonergic "
    "psychiatric drugs.",
    "fda2011_lzd": "US FDA Drug Safety Communication (2011): linezolid (Zyvox) and serotonergic "
    "psychiatric drugs.",
    "fda2016_opioids": "US FDA Drug Safety Communication (22 March 2016): opioid pain medicines "
    "and serotonin syndrome.",
    "fda2006_triptans": "US FDA Public Health Advisory (19 July 2006): triptans with SSRIs/SNRIs "
    "and serotonin syndrome.",
    "label": "Product labelling (prescribing information) carries a serotonin-syndrome warning; "
    "specific label not cited here, pending pharmacist review.",
}


@dataclass(frozen=True)
class SerotonergicAgent:
    """One serotonergic agent.

    Parameters
    ----------
    generic : str
        International non-proprietary (generic) name.
    drug_class : str
        Pharmacological class, e.g. ``"SSRI"``.
    names : tuple of str
        Brand names and synonyms that also identify it (matched case-insensitively).
    sources : tuple of str
        Keys of :data:`SOURCES`.
    """

    generic: str
    drug_class: str
    names: tuple[str, ...] = ()
    sources: tuple[str, ...] = ("boyer2005",)

    @property
    def citation(self) -> str:
        return " ".join(SOURCES[s] for s in self.sources)


def _a(generic: str, cls: str, *names: str, src: tuple[str, ...] = ("label",)) -> SerotonergicAgent:
    return SerotonergicAgent(generic, cls, tuple(names), src)


_SSRI = ("boyer2005", "dunkley2003")
_OPI = ("boyer2005", "fda2016_opioids")
_TRI = ("boyer2005", "fda2006_triptans")

#: The curated list (generic name, class, brand names/synonyms, sources).
SEROTONERGIC_AGENTS: tuple[SerotonergicAgent, ...] = (
    # Selective serotonin reuptake inhibitors
    _a("fluoxetine", "SSRI", "Prozac", "Sarafem", src=_SSRI),
    _a("sertraline", "SSRI", "Zoloft", "Lustral", src=_SSRI),
    _a("paroxetine", "SSRI", "Paxil", "Seroxat", "Pexeva", src=_SSRI),
    _a("citalopram", "SSRI", "Celexa", "Cipramil", src=_SSRI),
    _a("escitalopram", "SSRI", "Lexapro", "Cipralex", src=_SSRI),
    _a("fluvoxamine", "SSRI", "Luvox", "Faverin", src=_SSRI),
    # Serotonin-noradrenaline reuptake inhibitors
    _a("venlafaxine", "SNRI", "Effexor", src=_SSRI),
    _a("desvenlafaxine", "SNRI", "Pristiq"),
    _a("duloxetine", "SNRI", "Cymbalta"),
    _a("milnacipran", "SNRI", "Savella", "Ixel"),
    _a("levomilnacipran", "SNRI", "Fetzima"),
    _a(
        "sibutramine",
        "serotonin-noradrenaline reuptake inhibitor (anorectic)",
        "Meridia",
        "Reductil",
        src=("boyer2005",),
    ),
    # Monoamine oxidase inhibitors (including the antibiotic linezolid and methylene blue)
    _a("phenelzine", "MAOI", "Nardil", src=("boyer2005",)),
    _a("tranylcypromine", "MAOI", "Parnate"),
    _a("isocarboxazid", "MAOI", "Marplan", src=("boyer2005",)),
    _a("moclobemide", "MAOI (reversible MAO-A)", "Aurorix", "Manerix", src=_SSRI),
    _a("selegiline", "MAOI (MAO-B)", "Eldepryl", "Emsam", "Zelapar"),
    _a("rasagiline", "MAOI (MAO-B)", "Azilect"),
    _a("linezolid", "MAOI (oxazolidinone antibiotic)", "Zyvox", src=("boyer2005", "fda2011_lzd")),
    _a(
        "methylene blue",
        "MAOI (dye)",
        "methylthioninium chloride",
        "methylthioninium",
        "ProvayBlue",
        src=("fda2011_mb",),
    ),
    # Tricyclic and other antidepressants
    _a("amitriptyline", "TCA", "Elavil"),
    _a("clomipramine", "TCA", "Anafranil", src=_SSRI),
    _a("imipramine", "TCA", "Tofranil"),
    _a("nortriptyline", "TCA", "Pamelor", "Aventyl"),
    _a("doxepin", "TCA", "Sinequan", "Silenor"),
    _a("desipramine", "TCA", "Norpramin"),
    _a("trazodone", "SARI antidepressant", "Desyrel", "Oleptro", src=("boyer2005",)),
    _a("nefazodone", "SARI antidepressant", "Serzone", src=("boyer2005",)),
    _a("vortioxetine", "serotonin modulator", "Trintellix", "Brintellix"),
    _a("vilazodone", "serotonin modulator", "Viibryd"),
    _a("mirtazapine", "NaSSA antidepressant", "Remeron", "Zispin"),
    _a("buspirone", "5-HT1A partial agonist", "Buspar", src=("boyer2005",)),
    _a(
        "lithium",
        "mood stabiliser",
        "Priadel",
        "Camcolit",
        "Lithobid",
        "lithium carbonate",
        src=("boyer2005",),
    ),
    # Opioids
    _a("tramadol", "opioid", "Ultram", "Zydol", "Tramal", src=_OPI),
    _a("tapentadol", "opioid", "Nucynta", "Palexia", src=("fda2016_opioids",)),
    _a("fentanyl", "opioid", "Duragesic", "Actiq", "Sublimaze", "Abstral", src=_OPI),
    _a("meperidine", "opioid", "pethidine", "Demerol", src=_OPI),
    _a("methadone", "opioid", "Dolophine", "Methadose", src=_OPI),
    _a(
        "dextromethorphan",
        "opioid antitussive",
        "DXM",
        "Robitussin DM",
        "Delsym",
        src=("boyer2005",),
    ),
    _a("oxycodone", "opioid", "OxyContin", "Percocet", src=("fda2016_opioids",)),
    _a("buprenorphine", "opioid", "Subutex", "Suboxone", "Butrans", src=("fda2016_opioids",)),
    # Triptans
    _a("sumatriptan", "triptan", "Imitrex", "Imigran", src=_TRI),
    _a("rizatriptan", "triptan", "Maxalt", src=_TRI),
    _a("zolmitriptan", "triptan", "Zomig", src=_TRI),
    _a("naratriptan", "triptan", "Amerge", "Naramig", src=_TRI),
    _a("eletriptan", "triptan", "Relpax", src=_TRI),
    _a("almotriptan", "triptan", "Axert", "Almogran", src=_TRI),
    _a("frovatriptan", "triptan", "Frova", "Migard", src=_TRI),
    # Antiemetics and others
    _a("ondansetron", "5-HT3 antagonist antiemetic", "Zofran", src=("boyer2005",)),
    _a("granisetron", "5-HT3 antagonist antiemetic", "Kytril", "Sancuso", src=("boyer2005",)),
    _a("metoclopramide", "antiemetic", "Reglan", "Maxolon", src=("boyer2005",)),
    _a("cyclobenzaprine", "muscle relaxant", "Flexeril"),
    _a(
        "valproate",
        "anticonvulsant",
        "valproic acid",
        "sodium valproate",
        "Depakote",
        "Epilim",
        src=("boyer2005",),
    ),
    _a("tryptophan", "serotonin precursor", "L-tryptophan", src=("boyer2005",)),
    _a(
        "St John's wort",
        "herbal",
        "Hypericum perforatum",
        "hypericum",
        "St. John's wort",
        "Saint John's wort",
        src=("boyer2005",),
    ),
    # Drugs of abuse
    _a(
        "MDMA",
        "drug of abuse",
        "ecstasy",
        "molly",
        "methylenedioxymethamphetamine",
        src=("boyer2005",),
    ),
    _a(
        "amphetamine",
        "drug of abuse / stimulant",
        "amfetamine",
        "dexamfetamine",
        "dextroamphetamine",
        "Adderall",
    ),
    _a("cocaine", "drug of abuse"),
    _a("LSD", "drug of abuse", "lysergic acid diethylamide", src=("boyer2005",)),
)


def normalise_name(text: str) -> str:
    """Lower-case a medication string, drop apostrophes/dots and collapse other punctuation.

    ``"St. John's Wort 300mg"`` becomes ``"st johns wort 300mg"``.
    """
    t = text.lower().replace("'", "").replace("\u2019", "").replace(".", " ")
    t = re.sub(r"[^a-z0-9]+", " ", t)
    return " ".join(t.split())


def _build_patterns() -> list[tuple[re.Pattern[str], SerotonergicAgent, str]]:
    pats = []
    for agent in SEROTONERGIC_AGENTS:
        for name in (agent.generic, *agent.names):
            key = normalise_name(name)
            pats.append((re.compile(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])"), agent, name))
    # Longest names first, so "desvenlafaxine" is tried before "venlafaxine" would be (the word
    # boundaries already prevent a substring match; ordering keeps the reported alias stable).
    pats.sort(key=lambda p: -len(p[0].pattern))
    return pats


_PATTERNS = _build_patterns()


@dataclass(frozen=True)
class MedicationMatch:
    """A medication entry recognised as a serotonergic agent."""

    entry: str
    agent: SerotonergicAgent
    matched_name: str

    def to_dict(self) -> dict[str, object]:
        return {
            "entry": self.entry,
            "generic": self.agent.generic,
            "class": self.agent.drug_class,
            "matched_name": self.matched_name,
            "citation": self.agent.citation,
        }


def find_serotonergic(medications: Iterable[str]) -> tuple[MedicationMatch, ...]:
    """Find serotonergic agents in a free-text medication list.

    Parameters
    ----------
    medications : iterable of str
        One entry per medication, generic or brand name, with or without dose
        (``"Sertraline 100 mg"``, ``"zoloft"``, ``"St John's wort"``).

    Returns
    -------
    tuple of MedicationMatch
        One match per (entry, agent) pair; entries not recognised are absent (which does
        **not** mean they are not serotonergic).

    Examples
    --------
    >>> [m.agent.generic for m in find_serotonergic(["Zoloft 50mg", "paracetamol"])]
    ['sertraline']
    """
    out: list[MedicationMatch] = []
    for entry in medications:
        text = normalise_name(str(entry))
        seen: set[str] = set()
        for pat, agent, name in _PATTERNS:
            if agent.generic not in seen and pat.search(text):
                seen.add(agent.generic)
                out.append(MedicationMatch(str(entry), agent, name))
    return tuple(out)
