"""Long motion recordings: find episodes of spontaneous rhythmic oscillation in the clonus band.

:func:`monitor_motion` scans hours of foot-IMU data (e.g. an Axivity AX6 worn for a day by a
person with spinal cord injury) for episodes of involuntary rhythmic beating at 3-8 Hz, with no
examiner. It is the motion counterpart of :func:`clonus.emg.monitor.monitor`; for one
examiner-triggered test use :func:`clonus.assess` instead.

Pipeline (chunked, memory bounded by ``chunk_s``):

1. Motion source: the gyroscope triad (angular velocity) when present, else the accelerometer
   triad (amplitudes then in m/s^2, not degrees).
2. Band-pass 2.5-10 Hz (the clonus band widened per clinical-reference.md section 10).
3. Orientation-free axis: per window (``window_s``, half-overlapping), the principal axis of the
   band-passed triad (:func:`clonus.signal.principal_axis`); the window's central part is
   projected on it (sign kept continuous from window to window).
4. Gyroscope: the projection is integrated to an angle (deg) and high-passed; cycles are its
   peaks with prominence >= 0.5 deg (reflex-model.md section 8 beat threshold).
5. Runs: consecutive peaks whose intervals lie in the clonus band (1/8-1/3 s, clinical-reference
   section 1.1: 3-8 Hz, Boyraz 2015; ankle in SCI 5.4 +/- 0.9 Hz, Wallace 2012) and change by
   at most ``max_interval_change`` from one to the next; a run needs ``min_beats`` peaks (3
   cycles, cf. the run definition of reflex-model.md section 8) and an interval CV <= ``max_cv``.
6. Not clonus: a run where the slow movement (0.3-2.5 Hz) carries more energy than the
   clonus band (``max_slow_ratio``) is rejected: walking and voluntary or handling movements are
   large slow cycles whose harmonics and impacts reach 3-6 Hz; clonus at rest is not. Sensor
   noise at rest stays far below the 0.5 deg prominence.
7. Runs closer than ``merge_gap_s`` are merged into one episode; episodes shorter than
   ``min_duration_s`` are dropped.

Tremor in the same band cannot be told from clonus by motion alone: episodes are labelled
``rhythmic_3_8hz`` with a note, never "clonus". This is decision support, not a diagnosis.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
from scipy.signal import find_peaks

from .._intervals import merge_intervals
from .._logging import logger
from .._validation import check_positive
from .._version import __version__
from ..exceptions import InvalidParameterError, SamplingRateError, SignalQualityError
from ..model import Recording
from ..signal.filters import bandpass, highpass
from ..signal.orientation import principal_axis
from ._channels import axis_stem
from .quality import _runs as _mask_runs

__all__ = ["MotionMonitorConfig", "MotionEpisode", "MotionMonitorResult", "monitor_motion"]

# the 10 Hz band edge needs Nyquist > 10.5 Hz with margin; 25 Hz gives 3 samples/cycle at 8 Hz
MIN_FS_HZ = 25.0
LABEL = "rhythmic_3_8hz"
NOTE = (
    "Rhythmic oscillation in the clonus band (3-8 Hz) outside a clonus test, spontaneous or, "
    "where 'triggered', right after a fast movement of the foot. Motion alone cannot tell "
    "clonus from tremor in this band; confirm clinically (or with EMG). Not a diagnosis."
)


_ACC_RADIUS_M = 0.10  # m, sensor distance from the ankle axis (reflex-model section 6)

@dataclass(frozen=True)
class MotionMonitorConfig:
    """Settings of :func:`monitor_motion` (defaults cited in the module docstring).

    Parameters
    ----------
    band_hz : (float, float)
        Clonus frequency band, in Hz: run intervals must lie in 1/band_hz[1]..1/band_hz[0]
        (3-8 Hz, clinical-reference.md section 1.1).
    filter_band_hz : (float, float)
        Band-pass applied before finding cycles, in Hz (2.5-10 Hz, section 10).
    slow_band_hz : (float, float)
        Band of "slow movement" (gait, voluntary), in Hz.
    window_s : float
        Window over which the principal axis is estimated, in s (half-overlapping).
    min_prominence_deg : float
        Peak prominence of one cycle of the angle, in deg (reflex-model.md section 8: 0.5 deg).
    min_prominence_acc : float
        Same for the accelerometer fallback, in m/s^2 (0.3 m/s^2: a 1 deg p-p 5 Hz oscillation
        of a sensor 10 cm from the ankle gives ~1.7 m/s^2 p-p; rest noise is ~0.02 m/s^2).
    min_beats : int
        Peaks (beats) in a run: 4 = three full cycles.
    max_interval_change : float
        Largest relative change of one interval to the next inside a run (0.5: clonus slows
        by up to 2 Hz at onset and end, Wallace 2012).
    max_cv : float
        Largest coefficient of variation of the intervals of an episode.
    max_slow_ratio : float
        Largest RMS ratio slow band / filter band over an episode (gait rejection).
    max_amplitude_deg, max_amplitude_acc : float
        Largest median cycle amplitude, in deg p-p (gyroscope) or m/s^2 (accelerometer; also
        converted to the angle it implies at 0.10 m from the ankle, a = r w^2 theta, and held
        to ``max_amplitude_deg``).
        [inference] No normative clonus amplitude in degrees exists (clinical-reference.md
        section 1.2); the simulator's strongest sustained clonus is ~5 deg p-p, and a fast
        rhythmic gait recording (gaitmap MS sample) cycles at 4.4 Hz with 22 deg p-p, so 15
        deg separates them; 30 m/s^2 likewise (3 g).
    merge_gap_s, min_duration_s : float
        Runs closer than this are merged; shorter episodes are dropped, in s.
    trigger_window_s : float
        Look-back before an episode for a stretch-like trigger, in s.
    trigger_min_deg_s : float
        Peak angular speed of a trigger, in deg/s (fast passive dorsiflexion, e.g. a foot
        placed on a footplate; the examiner's stretch of the ankle clonus test is ~100-200 deg/s).
    gap_margin_s : float
        Margin around NaN gaps and timestamp pauses where no cycle is counted, in s.
    """

    band_hz: tuple[float, float] = (3.0, 8.0)
    filter_band_hz: tuple[float, float] = (2.5, 10.0)
    slow_band_hz: tuple[float, float] = (0.3, 2.5)
    window_s: float = 10.0
    min_prominence_deg: float = 0.5
    min_prominence_acc: float = 0.3
    min_beats: int = 4
    max_interval_change: float = 0.5
    max_cv: float = 0.25
    max_slow_ratio: float = 1.0
    max_amplitude_deg: float = 15.0
    max_amplitude_acc: float = 30.0
    merge_gap_s: float = 1.0
    min_duration_s: float = 0.5
    trigger_window_s: float = 1.0
    trigger_min_deg_s: float = 60.0
    gap_margin_s: float = 0.5

    def __post_init__(self) -> None:
        for name in ("band_hz", "filter_band_hz", "slow_band_hz"):
            lo, hi = getattr(self, name)
            if not 0 < lo < hi:
                raise InvalidParameterError(
                    f"MotionMonitorConfig.{name} must be 0 < low < high Hz, got {(lo, hi)}."
                )
        for name in ("window_s", "min_prominence_deg", "min_prominence_acc", "max_cv",
                     "max_slow_ratio", "max_interval_change"):
            check_positive(name, getattr(self, name))
        if int(self.min_beats) < 3:
            raise InvalidParameterError("MotionMonitorConfig.min_beats must be >= 3.")

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


@dataclass(frozen=True)
class MotionEpisode:
    """One episode of rhythmic oscillation in the clonus band.

    Attributes
    ----------
    start_s, end_s : float
        First and last cycle peak, in s from the recording start.
    n_beats : int
        Cycles (peaks) in the episode.
    frequency_hz : float
        1 / median interval between peaks.
    amplitude : float
        Median peak-to-peak amplitude of the cycles, in ``amplitude_unit`` (deg from a
        gyroscope: integrated band-passed angular velocity; m/s^2 from an accelerometer).
    amplitude_unit : str
    regularity_cv : float
        Coefficient of variation of the intervals.
    slow_ratio : float
        RMS of slow movement / RMS in the filter band over the episode.
    triggered : bool
        A fast movement about any axis (>= ``trigger_min_deg_s``) in the ``trigger_window_s``
        before the first beat (a stretch-like trigger; sign not resolved). Always False from an
        accelerometer alone.
    trigger_peak_deg_s : float or None
        Peak angular speed in that look-back, in deg/s (None without a gyroscope).
    """

    start_s: float
    end_s: float
    n_beats: int
    frequency_hz: float
    amplitude: float
    amplitude_unit: str
    regularity_cv: float
    slow_ratio: float
    triggered: bool
    trigger_peak_deg_s: float | None
    label: str = LABEL
    note: str = NOTE

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["duration_s"] = self.duration_s
        return d


@dataclass(frozen=True, eq=False)
class MotionMonitorResult:
    """Everything :func:`monitor_motion` found.

    Attributes
    ----------
    source : str
    channels : tuple of str
        Channels analysed (one triad).
    sensor : str
        ``"gyro"`` or ``"acc"``.
    fs : float
        Sampling rate, in Hz.
    duration_s : float
        Length analysed, in s.
    episodes : list of MotionEpisode
    n_rejected : dict
        Candidate runs rejected, by reason (``slow_movement``, ``large_movement``,
        ``irregular``, ``too_short``).
    warnings : list of str
    config : MotionMonitorConfig
    elapsed_s : float
        Wall time, in s.
    start_time : str or None
        Wall-clock start of the recording (ISO 8601), when known.
    invalid_s : float
        Time excluded from detection for dropouts (with margins), in s.
    rejected_runs : tuple of (float, str)
        Each rejected candidate run: its start (s from the recording start) and reason.
    invalid_intervals_s : tuple of (float, float)
        The excluded intervals (s from the recording start), clipped to the recording.
    """

    source: str
    channels: tuple[str, ...]
    sensor: str
    fs: float
    duration_s: float
    episodes: list[MotionEpisode]
    n_rejected: dict[str, int]
    warnings: list[str]
    config: MotionMonitorConfig
    elapsed_s: float = 0.0
    start_time: str | None = None
    invalid_s: float = 0.0
    rejected_runs: tuple[tuple[float, str], ...] = ()
    invalid_intervals_s: tuple[tuple[float, float], ...] = ()

    @property
    def amplitude_unit(self) -> str:
        return "deg" if self.sensor == "gyro" else "m/s^2"

    @property
    def time_in_episodes_s(self) -> float:
        return float(sum(e.duration_s for e in self.episodes))

    def per_hour(self) -> list[dict[str, Any]]:
        """Episode counts and time in episodes per hour from the recording start."""
        rows = []
        n_win = max(1, int(math.ceil(self.duration_s / 3600.0 - 1e-9)))
        for k in range(n_win):
            a, b = k * 3600.0, min((k + 1) * 3600.0, self.duration_s)
            eps = [e for e in self.episodes if a <= e.start_s < b]
            hours = (b - a) / 3600.0
            rows.append(
                {
                    "index": k,
                    "start_s": a,
                    "duration_s": b - a,
                    "n_episodes": len(eps),
                    "episodes_per_hour": len(eps) / hours if hours > 0 else 0.0,
                    "n_beats": int(sum(e.n_beats for e in eps)),
                    "time_in_episodes_s": float(sum(e.duration_s for e in eps)),
                }
            )
        return rows

    def _episode_dict(self, e: MotionEpisode) -> dict[str, Any]:
        d = e.to_dict()
        if self.start_time:  # wall-clock start of the episode (recording clock)
            from datetime import datetime, timedelta

            t0 = datetime.fromisoformat(self.start_time)
            d["start_clock"] = (t0 + timedelta(seconds=e.start_s)).isoformat()
        return d

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready result (episodes get ``start_clock`` when the start time is known)."""
        hours = self.duration_s / 3600.0
        return {
            "software_version": __version__,
            "kind": "motion",
            "source": self.source,
            "channels": list(self.channels),
            "sensor": self.sensor,
            "fs_hz": self.fs,
            "duration_s": self.duration_s,
            "start_time": self.start_time,
            "amplitude_unit": self.amplitude_unit,
            "label": LABEL,
            "note": NOTE,
            "n_episodes": len(self.episodes),
            "episodes": [self._episode_dict(e) for e in self.episodes],
            "episodes_per_hour": len(self.episodes) / hours if hours > 0 else 0.0,
            "time_in_episodes_s": self.time_in_episodes_s,
            "n_beats": int(sum(e.n_beats for e in self.episodes)),
            "per_hour": self.per_hour(),
            "n_rejected": dict(self.n_rejected),
            "invalid_s": self.invalid_s,
            "warnings": list(self.warnings),
            "elapsed_s": self.elapsed_s,
            "config": self.config.to_dict(),
        }


# ------------------------------------------------------------------------------- helpers
def _sensor_prefix(name: str) -> str:
    """The sensor part of a channel name, as :func:`_pick_triad` groups them
    (``right_gyr_x`` -> ``right``)."""
    return axis_stem(name).rstrip("_").rsplit("_", 1)[0]


def _pick_triad(rec: Recording) -> tuple[str, list[int]]:
    kinds = [c.kind for c in rec.channels]
    for kind in ("gyro", "acc"):
        idx = [i for i, k in enumerate(kinds) if k == kind]
        if idx:
            # several sensors (left/right foot): the first sensor's channels only
            s0 = _sensor_prefix(rec.channels[idx[0]].name)
            same = [i for i in idx if _sensor_prefix(rec.channels[i].name) == s0]
            return kind, (same if 1 <= len(same) <= 3 else idx[:3])
    raise InvalidParameterError(
        f"{rec.source or 'recording'}: no gyroscope or accelerometer channel (kinds: "
        f"{sorted(set(kinds))}). Motion monitoring needs an IMU; for EMG use "
        "`clonus monitor --kind emg`."
    )


def _nan_runs(bad: np.ndarray, offset: int) -> list[tuple[int, int]]:
    """Runs of True in ``bad`` as absolute sample ranges [a, b)."""
    return [(a + offset, b + offset) for a, b in _mask_runs(bad)]


def _invalid_intervals(
    rec: Recording, nan_runs: list[tuple[int, int]], margin_s: float
) -> list[tuple[float, float]]:
    """NaN runs and timestamp pauses, as (start_s, end_s), widened by ``margin_s``."""
    fs = rec.fs
    iv = [(a / fs - margin_s, b / fs + margin_s) for a, b in nan_runs]
    for a, length in rec.gap_intervals_s:
        iv.append((a - margin_s, a + length + margin_s))
    return merge_intervals(iv)


class _Scan:
    """Chunk-by-chunk scan: cycle peaks and 0.1 s bins of band and slow-movement energy."""

    BIN_S = 0.1

    def __init__(self, fs: float, sensor: str, cfg: MotionMonitorConfig) -> None:
        self.fs, self.sensor, self.cfg = fs, sensor, cfg
        self.prev_axis: np.ndarray | None = None
        self.peak_t: list[np.ndarray] = []
        self.peak_a: list[np.ndarray] = []
        self.bins_band: list[np.ndarray] = []
        self.bins_slow: list[np.ndarray] = []
        self.bins_speed: list[np.ndarray] = []

    def feed(self, x: np.ndarray, a0: int, core: tuple[int, int]) -> None:
        """``x``: padded chunk (3, n) starting at sample ``a0``; ``core``: absolute samples kept."""
        fs, cfg = self.fs, self.cfg
        band = bandpass(x, fs=fs, band_hz=cfg.filter_band_hz)
        slow = bandpass(x, fs=fs, band_hz=cfg.slow_band_hz, order=2)
        c0, c1 = core[0] - a0, core[1] - a0
        # orientation-free projection: window axes, central halves, sign continuity
        hop = max(1, int(round(cfg.window_s * fs / 2)))
        half = hop // 2
        proj = np.zeros(x.shape[1])
        for s in range(0, x.shape[1], hop):
            w0, w1 = max(0, s - half), min(x.shape[1], s + hop + half)
            if w1 - w0 < 3:
                continue
            ax, _ = principal_axis(band[:, w0:w1])
            if self.prev_axis is not None and float(ax @ self.prev_axis) < 0:
                ax = -ax
            if s + hop > c0 or s >= c0:  # keep continuity only from the kept region on
                self.prev_axis = ax
            proj[s : s + hop] = ax @ band[:, s : s + hop]
        if self.sensor == "gyro":
            sig = np.degrees(np.cumsum(proj) / fs)
            sig = highpass(sig, fs=fs, cutoff_hz=cfg.filter_band_hz[0] * 0.6)
            prom = cfg.min_prominence_deg
        else:
            sig = proj
            prom = cfg.min_prominence_acc
        m = int(round(1.0 * fs))
        s0, s1 = max(0, c0 - m), min(sig.size, c1 + m)
        dist = max(1, int(0.8 * fs / cfg.band_hz[1]))
        pk, props = find_peaks(sig[s0:s1], prominence=prom, distance=dist)
        pk = pk + s0
        keep = (pk >= c0) & (pk < c1)
        pk = pk[keep]
        # parabolic interpolation of the peak time (sub-sample frequency resolution)
        y0 = sig[np.maximum(pk - 1, 0)]
        y1 = sig[pk]
        y2 = sig[np.minimum(pk + 1, sig.size - 1)]
        den = y0 - 2 * y1 + y2
        off = np.where(den < 0, 0.5 * (y0 - y2) / np.where(den < 0, den, -1.0), 0.0)
        self.peak_t.append((pk + np.clip(off, -0.5, 0.5) + a0) / fs)
        self.peak_a.append(props["prominences"][keep])
        # 0.1 s bins of energy (orientation-free norms) and speed
        nb = int(round(self.BIN_S * fs))
        n_core = c1 - c0
        nbin = int(math.ceil(n_core / nb))
        e_band = np.sum(band[:, c0:c1] ** 2, axis=0)
        e_slow = np.sum(slow[:, c0:c1] ** 2, axis=0)
        self.bins_band.append(_binsum(e_band, nb, nbin))
        self.bins_slow.append(_binsum(e_slow, nb, nbin))
        if self.sensor == "gyro":
            sp = np.degrees(np.sqrt(e_band + e_slow))
            self.bins_speed.append(_binmax(sp, nb, nbin))


def _binsum(x: np.ndarray, nb: int, nbin: int) -> np.ndarray:
    out = np.zeros(nbin)
    n = min(x.size, nbin * nb)
    full = n // nb
    if full:
        out[:full] = x[: full * nb].reshape(full, nb).sum(axis=1)
    if full < nbin and n > full * nb:
        out[full] = x[full * nb : n].sum()
    return out


def _binmax(x: np.ndarray, nb: int, nbin: int) -> np.ndarray:
    out = np.zeros(nbin)
    full = min(x.size // nb, nbin)
    if full:
        out[:full] = x[: full * nb].reshape(full, nb).max(axis=1)
    if full < nbin and x.size > full * nb:
        out[full] = x[full * nb :].max()
    return out


def _runs(
    t: np.ndarray, cfg: MotionMonitorConfig, invalid: list[tuple[float, float]]
) -> list[tuple[int, int]]:
    """Index ranges [i, j] (inclusive) of consecutive regular peaks in the clonus band."""
    lo_s, hi_s = 1.0 / cfg.band_hz[1], 1.0 / cfg.band_hz[0]
    runs = []
    i = 0
    n = t.size
    gap_starts = np.array([a for a, _ in invalid])
    while i < n - 1:
        j = i
        while j + 1 < n:
            d = t[j + 1] - t[j]
            if not lo_s <= d <= hi_s:
                break
            if j > i:
                prev = t[j] - t[j - 1]
                if abs(d / prev - 1.0) > cfg.max_interval_change:
                    break
            if gap_starts.size and np.any((gap_starts > t[j]) & (gap_starts < t[j + 1])):
                break
            j += 1
        if j - i + 1 >= cfg.min_beats:
            runs.append((i, j))
            i = j + 1
        else:
            i += 1
    return runs


# ------------------------------------------------------------------------------- entry point
def monitor_motion(
    recording: Recording,
    *,
    config: MotionMonitorConfig | None = None,
    chunk_s: float = 600.0,
) -> MotionMonitorResult:
    """Find episodes of spontaneous rhythmic 3-8 Hz oscillation in a long IMU recording.

    Parameters
    ----------
    recording : Recording
        With gyroscope (rad/s; preferred) or accelerometer (m/s^2) channels. One triad is
        analysed: the first sensor's.
    config : MotionMonitorConfig, optional
        Thresholds (defaults cited in :class:`MotionMonitorConfig`).
    chunk_s : float
        Processing chunk, in s (working memory ~ 100 bytes per sample of a chunk). Results
        agree across chunk lengths up to cycles within ~1 s of a chunk border.

    Returns
    -------
    MotionMonitorResult
        Episodes, counts per hour, time in episodes, warnings (``to_dict()`` for JSON).

    Raises
    ------
    InvalidParameterError
        No gyroscope or accelerometer channel.
    SamplingRateError
        Sampling rate below 25 Hz.
    SignalQualityError
        Recording shorter than one window, or no valid samples.

    Examples
    --------
    >>> import numpy as np
    >>> from clonus.model import Recording
    >>> fs = 100.0
    >>> t = np.arange(int(60 * fs)) / fs
    >>> w = np.where((t > 20) & (t < 30), np.radians(60.0) * np.sin(2 * np.pi * 5 * t), 0.0)
    >>> rec = Recording.from_array(np.vstack([w, 0 * w, 0 * w]), fs=fs,
    ...     names=["gyro_x", "gyro_y", "gyro_z"], kinds=["gyro"] * 3, units=["rad/s"] * 3)
    >>> res = monitor_motion(rec)
    >>> [(round(e.frequency_hz, 1), e.n_beats > 40) for e in res.episodes]
    [(5.0, True)]
    """
    cfg = config or MotionMonitorConfig()
    check_positive("chunk_s", chunk_s)
    t_start = time.perf_counter()
    if not isinstance(recording, Recording):
        raise InvalidParameterError(
            f"monitor_motion needs a Recording (clonus.read(path)), got {type(recording).__name__}."
        )
    rec = recording
    fs = float(rec.fs)
    if fs < MIN_FS_HZ:
        raise SamplingRateError(
            f"{rec.source or 'recording'}: sampled at {fs:g} Hz; motion monitoring needs >= "
            f"{MIN_FS_HZ:g} Hz to resolve 3-8 Hz cycles (band-pass up to "
            f"{cfg.filter_band_hz[1]:g} Hz). Record at a higher rate."
        )
    sensor, idx = _pick_triad(rec)
    n = rec.n_samples
    duration = n / fs
    if duration < cfg.window_s:
        raise SignalQualityError(
            f"{rec.source or 'recording'}: {duration:.1f} s long; motion monitoring needs at "
            f"least window_s = {cfg.window_s:g} s. For one short clinical test use "
            "`clonus assess`."
        )
    warnings: list[str] = []
    sensors = sorted({_sensor_prefix(c.name) for c in rec.channels if c.kind == sensor})
    if len(sensors) > 1:
        mine = _sensor_prefix(rec.ch_names[idx[0]])
        other = next(x for x in sensors if x != mine)
        warnings.append(
            f"{len(sensors)} {sensor} sensors ({', '.join(sensors)}): monitored {mine!r} only. "
            f"Monitor another with clonus monitor --channel {other} "
            f"(or monitor_motion(rec.pick(...)))."
        )
    if len(idx) < 3:
        warnings.append(
            f"only {len(idx)} {sensor} axis/axes ({[rec.ch_names[i] for i in idx]}): the "
            "analysis is not orientation-free."
        )
    if sensor == "acc":
        warnings.append(
            "no gyroscope: cycles found on the band-passed acceleration, amplitudes in m/s^2 "
            "(not degrees); no stretch-trigger detection."
        )
    scan = _Scan(fs, sensor, cfg)
    nb = int(round(_Scan.BIN_S * fs))
    step = max(int(round(chunk_s * fs)), int(round(2 * cfg.window_s * fs)))
    step = max(nb, step - step % nb)  # whole 0.1 s bins per chunk
    pad = int(round(max(10.0, cfg.window_s) * fs))
    nan_runs: list[tuple[int, int]] = []
    for a in range(0, n, step):
        b = min(n, a + step)
        a0, a1 = max(0, a - pad), min(n, b + pad)
        x = np.array(rec.data[idx, a0:a1], dtype=float)
        bad = ~np.isfinite(x)
        if bad.any():
            nan_runs += _nan_runs(bad[:, a - a0 : b - a0].any(axis=0), a)
            med = np.nanmedian(np.where(bad, np.nan, x), axis=1)
            med = np.where(np.isfinite(med), med, 0.0)
            x = np.where(bad, med[:, None], x)
        scan.feed(x, a0, (a, b))

    invalid = _invalid_intervals(rec, nan_runs, cfg.gap_margin_s)
    invalid_clipped = tuple(
        (max(a, 0.0), min(b, duration)) for a, b in invalid if min(b, duration) > max(a, 0.0)
    )
    invalid_s = float(sum(b - a for a, b in invalid_clipped))
    if invalid:
        n_nan = int(sum(b - a for a, b in nan_runs))
        n_gap = len(rec.gap_intervals_s)
        warnings.append(
            f"dropouts: {n_nan} NaN samples and {n_gap} timestamp pause(s); {invalid_s:.1f} s "
            "(with margins) excluded from episode detection."
        )
        if n_nan == n:
            raise SignalQualityError(f"{rec.source or 'recording'}: no valid motion samples.")

    t = np.concatenate(scan.peak_t) if scan.peak_t else np.zeros(0)
    amp = np.concatenate(scan.peak_a) if scan.peak_a else np.zeros(0)
    if invalid and t.size:
        ok = np.ones(t.size, bool)
        for a, b in invalid:
            ok &= ~((t >= a) & (t <= b))
        t, amp = t[ok], amp[ok]
    e_band = np.concatenate(scan.bins_band)
    e_slow = np.concatenate(scan.bins_slow)
    speed = np.concatenate(scan.bins_speed) if scan.bins_speed else None

    runs = _runs(t, cfg, invalid)
    rejected = {"slow_movement": 0, "large_movement": 0, "irregular": 0, "too_short": 0}
    rejected_runs: list[tuple[float, str]] = []

    def reject(start_s: float, reason: str) -> None:
        rejected[reason] += 1
        rejected_runs.append((start_s, reason))
    # merge runs closer than merge_gap_s (not across a dropout)
    merged: list[list[tuple[int, int]]] = []
    for r in runs:
        if merged:
            last = merged[-1][-1]
            gap_a, gap_b = t[last[1]], t[r[0]]
            crosses = any(a < gap_b and b > gap_a for a, b in invalid)
            if gap_b - gap_a <= cfg.merge_gap_s and not crosses:
                merged[-1].append(r)
                continue
        merged.append([r])
    episodes: list[MotionEpisode] = []
    bs = nb / fs
    for group in merged:
        med_iv = float(np.median(np.concatenate([np.diff(t[i : j + 1]) for i, j in group])))
        st = float(t[group[0][0]])
        trig_peak = None
        triggered = False
        if speed is not None:
            # A stretch-like trigger: the fastest movement from trigger_window_s before the
            # first cycle to 1 s after it (the zero-phase band-pass rings ahead of a fast
            # stretch, so the first "cycles" can precede it), faster than the oscillation.
            amps0 = amp[group[0][0] : group[0][1] + 1]
            osc_speed = float(np.median(amps0)) * math.pi / med_iv  # deg p-p -> peak deg/s
            k0 = max(0, int((st - cfg.trigger_window_s) / bs))
            k1 = min(speed.size, int(math.ceil((st + 1.0) / bs)))
            if k1 > k0:
                k = k0 + int(np.argmax(speed[k0:k1]))
                trig_peak = float(speed[k])
                triggered = trig_peak >= max(cfg.trigger_min_deg_s, 1.5 * osc_speed)
                if triggered:
                    # the stretch's own peak and the ringing before it are not beats (reflex-model
                    # section 8): the episode starts after the trigger
                    t_trig = (k + 0.5) * bs
                    i, j = group[0]
                    i2 = i + int(np.searchsorted(t[i : j + 1], t_trig + 0.5 * med_iv, side="right"))
                    if j - i2 + 1 >= cfg.min_beats or (len(group) > 1 and i2 <= j):
                        group[0] = (i2, j)
                    else:
                        group.pop(0)
                    if not group:
                        reject(st, "too_short")
                        continue
        ivs = np.concatenate([np.diff(t[i : j + 1]) for i, j in group])
        n_beats = int(sum(j - i + 1 for i, j in group))
        st, en = float(t[group[0][0]]), float(t[group[-1][1]])
        amps = np.concatenate([amp[i : j + 1] for i, j in group])
        med_iv = float(np.median(ivs))
        cv = float(np.std(ivs) / np.mean(ivs))
        b0, b1 = int(st / bs), max(int(st / bs) + 1, int(math.ceil(en / bs)))
        sb, ss = float(np.sum(e_band[b0:b1])), float(np.sum(e_slow[b0:b1]))
        slow_ratio = math.sqrt(ss / sb) if sb > 0 else math.inf
        if en - st < cfg.min_duration_s:
            reject(st, "too_short")
            continue
        if cv > cfg.max_cv:
            reject(st, "irregular")
            continue
        if slow_ratio > cfg.max_slow_ratio:
            reject(st, "slow_movement")
            continue
        if sensor == "gyro":
            too_big = float(np.median(amps)) > cfg.max_amplitude_deg
        else:
            # an acceleration amplitude means a larger movement at a lower frequency (a = r
            # w^2 theta): judge it also as the angle it implies at the sensor radius assumed
            # elsewhere (0.10 m, reflex-model section 6), so that regular fast gait (gaitmap MS
            # sample: 29 m/s^2 at 4.7 Hz, ~19 deg) is not let through by a fixed m/s^2 cap
            w = 2 * math.pi / med_iv
            ang_deg = math.degrees(float(np.median(amps)) / (_ACC_RADIUS_M * w * w))
            too_big = (float(np.median(amps)) > cfg.max_amplitude_acc
                       or ang_deg > cfg.max_amplitude_deg)
        if too_big:
            reject(st, "large_movement")
            continue
        episodes.append(
            MotionEpisode(
                start_s=st,
                end_s=en,
                n_beats=n_beats,
                frequency_hz=1.0 / med_iv,
                amplitude=float(np.median(amps)),
                amplitude_unit="deg" if sensor == "gyro" else "m/s^2",
                regularity_cv=cv,
                slow_ratio=slow_ratio,
                triggered=triggered,
                trigger_peak_deg_s=trig_peak,
            )
        )
    elapsed = time.perf_counter() - t_start
    logger.info(
        "monitor_motion: %d samples at %g Hz (%s), %d episodes, rejected %s, in %.2f s",
        n, fs, sensor, len(episodes), rejected, elapsed,
    )
    return MotionMonitorResult(
        source=rec.source or "",
        channels=tuple(rec.ch_names[i] for i in idx),
        sensor=sensor,
        fs=fs,
        duration_s=duration,
        episodes=episodes,
        n_rejected=rejected,
        warnings=warnings,
        config=cfg,
        elapsed_s=elapsed,
        start_time=rec.start_time.isoformat() if rec.start_time else None,
        invalid_s=invalid_s,
        rejected_runs=tuple(rejected_runs),
        invalid_intervals_s=invalid_clipped,
    )


def monitor_motion_windows(
    read_window: Callable[[float, float], Recording],
    total_s: float,
    *,
    window_s: float = 6 * 3600.0,
    overlap_s: float = 300.0,
    config: MotionMonitorConfig | None = None,
    chunk_s: float = 600.0,
) -> MotionMonitorResult:
    """:func:`monitor_motion` over a recording too long to hold in memory, window by window.

    Parameters
    ----------
    read_window : callable
        ``read_window(start_s, duration_s)`` returns that part of the recording (seconds from
        its first sample), e.g. ``lambda a, d: clonus.read(path, start_s=a, duration_s=d)`` for
        an Axivity CWA file.
    total_s : float
        Length of the whole recording, in s.
    window_s : float
        Length of each window's own part, in s.
    overlap_s : float
        Seconds read before and after each window's own part, so that an episode crossing a
        border is seen whole (up to this long) and its stretch-like trigger is seen; each
        episode is kept by the window its first beat falls in.

    Returns
    -------
    MotionMonitorResult
        As :func:`monitor_motion` for the whole recording. Each episode and each rejected
        run is kept by the window its start falls in, and each excluded interval is clipped
        to the windows' own parts, so nothing in an overlap counts twice.
    """
    check_positive("total_s", total_s)
    check_positive("window_s", window_s)
    if not (math.isfinite(overlap_s) and overlap_s >= 0):
        raise InvalidParameterError(f"overlap_s must be >= 0 seconds, got {overlap_s!r}.")
    t_start = time.perf_counter()
    first: MotionMonitorResult | None = None
    episodes: list[MotionEpisode] = []
    rejected: dict[str, int] = {}
    rejected_runs: list[tuple[float, str]] = []
    warns: list[str] = []
    invalid: list[tuple[float, float]] = []
    n_win = max(1, int(math.ceil(total_s / window_s - 1e-9)))
    for k in range(n_win):
        core0, core1 = k * window_s, min((k + 1) * window_s, total_s)
        a = max(0.0, core0 - overlap_s)
        b = min(total_s, core1 + overlap_s)
        res = monitor_motion(read_window(a, b - a), config=config, chunk_s=chunk_s)
        first = first or res
        for e in res.episodes:
            st = e.start_s + a
            if core0 <= st < core1:
                episodes.append(replace(e, start_s=st, end_s=e.end_s + a))
        for key in res.n_rejected:
            rejected.setdefault(key, 0)
        for st, reason in res.rejected_runs:
            if core0 <= st + a < core1:
                rejected[reason] = rejected.get(reason, 0) + 1
                rejected_runs.append((st + a, reason))
        for i0, i1 in res.invalid_intervals_s:
            lo, hi = max(i0 + a, core0), min(i1 + a, core1)
            if hi > lo:
                if invalid and lo <= invalid[-1][1]:  # one dropout cut by a window border
                    invalid[-1] = (invalid[-1][0], max(hi, invalid[-1][1]))
                else:
                    invalid.append((lo, hi))
        warns += [w for w in res.warnings if w not in warns]
    assert first is not None
    return replace(
        first,
        duration_s=float(total_s),
        episodes=episodes,
        n_rejected=rejected,
        warnings=warns,
        elapsed_s=time.perf_counter() - t_start,
        invalid_s=float(sum(b - a for a, b in invalid)),
        rejected_runs=tuple(rejected_runs),
        invalid_intervals_s=tuple(invalid),
    )
