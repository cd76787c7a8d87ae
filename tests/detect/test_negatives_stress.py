"""Small, fast subset of the negatives stress benchmark (``benchmarks/negatives``).

Realistic non-clonus motion (tremors, examiner hand tremor, gait, phone handling, a stretch
followed by drift, foot tapping, shivering) generated with physiologically grounded parameters
(cited in ``benchmarks/negatives/generators.py``) must never be classified ``clonus``: the
ground truth is "no clonus" by construction.

``FIXED`` are former false positives, each rejected by one of the rules the negatives benchmark
led to (``min_pre_stretch_s``, earlier rhythm at the beats' frequency, ``pre_oscillation_fraction``,
``stretch_max_excursion_deg``; docs/motion.md). Cases still called clonus are marked
``xfail(strict=True)`` with the reason (ambiguous by motion alone, see the README).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

import clonus

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks" / "negatives"))
from generators import case_seed, make_case  # noqa: E402


def _assess(rec):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reader/analysis notes are not under test here
        return clonus.assess(rec)


# categories with no false positive in the benchmark (seed 0, 30 per category): 3 cases each
PASSING = [
    "physiological_tremor",
    "orthostatic_tremor",
    "examiner_tremor_hold",
    "stretch_then_drift",
    "gait",
    "phone_handling",
]


@pytest.mark.parametrize("category", PASSING)
def test_stress_negatives_are_not_clonus(category):
    for i in range(3):
        rec, params = make_case(category, case_seed(0, category, i))
        a = _assess(rec)
        assert a.classification != "clonus", (params, a.reason)
        assert not a.pathological


def _xfail(reason: str):
    return pytest.mark.xfail(strict=True, reason=reason)


# (category, seed) of false positives found by benchmarks/negatives/run.py (seed 0); the first
# five are fixed (foot tapping: beats larger than the stretch are declined), the last still fails
CASES = [
    pytest.param(
        "shivering",
        1913937825,
        id="shivering_irregular_broadband",  # fixed by the broadband-irregularity rule
    ),
    pytest.param(
        "foot_tapping",
        3897137009,
        id="foot_tapping_toe_strikes",  # fixed by the impact-per-cycle check
    ),
    pytest.param(
        "pd_rest_tremor",
        2774236152,
        id="pd_tremor_stretch_at_start",
    ),
    pytest.param(
        "shivering",
        498983761,
        id="shivering_burst_at_start",
    ),
    pytest.param(
        "pd_tremor_exam",
        815202505,
        id="pd_tremor_earlier_spell",
    ),
    pytest.param(
        "examiner_tremor_push",
        4071452302,
        id="examiner_tremor_before_push",
    ),
    pytest.param(
        "foot_tapping",
        1835617947,
        id="foot_tapping_3.4Hz",
    ),
    pytest.param(
        "foot_tapping",
        3150110430,
        id="foot_tapping_50Hz_toe_strikes",  # held-out seed 2: strikes above fs/4 at 50 Hz
    ),
    pytest.param(
        "foot_tapping",
        2061857804,
        id="foot_tapping_50Hz_toe_strikes_b",  # held-out seed 3
    ),
    pytest.param(
        "examiner_tremor_push",
        229721532,
        marks=_xfail(
            "Not fixed: 8.3 Hz hand tremor starting 0.44 s before the "
            "push is inside the clonus range 2.5-8.5 Hz (ambiguous by motion alone)"
        ),
        id="examiner_tremor_8.3Hz",
    ),
]


@pytest.mark.parametrize(("category", "seed"), CASES)
def test_stress_false_positives(category, seed):
    rec, params = make_case(category, seed)
    a = _assess(rec)
    assert a.classification != "clonus", (params, a.reason)


# former false positives (negatives seeds 0-5) rejected by the rule named in the reason:
# "upswing" - the foot moved down by >= 0.3 x the stretch within one beat period before it
# (a tremor spell or shivering whose first large cycle was taken as the stretch);
# "tapping the floor" - every beat comes back down to the rest level, bottoms steadier than
# tops, beats as large as the first lift (no accelerometer to hear the toe strikes, or strikes
# too soft); "already present before the stretch" - examiner hand tremor whose fitted 0.4 deg
# before the push fell under the former 0.5 deg floor of the pre-oscillation rule (a quiet
# sensor now gets half of it), or that started only 0.3-0.4 s before the push and was diluted
# by the 0.5 s fit window (above 6 Hz the last 3 periods are fitted too). Each was called
# clonus before its rule.
RULE_CASES = [
    pytest.param("pd_rest_tremor", 3268337306, "upswing", id="pd_spell_goniometer_50Hz"),
    pytest.param("pd_rest_tremor", 2874022628, "upswing", id="pd_tremor_from_start_imu"),
    # removed by the upswing rule first; the 3-period pre-oscillation fit, earlier in the
    # chain, now sees its tremor before the push
    pytest.param("examiner_tremor_hold", 109480957, "already present before the stretch",
                 id="examiner_tremor_8Hz"),
    pytest.param("shivering", 2335661876, "upswing", id="shivering_burst"),
    pytest.param("examiner_tremor_push", 2246528944, "already present before the stretch",
                 id="hand_tremor_0.4deg_clean_gyro"),  # pre-oscillation floor 0.5 -> 0.25 deg
    pytest.param("examiner_tremor_push", 3441867537, "already present before the stretch",
                 id="hand_tremor_8.4Hz_60Hz"),
    pytest.param("examiner_tremor_push", 2682946679, "already present before the stretch",
                 id="hand_tremor_from_0.33s_before"),  # 3-period fit window above 6 Hz
    pytest.param("examiner_tremor_push", 1477843375, "already present before the stretch",
                 id="hand_tremor_from_0.41s_before"),
    pytest.param("foot_tapping", 275538141, "tapping the floor", id="tapping_gyro_60Hz"),
    pytest.param("foot_tapping", 2028023536, "tapping the floor", id="tapping_gonio_400Hz"),
    pytest.param("foot_tapping", 3251475668, "tapping the floor", id="tapping_imu_60Hz"),
]


@pytest.mark.parametrize(("category", "seed", "rule"), RULE_CASES)
def test_rule_rejects_former_false_positive(category, seed, rule):
    rec, params = make_case(category, seed)
    a = _assess(rec)
    assert a.classification == "rhythmic_not_clonus", (params, a.reason)
    assert rule in a.reason, a.reason


@pytest.mark.requires_data
def test_real_gait_window_is_not_clonus(real_data):
    """6 s window of real foot-IMU walking (person with MS, gaitmap sample, MIT): a 61 deg gait
    swing at 0.11 s was taken as the stretch before ``stretch_max_excursion_deg`` and
    ``min_pre_stretch_s``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = clonus.read(real_data / "gaitmap_foot_imu" / "imu_sample_ms_left.csv")
    a = _assess(rec.crop(0.0, 6.0))
    assert a.classification != "clonus", a.reason
