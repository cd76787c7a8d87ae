"""Helpers shared by the readers: containers, units, timestamps, NaN policy, channel kinds.

Policies (documented for users in ``docs/formats.md``):

* **Irregular timestamps** (phone apps): the rate is 1 / mean of the intervals shorter than
  twice the median interval (longer ones are gaps), and the samples are linearly interpolated
  onto a uniform grid starting at the first timestamp.
  ``metadata`` records ``resampled=True``, ``original_fs_hz`` (that rate) and
  ``jitter_s`` (standard deviation of the intervals). Timestamps that are already uniform
  (every interval within 1 % of the median) are kept as they are (``resampled=False``).
* **Repeated timestamps**: an isolated pair of samples with one time, next to a gap with room
  for one of them, is late delivery or a coarse clock (Shimmer writes millisecond Unix times at
  52 Hz; phone sensor APIs occasionally deliver two events with one timestamp): no sample is
  dropped, one of the two is moved into the middle of the gap, and
  ``metadata["repeated_timestamps_spread"]`` counts them. Three samples with one time, a pair
  with no room beside it, or more than 10 % repeats mean duplicated rows or a stalled clock:
  :class:`FileFormatError` naming the row.
* **Timestamps going backwards**: :class:`FileFormatError` naming the row; the file has been
  concatenated or edited and we cannot know which part is right.
* **NaN / inf samples**: :class:`FileFormatError` with counts per channel and the first row,
  unless ``nan_policy="omit"``: then rows with non-finite values are dropped before
  resampling (timestamped formats) or the values are linearly interpolated (uniform formats),
  and ``metadata["nonfinite_samples"]`` records how many were replaced per channel.
* **Unknown units**: :class:`UnitWarning`, the channel is kept in ``"AU"``; override with
  ``units={"name": "uV"}`` (a single string applies to every signal channel).
"""

from __future__ import annotations

import io
import math
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from .._intervals import merge_intervals
from .._logging import logger
from .._validation import check_option
from ..exceptions import FileFormatError, InvalidParameterError, SamplingRateError
from ..model import Channel, Recording
from ..units import parse_unit, require_unit, to_si

__all__ = [
    "Container",
    "resolve_unit",
    "guess_kind",
    "check_options",
    "uniform_from_timestamps",
    "handle_nonfinite",
    "read_head",
    "is_zip",
    "make_recording",
    "parse_float",
]

#: Intervals within this fraction of the median count as uniform sampling.
UNIFORM_TOL = 0.01


# ---------------------------------------------------------------------------- containers
def is_zip(p: Path) -> bool:
    """True if ``p`` is a file starting with the zip magic bytes."""
    if not p.is_file():
        return False
    with open(p, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def read_head(p: Path, n: int = 4096) -> bytes:
    """First ``n`` bytes of a file (empty for folders)."""
    if not p.is_file():
        return b""
    with open(p, "rb") as fh:
        return fh.read(n)


def head_text(p: Path, n: int = 4096) -> str:
    """First ``n`` bytes decoded as UTF-8 (BOM stripped, errors replaced)."""
    return read_head(p, n).decode("utf-8", errors="replace").lstrip("\ufeff")


class Container:
    """A folder, a zip file or a single file, seen as a set of members with POSIX names.

    Members are addressed by their path relative to the export root. A zip whose members all
    live under one top folder (``export/Gyroscope.csv``) is flattened to ``Gyroscope.csv``.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._names: dict[str, str] = {}
        if path.is_dir():
            # An export folder holds its files at the top, plus phyphox's ``meta/`` folder.
            # Deeper files belong to other recordings (a study folder is not one recording),
            # and not walking the whole tree keeps detection fast on large study folders.
            for f in sorted(path.iterdir()):
                if f.is_file():
                    self._names[f.name] = str(f)
                elif f.is_dir() and f.name.lower() == "meta":
                    for g in sorted(f.iterdir()):
                        if g.is_file():
                            self._names[f"{f.name}/{g.name}"] = str(g)
        elif is_zip(path):
            try:
                self._zip = zipfile.ZipFile(path)
                names = [n for n in self._zip.namelist() if not n.endswith("/")]
            except (zipfile.BadZipFile, OSError, ValueError) as exc:
                raise FileFormatError(
                    f"{path}: the zip archive is damaged ({exc}). Export or download it again."
                ) from exc
            names = [n for n in names if not n.startswith("__MACOSX/")]
            tops = {n.split("/", 1)[0] for n in names}
            strip = len(tops) == 1 and all("/" in n for n in names)
            for n in names:
                self._names[n.split("/", 1)[1] if strip else n] = n
        else:
            self._names[path.name] = str(path)

    @property
    def names(self) -> list[str]:
        """Member names relative to the export root."""
        return list(self._names)

    def find(self, name: str) -> str | None:
        """The member whose base name is ``name`` (any case), preferring the shallowest."""
        low = name.lower()
        hits = [n for n in self._names if n.lower() == low]
        if not hits:
            hits = [n for n in self._names if PurePosixPath(n).name.lower() == low]
        return min(hits, key=len) if hits else None

    def read_bytes(self, member: str) -> bytes:
        real = self._names[member]
        try:
            if self._zip is not None:
                return self._zip.read(real)
            with open(real, "rb") as fh:
                return fh.read()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error,
                NotImplementedError) as exc:
            raise FileFormatError(
                f"{self.path}: cannot read {member!r} ({exc}); the archive looks damaged or "
                "truncated. Export or download it again."
            ) from exc

    def read_text(self, member: str) -> str:
        raw = self.read_bytes(member)
        if b"\x00" in raw:
            raise FileFormatError(
                f"{self.path}: {member!r} contains NUL bytes, so it is not a text export (or it is "
                "corrupt). Export it again."
            )
        try:
            return raw.decode("utf-8").lstrip("\ufeff")
        except UnicodeDecodeError:
            return raw.decode("latin-1")

    def head(self, member: str, n: int = 4096) -> str:
        real = self._names[member]
        if self._zip is not None:
            with self._zip.open(real) as fh:
                raw = fh.read(n)
        else:
            with open(real, "rb") as fh:
                raw = fh.read(n)
        return raw.decode("utf-8", errors="replace").lstrip("\ufeff")

    def label(self, member: str) -> str:
        return f"{self.path}" if member == self.path.name and self._zip is None and not \
            self.path.is_dir() else f"{self.path} [{member}]"

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> Container:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


# ---------------------------------------------------------------------------- options
def writer_path(func: str, path: Any, recording: Any) -> Path:
    """Check a writer's ``(path, recording)`` arguments and return the path.

    Raises :class:`InvalidParameterError` when they are swapped or of the wrong type, the path
    is a folder, or its folder does not exist (before: raw TypeError/OSError from deep inside).
    """
    if not isinstance(recording, Recording):
        raise InvalidParameterError(
            f"{func}(path, recording): 'recording' must be a clonus.Recording, got "
            f"{type(recording).__name__}. The output path comes first."
        )
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidParameterError(
            f"{func}(path, recording): 'path' must be a file path, got {type(path).__name__}."
        )
    p = Path(path)
    if p.is_dir():
        raise InvalidParameterError(
            f"{func}: {p} is a folder; give the path of the file to write."
        )
    if not p.parent.is_dir():
        raise InvalidParameterError(
            f"{func}: the folder {p.parent} does not exist; create it first."
        )
    return p


def check_options(path: Path, fmt: str, options: Mapping[str, Any],
                  allowed: Iterable[str] = ()) -> dict[str, Any]:
    """Validate reader options shared by every reader and reject unknown ones.

    Returns a dict with ``units`` (dict or str or None) and ``nan_policy`` plus the allowed extras.
    """
    known = {"units", "nan_policy", *allowed}
    unknown = sorted(set(options) - known)
    if unknown:
        raise InvalidParameterError(
            f"Unknown option(s) {unknown} for the {fmt} reader ({path}). "
            f"Allowed options: {sorted(known)}."
        )
    out = dict(options)
    units = out.get("units")
    if units is not None and not isinstance(units, (str, Mapping)):
        raise InvalidParameterError(
            f"units must be a dict {{channel: unit}} or one unit string, got {units!r}."
        )
    out["units"] = units
    out["nan_policy"] = check_option("nan_policy", out.get("nan_policy", "raise"),
                                     ("raise", "omit"))
    return out


# ---------------------------------------------------------------------------- units / kinds
_NAME_KINDS = (
    (re.compile(r"emg", re.I), "emg"),
    # a channel in volts named after a leg muscle is surface EMG (Noraxon, Delsys, Cometa and
    # Vicon exports name the channel after the muscle: "RT SOLEUS", "LT TIB.ANT.", "GM_L")
    # (not a muscle's force, length or joint angle in volts)
    (re.compile(r"^(?!.*(force|torque|angle|gonio|length))(.*(sol(eus)?(?![a-z])|gastro|"
                r"(?<![a-z0-9])(gm|gl|ga|ta|sol|pl|pb)(?![a-z0-9])|tib(ialis)?[ ._-]*ant|perone|"
                r"fibular|triceps|(?<![a-z])calf(?![a-z])|hamstr|semiten|bicep|"
                r"vast(us)?[ ._-]*(lat|med)|rect(us)?[ ._-]*fem|glut))", re.I), "emg"),
    (re.compile(r"ecg|ekg", re.I), "ecg"),
    # short IMU log names (Arduino/MPU-6050 sketches, many loggers): gx gy gz, ax ay az
    (re.compile(r"^g[_ .-]?[xyz]$", re.I), "gyro"),
    (re.compile(r"^a[_ .-]?[xyz]$", re.I), "acc"),
    (re.compile(r"gyr|rotation.?rate|angular.?vel|omega", re.I), "gyro"),
    # "acc" but not "accuracy" (SensorLog "motionMagneticFieldCalibrationAccuracy(Z)")
    (re.compile(r"acc(?!ura)|grav", re.I), "acc"),
    # simulators name the joint angle theta (e.g. the reflex-model.md state equations)
    (re.compile(r"angle|gonio|theta|flexion", re.I), "angle"),
    (re.compile(r"force", re.I), "force"),
    (re.compile(r"torque", re.I), "torque"),
)


# The orientation of the sensor in the world (phone apps' attitude: SensorLog
# "motionYaw/Roll/Pitch(rad)", "motionHeading(°)", AndroSensor "ORIENTATION (Pitch) (°)", the
# 2011 Android orientation sensor's azimuth) is sensor fusion's estimate, filtered and lagging,
# not a goniometer's joint angle: kind "misc", so that the gyroscope is analysed instead.
_ATTITUDE = re.compile(r"yaw|roll|pitch|azimuth|heading|orientation|attitude|euler|quat|course",
                       re.I)


def guess_kind(name: str, si_unit: str, kind_hint: str | None = None) -> str:
    """Channel kind from its SI unit (authoritative) and its name (for volts and AU).

    A channel whose unit is unknown (``"AU"``) keeps the kind its name suggests (``gyro_x`` is
    still a gyroscope axis), so that it can be selected; its unit stays ``"AU"``.
    """
    by_unit = {"rad/s": "gyro", "m/s^2": "acc", "rad": "angle", "N": "force", "N m": "torque",
               "m": "position", "px": "position"}
    if si_unit == "rad" and _ATTITUDE.search(name):
        return "misc"  # the phone's own orientation, not a joint angle
    if si_unit in by_unit:
        return by_unit[si_unit]
    for pat, kind in _NAME_KINDS:
        if pat.search(name):
            if si_unit == "V" and kind not in ("emg", "ecg"):
                continue
            if si_unit not in ("V", "AU"):
                continue
            return kind
    return kind_hint if kind_hint in ("emg", "ecg") else "misc"


def override_for(units: str | Mapping[str, str] | None, name: str) -> str | None:
    if units is None:
        return None
    if isinstance(units, str):
        return units
    return units.get(name)


def resolve_unit(name: str, unit: str | None, *, units: str | Mapping[str, str] | None,
                 source: str) -> tuple[str, float, str]:
    """Return ``(si_unit, scale, orig_unit)``; an override in ``units`` wins over the file's unit.

    Unknown file units give a :class:`UnitWarning` and ``("AU", 1.0)``; an unknown override is a
    :class:`UnitError` (the user asked for it explicitly).
    """
    ov = override_for(units, name)
    if ov is not None:
        info = require_unit(ov)
        return info.si_unit, info.scale, ov
    si, scale = to_si(unit, channel=name, source=source)
    return si, scale, "" if unit is None else str(unit)


def unit_channel(name: str, unit: str | None, *, units: str | Mapping[str, str] | None,
                 source: str, kind: str | None = None) -> tuple[Channel, float]:
    """Build a :class:`Channel` and the factor to SI from a header unit."""
    si, scale, orig = resolve_unit(name, unit, units=units, source=source)
    info = parse_unit(orig) if orig else None
    k = kind or guess_kind(name, si, info.kind_hint if info else None)
    return Channel(name, k, si, orig), scale


def check_unit_overrides(units: str | Mapping[str, str] | None, names: Sequence[str],
                         path: Path) -> None:
    """Reject ``units={name: ...}`` entries that name no channel of the file."""
    if isinstance(units, Mapping):
        missing = [n for n in units if n not in names]
        if missing:
            raise InvalidParameterError(
                f"{path}: units= names channel(s) {missing} that are not in the file. "
                f"Channels: {list(names)}."
            )


# ---------------------------------------------------------------------------- numbers
def parse_float(text: str, *, what: str, path: Path | str) -> float:
    try:
        v = float(text.strip().replace(",", "."))
    except (ValueError, AttributeError) as exc:
        raise FileFormatError(f"{path}: {what} is {text!r}, which is not a number. "
                              "The header looks corrupt; export the file again.") from exc
    return v


def to_float_matrix(rows: Sequence[Sequence[str]], *, path: Path | str, first_row: int,
                    decimal_comma: bool = False,
                    column_numbers: Sequence[int] | None = None) -> np.ndarray:
    """Convert rows of strings to a float matrix, naming the first bad cell on failure.

    Empty cells become NaN (handled later by the NaN policy). ``column_numbers`` are the
    file's (1-based) column numbers of the fields when some columns were left out.
    """
    try:
        arr = np.array([[c.strip() or "nan" for c in r] for r in rows], dtype=object)
        if decimal_comma:
            arr = np.char.replace(arr.astype(str), ",", ".")
        return np.asarray(arr, dtype=np.float64)
    except ValueError:
        pass
    for i, r in enumerate(rows):
        for j, c in enumerate(r):
            s = c.strip().replace(",", ".") if decimal_comma else c.strip()
            if not s:
                continue
            try:
                float(s)
            except ValueError:
                col = j + 1 if column_numbers is None else column_numbers[j]
                raise FileFormatError(
                    f"{path}: row {first_row + i}, column {col} holds {c.strip()[:40]!r}, which "
                    "is not a number. Fix or remove that row (or export the file again)."
                ) from None
    raise FileFormatError(f"{path}: the data rows could not be read as numbers.")


def split_rows(lines: Sequence[str], sep: str, *, path: Path | str, first_row: int,
               n_fields: int | None = None, strip_trailing_sep: bool = False
               ) -> list[list[str]]:
    """Split data lines, skipping blank ones; a row with the wrong number of fields is an error."""
    rows: list[list[str]] = []
    for k, line in enumerate(lines):
        if not line.strip():
            continue
        if strip_trailing_sep and line.rstrip().endswith(sep):
            line = line.rstrip()[: -len(sep)]
        parts = [p.strip().strip('"') for p in line.split(sep)]
        if n_fields is not None and len(parts) != n_fields:
            last = k == len(lines) - 1 or not any(x.strip() for x in lines[k + 1:])
            if last and k > 0:
                hint = (" It is the last line: the file looks truncated. Export it again, or "
                        "delete that line.")
            elif not rows:
                hint = (" The first data row already disagrees with the header: the header is "
                        "probably damaged. Export the file again.")
            else:
                hint = " Fix or delete that row."
            raise FileFormatError(
                f"{path}: row {first_row + k} has {len(parts)} fields but the header has "
                f"{n_fields}.{hint}"
            )
        rows.append(parts)
    return rows


def parse_table(lines: Sequence[str], sep: str, *, path: Path | str, first_row: int,
                n_fields: int, strip_trailing_sep: bool = False,
                decimal_comma: bool = False,
                column_numbers: Sequence[int] | None = None) -> np.ndarray:
    """Parse numeric data lines into a (n_rows, n_fields) float matrix.

    Fast path: when every non-blank line has the expected number of separators, pandas' C
    parser reads the block. Otherwise (or if it fails) the lines are parsed one by one so that
    the error names the offending row and column. Empty cells become NaN.
    """
    body = [ln for ln in lines if ln.strip()]
    if not body:
        return np.empty((0, n_fields))
    want = n_fields if strip_trailing_sep else n_fields - 1
    if all(ln.count(sep) == want for ln in body) and (
            not strip_trailing_sep or all(ln.rstrip().endswith(sep) for ln in body)):
        import pandas as pd

        try:
            df = pd.read_csv(io.StringIO("\n".join(body)), sep=sep, header=None,
                             dtype=np.float64, engine="c", quotechar='"',
                             decimal="," if decimal_comma else ".", skip_blank_lines=False)
            mat = df.to_numpy(dtype=np.float64)
            if strip_trailing_sep:
                mat = mat[:, :n_fields]
            if mat.shape == (len(body), n_fields):
                return mat
        except (ValueError, TypeError, OverflowError):
            pass  # the slow path below names the bad cell
    rows = split_rows(lines, sep, path=path, first_row=first_row, n_fields=n_fields,
                      strip_trailing_sep=strip_trailing_sep)
    return to_float_matrix(rows, path=path, first_row=first_row, decimal_comma=decimal_comma,
                           column_numbers=column_numbers)


# ---------------------------------------------------------------------------- NaN policy
def nonfinite_error(path: Path | str, bad: np.ndarray, names: Sequence[str], *,
                    row_of: Callable[[int], str], advice: str, context: str = "",
                    what: str = "NaN or infinite") -> FileFormatError:
    """The error for non-finite samples under ``nan_policy='raise'``: how many, per channel,
    where the first is (``row_of(sample index)``, e.g. ``"in data row 12"``) and what to do."""
    counts = {n: int(c) for n, c in zip(names, bad.sum(axis=1), strict=True) if c}
    first = int(np.flatnonzero(bad.any(axis=0))[0])
    return FileFormatError(f"{path}: {context}{int(bad.sum())} samples are {what} ({counts}); "
                           f"the first is {row_of(first)}. {advice}")


def handle_nonfinite(data: np.ndarray, names: Sequence[str], *, path: Path | str,
                     nan_policy: str, timestamps: np.ndarray | None = None,
                     first_row: int = 1) -> tuple[np.ndarray, np.ndarray | None, dict[str, Any]]:
    """Apply the NaN policy to ``data`` (channels x samples).

    With ``timestamps`` the non-finite samples' rows are dropped (``omit``); without, the
    non-finite values are linearly interpolated from their neighbours.
    """
    bad = ~np.isfinite(data)
    if not bad.any():
        return data, timestamps, {}
    counts = {n: int(c) for n, c in zip(names, bad.sum(axis=1), strict=True) if c}
    # a channel without a single finite sample holds no data: dropping its rows drops them all
    empty = [n for n, b in zip(names, bad, strict=True) if b.all()]
    no_data = (f" Channel(s) {empty} have no finite sample at all: they hold no data; read the "
               "file without them (delete them from a copy, or export without them)."
               if empty else "")
    if nan_policy == "raise":
        raise nonfinite_error(
            path, bad, names, row_of=lambda i: f"in data row {i + first_row}",
            advice=(no_data + " Pass nan_policy='omit' to drop/interpolate them, or fix the "
                    "export.").strip())
    md: dict[str, Any] = {"nonfinite_samples": counts, "nan_policy": "omit"}
    if timestamps is not None:
        keep = ~bad.any(axis=0)
        if keep.sum() < 2:
            raise FileFormatError(f"{path}: fewer than 2 rows have finite values in every "
                                  f"channel.{no_data}")
        return data[:, keep], timestamps[keep], md
    out = data.copy()
    idx = np.arange(data.shape[1])
    for i in range(out.shape[0]):
        b = bad[i]
        if b.all():
            raise FileFormatError(f"{path}: channel {names[i]!r} has no finite sample.")
        if b.any():
            out[i, b] = np.interp(idx[b], idx[~b], out[i, ~b])
    return out, None, md


# ---------------------------------------------------------------------------- timestamps
def clean_timestamps(t: np.ndarray, data: np.ndarray, *, path: Path | str,
                     first_row: int = 1) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Check timestamps: finite, not backwards; isolated repeats spread, many repeats refused."""
    t = np.asarray(t, dtype=np.float64)
    if t.size < 2:
        raise FileFormatError(
            f"{path}: only {t.size} sample(s); at least 2 are needed to know the sampling rate. "
            "Record for longer or check the export."
        )
    if not np.isfinite(t).all():
        i = int(np.flatnonzero(~np.isfinite(t))[0])
        raise FileFormatError(
            f"{path}: the timestamp in data row {i + first_row} is {float(t[i])!r}, not a finite "
            "number. Fix or delete that row."
        )
    d = np.diff(t)
    if (d < 0).any():
        i = int(np.flatnonzero(d < 0)[0]) + 1
        raise FileFormatError(
            f"{path}: timestamps go backwards at data row {i + first_row} "
            f"({float(t[i - 1])!r} then {float(t[i])!r}). The file was probably concatenated or "
            "edited; split it at that row or export it again."
        )
    md: dict[str, Any] = {}
    if (d == 0).any():
        t, md = _spread_repeats(t, d, path=path, first_row=first_row)
    return t, data, md


#: Largest share of repeated timestamps accepted as late delivery or clock resolution.
MAX_REPEATED_FRACTION = 0.10


def _spread_repeats(t: np.ndarray, d: np.ndarray, *, path: Path | str,
                    first_row: int) -> tuple[np.ndarray, dict[str, Any]]:
    """Keep every sample when two samples share a timestamp that has room beside it.

    Phone and wearable exports sometimes stamp two samples with one time: events delivered
    late in a burst, or a coarse clock (Shimmer writes millisecond Unix times at 52 Hz; its
    real export has 4 such pairs, each next to a gap of 1.2-2.4 median intervals). An isolated
    pair next to a gap of at least 1.2 median intervals is spread: one of the two samples is
    moved to the middle of that gap, so no sample is lost, and
    ``metadata["repeated_timestamps_spread"]`` counts them. Three samples with one time, a pair
    with no room on either side, or more than :data:`MAX_REPEATED_FRACTION` of the samples
    repeated mean duplicated rows or a stalled clock: :class:`FileFormatError`, naming the row.
    """
    rep = np.flatnonzero(d == 0) + 1  # index of each later duplicate
    step = float(np.median(d[d > 0])) if (d > 0).any() else 0.0
    t = t.copy()

    def refuse(i: int, why: str) -> FileFormatError:
        return FileFormatError(
            f"{path}: timestamps repeat at data row {i + first_row} ({float(t[i])!r}): {why}. "
            "The file probably contains duplicated rows or a stalled clock; remove the "
            "duplicates or export it again."
        )

    run3 = np.flatnonzero((d[:-1] == 0) & (d[1:] == 0))
    if run3.size:
        raise refuse(int(run3[0]) + 1, "three or more samples share one timestamp")
    if rep.size > MAX_REPEATED_FRACTION * t.size:
        raise refuse(int(rep[0]), f"{rep.size} of {t.size} samples repeat the previous timestamp")
    for i in rep:
        before = t[i - 1] - t[i - 2] if i >= 2 else 0.0
        after = t[i + 1] - t[i] if i + 1 < t.size else 0.0
        if max(before, after) < 1.2 * step:
            raise refuse(int(i), "no gap beside the pair for a late or coarse-clock sample")
        if after >= before:
            t[i] = 0.5 * (t[i] + t[i + 1])
        else:
            t[i - 1] = 0.5 * (t[i - 2] + t[i - 1])
    logger.info("%s: %d repeated timestamps spread into neighbouring gaps", path, rep.size)
    return t, {"repeated_timestamps_spread": int(rep.size)}


def uniform_from_timestamps(t: np.ndarray, data: np.ndarray, *, path: Path | str,
                            fs: float | None = None) -> tuple[np.ndarray, float, dict[str, Any]]:
    """Put samples with (clean, increasing) timestamps ``t`` in seconds on a uniform grid.

    Parameters
    ----------
    t : ndarray, shape (n,)
        Increasing timestamps, in seconds.
    data : ndarray, shape (n_channels, n)
    fs : float, optional
        Target rate, in Hz; default 1 / median interval.

    Returns
    -------
    data_uniform, fs, metadata
    """
    d = np.diff(t)
    med = float(np.median(d))
    if not med > 0 or not math.isfinite(med):
        raise SamplingRateError(f"{path}: cannot estimate a sampling rate from the timestamps.")
    orig_fs = estimate_fs(d)
    jitter = float(np.std(d))
    regular = bool(np.all(np.abs(d - med) <= UNIFORM_TOL * med))
    md: dict[str, Any] = {"original_fs_hz": orig_fs, "jitter_s": jitter}
    if fs is None and regular:
        fs_u = (t.size - 1) / float(t[-1] - t[0])
        md["resampled"] = False
        return data, fs_u, md
    target = orig_fs if fs is None else float(fs)
    n = _grid_length(float(t[-1] - t[0]), target, t.size, path)
    grid = t[0] + np.arange(n) / target
    out = np.vstack([np.interp(grid, t, row) for row in data])
    gaps = d > 5 * med
    md.update(resampled=True, resample_method="linear")
    if gaps.any():
        md["gaps"] = int(gaps.sum())
        md["max_gap_s"] = float(d.max())
        md["gap_intervals_s"] = gap_intervals(t, float(t[0]))
    logger.info("%s: irregular timestamps (median %.4g s, jitter %.3g s) resampled to %.6g Hz",
                path, med, jitter, target)
    return out, target, md


def gap_intervals(t: np.ndarray, t0: float) -> list[list[float]]:
    """Pauses in timestamps ``t`` (s): intervals longer than 5 x the median interval.

    Returns ``[[start_s, length_s], ...]`` with ``start_s`` = the last sample before the pause,
    relative to ``t0`` (the start of the uniform grid). The samples interpolated inside a pause
    are not data: detectors read these intervals (``metadata["gap_intervals_s"]``) to treat
    them as a dropout rather than a straight line.
    """
    d = np.diff(np.asarray(t, dtype=float))
    if d.size == 0:
        return []
    med = float(np.median(d))
    idx = np.flatnonzero(d > 5 * med)
    return [[float(t[i] - t0), float(d[i])] for i in idx]


def series_gap_intervals(series: Sequence[tuple[np.ndarray, np.ndarray]],
                         t0: float) -> list[list[float]]:
    """:func:`gap_intervals` of several sensors put on one grid starting at ``t0`` (s), merged
    where they overlap and sorted; pauses before ``t0`` are dropped."""
    iv = merge_intervals((max(a, 0.0), a + n) for t, _ in series
                         for a, n in gap_intervals(t, t0) if a + n > 0)
    return [[a, b - a] for a, b in iv]


def _grid_length(span_s: float, fs: float, n_orig: int, path: Path | str) -> int:
    """Samples on a uniform grid over ``span_s``; refuse grids far longer than the data.

    A grid more than 4 times (+100 000 samples) longer than the samples it comes from means
    that the timestamps have a huge gap or a wrong unit; interpolating over it would invent data.
    """
    n_f = span_s * fs
    if not math.isfinite(n_f) or n_f > 4 * n_orig + 100_000:
        where = f"{path}: " if path else ""
        raise FileFormatError(
            f"{where}the timestamps span {span_s:.6g} s, which at the {fs:.6g} Hz estimated from "
            f"the typical interval would need {n_f:.3g} samples for {n_orig} recorded ones: there "
            "is a very long gap or the time unit is wrong. Split the recording at the gap or fix "
            "the time column.")
    return int(math.floor(n_f + 1e-6)) + 1


def estimate_fs(d: np.ndarray) -> float:
    """Rate in Hz from sample intervals ``d`` (s): 1 / mean of the intervals shorter than twice
    the median (the median only separates ordinary intervals from gaps, so that random jitter
    does not bias the estimate)."""
    med = float(np.median(d))
    ok = d[d < 2 * med]
    return 1.0 / float(np.mean(ok)) if ok.size else 1.0 / med


def common_grid(series: Sequence[tuple[np.ndarray, np.ndarray]], fs: float
                ) -> tuple[np.ndarray, float]:
    """Interpolate several (t, data) series with one nominal rate onto their common time span.

    Returns the stacked data and the grid start time (seconds, in the series' clock).
    """
    t0 = max(float(t[0]) for t, _ in series)
    t1 = min(float(t[-1]) for t, _ in series)
    if t1 <= t0:
        raise FileFormatError("The sensors' recordings do not overlap in time.")
    n = _grid_length(t1 - t0, fs, min(t.size for t, _ in series), "")
    grid = t0 + np.arange(n) / fs
    rows = []
    for t, data in series:
        for row in data:
            rows.append(np.interp(grid, t, row))
    return np.vstack(rows), t0


def group_by_rate(items: Sequence[tuple[str, float]], rtol: float = 0.005) -> list[list[int]]:
    """Group indices of ``(key, fs)`` items whose rates agree within ``rtol``."""
    groups: list[tuple[float, list[int]]] = []
    for i, (_, fs) in enumerate(items):
        for g in groups:
            if abs(g[0] - fs) <= rtol * g[0]:
                g[1].append(i)
                break
        else:
            groups.append((fs, [i]))
    return [g[1] for g in groups]


def split_leading_time(path: Path | str, body: Sequence[str], sep: str, *,
                       first_row: int) -> tuple[list[str], list[str]]:
    """Split rows that start with a written-out time (``3/1/2024 10:00:00.000,0.01,...``) into
    the time texts and the rest of each row; a row with a time and no values is truncated."""
    times, rows = [], []
    for k, ln in enumerate(body):
        t, _, rest = ln.partition(sep)
        if not rest.strip():
            raise FileFormatError(f"{path}: row {first_row + k} has a time and no values; the "
                                  "file is truncated or damaged. Export it again.")
        times.append(t)
        rows.append(rest)
    return times, rows


def check_declared_rate(path: Path | str, t_first: Any, t_last: Any, n: int, fs: float) -> None:
    """Refuse a file whose first and last sample times (datetimes, or None when unreadable)
    disagree with ``n`` samples at the header's rate ``fs``: rows are missing or the rate is
    wrong, and a uniform grid would put every later sample at the wrong time."""
    if t_first is None or t_last is None:
        return
    span = (t_last - t_first).total_seconds()
    expect = (n - 1) / fs
    if abs(span - expect) > max(2.0 / fs, 0.01 * expect):
        raise FileFormatError(
            f"{path}: {n} samples at the header's {fs:g} Hz last {expect:.3f} s, but the sample "
            f"times span {span:.3f} s: rows are missing or the rate is wrong. Export the file "
            "again.")


def make_recording(data: np.ndarray, fs: float, channels: Sequence[Channel], *, path: Path,
                   fmt: str, start_time: Any = None, tz_is_local: bool = True,
                   metadata: Mapping[str, Any] | None = None) -> Recording:
    md = {"format": fmt, **(metadata or {})}
    arr = np.asarray(data, dtype=np.float64)
    if arr.base is None and arr.flags.owndata:
        # the reader built this array and keeps no reference: hand it over without a copy
        arr.setflags(write=False)
    return Recording(arr, fs, tuple(channels),
                     start_time=start_time, tz_is_local=tz_is_local, source=str(path),
                     metadata=md)




# ---------------------------------------------------------------------------- headers
_UNIT_RE = re.compile(r"^\s*(?P<name>.*?)\s*[\(\[](?P<unit>[^\)\]]*)[\)\]]\s*$")


def split_name_unit(header: str) -> tuple[str, str | None]:
    """``"gyro_x (rad/s)"`` -> ``("gyro_x", "rad/s")``; brackets likewise; no unit -> None."""
    h = header.strip().strip('"').strip()
    m = _UNIT_RE.match(h)
    if m and m.group("name"):
        return m.group("name").strip(), m.group("unit").strip()
    return h, None


# Units written as the last part of a column name (``theta_rad``, ``ankle_angle_deg``,
# ``gyro_x_dps``, ``omega_rad_s``, ``emg_uV``), as simulators and lab scripts often name them.
# Only unambiguous spellings; ``g``/``mg``, ``V`` and ``N``/``Nm`` only after a name that says
# what was measured, since a bare letter at the end of a name is usually not a unit.
_SUFFIX_UNITS: dict[str, tuple[str, re.Pattern[str] | None]] = {
    **{k: ("deg", None) for k in ("deg", "degree", "degrees")},
    **{k: ("rad", None) for k in ("rad", "radian", "radians")},
    **{k: ("deg/s", None) for k in ("deg_s", "deg_per_s", "deg_sec", "deg_per_sec", "degps",
                                    "dps", "degrees_per_second", "degrees_s")},
    **{k: ("rad/s", None) for k in ("rad_s", "rad_per_s", "rad_sec", "rad_per_sec", "radps",
                                    "rps", "radians_per_second", "radians_s")},
    **{k: ("m/s^2", None) for k in ("m_s2", "m_s_2", "mps2", "m_per_s2", "m_s^2", "ms2")},
    **{k: (k, re.compile(r"acc|^a[_ .-]?[xyz]?$", re.I)) for k in ("g", "mg")},
    "uv": ("uV", None),
    "mv": ("mV", None),
    "nv": ("nV", None),
    "v": ("V", re.compile(r"emg|ecg|ekg", re.I)),
    "nm": ("N m", re.compile(r"torque|moment", re.I)),
    "n_m": ("N m", re.compile(r"torque|moment", re.I)),
    "n": ("N", re.compile(r"force", re.I)),
}
_SUFFIX_SPLIT = re.compile(r"[_.\- ]")


def split_suffix_unit(name: str) -> str | None:
    """The unit written at the end of a column name, or None.

    ``"theta_rad"`` -> ``"rad"``, ``"ankle_angle_deg"`` -> ``"deg"``, ``"omega_rad_s"`` ->
    ``"rad/s"``, ``"acc_x_g"`` -> ``"g"``, ``"emg_uV"`` -> ``"µV"``; ``"angle"`` -> None.
    The name itself is kept as it is (it is what the user sees and selects by).
    """
    parts = [p for p in _SUFFIX_SPLIT.split(name.strip()) if p]
    for n_unit in (4, 3, 2, 1):
        if len(parts) <= n_unit:
            continue
        key = "_".join(parts[-n_unit:]).lower()
        hit = _SUFFIX_UNITS.get(key)
        if hit is None:
            continue
        unit, needs = hit
        base = "_".join(parts[:-n_unit])
        if needs is not None and not needs.search(base):
            return None
        return unit
    return None


def is_number(text: str) -> bool:
    """Does a text cell (quotes and blanks allowed around it) hold a number?"""
    try:
        float(text.strip().strip('"'))
    except ValueError:
        return False
    return True


def sniff_sep(line: str) -> str:
    """The most frequent of ``,``, ``;`` and tab in a header line (comma on ties)."""
    counts = {s: line.count(s) for s in (",", ";", "\t")}
    best = max(counts, key=lambda s: (counts[s], s == ","))
    return best if counts[best] else ","


def data_lines(text: str) -> list[str]:
    """Lines of a text export (universal newlines), trailing empty lines removed."""
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def safe_name(name: str) -> str:
    s = re.sub(r"[^0-9A-Za-z]+", "_", name.strip()).strip("_").lower()
    return s or "ch"
