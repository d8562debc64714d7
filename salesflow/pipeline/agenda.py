"""The agenda: what is due in a period, overdue first, day by day.

Open tasks, calls and meetings, and the work the pipeline itself shows: invoices overdue, quotes
about to expire, opportunities at or past their close date, open leads nobody touched for a while,
and active orders not fulfilled after a while (thresholds in the settings). Each item says when,
what, the record, the customer, the amount where there is one, and the command that acts on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from salesflow.models import (
    Activity,
    Invoice,
    Lead,
    LeadStatus,
    Opportunity,
    OpportunityStatus,
    Order,
    OrderStatus,
    Quote,
    QuoteStatus,
)
from salesflow.pipeline.activities import SCHEDULED, is_due
from salesflow.pipeline.invoices import is_overdue as invoice_overdue

KIND_ORDER = ("meeting", "call", "task", "invoice", "quote", "order", "opportunity", "lead")
"""Within a day and time: appointments first, then calls and tasks, then the pipeline's work."""


@dataclass(frozen=True)
class Thresholds:
    """How many days before the agenda shows a quote's expiry, an untouched lead, an order
    not fulfilled (`agenda_quote_days`, `agenda_lead_days`, `agenda_order_days`)."""

    quote_days: int = 7
    lead_days: int = 14
    order_days: int = 14


@dataclass(frozen=True)
class Period:
    """The days an agenda covers; anything dated before `start` is overdue."""

    start: date
    end: date

    @classmethod
    def day(cls, day: date) -> Period:
        return cls(day, day)

    @classmethod
    def week(cls, first: date) -> Period:
        return cls(first, first + timedelta(days=6))


@dataclass(frozen=True)
class AgendaItem:
    """One line of the agenda."""

    date: date
    kind: str
    number: str
    regarding: str
    subject: str
    customer: str | None
    amount: Decimal | None
    command: str
    at: time | None = None
    overdue: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "time": self.at.strftime("%H:%M") if self.at else None,
            "overdue": self.overdue,
            "kind": self.kind,
            "number": self.number,
            "regarding": self.regarding,
            "subject": self.subject,
            "customer": self.customer,
            "amount": f"{self.amount:.2f}" if self.amount is not None else None,
            "command": self.command,
        }


@dataclass(frozen=True)
class Work:
    """The records an agenda is made of (the shell may pass more: each is checked here)."""

    activities: Iterable[Activity] = ()
    invoices: Iterable[Invoice] = ()
    quotes: Iterable[Quote] = ()
    opportunities: Iterable[Opportunity] = ()
    leads: Iterable[Lead] = ()
    orders: Iterable[Order] = ()


def customer_name(doc: Mapping[str, Any], account: Mapping[str, Any] | None) -> str:
    """Who a record is for, from stored fields: a deal's account name, else the record's own
    company or name (a lead, an account, a contact)."""
    if account is not None and account.get("name"):
        return str(account["name"])
    if doc.get("company") or doc.get("name"):
        return str(doc.get("company") or doc.get("name"))
    return " ".join(str(doc[k]) for k in ("first_name", "last_name") if doc.get(k))


def last_touches(touches: Iterable[tuple[str, str]]) -> dict[str, date]:
    """The last day each record was touched, by upper-case number, from (number, ISO date)
    pairs: an activity touches its record on the day it is done, else the day it was made
    (`touch_of`). ISO dates compare as text, so a shell may feed stored documents."""
    latest: dict[str, str] = {}
    for number, day in touches:
        key = number.upper()
        if day > latest.get(key, ""):
            latest[key] = day
    return {key: date.fromisoformat(day) for key, day in latest.items()}


def touch_of(activity: Activity) -> tuple[str, str]:
    """The (number, ISO date) an activity touches its record on, for `last_touches`."""
    return activity.regarding, (activity.completed_on or activity.created_on).isoformat()


def untouched_day(created_on: date, touched: date | None, thresholds: Thresholds) -> date:
    """The day an open lead counts as untouched: `lead_days` after its creation or its last
    activity, whichever is later."""
    return max(created_on, touched or created_on) + timedelta(days=thresholds.lead_days)


def lead_window(period: Period, thresholds: Thresholds) -> tuple[date, date]:
    """Untouched leads are listed from the day they become untouched until `lead_days` later
    (overdue by then); leads untouched longer are only counted (`Agenda.stale_leads`): an
    agenda of every lead a file ever gathered would hide the day's work."""
    return period.start - timedelta(days=thresholds.lead_days), period.end


def agenda(
    work: Work,
    period: Period,
    *,
    customers: Mapping[str, str],
    touches: Mapping[str, date],
    thresholds: Thresholds = Thresholds(),
) -> list[AgendaItem]:
    """The agenda for `period`: every item dated up to its last day (quotes: expiring up to
    `quote_days` after it; leads: see `lead_window`), sorted by date, time and kind; items
    dated before its first day are overdue.

    `customers` names the customer of a record by upper-case number (an account's name, a
    lead's company); `touches` is `last_touches` of the activities about leads.
    """
    start, end = period.start, period.end
    items: list[AgendaItem] = []

    def add(day: date, kind: str, number: str, regarding: str, subject: str, **more: Any) -> None:
        items.append(
            AgendaItem(
                date=day,
                kind=kind,
                number=number,
                regarding=regarding,
                subject=subject,
                customer=customers.get(regarding.upper()) or None,
                overdue=day < start,
                **more,
            )
        )

    for activity in work.activities:
        if activity.kind in SCHEDULED and is_due(activity, end):
            assert activity.due is not None
            add(
                activity.due,
                activity.kind,
                activity.number,
                activity.regarding,
                activity.subject,
                at=activity.at,
                amount=None,
                command=f"salesflow activity done {activity.number}",
            )
    for invoice in work.invoices:
        if invoice_overdue(invoice, end):
            add(
                invoice.due_date,
                "invoice",
                invoice.number,
                invoice.number,
                f"payment due {invoice.due_date.isoformat()}",
                amount=invoice.balance,
                command=f"salesflow invoice pay {invoice.number}",
            )
    expiring = end + timedelta(days=thresholds.quote_days)
    for quote in work.quotes:
        if quote.status is QuoteStatus.ACTIVE and quote.valid_until <= expiring:
            add(
                quote.valid_until,
                "quote",
                quote.number,
                quote.number,
                f"valid until {quote.valid_until.isoformat()}",
                amount=quote.total,
                command=f"salesflow quote accept {quote.number}",
            )
    for opportunity in work.opportunities:
        close = opportunity.close_date
        if opportunity.status is OpportunityStatus.OPEN and close is not None and close <= end:
            add(
                close,
                "opportunity",
                opportunity.number,
                opportunity.number,
                f"{opportunity.name}: close date {close.isoformat()}",
                amount=opportunity.estimated_revenue,
                command=f"salesflow opp win {opportunity.number}",
            )
    first, last = lead_window(period, thresholds)
    for lead in work.leads:
        if lead.status is not LeadStatus.OPEN:
            continue
        day = untouched_day(lead.created_on, touches.get(lead.number.upper()), thresholds)
        if first <= day <= last:
            since = day - timedelta(days=thresholds.lead_days)
            add(
                day,
                "lead",
                lead.number,
                lead.number,
                f"{lead.name or lead.company}: untouched since {since.isoformat()}",
                amount=lead.estimated_value,
                command=f"salesflow lead qualify {lead.number}",
            )
    for order in work.orders:
        day = order.created_on + timedelta(days=thresholds.order_days)
        if order.status is OrderStatus.ACTIVE and day <= end:
            add(
                day,
                "order",
                order.number,
                order.number,
                f"not fulfilled since {order.created_on.isoformat()}",
                amount=order.total,
                command=f"salesflow order fulfil {order.number}",
            )
    items.sort(key=_sort_key)
    return items


def _sort_key(item: AgendaItem) -> tuple[date, time, int, int]:
    digits = item.number.rsplit("-", 1)[-1]
    return (
        item.date,
        item.at or time.max,
        KIND_ORDER.index(item.kind),
        int(digits) if digits.isdigit() else 0,
    )
