"""CSV files as other simulators and lab scripts write them: the unit at the end of the column
name (``theta_rad``, ``omega_rad_s``, ``ankle_angle_deg``), or the state-equation names theta
and omega without a unit. Counted against the generator's own truth, never the detector's."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from motion_synth import clean_angle

import clonus
from clonus.io._common import split_suffix_unit


@pytest.mark.parametrize(("name", "unit"), [
    ("theta_rad", "rad"),
    ("ankle_angle_deg", "deg"),
    ("Ankle.Angle.Degrees", "deg"),
    ("omega_rad_s", "rad/s"),
    ("gyro_x_dps", "deg/s"),
    ("gyr-z-deg-per-s", "deg/s"),
    ("acc_x_m_s2", "m/s^2"),
    ("acc_x_g", "g"),
    ("ax_mg", "mg"),
    ("emg_soleus_uV", "uV"),
    ("EMG_V", "V"),
    ("ankle_torque_Nm", "N m"),
    # not units: a bare letter after a name that does not say what it is, or no suffix at all
    ("angle", None),
    ("deg", None),
    ("channel_g", None),
    ("sensor_v", None),
    ("beam_n", None),
    ("x_y", None),
])
def test_unit_at_the_end_of_a_name(name, unit):
    assert split_suffix_unit(name) == unit


def _angle_truth(fs_hz: float):
    t_f, th_f, truth = clean_angle(duration_s=8.0, freq_hz=5.5, n_beats=12, amp_deg=2.5)
    t = np.arange(0.0, t_f[-1], 1.0 / fs_hz)
    th = np.interp(t, t_f, th_f)
    return t, th, truth


def _write(path, header, cols):
    np.savetxt(path, np.column_stack(cols), delimiter=",", header=header, comments="",
               fmt="%.8f")
    return path


def _assess(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rec = clonus.read(path)
        return rec, clonus.assess(rec)


@pytest.mark.parametrize(("header", "scale", "what"), [
    ("time,theta_rad", np.radians(1.0), "angle"),
    ("time,ankle_angle_deg", 1.0, "angle"),
    ("time,theta", np.radians(1.0), "angle"),      # no unit: judged from the size
    ("time,omega_rad_s", np.radians(1.0), "velocity"),
    ("time,omega", np.radians(1.0), "velocity"),   # no unit: judged from the size
    ("time,ankle_velocity_dps", 1.0, "velocity"),
])
def test_simulator_style_columns_are_counted(tmp_path, header, scale, what):
    fs = 200.0
    t, th, truth = _angle_truth(fs)
    y = th if what == "angle" else np.gradient(th, 1.0 / fs)
    rec, a = _assess(_write(tmp_path / "sim.csv", header, [t, y * scale]))
    assert rec.channels[0].kind == ("angle" if what == "angle" else "gyro")
    assert a.classification == "clonus", a.reason
    assert abs(a.n_beats - truth.n_beats) <= 1, (a.n_beats, truth.n_beats)
    assert abs(a.frequency_hz - 5.5) <= 0.15
    # the unit is SI after reading, whatever the file said
    assert rec.channels[0].unit in ("rad", "rad/s", "AU")


def test_suffix_unit_is_not_overridden_by_size(tmp_path):
    """A column that says deg is read as degrees even where its size would suggest radians:
    a 1.5 deg clonus named ``_deg`` must not become 86 deg."""
    t = np.arange(0.0, 8.0, 1.0 / 100.0)
    y = 1.5 * np.sin(2 * np.pi * 5.0 * t)
    rec, _ = _assess(_write(tmp_path / "small.csv", "time,ankle_angle_deg", [t, y]))
    assert rec.channels[0].unit == "rad" and rec.channels[0].orig_unit == "deg"
    np.testing.assert_allclose(rec.data[0], np.radians(y), atol=1e-9)


def test_phone_app_csv_with_text_counter_and_second_time_columns(tmp_path, rng):
    """An iOS-logger-style export: a text date column, a sample counter marked (N), one
    timestamp column per sensor with "(s)", accelerations in G and rotation rates in rad/s.
    The text, counter and second time columns are skipped (and listed); the rest is a normal
    IMU recording, counted against the generator's truth."""
    from motion_synth import make_recording

    t_f, th_f, truth = clean_angle(duration_s=8.0, freq_hz=6.0, n_beats=15, amp_deg=3.0)
    # one phone: gyroscope and accelerometer in the same (foot-aligned) orientation
    gyro = make_recording(t_f, th_f, fs=100.0, sensor="gyro", rng=rng, orientation="foot")
    accr = make_recording(t_f, th_f, fs=100.0, sensor="acc", rng=rng, orientation="foot")
    n = min(gyro.n_samples, accr.n_samples)
    t = np.arange(n) / 100.0 + 5210.25  # seconds since reboot
    header = ("loggingTime(txt),loggingSample(N),accelerometerTimestamp_sinceReboot(s),"
              "accelerometerAccelerationX(G),accelerometerAccelerationY(G),"
              "accelerometerAccelerationZ(G),motionTimestamp_sinceReboot(s),"
              "motionRotationRateX(rad/s),motionRotationRateY(rad/s),motionRotationRateZ(rad/s)")
    lines = [header]
    for k in range(n):
        a = [accr.data[j, k] / 9.80665 for j in range(3)]
        w = [gyro.data[j, k] for j in range(3)]
        lines.append(f"2026-11-22T10:00:{k / 100:06.3f}+01:00,{k},{t[k]:.4f},"
                     + ",".join(f"{v:.6f}" for v in a) + f",{t[k]:.4f},"
                     + ",".join(f"{v:.6f}" for v in w))
    p = tmp_path / "iphone.csv"
    p.write_text("\n".join(lines) + "\n")
    rec, a = _assess(p)
    assert rec.metadata["format"] == "csv"
    assert rec.metadata["skipped_columns"] == [
        "loggingTime(txt)", "loggingSample(N)", "motionTimestamp_sinceReboot(s)"]
    assert sorted(c.kind for c in rec.channels) == ["acc"] * 3 + ["gyro"] * 3
    np.testing.assert_allclose(rec.get("accelerometerAccelerationX"), accr.data[0, :n],
                               atol=1e-5 * 9.81)
    np.testing.assert_allclose(rec.get("motionRotationRateZ"), gyro.data[2, :n], atol=1e-6)
    assert a.classification == "clonus", a.reason
    assert abs(a.n_beats - truth.n_beats) <= 1
    assert abs(a.frequency_hz - 6.0) <= 0.15


def test_one_bad_cell_in_the_first_row_is_an_error_not_a_dropped_column(tmp_path):
    """Text columns are skipped, but a signal column with one damaged cell in its first row is
    not text: the reader names the cell instead of silently dropping the column."""
    lines = ["time_s,gyro_x (rad/s),gyro_y (rad/s)"]
    lines += [f"{k / 100:.2f},{0.01 * k:.3f},0.2" for k in range(50)]
    lines[1] = "0.00,abc,0.2"
    p = tmp_path / "bad.csv"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(clonus.FileFormatError, match=r"row 2, column 2 holds 'abc'"):
        clonus.read(p)
