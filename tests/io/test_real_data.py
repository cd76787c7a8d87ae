"""Every recording in ../shared/data/real/{wearable_exports,gaitmap_foot_imu} reads with the
right kinds, SI units and rates. Expected values are copied from the files by hand (the raw
text), not computed by the reader. Sources and licences: ../shared/data/real/README.md."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest

import clonus
from clonus.exceptions import FileFormatError, SamplingRateError, UnitWarning

pytestmark = pytest.mark.requires_data

G0 = 9.80665  # standard gravity, m/s^2
DEG = math.pi / 180.0


# ----------------------------------------------------------------------------- gaitmap
def test_gaitmap_two_sensor_file(real_data) -> None:
    rec = clonus.read(real_data / "gaitmap_foot_imu" / "imu_sample.csv")
    assert rec.metadata["format"] == "gaitmap"
    assert rec.fs == 204.8
    assert rec.n_samples == 7928  # 7930 lines - 2 header rows
    assert rec.ch_names == ["left_acc_x", "left_acc_y", "left_acc_z", "left_gyr_x", "left_gyr_y",
                            "left_gyr_z", "right_acc_x", "right_acc_y", "right_acc_z",
                            "right_gyr_x", "right_gyr_y", "right_gyr_z"]
    kinds = {c.name: (c.kind, c.unit, c.orig_unit) for c in rec.channels}
    assert kinds["left_acc_x"] == ("acc", "m/s^2", "m/s^2")
    assert kinds["right_gyr_z"] == ("gyro", "rad/s", "deg/s")
    # first data row: 0,0.8808107066241624,0.3115525903932168,...,-0.11240170597252427 (left gyr_x)
    np.testing.assert_allclose(rec.get("left_acc_x")[0], 0.8808107066241624, rtol=1e-12)
    np.testing.assert_allclose(rec.get("right_acc_x")[0], 0.3115525903932168, rtol=1e-12)
    np.testing.assert_allclose(rec.get("left_gyr_x")[0], -0.11240170597252427 * DEG, rtol=1e-12)
    np.testing.assert_allclose(rec.get("right_gyr_z")[0], -0.025288150801127122 * DEG, rtol=1e-12)


@pytest.mark.parametrize("name, acc_x0, gyr_x0", [
    ("imu_sample_ms_left.csv", -0.445124127139191, 35.2756032536645),
    ("imu_sample_ms_right.csv", -15.00603540393975, 203.5016094803912),
])
def test_gaitmap_single_sensor_files(real_data, name, acc_x0, gyr_x0) -> None:
    rec = clonus.read(real_data / "gaitmap_foot_imu" / name)
    assert rec.fs == 204.8 and rec.n_samples == 7000
    assert rec.ch_names == ["acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z"]
    assert [c.kind for c in rec.channels] == ["acc"] * 3 + ["gyro"] * 3
    assert rec.metadata["first_sample_index"] == 23000
    np.testing.assert_allclose(rec.get("acc_x")[0], acc_x0, rtol=1e-12)
    np.testing.assert_allclose(rec.get("gyr_x")[0], gyr_x0 * DEG, rtol=1e-12)


def test_gaitmap_ic_stride_file(real_data) -> None:
    rec = clonus.read(real_data / "gaitmap_foot_imu" / "imu_sample_ic_stride.csv")
    assert rec.n_samples == 4053 and rec.n_channels == 12
    np.testing.assert_allclose(rec.get("left_acc_x")[0], -6.314179038, rtol=1e-12)


def test_gaitmap_fs_override(real_data) -> None:
    rec = clonus.read(real_data / "gaitmap_foot_imu" / "imu_sample_ms_left.csv", fs=100.0)
    assert rec.fs == 100.0 and rec.metadata["fs_source"] == "fs option"


@pytest.mark.parametrize("name, n_rows", [("stride_borders_sample.csv", 58),
                                          ("stride_borders_sample_ic_stride.csv", 14),
                                          ("stride_events_sample.csv", 57)])
def test_gaitmap_label_tables(real_data, name, n_rows) -> None:
    p = real_data / "gaitmap_foot_imu" / name
    with pytest.raises(FileFormatError, match="stride-label table"):
        clonus.read(p)
    df = clonus.io.read_stride_labels(p)
    assert len(df) == n_rows and {"foot", "start", "end"} <= set(df.columns)


def test_gaitmap_stride_label_counts(real_data) -> None:
    # README: 28 left and 30 right hand-labelled strides
    df = clonus.io.read_stride_labels(real_data / "gaitmap_foot_imu" / "stride_borders_sample.csv")
    assert (df["foot"] == "left").sum() == 28 and (df["foot"] == "right").sum() == 30


# ----------------------------------------------------------------------------- Delsys
def test_delsys_groups_emg_and_imu(real_data) -> None:
    p = real_data / "wearable_exports" / "delsys_trigno" / "truncated_trigno_sample.csv"
    emg, imu = clonus.read_all(p)
    assert emg.fs == 1.259259e3 and imu.fs == 1.481481e2  # header: 1.259259e+003, 1.481481e+002
    assert emg.ch_names == ["EMG 10", "EMG 11"]
    assert [c.kind for c in emg.channels] == ["emg", "emg"]
    assert all(c.unit == "V" for c in emg.channels)
    assert emg.n_samples == 2519 and imu.n_samples == 297  # non-empty rows per column
    assert {c.kind for c in imu.channels} == {"acc", "gyro"}
    assert imu.channels[0].name == "ACC.X 10" and imu.channels[0].unit == "m/s^2"
    assert imu.channels[3].name == "GYRO.X 10" and imu.channels[3].orig_unit == "°/s"
    # data row 282 (file line 300): EMG 10 = -0.0003482872 V, ACC.X 10 = 0.112793 g,
    # GYRO.X 10 = 16.95122 deg/s
    np.testing.assert_allclose(emg.get("EMG 10")[281], -0.0003482872, rtol=1e-12)
    np.testing.assert_allclose(imu.get("ACC.X 10")[281], 0.112793 * G0, rtol=1e-12)
    np.testing.assert_allclose(imu.get("GYRO.X 10")[281], 9.085366 * DEG, rtol=1e-12)
    # the excerpt holds fewer points than the header declares (81141 EMG points)
    assert emg.metadata["declared_points"]["EMG 10"] == 81141
    with pytest.raises(SamplingRateError, match="1259.26 Hz"):
        clonus.read(p)
    assert clonus.read(p, channels=["EMG 11"]).ch_names == ["EMG 11"]


# ----------------------------------------------------------------------------- Shimmer
def test_shimmer(real_data) -> None:
    p = real_data / "wearable_exports" / "shimmer" / "read_test_data.csv"
    with pytest.warns(UnitWarning) as rec_w:
        rec = clonus.read(p)
    # local_flux (x3), no_units and uS are not convertible: kept in AU with a warning each
    assert sorted({str(w.message).split("'")[1] for w in rec_w}) == ["local_flux", "no_units",
                                                                        "uS"]
    assert rec.metadata["format"] == "shimmer"
    ch = {c.name: c for c in rec.channels}
    assert ch["Accel_LN_X"].kind == "acc" and ch["Accel_LN_X"].unit == "m/s^2"
    assert ch["Gyro_X"].kind == "gyro" and ch["Gyro_X"].unit == "rad/s"
    assert ch["Mag_X"].unit == "AU" and ch["Mag_X"].orig_unit == "local_flux"
    # first row: 1.595933810034E12 ms; Accel_LN_X -1.434782608695652; Gyro_X 0.13740458015267176
    assert rec.start_time == datetime(2020, 7, 28, 10, 56, 50, 34000, tzinfo=UTC)
    assert rec.tz_is_local is False
    np.testing.assert_allclose(rec.get("Accel_LN_X")[0], -1.434782608695652, rtol=1e-12)
    np.testing.assert_allclose(rec.get("Gyro_X")[0], 0.13740458015267176 * DEG, rtol=1e-12)
    # about 52 Hz with Bluetooth-batched timestamps (0-46 ms intervals): resampled, reported
    assert rec.metadata["resampled"] is True
    assert 50.0 < rec.fs < 55.0
    assert rec.metadata["jitter_s"] > 0.005
    assert rec.metadata["repeated_timestamps_spread"] == 4  # ms clock at 52 Hz; none dropped


# ----------------------------------------------------------------------------- Empatica
def test_empatica_folder(real_data) -> None:
    p = real_data / "wearable_exports" / "empatica_e4"
    groups = {tuple(g.ch_names): g for g in clonus.read_all(p)}
    acc = groups[("acc_x", "acc_y", "acc_z")]
    assert acc.fs == 32.0 and acc.n_samples == 890
    assert all(c.kind == "acc" and c.unit == "m/s^2" for c in acc.channels)
    # first sample -1,65,5 in 1/64 g
    np.testing.assert_allclose(acc.data[:, 0], np.array([-1, 65, 5]) / 64 * G0, rtol=1e-12)
    assert acc.start_time == datetime.fromtimestamp(1551453301, tz=UTC)
    assert groups[("bvp",)].fs == 64.0 and groups[("bvp",)].n_samples == 2054
    assert groups[("eda",)].fs == 4.0 and groups[("eda",)].n_samples == 133
    assert groups[("temp",)].n_samples == 103 and groups[("temp",)].get("temp")[0] == 23.75
    hr = groups[("hr",)]
    assert hr.fs == 1.0 and hr.start_time == datetime.fromtimestamp(1551453311, tz=UTC)
    np.testing.assert_allclose(hr.get("hr")[0], 88.0 / 60.0, rtol=1e-12)  # 88 bpm in Hz
    assert acc.metadata["tags_unix_s"] == [1551453311.68, 1551453318.17, 1551453319.49,
                                           1551453328.04]
    assert len(acc.metadata["ibi"]) == 49 and acc.metadata["ibi"][0] == [145.631666, 0.62509]
    with pytest.raises(SamplingRateError, match="different sampling rates"):
        clonus.read(p)
    with pytest.raises(SamplingRateError, match="separate groups"):
        clonus.read(p, channels=["eda", "temp"])  # both 4 Hz, different lengths
    # HR starts 10 s after ACC: resampling aligns them on their start times
    both = clonus.read(p, channels=["acc_z", "hr"], resample_to_hz=4.0)
    assert both.start_time == datetime.fromtimestamp(1551453311, tz=UTC)
    assert both.metadata["aligned_start_offsets_s"] == [0.0, 10.0]
    np.testing.assert_allclose(both.get("hr")[0], 88.0 / 60.0, rtol=1e-2)


# ----------------------------------------------------------------------------- Faros
def test_faros_edf_mixed_rates(real_data) -> None:
    p = real_data / "wearable_exports" / "bittium_faros" / "testfile_read.EDF"
    with pytest.warns(UnitWarning, match="Marker"):  # the Marker signal has no unit
        groups = {g.fs: g for g in clonus.read_all(p)}
    assert sorted(groups) == [1.0, 5.0, 25.0, 500.0]
    ecg, acc = groups[500.0], groups[25.0]
    assert ecg.ch_names == ["ECG"] and ecg.channels[0].kind == "ecg"
    assert ecg.channels[0].unit == "V" and ecg.n_samples == 39000
    assert acc.ch_names == ["Accelerometer_X", "Accelerometer_Y", "Accelerometer_Z"]
    assert all(c.kind == "acc" and c.orig_unit == "mg" for c in acc.channels)
    assert groups[5.0].channels[0].unit == "s"  # HRV in ms
    # first samples, as in the CSV export of the same session: ECG -2134 uV, ACC X 308.5 mg
    np.testing.assert_allclose(ecg.get("ECG")[0], -2134e-6, rtol=1e-9)
    np.testing.assert_allclose(acc.data[:, 0], np.array([308.5, -645.0, -523.5]) * 1e-3 * G0,
                               rtol=1e-9)
    assert ecg.start_time == datetime(2018, 10, 12, 16, 54, 12) and ecg.tz_is_local
    with pytest.warns(UnitWarning), pytest.raises(SamplingRateError) as ei:
        clonus.read(p)
    for rate in ("500 Hz", "25 Hz", "5 Hz", "1 Hz"):
        assert rate in str(ei.value)
    with pytest.warns(UnitWarning):
        both = clonus.read(p, channels=["ECG", "Accelerometer_X"], resample_to_hz=100.0)
    assert both.fs == 100.0 and both.ch_names == ["ECG", "Accelerometer_X"]


def test_faros_csv_folder(real_data) -> None:
    p = real_data / "wearable_exports" / "bittium_faros" / "testdir_read"
    with pytest.warns(UnitWarning, match="Marker"):
        groups = {g.fs: g for g in clonus.read_all(p)}
    assert sorted(groups) == [1.0, 5.0, 25.0, 500.0]
    acc = groups[25.0]
    assert acc.ch_names == ["acc_x", "acc_y", "acc_z"] and acc.n_samples == 1950
    np.testing.assert_allclose(acc.data[:, 0], np.array([308.5, -645.0, -523.5]) * 1e-3 * G0,
                               rtol=1e-12)
    np.testing.assert_allclose(groups[500.0].get("ECG")[0], -2134e-6, rtol=1e-12)
    assert acc.start_time == datetime(2018, 10, 12, 16, 54, 12)


# ----------------------------------------------------------------------------- RData EMG
def test_rdata_gait_emg(real_data) -> None:
    p = real_data / "gait_emg_13_muscles" / "RAW_DATA.RData"
    with pytest.warns(UnitWarning):
        rec = clonus.read(p)
    assert rec.ch_names == ["ME", "MA", "FL", "RF", "VM", "VL", "ST", "BF", "TA", "PL", "GM",
                            "GL", "SO"]
    assert all(c.kind == "emg" and c.unit == "AU" for c in rec.channels)
    rec_uv = clonus.read(p, units="uV")
    assert all(c.unit == "V" and c.orig_unit == "uV" for c in rec_uv.channels)
    assert rec_uv.fs == 1000.0 and rec_uv.n_samples == 7618
    # first row: time 0.014, ME 0.201416, SO 8.963013
    np.testing.assert_allclose(rec_uv.get("ME")[0], 0.201416e-6, rtol=1e-5)
    np.testing.assert_allclose(rec_uv.get("SO")[0], 8.963013e-6, rtol=1e-6)
    assert rec_uv.metadata["time_offset_s"] == pytest.approx(0.014)
    assert rec_uv.metadata["trial"] == "ID0012_TW_01"
    cycles = rec_uv.metadata["cycles"]
    assert len(cycles) == 6 and cycles[0] == [1.414, 2.074]


def test_study_folder_is_not_mistaken_for_a_faros_export(real_data):
    # The real-data folder contains a Faros export deep inside; the folder itself is not one.
    from clonus.exceptions import FileFormatError
    from clonus.io import detect_format

    faros = real_data / "wearable_exports" / "bittium_faros" / "testdir_read"
    assert detect_format(faros) == "faros-csv"
    with pytest.raises(FileFormatError):
        detect_format(real_data)
