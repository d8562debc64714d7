"""Use cases of invoices and credit notes: list, show, pay, cancel, credit.

Each takes a unit of work and plain values (today, now, dates) and returns what the command
shows; the rules are the pipeline's (`salesflow.pipeline.invoices`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from salesflow.errors import InvalidValue
from salesflow.models import CreditNote, Invoice, Order, Record
from salesflow.pipeline import invoices as rules
from salesflow.pipeline import listing
from salesflow.pipeline.numbering import credit_note_series
from salesflow.services import allocator
from salesflow.services.quotes import customer_names, deal_listing
from salesflow.store.contract import Stored

if TYPE_CHECKING:
    from salesflow.pipeline.listing import ListQuery
    from salesflow.store.contract import UnitOfWork


def record(uow: UnitOfWork, number: str) -> Invoice | CreditNote:
    """The invoice, or the credit note (`CN-…`), numbered `number`; NotFound if none."""
    if number.strip().upper().startswith("CN-"):
        return uow.get(CreditNote, number)
    return uow.get(Invoice, number)


@dataclass(frozen=True)
class Listed:
    """The invoices a list shows, and each one's customer."""

    records: list[Invoice]
    customer: Callable[[Record], str]


def _status_of(uow: UnitOfWork, wanted: str | None, today: date) -> Callable[[Stored], str]:
    """The status `--status` compares: `overdue` (derived from today) when that is asked for
    and the invoice is overdue, else the stored one, so an overdue unpaid invoice still lists
    under `--status unpaid`."""

    def status_of(stored: Stored) -> str:
        status = str(stored.get("status") or "unpaid")
        if (
            wanted == "overdue"
            and status in ("unpaid", "partially-paid")
            and str(stored.get("due_date") or "") < today.isoformat()
        ):
            invoice = uow.find(Invoice, str(stored.get("number") or ""))
            if invoice is not None and rules.is_overdue(invoice, today):
                return "overdue"
        return status

    return status_of


def listed(uow: UnitOfWork, query: ListQuery, *, today: date) -> Listed:
    """Invoices (oldest first) filtered, sorted and cut by a list's options; `--status
    overdue` is derived from `today`."""
    asked = deal_listing(
        uow, listing.INVOICES, query, status_of=_status_of(uow, query.status, today)
    )
    found = uow.list_records(Invoice, asked)
    return Listed(listing.arrange(found, query, listing.model_value), customer_names(uow))


def payer(
    uow: UnitOfWork, *, amount: str | None = None, paid_on: date, now: datetime
) -> Callable[[str], Invoice]:
    """What records a payment (`amount`, else the balance) on one invoice (by number): a batch
    applies it to each."""

    def pay(number: str) -> Invoice:
        invoice, paid = rules.pay_invoice(
            uow.get(Invoice, number), amount=amount, paid_on=paid_on, now=now
        )
        uow.put(invoice)
        uow.add_events([paid])
        return invoice

    return pay


def cancel(uow: UnitOfWork, number: str, *, today: date, now: datetime) -> rules.Cancelled:
    """Cancel an invoice nothing is paid on; its order is active again."""
    invoice = uow.get(Invoice, number)
    done = rules.cancel_invoice(invoice, order=uow.find(Order, invoice.order), today=today, now=now)
    uow.put(*filter(None, (done.invoice, done.order)))
    uow.add_events(done.events)
    return done


def credit(
    uow: UnitOfWork,
    number: str,
    *,
    amount: str | None = None,
    lines: str | None = None,
    reason: str | None = None,
    day: date,
    now: datetime,
) -> rules.Credited:
    """A credit note dated `day` on an invoice, numbered in the series of `day`'s year.

    Raises InvalidValue for a date before the invoice's (and see `credit_invoice`).
    """
    invoice = uow.get(Invoice, number)
    if day < invoice.invoice_date:
        raise InvalidValue(
            f"invoice {invoice.number}: credit note date {day.isoformat()} is before the "
            f"invoice date {invoice.invoice_date.isoformat()}"
        )
    done = rules.credit_invoice(
        invoice,
        number=allocator(uow)(credit_note_series(day.year)),
        amount=amount,
        lines=lines,
        reason=reason,
        today=day,
        now=now,
        seller=uow.seller,
    )
    uow.put(done.credit_note, done.invoice)
    uow.add_events(done.events)
    return done
