"""The story of a deal (`salesflow history`): every record in its chain and their events."""

from __future__ import annotations

from dataclasses import dataclass

from salesflow.errors import NotFound
from salesflow.models import RECORD_TYPES, Activity, Event, Lead, Product, Record
from salesflow.pipeline.history import chain_numbers, story
from salesflow.services import activities
from salesflow.store.contract import Match, UnitOfWork

_CHAINED = tuple(model for model in RECORD_TYPES if model not in (Lead, Product, Activity))
"""The record types a chain is followed through, besides the leads that became deals."""


@dataclass(frozen=True)
class Story:
    number: str
    """The number the story was asked of (an activity's: the record it regards)."""
    chain: set[str]
    events: list[Event]


def deal_story(uow: UnitOfWork, number: str) -> Story:
    """The chain of `number` (lead, account, contact, opportunity, quotes, order, invoices, …;
    a product is a chain of its own; an activity tells the story of what it regards), with the
    activities about the chain, and their events in time order. NotFound for no such record."""
    wanted = number.strip().upper()
    activity = uow.find(Activity, wanted) if wanted.startswith(f"{Activity.prefix}-") else None
    if activity is not None:
        wanted = activity.regarding.upper()
    product = uow.find(Product, wanted)
    if product is not None:
        chain = {product.sku.upper()}
    else:
        # only leads that became deals take part in a chain, and the lead asked for itself
        dealt = [n for n, deal in uow.values(Lead, ("number", "opportunity")) if deal]
        records: list[Record] = list(uow.all(Lead, Match.where(number=(*dealt, wanted))))
        for model in _CHAINED:
            records.extend(uow.all(model))
        chain = chain_numbers(wanted, records)
    if not chain:
        raise NotFound(f"record {number} not found")
    # activities about the chain's records tell their part of the story
    chain |= {a.number.upper() for a in activities.of(uow, *chain)}
    return Story(wanted, chain, story(uow.events(chain)))
