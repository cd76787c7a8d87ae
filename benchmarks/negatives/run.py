"""Negatives stress benchmark: realistic NON-clonus motion through ``clonus.assess``.

One command (seeded, < 2 min on 2 shared cores)::

    PYTHONPATH=src python benchmarks/negatives/run.py

Generates ``--n`` recordings per category of ``generators.CATEGORIES`` (tremors, examiner hand
tremor with and without a brisk push, voluntary foot tapping, gait, phone handling, a stretch
followed by drift, shivering), each as a phone IMU / accelerometer / gyroscope / goniometer at a
phone sampling rate in a random orientation, plus a stratum of REAL recordings without clonus
(``/work/shared/data/real``: foot IMUs during walking, cut into windows, and wearable exports).
None of them is clonus, so every ``clonus`` classification is a false positive.

Prints per category the share of each classification, the false-positive rate and the reason
templates; lists every false positive with its category, seed, parameters, reason and the
metrics that let it through. ``generators.make_case(category, seed)`` regenerates a case.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from generators import CATEGORIES, case_seed, make_case  # noqa: E402

import clonus  # noqa: E402

#: shared real recordings: $CLONUS_SHARED/data/real (as in the tests), else ../shared
REAL_DIR = Path(os.environ.get("CLONUS_SHARED", ROOT.parent / "shared")) / "data" / "real"
CLASSES = ("clonus", "no_clonus", "rhythmic_not_clonus", "indeterminate")

#: metrics that explain why a recording was (not) called clonus
KEY_METRICS = (
    "stretch",
    "hold_duration_s",
    "pre_stretch_pp_deg",
    "median_amplitude_deg",
    "first_beat_delay_s",
    "regularity_cv",
    "dominant_frequency_hz",
    "beat_lowpass_hz",
    "post_stretch_fast_rhythm",
    "spectral_peak_hz",
    "spectral_concentration",
    "continued_until_release",
    "late_first_run",
    "source_kind",
    "prominence_threshold_deg",
    "pre_stretch_oscillation_pp_deg",
    "earlier_rhythm",
)


def reason_template(reason: str) -> str:
    """The reason with its numbers replaced by '#', so reasons can be counted by kind."""
    return re.sub(r"-?\d+(\.\d+)?", "#", reason)


def _round(x: Any) -> Any:
    if isinstance(x, float):
        return round(x, 3)
    if isinstance(x, dict):
        return {k: _round(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_round(v) for v in x]
    return x


def assess_row(rec: clonus.Recording, category: str, case: dict[str, Any]) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            a = clonus.assess(rec)
        except clonus.ClonusError as e:  # bad input is allowed to be refused, loudly
            return {
                **case,
                "category": category,
                "classification": "error",
                "reason": str(e),
                "n_beats": 0,
                "frequency_hz": None,
                "metrics": {},
            }
    m = {k: _round(a.metrics[k]) for k in KEY_METRICS if k in a.metrics}
    return {
        **case,
        "category": category,
        "classification": a.classification,
        "reason": a.reason,
        "n_beats": a.n_beats,
        "frequency_hz": None if a.frequency_hz is None else round(a.frequency_hz, 3),
        "metrics": m,
    }


# --------------------------------------------------------------------------- real stratum
def _one_sensor(rec: clonus.Recording, prefix: str) -> clonus.Recording:
    idx = [i for i, c in enumerate(rec.channels) if c.name.startswith(prefix)]
    return rec.pick([rec.channels[i].name for i in idx])


def real_cases(window_s: tuple[float, ...] = (6.0, 12.0), hop_s: float = 3.0):
    """Real recordings without clonus: (label, Recording). Foot IMUs during walking (gaitmap:
    healthy adult and a person with multiple sclerosis, 204.8 Hz) whole and in overlapping
    windows (each window starts anywhere in the gait: standing, gait initiation, turning),
    per foot, as IMU and as accelerometer only; wearable exports (Shimmer, Delsys Trigno,
    Empatica E4, Bittium Faros) with every motion group they contain."""
    if not REAL_DIR.is_dir():
        print(f"real recordings not found at {REAL_DIR} (set CLONUS_SHARED): stratum skipped",
              file=sys.stderr)
        return
    gm = REAL_DIR / "gaitmap_foot_imu"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in ("imu_sample.csv", "imu_sample_ms_left.csv", "imu_sample_ms_right.csv"):
            p = gm / name
            if not p.exists():
                continue
            rec = clonus.read(p)
            feet = ("left_", "right_") if name == "imu_sample.csv" else ("",)
            for foot in feet:
                r = _one_sensor(rec, foot) if foot else rec
                yield f"{name}:{foot or 'foot'}:whole", r
                for w in window_s:
                    t0 = 0.0
                    while t0 + w <= r.duration_s:
                        win = r.crop(t0, t0 + w)
                        yield f"{name}:{foot or 'foot'}:{t0:.0f}-{t0 + w:.0f}s", win
                        acc = [c.name for c in win.channels if c.kind == "acc"]
                        if acc and w == window_s[0]:
                            yield (
                                f"{name}:{foot or 'foot'}:{t0:.0f}-{t0 + w:.0f}s:acc",
                                win.pick(acc),
                            )
                        t0 += hop_s
        for rel in (
            "wearable_exports/shimmer/read_test_data.csv",
            "wearable_exports/delsys_trigno/truncated_trigno_sample.csv",
            "wearable_exports/empatica_e4/ACC.csv",
            "wearable_exports/bittium_faros/testfile_read.EDF",
        ):
            p = REAL_DIR / rel
            if not p.exists():
                continue
            try:
                groups = clonus.read_all(p)
            except clonus.ClonusError as e:
                print(f"  (real: {rel} not readable: {e})", file=sys.stderr)
                continue
            for k, g in enumerate(groups):
                if {c.kind for c in g.channels} & {"gyro", "acc", "angle"}:
                    yield f"{rel}:group{k}@{g.fs:g}Hz", g


# --------------------------------------------------------------------------- report
def summarise(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    cats = list(dict.fromkeys(r["category"] for r in rows))
    for c in cats:
        rr = [r for r in rows if r["category"] == c]
        n = len(rr)
        cnt = Counter(r["classification"] for r in rr)
        fp = cnt.get("clonus", 0)
        out.append(
            {
                "category": c,
                "n": n,
                "fp": fp,
                "fp_rate": fp / n if n else 0.0,
                **{k: cnt.get(k, 0) for k in (*CLASSES, "error")},
                "fp_reasons": Counter(
                    reason_template(r["reason"]) for r in rr if r["classification"] == "clonus"
                ).most_common(3),
                "reasons": Counter(reason_template(r["reason"])[:70] for r in rr).most_common(3),
            }
        )
    return out


def print_table(summary: list[dict[str, Any]]) -> None:
    print()
    print(
        f"{'category':24s} {'n':>4s} {'FP':>4s} {'FP %':>6s} {'no_cl':>6s} {'rhythm':>6s} "
        f"{'indet':>6s} {'err':>4s}"
    )
    tot_n = tot_fp = 0
    for s in summary:
        tot_n += s["n"]
        tot_fp += s["fp"]
        print(
            f"{s['category']:24s} {s['n']:4d} {s['fp']:4d} {100 * s['fp_rate']:6.1f} "
            f"{s['no_clonus']:6d} {s['rhythmic_not_clonus']:6d} {s['indeterminate']:6d} "
            f"{s['error']:4d}"
        )
    print(f"{'TOTAL':24s} {tot_n:4d} {tot_fp:4d} {100 * tot_fp / max(tot_n, 1):6.1f}")
    print("\nreasons per category (most common templates, # = a number):")
    for s in summary:
        print(f"  {s['category']}:")
        for tpl, k in s["reasons"]:
            print(f"    {k:3d} x {tpl}")
        for tpl, k in s["fp_reasons"]:
            print(f"    FP {k:3d} x {tpl}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=30, help="recordings per category (default 30)")
    ap.add_argument("--seed", type=int, default=0, help="base seed (default 0)")
    ap.add_argument("--categories", nargs="*", default=None, help="subset of categories")
    ap.add_argument("--no-real", action="store_true", help="skip the real-recordings stratum")
    ap.add_argument("--csv", type=Path, default=None, help="per-case CSV output")
    ap.add_argument("--json", type=Path, default=None, help="summary + false positives JSON")
    args = ap.parse_args(argv)
    cats = args.categories or list(CATEGORIES)
    bad = [c for c in cats if c not in CATEGORIES]
    if bad:
        ap.error(f"unknown categories {bad}; choose from {list(CATEGORIES)}")
    t_start = time.time()
    rows: list[dict[str, Any]] = []
    for c in cats:
        for i in range(args.n):
            seed = case_seed(args.seed, c, i)
            rec, params = make_case(c, seed)
            rows.append(assess_row(rec, c, {"index": i, "seed": seed, "params": params}))
    if not args.no_real:
        for label, rec in real_cases():
            rows.append(
                assess_row(
                    rec,
                    "real_recordings",
                    {"index": label, "seed": None, "params": {"file": label}},
                )
            )
    summary = summarise(rows)
    print_table(summary)
    fps = [r for r in rows if r["classification"] == "clonus"]
    print(f"\nfalse positives ({len(fps)}):")
    for r in fps:
        p = r["params"]
        print(
            f"- {r['category']} seed={r['seed']} sensor={p.get('sensor')} fs={p.get('fs_hz')} "
            f"{json.dumps(p.get('category_params', p.get('file')))}"
        )
        print(f"    reason: {r['reason']}")
        print(f"    metrics: {json.dumps(r['metrics'])}")
    print(f"\n{len(rows)} recordings in {time.time() - t_start:.1f} s (seed {args.seed})")
    if args.csv:
        with args.csv.open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(
                [
                    "category",
                    "index",
                    "seed",
                    "sensor",
                    "fs_hz",
                    "classification",
                    "n_beats",
                    "frequency_hz",
                    "reason",
                    "params",
                    "metrics",
                ]
            )
            for r in rows:
                p = r["params"]
                w.writerow(
                    [
                        r["category"],
                        r["index"],
                        r["seed"],
                        p.get("sensor"),
                        p.get("fs_hz"),
                        r["classification"],
                        r["n_beats"],
                        r["frequency_hz"],
                        r["reason"],
                        json.dumps(p),
                        json.dumps(r["metrics"]),
                    ]
                )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "seed": args.seed,
                    "n_per_category": args.n,
                    "summary": [{k: v for k, v in s.items() if k != "reasons"} for s in summary],
                    "false_positives": fps,
                },
                indent=1,
                default=str,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
