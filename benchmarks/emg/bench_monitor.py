"""Speed and memory of ``clonus monitor`` on 24 h of 1 kHz EMG, and NeuroKit2 on a 1 h excerpt.

Both run in one benchmark run, side by side:

1. ``clonus monitor benchmarks/_data/emg_24h_1khz.edf --json`` end to end (reading,
   conditioning, bursts, episodes, classes) under ``/usr/bin/time -v``: wall time and peak RSS.
2. The first hour of the same file: clonus (``monitor`` on the in-memory excerpt, analysis only)
   and NeuroKit2 (``emg_clean`` + ``emg_amplitude`` + ``emg_activation``, analysis only) in its
   own environment (``benchmarks/emg/nk_peer.py``).

Usage::

    PYTHONPATH=src /work/venv/bin/python benchmarks/emg/bench_monitor.py [--nk-python PATH]

Results are printed as a Markdown table and saved to ``benchmarks/_out/emg_monitor.json``.
"""

# ruff: noqa: E501  (Markdown table rows)
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "benchmarks" / "_data"
OUT = ROOT / "benchmarks" / "_out"
EDF = DATA / "emg_24h_1khz.edf"


def _time_v(cmd: list[str]) -> tuple[float, float, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    p = subprocess.run(
        ["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, env=env, check=True
    )
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    h = float(wall.group(1) or 0)
    secs = h * 3600 + float(wall.group(2)) * 60 + float(wall.group(3))
    rss_kb = float(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return secs, rss_kb / 1024.0, p.stdout


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nk-python", default="/work/venv-nk/bin/python")
    args = ap.parse_args()
    if not EDF.exists():
        subprocess.run(
            [sys.executable, str(Path(__file__).with_name("make_24h_edf.py")), str(EDF)],
            check=True,
            env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
        )
    # 1. 24 h end to end through the CLI.
    wall, rss, out = _time_v([sys.executable, "-m", "clonus", "monitor", str(EDF), "--json"])
    d = json.loads(out)
    n24 = int(round(d["duration_s"] * d["fs_hz"]))
    # 2. One hour, both tools, analysis only.
    sys.path.insert(0, str(ROOT / "src"))
    import pyedflib

    from clonus.emg.monitor import monitor
    from clonus.model import Recording

    with pyedflib.EdfReader(str(EDF)) as f:
        fs = f.getSampleFrequency(0)
        x = f.readSignal(0, start=0, n=int(3600 * fs)) * 1e-6
    exc = DATA / "emg_1h_excerpt.npy"
    np.save(exc, x)
    rec = Recording.from_array(x, fs=fs, names=["EMG soleus"], kinds="emg", units="V")
    monitor(rec.crop(0, 10))  # warm the numba kernels (compiled once, cached on disk)
    t0 = time.perf_counter()
    r1 = monitor(rec)
    ours_1h = time.perf_counter() - t0
    nk = None
    if Path(args.nk_python).exists():
        p = subprocess.run(
            [args.nk_python, str(Path(__file__).with_name("nk_peer.py")), str(exc), str(fs)],
            capture_output=True,
            text=True,
            check=True,
        )
        nk = json.loads(p.stdout.strip().splitlines()[-1])
    res = {
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "load_average_1min": os.getloadavg()[0],
        "monitor_24h": {
            "wall_s": wall,
            "peak_rss_mib": rss,
            "n_samples": n24,
            "samples_per_s": n24 / wall,
            "analysis_s": d["elapsed_s"],
            "n_bursts": d["n_bursts"],
            "episode_counts": d["episode_counts"],
        },
        "excerpt_1h": {
            "clonus_s": ours_1h,
            "clonus_samples_per_s": x.size / ours_1h,
            "clonus_n_bursts": r1.n_bursts,
            "neurokit2_s": nk["elapsed_s"] if nk else None,
            "neurokit2_samples_per_s": x.size / nk["elapsed_s"] if nk else None,
            "neurokit2_n_activations": nk["n_activations"] if nk else None,
            "neurokit2_version": nk["neurokit2"] if nk else None,
            "speed_ratio": nk["elapsed_s"] / ours_1h if nk else None,
        },
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "emg_monitor.json").write_text(json.dumps(res, indent=2))
    m, e = res["monitor_24h"], res["excerpt_1h"]
    print(f"date {res['date_utc']}; {res['machine']}; load {res['load_average_1min']:.1f}")
    print("| measure | value |\n|---|---|")
    print(f"| 24 h monitor wall time (CLI, end to end) | {m['wall_s']:.1f} s |")
    print(f"| 24 h analysis time (inside monitor) | {m['analysis_s']:.1f} s |")
    print(f"| 24 h samples per second (wall) | {m['samples_per_s'] / 1e6:.1f} M/s |")
    print(f"| 24 h peak RSS | {m['peak_rss_mib']:.0f} MiB |")
    print(
        f"| 1 h clonus monitor | {e['clonus_s']:.2f} s ({e['clonus_samples_per_s'] / 1e6:.1f} M samples/s) |"
    )
    if nk:
        print(
            f"| 1 h NeuroKit2 {e['neurokit2_version']} clean+amplitude+activation | {e['neurokit2_s']:.1f} s "
            f"({e['neurokit2_samples_per_s'] / 1e6:.2f} M samples/s) |"
        )
        print(f"| speed ratio NeuroKit2 / clonus (1 h) | {e['speed_ratio']:.0f}x |")


if __name__ == "__main__":
    main()
