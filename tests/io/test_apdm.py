"""APDM Opal / Mobility Lab HDF5 files: both layouts written with h5py, known signals read back.

The layouts (format version 5 ``/Sensors/<id>/...`` and the legacy ``CaseIdList`` /
``Calibrated`` one) are those of public readers of real exports (docs/formats.md, APDM). The
clonus test at the end carries a simulated held test, counted against the simulator's truth.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime

import numpy as np
import pytest

h5py = pytest.importorskip("h5py")

from io_builders import (  # noqa: E402
    APDM_FS,
    APDM_T0_US,
    apdm_sensor,
    apdm_time,
    write_apdm_legacy,
    write_apdm_v5,
)

import clonus  # noqa: E402
from clonus.cli.main import main  # noqa: E402
from clonus.exceptions import (  # noqa: E402
    FileFormatError,
    InvalidParameterError,
    MissingDependencyError,
    SamplingRateError,
    UnitWarning,
)

G = 9.80665
N = 640  # 5 s at 128 Hz
T = np.arange(N) / APDM_FS
GYRO_X = 0.8 * np.sin(2 * np.pi * 6.0 * T)  # 6 Hz, 0.8 rad/s


def _two(n: int = N):
    return [apdm_sensor("Right Foot", "1264", n=n, gyro_x=GYRO_X[:n]),
            apdm_sensor("Lumbar", "XI-010284", n=n)]


@pytest.fixture
def v5(tmp_path):
    return write_apdm_v5(tmp_path / "20231114-221320_Clonus.h5", _two())


# --------------------------------------------------------------------------- format version 5
def test_v5_values_units_rate_and_names(v5) -> None:
    assert clonus.io.detect_format(v5) == "apdm"
    rec = clonus.read(v5)
    assert rec.fs == APDM_FS
    assert rec.n_samples == N
    axes = [f"{s}_{a}" for s in ("acc", "gyro", "mag") for a in "xyz"] + ["temperature"]
    assert rec.ch_names == [f"right_foot_{c}" for c in axes] + [f"lumbar_{c}" for c in axes]
    units = {c.name: (c.kind, c.unit, c.orig_unit) for c in rec.channels}
    assert units["right_foot_gyro_x"] == ("gyro", "rad/s", "rad/s")
    assert units["right_foot_acc_z"] == ("acc", "m/s^2", "m/s^2")
    assert units["lumbar_mag_y"] == ("misc", "T", "uT")
    assert units["lumbar_temperature"] == ("misc", "degC", "degC")
    np.testing.assert_allclose(rec.get("right_foot_gyro_x"), GYRO_X, atol=1e-6)  # float32
    np.testing.assert_allclose(rec.get("right_foot_acc_z"), G, atol=1e-5)
    np.testing.assert_allclose(rec.get("lumbar_gyro_x"), 0.0)
    np.testing.assert_allclose(rec.get("lumbar_mag_x"), 20e-6, rtol=1e-6)  # 20 uT in T
    np.testing.assert_allclose(rec.get("lumbar_temperature"), 31.5)
    assert rec.start_time == datetime.fromtimestamp(APDM_T0_US / 1e6, tz=UTC)
    assert rec.tz_is_local is False
    md = rec.metadata
    assert md["format"] == "apdm" and md["file_format_version"] == 5
    assert md["sensors"] == ["Right Foot", "Lumbar"]
    assert md["channel_prefixes"] == {"Right Foot": "right_foot", "Lumbar": "lumbar"}
    assert md["apdm_identity"] == {"sensor_ids": {"Right Foot": "1264", "Lumbar": "XI-010284"}}
    assert md["skipped_datasets"] == ["Barometer", "Processed/<sensor>/Orientation"]
    assert md["annotations"] == [{"time_s": 0.5, "text": "Start of clonus test"}]
    json.dumps(md)  # metadata stays JSON-serialisable


def test_the_frequency_and_amplitude_of_the_gyroscope_survive(v5) -> None:
    x = clonus.read(v5).get("right_foot_gyro_x")
    spec = np.abs(np.fft.rfft(x))
    f = np.fft.rfftfreq(x.size, 1 / APDM_FS)[int(np.argmax(spec))]
    assert f == pytest.approx(6.0, abs=1 / 5)
    assert np.max(np.abs(x)) == pytest.approx(0.8, rel=1e-3)


def test_pick_a_sensor_by_label_prefix_or_id(v5) -> None:
    for key in ("Right Foot", "right foot", "right_foot", "1264", ["Right Foot"]):
        rec = clonus.read(v5, sensor=key)
        assert rec.metadata["sensors"] == ["Right Foot"]
        assert rec.ch_names[0] == "right_foot_acc_x" and len(rec.ch_names) == 10
    both = clonus.read(v5, sensor=["lumbar", "Right Foot"])
    assert both.metadata["sensors"] == ["Right Foot", "Lumbar"]
    with pytest.raises(InvalidParameterError, match=r"no sensor 'Left Foot'.*'Right Foot'"):
        clonus.read(v5, sensor="Left Foot")
    with pytest.raises(InvalidParameterError, match="sensor= must be"):
        clonus.read(v5, sensor=3)
    # the analysis takes one foot by its prefix, as for gaitmap's left_/right_ channels
    assert clonus.read(v5).pick(
        [c for c in clonus.read(v5).ch_names if c.startswith("lumbar")]).n_channels == 10


def test_anonymize_leaves_sensor_ids_and_annotation_texts_out(v5, capsys) -> None:
    rec = clonus.read(v5, anonymize=True)
    assert "apdm_identity" not in rec.metadata and rec.metadata["anonymized"] is True
    assert rec.metadata["annotations"] == [{"time_s": 0.5}]
    assert main(["info", str(v5), "--json"]) == 0
    out = capsys.readouterr().out
    assert "1264" not in out and "XI-010284" not in out and "apdm" in out


def test_unknown_option_is_refused(v5) -> None:
    with pytest.raises(InvalidParameterError, match="sensor"):
        clonus.read(v5, fs=100)


def test_units_attribute_is_used(tmp_path) -> None:
    s = apdm_sensor("Right Foot", "1264", n=N)
    s.gyro[:, 0] = np.degrees(GYRO_X)
    p = write_apdm_v5(tmp_path / "dps.h5", [s])
    with h5py.File(p, "r+") as f:
        f["Sensors/1264/Gyroscope"].attrs["Units"] = np.bytes_("deg/s")
        f["Sensors/1264/Accelerometer"].attrs["Units"] = "m/s^2"
    rec = clonus.read(p)
    np.testing.assert_allclose(rec.get("right_foot_gyro_x"), GYRO_X, atol=1e-5)
    assert rec.channels[rec.ch_names.index("right_foot_gyro_x")].orig_unit == "deg/s"
    with h5py.File(p, "r+") as f:
        f["Sensors/1264/Gyroscope"].attrs["Units"] = "furlongs"
    with pytest.warns(UnitWarning):
        rec = clonus.read(p)
    assert rec.channels[rec.ch_names.index("right_foot_gyro_x")].unit == "AU"
    assert clonus.read(p, units={"right_foot_gyro_x": "deg/s", "right_foot_gyro_y": "deg/s",
                                 "right_foot_gyro_z": "deg/s"}).channels[3].unit == "rad/s"


def test_one_unlabelled_sensor_has_plain_names_and_several_are_numbered(tmp_path) -> None:
    p = write_apdm_v5(tmp_path / "one.h5", [apdm_sensor("", "1264", n=N, gyro_x=GYRO_X)])
    rec = clonus.read(p)
    assert rec.ch_names[:6] == ["acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z"]
    p = write_apdm_v5(tmp_path / "two.h5", [apdm_sensor("", "1", n=N),
                                             apdm_sensor("", "2", n=N)])
    assert {c.split("_")[0] for c in clonus.read(p).ch_names} == {"sensor1", "sensor2"}
    p = write_apdm_v5(tmp_path / "same.h5", [apdm_sensor("Foot", "1", n=N),
                                              apdm_sensor("Foot", "2", n=N)])
    names = clonus.read(p).ch_names
    assert "foot_gyro_x" in names and "foot_2_gyro_x" in names


def test_rate_from_time_when_the_attribute_is_missing(tmp_path) -> None:
    s = apdm_sensor("Right Foot", "1264", n=N, gyro_x=GYRO_X)
    s.fs = None
    rec = clonus.read(write_apdm_v5(tmp_path / "nofs.h5", [s]))
    assert rec.fs == pytest.approx(APDM_FS, rel=1e-5)
    assert rec.metadata["per_sensor"]["Right Foot"]["fs_source"].startswith("Time")


def test_sensors_at_different_rates_are_separate_groups(tmp_path) -> None:
    p = write_apdm_v5(tmp_path / "rates.h5", [apdm_sensor("Right Foot", "1", n=N),
                                               apdm_sensor("Lumbar", "2", n=N // 2, fs=64.0)])
    groups = clonus.read_all(p)
    assert sorted(g.fs for g in groups) == [64.0, 128.0]
    with pytest.raises(SamplingRateError, match="different sampling rates"):
        clonus.read(p)
    assert clonus.read(p, sensor="Lumbar").fs == 64.0


def test_sensors_that_started_apart_are_cut_to_their_common_span(tmp_path) -> None:
    a = apdm_sensor("Right Foot", "1", n=N, gyro_x=GYRO_X)
    b = apdm_sensor("Lumbar", "2", n=N)
    t = apdm_time(N + 10)  # the lumbar Opal started 10 samples later and stopped later
    b.time = t[10:]
    rec = clonus.read(write_apdm_v5(tmp_path / "offset.h5", [a, b]))
    assert rec.n_samples == N - 10
    assert rec.metadata["trimmed_to_common_span"] == {"Right Foot": [10, 0], "Lumbar": [0, 10]}
    np.testing.assert_allclose(rec.get("right_foot_gyro_x"), GYRO_X[10:], atol=1e-6)
    assert rec.start_time == datetime.fromtimestamp(int(t[10]) / 1e6, tz=UTC)


def test_a_magnetometer_of_another_length_is_skipped(tmp_path) -> None:
    s = apdm_sensor("Right Foot", "1264", n=N)
    s.mag = s.mag[: N // 4]
    rec = clonus.read(write_apdm_v5(tmp_path / "mag.h5", [s]))
    assert "right_foot_mag_x" not in rec.ch_names
    assert "Magnetometer (length differs from Time)" in rec.metadata["skipped_datasets"]


def test_transposed_datasets_are_read(tmp_path) -> None:
    p = write_apdm_v5(tmp_path / "t.h5", [apdm_sensor("Right Foot", "1264", n=N, gyro_x=GYRO_X)])
    with h5py.File(p, "r+") as f:
        g = f["Sensors/1264/Gyroscope"][()]
        del f["Sensors/1264/Gyroscope"]
        f["Sensors/1264/Gyroscope"] = g.T  # (3, N) as MATLAB writes it
    np.testing.assert_allclose(clonus.read(p).get("right_foot_gyro_x"), GYRO_X, atol=1e-6)


# --------------------------------------------------------------------------------- legacy
def test_legacy_layout(tmp_path) -> None:
    p = write_apdm_legacy(tmp_path / "20140126-134055-Base.h5", _two())
    assert clonus.io.detect_format(p) == "apdm"
    rec = clonus.read(p)
    assert rec.fs == APDM_FS and rec.n_samples == N
    assert rec.metadata["apdm_layout"].startswith("legacy")
    assert rec.metadata["file_format_version"] == 4
    assert rec.metadata["sensors"] == ["Right Foot", "Lumbar"]
    assert rec.metadata["apdm_identity"]["sensor_ids"] == {"Right Foot": "1264",
                                                           "Lumbar": "XI-010284"}
    assert "temperature" not in " ".join(rec.ch_names)  # not in the legacy Calibrated group
    np.testing.assert_allclose(rec.get("right_foot_gyro_x"), GYRO_X, atol=1e-6)
    np.testing.assert_allclose(rec.get("lumbar_acc_z"), G, atol=1e-5)
    np.testing.assert_allclose(rec.get("lumbar_mag_z"), 40e-6, rtol=1e-6)
    assert [c.kind for c in rec.channels[:9]] == ["acc"] * 3 + ["gyro"] * 3 + ["misc"] * 3
    assert clonus.read(p, sensor="Lumbar").ch_names[0] == "lumbar_acc_x"
    assert "apdm_identity" not in clonus.read(p, anonymize=True).metadata


def test_legacy_without_case_id_list(tmp_path) -> None:
    p = write_apdm_legacy(tmp_path / "v2.h5", [apdm_sensor("", "SI-000738", n=N, gyro_x=GYRO_X)])
    with h5py.File(p, "r+") as f:
        del f.attrs["CaseIdList"], f.attrs["MonitorLabelList"]
    rec = clonus.read(p)
    np.testing.assert_allclose(rec.get("gyro_x"), GYRO_X, atol=1e-6)


# ------------------------------------------------------------------------------ bad inputs
def _edit(path, fn):
    with h5py.File(path, "r+") as f:
        fn(f)
    return path


def _replace(f, name, value):
    del f[name]
    f[name] = value


@pytest.mark.parametrize(("edit", "match"), [
    (lambda f: _replace(f, "Sensors/1264/Time", apdm_time(N)[::-1]), "goes backwards at sample 2"),
    (lambda f: _replace(f, "Sensors/1264/Time", np.repeat(apdm_time(N // 2), 2)),
     "repeats at sample 2"),
    (lambda f: _replace(f, "Sensors/1264/Accelerometer", np.zeros((0, 3))),
     "Accelerometer is empty"),
    (lambda f: _replace(f, "Sensors/1264/Time", np.zeros(0, np.uint64)), "Time is empty"),
    (lambda f: _replace(f, "Sensors/1264/Gyroscope", np.zeros((N - 5, 3))),
     r"Gyroscope has shape \(635, 3\) but Time has 640"),
    (lambda f: _replace(f, "Sensors/1264/Time", apdm_time(N, fs=100.0)),
     "says 128 Hz but Time advances by 10000 us"),
    (lambda f: _replace(f, "Sensors/1264/Time", np.concatenate(
        [apdm_time(N)[:300], apdm_time(N)[300:] + 250_000])), "jumps by 0.2578 s after sample 300"),
    (lambda f: _replace(f, "Sensors/1264/Time", apdm_time(N).astype("S20")), "not numbers"),
])
def test_bad_inputs_are_clear_errors(tmp_path, edit, match) -> None:
    p = _edit(write_apdm_v5(tmp_path / "bad.h5", _two()), edit)
    with pytest.raises(FileFormatError, match=match) as e:
        clonus.read(p)
    assert str(p) in str(e.value) and "'Right Foot'" in str(e.value)


def test_nonfinite_samples(tmp_path) -> None:
    def nan(f):
        g = f["Sensors/1264/Gyroscope"][()]
        g[100:103, 0] = np.nan
        g[200, 2] = np.inf
        _replace(f, "Sensors/1264/Gyroscope", g)

    p = _edit(write_apdm_v5(tmp_path / "nan.h5", _two()), nan)
    with pytest.raises(FileFormatError, match=r"4 samples are NaN or infinite.*sample 101 of 640"):
        clonus.read(p)
    rec = clonus.read(p, nan_policy="omit")
    assert rec.n_samples == N  # interpolated back onto the Time vector
    assert rec.metadata["per_sensor"]["Right Foot"]["nonfinite_samples"] == {
        "right_foot_gyro_x": 3, "right_foot_gyro_z": 1}
    assert np.isfinite(rec.data).all()
    ok = np.r_[0:100, 103:200, 201:N]  # a row with any non-finite value is dropped whole
    np.testing.assert_allclose(rec.get("right_foot_gyro_x")[ok], GYRO_X[ok], atol=1e-6)
    x = rec.get("right_foot_gyro_x")
    np.testing.assert_allclose(x[100:103], np.interp([100, 101, 102], [99, 103], x[[99, 103]]),
                               atol=1e-5)  # linear in time (7812 and 7813 us steps)


def test_gaps_are_bridged_only_when_asked(tmp_path) -> None:
    keep = np.r_[0:300, 320:N]  # 20 samples (0.156 s) lost in the radio link
    a = apdm_sensor("Right Foot", "1264", n=N, gyro_x=GYRO_X)
    for k in ("acc", "gyro", "mag"):
        setattr(a, k, getattr(a, k)[keep])
    a.temperature, a.time = a.temperature[keep], a.time[keep]
    p = write_apdm_v5(tmp_path / "gap.h5", [a])
    with pytest.raises(FileFormatError, match="about 20 sample.*nan_policy='omit'"):
        clonus.read(p)
    rec = clonus.read(p, nan_policy="omit")
    assert rec.n_samples == N and rec.fs == APDM_FS
    assert rec.metadata["gaps"] == 1 and rec.metadata["resampled"] is True
    (start, length), = rec.metadata["gap_intervals_s"]
    assert start == pytest.approx(299 / APDM_FS, abs=1e-5)
    assert length == pytest.approx(21 / APDM_FS, abs=1e-5)
    assert rec.gap_intervals_s  # read back validated by the model


def test_a_gap_in_one_of_two_sensors_is_reported_on_the_recording_clock(tmp_path) -> None:
    keep = np.r_[0:300, 320:N]
    a = apdm_sensor("Right Foot", "1264", n=N, gyro_x=GYRO_X)
    for k in ("acc", "gyro", "mag"):
        setattr(a, k, getattr(a, k)[keep])
    a.temperature, a.time = a.temperature[keep], a.time[keep]
    b = apdm_sensor("Lumbar", "1784", n=N)
    b.time = apdm_time(N + 40)[40:]  # the lumbar Opal started 40 samples later
    rec = clonus.read(write_apdm_v5(tmp_path / "gap2.h5", [a, b]), nan_policy="omit")
    assert rec.metadata["sensors"] == ["Right Foot", "Lumbar"]  # one recording
    assert rec.n_samples == N - 40
    (start, length), = rec.metadata["gap_intervals_s"]
    assert start == pytest.approx((299 - 40) / APDM_FS, abs=1e-4)
    assert length == pytest.approx(21 / APDM_FS, abs=1e-4)


def test_truncated_and_corrupt_files(tmp_path, v5) -> None:
    raw = v5.read_bytes()
    cut = tmp_path / "cut.h5"
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(FileFormatError, match="truncated or corrupt.*export the trial again"):
        clonus.read(cut)
    junk = tmp_path / "junk.h5"
    junk.write_bytes(raw[:8] + bytes(200))
    with pytest.raises(FileFormatError, match="HDF5 file that cannot be read"):
        clonus.read(junk)
    with pytest.raises(FileFormatError, match="HDF5"):
        clonus.read(junk, format="apdm")


def test_an_hdf5_file_that_is_not_apdm_is_refused_naming_what_it_holds(tmp_path) -> None:
    p = tmp_path / "model.h5"
    with h5py.File(p, "w") as f:
        f["weights/layer1"] = np.zeros(3)
        f["readings"] = np.zeros(10)
        f.attrs["keras_version"] = "2.4"
    with pytest.raises(FileFormatError, match=r"not an APDM.*'readings', 'weights/'.*"
                                              r"keras_version.*h5py") as e:
        clonus.read(p)
    assert "Sensors" in str(e.value)
    with pytest.raises(FileFormatError, match="not a apdm file"):
        clonus.read(p, format="apdm")


def test_no_sensor_data(tmp_path) -> None:
    p = tmp_path / "empty_sensors.h5"
    with h5py.File(p, "w") as f:
        f.attrs["FileFormatVersion"] = np.int32(5)
        f.create_group("Sensors/1264/Configuration").attrs["Label 0"] = b"Right Foot"
    with pytest.raises(FileFormatError, match=r"\(\['Right Foot'\]\) hold no Accelerometer"):
        clonus.read(p)


def test_without_h5py_the_error_says_what_to_install(v5, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "h5py", None)  # import h5py fails
    assert clonus.io.detect_format(v5) == "apdm"
    with pytest.raises(MissingDependencyError, match=r'pip install "clonus\[h5\]"'):
        clonus.read(v5)


def test_importing_clonus_does_not_import_h5py() -> None:
    code = "import sys, clonus, clonus.io; clonus.io.formats_table(); print('h5py' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_clonus_formats_lists_it(capsys) -> None:
    assert main(["formats", "--json"]) == 0
    row = next(r for r in json.loads(capsys.readouterr().out) if r["name"] == "apdm")
    assert row["extra"] == "h5" and row["installed"] is True and ".h5" in row["extensions"]
    assert main(["formats"]) == 0
    assert "clonus[h5]" in capsys.readouterr().out


# ------------------------------------------------------------------- a clonus test, end to end
def test_simulated_clonus_on_the_right_foot_is_counted(tmp_path) -> None:
    """A held clonus test on the right foot's Opal, a quiet lumbar Opal beside it, written in
    the version-5 layout: the beats are counted as the simulator made them."""
    from clonus.simulate import simulate_trial

    tr = simulate_trial(mode="held", gain_ratio=4.0, duration_s=10.0, seed=3, sensors=("imu",),
                        fs_imu_hz=APDM_FS)
    sim = tr.recording
    n = sim.n_samples
    foot = apdm_sensor("Right Foot", "1264", n=n)
    foot.gyro = np.vstack([sim.get(f"gyro_{a}") for a in "xyz"]).T
    foot.acc = np.vstack([sim.get(f"acc_{a}") for a in "xyz"]).T
    rng = np.random.default_rng(0)
    lumbar = apdm_sensor("Lumbar", "1784", n=n)
    lumbar.gyro = rng.normal(0, 0.005, (n, 3))
    lumbar.acc = lumbar.acc + rng.normal(0, 0.02, (n, 3))
    p = write_apdm_v5(tmp_path / "clonus.h5", [foot, lumbar])

    rec = clonus.read(p)
    truth = tr.truth
    for a in (clonus.assess(rec, channel="right_foot"),
              clonus.assess(clonus.read(p, sensor="Right Foot")),
              clonus.assess(rec)):  # by default: the sensor that moved most, with a note
        assert a.classification == "clonus"
        assert abs(a.n_beats - truth.n_beats) <= max(1, 0.05 * truth.n_beats), (
            a.n_beats, truth.n_beats)
        assert a.frequency_hz == pytest.approx(truth.frequency_hz, abs=0.15)
        assert all(c.startswith("right_foot_") for c in a.metrics["channels_used"])
