"""Shared fixtures: a throwaway data file, a fixed today, and a CliRunner that speaks JSON."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.factories import Numbers
from tests.pg import mark_postgres_tests, pg_server, pg_url, summary_lines
from tests.runner import Cli, commands_built_once
from tests.worlds import Worlds

# pg_server and pg_url: the PostgreSQL fixtures (tests/pg.py), for every test
__all__ = ["DATA", "NOW", "TODAY", "Cli", "pg_server", "pg_url"]

TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=timezone(timedelta(hours=1)))
DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True, scope="session")
def _commands_built_once() -> Iterator[None]:
    with commands_built_once():
        yield


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mark_postgres_tests(items)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in summary_lines():
        terminalreporter.write_line(line, yellow=True, bold=True)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test touches the user's data file or depends on the clock."""
    monkeypatch.setenv("SALESFLOW_DB", str(tmp_path / "default.json"))
    monkeypatch.setenv("SALESFLOW_TODAY", TODAY.isoformat())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # Tab completion keeps one
    monkeypatch.delenv("SALESFLOW_LOCK_TIMEOUT", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    # who acts: the same seller on every machine (else the login name, see `common.seller`)
    monkeypatch.setenv("SALESFLOW_SELLER", "ann")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "sales.json"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current directory for the test: an empty folder (the data file is not in it)."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


@pytest.fixture
def cli(db: Path) -> Cli:
    return Cli(db)


@pytest.fixture(scope="session")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> Worlds:
    """Data files built once per session (tests.worlds), copied into a test's data file."""
    return Worlds(tmp_path_factory.mktemp("worlds"))


@pytest.fixture
def numbers() -> Callable[[str], str]:
    """A pure-test number allocator: L-0001, L-0002, ACC-0001, ..."""
    return Numbers()
