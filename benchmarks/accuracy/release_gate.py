"""Is the reflex-gated beat truth identifiable from motion at the release?

For every released trial of the accuracy design (``draw_specs``, six seeds), the simulator's
clean angle is read at each section-8 motion peak (dorsiflexion peak >= 0.5 deg after the
stretch, ``truth.extra["motion_peak_times_s"]``) and the peak is labelled gated when the
reflex-gated truth (``truth.beat_times_s``: a peak with a reflex burst) holds it. The script
prints how often peaks in the 0.1 s after the release are gated, split by what a motion sensor
could use: the rise in the 50 ms before the peak, and the interval from the previous peak.

Usage: PYTHONPATH=src python benchmarks/accuracy/release_gate.py [--seeds 20261121 1 2 3 4 5]
(about 2 min; results in docs/benchmarks.md, "Release peaks and the reflex gate").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from design import draw_specs  # noqa: E402

from clonus.simulate import simulate_trial  # noqa: E402


def peaks(seeds: list[int]) -> list[dict]:
    rows = []
    for seed in seeds:
        for s in draw_specs(200, seed):
            if s.mode != "released":
                continue
            tr = simulate_trial(mode=s.mode, gain_ratio=s.gain_ratio, delay_s=None,
                                duration_s=12.0, seed=s.seed, sensors=("goniometer",),
                                noise=False, params=s.params, central=s.central,
                                manoeuvre=s.manoeuvre)
            mp = np.asarray(tr.truth.extra["motion_peak_times_s"])
            gated = np.asarray(tr.truth.beat_times_s)
            t, th = tr.sim.t_s, np.degrees(tr.sim.theta_rad)
            fs = 1.0 / float(np.median(np.diff(t)))
            w = int(round(0.05 * fs))
            for k, p in enumerate(mp):
                i = int(round(p * fs))
                rows.append({"k": k, "rel_s": p - s.manoeuvre.release_s,
                             "gated": bool(np.any(np.abs(gated - p) < 0.01)),
                             "rise_deg": th[i] - th[max(0, i - w)],
                             "ivl_s": p - mp[k - 1] if k else np.nan})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[20261121, 1, 2, 3, 4, 5])
    args = ap.parse_args()
    rows = peaks(args.seeds)
    gated = np.array([r["gated"] for r in rows])
    rel = np.array([r["rel_s"] for r in rows])
    print(f"{len(rows)} motion peaks in released trials, {int((~gated).sum())} without a reflex "
          "burst")
    for lo, hi in ((-20, -0.1), (-0.1, 0.0), (0.0, 0.1), (0.1, 0.2), (0.2, 20)):
        m = (rel > lo) & (rel <= hi)
        print(f"  {lo:+.1f}..{hi:+.1f} s from release: {int(m.sum())} peaks, "
              f"{100 * gated[m].mean():.0f} % gated")
    win = [r for r in rows if 0.0 < r["rel_s"] <= 0.1]
    for k, label in ((0, "first peak"), (1, "second peak")):
        sub = [r for r in win if r["k"] == k]
        if not sub:
            continue
        g = np.array([r["gated"] for r in sub])
        print(f"{label} at the release: {len(sub)}, {100 * g.mean():.0f} % gated")
        _split(g, np.array([r["rise_deg"] for r in sub]), (0.3, 1.0, 2.0),
               "rise in the 50 ms before", "deg")
        if k == 1:
            _split(g, np.array([r["ivl_s"] for r in sub]), (0.2, 0.3, 0.4),
                   "interval from the first peak", "s")


def _split(gated: np.ndarray, values: np.ndarray, thresholds: tuple[float, ...], what: str,
           unit: str) -> None:
    """Print the gated share below and at or above each threshold of ``values``."""
    for thr in thresholds:
        lo = values < thr
        print(f"  {what} < {thr} {unit}: {int(lo.sum())} ({100 * gated[lo].mean():.0f} % "
              f"gated); >=: {int((~lo).sum())} ({100 * gated[~lo].mean():.0f} % gated)")

if __name__ == "__main__":
    main()
