"""A real PostgreSQL server for the team-mode tests.

`pg_server` (one per test run) is either the server named by `$SALESFLOW_TEST_PG` (a
`postgresql://` URL of a role allowed to create databases) or a throwaway server started with
`scripts/dev-postgres`'s own functions: initdb + pg_ctl in a temporary folder, a unix socket in
that folder, no TCP, no fsync, run as the `postgres` user when the tests run as root. It is
stopped and removed at the end of the run.

`pg_url` gives each test a fresh, empty database of its own, as a URL for `--db`, dropped after
the test. When no server can be had, every test using them is skipped and the reason names what
is missing. Tests using them are marked `postgres` (`-m "not postgres"` leaves them out).
"""

from __future__ import annotations

import itertools
import os
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEV_SCRIPT = ROOT / "scripts" / "dev-postgres"
ENV = "SALESFLOW_TEST_PG"


def dev_postgres() -> types.ModuleType:
    """`scripts/dev-postgres` as a module (the file has no .py suffix: it is a command)."""
    if "dev_postgres" in sys.modules:
        return sys.modules["dev_postgres"]
    loader = SourceFileLoader("dev_postgres", str(DEV_SCRIPT))
    spec = spec_from_loader("dev_postgres", loader)
    assert spec is not None
    module = module_from_spec(spec)
    sys.modules["dev_postgres"] = module  # its dataclasses look their module up there
    loader.exec_module(module)
    return module


def with_database(url: str, database: str) -> str:
    """`url` naming another database: the path is the database, the rest (host, user) stays."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    # Not urlunsplit: it drops the `//` of a URL without a host (`postgresql:///db?host=...`).
    return f"{parts.scheme}://{parts.netloc}/{quote(database, safe='')}{query}"


@dataclass
class PgServer:
    """The server of this test run: an admin URL and, when we started it, its folder."""

    admin_url: str
    started: Any = None  # dev_postgres.Server when this run started the server
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1), repr=False)

    @property
    def throwaway(self) -> bool:
        return self.started is not None

    def connect(self, database: str | None = None) -> Any:
        import psycopg

        url = self.admin_url if database is None else with_database(self.admin_url, database)
        return psycopg.connect(url, autocommit=True)

    def create_database(self, prefix: str = "sf") -> str:
        """A new empty database; its name. Copied from template0 by copying files (PostgreSQL
        15+): about a third of the time of the default WAL-logged copy (0.12 s against 0.32 s
        here)."""
        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        with self.connect() as conn:
            fast = " STRATEGY = FILE_COPY" if conn.info.server_version >= 150000 else ""
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0{fast}')
        return name

    def drop_database(self, name: str) -> None:
        with self.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def url(self, database: str) -> str:
        return with_database(self.admin_url, database)

    def restart(self) -> None:
        """Stop the server (fast: open connections are cut) and start it again."""
        if self.started is None:
            pytest.skip(f"restarting the server needs the throwaway one (unset {ENV})")
        self.started.restart()


def start_pg_server(parent: str | None = None) -> tuple[PgServer | None, str]:
    """The server for this run, or None and the reason there is none."""
    try:
        import psycopg
    except ImportError:
        return None, "psycopg is not installed (pip install -e '.[test]' or 'salesflow[team]')"
    url = os.environ.get(ENV)
    if url:
        try:
            psycopg.connect(url, connect_timeout=10).close()
        except psycopg.Error as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            return None, f"{ENV} names a server that does not answer: {first}"
        return PgServer(admin_url=url), ""
    script = dev_postgres()
    try:
        server = script.start(parent)
    except script.Unavailable as error:
        return None, f"no PostgreSQL server for the team-mode tests: {error}; or set {ENV}"
    return PgServer(admin_url=server.url("postgres"), started=server), ""


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One PostgreSQL server per test run (skips the test, saying why, when there is none)."""
    server, reason = start_pg_server()
    if server is None:
        UNAVAILABLE.append(reason)
        pytest.skip(reason)
    try:
        yield server
    finally:
        if server.started is not None:
            dev_postgres().stop(server.started.folder, mode="immediate")


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty database of this test's own, as a `postgresql://` URL."""
    name = pg_server.create_database()
    try:
        yield pg_server.url(name)
    finally:
        pg_server.drop_database(name)


UNAVAILABLE: list[str] = []
"""Why this run has no PostgreSQL server (at most one reason), for the end-of-run summary."""

PG_FIXTURES = frozenset({"pg_server", "pg_url"})


def mark_postgres_tests(items: list[pytest.Item]) -> None:
    """Every test using a PostgreSQL fixture carries the `postgres` marker, and `slow`: the
    day-to-day run (`-m "not slow"`) starts no server; `-m postgres` runs just these."""
    for item in items:
        if PG_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)
            item.add_marker(pytest.mark.slow)


def summary_lines() -> list[str]:
    """What the end of a run says when the PostgreSQL tests were skipped for want of a server."""
    return [f"PostgreSQL tests skipped: {reason}" for reason in UNAVAILABLE]
