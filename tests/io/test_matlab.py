"""MATLAB .mat files as simulators and lab scripts save them (scipy.io.savemat writes the same
v5 format as MATLAB's save -v7): variables side by side with a time vector or a rate, and
Simulink's 'Structure With Time'. Counts are checked against the simulator's truth."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.io import savemat

import clonus
from clonus.simulate import simulate_trial


@pytest.fixture(scope="module")
def trial():
    # a simulator's output is noiseless: the ideal angle and angular velocity
    return simulate_trial(mode="held", gain_ratio=3.0, duration_s=8.0, seed=4,
                          sensors=("imu", "goniometer"), fs_imu_hz=200.0, noise=False)


def _assess(rec):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return clonus.assess(rec)


def _angle_deg(tr):
    rec = tr.recording
    name = next(c.name for c in rec.channels if c.kind == "angle")
    return np.degrees(rec.get(name)), rec.fs


def test_variables_with_a_time_vector(tmp_path, trial):
    th, fs = _angle_deg(trial)
    t = np.arange(th.size) / fs
    p = tmp_path / "sim.mat"
    savemat(p, {"t": t, "theta_deg": th, "note": "model run 3"})
    rec = clonus.read(p)
    assert rec.metadata["format"] == "matlab"
    assert rec.ch_names == ["theta_deg"] and rec.channels[0].kind == "angle"
    np.testing.assert_allclose(rec.data[0], np.radians(th), atol=1e-9)
    assert rec.metadata["skipped_variables"] == ["note"]
    a = _assess(rec)
    assert a.classification == "clonus"
    assert abs(a.n_beats - trial.truth.n_beats) <= max(1, int(0.05 * trial.truth.n_beats))


def test_rate_instead_of_time_and_a_3_axis_matrix(tmp_path, trial):
    rec0 = trial.recording
    gyr = np.vstack([rec0.get(c.name) for c in rec0.channels if c.kind == "gyro"]).T  # n x 3
    p = tmp_path / "imu.mat"
    savemat(p, {"Fs": rec0.fs, "gyro_rad_s": gyr})
    rec = clonus.read(p)
    assert rec.fs == rec0.fs
    assert rec.ch_names == ["gyro_x_rad_s", "gyro_y_rad_s", "gyro_z_rad_s"]
    assert all(c.kind == "gyro" and c.unit == "rad/s" for c in rec.channels)
    a = _assess(rec)
    assert abs(a.n_beats - trial.truth.n_beats) <= max(1, int(0.05 * trial.truth.n_beats))


def test_simulink_structure_with_time_and_variable_steps(tmp_path, trial):
    """A variable-step solver's output: irregular times, put on a uniform grid."""
    th, fs = _angle_deg(trial)
    t = np.arange(th.size) / fs
    rng = np.random.default_rng(0)
    keep = np.sort(rng.choice(th.size, size=int(0.8 * th.size), replace=False))
    keep[0] = 0
    logsout = {"time": t[keep],
               "signals": {"values": np.radians(th[keep]), "label": "ankle_angle_rad",
                           "dimensions": 1}}
    p = tmp_path / "simulink.mat"
    savemat(p, {"simout": logsout})
    rec = clonus.read(p)
    assert rec.ch_names == ["ankle_angle_rad"] and rec.channels[0].unit == "rad"
    assert rec.metadata.get("resampled")
    a = _assess(rec)
    assert a.classification == "clonus"
    assert abs(a.n_beats - trial.truth.n_beats) <= max(1, int(0.05 * trial.truth.n_beats))


def test_unreadable_layouts_say_what_to_do(tmp_path):
    p = tmp_path / "no_time.mat"
    savemat(p, {"theta": np.zeros(100)})
    with pytest.raises(clonus.FileFormatError, match="time vector .* sampling rate"):
        clonus.read(p)
    q = tmp_path / "cut.mat"
    savemat(q, {"t": np.arange(1000) / 100.0, "theta_deg": np.zeros(1000)})
    q.write_bytes(q.read_bytes()[:600])
    with pytest.raises(clonus.ClonusError):
        clonus.read(q)
    h5 = tmp_path / "v73.mat"
    h5.write_bytes(b"MATLAB 7.3 MAT-file, Platform: GLNXA64" + b"\0" * 200)
    with pytest.raises(clonus.FileFormatError, match="-v7"):
        clonus.read(h5)
