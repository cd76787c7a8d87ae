"""A rhythm judged not to be clonus keeps its frequency (metrics.rhythm_frequency_hz), and the
summary table shows it, while frequency_hz stays the clonus beats' (null without them)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from motion_synth import clean_angle, make_recording

from clonus.cli.main import main
from clonus.report.tables import measure_rows


def _tremor_csv(tmp_path, rng, tremor_hz):
    t, th, _ = clean_angle(duration_s=6.0, freq_hz=5.0, n_beats=0, amp_deg=0.0,
                           stretch_deg=0.0, tremor_hz=tremor_hz, tremor_deg=2.0)
    rec = make_recording(t, th, fs=200.0, sensor="gyro", rng=rng)
    p = tmp_path / "tremor.csv"
    cols = ["time_s"] + [f"{n} (rad/s)" for n in rec.ch_names]
    np.savetxt(p, np.vstack([rec.times_s, rec.data]).T, delimiter=",",
               header=",".join(cols), comments="", fmt="%.7g")
    return p, rec


@pytest.mark.parametrize("tremor_hz", [4.5, 6.5])
def test_tremor_frequency_is_reported_but_not_as_clonus_frequency(tmp_path, rng, capsys,
                                                                  tremor_hz):
    p, rec = _tremor_csv(tmp_path, rng, tremor_hz)
    assert main(["assess", str(p), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["classification"] == "rhythmic_not_clonus"
    assert d["frequency_hz"] is None and d["n_beats"] == 0
    assert d["metrics"]["rhythm_frequency_hz"] == pytest.approx(tremor_hz, abs=0.15)
    assert main(["assess", str(p)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "Frequency" in line)
    shown = re.search(r"\(the rhythm judged not clonus: ([0-9.]+) Hz\)", row)
    assert shown and float(shown.group(1)) == pytest.approx(tremor_hz, abs=0.15)


def test_report_measures_show_the_rhythm_frequency(rng):
    import clonus

    t, th, _ = clean_angle(duration_s=6.0, freq_hz=5.0, n_beats=0, amp_deg=0.0,
                           stretch_deg=0.0, tremor_hz=5.5, tremor_deg=2.0)
    a = clonus.assess(make_recording(t, th, fs=200.0, sensor="gyro", rng=rng))
    rows = {name: value for name, value, _ in measure_rows(a)}
    assert rows["Frequency"] == "not available"
    assert float(rows["Rhythm frequency (not clonus)"].split()[0]) == pytest.approx(5.5, abs=0.15)
