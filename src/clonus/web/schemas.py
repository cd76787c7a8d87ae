"""Request and response schemas of the API (``*Create`` in, ``*Public`` out)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

__all__ = ["Token", "UserPublic", "PatientCreate", "PatientUpdate", "PatientPublic",
           "SessionCreate", "SessionPublic", "RecordingSummary", "ReviewCreate",
           "ContextCreate", "ContextPublic", "TrendPoint"]


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    email: str
    created_at: datetime


class PatientCreate(BaseModel):
    code: str = Field(min_length=1, max_length=64,
                      description="Pseudonymous code, unique among your patients. Do not use "
                      "names or hospital numbers.")
    details: dict[str, Any] = Field(default_factory=dict,
                                    description="Optional details (e.g. year of birth, side).")


class PatientUpdate(BaseModel):
    code: str | None = Field(default=None, min_length=1, max_length=64)
    details: dict[str, Any] | None = None


class PatientPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    details: dict[str, Any]
    created_at: datetime


class SessionCreate(BaseModel):
    patient_id: int
    started_at: AwareDatetime | None = Field(
        default=None, description="When the session took place, with its time zone "
        "(default now).")
    notes: str = Field(default="", max_length=10_000)


class SessionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    patient_id: int
    started_at: datetime
    notes: str
    created_at: datetime


class RecordingSummary(BaseModel):
    id: int
    filename: str
    patient_id: int | None
    session_id: int | None
    created_at: datetime
    sha256: str
    size_bytes: int
    assessment_id: int
    corrected_assessment_id: int | None
    n_beats: int
    frequency_hz: float | None
    clonus_duration_s: float
    classification: str


class ReviewCreate(BaseModel):
    beat_times_s: list[float] = Field(
        description="The corrected beat times, in seconds from the start of the recording.")
    stretch_onset_s: float | None = Field(
        default=None, description="The corrected stretch onset, in seconds.")


class ContextCreate(BaseModel):
    data: dict[str, Any] = Field(description="Clinical context (see docs/clinical.md).")
    session_id: int | None = None


class ContextPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    patient_id: int
    session_id: int | None
    data: dict[str, Any]
    created_at: datetime


class TrendPoint(BaseModel):
    time: datetime
    recording_id: int
    session_id: int | None
    assessment_id: int
    kind: str
    n_beats: int
    frequency_hz: float | None
    clonus_duration_s: float
    classification: str
