"""Delsys Trigno CSV (EMGworks export).

Layout (``docs/formats.md`` §2.1, checked on a real export): one ``Label: <sensor>: <channel>
Sampling frequency: <fs> Number of points: <N> start: <t0> Unit: <unit> Domain Unit: s`` line
per channel, trigger lines, a blank line, a header row of paired ``X[s],"<channel>"`` columns,
then ragged data rows (channels at lower rates end earlier, leaving empty cells).

Channels are grouped by their declared rate (EMG vs IMU). The declared rate is used (the
per-channel time column is checked against it); a file that holds fewer points than the
header declares (an excerpt) is read as it is and ``metadata["declared_points"]`` records the
difference. Channel names are ``<channel>`` with spaces kept (``"EMG 10"``, ``"ACC.X 10"``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import FileFormatError
from ..model import Recording
from ._common import (
    check_options,
    check_unit_overrides,
    data_lines,
    handle_nonfinite,
    head_text,
    make_recording,
    parse_table,
    unit_channel,
)
from ._registry import Reader, register

FMT = "delsys"

_LABEL = re.compile(
    r"^Label:\s*(?P<sensor>.+?):\s*(?P<chan>.+?)\s+Sampling frequency:\s*(?P<fs>\S+)\s+"
    r"Number of points:\s*(?P<n>\S+)\s+start:\s*(?P<t0>\S+)\s+Unit:\s*(?P<unit>.*?)\s+"
    r"Domain Unit:\s*(?P<dunit>\S*)\s*$"
)


def sniff(p: Path) -> bool:
    if not p.is_file():
        return False
    return head_text(p, 512).lstrip().startswith("Label:") and "Sampling frequency:" in \
        head_text(p, 512)


def _num(s: str, what: str, path: Path, line: int) -> float:
    try:
        return float(s)
    except ValueError:
        raise FileFormatError(f"{path}: line {line}: {what} is {s!r}, not a number. The header is "
                              "corrupt; export the file again from EMGworks.") from None


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options)
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise FileFormatError(f"{path}: contains NUL bytes; it is corrupt or not a Delsys CSV.")
    lines = data_lines(raw.decode("utf-8", errors="replace").lstrip("\ufeff"))
    labels = []
    k = 0
    while k < len(lines) and lines[k].startswith("Label:"):
        m = _LABEL.match(lines[k].strip())
        if not m:
            raise FileFormatError(
                f"{path}: line {k + 1} is a damaged channel description ({lines[k][:80]!r}); "
                "expected 'Label: <sensor>: <channel> Sampling frequency: <fs> Number of points: "
                "<N> start: <t0> Unit: <unit> Domain Unit: s'. Export the file again.")
        fs = _num(m["fs"], "the sampling frequency", path, k + 1)
        if not (fs > 0 and np.isfinite(fs)):
            raise FileFormatError(f"{path}: line {k + 1}: sampling frequency {fs} Hz is invalid.")
        labels.append({"sensor": m["sensor"].strip(), "name": m["chan"].strip(), "fs": fs,
                       "n": int(_num(m["n"], "the number of points", path, k + 1)),
                       "t0": _num(m["t0"], "the start time", path, k + 1),
                       "unit": m["unit"].strip() or None})
        k += 1
    if not labels:
        raise FileFormatError(f"{path}: no 'Label:' channel lines; not a Delsys Trigno CSV.")
    hdr = next((i for i in range(k, len(lines)) if lines[i].startswith("X[s]")), None)
    if hdr is None:
        raise FileFormatError(f"{path}: the column header row (starting 'X[s],') is missing; the "
                              "file is truncated or corrupt. Export it again.")
    ncol = 2 * len(labels)
    head_cells = lines[hdr].split(",")
    if len(head_cells) != ncol:
        raise FileFormatError(f"{path}: the column header has {len(head_cells)} columns but "
                              f"{len(labels)} channels need {ncol} (time + value each).")
    mat = parse_table(lines[hdr + 1:], ",", path=path, first_row=hdr + 2, n_fields=ncol)
    if mat.shape[0] == 0:
        raise FileFormatError(f"{path}: no data rows after the header. Export the file again.")
    names = [lab["name"] for lab in labels]
    if len(set(names)) != len(names):
        names = [f'{lab["sensor"]}: {lab["name"]}' for lab in labels]
    check_unit_overrides(opts["units"], names, path)
    by_fs: dict[float, list[int]] = {}
    for i, lab in enumerate(labels):
        by_fs.setdefault(lab["fs"], []).append(i)
    out = []
    for fs, idx in by_fs.items():
        cols, chans = [], []
        n_avail = []
        for i in idx:
            t = mat[:, 2 * i]
            v = mat[:, 2 * i + 1]
            filled = ~np.isnan(t)
            n = int(filled.sum())
            if n and not filled[:n].all():
                first_gap = int(np.flatnonzero(~filled[:n])[0])
                raise FileFormatError(
                    f"{path}: channel {names[i]!r} has an empty time cell at data row "
                    f"{first_gap + 1} before its last sample; the rows are damaged.")
            n_avail.append(n)
            cols.append((t[:n], v[:n]))
        m = min(n_avail)
        if m < 2:
            raise FileFormatError(f"{path}: fewer than 2 samples at {fs:g} Hz.")
        md: dict[str, Any] = {"sensors": sorted({labels[i]["sensor"] for i in idx})}
        declared = {names[i]: labels[i]["n"] for i in idx if labels[i]["n"] != n_avail[0]}
        if declared:
            md["declared_points"] = declared
        t_ref = cols[0][0][:m]
        d = np.diff(t_ref)
        if (d <= 0).any():
            j = int(np.flatnonzero(d <= 0)[0]) + 1
            raise FileFormatError(f"{path}: the time column of {names[idx[0]]!r} does not increase "
                                  f"at data row {j + 1} ({t_ref[j - 1]} then {t_ref[j]}).")
        est = (m - 1) / float(t_ref[-1] - t_ref[0])
        if abs(est - fs) > 0.01 * fs:
            raise FileFormatError(f"{path}: the header says {fs:g} Hz but the time column of "
                                  f"{names[idx[0]]!r} gives {est:.6g} Hz. The file is corrupt; "
                                  "export it again.")
        scales = []
        for i in idx:
            ch, sc = unit_channel(names[i], labels[i]["unit"], units=opts["units"],
                                  source=str(path))
            chans.append(ch)
            scales.append(sc)
        data = np.vstack([cols[j][1][:m] for j in range(len(idx))])
        data = data * np.asarray(scales)[:, None]
        data, _, md_nan = handle_nonfinite(data, [c.name for c in chans], path=path,
                                           nan_policy=opts["nan_policy"], first_row=hdr + 2)
        md["time_offset_s"] = float(t_ref[0])
        out.append(make_recording(data, fs, chans, path=path, fmt=FMT, metadata={**md, **md_nan}))
    return out


register(Reader(
    name=FMT,
    description="Delsys Trigno CSV (EMGworks export): EMG and IMU channels, grouped by rate",
    extensions=(".csv",),
    sniff=sniff,
    read_groups=read_groups,
))
