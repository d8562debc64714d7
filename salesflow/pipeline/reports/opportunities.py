"""Reports on opportunities: the pipeline by stage, the forecast by month, the win rate."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from salesflow.errors import InvalidValue, UsageError
from salesflow.models import Lead, Opportunity, OpportunityStatus, Stage
from salesflow.pipeline.money import total
from salesflow.pipeline.reports.base import (
    Filters,
    mean_days,
    mean_money,
    money_text,
    month_key,
    month_span,
    rate,
    rate_text,
    shift_month,
    source_key,
    won_revenue,
)

# --- pipeline ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageRow:
    stage: str
    count: int
    estimated: Decimal
    weighted: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "count": self.count,
            "estimated_revenue": money_text(self.estimated),
            "weighted_revenue": money_text(self.weighted),
        }


@dataclass(frozen=True)
class PipelineReport:
    filters: Filters
    stages: tuple[StageRow, ...]
    total: StageRow

    @property
    def empty(self) -> bool:
        return self.total.count == 0

    def as_dict(self) -> dict[str, Any]:
        totals = self.total.as_dict()
        del totals["stage"]
        return {
            "filters": self.filters.as_dict(),
            "stages": [row.as_dict() for row in self.stages],
            "total": totals,
        }


def _stage_row(stage: str, opportunities: Sequence[Opportunity]) -> StageRow:
    return StageRow(
        stage,
        len(opportunities),
        total(o.estimated_revenue for o in opportunities),
        total(o.weighted_revenue for o in opportunities),
    )


def pipeline_report(
    opportunities: Iterable[Opportunity], *, filters: Filters = Filters()
) -> PipelineReport:
    """Open opportunities created in the range, by stage (all four, in order), with totals."""
    kept = [
        o
        for o in opportunities
        if o.status is OpportunityStatus.OPEN
        and filters.covers(o.created_on)
        and filters.has_source(o.source)
        and filters.owns(o)
    ]
    rows = tuple(_stage_row(s.value, [o for o in kept if o.stage is s]) for s in Stage)
    return PipelineReport(filters, rows, _stage_row("total", kept))


# --- forecast ----------------------------------------------------------------------------------

EARLIER = "earlier"
LATER = "later"
NO_DATE = "no date"


@dataclass(frozen=True)
class ForecastRow:
    """Open deals expected to close in `period`, and the deals won in it."""

    period: str
    count: int
    estimated: Decimal
    weighted: Decimal
    overdue: tuple[str, ...]
    won_count: int
    won_revenue: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "count": self.count,
            "estimated_revenue": money_text(self.estimated),
            "weighted_revenue": money_text(self.weighted),
            "overdue_count": len(self.overdue),
            "overdue": list(self.overdue),
            "won_count": self.won_count,
            "won_revenue": money_text(self.won_revenue),
        }


@dataclass(frozen=True)
class ForecastReport:
    filters: Filters
    today: date
    first_month: str
    last_month: str
    rows: tuple[ForecastRow, ...]
    total: ForecastRow

    @property
    def empty(self) -> bool:
        return self.total.count == 0 and self.total.won_count == 0

    def as_dict(self) -> dict[str, Any]:
        totals = self.total.as_dict()
        del totals["period"]
        return {
            "filters": self.filters.as_dict(),
            "today": self.today.isoformat(),
            "first_month": self.first_month,
            "last_month": self.last_month,
            "rows": [row.as_dict() for row in self.rows],
            "total": totals,
            "overdue": list(self.total.overdue),
        }


def forecast_report(
    opportunities: Iterable[Opportunity],
    *,
    today: date,
    months: int = 6,
    filters: Filters = Filters(),
) -> ForecastReport:
    """Open opportunities by month of estimated close date, and won revenue by month closed.

    The months run from `filters.start`'s month (default: today's) for `months` months, or to
    `filters.end`'s month when given. Open deals closing before the first month are in the
    `earlier` row, after the last in `later`, without a close date in `no date`; an open deal
    whose close date is before today is overdue. Won deals count in the month they were closed
    (`closed_on`), inside the months shown only.
    """
    if months < 1:
        raise UsageError(f"--months {months} must be 1 or more")
    first = (filters.start or today).replace(day=1)
    try:
        last = filters.end.replace(day=1) if filters.end else shift_month(first, months - 1)
    except InvalidValue:
        raise InvalidValue(
            f"--months {months} from {month_key(first)} runs past 9999-12, the last month "
            "salesflow can hold; give fewer --months or --to"
        ) from None
    if last < first:
        raise UsageError(
            f"--to {filters.end} is before the first month of the forecast, "
            f"{month_key(first)}; give --from too"
        )
    window = month_span(first, last)
    shown = set(window)
    periods = [EARLIER, *window, LATER, NO_DATE]
    open_by: dict[str, list[Opportunity]] = {p: [] for p in periods}
    won_by: dict[str, list[Opportunity]] = {p: [] for p in periods}
    for o in opportunities:
        if not filters.has_source(o.source) or not filters.owns(o):
            continue
        if o.status is OpportunityStatus.OPEN:
            if o.close_date is None:
                period = NO_DATE
            elif o.close_date < first:
                period = EARLIER
            elif month_key(o.close_date) > window[-1]:
                period = LATER
            else:
                period = month_key(o.close_date)
            open_by[period].append(o)
        elif (
            o.status is OpportunityStatus.WON
            and o.closed_on is not None
            and month_key(o.closed_on) in shown
        ):
            won_by[month_key(o.closed_on)].append(o)

    def row(period: str, open_deals: list[Opportunity], won: list[Opportunity]) -> ForecastRow:
        overdue = sorted(
            o.number for o in open_deals if o.close_date is not None and o.close_date < today
        )
        return ForecastRow(
            period,
            len(open_deals),
            total(o.estimated_revenue for o in open_deals),
            total(o.weighted_revenue for o in open_deals),
            tuple(overdue),
            len(won),
            total(won_revenue(o) for o in won),
        )

    rows = tuple(row(p, open_by[p], won_by[p]) for p in periods)
    every_open = [o for p in periods for o in open_by[p]]
    every_won = [o for p in periods for o in won_by[p]]
    return ForecastReport(
        filters,
        today,
        window[0],
        window[-1],
        rows,
        row("total", every_open, every_won),
    )


# --- win rate ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WinRow:
    """Closed deals of one month or one source (`key`; None: deals without a source)."""

    key: str | None
    won: int
    lost: int
    win_rate: Decimal | None
    won_revenue: Decimal
    average_deal: Decimal | None
    average_days: Decimal | None

    def as_dict(self, name: str) -> dict[str, Any]:
        return {
            name: self.key,
            "won": self.won,
            "lost": self.lost,
            "win_rate": rate_text(self.win_rate),
            "won_revenue": money_text(self.won_revenue),
            "average_deal_size": money_text(self.average_deal)
            if self.average_deal is not None
            else None,
            "average_days_to_win": str(self.average_days)
            if self.average_days is not None
            else None,
        }


@dataclass(frozen=True)
class WinRateReport:
    filters: Filters
    by_month: tuple[WinRow, ...]
    by_source: tuple[WinRow, ...]
    total: WinRow

    @property
    def empty(self) -> bool:
        return self.total.won + self.total.lost == 0

    def as_dict(self) -> dict[str, Any]:
        totals = self.total.as_dict("total")
        del totals["total"]
        return {
            "filters": self.filters.as_dict(),
            "by_month": [r.as_dict("month") for r in self.by_month],
            "by_source": [r.as_dict("source") for r in self.by_source],
            "total": totals,
        }


def _win_row(key: str | None, closed: Sequence[Opportunity], days: dict[str, int]) -> WinRow:
    won = [o for o in closed if o.status is OpportunityStatus.WON]
    lost = len(closed) - len(won)
    revenues = [won_revenue(o) for o in won]
    return WinRow(
        key,
        len(won),
        lost,
        rate(len(won), len(won) + lost),
        total(revenues),
        mean_money(revenues),
        mean_days([days[o.number] for o in won]),
    )


def win_rate_report(
    opportunities: Iterable[Opportunity],
    leads: Iterable[Lead],
    *,
    filters: Filters = Filters(),
) -> WinRateReport:
    """Won / (won + lost) of opportunities created in the range, by month closed and by source.

    Average deal size is the mean actual revenue of the won deals; days to win run from the
    lead's creation (the opportunity's own, when it has no lead) to the day it was won. Months run
    without gaps from the first to the last month with a closed deal.
    """
    lead_dates = {lead.number.upper(): lead.created_on for lead in leads}
    closed_on = {
        o.number: o.closed_on
        for o in opportunities
        if o.status in (OpportunityStatus.WON, OpportunityStatus.LOST)
        and o.closed_on is not None
        and filters.covers(o.created_on)
        and filters.has_source(o.source)
        and filters.owns(o)
    }
    closed = sorted((o for o in opportunities if o.number in closed_on), key=lambda o: o.number)
    days = {
        o.number: (closed_on[o.number] - lead_dates.get((o.lead or "").upper(), o.created_on)).days
        for o in closed
    }
    by_month: tuple[WinRow, ...] = ()
    if closed:
        by_month = tuple(
            _win_row(m, [o for o in closed if month_key(closed_on[o.number]) == m], days)
            for m in month_span(min(closed_on.values()), max(closed_on.values()))
        )
    groups: dict[str, list[Opportunity]] = {}
    names: dict[str, str | None] = {}
    for o in closed:
        key = source_key(o.source)
        groups.setdefault(key, []).append(o)
        names.setdefault(key, (o.source or "").strip() or None)
    by_source = tuple(
        _win_row(names[k], groups[k], days) for k in sorted(groups, key=lambda k: (k == "", k))
    )
    return WinRateReport(filters, by_month, by_source, _win_row("total", closed, days))
