"""Accuracy of the EMG burst methods against the simulators' ground truth; picks the default.

Data:
* ``clonus.simulate.spasms.simulate_spasm_emg``: calf EMG with labelled clonus, tonic, unit,
  myoclonus, mixed and voluntary ("other") events, ECG (50 uV) and mains (10 uV, 50 Hz) at
  1000 Hz (long-term logger rate) and 250 Hz (slowest loggers); ``--seeds`` recordings of 12
  events each.
* ``clonus.simulate.simulate_trial(sensors=("emg",))``: the reflex simulator's clinical test.

Measures per method (``hysteresis`` = default, ``mummidisetty2012`` = reference):
clonus runs whose burst count is within 1 of the truth, |frequency error| (max, 95th percentile),
ICC(2,1) of frequency against the truth (the paper's agreement statistic), episode-class accuracy
(for the reference method the same classifier is applied to its bursts), onset error of clinical
test bursts, and time.

Usage: PYTHONPATH=src python benchmarks/emg/bench_accuracy.py [--seeds 10]
"""

# ruff: noqa: E501  (Markdown table rows)
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from clonus.emg.bursts import detect_bursts
from clonus.emg.clinical import assess_emg
from clonus.emg.episodes import find_episodes
from clonus.simulate.spasms import simulate_clonus_emg, simulate_spasm_emg

OUT = Path(__file__).resolve().parents[2] / "benchmarks" / "_out"


def icc21(a: np.ndarray, b: np.ndarray) -> float:
    """ICC(2,1): two-way random effects, absolute agreement, single rater (Shrout & Fleiss 1979)."""
    y = np.column_stack([a, b])
    n, k = y.shape
    gm = y.mean()
    msr = k * np.sum((y.mean(1) - gm) ** 2) / (n - 1)
    msc = n * np.sum((y.mean(0) - gm) ** 2) / (k - 1)
    sse = np.sum((y - y.mean(1, keepdims=True) - y.mean(0, keepdims=True) + gm) ** 2)
    mse = sse / ((n - 1) * (k - 1))
    return float((msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n))


def spasm_accuracy(method: str, fs: float, seeds: int) -> dict:
    cnt, f_true, f_det, correct, total, t_run, n_samp = [], [], [], 0, 0, 0.0, 0
    for seed in range(seeds):
        s = simulate_spasm_emg(fs=fs, seed=seed, n_per_kind=2, ecg_amplitude_v=50e-6)
        t0 = time.perf_counter()
        try:
            b = detect_bursts(s.recording, method=method)
        except Exception as exc:  # noqa: BLE001 - e.g. rate too low for the method
            return {"error": str(exc)}
        eps = find_episodes(b)
        t_run += time.perf_counter() - t0
        n_samp += s.recording.n_samples
        for ev in s.events:
            m = [e for e in eps if e.start_s < ev.end_s and e.end_s > ev.start_s]
            main = (
                max(m, key=lambda e: min(e.end_s, ev.end_s) - max(e.start_s, ev.start_s))
                if m
                else None
            )
            total += 1
            correct += main is not None and main.kind == ev.kind
            if ev.kind == "clonus":
                best = max(m, key=lambda e: e.n_clonic_bursts) if m else None
                if best is None or not best.n_clonic_bursts:
                    cnt.append(99)
                    continue
                cnt.append(abs(best.n_clonic_bursts - ev.n_clonic_bursts))
                f_true.append(ev.frequency_hz)
                f_det.append(best.frequency_hz)
    fe = np.abs(np.array(f_det) - np.array(f_true))
    return {
        "clonus_runs": len(cnt),
        "count_within_1": float(np.mean(np.array(cnt) <= 1)),
        "freq_err_max_hz": float(fe.max()) if fe.size else None,
        "freq_err_p95_hz": float(np.percentile(fe, 95)) if fe.size else None,
        "freq_icc": icc21(np.array(f_true), np.array(f_det)) if fe.size > 2 else None,
        "class_accuracy": correct / total,
        "episodes": total,
        "samples_per_s": n_samp / t_run,
    }


def clinical_onsets(method: str) -> dict:
    errs, counts = [], []
    for seed, (nb, f) in enumerate([(5, 4.0), (8, 5.5), (12, 6.5), (20, 7.5)] * 3):
        s = simulate_clonus_emg(fs=2000.0, n_beats=nb, frequency_hz=f, seed=seed)
        b = detect_bursts(s.recording, method=method)
        truth = np.array(s.events[0].burst_onsets_s)
        counts.append(b.n - truth.size)
        for t in truth:
            errs.append(np.min(np.abs(b.onset_s - t)) if b.n else np.inf)
    e = np.array(errs)
    return {
        "tests": len(counts),
        "count_error_max": int(np.max(np.abs(counts))),
        "onset_err_median_ms": float(np.median(e) * 1e3),
        "onset_err_p95_ms": float(np.percentile(e, 95) * 1e3),
    }


def reflex_trials() -> dict:
    """simulate_trial EMG: clinical settings (CLINICAL_BURSTS) vs long-recording settings."""
    try:
        from clonus.simulate import simulate_trial
    except ImportError:
        return {}
    from clonus.emg.bursts import BurstConfig
    from clonus.emg.clinical import EmgConfig

    cfgs = {
        "clinical (default for assess)": EmgConfig(),
        "long-recording settings": EmgConfig(bursts=BurstConfig()),
    }
    trials = []
    for seed in range(4):
        for mode in ("held", "released"):
            for gr in (0.8, 1.0, 1.2, 1.5):
                trials.append(
                    simulate_trial(
                        mode=mode, gain_ratio=gr, seed=seed, sensors=("emg",), duration_s=12.0
                    )
                )
    out = {}
    for name, cfg in cfgs.items():
        ok_emg, ok_motion, fe = [], [], []
        for tr in trials:
            a = assess_emg(tr.recording, config=cfg)
            t = tr.truth
            n_true = getattr(t, "emg_n_bursts", None)
            if n_true is not None:
                ok_emg.append(abs(a.n_beats - n_true) <= max(1, 0.05 * n_true))
                f_true = getattr(t, "emg_frequency_hz", None)
                if f_true and a.frequency_hz:
                    fe.append(abs(a.frequency_hz - f_true))
            ok_motion.append(abs(a.n_beats - t.n_beats) <= 1)
        out[name] = {
            "trials": len(trials),
            "beats_within_1_of_emg_truth": float(np.mean(ok_emg)) if ok_emg else None,
            "beats_within_1_of_motion_truth": float(np.mean(ok_motion)),
            "freq_within_0.2_hz": float(np.mean(np.array(fe) <= 0.2)) if fe else None,
            "n_freq_pairs": len(fe),
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--reflex-only", action="store_true", help="only the reflex-simulator part")
    args = ap.parse_args()
    res: dict = {"spasms": {}, "clinical": {}}
    for method in () if args.reflex_only else ("hysteresis", "mummidisetty2012"):
        for fs in (1000.0, 250.0):
            res["spasms"][f"{method}@{fs:g}"] = spasm_accuracy(method, fs, args.seeds)
        res["clinical"][method] = clinical_onsets(method)
    res["reflex_trials"] = reflex_trials()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "emg_accuracy.json").write_text(json.dumps(res, indent=2))
    print(
        "| method @ fs | clonus runs | count within 1 | freq err max / p95 (Hz) | freq ICC | class acc | samples/s |"
    )
    print("|---|---|---|---|---|---|---|")
    for k, v in res["spasms"].items():
        if "error" in v:
            print(f"| {k} | refused: {v['error'][:60]}... | | | | | |")
            continue
        print(
            f"| {k} | {v['clonus_runs']} | {v['count_within_1']:.0%} | {v['freq_err_max_hz']:.3f} / "
            f"{v['freq_err_p95_hz']:.3f} | {v['freq_icc']:.3f} | {v['class_accuracy']:.0%} | "
            f"{v['samples_per_s'] / 1e6:.2f} M |"
        )
    print(
        "\n| method | clinical tests | max count error | onset error median / p95 (ms) |\n|---|---|---|---|"
    )
    for k, v in res["clinical"].items():
        print(
            f"| {k} | {v['tests']} | {v['count_error_max']} | {v['onset_err_median_ms']:.1f} / {v['onset_err_p95_ms']:.1f} |"
        )
    if res["reflex_trials"]:
        print(
            "\n| reflex-simulator trials (simulate_trial EMG, 12 s) | trials | beats within 1 (5 %) of EMG truth | within 1 of motion-beat truth | frequency within 0.2 Hz |"
        )
        print("|---|---|---|---|---|")
        for k, r in res["reflex_trials"].items():
            fq = (
                "-"
                if r["freq_within_0.2_hz"] is None
                else f"{r['freq_within_0.2_hz']:.0%} of {r['n_freq_pairs']}"
            )
            print(
                f"| {k} | {r['trials']} | {r['beats_within_1_of_emg_truth']:.0%} | "
                f"{r['beats_within_1_of_motion_truth']:.0%} | {fq} |"
            )


if __name__ == "__main__":
    main()
