"""Killing the server during an upload loses nothing stored and leaves no half-written record.

A real uvicorn server runs in a subprocess on a SQLite database in a temporary data directory;
it is killed with SIGKILL (no clean-up of any kind) in the middle of receiving an upload and in
the middle of processing one, then restarted on the same data.
"""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from pathlib import Path

import pytest

from .conftest import PASSWORD, Server, create_user_in

httpx = pytest.importorskip("httpx2")

pytestmark = pytest.mark.web


def _login(base: str, email: str) -> dict[str, str]:
    r = httpx.post(base + "/api/auth/token", data={"username": email, "password": PASSWORD},
                   timeout=30)
    r.raise_for_status()
    return {"Authorization": "Bearer " + r.json()["access_token"]}


def _upload(base, headers, name, data, timeout=60):
    return httpx.post(base + "/api/recordings", headers=headers,
                      files={"file": (name, data, "text/csv")}, timeout=timeout)


def _server_has_read(server_port: int, client_port: int, timeout_s: float = 60.0) -> bool | None:
    """Wait until the server process has read everything sent on the connection from
    ``client_port`` (its receive queue in ``/proc/net/tcp`` is empty). None if that cannot be
    seen (no ``/proc``), False if it did not happen within ``timeout_s``."""
    want_local, want_remote = f":{server_port:04X}", f":{client_port:04X}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            lines = Path("/proc/net/tcp").read_text(encoding="ascii").splitlines()[1:]
        except OSError:
            return None
        for line in lines:
            f = line.split()
            if f[1].endswith(want_local) and f[2].endswith(want_remote):
                if int(f[4].split(":")[1], 16) == 0:
                    return True
        time.sleep(0.02)
    return False


def test_kill_during_upload_loses_nothing(tmp_path, capture_csv):
    path, _ = capture_csv
    data = path.read_bytes()
    data_dir = tmp_path / "data"
    create_user_in(data_dir, "nurse@example.org")
    hold = tmp_path / "hold-analysis"
    server = Server(data_dir, hold_file=hold).start()
    try:
        headers = _login(server.url, "nurse@example.org")
        first = _upload(server.url, headers, "first.csv", data)
        assert first.status_code == 201, first.text
        kept = first.json()
        # from now on every analysis waits until `hold` is removed: the upload below stays in
        # the processing stage until the server is killed, however slow the machine is
        hold.touch()

        # Two uploads are interrupted by one SIGKILL: one whose body is still arriving, one
        # that has fully arrived and is being read and assessed.
        errors: list[BaseException] = []

        def send() -> None:
            try:
                _upload(server.url, headers, "third.csv", data + b"\n")
            except Exception as exc:  # the connection dies with the server
                errors.append(exc)

        t = threading.Thread(target=send)
        t.start()
        spool = data_dir / "files" / "tmp"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(spool.glob("upload-*")):
            time.sleep(0.02)
        assert any(spool.glob("upload-*")), "the upload never reached the processing stage"

        body_start = (b"--B\r\nContent-Disposition: form-data; name=\"file\"; "
                      b"filename=\"second.csv\"\r\nContent-Type: text/csv\r\n\r\n")
        total = len(body_start) + 3 * len(data) + 8
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
            s.sendall((f"POST /api/recordings HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       f"Authorization: {headers['Authorization']}\r\n"
                       f"Content-Type: multipart/form-data; boundary=B\r\n"
                       f"Content-Length: {total}\r\n\r\n").encode())
            s.sendall(body_start + data[: len(data) // 2])
            # kill only once the server has taken in the first half of this body (not a fixed
            # sleep that a loaded machine may outlast)
            seen = _server_has_read(server.port, s.getsockname()[1])
            if seen is None:
                time.sleep(1.0)  # no /proc/net/tcp here: give it a moment instead
            else:
                assert seen, "the server never read the start of the second upload"
            server.kill()
        t.join(timeout=60)
        assert not t.is_alive()
        assert errors  # the client saw the failure: it must send again

        # restart on the same data: the first recording is intact, nothing else exists
        hold.unlink()
        server.start()
        headers = _login(server.url, "nurse@example.org")
        listing = httpx.get(server.url + "/api/recordings", headers=headers, timeout=30).json()
        assert [r["id"] for r in listing] == [kept["id"]]
        again = httpx.get(f"{server.url}/api/recordings/{kept['id']}", headers=headers,
                          timeout=30).json()
        assert again == kept
        f = httpx.get(f"{server.url}/api/recordings/{kept['id']}/file", headers=headers,
                      timeout=30)
        assert hashlib.sha256(f.content).hexdigest() == kept["record"]["sha256"]
        assert not any(spool.glob("*"))  # partial files cleaned at start-up
        blobs = [p for p in (data_dir / "files").rglob("*") if p.is_file()
                 and p.parent.name != "tmp"]
        assert [p.name for p in blobs] == [kept["record"]["sha256"]]
        # the interrupted upload can simply be sent again
        retry = _upload(server.url, headers, "third.csv", data + b"\n")
        assert retry.status_code == 201
    finally:
        server.stop()
