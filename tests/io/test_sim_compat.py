"""The simulator's files read back (runs once clonus.simulate is merged; skipped before)."""

from __future__ import annotations

import numpy as np
import pytest

import clonus
from clonus.io import write_edf, write_phyphox_zip


def test_simulated_trial_round_trip(tmp_path) -> None:
    simulate = pytest.importorskip("clonus.simulate")
    trial = simulate.simulate_trial(mode="held", gain_ratio=1.3, duration_s=3.0, seed=0,
                                    sensors=("imu", "goniometer", "emg"))
    rec = trial.recording
    motion = rec.pick(kind=("gyro", "acc", "angle"))
    back = clonus.read(write_phyphox_zip(tmp_path / "sim.zip", motion))
    assert back.ch_names == motion.ch_names
    assert [c.kind for c in back.channels] == [c.kind for c in motion.channels]
    assert back.fs == pytest.approx(motion.fs, rel=1e-6)
    # 10 significant digits in the CSV: differences far below any sensor noise
    np.testing.assert_allclose(back.data, motion.data[:, :back.n_samples], rtol=1e-8, atol=1e-9)
    emg = rec.pick(kind="emg")
    back_emg = clonus.read(write_edf(tmp_path / "sim.edf", emg))
    assert [c.kind for c in back_emg.channels] == ["emg"] * emg.n_channels
    step = 1.01 * np.ptp(emg.data, axis=1) / 65535  # one 16-bit quantisation step
    n = emg.n_samples
    assert np.all(np.abs(back_emg.data[:, :n] - emg.data).max(axis=1) <= step)


def test_list_channels(tmp_path) -> None:
    from io_builders import delsys_csv

    info = clonus.list_channels(delsys_csv(tmp_path))
    assert [(c["name"], c["kind"], c["fs_hz"]) for c in info] == [
        ("EMG 1", "emg", 1000.0), ("ACC.X 1", "acc", 100.0)]
