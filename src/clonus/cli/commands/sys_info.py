"""``clonus sys-info``: versions of clonus, its dependencies and the platform, for bug reports."""

from __future__ import annotations

import json
import platform
import sys
from importlib import metadata

import typer

from ... import __version__

#: Distributions reported, core first, then optional backends.
PACKAGES = (
    "numpy",
    "scipy",
    "pandas",
    "typer",
    "rich",
    "pyedflib",
    "wfdb",
    "ezc3d",
    "rdata",
    "numba",
    "matplotlib",
    "jinja2",
    "weasyprint",
    "fhir.resources",
    "SQLAlchemy",
    "alembic",
    "psycopg",
    "fastapi",
    "uvicorn",
    "dask",
    "opencv-python-headless",
    "av",
)


def collect() -> dict[str, object]:
    """Return clonus, Python, platform and dependency versions (None when not installed)."""
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "clonus": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "packages": versions,
    }


def register(app: typer.Typer) -> None:
    @app.command("sys-info")
    def sys_info(
        json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """Print clonus, Python, platform and dependency versions (paste into bug reports)."""
        info = collect()
        if json_out:
            typer.echo(json.dumps(info, indent=2))
            return
        typer.echo(f"clonus {info['clonus']}  Python {info['python']}  {info['platform']}")
        for name, ver in info["packages"].items():  # type: ignore[union-attr]
            typer.echo(f"  {name:<24} {ver or 'not installed'}")
