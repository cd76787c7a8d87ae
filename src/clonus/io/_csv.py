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
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import FileFormatError, UnitWarning
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
    r"^(time|t|timestamp|times|seconds|elapsed|seconds_elapsed|relative_time|millis|micros)"
    r"(_(?P<suf>s|sec|ms|us|ns))?$", re.I
)
_TIME_SCALE = {"s": 1.0, "sec": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}
# Names that carry their unit: everything else without a suffix or a unit ("time",
# "timestamp", "relative_time") has its unit judged from its steps (see judge_time_scale).
_NAME_SCALE = {"seconds": 1.0, "seconds_elapsed": 1.0, "millis": 1e-3, "micros": 1e-6}


# A looser time column, taken only when no column has one of the names above: a name that
# says time and a unit of time in brackets, as phone apps write them
# ("accelerometerTimestamp_sinceReboot(s)", "Elapsed time [ms]"), or in words
# (AndroSensor's "Time since start in ms").
_TIME_WORD = re.compile(r"time|stamp", re.I)
_IN_UNIT = re.compile(r"^(?P<name>.*\S)\s+in\s+(?P<unit>s|sec|ms|us|µs|ns)$", re.I)
# Time bases that are not the samples': GPS fixes (SensorLog writes
# "locationTimestamp_since1970(s)" first, 0 without a fix and otherwise updated once a second)
_OTHER_CLOCK = re.compile(r"location|gps|gnss|heading|battery", re.I)
# Counters and text columns carry no signal: sample numbers ("loggingSample(N)" - N is a count
# there, not newtons), packet indices, and columns marked as text ("loggingTime(txt)").
_COUNTER_NAME = re.compile(r"sample|counter|index|packet|^id$|^n$", re.I)
# Phone apps write counts and states with the unit "N" or "Z" (SensorLog
# "pedometerNumberofSteps(N)", "batteryState(N)", "locationFloor(Z)"): not newtons.
_COUNT_NAME = re.compile(r"step|number|count|floor|battery|state|status|flag|accuracy|"
                         r"activity|level|sample|index|packet", re.I)


# A magnetometer (by its column or its file name; not "magnitude"), whose "G" is gauss
_MAGNETIC = re.compile(r"magn(?!itude)", re.I)


# Microseconds, for time columns only: the unit table leaves "us" out because "uS" (EDA
# microsiemens) normalises to the same spelling
_MICROSECONDS = {"us", "µs", "μs", "usec", "microseconds"}


def _time_scale(unit: str) -> float | None:
    """Factor to seconds of a time column's unit, or None if it is not a unit of time."""
    if unit.strip().strip("()[]").strip().lower() in _MICROSECONDS:
        return 1e-6
    info = parse_unit(unit)
    return info.scale if info is not None and info.si_unit == "s" else None


def _unit_of_time(header: str) -> tuple[str, str | None]:
    name, unit = split_name_unit(header)
    if unit is None:
        m = _IN_UNIT.match(name.strip())
        if m:
            return m.group("name"), m.group("unit")
    return name, unit


def time_columns(headers: list[str]) -> list[tuple[int, float, bool]]:
    """Candidate time columns, best first: ``(index, factor to seconds, unit_judged)``.

    ``unit_judged`` is True for a bare name without a unit (``time``, ``timestamp``), whose
    factor (1.0 here) the reader judges from the column's steps. Names of the strict list come
    first, then looser names with a unit of time; clocks of other sensors (GPS fixes) last.
    """
    strict: list[tuple[int, float, bool]] = []
    loose: list[tuple[int, float, bool]] = []
    late: list[tuple[int, float, bool]] = []
    for i, h in enumerate(headers):
        name, unit = _unit_of_time(h)
        key = name.strip().replace(" ", "_")
        m = _TIME_NAME.match(key)
        if m:
            if unit is not None:
                scale = _time_scale(unit)
                if scale is None:
                    continue
                strict.append((i, scale, False))
            elif m.group("suf"):
                strict.append((i, _TIME_SCALE[m.group("suf").lower()], False))
            elif key.lower() in _NAME_SCALE:
                strict.append((i, _NAME_SCALE[key.lower()], False))
            else:
                strict.append((i, 1.0, True))
            continue
        if unit is None or not _TIME_WORD.search(name):
            continue
        scale = _time_scale(unit)
        if scale is not None:
            (late if _OTHER_CLOCK.search(name) else loose).append((i, scale, False))
    return strict + loose + late


def time_column(headers: list[str]) -> tuple[int, float] | None:
    """Index of the first candidate time column and its factor to seconds, or None."""
    cands = time_columns(headers)
    return (cands[0][0], cands[0][1]) if cands else None


def judge_time_scale(t_raw: np.ndarray) -> tuple[float, str]:
    """Factor to seconds of a time column written without a unit, from its median step.

    Loggers write bare ``time``/``timestamp`` columns in seconds, milliseconds (Android
    ``System.currentTimeMillis``, Arduino ``millis()``, Science Journal), microseconds or
    nanoseconds (Android ``SensorEvent.timestamp``). A median step below 0.2 is seconds
    (above 5 Hz); 0.2-200 is milliseconds (5 Hz - 5 kHz), 200-2e5 microseconds, above that
    nanoseconds. Returns the factor and the unit's name.
    """
    d = np.diff(t_raw[np.isfinite(t_raw)])
    d = d[d > 0]
    step = float(np.median(d)) if d.size else 0.0
    if step < 0.2:
        return 1.0, "s"
    if step < 200.0:
        return 1e-3, "ms"
    if step < 2e5:
        return 1e-6, "us"
    return 1e-9, "ns"


def _usable_time(col: np.ndarray) -> bool:
    """A time base that moves: finite, and at least half of its values distinct (a GPS clock
    without a fix is all 0; with one it repeats for every sample of a second)."""
    fin = col[np.isfinite(col)]
    return fin.size >= 2 and fin.size >= 0.9 * col.size and np.unique(fin).size >= 0.5 * col.size


def _skipped_column(header: str, values: list[str]) -> bool:
    """A text column (marked ``(txt)``, or no number in its first rows ``values``) or a counter
    (the other time columns are skipped by the caller). A column with one bad cell among
    numbers is not text: the reader then names that cell instead of dropping the column."""
    name, unit = split_name_unit(header)
    if unit is not None and unit.strip().lower() in ("txt", "text", "string"):
        return True
    cells = [v for v in values if v.strip()]
    if cells and not any(is_number(v) for v in cells):
        return True
    if unit is not None and unit.strip() in ("N", "Z", "#") and _COUNT_NAME.search(name):
        return True  # a count or a state written with the unit N or Z, not newtons
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


#: data rows looked at to choose among candidate time columns (a GPS clock without a fix)
_TIME_PROBE_ROWS = 2000


def _column_values(lines: list[str], sep: str, i: int) -> np.ndarray:
    out = np.full(len(lines), np.nan)
    for k, ln in enumerate(lines):
        cells = ln.split(sep)
        if i < len(cells):
            try:
                out[k] = float(cells[i].strip().strip('"'))
            except ValueError:
                pass
    return out


def _choose_time(path: Path, lines: list[str], sep: str,
                 headers: list[str]) -> tuple[int, float, bool]:
    """The first candidate time column that advances in the first rows, its factor to seconds
    and whether that factor is still to be judged from the column's steps."""
    cands = time_columns(headers)
    probe = lines[1 : 1 + _TIME_PROBE_ROWS]
    for i, scale, judged in cands:
        if _usable_time(_column_values(probe, sep, i)):
            return i, scale, judged
    raise FileFormatError(
        f"{path}: no usable time column: {[headers[i] for i, _, _ in cands]} do not advance "
        "(all empty, constant, or repeating - a GPS clock without a fix repeats). Export "
        "the sensor timestamps, or a column named 'time_s' with the sample times.")


def _judged_time_scale(path: Path, header: str, t_raw: np.ndarray) -> tuple[float, dict]:
    """Factor to seconds of a time column without a unit, with a warning when it is not s."""
    scale, uname = judge_time_scale(t_raw)
    if uname == "s":
        return scale, {}
    warnings.warn(
        f"{path}: the time column {header!r} has no unit; its steps (median "
        f"{np.median(np.diff(t_raw[np.isfinite(t_raw)])):.6g}) say {uname}, so it is read as "
        f"{uname}. If that is wrong, name the column 'time_s' or 'time_ms'.",
        UnitWarning, stacklevel=3)
    return scale, {"time_unit_judged": uname}


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
    ti, tscale, judged = _choose_time(path, lines, sep, headers)
    md_time: dict[str, Any] = {"time_column": headers[ti]}
    head_rows = [[c.strip().strip('"') for c in ln.split(sep)] for ln in lines[1:6] if ln.strip()]
    other_clocks = {i for i, _, _ in time_columns(headers)}
    skipped = [i for i in range(len(headers))
               if i != ti and (i in other_clocks or _skipped_column(
                   headers[i], [r[i] for r in head_rows if i < len(r)]))]
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
    if judged:
        tscale, md_judged = _judged_time_scale(path, md_time["time_column"], mat[:, ti])
        md_time.update(md_judged)
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
        elif unit.strip() == "G" and (_MAGNETIC.search(name) or _MAGNETIC.search(path.stem)):
            unit = "gauss"  # a magnetometer's G (Polar Sensor Logger "..._MAGN.txt": X [G])
        ch, sc = unit_channel(name, unit, units=opts["units"], source=str(path))
        chans.append(ch)
        scales.append(sc)
    data = mat[:, cols].T * np.asarray(scales)[:, None]
    data, t2, md_nan = handle_nonfinite(data, names, path=path, nan_policy=opts["nan_policy"],
                                        timestamps=t, first_row=2)
    assert t2 is not None
    t2, data, md_ts = clean_timestamps(t2, data, path=path, first_row=2)
    data, fs, md_u = uniform_from_timestamps(t2, data, path=path)
    md = {**md_nan, **md_ts, **md_u, **md_time, "time_offset_s": float(t2[0])}
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
