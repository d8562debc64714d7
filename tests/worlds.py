"""Worlds: data files with a known set of records, made by the commands themselves.

A world is a function that runs commands on an empty data file. The session-wide `worlds`
fixture (tests/conftest.py) runs each world once, on tests.conftest's today unless the world
moves the day with `on`, and copies the file it made into a test's own data file: a test pays
for one file write, not for the dozens of commands that made it. (The undo history of the
commands that made a world is not copied: a world starts with none.)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import pytest

from tests.runner import Cli


class Runs(Protocol):
    """What a world needs: a runner of salesflow commands on data file `db` that asserts each
    succeeded (`tests.runner.Cli`, `tests.integration.helpers.Salesflow`)."""

    db: Path

    def ok(self, *args: str, input: str | None = None) -> Any: ...

    def number(self, *args: str) -> str: ...


World = Callable[[Runs], None]


def on(day: str) -> None:
    """Run the world's next commands on `day` (YYYY-MM-DD); only while a world is being made."""
    os.environ["SALESFLOW_TODAY"] = day


class Worlds:
    """Each world's data file, made once in `folder` and kept as bytes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: dict[World, bytes] = {}

    def file(self, world: World) -> bytes:
        if world not in self.made:
            from tests.conftest import TODAY

            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("SALESFLOW_TODAY", TODAY.isoformat())
                patch.setenv("NO_COLOR", "1")
                patch.setenv("COLUMNS", "200")
                patch.delenv("SALESFLOW_LOCK_TIMEOUT", raising=False)
                cli = Cli(self.folder / f"{world.__name__}.json")
                world(cli)
            self.made[world] = cli.db.read_bytes()
        return self.made[world]

    def copy(self, world: World, cli: Cli) -> Cli:
        """`cli`'s data file now holds `world`; `cli`, for chaining."""
        cli.db.write_bytes(self.file(world))
        return cli


def ada(run: Runs, company: str = "Analytical") -> None:
    """Lead L-… Ada Lovelace of `company`, ada@example.com."""
    run.ok(
        "lead", "add", "--first-name", "Ada", "--last-name", "Lovelace",
        "--company", company, "--email", "ada@example.com",
    )  # fmt: skip


def every_kind(run: Runs) -> None:
    """A data file with every kind of record and status.

    - L-0001 Ada, qualified into OPP-0001 (ACC-0001, CON-0001): QUO-0001 accepted into ORD-0001,
      fulfilled into INV-2026-0001, paid 50.00 of 242.00 (partially paid).
    - L-0002 disqualified (no-longer-interested), L-0003 open.
    - OPP-0002: QUO-0002 draft with one line. OPP-0003 lost.
    - OPP-0004: QUO-0003 accepted into ORD-0002 (active).
    - OPP-0005: QUO-0004 accepted, ORD-0003 fulfilled into INV-2026-0002, paid in full.
    - Products DAY (100.00) and BOX (25.00), tax 21 %.
    """
    run.ok("init", "--tax-rate", "21", "--company", "Acme BV", "--payment-terms", "30")
    run.ok("product", "add", "DAY", "--name", "Consulting day", "--price", "100")
    run.ok("product", "add", "BOX", "--name", "Box", "--price", "25")
    ada(run)
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


def foundation(run: Runs) -> None:
    """The foundation's states: L-0001 Ada (AE) qualified into OPP-0001 (won, one DAY line),
    L-0002 disqualified (no-longer-interested), L-0003 open; on ACC-0001 OPP-0002 lost
    (canceled) and OPP-0003 open. Tax 21 %."""
    run.ok("init", "--tax-rate", "21")
    ada(run, company="AE")
    run.ok("lead", "add", "--company", "Initech")
    run.ok("lead", "add", "--company", "Globex")
    run.ok("lead", "qualify", "L-0001")
    run.ok("lead", "disqualify", "L-0002", "--reason", "no-longer-interested")
    run.ok("product", "add", "DAY", "--name", "Consulting day", "--price", "100")
    run.ok("opp", "add-product", "OPP-0001", "DAY", "--quantity", "1")
    run.ok("opp", "add", "--name", "Lost deal", "--account", "ACC-0001")
    run.ok("opp", "lose", "OPP-0002", "--reason", "canceled")
    run.ok("opp", "add", "--name", "Open deal", "--account", "ACC-0001")
    run.ok("opp", "win", "OPP-0001")
