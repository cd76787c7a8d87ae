"""Identifying fields planted in recordings never reach logs, warnings, messages or output
files (README "Privacy"; docs/formats.md, `anonymize=True`).

The rule the tests hold the code to: header fields that identify a person (EDF patient and
recording fields, device serials and tags, subject ids and blocks, a CSV's preamble and footer,
an Excel sheet's name) are never logged, never put into a warning or an error message, never
written into an assessment, a batch result or a report; ``anonymize=True`` also keeps them out
of ``Recording.metadata``. Only ``clonus info`` on the user's own workbook lists sheet names.
Every output is captured: all log records at DEBUG (every logger, not only ``clonus``), every
warning, stdout and stderr, exception messages and the files written.
"""

from __future__ import annotations

import json
import logging
import warnings
import zipfile
from pathlib import Path

import pytest
from planted import NAME, leaks

import clonus
from clonus.exceptions import ClonusError

KEYS = ["csv", "csv_bad", "actigraph", "geneactiv", "xsens", "moveo", "tsdf", "cwa", "apdm",
        "edf", "xlsx_one", "xlsx_two", "xlsx_bad"]


def _file(planted: dict[str, Path], key: str) -> Path:
    if key not in planted:
        pytest.skip(f"{key}: its writer (h5py, pyedflib or openpyxl) is not installed")
    return planted[key]


def test_the_planted_fields_are_in_the_files(planted) -> None:
    """The search below can fail: the planted text is really in the recordings (and the
    readers keep it without anonymize=True where their docs say so)."""
    for key, p in planted.items():
        if zipfile.is_zipfile(p):  # a workbook: its XML parts
            with zipfile.ZipFile(p) as zf:
                raw = b"".join(zf.read(n) for n in zf.namelist())
        else:
            raw = p.read_bytes()
        assert leaks(raw.decode("latin-1")), key
    if "edf" in planted:
        md = clonus.read(planted["edf"]).metadata
        assert leaks(json.dumps(md["edf_identity"]))
        assert leaks(json.dumps(md["annotations"]))
    assert leaks(json.dumps(clonus.read(planted["csv"]).metadata["csv_identity"]))
    if "xlsx_one" in planted:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # its unknown unit
            assert clonus.read(planted["xlsx_one"]).metadata["sheet"] == NAME


@pytest.mark.parametrize("key", KEYS)
def test_read_and_assess_never_say_identifying_fields(planted, key, caplog, capsys) -> None:
    p = _file(planted, key)
    caplog.set_level(logging.DEBUG)  # every logger
    said: list[str] = []
    for anonymize in (False, True):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                rec = clonus.read(p, anonymize=anonymize)
                said.append(json.dumps(clonus.assess(rec).to_dict()))
            except ClonusError as exc:
                said.append(str(exc))
                rec = None
        said += [str(w.message) for w in caught]
        if anonymize and rec is not None:
            kept = json.dumps(rec.metadata, default=str) + " ".join(rec.ch_names)
            assert leaks(kept) == [], f"{key}: anonymize=True kept {leaks(kept)}"
    cap = capsys.readouterr()
    assert leaks(caplog.text) == [], f"{key}: logged {leaks(caplog.text)}"
    assert leaks(" ".join(said)) == [], f"{key}: said {leaks(' '.join(said))}"
    assert leaks(cap.out + cap.err) == []


@pytest.mark.parametrize("key", KEYS)
def test_cli_assess_and_info_never_print_identifying_fields(planted, key, caplog,
                                                            capsys) -> None:
    from clonus.cli.main import main

    p = str(_file(planted, key))
    caplog.set_level(logging.DEBUG)
    runs = [["assess", p, "--json"], ["assess", p], ["info", p, "--json", "-r", "anonymize=true"]]
    if key != "xlsx_two":  # the one place sheet names are shown: see the test below
        runs.append(["info", p])
    for argv in runs:
        code = main(argv)
        cap = capsys.readouterr()
        assert code in (0, 3, 4), (argv, code, cap.err)
        assert leaks(cap.out + cap.err) == [], (argv, leaks(cap.out + cap.err))
        if "--json" in argv:
            json.loads(cap.out)  # one JSON object (assessment, info or error)
    assert leaks(caplog.text) == []


def test_only_clonus_info_lists_the_sheet_names_to_the_user(planted, capsys) -> None:
    """``clonus info BOOK.xlsx`` on the user's own workbook shows the names, so that they can
    pick one; the error of every other command gives the count and points there."""
    from clonus.cli.main import main

    p = str(_file(planted, "xlsx_two"))
    assert main(["info", p]) == 4
    cap = capsys.readouterr()
    assert "Smith J 1962-03-04" in cap.out and f"{NAME} 2" in cap.out
    assert main(["assess", p]) == 4
    err = capsys.readouterr().err
    assert "all 2 sheets of the workbook hold signal tables (sheets 1 and 2)" in err
    assert f"clonus info {p}" in err and leaks(err) == []


def test_batch_results_never_carry_identifying_fields(planted, tmp_path, caplog,
                                                     capsys) -> None:
    """``clonus batch`` over the folder: results.csv, summary.csv, manifest.json, every
    assessment JSON, the terminal output and the logs. The two-sheet workbook's error row
    keeps the sheet count and points to ``clonus info`` (before: it listed the names)."""
    import pandas as pd

    from clonus.cli.main import main

    root = next(iter(planted.values())).parent.parent
    out = tmp_path / "results"
    caplog.set_level(logging.DEBUG)
    assert main(["batch", str(root), "--out", str(out)]) == 0
    cap = capsys.readouterr()
    written = {q.relative_to(out).as_posix(): q.read_text(encoding="utf-8")
               for q in out.rglob("*") if q.is_file()}
    assert {"results.csv", "summary.csv", "manifest.json"} <= set(written)
    for name, text in written.items():
        assert leaks(text) == [], (name, leaks(text))
    assert leaks(cap.out + cap.err) == [] and leaks(caplog.text) == []
    df = pd.read_csv(out / "results.csv", keep_default_na=False)
    assert len(df) == len(planted)  # every planted recording has its row
    if "xlsx_two" in planted:
        err = df.loc[df["id"] == "xlsx_two/book.xlsx", "error"].item()
        assert "sheets 1 and 2" in err and "clonus info" in err
    if "xlsx_one" in planted:  # its warning names the sheet by position
        row = df.loc[df["id"] == "xlsx_one/book.xlsx"].iloc[0]
        assert row["error"] == "" and "book.xlsx [sheet 1]" in row["warnings"]


def test_reports_never_carry_identifying_fields(planted, tmp_path, caplog) -> None:
    """HTML, PDF (if WeasyPrint is installed), CSV and FHIR reports of every readable planted
    recording, with the recordings given for the plots."""
    import importlib.util

    from clonus.report import write_report

    recs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # units and rates the readers warn about
        for p in planted.values():
            try:
                recs.append(clonus.read(p))
            except ClonusError:
                continue
        assessments = [clonus.assess(r) for r in recs]
    suffixes = [".html", ".csv", ".fhir.json"]
    if importlib.util.find_spec("weasyprint") is not None:
        suffixes.append(".pdf")
    caplog.set_level(logging.DEBUG)
    for suffix in suffixes:
        out = write_report(tmp_path / f"report{suffix}", assessments, recordings=recs)
        data = Path(out).read_bytes()
        text = data.decode("latin-1") if suffix == ".pdf" else data.decode("utf-8")
        assert leaks(text) == [], (suffix, leaks(text))
    assert leaks(caplog.text) == []


def test_an_internal_error_in_batch_logs_its_frames_not_its_message(planted, tmp_path,
                                                                    monkeypatch, caplog) -> None:
    """A bug's exception message may quote the file (here a planted name): the DEBUG log keeps
    the traceback's frames for the bug report, without the message (before: exc_info logged
    it). The row's ``error`` still has it, for the user."""
    from clonus.batch import run_batch

    def broken(rec, **kwargs):
        raise ValueError(f"could not convert string to float: '{NAME}'")

    monkeypatch.setattr(clonus, "assess", broken)
    caplog.set_level(logging.DEBUG)
    df = run_batch([planted["csv"]], out_dir=tmp_path / "out")
    assert df["error_type"].item() == "ValueError" and NAME in df["error"].item()
    assert "in broken" in caplog.text  # the frames are logged
    assert leaks(caplog.text) == []
