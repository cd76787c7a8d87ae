"""A throwaway PostgreSQL server for tests (not used by the application).

Starts a private cluster with the PostgreSQL server binaries found on the machine (Debian
layout ``/usr/lib/postgresql/<version>/bin``), in a temporary directory, listening only on
127.0.0.1 on a free port, and removes it afterwards. The server refuses to run as root, so
when the caller is root the commands run as user ``postgres``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["find_pg_bin", "temporary_postgres", "PostgresUnavailable"]


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries, or no way to run them here."""


def find_pg_bin() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl`` (newest Debian version), or None."""
    env = os.environ.get("CLONUS_PG_BIN")
    cands = [Path(env)] if env else []
    base = Path("/usr/lib/postgresql")
    if base.is_dir():
        cands += sorted((p / "bin" for p in base.iterdir()), reverse=True)
    which = shutil.which("initdb")
    if which:
        cands.append(Path(which).parent)
    for c in cands:
        if (c / "initdb").exists() and (c / "pg_ctl").exists():
            return c
    return None


_START_ATTEMPTS = 5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def temporary_postgres() -> Iterator[str]:
    """Run a private PostgreSQL cluster; yields its ``postgresql://`` URL.

    Raises
    ------
    PostgresUnavailable
        When no server binaries are found, or running as root without a ``postgres`` user.
    """
    pgbin = find_pg_bin()
    if pgbin is None:
        raise PostgresUnavailable("PostgreSQL server binaries (initdb, pg_ctl) not found; "
                                  "install them with: apt-get install postgresql")
    as_root = os.geteuid() == 0
    if as_root:
        import pwd

        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable("running as root and there is no 'postgres' user to "
                                      "run the server") from None

    def run(cmd: list[str]) -> None:
        full = ["su", "postgres", "-c", shlex.join(cmd)] if as_root else cmd
        # generous: initdb and start-up take many seconds on a loaded machine
        subprocess.run(full, check=True, capture_output=True, timeout=300)

    tmp = Path(tempfile.mkdtemp(prefix="clonus-pg-"))
    if as_root:
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
    data = tmp / "data"
    started = False
    try:
        run([str(pgbin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
             "--no-sync"])
        # The port is free when chosen but another process may take it before the server binds
        # it (seconds later, on a machine shared with other test runs): then choose another.
        for attempt in range(_START_ATTEMPTS):
            port = _free_port()
            log = tmp / f"log-{attempt}"
            try:
                run([str(pgbin / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "120",
                     "-o", f"-p {port} -c listen_addresses=127.0.0.1 -k {tmp} -c fsync=off",
                     "start"])
                break
            except subprocess.CalledProcessError:
                in_use = log.exists() and "already in use" in log.read_text(errors="replace")
                if not in_use or attempt == _START_ATTEMPTS - 1:
                    raise
        started = True
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        if started:
            try:
                run([str(pgbin / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
            except subprocess.SubprocessError:
                pass
        shutil.rmtree(tmp, ignore_errors=True)
