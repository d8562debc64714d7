"""The services over a real data file: customers, products, settings, reports, the deal's story
and the data file's contents, called as the CLI and `demo` call them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from salesflow.errors import NotFound, Refused
from salesflow.models import Account, Activity, ActivityKind, Contact, Lead
from salesflow.pipeline.reports import (
    Filters,
    forecast_report,
    funnel_report,
    pipeline_report,
    receivables_report,
    sales_report,
    win_rate_report,
)
from salesflow.services import customers, datafile, products, reports, settings, story
from salesflow.store import Store
from salesflow.store.contract import Match
from tests.conftest import TODAY
from tests.reports_world import World, day, world

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "services.json")


def test_a_contact_added_at_an_account_named_by_name_shows_on_the_account(store: Store) -> None:
    with store.writing() as uow:
        account = customers.add_account(uow, {"name": "Jansen Bouw"}, today=TODAY, now=NOW)
        contact = customers.add_contact(
            uow, {"last_name": "Jansen"}, account="jansen bouw", today=TODAY, now=NOW
        )
    assert (account.number, contact.number, contact.account) == ("ACC-0001", "CON-0001", "ACC-0001")
    with store.reading() as uow:
        shown = customers.show_account(uow, "acc-0001")
        names = customers.account_names(uow)
    assert [c.number for c in shown.contacts] == ["CON-0001"]
    assert all(deals == [] for deals in shown.linked.values())
    assert names(contact) == "Jansen Bouw"


def test_a_contact_edited_with_an_empty_account_leaves_it(store: Store) -> None:
    with store.writing() as uow:
        customers.add_account(uow, {"name": "Jansen Bouw"}, today=TODAY, now=NOW)
        customers.add_contact(uow, {"last_name": "Jansen"}, account="1", today=TODAY, now=NOW)
    with store.writing() as uow:
        edited = customers.edit_contact(uow, "CON-0001", {}, account=" ", now=NOW)
    assert edited.account is None
    with store.reading() as uow:
        assert customers.show_account(uow, "ACC-0001").contacts == []


def test_an_account_name_two_accounts_contain_is_refused_naming_both(store: Store) -> None:
    with store.writing() as uow:
        for name in ("Jansen Bouw", "Jansen Transport"):
            customers.add_account(uow, {"name": name}, today=TODAY, now=NOW)
    with store.reading() as uow:
        assert customers.account_number(uow, "jansen transport") == "ACC-0002"
        with pytest.raises(Refused, match="ACC-0001 Jansen Bouw, ACC-0002 Jansen Transport"):
            customers.account_number(uow, "jansen")
        with pytest.raises(NotFound, match="account ACC-0009 not found"):
            customers.account_number(uow, "ACC-0009")


def test_a_new_product_takes_the_sellers_tax_rate_and_its_sku_only_once(store: Store) -> None:
    with store.writing() as uow:
        settings.configure(uow, {"tax_rate": "21"})
        added = products.add_product(
            uow,
            "CONSULT-DAY",
            name="Consulting day",
            price="950",
            tax_rate=None,
            unit=None,
            description=None,
            today=TODAY,
            now=NOW,
        )
    assert str(added.tax_rate) == "21"
    with store.writing() as uow, pytest.raises(Exception, match="already exists"):
        products.add_product(
            uow,
            "consult-day",
            name="Again",
            price="1",
            tax_rate=None,
            unit=None,
            description=None,
            today=TODAY,
            now=NOW,
        )
    with store.reading() as uow:
        assert products.show_product(uow, "consult-day").name == "Consulting day"


def test_the_currency_changes_only_while_no_record_holds_money(store: Store) -> None:
    with store.writing() as uow:
        settings.configure(uow, {"currency": "USD"})
        uow.put(
            Lead(number="L-0001", company="Acme", created_on=TODAY, estimated_value=Decimal("10"))
        )
    with store.writing() as uow, pytest.raises(Refused, match="1 leads with a value"):
        settings.configure(uow, {"currency": "EUR"})
    with store.reading() as uow:
        assert settings.settings(uow).currency == "USD"


@pytest.fixture
def known(store: Store) -> World:
    w = world()
    with store.writing() as uow:
        uow.put(*w.records())
    return w


FILTERS = [
    Filters(),
    Filters(start=day("2026-10-01")),
    Filters(end=day("2026-10-31")),
    Filters(start=day("2026-09-02"), end=day("2026-11-01"), source="web"),
    Filters(source=" BEURS 2026 "),
]


@pytest.mark.parametrize("filters", FILTERS)
def test_each_report_counts_what_the_report_counts_over_every_record(
    store: Store, known: World, filters: Filters
) -> None:
    """The services' queries only leave out records their report would not count."""
    w = known
    with store.reading() as uow:
        assert (
            reports.pipeline(uow, filters).as_dict()
            == pipeline_report(w.opportunities, filters=filters).as_dict()
        )
        assert (
            reports.forecast(uow, Filters(source=filters.source), months=3, today=TODAY).as_dict()
            == forecast_report(
                w.opportunities, today=TODAY, months=3, filters=Filters(source=filters.source)
            ).as_dict()
        )
        assert (
            reports.funnel(uow, filters, by_source=True).as_dict()
            == funnel_report(
                w.leads, w.opportunities, w.quotes, w.invoices, filters=filters, by_source=True
            ).as_dict()
        )
        assert (
            reports.win_rate(uow, filters).as_dict()
            == win_rate_report(w.opportunities, w.leads, filters=filters).as_dict()
        )
        for as_of in (None, day("2026-10-20")):
            assert (
                reports.receivables(uow, filters, as_of=as_of, today=TODAY).as_dict()
                == receivables_report(
                    w.invoices,
                    w.accounts,
                    w.opportunities,
                    as_of=as_of or TODAY,
                    filters=filters,
                ).as_dict()
            )
        assert (
            reports.sales(uow, filters, today=TODAY).as_dict()
            == sales_report(w.invoices, w.opportunities, today=TODAY, filters=filters).as_dict()
        )


def test_the_activity_report_counts_only_activities_done(store: Store) -> None:
    done = {"status": "done", "completed_on": date(2026, 11, 2)}
    with store.writing() as uow:
        uow.put(
            Activity(
                number="ACT-0001",
                kind=ActivityKind.CALL,
                subject="Called",
                regarding="L-0001",
                created_on=date(2026, 11, 1),
                **done,  # type: ignore[arg-type]
            ),
            Activity(
                number="ACT-0002",
                kind=ActivityKind.CALL,
                subject="To call",
                regarding="L-0001",
                created_on=date(2026, 11, 1),
            ),
        )
    with store.reading() as uow:
        report = reports.activity(uow, Filters(), by="month")
    assert report.total.total == 1


def test_a_deals_story_runs_from_its_lead_to_its_invoices(store: Store, known: World) -> None:
    with store.reading() as uow:
        told = story.deal_story(uow, "opp-0001")
        with pytest.raises(NotFound, match="record L-9999 not found"):
            story.deal_story(uow, "L-9999")
    assert told.number == "OPP-0001"
    assert {"L-0001", "OPP-0001", "ACC-0001"} <= told.chain
    assert not {"L-0002", "OPP-0002"} & told.chain


def test_the_contents_count_every_record_type_and_the_events(store: Store, known: World) -> None:
    with store.writing() as uow:
        customers.add_contact(uow, {"last_name": "Jansen"}, account=None, today=TODAY, now=NOW)
    with store.reading() as uow:
        held = datafile.contents(uow)
        found = datafile.check(uow)
    assert held.counts["leads"] == len(known.leads)
    assert held.counts["contacts"] == 1
    assert held.counts["events"] == 1
    assert list(held.counts)[:3] == ["leads", "accounts", "contacts"]
    assert found.schema == held.schema
    assert all(p.check != "schema" for p in found.problems)


def test_a_contact_added_without_an_account_number_in_use_is_not_found(store: Store) -> None:
    with store.writing() as uow, pytest.raises(NotFound):
        customers.add_contact(uow, {"last_name": "X"}, account="ACC-0042", today=TODAY, now=NOW)
    with store.reading() as uow:
        assert uow.count(Contact) == uow.count(Account) == 0


def test_values_are_read_as_stored_and_see_the_unit_of_works_own_changes(store: Store) -> None:
    with store.writing() as uow:
        customers.add_account(uow, {"name": "Jansen Bouw"}, today=TODAY, now=NOW)
    with store.writing() as uow:
        assert list(uow.values(Account, ("number", "name", "city"))) == [
            ("ACC-0001", "Jansen Bouw", None)
        ]
        customers.edit_account(uow, "ACC-0001", {"city": "Utrecht"}, now=NOW)
        customers.add_account(uow, {"name": "Fjord AS"}, today=TODAY, now=NOW)
        assert list(uow.values(Account, ("number", "city"), Match.where(city="utrecht"))) == [
            ("ACC-0001", "Utrecht")
        ]
        assert next(uow.values(Account, ("created_on",))) == (TODAY.isoformat(),)
        assert uow.event_count() == 3  # one stored, two of this unit of work
