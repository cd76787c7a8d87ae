"""Beats right after the release: a short train in the held run's rhythm is counted.

When the examiner lets go of a foot that is still beating, the foot falls back towards rest and
the reflex loop can go on for a beat or two there (reflex-model section 7, T7). Drawn here: dips
hanging from the held level, a release right after the last held top (the foot falls back to
rest, critically damped), then dips hanging from the rest level. A beat is one dip and its
return: its time is the top reached after the dip. The truth is the number of dips drawn (each
well above the 0.5 deg beat threshold) and their tops.

The two dips after the release give one peak (the first's top, which the second's fall follows)
and a return to rest that the peak rule alone does not see; before this was handled the two
were a one-peak run after a gap (the fall) that no later-run rule counted (independent
generator, ``released/after_beats``: count 76.7 -> 87.1 % on seeds 20000-20599).
"""

from __future__ import annotations

import numpy as np
import pytest
from motion_synth import FINE_HZ, make_recording

import clonus

F_HZ = 5.0  # beat frequency of the held run, Hz
N_HELD = 6


def _released_train(post_period_s: list[float], *, post_gap_s: float = 0.2,
                    held_dip_deg: float = 2.5, post_dip_deg: float = 1.6):
    """Rest, a 15 deg push in 0.2 s at 1.5 s, from 2.0 s ``N_HELD`` sinusoidal dips of
    ``held_dip_deg`` at ``F_HZ`` from the held level, a release 10 ms after the last top (fall
    to rest, tau 40 ms), then from ``post_gap_s`` after the release one dip of ``post_dip_deg``
    per entry of ``post_period_s`` (its period, s) from the rest level; quiet to 7 s.

    Returns the fine time grid (s), the angle (deg) and the true beat times (s)."""
    t = np.arange(0.0, 7.0, 1.0 / FINE_HZ)
    u = np.clip((t - 1.5) / 0.2, 0, 1)
    th = 15.0 * (10 * u**3 - 15 * u**4 + 6 * u**5)
    tops = []
    t0 = 2.0
    for k in range(N_HELD):
        s = t0 + k / F_HZ
        m = (t >= s) & (t < s + 1 / F_HZ)
        th[m] -= 0.5 * held_dip_deg * (1 - np.cos(2 * np.pi * F_HZ * (t[m] - s)))
        tops.append(s + 1 / F_HZ)
    rel = tops[-1] + 0.01
    tau = 0.04
    after = t >= rel
    v = (t[after] - rel) / tau
    th[after] = 15.0 * (1 + v) * np.exp(-v)
    s = rel + post_gap_s
    for p in post_period_s:
        m = (t >= s) & (t < s + p)
        th[m] -= 0.5 * post_dip_deg * (1 - np.cos(2 * np.pi * (t[m] - s) / p))
        tops.append(s + p)
        s += p
    return t, th, np.array(tops)


@pytest.mark.parametrize("sensor", ["goniometer", "gyro"])
def test_two_beats_after_the_release_in_the_held_rhythm_are_counted(sensor) -> None:
    t, th, tops = _released_train([1 / F_HZ, 1 / F_HZ])
    rec = make_recording(t, th, fs=200.0, sensor=sensor, rng=np.random.default_rng(11),
                         orientation="aligned")
    a = clonus.assess(rec)
    assert a.classification == "clonus", a.reason
    times = np.array([b.time_s for b in a.beats])
    # truth: 6 held dips + 2 after the release (the old rule counted 6)
    assert a.n_beats == N_HELD + 2, (times, tops)
    # each beat within 30 ms of its true top
    assert np.max(np.abs(times - tops)) < 0.03, (times, tops)
    assert a.metrics["released_train_s"] == pytest.approx(tops[-2:], abs=0.03)
    # the frequency is the held run's (its 5 intervals; the train's interval is left out)
    assert a.frequency_hz == pytest.approx(F_HZ, abs=0.15)
    assert a.metrics["release_s"] is not None


def test_two_dips_after_the_release_off_the_held_rhythm_are_not_counted() -> None:
    """Two dips 0.36 s apart after a 0.2 s held rhythm (1.8 periods): not the same loop going
    on, so only the 6 held beats count."""
    t, th, _ = _released_train([0.36, 0.36])
    rec = make_recording(t, th, fs=200.0, sensor="goniometer", rng=np.random.default_rng(12))
    a = clonus.assess(rec)
    assert a.classification == "clonus", a.reason
    assert a.n_beats == N_HELD, [b.time_s for b in a.beats]
    assert "released_train_s" not in a.metrics


def test_one_dip_after_the_release_has_no_rhythm_to_keep() -> None:
    """A single dip after the release has no interval to compare with the held rhythm: it is
    not counted (the peak rule sees no peak in it; nothing is added)."""
    t, th, _ = _released_train([1 / F_HZ])
    rec = make_recording(t, th, fs=200.0, sensor="goniometer", rng=np.random.default_rng(13))
    a = clonus.assess(rec)
    assert a.n_beats == N_HELD, [b.time_s for b in a.beats]
    assert "released_train_s" not in a.metrics
