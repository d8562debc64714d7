"""Ownership through the services, over a data file as the CLI runs them: the unit of work's
`seller` owns what a command makes and signs its events; a deal's records stay with its owner."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesflow.errors import NotFound
from salesflow.models import Event, Lead, Opportunity
from salesflow.services import invoices, leads, orders, owners, quotes
from salesflow.store import Store
from tests.conftest import NOW, TODAY
from tests.services.test_deals import active_quote, deal
from tests.services.test_deals import store as store  # the fixture


def test_a_deal_made_by_ann_stays_hers_when_bob_accepts_fulfils_and_credits(
    store: Store,
) -> None:
    with store.writing() as uow:
        uow.seller = "ann"
        quote = active_quote(uow, deal(uow).number)
    with store.writing() as uow:
        uow.seller = "bob"
        accepted = quotes.accept(uow, quote.number, today=TODAY, now=NOW)
        fulfilled = orders.fulfiller(uow, invoice_date=TODAY, now=NOW)(accepted.order.number)
        credited = invoices.credit(uow, fulfilled.invoice.number, amount="10", day=TODAY, now=NOW)
    assert (quote.owner, accepted.order.owner) == ("ann", "ann")
    assert (fulfilled.invoice.owner, credited.credit_note.owner) == ("ann", "ann")
    with store.reading() as uow:
        story = uow.events({accepted.order.number, quote.number})
    assert [(e.number, e.kind, e.by) for e in story] == [
        ("QUO-0001", "created", "ann"),
        ("QUO-0001", "activated", "ann"),
        ("QUO-0001", "accepted", "bob"),
        ("ORD-0001", "created", "bob"),
        ("ORD-0001", "fulfilled", "bob"),
    ]


def test_qualifying_bobs_lead_as_ann_gives_bob_the_opportunity(store: Store) -> None:
    with store.writing() as uow:
        uow.seller = "bob"
        added = leads.add(uow, {"company": "Initech"}, today=TODAY, now=NOW)
    with store.writing() as uow:
        uow.seller = "ann"
        request = leads.QualifyRequest()
        qualify = leads.qualifying(
            uow, request, account_number=None, currency="EUR", today=TODAY, now=NOW
        )
        result = qualify(added.number)
    with store.reading() as uow:
        assert uow.get(Opportunity, result.opportunity.number).owner == "bob"
        assert uow.get(Lead, added.number).owner == "bob"


def test_assign_stores_the_new_owner_and_its_event(store: Store) -> None:
    with store.writing() as uow:
        uow.seller = "ann"
        owners.assign(uow, Lead, "L-0001", "bob", now=NOW)
    with store.reading() as uow:
        assert uow.get(Lead, "L-0001").owner == "bob"
        assert uow.events({"L-0001"}) == [
            Event(at=NOW, number="L-0001", kind="assigned", to_state="bob", by="ann")
        ]


def test_assigning_an_unknown_record_changes_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "sales.json")
    with pytest.raises(NotFound) as refused, store.writing() as uow:
        owners.assign(uow, Lead, "L-0009", "bob", now=NOW)
    assert str(refused.value) == "lead L-0009 not found"
    assert not (tmp_path / "sales.json").exists()
