"""``clonus monitor PATH``: bursts and spasm episodes in a long EMG recording."""

from __future__ import annotations

import json
import sys

import typer


def register(app: typer.Typer) -> None:
    """Add the ``monitor`` command to the CLI."""

    @app.command("monitor")
    def monitor_cmd(
        path: str = typer.Argument(
            ..., help="EMG recording (EDF/BDF streamed; other formats read whole)."
        ),
        channel: str = typer.Option(
            None, "--channel", help="EMG channel name (default: first EMG channel)."
        ),
        as_json: bool = typer.Option(
            False, "--json", help="Print the full result as one JSON object."
        ),
        chunk_s: float = typer.Option(
            600.0, "--chunk-s", help="Chunk length in seconds (memory only)."
        ),
    ) -> None:
        """Find every EMG burst and spasm episode (clonus, tonic, unit, myoclonus, mixed, other)
        in a long recording, with spasm counts per hour and per day (Penn, Snow)."""
        from ...emg.monitor import monitor

        show_bar = not as_json and sys.stderr.isatty()
        if show_bar:
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            with Progress(
                TextColumn("monitor"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeRemainingColumn(),
                transient=True,
            ) as bar:
                task = bar.add_task("monitor", total=1)

                def _cb(done: int, total: int) -> None:
                    bar.update(task, total=total, completed=done)

                res = monitor(path, channel=channel, chunk_s=chunk_s, progress=_cb)
        else:
            res = monitor(path, channel=channel, chunk_s=chunk_s)
        d = res.to_dict()
        if as_json:
            typer.echo(json.dumps(d))
            return
        typer.echo(
            f"{d['source']} [{d['channel']}] {d['fs_hz']:g} Hz, {d['duration_s'] / 3600:.2f} h, "
            f"band {d['band_hz'][0]:g}-{d['band_hz'][1]:g} Hz, "
            f"mains notch: {d['mains_hz'] or 'none'}"
        )
        typer.echo(
            f"bursts: {d['n_bursts']} (heartbeat-like rejected: {d['n_rejected_heartbeat']}); "
            f"episodes: {d['n_episodes']} "
            + ", ".join(f"{k} {v}" for k, v in d["episode_counts"].items())
        )
        typer.echo(
            f"spasms ({'/'.join(d['spasm_kinds'])}): {d['n_spasms']}; "
            f"Penn {d['penn']['label']} ({d['penn']['rule']}); "
            f"Snow {d['snow']['label']} ({d['snow']['rule']})"
        )
        for h in d["per_hour"]:
            typer.echo(
                f"  hour {h['index']:>2}: {h['n_bursts']:>6} bursts, "
                f"{h['n_spasms']:>4} spasms, Penn {h['penn']}"
            )
        typer.echo(
            f"analysed in {d['elapsed_s']:.2f} s. Instrumented analogue of self-report scales; "
            "decision support only."
        )
