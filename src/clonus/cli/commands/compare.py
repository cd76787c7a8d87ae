"""``clonus compare``: compare assessments of the same person (e.g. before/after treatment)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ...exceptions import FileFormatError, InvalidParameterError, MissingDependencyError


def load_assessment(path: Path):  # noqa: ANN201 - returns (Assessment, Recording | None)
    """An assessment from a saved assessment JSON file, or by assessing a recording."""
    from ...model import Assessment

    if path.suffix.lower() == ".json":
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise FileFormatError(
                f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})."
            ) from None
        if isinstance(d, dict) and "n_beats" in d and "classification" in d:
            try:
                a = Assessment.from_dict(d)
            except (KeyError, TypeError, ValueError) as exc:
                raise FileFormatError(
                    f"{path}: not a valid assessment JSON ({exc}). Save one with "
                    "'clonus assess PATH --json > a.json'."
                ) from None
            if not a.source:
                from dataclasses import replace

                a = replace(a, source=path.name)
            return a, None
    import clonus

    rec = clonus.read(path)
    try:
        a = clonus.assess(rec)
    except ImportError as exc:
        raise MissingDependencyError(
            f"Cannot assess {path.name}: the analysis module is not available "
            f"({exc}). Compare saved assessment JSON files instead."
        ) from None
    return a, rec


def register(app: typer.Typer) -> None:
    @app.command("compare")
    def compare_cmd(
        paths: Annotated[
            list[Path],
            typer.Argument(
                help="Two or more recordings or saved assessment JSON files of the same person, "
                "baseline first."
            ),
        ],
        report: Annotated[
            Path | None,
            typer.Option("--report", "-r", help="Write a report: .html, .pdf, .csv or .fhir.json."),
        ] = None,
        context: Annotated[
            Path | None, typer.Option("--context", help="Clinical context JSON.")
        ] = None,
        label: Annotated[
            list[str] | None,
            typer.Option("--label", help="Name of each input, in order (repeat the option)."),
        ] = None,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print the comparison as JSON.")
        ] = False,
        include_identifiers: Annotated[
            bool,
            typer.Option(
                "--include-identifiers", help="Show identifying details from the context."
            ),
        ] = False,
    ) -> None:
        """Compare assessments: the change in each measure and whether it exceeds measurement noise.

        Decision support only: not a diagnosis; it does not replace clinical judgement.
        """
        from ...clinical import load_context
        from ...report import compare_assessments, write_report

        if len(paths) < 2:
            raise InvalidParameterError(f"compare needs at least two inputs, got {len(paths)}.")
        if label and len(label) != len(paths):
            raise InvalidParameterError(f"Got {len(label)} --label values for {len(paths)} inputs.")
        ctx = load_context(context) if context is not None else None
        loaded = []
        for p in paths:
            if not p.exists():
                raise FileFormatError(f"{str(p)!r} not found.")
            loaded.append(load_assessment(p))
        assessments = [a for a, _ in loaded]
        recordings = [r for _, r in loaded]
        cmp = compare_assessments(assessments, labels=label or None)
        if report is not None:
            write_report(
                report,
                assessments,
                recordings=recordings,
                context=ctx,
                labels=list(cmp.labels),
                include_identifiers=include_identifiers,
            )
            typer.echo(f"Wrote {report}", err=True)
        if as_json:
            typer.echo(json.dumps(cmp.to_dict(), indent=2))
        elif report is None:
            for base, other, rows in cmp.pairs:
                typer.echo(f"{other} vs {base}:")
                for r in rows:
                    if r.change is None and r.exceeds_noise is None:
                        typer.echo(f"  {r.measure}: {r.baseline} -> {r.value}")
                        continue
                    ex = {True: "exceeds noise", False: "within noise", None: "noise unknown"}[
                        r.exceeds_noise
                    ]
                    noise = "" if r.noise is None else f" (MDC {r.noise:.3g})"
                    typer.echo(
                        f"  {r.measure}: {r.baseline} -> {r.value}, change {r.change:+.3g} {r.unit}"
                        f"{noise}: {ex}"
                    )
            typer.echo("Decision support only; not a diagnosis.")
