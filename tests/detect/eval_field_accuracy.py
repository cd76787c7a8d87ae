"""Accuracy on the field-like generator (not collected by pytest; numbers for docs/motion.md).

Run:  PYTHONPATH=src python tests/detect/eval_field_accuracy.py [N_REPEATS] [SEED]

Each repeat draws one trial per sampling rate (50, 100, 200, 500 Hz) and sensor (gyroscope,
goniometer, accelerometer alone) from ``motion_field_synth`` (70 % held, 30 % released). Count
ok: within 1 of the truth (within 5 % above 20 beats). Frequency: within 0.15 Hz of the
oscillation's own cycles, of 1 / median interval of the true peaks, and of either. Truth never
comes from the detector.
"""

from __future__ import annotations

import collections
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from motion_field_synth import field_trial  # noqa: E402

from clonus.detect.motion import assess_motion  # noqa: E402

SENSORS = ("gyro", "goniometer", "acc")
RATES_HZ = (50.0, 100.0, 200.0, 500.0)


def count_ok(n_det: int, n_true: int) -> bool:
    tol = 1 if n_true <= 20 else max(1, int(0.05 * n_true))
    return abs(n_det - n_true) <= tol


def main(n_rep: int = 80, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    res: dict = collections.defaultdict(list)
    misses = []
    for i in range(n_rep):
        for fs in RATES_HZ:
            for sensor in SENSORS:
                rec, tr = field_trial(rng, fs=fs, sensor=sensor)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    a = assess_motion(rec)
                ok = count_ok(a.n_beats, tr.n_beats)
                res[sensor].append(ok)
                res[(sensor, tr.kind)].append(ok)
                if tr.n_beats >= 5 and tr.frequency_hz is not None:
                    res[(sensor, "freq")].append(
                        a.frequency_hz is not None and abs(a.frequency_hz - tr.frequency_hz) <= 0.15
                    )
                    # the other definition: 1 / median interval of the true peaks (tremor on
                    # a flat-topped beat shifts them, and some sensors' detected peaks with them)
                    f_pk = 1.0 / float(np.median(np.diff(tr.beat_times_s)))
                    res[(sensor, "freq_peaks")].append(
                        a.frequency_hz is not None and abs(a.frequency_hz - f_pk) <= 0.15
                    )
                    res[(sensor, "freq_either")].append(
                        res[(sensor, "freq")][-1] or res[(sensor, "freq_peaks")][-1]
                    )
                if not ok:
                    misses.append((i, fs, sensor, tr.mode, tr.kind, tr.n_beats, a.n_beats,
                                   a.classification, a.reason[:90]))
    for s in SENSORS:
        line = f"{s:11s} count ok {sum(res[s])}/{len(res[s])} ({100 * np.mean(res[s]):.1f} %)"
        for k in ("sustained", "fatigable", "few"):
            v = res[(s, k)]
            line += f"; {k} {sum(v)}/{len(v)}"
        for key, label in (("freq", "cycles"), ("freq_peaks", "true peaks"),
                           ("freq_either", "either")):
            fq = res[(s, key)]
            line += f"; freq <= 0.15 Hz of {label} {sum(fq)}/{len(fq)}"
        print(line)
    for m in misses:
        print("  miss", m)
    return res


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
