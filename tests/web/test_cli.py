"""``clonus users create`` and ``clonus serve``."""

from __future__ import annotations

import io
import sys

import pytest

from clonus.cli.main import main


@pytest.fixture(autouse=True)
def _restore_logging():
    """``clonus serve`` configures logging like an application; undo it after each test."""
    import logging

    root, al = logging.getLogger(), logging.getLogger("alembic")
    saved = (list(root.handlers), root.level, al.level)
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    al.setLevel(saved[2])


def _create(monkeypatch, data_dir, email, password):
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    return main(["users", "create", email, "--password-stdin", "--data-dir", str(data_dir)])


def test_users_create_then_log_in(monkeypatch, tmp_path, capsys):
    from fastapi.testclient import TestClient

    from clonus.web import Settings, create_app

    assert _create(monkeypatch, tmp_path, "Nurse@Example.org", "long enough pw") == 0
    assert "Created user" in capsys.readouterr().out
    app = create_app(Settings(data_dir=tmp_path))
    with TestClient(app) as c:
        r = c.post("/api/auth/token", data={"username": "nurse@example.org",
                                            "password": "long enough pw"})
        assert r.status_code == 200
    app.state.engine.dispose()


@pytest.mark.parametrize("email,password,match", [
    ("not-an-email", "long enough pw", "Invalid e-mail"),
    ("a@example.org", "short", "too short"),
])
def test_users_create_rejects_bad_input(monkeypatch, tmp_path, capsys, email, password, match):
    assert _create(monkeypatch, tmp_path, email, password) == 4
    assert match in capsys.readouterr().err


def test_users_create_duplicate(monkeypatch, tmp_path, capsys):
    assert _create(monkeypatch, tmp_path, "a@example.org", "long enough pw") == 0
    assert _create(monkeypatch, tmp_path, "A@example.org", "another long pw") == 4
    assert "already exists" in capsys.readouterr().err


def test_serve_builds_app_with_defaults(monkeypatch, tmp_path):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    monkeypatch.setenv("CLONUS_DATA_DIR", str(tmp_path / "home"))
    assert main(["serve"]) == 0
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8000)  # loopback by default
    assert (tmp_path / "home" / "clonus.sqlite3").is_file()  # SQLite in the data dir
    seen["app"].state.engine.dispose()


def test_serve_options(monkeypatch, tmp_path):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    db = tmp_path / "other.sqlite3"
    rc = main(["serve", "--host", "0.0.0.0", "--port", "8123", "--database", f"sqlite:///{db}",
               "--data-dir", str(tmp_path / "d")])
    assert rc == 0 and (seen["host"], seen["port"]) == ("0.0.0.0", 8123)
    assert db.is_file() and not (tmp_path / "d" / "clonus.sqlite3").exists()
    assert (tmp_path / "d" / "secret_key").is_file()
    seen["app"].state.engine.dispose()


def test_serve_https_options(monkeypatch, tmp_path, capsys):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    assert main(["serve", "--data-dir", str(tmp_path / "d"), "--certfile", str(cert),
                 "--keyfile", str(key)]) == 4  # files missing
    assert "no such file" in capsys.readouterr().err
    assert main(["serve", "--data-dir", str(tmp_path / "d"), "--certfile", str(cert)]) == 4
    assert "both --certfile and --keyfile" in capsys.readouterr().err
    cert.write_text("x")
    key.write_text("y")
    assert main(["serve", "--data-dir", str(tmp_path / "d"), "--certfile", str(cert),
                 "--keyfile", str(key)]) == 0
    assert (seen["ssl_certfile"], seen["ssl_keyfile"]) == (str(cert), str(key))
    assert "https://127.0.0.1:8000/" in capsys.readouterr().out
    seen["app"].state.engine.dispose()
