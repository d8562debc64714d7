"""Shared fixtures: a throwaway data file, a fixed today, and a CliRunner that speaks JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.pg import mark_postgres_tests, pg_server, pg_url, summary_lines

__all__ = ["pg_server", "pg_url"]  # the PostgreSQL fixtures (tests/pg.py), for every test

TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=timezone(timedelta(hours=1)))
DATA = Path(__file__).parent / "data"


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
    monkeypatch.delenv("SALESFLOW_LOCK_TIMEOUT", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "sales.json"


class Cli:
    """Runs salesflow in-process against one data file."""

    def __init__(self, db: Path) -> None:
        self.db = db
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


@pytest.fixture
def cli(db: Path) -> Cli:
    return Cli(db)


@pytest.fixture
def numbers() -> Callable[[str], str]:
    """A pure-test number allocator: L-0001, L-0002, ACC-0001, ..."""
    counters: dict[str, int] = {}

    def allocate(series: str) -> str:
        counters[series] = counters.get(series, 0) + 1
        return f"{series}-{counters[series]:04d}"

    return allocate
