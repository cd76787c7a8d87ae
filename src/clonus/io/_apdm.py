"""APDM Opal / Mobility Lab HDF5 files (``.h5``), read with h5py (``pip install "clonus[h5]"``).

Two layouts (``docs/formats.md``; learnt from public readers of real exports, not from a
published specification, and not yet checked on a clinical lab's own export):

* **format version 5** (Mobility Lab 2, Moveo Explorer; root attribute ``FileFormatVersion``)::

      /Sensors/<sensor id>/Accelerometer   (N, 3) m/s^2
      /Sensors/<sensor id>/Gyroscope       (N, 3) rad/s
      /Sensors/<sensor id>/Magnetometer    (N, 3) uT
      /Sensors/<sensor id>/Temperature     (N,)   degrees C
      /Sensors/<sensor id>/Barometer       (N,)   (not read: unit undocumented)
      /Sensors/<sensor id>/Time            (N,)   uint64, microseconds since 1970-01-01 UTC
      /Sensors/<sensor id>/Configuration   attributes "Label 0" ("Right Foot"), "Sample Rate"
      /Processed/<sensor id>/Orientation   (N, 4) quaternion (not read)
      /Annotations                         (time, sensor, text) records

  The sensor id is the Opal's id (``"1264"``, ``"XI-010284"``).
* **legacy, versions 2-4** (Mobility Lab 1, Motion Studio): root attributes ``CaseIdList`` and
  ``MonitorLabelList`` (one entry per sensor), then per sensor ``/<case id>/Time``,
  ``/<case id>/Calibrated/Accelerometers``, ``Gyroscopes``, ``Magnetometers`` (same units) and
  the group attribute ``SampleRate``.

A dataset's ``Units`` attribute, when present, is used instead of the documented unit (and an
unknown one gives a :class:`UnitWarning` and ``"AU"`` like every reader).

Channels: ``<sensor>_acc_x/y/z`` (``acc``), ``<sensor>_gyro_x/y/z`` (``gyro``),
``<sensor>_mag_x/y/z`` (``misc``, T) and ``<sensor>_temperature`` (``misc``, degC), where
``<sensor>`` is the sensor's label in lower case with ``_`` (``right_foot``, ``lumbar``), so that
``assess(rec, channel="right_foot")`` or ``--channel right_foot`` picks one foot. A file with one
unlabelled sensor has plain ``acc_x``...; unlabelled sensors of a multi-sensor file are
``sensor1``, ``sensor2``... ``read(path, sensor="Right Foot")`` (a label, a channel prefix or a
sensor id; or a list of them) reads only those sensors. ``metadata["sensors"]`` lists the labels
and ``metadata["channel_prefixes"]`` maps each to its prefix.

Timing: ``fs`` is the ``Sample Rate`` (``SampleRate``) attribute. The ``Time`` vector is checked
against it: times that go backwards or repeat, a typical step that disagrees with the rate by more
than 1 %, and a span that disagrees with the sample count (:func:`check_declared_rate`) are a
:class:`FileFormatError`; so is a gap (a step over 1.5 sample periods: lost samples) unless
``nan_policy="omit"``, which bridges gaps (and dropped non-finite samples) by linear
interpolation on the declared grid and reports them in ``metadata["gaps"]``,
``metadata["gap_intervals_s"]``. ``start_time`` is the first ``Time`` (UTC, ``tz_is_local``
False). Sensors at one rate whose times coincide are returned as one recording, cut to their
common span if they started or stopped at different samples; others are separate groups.

Privacy: the sensor ids (device serials) are kept in ``metadata["apdm_identity"]`` only with the
default ``anonymize=False`` and never logged; annotation texts (typed by the examiner) likewise
go to ``metadata["annotations"]`` only without ``anonymize=True`` (their times are always kept).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from .._intervals import merge_intervals
from .._logging import logger
from ..exceptions import (
    ClonusError,
    FileFormatError,
    InvalidParameterError,
    MissingDependencyError,
)
from ..model import Channel, Recording
from ._common import (
    check_declared_rate,
    check_options,
    check_unit_overrides,
    handle_nonfinite,
    make_recording,
    nonfinite_error,
    read_head,
    safe_name,
    unit_channel,
)
from ._registry import Reader, register

FMT = "apdm"
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_INSTALL = 'pip install "clonus[h5]"'
#: A Time step longer than this many sample periods means lost samples.
GAP_PERIODS = 1.5
#: Plausible range of Time (microseconds since 1970): 1995-2100.
_EPOCH_US = (7.9e14, 4.2e15)

# (dataset, channel stem, axes, unit APDM writes): version 5, then legacy
_V5_DATASETS = (("Accelerometer", "acc", "xyz", "m/s^2"), ("Gyroscope", "gyro", "xyz", "rad/s"),
                ("Magnetometer", "mag", "xyz", "uT"), ("Temperature", "temperature", "", "degC"))
_LEGACY_DATASETS = (("Calibrated/Accelerometers", "acc", "xyz", "m/s^2"),
                    ("Calibrated/Gyroscopes", "gyro", "xyz", "rad/s"),
                    ("Calibrated/Magnetometers", "mag", "xyz", "uT"))
#: Datasets whose length must equal Time's (the others are skipped, with a note, if not).
_CORE = ("acc", "gyro")


# ---------------------------------------------------------------------------- h5py access
def _h5py() -> Any:
    try:
        import h5py
    except ImportError as exc:
        raise MissingDependencyError(
            "Reading APDM Opal / Mobility Lab HDF5 (.h5) files needs h5py: "
            f"{_INSTALL}. (Or export the trial from Mobility Lab as CSV.)") from exc
    return h5py


def _h5py_or_none() -> Any:
    import importlib.util

    try:
        if importlib.util.find_spec("h5py") is None:
            return None
    except (ImportError, ValueError):  # a broken or blocked installation
        return None
    try:
        return _h5py()
    except MissingDependencyError:
        return None


def _open(h5py: Any, path: Path) -> Any:
    """Open read-only without HDF5 file locking (which fails on many network shares)."""
    try:
        return h5py.File(path, "r", locking=False)
    except (TypeError, ValueError):  # an HDF5 library without the locking option
        return h5py.File(path, "r")


def _corrupt(path: Path, exc: BaseException, what: str = "") -> FileFormatError:
    return FileFormatError(
        f"{path}: an HDF5 file that cannot be read{what} ({type(exc).__name__}: {exc}). It is "
        "truncated or corrupt (an interrupted copy or download, or an export that did not "
        "finish): copy it again, or export the trial again from Mobility Lab.")


def _text(v: Any) -> str:
    """An HDF5 string attribute (bytes, str, 1-element array) as clean text."""
    if isinstance(v, np.ndarray):
        if v.size != 1:
            return ""
        v = v.reshape(-1)[0]
    if isinstance(v, bytes):
        v = v.decode("utf-8", errors="replace")
    return str(v).replace("\x00", "").strip()


def _texts(v: Any) -> list[str]:
    """A list-of-strings attribute (``CaseIdList``) as clean texts."""
    if v is None:
        return []
    if isinstance(v, (bytes, str)):
        return [_text(v)]
    return [_text(x) for x in np.asarray(v).reshape(-1)]


def _number(v: Any) -> float | None:
    if v is None:
        return None
    if isinstance(v, np.ndarray):
        if v.size != 1:
            return None
        v = v.reshape(-1)[0]
    if isinstance(v, (bytes, str)):  # "128" or "128 Hz"
        m = re.match(r"\s*([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)", _text(v))
        v = m.group(1) if m else ""
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


# ---------------------------------------------------------------------------- layout
@dataclass
class _Sensor:
    sid: str                      # group name (an Opal id): identity, never logged
    label: str                    # "Right Foot" ("" if none)
    group: Any                    # h5py group holding the datasets
    fs: float | None
    datasets: tuple[tuple[str, str, str, str], ...]
    prefix: str = ""
    notes: list[str] = field(default_factory=list)


def _is_group(h5py: Any, obj: Any) -> bool:
    return isinstance(obj, h5py.Group)


def layout(h5py: Any, f: Any) -> str | None:
    """``"v5"``, ``"legacy"`` or None (not an APDM file)."""
    sensors = f.get("Sensors")
    if _is_group(h5py, sensors):
        for g in sensors.values():
            if _is_group(h5py, g) and any(k in g for k in ("Accelerometer", "Gyroscope", "Time",
                                                           "Configuration")):
                return "v5"
        if "FileFormatVersion" in f.attrs:
            return "v5"  # an APDM file whose sensor groups are empty: the reader says so
    if "CaseIdList" in f.attrs:
        return "legacy"
    for g in f.values():
        if _is_group(h5py, g) and _is_group(h5py, g.get("Calibrated")):
            return "legacy"
    return None


def _sensors_v5(h5py: Any, f: Any) -> list[_Sensor]:
    out = []
    for sid, g in f["Sensors"].items():
        if not _is_group(h5py, g):
            continue
        cfg = g.get("Configuration")
        attrs = cfg.attrs if cfg is not None else {}
        label = _text(attrs.get("Label 0", ""))
        fs = _number(attrs.get("Sample Rate"))
        out.append(_Sensor(str(sid), label, g, fs, _V5_DATASETS))
    return out


def _sensors_legacy(h5py: Any, f: Any) -> list[_Sensor]:
    ids = _texts(f.attrs.get("CaseIdList"))
    labels = _texts(f.attrs.get("MonitorLabelList"))
    if not ids:
        ids = [k for k, g in f.items() if _is_group(h5py, g) and "Calibrated" in g]
    out = []
    for i, cid in enumerate(ids):
        name = cid if cid in f else max((k for k in f if cid.startswith(k) and len(k) >= 4),
                                        key=len, default=None)  # ids padded past their end
        g = f.get(name) if name else None
        if not _is_group(h5py, g):
            continue
        fs = _number(g.attrs.get("SampleRate"))
        if fs is None and "SampleRate" in g and not _is_group(h5py, g["SampleRate"]):
            fs = _number(np.asarray(g["SampleRate"][()]))
        out.append(_Sensor(str(name), labels[i] if i < len(labels) else "", g, fs,
                           _LEGACY_DATASETS))
    return out


def _summary(h5py: Any, f: Any) -> str:
    names = [f"{k}/" if _is_group(h5py, v) else k for k, v in list(f.items())[:12]]
    attrs = list(f.attrs)[:8]
    what = f"top-level groups/datasets: {names or 'none'}"
    return what + (f"; root attributes: {attrs}" if attrs else "")


def hdf5_summary(path: Path) -> str | None:
    """What a (non-APDM) HDF5 file holds, for the refusal message; None without h5py."""
    h5py = _h5py_or_none()
    if h5py is None:
        return None
    try:
        with _open(h5py, path) as f:
            return _summary(h5py, f)
    except Exception:  # damaged: the caller names the file as HDF5 anyway
        return None


def not_apdm_message(summary: str | None) -> str:
    """The refusal of an HDF5 file that is not an APDM recording."""
    found = f" ({summary})" if summary else ""
    return (f"an HDF5 file that is not an APDM Opal / Mobility Lab recording{found}, which "
            "clonus does not read: APDM files have a 'Sensors' group (format version 5) or "
            "'CaseIdList' and per-sensor 'Calibrated' groups (versions 2-4). If it is an APDM "
            "export, export it again from Mobility Lab (or as CSV with a time column and "
            "units); otherwise load it with h5py and build a clonus.Recording "
            "(Recording.from_array), or convert it to CSV.")


def sniff(p: Path) -> bool:
    """HDF5 magic at byte 0, and an APDM layout (or no h5py, or a damaged file: the reader
    then says what to install or what is wrong)."""
    if not p.is_file() or read_head(p, 8) != HDF5_MAGIC:
        return False
    h5py = _h5py_or_none()
    if h5py is None:
        return True
    try:
        with _open(h5py, p) as f:
            return layout(h5py, f) is not None
    except Exception:
        return True


# ---------------------------------------------------------------------------- reading
def _dataset(path: Path, g: Any, name: str, label: str) -> np.ndarray | None:
    obj = g.get(name)
    if obj is None or not hasattr(obj, "dtype"):  # absent, or a group
        return None
    try:
        arr = np.asarray(obj[()])
    except OSError as exc:
        raise _corrupt(path, exc, f" (dataset {name} of sensor {label!r})") from exc
    except TypeError:
        return None  # a compound or reference dataset: not a signal
    return arr


def _unit_attr(g: Any, name: str) -> str | None:
    obj = g.get(name)
    if obj is None:
        return None
    for key in ("Units", "units", "Unit", "unit"):
        if key in obj.attrs:
            u = _text(obj.attrs[key])
            return u or None
    return None


def _as_columns(path: Path, arr: np.ndarray, n: int, name: str, label: str,
                n_axes: int) -> np.ndarray:
    """(n_axes, n) float array from an (n, n_axes) dataset (or its transpose)."""
    want = (n, n_axes) if n_axes else (n,)
    a = np.asarray(arr, dtype=np.float64) if arr.dtype.kind in "fiub" else None
    if a is None:
        raise FileFormatError(f"{path}: dataset {name} of sensor {label!r} holds {arr.dtype} "
                              "values, not numbers. The file is damaged or not an APDM "
                              "recording; export it again.")
    if n_axes and a.ndim == 2 and a.shape == (n_axes, n) and n != n_axes:
        a = a.T  # written column-major (MATLAB): samples along the second axis
    if a.shape != want:
        raise FileFormatError(
            f"{path}: sensor {label!r}: dataset {name} has shape {a.shape} but Time has {n} "
            f"samples (expected {want}). The datasets do not match: the file is damaged or was "
            "edited; export the trial again from Mobility Lab.")
    return a.T if n_axes else a[None, :]


def _label_of(s: _Sensor) -> str:
    return s.label or s.prefix or "sensor"


def _length(arr: np.ndarray, n_axes: int) -> int:
    """Samples in a dataset of shape (n, axes), (axes, n) or (n,)."""
    if arr.ndim == 2 and n_axes and arr.shape[1] != n_axes and arr.shape[0] == n_axes:
        return int(arr.shape[1])
    return int(arr.shape[0]) if arr.ndim else 0


def _read_sensor(path: Path, s: _Sensor, opts: Mapping[str, Any], skipped: set[str],
                 several: bool) -> dict[str, Any] | None:
    """One sensor's checked samples: times (us), data (SI), channels, fs, metadata; None if the
    sensor group holds no signal dataset."""
    label = _label_of(s)
    raw = {}
    for name, stem, axes, unit in s.datasets:
        arr = _dataset(path, s.group, name, label)
        if arr is not None:
            raw[stem] = (name, axes, unit, arr)
    if "Barometer" in s.group:
        skipped.add("Barometer")
    if not any(stem in raw for stem in ("acc", "gyro", "mag")):
        return None
    t_raw = _dataset(path, s.group, "Time", label)
    if t_raw is not None:
        t_raw = np.asarray(t_raw).reshape(-1)
        if t_raw.dtype.kind not in "fiu":
            raise FileFormatError(f"{path}: sensor {label!r}: Time holds {t_raw.dtype} values, "
                                  "not numbers. The file is damaged; export it again.")
    core = [stem for stem in _CORE if stem in raw] or ["mag"]
    n = int(t_raw.size) if t_raw is not None else _length(raw[core[0]][3], len(raw[core[0]][1]))
    empty = [raw[stem][0] for stem in core if raw[stem][3].size == 0]
    if n == 0 or empty:
        raise FileFormatError(
            f"{path}: sensor {label!r}: {', '.join(empty or ['Time'])} is empty (0 samples). "
            "The trial holds no data for this sensor (the recording was stopped at once, or the "
            "export failed): record or export it again"
            + (", or read another sensor with sensor=." if several else "."))
    if n < 2:
        raise FileFormatError(f"{path}: sensor {label!r}: only 1 sample; at least 2 are "
                              "needed. Record for longer or check the export.")
    # acc and gyro must match Time; a magnetometer or thermometer that does not is skipped
    rows, chans = [], []
    for stem, (name, axes, unit, arr) in raw.items():
        try:
            cols = _as_columns(path, arr, n, name, label, len(axes))
        except FileFormatError:
            if stem in core:
                raise
            skipped.add(f"{name} (length differs from Time)")
            continue
        file_unit = _unit_attr(s.group, name) or unit
        stems = [f"{stem}_{a}" for a in axes] if axes else [stem]
        for nm, col in zip(stems, cols, strict=True):
            ch, sc = unit_channel(f"{s.prefix}_{nm}" if s.prefix else nm, file_unit,
                                  units=opts["units"], source=str(path),
                                  kind="misc" if stem in ("mag", "temperature") else None)
            chans.append(ch)
            rows.append(col * sc)
    data = np.vstack(rows)
    md: dict[str, Any] = {}
    fs = s.fs
    if t_raw is None:
        if fs is None or not fs > 0:
            raise FileFormatError(f"{path}: sensor {label!r} has neither a Time dataset nor a "
                                  "'Sample Rate' attribute, so its timing is unknown. Export "
                                  "the trial again from Mobility Lab.")
        t_all = np.arange(n) * (1e6 / fs)
        md["time_source"] = "Sample Rate (no Time dataset)"
    else:
        t_all = t_raw.astype(np.float64)
        if not np.isfinite(t_all).all():
            i = int(np.flatnonzero(~np.isfinite(t_all))[0])
            raise FileFormatError(f"{path}: sensor {label!r}: Time of sample {i + 1} is "
                                  f"{t_raw[i].item()!r}. The file is damaged; export it again.")
    bad = ~np.isfinite(data)
    if bad.any() and opts["nan_policy"] == "raise":
        raise nonfinite_error(
            path, bad, [c.name for c in chans], context=f"sensor {label!r}: ",
            row_of=lambda i: f"sample {i + 1} of {n}",
            advice="Pass nan_policy='omit' to drop and interpolate them, or export the trial "
            "again.")
    data, t_kept, md_nan = handle_nonfinite(data, [c.name for c in chans], path=path,
                                            nan_policy=opts["nan_policy"], timestamps=t_all)
    md.update(md_nan)
    assert t_kept is not None
    fs, t_us, data = _check_time(path, label, fs, t_all, t_kept, data, opts, md)
    return {"sensor": s, "fs": fs, "t_us": t_us, "data": data, "chans": chans, "md": md}


def _check_time(path: Path, label: str, fs: float | None, t_all: np.ndarray,
                t: np.ndarray, data: np.ndarray, opts: Mapping[str, Any],
                md: dict[str, Any]) -> tuple[float, np.ndarray, np.ndarray]:
    """Check the Time vector ``t_all`` (us) against the rate. ``t`` are the times of the
    samples kept in ``data`` (fewer than ``t_all`` when non-finite samples were dropped): they
    are put back on ``t_all``, or on the declared grid when Time has gaps (nan_policy='omit')."""
    d_all = np.diff(t_all)
    if (d_all < 0).any():
        i = int(np.flatnonzero(d_all < 0)[0]) + 1
        raise FileFormatError(
            f"{path}: sensor {label!r}: Time goes backwards at sample {i + 1} ({t_all[i - 1]:.0f} "
            f"then {t_all[i]:.0f} us). The recording was concatenated or edited; export the "
            "trial again from Mobility Lab.")
    if (d_all == 0).any():
        i = int(np.flatnonzero(d_all == 0)[0]) + 1
        k = int((d_all == 0).sum())
        raise FileFormatError(
            f"{path}: sensor {label!r}: Time repeats at sample {i + 1} ({t_all[i]:.0f} us; {k} "
            "repeated time(s)): samples were duplicated. Export the trial again from Mobility "
            "Lab.")
    step = float(np.median(d_all))
    if fs is None or not fs > 0:
        fs = 1e6 / float(np.mean(d_all[d_all < 2 * step]))
        md["fs_source"] = "Time (no 'Sample Rate' attribute)"
    elif abs(1e6 / step - fs) > 0.01 * fs:
        raise FileFormatError(
            f"{path}: sensor {label!r}: the 'Sample Rate' attribute says {fs:g} Hz but Time "
            f"advances by {step:.6g} us per sample ({1e6 / step:.6g} Hz). The rate or the "
            "times are wrong; export the trial again. (Time is read in microseconds since "
            "1970, as APDM writes it.)")
    period = 1e6 / fs
    gaps = np.flatnonzero(d_all > GAP_PERIODS * period)
    if gaps.size and opts["nan_policy"] != "omit":
        i = int(gaps[0])
        lost = int(round(d_all[i] / period)) - 1
        raise FileFormatError(
            f"{path}: sensor {label!r}: Time jumps by {d_all[i] / 1e6:.4g} s after sample "
            f"{i + 1} (about {lost} sample(s) lost; {gaps.size} gap(s) in all). Pass "
            "nan_policy='omit' to bridge the gaps by linear interpolation (reported in "
            "metadata['gap_intervals_s'] and treated as dropouts by the analysis), or export "
            "the trial again.")
    if gaps.size:
        t0 = float(t_all[0])
        n_grid = int(math.floor((float(t_all[-1]) - t0) / period + 1e-6)) + 1
        grid = t0 + np.arange(n_grid) * period
        data = np.vstack([np.interp(grid, t, row) for row in data])
        md["gaps"] = int(gaps.size)
        md["max_gap_s"] = float(d_all[gaps].max() / 1e6)
        md["gap_intervals_s"] = [[float((t_all[i] - t0) / 1e6), float(d_all[i] / 1e6)]
                                 for i in gaps]
        md["resampled"] = True
        md["resample_method"] = "linear"
        logger.info("%s: sensor %s: %d gap(s) bridged by linear interpolation", path, label,
                    gaps.size)
        return fs, grid, data
    if t.size != t_all.size:  # non-finite samples dropped: interpolated back on Time
        data = np.vstack([np.interp(t_all, t, row) for row in data])
    check_declared_rate(path, _utc(t_all[0]), _utc(t_all[-1]), t_all.size, fs)
    return fs, t_all, data


def _utc(t_us: float) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=float(t_us))


def _pick(sensors: list[_Sensor], want: Any, path: Path) -> list[_Sensor]:
    if want is None:
        return sensors
    wants = [want] if isinstance(want, str) else list(want) if isinstance(
        want, Sequence) else None
    if not wants or not all(isinstance(w, str) and w.strip() for w in wants):
        raise InvalidParameterError(f"sensor= must be a sensor label such as 'Right Foot' (or "
                                    f"a list of them), got {want!r}.")
    out = []
    for w in wants:
        key = w.strip().lower()
        hit = [s for s in sensors if key in (s.label.lower(), s.prefix.lower(), s.sid.lower())
               or safe_name(w) == s.prefix]
        if not hit:
            labels = [s.label or s.prefix for s in sensors]
            raise InvalidParameterError(
                f"{path}: no sensor {w!r}. The file's sensors are {labels} (give a label, its "
                "channel prefix such as 'right_foot', or the sensor's id).")
        out += [s for s in hit if s not in out]
    return [s for s in sensors if s in out]  # in the file's order


def _annotations(h5py: Any, f: Any, t0_us: float, anonymize: bool) -> list[dict[str, Any]]:
    """``/Annotations`` records (time in us, text) as times from the first sample; a damaged
    or unexpected annotations table is left out (it is not needed to read the signals)."""
    try:
        ann = f.get("Annotations")
        if ann is None or not isinstance(ann, h5py.Dataset) or ann.dtype.names is None:
            return []
        names = {n.lower(): n for n in ann.dtype.names}
        if "time" not in names:
            return []
        rec = ann[()]
    except Exception:
        return []
    out = []
    for r in np.atleast_1d(rec)[:1000]:
        t = _number(r[names["time"]])
        if t is None:
            continue
        item: dict[str, Any] = {"time_s": (t - t0_us) / 1e6}
        if not anonymize and "annotation" in names:
            item["text"] = _text(r[names["annotation"]])
        out.append(item)
    return out


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options, allowed=("anonymize", "sensor"))
    anonymize = bool(opts.get("anonymize", False))
    h5py = _h5py()
    try:
        f = _open(h5py, path)
    except OSError as exc:
        raise _corrupt(path, exc) from exc
    with f:
        try:
            kind, version, blocks, no_data, skipped, annotations = _read_open(
                h5py, f, path, opts)
        except ClonusError:
            raise
        except (OSError, RuntimeError, KeyError, ValueError) as exc:  # h5py on damaged files
            raise _corrupt(path, exc) from exc
    md: dict[str, Any] = {"apdm_layout": "version 5 (Sensors)" if kind == "v5" else
                          "legacy (CaseIdList, Calibrated)"}
    if version is not None:
        md["file_format_version"] = int(version) if version == int(version) else version
    if no_data:
        md["sensors_without_data"] = no_data
    if skipped:
        md["skipped_datasets"] = sorted(skipped)
    if annotations:
        md["annotations"] = annotations
    if anonymize:
        md["anonymized"] = True
    out = [_group_recording(path, g, md, anonymize) for g in _groups(blocks)]
    logger.info("%s: APDM %s, %d sensor(s) in %d group(s)", path, md["apdm_layout"],
                len(blocks), len(out))
    return out


def _read_open(h5py: Any, f: Any, path: Path, opts: Mapping[str, Any]) -> tuple[Any, ...]:
    kind = layout(h5py, f)
    if kind is None:
        raise FileFormatError(f"{path}: {not_apdm_message(_summary(h5py, f))}")
    version = _number(f.attrs.get("FileFormatVersion", f.attrs.get("File_Format_Version")))
    sensors = _sensors_v5(h5py, f) if kind == "v5" else _sensors_legacy(h5py, f)
    if not sensors:
        where = "a 'Sensors' group" if kind == "v5" else "'CaseIdList'"
        raise FileFormatError(
            f"{path}: an APDM file ({where}) with no sensor group in it. The export holds no "
            "recording: export the trial again from Mobility Lab.")
    _assign_prefixes(sensors)
    sensors = _pick(sensors, opts.get("sensor"), path)
    skipped: set[str] = set()
    if kind == "v5" and _has_orientation(h5py, f):
        skipped.add("Processed/<sensor>/Orientation")
    blocks, no_data = [], []
    for s in sensors:
        b = _read_sensor(path, s, opts, skipped, several=len(sensors) > 1)
        if b is None:
            no_data.append(_label_of(s))
        else:
            blocks.append(b)
    if not blocks:
        raise FileFormatError(
            f"{path}: the APDM sensor groups ({no_data}) hold no Accelerometer, Gyroscope or "
            "Magnetometer data. Export the trial again from Mobility Lab with the raw "
            "sensor data.")
    check_unit_overrides(opts["units"], [c.name for b in blocks for c in b["chans"]], path)
    t0 = min(float(b["t_us"][0]) for b in blocks)
    annotations = _annotations(h5py, f, t0, bool(opts.get("anonymize", False)))
    return kind, version, blocks, no_data, skipped, annotations


def _has_orientation(h5py: Any, f: Any) -> bool:
    """Does ``/Processed`` hold orientations (only noted: a damaged one does not matter)?"""
    try:
        g = f.get("Processed")
        return _is_group(h5py, g) and any(_is_group(h5py, x) and "Orientation" in x
                                          for x in g.values())
    except Exception:
        return False


def _assign_prefixes(sensors: list[_Sensor]) -> None:
    used: dict[str, int] = {}
    for k, s in enumerate(sensors, 1):
        base = safe_name(s.label) if s.label else ("" if len(sensors) == 1 else f"sensor{k}")
        if base in used:
            used[base] += 1
            base = f"{base}_{used[base]}"
        used.setdefault(base, 1)
        s.prefix = base


def _groups(blocks: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Blocks that share a rate and whose times coincide, cut to their common span."""
    out: list[list[dict[str, Any]]] = []
    for b in blocks:
        for g in out:
            if _aligned(g + [b]) is not None:
                g.append(b)
                break
        else:
            out.append([b])
    return out


def _aligned(group: list[dict[str, Any]]) -> list[tuple[int, int]] | None:
    """(first, stop) index of each block on their common span, or None if not aligned."""
    fs = group[0]["fs"]
    if any(abs(b["fs"] - fs) > 1e-9 * fs for b in group):
        return None
    tol = 0.25e6 / fs
    start = max(float(b["t_us"][0]) for b in group)
    stop = min(float(b["t_us"][-1]) for b in group)
    if stop - start < 1e6 / fs:
        return None
    spans = []
    for b in group:
        t = b["t_us"]
        i0 = int(np.searchsorted(t, start - tol))
        i1 = int(np.searchsorted(t, stop + tol))
        if i0 >= t.size or abs(t[i0] - start) > tol:
            return None
        spans.append((i0, i1))
    n = min(i1 - i0 for i0, i1 in spans)
    ref = group[0]["t_us"][spans[0][0]:spans[0][0] + n]
    for b, (i0, _) in zip(group, spans, strict=True):
        if np.max(np.abs(b["t_us"][i0:i0 + n] - ref)) > tol:
            return None
    return [(i0, i0 + n) for i0, _ in spans]


def _group_recording(path: Path, group: list[dict[str, Any]], base_md: Mapping[str, Any],
                     anonymize: bool) -> Recording:
    spans = _aligned(group) if len(group) > 1 else [(0, group[0]["t_us"].size)]
    assert spans is not None
    data = np.vstack([b["data"][:, i0:i1] for b, (i0, i1) in zip(group, spans, strict=True)])
    chans: list[Channel] = [c for b in group for c in b["chans"]]
    fs = float(group[0]["fs"])
    md: dict[str, Any] = dict(base_md)
    sensors = [b["sensor"] for b in group]
    md["sensors"] = [_label_of(s) for s in sensors]
    md["channel_prefixes"] = {_label_of(s): s.prefix for s in sensors}
    trimmed = {_label_of(b["sensor"]): [i0, b["t_us"].size - i1]
               for b, (i0, i1) in zip(group, spans, strict=True) if i0 or i1 < b["t_us"].size}
    if trimmed:
        md["trimmed_to_common_span"] = trimmed  # [samples cut at the start, at the end]
    for b in group:
        for k, v in b["md"].items():
            if k in ("nonfinite_samples", "fs_source", "time_source"):
                md.setdefault("per_sensor", {}).setdefault(_label_of(b["sensor"]), {})[k] = v
    t0 = float(group[0]["t_us"][spans[0][0]])
    # each sensor's gaps (from its own first sample) on the group's clock, merged
    gaps = merge_intervals(
        (max(a, 0.0), a + length) for b in group
        for a, length in ((a0 + (float(b["t_us"][0]) - t0) / 1e6, length)
                          for a0, length in b["md"].get("gap_intervals_s", []))
        if a + length > 0)
    if gaps:
        md["gaps"] = len(gaps)
        md["gap_intervals_s"] = [[a, e - a] for a, e in gaps]
        md["max_gap_s"] = max(e - a for a, e in gaps)
        md["resampled"] = True
        md["resample_method"] = "linear"
    start = _utc(t0) if _EPOCH_US[0] < t0 < _EPOCH_US[1] else None
    if not anonymize:
        md["apdm_identity"] = {"sensor_ids": {_label_of(s): s.sid for s in sensors}}
    return make_recording(data, fs, chans, path=path, fmt=FMT, start_time=start,
                          tz_is_local=False, metadata=md)


register(Reader(
    name=FMT,
    description="APDM Opal / Mobility Lab HDF5 (.h5, format versions 2-5): acc m/s^2, gyro "
    "rad/s, mag uT per sensor, at the file's sample rate",
    extensions=(".h5",),
    sniff=sniff,
    read_groups=read_groups,
    extra="h5",
))
