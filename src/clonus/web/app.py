"""The web app factory."""

from __future__ import annotations

import logging
import traceback
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from ..exceptions import ClonusError, MissingDependencyError
from ..store import BlobStore, UploadTooLargeError, make_engine, make_sessionmaker, upgrade
from .security import LoginThrottle, load_or_create_secret
from .settings import Settings

__all__ = ["create_app"]

log = logging.getLogger("clonus.web")

#: Pages may load only what this server serves (no CDN, no third party).
_CSP = ("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def create_app(settings: Settings | None = None, **overrides: Any) -> FastAPI:
    """Build the clonus web app.

    Creates the data directory, opens (and migrates to the latest schema) the database,
    prepares the file store and the token-signing key. Nothing of this happens at import.

    Parameters
    ----------
    settings : Settings, optional
        Configuration; by default read from ``CLONUS_*`` environment variables.
    **overrides
        Settings fields to override (e.g. ``database_url=...``).

    Returns
    -------
    FastAPI
        The app; ``app.state`` holds ``settings``, ``engine``, ``sessionmaker``, ``blobs``.
    """
    from .. import __version__
    from .routes import auth, pages, patients, recordings, sessions

    settings = settings or Settings()
    if overrides:
        settings = settings.model_copy(update=overrides)
    data_dir = settings.resolved_data_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url())
    upgrade(engine)
    blobs = BlobStore(data_dir / "files")
    blobs.clean_tmp()  # partial uploads from a crash are never part of a record

    app = FastAPI(
        title="clonus",
        version=__version__,
        description="Records and assessments of clonus. Decision support only: it does not "
        "replace clinical judgement. Log in with POST /api/auth/token.",
        # Swagger UI and ReDoc load their scripts from a CDN; nothing here may need the
        # internet, so only the OpenAPI description itself is served (/openapi.json).
        docs_url=None,
        redoc_url=None,
    )

    @app.middleware("http")
    async def _security_headers(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Content-Security-Policy", _CSP)
        response.headers.setdefault("Permissions-Policy",
                                    "accelerometer=(self), gyroscope=(self), camera=(), "
                                    "microphone=(), geolocation=()")
        if request.url.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.blobs = blobs
    app.state.secret_key = settings.secret_key or load_or_create_secret(data_dir)
    app.state.login_throttle = LoginThrottle()

    for r in (auth.router, patients.router, sessions.router, recordings.router, pages.router):
        app.include_router(r)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")

    @app.exception_handler(UploadTooLargeError)
    async def _too_large(_req: Request, exc: UploadTooLargeError) -> JSONResponse:
        return JSONResponse(status_code=413, content={"detail": str(exc)})

    @app.exception_handler(MissingDependencyError)
    async def _missing(_req: Request, exc: MissingDependencyError) -> JSONResponse:
        return JSONResponse(status_code=501, content={"detail": str(exc)})

    @app.exception_handler(ClonusError)
    async def _clonus(_req: Request, exc: ClonusError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": str(exc)})

    @app.middleware("http")
    async def _internal_error(request: Request, call_next):
        # a bug while handling a request: the answer says so, and the log keeps the traceback's
        # frames but not the exception's message, which may quote the uploaded file (the
        # server would otherwise log it whole). Errors clonus expects (ClonusError...) are
        # answered by the handlers above and never get here.
        try:
            return await call_next(request)
        except Exception as exc:
            log.error("internal error (%s) handling %s %s; traceback without its message:\n%s",
                      type(exc).__name__, request.method, request.url.path,
                      "".join(traceback.format_tb(exc.__traceback__)))
            return JSONResponse(status_code=500, content={
                "detail": f"internal error ({type(exc).__name__}); the request was not "
                "completed. Please report it with 'clonus sys-info'."})

    @app.exception_handler(ImportError)
    async def _import(_req: Request, exc: ImportError) -> JSONResponse:
        log.warning("feature unavailable: %s", exc)
        return JSONResponse(status_code=501, content={
            "detail": f"This feature needs a part of clonus that is not installed ({exc.name}). "
            "Install clonus[all]."})

    return app
