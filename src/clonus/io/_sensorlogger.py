"""Sensor Logger (Kelvin Choi) zip export: one CSV per sensor.

Layout (``docs/formats.md`` §1.2, from the app author's documentation; no licensed real
export was available): motion files have the header ``time,seconds_elapsed,z,y,x`` -- note the
**z, y, x order**; columns are parsed by name. ``time`` is Unix time in **nanoseconds** (UTC);
``seconds_elapsed`` may be negative for samples buffered before Start.

Files and channels: ``Gyroscope.csv`` -> ``gyro_x/y/z`` (rad/s); ``TotalAcceleration.csv``
(with gravity, Android) -> ``acc_x/y/z``; ``Accelerometer.csv`` (without gravity) ->
``linacc_x/y/z``; ``Gravity.csv`` -> ``gravity_x/y/z`` (all m/s^2);
``AccelerometerUncalibrated.csv`` -> ``acc_x/y/z`` in g on iOS unless ``Metadata.csv`` says the
units were standardised, else m/s^2. Other files (orientation, location, annotations...) are
skipped and listed in ``metadata["skipped"]``; ``Metadata.csv`` platform and app version go to
``metadata``. Sensors at the same nominal rate share one uniform grid (see phyphox).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import FileFormatError
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
    is_zip,
    make_recording,
    series_gap_intervals,
    split_rows,
    to_float_matrix,
    uniform_from_timestamps,
    unit_channel,
)
from ._registry import Reader, register

FMT = "sensorlogger"
_FILES = {
    "gyroscope": ("gyro", "rad/s"),
    "totalacceleration": ("acc", "m/s^2"),
    "accelerometer": ("linacc", "m/s^2"),
    "gravity": ("gravity", "m/s^2"),
    "accelerometeruncalibrated": ("acc", None),
    "gyroscopeuncalibrated": ("gyro_uncal", "rad/s"),
}


def _is_motion_header(line: str) -> bool:
    cells = [c.strip().strip('"').lower() for c in line.split(",")]
    return cells[:2] == ["time", "seconds_elapsed"] and {"x", "y", "z"} <= set(cells)


def sniff(p: Path) -> bool:
    if not (p.is_dir() or is_zip(p)):
        return False
    with Container(p) as c:
        m = c.find("Metadata.csv")
        if m is not None and "sampleRateMs" in c.head(m, 1024) and any(
                Path(n).stem.lower() in _FILES for n in c.names):
            return True
        for n in c.names:
            if Path(n).stem.lower() in _FILES and n.lower().endswith(".csv"):
                head = c.head(n, 256).splitlines()
                if head and _is_motion_header(head[0]):
                    return True
    return False


def _metadata(c: Container) -> dict[str, Any]:
    m = c.find("Metadata.csv")
    if m is None:
        return {}
    try:
        rows = list(csv.reader(io.StringIO(c.read_text(m))))
    except (csv.Error, FileFormatError):
        return {}
    if len(rows) < 2:
        return {}
    d = dict(zip([h.strip() for h in rows[0]], [v.strip() for v in rows[1]], strict=False))
    keep = ("platform", "appVersion", "standardisation", "sampleRateMs", "version")
    return {k: d[k] for k in keep if k in d}


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options)
    series = []
    skipped = []
    with Container(path) as c:
        meta = _metadata(c)
        ios = meta.get("platform", "").lower() == "ios"
        standard = meta.get("standardisation", "").lower() in ("true", "1", "yes")
        for m in c.names:
            stem = Path(m).stem.lower()
            if not m.lower().endswith(".csv") or stem == "metadata":
                continue
            if stem not in _FILES:
                skipped.append(m)
                continue
            prefix, unit = _FILES[stem]
            if unit is None:
                unit = "g" if ios and not standard else "m/s^2"
            label = c.label(m)
            lines = data_lines(c.read_text(m))
            if not lines or not _is_motion_header(lines[0]):
                got = lines[0][:60] if lines else ""
                raise FileFormatError(
                    f"{label}: the header should be 'time,seconds_elapsed,z,y,x', got {got!r}. "
                    "The file is corrupt; export it again from Sensor Logger.")
            headers = [h.strip().strip('"').lower() for h in lines[0].split(",")]
            rows = split_rows(lines[1:], ",", path=label, first_row=2, n_fields=len(headers))
            if len(rows) < 2:
                raise FileFormatError(f"{label}: fewer than 2 samples. Record for longer.")
            # nanosecond epoch times need int64 to keep their precision
            try:
                t_ns = np.array([int(r[0]) for r in rows], dtype=np.int64)
            except (ValueError, OverflowError):  # not integers: parse as floats below
                t_ns = None
            mat = to_float_matrix(rows, path=label, first_row=2)
            chans: list[Channel] = []
            scales = []
            cols = []
            for ax in "xyz":
                ch, sc = unit_channel(f"{prefix}_{ax}", unit, units=opts["units"], source=label)
                chans.append(ch)
                scales.append(sc)
                cols.append(headers.index(ax))
            data = mat[:, cols].T * np.asarray(scales)[:, None]
            if t_ns is None and not np.isfinite(mat[0, 0]):
                raise FileFormatError(f"{label}: the first timestamp is {mat[0, 0]!r}; the "
                                      "'time' column must hold Unix times in nanoseconds.")
            t0_ns = int(t_ns[0]) if t_ns is not None else int(mat[0, 0])
            t = ((t_ns - t0_ns) * 1e-9) if t_ns is not None else (mat[:, 0] - mat[0, 0]) * 1e-9
            data, t2, md_nan = handle_nonfinite(data, [ch.name for ch in chans], path=label,
                                                nan_policy=opts["nan_policy"], timestamps=t,
                                                first_row=2)
            t2, data, md_ts = clean_timestamps(t2, data, path=label, first_row=2)  # type: ignore[arg-type]
            series.append((m, t2, data, chans, {**md_nan, **md_ts}, t0_ns))
    if not series:
        raise FileFormatError(f"{path}: no motion CSV (Gyroscope.csv, Accelerometer.csv, "
                              "TotalAcceleration.csv...) in this Sensor Logger export.")
    names = [ch.name for s in series for ch in s[3]]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise FileFormatError(f"{path}: channel(s) {dup} come from more than one file.")
    check_unit_overrides(opts["units"], names, path)
    # put every series on one clock (ns epoch of the earliest first sample)
    base = min(s[5] for s in series)
    series = [(m, t + (t0 - base) * 1e-9, d, ch, md, t0) for m, t, d, ch, md, t0 in series]
    rates = [(s[0], estimate_fs(np.diff(s[1]))) for s in series]
    out = []
    for idx in group_by_rate(rates, rtol=0.02):
        grp = [series[i] for i in idx]
        chans = [ch for s in grp for ch in s[3]]
        md: dict[str, Any] = {"files": [s[0] for s in grp], **meta}
        for s in grp:
            md.update({(k if len(grp) == 1 else f"{Path(s[0]).stem}:{k}"): v
                       for k, v in s[4].items()})
        if skipped:
            md["skipped"] = skipped
        if len(grp) == 1:
            data, fs, md_u = uniform_from_timestamps(grp[0][1], grp[0][2], path=path)
            t0 = float(grp[0][1][0])
        else:
            d_all = [np.diff(s[1]) for s in grp]
            fs = float(np.mean([estimate_fs(d) for d in d_all]))
            data, t0 = common_grid([(s[1], s[2]) for s in grp], fs)
            md_u = {"resampled": True, "resample_method": "linear",
                    "original_fs_hz": {Path(s[0]).stem: estimate_fs(d) for s, d in
                                       zip(grp, d_all, strict=True)},
                    "jitter_s": {Path(s[0]).stem: float(np.std(d)) for s, d in
                                 zip(grp, d_all, strict=True)}}
            gaps_u = series_gap_intervals([(s[1], s[2]) for s in grp], t0)
            if gaps_u:
                md_u["gap_intervals_s"] = gaps_u
        md.update(md_u)
        start = datetime.fromtimestamp(base / 1e9, tz=UTC) + timedelta(seconds=t0)
        out.append(make_recording(data, fs, chans, path=path, fmt=FMT, start_time=start,
                                  tz_is_local=False, metadata=md))
    return out


register(Reader(
    name=FMT,
    description="Sensor Logger zip/folder of CSVs (time ns, seconds_elapsed, z, y, x)",
    extensions=(".zip",),
    sniff=sniff,
    read_groups=read_groups,
))
