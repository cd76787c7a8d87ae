"""The CLI entry point: version, help, sys-info and error handling."""

from __future__ import annotations

import json

from clonus import __version__
from clonus.cli.main import main


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
