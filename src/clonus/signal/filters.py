"""Zero-phase Butterworth filters that behave at low sampling rates.

Cut-offs at or above the Nyquist frequency are handled explicitly (a low-pass whose cut-off
is above 0.95 x Nyquist is skipped, a band-pass degrades to a high-pass) so that the same code
runs on 50 Hz phone data and 1 kHz lab data.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import signal as _ss

from .._validation import check_fs, check_positive
from ..exceptions import InvalidParameterError

__all__ = ["bandpass", "lowpass", "highpass", "gaussian_lowpass"]

_NYQ_MARGIN = 0.95


def _sosfiltfilt(sos: np.ndarray, x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    n = x.shape[-1]
    # default padlen of sosfiltfilt is 3 * (2 * n_sections + 1); shorten it on short signals
    padlen = min(3 * (2 * sos.shape[0] + 1), max(n - 1, 0))
    return _ss.sosfiltfilt(sos, x, axis=-1, padlen=padlen)


def lowpass(x: np.ndarray, *, fs: float, cutoff_hz: float, order: int = 4) -> np.ndarray:
    """Zero-phase Butterworth low-pass filter.

    Parameters
    ----------
    x : ndarray
        Signal (filtered along the last axis).
    fs : float
        Sampling rate, in Hz.
    cutoff_hz : float
        -6 dB cut-off of the zero-phase filter (-3 dB of each pass), in Hz. If it is above
        0.95 x Nyquist the signal is returned unchanged (copy).
    order : int
        Butterworth order of one pass.

    Returns
    -------
    ndarray
        Filtered signal, same shape.
    """
    fs = check_fs(fs)
    cutoff_hz = check_positive("cutoff_hz", cutoff_hz)
    if cutoff_hz >= _NYQ_MARGIN * fs / 2:
        return np.array(x, dtype=float, copy=True)
    sos = _ss.butter(order, cutoff_hz, btype="lowpass", fs=fs, output="sos")
    return _sosfiltfilt(sos, x)


def gaussian_lowpass(x: np.ndarray, *, fs: float, cutoff_hz: float) -> np.ndarray:
    """Zero-phase Gaussian low-pass: no overshoot or ringing at steps.

    A Butterworth low-pass rings before and after a sharp step (about 10 % overshoot for
    order 4 run forward and back), which puts false extrema beside, for example, the fall of
    a released foot. A Gaussian kernel's step response is monotonic, so every extremum of the
    output is one of the input, at the cost of a gentler roll-off (-24 dB at twice the
    cut-off, -54 dB at three times).

    Parameters
    ----------
    x : ndarray
        Signal (filtered along the last axis).
    fs : float
        Sampling rate, in Hz.
    cutoff_hz : float
        -6 dB frequency (gain 0.5), in Hz, matching :func:`lowpass`. Kernel standard deviation
        sigma = sqrt(ln 2 / 2) / (pi * cutoff_hz) seconds. A kernel narrower than a third of
        a sample leaves the signal unchanged (copy).

    Returns
    -------
    ndarray
        Filtered signal, same shape.
    """
    from scipy.ndimage import gaussian_filter1d

    fs = check_fs(fs)
    cutoff_hz = check_positive("cutoff_hz", cutoff_hz)
    sigma_samples = np.sqrt(np.log(2.0) / 2.0) / (np.pi * cutoff_hz) * fs
    x = np.asarray(x, dtype=float)
    if sigma_samples < 1.0 / 3.0:
        return x.copy()
    return gaussian_filter1d(x, sigma_samples, axis=-1, mode="nearest")


def highpass(x: np.ndarray, *, fs: float, cutoff_hz: float, order: int = 2) -> np.ndarray:
    """Zero-phase Butterworth high-pass filter (see :func:`lowpass` for parameters)."""
    fs = check_fs(fs)
    cutoff_hz = check_positive("cutoff_hz", cutoff_hz)
    if cutoff_hz >= _NYQ_MARGIN * fs / 2:
        raise InvalidParameterError(
            f"High-pass cut-off {cutoff_hz} Hz is at or above the Nyquist frequency of a "
            f"{fs:g} Hz signal; lower cutoff_hz or use a higher sampling rate."
        )
    sos = _ss.butter(order, cutoff_hz, btype="highpass", fs=fs, output="sos")
    return _sosfiltfilt(sos, x)


def bandpass(x: np.ndarray, *, fs: float, band_hz: Sequence[float], order: int = 4) -> np.ndarray:
    """Zero-phase Butterworth band-pass filter.

    Parameters
    ----------
    x : ndarray
        Signal (filtered along the last axis).
    fs : float
        Sampling rate, in Hz.
    band_hz : (float, float)
        Lower and upper cut-offs, in Hz. An upper cut-off above 0.95 x Nyquist makes the
        filter a high-pass at the lower cut-off.
    order : int
        Butterworth order of one pass.

    Returns
    -------
    ndarray
        Filtered signal, same shape.
    """
    fs = check_fs(fs)
    if len(band_hz) != 2:
        raise InvalidParameterError(f"band_hz must be (low, high) in Hz, got {band_hz!r}.")
    lo, hi = (check_positive("band_hz", b) for b in band_hz)
    if not lo < hi:
        raise InvalidParameterError(f"band_hz must have low < high, got {band_hz!r}.")
    if hi >= _NYQ_MARGIN * fs / 2:
        return highpass(x, fs=fs, cutoff_hz=lo, order=order)
    sos = _ss.butter(order, [lo, hi], btype="bandpass", fs=fs, output="sos")
    return _sosfiltfilt(sos, x)
