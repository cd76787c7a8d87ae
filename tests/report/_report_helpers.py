"""Synthetic assessments with known beats (ground truth by construction, not detector output)."""

from __future__ import annotations

import numpy as np

from clonus.model import Assessment, Beat, Grade, Run, Trace


def _grades(n_beats: int, duration_s: float, sustained: bool) -> dict[str, Grade]:
    # Values follow the published tables (clinical-reference.md §4.1, §4.2, §4.4) for the
    # synthetic numbers; the real grading lives in clonus.grade (motion helper).
    scats = 0 if n_beats == 0 else (1 if duration_s < 3 else (2 if duration_s <= 10 else 3))
    csi = 1 if n_beats == 0 else (2 if n_beats <= 3 else (3 if not sustained else 4))
    tardieu = 4 if sustained else (3 if n_beats else 2)
    return {
        "scats_clonus": Grade(
            "scats_clonus",
            "benz2005-v1",
            scats,
            f"{scats} = SCATS clonus",
            f"duration {duration_s:.2f} s",
            {"duration_s": duration_s},
            "Benz et al. 2005 (clinical-reference.md §4.1)",
        ),
        "csi_clonus": Grade(
            "csi_clonus",
            "levin1992-v1",
            csi,
            f"{csi} = CSI clonus",
            f"{n_beats} beats",
            {"n_beats": n_beats},
            "clinical-reference.md §4.2",
        ),
        "tardieu_quality": Grade(
            "tardieu_quality",
            "tardieu-v1",
            tardieu,
            f"{tardieu} = Tardieu X",
            "sustained" if sustained else "fatigable",
            {"sustained": sustained},
            "clinical-reference.md §4.4",
        ),
    }


def make_assessment(
    *,
    n_beats: int = 8,
    freq_hz: float = 6.0,
    fs_hz: float = 200.0,
    record_s: float = 6.0,
    amp_deg: float = 3.0,
    stretch_s: float = 1.0,
    sustained: bool = False,
    classification: str | None = None,
    periods_s: np.ndarray | None = None,
    source: str = "trial_a.csv",
    with_trace: bool = True,
    grades: dict | None = None,
) -> Assessment:
    """Stretch ramp at ``stretch_s`` to 10 deg, then ``n_beats`` cycles of a sinusoid.

    Beat k is the peak of the k-th sine cycle; beat times are ``t0 + cumsum(periods_s)``, so the
    inter-beat intervals are exactly ``periods_s`` (ground truth by construction).
    """
    if periods_s is None:
        periods_s = np.full(max(n_beats - 1, 0), 1.0 / freq_hz)
    t0 = stretch_s + 0.2
    beat_times = list(t0 + np.concatenate([[0.0], np.cumsum(periods_s)])[:n_beats])
    t = np.arange(int(record_s * fs_hz)) / fs_hz
    x = np.where(t >= stretch_s, 10.0 * np.clip((t - stretch_s) / 0.1, 0, 1), 0.0)
    per = np.concatenate([periods_s, [1.0 / freq_hz]]) if n_beats else np.array([])
    for k in range(n_beats):
        T = per[k]
        start = beat_times[k] - T / 4  # one sine cycle whose peak is exactly at the beat time
        m = (t >= start) & (t < start + T)
        x[m] += amp_deg * np.sin(2 * np.pi * (t[m] - start) / T)
    beats = tuple(
        Beat(float(bt), 2 * amp_deg, None if k == 0 else float(beat_times[k] - beat_times[k - 1]))
        for k, bt in enumerate(beat_times)
    )
    duration = float(beat_times[-1] - beat_times[0]) if n_beats >= 2 else 0.0
    if classification is None:
        classification = "clonus" if n_beats >= 3 else "no_clonus"
    freq = float(1.0 / np.median(periods_s)) if n_beats >= 3 else None
    runs = (Run(beat_times[0], beat_times[-1], n_beats, freq),) if n_beats >= 3 else ()
    return Assessment(
        n_beats=n_beats,
        beats=beats,
        amplitude_unit="deg",
        frequency_hz=freq,
        clonus_duration_s=duration,
        sustained=sustained,
        stretch_onset_s=stretch_s,
        classification=classification,
        reason="synthetic test signal",
        grades=grades if grades is not None else _grades(n_beats, duration, sustained),
        pathological=n_beats > 4,
        channel="angle",
        fs_hz=fs_hz,
        software_version="0.1.0",
        runs=runs,
        config={"min_prominence_deg": 0.5, "min_interval_s": 0.08},
        source=source,
        trace=Trace(t, x, "deg", "plantar/dorsiflexion angle") if with_trace else None,
    )
