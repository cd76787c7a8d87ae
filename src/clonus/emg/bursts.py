"""EMG contraction (burst) detection: onset, offset, RMS and duration of every burst.

Methods (registry :data:`METHODS`, chosen with ``BurstConfig.method``):

``"hysteresis"`` (default; chosen by ``benchmarks/emg/bench_accuracy.py``, see ``docs/emg.md``)
    Double threshold on the conditioned envelope against a robust noise floor. The floor is the
    lowest ``noise_percentile`` (20th) percentile of the envelope over the ``noise_window_s``
    (10 s) windows of consecutive absolute blocks of ``noise_block_s`` (60 s), taking the
    minimum over the current and ``noise_lookback_blocks`` previous blocks, so a tonic spasm
    filling a window or a block does not lift it. A candidate is a run of envelope above
    ``off_ratio`` x floor that reaches ``on_ratio`` x floor somewhere; runs closer than
    ``merge_gap_s`` merge (refractory merging); runs are then split at deep valleys
    (``split_ratio``, ``valley_ratio``) and each burst's edges are set relative to its peak
    (``edge_ratio``); bursts shorter than ``min_burst_s`` are dropped. Amplitude-scale
    invariant. Streams exactly (:class:`BurstStream`).
``"mummidisetty2012"`` (reference)
    Follows Mummidisetty, Bohorquez & Thomas 2012 (J Neurosci Methods 204:35-43;
    clinical-reference.md section 6.1): a filter bank of complex Morlet wavelets with centre
    frequencies log-spaced across 74.8-193.9 Hz, whose mean magnitude is the envelope; one peak
    per contraction from a threshold and a minimum peak distance; EMG energy 50 ms either side
    of each peak; burst start/end where the cumulative energy of that window reaches 5 % / 95 %.
    The unpublished details are departures, listed in ``docs/emg.md``: the threshold
    (``on_ratio`` x the same robust floor), the minimum peak distance (``peak_min_distance_s``
    = 100 ms), a prominence of at least half the peak height, the 25 ms envelope smoothing,
    5-cycle wavelets, and reading "5 %/95 % of maximal energy" as cumulative energy.
    In-memory only (not streamed); needs ``fs`` >= 430 Hz.

For every burst the RMS (input unit) is computed over [onset, offset) of the band-passed
signal, and the energy width (time between 5 % and 95 % of the burst's cumulative energy, in
seconds) measures how brief the underlying discharge is (a single motor-unit potential lasts
about 5-10 ms, a clonic burst 40-100 ms).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import signal as _sig

from .._validation import check_fs, check_option, check_positive
from ..exceptions import InvalidParameterError, SamplingRateError
from .conditioning import ConditioningConfig, condition

__all__ = [
    "BurstConfig",
    "Bursts",
    "BurstStream",
    "METHODS",
    "detect_bursts",
    "reject_heartbeat",
    "MUMMIDISETTY_MIN_FS_HZ",
]

#: Mummidisetty 2012 wavelet band, in Hz (clinical-reference.md section 6.1).
MUMMIDISETTY_BAND_HZ = (74.8, 193.9)
#: Lowest rate for the reference method: Nyquist must clear the 193.9 Hz band edge by 10 %.
MUMMIDISETTY_MIN_FS_HZ = 430.0


@dataclass(frozen=True)
class BurstConfig:
    """Parameters of burst detection.

    Parameters
    ----------
    method : {"hysteresis", "mummidisetty2012"}
        Detection method (module docstring).
    on_ratio : float
        A burst must reach this multiple of the noise floor (x4 ~ 12 dB; assumed, tuned on the
        simulator in ``benchmarks/emg/bench_accuracy.py``).
    off_ratio : float
        Burst onset/offset where the envelope crosses this multiple of the floor (x2, assumed).
    noise_block_s : float
        Length of the absolute blocks in which the noise floor is estimated, in seconds.
    noise_window_s : float
        The floor of a block is the lowest ``noise_percentile`` percentile of its windows of this
        length, in seconds (a trailing window shorter than a tenth of this is ignored).
    noise_percentile : float
        Percentile of the envelope taken as the floor (20: robust while bursts fill < 80 % of a
        window).
    noise_lookback_blocks : int
        Previous blocks whose floor may replace the current one when lower.
    merge_gap_s : float
        Bursts separated by less than this merge, in seconds (25 ms: below the 60-80 ms silent
        gap of 8 Hz clonus; clinical-reference.md section 1.1).
    min_burst_s : float
        Shorter bursts are dropped, in seconds.
    max_carry_s : float
        Activity uninterrupted for longer than this is cut into pieces when streaming.
    split_ratio : float
        A run splits at a valley below this fraction of the preceding peak that is followed by a
        rise to the on-threshold and to 1/``split_ratio`` x the valley (separates clonic bursts
        whose envelope tails overlap; 0.35 assumed).
    valley_ratio : float
        ... and only where the valley is also below this multiple of the noise floor or below
        ``split_ratio / 3`` of the peak (6 and 1/3, assumed: the fluctuations of a tonic
        spasm's envelope reach down neither to the noise nor to 12 % of the peak; the silent
        gaps between clonic bursts do).
    edge_ratio : float
        Onset/offset are where the envelope crosses ``max(off_ratio x floor, edge_ratio x burst
        peak)`` (10 % of the peak, assumed), so edges do not depend on the burst's size.
    peak_min_distance_s : float
        mummidisetty2012: minimum time between contraction peaks, in seconds (100 ms allows up
        to 10 Hz; assumed, the paper's value is unpublished).
    energy_half_window_s : float
        mummidisetty2012: energy window either side of the peak, in seconds (50 ms, paper).
    energy_limits : (float, float)
        Cumulative-energy fractions marking burst start and end (5 %, 95 %, paper).
    """

    method: str = "hysteresis"
    on_ratio: float = 6.0
    off_ratio: float = 2.0
    noise_block_s: float = 60.0
    noise_window_s: float = 10.0
    noise_percentile: float = 20.0
    noise_lookback_blocks: int = 3
    merge_gap_s: float = 0.025
    min_burst_s: float = 0.015
    max_carry_s: float = 600.0
    split_ratio: float = 0.35
    edge_ratio: float = 0.1
    valley_ratio: float = 6.0
    peak_min_distance_s: float = 0.100
    energy_half_window_s: float = 0.050
    energy_limits: tuple[float, float] = (0.05, 0.95)

    def __post_init__(self) -> None:
        check_option("method", self.method, tuple(METHODS))
        for name in (
            "on_ratio",
            "off_ratio",
            "noise_block_s",
            "merge_gap_s",
            "max_carry_s",
            "peak_min_distance_s",
            "energy_half_window_s",
        ):
            check_positive(name, getattr(self, name))
        check_positive("min_burst_s", self.min_burst_s, allow_zero=True)
        if self.off_ratio > self.on_ratio:
            raise InvalidParameterError(
                f"off_ratio ({self.off_ratio}) must not exceed on_ratio ({self.on_ratio})."
            )
        if not 0 < self.noise_percentile < 100:
            raise InvalidParameterError(
                f"noise_percentile must be in (0, 100), got {self.noise_percentile}."
            )
        lo, hi = self.energy_limits
        if not 0 <= lo < hi <= 1:
            raise InvalidParameterError(
                f"energy_limits must satisfy 0 <= lo < hi <= 1, got {self.energy_limits}."
            )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, eq=False)
class Bursts:
    """Detected bursts of one channel (arrays of equal length, time order).

    Attributes
    ----------
    onset_idx, offset_idx : ndarray of int64
        First sample and one past the last sample of each burst.
    rms : ndarray of float64
        RMS of the conditioned EMG over the burst, in the input unit (V for recordings).
    peak : ndarray of float64
        Envelope maximum within the burst, in the input unit.
    width_s : ndarray of float64
        Time between 5 % and 95 % of the burst's cumulative energy, in seconds.
    floor : ndarray of float64
        Noise floor (envelope) in force at the burst onset, in the input unit.
    kurtosis : ndarray of float64
        Kurtosis of the conditioned EMG within the burst (3 for Gaussian interference pattern;
        high for sparse single-unit spikes).
    centre_s : ndarray of float64
        Energy centroid of the burst, in seconds: the time marker used for burst intervals
        (insensitive to amplitude, unlike a threshold crossing).
    fs : float
        Sampling rate, in Hz.
    method : str
        Detection method.
    """

    onset_idx: np.ndarray
    offset_idx: np.ndarray
    rms: np.ndarray
    peak: np.ndarray
    width_s: np.ndarray
    floor: np.ndarray
    kurtosis: np.ndarray
    centre_s: np.ndarray
    fs: float
    method: str = "hysteresis"

    @classmethod
    def empty(cls, fs: float, method: str = "hysteresis") -> Bursts:
        z = np.zeros(0)
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), z, z, z, z, z, z, fs, method)

    @classmethod
    def concat(cls, parts: list[Bursts], fs: float, method: str) -> Bursts:
        if not parts:
            return cls.empty(fs, method)
        cat = lambda name: np.concatenate([getattr(p, name) for p in parts])  # noqa: E731
        return cls(
            cat("onset_idx"),
            cat("offset_idx"),
            cat("rms"),
            cat("peak"),
            cat("width_s"),
            cat("floor"),
            cat("kurtosis"),
            cat("centre_s"),
            fs,
            method,
        )

    def __len__(self) -> int:
        return int(self.onset_idx.size)

    @property
    def n(self) -> int:
        """Number of bursts."""
        return len(self)

    @property
    def onset_s(self) -> np.ndarray:
        """Onset times, in seconds."""
        return self.onset_idx / self.fs

    @property
    def offset_s(self) -> np.ndarray:
        """Offset times, in seconds."""
        return self.offset_idx / self.fs

    @property
    def duration_s(self) -> np.ndarray:
        """Burst durations, in seconds."""
        return (self.offset_idx - self.onset_idx) / self.fs

    def select(self, keep: np.ndarray) -> Bursts:
        """Bursts where the boolean (or index) array ``keep`` selects."""
        return Bursts(
            self.onset_idx[keep],
            self.offset_idx[keep],
            self.rms[keep],
            self.peak[keep],
            self.width_s[keep],
            self.floor[keep],
            self.kurtosis[keep],
            self.centre_s[keep],
            self.fs,
            self.method,
        )

    def to_dicts(self, *, scale: float = 1.0) -> list[dict[str, float]]:
        """One dict per burst: ``onset_s``, ``offset_s``, ``duration_s``, ``rms``, ``width_s``.

        ``scale`` converts RMS to a display unit (1e6 for V -> uV).
        """
        on, off = self.onset_s, self.offset_s
        return [
            {
                "onset_s": round(float(on[i]), 6),
                "offset_s": round(float(off[i]), 6),
                "duration_s": round(float(off[i] - on[i]), 6),
                "rms": float(self.rms[i] * scale),
                "width_s": round(float(self.width_s[i]), 6),
            }
            for i in range(len(self))
        ]


# ----------------------------------------------------------------------------- burst statistics
def _burst_stats_py(
    x: np.ndarray,
    env: np.ndarray,
    on: np.ndarray,
    off: np.ndarray,
    lo: float,
    hi: float,
    out: np.ndarray,
) -> None:
    for k in range(on.size):
        a, b = on[k], off[k]
        seg = x[a:b].astype(np.float64)
        e = np.cumsum(seg * seg)
        tot = e[-1] if e.size else 0.0
        out[k, 0] = math.sqrt(tot / max(1, b - a))
        out[k, 1] = float(env[a:b].max()) if b > a else 0.0
        out[k, 3] = float(np.sum(seg**4)) * (b - a) / (tot * tot) if tot > 0 else 0.0
        out[k, 4] = a + (
            float(np.sum(seg * seg * np.arange(b - a))) / tot if tot > 0 else 0.5 * (b - a)
        )
        if tot > 0:
            i0 = int(np.searchsorted(e, lo * tot))
            i1 = int(np.searchsorted(e, hi * tot))
            out[k, 2] = i1 - i0 + 1
        else:
            out[k, 2] = 0.0


_stats_kernel: Callable[..., None] | None = None
_split_kernel: Callable[..., int] | None = None


def _get_split_kernel() -> Callable[..., int]:
    global _split_kernel
    if _split_kernel is None:
        try:
            import numba
        except ImportError:  # pragma: no cover - numba is in the fast extra
            _split_kernel = _split_runs_fast
        else:
            _split_kernel = numba.njit(cache=True, nogil=True)(_split_runs_fast)
    return _split_kernel


def _split_runs_fast(env, on_thr, off_thr, starts, ends, split, edge, valley, out):  # noqa: C901
    """Split runs at deep valleys and refine each piece's edges (numba-compiled when available).

    Within a run, a valley splits two pieces when the envelope fell below ``split`` x the
    preceding peak and either below ``valley`` x the off-threshold or below a third of that
    fraction of the peak, and then rose again above the on-threshold and above valley /
    ``split``. Each piece's onset/offset are the first/last samples at or above
    ``max(off_thr, edge x piece peak)``. Returns the number of pieces written to ``out``.
    """
    m = 0
    for r in range(starts.size):
        s = starts[r]
        e = ends[r]
        ps = s
        h = env[s]
        in_valley = False
        vmin = 0.0
        vidx = s
        i = s
        while i <= e:
            cut = -1
            if i == e:
                cut = e
            else:
                v = env[i]
                if not in_valley:
                    if v > h:
                        h = v
                    elif v < split * h:
                        in_valley = True
                        vmin = v
                        vidx = i
                else:
                    if v < vmin:
                        vmin = v
                        vidx = i
                    elif (
                        v > on_thr[i]
                        and v * split > vmin
                        and (vmin < valley * off_thr[vidx] or vmin < split * h / 3.0)
                    ):
                        cut = vidx
            if cut >= 0:
                a = ps
                b = cut
                pk = 0.0
                for j in range(a, b):
                    if env[j] > pk:
                        pk = env[j]
                if b > a and pk > on_thr[a]:
                    lo = -1
                    hi = -1
                    for j in range(a, b):
                        if env[j] >= off_thr[j] and env[j] >= edge * pk:
                            if lo < 0:
                                lo = j
                            hi = j
                    if lo >= 0:
                        out[m, 0] = lo
                        out[m, 1] = hi + 1
                        m += 1
                if i < e:
                    ps = cut
                    h = env[i]
                    in_valley = False
            i += 1
    return m


def _get_stats_kernel() -> Callable[..., None]:
    """numba-compiled burst statistics when numba is installed (the ``fast`` extra)."""
    global _stats_kernel
    if _stats_kernel is None:
        try:
            import numba
        except ImportError:  # pragma: no cover - numba is in the fast extra
            _stats_kernel = _burst_stats_py
        else:

            @numba.njit(cache=True, nogil=True)
            def _kern(x, env, on, off, lo, hi, out):  # pragma: no cover - compiled
                for k in range(on.size):
                    a = on[k]
                    b = off[k]
                    tot = 0.0
                    q4 = 0.0
                    pk = 0.0
                    cm = 0.0
                    for i in range(a, b):
                        v = float(x[i])
                        tot += v * v
                        cm += v * v * (i - a)
                        q4 += v * v * v * v
                        if env[i] > pk:
                            pk = float(env[i])
                    out[k, 0] = math.sqrt(tot / max(1, b - a))
                    out[k, 1] = pk
                    out[k, 3] = q4 * (b - a) / (tot * tot) if tot > 0 else 0.0
                    out[k, 4] = a + (cm / tot if tot > 0 else 0.5 * (b - a))
                    if tot > 0:
                        c = 0.0
                        i0 = -1
                        i1 = -1
                        for i in range(a, b):
                            v = float(x[i])
                            c += v * v
                            if i0 < 0 and c >= lo * tot:
                                i0 = i
                            if c >= hi * tot:
                                i1 = i
                                break
                        if i1 < 0:
                            i1 = b - 1
                        out[k, 2] = i1 - i0 + 1
                    else:
                        out[k, 2] = 0.0

            _stats_kernel = _kern
    return _stats_kernel


def _stats(
    x: np.ndarray,
    env: np.ndarray,
    on: np.ndarray,
    off: np.ndarray,
    fs: float,
    limits: tuple[float, float],
) -> np.ndarray:
    out = np.zeros((on.size, 5))
    if on.size:
        _get_stats_kernel()(
            x,
            env,
            on.astype(np.int64),
            off.astype(np.int64),
            float(limits[0]),
            float(limits[1]),
            out,
        )
    out[:, 2] /= fs
    return out


# ----------------------------------------------------------------------------- hysteresis stream
class BurstStream:
    """Streaming hysteresis detector: feed conditioned chunks, collect exact bursts.

    Results do not depend on how the signal is cut into chunks: the noise floor is estimated on
    absolute blocks, and bursts are only finalised behind a silent stretch of at least
    ``merge_gap_s`` (activity still open is carried to the next chunk).

    Parameters
    ----------
    fs : float
        Sampling rate, in Hz.
    config : BurstConfig, optional
        Detection settings.
    """

    def __init__(self, fs: float, config: BurstConfig | None = None) -> None:
        self.fs = check_fs(fs)
        self.cfg = config or BurstConfig()
        if self.cfg.method != "hysteresis":
            raise InvalidParameterError(
                f"Method {self.cfg.method!r} cannot be streamed; use method='hysteresis' for long "
                "recordings, or detect_bursts() on a recording held in memory."
            )
        c = self.cfg
        self.block = max(1, int(round(c.noise_block_s * self.fs)))
        self.gap = max(1, int(round(c.merge_gap_s * self.fs)))
        self.min_len = int(round(c.min_burst_s * self.fs))
        self.max_carry = int(round(c.max_carry_s * self.fs))
        self._pend_x: list[np.ndarray] = []
        self._pend_e: list[np.ndarray] = []
        self._pend_n = 0
        self._cx = np.zeros(0, np.float32)
        self._ce = np.zeros(0, np.float32)
        self._con = np.zeros(0, np.float32)
        self._coff = np.zeros(0, np.float32)
        self._cstart = 0
        self._floors: deque[float] = deque(maxlen=c.noise_lookback_blocks + 1)
        self._parts: list[Bursts] = []
        self.floors: list[float] = []  # effective floor per block (for reports)
        self._done = False

    def feed(self, x: np.ndarray, env: np.ndarray) -> None:
        """Add the next chunk of the conditioned signal and its envelope."""
        if self._done:
            raise InvalidParameterError("BurstStream.feed() after finish().")
        self._pend_x.append(np.asarray(x, np.float32))
        self._pend_e.append(np.asarray(env, np.float32))
        self._pend_n += len(x)
        if self._pend_n >= self.block:
            px = np.concatenate(self._pend_x)
            pe = np.concatenate(self._pend_e)
            nb = self._pend_n // self.block
            for k in range(nb):
                sl = slice(k * self.block, (k + 1) * self.block)
                self._block(px[sl], pe[sl], final=False)
            rest = nb * self.block
            self._pend_x, self._pend_e = [px[rest:]], [pe[rest:]]
            self._pend_n = px.size - rest

    def finish(self) -> Bursts:
        """Process what is left and return every burst."""
        if not self._done:
            if self._pend_n:
                self._block(np.concatenate(self._pend_x), np.concatenate(self._pend_e), final=True)
            elif self._ce.size:
                self._block(np.zeros(0, np.float32), np.zeros(0, np.float32), final=True)
            self._done = True
        return Bursts.concat(self._parts, self.fs, "hysteresis")

    # -- internals
    def _block(self, xb: np.ndarray, eb: np.ndarray, *, final: bool) -> None:
        c = self.cfg
        if eb.size:
            # The envelope is low-passed at ~20 Hz: a 100 Hz subsample gives the same percentile
            # at a tenth of the cost (indices relative to the absolute block: chunk-independent).
            q = max(1, int(self.fs // 100))
            eb_q = eb[::q]
            w = max(1, int(round(c.noise_window_s * self.fs / q)))
            nw = eb_q.size // w
            pcs = []
            if nw:
                pcs.append(np.percentile(eb_q[: nw * w].reshape(nw, w), c.noise_percentile, axis=1))
            if eb_q.size - nw * w >= max(1, w // 10) or not nw:
                pcs.append(np.atleast_1d(np.percentile(eb_q[nw * w :], c.noise_percentile)))
            fl = float(np.min(np.concatenate(pcs)))
            self._floors.append(fl)
            pos = [f for f in self._floors if f > 0]
            eff = min(pos) if pos else 0.0
            self.floors.append(eff)
        else:
            eff = self.floors[-1] if self.floors else 0.0
        if eff <= 0:
            # A flat (all-zero) block carries no information: nothing can be a burst.
            eff = np.inf
        n_new = eb.size
        seg_e = np.concatenate([self._ce, eb]) if self._ce.size else eb
        seg_x = np.concatenate([self._cx, xb]) if self._cx.size else xb
        on_thr = np.concatenate([self._con, np.full(n_new, eff * c.on_ratio, np.float32)])
        off_thr = np.concatenate([self._coff, np.full(n_new, eff * c.off_ratio, np.float32)])
        n = seg_e.size
        mask = seg_e > off_thr
        d = np.diff(mask.view(np.int8), prepend=np.int8(0), append=np.int8(0))
        starts = np.flatnonzero(d == 1)
        ends = np.flatnonzero(d == -1)
        # Where can we cut? Behind a silent stretch of >= gap samples.
        if final or starts.size == 0:
            cut = n
        elif n - ends[-1] >= self.gap:
            cut = n
        else:
            gaps = starts[1:] - ends[:-1]
            ok = np.flatnonzero(gaps >= self.gap)
            if ok.size:
                cut = int(starts[ok[-1] + 1])
            elif starts[0] >= self.gap:
                cut = int(starts[0])
            else:
                cut = 0
            if n - cut > self.max_carry:
                cut = n
        sel = starts < cut
        s, e = starts[sel], ends[sel]
        if s.size:
            head = seg_e[:cut] - on_thr[:cut]
            keep = np.maximum.reduceat(head, s) > 0
            s, e = s[keep], e[keep]
        if s.size:
            # Refractory merging of runs closer than merge_gap, then splitting at deep valleys
            # (after merging, so a split is never undone by the merge).
            brk = np.flatnonzero(s[1:] - e[:-1] >= self.gap)
            s, e = s[np.concatenate([[0], brk + 1])], e[np.concatenate([brk, [s.size - 1]])]
            out = np.zeros((int((e - s).sum()) + 1, 2), np.int64)
            m = _get_split_kernel()(
                seg_e,
                on_thr,
                off_thr,
                s.astype(np.int64),
                e.astype(np.int64),
                float(c.split_ratio),
                float(c.edge_ratio),
                float(c.valley_ratio / c.off_ratio),
                out,
            )
            gs, ge = out[:m, 0], out[:m, 1]
            long_enough = (ge - gs) >= max(1, self.min_len)
            gs, ge = gs[long_enough], ge[long_enough]
            if gs.size:
                st = _stats(seg_x, seg_e, gs, ge, self.fs, c.energy_limits)
                fl = (off_thr[gs] / c.off_ratio).astype(np.float64)
                self._parts.append(
                    Bursts(
                        gs + self._cstart,
                        ge + self._cstart,
                        st[:, 0],
                        st[:, 1],
                        st[:, 2],
                        fl,
                        st[:, 3],
                        (st[:, 4] + self._cstart) / self.fs,
                        self.fs,
                        "hysteresis",
                    )
                )
        self._ce, self._cx = seg_e[cut:].copy(), seg_x[cut:].copy()
        self._con, self._coff = on_thr[cut:].copy(), off_thr[cut:].copy()
        self._cstart += cut


# ----------------------------------------------------------------------------- methods
def _hysteresis(x: np.ndarray, fs: float, cfg: BurstConfig, ccfg: ConditioningConfig) -> Bursts:
    cond = condition(x, fs=fs, config=ccfg)
    bs = BurstStream(fs, cfg)
    bs.feed(cond.filtered, cond.envelope)
    return bs.finish()


def morlet_envelope(
    x: np.ndarray,
    *,
    fs: float,
    band_hz: tuple[float, float] = MUMMIDISETTY_BAND_HZ,
    n_scales: int = 6,
    n_cycles: float = 5.0,
) -> np.ndarray:
    """Mean magnitude of a bank of complex Morlet wavelets spanning ``band_hz``.

    Centre frequencies are log-spaced ("non-linearly scaled", Mummidisetty 2012) between the
    band edges; each wavelet has ``n_cycles`` cycles (standard deviation ``n_cycles / (2 pi f)``
    in time) and unit gain at its centre frequency.

    Parameters
    ----------
    x : ndarray
        EMG, any unit.
    fs : float
        Sampling rate, in Hz (>= :data:`MUMMIDISETTY_MIN_FS_HZ`).
    band_hz : (float, float)
        Band spanned by the wavelet centre frequencies, in Hz.
    n_scales : int
        Number of wavelets.
    n_cycles : float
        Cycles per wavelet.

    Returns
    -------
    ndarray
        Envelope, same unit and length as ``x``.
    """
    fs = check_fs(fs)
    if fs < MUMMIDISETTY_MIN_FS_HZ:
        raise SamplingRateError(
            f"The mummidisetty2012 method uses the {band_hz[0]}-{band_hz[1]} Hz wavelet band and "
            f"needs fs >= {MUMMIDISETTY_MIN_FS_HZ:g} Hz; got {fs:g} Hz. Use method='hysteresis', "
            "whose band adapts to the sampling rate."
        )
    freqs = np.geomspace(band_hz[0], band_hz[1], n_scales)
    env = np.zeros(x.size)
    for f in freqs:
        sd = n_cycles / (2 * np.pi * f)
        t = np.arange(-4 * sd, 4 * sd + 1 / fs, 1 / fs)
        w = np.exp(2j * np.pi * f * t) * np.exp(-0.5 * (t / sd) ** 2)
        w /= np.sum(np.abs(w))  # ~unit gain at the centre frequency (x2 for the analytic part)
        env += np.abs(_sig.oaconvolve(x, w, mode="same")) * 2.0
    return env / n_scales


def _mummidisetty(x: np.ndarray, fs: float, cfg: BurstConfig, ccfg: ConditioningConfig) -> Bursts:
    cond = condition(x, fs=fs, config=ccfg)
    xf = cond.filtered.astype(np.float64)
    env = morlet_envelope(xf, fs=fs)
    k = max(1, int(round(0.025 * fs)))
    env = np.convolve(env, np.ones(k) / k, mode="same")  # 25 ms smoothing (assumed)
    blk = max(1, int(round(cfg.noise_block_s * fs)))
    floors = (
        np.array(
            [np.percentile(env[i : i + blk], cfg.noise_percentile) for i in range(0, env.size, blk)]
        )
        if env.size
        else np.zeros(0)
    )
    # Same running-minimum floor as the hysteresis method, per absolute block.
    eff = np.array(
        [floors[max(0, i - cfg.noise_lookback_blocks) : i + 1].min() for i in range(floors.size)]
    )
    floor = np.repeat(eff, blk)[: env.size]
    if env.size == 0 or not np.any(floor > 0):
        return Bursts.empty(fs, "mummidisetty2012")
    peaks, props = _sig.find_peaks(
        env - cfg.on_ratio * floor,
        height=0.0,
        distance=max(1, int(round(cfg.peak_min_distance_s * fs))),
        prominence=0.0,
    )
    # One peak per contraction: drop shoulder peaks (prominence below half the peak height).
    peaks = peaks[props["prominences"] >= 0.5 * env[peaks]]
    if peaks.size == 0:
        return Bursts.empty(fs, "mummidisetty2012")
    h = int(round(cfg.energy_half_window_s * fs))
    a = np.clip(peaks - h, 0, xf.size)
    b = np.clip(peaks + h + 1, 0, xf.size)
    csum = np.concatenate([[0.0], np.cumsum(xf * xf)])
    lo, hi = cfg.energy_limits
    tot = csum[b] - csum[a]
    on = np.searchsorted(csum, csum[a] + lo * tot, side="left") - 1
    off = np.searchsorted(csum, csum[a] + hi * tot, side="left")
    on = np.clip(on, a, b - 1)
    off = np.clip(off, on + 1, b)
    st = _stats(cond.filtered, cond.envelope, on, off, fs, cfg.energy_limits)
    return Bursts(
        on.astype(np.int64),
        off.astype(np.int64),
        st[:, 0],
        env[peaks],
        st[:, 2],
        floor[peaks],
        st[:, 3],
        st[:, 4] / fs,
        fs,
        "mummidisetty2012",
    )


#: Registry of burst-detection methods: name -> function(x, fs, BurstConfig, ConditioningConfig).
METHODS: dict[str, Callable[[np.ndarray, float, BurstConfig, ConditioningConfig], Bursts]] = {
    "hysteresis": _hysteresis,
    "mummidisetty2012": _mummidisetty,
}


def detect_bursts(
    x: Any,
    *,
    fs: float | None = None,
    method: str | None = None,
    config: BurstConfig | None = None,
    conditioning: ConditioningConfig | None = None,
    reject_ecg: bool = True,
) -> Bursts:
    """Detect contraction bursts in one EMG channel held in memory.

    Parameters
    ----------
    x : ndarray or Recording
        Raw EMG of one channel (a one-channel :class:`~clonus.model.Recording`, whose ``fs`` is
        used, or a 1-D array with ``fs``).
    fs : float
        Sampling rate, in Hz (required for arrays; must match a recording's rate).
    method : str, optional
        Overrides ``config.method`` (:data:`METHODS`).
    config : BurstConfig, optional
        Detection settings; defaults in :class:`BurstConfig`.
    conditioning : ConditioningConfig, optional
        Filter settings; defaults in :class:`~clonus.emg.conditioning.ConditioningConfig`.
    reject_ecg : bool
        Drop heartbeat-locked bursts (:func:`reject_heartbeat`).

    Returns
    -------
    Bursts
        Every burst, in time order (empty when there are none).

    Raises
    ------
    SamplingRateError
        ``fs`` missing, inconsistent, or too low for the method.

    Examples
    --------
    >>> from clonus.simulate.spasms import simulate_clonus_emg
    >>> sim = simulate_clonus_emg(fs=1000.0, n_beats=6, frequency_hz=5.0, seed=0)
    >>> detect_bursts(sim.recording).n  # the stretch response + 6 clonic bursts
    7
    """
    from ..model import Recording

    if isinstance(x, Recording):
        if x.n_channels != 1:
            raise InvalidParameterError(
                f"detect_bursts() needs one channel, got {x.n_channels} ({x.ch_names}); "
                "use rec.pick(name)."
            )
        if fs is not None and float(fs) != x.fs:
            raise SamplingRateError(f"fs={fs} Hz disagrees with the recording's {x.fs} Hz.")
        fs, x = x.fs, x.data[0]
    if fs is None:
        raise SamplingRateError("fs (Hz) is required when x is an array.")
    fs = check_fs(fs)
    cfg = config or BurstConfig()
    if method is not None:
        from dataclasses import replace

        cfg = replace(cfg, method=method)
    bursts = METHODS[cfg.method](np.asarray(x), fs, cfg, conditioning or ConditioningConfig())
    return reject_heartbeat(bursts) if reject_ecg else bursts


def reject_heartbeat(
    bursts: Bursts,
    *,
    rate_bpm: tuple[float, float] = (40.0, 180.0),
    max_duration_s: float = 0.15,
    tolerance: float = 0.15,
    max_rms_ratio: float = 2.0,
    min_chain: int = 3,
) -> Bursts:
    """Drop bursts that form a heartbeat-like train.

    A burst is heartbeat-like when it is short (``<= max_duration_s``; a QRS complex lasts about
    80-120 ms) and belongs to a chain of at least ``min_chain`` short bursts whose consecutive
    intervals lie within ``rate_bpm`` (40-180 beats/min) and differ from the previous interval by
    at most ``tolerance`` (15 %), with RMS within a factor ``max_rms_ratio`` of the neighbour
    (heartbeats repeat one waveform; a myoclonic jerk or clonic burst is much larger). Clonus
    intervals (125-333 ms, 3-8 Hz) are shorter than the fastest heart rate allowed here
    (333 ms), so clonus is never removed.

    Parameters
    ----------
    bursts : Bursts
        Detected bursts.
    rate_bpm : (float, float)
        Heart-rate range, in beats per minute.
    max_duration_s : float
        Longest burst that can be a heartbeat, in seconds.
    tolerance : float
        Allowed relative change between consecutive intervals.
    max_rms_ratio : float
        Largest RMS ratio between linked bursts.
    min_chain : int
        Minimum number of consecutive heartbeat-like bursts.

    Returns
    -------
    Bursts
        The bursts that are not heartbeat-like.
    """
    n = len(bursts)
    if n < min_chain:
        return bursts
    short = bursts.duration_s <= max_duration_s
    t = bursts.onset_s
    lo_i, hi_i = 60.0 / rate_bpm[1], 60.0 / rate_bpm[0]
    # Consider only the short bursts, in order; chain = consecutive short bursts with regular
    # heart-rate intervals and no long burst in between.
    idx = np.flatnonzero(short)
    if idx.size < min_chain:
        return bursts
    ti = t[idx]
    iv = np.diff(ti)
    ok_iv = (iv >= lo_i) & (iv <= hi_i)
    # no other (long) burst between two consecutive short ones
    ok_iv &= np.diff(idx) == 1
    r = bursts.rms[idx]
    ok_iv &= np.maximum(r[1:], r[:-1]) <= max_rms_ratio * np.maximum(
        np.minimum(r[1:], r[:-1]), 1e-30
    )
    rel = np.abs(np.diff(iv)) / np.maximum(iv[:-1], 1e-9)
    # link j joins short bursts j and j+1
    reg = np.concatenate([[False], rel <= tolerance]) | np.concatenate([rel <= tolerance, [False]])
    link = ok_iv & reg
    drop = np.zeros(n, bool)
    j = 0
    while j < link.size:
        if not link[j]:
            j += 1
            continue
        k = j
        while k < link.size and link[k]:
            k += 1
        # links j..k-1 join short bursts j..k
        if k - j + 1 >= min_chain:
            drop[idx[j : k + 1]] = True
        j = k
    return bursts.select(~drop) if drop.any() else bursts
