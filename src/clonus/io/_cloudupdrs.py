"""CloudUPDRS (Android) accelerometer CSV.

Layout (``../shared/docs/formats.md`` §1.5, checked on the ``pdkit/pdkit`` test data, MIT): no
header; one row per sample::

    21521946631000,0.6946377,1.5390993,8.771504,3

``timestamp_ns, acc_x, acc_y, acc_z, accuracy_flag``, or in the 2011 gait files
``timestamp_ns, acc_x, acc_y, acc_z, azimuth, pitch, roll,`` (the orientation sensor's angles in
whole degrees, skipped; each row ends with a comma): the timestamp in nanoseconds (Android
``SensorEvent.timestamp``, time since boot, so it carries no date), the acceleration in m/s^2
including gravity, and the sensor's accuracy status (0 unreliable ... 3 high). Sampling is
irregular: about 100 Hz in the 2016-17 files, 47-53 Hz with 18-40 ms jitter in the 2011 files,
with occasional gaps. The samples are put on a uniform grid like every irregular export.

Detection: no header; the first rows split on ``,`` into exactly 5 numbers (the last an integer
flag 0-3) or 7 (the last three angles in whole degrees), the first an integer of at least 10
digits, 2-200 ms apart in nanoseconds, and the next three with a magnitude of 0.3-4 g (a phone at
rest reads 1 g). Other loggers' headerless rows (milliseconds since 1970, a gyroscope with
fractions where the angles would be) are not taken for this format. Rows whose accuracy flag is 0
("unreliable") are counted in ``metadata["unreliable_rows"]`` and kept.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import FileFormatError
from ..model import Recording
from ..units import G0
from ._common import (
    check_options,
    check_unit_overrides,
    clean_timestamps,
    data_lines,
    handle_nonfinite,
    head_text,
    make_recording,
    parse_table,
    uniform_from_timestamps,
    unit_channel,
)
from ._registry import Reader, register

FMT = "cloudupdrs"
_NAMES = ("acc_x", "acc_y", "acc_z")


def _cells(line: str) -> list[str]:
    cells = [c.strip() for c in line.split(",")]
    if cells and cells[-1] == "":
        cells = cells[:-1]  # the 2011 gait files end each row with a comma
    return cells


def _row_ok(cells: list[str]) -> bool:
    if len(cells) not in (5, 7):
        return False
    ts = cells[0]
    if not (ts.isdigit() and len(ts) >= 10):
        return False
    try:
        acc = [float(c) for c in cells[1:4]]
        rest = [float(c) for c in cells[4:]]
    except ValueError:
        return False
    if len(cells) == 5 and cells[4] not in ("0", "1", "2", "3"):
        return False
    # the 2011 orientation sensor wrote whole degrees; a gyroscope in those columns (another
    # app's "timestamp, acc, gyro" rows) has fractions
    if len(cells) == 7 and not (all(c.lstrip("-").isdigit() for c in cells[4:])
                                and abs(rest[0]) <= 360 and abs(rest[1]) <= 180
                                and abs(rest[2]) <= 180):
        return False
    mag = float(np.sqrt(np.sum(np.square(acc))))
    return 0.3 * G0 <= mag <= 4.0 * G0


def sniff(p: Path) -> bool:
    if not p.is_file():
        return False
    text = head_text(p, 4096)
    if "\x00" in text:
        return False
    lines = [ln for ln in text.splitlines() if ln.strip()][:9]
    if len(lines) < 3:
        return False
    if re.search(r"[A-DF-Za-df-z]", lines[0]):
        return False  # a header row: this format has none (letters other than an exponent)
    # the last line of the head may be cut off; one damaged row among the first ones is left
    # for the reader to name
    ok = [_row_ok(_cells(ln)) for ln in lines[:-1]]
    if sum(ok) < max(2, len(ok) - 1):
        return False
    # Android SensorEvent timestamps in nanoseconds: 5-100 ms apart (10-200 Hz). Milliseconds
    # since 1970 (13 digits, ~10 apart) or microseconds are another logger's.
    ts = [int(_cells(ln)[0]) for ln, good in zip(lines[:-1], ok, strict=True) if good]
    steps = np.diff(ts)
    steps = steps[steps > 0]
    return steps.size > 0 and 2e6 <= float(np.median(steps)) <= 2e8


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options)
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise FileFormatError(f"{path}: contains NUL bytes; it is corrupt or not a CloudUPDRS "
                              "export. Export it again.")
    lines = data_lines(raw.decode("utf-8", errors="replace").lstrip("\ufeff"))
    if len(lines) < 2:
        raise FileFormatError(f"{path}: at least 2 samples are needed, found {len(lines)}.")
    first = _cells(lines[0])
    if not _row_ok(first):
        raise FileFormatError(
            f"{path}: the first row {lines[0][:60]!r} is not a CloudUPDRS sample (this format "
            "has no header: 5 numbers per row, timestamp_ns, acc_x, acc_y, acc_z in m/s^2, "
            "accuracy flag 0-3). The file looks damaged: export it again, or delete that row.")
    n_fields = len(first)
    trailing = lines[0].rstrip().endswith(",")
    mat = parse_table(lines, ",", path=path, first_row=1, n_fields=n_fields,
                      strip_trailing_sep=trailing)
    # nanosecond timestamps since boot reach 1e15-1e16: subtract the first one exactly (as
    # integers) before going to seconds, so that float rounding does not add jitter
    try:
        ns = np.array([int(ln.split(",", 1)[0]) for ln in lines if ln.strip()], dtype=np.int64)
    except ValueError as exc:
        raise FileFormatError(f"{path}: a timestamp is not an integer number of nanoseconds "
                              f"({exc}). Fix or delete that row.") from exc
    t = (ns - ns[0]).astype(np.float64) * 1e-9
    check_unit_overrides(opts["units"], list(_NAMES), path)
    chans, scales = [], []
    for nm in _NAMES:
        ch, sc = unit_channel(nm, "m/s^2", units=opts["units"], source=str(path))
        chans.append(ch)
        scales.append(sc)
    data = mat[:, 1:4].T * np.asarray(scales)[:, None]
    # 5 fields: an accuracy flag; 7 (2011 gait files): the orientation sensor's azimuth,
    # pitch and roll in whole degrees, skipped (the accelerometer carries the motion)
    flags = mat[:, 4] if n_fields == 5 else np.full(mat.shape[0], 3.0)
    data, t2, md_nan = handle_nonfinite(data, list(_NAMES), path=path,
                                        nan_policy=opts["nan_policy"], timestamps=t,
                                        first_row=1)
    assert t2 is not None
    t2, data, md_ts = clean_timestamps(t2, data, path=path, first_row=1)
    data, fs, md_u = uniform_from_timestamps(t2, data, path=path)
    md: dict[str, Any] = {**md_nan, **md_ts, **md_u,
                          "time_since_boot_s": float(ns[0]) * 1e-9,
                          "unreliable_rows": int(np.sum(flags == 0))}
    if n_fields == 7:
        md["skipped_columns"] = ["azimuth (deg)", "pitch (deg)", "roll (deg)"]
    return [make_recording(data, fs, chans, path=path, fmt=FMT, metadata=md)]


register(Reader(
    name=FMT,
    description="CloudUPDRS (Android) headerless CSV: timestamp_ns, acc_x, acc_y, acc_z (m/s^2 "
    "with gravity), accuracy flag",
    extensions=(".csv",),
    sniff=sniff,
    read_groups=read_groups,
))
