"""assess_emg on the reflex simulator's EMG (simulate_trial), against the simulator's truth.

Truth: ``truth.emg_n_bursts`` (reflex bursts of the drive after the stretch-evoked one),
``truth.emg_frequency_hz`` (1 / median interval of their onsets) and
``truth.emg_burst_onsets_s``. Tolerances are the issue's: count within 1 (or 5 % above 20
bursts, the accuracy benchmark's ``count_ok``), frequency within 0.2 Hz.
"""

from __future__ import annotations

import importlib.util
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from clonus.emg.clinical import EmgConfig, assess_emg
from clonus.exceptions import InvalidParameterError

simulate = pytest.importorskip("clonus.simulate")

#: The settings before the modulation work (threshold bursts, beats only in a clonic run).
BEFORE = EmgConfig(
    clinical_method="threshold",
    count_unrhythmic_beats=False,
    extend_run=False,
    count_ended_trains=False,
    modulation_subharmonic_ratio=0.0,
)
#: The default before the run continuation, the ended trains and the subharmonic check.
PREVIOUS = EmgConfig(extend_run=False, count_ended_trains=False, modulation_subharmonic_ratio=0.0)
DESIGN = Path(__file__).resolve().parents[2] / "benchmarks" / "accuracy" / "design.py"


def _count_ok(n_det: int, n_true: int) -> bool:
    return abs(n_det - n_true) <= max(1, 0.05 * n_true)


def _trial(mode, sensor, gain_ratio, delay_s, seed, fs):
    return simulate.simulate_trial(
        mode=mode,
        gain_ratio=gain_ratio,
        delay_s=delay_s,
        seed=seed,
        sensors=(sensor,),
        duration_s=6.0,
        fs_emg_hz=fs,
    )


def _assess(rec, config=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # simulator notes (none expected from assess_emg)
        return assess_emg(rec, config=config)


@pytest.mark.parametrize(
    ("sensor", "gain_ratio", "delay_s", "seed", "fs"),
    [
        ("emg", 2.2, 0.03, 0, 1000.0),  # Mode A surface EMG
        ("emg", 2.2, 0.05, 1, 2000.0),
        ("emg_mu", 2.2, 0.03, 0, 1000.0),  # Mode B motor-unit pool
        ("emg_mu", 2.6, 0.05, 0, 2000.0),
    ],
)
def test_held_clonus_on_tonic_activity(sensor, gain_ratio, delay_s, seed, fs):
    """Held tests whose clonic bursts ride on sustained reflex activity (threshold bursts
    merge: the former settings found 6-16 of 25-30 bursts here)."""
    tr = _trial("held", sensor, gain_ratio, delay_s, seed, fs)
    t = tr.truth
    assert t.emg_n_bursts >= 20  # the scenario: a long clonic run
    a = _assess(tr.recording)
    assert a.metrics["emg_clinical_method"] == "modulation"
    assert a.classification == "clonus"
    assert _count_ok(a.n_beats, t.emg_n_bursts), (a.n_beats, t.emg_n_bursts)
    assert abs(a.frequency_hz - t.emg_frequency_hz) <= 0.2
    # Each true burst after the stretch response has a detected beat onset within 60 ms
    # (a third of a 5.5 Hz period: the modulation's half-amplitude crossing vs the drive's
    # threshold crossing) for at least 90 % of them (a merged or missed edge burst allowed).
    on = np.array([b.time_s for b in a.beats])
    truth_on = np.array(t.emg_burst_onsets_s[1:])
    err = np.array([np.min(np.abs(on - x)) for x in truth_on])
    assert np.mean(err <= 0.060) >= 0.9, np.round(err, 3)


def test_randomised_held_trials_beat_the_former_settings():
    """8 randomised held trials (gain 2.2-4 x G_c, delay 30-50 ms, Mode A/B, 1-2 kHz)."""
    rng = np.random.default_rng(7)
    new_ok, old_ok, f_ok = [], [], []
    for k in range(8):
        tr = _trial(
            "held",
            ("emg", "emg_mu")[k % 2],
            float(rng.uniform(2.2, 4.0)),
            float(rng.uniform(0.03, 0.05)),
            int(rng.integers(1000)),
            float(rng.choice([1000.0, 2000.0])),
        )
        t = tr.truth
        a, b = _assess(tr.recording), _assess(tr.recording, BEFORE)
        new_ok.append(_count_ok(a.n_beats, t.emg_n_bursts))
        old_ok.append(_count_ok(b.n_beats, t.emg_n_bursts))
        if t.emg_frequency_hz:
            f_ok.append(
                a.frequency_hz is not None and abs(a.frequency_hz - t.emg_frequency_hz) <= 0.2
            )
    # Issue target is 95 % of clonus runs; allow one miss in 8 (7/8 = 88 %).
    assert sum(new_ok) >= 7, new_ok
    assert sum(f_ok) >= len(f_ok) - 1, f_ok
    assert sum(new_ok) >= sum(old_ok)


def test_released_few_bursts_are_counted_without_calling_clonus():
    """A released test with 3 bursts after the stretch response at irregular intervals: the
    beats are counted (within 1), as the motion analysis counts beats without a run."""
    tr = _trial("released", "emg_mu", 2.6, 0.03, 0, 1000.0)
    t = tr.truth
    assert 1 <= t.emg_n_bursts <= 5
    a = _assess(tr.recording)
    assert _count_ok(a.n_beats, t.emg_n_bursts), (a.n_beats, t.emg_n_bursts)
    assert _assess(tr.recording, EmgConfig(count_unrhythmic_beats=False)).n_beats == 0
    assert a.stretch_onset_s is not None and abs(a.stretch_onset_s - t.stretch_onset_s) < 0.3


def test_no_clonus_below_critical_gain():
    """Below the critical gain the loop does not oscillate: no clonus, no invented beats.

    (Mode B at 0.8 x G_c is a known false positive of the threshold bursts on motor-unit
    noise, before and after the modulation method: docs/benchmarks.md.)"""
    for sensor, gain_ratio in (("emg", 0.5), ("emg", 0.8), ("emg_mu", 0.5)):
        tr = _trial("held", sensor, gain_ratio, 0.04, 0, 1000.0)
        a = _assess(tr.recording)
        assert a.classification != "clonus"
        # No invented beats: at most one more than the true reflex bursts (the 1-3 small
        # bursts of a damped response may be missed in the sustained activity).
        assert a.n_beats <= tr.truth.emg_n_bursts + 1, (a.n_beats, tr.truth.emg_n_bursts)


def test_config_validation():
    with pytest.raises(InvalidParameterError, match="clinical_method"):
        EmgConfig(clinical_method="peaks")
    with pytest.raises(InvalidParameterError, match="modulation_band_hz"):
        EmgConfig(modulation_band_hz=(10.0, 2.0))


def _design():
    """The accuracy benchmark's randomised trial design (benchmarks/accuracy/design.py)."""
    if not DESIGN.is_file():
        pytest.skip("benchmarks/accuracy/design.py not found")
    if "_accuracy_design" not in sys.modules:
        spec = importlib.util.spec_from_file_location("_accuracy_design", DESIGN)
        mod = importlib.util.module_from_spec(spec)
        sys.modules["_accuracy_design"] = mod  # dataclasses look their module up
        spec.loader.exec_module(mod)
    return sys.modules["_accuracy_design"]


def _spec_trial(sp, *, sensor: str, fs_emg_hz: float, duration_s: float):
    """Simulate one trial of the benchmark design as EMG only (delay from the spec's params)."""
    return simulate.simulate_trial(
        mode=sp.mode,
        gain_ratio=sp.gain_ratio,
        delay_s=None,
        duration_s=duration_s,
        seed=sp.seed,
        sensors=(sensor,),
        fs_emg_hz=fs_emg_hz,
        params=sp.params,
        central=sp.central,
        manoeuvre=sp.manoeuvre,
    )


def test_randomised_design_trials_beat_the_previous_default():
    """48 trials of the accuracy benchmark's design (seeds 1-3, the first three tried; neither
    the tuning seed 20261121 nor the reported held-out seed 20261122): loop parameters,
    manoeuvres, held/released, 1-12 x G_c; Mode A (2/3) and Mode B (1/3) at 1 kHz, 8 s.

    Measured: count ok 35/48 (previous default 29/48), frequency within 0.2 Hz 23/36 (21/36).
    Tolerances: 2 trials below the measured count (run-to-run numerical differences of the
    simulator across platforms can move a borderline trial), and at least 3 more than the
    previous default (measured 6 more)."""
    design = _design()
    new_ok, prev_ok, new_f, prev_f = [], [], [], []
    for seed in (1, 2, 3):
        for k, sp in enumerate(design.draw_specs(16, seed)):
            tr = _spec_trial(sp, sensor=("emg", "emg", "emg_mu")[k % 3], fs_emg_hz=1000.0,
                             duration_s=8.0)
            t = tr.truth
            a, p = _assess(tr.recording), _assess(tr.recording, PREVIOUS)
            new_ok.append(design.count_ok(a.n_beats, t.emg_n_bursts))
            prev_ok.append(design.count_ok(p.n_beats, t.emg_n_bursts))
            if t.emg_frequency_hz:
                for out, x in ((new_f, a), (prev_f, p)):
                    out.append(
                        x.frequency_hz is not None
                        and abs(x.frequency_hz - t.emg_frequency_hz) <= 0.2
                    )
    assert sum(new_ok) >= 33, (sum(new_ok), sum(prev_ok))
    assert sum(new_ok) >= sum(prev_ok) + 3, (sum(new_ok), sum(prev_ok))
    assert sum(new_f) >= 21 and sum(new_f) >= sum(prev_f), (sum(new_f), sum(prev_f))


def test_long_held_run_is_counted_through_breaks():
    """A long held clonus whose clonic run breaks at displaced or missing bursts (the run
    alone held 22 of the 42 true bursts): the continuation counts the rest, one per cycle."""
    design = _design()
    sp = design.draw_specs(130, 20261122)[129]  # benchmark held-out trial 129
    tr = _spec_trial(sp, sensor="emg", fs_emg_hz=2000.0, duration_s=12.0)
    t = tr.truth
    assert sp.mode == "held" and t.emg_n_bursts >= 30  # the scenario
    a, p = _assess(tr.recording), _assess(tr.recording, PREVIOUS)
    assert a.classification == "clonus"
    assert design.count_ok(a.n_beats, t.emg_n_bursts), (a.n_beats, t.emg_n_bursts)
    assert p.n_beats < 0.7 * t.emg_n_bursts  # the previous default stopped at the break
    assert abs(a.frequency_hz - t.emg_frequency_hz) <= 0.2


def test_released_train_of_merged_contractions_is_counted():
    """A released test: 5 contractions after the stretch response, riding on each other's
    tails (the threshold detector merges them), then silence. The train is split at its
    envelope valleys and counted, without calling clonus from it."""
    design = _design()
    sp = design.draw_specs(166, 20261122)[165]  # benchmark held-out trial 165
    tr = _spec_trial(sp, sensor="emg", fs_emg_hz=2000.0, duration_s=12.0)
    t = tr.truth
    assert sp.mode == "released" and 3 <= t.emg_n_bursts <= 6  # the scenario
    a, p = _assess(tr.recording), _assess(tr.recording, PREVIOUS)
    assert design.count_ok(a.n_beats, t.emg_n_bursts), (a.n_beats, t.emg_n_bursts)
    assert not design.count_ok(p.n_beats, t.emg_n_bursts)  # merged: the previous default missed
    # Beat onsets vs the true burst onsets after the stretch response (a valley cut or a
    # threshold crossing of the EMG vs the drive's threshold crossing): measured 12-66 ms,
    # median 25 ms; allowed: all within half a period at 6 Hz (80 ms), median within 35 ms.
    on = np.array([b.time_s for b in a.beats])
    err = np.array([np.min(np.abs(on - x)) for x in t.emg_burst_onsets_s[1:]])
    assert np.all(err <= 0.08) and np.median(err) <= 0.035, np.round(err, 3)
    assert a.stretch_onset_s is not None and abs(a.stretch_onset_s - t.stretch_onset_s) < 0.3


def test_noise_run_at_rest_is_not_continued():
    """Mode B with motor units firing at rest (released, 1.2 x G_c): a "run" of unit noise is
    found (a known false positive, docs/emg.md Limits); its continuation through the noise
    would count dozens of beats (43 before the guard, truth 3), so it is not continued."""
    design = _design()
    sp = [s for s in design.draw_specs(40, 7) if s.mode == "released"][1]
    tr = _spec_trial(sp, sensor="emg_mu", fs_emg_hz=1000.0, duration_s=12.0)
    a, p = _assess(tr.recording), _assess(tr.recording, PREVIOUS)
    assert tr.truth.emg_n_bursts <= 5
    assert a.n_beats <= p.n_beats, (a.n_beats, p.n_beats)


def test_new_config_validation():
    with pytest.raises(InvalidParameterError, match="extend_min_run"):
        EmgConfig(extend_min_run=1)
    with pytest.raises(InvalidParameterError, match="beat_min_relative_peak"):
        EmgConfig(beat_min_relative_peak=1.5)
    with pytest.raises(InvalidParameterError, match="train_valley_ratio"):
        EmgConfig(train_valley_ratio=-0.1)
