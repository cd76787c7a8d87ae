"""Public datasets' documented layouts, as a user from another lab feeds them to us: small
synthetic files built from each dataset's documentation, with known values (docs/formats.md,
"Public datasets"). No dataset-specific reader: the generic paths must read them, or say
exactly what to pass."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from io_builders import X, Y, faros_dir

import clonus
from clonus.exceptions import ClonusWarning, FileFormatError, UnitWarning

G = 9.80665


def _daphnet(tmp_path, n: int = 640):
    """Daphnet freezing of gait (README of dataset_fog_release): one line per sample, space
    separated, no header: time in ms (64 Hz, integer ms), ankle/thigh/trunk acceleration
    x, y, z in mg, then the annotation (0 not in the experiment, 1 no freeze, 2 freeze)."""
    rng = np.random.default_rng(1)
    t_ms = np.round(np.arange(n) * 1000.0 / 64.0).astype(int)
    acc = rng.integers(-300, 300, (n, 9)) + np.array([0, 1000, 0] * 3)
    ann = np.r_[np.zeros(64, int), np.ones(n - 64, int)]
    p = tmp_path / "S01R01.txt"
    p.write_text("\n".join(" ".join(map(str, [t, *a, c]))
                           for t, a, c in zip(t_ms, acc, ann, strict=True)) + "\n")
    return p, acc, ann


def test_daphnet_layout(tmp_path) -> None:
    # before: "not in a format clonus can read" (spaces were no separator), and a leading
    # clock with fs= was refused
    p, acc, ann = _daphnet(tmp_path)
    assert clonus.io.detect_format(p) == "csv"
    with pytest.raises(FileFormatError, match=r"clock in ms: 64 Hz.*fs=64"):
        clonus.read(p)
    units = {f"ch{k}": "mg" for k in range(2, 11)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = clonus.read(p, fs=64, units=units)
    said = [str(w.message) for w in caught if issubclass(w.category, ClonusWarning)]
    assert any("column 1" in m and "read as the time in ms" in m for m in said)
    # only the annotation column has no unit
    assert [m.split("'")[1] for m in said if "No unit" in m] == ["ch11"]
    assert rec.ch_names == [f"ch{k}" for k in range(2, 12)]
    assert rec.fs == pytest.approx(64.0, rel=1e-3)
    assert [c.kind for c in rec.channels[:9]] == ["acc"] * 9
    # integer-ms stamps are resampled onto 64 Hz: the values stay within the data's range,
    # and the mean (gravity on the vertical axes) is kept
    np.testing.assert_allclose(rec.get("ch3").mean(), acc[:, 1].mean() * 1e-3 * G, rtol=0.01)
    # the annotation is a column like the others (no unit); channels= leaves it out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ClonusWarning)
        sub = clonus.read(p, fs=64, units=units, channels=["ch2", "ch3", "ch4"])
    assert sub.ch_names == ["ch2", "ch3", "ch4"]


def _hugadb(tmp_path, n: int = 600):
    """HuGaDB (github.com/romanchereshnev/HuGaDB README and load_HuGaDB_file.py): three
    '#' lines (#Activity, #ActivityID, #Date-Time), a tab-separated header of 39 names
    (acc/gyro x,y,z of right/left foot, shin, thigh, EMG_r, EMG_l, act), int16 samples."""
    names = [f"{s}_{seg}_{a}" for seg in ("rf", "rs", "rt", "lf", "ls", "lt")
             for s in ("acc", "gyro") for a in "xyz"] + ["EMG_r", "EMG_l", "act"]
    rng = np.random.default_rng(2)
    vals = np.hstack([rng.integers(-2000, 2000, (n, 36)), rng.integers(0, 255, (n, 2)),
                      np.ones((n, 1), int)])
    p = tmp_path / "HGD_v2_walking_01_00.txt"
    p.write_text("#Activity\twalking\n#ActivityID\t1\n#Date-Time\t03-13-14-40\n"
                 + "\t".join(names) + "\n"
                 + "\n".join("\t".join(map(str, r)) for r in vals) + "\n")
    return p, names, vals


def test_hugadb_layout(tmp_path) -> None:
    # before: "not in a format clonus can read"; a header without a time column is read at
    # the rate the user gives
    p, names, vals = _hugadb(tmp_path)
    assert clonus.io.detect_format(p) == "csv"
    with pytest.raises(FileFormatError, match=r"names no time column.*fs=HZ.*-r fs=HZ"):
        clonus.read(p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnitWarning)  # raw int16 counts: no unit in the file
        rec = clonus.read(p, fs=60.0)
    assert rec.ch_names == names[:38]  # "act", one activity id on every row, is a label
    assert rec.metadata["skipped_column_reasons"] == {"act": "constant label"}
    assert rec.metadata["fs_source"] == "fs option" and rec.fs == 60.0
    assert rec.metadata["preamble_lines"] == 3  # the '#' lines, kept private
    assert "03-13-14-40" not in str({k: v for k, v in rec.metadata.items()
                                     if not k.endswith("_identity")})
    np.testing.assert_array_equal(rec.get("gyro_rf_x"), vals[:, 3])
    kinds = {c.name: c.kind for c in rec.channels}
    assert kinds["gyro_rf_x"] == "gyro" and kinds["acc_lt_z"] == "acc"
    assert kinds["EMG_r"] == "emg"


def test_ltmm_style_wfdb(tmp_path) -> None:
    """PhysioNet LTMM-style record: a 3-axis accelerometer in g and a gyroscope in deg/s at
    100 Hz, in WFDB format (header .hea, 16-bit .dat)."""
    wfdb = pytest.importorskip("wfdb")
    n = 1000
    t = np.arange(n) / 100.0
    sig = np.column_stack([1.0 + 0.01 * np.sin(t), 0.02 * np.cos(t), 0.0 * t,
                           30.0 * np.sin(2 * np.pi * 6 * t), 5.0 * np.cos(t), 0.0 * t])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the wfdb package's own deprecation warnings
        wfdb.wrsamp("ltmm1", fs=100, units=["g"] * 3 + ["deg/s"] * 3, write_dir=str(tmp_path),
                    sig_name=["v-acc", "ml-acc", "ap-acc", "yaw", "pitch", "roll"],
                    p_signal=sig, fmt=["16"] * 6, adc_gain=[10000.0] * 3 + [500.0] * 3,
                    baseline=[0] * 6)
    rec = clonus.read(tmp_path / "ltmm1.hea")
    assert rec.fs == 100.0
    assert [c.kind for c in rec.channels] == ["acc"] * 3 + ["gyro"] * 3
    np.testing.assert_allclose(rec.get("v-acc"), sig[:, 0] * G, atol=2e-3)
    np.testing.assert_allclose(rec.get("yaw"), np.deg2rad(sig[:, 3]), atol=1e-4)


def test_a_member_of_an_export_folder_says_to_read_the_folder(tmp_path) -> None:
    # a Bittium Faros export's ACC.csv (X,Y,Z; the rate is in meta.json) given alone: before,
    # "not in a format clonus can read"; now the folder is named, and fs= reads the file
    root = faros_dir(tmp_path)
    with pytest.raises(FileFormatError, match=r"part of a faros-csv export.*read the folder"):
        clonus.read(root / "ACC.csv")
    rec = clonus.read(root / "ACC.csv", fs=25.0, units="mg")
    np.testing.assert_allclose(rec.get("X"), 1000 * X[:50] * 1e-3 * G, atol=1e-3)
    np.testing.assert_allclose(rec.get("Y"), 1000 * Y[:50] * 1e-3 * G, atol=1e-3)
