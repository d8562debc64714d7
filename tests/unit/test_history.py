"""History: which numbers belong to a customer's story, and the story in time order."""

from __future__ import annotations

from datetime import timedelta

import pytest

from salesflow.models import (
    Account,
    Contact,
    Invoice,
    Lead,
    Opportunity,
    Order,
    Quote,
    Record,
)
from salesflow.pipeline.fields import event
from salesflow.pipeline.history import chain_numbers, story
from tests.conftest import NOW, TODAY

ADA_DEAL = {"L-0001", "ACC-0001", "CON-0001", "OPP-0001", "QUO-0001", "ORD-0001", "INV-2026-0001"}
GRACE_DEAL = {"L-0002", "ACC-0001", "CON-0002", "OPP-0002"}


@pytest.fixture
def records() -> list[Record]:
    """Two deals of one account (Ada's up to an invoice), an open lead, a customer without deals."""

    def lead(number: str, **links: str) -> Lead:
        return Lead(number=number, company="Analytical", created_on=TODAY, **links)

    return [
        lead("L-0001", account="ACC-0001", contact="CON-0001", opportunity="OPP-0001"),
        lead("L-0002", account="ACC-0001", contact="CON-0002", opportunity="OPP-0002"),
        lead("L-0003"),
        Account(number="ACC-0001", name="Analytical", primary_contact="CON-0001", created_on=TODAY),
        Account(number="ACC-0002", name="Quiet Ltd", created_on=TODAY),
        Contact(number="CON-0001", last_name="Lovelace", account="ACC-0001", created_on=TODAY),
        Contact(number="CON-0002", last_name="Hopper", account="ACC-0001", created_on=TODAY),
        Contact(number="CON-0003", last_name="Silent", account="ACC-0002", created_on=TODAY),
        Opportunity(
            number="OPP-0001",
            name="Engines",
            account="ACC-0001",
            contact="CON-0001",
            lead="L-0001",
            created_on=TODAY,
        ),
        Opportunity(
            number="OPP-0002",
            name="Compilers",
            account="ACC-0001",
            contact="CON-0002",
            lead="L-0002",
            created_on=TODAY,
        ),
        Quote(
            number="QUO-0001",
            opportunity="OPP-0001",
            account="ACC-0001",
            contact="CON-0001",
            valid_until=TODAY,
            created_on=TODAY,
            order="ORD-0001",
        ),
        Order(
            number="ORD-0001",
            quote="QUO-0001",
            quote_revision=1,
            opportunity="OPP-0001",
            account="ACC-0001",
            created_on=TODAY,
            invoice="INV-2026-0001",
        ),
        Invoice(
            number="INV-2026-0001",
            order="ORD-0001",
            opportunity="OPP-0001",
            account="ACC-0001",
            invoice_date=TODAY,
            due_date=TODAY,
            payment_terms=30,
        ),
    ]


@pytest.mark.parametrize(
    "start", ["L-0001", "OPP-0001", "QUO-0001", "ORD-0001", "INV-2026-0001", "l-0001"]
)
def test_from_any_number_of_a_deal_the_chain_is_that_deal(
    records: list[Record], start: str
) -> None:
    assert chain_numbers(start, records) == ADA_DEAL


def test_a_number_is_found_in_any_case(records: list[Record]) -> None:
    assert chain_numbers("opp-0002", records) == GRACE_DEAL


def test_from_an_account_the_chain_is_every_deal_of_that_customer(records: list[Record]) -> None:
    assert chain_numbers("ACC-0001", records) == ADA_DEAL | GRACE_DEAL


def test_from_a_contact_the_chain_is_the_deals_of_that_person(records: list[Record]) -> None:
    assert chain_numbers("CON-0002", records) == GRACE_DEAL


def test_an_open_lead_is_a_chain_of_its_own(records: list[Record]) -> None:
    assert chain_numbers("L-0003", records) == {"L-0003"}


def test_a_customer_without_deals_is_a_chain_with_its_links(records: list[Record]) -> None:
    assert chain_numbers("ACC-0002", records) == {"ACC-0002"}
    assert chain_numbers("CON-0003", records) == {"CON-0003", "ACC-0002"}


def test_an_unknown_number_has_no_chain(records: list[Record]) -> None:
    assert chain_numbers("OPP-0404", records) == set()


def test_a_story_is_in_time_order_keeping_the_recorded_order_of_a_moment() -> None:
    later = NOW + timedelta(minutes=5)
    events = [
        event(later, "OPP-0001", "won", "open", "won"),
        event(NOW, "L-0001", "qualified", "open", "qualified"),
        event(NOW, "OPP-0001", "created", None, "open"),
        event(NOW - timedelta(days=1), "L-0001", "created", None, "open"),
    ]
    assert [(e.number, e.kind) for e in story(events)] == [
        ("L-0001", "created"),
        ("L-0001", "qualified"),
        ("OPP-0001", "created"),
        ("OPP-0001", "won"),
    ]
