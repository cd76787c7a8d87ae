"""Engines, sessions and schema migrations for the record store.

Nothing here runs at import: the web app and the CLI call :func:`make_engine` and
:func:`upgrade` at start-up.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from ..exceptions import InvalidParameterError

__all__ = ["default_data_dir", "sqlite_url", "make_engine", "make_sessionmaker", "upgrade"]

_MIGRATIONS = Path(__file__).with_name("migrations")


def default_data_dir() -> Path:
    """The user's clonus data directory.

    ``$CLONUS_DATA_DIR`` if set, else ``platformdirs.user_data_dir("clonus")`` (for example
    ``~/.local/share/clonus`` on Linux).
    """
    env = os.environ.get("CLONUS_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("clonus", appauthor=False))


def sqlite_url(data_dir: str | os.PathLike[str]) -> str:
    """URL of the embedded SQLite database ``clonus.sqlite3`` in ``data_dir``."""
    return f"sqlite:///{Path(data_dir) / 'clonus.sqlite3'}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` (SQLite or PostgreSQL through psycopg 3).

    ``postgresql://`` URLs are routed to the psycopg 3 driver. SQLite databases get foreign
    keys switched on and write-ahead logging, so a crash never leaves a half-written commit
    visible.

    Parameters
    ----------
    url : str
        SQLAlchemy database URL, e.g. ``sqlite:///path/clonus.sqlite3`` or
        ``postgresql://user@host:5432/clonus``.
    **kwargs
        Passed to :func:`sqlalchemy.create_engine`.
    """
    if not isinstance(url, str) or "://" not in url and url != "sqlite://":
        raise InvalidParameterError(
            f"Invalid database URL {url!r}. Use e.g. 'sqlite:///path/clonus.sqlite3' or "
            "'postgresql://user@host:5432/clonus'.")
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        if path in ("", ":memory:"):
            from sqlalchemy.pool import StaticPool

            kwargs.setdefault("poolclass", StaticPool)
        kwargs.setdefault("connect_args", {"check_same_thread": False})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        if path and path != ":memory:":
            @event.listens_for(engine, "connect")
            def _wal(dbapi_conn: Any, _record: Any) -> None:
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=FULL")
                cur.close()
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine`` (objects stay usable after commit)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the Alembic migrations shipped with clonus up to ``revision``.

    Parameters
    ----------
    engine : Engine
        The database to migrate.
    revision : str
        Target revision, ``"head"`` for the latest.
    """
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
