"""Clinical grades: each scale's published bands, conflicts as configuration, indeterminate."""

from __future__ import annotations

import pytest

from clonus.exceptions import InvalidParameterError
from clonus.grade import SCALES, GradingConfig, grade_all
from clonus.model import Grade


def g(**kw):
    kw.setdefault("sustained", False)
    kw.setdefault("hold_duration_s", 12.0)
    return grade_all(**kw)


def test_all_scales_present_with_version_and_citation():
    out = g(n_beats=7, duration_s=1.3)
    assert set(out) == {"bedside", "scats_clonus", "csi_clonus", "tardieu_quality", "ninds"}
    for sid, gr in out.items():
        assert isinstance(gr, Grade)
        assert gr.version == SCALES[sid].version and gr.citation
        assert Grade.from_dict(gr.to_dict()) == gr


@pytest.mark.parametrize("dur,expected", [(0.5, 1), (2.99, 1), (3.0, 2), (10.0, 2), (10.01, 3)])
def test_scats_duration_bands(dur, expected):
    # Benz 2005: < 3 s mild, 3-10 s moderate, > 10 s severe
    assert g(n_beats=5, duration_s=dur)["scats_clonus"].value == expected


def test_scats_no_reaction():
    assert g(n_beats=0, duration_s=0.0)["scats_clonus"].value == 0


@pytest.mark.parametrize("n,expected", [(0, 1), (1, 2), (2, 2), (4, 3), (10, 3), (11, 4)])
def test_csi_beat_bands(n, expected):
    assert g(n_beats=n, duration_s=n * 0.2)["csi_clonus"].value == expected


def test_csi_overlap_at_three_beats_is_configurable():
    assert g(n_beats=3, duration_s=0.6)["csi_clonus"].value == 2
    r = grade_all(
        n_beats=3, duration_s=0.6, sustained=False, config=GradingConfig(csi_three_beats_grade=3)
    )["csi_clonus"]
    assert r.value == 3 and "overlap" in r.rule


@pytest.mark.parametrize("thr", [3, 5, 10])
def test_bedside_threshold_choice_in_rule(thr):
    cfg = GradingConfig(bedside_threshold_beats=thr)
    below = grade_all(n_beats=thr - 1, duration_s=1.0, sustained=False, config=cfg)["bedside"]
    at = grade_all(n_beats=thr, duration_s=1.0, sustained=False, config=cfg)["bedside"]
    assert below.value == 0 and at.value == 1
    assert f"threshold {thr}" in at.rule


def test_bedside_default_is_five_and_sustained_always_pathological():
    assert g(n_beats=4, duration_s=0.8)["bedside"].value == 0
    assert g(n_beats=5, duration_s=1.0)["bedside"].value == 1
    assert g(n_beats=2, duration_s=11.0, sustained=True)["bedside"].value == 1


def test_tardieu_fatigable_unfatigable_and_not_maintained():
    assert g(n_beats=50, duration_s=11.0, sustained=True)["tardieu_quality"].value == 4
    assert (
        g(n_beats=10, duration_s=2.0, continued_until_release=False)["tardieu_quality"].value == 3
    )
    r = grade_all(
        n_beats=3,
        duration_s=0.6,
        sustained=False,
        hold_duration_s=0.5,
        continued_until_release=True,
    )["tardieu_quality"]
    assert r.value is None and "released" in r.rule
    assert g(n_beats=0, duration_s=0.0)["tardieu_quality"].value is None


def test_ninds_grade_four_only_with_clonus():
    assert g(n_beats=2, duration_s=0.4)["ninds"].value == 4
    assert g(n_beats=1, duration_s=0.2)["ninds"].value is None


def test_indeterminate_gives_no_grade():
    out = grade_all(n_beats=None, duration_s=None, sustained=False)
    assert all(v.value is None and "indeterminate" in v.rule for v in out.values())


@pytest.mark.parametrize(
    "kw",
    [
        {"bedside_threshold_beats": 0},
        {"csi_three_beats_grade": 4},
        {"scats_bands_s": (10.0, 3.0)},
        {"tardieu_hold_s": -1.0},
    ],
)
def test_invalid_config(kw):
    with pytest.raises(InvalidParameterError):
        GradingConfig(**kw)


def test_invalid_inputs():
    with pytest.raises(InvalidParameterError):
        grade_all(n_beats=-1, duration_s=0.0, sustained=False)
    with pytest.raises(InvalidParameterError):
        grade_all(n_beats=3, duration_s=0.0, sustained=False, config={"bedside_threshold_beats": 3})
