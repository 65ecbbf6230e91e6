"""A throwaway PostgreSQL server for the test run, and a fresh database per test.

Run the suite with ``AIVA_TEST_DB=postgresql`` to open every test's database on a
real PostgreSQL server instead of a SQLite file (``scripts/run-tests.sh`` does so for
the core's tests). The server is a new cluster in a temporary folder, on a free
loopback port, started once per run and removed after it. The schema is migrated
once into a template database; each test gets a copy of it.

As root, the server runs as the ``postgres`` user (PostgreSQL refuses to run as
root). Without the server programs (``initdb``, ``pg_ctl``) the tests that need it
skip and say what to install.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.ports import free_port

TEST_DB_ENV = "AIVA_TEST_DB"
TEMPLATE = "aiva_template"
_names = itertools.count(1)


def on_postgresql() -> bool:
    """Whether this run opens the tests' databases on PostgreSQL."""
    return os.environ.get(TEST_DB_ENV, "").lower() == "postgresql"


def _server_program(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    return candidates[-1] if candidates else None


@dataclass
class PostgresServer:
    root: Path
    port: int
    pg_ctl: str
    as_user: list[str]  # the command prefix that runs a program as the server's owner

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def run(self, *command: str) -> None:
        done = subprocess.run([*self.as_user, *command], capture_output=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(
                f"{Path(command[0]).name} failed ({done.returncode}): "
                + (done.stderr or done.stdout).decode(errors="replace").strip()
            )

    def execute(self, sql: str) -> None:
        """Run ``sql`` outside a transaction (CREATE DATABASE cannot run inside one)."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)

    def fresh_database(self) -> str:
        """A new database with the schema at head; returns its URL."""
        name = f"aiva_test_{os.getpid()}_{next(_names)}"
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Remove a test's database, ending any connection the test left open."""
        name = url.rsplit("/", 1)[-1]
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_server() -> PostgresServer:
    initdb, pg_ctl = _server_program("initdb"), _server_program("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip(
            "PostgreSQL server programs (initdb, pg_ctl) not found: install the Debian "
            "package postgresql (scripts/run-tests.sh does so as root)"
        )
    root = Path(tempfile.mkdtemp(prefix="aiva-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        try:
            shutil.chown(root, user="postgres", group="postgres")
        except LookupError:
            shutil.rmtree(root, ignore_errors=True)
            pytest.skip("running as root, and there is no postgres user to run the server as")
        as_user = ["runuser", "-u", "postgres", "--"]
    data = root / "data"
    server = PostgresServer(root=root, port=free_port(), pg_ctl=pg_ctl, as_user=as_user)
    try:
        server.run(initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        options = (
            f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        log = str(root / "server.log")
        server.run(pg_ctl, "-D", str(data), "-o", options, "-l", log, "-w", "start")
    except BaseException:
        stop_server(server)  # stops whatever did start, and removes the folder
        raise
    return server


def stop_server(server: PostgresServer) -> None:
    """Stop the server if it runs, and remove its folder."""
    try:
        server.run(server.pg_ctl, "-D", str(server.root / "data"), "-m", "immediate", "stop")
    except RuntimeError:
        pass  # it never started
    finally:
        shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The run's PostgreSQL server, with the schema migrated into the template database."""
    from aiva_desk.store.database import open_database

    server = start_server()
    try:
        server.execute(f'CREATE DATABASE "{TEMPLATE}"')
        open_database(server.url(TEMPLATE)).dispose()  # every migration, on PostgreSQL
        yield server
    finally:
        stop_server(server)
