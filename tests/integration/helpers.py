"""Shared by the reliability tests: a salesflow runner that records its command line, a data file
with a whole pipeline in it, and the installed `salesflow` command."""

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


def build_world(db: Path) -> None:
    """A data file with every kind of record and status, made by the commands themselves.

    - L-0001 Ada, qualified into OPP-0001 (ACC-0001, CON-0001): QUO-0001 accepted into ORD-0001,
      fulfilled into INV-2026-0001, paid 50.00 of 242.00 (partially paid).
    - L-0002 disqualified (no-longer-interested), L-0003 open.
    - OPP-0002: QUO-0002 draft with one line. OPP-0003 lost.
    - OPP-0004: QUO-0003 accepted into ORD-0002 (active).
    - OPP-0005: QUO-0004 accepted, ORD-0003 fulfilled into INV-2026-0002, paid in full.
    - Products DAY (100.00) and BOX (25.00), tax 21 %.
    """
    run = Salesflow(db)
    run.ok("init", "--tax-rate", "21", "--company", "Acme BV", "--payment-terms", "30")
    run.ok("product", "add", "DAY", "--name", "Consulting day", "--price", "100")
    run.ok("product", "add", "BOX", "--name", "Box", "--price", "25")
    run.ok(
        "lead",
        "add",
        "--first-name",
        "Ada",
        "--last-name",
        "Lovelace",
        "--company",
        "Analytical",
        "--email",
        "ada@example.com",
    )
    run.ok("lead", "add", "--company", "Initech")
    run.ok("lead", "add", "--company", "Globex")
    run.ok("lead", "qualify", "L-0001")
    run.ok("lead", "disqualify", "L-0002", "--reason", "no-longer-interested")
    run.ok("opp", "add-product", "OPP-0001", "DAY", "--quantity", "2")
    run.ok("quote", "create", "OPP-0001")
    run.ok("quote", "activate", "QUO-0001")
    run.ok("quote", "accept", "QUO-0001")
    run.ok("order", "fulfil", "ORD-0001")
    run.ok("invoice", "pay", "INV-2026-0001", "--amount", "50")
    run.ok("opp", "add", "--name", "Second deal", "--account", "ACC-0001")
    run.ok("opp", "add-product", "OPP-0002", "BOX", "--quantity", "3")
    run.ok("quote", "create", "OPP-0002")
    run.ok("opp", "add", "--name", "Lost deal", "--account", "ACC-0001")
    run.ok("opp", "lose", "OPP-0003", "--reason", "out-sold")
    for opportunity, quote in (("OPP-0004", "QUO-0003"), ("OPP-0005", "QUO-0004")):
        run.ok("opp", "add", "--name", f"Deal {opportunity}", "--account", "ACC-0001")
        run.ok("opp", "add-product", opportunity, "DAY", "--quantity", "1")
        run.ok("quote", "create", opportunity)
        run.ok("quote", "activate", quote)
        run.ok("quote", "accept", quote)
    run.ok("order", "fulfil", "ORD-0003")
    run.ok("invoice", "pay", "INV-2026-0002")


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
