"""Customers: accounts and contacts added and edited by hand, and the checks of their fields.

VAT IDs and IBANs are checked with python-stdnum and countries with Babel's territory list
(both maintained libraries, imported only when such a value is given); the rules here only say
which check applies to which field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from salesflow.errors import InvalidValue
from salesflow.models import Account, Contact, Event
from salesflow.pipeline.fields import check_email, choice, clean, event
from salesflow.pipeline.matching import match_key

LANGUAGES = ("nl", "en", "de", "fr")
"""The languages documents are written in."""

COMMON_FIELDS = (
    "email",
    "phone",
    "website",
    "address",
    "postcode",
    "city",
    "country",
    "vat_id",
    "coc",
    "language",
)
ACCOUNT_FIELDS = ("name", *COMMON_FIELDS)
CONTACT_FIELDS = ("first_name", "last_name", "job_title", "mobile", "account", *COMMON_FIELDS)
_NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB"})  # regions and test codes

C = TypeVar("C", Account, Contact)


def check_vat_id(value: str | None, who: str) -> str | None:
    """A VAT ID in its compact form (`NL004495445B01`), checked with python-stdnum for its
    country (the two letters in front); InvalidValue naming `who` and the value otherwise."""
    text = clean(value)
    if text is None:
        return None
    from stdnum import vatin
    from stdnum.exceptions import ValidationError

    try:
        return str(vatin.validate(text))
    except ValidationError as error:
        raise InvalidValue(
            f"{who}: VAT ID {text!r} is not valid ({_reason(error)}); "
            "give it with its country code, e.g. NL004495445B01"
        ) from None


def check_iban(value: str | None, who: str) -> str | None:
    """An IBAN in its compact form, checked with python-stdnum (country format and check
    digits); InvalidValue naming `who` and the value otherwise."""
    text = clean(value)
    if text is None:
        return None
    from stdnum import iban
    from stdnum.exceptions import ValidationError

    try:
        return str(iban.validate(text))
    except ValidationError as error:
        raise InvalidValue(f"{who}: IBAN {text!r} is not valid ({_reason(error)})") from None


def _reason(error: Exception) -> str:
    return str(error).rstrip(".").lower() or "not valid"


def check_country(value: str | None, who: str) -> str | None:
    """An ISO 3166 two-letter country code, upper case; a country's English name gets a hint
    naming its code."""
    text = clean(value)
    if text is None:
        return None
    from babel import Locale

    territories: Mapping[str, str] = Locale("en").territories
    code = text.upper()
    if len(code) == 2 and code in territories and code not in _NOT_COUNTRIES:
        return code
    named = [
        c
        for c, name in territories.items()
        if name.casefold() == text.casefold() and len(c) == 2 and c not in _NOT_COUNTRIES
    ]
    hint = f"; {territories[named[0]]} is {named[0]}" if named else ", such as NL or DE"
    raise InvalidValue(f"{who}: country {text!r} is not an ISO 3166 two-letter code{hint}")


def _language(value: str, who: str) -> str | None:
    return choice(value, LANGUAGES, f"{who}: language") if clean(value) else None


_CHECKS: dict[str, Callable[[str, str], object]] = {
    "email": check_email,
    "vat_id": check_vat_id,
    "country": check_country,
    "language": _language,
}


def customer_values(
    fields: Mapping[str, str | None], allowed: tuple[str, ...], who: str
) -> dict[str, object]:
    """Checked field values from user text; only the fields given (None: not given), empty
    text clears a field. Raises InvalidValue naming `who`, the field and the value."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise InvalidValue(f"{who}: unknown field(s) {', '.join(sorted(unknown))}")
    values: dict[str, object] = {}
    for name, raw in fields.items():
        if raw is None:
            continue
        check = _CHECKS.get(name)
        values[name] = check(raw, who) if check else clean(raw)
    return values


def _require_unique_name(account: Account, accounts: Mapping[str, Account]) -> None:
    """Qualifying a lead finds its account by name, so two accounts may not share one."""
    found = accounts.get(match_key(account.name))
    other = found.number if found is not None else None
    if other is not None and other.upper() != account.number.upper():
        raise InvalidValue(
            f"account {account.name!r} already exists as {other}; "
            f"use `salesflow account edit {other}`"
        )


def add_account(
    fields: Mapping[str, str | None],
    *,
    accounts: Mapping[str, Account],
    number: str,
    today: date,
    now: datetime,
    owner: str | None = None,
) -> tuple[Account, Event]:
    """A new account owned by `owner` (who adds it) and its creation event. `accounts` are the
    existing ones by `match_key` of their name. Raises InvalidValue for a missing or taken name
    or a bad field."""
    values = customer_values(fields, ACCOUNT_FIELDS, "account")
    if not values.get("name"):
        raise InvalidValue("account needs a name (--name)")
    account = Account(
        number=number,
        owner=owner,
        created_on=today,
        **values,  # type: ignore[arg-type]
    )
    _require_unique_name(account, accounts)
    return account, event(now, number, "created", name=account.name)


def edit_account(
    account: Account,
    fields: Mapping[str, str | None],
    *,
    accounts: Mapping[str, Account],
    now: datetime,
) -> tuple[Account, Event]:
    """The account with changed fields and an `edited` event naming them; empty text clears a
    field (not the name). Raises InvalidValue as `add_account` does."""
    who = f"account {account.number}"
    values = customer_values(fields, ACCOUNT_FIELDS, who)
    if "name" in values and not values["name"]:
        raise InvalidValue(f"{who} needs a name; it cannot be cleared")
    updated, edited = _edited(account, values, who, now)
    _require_unique_name(updated, accounts)
    return updated, edited


def add_contact(
    fields: Mapping[str, str | None],
    *,
    number: str,
    today: date,
    now: datetime,
    owner: str | None = None,
) -> tuple[Contact, Event]:
    """A new contact owned by `owner` (who adds it) and its creation event; `account` is an
    existing account's number (the shell looks it up). Raises InvalidValue without a first or
    last name, or for a bad field."""
    values = customer_values(fields, CONTACT_FIELDS, "contact")
    contact = Contact(
        number=number,
        owner=owner,
        created_on=today,
        **values,  # type: ignore[arg-type]
    )
    if not contact.name:
        raise InvalidValue("contact needs a first or last name (--first-name, --last-name)")
    return contact, event(now, number, "created", name=contact.name, account=contact.account)


def edit_contact(
    contact: Contact, fields: Mapping[str, str | None], *, now: datetime
) -> tuple[Contact, Event]:
    """The contact with changed fields and an `edited` event naming them; empty text clears a
    field. Raises InvalidValue when no name would be left, or for a bad field."""
    who = f"contact {contact.number}"
    updated, edited = _edited(contact, customer_values(fields, CONTACT_FIELDS, who), who, now)
    if not updated.name:
        raise InvalidValue(f"{who} needs a first or last name; both cannot be cleared")
    return updated, edited


def _edited(record: C, values: dict[str, object], who: str, now: datetime) -> tuple[C, Event]:
    changed = {k: v for k, v in values.items() if getattr(record, k) != v}
    updated = record.model_copy(update=changed)
    details: dict[str, Any] = {"fields": sorted(changed)}
    if "email" in changed:  # the one most often fixed: keep what it was
        details["email_was"] = record.email
    return updated, event(now, record.number, "edited", **details)
