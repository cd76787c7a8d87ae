"""Time ``clonus assess`` on a 60 s phone recording (motion assessment speed).

Generates a 60 s, 3-axis gyroscope + accelerometer phone recording (random orientation,
sustained 5.5 Hz clonus after a held stretch, sensor noise) at 100, 200 and 500 Hz, writes it as
a CSV, and times

* ``clonus.assess(recording)`` (the analysis alone, median of 5 runs), and
* ``clonus assess PATH --json`` in-process through the CLI entry point (read + analyse + JSON).

Run:  PYTHONPATH=src python benchmarks/bench_assess_speed.py [--write-docs]

With ``--write-docs`` the results replace the "## Motion assessment speed" section of
``docs/benchmarks.md`` (other sections are left untouched).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "detect"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import cpu_model  # noqa: E402
from motion_synth import clean_angle, make_recording  # noqa: E402

import clonus  # noqa: E402
from clonus.cli.main import main  # noqa: E402

HEADING = "## Motion assessment speed"


def _phone_recording(fs: float, seed: int = 0) -> clonus.Recording:
    rng = np.random.default_rng(seed)
    t, th, _ = clean_angle(duration_s=60.0, freq_hz=5.5, n_beats=None, amp_deg=2.5)
    g = make_recording(t, th, fs=fs, sensor="gyro", rng=rng)
    a = make_recording(t, th, fs=fs, sensor="acc", rng=rng)
    return clonus.Recording.from_array(
        np.vstack([g.data, a.data]),
        fs=fs,
        names=["gyro_x", "gyro_y", "gyro_z", "acc_x", "acc_y", "acc_z"],
        kinds=["gyro"] * 3 + ["acc"] * 3,
        units=["rad/s"] * 3 + ["m/s^2"] * 3,
        source="bench",
    )


def _write_csv(rec: clonus.Recording, path: Path) -> None:
    units = {"gyro": "rad/s", "acc": "m/s^2"}
    cols = ["time_s"] + [f"{c.name} ({units[c.kind]})" for c in rec.channels]
    np.savetxt(
        path,
        np.vstack([rec.times_s, rec.data]).T,
        delimiter=",",
        header=",".join(cols),
        comments="",
        fmt="%.7g",
    )


def run() -> list[dict]:
    rows = []
    clonus.assess(_phone_recording(100.0))  # warm-up: imports, filter design caches
    with tempfile.TemporaryDirectory() as tmp:
        for fs in (100.0, 200.0, 500.0):
            rec = _phone_recording(fs)
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                a = clonus.assess(rec)
                times.append(time.perf_counter() - t0)
            p = Path(tmp) / f"phone_{int(fs)}hz.csv"
            _write_csv(rec, p)
            cli = []
            for _ in range(3):
                t0 = time.perf_counter()
                with contextlib.redirect_stdout(io.StringIO()):
                    rc = main(["assess", str(p), "--json"])
                cli.append(time.perf_counter() - t0)
            # the accelerometer alone (no gyroscope): the angle is fitted to the rotating-
            # sensor model (clonus.detect.acc_angle), the slowest path
            acc = rec.pick(["acc_x", "acc_y", "acc_z"])
            t_acc = []
            for _ in range(3):
                t0 = time.perf_counter()
                a_acc = clonus.assess(acc)
                t_acc.append(time.perf_counter() - t0)
            rows.append(
                {
                    "fs_hz": fs,
                    "n_samples": rec.n_samples,
                    "assess_s": statistics.median(times),
                    "cli_s": statistics.median(cli),
                    "acc_only_s": statistics.median(t_acc),
                    "acc_only_beats": a_acc.n_beats,
                    "rc": rc,
                    "n_beats": a.n_beats,
                    "classification": a.classification,
                }
            )
    return rows


def _machine() -> str:
    cpu = cpu_model()
    return (
        f"{cpu}, {os.cpu_count()} logical CPUs (shared with other jobs), "
        f"Python {platform.python_version()}, NumPy {np.__version__}, {platform.system()}"
    )


def to_markdown(rows: list[dict]) -> str:
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        HEADING,
        "",
        f"`benchmarks/bench_assess_speed.py`, {now}; machine: {_machine()}.",
        "",
        "60 s phone recording (3-axis gyroscope + 3-axis accelerometer, random orientation, "
        "sustained 5.5 Hz clonus). `assess` = `clonus.assess(recording)` alone (median of 5); "
        "`CLI` = `clonus assess FILE.csv --json` in-process (CSV read + analysis + JSON; "
        "median of 3); `acc only` = `clonus.assess` on the accelerometer channels alone "
        "(angle fitted to the rotating-sensor model; median of 3).",
        "",
        "| fs (Hz) | samples | assess (s) | CLI incl. CSV read (s) | beats found | acc only (s) "
        "| beats found (acc only) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['fs_hz']:g} | {r['n_samples']} | {r['assess_s']:.3f} | {r['cli_s']:.3f} "
            f"| {r['n_beats']} | {r['acc_only_s']:.3f} | {r['acc_only_beats']} |"
        )
    lines += ["", "Target: well under 1 s for a 60 s phone recording.", ""]
    return "\n".join(lines)


def write_docs(md: str) -> None:
    p = ROOT / "docs" / "benchmarks.md"
    text = p.read_text() if p.exists() else "# Benchmarks\n\n"
    if HEADING in text:
        start = text.index(HEADING)
        nxt = text.find("\n## ", start + len(HEADING))
        text = text[:start] + md + (text[nxt + 1 :] if nxt != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + md
    p.write_text(text)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args()
    rows = run()
    md = to_markdown(rows)
    print(md)
    if args.write_docs:
        write_docs(md)
