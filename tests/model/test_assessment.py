"""The assessment JSON contract: round trip, no NaN, and no folder names (privacy)."""

from __future__ import annotations

import json

import pytest

from clonus.model import DISCLAIMER, SCHEMA_VERSION, Assessment, Beat, Grade


def _assessment(**kw) -> Assessment:
    base = dict(
        n_beats=2,
        beats=(Beat(1.0, 2.5), Beat(1.2, 2.0, period_s=0.2)),
        amplitude_unit="deg",
        frequency_hz=float("nan"),
        clonus_duration_s=0.2,
        sustained=False,
        stretch_onset_s=0.5,
        classification="no_clonus",
        reason="2 beats",
        pathological=False,
        grades={"bedside": Grade("bedside", "1.0", False, "not pathological", "2 < 5")},
        channel="gyro",
        fs_hz=200.0,
        software_version="0.1.0",
        source="/home/Jane Doe/clinic/trial.zip",
    )
    base.update(kw)
    return Assessment(**base)


def test_contract_keys_and_json_safety():
    d = _assessment().to_dict()
    text = json.dumps(d, allow_nan=False)  # NaN must have become null
    assert d["frequency_hz"] is None
    assert d["schema_version"] == SCHEMA_VERSION and d["disclaimer"] == DISCLAIMER
    assert d["source"] == "trial.zip" and "Jane" not in text
    for key in [
        "n_beats",
        "beats",
        "amplitude_unit",
        "frequency_hz",
        "clonus_duration_s",
        "sustained",
        "stretch_onset_s",
        "classification",
        "grades",
        "pathological",
        "channel",
        "fs_hz",
        "software_version",
    ]:
        assert key in d


def test_round_trip():
    a = _assessment()
    b = Assessment.from_dict(a.to_dict())
    assert b.to_dict() == a.to_dict()


def test_invalid_classification_and_count():
    with pytest.raises(ValueError):
        _assessment(classification="maybe")
    with pytest.raises(ValueError):
        _assessment(n_beats=3)


def test_select_group_prefers_motion_and_names_the_choice():
    import numpy as np

    from clonus import Recording
    from clonus.exceptions import InvalidParameterError
    from clonus.pipeline import select_group

    emg = Recording.from_array(np.zeros((1, 200)), fs=1000.0, names=["EMG"], kinds="emg", units="V")
    gyro = Recording.from_array(
        np.zeros((1, 20)), fs=100.0, names=["gx"], kinds="gyro", units="rad/s"
    )
    rec, note = select_group([emg, gyro], source="f.csv")
    assert rec is gyro and "100 Hz group" in note and "gyro" in note
    rec, note = select_group([emg, gyro], channel="EMG")
    assert rec is emg and note is None
    with pytest.raises(InvalidParameterError, match="no channel named 'x'"):
        select_group([emg, gyro], channel="x")
