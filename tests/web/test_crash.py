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


def test_kill_during_upload_loses_nothing(tmp_path, capture_csv):
    path, _ = capture_csv
    data = path.read_bytes()
    data_dir = tmp_path / "data"
    create_user_in(data_dir, "nurse@example.org")
    server = Server(data_dir, slow_s=1.0).start()
    try:
        headers = _login(server.url, "nurse@example.org")
        first = _upload(server.url, headers, "first.csv", data)
        assert first.status_code == 201, first.text
        kept = first.json()

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
        deadline = time.monotonic() + 30
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
            time.sleep(0.3)
            server.kill()
        t.join(timeout=30)
        assert errors  # the client saw the failure: it must send again

        # restart on the same data: the first recording is intact, nothing else exists
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
