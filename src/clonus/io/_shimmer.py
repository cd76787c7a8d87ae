"""Shimmer Consensys CSV export.

Layout (``docs/formats.md`` §2.2, checked on a real export)::

    "sep=;"
    Shimmer_40AC_Timestamp_Unix_CAL;Shimmer_40AC_Accel_LN_X_CAL;...;
    ms;m/(s^2);...;
    1.595933810034E12;-1.43;...;

The separator comes from the ``sep=`` line (``;`` if absent but the names row has ``;``);
every line may end with a trailing separator. Channel names drop the ``Shimmer_<id>_`` prefix
and the ``_CAL`` suffix (``Accel_LN_X``, ``Gyro_X``...). The ``Timestamp_Unix`` column (ms since
the Unix epoch, UTC) gives the start time and the rate; irregular timestamps are resampled
like the phone formats. Units without an SI conversion (``local_flux``, ``no_units``, ``kPa``,
``kOhms``, ``Degrees Celsius``...) give a :class:`UnitWarning` and are kept in ``"AU"``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
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
    make_recording,
    parse_table,
    uniform_from_timestamps,
    unit_channel,
)
from ._registry import Reader, register

FMT = "shimmer"
_PREFIX = re.compile(r"^Shimmer_[0-9A-Za-z]+_", re.I)


def sniff(p: Path) -> bool:
    if not p.is_file():
        return False
    lines = head_text(p, 2048).splitlines()
    body = [ln for ln in lines
            if ln.strip() and not ln.strip().strip('"').lower().startswith("sep=")]
    return bool(body) and body[0].strip().strip('"').startswith("Shimmer_")


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
    if len(lines) < k + 4:
        raise FileFormatError(f"{path}: a Shimmer CSV needs a names row, a units row and at least "
                              "2 data rows. The file is truncated; export it again.")
    names_line, units_line = lines[k], lines[k + 1]
    if sep is None:
        sep = ";" if names_line.count(";") >= names_line.count(",") else ","
    names = [_clean(c) for c in names_line.rstrip().rstrip(sep).split(sep)]
    units = [c.strip().strip('"') for c in units_line.rstrip().rstrip(sep).split(sep)]
    if len(units) != len(names):
        raise FileFormatError(f"{path}: the units row has {len(units)} entries but there are "
                              f"{len(names)} channel names. The header is corrupt; export the "
                              "file again.")
    ti = next((i for i, n in enumerate(names) if n.lower().startswith("timestamp")), None)
    if ti is None:
        raise FileFormatError(f"{path}: no Timestamp column (e.g. Shimmer_<id>_Timestamp_Unix_CAL)."
                              " Export with the timestamp channel enabled.")
    tinfo = parse_unit(units[ti])
    if tinfo is None or tinfo.si_unit != "s":
        raise FileFormatError(f"{path}: the timestamp unit is {units[ti]!r}; expected ms or s.")
    trailing = lines[k].rstrip().endswith(sep)
    mat = parse_table(lines[k + 2:], sep, path=path, first_row=k + 3, n_fields=len(names),
                      strip_trailing_sep=trailing)
    t = mat[:, ti] * tinfo.scale
    cols = [i for i in range(len(names)) if i != ti]
    if len({names[i] for i in cols}) != len(cols):
        raise FileFormatError(f"{path}: duplicate channel names after removing the Shimmer prefix.")
    check_unit_overrides(opts["units"], [names[i] for i in cols], path)
    chans, scales = [], []
    for i in cols:
        ch, sc = unit_channel(names[i], units[i], units=opts["units"], source=str(path))
        chans.append(ch)
        scales.append(sc)
    data = mat[:, cols].T * np.asarray(scales)[:, None]
    data, t2, md_nan = handle_nonfinite(data, [c.name for c in chans], path=path,
                                        nan_policy=opts["nan_policy"], timestamps=t,
                                        first_row=k + 3)
    t2, data, md_ts = clean_timestamps(t2, data, path=path, first_row=k + 3)  # type: ignore[arg-type]
    data, fs, md_u = uniform_from_timestamps(t2, data, path=path)
    start = None
    if tinfo.scale == 1e-3 and 1e8 < t2[0] < 1e11:  # Unix time in seconds after ms conversion
        start = datetime.fromtimestamp(float(t2[0]), tz=UTC)
    md = {**md_nan, **md_ts, **md_u}
    m = _PREFIX.match(names_line.strip().strip('"'))
    if m:
        md["device"] = m.group(0).strip("_")
    return [make_recording(data, fs, chans, path=path, fmt=FMT, start_time=start,
                           tz_is_local=False, metadata=md)]


register(Reader(
    name=FMT,
    description="Shimmer Consensys CSV ('sep=;' line, names row, units row; Unix-ms timestamps)",
    extensions=(".csv",),
    sniff=sniff,
    read_groups=read_groups,
))
