"""``clonus info PATH [--json]``: what a recording file holds (format, channels, rates)."""

from __future__ import annotations

import json
import shlex
import warnings
from typing import Annotated, Any

import typer

#: Metadata keys never shown by ``clonus info`` (identifying header fields).
# identifying header fields: every reader keeps them under "<format>_identity"
_PRIVATE_SUFFIX = "_identity"


def _parse_units(items: list[str] | None) -> dict[str, str] | str | None:
    from ...exceptions import InvalidParameterError

    if not items:
        return None
    if len(items) == 1 and "=" not in items[0]:
        return items[0]
    out = {}
    for it in items:
        name, sep, unit = it.partition("=")
        if not sep or not name or not unit:
            raise InvalidParameterError(
                f"--units must be NAME=UNIT (e.g. --units 'EMG1=uV') or one unit for every "
                f"channel, got {it!r}.")
        out[name] = unit
    return out


def _parse_read_options(items: list[str] | None) -> dict[str, Any]:
    """Reader options from ``--read-option KEY=VALUE`` (VALUE as JSON if it parses, else text)."""
    import json

    from ...exceptions import InvalidParameterError

    options: dict[str, Any] = {}
    for opt in items or []:
        key, sep, value = opt.partition("=")
        if not sep or not key.strip():
            raise InvalidParameterError(
                f"--read-option must be KEY=VALUE, got {opt!r} (e.g. -r fs=100 for a table "
                "without a header row, -r nan_policy=omit).")
        try:
            options[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            options[key.strip()] = value
    return options


#: ``--read-option`` help, shared by the commands that read one recording
READ_OPTION_HELP = ("Reader option KEY=VALUE (repeatable; VALUE as JSON if it parses, else "
                    "text), e.g. -r fs=100 for a table of numbers without a header row, "
                    "-r nan_policy=omit (docs/formats.md).")


def describe(
    path: str, *, units: Any = None, full: bool = False,
    read_options: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Read ``path`` and return the ``clonus info --json`` object and the warnings issued.

    Axivity CWA files above 64 MB (``clonus.io._cwa.SUMMARY_MIN_BYTES``: ~14 h of AX6 at
    100 Hz) are summarised from their first minute and the last blocks' timestamps unless
    ``full``; the object then has ``"summary": true`` and approximate sample counts.
    """
    from ...io import detect_format, read_all, summarize_cwa
    from ...io._cwa import is_long_cwa

    fmt = detect_format(path)
    summary = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        opts = {**(read_options or {}), **({"units": units} if units is not None else {})}
        if fmt == "cwa" and not full and is_long_cwa(path):
            head, summary = summarize_cwa(path, **opts)
            groups = [head]
        if summary is None:
            groups = read_all(path, format=fmt, **opts)
    channels = []
    out_groups = []
    for g in groups:
        md = {k: v for k, v in g.metadata.items() if not k.endswith(_PRIVATE_SUFFIX)}
        n_samples = g.n_samples if summary is None else summary["n_samples"]
        duration_s = g.duration_s if summary is None else summary["duration_s"]
        if summary is not None:
            for k in ("window_s", "window_blocks"):  # of the first minute only: not the file's
                md.pop(k, None)
            md["n_blocks"] = summary["n_blocks"]
            md["end_time"] = summary["end_time"]
        for info in g.channel_info():
            row = {k: info[k] for k in ("name", "kind", "unit", "orig_unit", "fs_hz",
                                        "n_samples")}
            row["n_samples"] = n_samples
            channels.append(row)
        out_groups.append({"fs_hz": g.fs, "n_samples": n_samples, "duration_s": duration_s,
                           "channels": g.ch_names,
                           "start_time": None if g.start_time is None else
                           g.start_time.isoformat(),
                           "tz_is_local": g.tz_is_local, "metadata": md})
    obj = {
        "path": str(path),
        "format": fmt,
        "duration_s": max(g["duration_s"] for g in out_groups),
        "channels": channels,
        "groups": out_groups,
        "summary": summary is not None,
    }
    return obj, [str(w.message) for w in caught]


def _print_sheets(path: str, sheets: list[dict[str, Any]]) -> str:
    """Print the sheets of a workbook holding several signal tables (position, name, rows,
    time column, columns); return the first signal sheet's name.

    The one place where clonus shows sheet names (they may name a patient): the user asked
    about their own file. Messages, warnings, logs and batch results name sheets by position.
    """
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"[bold]{path}[/bold]  format: [cyan]xlsx[/cyan]  sheets: {len(sheets)}")
    table = Table(show_header=True, header_style="bold")
    for col in ("#", "sheet", "rows", "time column", "columns"):
        table.add_column(col)
    for sh in sheets:
        cols = ", ".join(sh["columns"]) if sh["table"] and sh["columns"] else \
            ("a table" if sh["table"] else "no table with a time column")
        table.add_row(str(sh["number"]), sh["name"], str(sh["rows"]), sh["time_column"] or "-",
                      cols)
    console.print(table)
    return str(next(sh["name"] for sh in sheets if sh["table"]))


def register(app: typer.Typer) -> None:
    @app.command("info")
    def info(
        path: str = typer.Argument(..., help="Recording file or export folder."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
        units: Annotated[list[str] | None, typer.Option(
            "--units", help="Unit override NAME=UNIT (repeatable) or one unit for all.")] = None,
        full: bool = typer.Option(
            False, "--full", help="Decode every sample of a large Axivity CWA file (default: "
            "summarise files over 64 MB from their first minute and last block times)."),
        read_option: Annotated[list[str] | None, typer.Option(
            "--read-option", "-r", help=READ_OPTION_HELP)] = None,
    ) -> None:
        """Show the format, channels, units and sampling rates of a recording."""
        from ...exceptions import InvalidParameterError
        from ..main import note_source

        note_source(path)
        try:
            obj, warns = describe(path, units=_parse_units(units), full=full,
                                  read_options=_parse_read_options(read_option))
        except InvalidParameterError as exc:
            sheets = getattr(exc, "sheets", None)
            if as_json or not sheets:
                raise  # --json: the error object (sheets by position, as in batch results)
            # the sheets as a table on stdout; the error (exit code 4) says how to pick one,
            # by name: this interactive command on the user's own file may show them
            first = _print_sheets(path, sheets)
            raise InvalidParameterError(
                f"{path}: several sheets hold signal tables "
                f"({[sh['name'] for sh in sheets if sh['table']]}). Pick one with -r sheet=NAME, "
                f"e.g. clonus info {shlex.quote(path)} -r sheet={shlex.quote(first)} (any "
                f"command: assess, batch...; Python: clonus.read(path, sheet={first!r})).",
            ) from None
        for w in warns:
            typer.echo(f"Warning: {w}", err=True)
        if as_json:
            typer.echo(json.dumps(obj, indent=2, default=str))
            return
        from rich.console import Console
        from rich.table import Table

        console = Console()
        console.print(f"[bold]{obj['path']}[/bold]  format: [cyan]{obj['format']}[/cyan]  "
                      f"duration: {obj['duration_s']:.3f} s  groups: {len(obj['groups'])}")
        table = Table(show_header=True, header_style="bold")
        for col in ("name", "kind", "unit", "orig unit", "fs (Hz)", "samples"):
            table.add_column(col)
        for ch in obj["channels"]:
            table.add_row(ch["name"], ch["kind"], ch["unit"], ch["orig_unit"],
                          f"{ch['fs_hz']:g}", str(ch["n_samples"]))
        console.print(table)
        if obj["summary"]:
            console.print("Summary of a long CWA file: layout and clock from its first minute, "
                          "duration from the last blocks' times (sample counts approximate; "
                          "damage after the first minute not checked). --full decodes it all.")
        for g in obj["groups"]:
            md = g["metadata"]
            if md.get("resampled"):
                console.print(f"{g['fs_hz']:g} Hz group: irregular timestamps resampled "
                              f"(original {md.get('original_fs_hz')}, jitter "
                              f"{md.get('jitter_s')} s)")
            if md.get("nominal_fs_hz") and md.get("rate_error_ppm") is not None:
                console.print(f"{g['fs_hz']:g} Hz group: logger clock measured against its "
                              f"nominal {md['nominal_fs_hz']:g} Hz: {md['rate_error_ppm']:+g} ppm")
            if md.get("gaps"):
                lost = (f", {md['missing_blocks']} missing blocks" if md.get("missing_blocks")
                        else f", {md['lost_packets']} lost packets" if md.get("lost_packets")
                        else "")
                console.print(f"{g['fs_hz']:g} Hz group: {md['gaps']} gap(s) bridged by "
                              f"interpolation (longest {md.get('max_gap_s', 0):.3g} s{lost})")
        if len(obj["groups"]) > 1:
            console.print("Channels have different sampling rates: read one rate with "
                          "clonus.read(path, channels=[...]) (or the command's --channel), or "
                          "pass resample_to_hz=.")
