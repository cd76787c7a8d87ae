"""The independent benchmark's generator (benchmarks/independent) still makes valid trials: a
truth, a recording, and a CSV that ``clonus.read`` reads back. Only invariants of the generator
are checked here; the detector's accuracy on it is the benchmark's business (run.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import clonus

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks" / "independent"))
from generator import make_trial, to_recording, write_csv  # noqa: E402


@pytest.mark.parametrize(("seed", "sensor", "fs_hz"), [(1000, "gonio_deg", 100),
                                                      (1001, "imu_deg_g", 60),
                                                      (1002, "acc_only", 50)])
def test_trial_recording_and_csv(seed, sensor, fs_hz, tmp_path):
    tr = make_trial(seed, sensor=sensor, fs_hz=fs_hz)
    truth = tr.truth
    if tr.scenario == "neg_tremor":
        assert truth["n_beats"] is None and truth["expected_class"] == "not_clonus"
    else:
        assert truth["n_beats"] >= 0
        assert truth["n_beats_lenient"] >= truth["n_beats"]
        assert len(truth["beat_times"]) == truth["n_beats"]
        assert truth["expected_class"] == ("clonus" if truth["n_beats"] >= 3 else "no_clonus")
    assert np.all(np.diff(truth["beat_times"]) > 0)

    rec = to_recording(tr)
    assert rec.fs == fs_hz > 0
    assert rec.n_samples == tr.t_uniform_s.size and np.isfinite(rec.data).all()

    path = tmp_path / f"trial_{seed}.csv"
    header = write_csv(tr, path)
    back = clonus.read(path)
    assert back.n_samples == tr.t_jitter_s.size
    assert sorted(c.kind for c in back.channels) == sorted(c.kind for c in rec.channels)
    assert back.fs == pytest.approx(fs_hz, rel=0.02)
    assert len(header) == 1 + len(rec.channels)

    again = make_trial(seed, sensor=sensor, fs_hz=fs_hz)  # a seed is a trial
    assert again.truth == truth and np.array_equal(to_recording(again).data, rec.data)
