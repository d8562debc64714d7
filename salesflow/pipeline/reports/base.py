"""What every report shares: filters, rates, months and money as text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from salesflow.errors import InvalidValue, UsageError
from salesflow.models import Invoice, InvoiceStatus, Opportunity
from salesflow.pipeline.money import ZERO, cents, total

RATE_PLACES = Decimal("0.0001")
DAYS_PLACES = Decimal("0.1")


@dataclass(frozen=True)
class Filters:
    """The report filters: an inclusive date range and a source (None: no limit)."""

    start: date | None = None
    end: date | None = None
    source: str | None = None
    owner: str | None = None
    """Only the records of this seller (`--mine`, `--owner`; any case)."""

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise UsageError(
                f"--from {self.start.isoformat()} is after --to {self.end.isoformat()}; "
                "the range would be empty"
            )

    def covers(self, day: date | None) -> bool:
        """Whether `day` lies in the range; an undated record only passes an open range."""
        if day is None:
            return self.start is None and self.end is None
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def has_source(self, source: str | None) -> bool:
        return self.source is None or source_key(source) == source_key(self.source)

    def owns(self, record: object) -> bool:
        """Whether the owner filter keeps `record` (a record without an owner passes only
        when no owner is asked for)."""
        if self.owner is None:
            return True
        owner = getattr(record, "owner", None)
        return owner is not None and owner.casefold() == self.owner.casefold()

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "source": self.source,
            "owner": self.owner,
        }


def source_key(source: str | None) -> str:
    """Sources are the same when they differ only in case or surrounding space."""
    return (source or "").strip().casefold()


def rate(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """`part / whole` rounded half-up to four decimals; None when `whole` is zero."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def rate_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.4f}"


def percent_text(value: Decimal | None) -> str:
    """`0.6667` -> `66.7%`; `-` when there is no rate."""
    if value is None:
        return "-"
    return f"{(value * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def money_text(value: Decimal) -> str:
    return f"{cents(value):.2f}"


def mean_money(values: Sequence[Decimal]) -> Decimal | None:
    return cents(sum(values, ZERO) / len(values)) if values else None


def mean_days(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(DAYS_PLACES, rounding=ROUND_HALF_UP)


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def shift_month(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s month; InvalidValue past 9999-12."""
    index = _month_index(day) + months
    if not _month_index(date.min) <= index <= _month_index(date.max):
        raise InvalidValue(
            f"{months} month{'' if months == 1 else 's'} after {month_key(day)} is past "
            f"{month_key(date.max)}, the last month salesflow can hold"
        )
    return date(index // 12, index % 12 + 1, 1)


def month_span(first: date, last: date) -> list[str]:
    """Every month from `first`'s to `last`'s, both included."""
    return [
        f"{index // 12:04d}-{index % 12 + 1:02d}"
        for index in range(_month_index(first), _month_index(last) + 1)
    ]


def won_revenue(opportunity: Opportunity) -> Decimal:
    """What a won deal brought: its actual revenue (the estimate if none was recorded)."""
    if opportunity.actual_revenue is not None:
        return opportunity.actual_revenue
    return opportunity.estimated_revenue


def paid_as_of(invoice: Invoice, day: date) -> Decimal:
    return total(p.amount for p in invoice.payments if p.paid_on <= day)


def balance_as_of(invoice: Invoice, day: date) -> Decimal:
    """What the customer still owed on `day` (payments dated later do not count yet)."""
    return invoice.total - paid_as_of(invoice, day)


def is_live(invoice: Invoice) -> bool:
    return invoice.status is not InvoiceStatus.CANCELED


def sources_of(opportunities: Iterable[Opportunity]) -> dict[str, str | None]:
    return {o.number.upper(): o.source for o in opportunities}
