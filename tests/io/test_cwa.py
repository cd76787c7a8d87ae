"""Axivity .cwa reader: hand-derived worked examples from the spec, round trips through a
test-only builder (AX6 6-axis 16-bit as in the real file; AX3 packed; 9-axis), clock drift,
gaps, checksum errors, truncation, privacy, detection by magic bytes and the CLI.

No real CWA file is available on this machine; the builder (cwa_builder.py) writes files from
known signals per docs/formats.md §2.4. So that a misreading shared by builder and reader cannot
pass unnoticed, the packed timestamp, the packed 10-bit format, the fractional-second shim and
the scale factors are also checked against numbers derived by hand from the spec.
"""

from __future__ import annotations

import json
import logging
import shutil
import struct
import warnings
from datetime import datetime, timedelta

import numpy as np
import pytest
from cwa_builder import (
    G0,
    CwaSpec,
    data_blocks,
    header,
    motion_signals,
    pack_dword,
    pack_timestamp,
    write_cwa,
)

import clonus
from clonus.exceptions import ClonusWarning, FileFormatError, InvalidParameterError, UnitError
from clonus.io import anonymize_cwa
from clonus.io._cwa import (
    _timestamps_s,
    decode_timestamp,
    fs_from_rate_code,
    range_g_from_rate_code,
    unpack_dwords,
)

FS = 100.0
N = 1000  # 10 s at 100 Hz = 25 blocks of 40 six-axis samples
GYRO_STEP_DPS = 2000.0 / 32768  # +-2000 deg/s in int16
ACC_STEP_G = 1.0 / 4096  # +-8 g: 1/2**(8+4) g


@pytest.fixture
def ax6():
    t, gyro, acc = motion_signals(N, FS)
    return t, gyro, acc, CwaSpec(acc_g=acc, gyro_dps=gyro)


# ----------------------------------------------------------------------------- worked examples
def test_packed_timestamp_worked_example() -> None:
    # 2023-11-14 22:13:20 by hand, MSB -> LSB YYYYYY MMMM DDDDD hhhhh mmmmmm ssssss:
    # year 23 = 010111, month 11 = 1011, day 14 = 01110, hour 22 = 10110, minute 13 = 001101,
    # second 20 = 010100 -> 0101 1110 1101 1101 0110 0011 0101 0100 = 0x5EDD6354,
    # stored little-endian as bytes 54 63 DD 5E.
    packed = struct.unpack("<I", bytes([0x54, 0x63, 0xDD, 0x5E]))[0]
    assert packed == 0x5EDD6354
    assert decode_timestamp(packed) == datetime(2023, 11, 14, 22, 13, 20)
    # seconds since 2000-01-01: 8718 days (2000..2022 = 23 years with 6 leap years
    # = 8401 days, + 317 days to 14 November 2023 (Jan..Oct = 304, + 13)) * 86400
    # + 22 h 13 min 20 s (80000 s) = 753 315 200 s
    assert _timestamps_s(np.array([packed], dtype=np.uint32))[0] == 753_315_200.0
    assert pack_timestamp(datetime(2023, 11, 14, 22, 13, 20)) == 0x5EDD6354  # builder agrees
    # "always"/"never" and an impossible date (31 February 2024) are not times
    feb31 = (24 << 26) | (2 << 22) | (31 << 17)
    assert decode_timestamp(0) is None and decode_timestamp(0xFFFFFFFF) is None
    assert decode_timestamp(feb31) is None
    assert np.isnan(_timestamps_s(np.array([feb31], dtype=np.uint32))[0])


def test_packed_10bit_worked_example() -> None:
    # x = -3, y = 100, z = -512 (10-bit two's complement 0x3FD, 0x064, 0x200), exponent e = 2:
    # e<<30 | z<<20 | y<<10 | x = 0x80000000 | 0x20000000 | 0x00019000 | 0x3FD = 0xA00193FD,
    # bytes FD 93 01 A0. Counts after the shift: -12, 400, -2048 (AX3: 1/256 g each, so
    # -0.046875 g, 1.5625 g, -8 g).
    word = struct.unpack("<I", bytes([0xFD, 0x93, 0x01, 0xA0]))[0]
    assert word == 0xA00193FD
    assert unpack_dwords(np.array([word], dtype=np.uint32)).tolist() == [[-12, 400, -2048]]
    assert pack_dword(-12, 400, -2048) == 0xA00193FD  # builder agrees
    # positive full scale with e = 3: 511 << 3 = 4088 counts
    assert unpack_dwords(np.array([(3 << 30) | 511], dtype=np.uint32)).tolist() == [[4088, 0, 0]]


def test_rate_code_worked_example() -> None:
    # 0x4A = 0100 1010: low nibble 10 -> 3200 / 2**(15 - 10) = 100 Hz; top two bits 01 ->
    # +-(16 >> 1) = 8 g (the real AX6 file's first block).
    assert fs_from_rate_code(0x4A) == 100.0 and range_g_from_rate_code(0x4A) == 8
    # 0x0A: 100 Hz, +-16 g; 0xCC: 400 Hz, +-2 g
    assert fs_from_rate_code(0x0A) == 100.0 and range_g_from_rate_code(0x0A) == 16
    assert fs_from_rate_code(0xCC) == 400.0 and range_g_from_rate_code(0xCC) == 2


def _hand_block(*, ts: int, fractional: int, offset: int, count: int, light: int,
                values: list[int], seq: int = 0) -> bytes:
    """One data block written field by field from the table in docs/formats.md §2.4."""
    b = bytearray(512)
    b[0:2] = b"AX"
    b[2:4] = (508).to_bytes(2, "little")
    b[4:6] = fractional.to_bytes(2, "little")
    b[6:10] = (7).to_bytes(4, "little")  # session id
    b[10:14] = seq.to_bytes(4, "little")
    b[14:18] = ts.to_bytes(4, "little")
    b[18:20] = light.to_bytes(2, "little")
    b[24] = 0x4A  # 100 Hz, +-8 g
    b[25] = 0x62  # 6 axes, 16-bit
    b[26:28] = offset.to_bytes(2, "little", signed=True)
    b[28:30] = count.to_bytes(2, "little")
    for i, v in enumerate(values):
        b[30 + 2 * i:32 + 2 * i] = v.to_bytes(2, "little", signed=True)
    words = sum(int.from_bytes(b[i:i + 2], "little") for i in range(0, 510, 2))
    b[510:512] = ((-words) & 0xFFFF).to_bytes(2, "little")
    return bytes(b)


def test_hand_built_block_time_and_scales(tmp_path) -> None:
    # Timestamp 22:13:20 with fraction 0x4000/32768 = 0.5 s (device word 0x8000 | 0x4000).
    # The device lowered the offset by (fraction16 * fs) >> 16 = (32768 * 100) >> 16 = 50
    # samples, so a stored offset of -10 means the time 22:13:20.5 is valid at sample
    # -10 + 50 = 40 (just after the last of 40 samples); sample 0 is 0.4 s earlier at
    # 22:13:20.100.
    # Light word: accel bits 100 (n = 4 -> 1/4096 g), gyro bits 010 (8000/4 = 2000 deg/s)
    # -> 100 010 0000000000 = 0x8800.
    # Sample 0: Gx = 16384 counts = 16384 * 2000 / 32768 = 1000 deg/s = 17.4533 rad/s;
    # Ax = 4096 counts = 1 g = 9.80665 m/s^2; Az = -2048 = -0.5 g.
    vals = []
    for i in range(40):
        vals += [16384 if i == 0 else 0, 0, 0, 4096, 0, -2048]
    hdr = header(CwaSpec(acc_g=np.zeros((3, 1)), gyro_dps=np.zeros((3, 1)), metadata=""))
    blk = _hand_block(ts=0x5EDD6354, fractional=0x8000 | 0x4000, offset=-10, count=40,
                      light=0x8800, values=vals)
    p = tmp_path / "hand.cwa"
    p.write_bytes(hdr + blk)
    rec = clonus.read(p)
    assert rec.start_time == datetime(2023, 11, 14, 22, 13, 20, 100000)
    assert rec.tz_is_local is True
    assert rec.n_samples == 40 and rec.fs == pytest.approx(100.0, rel=1e-9)
    assert rec.get("gyro_x")[0] == pytest.approx(np.radians(1000.0), rel=1e-12)
    assert rec.get("gyro_x")[0] == pytest.approx(17.4533, abs=1e-4)
    assert rec.get("acc_x")[0] == pytest.approx(9.80665, rel=1e-12)
    assert rec.get("acc_z")[5] == pytest.approx(-0.5 * 9.80665, rel=1e-12)


# ----------------------------------------------------------------------------- round trips
def test_ax6_round_trip_real_file_layout(tmp_path, ax6) -> None:
    t, gyro, acc, spec = ax6
    p = write_cwa(tmp_path / "ax6.cwa", spec)
    # the real AX6 file's facts: sectors of 512 bytes after a 1024-byte header, 40 samples
    # per block, rate code 0x4A, axes/packing 0x62
    raw = p.read_bytes()
    assert (len(raw) - 1024) % 512 == 0 and (len(raw) - 1024) // 512 == N // 40
    assert raw[1024 + 24] == 0x4A and raw[1024 + 25] == 0x62 and raw[1024 + 28] == 40
    rec = clonus.read(p)
    assert rec.ch_names == ["gyro_x", "gyro_y", "gyro_z", "acc_x", "acc_y", "acc_z"]
    assert [c.kind for c in rec.channels] == ["gyro"] * 3 + ["acc"] * 3
    assert [c.unit for c in rec.channels] == ["rad/s"] * 3 + ["m/s^2"] * 3
    assert rec.n_samples == N
    # rate: anchors carry 1/65536 s resolution, so the measured rate is within 1e-5
    assert rec.fs == pytest.approx(FS, rel=1e-5)
    assert rec.metadata["nominal_fs_hz"] == 100.0 and rec.metadata["resampled"] is False
    # quantisation: half a step per value (plus float rounding)
    assert np.abs(rec.data[:3] - np.radians(gyro)).max() <= np.radians(GYRO_STEP_DPS) / 2 + 1e-9
    assert np.abs(rec.data[3:] - G0 * acc).max() <= G0 * ACC_STEP_G / 2 + 1e-9
    # start: the builder's first sample is at 22:13:20.250; fraction resolution 1/32768 s
    assert abs((rec.start_time - spec.start).total_seconds()) < 1 / 32768
    md = rec.metadata
    assert md["device_type"] == "AX6" and md["device_id"] == 0x12345
    assert md["session_id"] == 987654 and md["acc_range_g"] == 8
    assert md["gyro_range_dps"] == 2000.0 and md["n_axes"] == 6 and md["packing"] == "int16"
    assert md["body_location"] == "left ankle"
    assert md["cwa_identity"]["Subject Code"] == "P-0042"


def test_real_ax6_file_size(tmp_path) -> None:
    # docs/formats.md: the real AX6 file has 466 944 bytes = 2 header + 910 data sectors of
    # 40 six-axis samples: 36 400 samples, 364 s at 100 Hz
    t, gyro, acc = motion_signals(910 * 40, FS)
    p = write_cwa(tmp_path / "real_size.cwa", CwaSpec(acc_g=acc, gyro_dps=gyro))
    assert p.stat().st_size == 466_944
    rec = clonus.read(p)
    assert rec.n_samples == 36_400 and rec.duration_s == pytest.approx(364.0, abs=1e-3)
    assert rec.metadata["n_blocks"] == 910


@pytest.mark.parametrize("start_us", [250000, 253000])
def test_ax3_packed_old_firmware(tmp_path, start_us) -> None:
    # AX3 packed 3 x 10-bit, 120 samples per block, 1/256 g, whole-second stamps only.
    t, _, acc = motion_signals(1200, FS)
    acc = acc.copy()
    acc[0, 300:305] = [3.0, 5.9, -6.5, 2.5, 1.9]  # need exponents 1, 2, 2, 1, 0
    spec = CwaSpec(acc_g=acc, packed=True, hardware=0x17, acc_bits=0, gyro_bits=0,
                   fractional=False, start=datetime(2023, 11, 14, 22, 13, 20, start_us))
    p = write_cwa(tmp_path / "ax3.cwa", spec)
    assert (p.stat().st_size - 1024) // 512 == 10 and p.read_bytes()[1024 + 25] == 0x30
    rec = clonus.read(p)
    assert rec.ch_names == ["acc_x", "acc_y", "acc_z"] and rec.metadata["device_type"] == "AX3"
    assert rec.metadata["packing"] == "packed-10bit" and rec.n_samples == 1200
    assert rec.metadata["fractional_timestamps"] is False
    # whole-second stamps put each anchor within half a sample of the truth: rate within
    # 0.5 %, start within one sample (10 ms)
    assert rec.fs == pytest.approx(FS, rel=5e-3)
    assert abs((rec.start_time - spec.start).total_seconds()) <= 1 / FS
    assert rec.metadata["resampled"] is False  # the builder's clock is exactly 100 Hz
    # values: counts rounded to 1/256 g, then to 2**e counts: error <= (1 + 2**e) / 2 / 256 g
    small = np.abs(acc).max(axis=0) < 511 / 256  # e = 0 samples
    assert small.sum() == 1200 - 4
    assert np.abs(rec.data[:, small] / G0 - acc[:, small]).max() <= 1 / 256 + 1e-9
    # the -6.5 g spike needs e = 2 (6.5 * 256 = 1664 -> 416 * 4): within (1 + 4) / 2 / 256 g
    assert rec.get("acc_x")[302] / G0 == pytest.approx(-6.5, abs=2.5 / 256)
    assert rec.get("acc_x")[301] / G0 == pytest.approx(5.9, abs=2.5 / 256)


def test_ax3_int16_and_16g_range(tmp_path) -> None:
    # AX3 unpacked: axes/packing 0x32, 80 samples per block, 1/256 g; rate code 0x0B = 200 Hz,
    # +-16 g (top bits 00)
    t, _, acc = motion_signals(400, 200.0)
    acc = acc * 4
    spec = CwaSpec(acc_g=acc, rate_code=0x0B, hardware=0x17, acc_bits=0, gyro_bits=0)
    p = write_cwa(tmp_path / "ax3i.cwa", spec)
    assert p.read_bytes()[1024 + 25] == 0x32 and p.read_bytes()[1024 + 28] == 80
    rec = clonus.read(p)
    assert rec.ch_names == ["acc_x", "acc_y", "acc_z"] and rec.n_samples == 400
    assert rec.fs == pytest.approx(200.0, rel=1e-4) and rec.metadata["acc_range_g"] == 16
    assert np.abs(rec.data / G0 - acc).max() <= 0.5 / 256 + 1e-9


def test_nine_axis_magnetometer_is_misc(tmp_path) -> None:
    t, gyro, acc = motion_signals(260, FS)
    mag = np.vstack([20 + 0 * t, -35 + 0 * t, 10 * np.sin(t)])
    p = write_cwa(tmp_path / "ax9.cwa", CwaSpec(acc_g=acc, gyro_dps=gyro, mag_ut=mag))
    rec = clonus.read(p)
    assert p.read_bytes()[1024 + 28] == 26  # 480 // 18
    assert rec.ch_names[-3:] == ["mag_x", "mag_y", "mag_z"]
    assert {c.kind for c in rec.channels[-3:]} == {"misc"}
    assert {c.unit for c in rec.channels[-3:]} == {"T"}
    assert np.abs(rec.data[6:] - 1e-6 * mag).max() <= 1e-6 / 32 + 1e-15  # 1/16 uT steps


def test_clock_drift_measured_not_hidden(tmp_path) -> None:
    # a logger running 500 ppm fast (100.05 Hz for a nominal 100 Hz)
    t, gyro, acc = motion_signals(N, 100.05)
    spec = CwaSpec(acc_g=acc, gyro_dps=gyro, fs_true_hz=100.05)
    rec = clonus.read(write_cwa(tmp_path / "drift.cwa", spec))
    assert rec.fs == pytest.approx(100.05, rel=1e-5)
    assert rec.metadata["rate_error_ppm"] == pytest.approx(500.0, abs=10.0)
    assert rec.metadata["resampled"] is False  # every interval within 1 % of the median
    # the last sample's time on the reader's grid matches the truth within 0.1 ms
    assert (rec.n_samples - 1) / rec.fs == pytest.approx(t[-1], abs=1e-4)


# ----------------------------------------------------------------------------- damage
def _flip(p, offset: int) -> None:
    raw = bytearray(p.read_bytes())
    raw[offset] ^= 0x5A
    p.write_bytes(bytes(raw))


def test_sequence_gap_refused_then_bridged(tmp_path, ax6) -> None:
    t, gyro, acc, spec = ax6
    spec.drop_blocks = (5,)
    p = write_cwa(tmp_path / "gap.cwa", spec)
    with pytest.raises(FileFormatError, match=r"1 data block\(s\) are missing") as ei:
        clonus.read(p)
    msg = str(ei.value)
    assert str(p) in msg and "sequence id 4 then 6" in msg and "nan_policy='omit'" in msg
    rec = clonus.read(p, nan_policy="omit")
    md = rec.metadata
    assert md["missing_blocks"] == 1 and md["gaps"] >= 1 and md["resampled"] is True
    assert md["max_gap_s"] == pytest.approx(41 / FS, abs=1e-3)  # 40 missing samples
    # the pause is listed for the detectors: it starts at the last sample of block 4 (1.99 s)
    [[gap_start, gap_len]] = md["gap_intervals_s"]
    assert gap_start == pytest.approx(1.99, abs=1e-3) and gap_len == pytest.approx(0.41, abs=1e-3)
    # the grid spans the whole recording, gap included
    assert rec.n_samples == pytest.approx(N, abs=1)
    # far from the gap the signal is the truth (only re-interpolated on a grid offset by
    # microseconds from the original samples)
    tt = np.arange(rec.n_samples) / rec.fs
    far = (tt < 1.9) | (tt > 2.5)
    truth = np.radians(np.interp(tt, t, gyro[0]))
    assert np.abs(rec.get("gyro_x")[far] - truth[far]).max() < 0.01  # rad/s (of 3.5 peak)


def test_bad_checksum_block(tmp_path, ax6) -> None:
    *_, spec = ax6
    p = write_cwa(tmp_path / "ck.cwa", spec)
    _flip(p, 1024 + 3 * 512 + 100)  # a sample byte of block 3
    with pytest.raises(FileFormatError, match="checksum") as ei:
        clonus.read(p)
    assert "block 3" in str(ei.value) and "nan_policy='omit'" in str(ei.value)
    with pytest.warns(ClonusWarning, match=r"block 3.*checksum"):
        rec = clonus.read(p, nan_policy="omit")
    assert rec.metadata["skipped_blocks"] == [3] and rec.metadata["missing_blocks"] == 1
    assert np.isfinite(rec.data).all()


def test_damaged_block_magic(tmp_path, ax6) -> None:
    *_, spec = ax6
    p = write_cwa(tmp_path / "magic.cwa", spec)
    raw = bytearray(p.read_bytes())
    raw[1024 + 7 * 512:1024 + 7 * 512 + 2] = b"QQ"
    p.write_bytes(bytes(raw))
    with pytest.raises(FileFormatError, match=r"block 7.*no 'AX' block header"):
        clonus.read(p)


def test_too_many_bad_blocks(tmp_path, ax6) -> None:
    *_, spec = ax6
    p = write_cwa(tmp_path / "bad.cwa", spec)
    for k in (2, 5, 8, 11):  # 4 of 25 blocks = 16 % > 10 %
        _flip(p, 1024 + k * 512 + 200)
    with pytest.raises(FileFormatError, match="too many to skip"):
        clonus.read(p, nan_policy="omit")


def test_truncated_last_sector(tmp_path, ax6) -> None:
    *_, spec = ax6
    p = write_cwa(tmp_path / "cut.cwa", spec)
    p.write_bytes(p.read_bytes()[:-100])
    with pytest.warns(ClonusWarning, match=r"last data block \(block 24\) is incomplete"):
        rec = clonus.read(p)
    assert rec.n_samples == N - 40 and rec.metadata["truncated_bytes"] == 412


def test_truncated_header_and_no_data(tmp_path, ax6) -> None:
    *_, spec = ax6
    p = write_cwa(tmp_path / "h.cwa", spec)
    full = p.read_bytes()
    p.write_bytes(full[:700])
    with pytest.raises(FileFormatError, match=r"700 bytes.*header needs 1024.*truncated"):
        clonus.read(p)
    p.write_bytes(full[:1024])
    with pytest.raises(FileFormatError, match="no data block"):
        clonus.read(p)
    p.write_bytes(full[:1024] + b"\xff" * 2048)
    with pytest.raises(FileFormatError, match="empty"):
        clonus.read(p)
    # erased sectors after the data are unused space, not damage
    p.write_bytes(full + b"\xff" * 1024)
    rec = clonus.read(p)
    assert rec.n_samples == N and rec.metadata["unused_trailing_blocks"] == 2


def test_wrong_magic_and_forced_format(tmp_path, ax6) -> None:
    *_, spec = ax6
    p = write_cwa(tmp_path / "m.cwa", spec)
    raw = bytearray(p.read_bytes())
    raw[0:2] = b"MX"
    p.write_bytes(bytes(raw))
    with pytest.raises(FileFormatError, match="not in a format"):
        clonus.read(p)
    with pytest.raises(FileFormatError, match="not a cwa file"):
        clonus.read(p, format="cwa")


def test_restart_clock_jump_and_setting_change(tmp_path, ax6) -> None:
    t, gyro, acc, spec = ax6
    hdr, blocks = header(spec), data_blocks(spec)
    p = tmp_path / "x.cwa"
    # sequence restarts: blocks 0-9 then blocks 0-9 again
    p.write_bytes(hdr + b"".join(blocks[:10] + blocks[:10]))
    with pytest.raises(FileFormatError, match="sequence restarts at block 10"):
        clonus.read(p)
    # clock jump: the second half stamped one hour later (sequence continues)
    later = CwaSpec(acc_g=acc, gyro_dps=gyro, start=spec.start + timedelta(hours=1))
    p.write_bytes(hdr + b"".join(blocks[:10] + data_blocks(later)[10:]))
    with pytest.raises(FileFormatError, match="clock jumps between blocks 9 and 10"):
        clonus.read(p)
    # rate code change half way (200 Hz blocks appended)
    fast = CwaSpec(acc_g=acc, gyro_dps=gyro, rate_code=0x4B, first_sequence=10)
    p.write_bytes(hdr + b"".join(blocks[:10] + data_blocks(fast)[:5]))
    with pytest.raises(FileFormatError, match="rate code changes at block 10"):
        clonus.read(p)


def test_fuzzed_bytes_never_traceback(tmp_path, ax6) -> None:
    # every single-byte corruption in the first three blocks and the header fields gives a
    # clean error, a warning or a finite recording (the hypothesis fuzzer in test_fuzz.py
    # covers random multi-byte edits)
    *_, spec = ax6
    spec.acc_g, spec.gyro_dps = spec.acc_g[:, :120], spec.gyro_dps[:, :120]
    good = write_cwa(tmp_path / "g.cwa", spec).read_bytes()
    p = tmp_path / "f.cwa"
    rng = np.random.default_rng(3)
    positions = list(range(0, 64)) + list(rng.integers(1024, len(good), 60))
    for pos in positions:
        raw = bytearray(good)
        raw[pos] ^= 0xFF
        p.write_bytes(bytes(raw))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ClonusWarning)
            try:
                rec = clonus.read(p)
            except clonus.ClonusError as exc:
                assert str(p) in str(exc)
                continue
        assert np.isfinite(rec.data).all() and rec.fs > 0


# ----------------------------------------------------------------------------- time window
def test_time_window_matches_full_read(tmp_path, ax6) -> None:
    *_, spec = ax6
    p = write_cwa(tmp_path / "w.cwa", spec)
    full = clonus.read(p)
    part = clonus.read(p, start_s=3.0, duration_s=2.0)
    assert part.n_samples == 200  # 2 s at 100 Hz
    assert abs((part.start_time - full.start_time).total_seconds() - 3.0) < 1.0 / FS
    k = int(round((part.start_time - full.start_time).total_seconds() * FS))
    np.testing.assert_array_equal(part.data, full.data[:, k:k + 200])
    assert part.metadata["window_s"] == [3.0, 2.0]
    # damage outside the window does not matter; inside it does
    _flip(p, 1024 + 20 * 512 + 100)  # block 20 holds t = 8.0-8.4 s
    assert clonus.read(p, start_s=0.0, duration_s=3.0).n_samples == 300
    with pytest.raises(FileFormatError, match="block 20"):
        clonus.read(p, start_s=7.0, duration_s=2.0)
    # only start_s: to the end (the damage check covers the window and two blocks around it)
    assert clonus.read(p, start_s=9.5).n_samples == 50


def test_time_window_errors(tmp_path, ax6) -> None:
    *_, spec = ax6
    p = write_cwa(tmp_path / "w.cwa", spec)
    with pytest.raises(FileFormatError, match="no data block lies in the requested window"):
        clonus.read(p, start_s=60.0, duration_s=5.0)
    with pytest.raises(InvalidParameterError, match="duration_s must be a positive"):
        clonus.read(p, duration_s=0)
    with pytest.raises(InvalidParameterError, match="start_s must be a non-negative"):
        clonus.read(p, start_s="soon")


# ----------------------------------------------------------------------------- detection, options
def test_detected_by_magic_not_extension(tmp_path, ax6) -> None:
    *_, spec = ax6
    p = write_cwa(tmp_path / "a.cwa", spec)
    q = tmp_path / "renamed.csv"
    shutil.copyfile(p, q)
    assert clonus.io.detect_format(q) == "cwa"
    with pytest.raises(FileFormatError, match="not a edf file.*cwa"):
        clonus.read(q, format="edf")
    # a text file named .cwa is not a CWA file
    fake = tmp_path / "fake.cwa"
    fake.write_text("time_s,gyro_x (rad/s)\n0,1\n0.01,2\n0.02,3\n")
    assert clonus.io.detect_format(fake) == "csv"


def test_units_override_and_unknown_options(tmp_path, ax6) -> None:
    *_, spec = ax6
    p = write_cwa(tmp_path / "u.cwa", spec)
    with pytest.raises(UnitError, match="furlongs"):
        clonus.read(p, units={"acc_x": "furlongs"})
    with pytest.raises(InvalidParameterError, match="not in the file"):
        clonus.read(p, units={"EMG1": "uV"})
    with pytest.raises(InvalidParameterError, match="Unknown option"):
        clonus.read(p, fs=50.0)


# ----------------------------------------------------------------------------- privacy, CLI
def test_identity_fields_anonymize_and_logging(tmp_path, ax6, caplog) -> None:
    *_, spec = ax6
    p = write_cwa(tmp_path / "id.cwa", spec)
    with caplog.at_level(logging.DEBUG, logger="clonus"):
        rec = clonus.read(p)
    assert rec.metadata["cwa_identity"]["Notes"] == "Fell on Tuesday"
    assert "P-0042" not in caplog.text and "Tuesday" not in caplog.text
    anon = clonus.read(p, anonymize=True)
    assert "cwa_identity" not in anon.metadata and anon.metadata["anonymized"] is True
    q = anonymize_cwa(p, tmp_path / "anon.cwa")
    assert b"P-0042" not in q.read_bytes() and b"P-0042" in p.read_bytes()
    back = clonus.read(q)
    assert "cwa_identity" not in back.metadata
    np.testing.assert_array_equal(back.data, rec.data)
    with pytest.raises(InvalidParameterError, match="different output path"):
        anonymize_cwa(p, p)


def test_cli_info(tmp_path, ax6, capsys) -> None:
    from clonus.cli.main import main

    *_, spec = ax6
    p = write_cwa(tmp_path / "rec.cwa", spec)
    assert main(["info", str(p), "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["format"] == "cwa" and obj["duration_s"] == pytest.approx(N / FS, rel=1e-3)
    assert [c["name"] for c in obj["channels"]][:3] == ["gyro_x", "gyro_y", "gyro_z"]
    md = obj["groups"][0]["metadata"]
    assert "cwa_identity" not in md and md["device_type"] == "AX6"
    assert obj["groups"][0]["tz_is_local"] is True
    assert obj["groups"][0]["start_time"].startswith("2023-11-14T22:13:20.2")
    assert main(["info", str(p)]) == 0
    out = capsys.readouterr().out
    assert "cwa" in out and "gyro_x" in out and "P-0042" not in out
    assert "nominal 100 Hz" in out and "ppm" in out
    bad = tmp_path / "bad.cwa"
    bad.write_bytes(p.read_bytes()[:1024])
    assert main(["info", str(bad)]) != 0
    assert "no data block" in capsys.readouterr().err


# ----------------------------------------------------------------------------- end to end
def test_simulated_clonus_survives_cwa(tmp_path) -> None:
    # A simulated held-stretch trial logged by an AX6 (100 Hz, int16 at +-2000 deg/s and
    # +-8 g) must give the same clinical answer as the simulator's float recording: the
    # quantisation (0.001 rad/s, 0.0024 m/s^2) is far below clonus amplitudes.
    simulate = pytest.importorskip("clonus.simulate")
    trial = simulate.simulate_trial(mode="held", gain_ratio=5.0, duration_s=6.0, seed=1,
                                    sensors=("imu",), fs_imu_hz=100.0)
    rec = trial.recording
    gyro = np.degrees(np.vstack([rec.get(f"gyro_{a}") for a in "xyz"]))
    acc = np.vstack([rec.get(f"acc_{a}") for a in "xyz"]) / G0
    p = write_cwa(tmp_path / "sim.cwa", CwaSpec(acc_g=acc, gyro_dps=gyro))
    back = clonus.read(p)
    assert back.n_samples == rec.n_samples and back.fs == pytest.approx(100.0, rel=1e-5)
    a_ref, a_cwa = clonus.assess(rec), clonus.assess(back)
    assert trial.truth.n_beats >= 10  # a sustained clonus, so the comparison means something
    assert a_cwa.classification == a_ref.classification == "clonus"
    assert a_cwa.n_beats == a_ref.n_beats
    t_ref = np.array([b.time_s for b in a_ref.beats])
    t_cwa = np.array([b.time_s for b in a_cwa.beats])
    assert np.all(np.abs(t_cwa - t_ref) <= 0.02)  # two samples at 100 Hz


def test_cli_info_summarises_a_long_file(tmp_path, capsys, monkeypatch) -> None:
    """Above SUMMARY_MIN_BYTES ``clonus info`` reads the first minute and the last blocks'
    times only; its answer agrees with decoding the whole file."""
    import clonus.io._cwa as cwa
    from clonus.cli.main import main

    n = int(150 * FS)
    _, gyro, acc = motion_signals(n, FS)
    p = write_cwa(tmp_path / "long.cwa", CwaSpec(acc_g=acc, gyro_dps=gyro))
    assert main(["info", str(p), "--json", "--full"]) == 0
    full = json.loads(capsys.readouterr().out)
    assert full["summary"] is False
    monkeypatch.setattr(cwa, "SUMMARY_MIN_BYTES", 0)
    assert main(["info", str(p), "--json"]) == 0
    summ = json.loads(capsys.readouterr().out)
    assert summ["summary"] is True
    assert full["duration_s"] == pytest.approx(n / FS, rel=1e-3)
    # the end comes from the last block's stamp: within two samples of the decoded duration
    assert summ["duration_s"] == pytest.approx(full["duration_s"], abs=2.0 / FS)
    assert abs(summ["groups"][0]["n_samples"] - full["groups"][0]["n_samples"]) <= 2
    assert [c["name"] for c in summ["channels"]] == [c["name"] for c in full["channels"]]
    assert [c["unit"] for c in summ["channels"]] == [c["unit"] for c in full["channels"]]
    g_s, g_f = summ["groups"][0], full["groups"][0]
    assert g_s["start_time"] == g_f["start_time"] and g_s["fs_hz"] == pytest.approx(g_f["fs_hz"])
    assert g_s["metadata"]["n_blocks"] == g_f["metadata"]["n_blocks"]
    assert "window_s" not in g_s["metadata"] and "cwa_identity" not in g_s["metadata"]
    assert main(["info", str(p)]) == 0
    assert "Summary of a long CWA file" in capsys.readouterr().out
