"""Excel workbooks (``.xlsx``/``.xlsm``), read with openpyxl (``pip install "clonus[xlsx]"``).

Two layouts (``docs/formats.md``, Excel workbooks):

* **phyphox Excel exports**: one sheet per sensor named as the CSV export's files
  (``Gyroscope``, ``Accelerometer``, ``Linear Accelerometer``, ``Raw Data``...) with
  ``Time (s)``, ``X (rad/s)``... headers, and ``Metadata Device`` / ``Metadata Time`` sheets.
  Read by the phyphox reader (:func:`clonus.io._phyphox.read_export`), which maps the sheets
  as it maps the zip's files: same channel names, rate grouping and start time.
* **Tables saved from Excel** (a clinic's or a lab's own): each sheet is read as a generic CSV
  table (:func:`clonus.io._csv.read_table_lines`), with the same rules: a time column, units
  in the headers or in a units row, a preamble above the header, date-time cells as times. A
  workbook with one such sheet reads directly; with several, ``sheet="name"`` picks one.

Privacy: sheets are often named after the person recorded (``Smith J 1962-03-04``), so messages,
warnings and log records name a sheet by its position (``book.xlsx [sheet 2]``), never by its
name. The names are listed only where the user asks for them: ``clonus info BOOK.xlsx`` (a
table) and the ``sheets`` attribute of the error a workbook with several signal sheets raises.
``metadata["sheet"]`` holds the name read, left out with ``anonymize=True``
(``metadata["sheet_number"]`` is always there).

Cells are taken as Excel stores them (numbers as numbers, dates as date-times written in
ISO-8601); formulas give their cached values (a workbook saved by Excel has them). The old
binary ``.xls`` format is not read (``clonus`` says so and suggests saving as ``.xlsx``).
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath
from typing import Any

from ..exceptions import FileFormatError, InvalidParameterError, MissingDependencyError
from ..model import Recording
from ._common import check_options, is_zip
from ._registry import Reader, register

FMT = "xlsx"
_INSTALL = 'pip install "clonus[xlsx]"'

#: rows of a sheet looked at to decide whether it holds a signal table
_PROBE_ROWS = 250

#: phyphox's metadata sheets and the files of its zip export they stand for
_PHYPHOX_META = {"metadata device": "meta/device.csv", "metadata time": "meta/time.csv"}


#: bytes of each sheet's XML (and of the shared strings) searched for a time header
_SNIFF_BYTES = 1 << 16
_XML_TEXT = re.compile(r"<(?:\w+:)?t(?:\s[^>]*)?>([^<]{1,200})</(?:\w+:)?t>")


def sniff(p: Path) -> bool:
    """An Office Open XML workbook (a zip holding ``xl/workbook.xml``) with a text cell that
    names a time column (``time_s``, ``Time (s)``, ``timestamp``, ``Date/Time``...) near the
    start of a sheet or of its shared strings; no openpyxl needed. Workbooks without one (a
    study's list of subjects) are not taken for recordings."""
    if not (p.is_file() and is_zip(p)):
        return False
    from ._tables import names_time

    try:
        with zipfile.ZipFile(p) as zf:
            names = zf.namelist()
            if not any(n.lower() == "xl/workbook.xml" for n in names):
                return False
            parts = [n for n in names if n.lower() == "xl/sharedstrings.xml"
                     or (n.lower().startswith("xl/worksheets/") and n.lower().endswith(".xml"))]
            for n in parts:
                with zf.open(n) as fh:
                    head = fh.read(_SNIFF_BYTES).decode("utf-8", errors="replace")
                if any(names_time([t.strip()]) for t in _XML_TEXT.findall(head)):
                    return True
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        return False
    return False


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError as exc:
        raise MissingDependencyError(
            f"Reading Excel workbooks (.xlsx) needs openpyxl: {_INSTALL} (or 'clonus[io]'), or "
            "save the sheet as CSV.") from exc
    return openpyxl


def _cell_text(v: Any) -> str:
    """A cell as the CSV reader reads text: numbers exactly, dates in ISO-8601."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else "nan"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, (date, time)):
        return v.isoformat()
    return " ".join(str(v).split())  # no tabs or line breaks inside a cell


def _read_sheets(path: Path) -> list[tuple[str, list[list[str]]]]:
    """(sheet name, rows of cell texts, padded to one width) of every worksheet, in the
    workbook's order (chart sheets left out)."""
    openpyxl = _openpyxl()
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged package
        raise FileFormatError(
            f"{path}: the Excel workbook cannot be opened ({type(exc).__name__}: {exc}); it is "
            "damaged or not a real .xlsx. Save it again from Excel, or as CSV.") from exc
    out = []
    try:
        for ws in wb.worksheets:
            if not hasattr(ws, "iter_rows"):
                continue  # a chart sheet
            rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
            for r in rows:
                while r and not r[-1]:
                    r.pop()
            while rows and not rows[-1]:
                rows.pop()
            width = max((len(r) for r in rows), default=0)
            out.append((ws.title, [r + [""] * (width - len(r)) for r in rows]))
    except FileFormatError:
        raise
    except Exception as exc:
        raise FileFormatError(
            f"{path}: a sheet of the Excel workbook cannot be read ({type(exc).__name__}: "
            f"{exc}); the file is damaged. Save it again from Excel, or as CSV.") from exc
    finally:
        wb.close()
    return out


def _label(path: Path, number: int) -> Path:
    """How messages, warnings and logs name a sheet: by its position, ``book.xlsx [sheet 2]``
    (1 = the first worksheet); never by its name, which may name a patient."""
    return Path(f"{path} [sheet {number}]")


def _number(sheets: list[tuple[str, list[list[str]]]], name: str) -> int:
    """Position (from 1) of the sheet called ``name``."""
    return next(i for i, (n, _) in enumerate(sheets, start=1) if n == name)


def _positions(numbers: list[int]) -> str:
    """``sheet 2``, ``sheets 1 and 3``, ``sheets 1, 2 and 4``."""
    if len(numbers) == 1:
        return f"sheet {numbers[0]}"
    return "sheets " + ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"


def _csv_text(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


class _Workbook:
    """A phyphox Excel export seen as its zip export (``Gyroscope.csv``, ``meta/time.csv``):
    the interface of :class:`clonus.io._common.Container` that the phyphox reader uses."""

    def __init__(self, path: Path, sheets: list[tuple[int, tuple[str, list[list[str]]]]]
                 ) -> None:
        self.path = path
        self._texts: dict[str, str] = {}
        self._number: dict[str, int] = {}
        for number, (name, rows) in sheets:
            member = _PHYPHOX_META.get(name.strip().lower(), f"{name.strip()}.csv")
            self._texts[member] = _csv_text(rows)
            self._number[member] = number

    @property
    def names(self) -> list[str]:
        return list(self._texts)

    def find(self, name: str) -> str | None:
        low = name.lower()
        hits = [n for n in self._texts if PurePosixPath(n).name.lower() == low]
        return hits[0] if hits else None

    def read_text(self, member: str) -> str:
        return self._texts[member]

    def label(self, member: str) -> str:
        return str(_label(self.path, self._number[member]))


def _is_phyphox(sheets: list[tuple[str, list[list[str]]]]) -> bool:
    from ._phyphox import _SENSORS

    names = {n.strip().lower() for n, _ in sheets}
    if names & set(_PHYPHOX_META):
        return True
    return any(n.strip().lower() in _SENSORS and rows and rows[0]
               and rows[0][0].strip().lower() == "time (s)" for n, rows in sheets)


def _pick(path: Path, sheets: list[tuple[str, list[list[str]]]], sheet: Any
          ) -> list[tuple[str, list[list[str]]]]:
    if not isinstance(sheet, str):
        raise InvalidParameterError(f"sheet must be a sheet's name (a string), got {sheet!r}.")
    hit = [s for s in sheets if s[0] == sheet] or \
        [s for s in sheets if s[0].strip().lower() == sheet.strip().lower()]
    if not hit:
        raise InvalidParameterError(
            f"{path}: no sheet {sheet!r} among the workbook's {len(sheets)} sheet(s). "
            f"'clonus info {_cli_quote(str(path))}' lists them by name.")
    return hit[:1]


#: columns of a sheet named in messages (the others are counted)
_SHOWN_COLUMNS = 6


def sheet_summary(path: Path, number: int, name: str, rows: list[list[str]]
                  ) -> dict[str, Any]:
    """What a sheet holds, for messages and ``clonus info``: ``number`` (its position, from
    1), ``name``, ``rows`` (data rows under the header of a table, else filled rows), ``table``
    (a header with a time column above rows of values), ``time_column`` and ``columns`` (the
    header's cells). Messages use everything but ``name`` (see the module docstring)."""
    from ._csv import numeric_time_column, time_columns
    from ._tables import normalise_table

    lines = ["\t".join(r) for r in rows[:_PROBE_ROWS]]
    filled = sum(1 for r in rows if any(c.strip() for c in r))
    out: dict[str, Any] = {"number": number, "name": name, "rows": filled, "table": False,
                           "time_column": None, "columns": []}
    try:
        lay = normalise_table(_label(path, number), lines, sep="\t")
    except FileFormatError:
        out["table"] = True  # a table whose rows the reader refuses, saying why
        return out
    if not lay.found:
        return out
    header = [c.strip() for c in lay.lines[0].split("\t")]
    while header and not header[-1]:
        header.pop()
    first = next((ln.split("\t") for ln in lay.lines[1:] if ln.strip()), [])
    ti = numeric_time_column(header, first)
    if ti is None and time_columns(header):
        ti = time_columns(header)[0][0]
    above = sum(1 for r in rows[:lay.first_row - 1] if any(c.strip() for c in r))
    out.update(table=True, rows=filled - above - len(lay.footer),
               time_column=None if ti is None else header[ti], columns=header)
    return out


def _describe_sheets(summaries: list[dict[str, Any]]) -> str:
    """``sheet 1 (500 rows: time_s, gyro_x (rad/s)); sheet 2 (2 rows, no table...)``: by
    position, never by name."""
    out = []
    for s in summaries:
        if s["table"] and s["columns"]:
            cols = s["columns"][:_SHOWN_COLUMNS]
            more = len(s["columns"]) - len(cols)
            what = ", ".join(cols) + (f" and {more} more" if more > 0 else "")
            out.append(f"sheet {s['number']} ({s['rows']} rows: {what})")
        else:
            out.append(f"sheet {s['number']} ({s['rows']} rows, "
                       f"{'a table' if s['table'] else 'no table with a time column'})")
    return "; ".join(out)


def _cli_quote(name: str) -> str:
    """A sheet name as typed after ``-r sheet=`` in a shell."""
    import shlex

    return shlex.quote(name)


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options, allowed=("anonymize", "sheet", "channels"))
    sheet = opts.pop("sheet", None)
    sheets = _read_sheets(path)
    if not sheets:
        raise FileFormatError(f"{path}: the workbook has no worksheet. Save the data in one.")
    if _is_phyphox(sheets):
        from ._phyphox import read_export

        meta = [s for s in sheets if s[0].strip().lower() in _PHYPHOX_META]
        data = sheets if sheet is None else _pick(path, sheets, sheet) + meta
        numbered = [(_number(sheets, n), (n, rows)) for n, rows in data]
        opts.pop("anonymize", None)  # phyphox files hold no identifying fields
        opts.pop("channels", None)  # picked by clonus.read after reading
        groups = read_export(path, _Workbook(path, numbered), opts, fmt=FMT)
        out = []
        for g in groups:
            md = dict(g.metadata)
            files = md.pop("files", [])
            md["sheets"] = [f.removesuffix(".csv") for f in files]
            md["layout"] = "phyphox"
            out.append(replace(g, metadata=md))
        return out
    from ._csv import read_table_lines

    if sheet is not None:
        chosen = _pick(path, sheets, sheet)
    else:
        summaries = [sheet_summary(path, i, n, rows)
                     for i, (n, rows) in enumerate(sheets, start=1)]
        chosen = [s for s, d in zip(sheets, summaries, strict=True) if d["table"]]
        if not chosen:
            raise FileFormatError(
                f"{path}: no sheet holds a table with a time column ("
                f"{_describe_sheets(summaries)}). Put a header row with a time column such as "
                "'time_s' and units, e.g. 'gyro_x (rad/s)', above the values.")
        if len(chosen) > 1:
            # sheets by position only (their names may name patients; this message also goes
            # into batch results): clonus info lists the names, from exc.sheets
            numbers = [d["number"] for d in summaries if d["table"]]
            which = (f"all {len(sheets)} sheets of the workbook hold" if len(chosen) == len(sheets)
                     else f"{len(chosen)} of the workbook's {len(sheets)} sheets hold")
            exc = InvalidParameterError(
                f"{path}: {which} signal tables ({_positions(numbers)}): "
                f"{_describe_sheets(summaries)}. Pick one by "
                f"name: -r sheet=NAME on the command line, or clonus.read(path, sheet=NAME) in "
                f"Python; or save that sheet as CSV. Messages leave sheet names out (they may "
                f"name a person): 'clonus info {_cli_quote(str(path))}' lists them (in Python: "
                "this error's .sheets).")
            exc.sheets = summaries  # type: ignore[attr-defined]  # listed by clonus info
            raise exc
    name, rows = chosen[0]
    number = _number(sheets, name)
    lines = ["\t".join(r) for r in rows]
    groups = read_table_lines(_label(path, number), lines, opts, fmt=FMT, sep="\t")
    anonymize = bool(opts.get("anonymize", False))
    out = []
    for g in groups:
        md = {**g.metadata, "sheet_number": number}
        if anonymize:
            md["anonymized"] = True
        else:
            md["sheet"] = name  # the name may identify: kept only without anonymize=True
        out.append(replace(g, source=str(path), metadata=md))
    return out


register(Reader(
    name=FMT,
    description="Excel workbook (.xlsx): phyphox Excel exports, or a sheet holding a table "
    "with a time column (as generic CSV; sheet= picks one)",
    extensions=(".xlsx", ".xlsm"),
    sniff=sniff,
    read_groups=read_groups,
    extra="xlsx",
    selects_channels=True,
))
