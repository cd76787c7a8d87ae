"""NeuroKit2 peer, run in its own environment (neurokit2 pins pandas<3; see README.md).

Usage: /work/venv-nk/bin/python benchmarks/emg/nk_peer.py EXCERPT.npy FS
Prints one JSON line: seconds for emg_clean + emg_amplitude + emg_activation, and the number of
activations found.
"""

import json
import sys
import time

import neurokit2 as nk
import numpy as np

x = np.load(sys.argv[1])
fs = float(sys.argv[2])
t0 = time.perf_counter()
cleaned = nk.emg_clean(x, sampling_rate=fs)
amp = nk.emg_amplitude(cleaned)
act, info = nk.emg_activation(emg_amplitude=amp, sampling_rate=fs)
elapsed = time.perf_counter() - t0
print(
    json.dumps(
        {
            "elapsed_s": elapsed,
            "n_samples": int(x.size),
            "n_activations": int(len(info.get("EMG_Onsets", []))),
            "neurokit2": nk.__version__,
        }
    )
)
