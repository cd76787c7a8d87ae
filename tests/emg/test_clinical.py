"""assess_emg / combine on simulated clinical tests and real walking EMG."""

from __future__ import annotations

import numpy as np
import pytest

from clonus.emg.bursts import detect_bursts
from clonus.emg.clinical import EmgConfig, assess_emg, combine
from clonus.emg.episodes import find_episodes
from clonus.model import Assessment, Beat, Recording
from clonus.simulate.spasms import simulate_clonus_emg


@pytest.mark.parametrize(("n_beats", "freq"), [(8, 5.5), (15, 7.0), (4, 4.0)])
def test_assess_emg_counts_beats(n_beats, freq):
    s = simulate_clonus_emg(fs=2000.0, n_beats=n_beats, frequency_hz=freq, seed=n_beats)
    a = assess_emg(s.recording)
    assert a.amplitude_unit == "uV" and a.signal_kind == "emg"
    assert abs(a.n_beats - n_beats) <= 1  # issue target: within 1 beat
    assert a.classification == "clonus" and a.pathological
    assert abs(a.frequency_hz - s.events[0].frequency_hz) <= 0.2
    d = a.to_dict()
    assert d["n_beats"] == len(d["beats"]) and d["amplitude_unit"] == "uV"
    assert a.trace is not None and a.trace.unit == "uV"


def test_assess_emg_quiet_and_short():
    quiet = simulate_clonus_emg(fs=1000.0, n_beats=0, frequency_hz=5.0, seed=0)
    a = assess_emg(quiet.recording)
    assert a.classification == "no_clonus" and a.n_beats == 0
    short = Recording.from_array(np.zeros(200), fs=1000.0, names=["EMG"], kinds="emg", units="V")
    assert assess_emg(short).classification == "indeterminate"
    slow = simulate_clonus_emg(fs=150.0, n_beats=6, frequency_hz=5.0, seed=0)
    b = assess_emg(slow.recording)
    assert b.classification == "indeterminate" and "too slow" in b.reason


def test_reflex_simulator_emg_agrees_with_motion_truth():
    """simulate_trial EMG (Mode A): EMG beat count vs the simulator's true beat count."""
    simulate = pytest.importorskip("clonus.simulate")
    agree = []
    for seed in range(2):
        for mode in ("held", "released"):
            for gr in (0.9, 1.6):
                tr = simulate.simulate_trial(
                    mode=mode, gain_ratio=gr, seed=seed, sensors=("emg",), duration_s=8.0
                )
                a = assess_emg(tr.recording)
                agree.append(abs(a.n_beats - tr.truth.n_beats) <= 1)
                # The stretch response is seen: a burst within 0.5 s after the push onset.
                t0 = tr.truth.stretch_onset_s
                assert any(t0 <= bd["onset_s"] <= t0 + 0.5 for bd in a.metrics["bursts"])
    # Issue target: within 1 beat; measured 17/18 on seeds 0-2 (benchmarks/emg), allow one miss.
    assert sum(agree) >= len(agree) - 1, agree


def test_grades_use_motion_grading():
    pytest.importorskip("clonus.grade")
    s = simulate_clonus_emg(fs=1000.0, n_beats=12, frequency_hz=6.0, seed=1)
    a = assess_emg(s.recording)
    assert "csi_clonus" in a.grades


def test_combine_confirms_motion_beats():
    s = simulate_clonus_emg(fs=1000.0, n_beats=10, frequency_hz=5.0, seed=3)
    onsets = np.array(s.events[0].burst_onsets_s)
    # A motion assessment whose beats are the dorsiflexion peaks ~120 ms after each burst onset.
    beats = tuple(Beat(float(t + 0.12), 5.0) for t in onsets)
    motion = Assessment(
        n_beats=len(beats),
        beats=beats,
        amplitude_unit="deg",
        frequency_hz=5.0,
        clonus_duration_s=2.0,
        sustained=False,
        stretch_onset_s=1.9,
        classification="clonus",
        reason="test",
        grades={},
        pathological=True,
        channel="gyro",
        fs_hz=200.0,
        software_version="x",
    )
    c = combine(motion, s.recording)
    assert c.n_beats == motion.n_beats  # motion stays primary
    assert c.metrics["emg"]["confirmed_beats"] >= 9
    # Motion beats where the EMG is silent (after the run) are not confirmed, and say so.
    late = tuple(Beat(float(t + 6.0), 5.0) for t in onsets[:4])
    m2 = Assessment(**{**motion.__dict__, "beats": late, "n_beats": len(late)})
    c2 = combine(m2, s.recording)
    assert c2.metrics["emg"]["confirmed_beats"] == 0
    assert any("confirm only" in w for w in c2.warnings)


@pytest.mark.requires_data
def test_real_gait_emg_bursts_lock_to_cycles_and_no_clonus(gait_emg):
    """Santuz et al. 2020 treadmill walking (13 muscles, 6 labelled cycles): no clonus anywhere;
    triceps surae activations (one per stride, in stance) lock to the touchdowns."""
    rec, cycles = gait_emg
    td = cycles[:, 0]
    stride = float(np.median(np.diff(td)))
    for name in rec.ch_names:
        eps = find_episodes(detect_bursts(rec.get(name), fs=rec.fs))
        assert all(e.kind not in ("clonus", "mixed") for e in eps), (name, [e.rule for e in eps])
        # The clinical-test analysis (clonus assess) does not call walking clonus either.
        assert assess_emg(rec.pick(name)).classification != "clonus", name
    for name in ("SO", "GL", "GM"):
        b = detect_bursts(rec.get(name), fs=rec.fs)
        # One activation = bursts less than 0.15 s apart (15 % of the ~1.04 s stride); the main
        # stance activation lasts >= 0.2 s (GM also fires briefly in late swing, which we skip).
        starts, ends = [b.onset_s[0]], [b.offset_s[0]]
        for on, off in zip(b.onset_s[1:], b.offset_s[1:], strict=True):
            if on - ends[-1] < 0.15:
                ends[-1] = off
            else:
                starts.append(on)
                ends.append(off)
        starts, ends = np.array(starts), np.array(ends)
        main = starts[(ends - starts) >= 0.2]
        inside = main[(main >= td[0] - 0.1) & (main < td[-1] + stride - 0.1)]
        assert abs(inside.size - td.size) <= 1, (name, inside, td)  # issue: within +-1 of 6
        phase = ((inside - td[0]) % stride) / stride
        # Onset phase consistent across strides: circular resultant length > 0.8.
        assert abs(np.exp(2j * np.pi * phase).mean()) > 0.8, (name, phase)


def test_assess_pipeline_and_cli_on_emg_edf(tmp_path, capsys):
    pyedflib = pytest.importorskip("pyedflib")
    import json

    import clonus
    from clonus.cli.main import main

    s = simulate_clonus_emg(fs=1000.0, n_beats=9, frequency_hz=5.5, seed=3)
    p = tmp_path / "test.edf"
    w = pyedflib.EdfWriter(str(p), 1, file_type=pyedflib.FILETYPE_EDFPLUS)
    w.setSignalHeaders(
        [
            {
                "label": "EMG soleus",
                "dimension": "uV",
                "sample_frequency": 1000,
                "physical_max": 10000.0,
                "physical_min": -10000.0,
                "digital_max": 32767,
                "digital_min": -32768,
                "transducer": "",
                "prefilter": "",
            }
        ]
    )
    w.writeSamples([s.recording.data[0] * 1e6])
    w.close()
    a = clonus.assess(clonus.read(p))
    assert a.signal_kind == "emg" and abs(a.n_beats - 9) <= 1
    rc = main(["assess", str(p), "--json"])
    d = json.loads(capsys.readouterr().out)
    assert rc == 0 and d["amplitude_unit"] == "uV" and abs(d["n_beats"] - 9) <= 1
    assert d["classification"] == "clonus"


def test_motion_plus_emg_recording_uses_both():
    simulate = pytest.importorskip("clonus.simulate")
    import clonus

    tr = simulate.simulate_trial(
        mode="released", gain_ratio=1.2, seed=0, sensors=("imu", "emg"), duration_s=8.0
    )
    a = clonus.assess(tr.recording)
    emg = a.metrics["emg"]
    assert a.amplitude_unit == "deg"  # motion stays primary
    # Each motion beat follows a plantarflexor burst (simulator: drive -> contraction -> beat).
    assert emg["confirmed_beats"] >= a.n_beats - 1
    assert emg["median_lag_s"] is not None and 0 < emg["median_lag_s"] < 0.25


def _tremor_emg(freq_hz: float, *, fs: float = 2000.0, duration_s: float = 20.0, seed: int = 1):
    """Tremor-like EMG: bursts at freq_hz (5 % period jitter) from a random phase at the start
    of the recording to its end, as a recording started during a rest tremor shows."""
    rng = np.random.default_rng(seed)
    t = np.arange(0.0, duration_s, 1.0 / fs)
    x = rng.normal(0.0, 3e-6, t.size)
    tc = rng.uniform(0.0, 1.0 / freq_hz)
    while tc < duration_s - 0.1:
        i0, n = int(tc * fs), int(0.06 * fs)
        x[i0 : i0 + n] += rng.normal(0.0, 1.0, n) * np.hanning(n) * rng.uniform(60e-6, 120e-6)
        tc += (1.0 / freq_hz) * (1.0 + rng.normal(0.0, 0.05))
    return Recording.from_array(x, fs=fs, names=["EMG soleus"], kinds="emg", units="V")


@pytest.mark.parametrize(("freq", "seed"), [(4.5, 1), (5.0, 2), (6.5, 3), (8.0, 4)])
def test_rhythm_from_the_first_moment_is_not_called_clonus(freq, seed):
    """EMG cannot see the stretch, only the rest before the response: bursts already under way
    when the recording starts (a rest tremor) are indeterminate, not 'clonus', and nothing is
    counted. Before this rule, a 5 Hz tremor gave 96 'beats' of sustained clonus."""
    a = assess_emg(_tremor_emg(freq, seed=seed))
    assert a.classification == "indeterminate", a.reason
    assert a.n_beats == 0 and not a.pathological and a.stretch_onset_s is None
    assert a.runs == () and a.grades == {}
    assert "rest" in a.reason and "tremor" in a.reason
    assert any("no rest before" in w for w in a.warnings)


@pytest.mark.parametrize(("start_s", "freq"), [(0.05, 6.0), (0.12, 4.0)])
def test_clonus_run_at_the_very_start_is_declined(start_s, freq):
    s = simulate_clonus_emg(fs=2000.0, n_beats=30, frequency_hz=freq, start_s=start_s, seed=5)
    assert assess_emg(s.recording).classification == "indeterminate"


@pytest.mark.parametrize(("start_s", "freq"), [(0.4, 3.5), (0.35, 6.0), (0.5, 7.5)])
def test_clonus_after_a_short_rest_is_still_counted(start_s, freq):
    """The rest needed is 0.35 s, or 1.5 periods if shorter: simulated tests whose reflex
    response starts 0.35-0.5 s into the recording are counted as before."""
    s = simulate_clonus_emg(fs=2000.0, n_beats=12, frequency_hz=freq, start_s=start_s, seed=6)
    # The 3.5 Hz case is below voluntary_max_hz and its response does not stand out, so by
    # default EMG alone declines it (tests/emg/test_stretch_signature.py); the rest rule alone
    # is checked here.
    # (slow_response_ratio: the slow-rhythm check of the beat train, docs/emg.md, likewise)
    a = assess_emg(
        s.recording, config=EmgConfig(stretch_response_ratio=0, slow_response_ratio=0)
    )
    assert a.classification == "clonus", a.reason
    assert abs(a.n_beats - 12) <= 1
    if freq < EmgConfig().voluntary_max_hz:
        d = assess_emg(s.recording)
        assert d.classification == "indeterminate" and "motion channel" in d.reason


def test_repeated_tests_are_listed():
    """Three simulated tests in one EMG recording: the strongest is reported, and every clonic
    response is listed with its start, so that none goes unseen."""
    from clonus.simulate import simulate_trial
    from clonus.simulate.params import Manoeuvre

    parts, onsets, t0 = [], [], 0.0
    for k, (g, rel) in enumerate([(2.0, 1.0), (4.0, 2.0), (2.0, 1.0)]):
        tr = simulate_trial(mode="released", gain_ratio=g, duration_s=6.0, seed=11 + k,
                            sensors=("emg",),
                            manoeuvre=Manoeuvre(mode="released", release_s=rel))
        parts.append(np.asarray(tr.recording.data))
        onsets.append(tr.truth.stretch_onset_s + t0)
        t0 += tr.recording.duration_s
    r = tr.recording
    rec = Recording.from_array(np.hstack(parts), fs=r.fs, names=r.ch_names, kinds="emg",
                               units="V")
    a = assess_emg(rec)
    resp = a.metrics["responses"]
    assert [x["number"] for x in resp] == [1, 2, 3]
    # each response starts with the reflex answer to its own stretch (reflex delay < 0.15 s)
    for x, on in zip(resp, onsets, strict=True):
        assert 0.0 <= x["start_s"] - on <= 0.15, (x, on)
    assert [x["reported"] for x in resp] == [False, True, False]  # the 8-beat test
    assert onsets[1] < a.stretch_onset_s < onsets[2]
    assert any("3 separate clonic responses" in w for w in a.warnings)


@pytest.mark.parametrize("seed", [0, 1, 3])
def test_stretch_onset_is_the_reflex_response_not_rest_activity(seed):
    """Bursts of rest activity before the push (half the clonic bursts' envelope, as motor-unit
    EMG shows) are chained to the clonic episode by the widened band: the reported
    stretch onset is still the reflex response, 40-150 ms after the simulator's push, not the
    first of those bursts (which gave onsets up to 0.6 s early)."""
    from clonus.simulate import simulate_trial

    tr = simulate_trial(mode="held", gain_ratio=3.0, duration_s=8.0, seed=seed,
                        sensors=("emg",), fs_emg_hz=1000.0)
    x = np.array(tr.recording.data[0], dtype=float)
    fs = tr.recording.fs
    rng = np.random.default_rng(seed)
    on = tr.truth.stretch_onset_s
    ref = np.sqrt(np.mean(x[int((on + 0.1) * fs): int((on + 2.0) * fs)] ** 2))
    for t0 in np.arange(on - 0.45, on - 0.05, 0.2):  # rest activity at ~5 Hz before the push
        i0, n = int(t0 * fs), int(0.05 * fs)
        x[i0:i0 + n] += rng.normal(0.0, 1.0, n) * np.hanning(n) * 0.5 * ref
    rec = Recording.from_array(x, fs=fs, names=["EMG soleus"], kinds="emg", units="V")
    a = assess_emg(rec)
    assert a.classification == "clonus", a.reason
    lag = a.stretch_onset_s - on
    assert 0.0 <= lag <= 0.15, lag
