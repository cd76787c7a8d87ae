"""Count cycles of a rhythmic movement (gait strides, tremor, clonus) in one signal.

Used as the generic rhythm counter: gait strides on a foot gyroscope (validated on the
gaitmap example data), rhythm checks before the examiner's stretch, and repetitive large
movements (gait, voluntary) that must not be reported as clonus.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks

from .._validation import check_fs, check_positive
from ..exceptions import InvalidParameterError, SignalQualityError
from ..signal.filters import bandpass
from ..signal.orientation import principal_axis, project

__all__ = ["Cycles", "count_cycles"]


@dataclass(frozen=True, eq=False)
class Cycles:
    """Cycles found by :func:`count_cycles`.

    Attributes
    ----------
    n_cycles : int
        Number of cycles (one peak per cycle).
    times_s : ndarray
        Time of each cycle's peak, in seconds.
    amplitudes : ndarray
        Prominence of each peak, in the unit of the input.
    frequency_hz : float or None
        1 / median interval between peaks (None with fewer than 3 peaks).
    regularity_cv : float or None
        Coefficient of variation of the intervals (None with fewer than 3 peaks).
    axis : ndarray or None
        Principal axis used for a multi-axis input.
    """

    n_cycles: int
    times_s: np.ndarray
    amplitudes: np.ndarray
    frequency_hz: float | None
    regularity_cv: float | None
    axis: np.ndarray | None = None

    def to_dict(self) -> dict:
        return {
            "n_cycles": self.n_cycles,
            "times_s": self.times_s.tolist(),
            "amplitudes": self.amplitudes.tolist(),
            "frequency_hz": self.frequency_hz,
            "regularity_cv": self.regularity_cv,
            "axis": None if self.axis is None else self.axis.tolist(),
        }


def count_cycles(
    signal: np.ndarray,
    *,
    fs: float,
    band_hz: Sequence[float],
    rel_prominence: float = 0.35,
    min_prominence: float = 0.0,
    polarity: str = "auto",
) -> Cycles:
    """Count cycles of a rhythm: one peak of the band-passed signal per cycle.

    Parameters
    ----------
    signal : ndarray, shape (n_samples,) or (n_axes, n_samples)
        The signal. A multi-axis signal (e.g. a 3-axis gyroscope in any orientation) is first
        projected on its principal axis in ``band_hz``.
    fs : float
        Sampling rate, in Hz.
    band_hz : (float, float)
        Band of the cycle frequency, in Hz (gait strides: about (0.5, 3); clonus: (2.5, 10)).
        Peaks closer than ``1 / band_hz[1]`` are merged.
    rel_prominence : float
        A peak must be at least this fraction of the robust cycle amplitude (the 90th
        percentile of the peak prominences) prominent. Default 0.35 rejects the secondary
        swing/heel-strike peaks of a gait cycle while keeping weaker strides.
    min_prominence : float
        Absolute floor for the prominence, in the signal's unit.
    polarity : {"auto", "positive", "negative"}
        Count maxima, minima, or whichever polarity has the larger peaks (auto).

    Returns
    -------
    Cycles

    Notes
    -----
    With ``polarity="auto"`` a gait cycle's dominant peak is the mid-swing angular velocity
    peak, so one peak per stride is counted.
    """
    fs = check_fs(fs)
    check_positive("rel_prominence", rel_prominence, allow_zero=True)
    x = np.asarray(signal, dtype=float)
    if x.ndim not in (1, 2):
        raise InvalidParameterError(
            f"signal must be 1-D or (n_axes, n_samples), got shape {x.shape}."
        )
    if not np.all(np.isfinite(x)):
        raise SignalQualityError(
            "count_cycles: signal contains NaN or infinite values; fill or crop them first."
        )
    n = x.shape[-1]
    if n < max(8, int(2 * fs / band_hz[0])):
        raise SignalQualityError(
            f"count_cycles: signal of {n / fs:.2f} s is too short for a {band_hz[0]} Hz rhythm "
            f"(need at least {2 / band_hz[0]:.1f} s)."
        )
    axis = None
    if x.ndim == 2:
        axis, _ = principal_axis(bandpass(x, fs=fs, band_hz=band_hz))
        x = project(x, axis)
    y = bandpass(x, fs=fs, band_hz=band_hz, order=2)
    dist = max(1, int(np.floor(fs / band_hz[1])))
    best = None
    pols = {"auto": (1, -1), "positive": (1,), "negative": (-1,)}.get(polarity)
    if pols is None:
        raise InvalidParameterError(
            f"Invalid value for 'polarity': {polarity!r}. Allowed values are 'auto', "
            "'positive' and 'negative'."
        )
    for s in pols:
        pk, pr = find_peaks(s * y, distance=dist, prominence=max(min_prominence, 1e-12))
        prom = pr["prominences"]
        if len(pk) == 0:
            cand = (0.0, pk, prom)
        else:
            ref = float(np.percentile(prom, 90))
            keep = prom >= max(min_prominence, rel_prominence * ref)
            cand = (ref, pk[keep], prom[keep])
        if best is None or cand[0] > best[0]:
            best = cand
    _, pk, prom = best
    t = pk / fs
    if len(pk) >= 3:
        iv = np.diff(t)
        f = float(1.0 / np.median(iv))
        cv = float(np.std(iv) / np.mean(iv))
    else:
        f, cv = None, None
    return Cycles(int(len(pk)), t, prom.astype(float), f, cv, axis)
