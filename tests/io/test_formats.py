"""Each text reader returns the known signal written by the builders (io_builders.py), with
the right names, kinds, SI units and rate."""

from __future__ import annotations

import json
import math
import zipfile

import numpy as np
import pytest
from io_builders import (
    FS,
    N,
    X,
    Z,
    delsys_csv,
    empatica_dir,
    faros_dir,
    gaitmap_csv,
    generic_csv,
    phyphox_android,
    phyphox_zip,
    physics_toolbox,
    sensorlogger_zip,
    shimmer_csv,
)

import clonus
from clonus.exceptions import FileFormatError, InvalidParameterError, UnitError

G0 = 9.80665
# builders write 6 decimals (csv) or 9 significant digits (phyphox): tolerance on values
ATOL_6DP = 1e-6


def test_generic_csv(tmp_path) -> None:
    rec = clonus.read(generic_csv(tmp_path))
    assert rec.metadata["format"] == "csv"
    assert rec.ch_names == ["gyro_x", "gyro_y", "acc_z"]
    assert [c.kind for c in rec.channels] == ["gyro", "gyro", "acc"]
    assert rec.fs == pytest.approx(FS, rel=1e-9)
    assert rec.metadata["resampled"] is False
    np.testing.assert_allclose(rec.get("gyro_x"), X, atol=ATOL_6DP)


def test_generic_csv_time_in_ms_and_brackets(tmp_path) -> None:
    p = tmp_path / "ms.csv"
    p.write_text("time [ms];EMG1 [uV]\n" + "".join(f"{i * 0.5};{i}\n" for i in range(50)))
    rec = clonus.read(p)
    assert rec.fs == pytest.approx(2000.0)
    assert rec.channels[0].kind == "emg" and rec.channels[0].unit == "V"
    np.testing.assert_allclose(rec.get("EMG1")[10], 10e-6)


def test_generic_csv_unit_override(tmp_path) -> None:
    p = tmp_path / "nounit.csv"
    p.write_text("time_s,EMG1\n" + "".join(f"{i / 1000},{i}\n" for i in range(20)))
    with pytest.warns(clonus.UnitWarning, match="EMG1"):
        assert clonus.read(p).channels[0].unit == "AU"
    rec = clonus.read(p, units={"EMG1": "mV"})
    assert rec.channels[0].unit == "V" and rec.channels[0].orig_unit == "mV"
    np.testing.assert_allclose(rec.get("EMG1")[5], 5e-3)
    with pytest.raises(InvalidParameterError, match="units must be"):
        clonus.read(p, units=["mV"])


def test_unknown_option_is_rejected(tmp_path) -> None:
    with pytest.raises(InvalidParameterError, match="Unknown option"):
        clonus.read(generic_csv(tmp_path), anonymise=True)


@pytest.mark.parametrize("builder", [phyphox_zip, phyphox_android])
def test_phyphox(builder, tmp_path) -> None:
    rec = clonus.read(builder(tmp_path))
    assert rec.metadata["format"] == "phyphox"
    assert rec.ch_names[:3] == ["gyro_x", "gyro_y", "gyro_z"]
    assert all(c.kind == "gyro" and c.unit == "rad/s" for c in rec.channels[:3])
    assert "gyro_abs" not in rec.ch_names and "absolute" not in rec.ch_names
    np.testing.assert_allclose(rec.get("gyro_x"), X, atol=1e-8)
    assert rec.fs == pytest.approx(FS, rel=1e-6)


def test_phyphox_zip_has_acc_and_start_time(tmp_path) -> None:
    rec = clonus.read(phyphox_zip(tmp_path))
    assert rec.ch_names == ["gyro_x", "gyro_y", "gyro_z", "acc_x", "acc_y", "acc_z"]
    np.testing.assert_allclose(rec.get("acc_z"), 9.81, atol=1e-8)
    # meta/time.csv START: system time 1700000000 at experiment time 0
    assert rec.start_time.timestamp() == pytest.approx(1700000000.0)
    assert rec.tz_is_local is False


def test_phyphox_android_linear_and_with_g(tmp_path) -> None:
    p = tmp_path / "Raw Data.csv"
    head = ('"Time (s)","Linear Acceleration x (m/s^2)","Linear Acceleration y (m/s^2)",'
            '"Linear Acceleration z (m/s^2)","Absolute acceleration (m/s^2)"\n')
    p.write_text(head + "".join(f"{i / 100:.9E},1,2,3,3.74\n" for i in range(30)))
    rec = clonus.read(p)
    assert rec.ch_names == ["linacc_x", "linacc_y", "linacc_z"]
    assert all(c.kind == "acc" for c in rec.channels)
    p.write_text(head.replace("Linear Acceleration", "Acceleration") +
                 "".join(f"{i / 100:.9E},1,2,3,3.74\n" for i in range(30)))
    assert clonus.read(p).ch_names == ["acc_x", "acc_y", "acc_z"]


def test_phyphox_folder_with_angle(tmp_path) -> None:
    d = tmp_path / "export"
    (d / "meta").mkdir(parents=True)
    (d / "Angle.csv").write_text('"Time (s)","Angle (deg)"\n' +
                                 "".join(f"{i / 100:.9E},{i:.9E}\n" for i in range(40)))
    (d / "meta" / "device.csv").write_text('"property","value"\n')
    (d / "Location.csv").write_text('"Time (s)","Latitude (°)"\n0,1\n1,2\n')
    rec = clonus.read(d)
    assert rec.ch_names == ["angle"] and rec.channels[0].kind == "angle"
    assert rec.channels[0].unit == "rad" and rec.channels[0].orig_unit == "deg"
    np.testing.assert_allclose(rec.get("angle")[30], math.radians(30), rtol=1e-9)
    assert rec.metadata["skipped"] == ["Location.csv"]


def test_phyphox_sensors_at_different_rates_are_grouped(tmp_path) -> None:
    p = tmp_path / "two_rates.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("Gyroscope.csv", '"Time (s)","X (rad/s)","Y (rad/s)","Z (rad/s)"\n' +
                    "".join(f"{i / 200},0,0,0\n" for i in range(400)))
        zf.writestr("Accelerometer.csv", '"Time (s)","X (m/s^2)","Y (m/s^2)","Z (m/s^2)"\n' +
                    "".join(f"{i / 50},0,0,9.8\n" for i in range(100)))
    groups = clonus.read_all(p)
    assert sorted(round(g.fs) for g in groups) == [50, 200]
    with pytest.raises(clonus.SamplingRateError, match="200 Hz"):
        clonus.read(p)


def test_sensorlogger_zyx_order(tmp_path) -> None:
    rec = clonus.read(sensorlogger_zip(tmp_path))
    assert rec.metadata["format"] == "sensorlogger"
    assert rec.ch_names == ["gyro_x", "gyro_y", "gyro_z"]
    # the file's columns are z, y, x: x must come from the last column
    np.testing.assert_allclose(rec.get("gyro_x"), X, atol=ATOL_6DP)
    np.testing.assert_allclose(rec.get("gyro_z"), Z, atol=ATOL_6DP)
    assert rec.start_time.timestamp() == pytest.approx(1.7e9)
    assert rec.metadata["platform"] == "android"


def test_sensorlogger_ios_uncalibrated_acc_in_g(tmp_path) -> None:
    p = tmp_path / "ios.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("AccelerometerUncalibrated.csv", "time,seconds_elapsed,z,y,x\n" +
                    "".join(f"{1_700_000_000_000_000_000 + i * 10_000_000},{i / 100},1,0,0\n"
                            for i in range(50)))
        zf.writestr("Metadata.csv", "platform,standardisation\nios,false\n")
    rec = clonus.read(p)
    np.testing.assert_allclose(rec.get("acc_z"), G0)  # 1 g
    assert rec.channels[2].orig_unit == "g"


def test_physics_toolbox_g_force(tmp_path) -> None:
    rec = clonus.read(physics_toolbox(tmp_path))
    assert rec.ch_names == ["acc_x", "acc_y", "acc_z"]
    np.testing.assert_allclose(rec.get("acc_x"), X * G0, atol=1e-5 * G0)
    assert rec.metadata["skipped_columns"] == ["TgF"]


def test_physics_toolbox_clock_times_and_semicolons(tmp_path) -> None:
    p = tmp_path / "ptss.csv"
    lines = ["time;wx;wy;wz"] + [f"2018-10-03 17:23:{55 + i // 100:02d}.{i % 100:02d}00;"
                                 f"{i / 10:.1f};0,5;0" for i in range(200)]
    p.write_text("\n".join(lines) + "\n")
    rec = clonus.read(p)
    assert rec.fs == pytest.approx(100.0, rel=1e-6)
    np.testing.assert_allclose(rec.get("gyro_y"), 0.5)  # decimal comma
    np.testing.assert_allclose(rec.get("gyro_x")[150], 15.0, atol=1e-9)


def test_researchkit_json(tmp_path) -> None:
    p = tmp_path / "accel.json"
    p.write_text(json.dumps([{"y": 0.0, "timestamp": 1000.0 + i * 0.01, "x": 0.5, "z": -1.0}
                             for i in range(100)]))
    rec = clonus.read(p)
    assert rec.metadata["format"] == "researchkit" and rec.ch_names == ["acc_x", "acc_y", "acc_z"]
    np.testing.assert_allclose(rec.get("acc_z"), -G0)
    np.testing.assert_allclose(rec.get("acc_x"), 0.5 * G0)
    assert rec.fs == pytest.approx(100.0) and rec.metadata["time_offset_s"] == 1000.0


def test_researchkit_device_motion(tmp_path) -> None:
    p = tmp_path / "dm.json"
    p.write_text(json.dumps([{"timestamp": i / 50, "rotationRate": {"x": 1, "y": 2, "z": 3},
                              "userAcceleration": {"x": 0, "y": 0, "z": 0.1},
                              "gravity": {"x": 0, "y": 0, "z": -1}} for i in range(60)]))
    rec = clonus.read(p)
    assert rec.ch_names[:3] == ["gyro_x", "gyro_y", "gyro_z"]
    np.testing.assert_allclose(rec.get("gyro_z"), 3.0)
    np.testing.assert_allclose(rec.get("linacc_z"), 0.1 * G0)


@pytest.mark.parametrize("text", ["[", '[{"timestamp": 0, "x": 1}]', '[{"timestamp": "a", "x": 1, '
                                  '"y": 1, "z": 1}, {"timestamp": 1, "x": 1, "y": 1, "z": 1}]',
                                  '[{"timestamp": 0, "x": 1, "y": 1, "z": 1}]'])
def test_researchkit_bad(tmp_path, text) -> None:
    p = tmp_path / "bad.json"
    p.write_text(text)
    with pytest.raises(FileFormatError):
        clonus.read(p, format="researchkit")


def test_researchkit_backwards_and_nan(tmp_path) -> None:
    p = tmp_path / "b.json"
    items = [{"timestamp": i * 0.01, "x": 0, "y": 0, "z": 1} for i in range(20)]
    items[5]["timestamp"] = 0.0
    p.write_text(json.dumps(items))
    with pytest.raises(FileFormatError, match="backwards"):
        clonus.read(p)
    items[5]["timestamp"] = 0.05
    items[7]["x"] = float("nan")
    p.write_text(json.dumps(items))
    with pytest.raises(FileFormatError, match="NaN"):
        clonus.read(p)


def test_delsys_known_signal(tmp_path) -> None:
    emg, acc = clonus.read_all(delsys_csv(tmp_path))
    assert emg.fs == 1000.0 and acc.fs == 100.0
    assert emg.n_samples == 400 and acc.n_samples == 40
    np.testing.assert_allclose(acc.get("ACC.X 1"), 0.5 * G0)
    assert emg.channels[0].kind == "emg"


def test_shimmer_known_signal(tmp_path) -> None:
    rec = clonus.read(shimmer_csv(tmp_path))
    assert rec.ch_names == ["Gyro_X", "Accel_LN_X"]
    np.testing.assert_allclose(rec.get("Gyro_X"), X, atol=1e-6)
    assert rec.fs == pytest.approx(FS, rel=1e-6) and rec.metadata["device"] == "Shimmer_ABCD"


def test_empatica_known_signal(tmp_path) -> None:
    groups = {tuple(g.ch_names): g for g in clonus.read_all(empatica_dir(tmp_path))}
    acc = groups[("acc_x", "acc_y", "acc_z")]
    np.testing.assert_allclose(acc.get("acc_z"), G0)  # 64 / 64 g
    assert acc.n_samples == N and groups[("temp",)].get("temp")[0] == 30.5


def test_faros_known_signal(tmp_path) -> None:
    groups = {g.fs: g for g in clonus.read_all(faros_dir(tmp_path))}
    np.testing.assert_allclose(groups[25.0].get("acc_z"), G0)  # 1000 mg
    assert groups[500.0].channels[0].kind == "ecg"


def test_gaitmap_known_signal(tmp_path) -> None:
    rec = clonus.read(gaitmap_csv(tmp_path))
    assert rec.ch_names == ["left_acc_x", "left_gyr_x"]
    np.testing.assert_allclose(rec.get("left_gyr_x"), X, atol=1e-6)


def test_unit_override_bad_unit(tmp_path) -> None:
    with pytest.raises(UnitError, match="bogus"):
        clonus.read(generic_csv(tmp_path), units={"gyro_x": "bogus"})


def test_not_found_and_unknown_format(tmp_path) -> None:
    with pytest.raises(FileFormatError, match="no such file"):
        clonus.read(tmp_path / "nope.csv")
    p = tmp_path / "x.txt"
    p.write_text("hello world\nthis is not a recording\n")
    with pytest.raises(FileFormatError, match="clonus formats"):
        clonus.read(p)
    with pytest.raises(InvalidParameterError, match="Unknown format"):
        clonus.read(p, format="mp3")


def test_researchkit_wrong_extension_empty_units(tmp_path) -> None:
    p = tmp_path / "motion.csv"  # JSON content, CSV name
    p.write_text(json.dumps([{"timestamp": i / 100, "x": 0, "y": 0, "z": 1} for i in range(20)]))
    assert clonus.io.detect_format(p) == "researchkit"
    with pytest.raises(FileFormatError, match="not a csv file.*researchkit"):
        clonus.read(p, format="csv")
    with pytest.raises(UnitError, match="furlongs"):
        clonus.read(p, units={"acc_x": "furlongs"})
    e = tmp_path / "e.json"
    e.write_text("")
    with pytest.raises(FileFormatError, match="empty"):
        clonus.read(e)


def test_phyphox_android_zip_in_subfolder(tmp_path) -> None:
    p = tmp_path / "android.zip"
    head = '"Time (s)","Gyroscope x (rad/s)","Gyroscope y (rad/s)","Gyroscope z (rad/s)"\n'
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("Gyro 2024-01-01/Raw Data.csv",
                    head + "".join(f"{i / 100:.9E},1,2,3\n" for i in range(50)))
        zf.writestr("Gyro 2024-01-01/meta/device.csv", '"property","value"\n')
    rec = clonus.read(p)
    assert rec.ch_names == ["gyro_x", "gyro_y", "gyro_z"]
    np.testing.assert_allclose(rec.get("gyro_z"), 3.0)
