"""A small simulated study on disk: two subjects, sessions, sides, and one corrupt file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest


@dataclass(frozen=True)
class Study:
    root: Path
    files: list[Path]  # readable recordings, sorted by relative path
    corrupt: Path
    truth: dict[str, int]  # relative path -> true number of beats (simulator)


def write_csv(path: Path, rec) -> None:
    """Generic CSV (time column + units in the headers) readable by clonus.read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    units = {"gyro": "rad/s", "acc": "m/s^2", "angle": "rad"}
    head = ["time_s"] + [f"{c.name} ({units[c.kind]})" for c in rec.channels]
    data = np.vstack([rec.times_s, rec.data]).T
    np.savetxt(path, data, delimiter=",", header=",".join(head), comments="", fmt="%.7g")


@pytest.fixture(scope="session")
def study(tmp_path_factory: pytest.TempPathFactory) -> Study:
    simulate = pytest.importorskip("clonus.simulate")
    root = tmp_path_factory.mktemp("study")
    plan = [  # (relative path, simulator arguments); 6 s at 100 Hz keeps the suite fast
        ("sub-01/ses-1/left.csv", {"gain_ratio": None, "seed": 1}),
        ("sub-01/ses-1/right.csv", {"gain_ratio": 0.5, "seed": 2}),
        ("sub-01/ses-2/left.csv", {"gain_ratio": None, "seed": 3}),
        ("sub-02/ses-1/left.csv", {"gain_ratio": 0.4, "seed": 4}),
    ]
    files, truth = [], {}
    for rel, kw in plan:
        trial = simulate.simulate_trial(mode="held", duration_s=6.0, fs_imu_hz=100.0, **kw)
        write_csv(root / rel, trial.recording)
        files.append(root / rel)
        truth[rel] = trial.truth.n_beats
    corrupt = root / "sub-02" / "ses-1" / "right.edf"
    corrupt.write_bytes(b"0       garbage header that is not EDF" + bytes(range(256)) * 4)
    (root / "README.txt").write_text("study notes, not a recording\n")
    return Study(root, files, corrupt, truth)
