"""A deliberately simple baseline beat counter, used only to sanity-check the benchmark.

It is NOT clonus's detector (that is :func:`clonus.assess`). It shows that the ground truth
is reachable from the sensor signals and gives a floor to compare the real detector against.

Method: angle from the goniometer, or from the gyroscope's principal rotation axis
integrated after a 0.3 Hz high-pass; band-pass 0.5-15 Hz; dorsiflexion peaks with
prominence >= 0.5 deg and >= 80 ms apart after the stretch peak; frequency = 1 / median
interval (>= 3 beats); sustained = peak-to-peak > 1 deg in the last second, if the record
lasts >= 10 s after the stretch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, find_peaks, sosfiltfilt

from clonus.model import Recording


@dataclass(frozen=True)
class BaselineResult:
    n_beats: int
    frequency_hz: float | None
    sustained: bool
    classification: str


def assess_baseline(rec: Recording) -> BaselineResult:
    fs = rec.fs
    kinds = [c.kind for c in rec.channels]
    if "angle" in kinds:
        ang = np.degrees(rec.data[kinds.index("angle")])
        sos = butter(2, [0.3, min(15.0, 0.45 * fs)], btype="bandpass", fs=fs, output="sos")
        ang = sosfiltfilt(sos, ang)
        vel = np.gradient(ang) * fs
    else:
        g = rec.data[[i for i, k in enumerate(kinds) if k == "gyro"]]
        g = g - np.median(g, axis=1, keepdims=True)
        _, _, vt = np.linalg.svd(g.T[:: max(1, int(fs // 100))], full_matrices=False)
        w = vt[0] @ g
        hp = butter(2, 0.3, btype="highpass", fs=fs, output="sos")
        w = sosfiltfilt(hp, w)
        ang = np.degrees(np.cumsum(w) / fs)
        sos = butter(2, [0.3, min(15.0, 0.45 * fs)], btype="bandpass", fs=fs, output="sos")
        ang = sosfiltfilt(sos, ang)
        # sign: the stretch is a dorsiflexion, so the largest excursion is positive
        if abs(ang.min()) > abs(ang.max()):
            ang = -ang
        vel = np.gradient(ang) * fs
    i_stretch_vel = int(np.argmax(vel))
    pk, _ = find_peaks(ang, prominence=0.5, distance=max(1, int(0.08 * fs)))
    after = pk[pk > i_stretch_vel]
    if after.size == 0:
        return BaselineResult(0, None, False, "no_clonus")
    beats = after[1:]  # the first peak after the fastest stretch is the stretch's own peak
    t = beats / fs
    freq = float(1.0 / np.median(np.diff(t))) if t.size >= 3 else None
    last = ang[-int(fs):]
    sustained = bool(rec.duration_s - after[0] / fs >= 10.0 and np.ptp(last) > 1.0)
    return BaselineResult(int(beats.size), freq, sustained,
                          "clonus" if beats.size >= 3 else "no_clonus")
