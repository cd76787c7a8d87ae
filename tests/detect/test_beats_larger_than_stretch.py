"""Held clonus whose beats are larger than the examiner's stretch (extreme reflex gain, about
10 x G_c in the simulator) is still clonus when the beats hang from the examiner's hand, after a
quiet foot; tremor and tapping whose "stretch" is just their first cycle are still rejected.
Counts are checked against the simulator's truth, never the detector's."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

import clonus
from clonus.simulate import simulate_trial

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks" / "accuracy"))
sys.path.insert(0, str(ROOT / "benchmarks" / "negatives"))
from design import count_ok, draw_specs  # noqa: E402
from generators import make_case  # noqa: E402


def _assess(rec):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return clonus.assess(rec)


@pytest.mark.parametrize(("design_seed", "index"), [(20261121, 128), (4, 122)])
def test_sustained_clonus_larger_than_the_stretch(design_seed, index):
    """Benchmark trials (60 Hz phone): an 11 deg push followed by 20 deg beats for 11 s, and an
    8 deg push followed by 10 deg beats. Both were 'an ongoing rhythm (tremor)' before."""
    s = draw_specs(200, design_seed)[index]
    tr = simulate_trial(mode=s.mode, gain_ratio=s.gain_ratio, delay_s=None, duration_s=12.0,
                        seed=s.seed, sensors=s.sensors, fs_imu_hz=s.fs_imu_hz,
                        orientation="random", noise=True, jitter_s=s.jitter_s, params=s.params,
                        central=s.central, manoeuvre=s.manoeuvre)
    a = _assess(tr.recording)
    assert a.metrics["stretch"]["excursion_deg"] < a.metrics["median_amplitude_deg"]
    assert a.classification == "clonus", a.reason
    assert count_ok(a.n_beats, tr.truth.n_beats), (a.n_beats, tr.truth.n_beats)
    assert a.sustained == tr.truth.sustained
    hb = a.metrics["hand_bound"]
    assert hb["accepted"] and hb["bottom_below_rest_deg"] > 0 and hb["dwell_periods"] >= 0.35


@pytest.mark.parametrize(("category", "seed"), [
    ("pd_rest_tremor", 201424368),      # quiet before, tops not steady (s.d. 1.65 deg)
    ("foot_tapping", 4145863270),       # quiet before, tops not steady (s.d. 2.9 deg)
    ("examiner_tremor_hold", 1954912323),  # steady tops, but tremor before the push
    ("physiological_tremor", 1920191599),  # steady tops at the held level, tremor before
])
def test_look_alikes_stay_rejected(category, seed):
    """Negatives-benchmark cases whose 'stretch' is smaller than what follows: the hand-bound
    check runs on them and declines, so they stay 'rhythmic_not_clonus'."""
    rec, _ = make_case(category, seed)
    a = _assess(rec)
    assert a.classification == "rhythmic_not_clonus", a.reason
    assert a.metrics["hand_bound"]["accepted"] is False
