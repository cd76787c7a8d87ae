"""Stand-ins used ONLY while the io/motion/grade modules of other branches are not merged.

The web layer is tested against the real ``clonus.read``/``clonus.assess``/``grade_all`` as
soon as they exist (see ``conftest.py``). These stand-ins let the routes, the store and the
browser UI be exercised in the meantime; they are never used by the package itself.
"""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

import numpy as np

from clonus.model import Assessment, Beat, Grade, Recording, Trace


def real_pipeline_available() -> bool:
    for mod in ("clonus.io._csv", "clonus.detect.motion", "clonus.grade"):
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError:
            return False
    return True


def _fake_grade_all(*, n_beats, duration_s, sustained, hold_duration_s=None, config=None):
    value = 0 if n_beats == 0 else (1 if n_beats < 3 else (2 if not sustained else 3))
    return {"bedside": Grade("bedside", "fake", value, f"{value} (stand-in)",
                             f"{n_beats} beats", {"n_beats": n_beats, "duration_s": duration_s},
                             "stand-in")}


def install_fake_grade() -> None:
    if "clonus.grade" in sys.modules:
        return
    try:
        importlib.import_module("clonus.grade")
    except ModuleNotFoundError:
        mod = types.ModuleType("clonus.grade")
        mod.grade_all = _fake_grade_all
        sys.modules["clonus.grade"] = mod


def fake_analyse(path: Path):
    """Read the capture CSV and count dorsiflexion peaks after the stretch."""
    from scipy.signal import find_peaks

    from clonus.exceptions import FileFormatError
    from clonus.web.analysis import Analysis

    try:
        with open(path) as fh:
            header = fh.readline().strip().split(",")
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    except (ValueError, UnicodeDecodeError, OSError):
        raise FileFormatError(f"{path.name}: not a recording clonus can read.") from None
    if header[0] != "time_s" or data.shape[1] != len(header) or len(data) < 10:
        raise FileFormatError(f"{path.name}: not a recording clonus can read.")
    t = data[:, 0]
    fs = float(round(1 / np.median(np.diff(t))))
    rec = Recording.from_array(data[:, 1:].T, fs=fs,
                               names=["gyro_x", "gyro_y", "gyro_z", "acc_x", "acc_y", "acc_z"],
                               kinds=["gyro"] * 3 + ["acc"] * 3,
                               units=["rad/s"] * 3 + ["m/s^2"] * 3)
    angle = np.rad2deg(np.cumsum(data[:, 1]) / fs)
    onset = int(np.argmax(angle > 0.1 * angle.max()))
    peaks, _ = find_peaks(angle, prominence=0.5, distance=max(1, int(0.08 * fs)))
    stretch_peak = peaks[np.argmax(angle[peaks] > 0.5 * angle.max())]
    peaks = peaks[peaks > stretch_peak]  # the stretch's own peak is not a beat
    stretch = onset
    times = t[peaks]
    beats = tuple(Beat(float(tt), 1.0, None if i == 0 else float(tt - times[i - 1]))
                  for i, tt in enumerate(times))
    n = len(beats)
    freq = float(1 / np.median(np.diff(times))) if n >= 3 else None
    dur = float(times[-1] - times[0]) if n >= 2 else 0.0
    from clonus.grade import grade_all

    a = Assessment(n_beats=n, beats=beats, amplitude_unit="deg", frequency_hz=freq,
                   clonus_duration_s=dur, sustained=False, stretch_onset_s=float(t[stretch]),
                   classification="clonus" if n >= 3 else "no_clonus", reason="stand-in",
                   grades=grade_all(n_beats=n, duration_s=dur, sustained=False),
                   pathological=n >= 3, channel="gyro", fs_hz=fs, software_version="test",
                   trace=Trace(t, angle, "deg", "angle"))
    return Analysis(recording=rec, assessment=a, file_format="capture-csv")
