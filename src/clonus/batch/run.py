"""Batch analysis of whole studies: many recordings in, one results table out.

Every recording goes through exactly the code path of ``clonus assess`` (:func:`clonus.read`
then :func:`clonus.assess`), so batch numbers equal single-file numbers. Work is spread over
a Dask distributed ``LocalCluster`` (processes, bound to 127.0.0.1, no dashboard) when
``n_jobs > 1``; the result order is the input order whatever the completion order.
"""

from __future__ import annotations

import csv
import dataclasses
import glob
import hashlib
import json
import logging
import math
import os
import platform
import re
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .._validation import check_option
from .._version import __version__
from ..exceptions import (
    ClonusError,
    ClonusWarning,
    FileFormatError,
    InvalidParameterError,
    MissingDependencyError,
)

__all__ = ["BatchItem", "collect_inputs", "run_batch", "summarize", "RESULT_COLUMNS",
           "GRADE_SCALES"]

logger = logging.getLogger("clonus")

#: Known grade scales, in the column order used (``grade_<scale>``); see ``docs/grades.md``.
GRADE_SCALES = ("bedside", "scats_clonus", "csi_clonus", "tardieu_quality", "ninds")

#: Columns of the results table, in order (grade columns and extra manifest columns are
#: inserted where marked).
RESULT_COLUMNS = (
    "id", "subject", "session", "side", "label", "path", "format", "channel", "fs_hz",
    "duration_s", "n_beats", "frequency_hz", "clonus_duration_s", "sustained",
    "classification", "pathological", "n_tests", "test_number", "<grades>", "reason",
    "n_warnings", "warnings", "error", "error_type", "json", "sha256", "size_bytes",
    "software_version",
)

#: One thread per worker process for BLAS and OpenCV: parallelism comes from the processes,
#: and nested thread pools on few cores only oversubscribe them.
_WORKER_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
               "OPENCV_FOR_THREADS_NUM": "1"}

# (a workbook that is not recognised as a recording is a study's spreadsheet - participants,
# notes - not a damaged recording: it is listed as skipped, not as an error row)
_GENERIC_EXTENSIONS = {".txt", ".json", ".xml", ".md", ".tsv", ".ini", ".yaml", ".yml",
                       ".xlsx", ".xlsm"}
_MANIFEST_KEYS = ("path", "id", "subject", "session", "side", "label", "channel")
_BIDS = {"subject": re.compile(r"^sub-([A-Za-z0-9]+)"),
         "session": re.compile(r"^ses-([A-Za-z0-9]+)")}


@dataclass(frozen=True)
class BatchItem:
    """One recording to analyse.

    Parameters
    ----------
    id : str
        Unique identifier in the run (relative path, or the manifest's ``id``).
    path : str
        File or folder (folder-shaped exports such as phyphox or Empatica).
    subject, session, side, label : str
        From the manifest, or ``sub-XX``/``ses-YY`` path parts (BIDS-style); empty if unknown.
    channel : str
        Analyse only this channel (manifest ``channel`` column or ``run_batch(channel=)``).
    extra : mapping
        Other manifest columns, copied to the results unchanged.
    """

    id: str
    path: str
    subject: str = ""
    session: str = ""
    side: str = ""
    label: str = ""
    channel: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------- inputs
def _is_glob(s: str) -> bool:
    return any(ch in s for ch in "*?[") and not Path(s).exists()


def _is_manifest(p: Path) -> bool:
    if not (p.is_file() and p.suffix.lower() in (".csv", ".tsv")):
        return False
    try:
        with open(p, newline="", encoding="utf-8-sig") as fh:
            first = fh.readline()
    except (OSError, UnicodeDecodeError):
        return False
    sep = "\t" if p.suffix.lower() == ".tsv" else ","
    cols = [c.strip().strip('"').lower() for c in first.split(sep)]
    return "path" in cols


def _looks_recording(p: Path, extensions: set[str]) -> bool:
    from ..io import detect_format

    try:
        detect_format(p)
        return True
    except ClonusError:
        return p.is_file() and p.suffix.lower() in extensions


def _scan_folder(root: Path, skipped: list[dict[str, str]]) -> list[Path]:
    """Recordings under ``root``: recognised files and recognised export folders."""
    from ..io import FORMATS, detect_format
    from ..io._registry import _load

    _load()
    # extensions of readers (a corrupt .edf or .mp4 is reported as an error row, not skipped),
    # minus generic text/metadata extensions that are usually notes, licences or sidecars
    exts = {e for r in FORMATS.values() for e in r.extensions} - _GENERIC_EXTENSIONS

    def export_folder(d: Path) -> bool:
        # Only leaf folders (no sub-folders) can be one recording (phyphox, Empatica E4 and
        # Faros CSV exports are flat), so that a study folder is never mistaken for one.
        if any(q.is_dir() and not q.name.startswith(".") for q in d.iterdir()):
            return False
        try:
            detect_format(d)
            return True
        except ClonusError:
            return False

    if export_folder(root):
        return [root]
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        here = Path(dirpath)
        keep_dirs = []
        for d in dirnames:
            if export_folder(here / d):
                found.append(here / d)
            else:
                keep_dirs.append(d)
        dirnames[:] = keep_dirs
        for f in sorted(filenames):
            p = here / f
            if f.startswith("."):
                continue
            if _looks_recording(p, exts):
                found.append(p)
            else:
                skipped.append({"path": str(p), "reason": "not a recording clonus can read"})
    return sorted(found, key=lambda q: q.relative_to(root).as_posix())


def _read_manifest(p: Path) -> list[BatchItem]:
    sep = "\t" if p.suffix.lower() == ".tsv" else ","
    with open(p, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh, delimiter=sep))
    return _manifest_items(rows, base=p.parent, where=str(p), first_line=2)


def _is_missing(v: Any) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):  # list-like cells
        return False


def _manifest_items(rows: Sequence[Mapping[str, Any]], *, base: Path | None, where: str,
                    first_line: int) -> list[BatchItem]:
    items = []
    for i, raw_row in enumerate(rows, start=first_line):
        row = {}
        for k, v in raw_row.items():
            if not k:
                continue
            key = str(k).strip()
            key = key.lower() if key.lower() in _MANIFEST_KEYS else key
            is_na = v is None or (not isinstance(v, str) and _is_missing(v))
            row[key] = "" if is_na else str(v).strip()
        raw = row.get("path", "")
        if not raw:
            raise InvalidParameterError(
                f"{where}, row {i}: empty 'path'. Every row needs a file path.")
        path = Path(raw).expanduser()
        if not path.is_absolute() and base is not None:
            path = base / path  # relative to the manifest's folder
        extra = {k: v for k, v in row.items() if k not in _MANIFEST_KEYS}
        items.append(BatchItem(
            id=row.get("id", ""), path=str(path), subject=row.get("subject", ""),
            session=row.get("session", ""), side=row.get("side", ""),
            label=row.get("label", ""), channel=row.get("channel", ""), extra=extra))
    if not items:
        raise InvalidParameterError(f"{where}: the manifest lists no recordings.")
    return items


def _bids(parts: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in parts:
        for key, rx in _BIDS.items():
            m = rx.match(part)
            if m and key not in out:
                out[key] = m.group(1)
    return out


def collect_inputs(inputs: Any, *, skipped: list[dict[str, str]] | None = None
                   ) -> list[BatchItem]:
    """Resolve ``inputs`` into an ordered list of :class:`BatchItem`.

    Parameters
    ----------
    inputs : path-like, str or sequence of them, sequence of BatchItem, or DataFrame
        A folder (searched recursively for files that :func:`clonus.io.detect_format`
        recognises, or that carry a reader's extension so that corrupt ones are reported), a
        glob pattern (``"study/**/*.csv"``), a list of files, or a CSV/TSV manifest with a
        ``path`` column and optional ``id``, ``subject``, ``session``, ``side``, ``label`` and
        ``channel`` columns (other columns are copied to the results), or a pandas DataFrame
        with the same columns (relative paths are then relative to the working directory).
    skipped : list, optional
        Receives ``{"path", "reason"}`` for files found in folders but not analysed.

    Returns
    -------
    list of BatchItem
        Folder and glob matches sorted by path; lists and manifests in their own order.
        Identifiers are unique.
    """
    skipped = [] if skipped is None else skipped
    if hasattr(inputs, "columns") and hasattr(inputs, "to_dict"):  # a pandas DataFrame
        cols = [str(c).strip().lower() for c in inputs.columns]
        if "path" not in cols:
            raise InvalidParameterError(
                f"A manifest DataFrame needs a 'path' column; it has {list(inputs.columns)}.")
        return _unique_ids(_manifest_items(inputs.to_dict("records"), base=None,
                                           where="manifest DataFrame", first_line=0))
    if isinstance(inputs, (str, os.PathLike, BatchItem)):
        inputs = [inputs]
    try:
        entries = list(inputs)
    except TypeError as exc:
        raise InvalidParameterError(
            f"inputs must be a path, a glob, a list of paths or a manifest CSV, got "
            f"{type(inputs).__name__}."
        ) from exc
    if not entries:
        raise InvalidParameterError("No inputs given. Pass files, folders, a glob or a manifest.")
    items: list[BatchItem] = []
    for entry in entries:
        if isinstance(entry, BatchItem):
            items.append(entry)
            continue
        s = os.fspath(entry)
        if isinstance(s, str) and _is_glob(s):
            matches = sorted(glob.glob(s, recursive=True))
            if not matches:
                raise FileFormatError(f"The pattern {s!r} matches no file.")
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    items += [_item(q, mp) for q in _scan_folder(mp, skipped)]
                else:
                    items.append(_item(mp, None))
            continue
        p = Path(s).expanduser()
        if not p.exists():
            raise FileFormatError(f"{p}: no such file or folder. Check the path.")
        if p.is_dir():
            found = _scan_folder(p, skipped)
            if not found:
                raise FileFormatError(f"{p}: the folder contains no recording clonus can read.")
            items += [_item(q, p) for q in found]
        elif _is_manifest(p):
            items += _read_manifest(p)
        else:
            items.append(_item(p, None))
    return _unique_ids(items)


def _item(p: Path, root: Path | None) -> BatchItem:
    """Folder/glob matches: id = path relative to the folder; list entries: id set later."""
    rel = p.relative_to(root).as_posix() if root is not None and p != root else ""
    return BatchItem(id=rel, path=str(p), **_bids(p.parts))


def _unique_ids(items: list[BatchItem]) -> list[BatchItem]:
    """Make ids unique: files of the same name from different folders get as many parent
    folders as needed (``a/left.csv``, ``b/left.csv``); a file listed twice gets ``#2``."""
    ids = [it.id or Path(it.path).name for it in items]
    for _ in range(32):
        paths: dict[str, set[str]] = {}
        for i, it in zip(ids, items, strict=True):
            paths.setdefault(i, set()).add(str(Path(it.path).resolve()))
        dup = {i for i, ps in paths.items() if len(ps) > 1}
        if not dup:
            break
        changed = False
        for k, it in enumerate(items):
            if ids[k] in dup and not it.id:
                parts = Path(it.path).parts
                depth = len(Path(ids[k]).parts) + 1
                if depth <= len(parts):
                    ids[k] = Path(*parts[-depth:]).as_posix()
                    changed = True
        if not changed:
            break
    seen: dict[str, int] = {}
    out = []
    for it, base in zip(items, ids, strict=True):
        n = seen.get(base, 0)
        seen[base] = n + 1
        new_id = base if n == 0 else f"{base}#{n + 1}"
        bids = _bids(Path(it.path).parts)
        out.append(dataclasses.replace(it, id=new_id, subject=it.subject or bids.get("subject", ""),
                                       session=it.session or bids.get("session", "")))
    return out


def _safe_name(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", s.replace("/", "__")).strip("._") or "recording"


# ---------------------------------------------------------------------------- one recording
def _sha256(p: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    files = [p] if p.is_file() else sorted(q for q in p.rglob("*") if q.is_file())
    for q in files:
        if p.is_dir():
            h.update(q.relative_to(p).as_posix().encode() + b"\0")
        with open(q, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
                size += len(chunk)
    return h.hexdigest(), size


def _analyse_one(item: BatchItem, config: Any, channel: str | None,
                 reader_options: Mapping[str, Any]) -> dict[str, Any]:
    """Read and assess one recording; never raises (errors are returned).

    Runs in a worker process; everything it needs comes in its arguments (no shared state).
    """
    from .. import assess
    from ..io import detect_format, read_all
    from ..pipeline import select_group

    out: dict[str, Any] = {"id": item.id, "path": item.path, "format": "", "error": "",
                           "error_type": "", "warnings": [], "sha256": "", "size_bytes": None,
                           "assessment": None, "exception": None, "fs_hz": None,
                           "duration_s": None}
    p = Path(item.path)
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if not p.exists():
                raise FileFormatError(f"{p}: no such file or folder.")
            out["sha256"], out["size_bytes"] = _sha256(p)
            out["format"] = detect_format(p)
            ch = item.channel or channel or None
            groups = read_all(p, format=out["format"], **dict(reader_options))
            rec, note = select_group(groups, channel=ch, source=str(p))
            if note:
                warnings.warn(note, ClonusWarning, stacklevel=1)
            out["fs_hz"], out["duration_s"] = rec.fs, rec.duration_s
            a = assess(rec, channel=ch, config=config)
            out["assessment"] = a.to_dict()
        except ClonusError as exc:
            out["error"] = str(exc)
            out["error_type"] = type(exc).__name__
            out["exception"] = exc
        except Exception as exc:  # a bug must not sink a 500-file batch; it is reported
            out["error"] = (f"internal error while analysing {p} ({type(exc).__name__}: {exc}); "
                            "please report it with 'clonus sys-info'.")
            out["error_type"] = type(exc).__name__
            out["exception"] = exc
            # the frames only: an internal error's message may quote the file's content,
            # which log records never carry (it is in the row's error, for the user)
            logger.debug("batch item failed (%s); traceback without its message:\n%s",
                         type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
    # each distinct warning once, in the order raised
    out["warnings"] = list(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    out["elapsed_s"] = time.perf_counter() - t0
    return out


def _analyse_remote(item: BatchItem, config: Any, channel: str | None,
                    reader_options: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`_analyse_one` for worker processes: the exception object stays behind (not every
    exception pickles); the main process rebuilds it from ``error_type`` and ``error``."""
    out = _analyse_one(item, config, channel, reader_options)
    out["exception"] = None
    return out


def _rebuild_error(res: Mapping[str, Any]) -> BaseException:
    if res.get("exception") is not None:
        return res["exception"]
    from .. import exceptions

    cls = getattr(exceptions, res["error_type"], None)
    if isinstance(cls, type) and issubclass(cls, ClonusError):
        return cls(res["error"])
    return RuntimeError(res["error"])


# ---------------------------------------------------------------------------- rows
def _n_tests(a: Mapping[str, Any]) -> int | None:
    """Clonus tests found in the recording (None without an examiner's stretch)."""
    if not a:
        return None
    m = a.get("metrics") or {}
    return m.get("n_tests", 1 if a.get("stretch_onset_s") is not None else None)


def _row(item: BatchItem, res: Mapping[str, Any], json_rel: str) -> dict[str, Any]:
    a = res.get("assessment") or {}
    grades = a.get("grades", {}) if a else {}
    row: dict[str, Any] = {
        "id": item.id, "subject": item.subject, "session": item.session, "side": item.side,
        "label": item.label, **dict(item.extra), "path": item.path, "format": res["format"],
        "channel": a.get("channel"), "fs_hz": res.get("fs_hz"),
        "duration_s": res.get("duration_s"), "n_beats": a.get("n_beats"),
        "frequency_hz": a.get("frequency_hz"), "clonus_duration_s": a.get("clonus_duration_s"),
        "sustained": a.get("sustained"), "classification": a.get("classification"),
        "pathological": a.get("pathological"),
        # several clonus tests in one recording: how many, and which one the row reports
        "n_tests": _n_tests(a),
        "test_number": (a.get("metrics") or {}).get("test_number") if a else None,
    }
    for scale, g in grades.items():
        row[f"grade_{scale}"] = g.get("value")
    ws = list(res.get("warnings", [])) + list(a.get("warnings", []) if a else [])
    row.update({
        "reason": a.get("reason", ""), "n_warnings": len(ws), "warnings": " | ".join(ws),
        "error": res["error"], "error_type": res["error_type"], "json": json_rel,
        "sha256": res["sha256"], "size_bytes": res["size_bytes"],
        "software_version": a.get("software_version") or __version__,
    })
    return row


def _frame(rows: list[dict[str, Any]], extra_cols: list[str]) -> Any:
    import pandas as pd

    scales = list(GRADE_SCALES) + sorted({k[6:] for r in rows for k in r
                                          if k.startswith("grade_") and k[6:] not in GRADE_SCALES})
    cols: list[str] = []
    for c in RESULT_COLUMNS:
        if c == "<grades>":
            cols += [f"grade_{s}" for s in scales]
        elif c == "path":
            cols += [e for e in extra_cols if e not in RESULT_COLUMNS] + ["path"]
        else:
            cols.append(c)
    df = pd.DataFrame(rows, columns=cols)
    for c in ("n_beats", "n_tests", "test_number", "n_warnings", "size_bytes"):
        df[c] = df[c].astype("Int64")
    for c in ("fs_hz", "duration_s", "frequency_hz", "clonus_duration_s"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    for c in ("sustained", "pathological"):
        df[c] = df[c].astype("boolean")
    return df


# ---------------------------------------------------------------------------- running
def _run_dask(items: list[BatchItem], args: tuple[Any, ...], n_jobs: int, client: Any,
              on_error: str, progress: Callable[[int, int], None] | None) -> list[dict[str, Any]]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:
        raise MissingDependencyError(
            "n_jobs > 1 needs Dask distributed. Install it with 'pip install clonus[batch]' "
            "(or run with n_jobs=1)."
        ) from exc
    results: list[dict[str, Any] | None] = [None] * len(items)

    def drive(cl: Any) -> None:
        futs = [cl.submit(_analyse_remote, it, *args, key=f"clonus-{i}-{it.id}", pure=False)
                for i, it in enumerate(items)]
        index = {f.key: i for i, f in enumerate(futs)}
        done = 0
        for fut in as_completed(futs):
            i = index[fut.key]
            res = fut.result()
            results[i] = res
            done += 1
            if progress is not None:
                progress(done, len(items))
            if on_error == "raise" and res["error"]:
                for f in futs:
                    f.cancel()
                raise _rebuild_error(res)

    if client is not None:
        drive(client)
    else:
        with warnings.catch_warnings():
            # distributed warns about its own port/ulimit details; not the user's problem
            warnings.simplefilter("ignore")
            # no dashboard; the scheduler's small HTTP server (health checks) goes to a free
            # loopback port instead of 8787, so parallel runs never collide
            cluster = LocalCluster(n_workers=n_jobs, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=None,
                                   scheduler_kwargs={"dashboard": False,
                                                     "dashboard_address": "127.0.0.1:0"},
                                   silence_logs=logging.ERROR, env=_WORKER_ENV)
        try:
            with Client(cluster) as cl:
                drive(cl)
        finally:
            cluster.close()
    return [r for r in results if r is not None]


def run_batch(inputs: Any, *, config: Any = None, n_jobs: int = 1, on_error: str = "record",
              out_dir: str | os.PathLike[str] | None = None, channel: str | None = None,
              reader_options: Mapping[str, Any] | None = None, client: Any = None,
              progress: Callable[[int, int], None] | None = None,
              resume: bool = False, verbose: bool = False) -> Any:
    """Assess every recording of a study and return one row per recording.

    Parameters
    ----------
    inputs : path-like, str, sequence, or manifest
        Folder, glob, list of files, or CSV/TSV manifest (see :func:`collect_inputs`).
    config : object, optional
        Passed unchanged to :func:`clonus.assess` for every recording (e.g. a
        ``MotionConfig``); recorded in the run manifest.
    n_jobs : int
        Number of worker processes. 1 (default) runs in this process; ``> 1`` starts a Dask
        distributed ``LocalCluster`` on 127.0.0.1 without dashboard; -1 uses every CPU.
    on_error : {"record", "raise"}
        ``"record"``: a failing recording becomes a row with ``error`` and ``error_type``
        (the :class:`~clonus.exceptions.ClonusError` message). ``"raise"``: the first failure
        is raised (with ``n_jobs > 1``, the first to fail in completion order).
    out_dir : path-like, optional
        Write ``results.csv``, ``summary.csv``, ``assessments/<id>.json`` (the assessment JSON
        contract of each recording) and ``manifest.json`` (config, versions, date, inputs with
        SHA-256, skipped files) there.
    channel : str, optional
        Analyse this channel in every recording (a manifest ``channel`` column wins).
    reader_options : mapping, optional
        Options for :func:`clonus.read`, e.g. ``{"roi": "full"}`` for videos.
    client : dask.distributed.Client, optional
        Use an existing Dask client (e.g. on a cluster) instead of starting a local one.
    progress : callable, optional
        ``progress(n_done, n_total)`` after each recording (the CLI draws a bar with it).
    resume : bool
        Reuse the results of a previous run in ``out_dir`` for recordings whose content
        (SHA-256), id, software version, ``config``, ``channel`` and ``reader_options`` are
        unchanged and that succeeded; everything else is analysed again. The manifest marks
        reused inputs (``"reused": true``). Useful to add recordings to a large video study.
    verbose : bool
        Log one line per recording to the ``clonus`` logger.

    Returns
    -------
    pandas.DataFrame
        One row per recording in input order, columns :data:`RESULT_COLUMNS` (``grade_<scale>``
        for each scale; ``frequency_hz`` in Hz, durations in s). Warnings raised while reading
        or assessing a recording are recorded in its ``warnings`` column, not emitted.

    Raises
    ------
    InvalidParameterError
        Bad ``n_jobs``/``on_error``, empty inputs or an unreadable manifest.
    MissingDependencyError
        ``n_jobs > 1`` without Dask installed.
    ClonusError
        With ``on_error="raise"``, the first recording's error.

    Notes
    -----
    Results are identical for every ``n_jobs``: each recording is analysed independently by
    the same function with the same arguments, with no shared state, and rows are put back in
    input order. The assessment itself is deterministic (no random numbers).
    """
    check_option("on_error", on_error, ("record", "raise"))
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or (n_jobs < 1 and n_jobs != -1):
        raise InvalidParameterError(f"n_jobs must be a positive integer or -1, got {n_jobs!r}.")
    if n_jobs == -1:
        n_jobs = os.cpu_count() or 1
    if reader_options is not None and not isinstance(reader_options, Mapping):
        raise InvalidParameterError("reader_options must be a mapping of read() options.")
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    skipped: list[dict[str, str]] = []
    items = collect_inputs(inputs, skipped=skipped)
    args = (config, channel, dict(reader_options or {}))
    out = Path(out_dir) if out_dir is not None else None
    if resume and out is None:
        raise InvalidParameterError("resume=True needs out_dir (the folder of the earlier run).")
    previous = _previous_results(out, items, config, channel, dict(reader_options or {})) \
        if resume else {}
    todo = [it for it in items if it.id not in previous]
    n_workers = min(n_jobs, len(todo)) if todo else 1
    logger.info("batch: %d recordings (%d reused), %d worker(s)", len(items), len(previous),
                n_workers)
    if client is not None or n_workers > 1:
        fresh = _run_dask(todo, args, n_workers, client, on_error, progress)
    else:
        fresh = []
        for i, it in enumerate(todo):
            res = _analyse_one(it, *args)
            fresh.append(res)
            if progress is not None:
                progress(i + 1, len(todo))
            if on_error == "raise" and res["error"]:
                raise _rebuild_error(res)
    by_id = {r["id"]: r for r in fresh}
    results = [previous[it.id] if it.id in previous else by_id[it.id] for it in items]
    json_names = _json_names(items)
    rows = []
    for it, res, jn in zip(items, results, json_names, strict=True):
        rel = f"assessments/{jn}" if (out is not None and res["assessment"]) else ""
        rows.append(_row(it, res, rel))
        if verbose:
            # position, not the id: file names may identify patients
            logger.info("batch item %d/%d: %s", len(rows), len(items), res["error_type"] or
                        (res["assessment"] or {}).get("classification"))
    extra_cols = list(dict.fromkeys(k for it in items for k in it.extra))
    df = _frame(rows, extra_cols)
    if out is not None:
        _write_outputs(out, df, items, results, json_names, skipped, config, n_workers,
                       on_error, started, time.perf_counter() - t0, channel,
                       reader_options)
    return df


def _canon(x: Any) -> str:
    from ..model.recording import _jsonable

    return json.dumps(_jsonable(x), sort_keys=True)


def _previous_results(out: Path | None, items: Sequence[BatchItem], config: Any,
                      channel: str | None, reader_options: Mapping[str, Any]
                      ) -> dict[str, dict[str, Any]]:
    """Results of an earlier run in ``out`` that are still valid for ``items`` (see resume)."""
    if out is None or not (out / "manifest.json").is_file():
        return {}
    try:
        man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        logger.warning("resume: the earlier run's manifest.json is unreadable; analysing "
                       "everything")
        return {}
    same_run = (man.get("software_version") == __version__
                and _canon(man.get("config")) == _canon(_config_dict(config))
                and man.get("channel") == channel
                and _canon(man.get("reader_options") or {}) == _canon(dict(reader_options)))
    if not same_run:
        logger.info("resume: version, config, channel or reader options changed; "
                    "analysing everything")
        return {}
    old = {e["id"]: e for e in man.get("inputs", []) if not e.get("error") and e.get("json")}
    reused: dict[str, dict[str, Any]] = {}
    for it in items:
        e = old.get(it.id)
        if e is None or Path(e["path"]) != Path(it.path):
            continue
        p = Path(it.path)
        try:
            digest, size = _sha256(p)
            assessment = json.loads((out / e["json"]).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if digest != e.get("sha256"):
            continue
        reused[it.id] = {"id": it.id, "path": it.path, "format": e.get("format") or "",
                         "error": "", "error_type": "", "warnings": e.get("warnings", []),
                         "sha256": digest, "size_bytes": size, "assessment": assessment,
                         "exception": None, "fs_hz": e.get("fs_hz"),
                         "duration_s": e.get("duration_s"), "reused": True}
    return reused


def _json_names(items: Sequence[BatchItem]) -> list[str]:
    names, seen = [], set()
    for it in items:
        base = _safe_name(it.id)
        name, k = base, 2
        while name.lower() in seen:
            name, k = f"{base}-{k}", k + 1
        seen.add(name.lower())
        names.append(name + ".json")
    return names


def _versions() -> dict[str, str | None]:
    import importlib.metadata as md

    out: dict[str, str | None] = {"clonus": __version__, "python": sys.version.split()[0]}
    for pkg in ("numpy", "scipy", "pandas", "dask", "distributed", "opencv-python-headless",
                "av", "pyedflib", "wfdb"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = None
    return out


def _config_dict(config: Any) -> Any:
    if config is None:
        return None
    if dataclasses.is_dataclass(config) and not isinstance(config, type):
        return {"type": type(config).__name__, **dataclasses.asdict(config)}
    if isinstance(config, Mapping):
        return dict(config)
    return repr(config)


def _write_outputs(out: Path, df: Any, items: Sequence[BatchItem], results: Sequence[Mapping],
                   json_names: Sequence[str], skipped: list[dict[str, str]], config: Any,
                   n_workers: int, on_error: str, started: datetime, elapsed_s: float,
                   channel: str | None = None,
                   reader_options: Mapping[str, Any] | None = None) -> None:
    from ..model.recording import _jsonable

    try:
        (out / "assessments").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidParameterError(f"Cannot create the output folder {out}: {exc}") from exc
    for res, jn in zip(results, json_names, strict=True):
        if res["assessment"]:
            (out / "assessments" / jn).write_text(
                json.dumps(res["assessment"], indent=2, allow_nan=False) + "\n", encoding="utf-8")
    df.to_csv(out / "results.csv", index=False)
    summarize(df).to_csv(out / "summary.csv", index=False)
    manifest = {
        "clonus_batch_manifest": 1,
        "software_version": __version__,
        "created_utc": started.isoformat(timespec="seconds"),
        "elapsed_s": round(elapsed_s, 3),
        "n_jobs": n_workers,
        "on_error": on_error,
        "config": _config_dict(config),
        "versions": _versions(),
        "platform": {"system": platform.system(), "release": platform.release(),
                     "machine": platform.machine(), "cpu_count": os.cpu_count()},
        "n_recordings": len(items),
        "n_ok": int((df["error"] == "").sum()),
        "n_error": int((df["error"] != "").sum()),
        "channel": channel,
        "reader_options": dict(reader_options or {}),
        "n_reused": sum(bool(r.get("reused")) for r in results),
        "inputs": [{"id": it.id, "path": it.path, "sha256": res["sha256"] or None,
                    "size_bytes": res["size_bytes"], "format": res["format"] or None,
                    "fs_hz": res.get("fs_hz"), "duration_s": res.get("duration_s"),
                    "warnings": list(res.get("warnings", [])),
                    "json": f"assessments/{jn}" if res["assessment"] else None,
                    "error": res["error"] or None, "reused": bool(res.get("reused")),
                    "elapsed_s": None if res.get("reused") or res.get("elapsed_s") is None
                    else round(float(res["elapsed_s"]), 4)}
                   for it, res, jn in zip(items, results, json_names, strict=True)],
        "skipped": skipped,
        "outputs": ["results.csv", "summary.csv", "assessments/", "manifest.json"],
    }
    (out / "manifest.json").write_text(json.dumps(_jsonable(manifest), indent=2) + "\n",
                                       encoding="utf-8")


# ---------------------------------------------------------------------------- summary
def summarize(results: Any, by: Sequence[str] = ("subject", "session")) -> Any:
    """Summary statistics of a results table per group (default subject and session).

    Parameters
    ----------
    results : pandas.DataFrame
        Output of :func:`run_batch` (or ``results.csv`` read back with pandas).
    by : sequence of str
        Grouping columns; empty values form their own group ``""``.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``n_recordings``, ``n_ok``, ``n_error``, ``n_clonus`` (classified
        clonus), ``n_pathological``, ``n_sustained``, ``n_beats_median``, ``n_beats_max``,
        ``frequency_hz_mean``, ``frequency_hz_sd`` (Hz, over recordings with a frequency),
        ``clonus_duration_s_median`` and ``clonus_duration_s_max`` (s).
    """
    import pandas as pd

    by = list(by)
    missing = [c for c in by if c not in results.columns]
    if missing:
        raise InvalidParameterError(f"summarize: no column(s) {missing} in the results; "
                                    f"available: {list(results.columns)}.")
    df = results.copy()
    for c in by:
        df[c] = df[c].fillna("").astype(str)
    ok = df["error"].fillna("") == ""
    df["_ok"] = ok
    df["_clonus"] = df["classification"] == "clonus"
    df["_path"] = df["pathological"].fillna(False).astype(bool)
    df["_sus"] = df["sustained"].fillna(False).astype(bool)
    nb = pd.to_numeric(df["n_beats"], errors="coerce")
    df["_nb"] = nb.astype("float64")
    g = df.groupby(by, sort=True, dropna=False) if by else df.groupby(lambda _: "all")
    out = g.agg(
        n_recordings=("id", "size"), n_ok=("_ok", "sum"), n_clonus=("_clonus", "sum"),
        n_pathological=("_path", "sum"), n_sustained=("_sus", "sum"),
        n_beats_median=("_nb", "median"), n_beats_max=("_nb", "max"),
        frequency_hz_mean=("frequency_hz", "mean"), frequency_hz_sd=("frequency_hz", "std"),
        clonus_duration_s_median=("clonus_duration_s", "median"),
        clonus_duration_s_max=("clonus_duration_s", "max"),
    ).reset_index()
    out.insert(len(by) + 2, "n_error", out["n_recordings"] - out["n_ok"])
    for c in ("n_recordings", "n_ok", "n_error", "n_clonus", "n_pathological", "n_sustained"):
        out[c] = out[c].astype("int64")
    if not by:
        out = out.drop(columns=out.columns[0])
    return out


def _fmt(x: Any) -> str:  # pragma: no cover - used by the CLI table
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return f"{x:.2f}" if isinstance(x, float) else str(x)
