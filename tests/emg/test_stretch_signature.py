"""EMG alone: without a sign of the stretch, tapping and tremor spells are not called clonus.

``assess_emg`` (docs/emg.md, "No stretch response standing out") declines a clonic run whose
first burst is not >= ``stretch_response_ratio`` x the median beat (no reflex response to a
brisk stretch in the EMG) when its rhythm is slower than ``voluntary_max_hz`` (voluntary
tapping range) or comparable bursts come back after the muscle fell silent (tremor and
shivering in spells); and a run whose beats wax in after their first burst (a voluntary lift
followed by a postural tremor). Each case below was called clonus before these checks.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from clonus import Recording
from clonus.emg.clinical import EmgConfig, assess_emg
from clonus.exceptions import InvalidParameterError
from clonus.simulate.spasms import simulate_clonus_emg

#: the beat-train checks (docs/emg.md, "The beat train"), off: the recordings below were
#: called clonus before any of the EMG-alone checks
TRAIN_OFF = {"max_regrowth": 0, "min_rhythm_peak_ratio": 0, "slow_response_ratio": 0,
             "max_train_s": 0}

FS = 2000.0


def _rec(x: np.ndarray) -> Recording:
    return Recording.from_array(x, fs=FS, names=["EMG soleus"], kinds="emg", units="V")


def _assess(rec, config=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return assess_emg(rec, config=config)


def _burst(x, rng, t_s, dur_s, amp_v):
    i0, m = int(t_s * FS), int(dur_s * FS)
    x[i0 : i0 + m] += rng.normal(0.0, 1.0, m) * np.hanning(m) * amp_v


def _tapping(rate_hz, *, seed, start_s=2.0, duration_s=14.0, first_x=1.0):
    """Voluntary tapping from rest: one 150 ms plantarflexor burst per tap (5 % timing
    jitter), 200 uV; the first burst ``first_x`` times as large."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 3e-6, int(duration_s * FS))
    tc, k = start_s, 0
    while tc < duration_s - 0.3:
        _burst(x, rng, tc, 0.15, 200e-6 * (first_x if k == 0 else rng.uniform(0.9, 1.1)))
        tc += (1.0 / rate_hz) * (1.0 + 0.05 * rng.normal())
        k += 1
    return _rec(x)


@pytest.mark.parametrize(("rate", "seed"), [(3.0, 1), (3.3, 2), (3.6, 3)])
def test_tapping_from_rest_is_indeterminate(rate, seed):
    rec = _tapping(rate, seed=seed)
    a = _assess(rec)
    assert a.classification == "indeterminate", a.reason
    assert "voluntary foot tapping" in a.reason and "motion channel" in a.reason
    assert a.n_beats == 0 and not a.pathological and a.grades == {}
    assert any("motion channel" in w for w in a.warnings)
    # without the check it was counted as sustained clonus
    off = _assess(rec, EmgConfig(stretch_response_ratio=0, **TRAIN_OFF))
    assert off.classification == "clonus" and off.n_beats >= 3


@pytest.mark.parametrize("seed", [1, 2])
def test_slow_rhythm_opening_with_a_stretch_response_is_still_clonus(seed):
    """The same slow rhythm opening with a burst 2.5 x the beats (a reflex response to a brisk
    stretch) is still clonus: the check is not a frequency limit."""
    a = _assess(_tapping(3.3, seed=seed, first_x=2.5))
    assert a.classification == "clonus", a.reason
    assert a.frequency_hz == pytest.approx(3.3, rel=0.08)


def _with_later_bursts(seed, *, response_x=1.0):
    """simulate_clonus_emg: 8 beats at 5.5 Hz from 2 s; then, after 2.5 s of silence,
    irregular bursts (30-80 ms, 9 per s, CV 0.3) as large as the beats for 4 s."""
    s = simulate_clonus_emg(fs=FS, n_beats=8, frequency_hz=5.5, start_s=2.0, duration_s=14.0,
                            seed=seed)
    x = np.array(s.recording.data[0], dtype=float)
    clean = _assess(s.recording)
    assert clean.classification == "clonus"
    if response_x != 1.0:
        b0 = next(b for b in clean.metrics["bursts"] if b["onset_s"] == clean.stretch_onset_s)
        x[int(b0["onset_s"] * FS) : int(b0["offset_s"] * FS)] *= response_x
    beat_v = float(np.median([b.amplitude for b in clean.beats])) * 1e-6
    rng = np.random.default_rng(seed)
    tc = 6.5
    while tc < 10.5:
        _burst(x, rng, tc, rng.uniform(0.03, 0.08), 1.5 * beat_v * rng.uniform(0.7, 1.3))
        tc += max(0.04, (1.0 / 9.0) * (1.0 + 0.3 * rng.normal()))
    return _rec(x)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_activity_coming_back_after_silence_is_indeterminate(seed):
    rec = _with_later_bursts(seed)
    a = _assess(rec)
    assert a.classification == "indeterminate", a.reason
    assert "fallen silent" in a.reason and "motion channel" in a.reason
    assert a.n_beats == 0 and a.grades == {}
    off = _assess(rec, EmgConfig(stretch_response_ratio=0, **TRAIN_OFF))
    assert off.classification == "clonus"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_response_standing_out_keeps_clonus_despite_later_activity(seed):
    """With its reflex response 3 x as large, the same test is clonus (8 beats)."""
    a = _assess(_with_later_bursts(seed, response_x=3.0))
    assert a.classification == "clonus", a.reason
    assert abs(a.n_beats - 8) <= 1


@pytest.mark.parametrize(("freq", "seed"), [(6.0, 1), (7.0, 2)])
def test_tremor_waxing_in_after_a_voluntary_lift_is_not_clonus(freq, seed):
    """A voluntary lift (a 0.5 s burst as large as the tremor) followed by a postural tremor
    that builds up over 1.5 s: the opening (lift, first cycles) passed the waxing check, the
    beats after the lift do not."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 3e-6, int(16 * FS))
    _burst(x, rng, 2.0, 0.5, 150e-6)
    tc = 2.7
    while tc < 15.8:
        g = min(1.0, 0.15 + (tc - 2.7) / 1.5)
        _burst(x, rng, tc, 0.4 / freq, 150e-6 * g * rng.uniform(0.85, 1.15))
        tc += (1.0 / freq) * (1.0 + 0.02 * rng.normal())
    a = _assess(_rec(x))
    assert a.classification == "rhythmic_not_clonus", a.reason
    assert "after their first burst" in a.reason
    assert a.metrics["rhythm_frequency_hz"] == pytest.approx(freq, rel=0.05)
    off = _assess(_rec(x), EmgConfig(max_build_up=0, **TRAIN_OFF))
    assert off.classification == "clonus"


@pytest.mark.parametrize("name", ["stretch_response_ratio", "voluntary_max_hz", "max_active_after"])
def test_new_settings_are_validated(name):
    with pytest.raises(InvalidParameterError, match=name):
        EmgConfig(**{name: -1})
