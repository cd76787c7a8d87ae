"""The first and last beats of a run whose beats hang from the held position as dips, and two
verdicts on a quiet hold (docs/motion.md, Beats).

A beat is one plantarflexor contraction: the foot dips and comes back up. When the beats are
dips from a level hold (rather than a centred oscillation), two ends of the run need care:

* the examiner's hand may creep up a little after the push, so the top of the stretch's plateau
  comes after the first velocity zero-crossing: that top is the stretch's own peak, not beat 1;
* the last dip's return to the hold has nothing falling after it, so the peak rule alone does
  not see it: it is still a beat.

Truth here is the number of dips drawn (each 3 deg, far above the 0.5 deg beat threshold), their
times (the top reached after each dip) and amplitudes.
"""

from __future__ import annotations

import numpy as np
import pytest
from motion_synth import FINE_HZ, make_recording

import clonus


def _dips(n_dips: int, creep_deg: float, *, f_hz: float = 6.0, dip_deg: float = 3.0,
          duration_s: float = 6.0):
    """Rest, a 15 deg push in 0.25 s at 1.5 s, the hand creeping up ``creep_deg`` over 0.3 s,
    then from 2.1 s ``n_dips`` sinusoidal dips of ``dip_deg`` hanging from the held level."""
    t = np.arange(0.0, duration_s, 1.0 / FINE_HZ)
    u = np.clip((t - 1.5) / 0.25, 0, 1)
    th = 15.0 * (10 * u**3 - 15 * u**4 + 6 * u**5)
    c = np.clip((t - 1.75) / 0.3, 0, 1)
    th += creep_deg * (3 * c**2 - 2 * c**3)
    t0 = 2.1
    for k in range(n_dips):
        m = (t >= t0 + k / f_hz) & (t < t0 + (k + 1) / f_hz)
        th[m] -= 0.5 * dip_deg * (1 - np.cos(2 * np.pi * f_hz * (t[m] - t0 - k / f_hz)))
    tops = t0 + np.arange(1, n_dips + 1) / f_hz
    return t, th, tops


@pytest.mark.parametrize("sensor", ["goniometer", "gyro"])
@pytest.mark.parametrize("creep_deg", [0.0, 0.3])
@pytest.mark.parametrize("n_dips", [3, 8])
def test_dips_from_a_held_level_are_each_one_beat(n_dips, creep_deg, sensor) -> None:
    t, th, tops = _dips(n_dips, creep_deg)
    rec = make_recording(t, th, fs=200.0, sensor=sensor, rng=np.random.default_rng(3),
                         orientation="aligned")
    a = clonus.assess(rec)
    assert a.classification == "clonus", a.reason
    assert a.n_beats == n_dips, ([b.time_s for b in a.beats], tops)
    times = np.array([b.time_s for b in a.beats])
    assert np.max(np.abs(times - tops)) < 0.03
    amps = np.array([b.amplitude for b in a.beats])
    # every beat is a 3 deg dip (the plateau's top, 0.1-0.5 deg above its start, is not one)
    assert np.all(np.abs(amps - 3.0) < 0.6), amps
    if n_dips >= 5:  # the frequency target (0.15 Hz) is for runs of >= 5 beats
        assert a.frequency_hz == pytest.approx(6.0, abs=0.15)


def test_a_centred_run_that_settles_keeps_the_peak_rule() -> None:
    """The end of a centred decaying oscillation settles about halfway to its last top: no extra
    beat is added there (the reflex-model simulator's runs end this way)."""
    t = np.arange(0.0, 6.0, 1.0 / FINE_HZ)
    u = np.clip((t - 1.0) / 0.1, 0, 1)
    th = 15.0 * 0.5 * (1 - np.cos(np.pi * u))
    s = t - 1.1
    on = s > 0
    # 5 Hz, 3 deg peak-to-peak decaying over ~1.2 s, centred on the held level
    th[on] += 1.5 * np.exp(-s[on] / 0.6) * np.sin(2 * np.pi * 5.0 * s[on] - np.pi / 2)
    from scipy.signal import find_peaks

    pk, _ = find_peaks(th, prominence=0.5, distance=int(0.08 * FINE_HZ))
    n_true = int(np.sum(t[pk] > 1.15))
    rec = make_recording(t, th, fs=200.0, sensor="goniometer", rng=np.random.default_rng(5),
                         noise=False)
    a = clonus.assess(rec)
    assert abs(a.n_beats - n_true) <= 1
    assert "returns_to_hold_s" not in a.metrics


@pytest.mark.parametrize("tremor_deg", [0.02, 0.05, 0.1])
def test_a_tremor_too_small_to_make_a_beat_does_not_make_the_test_rhythmic(tremor_deg) -> None:
    """A push and a quiet hold with an examiner's 10 Hz hand tremor of 0.04-0.2 deg peak-to-peak
    (beats need 0.5 deg): no clonus, not 'rhythmic'. From 0.5 deg it is the hand tremor."""
    fs = 200.0
    t = np.arange(0, 8, 1 / fs)
    u = np.clip((t - 1.5) / 0.2, 0, 1)
    rng = np.random.default_rng(1)
    for amp, want in ((tremor_deg, "no_clonus"), (0.5, "rhythmic_not_clonus")):
        th = 20 * (10 * u**3 - 15 * u**4 + 6 * u**5)
        th = th + amp * np.sin(2 * np.pi * 10 * t) * (t > 1.7) + rng.normal(0, 0.02, t.size)
        rec = clonus.Recording.from_array(np.deg2rad(th), fs=fs, names=["ankle"],
                                          kinds="angle", units="rad")
        a = clonus.assess(rec)
        assert a.classification == want, (amp, a.reason)
        assert a.n_beats == 0


@pytest.mark.parametrize(("stretch_deg", "rise_s"), [(10.0, 0.33), (10.0, 0.4)])
def test_beats_after_a_push_too_slow_for_the_test_are_not_called_tremor(stretch_deg,
                                                                        rise_s) -> None:
    """A 47-57 deg/s dorsiflexion from a quiet foot followed at once by 15 clear 3 deg beats: the
    push is below the test's 60 deg/s, so the answer is 'repeat with a brisk push'
    (indeterminate), not 'tremor'. The same beats after a brisk push are clonus."""
    fs = 200.0
    t = np.arange(0, 8, 1 / fs)

    def rec_for(rise):
        u = np.clip((t - 2.0) / rise, 0, 1)
        th = stretch_deg * (10 * u**3 - 15 * u**4 + 6 * u**5)
        t0 = 2.0 + rise + 0.05
        for k in range(15):
            m = (t >= t0 + k / 6) & (t < t0 + (k + 1) / 6)
            th[m] -= 1.5 * (1 - np.cos(2 * np.pi * 6 * (t[m] - t0 - k / 6)))
        th = th + np.random.default_rng(2).normal(0, 0.05, t.size)
        return clonus.Recording.from_array(np.deg2rad(th), fs=fs, names=["ankle"],
                                           kinds="angle", units="rad")

    slow = clonus.assess(rec_for(rise_s))
    assert slow.classification == "indeterminate", slow.reason
    assert "too slow" in slow.reason and "brisk push" in slow.reason
    assert slow.n_beats == 0
    assert slow.metrics["slow_push"]["peak_velocity_deg_s"] < 60.0
    brisk = clonus.assess(rec_for(0.12))
    assert brisk.classification == "clonus", brisk.reason
    assert abs(brisk.n_beats - 15) <= 1


def test_a_tremor_without_any_push_is_still_tremor() -> None:
    """No dorsiflexion before the rhythm: 'rhythmic_not_clonus' as before."""
    fs = 200.0
    t = np.arange(0, 8, 1 / fs)
    th = 2.0 * np.sin(2 * np.pi * 5.0 * t) * (t > 1.0) + np.random.default_rng(4).normal(
        0, 0.05, t.size)
    rec = clonus.Recording.from_array(np.deg2rad(th), fs=fs, names=["ankle"], kinds="angle",
                                      units="rad")
    a = clonus.assess(rec)
    assert a.classification == "rhythmic_not_clonus", a.reason
    assert "slow_push" not in a.metrics

