"""Generate the 24 h, 1 kHz, single-channel EDF used by bench_monitor.py (once, git-ignored).

Each hour is quiet calf EMG (3 uV noise, 10 uV mains at 50 Hz, 50 uV ECG) with one block of
labelled spasms from :func:`clonus.simulate.spasms.simulate_spasm_emg` (one event of each
class) placed at a random time. Written hour by hour with pyedflib (16-bit, +-10 mV, uV).

Usage: PYTHONPATH=src python benchmarks/emg/make_24h_edf.py [OUT.edf] [HOURS]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyedflib

from clonus.simulate.spasms import simulate_spasm_emg

FS = 1000


def main(out: Path, hours: int = 24) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    w = pyedflib.EdfWriter(str(out), 1, file_type=pyedflib.FILETYPE_EDFPLUS)
    w.setSignalHeaders(
        [
            {
                "label": "EMG soleus",
                "dimension": "uV",
                "sample_frequency": FS,
                "physical_max": 10000.0,
                "physical_min": -10000.0,
                "digital_max": 32767,
                "digital_min": -32768,
                "transducer": "",
                "prefilter": "",
            }
        ]
    )
    rng = np.random.default_rng(24)
    for h in range(hours):
        t = np.arange(3600 * FS) / FS
        x = 3.0 * rng.standard_normal(t.size) + 10.0 * np.sin(2 * np.pi * 50 * t)
        s = simulate_spasm_emg(fs=FS, seed=h, n_per_kind=1)
        ev = s.recording.data[0] * 1e6
        at = int(rng.integers(0, t.size - ev.size))
        x[at : at + ev.size] = ev
        w.writeSamples([x])
        print(f"hour {h + 1}/{hours}", flush=True)
    w.close()
    return out


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[2]
    p = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else root / "benchmarks" / "_data" / "emg_24h_1khz.edf"
    )
    main(p, int(sys.argv[2]) if len(sys.argv) > 2 else 24)
