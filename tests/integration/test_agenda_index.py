"""The agenda index the data file keeps (`pipeline.agenda_index`): after every kind of write it is
current and what the records derive to, and the agenda it gives is the agenda derived from the
records; a missing or stale index is not used, and the next write derives it again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from salesflow.pipeline.agenda_index import (
    FORM_STAMP,
    INDEX_FORM,
    INDEX_STAMP,
    INDEX_TABLE,
    SOURCES,
    lead_fields,
)
from salesflow.store import open_backend
from salesflow.store.contract import derived_agenda_index
from tests.conftest import Cli
from tests.e2e.test_agenda_cli import agenda_world
from tests.integration.helpers import one_error_line
from tests.worlds import Worlds


def stored_sections(db: Path) -> dict[str, object]:
    """The index's sections the file says are current (each source table's, or missing)."""
    with open_backend(str(db)).reading() as session:
        return session._storage.agenda_sections()  # type: ignore[attr-defined, no-any-return]


def assert_index_current(db: Path) -> None:
    """Every section is current, and the index is what the records derive to."""
    from salesflow.pipeline.agenda import AgendaIndex

    sections = stored_sections(db)
    assert sorted(sections) == sorted(SOURCES)
    with open_backend(str(db)).reading() as session:
        derived = derived_agenda_index(session)
    assert AgendaIndex.from_stored(sections).normalized() == derived.normalized()


def without_index(db: Path, target: Path) -> Path:
    """A copy of the data file without the index and its stamps (as an older version wrote it)."""
    data = json.loads(db.read_bytes())
    data.pop(INDEX_TABLE, None)
    data["_meta"]["1"].pop(INDEX_STAMP, None)
    target.write_text(json.dumps(data))
    return target


def assert_same_agenda(cli: Cli, tmp_path: Path) -> None:
    """The agenda from the index is the agenda derived from the records, for a day and a week."""
    plain = Cli(without_index(cli.db, tmp_path / "plain.json"))
    for args in (
        ("agenda",),
        ("agenda", "--week"),
        ("agenda", "--date", LATER),
        ("agenda", "--date", LATER, "--owner", "grace"),
    ):
        assert cli.ok(*args).stdout == plain.ok(*args).stdout
        assert cli.json(*args) == plain.json(*args)


@pytest.fixture
def seller(cli: Cli, worlds: Worlds) -> Cli:
    return worlds.copy(agenda_world, cli)


WRITES: list[tuple[str, list[tuple[str, ...]]]] = [
    ("task add", [("task", "add", "L-0001", "Ring", "--due", "2026-11-20")]),
    ("note add", [("note", "add", "CON-0001", "Met at the fair")]),
    ("activity done", [("activity", "done", "ACT-0001")]),
    ("activity cancel", [("activity", "cancel", "ACT-0002")]),
    ("activity reschedule", [("activity", "reschedule", "ACT-0004", "--due", "2026-11-10")]),
    ("activity edit", [("activity", "edit", "ACT-0001", "--subject", "Send the new contract")]),
    ("opp edit close date", [("opp", "edit", "OPP-0001", "--close-date", "2026-11-26")]),
    ("opp add-product", [("opp", "add-product", "OPP-0001", "DAY", "--quantity", "1")]),
    ("opp win", [("quote", "close", "QUO-0001", "--reason", "lost"), ("opp", "win", "OPP-0001")]),
    (
        "opp lose",
        [
            ("quote", "close", "QUO-0001", "--reason", "canceled"),
            ("opp", "lose", "OPP-0001", "--reason", "out-sold"),
        ],
    ),
    ("quote close", [("quote", "close", "QUO-0001", "--reason", "lost")]),
    ("quote revise", [("quote", "revise", "QUO-0001")]),
    ("quote accept", [("quote", "accept", "QUO-0001")]),
    ("order fulfil", [("quote", "accept", "QUO-0001"), ("order", "fulfil", "ORD-0001")]),
    ("order cancel", [("quote", "accept", "QUO-0001"), ("order", "cancel", "ORD-0001")]),
    (
        "invoice pay in part",
        [
            ("quote", "accept", "QUO-0001"),
            ("order", "fulfil", "ORD-0001"),
            ("invoice", "pay", "INV-2026-0001", "--amount", "100"),
        ],
    ),
    (
        "invoice cancel",
        [
            ("quote", "accept", "QUO-0001"),
            ("order", "fulfil", "ORD-0001"),
            ("invoice", "cancel", "INV-2026-0001"),
        ],
    ),
    (
        "lead qualify carries activities",
        [
            ("lead", "add", "--company", "Globex", "--last-name", "Smith"),
            ("task", "add", "L-0002", "Call Smith", "--due", "2026-11-26"),
            ("lead", "qualify", "L-0002"),
        ],
    ),
    (
        "lead disqualify and reactivate",
        [
            ("lead", "add", "--company", "Initech", "--last-name", "Lumbergh"),
            ("lead", "disqualify", "L-0002", "--reason", "lost"),
            ("lead", "reactivate", "L-0002"),
        ],
    ),
    (
        "lead edit renames whom a task is for",
        [
            ("lead", "add", "--company", "Globex", "--last-name", "Smith"),
            ("task", "add", "L-0002", "Call Smith", "--due", "2026-11-26"),
            ("lead", "edit", "L-0002", "--company", "Globex Europe"),
        ],
    ),
    (
        "lead assign",
        [
            ("lead", "add", "--company", "Globex", "--last-name", "Smith"),
            ("task", "add", "L-0002", "Call Smith", "--due", "2026-11-26"),
            ("lead", "assign", "L-0002", "--to", "grace"),
        ],
    ),
    (
        "account edit renames whom the deals are for",
        [("account", "edit", "ACC-0001", "--name", "Acme Europe")],
    ),
    ("undo", [("activity", "done", "ACT-0001"), ("undo",)]),
    ("undo and redo", [("activity", "done", "ACT-0001"), ("undo",), ("redo",)]),
]


LATER = "2027-01-31"
"""A day whose agenda shows every item of the world: the invoice, order and opportunity too."""
UNSEEN = {"note add", "undo", "lead disqualify and reactivate"}
"""The writes that change nothing an agenda shows (a new lead is untouched only after 14 days)."""


@pytest.mark.parametrize(("name", "commands"), WRITES, ids=[w[0] for w in WRITES])
def test_every_kind_of_write_keeps_the_index_current(
    seller: Cli, tmp_path: Path, name: str, commands: list[tuple[str, ...]]
) -> None:
    assert_index_current(seller.db)
    before = seller.json("agenda", "--date", LATER)
    for command in commands:
        seller.ok(*command)
        assert_index_current(seller.db)
    assert_same_agenda(seller, tmp_path)
    if name not in UNSEEN:
        assert seller.json("agenda", "--date", LATER) != before, "the write changed nothing due"
    assert seller.ok("doctor").stdout == "ok\n"


def test_undo_brings_back_the_index_of_the_file_it_brings_back(seller: Cli) -> None:
    before = seller.db.read_bytes()
    seller.ok("activity", "done", "ACT-0001")
    seller.ok("undo")
    assert seller.db.read_bytes() == before
    assert_index_current(seller.db)


def test_a_file_without_an_index_gives_the_same_agenda_and_the_next_write_makes_it(
    seller: Cli, tmp_path: Path
) -> None:
    expected = seller.json("agenda", "--week")
    old = Cli(without_index(seller.db, tmp_path / "old.json"))
    assert not {"activities", "quotes", "opportunities"} & set(stored_sections(old.db))
    assert old.json("agenda", "--week") == expected
    old.ok("lead", "add", "--company", "Hooli")  # a write of no source table
    assert_index_current(old.db)
    assert old.json("agenda", "--week") == expected


def test_an_index_left_stale_by_another_program_is_not_used(seller: Cli, tmp_path: Path) -> None:
    """A program that keeps no index (an older salesflow) changes the activities and records
    their new size and checksum, but leaves the index and its stamp as they were."""
    from salesflow.store.tracking import AtomicJSONStorage, file_bytes

    seller.ok("activity", "done", "ACT-0001")
    stale = json.loads(seller.db.read_bytes())[INDEX_TABLE]
    stamps = json.loads(seller.db.read_bytes())["_meta"]["1"][INDEX_STAMP]
    seller.ok("undo")  # ACT-0001 open again, and due
    data = AtomicJSONStorage(seller.db).read()
    assert data is not None
    data[INDEX_TABLE] = stale
    raw = json.loads(file_bytes(data))  # what a write stores, with a fresh index...
    raw[INDEX_TABLE] = stale  # ...put back as the older version left it
    raw["_meta"]["1"][INDEX_STAMP] = stamps
    seller.db.write_text(json.dumps(raw))
    older = Cli(seller.db)
    assert "ACT-0001" in {item["number"] for item in older.json("agenda")}
    assert "activities" not in stored_sections(seller.db)
    assert older.ok("doctor").stdout == "ok\n"


def test_doctor_names_an_index_that_says_it_is_current_but_is_wrong(seller: Cli) -> None:
    assert seller.ok("doctor").stdout == "ok\n"
    raw = seller.db.read_bytes()
    lines = raw.split(b"\n")
    [at] = [i for i, line in enumerate(lines) if line.startswith(b'"_agenda":')]
    damaged = lines[at].replace(
        b'"ACT-0001":["task","2026-11-25"', b'"ACT-0001":["task","2027-11-25"'
    )
    assert damaged != lines[at]
    lines[at] = damaged  # as long as before: only a checksum would tell
    seller.db.write_bytes(b"\n".join(lines))
    result = seller("doctor", "--json")
    problems = json.loads(result.stdout)["problems"]
    assert [(p["check"], p["where"], p["message"]) for p in problems] == [
        (
            "index",
            "_agenda",
            "the agenda index does not match the activities and deals it was derived from, so "
            "the agenda may show what is not due or miss what is",
        )
    ]
    assert result.exit_code == 1
    assert one_error_line(result.stderr).startswith("Error: data file ")
    assert "ACT-0001" not in {item["number"] for item in seller.json("agenda")}


def test_db_copy_into_a_new_file_derives_its_index(seller: Cli, tmp_path: Path) -> None:
    target = tmp_path / "copy.json"
    seller.ok("db", "copy", str(seller.db), str(target))
    assert_index_current(target)
    assert Cli(target).json("agenda", "--week") == seller.json("agenda", "--week")


def test_a_hand_edit_that_keeps_the_size_of_the_activities_is_seen(seller: Cli) -> None:
    """The section is checked against the table's checksum, not only its size."""
    seller.ok("activity", "done", "ACT-0002")  # a version in the history: the next write checks
    raw = seller.db.read_bytes()
    lines = raw.split(b"\n")
    [at] = [i for i, line in enumerate(lines) if line.startswith(b'"activities":')]
    lines[at] = lines[at].replace(b'"due":"2026-11-25"', b'"due":"2026-11-20"')
    edited = b"\n".join(lines)
    assert len(edited) == len(raw) and edited != raw
    seller.db.write_bytes(edited)
    assert "activities" not in stored_sections(seller.db)
    [task] = [item for item in seller.json("agenda") if item["number"] == "ACT-0001"]
    assert task["date"] == "2026-11-20"
    seller.ok("lead", "add", "--company", "Hooli")
    assert_index_current(seller.db)
    [task] = [item for item in seller.json("agenda") if item["number"] == "ACT-0001"]
    assert task["date"] == "2026-11-20"


def test_an_import_keeps_the_leads_entries_and_an_untouched_lead_is_named_from_them(
    seller: Cli, tmp_path: Path
) -> None:
    cards = tmp_path / "fair.csv"
    cards.write_text(
        "First Name,Last Name,Company,Email\n"
        "Grace,Hopper,Navy Labs,grace@navy.example\n"
        "Alan,Turing,Bletchley,alan@bletchley.example\n"
    )
    seller.ok("lead", "import", str(cards))
    assert_index_current(seller.db)
    seller.ok("lead", "edit", "L-0003", "--first-name", "Alan M.")
    assert_index_current(seller.db)
    untouched = [
        (item["number"], item["subject"])
        for item in seller.json("agenda", "--date", "2026-12-11")
        if item["kind"] == "lead"
    ]
    assert untouched == [
        ("L-0002", "Grace Hopper: untouched since 2026-11-27"),
        ("L-0003", "Alan M. Turing: untouched since 2026-11-27"),
    ]
    assert_same_agenda(seller, tmp_path)


def test_a_file_made_before_the_leads_entries_gets_them_at_its_next_write(
    seller: Cli, tmp_path: Path
) -> None:
    seller.ok("lead", "add", "--company", "Hooli", "--last-name", "Belson")
    data = json.loads(seller.db.read_bytes())
    del data[INDEX_TABLE]["1"]["leads"]  # as a version that kept no leads in the index left it
    del data["_meta"]["1"][INDEX_STAMP]["leads"]
    seller.db.write_text(json.dumps(data))
    old = Cli(seller.db)
    assert "leads" not in stored_sections(old.db)
    expected = [("L-0002", "Belson: untouched since 2026-11-27")]
    shown = [(i["number"], i["subject"]) for i in old.json("agenda", "--date", "2026-12-11")]
    assert [item for item in shown if item[0].startswith("L-")] == expected
    old.ok("note", "add", "OPP-0001", "Rang")  # a write of another table
    assert_index_current(old.db)


def test_an_index_in_the_first_form_is_not_used_and_the_next_write_derives_it_again(
    seller: Cli, tmp_path: Path
) -> None:
    """A version that kept a lead's entry as a list stamped no form: its sections are derived
    from the records until a write keeps them in this version's form."""
    seller.ok("lead", "add", "--company", "Hooli", "--last-name", "Belson")
    data = json.loads(seller.db.read_bytes())
    leads = data[INDEX_TABLE]["1"]["leads"]
    data[INDEX_TABLE]["1"]["leads"] = {key: lead_fields(entry) for key, entry in leads.items()}
    del data["_meta"]["1"][INDEX_STAMP][FORM_STAMP]
    seller.db.write_text(json.dumps(data))
    old = Cli(seller.db)
    assert stored_sections(old.db) == {"invoices": {}, "orders": {}}  # tables it has none of
    expected = [("L-0002", "Belson: untouched since 2026-11-27")]
    shown = [(i["number"], i["subject"]) for i in old.json("agenda", "--date", "2026-12-11")]
    assert [item for item in shown if item[0].startswith("L-")] == expected
    old.ok("note", "add", "OPP-0001", "Rang")
    assert_index_current(old.db)
    stored = json.loads(old.db.read_bytes())
    assert stored["_meta"]["1"][INDEX_STAMP][FORM_STAMP] == INDEX_FORM
    assert stored[INDEX_TABLE]["1"]["leads"] == leads
    assert_same_agenda(old, tmp_path)


def test_a_file_as_salesflow_wrote_it_is_read_without_checksumming_its_tables(
    seller: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last write noted the file's identity: a read of that very file trusts `_meta`; once
    anything else touched the file, the tables are checksummed again."""
    import os

    from salesflow.store import tracking

    checksummed: list[int] = []
    original = tracking.crc_without_brace

    def counting(parts: list[memoryview]) -> int:
        checksummed.append(1)
        return original(parts)

    monkeypatch.setattr(tracking, "crc_without_brace", counting)
    assert sorted(stored_sections(seller.db)) == sorted(SOURCES)  # a copy of a world's file
    assert checksummed == [1] * 5  # the source tables it has: no orders, no invoices yet
    seller.ok("note", "add", "OPP-0001", "Rang")
    checksummed.clear()  # the write checksums the tables it writes, for `_meta`
    assert sorted(stored_sections(seller.db)) == sorted(SOURCES)
    assert checksummed == []
    os.utime(seller.db)  # a program that rewrote it: the identity is another one
    assert sorted(stored_sections(seller.db)) == sorted(SOURCES)
    assert checksummed == [1] * 5


def test_without_a_history_no_identity_is_noted(seller: Cli) -> None:
    seller.ok("config", "set", "history_keep", "0")
    seller.ok("lead", "add", "--company", "Hooli")
    history = seller.db.with_name(seller.db.name + ".history")
    assert not (history / "written").exists()
    assert sorted(stored_sections(seller.db)) == sorted(SOURCES)
