"""The corner where a held foot is released is not a beat.

A 4th-order Butterworth low-pass run forward and back overshoots on both sides of a steep
movement (0.068 x its height half a period before and after it). Where a held foot starts to
fall at the release, that overshoot is a bump with a steep fall after it: a peak with a large
prominence on the Butterworth signal where the true angle has none (the simulated benchmark:
seed 4, trial 171, an extra beat at the release changed 6.5 Hz into 7.7 Hz). The truth is the
shared beat definition (reflex-model.md section 8) on the clean angle on a fine grid.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from motion_synth import FINE_HZ, _ramp, make_recording
from scipy.signal import find_peaks

import clonus


def _released_after_a_sag(fall_deg: float, fall_s: float):
    """Clean angle (deg, fine grid): a 12 deg stretch, 4 decaying beats at 5.5 Hz, the hold
    sagging at 1.5 deg/s for 0.3 s, then the release: a fall of ``fall_deg`` in ``fall_s``.
    The true angle has no peak where the fall starts (it sags into it); returns the angle, the
    shared definition's beat times (s) and the release time (s)."""
    t = np.arange(0.0, 4.0, 1.0 / FINE_HZ)
    theta = 12.0 * _ramp(t, 0.5, 0.12)
    t_pk, f, n = 0.62, 5.5, 4
    m = (t > t_pk) & (t < t_pk + n / f)
    u = t[m] - t_pk
    theta[m] -= 0.5 * 3.0 * np.exp(-0.8 * u) * (1 - np.cos(2 * np.pi * f * u))
    end = t_pk + n / f
    theta[t > end] -= 1.5 * (t[t > end] - end)
    release = end + 0.3
    theta -= fall_deg * _ramp(t, release, fall_s)
    pk, _ = find_peaks(theta, prominence=0.5, distance=int(0.08 * FINE_HZ))
    return t, theta, t[pk][t[pk] > t_pk + 0.04], release


@pytest.mark.parametrize("fall_deg,fall_s", [(20.0, 0.06), (25.0, 0.05)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_corner_of_a_release_is_not_a_beat(fall_deg, fall_s, seed):
    # a 4th-order Butterworth run forward and back overshoots before a steep fall: on a
    # goniometer at 100 Hz (noise 0.3 deg, so the least smoothing allowed is the low-pass's
    # own cut-off) the bump where the released foot starts falling, and the ringing after the
    # fall, cleared 0.5 deg (6 beats counted instead of 4 on two of these seeds)
    t, theta, truth, release = _released_after_a_sag(fall_deg, fall_s)
    assert len(truth) == 4 and truth[-1] < release - 0.2
    rec = make_recording(t, theta, fs=100.0, sensor="goniometer", rng=np.random.default_rng(seed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = clonus.assess(rec)
    got = np.array([b.time_s for b in a.beats])
    assert not np.any(got > release - 0.1), got
    assert a.n_beats == len(truth)
