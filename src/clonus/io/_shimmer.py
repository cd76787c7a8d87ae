"""Shimmer Consensys CSV export.

Layout (``docs/formats.md`` §2.2, checked on a real export)::

    "sep=;"
    Shimmer_40AC_Timestamp_Unix_CAL;Shimmer_40AC_Accel_LN_X_CAL;...;
    ms;m/(s^2);...;
    1.595933810034E12;-1.43;...;

The separator comes from the ``sep=`` line (else the most frequent of ``;``, ``,`` and tab in
the names row); every line may end with a trailing separator. Exports seen in the wild also
come without the ``sep=`` line, without the units row and/or without the ``Shimmer_<id>_``
prefix (``Timestamp_Unix_CAL,Accel_WR_X_CAL,...,Gyro_X_CAL``): a names row with a
``Timestamp..._CAL`` column and other ``_CAL``/``_RAW`` columns is read as Shimmer. Without a
units row, Shimmer's calibrated units are assumed, with a :class:`ClonusWarning` and
``metadata["units_assumed"]``: timestamps ms, ``Accel`` m/s^2, ``Gyro`` deg/s, ``Mag``
local flux (AU), ExG/EMG/ECG mV, other columns AU; ``units=`` overrides them. When both
calibrated and raw columns are exported, the raw ones are kept as ``<name>_raw`` (``misc``,
AU). Channel names drop the ``Shimmer_<id>_`` prefix
and the ``_CAL`` suffix (``Accel_LN_X``, ``Gyro_X``...). The ``Timestamp_Unix`` column (ms since
the Unix epoch, UTC) gives the start time and the rate; irregular timestamps are resampled
like the phone formats. Units without an SI conversion (``local_flux``, ``no_units``, ``kPa``,
``kOhms``, ``Degrees Celsius``...) give a :class:`UnitWarning` and are kept in ``"AU"``.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import ClonusWarning, FileFormatError
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
    uniform_from_timestamps,
    unit_channel,
)
from ._registry import Reader, register

FMT = "shimmer"
_PREFIX = re.compile(r"^Shimmer_[0-9A-Za-z]+_", re.I)


_TS = re.compile(r"^(Shimmer_[0-9A-Za-z]+_)?Timestamp(_Unix)?_(CAL|RAW)$", re.I)
_CALRAW = re.compile(r"_(CAL|RAW)$", re.I)


def _tokens(line: str, sep: str) -> list[str]:
    return [c.strip().strip('"') for c in line.rstrip().rstrip(sep).split(sep)]


def sniff(p: Path) -> bool:
    if not p.is_file():
        return False
    lines = head_text(p, 2048).splitlines()
    body = [ln for ln in lines
            if ln.strip() and not ln.strip().strip('"').lower().startswith("sep=")]
    if not body:
        return False
    first = body[0].strip().strip('"')
    if first.startswith("Shimmer_"):
        return True
    toks = _tokens(body[0], sniff_sep(body[0]))
    return any(_TS.match(t) for t in toks) and sum(bool(_CALRAW.search(t)) for t in toks) >= 2


def _assumed_unit(name: str) -> str | None:
    """Shimmer's calibrated unit for a column without a units row (Consensys defaults)."""
    low = name.lower()
    if low.startswith("timestamp"):
        return "ms"
    if low.startswith(("accel", "acc_")):
        return "m/(s^2)"
    if low.startswith("gyro"):
        return "deg/s"
    if low.startswith(("exg", "emg", "ecg")):
        return "mV"
    return None


def _clean(name: str) -> str:
    n = _PREFIX.sub("", name.strip().strip('"'))
    return re.sub(r"_(CAL|RAW)$", "", n)


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options)
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise FileFormatError(f"{path}: contains NUL bytes; it is corrupt or not a Shimmer CSV.")
    lines = data_lines(raw.decode("utf-8", errors="replace").lstrip("\ufeff"))
    k = 0
    sep = None
    if lines and lines[0].strip().strip('"').lower().startswith("sep="):
        sep = lines[0].strip().strip('"')[4:] or ";"
        k = 1
    if len(lines) < k + 3:
        raise FileFormatError(f"{path}: a Shimmer CSV needs a names row and at least 2 data "
                              "rows. The file is truncated; export it again.")
    names_line = lines[k]
    if sep is None:
        sep = sniff_sep(names_line)
    raw_names = _tokens(names_line, sep)
    has_units = not all(is_number(c) for c in _tokens(lines[k + 1], sep) if c)
    if has_units and len(lines) < k + 4:
        raise FileFormatError(f"{path}: a Shimmer CSV needs a names row, a units row and at least "
                              "2 data rows. The file is truncated; export it again.")
    cal = {_clean(c) for c in raw_names if re.search(r"_CAL$", c, re.I)}
    names = [_clean(c) + ("_raw" if re.search(r"_RAW$", c, re.I) and _clean(c) in cal else "")
             for c in raw_names]
    md_assumed: dict[str, str] = {}
    if has_units:
        units = _tokens(lines[k + 1], sep)
        if len(units) != len(names):
            raise FileFormatError(f"{path}: the units row has {len(units)} entries but there "
                                  f"are {len(names)} channel names. The header is corrupt; export "
                                  "the file again.")
    else:
        units = []
        for c, n in zip(raw_names, names, strict=True):
            u = None if re.search(r"_RAW$", c, re.I) else _assumed_unit(n)
            units.append(u or "")
            if u:
                md_assumed[n] = u
        warnings.warn(f"{path}: no units row; Shimmer's calibrated units assumed "
                      f"({', '.join(f'{n} {u}' for n, u in list(md_assumed.items())[:6])}). "
                      "Pass units={name: unit} if the export used others.", ClonusWarning,
                      stacklevel=4)
    first_data = k + (2 if has_units else 1)
    stamps = [i for i, n in enumerate(names) if n.lower().startswith("timestamp")]
    ti = min(stamps, key=lambda i: (names[i].endswith("_raw"), "unix" not in names[i].lower()),
             default=None)
    if ti is None:
        raise FileFormatError(f"{path}: no Timestamp column (e.g. Shimmer_<id>_Timestamp_Unix_CAL)."
                              " Export with the timestamp channel enabled.")
    tinfo = parse_unit(units[ti])
    if tinfo is None or tinfo.si_unit != "s":
        what = (f"the timestamp unit is {units[ti]!r}; expected ms or s." if units[ti] else
                f"the timestamp column {raw_names[ti]!r} has no unit (raw clock ticks?) and "
                "there is no units row. Export the calibrated timestamp (Timestamp_Unix_CAL), "
                "or pass units={'" + names[ti] + "': 'ms'}.")
        raise FileFormatError(f"{path}: {what}")
    trailing = lines[k].rstrip().endswith(sep)
    mat = parse_table(lines[first_data:], sep, path=path, first_row=first_data + 1,
                      n_fields=len(names), strip_trailing_sep=trailing)
    t = mat[:, ti] * tinfo.scale
    cols = [i for i in range(len(names)) if i != ti]
    if len({names[i] for i in cols}) != len(cols):
        raise FileFormatError(f"{path}: duplicate channel names after removing the Shimmer prefix.")
    check_unit_overrides(opts["units"], [names[i] for i in cols], path)
    chans, scales = [], []
    for i in cols:
        raw_col = names[i].endswith("_raw")  # raw counts beside the calibrated column
        ch, sc = unit_channel(names[i], "AU" if raw_col else (units[i] or None),
                              units=opts["units"], source=str(path),
                              kind="misc" if raw_col else None)
        chans.append(ch)
        scales.append(sc)
    data = mat[:, cols].T * np.asarray(scales)[:, None]
    data, t2, md_nan = handle_nonfinite(data, [c.name for c in chans], path=path,
                                        nan_policy=opts["nan_policy"], timestamps=t,
                                        first_row=first_data + 1)
    t2, data, md_ts = clean_timestamps(t2, data, path=path, first_row=first_data + 1)  # type: ignore[arg-type]
    data, fs, md_u = uniform_from_timestamps(t2, data, path=path)
    start = None
    if tinfo.scale == 1e-3 and 1e8 < t2[0] < 1e11:  # Unix time in seconds after ms conversion
        start = datetime.fromtimestamp(float(t2[0]), tz=UTC)
    md = {**md_nan, **md_ts, **md_u}
    if md_assumed:
        md["units_assumed"] = md_assumed
    m = _PREFIX.match(names_line.strip().strip('"'))
    if m:
        md["device"] = m.group(0).strip("_")
    return [make_recording(data, fs, chans, path=path, fmt=FMT, start_time=start,
                           tz_is_local=False, metadata=md)]


register(Reader(
    name=FMT,
    description="Shimmer Consensys CSV (names row, units row if any; Unix-ms timestamps)",
    extensions=(".csv",),
    sniff=sniff,
    read_groups=read_groups,
))
