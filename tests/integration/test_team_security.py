"""Team mode against SQL injection: hostile text through every text option of `lead add`, `lead
edit`, `account add` and `note add`, as an import's columns, and as a list filter, is stored and
matched verbatim on PostgreSQL, and nothing else in the database changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.integration.helpers import one_error_line

psycopg = pytest.importorskip("psycopg")

NUL = "a\x00b"
PAYLOADS = [
    "'; DROP TABLE leads; --",
    "Robert'); DELETE FROM accounts; --",
    '"',
    "\\",
    "%s",
    "$1",
    "%",  # a LIKE wildcard: must not match other records
    "_",
    NUL,  # removed from typed text and files on both backends (jsonb cannot hold U+0000)
]


def kept(payload: str) -> str:
    """What salesflow stores of a typed `payload`: NUL characters are removed."""
    return payload.replace("\x00", "")


LEAD_TEXT = [
    *("--first-name", "--last-name", "--company", "--phone", "--mobile", "--job-title"),
    *("--website", "--city", "--country", "--source", "--topic", "--notes"),
]
ACCOUNT_TEXT = ["--name", "--address", "--postcode", "--city", "--phone", "--website", "--coc"]
CHECKED = [  # options whose values are checked: a payload is refused, naming it
    ("lead", "add", "--company", "Checked", "--email"),
    ("account", "add", "--name", "Checked", "--email"),
    ("account", "add", "--name", "Checked", "--country"),
    ("account", "add", "--name", "Checked", "--vat-id"),
    ("account", "add", "--name", "Checked", "--language"),
]


def field(option: str) -> str:
    return option[2:].replace("-", "_")


def options(names: list[str], value: str) -> list[str]:
    return [part for name in names for part in (name, value)]


def snapshot(url: str) -> dict[str, Any]:
    """Every table of the database with every row, as the database holds them."""
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' ORDER BY table_name"
            )
        ]
        return {
            table: sorted(map(repr, conn.execute(f'SELECT * FROM "{table}"').fetchall()))
            for table in tables
        }


@pytest.mark.slow
@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_is_stored_verbatim_and_changes_nothing_else(
    pg_url: str, tmp_path: Path, payload: str
) -> None:
    cli = Cli(pg_url)  # type: ignore[arg-type]
    cli.ok("db", "init")
    sentinel = cli.number(
        "lead", "add", "--company", "Acme", "--last-name", "Sentinel", "--source", "Beurs"
    )
    cli.ok("lead", "qualify", sentinel)  # ACC-0001 "Acme", CON-0001, OPP-0001
    start = snapshot(pg_url)

    lead = cli.json("lead", "add", *options(LEAD_TEXT, payload))
    stored = kept(payload)
    assert {field(o): lead[field(o)] for o in LEAD_TEXT} == {field(o): stored for o in LEAD_TEXT}
    assert cli.json("lead", "show", lead["number"]) == lead

    other = cli.number("lead", "add", "--company", "Other")
    edited = cli.json("lead", "edit", other, *options(LEAD_TEXT, payload))
    assert all(edited[field(o)] == stored for o in LEAD_TEXT)

    account = cli.json("account", "add", *options(ACCOUNT_TEXT, payload))
    assert all(account[field(o)] == stored for o in ACCOUNT_TEXT)

    note = cli.json("note", "add", lead["number"], f"{payload}\n{payload}")
    assert note["text"] == f"{stored}\n{stored}"
    assert cli.json("activity", "show", note["number"])["regarding"] == lead["number"]

    # Lookups by a hostile value find exactly the record holding it: the lead's company names
    # the new account (not Acme, which a pattern `%` would match); its source lists the two
    # leads holding it (not the sentinel's).
    qualified = cli.json("lead", "qualify", lead["number"])
    assert qualified["account"]["number"] == account["number"]
    listed = cli.json("lead", "list", "--source", payload)
    assert [r["number"] for r in listed] == [lead["number"], other]
    assert [r["number"] for r in cli.json("account", "list")] == ["ACC-0001", account["number"]]

    # Checked options refuse the payload, naming it, and change nothing.
    for command in CHECKED:
        before = snapshot(pg_url)
        refused = cli(*command, payload)
        assert refused.exit_code == 1, (command, refused.stdout, refused.stderr)
        assert one_error_line(refused.stderr).startswith("Error: ")
        assert snapshot(pg_url) == before

    assert cli.ok("doctor").stdout.strip() == "ok"
    end = snapshot(pg_url)
    assert set(end) == set(start)
    # The records made before are as they were, the rest is what the commands made.
    sentinel_rows = [row for row in start["leads"] if "'L-0001'" in row]
    assert sentinel_rows and all(row in end["leads"] for row in sentinel_rows)
    for table in ("products", "quotes", "orders", "invoices"):
        assert end.get(table) == start.get(table)
    assert len(end["leads"]) == len(start["leads"]) + 2
    assert len(end["accounts"]) == len(start["accounts"]) + 1


def test_hostile_import_columns_are_stored_verbatim(pg_url: str, tmp_path: Path) -> None:
    cli = Cli(pg_url)  # type: ignore[arg-type]
    cli.ok("db", "init")
    payloads = PAYLOADS
    header = "First Name,Last Name,Company,Job Title,City,Notes,'; DROP TABLE leads; --"
    rows = [",".join([_csv(p)] * 7) for p in payloads]
    cards = tmp_path / "hostile.csv"
    cards.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    before = snapshot(pg_url)
    cli.ok("lead", "import", str(cards))
    leads = cli.json("lead", "list")
    assert [
        (r["first_name"], r["last_name"], r["company"], r["job_title"], r["city"]) for r in leads
    ] == [(kept(p),) * 5 for p in payloads]
    assert set(snapshot(pg_url)) == set(before)


def _csv(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'
