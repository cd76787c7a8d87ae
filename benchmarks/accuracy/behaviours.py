"""Report the soft behaviours T8, T9, T14 of reflex-model.md §11 and the simulator's speed.

    PYTHONPATH=src python benchmarks/accuracy/behaviours.py

T8 (inertia vs frequency/amplitude) and T9 (hold force) are disputed in the literature and T14
(twitch time) depends on how force per spike is normalised, so they are reported, not tested.
Prints markdown; the numbers are copied into docs/simulator.md.
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402
from scipy.signal import find_peaks  # noqa: E402

from clonus.simulate import (  # noqa: E402
    Manoeuvre,
    ReflexParams,
    critical_gain,
    simulate,
    simulate_trial,
    sustained_gain_threshold,
)


def _orbit(res):
    th = np.degrees(res.theta_rad)
    t = res.t_s
    pk, _ = find_peaks(th, prominence=0.5, distance=int(0.08 / res.dt_s))
    pk = pk[t[pk] > t[-1] - 4]
    f = 1 / np.median(np.diff(t[pk])) if pk.size >= 3 else float("nan")
    return f, float(np.ptp(th[t > t[-1] - 1]))


def main() -> None:
    t0 = time.perf_counter()
    simulate_trial(duration_s=2.0, sensors=("emg_mu",))
    compile_s = time.perf_counter() - t0
    print("### T8 inertia (reflex mode; J_total = J_f + J_h, G = 0.02)\n")
    print("| J_total (kg m²) | frequency (Hz) | p-p (deg) |\n| --- | --- | --- |")
    for jt in (0.015, 0.025, 0.045, 0.075):
        p = ReflexParams(gain=0.02, foot_inertia_kg_m2=jt - 0.010)
        f, pp = _orbit(simulate(p, duration_s=12.0))
        print(f"| {jt} | {f:.2f} | {pp:.2f} |")
    print("\n### T9 hold torque (G = 0.02)\n")
    print("| hold (N m) | frequency (Hz) | p-p (deg) |\n| --- | --- | --- |")
    for hold in (3.0, 6.0, 9.0, 12.0):
        f, pp = _orbit(simulate(ReflexParams(gain=0.02), Manoeuvre(hold_torque_nm=hold),
                                duration_s=12.0))
        print(f"| {hold:g} | {f:.2f} | {pp:.2f} |")
    print("\n### T14 twitch time (linear G_c with k_v' = 1; nonlinear sustained threshold)\n")
    print("| Tc (ms) | linear G_c | f_c (Hz) | nonlinear sustained G |\n| --- | --- | --- | --- |")
    for tc in (0.060, 0.080, 0.110, 0.156):
        p = ReflexParams(twitch_time_s=tc)
        g, f = critical_gain(p.replace(spindle="linear"))
        gs = sustained_gain_threshold(p, rel_tol=0.02)
        print(f"| {tc * 1000:.0f} | {g:.6f} | {f:.2f} | {gs:.4f} |")

    print("\n### Speed (12 s trial, after numba compilation)\n")
    print(f"Machine: {platform.machine()}, Python {platform.python_version()}; first call "
          f"(numba compile) {compile_s:.2f} s.\n")
    print("| sensors | median of 5 (s) |\n| --- | --- |")
    for sens in (("imu",), ("imu", "goniometer", "emg"), ("emg_mu",)):
        ts = []
        for k in range(5):
            t0 = time.perf_counter()
            simulate_trial(duration_s=12.0, seed=k, sensors=sens, gain=0.03)
            ts.append(time.perf_counter() - t0)
        print(f"| {'+'.join(sens)} | {np.median(ts):.3f} |")


if __name__ == "__main__":
    main()
