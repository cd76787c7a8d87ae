"""Fixtures for the EMG tests: synthetic spasm recordings and the real gait EMG."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from clonus.model import Recording
from clonus.simulate.spasms import simulate_spasm_emg


@pytest.fixture(scope="session")
def spasm_sets():
    """Synthetic recordings at 1 kHz (the long-term logger's rate), 6 seeds x 12 events."""
    return [
        simulate_spasm_emg(fs=1000.0, seed=s, n_per_kind=2, ecg_amplitude_v=50e-6) for s in range(6)
    ]


@pytest.fixture(scope="session")
def gait_emg(real_data) -> tuple[Recording, np.ndarray]:
    return load_gait_emg(real_data)


def load_gait_emg(real_dir) -> tuple[Recording, np.ndarray]:
    """The Santuz et al. 2020 treadmill EMG (13 muscles, 1 kHz, uV) and its 6 gait cycles.

    Read with ``rdata`` until the io helper's reader is merged.
    """
    rdata = pytest.importorskip("rdata")
    path = real_dir / "gait_emg_13_muscles" / "RAW_DATA.RData"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdata: missing constructor for the R class "EMG"
        obj = (
            rdata.read_rdata(str(path))
            if hasattr(rdata, "read_rdata")
            else rdata.conversion.convert(rdata.parser.parse_file(str(path)))
        )
    trial = obj["RAW_DATA"]["ID0012_TW_01"]
    emg = trial["emg"]
    t = emg["time"].to_numpy()
    names = [c for c in emg.columns if c != "time"]
    fs = 1.0 / float(np.median(np.diff(t)))
    data = emg[names].to_numpy().T * 1e-6  # uV -> V
    rec = Recording.from_array(
        data, fs=round(fs), names=names, kinds="emg", units="V", source=str(path)
    )
    cycles = trial["cycles"].to_numpy() - t[0]  # touchdown, lift-off, s from first sample
    return rec, cycles
