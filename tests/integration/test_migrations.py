"""Schema versions: a file of the first schema (`tests/data/schema-1.json`, written by salesflow
0.1.0 through its commands) is read as the current schema in memory, upgraded by the first write,
and the file as it was stays in the history."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from salesflow.pipeline.doctor import diagnose
from salesflow.store import Store, migrations
from salesflow.store.migrations import SCHEMA_VERSION, STEPS, upgrade, v1_to_v2
from tests.conftest import DATA
from tests.integration.helpers import Salesflow, one_error_line

FIXTURE = DATA / "schema-1.json"


@pytest.fixture
def old_file(db: Path) -> Path:
    shutil.copyfile(FIXTURE, db)
    return db


def stored(db: Path) -> dict[str, Any]:
    return json.loads(db.read_bytes())  # type: ignore[no-any-return]


# --- the steps ----------------------------------------------------------------------------------


def test_every_schema_before_the_current_one_has_a_step_to_the_next() -> None:
    assert SCHEMA_VERSION == 3
    assert sorted(STEPS) == list(range(1, SCHEMA_VERSION))


def test_the_fixture_is_a_schema_1_file_without_a_currency() -> None:
    meta = stored(FIXTURE)["_meta"]["1"]
    assert meta["schema"] == 1
    assert "currency" not in meta["config"]


def test_schema_2_states_the_currency_schema_1_implied() -> None:
    data = stored(FIXTURE)
    upgraded = v1_to_v2(data)
    assert upgraded["_meta"]["1"]["schema"] == 2
    assert upgraded["_meta"]["1"]["config"] == {**data["_meta"]["1"]["config"], "currency": "EUR"}
    assert upgraded["_meta"]["1"]["counters"] == data["_meta"]["1"]["counters"]
    assert {t: v for t, v in upgraded.items() if t != "_meta"} == {
        t: v for t, v in data.items() if t != "_meta"
    }


def test_a_currency_that_was_set_is_kept() -> None:
    data = {"_meta": {"1": {"schema": 1, "counters": {"L": 2}, "config": {"currency": "USD"}}}}
    assert v1_to_v2(data)["_meta"]["1"]["config"] == {"currency": "USD"}


def test_a_step_does_not_change_its_input() -> None:
    data = stored(FIXTURE)
    before = copy.deepcopy(data)
    upgrade(data)
    assert data == before


def test_a_file_from_before_schema_versions_is_schema_1() -> None:
    data: dict[str, Any] = {"leads": {}}
    assert migrations.schema_of(data) == 1
    assert upgrade(data)["_meta"]["1"] == {
        "schema": SCHEMA_VERSION,
        "counters": {},
        "config": {"currency": "EUR"},
    }


def test_a_new_file_is_created_with_the_current_schema(db: Path) -> None:
    Salesflow(db).ok("lead", "add", "--company", "New")
    assert stored(db)["_meta"]["1"]["schema"] == SCHEMA_VERSION
    assert stored(db)["_meta"]["1"]["config"] == {"currency": "EUR"}


# --- reading and writing an old file -------------------------------------------------------------


def test_an_old_file_is_read_upgraded_in_memory_and_left_as_it_is(old_file: Path) -> None:
    before = old_file.read_bytes()
    run = Salesflow(old_file)
    leads = json.loads(run.ok("lead", "list", "--json").stdout)
    assert [lead["number"] for lead in leads] == ["L-0001", "L-0002", "L-0003"]
    assert run.ok("config", "get", "currency").stdout == "EUR\n"
    invoice = json.loads(run.ok("invoice", "show", "INV-2026-0001", "--json").stdout)
    assert (invoice["amount_paid"], invoice["status"]) == ("1000.00", "partially-paid")
    with Store(old_file).reading() as session:
        assert session.file_schema == 1
        assert session.meta()["schema"] == SCHEMA_VERSION
    assert old_file.read_bytes() == before


def test_the_first_write_upgrades_the_file_and_keeps_the_old_one_in_the_history(
    old_file: Path,
) -> None:
    before = old_file.read_bytes()
    run = Salesflow(old_file)
    assert run.number("lead", "add", "--company", "After the upgrade") == "L-0004"
    after = stored(old_file)
    old = json.loads(before)
    assert after["_meta"]["1"]["schema"] == SCHEMA_VERSION
    assert after["_meta"]["1"]["config"] == {**old["_meta"]["1"]["config"], "currency": "EUR"}
    for table in ("products", "accounts", "contacts", "opportunities", "quotes", "orders"):
        assert after[table] == old[table]
    listed = json.loads(run.ok("undo", "--list", "--json").stdout)["entries"]
    assert [(e["change"], e["migrated_from"], e["note"]) for e in listed] == [
        ("lead add --company 'After the upgrade'", 1, "next undo; upgraded the file from schema 1")
    ]
    run.ok("undo")
    assert old_file.read_bytes() == before


def test_the_upgraded_file_is_consistent(old_file: Path) -> None:
    run = Salesflow(old_file)
    assert run.ok("doctor").stdout == "ok\n"
    run.ok("invoice", "pay", "INV-2026-0001")
    assert run.ok("doctor").stdout == "ok\n"
    with Store(old_file).reading() as session:
        assert diagnose({name: session.raw(name) for name in session.table_names()}) == []


def test_info_shows_the_schema_of_the_file_as_stored(old_file: Path) -> None:
    run = Salesflow(old_file)
    assert json.loads(run.ok("info", "--json").stdout)["schema"] == 1
    assert (
        "\nSchema         1 (the next command that writes upgrades it to 3)\n"
        in run.ok("info").stdout
    )
    run.ok("lead", "add", "--company", "After the upgrade")
    assert json.loads(run.ok("info", "--json").stdout)["schema"] == SCHEMA_VERSION


def test_doctor_mentions_a_file_waiting_for_its_upgrade(old_file: Path) -> None:
    result = Salesflow(old_file).ok("doctor")
    assert result.stderr == "Schema 1; the next command that writes upgrades it to 3\n"


@pytest.mark.parametrize(("schema", "shown"), [(0, "0"), ('"two"', "'two'"), ("null", "None")])
def test_a_schema_that_is_not_a_version_is_refused(db: Path, schema: str, shown: str) -> None:
    db.write_text(f'{{"_meta": {{"1": {{"schema": {schema}, "counters": {{}}, "config": {{}}}}}}}}')
    result = Salesflow(db)("lead", "list")
    assert result.exit_code == 4
    assert one_error_line(result.stderr) == (
        f"Error: data file {db}: _meta schema {shown} is not a schema version; "
        "restore a backup or run `salesflow undo`"
    )


# --- schema 3: one spelling of canceled ---------------------------------------------------------

SCHEMA_2 = DATA / "schema-2.json"


@pytest.fixture
def schema_2_file(db: Path) -> Path:
    shutil.copyfile(SCHEMA_2, db)
    return db


def _spellings(data: dict[str, Any]) -> set[str]:
    return {word for word in ("cancelled", "canceled") if word in json.dumps(data)}


def test_the_schema_2_fixture_has_a_cancelled_invoice() -> None:
    data = stored(SCHEMA_2)
    assert data["_meta"]["1"]["schema"] == 2
    assert _spellings(data) == {"cancelled"}
    assert data["invoices"]["2"]["status"] == "cancelled"


def test_schema_3_spells_canceled_one_way_and_changes_nothing_else() -> None:
    data = stored(SCHEMA_2)
    upgraded = migrations.v2_to_v3(data)
    assert upgraded["_meta"]["1"] == {**data["_meta"]["1"], "schema": 3}
    assert _spellings(upgraded) == {"canceled"}
    invoice = upgraded["invoices"]["2"]
    assert (invoice["status"], invoice["canceled_on"]) == ("canceled", "2026-11-21")
    assert "cancelled_on" not in invoice
    events = [
        e for e in upgraded["events"].values() if e["number"] in ("INV-2026-0002", "ORD-0002")
    ]
    assert [(e["number"], e["kind"], e.get("from_state"), e.get("to_state")) for e in events] == [
        ("ORD-0002", "created", None, "active"),
        ("ORD-0002", "fulfilled", "active", "fulfilled"),
        ("INV-2026-0002", "created", None, "unpaid"),
        ("INV-2026-0002", "canceled", "unpaid", "canceled"),
        ("ORD-0002", "reopened", "fulfilled", "active"),
    ]
    reopened = [e for e in events if e["kind"] == "reopened"]
    assert [e["details"] for e in reopened] == [{"canceled_invoice": "INV-2026-0002"}]
    # every other record is the same object: nothing else was rewritten
    for table in ("leads", "accounts", "contacts", "products", "opportunities", "quotes", "orders"):
        assert upgraded[table] == data[table]
    assert upgraded["invoices"]["1"] is data["invoices"]["1"]


def test_the_step_is_pure_and_leaves_a_schema_3_file_alone() -> None:
    data = stored(SCHEMA_2)
    before = copy.deepcopy(data)
    once = migrations.v2_to_v3(data)
    assert data == before
    assert migrations.v2_to_v3(once) == once


def test_the_first_write_stores_schema_3_and_undo_brings_schema_2_back(
    schema_2_file: Path,
) -> None:
    before = schema_2_file.read_bytes()
    run = Salesflow(schema_2_file)
    invoices = json.loads(run.ok("invoice", "list", "--json", "--status", "cancelled").stdout)
    assert [(i["number"], i["status"], i["canceled_on"]) for i in invoices] == [
        ("INV-2026-0002", "canceled", "2026-11-21")
    ]
    assert schema_2_file.read_bytes() == before  # reading upgrades in memory only
    assert run.number("lead", "add", "--company", "After the upgrade") == "L-0004"
    after = stored(schema_2_file)
    assert after["_meta"]["1"]["schema"] == 3
    assert _spellings(after) == {"canceled"}
    assert run.ok("doctor").stdout == "ok\n"
    listed = json.loads(run.ok("undo", "--list", "--json").stdout)["entries"]
    assert [(e["migrated_from"], e["note"]) for e in listed] == [
        (2, "next undo; upgraded the file from schema 2")
    ]
    run.ok("undo")
    assert schema_2_file.read_bytes() == before


def test_an_upgraded_canceled_invoice_keeps_its_rules(schema_2_file: Path) -> None:
    run = Salesflow(schema_2_file)
    result = run("invoice", "pay", "INV-2026-0002")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: invoice INV-2026-0002 is canceled; only unpaid or partially-paid invoices can be "
        "paid\n",
    )
    run.ok("order", "fulfil", "ORD-0002")
    assert json.loads(run.ok("order", "show", "ORD-0002", "--json").stdout)["status"] == "fulfilled"
