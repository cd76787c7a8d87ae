"""The CLI entry point: version, help, sys-info and error handling."""

from __future__ import annotations

import json
import warnings

import numpy as np

from clonus import __version__
from clonus.cli.main import main
from clonus.model import SCHEMA_VERSION


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"clonus {__version__}"


def test_sys_info_json(capsys):
    assert main(["sys-info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["clonus"] == __version__
    assert info["packages"]["numpy"]  # numpy is a core dependency, so it has a version


def test_unknown_command_is_a_usage_error(capsys):
    assert main(["no-such-command"]) == 2
    assert "No such command" in capsys.readouterr().err


def test_read_option_rescues_a_headerless_table(tmp_path, capsys):
    p = tmp_path / "wrist.txt"
    p.write_text("\n".join(f"{0.1 * (i % 7):.3f},0.2,-0.1" for i in range(300)) + "\n")
    assert main(["info", str(p), "--json", "-r", "fs=100", "--units", "deg/s"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["format"] == "csv" and obj["groups"][0]["fs_hz"] == 100.0
    assert [(c["name"], c["kind"], c["unit"]) for c in obj["channels"]] == [
        ("ch1", "gyro", "rad/s"), ("ch2", "gyro", "rad/s"), ("ch3", "gyro", "rad/s")]
    assert main(["info", str(p), "-r", "fs"]) == 4  # not KEY=VALUE
    assert "--read-option must be KEY=VALUE" in capsys.readouterr().err


# ------------------------------------------------------------------ --json errors
def _json_error(capsys, argv, code):
    assert main(argv) == code
    cap = capsys.readouterr()
    obj = json.loads(cap.out)  # one JSON object on stdout
    assert set(obj) == {"schema_version", "software_version", "error"}
    assert obj["schema_version"] == SCHEMA_VERSION and obj["software_version"] == __version__
    assert obj["error"]["exit_code"] == code
    assert cap.err.startswith("Error: ")  # the human message still on stderr
    return obj["error"], cap.err


def test_assess_json_on_an_unreadable_file_prints_a_json_error(tmp_path, capsys):
    p = tmp_path / "patient_folder" / "trial.csv"
    p.parent.mkdir()
    p.write_text("this is not a recording\n")
    err, stderr = _json_error(capsys, ["assess", str(p), "--json"], 3)
    assert err["type"] == "FileFormatError" and err["source"] == "trial.csv"
    assert "trial.csv" in err["message"] and "not in a format clonus can read" in err["message"]
    # the JSON names the file only, never the folders above it; stderr keeps the full path
    assert "patient_folder" not in json.dumps(err) and str(p) in stderr
    # without --json, nothing on stdout
    assert main(["assess", str(p)]) == 3
    assert capsys.readouterr().out == ""


def test_json_error_for_parameter_errors_and_other_commands(tmp_path, capsys):
    p = tmp_path / "wrist.txt"
    p.write_text("\n".join(f"{0.1 * (i % 7):.3f},{0.2:.3f},{-0.1 * (i % 3):.3f}"
                           for i in range(300)) + "\n")
    err, _ = _json_error(capsys, ["info", str(p), "--json"], 3)  # no header row, no fs
    assert err["type"] == "FileFormatError" and "-r fs=HZ" in err["message"]
    err, _ = _json_error(capsys, ["assess", "--json", str(p), "-r", "fs"], 4)
    assert err["type"] == "InvalidParameterError" and err["source"] == "wrist.txt"
    err, _ = _json_error(capsys, ["batch", str(p), "--out", str(tmp_path / "o"), "-r", "x",
                                  "--json"], 4)
    assert err["source"] is None  # batch reads many files


def test_assess_unitless_axes_says_how_to_give_their_unit(tmp_path, capsys):
    """A phone export with bare x, y, z columns (no units) has no motion channel until a unit is
    given: the error names the unitless channels and the --units option that fixes it."""
    rows = ["timestamp; x; y; z"] + [
        f"{i * 0.01:.3f}; {0.02 * np.sin(i / 3):.5f}; -0.805; -0.604" for i in range(600)
    ]
    p = tmp_path / "phone.csv"
    p.write_text("\n".join(rows) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rc = main(["assess", str(p)])
    err = capsys.readouterr().err
    assert rc != 0
    assert "['x', 'y', 'z'] have no unit" in err and "--units x=g" in err
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["assess", str(p), "--units", "g", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["channel"] == "x,y,z" and d["metrics"]["source_kind"] == "acc"
