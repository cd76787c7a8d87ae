"""``clonus assess`` end to end on a written recording."""

from __future__ import annotations

import json

import numpy as np
from motion_synth import clean_angle, make_recording

from clonus.cli.main import main

KEYS = {
    "n_beats",
    "beats",
    "amplitude_unit",
    "frequency_hz",
    "clonus_duration_s",
    "sustained",
    "stretch_onset_s",
    "classification",
    "grades",
    "pathological",
    "channel",
    "fs_hz",
    "software_version",
    "schema_version",
    "reason",
    "runs",
    "metrics",
    "config",
}


def _write_csv(tmp_path, rng, n_beats=8):
    t, th, tr = clean_angle(duration_s=5.0, freq_hz=6.0, n_beats=n_beats, amp_deg=3.0)
    rec = make_recording(t, th, fs=200.0, sensor="gyro", rng=rng)
    p = tmp_path / "trial.csv"
    cols = ["time_s"] + [f"{n} (rad/s)" for n in rec.ch_names]
    arr = np.vstack([rec.times_s, rec.data]).T
    np.savetxt(p, arr, delimiter=",", header=",".join(cols), comments="", fmt="%.7g")
    return p, tr


def test_assess_json_contract(tmp_path, rng, capsys):
    p, tr = _write_csv(tmp_path, rng)
    rc = main(["assess", str(p), "--json"])
    out = capsys.readouterr().out
    assert rc == 0
    d = json.loads(out)
    assert KEYS <= set(d)
    assert d["amplitude_unit"] == "deg" and d["schema_version"] == "1.1"
    assert d["classification"] == "clonus"
    assert abs(d["n_beats"] - tr.n_beats) <= 1
    assert all({"time_s", "amplitude"} <= set(b) for b in d["beats"])
    assert set(d["grades"]) == {"bedside", "scats_clonus", "csi_clonus", "tardieu_quality", "ninds"}


def test_assess_table_and_threshold(tmp_path, rng, capsys):
    p, tr = _write_csv(tmp_path, rng, n_beats=4)
    assert main(["assess", str(p)]) == 0
    out = capsys.readouterr().out
    assert "Classification" in out and "Grades" in out and "decision-support" in out
    assert main(["assess", str(p), "--json", "--bedside-threshold", "3"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["pathological"] is True and "threshold 3" in d["grades"]["bedside"]["rule"]


def test_assess_bad_file_exit_code(tmp_path, capsys):
    p = tmp_path / "junk.csv"
    p.write_text("not,a\nrecording,at all\n")
    rc = main(["assess", str(p)])
    assert rc != 0
    assert "Error" in capsys.readouterr().err


def test_assess_unknown_channel(tmp_path, rng, capsys):
    p, _ = _write_csv(tmp_path, rng)
    assert main(["assess", str(p), "--channel", "nope"]) == 4
    assert "nope" in capsys.readouterr().err


def test_report_and_context_options(tmp_path, rng, capsys):
    import importlib.util

    p, _ = _write_csv(tmp_path, rng)
    out = tmp_path / "r.csv"
    rc = main(["assess", str(p), "--report", str(out)])
    if importlib.util.find_spec("clonus.report") is None:
        assert rc == 7  # MissingDependencyError: clear message, no traceback
        assert "clonus.report" in capsys.readouterr().err
    else:
        assert rc == 0 and out.exists()
    ctx = tmp_path / "ctx.json"
    ctx.write_text("{}")
    rc = main(["assess", str(p), "--json", "--context", str(ctx)])
    if importlib.util.find_spec("clonus.clinical") is None:
        assert rc == 7
    else:
        assert rc in (0, 3, 4)  # an empty context may be rejected by the clinical module


def _write_acc_csv(tmp_path, rng, radius_m=0.10):
    t, th, tr = clean_angle(duration_s=5.0, freq_hz=6.0, n_beats=8, amp_deg=3.0)
    rec = make_recording(t, th, fs=200.0, sensor="acc", rng=rng)
    p = tmp_path / "acc.csv"
    cols = ["time_s"] + [f"{n} (m/s^2)" for n in rec.ch_names]
    np.savetxt(p, np.vstack([rec.times_s, rec.data]).T, delimiter=",", header=",".join(cols),
               comments="", fmt="%.7g")
    return p, tr


def test_acc_radius_option(tmp_path, rng, capsys):
    p, tr = _write_acc_csv(tmp_path, rng)
    assert main(["assess", str(p), "--json", "--acc-radius-m", "0.10"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["metrics"]["acc_radius_m"] == 0.10
    assert d["metrics"]["acc_radius_estimated"] is False
    assert d["config"]["acc_radius_m"] == 0.10
    assert abs(d["n_beats"] - tr.n_beats) <= 1
    # without the option the radius is estimated or the 0.10 m reference is kept, and said so
    assert main(["assess", str(p), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["config"]["acc_radius_m"] is None and "acc_radius_estimated" in d["metrics"]
    # a radius that is not a distance is refused with a clear message, not a traceback
    rc = main(["assess", str(p), "--acc-radius-m", "-0.1"])
    err = capsys.readouterr().err
    assert rc != 0 and "acc_radius_m" in err and "Traceback" not in err


def test_acc_radius_option_refused_for_emg(tmp_path, capsys):
    fs = 1000.0
    x = np.random.default_rng(0).normal(0, 20e-6, int(5 * fs))
    p = tmp_path / "emg.csv"
    np.savetxt(p, np.vstack([np.arange(x.size) / fs, x * 1e6]).T, delimiter=",",
               header="time_s,emg_soleus (uV)", comments="", fmt="%.7g")
    rc = main(["assess", str(p), "--acc-radius-m", "0.1"])
    err = capsys.readouterr().err
    assert rc != 0 and "--acc-radius-m applies to motion recordings" in err


def test_units_option_for_a_file_without_units(tmp_path, rng, capsys):
    t, th, tr = clean_angle(duration_s=5.0, freq_hz=6.0, n_beats=8, amp_deg=3.0)
    rec = make_recording(t, th, fs=200.0, sensor="gyro", rng=rng)
    p = tmp_path / "nounits.csv"
    np.savetxt(p, np.vstack([rec.times_s, np.degrees(rec.data)]).T, delimiter=",",
               header="time_s,gx,gy,gz", comments="", fmt="%.7g")
    # no unit anywhere: judged from the size (deg/s) and said so
    assert main(["assess", str(p), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert set(d["metrics"]["assumed_units"].values()) == {"deg/s"}
    assert abs(d["n_beats"] - tr.n_beats) <= 1
    # given on the command line: used, nothing assumed, same count
    assert main(["assess", str(p), "--json", "--units", "deg/s"]) == 0
    g = json.loads(capsys.readouterr().out)
    assert "assumed_units" not in g["metrics"] and g["n_beats"] == d["n_beats"]
    assert main(["assess", str(p), "--units", "gx=parsecs"]) != 0
    assert "Unknown unit" in capsys.readouterr().err
