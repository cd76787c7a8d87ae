"""Gait EMG in an R data file (``.RData``/``.rda``), as in musclesyneRgies (Santuz et al.).

Layout (checked on ``gait_emg_13_muscles/RAW_DATA.RData``): a named list ``RAW_DATA`` of
trials, each a list with ``emg`` (a data frame: a ``time`` column in seconds then one column
per muscle) and ``cycles`` (touchdown ``V1`` and lift-off ``V2`` times in s). Read with the
``rdata`` package. Every trial becomes one recording (``read_all``); ``read`` picks the trial
with ``trial="ID0012_TW_01"`` or the first one (``metadata["trial"]`` and
``metadata["trials"]`` list them). Cycles go to ``metadata["cycles"]`` as
``[[touchdown_s, liftoff_s], ...]``.

**Units**: the file does not state them. The values span about ±700, which fits microvolts
for raw surface EMG, but that is an inference, so the muscles are kept in ``"AU"`` with a
:class:`UnitWarning` unless ``units="uV"`` (or a per-muscle dict) is passed.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import FileFormatError, MissingDependencyError
from ..model import Channel, Recording
from ._common import (
    check_options,
    check_unit_overrides,
    handle_nonfinite,
    make_recording,
    read_head,
    resolve_unit,
    uniform_from_timestamps,
)
from ._registry import Reader, register

FMT = "rdata-emg"


def sniff(p: Path) -> bool:
    if not p.is_file():
        return False
    h = read_head(p, 8)
    if h[:2] == b"\x1f\x8b" or h[:3] in (b"BZh", b"\xfd7z"):
        return p.suffix.lower() in (".rdata", ".rda")
    return h[:5] in (b"RDX2\n", b"RDX3\n", b"RDA2\n", b"RDA3\n")


def _load(path: Path) -> Any:
    try:
        import rdata
    except ImportError as exc:  # pragma: no cover
        raise MissingDependencyError("Reading .RData needs rdata: pip install 'clonus[io]'.") \
            from exc
    try:
        with warnings.catch_warnings():
            # rdata warns that it has no constructor for the custom R class "EMG"; the
            # underlying list is what we want.
            warnings.filterwarnings("ignore", message="Missing constructor", category=UserWarning)
            return rdata.read_rda(str(path))
    except Exception as exc:
        raise FileFormatError(f"{path}: the R data file cannot be parsed ({type(exc).__name__}: "
                              f"{exc}). It is truncated or corrupt; download it again.") from exc


def _trials(obj: Any, path: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not isinstance(obj, dict):
        return out
    for name, val in obj.items():
        if isinstance(val, dict) and "emg" in val:
            out[str(name)] = val
        elif isinstance(val, dict):
            out.update({f"{k}": v for k, v in _trials(val, path).items()})
    return out


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options, allowed=("trial",))
    parsed = _load(path)
    trials = _trials(parsed, path)
    if not trials:
        raise FileFormatError(f"{path}: no trial with an 'emg' data frame found (expected a list "
                              "like RAW_DATA[['ID0012_TW_01']]$emg).")
    want = opts.get("trial")
    if want is not None:
        if want not in trials:
            raise FileFormatError(f"{path}: no trial {want!r}; trials: {sorted(trials)}.")
        trials = {want: trials[want]}
    out = []
    for name, tr in trials.items():
        emg = tr["emg"]
        cols = [str(c) for c in getattr(emg, "columns", [])]
        if not cols or cols[0].lower() != "time":
            raise FileFormatError(f"{path}: trial {name!r}: the emg table's first column should be "
                                  f"'time', got {cols[:3]}.")
        arr = np.asarray(emg.to_numpy(dtype=float)).T
        muscles = cols[1:]
        check_unit_overrides(opts["units"], muscles, path)
        chans, scales = [], []
        for m in muscles:
            si, sc, orig = resolve_unit(m, None, units=opts["units"], source=f"{path} [{name}]")
            chans.append(Channel(m, "emg", si, orig))
            scales.append(sc)
        data = arr[1:] * np.asarray(scales)[:, None]
        t = arr[0]
        data, t2, md_nan = handle_nonfinite(data, muscles, path=path, nan_policy=opts["nan_policy"],
                                            timestamps=t)
        from ._common import clean_timestamps

        t2, data, md_ts = clean_timestamps(t2, data, path=path)  # type: ignore[arg-type]
        data, fs, md_u = uniform_from_timestamps(t2, data, path=path)
        md: dict[str, Any] = {"trial": name, "trials": sorted(_trials(parsed, path)),
                              "time_offset_s": float(t2[0]), **md_nan, **md_ts, **md_u}
        cyc = tr.get("cycles")
        if cyc is not None and hasattr(cyc, "to_numpy"):
            md["cycles"] = np.asarray(cyc.to_numpy(dtype=float)).tolist()
        out.append(make_recording(data, round(fs, 6), chans, path=path, fmt=FMT, metadata=md))
    return out


register(Reader(
    name=FMT,
    description="Gait EMG in an R data file (musclesyneRgies RAW_DATA: time + muscles; "
    "units='uV' to convert)",
    extensions=(".rdata", ".rda"),
    sniff=sniff,
    read_groups=read_groups,
    extra="io",
))
