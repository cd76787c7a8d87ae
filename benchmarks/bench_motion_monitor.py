"""Time and memory of ``monitor_motion`` on a 1 h synthetic foot-IMU recording at 100 Hz.

The recording (built with the test helper ``tests/detect/motion_monitor_synth.py``): rest
(sensor noise, drifting posture) with 6 simulated held-clonus episodes (8 s, gain ratios 4-10,
random sensor orientation) every 10 min. Reports wall time (median of 3), peak traced memory
(tracemalloc, the analysis alone, the recording itself excluded) for chunk_s 600 and 60, and
whether the 6 episodes were found (start within 0.5 s).

Run:  PYTHONPATH=src python benchmarks/bench_motion_monitor.py
"""

from __future__ import annotations

import datetime as _dt
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "detect"))

from motion_monitor_synth import build  # noqa: E402

from clonus.detect.motion_monitor import monitor_motion  # noqa: E402


def main() -> None:
    plan: list[tuple] = []
    gains = [4.0, 6.0, 10.0, 5.0, 8.0, 6.0]
    for k, g in enumerate(gains):
        plan += [("quiet", 592.0), ("clonus", 10 + k, g, 8.0)]
    t0 = time.perf_counter()
    rec, truth = build(plan, rng=np.random.default_rng(0))
    t_build = time.perf_counter() - t0
    hours = rec.n_samples / rec.fs / 3600
    clon = [e for e in truth if e.kind == "clonus"]
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {_dt.datetime.now(_dt.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"recording: {hours:.3f} h at {rec.fs:g} Hz, 6 channels (built in {t_build:.1f} s)")
    for chunk_s in (600.0, 60.0):
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            res = monitor_motion(rec, chunk_s=chunk_s)
            times.append(time.perf_counter() - t0)
        tracemalloc.start()
        monitor_motion(rec, chunk_s=chunk_s)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        found = sum(
            any(abs(e.start_s - tr.clonus_start_s) <= 0.5 for e in res.episodes) for tr in clon
        )
        t = statistics.median(times)
        print(f"chunk_s={chunk_s:g}: {t:.2f} s ({t / hours:.2f} s per hour of data), "
              f"peak memory {peak / 1e6:.0f} MB; episodes found {found}/{len(clon)}, "
              f"total episodes {len(res.episodes)}")


if __name__ == "__main__":
    main()
