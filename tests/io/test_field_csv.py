"""CSV layouts met in recordings from other labs (phone and tremor exports), with known values.

Each case is a fault found by running real exports through ``clonus.read``: rows ending with
the delimiter (iPhone ``timestamp; x; y; z;``), Apple CoreMotion column names without units,
bookkeeping columns (battery, counters, labels) kept as channels, and tables of numbers
without a header row (PADS smartwatch gyroscope extracts) that ``fs=`` could not rescue.
"""

from __future__ import annotations

import numpy as np
import pytest

import clonus
from clonus.exceptions import (
    ClonusWarning,
    FileFormatError,
    InvalidParameterError,
    SamplingRateError,
    UnitWarning,
)

G = 9.80665
N = 300
FS = 100.0


def _xyz(n: int = N) -> np.ndarray:
    """Three known, different signals (g units of an iPhone accelerometer)."""
    k = np.arange(n)
    return np.vstack([0.02 * np.sin(2 * np.pi * 5 * k / FS), -0.8 + 0.01 * np.cos(k / 7),
                      -0.6 + 0.001 * (k % 11)])


def _write(path, header: str, rows: list[str]) -> None:
    path.write_text("\n".join([header, *rows]) + "\n")


# ------------------------------------------------------------------------ trailing delimiter
@pytest.mark.parametrize("sep", [";", ",", "\t"])
@pytest.mark.parametrize("where", ["both", "header", "rows"])
def test_a_trailing_delimiter_makes_no_channel(tmp_path, sep, where) -> None:
    v = _xyz()
    end_h = sep if where in ("both", "header") else ""
    end_r = sep if where in ("both", "rows") else ""
    p = tmp_path / "iphone.csv"
    _write(p, sep.join(["timestamp", " x", " y", " z"]) + end_h,
           [sep.join(f" {c:.6f}" for c in (i / FS, *v[:, i])) + end_r for i in range(N)])
    with pytest.warns(UnitWarning):
        rec = clonus.read(p)
    assert rec.ch_names == ["x", "y", "z"]
    assert rec.fs == pytest.approx(FS, rel=1e-6)
    np.testing.assert_allclose(rec.data, v, atol=1e-6)
    assert "skipped_columns" not in rec.metadata  # an artefact, not a column that was dropped
    # an empty field at the end of every row is an unnamed, empty column, left out
    assert rec.metadata.get("empty_unnamed_columns", 0) == (0 if where == "header" else 1)


def test_unnamed_empty_column_in_the_middle_is_dropped_but_not_one_with_numbers(tmp_path) -> None:
    v = _xyz()
    p = tmp_path / "double.csv"
    # column 3 has no header and no value (a doubled delimiter); column 5 has no header but
    # numbers from row 10 on: data, kept under its column number
    rows = [f"{i / FS:.4f},{v[0, i]:.6f},,{v[1, i]:.6f},{'' if i < 8 else f'{v[2, i]:.6f}'}"
            for i in range(N)]
    _write(p, "time_s,a_x (g),,a_y (g),", rows)
    rec = clonus.read(p, nan_policy="omit", units={"ch5": "g"})
    assert rec.ch_names == ["a_x", "a_y", "ch5"]
    assert rec.metadata["empty_unnamed_columns"] == 1
    assert rec.metadata["nonfinite_samples"] == {"ch5": 8}
    np.testing.assert_allclose(rec.get("ch5")[-1], v[2, -1] * G, rtol=1e-5)


def test_a_named_column_without_numbers_is_named_and_left_out(tmp_path) -> None:
    v = _xyz()
    p = tmp_path / "w_empty.csv"
    _write(p, "time_s,acc_x (g),acc_y (g),acc_z (g),temp (degC)",
           [f"{i / FS:.4f},{v[0, i]:.6f},{v[1, i]:.6f},{v[2, i]:.6f}," for i in range(N)])
    for policy in ("raise", "omit"):
        with pytest.warns(ClonusWarning, match=r"\['temp'\] hold no number.*left out"):
            rec = clonus.read(p, nan_policy=policy)
        assert rec.ch_names == ["acc_x", "acc_y", "acc_z"]
        assert rec.metadata["empty_channels"] == ["temp"]
        assert rec.n_samples == N  # no row was dropped for the empty column
        np.testing.assert_allclose(rec.data, v * G, atol=1e-6 * G)


def test_a_file_whose_columns_are_all_empty_is_refused(tmp_path) -> None:
    p = tmp_path / "w_all_empty.csv"
    _write(p, "time_s,acc_x (g),acc_y (g)", [f"{i / FS:.4f},," for i in range(N)])
    with pytest.raises(FileFormatError):  # not taken for a recording at all: nothing to read
        clonus.read(p)


def test_androsensor_export_with_an_unused_sensor_column(tmp_path) -> None:
    """AndroSensor (Android) writes a column for every sensor it offers, ';'-separated, units in
    parentheses, the time ('Time since start in ms ') near the end; with the GPS off its
    'LOCATION Accuracy ( m)' column is empty on every row."""
    v = _xyz()
    p = tmp_path / "Sensor_record_20261122_100000_AndroSensor.csv"
    head = ("ACCELEROMETER X (m/s²);ACCELEROMETER Y (m/s²);ACCELEROMETER Z (m/s²);"
            "LOCATION Accuracy ( m);Time since start in ms ")
    rows = [f"{v[0, i] * G:.5f};{v[1, i] * G:.5f};{v[2, i] * G:.5f};;{round(1000 * i / FS)}"
            for i in range(N)]
    p.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    with pytest.warns(ClonusWarning, match="LOCATION Accuracy"):
        rec = clonus.read(p)
    assert rec.fs == pytest.approx(FS, rel=1e-3)
    assert [c.kind for c in rec.channels] == ["acc"] * 3
    np.testing.assert_allclose(rec.data, v * G, atol=1e-4)


# ------------------------------------------------------------------------ CoreMotion names
def _coremotion_values(n: int = N) -> dict[str, np.ndarray]:
    k = np.arange(n)
    rng = np.random.default_rng(0)
    return {q: rng.normal(0, s, (3, n)) + np.sin(k / 9)[None] * s
            for q, s in (("rot", 0.5), ("user", 0.05), ("grav", 0.5), ("att", 0.3),
                         ("mag", 40.0))}


@pytest.mark.parametrize("style", ["underscore", "camel", "dot", "motion"])
def test_coremotion_columns_get_coremotion_units(tmp_path, style) -> None:
    v = _coremotion_values()
    ax = {"underscore": "_{}", "camel": "{}", "dot": ".{}", "motion": "{}"}[style]
    pre = "motion" if style == "motion" else ""

    def names(q: str, axes: str | tuple[str, ...]) -> list[str]:
        qq = (q[0].upper() + q[1:]) if pre else q
        return [pre + qq + ax.format(a.upper() if style in ("camel", "motion") and len(a) == 1
                                      else a) for a in axes]

    cols = (names("rotationRate", "xyz") + names("userAcceleration", "xyz")
            + names("gravity", "xyz") + names("attitude", ("roll", "pitch", "yaw"))
            + names("magneticField", "xyz"))
    mat = np.vstack([v["rot"], v["user"], v["grav"], v["att"], v["mag"]])
    p = tmp_path / "coremotion.csv"
    _write(p, ",".join(["timestamp", *cols]),
           [",".join([f"{1000 + i / FS:.5f}", *(f"{x:.7g}" for x in mat[:, i])])
            for i in range(N)])
    rec = clonus.read(p)  # no UnitWarning: every column has a unit
    ch = {c.name: c for c in rec.channels}
    assert [ch[n].kind for n in cols] == ["gyro"] * 3 + ["acc"] * 6 + ["misc"] * 3 + ["misc"] * 3
    assert [ch[n].unit for n in cols] == (["rad/s"] * 3 + ["m/s^2"] * 6 + ["rad"] * 3
                                          + ["T"] * 3)
    scale = np.repeat([1.0, G, G, 1.0, 1e-6], 3)[:, None]
    np.testing.assert_allclose(np.vstack([rec.get(n) for n in cols]), mat * scale, rtol=1e-5)
    assert rec.metadata["coremotion_units"] is True


def test_coremotion_units_only_when_the_file_is_coremotion(tmp_path) -> None:
    # Android's gravity sensor writes m/s^2: a lone gravity_x says nothing about g
    p = tmp_path / "android_gravity.csv"
    _write(p, "timestamp,gravity_x,gravity_y,gravity_z",
           [f"{i / FS:.4f},0.1,9.7,0.3" for i in range(N)])
    with pytest.warns(UnitWarning) as caught:
        rec = clonus.read(p)
    assert sorted(str(w.message).split("'")[1] for w in caught) == ["gravity_x", "gravity_y",
                                                                    "gravity_z"]
    assert {c.unit for c in rec.channels} == {"AU"}
    # a unit written in the header wins over CoreMotion's
    p2 = tmp_path / "deg.csv"
    _write(p2, "timestamp,rotationRate_x (deg/s),userAcceleration_x",
           [f"{i / FS:.4f},{i % 7},0.5" for i in range(N)])
    rec2 = clonus.read(p2)
    np.testing.assert_allclose(rec2.get("rotationRate_x")[:7], np.deg2rad(np.arange(7)))
    np.testing.assert_allclose(rec2.get("userAcceleration_x"), 0.5 * G)


def test_coremotion_file_is_assessed_on_its_gyroscope(tmp_path) -> None:
    from clonus.simulate import simulate_trial

    tr = simulate_trial(mode="held", gain_ratio=4.0, duration_s=10.0, seed=3,
                        sensors=("imu",), fs_imu_hz=100.0)
    r = tr.recording
    gyro = np.vstack([r.get(f"gyro_{a}") for a in "xyz"])
    acc = np.vstack([r.get(f"acc_{a}") for a in "xyz"]) / G  # CoreMotion writes g
    p = tmp_path / "2018071903.csv"
    header = ("battery_operation_count,hand,timestamp,attitude_roll,attitude_pitch,attitude_yaw,"
              "rotationRate_x,rotationRate_y,rotationRate_z,gravity_x,gravity_y,gravity_z,"
              "userAcceleration_x,userAcceleration_y,userAcceleration_z,device_batteryLevel")
    rows = [f"15,1,{6064.2 + i / r.fs:.6f},0.09,0.27,-0.02,"
            f"{gyro[0, i]:.7g},{gyro[1, i]:.7g},{gyro[2, i]:.7g},"
            f"{acc[0, i]:.7g},{acc[1, i]:.7g},{acc[2, i]:.7g},0.001,-0.002,0.003,1.0"
            for i in range(gyro.shape[1])]
    _write(p, header, rows)
    rec = clonus.read(p)
    assert rec.metadata["skipped_columns"] == ["battery_operation_count", "hand",
                                               "device_batteryLevel"]
    a = clonus.assess(rec)
    assert a.channel == "rotationRate_x,rotationRate_y,rotationRate_z"
    assert a.metrics["source_kind"] == "gyro"
    assert a.classification == "clonus"
    truth = tr.truth
    assert abs(a.n_beats - truth.n_beats) <= max(1, 0.05 * truth.n_beats)


# ------------------------------------------------------------------------ bookkeeping columns
def test_bookkeeping_columns_are_skipped_and_signals_kept(tmp_path) -> None:
    v = _xyz()
    k = np.arange(N)
    p = tmp_path / "logger.csv"
    cols = {
        "battery_operation_count": np.full(N, 15.0),   # battery: skipped
        "device_batteryLevel": np.linspace(0.81, 0.8, N),  # battery (varying): skipped
        "hand": np.ones(N),                            # constant integer label: skipped
        "trial": np.full(N, 2.0),                      # constant integer label: skipped
        "packet_seq": 1000.0 + k,                      # rising integer counter: skipped
        "frame_number": (k // 2).astype(float),        # non-decreasing counter: skipped
        "x": np.zeros(N),                              # a dead axis: kept (name ends in an axis)
        "EMG1": np.zeros(N),                           # constant but named as a signal: kept
        "level": v[0] * 100,                           # a varying signal named "level": kept
        "count": (k % 5).astype(float),                # integers going down again: kept
        "force (N)": np.full(N, 3.0),                  # a physical unit: kept
    }
    _write(p, ",".join(["time_s", *cols]),
           [",".join([f"{i / FS:.4f}", *(f"{c[i]:.7g}" for c in cols.values())])
            for i in range(N)])
    with pytest.warns(UnitWarning):
        rec = clonus.read(p)
    skipped = ["battery_operation_count", "device_batteryLevel", "hand", "trial", "packet_seq",
               "frame_number"]
    assert rec.metadata["skipped_columns"] == skipped
    assert rec.metadata["skipped_column_reasons"] == {
        "battery_operation_count": "battery", "device_batteryLevel": "battery",
        "hand": "constant label", "trial": "constant label", "packet_seq": "counter",
        "frame_number": "counter"}
    assert rec.ch_names == ["x", "EMG1", "level", "count", "force"]
    np.testing.assert_allclose(rec.get("level"), v[0] * 100, atol=1e-5)
    np.testing.assert_allclose(rec.get("count"), k % 5)


def test_only_bookkeeping_columns_is_a_clear_error(tmp_path) -> None:
    p = tmp_path / "battery_only.csv"
    _write(p, "time_s,batteryLevel,hand", [f"{i / FS:.3f},0.9,1" for i in range(N)])
    with pytest.raises(FileFormatError, match="no numeric signal column.*batteryLevel.*battery"):
        clonus.read(p)


# ------------------------------------------------------------------------ no header row
def _headerless(tmp_path, v: np.ndarray, *, sep: str = ",", end: str = "",
                name: str = "wrist.txt"):
    p = tmp_path / name
    p.write_text("\n".join(sep.join(f"{x:.6f}" for x in v[:, i]) + end
                           for i in range(v.shape[1])) + "\n")
    return p


def test_headerless_table_without_fs_says_which_options_to_pass(tmp_path) -> None:
    p = _headerless(tmp_path, _xyz())
    assert clonus.io.detect_format(p) == "csv"
    with pytest.raises(FileFormatError,
                       match=r"without a header row.*fs=HZ, units=.*-r fs=HZ --units.*ch1, ch2"):
        clonus.read(p)


@pytest.mark.parametrize(("sep", "end"), [(",", ""), ("\t", ""), (";", ";"), (",", ","),
                                          ("\t", "\t")])
def test_headerless_table_is_read_with_fs_and_units(tmp_path, sep, end) -> None:
    v = _xyz()
    p = _headerless(tmp_path, v, sep=sep, end=end)
    rec = clonus.read(p, fs=128.0, units="deg/s")
    assert rec.ch_names == ["ch1", "ch2", "ch3"]
    assert rec.fs == 128.0
    assert [c.kind for c in rec.channels] == ["gyro"] * 3
    np.testing.assert_allclose(rec.data, np.deg2rad(v), atol=1e-7)
    assert rec.metadata["header_row"] is False
    # a unit per column; the others stay arbitrary units, with a warning
    with pytest.warns(UnitWarning) as caught:
        rec2 = clonus.read(p, fs=128.0, units={"ch1": "g"})
    assert [str(w.message).split("'")[1] for w in caught] == ["ch2", "ch3"]
    assert [c.unit for c in rec2.channels] == ["m/s^2", "AU", "AU"]
    with pytest.raises(InvalidParameterError, match="ch4"):
        clonus.read(p, fs=128.0, units={"ch4": "g"})
    with pytest.raises(SamplingRateError):
        clonus.read(p, fs=-1.0, units="g")


def test_headerless_table_with_a_leading_clock_column(tmp_path) -> None:
    v = _xyz()
    t_ms = 1649657542256.0 + 10.0 * np.arange(N)
    p = _headerless(tmp_path, np.vstack([t_ms, v]))
    # without fs: the rate its steps imply, and exactly what to pass
    with pytest.raises(FileFormatError,
                       match=r"Column 1 rises at every row.*like a clock in ms: 100 Hz.*"
                             r"clonus.read\(path, fs=100, units='g'\).*-r fs=100 --units g.*"
                             r"ch2\.\.ch4"):
        clonus.read(p)
    # with fs (before: refused, "fs= would read it as a signal"): column 1 is the time, in
    # the unit that makes its steps 1/fs, and it says so
    with pytest.warns(ClonusWarning, match=r"column 1 .* read as the time in ms"):
        rec = clonus.read(p, fs=100.0, units="g")
    assert rec.ch_names == ["ch2", "ch3", "ch4"]
    assert rec.fs == pytest.approx(100.0)
    np.testing.assert_allclose(rec.data, v * G, atol=1e-5)
    assert rec.metadata["time_unit_judged"] == "ms"
    assert rec.metadata["time_column"] == "column 1"
    # a rate under which the steps are no unit of time is refused, with what they say
    with pytest.raises(FileFormatError, match=r"fs=37 Hz its steps are in no unit of time.*"
                                              r"100 Hz if in ms"):
        clonus.read(p, fs=37.0, units="g")
    # a clock in another column is still refused: fs= would read it as a signal
    p2 = tmp_path / "clock_second.csv"
    p2.write_text("\n".join(",".join(f"{c:.6f}" for c in row)
                            for row in np.vstack([v[0], t_ms, v[1]]).T) + "\n")
    with pytest.raises(FileFormatError, match=r"Column 2 rises at every row.*header row"):
        clonus.read(p2, fs=100.0, units="g")


def test_fs_is_refused_for_a_file_with_a_time_column(tmp_path) -> None:
    p = tmp_path / "timed.csv"
    _write(p, "time_s,gyro_x (rad/s)", [f"{i / FS:.3f},0.1" for i in range(N)])
    with pytest.raises(InvalidParameterError, match="time column 'time_s'.*without fs="):
        clonus.read(p, fs=100.0)


def test_specific_headerless_formats_still_win_over_the_fallback(tmp_path) -> None:
    # CloudUPDRS rows (timestamp_ns, acc in m/s^2, accuracy flag), named .txt: the CSV reader's
    # headerless fallback has the .txt extension, but is tried only when no reader matches
    t = 21521946631000 + 10_000_000 * np.arange(50)
    p = tmp_path / "cloudupdrs.txt"
    p.write_text("\n".join(f"{ti},0.69,1.53,9.77,3" for ti in t) + "\n")
    assert clonus.io.detect_format(p) == "cloudupdrs"
    # and an explicit format="csv" reads a headerless table
    q = _headerless(tmp_path, _xyz(), name="x.dat")
    assert clonus.read(q, format="csv", fs=50.0, units="g").ch_names == ["ch1", "ch2", "ch3"]


def test_other_readers_name_a_channel_without_any_finite_sample() -> None:
    # the shared NaN policy (every timestamped reader): omitting the rows of a channel that is
    # NaN throughout leaves no row, and the message says which channel holds no data
    from clonus.io._common import handle_nonfinite

    data = np.vstack([np.ones(10), np.full(10, np.nan)])
    t = np.arange(10) / FS
    for policy in ("raise", "omit"):
        with pytest.raises(FileFormatError, match=r"\['gyro_z'\] have no finite sample"):
            handle_nonfinite(data, ["gyro_x", "gyro_z"], path="f.csv", nan_policy=policy,
                             timestamps=t)
