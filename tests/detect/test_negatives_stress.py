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
from clonus.detect.motion import MotionConfig
from clonus.exceptions import InvalidParameterError

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
    # essential tremor in a recording that starts mid-tremor (accelerometer, 50 Hz): its first
    # peak came 0.07 s before the "stretch" (one upswing of the tremor), less than the full
    # cycle the rhythm-from-the-start rule asks for, and the fall before it was not judged on an
    # accelerometer-fitted angle (negatives seed 2, index 12)
    pytest.param("essential_tremor", 4211171800, "through the 'stretch'",
                 id="et_recording_starts_mid_tremor"),
    # postural essential tremor waxing as the foot is lifted (accelerometer, 400 Hz): the
    # first three beats, 9.3, 8.4 and 7.3 deg, all exceed the 6.5 deg "stretch" (negatives
    # seed 4, index 16)
    pytest.param("essential_tremor", 2433972818, "are all larger than the 'stretch'",
                 id="et_postural_first_beats_over_stretch"),
]


@pytest.mark.parametrize(("category", "seed", "rule"), RULE_CASES)
def test_rule_rejects_former_false_positive(category, seed, rule):
    rec, params = make_case(category, seed)
    a = _assess(rec)
    assert a.classification == "rhythmic_not_clonus", (params, a.reason)
    assert rule in a.reason, a.reason


def test_late_plateau_top_does_not_make_late_tremor_stretch_locked():
    """Re-emergent PD tremor (0.95 deg at 4.35 Hz, goniometer 60 Hz; negatives seed 4, index
    27) started 1.4 s after the push. A top 1.2 s after the stretch peak, on a foot that had not
    fallen by a beat's size, was taken as the end of the stretch's plateau and the first-beat
    delay was counted from it: 20 small beats were called clonus. Plateau tops now lie within
    ``max_first_beat_delay_s`` of the stretch peak."""
    rec, params = make_case("pd_tremor_exam", 2211253851)
    a = _assess(rec)
    assert a.classification != "clonus", (params, a.reason)
    t_pk = a.metrics["stretch"]["peak_s"]
    tops = a.metrics.get("stretch_plateau_tops_s", [])
    assert all(t - t_pk <= MotionConfig().max_first_beat_delay_s for t in tops), tops


def test_irregular_small_beats_do_not_count_for_their_number():
    """Examiner hand tremor (0.35 deg at 8.1 Hz) on a 0.3 deg goniometer at 200 Hz (negatives
    seed 6, index 17): five 0.56-0.70 deg peaks at intervals of 0.115-0.265 s (CV 0.40) reached
    the bedside threshold and were called clonus for their number. Beats that are all small must
    keep a regular rhythm (``small_beats_max_cv``)."""
    rec, params = make_case("examiner_tremor_push", 3361382715)
    a = _assess(rec)
    assert a.classification == "no_clonus", (params, a.reason)
    assert "too irregular" in a.reason, a.reason
    assert a.metrics["small_beats_cv"] > MotionConfig().small_beats_max_cv
    # the threshold is the user's: allowing any irregularity restores the old verdict
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loose = clonus.assess(rec, config=MotionConfig(small_beats_max_cv=10.0))
    assert loose.classification == "clonus", loose.reason


def test_small_beats_max_cv_must_be_positive():
    with pytest.raises(InvalidParameterError):
        MotionConfig(small_beats_max_cv=0.0)


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
