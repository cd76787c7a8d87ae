"""Builders of small valid files for every text format, and their layout for byte surgery.

Each builder writes a file (or folder/zip) holding a known signal and returns its path. A
``mutate`` hook edits the main CSV text before it is written (used by the corruption suite),
so that zip- and folder-based formats can be corrupted the same way as single files.

Known signal: ``N = 200`` samples at 100 Hz; value columns ``sin(2 pi 2 t)`` (x),
``0.5 cos(2 pi 2 t)`` (y) and ``1.0`` (z), in the unit written in the header.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

N = 200
FS = 100.0
T = np.arange(N) / FS
X = np.sin(2 * np.pi * 2 * T)
Y = 0.5 * np.cos(2 * np.pi * 2 * T)
Z = np.ones(N)

Mutate = Callable[[str], str] | None


def _apply(text: str, mutate: Mutate) -> str:
    return text if mutate is None else mutate(text)


def generic_csv(d: Path, mutate: Mutate = None) -> Path:
    lines = ["time_s,gyro_x (rad/s),gyro_y (rad/s),acc_z (m/s^2)"]
    lines += [f"{t:.4f},{x:.6f},{y:.6f},{z:.6f}" for t, x, y, z in zip(T, X, Y, Z, strict=True)]
    p = d / "generic.csv"
    p.write_text(_apply("\n".join(lines) + "\n", mutate))
    return p


def csv_preamble(d: Path, mutate: Mutate = None) -> Path:
    """The generic CSV behind a logger's preamble: comments, key: value lines, one numeric."""
    lines = ["# recorded with MyApp v2", "subject: anon", "samples,200"]
    lines += ["time_s,gyro_x (rad/s),gyro_y (rad/s),acc_z (m/s^2)"]
    lines += [f"{t:.4f},{x:.6f},{y:.6f},{z:.6f}" for t, x, y, z in zip(T, X, Y, Z, strict=True)]
    p = d / "preamble.csv"
    p.write_text(_apply("\n".join(lines) + "\n", mutate))
    return p


def csv_units_row(d: Path, mutate: Mutate = None) -> Path:
    """Names, then a units row (Delsys, Noraxon, Vicon, LabVIEW exports)."""
    lines = ["time,gyro_x,gyro_y,acc_z", "s,rad/s,rad/s,m/s^2"]
    lines += [f"{t:.4f},{x:.6f},{y:.6f},{z:.6f}" for t, x, y, z in zip(T, X, Y, Z, strict=True)]
    p = d / "unitsrow.csv"
    p.write_text(_apply("\n".join(lines) + "\n", mutate))
    return p


def csv_decimal_comma(d: Path, mutate: Mutate = None) -> Path:
    """Semicolons and decimal commas (European Excel, LabVIEW)."""
    lines = ["time_s;gyro_x (rad/s);gyro_y (rad/s);acc_z (m/s^2)"]
    lines += [f"{t:.4f};{x:.6f};{y:.6f};{z:.6f}".replace(".", ",")
              for t, x, y, z in zip(T, X, Y, Z, strict=True)]
    p = d / "eu.csv"
    p.write_text(_apply("\n".join(lines) + "\n", mutate))
    return p


#: first sample's clock time of :func:`csv_datetime`
DT0 = datetime(2024, 5, 1, 10, 0, 0)


def csv_datetime(d: Path, mutate: Mutate = None) -> Path:
    """ISO-8601 date-times as the time column."""
    lines = ["timestamp,gyro_x (rad/s),gyro_y (rad/s),acc_z (m/s^2)"]
    lines += [f"{(DT0 + timedelta(seconds=float(t))).isoformat(sep=' ', timespec='milliseconds')},"
              f"{x:.6f},{y:.6f},{z:.6f}" for t, x, y, z in zip(T, X, Y, Z, strict=True)]
    p = d / "datetime.csv"
    p.write_text(_apply("\n".join(lines) + "\n", mutate))
    return p


def _phyphox_gyro_text() -> str:
    lines = ['"Time (s)","X (rad/s)","Y (rad/s)","Z (rad/s)"']
    lines += [f"{t:.9E},{x:.9E},{y:.9E},{z:.9E}" for t, x, y, z in zip(T, X, Y, Z, strict=True)]
    return "\n".join(lines) + "\n"


def phyphox_zip(d: Path, mutate: Mutate = None) -> Path:
    p = d / "phyphox.zip"
    acc = ['"Time (s)","X (m/s^2)","Y (m/s^2)","Z (m/s^2)"']
    acc += [f"{t:.9E},{x:.9E},{y:.9E},{9.81:.9E}" for t, x, y in zip(T, X, Y, strict=True)]
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("Gyroscope.csv", _apply(_phyphox_gyro_text(), mutate))
        zf.writestr("Accelerometer.csv", "\n".join(acc) + "\n")
        zf.writestr("meta/device.csv", '"property","value"\n"version","1.1.16"\n')
        zf.writestr("meta/time.csv", '"event","experiment time","system time","system time text"\n'
                    '"START",0.000000000E0,1700000000.000,"2023-11-14 22:13:20.000 UTC+00:00"\n')
    return p


def phyphox_android(d: Path, mutate: Mutate = None) -> Path:
    lines = ['"Time (s)","Gyroscope x (rad/s)","Gyroscope y (rad/s)","Gyroscope z (rad/s)",'
             '"Absolute (rad/s)"']
    lines += [f"{t:.9E},{x:.9E},{y:.9E},{z:.9E},{np.sqrt(x * x + y * y + z * z):.9E}"
              for t, x, y, z in zip(T, X, Y, Z, strict=True)]
    p = d / "Raw Data.csv"
    p.write_text(_apply("\n".join(lines) + "\n", mutate))
    return p


def sensorlogger_zip(d: Path, mutate: Mutate = None) -> Path:
    t0 = 1_700_000_000_000_000_000
    lines = ["time,seconds_elapsed,z,y,x"]
    lines += [f"{t0 + int(round(t * 1e9))},{t:.6f},{z:.6f},{y:.6f},{x:.6f}"
              for t, x, y, z in zip(T, X, Y, Z, strict=True)]
    p = d / "sensorlogger.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("Gyroscope.csv", _apply("\n".join(lines) + "\n", mutate))
        zf.writestr("Metadata.csv",
                    "version,platform,appVersion,standardisation,sampleRateMs\n"
                    "3,android,1.2,false,10\n")
    return p


def physics_toolbox(d: Path, mutate: Mutate = None) -> Path:
    lines = ["time,gFx,gFy,gFz,TgF"]
    lines += [f"{t:.4f},{x:.5f},{y:.5f},{z:.5f},{np.sqrt(x * x + y * y + z * z):.5f}"
              for t, x, y, z in zip(T, X, Y, Z, strict=True)]
    p = d / "ptss.csv"
    p.write_text(_apply("\n".join(lines) + "\n", mutate))
    return p


def delsys_csv(d: Path, mutate: Mutate = None) -> Path:
    fs_emg, fs_acc = 1000.0, 100.0
    n_emg, n_acc = 400, 40
    hdr = [f"Label: Mini sensor 1: EMG 1 Sampling frequency: 1.000000e+003 Number of points: "
           f"{n_emg} start: 0.000000e+000 Unit: V Domain Unit: s",
           f"Label: Mini sensor 1: ACC.X 1 Sampling frequency: 1.000000e+002 Number of points: "
           f"{n_acc} start: 0.000000e+000 Unit: g Domain Unit: s",
           "Start Trigger Method: None", "Stop Trigger Method: None", "",
           'X[s],"Mini sensor 1: EMG 1",X[s],"Mini sensor 1: ACC.X 1"']
    rows = []
    for i in range(n_emg):
        emg = f"{i / fs_emg:.6f},{1e-4 * np.sin(2 * np.pi * 50 * i / fs_emg):.6e}"
        acc = f"{i / fs_acc:.6f},{0.5:.4f}" if i < n_acc else ","
        rows.append(f"{emg},{acc}")
    p = d / "delsys.csv"
    p.write_text(_apply("\n".join(hdr + rows) + "\n", mutate))
    return p


def shimmer_csv(d: Path, mutate: Mutate = None) -> Path:
    t0 = 1.6e12
    lines = ['"sep=;"', "Shimmer_ABCD_Timestamp_Unix_CAL;Shimmer_ABCD_Gyro_X_CAL;"
             "Shimmer_ABCD_Accel_LN_X_CAL;", "ms;deg/s;m/(s^2);"]
    lines += [f"{t0 + t * 1000:.1f};{np.degrees(x):.6f};{z:.6f};"
              for t, x, z in zip(T, X, Z, strict=True)]
    p = d / "shimmer.csv"
    p.write_text(_apply("\n".join(lines) + "\n", mutate))
    return p


def empatica_dir(d: Path, mutate: Mutate = None) -> Path:
    root = d / "e4"
    root.mkdir()
    acc = ["1600000000.000000, 1600000000.000000, 1600000000.000000",
           "32.000000, 32.000000, 32.000000"]
    acc += [f"{int(round(64 * x))},{int(round(64 * y))},64" for x, y in zip(X, Y, strict=True)]
    (root / "ACC.csv").write_text(_apply("\n".join(acc) + "\n", mutate))
    (root / "TEMP.csv").write_text("1600000000.000000\n4.000000\n" + "30.5\n" * 20)
    (root / "tags.csv").write_text("1600000001.5\n")
    (root / "info.txt").write_text(".csv files in this archive are in the following format:\n")
    return root


def faros_dir(d: Path, mutate: Mutate = None) -> Path:
    root = d / "faros"
    root.mkdir()
    (root / "meta.json").write_text(json.dumps({
        "start_time": "2020-01-02 03:04:05", "sample_freqs": {"ACC": 25.0, "ECG": 500.0},
        "units": {"ACC": "mg", "ECG": "uV"}}))
    acc = ["X,Y,Z"] + [f"{1000 * x:.1f},{1000 * y:.1f},1000.0" for x, y in
                       zip(X[:50], Y[:50], strict=True)]
    (root / "ACC.csv").write_text(_apply("\n".join(acc) + "\n", mutate))
    ecg = 100 * np.sin(2 * np.pi * 1.2 * np.arange(1000) / 500.0)
    (root / "ECG.csv").write_text("ECG\n" + "".join(f"{v:.1f}\n" for v in ecg))
    return root


def gaitmap_csv(d: Path, mutate: Mutate = None) -> Path:
    lines = ["sensor,left_sensor,left_sensor", "axis,acc_x,gyr_x"]
    lines += [f"{i},{9.81 * z:.6f},{np.degrees(x):.6f}" for i, (x, z) in
              enumerate(zip(X, Z, strict=True))]
    p = d / "gaitmap.csv"
    p.write_text(_apply("\n".join(lines) + "\n", mutate))
    return p


#: Xsens DOT: 60 Hz, SampleTimeFine in microseconds from an arbitrary device clock.
FS_DOT = 60.0
T_DOT = np.arange(N) / FS_DOT
DOT_STF0 = 2_974_023_062  # us; the builders' clock does not start at 0 (real files do not)


def xsens_dot_csv(d: Path, mutate: Mutate = None) -> Path:
    """Xsens DOT app export: preamble, packet 0 all zeros, Euler deg, Acc m/s^2, Gyr deg/s.

    Signals at T_DOT: Acc = (X, Y, 9.81 Z), Gyr = degrees(X, Y, Z) deg/s, Euler = (10 X, 0, 0).
    """
    lines = ["sep=,", "DeviceTag:,P07", "FirmwareVersion:,2.0.0", "AppVersion:,2021.0",
             "SyncStatus:,Synced", "OutputRate:,60Hz", "FilterProfile:,General",
             "Measurement Mode:,Custom Mode 4", "StartTime: ,2021-08-20_20:21:13_804 GMT+8",
             "\u00a9 Xsens Technologies B. V. 2005-2021", "",
             "PacketCounter,SampleTimeFine,Euler_X,Euler_Y,Euler_Z,Acc_X,Acc_Y,Acc_Z,Gyr_X,"
             "Gyr_Y,Gyr_Z"]
    for i, (t, x, y, z) in enumerate(zip(T_DOT, X, Y, Z, strict=True)):
        stf = DOT_STF0 + int(round(t * 1e6))
        if i == 0:  # the DOT app writes packet 0 with zero inertial data
            lines.append(f"0,{stf},{10 * x:.6f},0.000000,0.000000" + ",0.000000" * 6)
            continue
        lines.append(f"{i},{stf},{10 * x:.6f},0.000000,0.000000,{x:.8f},{y:.8f},"
                     f"{9.81 * z:.8f},{np.degrees(x):.8f},{np.degrees(y):.8f},"
                     f"{np.degrees(z):.8f}")
    p = d / "P07_D4CA6EF17860_20210820_202113.csv"
    p.write_text(_apply("\n".join(lines) + "\n", mutate), encoding="utf-8")
    return p


def xsens_mt_txt(d: Path, mutate: Mutate = None) -> Path:
    """MT Manager ASCII export (MTw): '//' preamble, tabs, empty UTC columns, zero-padded
    PacketCounter, SampleTimeFine in 10 kHz ticks, Acc m/s^2, Gyr rad/s (signals as FS, X..)."""
    utc = ["Year", "Month", "Day", "Second", "UTC_Nano"]
    lines = ["// Start Time: Unknown", "// Update Rate: 100.0Hz",
             "// Filter Profile: human (46.1)", "// Option Flags: AHS Disabled ICC Disabled ",
             "// Firmware Version: 4.0.2",
             "\t".join(["PacketCounter", "SampleTimeFine", *utc, "Acc_X", "Acc_Y", "Acc_Z",
                        "Gyr_X", "Gyr_Y", "Gyr_Z", "Mat[1][1]"])]
    for i, (t, x, y, z) in enumerate(zip(T, X, Y, Z, strict=True)):
        stf = 1_234_567 + int(round(t * 1e4))
        lines.append("\t".join([f"{472 + i:05d}", str(stf), *[""] * len(utc), f"{x:.6f}",
                                f"{y:.6f}", f"{9.81 * z:.6f}", f"{x:.6f}", f"{y:.6f}",
                                f"{z:.6f}", "0.938789"]))
    p = d / "MT_012005D6_009-001_00B421E6.txt"
    p.write_text(_apply("\n".join(lines) + "\n", mutate), encoding="utf-8")
    return p


def opensim_mot(d: Path, mutate: Mutate = None) -> Path:
    lines = ["IKresults", "version=1", f"nRows={N}", "nColumns=4", "inDegrees=yes", "endheader",
             "time\tankle_angle_r\tknee_angle_r\tpelvis_tx"]
    lines += [f"{t:.4f}\t{x:.6f}\t{y:.6f}\t{z:.6f}" for t, x, y, z in zip(T, X, Y, Z, strict=True)]
    p = d / "ik.mot"
    p.write_text(_apply("\n".join(lines) + "\n", mutate))
    return p


def cloudupdrs_csv(d: Path, mutate: Mutate = None) -> Path:
    """Headerless CloudUPDRS rows: ns since boot, acceleration (m/s^2, z with gravity), flag."""
    t0 = 21_521_946_631_000
    lines = [f"{t0 + int(round(t * 1e9))},{x:.6f},{y:.6f},{9.80665 * z:.6f},3"
             for t, x, y, z in zip(T, X, Y, Z, strict=True)]
    p = d / "cloudupdrs.csv"
    p.write_text(_apply("\n".join(lines) + "\n", mutate))
    return p


def actigraph_csv(d: Path, mutate: Mutate = None) -> Path:
    """ActiLife RAW CSV: 10 header lines (rate 100 Hz), a column row, timestamps, g."""
    head = ["------------ Data File Created By ActiGraph GT3X+ ActiLife v6.13.4 Firmware v3.2.1 "
            "date format M/d/yyyy at 100 Hz  Filter Normal -----------",
            "Serial Number: NEO1F16120034", "Start Time 10:00:00", "Start Date 3/1/2024",
            "Epoch Period (hh:mm:ss) 00:00:00", "Download Time 12:00:00",
            "Download Date 3/1/2024", "Current Memory Address: 0",
            "Current Battery Voltage: 4.12     Mode = 12",
            "--------------------------------------------------",
            "Timestamp,Accelerometer X,Accelerometer Y,Accelerometer Z"]
    t0 = datetime(2024, 3, 1, 10)
    rows = [f"{(t0 + timedelta(seconds=float(t))).strftime('%m/%d/%Y %H:%M:%S.%f')[:-3]},"
            f"{x:.6f},{y:.6f},{z:.6f}" for t, x, y, z in zip(T, X, Y, Z, strict=True)]
    p = d / "actigraph.csv"
    p.write_text(_apply("\n".join(head + rows) + "\n", mutate))
    return p


def geneactiv_csv(d: Path, mutate: Mutate = None) -> Path:
    """GENEActiv raw CSV: 100 header lines (100 Hz), time, x, y, z (g), lux, button, degC."""
    head = ["Device Type,GENEActiv", "Device Model,1.1", "Measurement Frequency,100 Hz",
            "Start Time,2024-03-01 10:00:00:000", "Units,g"]
    head += [""] * (100 - len(head))
    t0 = datetime(2024, 3, 1, 10)
    rows = [f"{(t0 + timedelta(seconds=float(t))).strftime('%Y-%m-%d %H:%M:%S:%f')[:-3]},"
            f"{x:.6f},{y:.6f},{z:.6f},12.0,0,25.2" for t, x, y, z in zip(T, X, Y, Z, strict=True)]
    p = d / "geneactiv.csv"
    p.write_text(_apply("\n".join(head + rows) + "\n", mutate))
    return p


# ---------------------------------------------------------------------------- APDM Moveo CSV
def _moveo_joints() -> tuple[str, ...]:
    """The 38 joint-angle column headers of a Moveo Explorer export, in the export's order."""
    out = []
    for j in ("Neck", "Back"):
        out += [f"{j} right / left lateral bending (+/-)", f"{j} right / left rotation (+/-)",
                f"{j} flexion / extension (+/-)"]
    for s in "LR":
        out += [f"Shoulder ({s}) abduction / adduction (+/-)",
                f"Shoulder ({s}) internal / external rotation (+/-)",
                f"Shoulder ({s}) flexion / extension (+/-)"]
    for s in "LR":
        out += [f"Elbow ({s}) supination / pronation (+/-)",
                f"Elbow ({s}) flexion / extension (+/-)"]
    for s in "LR":
        out += [f"Wrist ({s}) flexion / extension (+/-)",
                f"Wrist ({s}) ulnar / radial deviation (+/-)"]
    for s in "LR":
        out += [f"Hip ({s}) abduction / adduction (+/-)",
                f"Hip ({s}) internal / external rotation (+/-)",
                f"Hip ({s}) flexion / extension (+/-)"]
    for s in "LR":
        out += [f"Knee ({s}) valgus / varus (+/-)",
                f"Knee ({s}) internal / external rotation (+/-)",
                f"Knee ({s}) flexion / extension (+/-)"]
    for s in "LR":
        out += [f"Ankle ({s}) eversion / inversion (+/-)",
                f"Ankle ({s}) abduction / adduction (+/-)",
                f"Ankle ({s}) dorsiflexion / plantarflexion (+/-)"]
    return tuple(out)


MOVEO_JOINTS = _moveo_joints()
ANKLE_R_DF = "Ankle (R) dorsiflexion / plantarflexion (+/-)"
#: Made-up identity fields (the privacy tests look for these strings in every output).
MOVEO_IDENTITY = {"CSV.5 | Subject Group": "Cohort Q", "Subject Public ID": "QX-90417",
                  "Subject First Name": "Zebulon", "Subject Last Name": "Quackenbush",
                  "Subject Date of Birth": "1937-04-03", "Record Date/Time": "20250108-104732SGT",
                  "Condition": "Clonus", "File Name": "20250108-104732_Clonus_QX-90417.h5",
                  "Trial Notes": "Zebulon, seated; right ankle", "Analysis Log": "",
                  "Analysis Version": "2"}


def write_moveo(path: Path, columns: dict[str, np.ndarray], *, fs: float,
                identity: dict[str, str] | None = None, time_header: str = "Time (ms)",
                time_scale: float = 1.0, units: str = "degrees",
                duration_s: float | None = None, decimals: int = 2,
                mutate: Mutate = None) -> Path:
    """A Moveo Explorer joint-angle CSV in the layout of the real export (docs/formats.md).

    ``columns`` maps joint headers (``MOVEO_JOINTS``) to values in ``units``; the other
    joints' cells are empty. Times are written with 4 decimals in seconds / ``time_scale``
    (1.0: seconds under a "Time (ms)" header, as the real export does). ``duration_s`` is the
    header's Duration (default N / fs)."""
    n = len(next(iter(columns.values())))
    ident = MOVEO_IDENTITY if identity is None else identity
    q = '"{}"'.format
    lines = [f"{q(k)},{q(v)}" for k, v in ident.items()]
    dur = n / fs if duration_s is None else duration_s
    lines += ["", f'"Sample Rate","{fs:.1f}"', f'"Joint Angle Units","{units}"',
              f'"Duration (s)","{dur!r}"']
    heads = list(MOVEO_JOINTS) + [h for h in columns if h not in MOVEO_JOINTS]
    lines.append(",".join(q(h) for h in ["Sample Number (#)", time_header, *heads]))
    cols = [columns.get(h) for h in heads]
    for i in range(n):
        cells = [str(i + 1), f"{i / fs / time_scale:.4f}"]
        cells += ["" if c is None else f"{c[i]:.{decimals}f}" for c in cols]
        lines.append(",".join(q(c) for c in cells))
    path.write_text(_apply("\n".join(lines) + "\n", mutate))
    return path


def moveo_csv(d: Path, mutate: Mutate = None) -> Path:
    """The known signal at 100 Hz: ankle (R) dorsiflexion X deg, knee (R) flexion Y deg,
    ankle (R) eversion Z deg (4 decimals); every other joint empty."""
    return write_moveo(d / "Clonus_Joint_Angles.csv",
                       {"Knee (R) flexion / extension (+/-)": Y,
                        "Ankle (R) eversion / inversion (+/-)": Z, ANKLE_R_DF: X},
                       fs=FS, decimals=4, mutate=mutate)



@dataclass(frozen=True)
class TextFormat:
    """A text format's builder and where its data live, for the corruption suite."""

    name: str
    build: Callable[..., Path]
    sep: str
    first_data_line: int  # index (0-based) of the first data line in the mutated text
    value_col: int  # a signal column
    time_col: int | None  # a timestamp column, or None when the rate is declared
    unit_token: tuple[str, str] | None  # (unit text in the header, replacement) or None
    corrupt_header: Callable[[str], str]


def _replace_line(i: int, new: str) -> Callable[[str], str]:
    def f(text: str) -> str:
        lines = text.split("\n")
        lines[i] = new
        return "\n".join(lines)
    return f


def _drop_last_header_field(i: int, sep: str) -> Callable[[str], str]:
    def f(text: str) -> str:
        lines = text.split("\n")
        lines[i] = sep.join(lines[i].rstrip(sep).split(sep)[:-1])
        return "\n".join(lines)
    return f


TEXT_FORMATS = [
    TextFormat("csv", generic_csv, ",", 1, 1, 0, ("(rad/s)", "(furlongs)"),
               _drop_last_header_field(0, ",")),
    TextFormat("csv", csv_preamble, ",", 4, 1, 0, ("(rad/s)", "(furlongs)"),
               _drop_last_header_field(3, ",")),
    TextFormat("csv", csv_units_row, ",", 2, 1, 0, ("rad/s", "furlongs"),
               _drop_last_header_field(0, ",")),
    TextFormat("csv", csv_decimal_comma, ";", 1, 1, 0, ("(rad/s)", "(furlongs)"),
               _drop_last_header_field(0, ";")),
    TextFormat("csv", csv_datetime, ",", 1, 1, 0, ("(rad/s)", "(furlongs)"),
               _drop_last_header_field(0, ",")),
    TextFormat("phyphox", phyphox_zip, ",", 1, 1, 0, ("(rad/s)", "(furlongs)"),
               _drop_last_header_field(0, ",")),
    TextFormat("phyphox", phyphox_android, ",", 1, 1, 0, ("(rad/s)", "(furlongs)"),
               _drop_last_header_field(0, ",")),
    TextFormat("sensorlogger", sensorlogger_zip, ",", 1, 4, 0, None,
               _replace_line(0, "time,seconds_elapsed,z,y,q")),
    TextFormat("physics-toolbox", physics_toolbox, ",", 1, 1, 0, None,
               _drop_last_header_field(0, ",")),
    TextFormat("delsys", delsys_csv, ",", 6, 1, 0, ("Unit: V ", "Unit: furlongs "),
               lambda s: s.replace("1.000000e+003", "1.0000x0e+003", 1)),
    TextFormat("shimmer", shimmer_csv, ";", 3, 1, 0, ("deg/s", "furlongs"),
               _replace_line(2, "ms;deg/s;")),
    TextFormat("empatica", empatica_dir, ",", 2, 0, None, None,
               _replace_line(1, "thirty-two, 32, 32")),
    TextFormat("faros-csv", faros_dir, ",", 1, 0, None, None, _replace_line(0, "X,Y")),
    TextFormat("gaitmap", gaitmap_csv, ",", 2, 1, None, None,
               _replace_line(1, "axis,acc_x,gyr_x,gyr_y")),
    TextFormat("xsens", xsens_dot_csv, ",", 12, 5, 1, None, _drop_last_header_field(11, ",")),
    TextFormat("xsens", xsens_mt_txt, "\t", 6, 7, 1, None, _drop_last_header_field(5, "\t")),
    TextFormat("opensim", opensim_mot, "\t", 7, 1, 0, None, _drop_last_header_field(6, "\t")),
    # 11 identity lines, a blank one, 3 header lines, the table header (line 15); X in the
    # last column (2 + 38 - 1)
    TextFormat("moveo", moveo_csv, ",", 16, 39, 1, ('"degrees"', '"furlongs"'),
               lambda s: s.replace('"Sample Rate","100.0"', '"Sample Rate","fast"', 1)),
    TextFormat("actigraph-csv", actigraph_csv, ",", 11, 1, None, None,
               lambda s: s.replace("at 100 Hz", "at ??? Hz", 1)),
    TextFormat("geneactiv-csv", geneactiv_csv, ",", 100, 1, None, None,
               lambda s: s.replace("Measurement Frequency,100 Hz", "Measurement Frequency,x", 1)),
    # no header: the "header" damage is a first row that is not a sample
    TextFormat("cloudupdrs", cloudupdrs_csv, ",", 0, 1, 0, None,
               _replace_line(0, "21521946631000,0.6946377,1.5390993")),
]


def researchkit_json(d: Path, mutate: Mutate = None) -> Path:
    items = [{"timestamp": 100.0 + float(t), "x": float(x), "y": float(y), "z": float(z)}
             for t, x, y, z in zip(T, X, Y, Z, strict=True)]
    p = d / "accel.json"
    p.write_text(_apply(json.dumps(items, indent=0), mutate))
    return p


#: (format name, builder) for every text reader, used by the fuzz tests.
FUZZ_TARGETS = [(f.name, f.build) for f in TEXT_FORMATS] + [("researchkit", researchkit_json)]


# ---------------------------------------------------------------------------- binary formats
BinaryMutate = Callable[[bytes], bytes] | None


def cwa_ax6(d: Path, mutate: BinaryMutate = None) -> Path:
    """Axivity AX6 file: 6 axes, int16, 100 Hz, +-8 g, 3 blocks of 40 samples."""
    from cwa_builder import CwaSpec, data_blocks, header

    xyz = np.vstack([X, Y, Z])[:, :120]
    spec = CwaSpec(acc_g=xyz, gyro_dps=100 * xyz)
    raw = header(spec) + b"".join(data_blocks(spec))
    p = d / "ax6.cwa"
    p.write_bytes(raw if mutate is None else mutate(raw))
    return p


def cwa_ax3_packed(d: Path, mutate: BinaryMutate = None) -> Path:
    """Axivity AX3 file: 3 packed axes, whole-second stamps, 2 blocks of 120 samples."""
    from cwa_builder import CwaSpec, data_blocks, header

    spec = CwaSpec(acc_g=np.vstack([X, Y, Z])[:, :200] * 3, packed=True, hardware=0x17,
                   acc_bits=0, gyro_bits=0, fractional=False)
    raw = header(spec) + b"".join(data_blocks(spec))
    p = d / "ax3.cwa"
    p.write_bytes(raw if mutate is None else mutate(raw))
    return p


#: (format name, builder) for binary readers fuzzed byte-wise (test_fuzz.py).
BINARY_FUZZ_TARGETS = [("cwa", cwa_ax6), ("cwa", cwa_ax3_packed)]


# ---------------------------------------------------------------------------- TSDF
#: Verily Study Watch scale factors (paradigma example metadata): m/s^2 and deg/s per count.
TSDF_ACC_SCALE = 0.00469378
TSDF_GYRO_SCALE = 0.06097561


def tsdf_verily(d: Path, *, acc: np.ndarray | None = None, gyro_dps: np.ndarray | None = None,
                dt_ms: float = 10.0, time_in_seconds: bool = False, span_s: float | None = None,
                endianness: str = "little", mutate_meta: BinaryMutate = None,
                mutate_values: BinaryMutate = None) -> Path:
    """Write a Verily-watch-like TSDF export (nested metadata as in the public example):
    ``imu_time.bin`` float32 per-sample intervals, ``imu_quality.bin`` int8, ``imu_values.bin``
    int16 counts x scale_factors. Returns the metadata path. ``time_in_seconds`` writes the
    intervals in s while the metadata still says ms (the known export error)."""
    acc = np.vstack([X, Y, 9.81 * Z]) if acc is None else acc
    gyro_dps = np.degrees(np.vstack([X, Y, Z])) if gyro_dps is None else gyro_dps
    n = acc.shape[1]
    end = ">" if endianness == "big" else "<"
    deltas = np.full(n, dt_ms, dtype=np.float64)
    deltas[0] = 0.0
    if time_in_seconds:
        deltas = deltas / 1000.0
    d.mkdir(parents=True, exist_ok=True)
    deltas.astype(f"{end}f4").tofile(d / "imu_time.bin")
    (np.arange(n) % 7 != 0).astype("i1").tofile(d / "imu_quality.bin")
    counts = np.vstack([np.round(acc / TSDF_ACC_SCALE), np.round(gyro_dps / TSDF_GYRO_SCALE)])
    raw = counts.T.astype(f"{end}i2").tobytes()
    (d / "imu_values.bin").write_bytes(raw if mutate_values is None else mutate_values(raw))
    span = (n - 1) * dt_ms / 1000.0 if span_s is None else span_s
    start = datetime(2021, 6, 27, 16, 52, 20)
    meta = {
        "study_id": "PPP", "device_id": "Verily Study Watch", "subject_id": "POMU1234",
        "ppp_source_protobuf": "WatchData.IMU.Week104.raw", "metadata_version": "0.1",
        "start_iso8601": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end_iso8601": (start + timedelta(seconds=round(span))).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "rows": n,
        "sensors": [
            {"scale_factors": [1], "sensors": [
                {"endianness": endianness, "file_name": "imu_time.bin", "channels": ["time"],
                 "units": ["time_delta_ms"], "data_type": "float", "bits": 32},
                {"endianness": "not applicable", "file_name": "imu_quality.bin",
                 "channels": ["quality"], "units": ["boolean_num"], "data_type": "int",
                 "bits": 8}]},
            {"endianness": endianness, "file_name": "imu_values.bin",
             "channels": ["acceleration_x", "acceleration_y", "acceleration_z", "rotation_x",
                          "rotation_y", "rotation_z"],
             "units": ["m/s/s"] * 3 + ["deg/s"] * 3,
             "scale_factors": [TSDF_ACC_SCALE] * 3 + [TSDF_GYRO_SCALE] * 3,
             "data_type": "int", "bits": 16},
        ],
    }
    text = json.dumps(meta, indent=4).encode()
    p = d / "IMU_segment0001_meta.json"
    p.write_bytes(text if mutate_meta is None else mutate_meta(text))
    return p


def _tsdf_fuzz_meta(d: Path, mutate: BinaryMutate = None) -> Path:
    return tsdf_verily(d / "tsdf", mutate_meta=mutate)


def _tsdf_fuzz_values(d: Path, mutate: BinaryMutate = None) -> Path:
    return tsdf_verily(d / "tsdf", mutate_values=mutate)


BINARY_FUZZ_TARGETS += [("tsdf", _tsdf_fuzz_meta), ("tsdf", _tsdf_fuzz_values)]


# ---------------------------------------------------------------------------- APDM (HDF5)
#: APDM Opal default rate; Time in microseconds since 1970 (2023-11-14 22:13:20 UTC).
APDM_FS = 128.0
APDM_T0_US = 1_700_000_000_000_000


def apdm_time(n: int, fs: float = APDM_FS, t0_us: int = APDM_T0_US) -> np.ndarray:
    """Opal ``Time``: uint64 microseconds since 1970, rounded as the device writes them
    (7812 and 7813 us alternate at 128 Hz)."""
    return (t0_us + np.round(np.arange(n) * 1e6 / fs)).astype(np.uint64)


@dataclass
class ApdmSensor:
    """One Opal: label, id, and (n, 3) signals in the units APDM writes (m/s^2, rad/s, uT)."""

    label: str
    sid: str
    acc: np.ndarray
    gyro: np.ndarray
    mag: np.ndarray | None = None
    temperature: np.ndarray | None = None
    time: np.ndarray | None = None
    fs: float | None = APDM_FS


def apdm_sensor(label: str, sid: str, n: int = N, fs: float = APDM_FS,
                gyro_x: np.ndarray | None = None) -> ApdmSensor:
    """A sensor at rest with gravity on z, and ``gyro_x`` (rad/s) on the gyroscope's x."""
    acc = np.zeros((n, 3))
    acc[:, 2] = 9.80665
    gyro = np.zeros((n, 3))
    if gyro_x is not None:
        gyro[:, 0] = gyro_x
    return ApdmSensor(label, sid, acc, gyro, mag=np.tile([20.0, -5.0, 40.0], (n, 1)),
                      temperature=np.full(n, 31.5), time=apdm_time(n, fs), fs=fs)


def write_apdm_v5(path: Path, sensors: list[ApdmSensor], *, version: int | None = 5,
                  processed: bool = True, annotations: bool = True) -> Path:
    """An APDM format-version-5 file (Mobility Lab 2): ``/Sensors/<id>/...`` with
    ``Configuration`` attributes ``Label 0`` and ``Sample Rate``."""
    import h5py

    with h5py.File(path, "w") as f:
        if version is not None:
            f.attrs["FileFormatVersion"] = np.int32(version)
        for s in sensors:
            g = f.create_group(f"Sensors/{s.sid}")
            cfg = g.create_group("Configuration")
            cfg.attrs["Label 0"] = np.bytes_(s.label)
            if s.fs is not None:
                cfg.attrs["Sample Rate"] = np.uint16(s.fs) if s.fs == int(s.fs) else s.fs
            g["Accelerometer"] = np.asarray(s.acc, dtype=np.float32)
            g["Gyroscope"] = np.asarray(s.gyro, dtype=np.float32)
            if s.mag is not None:
                g["Magnetometer"] = np.asarray(s.mag, dtype=np.float32)
            if s.temperature is not None:
                g["Temperature"] = np.asarray(s.temperature, dtype=np.float32)
            g["Barometer"] = np.full(len(s.acc), 101.3, dtype=np.float32)
            if s.time is not None:
                g["Time"] = s.time
            if processed:
                q = np.zeros((len(s.acc), 4), dtype=np.float32)
                q[:, 0] = 1.0
                f[f"Processed/{s.sid}/Orientation"] = q
        if annotations and sensors and sensors[0].time is not None:
            dt = np.dtype([("Time", "<u8"), ("Sensor ID", "<u4"), ("Annotation", "S64")])
            t = sensors[0].time
            f["Annotations"] = np.array([(t[0] + 500_000, 0, b"Start of clonus test")],
                                        dtype=dt)
    return path


def write_apdm_legacy(path: Path, sensors: list[ApdmSensor], *, version: int = 4) -> Path:
    """An APDM legacy file (format versions 3-4): root attributes ``CaseIdList`` and
    ``MonitorLabelList``, ``/<case id>/Calibrated/Accelerometers``... and ``SampleRate``."""
    import h5py

    with h5py.File(path, "w") as f:
        f.attrs["FileFormatVersion"] = np.int32(version)
        # fixed-length strings, NUL padded as the public readers strip them
        f.attrs["CaseIdList"] = np.array([s.sid.encode() for s in sensors], dtype="S12")
        f.attrs["MonitorLabelList"] = np.array([s.label.encode() for s in sensors], dtype="S32")
        for s in sensors:
            g = f.create_group(s.sid)
            if s.fs is not None:
                g.attrs["SampleRate"] = np.uint16(s.fs)
            g.attrs["AccelerometersEnabled"] = np.uint8(1)
            g.attrs["GyroscopesEnabled"] = np.uint8(1)
            g["Calibrated/Accelerometers"] = np.asarray(s.acc, dtype=np.float32)
            g["Calibrated/Gyroscopes"] = np.asarray(s.gyro, dtype=np.float32)
            if s.mag is not None:
                g["Calibrated/Magnetometers"] = np.asarray(s.mag, dtype=np.float32)
            if s.time is not None:
                g["Time"] = s.time
    return path


def apdm_v5_file(d: Path, mutate: BinaryMutate = None) -> Path:
    """Two-sensor APDM v5 file, 200 samples at 128 Hz, for byte-wise fuzzing."""
    p = write_apdm_v5(d / "trial.h5", [apdm_sensor("Right Foot", "1264", gyro_x=X),
                                        apdm_sensor("Lumbar", "1784")])
    if mutate is not None:
        p.write_bytes(mutate(p.read_bytes()))
    return p


def _has_h5py() -> bool:
    import importlib.util

    return importlib.util.find_spec("h5py") is not None


if _has_h5py():
    BINARY_FUZZ_TARGETS += [("apdm", apdm_v5_file)]


def _has_openpyxl() -> bool:
    import importlib.util

    return importlib.util.find_spec("openpyxl") is not None


def xlsx_workbook(d: Path, mutate: BinaryMutate = None) -> Path:
    """The generic table (time_s, gyro_x/y in rad/s, acc_z in m/s^2) on one Excel sheet, under
    a title row, beside a sheet of notes; for byte-wise fuzzing."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Trial 1"
    ws.append(["Clonus test, right ankle"])
    ws.append(["time_s", "gyro_x (rad/s)", "gyro_y (rad/s)", "acc_z (m/s^2)"])
    for t, x, y, z in zip(T, X, Y, Z, strict=True):
        ws.append([float(t), float(x), float(y), float(z)])
    wb.create_sheet("Notes").append(["examiner's notes", "none"])
    p = d / "trial.xlsx"
    wb.save(p)
    if mutate is not None:
        p.write_bytes(mutate(p.read_bytes()))
    return p


if _has_openpyxl():
    BINARY_FUZZ_TARGETS += [("xlsx", xlsx_workbook)]
