"""Edges of generic tables as other labs' files end and select them: footer lines after the
data, a last row cut mid-write, and ``read(channels=)`` reaching the reader so that an unwanted
column that cannot be read does not refuse the file (docs/formats.md, Generic CSV)."""

from __future__ import annotations

import logging

import numpy as np
import pytest

import clonus
from clonus.exceptions import ClonusWarning, FileFormatError, InvalidParameterError

N = 300
FS = 100.0
T = np.arange(N) / FS
X = 0.3 * np.sin(2 * np.pi * 6 * T)
Y = 0.1 * np.cos(2 * np.pi * 2 * T)
HEADER = "time_s,gyro_x (rad/s),gyro_y (rad/s)"
ROWS = [f"{t:.3f},{x:.6f},{y:.6f}" for t, x, y in zip(T, X, Y, strict=True)]


def _write(path, lines: list[str]) -> object:
    path.write_text("\n".join(lines) + "\n")
    return path


def _same_as_plain(rec) -> None:
    assert rec.ch_names == ["gyro_x", "gyro_y"]
    assert rec.n_samples == N
    assert rec.fs == pytest.approx(FS, rel=1e-6)
    np.testing.assert_allclose(rec.data, np.vstack([X, Y]), atol=1e-6)


# ---------------------------------------------------------------------------- footers
@pytest.mark.parametrize("footer", [
    ["End of data"], ["Total samples: 300"], ["Total,,"], [",,"], ["# end"],
    ["Total,1204.5,30.1", "End of data", ""], ["", "Mean,0.01,0.02", "Operator: J. Roe"]])
def test_footer_lines_are_dropped_with_a_note(tmp_path, caplog, footer) -> None:
    # before: "row 302 has 1 fields but the header has 2 ... the file looks truncated" or
    # "row 302, column 1 holds 'Total', which is not a number"
    p = _write(tmp_path / "footer.csv", [HEADER, *ROWS, *footer])
    with caplog.at_level(logging.INFO, logger="clonus"):
        rec = clonus.read(p)
    _same_as_plain(rec)
    kept = [ln for ln in footer if ln.strip()]
    assert rec.metadata["footer_lines"] == len(kept)
    # free text that may name someone: kept only where identifying fields live, never logged
    assert rec.metadata["csv_identity"] == {"footer": kept}
    assert any("footer" in r.getMessage() for r in caplog.records)
    assert not any(k in r.getMessage() for r in caplog.records for k in kept if len(k) > 3)
    anon = clonus.read(p, anonymize=True)
    assert "csv_identity" not in anon.metadata and anon.metadata["anonymized"] is True


def test_numeric_rows_at_the_end_are_never_taken_for_a_footer(tmp_path) -> None:
    # a last row with a bad cell among numbers is data with an error, not a footer
    p = _write(tmp_path / "bad.csv", [HEADER, *ROWS, "3.000,ERR,0.5"])
    with pytest.raises(FileFormatError, match=r"row 302, column 2 holds 'ERR'"):
        clonus.read(p)
    # and a line of text in the middle of the data still names its row
    p = _write(tmp_path / "mid.csv", [HEADER, *ROWS[:100], "pause", *ROWS[100:]])
    with pytest.raises(FileFormatError, match="row 102"):
        clonus.read(p)


def test_footer_after_a_table_without_header_row(tmp_path) -> None:
    v = np.vstack([X, Y])
    p = _write(tmp_path / "nohead.csv", [f"{a:.6f},{b:.6f}" for a, b in v.T] + ["END"])
    rec = clonus.read(p, fs=FS, units="rad/s")
    np.testing.assert_allclose(rec.data, v, atol=1e-6)
    assert rec.metadata["footer_lines"] == 1


# ---------------------------------------------------------------------------- cut last row
@pytest.mark.parametrize("cut", ["3.000,0.12", "3.000,", "3.000,-", "3.0"])
def test_last_row_cut_mid_write_is_dropped_with_a_warning(tmp_path, cut) -> None:
    p = _write(tmp_path / "cut.csv", [HEADER, *ROWS, cut])
    with pytest.warns(ClonusWarning, match=r"last row \(row 302\) has \d fields but the rows "
                                           r"above have 3: the logger stopped"):
        rec = clonus.read(p)
    _same_as_plain(rec)
    assert rec.metadata["truncated_last_row"] == 302


def test_short_row_in_the_middle_is_still_refused(tmp_path) -> None:
    rows = list(ROWS)
    rows[100] = rows[100].rsplit(",", 1)[0]
    p = _write(tmp_path / "short.csv", [HEADER, *rows])
    with pytest.raises(FileFormatError, match=r"row 102 has 2 fields but the header has 3\. "
                                              r"Fix or delete that row"):
        clonus.read(p)
    # two short rows at the end: the first of them is in the middle of the data
    p = _write(tmp_path / "short2.csv", [HEADER, *ROWS, "3.00,0.1", "3.01,0.1"])
    with pytest.raises(FileFormatError, match="row 302 has 2 fields"):
        clonus.read(p)


def test_row_without_the_trailing_delimiter_is_not_cut(tmp_path) -> None:
    # rows ending with the delimiter (iPhone exports) and a last one without it: complete
    rows = [r + "," for r in ROWS[:-1]] + [ROWS[-1]]
    p = _write(tmp_path / "trail.csv", [HEADER + ",", *rows])
    with pytest.raises(FileFormatError, match="row 301"):
        clonus.read(p)


# ---------------------------------------------------------------------------- channels=
def _with_extra(tmp_path, extra: list[str], name: str = "temp (degC)"):
    return _write(tmp_path / "extra.csv",
                  [f"{HEADER},{name}", *(f"{r},{e}" for r, e in zip(ROWS, extra, strict=True))])


@pytest.mark.parametrize("cells", ["empty", "unparsable"])
def test_channels_leave_an_unwanted_bad_column_unread(tmp_path, cells) -> None:
    extra = [""] * N if cells == "empty" else ["25.0"] * N
    if cells == "unparsable":
        extra[150] = "ERR"
    p = _with_extra(tmp_path, extra)
    # the whole file is refused, for the column nobody asked for
    with pytest.raises(FileFormatError, match="temp" if cells == "empty" else "column 4"):
        clonus.read(p)
    for wanted in (["gyro_x", "gyro_y"], "gyro_x"):
        rec = clonus.read(p, channels=wanted)
        names = [wanted] if isinstance(wanted, str) else wanted
        assert rec.ch_names == names
        np.testing.assert_allclose(rec.data, np.vstack([X, Y])[:len(names)], atol=1e-6)
        assert "skipped_columns" not in rec.metadata  # not bookkeeping: just not asked for
    # a unit override for a column not read is no error (it names a column of the file)
    rec = clonus.read(p, channels=["gyro_x"], units={"gyro_y": "deg/s"})
    assert rec.ch_names == ["gyro_x"]


def test_channels_asked_for_that_the_file_lacks_are_named(tmp_path) -> None:
    p = _with_extra(tmp_path, [""] * N)
    with pytest.raises(InvalidParameterError,
                       match=r"no channel\(s\) \['gyro_z'\]\. Available channels: "
                             r"\['gyro_x', 'gyro_y', 'temp'\]"):
        clonus.read(p, channels=["gyro_x", "gyro_z"])
    # a column skipped as bookkeeping is named with its reason
    p = _write(tmp_path / "bat.csv", [f"{HEADER},battery", *(f"{r},87" for r in ROWS)])
    with pytest.raises(InvalidParameterError, match=r"\['battery'\].*'battery': 'battery'"):
        clonus.read(p, channels="battery")


def test_bad_cell_is_named_by_the_files_column(tmp_path) -> None:
    # columns left out before parsing (a text column, or one not asked for) shifted the
    # column number in the message: "column 2" for the file's third column
    rows = [f"{t:.3f},phone,{x:.6f}" for t, x in zip(T, X, strict=True)]
    rows[10] = rows[10].rsplit(",", 1)[0] + ",ERR"
    p = _write(tmp_path / "text.csv", ["time_s,device,gyro_x (rad/s)", *rows])
    with pytest.raises(FileFormatError, match=r"row 12, column 3 holds 'ERR'"):
        clonus.read(p)


def test_channels_reach_the_excel_reader(tmp_path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["time_s", "gyro_x (rad/s)", "notes (V)"])
    for t, x in zip(T, X, strict=True):
        ws.append([float(t), float(x), None])
    p = tmp_path / "book.xlsx"
    wb.save(p)
    with pytest.warns(ClonusWarning, match=r"\['notes'\] hold no number"):
        assert clonus.read(p).ch_names == ["gyro_x"]
    rec = clonus.read(p, channels=["gyro_x"])
    np.testing.assert_allclose(rec.get("gyro_x"), X, atol=1e-12)
