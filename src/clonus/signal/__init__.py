"""Signal processing used by the detectors: filters, spectra, orientation-free axes, integration.

Public API
----------
Filtering
    :func:`bandpass`, :func:`lowpass`, :func:`highpass` (zero-phase Butterworth),
    :func:`gaussian_lowpass` (no ringing)
Spectra
    :func:`power_spectrum`, :func:`peak_frequency`
Orientation
    :func:`principal_axis`, :func:`project`
Integration
    :func:`integrate`
"""

from .filters import bandpass, gaussian_lowpass, highpass, lowpass
from .integrate import integrate
from .orientation import principal_axis, project
from .spectral import peak_frequency, power_spectrum

__all__ = [
    "bandpass",
    "lowpass",
    "highpass",
    "gaussian_lowpass",
    "power_spectrum",
    "peak_frequency",
    "principal_axis",
    "project",
    "integrate",
]
