"""A damaged data file: every command refuses it (exit 4) naming the file, the problem and the
way back, and leaves it byte-identical; a single invalid record stops only what reads it (exit 1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.integration.helpers import Salesflow, one_error_line

HINT = "; restore a backup or run `salesflow undo`"

READING = [
    ["info"],
    ["lead", "list"],
    ["lead", "show", "L-0001"],
    ["account", "list"],
    ["account", "show", "ACC-0001"],
    ["contact", "list"],
    ["contact", "show", "CON-0001"],
    ["product", "list"],
    ["opp", "list"],
    ["opp", "show", "OPP-0001"],
    ["quote", "list"],
    ["quote", "show", "QUO-0001"],
    ["order", "list"],
    ["order", "show", "ORD-0001"],
    ["invoice", "list"],
    ["invoice", "show", "INV-2026-0001"],
    ["history", "L-0001"],
    ["config", "get"],
    ["report", "pipeline"],
    ["report", "funnel"],
    ["report", "receivables"],
    ["report", "sales"],
    ["doctor"],
    ["backup", "BACKUP"],
    ["quote", "export", "QUO-0001", "--format", "md", "--output", "EXPORT"],
]
WRITING = [
    ["init", "--company", "Acme"],
    ["config", "set", "payment_terms", "14"],
    ["lead", "add", "--company", "X"],
    ["lead", "edit", "L-0003", "--phone", "1"],
    ["lead", "qualify", "L-0003"],
    ["lead", "disqualify", "L-0003", "--reason", "lost"],
    ["product", "add", "NEW", "--name", "New", "--price", "1"],
    ["opp", "add", "--name", "X", "--account", "ACC-0001"],
    ["opp", "add-product", "OPP-0002", "DAY"],
    ["quote", "create", "OPP-0002"],
    ["quote", "activate", "QUO-0002"],
    ["order", "fulfil", "ORD-0002"],
    ["invoice", "pay", "INV-2026-0001", "--amount", "1"],
]


def corruptions(world: bytes) -> list[tuple[str, bytes, str]]:
    """(name, file content, what the error says after the file name)."""
    newer = b'{"_meta": {"1": {"schema": 4, "counters": {}, "config": {}}}}'
    return [
        ("empty", b"", " is empty" + HINT),
        ("blank", b"\n \n", " is empty" + HINT),
        ("truncated", world[: len(world) // 2], " is not valid JSON ("),
        ("nul bytes", b"\x00" * 4096, " is not valid JSON ("),
        ("nul tail", world + b"\x00" * 512, " is not valid JSON ("),
        ("a list", b"[1, 2, 3]", " is not a salesflow data file (wrong shape)" + HINT),
        ("a string table", b'{"leads": "L-0001"}', " is not a salesflow data file (wrong shape)"),
        ("a list record", b'{"leads": {"1": ["L-0001"]}}', ": table 'leads' holds a non-record"),
        (
            "a table twice",
            b'{"_meta": {"1": {"schema": 2}}, "leads": {}, "leads": {}}',
            ": table 'leads' appears twice" + HINT,
        ),
        (
            "a record id twice",
            b'{"leads": {"1": {"number": "L-0001"}, "1": {"number": "L-0002"}}}',
            ": key '1' appears twice" + HINT,
        ),
        (
            "text counters",
            b'{"_meta": {"1": {"schema": 2, "counters": {"L": "3"}, "config": {}}}}',
            ": _meta counters or config are damaged" + HINT,
        ),
        (
            "a newer schema",
            newer,
            " has schema version 4, newer than this salesflow understands (3); "
            "upgrade salesflow, or restore a backup",
        ),
    ]


CASES = [c[0] for c in corruptions(b"{}")]


@pytest.mark.parametrize("name", CASES)
def test_every_command_refuses_a_damaged_file_and_leaves_it_byte_identical(
    db: Path, tmp_path: Path, world_file: bytes, name: str
) -> None:
    (content, expected) = next(c[1:] for c in corruptions(world_file) if c[0] == name)
    db.write_bytes(content)
    run = Salesflow(db)
    wrong: list[Any] = []
    for args in READING + WRITING:
        args = [
            str(tmp_path / "backup.json")
            if a == "BACKUP"
            else str(tmp_path / "q.md")
            if a == "EXPORT"
            else a
            for a in args
        ]
        result = run(*args)
        error = one_error_line(result.stderr)
        if not (
            result.exit_code == 4
            and error.startswith(f"Error: data file {db}{expected}")
            and (error.endswith(HINT) or "newer" in expected)
            # doctor lists keys stored twice (the first is the error line)
            and (result.stdout == "" or (args == ["doctor"] and "twice" in result.stdout))
            and db.read_bytes() == content
        ):
            wrong.append((args, result.exit_code, result.stderr))
    assert wrong == []
    assert {p.name for p in db.parent.iterdir()} <= {"sales.json", "sales.json.lock"}


def test_undo_list_still_works_on_a_damaged_file(db: Path) -> None:
    run = Salesflow(db)
    run.ok("lead", "add", "--company", "A")
    run.ok("lead", "add", "--company", "B")
    db.write_bytes(b"\x00" * 64)
    listed = json.loads(run.ok("undo", "--list", "--json").stdout)
    assert [e["change"] for e in listed["entries"]] == [
        "lead add --company B",
        "lead add --company A",
    ]


# --- one invalid record --------------------------------------------------------------------------

INVALID = (
    "lead L-0001 is invalid (status: Input should be 'open', 'qualified' or 'disqualified'); "
    "fix the record or run `salesflow undo`"
)


@pytest.fixture
def bad_lead(db: Path, world_file: bytes) -> bytes:
    data = json.loads(world_file)
    data["leads"]["1"]["status"] = "maybe"
    content = json.dumps(data).encode()
    db.write_bytes(content)
    return content


@pytest.mark.parametrize(
    "args",
    [
        ["lead", "show", "L-0001"],
        ["lead", "list"],
        ["lead", "edit", "L-0001", "--phone", "1"],
        ["lead", "qualify", "L-0001"],
        ["history", "L-0001"],
        ["report", "funnel"],
    ],
    ids=" ".join,
)
def test_a_command_reading_an_invalid_record_exits_1_naming_it(
    db: Path, bad_lead: bytes, args: list[str]
) -> None:
    result = Salesflow(db)(*args)
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == f"Error: data file {db}: {INVALID}"
    assert result.stdout == ""
    assert db.read_bytes() == bad_lead


def test_commands_that_do_not_read_the_invalid_record_still_work(db: Path, bad_lead: bytes) -> None:
    run = Salesflow(db)
    assert run.ok("product", "list").stdout.startswith("SKU")
    assert run.number("lead", "add", "--company", "Still works") == "L-0004"


def test_doctor_names_the_invalid_record(db: Path, bad_lead: bytes) -> None:
    result = Salesflow(db)("doctor", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["problems"] == [
        {
            "check": "record",
            "where": "L-0001",
            "message": "invalid (status: Input should be 'open', 'qualified' or 'disqualified')",
        }
    ]
    assert db.read_bytes() == bad_lead
