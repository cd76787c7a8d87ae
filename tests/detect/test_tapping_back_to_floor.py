"""Voluntary toe tapping recorded without an accelerometer (gyroscope alone, goniometer) is not
clonus: the first lift (taken for the examiner's stretch) falls straight back to the rest level
and the following cycles rise as high again from there (``metrics.floor_return``). Clonus with
beats about as large as the stretch - held, or released with a first low point right at the rest
level - is still clonus, with its beat count checked against the simulator's truth.

The tapping cases are former false positives of ``benchmarks/negatives`` (category
``foot_tapping``, truth "not clonus" by construction; both were called clonus before the rule).
"""

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


@pytest.mark.parametrize(
    ("seed", "sensor"),
    [
        # 3.9 Hz taps lifting the toes 23.5 deg, phone gyroscope alone at 60 Hz: 33 "beats"
        # as large as the first lift, no accelerometer to hear the toe strikes, and the
        # integrated angle drifts by several degrees over the 8 s of tapping
        pytest.param(4253970121, "gyro", id="gyro_only_60Hz"),
        # (the goniometer case, 1473691624, whose low-pass ringing between the taps hid them
        # from the all-bottoms check: tests/detect/test_lowpass_ringing.py)
    ],
)
def test_tapping_without_accelerometer_is_not_clonus(seed, sensor):
    rec, params = make_case("foot_tapping", seed)
    assert params["sensor"] == sensor
    assert not any(c.kind == "acc" for c in rec.channels)
    a = _assess(rec)
    assert a.classification == "rhythmic_not_clonus", (params, a.reason)
    assert "came straight back down" in a.reason, a.reason
    fr = a.metrics["floor_return"]
    assert fr["tapping"]
    # the generator's taps start from and return to the floor (0 deg), lifted amp_deg +-15 %
    lift = params["category_params"]["amp_deg"]
    assert abs(fr["first_low_above_rest_deg"]) <= 0.25 * fr["excursion_deg"]
    assert 0.7 * lift <= fr["upper_beat_deg"] <= 1.4 * lift
    assert not a.pathological


def _trial(design_seed: int, index: int):
    s = draw_specs(index + 1, design_seed)[index]
    return s, simulate_trial(mode=s.mode, gain_ratio=s.gain_ratio, delay_s=None, duration_s=12.0,
                             seed=s.seed, sensors=s.sensors, fs_imu_hz=s.fs_imu_hz,
                             orientation="random", noise=True, jitter_s=s.jitter_s,
                             params=s.params, central=s.central, manoeuvre=s.manoeuvre)


@pytest.mark.parametrize(
    ("design_seed", "index", "mode"),
    [
        # held, 200 Hz IMU, G = 11 G_c: 9.5 deg beats after a 13 deg stretch for 11 s; the
        # reflex kick throws the foot 2.3 excursions below the rest level, as no tapping foot can
        pytest.param(1, 71, "held", id="held_beats_0.7_of_stretch"),
        # released, 60 Hz IMU: beats 0.7 x the stretch whose first low point is right at the
        # rest level (+0.05 excursions), like a tap; after the release the foot drops 2.3
        # excursions below the previous low point, which a floor would stop
        pytest.param(4, 101, "released", id="released_low_point_at_rest"),
        # released, 50 Hz IMU: first low point 0.27 excursions below rest, then a 2.3 x drop
        pytest.param(3, 48, "released", id="released_50Hz"),
    ],
)
def test_clonus_as_large_as_the_stretch_stays_clonus(design_seed, index, mode):
    spec, tr = _trial(design_seed, index)
    assert spec.mode == mode and tr.truth.n_beats >= 3
    a = _assess(tr.recording)
    assert a.classification == "clonus", a.reason
    assert count_ok(a.n_beats, tr.truth.n_beats), (a.n_beats, tr.truth.n_beats)
    assert a.sustained == tr.truth.sustained
    fr = a.metrics["floor_return"]
    assert not fr["tapping"]
    # beats about as large as the stretch: the rule's beat-size condition alone does not decide
    assert fr["upper_beat_deg"] >= 0.7 * fr["excursion_deg"]
    if mode == "released":
        assert fr["largest_drop_deg"] > 0.5 * fr["excursion_deg"]
    else:
        assert fr["first_low_above_rest_deg"] < -0.25 * fr["excursion_deg"]
