"""Clinical scales with a clonus item, as versioned data with citations.

Changing a threshold or a definition here means a new ``version`` of that scale; every
:class:`~clonus.model.Grade` records the version it was computed with, so stored grades stay
interpretable. Sources are summarised in ``docs/grades.md`` and in the project's clinical
reference (sections 2 and 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

__all__ = ["Level", "Scale", "SCALES", "BEDSIDE_THRESHOLD_SOURCES", "get_scale"]


@dataclass(frozen=True)
class Level:
    """One grade of a scale: its value, short label and published definition."""

    value: Any
    label: str
    definition: str


@dataclass(frozen=True)
class Scale:
    """A clinical scale (or the clonus item of one).

    Parameters
    ----------
    id : str
        Stable identifier used as key in ``Assessment.grades``.
    name : str
        Full name.
    version : str
        Version of this definition in clonus (bumped when a threshold changes).
    levels : tuple of Level
        The grades this software can assign, in order.
    citation : str
        Source(s) of the definitions.
    notes : str
        Known conflicts or unverified wording.
    """

    id: str
    name: str
    version: str
    levels: tuple[Level, ...]
    citation: str
    notes: str = ""

    def level(self, value: Any) -> Level:
        """The level with this value."""
        for lv in self.levels:
            if lv.value == value:
                return lv
        raise KeyError(f"{self.id} has no level {value!r}")


#: Published bedside thresholds for "pathological" clonus (clinical reference section 2).
BEDSIDE_THRESHOLD_SOURCES: MappingProxyType[int, str] = MappingProxyType(
    {
        3: "Abnormal if >= 3 beats before it stops (FPnotebook quoting DeGowin's Diagnostic "
        "Examination, https://fpnotebook.com/Neuro/Exam/AnklClns.htm)",
        5: "'Sustained clonus (5 beats or more)' is abnormal (Wikipedia as quoted by "
        "https://bearnaiserestaurant.com/helpful-tips/what-is-clonus-a-symptom-of); 'more than 5 "
        "contractions' (WiseGeek, https://wisegeek.net/what-is-clonus.htm); 'beyond about 5 beats' "
        "(Biology-Online, https://www.biology-online.org/dictionary/Ankle_clonus)",
        10: "'Sustained' = >= 10 beats (FPnotebook, https://fpnotebook.com/Neuro/Exam/AnklClns.htm)",
    }
)

BEDSIDE = Scale(
    id="bedside",
    name="Bedside ankle-clonus rule (beat-count threshold)",
    version="1.0",
    levels=(
        Level(
            0,
            "not pathological",
            "fewer beats than the threshold and not sustained; "
            "'a few beats ... within normal limits'",
        ),
        Level(1, "pathological", "at least the threshold number of beats, or sustained clonus"),
    ),
    citation="; ".join(BEDSIDE_THRESHOLD_SOURCES.values())
    + "; Dictionary of Neurological Signs ('a few beats within normal limits; sustained = "
    "pathological'), https://www.minclinic.ru/Dictionary_of_Neurological_Signs/C/Clonus.html",
    notes="Sources conflict (>= 3, >= 5, > 4-5, >= 10 beats; >= 5 s). clonus uses >= 5 beats by "
    "default (the majority of the listed sources); the threshold is configurable "
    "(GradingConfig.bedside_threshold_beats) and printed in every rule.",
)

SCATS_CLONUS = Scale(
    id="scats_clonus",
    name="SCATS (Spinal Cord Assessment Tool for Spastic reflexes), clonus item",
    version="1.0",
    levels=(
        Level(0, "0 = no reaction", "No reaction"),
        Level(1, "1 = mild", "Mild: clonus lasting < 3 s"),
        Level(2, "2 = moderate", "Moderate: clonus lasting 3-10 s"),
        Level(3, "3 = severe", "Severe: clonus lasting > 10 s"),
    ),
    citation="Benz EN, Hornby TG, Bode RK, Scheidt RA, Schmit BD. A physiologically based clinical "
    "measure for spastic reflexes in spinal cord injury. Arch Phys Med Rehabil 2005;86:52-59; "
    "NINDS CDE https://www.commondataelements.ninds.nih.gov/report-viewer/24255/",
    notes="Elicited by rapid imposed ankle dorsiflexion. Exactly 3 s and exactly 10 s are graded 2 "
    "('3-10 s' read as inclusive).",
)

CSI_CLONUS = Scale(
    id="csi_clonus",
    name="Composite Spasticity Index, clonus item",
    version="1.0",
    levels=(
        Level(1, "1 = not elicited", "Clonus not elicited"),
        Level(2, "2 = 1-3 beats", "1-3 beats"),
        Level(3, "3 = 3-10 beats", "3-10 beats"),
        Level(4, "4 = sustained", "Sustained clonus"),
    ),
    citation="Chan CWY. Some techniques for the relief of spasticity and their physiological "
    "basis. Physiother Can 1986;38:85-89; Levin MF, Hui-Chan CWY. Relief of hemiparetic "
    "spasticity by TENS is associated with improvement in reflex and voluntary motor functions. "
    "Electroencephalogr Clin Neurophysiol 1992;85:131-142; Physiopedia 'Composite Spasticity "
    "Index (CSI)'; StrokEngine https://strokengine.ca/en/?p=1796",
    notes="The published wording overlaps at 3 beats (1-3 / 3-10); "
    "GradingConfig.csi_three_beats_grade chooses 2 (default) or 3. More than 10 beats that stop "
    "on their own are graded 4 by default (GradingConfig.csi_sustained_beats = 10, after "
    "FPnotebook's 'sustained = >= 10 beats'). Original 1992 wording unverified.",
)

TARDIEU_QUALITY = Scale(
    id="tardieu_quality",
    name="Tardieu / Modified Tardieu Scale, quality of muscle reaction (X), clonus grades",
    version="1.0",
    levels=(
        Level(
            3,
            "3 = fatigable clonus",
            "Fatigable clonus (< 10 s when pressure is maintained) occurring at a precise angle",
        ),
        Level(
            4,
            "4 = unfatigable clonus",
            "Unfatigable clonus (> 10 s when pressure is maintained) occurring at a precise angle",
        ),
    ),
    citation="Tardieu G et al. 1954; Boyd RN, Graham HK 1999 (Modified Tardieu Scale); Physiopedia "
    "https://www.physio-pedia.com/Tardieu_Scale; NINDS CDE https://cprn.org/frm_display/_ninds-cde/entry/13974/",
    notes="Grades 0-2 (resistance, catch) and 5 (immobile joint) need torque or range-of-motion "
    "measurements and are not assigned from motion alone.",
)

NINDS = Scale(
    id="ninds",
    name="NINDS Myotatic Reflex Scale",
    version="1.0",
    levels=(
        Level(
            4,
            "4 = enhanced with clonus",
            "Reflex enhanced, more than normal, includes clonus "
            "if present (NLM CDE variant: 'a tap elicits a repeating reflex (clonus)')",
        ),
    ),
    citation="Hallett M. NINDS myotatic reflex scale. Neurology 1993;43:2723; Litvan I et al. "
    "Reliability of the NINDS Myotatic Reflex Scale. Neurology 1996;47:969-972; NINDS CDE "
    "https://commondataelements.ninds.nih.gov/report-viewer/24275/",
    notes="Only grade 4 can be inferred from a clonus test; grades 0-3 need a tendon tap. Original "
    "1993 wording unverified.",
)

#: All scales by id.
SCALES: MappingProxyType[str, Scale] = MappingProxyType(
    {s.id: s for s in (BEDSIDE, SCATS_CLONUS, CSI_CLONUS, TARDIEU_QUALITY, NINDS)}
)


def get_scale(scale_id: str) -> Scale:
    """Return the scale definition for ``scale_id`` (one of :data:`SCALES`)."""
    from .._validation import check_option

    check_option("scale_id", scale_id, tuple(SCALES))
    return SCALES[scale_id]
