"""Accuracy evaluation of the motion analysis (not collected by pytest; numbers for docs/motion.md).

Run:  PYTHONPATH=src python tests/detect/eval_motion_accuracy.py [N_ANALYTIC_REPEATS] [N_SIM_TRIALS]

Analytic trials (``motion_synth``) over fs 50-1000 Hz, gyro and goniometer, held/released,
sustained/fatigable/brief, jitter 0-3 ms; then simulator trials (``clonus.simulate``) with gain
0.5-6 x G_c. Truth never comes from the detector.
"""

from __future__ import annotations

import collections
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from motion_synth import trial  # noqa: E402

from clonus.detect.motion import assess_motion  # noqa: E402


def _tol_ok(nf: int, nt: int) -> bool:
    tol = 1 if nt <= 20 else max(1, int(0.05 * nt))
    return abs(nf - nt) <= tol


def main(n_rep: int = 6, n_sim: int = 100) -> dict:
    res: dict[str, list] = collections.defaultdict(list)
    t0 = time.time()
    for seed in range(n_rep):
        rng = np.random.default_rng(1000 + seed)
        for fs in (50, 100, 200, 500, 1000):
            for sensor in ("gyro", "goniometer"):
                for mode, kind in (
                    ("held", "sustained"),
                    ("held", "fatigable"),
                    ("held", "few"),
                    ("released", "few"),
                ):
                    rec, tr = trial(
                        rng,
                        fs=fs,
                        sensor=sensor,
                        mode=mode,
                        kind=kind,
                        jitter_s=float(rng.choice([0, 0.001, 0.003])),
                    )
                    a = assess_motion(rec)
                    res["analytic_count_ok"].append(_tol_ok(a.n_beats, tr.n_beats))
                    res["analytic_count_exact"].append(a.n_beats == tr.n_beats)
                    res["analytic_sustained_ok"].append(a.sustained == tr.sustained)
                    if mode == "held" and tr.n_beats >= 5:
                        res["analytic_freq_err_hz"].append(abs(a.frequency_hz - tr.frequency_hz))
    if n_sim:
        from clonus.simulate import simulate_trial

        rng = np.random.default_rng(11)
        for i in range(n_sim):
            mode = ("held", "released")[i % 2]
            fs = (50, 100, 200, 500, 1000)[i % 5]
            g = float(rng.uniform(0.5, 6.0))
            sensors = ("goniometer",) if i % 3 == 0 else ("imu",)
            tr = simulate_trial(
                mode=mode,
                gain_ratio=g,
                seed=500 + i,
                sensors=sensors,
                fs_imu_hz=fs,
                jitter_s=float(rng.choice([0, 0.001, 0.003])),
            )
            a = assess_motion(tr.recording)
            tt = tr.truth
            band = "near" if 2.0 <= g <= 3.6 else "far"
            res["sim_count_ok"].append(_tol_ok(a.n_beats, tt.n_beats))
            res["sim_count_exact"].append(a.n_beats == tt.n_beats)
            res["sim_sustained_ok"].append(a.sustained == tt.sustained)
            res[f"sim_count_ok_gain_{band}_critical"].append(_tol_ok(a.n_beats, tt.n_beats))
            res[f"sim_sustained_ok_gain_{band}_critical"].append(a.sustained == tt.sustained)
            bt = np.asarray(tt.beat_times_s)
            if (
                tt.n_beats >= 5
                and tt.frequency_hz
                and tt.clonus_start_s is not None
                and np.median(np.diff(bt)) < 0.4
            ):
                res["sim_freq_err_hz"].append(abs((a.frequency_hz or 0.0) - tt.frequency_hz))
    out = {}
    for k, v in sorted(res.items()):
        v = np.asarray(v, dtype=float)
        if k.endswith("_hz"):
            out[k] = {"n": len(v), "max": float(v.max()), "median": float(np.median(v))}
        else:
            out[k] = {"n": len(v), "fraction": float(v.mean())}
    out["elapsed_s"] = time.time() - t0
    return out


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    for k, v in main(*args).items():
        print(k, v)
