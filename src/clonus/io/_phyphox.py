"""phyphox exports: a zip or folder (or a single CSV) from the phyphox phone app.

Layouts (``docs/formats.md`` §1.1):

* per-sensor files (iOS, newer exports): ``Gyroscope.csv`` with ``"Time (s)","X (rad/s)",
  "Y (rad/s)","Z (rad/s)"``, ``Accelerometer.csv`` (with gravity), ``Linear Accelerometer.csv``
  (without gravity), and ``Angle.csv`` with ``"Time (s)","Angle (deg)"`` (goniometer files
  written by :func:`write_phyphox_zip`);
* Android ``Raw Data.csv`` with ``"Time (s)","Gyroscope x (rad/s)",...``,
  ``"Acceleration x (m/s^2)"`` (with g) or ``"Linear Acceleration x (m/s^2)"``.

``meta/time.csv`` gives the absolute start (Unix time of the START event). Each sensor has its
own irregular clock: sensors with the same nominal rate are interpolated onto one common
uniform grid (their overlapping time span); sensors at different rates become separate groups.
"Absolute" magnitude columns are derived values and are skipped; non-motion sensors
(location, light, pressure, audio...) are skipped and listed in ``metadata["skipped"]``.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import FileFormatError, InvalidParameterError
from ..model import Channel, Recording
from ._common import (
    Container,
    check_options,
    check_unit_overrides,
    clean_timestamps,
    common_grid,
    data_lines,
    estimate_fs,
    group_by_rate,
    handle_nonfinite,
    head_text,
    is_zip,
    make_recording,
    parse_table,
    safe_name,
    series_gap_intervals,
    split_name_unit,
    uniform_from_timestamps,
    unit_channel,
    writer_path,
)
from ._registry import Reader, register

FMT = "phyphox"

#: Per-sensor file stem -> channel-name prefix (None: skip the file).
_SENSORS = {
    "accelerometer": "acc",
    "linear accelerometer": "linacc",
    "linear acceleration": "linacc",
    "gyroscope": "gyro",
    "angle": "angle",
    "gravity": "gravity",
    "magnetometer": "mag",
    "raw data": None,  # handled by column names
}

_RAW_COLS = (
    (re.compile(r"^linear acceleration ([xyz])$", re.I), "linacc"),
    (re.compile(r"^acceleration ([xyz])$", re.I), "acc"),
    (re.compile(r"^gyroscope ([xyz])$", re.I), "gyro"),
    (re.compile(r"^magnetic field ([xyz])$", re.I), "mag"),
    (re.compile(r"^gravity ([xyz])$", re.I), "gravity"),
)


def _separator(header: str) -> str:
    """Column separator of a phyphox CSV export: comma, semicolon or tab (phyphox offers all
    three; semicolon and tab also come with a decimal comma)."""
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda k: counts[k]) if max(counts.values()) > 0 else ","


def _is_phyphox_header(line: str) -> bool:
    cells = [c.strip().strip('"') for c in line.strip().split(_separator(line))]
    if len(cells) < 2 or cells[0].lower() != "time (s)":
        return False
    for c in cells[1:]:
        name, unit = split_name_unit(c)
        if unit is None:
            return False
    return True


def sniff(p: Path) -> bool:
    if p.is_dir() or is_zip(p):
        with Container(p) as c:
            names = [n.lower() for n in c.names]
            if "meta/device.csv" in names:
                return True
            for n in c.names:
                if n.lower().endswith(".csv") and "/" not in n.strip("/"):
                    if _is_phyphox_header(c.head(n, 512).splitlines()[0] if c.head(n, 512) else ""):
                        return True
        return False
    if not p.is_file():
        return False
    lines = head_text(p, 1024).splitlines()
    return bool(lines) and _is_phyphox_header(lines[0]) and lines[0].lstrip().startswith('"')


def _column_names(stem: str, headers: Sequence[str]) -> list[tuple[int, str, str | None]]:
    """(column index, channel name, unit) for kept columns of one phyphox file."""
    out = []
    prefix = _SENSORS.get(stem.lower())
    for i, h in enumerate(headers[1:], start=1):
        name, unit = split_name_unit(h)
        low = name.lower()
        if low.startswith("absolute"):
            continue
        if prefix is not None:
            if low in ("x", "y", "z"):
                out.append((i, f"{prefix}_{low}", unit))
            else:
                out.append((i, safe_name(name) if prefix != "angle" or len(headers) > 2
                            else "angle", unit))
            continue
        for pat, pre in _RAW_COLS:
            m = pat.match(name)
            if m:
                out.append((i, f"{pre}_{m.group(1).lower()}", unit))
                break
        else:
            out.append((i, safe_name(name), unit))
    return out


def _read_member(text: str, label: str, stem: str, opts: dict[str, Any]
                 ) -> tuple[np.ndarray, np.ndarray, list[Channel], dict[str, Any]]:
    lines = data_lines(text)
    if not lines:
        raise FileFormatError(f"{label}: the file is empty. Export the recording again.")
    if not _is_phyphox_header(lines[0]):
        raise FileFormatError(
            f"{label}: the header {lines[0][:80]!r} is not a phyphox header (expected "
            "'\"Time (s)\",\"X (rad/s)\",...'). The file is corrupt or not a phyphox export."
        )
    sep = _separator(lines[0])
    headers = next(csv.reader([lines[0]], delimiter=sep))
    cols = _column_names(stem, headers)
    if not cols:
        raise FileFormatError(f"{label}: no signal columns besides time.")
    # "CSV (Semicolon/Tabulator, decimal comma)" exports write 1,234E-3
    decimal_comma = sep != "," and any("," in ln for ln in lines[1:3])
    mat = parse_table(lines[1:], sep, path=label, first_row=2, n_fields=len(headers),
                      decimal_comma=decimal_comma)
    if mat.shape[0] < 2:
        raise FileFormatError(f"{label}: fewer than 2 data rows. Record for longer.")
    chans, scales = [], []
    for _, name, unit in cols:
        ch, sc = unit_channel(name, unit, units=opts["units"], source=label)
        chans.append(ch)
        scales.append(sc)
    data = mat[:, [c[0] for c in cols]].T * np.asarray(scales)[:, None]
    t = mat[:, 0]
    data, t2, md = handle_nonfinite(data, [c.name for c in chans], path=label,
                                    nan_policy=opts["nan_policy"], timestamps=t, first_row=2)
    t2, data, md2 = clean_timestamps(t2, data, path=label, first_row=2)  # type: ignore[arg-type]
    return t2, data, chans, {**md, **md2}


def _start_time(c: Container) -> tuple[datetime | None, dict[str, Any]]:
    m = c.find("time.csv")
    if m is None:
        return None, {}
    try:
        rows = list(csv.reader(io.StringIO(c.read_text(m))))
        starts = [r for r in rows[1:] if r and r[0].strip().upper() == "START"]
        if not starts:
            return None, {}
        exp_t, sys_t = float(starts[0][1]), float(starts[0][2])
        if not (math.isfinite(exp_t) and math.isfinite(sys_t)):
            return None, {}
        md = {"n_start_events": len(starts)}
        return datetime.fromtimestamp(sys_t - exp_t, tz=UTC), md
    except (ValueError, IndexError, OverflowError, OSError):
        return None, {"meta_time_unreadable": True}


def _device(c: Container) -> dict[str, Any]:
    m = c.find("device.csv")
    if m is None:
        return {}
    keep = {"version", "build", "fileformat", "devicemodel", "devicebrand", "devicerelease"}
    out = {}
    try:
        for r in csv.reader(io.StringIO(c.read_text(m))):
            if len(r) >= 2 and r[0].strip().lower() in keep:
                out[r[0].strip()] = r[1].strip()
    except (csv.Error, FileFormatError):
        return {}
    return out


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options)
    with Container(path) as c:
        return read_export(path, c, opts)


def read_export(path: Path, c: Any, opts: dict[str, Any], *, fmt: str = FMT
                ) -> list[Recording]:
    """Read a phyphox export held by ``c``: a :class:`Container` (zip, folder, one CSV) or an
    Excel workbook's sheets seen as one (``_xlsx``: ``names``, ``label``, ``read_text``,
    ``find``); ``opts`` are checked options, ``fmt`` goes to ``metadata["format"]``."""
    series: list[tuple[str, np.ndarray, np.ndarray, list[Channel], dict[str, Any]]] = []
    skipped: list[str] = []
    members = [n for n in c.names if n.lower().endswith(".csv") and not
               n.lower().startswith("meta/")]
    for m in members:
        stem = Path(m).stem
        if path.is_file() and not is_zip(path):
            stem = stem if stem.lower() in _SENSORS else "raw data"
        elif stem.lower() not in _SENSORS:
            skipped.append(m)
            continue
        label = c.label(m)
        t, data, chans, md = _read_member(c.read_text(m), label, stem, opts)
        series.append((m, t, data, chans, md))
    start, md_time = _start_time(c)
    device = _device(c)
    if not series:
        raise FileFormatError(
            f"{path}: no motion sensor file (Accelerometer.csv, Gyroscope.csv, Linear "
            "Accelerometer.csv, Angle.csv or Raw Data.csv) in this phyphox export. Export the "
            "experiment with the sensor you need."
        )
    names = [ch.name for s in series for ch in s[3]]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise FileFormatError(f"{path}: channel(s) {dup} appear in more than one file.")
    check_unit_overrides(opts["units"], names, path)
    rates = [(s[0], estimate_fs(np.diff(s[1]))) for s in series]
    groups = []
    for idx in group_by_rate(rates, rtol=0.02):
        grp = [series[i] for i in idx]
        chans = [ch for s in grp for ch in s[3]]
        md: dict[str, Any] = {"files": [s[0] for s in grp], **device, **md_time}
        for s in grp:
            for k, v in s[4].items():
                md[f"{k}" if len(grp) == 1 else f"{Path(s[0]).stem}:{k}"] = v
        if skipped:
            md["skipped"] = skipped
        same_t = all(s[1].shape == grp[0][1].shape and np.array_equal(s[1], grp[0][1])
                     for s in grp)
        if same_t:
            t = grp[0][1]
            data, fs, md_u = uniform_from_timestamps(t, np.vstack([s[2] for s in grp]), path=path)
            t0 = float(t[0])
        else:
            d_all = [np.diff(s[1]) for s in grp]
            fs = float(np.mean([estimate_fs(d) for d in d_all]))
            data, t0 = common_grid([(s[1], s[2]) for s in grp], fs)
            md_u = {"resampled": True, "resample_method": "linear",
                    "original_fs_hz": {Path(s[0]).stem: estimate_fs(d)
                                       for s, d in zip(grp, d_all, strict=True)},
                    "jitter_s": {Path(s[0]).stem: float(np.std(d))
                                 for s, d in zip(grp, d_all, strict=True)}}
            gaps_u = series_gap_intervals([(s[1], s[2]) for s in grp], t0)
            if gaps_u:
                md_u["gap_intervals_s"] = gaps_u
        md.update(md_u)
        md["time_offset_s"] = t0
        st = None if start is None else start + timedelta(seconds=t0)
        groups.append(make_recording(data, fs, chans, path=path, fmt=fmt, start_time=st,
                                     tz_is_local=False, metadata=md))
    return groups


# ---------------------------------------------------------------------------- writer
_FILES = {"gyro": ("Gyroscope.csv", "rad/s"), "acc": ("Accelerometer.csv", "m/s^2"),
          "linacc": ("Linear Accelerometer.csv", "m/s^2")}


def write_phyphox_zip(path: str | Path, recording: Recording, *,
                      times_s: np.ndarray | None = None,
                      start_time: datetime | None = None) -> Path:
    """Write a motion recording as a phyphox-style zip (per-sensor iOS layout).

    Parameters
    ----------
    path : path-like
        Output ``.zip`` path.
    recording : Recording
        Channels of kind ``gyro`` (rad/s) -> ``Gyroscope.csv``, ``acc`` -> ``Accelerometer.csv``
        (or ``Linear Accelerometer.csv`` for names starting with ``linacc``), and one ``angle``
        channel (rad) -> ``Angle.csv`` written in degrees. Up to 3 axes per sensor, taken in
        channel order as X, Y, Z.
    times_s : ndarray, optional
        Sample times, in seconds, to write instead of ``n / fs`` (e.g. with phone-like jitter).
        Must be increasing with one entry per sample.
    start_time : datetime, optional
        Absolute time of the first sample for ``meta/time.csv`` (default: the recording's
        ``start_time``, else 2000-01-01 UTC).

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    InvalidParameterError
        If a channel is not a motion channel or a sensor has more than 3 axes.
    """
    path = writer_path("write_phyphox_zip", path, recording)
    n = recording.n_samples
    t = recording.times_s if times_s is None else np.asarray(times_s, dtype=float)
    if t.shape != (n,) or not np.all(np.isfinite(t)) or (n > 1 and np.any(np.diff(t) <= 0)):
        raise InvalidParameterError(
            f"times_s must be {n} finite increasing times in seconds (one per sample).")
    files: dict[str, list[int]] = {}
    for i, ch in enumerate(recording.channels):
        if ch.kind == "acc":
            key = "linacc" if ch.name.lower().startswith("linacc") else "acc"
        elif ch.kind in ("gyro", "angle"):
            key = ch.kind
        else:
            raise InvalidParameterError(
                f"Channel {ch.name!r} is of kind {ch.kind!r}; a phyphox file holds only gyro, acc "
                "and angle channels. Pick those channels first (recording.pick(kind=...)), and "
                "write EMG with write_edf.")
        files.setdefault(key, []).append(i)
    for key, idx in files.items():
        limit = 1 if key == "angle" else 3
        if len(idx) > limit:
            raise InvalidParameterError(
                f"{len(idx)} {key} channels; a phyphox file holds at most {limit}.")
    st = start_time or recording.start_time or datetime(2000, 1, 1, tzinfo=UTC)
    epoch = st.timestamp() if st.tzinfo else st.replace(tzinfo=UTC).timestamp()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for key, idx in files.items():
            if key == "angle":
                fname, headers = "Angle.csv", ['"Time (s)"', '"Angle (deg)"']
                cols = [np.degrees(recording.data[idx[0]])]
            else:
                fname, unit = _FILES[key]
                headers = ['"Time (s)"'] + [f'"{a} ({unit})"' for a in "XYZ"[: len(idx)]]
                cols = [recording.data[i] for i in idx]
            buf = io.StringIO()
            buf.write(",".join(headers) + "\n")
            np.savetxt(buf, np.vstack([t, *cols]).T, fmt="%.9E", delimiter=",")
            zf.writestr(fname, buf.getvalue())
        zf.writestr("meta/device.csv", '"property","value"\n"version","clonus"\n'
                    '"fileFormat","1.18"\n"deviceModel","clonus write_phyphox_zip"\n')
        text = st.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " UTC+00:00"
        zf.writestr("meta/time.csv", '"event","experiment time","system time","system time text"\n'
                    f'"START",{t[0]:.9E},{epoch:.3f},"{text}"\n'
                    f'"PAUSE",{t[-1]:.9E},{epoch + t[-1] - t[0]:.3f},"{text}"\n')
    return path


register(Reader(
    name=FMT,
    description="phyphox export (zip or folder; per-sensor iOS files or Android 'Raw Data.csv'): "
    "gyroscope, accelerometer with/without g, angle",
    extensions=(".zip", ".csv"),
    sniff=sniff,
    read_groups=read_groups,
))
