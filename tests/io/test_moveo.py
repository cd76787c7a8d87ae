"""APDM Moveo Explorer joint-angle CSV exports, written by io_builders.write_moveo in the layout
of a real export (docs/formats.md): channels, units, sign, the 'Time (ms)' column that holds
seconds, the identity block kept private, bad files, and a simulated held clonus test counted
against the simulator's truth. The real export itself (not redistributable) is read only when
it is present on this machine."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest
from io_builders import (
    ANKLE_R_DF,
    FS,
    MOVEO_IDENTITY,
    MOVEO_JOINTS,
    N,
    X,
    Y,
    Z,
    generic_csv,
    moveo_csv,
    write_moveo,
)

import clonus
from clonus.cli.main import main
from clonus.exceptions import FileFormatError, InvalidParameterError
from clonus.io import anonymize_moveo

KNEE_R = "Knee (R) flexion / extension (+/-)"
ANKLE_L_DF = "Ankle (L) dorsiflexion / plantarflexion (+/-)"
#: identity values of MOVEO_IDENTITY that must never leave metadata["moveo_identity"]
SECRETS = ("Zebulon", "Quackenbush", "1937-04-03", "QX-90417", "20250108", "104732",
           "Cohort Q")
#: the builder writes 4 decimals of a degree here
ATOL_RAD = np.deg2rad(0.5e-4) * 1.01
REAL_HEAD40 = Path("/work/scratch/s12/realtremor/yxteo2_TremorClassification2/"
                   "ET19_FreeForm_Joint_Angles_deidentified_head40.csv")


def _lines_edit(p: Path, fn) -> Path:
    lines = p.read_text().split("\n")
    p.write_text("\n".join(fn(lines)))
    return p


# --------------------------------------------------------------------------- layout
def test_layout_channels_units_sign_and_dropped_columns(tmp_path) -> None:
    p = moveo_csv(tmp_path)
    assert clonus.io.detect_format(p) == "moveo"
    rec = clonus.read(p)
    assert rec.fs == FS and rec.n_samples == N
    assert rec.ch_names == ["knee_r_flexion", "ankle_r_eversion", "ankle_r_dorsiflexion"]
    assert [c.kind for c in rec.channels] == ["misc", "misc", "angle"]
    assert all(c.unit == "rad" and c.orig_unit == "degrees" for c in rec.channels)
    np.testing.assert_allclose(rec.get("ankle_r_dorsiflexion"), np.deg2rad(X), atol=ATOL_RAD)
    np.testing.assert_allclose(rec.get("knee_r_flexion"), np.deg2rad(Y), atol=ATOL_RAD)
    np.testing.assert_allclose(rec.get("ankle_r_eversion"), np.deg2rad(Z), atol=ATOL_RAD)
    md = rec.metadata
    assert md["sign_convention"]["ankle_r_dorsiflexion"] == \
        "dorsiflexion positive, plantarflexion negative"
    assert md["columns"]["ankle_r_dorsiflexion"] == ANKLE_R_DF
    # the 35 joints whose sensors were not worn are dropped and listed
    assert len(md["empty_columns"]) == 35 and "ankle_l_dorsiflexion" in md["empty_columns"]
    assert "knee_r_flexion" not in md["empty_columns"]
    assert md["moveo_csv_version"] == "CSV.5" and md["condition"] == "Clonus"
    assert md["declared_duration_s"] == pytest.approx(N / FS)
    json.dumps(md)


def test_names_of_every_joint_column(tmp_path) -> None:
    cols = {h: np.full(N, float(k)) for k, h in enumerate(MOVEO_JOINTS)}
    rec = clonus.read(write_moveo(tmp_path / "all.csv", cols, fs=FS))
    assert rec.n_channels == 38 and len(set(rec.ch_names)) == 38
    assert "empty_columns" not in rec.metadata
    want = {"Neck right / left lateral bending (+/-)": "neck_right_lateral_bending",
            "Back flexion / extension (+/-)": "back_flexion",
            "Shoulder (L) internal / external rotation (+/-)": "shoulder_l_internal_rotation",
            "Elbow (R) supination / pronation (+/-)": "elbow_r_supination",
            "Wrist (R) ulnar / radial deviation (+/-)": "wrist_r_ulnar_deviation",
            "Hip (L) abduction / adduction (+/-)": "hip_l_abduction",
            "Knee (L) valgus / varus (+/-)": "knee_l_valgus",
            "Ankle (L) eversion / inversion (+/-)": "ankle_l_eversion",
            ANKLE_L_DF: "ankle_l_dorsiflexion", ANKLE_R_DF: "ankle_r_dorsiflexion"}
    for header, name in want.items():
        k = MOVEO_JOINTS.index(header)
        assert rec.ch_names[k] == name  # in the file's order
        assert rec.get(name)[0] == pytest.approx(np.deg2rad(k))
        assert rec.metadata["columns"][name] == header
    assert rec.metadata["sign_convention"]["neck_right_lateral_bending"] == \
        "right lateral bending positive, left lateral bending negative"
    assert rec.metadata["sign_convention"]["hip_l_internal_rotation"] == \
        "internal rotation positive, external rotation negative"
    # only the two ankles' dorsiflexion is the goniometer angle the analysis uses
    assert [c.name for c in rec.channels if c.kind == "angle"] == \
        ["ankle_l_dorsiflexion", "ankle_r_dorsiflexion"]


def test_radians_are_read_as_radians(tmp_path) -> None:
    p = write_moveo(tmp_path / "rad.csv", {ANKLE_R_DF: np.deg2rad(X)}, fs=FS, units="radians",
                    decimals=6)
    ch = clonus.read(p).channels[0]
    assert ch.unit == "rad" and ch.kind == "angle"
    np.testing.assert_allclose(clonus.read(p).get(0), np.deg2rad(X), atol=1e-6)


# --------------------------------------------------------------------------- time unit
def test_the_time_ms_column_holding_seconds_is_read_as_seconds_and_said_so(tmp_path) -> None:
    # the real export: "Time (ms)" reads 0.0000, 0.0078, 0.0156 at 128 Hz
    p = write_moveo(tmp_path / "s.csv", {ANKLE_R_DF: X}, fs=128.0)
    assert p.read_text().split("\n")[17].startswith('"2","0.0078"')
    rec = clonus.read(p)
    md = rec.metadata
    assert rec.fs == 128.0 and rec.n_samples == N
    assert md["time_column"] == "Time (ms)" and md["time_unit"] == "s"
    assert "'Time (ms)'" in md["time_unit_note"] and "read as s" in md["time_unit_note"]


def test_a_time_column_really_in_ms_is_read_as_ms_without_a_note(tmp_path) -> None:
    p = write_moveo(tmp_path / "ms.csv", {ANKLE_R_DF: X}, fs=128.0, time_scale=1e-3)
    assert p.read_text().split("\n")[17].startswith('"2","7.8125"')
    md = clonus.read(p).metadata
    assert md["time_unit"] == "ms" and "time_unit_note" not in md


def test_times_that_fit_no_unit_of_the_declared_rate_are_refused(tmp_path) -> None:
    # written at 100 Hz, header says 128 Hz: the step is neither 1/128 s nor 1/128 ms
    p = write_moveo(tmp_path / "r.csv", {ANKLE_R_DF: X}, fs=FS)
    p.write_text(p.read_text().replace('"Sample Rate","100.0"', '"Sample Rate","128.0"')
                 .replace('"Duration (s)","2.0"', '"Duration (s)","1.5625"'))
    with pytest.raises(FileFormatError, match=r"Sample Rate is 128 Hz.*not that step"):
        clonus.read(p)


def test_mixed_rates_are_refused(tmp_path) -> None:
    # the second half of the rows every 20 ms instead of 10 ms
    p = moveo_csv(tmp_path)

    def slow(lines):
        for i in range(16 + N // 2, 16 + N):
            cells = lines[i].split(",")
            k = i - 16
            cells[1] = f'"{(N // 2 + 2 * (k - N // 2)) / FS:.4f}"'
            lines[i] = ",".join(cells)
        return lines
    _lines_edit(p, slow)
    with pytest.raises(FileFormatError, match=r"mixed rates|the rate is wrong") as ei:
        clonus.read(p)
    assert str(p) in str(ei.value)


def test_a_rate_change_that_keeps_the_span_is_refused(tmp_path) -> None:
    # first half every 15 ms, second every 5 ms: the same span, so only the shape tells
    p = moveo_csv(tmp_path)
    t = np.concatenate([np.arange(N // 2) * 0.015, 0.015 * (N // 2) - 0.005 +
                        np.arange(N - N // 2) * 0.005])
    t = t * (N - 1) / FS / t[-1]

    def edit(lines):
        for k in range(N):
            cells = lines[16 + k].split(",")
            cells[1] = f'"{t[k]:.4f}"'
            lines[16 + k] = ",".join(cells)
        return lines
    _lines_edit(p, edit)
    with pytest.raises(FileFormatError, match=r"do not follow one steady rate.*row 17"):
        clonus.read(p)


# --------------------------------------------------------------------------- options
def test_joint_and_side_choose_what_is_read(tmp_path) -> None:
    p = write_moveo(tmp_path / "j.csv", {KNEE_R: Y, ANKLE_R_DF: X, ANKLE_L_DF: -X,
                                         "Back flexion / extension (+/-)": Z}, fs=FS)
    assert clonus.read(p, joint="ankle_r").ch_names == ["ankle_r_dorsiflexion"]
    assert clonus.read(p, joint="Ankle (R)").ch_names == ["ankle_r_dorsiflexion"]
    assert clonus.read(p, joint=ANKLE_L_DF).ch_names == ["ankle_l_dorsiflexion"]
    assert clonus.read(p, joint="ankle").ch_names == ["ankle_l_dorsiflexion",
                                                     "ankle_r_dorsiflexion"]
    assert clonus.read(p, joint=["knee_r_flexion", "ankle_r"]).ch_names == \
        ["knee_r_flexion", "ankle_r_dorsiflexion"]
    assert clonus.read(p, side="right").ch_names == ["knee_r_flexion", "ankle_r_dorsiflexion"]
    assert clonus.read(p, joint="ankle", side="L").ch_names == ["ankle_l_dorsiflexion"]
    np.testing.assert_allclose(clonus.read(p, joint="ankle_l").get(0), -np.deg2rad(X),
                               atol=np.deg2rad(0.005) * 1.01)
    with pytest.raises(InvalidParameterError, match=r"empty.*not worn"):
        clonus.read(p, joint="hip_l")
    with pytest.raises(InvalidParameterError, match=r"'toe'.*no such joint.*ankle_r_dorsi"):
        clonus.read(p, joint="toe")
    with pytest.raises(InvalidParameterError, match="side= must be"):
        clonus.read(p, side="up")
    with pytest.raises(InvalidParameterError, match="joint= must be"):
        clonus.read(p, joint=3)
    with pytest.raises(InvalidParameterError, match=r"Unknown option.*'joint'"):
        clonus.read(p, sensor="Right Foot")


# --------------------------------------------------------------------------- privacy
def test_identity_block_is_kept_private(tmp_path, caplog, capsys) -> None:
    caplog.set_level(logging.DEBUG, logger="clonus")
    assert all(any(s in v for v in MOVEO_IDENTITY.values()) for s in SECRETS)
    p = moveo_csv(tmp_path)
    rec = clonus.read(p)
    ident = rec.metadata["moveo_identity"]
    assert ident["Subject First Name"] == "Zebulon"
    assert ident["Subject Date of Birth"] == "1937-04-03"
    assert ident["Record Date/Time"] == "20250108-104732SGT"
    assert ident["Subject Group"] == "Cohort Q"
    assert rec.start_time is None  # the record date/time is identifying
    public = {k: v for k, v in rec.metadata.items() if k != "moveo_identity"}
    shown = " ".join([json.dumps(public), repr(rec), *rec.ch_names, caplog.text,
                      *(str(c) for c in rec.channels)])
    assert not any(s in shown for s in SECRETS)
    assert main(["info", str(p), "--json"]) == 0
    out = capsys.readouterr().out
    assert "moveo" in out and not any(s in out for s in SECRETS)
    anon = clonus.read(p, anonymize=True)
    assert "moveo_identity" not in anon.metadata and anon.metadata["anonymized"] is True
    assert not any(s in anon.metadata_json() for s in SECRETS)
    np.testing.assert_array_equal(anon.data, rec.data)


def test_anonymize_moveo_writes_a_blanked_copy(tmp_path) -> None:
    p = moveo_csv(tmp_path)
    before = p.read_bytes()
    out = anonymize_moveo(p, tmp_path / "anon.csv")
    assert p.read_bytes() == before  # the original is never altered
    text = out.read_text()
    assert not any(s in text for s in SECRETS)
    assert '"Subject First Name",""' in text and '"Condition","Clonus"' in text
    # the table is copied byte for byte
    assert before.split(b'"Sample Number (#)"')[1] == out.read_bytes().split(
        b'"Sample Number (#)"')[1]
    a, b = clonus.read(p), clonus.read(out)
    np.testing.assert_array_equal(a.data, b.data)
    assert "moveo_identity" not in b.metadata
    assert {k: v for k, v in a.metadata.items() if k != "moveo_identity"} == b.metadata
    with pytest.raises(InvalidParameterError, match="different output"):
        anonymize_moveo(p, p)
    with pytest.raises(FileFormatError, match="not a Moveo"):
        anonymize_moveo(generic_csv(tmp_path), tmp_path / "x.csv")


# --------------------------------------------------------------------------- bad files
def test_truncated_file_is_refused_against_the_declared_duration(tmp_path) -> None:
    p = _lines_edit(moveo_csv(tmp_path), lambda ls: ls[:16 + 150])  # 150 of 200 rows
    with pytest.raises(FileFormatError, match=r"Duration is 2 s.*holds 150 samples.*truncated"):
        clonus.read(p)


def test_rows_beyond_the_declared_duration_are_refused(tmp_path) -> None:
    p = write_moveo(tmp_path / "long.csv", {ANKLE_R_DF: X}, fs=FS, duration_s=1.0)
    with pytest.raises(FileFormatError, match="more than the header's Duration"):
        clonus.read(p)


@pytest.mark.parametrize("drop, match", [
    (15, r"no '\"Sample Number \(#\)\".*header row"),  # the table header
    (12, r"no 'Sample Rate' line"),
])
def test_missing_header_lines(tmp_path, drop, match) -> None:
    p = _lines_edit(moveo_csv(tmp_path), lambda ls: ls[:drop] + ls[drop + 1:])
    with pytest.raises(FileFormatError, match=match):
        clonus.read(p)


def test_a_file_cut_inside_its_header(tmp_path) -> None:
    p = _lines_edit(moveo_csv(tmp_path), lambda ls: ls[:9])
    with pytest.raises(FileFormatError, match="cut off inside its header"):
        clonus.read(p)
    (tmp_path / "b").mkdir()
    p2 = _lines_edit(moveo_csv(tmp_path / "b"), lambda ls: ls[:17])  # header and one row
    with pytest.raises(FileFormatError, match="fewer than 2 data rows"):
        clonus.read(p2)


def _hole(lines, col: int, rows: range):
    for r in rows:
        cells = lines[16 + r].split(",")
        cells[col] = '""'
        lines[16 + r] = ",".join(cells)
    return lines


def test_a_hole_in_the_ankle_column(tmp_path) -> None:
    p = _lines_edit(moveo_csv(tmp_path), lambda ls: _hole(ls, 39, range(50, 55)))
    with pytest.raises(FileFormatError, match=r"5 samples are empty.*ankle_r_dorsiflexion.*"
                                              r"row 67.*nan_policy='omit'"):
        clonus.read(p)
    rec = clonus.read(p, nan_policy="omit")
    assert rec.metadata["nonfinite_samples"] == {"ankle_r_dorsiflexion": 5}
    x = rec.get("ankle_r_dorsiflexion")
    assert np.isfinite(x).all()
    # linear between the samples either side of the hole
    want = np.interp(np.arange(50, 55), [49, 55], np.deg2rad(X[[49, 55]]))
    np.testing.assert_allclose(x[50:55], want, atol=1e-6)
    np.testing.assert_allclose(x[:50], np.deg2rad(X[:50]), atol=ATOL_RAD)


def test_a_hole_in_another_joint_does_not_stop_reading_the_ankle(tmp_path) -> None:
    knee = 2 + MOVEO_JOINTS.index(KNEE_R)
    p = _lines_edit(moveo_csv(tmp_path), lambda ls: _hole(ls, knee, range(10, 12)))
    with pytest.raises(FileFormatError, match="knee_r_flexion"):
        clonus.read(p)
    assert clonus.read(p, joint="ankle_r").ch_names == ["ankle_r_eversion",
                                                        "ankle_r_dorsiflexion"]


def test_missing_rows_are_bridged_only_when_asked(tmp_path) -> None:
    p = _lines_edit(moveo_csv(tmp_path), lambda ls: ls[:16 + 80] + ls[16 + 84:])  # 4 rows
    with pytest.raises(FileFormatError, match=r"rows are missing after row 96.*jumps from 80 "
                                              r"to 85"):
        clonus.read(p)
    rec = clonus.read(p, nan_policy="omit")
    assert rec.n_samples == N  # back on the declared grid
    assert rec.metadata["gap_intervals_s"] == [[pytest.approx(0.79), pytest.approx(0.05)]]
    want = np.interp(np.arange(80, 84), [79, 84], np.deg2rad(X[[79, 84]]))
    np.testing.assert_allclose(rec.get("ankle_r_dorsiflexion")[80:84], want, atol=1e-6)


def test_an_export_with_no_data_at_all(tmp_path) -> None:
    p = write_moveo(tmp_path / "none.csv", {"Extra (+/-)": np.full(N, np.nan)}, fs=FS)
    with pytest.raises(FileFormatError, match="every joint-angle column is empty"):
        clonus.read(p)


def test_other_csv_files_are_not_taken(tmp_path) -> None:
    assert clonus.io.detect_format(generic_csv(tmp_path)) == "csv"
    q = tmp_path / "samples.csv"  # sample numbers and a time in ms, but no joint angles
    q.write_text("Sample Number (#),Time (ms),gyro_x (rad/s)\n" +
                 "".join(f"{i + 1},{i * 10},{x:.6f}\n" for i, x in enumerate(X)))
    assert clonus.io.detect_format(q) == "csv"


# --------------------------------------------------------------------------- clonus test
def _simulated_export(tmp_path: Path):
    from clonus.simulate import simulate_trial

    fs = 128.0  # the real export's rate
    tr = simulate_trial(mode="held", gain_ratio=4.0, duration_s=10.0, seed=3,
                        sensors=("goniometer",), fs_imu_hz=fs)
    n = tr.recording.n_samples
    t = np.arange(n) / fs
    rng = np.random.default_rng(0)
    cols = {ANKLE_R_DF: np.degrees(tr.recording.get("angle")),
            # the knee swings more than the ankle beats: it is not taken for the clonus
            KNEE_R: 40 + 25 * np.sin(2 * np.pi * 0.2 * t) + rng.normal(0, 0.3, n),
            ANKLE_L_DF: -5 + rng.normal(0, 0.2, n),
            "Hip (R) flexion / extension (+/-)": 60 + rng.normal(0, 0.5, n)}
    return tr.truth, write_moveo(tmp_path / "Clonus_Joint_Angles.csv", cols, fs=fs)


def test_simulated_held_clonus_test_is_counted(tmp_path) -> None:
    """A held clonus test's ankle angle, written as a Moveo export beside a swinging knee, a
    quiet left ankle and a hip: the beats are counted as the simulator made them."""
    truth, p = _simulated_export(tmp_path)
    rec = clonus.read(p)
    for a in (clonus.assess(rec),  # by default: the ankle angle that moved most
              clonus.assess(rec, channel="ankle_r_dorsiflexion"),
              clonus.assess(clonus.read(p, joint="ankle_r")),
              clonus.assess(clonus.read(p, side="right"))):
        assert a.classification == "clonus"
        assert abs(a.n_beats - truth.n_beats) <= max(1, 0.05 * truth.n_beats), (
            a.n_beats, truth.n_beats)
        assert a.frequency_hz == pytest.approx(truth.frequency_hz, abs=0.15)
        assert a.metrics["channels_used"] == ["ankle_r_dorsiflexion"]


def test_cli_assess_json_does_not_carry_the_identity(tmp_path, capsys) -> None:
    truth, p = _simulated_export(tmp_path)
    assert main(["assess", str(p), "--json"]) == 0
    captured = capsys.readouterr()
    d = json.loads(captured.out)
    assert d["classification"] == "clonus"
    assert abs(d["n_beats"] - truth.n_beats) <= max(1, 0.05 * truth.n_beats)
    assert not any(s in captured.out + captured.err for s in SECRETS)
    assert all(s in p.read_text() for s in SECRETS)  # they were in the file


# --------------------------------------------------------------------------- real export
@pytest.mark.skipif(not REAL_HEAD40.exists(), reason="the real Moveo export is not on this "
                    "machine (it is not redistributable)")
def test_real_export_head(tmp_path) -> None:
    """The first 40 rows of a real export (arm sensors only): refused as truncated against its
    Duration; with the Duration set to 40 rows, read with the time-unit quirk noted."""
    assert clonus.io.detect_format(REAL_HEAD40) == "moveo"
    with pytest.raises(FileFormatError, match=r"Duration is 36\.3594 s \(about 4654 samples.*"
                                              r"holds 40 samples.*truncated"):
        clonus.read(REAL_HEAD40)
    q = tmp_path / "head40.csv"
    q.write_text(REAL_HEAD40.read_text().replace('"Duration (s)","36.359375"',
                                                 '"Duration (s)","0.3125"'))
    rec = clonus.read(q)
    assert rec.fs == 128.0 and rec.n_samples == 40
    assert rec.ch_names == ["elbow_l_supination", "elbow_l_flexion", "elbow_r_supination",
                            "elbow_r_flexion", "wrist_l_flexion", "wrist_l_ulnar_deviation",
                            "wrist_r_flexion", "wrist_r_ulnar_deviation"]
    assert all(c.kind == "misc" and c.unit == "rad" for c in rec.channels)
    assert rec.get("elbow_l_supination")[0] == pytest.approx(np.deg2rad(-125.90))
    assert rec.get("wrist_r_ulnar_deviation")[-1] == pytest.approx(np.deg2rad(5.07))
    assert len(rec.metadata["empty_columns"]) == 30
    assert "ankle_r_dorsiflexion" in rec.metadata["empty_columns"]
    assert rec.metadata["time_unit"] == "s" and "time_unit_note" in rec.metadata
    ident = rec.metadata["moveo_identity"]
    assert ident["Subject Public ID"] == "ET 19"
    public = json.dumps({k: v for k, v in rec.metadata.items() if k != "moveo_identity"})
    assert "ET 19" not in public and "ET_19" not in public and "20250108" not in public
