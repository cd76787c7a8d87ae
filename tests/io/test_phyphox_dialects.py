"""phyphox's CSV export dialects: comma, tab or semicolon separators, decimal point or comma.

phyphox offers "CSV (Comma, decimal point)", "(Tabulator, decimal point)", "(Semicolon,
decimal point)", "(Tabulator, decimal comma)" and "(Semicolon, decimal comma)"; phones set to
European locales often use the last ones. Truth: the same recording written in the comma dialect
(``write_phyphox_zip``) and converted cell by cell.
"""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

import clonus
from clonus.io import write_phyphox_zip


@pytest.mark.parametrize(("sep", "decimal_comma"), [
    ("\t", False), (";", False), ("\t", True), (";", True),
])
def test_phyphox_dialects_read_the_same(tmp_path, rng, sep, decimal_comma):
    fs = 100.0
    x = rng.normal(0, 0.5, (3, 500))
    rec = clonus.Recording.from_array(x, fs=fs, names=["gyro_x", "gyro_y", "gyro_z"],
                                      kinds="gyro", units="rad/s")
    ref_path = write_phyphox_zip(tmp_path / "ref.zip", rec)
    ref = clonus.read(ref_path)
    out = tmp_path / "dialect.zip"
    with zipfile.ZipFile(ref_path) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith(".csv"):
                lines = data.decode().splitlines()
                head = lines[0].replace(",", sep)
                body = [ln.replace(",", sep) for ln in lines[1:]]
                if decimal_comma:
                    body = [ln.replace(".", ",") for ln in body]
                data = "\n".join([head, *body]).encode()
            zout.writestr(info, data)
    got = clonus.read(out)
    assert got.ch_names == ref.ch_names
    assert got.fs == pytest.approx(ref.fs)
    np.testing.assert_allclose(got.data, ref.data, rtol=1e-9, atol=1e-12)
