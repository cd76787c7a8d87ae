"""`Recording`: a multichannel signal at one sampling rate, in SI units."""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from .._validation import check_fs, check_option
from ..exceptions import InvalidParameterError, SamplingRateError, SignalQualityError
from ..units import parse_unit

__all__ = ["CHANNEL_KINDS", "Channel", "Recording"]

#: :meth:`Recording.resample` refuses to raise the rate more than this factor, or to make
#: more values than this in all (8 GB of float64): such a rate is a typo, and would exhaust
#: memory instead of failing cleanly.
_MAX_UPSAMPLE = 1000.0
_MAX_RESAMPLED_VALUES = 1e9

#: Allowed channel kinds.
CHANNEL_KINDS = (
    "gyro",
    "acc",
    "angle",
    "emg",
    "ecg",
    "force",
    "torque",
    "position",
    "misc",
)


@dataclass(frozen=True)
class Channel:
    """One channel's description.

    Parameters
    ----------
    name : str
        Channel name as in the source file (e.g. ``"gyro_x"``, ``"EMG R Sol"``).
    kind : str
        One of :data:`CHANNEL_KINDS`.
    unit : str
        Unit of the values in memory: SI (``"rad/s"``, ``"m/s^2"``, ``"V"``...) or ``"AU"``.
    orig_unit : str
        Unit as written in the source file, before conversion.
    """

    name: str
    kind: str = "misc"
    unit: str = "AU"
    orig_unit: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise InvalidParameterError(
                f"Channel name must be a non-empty string, got {self.name!r}."
            )
        check_option("kind", self.kind, CHANNEL_KINDS)

    def to_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "kind": self.kind,
            "unit": self.unit,
            "orig_unit": self.orig_unit,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Channel:
        return cls(d["name"], d.get("kind", "misc"), d.get("unit", "AU"), d.get("orig_unit", ""))


def _frozen_float64(x: Any) -> bool:
    """Whether ``x`` is a float64 array that no one can write to: read-only itself and, for a
    view, its whole chain of bases read-only (the data of another Recording, or a slice of it).
    Such an array is shared instead of copied: cropping or picking channels of a long
    recording then costs no memory, and a reader can hand over the array it built."""
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        return False
    while isinstance(x, np.ndarray):
        if x.flags.writeable:
            return False
        x = x.base
    return x is None


def _jsonable(obj: Any) -> Any:
    """Convert metadata to JSON-serialisable builtins (numpy scalars/arrays, datetimes, tuples)."""
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, datetime):
        return obj.isoformat()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    return str(obj)


@dataclass(frozen=True, eq=False)
class Recording:
    """A multichannel recording: channels x samples, one sampling rate, SI units.

    Parameters
    ----------
    data : ndarray, shape (n_channels, n_samples)
        Samples in SI units (see :mod:`clonus.units`), float64. A 1-D array is one channel.
    fs : float
        Sampling rate, in Hz. One rate per recording; readers never mix rates.
    channels : sequence of Channel
        One description per row of ``data``.
    start_time : datetime or None
        Time of the first sample. EDF+ start times are local time (``tz_is_local``).
    tz_is_local : bool
        Whether a naive ``start_time`` is local time (True) or UTC (False).
    source : str
        Where the recording came from (file path or ``"simulate"``), for messages and reports.
    metadata : mapping
        JSON-serialisable extra information (format, device, original rate, jitter...).

    Notes
    -----
    Recordings are immutable: ``pick``, ``crop`` and ``resample`` return new objects. The data
    array is made read-only so that nothing downstream can change a user's signal in place.
    """

    data: np.ndarray
    fs: float
    channels: tuple[Channel, ...]
    start_time: datetime | None = None
    tz_is_local: bool = True
    source: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        fs = check_fs(self.fs)
        data = self.data
        if not _frozen_float64(data):
            # a private read-only copy: nothing the caller holds can change the recording
            data = np.array(data, dtype=np.float64, copy=True)
        if data.ndim == 1:
            data = data[np.newaxis, :]
        if data.ndim != 2:
            raise InvalidParameterError(
                f"Recording data must be 2-D (n_channels, n_samples), got shape {data.shape}."
            )
        chans = tuple(c if isinstance(c, Channel) else Channel(str(c)) for c in self.channels)
        if len(chans) != data.shape[0]:
            raise InvalidParameterError(
                f"Recording has {data.shape[0]} data rows but {len(chans)} channel descriptions."
            )
        names = [c.name for c in chans]
        if len(set(names)) != len(names):
            dup = sorted({n for n in names if names.count(n) > 1})
            raise InvalidParameterError(f"Duplicate channel names: {dup}. Rename them first.")
        data.setflags(write=False)
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "fs", fs)
        object.__setattr__(self, "channels", chans)
        object.__setattr__(self, "metadata", dict(_jsonable(dict(self.metadata))))

    # ------------------------------------------------------------------ properties
    @property
    def n_channels(self) -> int:
        """Number of channels."""
        return int(self.data.shape[0])

    @property
    def n_samples(self) -> int:
        """Number of samples per channel."""
        return int(self.data.shape[1])

    @property
    def duration_s(self) -> float:
        """Duration, in seconds (``n_samples / fs``)."""
        return self.n_samples / self.fs

    @property
    def gap_intervals_s(self) -> list[tuple[float, float]]:
        """Pauses in the original timestamps as ``(start_s, length_s)``, from the first sample.

        Readers of timestamped files list them in ``metadata["gap_intervals_s"]`` (the samples
        they interpolated inside a pause are not data). Empty when there were none.
        """
        raw = self.metadata.get("gap_intervals_s") or []
        try:
            out = [(float(a), float(n)) for a, n in raw]
        except (TypeError, ValueError):
            out = None
        if out is None or not all(math.isfinite(a) and math.isfinite(n) and n >= 0
                                  for a, n in out):
            raise InvalidParameterError(
                "metadata['gap_intervals_s'] must be a list of [start_s, length_s] pairs "
                f"(finite, length >= 0), got {raw!r}. Fix or remove it before analysing."
            )
        return out

    @property
    def times_s(self) -> np.ndarray:
        """Sample times relative to the first sample, in seconds."""
        return np.arange(self.n_samples) / self.fs

    @property
    def ch_names(self) -> list[str]:
        """Channel names."""
        return [c.name for c in self.channels]

    def __len__(self) -> int:
        return self.n_samples

    def __repr__(self) -> str:
        kinds = ",".join(sorted({c.kind for c in self.channels}))
        return (
            f"<Recording | {self.n_channels} ch ({kinds}), {self.fs:g} Hz, "
            f"{self.duration_s:.2f} s, source={self.source!r}>"
        )

    # ------------------------------------------------------------------ selection
    def _index(self, ch: int | str) -> int:
        if isinstance(ch, numbers.Integral) and not isinstance(ch, bool):
            i = int(ch)
            if not -self.n_channels <= i < self.n_channels:
                raise InvalidParameterError(
                    f"Channel index {i} out of range for {self.n_channels} channels."
                )
            return i % self.n_channels
        if isinstance(ch, str):
            names = self.ch_names
            if ch in names:
                return names.index(ch)
            raise InvalidParameterError(f"No channel named {ch!r}. Available channels: {names}.")
        raise InvalidParameterError(f"Channel must be a name or an index, got {ch!r}.")

    def get(self, ch: int | str) -> np.ndarray:
        """Return one channel's samples (read-only view), in its SI unit."""
        return self.data[self._index(ch)]

    def pick(
        self,
        channels: str | int | Iterable[str | int] | None = None,
        *,
        kind: str | Iterable[str] | None = None,
    ) -> Recording:
        """Return a recording with only the selected channels.

        Parameters
        ----------
        channels : str, int, or iterable of them, optional
            Channel names or indices, in the order wanted.
        kind : str or iterable of str, optional
            Keep channels of these kinds (applied after ``channels``).
        """
        if channels is None:
            idx = list(range(self.n_channels))
        elif isinstance(channels, (str, numbers.Integral)):
            idx = [self._index(channels)]
        else:
            idx = [self._index(c) for c in channels]
        if kind is not None:
            kinds = {kind} if isinstance(kind, str) else set(kind)
            for k in kinds:
                check_option("kind", k, CHANNEL_KINDS)
            idx = [i for i in idx if self.channels[i].kind in kinds]
        if not idx:
            raise InvalidParameterError(
                f"The selection (channels={channels!r}, kind={kind!r}) matches no channel. "
                f"Available: {[(c.name, c.kind) for c in self.channels]}."
            )
        sub = self.data[idx]  # a new array (fancy indexing), nobody else holds it
        sub.setflags(write=False)
        return replace(self, data=sub, channels=tuple(self.channels[i] for i in idx))

    def crop(self, tmin_s: float = 0.0, tmax_s: float | None = None) -> Recording:
        """Return the part between ``tmin_s`` and ``tmax_s`` (seconds from the first sample).

        The first kept sample is ``ceil(tmin_s * fs)``; the last is ``floor(tmax_s * fs)``
        (inclusive). ``start_time`` moves forward by ``tmin_s``.
        """
        for nm, v in (("tmin_s", tmin_s), ("tmax_s", tmax_s)):
            if (v is None and nm == "tmax_s") or (isinstance(v, numbers.Real)
                                                  and not isinstance(v, bool)):
                continue
            raise InvalidParameterError(
                f"crop: '{nm}' must be a number of seconds, got {v!r} ({type(v).__name__})."
            )
        tmax_s = self.duration_s if tmax_s is None else float(tmax_s)
        tmin_s = float(tmin_s)
        if not (math.isfinite(tmin_s) and math.isfinite(tmax_s)) or tmin_s < 0 or tmax_s <= tmin_s:
            raise InvalidParameterError(
                f"crop needs 0 <= tmin_s < tmax_s, got tmin_s={tmin_s}, tmax_s={tmax_s} "
                f"(recording lasts {self.duration_s:.3f} s)."
            )
        i0 = int(math.ceil(tmin_s * self.fs - 1e-9))
        i1 = min(self.n_samples, int(math.floor(tmax_s * self.fs + 1e-9)) + 1)
        if i1 - i0 < 1:
            raise InvalidParameterError(
                f"crop({tmin_s}, {tmax_s}) keeps no samples of a {self.duration_s:.3f} s recording."
            )
        start = (
            None if self.start_time is None else self.start_time + timedelta(seconds=i0 / self.fs)
        )
        md = self.metadata
        if md.get("gap_intervals_s"):
            # pauses in the original timestamps, in seconds from the first sample: shift them
            t0, t1 = i0 / self.fs, (i1 - 1) / self.fs
            kept = [[a - t0, n] for a, n in self.gap_intervals_s if a + n > t0 and a < t1]
            md = {**md, "gap_intervals_s": kept}
        return replace(self, data=self.data[:, i0:i1], start_time=start, metadata=md)

    def resample(self, fs: float) -> Recording:
        """Return the recording resampled to ``fs`` Hz (polyphase, anti-aliased).

        Parameters
        ----------
        fs : float
            New sampling rate, in Hz.
        """
        from fractions import Fraction

        from scipy.signal import resample_poly

        new_fs = check_fs(fs)
        if new_fs == self.fs:
            return self
        frac = Fraction(new_fs / self.fs).limit_denominator(1000)
        if frac.numerator == 0:
            raise SamplingRateError(f"Cannot resample from {self.fs} Hz to {new_fs} Hz.")
        if self.n_samples < 2:
            raise SignalQualityError("Cannot resample a recording with fewer than 2 samples.")
        up, down = frac.numerator, frac.denominator
        n_out = self.n_samples * up / down
        if up / down > _MAX_UPSAMPLE or n_out * self.n_channels > _MAX_RESAMPLED_VALUES:
            raise SamplingRateError(
                f"Resampling {self.n_samples} samples x {self.n_channels} channels from "
                f"{self.fs:g} Hz to {new_fs:g} Hz would make {n_out:.3g} samples per channel "
                f"(at most {_MAX_UPSAMPLE:g} times the rate and {_MAX_RESAMPLED_VALUES:.0e} "
                "values in all). Choose a rate near the recording's own."
            )
        data = resample_poly(self.data, up, down, axis=1, padtype="line")
        md = dict(self.metadata)
        md.setdefault("resampled_from_hz", self.fs)
        return replace(self, data=data, fs=self.fs * up / down, metadata=md)

    # ------------------------------------------------------------------ conversion
    def to_frame(self) -> Any:
        """Return a :class:`pandas.DataFrame` indexed by time in seconds, one column per channel."""
        import pandas as pd

        df = pd.DataFrame(self.data.T.copy(), columns=self.ch_names)
        df.index = pd.Index(self.times_s, name="time_s")
        return df

    def channel_info(self) -> list[dict[str, Any]]:
        """Per-channel description: name, kind, unit, orig_unit, fs_hz and n_samples."""
        return [
            {**c.to_dict(), "fs_hz": self.fs, "n_samples": self.n_samples} for c in self.channels
        ]

    def to_dict(self, *, include_data: bool = False) -> dict[str, Any]:
        """JSON-serialisable description (and optionally the samples)."""
        d: dict[str, Any] = {
            "fs_hz": self.fs,
            "n_samples": self.n_samples,
            "duration_s": self.duration_s,
            "channels": [c.to_dict() for c in self.channels],
            "start_time": None if self.start_time is None else self.start_time.isoformat(),
            "tz_is_local": self.tz_is_local,
            "source": self.source,
            "metadata": dict(self.metadata),
        }
        if include_data:
            d["data"] = self.data.tolist()
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Recording:
        """Inverse of :meth:`to_dict` (with ``include_data=True``)."""
        if "data" not in d:
            raise InvalidParameterError(
                "Recording.from_dict needs the 'data' key (to_dict(include_data=True))."
            )
        st = d.get("start_time")
        return cls(
            data=np.asarray(d["data"], dtype=float),
            fs=d["fs_hz"],
            channels=tuple(Channel.from_dict(c) for c in d["channels"]),
            start_time=None if st is None else datetime.fromisoformat(st),
            tz_is_local=d.get("tz_is_local", True),
            source=d.get("source", ""),
            metadata=d.get("metadata", {}),
        )

    def metadata_json(self) -> str:
        """The metadata as a JSON string."""
        return json.dumps(self.metadata, sort_keys=True)

    @classmethod
    def from_array(
        cls,
        data: Any,
        *,
        fs: float,
        names: Sequence[str] | None = None,
        kinds: Sequence[str] | str = "misc",
        units: Sequence[str] | str = "AU",
        source: str = "array",
        **kwargs: Any,
    ) -> Recording:
        """Build a recording from an array.

        Parameters
        ----------
        data : array_like, shape (n_channels, n_samples) or (n_samples,)
            Samples, in ``units``.
        fs : float
            Sampling rate, in Hz (required: never defaulted).
        names, kinds, units : sequence of str or str, optional
            Per-channel names (default ``ch0, ch1, ...``), kinds and units. A known non-SI
            unit (``deg``, ``deg/s``, ``g``, ``uV``, ``mV``...) is converted to SI on a
            copy (``Channel.orig_unit`` keeps the one given): recordings are held in SI
            units, and the analyses read them as such. Unknown units are kept as labels.

        Examples
        --------
        >>> rec = Recording.from_array([[0.0, 90.0]], fs=100.0, names=["ankle_angle"],
        ...                            kinds="angle", units="deg")
        >>> rec.channels[0].unit, round(float(rec.get("ankle_angle")[1]), 4)
        ('rad', 1.5708)
        """
        arr = np.asarray(data, dtype=float)
        if arr.ndim == 1:
            arr = arr[np.newaxis]
        n = arr.shape[0]
        names = list(names) if names is not None else [f"ch{i}" for i in range(n)]
        kinds_l = [kinds] * n if isinstance(kinds, str) else list(kinds)
        units_l = [units] * n if isinstance(units, str) else list(units)
        if not (len(names) == len(kinds_l) == len(units_l) == n):
            raise InvalidParameterError(
                f"names, kinds and units must each have {n} entries (one per channel)."
            )
        infos = [parse_unit(u) for u in units_l]
        si_units = [u if info is None else info.si_unit for u, info in zip(units_l, infos,
                                                                          strict=True)]
        scales = np.array([1.0 if info is None else info.scale for info in infos])
        if np.any(scales != 1.0):
            arr = arr * scales[:, np.newaxis]  # a new array: the caller's data is not changed
        chans = tuple(
            Channel(nm, k, si, u)
            for nm, k, si, u in zip(names, kinds_l, si_units, units_l, strict=True)
        )
        return cls(arr, fs, chans, source=source, **kwargs)
