"""Generic tables as the field writes them: a preamble before the header, a units row under it,
decimal commas, ISO-8601 date-times as the time column (docs/formats.md, Generic CSV). Each
layout must read as the plain ``time_s,gyro_x (rad/s)`` table does, and assess the same."""

from __future__ import annotations

import logging
import warnings
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest
from io_builders import (
    DT0,
    FS,
    N,
    X,
    Y,
    csv_datetime,
    csv_decimal_comma,
    csv_preamble,
    csv_units_row,
    generic_csv,
)

import clonus
from clonus.cli.commands.info import describe
from clonus.exceptions import FileFormatError, UnitWarning


def _plain(tmp_path):
    return clonus.read(generic_csv(tmp_path))


@pytest.mark.parametrize("build", [csv_preamble, csv_units_row, csv_decimal_comma, csv_datetime])
def test_layout_reads_like_the_plain_table(tmp_path, build) -> None:
    ref = _plain(tmp_path)
    p = build(tmp_path)
    assert clonus.io.detect_format(p) == "csv"
    rec = clonus.read(p)
    assert rec.ch_names == ["gyro_x", "gyro_y", "acc_z"]
    assert [c.unit for c in rec.channels] == ["rad/s", "rad/s", "m/s^2"]
    assert [c.kind for c in rec.channels] == ["gyro", "gyro", "acc"]
    assert rec.fs == pytest.approx(FS, rel=1e-9)
    assert rec.n_samples == N
    np.testing.assert_allclose(rec.data, ref.data, atol=1e-6)
    np.testing.assert_allclose(rec.get("gyro_x"), X, atol=1e-6)


# ---------------------------------------------------------------------------- preamble
def test_preamble_is_private_and_stripped_on_request(tmp_path, caplog) -> None:
    head = ["# recorded with MyApp v2", "Subject name: Jane Roe", "Date of birth: 1950-02-03"]
    rows = [f"{t:.2f},{x:.6f},{y:.6f}" for t, x, y in zip(np.arange(N) / FS, X, Y, strict=True)]
    p = tmp_path / "named.csv"
    p.write_text("\n".join([*head, "time_s,gyro_x (rad/s),gyro_y (rad/s)", *rows]) + "\n")
    with caplog.at_level(logging.DEBUG, logger="clonus"):
        rec = clonus.read(p)
    assert rec.ch_names == ["gyro_x", "gyro_y"]
    assert rec.metadata["preamble_lines"] == 3
    # kept only where identifying fields live (<format>_identity), never logged or shown
    assert rec.metadata["csv_identity"] == {"preamble": head}
    assert "Jane" not in caplog.text and "1950" not in caplog.text
    info, _ = describe(str(p))
    assert "Jane" not in str(info) and "1950" not in str(info)
    anon = clonus.read(p, anonymize=True)
    assert "Jane" not in str(anon.metadata) and "1950" not in str(anon.metadata)
    assert anon.metadata["anonymized"] is True
    np.testing.assert_array_equal(anon.data, rec.data)


def test_preamble_ending_in_a_numeric_line(tmp_path) -> None:
    # key,value lines whose values are numbers, the last one with as many fields as the table
    head = ["Sampling rate,100", "Channels,2", "1,2,3"]
    rows = [f"{t:.2f},{x:.6f},{y:.6f}" for t, x, y in zip(np.arange(N) / FS, X, Y, strict=True)]
    p = tmp_path / "numeric_preamble.csv"
    p.write_text("\n".join([*head, "time_s,gyro_x (rad/s),gyro_y (rad/s)", *rows]) + "\n")
    rec = clonus.read(p)
    assert rec.n_samples == N and rec.ch_names == ["gyro_x", "gyro_y"]
    np.testing.assert_allclose(rec.get("gyro_y"), Y, atol=1e-6)


def test_preamble_rows_are_numbered_as_in_the_file(tmp_path) -> None:
    def bad_row(s: str) -> str:
        lines = s.split("\n")
        lines[20] = lines[20].replace(",", ",oops", 1)  # file line 21
        return "\n".join(lines)
    p = csv_preamble(tmp_path, mutate=bad_row)
    with pytest.raises(FileFormatError, match=r"row 21\b"):
        clonus.read(p)


def test_preamble_without_a_header_is_refused_clearly(tmp_path) -> None:
    p = tmp_path / "notes.csv"
    p.write_text("# notes\nsubject: anon\nnothing else here\n")
    with pytest.raises(FileFormatError, match="not in a format"):
        clonus.read(p)


# ---------------------------------------------------------------------------- units row
def test_units_row_units_are_applied(tmp_path) -> None:
    t = np.arange(N) / FS
    rows = [f"{a * 1000:.3f};{np.degrees(x):.6f};{emg:.3f}"
            for a, x, emg in zip(t, X, 100 * Y, strict=True)]
    p = tmp_path / "noraxon.txt"
    p.write_text("\n".join(["time;ankle_gyro;EMG soleus", "[ms];[deg/s];[uV]", *rows]) + "\n")
    rec = clonus.read(p)
    assert rec.fs == pytest.approx(FS)
    assert [c.unit for c in rec.channels] == ["rad/s", "V"]
    assert [c.orig_unit for c in rec.channels] == ["deg/s", "uV"]
    np.testing.assert_allclose(rec.get("ankle_gyro"), X, atol=1e-6)
    np.testing.assert_allclose(rec.get("EMG soleus"), 100e-6 * Y, atol=1e-9)
    assert rec.metadata["units_row"] is True


def test_units_row_with_an_unknown_unit_warns_and_keeps_au(tmp_path) -> None:
    p = csv_units_row(tmp_path, mutate=lambda s: s.replace("s,rad/s,rad/s", "s,rad/s,furlongs"))
    with pytest.warns(UnitWarning, match="furlongs"):
        rec = clonus.read(p)
    ch = rec.channels[rec.ch_names.index("gyro_y")]
    assert (ch.unit, ch.orig_unit) == ("AU", "furlongs")
    np.testing.assert_allclose(rec.get("gyro_x"), X, atol=1e-6)  # the others keep theirs


def test_units_row_contradicting_the_header_is_refused(tmp_path) -> None:
    p = csv_units_row(tmp_path, mutate=lambda s: s.replace("gyro_x,", "gyro_x (deg/s),", 1))
    with pytest.raises(FileFormatError, match=r"'deg/s' in its header but 'rad/s'"):
        clonus.read(p)


# ---------------------------------------------------------------------------- decimal commas
@pytest.mark.parametrize("sep", [";", "\t"])
def test_decimal_comma_with_exponents(tmp_path, sep) -> None:
    t = np.arange(N) / FS
    rows = [sep.join(f"{v:.9E}".replace(".", ",") for v in (a, x)) for a, x in zip(t, X,
                                                                                   strict=True)]
    p = tmp_path / "phyphox_like.csv"
    p.write_text("\n".join([sep.join(["time_s", "gyro_x (rad/s)"]), *rows]) + "\n")
    rec = clonus.read(p)
    np.testing.assert_allclose(rec.get("gyro_x"), X, atol=1e-8)
    assert rec.metadata["decimal_comma"] is True


def test_decimal_comma_with_thousands_separators_is_refused(tmp_path) -> None:
    def group(s: str) -> str:
        lines = s.split("\n")
        lines[30] = lines[30].replace(";1,000000", ";1.000,5")
        return "\n".join(lines)
    p = csv_decimal_comma(tmp_path, mutate=group)
    with pytest.raises(FileFormatError, match=r"row 31 .*thousands separators"):
        clonus.read(p)


def test_mixed_decimal_marks_are_refused(tmp_path) -> None:
    def mix(s: str) -> str:
        lines = s.split("\n")
        lines[40] = lines[40].replace(",", ".")
        return "\n".join(lines)
    p = csv_decimal_comma(tmp_path, mutate=mix)
    with pytest.raises(FileFormatError, match=r"mix decimal commas.*decimal points \(row 41"):
        clonus.read(p)


def test_comma_separated_file_is_not_taken_for_decimal_commas(tmp_path) -> None:
    rec = clonus.read(generic_csv(tmp_path))
    assert "decimal_comma" not in rec.metadata
    assert rec.n_channels == 3


# ---------------------------------------------------------------------------- date-times
def test_datetime_start_time_and_seconds(tmp_path) -> None:
    rec = clonus.read(csv_datetime(tmp_path))
    assert rec.start_time == DT0 and rec.tz_is_local
    assert rec.metadata["time_column"] == "timestamp"
    assert rec.metadata["time_format"] == "iso8601"
    assert rec.n_samples == N and rec.fs == pytest.approx(FS)
    # the clock time is metadata, never a channel
    assert all("2024" not in n for n in rec.ch_names)


@pytest.mark.parametrize("fmt, zone, tzinfo", [
    ("%Y-%m-%dT%H:%M:%S.%f", "Z", UTC),
    ("%Y-%m-%dT%H:%M:%S.%f", "+01:00", timezone(timedelta(hours=1))),
    ("%Y-%m-%d %H:%M:%S.%f", "", None),
])
def test_datetime_spellings(tmp_path, fmt, zone, tzinfo) -> None:
    t = np.arange(N) / FS
    stamps = [(DT0 + timedelta(seconds=float(a))).strftime(fmt) + zone for a in t]
    p = tmp_path / "stamps.csv"
    p.write_text("\n".join(["Date Time,gyro_x (rad/s)",
                            *(f"{s},{x:.6f}" for s, x in zip(stamps, X, strict=True))]) + "\n")
    rec = clonus.read(p)
    assert rec.fs == pytest.approx(FS)
    assert rec.start_time == DT0.replace(tzinfo=tzinfo)
    assert rec.tz_is_local == (tzinfo is None)
    np.testing.assert_allclose(rec.get("gyro_x"), X, atol=1e-6)


def test_datetime_across_an_offset_change(tmp_path) -> None:
    # clocks go back at 03:00 CEST -> 02:00 CET: local wall time repeats, the offset tells
    t0 = datetime(2024, 10, 27, 0, 59, 59, tzinfo=UTC)
    t = np.arange(N) / FS
    cet, cest = timezone(timedelta(hours=1)), timezone(timedelta(hours=2))
    stamps = [(t0 + timedelta(seconds=float(a))).astimezone(
        cest if t0 + timedelta(seconds=float(a)) < datetime(2024, 10, 27, 1, tzinfo=UTC)
        else cet).isoformat(timespec="milliseconds") for a in t]
    p = tmp_path / "dst.csv"
    p.write_text("\n".join(["timestamp,gyro_x (rad/s)",
                            *(f"{s},{x:.6f}" for s, x in zip(stamps, X, strict=True))]) + "\n")
    rec = clonus.read(p)
    assert rec.fs == pytest.approx(FS) and rec.n_samples == N
    assert "gaps" not in rec.metadata


def test_datetime_backwards_and_repeated(tmp_path) -> None:
    def swap(s: str) -> str:
        lines = s.split("\n")
        lines[11], lines[12] = lines[12], lines[11]
        return "\n".join(lines)
    with pytest.raises(FileFormatError, match=r"backwards at data row 13"):
        clonus.read(csv_datetime(tmp_path, mutate=swap))

    def repeat(s: str) -> str:
        lines = s.split("\n")
        a = lines[11].split(",")
        b = lines[12].split(",")
        b[0] = a[0]
        lines[12] = ",".join(b)
        return "\n".join(lines)
    rec = clonus.read(csv_datetime(tmp_path, mutate=repeat))
    assert rec.metadata["repeated_timestamps_spread"] == 1 and rec.n_samples == N


@pytest.mark.parametrize("cell, what", [
    ("12.5", r"row 21: the time column 'timestamp' holds '12.5', not a date-time"),
    ("01/05/2024 10:00:00", r"row 21: .* not a date-time"),
    ("2024-05-01 10:00:00.200Z", r"row 21: .*has time zone, unlike the first row"),
    ("2024-02-30 10:00:00.200", r"row 21: .*does not exist"),
])
def test_datetime_column_mixing_formats_is_refused(tmp_path, cell, what) -> None:
    def put(s: str) -> str:
        lines = s.split("\n")
        a = lines[20].split(",")
        a[0] = cell
        lines[20] = ",".join(a)
        return "\n".join(lines)
    with pytest.raises(FileFormatError, match=what):
        clonus.read(csv_datetime(tmp_path, mutate=put))


def test_numeric_time_column_is_preferred_to_a_datetime_one(tmp_path) -> None:
    # as before: a numeric time column is the time base; a date-time text column is skipped
    t = np.arange(N) / FS
    stamps = [(DT0 + timedelta(seconds=float(a))).isoformat() for a in t]
    p = tmp_path / "both.csv"
    p.write_text("\n".join(["time_s,timestamp,gyro_x (rad/s)",
                            *(f"{a:.2f},{s},{x:.6f}" for s, a, x in zip(stamps, t, X,
                                                                         strict=True))]) + "\n")
    rec = clonus.read(p)
    assert rec.metadata["time_column"] == "time_s"
    assert rec.metadata["skipped_columns"] == ["timestamp"]
    assert rec.start_time is None and "time_format" not in rec.metadata


@pytest.mark.parametrize(("dt_name", "time_name", "scale"), [
    ("timestamp", "time_s", 1.0), ("Time", "time (ms)", 1e3), ("time", "time_s", 1.0),
    ("Date/Time", "time_s", 1.0)])
@pytest.mark.parametrize("sep", [",", ";"])
def test_datetime_column_before_a_numeric_time_column(tmp_path, dt_name, time_name, scale,
                                                      sep) -> None:
    # a date-time column placed first and named as a time column ("timestamp", "Time") was
    # taken for the time column by the detection, which then found no number in it and
    # refused the file; the numeric time column wins and the clock column is bookkeeping
    t = np.arange(N) / FS
    stamps = [(DT0 + timedelta(seconds=float(a))).isoformat(sep=" ") for a in t]
    p = tmp_path / "dt_first.csv"
    p.write_text("\n".join([sep.join([dt_name, time_name, "gyro_x (rad/s)"]),
                            *(sep.join([s, f"{a * scale:.3f}", f"{x:.6f}"])
                              for s, a, x in zip(stamps, t, X, strict=True))]) + "\n")
    assert clonus.io.detect_format(p) == "csv"
    rec = clonus.read(p)
    assert rec.ch_names == ["gyro_x"]
    assert rec.fs == pytest.approx(FS, rel=1e-6)
    np.testing.assert_allclose(rec.get("gyro_x"), X, atol=1e-6)
    assert rec.metadata["time_column"] == time_name
    assert rec.metadata["skipped_column_reasons"] == {dt_name: "date-time"}


def test_all_layouts_together(tmp_path) -> None:
    """A preamble, a units row, decimal commas and date-times in one LabVIEW-like file."""
    t = np.arange(N) / FS
    stamps = [(DT0 + timedelta(seconds=float(a))).isoformat(timespec="milliseconds") for a in t]
    rows = [f"{s};{np.degrees(x):.5f}".replace(".", ",") for s, x in zip(stamps, X, strict=True)]
    p = tmp_path / "labview.txt"
    p.write_text("\n".join(["LabVIEW Measurement", "Operator\tanon", "", "Time;Ankle gyro",
                            "-;deg/s", *rows]) + "\n")
    rec = clonus.read(p)
    assert rec.start_time == DT0
    assert rec.fs == pytest.approx(FS)
    np.testing.assert_allclose(rec.get("Ankle gyro"), X, atol=1e-6)
    assert {"units_row", "decimal_comma", "preamble_lines"} <= set(rec.metadata)


# ---------------------------------------------------------------------------- assess
@pytest.fixture(scope="module")
def held_trial():
    from clonus.simulate import simulate_trial

    tr = simulate_trial(mode="held", gain_ratio=4.0, duration_s=8.0, seed=3, sensors=("imu",),
                        fs_imu_hz=100.0)
    rec = tr.recording
    return np.vstack([rec.get(f"gyro_{a}") for a in "xyz"]), rec.fs


def test_assess_is_the_same_on_every_layout(tmp_path, held_trial) -> None:
    gyro, fs = held_trial
    t = np.arange(gyro.shape[1]) / fs
    vals = [f"{a:.4f}," + ",".join(f"{v:.6f}" for v in col) for a, col in zip(t, gyro.T,
                                                                            strict=True)]
    names = "gyro_x (rad/s),gyro_y (rad/s),gyro_z (rad/s)"
    files = {
        "plain": ["time_s," + names, *vals],
        "preamble": ["# MyApp v2", "# subject: anon", "time_s," + names, *vals],
        "units": ["time,gyro_x,gyro_y,gyro_z", "s,rad/s,rad/s,rad/s", *vals],
        "eu": [("time_s," + names).replace(",", ";"),
               *(v.replace(",", ";").replace(".", ",") for v in vals)],
        "dt": ["timestamp," + names,
               *(f"{(DT0 + timedelta(seconds=float(a))).isoformat(timespec='milliseconds')},"
                 + v.split(",", 1)[1] for a, v in zip(t, vals, strict=True))],
    }
    out = {}
    for name, lines in files.items():
        p = tmp_path / f"{name}.csv"
        p.write_text("\n".join(lines) + "\n")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = clonus.assess(clonus.read(p))
        out[name] = (a.classification, a.n_beats, round(a.frequency_hz or 0.0, 6),
                     [round(b.time_s, 6) for b in a.beats])
    assert out["plain"][0] == "clonus" and out["plain"][1] >= 5
    for name in files:
        assert out[name] == out["plain"], name


def test_muscle_named_volt_channels_are_emg(tmp_path):
    """Noraxon/Delsys/Vicon-style exports name EMG channels after the muscle ("RT SOLEUS",
    "LT TIB.ANT.", "GM_L") with the unit in a units row: they are EMG, and the EMG analysis
    counts the bursts put in (20 bursts at 5.5 Hz: the first is the stretch response)."""
    fs = 2000
    n = fs * 6
    t = np.arange(n) / fs
    rng = np.random.default_rng(0)
    sol = rng.normal(0, 5, n)
    for k in range(20):
        c = int((1.0 + k / 5.5) * fs)
        sol[c : c + 100] += rng.normal(0, 150, 100) * np.hanning(100)
    ta = rng.normal(0, 5, n)
    lines = ["time,RT SOLEUS,RT TIB.ANT.,GM_L,Force plate", "s,uV,uV,uV,V"]
    lines += [f"{t[i]:.4f},{sol[i]:.2f},{ta[i]:.2f},{ta[i]:.2f},0.1" for i in range(n)]
    p = tmp_path / "noraxon.csv"
    p.write_text("\n".join(lines) + "\n")
    rec = clonus.read(p)
    kinds = {c.name: c.kind for c in rec.channels}
    assert kinds == {"RT SOLEUS": "emg", "RT TIB.ANT.": "emg", "GM_L": "emg",
                     "Force plate": "misc"}
    a = clonus.assess(rec, channel="RT SOLEUS")
    assert a.classification == "clonus" and a.signal_kind == "emg"
    assert abs(a.n_beats - 19) <= 1
