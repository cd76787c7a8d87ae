"""EMG clinical-test accuracy on the reflex simulator's EMG (``simulate_trial(sensors=("emg",))``).

Trials: the randomised design of ``benchmarks/accuracy/design.py`` (``draw_specs(n, seed)``:
loop parameters, manoeuvres, held/released, gain ratio 1-12 x G_c, 10 % central oscillator),
each simulated as Mode A surface EMG ("emg") or Mode B motor-unit EMG ("emg_mu", 1 trial in 3)
at 500, 1000 or 2000 Hz (20/40/40 %). Truth: ``truth.emg_n_bursts`` (reflex bursts after the
stretch-evoked one), ``truth.emg_frequency_hz`` and clonus yes/no (``clonus_start_s``).

Metrics (per setting of :class:`clonus.emg.clinical.EmgConfig`: earlier defaults, each
later change alone, and the default): count within 1 (or 5 %
above 20 bursts, the accuracy benchmark's ``count_ok``), frequency within 0.2 Hz (trials where
both sides have a frequency), clonus yes/no agreement, time per trial.

Usage: PYTHONPATH=src python benchmarks/emg/bench_clinical_reflex.py [--n 200] [--seed 20261122]
       [--accuracy-design]  (Mode A at 2 kHz, as benchmarks/accuracy/run.py; seed 20261121)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks" / "accuracy"))

from design import count_ok, draw_specs  # noqa: E402

from clonus.emg.clinical import EmgConfig, assess_emg  # noqa: E402
from clonus.simulate import simulate_trial  # noqa: E402

OUT = ROOT / "benchmarks" / "_out"


def trials(n: int, seed: int, *, accuracy_design: bool = False):
    """Yield (spec info, recording, truth) for the randomised design (deterministic).

    ``accuracy_design``: Mode A at 2 kHz only, as ``benchmarks/accuracy/run.py`` simulates EMG.
    """
    rng = np.random.default_rng(seed + 1)
    for spec in draw_specs(n, seed):
        sensor = "emg_mu" if rng.random() < 1 / 3 else "emg"
        fs = float(rng.choice([500.0, 1000.0, 1000.0, 2000.0, 2000.0]))
        if accuracy_design:
            sensor, fs = "emg", 2000.0
        tr = simulate_trial(mode=spec.mode, gain_ratio=spec.gain_ratio, delay_s=None,
                            duration_s=12.0, seed=spec.seed, sensors=(sensor,), fs_emg_hz=fs,
                            params=spec.params, central=spec.central, manoeuvre=spec.manoeuvre)
        info = {"index": spec.index, "mode": spec.mode, "sensor": sensor, "fs": fs,
                "gain_ratio": spec.gain_ratio}
        yield info, tr.recording, tr.truth


def evaluate(cases, configs: dict[str, EmgConfig]) -> tuple[dict, list[dict]]:
    rows = []
    for info, rec, truth in cases:
        for name, cfg in configs.items():
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                a = assess_emg(rec, config=cfg)
            dt = time.perf_counter() - t0
            fe = (abs(a.frequency_hz - truth.emg_frequency_hz)
                  if a.frequency_hz and truth.emg_frequency_hz else None)
            rows.append({**info, "config": name, "n_true": truth.emg_n_bursts,
                         "n_det": a.n_beats, "f_true": truth.emg_frequency_hz,
                         "f_det": a.frequency_hz, "freq_err_hz": fe,
                         "count_ok": count_ok(a.n_beats, truth.emg_n_bursts),
                         "clonus_true": truth.clonus_start_s is not None,
                         "clonus_det": a.classification == "clonus",
                         "method": (a.metrics or {}).get("emg_clinical_method"),
                         "time_s": dt})
    summary = {}
    for name in configs:
        sub = [r for r in rows if r["config"] == name]
        fe = [r["freq_err_hz"] for r in sub if r["freq_err_hz"] is not None]
        both_f = [r for r in sub if r["f_true"]]
        summary[name] = {
            "n": len(sub),
            "count_ok": float(np.mean([r["count_ok"] for r in sub])),
            "freq_ok_02": float(np.mean(np.array(fe) <= 0.2)) if fe else None,
            "n_freq_pairs": len(fe),
            "n_true_freq": len(both_f),
            "freq_ok_02_of_true": float(np.mean([r["freq_err_hz"] is not None
                                                 and r["freq_err_hz"] <= 0.2 for r in both_f]))
            if both_f else None,
            "clonus_agree": float(np.mean([r["clonus_true"] == r["clonus_det"] for r in sub])),
            "median_time_s": float(np.median([r["time_s"] for r in sub])),
        }
        for key, sel in (("mode A", lambda r: r["sensor"] == "emg"),
                         ("mode B", lambda r: r["sensor"] == "emg_mu"),
                         ("held", lambda r: r["mode"] == "held"),
                         ("released", lambda r: r["mode"] == "released"),
                         ("500 Hz", lambda r: r["fs"] == 500.0)):
            s2 = [r for r in sub if sel(r)]
            if not s2:
                continue
            f2 = [r["freq_err_hz"] for r in s2 if r["freq_err_hz"] is not None]
            summary[name][key] = {
                "n": len(s2), "count_ok": float(np.mean([r["count_ok"] for r in s2])),
                "freq_ok_02": float(np.mean(np.array(f2) <= 0.2)) if f2 else None,
                "n_freq_pairs": len(f2)}
    return summary, rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--accuracy-design", action="store_true",
                    help="Mode A at 2 kHz only (the EMG of benchmarks/accuracy/run.py)")
    ap.add_argument("--out", default="emg_clinical_reflex.json")
    args = ap.parse_args(argv)
    # The settings added on 2026-11-21 (run continuation, ended trains and their split, the
    # subharmonic check of the modulation), off:
    off = {"extend_run": False, "count_ended_trains": False, "modulation_subharmonic_ratio": 0.0}
    configs = {
        # before the modulation work: threshold bursts (CLINICAL_BURSTS), beats only in a run
        "threshold, clonic runs only": EmgConfig(
            clinical_method="threshold", count_unrhythmic_beats=False, **off
        ),
        # the default before the run continuation and ended trains
        "modulation + unrhythmic beats": EmgConfig(**off),
        "+ run continuation": EmgConfig(count_ended_trains=False, modulation_subharmonic_ratio=0.0),
        "+ ended trains (split)": EmgConfig(extend_run=False, modulation_subharmonic_ratio=0.0),
        "default (all)": EmgConfig(),
    }
    t0 = time.perf_counter()
    cases = list(trials(args.n, args.seed, accuracy_design=args.accuracy_design))
    t_sim = time.perf_counter() - t0
    summary, rows = evaluate(cases, configs)
    OUT.mkdir(exist_ok=True)
    (OUT / args.out).write_text(json.dumps(
        {"summary": summary, "rows": rows, "simulate_s": t_sim}, indent=1, default=str))
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
