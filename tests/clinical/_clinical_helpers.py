"""Small assessments for the decision-rule tests (numbers set by hand, not by a detector)."""

from __future__ import annotations

from clonus.model import Assessment, Beat, Grade


def small_assessment(
    *,
    n_beats: int = 6,
    classification: str | None = None,
    sustained: bool = False,
    scats: int | None = None,
    tardieu: int | None = None,
    stretch_onset_s: float | None = 1.0,
) -> Assessment:
    beats = tuple(Beat(1.2 + k / 6.0, 4.0, None if k == 0 else 1 / 6.0) for k in range(n_beats))
    if classification is None:
        classification = "clonus" if n_beats >= 3 else "no_clonus"
    grades = {}
    if scats is not None:
        grades["scats_clonus"] = Grade("scats_clonus", "v1", scats, f"{scats}", "set by test")
    if tardieu is not None:
        grades["tardieu_quality"] = Grade(
            "tardieu_quality", "v1", tardieu, f"{tardieu}", "set by test"
        )
    return Assessment(
        n_beats=n_beats,
        beats=beats,
        amplitude_unit="deg",
        frequency_hz=6.0 if n_beats >= 3 else None,
        clonus_duration_s=max(n_beats - 1, 0) / 6.0,
        sustained=sustained,
        stretch_onset_s=stretch_onset_s,
        classification=classification,
        reason="set by test",
        grades=grades,
        pathological=n_beats > 4,
        channel="angle",
        fs_hz=200.0,
        software_version="0.1.0",
    )
