"""Long-recording motion monitor against ground truth: simulated spontaneous clonus embedded in
rest and real walking (gaitmap foot IMU, MIT), gyroscope and accelerometer-only."""

from __future__ import annotations

import json
import warnings
from dataclasses import replace

import numpy as np
import pytest
from motion_monitor_synth import build

from clonus.detect.motion_monitor import MotionMonitorConfig, monitor_motion
from clonus.exceptions import InvalidParameterError, SamplingRateError, SignalQualityError
from clonus.model import Recording

# quiet - clonus - quiet - real walking - quiet - clonus - quiet - clonus - quiet (~3 min).
# gain ratios 4, 6 and 10 give sustained held clonus of ~1, 2 and 5 deg p-p (docs/simulator.md).
PLAN = [("quiet", 30), ("clonus", 1, 6.0, 8.0), ("quiet", 20), ("gait",), ("quiet", 20),
        ("clonus", 2, 4.0, 10.0), ("quiet", 20), ("clonus", 3, 10.0, 6.0), ("quiet", 30)]


@pytest.fixture(scope="module")
def long_rec(real_data):
    return build(PLAN, rng=np.random.default_rng(7), real_data=real_data)


def _check_episodes(res, truth, *, start_tol_s, beat_tol):
    clon = [e for e in truth if e.kind == "clonus"]
    assert len(res.episodes) == len(clon), [(e.start_s, e.n_beats) for e in res.episodes]
    for e, tr in zip(res.episodes, clon, strict=True):
        assert abs(e.start_s - tr.clonus_start_s) <= start_tol_s, (e.start_s, tr.clonus_start_s)
        # 0.3 Hz: frequency tolerance of the brief; the simulated clonus is ~5 Hz
        assert abs(e.frequency_hz - tr.frequency_hz) <= 0.3, (e.frequency_hz, tr.frequency_hz)
        assert abs(e.n_beats - tr.n_beats) <= max(beat_tol, 0.1 * tr.n_beats), (
            e.n_beats, tr.n_beats)
        assert e.end_s <= tr.end_s + 0.5  # never runs into the quiet part after it
        assert e.label == "rhythmic_3_8hz" and "tremor" in e.note


def test_gyro_finds_every_episode_and_none_in_gait_or_rest(long_rec):
    rec, truth = long_rec
    res = monitor_motion(rec)
    assert res.sensor == "gyro" and res.amplitude_unit == "deg"
    # start within 0.5 s (brief; beat times of truth are the simulator's dorsiflexion peaks),
    # beats within 10 % or 2 (stretch-peak / last-cycle ambiguity at the episode ends)
    _check_episodes(res, truth, start_tol_s=0.5, beat_tol=2)
    # the simulated episodes start with the examiner-like push: found as triggered
    assert all(e.triggered for e in res.episodes)
    # amplitude grows with the gain (ratios 6, 4, 10): ordering, not values
    a = [e.amplitude for e in res.episodes]
    assert a[1] < a[0] < a[2]
    # walking produced candidate runs that were rejected as slow movement
    assert res.n_rejected["slow_movement"] >= 1


def test_accelerometer_only_finds_the_episodes(long_rec):
    rec, truth = long_rec
    res = monitor_motion(rec.pick(kind="acc"))
    assert res.sensor == "acc" and res.amplitude_unit == "m/s^2"
    assert any("no gyroscope" in w for w in res.warnings)
    # No trigger trimming without a gyroscope: the band-pass rings ~0.3 s ahead of the stretch
    # and its peak may count, so start within 0.5 s and beats within 10 % or 3.
    _check_episodes(res, truth, start_tol_s=0.5, beat_tol=3)
    assert not any(e.triggered for e in res.episodes)


@pytest.mark.requires_data
@pytest.mark.parametrize("kind", ["gyro", "acc"])
def test_real_walking_gives_no_episode(kind, real_data):
    import clonus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = clonus.read(real_data / "gaitmap_foot_imu" / "imu_sample.csv")
    for side in ("left_", "right_"):
        sub = rec.pick(channels=[c for c in rec.ch_names if c.startswith(side)])
        res = monitor_motion(sub.pick(kind=kind))
        assert res.episodes == [], (side, [(e.start_s, e.n_beats) for e in res.episodes])


@pytest.mark.requires_data
@pytest.mark.parametrize("kind", ["gyro", "acc"])
@pytest.mark.parametrize("name", ["imu_sample_ms_left.csv", "imu_sample_ms_right.csv"])
def test_fast_rhythmic_real_gait_rejected(name, kind, real_data):
    """The MS gaitmap samples cycle regularly at 4.4-4.7 Hz with ~22 deg p-p: rejected as a
    large movement. From the accelerometer alone the right foot's 29 m/s^2 cycles passed the
    fixed 30 m/s^2 cap; as an angle at 0.10 m (a = r w^2 theta) they are ~19 deg."""
    import clonus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = clonus.read(real_data / "gaitmap_foot_imu" / name)
    res = monitor_motion(rec.pick(kind=kind))
    assert res.episodes == []
    assert res.n_rejected["large_movement"] >= 1


def test_chunk_length_does_not_change_episodes(long_rec):
    rec, _ = long_rec
    a = monitor_motion(rec, chunk_s=600.0).episodes
    b = monitor_motion(rec, chunk_s=25.0).episodes
    assert len(a) == len(b) == 3
    for x, y in zip(a, b, strict=True):
        # same cycles; axis windows differ near chunk borders, so allow one cycle and 0.05 s
        assert abs(x.start_s - y.start_s) < 0.05 and abs(x.n_beats - y.n_beats) <= 1


def test_dropout_splits_and_is_reported(long_rec):
    rec, truth = long_rec
    ep = [e for e in truth if e.kind == "clonus"][1]  # 10 s episode
    mid = 0.5 * (ep.clonus_start_s + ep.clonus_end_s)
    d = rec.data.copy()
    i = int(mid * rec.fs)
    d[:, i : i + 50] = np.nan  # 0.5 s dropout
    res = monitor_motion(replace(rec, data=d))
    assert any("dropouts" in w for w in res.warnings)
    inside = [e for e in res.episodes if ep.start_s <= e.start_s <= ep.end_s]
    assert len(inside) == 2  # never bridged across the gap
    assert all(not (e.start_s < mid < e.end_s) for e in inside)
    # a timestamp pause listed by the reader does the same
    md = {**rec.metadata, "gap_intervals_s": [[mid, 0.2]]}
    res2 = monitor_motion(replace(rec, metadata=md))
    assert all(not (e.start_s < mid < e.end_s) for e in res2.episodes)
    assert any("1 timestamp pause" in w for w in res2.warnings)


def test_json_and_counts_per_hour(long_rec):
    rec, truth = long_rec
    res = monitor_motion(rec)
    d = json.loads(json.dumps(res.to_dict()))
    assert d["kind"] == "motion" and d["n_episodes"] == 3
    hours = rec.n_samples / rec.fs / 3600
    assert d["episodes_per_hour"] == pytest.approx(3 / hours)
    assert d["per_hour"][0]["n_episodes"] == 3
    true_time = sum(e.clonus_end_s - e.clonus_start_s for e in truth if e.kind == "clonus")
    assert d["time_in_episodes_s"] == pytest.approx(true_time, abs=1.5)  # 3 x 0.5 s start tol
    assert d["config"]["band_hz"] == [3.0, 8.0]


def _gyro_rec(n, fs):
    return Recording.from_array(np.zeros((3, n)), fs=fs, names=["gx", "gy", "gz"],
                                kinds="gyro", units="rad/s")


def test_bad_input_errors():
    with pytest.raises(SamplingRateError, match="25 Hz"):
        monitor_motion(_gyro_rec(2000, 20.0))
    with pytest.raises(SignalQualityError, match="window_s"):
        monitor_motion(_gyro_rec(500, 100.0))
    emg = Recording.from_array(np.zeros((1, 20000)), fs=1000.0, names=["emg"], kinds="emg",
                               units="V")
    with pytest.raises(InvalidParameterError, match="no gyroscope or accelerometer"):
        monitor_motion(emg)
    with pytest.raises(InvalidParameterError):
        MotionMonitorConfig(band_hz=(8.0, 3.0))


def test_noise_only_gives_no_episode(rng):
    fs = 100.0
    x = rng.normal(0.0, np.radians(0.5), (3, int(600 * fs)))
    res = monitor_motion(Recording.from_array(x, fs=fs, names=["gx", "gy", "gz"], kinds="gyro",
                                              units="rad/s"))
    assert res.episodes == [] and res.per_hour()[0]["n_episodes"] == 0


def test_cli_motion(tmp_path, capsys, long_rec):
    import pandas as pd

    from clonus.cli.main import main

    rec, truth = long_rec
    g = rec.pick(kind="gyro").data
    t = np.arange(g.shape[1]) / rec.fs
    p = tmp_path / "foot.csv"
    pd.DataFrame({"time_s": t, **{f"gyro_{a} (rad/s)": g[k] for k, a in enumerate("xyz")}}
                 ).to_csv(p, index=False)
    assert main(["monitor", str(p), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["kind"] == "motion" and d["n_episodes"] == 3
    assert main(["monitor", str(p)]) == 0
    out = capsys.readouterr().out
    assert "rhythmic_3_8hz" in out and "hour  0:" in out and "tremor" in out
    assert main(["monitor", str(p), "--kind", "nope"]) != 0
    assert "--kind" in capsys.readouterr().err


def test_handling_like_irregular_movement_gives_no_episode(rng):
    """2 min of large irregular movement (phone/limb handling: 0.2-3 Hz random rotation of
    ~100 deg/s RMS about a wandering axis, plus 30 random knocks), then rest."""
    from scipy.signal import butter, sosfiltfilt

    fs = 100.0
    n = int(120 * fs)
    sos = butter(4, 3.0, fs=fs, output="sos")
    w = sosfiltfilt(sos, rng.normal(0.0, 1.0, (3, n)), axis=1)
    w *= np.radians(100.0) / w.std()
    knocks = rng.integers(0, n - 10, 30)
    for k in knocks:
        w[:, k : k + 5] += np.radians(rng.normal(0.0, 300.0, (3, 1)))
    rest = rng.normal(0.0, np.radians(0.3), (3, int(60 * fs)))
    rec = Recording.from_array(np.hstack([w, rest]), fs=fs, names=["gx", "gy", "gz"],
                               kinds="gyro", units="rad/s")
    res = monitor_motion(rec)
    assert res.episodes == [], [(e.start_s, e.n_beats, e.slow_ratio) for e in res.episodes]


def test_episode_clock_time(long_rec):
    from datetime import datetime

    rec, truth = long_rec
    t0 = datetime(2026, 3, 1, 22, 0, 0)
    d = monitor_motion(replace(rec, start_time=t0)).to_dict()
    first = [e for e in truth if e.kind == "clonus"][0]
    clock = datetime.fromisoformat(d["episodes"][0]["start_clock"])
    assert abs((clock - t0).total_seconds() - first.clonus_start_s) <= 0.5


@pytest.mark.parametrize("window_s", [34.0, 60.0])  # borders at 34 and 120 s cut episodes
def test_windows_give_the_whole_recordings_episodes(long_rec, window_s):
    """Window by window (for files too long to hold in memory) with overlaps: the same episodes
    as the whole recording, each once, also where a window border cuts through one."""
    from clonus.detect.motion_monitor import monitor_motion_windows

    rec, truth = long_rec
    whole = monitor_motion(rec)
    reads = []

    def read(a, d):
        reads.append((a, d))
        return rec.crop(a, a + d)

    res = monitor_motion_windows(read, rec.duration_s, window_s=window_s, overlap_s=20.0)
    assert len(reads) == int(np.ceil(rec.duration_s / window_s)) >= 3
    assert max(d for _, d in reads) <= window_s + 40.0 + 1e-9
    _check_episodes(res, truth, start_tol_s=0.5, beat_tol=2)
    for x, y in zip(res.episodes, whole.episodes, strict=True):
        assert abs(x.start_s - y.start_s) < 0.1 and abs(x.n_beats - y.n_beats) <= 1
    assert res.duration_s == rec.duration_s
    assert res.to_dict()["n_episodes"] == len(whole.episodes)


def test_cli_reads_a_long_cwa_file_window_by_window(tmp_path, capsys, long_rec, monkeypatch):
    """``clonus monitor`` on an Axivity file above 64 MB (here: the limit lowered) reads it
    window by window with start_s/duration_s and finds what the whole read finds."""
    import sys
    from pathlib import Path

    import clonus.cli.commands.monitor as mon
    import clonus.io
    import clonus.io._cwa as cwa
    from clonus.cli.main import main

    sys.path.insert(0, str(Path(__file__).parents[1] / "io"))
    from cwa_builder import CwaSpec, write_cwa

    rec, _ = long_rec
    p = write_cwa(tmp_path / "long.cwa", CwaSpec(acc_g=rec.pick(kind="acc").data / 9.80665,
                                                 gyro_dps=np.degrees(rec.pick(kind="gyro").data)))
    assert main(["monitor", str(p), "--json"]) == 0
    whole = json.loads(capsys.readouterr().out)
    assert whole["n_episodes"] == 3
    windows = []
    real_read = clonus.io.read

    def spy(path, **kw):
        windows.append((kw.get("start_s"), kw.get("duration_s")))
        return real_read(path, **kw)

    monkeypatch.setattr(clonus.io, "read", spy)
    monkeypatch.setattr(cwa, "SUMMARY_MIN_BYTES", 0)
    monkeypatch.setattr(mon, "CWA_WINDOW_S", 34.0)
    assert main(["monitor", str(p), "--json"]) == 0
    win = json.loads(capsys.readouterr().out)
    assert len(windows) == 6 and all(a is not None and d <= 34.0 + 2 * 300.0 for a, d in windows)
    assert win["n_episodes"] == 3 and win["duration_s"] == pytest.approx(whole["duration_s"],
                                                                         abs=0.05)
    for x, y in zip(win["episodes"], whole["episodes"], strict=True):
        assert abs(x["start_s"] - y["start_s"]) < 0.1 and abs(x["n_beats"] - y["n_beats"]) <= 1


def test_windows_count_rejections_and_dropouts_once(long_rec):
    """Rejected runs and dropouts in the overlaps belong to one window: the windowed dropout
    time matches the whole read's, and each rejected run is counted once, by the window its
    start falls in. Summing every window's own totals counted the overlaps twice (a dropout
    cut by a border, the walking runs read by two windows). Candidate runs chain (merge) with
    their neighbours, so a window can see fewer, longer runs than the whole read: the counts
    are compared as "none invented, none twice", not as equal."""
    from clonus.detect.motion_monitor import monitor_motion_windows

    rec, _ = long_rec
    data = np.array(rec.data, dtype=float)
    i = np.searchsorted(rec.times_s, [33.0, 36.0, 100.0, 101.0])
    data[:, i[0] : i[1]] = np.nan  # cut by the border at 34 s
    data[:, i[2] : i[3]] = np.nan
    rec = replace(rec, data=data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole = monitor_motion(rec)
        res = monitor_motion_windows(lambda a, d: rec.crop(a, a + d), rec.duration_s,
                                     window_s=34.0, overlap_s=20.0)
    assert whole.invalid_s > 4.0  # 4 s of NaN plus margins
    assert res.invalid_s == pytest.approx(whole.invalid_s, abs=0.05)
    assert len(res.invalid_intervals_s) == len(whole.invalid_intervals_s) == 2
    n_whole = sum(whole.n_rejected.values())
    assert n_whole >= 3  # the walking part
    assert 1 <= sum(res.n_rejected.values()) <= n_whole
    assert len(res.rejected_runs) == sum(res.n_rejected.values())
    starts = [s for s, _ in res.rejected_runs]
    assert len(set(np.round(starts, 1))) == len(starts)  # none twice
    for s, _ in res.rejected_runs:  # none invented
        assert min(abs(s - w) for w, _ in whole.rejected_runs) < 1.0, (s, whole.rejected_runs)


def test_two_feet_warns_and_the_other_foot_by_prefix(long_rec, tmp_path, capsys):
    """A two-foot IMU file: the first sensor is monitored and the warning names the other;
    ``clonus monitor --channel right`` monitors the foot with the clonus."""
    from clonus.cli.main import main

    rec, truth = long_rec
    n = rec.n_samples
    rng = np.random.default_rng(3)
    still = np.vstack([rng.normal(0, 0.005, (3, n)),
                       np.array([[0.0], [0.0], [9.81]]) + rng.normal(0, 0.02, (3, n))])
    names = [f"{side}_{k}_{ax}" for side in ("left", "right") for k in ("gyr", "acc")
             for ax in "xyz"]
    data = np.vstack([still, rec.pick(kind="gyro").data, rec.pick(kind="acc").data])
    both = Recording.from_array(data, fs=rec.fs, names=names,
                                kinds=(["gyro"] * 3 + ["acc"] * 3) * 2,
                                units=(["rad/s"] * 3 + ["m/s^2"] * 3) * 2)
    res = monitor_motion(both)
    assert res.episodes == []  # the still left foot
    assert any("2 gyro sensors (left, right)" in w and "--channel right" in w
               for w in res.warnings)
    p = tmp_path / "both.csv"
    head = "time_s," + ",".join(
        f"{nm} ({'rad/s' if '_gyr_' in nm else 'm/s^2'})" for nm in names)
    np.savetxt(p, np.column_stack([both.times_s, both.data.T]), delimiter=",", header=head,
               comments="", fmt="%.6g")
    assert main(["monitor", str(p), "--channel", "right", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["channels"][0].startswith("right_")
    assert d["n_episodes"] == len([e for e in truth if e.kind == "clonus"])
