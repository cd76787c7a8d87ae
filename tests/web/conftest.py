"""Web-app fixtures: an app on a fresh SQLite database per test, users, a test recording.

Assessments come from the real ``clonus.read`` + ``clonus.assess`` (the same path as the CLI).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("sqlalchemy")

from fastapi.testclient import TestClient  # noqa: E402

from clonus.store import repository as repo  # noqa: E402
from clonus.web import Settings, create_app  # noqa: E402
from clonus.web.security import hash_password  # noqa: E402

from ._signals import write_clonus_csv  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

PASSWORD = "correct horse battery"


def make_user(app, email: str, password: str = PASSWORD) -> int:
    with app.state.sessionmaker() as db:
        u = repo.create_user(db=db, email=email, password_hash=hash_password(password))
        db.commit()
        return u.id


def login(client, email: str, password: str = PASSWORD) -> dict[str, str]:
    r = client.post("/api/auth/token", data={"username": email, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture(scope="session")
def postgres_url():
    """A private PostgreSQL cluster for this test session (see clonus.store._testing)."""
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


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", secret_key="test-secret-" + "x" * 32,
                    max_upload_bytes=400_000)


@pytest.fixture
def app(settings):
    app = create_app(settings)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


@pytest.fixture
def alice(app, client) -> dict[str, str]:
    make_user(app, "alice@example.org")
    return login(client, "alice@example.org")


@pytest.fixture
def bob(app, client) -> dict[str, str]:
    make_user(app, "bob@example.org")
    return login(client, "bob@example.org")


@pytest.fixture
def capture_csv(tmp_path):
    """A synthetic clonus test as a phone-capture CSV: (path, true beat times in s)."""
    path = tmp_path / "capture.csv"
    truth = write_clonus_csv(path)
    return path, truth


def upload(client, headers, path: Path, **fields):
    with open(path, "rb") as fh:
        return client.post("/api/recordings", headers=headers, data=fields,
                           files={"file": (path.name, fh, "text/csv")})


# ---------------------------------------------------------------- a real server (subprocess)
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``uvicorn`` running the app in a subprocess on 127.0.0.1 (see ``_server.py``)."""

    def __init__(self, data_dir: Path, *, slow_s: float = 0.0) -> None:
        self.data_dir = data_dir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.slow_s = slow_s
        self.proc: subprocess.Popen | None = None

    def start(self) -> Server:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(HERE)]),
                   CLONUS_TEST_SLOW_S=str(self.slow_s))
        self.log = self.data_dir.parent / f"server-{self.port}.log"
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, str(HERE / "_server.py"), str(self.data_dir), str(self.port)],
                env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        import urllib.request

        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.log.read_text()[-2000:])
            try:
                with urllib.request.urlopen(self.url + "/api/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("server did not start within 60 s")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)


def create_user_in(data_dir: Path, email: str, password: str = PASSWORD) -> None:
    """Create a user the way an administrator does: ``clonus users create --password-stdin``."""
    import io

    from clonus.cli.main import main

    old = sys.stdin
    sys.stdin = io.StringIO(password + "\n")
    try:
        rc = main(["users", "create", email, "--password-stdin", "--data-dir", str(data_dir)])
    finally:
        sys.stdin = old
    assert rc == 0
