"""Phone-app and logger layouts from the field, reproduced with known signals.

The layouts (header rows, units, separators, time bases) are those of public exports and
parsers: iOS SensorLog (location columns first, a GPS clock that is 0 without a fix or updated
once a second, the phone's attitude angles, counts written with the unit N), AndroSensor
(gyroscope axes named Yaw/Pitch/Roll, "Time since start in ms"), Polar Sensor Logger (axes named
X/Y/Z only, a magnetometer in gauss written "G"), Science Journal and Arduino loggers (a bare
time column in ms or us), and other loggers' headerless rows, which are not CloudUPDRS files.
Clonus-test files carry a simulated held test, so the beat count is checked against the
simulator's truth.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from io_builders import FS, T, X

import clonus
from clonus.exceptions import FileFormatError, MissingDependencyError, UnitWarning

G = 9.80665


@pytest.fixture(scope="module")
def held_test():
    """A simulated held clonus test at 100 Hz: gyro (rad/s) and acc (m/s^2) of a phone in a
    random orientation, and the truth."""
    from clonus.simulate import simulate_trial

    tr = simulate_trial(mode="held", gain_ratio=4.0, duration_s=10.0, seed=3,
                        sensors=("imu",), fs_imu_hz=100.0)
    rec = tr.recording
    gyro = np.vstack([rec.get(f"gyro_{a}") for a in "xyz"])
    acc = np.vstack([rec.get(f"acc_{a}") for a in "xyz"])
    return gyro, acc, rec.fs, tr.truth


def _assert_counts(a, truth) -> None:
    assert a.classification == "clonus"
    assert abs(a.n_beats - truth.n_beats) <= max(1, 0.05 * truth.n_beats), (a.n_beats,
                                                                            truth.n_beats)
    assert a.frequency_hz == pytest.approx(truth.frequency_hz, abs=0.15)


# ------------------------------------------------------------------------------ SensorLog (iOS)
_SL_HEAD = ("loggingTime(txt),locationTimestamp_since1970(s),locationLatitude(WGS84),"
            "locationCourse(°),locationFloor(Z),accelerometerTimestamp_sinceReboot(s),"
            "accelerometerAccelerationX(G),accelerometerAccelerationY(G),"
            "accelerometerAccelerationZ(G),motionTimestamp_sinceReboot(s),motionYaw(rad),"
            "motionRoll(rad),motionPitch(rad),motionRotationRateX(rad/s),"
            "motionRotationRateY(rad/s),motionRotationRateZ(rad/s),"
            "motionMagneticFieldCalibrationAccuracy(Z),pedometerNumberofSteps(N),"
            "batteryState(N)")


def _sensorlog(path, gyro, acc, fs, *, gps: str):
    n = gyro.shape[1]
    t = 405121.25 + np.arange(n) / fs
    roll = np.cumsum(gyro[0]) / fs  # an attitude angle that moves with the foot
    lines = [_SL_HEAD]
    for i in range(n):
        loc = {"nofix": "0", "1hz": f"{1.7e9 + np.floor(i / fs):.3f}"}[gps]
        lines.append(",".join([
            "2023-11-06T09:24:37.756+02:00", loc, "60.1699", "-1", "1", f"{t[i]:.6f}",
            *(f"{v / -G:.6f}" for v in acc[:, i]), f"{t[i] - 0.01:.6f}", "-2.05",
            f"{roll[i]:.6f}", "-0.06", *(f"{v:.6f}" for v in gyro[:, i]), "2", "17", "2"]))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("gps", ["nofix", "1hz"])
def test_sensorlog_time_base_and_channels(tmp_path, held_test, gps) -> None:
    gyro, acc, fs, truth = held_test
    p = _sensorlog(tmp_path / f"sl_{gps}.csv", gyro, acc, fs, gps=gps)
    with pytest.warns(UnitWarning):  # WGS84 is not a unit clonus knows
        rec = clonus.read(p)
    # the accelerometer's clock, not the GPS clock (0, or repeating for a second)
    assert rec.metadata["time_column"] == "accelerometerTimestamp_sinceReboot(s)"
    assert rec.fs == pytest.approx(fs, rel=1e-3)
    kinds = {c.name: c.kind for c in rec.channels}
    # the phone's attitude and the GPS course are not joint angles; "Accuracy" is not "acc"
    assert kinds["motionRoll"] == kinds["locationCourse"] == "misc"
    assert "angle" not in kinds.values()
    assert "motionMagneticFieldCalibrationAccuracy" not in kinds
    # counts written with the unit N are not forces
    assert "pedometerNumberofSteps" not in kinds and "force" not in kinds.values()
    np.testing.assert_allclose(rec.get("motionRotationRateX"), gyro[0], atol=2e-3)
    a = clonus.assess(rec)
    assert a.channel == "motionRotationRateX,motionRotationRateY,motionRotationRateZ"
    _assert_counts(a, truth)


# ------------------------------------------------------------------------------- AndroSensor
def test_androsensor_yaw_pitch_roll_gyro_is_one_sensor(tmp_path, held_test) -> None:
    gyro, acc, fs, truth = held_test
    lines = ["ACCELEROMETER X (m/s²);ACCELEROMETER Y (m/s²);ACCELEROMETER Z (m/s²);"
             "GYROSCOPE Yaw (rad/s);GYROSCOPE Pitch (rad/s);GYROSCOPE Roll (rad/s);"
             "ORIENTATION (Pitch) (°);Time since start in ms ;YYYY-MO-DD HH-MI-SS_SSS"]
    for i in range(gyro.shape[1]):
        lines.append(";".join([*(f"{v:.5f}" for v in acc[:, i]),
                               *(f"{v:.5f}" for v in gyro[:, i]), "12",
                               f"{round(1000 * i / fs)}", "2018-04-04 21:39:36:001"]))
    p = tmp_path / "Sensor_record_AndroSensor.csv"
    p.write_text("\n".join(lines) + "\n")
    rec = clonus.read(p)
    assert rec.fs == pytest.approx(fs, rel=1e-3)
    assert rec.channels[rec.ch_names.index("ORIENTATION (Pitch)")].kind == "misc"
    a = clonus.assess(rec)
    assert a.metrics["channels_used"] == ["GYROSCOPE Yaw", "GYROSCOPE Pitch", "GYROSCOPE Roll"]
    _assert_counts(a, truth)


# ------------------------------------------------------------------------ Polar Sensor Logger
def test_polar_gyro_axes_named_x_y_z_are_one_sensor(tmp_path, held_test) -> None:
    gyro, _, fs, truth = held_test
    lines = ["Phone timestamp;sensor timestamp [ns];X [dps];Y [dps];Z [dps]"]
    for i in range(gyro.shape[1]):
        lines.append(";".join([f"2026-07-16T21:34:53.{i % 1000:03d}",
                               str(599636646177066000 + round(i * 1e9 / fs)),
                               *(f"{np.degrees(v):.4f}" for v in gyro[:, i])]))
    p = tmp_path / "Polar_Sense_B36BA42F_20260716_213453_GYRO.txt"
    p.write_text("\n".join(lines) + "\n")
    a = clonus.assess(clonus.read(p))
    assert a.metrics["channels_used"] == ["X", "Y", "Z"]
    _assert_counts(a, truth)


def test_polar_magnetometer_g_is_gauss(tmp_path) -> None:
    lines = ["Phone timestamp;sensor timestamp [ns];X [G];Y [G];Z [G]"]
    for i, x in enumerate(X):
        lines.append(f"2026-07-16T21:34:53;{599636646177066000 + i * 10_000_000};"
                     f"{0.2 * x:.4f};0.1000;0.4000")
    p = tmp_path / "Polar_Sense_B36BA42F_20260716_213453_MAGN.txt"
    p.write_text("\n".join(lines) + "\n")
    rec = clonus.read(p)
    assert all(c.kind == "misc" and c.unit == "T" for c in rec.channels)
    np.testing.assert_allclose(rec.get("Z"), 0.4e-4)  # 0.4 gauss = 40 uT, not 0.4 g


# ------------------------------------------------------------------ bare time columns judged
@pytest.mark.parametrize(("name", "scale", "judged"), [
    ("timestamp", 1e3, "ms"), ("relative_time", 1e3, "ms"), ("time", 1e6, "us"),
    ("timestamp", 1e9, "ns"), ("time", 1.0, None)])
def test_bare_time_column_unit_is_judged_from_its_steps(tmp_path, name, scale, judged) -> None:
    t0 = {1e3: 1649657542256.0, 1e6: 0.0, 1e9: 21521946631000000.0, 1.0: 12.5}[scale]
    lines = [f"{name},gyro_x (rad/s)"]
    lines += [f"{t0 + scale * t:.0f},{x:.6f}" if scale > 1 else f"{t0 + t:.4f},{x:.6f}"
              for t, x in zip(T, X, strict=True)]
    p = tmp_path / "log.csv"
    p.write_text("\n".join(lines) + "\n")
    if judged:
        with pytest.warns(UnitWarning, match=f"read as {judged}"):
            rec = clonus.read(p)
        assert rec.metadata["time_unit_judged"] == judged
    else:
        rec = clonus.read(p)
        assert "time_unit_judged" not in rec.metadata
    assert rec.fs == pytest.approx(FS, rel=1e-6)
    np.testing.assert_allclose(rec.get("gyro_x"), X, atol=1e-6)


@pytest.mark.parametrize("header", ["time (us)", "Time [µs]", "micros", "time_us"])
def test_microsecond_time_columns(tmp_path, header) -> None:
    lines = [f"{header},gyro_x (deg/s)"] + [f"{12345 + 1e6 * t:.0f},{np.degrees(x):.4f}"
                                           for t, x in zip(T, X, strict=True)]
    p = tmp_path / "arduino.csv"
    p.write_text("\n".join(lines) + "\n")
    rec = clonus.read(p)
    assert rec.fs == pytest.approx(FS, rel=1e-6) and "time_unit_judged" not in rec.metadata
    np.testing.assert_allclose(rec.get("gyro_x"), X, atol=1e-5)


def test_named_time_unit_is_never_second_guessed(tmp_path) -> None:
    # time_s with 10 s steps is a 0.1 Hz recording, not milliseconds
    lines = ["time_s,gyro_x (rad/s)"] + [f"{10 * i},{x:.4f}" for i, x in enumerate(X)]
    p = tmp_path / "slow.csv"
    p.write_text("\n".join(lines) + "\n")
    rec = clonus.read(p)
    assert rec.fs == pytest.approx(0.1) and "time_unit_judged" not in rec.metadata


def test_gps_clock_only_is_a_clear_error(tmp_path) -> None:
    lines = ["locationTimestamp_since1970(s),accelerometerAccelerationX(G)"]
    lines += [f"0,{x:.4f}" for x in X]
    p = tmp_path / "gps.csv"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(FileFormatError, match="no usable time column"):
        clonus.read(p)


# ------------------------------------------------------- other loggers' rows are not CloudUPDRS
def _rows(ts, gyro_cols=True):
    out = []
    for i, x in enumerate(X):
        g = f",{x:.4f},0.0000,0.0000" if gyro_cols else ""
        out.append(f"{ts(i)},0.0000,{x:.4f},9.8066{g}")
    return out


def test_header_and_millisecond_rows_are_not_cloudupdrs(tmp_path) -> None:
    p = tmp_path / "diy.csv"
    p.write_text("\n".join(["timestamp,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z",
                            *_rows(lambda i: 1649657542256 + 10 * i)]) + "\n")
    assert clonus.io.detect_format(p) == "csv"
    with pytest.warns(UnitWarning):
        rec = clonus.read(p)
    assert rec.fs == pytest.approx(FS, rel=1e-6)
    assert [c.kind for c in rec.channels] == ["acc"] * 3 + ["gyro"] * 3


@pytest.mark.parametrize("ts", [lambda i: 1649657542256 + 10 * i,          # ms since 1970
                                lambda i: 21521946631000000 + 10_000_000 * i])  # ns + gyro
def test_headerless_rows_of_other_loggers_get_a_clear_message(tmp_path, ts) -> None:
    p = tmp_path / "stream.csv"
    p.write_text("\n".join(_rows(ts)) + "\n")
    with pytest.raises(FileFormatError, match="without a header row"):
        clonus.read(p)


@pytest.mark.parametrize(("name", "head", "match"), [
    # an HDF5 signature and nothing else: a damaged file (APDM files are read: test_apdm.py;
    # without h5py the error says what to install, naming HDF5 too)
    ("opal.h5", b"\x89HDF\r\n\x1a\n" + bytes(100), "HDF5"),
    ("e.avro", b"Obj\x01" + bytes(100), "Avro"),
    ("OpenBCI-RAW.txt", b"%OpenBCI Raw EEG Data\n%Number of channels = 8\n", "OpenBCI"),
    ("x.bin", b"Device Identity\nDevice Unique Serial Code:047521\n", "GENEActiv"),
])
def test_known_unsupported_formats_are_named(tmp_path, name, head, match) -> None:
    p = tmp_path / name
    p.write_bytes(head)
    with pytest.raises((FileFormatError, MissingDependencyError), match=match):
        clonus.read(p)


# ---------------------------------------------------------------------------------- ActiGraph
def _actigraph(path, *, timestamps=True, names=True, imu=False, epoch="00:00:00",
               drop_rows=0):
    head = ["------------ Data File Created By ActiGraph GT3X+ ActiLife v6.13.4 Firmware v3.2.1 "
            "date format dd/MM/yyyy at 100 Hz  Filter Normal -----------",
            "Serial Number: NEO1F16120034", "Start Time 10:00:00", "Start Date 25/03/2024",
            f"Epoch Period (hh:mm:ss) {epoch}", "Download Time 12:00:00",
            "Download Date 25/03/2024", "Current Memory Address: 0",
            "Current Battery Voltage: 4.12     Mode = 12",
            "--------------------------------------------------"]
    cols = ([f"IMU Accelerometer {a}" for a in "XYZ"] + ["IMU Temperature"]
            + [f"IMU Gyroscope {a}" for a in "XYZ"]) if imu else [
        f"Accelerometer {a}" for a in "XYZ"]
    lines = head + ([",".join((["Timestamp"] if timestamps else []) + cols)] if names else [])
    for i, x in enumerate(X):
        if 0 < i <= drop_rows:
            continue
        vals = [f"{0.05 * x:.4f}", "0.0000", "1.0000"]
        if imu:
            vals += ["30.1", f"{np.degrees(x):.4f}", "0.0000", "0.0000"]
        ts = [f"25/03/2024 10:00:{i // 100:02d}.{10 * (i % 100):03d}"] if timestamps else []
        lines.append(",".join(ts + vals))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(("timestamps", "names", "imu"), [
    (True, True, False), (False, True, False), (False, False, False), (True, True, True)])
def test_actigraph_raw_csv(tmp_path, timestamps, names, imu) -> None:
    p = _actigraph(tmp_path / "a.csv", timestamps=timestamps, names=names, imu=imu)
    assert clonus.io.detect_format(p) == "actigraph-csv"
    rec = clonus.read(p)
    assert rec.fs == 100.0 and rec.n_samples == len(X)
    np.testing.assert_allclose(rec.get("acc_x"), 0.05 * X * G, atol=1e-3)
    np.testing.assert_allclose(rec.get("acc_z"), G, atol=1e-9)
    assert str(rec.start_time) == "2024-03-25 10:00:00"
    if imu:
        assert rec.channels[rec.ch_names.index("gyro_x")].kind == "gyro"
        np.testing.assert_allclose(rec.get("gyro_x"), X, atol=1e-5)
        assert rec.channels[rec.ch_names.index("temperature")].kind == "misc"


def test_actigraph_epoch_file_and_missing_rows_are_refused(tmp_path) -> None:
    with pytest.raises(FileFormatError, match="epoch file"):
        clonus.read(_actigraph(tmp_path / "e.csv", epoch="00:01:00"))
    with pytest.raises(FileFormatError, match="rows are missing"):
        clonus.read(_actigraph(tmp_path / "m.csv", drop_rows=20))


def test_actigraph_and_geneactiv_identity_stays_private(tmp_path, capsys) -> None:
    from clonus.cli.main import main

    p = _actigraph(tmp_path / "a.csv")
    assert clonus.read(p).metadata["actigraph_identity"] == {"Serial Number": "NEO1F16120034"}
    assert "actigraph_identity" not in clonus.read(p, anonymize=True).metadata
    g = _geneactiv(tmp_path / "g.csv")
    ident = clonus.read(g).metadata["geneactiv_identity"]
    assert ident["Subject Code"] == "P-0417" and ident["Date of Birth"] == "1948-02-29"
    anon = clonus.read(g, anonymize=True).metadata
    assert "geneactiv_identity" not in anon and anon["device_location"] == "left ankle"
    for f in (p, g):
        assert main(["info", str(f), "--json"]) == 0
        out = capsys.readouterr().out
        json.loads(out)
        assert "NEO1F16120034" not in out and "P-0417" not in out and "1948-02-29" not in out


# ---------------------------------------------------------------------------------- GENEActiv
def _geneactiv(path, *, epoch_summary=False):
    head = ["Device Type,GENEActiv", "Device Model,1.1", "Device Unique Serial Code,047521",
            "", "Measurement Frequency,100 Hz", "Start Time,2024-03-01 10:00:00:000",
            "Device Location Code,left ankle", "", "Subject Code,P-0417",
            "Date of Birth,1948-02-29", "Sex,female", "", "Sensor type,MEMS accelerometer",
            "Units,g", ""]
    head += [""] * (100 - len(head))
    lines = list(head)
    for i, x in enumerate(X):
        ts = f"2024-03-01 10:00:{i // 100:02d}:{10 * (i % 100):03d}"
        extra = ",1.0,0.5,0.1,0.1,0.1,12" if epoch_summary else ""
        lines.append(f"{ts},{0.05 * x:.4f},0.0000,1.0000,12.0,0,25.2{extra}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_geneactiv_raw_csv(tmp_path) -> None:
    p = _geneactiv(tmp_path / "g.csv")
    assert clonus.io.detect_format(p) == "geneactiv-csv"
    rec = clonus.read(p)
    assert rec.fs == 100.0 and rec.n_samples == len(X)
    np.testing.assert_allclose(rec.get("acc_x"), 0.05 * X * G, atol=1e-3)
    assert [c.kind for c in rec.channels] == ["acc"] * 3 + ["misc"] * 3
    assert rec.metadata["device_location"] == "left ankle"
    assert str(rec.start_time) == "2024-03-01 10:00:00"


def test_geneactiv_epoch_summary_is_refused(tmp_path) -> None:
    with pytest.raises(FileFormatError, match="epoch summary"):
        clonus.read(_geneactiv(tmp_path / "g.csv", epoch_summary=True))


# ------------------------------------------------------------ units at the end of axis names
@pytest.mark.parametrize(("name", "stem"), [
    ("gyro_x", "gyro"), ("gyro_x_dps", "gyro"), ("acc_z_g", "acc"), ("omega_y_rad_s", "omega"),
    ("ax_m_s2", "a"), ("GYROSCOPE Pitch", "GYROSCOPE"), ("x-axis", ""), ("X", ""),
    ("right_gyr_z", "right_gyr"), ("motionRotationRateX", "motionRotationRate")])
def test_axis_stem(name, stem) -> None:
    from clonus.detect._channels import axis_stem

    assert axis_stem(name) == stem


def test_unit_suffix_axes_are_one_sensor(tmp_path, held_test) -> None:
    # gyro_x_dps/acc_x_g (documented CSV names, and what the MATLAB reader makes of an n x 3
    # gyro_dps) were three one-axis sensors: one axis analysed, its beats shrunk, no acc paired
    gyro, acc, fs, truth = held_test
    lines = [",".join(["time_s", *(f"gyro_{a}_dps" for a in "xyz"),
                       *(f"acc_{a}_g" for a in "xyz")])]
    for i in range(gyro.shape[1]):
        lines.append(",".join([f"{i / fs:.4f}", *(f"{np.degrees(v):.4f}" for v in gyro[:, i]),
                               *(f"{v / G:.5f}" for v in acc[:, i])]))
    p = tmp_path / "trial.csv"
    p.write_text("\n".join(lines) + "\n")
    a = clonus.assess(clonus.read(p))
    assert a.metrics["channels_used"] == ["gyro_x_dps", "gyro_y_dps", "gyro_z_dps"]
    _assert_counts(a, truth)
