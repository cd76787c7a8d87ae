"""OpenSim storage files (``.mot``, ``.sto``): joint angles from gait labs and simulators.

Layout (OpenSim ``Storage`` / ``TimeSeriesTable`` text format, versions 1 and 2): header lines
``key=value`` (``version``, ``nRows``, ``nColumns``, ``inDegrees=yes|no``, ``DataType``...) and
free text, ending at a line ``endheader``; then one tab- or space-separated line of column
labels starting with ``time``, then rows of numbers. Inverse-kinematics results (``.mot``)
name coordinates (``ankle_angle_r``, ``knee_angle_l``, ``pelvis_tx``...); simulation states
(``.sto``, version 2) use paths (``/jointset/ankle_r/ankle_angle_r/value`` and ``.../speed``).

Channels: an ankle plantar/dorsiflexion coordinate (``ankle_angle_*`` or ``ankle_flexion*``,
its value) is kind ``angle`` (OpenSim's sign: dorsiflexion positive); its speed (the
``/speed`` state, or ``<coordinate>_u`` in OpenSim 3 state files) is kind ``gyro``. Angles are
in deg or rad as ``inDegrees`` says. Without that line (files in the older SIMM layout, e.g.
OpenSim's own example ``subject01_walk1_ik.mot``, headed ``# SIMM Motion File Header`` and in
degrees) the unit is judged from the values, with a :class:`ClonusWarning`: degrees when a
rotational coordinate exceeds 2 pi or the ankle pi / 2 (no joint turns that far in radians),
radians (OpenSim's default) otherwise. Other coordinates are kind ``misc``: rotations in
deg/rad, translations (``*_tx``, ``*_ty``, ``*_tz``, also marker positions such as
``R.ASIS_tx``) in m; ground reaction forces, torques, activations, fibre lengths and other
columns without a stated unit in ``AU``. Repeated column labels (the SIMM layout repeats
``ground_force_vx`` ... for each foot) are kept, renamed ``<label>_2``, ``<label>_3``..., with a
warning. Times need not be uniform (simulator output with adaptive steps is put on a uniform
grid, :func:`uniform_from_timestamps`).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import ClonusWarning, FileFormatError
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
# columns with no unit stated by the layout: forces, torques, moments, muscle states
_UNITLESS_RE = re.compile(r"^ground_|force|torque|moment|\.(activation|fiber_length|excitation)",
                          re.IGNORECASE)


def sniff(p: Path) -> bool:
    if not p.is_file():
        return False
    lines = head_text(p, 8192).splitlines()
    for i, line in enumerate(lines):
        if line.strip().lower() == "endheader":
            head = "\n".join(lines[:i]).lower()
            return "version=" in head or "nrows=" in head or "datatype=" in head
    return False


def _is_speed(low: str) -> bool:
    return low.endswith("/speed") or low.endswith("_u")


def _units(label: str, in_degrees: bool) -> tuple[str, str | None]:
    """(kind, unit as in the file) of one column."""
    ang, vel = ("deg", "deg/s") if in_degrees else ("rad", "rad/s")
    low = label.lower()
    speed = _is_speed(low)
    if _TRANSLATION_RE.search(low) or re.search(r"_t[xyz](/speed|_u)$", low):
        return "misc", ("m/s" if speed else "m")
    if _UNITLESS_RE.search(low):
        return "misc", None
    if _ANKLE_RE.search(low):
        return ("gyro", vel) if speed else ("angle", ang)
    if "/" in low and not (low.endswith("/value") or speed):
        return "misc", None  # activations, fibre lengths, forces: unit not stated
    return "misc", (vel if speed else ang)


def _judge_degrees(names: list[str], data: np.ndarray, path: Path) -> bool:
    """Degrees or radians for a file without an ``inDegrees`` line, from its values."""
    big = 0.0
    ankle = 0.0
    for j, name in enumerate(names):
        kind, unit = _units(name, True)
        if unit != "deg":
            continue
        peak = float(np.nanmax(np.abs(data[j]))) if data[j].size else 0.0
        big = max(big, peak)
        if kind == "angle":
            ankle = max(ankle, peak)
    degrees = big > 2 * np.pi or ankle > np.pi / 2
    why = (f"rotations reach {big:.3g} (more than a joint turns in radians)" if degrees
           else f"rotations stay within {big:.3g}, plausible as radians (OpenSim's default)")
    warnings.warn(f"{path}: no 'inDegrees' line in the header; angles read as "
                  f"{'degrees' if degrees else 'radians'} because {why}. If that is wrong, "
                  "pass units={'ankle_angle_r': 'deg'} (or 'rad').", ClonusWarning,
                  stacklevel=5)
    return degrees


def _unique(labels: list[str], path: Path) -> tuple[list[str], dict[str, str]]:
    """Repeated labels renamed ``<label>_2``, ``<label>_3``... (with a warning)."""
    seen: dict[str, int] = {}
    out, renamed = [], {}
    taken = set(labels)
    for lab in labels:
        k = seen.get(lab, 0) + 1
        seen[lab] = k
        if k == 1:
            out.append(lab)
            continue
        new = f"{lab}_{k}"
        while new in taken:
            k += 1
            new = f"{lab}_{k}"
        taken.add(new)
        renamed[new] = lab
        out.append(new)
    if renamed:
        warnings.warn(f"{path}: repeated column labels {sorted(set(renamed.values()))[:6]}; "
                      f"the repeats are kept as {list(renamed)[:6]}.", ClonusWarning,
                      stacklevel=5)
    return out, renamed


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
    stated = header.get("indegrees")
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
    if not names or not all(names):
        raise FileFormatError(f"{path}: empty column labels {names[:8]} in the header; export "
                              "the file again.")
    names, renamed = _unique(names, path)
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
    if stated is None:
        in_degrees = _judge_degrees(names, data, path)
    else:
        in_degrees = stated.lower().startswith("y")
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
    md = {**md_nan, **md_t, **md_u, "opensim_header": header, "in_degrees": in_degrees,
          "in_degrees_judged": stated is None, **({"renamed_columns": renamed} if renamed else {})}
    return [make_recording(np.vstack(out), fs, chans, path=path, fmt=FMT, metadata=md)]


register(Reader(
    name=FMT,
    description="OpenSim storage (.mot/.sto): joint angles (ankle_angle_* as the angle) and "
                "simulation states",
    extensions=(".mot", ".sto"),
    sniff=sniff,
    read_groups=read_groups,
))
