"""Use cases of quotes: create, lines and discount while draft, activate, accept into an order,
close, revise, delete, list and show; and what the lists of quotes, orders and invoices share
(a record's source and customer, found on other records).

Each takes a unit of work and plain values (today, now) and returns what the command shows;
the rules are the pipeline's (`salesflow.pipeline.quotes`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from salesflow.models import Account, Activity, Contact, Lead, Opportunity, Product, Quote, Record
from salesflow.pipeline import listing
from salesflow.pipeline import quotes as rules
from salesflow.pipeline.lines import LineEdit, LineSpec
from salesflow.pipeline.vat import VatTreatment, vat_treatment
from salesflow.services import activities, allocator
from salesflow.services.opportunities import names_of, text_key
from salesflow.services.settings import settings
from salesflow.store.contract import Listing, Stored

if TYPE_CHECKING:
    from salesflow.models import Event
    from salesflow.pipeline.listing import ListQuery, ListSpec
    from salesflow.store.contract import UnitOfWork


# --- finding quotes ----------------------------------------------------------------------------


def revisions_of(uow: UnitOfWork, number: str) -> list[Quote]:
    """Every stored revision of quote `number` (any case, short too), oldest first."""
    wanted = uow.full_number(Quote, number).strip().upper()
    return sorted(uow.revisions(wanted), key=lambda q: q.revision)


def load(
    uow: UnitOfWork,
    number: str,
    revision: int | None = None,
    revisions: Callable[[str], list[Quote]] | None = None,
) -> Quote:
    """Revision `revision` of a quote, else its latest; NotFound names the revisions it has.

    `revisions` (a batch's `group_by(Quote, "number", ...)`) finds them without a scan.
    """
    wanted = uow.full_number(Quote, number).strip().upper()
    found = (
        revisions_of(uow, wanted)
        if revisions is None
        else sorted(revisions(wanted), key=lambda q: q.revision)
    )
    return rules.pick_revision(wanted, found, revision)


def customer_of(uow: UnitOfWork, record: Quote | Opportunity) -> Account | Contact | None:
    """Whom a deal sells to: its account, else its contact."""
    return (uow.find(Account, record.account) if record.account else None) or (
        uow.find(Contact, record.contact) if record.contact else None
    )


def vat_for(uow: UnitOfWork, record: Quote | Opportunity) -> VatTreatment:
    """The VAT treatment of a sale to `record`'s customer (account, else contact)."""
    customer = customer_of(uow, record)
    return vat_treatment(
        settings(uow).country,
        customer.country if customer else None,
        customer.vat_id if customer else None,
    )


# --- changes -----------------------------------------------------------------------------------


def _save(uow: UnitOfWork, quote: Quote, event: Event) -> Quote:
    uow.put(quote)
    uow.add_events([event])
    return quote


def create(
    uow: UnitOfWork, opportunity: str, *, valid_until: str | None, today: date, now: datetime
) -> rules.Quoted:
    """A draft quote from an open opportunity's lines; the opportunity moves to propose."""
    deal = uow.get(Opportunity, opportunity)
    result = rules.create_quote(
        deal,
        number=allocator(uow)(Quote.prefix),
        valid_until=valid_until,
        vat=vat_for(uow, deal),
        today=today,
        now=now,
        owner=uow.seller,
    )
    uow.put(result.quote, result.opportunity)
    uow.add_events(result.events)
    return result


def add_product(uow: UnitOfWork, number: str, line: LineSpec, *, now: datetime) -> Quote:
    """A catalog product or write-in line added to a draft quote (latest revision)."""
    quote, added = rules.add_quote_product(
        load(uow, number),
        line,
        products={p.sku.upper(): p for p in uow.all(Product)},
        default_tax_rate=settings(uow).tax_rate,
        now=now,
    )
    return _save(uow, quote, added)


def remove_product(uow: UnitOfWork, number: str, line_no: int, *, now: datetime) -> Quote:
    quote, removed = rules.remove_quote_product(load(uow, number), line_no, now=now)
    return _save(uow, quote, removed)


def edit_line(
    uow: UnitOfWork, number: str, line_no: int, change: LineEdit, *, now: datetime
) -> Quote:
    quote, edited = rules.edit_quote_line(load(uow, number), line_no, change, now=now)
    return _save(uow, quote, edited)


def edit(
    uow: UnitOfWork,
    number: str,
    *,
    valid_until: str | None,
    customer_reference: str | None,
    today: date,
    now: datetime,
) -> Quote:
    quote, edited = rules.edit_quote(
        load(uow, number),
        valid_until=valid_until,
        customer_reference=customer_reference,
        today=today,
        now=now,
    )
    return _save(uow, quote, edited)


def discount(
    uow: UnitOfWork, number: str, *, percent: str | None, amount: str | None, now: datetime
) -> Quote:
    quote, discounted = rules.discount_quote(
        load(uow, number), percent=percent, amount=amount, now=now
    )
    return _save(uow, quote, discounted)


def activator(uow: UnitOfWork, *, today: date, now: datetime) -> Callable[[str], Quote]:
    """What activates one quote (by number): a batch applies it to each; the revisions are
    grouped once for all of them."""
    revisions = uow.group_by(Quote, "number", text_key)

    def activate(number: str) -> Quote:
        quote, activated = rules.activate_quote(
            load(uow, number, revisions=revisions), today=today, now=now
        )
        return _save(uow, quote, activated)

    return activate


def accept(uow: UnitOfWork, number: str, *, today: date, now: datetime) -> rules.Accepted:
    """Accept an active quote: its order, the won opportunity, its other quotes closed."""
    quote = load(uow, number)
    result = rules.accept_quote(
        quote,
        opportunity=uow.get(Opportunity, quote.opportunity),
        quotes=uow.quotes_of(quote.opportunity),
        numbers=allocator(uow),
        today=today,
        now=now,
        seller=uow.seller,
    )
    uow.put(result.quote, result.order, result.opportunity, *result.closed)
    uow.add_events(result.events)
    return result


def close(uow: UnitOfWork, number: str, reason: str, *, today: date, now: datetime) -> Quote:
    quote, closed = rules.close_quote(load(uow, number), reason, today=today, now=now)
    return _save(uow, quote, closed)


def revise(uow: UnitOfWork, number: str, *, today: date, now: datetime) -> Quote:
    """A new draft revision of an active or lost quote (which closes as revised)."""
    quote = load(uow, number)
    result = rules.revise_quote(
        quote, opportunity=uow.get(Opportunity, quote.opportunity), today=today, now=now
    )
    uow.put(result.closed, result.draft)
    uow.add_events(result.events)
    return result.draft


@dataclass(frozen=True)
class Deleted:
    """The deleted draft and the activities moved from it to its opportunity."""

    quote: Quote
    moved: list[Activity]


def delete(uow: UnitOfWork, number: str, *, now: datetime) -> Deleted:
    """Delete a draft quote (its latest revision); the activities about a quote that goes
    away with its first revision move to the opportunity."""
    quote = load(uow, number)
    deleted = rules.delete_quote(quote, now=now)
    uow.remove(quote)
    uow.add_events([deleted])
    moved = (
        activities.move_off(uow, quote.number, quote.opportunity, now=now)
        if quote.revision == 1
        else []
    )
    return Deleted(quote, moved)


# --- lists of quotes, orders and invoices -------------------------------------------------------


def customer_names(uow: UnitOfWork) -> Callable[[Record], str]:
    """A record's customer as people know it: its account's name (the number when unnamed)."""
    name_of = names_of(uow, Account)

    def name(record: Record) -> str:
        account = str(getattr(record, "account", None) or "")
        return name_of(account) or account

    return name


def _source_of(uow: UnitOfWork) -> Callable[[Stored], str | None]:
    """The source behind a stored quote, order or invoice: its opportunity's own, else the
    opportunity's lead's."""
    deals = uow.index_by(Opportunity, "number", text_key)
    sources: dict[str, str | None] = {}

    def source(stored: Stored) -> str | None:
        number = text_key(stored.get("opportunity"))
        if number not in sources:
            deal = deals.get(number)
            found = deal.source if deal is not None else None
            if deal is not None and not found and deal.lead:
                lead = uow.find(Lead, deal.lead)
                found = lead.source if lead is not None else None
            sources[number] = found
        return sources[number]

    return source


def _customer_text(uow: UnitOfWork) -> Callable[[Stored], str]:
    """Searchable text of a stored record's account (name) and contact (name, email), folded."""
    account_name = names_of(uow, Account)
    contacts = uow.index_by(Contact, "number", text_key)
    people: dict[str, str] = {}

    def person(number: object) -> str:
        key = text_key(number)
        if key not in people:
            found = contacts.get(key)
            fields = (found.first_name, found.last_name, found.email) if found else ()
            people[key] = listing.fold(" ".join(str(f or "") for f in fields))
        return people[key]

    def text(stored: Stored) -> str:
        name = listing.fold(account_name(stored.get("account")))
        return f"{name} | {person(stored.get('contact'))}"

    return text


def deal_listing(
    uow: UnitOfWork,
    spec: ListSpec,
    query: ListQuery,
    *,
    status_of: Callable[[Stored], str] | None = None,
) -> Listing:
    """The question a list of quotes, orders or invoices asks: `--source` is the source of
    the opportunity (or lead) behind each record; `--search` also matches the account's name
    and the contact's name and email."""
    return Listing(
        query,
        spec,
        status_of=status_of,
        extra_text=_customer_text(uow) if query.search else None,
        source_of=_source_of(uow) if query.source else None,
    )


@dataclass(frozen=True)
class Listed:
    """The records a list shows, and each one's customer."""

    records: list[Quote]
    customer: Callable[[Record], str]


def listed(
    uow: UnitOfWork,
    query: ListQuery,
    *,
    opportunity: str | None = None,
    all_revisions: bool = False,
) -> Listed:
    """Quotes (the latest revision of each unless `all_revisions`; of one opportunity when
    given, which must exist) by number and revision, filtered, sorted and cut by a list's
    options."""
    # a filter naming no opportunity is a typo: say so rather than list nothing
    deal = uow.get(Opportunity, opportunity).number.upper() if opportunity else None
    found = uow.list_records(Quote, deal_listing(uow, listing.QUOTES, query))
    if deal is not None:
        found = [q for q in found if q.opportunity.upper() == deal]
    if not all_revisions:
        # the filters look at each revision alone, so dropping the earlier revisions after
        # them keeps the same records as dropping them before; revisions are numbered 1, 2, …
        # without gaps (a new one follows the latest, only the latest is ever deleted)
        found = [q for q in found if uow.find(Quote, f"{q.number}#{q.revision + 1}") is None]
    found.sort(key=lambda q: (len(q.number), q.number.upper(), q.revision))
    return Listed(listing.arrange(found, query, listing.model_value), customer_names(uow))


@dataclass(frozen=True)
class Shown:
    quote: Quote
    revisions: list[int]


def show(uow: UnitOfWork, number: str, revision: int | None = None) -> Shown:
    """A quote's revision (the latest unless `revision`) and the revisions it has."""
    wanted = uow.full_number(Quote, number).strip().upper()
    revisions = revisions_of(uow, wanted)
    quote = rules.pick_revision(wanted, revisions, revision)  # one look for both
    return Shown(quote, [q.revision for q in revisions])
