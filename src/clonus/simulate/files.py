"""Write a simulated trial to files that :func:`clonus.read` reads, plus its truth as JSON."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..exceptions import InvalidParameterError
from .trial import Trial

__all__ = ["write_trial", "write_truth"]


def _writers() -> tuple[Any, Any]:
    try:
        from ..io import write_edf, write_phyphox_zip  # type: ignore[attr-defined]
    except ImportError:
        from ..io._edf import write_edf
        from ..io._phyphox import write_phyphox_zip
    return write_phyphox_zip, write_edf


def write_truth(path: str | os.PathLike[str], trial: Trial) -> Path:
    """Write ``trial.truth.to_dict()`` as indented JSON and return the path."""
    p = Path(path)
    p.write_text(json.dumps(trial.truth.to_dict(), indent=2, sort_keys=True) + "\n",
                 encoding="utf-8")
    return p


def write_trial(trial: Trial, out_path: str | os.PathLike[str], *,
                truth_path: str | os.PathLike[str] | None = None) -> list[Path]:
    """Write a trial's recording(s) in a format :func:`clonus.read` reads.

    Parameters
    ----------
    trial : Trial
        From :func:`clonus.simulate.simulate_trial`.
    out_path : path-like
        ``.zip``: the motion stream as a phyphox-style zip (per-sensor iOS files
        ``Gyroscope.csv``, ``Accelerometer.csv``, ``Angle.csv`` plus ``meta/``), with the
        actual, possibly jittered, sample times; an EMG stream, if any, goes to the same name
        with ``.edf``. ``.edf``/``.bdf``: ``trial.recording`` (EMG, or motion, or both on the
        EMG rate) as EDF+/BDF+.
    truth_path : path-like, optional
        Also write the ground truth as JSON here.

    Returns
    -------
    list of Path
        The files written.
    """
    write_phyphox_zip, write_edf = _writers()
    out = Path(out_path)
    suffix = out.suffix.lower()
    written: list[Path] = []
    if suffix == ".zip":
        if "motion" not in trial.recordings:
            raise InvalidParameterError(
                f"{out}: a .zip (phyphox) file holds motion sensors, but this trial has only "
                "EMG. Use an .edf output path or add sensors 'imu'/'goniometer'.")
        written.append(Path(write_phyphox_zip(out, trial.recordings["motion"],
                                              times_s=trial.timestamps_s)))
        if "emg" in trial.recordings:
            written.append(Path(write_edf(out.with_suffix(".edf"), trial.recordings["emg"])))
    elif suffix in (".edf", ".bdf"):
        written.append(Path(write_edf(out, trial.recording, bdf=suffix == ".bdf")))
    else:
        raise InvalidParameterError(
            f"Cannot tell the output format from {out.name!r}: use a .zip (phyphox-style motion) "
            "or .edf/.bdf (EMG and/or motion) file name.")
    if truth_path is not None:
        written.append(write_truth(truth_path, trial))
    return written
