"""Alembic migrations: they match the models, and upgrade/downgrade round-trips."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from clonus.store import make_engine, upgrade
from clonus.store.tables import Base

TABLES = {"users", "patients", "sessions", "recordings", "assessments", "clinical_contexts",
          "reviewer_edits", "alembic_version"}


def test_migrations_match_models(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []  # a model change without a migration would show up here
    assert TABLES <= set(inspect(engine).get_table_names())


def test_upgrade_downgrade_upgrade(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(eng)
    assert TABLES <= set(inspect(eng).get_table_names())
    upgrade(eng, "base")  # alembic "upgrade base" is a no-op; use downgrade below
    from alembic import command
    from alembic.config import Config

    import clonus.store.db as dbmod

    cfg = Config()
    cfg.set_main_option("script_location", str(dbmod._MIGRATIONS))
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert set(inspect(eng).get_table_names()) <= {"alembic_version"}
    upgrade(eng)
    upgrade(eng)  # idempotent
    assert TABLES <= set(inspect(eng).get_table_names())
    eng.dispose()
