"""API routes: authentication, every resource, upload checks and cross-user isolation."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import jwt
import numpy as np
import pytest

from .conftest import PASSWORD, login, make_user, upload

CONTRACT_KEYS = {"n_beats", "beats", "amplitude_unit", "frequency_hz", "clonus_duration_s",
                 "sustained", "stretch_onset_s", "classification", "reason", "grades",
                 "pathological", "channel", "fs_hz", "software_version", "runs", "metrics",
                 "config", "warnings", "disclaimer", "schema_version"}


def _count_rows(app, table) -> int:
    from sqlalchemy import func, select

    with app.state.sessionmaker() as db:
        return db.scalar(select(func.count()).select_from(table))


# ---------------------------------------------------------------- service and auth
def test_health_and_openapi(client):
    assert client.get("/api/health").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    for p in ["/api/auth/token", "/api/users/me", "/api/patients", "/api/patients/{patient_id}",
              "/api/patients/{patient_id}/trends", "/api/patients/{patient_id}/context",
              "/api/patients/{patient_id}/report",
              "/api/sessions", "/api/sessions/{session_id}", "/api/recordings",
              "/api/recordings/{recording_id}", "/api/recordings/{recording_id}/trace",
              "/api/recordings/{recording_id}/file", "/api/recordings/{recording_id}/review",
              "/api/assessments/{assessment_id}", "/api/assessments/{assessment_id}/report"]:
        assert p in paths, p
    body = spec["paths"]["/api/recordings"]["post"]["requestBody"]["content"]
    assert "file" in body["multipart/form-data"]["schema"]["properties"]
    assert "OAuth2PasswordBearer" in spec["components"]["securitySchemes"]


def test_pages_are_served_without_external_resources(client):
    for path in ["/", "/capture"]:
        r = client.get(path)
        assert r.status_code == 200 and "<html" in r.text
        assert "http://" not in r.text and "https://" not in r.text  # nothing from a CDN
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
    for asset in ["app.js", "capture.js", "common.js", "app.css"]:
        r = client.get(f"/static/{asset}")
        assert r.status_code == 200 and len(r.content) > 200
    assert client.get("/docs").status_code == 404  # Swagger UI would load a CDN
    assert client.get("/api/health").headers["cache-control"] == "no-store"


def test_login_and_me(app, client):
    make_user(app, "Carol@Example.org")
    headers = login(client, "carol@example.org")  # e-mail is case-insensitive
    me = client.get("/api/users/me", headers=headers).json()
    assert me["email"] == "carol@example.org" and "password_hash" not in me


@pytest.mark.parametrize("password", ["wrong", ""])
def test_login_wrong_password(app, client, password):
    make_user(app, "dave@example.org")
    r = client.post("/api/auth/token", data={"username": "dave@example.org",
                                             "password": password})
    assert r.status_code in (401, 422)
    assert "access_token" not in r.text


def test_repeated_failed_logins_lock_the_account(app, client):
    make_user(app, "frank@example.org")
    for _ in range(5):
        r = client.post("/api/auth/token", data={"username": "frank@example.org",
                                                 "password": "guess"})
        assert r.status_code == 401
    # now even the right password is refused for a while, for this account only
    r = client.post("/api/auth/token", data={"username": "Frank@example.org",
                                             "password": PASSWORD})
    assert r.status_code == 429 and "Too many" in r.json()["detail"]
    make_user(app, "gina@example.org")
    assert login(client, "gina@example.org")


def test_login_unknown_user(client):
    r = client.post("/api/auth/token", data={"username": "nobody@example.org", "password": "x"})
    assert r.status_code == 401


@pytest.mark.parametrize("auth", [None, "Bearer nonsense", "Basic abc"])
def test_routes_need_a_valid_token(client, auth):
    headers = {"Authorization": auth} if auth else {}
    for method, path in [("get", "/api/users/me"), ("get", "/api/patients"),
                         ("get", "/api/sessions"), ("get", "/api/recordings"),
                         ("get", "/api/recordings/1"), ("get", "/api/assessments/1/report")]:
        assert getattr(client, method)(path, headers=headers).status_code == 401, path
    r = client.post("/api/recordings", headers=headers, files={"file": ("a.csv", b"x")})
    assert r.status_code == 401


def test_expired_and_forged_tokens_rejected(app, client, settings):
    uid = make_user(app, "erin@example.org")
    now = datetime.now(UTC)
    expired = jwt.encode({"sub": str(uid), "exp": now - timedelta(minutes=1)},
                         settings.secret_key, algorithm="HS256")
    forged = jwt.encode({"sub": str(uid), "exp": now + timedelta(hours=1)}, "other-key-" * 4,
                        algorithm="HS256")
    for tok in (expired, forged):
        r = client.get("/api/users/me", headers={"Authorization": f"Bearer {tok}"})
        assert r.status_code == 401


def test_secret_key_generated_and_persisted(tmp_path):
    from clonus.web import Settings, create_app

    s = Settings(data_dir=tmp_path / "d")
    a1 = create_app(s)
    a2 = create_app(s)
    key = (tmp_path / "d" / "secret_key")
    assert key.is_file() and (key.stat().st_mode & 0o077) == 0  # owner-only
    assert a1.state.secret_key == a2.state.secret_key == key.read_text()
    a1.state.engine.dispose()
    a2.state.engine.dispose()


# ---------------------------------------------------------------- patients and sessions
def test_patient_crud(client, alice):
    r = client.post("/api/patients", json={"code": "P-001", "details": {"side": "right"}},
                    headers=alice)
    assert r.status_code == 201
    pid = r.json()["id"]
    assert client.post("/api/patients", json={"code": "P-001"}, headers=alice).status_code == 409
    assert client.post("/api/patients", json={"code": ""}, headers=alice).status_code == 422
    assert [p["code"] for p in client.get("/api/patients", headers=alice).json()] == ["P-001"]
    r = client.patch(f"/api/patients/{pid}", json={"code": "P-002"}, headers=alice)
    assert r.json()["code"] == "P-002" and r.json()["details"] == {"side": "right"}
    assert client.get(f"/api/patients/{pid}", headers=alice).json()["code"] == "P-002"
    assert client.delete(f"/api/patients/{pid}", headers=alice).status_code == 204
    assert client.get(f"/api/patients/{pid}", headers=alice).status_code == 404


def test_sessions(client, alice):
    pid = client.post("/api/patients", json={"code": "S1"}, headers=alice).json()["id"]
    r = client.post("/api/sessions", json={"patient_id": pid,
                                           "started_at": "2024-05-02T09:30:00+02:00",
                                           "notes": "after baclofen"}, headers=alice)
    assert r.status_code == 201
    s = r.json()
    assert datetime.fromisoformat(s["started_at"].replace("Z", "+00:00")) == \
        datetime(2024, 5, 2, 7, 30, tzinfo=UTC)
    assert client.get(f"/api/sessions/{s['id']}", headers=alice).json()["notes"] == \
        "after baclofen"
    assert len(client.get(f"/api/sessions?patient_id={pid}", headers=alice).json()) == 1
    # a time without a zone is ambiguous: refused
    r = client.post("/api/sessions", json={"patient_id": pid,
                                           "started_at": "2024-05-02T09:30:00"}, headers=alice)
    assert r.status_code == 422
    assert client.post("/api/sessions", json={"patient_id": 9999},
                       headers=alice).status_code == 404


def test_clinical_context(client, alice):
    pid = client.post("/api/patients", json={"code": "C1"}, headers=alice).json()["id"]
    assert client.get(f"/api/patients/{pid}/context", headers=alice).status_code == 404
    ctx = {"age_years": 54, "medications": ["baclofen"], "notes": "spinal cord injury"}
    r = client.post(f"/api/patients/{pid}/context", json={"data": ctx}, headers=alice)
    assert r.status_code == 201, r.text
    assert client.get(f"/api/patients/{pid}/context", headers=alice).json()["data"] == ctx
    # validated by clonus.clinical before it is stored
    r = client.post(f"/api/patients/{pid}/context", json={"data": {"age_years": -3}},
                    headers=alice)
    assert r.status_code == 422 and "age_years" in r.json()["detail"]
    assert client.get(f"/api/patients/{pid}/context", headers=alice).json()["data"] == ctx


# ---------------------------------------------------------------- uploads
def test_upload_returns_contract_and_stores_file(app, client, alice, capture_csv):
    path, truth = capture_csv
    r = upload(client, alice, path)
    assert r.status_code == 201, r.text
    body = r.json()
    assert CONTRACT_KEYS <= set(body)
    assert isinstance(body["id"], int) and isinstance(body["assessment_id"], int)
    # detected beats against the synthetic truth: 40 ms ~ one sample period at 100 Hz plus
    # the peak-position uncertainty of a 6 Hz cosine sampled at 100 Hz
    found = np.array([b["time_s"] for b in body["beats"]])
    assert body["n_beats"] == len(truth)
    assert np.max(np.abs(found - truth)) < 0.04
    data = path.read_bytes()
    assert body["record"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["record"]["size_bytes"] == len(data)
    blob = app.state.blobs.path_for(body["record"]["sha256"])
    assert blob.read_bytes() == data
    again = client.get(f"/api/recordings/{body['id']}", headers=alice).json()
    assert again == body
    assert client.get(f"/api/recordings/{body['id']}/file", headers=alice).content == data
    listing = client.get("/api/recordings", headers=alice).json()
    assert [x["id"] for x in listing] == [body["id"]]
    trace = client.get(f"/api/recordings/{body['id']}/trace", headers=alice).json()["trace"]
    assert trace is None or len(trace["times_s"]) == len(trace["values"]) > 10
    a = client.get(f"/api/assessments/{body['assessment_id']}", headers=alice).json()
    assert a["kind"] == "automatic" and a["n_beats"] == body["n_beats"]


def test_upload_for_patient_joins_a_session(client, alice, capture_csv):
    path, _ = capture_csv
    pid = client.post("/api/patients", json={"code": "U1"}, headers=alice).json()["id"]
    r1 = upload(client, alice, path, patient_id=str(pid)).json()
    r2 = upload(client, alice, path, patient_id=str(pid)).json()
    assert r1["record"]["patient_id"] == pid
    assert r1["record"]["session_id"] is not None
    assert r1["record"]["session_id"] == r2["record"]["session_id"]  # same visit
    sid = r1["record"]["session_id"]
    r3 = upload(client, alice, path, session_id=str(sid)).json()
    assert r3["record"]["patient_id"] == pid  # taken from the session
    assert len(client.get(f"/api/recordings?patient_id={pid}", headers=alice).json()) == 3
    assert len(client.get(f"/api/recordings?session_id={sid}", headers=alice).json()) == 3


def _nothing_stored(app) -> bool:
    from clonus.store.tables import AssessmentRow, RecordingRow

    blobs = [p for p in app.state.blobs.root.rglob("*") if p.is_file()
             and p.parent.name != "tmp"]
    tmp = list((app.state.blobs.root / "tmp").glob("*")) if (
        app.state.blobs.root / "tmp").exists() else []
    return (_count_rows(app, RecordingRow) == 0 and _count_rows(app, AssessmentRow) == 0
            and blobs == [] and tmp == [])


@pytest.mark.parametrize("content", [b"this is not a recording\n1,2,3\n", b"\x00\x01\x02" * 50])
def test_unreadable_file_refused_before_storing(app, client, alice, tmp_path, content):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    r = upload(client, alice, bad)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "bad.csv" in detail and "upload-" not in detail  # names the user's file
    assert _nothing_stored(app)


def test_upload_size_limit(app, client, alice, tmp_path, settings):
    big = tmp_path / "big.csv"
    big.write_bytes(b"0" * (settings.max_upload_bytes + 1))
    r = upload(client, alice, big)
    assert r.status_code == 413
    assert str(settings.max_upload_bytes) in r.json()["detail"]
    assert _nothing_stored(app)


def test_upload_size_limit_while_streaming(app, client, alice, settings):
    """A chunked body (no Content-Length) is cut off once it passes the limit."""
    boundary = "XyZ"
    n = settings.max_upload_bytes + 200_000

    def body():
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
               f"filename=\"big.csv\"\r\nContent-Type: text/csv\r\n\r\n").encode()
        for _ in range(n // 10_000):
            yield b"1" * 10_000
        yield f"\r\n--{boundary}--\r\n".encode()

    r = client.post("/api/recordings", headers={
        **alice, "Content-Type": f"multipart/form-data; boundary={boundary}"}, content=body())
    assert r.status_code == 413
    assert _nothing_stored(app)


def test_upload_malformed_requests(app, client, alice):
    r = client.post("/api/recordings", headers=alice, json={"file": "x"})
    assert r.status_code == 415
    r = client.post("/api/recordings", headers=alice, data={"patient_id": "1"},
                    files={"other": ("a.csv", b"1")})
    assert r.status_code == 422 and "'file'" in r.json()["detail"]
    r = client.post("/api/recordings", headers=alice, data={"patient_id": "abc"},
                    files={"file": ("a.csv", b"1")})
    assert r.status_code == 422
    assert _nothing_stored(app)


# ---------------------------------------------------------------- review
def test_review_stores_correction_beside_automatic(client, alice, capture_csv):
    path, truth = capture_csv
    body = upload(client, alice, path).json()
    rid = body["id"]
    auto_times = [b["time_s"] for b in body["beats"]]
    # remove the third beat and add one 0.1 s after the last (a reviewer's edit)
    edited = auto_times[:2] + auto_times[3:] + [auto_times[-1] + 0.1]
    r = client.patch(f"/api/recordings/{rid}/review", headers=alice,
                     json={"beat_times_s": edited, "stretch_onset_s": body["stretch_onset_s"]})
    assert r.status_code == 200, r.text
    out = r.json()
    corr = out["corrected"]
    assert corr["n_beats"] == len(edited)
    assert [b["time_s"] for b in corr["beats"]] == pytest.approx(sorted(edited))
    ibi = np.diff(sorted(edited))
    assert corr["frequency_hz"] == pytest.approx(1 / np.median(ibi))
    assert corr["metrics"]["review"]["corrected"] is True
    assert set(corr["grades"]) == set(body["grades"])  # same scales, recomputed
    # the automatic result is unchanged
    assert {k: out[k] for k in CONTRACT_KEYS} == {k: body[k] for k in CONTRACT_KEYS}
    cid = out["record"]["corrected_assessment_id"]
    a = client.get(f"/api/assessments/{cid}", headers=alice).json()
    assert a["kind"] == "corrected" and a["parent_id"] == body["assessment_id"]
    assert a["edits"][0]["removed_s"] == [pytest.approx(auto_times[2], abs=1e-6)]
    listing = client.get("/api/recordings", headers=alice).json()[0]
    assert listing["n_beats"] == len(edited) and listing["corrected_assessment_id"] == cid


def test_review_rejects_bad_times(client, alice, capture_csv):
    path, _ = capture_csv
    rid = upload(client, alice, path).json()["id"]
    for bad in ([-1.0], ["x"]):
        r = client.patch(f"/api/recordings/{rid}/review", headers=alice,
                         json={"beat_times_s": bad, "stretch_onset_s": None})
        assert r.status_code == 422
    r = client.get(f"/api/recordings/{rid}", headers=alice).json()
    assert r["corrected"] is None


def test_trends(client, alice, capture_csv):
    path, _ = capture_csv
    pid = client.post("/api/patients", json={"code": "T1"}, headers=alice).json()["id"]
    s_old = client.post("/api/sessions", headers=alice, json={
        "patient_id": pid, "started_at": "2024-01-10T10:00:00+00:00"}).json()["id"]
    s_new = client.post("/api/sessions", headers=alice, json={
        "patient_id": pid, "started_at": "2024-02-10T10:00:00+00:00"}).json()["id"]
    new = upload(client, alice, path, session_id=str(s_new)).json()
    old = upload(client, alice, path, session_id=str(s_old)).json()
    times = [b["time_s"] for b in new["beats"]][:3]
    client.patch(f"/api/recordings/{new['id']}/review", headers=alice,
                 json={"beat_times_s": times, "stretch_onset_s": new["stretch_onset_s"]})
    pts = client.get(f"/api/patients/{pid}/trends", headers=alice).json()
    assert [p["recording_id"] for p in pts] == [old["id"], new["id"]]  # by session date
    assert pts[0]["n_beats"] == old["n_beats"] and pts[0]["kind"] == "automatic"
    assert pts[1]["n_beats"] == 3 and pts[1]["kind"] == "corrected"


# ---------------------------------------------------------------- reports
@pytest.mark.parametrize("fmt,ctype,magic", [("html", "text/html", b"<"),
                                             ("pdf", "application/pdf", b"%PDF"),
                                             ("fhir", "application/fhir+json", b"{")])
def test_reports(client, alice, capture_csv, fmt, ctype, magic):
    path, _ = capture_csv
    body = upload(client, alice, path).json()
    r = client.get(f"/api/assessments/{body['assessment_id']}/report?format={fmt}",
                   headers=alice)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(ctype)
    assert r.content.lstrip()[:len(magic)] == magic
    assert "attachment" in r.headers["content-disposition"]
    if fmt == "fhir":
        import json

        assert "resourceType" in json.loads(r.content)


def test_report_unknown_format(client, alice, capture_csv):
    body = upload(client, alice, capture_csv[0]).json()
    r = client.get(f"/api/assessments/{body['assessment_id']}/report?format=docx",
                   headers=alice)
    assert r.status_code == 422


# ---------------------------------------------------------------- isolation
def test_one_user_cannot_read_or_change_anothers_records(app, client, alice, bob, capture_csv):
    path, _ = capture_csv
    pid = client.post("/api/patients", json={"code": "SECRET"}, headers=alice).json()["id"]
    r = client.post(f"/api/patients/{pid}/context", json={"data": {"notes": "x"}},
                    headers=alice)
    assert r.status_code == 201
    sid = client.post("/api/sessions", json={"patient_id": pid}, headers=alice).json()["id"]
    rec = upload(client, alice, path, patient_id=str(pid)).json()
    rid, aid = rec["id"], rec["assessment_id"]
    review = {"beat_times_s": [1.5], "stretch_onset_s": None}
    attempts = [
        ("get", f"/api/patients/{pid}", None), ("patch", f"/api/patients/{pid}", {"code": "Z"}),
        ("delete", f"/api/patients/{pid}", None), ("get", f"/api/patients/{pid}/trends", None),
        ("get", f"/api/patients/{pid}/context", None),
        ("get", f"/api/patients/{pid}/report?format=html", None),
        ("post", f"/api/patients/{pid}/context", {"data": {}}),
        ("get", f"/api/sessions/{sid}", None), ("get", f"/api/sessions?patient_id={pid}", None),
        ("post", "/api/sessions", {"patient_id": pid}),
        ("get", f"/api/recordings/{rid}", None), ("get", f"/api/recordings/{rid}/trace", None),
        ("get", f"/api/recordings/{rid}/file", None),
        ("patch", f"/api/recordings/{rid}/review", review),
        ("get", f"/api/assessments/{aid}", None),
        ("get", f"/api/assessments/{aid}/report?format=html", None),
        ("delete", f"/api/recordings/{rid}", None),
    ]
    for method, url, body in attempts:
        kwargs = {"headers": bob} if body is None else {"headers": bob, "json": body}
        r = getattr(client, method)(url, **kwargs)
        assert r.status_code == 404, (method, url, r.status_code)  # 404, not 403: no leak
        assert "SECRET" not in r.text
    # bob's listings are empty, his uploads cannot target alice's patient
    assert client.get("/api/patients", headers=bob).json() == []
    assert client.get("/api/recordings", headers=bob).json() == []
    assert client.get(f"/api/recordings?patient_id={pid}", headers=bob).json() == []
    assert upload(client, bob, path, patient_id=str(pid)).status_code == 404
    assert upload(client, bob, path, session_id=str(sid)).status_code == 404
    # and alice's records are intact
    assert client.get(f"/api/recordings/{rid}", headers=alice).json()["corrected"] is None
    assert client.get(f"/api/patients/{pid}", headers=alice).json()["code"] == "SECRET"


# ---------------------------------------------------------------- same numbers as CLI and API
def _cli_json(path, capsys) -> dict:
    import json

    from clonus.cli.main import main

    capsys.readouterr()
    assert main(["assess", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _same_result(api: dict, cli: dict, filename: str) -> None:
    keys = set(cli) - {"source"}
    assert {k: api[k] for k in keys} == {k: cli[k] for k in keys}
    assert api["source"] == filename  # the upload's name, not a server-side temporary path


def test_same_result_as_cli_and_python_api(client, alice, capture_csv, capsys):
    import clonus

    path, _ = capture_csv
    body = upload(client, alice, path).json()
    _same_result(body, _cli_json(path, capsys), path.name)
    py = clonus.assess(clonus.read(path)).to_dict()
    _same_result(body, py, path.name)


@pytest.mark.requires_data
def test_real_walking_recording_same_as_cli(app, client, alice, real_data, capsys, settings):
    """A real foot-IMU walking recording (gaitmap, MS patient): identical from API and CLI,
    and ordinary walking is not reported as clonus."""
    app.state.settings = settings.model_copy(update={"max_upload_bytes": 5_000_000})
    path = real_data / "gaitmap_foot_imu" / "imu_sample_ms_left.csv"
    r = upload(client, alice, path)
    assert r.status_code == 201, r.text
    body = r.json()
    _same_result(body, _cli_json(path, capsys), path.name)
    assert body["classification"] != "clonus" and body["n_beats"] == 0


def test_report_shows_corrected_beats_and_patient_code(client, alice, capture_csv):
    path, _ = capture_csv
    pid = client.post("/api/patients", json={"code": "PX-77"}, headers=alice).json()["id"]
    body = upload(client, alice, path, patient_id=str(pid)).json()
    times = [b["time_s"] for b in body["beats"]][:4]
    out = client.patch(f"/api/recordings/{body['id']}/review", headers=alice,
                       json={"beat_times_s": times,
                             "stretch_onset_s": body["stretch_onset_s"]}).json()
    cid = out["record"]["corrected_assessment_id"]
    r = client.get(f"/api/assessments/{cid}/report?format=fhir", headers=alice)
    assert r.status_code == 200
    assert "PX-77" in r.text  # the pseudonymous code identifies the subject
    html = client.get(f"/api/assessments/{cid}/report?format=html", headers=alice).text
    assert "PX-77" in html
    auto_html = client.get(f"/api/assessments/{body['assessment_id']}/report?format=html",
                           headers=alice).text
    assert auto_html != html  # the two results are reported separately


@pytest.mark.requires_data
def test_real_multirate_edf_same_as_cli_with_read_warnings(client, alice, real_data, capsys):
    """A real Bittium Faros EDF (ECG 500 Hz, accelerometer 25 Hz, a marker channel without a
    unit): the motion group is assessed as by the CLI, and the read warning reaches the user."""
    path = real_data / "wearable_exports" / "bittium_faros" / "testfile_read.EDF"
    r = upload(client, alice, path)
    assert r.status_code == 201, r.text
    body = r.json()
    _same_result(body, _cli_json(path, capsys), path.name)
    assert {c["kind"] for c in body["record"]["channels"]} == {"acc"}
    msgs = body["record"]["messages"]
    assert any("Marker" in m for m in msgs)
    assert all("upload-" not in m and str(path.parent) not in m for m in msgs)


@pytest.mark.db
def test_end_to_end_on_postgresql(postgres_url, tmp_path, capture_csv):
    """The same app on PostgreSQL: upload, review, trends, isolation (own database)."""
    import uuid

    from fastapi.testclient import TestClient
    from sqlalchemy import create_engine, text

    from clonus.web import Settings, create_app

    name = "web_" + uuid.uuid4().hex[:12]
    admin = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"CREATE DATABASE {name}"))
    app = create_app(Settings(data_dir=tmp_path / "pgdata", secret_key="k" * 40,
                              database_url=postgres_url.rsplit("/", 1)[0] + "/" + name))
    try:
        assert app.state.engine.dialect.name == "postgresql"
        make_user(app, "pg-a@example.org")
        make_user(app, "pg-b@example.org")
        path, truth = capture_csv
        with TestClient(app) as client:
            a, b = login(client, "pg-a@example.org"), login(client, "pg-b@example.org")
            pid = client.post("/api/patients", json={"code": "PG1"}, headers=a).json()["id"]
            body = upload(client, a, path, patient_id=str(pid)).json()
            assert body["n_beats"] == len(truth)
            times = [x["time_s"] for x in body["beats"]][1:]
            r = client.patch(f"/api/recordings/{body['id']}/review", headers=a,
                             json={"beat_times_s": times,
                                   "stretch_onset_s": body["stretch_onset_s"]})
            assert r.json()["corrected"]["n_beats"] == len(truth) - 1
            pts = client.get(f"/api/patients/{pid}/trends", headers=a).json()
            assert [p["n_beats"] for p in pts] == [len(truth) - 1]
            assert client.get(f"/api/recordings/{body['id']}", headers=b).status_code == 404
            assert client.get(f"/api/patients/{pid}", headers=b).status_code == 404
            assert client.delete(f"/api/recordings/{body['id']}", headers=a).status_code == 204
            assert client.get(f"/api/patients/{pid}/trends", headers=a).json() == []
    finally:
        app.state.engine.dispose()
        with admin.connect() as c:
            c.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


def test_delete_recording_removes_records_and_unshared_file(app, client, alice, bob,
                                                           capture_csv):
    from clonus.store.tables import AssessmentRow, ReviewerEdit

    path, _ = capture_csv
    r1 = upload(client, alice, path).json()
    r2 = upload(client, alice, path).json()  # same bytes: one stored file
    r3 = upload(client, bob, path).json()  # another user, same bytes
    client.patch(f"/api/recordings/{r1['id']}/review", headers=alice,
                 json={"beat_times_s": [r1["beats"][0]["time_s"]], "stretch_onset_s": None})
    blob = app.state.blobs.path_for(r1["record"]["sha256"])
    assert client.delete(f"/api/recordings/{r1['id']}", headers=alice).status_code == 204
    assert client.get(f"/api/recordings/{r1['id']}", headers=alice).status_code == 404
    assert client.get(f"/api/assessments/{r1['assessment_id']}", headers=alice).status_code \
        == 404
    assert _count_rows(app, ReviewerEdit) == 0
    assert blob.is_file()  # still used by r2 and r3
    assert client.delete(f"/api/recordings/{r2['id']}", headers=alice).status_code == 204
    assert blob.is_file()  # still used by bob's r3
    assert client.delete(f"/api/recordings/{r3['id']}", headers=bob).status_code == 204
    assert not blob.exists()
    assert _count_rows(app, AssessmentRow) == 0


def test_simulated_trial_as_edf_matches_ground_truth(client, alice, tmp_path):
    """The reflex simulator's held trial (sustained clonus), written as EDF+ and uploaded:
    the stored result matches the simulator's ground truth."""
    from clonus.io import write_edf
    from clonus.simulate import simulate_trial

    trial = simulate_trial(mode="held", gain_ratio=6.0, duration_s=6.0, seed=1)
    path = write_edf(tmp_path / "sim_trial.edf", trial.recording)
    r = upload(client, alice, path)
    assert r.status_code == 201, r.text
    body = r.json()
    truth = np.asarray(trial.truth.beat_times_s)
    found = np.asarray([b["time_s"] for b in body["beats"]])
    assert body["n_beats"] == len(truth) > 10
    # 20 ms: 4 samples at 200 Hz, within a tenth of the ~5 Hz clonus period
    assert np.max(np.abs(found - truth)) < 0.020
    assert body["frequency_hz"] == pytest.approx(trial.truth.frequency_hz, abs=0.1)
    assert body["classification"] == "clonus"


def test_simulated_emg_trial_through_the_api(client, alice, tmp_path):
    """An EMG-only recording (simulated soleus EMG, EDF+) is assessed by the EMG analysis and
    its bursts match the simulator's burst onsets; the stored trace is the envelope in uV."""
    from clonus.io import write_edf
    from clonus.simulate import simulate_trial

    trial = simulate_trial(mode="held", gain_ratio=6.0, duration_s=6.0, seed=1,
                           sensors=("emg",))
    path = write_edf(tmp_path / "sim_emg.edf", trial.recording)
    body = upload(client, alice, path).json()
    assert body["signal_kind"] == "emg" and body["amplitude_unit"] == "uV"
    onsets = np.asarray(trial.truth.emg_burst_onsets_s)
    found = np.asarray([b["time_s"] for b in body["beats"]])
    # the first truth burst may be the response to the stretch itself, which is not a beat
    assert len(onsets) - 1 <= body["n_beats"] <= len(onsets)
    # 25 ms: burst-onset detection on a smoothed envelope, an eighth of the ~5 Hz period
    assert np.max(np.min(np.abs(found[:, None] - onsets[None, :]), axis=1)) < 0.025
    trace = client.get(f"/api/recordings/{body['id']}/trace", headers=alice).json()["trace"]
    assert trace["unit"] == "uV"
    # a reviewer removes the last burst: grades are recomputed from the EMG beats
    times = list(found[:-1])
    out = client.patch(f"/api/recordings/{body['id']}/review", headers=alice,
                       json={"beat_times_s": times,
                             "stretch_onset_s": body["stretch_onset_s"]}).json()
    assert out["corrected"]["n_beats"] == len(times)
    assert out["corrected"]["signal_kind"] == "emg"


@pytest.mark.parametrize("fmt", ["html", "fhir"])
def test_patient_comparison_report(client, alice, bob, capture_csv, tmp_path, fmt):
    import json

    from ._signals import write_clonus_csv

    path, _ = capture_csv
    pid = client.post("/api/patients", json={"code": "CMP-1"}, headers=alice).json()["id"]
    assert client.get(f"/api/patients/{pid}/report", headers=alice).status_code == 404
    for when, n in [("2024-01-10T10:00:00+00:00", 9), ("2024-03-10T10:00:00+00:00", 5)]:
        sid = client.post("/api/sessions", headers=alice,
                          json={"patient_id": pid, "started_at": when}).json()["id"]
        f = tmp_path / f"visit{n}.csv"
        write_clonus_csv(f, n_beats=n)
        assert upload(client, alice, f, session_id=str(sid)).status_code == 201
    r = client.get(f"/api/patients/{pid}/report?format={fmt}", headers=alice)
    assert r.status_code == 200, r.text
    assert "CMP-1" in r.text
    if fmt == "html":
        assert "2024-01-10" in r.text and "2024-03-10" in r.text  # both visits, labelled
    else:
        bundle = json.loads(r.content)
        assert bundle["resourceType"] == "Bundle" and len(bundle["entry"]) >= 2
    assert client.get(f"/api/patients/{pid}/report", headers=bob).status_code == 404
