"""Real CloudUPDRS phone recordings of people with Parkinson's disease (pdkit test data, MIT;
tests/data/pdkit_cloudupdrs/README.md): rest and kinetic tremor tasks with the phone in the hand
(2011, ~50 Hz with jitter and gaps), rest tremor and leg agility (heel tapping) with the phone on
the leg (2016, ~100 Hz), and walking (2011, with orientation columns). None is a clonus test: they
must read with their real rates and never be called clonus. Ground truth is the task each file
records, not the detector."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import clonus

DATA = Path(__file__).resolve().parents[1] / "data" / "pdkit_cloudupdrs"
FILES = {
    # file: (expected rate in Hz, tolerance, duration in s)
    "rest_tremor_right_hand_2011.csv": (50.0, 3.0, 30.0),
    "kinetic_tremor_left_hand_2011.csv": (50.0, 3.0, 30.0),
    "gait_2011.csv": (53.5, 3.0, 20.5),
    "rest_tremor_right_leg_2016.csv": (100.0, 1.0, 32.0),
    "leg_agility_right_leg_2016.csv": (100.0, 1.0, 32.0),
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_reads_as_cloudupdrs_with_its_real_rate(name):
    fs, tol, dur = FILES[name]
    rec = clonus.read(DATA / name)
    assert rec.metadata["format"] == "cloudupdrs"
    assert rec.ch_names == ["acc_x", "acc_y", "acc_z"]
    assert all(c.kind == "acc" and c.unit == "m/s^2" for c in rec.channels)
    assert abs(rec.fs - fs) <= tol
    assert abs(rec.duration_s - dur) <= 1.0
    # a phone's accelerometer with gravity: |a| is about 1 g (more while the hand moves)
    g = float(np.median(np.linalg.norm(rec.data, axis=0)))
    assert 8.5 <= g <= 12.0, g
    # time since boot, not a date: kept as metadata, the recording starts at 0
    assert rec.metadata["time_since_boot_s"] > 0


@pytest.mark.parametrize("name", sorted(FILES))
def test_tremor_task_is_not_called_clonus(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = clonus.assess(clonus.read(DATA / name))
    assert a.classification != "clonus", a.reason
    assert not a.pathological and a.n_beats == 0


def test_visible_hand_tremor_is_an_ongoing_rhythm():
    """The 2011 hand recording shows a regular tremor from the first second (about 4.5 Hz, in
    the clonus band): without a stretch before it, it is rhythmic movement, not clonus."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = clonus.assess(clonus.read(DATA / "rest_tremor_right_hand_2011.csv"))
    assert a.classification == "rhythmic_not_clonus", a.reason
    assert "tremor" in a.reason


def test_gait_file_with_orientation_columns_and_coarse_steps():
    """The 2011 gait export has 7 fields per row (azimuth, pitch, roll in degrees, then a
    trailing comma) and a coarse accelerometer (0.04 m/s^2 steps) whose x axis repeats a value
    for 0.15 s while the walker stands: that is no dropout, and walking is not clonus."""
    rec = clonus.read(DATA / "gait_2011.csv")
    assert rec.metadata["skipped_columns"] == ["azimuth (deg)", "pitch (deg)", "roll (deg)"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = clonus.assess(rec)
    assert a.classification == "rhythmic_not_clonus", a.reason
    assert "dropout" not in a.reason
    assert any("coarse resolution" in w for w in a.warnings)


def test_heel_tapping_is_voluntary_not_clonus():
    """Leg agility (UPDRS 3.8: heel taps as fast and as high as possible) with the phone on the
    leg: a voluntary rhythm below the clonus range."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = clonus.assess(clonus.read(DATA / "leg_agility_right_leg_2016.csv"))
    assert a.classification == "rhythmic_not_clonus", a.reason
    assert "voluntary" in a.reason and "hand, or mechanical" not in a.reason
