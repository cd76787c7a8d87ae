"""OpenSim storage files (``.mot``, ``.sto``): joint angles from gait labs and simulators.

Layout (OpenSim ``Storage`` / ``TimeSeriesTable`` text format, versions 1 and 2): header lines
``key=value`` (``version``, ``nRows``, ``nColumns``, ``inDegrees=yes|no``, ``DataType``...) and
free text, ending at a line ``endheader``; then one tab- or space-separated line of column
labels starting with ``time``, then rows of numbers. Inverse-kinematics results (``.mot``)
name coordinates (``ankle_angle_r``, ``knee_angle_l``, ``pelvis_tx``...); simulation states
(``.sto``, version 2) use paths (``/jointset/ankle_r/ankle_angle_r/value`` and ``.../speed``).

Channels: an ankle plantar/dorsiflexion coordinate (``ankle_angle_*`` or ``ankle_flexion*``,
its value) is kind ``angle`` (OpenSim's sign: dorsiflexion positive), in deg or rad as
``inDegrees`` says (rad when absent: OpenSim's default); its ``/speed`` state is kind ``gyro``
(deg/s or rad/s). Other coordinates are kind ``misc``: rotations in deg/rad, translations
(``*_tx``, ``*_ty``, ``*_tz``) in m, other columns without a unit. Times need not be uniform
(simulator output with adaptive steps is put on a uniform grid, :func:`uniform_from_timestamps`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import FileFormatError
from ..model import Channel, Recording
from ._common import (
    check_options,
    check_unit_overrides,
    clean_timestamps,
    handle_nonfinite,
    head_text,
    make_recording,
    parse_table,
    uniform_from_timestamps,
    unit_channel,
)
from ._registry import Reader, register

FMT = "opensim"
_ANKLE_RE = re.compile(r"ankle_(angle|flexion)", re.IGNORECASE)
_TRANSLATION_RE = re.compile(r"_t[xyz](/value)?$", re.IGNORECASE)


def sniff(p: Path) -> bool:
    if not p.is_file():
        return False
    lines = head_text(p, 8192).splitlines()
    for i, line in enumerate(lines):
        if line.strip().lower() == "endheader":
            head = "\n".join(lines[:i]).lower()
            return "version=" in head or "nrows=" in head or "datatype=" in head
    return False


def _units(label: str, in_degrees: bool) -> tuple[str, str | None]:
    """(kind, unit as in the file) of one column."""
    ang, vel = ("deg", "deg/s") if in_degrees else ("rad", "rad/s")
    low = label.lower()
    speed = low.endswith("/speed")
    if _ANKLE_RE.search(low):
        return ("gyro", vel) if speed else ("angle", ang)
    if _TRANSLATION_RE.search(low) or re.search(r"_t[xyz]/speed$", low):
        return "misc", ("m/s" if speed else "m")
    if "/" in low and not (low.endswith("/value") or speed):
        return "misc", None  # activations, fibre lengths, forces: unit not stated
    return "misc", (vel if speed else ang)


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options)
    text = path.read_text(errors="replace")
    lines = text.splitlines()
    try:
        end = next(i for i, ln in enumerate(lines) if ln.strip().lower() == "endheader")
    except StopIteration:
        raise FileFormatError(f"{path}: no 'endheader' line; not an OpenSim .mot/.sto file, or "
                              "its header is cut off. Export the file again.") from None
    header: dict[str, str] = {}
    for ln in lines[:end]:
        if "=" in ln:
            k, _, v = ln.partition("=")
            header[k.strip().lower()] = v.strip()
    in_degrees = header.get("indegrees", "no").lower().startswith("y")
    body = [ln for ln in lines[end + 1 :] if ln.strip()]
    if len(body) < 3:
        raise FileFormatError(f"{path}: fewer than 2 rows of data after the header; the file "
                              "is truncated. Export it again.")
    labels = [c.strip() for c in (body[0].split("\t") if "\t" in body[0] else body[0].split())]
    if not labels or labels[0].lower() != "time":
        raise FileFormatError(f"{path}: the column labels after 'endheader' must start with "
                              f"'time', got {labels[:3]}. The header looks damaged; export "
                              "the file again.")
    names = labels[1:]
    if len(set(names)) != len(names) or not names:
        raise FileFormatError(f"{path}: empty or repeated column labels {names[:8]} in the "
                              "header; export the file again.")
    rows = ["\t".join(ln.split()) for ln in body[1:]]  # tabs or runs of spaces
    mat = parse_table(rows, "\t", path=path, first_row=end + 3, n_fields=len(labels)).T
    if "nrows" in header and header["nrows"].isdigit() and int(header["nrows"]) > mat.shape[1]:
        raise FileFormatError(f"{path}: the header announces {header['nrows']} rows but "
                              f"{mat.shape[1]} are present; the file is truncated. Export it "
                              "again.")
    check_unit_overrides(opts["units"], names, path)
    t, data = mat[0], mat[1:]
    data, _, md_nan = handle_nonfinite(data, names, path=path, nan_policy=opts["nan_policy"],
                                       first_row=end + 3)
    t, data, md_t = clean_timestamps(t, data, path=path, first_row=end + 3)
    data, fs, md_u = uniform_from_timestamps(t, data, path=path)
    chans, out = [], []
    for j, name in enumerate(names):
        kind, unit = _units(name, in_degrees)
        if unit is None and not (isinstance(opts["units"], dict) and name in opts["units"]):
            # activations, forces...: not analysed, kept as they are without a unit warning
            chans.append(Channel(name, "misc", "AU", ""))
            out.append(data[j])
            continue
        ch, scale = unit_channel(name, unit, units=opts["units"], source=str(path), kind=kind)
        chans.append(ch)
        out.append(data[j] * scale)
    md = {**md_nan, **md_t, **md_u, "opensim_header": header, "in_degrees": in_degrees}
    return [make_recording(np.vstack(out), fs, chans, path=path, fmt=FMT, metadata=md)]


register(Reader(
    name=FMT,
    description="OpenSim storage (.mot/.sto): joint angles (ankle_angle_* as the angle) and "
                "simulation states",
    extensions=(".mot", ".sto"),
    sniff=sniff,
    read_groups=read_groups,
))
