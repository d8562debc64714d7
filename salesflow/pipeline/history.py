"""A customer's story: which records belong to one chain, and their events in time order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from salesflow.models import Account, Contact, Event, Lead, Opportunity, Record


def _links(record: Record) -> list[str]:
    """The numbers a record names along the links a deal's story follows."""
    return [
        value
        for link in record.record_type.links
        if link.story and isinstance(value := getattr(record, link.field, None), str)
    ]


def chain_numbers(start: str, records: Iterable[Record]) -> set[str]:
    """Every number in the chain of `start`: lead, account, contact, opportunity, quotes, ...

    From a lead, opportunity, quote, order or invoice the chain is that deal (and its account and
    contact); from an account or contact it is every deal of that customer.
    """
    by_number: dict[str, list[Record]] = {}
    opportunity_members: dict[str, list[str]] = {}
    customer_deals: dict[str, set[str]] = {}
    for record in records:
        number = record.number.upper()  # type: ignore[attr-defined]
        by_number.setdefault(number, []).append(record)
        opportunity = _opportunity_of(record)
        if opportunity:
            opportunity_members.setdefault(opportunity.upper(), []).append(number)
            for customer in (getattr(record, "account", None), getattr(record, "contact", None)):
                if customer and not isinstance(record, (Account, Contact)):
                    customer_deals.setdefault(customer.upper(), set()).add(opportunity.upper())

    start = start.upper()
    if start not in by_number:
        return set()
    first = by_number[start][0]
    if isinstance(first, (Account, Contact)):
        deals = customer_deals.get(start, set())
    else:
        opportunity = _opportunity_of(first)
        deals = {opportunity.upper()} if opportunity else set()
    chain = {start}
    for deal in deals:
        for member in opportunity_members.get(deal, []):
            chain.add(member)
            for record in by_number.get(member, []):
                chain.update(link.upper() for link in _links(record))
    if isinstance(first, Lead) or not deals:
        chain.update(link.upper() for link in _links(first))
    return chain


def _opportunity_of(record: Record) -> str | None:
    if isinstance(record, Opportunity):
        return record.number
    if isinstance(record, (Account, Contact)):
        return None  # a customer of many deals (an account's own `opportunity` is no field)
    value = getattr(record, "opportunity", None)
    return value if isinstance(value, str) else None


def story(events: Sequence[Event]) -> list[Event]:
    """Events in time order; events of the same moment keep the order they were recorded in."""
    return sorted(events, key=lambda e: e.at)
