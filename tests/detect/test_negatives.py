"""What looks like clonus but is not, and bad input: never a made-up count."""

from __future__ import annotations

import numpy as np
import pytest
from motion_synth import clean_angle, make_recording

from clonus import Recording
from clonus.detect.motion import assess_motion


def _gyro(data, fs=200.0):
    return Recording.from_array(
        data, fs=fs, names=["gyro_x", "gyro_y", "gyro_z"], kinds="gyro", units="rad/s"
    )


@pytest.mark.parametrize("freq_hz", [4.0, 6.0, 8.0, 10.0, 12.0])
@pytest.mark.parametrize("sensor", ["gyro", "goniometer"])
def test_tremor_without_stretch_is_rhythmic_not_clonus(freq_hz, sensor, rng):
    t, th, _ = clean_angle(
        duration_s=6.0,
        freq_hz=5.0,
        n_beats=0,
        amp_deg=0.0,
        stretch_deg=0.0,
        tremor_hz=freq_hz,
        tremor_deg=2.0,
    )
    a = assess_motion(make_recording(t, th, fs=200.0, sensor=sensor, rng=rng))
    assert a.classification == "rhythmic_not_clonus"
    assert a.n_beats == 0 and not a.pathological
    # no clonus beats, so no clonus frequency; the rhythm's own frequency is reported apart
    assert a.frequency_hz is None
    assert a.metrics["rhythm_frequency_hz"] == pytest.approx(freq_hz, abs=0.15)


def test_tremor_then_stretch_is_not_clonus(rng):
    t, th, _ = clean_angle(
        duration_s=7.0,
        freq_hz=5.0,
        n_beats=0,
        amp_deg=0.0,
        stretch_deg=12.0,
        push_s=3.0,
        tremor_hz=5.0,
        tremor_deg=2.0,
    )
    a = assess_motion(make_recording(t, th, fs=200.0, sensor="gyro", rng=rng))
    assert a.classification == "rhythmic_not_clonus"
    assert "before the stretch" in a.reason
    assert a.metrics["rhythm_frequency_hz"] == pytest.approx(5.0, abs=0.15)


@pytest.mark.parametrize("freq_hz", [10.0, 12.0])
def test_examiner_hand_tremor_is_not_clonus(freq_hz, rng):
    t, th, _ = clean_angle(
        duration_s=6.0,
        freq_hz=5.0,
        n_beats=0,
        amp_deg=0.0,
        stretch_deg=12.0,
        tremor_hz=freq_hz,
        tremor_deg=1.5,
        tremor_start_s=0.5,
    )
    a = assess_motion(make_recording(t, th, fs=200.0, sensor="gyro", rng=rng))
    assert a.classification in ("rhythmic_not_clonus", "no_clonus")
    assert a.n_beats <= 1 and not a.pathological


def test_knock_is_not_a_stretch(rng):
    fs = 200.0
    n = 1600
    tk = np.arange(40) / fs
    ring = 8 * np.exp(-tk / 0.03) * np.sin(2 * np.pi * 30 * tk)  # 30 Hz ringing of a tap
    g = rng.normal(0, 0.005, (3, n))
    g[:, 800:840] += np.array([[1.0], [0.6], [0.3]]) * ring
    a = assess_motion(_gyro(g, fs))
    assert a.classification == "indeterminate"
    assert "impulse" in a.reason and a.n_beats == 0


def test_drop_is_indeterminate(rng):
    fs, n = 200.0, 1600
    acc = np.tile(np.array([[0.0], [0.0], [9.81]]), (1, n)) + rng.normal(0, 0.03, (3, n))
    acc[:, 600:680] = rng.normal(0, 0.05, (3, 80))  # free fall
    acc[:, 680:684] = 120.0  # impact
    g = rng.normal(0, 0.005, (3, n))
    g[:, 600:700] += 6 * np.sin(np.linspace(0, 20, 100))
    rec = Recording.from_array(
        np.vstack([g, acc]),
        fs=fs,
        names=["gyro_x", "gyro_y", "gyro_z", "acc_x", "acc_y", "acc_z"],
        kinds=["gyro"] * 3 + ["acc"] * 3,
        units=["rad/s"] * 3 + ["m/s^2"] * 3,
    )
    a = assess_motion(rec)
    assert a.classification == "indeterminate" and "dropped" in a.reason


def _clonus_gyro(rng):
    t, th, tr = clean_angle(duration_s=6.0, freq_hz=6.0, n_beats=20, amp_deg=3.0, stretch_deg=15.0)
    return make_recording(t, th, fs=200.0, sensor="gyro", rng=rng), tr


@pytest.mark.parametrize("damage", ["flat", "short", "low_fs", "clipped", "nan_gap", "frozen"])
def test_bad_input_is_indeterminate(damage, rng):
    rec, _ = _clonus_gyro(rng)
    d = rec.data.copy()
    fs = 200.0
    if damage == "flat":
        d = np.zeros_like(d)
    elif damage == "short":
        d = d[:, :150]
    elif damage == "low_fs":
        d, fs = d[:, ::10], 20.0  # below the 25 Hz minimum
    elif damage == "clipped":
        lim = 0.6 * np.abs(d).max()
        d = np.clip(d, -lim, lim)
    elif damage == "nan_gap":
        d[:, 500:540] = np.nan
    elif damage == "frozen":
        d[:, 500:540] = d[:, 499:500]
    a = assess_motion(_gyro(d, fs))
    assert a.classification == "indeterminate"
    assert a.n_beats == 0 and a.frequency_hz is None and not a.pathological
    assert all(g.value is None for g in a.grades.values())
    assert a.reason


def test_short_gap_is_interpolated_with_a_warning(rng):
    rec, tr = _clonus_gyro(rng)
    d = rec.data.copy()
    d[:, 500:505] = np.nan  # 25 ms
    a = assess_motion(_gyro(d))
    assert a.classification == "clonus"
    assert abs(a.n_beats - tr.n_beats) <= 1
    assert any("interpolated" in w for w in a.warnings)


@pytest.mark.requires_data
@pytest.mark.parametrize(
    "name", ["imu_sample.csv", "imu_sample_ms_left.csv", "imu_sample_ms_right.csv"]
)
def test_real_gait_is_not_clonus(name, real_data):
    import clonus

    rec = clonus.read(real_data / "gaitmap_foot_imu" / name)
    a = clonus.assess(rec)
    assert a.classification in ("rhythmic_not_clonus", "no_clonus")
    assert not a.pathological


def test_simulated_examiner_tremor_is_not_clonus():
    sim = pytest.importorskip("clonus.simulate")
    from clonus.simulate.params import Manoeuvre

    # below the clonus gain, 10 Hz hand tremor (reflex-model section 7) shakes the held foot
    tr = sim.simulate_trial(
        mode="held",
        gain_ratio=1.0,
        seed=4,
        manoeuvre=Manoeuvre(mode="held", tremor_nm=1.0, tremor_hz=10.0),
    )
    a = assess_motion(tr.recording)
    assert a.classification == "rhythmic_not_clonus"
    assert "10.0 Hz" in a.reason and not a.pathological


@pytest.mark.requires_data
@pytest.mark.parametrize(
    "rel",
    [
        "wearable_exports/shimmer/read_test_data.csv",
        "wearable_exports/delsys_trigno/truncated_trigno_sample.csv",
        "wearable_exports/empatica_e4/ACC.csv",
    ],
)
def test_real_wearable_exports_are_not_clonus(rel, real_data):
    """Real recordings without clonus (devicely/emgio samples): never 'clonus', never a count."""
    import warnings

    import clonus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reader unit/resampling notes are not under test here
        groups = clonus.read_all(real_data / rel)
    motion = [g for g in groups if {c.kind for c in g.channels} & {"gyro", "acc", "angle"}]
    assert motion
    for g in motion:
        a = clonus.assess(g)
        assert a.classification != "clonus" and a.n_beats == 0


def test_rhythm_without_stretch_is_not_graded(rng):
    t, th, _ = clean_angle(
        duration_s=6.0,
        freq_hz=5.0,
        n_beats=0,
        amp_deg=0.0,
        stretch_deg=0.0,
        tremor_hz=6.0,
        tremor_deg=2.0,
    )
    a = assess_motion(make_recording(t, th, fs=200.0, sensor="gyro", rng=rng))
    assert a.classification == "rhythmic_not_clonus" and a.stretch_onset_s is None
    assert all(g.value is None and "no examiner stretch" in g.rule for g in a.grades.values())


def test_rhythm_from_the_first_second_says_to_record_from_before_the_stretch(rng):
    """Recording started during clonus (stretch not recorded): not called clonus, and the
    warning says how to record it."""
    fs = 200.0
    t = np.arange(0, 6, 1 / fs)
    th = np.deg2rad(10.0 + 2.0 * np.sin(2 * np.pi * 6.0 * t))
    rec = Recording.from_array(th[None, :] + rng.normal(0, 1e-4, (1, t.size)), fs=fs,
                               names=["ankle"], kinds="angle", units="rad")
    a = assess_motion(rec)
    assert a.classification == "rhythmic_not_clonus" and a.n_beats == 0
    assert any("record the test again, starting before the stretch" in w for w in a.warnings)
