"""``clonus simulate`` and ``clonus simulate-figure``: the stretch-reflex simulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from ...exceptions import InvalidParameterError


def register(app: typer.Typer) -> None:
    """Add the ``simulate`` and ``simulate-figure`` commands to ``app``."""

    @app.command("simulate")
    def simulate_cmd(
        out: Annotated[Path, typer.Option(
            "--out", help="Output file: .zip (phyphox-style motion; EMG, if any, beside it as "
            ".edf) or .edf/.bdf.")],
        mode: str = typer.Option("held", "--mode", help="held | released"),
        gain_ratio: Optional[float] = typer.Option(  # noqa: UP045 - typer needs Optional
            None, "--gain-ratio", help="Motoneuron gain as a multiple of the linear critical "
            "gain G_c (sustained clonus at nominal parameters from about 3.6)."),
        gain: Optional[float] = typer.Option(  # noqa: UP045
            None, "--gain", help="Absolute motoneuron gain, 1/(imp/s) (nominal 0.02)."),
        delay_s: float = typer.Option(0.040, "--delay-s", help="Total reflex loop delay, s."),
        duration_s: float = typer.Option(12.0, "--duration-s", help="Trial length, s."),
        seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same trial)."),
        truth: Annotated[Optional[Path], typer.Option(  # noqa: UP045
            "--truth", help="Write the ground truth as JSON here.")] = None,
        sensors: Optional[str] = typer.Option(  # noqa: UP045
            None, "--sensors", help="Comma-separated: imu, goniometer, emg, emg_mu "
            "(default: imu for .zip, emg for .edf)."),
        fs_imu_hz: float = typer.Option(200.0, "--fs-imu-hz", help="Motion sampling rate, Hz."),
        fs_emg_hz: float = typer.Option(2000.0, "--fs-emg-hz", help="EMG sampling rate, Hz."),
        orientation: str = typer.Option("random", "--orientation", help="random | aligned"),
        jitter_s: float = typer.Option(0.0, "--jitter-s", help="Timestamp jitter SD, s."),
        no_noise: bool = typer.Option(False, "--no-noise", help="Ideal, noise-free sensors."),
        central: bool = typer.Option(False, "--central", help="Central-oscillator mode."),
        figure: Annotated[Optional[Path], typer.Option(  # noqa: UP045
            "--figure", help="Also save the mechanism figure (PNG) for this trial.")] = None,
        as_json: bool = typer.Option(False, "--json", help="Print the truth as JSON."),
    ) -> None:
        """Simulate a clinical clonus test (brisk stretch, then held or released) and write
        the recording plus its ground truth."""
        from ...simulate import simulate_trial
        from ...simulate.files import write_trial

        suffix = out.suffix.lower()
        if sensors is None:
            sens: tuple[str, ...] = ("emg",) if suffix in (".edf", ".bdf") else ("imu",)
        else:
            sens = tuple(s.strip() for s in sensors.split(",") if s.strip())
        if suffix not in (".zip", ".edf", ".bdf"):
            raise InvalidParameterError(
                f"--out {out}: use a .zip (phyphox-style motion) or .edf/.bdf file name.")
        trial = simulate_trial(mode=mode, gain_ratio=gain_ratio, gain=gain, delay_s=delay_s,
                               duration_s=duration_s, seed=seed, sensors=sens,
                               fs_imu_hz=fs_imu_hz, fs_emg_hz=fs_emg_hz,
                               orientation=orientation, noise=not no_noise,
                               jitter_s=jitter_s, central=central)
        written = write_trial(trial, out, truth_path=truth)
        if figure is not None:
            from ...simulate.figure import plot_mechanism

            if "emg" not in trial.recordings:
                fig_trial = simulate_trial(mode=mode, gain_ratio=gain_ratio, gain=gain,
                                           delay_s=delay_s, duration_s=duration_s, seed=seed,
                                           sensors=("emg",), noise=not no_noise,
                                           central=central)
            else:
                fig_trial = trial
            plot_mechanism(figure, trial=fig_trial)
            written.append(figure)
        t = trial.truth
        if as_json:
            typer.echo(json.dumps(t.to_dict(), indent=2, sort_keys=True))
        else:
            f = "-" if t.frequency_hz is None else f"{t.frequency_hz:.2f} Hz"
            typer.echo(f"{t.mode} trial, G = {t.gain:.4g} ({t.gain_ratio:.2f} x G_c = "
                       f"{t.critical_gain:.4g}, f_c {t.critical_frequency_hz:.2f} Hz): "
                       f"{t.n_beats} beats, {f}, sustained={t.sustained}")
            for p in written:
                typer.echo(f"wrote {p}")

    @app.command("simulate-figure")
    def simulate_figure_cmd(
        out: Annotated[Path, typer.Argument(help="Image file (.png, .svg, .pdf).")],
        gain_ratio: float = typer.Option(6.0, "--gain-ratio", help="G / G_c of the trial."),
        delay_s: float = typer.Option(0.040, "--delay-s", help="Loop delay, s."),
        seed: int = typer.Option(0, "--seed", help="Random seed."),
        kind: str = typer.Option("mechanism", "--kind", help="mechanism | inhibition "
                                 "(clonus appearing as the motoneuron threshold falls)."),
    ) -> None:
        """Draw the mechanism figure (angle, Ia rate, motoneuron drive and EMG over time;
        frequency and stability versus delay and gain) or the inhibition figure."""
        from ..._validation import check_option
        from ...simulate.figure import plot_inhibition, plot_mechanism

        check_option("kind", kind, ("mechanism", "inhibition"))
        if kind == "mechanism":
            plot_mechanism(out, gain_ratio=gain_ratio, delay_s=delay_s, seed=seed)
        else:
            plot_inhibition(out)
        typer.echo(f"wrote {out}")
