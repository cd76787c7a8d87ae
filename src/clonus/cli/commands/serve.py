"""``clonus serve``: run the web app (records, review, reports, live capture)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: Annotated[str, typer.Option(help="Address to listen on. Use 0.0.0.0 only behind "
                                          "HTTPS (see docs/web.md).")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
        database: Annotated[str | None, typer.Option(
            "--database", help="Database URL; default SQLite in the data directory, e.g. "
            "postgresql://user@host:5432/clonus")] = None,
        data_dir: Annotated[Path | None, typer.Option(
            "--data-dir", help="Where the database, original files and secret key are kept; "
            "default $CLONUS_DATA_DIR or the user data directory.")] = None,
        certfile: Annotated[Path | None, typer.Option(
            "--certfile", help="TLS certificate (PEM) to serve over HTTPS, which phones need "
            "for the motion sensors.")] = None,
        keyfile: Annotated[Path | None, typer.Option(
            "--keyfile", help="Private key (PEM) of --certfile.")] = None,
    ) -> None:
        """Serve the web app: patients, sessions, uploads, beat review, trends, reports and
        recording from a phone's motion sensors. Works with no configuration."""
        from ...exceptions import InvalidParameterError, MissingDependencyError

        if (certfile is None) != (keyfile is None):
            raise InvalidParameterError("Give both --certfile and --keyfile to serve over HTTPS.")
        for p in (certfile, keyfile):
            if p is not None and not p.is_file():
                raise InvalidParameterError(f"{p}: no such file. Check the certificate paths.")

        try:
            import uvicorn

            from ...web import Settings, create_app
        except ImportError as exc:
            raise MissingDependencyError(
                f"clonus serve needs the web extra ({exc.name} is missing). "
                "Install it with: pip install 'clonus[web]'") from None
        import logging

        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
        logging.getLogger("alembic").setLevel(logging.WARNING)
        overrides: dict[str, object] = {}
        if database:
            overrides["database_url"] = database
        if data_dir:
            overrides["data_dir"] = data_dir
        web_app = create_app(Settings(), **overrides)
        scheme = "https" if certfile else "http"
        typer.echo(f"clonus web app on {scheme}://{host}:{port}/ (data: "
                   f"{web_app.state.settings.resolved_data_dir()})")
        tls = {"ssl_certfile": str(certfile), "ssl_keyfile": str(keyfile)} if certfile else {}
        uvicorn.run(web_app, host=host, port=port, log_level="info", **tls)
