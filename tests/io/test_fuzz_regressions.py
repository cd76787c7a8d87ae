"""Inputs found by the fuzz campaign of session 14 (mutated copies of real files and of files
the package writes) that escaped as something other than a clear ClonusError."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

import clonus
from clonus.io import write_phyphox_zip


def _phyphox(tmp_path):
    t = np.arange(400) / 100.0
    rec = clonus.Recording.from_array(
        np.vstack([np.sin(2 * np.pi * 5 * t), np.cos(t), 0.1 * t]), fs=100.0,
        names=["gyro_x", "gyro_y", "gyro_z"], kinds="gyro", units="rad/s")
    return write_phyphox_zip(tmp_path / "phone.zip", rec)


@pytest.mark.parametrize("damage", ["deflate_stream", "compression_method"])
def test_damaged_zip_member_says_the_archive_is_damaged(tmp_path, damage):
    # before: zlib.error / NotImplementedError reached the generic wrapper ("could not be read
    # as phyphox (error: Error -3 while decompressing data: invalid block type)")
    p = _phyphox(tmp_path)
    buf = bytearray(p.read_bytes())
    with zipfile.ZipFile(p) as zf:
        info = max(zf.infolist(), key=lambda i: i.compress_size)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    if damage == "deflate_stream":
        buf[start:start + 4] = b"\xff\xff\xff\xff"  # invalid deflate block type
    else:  # an unknown compression method in the central directory
        cd = buf.index(b"PK\x01\x02")
        while buf[cd + 46:cd + 46 + len(info.filename)] != info.filename.encode():
            cd = buf.index(b"PK\x01\x02", cd + 4)
        buf[cd + 10] = 99
    p.write_bytes(bytes(buf))
    with pytest.raises(clonus.FileFormatError) as ei:
        clonus.read_all(p, format="phyphox")
    assert "archive looks damaged" in str(ei.value)


def _rec() -> clonus.Recording:
    t = np.arange(600) / 200.0
    return clonus.Recording.from_array(
        np.vstack([np.sin(2 * np.pi * 6 * t), np.cos(t), t]), fs=200.0,
        names=["gyro_x", "gyro_y", "gyro_z"], kinds="gyro", units="rad/s")


CALLS = {
    # before: TypeError / AttributeError / ValueError / OSError from inside
    "read(5)": lambda rec, d: clonus.read(5),
    "read(channels=5)": lambda rec, d: clonus.read(write_phyphox_zip(d / "a.zip", rec),
                                                   channels=5),
    "assess(channel=5)": lambda rec, d: clonus.assess(rec, channel=5),
    "crop(None)": lambda rec, d: rec.crop(None),
    "crop(0, [1])": lambda rec, d: rec.crop(0, [1]),
    "resample(1e300)": lambda rec, d: rec.resample(1e300),
    "resample(1e9)": lambda rec, d: rec.resample(1e9),  # 24e9 values: memory, not an error
    "write_edf(rec, path)": lambda rec, d: clonus.io.write_edf(rec, d / "x.edf"),
    "write_wfdb(rec, path)": lambda rec, d: clonus.io.write_wfdb(rec, d / "x"),
    "write_phyphox_zip(rec, path)": lambda rec, d: write_phyphox_zip(rec, d / "x.zip"),
    "write_edf(folder)": lambda rec, d: clonus.io.write_edf(d, rec),
    "write_edf(missing folder)": lambda rec, d: clonus.io.write_edf(d / "no" / "x.edf", rec),
}


@pytest.mark.parametrize("call", list(CALLS))
def test_wrong_arguments_give_a_clonus_error(tmp_path, call):
    with pytest.raises(clonus.InvalidParameterError) as ei:
        CALLS[call](_rec(), tmp_path)
    assert len(str(ei.value)) > 20


def test_channel_as_a_list_means_the_comma_separated_names():
    # before: AttributeError ('list' object has no attribute 'lower')
    rec = _rec()
    a = clonus.assess(rec, channel=["gyro_x", "gyro_y"])
    b = clonus.assess(rec, channel="gyro_x,gyro_y")
    assert a.to_dict() == b.to_dict()


@pytest.mark.parametrize("bad", ["backwards", "nan"])
def test_timestamp_messages_show_plain_numbers(tmp_path, bad):
    # before: "timestamps go backwards at data row 3 (np.float64(5.995) then np.float64(5.99))"
    t = np.arange(50) / 100.0
    if bad == "backwards":
        t[20] = t[18]
    rows = [f"{v!r},{np.sin(v):.5f}" for v in t.tolist()]
    if bad == "nan":
        rows[20] = "nan,0.1"
    p = tmp_path / "t.csv"
    p.write_text("time_s,gyro_x (rad/s)\n" + "\n".join(rows) + "\n")
    with pytest.raises(clonus.FileFormatError) as ei:
        clonus.read_all(p)
    msg = str(ei.value)
    assert "np." not in msg and ("0.18" in msg or "nan" in msg)


def test_monitor_json_of_a_truncated_edf_is_json(tmp_path, capfd):
    # before: pyedflib's C code printed "filesize 12491 != 4114*6+768" on stdout ahead of the
    # JSON error object of 'clonus monitor FILE --json', and the message was pyedflib's
    # ("not EDF(+) or BDF(+) compliant (Filesize)") instead of the reader's
    import json

    from clonus.cli.main import main

    t = np.arange(4000) / 1000.0
    rec = clonus.Recording.from_array(1e-4 * np.sin(2 * np.pi * 50 * t), fs=1000.0,
                                      names=["EMG"], kinds="emg", units="V")
    p = clonus.io.write_edf(tmp_path / "emg.edf", rec)
    p.write_bytes(p.read_bytes()[:-3000])
    code = main(["monitor", str(p), "--json"])
    out = capfd.readouterr().out
    assert code == 3
    err = json.loads(out)["error"]
    assert err["type"] == "FileFormatError" and "truncated" in err["message"]
