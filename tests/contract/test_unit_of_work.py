"""Every method of the storage contract (`UnitOfWork`, `Backend`), through the `backend`
fixture only: what any backend must do, whatever holds the data."""

from __future__ import annotations

import getpass
from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from salesflow.errors import NotFound
from salesflow.models import (
    Account,
    Activity,
    ActivityKind,
    ActivityStatus,
    Event,
    Lead,
    LeadStatus,
    Opportunity,
    Product,
    Quote,
)
from salesflow.pipeline.agenda import Due
from salesflow.pipeline.agenda_index import lead_fields
from salesflow.pipeline.listing import LEADS, ListQuery
from salesflow.store.contract import Backend, Listing, Match, Stored, UnitOfWork
from tests.contract.conftest import (
    TODAY,
    add_account,
    add_lead,
    add_opportunity,
    add_quote,
    created,
    number,
    product,
)


def numbers(records: list[Lead] | list[Account] | list[Opportunity]) -> list[str]:
    return [record.number for record in records]


# -- the backend ---------------------------------------------------------------------------------


def test_a_backend_names_its_location(backend: Backend) -> None:
    assert backend.location()


def test_a_new_backend_reads_as_empty(backend: Backend) -> None:
    with backend.reading() as uow:
        assert uow.all(Lead) == []
        assert uow.count(Lead) == 0
        assert uow.counter("L") == 0
        assert uow.events() == []


def test_a_second_unit_of_work_sees_what_the_first_committed(backend: Backend) -> None:
    with backend.writing() as uow:
        lead = add_lead(uow, company="Globex")
        uow.set_config({"company": "Seller BV"})
    with backend.reading() as uow:
        assert uow.get(Lead, lead.number) == lead
        assert uow.config()["company"] == "Seller BV"
        assert uow.counter("L") == 1
        assert [e.number for e in uow.events()] == [lead.number]


def test_a_writing_block_that_raises_commits_nothing(backend: Backend) -> None:
    with backend.writing() as uow:
        kept = add_lead(uow, company="Kept")
    with pytest.raises(ZeroDivisionError), backend.writing() as uow:
        add_lead(uow, company="Lost")
        uow.remove(uow.get(Lead, kept.number))
        uow.set_config({"company": "Lost BV"})
        uow.add_events([created("L-0009")])
        _ = 1 / 0
    with backend.reading() as uow:
        assert numbers(uow.all(Lead)) == [kept.number]
        assert uow.counter("L") == 1
        assert "company" not in uow.config()
        assert [e.number for e in uow.events()] == [kept.number]


def test_a_reading_unit_of_work_refuses_every_write(backend: Backend) -> None:
    with backend.writing() as uow:
        lead = add_lead(uow)
    with backend.reading() as uow:
        assert not uow.writable
        for write in (
            lambda: uow.put(lead),
            lambda: uow.remove(lead),
            lambda: uow.next_numbers("L"),
            lambda: uow.set_config({"company": "X"}),
            lambda: uow.add_events([created(lead.number)]),
            lambda: uow.add_stored(Lead, [lead.stored()]),
            lambda: uow.adding(Lead).__enter__(),
        ):
            with pytest.raises(RuntimeError):
                write()
    with backend.reading() as uow:
        assert uow.counter("L") == 1


def test_a_writing_unit_of_work_is_writable(backend: Backend) -> None:
    with backend.writing() as uow:
        assert uow.writable


# -- records by number ---------------------------------------------------------------------------


def test_find_and_get_take_a_number_in_any_case(backend: Backend) -> None:
    with backend.writing() as uow:
        lead = add_lead(uow)
        uow.put(product("Sku-1"))
    with backend.reading() as uow:
        assert uow.find(Lead, "l-0001") == lead
        assert uow.get(Lead, "L-0001") == lead
        assert uow.find(Product, "SKU-1") == product("Sku-1")
        assert uow.find(Lead, "L-0002") is None


def test_get_of_an_unknown_number_raises_not_found_naming_type_and_number(
    backend: Backend,
) -> None:
    with backend.reading() as uow, pytest.raises(NotFound, match="lead L-0042 not found"):
        uow.get(Lead, "L-0042")


def test_a_number_typed_short_is_written_out(backend: Backend) -> None:
    with backend.writing() as uow:
        lead = add_lead(uow)
    with backend.reading() as uow:
        uow.today = lambda: TODAY
        assert uow.full_number(Lead, "1") == "L-0001"
        assert uow.full_number(Lead, "L-0007") == "L-0007"
        assert uow.full_number(Product, "12") == "12"  # products have no number series
        assert uow.get(Lead, "1") == lead


def test_a_unit_of_work_sees_its_own_changes_before_they_are_committed(
    backend: Backend,
) -> None:
    with backend.writing() as uow:
        lead = add_lead(uow)
        assert uow.find(Lead, lead.number) == lead
        changed = lead.model_copy(update={"company": "Renamed"})
        uow.put(changed)
        assert uow.get(Lead, lead.number).company == "Renamed"
        assert uow.count(Lead) == 1
        uow.remove(changed)
        assert uow.find(Lead, lead.number) is None
        assert uow.count(Lead) == 0


# -- changes -------------------------------------------------------------------------------------


def test_put_replaces_a_record_by_its_key_in_any_case(backend: Backend) -> None:
    with backend.writing() as uow:
        add_lead(uow, company="Old")
    with backend.writing() as uow:
        lead = uow.get(Lead, "L-0001")
        uow.put(lead.model_copy(update={"number": "l-0001", "company": "New"}))
    with backend.reading() as uow:
        assert [lead.company for lead in uow.all(Lead)] == ["New"]


def test_remove_deletes_a_stored_record(backend: Backend) -> None:
    with backend.writing() as uow:
        first, second = add_lead(uow), add_lead(uow)
    with backend.writing() as uow:
        uow.remove(uow.get(Lead, first.number))
    with backend.reading() as uow:
        assert numbers(uow.all(Lead)) == [second.number]
        assert uow.count(Lead) == 1


def test_records_added_in_stored_form_are_there_after_the_commit(backend: Backend) -> None:
    with backend.writing() as uow:
        stored = []
        for n in uow.next_numbers("L", 3):
            lead = Lead(number=f"L-{n:04d}", company=f"Bulk {n}", created_on=TODAY)
            stored.append(lead.stored())
        uow.add_stored(Lead, stored)
    with backend.reading() as uow:
        assert [lead.company for lead in uow.all(Lead)] == ["Bulk 1", "Bulk 2", "Bulk 3"]
        assert uow.get(Lead, "L-0002").company == "Bulk 2"


def bulk(*numbers: int) -> list[Stored]:
    return [
        Lead(number=f"L-{n:04d}", company=f"Bulk {n}", created_on=TODAY).stored() for n in numbers
    ]


def test_records_added_in_pieces_are_there_in_the_order_given(backend: Backend) -> None:
    with backend.writing() as uow:
        uow.next_numbers("L", 4)
        with uow.adding(Lead) as add:
            add(bulk(3, 1))
            add([])
            add(bulk(4))
            add(bulk(2))
    with backend.reading() as uow:
        assert [lead.number for lead in uow.all(Lead)] == ["L-0003", "L-0001", "L-0004", "L-0002"]
        assert uow.get(Lead, "L-0004").company == "Bulk 4"


def test_an_error_while_adding_in_pieces_keeps_none_of_them(backend: Backend) -> None:
    with pytest.raises(ValueError), backend.writing() as uow:
        uow.next_numbers("L", 2)
        with uow.adding(Lead) as add:
            add(bulk(1))
            raise ValueError("the import stopped")
    with backend.writing() as uow:
        assert uow.count(Lead) == 0
        with uow.adding(Lead) as add:
            pass  # nothing added: nothing to keep
    with backend.reading() as uow:
        assert uow.count(Lead) == 0
        assert uow.counter("L") == 0


def test_events_come_back_in_recorded_order_all_or_those_of_some_numbers(
    backend: Backend,
) -> None:
    with backend.writing() as uow:
        uow.add_events([created("L-0001"), created("ACC-0001")])
        uow.add_events([created("l-0002")])
        assert [e.number for e in uow.events()] == ["L-0001", "ACC-0001", "l-0002"]
    with backend.reading() as uow:
        events = uow.events()
        assert all(isinstance(e, Event) for e in events)
        assert [e.number for e in events] == ["L-0001", "ACC-0001", "l-0002"]
        assert [e.number for e in uow.events({"l-0001", "L-0002"})] == ["L-0001", "l-0002"]
        assert uow.events(set()) == []


# -- numbers and settings ------------------------------------------------------------------------


def test_numbers_are_handed_out_gapless_per_series_and_never_again(backend: Backend) -> None:
    with backend.writing() as uow:
        assert uow.next_numbers("L", 3) == [1, 2, 3]
        assert uow.next_numbers("L") == [4]
        assert uow.next_numbers("INV-2026", 2) == [1, 2]
        assert uow.counter("L") == 4
    with backend.writing() as uow:
        assert uow.next_numbers("L") == [5]
        uow.remove(Lead(number="L-0005", company="X", created_on=TODAY))
    with backend.reading() as uow:
        assert uow.counter("L") == 5
        assert uow.counter("INV-2026") == 2
        assert uow.counter("QUO") == 0


def test_settings_are_stored_and_replaced_by_name(backend: Backend) -> None:
    with backend.writing() as uow:
        uow.set_config({"company": "Seller BV", "payment_terms": 30})
        uow.set_config({"payment_terms": 14})
    with backend.reading() as uow:
        config = uow.config()
        assert config["company"] == "Seller BV"
        assert config["payment_terms"] == 14
        config["company"] = "changed by the caller"
        assert uow.config()["company"] == "Seller BV"


# -- savepoints ----------------------------------------------------------------------------------


def test_a_rollback_forgets_every_change_since_its_savepoint(backend: Backend) -> None:
    with backend.writing() as uow:
        kept = add_lead(uow, company="Kept")
        mark = uow.savepoint()
        add_lead(uow, company="Gone")
        uow.put(kept.model_copy(update={"company": "Changed"}))
        uow.set_config({"company": "Gone BV"})
        uow.rollback(mark)
        assert numbers(uow.all(Lead)) == [kept.number]
        assert uow.get(Lead, kept.number).company == "Kept"
        assert uow.counter("L") == 1
        assert [e.number for e in uow.events()] == [kept.number]
        assert "company" not in uow.config()
        again = add_lead(uow, company="Next")
    assert again.number == "L-0002"  # the number rolled back is handed out again
    with backend.reading() as uow:
        assert [lead.company for lead in uow.all(Lead)] == ["Kept", "Next"]


def test_savepoints_are_a_stack(backend: Backend) -> None:
    with backend.writing() as uow:
        outer = uow.savepoint()
        add_lead(uow, company="One")
        inner = uow.savepoint()
        add_lead(uow, company="Two")
        uow.rollback(inner)
        assert [lead.company for lead in uow.all(Lead)] == ["One"]
        uow.rollback(outer)
        assert uow.all(Lead) == []
        assert uow.counter("L") == 0


# -- named queries -------------------------------------------------------------------------------


def test_all_with_a_match_compares_text_without_case(backend: Backend) -> None:
    with backend.writing() as uow:
        add_lead(uow, company="Globex", city="Paris")
        add_lead(uow, company="Initech", city="paris")
        add_lead(uow, company="Hooli", city="Berlin")
    with backend.reading() as uow:
        assert numbers(uow.all(Lead, Match.where(city="PARIS"))) == ["L-0001", "L-0002"]
        assert numbers(uow.all(Lead, Match.where(city="Paris", company="hooli"))) == []
        assert numbers(uow.all(Lead)) == ["L-0001", "L-0002", "L-0003"]
        assert numbers(uow.all(Lead, Match())) == ["L-0001", "L-0002", "L-0003"]


def test_a_match_with_several_values_wants_any_of_them(backend: Backend) -> None:
    with backend.writing() as uow:
        for city in ("Paris", "Berlin", "Rome"):
            add_lead(uow, city=city)
    with backend.reading() as uow:
        wanted = Match.where(city=("rome", "PARIS"))
        assert numbers(uow.all(Lead, wanted)) == ["L-0001", "L-0003"]
        assert uow.count(Lead, wanted) == 2
        assert uow.count(Lead, Match.where(city=())) == 0


def test_a_match_default_stands_for_a_field_a_record_leaves_empty(backend: Backend) -> None:
    with backend.writing() as uow:
        add_lead(uow, city="Paris")
        add_lead(uow)  # no city
    with backend.reading() as uow:
        somewhere = Match.where(city="nowhere", defaults={"city": "nowhere"})
        assert numbers(uow.all(Lead, somewhere)) == ["L-0002"]
        assert numbers(uow.all(Lead, Match.where(city=("paris", "nowhere")))) == ["L-0001"]


def test_all_and_count_include_the_unit_of_works_own_changes(backend: Backend) -> None:
    with backend.writing() as uow:
        add_lead(uow, city="Paris")
        add_lead(uow, city="Rome")
    with backend.writing() as uow:
        first = uow.get(Lead, "L-0001")
        uow.put(first.model_copy(update={"city": "Rome"}))
        add_lead(uow, city="Rome")
        in_rome = Match.where(city="rome")
        assert numbers(uow.all(Lead, in_rome)) == ["L-0001", "L-0002", "L-0003"]
        assert uow.count(Lead, in_rome) == 3
        assert uow.count(Lead) == 3
        uow.remove(uow.get(Lead, "L-0002"))
        assert uow.count(Lead) == 2
        assert numbers(uow.all(Lead, in_rome)) == ["L-0001", "L-0003"]


def test_list_records_filters_as_a_list_command_asks(backend: Backend) -> None:
    with backend.writing() as uow:
        add_lead(uow, company="Globex", source="fair")
        add_lead(uow, company="Initech", source="web")
        add_lead(uow, company="Globex Two", source="web")
    with backend.reading() as uow:
        everyone = uow.list_records(Lead, Listing(ListQuery(), LEADS))
        assert numbers(everyone) == ["L-0001", "L-0002", "L-0003"]
        found = uow.list_records(Lead, Listing(ListQuery(search="globex"), LEADS))
        assert numbers(found) == ["L-0001", "L-0003"]
        from_web = uow.list_records(Lead, Listing(ListQuery(source="web"), LEADS))
        assert numbers(from_web) == ["L-0002", "L-0003"]


def test_records_are_found_by_owner_in_any_case(backend: Backend) -> None:
    with backend.writing() as uow:
        for owner in ("Ann", "bob", None):
            lead = add_lead(uow)
            uow.put(lead.model_copy(update={"owner": owner}))
    with backend.reading() as uow:
        assert numbers(uow.all(Lead, Match.where(owner="ANN"))) == ["L-0001"]
        assert uow.count(Lead, Match.where(owner=("ann", "BOB"))) == 2
        anns = Listing(ListQuery(owner="ann"), LEADS)
        assert anns.where == Match.where(owner="ann")
        assert numbers(uow.list_records(Lead, anns)) == ["L-0001"]
        assert numbers(list(uow.arranged(Lead, anns))) == ["L-0001"]
        assert list(uow.values(Lead, ("number", "owner"))) == [
            ("L-0001", "Ann"),
            ("L-0002", "bob"),
            ("L-0003", None),
        ]


def test_who_names_a_user_and_events_added_name_the_seller(backend: Backend) -> None:
    with backend.writing() as uow:
        assert isinstance(uow.who(), str)
        assert uow.who() == uow.who()
        uow.add_events([created("L-0001")])
        uow.seller = "Ann"
        uow.add_events([created("L-0002"), created("L-0003").model_copy(update={"by": "bob"})])
    with backend.reading() as uow:
        assert [(e.number, e.by) for e in uow.events()] == [
            ("L-0001", None),
            ("L-0002", "Ann"),
            ("L-0003", "bob"),
        ]


def test_the_file_backend_knows_the_login_name(tmp_path: Path) -> None:
    from salesflow.store import Store

    with Store(tmp_path / "sales.json").reading() as uow:
        assert uow.who() == getpass.getuser()


def test_revisions_and_quotes_of_an_opportunity(backend: Backend) -> None:
    with backend.writing() as uow:
        account = add_account(uow)
        deal, other = add_opportunity(uow, account), add_opportunity(uow, account, "Other")
        first = add_quote(uow, deal)
        uow.put(first.model_copy(update={"revision": 2}))
        add_quote(uow, other)
        third = add_quote(uow, deal)
    with backend.reading() as uow:
        revisions = uow.revisions("quo-0001")
        assert [q.key for q in revisions] == ["QUO-0001#1", "QUO-0001#2"]
        assert all(isinstance(q, Quote) for q in revisions)
        quotes = uow.quotes_of(deal.number.lower())
        assert [q.key for q in quotes] == ["QUO-0001#1", "QUO-0001#2", f"{third.number}#1"]
        assert uow.find(Quote, "QUO-0001#2") is not None
        assert uow.revisions("QUO-0099") == []


def test_index_by_gives_the_first_record_per_key(backend: Backend) -> None:
    with backend.writing() as uow:
        add_lead(uow, email="ada@example.com")
        add_lead(uow, email="ADA@example.com")
        add_lead(uow, email="bob@example.com")
        add_lead(uow)  # no email: no key
    with backend.reading() as uow:
        by_email = uow.index_by(Lead, "email", lambda v: str(v or "").lower())
        assert sorted(by_email) == ["ada@example.com", "bob@example.com"]
        assert by_email["ada@example.com"].number == "L-0001"
        assert by_email["bob@example.com"].number == "L-0003"
        assert len(by_email) == 2


def test_group_by_gives_every_record_per_key(backend: Backend) -> None:
    with backend.writing() as uow:
        add_lead(uow, city="Paris")
        add_lead(uow, city="Rome")
        add_lead(uow, city="paris")
    with backend.reading() as uow:
        by_city = uow.group_by(Lead, "city", lambda v: str(v or "").lower())
        assert numbers(by_city("paris")) == ["L-0001", "L-0003"]
        assert numbers(by_city("rome")) == ["L-0002"]
        assert by_city("oslo") == []


def test_emails_and_names_gives_contacts_then_leads(backend: Backend) -> None:
    from salesflow.models import Contact

    with backend.writing() as uow:
        add_lead(uow, email="ada@example.com", first_name="Ada", last_name="L", company="AE")
        uow.put(
            Contact(number="CON-0001", email="bob@example.com", last_name="B", created_on=TODAY)
        )
    with backend.reading() as uow:
        assert list(uow.emails_and_names()) == [
            ("contact", "CON-0001", "bob@example.com", None, "B", None),
            ("lead", "L-0001", "ada@example.com", "Ada", "L", "AE"),
        ]


def test_stored_gives_each_record_in_its_stored_form(backend: Backend) -> None:
    with backend.writing() as uow:
        lead = add_lead(uow, company="Globex")
        uow.put(product("SKU-1"))
    with backend.reading() as uow:
        assert [dict(doc) for doc in uow.stored(Lead)] == [lead.stored()]
        assert [doc["sku"] for doc in uow.stored(Product)] == ["SKU-1"]
        assert list(uow.stored(Opportunity)) == []


# -- the agenda index ------------------------------------------------------------------------------


def _activity(uow: UnitOfWork, regarding: str, **fields: object) -> Activity:
    given: dict[str, object] = {
        "number": number(uow, "ACT"),
        "kind": ActivityKind.TASK,
        "subject": "Ring back",
        "regarding": regarding,
        "created_on": TODAY - timedelta(days=20),
    }
    found = Activity(**(given | fields))  # type: ignore[arg-type]
    uow.put(found)
    return found


def test_the_agenda_index_holds_what_is_open_and_when_each_lead_was_touched(
    backend: Backend,
) -> None:
    with backend.writing() as uow:
        lead = add_lead(uow, company="Globex")
        opportunity = add_opportunity(uow, add_account(uow, "Initech"), name="Ovens")
        uow.put(opportunity.model_copy(update={"close_date": TODAY}))
        due = _activity(uow, lead.number, due=TODAY, at=time(9, 30))
        _activity(
            uow,
            lead.number,
            due=TODAY,
            status=ActivityStatus.DONE,
            completed_on=TODAY - timedelta(days=2),
        )
        _activity(uow, opportunity.number, kind=ActivityKind.NOTE)
        seen_in_the_unit = uow.agenda_index()
    with backend.reading() as uow:
        index = uow.agenda_index()
    assert seen_in_the_unit.normalized() == index.normalized()
    assert index.due == [Due(due.number, "task", TODAY, time(9, 30), lead.number, "Ring back")]
    assert index.touched == {(TODAY - timedelta(days=2)).isoformat(): [lead.number.upper()]}
    assert [(d.kind, d.number, d.day, d.account, d.name) for d in index.deals] == [
        ("opportunity", opportunity.number, TODAY, "ACC-0001", "Ovens")
    ]
    assert index.parties == {opportunity.number.upper(): ("ACC-0001", "Ovens")}
    assert {key: lead_fields(entry) for key, entry in index.leads.items()} == {
        lead.number.upper(): [TODAY.isoformat(), None, None, "Globex", None, lead.owner]
    }
    assert index.accounts == {"ACC-0001": ["Initech"]}


def test_the_agenda_index_holds_every_leads_entry_and_follows_their_changes(
    backend: Backend,
) -> None:
    with backend.writing() as uow:
        first = add_lead(uow, company="Globex", first_name="Ada")
        second = add_lead(uow, company="Initech")
    with backend.writing() as uow:
        uow.put(second.model_copy(update={"status": LeadStatus.QUALIFIED, "owner": "grace"}))
        uow.put(
            first.model_copy(
                update={"company": "Globex Europe", "estimated_value": Decimal("12.50")}
            )
        )
        seen_in_the_unit = uow.agenda_index()
    with backend.reading() as uow:
        index = uow.agenda_index()
    assert seen_in_the_unit.normalized() == index.normalized()
    assert {key: lead_fields(entry) for key, entry in index.leads.items()} == {
        first.number.upper(): [
            TODAY.isoformat(),
            "Ada",
            None,
            "Globex Europe",
            "12.50",
            first.owner,
        ],
        second.number.upper(): [None, None, None, "Initech"],
    }


def test_the_agenda_index_follows_a_unit_of_works_changes(backend: Backend) -> None:
    with backend.writing() as uow:
        lead = add_lead(uow, company="Globex")
        task = _activity(uow, lead.number, due=TODAY)
    with backend.writing() as uow:
        uow.put(task.model_copy(update={"status": ActivityStatus.CANCELED}))
        assert uow.agenda_index().due == []
    with backend.reading() as uow:
        assert uow.agenda_index().due == []
        assert uow.agenda_index().touched == {task.created_on.isoformat(): [lead.number.upper()]}
