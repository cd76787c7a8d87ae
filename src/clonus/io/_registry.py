"""Reader registry, format detection and the public `read` entry points."""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..exceptions import ClonusError, FileFormatError, InvalidParameterError, SamplingRateError
from ..model import Recording

__all__ = ["Reader", "FORMATS", "register", "detect_format", "read", "read_all", "list_channels"]


@dataclass(frozen=True)
class Reader:
    """A file-format reader.

    Parameters
    ----------
    name : str
        Format identifier shown by ``clonus formats`` and in ``clonus info --json``.
    description : str
        One line for users.
    extensions : tuple of str
        Usual file extensions (lower case, with dot), used only to break ties.
    sniff : callable
        ``sniff(path) -> bool``: does this file look like this format? Must be cheap and must
        never raise for files of other formats.
    read_groups : callable
        ``read_groups(path, **options) -> list[Recording]``: one recording per sampling rate.
    extra : str or None
        The pip extra needed (``"edf"``, ``"wfdb"``, ``"c3d"``), or None for the core.
    sniff_fallback : callable or None
        ``sniff_fallback(path) -> bool``: a looser test, tried only when no reader's ``sniff``
        accepts the file (the generic CSV reader's table of numbers without a header row,
        which specific headerless formats must win over whatever the file's extension).
    selects_channels : bool
        Whether ``read_groups`` takes ``channels=`` (a list of names) and leaves the other
        columns unread, so that :func:`read` with ``channels=`` is not refused for a column
        the user did not ask for (the generic CSV and Excel readers).
    """

    name: str
    description: str
    extensions: tuple[str, ...]
    sniff: Callable[[Path], bool]
    read_groups: Callable[..., list[Recording]]
    extra: str | None = None
    sniff_fallback: Callable[[Path], bool] | None = None
    selects_channels: bool = False


#: Registered readers in detection order.
FORMATS: dict[str, Reader] = {}

# Modules that register readers on import (each defines and registers one or more Readers).
# Order matters: the first reader whose sniffer accepts a file wins (extension breaks ties),
# so specific formats come before the generic CSV reader.
_READER_MODULES: tuple[str, ...] = (
    "clonus.io._edf",
    "clonus.io._wfdb",
    "clonus.io._c3d",
    "clonus.io._cwa",
    "clonus.io._apdm",
    "clonus.io._rdata",
    "clonus.io._phyphox",
    "clonus.io._sensorlogger",
    "clonus.io._delsys",
    "clonus.io._shimmer",
    "clonus.io._empatica",
    "clonus.io._faros",
    "clonus.io._actigraph",
    "clonus.io._geneactiv",
    "clonus.io._tsdf",
    "clonus.io._gaitmap",
    "clonus.io._phonecsv",
    "clonus.io._researchkit",
    "clonus.io._xsens",
    "clonus.io._opensim",
    "clonus.io._moveo",
    "clonus.io._matlab",
    "clonus.io._cloudupdrs",
    "clonus.io._xlsx",
    "clonus.io._csv",
    "clonus.io._video",
)
_loaded = False


def register(reader: Reader) -> Reader:
    """Add a reader to :data:`FORMATS` (later registrations with the same name replace earlier)."""
    FORMATS[reader.name] = reader
    return reader


def _load() -> None:
    global _loaded
    if _loaded:
        return
    for mod in _READER_MODULES:
        importlib.import_module(mod)
    _loaded = True


def _check_path(path: str | os.PathLike[str]) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidParameterError(
            f"The path must be a file or folder name (str or pathlib.Path), got {path!r} "
            f"({type(path).__name__})."
        )
    p = Path(path)
    if not p.exists():
        raise FileFormatError(f"{p}: no such file or folder. Check the path.")
    if p.is_file() and p.stat().st_size == 0:
        raise FileFormatError(f"{p}: the file is empty (0 bytes). Export the recording again.")
    return p


def detect_format(path: str | os.PathLike[str]) -> str:
    """Return the format name of ``path``, detected from its content.

    Raises
    ------
    FileFormatError
        If no reader recognises the file.
    """
    _load()
    p = _check_path(path)
    matches = [r for r in FORMATS.values() if _safe_sniff(r, p)]
    if not matches:
        matches = [r for r in FORMATS.values() if r.sniff_fallback is not None
                   and _safe_sniff(r, p, fallback=True)]
    if not matches:
        known = _known_unsupported(p)
        if known:
            raise FileFormatError(f"{p}: {known}")
        names = ", ".join(FORMATS)
        raise FileFormatError(
            f"{p}: the file is not in a format clonus can read (tried: {names}). "
            "Run 'clonus formats' to see the supported formats; if the file is a CSV, give it a "
            "time column such as 'time_s' and units in the headers, e.g. 'gyro_x (rad/s)'."
            + (" If this is a folder of several recordings, use 'clonus batch FOLDER --out DIR'."
               if p.is_dir() else "")
        )
    if len(matches) > 1:
        ext = p.suffix.lower()
        by_ext = [r for r in matches if ext in r.extensions]
        if by_ext:
            return by_ext[0].name
    return matches[0].name


def _known_unsupported(p: Path) -> str | None:
    """What a file we cannot read is, and what to do, for formats users are known to bring."""
    if not p.is_file():
        return None
    try:
        with open(p, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    ext = p.suffix.lower()
    if head.startswith(b"\x89HDF\r\n\x1a\n"):
        # APDM Opal / Mobility Lab files are read (io/_apdm.py); this is another HDF5 file
        from ._apdm import hdf5_summary, not_apdm_message

        return not_apdm_message(hdf5_summary(p))
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") and ext in (".xls", ".xlt"):
        return ("an Excel 97-2003 workbook (.xls), which clonus does not read. Save it as an "
                "Excel workbook (.xlsx) or as CSV; clonus reads both.")
    if head.startswith(b"Obj\x01"):
        return ("an Apache Avro file (e.g. Empatica EmbracePlus raw data), which clonus does "
                "not read. Convert it to CSV with a time column and units (fastavro), or use "
                "an E4 export.")
    if head.startswith(b"%OpenBCI"):
        return ("an OpenBCI GUI recording, which clonus does not read. Convert it to EDF+ "
                "with the OpenBCI GUI or MNE, or to a CSV with 'time_s' and 'EMG1 (uV)'.")
    if head.startswith(b"Device Identity") or (ext == ".bin" and b"GENEActiv" in head):
        return ("a GENEActiv binary (.bin) file. Convert it to the raw CSV with the GENEActiv PC "
                "software (or GENEAread in R); clonus reads that CSV.")
    if ext == ".gt3x":
        return ("an ActiGraph .gt3x file. Export it as a RAW CSV from ActiLife (or convert it "
                "with read.gt3x/pygt3x); clonus reads that CSV.")
    text = head.decode("utf-8", errors="replace")
    lines = [ln for ln in text.splitlines() if ln.strip()][:3]
    if len(lines) >= 2 and all(re.fullmatch(r"[\s0-9eE.,;+\-\t]+", ln) for ln in lines):
        return ("a table of numbers without a header row, so clonus cannot tell which column "
                "is time and in what units. Add a header such as 'time_ms,acc_x (m/s^2),"
                "acc_y (m/s^2),acc_z (m/s^2),gyro_x (rad/s),...' (time_s/time_ms/time_ns name "
                "the time unit).")
    return None


def _safe_sniff(reader: Reader, p: Path, *, fallback: bool = False) -> bool:
    sniff = reader.sniff_fallback if fallback else reader.sniff
    if sniff is None:
        return False
    try:
        return bool(sniff(p))
    except Exception:  # a sniffer must never break detection of other formats
        return False


def read_all(path: str | os.PathLike[str], *, format: str | None = None,
             **options: Any) -> list[Recording]:
    """Read every channel of a file, one :class:`Recording` per sampling rate.

    Parameters
    ----------
    path : path-like
        File or folder (phyphox and Empatica exports may be folders or zips).
    format : str, optional
        Skip detection and use this reader (see ``clonus formats``).
    **options
        Reader options, e.g. ``units={"EMG1": "uV"}`` or ``anonymize=True`` (EDF, CWA, Xsens,
        TSDF, ActiGraph, GENEActiv, APDM, Moveo, generic CSV and
        Excel).
    """
    return _read_all(path, format, options)


def _read_all(path: str | os.PathLike[str], format: str | None, options: dict[str, Any],
              channels: list[str] | None = None) -> list[Recording]:
    """:func:`read_all`; ``channels`` reach the readers that select columns themselves."""
    _load()
    p = _check_path(path)
    name = format or detect_format(p)
    if name in FORMATS and channels is not None and FORMATS[name].selects_channels:
        options = {**options, "channels": channels}
    if name not in FORMATS:
        raise InvalidParameterError(f"Unknown format {name!r}. Known formats: {list(FORMATS)}.")
    if format is not None and not (_safe_sniff(FORMATS[name], p)
                                   or _safe_sniff(FORMATS[name], p, fallback=True)):
        try:
            hint = f" It looks like a {detect_format(p)} file; drop format= to read it as such."
        except FileFormatError:
            hint = " No reader recognises it; run 'clonus formats'."
        raise FileFormatError(f"{p}: this is not a {name} file (its content does not match).{hint}")
    try:
        groups = FORMATS[name].read_groups(p, **options)
    except ClonusError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # anything unforeseen in a damaged file becomes a clean error
        raise FileFormatError(
            f"{p}: could not be read as {name} ({type(exc).__name__}: {exc}). The file may be "
            f"truncated or corrupt, or not a {name} file; run 'clonus formats' and check the "
            "export."
        ) from exc
    if not groups:
        raise FileFormatError(f"{p}: no signal channels found in this {name} file.")
    return groups


def read(path: str | os.PathLike[str], *, channels: Sequence[str] | str | None = None,
         resample_to_hz: float | None = None, format: str | None = None,
         **options: Any) -> Recording:
    """Read a recording; the format is detected from the content.

    Parameters
    ----------
    path : path-like
        File or folder.
    channels : str or sequence of str, optional
        Keep only these channels. All selected channels must share one sampling rate unless
        ``resample_to_hz`` is given. The generic CSV and Excel readers do not read the other
        columns at all, so that a column not asked for that is empty or cannot be parsed does
        not refuse the file.
    resample_to_hz : float, optional
        Resample every selected channel to this rate, in Hz, so that channels recorded at
        different rates can be combined. Never done unless asked.
    format : str, optional
        Skip detection and use this reader.
    **options
        Reader options: ``units={"EMG1": "uV"}`` (or one unit string for every channel) to
        override missing or wrong units; ``nan_policy="omit"`` to drop/interpolate NaN or
        infinite samples instead of raising; ``anonymize=True`` (EDF, CWA, Xsens, TSDF,
        ActiGraph, GENEActiv, APDM, Moveo, generic CSV and Excel: leave identifying header
        fields, or the lines above a table's header, out of ``metadata``); format-specific
        ones such as ``fs=`` (Hz: a CSV table of numbers without a header row, gaitmap,
        Xsens), ``trial=`` (R data), ``sensor=`` (APDM: read one sensor, by label),
        ``joint=`` / ``side=`` (Moveo: read some joints, e.g. ``joint="ankle_r"``) or
        ``sheet=`` (Excel: read one sheet, by name). Unknown options raise
        :class:`InvalidParameterError`.

    Returns
    -------
    Recording
        In SI units, channels x samples, one sampling rate. Groups combined with
        ``resample_to_hz`` are aligned on their start times and cut to their common span.

    Raises
    ------
    FileFormatError
        Empty, truncated, corrupt or unrecognised file (the message names the file, what is
        wrong and what to do).
    SamplingRateError
        The selected channels have different rates and ``resample_to_hz`` was not given.
    UnitError
        An override in ``units`` is not a known unit.

    Warns
    -----
    UnitWarning
        A unit in the file is empty or unknown; the channel is kept in ``"AU"``.
    """
    if channels is None or isinstance(channels, str):
        wanted = None if channels is None else [channels]
    else:
        try:
            wanted = list(channels)
        except TypeError:
            wanted = [channels]
        if not all(isinstance(c, str) for c in wanted):
            raise InvalidParameterError(
                f"channels must be a channel name or a list of names, got {channels!r}."
            )
    groups = _read_all(path, format, options, wanted)
    if wanted is not None:
        available = {c.name for g in groups for c in g.channels}
        missing = [c for c in wanted if c not in available]
        if missing:
            raise InvalidParameterError(
                f"{path}: no channel(s) {missing}. Available channels: {sorted(available)}."
            )
        groups = [g.pick([c for c in wanted if c in g.ch_names]) for g in groups
                  if any(c in g.ch_names for c in wanted)]
    if len(groups) == 1:
        rec = groups[0]
        return rec if resample_to_hz is None else rec.resample(resample_to_hz)
    if resample_to_hz is None:
        rates = "; ".join(f"{g.fs:g} Hz: {', '.join(g.ch_names)}" for g in groups)
        same = len({g.fs for g in groups}) == 1
        what = ("are stored as separate groups (same rate, different start times or lengths)"
                if same else "have different sampling rates")
        raise SamplingRateError(
            f"{path}: the channels {what} ({rates}). Pick channels of one group with "
            "channels=[...] (CLI: --channel), or pass resample_to_hz= to resample and align "
            "them."
        )
    return _merge([g.resample(resample_to_hz) for g in groups])


def _offset_s(g: Recording, ref: Recording) -> float:
    """Start of ``g`` relative to ``ref``, in seconds (0 when unknown)."""
    if g.start_time is not None and ref.start_time is not None:
        try:
            return (g.start_time - ref.start_time).total_seconds()
        except TypeError:  # naive vs aware
            return 0.0
    a, b = g.metadata.get("time_offset_s"), ref.metadata.get("time_offset_s")
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) - float(b)
    return 0.0


def _merge(groups: list[Recording]) -> Recording:
    """Stack resampled groups on their common time span (aligned by start time)."""
    import numpy as np

    offs = [_offset_s(g, groups[0]) for g in groups]
    latest = max(offs)
    starts = [int(round((latest - o) * g.fs)) for g, o in zip(groups, offs, strict=True)]
    n = min(g.n_samples - k for g, k in zip(groups, starts, strict=True))
    if n < 1:
        raise SamplingRateError("The channel groups do not overlap in time; read them separately.")
    data = np.vstack([g.data[:, k:k + n] for g, k in zip(groups, starts, strict=True)])
    chans = tuple(c for g in groups for c in g.channels)
    md: dict[str, Any] = dict(groups[0].metadata)
    md["merged_rates_hz"] = [g.metadata.get("resampled_from_hz", g.fs) for g in groups]
    md["merged_actual_fs_hz"] = [g.fs for g in groups]
    if latest != 0.0 or any(offs):
        md["aligned_start_offsets_s"] = offs
    ref = groups[offs.index(latest)]
    return Recording(data, groups[0].fs, chans, start_time=ref.start_time,
                     tz_is_local=ref.tz_is_local, source=groups[0].source, metadata=md)


def list_channels(path: str | os.PathLike[str], **options: Any) -> list[Mapping[str, Any]]:
    """Describe every channel: name, kind, unit, orig_unit, fs_hz, n_samples."""
    return [info for g in read_all(path, **options) for info in g.channel_info()]
