"""Quotes: drafts with lines and a header discount, revisions, and acceptance into an order.

Statuses follow Dynamics 365: draft → active → won, or → closed (lost, canceled, revised).
Revisions share the quote number; each revision is its own record (`QUO-0001#2` in the store).

The header discount is spread over the lines in proportion to their amounts, so that it also
lowers the tax. A line keeps its own amount recoverable as `amount + header_discount`, so the
discount can be changed, removed or re-spread after lines come and go.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from salesflow.errors import InvalidValue, NotFound, Refused, UsageError
from salesflow.models import (
    Event,
    Line,
    Opportunity,
    Order,
    Product,
    Quote,
    QuoteStatus,
    Stage,
)
from salesflow.pipeline.fields import add_days, choice, clean, event, parse_date, parse_rate
from salesflow.pipeline.lines import (
    LineEdit,
    LineSpec,
    check_total,
    edited_line,
    line_from_spec,
    next_line_no,
    numbered,
    without_line,
)
from salesflow.pipeline.money import CENT, HUNDRED, ZERO, cents, parse_money, total
from salesflow.pipeline.numbering import Numbers
from salesflow.pipeline.opportunities import set_stage, win_opportunity
from salesflow.pipeline.owners import inherited
from salesflow.pipeline.states import guard
from salesflow.pipeline.vat import VatTreatment, apply_treatment

VALID_DAYS = 30
CLOSE_REASONS = ("lost", "canceled")
LIVE = (QuoteStatus.DRAFT, QuoteStatus.ACTIVE)


def quote_label(quote: Quote) -> str:
    """`QUO-0001`, or `QUO-0001 revision 2` once a quote has been revised."""
    return quote.number if quote.revision == 1 else f"{quote.number} revision {quote.revision}"


def _guard(quote: Quote, action: str) -> None:
    guard("quote", quote_label(quote), quote.status, action, quote.status_reason)


# --- the header discount ---------------------------------------------------------------------


def own_amount(line: Line) -> Decimal:
    """A line's amount before its share of the header discount (after its own discount)."""
    return line.amount + line.header_discount


def discount_shares(amounts: Sequence[Decimal], discount: Decimal) -> list[Decimal]:
    """`discount` split over `amounts` in proportion, in cents, adding up to `discount` exactly.

    Each share is rounded to cents (half-up); the cents that rounding leaves over, or takes too
    many, are added to or taken from the largest amounts first (the first of equal ones), one
    cent each. No share is negative or more than its amount. Raises InvalidValue when the
    discount is negative or more than the sum of the amounts.
    """
    whole = total(amounts)
    if discount < ZERO:
        raise InvalidValue(f"discount {cents(discount)} is negative; it must be 0 or more")
    if discount > whole:
        raise InvalidValue(f"discount {cents(discount)} is more than the lines' total {whole}")
    if discount == ZERO or whole == ZERO:
        return [ZERO for _ in amounts]
    shares = [cents(discount * amount / whole) for amount in amounts]
    left_over = int((discount - sum(shares, ZERO)) / CENT)
    step = CENT if left_over > 0 else -CENT
    largest_first = sorted(range(len(amounts)), key=lambda i: (-amounts[i], i))
    while left_over:
        for index in largest_first:
            if left_over and ZERO <= shares[index] + step <= amounts[index]:
                shares[index] += step
                left_over -= 1 if step > 0 else -1
    return shares


def _line_with_share(line: Line, share: Decimal) -> Line:
    amount = own_amount(line) - share
    return line.model_copy(
        update={
            "header_discount": share,
            "amount": amount,
            "tax": cents(amount * line.tax_rate / HUNDRED),
        }
    )


def spread_discount(
    lines: Sequence[Line], *, amount: Decimal | None = None, percent: Decimal | None = None
) -> tuple[list[Line], Decimal]:
    """The lines carrying their shares of a header discount, and the discount in cents.

    The discount is `percent` of the lines' own amounts (rounded to cents), else `amount`.
    Raises InvalidValue when it is more than the lines' own amounts together.
    """
    own = [own_amount(line) for line in lines]
    discount = cents(total(own) * percent / HUNDRED) if percent is not None else (amount or ZERO)
    shares = discount_shares(own, discount)
    return [_line_with_share(line, share) for line, share in zip(lines, shares, strict=True)], (
        discount
    )


def _respread(quote: Quote, lines: Sequence[Line]) -> dict[str, object]:
    """The update for `quote` with new `lines`, its header discount spread over them again."""
    try:
        spread, discount = spread_discount(
            lines, amount=quote.discount, percent=quote.discount_percent
        )
    except InvalidValue:
        raise InvalidValue(
            f"quote {quote_label(quote)}: discount {quote.discount} would be more than the "
            f"subtotal {total(own_amount(line) for line in lines)} before discount; "
            "lower the discount first"
        ) from None
    return {"lines": spread, "discount": discount}


# --- create, edit, discount ------------------------------------------------------------------


@dataclass(frozen=True)
class Quoted:
    """A new quote, and its opportunity (moved to stage propose)."""

    quote: Quote
    opportunity: Opportunity
    events: list[Event]


def create_quote(
    opportunity: Opportunity,
    *,
    number: str,
    valid_until: str | None = None,
    vat: VatTreatment = VatTreatment.DOMESTIC,
    today: date,
    now: datetime,
    owner: str | None = None,
) -> Quoted:
    """A draft quote, revision 1, copying an open opportunity's lines, customer and currency,
    owned by `owner` (who makes it; its later revisions keep that owner).

    Valid for 30 days unless `valid_until` says otherwise (not before today). `vat` (see
    `pipeline.vat.vat_treatment`) is kept on the quote (None for domestic); when it is
    zero-rated (reverse charge, export) every line is at 0 %. The opportunity moves forward to
    stage propose (an opportunity already in stage close stays there). Raises Refused unless
    the opportunity is open.
    """
    guard("opportunity", opportunity.number, opportunity.status, "quote", opportunity.status_reason)
    until = _valid_until(valid_until, today, number)
    quote = Quote(
        number=number,
        owner=owner,
        opportunity=opportunity.number,
        account=opportunity.account,
        contact=opportunity.contact,
        currency=opportunity.currency,
        lines=numbered([apply_treatment(line.model_copy(), vat) for line in opportunity.lines]),
        valid_until=until,
        vat_treatment=None if vat is VatTreatment.DOMESTIC else vat,
        created_on=today,
    )
    events = [
        event(
            now,
            number,
            "created",
            None,
            quote.status,
            revision=quote.revision,
            opportunity=opportunity.number,
            total=quote.total,
            vat=vat if vat != VatTreatment.DOMESTIC else None,
        )
    ]
    if opportunity.stage in (Stage.QUALIFY, Stage.DEVELOP):
        opportunity, moved = set_stage(opportunity, Stage.PROPOSE, now=now)
        events.append(moved)
    return Quoted(quote, opportunity, events)


def _valid_until(text: str | None, today: date, who: str, days: int = VALID_DAYS) -> date:
    if text is None or not text.strip():
        return add_days(today, days, f"quote {who}: valid until", "; give --valid-until")
    until = parse_date(text, f"quote {who}: valid until")
    if until < today:
        raise InvalidValue(
            f"quote {who}: valid until {until.isoformat()} is before today {today.isoformat()}"
        )
    return until


def add_quote_product(
    quote: Quote,
    spec: LineSpec,
    *,
    products: Mapping[str, Product],
    default_tax_rate: Decimal,
    now: datetime,
) -> tuple[Quote, Event]:
    """Add a catalog or write-in line to a draft quote; the header discount is spread again."""
    _guard(quote, "edit")
    line = apply_treatment(
        line_from_spec(
            spec,
            line_no=next_line_no(quote),
            products=products,
            default_tax_rate=default_tax_rate,
        ),
        quote.vat_treatment,
    )
    lines = [*quote.lines, line]
    check_total(lines, f"quote {quote_label(quote)}")
    updated = quote.model_copy(update={**_respread(quote, lines), "last_line_no": line.line_no})
    return updated, event(
        now,
        quote.number,
        "line-added",
        revision=quote.revision,
        line=line.line_no,
        sku=line.sku,
        description=line.description,
        quantity=line.quantity,
        amount=own_amount(line),
    )


def remove_quote_product(quote: Quote, line_no: int, *, now: datetime) -> tuple[Quote, Event]:
    """Remove a line from a draft quote; the header discount is spread again.

    Raises InvalidValue when an amount discount would then be more than the subtotal.
    """
    _guard(quote, "edit")
    lines = without_line(quote.lines, line_no, f"quote {quote_label(quote)}")
    updated = quote.model_copy(update=_respread(quote, lines))
    return updated, event(now, quote.number, "line-removed", revision=quote.revision, line=line_no)


def edit_quote_line(
    quote: Quote, line_no: int, edit: LineEdit, *, now: datetime
) -> tuple[Quote, Event]:
    """Change a line of a draft quote (see `edited_line`); the header discount is spread again.

    Raises Refused unless the quote is a draft, InvalidValue when an amount discount would then
    be more than the subtotal.
    """
    _guard(quote, "edit")
    lines = edited_line(quote.lines, line_no, edit, f"quote {quote_label(quote)}")
    updated = quote.model_copy(update=_respread(quote, lines))
    line = next(x for x in updated.lines if x.line_no == line_no)
    return updated, event(
        now,
        quote.number,
        "line-edited",
        revision=quote.revision,
        line=line_no,
        fields=edit.fields(),
        quantity=line.quantity,
        amount=own_amount(line),
    )


def edit_quote(
    quote: Quote,
    *,
    valid_until: str | None = None,
    customer_reference: str | None = None,
    today: date,
    now: datetime,
) -> tuple[Quote, Event]:
    """A new valid-until date (drafts only, not before today) or the customer's reference (their
    purchase order number; until the quote is closed; empty text clears it).

    Raises UsageError when nothing is to change, Refused for a status that does not allow it.
    """
    if valid_until is None and customer_reference is None:
        raise UsageError("give what to change: --valid-until or --customer-reference")
    update: dict[str, object] = {}
    if valid_until is not None:
        _guard(quote, "edit")
        update["valid_until"] = _valid_until(valid_until, today, quote_label(quote))
    if customer_reference is not None:
        _guard(quote, "reference")
        update["customer_reference"] = clean(customer_reference)
    changed = {k: v for k, v in update.items() if getattr(quote, k) != v}
    details: dict[str, Any] = {"revision": quote.revision, "fields": sorted(changed), **changed}
    return quote.model_copy(update=changed), event(now, quote.number, "edited", **details)


def is_expired(quote: Quote, today: date) -> bool:
    """A draft or active quote whose valid-until date has passed."""
    return quote.status in (QuoteStatus.DRAFT, QuoteStatus.ACTIVE) and quote.valid_until < today


def discount_quote(
    quote: Quote,
    *,
    percent: str | None = None,
    amount: str | None = None,
    now: datetime,
) -> tuple[Quote, Event]:
    """Set the header discount of a draft quote: a percentage (0–100) or an amount.

    The amount may not be more than the subtotal before discount; 0 removes the discount.
    Raises UsageError unless exactly one of `percent` and `amount` is given.
    """
    if (percent is None) == (amount is None):
        raise UsageError("give the discount as --percent P or --amount A (one of them)")
    _guard(quote, "discount")
    who = f"quote {quote_label(quote)}"
    rate = parse_rate(percent, f"{who}: discount percent") if percent is not None else None
    value = parse_money(amount, f"{who}: discount") if amount is not None else None
    try:
        lines, discount = spread_discount(quote.lines, amount=value, percent=rate)
    except InvalidValue:
        raise InvalidValue(
            f"{who}: discount {value} is more than the subtotal "
            f"{total(own_amount(line) for line in quote.lines)} before discount"
        ) from None
    updated = quote.model_copy(
        update={
            "lines": lines,
            "discount": discount,
            "discount_percent": rate if rate else None,
        }
    )
    return updated, event(
        now,
        quote.number,
        "discounted",
        revision=quote.revision,
        discount=discount,
        percent=rate,
        subtotal=updated.subtotal,
        total=updated.total,
    )


# --- status changes --------------------------------------------------------------------------


def activate_quote(quote: Quote, *, today: date, now: datetime) -> tuple[Quote, Event]:
    """Make a draft quote active (ready to send); it needs at least one line and a valid-until
    date that has not passed."""
    _guard(quote, "activate")
    if quote.valid_until < today:
        raise Refused(
            f"quote {quote_label(quote)} expired: it was valid until "
            f"{quote.valid_until.isoformat()}; give it a new date with `salesflow quote edit "
            f"{quote.number} --valid-until YYYY-MM-DD` first"
        )
    if not quote.lines:
        raise Refused(
            f"quote {quote_label(quote)} has no lines; a quote needs at least one line "
            "to be activated"
        )
    updated = quote.model_copy(
        update={"status": QuoteStatus.ACTIVE, "status_reason": "open", "activated_on": today}
    )
    return updated, event(
        now, quote.number, "activated", quote.status, updated.status, revision=quote.revision
    )


def close_quote(quote: Quote, reason: str, *, today: date, now: datetime) -> tuple[Quote, Event]:
    """Close an active quote as lost or canceled (a draft is deleted instead)."""
    why = choice(reason, CLOSE_REASONS, "close reason")
    _guard(quote, "close")
    return _closed(quote, why, today=today, now=now)


def _closed(quote: Quote, reason: str, *, today: date, now: datetime) -> tuple[Quote, Event]:
    updated = quote.model_copy(
        update={"status": QuoteStatus.CLOSED, "status_reason": reason, "closed_on": today}
    )
    return updated, event(
        now,
        quote.number,
        "closed",
        quote.status,
        updated.status,
        revision=quote.revision,
        reason=reason,
    )


def delete_quote(quote: Quote, *, now: datetime) -> Event:
    """The event of deleting a draft quote revision (the number is never handed out again)."""
    _guard(quote, "delete")
    return event(now, quote.number, "deleted", quote.status, None, revision=quote.revision)


@dataclass(frozen=True)
class Revised:
    """The closed (revised) quote and its new draft revision."""

    closed: Quote
    draft: Quote
    events: list[Event]


def revise_quote(quote: Quote, *, opportunity: Opportunity, today: date, now: datetime) -> Revised:
    """Close an active or lost quote (reason revised) and open the next revision as a draft.

    The new revision has the same number, lines and discount; it is valid for as many days as
    the old one was. Refused for won quotes, drafts, canceled or already revised quotes, and
    when the opportunity is no longer open.
    """
    _guard(quote, "revise")
    if quote.status is QuoteStatus.CLOSED and quote.status_reason != "lost":
        raise Refused(
            f"quote {quote_label(quote)} is closed ({quote.status_reason}); only active or "
            "closed (lost) quotes can be revised"
        )
    guard("opportunity", opportunity.number, opportunity.status, "quote", opportunity.status_reason)
    closed, closing = _closed(quote, "revised", today=today, now=now)
    days = max((quote.valid_until - quote.created_on).days, 0)
    draft = quote.model_copy(
        update={
            "revision": quote.revision + 1,
            "status": QuoteStatus.DRAFT,
            "status_reason": "in-progress",
            "lines": [line.model_copy() for line in quote.lines],
            "valid_until": add_days(
                today, days, f"quote {quote.number} revision {quote.revision + 1}: valid until"
            ),
            "created_on": today,
            "activated_on": None,
            "closed_on": None,
            "order": None,
        }
    )
    created = event(
        now,
        quote.number,
        "created",
        None,
        draft.status,
        revision=draft.revision,
        revised_from=quote.revision,
        total=draft.total,
    )
    return Revised(closed, draft, [closing, created])


@dataclass(frozen=True)
class Accepted:
    """What accepting a quote produced: the won quote, its order, the won opportunity, and the
    opportunity's other quotes that were closed as lost."""

    quote: Quote
    order: Order
    opportunity: Opportunity
    closed: list[Quote]
    events: list[Event]


def accept_quote(
    quote: Quote,
    *,
    opportunity: Opportunity,
    quotes: Iterable[Quote],
    numbers: Numbers,
    today: date,
    now: datetime,
    seller: str | None = None,
) -> Accepted:
    """Accept an active quote: it is won, an order copies its lines and discount, and the
    opportunity is won with actual revenue = the quote's subtotal. The order belongs to the
    quote's owner (`seller`, who accepts, when the quote has none).

    The opportunity's other draft or active quotes (`quotes` may include this one) are closed
    as lost. Raises Refused unless the quote is active and the opportunity open.
    """
    _guard(quote, "accept")
    guard("opportunity", opportunity.number, opportunity.status, "win", opportunity.status_reason)
    order = order_from_quote(quote, number=numbers("ORD"), today=today, seller=seller)
    won = quote.model_copy(
        update={
            "status": QuoteStatus.WON,
            "status_reason": "won",
            "closed_on": today,
            "order": order.number,
        }
    )
    events = [
        event(
            now,
            quote.number,
            "accepted",
            quote.status,
            won.status,
            revision=quote.revision,
            order=order.number,
        ),
        event(
            now,
            order.number,
            "created",
            None,
            order.status,
            quote=quote.number,
            revision=quote.revision,
            total=order.total,
        ),
    ]
    closed: list[Quote] = []
    for other in quotes:
        if other.key.upper() == quote.key.upper() or other.status not in LIVE:
            continue
        lost, closing = _closed(other, "lost", today=today, now=now)
        closed.append(lost)
        events.append(closing)
    opportunity, opportunity_won = win_opportunity(
        opportunity, actual_revenue=str(quote.subtotal), today=today, now=now
    )
    events.append(opportunity_won)
    return Accepted(won, order, opportunity, closed, events)


def order_from_quote(quote: Quote, *, number: str, today: date, seller: str | None = None) -> Order:
    """An active order with the quote's lines (stored figures copied) and header discount,
    owned by the quote's owner (else `seller`)."""
    return Order(
        number=number,
        owner=inherited(quote, seller),
        quote=quote.number,
        quote_revision=quote.revision,
        opportunity=quote.opportunity,
        account=quote.account,
        contact=quote.contact,
        currency=quote.currency,
        lines=[line.model_copy() for line in quote.lines],
        discount=quote.discount,
        discount_percent=quote.discount_percent,
        customer_reference=quote.customer_reference,
        vat_treatment=quote.vat_treatment,
        created_on=today,
    )


# --- reading ---------------------------------------------------------------------------------


def latest_revision(revisions: Iterable[Quote]) -> Quote | None:
    """The revision with the highest number, or None."""
    return max(revisions, key=lambda q: q.revision, default=None)


def pick_revision(number: str, revisions: Sequence[Quote], revision: int | None) -> Quote:
    """Revision `revision` of quote `number` (the latest when None).

    Raises NotFound naming the quote and the revisions it has.
    """
    if not revisions:
        raise NotFound(f"quote {number} not found")
    if revision is None:
        latest = latest_revision(revisions)
        assert latest is not None
        return latest
    for candidate in revisions:
        if candidate.revision == revision:
            return candidate
    known = ", ".join(str(q.revision) for q in sorted(revisions, key=lambda q: q.revision))
    raise NotFound(
        f"quote {revisions[0].number} has no revision {revision}; its revisions are {known}"
    )
