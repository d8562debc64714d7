"""Use cases of the reports: each asks the unit of work for the records its report can use, and
hands them to `salesflow.pipeline.reports`.

The queries are a cheap first cut (the statuses and date range a report counts); the report
applies every filter again on the records, so a query only saves building records that cannot
count, and its source filter is left to the report (sources match ignoring surrounding space).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from salesflow.models import (
    Account,
    Activity,
    Invoice,
    InvoiceStatus,
    Lead,
    Opportunity,
    Quote,
)
from salesflow.pipeline.reports import (
    Filters,
    ForecastReport,
    FunnelReport,
    PipelineReport,
    ReceivablesReport,
    SalesReport,
    WinRateReport,
    forecast_report,
    funnel_report,
    pipeline_report,
    receivables_report,
    sales_report,
    win_rate_report,
)
from salesflow.pipeline.reports.activities import ActivityReport, activity_report
from salesflow.store.contract import Match, UnitOfWork

_OPPORTUNITY_STATUS = {"status": "open"}
_INVOICE_STATUS = {"status": "unpaid"}


def _created(filters: Filters) -> dict[str, tuple[date | None, date | None]]:
    return {"created_on": (filters.start, filters.end)}


def _owned(filters: Filters) -> dict[str, Any]:
    """The owner filter as a query's field (`Match.where(**_owned(filters))`): by index on a
    database."""
    return {"owner": filters.owner} if filters.owner else {}


def pipeline(uow: UnitOfWork, filters: Filters) -> PipelineReport:
    """`report pipeline`: open opportunities by stage."""
    opportunities = uow.all(
        Opportunity,
        Match.where(
            status="open",
            defaults=_OPPORTUNITY_STATUS,
            within=_created(filters),
            **_owned(filters),
        ),
    )
    return pipeline_report(opportunities, filters=filters)


def forecast(uow: UnitOfWork, filters: Filters, *, months: int, today: date) -> ForecastReport:
    """`report forecast`: open deals by month of close date, and revenue won per month (the
    range chooses months, not records)."""
    opportunities = uow.all(
        Opportunity,
        Match.where(status=("open", "won"), defaults=_OPPORTUNITY_STATUS, **_owned(filters)),
    )
    return forecast_report(opportunities, today=today, months=months, filters=filters)


def funnel(uow: UnitOfWork, filters: Filters, *, by_source: bool) -> FunnelReport:
    """`report funnel`: the leads created in the range, followed to their deals' quotes and
    invoices."""
    leads = uow.all(Lead, Match.where(within=_created(filters), **_owned(filters)))
    deals = {lead.opportunity.upper() for lead in leads if lead.opportunity}
    return funnel_report(
        leads,
        uow.all(Opportunity, Match.where(number=deals)),
        uow.all(Quote, Match.where(opportunity=deals)),
        uow.all(Invoice, Match.where(opportunity=deals)),
        filters=filters,
        by_source=by_source,
    )


def win_rate(uow: UnitOfWork, filters: Filters) -> WinRateReport:
    """`report win-rate`: won and lost opportunities, with the leads they came from."""
    opportunities = uow.all(
        Opportunity,
        Match.where(status=("won", "lost"), within=_created(filters), **_owned(filters)),
    )
    leads = uow.all(Lead, Match.where(number={o.lead.upper() for o in opportunities if o.lead}))
    return win_rate_report(opportunities, leads, filters=filters)


def receivables(
    uow: UnitOfWork, filters: Filters, *, as_of: date | None, today: date
) -> ReceivablesReport:
    """`report receivables`: balances as of `as_of` (default today), aged per account."""
    day = as_of if as_of is not None else today
    last = min(filters.end, day) if filters.end is not None else day
    # On or after today, paid and cancelled invoices owe nothing; earlier, they may have.
    statuses = ("unpaid", "partially-paid") if day >= today else tuple(InvoiceStatus)
    invoices = uow.all(
        Invoice,
        Match.where(
            status=statuses,
            defaults=_INVOICE_STATUS,
            within={"invoice_date": (filters.start, last)},
            **_owned(filters),
        ),
    )
    accounts = uow.all(Account, Match.where(number={i.account for i in invoices if i.account}))
    return receivables_report(
        invoices, accounts, _sources(uow, filters, invoices), as_of=day, filters=filters
    )


def sales(uow: UnitOfWork, filters: Filters, *, today: date) -> SalesReport:
    """`report sales`: invoiced, paid and outstanding per month (cancelled invoices left out;
    the range applies to invoice and payment dates, so every other invoice is read)."""
    live = tuple(status for status in InvoiceStatus if status is not InvoiceStatus.CANCELED)
    invoices = uow.all(
        Invoice, Match.where(status=live, defaults=_INVOICE_STATUS, **_owned(filters))
    )
    return sales_report(invoices, _sources(uow, filters, invoices), today=today, filters=filters)


def activity(uow: UnitOfWork, filters: Filters, *, by: str) -> ActivityReport:
    """`report activity`: activities done per week or month and kind."""
    activities = uow.all(Activity, Match.where(status="done", **_owned(filters)))
    return activity_report(activities, by=by, filters=filters)


def _sources(uow: UnitOfWork, filters: Filters, invoices: list[Invoice]) -> list[Opportunity]:
    """The opportunities whose source an invoice has, when the report filters on source."""
    if filters.source is None:
        return []
    return uow.all(Opportunity, Match.where(number={i.opportunity for i in invoices}))
