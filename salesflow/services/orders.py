"""Use cases of orders: list, show, fulfil into invoices, cancel.

Each takes a unit of work and plain values (today, now, the invoice date) and returns what the
command shows; the rules are the pipeline's (`salesflow.pipeline.orders`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from salesflow.models import Order, Record
from salesflow.pipeline import listing
from salesflow.pipeline import orders as rules
from salesflow.services import allocator
from salesflow.services.quotes import customer_names, deal_listing
from salesflow.services.settings import settings

if TYPE_CHECKING:
    from salesflow.pipeline.listing import ListQuery
    from salesflow.store.contract import UnitOfWork


@dataclass(frozen=True)
class Listed:
    """The orders a list shows, and each one's customer."""

    records: list[Order]
    customer: Callable[[Record], str]


def listed(uow: UnitOfWork, query: ListQuery) -> Listed:
    """Orders (oldest first) filtered, sorted and cut by a list's options."""
    found = uow.list_records(Order, deal_listing(uow, listing.ORDERS, query))
    return Listed(listing.arrange(found, query, listing.model_value), customer_names(uow))


def get(uow: UnitOfWork, number: str) -> Order:
    return uow.get(Order, number)


def fulfiller(
    uow: UnitOfWork,
    *,
    invoice_date: date,
    delivery_date: date | None = None,
    now: datetime,
) -> Callable[[str], rules.Fulfilled]:
    """What fulfils one active order (by number) into its invoice: a batch applies it to each.

    The invoice is due after the seller's payment terms.
    """
    allocate = allocator(uow)
    payment_terms = settings(uow).payment_terms

    def fulfil(number: str) -> rules.Fulfilled:
        result = rules.fulfil_order(
            uow.get(Order, number),
            numbers=allocate,
            invoice_date=invoice_date,
            payment_terms=payment_terms,
            now=now,
            delivery_date=delivery_date,
            seller=uow.seller,
        )
        uow.put(result.order, result.invoice)
        uow.add_events(result.events)
        return result

    return fulfil


def cancel(uow: UnitOfWork, number: str, *, today: date, now: datetime) -> Order:
    order, canceled = rules.cancel_order(uow.get(Order, number), today=today, now=now)
    uow.put(order)
    uow.add_events([canceled])
    return order
