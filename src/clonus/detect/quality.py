"""Signal-quality checks run before any beat is counted: dropouts, frozen samples, clipping.

A problem found here makes the assessment ``indeterminate`` with the reason; clonus never
counts beats on a signal it cannot trust.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._intervals import merge_intervals

__all__ = ["QualityReport", "check_quality", "fill_short_gaps"]


@dataclass
class QualityReport:
    """Problems (make the result indeterminate), notes (informative) and dropouts about a signal.

    ``dropouts`` are the gaps of missing samples longer than ``max_gap_s`` as (start_s,
    length_s), merged over channels; they are interpolated in the cleaned data, and the caller
    decides whether they touch the part of the recording that matters.
    """

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dropouts: list[tuple[float, float]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Start (inclusive) and stop (exclusive) indices of runs of True."""
    if not mask.any():
        return []
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(), strict=True))


def fill_short_gaps(
    x: np.ndarray, *, fs: float, max_gap_s: float
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Linearly interpolate NaN gaps up to ``max_gap_s``; return the longer gaps
    (start_s, length_s).

    Parameters
    ----------
    x : ndarray, shape (n_samples,)
        Signal possibly containing NaN.
    fs : float
        Sampling rate, in Hz.
    max_gap_s : float
        Longest gap filled, in seconds.
    """
    x = np.array(x, dtype=float, copy=True)
    bad = ~np.isfinite(x)
    long_gaps: list[tuple[float, float]] = []
    if not bad.any():
        return x, long_gaps
    good = np.flatnonzero(~bad)
    for a, b in _runs(bad):
        if (b - a) / fs > max_gap_s or a == 0 or b == len(x):
            long_gaps.append((a / fs, (b - a) / fs))
    if len(good) >= 2:
        x[bad] = np.interp(np.flatnonzero(bad), good, x[good])
    else:
        x[bad] = 0.0
    return x, long_gaps


def check_quality(
    data: np.ndarray,
    *,
    fs: float,
    names: list[str],
    kind: str,
    max_gap_s: float,
    frozen_s: float,
    clip_run_s: float,
) -> tuple[np.ndarray, QualityReport]:
    """Check and clean the motion channels.

    Parameters
    ----------
    data : ndarray, shape (n_channels, n_samples)
        Channels of one sensor (SI units).
    fs : float
        Sampling rate, in Hz.
    names : list of str
        Channel names, for messages.
    kind : str
        ``gyro``, ``acc`` or ``angle``. Frozen-sample checks apply to gyro and acc only (a
        noiseless goniometer can legitimately stay constant).
    max_gap_s : float
        NaN gaps up to this length are interpolated (note); longer ones are interpolated too
        and listed in ``report.dropouts``.
    frozen_s : float
        Identical consecutive samples for at least this long on a gyro/acc channel are a
        dropout (a sensor stream that repeats its last value).
    clip_run_s : float
        Gyro/acc only: at least ``max(3 samples, clip_run_s)`` consecutive samples equal to the
        channel's extreme value are taken as clipping/saturation.

    Returns
    -------
    cleaned : ndarray
        Data with short NaN gaps interpolated.
    report : QualityReport
    """
    rep = QualityReport()
    out = np.empty_like(data, dtype=float)
    n = data.shape[1]
    for i, (x, nm) in enumerate(zip(data, names, strict=True)):
        if not np.isfinite(x).any():
            rep.problems.append(f"channel {nm!r} has no finite sample (all NaN): sensor dropout.")
            out[i] = 0.0
            continue
        xf, gaps = fill_short_gaps(x, fs=fs, max_gap_s=max_gap_s)
        nfill = int((~np.isfinite(x)).sum())
        if gaps:
            rep.dropouts.extend(gaps)
        elif nfill:
            rep.notes.append(
                f"channel {nm!r}: {nfill} missing sample(s) interpolated (gaps <= "
                f"{max_gap_s * 1000:.0f} ms)."
            )
        out[i] = xf
        span = float(np.ptp(xf))
        if span == 0.0:
            rep.problems.append(f"channel {nm!r} is flat (constant {xf[0]:g}); check the sensor.")
            continue
        eq = np.concatenate([[False], np.diff(xf) == 0.0])
        if kind in ("gyro", "acc") and np.isfinite(x).all():
            need = max(5, int(np.ceil(frozen_s * fs)))
            frozen = [(a - 1, b) for a, b in _runs(eq) if b - a + 1 >= need]
            if frozen:
                a, b = frozen[0]
                rep.problems.append(
                    f"channel {nm!r}: signal frozen (identical samples) for "
                    f"{(b - a) / fs:.2f} s at "
                    f"{a / fs:.2f} s: sensor dropout."
                )
        if kind not in ("gyro", "acc"):
            continue  # a noiseless goniometer can rest at its extreme; clipping is judged on IMUs
        need = max(3, int(np.ceil(clip_run_s * fs)))
        for ext, word in ((np.max(xf), "maximum"), (np.min(xf), "minimum")):
            at = np.isclose(xf, ext, rtol=0, atol=1e-9 * max(1.0, abs(ext)))
            clipped = [(a, b) for a, b in _runs(at) if b - a >= need]
            if clipped:
                a, b = clipped[0]
                rep.problems.append(
                    f"channel {nm!r}: clipped/saturated at its {word} {ext:g} for {len(clipped)} "
                    f"stretch(es) (first at {a / fs:.2f} s, {b - a} samples): amplitudes and beats "
                    "cannot be trusted; reduce the range or use a sensor with a larger range."
                )
                break
    if n < 2:
        rep.problems.append("fewer than 2 samples.")
    rep.dropouts = [(a, b - a) for a, b in merge_intervals((a, a + n) for a, n in rep.dropouts)]
    return out, rep
