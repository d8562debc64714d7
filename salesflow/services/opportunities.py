"""Use cases of opportunities: add, edit, list, show, stage, lines, win, lose and reopen.

Each takes a unit of work and plain values (today, now) and returns what the command shows;
the rules are the pipeline's (`salesflow.pipeline.opportunities`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from salesflow.models import Account, Contact, Event, Opportunity, Order, Product
from salesflow.pipeline import listing
from salesflow.pipeline import opportunities as rules
from salesflow.pipeline.fields import choice, match_name
from salesflow.pipeline.lines import LineEdit, LineSpec
from salesflow.services import activities, allocator
from salesflow.services.settings import settings
from salesflow.store.contract import Listing, Match, Stored

if TYPE_CHECKING:
    from salesflow.models import Activity
    from salesflow.pipeline.listing import ListQuery
    from salesflow.store.contract import UnitOfWork


def text_key(value: object) -> str:
    """A stored field as a case-free key (for `index_by` and `group_by`)."""
    return str(value or "").strip().upper()


def account_number(uow: UnitOfWork, typed: str) -> str:
    """The number of the account `typed` names: its number (short too, `1`) or its name, a
    unique match ignoring case (see `match_name`)."""
    found = uow.find(Account, typed)
    if found is not None:
        return found.number
    if typed.strip().upper().startswith("ACC-"):
        return uow.get(Account, typed).number  # not found: says so by number
    return match_name("account", typed, ((a.number, a.name or "") for a in uow.all(Account)))


def _save(uow: UnitOfWork, opportunity: Opportunity, event: Event) -> Opportunity:
    uow.put(opportunity)
    uow.add_events([event])
    return opportunity


def _with_contact(
    uow: UnitOfWork, fields: rules.OpportunityFields, contact: str | None
) -> rules.OpportunityFields:
    """`fields` naming the contact `contact` names (by number, any case); NotFound if none."""
    return replace(fields, contact=uow.get(Contact, contact).number if contact else None)


def add(
    uow: UnitOfWork,
    fields: rules.OpportunityFields,
    *,
    account: str,
    contact: str | None = None,
    today: date,
    now: datetime,
) -> Opportunity:
    """A new opportunity for an existing account (by number or name) and contact.

    Raises NotFound for an account or contact that does not exist.
    """
    customer = uow.get(Account, account_number(uow, account))
    opportunity, created = rules.create_opportunity(
        _with_contact(uow, fields, contact),
        account=customer.number,
        number=allocator(uow)(Opportunity.prefix),
        currency=settings(uow).currency,
        today=today,
        now=now,
        owner=uow.seller,
    )
    return _save(uow, opportunity, created)


def edit(
    uow: UnitOfWork,
    number: str,
    fields: rules.OpportunityFields,
    *,
    contact: str | None = None,
    now: datetime,
) -> Opportunity:
    """Change an open opportunity's fields; a contact given must exist."""
    with_contact = _with_contact(uow, fields, contact)
    opportunity, edited = rules.edit_opportunity(
        uow.get(Opportunity, number), with_contact, now=now
    )
    return _save(uow, opportunity, edited)


@dataclass(frozen=True)
class Listed:
    """The opportunities a list shows, and the name of each one's account."""

    records: list[Opportunity]
    customer: Callable[[Opportunity], str | None]


def names_of(uow: UnitOfWork, model: type[Account] | type[Contact]) -> Callable[[object], str]:
    """The name of an account or contact by its number (any case; "" for none), each record
    built once, when first looked up (and the table read at the first look: a list printed
    as JSON never asks)."""
    records: Mapping[str, Account | Contact] | None = None
    names: dict[str, str] = {}

    def name(number: object) -> str:
        nonlocal records
        key = text_key(number)
        if key not in names:
            if records is None:
                records = uow.index_by(model, "number", text_key)
            found = records.get(key)
            names[key] = (found.name or "") if found is not None else ""
        return names[key]

    return name


def stage_filter(stage: str | None) -> str | None:
    """The stage a list asks for, checked (any case); InvalidValue names the stages."""
    return choice(stage, rules.STAGES, "stage") if stage else None


def listed(uow: UnitOfWork, query: ListQuery, *, stage: str | None = None) -> Listed:
    """Opportunities filtered (`--search` also matches the account's name; `--stage`), sorted
    and cut by a list's options. Raises InvalidValue for an unknown stage."""
    wanted_stage = stage_filter(stage)
    name_of = names_of(uow, Account)

    def extra_text(stored: Stored) -> str:
        return name_of(stored.get("account"))

    found = uow.list_records(
        Opportunity, Listing(query, listing.OPPORTUNITIES, extra_text=extra_text)
    )
    if wanted_stage:
        found = [o for o in found if o.stage == wanted_stage]
    return Listed(
        listing.arrange(found, query, listing.model_value),
        lambda o: name_of(o.account) or o.account,
    )


@dataclass(frozen=True)
class Shown:
    opportunity: Opportunity
    activities: activities.Summary


def show(uow: UnitOfWork, number: str) -> Shown:
    """An opportunity with its next open activity and last notes."""
    opportunity = uow.get(Opportunity, number)
    return Shown(opportunity, activities.summary(uow, opportunity.number))


def stager(uow: UnitOfWork, stage: str, *, now: datetime) -> Callable[[str], Opportunity]:
    """What moves one opportunity (by number) to `stage`: a batch applies it to each."""

    def move(number: str) -> Opportunity:
        opportunity, moved = rules.set_stage(uow.get(Opportunity, number), stage, now=now)
        return _save(uow, opportunity, moved)

    return move


def add_product(uow: UnitOfWork, number: str, line: LineSpec, *, now: datetime) -> Opportunity:
    """A catalog product or write-in line added to an open opportunity."""
    opportunity, added = rules.add_product(
        uow.get(Opportunity, number),
        line,
        products={p.sku.upper(): p for p in uow.all(Product)},
        default_tax_rate=settings(uow).tax_rate,
        now=now,
    )
    return _save(uow, opportunity, added)


def remove_product(uow: UnitOfWork, number: str, line_no: int, *, now: datetime) -> Opportunity:
    opportunity, removed = rules.remove_product(uow.get(Opportunity, number), line_no, now=now)
    return _save(uow, opportunity, removed)


def edit_line(
    uow: UnitOfWork, number: str, line_no: int, change: LineEdit, *, now: datetime
) -> Opportunity:
    opportunity, edited = rules.edit_line(uow.get(Opportunity, number), line_no, change, now=now)
    return _save(uow, opportunity, edited)


@dataclass(frozen=True)
class Closed:
    """A won or lost opportunity and the activities still open about it."""

    opportunity: Opportunity
    still_open: list[Activity]


def win(
    uow: UnitOfWork,
    number: str,
    *,
    actual_revenue: str | None = None,
    today: date,
    now: datetime,
) -> Closed:
    """Close an open opportunity as won (refused while a quote of it is draft or active)."""
    current = uow.get(Opportunity, number)
    opportunity, won = rules.win_opportunity(
        current,
        actual_revenue=actual_revenue,
        quotes=uow.quotes_of(current.number),
        today=today,
        now=now,
    )
    _save(uow, opportunity, won)
    opened = activities.open_regarding(uow, opportunity.number)[opportunity.number]
    return Closed(opportunity, opened)


def loser(
    uow: UnitOfWork,
    reason: str,
    *,
    competitor: str | None = None,
    today: date,
    now: datetime,
) -> Callable[[str], Opportunity]:
    """What closes one opportunity (by number) as lost: a batch applies it to each; the
    quotes are grouped once for all of them."""
    from salesflow.models import Quote

    quotes_of = uow.group_by(Quote, "opportunity", text_key)

    def lose(number: str) -> Opportunity:
        current = uow.get(Opportunity, number)
        opportunity, lost = rules.lose_opportunity(
            current,
            reason,
            competitor=competitor,
            quotes=quotes_of(current.number.upper()),
            today=today,
            now=now,
        )
        return _save(uow, opportunity, lost)

    return lose


def still_open(uow: UnitOfWork, opportunities: list[Opportunity]) -> list[Closed]:
    """Each opportunity with the activities still open about it (read in one pass)."""
    opened = activities.open_regarding(uow, *(o.number for o in opportunities))
    return [Closed(o, opened[o.number]) for o in opportunities]


def reopen(uow: UnitOfWork, number: str, *, now: datetime) -> Opportunity:
    """Reopen a won or lost opportunity (refused when a won one has a live order)."""
    current = uow.get(Opportunity, number)
    orders = uow.all(Order, Match.where(opportunity=current.number))
    opportunity, reopened = rules.reopen_opportunity(current, orders=orders, now=now)
    return _save(uow, opportunity, reopened)
