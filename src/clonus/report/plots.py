"""Report figures: the signal with each beat marked, the frequency over time, the spectrum.

matplotlib is imported lazily with the Agg backend (no display needed); figures are returned as
PNG bytes or ``data:`` URIs so HTML reports stay self-contained and weasyprint can embed them.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np

from ..exceptions import MissingDependencyError
from ..model import Assessment, Recording

__all__ = [
    "signal_series",
    "spectrum_series",
    "plot_signal",
    "plot_frequency",
    "plot_spectrum",
    "to_data_uri",
    "CLONUS_BAND_HZ",
]

#: Frequency band shaded on the spectrum, in Hz: clonus "in general" runs at 3-8 Hz
#: (clinical-reference.md §1.1, §10).
CLONUS_BAND_HZ = (3.0, 8.0)

_DPI = 100
_SIZE_IN = (8.0, 2.6)


def _figure() -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - matplotlib is in the [report] extra
        raise MissingDependencyError(
            "Report plots need matplotlib: pip install 'clonus[report]'."
        ) from exc
    fig = Figure(figsize=_SIZE_IN, dpi=_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI)
    return buf.getvalue()


def to_data_uri(png: bytes) -> str:
    """``data:image/png;base64,...`` for embedding a PNG in HTML."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def signal_series(
    assessment: Assessment, recording: Recording | None = None
) -> tuple[np.ndarray, np.ndarray, str, str] | None:
    """The signal to plot: the assessment's trace, else the analysed channel of the recording.

    Returns
    -------
    (times_s, values, unit, label) or None
        None when neither a trace nor a matching recording channel is available.
    """
    tr = assessment.trace
    if tr is not None and len(tr.times_s):
        return np.asarray(tr.times_s, float), np.asarray(tr.values, float), tr.unit, tr.label
    if recording is not None and recording.n_samples:
        names = recording.ch_names
        idx = names.index(assessment.channel) if assessment.channel in names else 0
        ch = recording.channels[idx]
        return (
            recording.times_s,
            np.asarray(recording.get(idx), float),
            ch.unit,
            f"{ch.name} ({ch.kind})",
        )
    return None


def spectrum_series(
    assessment: Assessment, recording: Recording | None = None
) -> tuple[np.ndarray, np.ndarray, str, bool] | None:
    """The spectrum to plot.

    Uses ``assessment.spectrum`` (its ``times_s`` hold frequencies in Hz, ``values`` the power)
    when present; otherwise a Welch spectrum of the plotted signal (2 s Hann windows, 50 %
    overlap, linear detrend), marked as computed for the report.

    Returns
    -------
    (freqs_hz, power, unit, computed_here) or None
    """
    sp = assessment.spectrum
    if sp is not None and len(sp.times_s):
        return np.asarray(sp.times_s, float), np.asarray(sp.values, float), sp.unit, False
    series = signal_series(assessment, recording)
    if series is None:
        return None
    t, x, unit, _ = series
    good = np.isfinite(x)
    if good.sum() < 16 or len(t) < 2:
        return None
    dt = float(np.median(np.diff(t)))
    if not np.isfinite(dt) or dt <= 0:
        return None
    from scipy.signal import welch

    fs_hz = 1.0 / dt
    nper = int(min(good.sum(), max(16, round(2.0 * fs_hz))))
    f, p = welch(x[good], fs=fs_hz, nperseg=nper, detrend="linear")
    return f, p, f"{unit}^2/Hz", True


def plot_signal(assessment: Assessment, recording: Recording | None = None) -> bytes | None:
    """PNG of the signal with every beat marked (and the stretch onset and runs), or None."""
    series = signal_series(assessment, recording)
    fig = _figure()
    ax = fig.add_subplot()
    if series is None:
        if not assessment.beats:
            return None
        bt = np.array([b.time_s for b in assessment.beats])
        ba = np.array([b.amplitude for b in assessment.beats])
        ax.stem(bt, ba, basefmt=" ")
        ax.set_ylabel(f"beat amplitude ({assessment.amplitude_unit})")
        ax.set_title("Beats (signal not available)", fontsize=10)
    else:
        t, x, unit, label = series
        ax.plot(t, x, lw=0.8, color="#1f4e79", label=label)
        for r in assessment.runs:
            ax.axvspan(r.start_s, r.end_s, color="#f4b183", alpha=0.25, lw=0)
        if assessment.beats:
            bt = np.array([b.time_s for b in assessment.beats])
            by = np.interp(bt, t, x)
            ax.plot(bt, by, "v", color="#c00000", ms=5, label=f"beats (n = {assessment.n_beats})")
        if assessment.stretch_onset_s is not None:
            ax.axvline(
                assessment.stretch_onset_s, color="0.3", ls="--", lw=0.8, label="stretch onset"
            )
        ax.set_ylabel(unit)
        ax.legend(loc="upper right", fontsize=7, frameon=False)
    ax.set_xlabel("time (s)")
    ax.grid(alpha=0.3)
    return _png(fig)


def plot_frequency(assessment: Assessment) -> bytes | None:
    """PNG of the instantaneous beat frequency (1 / inter-beat interval) over time, or None."""
    pts = [(b.time_s, 1.0 / b.period_s) for b in assessment.beats if b.period_s and b.period_s > 0]
    if not pts:
        return None
    t, f = np.array(pts).T
    fig = _figure()
    ax = fig.add_subplot()
    ax.plot(t, f, "o-", ms=3, lw=0.8, color="#1f4e79", label="1 / inter-beat interval")
    if assessment.frequency_hz and np.isfinite(assessment.frequency_hz):
        ax.axhline(
            assessment.frequency_hz,
            color="#c00000",
            lw=0.8,
            ls="--",
            label=f"reported {assessment.frequency_hz:.2f} Hz",
        )
    ax.axhspan(*CLONUS_BAND_HZ, color="0.85", alpha=0.4, lw=0, label="3–8 Hz")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("frequency (Hz)")
    ax.legend(loc="upper right", fontsize=7, frameon=False)
    ax.grid(alpha=0.3)
    return _png(fig)


def plot_spectrum(assessment: Assessment, recording: Recording | None = None) -> bytes | None:
    """PNG of the spectrum with the 3-8 Hz clonus band shaded, or None."""
    sp = spectrum_series(assessment, recording)
    if sp is None:
        return None
    f, p, unit, computed = sp
    keep = (f > 0) & (f <= 25.0)
    if keep.sum() < 2:
        keep = f > 0
    fig = _figure()
    ax = fig.add_subplot()
    ax.plot(f[keep], p[keep], lw=0.9, color="#1f4e79")
    ax.axvspan(*CLONUS_BAND_HZ, color="0.85", alpha=0.5, lw=0, label="3–8 Hz clonus band")
    if assessment.frequency_hz and np.isfinite(assessment.frequency_hz):
        ax.axvline(
            assessment.frequency_hz,
            color="#c00000",
            lw=0.8,
            ls="--",
            label=f"beat frequency {assessment.frequency_hz:.2f} Hz",
        )
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel(f"power ({unit})")
    ax.set_title(
        "Spectrum" + (" (Welch, computed for this report)" if computed else ""), fontsize=9
    )
    ax.legend(loc="upper right", fontsize=7, frameon=False)
    ax.grid(alpha=0.3)
    return _png(fig)
