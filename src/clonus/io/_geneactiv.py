"""GENEActiv raw CSV (GENEActiv PC software, Activinsights).

Layout (``docs/formats.md``, checked on public generators and parsers of the format): a
100-line header of ``key,value`` lines in blocks (device, measurement, subject, study, one
block per sensor, page counts), then one row per sample::

    Device Type,GENEActiv
    Measurement Frequency,100 Hz
    Start Time,2024-03-01 10:00:00:000
    Device Location Code,left ankle
    Subject Code,0003
    ...
    2024-03-01 10:00:00:000,0.0000,0.0193,0.9998,12.0,0,25.2

Data row: time (``YYYY-MM-DD hh:mm:ss:mmm``), acceleration x, y, z in g, light (lux), button
(1 = pressed), temperature (degrees C). Samples are uniform at the measurement frequency,
used as ``fs``; the first and last times are checked against it. The device location
(``left ankle``) is kept in ``metadata["device_location"]``.

An epoch-summary CSV (the PC software's "60 s epoch" export: means, SVM and SDs per epoch,
more than 7 columns) is not raw acceleration and is refused with what to export instead; so is
the binary-page ``.bin`` file (convert it to CSV with the GENEActiv PC software or the GENEAread
R package).

Privacy: the subject, study and operator fields (subject code, date of birth, sex, height,
weight, notes, investigator...) and the device serial are never logged; they appear in
``metadata["geneactiv_identity"]`` only with the default ``anonymize=False``.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import FileFormatError
from ..model import Recording
from ._common import (
    check_declared_rate,
    check_options,
    check_unit_overrides,
    handle_nonfinite,
    head_text,
    make_recording,
    parse_table,
    split_leading_time,
    unit_channel,
)
from ._registry import Reader, register

FMT = "geneactiv-csv"
_ROW = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}[:.]\d{3},")
_NAMES = ("acc_x", "acc_y", "acc_z", "light", "button", "temperature")
_UNITS = ("g", "g", "g", "lux", "AU", "degC")
_IDENTITY_KEYS = ("Device Unique Serial Code", "Subject Code", "Date of Birth", "Sex", "Height",
                  "Weight", "Handedness Code", "Subject Notes", "Study Centre", "Study Code",
                  "Investigator ID", "Exercise Type", "Config Operator ID", "Config Notes",
                  "Extract Operator ID", "Extract Notes")


def sniff(p: Path) -> bool:
    if not p.is_file():
        return False
    head = head_text(p, 256).lstrip("\ufeff").splitlines()
    return bool(head) and head[0].strip().startswith("Device Type,GENEActiv")


def _time(text: str) -> datetime | None:
    t = text.strip()
    for fmt in ("%Y-%m-%d %H:%M:%S:%f", "%Y-%m-%d %H:%M:%S.%f"):
        try:
            return datetime.strptime(t, fmt)
        except ValueError:
            continue
    return None


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options, allowed=("anonymize",))
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise FileFormatError(f"{path}: contains NUL bytes; the file is corrupt. Export it again.")
    lines = raw.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()
    first = next((i for i, ln in enumerate(lines) if _ROW.match(ln)), None)
    header: dict[str, str] = {}
    for ln in lines[: first if first is not None else len(lines)]:
        if "," in ln:
            k, v = ln.split(",", 1)
            header.setdefault(k.strip(), v.strip())
    if first is None:
        raise FileFormatError(
            f"{path}: a GENEActiv header but no data row ('YYYY-MM-DD hh:mm:ss:mmm,x,y,z,...'). "
            "The file is truncated, or it is a summary without samples: export the raw data "
            "CSV from the GENEActiv PC software again.")
    m = re.match(r"^\s*(\d+(?:\.\d+)?)\s*Hz", header.get("Measurement Frequency", ""), re.I)
    if m is None or not float(m.group(1)) > 0:
        raise FileFormatError(
            f"{path}: the header's 'Measurement Frequency' is "
            f"{header.get('Measurement Frequency')!r}, not a rate in Hz. Export the file again, "
            "or read it as a generic CSV with fs=.")
    fs = float(m.group(1))
    body = [ln for ln in lines[first:] if ln.strip()]
    n_fields = body[0].count(",") + 1
    if n_fields != 7:
        raise FileFormatError(
            f"{path}: GENEActiv rows with {n_fields} values; the raw export has 7 (time, x, y, "
            "z, light, button, temperature). This looks like an epoch summary (means and SDs "
            "per epoch), which holds no raw acceleration: export the raw data CSV instead.")
    if len(body) < 2:
        raise FileFormatError(f"{path}: fewer than 2 samples; the file is truncated.")
    first_row = first + 1
    times, rows = split_leading_time(path, body, ",", first_row=first_row)
    mat = parse_table(rows, ",", path=path,
                      first_row=first_row, n_fields=6)
    check_unit_overrides(opts["units"], list(_NAMES), path)
    chans, scales = [], []
    for name, unit in zip(_NAMES, _UNITS, strict=True):
        ch, sc = unit_channel(name, unit, units=opts["units"], source=str(path),
                              kind=None if unit == "g" else "misc")
        chans.append(ch)
        scales.append(sc)
    data = mat.T * np.asarray(scales)[:, None]
    data, _, md_nan = handle_nonfinite(data, list(_NAMES), path=path,
                                       nan_policy=opts["nan_policy"], first_row=first_row)
    t0 = _time(times[0])
    check_declared_rate(path, t0, _time(times[-1]), len(times), fs)
    md: dict[str, Any] = {**md_nan}
    loc = header.get("Device Location Code", "")
    if loc:
        md["device_location"] = loc
    if opts.get("anonymize", False):
        md["anonymized"] = True
    else:
        ident = {k: header[k] for k in _IDENTITY_KEYS if header.get(k)}
        if ident:
            md["geneactiv_identity"] = ident
    return [make_recording(data, fs, chans, path=path, fmt=FMT, start_time=t0,
                           tz_is_local=True, metadata=md)]


register(Reader(
    name=FMT,
    description="GENEActiv raw CSV (GENEActiv PC software): acceleration in g at the "
    "header's measurement frequency",
    extensions=(".csv",),
    sniff=sniff,
    read_groups=read_groups,
))
