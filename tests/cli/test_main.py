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
