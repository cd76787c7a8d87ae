"""The web app stores and answers nothing identifying from a recording's header: uploads of
the planted recordings (tests/privacy/planted.py), with every log record at DEBUG, every API
answer and every database row searched. The original file is kept as uploaded (the user's
own data, downloaded only by its owner)."""

from __future__ import annotations

import logging

import pytest
from planted import leaks

pytest.importorskip("fastapi")
pytest.importorskip("sqlalchemy")

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

from clonus.store import repository as repo  # noqa: E402
from clonus.store.tables import Base  # noqa: E402
from clonus.web import Settings, create_app  # noqa: E402
from clonus.web.security import hash_password  # noqa: E402

pytestmark = pytest.mark.web

UPLOADED = ["csv", "geneactiv", "xsens", "edf", "xlsx_one"]
REFUSED = ["csv_bad", "xlsx_two", "xlsx_bad"]


def test_uploads_store_and_answer_nothing_identifying(planted, tmp_path, caplog) -> None:
    settings = Settings(data_dir=tmp_path / "data", secret_key="test-secret-" + "x" * 32,
                        max_upload_bytes=400_000)
    app = create_app(settings)
    caplog.set_level(logging.DEBUG)
    try:
        with app.state.sessionmaker() as db:
            repo.create_user(db=db, email="alice@example.org",
                             password_hash=hash_password("correct horse battery"))
            db.commit()
        with TestClient(app) as client:
            tok = client.post("/api/auth/token", data={"username": "alice@example.org",
                                                       "password": "correct horse battery"})
            headers = {"Authorization": f"Bearer {tok.json()['access_token']}"}
            answers = []
            stored = {}
            for key in UPLOADED + REFUSED:
                if key not in planted:
                    continue
                with open(planted[key], "rb") as fh:
                    r = client.post("/api/recordings", headers=headers,
                                    files={"file": (planted[key].name, fh, "text/csv")})
                answers.append(r.text)
                if key in REFUSED:
                    assert r.status_code == 422, (key, r.text)
                    continue
                assert r.status_code == 201, (key, r.text)
                body = r.json()
                stored[key] = body["id"]
                for url in (f"/api/recordings/{body['id']}",
                            f"/api/assessments/{body['assessment_id']}",
                            f"/api/assessments/{body['assessment_id']}/report?format=html",
                            f"/api/assessments/{body['assessment_id']}/report?format=fhir"):
                    got = client.get(url, headers=headers)
                    assert got.status_code == 200, (url, got.text)
                    answers.append(got.text)
            answers.append(client.get("/api/recordings", headers=headers).text)
            for text in answers:
                assert leaks(text) == [], leaks(text)
            if "xlsx_one" in stored:  # the workbook's warning is kept, naming no sheet
                rec = client.get(f"/api/recordings/{stored['xlsx_one']}", headers=headers)
                assert any("book.xlsx [sheet 1]" in m for m in rec.json()["record"]["messages"])
            # the original file is kept as uploaded, for its owner
            key = next(iter(stored))
            got = client.get(f"/api/recordings/{stored[key]}/file", headers=headers)
            assert got.content == planted[key].read_bytes()
        with app.state.sessionmaker() as db:
            rows = [repr([getattr(row, c.name) for c in table.columns])
                    for table in Base.metadata.sorted_tables
                    for row in db.execute(select(table))]
        assert len(rows) > len(stored)
        assert leaks("\n".join(rows)) == [], leaks("\n".join(rows))
    finally:
        app.state.engine.dispose()
    assert leaks(caplog.text) == [], leaks(caplog.text)


def test_a_bug_is_answered_and_logged_without_its_message(tmp_path, caplog) -> None:
    # an unexpected exception's message may quote the uploaded file: the server log keeps the
    # traceback's frames and the exception's type, never its text (the server would log it whole)
    settings = Settings(data_dir=tmp_path / "data", secret_key="test-secret-" + "x" * 32)
    app = create_app(settings)

    cell = "Jane Q " + "Public 1950-01-01"  # built at run time, as a real bug's message

    def boom() -> None:
        raise RuntimeError(f"cell {cell!r} could not be parsed")

    app.add_api_route("/boom", boom)
    caplog.set_level(logging.DEBUG)
    try:
        with TestClient(app) as client:
            r = client.get("/boom")
        assert r.status_code == 500
        assert "RuntimeError" in r.json()["detail"]
        assert "Jane" not in r.text
        logged = "\n".join(rec.getMessage() for rec in caplog.records)
        assert "RuntimeError" in logged and "boom" in logged
        assert "Jane" not in logged
    finally:
        app.state.engine.dispose()
