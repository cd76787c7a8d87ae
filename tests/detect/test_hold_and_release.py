"""The end of the hold: a release is a fall the foot stays down from, not the reflex kick.

A brisk stretch can be answered by a plantarflexion kick deeper than half the stretch; the
examiner, still holding, brings the foot back up within a fraction of a second. Taken for a
release, it cut a 12 s hold to 0.2 s (simulated held trials: 12 of 61), and with it the
Tardieu 10 s criterion and the fatigability wording.
"""

from __future__ import annotations

import numpy as np
import pytest
from motion_synth import FINE_HZ, make_recording

from clonus.detect.motion import assess_motion


def _kick_then_clonus(*, release_s: float | None, kick_deg: float = 20.0,
                      clonus_s: float = 20.0):
    t = np.arange(0, 13.0, 1 / FINE_HZ)
    ramp = np.clip((t - 0.5) / 0.1, 0, 1)
    stretch = 15.0 * (0.5 - 0.5 * np.cos(np.pi * ramp))
    # kick: a 0.6 s dip of kick_deg right after the stretch peak, the examiner pushes back
    tk = t - 0.62
    kick = np.where((tk > 0) & (tk < 0.6), -kick_deg * np.sin(np.pi * tk / 0.6) ** 2, 0.0)
    tc = t - 1.0
    clonus = np.where((tc > 0) & (tc < clonus_s), -1.5 * (1 - np.cos(2 * np.pi * 5.0 * tc)), 0.0)
    theta = stretch + kick + clonus
    if release_s is not None:
        fall = np.clip((t - release_s) / 0.15, 0, 1)
        theta = np.where(t < release_s, theta, 0.0) + 0.0
        level = theta[int(release_s * FINE_HZ) - 1]
        theta = np.where(t < release_s, theta, level * (1 - (0.5 - 0.5 * np.cos(np.pi * fall))))
    return t, theta


@pytest.mark.parametrize("sensor", ["goniometer", "gyro"])
def test_reflex_kick_is_not_taken_for_a_release(sensor, rng):
    """Fatigable clonus (3 s) in a 12.5 s hold that begins with a deep kick."""
    t, theta = _kick_then_clonus(release_s=None, clonus_s=3.0)
    a = assess_motion(make_recording(t, theta, fs=100.0, sensor=sensor, rng=rng))
    assert a.classification == "clonus"
    assert a.metrics["release_s"] is None
    # the hold runs from the stretch onset (0.5 s) to the end of the 13 s recording
    assert a.metrics["hold_duration_s"] == pytest.approx(12.5, abs=0.1)
    assert a.metrics["continued_until_release"] is False
    assert "fatigable" in a.reason and not a.sustained


def test_a_fall_the_foot_stays_down_from_is_a_release(rng):
    t, theta = _kick_then_clonus(release_s=6.0)
    a = assess_motion(make_recording(t, theta, fs=100.0, sensor="goniometer", rng=rng))
    # the release is placed at the last maximum of the 2 Hz-smoothed angle before the fall,
    # which a beating foot moves by up to one beat period (0.2 s at 5 Hz)
    assert a.metrics["release_s"] == pytest.approx(6.0, abs=0.25)
    assert not a.sustained
