"""Field-like clonus-test angles with known ground truth (test-only helper).

A second analytic generator, independent of the reflex simulator and rougher than
``motion_synth`` (whose beats are raised cosines at one frequency on a flat hold). Each
feature below is something a real test shows and the other generators do not:

* **frequency slowing** at the start and at the end of a run, by up to 1.5 Hz
  (clinical-reference.md section 1.2: "frequency slows by up to 2 Hz at the start and end of a
  run");
* **waxing amplitude**: the first beats smaller than the later ones;
* **asymmetric beats**: the phase is warped (``phi + a sin(phi)``, |a| <= 0.6), so a beat rises
  and falls at different speeds;
* **push overshoot**: the examiner's hand overshoots by up to 25 % of the stretch and settles
  over ~0.1 s;
* **hold sag and wobble** (held tests): the hand gives way by up to 0.75 deg/s and wobbles at
  0.2-0.7 Hz by up to 1 deg;
* **examiner tremor**: up to 0.15 deg at 8-12 Hz throughout (it shifts the peaks of the summed
  angle, so the true frequency is taken from the oscillation's own cycles);
* **inertia**: the angle is smoothed with a 4 ms Gaussian, so it has no slope kinks (a kink is
  an impulse of angular acceleration that a point-sampled accelerometer would catch or miss
  at random).

Ground truth is the shared beat definition (``motion_synth``): peaks of the clean, finely
sampled angle with prominence >= 0.5 deg, >= 80 ms apart, after the stretch peak and before the
end of the clonus run (the sag and wobble can make slow maxima after it, which are not beats).
Sensors come from ``motion_synth.make_recording`` (gyroscope, goniometer, accelerometer).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from motion_synth import FINE_HZ, _ramp, make_recording
from scipy.ndimage import gaussian_filter1d
from scipy.signal import find_peaks

from clonus import Recording


@dataclass
class FieldTruth:
    beat_times_s: np.ndarray
    n_beats: int
    kind: str  # "sustained", "fatigable" or "few"
    mode: str  # "held" or "released"
    #: 1 / median period of the clonus oscillation's own cycles in the run (None below 3
    #: cycles): the rhythm itself, which the tremor added on top does not shift (peaks of the
    #: summed angle alternate by up to 70 ms when 10 Hz tremor rides on a 4 Hz clonus)
    frequency_hz: float | None


def field_angle(
    rng: np.random.Generator, *, mode: str, duration_s: float = 12.0
) -> tuple[np.ndarray, np.ndarray, FieldTruth]:
    """A random field-like clonus test: (t_s, angle_deg, truth) on the 5 kHz grid."""
    t = np.arange(0.0, duration_s, 1.0 / FINE_HZ)
    push = float(rng.uniform(0.4, 1.5))
    stretch = float(rng.uniform(8, 20))
    speed = float(rng.uniform(150, 350))
    ramp = max(0.04, 2 * stretch / speed)
    t_pk = push + ramp
    theta = stretch * _ramp(t, push, ramp)
    overshoot = float(rng.uniform(0.0, 0.25)) * stretch
    rising = np.clip((t - push) / ramp, 0.0, 1.0) ** 2
    theta += overshoot * rising * np.exp(-np.clip(t - t_pk, 0.0, None) / 0.12)

    f0 = float(rng.uniform(4.0, 8.0))
    kind = str(rng.choice(["sustained", "fatigable", "few"])) if mode == "held" else "few"
    n_cycles = None if kind == "sustained" else int(
        rng.integers(3, 30) if kind == "fatigable" else rng.integers(1, 5)
    )
    amp = float(rng.uniform(1.2, 5.0))
    tt = np.clip(t - t_pk, 0.0, None)
    f_inst = f0 - float(rng.uniform(0.0, 1.5)) * np.exp(-tt / 0.5)  # slower first beats
    if n_cycles is not None:  # ... and slower last ones
        t_end = t_pk + n_cycles / f0
        f_inst = f_inst - float(rng.uniform(0.0, 1.5)) * np.exp(-np.abs(t - t_end) / 0.4) * (
            t < t_end
        )
    phi = 2 * np.pi * np.cumsum(f_inst) / FINE_HZ
    phi -= phi[np.searchsorted(t, t_pk)]
    env = amp * (1.0 - 0.6 * np.exp(-tt / float(rng.uniform(0.2, 0.8))))  # waxing
    if n_cycles is not None:
        env = env * np.exp(-float(rng.uniform(0.0, 0.2)) * tt)
    k_max = np.inf if n_cycles is None else n_cycles
    active = (t > t_pk) & (phi <= 2 * np.pi * k_max + np.pi)  # ends at a trough
    warped = phi + float(rng.uniform(-0.6, 0.6)) * np.sin(phi)  # asymmetric beats
    osc = np.where(active, -(env / 2) * (1 - np.cos(warped)), 0.0)
    i_end = int(np.flatnonzero(active)[-1])
    if n_cycles is not None:  # relax from the last trough
        tail = t > t[i_end]
        osc[tail] = osc[i_end] * np.exp(-(t[tail] - t[i_end]) / 0.3)
    theta = theta + osc
    if mode == "held":
        theta -= float(rng.uniform(0.0, 0.75)) * tt  # the hand gives way
        wobble_hz = float(rng.uniform(0.2, 0.7))
        theta += float(rng.uniform(0.0, 1.0)) * float(rng.choice([-1.0, 1.0])) * np.sin(
            2 * np.pi * wobble_hz * tt
        )
    else:
        release = t_pk + float(rng.uniform(0.5, 1.2))
        theta -= stretch * _ramp(t, release, float(rng.uniform(0.15, 0.35)))
    theta += float(rng.uniform(0.0, 0.15)) * np.sin(2 * np.pi * float(rng.uniform(8, 12)) * t)
    theta = gaussian_filter1d(theta, 0.004 * FINE_HZ)  # inertia: no slope kinks

    pk, _ = find_peaks(theta, prominence=0.5, distance=int(0.08 * FINE_HZ))
    run_end = t[i_end] + 0.6 / f0
    beats = t[pk][(t[pk] > t_pk + 0.04) & (t[pk] <= run_end)]
    cycles = np.flatnonzero(np.diff(np.floor(phi[: i_end + 1] / (2 * np.pi))) > 0)
    cycle_s = t[cycles[cycles > np.searchsorted(t, t_pk)]]
    f_true = float(1.0 / np.median(np.diff(cycle_s))) if len(cycle_s) >= 3 else None
    return t, theta, FieldTruth(beats, len(beats), kind, mode, f_true)


def field_trial(
    rng: np.random.Generator, *, fs: float, sensor: str, mode: str | None = None
) -> tuple[Recording, FieldTruth]:
    """A random field-like trial recorded by ``sensor`` ('gyro', 'goniometer' or 'acc')."""
    if mode is None:
        mode = "held" if rng.random() < 0.7 else "released"
    t, theta, truth = field_angle(rng, mode=mode)
    jitter_s = float(rng.choice([0.0, 0.002]))
    rec = make_recording(t, theta, fs=fs, sensor=sensor, rng=rng, jitter_s=jitter_s)
    return rec, truth
