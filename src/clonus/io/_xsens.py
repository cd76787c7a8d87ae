"""Xsens / Movella exports: DOT app CSV and MT Manager ASCII (MTi, MTw). Layout unverified.

No licensed export was available; the layouts come from exports seen in public repositories
(``docs/formats.md``) and the units from the Xsens manuals (DOT user manual XD0502P rev. E
§4.2; MTw Awinda user manual, exported-data table):

* **DOT** (``DeviceTag:`` preamble)::

      sep=,
      DeviceTag:,<tag>
      FirmwareVersion:,2.0.0
      OutputRate:,60Hz
      StartTime: ,2021-08-20_20:21:13_804 GMT+8
      ...
      PacketCounter,SampleTimeFine,Euler_X,...,Acc_X,...,Gyr_X,...

  ``SampleTimeFine`` in microseconds (1 MHz device clock, wraps at 2**32 us, about 72 min);
  ``Acc`` and ``FreeAcc`` (earth frame, gravity removed) in m/s^2; ``Gyr`` in **deg/s**;
  ``Euler`` in deg; ``Mag`` in arbitrary units (about 40 uT).
* **MT Manager** (``//`` preamble, usually tab-separated)::

      // Start Time: Unknown
      // Update Rate: 100.0Hz
      PacketCounter<TAB>SampleTimeFine<TAB>...<TAB>Acc_X<TAB>...<TAB>Gyr_X...

  ``SampleTimeFine`` in 10 kHz ticks (wraps at 2**32); ``Gyr`` in **rad/s**; ``Acc`` m/s^2;
  ``Roll/Pitch/Yaw`` or ``Euler_*`` in deg; ``Mag`` a.u. When ``SampleTimeFine`` is empty the
  time comes from ``PacketCounter`` (16-bit, wraps at 65536) and the ``Update Rate``.
* **No preamble** (scripts using the SDK): the ``SampleTimeFine`` unit is inferred from the
  typical interval (>= 5000 ticks: microseconds, as DOT; below: 10 kHz ticks, as MTi) and
  recorded in ``metadata["time_unit"]``; the gyroscope unit cannot be known (DOT writes deg/s,
  MTi rad/s), so ``Gyr_*`` channels stay ``"AU"`` with a :class:`UnitWarning` unless
  ``units="deg/s"`` or ``units={"gyro_x": "rad/s", ...}`` is passed.

Channels: ``Acc_*`` -> ``acc_*``, ``FreeAcc_*`` -> ``linacc_*`` (kind ``acc``), ``Gyr_*`` ->
``gyro_*``, ``Euler_*``/``Roll``/``Pitch``/``Yaw`` -> kind ``misc`` in rad (sensor orientation
in the earth frame, not a joint angle), ``Mag_*`` -> ``misc`` in ``"AU"``. An export without
``Gyr_*`` (DOT's sensor-fusion payloads: orientation + free acceleration; the inertial-data
payload: ``dq``/``dv``) gets ``gyro_x/y/z`` in rad/s derived in the sensor frame, from the
orientation increments ``dq`` (rotvec(dq) / output period), else the quaternion ``Quat_*``,
else the Euler angles (R = Rz(yaw) Ry(pitch) Rx(roll)), by central differences of the rotation
between neighbouring samples; without ``Acc_*``, ``dv`` / output period gives ``acc_x/y/z``
(with gravity). ``metadata["derived"]`` says which. Other quaternion, rotation-matrix, status
and UTC columns are listed in ``metadata["skipped_columns"]``. Timestamps are handled like
every timestamped format (unwrapped, checked, resampled only if irregular); lost packets
(``PacketCounter`` jumps, common when streaming over Bluetooth) show as ``gaps`` and
``metadata["lost_packets"]``. DOT exports start with a row of zeros (packet 0) which is dropped
(``metadata["dropped_zero_rows"]``). ``fs=`` gives the rate when a file has neither
``SampleTimeFine`` values nor a rate line.
``DeviceTag`` is a name chosen by the user (often the participant's initials): it is kept in
``metadata["xsens_identity"]`` only when ``anonymize=False`` and never shown by ``clonus info``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from .._logging import logger
from ..exceptions import FileFormatError, InvalidParameterError
from ..model import Recording
from ._common import (
    Container,
    check_options,
    check_unit_overrides,
    clean_timestamps,
    data_lines,
    handle_nonfinite,
    head_text,
    make_recording,
    parse_table,
    sniff_sep,
    uniform_from_timestamps,
    unit_channel,
)
from ._registry import Reader, register

FMT = "xsens"
_SIGNAL_PREFIXES = ("Acc_", "FreeAcc_", "Gyr_", "Euler_", "Mag_", "Quat_", "dq_", "dv_")
_AXIS_RE = re.compile(r"^(Acc|FreeAcc|Gyr|Euler|Mag)_([XYZ])$", re.I)
_RPY = {"roll": "roll", "pitch": "pitch", "yaw": "yaw"}
_QUAT_SETS = (("quat_w", "quat_x", "quat_y", "quat_z"),
              ("quat_q0", "quat_q1", "quat_q2", "quat_q3"))
_DQ = ("dq_w", "dq_x", "dq_y", "dq_z")
_DV_SETS = (("dv_x", "dv_y", "dv_z"), ("dv[1]", "dv[2]", "dv[3]"))
_EULER_SETS = (("euler_x", "euler_y", "euler_z"), ("roll", "pitch", "yaw"))


def _find(cols: list[str], names: tuple[str, ...]) -> list[int] | None:
    low = {c.lower(): j for j, c in enumerate(cols)}
    return [low[n] for n in names] if all(n in low for n in names) else None


def _rotations(q_wxyz: np.ndarray) -> tuple[Any, np.ndarray]:
    """scipy Rotations of the valid rows (finite, non-zero quaternions) and their mask."""
    from scipy.spatial.transform import Rotation

    norm = np.linalg.norm(q_wxyz, axis=1)
    ok = np.isfinite(q_wxyz).all(axis=1) & (norm > 1e-6)
    q = q_wxyz[ok] / norm[ok, None]
    return Rotation.from_quat(q[:, [1, 2, 3, 0]]), ok


def _rate_from_orientation(rot: Any, ok: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Angular velocity in the sensor frame (rad/s, shape (3, n)) from the orientations ``rot``
    (sensor to earth) of the rows where ``ok``: central differences of the rotation between
    neighbouring samples, omega_i = rotvec(R_{i-1}^T R_{i+1}) / (t_{i+1} - t_{i-1});
    one-sided at the ends. Other rows are NaN."""
    out = np.full((3, t.size), np.nan)
    idx = np.flatnonzero(ok)
    if idx.size < 2:
        return out
    tt = t[idx]
    lo = np.concatenate([[0], np.arange(idx.size - 2), [idx.size - 2]])
    hi = np.concatenate([[1], np.arange(2, idx.size), [idx.size - 1]])
    rel = rot[lo].inv() * rot[hi]
    out[:, idx] = (rel.as_rotvec() / (tt[hi] - tt[lo])[:, None]).T
    return out


def _derived_inertial(
    cols: list[str], mat: np.ndarray, t: np.ndarray, period_s: float
) -> tuple[list[tuple[str, str, str, np.ndarray]], dict[str, str]]:
    """Gyroscope (and accelerometer) channels derived when the export has none.

    Angular velocity from, in this order: the orientation increments ``dq`` (strapdown
    integration output: rotvec(dq) / output period), the orientation quaternion ``Quat_*``,
    or the Euler angles (Xsens convention: R = Rz(yaw) Ry(pitch) Rx(roll), degrees).
    Acceleration from the velocity increments ``dv`` (dv / output period; like ``Acc``, it
    includes gravity). Returns (name, kind, unit, values) rows and ``metadata["derived"]``.
    """
    low = {c.lower() for c in cols}
    rows: list[tuple[str, str, str, np.ndarray]] = []
    how: dict[str, str] = {}
    if not any(c.startswith("gyr_") for c in low):
        rate = None
        dq = _find(cols, _DQ)
        if dq is not None:
            rot, ok = _rotations(mat[:, dq])
            rate = np.full((3, t.size), np.nan)
            rate[:, ok] = (rot.as_rotvec() / period_s).T
            how["gyro"] = f"orientation increments dq / {period_s:.6g} s"
        else:
            for names in _QUAT_SETS:
                ix = _find(cols, names)
                if ix is not None:
                    rate = _rate_from_orientation(*_rotations(mat[:, ix]), t)
                    how["gyro"] = f"orientation quaternion ({', '.join(cols[j] for j in ix)})"
                    break
        if rate is None:
            for names in _EULER_SETS:
                ix = _find(cols, names)
                if ix is None:
                    continue
                from scipy.spatial.transform import Rotation

                e = mat[:, ix]
                ok = np.isfinite(e).all(axis=1)
                if ok.any():  # Xsens: R = Rz(yaw) Ry(pitch) Rx(roll)
                    rot = Rotation.from_euler("ZYX", e[ok][:, ::-1], degrees=True)
                    rate = _rate_from_orientation(rot, ok, t)
                    how["gyro"] = f"Euler angles ({', '.join(cols[j] for j in ix)}; ZYX, deg)"
                break
        if rate is not None:
            rows += [(f"gyro_{a}", "gyro", "rad/s", rate[k]) for k, a in enumerate("xyz")]
    if not any(c.startswith("acc_") for c in low):
        for names in _DV_SETS:
            ix = _find(cols, names)
            if ix is not None:
                rows += [(f"acc_{a}", "acc", "m/s^2", mat[:, j] / period_s)
                         for a, j in zip("xyz", ix, strict=True)]
                how["acc"] = f"velocity increments ({', '.join(cols[j] for j in ix)}) / " \
                             f"{period_s:.6g} s"
                break
    return rows, how


def _split_preamble(lines: list[str]) -> tuple[list[str], int]:
    """Return (preamble lines, index of the header row) or (.., -1) if no header row."""
    pre: list[str] = []
    for i, ln in enumerate(lines[:60]):
        s = ln.strip().strip("\ufeff")
        if "PacketCounter" in s and any(tok in s for tok in ("SampleTimeFine", *_SIGNAL_PREFIXES,
                                                             "Roll", "Counter")):
            return pre, i
        pre.append(s)
    return pre, -1


def sniff(p: Path) -> bool:
    if not p.is_file():
        return False
    lines = head_text(p, 4096).splitlines()
    pre, i = _split_preamble(lines)
    if i < 0:
        return False
    header = lines[i]
    sep = sniff_sep(header)
    cols = [c.strip().strip('"') for c in header.split(sep)]
    return cols[0] == "PacketCounter" and any(c.startswith(_SIGNAL_PREFIXES) or c in
                                              ("Roll", "Pitch", "Yaw") for c in cols)


def _preamble_fields(pre: list[str]) -> tuple[str, dict[str, str]]:
    """Dialect (``dot``, ``mtmanager`` or ``plain``) and the ``key: value`` pairs."""
    fields: dict[str, str] = {}
    dialect = "plain"
    for ln in pre:
        if ln.startswith("//"):
            dialect = "mtmanager" if dialect == "plain" else dialect
            key, _, val = ln[2:].partition(":")
        elif ":" in ln and not ln.lower().startswith("sep="):
            key, _, val = ln.partition(":")
            val = val.lstrip(",;\t ").strip()
        else:
            continue
        key = key.strip().strip('"')
        fields[key] = val.strip().strip('"').strip(",;").strip()
        if key == "DeviceTag":
            dialect = "dot"
    return dialect, fields


def _rate_hz(text: str | None) -> float | None:
    m = re.search(r"([0-9]+(?:\.[0-9]+)?)\s*Hz", text or "", re.I)
    return float(m.group(1)) if m else None


def _start_time(text: str | None) -> tuple[datetime | None, str | None]:
    """``2021-08-20_20:21:13_804 GMT+8`` -> (naive local datetime, ``"+08:00"``)."""
    if not text:
        return None, None
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})[_ T](\d{2}):(\d{2}):(\d{2})(?:[_.](\d{1,6}))?"
                  r"(?:\s*(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?)?", text)
    if not m:
        return None, None
    g = m.groups()
    frac = g[6] or "0"
    try:
        dt = datetime(int(g[0]), int(g[1]), int(g[2]), int(g[3]), int(g[4]), int(g[5]),
                      int(frac.ljust(6, "0")[:6]))
    except ValueError:
        return None, None
    off = f"{g[7]}{int(g[8]):02d}:{int(g[9] or 0):02d}" if g[7] else None
    return dt, off


def _unwrap(x: np.ndarray, bits: int) -> np.ndarray:
    """Undo the wrap-around of an unsigned counter of ``bits`` bits."""
    d = np.diff(x)
    period = float(2 ** bits)
    d = np.where(d < -period / 2, d + period, d)
    return np.concatenate([[x[0]], x[0] + np.cumsum(d)])


def _channel_for(col: str) -> tuple[str, str, str | None] | None:
    """(clonus name, kind, unit or a dialect placeholder) for a signal column, else None."""
    m = _AXIS_RE.match(col)
    if m:
        group, axis = m.group(1).lower(), m.group(2).lower()
        return {"acc": (f"acc_{axis}", "acc", "m/s^2"),
                "freeacc": (f"linacc_{axis}", "acc", "m/s^2"),
                "gyr": (f"gyro_{axis}", "gyro", "<gyro>"),
                "euler": (f"euler_{axis}", "misc", "deg"),
                "mag": (f"mag_{axis}", "misc", "a.u.")}[group]
    if col.lower() in _RPY:
        return _RPY[col.lower()], "misc", "deg"
    return None


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options, allowed=("anonymize", "fs"))
    anonymize = bool(opts.get("anonymize", False))
    fs_opt = opts.get("fs")
    if fs_opt is not None and (isinstance(fs_opt, bool) or not isinstance(fs_opt, (int, float))
                               or not 0 < float(fs_opt) < 1e6):
        raise InvalidParameterError(f"fs must be a positive rate in Hz, got {fs_opt!r}.")
    with Container(path) as c:
        text = c.read_text(c.names[0])
    lines = data_lines(text)
    pre, hi = _split_preamble(lines)
    if hi < 0:
        raise FileFormatError(f"{path}: no 'PacketCounter,...' header row in the first 60 lines; "
                              "this is not an Xsens export. Export it again from the app.")
    dialect, fields = _preamble_fields(pre)
    sep = sniff_sep(lines[hi])
    cols = [x.strip().strip('"') for x in lines[hi].split(sep)]
    trailing = cols[-1] == "" and len(cols) > 1
    if trailing:
        cols = cols[:-1]
    if len(set(cols)) != len(cols) or "" in cols:
        raise FileFormatError(f"{path}: the header row has empty or repeated column names "
                              f"({cols}); the header is damaged. Export the file again.")
    body = lines[hi + 1:]
    if len([b for b in body if b.strip()]) < 2:
        raise FileFormatError(f"{path}: fewer than 2 data rows after the header; the file is "
                              "truncated. Export it again.")
    mat = parse_table(body, sep, path=path, first_row=hi + 2, n_fields=len(cols),
                      strip_trailing_sep=trailing)
    col_ix = {name: j for j, name in enumerate(cols)}

    # which columns are signals
    signals, skipped = [], []
    for j, col in enumerate(cols):
        if col in ("PacketCounter", "SampleTimeFine", "SampleTimeCoarse"):
            continue
        spec = _channel_for(col)
        if spec is None or np.isnan(mat[:, j]).all():
            if not np.isnan(mat[:, j]).all():
                skipped.append(col)
            continue
        signals.append((j, *spec))
    md: dict[str, Any] = {"dialect": dialect}
    if skipped:
        md["skipped_columns"] = skipped

    # time base
    nominal = _rate_hz(fields.get("OutputRate") or fields.get("Update Rate"))
    counter = mat[:, col_ix["PacketCounter"]]
    stf = mat[:, col_ix["SampleTimeFine"]] if "SampleTimeFine" in col_ix else None
    if stf is not None and np.isfinite(stf).any() and not np.isnan(stf).all():
        if np.isnan(stf).any():
            i = int(np.flatnonzero(np.isnan(stf))[0])
            raise FileFormatError(f"{path}: SampleTimeFine is empty in data row {hi + 2 + i}. "
                                  "Fix or delete that row, or export the file again.")
        raw_t = _unwrap(stf, 32)
        if dialect == "dot":
            tick, md["time_unit"] = 1e-6, "us"
        elif dialect == "mtmanager":
            tick, md["time_unit"] = 1e-4, "10 kHz ticks"
        else:
            med = float(np.median(np.diff(raw_t))) if raw_t.size > 1 else 0.0
            tick = 1e-6 if med >= 5000 else 1e-4
            md["time_unit"] = ("us (inferred from the interval)" if tick == 1e-6 else
                               "10 kHz ticks (inferred from the interval)")
        t = (raw_t - raw_t[0]) * tick
    else:
        rate = float(fs_opt) if fs_opt is not None else nominal
        if rate is None:
            raise FileFormatError(
                f"{path}: no SampleTimeFine values and no output rate in the header, so the "
                "sampling rate is unknown. Pass fs= (the rate set in MT Manager), or export "
                "SampleTimeFine.")
        if np.isnan(counter).any():
            raise FileFormatError(f"{path}: PacketCounter is empty in some rows; export again.")
        t = (_unwrap(counter, 16 if dialect == "mtmanager" else 32) - counter[0]) / rate
        md["time_unit"] = f"PacketCounter / {rate:g} Hz"
    if np.isfinite(counter).all() and counter.size > 1:
        dc = np.diff(_unwrap(counter, 16 if dialect == "mtmanager" else 32))
        lost = int(np.clip(dc - 1, 0, None).sum())
        if lost:
            md["lost_packets"] = lost

    # DOT's packet 0: every inertial and orientation value exactly zero (a zero quaternion is
    # no orientation; zero Euler angles would be read as one), dropped before deriving rates
    inert = [j for j, _, kind, _ in signals if kind in ("acc", "gyro")] or [
        j for j, c in enumerate(cols)
        if c.lower().startswith(("quat_", "dq_", "dv", "euler_")) or c.lower() in _RPY]
    zero = int(bool(inert) and mat.shape[0] > 2 and np.all(mat[0, inert] == 0.0))
    t_all = t
    if zero:
        mat, t = mat[1:], t[1:]
    period = 1.0 / nominal if nominal else (float(np.median(np.diff(t))) if t.size > 1 else 0.0)
    derived, how = _derived_inertial(cols, mat, t, period) if period > 0 else ([], {})
    if not signals and not derived:
        raise FileFormatError(f"{path}: no acceleration, gyroscope, orientation or magnetometer "
                              f"columns (found {cols}). Export Acc/Gyr data from the app.")
    if how:
        md["derived"] = how
        used = {"gyro": ("dq_", "quat_", "euler_", "roll", "pitch", "yaw"), "acc": ("dv",)}
        prefixes = tuple(u for k in how for u in used[k])
        left = [c for c in md.pop("skipped_columns", []) if not c.lower().startswith(prefixes)]
        if left:
            md["skipped_columns"] = left
        logger.info("%s: no %s columns; derived from %s", path, " or ".join(sorted(how)),
                    "; ".join(how.values()))
    names = [s[1] for s in signals] + [d[0] for d in derived]
    check_unit_overrides(opts["units"], names, path)
    gyro_unit = {"dot": "deg/s", "mtmanager": "rad/s"}.get(dialect)
    chans, rows = [], []
    for j, name, kind, unit in signals:
        if unit == "<gyro>":
            unit = gyro_unit
        ch, sc = unit_channel(name, unit, units=opts["units"], source=str(path), kind=kind)
        chans.append(ch)
        rows.append(mat[:, j] * sc)
    for name, kind, unit, values in derived:
        ch, sc = unit_channel(name, unit, units=None, source=str(path), kind=kind)
        chans.append(ch)
        rows.append(values * sc)
    data = np.vstack(rows)

    # DOT writes packet 0 with every inertial value exactly zero (only the first row: later
    # exact zeros are data, e.g. a saturated or idle axis)
    if zero:
        dropped_s = float(t_all[1])
        t = t - t[0]
        md["dropped_zero_rows"] = zero
    data, t, md_nan = handle_nonfinite(data, [ch.name for ch in chans], path=path,
                                       nan_policy=opts["nan_policy"], timestamps=t,
                                       first_row=hi + 2 + zero)
    t, data, md_rep = clean_timestamps(t, data, path=path, first_row=hi + 2 + zero)
    data, fs, md_t = uniform_from_timestamps(t, data, path=path)
    md.update(md_nan)
    md.update(md_rep)
    md.update(md_t)
    if nominal:
        md["nominal_fs_hz"] = nominal
    for key in ("FirmwareVersion", "AppVersion", "SyncStatus", "FilterProfile",
                "Measurement Mode", "Filter Profile", "Firmware Version", "Option Flags"):
        if key in fields:
            md[key.replace(" ", "_").lower()] = fields[key]
    start, offset = _start_time(fields.get("StartTime") or fields.get("Start Time"))
    if start is not None and zero:
        start = start + timedelta(seconds=dropped_s)  # the header time is packet 0's
    if offset:
        md["utc_offset"] = offset
    if "DeviceTag" in fields:
        if anonymize:
            md["anonymized"] = True
        else:
            md["xsens_identity"] = {"DeviceTag": fields["DeviceTag"]}
    logger.info("%s: Xsens %s export, %d channels at %.6g Hz", path, dialect, len(chans), fs)
    return [make_recording(data, fs, chans, path=path, fmt=FMT, start_time=start,
                           tz_is_local=True, metadata=md)]


register(Reader(
    name=FMT,
    description="Xsens/Movella DOT CSV or MT Manager ASCII export (layout unverified)",
    extensions=(".csv", ".txt"),
    sniff=sniff,
    read_groups=read_groups,
))
