"""TSDF (Verily Study Watch) reader: nested metadata inheritance, int16 x scale_factors, time
units (intervals in ms, relative s, absolute), the seconds-labelled-ms export error, damage,
privacy. Files come from a test-only builder following the public example metadata."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from io_builders import TSDF_ACC_SCALE, TSDF_GYRO_SCALE, X, Y, Z, tsdf_verily

import clonus
from clonus.exceptions import ClonusWarning, FileFormatError


def test_verily_round_trip(tmp_path) -> None:
    p = tsdf_verily(tmp_path / "w")
    assert clonus.io.detect_format(p) == "tsdf"
    assert clonus.io.detect_format(tmp_path / "w") == "tsdf"  # the export folder too
    rec = clonus.read(p)
    assert rec.ch_names == ["acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z"]
    assert [c.unit for c in rec.channels] == ["m/s^2"] * 3 + ["rad/s"] * 3
    assert rec.channels[0].orig_unit == "m/s/s"
    assert rec.fs == pytest.approx(100.0, rel=1e-6) and rec.n_samples == 200
    # int16 counts: error at most half a count
    assert np.abs(rec.data[:3] - np.vstack([X, Y, 9.81 * Z])).max() <= TSDF_ACC_SCALE / 2 + 1e-9
    assert np.abs(rec.data[3:] - np.vstack([X, Y, Z])).max() <= \
        np.radians(TSDF_GYRO_SCALE) / 2 + 1e-9
    # "2021-06-27T16:52:20Z" is UTC; first interval 0 -> first sample at the start
    assert str(rec.start_time) == "2021-06-27 16:52:20" and rec.tz_is_local is False
    assert rec.metadata["quality_counts"] == {"quality": {"0": 29, "1": 171}}  # every 7th 0
    assert rec.metadata["tsdf_identity"] == {"subject_id": "POMU1234"}


def test_scale_factor_worked_example(tmp_path) -> None:
    # by hand: 1640 counts x 0.06097561 deg/s = 100.0000004 deg/s = 1.7453293 rad/s;
    # 2089 counts x 0.00469378 m/s^2 = 9.80530642 m/s^2
    p = tsdf_verily(tmp_path / "w", acc=np.full((3, 4), 2089 * TSDF_ACC_SCALE),
                    gyro_dps=np.full((3, 4), 1640 * TSDF_GYRO_SCALE))
    raw = np.fromfile(tmp_path / "w" / "imu_values.bin", dtype="<i2").reshape(4, 6)
    assert raw[0].tolist() == [2089] * 3 + [1640] * 3
    rec = clonus.read(p)
    assert rec.get("gyro_x")[0] == pytest.approx(1.7453293, abs=1e-7)
    assert rec.get("acc_z")[0] == pytest.approx(9.80530642, abs=1e-8)


def test_seconds_labelled_ms_is_detected(tmp_path) -> None:
    # the public example error: intervals written in s, metadata says time_delta_ms
    p = tsdf_verily(tmp_path / "s", time_in_seconds=True)
    with pytest.warns(ClonusWarning, match="1000 times too small"):
        rec = clonus.read(p)
    assert rec.fs == pytest.approx(100.0, rel=1e-5)
    assert "read as s" in rec.metadata["time_unit_corrected"]
    # same without a usable header span (start == end): the 100 kHz interval gives it away
    q = tsdf_verily(tmp_path / "s2", time_in_seconds=True, span_s=0.0)
    with pytest.warns(ClonusWarning, match="100 kHz|1e\\+05 Hz"):
        rec2 = clonus.read(q)
    assert rec2.fs == pytest.approx(100.0, rel=1e-5)
    # a correct file is not "corrected"
    assert "time_unit_corrected" not in clonus.read(tsdf_verily(tmp_path / "ok")).metadata


def test_span_mismatch_warns(tmp_path) -> None:
    p = tsdf_verily(tmp_path / "m", span_s=60.0)  # header says 60 s, data span 1.99 s
    with pytest.warns(ClonusWarning, match="span"):
        rec = clonus.read(p)
    assert rec.metadata["time_span_mismatch"]["header_s"] == 60.0


def test_flat_metadata_relative_seconds_and_g(tmp_path) -> None:
    # the "prepared data" layout: keys at the root, float64, relative_s, g
    d = tmp_path / "prep"
    d.mkdir()
    t = np.arange(150) / 50.0
    t.astype("<f8").tofile(d / "IMU_time.bin")
    vals = np.vstack([0.1 * X[:150], 0 * t, 1 + 0 * t, 10 * np.sin(t), 0 * t, 0 * t]).T
    vals.astype("<f8").tofile(d / "IMU_values.bin")
    meta = {"study_id": "PPP", "device_id": "Verily Study Watch", "subject_id": "X",
            "metadata_version": "0.1", "start_iso8601": "2021-06-27T16:52:20Z",
            "end_iso8601": "2021-06-27T16:52:23Z", "rows": 150, "endianness": "little",
            "data_type": "float", "bits": 64,
            "sensors": [{"file_name": "IMU_time.bin", "channels": ["time"],
                         "units": ["relative_s"]},
                        {"file_name": "IMU_values.bin",
                         "channels": ["accelerometer_x", "accelerometer_y", "accelerometer_z",
                                      "gyroscope_x", "gyroscope_y", "gyroscope_z"],
                         "units": ["g"] * 3 + ["deg/s"] * 3}]}
    (d / "IMU_meta.json").write_text(json.dumps(meta))
    rec = clonus.read(d / "IMU_meta.json")
    assert rec.fs == pytest.approx(50.0) and rec.ch_names[3] == "gyro_x"
    np.testing.assert_allclose(rec.get("acc_z"), 9.80665, rtol=1e-12)
    np.testing.assert_allclose(rec.get("gyro_x"), np.radians(10 * np.sin(t)), atol=1e-12)


def test_big_endian(tmp_path) -> None:
    rec = clonus.read(tsdf_verily(tmp_path / "be", endianness="big"))
    np.testing.assert_allclose(rec.get("gyro_y"), Y, atol=np.radians(TSDF_GYRO_SCALE))


def test_damage(tmp_path) -> None:
    p = tsdf_verily(tmp_path / "t", mutate_values=lambda b: b[:-7])
    with pytest.raises(FileFormatError, match="truncated") as ei:
        clonus.read(p)
    assert "imu_values.bin" in str(ei.value)
    p = tsdf_verily(tmp_path / "m")
    (tmp_path / "m" / "imu_quality.bin").unlink()
    with pytest.raises(FileFormatError, match="missing"):
        clonus.read(p)
    p = tsdf_verily(tmp_path / "j", mutate_meta=lambda b: b[:-40])
    with pytest.raises(FileFormatError, match="not valid JSON"):
        clonus.read(p, format="tsdf")
    p = tsdf_verily(tmp_path / "u", mutate_meta=lambda b: b.replace(b"time_delta_ms",
                                                                    b"time_delta_fortnights"))
    with pytest.raises(FileFormatError, match="time unit"):
        clonus.read(p)
    # backwards time (a negative interval)
    p = tsdf_verily(tmp_path / "b")
    tt = np.fromfile(tmp_path / "b" / "imu_time.bin", dtype="<f4")
    tt[50] = -25.0
    tt.tofile(tmp_path / "b" / "imu_time.bin")
    with pytest.raises(FileFormatError, match="backwards"):
        clonus.read(p)
    # two segments in one folder: read one at a time
    shutil.copyfile(p, tmp_path / "b" / "IMU_segment0002_meta.json")
    with pytest.raises(FileFormatError, match="2 TSDF metadata files"):
        clonus.read(tmp_path / "b")


def test_privacy(tmp_path, capsys) -> None:
    from clonus.cli.main import main

    p = tsdf_verily(tmp_path / "w")
    anon = clonus.read(p, anonymize=True)
    assert "tsdf_identity" not in anon.metadata and anon.metadata["anonymized"] is True
    assert main(["info", str(p), "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["format"] == "tsdf" and "POMU1234" not in out


def test_time_encode_key_with_a_bare_unit(tmp_path) -> None:
    """The tsdf package's PPP example metadata (biomarkersParkinson/tsdf,
    data/ppp_format_meta.json) writes the time file as units ["ms"] plus
    "time_encode": "difference", in a flat "datasets" list; this was refused ("not one TSDF
    defines") before 2026-11-22. Values are ours."""
    def bare_unit(b: bytes) -> bytes:
        meta = json.loads(b)
        leaf = meta["sensors"][0]["sensors"][0]
        assert leaf["units"] == ["time_delta_ms"]
        leaf["units"], leaf["time_encode"] = ["ms"], "difference"
        return json.dumps(meta, indent=4).encode()

    p = tsdf_verily(tmp_path / "w", mutate_meta=bare_unit)
    assert b'"time_encode"' in p.read_bytes()
    rec = clonus.read(p)
    assert rec.fs == pytest.approx(100.0, rel=1e-6) and rec.n_samples == 200
    assert rec.metadata["time_unit"] == "difference_ms"
    np.testing.assert_allclose(rec.get("acc_z"), 9.81 * Z, atol=TSDF_ACC_SCALE / 2 + 1e-9)
