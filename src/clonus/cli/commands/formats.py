"""``clonus formats``: the file formats clonus can read."""

from __future__ import annotations

import json

import typer


def register(app: typer.Typer) -> None:
    @app.command("formats")
    def formats(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
        """List the readers: name, description, extensions, extra needed, installed."""
        from ...io import formats_table

        rows = formats_table()
        if as_json:
            typer.echo(json.dumps(rows, indent=2))
            return
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table

        table = Table(show_header=True, header_style="bold")
        for col in ("format", "description", "extensions", "extra", "installed"):
            table.add_column(col)
        for r in rows:
            extra = escape(f"clonus[{r['extra']}]") if r["extra"] else "core"
            table.add_row(str(r["name"]), str(r["description"]), " ".join(r["extensions"]),
                          extra, "yes" if r["installed"] else "no")
        Console(width=160).print(table)
