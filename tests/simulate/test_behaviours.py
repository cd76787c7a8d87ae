"""Behaviours T1-T7 and T10-T13 of reflex-model.md §11 (the hard ones).

Anchors marked "reference" are the values the spec's reference implementation gave for the
same equations; they are regression anchors, not literature facts. Each tolerance is
commented. Soft behaviours T8, T9, T14 are reported in docs/simulator.md, not asserted.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy.signal import find_peaks

from clonus.simulate import (
    Manoeuvre,
    ReflexParams,
    critical_gain,
    critical_gain_time_domain,
    linear_check_params,
    simulate,
    simulate_trial,
    sustained_gain_threshold,
)


def _peaks(res, t_min=0.7):
    th = np.degrees(res.theta_rad)
    pk, _ = find_peaks(th, prominence=0.5, distance=int(0.08 / res.dt_s))
    return pk[res.t_s[pk] > t_min]


def _last_pp_deg(res, seconds=1.0):
    th = np.degrees(res.theta_rad)
    return float(np.ptp(th[res.t_s >= res.t_s[-1] - seconds]))


def _freq(res, last_s=4.0):
    pk = _peaks(res)
    pk = pk[res.t_s[pk] > res.t_s[-1] - last_s]
    return 1.0 / float(np.median(np.diff(res.t_s[pk])))


# ----------------------------------------------------------------------------- T1
def test_t1_sustained_frequency_in_clinical_band():
    # Test band [3.5, 8] Hz from reflex-model.md T1 (Wallace 2012: 5.4 ± 0.9 Hz; Boyraz 2015).
    held = simulate(ReflexParams(gain=0.02), duration_s=8.0)
    assert 3.5 <= _freq(held) <= 8.0
    # Nominal is "about 5-6 Hz" (reference 5.04 Hz): allow 4.5-6 Hz around it.
    assert 4.5 <= _freq(held) <= 6.0
    pure_force = simulate(ReflexParams(gain=0.02, hand_stiffness_nm_per_rad=0.0), duration_s=8.0)
    assert 3.5 <= _freq(pure_force) <= 8.0
    trial = simulate_trial(mode="released", gain=0.02, duration_s=4.0, seed=0, noise=False)
    assert trial.truth.frequency_hz is not None and 3.5 <= trial.truth.frequency_hz <= 8.0


# ----------------------------------------------------------------------------- T2
def test_t2_linear_critical_gain_matches_reference_analysis():
    p = ReflexParams(spindle="linear")
    g_on, f_on = critical_gain(p)
    g_off, f_off = critical_gain(p, hand_on=False)
    # Spec §10 values for the same transfer function (4-5 significant digits quoted).
    assert g_on == pytest.approx(0.0073617, rel=1e-4)
    assert f_on == pytest.approx(5.050, abs=0.001)
    assert g_off == pytest.approx(0.0062487, rel=1e-4)
    assert f_off == pytest.approx(5.467, abs=0.001)


def test_t2_time_domain_critical_gain_within_2_percent():
    p = ReflexParams()
    g_an, f_an = critical_gain(linear_check_params(p))
    g_td = critical_gain_time_domain(p)
    # Issue: analytic and simulated critical gain agree within 2 %.
    assert abs(g_td - g_an) / g_an < 0.02
    # Just above G_c the linear loop oscillates at f_c (reference: 5.0505 vs 5.0504 Hz);
    # 0.05 Hz ~ the resolution of 1/median period over a few seconds at dt = 0.25 ms.
    lin = dataclasses.replace(linear_check_params(p), gain=1.02 * g_an)
    res = simulate(lin, Manoeuvre(push_torque_nm=1.0, hold_torque_nm=0.5), duration_s=8.0)
    th = res.theta_rad - np.mean(res.theta_rad[res.t_s > 4])
    up = np.flatnonzero((th[:-1] < 0) & (th[1:] >= 0))
    up = up[res.t_s[up] > 4.0]
    f_td = 1.0 / np.median(np.diff(res.t_s[up]))
    assert f_td == pytest.approx(f_an, abs=0.05)


def test_t2_holds_across_delays():
    # The 2 % agreement is not a coincidence of the nominal point: check short and long delays.
    for d in (0.02, 0.07):
        p = ReflexParams().with_delay(d)
        g_an, _ = critical_gain(linear_check_params(p))
        assert abs(critical_gain_time_domain(p) - g_an) / g_an < 0.02


# ----------------------------------------------------------------------------- T3
def test_t3_onset_above_critical_gain_and_monotonic_amplitude():
    g_sus = sustained_gain_threshold()
    # Reference nonlinear held G_c ≈ 0.0134 for sustained clonus; ±10 % for integration details.
    assert g_sus == pytest.approx(0.0134, rel=0.10)
    below = simulate(ReflexParams(gain=0.005), duration_s=8.0)
    assert len(_peaks(below)) <= 3  # decays: at most a few beats
    assert _last_pp_deg(below) < 1.0
    assert _last_pp_deg(simulate(ReflexParams(gain=0.8 * g_sus), duration_s=8.0)) < 1.0
    assert _last_pp_deg(simulate(ReflexParams(gain=1.3 * g_sus), duration_s=8.0)) > 1.0
    amps = [_last_pp_deg(simulate(ReflexParams(gain=g), duration_s=8.0))
            for g in (0.015, 0.02, 0.03, 0.04)]
    assert all(b > a for a, b in zip(amps, amps[1:], strict=False)), amps


# ----------------------------------------------------------------------------- T4
def test_t4_frequency_falls_with_delay():
    delays = (0.02, 0.03, 0.04, 0.05, 0.06, 0.08)
    f = [_freq(simulate(ReflexParams(gain=0.015).with_delay(d), duration_s=8.0))
         for d in delays]
    assert all(b < a for a, b in zip(f, f[1:], strict=False)), f
    # Regression anchors (reference implementation): 6.16, 5.56, 5.06, 4.61, 4.23, 3.60 Hz;
    # 0.15 Hz = the benchmark's frequency tolerance.
    np.testing.assert_allclose(f, [6.16, 5.56, 5.06, 4.61, 4.23, 3.60], atol=0.15)
    fc = [critical_gain(ReflexParams(spindle="linear").with_delay(d))[1] for d in delays]
    assert all(b < a for a, b in zip(fc, fc[1:], strict=False))


# ----------------------------------------------------------------------------- T5
def test_t5_longer_delay_is_less_stable():
    g = [sustained_gain_threshold(ReflexParams().with_delay(d), rel_tol=0.02)
         for d in (0.02, 0.04, 0.08)]
    assert g[0] > g[1] > g[2], g
    # Reference: 0.0184, 0.0134, 0.0091; ±15 % (bisection tolerance 2 %, shorter runs).
    np.testing.assert_allclose(g, [0.0184, 0.0134, 0.0091], rtol=0.15)
    # At G = 0.015: 20 ms not sustained, >= 40 ms sustained.
    assert _last_pp_deg(simulate(ReflexParams(gain=0.015).with_delay(0.02), duration_s=8)) < 1
    for d in (0.04, 0.06, 0.08):
        assert _last_pp_deg(simulate(ReflexParams(gain=0.015).with_delay(d), duration_s=8)) > 1
    # Linear analysis agrees on the direction.
    gl = [critical_gain(ReflexParams().with_delay(d))[0] for d in (0.02, 0.04, 0.08)]
    assert gl[0] > gl[1] > gl[2]


# ----------------------------------------------------------------------------- T6
def test_t6_lower_threshold_none_transient_sustained():
    def run(rth):
        return simulate(ReflexParams(gain=0.02, threshold_hz=rth), duration_s=8.0)

    high = run(35.0)
    assert len(_peaks(high)) <= 1 and _last_pp_deg(high) < 0.5  # none
    mid = run(30.0)
    assert len(_peaks(mid)) >= 3 and _last_pp_deg(mid) < 1.0   # small, not sustained
    pps = [_last_pp_deg(run(r)) for r in (27.0, 20.0, 15.0)]
    assert all(p > 1.0 for p in pps)                             # sustained
    assert pps[0] < pps[1] < pps[2]                              # rising as threshold falls


# ----------------------------------------------------------------------------- T7
def test_t7_held_infatigable_released_stops():
    for g in (0.02, 0.04):
        held = simulate_trial(mode="held", gain=g, duration_s=12.0, seed=1)
        assert held.truth.sustained
        assert held.truth.tardieu_grade == 4
        assert held.truth.clonus_duration_s > 10.0   # Tardieu: infatigable > 10 s
        assert held.truth.n_beats >= 45              # reference 47-57 beats in 10-12 s
        rel = simulate_trial(mode="released", gain=g, duration_s=12.0, seed=1)
        assert not rel.truth.sustained
        assert 1 <= rel.truth.n_beats <= 5           # reference: 3 beats at every G
        assert rel.truth.beat_times_s[-1] < rel.truth.manoeuvre["release_s"] + 1.0


# ----------------------------------------------------------------------------- T10
def test_t10_limit_cycle_independent_of_initial_stretch():
    p = ReflexParams(gain=0.02, hand_stiffness_nm_per_rad=0.0)
    orbits, peaks = [], []
    for push in (8.0, 14.0, 25.0):
        res = simulate(p, Manoeuvre(push_torque_nm=push), duration_s=12.0)
        peaks.append(float(np.degrees(res.theta_rad).max()))
        orbits.append((_freq(res), _last_pp_deg(res, 2.0)))
    assert peaks[0] < peaks[1] < peaks[2]            # very different initial stretches
    f, pp = np.array(orbits).T
    # Same orbit: reference identical to 1e-5; allow 0.5 % (1 step in 200 ms periods is 0.1 %).
    np.testing.assert_allclose(f, f[0], rtol=0.005)
    np.testing.assert_allclose(pp, pp[0], rtol=0.005)


# ----------------------------------------------------------------------------- T11
def test_t11_waveform_asymmetry_and_long_first_beat():
    res = simulate(ReflexParams(gain=0.02), duration_s=8.0)
    th = np.degrees(res.theta_rad)
    t = res.t_s
    pk = _peaks(res)
    tr, _ = find_peaks(-th, prominence=0.5, distance=int(0.08 / res.dt_s))
    late_pk = pk[t[pk] > 4.0]
    pf, per = [], []
    for a, b in zip(late_pk, late_pk[1:], strict=False):
        trough = tr[(tr > a) & (tr < b)]
        if trough.size == 1:
            pf.append(t[trough[0]] - t[a])           # peak -> trough: plantarflexion
            per.append(t[b] - t[a])
    frac = float(np.median(np.array(pf) / np.array(per)))
    # Boyraz 2015: PF 45 %, DF 55 % (reference 0.47): accept PF in [0.40, 0.50].
    assert 0.40 <= frac <= 0.50, frac
    trial = simulate_trial(mode="held", gain=0.02, seed=0, noise=False, duration_s=6.0)
    bt = np.array(trial.truth.beat_times_s)
    first, steady = bt[1] - bt[0], float(np.median(np.diff(bt[-10:])))
    assert first > steady * 1.03  # first beat longer (reference 212 vs 198.5 ms, +6.8 %)


# ----------------------------------------------------------------------------- T12
def test_t12_emg_bursts_lock_to_lengthening():
    trial = simulate_trial(mode="held", gain=0.03, seed=2, duration_s=8.0,
                           sensors=("emg_mu",), noise=False)
    sim = trial.sim
    t, om = sim.t_s, sim.omega_rad_s
    delay = sim.params.loop_delay_s
    starts = np.flatnonzero((om[:-1] <= 0) & (om[1:] > 0))  # lengthening onsets
    starts = t[starts[(t[starts] > 3.0) & (t[starts] < 7.5)]]
    onsets = np.array(trial.truth.emg_burst_onsets_s)
    lat = []
    for s in starts:
        nxt = onsets[(onsets > s) & (onsets < s + 0.2)]
        assert nxt.size == 1  # one burst per cycle
        lat.append(nxt[0] - s)
    lat = np.array(lat)
    # Latency ≈ loop delay + threshold time (reference 45.7 ms with a 40 ms delay):
    # at least the loop delay, at most loop delay + 30 ms.
    assert np.all(lat >= delay) and np.all(lat <= delay + 0.030), lat
    # Wallace 2005: 98 % of motor units fire once per cycle (reference median 1.04).
    n_cycles = starts.size
    spikes = trial.motor_unit_spikes_s
    per_unit = [np.sum((s > starts[0]) & (s < starts[-1])) / (n_cycles - 1)
                for s in spikes if np.sum((s > starts[0]) & (s < starts[-1])) > 0]
    assert len(per_unit) >= 50
    assert 0.8 <= float(np.median(per_unit)) <= 1.3


# ----------------------------------------------------------------------------- T13
def test_t13_gyro_and_emg_envelope_spectra_peak_at_clonus_frequency():
    from scipy.signal import butter, sosfiltfilt, welch

    trial = simulate_trial(mode="held", gain=0.03, seed=5, duration_s=12.0,
                           sensors=("imu", "emg"), orientation="random", noise=True)
    f0 = trial.truth.frequency_hz
    mot = trial.recordings["motion"]
    seg = mot.times_s > 2.0
    psd = 0
    for ax in ("gyro_x", "gyro_y", "gyro_z"):
        x = mot.get(ax)[seg]
        f, p = welch(x - x.mean(), fs=mot.fs, nperseg=int(2 * mot.fs))  # 0.5 Hz bins
        psd = psd + p
    band = (f > 2) & (f < 15)
    # Peak within one 0.5 Hz bin of the true frequency (reference: gyro 5.08 Hz).
    assert abs(f[band][np.argmax(psd[band])] - f0) <= 0.5
    emg = trial.recordings["emg"]
    env = np.abs(emg.get("emg"))
    env = sosfiltfilt(butter(2, 20.0, fs=emg.fs, output="sos"), env)[emg.times_s > 2.0]
    f, p = welch(env - env.mean(), fs=emg.fs, nperseg=int(2 * emg.fs))
    band = (f > 2) & (f < 15)
    assert abs(f[band][np.argmax(p[band])] - f0) <= 0.5  # reference EMG envelope 4.9 Hz
