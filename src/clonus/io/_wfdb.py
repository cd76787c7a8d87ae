"""WFDB records (PhysioNet): ``<record>.hea`` + signal files, read with the ``wfdb`` package.

Detection: a ``.hea`` file (or a ``.dat`` file with a ``.hea`` beside it) whose first record
line starts with the record name (the file stem) and a number of signals. ``wfdb`` returns
time-first arrays (samples x channels); they are transposed here. Empty units are unknown
(``UnitWarning``, ``"AU"``): the "mV by default" convention is not assumed. Multi-frequency
records (several samples per frame) are returned as one group per rate. WFDB marks invalid
samples with a reserved digital value that ``wfdb`` turns into NaN: the NaN policy applies.
"""

from __future__ import annotations

import contextlib
import os
import re
import warnings
from collections.abc import Iterator
from datetime import datetime
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
    writer_path,
)
from ._registry import Reader, register

FMT = "wfdb"


def _wfdb() -> Any:
    try:
        with _quiet():
            import wfdb
    except ImportError as exc:  # pragma: no cover
        raise MissingDependencyError(
            "Reading WFDB needs wfdb: pip install 'clonus[wfdb]'.") from exc
    return wfdb


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence wfdb 4.3's pandas-3.1 deprecation warnings (DataFrame.drop/set_index inplace=)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The inplace keyword", category=Warning)
        yield


def _header_path(p: Path) -> Path | None:
    if p.suffix.lower() == ".hea":
        return p
    h = p.with_suffix(".hea")
    return h if h.is_file() else None


def _record_line(text: str) -> str | None:
    for line in text.splitlines():
        s = line.strip()
        if s and not s.startswith("#"):
            return s
    return None


def sniff(p: Path) -> bool:
    if not p.is_file():
        return False
    h = _header_path(p)
    if h is None or not h.is_file():
        return False
    raw = read_head(h, 2048)
    if b"\x00" in raw:
        return False
    line = _record_line(raw.decode("ascii", errors="replace"))
    if line is None:
        return False
    return re.match(rf"^{re.escape(h.stem)}(/\d+)?\s+\d+(\s|$)", line) is not None


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options)
    h = _header_path(path)
    if h is None:
        raise FileFormatError(f"{path}: no .hea header beside this file. A WFDB record needs "
                              "<record>.hea and its signal file(s) in one folder.")
    wfdb = _wfdb()
    rec_name = str(h.with_suffix(""))
    try:
        with _quiet():
            r = wfdb.rdrecord(rec_name, smooth_frames=False)
    except FileNotFoundError as exc:
        raise FileFormatError(f"{h}: a signal file named in the header is missing ({exc}). Keep "
                              "the .dat file(s) beside the .hea file.") from exc
    except Exception as exc:
        raise FileFormatError(
            f"{h}: wfdb cannot read this record ({type(exc).__name__}: {exc}). The header or a "
            "signal file is corrupt or truncated; download the record again.") from exc
    names = [str(s) for s in (r.sig_name or [])]
    if not names:
        raise FileFormatError(f"{h}: the header lists no signals.")
    if len(set(names)) != len(names):
        names = [f"{n}_{i}" for i, n in enumerate(names)]
    check_unit_overrides(opts["units"], names, path)
    fs0 = float(r.fs)
    spf = list(r.samps_per_frame or [1] * len(names))
    sigs = r.e_p_signal
    if sigs is None:
        raise FileFormatError(f"{h}: the record has no signal samples.")
    groups: dict[int, list[int]] = {}
    for i, k in enumerate(spf):
        groups.setdefault(int(k), []).append(i)
    start = None
    if r.base_datetime is not None:
        start = r.base_datetime
    elif r.base_time is not None and r.base_date is None:
        start = None  # a time of day without a date is kept in metadata only
    md: dict[str, Any] = {"record_name": r.record_name}
    if r.base_time is not None:
        md["base_time"] = str(r.base_time)
    out = []
    for k, idx in groups.items():
        chans, rows = [], []
        for i in idx:
            unit = str(r.units[i]).strip() if r.units and r.units[i] else None
            ch, scale = unit_channel(names[i], unit, units=opts["units"], source=str(h))
            chans.append(ch)
            rows.append(np.asarray(sigs[i], dtype=np.float64) * scale)
        m = min(x.size for x in rows)
        if m < 1:
            raise FileFormatError(f"{h}: the record has no samples.")
        data = np.vstack([x[:m] for x in rows])
        data, _, md_nan = handle_nonfinite(data, [c.name for c in chans], path=h,
                                           nan_policy=opts["nan_policy"])
        out.append(make_recording(data, fs0 * k, chans, path=h, fmt=FMT,
                                  start_time=start if isinstance(start, datetime) else None,
                                  tz_is_local=True, metadata={**md, **md_nan}))
    return out


_WRITE_UNIT = {"V": ("mV", 1e3)}


def write_wfdb(path: str | os.PathLike[str], recording: Recording) -> Path:
    """Write a recording as a WFDB record (format 16) and return the ``.hea`` path.

    Parameters
    ----------
    path : path-like
        ``<folder>/<record>.hea`` or ``<folder>/<record>``; the record name must be letters,
        digits and underscores.
    recording : Recording
        Volts are written in mV (the WFDB convention); other SI units as they are; ``"AU"`` as
        an empty unit.

    Notes
    -----
    wfdb chooses each channel's gain to span its range in 16 bits, so the round-trip error is
    at most about range / 2^16 per sample.
    """
    p = writer_path("write_wfdb", path, recording)
    wfdb = _wfdb()
    stem = p.stem if p.suffix.lower() in (".hea", ".dat") else p.name
    if not re.fullmatch(r"[A-Za-z0-9_]+", stem):
        raise InvalidParameterError(f"WFDB record name {stem!r} must contain only letters, digits "
                                    "and underscores.")
    folder = p.parent
    if not np.isfinite(recording.data).all():
        raise InvalidParameterError("write_wfdb: the recording has NaN or infinite samples.")
    units, cols = [], []
    for ch, x in zip(recording.channels, recording.data, strict=True):
        u, f = _WRITE_UNIT.get(ch.unit, (ch.unit if ch.unit != "AU" else "", 1.0))
        units.append(u.replace(" ", "") or "NU")
        cols.append(x * f)
    sig = np.ascontiguousarray(np.vstack(cols).T)
    kwargs: dict[str, Any] = {}
    if recording.start_time is not None:
        kwargs["base_datetime"] = recording.start_time.replace(tzinfo=None)
    with _quiet():
        wfdb.wrsamp(stem, fs=recording.fs, units=units,
                    sig_name=[c.name for c in recording.channels],
                    p_signal=sig, fmt=["16"] * recording.n_channels, write_dir=str(folder),
                    **kwargs)
    return folder / f"{stem}.hea"


register(Reader(
    name=FMT,
    description="WFDB record (.hea + .dat, PhysioNet); multi-frequency records are grouped",
    extensions=(".hea", ".dat"),
    sniff=sniff,
    read_groups=read_groups,
    extra="wfdb",
))
