"""Long EMG-only negatives: 60-120 s of tremor or tapping after one standing-out first burst.

A probe of the EMG clinical test (:func:`clonus.emg.clinical.assess_emg`, through
``clonus.assess``) on recordings far longer than a clonus test, built from the EMG model of
:mod:`generators_emg` (none of them is clonus, so every ``clonus`` call is a false positive):

* ``long_essential_tremor``: rest 1-4 s, one reflex-like burst (30-60 ms, 1.5-3 x the tremor
  bursts) and then essential tremor at full size from the next cycle to the end (5-10 Hz,
  +-30 % slow modulation, +-0.3 Hz drift: the timing of ``emg_essential_tremor``);
* ``long_tapping``: rest 1-4 s, a first tap 1.5-3 x the others, then voluntary tapping at
  3.5-4 Hz to the end (timing CV 5-10 %, bursts of 100-250 ms, +-20 % amplitude: the model of
  ``emg_voluntary_tapping`` at the top of its rate range).

Durations 60-120 s; sampling rates as in ``generators_emg``. Usage::

    PYTHONPATH=src python benchmarks/negatives/probe_long_emg.py [--n 16] [--seed 0]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections import Counter
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))
sys.path.insert(0, str(HERE))

from generators import FINE_HZ, _smooth_noise  # noqa: E402
from generators_emg import EMG_FS_CHOICES_HZ, _Emg, _finish, _tremor_bursts  # noqa: E402

import clonus  # noqa: E402


def _start(rng):
    dur = float(rng.uniform(60.0, 120.0))
    fs = float(rng.choice(EMG_FS_CHOICES_HZ))
    return dur, fs, {"duration_s": round(dur, 1), "fs_hz": fs, "sensor": "emg"}


def long_essential_tremor(rng):
    dur, fs, p = _start(rng)
    t = np.arange(0.0, dur, 1.0 / FINE_HZ)
    f0 = float(rng.uniform(5.0, 10.0))
    amp = float(np.exp(rng.uniform(np.log(50e-6), np.log(300e-6))))
    t_first = float(rng.uniform(1.0, 4.0))
    k = float(rng.uniform(1.5, 3.0))
    b = _Emg(rng, dur, fs)
    b.burst(t_first, float(rng.uniform(0.03, 0.06)), k * amp)
    env = np.clip(1 + 0.3 * _smooth_noise(rng, len(t), 0.3), 0.3, 1.6)
    env[t < t_first + 1.0 / f0] = 0.0
    nb = _tremor_bursts(rng, b, t, f0, 0.3, env, amp)
    p["category_params"] = {"f0_hz": round(f0, 2), "first_x": round(k, 2), "n_bursts": nb}
    return _finish(b, p)


def long_tapping(rng):
    dur, fs, p = _start(rng)
    t0 = float(rng.uniform(1.0, 4.0))
    rate = float(rng.uniform(3.5, 4.0))
    amp = float(np.exp(rng.uniform(np.log(100e-6), np.log(800e-6))))
    cv = float(rng.uniform(0.05, 0.1))
    k = float(rng.uniform(1.5, 3.0))
    b = _Emg(rng, dur, fs)
    tc, nb = t0, 0
    while tc < dur - 0.3:
        d = min(float(rng.uniform(0.1, 0.25)), 0.6 / rate)
        b.burst(tc, d, amp * float(rng.uniform(0.8, 1.2)) * (k if nb == 0 else 1.0))
        nb += 1
        tc += (1.0 / rate) * (1.0 + cv * rng.standard_normal())
    p["category_params"] = {"rate_hz": round(rate, 2), "first_x": round(k, 2), "n_bursts": nb}
    return _finish(b, p)


PROBES = {"long_essential_tremor": long_essential_tremor, "long_tapping": long_tapping}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=16, help="recordings per probe (default 16)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    total = Counter()
    for name, gen in PROBES.items():
        cnt = Counter()
        for i in range(args.n):
            rng = np.random.default_rng([args.seed, i, len(name)])
            rec, p = gen(rng)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                a = clonus.assess(rec)
            cnt[a.classification] += 1
            if a.classification == "clonus":
                print(f"  FP {name} #{i} {p['duration_s']} s {p['category_params']}: "
                      f"{a.n_beats} beats at {a.frequency_hz:.2f} Hz")
        total.update(cnt)
        print(f"{name:24s} n={args.n} clonus={cnt['clonus']} {dict(cnt)}")
    print(f"TOTAL clonus {total['clonus']} of {2 * args.n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
