"""Log in (OAuth2 password flow) and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from ...store import repository as repo
from ..deps import CurrentUser, DbDep, SettingsDep
from ..schemas import Token, UserPublic
from ..security import create_token, verify_password

router = APIRouter(prefix="/api", tags=["auth"])


@router.post("/auth/token", response_model=Token, summary="Log in")
def login(request: Request, db: DbDep, settings: SettingsDep,
          form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    """Exchange e-mail (``username``) and password for a bearer token.

    After 5 failed attempts for one e-mail within 15 minutes, log-in for it is refused (429)
    for the rest of that window.
    """
    throttle = request.app.state.login_throttle
    key = form.username.strip().lower()
    if throttle.locked(key):
        raise HTTPException(status_code=status.HTTP_429_TOO_MANY_REQUESTS,
                            detail="Too many failed log-in attempts for this account. "
                            "Wait 15 minutes and try again.")
    user = repo.get_user_by_email(db=db, email=form.username)
    ok = verify_password(form.password, user.password_hash if user is not None else None)
    if user is None or not user.is_active or not ok:
        throttle.failed(key)
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED,
                            detail="Wrong e-mail or password.",
                            headers={"WWW-Authenticate": "Bearer"})
    throttle.succeeded(key)
    token = create_token(user_id=user.id, secret_key=request.app.state.secret_key,
                         expire_minutes=settings.token_expire_minutes)
    return Token(access_token=token)


@router.get("/users/me", response_model=UserPublic, summary="The logged-in user")
def me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user)
