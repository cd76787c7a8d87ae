"""Causes of miscounts found on the simulated accuracy benchmark, each tested against ground truth.

Ground truth here is the shared beat definition (reflex-model section 8) applied to the clean,
finely sampled analytic angle: dorsiflexion peaks after the stretch peak with prominence
>= 0.5 deg, >= 80 ms apart. Tolerances are those of the accuracy target (count within 1,
frequency within 0.15 Hz) unless stated.
"""

from __future__ import annotations

import numpy as np
import pytest
from motion_synth import FINE_HZ, G0, clean_angle, make_recording, random_rotation
from scipy.signal import find_peaks

from clonus import Recording
from clonus.detect.motion import assess_motion
from clonus.signal.integrate import integrate, integrate_bandlimited, upsample


def _truth_beats(t, theta, after_s):
    pk, _ = find_peaks(theta, prominence=0.5, distance=int(np.ceil(0.08 * FINE_HZ)))
    bt = t[pk]
    return bt[bt > after_s]


def _smooth_step(t, t0, dur):
    u = np.clip((t - t0) / dur, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * u)


def _kick_then_clonus(*, duration_s, kick_deg, clonus_delay_s, amp_deg, freq_hz, n_cycles):
    """Held 12 deg stretch at 0.5 s, a reflex kick ``kick_deg`` deep right after the stretch peak
    (down in 0.08 s, back over 0.4 s), then clonus ``amp_deg`` peak-to-peak from
    ``clonus_delay_s`` after the stretch peak. Returns t, theta, stretch peak time."""
    t, theta, tr = clean_angle(
        duration_s=duration_s, freq_hz=freq_hz, n_beats=0, amp_deg=0.0, stretch_deg=12.0
    )
    t_pk = tr.stretch_peak_s
    k0 = t_pk + 0.02
    kick = _smooth_step(t, k0, 0.08) - _smooth_step(t, k0 + 0.08, 0.4)
    theta = theta - kick_deg * kick
    c0 = t_pk + clonus_delay_s
    ph = 2 * np.pi * freq_hz * (t - c0)
    osc = np.where((t >= c0) & (ph <= 2 * np.pi * n_cycles), -(amp_deg / 2) * (1 - np.cos(ph)), 0.0)
    return t, theta + osc, t_pk


@pytest.mark.parametrize("clonus_delay_s", [0.55, 0.9])
def test_reflex_kick_larger_than_stretch(clonus_delay_s, rng):
    """A brisk stretch answered by a plantarflexion kick 2.5 x larger than the stretch: the
    stretch (not the kick) sets the sign, and the first beat may come ~1 s after the stretch.
    Before the fixes the sign flipped (the largest excursion was the kick) or the run was
    dropped (first beat > 0.6 s after the stretch peak)."""
    t, th, t_pk = _kick_then_clonus(
        duration_s=6.0, kick_deg=30.0, clonus_delay_s=clonus_delay_s, amp_deg=2.0,
        freq_hz=5.0, n_cycles=15,
    )
    truth = _truth_beats(t, th, t_pk)
    assert len(truth) >= 14  # the construction gives the beats it intends
    a = assess_motion(make_recording(t, th, fs=100.0, sensor="gyro", rng=rng))
    assert a.classification == "clonus"
    assert abs(a.stretch_onset_s - 0.5) < 0.05  # the push starts at 0.5 s
    assert abs(a.n_beats - len(truth)) <= 1
    f_true = 1.0 / np.median(np.diff(truth))
    assert abs(a.frequency_hz - f_true) <= 0.15


def test_sustained_although_the_kick_looks_like_a_release(rng):
    """The kick drops the angle by more than half the stretch, like a release; clonus that goes
    on for 10 s to the end of the recording shows the stretch was held (truth: sustained)."""
    t, th, t_pk = _kick_then_clonus(
        duration_s=12.5, kick_deg=30.0, clonus_delay_s=0.55, amp_deg=2.0, freq_hz=5.0,
        n_cycles=1000,
    )
    truth = _truth_beats(t, th, t_pk)
    a = assess_motion(make_recording(t, th, fs=100.0, sensor="gyro", rng=rng))
    assert a.classification == "clonus"
    assert a.sustained  # hold 12 s >= 10 s, 2 deg > 1 deg in the last second
    assert abs(a.n_beats - len(truth)) <= max(1, 0.05 * len(truth))


def test_beats_nearly_as_large_as_the_stretch(rng):
    """High reflex gain: 10 deg beats after a 12 deg stretch from a quiet foot are clonus (the
    1.5 x stretch-to-beat rule alone called them tremor); tremor already present is still
    rejected by test_negatives."""
    t, th, tr = clean_angle(
        duration_s=6.0, freq_hz=3.5, n_beats=12, amp_deg=10.0, stretch_deg=12.0,
        stretch_speed_deg_s=250.0,
    )
    a = assess_motion(make_recording(t, th, fs=200.0, sensor="gyro", rng=rng))
    assert a.classification == "clonus"
    assert abs(a.n_beats - tr.n_beats) <= 1


def _push_recording(fs, rng, *, knock):
    """Gyroscope + accelerometer of a 25 deg push in 45 ms (peak alpha ~1000 rad/s^2: ~11 g
    tangential at r = 0.10 m) followed by 5 Hz clonus; optionally a 12 g knock that the
    gyroscope does not see."""
    t, th, tr = clean_angle(
        duration_s=5.0, freq_hz=5.0, n_beats=10, amp_deg=3.0, stretch_deg=25.0,
        stretch_speed_deg_s=1100.0,
    )
    n = int(np.floor(t[-1] * fs))
    ts = np.arange(n) / fs
    thr = np.deg2rad(th)
    om_f = np.gradient(thr) * FINE_HZ
    al_f = np.gradient(om_f) * FINE_HZ
    om, al, tht = (np.interp(ts, t, x) for x in (om_f, al_f, thr))
    r = 0.10
    R = random_rotation(rng)
    gyro = R @ np.vstack([np.zeros(n), np.zeros(n), om]) + rng.normal(0, 0.005, (3, n))
    acc = R @ np.vstack([r * al + G0 * np.sin(tht), r * om**2 + G0 * np.cos(tht), np.zeros(n)])
    acc = acc + rng.normal(0, 0.03, (3, n))
    if knock:
        i = int(3.0 * fs)
        acc[:, i : i + 3] += np.array([[80.0], [70.0], [60.0]])  # 12.6 g translation
    rec = Recording.from_array(
        np.vstack([gyro, acc]), fs=fs,
        names=["gyro_x", "gyro_y", "gyro_z", "acc_x", "acc_y", "acc_z"],
        kinds=["gyro"] * 3 + ["acc"] * 3, units=["rad/s"] * 3 + ["m/s^2"] * 3,
    )
    return rec, tr, float(np.max(np.abs(al))) * r / G0


@pytest.mark.parametrize("fs", [50.0, 400.0])
def test_brisk_push_over_8g_is_not_an_impact(fs, rng):
    rec, tr, peak_g = _push_recording(fs, rng, knock=False)
    assert peak_g > 8.0  # the push itself exceeds the 8 g impact threshold
    a = assess_motion(rec)
    assert a.classification == "clonus"
    assert abs(a.n_beats - tr.n_beats) <= 1


def test_knock_over_8g_is_still_an_impact(rng):
    """Negative control: a translation the gyroscope does not see stays an impact."""
    rec, _, _ = _push_recording(200.0, rng, knock=True)
    a = assess_motion(rec)
    assert a.classification == "indeterminate" and "impact" in a.reason


@pytest.mark.parametrize("fs", [50.0, 60.0])
def test_half_degree_beats_at_phone_rates(fs, rng):
    """0.65 deg beats (just above the 0.5 deg threshold, like the simulator's near-critical
    clonus) at 50-60 Hz: sampled extremes miss up to 5 % and trapezoidal integration loses 3 %;
    band-limited integration and peak picking keep them."""
    t, th, tr = clean_angle(duration_s=6.0, freq_hz=5.5, n_beats=20, amp_deg=0.65)
    a = assess_motion(make_recording(t, th, fs=fs, sensor="gyro", rng=rng))
    # 20 beats of 0.65 deg make no clonus run (>= 3 beats over 1 deg, reflex-model section 8)
    # but reach the bedside count (5), so they are clonus, flagged as small
    assert a.classification == "clonus" and a.metrics["clonus_run"] is False
    assert "small" in a.reason
    assert abs(a.n_beats - tr.n_beats) <= 1
    assert abs(a.frequency_hz - tr.frequency_hz) <= 0.15


def test_bandlimited_integration_keeps_amplitude():
    """Analytic: the integral of cos(2 pi f t) has amplitude 1 / (2 pi f). At 50 Hz and 6 Hz the
    trapezoidal rule loses (pi f/fs)/tan(pi f/fs) - 1 = -4.8 %; the band-limited one < 0.5 %."""
    fs, f = 50.0, 6.0
    t = np.arange(0, 10, 1 / fs)
    x = np.cos(2 * np.pi * f * t)
    want = 1 / (2 * np.pi * f)
    mid = slice(int(2 * fs), int(8 * fs))  # away from the ends
    amp_trap = np.ptp(integrate(x, fs=fs, remove_bias=False)[mid]) / 2
    amp_bl = np.ptp(integrate_bandlimited(x, fs=fs)[mid]) / 2
    assert abs(amp_trap / want - 1) > 0.03  # the problem is real
    assert abs(amp_bl / want - 1) < 0.005


def test_upsample_recovers_extremes():
    """A 6 Hz sine sampled at 50 Hz: sampled maxima miss the true 1.0 by up to 1 - cos(pi f/fs)
    (7 %); the interpolated signal's maxima are within 0.5 %."""
    fs, f = 50.0, 6.0
    t = np.arange(0, 5, 1 / fs)
    x = np.sin(2 * np.pi * f * t + 0.3)
    xu, fsu, up = upsample(x, fs=fs, min_fs_hz=400.0)
    assert up == 8 and fsu == 400.0 and len(xu) == 8 * len(x)
    np.testing.assert_allclose(xu[::up][20:-20], x[20:-20], atol=1e-3)  # samples kept
    pk, _ = find_peaks(xu[160:-160])
    assert np.all(np.abs(xu[160:-160][pk] - 1.0) < 0.005)


def test_noisy_goniometer_gives_way_to_the_gyroscope(rng):
    """Goniometer (0.3 deg noise, 0.1 deg steps) and phone gyroscope recorded together: 0.8 deg
    beats are lost in the goniometer's noise but not in the gyroscope, which is then used."""
    t, th, tr = clean_angle(duration_s=6.0, freq_hz=5.0, n_beats=15, amp_deg=0.8)
    gon = make_recording(t, th, fs=100.0, sensor="goniometer", rng=rng)
    gyr = make_recording(t, th, fs=100.0, sensor="gyro", rng=rng)
    rec = Recording.from_array(
        np.vstack([gon.data, gyr.data]), fs=100.0,
        names=["ankle_angle", "gyro_x", "gyro_y", "gyro_z"],
        kinds=["angle", "gyro", "gyro", "gyro"], units=["rad"] + ["rad/s"] * 3,
    )
    a = assess_motion(rec)
    assert a.metrics["source_kind"] == "gyro"
    assert a.metrics["goniometer_noise_deg"] > 0.05
    assert abs(a.n_beats - tr.n_beats) <= 1


@pytest.mark.parametrize("seed_off", [0, 1, 2])
def test_beat_times_on_a_released_stretch(seed_off, rng):
    """Beats riding on the return of a released stretch: a low-pass near 1.6 x the beat frequency
    shifts such peaks (here 4.5-6 ms, up to 15 ms on the simulator); times re-read on the 12 Hz
    signal keep each beat within 4 ms of the truth (the shared definition on the clean angle;
    measured 2.7-3.3 ms, the rest is the 12 Hz filter and gyroscope noise) and the frequency
    within 0.15 Hz even from 3-4 intervals."""
    t, th, tr = clean_angle(
        duration_s=4.0, freq_hz=4.5 + 0.5 * seed_off, n_beats=5, amp_deg=3.0, mode="released",
        release_s=0.7, stretch_deg=15.0,
    )
    assert tr.n_beats >= 4
    a = assess_motion(make_recording(t, th, fs=200.0, sensor="gyro", rng=rng))
    assert a.classification == "clonus" and abs(a.n_beats - tr.n_beats) <= 1
    if a.n_beats == tr.n_beats:
        got = np.array([b.time_s for b in a.beats])
        assert np.max(np.abs(got - tr.beat_times_s)) < 0.004
    assert abs(a.frequency_hz - tr.frequency_hz) <= 0.15
