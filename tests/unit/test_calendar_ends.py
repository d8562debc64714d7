"""Dates computed from today near the ends of the calendar (9999-12-31, 0001-01-01): each
computation gives a date or one InvalidValue naming the record, the date and the rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.errors import InvalidValue
from salesflow.models import Opportunity, Order, QuoteStatus
from salesflow.pipeline.fields import add_days
from salesflow.pipeline.lines import make_line
from salesflow.pipeline.orders import fulfil_order
from salesflow.pipeline.quotes import create_quote, revise_quote
from salesflow.pipeline.reports import Filters
from salesflow.pipeline.reports.base import month_span, shift_month
from salesflow.pipeline.reports.opportunities import forecast_report

LATE = date(9999, 12, 15)
NOW = datetime(9999, 12, 15, 10, 0, tzinfo=UTC)


def opportunity() -> Opportunity:
    line = make_line(
        1, description="Day", quantity=Decimal(1), unit_price=Decimal(100), tax_rate=Decimal(21)
    )
    return Opportunity(
        number="OPP-0001", name="Deal", lines=[line], last_line_no=1, created_on=date(9999, 1, 1)
    )


# --- add_days -------------------------------------------------------------------------------


def test_days_past_the_last_date_name_the_date_and_the_rule() -> None:
    with pytest.raises(InvalidValue) as error:
        add_days(LATE, 30, "quote QUO-0001: valid until", "; give --valid-until")
    assert str(error.value) == (
        "quote QUO-0001: valid until 9999-12-15 + 30 days is after 9999-12-31, the last date "
        "salesflow can hold; give --valid-until"
    )


def test_days_before_the_first_date_name_the_date_and_the_rule() -> None:
    with pytest.raises(InvalidValue) as error:
        add_days(date(1, 1, 20), -48, "demo: first day")
    assert str(error.value) == (
        "demo: first day 0001-01-20 − 48 days is before 0001-01-01, the first date salesflow "
        "can hold"
    )


@given(st.dates(), st.integers(min_value=-800_000, max_value=800_000))
def test_adding_days_gives_the_date_or_refuses_exactly_when_it_leaves_the_calendar(
    day: date, days: int
) -> None:
    inside = date.min.toordinal() <= day.toordinal() + days <= date.max.toordinal()
    if inside:
        assert add_days(day, days, "x") == date.fromordinal(day.toordinal() + days)
    else:
        with pytest.raises(InvalidValue):
            add_days(day, days, "x")


# --- quotes and invoices --------------------------------------------------------------------


def test_a_quote_created_near_the_end_without_valid_until_is_refused() -> None:
    with pytest.raises(InvalidValue) as error:
        create_quote(opportunity(), number="QUO-0001", today=LATE, now=NOW)
    assert str(error.value) == (
        "quote QUO-0001: valid until 9999-12-15 + 30 days is after 9999-12-31, the last date "
        "salesflow can hold; give --valid-until"
    )


def test_a_quote_created_near_the_end_with_valid_until_is_made() -> None:
    quoted = create_quote(
        opportunity(), number="QUO-0001", valid_until="9999-12-31", today=LATE, now=NOW
    )
    assert quoted.quote.valid_until == date.max


def test_a_revision_near_the_end_is_refused_naming_the_revision() -> None:
    quote = create_quote(
        opportunity(), number="QUO-0001", today=date(9999, 11, 1), now=NOW
    ).quote.model_copy(update={"status": QuoteStatus.ACTIVE, "status_reason": "open"})
    with pytest.raises(InvalidValue) as error:
        revise_quote(quote, opportunity=opportunity(), today=LATE, now=NOW)
    assert str(error.value) == (
        "quote QUO-0001 revision 2: valid until 9999-12-15 + 30 days is after 9999-12-31, the "
        "last date salesflow can hold"
    )


def _order() -> Order:
    return Order(
        number="ORD-0001",
        quote="QUO-0001",
        quote_revision=1,
        opportunity="OPP-0001",
        lines=opportunity().lines,
        created_on=date(9999, 12, 1),
    )


def test_fulfilling_with_a_due_date_past_the_end_is_refused_and_hands_out_no_number() -> None:
    handed: list[str] = []

    def numbers(series: str) -> str:
        handed.append(series)
        return f"{series}-0001"

    with pytest.raises(InvalidValue) as error:
        fulfil_order(_order(), numbers=numbers, invoice_date=LATE, payment_terms=30, now=NOW)
    assert str(error.value) == (
        "order ORD-0001: due date 9999-12-15 + 30 days is after 9999-12-31, the last date "
        "salesflow can hold; give an earlier --date"
    )
    done = fulfil_order(
        _order(), numbers=numbers, invoice_date=LATE, payment_terms=16, now=NOW
    ).invoice
    assert (done.number, done.due_date) == ("INV-9999-0001", date.max)


# --- reports' months ------------------------------------------------------------------------


def test_the_months_run_to_the_last_month_of_the_calendar() -> None:
    assert month_span(date(9999, 10, 5), date.max) == ["9999-10", "9999-11", "9999-12"]
    assert shift_month(date(9999, 7, 9), 5) == date(9999, 12, 1)


def test_a_month_past_the_last_is_refused() -> None:
    with pytest.raises(InvalidValue) as error:
        shift_month(date(9999, 12, 1), 1)
    assert str(error.value) == (
        "1 month after 9999-12 is past 9999-12, the last month salesflow can hold"
    )


def test_a_forecast_running_past_the_last_month_is_refused_with_a_hint() -> None:
    with pytest.raises(InvalidValue) as error:
        forecast_report([opportunity()], today=LATE)
    assert str(error.value) == (
        "--months 6 from 9999-12 runs past 9999-12, the last month salesflow can hold; "
        "give fewer --months or --to"
    )


def test_a_forecast_of_the_last_month_works() -> None:
    report = forecast_report([opportunity()], today=LATE, months=1)
    assert (report.first_month, report.last_month) == ("9999-12", "9999-12")
    ended = forecast_report([opportunity()], today=LATE, filters=Filters(end=date.max))
    assert ended.last_month == "9999-12"


def test_month_spans_agree_with_stepping_a_date_a_month_at_a_time() -> None:
    first, last = date(2024, 11, 30), date(2026, 2, 1)
    stepped, current = [], first.replace(day=1)
    while current <= last:
        stepped.append(f"{current.year:04d}-{current.month:02d}")
        current = (current + timedelta(days=32)).replace(day=1)
    assert month_span(first, last) == stepped
