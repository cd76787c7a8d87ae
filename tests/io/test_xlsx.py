"""Excel workbooks: phyphox Excel exports (one sheet per sensor) and tables saved from Excel,
read with the phyphox and generic CSV rules (docs/formats.md, Excel workbooks)."""

from __future__ import annotations

import json
import sys
import warnings
import zipfile
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from io_builders import FS, N, T, X, Y, Z, generic_csv, xlsx_workbook

import clonus
from clonus.exceptions import (
    FileFormatError,
    InvalidParameterError,
    MissingDependencyError,
    UnitWarning,
)

openpyxl = pytest.importorskip("openpyxl")


def _book(path, sheets: dict[str, list[list]]):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def _table(t=T, head=("time_s", "gyro_x (rad/s)", "gyro_y (rad/s)")):
    return [list(head), *([float(a), float(x), float(y)] for a, x, y in zip(t, X, Y,
                                                                           strict=True))]


def test_excel_sheet_reads_like_the_csv(tmp_path) -> None:
    ref = clonus.read(generic_csv(tmp_path))
    p = xlsx_workbook(tmp_path)
    assert clonus.io.detect_format(p) == "xlsx"
    rec = clonus.read(p)
    assert rec.ch_names == ref.ch_names
    assert [c.unit for c in rec.channels] == [c.unit for c in ref.channels]
    assert rec.fs == pytest.approx(FS)
    np.testing.assert_allclose(rec.data, np.vstack([X, Y, Z]), atol=1e-12)  # no rounding
    assert rec.source == str(p)
    assert rec.metadata["format"] == "xlsx" and rec.metadata["sheet"] == "Trial 1"
    assert rec.metadata["preamble_lines"] == 1  # the title row


def test_sheet_option_and_several_signal_sheets(tmp_path) -> None:
    p = _book(tmp_path / "trials.xlsx", {
        "Trial 1": _table(), "Trial 2": [["time_s", "gyro_x (rad/s)", "gyro_y (rad/s)"],
                                         *([float(a), 2 * float(x), 0.0] for a, x in
                                           zip(T, X, strict=True))],
        "Summary": [["patient", "anon"], ["grade", 2]]})
    # sheets by position in the message (names may name patients); names on exc.sheets
    with pytest.raises(InvalidParameterError, match=r"2 of the workbook's 3 sheets hold signal "
                                                    r"tables \(sheets 1 and 2\).*sheet=") as ei:
        clonus.read(p)
    assert "Trial" not in str(ei.value) and "Summary" not in str(ei.value)
    assert [s["name"] for s in ei.value.sheets] == ["Trial 1", "Trial 2", "Summary"]
    assert [s["number"] for s in ei.value.sheets] == [1, 2, 3]
    rec = clonus.read(p, sheet="Trial 2")
    np.testing.assert_allclose(rec.get("gyro_x"), 2 * X, atol=1e-12)
    assert rec.metadata["sheet"] == "Trial 2" and rec.metadata["sheet_number"] == 2
    anon = clonus.read(p, sheet="Trial 2", anonymize=True)
    assert "sheet" not in anon.metadata and anon.metadata["sheet_number"] == 2
    assert anon.metadata["anonymized"] is True
    with pytest.raises(InvalidParameterError, match=r"no sheet 'Trial 3' among the workbook's "
                                                    r"3 sheet\(s\).*clonus info") as ei:
        clonus.read(p, sheet="Trial 3")
    assert "Summary" not in str(ei.value)
    with pytest.raises(InvalidParameterError, match="Unknown option"):
        clonus.read(p, sheets="Trial 2")


def test_units_row_and_dates_in_cells(tmp_path) -> None:
    t0 = datetime(2024, 5, 1, 10, 0, 0)
    rows = [["Date/Time", "ankle"], ["", "deg/s"],
            *([t0 + timedelta(seconds=float(a)), float(np.degrees(x))] for a, x in
              zip(T, X, strict=True))]
    p = _book(tmp_path / "dates.xlsx", {"Sheet1": rows})
    rec = clonus.read(p)
    assert rec.start_time == t0
    assert rec.fs == pytest.approx(FS)
    assert rec.channels[0].unit == "rad/s"
    np.testing.assert_allclose(rec.get("ankle"), X, atol=1e-9)


def test_unknown_unit_in_a_sheet_warns(tmp_path) -> None:
    p = _book(tmp_path / "u.xlsx", {"S": _table(head=("time_s", "gyro_x (furlongs)",
                                                          "gyro_y (rad/s)"))})
    with pytest.warns(UnitWarning, match="furlongs"):
        rec = clonus.read(p)
    assert [c.unit for c in rec.channels] == ["AU", "rad/s"]


def test_no_signal_sheet(tmp_path) -> None:
    # a study's list of subjects is not a recording: not detected (clonus batch skips it)
    p = _book(tmp_path / "subjects.xlsx", {"Subjects": [["subject", "grade"], ["S01", 2]]})
    with pytest.raises(FileFormatError, match=r"not in a format clonus can read"):
        clonus.read(p)
    # a time header without values under it
    q = _book(tmp_path / "plan.xlsx", {"Plan": [["Date/Time", "task"], ["morning", "test"]]})
    assert clonus.io.detect_format(q) == "xlsx"
    with pytest.raises(FileFormatError, match=r"no sheet holds a table with a time column"):
        clonus.read(q)


def _phyphox_rows(t, unit, cols):
    return [["Time (s)", *(f"{a} ({unit})" for a in "XYZ")],
            *([float(a), *map(float, c)] for a, c in zip(t, np.array(cols).T, strict=True))]


def test_phyphox_excel_export_reads_like_its_zip(tmp_path) -> None:
    rng = np.random.default_rng(1)
    tg = T + 0.002 * rng.random(N)  # phone clocks jitter
    ta = T + 0.002 * rng.random(N)
    sheets = {
        "Gyroscope": _phyphox_rows(tg, "rad/s", [X, Y, Z]),
        "Accelerometer": _phyphox_rows(ta, "m/s^2", [Y, X, 9.81 * Z]),
        "Location": [["Time (s)", "Latitude (°)"], [0.0, 50.0], [1.0, 50.0]],
        "Metadata Device": [["property", "value"], ["version", "1.1.16"],
                            ["deviceModel", "iPhone14,5"]],
        "Metadata Time": [["event", "experiment time", "system time", "system time text"],
                          ["START", 0.0, 1714557600.0, "2024-05-01 10:00:00.000 UTC+00:00"]],
    }
    p = _book(tmp_path / "phyphox.xlsx", sheets)
    # the same numbers as phyphox's zip export
    z = tmp_path / "phyphox.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for name, rows in sheets.items():
            member = {"Metadata Device": "meta/device.csv",
                      "Metadata Time": "meta/time.csv"}.get(name, f"{name}.csv")
            zf.writestr(member, "\n".join(",".join(f'"{c}"' if isinstance(c, str) else repr(c)
                                                   for c in r) for r in rows) + "\n")
    ref = clonus.read(z)
    assert clonus.io.detect_format(p) == "xlsx"
    rec = clonus.read(p)
    assert rec.ch_names == ["gyro_x", "gyro_y", "gyro_z", "acc_x", "acc_y", "acc_z"]
    assert rec.ch_names == ref.ch_names and rec.fs == pytest.approx(ref.fs)
    np.testing.assert_allclose(rec.data, ref.data, atol=1e-12)
    assert rec.start_time == ref.start_time
    assert rec.start_time.replace(microsecond=0) == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert rec.metadata["format"] == "xlsx" and rec.metadata["layout"] == "phyphox"
    assert rec.metadata["sheets"] == ["Gyroscope", "Accelerometer"]
    assert rec.metadata["deviceModel"] == "iPhone14,5"
    # sheet= reads one sensor
    gyro = clonus.read(p, sheet="Gyroscope")
    assert gyro.ch_names == ["gyro_x", "gyro_y", "gyro_z"]


def test_damaged_workbook(tmp_path) -> None:
    p = xlsx_workbook(tmp_path)
    raw = bytearray(p.read_bytes())
    q = tmp_path / "damaged.xlsx"
    q.write_bytes(bytes(raw[: len(raw) // 2]))
    with pytest.raises(FileFormatError):
        clonus.read(q)
    r = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(r, "w") as zf:
        zf.writestr("xl/workbook.xml", "not xml")
        zf.writestr("xl/worksheets/sheet1.xml", "<c><is><t>time_s</t></is></c>")
    with pytest.raises(FileFormatError, match=r"cannot be opened.*Save it again"):
        clonus.read(r)


def test_old_xls_is_named(tmp_path) -> None:
    p = tmp_path / "old.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(FileFormatError, match=r"Excel 97-2003.*\.xlsx"):
        clonus.read(p)


def test_missing_openpyxl_names_the_extra(tmp_path, monkeypatch) -> None:
    p = xlsx_workbook(tmp_path)
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    assert clonus.io.detect_format(p) == "xlsx"  # detection needs no openpyxl
    with pytest.raises(MissingDependencyError, match=r"clonus\[xlsx\]"):
        clonus.read(p)
    row = next(r for r in clonus.io.formats_table() if r["name"] == "xlsx")
    assert row["extra"] == "xlsx"


def test_assess_same_as_csv(tmp_path) -> None:
    from clonus.simulate import simulate_trial

    tr = simulate_trial(mode="held", gain_ratio=4.0, duration_s=8.0, seed=3, sensors=("imu",),
                        fs_imu_hz=100.0)
    gyro = np.vstack([tr.recording.get(f"gyro_{a}") for a in "xyz"])
    t = np.arange(gyro.shape[1]) / tr.recording.fs
    head = ["time_s", *(f"gyro_{a} (rad/s)" for a in "xyz")]
    csvp = tmp_path / "trial.csv"
    csvp.write_text("\n".join([",".join(head), *(",".join(repr(float(v)) for v in (a, *c))
                                                 for a, c in zip(t, gyro.T, strict=True))]))
    xp = _book(tmp_path / "trial.xlsx", {"trial": [head, *([float(a), *map(float, c)]
                                                           for a, c in zip(t, gyro.T,
                                                                           strict=True))]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a, b = clonus.assess(clonus.read(csvp)), clonus.assess(clonus.read(xp))
    assert a.classification == "clonus" and a.n_beats >= 5
    # the CSV parser may round the last bit of a float differently from Excel's stored double
    assert (b.classification, b.n_beats) == (a.classification, a.n_beats)
    assert b.frequency_hz == pytest.approx(a.frequency_hz, rel=1e-9)
    assert [x.time_s for x in b.beats] == pytest.approx([x.time_s for x in a.beats], abs=1e-9)


def test_detection_reads_shared_strings(tmp_path) -> None:
    # Excel and LibreOffice keep cell texts in xl/sharedStrings.xml (openpyxl writes them inline)
    from clonus.io import _xlsx

    p = tmp_path / "excel.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", '<c t="s"><v>0</v></c>')
        zf.writestr("xl/sharedStrings.xml", '<sst><si><t xml:space="preserve">Time (s)</t></si>'
                                            "</sst>")
    assert _xlsx.sniff(p)
    q = tmp_path / "words.xlsx"
    with zipfile.ZipFile(q, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/sharedStrings.xml", "<sst><si><t>Subject</t></si></sst>")
    assert not _xlsx.sniff(q)


def test_totals_row_under_the_table_is_a_footer(tmp_path) -> None:
    # a sheet with a "Total" row (formulas' cached values) and a note under the samples
    rows = _table() + [["Total", float(np.sum(X)), float(np.sum(Y))], [], ["checked by: anon"]]
    p = _book(tmp_path / "totals.xlsx", {"Sheet1": rows})
    rec = clonus.read(p)
    np.testing.assert_allclose(rec.data, np.vstack([X, Y]), atol=1e-12)
    assert rec.metadata["footer_lines"] == 2


def _two_trials(tmp_path):
    return _book(tmp_path / "trials.xlsx", {
        "Trial 1": [["Trial one, right ankle"], *_table()],
        "Trial 2": _table(head=("time (ms)", "gyro_x (rad/s)", "gyro_y (rad/s)"), t=T * 1e3),
        "Notes": [["patient", "anon"], ["grade", 2]]})


def test_info_lists_the_sheets_of_a_workbook_with_several_tables(tmp_path, capsys) -> None:
    # before: only the "pick one" error; now the sheets with their rows and columns
    from clonus.cli.main import main

    p = _two_trials(tmp_path)
    assert main(["info", str(p)]) == 4
    cap = capsys.readouterr()
    lines = cap.out.splitlines()
    row1 = next(ln for ln in lines if "Trial 1" in ln)
    row2 = next(ln for ln in lines if "Trial 2" in ln)
    notes = next(ln for ln in lines if "Notes" in ln)
    assert f" {N} " in row1 and "time_s" in row1 and "gyro_y (rad/s)" in row1
    assert f" {N} " in row2 and "time (ms)" in row2
    assert " 2 " in notes and "no table" in notes
    assert "-r sheet='Trial 1'" in cap.err and "sheet='Trial 1'" in cap.err
    # with --json the error object (contract unchanged), its message naming the sheets by
    # position only, as batch results do (names may name patients)
    assert main(["info", str(p), "--json"]) == 4
    err = json.loads(capsys.readouterr().out)["error"]
    assert err["type"] == "InvalidParameterError"
    assert f"sheet 1 ({N} rows: time_s, gyro_x (rad/s), gyro_y (rad/s))" in err["message"]
    assert "sheet 3 (2 rows, no table with a time column)" in err["message"]
    assert "Trial" not in err["message"] and "Notes" not in err["message"]
    # picking one describes it
    assert main(["info", str(p), "-r", "sheet=Trial 2", "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["groups"][0]["metadata"]["sheet"] == "Trial 2"
    assert obj["groups"][0]["n_samples"] == N


def test_assess_describes_the_sheets_and_how_to_pick_one(tmp_path, capsys) -> None:
    from clonus.cli.main import main

    p = _two_trials(tmp_path)
    assert main(["assess", str(p)]) == 4
    err = capsys.readouterr().err
    assert f"sheet 2 ({N} rows: time (ms), gyro_x (rad/s)" in err
    assert "-r sheet=NAME" in err and "clonus.read(path, sheet=NAME)" in err
    assert f"clonus info {p}" in err  # where the names are shown
    assert "Trial" not in err  # the same message goes into batch results: no sheet names
