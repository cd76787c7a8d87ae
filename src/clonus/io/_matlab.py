"""MATLAB ``.mat`` files (v6/v7, read with :func:`scipy.io.loadmat`): simulator and lab output.

Neuromechanical models are often run in MATLAB/Simulink, and lab scripts save their signals as
``.mat``. There is no single layout, so the reader takes the common ones:

* **Variables side by side**: a time vector (``t``, ``time``, ``tout``, ``t_s``, ``time_s``...)
  and signal vectors of the same length (``theta``, ``ankle_angle_deg``, ``emg_uV``...), or a
  sampling rate (``fs``, ``Fs``, ``fs_hz``, ``sampling_rate``, ``srate``) instead of the time
  vector. A matrix with one dimension of that length gives one channel per column
  (``gyro`` of n x 3 -> ``gyro_x``, ``gyro_y``, ``gyro_z``; other widths ``name_1``...).
* **Simulink "Structure With Time"** (To Workspace block): a struct with ``time`` and
  ``signals`` (``values``, optional ``label``), one or several.
* **Simulink timeseries saved as a struct** is not readable without MATLAB (a MCOS object):
  the error says to save ``ts.Time`` and ``ts.Data`` as plain variables.

Units come from the variable names (``theta_rad``, ``omega_rad_s``, ``gyro_dps``,
``emg_mV``: :func:`clonus.io._common.split_suffix_unit`); without one a motion channel is
analysed with the unit judged from its size, as for any unitless export. Kinds come from the
names too (``theta``/``angle`` -> angle, ``omega``/``gyro`` -> gyro, ``acc`` -> acc, ``emg``
-> emg). Variable-step (adaptive) time vectors are put on a uniform grid. MATLAB 7.3 files
(HDF5) are not read: save with ``save(..., '-v7')``.
"""

from __future__ import annotations

import re
import struct
import zlib
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
    make_recording,
    split_suffix_unit,
    uniform_from_timestamps,
    unit_channel,
)
from ._registry import Reader, register

FMT = "matlab"
_TIME_NAMES = ("t", "time", "tout", "t_s", "time_s", "times", "timestamp", "timestamps")
_FS_NAMES = ("fs", "fs_hz", "srate", "sampling_rate", "sample_rate", "samplerate",
             "sampling_frequency", "fsamp")
_AXES = ("x", "y", "z")


def sniff(p: Path) -> bool:
    if not p.is_file():
        return False
    with open(p, "rb") as fh:
        head = fh.read(128)
    return head.startswith(b"MATLAB 5.0 MAT-file") or head.startswith(b"MATLAB 7.3 MAT-file")


def _vector(v: Any) -> np.ndarray | None:
    """A real numeric 1-D or 2-D array, or None."""
    if not isinstance(v, np.ndarray) or v.dtype.kind not in "fiub" or v.size < 2:
        return None
    a = np.asarray(v, dtype=np.float64)
    return a if a.ndim in (1, 2) else None


def _struct_fields(v: Any) -> dict[str, Any] | None:
    names = getattr(v, "_fieldnames", None)
    return {n: getattr(v, n) for n in names} if names else None


def _simulink(name: str, v: Any) -> tuple[np.ndarray, list[tuple[str, np.ndarray]]] | None:
    """A Simulink 'Structure With Time': (time, [(channel name, values)])."""
    f = _struct_fields(v)
    if not f or "time" not in f or "signals" not in f:
        return None
    t = _vector(f["time"])
    if t is None:
        return None
    t = t.ravel()
    sigs = f["signals"]
    sigs = list(sigs) if isinstance(sigs, np.ndarray) and sigs.dtype == object else [sigs]
    out: list[tuple[str, np.ndarray]] = []
    for k, s in enumerate(sigs):
        sf = _struct_fields(s) or {}
        vals = _vector(sf.get("values"))
        if vals is None:
            continue
        label = sf.get("label")
        base = str(label) if isinstance(label, str) and label.strip() else (
            name if len(sigs) == 1 else f"{name}_{k + 1}")
        out.extend(_columns(base, vals, t.size))
    return t, out


def _columns(name: str, a: np.ndarray, n: int) -> list[tuple[str, np.ndarray]]:
    """Channels of variable ``a`` whose length along one dimension is ``n``."""
    if a.ndim == 1 or 1 in a.shape:
        v = a.ravel()
        return [(name, v)] if v.size == n else []
    if a.shape[0] == n:
        cols = a.T
    elif a.shape[1] == n:
        cols = a
    else:
        return []
    base, unit_sfx = name, ""
    unit = split_suffix_unit(name)
    if unit is not None:
        # keep the unit at the end of each column's name: gyro_dps -> gyro_x_dps ...
        tokens = [tok for tok in re.split(r"[_.\- ]", name) if tok]
        for k in range(1, min(4, len(tokens) - 1) + 1):
            head, tail = "_".join(tokens[:-k]), "_".join(tokens[-k:])
            if split_suffix_unit(f"{head}_x_{tail}") == unit:
                base, unit_sfx = head, "_" + tail
                break
    labels = (list(_AXES) if len(cols) == 3 else [str(k + 1) for k in range(len(cols))])
    return [(f"{base}_{lab}{unit_sfx}", c) for lab, c in zip(labels, cols, strict=True)]


# ----------------------------------------------------------------------------- v5 structure
# scipy.io.loadmat is not hardened against damaged files: some make it crash the whole Python
# process (segmentation fault) instead of raising - a data-type code that indexes past its
# table, a complex flag without an imaginary part, an element longer than the file (fuzzing of
# clonus, session 14; scipy PRs 25166 and 25349). The file's element structure is therefore
# walked first, and anything of that kind refused as a damaged file. The walk accepts every
# v5 file in scipy's own MATLAB-written test data.
_MI_NUMERIC = frozenset({1, 2, 3, 4, 5, 6, 7, 9, 12, 13, 16, 17, 18})
_MI_MATRIX, _MI_COMPRESSED = 14, 15


class _Damaged(Exception):
    """Where a MAT-file's element structure is broken."""


def _mat_tag(buf: bytes, pos: int, end: int, e: str) -> tuple[int, int, int, int]:
    """(data type, byte count, data start, next element) of the element tag at ``pos``."""
    if pos + 8 > end:
        raise _Damaged(f"an element tag at byte {pos} runs past the end")
    (first,) = struct.unpack_from(e + "I", buf, pos)
    if first >> 16:  # small data element: type and count in one word, data in the next
        n = first >> 16
        if n > 4:
            raise _Damaged(f"a small element at byte {pos} claims {n} bytes")
        return first & 0xFFFF, n, pos + 4, pos + 8
    mdtype, n = struct.unpack_from(e + "II", buf, pos)
    if pos + 8 + n > end:
        raise _Damaged(f"the element at byte {pos} claims {n} bytes, past the end")
    return mdtype, n, pos + 8, pos + 8 + n + (-n % 8)


def _mat_matrix(buf: bytes, start: int, end: int, e: str, depth: int) -> None:
    if depth > 64:
        raise _Damaged("arrays nested more than 64 deep")
    pos, k, mclass, cplx = start, 0, 0, 0
    while pos < end:
        mdtype, n, s, nxt = _mat_tag(buf, pos, end, e)
        if k == 0 and mdtype == 6 and n >= 4:  # array flags: class, complex bit
            (flags,) = struct.unpack_from(e + "I", buf, s)
            mclass, cplx = flags & 0xFF, (flags >> 11) & 1
        if mdtype == _MI_MATRIX:
            if n:
                _mat_matrix(buf, s, s + n, e, depth + 1)
        elif mdtype not in _MI_NUMERIC:
            raise _Damaged(f"unknown data type code {mdtype} at byte {pos}")
        elif k == 1 and mdtype == 5:  # dimensions
            size = 1
            for d in struct.unpack_from(f"{e}{n // 4}i", buf, s):
                if d < 0:
                    raise _Damaged(f"a negative array dimension ({d})")
                size *= d
            if size > 2**40:
                raise _Damaged("array dimensions beyond any real array")
        pos, k = min(nxt, end), k + 1
    # parts after flags, dimensions and name: numeric and char arrays need their data (and an
    # imaginary part when flagged complex), sparse ones row and column indices and values
    need = (3 if mclass == 5 else 1 if 4 <= mclass <= 15 else 0) + cplx
    if k and k - 3 < need:
        raise _Damaged(f"an array (class {mclass}) with {max(k - 3, 0)} of its {need} data parts")


def _mat_elements(buf: bytes, pos: int, e: str, compressed: bool) -> None:
    end = len(buf)
    while end - pos >= 8:
        mdtype, n, s, _ = _mat_tag(buf, pos, end, e)
        if mdtype == _MI_COMPRESSED and not compressed:
            try:
                inner = zlib.decompressobj().decompress(buf[s:s + n])
            except zlib.error as exc:
                raise _Damaged(f"compressed data at byte {pos} is corrupt ({exc})") from exc
            _mat_elements(inner, 0, e, True)
        elif mdtype == _MI_MATRIX:
            _mat_matrix(buf, s, s + n, e, 0)
        else:
            raise _Damaged(f"a top-level element of type {mdtype} at byte {pos}")
        pos = s + n


def _check_v5(path: Path) -> None:
    """Refuse a v5 MAT-file whose element structure is broken (before scipy reads it)."""
    buf = path.read_bytes()
    try:
        if len(buf) < 128 or buf[126:128] not in (b"IM", b"MI"):
            raise _Damaged("its 128-byte header is incomplete")
        _mat_elements(buf, 128, "<" if buf[126:128] == b"IM" else ">", False)
    except (_Damaged, struct.error) as exc:
        raise FileFormatError(f"{path}: the MATLAB file is damaged ({exc}); it is truncated or "
                              "corrupt. Save it again.") from exc


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options)
    with open(path, "rb") as fh:
        head = fh.read(128)
    if head.startswith(b"MATLAB 7.3 MAT-file"):
        raise FileFormatError(
            f"{path}: a MATLAB 7.3 (HDF5) file, which clonus does not read. Save it again "
            "with save(filename, ..., '-v7'), or export a CSV with a time column.")
    from scipy.io import loadmat

    _check_v5(path)
    try:
        mat = loadmat(str(path), squeeze_me=True, struct_as_record=False)
    except (ValueError, TypeError, OSError, NotImplementedError) as exc:
        raise FileFormatError(f"{path}: the MATLAB file cannot be read ({exc}); it is "
                              "truncated or damaged. Save it again.") from exc
    except Exception as exc:  # scipy raises several private error types on corrupt files
        raise FileFormatError(f"{path}: the MATLAB file cannot be read "
                              f"({type(exc).__name__}: {exc}); it is truncated or damaged. "
                              "Save it again.") from exc
    variables = {k: v for k, v in mat.items() if not k.startswith("__")}
    if not variables:
        raise FileFormatError(f"{path}: the MATLAB file holds no variables.")
    lower = {k.lower(): k for k in variables}

    t: np.ndarray | None = None
    fs: float | None = None
    chans: list[tuple[str, np.ndarray]] = []
    skipped: list[str] = []
    structs = [(k, _simulink(k, v)) for k, v in variables.items()]
    structs = [(k, s) for k, s in structs if s is not None]
    if structs:
        t = structs[0][1][0]
        for k, (ts, cols) in structs:
            if ts.size != t.size or not np.allclose(ts, t):
                skipped.append(k)  # another time base
                continue
            chans.extend(cols)
    else:
        tname = next((lower[n] for n in _TIME_NAMES if n in lower), None)
        fname = next((lower[n] for n in _FS_NAMES if n in lower), None)
        if tname is not None and _vector(variables[tname]) is not None:
            t = _vector(variables[tname]).ravel()  # type: ignore[union-attr]
        elif fname is not None and np.ndim(variables[fname]) == 0:
            fs = float(variables[fname])
            if not np.isfinite(fs) or fs <= 0:
                raise FileFormatError(f"{path}: the sampling rate {fname} = {fs!r} is not a "
                                      "positive number of Hz.")
        else:
            raise FileFormatError(
                f"{path}: no time vector ({', '.join(_TIME_NAMES[:4])}...) and no sampling rate "
                f"(fs, Fs, fs_hz...) among the variables {sorted(variables)[:10]}. Save the time "
                "vector as 't' (seconds) or the rate as 'fs' (Hz).")
        n = t.size if t is not None else None
        if n is None:
            lengths = [max(a.shape) for a in map(_vector, variables.values()) if a is not None]
            n = max(lengths) if lengths else 0
        for k, v in variables.items():
            if k in (tname, fname):
                continue
            a = _vector(v)
            cols = _columns(k, a, n) if a is not None else []
            if cols:
                chans.extend(cols)
            else:
                skipped.append(k)
    if not chans:
        raise FileFormatError(
            f"{path}: no signal of the time vector's length among the variables "
            f"{sorted(variables)[:10]}. A MATLAB timeseries object cannot be read outside "
            "MATLAB: save ts.Time as 't' and ts.Data as a plain variable.")
    names = [c[0] for c in chans]
    if len(set(names)) != len(names):
        raise FileFormatError(f"{path}: repeated signal names {names}; rename the variables.")
    check_unit_overrides(opts["units"], names, path)
    data = np.vstack([c[1] for c in chans])
    channels, scales = [], []
    for nm in names:
        ch, sc = unit_channel(nm, split_suffix_unit(nm), units=opts["units"], source=str(path))
        channels.append(ch)
        scales.append(sc)
    data = data * np.asarray(scales)[:, None]
    md: dict[str, Any] = {"variables": sorted(variables)}
    if skipped:
        md["skipped_variables"] = skipped
    if t is not None:
        data, t2, md_nan = handle_nonfinite(data, names, path=path,
                                            nan_policy=opts["nan_policy"], timestamps=t)
        assert t2 is not None
        t2, data, md_t = clean_timestamps(t2, data, path=path)
        data, fs_u, md_u = uniform_from_timestamps(t2, data, path=path)
        md.update({**md_nan, **md_t, **md_u, "time_offset_s": float(t2[0])})
        return [make_recording(data, fs_u, channels, path=path, fmt=FMT, metadata=md)]
    data, _, md_nan = handle_nonfinite(data, names, path=path, nan_policy=opts["nan_policy"])
    md.update(md_nan)
    assert fs is not None
    return [make_recording(data, fs, channels, path=path, fmt=FMT, metadata=md)]


register(Reader(
    name=FMT,
    description="MATLAB .mat (v6/v7): a time vector or 'fs' with signal variables, or "
    "Simulink 'Structure With Time'; units from the names (theta_rad, emg_uV)",
    extensions=(".mat",),
    sniff=sniff,
    read_groups=read_groups,
))
