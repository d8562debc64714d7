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
