"""C3D motion-capture files (ezc3d): marker trajectories and analog channels (EMG, forces).

Detection: byte 2 of the header block is the C3D key ``0x50`` and byte 1 points to a
parameter block inside the file. Marker trajectories become ``position`` channels named
``<label>_x/_y/_z`` in metres (``POINT:UNITS``, usually mm); analog channels keep their
``ANALOG:LABELS`` and units (``V`` EMG becomes kind ``emg``). Points and analogs usually run at
different rates and are returned as separate groups. Occluded markers are NaN in C3D: the NaN
policy applies (``nan_policy="omit"`` interpolates them).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import FileFormatError, InvalidParameterError, MissingDependencyError
from ..model import Recording
from ._common import (
    check_options,
    check_unit_overrides,
    handle_nonfinite,
    make_recording,
    read_head,
    unit_channel,
)
from ._registry import Reader, register

FMT = "c3d"


def _ezc3d() -> Any:
    try:
        import ezc3d
    except ImportError as exc:  # pragma: no cover
        raise MissingDependencyError("Reading C3D needs ezc3d: pip install 'clonus[c3d]'.") from exc
    return ezc3d


def _check(p: Path) -> tuple[int, int]:
    h = read_head(p, 512)
    if len(h) < 512 or h[1] != 0x50 or h[0] < 2:
        raise FileFormatError(f"{p}: not a C3D file (the header block's key byte is missing). "
                              "Export it again from the motion-capture software.")
    size = p.stat().st_size
    pstart = (h[0] - 1) * 512
    with open(p, "rb") as fh:
        fh.seek(pstart)
        ph = fh.read(4)
    if len(ph) < 4 or ph[2] < 1:
        raise FileFormatError(f"{p}: the C3D parameter section is missing or empty; the file is "
                              "truncated or corrupt; export it again.")
    need = pstart + ph[2] * 512
    if size < need:
        raise FileFormatError(f"{p}: the file is truncated ({size} bytes; the parameter section "
                              f"alone ends at byte {need}). Export it again.")
    if ph[3] == 84:  # Intel processor type: little-endian header words, IEEE floats
        import struct

        n_pts, n_an, first, last = struct.unpack_from("<HHHH", h, 2)
        scale = struct.unpack_from("<f", h, 12)[0]
        data_block = struct.unpack_from("<H", h, 16)[0]
        width = 4 if scale < 0 else 2
        frames = last - first + 1
        if data_block >= 1 and frames > 0:
            end = (data_block - 1) * 512 + frames * (4 * n_pts + n_an) * width
            if size < end:
                raise FileFormatError(
                    f"{p}: the file is truncated: {frames} frames need {end} bytes but the file "
                    f"has {size}. Export it again.")
    return h[0], ph[2]


def sniff(p: Path) -> bool:
    if not p.is_file():
        return False
    h = read_head(p, 512)
    return len(h) == 512 and h[1] == 0x50 and 2 <= h[0] <= 64 and p.stat().st_size >= 1024


def _param(c: Any, group: str, name: str, default: Any = None) -> Any:
    try:
        return c["parameters"][group][name]["value"]
    except (KeyError, TypeError):
        return default


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options)
    _check(path)
    ezc3d = _ezc3d()
    try:
        c = ezc3d.c3d(str(path))
    except Exception as exc:
        raise FileFormatError(f"{path}: ezc3d cannot read this C3D file ({exc}). It is truncated "
                              "or corrupt; export it again.") from exc
    out: list[Recording] = []
    points = np.asarray(c["data"]["points"], dtype=np.float64)
    analogs = np.asarray(c["data"]["analogs"], dtype=np.float64)
    p_labels = [str(x).strip() for x in (_param(c, "POINT", "LABELS", []) or [])]
    a_labels = [str(x).strip() for x in (_param(c, "ANALOG", "LABELS", []) or [])]
    p_units = _param(c, "POINT", "UNITS", []) or []
    p_unit = str(p_units[0]).strip() if len(p_units) else None
    a_units = [str(x).strip() for x in (_param(c, "ANALOG", "UNITS", []) or [])]
    p_rate = float(np.ravel(_param(c, "POINT", "RATE", [0]) or [0])[0])
    a_rate = float(np.ravel(_param(c, "ANALOG", "RATE", [0]) or [0])[0])
    names = [f"{lab}_{ax}" for lab in p_labels for ax in "xyz"] + a_labels
    check_unit_overrides(opts["units"], names, path)
    md = {"n_points": len(p_labels), "n_analogs": len(a_labels)}
    if points.ndim == 3 and points.shape[1] > 0 and points.shape[2] > 0:
        if p_rate <= 0:
            raise FileFormatError(f"{path}: POINT:RATE is {p_rate}; the header is corrupt. "
                                  "Export the file again.")
        chans, rows = [], []
        for j, lab in enumerate(p_labels[: points.shape[1]]):
            for a, ax in enumerate("xyz"):
                ch, sc = unit_channel(f"{lab}_{ax}", p_unit, units=opts["units"],
                                      source=str(path), kind="position")
                chans.append(ch)
                rows.append(points[a, j] * sc)
        data = np.vstack(rows)
        data, _, md_nan = handle_nonfinite(data, [ch.name for ch in chans], path=path,
                                           nan_policy=opts["nan_policy"])
        out.append(make_recording(data, p_rate, chans, path=path, fmt=FMT,
                                  metadata={**md, **md_nan, "group": "points"}))
    if analogs.ndim == 3 and analogs.shape[1] > 0 and analogs.shape[2] > 0:
        if a_rate <= 0:
            raise FileFormatError(f"{path}: ANALOG:RATE is {a_rate}; the header is corrupt. "
                                  "Export the file again.")
        chans, rows = [], []
        for j in range(analogs.shape[1]):
            lab = a_labels[j] if j < len(a_labels) else f"analog{j}"
            unit = a_units[j] if j < len(a_units) and a_units[j] else None
            ch, sc = unit_channel(lab, unit, units=opts["units"], source=str(path))
            chans.append(ch)
            rows.append(analogs[0, j] * sc)
        data = np.vstack(rows)
        data, _, md_nan = handle_nonfinite(data, [ch.name for ch in chans], path=path,
                                           nan_policy=opts["nan_policy"])
        out.append(make_recording(data, a_rate, chans, path=path, fmt=FMT,
                                  metadata={**md, **md_nan, "group": "analogs"}))
    return out


def write_c3d(path: str | os.PathLike[str], points: Recording | None = None,
              analogs: Recording | None = None) -> Path:
    """Write marker trajectories and/or analog channels to a C3D file (float storage).

    Parameters
    ----------
    path : path-like
        Output ``.c3d`` file.
    points : Recording, optional
        Channels of kind ``position`` in metres named ``<marker>_x``, ``_y``, ``_z`` (three per
        marker, in that order); written in mm.
    analogs : Recording, optional
        Analog channels (e.g. EMG in V). Their rate must be a whole multiple of the points'
        rate (C3D stores analog samples per point frame).

    Returns
    -------
    Path
    """
    if points is None and analogs is None:
        raise InvalidParameterError("write_c3d needs points and/or analogs.")
    ezc3d = _ezc3d()
    c = ezc3d.c3d()
    if points is not None:
        if points.n_channels % 3:
            raise InvalidParameterError("points must have 3 channels (x, y, z) per marker.")
        labels = []
        for k in range(0, points.n_channels, 3):
            nm = points.channels[k].name
            labels.append(nm[:-2] if nm.endswith("_x") else nm)
        arr = np.ones((4, len(labels), points.n_samples))
        arr[:3] = (points.data * 1e3).reshape(len(labels), 3, -1).transpose(1, 0, 2)
        c["parameters"]["POINT"]["RATE"]["value"] = [points.fs]
        c["parameters"]["POINT"]["LABELS"]["value"] = tuple(labels)
        c["parameters"]["POINT"]["UNITS"]["value"] = ("mm",)
        c["data"]["points"] = arr
    if analogs is not None:
        if points is not None:
            ratio = analogs.fs / points.fs
            if abs(ratio - round(ratio)) > 1e-9 or analogs.n_samples != round(ratio) * \
                    points.n_samples:
                raise InvalidParameterError(
                    "analogs.fs must be a whole multiple of points.fs and cover the same frames.")
        else:
            c["parameters"]["POINT"]["RATE"]["value"] = [analogs.fs]
            c["data"]["points"] = np.ones((4, 0, analogs.n_samples))
        c["parameters"]["ANALOG"]["RATE"]["value"] = [analogs.fs]
        c["parameters"]["ANALOG"]["LABELS"]["value"] = tuple(analogs.ch_names)
        c["parameters"]["ANALOG"]["UNITS"]["value"] = tuple(
            ch.unit if ch.unit != "AU" else "" for ch in analogs.channels)
        c["data"]["analogs"] = analogs.data[np.newaxis].copy()
    p = Path(path)
    c.write(str(p))
    return p


register(Reader(
    name=FMT,
    description="C3D motion capture: marker trajectories (m) and analog channels such as EMG",
    extensions=(".c3d",),
    sniff=sniff,
    read_groups=read_groups,
    extra="c3d",
))
