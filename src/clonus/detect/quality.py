"""Signal-quality checks run before any beat is counted: dropouts, frozen samples, clipping.

A problem found here makes the assessment ``indeterminate`` with the reason; clonus never
counts beats on a signal it cannot trust.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._intervals import merge_intervals

__all__ = ["QualityReport", "check_quality", "fill_short_gaps"]

#: Largest magnitude a motion sample can have, in SI units (rad/s, m/s^2, rad) or counts: far
#: beyond any sensor's range (gyroscopes reach ~70 rad/s, accelerometers ~4000 m/s^2, 16-bit
#: raw counts 32768). Larger values are a damaged export, and squaring them overflows.
_MAX_ABS = 1e30


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


#: a frozen run is a dropout when the signal jumps into or out of it by more than this many
#: large sample-to-sample steps (90th percentile of the non-zero steps): resuming after >= 0.1 s
#: of a moving signal jumps by the change over that time, a smooth start from rest does not
_FROZEN_JUMP = 2.0


#: identical samples of a real (noisy) sensor whose surroundings (0.25 s either side) stay
#: within this span (SI units) and within _QUIET_RUN_FRACTION of the channel's own range are a
#: still sensor read at coarse resolution (a 2011 phone's accelerometer: 0.04 m/s^2 steps, one
#: axis repeating for 0.15 s while standing), not a dropout: the smallest beat moves more.
#: A 0.5 deg beat at 5 Hz with the sensor 0.1 m from the ankle swings the tangential
#: acceleration by +-0.86 m/s^2 and the angular velocity by +-0.14 rad/s (assumed spans: a
#: quarter and a third of that).
_QUIET_RUN_SPAN = {"acc": 0.2, "gyro": 0.05}
_QUIET_RUN_FRACTION = 0.03


def _quiet_run(xf: np.ndarray, a: int, b: int, fs: float, kind: str, lim: float) -> bool:
    """Whether a run of identical samples ``xf[a:b]`` sits in a still stretch of the signal."""
    w = max(2, int(round(0.25 * fs)))
    around = xf[max(0, a - w): min(len(xf), b + w)]
    lo, hi = np.percentile(xf, [1, 99])
    span = float(np.ptp(around))
    smooth = (a == 0 or abs(xf[a] - xf[a - 1]) <= lim) and (
        b >= len(xf) or abs(xf[b] - xf[b - 1]) <= lim)
    return bool(smooth and span <= _QUIET_RUN_SPAN.get(kind, 0.0)
                and span <= _QUIET_RUN_FRACTION * float(hi - lo))


def _frozen_lost(xf: np.ndarray, a: int, b: int, lim: float) -> bool:
    """Whether identical samples ``xf[a:b]`` of a noiseless channel lost data.

    ``lim`` is the largest step (in the signal's unit) the signal may take into or out of the
    run. A noiseless channel (one that starts with identical samples: an ideal sensor at rest)
    repeats values wherever it is still; a stream that stopped jumps where it stops (zero-
    filled) or resumes (its last value repeated), was moving as it froze, or stays frozen to
    the end away from the rest value it started with.
    """
    if a == 0:
        return False  # rest before anything happened (a push may then start abruptly)
    if abs(xf[a] - xf[a - 1]) > lim:
        return True  # jumped in: zero-filled
    if b < len(xf):
        if a >= 2 and abs(xf[a - 1] - xf[a - 2]) > 0.25 * lim:
            return True  # moving as it froze (a whole number of cycles later the joins match)
        return bool(abs(xf[b] - xf[b - 1]) > lim)  # jumped out: the stream repeated values
    # frozen to the end: a still ideal sensor is back at the rest value it started with
    return bool(abs(xf[a] - xf[0]) > 1e-3 * float(np.ptp(xf)))


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
        dropout (a sensor stream that repeats its last value) - except on a channel that
        starts with them (an ideal, noiseless sensor at rest), where only runs the signal
        jumps into or out of, was moving as it froze, or ends in away from its starting rest
        value are; the others are noted. On other channels, runs entered and left smoothly
        whose surroundings (0.25 s either side) span at most 0.2 m/s^2 (acc) or 0.05 rad/s
        (gyro) and 3 % of the channel's range are a still sensor at coarse resolution and are
        noted, not a dropout.
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
    flat: list[tuple[str, float]] = []
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
        big = float(np.max(np.abs(xf)))
        if big > _MAX_ABS:
            rep.problems.append(
                f"channel {nm!r}: values up to {big:.3g}, beyond any sensor's range: a damaged "
                "export. Export the recording again."
            )
            continue
        span = float(np.ptp(xf))
        if span == 0.0:
            flat.append((nm, float(xf[0])))
            continue
        eq = np.concatenate([[False], np.diff(xf) == 0.0])
        noiseless = False
        if kind in ("gyro", "acc") and np.isfinite(x).all():
            need = max(5, int(np.ceil(frozen_s * fs)))
            frozen = [(a - 1, b) for a, b in _runs(eq) if b - a + 1 >= need]
            # A stream that stops and repeats its last value (or is zero-filled) jumps where it
            # stops or resumes, unless the foot was still. Identical samples that the signal
            # enters and leaves smoothly are a noiseless signal at rest (a simulator's ideal
            # sensor; the reflex simulator with noise=False gave 0.5 s of exact zeros before
            # the push): nothing was lost, so they are only noted.
            # real sensors' noise never repeats a value for 0.1 s: only a channel that starts
            # with identical samples (an ideal, noiseless sensor at rest) is given the benefit
            lost = frozen
            quiet: list[tuple[int, int]] = []
            if frozen:
                steps = np.abs(np.diff(xf))
                lim = _FROZEN_JUMP * float(np.percentile(steps[steps > 0], 90))
                if frozen[0][0] == 0:
                    lost = [(a, b) for a, b in frozen if _frozen_lost(xf, a, b, lim)]
                else:
                    # a real sensor at coarse resolution can repeat a value where nothing moves
                    quiet = [r for r in frozen if _quiet_run(xf, r[0], r[1], fs, kind, lim)]
                    lost = [r for r in frozen if r not in quiet]
            if lost:
                a, b = lost[0]
                rep.problems.append(
                    f"channel {nm!r}: signal frozen (identical samples) for "
                    f"{(b - a) / fs:.2f} s at "
                    f"{a / fs:.2f} s: sensor dropout."
                )
            elif quiet:
                a, b = quiet[0]
                rep.notes.append(
                    f"channel {nm!r}: identical samples for {(b - a) / fs:.2f} s at {a / fs:.2f} s"
                    f"{f' (and {len(quiet) - 1} more)' if len(quiet) > 1 else ''} where the "
                    "signal around them barely moves: a still sensor at coarse resolution, not a "
                    "dropout (no beat can hide there)."
                )
            elif frozen:
                noiseless = True
                a, b = frozen[0]
                rep.notes.append(
                    f"channel {nm!r}: identical samples for {(b - a) / fs:.2f} s at {a / fs:.2f} s"
                    f"{f' (and {len(frozen) - 1} more)' if len(frozen) > 1 else ''}, entered and "
                    "left smoothly: a noiseless signal at rest, not a dropout."
                )
        if kind not in ("gyro", "acc") or noiseless:
            # a noiseless goniometer can rest at its extreme, and an ideal (noiseless) IMU
            # signal can hold its extreme (a servo ramp's constant velocity): clipping is judged
            # on real IMU signals, whose noise never repeats a value for long
            continue
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
    if flat and (len(flat) == len(names) or kind not in ("gyro", "acc")):
        rep.problems.extend(
            f"channel {nm!r} is flat (constant {v:g}); check the sensor." for nm, v in flat
        )
    elif flat:
        # some axes of a 3-axis sensor constant, the others moving: an ideal simulated sensor
        # aligned with the ankle (exact zeros off-axis) or a dead axis; the motion is on the
        # others
        rep.notes.append(
            "constant channel(s) "
            + ", ".join(f"{nm!r} ({v:g})" for nm, v in flat)
            + ": analysed on the other axes (a dead axis, or an ideal simulated sensor "
            "aligned with the ankle)."
        )
    if n < 2:
        rep.problems.append("fewer than 2 samples.")
    rep.dropouts = [(a, b - a) for a, b in merge_intervals((a, a + n) for a, n in rep.dropouts)]
    return out, rep
