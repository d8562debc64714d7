"""Use cases of accounts and contacts: add, edit, list and show (with the deals they are on)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from salesflow.models import Account, Contact, Invoice, Opportunity, Order, Quote, Record
from salesflow.pipeline import customers as rules
from salesflow.pipeline.fields import match_name
from salesflow.pipeline.leads import match_key
from salesflow.pipeline.listing import ListQuery, ListSpec, arrange, model_value
from salesflow.services import activities, allocator
from salesflow.store.contract import Listing, Match, UnitOfWork

R = TypeVar("R", bound=Record)

Deal = Opportunity | Quote | Order | Invoice
"""A record of a customer's deals."""

LINKED: dict[str, type[Deal]] = {
    "opportunities": Opportunity,
    "quotes": Quote,
    "orders": Order,
    "invoices": Invoice,
}
"""The deals a customer's screen lists, by the key its JSON gives them, in the order shown."""


def account_number(uow: UnitOfWork, typed: str) -> str:
    """The number of the account `typed` names: its number (short too, `1`) or its name, a
    unique match ignoring case (see `match_name`). Raises NotFound or Refused."""
    found = uow.find(Account, typed)
    if found is not None:
        return found.number
    if typed.strip().upper().startswith(f"{Account.prefix}-"):
        return uow.get(Account, typed).number  # not found: says so by number
    return match_name("account", typed, ((a.number, a.name) for a in uow.all(Account)))


def add_account(
    uow: UnitOfWork, fields: Mapping[str, str | None], *, today: date, now: datetime
) -> Account:
    """`account add`: a new account; its name must not be another account's."""
    account, created = rules.add_account(
        fields,
        accounts=uow.index_by(Account, "name", match_key),
        number=allocator(uow)(Account.prefix),
        today=today,
        now=now,
        owner=uow.seller,
    )
    uow.put(account)
    uow.add_events([created])
    return account


def edit_account(
    uow: UnitOfWork, number: str, fields: Mapping[str, str | None], *, now: datetime
) -> Account:
    """`account edit`: changed details; an empty value clears a field (not the name)."""
    account, edited = rules.edit_account(
        uow.get(Account, number),
        fields,
        accounts=uow.index_by(Account, "name", match_key),
        now=now,
    )
    uow.put(account)
    uow.add_events([edited])
    return account


def add_contact(
    uow: UnitOfWork,
    fields: Mapping[str, str | None],
    *,
    account: str | None,
    today: date,
    now: datetime,
) -> Contact:
    """`contact add`: a new contact, at the account `account` names (number or name)."""
    values = dict(fields)
    if account:
        values["account"] = account_number(uow, account)
    contact, created = rules.add_contact(
        values,
        number=allocator(uow)(Contact.prefix),
        today=today,
        now=now,
        owner=uow.seller,
    )
    uow.put(contact)
    uow.add_events([created])
    return contact


def edit_contact(
    uow: UnitOfWork,
    number: str,
    fields: Mapping[str, str | None],
    *,
    account: str | None,
    now: datetime,
) -> Contact:
    """`contact edit`: changed details; `account` "" (or blank) takes the contact off its
    account, None leaves it."""
    values = dict(fields)
    if account is not None:
        values["account"] = account_number(uow, account) if account.strip() else ""
    contact, edited = rules.edit_contact(uow.get(Contact, number), values, now=now)
    uow.put(contact)
    uow.add_events([edited])
    return contact


def listed(
    uow: UnitOfWork,
    model: type[R],
    query: ListQuery,
    spec: ListSpec,
    page: Callable[[list[R]], Sequence[R]] | None = None,
) -> Sequence[R]:
    """A list command's records: filtered by `query`, sorted, cut to its limit, then to what
    the screen shows (`page`)."""
    records = arrange(uow.list_records(model, Listing(query, spec)), query, model_value)
    return page(records) if page is not None else records


def account_names(uow: UnitOfWork) -> Callable[[Record], str]:
    """A record's customer as people know it: its account's name (the number when unnamed)."""
    names = {
        str(number).upper(): str(name or "")
        for number, name in uow.values(Account, ("number", "name"))
    }

    def name(record: Record) -> str:
        account = str(getattr(record, "account", None) or "")
        return names.get(account.upper()) or account

    return name


def linked(uow: UnitOfWork, wanted: Match) -> dict[str, list[Deal]]:
    """The opportunities, quotes, orders and invoices `wanted` (a customer's)."""
    return {name: list(uow.all(model, wanted)) for name, model in LINKED.items()}


@dataclass(frozen=True)
class AccountView:
    """What `account show` shows."""

    account: Account
    contacts: list[Contact]
    linked: dict[str, list[Deal]]
    activities: activities.Summary


@dataclass(frozen=True)
class ContactView:
    """What `contact show` shows."""

    contact: Contact
    linked: dict[str, list[Deal]]
    activities: activities.Summary


def show_account(uow: UnitOfWork, number: str) -> AccountView:
    """An account with its contacts and deals; its next activity and last notes are its own,
    its contacts' and its opportunities'."""
    account = uow.get(Account, number)
    deals = linked(uow, Match.where(account=account.number))
    contacts = uow.all(Contact, Match.where(account=account.number))
    seen = activities.summary(
        uow,
        account.number,
        *(c.number for c in contacts),
        *(o.key for o in deals["opportunities"]),
    )
    return AccountView(account, contacts, deals, seen)


def show_contact(uow: UnitOfWork, number: str) -> ContactView:
    """A contact with the deals they are on, their next activity and last notes."""
    contact = uow.get(Contact, number)
    deals = linked(uow, Match.where(contact=contact.number))
    return ContactView(contact, deals, activities.summary(uow, contact.number))
