"""Invoices: payments until paid, credit notes, cancellation while nothing is paid or credited
(the order can then be billed again), and overdue (derived).

`overdue` is not stored: an invoice is overdue when today is past its due date and it still has
a balance. The shell passes `today` in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from salesflow.errors import InvalidValue, Refused, UsageError
from salesflow.models import (
    CreditNote,
    Event,
    Invoice,
    InvoiceStatus,
    Line,
    Order,
    OrderStatus,
    Payment,
)
from salesflow.pipeline.fields import choice, clean, event
from salesflow.pipeline.lines import make_line
from salesflow.pipeline.money import ZERO, parse_money, total
from salesflow.pipeline.owners import inherited
from salesflow.pipeline.states import guard

STATUS_FILTERS = ("unpaid", "partially-paid", "paid", "overdue", "canceled")


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


def settled_status(invoice: Invoice) -> InvoiceStatus:
    """The status an invoice's payments and credit notes give it: paid once nothing is left,
    partially-paid after a payment, else unpaid (a cancelled invoice stays cancelled)."""
    if invoice.status is InvoiceStatus.CANCELED:
        return InvoiceStatus.CANCELED
    if invoice.balance == ZERO and (invoice.payments or invoice.credited):
        return InvoiceStatus.PAID
    return InvoiceStatus.PARTIALLY_PAID if invoice.payments else InvoiceStatus.UNPAID


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
    updated = updated.model_copy(update={"status": settled_status(updated)})
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
    if invoice.credit_notes:
        raise Refused(
            f"invoice {invoice.number} has credit note {', '.join(invoice.credit_notes)}; an "
            "invoice with credit notes cannot be canceled: credit the rest with `invoice credit`"
        )
    cancelled = invoice.model_copy(update={"status": InvoiceStatus.CANCELED, "canceled_on": today})
    events = [event(now, invoice.number, "canceled", invoice.status, cancelled.status)]
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
                canceled_invoice=invoice.number,
            )
        )
    return Cancelled(cancelled, reopened, events)


# --- credit notes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credited:
    """The new credit note and its invoice, whose balance it lowered."""

    credit_note: CreditNote
    invoice: Invoice
    events: list[Event]


def _positions(text: str, invoice: Invoice) -> list[Line]:
    """The invoice's lines at positions `1,3` (as its documents number them, 1…n)."""
    who = f"invoice {invoice.number}"
    chosen: list[Line] = []
    for part in text.split(","):
        try:
            position = int(part.strip())
        except ValueError:
            raise InvalidValue(f"{who}: line {part.strip()!r} is not a line position") from None
        if not 1 <= position <= len(invoice.lines):
            raise InvalidValue(
                f"{who}: has no line {position}; its lines are 1 to {len(invoice.lines)}"
            )
        line = invoice.lines[position - 1]
        if line in chosen:
            raise InvalidValue(f"{who}: line {position} is given twice")
        chosen.append(line)
    return chosen


def _amount_line(invoice: Invoice, amount: str, reason: str | None) -> Line:
    """One line crediting `amount` (excluding VAT) at the invoice's one VAT rate."""
    who = f"invoice {invoice.number}"
    value = parse_money(amount, f"{who}: credit amount", allow_negative=True)
    if value <= ZERO:
        raise InvalidValue(f"{who}: credit amount {amount.strip()!r} must be more than 0")
    rates = sorted({line.tax_rate.normalize() for line in invoice.lines})
    if len(rates) > 1:
        shown = " and ".join(f"{rate:f}%" for rate in rates)
        raise InvalidValue(
            f"{who}: has lines at {shown} VAT; an amount cannot say which rate it credits: "
            "credit whole lines with --lines 1,2"
        )
    return make_line(
        1,
        description=reason or f"Credit on {invoice.number}",
        quantity=Decimal(1),
        unit_price=value,
        tax_rate=rates[0] if rates else ZERO,
    )


def credit_invoice(
    invoice: Invoice,
    *,
    number: str,
    amount: str | None = None,
    lines: str | None = None,
    reason: str | None = None,
    today: date,
    now: datetime,
    seller: str | None = None,
) -> Credited:
    """A credit note on an unpaid or partially paid invoice, numbered in its own gapless yearly
    series (`CN-2026-0001`), lowering the invoice's balance by the note's total. The note
    belongs to the invoice's owner (`seller`, who credits, when the invoice has none).

    It credits `amount` (excluding VAT, at the invoice's one VAT rate), the lines at positions
    `lines` (`1,3`), or without either every line. Its total may not be more than the balance;
    when it equals it the invoice is paid (settled). Raises UsageError for both options,
    Refused for a paid or cancelled invoice, InvalidValue for a bad amount or position.
    """
    if amount is not None and lines is not None:
        raise UsageError("give the credit as --amount A or --lines 1,2 (one of them)")
    guard("invoice", invoice.number, invoice.status, "credit")
    why = clean(reason)
    if amount is not None:
        credited = [_amount_line(invoice, amount, why)]
    else:
        chosen = _positions(lines, invoice) if lines is not None else list(invoice.lines)
        credited = [
            line.model_copy(update={"line_no": position})
            for position, line in enumerate(chosen, start=1)
        ]
    note = CreditNote(
        number=number,
        owner=inherited(invoice, seller),
        invoice=invoice.number,
        opportunity=invoice.opportunity,
        account=invoice.account,
        contact=invoice.contact,
        currency=invoice.currency,
        lines=credited,
        last_line_no=len(credited),
        credit_date=today,
        reason=why,
        customer_reference=invoice.customer_reference,
        vat_treatment=invoice.vat_treatment,
    )
    if not credited or note.total <= ZERO:
        raise InvalidValue(f"invoice {invoice.number}: a credit note needs an amount above 0")
    if note.total > invoice.balance:
        raise InvalidValue(
            f"invoice {invoice.number}: credit {note.total} is more than the balance "
            f"{invoice.balance}"
        )
    updated = invoice.model_copy(
        update={
            "credited_by": [*invoice.credit_notes, number],
            "credited_amount": invoice.credited + note.total,
        }
    )
    updated = updated.model_copy(update={"status": settled_status(updated)})
    return Credited(
        note,
        updated,
        [
            event(
                now,
                number,
                "created",
                None,
                None,
                invoice=invoice.number,
                total=note.total,
                reason=why,
            ),
            event(
                now,
                invoice.number,
                "credited",
                invoice.status,
                updated.status if updated.status != invoice.status else None,
                credit_note=number,
                amount=note.total,
                balance=updated.balance,
            ),
        ],
    )


def credited_total(notes: Iterable[CreditNote]) -> Decimal:
    return total(note.total for note in notes)
