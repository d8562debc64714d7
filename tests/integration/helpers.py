"""Shared by the reliability tests: a salesflow runner that records its command line, and the
installed `salesflow` command (the data file with a whole pipeline in it is `tests.worlds`'s
`every_kind`)."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner


@dataclass(frozen=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None


_COMMAND: list[Any] = []


def app_command() -> Any:
    """The click command behind the app, built once: Typer rebuilds it on every CliRunner call,
    which costs a tenth of a second each time."""
    if not _COMMAND:
        import typer.main

        from salesflow.cli import app

        _COMMAND.append(typer.main.get_command(app))
    return _COMMAND[0]


class Salesflow:
    """Runs salesflow in-process against one data file, like `CliRunner.invoke`, with `sys.argv`
    set as a real run has it (the history records the command line from there)."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        argv = ["--db", str(self.db), *args]
        saved = sys.argv
        sys.argv = ["salesflow", *argv]
        exception: BaseException | None = None
        try:
            with self.runner.isolation(input=input) as streams:
                code = 0
                try:
                    app_command().main(args=argv, prog_name="salesflow")
                except SystemExit as exit_:
                    code = exit_.code if isinstance(exit_.code, int) else int(bool(exit_.code))
                except Exception as error:
                    exception, code = error, 1
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                stdout = streams[0].getvalue().decode()
                stderr = streams[1].getvalue().decode()
        finally:
            sys.argv = saved
        return Result(code, stdout, stderr, exception)

    def ok(self, *args: str, input: str | None = None) -> Result:
        result = self(*args, input=input)
        assert result.exit_code == 0, (args, result.exit_code, result.stdout, result.stderr)
        return result

    def number(self, *args: str) -> str:
        return str(self.ok(*args).stdout.splitlines()[0])


def salesflow_command() -> str:
    """The installed console script of this interpreter (PATH may hold a slower shim)."""
    beside = Path(sys.executable).with_name("salesflow")
    found = str(beside) if beside.exists() else shutil.which("salesflow")
    assert found, "the salesflow command is not installed"
    return found


def one_error_line(stderr: str) -> str:
    """The one `Error:` line of a refusal (asserting there is exactly one, and no traceback)."""
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stderr
    return errors[0]
