"""Ground-truth labels of a simulated trial (reflex-model.md §8; HELPERS beat definition).

All labels are computed from the simulator's noise-free state at the integration step
(4 kHz by default), never from the sensor signals. See ``docs/simulator.md`` for the exact
rules; the thresholds are fields of :class:`TruthConfig`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .reflex import SimResult

__all__ = ["TruthConfig", "TruthLabels", "derive_truth"]


@dataclass(frozen=True)
class TruthConfig:
    """Thresholds of the ground-truth labels.

    Parameters
    ----------
    min_prominence_deg : float
        Beat = dorsiflexion peak with prominence ≥ this (reflex-model.md §8: 0.5°).
    min_interval_s : float
        Beats at least this far apart (§8: 80 ms).
    burst_drive : float
        An EMG (reflex) burst is an interval where the noise-free drive at the muscle u_m
        exceeds its running minimum (the floor) by at least this (dimensionless, u_max = 1) ...
    burst_rel_depth : float
        ... and by at least this fraction of the local modulation depth (running maximum -
        running minimum), so that tonic drive modulated by clonus still splits into one
        burst per cycle.
    burst_floor_window_s : float
        Window of the running minimum and maximum, s (about two clonus cycles).
    min_burst_s : float
        Bursts shorter than this are dropped; gaps shorter than it are merged.
    burst_window_s : (float, float)
        A beat at time t is associated with a reflex burst if a burst overlaps
        [t - window[0], t + window[1]] (in clonus the burst spans the dorsiflexion peak:
        onset about 60 ms before, offset about 30 ms after, at nominal parameters).
    run_min_pp_deg : float
        A beat belongs to a clonus run if its cycle (trough before it to its peak) exceeds
        this peak-to-peak amplitude (§8: 1°).
    run_min_beats : int
        A clonus run has at least this many consecutive beats (§8: 3).
    run_max_gap_s : float
        Consecutive beats further apart than this break a run.
    sustained_pp_deg : float
        Sustained = peak-to-peak > this in the last second of the hold (§8: 1°).
    sustained_min_hold_s : float
        ... of a hold lasting at least this long (Tardieu 10 s criterion).
    """

    min_prominence_deg: float = 0.5
    min_interval_s: float = 0.08
    burst_drive: float = 0.02
    burst_rel_depth: float = 0.1
    burst_floor_window_s: float = 0.5
    min_burst_s: float = 0.010
    burst_window_s: tuple[float, float] = (0.15, 0.05)
    run_min_pp_deg: float = 1.0
    run_min_beats: int = 3
    run_max_gap_s: float = 0.5
    sustained_pp_deg: float = 1.0
    sustained_min_hold_s: float = 10.0


@dataclass(frozen=True)
class TruthLabels:
    """Labels derived from one simulation (times in seconds from the simulation start)."""

    stretch_onset_s: float
    stretch_peak_s: float
    beat_times_s: np.ndarray
    beat_amplitudes_deg: np.ndarray
    frequency_hz: float | None
    sustained: bool
    clonus_start_s: float | None
    clonus_end_s: float | None
    runs: list[tuple[float, float, int]]
    burst_onsets_s: np.ndarray
    burst_offsets_s: np.ndarray
    burst_peak_drive: np.ndarray
    burst_floor_drive: np.ndarray
    hold_duration_s: float
    last_second_pp_deg: float
    tardieu_grade: int
    emg_n_bursts: int
    emg_frequency_hz: float | None
    n_borderline_peaks: int
    #: dorsiflexion peaks after the stretch peak (rule 2) before the reflex-burst test of
    #: rule 3: the motion-only beat metric of reflex-model.md section 12
    candidate_peak_times_s: np.ndarray | None = None


def _bursts(t: np.ndarray, um: np.ndarray, cfg: TruthConfig
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from scipy.ndimage import maximum_filter1d, minimum_filter1d

    dt0 = float(t[1] - t[0]) if t.size > 1 else 1.0
    w = max(1, int(round(cfg.burst_floor_window_s / dt0)))
    floor = minimum_filter1d(um, w, mode="nearest")
    ceil = maximum_filter1d(um, w, mode="nearest")
    thr = floor + np.maximum(cfg.burst_drive, cfg.burst_rel_depth * (ceil - floor))
    on = um > thr
    d = np.diff(np.concatenate([[0], on.astype(np.int8), [0]]))
    starts = np.flatnonzero(d == 1)
    ends = np.flatnonzero(d == -1) - 1  # inclusive
    dt = float(t[1] - t[0]) if t.size > 1 else 1.0
    gap = int(round(cfg.min_burst_s / dt))
    merged: list[list[int]] = []
    for s, e in zip(starts, ends, strict=True):
        if merged and s - merged[-1][1] <= gap:
            merged[-1][1] = e
        else:
            merged.append([int(s), int(e)])
    keep = [(s, e) for s, e in merged if (e - s + 1) * dt >= cfg.min_burst_s]
    if not keep:
        return np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0)
    on_t = np.array([t[s] for s, _ in keep])
    off_t = np.array([t[e] for _, e in keep])
    peak = np.array([float(um[s:e + 1].max()) for s, e in keep])
    base = np.array([float(floor[s:e + 1].min()) for s, e in keep])
    return on_t, off_t, peak, base


def _swing_pp(x: np.ndarray, min_prominence: float = 0.02) -> float:
    """Peak-to-peak of an oscillation: the largest swing between consecutive turning points.

    Unlike ``np.ptp`` it does not read a slow drift (a sagging hold) as oscillation, and for a
    steady oscillation it equals the peak-to-peak.
    """
    from scipy.signal import find_peaks

    if x.size < 3:
        return 0.0
    hi, _ = find_peaks(x, prominence=min_prominence)
    lo, _ = find_peaks(-x, prominence=min_prominence)
    ext = np.sort(np.concatenate([hi, lo]))
    if ext.size < 2:
        return 0.0
    return float(np.max(np.abs(np.diff(x[ext]))))


def derive_truth(res: SimResult, cfg: TruthConfig | None = None) -> TruthLabels:
    """Derive the ground-truth labels from a simulation.

    Rules (see ``docs/simulator.md``):

    1. Stretch onset = push start; stretch peak = maximum of θ between the push start and
       0.25 s after the push ends (the imposed stretch's own peak is not a beat).
    2. Candidate beats = dorsiflexion peaks of the true θ (deg) after the stretch peak with
       prominence ≥ 0.5° and ≥ 80 ms apart (``scipy.signal.find_peaks``).
    3. Reflex bursts: the noise-free drive at the muscle u_m exceeds its 0.5 s running
       minimum by max(0.02, 10 % of the running max - min); a candidate is a beat only if a
       burst overlaps [t - 0.15 s, t + 0.05 s].
    4. Frequency = 1 / median inter-beat interval when ≥ 3 beats, else None.
    5. Clonus runs = ≥ 3 consecutive beats, each cycle > 1° peak-to-peak, ≤ 0.5 s apart;
       ``clonus_start_s``/``clonus_end_s`` = first/last beat of the first/last run.
    6. Sustained = held manoeuvre, hold ≥ 10 s long, and θ peak-to-peak > 1° in its last
       second, measured as the largest swing between consecutive turning points
       (Tardieu: infatigable clonus lasts > 10 s).
    7. Tardieu-like grade: 4 sustained; 3 a clonus run but not sustained (fatigable);
       2 a reflex burst during the stretch but no run (catch); 0 otherwise.
    """
    from scipy.signal import find_peaks

    cfg = cfg or TruthConfig()
    t = res.t_s
    th = np.degrees(res.theta_rad)
    man = res.manoeuvre
    dt = res.dt_s
    onset = man.push_start_s
    w = (t >= man.push_start_s) & (t <= man.push_end_s + 0.25)
    i_sp = int(np.flatnonzero(w)[np.argmax(th[w])]) if w.any() else 0
    t_sp = float(t[i_sp])

    b_on, b_off, b_peak, b_floor = _bursts(t, res.drive_muscle_noise_free, cfg)

    pk, _ = find_peaks(th, prominence=cfg.min_prominence_deg,
                       distance=max(1, int(round(cfg.min_interval_s / dt))))
    pk = pk[pk > i_sp]
    beats: list[int] = []
    for i in pk:
        ti = t[i]
        if np.any((b_on <= ti + cfg.burst_window_s[1]) & (b_off >= ti - cfg.burst_window_s[0])):
            beats.append(int(i))
    beat_idx = np.array(beats, dtype=int)
    bt = t[beat_idx] if beat_idx.size else np.zeros(0)
    amps = np.zeros(bt.size)
    prev = i_sp
    for k, i in enumerate(beat_idx):
        amps[k] = th[i] - float(th[prev:i + 1].min())
        prev = i
    # Frequency from the intervals within runs: a gap of seconds between sporadic beats near
    # the critical gain is not a clonus period.
    iv = np.diff(bt)
    iv = iv[iv <= cfg.run_max_gap_s]
    freq = float(1.0 / np.median(iv)) if bt.size >= 3 and iv.size >= 2 else None

    # Borderline peaks: burst-associated peaks whose prominence is within a factor 1.5 of the
    # threshold, which any detector working on noisy sensors may reasonably count or miss.
    lo_pk, lo_props = find_peaks(th, prominence=cfg.min_prominence_deg / 1.5,
                                 distance=max(1, int(round(cfg.min_interval_s / dt))))
    keep = lo_pk > i_sp
    n_border = 0
    for i, prom in zip(lo_pk[keep], lo_props["prominences"][keep], strict=True):
        if cfg.min_prominence_deg / 1.5 <= prom < cfg.min_prominence_deg * 1.5:
            ti = t[i]
            if np.any((b_on <= ti + cfg.burst_window_s[1])
                      & (b_off >= ti - cfg.burst_window_s[0])):
                n_border += 1

    runs: list[tuple[float, float, int]] = []
    cur: list[int] = []
    for k in range(bt.size):
        ok = amps[k] > cfg.run_min_pp_deg
        if ok and cur and bt[k] - bt[cur[-1]] <= cfg.run_max_gap_s:
            cur.append(k)
        else:
            if len(cur) >= cfg.run_min_beats:
                runs.append((float(bt[cur[0]]), float(bt[cur[-1]]), len(cur)))
            cur = [k] if ok else []
    if len(cur) >= cfg.run_min_beats:
        runs.append((float(bt[cur[0]]), float(bt[cur[-1]]), len(cur)))

    t_end = float(t[-1] + dt)
    if man.mode == "held":
        hold = t_end - man.push_end_s
    else:
        hold = max(0.0, man.release_s - man.push_end_s)
    last = t >= t_end - 1.0
    pp_last = _swing_pp(th[last])
    sustained = bool(man.mode == "held" and hold >= cfg.sustained_min_hold_s
                     and pp_last > cfg.sustained_pp_deg)
    evoked = (b_on >= man.push_start_s) & (b_on <= man.push_end_s + 0.1)
    stretch_burst = bool(np.any(evoked))
    first_after = int(np.flatnonzero(evoked)[0]) + 1 if stretch_burst else \
        int(np.searchsorted(b_on, man.push_start_s))
    later = b_on[first_after:]
    emg_freq = float(1.0 / np.median(np.diff(later))) if later.size >= 3 else None
    if sustained:
        grade = 4
    elif runs:
        grade = 3
    elif stretch_burst:
        grade = 2
    else:
        grade = 0
    return TruthLabels(
        stretch_onset_s=float(onset), stretch_peak_s=t_sp, beat_times_s=bt,
        beat_amplitudes_deg=amps, frequency_hz=freq, sustained=sustained,
        clonus_start_s=runs[0][0] if runs else None,
        clonus_end_s=runs[-1][1] if runs else None, runs=runs,
        burst_onsets_s=b_on, burst_offsets_s=b_off, burst_peak_drive=b_peak,
        burst_floor_drive=b_floor,
        hold_duration_s=float(hold), last_second_pp_deg=pp_last, tardieu_grade=grade,
        emg_n_bursts=int(later.size), emg_frequency_hz=emg_freq, n_borderline_peaks=n_border,
        candidate_peak_times_s=t[pk])


def _none_if_nan(x: Any) -> Any:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None
