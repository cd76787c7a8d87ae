"""Bad input for every text reader: empty, truncated, corrupt header, NaN/inf, repeated or
backwards timestamps, unknown units, wrong extension. Each must give a ClonusError subclass
whose message names the file and says what to do (or, where documented, a warning/a note)."""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pytest
from io_builders import TextFormat

import clonus
from clonus.exceptions import ClonusError, ClonusWarning, FileFormatError, UnitError, UnitWarning

MID = 10  # data line (after the first) that the surgery edits


def _edit_field(fmt: TextFormat, line_offset: int, col: int, value: str):
    def f(text: str) -> str:
        lines = text.split("\n")
        i = fmt.first_data_line + line_offset
        cells = lines[i].split(fmt.sep)
        cells[col] = value
        lines[i] = fmt.sep.join(cells)
        return "\n".join(lines)
    return f


def _read(path, **kw):
    return clonus.read_all(path, **kw)


def test_valid_file_reads(text_format: TextFormat, tmp_path) -> None:
    p = text_format.build(tmp_path)
    assert clonus.io.detect_format(p) == text_format.name
    groups = _read(p)
    assert groups and all(np.isfinite(g.data).all() for g in groups)
    assert all(g.metadata["format"] == text_format.name for g in groups)


def test_empty(text_format: TextFormat, tmp_path) -> None:
    p = text_format.build(tmp_path, mutate=lambda s: "")
    with pytest.raises(FileFormatError, match=r"empty|not in a format|fewer|needs|truncated"):
        _read(p)
    # also when the reader is forced: never a traceback from inside the parser
    with pytest.raises(ClonusError):
        _read(p, format=text_format.name)


def test_truncated_mid_row(text_format: TextFormat, tmp_path) -> None:
    def cut(text: str) -> str:
        lines = text.split("\n")
        i = text_format.first_data_line + MID
        first = lines[i].split(text_format.sep)[0]
        return "\n".join(lines[:i] + [first + text_format.sep])
    p = text_format.build(tmp_path, mutate=cut)
    if text_format.name == "csv":
        # generic tables: a last row cut mid-write (a logger stopped) is dropped with a warning
        # and a note, the rows above are read (docs/formats.md, Generic CSV)
        with pytest.warns(ClonusWarning, match=r"last row .* stopped while writing") as rec:
            groups = _read(p)
        assert str(tmp_path) in str(rec[0].message)
        assert groups[0].n_samples == MID
        assert groups[0].metadata["truncated_last_row"] == text_format.first_data_line + MID + 1
        return
    with pytest.raises(FileFormatError) as ei:
        _read(p)
    msg = str(ei.value)
    assert str(tmp_path) in msg
    assert "truncated" in msg or "fields" in msg or "fewer" in msg


def test_corrupt_header(text_format: TextFormat, tmp_path) -> None:
    p = text_format.build(tmp_path, mutate=text_format.corrupt_header)
    with pytest.raises(FileFormatError, match="header") as ei:
        _read(p)
    assert str(tmp_path) in str(ei.value)
    assert "export" in str(ei.value).lower()  # says what to do


@pytest.mark.parametrize("bad", ["NaN", "inf", "-inf"])
def test_nonfinite_samples_raise(text_format: TextFormat, tmp_path, bad: str) -> None:
    p = text_format.build(tmp_path, mutate=_edit_field(text_format, MID, text_format.value_col,
                                                       bad))
    with pytest.raises(FileFormatError, match="NaN or infinite") as ei:
        _read(p)
    assert "nan_policy='omit'" in str(ei.value)


def test_nonfinite_samples_omit(text_format: TextFormat, tmp_path) -> None:
    p = text_format.build(tmp_path, mutate=_edit_field(text_format, MID, text_format.value_col,
                                                       "NaN"))
    groups = _read(p, nan_policy="omit")
    assert all(np.isfinite(g.data).all() for g in groups)
    notes = [g.metadata for g in groups if "nonfinite_samples" in str(g.metadata)]
    assert notes, "the omitted samples must be recorded in metadata"


def test_repeated_timestamp(text_format: TextFormat, tmp_path) -> None:
    if text_format.time_col is None:
        pytest.skip("rate is declared in the file; no per-sample timestamps")

    def dup(text: str) -> str:
        lines = text.split("\n")
        i = text_format.first_data_line + MID
        a, b = lines[i].split(text_format.sep), lines[i + 1].split(text_format.sep)
        b[text_format.time_col] = a[text_format.time_col]
        lines[i + 1] = text_format.sep.join(b)
        return "\n".join(lines)
    p = text_format.build(tmp_path, mutate=dup)
    if text_format.name in ("delsys", "moveo"):
        # Delsys and Moveo declare their rate: a non-increasing time column means a damaged file
        with pytest.raises(FileFormatError, match="does not increase|Time repeats"):
            _read(p)
        return
    # one isolated repeat in 200 samples: clock resolution, kept and counted, nothing dropped
    groups = _read(p)
    md = groups[0].metadata
    spread = md.get("repeated_timestamps_spread",
                    next((v for k, v in md.items() if k.endswith("repeated_timestamps_spread")),
                         None))
    assert spread == 1


def test_duplicated_rows_are_refused(text_format: TextFormat, tmp_path) -> None:
    if text_format.time_col is None:
        pytest.skip("rate is declared in the file; no per-sample timestamps")

    def triple(text: str) -> str:
        lines = text.split("\n")
        i = text_format.first_data_line + MID
        a = lines[i].split(text_format.sep)
        for j in (1, 2):
            b = lines[i + j].split(text_format.sep)
            b[text_format.time_col] = a[text_format.time_col]
            lines[i + j] = text_format.sep.join(b)
        return "\n".join(lines)
    p = text_format.build(tmp_path, mutate=triple)
    with pytest.raises(FileFormatError, match=r"repeat|does not increase") as exc:
        _read(p)
    assert str(p.name) in str(exc.value) or str(p) in str(exc.value)


def test_backwards_timestamp(text_format: TextFormat, tmp_path) -> None:
    if text_format.time_col is None:
        pytest.skip("rate is declared in the file; no per-sample timestamps")

    def swap(text: str) -> str:
        lines = text.split("\n")
        i = text_format.first_data_line + MID
        a, b = lines[i].split(text_format.sep), lines[i + 1].split(text_format.sep)
        a[text_format.time_col], b[text_format.time_col] = b[text_format.time_col], \
            a[text_format.time_col]
        lines[i], lines[i + 1] = text_format.sep.join(a), text_format.sep.join(b)
        return "\n".join(lines)
    p = text_format.build(tmp_path, mutate=swap)
    with pytest.raises(FileFormatError, match=r"backwards|does not increase") as ei:
        _read(p)
    assert "row" in str(ei.value)


def test_unknown_unit(text_format: TextFormat, tmp_path) -> None:
    if text_format.unit_token is None:
        # units are fixed by the format: an unknown unit can only come from the user
        p = text_format.build(tmp_path)
        name = _read(p)[0].ch_names[0]
        with pytest.raises(UnitError, match="furlongs"):
            _read(p, units={name: "furlongs"})
        return
    old, new = text_format.unit_token
    p = text_format.build(tmp_path, mutate=lambda s: s.replace(old, new))
    with pytest.warns(UnitWarning, match="furlongs"):
        groups = _read(p)
    assert any(c.unit == "AU" and c.orig_unit == "furlongs" for g in groups for c in g.channels)


def test_unit_override_unknown_channel(text_format: TextFormat, tmp_path) -> None:
    p = text_format.build(tmp_path)
    with pytest.raises(clonus.InvalidParameterError, match="not in the file"):
        _read(p, units={"no_such_channel": "uV"})


def test_wrong_extension(text_format: TextFormat, tmp_path) -> None:
    p = text_format.build(tmp_path)
    if p.is_file():
        q = tmp_path / "renamed.edf"
        shutil.copyfile(p, q)
        # detection is by content: the misnamed file still reads as what it is
        assert clonus.io.detect_format(q) == text_format.name
        p = q
    with pytest.raises(FileFormatError, match="not a edf file") as ei:
        _read(p, format="edf")
    assert str(p) in str(ei.value)
    assert text_format.name in str(ei.value)


def test_nul_bytes(text_format: TextFormat, tmp_path) -> None:
    p = text_format.build(tmp_path, mutate=lambda s: s[:200] + "\x00\x00" + s[200:])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnitWarning)
        with pytest.raises(ClonusError):
            _read(p)
