"""Generic CSV: one header row with a time column and units in the headers.

Example::

    time_s,gyro_x (rad/s),gyro_y (rad/s),acc_z [m/s^2],EMG1 (uV)
    0.000,0.01,0.02,9.81,3.2

Detection: a text file whose first line splits (on ``,``, ``;`` or tab) into at least two
headers, one of them a time column (``time``, ``t``, ``time_s``, ``timestamp``, ``time (s)``,
``time_ms``, ``time [ms]``...), and whose next line is numeric.

Also (``docs/formats.md``, Generic CSV): a delimiter ending the header and/or the rows makes no
channel (an unnamed column without values is left out); Apple CoreMotion column names without
units get CoreMotion's units (``_coremotion.py``); bookkeeping columns (battery, counters,
constant labels) are skipped with their reasons; and, when no reader recognises a file, a table
of numbers without a header row is read with ``fs=`` (Hz) as channels ``ch1``..``chN``.
Preamble lines before the header, a units row under it, decimal commas and ISO date-times are
first undone by :func:`clonus.io._tables.normalise_table`.
"""

from __future__ import annotations

import re
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from .._logging import logger
from .._validation import check_fs
from ..exceptions import ClonusWarning, FileFormatError, InvalidParameterError, UnitWarning
from ..model import Recording
from ..units import parse_unit
from ._common import (
    check_options,
    check_unit_overrides,
    clean_timestamps,
    data_lines,
    guess_kind,
    handle_nonfinite,
    head_text,
    is_number,
    make_recording,
    parse_table,
    read_head,
    sniff_sep,
    split_name_unit,
    split_rows,
    split_suffix_unit,
    uniform_from_timestamps,
    unit_channel,
)
from ._coremotion import column_units
from ._registry import Reader, register
from ._tables import (
    TableLayout,
    find_header,
    find_untimed_header,
    is_datetime,
    normalise_table,
    trim_tail,
    untimed_table,
)

_HEAD_BYTES = 4096

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


def _skipped_column(header: str, values: list[str]) -> str | None:
    """Why a column is not a signal, from its header and its first rows ``values``, or None.

    A text column (marked ``(txt)``, or no number in its first rows) or a counter (the other
    time columns are skipped by the caller). A column with one bad cell among numbers is not
    text: the reader then names that cell instead of dropping the column.
    """
    name, unit = split_name_unit(header)
    if unit is not None and unit.strip().lower() in ("txt", "text", "string"):
        return "text"
    cells = [v for v in values if v.strip()]
    if cells and not any(is_number(v) for v in cells):
        return "text"
    if unit is not None and unit.strip() in ("N", "Z", "#") and _COUNT_NAME.search(name):
        return "count or state"  # written with the unit N or Z, not newtons
    if _COUNTER_NAME.search(name) and (unit is None or unit.strip() in ("N", "#")):
        return "counter"
    return None


# Bookkeeping that loggers write beside the samples (checked on the whole column, after
# parsing): battery levels and counts ("device_batteryLevel", "battery_operation_count" of an
# iOS CoreMotion logger), counters and sequence numbers (integers that never decrease), and
# labels repeated on every row ("hand" = 1, "subject", "trial").
_BATTERY = re.compile(r"battery", re.I)
_COUNT_WORD = re.compile(r"count|seq|sample|index|packet|frame|number|(^|_)n$|num$", re.I)
# Names that say what a signal measures, or end in an axis ("x", "gyro_z", "accX", "roll"): a
# constant such column is a dead or saturated sensor axis, which is data, not a label.
_AXIS_END = re.compile(r"(?:^|[^A-Za-z])[XYZxyz]$|[a-z][XYZ]$|(?i:roll|pitch|yaw)$")


def _bookkeeping(header: str, col: np.ndarray) -> str | None:
    """Why a numeric column is bookkeeping rather than a signal, or None.

    Name and content together: a battery column (by name: no signal is called battery); a
    column named as a count or sequence whose values are integers that never decrease; a
    column without a physical unit whose every value is one integer and whose name says no
    signal kind and no axis (``hand``, ``trial``). A header unit other than a count's
    (``N``/``Z``/``#``) means a physical quantity, which is kept.
    """
    name, unit = split_name_unit(header)
    if _BATTERY.search(name):
        return "battery"
    if unit is not None and unit.strip() not in ("N", "Z", "#"):
        return None
    fin = col[np.isfinite(col)]
    if fin.size < 2 or not np.array_equal(fin, np.round(fin)):
        return None
    if _COUNT_WORD.search(name) and bool(np.all(np.diff(fin) >= 0)):
        return "counter"
    if bool(np.all(fin == fin[0])) and guess_kind(name, "AU") == "misc" \
            and not _AXIS_END.search(name):
        return "constant label"
    return None


def _fit_trailing_delimiter(headers: list[str], first_row: str, sep: str) -> list[str]:
    """Headers matched to the rows' fields when a delimiter ends the header or the rows only.

    iPhone exports end every line with the delimiter (``timestamp; x; y; z;``): an empty last
    header over empty cells, dropped later as an unnamed empty column. When only the header
    ends with it, its empty last field(s) name nothing and are removed; when only the rows do,
    an unnamed header is added over their empty last field.
    """
    cells = first_row.split(sep)
    out = list(headers)
    while len(out) > max(len(cells), 1) and out[-1] == "":
        out.pop()
    if len(cells) == len(out) + 1 and not cells[-1].strip():
        out.append("")
    return out


def sniff(p: Path) -> bool:
    if not p.is_file():
        return False
    text = head_text(p)
    if "\x00" in text:
        return False
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 2:
        return False
    lines = _field_layout_head(p, lines)
    if lines is None:
        return True  # a table whose rows the reader refuses, saying why
    sep = sniff_sep(lines[0])
    headers = [h.strip().strip('"') for h in lines[0].split(sep)]
    if len(headers) < 2:
        return False
    first = lines[1].split(sep)
    # the field count is checked by the reader, which can then say which row disagrees; text
    # columns (a date written out, a device name) are allowed beside a numeric time and signal.
    # Of several time columns the first numeric one is the reader's (a date-time column named
    # "timestamp" may come before "time_s")
    ti = numeric_time_column(headers, first)
    if len(first) < 2 or ti is None:
        return False
    return sum(is_number(c) for k, c in enumerate(first) if k != ti) >= 1


def numeric_time_column(headers: list[str], row: list[str]) -> int | None:
    """Index of the first candidate time column whose cell in ``row`` is a number, or None."""
    for i, _, _ in time_columns(headers):
        if i < len(row) and is_number(row[i]):
            return i
    return None


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


# ---------------------------------------------------------------------------- no header row
#: rows looked at to recognise a table of numbers without a header row
_HEADERLESS_PROBE_ROWS = 20
#: rows of a column that rises at every row for it to be taken for a clock
_CLOCK_MIN_ROWS = 10


def _number_cells(line: str, sep: str) -> list[str] | None:
    """The cells of a row when every one is a number (a delimiter ending the row is allowed)."""
    cells = line.split(sep)
    if len(cells) > 1 and not cells[-1].strip():
        cells = cells[:-1]
    return cells if cells and all(is_number(c) for c in cells) else None


def headerless_sep(line: str) -> str:
    """The separator of a row of numbers: ``,``, ``;`` or tab as :func:`sniff_sep` says, or
    ``" "`` for numbers separated by spaces alone (Daphnet, MATLAB ``save -ascii``)."""
    if not any(c in line for c in ",;\t") and len(line.split()) > 1:
        return " "
    return sniff_sep(line)


def _spaced(lines: list[str]) -> list[str]:
    """Rows of numbers separated by runs of spaces, with one comma between the cells."""
    return [",".join(ln.split()) for ln in lines]


def sniff_headerless(p: Path) -> bool:
    """A text table of numbers without a header row: the same number of numeric cells in each
    of its first rows. Tried only when no reader recognises the file (the registry's
    fallback), so that specific headerless formats (CloudUPDRS) keep their readers."""
    if not p.is_file():
        return False
    raw = read_head(p)
    if b"\x00" in raw:
        return False
    lines = [ln for ln in raw.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()
             if ln.strip()]
    if len(raw) == _HEAD_BYTES and len(lines) > 1:
        lines = lines[:-1]  # cut by the read
    lines = lines[:_HEADERLESS_PROBE_ROWS]
    if len(lines) < 2:
        return False
    sep = headerless_sep(lines[0])
    if sep == " ":
        lines, sep = _spaced(lines), ","
    rows = [_number_cells(ln, sep) for ln in lines]
    if all(r is not None and len(r) == len(rows[0]) for r in rows):
        return True
    # a header that names no time column over rows of numbers (HuGaDB), read with fs=
    return find_untimed_header(lines) is not None


def _clock_column(mat: np.ndarray) -> tuple[int, float] | None:
    """The first column that rises at every row, like a clock, and its median step."""
    if mat.shape[0] < _CLOCK_MIN_ROWS:
        return None
    for j in range(mat.shape[1]):
        d = np.diff(mat[:, j])
        if np.isfinite(d).all() and bool((d > 0).all()):
            return j, float(np.median(d))
    return None


#: time units a leading clock column may be in, by its step x fs (s, ms, us, ns)
_CLOCK_UNITS = ((1.0, "s"), (1e3, "ms"), (1e6, "us"), (1e9, "ns"))
#: how far the clock's mean step x fs may be from one of those (integer-ms clocks at 64 Hz
#: step 15 or 16 ms; a 400 Hz one 2 or 3 ms; their mean is exact)
_CLOCK_UNIT_RTOL = 0.05


def _mean_step(t_raw: np.ndarray) -> float:
    """Mean step of a clock column, gaps (steps over twice the median) left out: exact for
    integer-ms clocks whose steps alternate (15/16 ms at 64 Hz), unlike the median."""
    d = np.diff(t_raw)
    return float(np.mean(d[d <= 2 * np.median(d)]))


def _clock_unit(t_raw: np.ndarray, fs: float) -> tuple[float, str, float] | None:
    """Factor to seconds and name of the unit of a clock column read at ``fs`` Hz, and its
    mean step times ``fs``; None when that product is not near 1, 1e3, 1e6 or 1e9. The mean
    step leaves out gaps (steps over twice the median)."""
    ratio = _mean_step(t_raw) * fs
    for per_s, unit in _CLOCK_UNITS:
        if abs(ratio / per_s - 1.0) <= _CLOCK_UNIT_RTOL:
            return 1.0 / per_s, unit, ratio
    return None


def _read_headerless(path: Path, lines: list[str], opts: dict[str, Any]) -> list[Recording]:
    """A table of numbers without a header row, read at the rate ``fs`` the user gives.

    The columns become channels ``ch1``..``chN`` with the units of ``units=`` (one unit for
    all, or ``{"ch1": "deg/s"}``). Without ``fs`` the error says which options to pass. A
    first column that rises at every row is a clock: with ``fs`` given, its unit is the one
    that makes its steps 1/fs (s, ms, us or ns), it is read as the time (with a warning
    saying so) and the other columns are channels ``ch2``..``chN``; without ``fs`` the error
    says the rate its steps imply. A clock in another column is refused: name it in a header.
    """
    sep = headerless_sep(lines[0])
    if sep == " ":
        lines, sep = _spaced(lines), ","
    n_raw = len(lines[0].split(sep))
    lines, footer, cut = trim_tail(lines, sep, first_row=1)
    _note_tail(path, footer, cut)
    mat = parse_table(lines, sep, path=path, first_row=1, n_fields=n_raw)
    if n_raw > 1 and not np.isfinite(mat[:, -1]).any():
        mat = mat[:, :-1]  # every row ends with the delimiter: not a column
    n = mat.shape[1]
    names = [f"ch{j + 1}" for j in range(n)]
    clock = _clock_column(mat)
    what = (f"{path}: a table of numbers without a header row ({n} column(s), {mat.shape[0]} "
            "rows), so clonus cannot tell which column is time or in what units.")
    if clock is not None and clock[0] == 0 and n > 1:
        return _read_headerless_clock(path, mat, opts, what)
    if clock is not None:
        j, step = clock
        _, unit = judge_time_scale(mat[:, j])
        raise FileFormatError(
            f"{what} Column {j + 1} rises at every row (median step {step:.6g}, like a clock in "
            f"{unit}): it looks like a time column, which fs= would read as a signal. Give the "
            "file a header row naming the columns, e.g. 'time_ms,acc_x (g),acc_y (g),acc_z (g)' "
            "(the time column's name or unit says its unit: time_s, time_ms, time_ns), in a copy "
            "of the file; the sampling rate then comes from the timestamps.")
    if opts.get("fs") is None:
        raise FileFormatError(
            f"{what} If the rows are evenly sampled, pass the sampling rate and the units: "
            "clonus.read(path, fs=HZ, units='deg/s') (one unit for every column, or "
            "units={'ch1': 'deg/s', ...}; CLI: -r fs=HZ --units deg/s); the "
            f"columns are read as channels {', '.join(names[:3])}{'...' if n > 3 else ''}. Or "
            "give the file a header row with a time column, e.g. 'time_s,gyro_x (rad/s),...'.")
    fs = check_fs(opts["fs"])
    chans, scales = _unit_channels(names, opts, path)
    data = mat.T * np.asarray(scales)[:, None]
    data, _, md_nan = handle_nonfinite(data, names, path=path, nan_policy=opts["nan_policy"],
                                       first_row=1)
    md = {**md_nan, "header_row": False, "fs_source": "fs option"}
    if footer:
        md["footer_lines"] = len(footer)
        if opts.get("anonymize"):
            md["anonymized"] = True
        else:
            md["csv_identity"] = {"footer": footer}
    if cut is not None:
        md["truncated_last_row"] = cut[0]
    return [make_recording(data, fs, chans, path=path, fmt="csv", metadata=md)]


def _unit_channels(names: list[str], opts: dict[str, Any], path: Path
                   ) -> tuple[list, list[float]]:
    """Channels ``ch…`` of a table without units in its header, from ``units=``: the channels
    and the factor (to SI) of each."""
    check_unit_overrides(opts["units"], names, path)
    chans, scales = [], []
    for name in names:
        ch, sc = unit_channel(name, None, units=opts["units"], source=str(path))
        chans.append(ch)
        scales.append(sc)
    return chans, scales


def _read_headerless_clock(path: Path, mat: np.ndarray, opts: dict[str, Any], what: str
                           ) -> list[Recording]:
    """A table of numbers whose first column is a clock (see :func:`_read_headerless`)."""
    n = mat.shape[1]
    step = _mean_step(mat[:, 0])
    names = [f"ch{j + 1}" for j in range(1, n)]
    span = f"ch2..ch{n}" if n > 2 else "ch2"
    fs_opt = opts.get("fs")
    if fs_opt is None:
        scale, unit = judge_time_scale(mat[:, 0])
        implied = float(f"{1.0 / (step * scale):.4g}")
        raise FileFormatError(
            f"{what} Column 1 rises at every row (mean step {step:.6g}, like a clock in "
            f"{unit}: {implied:.6g} Hz). If it is the time, pass the sampling rate and the units "
            f"of the other columns: clonus.read(path, fs={implied:.6g}, units='g') (one unit "
            f"for every column, or units={{'ch2': 'g', ...}}; CLI: -r fs={implied:.6g} --units "
            f"g): column 1 is then read as the time, in the unit that makes its steps 1/fs, and "
            f"columns 2-{n} as channels {span}. Or give the file a header row naming the "
            "columns, e.g. 'time_ms,acc_x (g),acc_y (g),acc_z (g)'.")
    fs = check_fs(fs_opt)
    hit = _clock_unit(mat[:, 0], fs)
    if hit is None:
        raise FileFormatError(
            f"{what} Column 1 rises at every row like a clock (mean step {step:.6g}), but "
            f"with fs={fs:g} Hz its steps are in no unit of time (s, ms, us, ns): check fs= "
            f"(its steps say {1.0 / step:.6g} Hz if in s, {1e3 / step:.6g} Hz if in ms), or "
            "give the file a header row naming the columns, e.g. 'time_ms,acc_x (g),...'.")
    scale, unit, _ = hit
    warnings.warn(
        f"{path}: column 1 rises at every row with steps of {step:.6g} = 1/fs in {unit}: it is "
        f"read as the time in {unit} (not as a signal), and columns 2-{n} as channels {span}. "
        "Give the file a header row (e.g. 'time_ms,acc_x (g),...') to say so yourself.",
        ClonusWarning, stacklevel=4)
    chans, scales = _unit_channels(names, opts, path)
    data = mat[:, 1:].T * np.asarray(scales)[:, None]
    t = mat[:, 0] * scale
    data, t2, md_nan = handle_nonfinite(data, names, path=path, nan_policy=opts["nan_policy"],
                                        timestamps=t, first_row=1)
    assert t2 is not None
    t2, data, md_ts = clean_timestamps(t2, data, path=path, first_row=1)
    data, fs_out, md_u = uniform_from_timestamps(t2, data, path=path)
    md = {**md_nan, **md_ts, **md_u, "header_row": False, "time_column": "column 1",
          "time_unit_judged": unit, "fs_source": "time column (its unit from fs option)",
          "fs_option_hz": fs, "time_offset_s": float(t2[0])}
    return [make_recording(data, fs_out, chans, path=path, fmt="csv", metadata=md)]


def _field_layout_head(p: Path, lines: list[str]) -> list[str] | None:
    """The first lines of a file brought to the reader's layout (a preamble, a units row,
    decimal commas, date-times undone: see _tables.py), for the sniffer; None when they are a
    table the reader will refuse with a reason (mixed decimal marks...)."""
    if len(lines) > 4:
        lines = lines[:-1]  # the head may end inside a line
    try:
        return normalise_table(p, lines).lines
    except FileFormatError:
        return None


# ---------------------------------------------------------------------------- reader
def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, "csv", options, allowed=("fs", "anonymize", "channels"))
    with open(path, "rb") as fh:
        raw = fh.read()
    if b"\x00" in raw:
        raise FileFormatError(f"{path}: contains NUL bytes, so it is not a text CSV (or it is "
                              "corrupt). Export it again.")
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = data_lines(text)
    if lines and find_header(lines) is None:
        sep = headerless_sep(lines[0])
        first = ",".join(lines[0].split()) if sep == " " else lines[0]
        if _number_cells(first, "," if sep == " " else sep) is not None:
            return _read_headerless(path, lines, opts)
    return read_table_lines(path, lines, opts)


def read_table_lines(path: Path, lines: list[str], opts: dict[str, Any], *,
                     fmt: str = "csv", sep: str | None = None) -> list[Recording]:
    """Read a table's text lines (a CSV file's, or an Excel sheet's from _xlsx.py) with
    options ``opts`` already checked; ``path`` names it in messages, ``sep`` is the column
    separator (default: sniffed from the header)."""
    layout = normalise_table(path, lines, sep=sep)
    headers = _headers(layout)
    untimed = False
    if headers is None or time_column(headers) is None:
        alt = untimed_table(lines, sep=sep)
        if alt is not None and opts.get("fs") is not None:
            layout, headers, untimed = alt, _headers(alt), True
        elif alt is not None:
            names = _headers(alt) or []
            raise FileFormatError(
                f"{path}: the header {names[:6]}{'...' if len(names) > 6 else ''} names no time "
                f"column, so the sampling rate is not known.{_export_hint(path)} If the rows "
                "are evenly sampled, pass it: clonus.read(path, fs=HZ) (CLI: -r fs=HZ), with "
                "units= for columns whose headers have none (e.g. units='g', or "
                "units={'acc_x': 'g'}). Or add a time column such as 'time_s' (seconds) or "
                "'time (ms)'.")
    lines = layout.lines
    first = layout.first_row  # file line number of the first data row
    _note_tail(path, layout.footer, layout.truncated_row)
    if len(lines) < 3 or headers is None:
        raise FileFormatError(f"{path}: a header and at least 2 data rows are needed, found "
                              f"{max(0, len(lines) - 1)} data row(s).")
    sep = layout.sep
    if not untimed and time_column(headers) is None:
        raise FileFormatError(
            f"{path}: no time column in the header {headers[:6]}. Name one 'time_s' (seconds) or "
            "'time (ms)', and put units in the other headers, e.g. 'gyro_x (rad/s)'."
        )
    ti: int | None = None
    tscale, judged = 1.0, False
    if untimed:
        md_time: dict[str, Any] = {"fs_source": "fs option"}
    else:
        ti, tscale, judged = _choose_time(path, lines, sep, headers)
        if opts.get("fs") is not None:
            raise InvalidParameterError(
                f"{path}: fs= is for tables without timestamps, but this file has the time "
                f"column {headers[ti]!r}, from which the sampling rate is measured. Read it "
                "without fs=.")
        md_time = {"time_column": headers[ti]}
    head_rows = [[c.strip().strip('"') for c in ln.split(sep)] for ln in lines[1:6] if ln.strip()]
    other_clocks = {i for i, _, _ in time_columns(headers)}
    why: dict[int, str] = {}  # skipped column -> reason
    for i, h in enumerate(headers):
        cells = [r[i] for r in head_rows if i < len(r)]
        if i == ti:
            continue
        if cells and all(is_datetime(c) for c in cells):
            # clock times beside the numeric time column: bookkeeping, not the time base
            why[i] = "date-time"
        elif i in other_clocks:
            why[i] = "other clock"
        elif h == "" and not any(c.strip() for c in cells):
            why[i] = "empty"  # a delimiter's artefact, if empty in every row (checked below)
        elif (reason := _skipped_column(h, cells)) is not None:
            why[i] = reason
    unselected = _unselected(path, headers, ti, why, opts.get("channels"))
    why.update(unselected)
    body = lines[1:]
    if why:
        rows = split_rows(body, sep, path=path, first_row=first, n_fields=len(headers))
        for i in [i for i, r in why.items() if r == "empty"]:
            if any(r[i] for r in rows):
                del why[i]  # numbers further down: an unnamed column of data
        keep_idx = [i for i in range(len(headers)) if i not in why]
        body = [sep.join(r[i] for i in keep_idx) for r in rows]
    else:
        keep_idx = list(range(len(headers)))
    mat = parse_table(body, sep, path=path, first_row=first, n_fields=len(keep_idx),
                      column_numbers=[i + 1 for i in keep_idx])
    ti_k = None if ti is None else keep_idx.index(ti)
    for k, i in enumerate(keep_idx):
        if k != ti_k and (reason := _bookkeeping(headers[i], mat[:, k])) is not None:
            why[i] = reason
    if unselected:
        _check_selected(path, headers, ti, why, opts["channels"])
    cols = [k for k, i in enumerate(keep_idx) if k != ti_k and i not in why]
    if judged:
        tscale, md_judged = _judged_time_scale(path, md_time["time_column"], mat[:, ti_k])
        md_time.update(md_judged)
    t = None if ti_k is None else mat[:, ti_k] * tscale
    skipped = [i for i in sorted(why) if why[i] not in ("empty", _UNSELECTED)]
    md_skip: dict[str, Any] = {}
    if skipped:
        md_skip["skipped_columns"] = [headers[i] for i in skipped]
        md_skip["skipped_column_reasons"] = {headers[i]: why[i] for i in skipped}
    n_empty = sum(r == "empty" for r in why.values())
    if n_empty:
        md_skip["empty_unnamed_columns"] = n_empty
    if not cols:
        raise FileFormatError(
            f"{path}: no numeric signal column besides the time column (columns skipped: "
            f"{md_skip.get('skipped_column_reasons', {})}). Export the sensor values as numbers."
        )
    names = [_column_name(headers, keep_idx[k]) for k in cols]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise FileFormatError(f"{path}: duplicate column names {dup}. Rename them.")
    cols, names, md_empty = _empty_channels(path, mat, cols, names)
    check_unit_overrides(opts["units"], names + [_column_name(headers, i) for i in unselected],
                         path)
    coremotion = column_units([n for k, n in zip(cols, names, strict=True)
                               if split_name_unit(headers[keep_idx[k]])[1] is None])
    chans, scales = [], []
    for k, name in zip(cols, names, strict=True):
        _, unit = split_name_unit(headers[keep_idx[k]])
        if unit is None:
            # "theta_rad", "gyro_x_dps", "emg_uV": a unit at the end of the name; CoreMotion's
            # documented units for its names ("rotationRate_x" rad/s, "userAccelerationX" g)
            unit = split_suffix_unit(name) or coremotion.get(name)
        elif unit.strip() == "G" and (_MAGNETIC.search(name) or _MAGNETIC.search(path.stem)):
            unit = "gauss"  # a magnetometer's G (Polar Sensor Logger "..._MAGN.txt": X [G])
        ch, sc = unit_channel(name, unit, units=opts["units"], source=str(path))
        chans.append(ch)
        scales.append(sc)
    data = mat[:, cols].T * np.asarray(scales)[:, None]
    data, t2, md_nan = handle_nonfinite(data, names, path=path, nan_policy=opts["nan_policy"],
                                        timestamps=t, first_row=first)
    if t2 is None:  # no time column: the rate the user gave
        fs = check_fs(opts["fs"])
        md_ts, md_u, t2 = {}, {}, np.zeros(1)
    else:
        t2, data, md_ts = clean_timestamps(t2, data, path=path, first_row=first)
        data, fs, md_u = uniform_from_timestamps(t2, data, path=path)
    md = {**md_nan, **md_ts, **md_u, **md_time, "time_offset_s": float(t2[0]), **md_skip,
          **md_empty}
    if coremotion:
        md["coremotion_units"] = True
    md.update(layout.metadata(anonymize=bool(opts.get("anonymize", False))))
    start = None if layout.start_time is None else \
        layout.start_time + timedelta(seconds=float(t2[0]))
    return [make_recording(data, fs, chans, path=path, fmt=fmt, start_time=start,
                           tz_is_local=layout.tz_is_local, metadata=md)]


def _export_hint(path: Path) -> str:
    """`` It is part of a ... export: read the folder`` when the file's folder is an export
    that a reader takes whole (a Bittium Faros folder's ``ACC.csv``), else ``""``."""
    from ._registry import detect_format

    folder = Path(str(path)).parent
    try:
        if sum(1 for _ in zip(range(201), folder.iterdir(), strict=False)) > 200:
            return ""  # a big folder is no single export; do not sniff it all

        fmt = detect_format(folder)
    except Exception:  # noqa: BLE001 - only a hint; the message stands without it
        return ""
    return (f" It is part of a {fmt} export, whose other files give the rates and units: "
            f"read the folder instead, clonus.read({str(folder)!r}).")


def _headers(layout: TableLayout) -> list[str] | None:
    """A table's header cells, matched to its rows' fields; None without data rows."""
    lines = layout.lines
    row = next((ln for ln in lines[1:] if ln.strip()), None)
    if not lines or row is None:
        return None
    headers = [h.strip().strip('"') for h in lines[0].split(layout.sep)]
    return _fit_trailing_delimiter(headers, row, layout.sep)


#: why[] reason of a column left unread because read(channels=) did not ask for it
_UNSELECTED = "not selected"


def _column_name(headers: list[str], i: int) -> str:
    """The channel name of column ``i``: its header without the unit, or ``ch<i+1>``."""
    return split_name_unit(headers[i])[0] or f"ch{i + 1}"


def _unselected(path: Path, headers: list[str], ti: int, why: dict[int, str], channels: Any
                ) -> dict[int, str]:
    """The columns that ``read(path, channels=[...])`` does not ask for, to be left unread
    (so that an empty or unparsable column the user does not want cannot refuse the file).

    Raises
    ------
    InvalidParameterError
        A name asked for is not a signal column of the file (as :func:`clonus.read` says
        after reading; said here before a column the user did not ask for can refuse the
        file). A column skipped as bookkeeping is named with its reason.
    """
    if not channels:
        return {}
    named = {_column_name(headers, i): i for i in range(len(headers))
             if i != ti and i not in why}
    missing = [c for c in channels if c not in named]
    if missing:
        skipped = {_column_name(headers, i): r for i, r in why.items()
                   if _column_name(headers, i) in missing}
        raise InvalidParameterError(
            f"{path}: no channel(s) {missing}. Available channels: {sorted(named)}."
            + (f" Skipped as not signals: {skipped}." if skipped else ""))
    return {i: _UNSELECTED for n, i in named.items() if n not in channels}


def _check_selected(path: Path, headers: list[str], ti: int, why: dict[int, str],
                    channels: list[str]) -> None:
    """Refuse channels asked for that turned out to be bookkeeping (a counter, a battery)."""
    skipped = {_column_name(headers, i): r for i, r in why.items()
               if r != _UNSELECTED and _column_name(headers, i) in channels}
    if skipped:
        available = sorted(_column_name(headers, i) for i in range(len(headers))
                           if i != ti and why.get(i, _UNSELECTED) == _UNSELECTED)
        raise InvalidParameterError(
            f"{path}: no channel(s) {sorted(skipped)}. Available channels: {available}. "
            f"Skipped as not signals: {skipped}.")


def _note_tail(path: Path, footer: list[str], cut: tuple[int, int, int] | None) -> None:
    """Log the footer lines dropped (their count only: they may name someone) and warn about
    a last row cut mid-write."""
    if footer:
        logger.info("%s: %d line(s) after the data without samples (a footer) dropped", path,
                    len(footer))
    if cut is not None:
        row, got, want = cut
        warnings.warn(
            f"{path}: the last row (row {row}) has {got} fields but the rows above have {want}: "
            "the logger stopped while writing it. That row was dropped "
            "(metadata['truncated_last_row']).", ClonusWarning, stacklevel=4)


def _empty_channels(path: Path, mat: np.ndarray, cols: list[int], names: list[str]
                    ) -> tuple[list[int], list[str], dict[str, Any]]:
    """Named columns without a single number are left out, with a warning naming them and
    ``metadata["empty_channels"]``: they hold no sample to lose, and phone apps export a
    column for every sensor they offer (AndroSensor's ``LOCATION Accuracy ( m)`` with the GPS
    off). Keeping them would refuse the file, or with ``nan_policy="omit"`` drop every row.
    A file in which no column besides the time holds a number is refused."""
    empty = [n for k, n in zip(cols, names, strict=True) if not np.isfinite(mat[:, k]).any()]
    if not empty:
        return cols, names, {}
    if len(empty) == len(names):
        raise FileFormatError(f"{path}: no column besides the time column holds a number "
                              f"({empty}); the export holds no samples. Export it again.")
    warnings.warn(f"{path}: column(s) {empty} hold no number in any row (every cell is empty "
                  "or NaN) and were left out.", ClonusWarning, stacklevel=3)
    keep = [(k, n) for k, n in zip(cols, names, strict=True) if n not in empty]
    return [k for k, _ in keep], [n for _, n in keep], {"empty_channels": empty}


register(Reader(
    name="csv",
    description="Generic CSV: a time column (time_s, 'time (ms)'...) and units in the headers, "
    "e.g. 'gyro_x (rad/s)'; a table of numbers without a header row with fs= (Hz)",
    extensions=(".csv", ".tsv", ".txt"),
    sniff=sniff,
    read_groups=read_groups,
    sniff_fallback=sniff_headerless,
    selects_channels=True,
))
