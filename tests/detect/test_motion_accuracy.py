"""Accuracy of the motion clonus-test analysis against ground truth.

Truth comes from analytic signals (``motion_synth``: the shared beat definition applied to the
clean angle) and from the reflex simulator (``clonus.simulate``), never from the detector.
"""

from __future__ import annotations

import numpy as np
import pytest
from motion_synth import clean_angle, make_recording, trial

from clonus.detect.motion import MotionConfig, assess_motion


def _count_ok(n_found: int, n_true: int) -> bool:
    # issue target: exact or within 1 beat; within 5 % for runs over 20 beats
    tol = 1 if n_true <= 20 else max(1, int(0.05 * n_true))
    return abs(n_found - n_true) <= tol


def test_analytic_trials_meet_accuracy_targets():
    """80 randomised trials: fs 50-1000 Hz, random orientation, noise, jitter, held/released."""
    rng = np.random.default_rng(20261121)
    n_ok = s_ok = total = 0
    f_err = []
    for _ in range(2):
        for fs in (50, 100, 200, 500, 1000):
            for sensor in ("gyro", "goniometer"):
                for mode, kind in (
                    ("held", "sustained"),
                    ("held", "fatigable"),
                    ("held", "few"),
                    ("released", "few"),
                ):
                    rec, tr = trial(
                        rng,
                        fs=fs,
                        sensor=sensor,
                        mode=mode,
                        kind=kind,
                        jitter_s=0.002 if fs <= 200 else 0.0005,
                    )
                    a = assess_motion(rec)
                    total += 1
                    n_ok += _count_ok(a.n_beats, tr.n_beats)
                    s_ok += a.sustained == tr.sustained
                    if mode == "held" and tr.n_beats >= 5:
                        f_err.append(abs(a.frequency_hz - tr.frequency_hz))
    assert n_ok / total >= 0.95, f"beat count within tolerance in {n_ok}/{total}"
    assert s_ok / total >= 0.98, f"sustained correct in {s_ok}/{total}"
    # issue target: frequency error <= 0.15 Hz (runs of >= 5 beats, where frequency is defined
    # robustly; with 3-4 beats on a release slope the median interval is ill-conditioned)
    assert max(f_err) <= 0.15


@pytest.mark.parametrize("fs", [50.0, 200.0, 1000.0])
def test_beat_times_and_stretch_onset(fs, rng):
    t, th, tr = clean_angle(duration_s=6.0, freq_hz=6.0, n_beats=15, amp_deg=3.0, decay_per_s=-0.1)
    a = assess_motion(make_recording(t, th, fs=fs, sensor="gyro", rng=rng))
    assert a.classification == "clonus"
    assert a.n_beats == tr.n_beats
    found = np.array([b.time_s for b in a.beats])
    # 10 ms: parabolic interpolation gives sub-sample timing even at 50 Hz (20 ms samples)
    assert np.max(np.abs(found - tr.beat_times_s)) < 0.010
    # onset is where velocity exceeds 10 % of its peak: within 50 ms of the push start
    assert abs(a.stretch_onset_s - tr.stretch_onset_s) < 0.05
    assert abs(a.frequency_hz - tr.frequency_hz) < 0.05
    assert a.amplitude_unit == "deg"
    # amplitudes are peak-to-peak of a 3 deg oscillation decaying at 0.1/s
    amps = np.array([b.amplitude for b in a.beats])
    assert 1.5 < np.median(amps) < 3.5
    assert a.metrics["decay_rate_per_s"] == pytest.approx(-0.1, abs=0.08)


def test_orientation_does_not_change_result():
    t, th, tr = clean_angle(duration_s=5.0, freq_hz=5.0, n_beats=12, amp_deg=2.5)
    counts = set()
    for seed in range(4):
        rec = make_recording(t, th, fs=200.0, sensor="gyro", rng=np.random.default_rng(seed))
        a = assess_motion(rec)
        counts.add(a.n_beats)
        # the axis found is a unit vector
        assert np.linalg.norm(a.metrics["axis"]) == pytest.approx(1.0, abs=1e-9)
    assert counts == {tr.n_beats}


def test_goniometer_and_accelerometer_paths(rng):
    t, th, tr = clean_angle(duration_s=6.0, freq_hz=6.0, n_beats=20, amp_deg=3.0)
    for sensor in ("goniometer", "acc"):
        a = assess_motion(make_recording(t, th, fs=200.0, sensor=sensor, rng=rng))
        assert a.classification == "clonus"
        assert _count_ok(a.n_beats, tr.n_beats)
    assert any("accelerometer only" in w for w in a.warnings)


def test_sustained_vs_fatigable(rng):
    t, th, tr = clean_angle(duration_s=12.0, freq_hz=5.5, n_beats=None, amp_deg=3.0)
    a = assess_motion(make_recording(t, th, fs=100.0, sensor="gyro", rng=rng))
    assert tr.sustained and a.sustained
    assert a.grades["tardieu_quality"].value == 4
    t, th, tr = clean_angle(duration_s=12.0, freq_hz=5.5, n_beats=12, amp_deg=3.0)
    a = assess_motion(make_recording(t, th, fs=100.0, sensor="gyro", rng=rng))
    assert not a.sustained and a.metrics["continued_until_release"] is False
    assert a.grades["tardieu_quality"].value == 3
    assert a.metrics["held_to_end_of_recording"] is True


def test_bedside_threshold_is_configurable(rng):
    from clonus.grade import GradingConfig

    t, th, tr = clean_angle(duration_s=4.0, freq_hz=6.0, n_beats=4, amp_deg=3.0)
    rec = make_recording(t, th, fs=200.0, sensor="gyro", rng=rng)
    assert tr.n_beats == 4
    a5 = assess_motion(rec)
    a3 = assess_motion(rec, config=MotionConfig(grading=GradingConfig(bedside_threshold_beats=3)))
    assert a5.n_beats == a3.n_beats == 4
    assert not a5.pathological and a3.pathological
    assert ">= threshold 3" in a3.grades["bedside"].rule


def test_simulator_trials():
    sim = pytest.importorskip("clonus.simulate")
    rng = np.random.default_rng(7)
    n_ok = s_ok = total = 0
    f_err = []
    for i in range(16):
        mode = ("held", "released")[i % 2]
        fs = (50.0, 100.0, 200.0, 500.0, 1000.0)[i % 5]
        g = float(rng.uniform(0.5, 6.0))
        sensors = ("goniometer",) if i % 3 == 0 else ("imu",)
        tr = sim.simulate_trial(
            mode=mode,
            gain_ratio=g,
            seed=i,
            sensors=sensors,
            fs_imu_hz=fs,
            jitter_s=float(rng.choice([0.0, 0.001, 0.003])),
        )
        a = assess_motion(tr.recording)
        n = tr.truth.n_beats
        total += 1
        n_ok += _count_ok(a.n_beats, n)
        s_ok += a.sustained == tr.truth.sustained
        # frequency is compared where the truth is a clonus rhythm (>= 5 beats, median interval
        # < 0.4 s); near the critical gain the truth holds sporadic beats seconds apart whose
        # "frequency" (e.g. 1.3 Hz) is not a clonus frequency
        bt = np.asarray(tr.truth.beat_times_s)
        if n >= 5 and tr.truth.frequency_hz is not None and np.median(np.diff(bt)) < 0.4:
            f_err.append(abs(a.frequency_hz - tr.truth.frequency_hz))
    # Near the critical gain the simulated oscillation hovers around the 0.5 deg prominence and
    # 1 deg sustained thresholds, where sensor noise decides single beats; the measured rates on
    # 60 trials are in docs/motion.md. This sample of 16 must keep >= 14 right.
    assert n_ok >= total - 2, f"beat count within tolerance in {n_ok}/{total}"
    assert s_ok >= total - 2, f"sustained correct in {s_ok}/{total}"
    assert f_err and max(f_err) <= 0.15


def test_central_oscillator_mode_is_clonus():
    """reflex-model section 9: the detector must flag the central-oscillator mode as clonus."""
    sim = pytest.importorskip("clonus.simulate")
    tr = sim.simulate_trial(mode="held", gain_ratio=1.0, seed=3, central=True)
    a = assess_motion(tr.recording)
    assert a.classification == "clonus"
    assert _count_ok(a.n_beats, tr.truth.n_beats)
    assert a.frequency_hz == pytest.approx(tr.truth.frequency_hz, abs=0.15)


def test_public_api_trace_spectrum_and_round_trip(rng):
    import clonus
    from clonus.model import Assessment

    t, th, tr = clean_angle(duration_s=5.0, freq_hz=6.0, n_beats=10, amp_deg=3.0)
    rec = make_recording(t, th, fs=200.0, sensor="gyro", rng=rng)
    a = clonus.assess(rec)
    assert a.trace is not None and a.trace.unit == "deg" and len(a.trace.values) == rec.n_samples
    # the trace is the angle: its values at the beat times are near the stretch level (12 deg)
    i = np.searchsorted(a.trace.times_s, a.beats[0].time_s)
    assert 8.0 < a.trace.values[i] < 16.0
    f = a.spectrum.times_s[np.argmax(a.spectrum.values * (a.spectrum.times_s > 2.5))]
    assert f == pytest.approx(6.0, abs=0.5)  # spectral resolution 0.5 Hz (2 s windows)
    b = Assessment.from_dict(a.to_dict())
    assert b.n_beats == a.n_beats and b.grades == a.grades
    # one gyro axis only: still analysable when it carries most of the rotation
    ax = int(np.argmax(np.abs(a.metrics["axis"])))
    one = clonus.assess(rec, channel=rec.ch_names[ax])
    assert one.channel == rec.ch_names[ax]
    assert one.classification == "clonus" or abs(a.metrics["axis"][ax]) < 0.7


def test_accelerometer_only_on_simulated_phone():
    """The simulated phone's accelerometer alone (gravity tilt + tangential acceleration)."""
    sim = pytest.importorskip("clonus.simulate")
    cfg = MotionConfig(source="acc")
    for mode, g in (("held", 4.5), ("released", 5.0)):
        tr = sim.simulate_trial(mode=mode, gain_ratio=g, seed=21, fs_imu_hz=200.0)
        a = assess_motion(tr.recording, config=cfg)
        assert a.metrics["source_kind"] == "acc"
        assert a.classification == "clonus"
        assert _count_ok(a.n_beats, tr.truth.n_beats)
        assert a.sustained == tr.truth.sustained
