"""Physics Toolbox Sensor Suite CSV (Vieyra Software).

Layouts (``docs/formats.md`` §1.3, from third-party parsers; **unverified** on a licensed
export): per-sensor ``time,gFx,gFy,gFz,TgF`` (g-force, in g), ``time,ax,ay,az,aT`` (linear
acceleration, m/s^2), ``time,wx,wy,wz`` (gyroscope, rad/s), and a multi-sensor export with
``time,gFx,gFy,gFz,ax,ay,az,wx,wy,wz,p,Bx,By,Bz,...``. Separators ``,`` or ``;``; decimal commas
are accepted with ``;``. ``time`` is seconds, or a clock time such as
``2018-10-03 17:23:55.4640`` or ``17:23:55:464``.

Channels: ``gF*`` -> ``acc_x/y/z`` (kind acc, with gravity, converted from g); ``a*`` ->
``linacc_x/y/z``; ``w*`` -> ``gyro_x/y/z``. Magnitude columns (``TgF``, ``aT``, ``gFTotal``,
``atotal``) are derived and skipped; other sensors (pressure, magnetometer, light...) are
skipped and listed in ``metadata["skipped_columns"]``. Timestamps are irregular and are
resampled to a uniform grid.
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
    check_options,
    check_unit_overrides,
    clean_timestamps,
    data_lines,
    handle_nonfinite,
    head_text,
    make_recording,
    split_rows,
    to_float_matrix,
    uniform_from_timestamps,
    unit_channel,
)
from ._registry import Reader, register

FMT = "physics-toolbox"
_COLS = {
    "gfx": ("acc_x", "g"), "gfy": ("acc_y", "g"), "gfz": ("acc_z", "g"),
    "ax": ("linacc_x", "m/s^2"), "ay": ("linacc_y", "m/s^2"), "az": ("linacc_z", "m/s^2"),
    "wx": ("gyro_x", "rad/s"), "wy": ("gyro_y", "rad/s"), "wz": ("gyro_z", "rad/s"),
}
_CLOCK = re.compile(
    r"^(?:(?P<date>\d{4}-\d{2}-\d{2})[ T])?(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})"
    r"(?:[.:](?P<frac>\d+))?$")


def _sep(line: str) -> str:
    return ";" if line.count(";") > line.count(",") else ","


def _headers(line: str) -> list[str]:
    return [h.strip().strip('"') for h in line.split(_sep(line))]


def sniff(p: Path) -> bool:
    if not p.is_file():
        return False
    lines = head_text(p, 2048).splitlines()
    if not lines:
        return False
    hs = [h.lower() for h in _headers(lines[0])]
    if not hs or hs[0] != "time":
        return False
    return {"gfx", "gfy"} <= set(hs) or {"ax", "ay", "az"} <= set(hs) or {"wx", "wy"} <= set(hs)


def _parse_time(cells: list[str], path: Path, first_row: int) -> np.ndarray:
    try:
        return np.array([float(c.replace(",", ".")) for c in cells])
    except ValueError:
        pass
    out = np.empty(len(cells))
    base_day: int | None = None
    for i, c in enumerate(cells):
        m = _CLOCK.match(c.strip())
        if not m:
            raise FileFormatError(
                f"{path}: row {first_row + i}: time {c[:40]!r} is neither seconds nor a clock "
                "time like '17:23:55.464'. Fix or delete that row.")
        frac = m["frac"] or "0"
        sec = int(m["h"]) * 3600 + int(m["m"]) * 60 + int(m["s"]) + int(frac) / 10 ** len(frac)
        if m["date"]:
            day = datetime.strptime(m["date"], "%Y-%m-%d").toordinal()
            base_day = day if base_day is None else base_day
            sec += (day - base_day) * 86400.0  # relative to the first date: keeps precision
        out[i] = sec
    return out


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options)
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise FileFormatError(f"{path}: contains NUL bytes; it is corrupt or not a CSV export.")
    lines = data_lines(raw.decode("utf-8", errors="replace").lstrip("\ufeff"))
    if len(lines) < 3:
        raise FileFormatError(f"{path}: a header and at least 2 data rows are needed.")
    sep = _sep(lines[0])
    headers = _headers(lines[0])
    low = [h.lower() for h in headers]
    keep = [(i, *_COLS[h]) for i, h in enumerate(low) if h in _COLS]
    skipped = [headers[i] for i, h in enumerate(low) if i and h not in _COLS]
    if not keep:
        raise FileFormatError(f"{path}: no gFx/ax/wx columns; not a Physics Toolbox export.")
    rows = split_rows(lines[1:], sep, path=path, first_row=2, n_fields=len(headers),
                      strip_trailing_sep=len(lines[0].rstrip().split(sep)) != len(headers))
    t = _parse_time([r[0] for r in rows], path, 2)
    mat = to_float_matrix([[r[i] for i, _, _ in keep] for r in rows], path=path, first_row=2,
                          decimal_comma=sep == ";")
    names = [nm for _, nm, _ in keep]
    check_unit_overrides(opts["units"], names, path)
    chans, scales = [], []
    for _, nm, unit in keep:
        ch, sc = unit_channel(nm, unit, units=opts["units"], source=str(path))
        chans.append(ch)
        scales.append(sc)
    data = mat.T * np.asarray(scales)[:, None]
    data, t2, md_nan = handle_nonfinite(data, names, path=path, nan_policy=opts["nan_policy"],
                                        timestamps=t, first_row=2)
    t2, data, md_ts = clean_timestamps(t2, data, path=path, first_row=2)  # type: ignore[arg-type]
    data, fs, md_u = uniform_from_timestamps(t2, data, path=path)
    md = {**md_nan, **md_ts, **md_u}
    if skipped:
        md["skipped_columns"] = skipped
    return [make_recording(data, fs, chans, path=path, fmt=FMT, metadata=md)]


register(Reader(
    name=FMT,
    description="Physics Toolbox Sensor Suite CSV (time, gFx/gFy/gFz in g, ax/ay/az, wx/wy/wz)",
    extensions=(".csv",),
    sniff=sniff,
    read_groups=read_groups,
))
