"""Recomputing an assessment from reviewer-corrected beats (:mod:`clonus.web.review`).

Expected values are derived by hand from the beat times given (not from the function), and the
grades are compared with :func:`clonus.grade.grade_all` called on those hand-derived inputs.
"""

from __future__ import annotations

import numpy as np
import pytest

import clonus.grade as grade  # noqa: E402
from clonus.exceptions import InvalidParameterError
from clonus.model import Assessment
from clonus.web.review import recompute_assessment


def _auto(times, *, onset=1.0, peak=1.1, sustained=False, bedside_threshold=5, hold_s=4.0):
    n = len(times)
    cfg = grade.GradingConfig(bedside_threshold_beats=bedside_threshold)
    grades = grade.grade_all(n_beats=n, duration_s=1.0, sustained=sustained,
                             hold_duration_s=hold_s, config=cfg)
    a = Assessment.from_dict({
        "n_beats": n, "beats": [{"time_s": t, "amplitude": 3.0, "period_s": None} for t in times],
        "amplitude_unit": "deg", "frequency_hz": 6.0, "clonus_duration_s": 1.0,
        "sustained": sustained, "stretch_onset_s": onset, "classification": "clonus",
        "reason": "auto", "pathological": True,
        "grades": {k: g.to_dict() for k, g in grades.items()},
        "channel": "gyro", "fs_hz": 100.0, "software_version": "t",
        "metrics": {"hold_duration_s": hold_s, "stretch": {"onset_s": onset, "peak_s": peak},
                    "continued_until_release": False},
        "config": {"grading": cfg.to_dict()}})
    return a.to_dict()


TRACE = {"times_s": list(np.arange(0, 4, 0.01)),
         "values": list(2.0 * np.sin(2 * np.pi * 6.0 * np.arange(0, 4, 0.01))),
         "unit": "deg", "label": "angle"}


def test_counts_frequency_duration_from_beats():
    auto = _auto([1.2, 1.4, 1.6, 1.8])
    out = recompute_assessment(auto, beat_times_s=[1.8, 1.2, 1.6, 1.4, 2.0],
                               stretch_onset_s=1.0)
    assert out["n_beats"] == 5
    assert [b["time_s"] for b in out["beats"]] == pytest.approx([1.2, 1.4, 1.6, 1.8, 2.0])
    assert out["frequency_hz"] == pytest.approx(5.0)  # 1 / median 0.2 s interval
    assert out["clonus_duration_s"] == pytest.approx(2.0 - 1.1)  # stretch peak to last beat
    assert out["beats"][1]["period_s"] == pytest.approx(0.2)
    assert out["beats"][0]["amplitude"] == 3.0  # kept from the automatic beat
    assert out["classification"] == "clonus"
    assert out["pathological"] is True  # 5 beats >= bedside threshold 5
    assert out["metrics"]["review"]["automatic"]["n_beats"] == [4, 5]
    expected = grade.grade_all(n_beats=5, duration_s=0.9, sustained=False, hold_duration_s=4.0,
                               continued_until_release=False)
    assert {k: g["value"] for k, g in out["grades"].items()} == \
        {k: g.value for k, g in expected.items()}


def test_grading_thresholds_of_the_automatic_analysis_are_kept():
    auto = _auto([1.2, 1.4, 1.6, 1.8], bedside_threshold=3)
    out = recompute_assessment(auto, beat_times_s=[1.2, 1.4, 1.6], stretch_onset_s=1.0)
    assert out["grades"]["bedside"]["inputs"]["threshold_beats"] == 3
    assert out["pathological"] is True  # 3 beats >= 3
    default = recompute_assessment(_auto([1.2, 1.4, 1.6, 1.8]), beat_times_s=[1.2, 1.4, 1.6],
                                   stretch_onset_s=1.0)
    assert default["pathological"] is False  # 3 beats < 5


def test_moving_onset_moves_stretch_peak_and_drops_earlier_beats():
    auto = _auto([1.2, 1.4, 1.6])
    out = recompute_assessment(auto, beat_times_s=[0.5, 1.2, 1.25, 1.4, 1.6],
                               stretch_onset_s=1.05)
    # 0.5 s precedes the stretch; 1.25 s is < 80 ms after 1.2 s (one beat)
    assert [b["time_s"] for b in out["beats"]] == pytest.approx([1.2, 1.4, 1.6])
    assert any("before the stretch onset" in w for w in out["warnings"])
    assert out["stretch_onset_s"] == 1.05
    assert out["clonus_duration_s"] == pytest.approx(1.6 - (1.1 + 0.05))


def test_few_beats_and_none():
    auto = _auto([1.2, 1.4, 1.6, 1.8], sustained=True)
    two = recompute_assessment(auto, beat_times_s=[1.2, 1.4], stretch_onset_s=1.0)
    assert two["n_beats"] == 2 and two["frequency_hz"] is None  # needs >= 3 beats
    assert two["classification"] == "clonus"
    one = recompute_assessment(auto, beat_times_s=[1.2], stretch_onset_s=1.0)
    assert one["classification"] == "no_clonus" and one["pathological"] is False
    none = recompute_assessment(auto, beat_times_s=[], stretch_onset_s=1.0)
    assert none["n_beats"] == 0 and none["clonus_duration_s"] == 0.0
    assert none["sustained"] is False and none["pathological"] is False
    expected = grade.grade_all(n_beats=0, duration_s=0.0, sustained=False, hold_duration_s=4.0)
    assert {k: g["value"] for k, g in none["grades"].items()} == \
        {k: g.value for k, g in expected.items()}


def test_added_beat_amplitude_from_trace():
    auto = _auto([1.2, 1.4, 1.6])
    out = recompute_assessment(auto, beat_times_s=[1.2, 1.4, 1.6, 2.0], stretch_onset_s=1.0,
                               trace=TRACE)
    # peak-to-peak of a 2-deg-amplitude sine over a full cycle: 4 deg (sampling at 100 Hz
    # misses the exact peaks by < 2 %)
    assert out["beats"][-1]["amplitude"] == pytest.approx(4.0, rel=0.03)


@pytest.mark.parametrize("times,onset", [([float("nan")], None), ([-0.1], None),
                                         ([1.0], -2.0), ([1.0], float("inf"))])
def test_invalid_input(times, onset):
    with pytest.raises(InvalidParameterError):
        recompute_assessment(_auto([1.2]), beat_times_s=times, stretch_onset_s=onset)
