"""Surface-EMG conditioning: band-pass, mains notch, heartbeat suppression, envelope.

Every filter is a causal second-order-section IIR filter run with :func:`scipy.signal.sosfilt`
and an explicit state (``zi``), so a file processed in chunks gives *bit-identical* output to the
same file processed in one piece (:class:`StreamConditioner`). Filter coefficients are cached per
sampling rate and band (immutable arrays), so a 24 h file does not redesign them per chunk.

Pipeline (:func:`condition`)
----------------------------
1. **Band-pass** ``band_hz`` (default 30-450 Hz, 4th-order Butterworth). The upper edge is
   clipped to ``0.45 * fs`` so the band adapts to slow loggers (250 Hz -> 30-112.5 Hz).
2. **Heartbeat (ECG) suppression** by the 30 Hz lower edge: Drake & Callaghan 2006
   (J Electromyogr Kinesiol 16:175-187) found a 30 Hz high-pass to be the most effective of the
   simple ECG-removal methods for trunk EMG while keeping the EMG amplitude. Remaining
   heartbeat-locked bursts are rejected after detection by their rhythm (see
   :func:`clonus.emg.bursts.reject_heartbeat`).
3. **Mains notch** at 50 or 60 Hz and harmonics inside the band, detected from the spectrum of
   the first ``mains_detect_s`` seconds (:func:`detect_mains`), or given explicitly.
4. **Envelope**: full-wave rectification followed by a 2nd-order Butterworth low-pass at
   ``envelope_hz`` (default 20 Hz: fast enough to separate the bursts of 8 Hz clonus, whose
   silent gaps last about 60-80 ms; clinical-reference.md section 1.1).

Computation runs in float32 (about 7 significant digits; the EMG noise floor is 3-4 orders of
magnitude above float32 resolution at any physiological amplitude).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import signal as _sig

from .._validation import check_fs, check_positive
from ..exceptions import InvalidParameterError, SamplingRateError

__all__ = [
    "ConditioningConfig",
    "Conditioned",
    "StreamConditioner",
    "condition",
    "detect_mains",
    "effective_band_hz",
    "MIN_FS_HZ",
]

#: Lowest sampling rate at which the default conditioning is meaningful, in Hz. At 200 Hz the
#: band is 30-90 Hz (upper edge 0.45 fs): narrow but still dominated by motor-unit power
#: (surface EMG power peaks at 50-150 Hz). Below that the band would be narrower than 60 Hz.
MIN_FS_HZ = 200.0


@dataclass(frozen=True)
class ConditioningConfig:
    """Parameters of the EMG conditioning.

    Parameters
    ----------
    band_hz : (float, float)
        Band-pass edges, in Hz. The default 30 Hz lower edge suppresses ECG (Drake & Callaghan
        2006); 450 Hz is the usual surface-EMG upper limit (SENIAM / De Luca 1997: surface EMG
        power lies below about 400-500 Hz). The upper edge is clipped to ``0.45 * fs``.
    filter_order : int
        Butterworth order of the band-pass (per edge).
    notch : bool
        Apply the mains notch.
    mains_hz : float or None
        Mains frequency (50 or 60 Hz). None: detect it from the data (:func:`detect_mains`).
    mains_detect_s : float
        Length of signal used to detect the mains frequency, in seconds from the start.
    notch_q : float
        Quality factor of each notch (-3 dB width = f0 / Q; 30 -> 1.7 Hz at 50 Hz).
    notch_min_fs_hz : float
        No notch below this sampling rate, in Hz. At low rates the band is narrow (250 Hz:
        30-112 Hz), the mains line and its harmonic sit in the middle of it, and the notch's
        ringing after each burst fills the gaps between clonic bursts (measured on the
        simulator: 12 bursts merged into 9 at 250 Hz). The line is then left in the noise floor,
        which the thresholds are relative to.
    n_harmonics : int
        Number of mains harmonics notched (fundamental included), when inside the band.
    envelope_hz : float
        Cut-off of the envelope low-pass, in Hz.
    """

    band_hz: tuple[float, float] = (30.0, 450.0)
    filter_order: int = 4
    notch: bool = True
    mains_hz: float | None = None
    mains_detect_s: float = 60.0
    notch_q: float = 30.0
    notch_min_fs_hz: float = 500.0
    n_harmonics: int = 3
    envelope_hz: float = 20.0

    def __post_init__(self) -> None:
        lo, hi = (float(v) for v in self.band_hz)
        if not (0 < lo < hi):
            raise InvalidParameterError(
                f"band_hz must be (low, high) with 0 < low < high, got {self.band_hz}."
            )
        check_positive("envelope_hz", self.envelope_hz)
        check_positive("mains_detect_s", self.mains_detect_s)
        if self.mains_hz is not None:
            check_positive("mains_hz", self.mains_hz)


def effective_band_hz(
    fs: float, band_hz: tuple[float, float] = (30.0, 450.0)
) -> tuple[float, float]:
    """The band actually used at sampling rate ``fs``: upper edge clipped to ``0.45 * fs``.

    Raises
    ------
    SamplingRateError
        If ``fs`` is below :data:`MIN_FS_HZ` or the clipped band is empty.
    """
    fs = check_fs(fs)
    lo, hi = float(band_hz[0]), float(band_hz[1])
    hi = min(hi, 0.45 * fs)
    if fs < MIN_FS_HZ or hi <= lo + 20.0:
        raise SamplingRateError(
            f"EMG sampled at {fs:g} Hz is too slow for burst analysis: the {lo:g} Hz high-pass "
            f"(ECG suppression) leaves a band of {lo:g}-{hi:g} Hz. "
            f"Record EMG at >= {MIN_FS_HZ:g} Hz "
            "(1000 Hz recommended)."
        )
    return lo, hi


@lru_cache(maxsize=64)
def _design(
    fs: float,
    lo: float,
    hi: float,
    order: int,
    mains: float | None,
    q: float,
    n_harm: int,
    env_hz: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Design (and cache per fs) the conditioning and envelope filters, float32, read-only."""
    sections = [_sig.butter(order, [lo, hi], btype="bandpass", fs=fs, output="sos")]
    if mains:
        for k in range(1, n_harm + 1):
            f0 = mains * k
            if lo < f0 < hi and f0 < 0.48 * fs:
                b, a = _sig.iirnotch(f0, q, fs=fs)
                sections.append(_sig.tf2sos(b, a))
    sos_bp = np.ascontiguousarray(np.vstack(sections), dtype=np.float32)
    sos_env = np.ascontiguousarray(
        _sig.butter(2, min(env_hz, 0.4 * fs), btype="low", fs=fs, output="sos"), dtype=np.float32
    )
    sos_bp.setflags(write=False)
    sos_env.setflags(write=False)
    return sos_bp, sos_env


def detect_mains(x: np.ndarray, *, fs: float, min_ratio: float = 5.0) -> float | None:
    """Detect mains interference at 50 or 60 Hz from the power spectrum.

    Parameters
    ----------
    x : ndarray
        Raw EMG, any unit.
    fs : float
        Sampling rate, in Hz.
    min_ratio : float
        The line's power density must exceed the median of its +-8 Hz neighbourhood (excluding
        +-1.5 Hz around the line) by this factor.

    Returns
    -------
    float or None
        50.0, 60.0, or None when neither line stands out (or fs is below 130 Hz).
    """
    fs = check_fs(fs)
    x = np.asarray(x, dtype=np.float64)
    if fs < 130.0 or x.size < int(2 * fs):
        return None
    nper = int(min(x.size, 2 ** int(math.ceil(math.log2(fs * 2)))))  # ~0.5 Hz resolution
    # Median averaging: segments containing bursts do not mask the line (robust to spasms).
    f, p = _sig.welch(x - np.mean(x), fs=fs, nperseg=nper, average="median")
    best, best_ratio = None, min_ratio
    for f0 in (50.0, 60.0):
        line = p[np.abs(f - f0) <= 0.6].max(initial=0.0)
        ring = p[(np.abs(f - f0) <= 8.0) & (np.abs(f - f0) > 1.5)]
        base = float(np.median(ring)) if ring.size else 0.0
        ratio = line / base if base > 0 else (np.inf if line > 0 else 0.0)
        if ratio > best_ratio:
            best, best_ratio = f0, ratio
    return best


@dataclass(frozen=True, eq=False)
class Conditioned:
    """Output of :func:`condition`.

    Attributes
    ----------
    filtered : ndarray, float32
        Band-passed, notched EMG, in the input unit.
    envelope : ndarray, float32
        Rectified and low-passed ``filtered``, in the input unit.
    fs : float
        Sampling rate, in Hz.
    band_hz : (float, float)
        Band actually used, in Hz.
    mains_hz : float or None
        Mains frequency notched (None: no notch).
    """

    filtered: np.ndarray
    envelope: np.ndarray
    fs: float
    band_hz: tuple[float, float]
    mains_hz: float | None


_fused_kernel = None


def _get_fused():
    """numba kernel: band-pass/notch cascade, rectification and envelope in one pass.

    Same direct-form-II-transposed recursion and float32 arithmetic as ``scipy.signal.sosfilt``
    (equal to float32 rounding, tested), about 1.4x faster because the signal is read once.
    Returns None without numba (then scipy is used).
    """
    global _fused_kernel
    if _fused_kernel is None:
        try:
            import numba
        except ImportError:  # pragma: no cover - numba is in the fast extra
            _fused_kernel = False
        else:

            @numba.njit(cache=True, nogil=True)
            def _fused(x, off, sos, zi, sose, zie, xf, env):  # pragma: no cover - compiled
                ns = sos.shape[0]
                ne = sose.shape[0]
                for i in range(x.shape[0]):
                    v = x[i] - off
                    for k in range(ns):
                        y = sos[k, 0] * v + zi[k, 0]
                        zi[k, 0] = sos[k, 1] * v - sos[k, 4] * y + zi[k, 1]
                        zi[k, 1] = sos[k, 2] * v - sos[k, 5] * y
                        v = y
                    xf[i] = v
                    a = abs(v)
                    for k in range(ne):
                        y = sose[k, 0] * a + zie[k, 0]
                        zie[k, 0] = sose[k, 1] * a - sose[k, 4] * y + zie[k, 1]
                        zie[k, 1] = sose[k, 2] * a - sose[k, 5] * y
                        a = y
                    env[i] = a

            _fused_kernel = _fused
    return _fused_kernel or None


class StreamConditioner:
    """Stateful conditioner: feed consecutive chunks, get exactly the whole-signal result.

    Parameters
    ----------
    fs : float
        Sampling rate, in Hz.
    config : ConditioningConfig, optional
        Defaults to ``ConditioningConfig()``.
    mains_hz : float or None
        Mains frequency to notch (already detected); overrides ``config.mains_hz``.
    use_numba : bool
        Use the fused numba kernel when numba is installed (identical output to scipy).
    """

    def __init__(
        self,
        fs: float,
        config: ConditioningConfig | None = None,
        *,
        mains_hz: float | None = None,
        use_numba: bool = True,
    ) -> None:
        self.fs = check_fs(fs)
        self.use_numba = use_numba
        self.config = config or ConditioningConfig()
        cfg = self.config
        self.band_hz = effective_band_hz(self.fs, cfg.band_hz)
        use_notch = cfg.notch and self.fs >= cfg.notch_min_fs_hz
        self.mains_hz = (mains_hz if mains_hz is not None else cfg.mains_hz) if use_notch else None
        sos_bp, sos_env = _design(
            self.fs,
            self.band_hz[0],
            self.band_hz[1],
            int(cfg.filter_order),
            self.mains_hz,
            float(cfg.notch_q),
            int(cfg.n_harmonics),
            float(cfg.envelope_hz),
        )
        # sosfilt needs writable coefficient buffers: copy the cached read-only arrays.
        self.sos_bp, self.sos_env = sos_bp.copy(), sos_env.copy()
        self._zi_bp: np.ndarray | None = None
        self._zi_env: np.ndarray | None = None
        self._offset: np.float32 | None = None

    def process(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Condition the next chunk; returns ``(filtered, envelope)`` as float32 arrays."""
        x = np.asarray(x, dtype=np.float32)
        if self._zi_bp is None:
            # Start from rest at the first sample's DC level (removed), as filtfilt-free
            # streaming filters must; the first sample is subtracted from the whole signal.
            self._offset = np.float32(x[0]) if x.size else np.float32(0.0)
            self._zi_bp = np.zeros((self.sos_bp.shape[0], 2), dtype=np.float32)
            self._zi_env = np.zeros((self.sos_env.shape[0], 2), dtype=np.float32)
        if x.size == 0:
            return x.copy(), x.copy()
        kern = _get_fused() if self.use_numba else None
        if kern is not None:
            xf = np.empty_like(x)
            env = np.empty_like(x)
            kern(x, self._offset, self.sos_bp, self._zi_bp, self.sos_env, self._zi_env, xf, env)
            return xf, env
        xf, self._zi_bp = _sig.sosfilt(self.sos_bp, x - self._offset, zi=self._zi_bp)
        env, self._zi_env = _sig.sosfilt(self.sos_env, np.abs(xf), zi=self._zi_env)
        return xf.astype(np.float32, copy=False), env.astype(np.float32, copy=False)


def condition(x: np.ndarray, *, fs: float, config: ConditioningConfig | None = None) -> Conditioned:
    """Condition one EMG channel held in memory.

    Parameters
    ----------
    x : ndarray, shape (n_samples,)
        Raw EMG, any unit (SI volts from :func:`clonus.read`).
    fs : float
        Sampling rate, in Hz.
    config : ConditioningConfig, optional
        Filter settings; defaults documented in :class:`ConditioningConfig`.

    Returns
    -------
    Conditioned
        Filtered signal and envelope (float32), the band used and the mains frequency.

    Raises
    ------
    SamplingRateError
        If ``fs`` is below :data:`MIN_FS_HZ`.
    InvalidParameterError
        If ``x`` is not 1-D or contains non-finite values.
    """
    fs = check_fs(fs)
    cfg = config or ConditioningConfig()
    x = _as_signal(x)
    mains = cfg.mains_hz
    if cfg.notch and mains is None and fs >= cfg.notch_min_fs_hz:
        mains = detect_mains(x[: int(cfg.mains_detect_s * fs)], fs=fs)
    sc = StreamConditioner(fs, cfg, mains_hz=mains)
    xf, env = sc.process(x)
    return Conditioned(xf, env, fs, sc.band_hz, sc.mains_hz)


def _as_signal(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 1:
        raise InvalidParameterError(f"EMG must be a 1-D array (one channel), got shape {x.shape}.")
    if x.size and not np.all(np.isfinite(x)):
        raise InvalidParameterError(
            "EMG contains NaN or infinite samples; fill or crop the gaps before analysis."
        )
    return x
