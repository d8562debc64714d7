"""The maximum amount: lines and totals stay below a trillion, so any number of them adds up
exactly to the cent; what would pass it is refused with one message, never a Decimal error."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.errors import InvalidValue
from salesflow.models import Line, Opportunity
from salesflow.pipeline.doctor import over_maximum
from salesflow.pipeline.lines import LineSpec, make_line
from salesflow.pipeline.money import LIMIT, cents, total
from salesflow.pipeline.opportunities import add_product
from salesflow.pipeline.quotes import add_quote_product, create_quote
from tests.unit.test_money import half_up_cents

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 27)
MAX_PRICE = "999999999999.99"


def opportunity(*lines: Line) -> Opportunity:
    return Opportunity(
        number="OPP-0001",
        name="Big deal",
        lines=list(lines),
        last_line_no=len(lines),
        created_on=TODAY,
    )


def write_in(price: str, quantity: str = "1", rate: str = "0") -> LineSpec:
    return LineSpec(quantity=quantity, write_in="Plant", price=price, tax_rate=rate)


def add(record: Opportunity, spec: LineSpec) -> Opportunity:
    return add_product(record, spec, products={}, default_tax_rate=Decimal(0), now=NOW)[0]


def huge_line(line_no: int, rate: str = "100") -> Line:
    """A line as an older version accepted: two typed numbers just below a trillion each."""
    quantity = price = Decimal("999999999999")
    amount = cents(quantity * price)
    return Line.model_construct(
        line_no=line_no,
        sku=None,
        description="Plant",
        quantity=quantity,
        unit=None,
        unit_price=price,
        discount=Decimal("0.00"),
        discount_percent=None,
        header_discount=Decimal("0.00"),
        tax_rate=Decimal(rate),
        amount=amount,
        tax=cents(amount * Decimal(rate) / 100),
    )


# --- lines ----------------------------------------------------------------------------------


def test_a_line_coming_to_a_trillion_is_refused_naming_its_figures() -> None:
    with pytest.raises(InvalidValue) as error:
        make_line(
            1,
            description="Plant",
            quantity=Decimal(1_000_000),
            unit_price=Decimal(1_000_000),
            tax_rate=Decimal(21),
        )
    assert str(error.value) == (
        "line 'Plant': 1000000 × 1000000.00 comes to 1,000,000,000,000.00; "
        "a line must come to less than 1,000,000,000,000"
    )


def test_a_line_at_the_maximum_amount_is_made() -> None:
    line = make_line(
        1,
        description="Plant",
        quantity=Decimal(1),
        unit_price=Decimal(MAX_PRICE),
        tax_rate=Decimal(100),
    )
    assert (str(line.amount), str(line.tax), str(line.total)) == (
        MAX_PRICE,
        MAX_PRICE,
        "1999999999999.98",
    )


# --- totals ---------------------------------------------------------------------------------


def test_a_line_taking_an_opportunitys_total_to_the_maximum_is_refused() -> None:
    first = add(opportunity(), write_in("600000000000"))
    with pytest.raises(InvalidValue) as error:
        add(first, write_in("400000000000"))
    assert str(error.value) == (
        "opportunity OPP-0001: line 2 would take the total to 1,000,000,000,000.00; "
        "a total must be less than 1,000,000,000,000"
    )


def test_tax_counts_towards_the_maximum_total() -> None:
    with pytest.raises(InvalidValue, match=r"would take the total to 1,099,999,999,999\.99;"):
        add(opportunity(), write_in(MAX_PRICE, rate="10"))


def test_a_line_taking_a_quotes_total_to_the_maximum_is_refused() -> None:
    quote = create_quote(
        add(opportunity(), write_in("999999999000")), number="QUO-0001", today=TODAY, now=NOW
    ).quote
    with pytest.raises(InvalidValue) as error:
        add_quote_product(
            quote, write_in("1000"), products={}, default_tax_rate=Decimal(0), now=NOW
        )
    assert str(error.value) == (
        "quote QUO-0001: line 2 would take the total to 1,000,000,000,000.00; "
        "a total must be less than 1,000,000,000,000"
    )


amounts = st.decimals(min_value=Decimal(0), max_value=Decimal(MAX_PRICE), places=2)
quantities = st.sampled_from(["1", "2", "1000", "0.5", "999999999999"])
rates = st.sampled_from(["0", "21", "100"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(quantities, amounts, rates), min_size=1, max_size=60))
def test_lines_are_added_exactly_or_refused_with_one_message(
    specs: list[tuple[str, Decimal, str]],
) -> None:
    record = opportunity()
    for quantity, price, rate in specs:
        try:
            record = add(record, write_in(str(price), quantity, rate))
        except InvalidValue as error:
            assert "must come to less than" in str(error) or "must be less than" in str(error)
    reference = sum(
        (
            half_up_cents(Fraction(line.amount) * Fraction(line.tax_rate) / 100)
            + Fraction(line.amount)
            for line in record.lines
        ),
        Fraction(0),
    )
    assert Fraction(record.total) == reference < LIMIT
    assert over_maximum(record) is None


# --- files written before the maximum --------------------------------------------------------


def test_sixty_lines_at_the_old_maximum_give_one_message_not_a_decimal_error() -> None:
    record = opportunity(*(huge_line(n) for n in range(1, 61)))
    message = (
        "amount 119,999,999,999,760,000,000,000,120 is too large to count to the cent; "
        "amounts must be less than 1,000,000,000,000 (`salesflow doctor` lists the records)"
    )
    with pytest.raises(InvalidValue) as error:
        record.model_dump(mode="json")
    assert str(error.value) == message
    with pytest.raises(InvalidValue) as error:
        str(record.total)
    assert str(error.value) == message


def test_fifty_lines_at_the_old_maximum_still_add_up_to_the_cent() -> None:
    record = opportunity(*(huge_line(n) for n in range(1, 51)))
    assert str(record.total) == "99999999999800000000000100.00"
    assert Fraction(record.total) == 50 * 2 * Fraction(999999999999**2)


def test_doctor_names_a_line_and_a_total_beyond_the_maximum() -> None:
    assert over_maximum(opportunity(huge_line(1))) == (
        "line 1 comes to 999,999,999,998,000,000,000,001.00; "
        "a line must come to less than 1,000,000,000,000"
    )
    near = make_line(
        1, description="Plant", quantity=Decimal(1), unit_price=Decimal(MAX_PRICE),
        tax_rate=Decimal(1),
    )  # fmt: skip
    assert over_maximum(opportunity(near)) == (
        "total 1,009,999,999,999.99 is not less than the maximum 1,000,000,000,000"
    )
    untaxed = near.model_copy(update={"tax_rate": Decimal(0), "tax": Decimal("0.00")})
    assert over_maximum(opportunity(untaxed)) is None


def test_the_sum_of_amounts_below_the_maximum_is_exact_for_a_million_of_them() -> None:
    assert total([Decimal(MAX_PRICE)] * 1_000_000) == Decimal("999999999999990000.00")
