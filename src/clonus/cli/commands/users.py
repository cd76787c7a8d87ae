"""``clonus users``: manage the accounts of the web app."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ...exceptions import InvalidParameterError


def register(app: typer.Typer) -> None:
    users = typer.Typer(help="Manage web-app accounts.", no_args_is_help=True)

    @users.command("create")
    def create(
        email: Annotated[str, typer.Argument(help="Login e-mail of the new user.")],
        password_stdin: Annotated[bool, typer.Option(
            "--password-stdin", help="Read the password from standard input.")] = False,
        database: Annotated[str | None, typer.Option(
            "--database", help="Database URL (default: SQLite in the data directory).")] = None,
        data_dir: Annotated[Path | None, typer.Option("--data-dir",
                                                      help="Data directory.")] = None,
    ) -> None:
        """Create a user who can log in to ``clonus serve``."""
        from ...store import make_engine, make_sessionmaker, repository, upgrade
        from ...web.security import hash_password
        from ...web.settings import Settings

        if "@" not in email or len(email) > 320:
            raise InvalidParameterError(f"Invalid e-mail {email!r}: expected name@example.org.")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        if len(password) < 8:
            raise InvalidParameterError("The password is too short: use at least 8 characters.")
        overrides = {k: v for k, v in (("database_url", database), ("data_dir", data_dir)) if v}
        settings = Settings().model_copy(update=overrides)
        settings.resolved_data_dir().mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.resolved_database_url())
        try:
            upgrade(engine)
            with make_sessionmaker(engine)() as db:
                if repository.get_user_by_email(db=db, email=email) is not None:
                    raise InvalidParameterError(f"A user with e-mail {email!r} already exists.")
                user = repository.create_user(db=db, email=email,
                                              password_hash=hash_password(password))
                db.commit()
                typer.echo(f"Created user {user.id}.")
        finally:
            engine.dispose()

    app.add_typer(users, name="users")
