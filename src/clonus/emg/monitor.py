"""Long-recording EMG monitoring: stream a file in chunks, find every burst and spasm episode.

:func:`monitor` reads an EDF/BDF file chunk by chunk (pyedflib ``readSignal(start, n)``), or walks
a :class:`~clonus.model.Recording` held in memory, through the same stateful pipeline:

conditioning (:class:`~clonus.emg.conditioning.StreamConditioner`, filter state carried) ->
bursts (:class:`~clonus.emg.bursts.BurstStream`, noise floor on absolute blocks, open activity
carried) -> heartbeat rejection -> episodes and classes (:func:`~clonus.emg.episodes.find_episodes`)
-> spasm counts per hour and per day -> Penn and Snow scales (:mod:`clonus.emg.scales`).

Memory is bounded by the chunk (default 10 min) plus the burst table; results do not depend on
the chunk length (tested: chunked == whole-signal, sample for sample).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._logging import logger
from .._validation import check_positive
from .._version import __version__
from ..exceptions import FileFormatError, InvalidParameterError, MissingDependencyError
from ..model import Recording
from .bursts import BurstConfig, Bursts, BurstStream, reject_heartbeat
from .conditioning import ConditioningConfig, StreamConditioner, detect_mains
from .episodes import Episode, EpisodeConfig, find_episodes
from .scales import penn_frequency, snow_frequency

__all__ = ["MonitorConfig", "MonitorResult", "monitor"]

ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class MonitorConfig:
    """Settings of long-recording monitoring.

    Parameters
    ----------
    conditioning, bursts, episodes : config objects
        See :class:`ConditioningConfig`, :class:`BurstConfig` (``method`` must be
        ``"hysteresis"``, the streamable one) and :class:`EpisodeConfig`.
    spasm_kinds : tuple of str
        Episode classes counted as spasms for the Penn/Snow mapping. Unit activity is reported
        but not counted by default (the Penn scale asks about "full spasms").
    reject_ecg : bool
        Drop heartbeat-like bursts before grouping (:func:`reject_heartbeat`).
    """

    conditioning: ConditioningConfig = field(default_factory=ConditioningConfig)
    bursts: BurstConfig = field(default_factory=BurstConfig)
    episodes: EpisodeConfig = field(default_factory=EpisodeConfig)
    spasm_kinds: tuple[str, ...] = ("tonic", "clonus", "myoclonus", "mixed")
    reject_ecg: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, eq=False)
class MonitorResult:
    """Everything :func:`monitor` found in one channel.

    Attributes
    ----------
    source, channel : str
        File (or recording source) and channel analysed.
    fs : float
        Sampling rate, in Hz.
    duration_s : float
        Length analysed, in seconds.
    bursts : Bursts
        Every burst (after heartbeat rejection).
    episodes : list of Episode
        Episodes with their class.
    mains_hz : float or None
        Mains frequency notched.
    band_hz : (float, float)
        Band-pass used, in Hz.
    unit : str
        Unit of the RMS values in memory (``"V"``; JSON gives uV).
    n_rejected_heartbeat : int
        Bursts dropped as heartbeat artefact.
    elapsed_s : float
        Wall time of the analysis, in seconds.
    """

    source: str
    channel: str
    fs: float
    duration_s: float
    bursts: Bursts
    episodes: list[Episode]
    mains_hz: float | None
    band_hz: tuple[float, float]
    unit: str
    config: MonitorConfig
    n_rejected_heartbeat: int = 0
    elapsed_s: float = 0.0
    start_time: str | None = None

    @property
    def n_bursts(self) -> int:
        return len(self.bursts)

    def spasms(self) -> list[Episode]:
        """Episodes counted as spasms (``config.spasm_kinds``)."""
        return [e for e in self.episodes if e.kind in self.config.spasm_kinds]

    def _windows(self, length_s: float) -> list[dict[str, Any]]:
        out = []
        n_win = max(1, int(math.ceil(self.duration_s / length_s - 1e-9)))
        starts = np.array([e.start_s for e in self.episodes])
        kinds = np.array([e.kind for e in self.episodes])
        for k in range(n_win):
            a, b = k * length_s, min((k + 1) * length_s, self.duration_s)
            sel = (starts >= a) & (starts < b) if starts.size else np.zeros(0, bool)
            by_kind = {
                kd: int(np.sum(kinds[sel] == kd))
                for kd in ("clonus", "tonic", "unit", "myoclonus", "mixed", "other")
            }
            n_sp = int(sum(by_kind[kd] for kd in self.config.spasm_kinds))
            nb = int(np.sum((self.bursts.onset_s >= a) & (self.bursts.onset_s < b)))
            out.append(
                {
                    "index": k,
                    "start_s": a,
                    "duration_s": b - a,
                    "n_bursts": nb,
                    "n_spasms": n_sp,
                    "by_kind": by_kind,
                }
            )
        return out

    def per_hour(self) -> list[dict[str, Any]]:
        """Spasm counts per clock hour from the recording start, with the Penn level."""
        rows = self._windows(3600.0)
        for r in rows:
            rate = r["n_spasms"] / (r["duration_s"] / 3600.0) if r["duration_s"] > 0 else 0.0
            r["spasms_per_hour"] = rate
            r["penn"] = penn_frequency(rate).value
        return rows

    def per_day(self) -> list[dict[str, Any]]:
        """Spasm counts per 24 h from the recording start, with the Snow score.

        A partial day is scaled to 24 h for the score (``spasms_per_day``).
        """
        rows = self._windows(86400.0)
        for r in rows:
            rate = r["n_spasms"] * 86400.0 / r["duration_s"] if r["duration_s"] > 0 else 0.0
            r["spasms_per_day"] = rate
            r["snow"] = snow_frequency(rate).value
        return rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready result (RMS in uV when the signal is in volts)."""
        scale = 1e6 if self.unit == "V" else 1.0
        n_sp = len(self.spasms())
        hours = self.duration_s / 3600.0
        kinds = [e.kind for e in self.episodes]
        return {
            "software_version": __version__,
            "source": self.source,
            "channel": self.channel,
            "fs_hz": self.fs,
            "duration_s": self.duration_s,
            "start_time": self.start_time,
            "rms_unit": "uV" if self.unit == "V" else self.unit,
            "band_hz": list(self.band_hz),
            "mains_hz": self.mains_hz,
            "n_bursts": self.n_bursts,
            "n_rejected_heartbeat": self.n_rejected_heartbeat,
            "bursts": self.bursts.to_dicts(scale=scale),
            "n_episodes": len(self.episodes),
            "episodes": [e.to_dict(scale=scale) for e in self.episodes],
            "episode_counts": {
                k: kinds.count(k)
                for k in ("clonus", "tonic", "unit", "myoclonus", "mixed", "other")
            },
            "n_spasms": n_sp,
            "spasm_kinds": list(self.config.spasm_kinds),
            "per_hour": self.per_hour(),
            "per_day": self.per_day(),
            "penn": penn_frequency(n_sp / hours if hours > 0 else 0.0).to_dict(),
            "snow": snow_frequency(n_sp * 24.0 / hours if hours > 0 else 0.0).to_dict(),
            "elapsed_s": self.elapsed_s,
            "config": self.config.to_dict(),
        }


# ------------------------------------------------------------------------------- sources
class _Source:
    """A one-channel sample source read in chunks."""

    finite = False  # True when samples cannot be NaN/inf (16-bit EDF)

    fs: float
    n_samples: int
    channel: str
    unit: str
    scale: float
    source: str
    start_time: str | None = None

    def read(self, start: int, n: int) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:
        pass


class _RecordingSource(_Source):
    def __init__(self, rec: Recording, channel: str | None) -> None:
        if channel is None:
            emg = [c.name for c in rec.channels if c.kind == "emg"]
            channel = emg[0] if emg else rec.ch_names[0]
        self._x = rec.get(channel)
        ch = rec.channels[rec.ch_names.index(channel)]
        self.fs, self.n_samples, self.channel = rec.fs, rec.n_samples, channel
        self.unit, self.scale, self.source = ch.unit, 1.0, rec.source
        self.start_time = rec.start_time.isoformat() if rec.start_time else None

    def read(self, start: int, n: int) -> np.ndarray:
        return self._x[start : start + n]


class _EdfSource(_Source):
    def __init__(self, path: Path, channel: str | None) -> None:
        try:
            import pyedflib
        except ImportError as exc:  # pragma: no cover - edf extra
            raise MissingDependencyError(
                "Streaming EDF/BDF needs pyedflib: pip install 'clonus[edf]'."
            ) from exc
        from ..io._edf import check_header
        from ..units import to_si

        # the reader's header checks first: a truncated file gets the same clear message, and
        # pyedflib never sees it (its C code prints "filesize ... != ..." on stdout, which
        # broke the JSON of 'clonus monitor --json')
        check_header(path)
        try:
            self._f = pyedflib.EdfReader(str(path))
        except OSError as exc:
            raise FileFormatError(f"{path}: not a readable EDF/BDF file ({exc}).") from exc
        labels = [s.strip() for s in self._f.getSignalLabels()]
        if channel is None:
            idx = next((i for i, lab in enumerate(labels) if "emg" in lab.lower()), 0)
        elif channel in labels:
            idx = labels.index(channel)
        else:
            self._f.close()
            raise InvalidParameterError(
                f"{path}: no channel named {channel!r}. Available: {labels}."
            )
        self._i = idx
        self.channel = labels[idx]
        self.fs = float(self._f.getSampleFrequency(idx))
        self.n_samples = int(self._f.getNSamples()[idx])
        dim = self._f.getPhysicalDimension(idx).strip()
        self.unit, self.scale = (
            to_si(dim, channel=self.channel, source=str(path)) if dim else ("AU", 1.0)
        )
        self.source = str(path)
        try:
            self.start_time = self._f.getStartdatetime().isoformat()
        except Exception:  # noqa: BLE001 - a broken header date is not fatal for monitoring
            self.start_time = None
        self._mm = self._memmap(path)
        self.finite = True

    def _memmap(self, path: Path) -> np.ndarray | None:
        """Samples of the channel as a strided int16 view of the data records (plain EDF only).

        Reading through numpy is about 10x faster than ``readSignal`` for multi-hour files;
        any layout we do not recognise falls back to ``readSignal``.
        """
        f = self._f
        try:
            with open(path, "rb") as fh:
                head = fh.read(256)
                if head[0:1] != b"0" or path.suffix.lower() == ".bdf":
                    return None
                n_header = int(head[184:192].decode("ascii").strip())
                ns = int(head[252:256].decode("ascii").strip())
                sh = fh.read(ns * 256)
            # Signal headers (EDF spec): label 16, transducer 80, dimension 8, phys min/max 8+8,
            # dig min/max 8+8, prefilter 80, samples per record 8 (annotation signals included).
            labels = [sh[16 * k : 16 * (k + 1)].decode("latin-1").strip() for k in range(ns)]
            o = ns * (16 + 80 + 8 + 8 + 8 + 8 + 8 + 80)
            per = [int(sh[o + 8 * k : o + 8 * (k + 1)].decode("ascii").strip()) for k in range(ns)]
            n_rec = int(f.datarecords_in_file)
            j = labels.index(self.channel)
            if n_rec <= 0 or per[j] * n_rec != f.getNSamples()[self._i]:
                return None
            mm = np.memmap(path, dtype="<i2", mode="r", offset=n_header, shape=(n_rec, sum(per)))
            a = sum(per[:j])
            i = self._i
            self._gain = (f.getPhysicalMaximum(i) - f.getPhysicalMinimum(i)) / (
                f.getDigitalMaximum(i) - f.getDigitalMinimum(i)
            )
            self._off = f.getPhysicalMinimum(i) - self._gain * f.getDigitalMinimum(i)
            return mm[:, a : a + per[j]]
        except Exception:  # noqa: BLE001 - fall back to pyedflib's reader
            return None

    def read(self, start: int, n: int) -> np.ndarray:
        if self._mm is not None:
            per = self._mm.shape[1]
            r0, r1 = start // per, (start + n + per - 1) // per
            d = np.asarray(self._mm[r0:r1]).reshape(-1)[start - r0 * per : start - r0 * per + n]
            # float32 straight from the 16-bit samples: the conditioning runs in float32 anyway.
            x = d.astype(np.float32)
            x *= np.float32(self._gain * self.scale)
            x += np.float32(self._off * self.scale)
            return x
        x = self._f.readSignal(self._i, start=start, n=n)
        return x * self.scale if self.scale != 1.0 else x

    def close(self) -> None:
        self._f.close()


def _open(source: str | Path | Recording, channel: str | None) -> _Source:
    if isinstance(source, Recording):
        return _RecordingSource(source, channel)
    path = Path(source)
    if not path.exists():
        raise InvalidParameterError(f"{path}: file not found.")
    if path.suffix.lower() in (".edf", ".bdf", ".rec"):
        return _EdfSource(path, channel)
    # Other formats: read the whole file with the io readers, then stream from memory.
    from ..io import read

    rec = read(path)
    return _RecordingSource(rec, channel)


def _chunks(n: int, step: int) -> Iterator[tuple[int, int]]:
    for a in range(0, n, step):
        yield a, min(step, n - a)


# ------------------------------------------------------------------------------- entry point
def monitor(
    path: str | Path | Recording,
    *,
    channel: str | None = None,
    chunk_s: float = 600.0,
    config: MonitorConfig | None = None,
    progress: ProgressFn | None = None,
) -> MonitorResult:
    """Find every EMG burst and spasm episode in a long recording, streaming it in chunks.

    Parameters
    ----------
    path : str, Path or Recording
        An EDF/BDF file (streamed with bounded memory), any other file :func:`clonus.read`
        understands (read whole), or a recording in memory.
    channel : str, optional
        EMG channel to analyse; default the first channel whose label contains "EMG" (files) or
        whose kind is ``emg`` (recordings), else the first channel.
    chunk_s : float
        Chunk length, in seconds (memory ~ 12 bytes per sample of a chunk). Results do not
        depend on it.
    config : MonitorConfig, optional
        Settings; defaults in :class:`MonitorConfig`.
    progress : callable, optional
        Called as ``progress(samples_done, samples_total)`` after each chunk.

    Returns
    -------
    MonitorResult
        Bursts, episodes with classes, per-hour and per-day counts (``to_dict()`` for JSON).

    Raises
    ------
    SamplingRateError
        If the channel's rate is below :data:`clonus.emg.conditioning.MIN_FS_HZ`.
    FileFormatError, InvalidParameterError
        Unreadable file, unknown channel.

    Examples
    --------
    >>> from clonus.simulate.spasms import simulate_clonus_emg
    >>> sim = simulate_clonus_emg(fs=1000.0, n_beats=6, frequency_hz=5.0, seed=0)
    >>> res = monitor(sim.recording)
    >>> [e.kind for e in res.episodes], res.to_dict()["n_bursts"]
    (['clonus'], 7)
    """
    check_positive("chunk_s", chunk_s)
    cfg = config or MonitorConfig()
    t0 = time.perf_counter()
    src = _open(path, channel)
    try:
        fs = src.fs
        step = max(1, int(round(chunk_s * fs)))
        total = src.n_samples
        ccfg = cfg.conditioning
        mains = ccfg.mains_hz
        first = src.read(0, min(total, max(step, int(ccfg.mains_detect_s * fs))))
        if ccfg.notch and mains is None and fs >= ccfg.notch_min_fs_hz:
            mains = detect_mains(first[: int(ccfg.mains_detect_s * fs)], fs=fs)
        cond = StreamConditioner(fs, ccfg, mains_hz=mains)
        stream = BurstStream(fs, cfg.bursts)

        def _job(a: int, n: int) -> tuple[np.ndarray, np.ndarray]:
            x = first[a : a + n] if a + n <= first.size else src.read(a, n)
            if not src.finite and x.size and not np.all(np.isfinite(x)):
                raise InvalidParameterError(
                    f"{src.source}: channel {src.channel!r} has NaN/inf samples near "
                    f"{a / fs:.1f} s; fill or crop the gap first."
                )
            return cond.process(x)

        # Two-stage pipeline: a worker thread reads and conditions chunk k+1 (numpy, numba and
        # sosfilt release the GIL) while this thread detects bursts in chunk k. Chunks are
        # conditioned strictly in order, so filter states carry over exactly.
        from concurrent.futures import ThreadPoolExecutor

        done = 0
        spans = list(_chunks(total, step))
        with ThreadPoolExecutor(max_workers=1) as pool:
            fut = pool.submit(_job, *spans[0]) if spans else None
            for k, (_a, n) in enumerate(spans):
                xf, env = fut.result()
                fut = pool.submit(_job, *spans[k + 1]) if k + 1 < len(spans) else None
                stream.feed(xf, env)
                done += n
                if progress is not None:
                    progress(done, total)
        bursts = stream.finish()
    finally:
        src.close()
    n_before = len(bursts)
    if cfg.reject_ecg:
        bursts = reject_heartbeat(bursts)
    episodes = find_episodes(bursts, config=cfg.episodes)
    elapsed = time.perf_counter() - t0
    logger.info(
        "monitor: %d samples at %g Hz, %d bursts, %d episodes in %.2f s",
        total,
        fs,
        len(bursts),
        len(episodes),
        elapsed,
    )
    return MonitorResult(
        src.source,
        src.channel,
        fs,
        total / fs,
        bursts,
        episodes,
        cond.mains_hz,
        cond.band_hz,
        src.unit,
        cfg,
        n_before - len(bursts),
        elapsed,
        src.start_time,
    )
