"""Password hashing (argon2) and login tokens (JWT, HS256)."""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["hash_password", "verify_password", "create_token", "decode_token",
           "load_or_create_secret", "LoginThrottle"]

_ALGORITHM = "HS256"
_hasher = PasswordHasher()
_dummy_hash: str | None = None


def hash_password(password: str) -> str:
    """Argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether ``password`` matches ``password_hash``.

    With ``password_hash=None`` (unknown user) a hash is still checked, so a login attempt
    takes as long whether or not the e-mail exists (no account discovery by timing).
    """
    global _dummy_hash
    if password_hash is None:
        if _dummy_hash is None:
            _dummy_hash = _hasher.hash("clonus-no-such-user")
        password_hash, password = _dummy_hash, password + "\x00"
        try:
            _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_token(*, user_id: int, secret_key: str, expire_minutes: int) -> str:
    """A signed bearer token for ``user_id`` that expires after ``expire_minutes``."""
    now = datetime.now(UTC)
    payload = {"sub": str(user_id), "iat": now, "exp": now + timedelta(minutes=expire_minutes)}
    return jwt.encode(payload, secret_key, algorithm=_ALGORITHM)


def decode_token(token: str, *, secret_key: str) -> int | None:
    """The user id in a valid, unexpired token, else None."""
    try:
        payload = jwt.decode(token, secret_key, algorithms=[_ALGORITHM])
        return int(payload["sub"])
    except (jwt.PyJWTError, KeyError, ValueError):
        return None


def load_or_create_secret(data_dir: Path) -> str:
    """The signing key kept in ``data_dir/secret_key``, created (mode 0600) on first use."""
    path = Path(data_dir) / "secret_key"
    if path.is_file():
        key = path.read_text().strip()
        if key:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return key


class LoginThrottle:
    """Refuse log-in for an account after repeated failures (in memory, per server process).

    Parameters
    ----------
    max_failures : int
        Failed attempts allowed within ``window_s``.
    window_s : float
        Length of the window and of the lock-out, in seconds.
    """

    def __init__(self, *, max_failures: int = 5, window_s: float = 900.0) -> None:
        import threading

        self.max_failures = max_failures
        self.window_s = window_s
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        times = [t for t in self._failures.get(key, []) if now - t < self.window_s]
        if times:
            self._failures[key] = times
        else:
            self._failures.pop(key, None)
        return times

    def locked(self, key: str) -> bool:
        """Whether ``key`` (a normalised e-mail) is locked out now."""
        import time

        with self._lock:
            return len(self._recent(key, time.monotonic())) >= self.max_failures

    def failed(self, key: str) -> None:
        """Record a failed attempt."""
        import time

        with self._lock:
            now = time.monotonic()
            self._failures[key] = [*self._recent(key, now), now]

    def succeeded(self, key: str) -> None:
        """Forget the failures of ``key``."""
        with self._lock:
            self._failures.pop(key, None)
