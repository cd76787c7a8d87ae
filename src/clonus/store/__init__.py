"""The record store: patients, sessions, recordings, assessments and reviewer edits.

SQLAlchemy 2 tables (:mod:`clonus.store.tables`), keyword-only repository functions
(:mod:`clonus.store.repository`), Alembic migrations shipped with the package
(:func:`clonus.store.db.upgrade`) and a content-addressed file store for the original
recordings (:mod:`clonus.store.blobs`). SQLite in the user's data directory is the default;
PostgreSQL works through a ``postgresql://`` URL.

Needs the ``store`` extra (``pip install clonus[store]``).
"""

from .blobs import BlobStore, UploadTooLargeError
from .db import default_data_dir, make_engine, make_sessionmaker, sqlite_url, upgrade

__all__ = ["BlobStore", "UploadTooLargeError", "default_data_dir", "make_engine",
           "make_sessionmaker", "sqlite_url", "upgrade"]
