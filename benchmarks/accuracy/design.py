"""Trial design and metrics of the accuracy benchmark (simulated trials with ground truth).

Kept separate from ``run.py`` so the design can be read (and reused) on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from clonus.simulate import sample_manoeuvre, sample_params

#: Motion sampling rates drawn (Hz): phone apps (50-200), IMUs and lab systems (400-1000).
FS_CHOICES_HZ = (50.0, 60.0, 100.0, 200.0, 400.0, 1000.0)


@dataclass(frozen=True)
class TrialSpec:
    """Everything needed to regenerate one benchmark trial."""

    index: int
    seed: int
    mode: str
    gain_ratio: float
    fs_imu_hz: float
    sensors: tuple[str, ...]
    jitter_s: float
    central: bool
    push_kind: str
    params: Any = field(repr=False)
    manoeuvre: Any = field(repr=False)


def draw_specs(n_trials: int, seed: int) -> list[TrialSpec]:
    """Draw ``n_trials`` randomised trials, reproducibly from ``seed``.

    Design (per trial, independently):

    - loop parameters uniformly within reflex-model.md §4 (``sample_params``), manoeuvre
      within the §4 push/hold ranges (``sample_manoeuvre``);
    - held or released, 50/50;
    - gain ratio G/G_c log-uniform in [1, 12] (sustained clonus needs ≈ 3-5 x G_c, so about
      half the held trials are sustained, the rest decay or stay below 1°);
    - motion rate from :data:`FS_CHOICES_HZ`; phone orientation uniformly random;
    - sensors: phone IMU (80 %), goniometer (10 %), both (10 %);
    - timestamp jitter: none (50 %) or SD uniform in 0.2-2 ms (then written to a phyphox zip
      and read back, so the reader's resampling is exercised);
    - central-oscillator mechanism in 10 % (must still be detected as clonus);
    - held trials: the examiner tires (hold sags by 0.2-1.0 N m/s) in 35 %;
    - examiner push: position servo along a minimum-jerk path (70 %, 8-25° at 100-300°/s,
      phone peak acceleration 1-4 g) or the spec's rectangular torque pulse (30 %, 8-25 N m,
      which can exceed 8 g at the phone on a light foot).
    """
    ss = np.random.SeedSequence(seed)
    specs = []
    for i, child in enumerate(ss.spawn(n_trials)):
        rng = np.random.default_rng(child)
        mode = "held" if rng.random() < 0.5 else "released"
        u = rng.random()
        sensors = ("imu",) if u < 0.8 else (("goniometer",) if u < 0.9 else ("imu", "goniometer"))
        jitter = 0.0 if rng.random() < 0.5 else float(rng.uniform(0.0002, 0.002))
        push_kind = "servo" if rng.random() < 0.7 else "torque"
        specs.append(TrialSpec(
            index=i, seed=int(rng.integers(0, 2**31 - 1)), mode=mode,
            gain_ratio=float(math.exp(rng.uniform(math.log(1.0), math.log(12.0)))),
            fs_imu_hz=float(rng.choice(FS_CHOICES_HZ)), sensors=sensors, jitter_s=jitter,
            central=bool(rng.random() < 0.10), push_kind=push_kind, params=sample_params(rng),
            manoeuvre=_with_drift(sample_manoeuvre(rng, mode=mode, push_kind=push_kind), rng)))
    return specs


def _with_drift(man: Any, rng: np.random.Generator) -> Any:
    """Held trials: in 35 % the examiner tires (hold torque sags by 0.2-1.0 N m/s), which makes
    fatigable clonus (Tardieu 3) as well as infatigable (4)."""
    import dataclasses

    if man.mode == "held" and rng.random() < 0.35:
        return dataclasses.replace(man, hold_drift_nm_per_s=-float(rng.uniform(0.2, 1.0)))
    return man


def count_ok(n_det: int | None, n_true: int) -> bool:
    """Motion-analysis target: exact or within 1, or within 5 % for runs over 20 beats."""
    if n_det is None:
        return False
    err = abs(int(n_det) - int(n_true))
    return err <= 1 or (n_true > 20 and err <= 0.05 * n_true)


def freq_error(f_det: float | None, f_true: float | None) -> float | None:
    """Absolute frequency error in Hz when the truth has a frequency (inf if not detected)."""
    if f_true is None:
        return None
    if f_det is None or not math.isfinite(f_det):
        return math.inf
    return abs(float(f_det) - float(f_true))


def _frac(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def summarise(rows: list[dict[str, Any]], *, freq_tol_hz: float) -> dict[str, Any]:
    """Aggregate per-trial rows into the reported metrics."""
    ok = [r for r in rows if r.get("error") is None]
    n = len(ok)
    if n == 0:
        return {"n": 0}
    ferr = [r["freq_err_hz"] for r in ok if r["freq_err_hz"] is not None]
    finite = [e for e in ferr if math.isfinite(e)]
    return {
        "n": n,
        "n_errors": len(rows) - n,
        "count_ok": sum(r["count_ok"] for r in ok) / n,
        "count_exact": sum(r["n_det"] == r["n_true"] for r in ok) / n,
        "count_ok_peaks": _frac([r["count_ok_peaks"] for r in ok if "count_ok_peaks" in r]),
        "count_mae": float(np.mean([abs(r["n_det"] - r["n_true"]) for r in ok])),
        "n_freq": len(ferr),
        "freq_ok": (sum(e <= freq_tol_hz for e in ferr) / len(ferr)) if ferr else None,
        "freq_missing": sum(not math.isfinite(e) for e in ferr),
        "freq_median_err_hz": float(np.median(finite)) if finite else None,
        "freq_p95_err_hz": float(np.percentile(finite, 95)) if finite else None,
        "freq_ok_5beats": _frac([r["freq_err_hz"] <= freq_tol_hz for r in ok
                                 if r["freq_err_hz"] is not None and r["n_true"] >= 5]),
        "n_freq_5beats": sum(r["freq_err_hz"] is not None and r["n_true"] >= 5 for r in ok),
        "sustained_ok": sum(r["sustained_det"] == r["sustained_true"] for r in ok) / n,
        "clonus_ok": sum(r["clonus_det"] == r["clonus_true"] for r in ok) / n,
    }
