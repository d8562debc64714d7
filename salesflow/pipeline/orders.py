"""Orders: an accepted quote's lines and totals, fulfilled into an invoice or canceled.

An order's lines and totals never change after it is created; its invoice copies them, so the
quote, the order and the invoice agree to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from salesflow.errors import InvalidValue
from salesflow.models import Event, Invoice, Order, OrderStatus
from salesflow.pipeline.fields import add_days, event
from salesflow.pipeline.numbering import Numbers, invoice_series
from salesflow.pipeline.owners import inherited
from salesflow.pipeline.states import guard


@dataclass(frozen=True)
class Fulfilled:
    """The fulfilled order and its new invoice."""

    order: Order
    invoice: Invoice
    events: list[Event]


def fulfil_order(
    order: Order,
    *,
    numbers: Numbers,
    invoice_date: date,
    payment_terms: int,
    now: datetime,
    delivery_date: date | None = None,
    seller: str | None = None,
) -> Fulfilled:
    """Fulfil an active order: an unpaid invoice `INV-<year>-nnnn` with the order's lines,
    owned by the order's owner (`seller`, who fulfils, when the order has none).

    The number comes from the series of the invoice date's year (gapless, never reused);
    `due_date = invoice_date + payment_terms` days. The delivery (or service) date printed on
    the invoice is `delivery_date`, else the day the order is fulfilled (the invoice date).
    Raises Refused unless the order is active and InvalidValue for an invoice date before the
    order's date.
    """
    guard("order", order.number, order.status, "fulfil")
    if invoice_date < order.created_on:
        raise InvalidValue(
            f"order {order.number}: invoice date {invoice_date.isoformat()} is before the "
            f"order date {order.created_on.isoformat()}"
        )
    invoice = invoice_from_order(
        order,
        number=numbers(invoice_series(invoice_date.year)),
        invoice_date=invoice_date,
        payment_terms=payment_terms,
        seller=seller,
    )
    if delivery_date is not None:
        invoice = invoice.model_copy(update={"delivery_date": delivery_date})
    fulfilled = order.model_copy(
        update={
            "status": OrderStatus.FULFILLED,
            "fulfilled_on": invoice_date,
            "invoice": invoice.number,
        }
    )
    return Fulfilled(
        fulfilled,
        invoice,
        [
            event(
                now,
                order.number,
                "fulfilled",
                order.status,
                fulfilled.status,
                invoice=invoice.number,
            ),
            event(
                now,
                invoice.number,
                "created",
                None,
                invoice.status,
                order=order.number,
                invoice_date=invoice.invoice_date,
                due_date=invoice.due_date,
                total=invoice.total,
            ),
        ],
    )


def invoice_from_order(
    order: Order,
    *,
    number: str,
    invoice_date: date,
    payment_terms: int,
    seller: str | None = None,
) -> Invoice:
    """An unpaid invoice with the order's lines (stored figures copied) and discount, owned
    by the order's owner (else `seller`)."""
    return Invoice(
        number=number,
        owner=inherited(order, seller),
        order=order.number,
        opportunity=order.opportunity,
        account=order.account,
        contact=order.contact,
        currency=order.currency,
        lines=[line.model_copy() for line in order.lines],
        discount=order.discount,
        discount_percent=order.discount_percent,
        customer_reference=order.customer_reference,
        vat_treatment=order.vat_treatment,
        invoice_date=invoice_date,
        due_date=add_days(
            invoice_date,
            payment_terms,
            f"order {order.number}: due date",
            "; give an earlier --date",
        ),
        payment_terms=payment_terms,
    )


def cancel_order(order: Order, *, today: date, now: datetime) -> tuple[Order, Event]:
    """Cancel an active order (a fulfilled order has an invoice: cancel that instead)."""
    guard("order", order.number, order.status, "cancel")
    canceled = order.model_copy(update={"status": OrderStatus.CANCELED, "canceled_on": today})
    return canceled, event(now, order.number, "canceled", order.status, canceled.status)
