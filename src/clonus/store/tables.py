"""SQLAlchemy 2 table models of the record store.

The tables map the library's result objects to rows; they are not the library's types
(house style §3.1). Every row that holds clinical data carries ``owner_id`` so that every query
can be filtered by the user who owns it. Timestamps are timezone-aware UTC.

Tables
------
users
    Clinicians who log in (e-mail and an argon2 password hash).
patients
    A pseudonymous ``code`` (unique per owner) and optional free ``details``.
sessions
    One clinical visit of a patient (date, notes).
recordings
    One uploaded file: original name, SHA-256 checksum and size. The bytes are kept in the
    content-addressed blob store (:mod:`clonus.store.blobs`), never in the database.
assessments
    The full JSON result (``Assessment.to_dict()``), software version and settings, with a few
    indexed scalar columns. ``kind`` is ``"automatic"`` or ``"corrected"``; a corrected
    assessment points at the automatic one through ``parent_id`` and never replaces it.
clinical_contexts
    Clinical context (diagnosis, medication, ...) for a patient or one session, as JSON.
reviewer_edits
    What a reviewer changed (beat times, stretch onset), who and when.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

__all__ = [
    "Base",
    "User",
    "Patient",
    "ClinicalSession",
    "RecordingRow",
    "AssessmentRow",
    "ClinicalContextRow",
    "ReviewerEdit",
    "utcnow",
]


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    Naive datetimes are refused on the way in (they are ambiguous); SQLite, which stores no
    zone, gives back UTC-aware values like PostgreSQL does.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"Naive datetime {value!r}: give timestamps with a time zone.")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of the clonus tables."""

    type_annotation_map = {dict[str, Any]: JSON, datetime: UTCDateTime()}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Patient(Base):
    __tablename__ = "patients"
    __table_args__ = (UniqueConstraint("owner_id", "code", name="uq_patients_owner_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sessions: Mapped[list[ClinicalSession]] = relationship(
        back_populates="patient", cascade="all, delete-orphan", passive_deletes=True)


class ClinicalSession(Base):
    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"),
                                            index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    patient: Mapped[Patient] = relationship(back_populates="sessions")


class RecordingRow(Base):
    __tablename__ = "recordings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    patient_id: Mapped[int | None] = mapped_column(
        ForeignKey("patients.id", ondelete="SET NULL"), index=True, nullable=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), index=True, nullable=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(64), default="")
    fs_hz: Mapped[float | None] = mapped_column(Float, nullable=True)
    channels: Mapped[dict[str, Any]] = mapped_column(default=dict)
    start_time: Mapped[str | None] = mapped_column(String(64), nullable=True)
    tz_is_local: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    assessments: Mapped[list[AssessmentRow]] = relationship(
        back_populates="recording", cascade="all, delete-orphan", passive_deletes=True,
        order_by="AssessmentRow.id")


class AssessmentRow(Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recording_id: Mapped[int] = mapped_column(ForeignKey("recordings.id", ondelete="CASCADE"),
                                              index=True)
    kind: Mapped[str] = mapped_column(String(16), default="automatic")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), nullable=True)
    result: Mapped[dict[str, Any]] = mapped_column()
    trace: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    software_version: Mapped[str] = mapped_column(String(64))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    n_beats: Mapped[int] = mapped_column(Integer)
    frequency_hz: Mapped[float | None] = mapped_column(Float, nullable=True)
    clonus_duration_s: Mapped[float] = mapped_column(Float)
    classification: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    recording: Mapped[RecordingRow] = relationship(back_populates="assessments")


class ClinicalContextRow(Base):
    __tablename__ = "clinical_contexts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id", ondelete="CASCADE"),
                                            index=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewerEdit(Base):
    __tablename__ = "reviewer_edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    automatic_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"),
                                              index=True)
    corrected_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    changes: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
