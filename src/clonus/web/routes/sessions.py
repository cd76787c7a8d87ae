"""Clinical sessions (visits) of a patient."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from ...store import repository as repo
from ...store.tables import ClinicalSession
from ..deps import CurrentUser, DbDep
from ..schemas import SessionCreate, SessionPublic
from .patients import owned_patient

router = APIRouter(prefix="/api/sessions", tags=["sessions"])


@router.get("", response_model=list[SessionPublic], summary="List your sessions")
def list_sessions(db: DbDep, user: CurrentUser,
                  patient_id: int | None = None) -> list[ClinicalSession]:
    if patient_id is not None:
        owned_patient(db, user, patient_id)
    return repo.list_sessions(db=db, owner_id=user.id, patient_id=patient_id)


@router.post("", response_model=SessionPublic, status_code=201, summary="Add a session")
def create_session(body: SessionCreate, db: DbDep, user: CurrentUser) -> ClinicalSession:
    owned_patient(db, user, body.patient_id)
    s = repo.create_session(db=db, owner_id=user.id, patient_id=body.patient_id,
                            started_at=body.started_at, notes=body.notes)
    db.commit()
    return s


@router.get("/{session_id}", response_model=SessionPublic, summary="One session")
def get_session(session_id: int, db: DbDep, user: CurrentUser) -> ClinicalSession:
    s = repo.get_session(db=db, owner_id=user.id, session_id=session_id)
    if s is None:
        raise HTTPException(status_code=404, detail=f"No session {session_id}.")
    return s
