"""``clonus assess PATH``: analyse a clonus test recording and grade it.

A thin wrapper over :func:`clonus.assess` (the same code path as the Python API, batch and
web). ``--json`` prints the stable JSON contract (``docs/json-contract.md``).
"""

from __future__ import annotations

import json
import warnings
from typing import Annotated, Any

import typer

from .info import READ_OPTION_HELP

_MOTION_KINDS = {"gyro", "acc", "angle"}


def _load(path: str, channel: str | None, units: Any = None,
          read_options: dict[str, Any] | None = None) -> tuple[Any, list[str]]:
    """Read ``path`` and return the recording group to assess and the read warnings."""
    from ...io import read_all

    opts = {**(read_options or {}), **({"units": units} if units is not None else {})}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        groups = read_all(path, **opts)
    msgs = [str(w.message) for w in caught]
    from ...pipeline import select_group

    rec, note = select_group(groups, channel=channel, source=str(path))
    return rec, msgs + ([note] if note else [])


def _config_for(
    rec: Any, channel: str | None, bedside_threshold: int | None, acc_radius_m: float | None = None,
    test_number: int | None = None,
) -> Any:
    """The analysis configuration for the CLI options, or None for the defaults."""
    if bedside_threshold is None and acc_radius_m is None and test_number is None:
        return None
    import dataclasses

    from ...detect.motion import MotionConfig
    from ...exceptions import InvalidParameterError
    from ...grade import GradingConfig

    grading = (
        GradingConfig()
        if bedside_threshold is None
        else GradingConfig(bedside_threshold_beats=bedside_threshold)
    )
    from ...pipeline import pick_channels

    kinds = {c.kind for c in (pick_channels(rec, channel) if channel else rec).channels}
    if kinds & _MOTION_KINDS:
        return MotionConfig(grading=grading, acc_radius_m=acc_radius_m, test_number=test_number)
    for opt, val in (("--acc-radius-m", acc_radius_m), ("--test", test_number)):
        if val is not None:
            raise InvalidParameterError(
                f"{opt} applies to motion recordings (phone/IMU/goniometer on the foot); this "
                f"recording has only {', '.join(sorted(kinds))} channels. Run without it."
            )
    try:
        from ...emg.clinical import EmgConfig  # type: ignore[attr-defined]
    except ImportError as exc:
        raise InvalidParameterError(
            "--bedside-threshold needs the EMG analysis (clonus.emg), which is "
            "not available in this installation."
        ) from exc
    names = {f.name for f in dataclasses.fields(EmgConfig)}
    if "grading" not in names:
        raise InvalidParameterError("--bedside-threshold is not supported for EMG-only recordings.")
    return EmgConfig(grading=grading)


def _print_table(a: Any, interpretation: dict | None) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console()
    t = Table(title=f"Clonus test: {a.source or a.channel}", show_header=False)
    t.add_column("", style="bold")
    t.add_column("")
    f = "-" if a.frequency_hz is None else f"{a.frequency_hz:.2f} Hz"
    rhythm_hz = a.metrics.get("rhythm_frequency_hz")
    if a.frequency_hz is None and rhythm_hz is not None:
        f = f"- (the rhythm judged not clonus: {rhythm_hz:.2f} Hz)"
    rows = [
        ("Classification", a.classification),
        ("Reason", a.reason),
        ("Beats", str(a.n_beats)),
        ("Frequency", f),
        ("Clonus duration", f"{a.clonus_duration_s:.2f} s"),
        ("Sustained", "yes" if a.sustained else "no"),
        ("Stretch onset", "-" if a.stretch_onset_s is None else f"{a.stretch_onset_s:.2f} s"),
        ("Pathological (bedside)", "yes" if a.pathological else "no"),
        ("Channel", f"{a.channel} ({a.signal_kind}, {a.fs_hz:g} Hz)"),
    ]
    m = a.metrics
    if m.get("n_tests"):
        rows.append(
            (
                "Tests in recording",
                f"{m['n_tests']}; this is test {m['test_number']} ("
                + "; ".join(
                    f"{x['number']}: {x['n_beats']} beats, {x['classification']}"
                    for x in m["tests"]
                )
                + "; --test K for another)",
            )
        )
    if m.get("hold_duration_s") is not None:
        rows.append(
            (
                "Stretch held",
                f"{m['hold_duration_s']:.2f} s"
                + (" (to the end of the recording)" if m.get("held_to_end_of_recording") else ""),
            )
        )
    if m.get("decay_rate_per_s") is not None:
        rows.append(("Decay rate p", f"{m['decay_rate_per_s']:+.3f} /s (A e^(pt) fit)"))
    if m.get("regularity_cv") is not None:
        rows.append(("Regularity (CV of intervals)", f"{m['regularity_cv']:.3f}"))
    if a.beats:
        amps = [b.amplitude for b in a.beats]
        rows.append(
            (
                "Beat amplitude",
                f"median {sorted(amps)[len(amps) // 2]:.2f} {a.amplitude_unit} "
                f"(first {amps[0]:.2f}, last {amps[-1]:.2f})",
            )
        )
    for k, v in rows:
        t.add_row(k, v)
    con.print(t)
    g = Table(title="Grades")
    for col in ("Scale", "Grade", "Rule"):
        g.add_column(col)
    for sid, gr in a.grades.items():
        g.add_row(f"{sid} v{gr.version}", gr.label, gr.rule)
    con.print(g)
    for w in a.warnings:
        con.print(f"[yellow]Warning:[/yellow] {w}")
    if interpretation is not None:
        con.print("Interpretation:")
        con.print(json.dumps(interpretation, indent=2, default=str))
    con.print(f"[dim]{_disclaimer()}[/dim]")


def _disclaimer() -> str:
    from ...model.assessment import DISCLAIMER

    return DISCLAIMER


def register(app: typer.Typer) -> None:
    @app.command("assess")
    def assess_cmd(
        path: str = typer.Argument(..., help="Recording file (phone/IMU/goniometer/EMG)."),
        channel: str | None = typer.Option(
            None, "--channel",
            help="Analyse this channel only, comma-separated channels, or one sensor's channels "
            "by prefix (e.g. --channel right for right_acc_*, right_gyr_* of a two-foot file)."),
        as_json: bool = typer.Option(False, "--json", help="Print the JSON contract (one object)."),
        report: str | None = typer.Option(
            None, "--report", help="Also write a report (.html, .pdf, .csv, .fhir.json)."
        ),
        context: str | None = typer.Option(
            None, "--context", help="Clinical context JSON: adds an interpretation."
        ),
        bedside_threshold: int | None = typer.Option(
            None,
            "--bedside-threshold",
            min=1,
            help="Beats for 'pathological' (default 5; sources use 3, 5 or 10).",
        ),
        acc_radius_m: float | None = typer.Option(
            None,
            "--acc-radius-m",
            help="Accelerometer only: the sensor's distance from the ankle axis in metres "
            "(default: estimated from the stretch, else 0.10 m).",
        ),
        test_number: int | None = typer.Option(
            None,
            "--test",
            min=1,
            help="Recordings with several clonus tests (push, release, push again): report "
            "test K (1 = first). Default: the strongest response; every test is listed.",
        ),
        units: Annotated[list[str] | None, typer.Option(
            "--units",
            help="Unit override NAME=UNIT (repeatable) or one unit for all, for files without "
            "units (e.g. --units gx=deg/s; without it a unitless motion channel's unit is "
            "judged from its size, with a warning).")] = None,
        read_option: Annotated[list[str] | None, typer.Option(
            "--read-option", "-r", help=READ_OPTION_HELP)] = None,
        include_identifiers: bool = typer.Option(
            False,
            "--include-identifiers",
            help="Show identifying details from the context in the report (default: "
            "pseudonymous code only).",
        ),
    ) -> None:
        """Count clonus beats, measure frequency and duration, classify and grade a clonus test."""
        from ...exceptions import MissingDependencyError
        from ...pipeline import assess
        from ..main import note_source

        note_source(path)
        from .info import _parse_read_options, _parse_units

        rec, msgs = _load(path, channel, _parse_units(units), _parse_read_options(read_option))
        for w in msgs:
            typer.echo(f"Warning: {w}", err=True)
        cfg = _config_for(rec, channel, bedside_threshold, acc_radius_m, test_number)
        a = assess(rec, channel=channel, config=cfg)
        ctx = None
        interpretation = None
        if context is not None:
            try:
                from ...clinical import interpret, load_context
            except ImportError as exc:
                raise MissingDependencyError(
                    "--context needs the clinical module (clonus.clinical), which is not available "
                    "in this installation. Run without --context."
                ) from exc
            ctx = load_context(context)
            interpretation = interpret(a, ctx).to_dict()
        if report is not None:
            try:
                from ...report import write_report
            except ImportError as exc:
                raise MissingDependencyError(
                    "--report needs the report module (clonus.report) and its extras: "
                    "pip install 'clonus[report]'."
                ) from exc
            out = write_report(report, [a], recordings=[rec], context=ctx,
                               include_identifiers=include_identifiers)
            typer.echo(f"Report written to {out}", err=True)
        if as_json:
            d = a.to_dict()
            if interpretation is not None:
                d["interpretation"] = interpretation
            typer.echo(json.dumps(d, indent=2))
        else:
            _print_table(a, interpretation)
