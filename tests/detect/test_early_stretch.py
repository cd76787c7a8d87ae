"""A recording (or another simulator's output) that starts with the push, with no rest before
it: the clonus is still counted when the stretch dwarfs the beats; a tremor is not."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import clonus
from clonus.simulate import simulate_trial
from clonus.simulate.params import Manoeuvre


def _assess(rec):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return clonus.assess(rec)


@pytest.mark.parametrize("push_s", [0.05, 0.1, 0.25])
@pytest.mark.parametrize(("mode", "sensors"), [("held", ("imu",)), ("released", ("goniometer",))])
def test_push_at_the_start_is_counted(push_s, mode, sensors):
    tr = simulate_trial(mode=mode, gain_ratio=5.0, duration_s=8.0, seed=2, sensors=sensors,
                        fs_imu_hz=100.0, manoeuvre=Manoeuvre(mode=mode, push_start_s=push_s))
    a = _assess(tr.recording)
    assert a.classification == "clonus", a.reason
    assert abs(a.n_beats - tr.truth.n_beats) <= max(1, 0.05 * tr.truth.n_beats)
    assert abs(a.stretch_onset_s - tr.truth.stretch_onset_s) <= 0.1
    assert a.metrics["stretch_without_rest_before"] is True
    assert any("Start recording before the stretch" in w for w in a.warnings)


@pytest.mark.parametrize(("mode", "sensors"), [("held", ("imu",)), ("released", ("goniometer",))])
def test_push_on_the_first_sample_asks_for_a_new_recording(mode, sensors):
    """A push from the very first sample leaves no sample of the foot before it: that cannot be
    told from a recording started in the middle of a tremor, so no count is made up and the
    user is told to record again from before the stretch. (Until the sign finder counted
    changes from the first sample, such a push was read upside down: its reflex kick's return
    was taken as the stretch, at 0.08 s.)"""
    tr = simulate_trial(mode=mode, gain_ratio=5.0, duration_s=8.0, seed=2, sensors=sensors,
                        fs_imu_hz=100.0, manoeuvre=Manoeuvre(mode=mode, push_start_s=0.0))
    a = _assess(tr.recording)
    assert a.classification != "clonus" and a.n_beats == 0
    assert any("record the test again, starting before the stretch" in w for w in a.warnings)


def test_push_after_rest_is_not_flagged():
    tr = simulate_trial(mode="held", gain_ratio=5.0, duration_s=8.0, seed=2, sensors=("imu",),
                        fs_imu_hz=100.0)
    a = _assess(tr.recording)
    assert a.classification == "clonus" and "stretch_without_rest_before" not in a.metrics


@pytest.mark.parametrize("amp_first", [1.0, 3.0])
def test_tremor_from_the_first_sample_is_not_clonus(rng, amp_first):
    """A 5.5 Hz tremor running from before the recording, its first cycle as large as the rest
    or three times larger (caught mid-movement): no early stretch is taken."""
    fs = 100.0
    t = np.arange(0, 8, 1 / fs)
    env = 1.0 + (amp_first - 1.0) * np.exp(-t / 0.15)
    th = np.deg2rad(2.0 * env * np.sin(2 * np.pi * 5.5 * t + 0.3))
    rec = clonus.Recording.from_array(th[None, :] + rng.normal(0, 2e-4, (1, t.size)), fs=fs,
                                      names=["ankle"], kinds="angle", units="rad")
    a = _assess(rec)
    assert a.classification != "clonus" and a.n_beats == 0
