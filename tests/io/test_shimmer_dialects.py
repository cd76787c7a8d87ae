"""Shimmer CSV exports as seen in the wild: besides Consensys' ``"sep=;"`` + names + units
layout (test_formats, test_real_data), files come comma- or tab-separated, without the
``sep=`` line, without the units row and without the ``Shimmer_<id>_`` prefix (one lab's
loader lists batches of each). Each is read against the known signal; without a units row the
calibrated units are assumed and said so."""

from __future__ import annotations

import numpy as np
import pytest
from io_builders import FS, T, X, Z

import clonus
from clonus.exceptions import ClonusWarning, FileFormatError

T0_MS = 1.595933810034e12


def _write(path, sep, *, prefix, units_row, raw=False):
    pre = "Shimmer_D3A5_" if prefix else ""
    names = [f"{pre}Timestamp_Unix_CAL", f"{pre}Accel_WR_X_CAL", f"{pre}Accel_WR_Z_CAL",
             f"{pre}Gyro_X_CAL"]
    if raw:
        names.append(f"{pre}Gyro_X_RAW")
    lines = [sep.join(names)]
    if units_row:
        lines.append(sep.join(["ms", "m/(s^2)", "m/(s^2)", "deg/s"] + (["no_units"] if raw
                                                                       else [])))
    for t, x, z in zip(T, X, Z, strict=True):
        row = [f"{T0_MS + 1000 * t:.3f}", f"{x:.6f}", f"{9.81 * z:.6f}", f"{np.degrees(x):.6f}"]
        lines.append(sep.join(row + (["1234"] if raw else [])))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(("sep", "prefix", "units_row"), [
    (",", False, False), (",", False, True), ("\t", True, False), (";", True, False)])
def test_dialects_read_the_known_signal(tmp_path, sep, prefix, units_row):
    p = _write(tmp_path / "s.csv", sep, prefix=prefix, units_row=units_row)
    assert clonus.io.detect_format(p) == "shimmer"
    if units_row:
        rec = clonus.read(p)
        assert "units_assumed" not in rec.metadata
    else:
        with pytest.warns(ClonusWarning, match="no units row"):
            rec = clonus.read(p)
        assert rec.metadata["units_assumed"] == {"Timestamp_Unix": "ms",
                                                 "Accel_WR_X": "m/(s^2)",
                                                 "Accel_WR_Z": "m/(s^2)", "Gyro_X": "deg/s"}
    assert rec.ch_names == ["Accel_WR_X", "Accel_WR_Z", "Gyro_X"]
    assert [c.kind for c in rec.channels] == ["acc", "acc", "gyro"]
    assert rec.fs == pytest.approx(FS, rel=1e-6)
    np.testing.assert_allclose(rec.get("Gyro_X"), X, atol=1e-6)  # deg/s -> rad/s
    np.testing.assert_allclose(rec.get("Accel_WR_Z"), 9.81, atol=1e-6)
    assert rec.start_time is not None and rec.start_time.year == 2020


def test_calibrated_and_raw_columns_both_kept(tmp_path):
    p = _write(tmp_path / "both.csv", ",", prefix=True, units_row=True, raw=True)
    rec = clonus.read(p)
    assert rec.ch_names == ["Accel_WR_X", "Accel_WR_Z", "Gyro_X", "Gyro_X_raw"]
    raw = rec.channels[3]
    assert (raw.kind, raw.unit) == ("misc", "AU")
    np.testing.assert_allclose(rec.get("Gyro_X_raw"), 1234.0)


def test_raw_timestamp_without_units_row_is_a_clear_error(tmp_path):
    p = tmp_path / "raw.csv"
    p.write_text("Timestamp_RAW,Accel_WR_X_CAL,Gyro_X_CAL\n"
                 + "".join(f"{100 * i},0.1,0.2\n" for i in range(50)))
    with pytest.warns(ClonusWarning), pytest.raises(FileFormatError, match="no unit"):
        clonus.read(p)


def test_ordinary_csv_is_not_taken_for_shimmer(tmp_path):
    p = tmp_path / "plain.csv"
    p.write_text("time_s,gyro_x_dps,acc_x_g\n" + "".join(f"{i / 100},0.1,0.2\n"
                                                         for i in range(50)))
    assert clonus.io.detect_format(p) != "shimmer"
