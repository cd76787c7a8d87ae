"""TSDF (Time Series Data Format) exports, e.g. the Verily Study Watch in the Personalized
Parkinson Project: a JSON metadata file plus headerless binary files.

Layout (TSDF 0.1, Claes et al. 2022, arXiv:2211.11294; checked against the public example
metadata of ``biomarkersParkinson/paradigma``): the JSON is a tree whose nodes pass their keys
down to their children; every leaf with a ``file_name`` describes one binary file of ``rows``
rows x ``len(channels)`` columns, row-major, of ``data_type`` (``int``, ``uint``, ``float``)
with ``bits`` bits and ``endianness`` (``little``, ``big``, ``not applicable``), optionally
scaled by per-channel ``scale_factors`` (the watch stores int16 counts: 0.00469378 m/s^2 and
0.06097561 deg/s per count). A leaf whose only channel is ``time`` gives the time base; its unit
says how: ``time_delta_ms`` / ``difference_ms`` (per-sample intervals, summed), ``relative_s``
/ ``relative_ms`` (from the start) or ``absolute_unix_ms`` / ``absolute_unix_s``; or a bare
``ms`` / ``s`` with a ``time_encode`` key (``difference``, ``relative``, ``absolute``), as in
the ``ppp_format_meta.json`` example of the ``tsdf`` package.

Pitfall (seen in a public example): a time file whose values are in seconds although its unit
says ms. The declared unit is checked against the header's ``start_iso8601``/``end_iso8601``
span (and, without a usable span, against the typical interval); a factor-1000 mismatch is
corrected with a :class:`ClonusWarning` and ``metadata["time_unit_corrected"]``.

Channels: ``acceleration_*``/``accelerometer_*`` -> ``acc_*``, ``rotation_*``/``gyroscope_*``
-> ``gyro_*`` (other names kept), units converted to SI (``m/s/s``, ``g``, ``deg/s``). Leaves with
other row counts (another sensor) are listed in ``metadata["skipped_files"]``; a ``quality``
channel is summarised in ``metadata["quality_counts"]``. ``start_iso8601`` (UTC when it ends in
``Z``) plus the first time value gives ``start_time``. ``subject_id`` (and any key naming a
subject, patient or participant) is identifying: ``metadata["tsdf_identity"]`` only with
``anonymize=False``; never shown by ``clonus info``.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from .._logging import logger
from ..exceptions import ClonusWarning, FileFormatError
from ..model import Recording
from ._common import (
    check_options,
    check_unit_overrides,
    clean_timestamps,
    handle_nonfinite,
    make_recording,
    safe_name,
    uniform_from_timestamps,
    unit_channel,
)
from ._registry import Reader, register

FMT = "tsdf"
_REQUIRED = ("file_name", "channels", "units", "data_type", "bits", "rows", "endianness")
_NAME_MAP = {"acceleration": "acc", "accelerometer": "acc", "rotation": "gyro",
             "gyroscope": "gyro"}
_IDENTITY_WORDS = ("subject", "patient", "participant", "name", "birth")


def _meta_candidates(p: Path) -> list[Path]:
    if p.is_file():
        return [p] if p.suffix.lower() == ".json" else []
    if p.is_dir():
        return sorted(f for f in p.iterdir() if f.is_file() and f.name.lower().endswith(
            "meta.json"))
    return []


def _looks_tsdf(f: Path) -> bool:
    with open(f, "rb") as fh:
        head = fh.read(8192).decode("utf-8", errors="replace")
    return all(k in head for k in ('"metadata_version"', '"file_name"', '"channels"'))


def sniff(p: Path) -> bool:
    return any(_looks_tsdf(f) for f in _meta_candidates(p)[:20])


def _has_file_name(v: Any) -> bool:
    if isinstance(v, dict):
        return "file_name" in v or any(_has_file_name(x) for x in v.values())
    if isinstance(v, list):
        return any(_has_file_name(x) for x in v)
    return False


def _leaves(node: Any, inherited: dict[str, Any]) -> list[dict[str, Any]]:
    """Flatten the metadata tree: each leaf gets its ancestors' keys (TSDF inheritance)."""
    if isinstance(node, list):
        return [leaf for x in node for leaf in _leaves(x, inherited)]
    if not isinstance(node, dict):
        return []
    props = dict(inherited)
    children = []
    for k, v in node.items():
        if k != "file_name" and _has_file_name(v):
            children.append(v)
        else:
            props[k] = v
    if not children:
        return [props] if "file_name" in props else []
    out = [props] if "file_name" in node else []
    for ch in children:
        out += _leaves(ch, props)
    return out


def _dtype(leaf: dict[str, Any], label: str) -> np.dtype:
    kinds = {"int": "i", "uint": "u", "float": "f"}
    ends = {"little": "<", "big": ">", "not applicable": "|"}
    try:
        kind = kinds[str(leaf["data_type"]).lower()]
        end = ends[str(leaf["endianness"]).lower()]
        nbytes = int(leaf["bits"]) // 8
        if int(leaf["bits"]) % 8 or nbytes not in (1, 2, 4, 8) or (kind == "f" and nbytes == 1):
            raise ValueError
        return np.dtype(f"{'|' if nbytes == 1 else end}{kind}{nbytes}")
    except (KeyError, ValueError, TypeError) as exc:
        raise FileFormatError(
            f"{label}: unsupported binary layout (data_type={leaf.get('data_type')!r}, "
            f"bits={leaf.get('bits')!r}, endianness={leaf.get('endianness')!r}). TSDF allows "
            "int/uint/float of 8-64 bits, little or big endian; check the metadata.") from exc


def _load(meta_path: Path, leaf: dict[str, Any]) -> np.ndarray:
    label = f"{meta_path} [{leaf['file_name']}]"
    bin_path = meta_path.parent / str(leaf["file_name"])
    if not bin_path.is_file():
        raise FileFormatError(f"{label}: the binary file {bin_path.name!r} named in the metadata "
                              "is missing. Copy the whole export folder.")
    dt = _dtype(leaf, label)
    n_ch = len(leaf["channels"])
    rows = int(leaf["rows"])
    expected = rows * n_ch * dt.itemsize
    size = bin_path.stat().st_size
    if size != expected:
        what = "truncated" if size < expected else "longer than described"
        raise FileFormatError(
            f"{label}: the file has {size} bytes but the metadata describes {rows} rows x "
            f"{n_ch} channels x {dt.itemsize} bytes = {expected} bytes: the file is {what} or "
            "the metadata belongs to another file. Copy the export again.")
    raw = np.fromfile(bin_path, dtype=dt).reshape(rows, n_ch)
    scale = leaf.get("scale_factors")
    values = raw.astype(np.float64)
    if scale is not None:
        try:
            sf = np.asarray(scale, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError) as exc:
            raise FileFormatError(f"{label}: scale_factors {scale!r} are not numbers.") from exc
        if sf.size == 1:
            sf = np.repeat(sf, n_ch)
        if sf.size != n_ch:
            raise FileFormatError(f"{label}: {sf.size} scale_factors for {n_ch} channels; the "
                                  "metadata is inconsistent. Export it again.")
        values = values * sf
    return values.T


def _time_scale(unit: str, label: str) -> tuple[str, float]:
    u = unit.lower()
    if any(w in u for w in ("delta", "difference", "diff")):
        mode = "delta"
    elif "relative" in u:
        mode = "relative"
    elif "absolute" in u or "unix" in u:
        mode = "absolute"
    else:
        raise FileFormatError(f"{label}: time unit {unit!r} is not one TSDF defines (e.g. "
                              "time_delta_ms, relative_s, absolute_unix_ms).")
    m = re.search(r"(?:^|[_\s])(us|ms|s)$", u)
    if m is None:
        raise FileFormatError(f"{label}: time unit {unit!r} does not end in _s, _ms or _us.")
    return mode, {"us": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(1)]


def _parse_iso(text: Any) -> tuple[datetime | None, bool]:
    """ISO 8601 to (naive datetime, tz_is_local); aware times are converted to UTC."""
    if not isinstance(text, str) or not text.strip():
        return None, True
    try:
        dt = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None, True
    if dt.tzinfo is not None:
        return dt.astimezone(UTC).replace(tzinfo=None), False
    return dt, True


def _plausible_time(t: np.ndarray, unit: str, header_span_s: float | None, label: str,
                    md: dict[str, Any]) -> np.ndarray:
    """Fix a factor-1000 error between the declared time unit and the values."""
    span = float(t[-1] - t[0])
    factor = 1.0
    how = ""
    if header_span_s is not None and header_span_s >= 2.0 and span > 0:
        ratio = span / header_span_s
        if 0.5e-3 <= ratio <= 2e-3:
            factor, how = 1000.0, "the values are 1000 times too small for the header's span"
        elif 500.0 <= ratio <= 2000.0:
            factor, how = 1e-3, "the values are 1000 times too large for the header's span"
        elif not 0.5 <= ratio <= 2.0:
            md["time_span_mismatch"] = {"time_file_s": span, "header_s": header_span_s}
            warnings.warn(
                f"{label}: the time values span {span:.6g} s but start_iso8601..end_iso8601 "
                f"span {header_span_s:.6g} s; kept the declared unit {unit!r}. Check the export.",
                ClonusWarning, stacklevel=5)
    elif t.size > 2:
        d = np.diff(t)
        med = float(np.median(d[d > 0])) if (d > 0).any() else 0.0
        if med > 0 and 1.0 / med > 20_000 and 1.0 / (med * 1000) >= 1.0:
            factor, how = 1000.0, f"a typical interval of {med:.3g} s means {1 / med:.3g} Hz"
    if factor != 1.0:
        real = "s" if factor == 1000.0 else "ms"
        md["time_unit_corrected"] = f"declared {unit!r}, read as {real}: {how}"
        warnings.warn(f"{label}: the time file says {unit!r} but {how}; it was read as {real}. "
                      "(A known TSDF export error; check the result.)", ClonusWarning,
                      stacklevel=5)
    return t * factor


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options, allowed=("anonymize",))
    anonymize = bool(opts.get("anonymize", False))
    metas = [f for f in _meta_candidates(path) if _looks_tsdf(f)]
    if not metas:
        raise FileFormatError(f"{path}: no TSDF metadata (*_meta.json) found.")
    if len(metas) > 1:
        raise FileFormatError(
            f"{path}: the folder holds {len(metas)} TSDF metadata files "
            f"({', '.join(m.name for m in metas[:5])}); read one at a time, e.g. "
            f"clonus.read('{metas[0]}').")
    meta_path = metas[0]
    try:
        root = json.loads(meta_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FileFormatError(f"{meta_path}: the metadata is not valid JSON ({exc}). Export it "
                              "again.") from exc
    if not isinstance(root, dict):
        raise FileFormatError(f"{meta_path}: the metadata is not a JSON object.")
    leaves = _leaves(root, {})
    for leaf in leaves:
        missing = [k for k in _REQUIRED if k not in leaf]
        chans, units = leaf.get("channels"), leaf.get("units")
        if missing or not isinstance(chans, list) or not isinstance(units, list) or \
                len(chans) != len(units) or not chans:
            raise FileFormatError(
                f"{meta_path}: the entry for {leaf.get('file_name')!r} is incomplete (missing "
                f"{missing or 'matching channels/units lists'}). Export the metadata again.")
        try:
            leaf["rows"] = int(leaf["rows"])
        except (TypeError, ValueError) as exc:
            raise FileFormatError(f"{meta_path}: rows={leaf['rows']!r} is not a number.") from exc
        if leaf["rows"] < 0:
            raise FileFormatError(f"{meta_path}: rows={leaf['rows']} is negative.")
    times = [lf for lf in leaves if [str(c).lower() for c in lf["channels"]] == ["time"]]
    if len(times) != 1:
        raise FileFormatError(f"{meta_path}: expected one time file (channels ['time']), found "
                              f"{len(times)}. This reader needs one time base per metadata file.")
    tleaf = times[0]
    label = f"{meta_path} [{tleaf['file_name']}]"
    rows = tleaf["rows"]
    if rows < 2:
        raise FileFormatError(f"{label}: {rows} rows; at least 2 samples are needed.")
    tunit = str(tleaf["units"][0])
    if isinstance(tleaf.get("time_encode"), str) and not re.search(
            r"delta|diff|relative|absolute|unix", tunit, re.I):
        # the PPP layout of the tsdf package's own example: units ["ms"] plus
        # "time_encode": "difference" (or "relative" / "absolute")
        tunit = f"{tleaf['time_encode']}_{tunit}"
    mode, tscale = _time_scale(tunit, label)
    tv = _load(meta_path, tleaf)[0]
    if not np.isfinite(tv).all():
        i = int(np.flatnonzero(~np.isfinite(tv))[0])
        raise FileFormatError(f"{label}: time value {i} is {tv[i]!r}; the time file is corrupt.")
    t = np.cumsum(tv) * tscale if mode == "delta" else tv * tscale
    start, tz_local = _parse_iso(root.get("start_iso8601", tleaf.get("start_iso8601")))
    end, _ = _parse_iso(root.get("end_iso8601", tleaf.get("end_iso8601")))
    header_span = (end - start).total_seconds() if start and end else None
    md: dict[str, Any] = {"time_unit": tunit}
    t = _plausible_time(t, tunit, header_span, label, md)

    names, chans_raw, rows_data, skipped = [], [], [], []
    for leaf in leaves:
        if leaf is tleaf:
            continue
        if leaf["rows"] != rows:
            skipped.append(str(leaf["file_name"]))
            continue
        vals = _load(meta_path, leaf)
        for j, (ch, unit) in enumerate(zip(leaf["channels"], leaf["units"], strict=True)):
            cname = str(ch)
            if cname.lower() == "quality" or str(unit).lower().startswith("boolean"):
                u, c = np.unique(vals[j], return_counts=True)
                md.setdefault("quality_counts", {})[cname] = {
                    str(int(k)) if float(k).is_integer() else str(k): int(n)
                    for k, n in zip(u, c, strict=True)}
                continue
            base, _, axis = cname.rpartition("_")
            name = (f"{_NAME_MAP[base.lower()]}_{axis.lower()}"
                    if base.lower() in _NAME_MAP and axis.lower() in "xyz" else safe_name(cname))
            names.append(name)
            chans_raw.append((name, str(unit), cname))
            rows_data.append(vals[j])
    if not names:
        raise FileFormatError(f"{meta_path}: no signal channels with the time file's {rows} rows.")
    if len(set(names)) != len(names):
        raise FileFormatError(f"{meta_path}: repeated channel names {names}.")
    check_unit_overrides(opts["units"], names, path)
    chans, data_rows = [], []
    for (name, unit, _orig), row in zip(chans_raw, rows_data, strict=True):
        ch, sc = unit_channel(name, unit, units=opts["units"], source=str(meta_path))
        chans.append(ch)
        data_rows.append(row * sc)
    md["channel_names_in_file"] = [c[2] for c in chans_raw]
    if skipped:
        md["skipped_files"] = skipped
    data = np.vstack(data_rows)
    data, t, md_nan = handle_nonfinite(data, names, path=path, nan_policy=opts["nan_policy"],
                                       timestamps=t)
    t, data, md_rep = clean_timestamps(t, data, path=label)
    t0 = float(t[0])
    data, fs, md_t = uniform_from_timestamps(t - t0, data, path=path)
    md.update(md_nan)
    md.update(md_rep)
    md.update(md_t)
    if mode == "absolute":
        start, tz_local = datetime(1970, 1, 1) + timedelta(seconds=t0), False
    elif start is not None and math.isfinite(t0):
        start = start + timedelta(seconds=t0)
    for key in ("study_id", "device_id", "metadata_version"):
        if key in root and isinstance(root[key], (str, int, float)):
            md[f"tsdf_{key}"] = root[key]
    ident = {k: v for k, v in root.items() if isinstance(v, (str, int, float))
             and any(w in k.lower() for w in _IDENTITY_WORDS)}
    if anonymize:
        md["anonymized"] = True
    elif ident:
        md["tsdf_identity"] = ident
    logger.info("%s: TSDF, %d channels at %.6g Hz", meta_path, len(chans), fs)
    return [make_recording(data, fs, chans, path=path, fmt=FMT, start_time=start,
                           tz_is_local=tz_local, metadata=md)]


register(Reader(
    name=FMT,
    description="TSDF export (JSON metadata + binaries), e.g. Verily Study Watch",
    extensions=(".json",),
    sniff=sniff,
    read_groups=read_groups,
))
