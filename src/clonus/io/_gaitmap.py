"""gaitmap foot-IMU CSV (mad-lab-fau/gaitmap example data, NilsPod sensors).

Two layouts, both checked on the real example files:

* two header rows, ``sensor,left_sensor,right_sensor,...`` and ``axis,acc_x,acc_x,...``
  (the first cells may be empty), then ``<row index>,<values>``: channels are named
  ``left_acc_x``, ``right_gyr_z``... (the ``_sensor`` suffix dropped);
* one header row ``,index,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z`` (one foot per file): channels
  ``acc_x``... and ``metadata["first_sample_index"]`` from the ``index`` column.

Units follow the gaitmap convention: ``acc_*`` in m/s^2, ``gyr_*`` in deg/s (converted to
rad/s). The files hold no rate: the gaitmap example data is sampled at **204.8 Hz**, used
unless ``fs=`` is given (``metadata["fs_source"]`` says which).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from .._validation import check_fs
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

FMT = "gaitmap"
#: Rate of the gaitmap example recordings (NilsPod IMUs), in Hz (gaitmap example_data docs).
GAITMAP_FS_HZ = 204.8
_AXIS = re.compile(r"^(acc|gyr)_[xyz]$")
_UNITS = {"acc": "m/s^2", "gyr": "deg/s"}


def _layout(lines: list[str]) -> str | None:
    if len(lines) < 2:
        return None
    a = [c.strip() for c in lines[0].split(",")]
    b = [c.strip() for c in lines[1].split(",")]
    if len(a) == len(b) and len(a) >= 2 and all(_AXIS.match(x) for x in b[1:]) and \
            a[0] in ("", "sensor") and b[0] in ("", "axis"):
        return "two-row"
    if a[:2] == ["", "index"] and len(a) > 2 and all(_AXIS.match(x) for x in a[2:]):
        return "one-row"
    return None


_LABELS = re.compile(r"^s_id,foot,start,end")


def sniff(p: Path) -> bool:
    if not p.is_file():
        return False
    lines = head_text(p, 4096).splitlines()[:2]
    if len(lines) == 2 and lines[0].startswith("sensor,") and lines[1].startswith("axis,"):
        return True  # claimed even if damaged, so that the reader can say what is wrong
    return _layout(lines) is not None or bool(lines and _LABELS.match(lines[0]))


def read_stride_labels(path: str | Path) -> Any:
    """Read a gaitmap stride-label table (``s_id,foot,start,end,...``) as a pandas DataFrame.

    ``start``/``end`` (and ``ic``, ``tc``, ``min_vel``, ``pre_ic``) are sample indices at the
    IMU rate (204.8 Hz in the gaitmap example data).
    """
    import pandas as pd

    p = Path(path)
    lines = head_text(p, 512).splitlines()
    if not lines or not _LABELS.match(lines[0]):
        raise FileFormatError(f"{p}: not a gaitmap stride-label table (header 's_id,foot,start,"
                              "end,...').")
    try:
        return pd.read_csv(p)
    except (ValueError, OSError) as exc:
        raise FileFormatError(f"{p}: the stride-label table cannot be parsed ({exc}).") from exc


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options, allowed=("fs",))
    fs = GAITMAP_FS_HZ if opts.get("fs") is None else check_fs(opts["fs"])
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise FileFormatError(f"{path}: contains NUL bytes; it is corrupt or not a gaitmap CSV.")
    lines = data_lines(raw.decode("utf-8", errors="replace").lstrip("\ufeff"))
    layout = _layout(lines[:2])
    if layout is None and lines and _LABELS.match(lines[0]):
        raise FileFormatError(
            f"{path}: this is a gaitmap stride-label table (s_id, foot, start, end in samples), "
            "not a recording. Read the IMU file (e.g. imu_sample.csv) with clonus.read, and the "
            "labels with clonus.io.read_stride_labels.")
    if layout is None:
        raise FileFormatError(
            f"{path}: the header is not a valid gaitmap IMU header (expected 'sensor,...' and "
            "'axis,acc_x,...' rows with one sensor and one axis per column, or "
            "',index,acc_x,...'). The header is damaged; export the file again.")
    md: dict[str, Any] = {"fs_source": "fs option" if opts.get("fs") is not None else
                          "gaitmap example data rate (204.8 Hz)"}
    if layout == "two-row":
        sensors = [c.strip() for c in lines[0].split(",")][1:]
        axes = [c.strip() for c in lines[1].split(",")][1:]
        names = [f"{re.sub(r'_sensor$', '', s) or 'sensor'}_{a}" for s, a in zip(sensors, axes,
                                                                                  strict=True)]
        first = 3
        mat = parse_table(lines[2:], ",", path=path, first_row=first, n_fields=len(axes) + 1)
        vals = mat[:, 1:]
        order = sorted(range(len(names)), key=lambda i: (sensors.index(sensors[i]), axes[i][:3],
                                                         axes[i]))
        names = [names[i] for i in order]
        axes = [axes[i] for i in order]
        vals = vals[:, order]
    else:
        axes = [c.strip() for c in lines[0].split(",")][2:]
        names = list(axes)
        first = 2
        mat = parse_table(lines[1:], ",", path=path, first_row=first, n_fields=len(axes) + 2)
        idx = mat[:, 1]
        if idx.size and np.isfinite(idx[0]):
            md["first_sample_index"] = int(idx[0])
        d = np.diff(idx)
        if d.size and not np.all(d == 1):
            j = int(np.flatnonzero(d != 1)[0]) + 1
            raise FileFormatError(f"{path}: the sample index jumps from {idx[j - 1]:g} to "
                                  f"{idx[j]:g} at data row {j + first}; samples are missing or "
                                  "out of order.")
        vals = mat[:, 2:]
    if vals.shape[0] < 2:
        raise FileFormatError(f"{path}: fewer than 2 data rows.")
    if len(set(names)) != len(names):
        raise FileFormatError(f"{path}: duplicate sensor/axis columns {names}.")
    check_unit_overrides(opts["units"], names, path)
    chans, scales = [], []
    for nm, ax in zip(names, axes, strict=True):
        ch, sc = unit_channel(nm, _UNITS[ax[:3]], units=opts["units"], source=str(path))
        chans.append(ch)
        scales.append(sc)
    data = vals.T * np.asarray(scales)[:, None]
    data, _, md_nan = handle_nonfinite(data, names, path=path, nan_policy=opts["nan_policy"],
                                       first_row=first)
    return [make_recording(data, fs, chans, path=path, fmt=FMT, metadata={**md, **md_nan})]


register(Reader(
    name=FMT,
    description="gaitmap foot-IMU CSV (sensor/axis header rows; acc m/s^2, gyr deg/s; 204.8 Hz "
    "unless fs= is given)",
    extensions=(".csv",),
    sniff=sniff,
    read_groups=read_groups,
))
