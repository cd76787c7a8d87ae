"""Realistic NON-clonus calf EMG for the negatives stress benchmark (EMG-only recordings).

Every generator takes a seeded :class:`numpy.random.Generator` and returns ``(recording, params)``
like the motion generators in :mod:`generators`: one surface-EMG channel ("EMG soleus", volts)
with no motion channel, so ``clonus.assess`` judges it from the EMG alone
(:func:`clonus.emg.clinical.assess_emg`). The tremor timing (frequencies, on/off spells and their
ramps, waxing and waning, drift) is the motion generators' own, drawn with their parameter
ranges, which were set before the EMG rules were written.

EMG model (reflex-model.md section 5, Mode A; amplitudes assumed): each muscle activation is a
smooth sin^2 envelope multiplying Gaussian noise band-passed 20-450 Hz (clipped to 0.45 fs),
plus amplifier noise (2-5 uV RMS), mains at 50 or 60 Hz (0-10 uV) and slow baseline wander;
sampling at 500, 1000, 1024, 2000 or 2048 Hz.

Tremor EMG: one burst per tremor cycle in the recorded muscle (rest tremor alternates between
antagonists, so one muscle bursts once per cycle; Deuschl et al. 1998), burst length 30-50 % of
the period (Holmes tremor bursts 150-170 ms at 2.5-5 Hz, clinical-reference.md section 3;
assumed for the others), amplitude following the tremor's envelope with +-20 % burst-to-burst
jitter.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from generators import (
    FINE_HZ,
    _on_off_envelope,
    _ramp,
    _smooth_noise,
)

from clonus import Recording

# the EMG carrier and burst shape of the spasm simulator (reflex-model.md section 5)
from clonus.simulate.spasms import _carrier, _hann_burst

EMG_FS_CHOICES_HZ = (500.0, 1000.0, 1024.0, 2000.0, 2048.0)


class _Emg:
    """Accumulates an activation envelope (V) on the sampling grid, then renders the EMG."""

    def __init__(self, rng, duration_s: float, fs: float) -> None:
        self.rng, self.fs = rng, fs
        self.n = int(round(duration_s * fs))
        self.env = np.zeros(self.n)

    def burst(self, onset_s: float, dur_s: float, amp_v: float) -> None:
        i0, n = int(round(onset_s * self.fs)), max(2, int(round(dur_s * self.fs)))
        i1 = min(self.n, i0 + n)
        if i1 > i0 >= 0:
            self.env[i0:i1] += amp_v * _hann_burst(n)[: i1 - i0]

    def tonic(self, level_v: np.ndarray) -> None:
        self.env += level_v

    def render(self) -> tuple[np.ndarray, dict[str, Any]]:
        rng, fs, n = self.rng, self.fs, self.n
        t = np.arange(n) / fs
        noise = float(rng.uniform(2e-6, 5e-6))
        mains_hz = float(rng.choice([50.0, 60.0]))
        mains = float(rng.uniform(0.0, 10e-6))
        x = self.env * _carrier(n, fs, rng)
        x += rng.normal(0.0, noise, n)
        x += mains * np.sin(2 * np.pi * mains_hz * t + rng.uniform(0, 2 * np.pi))
        x += 15e-6 * np.sin(2 * np.pi * float(rng.uniform(0.1, 0.4)) * t + rng.uniform(0, 6.3))
        return x, {"noise_uV": round(noise * 1e6, 2), "mains_uV": round(mains * 1e6, 2)}


def _common(rng, duration=(8.0, 20.0)):
    dur = float(rng.uniform(*duration))
    fs = float(rng.choice(EMG_FS_CHOICES_HZ))
    return dur, fs, {"duration_s": round(dur, 3), "fs_hz": fs, "sensor": "emg"}


def _finish(b: _Emg, p: dict[str, Any]) -> tuple[Recording, dict[str, Any]]:
    x, extra = b.render()
    p.update(extra)
    rec = Recording.from_array(x, fs=b.fs, names=["EMG soleus"], kinds="emg", units="V")
    return rec, p


def _tremor_bursts(rng, b: _Emg, t: np.ndarray, f0: float, drift_hz: float, env: np.ndarray,
                   amp_v: float, duty: tuple[float, float] = (0.3, 0.5)) -> int:
    """One burst per cycle of a drifting tremor (fine grid ``t``); returns the burst count."""
    f = f0 + np.clip(0.5 * drift_hz * _smooth_noise(rng, len(t), 0.2), -drift_hz, drift_hz)
    cyc = np.cumsum(f) / FINE_HZ + rng.uniform(0, 1)
    starts = np.flatnonzero(np.diff(np.floor(cyc)) > 0) + 1
    d = float(rng.uniform(*duty))
    k = 0
    for i in starts:
        g = float(env[i])
        if g < 0.05:
            continue
        per = 1.0 / float(f[i])
        b.burst(t[i], d * per, amp_v * g * float(rng.uniform(0.8, 1.2)))
        k += 1
    return k


# --------------------------------------------------------------------------- categories
def emg_pd_rest_tremor(rng):
    """Parkinsonian rest tremor in the calf EMG: the timing of :func:`generators.pd_rest_tremor`
    (4-6 Hz, on/off spells of 1-6 s with 0.3-1 s ramps, waxing/waning, +-0.5 Hz drift), burst
    peak 50-400 uV (assumed)."""
    dur, fs, p = _common(rng)
    t = np.arange(0.0, dur, 1.0 / FINE_HZ)
    f0 = float(rng.uniform(4.0, 6.0))
    amp = float(np.exp(rng.uniform(np.log(50e-6), np.log(400e-6))))
    start_on = bool(rng.random() < 0.5)
    env = _on_off_envelope(rng, t, (1.0, 6.0), (0.5, 4.0), (0.3, 1.0), start_on)
    wax = np.clip(1 + 0.4 * _smooth_noise(rng, len(t), 0.15), 0.3, 1.8)
    b = _Emg(rng, dur, fs)
    nb = _tremor_bursts(rng, b, t, f0, 0.5, env * wax, amp)
    p["category_params"] = {"f0_hz": round(f0, 3), "amp_uV": round(amp * 1e6, 1),
                            "starts_on": start_on, "n_bursts": nb}
    return _finish(b, p)


def emg_pd_tremor_exam(rng):
    """A Parkinson patient examined for clonus, EMG only: the intermittent rest tremor of
    :func:`emg_pd_rest_tremor` (starting on), a stretch reflex burst to the examiner's brisk
    push at 3-6 s (30-60 ms, 0.5-2 x the tremor bursts; no clonus) and rigidity's tonic
    background during the hold (5-20 % of the tremor bursts; assumed)."""
    dur, fs, p = _common(rng, duration=(10.0, 20.0))
    t = np.arange(0.0, dur, 1.0 / FINE_HZ)
    f0 = float(rng.uniform(4.0, 6.0))
    amp = float(np.exp(rng.uniform(np.log(50e-6), np.log(400e-6))))
    env = _on_off_envelope(rng, t, (1.5, 6.0), (0.5, 3.0), (0.3, 1.0), True)
    b = _Emg(rng, dur, fs)
    nb = _tremor_bursts(rng, b, t, f0, 0.5, env, amp)
    t_push = float(rng.uniform(3.0, 6.0))
    k = float(rng.uniform(0.5, 2.0))
    b.burst(t_push + 0.045, float(rng.uniform(0.03, 0.06)), k * amp)
    tone = float(rng.uniform(0.05, 0.2))
    tt = np.arange(b.n) / fs
    b.tonic(tone * amp * _ramp(tt, t_push, 0.3))
    p["category_params"] = {"f0_hz": round(f0, 3), "amp_uV": round(amp * 1e6, 1),
                            "push_s": round(t_push, 3), "reflex_x": round(k, 2),
                            "tone_x": round(tone, 3), "n_bursts": nb}
    return _finish(b, p)


def emg_essential_tremor(rng):
    """Essential tremor in the calf EMG: the timing of :func:`generators.essential_tremor`
    (5-10 Hz, +-30 % modulation, +-0.3 Hz drift). In 1/3 the foot is lifted to a posture first
    (a voluntary activation of 0.3-0.8 s), after which the tremor appears over 0.3-1.5 s; in
    the others it runs from the start. Burst peak 50-300 uV (assumed)."""
    dur, fs, p = _common(rng)
    t = np.arange(0.0, dur, 1.0 / FINE_HZ)
    f0 = float(rng.uniform(5.0, 10.0))
    amp = float(np.exp(rng.uniform(np.log(50e-6), np.log(300e-6))))
    env = np.clip(1 + 0.3 * _smooth_noise(rng, len(t), 0.3), 0.3, 1.6)
    postural = bool(rng.random() < 1 / 3)
    b = _Emg(rng, dur, fs)
    if postural:
        t_lift = float(rng.uniform(1.0, 4.0))
        b.burst(t_lift, float(rng.uniform(0.3, 0.8)), float(rng.uniform(0.3, 1.0)) * amp)
        env = env * _ramp(t, t_lift + 0.3, float(rng.uniform(0.3, 1.5)))
    nb = _tremor_bursts(rng, b, t, f0, 0.3, env, amp)
    p["category_params"] = {"f0_hz": round(f0, 3), "amp_uV": round(amp * 1e6, 1),
                            "postural": postural, "n_bursts": nb}
    return _finish(b, p)


def emg_shivering(rng):
    """Shivering in the calf EMG: grouped, irregular bursts (6-12 per s, interval CV 0.3) in
    spells of 1-6 s separated by 1-5 s, spells starting over 0.05-0.6 s (the grouping of
    :func:`generators.shivering`; Israel & Pozos 1989). Burst peak 30-200 uV (assumed)."""
    dur, fs, p = _common(rng)
    t = np.arange(0.0, dur, 1.0 / FINE_HZ)
    amp = float(np.exp(rng.uniform(np.log(30e-6), np.log(200e-6))))
    env = _on_off_envelope(rng, t, (1.0, 6.0), (1.0, 5.0), (0.05, 0.6), bool(rng.random() < 0.5))
    rate = float(rng.uniform(6.0, 12.0))
    b = _Emg(rng, dur, fs)
    tc, nb = float(rng.uniform(0, 0.1)), 0
    while tc < dur - 0.1:
        g = float(env[min(len(t) - 1, int(tc * FINE_HZ))])
        if g > 0.05:
            b.burst(tc, float(rng.uniform(0.03, 0.08)), amp * g * float(rng.uniform(0.5, 1.5)))
            nb += 1
        tc += max(0.04, (1.0 / rate) * (1.0 + 0.3 * rng.standard_normal()))
    p["category_params"] = {"amp_uV": round(amp * 1e6, 1), "rate_hz": round(rate, 2),
                            "n_bursts": nb}
    return _finish(b, p)


def emg_voluntary_tapping(rng):
    """Voluntary foot tapping from rest, calf EMG: quiet 1-4 s, then one plantarflexor burst of
    100-250 ms per tap at 1-4 Hz (the tapping rates of :func:`generators.foot_tapping`; Repp
    2005), timing CV 5-10 %, burst peak 100-800 uV (assumed)."""
    dur, fs, p = _common(rng)
    t0 = float(rng.uniform(1.0, 4.0))
    rate = float(rng.uniform(1.0, 4.0))
    amp = float(np.exp(rng.uniform(np.log(100e-6), np.log(800e-6))))
    cv = float(rng.uniform(0.05, 0.1))
    b = _Emg(rng, dur, fs)
    tc, nb = t0, 0
    while tc < dur - 0.3:
        d = min(float(rng.uniform(0.1, 0.25)), 0.6 / rate)
        b.burst(tc, d, amp * float(rng.uniform(0.8, 1.2)))
        nb += 1
        tc += (1.0 / rate) * (1.0 + cv * rng.standard_normal())
    p["category_params"] = {"start_s": round(t0, 2), "rate_hz": round(rate, 2),
                            "amp_uV": round(amp * 1e6, 1), "n_bursts": nb}
    return _finish(b, p)


EMG_CATEGORIES = {
    "emg_pd_rest_tremor": emg_pd_rest_tremor,
    "emg_pd_tremor_exam": emg_pd_tremor_exam,
    "emg_essential_tremor": emg_essential_tremor,
    "emg_shivering": emg_shivering,
    "emg_voluntary_tapping": emg_voluntary_tapping,
}
