"""Test-only writer of Axivity ``.cwa`` files from known signals (docs/formats.md §2.4, cwa.h).

Written block by block with :mod:`struct` (the reader is vectorised NumPy), so that the two do
not share code. What a real logger does and this builder imitates:

* header block: ``"MD"``, 1020, hardware type, device id (low/high words), session id, logging
  start/end, sensor config, rate code, firmware, URL-encoded metadata at byte 64;
* each data block stamps the time of the sample *after* its last one (the device stamps the
  RTC when the FIFO holds ``count`` samples), with a 15-bit fraction of a second, and lowers the
  stored offset by ``(fraction16 * int(fs)) >> 16`` samples for older readers (cwa.h:
  "the timestampOffset was already adjusted"); with ``fractional=False`` (old firmware) the
  stamp is the whole second and the offset the sample index at which it ticked;
* 16-bit samples ``Gx Gy Gz Ax Ay Az`` (AX6) or ``Ax Ay Az``; or packed AX3 dwords
  ``eezzzzzz zzzzyyyy yyyyyyxx xxxxxxxx`` with the smallest exponent that fits;
* checksum: the 16-bit word sum of the whole block is zero.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote_plus

import numpy as np

G0 = 9.80665


def pack_timestamp(dt: datetime) -> int:
    """``YYYYYYMM MMDDDDDh hhhhmmmm mmssssss`` with year offset 2000."""
    return (((dt.year - 2000) & 0x3F) << 26 | dt.month << 22 | dt.day << 17 | dt.hour << 12
            | dt.minute << 6 | dt.second)


def pack_dword(x: int, y: int, z: int) -> int:
    """Pack three counts (1/256 g) into one AX3 dword with the smallest exponent that fits."""
    for e in range(4):
        q = [int(round(v / (1 << e))) for v in (x, y, z)]
        if all(-512 <= v <= 511 for v in q):
            break
    else:
        q = [max(-512, min(511, int(round(v / 8)))) for v in (x, y, z)]
        e = 3
    fields = [v & 0x3FF for v in q]
    return (e << 30) | (fields[2] << 20) | (fields[1] << 10) | fields[0]


def _checksummed(block: bytearray) -> bytes:
    words = struct.unpack("<255H", bytes(block[:510]))
    struct.pack_into("<H", block, 510, (-sum(words)) & 0xFFFF)
    return bytes(block)


@dataclass
class CwaSpec:
    """What to write. Signals are (3, n) arrays: ``acc_g`` in g, ``gyro_dps`` in deg/s."""

    acc_g: np.ndarray
    gyro_dps: np.ndarray | None = None
    mag_ut: np.ndarray | None = None
    rate_code: int = 0x4A  # 100 Hz, +-8 g (the real AX6 file)
    fs_true_hz: float | None = None  # the logger's real rate (crystal drift); nominal if None
    packed: bool = False  # AX3 10-bit packing (3 axes only)
    acc_bits: int = 4  # accelerometer scale 1/2**(8+n) g: 4 -> 1/4096 g (+-8 g)
    gyro_bits: int = 2  # gyro range 8000/2**n deg/s: 2 -> 2000 deg/s
    start: datetime = datetime(2023, 11, 14, 22, 13, 20, 250000)
    fractional: bool = True
    hardware: int = 0x64  # AX6
    device_id: int = 0x12345
    session_id: int = 987654
    metadata: str = "_sc=P-0042&_se=2&_p=left%20ankle&_n=Fell+on+Tuesday"
    first_sequence: int = 0
    drop_blocks: Sequence[int] = ()  # leave these blocks out (sequence-id gap)
    temperature_raw: int = 300

    @property
    def fs_nominal(self) -> float:
        return 3200.0 / (1 << (15 - (self.rate_code & 0x0F)))

    @property
    def n_axes(self) -> int:
        return 3 + 3 * (self.gyro_dps is not None) + 3 * (self.mag_ut is not None)

    @property
    def per_block(self) -> int:
        return 120 if self.packed else 480 // (2 * self.n_axes)


def header(spec: CwaSpec) -> bytes:
    h = bytearray(b"\xff" * 1024)
    sensor_cfg = 0x00 if spec.gyro_dps is None else (spec.gyro_bits | (0x10 if spec.mag_ut
                                                                        is not None else 0))
    struct.pack_into("<2sHBHIHII", h, 0, b"MD", 1020, spec.hardware, spec.device_id & 0xFFFF,
                     spec.session_id, spec.device_id >> 16, 0, 0xFFFFFFFF)
    struct.pack_into("<I", h, 21, 0)
    h[25:35] = b"\x00" * 10
    h[35] = sensor_cfg
    h[36] = spec.rate_code
    struct.pack_into("<IBh", h, 37, pack_timestamp(spec.start), 48, -1)
    h[44:64] = b"\x00" * 20
    meta = spec.metadata.encode("ascii")
    h[64:512] = meta + b" " * (448 - len(meta))
    return bytes(h)


def data_blocks(spec: CwaSpec) -> list[bytes]:
    fs_true = spec.fs_true_hz or spec.fs_nominal
    n = spec.acc_g.shape[1]
    per = spec.per_block
    acc_counts = np.round(spec.acc_g * (256 if spec.packed else 1 << (8 + spec.acc_bits)))
    gyro_range = 8000.0 / (1 << spec.gyro_bits) if spec.gyro_bits else 2000.0
    blocks = []
    t0 = spec.start
    for k, s in enumerate(range(0, n, per)):
        cnt = min(per, n - s)
        b = bytearray(512)
        # the RTC is read when the FIFO holds `cnt` samples: time of sample s + cnt
        t_anchor = t0 + timedelta(seconds=(s + cnt) / fs_true)
        whole = t_anchor.replace(microsecond=0)
        if spec.fractional:
            frac15 = min(int(round(t_anchor.microsecond / 1e6 * 32768)), 32767)
            frac16 = frac15 << 1
            offset = cnt - ((frac16 * int(spec.fs_nominal)) >> 16)
            dev_frac = 0x8000 | frac15
        else:
            # sample index (relative to this block) at which the whole second ticked
            offset = cnt - int(round(t_anchor.microsecond / 1e6 * fs_true))
            dev_frac = 0
        light = (spec.acc_bits << 13) | (spec.gyro_bits << 10) | 123
        struct.pack_into("<2sHHIIIHHBBBBhH", b, 0, b"AX", 508, dev_frac, spec.session_id,
                         spec.first_sequence + k, pack_timestamp(whole), light,
                         spec.temperature_raw, 0, 200, spec.rate_code,
                         (spec.n_axes << 4) | (0 if spec.packed else 2), offset, cnt)
        pos = 30
        for i in range(s, s + cnt):
            if spec.packed:
                struct.pack_into("<I", b, pos, pack_dword(*(int(v) for v in acc_counts[:, i])))
                pos += 4
                continue
            vals = []
            if spec.gyro_dps is not None:
                vals += [int(round(v * 32768.0 / gyro_range)) for v in spec.gyro_dps[:, i]]
            vals += [int(v) for v in acc_counts[:, i]]
            if spec.mag_ut is not None:
                vals += [int(round(v * 16)) for v in spec.mag_ut[:, i]]
            vals = [max(-32768, min(32767, v)) for v in vals]
            struct.pack_into(f"<{len(vals)}h", b, pos, *vals)
            pos += 2 * len(vals)
        blocks.append(_checksummed(b))
    return [blk for k, blk in enumerate(blocks) if k not in set(spec.drop_blocks)]


def write_cwa(path: Path, spec: CwaSpec) -> Path:
    path.write_bytes(header(spec) + b"".join(data_blocks(spec)))
    return path


def motion_signals(n: int, fs: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Known test signals: a 6 Hz clonus-like gyro oscillation and an accelerometer with
    gravity on z. Returns (t_s, gyro_dps (3, n), acc_g (3, n))."""
    t = np.arange(n) / fs
    gyro = np.vstack([200.0 * np.sin(2 * np.pi * 6.0 * t), 30.0 * np.cos(2 * np.pi * 1.5 * t),
                      -5.0 + 0 * t])
    acc = np.vstack([0.5 * np.sin(2 * np.pi * 6.0 * t), 0.2 * np.cos(2 * np.pi * 2.0 * t),
                     1.0 + 0.1 * np.sin(2 * np.pi * 0.5 * t)])
    return t, gyro, acc


def metadata_field(name: str, value: str) -> str:
    return f"{quote_plus(name)}={quote_plus(value)}"


__all__ = ["CwaSpec", "write_cwa", "header", "data_blocks", "pack_timestamp", "pack_dword",
           "motion_signals", "metadata_field", "G0"]
