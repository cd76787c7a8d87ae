"""The browser UI: a few static pages and their scripts (no build step, no CDN)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(include_in_schema=False)


@router.get("/")
def index() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html")


@router.get("/capture")
def capture() -> FileResponse:
    return FileResponse(STATIC / "capture.html", media_type="text/html")


@router.get("/api/health", include_in_schema=True, tags=["health"])
def health() -> dict[str, str]:
    """Liveness check (no login needed)."""
    from ... import __version__

    return {"status": "ok", "version": __version__}
