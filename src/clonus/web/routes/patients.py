"""Patients, their clinical context and their trends."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response, status
from sqlalchemy.exc import IntegrityError

from ...store import repository as repo
from ...store.tables import Patient
from ..deps import CurrentUser, DbDep
from ..schemas import (
    ContextCreate,
    ContextPublic,
    PatientCreate,
    PatientPublic,
    PatientUpdate,
    TrendPoint,
)

router = APIRouter(prefix="/api/patients", tags=["patients"])


def owned_patient(db: DbDep, user: CurrentUser, patient_id: int) -> Patient:
    """The user's patient, or 404 (also when the patient belongs to someone else)."""
    p = repo.get_patient(db=db, owner_id=user.id, patient_id=patient_id)
    if p is None:
        raise HTTPException(status_code=404, detail=f"No patient {patient_id}.")
    return p


def _conflict(code: str) -> HTTPException:
    return HTTPException(status_code=status.HTTP_409_CONFLICT,
                         detail=f"You already have a patient with code {code!r}.")


@router.get("", response_model=list[PatientPublic], summary="List your patients")
def list_patients(db: DbDep, user: CurrentUser) -> list[Patient]:
    return repo.list_patients(db=db, owner_id=user.id)


@router.post("", response_model=PatientPublic, status_code=201, summary="Add a patient")
def create_patient(body: PatientCreate, db: DbDep, user: CurrentUser) -> Patient:
    if any(p.code == body.code for p in repo.list_patients(db=db, owner_id=user.id)):
        raise _conflict(body.code)
    try:
        p = repo.create_patient(db=db, owner_id=user.id, code=body.code, details=body.details)
        db.commit()
    except IntegrityError:
        db.rollback()
        raise _conflict(body.code) from None
    return p


@router.get("/{patient_id}", response_model=PatientPublic, summary="One patient")
def get_patient(patient_id: int, db: DbDep, user: CurrentUser) -> Patient:
    return owned_patient(db, user, patient_id)


@router.patch("/{patient_id}", response_model=PatientPublic, summary="Change a patient")
def update_patient(patient_id: int, body: PatientUpdate, db: DbDep,
                   user: CurrentUser) -> Patient:
    p = owned_patient(db, user, patient_id)
    try:
        repo.update_patient(db=db, patient=p, code=body.code, details=body.details)
        db.commit()
    except IntegrityError:
        db.rollback()
        raise _conflict(body.code or "") from None
    return p


@router.delete("/{patient_id}", status_code=204, summary="Delete a patient")
def delete_patient(patient_id: int, db: DbDep, user: CurrentUser) -> Response:
    """Delete the patient, their sessions and context; their recordings are kept, unlinked."""
    repo.delete_patient(db=db, patient=owned_patient(db, user, patient_id))
    db.commit()
    return Response(status_code=204)


@router.get("/{patient_id}/trends", response_model=list[TrendPoint],
            summary="Beats, frequency and duration over time")
def trends(patient_id: int, db: DbDep, user: CurrentUser) -> list[dict]:
    """One point per recording, oldest first, using the corrected result where there is one."""
    owned_patient(db, user, patient_id)
    return repo.trends(db=db, owner_id=user.id, patient_id=patient_id)


@router.post("/{patient_id}/context", response_model=ContextPublic, status_code=201,
             summary="Record clinical context")
def set_context(patient_id: int, body: ContextCreate, db: DbDep, user: CurrentUser):
    owned_patient(db, user, patient_id)
    if body.session_id is not None:
        s = repo.get_session(db=db, owner_id=user.id, session_id=body.session_id)
        if s is None or s.patient_id != patient_id:
            raise HTTPException(status_code=404, detail=f"No session {body.session_id}.")
    try:
        from ...clinical import ClinicalContext
    except ImportError:  # clinical module not installed: store as given
        ClinicalContext = None  # noqa: N806
    if ClinicalContext is not None:
        ClinicalContext.from_dict(body.data)  # raises ClonusError (422) when invalid
    row = repo.set_context(db=db, owner_id=user.id, patient_id=patient_id, data=body.data,
                           session_id=body.session_id)
    db.commit()
    return row


@router.get("/{patient_id}/context", response_model=ContextPublic,
            summary="The latest clinical context")
def get_context(patient_id: int, db: DbDep, user: CurrentUser, session_id: int | None = None):
    owned_patient(db, user, patient_id)
    row = repo.get_context(db=db, owner_id=user.id, patient_id=patient_id, session_id=session_id)
    if row is None:
        raise HTTPException(status_code=404, detail="No clinical context recorded.")
    return row
