"""Tests of the Recording data model (values checked against hand-computed expectations)."""

from __future__ import annotations

import json
from datetime import datetime

import numpy as np
import pytest

from clonus import Channel, ClonusError, Recording
from clonus.exceptions import InvalidParameterError, SamplingRateError


def _rec(fs: float = 100.0, n: int = 1000) -> Recording:
    t = np.arange(n) / fs
    data = np.vstack([np.sin(2 * np.pi * 5 * t), np.cos(2 * np.pi * 5 * t)])
    return Recording(
        data,
        fs,
        (Channel("gx", "gyro", "rad/s", "deg/s"), Channel("ax", "acc", "m/s^2", "g")),
        start_time=datetime(2026, 1, 2, 3, 4, 5),
        source="test",
    )


def test_basic_properties():
    r = _rec()
    assert r.n_channels == 2 and r.n_samples == 1000
    assert r.duration_s == pytest.approx(10.0)
    assert r.ch_names == ["gx", "ax"]
    assert not r.data.flags.writeable  # nothing downstream may change the user's signal


@pytest.mark.parametrize("fs", [0, -1, float("nan"), float("inf"), "100", None, True])
def test_fs_is_validated(fs):
    with pytest.raises(SamplingRateError):
        Recording(np.zeros((1, 10)), fs, (Channel("a"),))


def test_channel_count_mismatch():
    with pytest.raises(InvalidParameterError, match="2 data rows but 1"):
        Recording(np.zeros((2, 10)), 10.0, (Channel("a"),))


def test_pick_and_kind():
    r = _rec()
    assert r.pick("ax").ch_names == ["ax"]
    assert r.pick(kind="gyro").ch_names == ["gx"]
    with pytest.raises(ClonusError, match="No channel named 'zz'"):
        r.pick("zz")


def test_crop_indices_and_start_time():
    r = _rec()
    c = r.crop(1.0, 2.0)
    # samples 100..200 inclusive at 100 Hz
    assert c.n_samples == 101
    assert c.data[0, 0] == r.data[0, 100]
    assert c.start_time == datetime(2026, 1, 2, 3, 4, 6)
    with pytest.raises(InvalidParameterError):
        r.crop(2.0, 1.0)


def test_resample_preserves_sine_frequency():
    r = _rec(fs=200.0, n=2000)
    r2 = r.resample(50.0)
    assert r2.fs == 50.0 and r2.n_samples == 500
    x = r2.get("gx")
    spec = np.abs(np.fft.rfft(x))
    f = np.fft.rfftfreq(len(x), 1 / 50.0)
    assert f[np.argmax(spec)] == pytest.approx(5.0, abs=0.1)  # 0.1 Hz = bin width


def test_dict_roundtrip_and_json_metadata():
    r = Recording(
        np.ones((1, 5)),
        10.0,
        (Channel("a", "emg", "V", "uV"),),
        metadata={"jitter": np.float64(0.5), "arr": np.arange(3)},
    )
    json.dumps(r.to_dict())
    r2 = Recording.from_dict(r.to_dict(include_data=True))
    np.testing.assert_array_equal(r2.data, r.data)
    assert r2.channels == r.channels and r2.metadata == {"jitter": 0.5, "arr": [0, 1, 2]}


def test_to_frame():
    df = _rec().to_frame()
    assert list(df.columns) == ["gx", "ax"]
    assert df.index[1] == pytest.approx(0.01)
