"""The lead, import and export use cases on a real data file, called as `demo` and a future
backend's tests call them: a unit of work and plain values in, records out."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from salesflow.errors import InvalidValue, NotFound, Refused
from salesflow.models import Account, Activity, Contact, Lead
from salesflow.pipeline.listing import ListQuery
from salesflow.services import exports, imports, leads
from salesflow.store import Store
from tests.conftest import NOW, TODAY

CARDS = (
    b"First Name,Last Name,Company,Email\r\n"
    b"Ada,Lovelace,Analytical,ada@analytical.example\r\n"
    b"Grace,Hopper,Navy,grace@navy.example\r\n"
    b"Ada,Lovelace,Analytical,ADA@analytical.example\r\n"
    b"Bad,Mail,Somewhere,not-an-email\r\n"
)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "sales.json")


def _add(store: Store, **fields: str | None) -> Lead:
    with store.writing() as uow:
        return leads.add(uow, fields, today=TODAY, now=NOW)


def test_an_added_lead_is_stored_open_with_the_next_number(store: Store) -> None:
    first = _add(store, last_name="Lovelace", company="Analytical")
    second = _add(store, company="Navy")

    assert (first.number, second.number) == ("L-0001", "L-0002")
    with store.reading() as uow:
        stored = uow.get(Lead, "L-0001")
        assert (stored.status, stored.status_reason, stored.created_on) == ("open", "new", TODAY)
        assert [e.kind for e in uow.events({"L-0001"})] == ["created"]


def test_a_refused_lead_leaves_nothing_behind(store: Store) -> None:
    with pytest.raises(InvalidValue), store.writing() as uow:
        leads.add(uow, {"first_name": "Ada"}, today=TODAY, now=NOW)

    with store.reading() as uow:
        assert uow.count(Lead) == 0
        assert uow.counter("L") == 0


def test_editing_changes_only_the_typed_fields(store: Store) -> None:
    _add(store, last_name="Lovelace", email="ada@analytical.example")
    with store.writing() as uow:
        lead = leads.edit(uow, "l-0001", {"phone": "+31 20 123"}, reason="contacted", now=NOW)

    assert (lead.phone, lead.email, lead.status_reason) == (
        "+31 20 123",
        "ada@analytical.example",
        "contacted",
    )


def test_the_list_is_sorted_and_cut_before_records_are_built(store: Store) -> None:
    for company in ("Beta", "Alpha", "Gamma"):
        _add(store, company=company)

    with store.reading() as uow:
        shown = leads.listed(uow, ListQuery(sort="company", limit=2))
        assert len(shown) == 2
        assert [lead.company for lead in shown] == ["Alpha", "Beta"]
        assert [lead.number for lead in shown[1:]] == ["L-0001"]


def test_show_gives_the_lead_and_its_activity_summary(store: Store) -> None:
    _add(store, company="Analytical")

    with store.reading() as uow:
        lead, seen = leads.show(uow, "1")
    assert lead.number == "L-0001"
    assert seen.as_dict() == {}
    with pytest.raises(NotFound), store.reading() as uow:
        leads.show(uow, "L-0099")


def test_a_batch_of_qualifications_reuses_the_account_it_created(store: Store) -> None:
    _add(store, last_name="Lovelace", company="Analytical", email="ada@analytical.example")
    _add(store, last_name="Byron", company=" analytical ", email="byron@analytical.example")
    with store.writing() as uow:
        qualify = leads.qualifying(
            uow, leads.QualifyRequest(), account_number=None, currency="EUR", today=TODAY, now=NOW
        )
        first, second = qualify("L-0001"), qualify("L-0002")

    assert first.account is not None and second.account is not None
    assert first.account.number == second.account.number == "ACC-0001"
    assert first.account.number in first.created and "ACC-0001" not in second.created
    assert qualify.carried == {"L-0001": [], "L-0002": []}
    with store.reading() as uow:
        assert uow.count(Account) == 1
        assert uow.count(Contact) == 2
        assert uow.get(Lead, "L-0002").status == "qualified"


def test_qualifying_moves_the_leads_open_activities_to_its_opportunity(store: Store) -> None:
    from salesflow.services import activities

    _add(store, last_name="Lovelace", company="Analytical")
    with store.writing() as uow:
        note = activities.add_note(uow, "L-0001", "call back", today=TODAY, now=NOW)
        due = activities.rules.Schedule(due=TODAY.isoformat())
        task = activities.schedule(
            uow, "task", "L-0001", "Send the brochure", due, today=TODAY, now=NOW
        )
    with store.writing() as uow:
        qualify = leads.qualifying(
            uow, leads.QualifyRequest(), account_number=None, currency="EUR", today=TODAY, now=NOW
        )
        result = qualify("L-0001")

    assert [a.number for a in qualify.carried["L-0001"]] == [task.number]
    with store.reading() as uow:
        moved = uow.get(Activity, task.number)
        assert moved.regarding == result.opportunity.number
        assert uow.get(Activity, note.number).regarding == "L-0001"


def test_disqualifying_and_reactivating_follow_the_lead_rules(store: Store) -> None:
    _add(store, company="Analytical")
    with store.writing() as uow:
        lead = leads.disqualify(uow, "L-0001", "lost", now=NOW)
    assert (lead.status, lead.status_reason) == ("disqualified", "lost")
    with pytest.raises(Refused), store.writing() as uow:
        leads.disqualify(uow, "L-0001", "lost", now=NOW)
    with store.writing() as uow:
        lead = leads.reactivate(uow, "L-0001", now=NOW)
    assert lead.status == "open"


def _import(store: Store, data: bytes, **options: object) -> imports.Imported:
    prepared = imports.prepare(data, "cards.csv", imports.ImportRequest())
    with store.writing() as uow:
        return imports.import_leads(
            uow,
            prepared,
            on_duplicate=str(options.get("on_duplicate", "skip")),
            strict=bool(options.get("strict", False)),
            dry_run=bool(options.get("dry_run", False)),
            today=TODAY,
            now=NOW,
        )


def test_an_import_adds_new_leads_and_skips_duplicates_of_stored_ones(store: Store) -> None:
    _add(store, last_name="Hopper", company="Navy", email=" Grace@Navy.example ")

    imported = _import(store, CARDS)

    assert imported.written and imported.batch == "IMP-0001"
    assert [o.status for o in imported.plan.outcomes] == [
        "imported",
        "duplicate",
        "duplicate",
        "rejected",
    ]
    with store.reading() as uow:
        assert [lead.number for lead in uow.all(Lead)] == ["L-0001", "L-0002"]
        assert uow.get(Lead, "L-0002").imported_in == "IMP-0001"
        assert uow.counter("L") == 2
        assert uow.counter("IMP") == 1


def test_a_strict_import_with_a_rejected_row_adds_nothing(store: Store) -> None:
    imported = _import(store, CARDS, strict=True)

    assert imported.refused and not imported.written
    assert len(imported.plan.rejected) == 1
    with store.reading() as uow:
        assert uow.count(Lead) == 0
        assert uow.counter("IMP") == 0


def test_a_dry_run_decides_the_rows_but_adds_nothing(store: Store) -> None:
    imported = _import(store, CARDS, dry_run=True)

    assert len(imported.plan.new_docs) == 2 and not imported.written
    with store.reading() as uow:
        assert uow.count(Lead) == 0


def test_prepared_rows_are_imported_once(store: Store) -> None:
    prepared = imports.prepare(CARDS, "cards.csv", imports.ImportRequest())
    with store.writing() as uow:
        imports.import_leads(
            uow, prepared, on_duplicate="skip", strict=False, dry_run=False, today=TODAY, now=NOW
        )
    with pytest.raises(ValueError, match="imported already"), store.writing() as uow:
        imports.import_leads(
            uow, prepared, on_duplicate="skip", strict=False, dry_run=False, today=TODAY, now=NOW
        )


def test_a_file_without_a_recognised_header_is_refused_unless_only_shown() -> None:
    data = b"Foo,Bar\r\n1,2\r\n"
    with pytest.raises(InvalidValue, match="no column header is recognised"):
        imports.prepare(data, "odd.csv", imports.ImportRequest())

    shown = imports.prepare(data, "odd.csv", imports.ImportRequest(show_mapping=True))
    assert shown.rows is None and [column for column, _ in shown.mapping] == ["Foo", "Bar"]


def test_the_rejects_file_keeps_the_rows_columns_and_says_why(store: Store) -> None:
    imported = _import(store, CARDS)

    lines = imports.rejects_csv(imported.plan).decode("utf-8-sig").splitlines()
    assert lines[0] == "First Name,Last Name,Company,Email,error"
    assert lines[1].startswith('Bad,Mail,Somewhere,not-an-email,"row 5: column ""Email""')
    assert len(lines) == 2


def test_an_export_holds_every_record_of_the_type(store: Store) -> None:
    _add(store, last_name="Lovelace", company="=Analytical")

    with store.reading() as uow:
        count, data = exports.export(uow, exports.record_type("LEADS"), "json")
        _, csv = exports.export(uow, Lead, "csv")
    assert count == 1
    assert [r["number"] for r in orjson.loads(data)] == ["L-0001"]
    assert "'=Analytical" in csv.decode()
    with pytest.raises(InvalidValue, match="export type"):
        exports.record_type("people")
