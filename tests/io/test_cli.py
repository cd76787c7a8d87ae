"""clonus --version, clonus formats, clonus info [--json]."""

from __future__ import annotations

import json

from io_builders import delsys_csv, generic_csv

import clonus
from clonus.cli.main import main


def test_version(capsys) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"clonus {clonus.__version__}"


def test_formats_lists_every_reader(capsys) -> None:
    assert main(["formats", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    names = {r["name"] for r in rows}
    assert {"phyphox", "sensorlogger", "physics-toolbox", "researchkit", "csv", "delsys",
            "shimmer", "empatica", "edf", "wfdb", "c3d", "gaitmap", "rdata-emg", "cwa", "xsens",
            "tsdf"} <= names
    edf = next(r for r in rows if r["name"] == "edf")
    assert edf["extra"] == "edf" and edf["installed"] is True and ".edf" in edf["extensions"]
    assert main(["formats"]) == 0
    out = capsys.readouterr().out
    assert "phyphox" in out and "clonus[edf]" in out


def test_info_json_contract(tmp_path, capsys) -> None:
    p = generic_csv(tmp_path)
    assert main(["info", str(p), "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["format"] == "csv"
    assert abs(obj["duration_s"] - 2.0) < 1e-9  # 200 samples at 100 Hz
    assert [c["name"] for c in obj["channels"]] == ["gyro_x", "gyro_y", "acc_z"]
    for c in obj["channels"]:
        assert set(c) >= {"name", "kind", "unit", "fs_hz", "n_samples"}
        assert c["n_samples"] == 200 and abs(c["fs_hz"] - 100.0) < 1e-6
    assert obj["channels"][0]["kind"] == "gyro" and obj["channels"][0]["unit"] == "rad/s"


def test_info_mixed_rates_json_and_table(tmp_path, capsys) -> None:
    p = delsys_csv(tmp_path)
    assert main(["info", str(p), "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert sorted(g["fs_hz"] for g in obj["groups"]) == [100.0, 1000.0]
    assert {c["fs_hz"] for c in obj["channels"]} == {100.0, 1000.0}
    assert main(["info", str(p)]) == 0
    out = capsys.readouterr().out
    assert "EMG 1" in out and "different sampling rates" in out


def test_info_units_override_and_warning(tmp_path, capsys) -> None:
    p = tmp_path / "n.csv"
    p.write_text("time_s,EMG1\n" + "".join(f"{i / 1000},{i}\n" for i in range(20)))
    assert main(["info", str(p), "--json"]) == 0
    cap = capsys.readouterr()
    assert "Warning: No unit for channel 'EMG1'" in cap.err
    assert json.loads(cap.out)["channels"][0]["unit"] == "AU"
    assert main(["info", str(p), "--json", "--units", "EMG1=uV"]) == 0
    assert json.loads(capsys.readouterr().out)["channels"][0]["unit"] == "V"
    assert main(["info", str(p), "--units", "EMG1"]) == 5  # unknown unit 'EMG1': UnitError


def test_info_bad_file_exit_code(tmp_path, capsys) -> None:
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    assert main(["info", str(p)]) == 3
    err = capsys.readouterr().err
    assert "empty" in err and str(p) in err and "Traceback" not in err
