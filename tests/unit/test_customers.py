"""Accounts and contacts added and edited by hand: field checks and history events."""

from __future__ import annotations

import pytest

from salesflow.errors import InvalidValue
from salesflow.models import Account, Contact
from salesflow.pipeline.customers import (
    add_account,
    add_contact,
    check_country,
    check_iban,
    check_vat_id,
    edit_account,
    edit_contact,
)
from tests.conftest import NOW, TODAY

JANSEN = Account(number="ACC-0001", name="Jansen Bouw", created_on=TODAY)
PIET = Contact(
    number="CON-0001", first_name="Piet", last_name="Jansen", email="piet@jb.nl", created_on=TODAY
)


def refusal(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(InvalidValue) as refused:
        call(*args, **kwargs)  # type: ignore[operator]
    return str(refused.value)


def test_a_new_account_keeps_its_checked_fields_and_has_a_created_event() -> None:
    account, created = add_account(
        {
            "name": " Fjord AS ",
            "country": "no",
            "vat_id": "nl 0044.95.445.B01",
            "language": "EN",
            "postcode": "0150",
            "coc": "12345678",
        },
        accounts={},
        number="ACC-0002",
        today=TODAY,
        now=NOW,
    )
    assert (account.name, account.country, account.vat_id, account.language) == (
        "Fjord AS",
        "NO",
        "NL004495445B01",
        "en",
    )
    assert (account.postcode, account.coc) == ("0150", "12345678")
    assert (created.number, created.kind, created.details) == (
        "ACC-0002",
        "created",
        {"name": "Fjord AS"},
    )


def test_an_account_needs_a_name_that_no_other_account_has() -> None:
    assert refusal(add_account, {}, accounts={}, number="A", today=TODAY, now=NOW) == (
        "account needs a name (--name)"
    )
    taken = {"jansen bouw": JANSEN}
    assert refusal(
        add_account, {"name": "JANSEN bouw "}, accounts=taken, number="A", today=TODAY, now=NOW
    ) == ("account 'JANSEN bouw' already exists as ACC-0001; use `salesflow account edit ACC-0001`")


def test_an_account_keeps_its_own_name_when_edited() -> None:
    edited, _ = edit_account(
        JANSEN,
        {"name": "Jansen Bouw", "city": "Utrecht"},
        accounts={"jansen bouw": JANSEN},
        now=NOW,
    )
    assert (edited.name, edited.city) == ("Jansen Bouw", "Utrecht")


def test_an_account_edit_is_an_event_naming_the_fields_and_does_not_change_the_input() -> None:
    edited, event = edit_account(
        JANSEN, {"email": "info@jb.nl", "city": "", "website": None}, accounts={}, now=NOW
    )
    assert edited.email == "info@jb.nl"
    assert JANSEN.email is None
    assert (event.kind, event.details) == ("edited", {"fields": ["email"]})  # none was there


def test_an_account_name_cannot_be_cleared() -> None:
    assert refusal(edit_account, JANSEN, {"name": " "}, accounts={}, now=NOW) == (
        "account ACC-0001 needs a name; it cannot be cleared"
    )


def test_a_contacts_email_typo_is_fixed_and_the_old_address_kept_in_the_event() -> None:
    fixed, event = edit_contact(PIET, {"email": "piet@jansenbouw.nl"}, now=NOW)
    assert fixed.email == "piet@jansenbouw.nl"
    assert event.details == {"fields": ["email"], "email_was": "piet@jb.nl"}


def test_a_contact_needs_a_first_or_last_name() -> None:
    assert refusal(add_contact, {"email": "a@b.nl"}, number="C", today=TODAY, now=NOW) == (
        "contact needs a first or last name (--first-name, --last-name)"
    )
    assert refusal(edit_contact, PIET, {"first_name": "", "last_name": ""}, now=NOW) == (
        "contact CON-0001 needs a first or last name; both cannot be cleared"
    )


def test_a_contact_with_a_bad_email_or_language_is_refused_naming_the_value() -> None:
    assert refusal(edit_contact, PIET, {"email": "piet@jb"}, now=NOW) == (
        "contact CON-0001: email 'piet@jb' is not a valid email address (name@domain.tld)"
    )
    assert refusal(edit_contact, PIET, {"language": "es"}, now=NOW) == (
        "contact CON-0001: language 'es' is not one of: nl, en, de, fr"
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("NL004495445B01", "NL004495445B01"), ("de 136695976", "DE136695976"), ("", None)],
)
def test_a_vat_id_is_checked_for_its_country_and_stored_compact(
    typed: str, stored: str | None
) -> None:
    assert check_vat_id(typed, "account ACC-0001") == stored


@pytest.mark.parametrize(
    "typed", ["NL004495446B01", "DE136695977", "NL123", "004495445B01", "XX123"]
)
def test_a_vat_id_that_fails_its_countrys_check_is_refused(typed: str) -> None:
    message = refusal(check_vat_id, typed, "account ACC-0001")
    assert message.startswith(f"account ACC-0001: VAT ID {typed!r} is not valid (")
    assert message.endswith("); give it with its country code, e.g. NL004495445B01")


def test_an_iban_is_checked_with_its_check_digits() -> None:
    assert check_iban("nl91 abna 0417 1643 00", "seller") == "NL91ABNA0417164300"
    assert refusal(check_iban, "NL91ABNA0417164301", "seller") == (
        "seller: IBAN 'NL91ABNA0417164301' is not valid (the number's checksum or check digit "
        "is invalid)"
    )


def test_a_country_is_an_iso_code_and_a_name_gets_a_hint() -> None:
    assert check_country(" de ", "account ACC-0001") == "DE"
    assert refusal(check_country, "Germany", "account ACC-0001") == (
        "account ACC-0001: country 'Germany' is not an ISO 3166 two-letter code; Germany is DE"
    )
    assert refusal(check_country, "EU", "account ACC-0001") == (
        "account ACC-0001: country 'EU' is not an ISO 3166 two-letter code, such as NL or DE"
    )
