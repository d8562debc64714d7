"""Ownership on a team database: each database user (or `$SALESFLOW_SELLER`) owns what they add,
`--mine` and `--owner` read by the indexed `owner` column, and events say who did what."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest

from salesflow.models import Lead
from salesflow.store.postgres import PostgresBackend
from salesflow.store.postgres.schema import SCHEMA_VERSION, STEPS
from tests.conftest import Cli


@pytest.fixture
def colleague(pg_url: str) -> Iterator[str]:
    """A second database user with the rights salesflow needs, on an initialised database; the
    URL that connects as them."""
    Cli(pg_url).ok("db", "init")  # type: ignore[arg-type]
    name = f"seller_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{name}" LOGIN')
        conn.execute(
            f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{name}"'
        )
    yield pg_url + ("&" if "?" in pg_url else "?") + f"user={name}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'DROP OWNED BY "{name}"')
        conn.execute(f'DROP ROLE "{name}"')


def user_of(url: str) -> str:
    with psycopg.connect(url) as conn:
        return str(conn.execute("SELECT current_user").fetchone()[0])  # type: ignore[index]


def numbers(rows: list[dict[str, object]]) -> list[object]:
    return [row["number"] for row in rows]


def test_each_database_user_owns_what_they_add(
    pg_url: str, colleague: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SALESFLOW_SELLER")
    mine, theirs = Cli(pg_url), Cli(colleague)  # type: ignore[arg-type]
    me, them = user_of(pg_url), user_of(colleague)
    mine.ok("lead", "add", "--company", "Acme")
    theirs.ok("lead", "add", "--company", "Bolt")
    assert [(r["number"], r["owner"]) for r in mine.json("lead", "list")] == [
        ("L-0001", me),
        ("L-0002", them),
    ]
    assert numbers(mine.json("lead", "list", "--mine")) == ["L-0001"]
    assert numbers(theirs.json("lead", "list", "--mine")) == ["L-0002"]
    assert numbers(mine.json("lead", "list", "--owner", them.upper())) == ["L-0002"]
    assert [e["by"] for e in mine.json("history", "L-0002")["events"]] == [them]
    assert theirs.json("info")["seller"] == them


def test_a_configured_seller_name_wins_over_the_database_user(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(pg_url)  # type: ignore[arg-type]
    monkeypatch.setenv("SALESFLOW_SELLER", "Ann")
    cli.ok("lead", "add", "--company", "Acme")
    cli.ok("task", "add", "L-0001", "Call", "--due", "2026-11-27")
    monkeypatch.setenv("SALESFLOW_SELLER", "bob")
    cli.ok("lead", "add", "--company", "Bolt")
    cli.ok("lead", "assign", "L-0001", "--to", "bob")
    assert numbers(cli.json("lead", "list", "--mine")) == ["L-0001", "L-0002"]
    assert numbers(cli.json("activity", "list", "--owner", "ann")) == ["ACT-0001"]
    assert [(i["kind"], i["number"]) for i in cli.json("agenda", "--owner", "ANN")] == [
        ("task", "ACT-0001")
    ]
    story = cli.json("history", "L-0001")["events"]
    assert [
        (e["kind"], e["from_state"], e["to_state"], e["by"])
        for e in story
        if e["number"] == "L-0001"
    ] == [
        ("created", None, "open", "Ann"),
        ("assigned", "Ann", "bob", "bob"),
    ]
    cli.ok("undo")  # the assign, bob's own latest command
    assert cli.json("lead", "show", "L-0001")["owner"] == "Ann"
    assert cli.json("report", "pipeline", "--mine")["total"]["count"] == 0


def test_mine_reads_the_indexed_owner_column(pg_url: str) -> None:
    cli = Cli(pg_url)  # type: ignore[arg-type]
    cli.ok("lead", "add", "--company", "Acme")
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT owner FROM leads").fetchall() == [("ann",)]
        conn.execute("SET enable_seqscan = off")
        plan = conn.execute(
            "EXPLAIN SELECT doc FROM leads WHERE owner = ANY(%s) ORDER BY id", (["ann"],)
        ).fetchall()
    assert "leads_owner" in " ".join(str(row[0]) for row in plan)


def test_db_init_upgrades_a_schema_2_database_with_an_owner_column(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        for version in (1, 2):
            for statement in STEPS[version]:
                conn.execute(statement)  # type: ignore[arg-type]
        conn.execute("INSERT INTO meta VALUES ('schema', '2'), ('config', '{}')")
        conn.execute(
            "INSERT INTO leads (key, doc) VALUES ('L-0001', %s::jsonb), ('L-0002', %s::jsonb)",
            (
                '{"number": "L-0001", "company": "Old", "created_on": "2026-11-27"}',
                '{"number": "L-0002", "company": "Kept", "owner": "Bob", '
                '"created_on": "2026-11-27"}',
            ),
        )
        conn.execute("INSERT INTO counters VALUES ('L', 2)")
    result = Cli(pg_url)("db", "init")  # type: ignore[arg-type]
    assert SCHEMA_VERSION == 3
    assert result.stderr == f"Database {pg_url} upgraded from schema 2 to 3\n"
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT key, owner FROM leads ORDER BY key").fetchall() == [
            ("L-0001", None),
            ("L-0002", "bob"),
        ]
        indexes = {row[0] for row in conn.execute("SELECT indexname FROM pg_indexes")}
    assert {"leads_owner", "opportunities_owner", "activities_owner"} <= indexes
    cli = Cli(pg_url)  # type: ignore[arg-type]
    assert numbers(cli.json("lead", "list", "--owner", "bob")) == ["L-0002"]
    cli.ok("lead", "assign", "L-0001", "--to", "carol")
    cli.ok("undo")
    assert cli.json("lead", "show", "L-0001")["owner"] is None


def test_the_unit_of_work_knows_its_database_user(pg_url: str) -> None:
    backend = PostgresBackend(pg_url)
    with backend.writing() as unit:
        assert unit.who() == user_of(pg_url)
        unit.put(Lead(number="L-0001", owner="Ann", created_on="2026-11-27"))  # type: ignore[arg-type]
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT owner FROM leads").fetchall() == [("ann",)]
