"""``clonus monitor PATH``: episodes in a long recording.

EMG (bursts and spasm episodes, :func:`clonus.emg.monitor.monitor`) or motion (spontaneous
3-8 Hz rhythmic oscillation from a foot IMU, :func:`clonus.detect.motion_monitor.monitor_motion`).
``--kind auto`` (default): EDF/BDF files and recordings with an EMG channel go to the EMG
monitor (unchanged behaviour); recordings with gyroscope/accelerometer channels and no EMG go
to the motion monitor.
"""

from __future__ import annotations

import json
import sys

import typer


def register(app: typer.Typer) -> None:
    """Add the ``monitor`` command to the CLI."""

    @app.command("monitor")
    def monitor_cmd(
        path: str = typer.Argument(
            ..., help="EMG recording (EDF/BDF streamed; other formats read whole), or a foot-IMU "
            "recording (gyroscope/accelerometer, e.g. Axivity .cwa) for --kind motion/auto."
        ),
        channel: str = typer.Option(
            None, "--channel", help="EMG: the channel name (default: the first EMG channel). "
            "Motion: one sensor's channels by prefix (e.g. --channel right for right_acc_*, "
            "right_gyr_* of a two-foot file; default: the first sensor)."
        ),
        as_json: bool = typer.Option(
            False, "--json", help="Print the full result as one JSON object."
        ),
        chunk_s: float = typer.Option(
            600.0, "--chunk-s", help="Chunk length in seconds (memory only)."
        ),
        kind: str = typer.Option(
            "auto", "--kind", help="auto | emg | motion (foot IMU: gyroscope or accelerometer)."
        ),
    ) -> None:
        """Find every EMG burst and spasm episode (clonus, tonic, unit, myoclonus, mixed, other)
        in a long recording, with spasm counts per hour and per day (Penn, Snow); or, for a
        motion recording (IMU, no EMG), every episode of spontaneous 3-8 Hz rhythmic oscillation
        with counts per hour."""
        from ..._validation import check_option
        from ...emg.monitor import monitor
        from ..main import note_source

        note_source(path)

        check_option("--kind", kind, ("auto", "emg", "motion"))
        source = path  # EDF/BDF are streamed by the EMG monitor; other files are read once
        if kind != "emg":
            total_s = _long_cwa_s(path)
            if total_s is not None:  # days of Axivity data: read and analysed 6 h at a time
                _motion_windows(path, total_s, as_json=as_json, chunk_s=chunk_s)
                return
            rec = _read_unless_streamed(path, kind)
            if rec is not None and (kind == "motion" or _is_motion(rec)):
                if channel is not None:
                    from ...pipeline import pick_channels

                    rec = pick_channels(rec, channel)
                _motion(rec, as_json=as_json, chunk_s=chunk_s)
                return
            if rec is not None:
                source = rec

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

                res = monitor(source, channel=channel, chunk_s=chunk_s, progress=_cb)
        else:
            res = monitor(source, channel=channel, chunk_s=chunk_s)
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


def _read_unless_streamed(path: str, kind: str):  # -> Recording | None
    """The recording, read once; None for EDF/BDF under ``--kind auto`` (the EMG monitor
    streams those from disk)."""
    from pathlib import Path

    from ...exceptions import InvalidParameterError
    from ...io import read

    p = Path(path)
    if kind == "auto" and p.suffix.lower() in (".edf", ".bdf", ".rec"):
        return None
    if not p.exists():
        raise InvalidParameterError(f"{path}: file not found.")
    return read(p)


def _is_motion(rec) -> bool:
    """IMU channels and no EMG: the motion monitor's recording under ``--kind auto``."""
    kinds = {c.kind for c in rec.channels}
    return "emg" not in kinds and bool(kinds & {"gyro", "acc"})


#: Window of ``clonus monitor`` over a long CWA file, in s (6 h of AX6 at 100 Hz: ~0.1 GB).
CWA_WINDOW_S = 6 * 3600.0


def _long_cwa_s(path: str) -> float | None:
    """Duration (s) of an Axivity CWA file too large to read whole (> 64 MB), else None."""
    from ...io import summarize_cwa
    from ...io._cwa import is_long_cwa

    return summarize_cwa(path)[1]["duration_s"] if is_long_cwa(path) else None


def _motion_windows(path: str, total_s: float, *, as_json: bool, chunk_s: float) -> None:
    """The motion monitor over a long CWA file, 6 h at a time (memory bounded by a window)."""
    from ...detect.motion_monitor import monitor_motion_windows
    from ...io import read

    res = monitor_motion_windows(
        lambda a, d: read(path, start_s=a, duration_s=d), total_s, window_s=CWA_WINDOW_S,
        chunk_s=chunk_s,
    )
    _print_motion(res, as_json=as_json)


def _motion(rec, *, as_json: bool, chunk_s: float) -> None:
    from ...detect.motion_monitor import monitor_motion

    _print_motion(monitor_motion(rec, chunk_s=chunk_s), as_json=as_json)


def _print_motion(res, *, as_json: bool) -> None:
    d = res.to_dict()
    if as_json:
        typer.echo(json.dumps(d))
        return
    unit = d["amplitude_unit"]
    typer.echo(
        f"{d['source']} [{', '.join(d['channels'])}] {d['fs_hz']:g} Hz, "
        f"{d['duration_s'] / 3600:.2f} h, motion from the {d['sensor']} "
        f"(band {d['config']['band_hz'][0]:g}-{d['config']['band_hz'][1]:g} Hz)"
    )
    typer.echo(
        f"episodes ({d['label']}): {d['n_episodes']}, {d['episodes_per_hour']:.1f}/h, "
        f"{d['time_in_episodes_s']:.1f} s in episodes; rejected: "
        + ", ".join(f"{k} {v}" for k, v in d["n_rejected"].items())
    )
    if d["episodes"]:
        typer.echo(
            f"  {'start_s':>10} {'dur_s':>6} {'beats':>5} {'f_Hz':>5} "
            f"{'amp_' + unit:>10} {'CV':>5} after_fast_move"
        )
        typer.echo(
            "  (after_fast_move: the episode began right after a fast, stretch-like movement "
            "of the foot, so it was provoked rather than spontaneous)"
        )
    for e in d["episodes"]:
        typer.echo(
            f"  {e['start_s']:>10.2f} {e['duration_s']:>6.2f} {e['n_beats']:>5d} "
            f"{e['frequency_hz']:>5.2f} {e['amplitude']:>10.2f} {e['regularity_cv']:>5.2f} "
            f"{'yes' if e['triggered'] else 'no'}"
        )
    for h in d["per_hour"]:
        typer.echo(
            f"  hour {h['index']:>2}: {h['n_episodes']:>4} episodes, "
            f"{h['time_in_episodes_s']:>7.1f} s in episodes"
        )
    for w in d["warnings"]:
        typer.echo(f"warning: {w}")
    typer.echo(f"analysed in {d['elapsed_s']:.2f} s. {d['note']}")
