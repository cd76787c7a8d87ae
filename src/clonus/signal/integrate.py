"""Integration of angular velocity to angle, with bias removal."""

from __future__ import annotations

import numpy as np

from .._validation import check_fs

__all__ = ["integrate"]


def integrate(x: np.ndarray, *, fs: float, remove_bias: bool = True) -> np.ndarray:
    """Trapezoidal cumulative integral starting at 0.

    Parameters
    ----------
    x : ndarray, shape (n_samples,)
        Rate signal (e.g. angular velocity in rad/s).
    fs : float
        Sampling rate, in Hz.
    remove_bias : bool
        Subtract the median of ``x`` first. The median is a robust estimate of a gyroscope's
        constant bias when the limb is still most of the time: the examiner's stretch and
        clonus are brief or symmetric and barely move the median.

    Returns
    -------
    ndarray
        Integral, in (unit of x) x s.

    Notes
    -----
    Residual drift (bias random walk) is removed by the caller with a high-pass filter at a
    frequency well below the clonus band.
    """
    fs = check_fs(fs)
    x = np.asarray(x, dtype=float)
    if remove_bias:
        x = x - np.median(x)
    out = np.empty_like(x)
    if len(x) == 0:
        return out
    out[0] = 0.0
    out[1:] = np.cumsum(0.5 * (x[1:] + x[:-1])) / fs
    return out
