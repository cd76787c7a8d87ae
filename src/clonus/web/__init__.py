"""The clonus web app: records, assessments, reviewer corrections, reports and live capture.

Build it with :func:`create_app` (``clonus serve`` does this). Needs the ``web`` extra.
"""

from .app import create_app
from .settings import Settings

__all__ = ["create_app", "Settings"]
