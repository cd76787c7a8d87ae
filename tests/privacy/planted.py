"""Recordings with identifying text planted where real files carry it, for the privacy tests.

Every planted value matches :data:`PLANTED` (a patient's name "Jane Q Public", device serials
"JANE...", a sheet "Smith J 1962-03-04", a birth date 1950-01-01), and nothing else in the
files does, so that any output can be searched for it. The files are built with the io tests'
own builders (``tests/io/io_builders.py``, on ``sys.path`` through this folder's conftest) or
with the libraries that write the formats (pyedflib, h5py, openpyxl).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np

NAME = "Jane Q Public"
#: Everything planted matches this; nothing else in the files does (case-sensitive and
#: specific, so that random text such as a report's base64 images does not match by chance).
PLANTED = re.compile(r"Jane[ _+]Q|Jane_Examiner|JANE(?:1F16120034|0001|-0042|77)|Smith J|"
                     r"1950-01-01|1962-03-04")


def has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def leaks(text: str) -> list[str]:
    """The planted strings found in ``text``."""
    return sorted(set(PLANTED.findall(text)))


def _insert_line(index: int, line: str):
    def f(text: str) -> str:
        lines = text.split("\n")
        lines.insert(index, line)
        return "\n".join(lines)
    return f


def _table_rows(head=("time_s", "gyro_x (rad/s)", "gyro_y (rad/s)")) -> list[list]:
    from io_builders import T, X, Y

    return [list(head), *([float(t), float(x), float(y)] for t, x, y in
                          zip(T, X, Y, strict=True))]


def _xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def _edf(path: Path) -> Path:
    import pyedflib
    from io_builders import X

    w = pyedflib.EdfWriter(str(path), 1, file_type=pyedflib.FILETYPE_EDFPLUS)
    try:
        w.setPatientName(NAME.replace(" ", "_"))
        w.setPatientCode("JANE-0042")
        w.setPatientAdditional("born_1950-01-01")
        w.setTechnician("Dr_Jane_Examiner")
        w.setSignalHeaders([{"label": "gyro_x", "dimension": "rad/s", "sample_frequency": 100,
                             "physical_max": 10.0, "physical_min": -10.0,
                             "digital_max": 32767, "digital_min": -32768, "transducer": "",
                             "prefilter": ""}])
        w.writeSamples([np.tile(X, 5)])
        w.writeAnnotation(0.5, -1, f"{NAME} seated, right ankle")
    finally:
        w.close()
    return path


def build_planted(root: Path) -> dict[str, Path]:
    """Write one recording per format with identifying fields into ``root`` (whose own path
    holds nothing identifying) and return them by a short name. Workbooks whose sheets are
    named after patients: ``xlsx_one`` (one signal sheet, with a unit the reader warns about),
    ``xlsx_two`` (two signal sheets: refused, the user must pick one) and ``xlsx_bad`` (one
    sheet whose table the reader refuses)."""
    import io_builders as B

    root.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}

    def sub(name: str) -> Path:
        d = root / name
        d.mkdir(exist_ok=True)
        return d

    # a CSV with a preamble naming the patient and a signed footer (csv_identity)
    out["csv"] = B.csv_preamble(sub("csv"), lambda t: _insert_line(
        0, f"Patient: {NAME}, DOB 1950-01-01")(t) + f"Signed: {NAME}\n")
    # the same preamble above a table the reader refuses (time going backwards)
    out["csv_bad"] = B.csv_preamble(sub("csv_bad"), lambda t: _insert_line(
        0, f"Patient: {NAME}, DOB 1950-01-01")(t).replace("\n0.0100,", "\n-5.0000,"))
    out["actigraph"] = B.actigraph_csv(sub("actigraph"),
                                       lambda t: t.replace("NEO1F16120034", "JANE1F16120034"))
    out["geneactiv"] = B.geneactiv_csv(sub("geneactiv"), lambda t: t.replace(
        "Units,g", f"Units,g\nSubject Code,{NAME}\nDate of Birth,1950-01-01\n"
                   "Device Unique Serial Code,JANE0001"))
    out["xsens"] = B.xsens_dot_csv(sub("xsens"),
                                   lambda t: t.replace("DeviceTag:,P07", f"DeviceTag:,{NAME}"))
    ident = {**B.MOVEO_IDENTITY, "Subject First Name": "Jane Q", "Subject Last Name": "Public",
             "Subject Date of Birth": "1950-01-01", "Trial Notes": f"{NAME}, seated"}
    out["moveo"] = B.write_moveo(sub("moveo") / "Clonus_Joint_Angles.csv",
                                 {B.ANKLE_R_DF: B.X}, fs=B.FS, identity=ident, decimals=4)
    out["tsdf"] = B.tsdf_verily(root / "tsdf", mutate_meta=lambda b: b.replace(
        b'"POMU1234"', f'"{NAME}"'.encode()))
    from cwa_builder import CwaSpec, write_cwa

    xyz = np.vstack([B.X, B.Y, B.Z])[:, :120]
    out["cwa"] = write_cwa(sub("cwa") / "rec.cwa", CwaSpec(
        acc_g=xyz, gyro_dps=100 * xyz, metadata="_sc=Jane+Q+Public&_n=born+1950-01-01"))
    if has("h5py"):
        out["apdm"] = B.write_apdm_v5(sub("apdm") / "trial.h5",
                                      [B.apdm_sensor("Right Foot", "JANE77", gyro_x=B.X)])
    if has("pyedflib"):
        out["edf"] = _edf(sub("edf") / "rec.edf")
    if has("openpyxl"):
        out["xlsx_one"] = _xlsx(sub("xlsx_one") / "book.xlsx", {NAME: [
            [f"Patient: {NAME}"], *_table_rows(("time_s", "gyro_x (rad/s)", "gyro_y (furlongs)"))]})
        out["xlsx_two"] = _xlsx(sub("xlsx_two") / "book.xlsx", {
            "Smith J 1962-03-04": _table_rows(), f"{NAME} 2": _table_rows()})
        bad = _table_rows()
        bad[5][0] = -5.0  # time goes backwards: the reader refuses the table
        out["xlsx_bad"] = _xlsx(sub("xlsx_bad") / "book.xlsx", {f"{NAME} 3": bad})
    return out
