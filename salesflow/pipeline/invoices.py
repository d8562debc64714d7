"""Invoices: payments until paid, cancellation while nothing is paid (the order can then be
billed again), and overdue (derived).

`overdue` is not stored: an invoice is overdue when today is past its due date and it still has
a balance. The shell passes `today` in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from salesflow.errors import InvalidValue
from salesflow.models import Event, Invoice, InvoiceStatus, Order, OrderStatus, Payment
from salesflow.pipeline.money import ZERO, parse_money
from salesflow.pipeline.records import choice, event
from salesflow.pipeline.states import guard

STATUS_FILTERS = ("unpaid", "partially-paid", "paid", "overdue", "cancelled")


def is_overdue(invoice: Invoice, today: date) -> bool:
    """Past its due date with a balance left (cancelled and paid invoices never are)."""
    return (
        invoice.status in (InvoiceStatus.UNPAID, InvoiceStatus.PARTIALLY_PAID)
        and today > invoice.due_date
        and invoice.balance > ZERO
    )


def status_filter(status: str | None, today: date) -> Callable[[Invoice], bool]:
    """A predicate on invoices for `invoice list --status` (`overdue` is derived)."""
    wanted = choice(status, STATUS_FILTERS, "status") if status else None

    def keep(invoice: Invoice) -> bool:
        if wanted is None:
            return True
        if wanted == "overdue":
            return is_overdue(invoice, today)
        return invoice.status == wanted

    return keep


def pay_invoice(
    invoice: Invoice, *, amount: str | None = None, paid_on: date, now: datetime
) -> tuple[Invoice, Event]:
    """Record a payment on an unpaid or partially paid invoice; the default is the balance.

    The amount must be more than 0 and at most the balance. The invoice becomes paid when the
    balance reaches 0, else partially-paid. Raises Refused for a paid or cancelled invoice and
    InvalidValue for a bad amount.
    """
    guard("invoice", invoice.number, invoice.status, "pay")
    balance = invoice.balance
    who = f"invoice {invoice.number}"
    if amount is None:
        paid = balance
    else:
        paid = parse_money(amount, f"{who}: payment amount", allow_negative=True)
        if paid <= ZERO:
            raise InvalidValue(f"{who}: payment amount {amount.strip()!r} must be more than 0")
        if paid > balance:
            raise InvalidValue(f"{who}: payment amount {paid} is more than the balance {balance}")
    payment = Payment(
        payment_no=max((p.payment_no for p in invoice.payments), default=0) + 1,
        amount=paid,
        paid_on=paid_on,
    )
    updated = invoice.model_copy(update={"payments": [*invoice.payments, payment]})
    status = InvoiceStatus.PAID if updated.balance == ZERO else InvoiceStatus.PARTIALLY_PAID
    updated = updated.model_copy(update={"status": status})
    return updated, event(
        now,
        invoice.number,
        "payment",
        invoice.status,
        updated.status,
        payment=payment.payment_no,
        amount=paid,
        paid_on=paid_on,
        balance=updated.balance,
    )


@dataclass(frozen=True)
class Cancelled:
    """The cancelled invoice, and its order when that is open for billing again."""

    invoice: Invoice
    order: Order | None
    events: list[Event]


def cancel_invoice(
    invoice: Invoice, *, order: Order | None = None, today: date, now: datetime
) -> Cancelled:
    """Cancel an unpaid invoice; its number stays taken (numbers are never reused).

    The order it billed (`order`, when given) is active again, as in ERPNext where cancelling a
    sales invoice puts its order back to "to bill": fulfil it for a new invoice, or cancel it.
    Raises Refused once anything is paid.
    """
    paid = f"paid {invoice.amount_paid}" if invoice.payments else None
    guard("invoice", invoice.number, invoice.status, "cancel", paid)
    cancelled = invoice.model_copy(
        update={"status": InvoiceStatus.CANCELLED, "cancelled_on": today}
    )
    events = [event(now, invoice.number, "cancelled", invoice.status, cancelled.status)]
    reopened = None
    if order is not None and order.invoice == invoice.number:
        guard("order", order.number, order.status, "rebill")
        reopened = order.model_copy(
            update={"status": OrderStatus.ACTIVE, "fulfilled_on": None, "invoice": None}
        )
        events.append(
            event(
                now,
                order.number,
                "reopened",
                order.status,
                reopened.status,
                cancelled_invoice=invoice.number,
            )
        )
    return Cancelled(cancelled, reopened, events)
