"""Streaming monitor: exact at chunk borders, EDF streaming, scales, CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

from clonus.cli.main import main
from clonus.emg.bursts import detect_bursts, reject_heartbeat
from clonus.emg.monitor import monitor
from clonus.emg.scales import penn_frequency, snow_frequency
from clonus.simulate.spasms import simulate_spasm_emg


@pytest.fixture(scope="module")
def synth():
    return simulate_spasm_emg(fs=1000.0, seed=7, n_per_kind=1, ecg_amplitude_v=50e-6)


def test_chunked_equals_whole(synth):
    whole = reject_heartbeat(detect_bursts(synth.recording, reject_ecg=False))
    for chunk_s in (0.77, 13.0, 1e4):
        r = monitor(synth.recording, chunk_s=chunk_s)
        assert np.array_equal(r.bursts.onset_idx, whole.onset_idx)
        assert np.array_equal(r.bursts.offset_idx, whole.offset_idx)
        np.testing.assert_array_equal(r.bursts.rms, whole.rms)


def test_chunked_equals_whole_across_noise_blocks(synth):
    # Several 60 s noise blocks and a burst table spanning them.
    x = np.tile(synth.recording.data[0], 2)
    rec = synth.recording.__class__.from_array(x, fs=1000.0, names=["EMG"], kinds="emg", units="V")
    a = monitor(rec, chunk_s=31.7)
    b = monitor(rec, chunk_s=500.0)
    assert a.n_bursts == b.n_bursts > 0
    assert np.array_equal(a.bursts.onset_idx, b.bursts.onset_idx)
    assert [e.kind for e in a.episodes] == [e.kind for e in b.episodes]


def _write_edf(path, x_uv, fs):
    pyedflib = pytest.importorskip("pyedflib")
    w = pyedflib.EdfWriter(str(path), 2, file_type=pyedflib.FILETYPE_EDFPLUS)
    hdr = {
        "dimension": "uV",
        "sample_frequency": fs,
        "physical_max": 10000.0,
        "physical_min": -10000.0,
        "digital_max": 32767,
        "digital_min": -32768,
        "transducer": "",
        "prefilter": "",
    }
    w.setSignalHeaders([dict(hdr, label="ACC"), dict(hdr, label="EMG soleus")])
    w.writeSamples([np.zeros_like(x_uv), x_uv])
    w.close()


def test_edf_stream_matches_memory_and_json_contract(synth, tmp_path):
    fs = 1000
    x = synth.recording.data[0]
    n = (x.size // fs) * fs
    p = tmp_path / "long.edf"
    _write_edf(p, x[:n] * 1e6, fs)
    r = monitor(p, chunk_s=9.0)
    assert r.channel == "EMG soleus"
    # Same bursts as the in-memory signal quantised like the EDF (0.31 uV steps).
    q = np.round(x[:n] * 1e6 / (20000 / 65535)) * (20000 / 65535) * 1e-6
    rec = synth.recording.__class__.from_array(q, fs=fs, names=["EMG"], kinds="emg", units="V")
    m = monitor(rec)
    assert abs(r.n_bursts - m.n_bursts) <= 1
    rc = main(["monitor", str(p), "--json"])
    assert rc == 0


def test_cli_json(synth, tmp_path, capsys):
    fs = 1000
    x = synth.recording.data[0]
    n = (x.size // fs) * fs
    p = tmp_path / "c.edf"
    _write_edf(p, x[:n] * 1e6, fs)
    rc = main(["monitor", str(p), "--json", "--channel", "EMG soleus"])
    out = capsys.readouterr().out
    assert rc == 0
    d = json.loads(out)
    assert d["n_bursts"] == len(d["bursts"]) > 0
    assert {"onset_s", "offset_s", "rms"} <= set(d["bursts"][0])
    assert {"start_s", "end_s", "kind", "n_bursts", "frequency_hz"} <= set(d["episodes"][0])
    assert d["per_hour"][0]["n_spasms"] == d["n_spasms"]
    kinds = {e["kind"] for e in d["episodes"]}
    truth = {e.kind for e in synth.events}
    assert len(kinds & truth) >= 4


def test_cli_unknown_channel(synth, tmp_path, capsys):
    p = tmp_path / "c.edf"
    _write_edf(p, synth.recording.data[0][:10000] * 1e6, 1000)
    rc = main(["monitor", str(p), "--channel", "nope"])
    assert rc != 0
    assert "nope" in capsys.readouterr().err


@pytest.mark.parametrize(("rate", "level"), [(0, 0), (0.5, 2), (1.0, 2), (3, 3), (10, 3), (11, 4)])
def test_penn(rate, level):
    assert penn_frequency(rate).value == level  # clinical-reference.md 4.5 bands


@pytest.mark.parametrize(("n", "level"), [(0, 1), (1, 2), (3, 3), (5, 3), (7, 4), (10, 5), (40, 5)])
def test_snow(n, level):
    assert snow_frequency(n).value == level  # clinical-reference.md 4.6 bands


def test_progress_and_text_output(synth, tmp_path, capsys):
    calls = []
    r = monitor(synth.recording, chunk_s=20.0, progress=lambda d, t: calls.append((d, t)))
    n = synth.recording.n_samples
    assert calls[-1] == (n, n) and all(a[0] < b[0] for a, b in zip(calls, calls[1:], strict=False))
    assert r.duration_s == pytest.approx(n / 1000.0)
    p = tmp_path / "t.edf"
    _write_edf(p, synth.recording.data[0][: (n // 1000) * 1000] * 1e6, 1000)
    rc = main(["monitor", str(p)])
    out = capsys.readouterr().out
    assert rc == 0 and "Penn" in out and "Snow" in out and "hour  0" in out


def test_monitor_bad_input(synth, tmp_path):
    from clonus.emg.bursts import BurstConfig
    from clonus.emg.monitor import MonitorConfig
    from clonus.exceptions import InvalidParameterError

    x = synth.recording.data[0].copy()
    x[5000] = np.nan
    rec = synth.recording.__class__.from_array(x, fs=1000.0, names=["EMG"], kinds="emg", units="V")
    with pytest.raises(InvalidParameterError, match="NaN"):
        monitor(rec, chunk_s=3.0)
    with pytest.raises(InvalidParameterError, match="cannot be streamed"):
        monitor(
            synth.recording, config=MonitorConfig(bursts=BurstConfig(method="mummidisetty2012"))
        )
    with pytest.raises(InvalidParameterError, match="not found"):
        monitor(tmp_path / "missing.edf")
    with pytest.raises(InvalidParameterError):
        monitor(synth.recording, chunk_s=0)


def test_exact_when_activity_outlasts_the_carry_limit():
    from clonus.emg.bursts import BurstConfig
    from clonus.emg.monitor import MonitorConfig

    s = simulate_spasm_emg(fs=1000.0, kinds=("tonic",), n_per_kind=2, seed=4)
    # A carry limit far below the tonic spasms' 2-15 s forces cuts inside them.
    cfg = MonitorConfig(bursts=BurstConfig(max_carry_s=1.0, noise_block_s=7.0))
    runs = [monitor(s.recording, chunk_s=c, config=cfg) for c in (0.3, 2.9, 1e4)]
    for r in runs[1:]:
        assert np.array_equal(r.bursts.onset_idx, runs[0].bursts.onset_idx)
        assert np.array_equal(r.bursts.offset_idx, runs[0].bursts.offset_idx)
    assert np.max(runs[0].bursts.duration_s) <= 1.0 + 7.0  # cut within one block of the limit
