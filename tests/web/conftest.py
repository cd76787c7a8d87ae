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
class Server:
    """``uvicorn`` running the app in a subprocess on 127.0.0.1 (see ``_server.py``).

    The listening socket is bound here, in the test process, on a port the kernel picks, and
    handed to the server process (``pass_fds``): no other process can take the port between
    choosing and binding it (the race of "find a free port, then start a server on it"), and a
    restarted server (``test_crash.py``) listens on the same socket again.

    ``hold_file``: while that file exists, each analysis in the server waits (up to 120 s), so
    a test can keep an upload in the processing stage for as long as it needs, without guessing
    how long that takes on a busy machine.
    """

    def __init__(self, data_dir: Path, *, hold_file: Path | None = None) -> None:
        self.data_dir = data_dir
        self.hold_file = hold_file
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout_s: float = 120.0) -> Server:
        """Start the server process and wait until it answers ``/api/health``.

        ``timeout_s`` is generous: importing the app takes seconds on a loaded 2-core machine.
        """
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(HERE)]),
                   CLONUS_TEST_HOLD_FILE=str(self.hold_file or ""))
        self.log = self.data_dir.parent / f"server-{self.port}.log"
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        fd = self.sock.fileno()
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, str(HERE / "_server.py"), str(self.data_dir), str(fd)],
                env=env, stdout=log, stderr=log, pass_fds=(fd,))
        deadline = time.monotonic() + timeout_s
        import urllib.request

        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.log.read_text()[-2000:])
            try:  # connections wait in the listening socket's backlog until the app is up
                with urllib.request.urlopen(self.url + "/api/health", timeout=10) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server did not start within {timeout_s:.0f} s: "
                           + self.log.read_text()[-2000:])

    def kill(self) -> None:
        """SIGKILL the server process (the listening socket stays open in this process)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        """Stop the server process (SIGTERM, then SIGKILL) and close the listening socket."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        self.sock.close()


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
