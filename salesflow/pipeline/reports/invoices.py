"""Reports on invoices: receivables aged by days past due, and sales per month."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from salesflow.models import Account, Invoice, InvoiceStatus, Opportunity
from salesflow.pipeline.money import total
from salesflow.pipeline.reports.base import (
    Filters,
    balance_as_of,
    is_live,
    money_text,
    month_key,
    month_span,
    paid_as_of,
    sources_of,
)

# --- receivables -------------------------------------------------------------------------------

BUCKETS = ("not_due", "days_1_30", "days_31_60", "days_61_90", "days_over_90")
BUCKET_LABELS = ("Not due", "1-30", "31-60", "61-90", "90+")
NO_ACCOUNT = "(no account)"


def bucket_of(days_overdue: int) -> str:
    """The aging bucket of an invoice `days_overdue` days past its due date (<= 0: not due)."""
    if days_overdue <= 0:
        return BUCKETS[0]
    if days_overdue <= 30:
        return BUCKETS[1]
    if days_overdue <= 60:
        return BUCKETS[2]
    if days_overdue <= 90:
        return BUCKETS[3]
    return BUCKETS[4]


@dataclass(frozen=True)
class Receivable:
    """One invoice still (partly) unpaid on the as-of date."""

    number: str
    account: str | None
    name: str
    invoice_date: date
    due_date: date
    days_overdue: int
    bucket: str
    total: Decimal
    paid: Decimal
    balance: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "account": self.account,
            "name": self.name,
            "invoice_date": self.invoice_date.isoformat(),
            "due_date": self.due_date.isoformat(),
            "days_overdue": max(self.days_overdue, 0),
            "bucket": self.bucket,
            "total": money_text(self.total),
            "paid": money_text(self.paid),
            "balance": money_text(self.balance),
        }


@dataclass(frozen=True)
class AgingRow:
    account: str | None
    name: str
    invoices: int
    buckets: tuple[Decimal, ...]
    total: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "name": self.name,
            "invoices": self.invoices,
            **{b: money_text(v) for b, v in zip(BUCKETS, self.buckets, strict=True)},
            "total": money_text(self.total),
        }


@dataclass(frozen=True)
class ReceivablesReport:
    filters: Filters
    as_of: date
    invoices: tuple[Receivable, ...]
    accounts: tuple[AgingRow, ...]
    total: AgingRow

    @property
    def empty(self) -> bool:
        return not self.invoices

    def as_dict(self) -> dict[str, Any]:
        totals = self.total.as_dict()
        del totals["account"], totals["name"]
        return {
            "filters": self.filters.as_dict(),
            "as_of": self.as_of.isoformat(),
            "accounts": [row.as_dict() for row in self.accounts],
            "total": totals,
            "invoices": [i.as_dict() for i in self.invoices],
        }


def _aging_row(account: str | None, name: str, items: Sequence[Receivable]) -> AgingRow:
    return AgingRow(
        account,
        name,
        len(items),
        tuple(total(i.balance for i in items if i.bucket == b) for b in BUCKETS),
        total(i.balance for i in items),
    )


def receivables_report(
    invoices: Iterable[Invoice],
    accounts: Iterable[Account],
    opportunities: Iterable[Opportunity],
    *,
    as_of: date,
    filters: Filters = Filters(),
) -> ReceivablesReport:
    """Invoices with an open balance on `as_of`, aged by days past their due date, per account.

    An invoice counts when it was issued on or before `as_of`, was not cancelled by then, and its
    payments up to `as_of` leave a balance; `filters` choose invoices by invoice date and the
    source of their opportunity. Each invoice is in exactly one bucket, so the buckets add up to
    the total outstanding.
    """
    names = {a.number.upper(): a.name for a in accounts}
    sources = sources_of(opportunities)
    items: list[Receivable] = []
    for invoice in invoices:
        if invoice.invoice_date > as_of or not filters.covers(invoice.invoice_date):
            continue
        if not filters.owns(invoice):
            continue
        if invoice.status is InvoiceStatus.CANCELED and (
            invoice.canceled_on is None or invoice.canceled_on <= as_of
        ):
            continue
        if not filters.has_source(sources.get(invoice.opportunity.upper())):
            continue
        paid = paid_as_of(invoice, as_of)
        balance = invoice.total - paid
        if balance <= 0:
            continue
        days = (as_of - invoice.due_date).days
        account = invoice.account.upper() if invoice.account else None
        items.append(
            Receivable(
                invoice.number,
                account,
                names.get(account, account) if account else NO_ACCOUNT,
                invoice.invoice_date,
                invoice.due_date,
                days,
                bucket_of(days),
                invoice.total,
                paid,
                balance,
            )
        )
    items.sort(key=lambda i: (i.due_date, i.number))
    groups: dict[str | None, list[Receivable]] = {}
    for item in items:
        groups.setdefault(item.account, []).append(item)
    rows = sorted(
        (_aging_row(account, group[0].name, group) for account, group in groups.items()),
        key=lambda r: (r.account is None, r.name.casefold(), r.account or ""),
    )
    return ReceivablesReport(filters, as_of, tuple(items), tuple(rows), _aging_row(None, "", items))


# --- sales -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SalesRow:
    month: str
    invoices: int
    invoiced: Decimal
    paid: Decimal
    outstanding: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "invoices": self.invoices,
            "invoiced": money_text(self.invoiced),
            "paid": money_text(self.paid),
            "outstanding": money_text(self.outstanding),
        }


@dataclass(frozen=True)
class SalesReport:
    filters: Filters
    today: date
    months: tuple[SalesRow, ...]
    total: SalesRow

    @property
    def empty(self) -> bool:
        return not self.months

    def as_dict(self) -> dict[str, Any]:
        totals = self.total.as_dict()
        del totals["month"]
        return {
            "filters": self.filters.as_dict(),
            "today": self.today.isoformat(),
            "months": [row.as_dict() for row in self.months],
            "total": totals,
        }


def sales_report(
    invoices: Iterable[Invoice],
    opportunities: Iterable[Opportunity],
    *,
    today: date,
    filters: Filters = Filters(),
) -> SalesReport:
    """Per month: invoiced (totals of the month's non-cancelled invoices), paid (payments made in
    the month, on any invoice), outstanding (what the month's invoices still owe today).

    `filters` choose invoices by invoice date and payments by payment date, both by the
    opportunity's source. Months run without gaps from the first to the last with activity.
    """
    sources = sources_of(opportunities)
    live = [
        i
        for i in invoices
        if is_live(i) and filters.has_source(sources.get(i.opportunity.upper())) and filters.owns(i)
    ]
    issued = [i for i in live if filters.covers(i.invoice_date)]
    payments = [p for i in live for p in i.payments if filters.covers(p.paid_on)]
    dates = [i.invoice_date for i in issued] + [p.paid_on for p in payments]
    rows: list[SalesRow] = []
    if dates:
        for month in month_span(min(dates), max(dates)):
            mine = [i for i in issued if month_key(i.invoice_date) == month]
            rows.append(
                SalesRow(
                    month,
                    len(mine),
                    total(i.total for i in mine),
                    total(p.amount for p in payments if month_key(p.paid_on) == month),
                    total(balance_as_of(i, today) for i in mine),
                )
            )
    return SalesReport(
        filters,
        today,
        tuple(rows),
        SalesRow(
            "total",
            sum(r.invoices for r in rows),
            total(r.invoiced for r in rows),
            total(r.paid for r in rows),
            total(r.outstanding for r in rows),
        ),
    )
