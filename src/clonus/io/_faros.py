"""Bittium Faros CSV export folder: ``meta.json`` plus one CSV per signal.

Layout (``docs/formats.md`` §2.5, checked on a real export): ``meta.json`` holds
``start_time`` (``"YYYY-MM-DD hh:mm:ss"``, local time of the device), ``sample_freqs`` per
signal and ``units`` (ECG uV, ACC mg, HRV ms); ``ECG.csv`` (column ``ECG``), ``ACC.csv``
(``X,Y,Z``), ``HRV.csv``, ``Marker.csv``. Signals are grouped by rate (the Faros EDF of the
same session is read by the EDF reader). A signal without a unit in ``meta.json`` gives a
:class:`UnitWarning` (``"AU"``).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import FileFormatError
from ..model import Recording
from ._common import (
    Container,
    check_options,
    check_unit_overrides,
    data_lines,
    handle_nonfinite,
    is_zip,
    make_recording,
    parse_table,
    unit_channel,
)
from ._registry import Reader, register

FMT = "faros-csv"
_KINDS = {"ECG": "ecg", "ACC": "acc"}


def sniff(p: Path) -> bool:
    if not (p.is_dir() or is_zip(p)):
        return False
    with Container(p) as c:
        m = c.find("meta.json")
        # meta.json sits at the top of the export (or one folder down in a zip of the export
        # folder), not deep inside a study folder that merely contains an export.
        if m is None or str(m).strip("/").count("/") > 1:
            return False
        text = c.head(m, 4096)
        return "sample_freqs" in text and "start_time" in text


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options)
    with Container(path) as c:
        m = c.find("meta.json")
        if m is None:
            raise FileFormatError(f"{path}: no meta.json; not a Bittium Faros CSV export.")
        try:
            meta = json.loads(c.read_text(m))
            freqs = {str(k): float(v) for k, v in meta["sample_freqs"].items()}
            units = {str(k): str(v) for k, v in (meta.get("units") or {}).items()}
            start = datetime.strptime(str(meta["start_time"]), "%Y-%m-%d %H:%M:%S")
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
            raise FileFormatError(f"{c.label(m)}: meta.json is corrupt or incomplete ({exc}); it "
                                  "needs start_time and sample_freqs. Export it again.") from exc
        series = []
        for sig, fs in freqs.items():
            member = c.find(f"{sig}.csv")
            if member is None:
                continue
            if not (fs > 0 and np.isfinite(fs)):
                raise FileFormatError(f"{c.label(m)}: sample rate of {sig} is {fs!r}.")
            label = c.label(member)
            lines = data_lines(c.read_text(member))
            if len(lines) < 3:
                raise FileFormatError(f"{label}: fewer than 2 samples; the file is truncated.")
            cols = [h.strip() for h in lines[0].split(",")]
            mat = parse_table(lines[1:], ",", path=label, first_row=2, n_fields=len(cols)).T
            names = [sig if len(cols) == 1 else f"{sig}_{col}".lower() for col in cols]
            series.append((sig, fs, mat, names, label))
    if not series:
        raise FileFormatError(f"{path}: meta.json lists {list(freqs)} but none of their CSV files "
                              "is present.")
    check_unit_overrides(opts["units"], [n for s in series for n in s[3]], path)
    by_fs: dict[float, list[int]] = {}
    for i, s in enumerate(series):
        by_fs.setdefault(s[1], []).append(i)
    out = []
    for fs, idx in by_fs.items():
        chans, rows_out = [], []
        m_len = min(series[i][2].shape[1] for i in idx)
        for i in idx:
            sig, _, mat, names, label = series[i]
            for j, nm in enumerate(names):
                ch, sc = unit_channel(nm, units.get(sig), units=opts["units"], source=label,
                                      kind=_KINDS.get(sig))
                chans.append(ch)
                rows_out.append(mat[j, :m_len] * sc)
        data, _, md_nan = handle_nonfinite(np.vstack(rows_out), [ch.name for ch in chans],
                                           path=path, nan_policy=opts["nan_policy"], first_row=2)
        out.append(make_recording(data, fs, chans, path=path, fmt=FMT, start_time=start,
                                  tz_is_local=True, metadata=md_nan))
    out.sort(key=lambda r: -r.fs)
    return out


register(Reader(
    name=FMT,
    description="Bittium Faros CSV export folder (meta.json + ECG/ACC/HRV/Marker CSVs)",
    extensions=(".zip",),
    sniff=sniff,
    read_groups=read_groups,
))
