"""A clonus test recorded before or after walking or a knock on the phone (the phone was already
running while it was strapped on): that part is left out and the test is analysed; walking
alone stays "not a clonus test", and a knock that may cut the test short stays indeterminate.
Real walking (gaitmap foot IMU, MIT) and simulated clonus (ground truth beats)."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pytest
from motion_monitor_synth import build

import clonus
from clonus.simulate import simulate_trial
from clonus.simulate.params import Manoeuvre


def _assess(rec):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return clonus.assess(rec)


@pytest.mark.parametrize(
    "plan",
    [
        [("quiet", 3), ("gait",), ("quiet", 5), ("clonus", 1, 6.0, 8.0)],
        [("quiet", 3), ("clonus", 2, 4.0, 8.0), ("quiet", 5), ("gait",), ("quiet", 2)],
    ],
    ids=["walk-then-test", "test-then-walk"],
)
def test_walking_is_left_out_and_the_test_counted(real_data, plan):
    rec, truth = build(plan, rng=np.random.default_rng(1), real_data=real_data)
    gait = next(e for e in truth if e.kind == "gait")
    cl = next(e for e in truth if e.kind == "clonus")
    a = _assess(rec)
    assert a.classification == "clonus", a.reason
    # count within 5 % (runs over 20 beats, issue 3) of the simulator's beats
    assert abs(a.n_beats - cl.n_beats) <= max(1, 0.05 * cl.n_beats), (a.n_beats, cl.n_beats)
    assert cl.start_s < a.stretch_onset_s < cl.clonus_start_s
    # the walking found (the real file's 28 strides take ~30 s, with standing before and after)
    spans = a.metrics["left_out_s"]
    # (widened by one stride + 1 s either side)
    assert all(gait.start_s - 2.5 <= s0 < s1 <= gait.end_s + 2.5 for s0, s1 in spans), spans
    assert sum(s1 - s0 for s0, s1 in spans) >= 25.0
    # and left out of the part analysed
    part = a.metrics["part_s"]
    assert all(part[1] <= s0 or part[0] >= s1 for s0, s1 in spans), (part, spans)
    assert any(w.startswith("Left out") and "(gait or voluntary movement)" in w
               for w in a.warnings)


def test_walking_alone_is_still_not_a_clonus_test(real_data):
    rec, _ = build([("quiet", 4), ("gait",), ("quiet", 4)], rng=np.random.default_rng(2),
                   real_data=real_data)
    a = _assess(rec)
    assert a.classification == "rhythmic_not_clonus" and a.n_beats == 0
    assert "gait or voluntary movement" in a.reason
    assert "part_s" not in a.metrics


def _knocked(push_s, knock_s, *, mode="held", release_s=None, duration_s=18.0):
    """A simulated phone test (200 Hz) with a 12 g knock on the accelerometer at knock_s."""
    m = Manoeuvre(mode=mode, push_start_s=push_s,
                  **({"release_s": release_s} if release_s else {}))
    tr = simulate_trial(mode=mode, gain_ratio=6.0, duration_s=duration_s, seed=5,
                        sensors=("imu",), fs_imu_hz=200.0, manoeuvre=m)
    rec = tr.recording
    d = np.array(rec.data)
    i = int(knock_s * rec.fs)
    acc = [k for k, c in enumerate(rec.channels) if c.kind == "acc"]
    d[acc, i : i + 2] += np.array([[1.0], [0.5], [-0.7]]) * 12 * 9.81
    return replace(rec, data=d), tr.truth


@pytest.mark.parametrize(
    ("push_s", "knock_s", "mode", "release_s"),
    [(6.0, 2.0, "held", None), (2.0, 9.0, "released", 3.0)],
    ids=["knock-before", "knock-after-the-response"],
)
def test_a_knock_away_from_the_test_is_left_out(push_s, knock_s, mode, release_s):
    rec, truth = _knocked(push_s, knock_s, mode=mode, release_s=release_s)
    a = _assess(rec)
    assert a.classification == "clonus", a.reason
    assert abs(a.n_beats - truth.n_beats) <= max(1, 0.05 * truth.n_beats)
    assert abs(a.stretch_onset_s - truth.stretch_onset_s) <= 0.05
    lo, hi = a.metrics["left_out_s"][0]
    assert lo < knock_s < hi and hi - lo <= 2.5
    assert "impact" in a.metrics["left_out_reason"]


def test_a_knock_during_the_test_stays_indeterminate():
    """A knock during held clonus would cut the test short: no count is made up."""
    rec, truth = _knocked(4.0, 10.0)
    assert truth.n_beats > 20 and truth.beat_times_s[-1] > 11.0
    a = _assess(rec)
    assert a.classification == "indeterminate" and a.n_beats == 0
    assert "impact" in a.reason


def test_long_accelerometer_only_recording_is_analysed_where_it_moves(real_data):
    """An accelerometer alone (AX3-like) worn for minutes of rest and walking around one test:
    the long still stretches are left out and the rotating-sensor fit runs on the movement
    (over the whole 7 min the fit drifted with the posture changes of the rest)."""
    plan = [("quiet", 200), ("clonus", 1, 6.0, 10.0), ("quiet", 100), ("gait",), ("quiet", 60)]
    rec, truth = build(plan, rng=np.random.default_rng(1), real_data=real_data)
    cl = next(e for e in truth if e.kind == "clonus")
    a = _assess(rec.pick(kind="acc"))
    assert a.classification == "clonus", a.reason
    assert abs(a.n_beats - cl.n_beats) <= max(1, 0.05 * cl.n_beats)
    assert cl.start_s < a.stretch_onset_s < cl.clonus_start_s
    p0, p1 = a.metrics["part_s"]
    assert p0 < cl.start_s and cl.end_s < p1 and p1 - p0 < 60.0
    assert "at rest" in a.metrics["left_out_reason"]


def test_long_accelerometer_only_rest_and_walking_is_not_clonus(real_data):
    rec, _ = build([("quiet", 100), ("gait",), ("quiet", 60)], rng=np.random.default_rng(3),
                   real_data=real_data)
    a = _assess(rec.pick(kind="acc"))
    assert a.classification != "clonus" and a.n_beats == 0


def test_tests_in_separate_parts_are_all_listed(real_data):
    """Two tests minutes apart, accelerometer only: each is found in its part and both are
    listed, the stronger reported (or the one asked for)."""
    plan = [("quiet", 60), ("clonus", 1, 6.0, 10.0), ("quiet", 90), ("clonus", 2, 4.0, 6.0),
            ("quiet", 30)]
    rec, truth = build(plan, rng=np.random.default_rng(4), real_data=real_data)
    cl = [e for e in truth if e.kind == "clonus"]
    acc = rec.pick(kind="acc")
    a = _assess(acc)
    tests = a.metrics["tests"]
    assert a.metrics["n_tests"] == 2 and len(tests) == 2
    for t, e in zip(tests, cl, strict=True):
        assert e.start_s < t["stretch_onset_s"] < e.clonus_start_s
        assert abs(t["n_beats"] - e.n_beats) <= max(1, 0.05 * e.n_beats)
    strongest = 1 + int(np.argmax([e.n_beats for e in cl]))
    assert a.metrics["test_number"] == strongest
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        other = clonus.assess(acc, config=clonus.detect.motion.MotionConfig(
            test_number=3 - strongest))
    assert other.metrics["test_number"] == 3 - strongest
    n_other = cl[2 - strongest].n_beats
    assert abs(other.n_beats - n_other) <= max(1, 0.05 * n_other)


def test_hours_of_data_are_sent_to_the_monitor():
    """A day of wear given to the test analysis: a clear message, not minutes of fitting."""
    from clonus.model import Recording

    fs = 25.0
    n = int(3 * 3600 * fs)
    acc = np.zeros((3, n))
    acc[2] = 9.81
    rec = Recording.from_array(acc, fs=fs, names=["ax", "ay", "az"], kinds="acc",
                               units="m/s^2")
    a = _assess(rec)
    assert a.classification == "indeterminate" and "clonus monitor" in a.reason


def test_many_movement_periods_are_not_a_test_session(rng):
    from clonus.model import Recording

    fs = 50.0
    n = int(70 * 16 * fs)
    acc = np.tile(np.array([[0.0], [0.0], [9.81]]), (1, n)) + rng.normal(0, 0.01, (3, n))
    t = np.arange(int(fs)) / fs
    for k in range(70):  # 70 one-second movements, 15 s apart
        i = int((k * 16 + 8) * fs)
        acc[0, i : i + t.size] += 3.0 * np.sin(2 * np.pi * 2 * t)
    rec = Recording.from_array(acc, fs=fs, names=["ax", "ay", "az"], kinds="acc",
                               units="m/s^2")
    a = _assess(rec)
    assert a.classification == "indeterminate"
    assert "separate periods of movement" in a.reason
