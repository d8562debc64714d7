"""Opportunities: stages, probability, products and write-in lines, win, lose, reopen."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from salesflow.errors import InvalidValue, Refused
from salesflow.models import (
    Event,
    Opportunity,
    OpportunityStatus,
    Order,
    OrderStatus,
    Product,
    Quote,
    QuoteStatus,
    Stage,
)
from salesflow.pipeline.fields import choice, clean, event, parse_date, parse_percentage
from salesflow.pipeline.lines import (
    LineEdit,
    LineSpec,
    check_total,
    edited_line,
    line_from_spec,
    next_line_no,
    without_line,
)
from salesflow.pipeline.money import parse_money
from salesflow.pipeline.states import guard

STAGES = tuple(s.value for s in Stage)
LOSS_REASONS = ("canceled", "out-sold")


@dataclass(frozen=True)
class OpportunityFields:
    """User text for the editable fields; None means "not given"."""

    name: str | None = None
    estimated_revenue: str | None = None
    close_date: str | None = None
    probability: str | None = None
    contact: str | None = None


def _values(fields: OpportunityFields, who: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if fields.name is not None:
        name = clean(fields.name)
        if not name:
            raise InvalidValue(f"{who} needs a name")
        values["name"] = name
    if fields.estimated_revenue is not None:
        values["user_estimated_revenue"] = (
            parse_money(fields.estimated_revenue, f"{who}: estimated revenue")
            if fields.estimated_revenue.strip()
            else None
        )
    if fields.close_date is not None:
        values["close_date"] = (
            parse_date(fields.close_date, f"{who}: close date")
            if fields.close_date.strip()
            else None
        )
    if fields.probability is not None:
        values["user_probability"] = (
            parse_percentage(fields.probability, f"{who}: probability")
            if fields.probability.strip()
            else None
        )
    if fields.contact is not None:
        values["contact"] = clean(fields.contact)
    return values


def create_opportunity(
    fields: OpportunityFields,
    *,
    account: str,
    number: str,
    currency: str,
    today: date,
    now: datetime,
    owner: str | None = None,
) -> tuple[Opportunity, Event]:
    """A new open opportunity in stage qualify for an existing account, owned by `owner`
    (who adds it)."""
    if fields.name is None:
        raise InvalidValue("opportunity needs a name (--name)")
    values = _values(fields, "opportunity")
    opportunity = Opportunity(
        number=number, owner=owner, account=account, currency=currency, created_on=today, **values
    )
    return opportunity, event(
        now,
        number,
        "created",
        None,
        "open",
        account=account,
        stage=opportunity.stage,
        estimated_revenue=opportunity.estimated_revenue,
    )


def edit_opportunity(
    opportunity: Opportunity, fields: OpportunityFields, *, now: datetime
) -> tuple[Opportunity, Event]:
    """Change name, estimated revenue, close date, probability or contact of an open opportunity.

    An empty estimated revenue or probability goes back to the computed/stage default.
    """
    guard("opportunity", opportunity.number, opportunity.status, "edit")
    values = _values(fields, f"opportunity {opportunity.number}")
    changed = {k: v for k, v in values.items() if getattr(opportunity, k) != v}
    return opportunity.model_copy(update=changed), event(
        now, opportunity.number, "edited", fields=sorted(changed)
    )


def set_stage(opportunity: Opportunity, stage: str, *, now: datetime) -> tuple[Opportunity, Event]:
    """Move an open opportunity to a stage; the default probability follows the stage."""
    target = Stage(choice(stage, STAGES, "stage"))
    guard("opportunity", opportunity.number, opportunity.status, "stage")
    updated = opportunity.model_copy(update={"stage": target})
    return updated, event(
        now, opportunity.number, "stage", opportunity.stage, target, probability=updated.probability
    )


def add_product(
    opportunity: Opportunity,
    spec: LineSpec,
    *,
    products: Mapping[str, Product],
    default_tax_rate: Decimal,
    now: datetime,
) -> tuple[Opportunity, Event]:
    """Add a catalog or write-in line to an open opportunity."""
    guard("opportunity", opportunity.number, opportunity.status, "add-product")
    line = line_from_spec(
        spec,
        line_no=next_line_no(opportunity),
        products=products,
        default_tax_rate=default_tax_rate,
    )
    lines = [*opportunity.lines, line]
    check_total(lines, f"opportunity {opportunity.number}")
    updated = opportunity.model_copy(update={"lines": lines, "last_line_no": line.line_no})
    return updated, event(
        now,
        opportunity.number,
        "line-added",
        line=line.line_no,
        sku=line.sku,
        description=line.description,
        quantity=line.quantity,
        amount=line.amount,
    )


def remove_product(
    opportunity: Opportunity, line_no: int, *, now: datetime
) -> tuple[Opportunity, Event]:
    """Remove line `line_no` from an open opportunity; the lines after it move up a number."""
    guard("opportunity", opportunity.number, opportunity.status, "remove-product")
    lines = without_line(opportunity.lines, line_no, f"opportunity {opportunity.number}")
    return opportunity.model_copy(update={"lines": lines}), event(
        now, opportunity.number, "line-removed", line=line_no
    )


def edit_line(
    opportunity: Opportunity, line_no: int, edit: LineEdit, *, now: datetime
) -> tuple[Opportunity, Event]:
    """Change quantity, price, discount, description or tax rate of a line of an open
    opportunity; the line keeps its number and position (see `edited_line`)."""
    guard("opportunity", opportunity.number, opportunity.status, "edit-line")
    lines = edited_line(opportunity.lines, line_no, edit, f"opportunity {opportunity.number}")
    line = lines[[x.line_no for x in lines].index(line_no)]
    return opportunity.model_copy(update={"lines": lines}), event(
        now,
        opportunity.number,
        "line-edited",
        line=line_no,
        fields=edit.fields(),
        quantity=line.quantity,
        amount=line.amount,
    )


def _refuse_open_quotes(opportunity: Opportunity, quotes: Iterable[Quote], action: str) -> None:
    live = sorted({q.number for q in quotes if q.status in (QuoteStatus.DRAFT, QuoteStatus.ACTIVE)})
    if live:
        raise Refused(
            f"opportunity {opportunity.number} has open quote(s) {', '.join(live)}; "
            f"close or delete them before the opportunity can be {action}"
        )


def win_opportunity(
    opportunity: Opportunity,
    *,
    actual_revenue: str | None = None,
    quotes: Iterable[Quote] = (),
    today: date,
    now: datetime,
) -> tuple[Opportunity, Event]:
    """Close an open opportunity as won; actual revenue defaults to the subtotal or the estimate.

    Refused while it has a draft or active quote (accept or close the quote instead).
    """
    guard("opportunity", opportunity.number, opportunity.status, "win")
    _refuse_open_quotes(opportunity, quotes, "won")
    revenue = (
        parse_money(actual_revenue, "actual revenue")
        if actual_revenue is not None
        else (opportunity.subtotal if opportunity.lines else opportunity.estimated_revenue)
    )
    updated = opportunity.model_copy(
        update={
            "status": OpportunityStatus.WON,
            "status_reason": "won",
            "actual_revenue": revenue,
            "closed_on": today,
            "stage": Stage.CLOSE,
        }
    )
    return updated, event(
        now, opportunity.number, "won", opportunity.status, "won", actual_revenue=revenue
    )


def lose_opportunity(
    opportunity: Opportunity,
    reason: str,
    *,
    competitor: str | None = None,
    quotes: Iterable[Quote] = (),
    today: date,
    now: datetime,
) -> tuple[Opportunity, Event]:
    """Close an open opportunity as lost (canceled or out-sold, optionally to a competitor)."""
    why = choice(reason, LOSS_REASONS, "loss reason")
    guard("opportunity", opportunity.number, opportunity.status, "lose")
    _refuse_open_quotes(opportunity, quotes, "lost")
    updated = opportunity.model_copy(
        update={
            "status": OpportunityStatus.LOST,
            "status_reason": why,
            "competitor": clean(competitor),
            "closed_on": today,
        }
    )
    return updated, event(
        now,
        opportunity.number,
        "lost",
        opportunity.status,
        "lost",
        reason=why,
        competitor=clean(competitor),
    )


def reopen_opportunity(
    opportunity: Opportunity, *, orders: Iterable[Order] = (), now: datetime
) -> tuple[Opportunity, Event]:
    """Reopen a won or lost opportunity; refused when a won one already has an order."""
    guard("opportunity", opportunity.number, opportunity.status, "reopen")
    live = sorted(o.number for o in orders if o.status is not OrderStatus.CANCELED)
    if opportunity.status is OpportunityStatus.WON and live:
        raise Refused(
            f"opportunity {opportunity.number} is won with order(s) {', '.join(live)}; "
            "a won opportunity with an order cannot be reopened (cancel the order first)"
        )
    updated = opportunity.model_copy(
        update={
            "status": OpportunityStatus.OPEN,
            "status_reason": None,
            "actual_revenue": None,
            "competitor": None,
            "closed_on": None,
        }
    )
    return updated, event(now, opportunity.number, "reopened", opportunity.status, "open")
