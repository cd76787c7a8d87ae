"""ActiGraph ActiLife RAW CSV (GT3X+, wGT3X-BT, GT9X Link).

Layout (``docs/formats.md``, checked on public parsers and generators of the format: the R
packages ``read.gt3x``/``AGread`` writers, ``mhealth`` and ``canhrActi`` tests): ten header
lines, the first of which names the device, the date format and the rate::

    ------------ Data File Created By ActiGraph GT3X+ ActiLife v6.13.4 Firmware v3.2.1 date
    format M/d/yyyy at 100 Hz  Filter Normal -----------        (one line in the file)
    Serial Number: NEO1F16120034
    Start Time 10:00:00
    Start Date 3/1/2024
    Epoch Period (hh:mm:ss) 00:00:00
    Download Time 12:00:00
    Download Date 3/1/2024
    Current Memory Address: 0
    Current Battery Voltage: 4.12     Mode = 12
    --------------------------------------------------

then, optionally, a column row (``Timestamp,Accelerometer X,Accelerometer Y,Accelerometer Z``;
the GT9X IMU file: ``IMU Accelerometer X``..., ``IMU Temperature``, ``IMU Gyroscope X``...,
``IMU Magnetometer X``...) and one row per sample, the timestamp (if any) written in the
header's date format. Accelerations are in g, the gyroscope in deg/s, the magnetometer in uT,
the temperature in degrees C. Samples are uniform at the header's rate, which is used as
``fs``; the first and last timestamps are checked against it.

An **epoch** file (``Epoch Period`` other than ``00:00:00``: activity counts per epoch,
``Axis1,Axis2,Axis3``) holds no raw acceleration and is refused with what to export instead.

Privacy: the device serial number is kept in ``metadata["actigraph_identity"]`` only with
the default ``anonymize=False``; it is never logged.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import FileFormatError
from ..model import Recording
from ._common import (
    check_declared_rate,
    check_options,
    check_unit_overrides,
    data_lines,
    handle_nonfinite,
    head_text,
    make_recording,
    parse_table,
    split_leading_time,
    unit_channel,
)
from ._registry import Reader, register

FMT = "actigraph-csv"
_SIGNATURE = "Data File Created By ActiGraph"
_RATE = re.compile(r"\bat\s+(?P<fs>\d+(?:\.\d+)?)\s*Hz", re.I)
_DATE_FMT = re.compile(r"date format\s+(?P<fmt>\S+)", re.I)
_N_HEADER = 10
# column name (lower case, "IMU " dropped) -> (channel name, unit)
_COLUMNS = {
    "accelerometer x": ("acc_x", "g"), "accelerometer y": ("acc_y", "g"),
    "accelerometer z": ("acc_z", "g"),
    "gyroscope x": ("gyro_x", "deg/s"), "gyroscope y": ("gyro_y", "deg/s"),
    "gyroscope z": ("gyro_z", "deg/s"),
    "magnetometer x": ("mag_x", "uT"), "magnetometer y": ("mag_y", "uT"),
    "magnetometer z": ("mag_z", "uT"),
    "temperature": ("temperature", "degC"),
}


def sniff(p: Path) -> bool:
    if not p.is_file():
        return False
    head = head_text(p, 512).lstrip("\ufeff").splitlines()
    return bool(head) and _SIGNATURE in head[0]


def _python_date_format(actilife: str) -> str:
    """ActiLife's .NET date pattern (``M/d/yyyy``, ``dd/MM/yyyy``, ``yyyy-MM-dd``) -> strptime."""
    out = actilife
    for a, b in (("yyyy", "%Y"), ("MM", "%m"), ("M", "%m"), ("dd", "%d"), ("d", "%d")):
        out = re.sub(rf"(?<![%A-Za-z]){a}(?![A-Za-z])", b, out)
    return out


def _header(path: Path, lines: list[str]) -> dict[str, Any]:
    if len(lines) < _N_HEADER + 2:
        raise FileFormatError(f"{path}: an ActiGraph CSV has 10 header lines and then samples; "
                              f"found {len(lines)} lines. The file is truncated: export it again.")
    first = lines[0]
    m = _RATE.search(first)
    fields: dict[str, str] = {}
    for ln in lines[1:_N_HEADER - 1]:
        for key in ("Serial Number:", "Start Time", "Start Date", "Epoch Period (hh:mm:ss)"):
            if ln.startswith(key):
                fields[key.rstrip(":")] = ln[len(key):].strip()
    epoch = fields.get("Epoch Period (hh:mm:ss)", "00:00:00")
    if m is None and epoch in ("00:00:00", ""):
        raise FileFormatError(
            f"{path}: the header's first line gives no sampling rate ('... at 100 Hz ...'): "
            f"{first[:120]!r}. The header is damaged: export the RAW CSV from ActiLife again.")
    if epoch not in ("00:00:00", "") or m is None:
        raise FileFormatError(
            f"{path}: an ActiGraph epoch file (activity counts every {epoch or '?'}), not raw "
            "acceleration; clonus needs the raw samples. In ActiLife, export the .gt3x as a RAW "
            "CSV (File > Export > 'Raw data'), or convert it with the read.gt3x/pygt3x packages.")
    fs = float(m.group("fs"))
    if not fs > 0:
        raise FileFormatError(f"{path}: the header gives a sampling rate of {fs} Hz.")
    dm = _DATE_FMT.search(first)
    date_fmt = _python_date_format(dm.group("fmt")) if dm else "%m/%d/%Y"
    start = None
    try:
        start = datetime.strptime(f"{fields['Start Date']} {fields['Start Time']}",
                                  f"{date_fmt} %H:%M:%S")
    except (KeyError, ValueError):
        pass
    device = first.split(_SIGNATURE, 1)[1].strip(" -").split(" ActiLife")[0].strip()
    return {"fs": fs, "date_fmt": date_fmt, "start": start, "device": device,
            "serial": fields.get("Serial Number", "")}


def _timestamp(text: str, date_fmt: str) -> datetime | None:
    for fmt in (f"{date_fmt} %H:%M:%S.%f", f"{date_fmt} %H:%M:%S"):
        try:
            return datetime.strptime(text.strip().strip('"'), fmt)
        except ValueError:
            continue
    return None


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options, allowed=("anonymize",))
    text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = data_lines(text)
    if "\x00" in text:
        raise FileFormatError(f"{path}: contains NUL bytes; the file is corrupt. Export it again.")
    hd = _header(path, lines)
    body = lines[_N_HEADER:]
    sep = ";" if body[0].count(";") > body[0].count(",") else ","
    first_cells = [c.strip().strip('"') for c in body[0].split(sep)]
    has_names = any(re.search(r"[A-Za-z]{3}", c) for c in first_cells)
    if has_names:
        names_in = first_cells
        body = body[1:]
        first_row = _N_HEADER + 2
    else:
        first_row = _N_HEADER + 1
        probe = [c.strip() for c in body[0].split(sep)]
        ts_first = bool(probe) and ("/" in probe[0] or ":" in probe[0] or "-" in probe[0][1:])
        n_sig = len(probe) - int(ts_first)
        names_in = (["Timestamp"] if ts_first else []) + [
            f"Accelerometer {a}" for a in "XYZ"][:n_sig]
        if n_sig != 3:
            raise FileFormatError(f"{path}: no column row and {n_sig} values per sample; "
                                  "expected Accelerometer X, Y, Z. Export the RAW CSV again "
                                  "with column headers.")
    if len(body) < 2:
        raise FileFormatError(f"{path}: fewer than 2 samples after the header; the file is "
                              "truncated. Export it again.")
    ts_col = next((i for i, n in enumerate(names_in) if n.lower() in ("timestamp", "date time")),
                  None)
    if ts_col is not None and ts_col != 0:
        raise FileFormatError(f"{path}: the Timestamp column is not the first; this is not the "
                              "ActiLife RAW layout.")
    sig_names = names_in[1:] if ts_col is not None else names_in
    if any(n.lower().startswith("axis") or n.lower() in ("steps", "vector magnitude")
           for n in sig_names):
        raise FileFormatError(
            f"{path}: an ActiGraph activity-count file (columns {sig_names[:4]}), not raw "
            "acceleration. Export the RAW CSV from ActiLife instead.")
    times, rows = (split_leading_time(path, body, sep, first_row=first_row)
                   if ts_col is not None else ([], body))
    mat = parse_table(rows, sep, path=path, first_row=first_row, n_fields=len(sig_names),
                      decimal_comma=sep == ";")
    named = []  # (channel name, unit or None)
    for nm in sig_names:
        key = re.sub(r"^imu\s+", "", nm.strip().lower())
        named.append(_COLUMNS.get(key, (re.sub(r"\W+", "_", key).strip("_") or "ch", None)))
    names = [name for name, _ in named]
    check_unit_overrides(opts["units"], names, path)
    chans, scales = [], []
    for name, unit in named:
        ch, sc = unit_channel(name, unit, units=opts["units"], source=str(path))
        chans.append(ch)
        scales.append(sc)
    data = mat.T * np.asarray(scales)[:, None]
    data, _, md_nan = handle_nonfinite(data, names, path=path, nan_policy=opts["nan_policy"],
                                       first_row=first_row)
    fs = hd["fs"]
    md: dict[str, Any] = {**md_nan, "device": hd["device"]}
    if times:
        t0 = _timestamp(times[0], hd["date_fmt"])
        check_declared_rate(path, t0, _timestamp(times[-1], hd["date_fmt"]), len(times), fs)
        if t0 is not None:
            hd["start"] = t0
    if opts.get("anonymize", False):
        md["anonymized"] = True
    elif hd["serial"]:
        md["actigraph_identity"] = {"Serial Number": hd["serial"]}
    return [make_recording(data, fs, chans, path=path, fmt=FMT, start_time=hd["start"],
                           tz_is_local=True, metadata=md)]


register(Reader(
    name=FMT,
    description="ActiGraph ActiLife RAW CSV (GT3X+, wGT3X-BT, GT9X IMU): acceleration in g at "
    "the header's rate",
    extensions=(".csv",),
    sniff=sniff,
    read_groups=read_groups,
))
