"""``clonus batch``: assess every recording of a study (thin wrapper over run_batch)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("batch")
    def batch(
        inputs: Annotated[list[str], typer.Argument(
            help="Files, folders, glob patterns (quoted) or a manifest CSV with a 'path' "
                 "column.")],
        out: Annotated[Path, typer.Option(
            "--out", "-o", help="Output folder: results.csv, summary.csv, "
                                "assessments/*.json, manifest.json.")],
        jobs: Annotated[int, typer.Option(
            "--jobs", "-j", help="Worker processes (Dask LocalCluster on 127.0.0.1); "
                                 "-1 = all CPUs.")] = 1,
        channel: Annotated[str | None, typer.Option(
            "--channel", help="Analyse this channel in every recording.")] = None,
        read_option: Annotated[list[str] | None, typer.Option(
            "--read-option", "-r", help="Reader option KEY=VALUE for every file (VALUE as "
            "JSON if it parses, else text), e.g. -r roi=full -r width_px=480 for videos.")] = None,
        resume: Annotated[bool, typer.Option(
            "--resume", help="Reuse unchanged, successful results of an earlier run in --out "
                             "(same SHA-256, version, options).")] = False,
        fail_fast: Annotated[bool, typer.Option(
            "--fail-fast", help="Stop at the first failing recording instead of recording it "
                                "as an error row.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    ) -> None:
        """Assess every recording of a study; one row per recording in results.csv."""
        from ...batch import run_batch, summarize
        from .info import _parse_read_options

        options = _parse_read_options(read_option)

        progress = None
        bar = None
        if sys.stderr.isatty() and not as_json:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            bar = Progress("[progress.description]{task.description}", BarColumn(),
                           MofNCompleteColumn(), TimeRemainingColumn(), transient=True)
            task = bar.add_task("assessing", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            bar.start()
        try:
            df = run_batch(inputs, n_jobs=jobs, out_dir=out, channel=channel,
                           reader_options=options, resume=resume, verbose=True,
                           on_error="raise" if fail_fast else "record", progress=progress)
        finally:
            if bar is not None:
                bar.stop()
        n_err = int((df["error"] != "").sum())
        if as_json:
            payload = {
                "out_dir": str(out),
                "n_recordings": len(df),
                "n_ok": len(df) - n_err,
                "n_error": n_err,
                "results": json.loads(df.to_json(orient="records")),
                "summary": json.loads(summarize(df).to_json(orient="records")),
            }
            typer.echo(json.dumps(payload, indent=2))
            return
        counts = df.loc[df["error"] == "", "classification"].value_counts().to_dict()
        typer.echo(f"{len(df)} recording(s): {len(df) - n_err} assessed, {n_err} failed.")
        for k, v in sorted(counts.items()):
            typer.echo(f"  {k}: {v}")
        for _, r in df[df["error"] != ""].head(10).iterrows():
            typer.echo(f"  error {r['id']}: {r['error']}")
        if n_err > 10:
            typer.echo(f"  ... {n_err - 10} more errors in results.csv")
        typer.echo(f"Results: {out / 'results.csv'}; summary: {out / 'summary.csv'}; "
                   f"run manifest: {out / 'manifest.json'}")
