"""Axivity AX3 / AX6 ``.cwa`` files (own parser: ``struct`` + NumPy, no extra dependency).

Layout (``docs/formats.md``; Open Movement ``Docs/ax3/cwa.h``): little-endian 512-byte sectors.
A 1024-byte header block (``"MD"``, packet length 1020) holds the device and session ids and up
to 448 bytes of URL-encoded ``name=value`` metadata; each following 512-byte data block
(``"AX"``, packet length 508) holds a packed date-time stamp, a 15-bit fraction of a second, the
sample index at which that time is valid, the rate code, the axes/packing byte and up to 480
bytes of samples (6-axis AX6: ``Gx Gy Gz Ax Ay Az`` int16, 40 per block; 3-axis AX3: int16 (80)
or packed 3 x 10-bit + 2-bit exponent (120)), then a 16-bit checksum (word sum = 0).

Conversions (cwa.h; the gyro and fraction rules checked against the Open Movement reference
readers, see ``docs/formats.md``):

* accelerometer: ``count / 2**(8 + n)`` g, ``n`` = top 3 bits of the light word (AX3: 1/256 g;
  AX6 at +-8 g: 1/4096 g); packed AX3 values are shifted left by their exponent first;
* gyroscope: ``count * R / 32768`` deg/s, ``R = 8000 / 2**m`` deg/s (``m`` = next 3 bits of the
  light word; ``m = 0`` means the default 2000 deg/s);
* magnetometer (9-axis): ``count / 16`` uT, kept as ``misc`` channels;
* time: when the top bit of the "device fractional" word is set, its low 15 bits are a
  fraction of a second and the stored timestamp offset was lowered by
  ``(fraction16 * int(fs)) >> 16`` samples for older readers; that shift is undone.

Timing: each block gives one (sample index, time) anchor; per-sample times are linearly
interpolated between anchors (and extrapolated at the ends), then handed to
:func:`~clonus.io._common.uniform_from_timestamps` like every timestamped format: when every
interval is within 1 % of the median the samples are kept and ``fs`` is the measured rate
(the logger's crystal is never exactly nominal: ``metadata["nominal_fs_hz"]`` and
``metadata["rate_error_ppm"]`` say by how much), otherwise they are interpolated onto a
uniform grid (``resampled=True``). ``start_time`` is the logger's clock (local time,
``tz_is_local=True``), never converted.

Damage: a partial last sector (the copy stopped) is dropped with a :class:`ClonusWarning`.
Blocks that fail their checksum or magic and missing sequence ids are refused
(:class:`FileFormatError` naming the block) unless ``nan_policy="omit"``: then bad blocks are
skipped (warning with their indices) and the samples on both sides of a gap are put on one
grid by linear interpolation, reported in ``metadata["gaps"]``, ``metadata["max_gap_s"]``,
``metadata["missing_blocks"]``.

Long files: the file is memory-mapped; ``start_s=`` and ``duration_s=`` (seconds after the
first sample) decode only the blocks of that window, checked with two blocks of margin.

Privacy: the header's ``name=value`` pairs (subject code, sex, height, weight, notes,
operators...) are never logged; they appear in ``metadata["cwa_identity"]`` only with the
default ``anonymize=False`` (``clonus info`` never shows them); :func:`anonymize_cwa` writes a
copy with the metadata area blanked.
"""

from __future__ import annotations

import math
import os
import struct
import warnings
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import numpy as np

from .._logging import logger
from ..exceptions import ClonusWarning, FileFormatError, InvalidParameterError
from ..model import Recording
from ._common import (
    check_options,
    check_unit_overrides,
    make_recording,
    read_head,
    uniform_from_timestamps,
    unit_channel,
)
from ._registry import Reader, register

FMT = "cwa"
HEADER_BYTES = 1024
SECTOR = 512
#: Epoch of the packed timestamps (year offset 2000, logger local time).
EPOCH = datetime(2000, 1, 1)
#: Blocks that may fail (checksum, magic, timestamp) before the file counts as corrupt.
MAX_BAD_FRACTION = 0.10

_BLOCK = np.dtype([
    ("magic", "S2"), ("length", "<u2"), ("fractional", "<u2"), ("session", "<u4"),
    ("sequence", "<u4"), ("timestamp", "<u4"), ("light", "<u2"), ("temperature", "<u2"),
    ("events", "u1"), ("battery", "u1"), ("rate_code", "u1"), ("axes_packing", "u1"),
    ("ts_offset", "<i2"), ("count", "<u2"), ("samples", "V480"), ("checksum", "<u2"),
])

#: Short metadata names written by OmGui, expanded (cwa.h / Open Movement metadata docs).
_SHORT_NAMES = {
    "_c": "Study Centre", "_s": "Study Code", "_i": "Investigator", "_x": "Exercise Code",
    "_v": "Volunteer Num", "_p": "Body Location", "_so": "Setup Operator", "_n": "Notes",
    "_b": "Start time", "_e": "End time", "_ro": "Recovery Operator", "_r": "Retrieval Time",
    "_co": "Comments", "_sc": "Subject Code", "_se": "Sex", "_h": "Height", "_w": "Weight",
    "_ha": "Handedness", "_sn": "Subject Notes",
}
_HARDWARE = {0x00: "AX3", 0xFF: "AX3", 0x17: "AX3", 0x64: "AX6"}


# ---------------------------------------------------------------------------- small decoders
def fs_from_rate_code(code: int) -> float:
    """Sampling rate in Hz from a CWA rate code: ``3200 / 2**(15 - (code & 0x0F))``."""
    return 3200.0 / (1 << (15 - (int(code) & 0x0F)))


def range_g_from_rate_code(code: int) -> int:
    """Accelerometer range (+-g) from a CWA rate code: ``16 >> (code >> 6)``."""
    return 16 >> (int(code) >> 6)


def decode_timestamp(packed: int) -> datetime | None:
    """Packed ``YYYYYYMM MMDDDDDh hhhhmmmm mmssssss`` (year offset 2000) to a naive datetime.

    Returns None for 0 ("always") and 0xFFFFFFFF ("never") and for impossible dates.
    """
    packed = int(packed)
    if packed in (0, 0xFFFFFFFF):
        return None
    try:
        return datetime(2000 + ((packed >> 26) & 0x3F), (packed >> 22) & 0x0F,
                        (packed >> 17) & 0x1F, (packed >> 12) & 0x1F, (packed >> 6) & 0x3F,
                        packed & 0x3F)
    except ValueError:
        return None


def _timestamps_s(packed: np.ndarray) -> np.ndarray:
    """Vectorised :func:`decode_timestamp`: seconds since 2000-01-01 (NaN when invalid)."""
    p = packed.astype(np.int64)
    year = ((p >> 26) & 0x3F) + 2000
    month = (p >> 22) & 0x0F
    day = (p >> 17) & 0x1F
    hour = (p >> 12) & 0x1F
    minute = (p >> 6) & 0x3F
    sec = p & 0x3F
    ok = ((month >= 1) & (month <= 12) & (day >= 1) & (hour < 24) & (minute < 60) & (sec < 60)
          & (p != 0) & (p != 0xFFFFFFFF))
    months = ((year - 1970) * 12 + np.clip(month, 1, 12) - 1).astype("datetime64[M]")
    days = months.astype("datetime64[D]") + (np.clip(day, 1, 31) - 1)
    ok &= days.astype("datetime64[M]") == months  # e.g. 31 February
    since = (days - np.datetime64("2000-01-01", "D")).astype(np.int64)
    out = (since * 86400 + hour * 3600 + minute * 60 + sec).astype(np.float64)
    out[~ok] = np.nan
    return out


def unpack_dwords(words: np.ndarray) -> np.ndarray:
    """Packed AX3 samples (uint32 ``eezzzzzz zzzzyyyy yyyyyyxx xxxxxxxx``) to (n, 3) counts.

    Each 10-bit field is two's complement (-512..511) and is shifted left by the 2-bit
    exponent ``e``; the result is in the accelerometer's 1/2**(8+n) g counts.
    """
    w = words.astype(np.int64)
    e = (w >> 30) & 0x3
    out = np.empty((w.size, 3), dtype=np.int32)
    for k in range(3):
        v = (w >> (10 * k)) & 0x3FF
        v = np.where(v >= 512, v - 1024, v)
        out[:, k] = v << e
    return out


def parse_metadata(raw: bytes) -> dict[str, str]:
    """URL-encoded ``name=value&...`` pairs of the header, short names expanded."""
    text = raw.decode("ascii", errors="replace").rstrip("\x20\x00\xff\ufffd")
    out: dict[str, str] = {}
    for pair in text.split("&"):
        name, _, value = pair.partition("=")
        name = unquote_plus(name).strip()
        if name:
            out[_SHORT_NAMES.get(name, name)] = unquote_plus(value)
    return out


# ---------------------------------------------------------------------------- sniff / header
def sniff(p: Path) -> bool:
    head = read_head(p, 4)
    return len(head) == 4 and head[:2] == b"MD" and struct.unpack("<H", head[2:4])[0] == 1020


def _header(path: Path, raw: bytes) -> dict[str, Any]:
    if len(raw) < HEADER_BYTES:
        raise FileFormatError(
            f"{path}: the file has {len(raw)} bytes but an Axivity CWA header needs "
            f"{HEADER_BYTES}: the file is truncated. Download it from the device again.")
    if raw[:2] != b"MD" or struct.unpack("<H", raw[2:4])[0] != 1020:
        raise FileFormatError(
            f"{path}: the first bytes are {raw[:4]!r}, not the CWA header 'MD' with packet length "
            "1020. This is not an Axivity .cwa file (or its start is damaged).")
    hw = raw[4]
    dev_lo, session, dev_hi = struct.unpack("<HIH", raw[5:13])
    start, end = struct.unpack("<II", raw[13:21])
    sensor_cfg, rate_code = raw[35], raw[36]
    md: dict[str, Any] = {
        "device_type": _HARDWARE.get(hw, f"0x{hw:02x}"),
        "device_id": int(dev_lo | ((0 if dev_hi == 0xFFFF else dev_hi) << 16)),
        "session_id": int(session),
        "firmware_revision": int(raw[41]),
        "header_rate_code": int(rate_code),
    }
    for key, val in (("logging_start", start), ("logging_end", end)):
        dt = decode_timestamp(val)
        md[key] = dt.isoformat() if dt else ("always" if val == 0 else "never")
    if sensor_cfg not in (0x00, 0xFF):
        md["header_gyro_range_dps"] = 8000.0 / (1 << (sensor_cfg & 0x0F))
        md["magnetometer_enabled"] = bool(sensor_cfg >> 4)
    return {"md": md, "annotations": parse_metadata(raw[64:512]),
            "device_meta": parse_metadata(raw[512:1024])}


# ---------------------------------------------------------------------------- blocks
def _open_blocks(path: Path, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Memory-mapped data blocks: structured view and the bytes as an (n, 512) array."""
    mm = np.memmap(path, dtype=np.uint8, mode="r", offset=HEADER_BYTES, shape=(n * SECTOR,))
    return mm.view(_BLOCK), mm.reshape(n, SECTOR)


def _word_sums(body2d: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """16-bit word sums of the given blocks (0 for a valid checksum), in chunks."""
    out = np.zeros(body2d.shape[0], dtype=np.uint64)
    for k in range(0, rows.size, 65536):
        r = rows[k:k + 65536]
        if r.size:
            words = np.ascontiguousarray(body2d[r[0]:r[-1] + 1]).view("<u2")
            out[r[0]:r[-1] + 1] = words.sum(axis=1, dtype=np.uint64) & 0xFFFF
    return out


def _used_blocks(body2d: np.ndarray) -> int:
    """Number of blocks up to the last one that is not erased flash (all 0xFF or all 0x00)."""
    n = body2d.shape[0]
    end = n
    while end > 0:
        lo = max(0, end - 1024)
        chunk = np.asarray(body2d[lo:end])
        filled = ~(np.all(chunk == 0xFF, axis=1) | np.all(chunk == 0x00, axis=1))
        if filled.any():
            return lo + int(np.flatnonzero(filled)[-1]) + 1
        end = lo
    return 0


def _window(path: Path, blocks: np.ndarray, start_s: float | None,
            duration_s: float | None) -> tuple[np.ndarray, tuple[float, float] | None]:
    """Blocks to decode for a time window, and the window in seconds since 2000-01-01.

    Block times here are approximate (stamp + fraction, ignoring the offset), so the selection
    keeps a margin of two blocks each side; samples are cut exactly later.
    """
    n = blocks.shape[0]
    if start_s is None and duration_s is None:
        return np.ones(n, dtype=bool), None
    good = (blocks["magic"] == b"AX")
    t_blk = _timestamps_s(blocks["timestamp"])
    frac = blocks["fractional"].astype(np.int64)
    t_blk = t_blk + np.where(frac & 0x8000, (frac & 0x7FFF) / 32768.0, 0.0)
    good &= np.isfinite(t_blk)
    if not good.any():
        raise FileFormatError(f"{path}: no data block has a readable timestamp, so no time window "
                              "can be selected. Read the whole file (no start_s/duration_s).")
    k = int(np.flatnonzero(good)[0])
    code = int(blocks["rate_code"][k])
    fs = fs_from_rate_code(code) if code else 100.0
    n_axes, _, spb = _max_samples(int(blocks["axes_packing"][k]))
    spb = spb or 120
    offset = int(blocks["ts_offset"][k]) if code else 0
    if frac[k] & 0x8000:
        offset += ((int(frac[k]) & 0x7FFF) << 1) * int(fs) >> 16
    t_first = float(t_blk[k]) - offset / fs  # first sample of the first readable block
    t0 = t_first + (start_s or 0.0)
    t1 = t0 + duration_s if duration_s is not None else math.inf
    margin = 2.0 * spb / fs
    win = good & (t_blk >= t0 - margin) & (t_blk <= t1 + margin)
    # keep unreadable blocks between selected ones so that damage inside the window is seen
    sel = np.flatnonzero(win)
    if sel.size:
        win[sel[0]:sel[-1] + 1] = True
    return win, (t0, t1)


def _max_samples(axes_packing: int) -> tuple[int, int, int]:
    """(n_axes, bytes per sample, samples per full block); (0, 0, 0) if invalid."""
    n_axes, packing = axes_packing >> 4, axes_packing & 0x0F
    if packing == 0 and n_axes == 3:
        return 3, 4, 120
    if packing == 2 and n_axes in (3, 6, 9):
        return n_axes, 2 * n_axes, 480 // (2 * n_axes)
    return 0, 0, 0


def _describe(idx: np.ndarray, limit: int = 5) -> str:
    shown = ", ".join(str(int(i)) for i in idx[:limit])
    return shown + (f" and {idx.size - limit} more" if idx.size > limit else "")


def _window_options(path: Path, opts: dict[str, Any]) -> tuple[float | None, float | None]:
    out = []
    for key in ("start_s", "duration_s"):
        v = opts.get(key)
        if v is not None:
            try:
                v = float(v)
            except (TypeError, ValueError):
                v = math.nan
            if not (math.isfinite(v) and v >= 0 and (key == "start_s" or v > 0)):
                raise InvalidParameterError(
                    f"{key} must be a {'non-negative' if key == 'start_s' else 'positive'} "
                    f"number of seconds, got {opts.get(key)!r} (reading {path}).")
        out.append(v)
    return out[0], out[1]


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options, allowed=("anonymize", "start_s", "duration_s"))
    anonymize = bool(opts.get("anonymize", False))
    omit = opts["nan_policy"] == "omit"
    start_s, duration_s = _window_options(path, opts)
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(HEADER_BYTES)
    hdr = _header(path, head)
    md: dict[str, Any] = dict(hdr["md"])

    n_blocks, tail = divmod(size - HEADER_BYTES, SECTOR)
    if tail:
        warnings.warn(
            f"{path}: the last data block (block {n_blocks}) is incomplete ({tail} of {SECTOR} "
            "bytes): the copy or download stopped early. That block was ignored; copy the file "
            "from the device again to recover it.", ClonusWarning, stacklevel=4)
        md["truncated_bytes"] = int(tail)
    if n_blocks == 0:
        raise FileFormatError(
            f"{path}: the file holds only the CWA header and no data block: the logger recorded "
            "nothing, or the download stopped after the header. Check the device set-up "
            "(OmGui) and download the recording again.")
    blocks, body2d = _open_blocks(path, n_blocks)

    # Trailing unused sectors (erased flash 0xFF or zeros) are not data.
    used = _used_blocks(body2d)
    if used == 0:
        raise FileFormatError(
            f"{path}: all {n_blocks} data blocks are empty (erased flash): the logger recorded "
            "nothing. Check the device set-up (OmGui) and record again.")
    if used < n_blocks:
        md["unused_trailing_blocks"] = n_blocks - used
    blocks, body2d = blocks[:used], body2d[:used]
    win, window = _window(path, blocks, start_s, duration_s)
    if not win.any():
        raise FileFormatError(
            f"{path}: no data block lies in the requested window (start_s={start_s}, "
            f"duration_s={duration_s}); check the recording's duration with 'clonus info'.")
    sums = _word_sums(body2d, np.flatnonzero(win))

    # Block validity: magic, length, checksum, layout, timestamp.
    reasons = np.full(used, "", dtype=object)
    magic_ok = (blocks["magic"] == b"AX") & (blocks["length"] == 508)
    reasons[win & ~magic_ok] = "no 'AX' block header"
    magic_ok &= win
    ck_bad = magic_ok & (sums != 0)
    reasons[ck_bad] = "checksum mismatch"
    ok = magic_ok & ~ck_bad
    if not ok.any():
        k0 = int(np.flatnonzero(win)[0])
        raise FileFormatError(
            f"{path}: none of the {int(win.sum())} data blocks is valid ({reasons[k0]} in block "
            f"{k0}). The file is corrupt or not an Axivity recording; download it from the device "
            "again.")
    first = int(np.flatnonzero(ok)[0])
    code0, ap0, light0 = (int(blocks["rate_code"][first]), int(blocks["axes_packing"][first]),
                          int(blocks["light"][first]))
    n_axes, _, spb = _max_samples(ap0)
    if n_axes == 0:
        raise FileFormatError(
            f"{path}: block {first} declares axes/packing byte 0x{ap0:02x}, which is not a known "
            "CWA layout (3, 6 or 9 axes of 16-bit values, or 3 packed axes). The file may come "
            "from newer firmware than this reader knows; please report it.")
    t_whole = _timestamps_s(blocks["timestamp"])
    bad_layout = ok & (blocks["axes_packing"] == ap0) & (blocks["count"] > spb)
    reasons[bad_layout] = f"sample count above {spb}"
    bad_time = ok & ~bad_layout & ~np.isfinite(t_whole)
    reasons[bad_time] = "invalid timestamp"
    ok &= ~bad_layout & ~bad_time
    bad = np.flatnonzero(win & ~ok)
    n_win = int(win.sum())
    if bad.size:
        first_bad = int(bad[0])
        what = (f"{bad.size} of {n_win} data blocks are damaged (block {first_bad}, at byte "
                f"{HEADER_BYTES + SECTOR * first_bad}: {reasons[first_bad]}; blocks "
                f"{_describe(bad)})")
        if bad.size > max(1, MAX_BAD_FRACTION * n_win):
            raise FileFormatError(
                f"{path}: {what}. That is too many to skip: the file is corrupt. Download it from "
                "the device again (OmGui can also try to recover it).")
        if not omit:
            raise FileFormatError(
                f"{path}: {what}. Pass nan_policy='omit' to skip them (their samples are bridged "
                "by linear interpolation and reported in metadata['gaps']), or download the file "
                "again.")
        warnings.warn(f"{path}: {what}; skipped (nan_policy='omit').", ClonusWarning,
                      stacklevel=4)
        md["skipped_blocks"] = [int(i) for i in bad]
    idx = np.flatnonzero(ok)
    # per-field copies of the valid blocks (not whole 512-byte records: files can be large)
    b = {f: blocks[f][idx] for f in ("rate_code", "axes_packing", "session", "light",
                                     "sequence", "ts_offset", "count", "fractional", "events",
                                     "temperature")}

    # One configuration per file.
    for field, ref, label in (("rate_code", code0, "rate code"),
                              ("axes_packing", ap0, "axes/packing byte"),
                              ("session", int(blocks["session"][first]), "session id")):
        diff = np.flatnonzero(b[field] != ref)
        if diff.size:
            k = int(idx[diff[0]])
            raise FileFormatError(
                f"{path}: the {label} changes at block {k} ({ref} -> {int(blocks[field][k])}): "
                "the file holds recordings with different settings. Split it with OmGui and "
                "read each part.")
    scale_bits = b["light"] >> 10
    diff = np.flatnonzero(scale_bits != (light0 >> 10))
    if diff.size:
        k = int(idx[diff[0]])
        raise FileFormatError(
            f"{path}: the sensor scale bits change at block {k}: the file holds recordings "
            "with different ranges. Split it with OmGui and read each part.")

    # Sequence ids: consecutive, or a gap of missing blocks.
    seq = b["sequence"].astype(np.int64)
    dseq = np.diff(seq)
    back = np.flatnonzero(dseq <= 0)
    if back.size:
        k = int(idx[back[0] + 1])
        raise FileFormatError(
            f"{path}: the block sequence restarts at block {k} (sequence id {int(seq[back[0]])} "
            f"then {int(seq[back[0] + 1])}): the file holds more than one recording, or its "
            "blocks are out of order. Split it with OmGui, or download it again.")
    missing = dseq - 1
    if code0 == 0:  # very old firmware: the rate sits in the timestamp-offset field
        fs_nom = float(np.uint16(b["ts_offset"][0]))
        offsets = np.zeros(idx.size, dtype=np.int64)
    else:
        fs_nom = fs_from_rate_code(code0)
        offsets = b["ts_offset"].astype(np.int64)
    if not (fs_nom > 0 and math.isfinite(fs_nom)):
        raise FileFormatError(f"{path}: block {first} gives a sampling rate of {fs_nom} Hz.")
    gap_at = np.flatnonzero(missing > 0)
    if gap_at.size:
        n_miss = int(missing.sum())
        k = int(idx[gap_at[0] + 1])
        what = (f"{n_miss} data block(s) are missing from the sequence (first gap before block "
                f"{k}: sequence id {int(seq[gap_at[0]])} then {int(seq[gap_at[0] + 1])}, about "
                f"{int(missing[gap_at[0]]) * spb / fs_nom:.3g} s)")
        if not omit:
            raise FileFormatError(
                f"{path}: {what}. Pass nan_policy='omit' to bridge the gap by linear "
                "interpolation (reported in metadata['gaps']), or download the file again.")
        md["missing_blocks"] = n_miss

    # Anchors: (virtual sample index, time) per block; fractional seconds and the shim.
    count = b["count"].astype(np.int64)
    vstart = np.concatenate([[0], np.cumsum(count[:-1] + missing * spb)])
    frac = b["fractional"].astype(np.int64)
    has_frac = (frac & 0x8000) != 0
    frac16 = np.where(has_frac, (frac & 0x7FFF) << 1, 0)
    anchor_i = vstart + offsets + np.where(has_frac, (frac16 * int(fs_nom)) >> 16, 0)
    base_s = float(t_whole[idx[0]])  # keep times small: microsecond precision over weeks
    anchor_t = (t_whole[idx] - base_s) + frac16 / 65536.0
    md["fractional_timestamps"] = bool(has_frac.all())
    _check_clock(path, idx, anchor_i, anchor_t, fs_nom)

    # Per-sample virtual indices and times.
    keep = np.arange(spb)[None, :] < count[:, None]
    vi = (vstart[:, None] + np.arange(spb)[None, :])[keep]
    t = _interp_times(vi, anchor_i, anchor_t, fs_nom)

    # Samples.
    samples = np.ascontiguousarray(body2d[idx, 30:510])
    if (ap0 & 0x0F) == 0:
        words = samples.view("<u4")[keep]
        counts = unpack_dwords(words)
    else:
        vals = samples.view("<i2")[:, :spb * n_axes].reshape(idx.size, spb, n_axes)
        counts = vals[keep]  # int16, (n_samples, n_axes)
    if window is not None:
        half = 0.5 / fs_nom  # nearest-sample edges: duration_s * fs samples on a steady clock
        inside = (t + base_s >= window[0] - half) & (t + base_s < window[1] - half)
        if inside.sum() < 2:
            raise FileFormatError(
                f"{path}: fewer than 2 samples lie in the requested window (start_s={start_s}, "
                f"duration_s={duration_s}); check the recording's duration with 'clonus info'.")
        t, counts = t[inside], counts[inside]
        md["window_s"] = [start_s or 0.0, duration_s]
        md["window_blocks"] = [int(idx[0]), int(idx[-1])]
    saturated = 0
    if (ap0 & 0x0F) == 2:
        acc = counts[:, 0:3] if n_axes == 3 else counts[:, 3:6]
        saturated = int(np.count_nonzero((acc >= 32767) | (acc <= -32768)))
    acc_bits = (light0 >> 13) & 0x07
    gyro_bits = (light0 >> 10) & 0x07
    acc_scale = 1.0 / (1 << (8 + acc_bits))  # g per count
    gyro_range = 8000.0 / (1 << gyro_bits) if gyro_bits else 2000.0
    gyro_scale = gyro_range / 32768.0  # deg/s per count
    layout: list[tuple[str, str, str, float, int]] = []
    if n_axes == 3:
        layout += [(f"acc_{a}", "g", "acc", acc_scale, i) for i, a in enumerate("xyz")]
    else:
        layout += [(f"gyro_{a}", "deg/s", "gyro", gyro_scale, i) for i, a in enumerate("xyz")]
        layout += [(f"acc_{a}", "g", "acc", acc_scale, 3 + i) for i, a in enumerate("xyz")]
        if n_axes == 9:
            layout += [(f"mag_{a}", "uT", "misc", 1.0 / 16.0, 6 + i)
                       for i, a in enumerate("xyz")]
    names = [x[0] for x in layout]
    check_unit_overrides(opts["units"], names, path)
    chans = []
    data = np.empty((len(layout), counts.shape[0]), dtype=np.float64)
    for i, (name, unit, kind, scale, col) in enumerate(layout):
        ch, si = unit_channel(name, unit, units=opts["units"], source=str(path), kind=kind)
        chans.append(ch)
        np.multiply(counts[:, col], scale * si, out=data[i])
    del counts

    t0 = float(t[0])
    data, fs, md_t = uniform_from_timestamps(t - t0, data, path=path)
    start = EPOCH + timedelta(seconds=base_s) + timedelta(seconds=t0)
    md.update(md_t)
    md.update({
        "nominal_fs_hz": fs_nom,
        "rate_error_ppm": round((fs / fs_nom - 1.0) * 1e6, 1),
        "acc_range_g": range_g_from_rate_code(code0) if code0 else 16,
        "acc_scale_g": acc_scale,
        "n_axes": n_axes,
        "packing": "int16" if (ap0 & 0x0F) == 2 else "packed-10bit",
        "n_blocks": int(idx.size),
    })
    if n_axes >= 6:
        md["gyro_range_dps"] = gyro_range
    if saturated:
        md["saturated_samples"] = saturated
    resumes = int(np.count_nonzero(b["events"] & 0x01))
    if resumes:
        md["resume_events"] = resumes
    temp = b["temperature"] & 0x3FF
    if temp.any():
        tc = temp[temp > 0] * 75.0 / 256.0 - 50.0
        md["temperature_c"] = [round(float(tc.min()), 1), round(float(tc.max()), 1)]
    ann = hdr["annotations"]
    if "Body Location" in ann:
        md["body_location"] = ann["Body Location"]
    if anonymize:
        md["anonymized"] = True
    elif ann:
        md["cwa_identity"] = ann  # may hold a subject code, sex, height...: never logged
    logger.info("%s: CWA %s, %d blocks, %d axes at %.6g Hz (nominal %g Hz)", path,
                md["device_type"], idx.size, n_axes, fs, fs_nom)
    return [make_recording(data, fs, chans, path=path, fmt=FMT, start_time=start,
                           tz_is_local=True, metadata=md)]


def _check_clock(path: Path, idx: np.ndarray, anchor_i: np.ndarray, anchor_t: np.ndarray,
                 fs_nom: float) -> None:
    """Refuse clock jumps: consecutive anchors must agree with the nominal rate within 10 %.

    The tolerance (10 % of the span, plus 2 samples for whole-second stamps) is far above
    crystal drift (parts per million to a few parts per thousand) and far below a pause.
    """
    if anchor_i.size < 2:
        return
    di = np.diff(anchor_i).astype(np.float64)
    dt = np.diff(anchor_t)
    back = np.flatnonzero((di <= 0) | (dt <= 0))
    if back.size:
        j = int(back[0])
        raise FileFormatError(
            f"{path}: the block timestamps go backwards between blocks {int(idx[j])} and "
            f"{int(idx[j + 1])}: the logger's clock was reset or the file was edited. Split the "
            "file at that block with OmGui and read each part.")
    expected = di / fs_nom
    jump = np.flatnonzero(np.abs(dt - expected) > 0.1 * np.abs(expected) + 2.0 / fs_nom)
    if jump.size:
        j = int(jump[0])
        raise FileFormatError(
            f"{path}: the logger's clock jumps between blocks {int(idx[j])} and {int(idx[j + 1])} "
            f"({dt[j]:.6g} s for {int(di[j])} samples, {expected[j]:.6g} s expected at "
            f"{fs_nom:g} Hz): logging was paused or the clock was reset. Split the file at that "
            "block with OmGui and read each part.")


def _interp_times(vi: np.ndarray, ai: np.ndarray, at: np.ndarray, fs_nom: float) -> np.ndarray:
    """Sample times from block anchors: piecewise linear, extrapolated with the mean rate."""
    if ai.size >= 2 and ai[-1] > ai[0]:
        slope = float(at[-1] - at[0]) / float(ai[-1] - ai[0])
    else:
        slope = 1.0 / fs_nom
    t = np.interp(vi, ai, at)
    lo, hi = vi < ai[0], vi > ai[-1]
    t[lo] = at[0] + (vi[lo] - ai[0]) * slope
    t[hi] = at[-1] + (vi[hi] - ai[-1]) * slope
    return t


# ---------------------------------------------------------------------------- anonymise
def anonymize_cwa(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> Path:
    """Write a copy of a ``.cwa`` file with the header's metadata area blanked.

    The 448-byte ``name=value`` area (study, subject code, sex, height, weight, notes,
    operators) and the 512-byte device-specific area are overwritten with spaces; device and
    session ids, settings and every data block are copied unchanged. The original file is never
    modified.

    Parameters
    ----------
    src, dst : path-like
        Input file and output path (must differ).

    Returns
    -------
    Path
        ``dst``.
    """
    src_p, dst_p = Path(src), Path(dst)
    if src_p.resolve() == dst_p.resolve():
        raise InvalidParameterError(f"anonymize_cwa needs a different output path than {src_p}; "
                                    "the original is never overwritten.")
    if not src_p.is_file():
        raise FileFormatError(f"{src_p}: no such file. Check the path.")
    raw = bytearray(src_p.read_bytes())
    _header(src_p, bytes(raw[:HEADER_BYTES]))
    raw[64:HEADER_BYTES] = b" " * (HEADER_BYTES - 64)
    dst_p.write_bytes(bytes(raw))
    return dst_p


register(Reader(
    name=FMT,
    description="Axivity AX3/AX6 .cwa logger file (accelerometer, gyroscope)",
    extensions=(".cwa",),
    sniff=sniff,
    read_groups=read_groups,
))


#: CWA files larger than this (bytes) are "long": ``clonus info`` summarises them from the
#: first minute and the last blocks' times, ``clonus monitor`` reads them a window at a time.
#: About 14 h of AX6 (6 axes, 4.6 MB/h) or 40 h of AX3 (packed, 1.5 MB/h) at 100 Hz; decoded
#: whole, an hour of AX6 takes ~17 MB of float64 (a week: ~3 GB).
SUMMARY_MIN_BYTES = 64 * 1024 * 1024


def is_long_cwa(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is an Axivity CWA file above ``SUMMARY_MIN_BYTES``."""
    p = Path(path)
    return p.is_file() and p.stat().st_size > SUMMARY_MIN_BYTES and sniff(p)


def summarize_cwa(
    path: str | os.PathLike[str], *, first_s: float = 60.0, **options: Any
) -> tuple[Recording, dict]:
    """What a long CWA file holds, without decoding all of it.

    The first ``first_s`` seconds are read in full (channels, units, rate, clock, metadata:
    exactly what :func:`clonus.read` gives for them; ``options`` as for it, e.g. ``units``);
    the end of the recording comes from the
    timestamps of the last readable data blocks. Damage after the first minute (bad checksums,
    missing blocks) is not looked for: read the file, or a window of it
    (``clonus.read(path, start_s=..., duration_s=...)``), to check it.

    Returns
    -------
    (Recording, dict)
        The first minute, and ``{"duration_s", "n_samples", "n_blocks", "end_time"}`` for the
        whole file (``n_samples`` = duration x nominal rate, approximate).
    """
    p = Path(path)
    head = read_groups(p, start_s=0.0, duration_s=first_s, **options)[0]
    size = p.stat().st_size
    n_blocks = (size - HEADER_BYTES) // SECTOR
    blocks, body2d = _open_blocks(p, n_blocks)
    used = _used_blocks(body2d)
    fs_nom = float(head.metadata.get("nominal_fs_hz") or head.fs)
    end_s = None
    # the last block with the 'AX' mark and a readable time. Its sample ts_offset lies at the
    # whole-second stamp (with a fractional stamp too: see the anchors in read_groups), so its
    # first sample is at stamp - offset / fs and its last ends count / fs later
    for k in range(used - 1, max(-1, used - 1 - 4096), -1):
        blk = blocks[k]
        if blk["magic"] != b"AX":
            continue
        t_blk = float(_timestamps_s(np.array([blk["timestamp"]]))[0])
        if not math.isfinite(t_blk):
            continue
        off = int(blk["ts_offset"]) if int(blk["rate_code"]) else 0
        end_s = t_blk + (int(blk["count"]) - off) / fs_nom
        break
    if end_s is None:
        raise FileFormatError(
            f"{path}: none of the last data blocks has a readable time, so the recording's end "
            "cannot be found from the block headers. Read the whole file to check it.")
    start = head.start_time
    start_s = (start - EPOCH).total_seconds() if start is not None else None
    duration = max(head.duration_s, end_s - start_s) if start_s is not None else head.duration_s
    return head, {
        "duration_s": float(duration),
        "n_samples": int(round(duration * head.fs)),
        "n_blocks": int(used),
        "end_time": (EPOCH + timedelta(seconds=end_s)).isoformat(),
    }
