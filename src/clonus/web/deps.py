"""FastAPI dependencies: database session, current user, settings, stores."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from ..store import BlobStore
from ..store import repository as repo
from ..store.tables import User
from .analysis import Analysis, analyse_file
from .security import decode_token
from .settings import Settings

__all__ = ["DbDep", "CurrentUser", "SettingsDep", "BlobsDep", "AnalyserDep", "get_db",
           "get_current_user", "get_analyser"]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token")


def get_db(request: Request) -> Iterator[Session]:
    """One database session per request; rolled back if the request fails."""
    db = request.app.state.sessionmaker()
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    finally:
        db.close()


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_blobs(request: Request) -> BlobStore:
    return request.app.state.blobs


def get_analyser() -> Callable[[Path], Analysis]:
    """The function that reads and assesses an upload (:func:`analyse_file`)."""
    return analyse_file


DbDep = Annotated[Session, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
BlobsDep = Annotated[BlobStore, Depends(get_blobs)]
AnalyserDep = Annotated[Callable[[Path], Analysis], Depends(get_analyser)]


def get_current_user(request: Request, db: DbDep,
                     token: Annotated[str, Depends(oauth2_scheme)]) -> User:
    """The user the bearer token belongs to; 401 otherwise."""
    user_id = decode_token(token, secret_key=request.app.state.secret_key)
    user = repo.get_user(db=db, user_id=user_id) if user_id is not None else None
    if user is None or not user.is_active:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED,
                            detail="Not logged in or the login has expired. Log in again.",
                            headers={"WWW-Authenticate": "Bearer"})
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
