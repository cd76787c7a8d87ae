"""EDF, EDF+, BDF and BDF+ files (pyedflib), with an anonymiser and a writer.

Detection: the version field (first 8 bytes) is ``"0       "`` (EDF) or ``0xFF "BIOSEMI"``
(BDF) and the header-size and signal-count fields are numbers. Before pyedflib opens the file
the fixed header is checked here so that truncated or corrupt files give a clear
:class:`FileFormatError` naming the field (pyedflib's own errors are terse).

* Per-signal rate = samples per record / record duration; **signals at different rates are
  returned as separate groups** (``read_all``), and ``read`` asks for ``channels=`` or
  ``resample_to_hz=`` instead of resampling.
* Units come from the physical-dimension field; an empty or unknown one gives a
  :class:`UnitWarning` and ``"AU"`` (override with ``units={label: "uV"}``).
* The start time is returned as written (a naive local time, ``tz_is_local=True``; EDF+
  specifies local time). It is never converted.
* Patient and recording identification fields are never logged. They are kept in
  ``metadata["edf_identity"]`` only when ``anonymize=False`` (the default);
  ``anonymize=True`` leaves them out, and :func:`anonymize_edf` writes a copy of the file with
  them blanked. EDF+ annotation texts (``metadata["annotations"]``) are typed by the examiner
  and may name the subject: ``anonymize=True`` keeps only their onsets and durations.
"""

from __future__ import annotations

import math
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import FileFormatError, InvalidParameterError, MissingDependencyError
from ..model import Channel, Recording
from ..model.recording import CHANNEL_KINDS
from ._common import (
    check_options,
    check_unit_overrides,
    handle_nonfinite,
    make_recording,
    read_head,
    unit_channel,
    writer_path,
)
from ._registry import Reader, register

FMT = "edf"

#: Header fields that identify a person; blanked by ``anonymize``.
IDENTITY_FIELDS = ("patientname", "patientcode", "birthdate", "sex", "gender",
                   "patient_additional", "technician", "equipment", "admincode",
                   "recording_additional")


def _pyedflib() -> Any:
    try:
        import pyedflib
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
            "Reading EDF/BDF needs pyedflib: pip install 'clonus[edf]'.") from exc
    return pyedflib


def _field(h: bytes, a: int, b: int) -> str:
    return h[a:b].decode("ascii", errors="replace").strip()


def sniff(p: Path) -> bool:
    if not p.is_file():
        return False
    h = read_head(p, 256)
    if len(h) < 256:
        return False
    if not (h[:8] == b"0       " or h[:8] == b"\xffBIOSEMI"):
        return False
    return _field(h, 184, 192).isdigit() and _field(h, 252, 256).isdigit()


def check_header(p: Path) -> dict[str, Any]:
    """Validate the fixed EDF/BDF header and the file size; return the parsed fields.

    Raises
    ------
    FileFormatError
        Naming the first field that is wrong, or the missing bytes of a truncated file.
    """
    size = p.stat().st_size
    with open(p, "rb") as fh:
        h = fh.read(256)
        if len(h) < 256:
            raise FileFormatError(f"{p}: only {len(h)} bytes; an EDF header alone is 256 bytes. "
                                  "The file is truncated; copy or export it again.")
        bdf = h[:8] == b"\xffBIOSEMI"
        if not (bdf or h[:8] == b"0       "):
            raise FileFormatError(f"{p}: the version field is {h[:8]!r}, expected '0' (EDF) or "
                                  "0xFF'BIOSEMI' (BDF). This is not an EDF/BDF file.")

        def num(a: int, b: int, name: str, kind: type = int) -> Any:
            s = _field(h, a, b)
            try:
                v = kind(s)
            except ValueError:
                raise FileFormatError(
                    f"{p}: header field '{name}' is {s!r}, not a number. The header is corrupt; "
                    "check whether EDFbrowser opens the file, or export it again."
                ) from None
            return v

        hdr_bytes = num(184, 192, "number of bytes in header")
        n_rec = num(236, 244, "number of data records")
        rec_dur = num(244, 252, "duration of a data record", float)
        ns = num(252, 256, "number of signals")
        if ns < 1 or hdr_bytes != 256 * (ns + 1):
            raise FileFormatError(
                f"{p}: the header says {ns} signals and {hdr_bytes} header bytes, but "
                f"{ns} signals need {256 * (ns + 1)} bytes. The header is corrupt; export the "
                "file again.")
        if not (math.isfinite(rec_dur) and rec_dur >= 0):
            raise FileFormatError(f"{p}: the data-record duration {rec_dur!r} s is not valid.")
        sh = fh.read(256 * ns)
        if len(sh) < 256 * ns:
            raise FileFormatError(f"{p}: the signal headers are cut off ({len(sh)} of "
                                  f"{256 * ns} bytes). The file is truncated.")
    # per-signal fields: label 16, transducer 80, dimension 8, pmin/pmax/dmin/dmax 8 each,
    # prefilter 80 -> samples per record start at 216 * ns
    off = 216 * ns
    labels = [_field(sh, 16 * i, 16 * i + 16) for i in range(ns)]
    nsamp = []
    for i in range(ns):
        s = _field(sh, off + 8 * i, off + 8 * i + 8)
        if not s.isdigit():
            raise FileFormatError(
                f"{p}: samples-per-record of signal {labels[i]!r} is {s!r}, not a number. The "
                "header is corrupt; check whether EDFbrowser opens the file, or export it again.")
        nsamp.append(int(s))
    for j, name in enumerate(("physical minimum", "physical maximum", "digital minimum",
                              "digital maximum")):
        base = 16 * ns + 80 * ns + 8 * ns + 8 * ns * j
        for i in range(ns):
            s = _field(sh, base + 8 * i, base + 8 * i + 8)
            try:
                float(s)
            except ValueError:
                raise FileFormatError(
                    f"{p}: the {name} of signal {labels[i]!r} is {s!r}, not a number. The header "
                    "is corrupt; export the file again.") from None
    width = 3 if bdf else 2
    rec_bytes = sum(nsamp) * width
    expected = hdr_bytes + max(n_rec, 0) * rec_bytes
    if n_rec < 1:
        raise FileFormatError(f"{p}: the header says {n_rec} data records; nothing to read "
                              "(a recording still in progress writes -1). Close the recording "
                              "on the device and export it again.")
    if size < expected:
        complete = (size - hdr_bytes) // rec_bytes if rec_bytes else 0
        raise FileFormatError(
            f"{p}: the file is truncated: the header announces {n_rec} data records "
            f"({expected} bytes) but the file has {size} bytes ({complete} complete records). "
            "Copy or export it again.")
    return {"bdf": bdf, "n_records": n_rec, "record_duration_s": rec_dur, "labels": labels,
            "samples_per_record": nsamp}


def read_groups(path: Path, **options: Any) -> list[Recording]:
    opts = check_options(path, FMT, options, allowed=("anonymize",))
    anonymize = bool(opts.get("anonymize", False))
    hdr = check_header(path)
    pyedflib = _pyedflib()
    try:
        f = pyedflib.EdfReader(str(path))
    except OSError as exc:
        raise FileFormatError(
            f"{path}: pyedflib cannot open this EDF/BDF file ({exc}). The file does not follow "
            "the EDF specification; check whether EDFbrowser opens it, or export it again."
        ) from exc
    try:
        n = f.signals_in_file
        labels = [str(x).strip() for x in f.getSignalLabels()]
        if len(set(labels)) != len(labels):
            seen: dict[str, int] = {}
            new = []
            for lab in labels:
                seen[lab] = seen.get(lab, 0) + 1
                new.append(lab if seen[lab] == 1 else f"{lab}_{seen[lab]}")
            labels = new
        check_unit_overrides(opts["units"], labels, path)
        fss = [float(f.getSampleFrequency(i)) for i in range(n)]
        chans, sigs = [], []
        for i in range(n):
            unit = str(f.getPhysicalDimension(i)).strip() or None
            ch, scale = unit_channel(labels[i], unit, units=opts["units"], source=str(path))
            transducer = str(f.getTransducer(i)).strip().lower()
            if ch.kind == "misc" and transducer in CHANNEL_KINDS:
                # write_edf stores the kind in the transducer field; trust it when the label
                # and unit say nothing more specific
                ch = Channel(ch.name, transducer, ch.unit, ch.orig_unit)
            chans.append(ch)
            sigs.append(np.asarray(f.readSignal(i), dtype=np.float64) * scale)
        start = f.getStartdatetime()
        header = f.getHeader()
        md_base: dict[str, Any] = {
            "edf_type": "bdf" if hdr["bdf"] else "edf",
            "n_records": hdr["n_records"],
            "record_duration_s": hdr["record_duration_s"],
            "prefilter": {labels[i]: str(f.getPrefilter(i)).strip() for i in range(n)
                          if str(f.getPrefilter(i)).strip()},
        }
        try:
            ann = f.readAnnotations()
            if len(ann[0]):
                # texts are typed by the examiner and may name the subject: left out with
                # anonymize=True (times kept), as the APDM reader does
                md_base["annotations"] = [
                    {"onset_s": float(o), "duration_s": float(d) if float(d) >= 0 else None,
                     **({} if anonymize else {"text": str(t)})}
                    for o, d, t in zip(*ann, strict=True)]
        except Exception:  # annotations are optional extras
            pass
    finally:
        f.close()
    if anonymize:
        md_base["anonymized"] = True
    else:
        ident = {k: (v.isoformat() if hasattr(v, "isoformat") else str(v))
                 for k, v in header.items()
                 if k in IDENTITY_FIELDS and v not in ("", None, "X")}  # EDF+ "X" = unknown
        if ident:
            md_base["edf_identity"] = ident
    groups: dict[float, list[int]] = {}
    for i, fs in enumerate(fss):
        if not (fs > 0 and math.isfinite(fs)):
            raise FileFormatError(f"{path}: signal {labels[i]!r} has sampling rate {fs} Hz. The "
                                  "header is corrupt; check whether EDFbrowser opens the file, "
                                  "or export it again.")
        groups.setdefault(fs, []).append(i)
    out = []
    for fs, idx in groups.items():
        lens = {sigs[i].size for i in idx}
        m = min(lens)
        data = np.vstack([sigs[i][:m] for i in idx])
        data, _, md_nan = handle_nonfinite(data, [labels[i] for i in idx], path=path,
                                           nan_policy=opts["nan_policy"])
        out.append(make_recording(data, fs, [chans[i] for i in idx], path=path, fmt=FMT,
                                  start_time=start, tz_is_local=True,
                                  metadata={**md_base, **md_nan}))
    return out


# ---------------------------------------------------------------------------- anonymise
def anonymize_edf(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> Path:
    """Write a copy of an EDF/BDF file with the identifying header fields blanked.

    The patient field becomes ``"X X X X"`` (EDF+: code, sex, birthdate, name unknown) and the
    recording field keeps only ``Startdate dd-MMM-yyyy`` followed by ``X X X`` (admin code,
    technician, equipment unknown); in plain EDF the recording field becomes ``"X"``. Signal
    data, start date/time and annotations are copied unchanged (annotation texts may still
    contain names: check them). The original file is never modified.

    Parameters
    ----------
    src, dst : path-like
        Input file and output path (must differ).

    Returns
    -------
    Path
        ``dst``.
    """
    src_p, dst_p = Path(src), Path(dst)
    if src_p.resolve() == dst_p.resolve():
        raise InvalidParameterError(f"anonymize_edf needs a different output path than {src_p}; "
                                    "the original is never overwritten.")
    check_header(src_p)
    shutil.copyfile(src_p, dst_p)
    with open(dst_p, "r+b") as fh:
        h = fh.read(256)
        rec = h[88:168].decode("ascii", errors="replace")
        edfplus = h[192:197] in (b"EDF+C", b"EDF+D", b"BDF+C", b"BDF+D")
        if edfplus and rec.startswith("Startdate"):
            parts = rec.split()
            new_rec = " ".join(parts[:2] + ["X", "X", "X"])
        else:
            new_rec = "X"
        fh.seek(8)
        fh.write(b"X X X X".ljust(80))
        fh.seek(88)
        fh.write(new_rec.encode("ascii")[:80].ljust(80))
    return dst_p


# ---------------------------------------------------------------------------- writer
_WRITE_UNIT = {"V": ("uV", 1e6), "m": ("mm", 1e3)}


def _outward(v: float, up: bool) -> float:
    """Round ``v`` outward to 4 significant digits so that it fits an 8-character field."""
    if v == 0:
        return 0.0
    e = math.floor(math.log10(abs(v))) - 3
    q = 10.0 ** e
    r = (math.ceil(v / q) if up else math.floor(v / q)) * q
    return float(f"{r:.4g}")


def write_edf(path: str | os.PathLike[str], recording: Recording, *, bdf: bool = False) -> Path:
    """Write a recording to EDF+ (16-bit) or BDF+ (24-bit) with pyedflib.

    Parameters
    ----------
    path : path-like
        Output file (``.edf`` or ``.bdf``).
    recording : Recording
        Data in SI units. Volts are written in uV and metres in mm (so the 8-character range
        fields keep their precision); other units as they are.
    bdf : bool
        Write 24-bit BDF+ instead of 16-bit EDF+.

    Returns
    -------
    Path

    Notes
    -----
    Each channel's physical range is its data range rounded outward to 4 significant digits,
    so the quantisation error is at most (range / (2^16 - 1)) / 2 for EDF (2^24 for BDF). The
    data-record duration is 1 s when fs is an integer (else the shortest duration up to 60 s
    that holds a whole number of samples); the last record is padded with the last sample
    value, so the file can be up to one record longer than the recording. Non-finite samples
    are refused. The start time (default 2000-01-01 00:00:00) is written as local time.
    """
    p = writer_path("write_edf", path, recording)
    pyedflib = _pyedflib()
    data = recording.data
    if not np.isfinite(data).all():
        raise InvalidParameterError("write_edf: the recording has NaN or infinite samples; "
                                    "EDF cannot store them. Interpolate or crop them first.")
    fs = recording.fs
    dur = None
    for d in (1.0, 0.5, 0.25, 0.2, 0.1, 2.0, 4.0, 5.0, 10.0, 20.0, 25.0, 50.0, 60.0):
        if abs(fs * d - round(fs * d)) < 1e-6 * max(1.0, fs * d) and round(fs * d) >= 1:
            dur = d
            break
    if dur is None:
        raise InvalidParameterError(
            f"write_edf: fs={fs} Hz gives no whole number of samples in a data record of up to "
            "60 s; resample the recording first (recording.resample(fs)).")
    spr = int(round(fs * dur))
    n = recording.n_samples
    n_rec = max(1, math.ceil(n / spr))
    pad = n_rec * spr - n
    ftype = pyedflib.FILETYPE_BDFPLUS if bdf else pyedflib.FILETYPE_EDFPLUS
    dmax = 8388607 if bdf else 32767
    dmin = -8388608 if bdf else -32768
    headers, sigs = [], []
    for i, ch in enumerate(recording.channels):
        unit, factor = _WRITE_UNIT.get(ch.unit, (ch.unit if ch.unit != "AU" else "", 1.0))
        x = np.asarray(data[i], dtype=np.float64) * factor
        if pad:
            x = np.concatenate([x, np.full(pad, x[-1])])
        lo, hi = float(x.min()), float(x.max())
        if hi - lo < 1e-12 * max(1.0, abs(hi)):
            lo, hi = lo - 1.0, hi + 1.0
        pmin, pmax = _outward(lo, up=False), _outward(hi, up=True)
        headers.append({"label": ch.name[:16], "dimension": unit[:8], "sample_frequency": fs,
                        "physical_min": pmin, "physical_max": pmax, "digital_min": dmin,
                        "digital_max": dmax, "transducer": ch.kind, "prefilter": ""})
        sigs.append(np.ascontiguousarray(x))
    labels = [h["label"] for h in headers]
    if len(set(labels)) != len(labels):
        raise InvalidParameterError(f"write_edf: channel names must be unique in their first 16 "
                                    f"characters (EDF limit), got {labels}.")
    w = pyedflib.EdfWriter(str(p), recording.n_channels, file_type=ftype)
    try:
        if dur != 1.0:
            import warnings

            with warnings.catch_warnings():
                # pyedflib warns on any forced record duration
                warnings.simplefilter("ignore", UserWarning)
                w.setDatarecordDuration(dur)
        w.setSignalHeaders(headers)
        st = recording.start_time
        if st is not None:
            w.setStartdatetime(st.replace(tzinfo=None))
        else:
            from datetime import datetime

            w.setStartdatetime(datetime(2000, 1, 1))
        w.writeSamples(sigs)
    finally:
        w.close()
    return p


register(Reader(
    name=FMT,
    description="EDF / EDF+ / BDF / BDF+ (clinical EMG, ECG, accelerometers); mixed rates are "
    "grouped; anonymize=True",
    extensions=(".edf", ".bdf", ".rec"),
    sniff=sniff,
    read_groups=read_groups,
    extra="edf",
))

