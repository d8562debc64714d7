"""The use cases of opportunities, quotes, orders, invoices and their documents, run over a
data file (`Store(path).writing()`) the way the CLI runs them, without the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from salesflow.errors import InvalidValue, NotFound, Refused
from salesflow.models import Account, Activity, Contact, Invoice, Lead, Opportunity, Product, Quote
from salesflow.pipeline import listing
from salesflow.pipeline.lines import LineSpec
from salesflow.pipeline.opportunities import OpportunityFields
from salesflow.services import activities, documents, invoices, opportunities, orders, quotes
from salesflow.store import Store
from salesflow.store.contract import UnitOfWork
from tests.conftest import NOW, TODAY


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A data file with a seller, an account (Acme), a contact, a lead and a product."""
    store = Store(tmp_path / "sales.json")
    with store.writing() as uow:
        uow.set_config({"company": "Seller BV", "country": "NL", "tax_rate": "21"})
        uow.put(
            Account(number="ACC-0001", name="Acme Trading", country="NL", created_on=TODAY),
            Account(number="ACC-0002", name="Globex", created_on=TODAY),
            Contact(
                number="CON-0001",
                first_name="Anna",
                last_name="Müller",
                email="anna@acme.example",
                account="ACC-0001",
                language="de",
                created_on=TODAY,
            ),
            Lead(number="L-0001", company="Acme Trading", source="fair", created_on=TODAY),
            Product(
                sku="CONSULT",
                name="Consulting day",
                price=Decimal("1000"),
                tax_rate=Decimal("21"),
                description="A day of senior consulting",
                created_on=TODAY,
            ),
        )
    yield store


def deal(uow: UnitOfWork, account: str = "acme", quantity: str = "2") -> Opportunity:
    """An opportunity with one catalog line."""
    opportunity = opportunities.add(
        uow,
        OpportunityFields(name="Fleet renewal"),
        account=account,
        contact="con-0001",
        today=TODAY,
        now=NOW,
    )
    return opportunities.add_product(
        uow, opportunity.number, LineSpec(quantity=quantity, sku="consult"), now=NOW
    )


def active_quote(uow: UnitOfWork, opportunity: str) -> Quote:
    created = quotes.create(uow, opportunity, valid_until=None, today=TODAY, now=NOW)
    return quotes.activator(uow, today=TODAY, now=NOW)(created.quote.number)


def test_an_opportunity_is_added_for_an_account_named_by_part_of_its_name(store: Store) -> None:
    with store.writing() as uow:
        opportunity = deal(uow)
    with store.reading() as uow:
        stored = uow.get(Opportunity, opportunity.number)
    assert (stored.number, stored.account, stored.contact) == ("OPP-0001", "ACC-0001", "CON-0001")
    assert stored.subtotal == Decimal("2000.00")


def test_an_unknown_contact_refuses_the_opportunity_and_nothing_is_written(store: Store) -> None:
    with pytest.raises(NotFound, match="CON-0009"), store.writing() as uow:
        opportunities.add(
            uow,
            OpportunityFields(name="Deal"),
            account="ACC-0001",
            contact="CON-0009",
            today=TODAY,
            now=NOW,
        )
    with store.reading() as uow:
        assert uow.count(Opportunity) == 0
        assert uow.counter("OPP") == 0


def test_a_quote_goes_to_cash_and_every_record_is_stored(store: Store) -> None:
    with store.writing() as uow:
        quote = active_quote(uow, deal(uow).number)
        accepted = quotes.accept(uow, "1", today=TODAY, now=NOW)
        fulfilled = orders.fulfiller(uow, invoice_date=TODAY, now=NOW)(accepted.order.number)
        paid = invoices.payer(uow, amount="500", paid_on=TODAY, now=NOW)(fulfilled.invoice.number)
    assert quote.number == "QUO-0001"
    assert paid.number == "INV-2026-0001"
    with store.reading() as uow:
        assert uow.get(Quote, "QUO-0001#1").status == "won"
        assert uow.get(Opportunity, "OPP-0001").status == "won"
        invoice = uow.get(Invoice, "INV-2026-0001")
        assert (invoice.status, invoice.balance) == ("partially-paid", Decimal("1920.00"))
        assert orders.get(uow, "ORD-0001").invoice == "INV-2026-0001"
        kinds = [e.kind for e in uow.events({"QUO-0001", "ORD-0001", "INV-2026-0001"})]
    assert kinds.count("payment") == 1


def test_accepting_a_quote_closes_the_other_open_quotes_of_its_opportunity(store: Store) -> None:
    with store.writing() as uow:
        opportunity = deal(uow)
        first = active_quote(uow, opportunity.number)
        second = quotes.create(uow, opportunity.number, valid_until=None, today=TODAY, now=NOW)
        accepted = quotes.accept(uow, first.number, today=TODAY, now=NOW)
    assert [q.number for q in accepted.closed] == [second.quote.number]
    with store.reading() as uow:
        assert uow.get(Quote, f"{second.quote.number}#1").status == "closed"


def test_a_quote_is_loaded_by_revision_and_a_missing_revision_names_the_ones_it_has(
    store: Store,
) -> None:
    with store.writing() as uow:
        active_quote(uow, deal(uow).number)
        draft = quotes.revise(uow, "QUO-0001", today=TODAY, now=NOW)
    assert draft.revision == 2
    with store.reading() as uow:
        shown = quotes.show(uow, "quo-0001")
        first = quotes.load(uow, "QUO-0001", 1)
        with pytest.raises(NotFound, match="its revisions are 1, 2"):
            quotes.load(uow, "QUO-0001", 3)
    assert (shown.quote.revision, shown.revisions, first.status) == (2, [1, 2], "closed")


def test_the_quote_list_filters_the_latest_revision_only(store: Store) -> None:
    with store.writing() as uow:
        active_quote(uow, deal(uow).number)
        quotes.revise(uow, "QUO-0001", today=TODAY, now=NOW)
        quotes.create(
            uow, deal(uow, account="ACC-0002").number, valid_until=None, today=TODAY, now=NOW
        )
    closed = listing.list_query(listing.QUOTES, status="closed")
    drafts = listing.list_query(listing.QUOTES, status="draft")
    with store.reading() as uow:
        assert quotes.listed(uow, closed).records == []
        latest = quotes.listed(uow, drafts)
        every = quotes.listed(uow, closed, all_revisions=True)
        names = [latest.customer(q) for q in latest.records]
        of_one = quotes.listed(uow, drafts, opportunity="OPP-0002")
    assert [(q.number, q.revision) for q in latest.records] == [("QUO-0001", 2), ("QUO-0002", 1)]
    assert [(q.number, q.revision) for q in every.records] == [("QUO-0001", 1)]
    assert names == ["Acme Trading", "Globex"]
    assert [q.number for q in of_one.records] == ["QUO-0002"]


def test_the_quote_list_searches_the_contact_and_finds_the_source_on_the_lead(
    store: Store,
) -> None:
    with store.writing() as uow:
        opportunity = deal(uow)
        uow.put(opportunity.model_copy(update={"lead": "L-0001"}))
        quotes.create(uow, opportunity.number, valid_until=None, today=TODAY, now=NOW)
        quotes.create(
            uow, deal(uow, account="ACC-0002").number, valid_until=None, today=TODAY, now=NOW
        )
    with store.reading() as uow:
        by_person = quotes.listed(uow, listing.list_query(listing.QUOTES, search="muller"))
        by_source = quotes.listed(uow, listing.list_query(listing.QUOTES, source="Fair"))
        by_account = quotes.listed(uow, listing.list_query(listing.QUOTES, search="globex"))
        with pytest.raises(NotFound):
            quotes.listed(uow, listing.list_query(listing.QUOTES), opportunity="OPP-0009")
    # both quotes' contact is Anna Müller; only the first deal came from the fair
    assert [q.number for q in by_person.records] == ["QUO-0001", "QUO-0002"]
    assert [q.number for q in by_source.records] == ["QUO-0001"]
    assert [q.number for q in by_account.records] == ["QUO-0002"]


def test_an_overdue_invoice_lists_under_overdue_and_under_its_stored_status(
    store: Store,
) -> None:
    with store.writing() as uow:
        accepted = quotes.accept(
            uow, active_quote(uow, deal(uow).number).number, today=TODAY, now=NOW
        )
        orders.fulfiller(uow, invoice_date=TODAY, now=NOW)(accepted.order.number)
    overdue = listing.list_query(listing.INVOICES, status="overdue")
    unpaid = listing.list_query(listing.INVOICES, status="unpaid")
    later = TODAY + timedelta(days=60)
    with store.reading() as uow:
        today_overdue = invoices.listed(uow, overdue, today=later).records
        unpaid_now = invoices.listed(uow, unpaid, today=later).records
        back_then = invoices.listed(uow, overdue, today=TODAY).records
    assert [i.number for i in today_overdue] == ["INV-2026-0001"]
    assert [i.number for i in unpaid_now] == ["INV-2026-0001"]
    assert back_then == []


def test_a_credit_note_dated_before_its_invoice_is_refused_and_nothing_is_written(
    store: Store,
) -> None:
    with store.writing() as uow:
        accepted = quotes.accept(
            uow, active_quote(uow, deal(uow).number).number, today=TODAY, now=NOW
        )
        orders.fulfiller(uow, invoice_date=TODAY, now=NOW)(accepted.order.number)
    with pytest.raises(InvalidValue, match="before the invoice date"), store.writing() as uow:
        invoices.credit(uow, "INV-2026-0001", day=TODAY - timedelta(days=1), now=NOW)
    with store.writing() as uow:
        done = invoices.credit(uow, "INV-2026-0001", amount="100", day=TODAY, now=NOW)
    assert done.credit_note.number == "CN-2026-0001"
    with store.reading() as uow:
        assert invoices.record(uow, "cn-2026-0001").number == "CN-2026-0001"
        assert uow.get(Invoice, "INV-2026-0001").balance == Decimal("2299.00")


def test_cancelling_an_invoice_makes_its_order_active_again(store: Store) -> None:
    with store.writing() as uow:
        accepted = quotes.accept(
            uow, active_quote(uow, deal(uow).number).number, today=TODAY, now=NOW
        )
        orders.fulfiller(uow, invoice_date=TODAY, now=NOW)(accepted.order.number)
        done = invoices.cancel(uow, "INV-2026-0001", today=TODAY, now=NOW)
    assert done.order is not None and done.order.status == "active"
    with store.reading() as uow:
        assert uow.get(Invoice, "INV-2026-0001").status == "canceled"


def test_a_won_opportunity_with_a_live_order_cannot_be_reopened(store: Store) -> None:
    with store.writing() as uow:
        quotes.accept(uow, active_quote(uow, deal(uow).number).number, today=TODAY, now=NOW)
    with pytest.raises(Refused, match="ORD-0001"), store.writing() as uow:
        opportunities.reopen(uow, "OPP-0001", now=NOW)
    with store.writing() as uow:
        orders.cancel(uow, "ORD-0001", today=TODAY, now=NOW)
        reopened = opportunities.reopen(uow, "OPP-0001", now=NOW)
    assert reopened.status == "open"


def test_losing_opportunities_reports_the_activities_still_open_about_each(
    store: Store,
) -> None:
    with store.writing() as uow:
        first, second = deal(uow), deal(uow, account="ACC-0002")
        task = activities.schedule(
            uow,
            "task",
            first.number,
            "Call back",
            activities.rules.Schedule(due=TODAY.isoformat()),
            today=TODAY,
            now=NOW,
        )
        lose = opportunities.loser(uow, "out-sold", competitor="Initech", today=TODAY, now=NOW)
        lost = [lose(first.number), lose(second.number)]
        closed = opportunities.still_open(uow, lost)
    assert [(c.opportunity.status, [a.number for a in c.still_open]) for c in closed] == [
        ("lost", [task.number]),
        ("lost", []),
    ]


def test_deleting_a_first_draft_moves_its_activities_to_the_opportunity(store: Store) -> None:
    with store.writing() as uow:
        opportunity = deal(uow)
        quote = quotes.create(uow, opportunity.number, valid_until=None, today=TODAY, now=NOW)
        activities.add_note(uow, quote.quote.number, "Sent by post", today=TODAY, now=NOW)
        done = quotes.delete(uow, quote.quote.number, now=NOW)
    assert [a.regarding for a in done.moved] == [opportunity.number]
    with store.reading() as uow:
        assert uow.revisions("QUO-0001") == []
        assert [a.regarding for a in uow.all(Activity)] == [opportunity.number]


def test_the_opportunity_list_searches_the_account_name_and_filters_the_stage(
    store: Store,
) -> None:
    with store.writing() as uow:
        deal(uow)
        second = deal(uow, account="ACC-0002")
        opportunities.stager(uow, "develop", now=NOW)(second.number)
    with store.reading() as uow:
        found = opportunities.listed(uow, listing.list_query(listing.OPPORTUNITIES, search="acme"))
        developing = opportunities.listed(
            uow, listing.list_query(listing.OPPORTUNITIES), stage="Develop"
        )
        with pytest.raises(InvalidValue):
            opportunities.listed(uow, listing.list_query(listing.OPPORTUNITIES), stage="sleep")
    assert [(o.number, found.customer(o)) for o in found.records] == [("OPP-0001", "Acme Trading")]
    assert [o.number for o in developing.records] == ["OPP-0002"]


def test_a_quote_document_has_the_customer_language_and_the_product_description(
    store: Store,
) -> None:
    with store.writing() as uow:
        active_quote(uow, deal(uow).number)
        quotes.revise(uow, "QUO-0001", today=TODAY, now=NOW)
    with store.reading() as uow:
        view = documents.quote_view(uow, "QUO-0001", 1, logo=False)
        english = documents.quote_view(uow, "QUO-0001", lang="en", logo=False)
    assert (view.lang, view.latest_revision, view.title) == ("de", 2, "Fleet renewal")
    assert view.descriptions == {"CONSULT": "A day of senior consulting"}
    assert view.seller.company == "Seller BV"
    assert (english.lang, english.record.revision) == ("en", 2)


def test_sending_records_the_event_and_a_draft_quote_is_refused(store: Store) -> None:
    with store.writing() as uow:
        active_quote(uow, deal(uow).number)
        quotes.revise(uow, "QUO-0001", today=TODAY, now=NOW)
    with pytest.raises(Refused, match="draft"), store.writing() as uow:
        documents.send_quote(uow, "QUO-0001", to=["a@example.com"], cc=[], now=NOW)
    with store.writing() as uow:
        quotes.activator(uow, today=TODAY, now=NOW)("QUO-0001")
        draft = documents.send_quote(uow, "QUO-0001", to=["anna@acme.example"], cc=[], now=NOW)
    assert draft.default_name == "QUO-0001-r2.eml"
    assert b"anna@acme.example" in draft.message
    with store.reading() as uow:
        sent = [e for e in uow.events({"QUO-0001"}) if e.kind == "sent"]
    assert [e.details["to"] for e in sent] == [["anna@acme.example"]]


def test_an_unreadable_logo_is_named_in_the_error(store: Store, tmp_path: Path) -> None:
    with store.writing() as uow:
        uow.set_config({"logo": str(tmp_path / "missing.png")})
        active_quote(uow, deal(uow).number)
    with store.reading() as uow:
        with pytest.raises(InvalidValue, match=r"missing\.png"):
            documents.quote_view(uow, "QUO-0001")
        assert documents.quote_view(uow, "QUO-0001", logo=False).seller.logo is None


def test_activities_about_a_record_come_in_the_order_they_were_made(store: Store) -> None:
    with store.writing() as uow:
        opportunity = deal(uow)
        first = activities.add_note(uow, "CON-0001", "Met at the fair", today=TODAY, now=NOW)
        second = activities.add_note(uow, opportunity.number, "Wants a demo", today=TODAY, now=NOW)
    with store.reading() as uow:
        about = activities.of(uow, "con-0001", opportunity.number)
    assert [a.number for a in about] == [first.number, second.number]


def test_after_deleting_a_draft_revision_the_list_shows_the_one_before(store: Store) -> None:
    with store.writing() as uow:
        active_quote(uow, deal(uow).number)
        quotes.revise(uow, "QUO-0001", today=TODAY, now=NOW)
        done = quotes.delete(uow, "QUO-0001", now=NOW)
    assert (done.quote.revision, done.moved) == (2, [])
    with store.reading() as uow:
        shown = quotes.listed(uow, listing.list_query(listing.QUOTES)).records
    assert [(q.number, q.revision, q.status) for q in shown] == [("QUO-0001", 1, "closed")]


def test_the_order_list_searches_the_account_name_and_sorts_by_total(store: Store) -> None:
    with store.writing() as uow:
        for account, quantity in (("ACC-0001", "1"), ("ACC-0002", "3"), ("ACC-0001", "2")):
            quote = active_quote(uow, deal(uow, account=account, quantity=quantity).number)
            quotes.accept(uow, quote.number, today=TODAY, now=NOW)
    query = listing.list_query(listing.ORDERS, search="TRADING", sort="-total")
    with store.reading() as uow:
        found = orders.listed(uow, query)
        names = {found.customer(o) for o in found.records}
    assert [(o.number, o.total) for o in found.records] == [
        ("ORD-0003", Decimal("2420.00")),
        ("ORD-0001", Decimal("1210.00")),
    ]
    assert names == {"Acme Trading"}
