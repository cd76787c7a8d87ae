"""``clonus context``: write a clinical-context template, or check a filled-in context file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ...exceptions import InvalidParameterError


def register(app: typer.Typer) -> None:
    @app.command("context")
    def context_cmd(
        template: Annotated[
            bool, typer.Option("--template", help="Write an explained JSON template to fill in.")
        ] = False,
        out: Annotated[
            Path | None,
            typer.Option("--out", "-o", help="Write the template here (default: stdout)."),
        ] = None,
        force: Annotated[
            bool, typer.Option("--force", help="Overwrite --out if it exists.")
        ] = False,
        check: Annotated[
            Path | None,
            typer.Option(
                "--check",
                help="Validate a filled-in context file and print the decision-support "
                "statements it triggers on its own.",
            ),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="With --check: print JSON.")] = False,
    ) -> None:
        """Clinical context for decision support: medications, signs, symptoms, onset, history.

        Decision support only: not a diagnosis; it does not replace clinical judgement.
        """
        from ...clinical import context_template, interpret, load_context

        if not template and check is None:
            raise InvalidParameterError(
                "Give --template (write a template) or --check PATH (validate a file). "
                "Example: clonus context --template --out context.json"
            )
        if template:
            text = json.dumps(context_template(), indent=2, ensure_ascii=False) + "\n"
            if out is None:
                typer.echo(text, nl=False)
            else:
                if out.exists() and not force:
                    raise InvalidParameterError(
                        f"{str(out)!r} exists; pass --force to overwrite it."
                    )
                if not out.parent.exists():
                    raise InvalidParameterError(f"Folder {str(out.parent)!r} does not exist.")
                out.write_text(text, encoding="utf-8")
                typer.echo(
                    f"Wrote {out}. Fill it in, then: clonus assess RECORDING --context {out}",
                    err=True,
                )
        if check is not None:
            ctx = load_context(check)
            interp = interpret(None, ctx)
            if as_json:
                typer.echo(
                    json.dumps(
                        {
                            "context": ctx.to_dict(include_identifiers=False),
                            "interpretation": interp.to_dict(),
                        },
                        indent=2,
                        ensure_ascii=False,
                    )
                )
            else:
                typer.echo(f"{check}: valid clinical context.")
                for s in interp.statements:
                    typer.echo(f"[{s.level}] {s.text}")
