"""Running salesflow in-process in tests: `Cli` against one data file, and the app's click
command built once per test session."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.testing
from typer.testing import CliRunner


@contextmanager
def commands_built_once() -> Iterator[None]:
    """`CliRunner.invoke(app, ...)` builds the app's click command anew on every call, and with
    it (the root loads its commands lazily) the group of the command that runs: about two thirds
    of a CLI test's time. The tests run the same command tree every time, so within this context
    each app is built once and its command reused."""
    built: dict[int, tuple[typer.Typer, Any]] = {}
    build = typer.testing._get_command

    def build_once(app: typer.Typer) -> Any:
        if id(app) not in built:
            built[id(app)] = (app, build(app))  # the app is kept, so that its id stays its own
        return built[id(app)][1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", build_once)
        yield


class DatabaseFile:
    """A team database standing in for a test's data file, so that a CLI test runs unchanged on
    PostgreSQL: `str()` is its URL (what `--db` takes); `read_bytes()` is the database as a data
    file (`db copy` into a new file: comparing two of them says whether anything changed);
    `write_bytes(data)` replaces everything in the database with a data file's contents (a
    world, a saved state)."""

    def __init__(self, url: str, folder: Path) -> None:
        self.url = url
        self.folder = folder
        self._copies = 0

    def __str__(self) -> str:
        return self.url

    def __fspath__(self) -> str:
        raise TypeError(f"{self.url} is a database, not a file: this test is for the file only")

    def _file(self) -> Path:
        self._copies += 1
        return self.folder / f"database-copy-{self._copies}.json"

    def exists(self) -> bool:
        """Whether the database holds anything (a file that "does not exist" holds nothing): a
        record, an event or a number handed out. A command that changed nothing leaves none."""
        from salesflow.store.copying import contents
        from salesflow.store.postgres import PostgresBackend

        with PostgresBackend(self.url).reading() as unit:
            return bool(contents(unit) or any(unit.counters().values()))

    def read_bytes(self) -> bytes:
        from salesflow.store import Store, copy_data
        from salesflow.store.postgres import PostgresBackend

        copy = self._file()
        copy_data(PostgresBackend(self.url), Store(copy))
        return copy.read_bytes()

    def write_bytes(self, data: bytes) -> int:
        import psycopg

        from salesflow.store import Store, copy_data
        from salesflow.store.postgres import PostgresBackend

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
        source = self._file()
        source.write_bytes(data)
        copy_data(Store(source), PostgresBackend(self.url))
        return len(data)


def backend_of(db: Path | DatabaseFile) -> Any:
    """The backend a test's `db` names, for tests that put records in directly."""
    from salesflow.store import open_backend

    return open_backend(str(db) if isinstance(db, DatabaseFile) else db)


class Cli:
    """Runs salesflow in-process against one data file (or a team database: `DatabaseFile`)."""

    def __init__(self, db: Path | DatabaseFile) -> None:
        self.db: Any = db
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Any:
        from salesflow.cli import app

        return self.runner.invoke(app, ["--db", str(self.db), *args], input=input)

    def ok(self, *args: str, input: str | None = None) -> Any:
        result = self(*args, input=input)
        assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json").stdout)

    def number(self, *args: str) -> str:
        return str(self.ok(*args).stdout.splitlines()[0])
