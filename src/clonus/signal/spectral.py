"""Power spectra and spectral peaks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import signal as _ss

from .._validation import check_fs

__all__ = ["power_spectrum", "peak_frequency"]

#: Padded segment points transformed at once by :func:`power_spectrum` (about 25 MB).
_BLOCK_POINTS = 2**20


def power_spectrum(
    x: np.ndarray, *, fs: float, window_s: float = 2.0
) -> tuple[np.ndarray, np.ndarray]:
    """Welch power spectral density.

    Parameters
    ----------
    x : ndarray, shape (n_samples,)
        Signal.
    fs : float
        Sampling rate, in Hz.
    window_s : float
        Segment length, in seconds (shortened to the signal length). Resolution is
        ``1 / window_s`` Hz.

    Returns
    -------
    freqs_hz : ndarray
        Frequencies, in Hz.
    psd : ndarray
        Power spectral density, in (unit of x)^2 / Hz.
    """
    fs = check_fs(fs)
    x = np.asarray(x, dtype=float)
    nper = int(max(8, min(len(x), round(window_s * fs))))
    # zero-pad to a 0.05 Hz grid so that peak picking is not limited by the segment length
    nfft = int(max(nper, 2 ** int(np.ceil(np.log2(fs / 0.05)))))
    x = x - np.mean(x)
    step = nper - nper // 2
    n_seg = (len(x) - nper) // step + 1 if len(x) >= nper else 1
    # scipy transforms every padded segment at once (24 bytes per nfft point per segment:
    # 4.7 GB for 2 h at 1 kHz). Welch's estimate is the mean of the segments' periodograms, so
    # blocks of segments are averaged instead, weighted by their number: the same result with
    # memory bounded by the block
    block = max(8, _BLOCK_POINTS // nfft)
    if n_seg <= block:
        return _ss.welch(x, fs=fs, nperseg=nper, noverlap=nper // 2, nfft=nfft)
    total: np.ndarray | None = None
    f = np.empty(0)
    for first in range(0, n_seg, block):
        k = min(block, n_seg - first)
        seg = x[first * step: first * step + (k - 1) * step + nper]
        f, p = _ss.welch(seg, fs=fs, nperseg=nper, noverlap=nper // 2, nfft=nfft)
        total = p * k if total is None else total + p * k
    assert total is not None
    return f, total / n_seg


def peak_frequency(
    freqs_hz: np.ndarray, psd: np.ndarray, *, band_hz: Sequence[float]
) -> tuple[float | None, float]:
    """Frequency of the largest spectral peak inside ``band_hz`` and its peak-to-band ratio.

    Parameters
    ----------
    freqs_hz, psd : ndarray
        Output of :func:`power_spectrum`.
    band_hz : (float, float)
        Search band, in Hz.

    Returns
    -------
    peak_hz : float or None
        Frequency of the maximum (parabolic interpolation), or None if the band is empty.
    concentration : float
        Fraction of the band's power within +/- 0.5 Hz of the peak (1 = a pure line).
    """
    m = (freqs_hz >= band_hz[0]) & (freqs_hz <= band_hz[1])
    if m.sum() < 3 or not np.any(psd[m] > 0):
        return None, 0.0
    idx = np.flatnonzero(m)
    i = idx[int(np.argmax(psd[idx]))]
    f0 = float(freqs_hz[i])
    if 0 < i < len(psd) - 1:
        a, b, c = psd[i - 1], psd[i], psd[i + 1]
        den = a - 2 * b + c
        if den != 0:
            f0 += 0.5 * (a - c) / den * float(freqs_hz[1] - freqs_hz[0])
    near = m & (np.abs(freqs_hz - f0) <= 0.5)
    total = float(np.sum(psd[m]))
    return f0, float(np.sum(psd[near]) / total) if total > 0 else 0.0
