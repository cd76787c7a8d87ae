"""Database fixtures: SQLite in memory and a throwaway PostgreSQL 15 on 127.0.0.1.

Every test runs inside one transaction on its own connection, rolled back at the end, so tests
never see each other's rows (full-stack-fastapi-template PR #223, issue #125).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sqlalchemy = pytest.importorskip("sqlalchemy")
pytest.importorskip("alembic")

from sqlalchemy.orm import Session  # noqa: E402

from clonus.store import make_engine, upgrade  # noqa: E402

PGBIN = Path("/usr/lib/postgresql/15/bin")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    """The server refuses to run as root: run it as user 'postgres' then."""
    if os.geteuid() == 0:
        import shlex

        return ["su", "postgres", "-c", shlex.join(cmd)]
    return cmd


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a private PostgreSQL 15 cluster started for this test session (stopped after)."""
    if not (PGBIN / "initdb").exists() or not (PGBIN / "pg_ctl").exists():
        pytest.skip(f"PostgreSQL 15 server binaries not found in {PGBIN} "
                    "(apt-get install postgresql); PostgreSQL tests skipped.")
    pytest.importorskip("psycopg")
    if os.geteuid() == 0:
        try:
            import pwd

            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the server")
    tmp = Path(tempfile.mkdtemp(prefix="clonus-pg-"))
    if os.geteuid() == 0:
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
    data = tmp / "data"
    port = _free_port()
    started = False
    try:
        subprocess.run(_as_postgres([str(PGBIN / "initdb"), "-D", str(data), "-A", "trust",
                                     "-U", "postgres", "--no-sync"]),
                       check=True, capture_output=True, timeout=120)
        subprocess.run(_as_postgres([str(PGBIN / "pg_ctl"), "-D", str(data), "-l",
                                     str(tmp / "log"), "-w", "-t", "60", "-o",
                                     f"-p {port} -c listen_addresses=127.0.0.1 -k {tmp} "
                                     "-c fsync=off", "start"]),
                       check=True, capture_output=True, timeout=120)
        started = True
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        if started:
            subprocess.run(_as_postgres([str(PGBIN / "pg_ctl"), "-D", str(data), "-m",
                                         "immediate", "-w", "stop"]),
                           capture_output=True, timeout=60)
        shutil.rmtree(tmp, ignore_errors=True)


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
