"""Entry point of the ``clonus`` command.

Commands live in :mod:`clonus.cli.commands`, one module each, every module exposing
``register(app: typer.Typer) -> None``. They are discovered automatically, so adding a
command never touches this file.

Exit codes: 0 success; 1 unexpected internal error; 2 usage error; 3 file format error;
4 sampling-rate or parameter error; 5 unit error; 6 signal-quality error; 7 missing optional
dependency; 8 other ClonusError.

With ``--json``, a ClonusError also prints one JSON error object on stdout
(``docs/json-contract.md``, "Error object"), so that a script reading stdout always gets JSON;
the message still goes to stderr and the exit code is the same.
"""

from __future__ import annotations

import importlib
import json
import logging
import pkgutil
import sys
from collections.abc import Sequence
from contextvars import ContextVar
from pathlib import Path

import typer

from .. import __version__
from ..exceptions import (
    ClonusError,
    FileFormatError,
    InvalidParameterError,
    MissingDependencyError,
    SignalQualityError,
    UnitError,
)

EXIT_CODES: list[tuple[type[ClonusError], int]] = [
    (FileFormatError, 3),
    (InvalidParameterError, 4),
    (UnitError, 5),
    (SignalQualityError, 6),
    (MissingDependencyError, 7),
    (ClonusError, 8),
]


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"clonus {__version__}")
        raise typer.Exit()


def build_app() -> typer.Typer:
    """Build the Typer application with every command module registered."""
    app = typer.Typer(
        name="clonus",
        help="Measure, grade, explain and record clonus from motion, EMG and video recordings. "
        "Decision support only: it does not replace clinical judgement.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def _root(
        version: bool = typer.Option(False, "--version", callback=_version_callback,
                                     is_eager=True, help="Show the version and exit."),
        verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress to stderr."),
    ) -> None:
        if verbose:
            logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    from . import commands

    for mod in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{mod.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)
    return app


def _wants_json(args: Sequence[str]) -> bool:
    """Was ``--json`` given (before a ``--`` that ends the options)?"""
    for a in args:
        if a == "--":
            return False
        if a == "--json":
            return True
    return False


#: The recording the running command reads (set by the command with :func:`note_source`),
#: named in the JSON error object.
_source: ContextVar[str | None] = ContextVar("clonus_cli_source", default=None)


def note_source(path: str | None) -> None:
    """Tell the error handler which recording file the running command reads."""
    _source.set(None if path is None else str(path))


def error_object(exc: ClonusError, code: int, path: str | None = None) -> dict[str, object]:
    """The JSON error object of ``exc`` (``docs/json-contract.md``, "Error object").

    ``source`` is the file name of ``path`` (the recording the command read, if any), and the
    message names the file by that name too: like the assessment's ``source``, the JSON never
    carries the folders above a file, which may identify a person.
    """
    from ..model import SCHEMA_VERSION

    message = str(exc)
    source = None
    if path:
        source = Path(path).name
        for spelled in sorted({path, str(Path(path))}, key=len, reverse=True):
            if spelled != source:
                message = message.replace(spelled, source)
    return {"schema_version": SCHEMA_VERSION, "software_version": __version__,
            "error": {"type": type(exc).__name__, "message": message, "source": source,
                      "exit_code": code}}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default ``sys.argv[1:]``) and return the exit code."""
    app = build_app()
    args = list(sys.argv[1:] if argv is None else argv)
    note_source(None)
    try:
        app(args=args, standalone_mode=False)
    except ClonusError as exc:
        code = next(c for cls, c in EXIT_CODES if isinstance(exc, cls))
        typer.echo(f"Error: {exc}", err=True)
        if _wants_json(args):
            typer.echo(json.dumps(error_object(exc, code, _source.get()), indent=2))
        return code
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        return 1
    except Exception as exc:
        # Usage errors from click (typer may vendor click as typer._click): show, exit 2.
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            return int(exc.exit_code)
        if type(exc).__name__ == "Exit" and hasattr(exc, "exit_code"):
            return int(exc.exit_code or 0)
        raise
    return 0


def run() -> None:  # pragma: no cover - console script wrapper
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
