"""Shell completion of record numbers for `show` commands, from the raw stored documents."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from salesflow.cli import app, common
from tests.conftest import Cli


@pytest.fixture(scope="module")
def world_file(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """L-0001 Ada Lovelace (Analytical) and L-0002 Globex, qualified; QUO-0001 revised once and
    accepted into ORD-0001, fulfilled into INV-2026-0001; QUO-0002 a draft; product DAY."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("SALESFLOW_TODAY", "2026-03-02")
        monkeypatch.setenv("NO_COLOR", "1")
        cli = Cli(tmp_path_factory.mktemp("completion") / "sales.json")
        cli.ok("init", "--payment-terms", "14")
        cli.ok("product", "add", "DAY", "--name", "Consulting day", "--price", "800")
        cli.ok(
            "lead",
            "add",
            "--first-name",
            "Ada",
            "--last-name",
            "Lovelace",
            "--company",
            "Analytical",
            "--email",
            "ada@analytical.example",
        )
        cli.ok("lead", "add", "--company", "Globex")
        cli.ok("lead", "qualify", "L-0001", "L-0002")
        cli.ok("opp", "add-product", "OPP-0001", "DAY")
        cli.ok("opp", "add-product", "OPP-0002", "DAY")
        cli.ok("quote", "create", "OPP-0001")
        cli.ok("quote", "activate", "QUO-0001")
        cli.ok("quote", "revise", "QUO-0001")
        cli.ok("quote", "activate", "QUO-0001")
        cli.ok("quote", "accept", "QUO-0001")
        cli.ok("order", "fulfil", "ORD-0001")
        cli.ok("quote", "create", "OPP-0002")
        return cli.db.read_bytes()


@pytest.fixture(autouse=True)
def _fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """A completion runs in a new process: no `--db` was applied by the app callback."""
    monkeypatch.setattr(common.INVOCATION, "db", None)


@pytest.fixture
def world(db: Path, world_file: bytes, monkeypatch: pytest.MonkeyPatch) -> Path:
    db.write_bytes(world_file)
    monkeypatch.setenv("SALESFLOW_DB", str(db))
    return db


Complete = Callable[..., list[tuple[str, str]]]


def complete(callback: Complete, incomplete: str, ctx: Any = None) -> list[tuple[str, str]]:
    return callback(ctx, incomplete)


@pytest.mark.parametrize(
    ("callback", "expected"),
    [
        (
            common.complete_leads,
            [("L-0001", "Ada Lovelace, Analytical, qualified"), ("L-0002", "Globex, qualified")],
        ),
        (
            common.complete_opportunities,
            [
                ("OPP-0001", "Analytical opportunity, Analytical, won"),
                ("OPP-0002", "Globex opportunity, Globex, open, propose"),
            ],
        ),
        (common.complete_accounts, [("ACC-0001", "Analytical"), ("ACC-0002", "Globex")]),
        (
            common.complete_contacts,
            [("CON-0001", "Ada Lovelace, ada@analytical.example, Analytical")],
        ),
        (common.complete_products, [("DAY", "Consulting day, 800.00")]),
        (
            common.complete_quotes,
            [
                ("QUO-0001", "won, Analytical, OPP-0001, revision 2"),
                ("QUO-0002", "draft, Globex, OPP-0002"),
            ],
        ),
        (common.complete_orders, [("ORD-0001", "fulfilled, Analytical, QUO-0001")]),
        (
            common.complete_invoices,
            [("INV-2026-0001", "unpaid, Analytical, due 2026-03-16")],
        ),
    ],
    ids=["lead", "opp", "account", "contact", "product", "quote", "order", "invoice"],
)
def test_each_show_command_completes_its_numbers_with_a_short_help(
    world: Path, callback: Complete, expected: list[tuple[str, str]]
) -> None:
    assert complete(callback, "") == expected


def test_completion_keeps_only_numbers_starting_with_what_was_typed_in_any_case(
    world: Path,
) -> None:
    assert [n for n, _ in complete(common.complete_leads, "L-0002")] == ["L-0002"]
    assert [n for n, _ in complete(common.complete_quotes, "quo-")] == ["quo-0001", "quo-0002"]
    assert [n for n, _ in complete(common.complete_products, "d")] == ["day"]
    assert complete(common.complete_orders, "INV") == []


@pytest.mark.file_only
def test_completion_reads_the_db_option_on_the_line_being_completed(
    world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALESFLOW_DB", str(tmp_path / "other.json"))
    assert complete(common.complete_leads, "") == []
    root = get_command(app).make_context(
        "salesflow", ["--db", str(world), "lead", "show"], resilient_parsing=True
    )
    assert [n for n, _ in complete(common.complete_leads, "", root)] == ["L-0001", "L-0002"]


@pytest.mark.file_only
def test_completion_never_raises(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESFLOW_DB", str(db))
    assert complete(common.complete_leads, "") == []  # no data file yet
    assert not db.exists()
    db.write_text("{not json")
    assert complete(common.complete_leads, "L") == []
    monkeypatch.setenv("SALESFLOW_LOCK_TIMEOUT", "soon")
    assert complete(common.complete_invoices, "") == []


@pytest.mark.file_only
def test_a_record_that_cannot_be_described_still_completes(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALESFLOW_DB", str(db))
    db.write_text(
        '{"quotes": {"1": {"number": "QUO-0001", "revision": "two"}},'
        ' "_meta": {"1": {"schema": 1, "counters": {}, "config": {}}}}'
    )
    assert complete(common.complete_quotes, "") == [("QUO-0001", "")]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (
            "lead show ",
            "L-0001  (Ada Lovelace, Analytical, qualified)\nL-0002  (Globex, qualified)\n",
        ),
        ("opp show OPP-0002", "OPP-0002\n"),
        ("account show ", "ACC-0001  (Analytical)\nACC-0002  (Globex)\n"),
        ("contact show ", "CON-0001\n"),
        ("product show ", "DAY\n"),
        (
            "quote show q",
            "quo-0001  (won, Analytical, OPP-0001, revision 2)\n"
            "quo-0002  (draft, Globex, OPP-0002)\n",
        ),
        ("order show ", "ORD-0001\n"),
        ("invoice show INV", "INV-2026-0001\n"),
    ],
)
def test_the_shell_gets_the_numbers_through_typer(
    world: Path, tmp_path: Path, words: str, expected: str
) -> None:
    line = f"salesflow --db {world} {words}"
    env = {
        **os.environ,
        "SALESFLOW_DB": str(tmp_path / "not-this-one.json"),
        "_SALESFLOW_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(line.split(" ")) - 1),
    }
    # this checkout's script, next to the interpreter running the tests
    program = str(Path(sys.executable).with_name("salesflow"))
    result = subprocess.run([program], capture_output=True, text=True, env=env, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, expected, "")
