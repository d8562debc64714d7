"""The store reads a table only when a command uses it, and writes untouched tables back byte for
byte; a file in any other JSON layout is read whole and stored in salesflow's layout."""

from __future__ import annotations

import json
from pathlib import Path

from salesflow.store import Store, layout
from tests.integration.helpers import Salesflow, one_error_line

HINT = "; restore a backup or run `salesflow undo`"


def tables_of(raw: bytes) -> dict[str, bytes]:
    parts = layout.split(raw)
    assert parts is not None, "not in salesflow's layout"
    return {name: bytes(body) for name, body in parts.items()}


def test_salesflow_writes_one_table_per_line(world: bytes) -> None:
    assert next(iter(tables_of(world))) == "_meta"
    assert {"leads", "opportunities", "invoices", "events"} <= set(tables_of(world))


def test_a_reading_command_parses_only_the_tables_it_uses(db: Path, world: bytes) -> None:
    with Store(db).reading() as session:
        parsed = session._storage.read()
        assert parsed is not None and list(parsed) == ["_meta"]
        session.raw("leads")
        assert list(parsed) == ["_meta", "leads"]


def test_a_write_keeps_the_tables_it_did_not_touch_byte_for_byte(db: Path, world: bytes) -> None:
    Salesflow(db).ok("lead", "add", "--company", "Byte for byte")
    before, after = tables_of(world), tables_of(db.read_bytes())
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"_meta", "leads", "events", "_agenda"}  # the index has every lead


def test_a_damaged_table_stops_the_commands_that_read_it(db: Path, world: bytes) -> None:
    tables = tables_of(world)
    tables["invoices"] = tables["invoices"][:-2] + b"!}"
    damaged = layout.join(tables.items())
    db.write_bytes(damaged)
    run = Salesflow(db)
    for args in (["invoice", "list"], ["doctor"], ["order", "fulfil", "ORD-0002"]):
        result = run(*args)
        error = one_error_line(result.stderr)
        assert result.exit_code == 4, args
        assert error.startswith(f"Error: data file {db} is not valid JSON (table 'invoices': ")
        assert error.endswith(HINT)
    assert db.read_bytes() == damaged
    # Commands that only read other tables work; a writer checks every table it writes back.
    assert run.ok("lead", "show", "L-0001").stdout.startswith("Number")
    writer = run("lead", "add", "--company", "Not over a damaged table")
    assert writer.exit_code == 4
    assert one_error_line(writer.stderr).startswith(
        f"Error: data file {db} is not valid JSON (table 'invoices': "
    )
    assert db.read_bytes() == damaged


def test_a_file_in_another_layout_is_read_whole_and_stored_in_salesflows(
    db: Path, world: bytes
) -> None:
    data = json.loads(world)
    db.write_text(json.dumps(data, indent=2))
    run = Salesflow(db)
    assert json.loads(run.ok("lead", "show", "L-0001", "--json").stdout)["number"] == "L-0001"
    run.ok("lead", "add", "--company", "Relaid")
    stored = tables_of(db.read_bytes())
    assert json.loads(stored["opportunities"]) == data["opportunities"]
    assert len(json.loads(stored["leads"])) == len(data["leads"]) + 1


def test_new_events_are_appended_without_reading_the_events(db: Path, world: bytes) -> None:
    before = json.loads(tables_of(world)["events"])
    Salesflow(db).ok("lead", "add", "--company", "Appended")
    after = json.loads(tables_of(db.read_bytes())["events"])
    new_id = str(max(map(int, before)) + 1)
    assert list(after) == [*before, new_id]
    assert (after[new_id]["kind"], after[new_id]["to_state"]) == ("created", "open")
    assert Salesflow(db).ok("doctor").stdout == "ok\n"


def test_a_bulk_check_reads_a_big_table_in_parts_with_the_same_documents(
    db: Path, world: bytes
) -> None:
    from salesflow.models import Lead

    with Store(db).reading() as session:
        scanned = list(session.scan(Lead))
        assert session._storage.read() == {"_meta": session.raw("_meta")}
        assert scanned == list(session.raw("leads").values())


def test_documents_out_of_id_order_are_put_back_in_order_so_new_ones_follow_the_last(
    db: Path,
) -> None:
    db.write_text(
        json.dumps(
            {
                "_meta": {"1": {"schema": 3, "counters": {"L": 9}, "config": {}}},
                "leads": {
                    "9": {"number": "L-0009", "company": "Nine", "created_on": "2026-01-01"},
                    "2": {"number": "L-0002", "company": "Two", "created_on": "2026-01-01"},
                },
                "events": {"7": {"at": "2026-01-01T00:00:00Z", "number": "L-0009"}, "3": {}},
            }
        )
    )
    run = Salesflow(db)
    run.ok("lead", "edit", "L-0002", "--phone", "1")  # a write: stored in the layout, in order
    assert list(json.loads(tables_of(db.read_bytes())["events"]))[:2] == ["3", "7"]
    run.ok("lead", "add", "--company", "Ten")  # its event is appended to the unparsed events
    events = json.loads(tables_of(db.read_bytes())["events"])
    assert list(events) == ["3", "7", "8", "9"]
    assert list(json.loads(tables_of(db.read_bytes())["leads"])) == ["2", "9", "10"]


def test_documents_appended_twice_follow_each_other_when_written_and_when_read(
    db: Path, world: bytes
) -> None:
    from salesflow.store import AtomicJSONStorage, UnitOfWorkStorage

    before = json.loads(tables_of(world)["events"])
    last = max(map(int, before))
    storage = UnitOfWorkStorage(AtomicJSONStorage(db))
    assert storage.append("events", [{"number": "X-1"}])
    assert storage.append("events", [{"number": "X-2"}, {"number": "X-3"}])

    written = json.loads(b"".join(storage.serialized()))["events"]
    read = storage.table("events")

    added = {str(last + n): {"number": f"X-{n}"} for n in (1, 2, 3)}
    assert written == read == {**before, **added}
    assert list(written)[-3:] == list(added)
