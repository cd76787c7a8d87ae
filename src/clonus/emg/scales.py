"""Spasm-frequency scales as cited data: Penn Spasm Frequency Scale and Snow et al. 1990.

Both are self-report scales; mapping counted EMG episodes onto them is an *instrumented analogue*
and is labelled as such in every output (clinical-reference.md sections 4.5 and 4.6).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["PENN", "SNOW", "penn_frequency", "snow_frequency"]

PENN = {
    "id": "penn_spasm_frequency",
    "version": "ninds-cde",
    "citation": "Penn Spasm Frequency Scale, NINDS Common Data Elements "
    "(clinical-reference.md 4.5); "
    "Penn RD et al. N Engl J Med 1989;320:1517-1521.",
    "levels": {
        0: "No spasms",
        1: "Mild spasms induced by stimulation",
        2: "Infrequent full spasms, < 1 per hour",
        3: "Spasms > 1 per hour",
        4: "Spasms > 10 per hour",
    },
}

SNOW = {
    "id": "snow_spasm_frequency",
    "version": "1990",
    "citation": "Snow BJ et al. Ann Neurol 1990;28:512-515, Spasm Frequency Score "
    "(clinical-reference.md 4.6; GETM scale sheet).",
    "levels": {
        1: "None",
        2: "<= 1 per day",
        3: "1-5 per day",
        4: "5-9 per day",
        5: ">= 10 per day",
    },
}


@dataclass(frozen=True)
class ScaleValue:
    """A value on a spasm-frequency scale with the rule applied."""

    scale: str
    version: str
    value: int
    label: str
    rule: str
    citation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "version": self.version,
            "value": self.value,
            "label": self.label,
            "rule": self.rule,
            "citation": self.citation,
            "note": "instrumented analogue of a self-report scale",
        }


def penn_frequency(spasms_per_hour: float) -> ScaleValue:
    """Map a spasm rate to the Penn Spasm Frequency Scale.

    Level 1 ("mild spasms induced by stimulation") cannot be seen in EMG alone and is never
    returned. Boundaries: 0 spasms -> 0; rate <= 1/h -> 2; 1 < rate <= 10 -> 3; > 10 -> 4
    (the scale's "< 1" and "> 1" leave exactly 1/h open; we put it in 2).

    Parameters
    ----------
    spasms_per_hour : float
        Spasm count divided by the recorded hours.
    """
    r = float(spasms_per_hour)
    if r <= 0:
        v, rule = 0, "no spasm recorded"
    elif r <= 1:
        v, rule = 2, f"{r:.2f} spasms/h <= 1"
    elif r <= 10:
        v, rule = 3, f"{r:.2f} spasms/h in (1, 10]"
    else:
        v, rule = 4, f"{r:.2f} spasms/h > 10"
    return ScaleValue(
        PENN["id"], PENN["version"], v, f"{v} = {PENN['levels'][v]}", rule, PENN["citation"]
    )


def snow_frequency(spasms_per_day: float) -> ScaleValue:
    """Map a spasm count per 24 h to the Snow et al. 1990 Spasm Frequency Score.

    Boundaries: 0 -> 1; <= 1 -> 2; (1, 5] -> 3; (5, 9] -> 4; >= 10 -> 5 (the published bands
    "1-5" and "5-9" overlap at 5; we put 5 in 3). A rate between 9 and 10 per day (possible
    after scaling a recording that is not 24 h long) goes to 4.

    Parameters
    ----------
    spasms_per_day : float
        Spasm count in 24 h (a rapid run without a pause counts once: one episode).
    """
    r = float(spasms_per_day)
    if r <= 0:
        v, rule = 1, "no spasm recorded"
    elif r <= 1:
        v, rule = 2, f"{r:.2f} spasms/day <= 1"
    elif r <= 5:
        v, rule = 3, f"{r:.2f} spasms/day in (1, 5]"
    elif r < 10:
        v, rule = 4, f"{r:.2f} spasms/day in (5, 10)"
    else:
        v, rule = 5, f"{r:.2f} spasms/day >= 10"
    return ScaleValue(
        SNOW["id"], SNOW["version"], v, f"{v} = {SNOW['levels'][v]}", rule, SNOW["citation"]
    )
