"""units.py parsing/conversion and the shared timestamp / NaN policies of the readers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from clonus.exceptions import FileFormatError, UnitError, UnitWarning
from clonus.io._common import (
    clean_timestamps,
    estimate_fs,
    handle_nonfinite,
    split_name_unit,
    uniform_from_timestamps,
)
from clonus.units import G0, display_scale, parse_unit, require_unit, to_si


@pytest.mark.parametrize("unit, si, scale", [
    ("m/s^2", "m/s^2", 1.0), ("m/(s^2)", "m/s^2", 1.0), ("m/s²", "m/s^2", 1.0),
    ("g", "m/s^2", 9.80665), ("mg", "m/s^2", 9.80665e-3), ("deg/s", "rad/s", math.pi / 180),
    ("°/s", "rad/s", math.pi / 180), ("dps", "rad/s", math.pi / 180), ("rad/s", "rad/s", 1.0),
    ("deg", "rad", math.pi / 180), ("uV", "V", 1e-6), ("µV", "V", 1e-6), ("mV", "V", 1e-3),
    ("[uV]", "V", 1e-6), ("mm", "m", 1e-3), ("ms", "s", 1e-3), ("kPa", "Pa", 1e3),
    ("kOhms", "Ohm", 1e3), ("Degrees Celsius", "degC", 1.0), ("bpm", "Hz", 1 / 60),
    ("m/s/s", "m/s^2", 1.0),
])
def test_parse_unit(unit, si, scale) -> None:
    info = parse_unit(unit)
    assert info is not None and info.si_unit == si
    assert info.scale == pytest.approx(scale, rel=1e-12)


@pytest.mark.parametrize("unit", ["", None, "furlongs", "local_flux", "no_units", "uS"])
def test_unknown_units_warn_and_give_au(unit) -> None:
    with pytest.warns(UnitWarning, match="ch1"):
        assert to_si(unit, channel="ch1", source="f.csv") == ("AU", 1.0)
    assert parse_unit(unit) is None


def test_require_unit_and_display() -> None:
    with pytest.raises(UnitError, match="furlongs"):
        require_unit("furlongs")
    assert G0 == 9.80665
    assert display_scale("V") == ("uV", 1e6)
    assert display_scale("rad")[0] == "deg"


@pytest.mark.parametrize("header, expected", [
    ("gyro_x (rad/s)", ("gyro_x", "rad/s")), ('"X (m/s^2)"', ("X", "m/s^2")),
    ("EMG1 [uV]", ("EMG1", "uV")), ("time_s", ("time_s", None)),
    ("Angle (deg)", ("Angle", "deg")),
])
def test_split_name_unit(header, expected) -> None:
    assert split_name_unit(header) == expected


def test_uniform_timestamps_kept() -> None:
    t = np.arange(100) / 50.0
    x = np.sin(t)[None]
    out, fs, md = uniform_from_timestamps(t, x, path="f")
    assert fs == pytest.approx(50.0) and md["resampled"] is False
    np.testing.assert_array_equal(out, x)


def test_irregular_timestamps_resampled_linear_signal_exact(rng) -> None:
    # a linear signal is reproduced exactly by linear interpolation, whatever the jitter
    t = np.cumsum(rng.uniform(0.008, 0.012, 500))
    x = (3.0 * t - 1.0)[None]
    out, fs, md = uniform_from_timestamps(t, x, path="f")
    assert md["resampled"] is True
    assert fs == pytest.approx(1 / np.mean(np.diff(t)), rel=1e-12)
    assert md["original_fs_hz"] == fs
    assert md["jitter_s"] == pytest.approx(np.std(np.diff(t)), rel=1e-12)
    grid = t[0] + np.arange(out.shape[1]) / fs
    np.testing.assert_allclose(out[0], 3.0 * grid - 1.0, atol=1e-9)


def test_rate_estimate_ignores_gaps() -> None:
    d = np.full(99, 0.01)
    d[50] = 1.0  # a 1 s pause
    assert estimate_fs(d) == pytest.approx(100.0)


def test_huge_gap_refused() -> None:
    t = np.concatenate([np.arange(10) * 0.01, [1e7]])
    with pytest.raises(FileFormatError, match="very long gap"):
        uniform_from_timestamps(t, np.zeros((1, t.size)), path="f.csv")


def test_timestamp_policies() -> None:
    # a duplicated row (no gap beside it) is refused, naming the row
    t = np.arange(40.0)
    t = np.insert(t, 21, 20.0)  # rows ... 19, 20, 20, 21 ... : nothing missing around the pair
    with pytest.raises(FileFormatError, match="repeat at data row 22"):
        clean_timestamps(t, np.zeros((1, t.size)), path="f")
    # a late sample stamped like the next one (gap before the pair) is kept, moved into the gap
    t = np.arange(200.0)
    t[100] = t[101]  # sample 100 delivered late: 99, 101, 101, 102
    x = np.arange(200.0)[None]
    t2, x2, md = clean_timestamps(t, x, path="f")
    assert md["repeated_timestamps_spread"] == 1
    assert t2[100] == 100.0 and x2.shape == (1, 200)  # no sample lost, back in its slot
    # three samples with one timestamp: duplicated rows or a stalled clock
    t3 = np.arange(400.0)
    t3[11] = t3[12] = t3[10]
    with pytest.raises(FileFormatError, match="three or more"):
        clean_timestamps(t3, np.zeros((1, 400)), path="f")
    with pytest.raises(FileFormatError, match="backwards at data row 4"):
        clean_timestamps(np.array([0, 1, 2, 1.5, 3]), x, path="f", first_row=1)
    with pytest.raises(FileFormatError, match="not a finite"):
        clean_timestamps(np.array([0, 1, np.nan, 3, 4]), x, path="f")
    with pytest.raises(FileFormatError, match="at least 2"):
        clean_timestamps(np.array([0.0]), x[:, :1], path="f")
    with pytest.raises(FileFormatError, match="three or more samples share one timestamp"):
        clean_timestamps(np.zeros(5), x, path="f")


def test_nan_policy() -> None:
    x = np.array([[0.0, 1.0, np.nan, 3.0], [0.0, np.inf, 2.0, 3.0]])
    with pytest.raises(FileFormatError, match=r"2 samples are NaN or infinite.*'a': 1, 'b': 1"):
        handle_nonfinite(x, ["a", "b"], path="f", nan_policy="raise")
    y, _, md = handle_nonfinite(x, ["a", "b"], path="f", nan_policy="omit")
    np.testing.assert_allclose(y, [[0, 1, 2, 3], [0, 1, 2, 3]])  # linear interpolation
    assert md["nonfinite_samples"] == {"a": 1, "b": 1}
    y, t, md = handle_nonfinite(x, ["a", "b"], path="f", nan_policy="omit",
                                timestamps=np.arange(4.0))
    assert t.tolist() == [0, 3] and y.shape == (2, 2)  # rows with any non-finite dropped
