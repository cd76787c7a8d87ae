"""Beats of ankle clonus in a plantar/dorsiflexion angle, and their grouping into runs.

Beat definition (shared with the simulator's ground truth, reflex-model section 8): a beat is
one involuntary plantarflexor contraction after the examiner's stretch; in the motion signal
it is one dorsiflexion peak of the ankle angle after the stretch peak (the imposed stretch's
own peak is not a beat), with peak prominence >= 0.5 deg and >= 80 ms apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks

from .._validation import check_fs

__all__ = ["Peaks", "drop_peaks", "find_dorsiflexion_peaks", "group_runs", "fit_decay"]


@dataclass(frozen=True, eq=False)
class Peaks:
    """Dorsiflexion peaks: sample index, interpolated time (s), value and peak-to-peak amplitude
    (deg)."""

    idx: np.ndarray
    times_s: np.ndarray
    values: np.ndarray
    amplitudes: np.ndarray
    prominences: np.ndarray

    def select(self, mask: np.ndarray) -> Peaks:
        return Peaks(
            self.idx[mask],
            self.times_s[mask],
            self.values[mask],
            self.amplitudes[mask],
            self.prominences[mask],
        )

    def __len__(self) -> int:
        return int(len(self.idx))


def find_dorsiflexion_peaks(
    angle_deg: np.ndarray,
    *,
    fs: float,
    min_prominence_deg: float,
    min_interval_s: float,
    after_idx: int = 0,
    amplitude_signal: np.ndarray | None = None,
) -> Peaks:
    """Dorsiflexion peaks of an angle signal (dorsiflexion positive).

    Parameters
    ----------
    angle_deg : ndarray, shape (n_samples,)
        Ankle angle, in degrees, dorsiflexion positive, already drift-corrected and low-passed.
    fs : float
        Sampling rate, in Hz.
    min_prominence_deg : float
        Minimum peak prominence, in degrees (0.5 deg in the shared beat definition).
    min_interval_s : float
        Minimum spacing of peaks, in seconds (80 ms in the shared beat definition).
    after_idx : int
        Keep only peaks after this sample (the stretch peak).
    amplitude_signal : ndarray, optional
        Signal (deg) on which amplitudes are measured, e.g. the angle before drift high-pass
        (a high-pass tilts the baseline after a held stretch and shrinks peak-to-peak values).

    Returns
    -------
    Peaks
        Times are refined by parabolic interpolation (sub-sample accuracy at low fs). The
        amplitude of a peak is its value minus the lowest angle since the previous kept peak
        (or since ``after_idx``): the peak-to-peak excursion of that cycle.
    """
    fs = check_fs(fs)
    x = np.asarray(angle_deg, dtype=float)
    dist = max(1, int(np.ceil(min_interval_s * fs - 1e-9)))
    pk, pr = find_peaks(x, prominence=min_prominence_deg, distance=dist)
    prom = pr["prominences"]
    keep = pk > after_idx
    pk, prom = pk[keep], prom[keep]
    t = pk.astype(float)
    v = x[pk].astype(float)
    inner = (pk > 0) & (pk < len(x) - 1)
    if inner.any():
        a, b, c = x[pk[inner] - 1], x[pk[inner]], x[pk[inner] + 1]
        den = a - 2 * b + c
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.where(den != 0, 0.5 * (a - c) / den, 0.0)
        d = np.clip(d, -0.5, 0.5)
        t[inner] += d
        v[inner] = b - 0.25 * (a - c) * d
    amps = _amplitudes(x, pk, v, after_idx, amplitude_signal)
    return Peaks(pk, t / fs, v, amps, prom.astype(float))


def _amplitudes(x: np.ndarray, idx: np.ndarray, values: np.ndarray, after_idx: int,
                amplitude_signal: np.ndarray | None) -> np.ndarray:
    """Each peak's value minus the lowest angle since the previous peak (or ``after_idx``),
    measured on ``amplitude_signal`` when given (see :func:`find_dorsiflexion_peaks`)."""
    y = x if amplitude_signal is None else np.asarray(amplitude_signal, dtype=float)
    amps = np.empty(len(idx))
    prev = after_idx
    for k, p in enumerate(idx):
        lo = y[prev : p + 1].min() if p > prev else y[p]
        amps[k] = (values[k] - x[p] + y[p]) - lo
        prev = p
    return amps


def drop_peaks(
    peaks: Peaks,
    keep: np.ndarray,
    angle_deg: np.ndarray,
    *,
    after_idx: int = 0,
    amplitude_signal: np.ndarray | None = None,
) -> Peaks:
    """The peaks selected by ``keep``, amplitudes re-measured where a dropped peak split a cycle.

    Parameters
    ----------
    peaks : Peaks
        Output of :func:`find_dorsiflexion_peaks` on ``angle_deg``.
    keep : ndarray of bool
        Peaks to keep.
    angle_deg, after_idx, amplitude_signal
        As given to :func:`find_dorsiflexion_peaks` (degrees; samples).

    Returns
    -------
    Peaks
        The kept peaks. A kept peak that followed a dropped one gets its value minus the lowest
        angle since the previous *kept* peak (or ``after_idx``) as its amplitude; the others
        keep theirs.
    """
    keep = np.asarray(keep, dtype=bool)
    kept = peaks.select(keep)
    x = np.asarray(angle_deg, dtype=float)
    amps = kept.amplitudes.copy()
    pos = np.flatnonzero(keep)
    for k, j in enumerate(pos):
        if j > 0 and not keep[j - 1]:
            start = int(kept.idx[k - 1]) if k else after_idx
            amps[k] = _amplitudes(x, kept.idx[k : k + 1], kept.values[k : k + 1], start,
                                  amplitude_signal)[0]
    return Peaks(kept.idx, kept.times_s, kept.values, amps, kept.prominences)


def group_runs(
    times_s: np.ndarray, *, max_interval_s: float, max_interval_change: float | None = None
) -> list[np.ndarray]:
    """Split beat times into runs.

    Parameters
    ----------
    times_s : ndarray
        Beat times, in seconds, increasing.
    max_interval_s : float
        A longer interval ends the run, in seconds.
    max_interval_change : float, optional
        Also end the run when an interval differs from the run's median interval so far by more
        than this fraction (e.g. 0.5). Clonus periods change gradually (slowing by up to 2 Hz at
        the end of a run, Wallace 2012); noise peaks have random spacing.

    Returns
    -------
    list of ndarray
        Integer index arrays into ``times_s``, one per run.
    """
    t = np.asarray(times_s, dtype=float)
    if len(t) == 0:
        return []
    runs: list[list[int]] = [[0]]
    for i in range(1, len(t)):
        d = t[i] - t[i - 1]
        cur = runs[-1]
        brk = d > max_interval_s
        if not brk and max_interval_change is not None and len(cur) >= 3:
            ref = float(np.median(np.diff(t[cur])))
            brk = abs(d - ref) > max_interval_change * ref
        if brk:
            runs.append([i])
        else:
            cur.append(i)
    return [np.asarray(r, dtype=int) for r in runs]


def fit_decay(times_s: np.ndarray, amplitudes: np.ndarray) -> dict:
    """Fit A * exp(p t) to per-beat amplitudes (log-linear least squares).

    Parameters
    ----------
    times_s : ndarray
        Beat times, in seconds.
    amplitudes : ndarray
        Peak-to-peak amplitudes, in degrees (> 0).

    Returns
    -------
    dict
        ``p_per_s`` (growth > 0, decay < 0, about 0 maintained; clinical reference 1.2),
        ``a0_deg`` (amplitude at the first beat), ``r2``, ``n``; values None with < 3 beats.
    """
    t = np.asarray(times_s, dtype=float)
    a = np.asarray(amplitudes, dtype=float)
    m = a > 0
    if m.sum() < 3:
        return {"p_per_s": None, "a0_deg": None, "r2": None, "n": int(m.sum())}
    t, la = t[m] - t[m][0], np.log(a[m])
    p, c = np.polyfit(t, la, 1)
    res = la - (p * t + c)
    ss = float(np.sum((la - la.mean()) ** 2))
    r2 = 1.0 - float(np.sum(res**2)) / ss if ss > 0 else 1.0
    return {"p_per_s": float(p), "a0_deg": float(np.exp(c)), "r2": float(r2), "n": int(m.sum())}
