"""Figure explaining the mechanism: the loop in time, and stability versus delay and gain.

matplotlib is imported inside :func:`plot_mechanism` only (``clonus[plot]``).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import MissingDependencyError
from .params import Manoeuvre, ReflexParams
from .reflex import simulate
from .stability import critical_gain
from .trial import Trial, simulate_trial

__all__ = ["plot_mechanism", "plot_inhibition", "stability_map"]


def stability_map(params: ReflexParams | None = None, *,
                  delays_s: np.ndarray | None = None, gain_ratios: np.ndarray | None = None,
                  duration_s: float = 8.0) -> dict[str, Any]:
    """Classify held trials on a delay x gain-ratio grid (noise-free).

    Each cell is 0 = no clonus (< 3 peaks after the stretch), 1 = persistent but < 1°
    peak-to-peak in the last second, 2 = sustained (> 1°). Frequencies are 1 / median
    interval of the dorsiflexion peaks in the last 3 s.

    Returns
    -------
    dict
        ``delays_s``, ``gain_ratios``, ``state`` (n_delays, n_gains), ``frequency_hz``
        (NaN where no oscillation), and the linear ``critical_gain``/``critical_frequency_hz``
        per delay.
    """
    from scipy.signal import find_peaks

    p0 = params or ReflexParams()
    delays = np.linspace(0.02, 0.08, 7) if delays_s is None else np.asarray(delays_s, float)
    ratios = np.geomspace(1.0, 12.0, 9) if gain_ratios is None else np.asarray(gain_ratios, float)
    state = np.zeros((delays.size, ratios.size), dtype=int)
    freq = np.full((delays.size, ratios.size), np.nan)
    gcs, fcs = [], []
    for i, d in enumerate(delays):
        p = p0.with_delay(float(d))
        g_c, f_c = critical_gain(p)
        gcs.append(g_c)
        fcs.append(f_c)
        for j, r in enumerate(ratios):
            res = simulate(dataclasses.replace(p, gain=float(r * g_c), motoneuron_noise=0.0),
                           Manoeuvre(), duration_s=duration_s)
            th = np.degrees(res.theta_rad)
            pk, _ = find_peaks(th, prominence=0.5, distance=int(0.08 / res.dt_s))
            pk = pk[res.t_s[pk] > 0.7]
            pp = float(np.ptp(th[res.t_s > duration_s - 1.0]))
            late = pk[res.t_s[pk] > duration_s - 3.0]
            if late.size >= 3:
                freq[i, j] = 1.0 / float(np.median(np.diff(res.t_s[late])))
            state[i, j] = 2 if pp > 1.0 else (1 if late.size >= 3 else 0)
    return {"delays_s": delays, "gain_ratios": ratios, "state": state, "frequency_hz": freq,
            "critical_gain": np.array(gcs), "critical_frequency_hz": np.array(fcs)}


def plot_mechanism(path: str | os.PathLike[str] | None = None, *, trial: Trial | None = None,
                   seed: int = 0, gain_ratio: float = 6.0, delay_s: float = 0.040,
                   dpi: int = 90) -> Any:
    """Draw the mechanism figure and optionally save it.

    Left: one held trial over its first 3 s — ankle angle, Ia rate (with the motoneuron
    threshold), motoneuron drive u and u_m, and surface EMG. Right: linear critical gain and
    frequency versus loop delay with the simulated clonus frequency, and a delay x gain map of
    none / persistent / sustained clonus.

    Parameters
    ----------
    path : path-like, optional
        Save the figure here (PNG, SVG or PDF by suffix).
    trial : Trial, optional
        Trial to show (default: ``simulate_trial(mode="held", gain_ratio=..., delay_s=...,
        sensors=("emg",), seed=seed)``).
    seed, gain_ratio, delay_s : see :func:`~clonus.simulate.simulate_trial`.
    dpi : int
        Resolution of the saved image.

    Returns
    -------
    matplotlib.figure.Figure
    """
    try:
        import matplotlib

        if path is not None:
            matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
            "The mechanism figure needs matplotlib: pip install 'clonus[plot]'.") from exc

    tr = trial or simulate_trial(mode="held", gain_ratio=gain_ratio, delay_s=delay_s,
                                 sensors=("emg",), seed=seed, duration_s=12.0)
    sim = tr.sim
    p = sim.params
    fig = plt.figure(figsize=(11, 7.2))
    gs = fig.add_gridspec(4, 2, width_ratios=(1.35, 1), hspace=0.5, wspace=0.28)
    t = sim.t_s
    win = t <= 3.0
    ax0 = fig.add_subplot(gs[0, 0])
    ax0.plot(t[win], np.degrees(sim.theta_rad[win]), color="k", lw=1)
    bt = np.array(tr.truth.beat_times_s)
    bt = bt[bt <= 3.0]
    ax0.plot(bt, np.degrees(np.interp(bt, t, sim.theta_rad)), "v", color="tab:red", ms=5,
             label="beats (truth)")
    ax0.axvspan(sim.manoeuvre.push_start_s, sim.manoeuvre.push_end_s, color="0.85",
                label="examiner push")
    ax0.set_ylabel("angle (deg)\n+ dorsiflexion")
    ax0.legend(loc="upper right", fontsize=7, frameon=False)
    ax0.set_title(f"Held trial: G = {tr.truth.gain_ratio:.1f} x G_c, loop delay "
                  f"{p.loop_delay_s * 1000:.0f} ms", fontsize=9)
    ax1 = fig.add_subplot(gs[1, 0], sharex=ax0)
    ax1.plot(t[win], sim.ia_rate_hz[win], color="tab:blue", lw=1)
    ax1.axhline(p.threshold_hz, color="tab:blue", ls="--", lw=0.8,
                label=f"motoneuron threshold {p.threshold_hz:g} imp/s")
    ax1.set_ylabel("Ia rate\n(imp/s)")
    ax1.legend(loc="upper right", fontsize=7, frameon=False)
    ax2 = fig.add_subplot(gs[2, 0], sharex=ax0)
    ax2.plot(t[win], sim.drive[win], color="tab:orange", lw=1, label="u (spinal)")
    ax2.plot(t[win], sim.drive_muscle[win], color="tab:red", lw=1, label="u_m (at muscle)")
    ax2.plot(t[win], sim.activation[win], color="tab:green", lw=1, label="activation a")
    ax2.set_ylabel("motoneuron\ndrive")
    ax2.legend(loc="upper right", fontsize=7, frameon=False, ncol=3)
    ax3 = fig.add_subplot(gs[3, 0], sharex=ax0)
    emg = tr.recordings.get("emg")
    if emg is not None:
        te = emg.times_s
        ax3.plot(te[te <= 3.0], emg.data[0][te <= 3.0] * 1e6, color="0.3", lw=0.4)
    ax3.set_ylabel("EMG (uV)")
    ax3.set_xlabel("time (s)")

    m = stability_map(p, duration_s=8.0)
    ax4 = fig.add_subplot(gs[0:2, 1])
    d_ms = m["delays_s"] * 1000
    ax4.plot(d_ms, m["critical_frequency_hz"], "o-", color="tab:purple",
             label="linear analysis f_c")
    j = int(np.argmin(np.abs(m["gain_ratios"] - 6.0)))
    ax4.plot(d_ms, m["frequency_hz"][:, j], "s--", color="tab:red",
             label=f"simulated clonus ({m['gain_ratios'][j]:.1f} x G_c)")
    ax4.axhspan(4.0, 8.0, color="0.92", zorder=0, label="clinical 4-8 Hz")
    ax4.set_xlabel("loop delay (ms)")
    ax4.set_ylabel("frequency (Hz)")
    ax4.legend(fontsize=7, frameon=False)
    ax4.set_title("Longer delay: slower clonus (Iansek 1984)", fontsize=9)
    ax5 = fig.add_subplot(gs[2:4, 1])
    from matplotlib.colors import ListedColormap

    cmap = ListedColormap(["#f2f2f2", "#f4c27a", "#d6453d"])
    ratios = m["gain_ratios"]
    ax5.pcolormesh(np.arange(ratios.size + 1), np.arange(d_ms.size + 1), m["state"], cmap=cmap,
                   vmin=0, vmax=2)
    ax5.set_xticks(np.arange(ratios.size) + 0.5, [f"{r:.1f}" for r in ratios], fontsize=7)
    ax5.set_yticks(np.arange(d_ms.size) + 0.5, [f"{d:.0f}" for d in d_ms], fontsize=7)
    ax5.set_xlabel("gain ratio G / G_c (linear critical gain)")
    ax5.set_ylabel("loop delay (ms)")
    ax5.set_title("Held: none / persistent < 1 deg / sustained > 1 deg", fontsize=9)
    if path is not None:
        fig.savefig(Path(path), dpi=dpi, bbox_inches="tight")
    return fig



def plot_inhibition(path: str | os.PathLike[str] | None = None, *, gain: float = 0.02,
                    thresholds_hz: tuple[float, ...] = (35.0, 30.0, 20.0), dpi: int = 90) -> Any:
    """Teaching figure: loss of descending inhibition (lower motoneuron threshold) brings
    clonus on (reflex-model.md T6; Hidler & Rymer 1999).

    Left: ankle angle of a held trial at each threshold in ``thresholds_hz`` (none →
    small persistent → sustained). Right: last-second peak-to-peak amplitude and beats versus
    threshold, with the 1° sustained criterion.

    Parameters
    ----------
    path : path-like, optional
        Save the figure here.
    gain : float
        Motoneuron-pool gain G, 1/(imp/s).
    thresholds_hz : tuple of float
        Thresholds r_th (imp/s) drawn on the left.
    dpi : int
        Resolution of the saved image.

    Returns
    -------
    matplotlib.figure.Figure
    """
    try:
        import matplotlib

        if path is not None:
            matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
            "The inhibition figure needs matplotlib: pip install 'clonus[plot]'.") from exc
    from .truth import derive_truth

    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(11, 3.6), width_ratios=(1.5, 1))
    for k, rth in enumerate(thresholds_hz):
        res = simulate(ReflexParams(gain=gain, threshold_hz=rth), Manoeuvre(), duration_s=4.0)
        w = res.t_s <= 4.0
        ax0.plot(res.t_s[w], np.degrees(res.theta_rad[w]) - 25 * k, lw=1,
                 label=f"threshold {rth:g} imp/s")
    ax0.set_xlabel("time (s)")
    ax0.set_ylabel("ankle angle (deg, offset)")
    ax0.set_yticks([])
    ax0.legend(fontsize=7, frameon=False, loc="upper right")
    ax0.set_title("Held trial: lower motoneuron threshold = less inhibition", fontsize=9)
    rths = np.arange(15.0, 46.0, 2.5)
    pp, nb = [], []
    for rth in rths:
        res = simulate(ReflexParams(gain=gain, threshold_hz=float(rth)), Manoeuvre(),
                       duration_s=12.0)
        lab = derive_truth(res)
        pp.append(lab.last_second_pp_deg)
        nb.append(lab.beat_times_s.size)
    ax1.plot(rths, pp, "o-", color="tab:red", label="p-p in the last second (deg)")
    ax1.axhline(1.0, color="tab:red", ls=":", lw=0.8)
    ax1.set_xlabel("motoneuron threshold r_th (imp/s)")
    ax1.set_ylabel("p-p (deg)", color="tab:red")
    ax1.invert_xaxis()
    ax2 = ax1.twinx()
    ax2.plot(rths, nb, "s--", color="0.4", ms=4, label="beats in 12 s")
    ax2.set_ylabel("beats in 12 s", color="0.4")
    sus = [float(r) for r, v in zip(rths, pp, strict=True) if v > 1.0]
    where = f"at r_th <= {max(sus):g} imp/s" if sus else "nowhere in this range"
    ax1.set_title(f"G = {gain:g}: sustained (> 1° at the end of the hold) {where}", fontsize=9)
    fig.tight_layout()
    if path is not None:
        fig.savefig(Path(path), dpi=dpi, bbox_inches="tight")
    return fig
