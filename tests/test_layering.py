"""The light core imports no web, database, plotting or video library (house style §3.1)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

CORE = ["clonus", "clonus.io", "clonus.model", "clonus.signal", "clonus.detect", "clonus.grade",
        "clonus.simulate", "clonus.emg"]
HEAVY = ["fastapi", "starlette", "sqlalchemy", "alembic", "psycopg", "cv2", "av", "matplotlib",
         "weasyprint", "jinja2", "dask", "distributed", "uvicorn", "playwright", "plotly"]


def test_core_imports_no_outer_libraries():
    present = [m for m in CORE if importlib.util.find_spec(m.split(".")[0]) and _exists(m)]
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in present)
        + f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        + "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core modules pulled in: {out.stdout.strip()}"


def _exists(mod: str) -> bool:
    try:
        return importlib.util.find_spec(mod) is not None
    except ModuleNotFoundError:
        return False
