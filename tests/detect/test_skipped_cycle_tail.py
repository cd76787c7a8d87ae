"""A fading run whose last cycles alternately clear and miss the beat threshold.

The truth is the shared beat definition (reflex-model.md section 8: every dorsiflexion peak with
prominence >= 0.5 deg, >= 80 ms apart) applied to the clean angle on a fine grid. In the tail
every other cycle stays under it, so the truth's beats there are two periods apart; the simulator
produced such tails (accuracy benchmark, seeds 1, 2, 5: runs of 10-27 beats undercounted by 2-3).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from motion_synth import FINE_HZ, _ramp, make_recording
from scipy.signal import find_peaks

import clonus

FREQ_HZ = 5.0
N_MAIN = 12  # cycles of the fading run, every one a beat
N_TAIL = 10  # cycles whose tops alternate between the held level and 0.3 deg below it
T_PEAK_S = 0.62  # end of the stretch


def _angle(tail_shift_periods: float = 0.0):
    """Clean angle (deg) on the fine grid and the shared definition's beat times (s).

    Extremes joined by half cosines: tops at the held level (0) a period apart, bottoms in
    between, fading from 2.5 to 0.8 deg; then a tail whose bottoms stay at -0.6 deg and whose
    tops alternate -0.3 / 0 deg (prominence 0.3 / 0.6 deg). ``tail_shift_periods`` moves the
    tail's counted tops off the run's period grid.
    """
    t = np.arange(0.0, 12.0, 1.0 / FINE_HZ)
    theta = 12.0 * _ramp(t, 0.5, 0.12)
    amps = 2.5 * np.exp(np.log(0.8 / 2.5) * np.arange(N_MAIN) / (N_MAIN - 1))
    ext_t, ext_v = [T_PEAK_S], [0.0]
    for k in range(N_MAIN):
        ext_t += [T_PEAK_S + (k + 0.5) / FREQ_HZ, T_PEAK_S + (k + 1) / FREQ_HZ]
        ext_v += [-amps[k], 0.0]
    for j in range(N_TAIL):
        k = N_MAIN + j
        shift = tail_shift_periods / FREQ_HZ if j % 2 else 0.0
        ext_t += [T_PEAK_S + (k + 0.5) / FREQ_HZ, T_PEAK_S + (k + 1) / FREQ_HZ + shift]
        ext_v += [-0.6, -0.3 if j % 2 == 0 else 0.0]
    ext_t += [ext_t[-1] + 0.5 / FREQ_HZ, ext_t[-1] + 1.5 / FREQ_HZ, 12.0]
    ext_v += [-0.6, -0.3, -0.3]
    x = np.zeros_like(t)
    for a, b, va, vb in zip(ext_t[:-1], ext_t[1:], ext_v[:-1], ext_v[1:], strict=True):
        m = (t >= a) & (t < b)
        u = (t[m] - a) / (b - a)
        x[m] = va + (vb - va) * (0.5 - 0.5 * np.cos(np.pi * u))
    theta = theta + x
    pk, _ = find_peaks(theta, prominence=0.5, distance=int(0.08 * FINE_HZ))
    truth = t[pk][t[pk] > T_PEAK_S + 0.04]
    return t, theta, truth


def _assess(rec):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return clonus.assess(rec)


def test_truth_skips_cycles_in_the_tail():
    _, _, truth = _angle()
    iv = np.diff(truth)
    assert np.sum(np.isclose(iv, 1.0 / FREQ_HZ, atol=0.01)) == N_MAIN - 1
    assert np.sum(np.isclose(iv, 2.0 / FREQ_HZ, atol=0.01)) == N_TAIL // 2


@pytest.mark.parametrize("fs", [100.0, 200.0, 400.0])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_beats_of_a_tail_that_skips_cycles_are_counted(fs, seed):
    t, theta, truth = _angle()
    rec = make_recording(t, theta, fs=fs, sensor="gyro", rng=np.random.default_rng(seed))
    a = _assess(rec)
    assert a.classification == "clonus"
    # every truth beat found within 15 ms, and no other (the run alone gives 12 of 17)
    assert a.n_beats == len(truth)
    got = np.array([b.time_s for b in a.beats])
    assert np.max(np.abs(got - truth)) < 0.015
    # the skipped cycles do not halve the frequency
    assert a.frequency_hz == pytest.approx(FREQ_HZ, abs=0.05)
    assert len(a.metrics["skipped_cycle_tail_s"]) == N_TAIL // 2


def test_peaks_off_the_run_period_are_not_added():
    # the tail's clear tops moved by 0.45 of a period: not the run's rhythm
    t, theta, truth = _angle(tail_shift_periods=0.45)
    rec = make_recording(t, theta, fs=200.0, sensor="gyro", rng=np.random.default_rng(0))
    a = _assess(rec)
    assert a.classification == "clonus"
    assert "skipped_cycle_tail_s" not in a.metrics
    assert a.n_beats <= N_MAIN + 1
