"""Repository functions on SQLite and PostgreSQL: ownership, corrections, trends, time zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from clonus.store import repository as repo
from clonus.store.tables import AssessmentRow, ReviewerEdit


def _result(n_beats: int, *, freq=None, dur=0.0, cls="clonus") -> dict:
    return {"n_beats": n_beats, "beats": [{"time_s": 1.0 + 0.2 * i, "amplitude": 2.0,
                                           "period_s": None} for i in range(n_beats)],
            "frequency_hz": freq, "clonus_duration_s": dur, "classification": cls,
            "software_version": "9.9", "config": {"min_interval_s": 0.08}}


@pytest.fixture
def two_users(db):
    a = repo.create_user(db=db, email="Alice@Example.org", password_hash="x")
    b = repo.create_user(db=db, email="bob@example.org", password_hash="y")
    return a, b


def test_user_email_is_case_insensitive_and_unique(db, two_users):
    a, _ = two_users
    assert a.email == "alice@example.org"
    assert repo.get_user_by_email(db=db, email="ALICE@example.org ").id == a.id
    with db.begin_nested(), pytest.raises(IntegrityError):
        repo.create_user(db=db, email="alice@example.org", password_hash="z")


def test_patient_code_unique_per_owner_only(db, two_users):
    a, b = two_users
    repo.create_patient(db=db, owner_id=a.id, code="P1")
    repo.create_patient(db=db, owner_id=b.id, code="P1")  # another owner may reuse a code
    with db.begin_nested(), pytest.raises(IntegrityError):
        repo.create_patient(db=db, owner_id=a.id, code="P1")


def test_owner_filter_hides_other_users_records(db, two_users):
    a, b = two_users
    p = repo.create_patient(db=db, owner_id=a.id, code="P1", details={"side": "left"})
    s = repo.create_session(db=db, owner_id=a.id, patient_id=p.id)
    rec, auto = repo.add_recording(db=db, owner_id=a.id, filename="r.csv", sha256="a" * 64,
                                   size_bytes=10, assessment=_result(3), patient_id=p.id,
                                   session_id=s.id)
    assert repo.get_patient(db=db, owner_id=a.id, patient_id=p.id).details == {"side": "left"}
    assert repo.get_patient(db=db, owner_id=b.id, patient_id=p.id) is None
    assert repo.get_session(db=db, owner_id=b.id, session_id=s.id) is None
    assert repo.get_recording(db=db, owner_id=b.id, recording_id=rec.id) is None
    assert repo.get_assessment(db=db, owner_id=b.id, assessment_id=auto.id) is None
    assert repo.list_patients(db=db, owner_id=b.id) == []
    assert repo.list_recordings(db=db, owner_id=b.id) == []
    assert [r.id for r in repo.list_recordings(db=db, owner_id=a.id)] == [rec.id]


def test_assessment_stored_in_full_with_indexed_scalars(db, two_users):
    a, _ = two_users
    result = _result(4, freq=5.5, dur=0.6)
    rec, auto = repo.add_recording(db=db, owner_id=a.id, filename="r.csv", sha256="b" * 64,
                                   size_bytes=10, assessment=result,
                                   trace={"times_s": [0, 1], "values": [0, 1], "unit": "deg",
                                          "label": "angle"})
    db.expire_all()
    row = db.get(AssessmentRow, auto.id)
    assert row.result == result
    assert (row.n_beats, row.frequency_hz, row.clonus_duration_s) == (4, 5.5, 0.6)
    assert row.software_version == "9.9" and row.settings == {"min_interval_s": 0.08}
    assert row.kind == "automatic" and row.trace["unit"] == "deg"


def test_correction_is_stored_beside_the_automatic_result(db, two_users):
    a, _ = two_users
    rec, auto = repo.add_recording(db=db, owner_id=a.id, filename="r.csv", sha256="c" * 64,
                                   size_bytes=10, assessment=_result(5))
    before = dict(auto.result)
    c1, e1 = repo.add_correction(db=db, owner_id=a.id, automatic=auto,
                                 corrected=_result(4), changes={"removed_s": [1.0]})
    c2, _ = repo.add_correction(db=db, owner_id=a.id, automatic=auto,
                                corrected=_result(6), changes={"added_s": [3.0]})
    db.expire_all()
    assert db.get(AssessmentRow, auto.id).result == before  # never overwritten
    assert repo.automatic_assessment(db=db, recording=rec).id == auto.id
    assert repo.corrected_assessment(db=db, recording=rec).id == c2.id  # latest applies
    assert c1.parent_id == auto.id and c1.kind == "corrected"
    edits = repo.list_edits(db=db, owner_id=a.id, automatic_id=auto.id)
    assert [e.changes for e in edits] == [{"removed_s": [1.0]}, {"added_s": [3.0]}]
    assert db.scalar(select(func.count()).select_from(ReviewerEdit)) == 2


def test_trends_use_session_time_and_corrected_result(db, two_users):
    a, _ = two_users
    p = repo.create_patient(db=db, owner_id=a.id, code="P9")
    t_old = datetime(2024, 1, 5, 9, 0, tzinfo=UTC)
    t_new = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
    s_new = repo.create_session(db=db, owner_id=a.id, patient_id=p.id, started_at=t_new)
    s_old = repo.create_session(db=db, owner_id=a.id, patient_id=p.id, started_at=t_old)
    _, auto_new = repo.add_recording(db=db, owner_id=a.id, filename="n.csv", sha256="d" * 64,
                                     size_bytes=1, assessment=_result(2), patient_id=p.id,
                                     session_id=s_new.id)
    repo.add_recording(db=db, owner_id=a.id, filename="o.csv", sha256="e" * 64, size_bytes=1,
                       assessment=_result(7, freq=6.0, dur=1.2), patient_id=p.id,
                       session_id=s_old.id)
    repo.add_correction(db=db, owner_id=a.id, automatic=auto_new,
                        corrected=_result(3, freq=5.0, dur=0.4), changes={})
    pts = repo.trends(db=db, owner_id=a.id, patient_id=p.id)
    assert [p_["n_beats"] for p_ in pts] == [7, 3]  # oldest first; corrected result used
    assert [p_["kind"] for p_ in pts] == ["automatic", "corrected"]
    assert datetime.fromisoformat(pts[0]["time"]) == t_old
    assert pts[1]["frequency_hz"] == 5.0


def test_timestamps_are_timezone_aware_utc(db, two_users):
    a, _ = two_users
    cet = timezone(timedelta(hours=1))
    s_time = datetime(2024, 6, 1, 10, 30, tzinfo=cet)
    p = repo.create_patient(db=db, owner_id=a.id, code="TZ")
    s = repo.create_session(db=db, owner_id=a.id, patient_id=p.id, started_at=s_time)
    db.expire_all()
    got = repo.get_session(db=db, owner_id=a.id, session_id=s.id).started_at
    assert got.tzinfo is not None and got.utcoffset() == timedelta(0)
    assert got == s_time  # same instant
    assert repo.get_user(db=db, user_id=a.id).created_at.tzinfo is not None
    with pytest.raises(Exception, match="Naive datetime"):
        repo.create_session(db=db, owner_id=a.id, patient_id=p.id,
                            started_at=datetime(2024, 1, 1, 12, 0))


def test_context_latest_session_then_patient(db, two_users):
    a, b = two_users
    p = repo.create_patient(db=db, owner_id=a.id, code="C1")
    s = repo.create_session(db=db, owner_id=a.id, patient_id=p.id)
    repo.set_context(db=db, owner_id=a.id, patient_id=p.id, data={"diagnosis": "old"})
    repo.set_context(db=db, owner_id=a.id, patient_id=p.id, data={"diagnosis": "SCI"})
    assert repo.get_context(db=db, owner_id=a.id, patient_id=p.id).data == {"diagnosis": "SCI"}
    # no session-specific context: falls back to the patient's
    assert repo.get_context(db=db, owner_id=a.id, patient_id=p.id,
                            session_id=s.id).data == {"diagnosis": "SCI"}
    repo.set_context(db=db, owner_id=a.id, patient_id=p.id, session_id=s.id,
                     data={"diagnosis": "SCI", "baclofen_mg": 20})
    assert repo.get_context(db=db, owner_id=a.id, patient_id=p.id,
                            session_id=s.id).data["baclofen_mg"] == 20
    assert repo.get_context(db=db, owner_id=b.id, patient_id=p.id) is None


def test_deleting_patient_keeps_recordings_unlinked(db, two_users):
    a, _ = two_users
    p = repo.create_patient(db=db, owner_id=a.id, code="DEL")
    s = repo.create_session(db=db, owner_id=a.id, patient_id=p.id)
    rec, _ = repo.add_recording(db=db, owner_id=a.id, filename="r.csv", sha256="f" * 64,
                                size_bytes=1, assessment=_result(1), patient_id=p.id,
                                session_id=s.id)
    ids = (a.id, rec.id, s.id)
    repo.delete_patient(db=db, patient=p)
    db.expire_all()
    kept = repo.get_recording(db=db, owner_id=ids[0], recording_id=ids[1])
    assert kept is not None and kept.patient_id is None and kept.session_id is None
    assert repo.get_session(db=db, owner_id=ids[0], session_id=ids[2]) is None
