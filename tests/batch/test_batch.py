"""Batch analysis: inputs, determinism across n_jobs, error rows, outputs and manifest."""

from __future__ import annotations

import hashlib
import json
import shutil

import numpy as np
import pandas as pd
import pytest

import clonus
from clonus.batch import collect_inputs, run_batch, summarize
from clonus.exceptions import FileFormatError, InvalidParameterError

pytest.importorskip("clonus.detect.motion")


def _direct(path):
    """What `clonus assess` gives for one file: the batch must reproduce it exactly."""
    return clonus.assess(clonus.read(path)).to_dict()


def test_folder_is_scanned_recursively_in_sorted_order(study):
    skipped = []
    items = collect_inputs(study.root, skipped=skipped)
    ids = [it.id for it in items]
    expected = sorted([p.relative_to(study.root).as_posix() for p in study.files]
                      + [study.corrupt.relative_to(study.root).as_posix()])
    assert ids == expected  # corrupt .edf kept (reported as an error row), README skipped
    assert [s["path"] for s in skipped] == [str(study.root / "README.txt")]
    first = items[0]
    assert (first.subject, first.session) == ("01", "1")  # from sub-01/ses-1 (BIDS-style)


def test_glob_and_list_inputs(study):
    by_glob = collect_inputs(str(study.root / "sub-01" / "**" / "*.csv"))
    assert [it.path for it in by_glob] == [str(p) for p in study.files[:3]]
    listed = collect_inputs([study.files[3], study.files[0]])  # lists keep their order
    assert [it.path for it in listed] == [str(study.files[3]), str(study.files[0])]
    with pytest.raises(FileFormatError, match="matches no file"):
        collect_inputs(str(study.root / "*.nothing"))
    with pytest.raises(InvalidParameterError, match="No inputs"):
        collect_inputs([])


def test_run_matches_single_file_assessment_and_records_errors(study, tmp_path):
    out = tmp_path / "out"
    df = run_batch(study.root, out_dir=out)
    assert len(df) == len(study.files) + 1
    ok = df[df["error"] == ""]
    assert list(ok["path"]) == [str(p) for p in study.files]
    for _, row in ok.iterrows():
        d = _direct(row["path"])
        assert row["n_beats"] == d["n_beats"]
        assert row["classification"] == d["classification"]
        assert row["pathological"] == d["pathological"]
        assert (pd.isna(row["frequency_hz"]) and d["frequency_hz"] is None) or \
            row["frequency_hz"] == pytest.approx(d["frequency_hz"], rel=1e-12)
        assert row["grade_bedside"] == d["grades"]["bedside"]["value"]
        # one clonus test per file here (repeated tests: tests/detect/test_repetitions.py)
        if d["stretch_onset_s"] is not None:
            assert row["n_tests"] == 1 and pd.isna(row["test_number"])
        assert row["software_version"] == clonus.__version__
        # the per-recording JSON is the assessment contract, identical to assess().to_dict()
        saved = json.loads((out / row["json"]).read_text())
        assert saved["n_beats"] == d["n_beats"] and saved["beats"] == d["beats"]
    bad = df[df["path"] == str(study.corrupt)].iloc[0]
    assert bad["error_type"] == "FileFormatError"
    assert "right.edf" in bad["error"]
    assert pd.isna(bad["n_beats"]) and bad["json"] == ""


def test_n_jobs_1_and_2_identical(study):
    one = run_batch(study.root, n_jobs=1)
    two = run_batch(study.root, n_jobs=2)
    pd.testing.assert_frame_equal(one, two)  # same values, same order, same dtypes
    assert list(one["id"]) == sorted(one["id"])


def test_on_error_raise(study):
    with pytest.raises(FileFormatError, match="right.edf"):
        run_batch([study.files[0], study.corrupt], on_error="raise")
    with pytest.raises(InvalidParameterError, match="on_error"):
        run_batch(study.files[0], on_error="ignore")
    with pytest.raises(InvalidParameterError, match="n_jobs"):
        run_batch(study.files[0], n_jobs=0)


def test_manifest_csv_and_run_manifest(study, tmp_path):
    rows = [
        {"path": study.files[1].relative_to(study.root).as_posix(), "subject": "P1",
         "session": "baseline", "side": "right", "label": "spastic", "group": "stroke"},
        {"path": str(study.files[0]), "subject": "P1", "session": "baseline", "side": "left",
         "label": "spastic", "group": "stroke"},
        {"path": "missing.csv", "subject": "P2", "session": "baseline", "side": "left",
         "label": "", "group": "control"},
    ]
    man = study.root / "manifest.csv"
    pd.DataFrame(rows).to_csv(man, index=False)
    try:
        out = tmp_path / "run"
        df = run_batch(man, out_dir=out)
    finally:
        man.unlink()
    assert list(df["side"]) == ["right", "left", "left"]  # manifest order kept
    assert list(df["group"]) == ["stroke", "stroke", "control"]  # extra columns carried
    assert df.loc[2, "error_type"] == "FileFormatError"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["n_recordings"] == 3 and manifest["n_error"] == 1
    assert manifest["versions"]["numpy"] == np.__version__
    assert manifest["created_utc"].endswith("+00:00")
    for entry, path in zip(manifest["inputs"][:2], [study.files[1], study.files[0]],
                           strict=True):
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert entry["size_bytes"] == path.stat().st_size
    assert manifest["inputs"][2]["sha256"] is None
    # results.csv round trip and summary per subject/session
    back = pd.read_csv(out / "results.csv", keep_default_na=False)
    assert list(back["id"]) == list(df["id"])
    summ = pd.read_csv(out / "summary.csv", keep_default_na=False)
    p1 = summ[summ["subject"] == "P1"].iloc[0]
    assert (p1["n_recordings"], p1["n_ok"], p1["n_error"]) == (2, 2, 0)
    assert p1["n_clonus"] == int((df.loc[:1, "classification"] == "clonus").sum())


def test_manifest_dataframe(study):
    man = pd.DataFrame({"path": [str(study.files[2]), str(study.files[0])],
                        "subject": ["A", None], "visit": [1, 2]})
    df = run_batch(man)
    assert list(df["path"]) == [str(study.files[2]), str(study.files[0])]
    assert list(df["subject"]) == ["A", "01"]  # missing -> from the BIDS-style path
    assert list(df["visit"]) == ["1", "2"]  # extra columns carried (as text)
    with pytest.raises(InvalidParameterError, match="'path' column"):
        run_batch(pd.DataFrame({"file": ["x.csv"]}))


def test_summarize_counts(study):
    df = run_batch(study.root)
    s = summarize(df)
    assert s["n_recordings"].sum() == len(df)
    row = s[(s["subject"] == "01") & (s["session"] == "1")].iloc[0]
    part = df[(df["subject"] == "01") & (df["session"] == "1")]
    assert row["n_recordings"] == 2
    assert row["n_beats_max"] == part["n_beats"].max()
    assert row["n_clonus"] == (part["classification"] == "clonus").sum()
    with pytest.raises(InvalidParameterError, match="visit"):
        summarize(df, by=["visit"])


def test_duplicate_names(study, tmp_path):
    # the same file name in two folders gets two ids; identical content gives the same SHA-256
    a, b = tmp_path / "a" / "left.csv", tmp_path / "b" / "left.csv"
    for p in (a, b):
        p.parent.mkdir()
        shutil.copy(study.files[0], p)
    df = run_batch([a, b, a], out_dir=tmp_path / "o")
    assert list(df["id"]) == ["a/left.csv", "b/left.csv", "a/left.csv#2"]
    assert df["sha256"].nunique() == 1
    assert sorted(p.name for p in (tmp_path / "o" / "assessments").iterdir()) == \
        ["a__left.csv.json", "a__left.csv_2.json", "b__left.csv.json"]


@pytest.mark.requires_data
def test_real_data_does_not_crash_the_batch(real_data, tmp_path):
    df = run_batch(real_data, out_dir=tmp_path / "real")
    # every readable recording of the shared data set gets a row and errors carry a message;
    # the data set has no clonus (walking IMU and EMG, device exports), so no row says clonus
    assert len(df) >= 10
    assert set(df["id"]) >= {"gaitmap_foot_imu/imu_sample.csv",
                             "gait_emg_13_muscles/RAW_DATA.RData",
                             "wearable_exports/shimmer/read_test_data.csv"}
    walking = df[df["format"] == "gaitmap"]
    assert len(walking) >= 4
    assert (df["classification"] != "clonus").all()
    assert (df.loc[df["error"] != "", "error_type"] != "").all()
    gait = df[df["id"] == "gaitmap_foot_imu/imu_sample.csv"].iloc[0]
    assert gait["error"] == "" and gait["format"] == "gaitmap"
    # a multi-rate export (Empatica E4: 64, 32, 4, 1 Hz) is analysed on its accelerometer
    # group, and the row says so
    e4 = df[df["id"] == "wearable_exports/empatica_e4"].iloc[0]
    assert e4["error"] == "" and e4["fs_hz"] == 32.0
    assert "several rates" in e4["warnings"]
    manifest = json.loads((tmp_path / "real" / "manifest.json").read_text())
    assert any(s["path"].endswith("README.md") for s in manifest["skipped"])


def test_missing_dask_message(study, monkeypatch):
    import sys

    from clonus.exceptions import MissingDependencyError

    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails
    with pytest.raises(MissingDependencyError, match=r"clonus\[batch\]"):
        run_batch(study.files[:2], n_jobs=2)


def test_config_is_used_and_recorded(study, tmp_path):
    from dataclasses import replace

    from clonus.detect.motion import DEFAULT_MOTION

    cfg = replace(DEFAULT_MOTION, min_prominence_deg=3.0)  # stricter beats: fewer or equal
    df = run_batch(study.files[0], config=cfg, out_dir=tmp_path)
    direct = clonus.assess(clonus.read(study.files[0]), config=cfg)
    assert df.loc[0, "n_beats"] == direct.n_beats
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["config"]["type"] == "MotionConfig"
    assert manifest["config"]["min_prominence_deg"] == 3.0


def test_resume_reuses_unchanged_results(study, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(study.root, src)
    out = tmp_path / "out"
    first = run_batch(src, out_dir=out)
    # change one recording's content (another subject's file), then resume
    changed = src / "sub-01" / "ses-2" / "left.csv"
    shutil.copy(study.root / "sub-02" / "ses-1" / "left.csv", changed)
    again = run_batch(src, out_dir=out, resume=True)
    fresh = run_batch(src)
    manifest = json.loads((out / "manifest.json").read_text())
    reused = {e["id"] for e in manifest["inputs"] if e["reused"]}
    # unchanged successes are reused; the changed file and the failing one are re-analysed
    assert reused == {"sub-01/ses-1/left.csv", "sub-01/ses-1/right.csv",
                      "sub-02/ses-1/left.csv"}
    assert manifest["n_reused"] == 3
    cols = [c for c in fresh.columns if c != "json"]
    pd.testing.assert_frame_equal(again[cols], fresh[cols])  # same as a fresh run
    row = again[again["id"] == "sub-01/ses-2/left.csv"].iloc[0]
    assert row["sha256"] != first[first["id"] == "sub-01/ses-2/left.csv"].iloc[0]["sha256"]
    # a different config invalidates everything
    from dataclasses import replace

    from clonus.detect.motion import DEFAULT_MOTION

    run_batch(src, out_dir=out, resume=True, config=replace(DEFAULT_MOTION,
                                                            min_prominence_deg=0.6))
    assert json.loads((out / "manifest.json").read_text())["n_reused"] == 0
    with pytest.raises(InvalidParameterError, match="out_dir"):
        run_batch(src, resume=True)


def test_study_spreadsheet_is_skipped_but_a_recording_workbook_is_analysed(tmp_path):
    """A study folder usually holds a participants/notes workbook: it is skipped (listed), not
    an error row; a workbook holding a signal table is a recording like a CSV."""
    openpyxl = pytest.importorskip("openpyxl")
    root = tmp_path / "study"
    root.mkdir()
    wb = openpyxl.Workbook()
    wb.active.append(["participant", "age", "side"])
    wb.active.append(["P01", 54, "left"])
    wb.save(root / "participants.xlsx")
    wb = openpyxl.Workbook()
    wb.active.append(["time_s", "gyro_x (rad/s)"])
    for i in range(400):
        wb.active.append([i / 100.0, float(0.3 * np.sin(2 * np.pi * 5 * i / 100.0))])
    wb.save(root / "trial.xlsx")
    skipped = []
    items = collect_inputs(root, skipped=skipped)
    assert [it.id for it in items] == ["trial.xlsx"]
    assert [s["path"] for s in skipped] == [str(root / "participants.xlsx")]
