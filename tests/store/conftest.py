"""Database fixtures: SQLite in memory and a throwaway PostgreSQL 15 on 127.0.0.1.

Every test runs inside one transaction on its own connection, rolled back at the end, so tests
never see each other's rows (full-stack-fastapi-template PR #223, issue #125).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

sqlalchemy = pytest.importorskip("sqlalchemy")
pytest.importorskip("alembic")

from sqlalchemy.orm import Session  # noqa: E402

from clonus.store import make_engine, upgrade  # noqa: E402


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a private PostgreSQL cluster started for this test session (stopped after)."""
    pytest.importorskip("psycopg")
    from clonus.store._testing import PostgresUnavailable, temporary_postgres

    try:
        cm = temporary_postgres()
        url = cm.__enter__()
    except PostgresUnavailable as exc:
        pytest.skip(f"{exc}; PostgreSQL tests skipped")
    try:
        yield url
    finally:
        cm.__exit__(None, None, None)


@pytest.fixture(scope="session")
def sqlite_engine():
    engine = make_engine("sqlite://")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def pg_engine(postgres_url):
    engine = make_engine(postgres_url)
    deadline = time.monotonic() + 30
    while True:  # the server may need a moment after pg_ctl returns
        try:
            with engine.connect():
                break
        except sqlalchemy.exc.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.db)])
def engine(request):
    """The migrated database, on SQLite and on PostgreSQL."""
    return request.getfixturevalue("sqlite_engine" if request.param == "sqlite" else "pg_engine")


@pytest.fixture
def db(engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    conn = engine.connect()
    trans = conn.begin()
    session = Session(bind=conn, join_transaction_mode="create_savepoint",
                      expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        trans.rollback()
        conn.close()
