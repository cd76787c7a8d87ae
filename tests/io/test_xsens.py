"""Xsens / Movella exports (DOT app CSV, MT Manager ASCII, preamble-less SDK CSV): units per
dialect, SampleTimeFine units and wrap-around, lost packets, DOT's zero packet 0, DeviceTag
privacy. Layouts are unverified on licensed exports; the builders follow exports seen in
public repositories and the units follow the Xsens manuals (see docs/formats.md)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import pytest
from io_builders import DOT_STF0, FS_DOT, T_DOT, T, X, Y, Z, xsens_dot_csv, xsens_mt_txt

import clonus
from clonus.exceptions import FileFormatError, UnitWarning


def _drop_rows(first: int, n: int):
    def f(text: str) -> str:
        lines = text.split("\n")
        return "\n".join(lines[:first] + lines[first + n:])
    return f


def test_dot_units_time_and_zero_packet(tmp_path) -> None:
    rec = clonus.read(xsens_dot_csv(tmp_path))
    assert clonus.io.detect_format(xsens_dot_csv(tmp_path)) == "xsens"
    assert rec.ch_names == ["euler_x", "euler_y", "euler_z", "acc_x", "acc_y", "acc_z",
                            "gyro_x", "gyro_y", "gyro_z"]
    kinds = {c.name: (c.kind, c.unit, c.orig_unit) for c in rec.channels}
    assert kinds["gyro_x"] == ("gyro", "rad/s", "deg/s")  # DOT manual: angular velocity deg/s
    assert kinds["acc_x"] == ("acc", "m/s^2", "m/s^2")
    assert kinds["euler_x"] == ("misc", "rad", "deg")  # orientation, not a joint angle
    # packet 0 (all-zero inertial data) is dropped: 199 samples remain
    assert rec.metadata["dropped_zero_rows"] == 1 and rec.n_samples == 199
    # SampleTimeFine steps of 16 667 / 16 666 us are 60 Hz (the manual's own example:
    # "at 60 Hz the interval between two SampleTimeFine is 16667 us")
    assert rec.fs == pytest.approx(FS_DOT, rel=1e-5) and rec.metadata["resampled"] is False
    assert rec.metadata["time_unit"] == "us" and rec.metadata["nominal_fs_hz"] == 60.0
    np.testing.assert_allclose(rec.get("gyro_x"), X[1:], atol=1e-7)  # 8 decimals of deg/s
    np.testing.assert_allclose(rec.get("acc_z"), 9.81 * Z[1:], atol=1e-7)
    np.testing.assert_allclose(rec.get("euler_x"), np.radians(10 * X[1:]), atol=1e-7)
    # StartTime is packet 0's local time; the first kept sample is one interval later
    want = datetime(2021, 8, 20, 20, 21, 13, 804000) + timedelta(seconds=T_DOT[1])
    assert abs((rec.start_time - want).total_seconds()) < 1e-6
    assert rec.tz_is_local is True and rec.metadata["utc_offset"] == "+08:00"


def test_mt_manager_export(tmp_path) -> None:
    rec = clonus.read(xsens_mt_txt(tmp_path))
    assert rec.metadata["dialect"] == "mtmanager"
    assert rec.ch_names == ["acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z"]
    # MTw manual: Gyr in rad/s; SampleTimeFine in 10 kHz ticks (steps of 100 = 100 Hz)
    assert rec.channels[3].orig_unit == "rad/s"
    assert rec.fs == pytest.approx(100.0, rel=1e-9) and rec.n_samples == 200
    np.testing.assert_allclose(rec.get("gyro_y"), Y, atol=1e-6)
    assert rec.metadata["skipped_columns"] == ["Mat[1][1]"]  # empty UTC columns ignored
    assert rec.start_time is None  # "Start Time: Unknown"


def test_mt_manager_counter_time_and_wrap(tmp_path) -> None:
    def no_stf(text: str) -> str:
        lines = text.split("\n")
        out = lines[:6]
        for k, ln in enumerate(lines[6:]):
            if not ln:
                continue
            cells = ln.split("\t")
            cells[0] = f"{(65530 + k) % 65536:05d}"  # the 16-bit counter wraps after 6 rows
            cells[1] = ""
            out.append("\t".join(cells))
        return "\n".join(out) + "\n"
    p = xsens_mt_txt(tmp_path, mutate=no_stf)
    rec = clonus.read(p)
    assert rec.metadata["time_unit"] == "PacketCounter / 100 Hz"
    assert rec.fs == pytest.approx(100.0) and rec.n_samples == 200
    assert "lost_packets" not in rec.metadata  # the wrap is not a loss
    q = tmp_path / "norate.txt"
    q.write_text(p.read_text().replace("// Update Rate: 100.0Hz\n", ""))
    with pytest.raises(FileFormatError, match="Pass fs="):
        clonus.read(q)
    assert clonus.read(q, fs=50.0).fs == pytest.approx(50.0)


def test_lost_packets_are_gaps(tmp_path) -> None:
    p = xsens_dot_csv(tmp_path, mutate=_drop_rows(12 + 100, 5))
    rec = clonus.read(p)
    md = rec.metadata
    assert md["lost_packets"] == 5 and md["gaps"] == 1 and md["resampled"] is True
    assert md["max_gap_s"] == pytest.approx(6 / FS_DOT, rel=1e-3)
    # listed for the detectors: from packet 99 (98 intervals after packet 1), 6 intervals long
    [[gap_start, gap_len]] = md["gap_intervals_s"]
    assert gap_start == pytest.approx(98 / FS_DOT, abs=1e-4)
    assert gap_len == pytest.approx(6 / FS_DOT, abs=1e-4)
    # the grid still spans the recording: 200 rows - packet 0 - 5 lost = 194 kept, + 5 bridged
    assert rec.n_samples == pytest.approx(194 + 5, abs=1)


def test_sample_time_fine_wraps(tmp_path) -> None:
    # the DOT microsecond clock wraps at 2**32 us (about 72 min): start 0.5 s before it
    start = 2 ** 32 - 500_000

    def shift(text: str) -> str:
        out = []
        for ln in text.split("\n"):
            cells = ln.split(",")
            if len(cells) == 11 and cells[1].isdigit():
                cells[1] = str((int(cells[1]) - DOT_STF0 + start) % 2 ** 32)
            out.append(",".join(cells))
        return "\n".join(out)
    rec = clonus.read(xsens_dot_csv(tmp_path, mutate=shift))
    assert rec.fs == pytest.approx(FS_DOT, rel=1e-5) and rec.n_samples == 199


def test_plain_sdk_csv_gyro_unit_unknown(tmp_path) -> None:
    lines = ["PacketCounter,SampleTimeFine,Acc_X,Acc_Y,Acc_Z,Gyr_X,Gyr_Y,Gyr_Z"]
    lines += [f"{i},{5000 + int(round(t * 1e6))},{x:.6f},{y:.6f},9.81,{x:.6f},{y:.6f},0"
              for i, (t, x, y) in enumerate(zip(T_DOT, X, Y, strict=True))]
    p = tmp_path / "sdk.csv"
    p.write_text("\n".join(lines) + "\n")
    assert clonus.io.detect_format(p) == "xsens"
    # DOT writes deg/s and MTi rad/s: without a preamble the gyro unit is not guessed
    with pytest.warns(UnitWarning):
        rec = clonus.read(p)
    assert rec.channel_info()[3]["unit"] == "AU" and rec.channels[3].kind == "gyro"
    assert rec.metadata["time_unit"].startswith("us (inferred")
    assert rec.fs == pytest.approx(FS_DOT, rel=1e-5)
    units = {f"gyro_{a}": "deg/s" for a in "xyz"}
    rec = clonus.read(p, units=units)
    np.testing.assert_allclose(rec.get("gyro_x"), np.radians(X), atol=1e-6)


def test_device_tag_privacy(tmp_path, capsys) -> None:
    from clonus.cli.main import main

    p = xsens_dot_csv(tmp_path)
    assert clonus.read(p).metadata["xsens_identity"] == {"DeviceTag": "P07"}
    anon = clonus.read(p, anonymize=True)
    assert "xsens_identity" not in anon.metadata and anon.metadata["anonymized"] is True
    assert main(["info", str(p), "--json"]) == 0
    out = capsys.readouterr().out
    obj = json.loads(out)
    # (the DOT app also puts the tag in the file name, which is the user's to choose)
    assert obj["format"] == "xsens" and "P07" not in json.dumps(obj["groups"])


def test_not_an_xsens_file(tmp_path) -> None:
    p = xsens_dot_csv(tmp_path, mutate=lambda s: s.replace("PacketCounter,", "Packet,"))
    assert not _detects(p) or clonus.io.detect_format(p) != "xsens"
    with pytest.raises(FileFormatError, match="not a xsens file"):
        clonus.read(p, format="xsens")
    # only a header: truncated
    q = xsens_dot_csv(tmp_path, mutate=lambda s: "\n".join(s.split("\n")[:13]))
    with pytest.raises(FileFormatError, match="fewer than 2 data rows"):
        clonus.read(q)
    assert T.size == 200  # builders' shared time base unchanged


def _detects(p) -> bool:
    try:
        clonus.io.detect_format(p)
    except FileFormatError:
        return False
    return True


# ---------------------------------------------------------------- exports without a gyroscope
def _dot_orientation_export(tmp_path, payload: str, seed: int = 4):
    """A simulated held clonus test as a DOT export with no Gyr columns: the orientation is the
    simulator's gyroscope integrated from a tilted start (sensor to earth), written as the
    quaternion, the Euler angles (Xsens ZYX), or the dq/dv increments, with free acceleration
    (gravity removed), and packet 0 all zeros as DOT writes it."""
    from scipy.spatial.transform import Rotation

    from clonus.simulate import simulate_trial

    tr = simulate_trial(mode="held", gain_ratio=4.0, duration_s=10.0, seed=seed,
                        sensors=("imu",), fs_imu_hz=60.0)
    rec = tr.recording
    fs = rec.fs
    gyro = np.vstack([rec.get(f"gyro_{a}") for a in "xyz"]).T   # rad/s, sensor frame
    acc = np.vstack([rec.get(f"acc_{a}") for a in "xyz"]).T     # m/s^2, with gravity
    r = [Rotation.from_euler("xyz", [20, -35, 60], degrees=True)]
    for w in gyro[:-1]:
        r.append(r[-1] * Rotation.from_rotvec(w / fs))
    rot = Rotation.concatenate(r)
    q = rot.as_quat()[:, [3, 0, 1, 2]]                           # w, x, y, z
    free = rot.apply(acc) - np.array([0.0, 0.0, 9.81])
    if payload == "quat":
        head, cols = ["Quat_W", "Quat_X", "Quat_Y", "Quat_Z"], q
    elif payload == "euler":
        head, cols = ["Euler_X", "Euler_Y", "Euler_Z"], rot.as_euler("ZYX", degrees=True)[:, ::-1]
    else:  # inertial increments: the rotation and velocity change over each output period
        dq = Rotation.from_rotvec(gyro / fs).as_quat()[:, [3, 0, 1, 2]]
        head, cols = ["dq_W", "dq_X", "dq_Y", "dq_Z", "dv[1]", "dv[2]", "dv[3]"], np.hstack(
            [dq, acc / fs])
    head = [*head, "FreeAcc_X", "FreeAcc_Y", "FreeAcc_Z"]
    cols = np.hstack([cols, free])
    lines = ["sep=,", "DeviceTag:,7", "FirmwareVersion:,2.0.0", "OutputRate:,60Hz",
             ",".join(["PacketCounter", "SampleTimeFine", *head]),
             ",".join(["0", "1000000", *["0"] * len(head)])]
    for i, row in enumerate(cols):
        stf = 1000000 + round((i + 1) * 1e6 / fs)
        lines.append(",".join([str(i + 1), str(stf), *(f"{v:.8f}" for v in row)]))
    p = tmp_path / f"dot_{payload}.csv"
    p.write_text("\n".join(lines) + "\n")
    return p, gyro, tr.truth


@pytest.mark.parametrize("payload", ["quat", "euler", "dqdv"])
def test_gyroscope_derived_from_orientation_or_increments(tmp_path, payload) -> None:
    """DOT's sensor-fusion exports (orientation + free acceleration) and the inertial-data
    export (dq, dv) have no Gyr columns: the angular velocity is derived (in the sensor frame,
    as a gyroscope measures it) and the clonus test is counted as from the gyroscope."""
    p, gyro, truth = _dot_orientation_export(tmp_path, payload)
    rec = clonus.read(p)
    assert "gyro" in rec.metadata["derived"]
    assert [c.unit for c in rec.channels if c.kind == "gyro"] == ["rad/s"] * 3
    got = np.vstack([rec.get(f"gyro_{a}") for a in "xyz"]).T
    # orientation k is r[k-1] turned by gyro[k-1]: the central difference at k is the mean of
    # gyro[k-1] and gyro[k] (one-sided at the first sample)
    want = gyro if payload == "dqdv" else np.vstack([gyro[:1], 0.5 * (gyro[:-1] + gyro[1:])])
    n = min(len(got), len(want))
    err = np.abs(got[:n] - want[:n])
    scale = float(np.percentile(np.abs(gyro), 99))
    # central differences smooth the fastest beats a little: 95 % of samples within 5 % of
    # the signal's 99th percentile, all within 25 %
    assert np.percentile(err, 95) < 0.05 * scale and err.max() < 0.25 * scale, payload
    if payload == "dqdv":
        assert rec.metadata["derived"]["acc"].startswith("velocity increments")
        assert np.median(np.linalg.norm(
            np.vstack([rec.get(f"acc_{a}") for a in "xyz"]), axis=0)) == pytest.approx(9.81,
                                                                                    rel=0.05)
    a = clonus.assess(rec)
    assert a.classification == "clonus"
    assert abs(a.n_beats - truth.n_beats) <= max(1, 0.05 * truth.n_beats)
    assert a.frequency_hz == pytest.approx(truth.frequency_hz, abs=0.15)


def test_orientation_columns_alone_are_readable(tmp_path) -> None:
    """An export with the quaternion only (no acceleration, no gyroscope) used to be refused
    ('no acceleration, gyroscope ... columns'); it now gives the derived gyroscope."""
    p, _, _ = _dot_orientation_export(tmp_path, "quat")
    lines = p.read_text().splitlines()
    keep = [ln if i < 4 else ",".join(ln.split(",")[:6]) for i, ln in enumerate(lines)]
    p.write_text("\n".join(keep) + "\n")
    rec = clonus.read(p)
    assert rec.ch_names == ["gyro_x", "gyro_y", "gyro_z"]
    assert rec.metadata["dropped_zero_rows"] == 1  # DOT's packet 0 (a zero quaternion)
    assert np.isfinite(rec.data).all()
