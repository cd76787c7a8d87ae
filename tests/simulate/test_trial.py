"""simulate_trial interface, sensors, ground truth, files and CLI."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

import clonus
from clonus.exceptions import InvalidParameterError, SamplingRateError
from clonus.simulate import (
    PARAM_RANGES,
    CentralParams,
    Manoeuvre,
    ReflexParams,
    critical_gain,
    sample_manoeuvre,
    sample_params,
    simulate_trial,
)

TRUTH_KEYS = {"n_beats", "beat_times_s", "frequency_hz", "sustained", "stretch_onset_s",
              "clonus_start_s", "clonus_end_s", "emg_burst_onsets_s", "emg_burst_offsets_s",
              "critical_gain", "critical_frequency_hz", "mode", "params", "seed"}


def test_truth_contract_and_json():
    tr = simulate_trial(mode="held", gain_ratio=6.0, duration_s=12.0, seed=3)
    d = tr.truth.to_dict()
    assert TRUTH_KEYS <= set(d)
    json.dumps(d)  # serialisable
    assert d["n_beats"] == len(d["beat_times_s"])
    assert d["mode"] == "held" and d["seed"] == 3
    assert d["params"]["gain"] == pytest.approx(6.0 * d["critical_gain"])
    g_c, f_c = critical_gain(ReflexParams.from_dict(d["params"]))
    assert d["critical_gain"] == pytest.approx(g_c) and d["critical_frequency_hz"] == f_c
    # Beats come after the imposed stretch's peak and are >= 80 ms apart.
    bt = np.array(d["beat_times_s"])
    assert bt[0] > tr.truth.stretch_peak_s > tr.truth.stretch_onset_s
    assert np.all(np.diff(bt) >= 0.08)
    assert len(d["emg_burst_onsets_s"]) == len(d["emg_burst_offsets_s"])
    assert np.all(np.array(d["emg_burst_offsets_s"]) > np.array(d["emg_burst_onsets_s"]))


def test_truth_frequency_matches_beats():
    tr = simulate_trial(mode="held", gain=0.03, seed=0)
    bt = np.array(tr.truth.beat_times_s)
    assert tr.truth.frequency_hz == pytest.approx(1 / np.median(np.diff(bt)))
    np.testing.assert_allclose(tr.truth.instantaneous_frequency_hz, 1 / np.diff(bt))
    assert tr.truth.clonus_start_s == bt[0] or tr.truth.clonus_start_s in bt
    none = simulate_trial(mode="held", gain_ratio=1.0, seed=0, duration_s=4.0)
    assert none.truth.n_beats <= 2 and none.truth.frequency_hz is None
    assert none.truth.clonus_start_s is None and not none.truth.sustained


def test_sustained_needs_a_ten_second_hold():
    short = simulate_trial(mode="held", gain=0.04, seed=0, duration_s=8.0)
    assert short.truth.n_beats > 20 and not short.truth.sustained  # hold < 10 s: not judged
    assert short.truth.tardieu_grade == 3


def test_reproducible_from_seed():
    kw = dict(mode="held", gain_ratio=5.0, duration_s=4.0, sensors=("imu", "goniometer"),
              jitter_s=0.002)
    a, b = simulate_trial(seed=7, **kw), simulate_trial(seed=7, **kw)
    c = simulate_trial(seed=8, **kw)
    np.testing.assert_array_equal(a.recording.data, b.recording.data)
    np.testing.assert_array_equal(a.timestamps_s, b.timestamps_s)
    assert a.truth.to_dict() == b.truth.to_dict()
    assert not np.array_equal(a.recording.data, c.recording.data)


def test_imu_aligned_noise_free_matches_mechanics():
    tr = simulate_trial(mode="held", gain=0.03, seed=0, duration_s=4.0, sensors=("imu",),
                        orientation="aligned", noise=False, fs_imu_hz=1000.0)
    rec, sim = tr.recording, tr.sim
    assert rec.fs == 1000.0 and [c.kind for c in rec.channels] == ["gyro"] * 3 + ["acc"] * 3
    assert rec.channels[0].unit == "rad/s" and rec.channels[3].unit == "m/s^2"
    om = np.interp(rec.times_s, sim.t_s, sim.omega_rad_s)
    np.testing.assert_allclose(rec.get("gyro_z"), om, atol=1e-12)
    np.testing.assert_allclose(rec.get("gyro_x"), 0.0, atol=1e-12)
    # At rest the accelerometer reads gravity (9.81 m/s^2 specific force).
    acc = rec.data[3:6, :100]
    np.testing.assert_allclose(np.linalg.norm(acc, axis=0), clonus.units.G0, rtol=1e-6)


def test_random_orientation_preserves_rotation_magnitude():
    kw = dict(mode="held", gain=0.03, seed=4, duration_s=3.0, noise=False)
    a = simulate_trial(orientation="aligned", **kw).recording
    r = simulate_trial(orientation="random", **kw).recording
    R = np.array(r.metadata["rotation_foot_to_phone"])
    assert not np.allclose(R, np.eye(3), atol=0.05)
    np.testing.assert_allclose(np.linalg.norm(r.data[:3], axis=0),
                               np.abs(a.get("gyro_z")), atol=1e-5)
    np.testing.assert_allclose(R @ a.data[:3], r.data[:3], atol=1e-5)


def test_jitter_gives_irregular_timestamps():
    tr = simulate_trial(mode="held", gain=0.03, seed=1, duration_s=3.0, jitter_s=0.001)
    ts = tr.timestamps_s
    assert ts.size == tr.recording.n_samples
    d = np.diff(ts)
    assert np.all(d > 0) and np.std(d) > 5e-4
    assert "timestamps_s" not in tr.recording.metadata
    plain = simulate_trial(mode="held", gain=0.03, seed=1, duration_s=3.0)
    np.testing.assert_allclose(np.diff(plain.timestamps_s), 1 / 200.0)


def test_goniometer_noise_and_quantisation():
    tr = simulate_trial(mode="held", gain=0.03, seed=1, duration_s=4.0,
                        sensors=("goniometer",))
    ang = tr.recording.get("angle")
    assert tr.recording.channels[0].kind == "angle" and tr.recording.channels[0].unit == "rad"
    deg = np.degrees(ang)
    np.testing.assert_allclose(deg, np.round(deg, 1), atol=1e-9)  # 0.1° steps
    true = np.degrees(np.interp(tr.timestamps_s, tr.sim.t_s, tr.sim.theta_rad))
    assert 0.2 < np.std(deg - true) < 0.4  # spec: N(0, 0.3°)


def test_emg_modes_and_combined_recording():
    tr = simulate_trial(mode="held", gain=0.03, seed=2, duration_s=4.0,
                        sensors=("imu", "emg", "emg_mu"), fs_imu_hz=100.0, fs_emg_hz=1000.0)
    assert set(tr.recordings) == {"motion", "emg"}
    assert tr.recordings["motion"].fs == 100.0 and tr.recordings["emg"].fs == 1000.0
    rec = tr.recording
    assert rec.fs == 1000.0 and rec.ch_names[-2:] == ["emg", "emg_mu"]
    for name in ("emg", "emg_mu"):
        x = tr.recordings["emg"].get(name)
        t = tr.recordings["emg"].times_s
        on = np.zeros_like(t, dtype=bool)
        for a, b in zip(tr.truth.emg_burst_onsets_s, tr.truth.emg_burst_offsets_s, strict=True):
            on |= (t >= a) & (t <= b)
        rms_on, rms_off = np.sqrt(np.mean(x[on] ** 2)), np.sqrt(np.mean(x[~on & (t < 0.5)] ** 2))
        assert rms_on > 5 * rms_off  # bursts stand out of the artefact floor
        assert 20e-6 < rms_on < 1e-3   # tens to hundreds of uV (reference 189 / 70 uV)


def test_central_mode_frequency_independent_of_delay_and_inertia():
    f = []
    for d, jf in ((0.03, 0.015), (0.06, 0.015), (0.04, 0.030)):
        p = ReflexParams(foot_inertia_kg_m2=jf)
        tr = simulate_trial(mode="held", gain=0.02, delay_s=d, params=p, seed=0,
                            duration_s=6.0, central=True, noise=False)
        assert tr.truth.mechanism == "central" and tr.truth.n_beats > 20
        f.append(tr.truth.frequency_hz)
    # Walsh & Wright 1987: frequency unchanged; the oscillator runs at 6 Hz.
    np.testing.assert_allclose(f, CentralParams().freq_hz, atol=0.1)
    rel = simulate_trial(mode="released", gain=0.02, seed=0, duration_s=6.0, central=True)
    assert not rel.truth.sustained and rel.truth.n_beats <= 6


def test_sample_params_within_ranges(rng):
    for _ in range(20):
        p = sample_params(rng)
        for name, (lo, hi) in PARAM_RANGES.items():
            assert lo <= getattr(p, name) <= hi, name
        assert 0.034 <= p.loop_delay_s <= 0.051
        assert p.threshold_hz >= p.ia_rest_rate_hz + 5.0  # pool silent at rest
        m = sample_manoeuvre(rng, mode="released")
        assert 8 <= m.push_torque_nm <= 25 and m.release_s > m.push_end_s


def test_params_round_trip_and_validation():
    p = ReflexParams(gain=0.03)
    assert ReflexParams.from_dict(p.to_dict()) == p
    with pytest.raises(InvalidParameterError, match="Unknown ReflexParams"):
        ReflexParams.from_dict({"bogus": 1})
    with pytest.raises(InvalidParameterError, match="twitch_time_s"):
        ReflexParams(twitch_time_s=0.0)
    with pytest.raises(InvalidParameterError, match="mode"):
        Manoeuvre(mode="pushed")
    assert any(r["symbol"] == "Tc" and "Sale" in r["source"] for r in ReflexParams.describe())


@pytest.mark.parametrize("kwargs, match", [
    ({"mode": "hold"}, "mode"),
    ({"gain": 0.02, "gain_ratio": 2.0}, "either gain or gain_ratio"),
    ({"sensors": ("camera",)}, "sensors"),
    ({"duration_s": 0.5}, "duration_s"),
    ({"jitter_s": -1.0}, "jitter_s"),
    ({"orientation": "sideways"}, "orientation"),
    ({"orientation": np.ones((3, 3))}, "rotation matrix"),
    ({"seed": -3}, "seed"),
    ({"gain_ratio": float("nan")}, "gain_ratio"),
])
def test_bad_arguments_raise_clear_errors(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        simulate_trial(duration_s=kwargs.pop("duration_s", 3.0), **kwargs)


def test_bad_sampling_rate():
    with pytest.raises(SamplingRateError, match="fs_imu_hz"):
        simulate_trial(fs_imu_hz=0, duration_s=3.0)


def test_write_and_read_back(tmp_path):
    from clonus.simulate import write_trial

    tr = simulate_trial(mode="held", gain=0.03, seed=1, duration_s=4.0,
                        sensors=("imu", "goniometer", "emg"), jitter_s=0.001)
    paths = write_trial(tr, tmp_path / "trial.zip", truth_path=tmp_path / "truth.json")
    assert [p.name for p in paths] == ["trial.zip", "trial.edf", "truth.json"]
    mot = clonus.read(tmp_path / "trial.zip")
    assert {"gyro", "acc", "angle"} <= {c.kind for c in mot.channels}
    assert mot.fs == pytest.approx(200.0, rel=0.01)
    truth_angle = np.interp(mot.times_s, tr.sim.t_s, tr.sim.theta_rad)
    ang = mot.get([c.name for c in mot.channels if c.kind == "angle"][0])
    # Goniometer noise 0.3° plus resampling of jittered samples: within 1.5° everywhere.
    assert np.max(np.abs(np.degrees(ang - truth_angle))) < 1.5
    emg = clonus.read(tmp_path / "trial.edf")
    assert emg.channels[0].kind == "emg" and emg.fs == 2000.0
    n = tr.recordings["emg"].n_samples
    np.testing.assert_allclose(emg.data[0, :n], tr.recordings["emg"].data[0], atol=2e-7)
    assert json.loads((tmp_path / "truth.json").read_text())["n_beats"] == tr.truth.n_beats


def test_cli_simulate(tmp_path, capsys):
    from clonus.cli.main import main

    out, truth = tmp_path / "r.zip", tmp_path / "t.json"
    rc = main(["simulate", "--mode", "released", "--gain-ratio", "5", "--delay-s", "0.045",
               "--duration-s", "4", "--seed", "9", "--out", str(out), "--truth", str(truth)])
    assert rc == 0 and out.exists()
    d = json.loads(truth.read_text())
    assert d["mode"] == "released" and d["seed"] == 9 and not d["sustained"]
    assert d["params"]["afferent_delay_s"] + d["params"]["efferent_delay_s"] == \
        pytest.approx(0.045)
    assert d["params"]["gain"] == pytest.approx(5 * d["critical_gain"])
    for k in ("n_beats", "beat_times_s", "frequency_hz", "critical_frequency_hz"):
        assert k in d
    rec = clonus.read(out)
    assert rec.n_samples > 700
    assert "wrote" in capsys.readouterr().out
    rc = main(["simulate", "--mode", "sideways", "--out", str(out)])
    assert rc == 4 and "mode" in capsys.readouterr().err


def test_cli_simulate_edf_and_figure(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    from clonus.cli.main import main

    out, fig = tmp_path / "e.edf", tmp_path / "f.png"
    rc = main(["simulate", "--mode", "held", "--gain", "0.03", "--duration-s", "4",
               "--out", str(out), "--figure", str(fig), "--json"])
    assert rc == 0
    d = json.loads(capsys.readouterr().out)
    assert d["n_beats"] > 10
    assert clonus.read(out).channels[0].kind == "emg"
    assert fig.stat().st_size > 10_000
    inh = tmp_path / "inh.png"
    assert main(["simulate-figure", str(inh), "--kind", "inhibition"]) == 0
    assert inh.stat().st_size > 10_000
    assert main(["simulate-figure", str(inh), "--kind", "bogus"]) == 4


def test_linear_mode_dataclass_replace_keeps_frozen():
    p = ReflexParams()
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.gain = 1.0  # type: ignore[misc]


def test_servo_push_gives_clonus_with_realistic_phone_acceleration():
    import math

    servo = Manoeuvre(push_kind="servo", push_amplitude_rad=math.radians(15.0),
                      push_duration_s=0.10)
    assert math.degrees(servo.push_peak_velocity_rad_s) == pytest.approx(281.25)  # 100-300°/s
    tr = simulate_trial(mode="held", gain=0.02, manoeuvre=servo, seed=0, noise=False,
                        orientation="aligned")
    assert tr.truth.sustained and 4.5 < tr.truth.frequency_hz < 5.5
    # The imposed path is followed: peak dorsiflexion within 3° of 15° above rest (the
    # reflex contraction resists the servo a little).
    rise = math.degrees(tr.sim.theta_rad.max() - ReflexParams().rest_angle_rad)
    assert 12.0 < rise < 16.0
    acc_g = np.max(np.linalg.norm(tr.recording.data[3:6], axis=0)) / clonus.units.G0
    torque = simulate_trial(mode="held", gain=0.02, seed=0, noise=False, orientation="aligned",
                            manoeuvre=Manoeuvre(push_torque_nm=25.0))
    acc_torque_g = np.max(np.linalg.norm(torque.recording.data[3:6], axis=0)) / clonus.units.G0
    assert acc_g < 4.0 < 8.0 < acc_torque_g  # why the benchmark mostly uses servo pushes


def test_release_ramp_softens_the_release(rng):
    kw = dict(mode="released", gain=0.03, seed=0, noise=False, duration_s=3.0)
    sharp = simulate_trial(manoeuvre=Manoeuvre(), **kw).sim
    soft = simulate_trial(manoeuvre=Manoeuvre(release_ramp_s=0.05), **kw).sim
    win = (sharp.t_s > 0.95) & (sharp.t_s < 1.2)
    assert np.abs(soft.alpha_rad_s2[win]).max() < np.abs(sharp.alpha_rad_s2[win]).max()
    assert soft.contact[(soft.t_s > 1.02) & (soft.t_s < 1.03)].max() < 1.0
    m = sample_manoeuvre(rng, mode="held", push_kind="servo")
    assert 100 <= np.degrees(m.push_peak_velocity_rad_s) <= 300


def test_passive_oscillation_without_reflex_bursts_is_not_a_beat():
    # Examiner tremor (10 Hz, a confounder of spec §7) moves the foot with peaks > 0.5°, but
    # with G = 0 there is no reflex burst, so truth rule 3 counts no beat.
    from scipy.signal import find_peaks

    m = Manoeuvre(tremor_nm=2.0, tremor_hz=10.0)
    tr = simulate_trial(gain=0.0, manoeuvre=m, noise=False, seed=0, duration_s=4.0)
    th = np.degrees(tr.sim.theta_rad)
    pk, _ = find_peaks(th, prominence=0.5, distance=int(0.08 / tr.sim.dt_s))
    assert pk.size > 20                     # the angle does oscillate
    assert tr.truth.n_beats == 0 and tr.truth.emg_burst_onsets_s == ()
    assert tr.truth.tardieu_grade == 0


def test_emg_clock_offset_and_dropouts():
    from clonus.simulate.sensors import EmgModel

    kw = dict(mode="held", gain=0.03, seed=3, duration_s=4.0, sensors=("emg",), noise=False)
    ref = simulate_trial(**kw).recording.get("emg")
    off = simulate_trial(emg_clock_offset_s=0.1, **kw).recording.get("emg")
    env = lambda x: np.convolve(np.abs(x), np.ones(100) / 100, mode="same")  # noqa: E731
    lags = np.arange(-400, 401)
    xc = [np.dot(env(ref)[1000:6000], env(off)[1000 - k:6000 - k]) for k in lags]
    # EMG sample k shows the muscle at k/fs + 0.1 s: off[j] = ref[j + 200] at 2 kHz.
    assert abs(lags[int(np.argmax(xc))] - 200) <= 4
    drop = simulate_trial(mode="held", gain=0.03, seed=3, duration_s=4.0, sensors=("emg",),
                          emg_model=EmgModel(dropout_rate_per_s=2.0)).recording.get("emg")
    clean = simulate_trial(mode="held", gain=0.03, seed=3, duration_s=4.0,
                           sensors=("emg",)).recording.get("emg")
    # Same seed, same EMG except around the electrode lifts (1 mV steps, lost signal).
    diff = np.abs(drop - clean)
    assert diff.max() > 0.5e-3
    assert 0.01 < np.mean(diff > 1e-6) < 0.9


@pytest.mark.parametrize("mode", ["held", "released"])
def test_truth_invariants_over_random_parameters(mode):
    # Invariants of the truth labels over randomised parameters and manoeuvres (8 draws each).
    ss = np.random.SeedSequence(99)
    for child in ss.spawn(8):
        g = np.random.default_rng(child)
        p = sample_params(g)
        man = sample_manoeuvre(g, mode=mode, push_kind="servo" if g.random() < 0.5 else "torque")
        tr = simulate_trial(mode=mode, gain_ratio=float(g.uniform(1, 12)), delay_s=None,
                            params=p, manoeuvre=man, seed=int(g.integers(1000)),
                            duration_s=12.0)
        t = tr.truth
        bt = np.array(t.beat_times_s)
        assert t.n_beats == bt.size
        assert np.all(bt > t.stretch_peak_s) and np.all(np.diff(bt) >= 0.08)
        iv = np.diff(bt)
        iv = iv[iv <= 0.5]  # intervals within runs (TruthConfig.run_max_gap_s)
        if bt.size >= 3 and iv.size >= 2:
            assert t.frequency_hz == pytest.approx(1 / np.median(iv))
        else:
            assert t.frequency_hz is None
        on, off = np.array(t.emg_burst_onsets_s), np.array(t.emg_burst_offsets_s)
        assert on.size == off.size and np.all(off > on) and np.all(on[1:] > off[:-1])
        if t.sustained:
            assert mode == "held" and t.hold_duration_s >= 10.0 and t.tardieu_grade == 4
            assert t.extra["last_second_pp_deg"] > 1.0
        if t.clonus_start_s is not None:
            assert t.clonus_start_s in bt and t.clonus_end_s in bt
            assert t.tardieu_grade >= 3
        assert t.gain_ratio == pytest.approx(t.gain / t.critical_gain)
        assert 2.0 < t.critical_frequency_hz < 12.0


def test_examiner_tiring_gives_fatigable_clonus():
    # Hold sagging by 0.6 N m/s: clonus dies out before 10 s (Tardieu grade 3, fatigable);
    # the same trial with a steady hold is infatigable (grade 4).
    steady = simulate_trial(gain=0.03, seed=0, manoeuvre=Manoeuvre())
    tiring = simulate_trial(gain=0.03, seed=0, manoeuvre=Manoeuvre(hold_drift_nm_per_s=-0.6))
    assert steady.truth.sustained and steady.truth.tardieu_grade == 4
    assert not tiring.truth.sustained and tiring.truth.tardieu_grade == 3
    assert tiring.truth.clonus_end_s < 10.0 < steady.truth.clonus_end_s
    # The sagging hold is not read as oscillation (plain np.ptp would include the drift).
    assert tiring.truth.extra["last_second_pp_deg"] < 0.1
    # The examiner never pulls the foot into plantarflexion: the hold torque floors at 0.
    from clonus.simulate.reflex import examiner_torque

    tau_b, _ = examiner_torque(Manoeuvre(hold_drift_nm_per_s=-0.6), tiring.sim.t_s)
    assert tau_b.min() == 0.0 and tau_b[-1] == 0.0
