"""Keyword-only functions that read and write the record store.

Every function that touches clinical data takes ``owner_id`` and filters by it, so one user
can never read or change another user's records through this module; a record owned by
someone else is reported exactly like a missing one (``None``). Functions add and flush but do
not commit: the caller (one web request, one CLI command) owns the transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .tables import (
    AssessmentRow,
    ClinicalContextRow,
    ClinicalSession,
    Patient,
    RecordingRow,
    ReviewerEdit,
    User,
    utcnow,
)

__all__ = [
    "create_user", "get_user", "get_user_by_email",
    "create_patient", "list_patients", "get_patient", "update_patient", "delete_patient",
    "create_session", "list_sessions", "get_session",
    "add_recording", "list_recordings", "get_recording", "get_assessment", "delete_recording",
    "count_blob_references",
    "automatic_assessment", "corrected_assessment", "add_correction", "list_edits",
    "set_context", "get_context", "trends", "iso_utc",
]


# ---------------------------------------------------------------- users
def create_user(*, db: Session, email: str, password_hash: str) -> User:
    """Add a user (e-mail is stored lower-cased)."""
    user = User(email=email.strip().lower(), password_hash=password_hash)
    db.add(user)
    db.flush()
    return user


def get_user(*, db: Session, user_id: int) -> User | None:
    """The user with this id, or None."""
    return db.get(User, user_id)


def get_user_by_email(*, db: Session, email: str) -> User | None:
    """The user with this e-mail (case-insensitive), or None."""
    return db.scalar(select(User).where(User.email == email.strip().lower()))


# ---------------------------------------------------------------- patients
def create_patient(*, db: Session, owner_id: int, code: str,
                   details: Mapping[str, Any] | None = None) -> Patient:
    """Add a patient under a pseudonymous ``code`` (unique per owner)."""
    patient = Patient(owner_id=owner_id, code=code, details=dict(details or {}))
    db.add(patient)
    db.flush()
    return patient


def list_patients(*, db: Session, owner_id: int) -> list[Patient]:
    """The owner's patients, ordered by code."""
    return list(db.scalars(select(Patient).where(Patient.owner_id == owner_id)
                           .order_by(Patient.code)))


def get_patient(*, db: Session, owner_id: int, patient_id: int) -> Patient | None:
    """The owner's patient with this id, or None (also when another user owns it)."""
    return db.scalar(select(Patient).where(Patient.id == patient_id,
                                           Patient.owner_id == owner_id))


def update_patient(*, db: Session, patient: Patient, code: str | None = None,
                   details: Mapping[str, Any] | None = None) -> Patient:
    """Change a patient's code and/or details."""
    if code is not None:
        patient.code = code
    if details is not None:
        patient.details = dict(details)
    db.flush()
    return patient


def delete_patient(*, db: Session, patient: Patient) -> None:
    """Delete a patient with their sessions and contexts (recordings are kept, unlinked)."""
    db.delete(patient)
    db.flush()


# ---------------------------------------------------------------- sessions
def create_session(*, db: Session, owner_id: int, patient_id: int,
                   started_at: datetime | None = None, notes: str = "") -> ClinicalSession:
    """Add a clinical session (visit) for one of the owner's patients."""
    row = ClinicalSession(owner_id=owner_id, patient_id=patient_id,
                          started_at=started_at or utcnow(), notes=notes)
    db.add(row)
    db.flush()
    return row


def list_sessions(*, db: Session, owner_id: int,
                  patient_id: int | None = None) -> list[ClinicalSession]:
    """The owner's sessions, oldest first, optionally for one patient."""
    q = select(ClinicalSession).where(ClinicalSession.owner_id == owner_id)
    if patient_id is not None:
        q = q.where(ClinicalSession.patient_id == patient_id)
    return list(db.scalars(q.order_by(ClinicalSession.started_at, ClinicalSession.id)))


def get_session(*, db: Session, owner_id: int, session_id: int) -> ClinicalSession | None:
    """The owner's session with this id, or None."""
    return db.scalar(select(ClinicalSession).where(ClinicalSession.id == session_id,
                                                   ClinicalSession.owner_id == owner_id))


# ---------------------------------------------------------------- recordings and assessments
def add_recording(*, db: Session, owner_id: int, filename: str, sha256: str, size_bytes: int,
                  assessment: Mapping[str, Any], trace: Mapping[str, Any] | None = None,
                  settings: Mapping[str, Any] | None = None, patient_id: int | None = None,
                  session_id: int | None = None, file_format: str = "",
                  fs_hz: float | None = None, channels: Sequence[Mapping[str, Any]] = (),
                  start_time: str | None = None, tz_is_local: bool = True,
                  messages: Sequence[str] = ()) -> tuple[RecordingRow, AssessmentRow]:
    """Add a recording and its automatic assessment.

    Parameters
    ----------
    assessment : mapping
        ``Assessment.to_dict()``, stored in full.
    trace : mapping, optional
        ``Assessment.trace.to_dict()`` for plots.
    settings : mapping, optional
        Settings the analysis ran with (defaults to the assessment's ``config``).
    channels : sequence of mapping
        Name, kind and unit of each channel assessed.
    messages : sequence of str
        Warnings from reading the file (kept with the channel list).
    """
    rec = RecordingRow(owner_id=owner_id, patient_id=patient_id, session_id=session_id,
                       filename=filename[:255], sha256=sha256, size_bytes=size_bytes,
                       format=file_format, fs_hz=fs_hz,
                       channels={"channels": list(channels), "messages": list(messages)},
                       start_time=start_time, tz_is_local=tz_is_local)
    db.add(rec)
    db.flush()
    row = _assessment_row(owner_id=owner_id, recording_id=rec.id, kind="automatic",
                          result=assessment, trace=trace, settings=settings)
    db.add(row)
    db.flush()
    return rec, row


def _assessment_row(*, owner_id: int, recording_id: int, kind: str, result: Mapping[str, Any],
                    trace: Mapping[str, Any] | None, settings: Mapping[str, Any] | None,
                    parent_id: int | None = None) -> AssessmentRow:
    return AssessmentRow(
        owner_id=owner_id, recording_id=recording_id, kind=kind, parent_id=parent_id,
        result=dict(result), trace=None if trace is None else dict(trace),
        software_version=str(result.get("software_version", "")),
        settings=dict(settings if settings is not None else result.get("config") or {}),
        n_beats=int(result.get("n_beats", 0)), frequency_hz=result.get("frequency_hz"),
        clonus_duration_s=float(result.get("clonus_duration_s") or 0.0),
        classification=str(result.get("classification", "indeterminate")))


def list_recordings(*, db: Session, owner_id: int, patient_id: int | None = None,
                    session_id: int | None = None) -> list[RecordingRow]:
    """The owner's recordings, newest first, optionally for one patient or session."""
    q = select(RecordingRow).where(RecordingRow.owner_id == owner_id)
    if patient_id is not None:
        q = q.where(RecordingRow.patient_id == patient_id)
    if session_id is not None:
        q = q.where(RecordingRow.session_id == session_id)
    return list(db.scalars(q.order_by(RecordingRow.created_at.desc(), RecordingRow.id.desc())))


def get_recording(*, db: Session, owner_id: int, recording_id: int) -> RecordingRow | None:
    """The owner's recording with this id, or None."""
    return db.scalar(select(RecordingRow).where(RecordingRow.id == recording_id,
                                                RecordingRow.owner_id == owner_id))


def delete_recording(*, db: Session, recording: RecordingRow) -> str:
    """Delete a recording with its assessments and edits; returns its file's checksum.

    The caller removes the file from the blob store after committing, and only if
    :func:`count_blob_references` is then 0 (another recording may hold the same bytes).
    """
    sha = recording.sha256
    ids = select(AssessmentRow.id).where(AssessmentRow.recording_id == recording.id)
    for edit in db.scalars(select(ReviewerEdit).where(ReviewerEdit.automatic_id.in_(ids))):
        db.delete(edit)
    db.flush()
    # corrected assessments first: they refer to the automatic one
    for a in db.scalars(select(AssessmentRow).where(AssessmentRow.recording_id == recording.id)
                        .order_by(AssessmentRow.id.desc())):
        db.delete(a)
        db.flush()
    db.delete(recording)
    db.flush()
    return sha


def count_blob_references(*, db: Session, sha256: str) -> int:
    """How many recordings (of any user) refer to the file with this checksum."""
    from sqlalchemy import func

    return int(db.scalar(select(func.count()).select_from(RecordingRow)
                         .where(RecordingRow.sha256 == sha256)) or 0)


def get_assessment(*, db: Session, owner_id: int, assessment_id: int) -> AssessmentRow | None:
    """The owner's assessment with this id, or None."""
    return db.scalar(select(AssessmentRow).where(AssessmentRow.id == assessment_id,
                                                 AssessmentRow.owner_id == owner_id))


def automatic_assessment(*, db: Session, recording: RecordingRow) -> AssessmentRow:
    """The automatic assessment of a recording (there is exactly one)."""
    return db.scalars(select(AssessmentRow).where(
        AssessmentRow.recording_id == recording.id, AssessmentRow.kind == "automatic")
        .order_by(AssessmentRow.id)).one()


def corrected_assessment(*, db: Session, recording: RecordingRow) -> AssessmentRow | None:
    """The latest reviewer-corrected assessment of a recording, or None."""
    return db.scalars(select(AssessmentRow).where(
        AssessmentRow.recording_id == recording.id, AssessmentRow.kind == "corrected")
        .order_by(AssessmentRow.id.desc())).first()


def add_correction(*, db: Session, owner_id: int, automatic: AssessmentRow,
                   corrected: Mapping[str, Any], changes: Mapping[str, Any],
                   trace: Mapping[str, Any] | None = None) -> tuple[AssessmentRow, ReviewerEdit]:
    """Store a corrected assessment beside the automatic one, with the edit that made it.

    The automatic assessment is never modified. Each correction adds a new corrected row, so
    the history of edits is kept.
    """
    row = _assessment_row(owner_id=owner_id, recording_id=automatic.recording_id,
                          kind="corrected", result=corrected, trace=trace,
                          settings=automatic.settings, parent_id=automatic.id)
    db.add(row)
    db.flush()
    edit = ReviewerEdit(owner_id=owner_id, automatic_id=automatic.id, corrected_id=row.id,
                        changes=dict(changes))
    db.add(edit)
    db.flush()
    return row, edit


def list_edits(*, db: Session, owner_id: int, automatic_id: int) -> list[ReviewerEdit]:
    """Reviewer edits of one automatic assessment, oldest first."""
    return list(db.scalars(select(ReviewerEdit).where(
        ReviewerEdit.owner_id == owner_id, ReviewerEdit.automatic_id == automatic_id)
        .order_by(ReviewerEdit.id)))


# ---------------------------------------------------------------- clinical context
def set_context(*, db: Session, owner_id: int, patient_id: int, data: Mapping[str, Any],
                session_id: int | None = None) -> ClinicalContextRow:
    """Record clinical context for a patient (or one session); the latest one applies."""
    row = ClinicalContextRow(owner_id=owner_id, patient_id=patient_id, session_id=session_id,
                             data=dict(data))
    db.add(row)
    db.flush()
    return row


def get_context(*, db: Session, owner_id: int, patient_id: int,
                session_id: int | None = None) -> ClinicalContextRow | None:
    """The latest context for the session if given and recorded, else for the patient."""
    base = select(ClinicalContextRow).where(ClinicalContextRow.owner_id == owner_id,
                                            ClinicalContextRow.patient_id == patient_id)
    if session_id is not None:
        row = db.scalars(base.where(ClinicalContextRow.session_id == session_id)
                         .order_by(ClinicalContextRow.id.desc())).first()
        if row is not None:
            return row
    return db.scalars(base.where(ClinicalContextRow.session_id.is_(None))
                      .order_by(ClinicalContextRow.id.desc())).first()


# ---------------------------------------------------------------- trends
def trends(*, db: Session, owner_id: int, patient_id: int) -> list[dict[str, Any]]:
    """One point per recording of a patient, oldest first, for trend plots.

    Each point uses the reviewer-corrected assessment when there is one, else the automatic
    one, and says which (``kind``). Its time is the session's start when the recording belongs
    to a session, else the upload time.

    Returns
    -------
    list of dict
        Keys ``time`` (ISO 8601, UTC), ``recording_id``, ``session_id``, ``assessment_id``,
        ``kind``, ``n_beats``, ``frequency_hz`` (Hz), ``clonus_duration_s`` (s),
        ``classification``.
    """
    recs = db.scalars(select(RecordingRow).where(RecordingRow.owner_id == owner_id,
                                                 RecordingRow.patient_id == patient_id))
    points = []
    for rec in recs:
        sess = db.get(ClinicalSession, rec.session_id) if rec.session_id is not None else None
        a = corrected_assessment(db=db, recording=rec) or automatic_assessment(db=db,
                                                                                recording=rec)
        when = sess.started_at if sess is not None else rec.created_at
        points.append({"time": iso_utc(when), "recording_id": rec.id, "session_id": rec.session_id,
                       "assessment_id": a.id, "kind": a.kind, "n_beats": a.n_beats,
                       "frequency_hz": a.frequency_hz, "clonus_duration_s": a.clonus_duration_s,
                       "classification": a.classification})
    points.sort(key=lambda p: (p["time"], p["recording_id"]))
    return points


def iso_utc(t: datetime) -> str:
    """ISO 8601 text of a timestamp, in UTC (naive values are taken as UTC)."""
    from datetime import UTC

    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC).isoformat()
