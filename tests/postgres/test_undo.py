"""undo and redo on a team database, from the journal; the imports they take back whole."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest

from salesflow.errors import Refused
from salesflow.models import Event, Lead
from salesflow.store.postgres import PostgresBackend
from salesflow.store.postgres.schema import SCHEMA_VERSION, STEPS
from tests.conftest import NOW, Cli


@pytest.fixture
def cli(pg_url: str) -> Cli:
    return Cli(pg_url)  # type: ignore[arg-type]


def leads(cli: Cli) -> list[tuple[str, str]]:
    return [(r["number"], r["company"]) for r in cli.json("lead", "list")]


def test_undo_takes_back_the_latest_command_and_redo_brings_it_back(cli: Cli) -> None:
    cli.ok("lead", "add", "--company", "Analytical")
    cli.ok("lead", "edit", "L-0001", "--company", "Analytical Engines")
    undone = cli.ok("undo")
    assert undone.stderr.startswith("Undid `lead edit L-0001 --company 'Analytical Engines'` (#2, ")
    assert leads(cli) == [("L-0001", "Analytical")]
    cli.ok("undo")
    assert leads(cli) == []
    assert cli.json("info")["counts"]["events"] == 0  # the command's events go with it
    assert cli.ok("lead", "add", "--company", "Babbage").stdout == "L-0001\n"  # rewound
    cli.ok("undo")
    redone = cli.ok("redo")
    assert redone.stderr == "Redid `lead add --company Babbage`; `salesflow undo` undoes it again\n"
    assert leads(cli) == [("L-0001", "Babbage")]
    assert cli.json("info")["counts"]["events"] == 1


def test_undo_list_shows_your_latest_commands_and_what_undo_and_redo_would_do(
    pg_url: str, cli: Cli
) -> None:
    assert cli.ok("undo", "--list").stderr == f"No command of yours to undo in database {pg_url}.\n"
    cli.ok("lead", "add", "--company", "Analytical")
    cli.ok("lead", "edit", "L-0001", "--city", "London")
    cli.ok("lead", "list")  # reads: no entry
    cli.ok("lead", "add", "--company", "Babbage")
    with psycopg.connect(pg_url) as conn:  # a colleague's command is not in your list
        conn.execute("UPDATE journal SET who = 'bob' WHERE id = 3")
    cli.ok("undo")  # takes back your latest: the edit
    listed = cli.json("undo", "--list")
    assert (listed["directory"], listed["database"]) == (None, pg_url)
    assert (listed["next_undo"], listed["next_redo"]) == (1, 4)
    assert [(e["seq"], e["kind"], e["change"], e.get("note")) for e in listed["entries"]] == [
        (4, "undo", "lead edit L-0001 --city London", "next redo"),
        (2, "command", "lead edit L-0001 --city London", "undone"),
        (1, "command", "lead add --company Analytical", "next undo"),
    ]
    table = cli.ok("undo", "--list").stdout
    assert [line.split()[0] for line in table.splitlines()] == ["#", "4", "2", "1"]
    assert "undo of: lead edit L-0001 --city London" in table


def test_undo_refuses_naming_the_record_a_later_command_changed(pg_url: str, cli: Cli) -> None:
    cli.ok("lead", "add", "--company", "Analytical")
    cli.ok("lead", "edit", "L-0001", "--city", "London")
    with psycopg.connect(pg_url) as conn:  # someone else's command, as another database user
        conn.execute("UPDATE journal SET who = 'bob' WHERE id = 2")
    result = cli("undo")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: cannot undo `lead add --company Analytical`: lead L-0001 was changed by a later "
        "command since; undo that one first, or change L-0001 back by hand\n"
    )
    assert cli.json("lead", "show", "L-0001")["city"] == "London"


def test_an_import_is_undone_as_a_whole(pg_url: str, cli: Cli) -> None:
    cli.ok("lead", "add", "--company", "Before")
    backend = PostgresBackend(pg_url)
    with backend.writing() as unit:  # what `lead import` does: numbers, a bulk COPY, events
        numbers = unit.next_numbers("L", 120)
        unit.add_stored(
            Lead,
            [
                {"number": f"L-{n:04}", "company": f"C{n}", "created_on": "2026-11-27"}
                for n in numbers
            ],
        )
        unit.add_events(Event(at=NOW, number=f"L-{n:04}", kind="created") for n in numbers)
    assert len(leads(cli)) == 121
    cli.ok("undo")
    assert leads(cli) == [("L-0001", "Before")]
    assert cli.json("info")["counts"]["events"] == 1
    cli.ok("redo")
    assert len(leads(cli)) == 121
    assert cli.json("info")["counts"]["events"] == 121
    assert cli.ok("lead", "add", "--company", "After").stdout == "L-0122\n"


def test_an_invoice_number_is_rewound_only_when_no_later_one_exists(pg_url: str) -> None:
    backend = PostgresBackend(pg_url)
    with backend.writing() as unit:
        unit.next_numbers("INV-2026")
        unit.put(Lead(number="L-0001", created_on="2026-11-27"))  # type: ignore[arg-type]
    with psycopg.connect(pg_url) as conn:  # a later invoice number, by someone else
        conn.execute("UPDATE counters SET value = 2 WHERE series = 'INV-2026'")
    backend.undo()
    with backend.reading() as unit:
        assert unit.counter("INV-2026") == 2  # INV-2026-0002 exists: not rewound
        assert unit.count(Lead) == 0


def test_nothing_to_undo_or_redo(cli: Cli, pg_url: str) -> None:
    result = cli("undo")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: nothing to undo: database {pg_url} holds no command of yours to undo\n"
    )
    cli.ok("lead", "add", "--company", "A")
    cli.ok("undo")
    cli.ok("lead", "add", "--company", "B")
    result = cli("redo")
    assert result.exit_code == 1
    assert "you ran a command on database" in result.stderr
    with pytest.raises(Refused):
        PostgresBackend(pg_url).redo()


def test_a_batch_rollback_leaves_its_records_out_of_the_journal(pg_url: str) -> None:
    backend = PostgresBackend(pg_url)
    with backend.writing() as unit:
        unit.put(Lead(number="L-0001", created_on="2026-11-27"))  # type: ignore[arg-type]
        mark = unit.savepoint()
        unit.put(Lead(number="L-0002", created_on="2026-11-27"))  # type: ignore[arg-type]
        unit.rollback(mark)
    with psycopg.connect(pg_url) as conn:
        (changes,) = conn.execute("SELECT changes FROM journal").fetchone()  # type: ignore[misc]
    assert [change[1] for change in changes] == ["L-0001"]


def test_db_init_upgrades_a_schema_1_database(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        for statement in STEPS[1]:
            conn.execute(statement)  # type: ignore[arg-type]
        conn.execute("INSERT INTO meta VALUES ('schema', '1'), ('config', '{}')")
        conn.execute(
            "INSERT INTO leads (key, doc) VALUES ('L-0001', %s::jsonb)",
            ('{"number": "L-0001", "created_on": "2026-11-27"}',),
        )
    result = Cli(pg_url)("db", "init")  # type: ignore[arg-type]
    assert result.stderr == f"Database {pg_url} upgraded from schema 1 to {SCHEMA_VERSION}\n"
    cli = Cli(pg_url)  # type: ignore[arg-type]
    cli.ok("lead", "edit", "L-0001", "--company", "Kept")
    cli.ok("undo")
    assert cli.json("lead", "show", "L-0001").get("company") is None


CARDS = (
    "First Name,Last Name,Company,Email\n"
    "Ada,Lovelace,Analytical,ada@example.com\n"
    "Charles,Babbage,Difference,charles@example.com\n"
    "Mary,Somerville,Connexion,mary@example.com\n"
)


def imported(cli: Cli, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`lead import cards.csv` of CARDS, run in `folder` (the journal keeps the command line)."""
    (folder / "cards.csv").write_text(CARDS)
    monkeypatch.chdir(folder)
    cli.ok("lead", "import", "cards.csv")


def as_colleague(pg_url: str, entry: int) -> None:
    """Journal entry `entry` becomes a colleague's command (another database user)."""
    with psycopg.connect(pg_url) as conn:
        conn.execute("UPDATE journal SET who = 'bob' WHERE id = %s", (entry,))


def test_an_import_journals_its_new_leads_without_a_digest(
    pg_url: str, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(cli, tmp_path, monkeypatch)
    with psycopg.connect(pg_url) as conn:
        (changes,) = conn.execute("SELECT changes FROM journal").fetchone()  # type: ignore[misc]
    assert changes == [
        ["leads", "L-0001", None, True],
        ["leads", "L-0002", None, True],
        ["leads", "L-0003", None, True],
    ]


def test_undo_of_an_import_refuses_naming_a_lead_a_later_command_changed(
    pg_url: str, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(cli, tmp_path, monkeypatch)
    cli.ok("lead", "edit", "L-0002", "--city", "London")
    as_colleague(pg_url, 2)
    result = cli("undo")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: cannot undo `lead import cards.csv`: lead L-0002 was changed by a later "
        "command since; undo that one first, or change L-0002 back by hand\n"
    )
    assert [number for number, _ in leads(cli)] == ["L-0001", "L-0002", "L-0003"]
    assert cli.json("lead", "show", "L-0002")["city"] == "London"


def test_undo_of_an_import_refuses_when_a_lead_was_removed_outside_salesflow(
    pg_url: str, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(cli, tmp_path, monkeypatch)
    with psycopg.connect(pg_url) as conn:  # no command: nothing in the journal says so
        conn.execute("DELETE FROM leads WHERE key = 'L-0003'")
    result = cli("undo")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: cannot undo `lead import cards.csv`: lead L-0003 was changed by a later "
        "command since; undo that one first, or change L-0003 back by hand\n"
    )
    assert [number for number, _ in leads(cli)] == ["L-0001", "L-0002"]


def test_an_import_is_undone_whole_once_a_later_change_was_changed_back(
    pg_url: str, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(cli, tmp_path, monkeypatch)
    cli.ok("lead", "edit", "L-0002", "--city", "London")
    cli.ok("undo")  # the edit
    cli.ok("lead", "edit", "L-0003", "--city", "Paris")
    cli.ok("lead", "edit", "L-0003", "--city", "")  # back by hand
    for entry in (4, 5):
        as_colleague(pg_url, entry)
    undone = cli.ok("undo")
    assert undone.stderr.startswith("Undid `lead import cards.csv` (#1, ")
    assert leads(cli) == []
    assert cli.json("info")["counts"]["events"] == 2  # the colleague's edits keep theirs


def test_an_import_undone_imported_again_and_undone_again(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(cli, tmp_path, monkeypatch)
    cli.ok("undo")
    imported(cli, tmp_path, monkeypatch)  # the same numbers again: the counter was rewound
    assert [number for number, _ in leads(cli)] == ["L-0001", "L-0002", "L-0003"]
    cli.ok("undo")
    assert leads(cli) == []
    cli.ok("redo")
    assert [number for number, _ in leads(cli)] == ["L-0001", "L-0002", "L-0003"]
    cli.ok("undo")
    assert leads(cli) == []


def test_a_record_added_in_bulk_and_changed_again_by_the_command_is_digested(
    pg_url: str,
) -> None:
    backend = PostgresBackend(pg_url)
    with backend.writing() as unit:
        unit.add_stored(Lead, [{"number": f"L-000{n}", "created_on": "2026-11-27"} for n in (1, 2)])
        unit.put(Lead(number="L-0002", company="Changed", created_on="2026-11-27"))  # type: ignore[arg-type]
    with psycopg.connect(pg_url) as conn:
        (changes,) = conn.execute("SELECT changes FROM journal").fetchone()  # type: ignore[misc]
        (digest,) = conn.execute("SELECT md5(doc::text) FROM leads WHERE key = 'L-0002'").fetchone()  # type: ignore[misc]
    assert changes == [["leads", "L-0001", None, True], ["leads", "L-0002", None, digest]]
    backend.undo()
    with backend.reading() as unit:
        assert unit.count(Lead) == 0


def test_an_import_that_met_a_lead_added_at_the_same_time_runs_again(
    pg_url: str, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another command took L-0001 and added that lead, not yet committed, when the import
    read the counter: the import's COPY waits for it, meets the number taken, and the import
    runs again from the next number."""
    other = psycopg.connect(pg_url)
    cli.ok("db", "init")
    other.execute("INSERT INTO counters (series, value) VALUES ('L', 1)")
    other.execute(
        "INSERT INTO leads (key, number, doc) VALUES ('L-0001', 'l-0001', %s::jsonb)",
        ('{"number": "L-0001", "company": "Other", "created_on": "2026-11-27"}',),
    )
    timer = threading.Timer(1.0, other.commit)
    timer.start()
    try:
        imported(cli, tmp_path, monkeypatch)
    finally:
        timer.join()
        other.close()
    assert leads(cli) == [
        ("L-0001", "Other"),
        ("L-0002", "Analytical"),
        ("L-0003", "Difference"),
        ("L-0004", "Connexion"),
    ]
    assert cli.ok("lead", "add", "--company", "Next").stdout == "L-0005\n"  # gapless
