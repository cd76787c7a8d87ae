"""Empatica E4 session folder (or zip, or one of its CSV files).

Layout (``docs/formats.md`` §2.3, checked on a real export): ``ACC.csv``, ``BVP.csv``,
``EDA.csv``, ``TEMP.csv``, ``HR.csv`` each start with a row holding the session start (Unix
time, UTC, once per column) and a row holding the rate in Hz, then samples. ``IBI.csv`` and
``tags.csv`` are event lists and go to ``metadata`` (``ibi`` as ``[onset_s, ibi_s]`` pairs,
``tags_unix_s``).

Units: ACC in 1/64 g (range ±2 g) -> m/s^2; EDA in µS -> S; TEMP in °C (``degC``); HR in
beats/min -> Hz; BVP is a unitless photoplethysmogram (``"AU"``, no warning: that is its
documented unit). Signals are grouped by (rate, start time, length); e.g. EDA and TEMP share
4 Hz but not their length, so they are separate groups.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import FileFormatError
from ..model import Channel, Recording
from ..units import G0
from ._common import (
    Container,
    check_options,
    check_unit_overrides,
    data_lines,
    handle_nonfinite,
    head_text,
    is_zip,
    make_recording,
    parse_float,
    parse_table,
    resolve_unit,
    split_rows,
    to_float_matrix,
)
from ._registry import Reader, register

FMT = "empatica"

#: file stem -> (channel names, kind, SI unit, scale to SI, original unit)
_SIGNALS: dict[str, tuple[tuple[str, ...], str, str, float, str]] = {
    "ACC": (("acc_x", "acc_y", "acc_z"), "acc", "m/s^2", G0 / 64.0, "1/64 g"),
    "BVP": (("bvp",), "misc", "AU", 1.0, "AU"),
    "EDA": (("eda",), "misc", "S", 1e-6, "uS"),
    "TEMP": (("temp",), "misc", "degC", 1.0, "degC"),
    "HR": (("hr",), "misc", "Hz", 1.0 / 60.0, "bpm"),
}


def _looks_like_signal(text: str) -> bool:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 2:
        return False
    try:
        t0 = float(lines[0].split(",")[0])
        fs = float(lines[1].split(",")[0])
    except ValueError:
        return False
    return 1e8 < t0 < 1e11 and 0 < fs <= 10000


def sniff(p: Path) -> bool:
    if p.is_dir() or is_zip(p):
        with Container(p) as c:
            hits = [n for n in c.names if Path(n).stem.upper() in _SIGNALS and
                    n.lower().endswith(".csv")]
            if not hits:
                return False
            # a session folder (info.txt or several E4 files) is claimed even when a file is
            # damaged, so that the reader can say which one and why
            if c.find("info.txt") is not None or len(hits) >= 3:
                return True
            return all(_looks_like_signal(c.head(n, 256)) for n in hits[:2])
    if not p.is_file() or p.stem.upper() not in _SIGNALS:
        return False
    return _looks_like_signal(head_text(p, 256))


def _read_signal(text: str, label: str, stem: str) -> tuple[float, float, np.ndarray]:
    lines = data_lines(text)
    if len(lines) < 3:
        raise FileFormatError(f"{label}: needs a start-time row, a rate row and samples; found "
                              f"{len(lines)} line(s). The file is truncated; export it again.")
    names = _SIGNALS[stem][0]
    t0 = parse_float(lines[0].split(",")[0], what="the start time (row 1)", path=label)
    fs = parse_float(lines[1].split(",")[0], what="the sample rate (row 2)", path=label)
    if not (1e8 < t0 < 1e11):
        raise FileFormatError(f"{label}: row 1 should be the session start as Unix time, got "
                              f"{t0!r}. The header is corrupt; export the file again.")
    if not (0 < fs <= 10000 and np.isfinite(fs)):
        raise FileFormatError(f"{label}: row 2 should be the sample rate in Hz, got {fs!r}.")
    mat = parse_table(lines[2:], ",", path=label, first_row=3, n_fields=len(names))
    return t0, fs, mat.T


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options)
    items: list[tuple[float, float, np.ndarray, list[Channel], str]] = []
    md_events: dict[str, Any] = {}
    with Container(path) as c:
        members = [n for n in c.names if n.lower().endswith(".csv")]
        all_names = [nm for n in members if Path(n).stem.upper() in _SIGNALS
                     for nm in _SIGNALS[Path(n).stem.upper()][0]]
        check_unit_overrides(opts["units"], all_names, path)
        for m in members:
            stem = Path(m).stem.upper()
            label = c.label(m)
            if stem in _SIGNALS:
                t0, fs, data = _read_signal(c.read_text(m), label, stem)
                names, kind, si, scale, orig = _SIGNALS[stem]
                chans = []
                scales = []
                for nm in names:
                    if opts["units"] is not None and (isinstance(opts["units"], str) or
                                                      nm in opts["units"]):
                        si2, sc2, orig2 = resolve_unit(nm, None, units=opts["units"], source=label)
                        chans.append(Channel(nm, kind, si2, orig2))
                        scales.append(sc2)
                    else:
                        chans.append(Channel(nm, kind, si, orig))
                        scales.append(scale)
                data = data * np.asarray(scales)[:, None]
                data, _, md_nan = handle_nonfinite(data, list(names), path=label,
                                                   nan_policy=opts["nan_policy"], first_row=3)
                items.append((t0, fs, data, chans, m))
                if md_nan:
                    md_events[f"{stem}:nonfinite"] = md_nan
            elif stem == "IBI":
                lines = data_lines(c.read_text(m))
                if len(lines) > 1:
                    rows = split_rows(lines[1:], ",", path=label, first_row=2, n_fields=2)
                    md_events["ibi"] = to_float_matrix(rows, path=label, first_row=2).tolist()
            elif stem == "TAGS":
                lines = data_lines(c.read_text(m))
                md_events["tags_unix_s"] = [parse_float(x, what="a tag time", path=label)
                                            for x in lines if x.strip()]
    if not items:
        raise FileFormatError(f"{path}: no Empatica signal file (ACC.csv, BVP.csv, EDA.csv, "
                              "TEMP.csv, HR.csv) found.")
    groups: dict[tuple[float, float, int], list[int]] = {}
    for i, (t0, fs, data, _, _) in enumerate(items):
        groups.setdefault((fs, t0, data.shape[1]), []).append(i)
    out = []
    for (fs, t0, _), idx in groups.items():
        data = np.vstack([items[i][2] for i in idx])
        chans = [ch for i in idx for ch in items[i][3]]
        md = {"files": [items[i][4] for i in idx], **md_events}
        out.append(make_recording(data, fs, chans, path=path, fmt=FMT,
                                  start_time=datetime.fromtimestamp(t0, tz=UTC),
                                  tz_is_local=False, metadata=md))
    out.sort(key=lambda r: -r.fs)
    return out


register(Reader(
    name=FMT,
    description="Empatica E4 session folder or zip (ACC, BVP, EDA, TEMP, HR CSVs; grouped by rate)",
    extensions=(".zip", ".csv"),
    sniff=sniff,
    read_groups=read_groups,
))
