"""Ownership in the pure core: who owns what a command makes, assigning, and the owner filters."""

from __future__ import annotations

import pytest

from salesflow.errors import InvalidValue
from salesflow.models import Activity, Event, Opportunity
from salesflow.pipeline.activities import activity_filter, select_activities
from salesflow.pipeline.invoices import credit_invoice
from salesflow.pipeline.leads import make_lead, qualify_lead
from salesflow.pipeline.listing import LEADS, list_query, select
from salesflow.pipeline.orders import fulfil_order
from salesflow.pipeline.owners import assign, inherited, is_owner, seller_name
from salesflow.pipeline.quotes import accept_quote, activate_quote
from salesflow.pipeline.reports import Filters, pipeline_report
from tests.factories import (
    AT,
    ON,
    Numbers,
    lead,
    make_account,
    make_invoice,
    make_opportunity,
    make_order,
    make_quote,
)


def test_a_new_lead_belongs_to_who_adds_it() -> None:
    made, _ = make_lead({"company": "Initech"}, number="L-0001", today=ON, now=AT, owner="ann")
    assert made.owner == "ann"
    assert made.stored()["owner"] == "ann"


def test_a_record_made_before_owners_has_none_and_stores_no_owner_field() -> None:
    old = lead()
    assert old.owner is None
    assert "owner" not in old.stored()


def test_qualifying_gives_the_new_account_contact_and_opportunity_to_the_leads_owner() -> None:
    result = qualify_lead(
        lead(owner="ann"), accounts=[], contacts=[], numbers=Numbers(), today=ON, now=AT,
        seller="bob",
    )  # fmt: skip
    assert result.account is not None and result.contact is not None
    assert (result.account.owner, result.contact.owner, result.opportunity.owner) == (
        "ann",
        "ann",
        "ann",
    )


def test_qualifying_a_lead_without_owner_gives_the_new_records_to_who_qualifies() -> None:
    result = qualify_lead(
        lead(), accounts=[], contacts=[], numbers=Numbers(), today=ON, now=AT, seller="bob"
    )
    assert result.opportunity.owner == "bob"
    assert result.account is not None and result.account.owner == "bob"


def test_qualifying_into_an_existing_account_leaves_that_accounts_owner() -> None:
    existing = make_account(name="Analytical Engines", owner="carol")
    result = qualify_lead(
        lead(owner="ann"), accounts=[existing], contacts=[], numbers=Numbers(), today=ON, now=AT,
        seller="bob",
    )  # fmt: skip
    assert result.account is not None and result.account.number == existing.number
    assert result.account.owner == "carol"
    assert result.opportunity.owner == "ann"


def test_accepting_a_quote_gives_the_order_to_the_quotes_owner() -> None:
    deal = make_opportunity(owner="ann")
    quote, _ = activate_quote(make_quote(deal, owner="ann"), today=ON, now=AT)
    accepted = accept_quote(
        quote, opportunity=deal, quotes=[quote], numbers=Numbers(), today=ON, now=AT,
        seller="bob",
    )  # fmt: skip
    assert accepted.order.owner == "ann"


def test_fulfilling_an_order_gives_the_invoice_to_the_orders_owner_else_to_who_fulfils() -> None:
    owned = fulfil_order(
        make_order(owner="ann"), numbers=Numbers(), invoice_date=ON, payment_terms=30, now=AT,
        seller="bob",
    )  # fmt: skip
    unowned = fulfil_order(
        make_order(), numbers=Numbers(), invoice_date=ON, payment_terms=30, now=AT, seller="bob"
    )
    assert (owned.invoice.owner, unowned.invoice.owner) == ("ann", "bob")


def test_a_credit_note_belongs_to_the_invoices_owner() -> None:
    credited = credit_invoice(
        make_invoice(owner="ann"), number="CN-2026-0001", today=ON, now=AT, seller="bob"
    )
    assert credited.credit_note.owner == "ann"


def test_inherited_takes_the_sources_owner_else_the_seller() -> None:
    assert inherited(make_order(owner="ann"), "bob") == "ann"
    assert inherited(make_order(), "bob") == "bob"
    assert inherited(None, None) is None


def test_assigning_records_the_owners_before_and_after() -> None:
    deal = make_opportunity(owner="ann")
    moved, assigned = assign(deal, " bob ", now=AT)
    assert moved.owner == "bob"
    assert deal.owner == "ann"  # the input is left as it was
    assert assigned == Event(
        at=AT, number="OPP-0001", kind="assigned", from_state="ann", to_state="bob"
    )


def test_assigning_a_record_without_owner_records_none_before() -> None:
    moved, assigned = assign(lead(), "bob", now=AT)
    assert moved.owner == "bob"
    assert assigned is not None and (assigned.from_state, assigned.to_state) == (None, "bob")


def test_assigning_a_record_to_its_owner_changes_nothing() -> None:
    deal = make_opportunity(owner="bob")
    assert assign(deal, "bob", now=AT) == (deal, None)


NOT_A_NAME = "is not a seller's name (one line of at most 100 characters)"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("  ", "--to '  ' is empty; give a seller's name"),
        ("ann\nbob", f"--to 'ann\\nbob' {NOT_A_NAME}"),
        ("x" * 101, f"--to {'x' * 101!r} {NOT_A_NAME}"),
    ],
)
def test_assigning_to_no_name_or_more_than_a_line_is_refused(typed: str, message: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        assign(make_opportunity(owner="ann"), typed, now=AT)
    assert str(refused.value) == message


def test_seller_name_is_trimmed() -> None:
    assert seller_name("  Ann Smith ") == "Ann Smith"


def test_is_owner_ignores_case() -> None:
    assert is_owner(make_opportunity(owner="Ann"), "ANN")
    assert not is_owner(make_opportunity(), "ann")


def test_a_list_keeps_the_records_of_the_owner_asked_for_in_any_case() -> None:
    docs = [
        {"number": "L-0001", "owner": "Ann", "created_on": "2026-03-02"},
        {"number": "L-0002", "owner": "bob", "created_on": "2026-03-02"},
        {"number": "L-0003", "created_on": "2026-03-02"},
    ]
    query = list_query(LEADS, owner="ANN")
    assert query.owner == "ann"
    assert [d["number"] for d in select(docs, query, LEADS)] == ["L-0001"]
    assert len(select(docs, list_query(LEADS), LEADS)) == 3


def test_an_empty_owner_filter_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        list_query(LEADS, owner=" ")
    assert str(refused.value) == "--owner ' ' is empty; give a seller's name"


def test_activity_list_keeps_the_owners_activities() -> None:
    def task(number: str, owner: str | None) -> Activity:
        return Activity(
            number=number, owner=owner, kind="task", subject="Call back", regarding="L-0001",
            due=ON, created_on=ON,
        )  # fmt: skip

    activities = [task("ACT-0001", "ann"), task("ACT-0002", "bob"), task("ACT-0003", None)]
    kept = select_activities(activities, activity_filter(owner="Bob"), today=ON)
    assert [a.number for a in kept] == ["ACT-0002"]


def test_the_pipeline_report_counts_only_the_owners_opportunities() -> None:
    deals: list[Opportunity] = [
        make_opportunity(number="OPP-0001", owner="ann"),
        make_opportunity(number="OPP-0002", owner="bob"),
        make_opportunity(number="OPP-0003"),
    ]
    everyone = pipeline_report(deals, filters=Filters())
    anns = pipeline_report(deals, filters=Filters(owner="ANN"))
    assert everyone.total.count == 3
    assert anns.total.count == 1
    assert anns.as_dict()["filters"]["owner"] == "ANN"
