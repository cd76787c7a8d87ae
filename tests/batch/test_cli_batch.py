"""`clonus batch` command."""

from __future__ import annotations

import json

import pytest

from clonus.cli.main import main

pytest.importorskip("clonus.detect.motion")


def test_cli_batch_json(study, tmp_path, capsys):
    out = tmp_path / "cli"
    rc = main(["batch", str(study.root / "sub-01"), "--out", str(out), "--json"])
    assert rc == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["n_recordings"] == 3 and payload["n_error"] == 0
    assert [r["id"] for r in payload["results"]] == ["ses-1/left.csv", "ses-1/right.csv",
                                                     "ses-2/left.csv"]
    assert {s["session"] for s in payload["summary"]} == {"1", "2"}
    assert (out / "results.csv").is_file() and (out / "manifest.json").is_file()


def test_cli_batch_text_and_fail_fast(study, tmp_path, capsys):
    rc = main(["batch", str(study.files[0]), str(study.corrupt), "--out", str(tmp_path / "t")])
    assert rc == 0
    text = capsys.readouterr().out
    assert "2 recording(s): 1 assessed, 1 failed." in text and "right.edf" in text
    rc = main(["batch", str(study.files[0]), str(study.corrupt), "--out", str(tmp_path / "f"),
               "--fail-fast"])
    assert rc == 3  # FileFormatError exit code
    assert "right.edf" in capsys.readouterr().err
