"""Tables as loggers and spreadsheets write them, brought to the generic CSV reader's layout.

The generic CSV reader (:mod:`clonus.io._csv`) reads one header row, a time column and numeric
rows. Exports from the field wrap that table in ways this module undoes, on the text lines,
before the reader parses them (``docs/formats.md``, Generic CSV):

* **Preamble lines before the header** (``# recorded with MyApp v2``, ``subject: anon``,
  ``sep=;``, key/value metadata): the header is the first line that names a time column and is
  followed by rows of values. The preamble may identify the subject, so its text is never put
  into channel names or logs; it is kept in ``metadata["csv_identity"]`` (hidden by
  ``clonus info``) unless ``anonymize=True``.
* **A units row under the header** (``s,rad/s,rad/s``, as Delsys, Noraxon, Vicon and LabVIEW
  exports write them): a row without numbers whose cells are units; each unit joins its
  column's header (``gyro_x`` + ``rad/s`` -> ``gyro_x (rad/s)``), so the usual unit parser and
  its unknown-unit convention (``UnitWarning``, ``"AU"``) apply.
* **Decimal commas** (``0,0100;0,1545``, European Excel and LabVIEW exports): only with a ``;``
  or tab separator. A file that mixes decimal commas with decimal points, or groups thousands
  (``1.234,5``), is refused: which mark is the decimal one cannot be known.
* **ISO-8601 date-times as the time column** (``2024-05-01 10:00:00.010``, ``T`` or a space,
  optional fraction, optional ``Z``/``+01:00``): read as seconds from the first sample; the first
  sample's clock time becomes the recording's ``start_time``.

Excel workbooks (:mod:`clonus.io._xlsx`) go through the same steps, sheet by sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from .._logging import logger
from ..exceptions import FileFormatError
from ..units import parse_unit
from ._common import is_number, sniff_sep, split_name_unit

#: Lines looked at for the header (a logger's preamble is a few lines; Delsys-like exports
#: with longer ones have their own readers).
MAX_PREAMBLE_LINES = 200

#: Data rows that must follow a header candidate (fewer when the file is shorter).
_LOOKAHEAD_ROWS = 3

# An ISO-8601 date-time: date, "T" or a space, hh:mm[:ss[.fff]], optional zone. A comma may
# stand for the decimal point of the seconds (ISO 8601 allows both).
_ISO_DT = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
    r"(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?$")
# A column that may hold date-times: its name says time, date or stamp
_DT_NAME = re.compile(r"time|date|stamp", re.I)
# A number written with a decimal comma (``0,0100``, ``-1,5E-3``) / with a decimal point
_COMMA_NUMBER = re.compile(r"^[+-]?\d*,\d+(?:[eE][+-]?\d+)?$")
_CELL_END = r'"?\s*(?=[;\t]|$)'
_CELL_START = r'(?:^|(?<=[;\t]))\s*"?'
_COMMA_CELL = re.compile(_CELL_START + r"[+-]?\d*,\d+(?:[eE][+-]?\d+)?" + _CELL_END, re.M)
_POINT_CELL = re.compile(_CELL_START + r"[+-]?\d*\.\d+(?:[eE][+-]?\d+)?" + _CELL_END, re.M)
_GROUPED_CELL = re.compile(_CELL_START + r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?" + _CELL_END,
                           re.M)
# microseconds, which the unit table leaves out (see _csv._MICROSECONDS)
_MICROSECONDS = {"us", "µs", "μs", "usec"}


@dataclass
class TableLayout:
    """A table's lines brought to the reader's layout, and what was undone to get there.

    ``lines`` holds the header then the data rows; ``first_row`` is the file line number
    (1-based) of ``lines[1]``, so that messages name the row a user sees in an editor.
    """

    lines: list[str]
    sep: str
    first_row: int = 2
    found: bool = False
    preamble: list[str] = field(default_factory=list)
    units_row: bool = False
    decimal_comma: bool = False
    datetime_column: str | None = None
    start_time: datetime | None = None
    tz_is_local: bool = True
    footer: list[str] = field(default_factory=list)
    truncated_row: tuple[int, int, int] | None = None  # (file row, its fields, the rows' fields)

    def metadata(self, *, anonymize: bool) -> dict[str, Any]:
        """What the reader records about the undoing (the preamble only in ``csv_identity``)."""
        md: dict[str, Any] = {}
        if self.preamble or self.footer:
            if self.preamble:
                md["preamble_lines"] = len(self.preamble)
            if self.footer:
                md["footer_lines"] = len(self.footer)
            if anonymize:
                md["anonymized"] = True
            else:
                # free text that may name the subject: never logged, never shown by clonus info
                md["csv_identity"] = {k: list(v) for k, v in (("preamble", self.preamble),
                                                              ("footer", self.footer)) if v}
        if self.truncated_row is not None:
            md["truncated_last_row"] = self.truncated_row[0]
        if self.units_row:
            md["units_row"] = True
        if self.decimal_comma:
            md["decimal_comma"] = True
        if self.datetime_column is not None:
            md["time_column"] = self.datetime_column
            md["time_format"] = "iso8601"
        return md


def _cells(line: str, sep: str) -> list[str]:
    return [c.strip().strip('"').strip() for c in line.split(sep)]


def is_datetime(cell: str) -> bool:
    """Whether a cell holds an ISO-8601 date-time (``2024-05-01 10:00:00.010``)."""
    return bool(_ISO_DT.match(cell.strip().strip('"').strip()))


def _is_value(cell: str) -> bool:
    return bool(cell) and (is_number(cell) or bool(_COMMA_NUMBER.match(cell))
                           or bool(_ISO_DT.match(cell)))


def _is_data_row(cells: list[str]) -> bool:
    """At least two values (numbers, decimal-comma numbers, date-times), and values in at
    least half of the filled cells (a text column beside them is allowed)."""
    filled = [c for c in cells if c]
    n = sum(_is_value(c) for c in filled)
    return n >= 2 and 2 * n >= len(filled)


def _is_unit(cell: str) -> bool:
    u = cell.strip("()[] ")
    return u.lower() in _MICROSECONDS or parse_unit(u) is not None


def _is_units_row(cells: list[str]) -> bool:
    """No value in any cell, and units (``s``, ``rad/s``, ``[mV]``) in at least half of the
    filled ones; the others are kept as written and warned about as unknown units."""
    filled = [c for c in cells if c]
    if len(cells) < 2 or not filled or any(_is_value(c) for c in filled):
        return False
    n = sum(_is_unit(c) for c in filled)
    return n >= 1 and 2 * n >= len(filled)


def _nonblank(lines: list[str], start: int, count: int) -> list[int]:
    out = []
    for k in range(start, len(lines)):
        if lines[k].strip():
            out.append(k)
            if len(out) == count:
                break
    return out


def names_time(cells: list[str]) -> bool:
    """Whether one of the header cells names a time column (or a date-time one)."""
    from ._csv import time_columns

    return bool(time_columns(cells)) or any(_DT_NAME.search(split_name_unit(c)[0])
                                            for c in cells)


def _plain_header(lines: list[str], i: int, sep: str | None) -> bool:
    """The reader's own rule: a header with a time column whose next line holds a number in
    it and in one other column."""
    from ._csv import numeric_time_column

    nxt = _nonblank(lines, i + 1, 1)
    if not nxt:
        return False
    sep = sep or sniff_sep(lines[i])
    row = lines[nxt[0]].split(sep)
    tc = numeric_time_column(_cells(lines[i], sep), row)
    if tc is None:
        return False
    return sum(is_number(c) for k, c in enumerate(row) if k != tc) >= 1


def _header_at(lines: list[str], i: int, sep: str | None) -> int | None:
    """If line ``i`` is a header, the index of the line after it and its units row."""
    sep = sep or sniff_sep(lines[i])
    cells = _cells(lines[i], sep)
    if len(cells) < 2 or _is_data_row(cells) or not names_time(cells):
        return None
    nxt = _nonblank(lines, i + 1, 1)
    if not nxt:
        return None
    j = nxt[0]
    if _is_units_row(_cells(lines[j], sep)):
        j += 1
    rows = _nonblank(lines, j, _LOOKAHEAD_ROWS)
    if not rows or not all(_is_data_row(_cells(lines[k], sep)) for k in rows):
        return None
    return j


def _find_header(lines: list[str], sep: str | None) -> tuple[int, int] | None:
    """(header index, index of the line after the header and its units row), or None."""
    first = _nonblank(lines, 0, 1)
    if first and _plain_header(lines, first[0], sep):
        return first[0], first[0] + 1
    for i in range(min(len(lines), MAX_PREAMBLE_LINES)):
        if lines[i].strip():
            j = _header_at(lines, i, sep)
            if j is not None:
                return i, j
    return None


def find_untimed_header(lines: list[str], sep: str | None = None) -> int | None:
    """Index of a header row that names no time column (``acc_rf_x  acc_rf_y ... EMG_r``,
    HuGaDB) above rows of numbers with as many cells, past any preamble; or None.

    Every filled cell of the header is a name (no value) and at least two are filled; the
    next rows hold numbers only. For tables read at a rate the user gives (``fs=``)."""
    for i in range(min(len(lines), MAX_PREAMBLE_LINES)):
        if not lines[i].strip():
            continue
        sp = sep or sniff_sep(lines[i])
        cells = _cells(lines[i], sp)
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) < 2 or not all(cells) or any(_is_value(c) for c in cells):
            continue
        rows = _nonblank(lines, i + 1, _LOOKAHEAD_ROWS)
        if not rows:
            return None
        ok = True
        for k in rows:
            r = _cells(lines[k], sp)
            while len(r) > len(cells) and not r[-1]:
                r.pop()
            if len(r) != len(cells) or not all(is_number(c) for c in r):
                ok = False
                break
        if ok:
            return i
    return None


def find_header(lines: list[str], sep: str | None = None) -> int | None:
    """Index of the header line (past any preamble), or None when no line names a time column
    above rows of values (a table of numbers without a header row, or no table)."""
    hit = _find_header(lines, sep)
    return None if hit is None else hit[0]


#: Trailing lines without data that are dropped (more than that: the reader's messages apply)
MAX_FOOTER_LINES = 20


def _is_footer(cells: list[str], time_col: int | None) -> bool:
    """A line after the data that holds no sample: no value in any cell (``End of data``,
    ``Total samples: 1200``, an empty-valued ``Total,,`` row), or a label where the time
    should be (``Total,1204,5.3``); without a known time column, a text cell and fewer than
    two values."""
    filled = [c for c in cells if c]
    n = sum(_is_value(c) for c in filled)
    if n == 0:
        return True
    if time_col is not None:
        tc = cells[time_col] if time_col < len(cells) else ""
        return bool(tc) and not _is_value(tc) and tc[0].isalpha()
    return n < 2 and n < len(filled)


def trim_tail(lines: list[str], sep: str, *, first_row: int, time_col: int | None = None
              ) -> tuple[list[str], list[str], tuple[int, int, int] | None]:
    """Drop the lines after the data that are not samples, and a last row cut mid-write.

    Returns the data lines, the footer lines dropped (in file order) and, when the last
    data row has fewer fields than the row above it and its cells are of the same kinds
    (numbers where numbers stand; the last one may be cut anywhere), ``(its file row, its
    fields, the fields of the row above)``: a logger stopped while writing it. ``first_row``
    is the file line number of ``lines[0]``. A short row elsewhere is left for the reader
    to refuse, and numeric rows are never taken for a footer.
    """
    idx = [k for k, ln in enumerate(lines) if ln.strip()]
    foot: list[int] = []
    while idx and _is_footer(_cells(lines[idx[-1]], sep), time_col):
        if len(foot) == MAX_FOOTER_LINES:
            return lines, [], None  # a table of text, not a footer: the reader says what
        foot.append(idx.pop())
    cut = None
    if len(idx) >= 3:
        last, prev = _cells(lines[idx[-1]], sep), _cells(lines[idx[-2]], sep)
        if len(last) < len(prev) and any(last) and any(prev[len(last):]) and all(
                _is_value(a) == _is_value(b) for a, b in zip(last[:-1], prev, strict=False)):
            cut = (first_row + idx[-1], len(last), len(prev))
            idx.pop()
    if not foot and cut is None:
        return lines, [], None
    end = idx[-1] + 1 if idx else 0
    return lines[:end], [lines[k].rstrip() for k in reversed(foot)], cut


def _merge_units(path: Path | str, header: list[str], units: list[str]) -> list[str]:
    out = list(header)
    for k, u in enumerate(units[: len(header)]):
        u = u.strip("()[] ")
        if not u:
            continue
        name, own = split_name_unit(header[k])
        if own is None:
            out[k] = f"{name} ({u})"
        elif own.strip() != u:
            raise FileFormatError(
                f"{path}: column {name!r} has the unit {own!r} in its header but {u!r} in the "
                "units row under it. Fix one of them (or export the file again).")
    return out


def _decimal_comma(path: Path | str, body: list[str], sep: str, first_row: int) -> bool:
    """Whether the data rows write numbers with a decimal comma; refuse mixed decimal marks
    and digit grouping, whose meaning cannot be known."""
    if sep == ",":
        return False
    text = "\n".join(body)
    comma = _COMMA_CELL.search(text)
    if comma is None:
        return False

    def row_of(pos: int) -> int:
        return first_row + text.count("\n", 0, pos)

    grouped = _GROUPED_CELL.search(text)
    if grouped is not None:
        raise FileFormatError(
            f"{path}: row {row_of(grouped.start())} writes {grouped.group().strip()!r}, with "
            "digit grouping (thousands separators) beside decimal commas, so a point cannot be "
            "told from a thousands mark. Export the numbers without digit grouping.")
    point = _POINT_CELL.search(text)
    if point is not None:
        raise FileFormatError(
            f"{path}: the numbers mix decimal commas (row {row_of(comma.start())}: "
            f"{comma.group().strip()!r}) and decimal points (row {row_of(point.start())}: "
            f"{point.group().strip()!r}), so which mark is the decimal one cannot be known. "
            "Export the file again with one decimal mark.")
    return True


def _value_time_column(header: list[str], row: list[str]) -> int | None:
    """The time column (a number or a date-time in ``row``), or None."""
    from ._csv import time_columns

    for i, _, _ in time_columns(header):
        if i < len(row) and _is_value(row[i]):
            return i
    return _datetime_column(header, row)


def _datetime_column(header: list[str], row: list[str]) -> int | None:
    """The column holding ISO date-times to use as time: only when no time column holds
    numbers (a numeric time column is preferred, as the reader always did)."""
    from ._csv import time_columns

    for i, _, _ in time_columns(header):
        if i < len(row) and is_number(row[i]):
            return None
    for i, h in enumerate(header):
        if i < len(row) and _DT_NAME.search(split_name_unit(h)[0]) and _ISO_DT.match(row[i]):
            return i
    return None


def _seconds_from_datetimes(path: Path | str, name: str, cells: list[str], rows: list[int]
                            ) -> tuple[np.ndarray, datetime, bool]:
    """Seconds from the first date-time, the first one as a datetime, and whether they carry
    a time zone. ``rows`` are the cells' file line numbers, for messages."""
    import pandas as pd

    zoned = None
    for c, r in zip(cells, rows, strict=True):
        m = _ISO_DT.match(c)
        if m is None:
            raise FileFormatError(
                f"{path}: row {r}: the time column {name!r} holds {c[:40]!r}, not a date-time "
                f"like the first row's {cells[0]!r}: one column mixes formats. Fix that row "
                "(or export the file again).")
        has_tz = m.group("tz") is not None
        if zoned is None:
            zoned = has_tz
        elif has_tz != zoned:
            raise FileFormatError(
                f"{path}: row {r}: the date-time {c!r} in column {name!r} "
                f"{'has' if has_tz else 'has no'} time zone, unlike the first row's "
                f"{cells[0]!r}: one column mixes formats. Write every time with its zone (or "
                "none), or export the file again.")
    vals = [c.replace(",", ".") for c in cells]
    try:
        ts = pd.to_datetime(vals, format="ISO8601", utc=bool(zoned))
    except (ValueError, OverflowError) as exc:
        bad = next((r for v, r in zip(vals, rows, strict=True) if _bad_datetime(v)), rows[0])
        raise FileFormatError(
            f"{path}: row {bad}: the time column {name!r} holds a date-time that does not exist "
            f"({exc}). Fix that row (or export the file again).") from None
    # pandas picks the resolution (ms, us, ns) from the text: subtract, then convert
    t = np.asarray((ts - ts[0]).total_seconds(), dtype=np.float64)
    start = pd.Timestamp(vals[0]).to_pydatetime(warn=False)
    return t, start, bool(zoned)


def _bad_datetime(text: str) -> bool:
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return True
    return False


def _convert_datetimes(path: Path | str, body: list[str], sep: str, col: int, name: str,
                       first_row: int) -> tuple[list[str], datetime, bool]:
    """Replace the date-time cells of column ``col`` by seconds from the first one."""
    idx = [k for k, ln in enumerate(body) if ln.strip()]
    split = [body[k].split(sep) for k in idx]
    cells = [(r[col].strip().strip('"').strip() if col < len(r) else "") for r in split]
    t, start, zoned = _seconds_from_datetimes(path, name, cells,
                                              [first_row + k for k in idx])
    out = list(body)
    for k, r, v in zip(idx, split, t, strict=True):
        if col < len(r):
            r[col] = repr(float(v))
            out[k] = sep.join(r)
    return out, start, zoned


def untimed_table(lines: list[str], *, sep: str | None = None) -> TableLayout | None:
    """A table whose header names no time column (see :func:`find_untimed_header`), brought
    to the reader's layout (header, then data rows without footer lines), or None."""
    h = find_untimed_header(lines, sep)
    if h is None:
        return None
    sep = sep or sniff_sep(lines[h])
    body, footer, cut = trim_tail(lines[h + 1:], sep, first_row=h + 2)
    return TableLayout(lines=[lines[h], *body], sep=sep, first_row=h + 2, found=True,
                       preamble=[ln.rstrip() for ln in lines[:h] if ln.strip()],
                       footer=footer, truncated_row=cut)


def normalise_table(path: Path | str, lines: list[str], *, sep: str | None = None
                    ) -> TableLayout:
    """Find the header past any preamble, merge a units row into it, turn decimal commas into
    points and a date-time time column into seconds.

    Parameters
    ----------
    path : path-like
        The file (or ``"book.xlsx [sheet]"``), for messages.
    lines : list of str
        The table's text lines, blank ones included (their numbers are the file's).
    sep : str, optional
        The column separator; by default the most frequent of ``,``, ``;`` and tab in the
        header (Excel sheets are given as tab-separated lines with ``sep="\t"``).

    Returns
    -------
    TableLayout
        ``lines`` as the reader expects them (header, then data rows). When no header is found
        the lines come back unchanged (``found=False``) and the reader's own messages apply.

    Raises
    ------
    FileFormatError
        A units row that contradicts the header's units, mixed decimal marks or digit grouping,
        a date-time column that mixes formats or holds a date that does not exist.
    """
    if not lines:
        return TableLayout(lines=lines, sep=sep or ",")
    hit = _find_header(lines, sep)
    if hit is None:
        return TableLayout(lines=lines, sep=sep or sniff_sep(lines[0]))
    h, j = hit
    sep = sep or sniff_sep(lines[h])
    header = _cells(lines[h], sep)
    lay = TableLayout(lines=lines, sep=sep, first_row=j + 1, found=True,
                      preamble=[ln.rstrip() for ln in lines[:h] if ln.strip()])
    nxt = _nonblank(lines, h + 1, 1)
    if nxt and nxt[0] < j:  # a units row
        header = _merge_units(path, header, _cells(lines[nxt[0]], sep))
        lay.units_row = True
    body = lines[j:]
    first = _nonblank(body, 0, 1)
    body, lay.footer, lay.truncated_row = trim_tail(
        body, sep, first_row=j + 1,
        time_col=None if not first else _value_time_column(header, _cells(body[first[0]], sep)))
    if _decimal_comma(path, body, sep, j + 1):
        body = [ln.replace(",", ".") for ln in body]
        lay.decimal_comma = True
    first = _nonblank(body, 0, 1)
    if first:
        row = _cells(body[first[0]], sep)
        col = _datetime_column(header, row)
        if col is not None:
            lay.datetime_column = header[col]
            body, lay.start_time, zoned = _convert_datetimes(path, body, sep, col, header[col],
                                                             j + 1)
            lay.tz_is_local = not zoned
            header[col] = "time_s"
    if lay.preamble:
        # the count only: the lines themselves may identify the subject
        logger.info("%s: %d line(s) before the header skipped", path, len(lay.preamble))
    lay.lines = [sep.join(header) if (lay.units_row or lay.datetime_column) else lines[h],
                 *body]
    return lay
