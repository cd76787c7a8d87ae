"""Sharp clonus beats after the examiner lets the foot go are counted, not taken for toes striking
the floor (docs/motion.md, Classification: the strike veto).

After a release the foot falls back to its rest level, so the strike veto's level condition no
longer tells the beats from tapping, and beats whose plantarflexion falls in 20-30 ms give 2-4 g
above 20 Hz from the rotation alone. A tap, though, lifts the toes about as high as the first
lift; these rebounds are a tenth to a fifth of the stretch. Truth: the independent generator's
(benchmarks/independent) beat count for the trial, which it states without the detector.
A tapping recording with tiny "beats" before its apparent release stays rejected.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import clonus

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks" / "independent"))
sys.path.insert(0, str(ROOT / "benchmarks" / "negatives"))
from generator import make_trial, to_recording  # noqa: E402
from generators import make_case  # noqa: E402


@pytest.mark.parametrize("seed", [20109, 20157])  # IMU 100 Hz; accelerometer alone 250 Hz
def test_released_sharp_beats_are_clonus(seed):
    tr = make_trial(seed)
    assert tr.params["scenario"] == "released" and tr.params["release_mode"] == "let_go"
    assert tr.truth["expected_class"] == "clonus"
    a = clonus.assess(to_recording(tr))
    assert a.classification == "clonus", a.reason
    assert abs(a.n_beats - tr.truth["n_beats"]) <= 1
    imp = a.metrics["impacts_per_cycle"]
    assert imp["fraction"] >= 0.75 and imp.get("released_small_beats") is True


def test_tapping_with_small_beats_before_its_release_stays_rejected():
    # simulated foot tapping (negatives generator, seed 11 case 6): impacts in 14 of 16 cycles,
    # beats 0.04 x the first lift, but before the apparent release
    rec, params = make_case("foot_tapping", 3346214736)
    a = clonus.assess(rec)
    assert a.classification != "clonus"
