"""Independent-generator benchmark: ``clonus.assess`` on tests it was not written against.

One command (600 trials x 2 paths, about 4 min with 2 processes on 2 shared cores)::

    PYTHONPATH=src python benchmarks/independent/run.py --seed0 1000 --n 600 --jobs 2 \\
        --out /tmp/indep.jsonl

For each seed, ``generator.make_trial(seed)`` is analysed twice: in memory (``via=mem``: the
uniformly sampled :class:`clonus.Recording` of ``generator.to_recording``) and through a lab CSV
with jittered timestamps (``via=csv``: ``generator.write_csv`` into a temporary directory,
``clonus.read``, deleted afterwards; ``--no-csv`` skips it). One JSON line per (trial, path)
goes to ``--out`` (default ``benchmarks/_out/independent.jsonl``, not versioned): the trial's
parameters, its truth, the prediction (or the exception) and the Python warnings. Then the
strata table and the failure classes are printed (``--markdown``: as Markdown, to a file if one
is given). ``--tabulate FILE ...`` only tabulates earlier results. What the columns mean:
README.md in this directory.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402
from generator import make_trial, to_recording, write_csv  # noqa: E402
from machine import cpu_model  # noqa: E402

import clonus  # noqa: E402

DEFAULT_OUT = ROOT / "benchmarks" / "_out" / "independent.jsonl"
#: frequency error allowed, Hz
FREQ_TOL_HZ = 0.15
#: frequency is scored on trials with at least this many (strict) beats
FREQ_MIN_BEATS = 5
#: seconds a predicted beat may precede the first true beat before it counts as "early"
EARLY_S = 0.06
COLUMNS = (
    ("count", "cnt_ok", "cnt_n"),
    ("count(either)", "cnt_ok_either", "cnt_n"),
    ("freq<=0.15", "f_ok", "f_n"),
    ("sustained", "sus_ok", "sus_n"),
    ("pos->clonus", "pos_ok", "pos_n"),
    ("neg!=clonus", "neg_ok", "neg_n"),
)


# --------------------------------------------------------------------------- one trial
def _json_default(o: Any) -> Any:
    return o.item() if hasattr(o, "item") else str(o)


def assess_seed(seed: int, csv_dir: str | None) -> list[dict[str, Any]]:
    """Generate trial ``seed`` and assess it in memory and (if ``csv_dir``) through a CSV.

    Returns one result row per path; exceptions are recorded in the row, not raised. The CSV
    file is deleted after reading.
    """
    trial = make_trial(seed)
    rows = []
    for via in ("mem", "csv") if csv_dir else ("mem",):
        out = dict(seed=seed, via=via, **trial.params, jitter_s=trial.jitter_s,
                   truth=trial.truth, sens=trial.sensor_params)
        t0 = time.perf_counter()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            path = None
            try:
                if via == "mem":
                    rec = to_recording(trial)
                else:
                    path = Path(csv_dir) / f"trial_{seed}.csv"
                    out["csv_header"] = write_csv(trial, path)
                    rec = clonus.read(path)
                a = clonus.assess(rec)
                out["pred"] = dict(
                    n_beats=a.n_beats, frequency_hz=a.frequency_hz, sustained=a.sustained,
                    classification=a.classification, reason=a.reason,
                    stretch_onset_s=a.stretch_onset_s, beat_times=[b.time_s for b in a.beats],
                    beat_amps=[b.amplitude for b in a.beats], warnings=list(a.warnings),
                    hold_s=a.metrics.get("hold_duration_s"),
                    release_s=a.metrics.get("release_s"), channel=a.channel,
                    prom_thr=a.metrics.get("prominence_threshold_deg"),
                    gravity_fused=a.metrics.get("gravity_fused"))
            except Exception as e:
                out["error"] = f"{type(e).__name__}: {e}"
                out["tb"] = traceback.format_exc()[-1500:]
            finally:
                if path is not None:
                    path.unlink(missing_ok=True)
            out["py_warnings"] = [f"{x.category.__name__}: {str(x.message)[:200]}" for x in w]
        out["secs"] = time.perf_counter() - t0
        rows.append(out)
    return rows


# --------------------------------------------------------------------------- scoring
def count_ok(pred: int, truth: int) -> bool:
    """Beat count within 1, or within 5 % when the truth is over 20 beats."""
    return abs(pred - truth) <= (max(1.0, 0.05 * truth) if truth > 20 else 1)


def fs_band(fs_hz: float) -> str:
    return "50-60" if fs_hz <= 60 else ("100-250" if fs_hz <= 250 else "500-1000")


def sensor_group(sensor: str) -> str:
    return {"gonio_deg": "goniometer", "gonio_rad": "goniometer", "imu_rad": "gyro+acc",
            "imu_deg_g": "gyro+acc", "gyro_only": "gyro only", "acc_only": "acc only"}[sensor]


def mode(row: dict[str, Any]) -> str:
    """How the foot was held: no stretch, released (let go / after the beats), held."""
    if row["scenario"] == "neg_tremor":
        return "no stretch"
    if row["scenario"] == "released":
        return "released/" + row["release_mode"]
    return "held" if row["release"] is None else "held+late release"


def strata(row: dict[str, Any]) -> list[str]:
    """The strata a result row belongs to."""
    shape = row["osc"] + "/" + row["shape"] if row["osc"] == "events" else "dsine"
    return ["ALL", "via=" + row["via"], "fs=" + fs_band(row["fs"]),
            "sensor=" + sensor_group(row["sensor"]), "mode=" + mode(row), "shape=" + shape,
            "scen=" + row["scenario"]]


def _freq_bad(truth: dict[str, Any], pred: dict[str, Any]) -> bool:
    return bool(truth["n_beats"] >= FREQ_MIN_BEATS and truth["frequency_hz"]
                and (pred["frequency_hz"] is None
                     or abs(pred["frequency_hz"] - truth["frequency_hz"]) > FREQ_TOL_HZ))


def strata_table(rows: Iterable[dict[str, Any]]):
    """Score every row; returns ``(stats, failures)``.

    ``stats[stratum]`` counts, per column of :data:`COLUMNS`, the rows scored (``*_n``) and
    right (``*_ok``), and ``error`` (exceptions). ``failures[measure]`` lists the ``(seed,
    via)`` of the rows that failed: count, freq, sustained, false_pos, missed_clonus,
    exception.
    """
    stats: dict[str, Counter] = defaultdict(Counter)
    fails: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for r in rows:
        tr, p = r["truth"], r.get("pred")
        keys = strata(r)
        if p is None:
            for k in keys:
                stats[k]["error"] += 1
            fails["exception"].append((r["seed"], r["via"]))
            continue
        nb = tr["n_beats"]
        ec = tr["expected_class"]
        clear = not tr.get("class_borderline")
        for k in keys:
            s = stats[k]
            s["n"] += 1
            if nb is not None and ec == "clonus":
                s["cnt_n"] += 1
                ok = count_ok(p["n_beats"], nb)
                s["cnt_ok"] += ok
                s["cnt_ok_either"] += ok or count_ok(p["n_beats"], tr["n_beats_lenient"])
                if nb >= FREQ_MIN_BEATS and tr["frequency_hz"]:
                    s["f_n"] += 1
                    s["f_ok"] += (p["frequency_hz"] is not None
                                  and abs(p["frequency_hz"] - tr["frequency_hz"]) <= FREQ_TOL_HZ)
            if nb is not None and not tr.get("sustained_borderline"):
                s["sus_n"] += 1
                s["sus_ok"] += p["sustained"] == tr["sustained"]
            if ec == "clonus" and clear:
                s["pos_n"] += 1
                s["pos_ok"] += p["classification"] == "clonus"
            elif ec in ("no_clonus", "not_clonus") and clear:
                s["neg_n"] += 1
                s["neg_ok"] += p["classification"] != "clonus"
        rid = (r["seed"], r["via"])
        if nb is not None and ec == "clonus" and not count_ok(p["n_beats"], nb):
            fails["count"].append(rid)
        if nb is not None and _freq_bad(tr, p):
            fails["freq"].append(rid)
        if nb is not None and not tr.get("sustained_borderline") \
                and p["sustained"] != tr["sustained"]:
            fails["sustained"].append(rid)
        if ec != "clonus" and p["classification"] == "clonus" and clear:
            fails["false_pos"].append(rid)
        if ec == "clonus" and p["classification"] != "clonus" and clear:
            fails["missed_clonus"].append(rid)
    return stats, fails


def failure_classes(rows: Iterable[dict[str, Any]]):
    """Sort the failing rows into classes by what went wrong (heuristic, by the detector's
    reason text and the beat times). Returns ``{class: [(seed, via, sensor, fs, shape)]}``;
    a row can be in several COUNT/FREQ/SUSTAINED classes."""
    out: dict[str, list[tuple]] = defaultdict(list)

    def add(c: str, r: dict[str, Any]) -> None:
        out[c].append((r["seed"], r["via"], r["sensor"], int(r["fs"]), r["shape"]))

    for r in rows:
        p, tr = r.get("pred"), r["truth"]
        if p is None:
            add("EXCEPTION", r)
            continue
        if tr["expected_class"] != "clonus":
            if p["classification"] == "clonus" and not tr.get("class_borderline"):
                add("FALSE_POSITIVE", r)
            continue
        nb, cls, reason = tr["n_beats"], p["classification"], p["reason"]
        if cls != "clonus":
            if "strikes something" in reason:
                add("CLASS: foot-strike (tapping) veto", r)
            elif "without a stretch" in reason or "no examiner stretch" in reason:
                slow = tr["peak_vel_deg_s"] < 65
                add(f"CLASS: stretch not found (nominal peak speed {'<' if slow else '>='} "
                    "65 deg/s)", r)
            elif "too slow for the clonus test's stretch" in reason:
                add("CLASS: stretch too slow (< 60 deg/s), indeterminate", r)
            elif re.search(r"\d g at|deg/s at", reason):  # not "... deg at 1.72 s"
                add("CLASS: impact/over-speed artefact", r)
            elif cls == "no_clonus" and tr.get("class_borderline"):
                add("CLASS: 3-4 beat borderline -> no_clonus", r)
            elif cls == "no_clonus":
                add("CLASS: no_clonus (run broken / missed beats)", r)
            else:
                add("CLASS: other rhythmic veto: " + reason[:45], r)
            continue
        tb, pb = np.array(tr["beat_times"]), np.array(p["beat_times"])
        ok = count_ok(p["n_beats"], nb)
        f_bad = _freq_bad(tr, p)
        sus_bad = not tr.get("sustained_borderline") and p["sustained"] != tr["sustained"]
        early = bool(pb.size and tb.size and (pb < tb[0] - EARLY_S).any())
        released_after = r["release_mode"] == "after_beats"
        if not ok:
            if count_ok(p["n_beats"], tr["n_beats_lenient"]):
                add("COUNT: 0.5-1 deg beats counted (truth-rule ambiguity)", r)
            elif released_after and p["n_beats"] < nb:
                add("COUNT: post-release beats missed", r)
            elif early and p["n_beats"] > nb:
                add("COUNT: extra beat at stretch plateau/hand creep", r)
            elif p["n_beats"] < nb:
                add("COUNT: undercount other", r)
            else:
                add("COUNT: overcount other", r)
        if f_bad:
            if early:
                add("FREQ: extra plateau beat shifts median", r)
            elif released_after:
                add("FREQ: released after beats", r)
            else:
                add("FREQ: other", r)
        if sus_bad:
            add(f"SUSTAINED wrong ({tr['sustained']}->{p['sustained']})", r)
    return dict(sorted(out.items(), key=lambda kv: -len(kv[1])))


# --------------------------------------------------------------------------- output
def _pct(ok: int, n: int) -> str:
    return f"{100 * ok / n:5.1f}% ({ok}/{n})" if n else "   -   "


def _ordered(stats: dict[str, Counter]) -> list[str]:
    return sorted(stats, key=lambda k: (k.split("=")[0] != "ALL", k))


def format_text(stats, fails, classes, n_rows: int) -> str:
    """The tables as plain text (the layout of the scratch analyse.py / classify.py)."""
    lines = [f"{'stratum':28s} " + " ".join(f"{c[0]:>18s}" for c in COLUMNS)]
    for k in _ordered(stats):
        s = stats[k]
        err = f"  err={s['error']}" if s["error"] else ""
        lines.append(f"{k:28s} " + " ".join(f"{_pct(s[ok], s[n]):>18s}" for _, ok, n in COLUMNS)
                     + err)
    lines += ["", "failures by measure: " + ", ".join(f"{k} {len(v)}" for k, v in fails.items()),
              "", f"failure classes ({n_rows} rows):"]
    for c, v in classes.items():
        lines.append(f"{len(v):4d} rows, {len({x[0] for x in v}):3d} trials  {c}   "
                     f"e.g. {v[:4]}")
    return "\n".join(lines)


def format_markdown(stats, fails, classes, n_rows: int) -> str:
    """The tables as Markdown."""
    heads = ("count", "count (either)", "freq <= 0.15 Hz", "sustained", "positives -> clonus",
             "negatives != clonus")
    lines = ["| stratum | " + " | ".join(heads) + " | errors |",
             "|---|" + "---:|" * (len(heads) + 1)]
    for k in _ordered(stats):
        s = stats[k]
        cells = [_pct(s[ok], s[n]).strip() if s[n] else "-" for _, ok, n in COLUMNS]
        lines.append(f"| {k} | " + " | ".join(cells) + f" | {s['error'] or ''} |")
    lines += ["", "Failures by measure (rows): "
              + ", ".join(f"{k} {len(v)}" for k, v in fails.items()) + ".", "",
              f"| failure class ({n_rows} rows) | rows | trials | examples (seed, via) |",
              "|---|---:|---:|---|"]
    for c, v in classes.items():
        ex = ", ".join(f"{x[0]} {x[1]}" for x in v[:4])
        lines.append(f"| {c} | {len(v)} | {len({x[0] for x in v})} | {ex} |")
    return "\n".join(lines)


def _git_commit() -> str:
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                             capture_output=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=ROOT,
                               text=True, capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"
    return sha + (" + uncommitted changes in src/" if dirty else "")


def _machine() -> str:
    cpu = cpu_model()
    load = f", load average {os.getloadavg()[0]:.1f} at the start" if hasattr(os, "getloadavg") \
        else ""
    return f"{cpu}, {os.cpu_count()} logical CPUs{load}, {platform.system()}"


# --------------------------------------------------------------------------- main
def run(seeds: range, out: Path, jobs: int, csv: bool) -> None:
    """Assess every seed, ``jobs`` processes, and write the rows to ``out`` in seed order."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="clonus_indep_") as tmp, open(out, "w") as fh:
        csv_dir = tmp if csv else None
        if jobs <= 1:
            results: Iterable[list[dict[str, Any]]] = (assess_seed(s, csv_dir) for s in seeds)
            _write(results, fh, len(seeds))
        else:
            with cf.ProcessPoolExecutor(max_workers=jobs) as ex:
                _write(ex.map(assess_seed, seeds, [csv_dir] * len(seeds)), fh, len(seeds))


def _write(results: Iterable[list[dict[str, Any]]], fh, n: int) -> None:
    for i, rows in enumerate(results, 1):
        for r in rows:
            fh.write(json.dumps(r, default=_json_default) + "\n")
        fh.flush()
        if i % 50 == 0 or i == n:
            print(f"  {i}/{n} trials", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed0", type=int, default=1000, help="first seed (default 1000)")
    ap.add_argument("--n", type=int, default=600, help="number of trials (default 600)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help="JSON lines output, overwritten "
                         "(default benchmarks/_out/independent.jsonl)")
    ap.add_argument("--no-csv", action="store_true", help="in memory only, skip the CSV path")
    ap.add_argument("--markdown", nargs="?", const="-", default=None, metavar="FILE",
                    help="print the tables as Markdown (to FILE if given)")
    ap.add_argument("--tabulate", nargs="+", type=Path, metavar="JSONL",
                    help="only tabulate existing result files (no run)")
    args = ap.parse_args(argv)

    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = _machine()
    if args.tabulate:
        files = args.tabulate
        what = "tabulated from " + ", ".join(str(f) for f in files)
    else:
        seeds = range(args.seed0, args.seed0 + args.n)
        t0 = time.perf_counter()
        run(seeds, args.out, args.jobs, not args.no_csv)
        wall = time.perf_counter() - t0
        files = [args.out]
        what = (f"seeds {seeds.start}-{seeds.stop - 1} ({args.n} trials, "
                f"{'in memory and via CSV' if not args.no_csv else 'in memory only'}), "
                f"{args.jobs} process(es), run time {wall / 60:.1f} min ({wall:.0f} s)")
    rows = [json.loads(line) for f in files for line in open(f) if line.strip()]
    header = (f"benchmarks/independent/run.py, {now}; {what}; clonus {clonus.__version__} "
              f"(git {_git_commit()}); machine: {machine}; Python {platform.python_version()}, "
              f"NumPy {np.__version__}")
    stats, fails = strata_table(rows)
    classes = failure_classes(rows)
    if args.markdown is None:
        print(header + "\n")
        print(format_text(stats, fails, classes, len(rows)))
        return
    text = header + "\n\n" + format_markdown(stats, fails, classes, len(rows)) + "\n"
    if args.markdown == "-":
        print(text, end="")
    else:
        Path(args.markdown).write_text(text)
        print(f"wrote {args.markdown}", file=sys.stderr)


if __name__ == "__main__":
    main()
