"""EDF/BDF, WFDB, C3D and RData: round trips with known signals, anonymisation, and byte
surgery (empty, truncated, corrupt header, NaN, unknown units, wrong extension)."""

from __future__ import annotations

import logging
import shutil
from datetime import datetime

import numpy as np
import pytest

import clonus
from clonus.exceptions import (
    FileFormatError,
    InvalidParameterError,
    SamplingRateError,
    UnitWarning,
)
from clonus.io import anonymize_edf, write_c3d, write_edf, write_phyphox_zip, write_wfdb
from clonus.model import Recording

FS_EMG = 2000.0


@pytest.fixture
def emg_rec(rng) -> Recording:
    t = np.arange(int(3 * FS_EMG)) / FS_EMG
    sol = 1e-3 * np.sin(2 * np.pi * 50 * t) + 20e-6 * rng.standard_normal(t.size)
    ta = 0.2e-3 * np.sin(2 * np.pi * 6 * t)
    return Recording.from_array(np.vstack([sol, ta]), fs=FS_EMG, names=["EMG R Sol", "EMG R TA"],
                                kinds="emg", units="V", start_time=datetime(2024, 5, 6, 7, 8, 9))


@pytest.fixture
def motion_rec() -> Recording:
    t = np.arange(1000) / 200.0
    gyro = np.vstack([2.0 * np.sin(2 * np.pi * 6 * t), 0.1 * t, np.zeros_like(t)])
    acc = np.vstack([np.zeros_like(t), np.zeros_like(t), 9.81 + 0.5 * np.cos(2 * np.pi * t)])
    angle = np.radians(10) * np.sin(2 * np.pi * 6 * t)
    return Recording.from_array(np.vstack([gyro, acc, angle]), fs=200.0,
                                names=["gyro_x", "gyro_y", "gyro_z", "acc_x", "acc_y", "acc_z",
                                       "angle"],
                                kinds=["gyro"] * 3 + ["acc"] * 3 + ["angle"],
                                units=["rad/s"] * 3 + ["m/s^2"] * 3 + ["rad"])


def _lsb(x: np.ndarray, bits: int) -> np.ndarray:
    """One quantisation step per channel for a range rounded outward (+1 % slack).

    write_edf gives a flat channel a range of 2 (value +- 1), hence the floor of 2.
    """
    rng = np.maximum(x.max(axis=1) - x.min(axis=1), 2.0 * (np.ptp(x, axis=1) == 0))
    return 1.01 * rng / (2 ** bits - 1)


# ----------------------------------------------------------------------------- round trips
def test_edf_round_trip_emg(tmp_path, emg_rec) -> None:
    p = write_edf(tmp_path / "emg.edf", emg_rec)
    assert clonus.io.detect_format(p) == "edf"
    back = clonus.read(p)
    assert back.fs == FS_EMG and back.ch_names == emg_rec.ch_names
    assert all(c.kind == "emg" and c.unit == "V" and c.orig_unit == "uV" for c in back.channels)
    assert back.n_samples == emg_rec.n_samples  # 3 s at 2000 Hz = 3 whole records
    # 16-bit quantisation: error at most one step of each channel's range
    err = np.abs(back.data - emg_rec.data).max(axis=1)
    assert np.all(err <= _lsb(emg_rec.data, 16))
    assert back.start_time == datetime(2024, 5, 6, 7, 8, 9) and back.tz_is_local


def test_bdf_round_trip_is_finer(tmp_path, emg_rec) -> None:
    back = clonus.read(write_edf(tmp_path / "emg.bdf", emg_rec, bdf=True))
    assert back.metadata["edf_type"] == "bdf"
    err = np.abs(back.data - emg_rec.data).max(axis=1)
    assert np.all(err <= _lsb(emg_rec.data, 24))  # 24-bit steps


def test_edf_round_trip_motion_units(tmp_path, motion_rec) -> None:
    back = clonus.read(write_edf(tmp_path / "motion.edf", motion_rec))
    assert [c.kind for c in back.channels] == [c.kind for c in motion_rec.channels]
    assert [c.unit for c in back.channels] == [c.unit for c in motion_rec.channels]
    err = np.abs(back.data - motion_rec.data).max(axis=1)
    assert np.all(err <= _lsb(motion_rec.data, 16) + 1e-12)


def test_edf_kind_kept_via_transducer(tmp_path, emg_rec) -> None:
    rec = Recording.from_array(emg_rec.data, fs=FS_EMG, names=["left", "right"], kinds="emg",
                               units="V")
    back = clonus.read(write_edf(tmp_path / "k.edf", rec))
    assert [c.kind for c in back.channels] == ["emg", "emg"]  # names alone say nothing


def test_edf_padding_and_fractional_rate(tmp_path) -> None:
    x = np.linspace(-1, 1, 37)  # 12.5 Hz -> records of 2 s (25 samples): 37 -> 50 padded
    rec = Recording.from_array(x, fs=12.5, names=["force"], kinds="force", units="N")
    back = clonus.read(write_edf(tmp_path / "f.edf", rec))
    assert back.fs == 12.5 and back.n_samples == 50
    np.testing.assert_allclose(back.data[0, :37], x, atol=2.02 / 65535)  # one 16-bit step
    np.testing.assert_allclose(back.data[0, 37:], x[-1], atol=2.02 / 65535)  # last value repeated
    with pytest.raises(InvalidParameterError, match="whole number"):
        write_edf(tmp_path / "g.edf", Recording.from_array(x, fs=148.148148))


def test_edf_writer_refuses_nan(tmp_path) -> None:
    rec = Recording.from_array(np.array([0.0, np.nan, 1.0]), fs=1.0)
    with pytest.raises(InvalidParameterError, match="NaN"):
        write_edf(tmp_path / "n.edf", rec)


def test_wfdb_round_trip(tmp_path, emg_rec) -> None:
    hea = write_wfdb(tmp_path / "rec01", emg_rec)
    assert hea.name == "rec01.hea" and (tmp_path / "rec01.dat").is_file()
    for p in (hea, tmp_path / "rec01.dat"):
        assert clonus.io.detect_format(p) == "wfdb"
    back = clonus.read(hea)
    assert back.fs == FS_EMG and back.ch_names == emg_rec.ch_names
    assert back.data.shape == emg_rec.data.shape  # channel-first after transposing wfdb's array
    assert all(c.unit == "V" and c.orig_unit == "mV" for c in back.channels)
    # wfdb picks each gain to span the range in 16 bits: error <= ~1 step
    err = np.abs(back.data - emg_rec.data).max(axis=1)
    assert np.all(err <= 2 * _lsb(emg_rec.data, 16))
    assert back.start_time == datetime(2024, 5, 6, 7, 8, 9)


def test_c3d_round_trip(tmp_path, rng) -> None:
    pts = Recording.from_array(rng.normal(0, 0.2, (6, 100)), fs=100.0,
                               names=["heel_x", "heel_y", "heel_z", "toe_x", "toe_y", "toe_z"],
                               kinds="position", units="m")
    an = Recording.from_array(rng.normal(0, 1e-4, (2, 1000)), fs=1000.0,
                              names=["EMG_SOL", "EMG_TA"], kinds="emg", units="V")
    p = write_c3d(tmp_path / "trial.c3d", pts, an)
    assert clonus.io.detect_format(p) == "c3d"
    g_pts, g_an = clonus.read_all(p)
    assert g_pts.fs == 100.0 and g_pts.ch_names == pts.ch_names
    assert all(c.kind == "position" and c.unit == "m" and c.orig_unit == "mm"
               for c in g_pts.channels)
    assert g_an.fs == 1000.0 and [c.kind for c in g_an.channels] == ["emg", "emg"]
    # C3D float storage is float32: relative error ~6e-8 of the largest value
    np.testing.assert_allclose(g_pts.data, pts.data, atol=1e-6 * np.abs(pts.data).max())
    np.testing.assert_allclose(g_an.data, an.data, atol=1e-6 * np.abs(an.data).max())
    with pytest.raises(SamplingRateError):
        clonus.read(p)


def test_phyphox_round_trip_and_jitter(tmp_path, motion_rec, rng) -> None:
    back = clonus.read(write_phyphox_zip(tmp_path / "m.zip", motion_rec))
    assert back.ch_names == motion_rec.ch_names
    assert [c.kind for c in back.channels] == [c.kind for c in motion_rec.channels]
    assert back.metadata["resampled"] is False and back.fs == pytest.approx(200.0, rel=1e-9)
    # %.9E keeps 10 significant digits
    np.testing.assert_allclose(back.data, motion_rec.data, rtol=1e-9, atol=1e-12)
    # phone-like jitter: 0.5 ms std on 5 ms intervals
    jitter = rng.normal(0, 0.0005, motion_rec.n_samples)
    times = motion_rec.times_s + jitter
    back = clonus.read(write_phyphox_zip(tmp_path / "j.zip", motion_rec, times_s=times))
    assert back.metadata["resampled"] is True
    # the rate is 1/mean interval: the jitter of the two end samples (<= ~2 ms over 5 s) biases
    # it by < 0.1 %
    assert back.fs == pytest.approx(200.0, rel=1e-3)
    # std of intervals of iid jitter = sqrt(2) * 0.5 ms
    assert back.metadata["jitter_s"] == pytest.approx(np.sqrt(2) * 0.0005, rel=0.15)
    # interpolating a 6 Hz sine sampled at jittered times: error ~ slope * jitter
    # (2*pi*6*2 rad/s^2 ... * 0.5 ms -> ~0.04 rad/s, 4 sigma ~ 0.16)
    n = min(back.n_samples, motion_rec.n_samples) - 2
    err = np.abs(back.get("gyro_x")[1:n] - motion_rec.get("gyro_x")[1:n])
    assert np.median(err) < 0.05 and err.max() < 0.3


def test_phyphox_writer_rejects_emg(tmp_path, emg_rec) -> None:
    with pytest.raises(InvalidParameterError, match="write_edf"):
        write_phyphox_zip(tmp_path / "x.zip", emg_rec)


# ----------------------------------------------------------------------------- anonymise
@pytest.fixture
def identified_edf(tmp_path, emg_rec):
    import pyedflib

    p = tmp_path / "patient.edf"
    w = pyedflib.EdfWriter(str(p), 1, file_type=pyedflib.FILETYPE_EDFPLUS)
    w.setSignalHeaders([{"label": "EMG R Sol", "dimension": "uV", "sample_frequency": 2000,
                         "physical_min": -2000.0, "physical_max": 2000.0,
                         "digital_min": -32768, "digital_max": 32767}])
    w.setPatientName("Jane_Doe")
    w.setPatientCode("MRN123456")
    w.setBirthdate(datetime(1950, 2, 3).date())
    w.setSex(0)
    w.setTechnician("TechAlice")
    w.setEquipment("SecretBox")
    w.setAdmincode("ADM777")
    w.setStartdatetime(datetime(2024, 5, 6, 7, 8, 9))
    w.writeSamples([np.ascontiguousarray(emg_rec.data[0] * 1e6)])
    w.close()
    return p


SECRETS = ("Jane", "MRN123456", "TechAlice", "SecretBox", "ADM777", "03-FEB-1950", "1950-02-03")


def test_read_anonymize_option(identified_edf, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="clonus")
    plain = clonus.read(identified_edf)
    assert plain.metadata["edf_identity"]["patientname"] == "Jane Doe"  # EDF+ "_" = space
    anon = clonus.read(identified_edf, anonymize=True)
    assert "edf_identity" not in anon.metadata and anon.metadata["anonymized"] is True
    text = anon.metadata_json()
    assert not any(s in text for s in SECRETS)
    assert not any(s in caplog.text for s in SECRETS)  # never logged
    np.testing.assert_array_equal(anon.data, plain.data)


def test_anonymize_edf_copy(identified_edf, tmp_path) -> None:
    raw_before = identified_edf.read_bytes()
    assert b"Jane_Doe" in raw_before
    out = anonymize_edf(identified_edf, tmp_path / "anon.edf")
    raw = out.read_bytes()
    assert not any(s.encode() in raw[:512] for s in SECRETS)
    assert identified_edf.read_bytes() == raw_before  # original untouched
    assert raw[512:] == raw_before[512:]  # signal headers and data unchanged
    back = clonus.read(out)
    assert "edf_identity" not in back.metadata
    assert back.start_time == datetime(2024, 5, 6, 7, 8, 9)
    with pytest.raises(InvalidParameterError, match="different output"):
        anonymize_edf(identified_edf, identified_edf)


def test_cli_info_hides_identity(identified_edf, capsys) -> None:
    import json

    from clonus.cli.main import main

    assert main(["info", str(identified_edf), "--json"]) == 0
    out = capsys.readouterr().out
    assert not any(s in out for s in SECRETS)
    assert json.loads(out)["format"] == "edf"


# ----------------------------------------------------------------------------- EDF surgery
def _patch(p, offset: int, data: bytes) -> None:
    b = bytearray(p.read_bytes())
    b[offset:offset + len(data)] = data
    p.write_bytes(bytes(b))


def test_edf_empty(tmp_path) -> None:
    p = tmp_path / "e.edf"
    p.write_bytes(b"")
    with pytest.raises(FileFormatError, match="empty"):
        clonus.read(p)


def test_edf_truncated(tmp_path, emg_rec) -> None:
    p = write_edf(tmp_path / "t.edf", emg_rec)
    p.write_bytes(p.read_bytes()[:-1000])
    with pytest.raises(FileFormatError, match="truncated") as ei:
        clonus.read(p)
    assert str(p) in str(ei.value) and "2 complete records" in str(ei.value)
    q = tmp_path / "h.edf"
    q.write_bytes(p.read_bytes()[:600])  # inside the signal headers
    with pytest.raises(FileFormatError, match="cut off"):
        clonus.read(q, format="edf")


def test_edf_corrupt_header_fields(tmp_path, emg_rec) -> None:
    p = write_edf(tmp_path / "c.edf", emg_rec)
    good = p.read_bytes()
    ns = 2 + 1  # two signals + the EDF+ annotation signal
    # samples-per-record of the first signal: offset 256 + 216 * ns
    _patch(p, 256 + 216 * ns, b"12ab    ")
    with pytest.raises(FileFormatError, match="samples-per-record of signal 'EMG R Sol'"):
        clonus.read(p)
    p.write_bytes(good)
    _patch(p, 256 + 104 * ns, b"abc     ")  # physical minimum of signal 1
    with pytest.raises(FileFormatError, match="physical minimum"):
        clonus.read(p)
    p.write_bytes(good)
    _patch(p, 252, b"9   ")  # number of signals no longer matches the header size
    with pytest.raises(FileFormatError, match="header is corrupt"):
        clonus.read(p)
    p.write_bytes(good)
    _patch(p, 236, b"-1      ")  # recording never closed
    with pytest.raises(FileFormatError, match="-1 data records"):
        clonus.read(p)
    p.write_bytes(good)
    _patch(p, 244, b"x       ")
    with pytest.raises(FileFormatError, match="duration of a data record"):
        clonus.read(p)


def test_edf_unknown_unit(tmp_path, emg_rec) -> None:
    p = write_edf(tmp_path / "u.edf", emg_rec)
    _patch(p, 256 + 96 * 3, b"furlong ")  # physical dimension of signal 1
    with pytest.warns(UnitWarning, match="furlong"):
        rec = clonus.read(p)
    assert rec.channels[0].unit == "AU" and rec.channels[0].kind == "emg"
    rec2 = clonus.read(p, units={"EMG R Sol": "uV"})
    np.testing.assert_allclose(rec2.data[0], emg_rec.data[0], atol=_lsb(emg_rec.data, 16)[0])


def test_edf_wrong_extension(tmp_path, emg_rec) -> None:
    p = write_edf(tmp_path / "x.edf", emg_rec)
    q = tmp_path / "x.csv"
    shutil.copyfile(p, q)
    assert clonus.io.detect_format(q) == "edf"  # content wins over the name
    with pytest.raises(FileFormatError, match="not a csv file.*edf"):
        clonus.read(q, format="csv")
    csv = tmp_path / "y.edf"
    csv.write_text("time_s,x (m)\n0,1\n0.1,2\n0.2,3\n")
    assert clonus.io.detect_format(csv) == "csv"
    with pytest.raises(FileFormatError, match="not a edf file"):
        clonus.read(csv, format="edf")


# ----------------------------------------------------------------------------- WFDB surgery
def test_wfdb_truncated_and_missing(tmp_path, emg_rec) -> None:
    hea = write_wfdb(tmp_path / "r1", emg_rec)
    dat = tmp_path / "r1.dat"
    dat.write_bytes(dat.read_bytes()[:1001])
    with pytest.raises(FileFormatError) as ei:
        clonus.read(hea)
    assert "r1.hea" in str(ei.value)
    dat.unlink()
    with pytest.raises(FileFormatError, match="missing"):
        clonus.read(hea)


def test_wfdb_corrupt_header_and_units(tmp_path, emg_rec) -> None:
    hea = write_wfdb(tmp_path / "r2", emg_rec)
    text = hea.read_text()
    hea.write_text(text.replace("/mV", "/furlong", 1))
    with pytest.warns(UnitWarning, match="furlong"):
        rec = clonus.read(hea)
    assert rec.channels[0].unit == "AU"
    lines = text.splitlines()
    lines[1] = "r2.dat 16 abc(0)/mV 16 0"
    hea.write_text("\n".join(lines) + "\n")
    with pytest.raises(FileFormatError, match="r2.hea"):
        clonus.read(hea)
    hea.write_text("garbage\n")
    with pytest.raises(FileFormatError):
        clonus.read(hea)


def test_wfdb_wrong_extension_and_empty(tmp_path, emg_rec) -> None:
    hea = write_wfdb(tmp_path / "r4", emg_rec)
    with pytest.raises(FileFormatError, match="not a edf file.*wfdb"):
        clonus.read(hea, format="edf")
    empty = tmp_path / "r5.hea"
    empty.write_text("")
    with pytest.raises(FileFormatError, match="empty"):
        clonus.read(empty)


def test_wfdb_nan(tmp_path, emg_rec) -> None:
    hea = write_wfdb(tmp_path / "r3", emg_rec)
    dat = tmp_path / "r3.dat"
    b = bytearray(dat.read_bytes())
    b[400:402] = (-32768).to_bytes(2, "little", signed=True)  # WFDB invalid-sample marker
    dat.write_bytes(bytes(b))
    with pytest.raises(FileFormatError, match="NaN or infinite"):
        clonus.read(hea)
    rec = clonus.read(hea, nan_policy="omit")
    assert np.isfinite(rec.data).all()
    assert rec.metadata["nonfinite_samples"] == {"EMG R Sol": 1}


# ----------------------------------------------------------------------------- C3D surgery
def _c3d(tmp_path, rng, values=None):
    an = Recording.from_array(rng.normal(0, 1e-4, (1, 500)) if values is None else values,
                              fs=500.0, names=["EMG_SOL"], kinds="emg", units="V")
    return write_c3d(tmp_path / "a.c3d", analogs=an)


def test_c3d_truncated_and_corrupt(tmp_path, rng) -> None:
    p = _c3d(tmp_path, rng)
    good = p.read_bytes()
    p.write_bytes(good[:700])
    with pytest.raises(FileFormatError, match="truncated|corrupt"):
        clonus.read(p)
    p.write_bytes(good[:-1500])
    with pytest.raises(FileFormatError):
        clonus.read(p)
    p.write_bytes(good[:1] + b"\x00" + good[2:])  # key byte 0x50 gone
    with pytest.raises(FileFormatError, match="not in a format"):
        clonus.read(p)
    with pytest.raises(FileFormatError, match="not a c3d file"):
        clonus.read(p, format="c3d")


def test_c3d_empty_and_wrong_extension(tmp_path, rng) -> None:
    e = tmp_path / "e.c3d"
    e.write_bytes(b"")
    with pytest.raises(FileFormatError, match="empty"):
        clonus.read(e)
    p = _c3d(tmp_path, rng)
    q = tmp_path / "trial.edf"
    shutil.copyfile(p, q)
    assert clonus.io.detect_format(q) == "c3d"
    with pytest.raises(FileFormatError, match="not a edf file.*c3d"):
        clonus.read(q, format="edf")


def test_c3d_nan_and_unit(tmp_path, rng) -> None:
    v = rng.normal(0, 1e-4, (1, 500))
    v[0, 100] = np.nan
    p = _c3d(tmp_path, rng, v)
    with pytest.raises(FileFormatError, match="NaN"):
        clonus.read(p)
    assert np.isfinite(clonus.read(p, nan_policy="omit").data).all()
    an = Recording.from_array(rng.normal(0, 1e-4, (1, 500)), fs=500.0, names=["EMG_SOL"],
                              kinds="emg", units="V")
    an = Recording(an.data, an.fs, (clonus.Channel("EMG_SOL", "emg", "furlong"),))
    q = write_c3d(tmp_path / "u.c3d", analogs=an)
    with pytest.warns(UnitWarning, match="furlong"):
        rec = clonus.read(q)
    assert rec.channels[0].unit == "AU" and rec.channels[0].orig_unit == "furlong"


# ----------------------------------------------------------------------------- RData
@pytest.mark.requires_data
def test_rdata_truncated_and_renamed(real_data, tmp_path) -> None:
    src = real_data / "gait_emg_13_muscles" / "RAW_DATA.RData"
    p = tmp_path / "RAW.RData"
    p.write_bytes(src.read_bytes()[:5000])
    with pytest.raises(FileFormatError, match="cannot be parsed") as ei:
        clonus.read(p, units="uV")
    assert str(p) in str(ei.value)
    p.write_bytes(b"\x1f\x8b" + b"\x00" * 100)  # gzip magic then garbage
    with pytest.raises(FileFormatError):
        clonus.read(p)
    with pytest.raises(FileFormatError, match="not a rdata-emg file"):
        clonus.read(real_data / "gaitmap_foot_imu" / "imu_sample.csv", format="rdata-emg")
