"""APDM Moveo Explorer joint-angle CSV exports (joint angles computed from Opal IMUs).

Layout (learnt from one public export, de-identified; no published specification found)::

    "CSV.5 | Subject Group","<group>"
    "Subject Public ID","<id>"
    "Subject First Name","<name>"
    "Subject Last Name","<name>"
    "Subject Date of Birth","<date>"
    "Record Date/Time","20250108-104732SGT"
    "Condition","Free Form"
    "File Name","<...>.h5"
    "Trial Notes",""
    "Analysis Log",""
    "Analysis Version","2"
    <blank line>
    "Sample Rate","128.0"
    "Joint Angle Units","degrees"
    "Duration (s)","36.359375"
    "Sample Number (#)","Time (ms)","Neck right / left lateral bending (+/-)",...,
        "Ankle (R) dorsiflexion / plantarflexion (+/-)"
    "1","0.0000","","",...,"-125.90","150.13",...

Every cell is quoted; the 38 joint-angle columns of a joint whose sensors were not worn are
empty (``""``) on every row.

Channels: one per joint column that holds data, named ``<joint>[_<side>]_<positive
direction>[_<shared noun>]`` from its header: ``"Ankle (R) dorsiflexion / plantarflexion
(+/-)"`` -> ``ankle_r_dorsiflexion``, ``"Hip (L) internal / external rotation (+/-)"`` ->
``hip_l_internal_rotation``, ``"Neck right / left lateral bending (+/-)"`` ->
``neck_right_lateral_bending``. The header's ``(+/-)`` says that the first named direction is
positive; ``metadata["sign_convention"]`` records it per channel and ``metadata["columns"]``
the original header. Angles are converted to rad (``Joint Angle Units``). The ankle's
dorsiflexion / plantarflexion column (dorsiflexion positive, the clonus convention) is kind
``angle``, the goniometer channel that :func:`clonus.assess` analyses; every other joint angle
is kind ``misc`` (the knee or hip moving during the examination is not the ankle's clonus).
Columns that are empty on every row are dropped and listed in ``metadata["empty_columns"]``.
``joint=`` (a channel name, a prefix such as ``"ankle_r"`` or ``"ankle"``, the file's joint label
``"Ankle (R)"`` or a column header; or a list of them) and ``side=`` (``"left"``/``"right"``)
read only those joints.

Timing: ``fs`` is the header's ``Sample Rate``. The ``Time (ms)`` column of the export seen holds
**seconds** (0.0000, 0.0078, 0.0156 at 128 Hz): its unit is judged from its step against the
declared rate (the header's unit when it fits, else s or ms, whichever gives 1 / Sample Rate per
sample) and ``metadata["time_unit"]`` / ``metadata["time_unit_note"]`` say what was done. The
times must follow one rate (a straight line through time against sample number, within 1 % of
the declared rate and a quarter sample everywhere: otherwise mixed rates or an edited file, a
:class:`FileFormatError`); repeated or backward times and sample numbers are refused; rows
missing inside the file (a ``Sample Number`` jump) are refused unless ``nan_policy="omit"``,
which bridges them by linear interpolation and lists them in ``metadata["gap_intervals_s"]``.
The number of samples must agree with ``Duration (s)`` (N / rate, or (N - 1) / rate): fewer
rows mean a truncated file.

Privacy: the subject block (``Subject ...`` fields: group, public id, first and last name, date
of birth), ``Record Date/Time``, ``File Name`` (often the subject's id or name), ``Trial Notes``
and ``Analysis Log`` (free text) and any header field not known to be harmless are kept in
``metadata["moveo_identity"]`` only with the default ``anonymize=False``; they are never logged,
never put in channel names, and ``clonus info`` does not show them. ``start_time`` is left
unset (the record date is identifying). :func:`anonymize_moveo` writes a copy of the file with
those fields blanked.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from .._logging import logger
from ..exceptions import FileFormatError, InvalidParameterError
from ..model import Recording
from ._common import (
    check_declared_rate,
    check_options,
    check_unit_overrides,
    head_text,
    make_recording,
    nonfinite_error,
    parse_table,
    safe_name,
    split_name_unit,
    unit_channel,
)
from ._registry import Reader, register

FMT = "moveo"
#: Header rows searched for the table header (the key/value block has about 16).
_MAX_HEADER_ROWS = 400
#: Header fields that may be shown (everything else is kept private: see the module docstring).
_PUBLIC_FIELDS = ("Sample Rate", "Joint Angle Units", "Duration (s)", "Condition",
                  "Analysis Version")
#: "Joint [(L|R)] <positive> / <negative>[ <shared noun>] (+/-)"
_JOINT_RE = re.compile(r"^(?P<joint>[A-Za-z][A-Za-z ]*?)\s*(?:\((?P<side>[LR])\))?\s+"
                       r"(?P<pos>[^\s/()]+)\s*/\s*(?P<neg>[^()/]+?)\s*\(\+/-\)$")
_SIDES = {"l": "L", "left": "L", "r": "R", "right": "R"}
#: A time step off the declared rate by more than this fraction means another rate.
_RATE_TOL = 0.01
#: Largest distance (in sample periods) of a time from the line through all of them.
_GRID_TOL_PERIODS = 0.25
#: Spellings the unit table does not know (it knows "degrees")
_UNIT_SPELLINGS = {"radians": "rad", "radian": "rad"}
_TIME_SCALES = {"s": 1.0, "sec": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6}


@dataclass
class _Column:
    index: int          # column in the table
    header: str         # as written
    name: str           # clonus channel name
    joint: str          # "Ankle"
    side: str           # "L", "R" or ""
    sign: str           # "dorsiflexion positive, plantarflexion negative" ("" if unknown)
    kind: str           # "angle" (ankle dorsiflexion) or "misc"


# ---------------------------------------------------------------------------- detection
def _cells(line: str) -> list[str]:
    try:
        return [c.strip() for c in next(csv.reader([line]))]
    except (csv.Error, StopIteration):
        return []


def _is_table_header(cells: Sequence[str]) -> bool:
    return (len(cells) > 2 and cells[0].lower().startswith("sample number")
            and cells[1].lower().startswith("time")
            and any(c.endswith("(+/-)") for c in cells[2:]))


def sniff(p: Path) -> bool:
    """A ``"Sample Number (#)","Time (...)",<joint> (+/-),...`` row within the first 64 kB; or
    (a file cut or damaged in its header, for the reader to say so) a first line
    ``"CSV.<n> | ..."`` or a ``"Joint Angle Units"`` line."""
    if not p.is_file():
        return False
    lines = head_text(p, 65536).splitlines()
    if lines and re.match(r'^"?CSV\.\d+ \| ', lines[0]):
        return True
    for ln in lines[:_MAX_HEADER_ROWS]:
        low = ln.lower()
        if ("sample number" in low and _is_table_header(_cells(ln))) or \
                _cells(ln)[:1] == ["Joint Angle Units"]:
            return True
    return False


# ---------------------------------------------------------------------------- columns
def _column(j: int, header: str) -> _Column:
    m = _JOINT_RE.match(header)
    if m is None:  # another layout: kept under its own name, sign unknown
        stem = header[:-5] if header.endswith("(+/-)") else header
        return _Column(j, header, safe_name(stem), "", "", "", "misc")
    joint, side, pos, neg = m.group("joint"), m.group("side") or "", m.group("pos"), \
        m.group("neg").split()
    shared = neg[1:]
    name = safe_name(" ".join([joint, side, pos, *shared]))
    sign = (f"{' '.join([pos, *shared])} positive, {' '.join(neg)} negative")
    kind = "angle" if joint.lower() == "ankle" and pos.lower() == "dorsiflexion" and \
        neg[0].lower() == "plantarflexion" else "misc"
    return _Column(j, header, name, joint, side, sign, kind)


def _unique_names(cols: list[_Column]) -> None:
    seen: dict[str, int] = {}
    for c in cols:
        k = seen.get(c.name, 0) + 1
        seen[c.name] = k
        if k > 1:
            c.name = f"{c.name}_{k}"


def _select(path: Path, cols: list[_Column], empty: set[str], joint: Any,
            side: Any) -> list[_Column]:
    """The columns that ``joint=`` and ``side=`` ask for (all of them by default)."""
    out = cols
    if side is not None:
        s = _SIDES.get(str(side).strip().lower()) if isinstance(side, str) else None
        if s is None:
            raise InvalidParameterError(f"side= must be 'left' or 'right' (or 'L', 'R'), got "
                                        f"{side!r}.")
        out = [c for c in out if c.side == s]
    if joint is not None:
        wants = [joint] if isinstance(joint, str) else list(joint) if isinstance(
            joint, Sequence) else None
        if not wants or not all(isinstance(w, str) and w.strip() for w in wants):
            raise InvalidParameterError(
                f"joint= must be a joint such as 'ankle_r', 'Ankle (R)' or "
                f"'ankle_r_dorsiflexion' (or a list of them), got {joint!r}.")
        hit: set[str] = set()
        for w in wants:
            key, stem = w.strip().lower(), safe_name(w)
            found = [c for c in out if c.name == stem or c.name.startswith(stem + "_")
                     or c.header.lower() == key]
            with_data = [c for c in found if c.name not in empty]
            if not with_data:
                have = sorted({c.name for c in cols if c.name not in empty})
                why = ("its column(s) are empty in this file (the sensors were not worn)"
                       if found else "no such joint" + (f" on the {side} side" if side
                                                        else "") + " in this file")
                raise InvalidParameterError(
                    f"{path}: joint {w!r}: {why}. Joint angles with data: {have} (give a "
                    "channel name, a prefix such as 'ankle_r', or the file's label such as "
                    "'Ankle (R)').")
            hit.update(c.name for c in with_data)
        out = [c for c in out if c.name in hit]
    elif side is not None and not [c for c in out if c.name not in empty]:
        have = sorted({c.name for c in cols if c.name not in empty})
        raise InvalidParameterError(f"{path}: no joint angle with data on the {side} side. "
                                    f"Joint angles with data: {have}.")
    return out


# ---------------------------------------------------------------------------- header
def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise FileFormatError(f"{path}: the file contains NUL bytes, so it is not a text export "
                              "(or it is corrupt). Export the trial again from Moveo Explorer.")
    try:
        return raw.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _lines(text: str) -> list[str]:
    """Physical lines with their ends (``\r\n``, ``\r`` or ``\n``, as the csv module
    counts them)."""
    return _LINE_RE.findall(text)


def _split(path: Path, text: str) -> tuple[dict[str, str], list[str], list[str], int]:
    """Header fields, table header cells, data lines and the file line of the first data line.

    The key/value block is read with the csv module, so that a quoted note holding commas or
    line breaks stays one field."""
    fields: dict[str, str] = {}
    reader = csv.reader(io.StringIO(text, newline=None))
    row: list[str] = []
    try:
        for k, r in enumerate(reader):
            cells = [c.strip() for c in r]
            if _is_table_header(cells):
                row = cells
                break
            if k >= _MAX_HEADER_ROWS:
                break
            if cells and cells[0]:
                fields.setdefault(cells[0], cells[1] if len(cells) > 1 else "")
    except csv.Error as exc:
        raise FileFormatError(f"{path}: the header block cannot be read as CSV ({exc}). The "
                              "header is damaged; export the trial again from Moveo "
                              "Explorer.") from None
    if not row:
        raise FileFormatError(
            f"{path}: no '\"Sample Number (#)\",\"Time (ms)\",<joint angles>' header row. The "
            "file is cut off inside its header, or it is not a Moveo Explorer joint-angle "
            "export; export the trial again.")
    n_head = reader.line_num  # physical lines up to and including the table header
    body = [ln.rstrip("\r\n") for ln in _lines(text)[n_head:]]
    while body and not body[-1].strip():
        body.pop()
    return fields, row, body, n_head + 1


def _number(path: Path, fields: Mapping[str, str], key: str, *, required: bool) -> float | None:
    if key not in fields:
        if required:
            raise FileFormatError(
                f"{path}: the header has no '{key}' line, so the sampling rate is unknown. "
                "The header is damaged or cut; export the trial again from Moveo Explorer.")
        return None
    text = fields[key]
    try:
        v = float(text)
    except ValueError:
        v = math.nan
    if not (math.isfinite(v) and 0 < v < 1e6):
        what = "a rate in Hz" if key == "Sample Rate" else "a duration in seconds"
        raise FileFormatError(f"{path}: the header's '{key}' is {text[:40]!r}, not {what}. The "
                              "header is damaged; export the trial again from Moveo Explorer.")
    return v


# ---------------------------------------------------------------------------- timing
def _time_scale(path: Path, header: str, t: np.ndarray, s: np.ndarray, fs: float,
                md: dict[str, Any]) -> float:
    """Factor to seconds of the time column, judged from its step against the declared rate."""
    _, unit = split_name_unit(header)
    stated = _TIME_SCALES.get((unit or "").strip().lower())
    # the mean step over the file: the times are written with 4 decimals, so single steps of
    # 1/128 s read 0.0078 or 0.0079, and at higher rates they can be off by more than 1 %
    with np.errstate(all="ignore"):
        step = float((t[-1] - t[0]) / (s[-1] - s[0]))
    period = 1.0 / fs
    order = ([stated] if stated else []) + [x for x in (1.0, 1e-3, 1e-6) if x != stated]
    for scale in order:
        if math.isfinite(step) and abs(step * scale - period) <= _RATE_TOL * period:
            name = {1.0: "s", 1e-3: "ms", 1e-6: "us"}[scale]
            md["time_unit"] = name
            if stated is not None and scale != stated:
                md["time_unit_note"] = (
                    f"the column is headed {header!r} but its values advance by about "
                    f"{step:.4g} per sample, which is 1 / {fs:g} Hz (the header's Sample Rate) "
                    f"in {name}: read as {name}")
                logger.info("%s: %s read as %s (its step %.6g matches the %g Hz Sample "
                            "Rate)", path, header, name, step, fs)
            return scale
    raise FileFormatError(
        f"{path}: the header's Sample Rate is {fs:g} Hz (a sample every {period:.6g} s), but "
        f"{header!r} advances by {step:.6g} per sample, which is not that step in s, ms or us: "
        "the rate or the times are wrong (mixed rates, or an edited file). Export the trial "
        "again from Moveo Explorer.")


def _check_time(path: Path, header: str, t: np.ndarray, s: np.ndarray, fs: float,
                first_line: int, md: dict[str, Any]) -> np.ndarray:
    """Check sample numbers and times; return each row's sample index from the first (k)."""
    for arr, what in ((s, "Sample Number"), (t, header)):
        bad = ~np.isfinite(arr)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise FileFormatError(
                f"{path}: {what!r} is empty or not a number in row {first_line + i}. The file is "
                "damaged; fix or delete that row, or export the trial again.")
    if (np.abs(s) > 2**53).any() or (s != np.round(s)).any():
        i = int(np.flatnonzero((np.abs(s) > 2**53) | (s != np.round(s)))[0])
        raise FileFormatError(f"{path}: 'Sample Number' in row {first_line + i} is "
                              f"{float(s[i]):.10g}, not a whole number. The file is damaged; "
                              "export it again.")
    for arr, what in ((s, "Sample Number"), (t, "Time")):
        d = np.diff(arr)
        if (d == 0).any():
            i = int(np.flatnonzero(d == 0)[0]) + 1
            raise FileFormatError(
                f"{path}: {what} repeats at row {first_line + i} ({float(arr[i]):.10g}; "
                f"{int((d == 0).sum())} repeat(s)): rows were duplicated. Delete the "
                "duplicates or export the trial again.")
        if (d < 0).any():
            i = int(np.flatnonzero(d < 0)[0]) + 1
            raise FileFormatError(
                f"{path}: {what} goes backwards at row {first_line + i} "
                f"({float(arr[i - 1]):.10g} then {float(arr[i]):.10g}): the file was concatenated "
                "or edited. Split it there or export the trial again.")
    scale = _time_scale(path, header, t, s, fs, md)
    k = s - s[0]
    with np.errstate(all="ignore"):
        ts = (t - t[0]) * scale
    if not (np.isfinite(ts).all() and ts[-1] < 1e9):
        raise FileFormatError(f"{path}: the times run to {float(t[-1]):.10g}; the file is "
                              "damaged. Export the trial again.")
    # the span against the sample count (rows missing without a Sample Number jump, or a
    # wrong rate), then the shape of the times (one rate throughout)
    check_declared_rate(path, timedelta(0), timedelta(seconds=float(ts[-1])), int(k[-1]) + 1,
                        fs)
    with np.errstate(all="ignore"):
        km = float(np.mean(k))
        var = float(np.mean((k - km) ** 2))
        slope = float(np.mean((k - km) * (ts - np.mean(ts)))) / var if var > 0 else math.nan
    if not (math.isfinite(slope) and slope > 0 and abs(1.0 / slope - fs) <= _RATE_TOL * fs):
        raise FileFormatError(
            f"{path}: the times advance at {1.0 / slope if slope > 0 else math.nan:.6g} Hz "
            f"over the file, not the header's Sample Rate {fs:g} Hz: the file mixes rates or "
            "was edited. Export the trial again from Moveo Explorer.")
    with np.errstate(all="ignore"):
        resid = ts - (np.mean(ts) + slope * (k - km))
    off = np.abs(resid) > _GRID_TOL_PERIODS / fs + 1e-4  # + rounding to 4 decimals
    if off.any():
        i = int(np.flatnonzero(off)[0])
        raise FileFormatError(
            f"{path}: the times do not follow one steady rate: the time in row "
            f"{first_line + i} ({float(t[i]):.10g}) is {resid[i] * fs:+.2f} samples off a steady "
            f"{fs:g} Hz fitted through all the rows. The file mixes rates, or rows were edited "
            "or concatenated; export the trial again from Moveo Explorer.")
    return k.astype(np.int64)


def _check_duration(path: Path, declared: float | None, n: int, fs: float) -> None:
    """``Duration (s)`` against ``n`` samples at ``fs`` (N / fs or (N - 1) / fs accepted)."""
    if declared is None:
        return
    lo, hi = (n - 1) / fs - 0.5 / fs, n / fs + 0.5 / fs
    if declared > hi:
        expect = int(round(declared * fs))
        raise FileFormatError(
            f"{path}: the header's Duration is {declared:g} s (about {expect} samples at "
            f"{fs:g} Hz) but the file holds {n} samples ({n / fs:.3f} s): the file is "
            "truncated (an interrupted export or copy, or rows deleted). Export the trial again "
            "from Moveo Explorer.")
    if declared < lo:
        raise FileFormatError(
            f"{path}: the file holds {n} samples ({n / fs:.3f} s at {fs:g} Hz), more than the "
            f"header's Duration of {declared:g} s: rows were added or files concatenated. "
            "Export the trial again from Moveo Explorer.")


# ---------------------------------------------------------------------------- reading
def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options, allowed=("anonymize", "joint", "side"))
    anonymize = bool(opts.get("anonymize", False))
    text = _read_text(path)
    fields, header, body, first_line = _split(path, text)
    fs = _number(path, fields, "Sample Rate", required=True)
    assert fs is not None
    duration = _number(path, fields, "Duration (s)", required=False)
    trailing = header[-1] == "" and len(header) > 3  # a separator after the last column
    if trailing:
        header = header[:-1]
    names = header[2:]
    if "" in names or len(set(names)) != len(names):
        raise FileFormatError(f"{path}: the header row has empty or repeated column names; the "
                              "header is damaged. Export the trial again from Moveo Explorer.")
    if len([b for b in body if b.strip()]) < 2:
        raise FileFormatError(f"{path}: fewer than 2 data rows after the header row; the file "
                              "is truncated. Export the trial again from Moveo Explorer.")
    mat = parse_table(body, ",", path=path, first_row=first_line, n_fields=len(header),
                      strip_trailing_sep=trailing)
    cols = [_column(j + 2, h) for j, h in enumerate(names)]
    _unique_names(cols)
    empty = {c.name for c in cols if np.isnan(mat[:, c.index]).all()}
    cols = _select(path, cols, empty, opts.get("joint"), opts.get("side"))
    dropped = [c.name for c in cols if c.name in empty]
    cols = [c for c in cols if c.name not in empty]
    if not cols:
        raise FileFormatError(f"{path}: every joint-angle column is empty (no sensor data was "
                              "exported). Export the trial again with the sensors' data.")
    check_unit_overrides(opts["units"], [c.name for c in cols], path)

    md: dict[str, Any] = {"time_column": header[1]}
    k = _check_time(path, header[1], mat[:, 1], mat[:, 0], fs, first_line, md)
    data = mat[:, [c.index for c in cols]].T
    bad = ~np.isfinite(data)
    if bad.any() and opts["nan_policy"] == "raise":
        raise nonfinite_error(
            path, bad, [c.name for c in cols], what="empty, NaN or infinite",
            row_of=lambda i: f"in row {first_line + i}",
            advice="Pass nan_policy='omit' to interpolate them, read only the joints you need "
            "(joint='ankle_r'), or export the trial again.")
    jumps = np.flatnonzero(np.diff(k) > 1)
    if jumps.size and opts["nan_policy"] != "omit":
        i = int(jumps[0])
        raise FileFormatError(
            f"{path}: rows are missing after row {first_line + i}: Sample Number jumps from "
            f"{int(mat[i, 0])} to {int(mat[i + 1, 0])} ({jumps.size} gap(s) in all). Pass "
            "nan_policy='omit' to bridge the gaps by linear interpolation (reported in "
            "metadata['gap_intervals_s'] and treated as dropouts by the analysis), or export "
            "the trial again.")
    n_grid = int(k[-1]) + 1
    if n_grid > 4 * k.size + 100_000:
        raise FileFormatError(f"{path}: Sample Number runs to {n_grid} for {k.size} rows: the "
                              "file is damaged. Export the trial again.")
    _check_duration(path, duration, n_grid, fs)
    if bad.any() or jumps.size:
        grid = np.arange(n_grid)
        rows = []
        for c, row, b in zip(cols, data, bad, strict=True):
            if b.all():
                raise FileFormatError(f"{path}: column {c.header!r} has no finite value.")
            rows.append(np.interp(grid, k[~b], row[~b]))
        data = np.vstack(rows)
        if bad.any():
            md["nonfinite_samples"] = {c.name: int(n) for c, n in
                                       zip(cols, bad.sum(axis=1), strict=True) if n}
            md["nan_policy"] = "omit"
        if jumps.size:
            lengths = np.diff(k)[jumps] / fs
            md["gaps"] = int(jumps.size)
            md["max_gap_s"] = float(lengths.max())
            md["gap_intervals_s"] = [[float(k[i] / fs), float(x)]
                                     for i, x in zip(jumps, lengths, strict=True)]
            md["resampled"] = True
            md["resample_method"] = "linear"

    unit_text = fields.get("Joint Angle Units")
    unit = _UNIT_SPELLINGS.get(unit_text.strip().lower(), unit_text) if unit_text else None
    chans, out = [], []
    for c, row in zip(cols, data, strict=True):
        ch, scale = unit_channel(c.name, unit, units=opts["units"], source=str(path),
                                 kind=c.kind)
        chans.append(ch)
        out.append(row * scale)
    version = next((key.split("|")[0].strip() for key in fields if key.startswith("CSV.")), None)
    if version:
        md["moveo_csv_version"] = version
    for key in ("Condition", "Analysis Version"):
        if fields.get(key):
            md[key.lower().replace(" ", "_")] = fields[key]
    md["sample_rate_hz"] = fs
    if duration is not None:
        md["declared_duration_s"] = duration
    md["first_sample_number"] = int(mat[0, 0])
    md["columns"] = {c.name: c.header for c in cols}
    md["sign_convention"] = {c.name: c.sign for c in cols if c.sign}
    if dropped:
        md["empty_columns"] = dropped
    if anonymize:
        md["anonymized"] = True
    else:
        ident = {key: v for key, v in fields.items()
                 if key not in _PUBLIC_FIELDS and not key.startswith("CSV.") and v}
        group = next((v for key, v in fields.items() if key.startswith("CSV.") and v), None)
        if group:
            ident["Subject Group"] = group
        if ident:
            md["moveo_identity"] = ident
    logger.info("%s: Moveo joint angles, %d channel(s) at %g Hz (%d empty column(s) dropped)",
                path, len(chans), fs, len(dropped))
    return [make_recording(np.vstack(out), fs, chans, path=path, fmt=FMT, metadata=md)]


# ---------------------------------------------------------------------------- anonymise
def anonymize_moveo(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> Path:
    """Write a copy of a Moveo Explorer joint-angle CSV with the identifying fields blanked.

    Every field of the key/value block above ``Sample Rate`` except ``Condition`` and
    ``Analysis Version`` (the subject's group, public id, names and date of birth, the record
    date/time, the source file name, the trial notes and the analysis log) has its value
    replaced by ``""``; the lines themselves, the rate, units, duration and the table are copied
    unchanged, so the copy reads exactly like the original. The original file is never
    modified.

    Parameters
    ----------
    src, dst : path-like
        Input file and output path (must differ).

    Returns
    -------
    Path
        ``dst``.

    Raises
    ------
    InvalidParameterError
        ``dst`` is ``src``.
    FileFormatError
        ``src`` is not a Moveo joint-angle export.
    """
    src_p, dst_p = Path(src), Path(dst)
    if src_p.resolve() == dst_p.resolve():
        raise InvalidParameterError(f"anonymize_moveo needs a different output path than "
                                    f"{src_p}; the original is never overwritten.")
    if not sniff(src_p):
        raise FileFormatError(f"{src_p}: not a Moveo Explorer joint-angle CSV export (no "
                              "'Sample Number (#)','Time (ms)',<joint (+/-)> header row).")
    text = _read_text(src_p)
    lines = _lines(text)
    eol = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    reader = csv.reader(io.StringIO(text, newline=None))
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator=eol)
    for row in reader:
        cells = [c.strip() for c in row]
        if _is_table_header(cells):
            break
        if not row:
            out.write(eol)
        elif cells[0].startswith("CSV.") or (cells[0] and cells[0] not in _PUBLIC_FIELDS):
            writer.writerow([row[0], ""])
        else:
            writer.writerow(row)
    rest = lines[reader.line_num - 1:]  # the table header and the table, as they were
    with open(dst_p, "w", encoding="utf-8", newline="") as fh:
        fh.write(out.getvalue())
        fh.writelines(rest)
    return dst_p


register(Reader(
    name=FMT,
    description="APDM Moveo Explorer joint-angle CSV export: joint angles deg -> rad, the "
    "ankle's dorsiflexion as the goniometer angle",
    extensions=(".csv",),
    sniff=sniff,
    read_groups=read_groups,
))
