"""The funnel: leads followed to quotes, wins, invoices and payments."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from salesflow.models import (
    Invoice,
    InvoiceStatus,
    Lead,
    LeadStatus,
    Opportunity,
    OpportunityStatus,
    Quote,
)
from salesflow.pipeline.money import ZERO, total
from salesflow.pipeline.reports.base import (
    Filters,
    is_live,
    money_text,
    rate,
    rate_text,
    source_key,
    won_revenue,
)

STEPS = ("created", "qualified", "quoted", "won", "invoiced", "paid")
DISQUALIFY_REASONS = ("lost", "cannot-contact", "no-longer-interested", "canceled")


@dataclass(frozen=True)
class FunnelStep:
    step: str
    count: int
    from_previous: Decimal | None
    overall: Decimal | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "count": self.count,
            "from_previous": rate_text(self.from_previous),
            "overall": rate_text(self.overall),
        }


@dataclass(frozen=True)
class Funnel:
    """One funnel: the leads of one source (or all), step by step, and what they brought."""

    source: str | None
    steps: tuple[FunnelStep, ...]
    disqualified: tuple[tuple[str, int], ...]
    won_revenue: Decimal
    paid_revenue: Decimal

    def count(self, step: str) -> int:
        return next(s.count for s in self.steps if s.step == step)

    def as_dict(self) -> dict[str, Any]:
        return {
            "steps": [s.as_dict() for s in self.steps],
            "disqualified": dict(self.disqualified),
            "won_revenue": money_text(self.won_revenue),
            "paid_revenue": money_text(self.paid_revenue),
        }


@dataclass(frozen=True)
class FunnelReport:
    filters: Filters
    total: Funnel
    sources: tuple[Funnel, ...] | None

    @property
    def empty(self) -> bool:
        return self.total.count("created") == 0

    def as_dict(self) -> dict[str, Any]:
        data = {"filters": self.filters.as_dict(), **self.total.as_dict()}
        if self.sources is not None:
            data["sources"] = [{"source": f.source, **f.as_dict()} for f in self.sources]
        return data


@dataclass(frozen=True)
class _LeadOutcome:
    """How far one lead got (index into STEPS) and the revenue its deal brought."""

    lead: Lead
    reached: int
    won: Decimal
    paid: Decimal


def _outcome(
    lead: Lead,
    opportunities: dict[str, Opportunity],
    quoted: set[str],
    invoices: dict[str, list[Invoice]],
) -> _LeadOutcome:
    opportunity = opportunities.get((lead.opportunity or "").upper())
    if lead.status is not LeadStatus.QUALIFIED or opportunity is None:
        return _LeadOutcome(lead, 0, ZERO, ZERO)
    key = opportunity.number.upper()
    live = [i for i in invoices.get(key, []) if is_live(i)]
    paid = [i for i in live if i.status is InvoiceStatus.PAID]
    won = opportunity.status is OpportunityStatus.WON
    # The furthest step reached: a deal won (or invoiced) without a quote in salesflow still
    # passed the earlier steps, so the counts never grow down the funnel.
    reached = max(
        1,
        2 if key in quoted else 0,
        3 if won else 0,
        4 if live else 0,
        5 if live and len(paid) == len(live) else 0,
    )
    return _LeadOutcome(
        lead,
        reached,
        won_revenue(opportunity) if won else ZERO,
        total(i.amount_paid for i in live),
    )


def _funnel(source: str | None, outcomes: Sequence[_LeadOutcome]) -> Funnel:
    counts = [sum(1 for o in outcomes if o.reached >= index) for index in range(len(STEPS))]
    steps = tuple(
        FunnelStep(
            step,
            counts[index],
            rate(counts[index], counts[index - 1]) if index else None,
            rate(counts[index], counts[0]),
        )
        for index, step in enumerate(STEPS)
    )
    disqualified = tuple(
        (
            reason,
            sum(
                1
                for o in outcomes
                if o.lead.status is LeadStatus.DISQUALIFIED and o.lead.status_reason == reason
            ),
        )
        for reason in DISQUALIFY_REASONS
    )
    return Funnel(
        source,
        steps,
        disqualified,
        total(o.won for o in outcomes),
        total(o.paid for o in outcomes),
    )


def funnel_report(
    leads: Iterable[Lead],
    opportunities: Iterable[Opportunity],
    quotes: Iterable[Quote],
    invoices: Iterable[Invoice],
    *,
    filters: Filters = Filters(),
    by_source: bool = False,
) -> FunnelReport:
    """Leads created in the range, followed lead -> opportunity -> quote -> invoice.

    Each lead counts once, at every step up to the furthest it reached: qualified (into an
    opportunity), quoted (the opportunity has a quote of any status), won, invoiced (a
    non-cancelled invoice), paid (all its non-cancelled invoices paid). Won revenue is the actual
    revenue of won deals; paid revenue what came in: the payments on non-cancelled invoices,
    partial ones included. `by_source` adds one funnel per
    lead source (sources equal ignoring case; no source last).
    """
    by_number = {o.number.upper(): o for o in opportunities}
    quoted = {q.opportunity.upper() for q in quotes}
    invoices_of: dict[str, list[Invoice]] = {}
    for invoice in invoices:
        invoices_of.setdefault(invoice.opportunity.upper(), []).append(invoice)
    outcomes = [
        _outcome(lead, by_number, quoted, invoices_of)
        for lead in leads
        if filters.covers(lead.created_on)
        and filters.has_source(lead.source)
        and filters.owns(lead)
    ]
    sources: tuple[Funnel, ...] | None = None
    if by_source:
        groups: dict[str, list[_LeadOutcome]] = {}
        names: dict[str, str | None] = {}
        for outcome in sorted(outcomes, key=lambda o: o.lead.number):
            key = source_key(outcome.lead.source)
            groups.setdefault(key, []).append(outcome)
            names.setdefault(key, (outcome.lead.source or "").strip() or None)
        order = sorted(groups, key=lambda k: (k == "", k))
        sources = tuple(_funnel(names[k], groups[k]) for k in order)
    return FunnelReport(filters, _funnel(None, outcomes), sources)
