"""The peak-picking low-pass rings beside a steep movement; its ripples are not beats.

Voluntary toe tapping on a goniometer (negatives benchmark, ``foot_tapping``: truth "not
clonus", the toes rest on the floor, at 0 deg, between the taps). The 7 Hz Butterworth low-pass
applied before peak picking rings after each toe is slapped down and before it is lifted again,
putting a ~1 deg ripple on the flat angle between the taps. Those ripples used to be counted as
every second "beat" (beat median 1.5 deg against 18 deg taps, counted at 5.2 Hz); they are now
recognised on the ringing-free (Gaussian) angle and left out (``metrics.ringing_peaks_s``), so
the taps themselves are judged and the direct tapping rule (every beat back down at the rest
level, as large as the first lift) recognises them. Simulated clonus (reflex simulator, six
seeds x 200 trials) keeps every beat: see docs/benchmarks.md.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

import clonus

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks" / "negatives"))
from generators import make_case  # noqa: E402


def test_ripples_between_goniometer_taps_are_not_beats():
    rec, params = make_case("foot_tapping", 1473691624)
    assert params["sensor"] == "goniometer" and rec.fs == 60.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = clonus.assess(rec)
    assert a.classification == "rhythmic_not_clonus", a.reason
    ring = np.asarray(a.metrics["ringing_peaks_s"])
    # 2.5 Hz taps from 1.25 s to 5.9 s: a ripple on the floor between each pair
    assert len(ring) >= 8
    cp = params["category_params"]
    assert np.all((ring > cp["start_s"]) & (ring < cp["end_s"] + 0.5))
    # ground truth: where a ripple was dropped, the goniometer itself reads the floor - within
    # its 0.3 deg noise (+ quantisation and slow sway) of the rest level - while a tap lifts
    # the toes by amp_deg (18 deg)
    x = np.degrees(rec.data[0])
    t = np.arange(len(x)) / rec.fs
    rest = float(np.median(x[t < cp["start_s"] - 0.2]))
    for tr in ring:
        near = np.abs(t - tr) <= 0.03
        assert np.all(np.abs(x[near] - rest) < 1.5), (tr, x[near] - rest)
    # the taps are what is judged now: the beats are as large as the first lift and all come
    # back to the rest level (the ripples had made the median beat 1.5 deg)
    assert "every beat comes back down to the rest level" in a.reason, a.reason
    assert a.metrics["beat_bottoms"]["top_sd_deg"] > 4 * a.metrics["beat_bottoms"]["bottom_sd_deg"]
