"""Leads: capture, edit, qualify (reusing accounts and contacts), disqualify and reactivate."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from salesflow.errors import InvalidValue, Refused
from salesflow.models import Account, Contact, Lead, LeadReason, LeadStatus
from salesflow.pipeline.leads import (
    Qualified,
    QualifyOptions,
    disqualify_lead,
    edit_lead,
    ensure_unlinked,
    make_lead,
    qualify_lead,
    reactivate_lead,
)
from tests import factories
from tests.conftest import NOW, TODAY

Numbers = Callable[[str], str]


def lead(number: str = "L-0003", **fields: Any) -> Lead:
    return factories.lead(number, **{"created_on": TODAY, **fields})


def account(number: str = "ACC-0007", name: str = "Analytical Engines", **fields: Any) -> Account:
    return Account(number=number, name=name, created_on=TODAY, **fields)


def contact(
    number: str = "CON-0007", email: str | None = "ada@example.com", **fields: Any
) -> Contact:
    return Contact(number=number, last_name="Lovelace", email=email, created_on=TODAY, **fields)


def qualify(
    the_lead: Lead,
    numbers: Numbers,
    *,
    accounts: list[Account] | None = None,
    contacts: list[Contact] | None = None,
    **options: Any,
) -> Qualified:
    return qualify_lead(
        the_lead,
        accounts=accounts or [],
        contacts=contacts or [],
        numbers=numbers,
        today=TODAY,
        now=NOW,
        options=QualifyOptions(**options),
    )


def message(error: pytest.ExceptionInfo[Exception]) -> str:
    return str(error.value)


# --- make_lead ---------------------------------------------------------------------------------


def test_a_new_lead_is_open_and_new_with_a_creation_event() -> None:
    new, created = make_lead(
        {"first_name": " Ada ", "last_name": "Lovelace", "estimated_value": "12,000.5"},
        number="L-0001",
        today=TODAY,
        now=NOW,
    )
    assert (new.number, new.first_name, new.status, new.status_reason) == (
        "L-0001",
        "Ada",
        LeadStatus.OPEN,
        LeadReason.NEW,
    )
    assert new.estimated_value == Decimal("12000.50")
    assert new.created_on == TODAY
    assert (created.number, created.kind, created.from_state, created.to_state, created.at) == (
        "L-0001",
        "created",
        None,
        "open",
        NOW,
    )


def test_a_lead_with_only_a_company_is_fine() -> None:
    new, _ = make_lead({"company": "Initech"}, number="L-0001", today=TODAY, now=NOW)
    assert new.name == "Initech"


@pytest.mark.parametrize(
    "fields", [{"first_name": "Only"}, {"first_name": "A", "last_name": " ", "company": ""}]
)
def test_a_lead_needs_a_last_name_or_a_company(fields: dict[str, str]) -> None:
    with pytest.raises(InvalidValue) as error:
        make_lead(fields, number="L-0001", today=TODAY, now=NOW)
    assert message(error) == "lead needs a last name or a company"


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "a b@example.com", "a@example..com"])
def test_a_lead_with_an_invalid_email_is_refused(email: str) -> None:
    with pytest.raises(InvalidValue) as error:
        make_lead({"company": "X", "email": email}, number="L-0001", today=TODAY, now=NOW)
    assert message(error) == (
        f"lead: email {email!r} is not a valid email address (name@domain.tld)"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-5", "lead: estimated value '-5' is negative; it must be 0 or more"),
        ("lots", "lead: estimated value 'lots' is not a number"),
    ],
)
def test_a_lead_with_a_negative_or_non_numeric_value_is_refused(value: str, expected: str) -> None:
    with pytest.raises(InvalidValue) as error:
        make_lead({"company": "X", "estimated_value": value}, number="L-0001", today=TODAY, now=NOW)
    assert message(error) == expected


def test_an_unknown_lead_field_is_refused() -> None:
    with pytest.raises(InvalidValue) as error:
        make_lead({"company": "X", "colour": "red"}, number="L-0001", today=TODAY, now=NOW)
    assert message(error) == "lead: unknown field(s) colour"


# --- edit_lead ---------------------------------------------------------------------------------


def test_editing_changes_only_the_given_fields_and_records_which() -> None:
    before = lead(phone="1")
    after, edited = edit_lead(
        before, {"phone": "2", "city": None, "company": "Analytical Engines"}, now=NOW
    )
    assert (after.phone, after.city, after.company) == ("2", None, "Analytical Engines")
    assert (edited.kind, edited.details) == ("edited", {"fields": ["phone"]})


def test_editing_with_empty_text_clears_a_field() -> None:
    after, _ = edit_lead(
        lead(phone="1", estimated_value=Decimal(5)), {"phone": "", "estimated_value": ""}, now=NOW
    )
    assert (after.phone, after.estimated_value) == (None, None)


def test_editing_may_clear_the_company_when_a_last_name_remains() -> None:
    after, _ = edit_lead(lead(), {"company": ""}, now=NOW)
    assert (after.company, after.last_name) == (None, "Lovelace")


def test_editing_cannot_clear_both_last_name_and_company() -> None:
    with pytest.raises(InvalidValue) as error:
        edit_lead(lead(), {"company": "", "last_name": " "}, now=NOW)
    assert message(error) == "lead L-0003 needs a last name or a company"


def test_editing_moves_an_open_lead_between_new_and_contacted() -> None:
    after, _ = edit_lead(lead(), {}, now=NOW, reason="Contacted")
    assert after.status_reason is LeadReason.CONTACTED


def test_editing_to_a_closing_reason_is_refused() -> None:
    with pytest.raises(InvalidValue) as error:
        edit_lead(lead(), {}, now=NOW, reason="lost")
    assert message(error) == "lead reason 'lost' is not one of: new, contacted"


@pytest.mark.parametrize(
    ("status", "reason", "expected"),
    [
        ("qualified", "qualified", "lead L-0003 is qualified; only open leads can be edited"),
        (
            "disqualified",
            "cannot-contact",
            "lead L-0003 is disqualified (cannot-contact); only open leads can be edited",
        ),
    ],
)
def test_only_open_leads_can_be_edited(status: str, reason: str, expected: str) -> None:
    closed = lead(status=status, status_reason=reason)
    with pytest.raises(Refused) as error:
        edit_lead(closed, {"phone": "1"}, now=NOW)
    assert message(error) == expected


# --- qualify_lead ------------------------------------------------------------------------------


def test_qualifying_creates_account_contact_and_opportunity_and_links_them(
    numbers: Numbers,
) -> None:
    result = qualify(lead(topic="Difference engine", estimated_value=Decimal("5000")), numbers)
    assert result.account is not None and result.contact is not None
    assert (result.account.number, result.account.name) == ("ACC-0001", "Analytical Engines")
    assert result.account.primary_contact == "CON-0001"
    assert (result.contact.number, result.contact.email, result.contact.account) == (
        "CON-0001",
        "ada@example.com",
        "ACC-0001",
    )
    opp = result.opportunity
    assert (opp.number, opp.name, opp.account, opp.contact, opp.lead) == (
        "OPP-0001",
        "Difference engine",
        "ACC-0001",
        "CON-0001",
        "L-0003",
    )
    assert opp.estimated_revenue == Decimal("5000.00")
    assert (result.lead.status, result.lead.status_reason) == (
        LeadStatus.QUALIFIED,
        LeadReason.QUALIFIED,
    )
    assert (result.lead.account, result.lead.contact, result.lead.opportunity) == (
        "ACC-0001",
        "CON-0001",
        "OPP-0001",
    )
    assert result.created == {"ACC-0001", "CON-0001", "OPP-0001"}


def test_qualifying_records_an_event_per_record(numbers: Numbers) -> None:
    result = qualify(lead(), numbers)
    assert [(e.number, e.kind, e.from_state, e.to_state) for e in result.events] == [
        ("L-0003", "qualified", "open", "qualified"),
        ("ACC-0001", "created", None, None),
        ("CON-0001", "created", None, None),
        ("OPP-0001", "created", None, "open"),
    ]
    assert result.events[0].details == {
        "opportunity": "OPP-0001",
        "account": "ACC-0001",
        "contact": "CON-0001",
    }
    assert all(e.at == NOW for e in result.events)


def test_qualifying_reuses_the_account_ignoring_case_and_surrounding_space(
    numbers: Numbers,
) -> None:
    existing = account(name="  ANALYTICAL engines ")
    result = qualify(lead(), numbers, accounts=[account("ACC-0001", "Other"), existing])
    assert result.account is not None
    assert result.account.number == "ACC-0007"
    assert result.opportunity.account == "ACC-0007"
    assert result.contact is not None and result.contact.account == "ACC-0007"
    assert "ACC-0007" not in result.created
    assert result.created == {"CON-0001", "OPP-0001"}


def test_a_reused_account_without_a_primary_contact_gets_the_new_contact(numbers: Numbers) -> None:
    result = qualify(lead(), numbers, accounts=[account()])
    assert result.account is not None and result.account.primary_contact == "CON-0001"


def test_a_reused_account_keeps_its_primary_contact(numbers: Numbers) -> None:
    result = qualify(lead(), numbers, accounts=[account(primary_contact="CON-0002")])
    assert result.account is not None and result.account.primary_contact == "CON-0002"


def test_qualifying_reuses_the_contact_by_email_ignoring_case(numbers: Numbers) -> None:
    existing = contact(email="ADA@Example.COM")
    result = qualify(lead(), numbers, contacts=[contact("CON-0001", "bob@example.com"), existing])
    assert result.contact is not None and result.contact.number == "CON-0007"
    assert result.opportunity.contact == "CON-0007"
    assert result.lead.contact == "CON-0007"
    assert result.created == {"ACC-0001", "OPP-0001"}


def test_a_different_company_and_email_create_new_records(numbers: Numbers) -> None:
    result = qualify(
        lead(),
        numbers,
        accounts=[account(name="Analytical Engines Ltd")],
        contacts=[contact(email="ada@example.org")],
    )
    assert result.created == {"ACC-0001", "CON-0001", "OPP-0001"}


def test_a_lead_without_a_company_gets_a_contact_but_no_account(numbers: Numbers) -> None:
    result = qualify(lead(company=None, topic=None), numbers)
    assert result.account is None
    assert result.contact is not None and result.contact.account is None
    assert result.opportunity.name == "Ada Lovelace opportunity"
    assert result.created == {"CON-0001", "OPP-0001"}


def test_a_lead_without_a_person_gets_an_account_but_no_contact(numbers: Numbers) -> None:
    result = qualify(lead(first_name=None, last_name=None, email=None), numbers)
    assert result.contact is None
    assert result.account is not None and result.account.primary_contact is None
    assert result.created == {"ACC-0001", "OPP-0001"}


def test_the_opportunity_name_comes_from_the_option_first(numbers: Numbers) -> None:
    result = qualify(lead(topic="Engines"), numbers, opportunity_name=" Big deal ")
    assert result.opportunity.name == "Big deal"


def test_the_opportunity_name_comes_from_the_topic_second(numbers: Numbers) -> None:
    result = qualify(lead(topic="Engines"), numbers, opportunity_name="  ")
    assert result.opportunity.name == "Engines"


def test_the_opportunity_name_falls_back_to_the_company(numbers: Numbers) -> None:
    result = qualify(lead(topic=None), numbers)
    assert result.opportunity.name == "Analytical Engines opportunity"


def test_the_estimated_revenue_option_wins_over_the_lead_value(numbers: Numbers) -> None:
    result = qualify(lead(estimated_value=Decimal(5000)), numbers, estimated_revenue="7500")
    assert result.opportunity.estimated_revenue == Decimal("7500.00")
    assert result.opportunity.user_estimated_revenue == Decimal("7500.00")


def test_without_option_or_lead_value_the_estimated_revenue_is_zero(numbers: Numbers) -> None:
    result = qualify(lead(), numbers)
    assert result.opportunity.user_estimated_revenue is None
    assert str(result.opportunity.estimated_revenue) == "0.00"


def test_qualifying_with_a_bad_estimated_revenue_is_refused(numbers: Numbers) -> None:
    with pytest.raises(InvalidValue) as error:
        qualify(lead(), numbers, estimated_revenue="-1")
    assert message(error) == "estimated revenue '-1' is negative; it must be 0 or more"


def test_qualifying_sets_close_date_and_currency(numbers: Numbers) -> None:
    result = qualify(lead(), numbers, close_date="2027-01-31", currency="USD")
    assert (str(result.opportunity.close_date), result.opportunity.currency) == (
        "2027-01-31",
        "USD",
    )


def test_qualifying_with_a_close_date_that_is_not_a_date_is_refused(numbers: Numbers) -> None:
    with pytest.raises(InvalidValue) as error:
        qualify(lead(), numbers, close_date="31/12/2026")
    assert message(error) == "close date '31/12/2026' is not a date; use YYYY-MM-DD"


def test_explicit_account_and_contact_options_are_used(numbers: Numbers) -> None:
    chosen_account = account("ACC-0042", "Someone Else")
    chosen_contact = contact("CON-0042", "x@example.com")
    result = qualify(lead(), numbers, account=chosen_account, contact=chosen_contact)
    assert (result.opportunity.account, result.opportunity.contact) == ("ACC-0042", "CON-0042")
    assert result.created == {"OPP-0001"}


def test_qualifying_a_disqualified_lead_is_refused(numbers: Numbers) -> None:
    closed = lead(status="disqualified", status_reason="no-longer-interested")
    with pytest.raises(Refused) as error:
        qualify(closed, numbers)
    assert message(error) == (
        "lead L-0003 is disqualified (no-longer-interested); only open leads can be qualified"
    )


def test_qualifying_a_qualified_lead_is_refused(numbers: Numbers) -> None:
    first = qualify(lead(), numbers)
    with pytest.raises(Refused) as error:
        qualify(first.lead, numbers)
    assert message(error) == "lead L-0003 is qualified; only open leads can be qualified"


def test_qualifying_does_not_change_its_inputs(numbers: Numbers) -> None:
    the_lead, the_account, the_contact = lead(), account(), contact(email="other@example.com")
    snapshot = [r.model_dump() for r in (the_lead, the_account, the_contact)]
    qualify(the_lead, numbers, accounts=[the_account], contacts=[the_contact])
    assert [r.model_dump() for r in (the_lead, the_account, the_contact)] == snapshot


# --- disqualify and reactivate -------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["lost", "cannot-contact", "No-Longer-Interested", "canceled"])
def test_disqualifying_accepts_each_dynamics_reason(reason: str) -> None:
    before = lead()
    after, disqualified = disqualify_lead(before, reason, now=NOW)
    assert (after.status, after.status_reason) == (LeadStatus.DISQUALIFIED, reason.lower())
    assert (disqualified.kind, disqualified.from_state, disqualified.to_state) == (
        "disqualified",
        "open",
        "disqualified",
    )
    assert disqualified.details == {"reason": reason.lower()}
    assert before.status is LeadStatus.OPEN


def test_disqualifying_with_an_unknown_reason_is_refused() -> None:
    with pytest.raises(InvalidValue) as error:
        disqualify_lead(lead(), "bored", now=NOW)
    assert message(error) == (
        "disqualify reason 'bored' is not one of: lost, cannot-contact, no-longer-interested, "
        "canceled"
    )


def test_disqualifying_a_qualified_lead_is_refused() -> None:
    with pytest.raises(Refused) as error:
        disqualify_lead(lead(status="qualified", status_reason="qualified"), "lost", now=NOW)
    assert message(error) == "lead L-0003 is qualified; only open leads can be disqualified"


def test_reactivating_a_disqualified_lead_reopens_it_as_new() -> None:
    before = lead(status="disqualified", status_reason="lost")
    after, reactivated = reactivate_lead(before, now=NOW)
    assert (after.status, after.status_reason) == (LeadStatus.OPEN, LeadReason.NEW)
    assert (reactivated.kind, reactivated.from_state, reactivated.to_state) == (
        "reactivated",
        "disqualified",
        "open",
    )
    assert before.status is LeadStatus.DISQUALIFIED


@pytest.mark.parametrize(
    ("status", "reason", "expected"),
    [
        (
            "open",
            "contacted",
            "lead L-0003 is open (contacted); only disqualified leads can be reactivated",
        ),
        (
            "qualified",
            "qualified",
            "lead L-0003 is qualified; only disqualified leads can be reactivated",
        ),
    ],
)
def test_only_disqualified_leads_can_be_reactivated(
    status: str, reason: str, expected: str
) -> None:
    with pytest.raises(Refused) as error:
        reactivate_lead(lead(status=status, status_reason=reason), now=NOW)
    assert message(error) == expected


def test_a_qualified_lead_is_linked_and_cannot_be_unlinked(numbers: Numbers) -> None:
    ensure_unlinked(lead())
    with pytest.raises(Refused) as error:
        ensure_unlinked(qualify(lead(), numbers).lead)
    assert message(error) == "lead L-0003 is qualified into OPP-0001"


def test_editing_a_qualified_lead_is_refused_naming_its_contact_and_account_commands() -> None:
    lead = Lead(
        number="L-0003",
        last_name="Jansen",
        status=LeadStatus.QUALIFIED,
        status_reason=LeadReason.QUALIFIED,
        created_on=TODAY,
        account="ACC-0001",
        contact="CON-0002",
        opportunity="OPP-0004",
    )
    with pytest.raises(Refused) as refused:
        edit_lead(lead, {"email": "p@jansen.nl"}, now=NOW)
    assert str(refused.value) == (
        "lead L-0003 is qualified; only open leads can be edited; edit its contact with "
        "`salesflow contact edit CON-0002` or its account with `salesflow account edit ACC-0001`"
    )
