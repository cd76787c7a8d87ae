"""Generic CSV: one header row with a time column and units in the headers.

Example::

    time_s,gyro_x (rad/s),gyro_y (rad/s),acc_z [m/s^2],EMG1 (uV)
    0.000,0.01,0.02,9.81,3.2

Detection: a text file whose first line splits (on ``,``, ``;`` or tab) into at least two
headers, one of them a time column (``time``, ``t``, ``time_s``, ``timestamp``, ``time (s)``,
``time_ms``, ``time [ms]``...), and whose next line is numeric.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import FileFormatError
from ..model import Recording
from ..units import parse_unit
from ._common import (
    check_options,
    check_unit_overrides,
    clean_timestamps,
    data_lines,
    handle_nonfinite,
    head_text,
    is_number,
    make_recording,
    parse_table,
    sniff_sep,
    split_name_unit,
    split_rows,
    split_suffix_unit,
    uniform_from_timestamps,
    unit_channel,
)
from ._registry import Reader, register

_TIME_NAME = re.compile(
    r"^(time|t|timestamp|times|seconds|elapsed|seconds_elapsed)(_(?P<suf>s|sec|ms|us|ns))?$", re.I
)
_TIME_SCALE = {"s": 1.0, "sec": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}


# A looser time column, taken only when no column has one of the names above: a name that
# says time and a unit of time in brackets, as phone apps write them
# ("accelerometerTimestamp_sinceReboot(s)", "Elapsed time [ms]").
_TIME_WORD = re.compile(r"time|stamp", re.I)
# Counters and text columns carry no signal: sample numbers ("loggingSample(N)" - N is a count
# there, not newtons), packet indices, and columns marked as text ("loggingTime(txt)").
_COUNTER_NAME = re.compile(r"sample|counter|index|packet|^id$|^n$", re.I)


def time_column(headers: list[str]) -> tuple[int, float] | None:
    """Index of the time column and its factor to seconds, or None."""
    for i, h in enumerate(headers):
        name, unit = split_name_unit(h)
        m = _TIME_NAME.match(name.strip().replace(" ", "_"))
        if not m:
            continue
        if unit is not None:
            info = parse_unit(unit)
            if info is None or info.si_unit != "s":
                continue
            return i, info.scale
        return i, _TIME_SCALE[(m.group("suf") or "s").lower()]
    for i, h in enumerate(headers):
        name, unit = split_name_unit(h)
        if unit is None or not _TIME_WORD.search(name):
            continue
        info = parse_unit(unit)
        if info is not None and info.si_unit == "s":
            return i, info.scale
    return None


def _skipped_column(header: str, values: list[str]) -> bool:
    """A text column (marked ``(txt)``, or no number in its first rows ``values``), a counter,
    or a second time column. A column with one bad cell among numbers is not text: the reader
    then names that cell instead of dropping the column."""
    name, unit = split_name_unit(header)
    if unit is not None and unit.strip().lower() in ("txt", "text", "string"):
        return True
    cells = [v for v in values if v.strip()]
    if cells and not any(is_number(v) for v in cells):
        return True
    if unit is not None and _TIME_WORD.search(name):
        info = parse_unit(unit)
        if info is not None and info.si_unit == "s":
            return True  # another sensor's timestamps: the rows share the first time column
    return bool(_COUNTER_NAME.search(name)) and (unit is None or unit.strip() in ("N", "#"))


def sniff(p: Path) -> bool:
    if not p.is_file():
        return False
    text = head_text(p)
    if "\x00" in text:
        return False
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 2:
        return False
    sep = sniff_sep(lines[0])
    headers = [h.strip().strip('"') for h in lines[0].split(sep)]
    tc = time_column(headers)
    if len(headers) < 2 or tc is None:
        return False
    first = lines[1].split(sep)
    # the field count is checked by the reader, which can then say which row disagrees; text
    # columns (a date written out, a device name) are allowed beside a numeric time and signal
    ti = tc[0]
    if len(first) < 2 or ti >= len(first) or not is_number(first[ti]):
        return False
    return sum(is_number(c) for k, c in enumerate(first) if k != ti) >= 1


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, "csv", options)
    with open(path, "rb") as fh:
        raw = fh.read()
    if b"\x00" in raw:
        raise FileFormatError(f"{path}: contains NUL bytes, so it is not a text CSV (or it is "
                              "corrupt). Export it again.")
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = data_lines(text)
    if len(lines) < 3:
        raise FileFormatError(f"{path}: a header and at least 2 data rows are needed, found "
                              f"{max(0, len(lines) - 1)} data row(s).")
    sep = sniff_sep(lines[0])
    headers = [h.strip().strip('"') for h in lines[0].split(sep)]
    tc = time_column(headers)
    if tc is None:
        raise FileFormatError(
            f"{path}: no time column in the header {headers[:6]}. Name one 'time_s' (seconds) or "
            "'time (ms)', and put units in the other headers, e.g. 'gyro_x (rad/s)'."
        )
    ti, tscale = tc
    head_rows = [[c.strip().strip('"') for c in ln.split(sep)] for ln in lines[1:6] if ln.strip()]
    skipped = [i for i in range(len(headers))
               if i != ti and _skipped_column(headers[i], [r[i] for r in head_rows if i < len(r)])]
    body = lines[1:]
    if skipped:
        rows = split_rows(body, sep, path=path, first_row=2, n_fields=len(headers))
        keep_idx = [i for i in range(len(headers)) if i not in skipped]
        body = [sep.join(r[i] for i in keep_idx) for r in rows]
        ti = keep_idx.index(ti)
        headers_kept = [headers[i] for i in keep_idx]
    else:
        headers_kept = headers
    mat = parse_table(body, sep, path=path, first_row=2, n_fields=len(headers_kept))
    t = mat[:, ti] * tscale
    skipped_names = [headers[i] for i in skipped]
    headers = headers_kept
    cols = [i for i in range(len(headers)) if i != ti]
    if not cols:
        raise FileFormatError(
            f"{path}: no numeric signal column besides the time column (text or counter "
            f"columns skipped: {skipped_names}). Export the sensor values as numbers."
        )
    names, chans, scales = [], [], []
    for i in cols:
        name, unit = split_name_unit(headers[i])
        if not name:
            name = f"ch{i}"
        names.append(name)
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise FileFormatError(f"{path}: duplicate column names {dup}. Rename them.")
    check_unit_overrides(opts["units"], names, path)
    for i, name in zip(cols, names, strict=True):
        _, unit = split_name_unit(headers[i])
        if unit is None:
            # "theta_rad", "gyro_x_dps", "emg_uV": a unit at the end of the name
            unit = split_suffix_unit(name)
        ch, sc = unit_channel(name, unit, units=opts["units"], source=str(path))
        chans.append(ch)
        scales.append(sc)
    data = mat[:, cols].T * np.asarray(scales)[:, None]
    data, t2, md_nan = handle_nonfinite(data, names, path=path, nan_policy=opts["nan_policy"],
                                        timestamps=t, first_row=2)
    assert t2 is not None
    t2, data, md_ts = clean_timestamps(t2, data, path=path, first_row=2)
    data, fs, md_u = uniform_from_timestamps(t2, data, path=path)
    md = {**md_nan, **md_ts, **md_u, "time_offset_s": float(t2[0])}
    if skipped_names:
        md["skipped_columns"] = skipped_names
    return [make_recording(data, fs, chans, path=path, fmt="csv", metadata=md)]


register(Reader(
    name="csv",
    description="Generic CSV: a time column (time_s, 'time (ms)'...) and units in the headers, "
    "e.g. 'gyro_x (rad/s)'",
    extensions=(".csv", ".tsv", ".txt"),
    sniff=sniff,
    read_groups=read_groups,
))
