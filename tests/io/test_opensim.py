"""OpenSim storage files (.mot inverse kinematics, .sto simulation states) against the
simulator's ground truth, and damaged files."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import clonus
from clonus.exceptions import FileFormatError
from clonus.simulate import simulate_trial


@pytest.fixture(scope="module")
def trial():
    return simulate_trial(mode="held", gain_ratio=4.0, duration_s=10.0, seed=3,
                          sensors=("goniometer",), fs_imu_hz=100.0)


def _write_mot(path, t, cols, *, in_degrees=True, version=1, n_rows=None, sep="\t"):
    head = [f"version={version}", f"nRows={n_rows or len(t)}", f"nColumns={len(cols) + 1}",
            f"inDegrees={'yes' if in_degrees else 'no'}", "",
            "Units are S.I. units (second, meters, Newtons, ...)", "endheader"]
    lines = ["IKresults", *head, sep.join(["time", *cols])]
    vals = np.column_stack([t, *cols.values()])
    lines += [sep.join(f"{v:.6f}" for v in row) for row in vals]
    path.write_text("\n".join(lines) + "\n")
    return path


def _assess(rec, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return clonus.assess(rec, **kw)


def test_mot_ankle_angle_in_degrees(tmp_path, trial):
    r = trial.recording
    t = r.times_s
    cols = {"pelvis_tx": 0.01 * t, "knee_angle_r": 20 + 5 * np.sin(t),
            "ankle_angle_r": np.degrees(r.data[0])}
    p = _write_mot(tmp_path / "ik.mot", t, cols)
    assert clonus.io.detect_format(p) == "opensim"
    rec = clonus.read(p)
    assert rec.fs == pytest.approx(r.fs)
    kinds = {c.name: (c.kind, c.unit) for c in rec.channels}
    assert kinds == {"pelvis_tx": ("misc", "m"), "knee_angle_r": ("misc", "rad"),
                     "ankle_angle_r": ("angle", "rad")}
    np.testing.assert_allclose(rec.pick("ankle_angle_r").data[0], r.data[0], atol=1e-6)
    a = _assess(rec)
    assert a.channel == "ankle_angle_r" and a.classification == "clonus"
    assert abs(a.n_beats - trial.truth.n_beats) <= max(1, 0.05 * trial.truth.n_beats)


def test_sto_states_in_radians_with_adaptive_time_steps(tmp_path, trial):
    """Simulator output: state paths, radians, irregular steps (put on a uniform grid)."""
    r = trial.recording
    rng = np.random.default_rng(0)
    t = np.cumsum(rng.uniform(0.004, 0.012, 1400))
    t = t[t < r.times_s[-1]]
    ang = np.interp(t, r.times_s, r.data[0])
    cols = {"/jointset/ankle_r/ankle_angle_r/value": ang,
            "/jointset/ankle_r/ankle_angle_r/speed": np.gradient(ang, t),
            "/forceset/soleus_r/activation": np.full(t.size, 0.05)}
    p = _write_mot(tmp_path / "states.sto", t, cols, in_degrees=False, version=2)
    rec = clonus.read(p)
    kinds = {c.name: (c.kind, c.unit) for c in rec.channels}
    assert kinds["/jointset/ankle_r/ankle_angle_r/value"] == ("angle", "rad")
    assert kinds["/jointset/ankle_r/ankle_angle_r/speed"] == ("gyro", "rad/s")
    assert kinds["/forceset/soleus_r/activation"][0] == "misc"
    assert rec.metadata["resampled"] is True
    a = _assess(rec)
    assert a.classification == "clonus"
    assert abs(a.n_beats - trial.truth.n_beats) <= max(1, 0.05 * trial.truth.n_beats)


def test_both_ankles_the_moving_one_and_the_other_by_name(tmp_path, trial):
    r = trial.recording
    t = r.times_s
    cols = {"ankle_angle_r": np.degrees(r.data[0]), "ankle_angle_l": np.full(t.size, -8.0)}
    rec = clonus.read(_write_mot(tmp_path / "both.mot", t, cols, sep=" "))
    a = _assess(rec)
    assert a.channel == "ankle_angle_r"
    assert any("--channel ankle_angle_l" in w for w in a.warnings)
    assert _assess(rec, channel="ankle_angle_l").classification == "indeterminate"


@pytest.mark.parametrize("damage", ["truncated_row", "fewer_rows", "backwards", "no_time"])
def test_damaged_files_get_a_clear_error(tmp_path, trial, damage):
    r = trial.recording
    t = r.times_s[:200]
    cols = {"ankle_angle_r": np.degrees(r.data[0][:200])}
    p = _write_mot(tmp_path / "x.mot", t, cols, n_rows=400 if damage == "fewer_rows" else None)
    text = p.read_text()
    if damage == "truncated_row":
        p.write_text(text.rstrip("\n").rsplit("\t", 1)[0] + "\n")
        match = "truncated"
    elif damage == "fewer_rows":
        match = "announces 400 rows"
    elif damage == "backwards":
        lines = text.splitlines()
        lines[-1], lines[-2] = lines[-2], lines[-1]
        p.write_text("\n".join(lines) + "\n")
        match = "backwards"
    else:
        p.write_text(text.replace("time\tankle_angle_r", "frame\tankle_angle_r"))
        match = "must start with 'time'"
    with pytest.raises(FileFormatError, match=match):
        clonus.read(p)


def _write_simm(path, t, cols):
    """The older SIMM layout of OpenSim's own example IK files (``subject01_walk1_ik.mot`` in
    opensim-org/opensim-models): a title, nRows/nColumns, a '# SIMM Motion File Header' block
    with 'datacolumns', 'range' and 'endheader', no inDegrees line (angles in degrees), marker
    positions, and ground reaction force columns repeated for each foot. Values here are ours."""
    labels = ["time", *cols]
    head = ["first trial", f"nRows={len(t)}", f"nColumns={len(labels)}", "",
            "# SIMM Motion File Header:", "name first trial", f"datacolumns {len(labels)}",
            f"datarows {len(t)}", "otherdata 1", f"range {t[0]:.6f} {t[-1]:.6f}", "endheader"]
    vals = np.column_stack([t, *cols.values()])
    lines = [*head, "\t".join(lab.split("#")[0] for lab in labels)]
    lines += ["\t".join(f"{v:24.20f}" for v in row) for row in vals]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_simm_layout_without_in_degrees_and_repeated_force_labels(tmp_path, trial):
    """No inDegrees line: gait-range rotations (hip 20 deg) say degrees; the repeated
    ground_force_* labels are kept under new names; forces and markers get no angle unit."""
    r = trial.recording
    t = r.times_s
    ankle = np.degrees(r.data[0])
    cols = {"pelvis_tx": 0.01 * t, "hip_flexion_r": 20 + 10 * np.sin(t), "ankle_angle_r": ankle,
            "R.ASIS_tx": 0.6 + 0.001 * t, "ground_force_vx": 30 + 0 * t,
            "ground_force_vy": 660 + 0 * t, "ground_force_vx#2": 10 + 0 * t,
            "ground_force_vy#2": 5 + 0 * t, "ground_torque_x": 0 * t}
    p = _write_simm(tmp_path / "walk_ik.mot", t, cols)
    assert clonus.io.detect_format(p) == "opensim"
    with pytest.warns(clonus.ClonusWarning) as rec_w:
        rec = clonus.read(p)
    msgs = " ".join(str(w.message) for w in rec_w)
    assert "no 'inDegrees' line" in msgs and "read as degrees" in msgs
    assert "repeated column labels" in msgs
    kinds = {c.name: (c.kind, c.unit) for c in rec.channels}
    assert kinds["ankle_angle_r"] == ("angle", "rad")
    assert kinds["R.ASIS_tx"] == ("misc", "m")
    assert kinds["ground_force_vx"] == ("misc", "AU") and kinds["ground_force_vx_2"] == (
        "misc", "AU")
    np.testing.assert_allclose(rec.pick("ground_force_vy_2").data[0], 5.0)
    np.testing.assert_allclose(rec.pick("ankle_angle_r").data[0], r.data[0], atol=1e-6)
    assert rec.metadata["in_degrees_judged"] is True
    assert rec.metadata["renamed_columns"] == {"ground_force_vx_2": "ground_force_vx",
                                               "ground_force_vy_2": "ground_force_vy"}
    a = _assess(rec)
    assert a.classification == "clonus"
    assert abs(a.n_beats - trial.truth.n_beats) <= max(1, 0.05 * trial.truth.n_beats)


def test_no_in_degrees_small_values_are_radians(tmp_path, trial):
    """Without inDegrees, rotations within a joint's range in radians stay radians (OpenSim's
    default), with the warning; a units override decides."""
    r = trial.recording
    t = r.times_s
    cols = {"knee_angle_r": 0.3 + 0.05 * np.sin(t), "ankle_angle_r": r.data[0]}
    p = _write_simm(tmp_path / "rad.mot", t, cols)
    with pytest.warns(clonus.ClonusWarning, match="read as radians"):
        rec = clonus.read(p)
    np.testing.assert_allclose(rec.pick("ankle_angle_r").data[0], r.data[0], atol=1e-6)
    assert rec.metadata["in_degrees"] is False


def test_opensim3_states_speed_and_muscle_columns(tmp_path, trial):
    """OpenSim 3 state files (e.g. the leg69 swing example): coordinate speeds named
    '<coordinate>_u', muscle states 'soleus_r.activation' / '.fiber_length'. The ankle's speed
    is its gyro channel, not a second angle; muscle states have no angle unit."""
    r = trial.recording
    t = r.times_s
    ankle = np.degrees(r.data[0])
    cols = {"pelvis_tx": 0.05 + 0 * t, "ankle_angle_r": ankle,
            "pelvis_tx_u": 0 * t, "ankle_angle_r_u": np.gradient(ankle, t),
            "soleus_r.activation": 0.1 + 0 * t, "soleus_r.fiber_length": 0.05 + 0 * t}
    p = _write_mot(tmp_path / "states.mot", t, cols)
    rec = clonus.read(p)
    kinds = {c.name: (c.kind, c.unit) for c in rec.channels}
    assert kinds == {"pelvis_tx": ("misc", "m"), "ankle_angle_r": ("angle", "rad"),
                     "pelvis_tx_u": ("misc", "m/s"), "ankle_angle_r_u": ("gyro", "rad/s"),
                     "soleus_r.activation": ("misc", "AU"),
                     "soleus_r.fiber_length": ("misc", "AU")}
    np.testing.assert_allclose(rec.pick("ankle_angle_r_u").data[0],
                               np.gradient(r.data[0], t), rtol=1e-6, atol=1e-6)
    a = _assess(rec)
    assert a.classification == "clonus"
    assert abs(a.n_beats - trial.truth.n_beats) <= max(1, 0.05 * trial.truth.n_beats)


def test_inverse_dynamics_moment_is_not_an_angle(tmp_path, trial):
    """An inverse-dynamics result names 'ankle_angle_r_moment': a torque, not the angle."""
    t = trial.recording.times_s
    p = _write_mot(tmp_path / "id.sto", t, {"ankle_angle_r_moment": 10 * np.sin(5 * t)})
    rec = clonus.read(p)
    assert [(c.kind, c.unit) for c in rec.channels] == [("misc", "AU")]
