"""Long synthetic foot-IMU recordings with known spontaneous-clonus episodes (test helper).

Segments are concatenated at 100 Hz: quiet rest (gyro/acc sensor noise, slowly drifting
posture), simulated held clonus (``simulate_trial``, random sensor orientation, ground truth
beats) and, optionally, real walking (gaitmap foot IMU, resampled).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from clonus.model import Recording

FS = 100.0
NAMES = ["gyro_x", "gyro_y", "gyro_z", "acc_x", "acc_y", "acc_z"]
KINDS = ["gyro"] * 3 + ["acc"] * 3
UNITS = ["rad/s"] * 3 + ["m/s^2"] * 3


@dataclass
class Embedded:
    kind: str  # "clonus", "gait", "quiet"
    start_s: float
    end_s: float
    n_beats: int = 0
    frequency_hz: float | None = None
    clonus_start_s: float | None = None
    clonus_end_s: float | None = None


def _quiet(n: int, g_from: np.ndarray, g_to: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Rest: gyro noise 0.3 deg/s + bias random walk, gravity drifting between two postures."""
    gyro = rng.normal(0.0, np.radians(0.3), (3, n))
    gyro += np.cumsum(rng.normal(0.0, 1e-5, (3, n)), axis=1) + rng.normal(0, 0.005, (3, 1))
    w = np.linspace(0.0, 1.0, n)
    acc = g_from[:, None] * (1 - w) + g_to[:, None] * w + rng.normal(0.0, 0.02, (3, n))
    return np.vstack([gyro, acc])


def _clonus(seed: int, gain_ratio: float, duration_s: float):
    from clonus.simulate import simulate_trial

    tr = simulate_trial(mode="held", gain_ratio=gain_ratio, sensors=("imu",), fs_imu_hz=FS,
                        orientation="random", noise=True, duration_s=duration_s, seed=seed)
    rec = tr.recording
    x = np.vstack([rec.pick(kind="gyro").data, rec.pick(kind="acc").data])
    return x, tr.truth


def _gait(real_data: Path) -> np.ndarray:
    import clonus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = clonus.read(real_data / "gaitmap_foot_imu" / "imu_sample.csv")
    rec = rec.pick(channels=[c for c in rec.ch_names if c.startswith("left_")])
    gy = rec.pick(kind="gyro").resample(FS).data
    ac = rec.pick(kind="acc").resample(FS).data
    return np.vstack([gy, ac])


def build(plan: list[tuple], *, rng: np.random.Generator, real_data: Path | None = None):
    """Concatenate segments: ("quiet", s) | ("clonus", seed, gain_ratio, s) | ("gait",).

    Returns the recording and the list of :class:`Embedded` with times in the whole recording.
    """
    parts: list = []
    for p in plan:
        if p[0] == "clonus":
            parts.append(("clonus", *_clonus(p[1], p[2], p[3])))
        elif p[0] == "gait":
            parts.append(("gait", _gait(real_data), None))
        else:
            parts.append(("quiet", int(p[1] * FS), None))
    # gravity at the borders of each non-quiet part (first/last 0.3 s)
    g_default = np.array([0.0, 0.0, 9.81])
    chunks, truth, t = [], [], 0.0
    for k, (kind, x, tr) in enumerate(parts):
        if kind == "quiet":
            prev = parts[k - 1][1] if k > 0 and parts[k - 1][0] != "quiet" else None
            nxt = parts[k + 1][1] if k + 1 < len(parts) and parts[k + 1][0] != "quiet" else None
            g0 = prev[3:, -30:].mean(axis=1) if prev is not None else g_default
            g1 = nxt[3:, :30].mean(axis=1) if nxt is not None else g0
            x = _quiet(x, g0, g1, rng)
        n = x.shape[1]
        e = Embedded(kind, t, t + n / FS)
        if kind == "clonus":
            bt = np.asarray(tr.beat_times_s)
            sel = (bt >= tr.clonus_start_s - 1e-9) & (bt <= tr.clonus_end_s + 1e-9)
            e.n_beats = int(sel.sum())
            e.frequency_hz = tr.frequency_hz
            e.clonus_start_s = t + tr.clonus_start_s
            e.clonus_end_s = t + tr.clonus_end_s
        truth.append(e)
        chunks.append(x)
        t += n / FS
    data = np.hstack(chunks)
    rec = Recording.from_array(data, fs=FS, names=NAMES, kinds=KINDS, units=UNITS,
                               source="synthetic-long")
    return rec, truth
