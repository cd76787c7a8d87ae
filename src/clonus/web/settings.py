"""Settings of the web app, read from ``CLONUS_*`` environment variables.

They are loaded only inside :func:`clonus.web.create_app` (never at import), so importing
:mod:`clonus.web` needs no environment.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Configuration of ``clonus serve``.

    Every field can be set through an environment variable with the ``CLONUS_`` prefix, e.g.
    ``CLONUS_DATABASE_URL`` or ``CLONUS_MAX_UPLOAD_BYTES``.
    """

    model_config = SettingsConfigDict(env_prefix="CLONUS_", extra="ignore")

    data_dir: Path | None = Field(
        default=None, description="Where the SQLite database, the original files and the "
        "generated secret key live. Default: $CLONUS_DATA_DIR or the user data directory.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default SQLite in data_dir. "
        "PostgreSQL: postgresql://user:password@host:5432/clonus")
    secret_key: str | None = Field(
        default=None, description="Key that signs login tokens. Default: generated once and "
        "kept in data_dir/secret_key (readable by the owner only).")
    token_expire_minutes: int = Field(default=12 * 60, gt=0,
                                      description="Lifetime of a login token, in minutes.")
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, gt=0,
                                  description="Largest accepted upload, in bytes.")

    def resolved_data_dir(self) -> Path:
        """``data_dir`` or the default data directory."""
        from ..store.db import default_data_dir

        return Path(self.data_dir).expanduser() if self.data_dir else default_data_dir()

    def resolved_database_url(self) -> str:
        """``database_url`` or the SQLite database in the data directory."""
        from ..store.db import sqlite_url

        return self.database_url or sqlite_url(self.resolved_data_dir())
