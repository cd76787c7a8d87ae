"""Recomputing an assessment from reviewer-corrected beats (:mod:`clonus.web.review`)."""

from __future__ import annotations

import numpy as np
import pytest

from clonus.exceptions import InvalidParameterError
from clonus.model import Assessment
from clonus.web.review import recompute_assessment


def _auto(times, *, onset=1.0, sustained=False):
    from clonus.grade import grade_all

    beats = [{"time_s": t, "amplitude": 3.0, "period_s": None} for t in times]
    n = len(times)
    a = Assessment.from_dict({
        "n_beats": n, "beats": beats, "amplitude_unit": "deg", "frequency_hz": 6.0,
        "clonus_duration_s": 1.0, "sustained": sustained, "stretch_onset_s": onset,
        "classification": "clonus", "reason": "auto", "pathological": True,
        "grades": {k: g.to_dict() for k, g in grade_all(n_beats=n, duration_s=1.0,
                                                        sustained=sustained,
                                                        hold_duration_s=4.0).items()},
        "channel": "gyro", "fs_hz": 100.0, "software_version": "t",
        "metrics": {"hold_duration_s": 4.0}})
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
    # from one period before the first beat (start of its cycle) to the last beat
    assert out["clonus_duration_s"] == pytest.approx(2.0 - 1.2 + 0.2)
    assert out["beats"][1]["period_s"] == pytest.approx(0.2)
    assert out["beats"][0]["amplitude"] == 3.0  # kept from the automatic beat
    assert out["classification"] == "clonus" and out["pathological"] is True
    assert out["metrics"]["review"]["automatic"]["n_beats"] == [4, 5]


def test_beats_before_onset_dropped_and_close_beats_merged():
    auto = _auto([1.2, 1.4, 1.6])
    out = recompute_assessment(auto, beat_times_s=[0.5, 1.2, 1.25, 1.4, 1.6],
                               stretch_onset_s=1.0)
    # 0.5 s precedes the stretch; 1.25 s is < 80 ms after 1.2 s (one beat)
    assert [b["time_s"] for b in out["beats"]] == pytest.approx([1.2, 1.4, 1.6])
    assert any("before the stretch onset" in w for w in out["warnings"])


def test_few_beats_no_frequency_and_grades_recomputed():
    auto = _auto([1.2, 1.4, 1.6, 1.8], sustained=True)
    out = recompute_assessment(auto, beat_times_s=[1.2, 1.4], stretch_onset_s=1.0)
    assert out["n_beats"] == 2 and out["frequency_hz"] is None
    assert out["classification"] == "no_clonus" and out["pathological"] is True  # sustained
    none = recompute_assessment(auto, beat_times_s=[], stretch_onset_s=1.0)
    assert none["n_beats"] == 0 and none["clonus_duration_s"] == 0.0
    assert none["sustained"] is False and none["pathological"] is False
    from clonus.grade import grade_all

    expected = grade_all(n_beats=0, duration_s=0.0, sustained=False, hold_duration_s=4.0)
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
