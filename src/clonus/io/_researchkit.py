"""Apple ResearchKit / mPower motion JSON.

Layouts (``docs/formats.md`` §1.4): an array of samples ``{"timestamp": s, "x": g, "y": g,
"z": g}`` (accelerometer, checked on a real export; key order varies, parsed by key), or
CoreMotion device-motion samples ``{"timestamp", "rotationRate": {x,y,z} (rad/s),
"userAcceleration": {x,y,z} (g), "gravity": {x,y,z} (g), "attitude": ...}`` (layout
unverified). ``timestamp`` is seconds since device boot, so there is no absolute start time
(``metadata["time_offset_s"]`` keeps the first timestamp). Channels: ``acc_x/y/z`` (m/s^2),
or ``gyro_x/y/z``, ``linacc_x/y/z``, ``gravity_x/y/z``; resampled to a uniform grid.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import FileFormatError
from ..model import Recording
from ._common import (
    check_options,
    check_unit_overrides,
    clean_timestamps,
    handle_nonfinite,
    head_text,
    make_recording,
    uniform_from_timestamps,
    unit_channel,
)
from ._coremotion import QUANTITIES
from ._registry import Reader, register

FMT = "researchkit"
# the device-motion objects read, with their channel prefixes and CoreMotion units
_NESTED = {k: QUANTITIES[k] for k in ("rotationRate", "userAcceleration", "gravity")}


def sniff(p: Path) -> bool:
    if not p.is_file():
        return False
    text = head_text(p, 2048).lstrip()
    return text.startswith("[") and '"timestamp"' in text and (
        '"x"' in text or '"rotationRate"' in text)


def _num(v: Any, path: Path, i: int, key: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise FileFormatError(f"{path}: sample {i}: {key!r} is {v!r}, not a number.")
    try:
        return float(v)
    except ValueError:
        raise FileFormatError(f"{path}: sample {i}: {key!r} is {v!r}, not a number.") from None


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options)
    try:
        items = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise FileFormatError(f"{path}: not valid JSON ({exc}); the file is truncated or "
                              "corrupt. Export it again.") from exc
    if not isinstance(items, list) or not items or not all(isinstance(x, dict) for x in items):
        raise FileFormatError(f"{path}: expected a JSON array of sample objects with "
                              "'timestamp', 'x', 'y', 'z'.")
    nested = "rotationRate" in items[0] or "userAcceleration" in items[0]
    if nested:
        groups = [(k, pre, unit) for k, (pre, unit) in _NESTED.items() if k in items[0]]
    else:
        groups = [(None, "acc", "g")]
    names = [f"{pre}_{ax}" for _, pre, _ in groups for ax in "xyz"]
    check_unit_overrides(opts["units"], names, path)
    t = np.empty(len(items))
    raw = np.empty((len(names), len(items)))
    for i, it in enumerate(items):
        if "timestamp" not in it:
            raise FileFormatError(f"{path}: sample {i} has no 'timestamp'.")
        t[i] = _num(it["timestamp"], path, i, "timestamp")
        r = 0
        for key, _, _ in groups:
            src = it if key is None else it.get(key)
            if not isinstance(src, dict):
                raise FileFormatError(f"{path}: sample {i} has no {key or 'x/y/z'} values.")
            for ax in "xyz":
                if ax not in src:
                    raise FileFormatError(f"{path}: sample {i} has no {ax!r} value.")
                raw[r, i] = _num(src[ax], path, i, ax)
                r += 1
    chans, scales = [], []
    for _, pre, unit in groups:
        for ax in "xyz":
            ch, sc = unit_channel(f"{pre}_{ax}", unit, units=opts["units"], source=str(path))
            chans.append(ch)
            scales.append(sc)
    data = raw * np.asarray(scales)[:, None]
    data, t2, md_nan = handle_nonfinite(data, names, path=path, nan_policy=opts["nan_policy"],
                                        timestamps=t, first_row=0)
    t2, data, md_ts = clean_timestamps(t2, data, path=path, first_row=0)  # type: ignore[arg-type]
    data, fs, md_u = uniform_from_timestamps(t2, data, path=path)
    md = {**md_nan, **md_ts, **md_u, "time_offset_s": float(t2[0]) if math.isfinite(t2[0])
          else None}
    return [make_recording(data, fs, chans, path=path, fmt=FMT, metadata=md)]


register(Reader(
    name=FMT,
    description="Apple ResearchKit / mPower motion JSON (timestamp + x, y, z in g; or "
    "device-motion rotationRate/userAcceleration)",
    extensions=(".json",),
    sniff=sniff,
    read_groups=read_groups,
))
