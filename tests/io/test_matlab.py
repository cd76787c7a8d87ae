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


def _damaged(tmp_path, how: str):
    import struct

    p = tmp_path / f"{how}.mat"
    savemat(p, {"theta_rad": np.sin(np.arange(50) / 10), "fs": 100.0})
    buf = bytearray(p.read_bytes())
    # first variable: tag at 128, array-flags element at 136 (its value at 144), dimensions at
    # 152, name 'theta_rad' at 168, data tag (miDOUBLE, 400 bytes) at 192
    assert struct.unpack_from("<II", buf, 192) == (9, 400)
    if how == "complex_flag_without_imaginary_part":
        (flags,) = struct.unpack_from("<I", buf, 144)
        struct.pack_into("<I", buf, 144, flags | 0x800)
    elif how == "unknown_data_type_code":
        struct.pack_into("<I", buf, 192, 8)  # 8 is no MAT data type
    else:  # truncated inside the first variable
        buf = buf[:300]
    p.write_bytes(bytes(buf))
    return p


@pytest.mark.parametrize("how", ["complex_flag_without_imaginary_part", "unknown_data_type_code",
                                 "truncated"])
def test_damaged_mat_is_refused_before_scipy_reads_it(tmp_path, monkeypatch, how):
    # fuzz (session 14): scipy.io.loadmat crashed the whole process (segmentation fault, no
    # exception) on such files, e.g. a mutated copy of a savemat file with the complex bit set
    import scipy.io

    p = _damaged(tmp_path, how)
    called = []

    def guard(*a, **k):
        called.append(a)
        raise ValueError("loadmat must not be reached with a damaged file")

    monkeypatch.setattr(scipy.io, "loadmat", guard)
    with pytest.raises(clonus.FileFormatError, match="damaged"):
        clonus.read_all(p)
    assert not called


def test_matlab_written_files_pass_the_structure_check():
    # no false refusals: every v5 file of scipy's MATLAB-written test data that scipy reads
    # passes the check that guards against the crashes above
    from pathlib import Path

    import scipy.io

    from clonus.io._matlab import _check_v5

    data = Path(scipy.io.__file__).parent / "matlab" / "tests" / "data"
    files = [f for f in sorted(data.glob("*.mat"))
             if f.read_bytes()[:19] == b"MATLAB 5.0 MAT-file"]
    if len(files) < 20:
        pytest.skip("scipy's MATLAB test files are not installed")
    n_ok = 0
    for f in files:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                scipy.io.loadmat(str(f))
        except Exception:
            continue  # scipy's deliberately broken samples
        _check_v5(f)
        n_ok += 1
    assert n_ok >= 50
