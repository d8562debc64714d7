"""Money: one constructor without floats, half-up cents, and line figures that always add up."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.errors import InvalidValue
from salesflow.importer import parse_import_amount
from salesflow.models import Line, Opportunity
from salesflow.pipeline.lines import Discount, make_line
from salesflow.pipeline.money import (
    D,
    amount_digits,
    cents,
    format_money,
    parse_money,
    parse_number,
    total,
)

TWO_PLACES = re.compile(r"^-?\d+\.\d{2}$")


def half_up_cents(value: Fraction) -> Fraction:
    """Reference rounding with integers only: to cents, halves away from zero."""
    sign = -1 if value < 0 else 1
    hundredths = abs(value) * 100
    whole = (2 * hundredths.numerator + hundredths.denominator) // (2 * hundredths.denominator)
    return Fraction(sign * whole, 100)


# --- D ---------------------------------------------------------------------------------------


def test_money_from_a_float_is_refused() -> None:
    with pytest.raises(TypeError, match=r"^money must not be built from float 0\.1$"):
        D(0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [True, False])
def test_money_from_a_bool_is_refused(value: bool) -> None:
    with pytest.raises(TypeError, match=rf"^money must not be built from bool {value}$"):
        D(value)


def test_money_from_text_int_and_decimal_is_exact() -> None:
    assert D(" 19.99 ") == Decimal("19.99")
    assert D(7) == Decimal(7)
    assert D(Decimal("0.1")) + D("0.2") == Decimal("0.3")


@pytest.mark.parametrize("text", ["abc", "", "NaN", "Infinity", "-inf"])
def test_money_from_text_that_is_no_finite_number_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a"):
        D(text)


# --- cents -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2.345", "2.35"),
        ("2.344", "2.34"),
        ("-2.345", "-2.35"),
        ("-2.344", "-2.34"),
        ("0.005", "0.01"),
        ("0.004999", "0.00"),
        ("2.5", "2.50"),
        ("7", "7.00"),
    ],
)
def test_cents_round_half_up(value: str, expected: str) -> None:
    assert str(cents(value)) == expected


def test_total_of_no_amounts_is_zero_cents() -> None:
    assert str(total([])) == "0.00"


def test_format_money_groups_thousands_with_two_decimals() -> None:
    assert format_money(Decimal("1234567.5")) == "1,234,567.50"


# --- parsing what the user typed ---------------------------------------------------------------


def test_parse_number_of_text_names_the_field_and_the_value() -> None:
    with pytest.raises(InvalidValue, match=r"^price 'abc' is not a number$"):
        parse_number("abc", "price")


def test_parse_number_of_a_negative_names_the_rule() -> None:
    with pytest.raises(InvalidValue, match=r"^price '-5' is negative; it must be 0 or more$"):
        parse_number("-5", "price")


def test_parse_money_messages_are_the_same_as_parse_number() -> None:
    with pytest.raises(InvalidValue, match=r"^payment 'abc' is not a number$"):
        parse_money("abc", "payment")
    with pytest.raises(InvalidValue, match=r"^payment '-5' is negative; it must be 0 or more$"):
        parse_money("-5", "payment")


def test_parse_number_allows_negatives_when_asked() -> None:
    assert parse_number("-5", "adjustment", allow_negative=True) == Decimal(-5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1250", "1250.00"), ("1,250.50", "1250.50"), ("1_000", "1000.00"), (" 3.0050 ", "3.01")],
)
def test_parse_money_reads_common_spellings_and_rounds_to_cents(text: str, expected: str) -> None:
    assert str(parse_money(text, "value")) == expected


def test_parse_money_of_minus_zero_is_plain_zero() -> None:
    assert str(parse_money("-0", "value")) == "0.00"


@pytest.mark.parametrize("text", ["1000000000000", "99999999999999999999999999999", "1e30"])
def test_a_number_of_a_trillion_or_more_is_refused_not_a_crash(text: str) -> None:
    if text == "1e30":  # an exponent is no amount, but still a number (a quantity)
        with pytest.raises(InvalidValue, match=r"^value '1e30' is too large"):
            parse_number(text, "value")
        return
    with pytest.raises(
        InvalidValue,
        match=rf"^value '{text}' is too large; it must be less than 1,000,000,000,000$",
    ):
        parse_money(text, "value")


def test_the_largest_accepted_number_still_rounds_to_cents() -> None:
    assert str(parse_money("999999999999.9950", "value")) == "1000000000000.00"


# --- properties of lines -----------------------------------------------------------------------

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10_000), places=3)
prices = st.decimals(min_value=Decimal(0), max_value=Decimal(1_000_000), places=2)
rates = st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=2)
percents = st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=2)


def _line(
    quantity: Decimal, price: Decimal, rate: Decimal, discount: Discount, line_no: int = 1
) -> Line:
    return make_line(
        line_no,
        description="item",
        quantity=quantity,
        unit_price=price,
        tax_rate=rate,
        discount=discount,
    )


@given(quantities, prices, rates, percents)
def test_a_line_matches_the_integer_reference(
    quantity: Decimal, price: Decimal, rate: Decimal, percent: Decimal
) -> None:
    line = _line(quantity, price, rate, Discount(percent=percent))
    gross = Fraction(quantity) * Fraction(price)
    amount = half_up_cents(gross - gross * Fraction(percent) / 100)
    tax = half_up_cents(amount * Fraction(rate) / 100)
    assert Fraction(line.amount) == amount
    assert Fraction(line.tax) == tax
    assert Fraction(line.discount) == half_up_cents(gross * Fraction(percent) / 100)


@given(quantities, prices, rates, percents)
def test_a_line_total_is_its_amount_plus_its_tax_in_the_stored_json(
    quantity: Decimal, price: Decimal, rate: Decimal, percent: Decimal
) -> None:
    dumped = _line(quantity, price, rate, Discount(percent=percent)).model_dump(mode="json")
    assert Decimal(dumped["total"]) == Decimal(dumped["amount"]) + Decimal(dumped["tax"])


@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(min_value=0, max_value=8))
def test_cents_rounding_is_half_up_like_the_integer_reference(numerator: int, places: int) -> None:
    value = Decimal(numerator).scaleb(-places)
    assert Fraction(cents(value)) == half_up_cents(Fraction(numerator, 10**places))


@given(quantities, prices, rates, percents)
def test_a_percentage_discount_never_makes_an_amount_negative(
    quantity: Decimal, price: Decimal, rate: Decimal, percent: Decimal
) -> None:
    line = _line(quantity, price, rate, Discount(percent=percent))
    assert Decimal(0) <= line.amount <= line.gross
    assert line.tax >= 0


@given(quantities, prices, rates, st.data())
def test_an_amount_discount_up_to_the_gross_never_makes_an_amount_negative(
    quantity: Decimal, price: Decimal, rate: Decimal, data: st.DataObject
) -> None:
    gross = cents(quantity * price)
    amount_off = data.draw(st.decimals(min_value=Decimal(0), max_value=gross, places=2))
    line = _line(quantity, price, rate, Discount(amount=amount_off))
    assert Decimal(0) <= line.amount <= gross
    assert str(line.amount) != "-0.00"
    assert line.tax >= 0


@given(quantities, prices, rates, percents)
def test_line_amounts_always_have_exactly_two_decimal_places(
    quantity: Decimal, price: Decimal, rate: Decimal, percent: Decimal
) -> None:
    line = _line(quantity, price, rate, Discount(percent=percent))
    for value in (line.discount, line.amount, line.tax, line.gross, line.total):
        assert value.as_tuple().exponent == -2
    dumped = line.model_dump(mode="json")
    for field in ("unit_price", "discount", "amount", "tax", "gross", "total"):
        assert TWO_PLACES.match(dumped[field]), (field, dumped[field])


@pytest.mark.slow  # a long property run
@given(st.lists(st.tuples(quantities, prices, rates, percents), max_size=8))
def test_an_opportunitys_subtotal_tax_and_total_add_up_over_its_lines(
    specs: list[tuple[Decimal, Decimal, Decimal, Decimal]],
) -> None:
    lines = [
        _line(q, p, r, Discount(percent=pct), line_no=i)
        for i, (q, p, r, pct) in enumerate(specs, start=1)
    ]
    opportunity = Opportunity(
        number="OPP-0001", name="Deal", lines=lines, created_on=date(2026, 11, 27)
    )
    dumped = opportunity.model_dump(mode="json")
    amounts = [Decimal(line["amount"]) for line in dumped["lines"]]
    taxes = [Decimal(line["tax"]) for line in dumped["lines"]]
    assert Decimal(dumped["subtotal"]) == sum(amounts, Decimal(0))
    assert Decimal(dumped["tax"]) == sum(taxes, Decimal(0))
    assert Decimal(dumped["total"]) == Decimal(dumped["subtotal"]) + Decimal(dumped["tax"])
    assert TWO_PLACES.match(dumped["total"])


@pytest.mark.parametrize(
    ("text", "value"), [("1,250.50", "1250.50"), ("12,500,000.5", "12500000.5")]
)
def test_thousands_separators_in_english_form_are_read(text: str, value: str) -> None:
    assert parse_number(text, "value") == Decimal(value)


def test_misplaced_thousands_separators_are_refused() -> None:
    with pytest.raises(InvalidValue) as error:
        parse_number("12,50.7", "value")
    assert str(error.value) == (
        "value '12,50.7' is not a number; write thousands as 1,250.50 or leave them out"
    )


# --- amounts as sellers type them: one reading for every money option and the importer --------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.500", "1500.00"),
        ("1.500,00", "1500.00"),
        ("1,500.00", "1500.00"),
        ("€ 1.500", "1500.00"),
        ("1,500", "1500.00"),
        ("9.5", "9.50"),
        ("9,50", "9.50"),
        ("9.50", "9.50"),
        ("0.125", "0.13"),
        ("1.000.000", "1000000.00"),
        ("EUR 1.250,-", "1250.00"),
        ("12 500,00 €", "12500.00"),
    ],
)
def test_a_money_option_reads_an_amount_as_the_importer_does(text: str, expected: str) -> None:
    assert str(parse_money(text, "value")) == expected
    assert cents(parse_import_amount(text)) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("1500.250", "1,500,250.00 or 1,500.25; type 1500250.00 or 1500.25"),
        ("2500,000", "2,500,000.00 or 2,500.00; type 2500000.00 or 2500.00"),
        ("€ 1000.500", "1,000,500.00 or 1,000.50; type 1000500.00 or 1000.50"),
    ],
)
def test_an_amount_with_two_readings_is_refused_showing_both(text: str, readings: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_money(text, "estimated value")
    assert str(raised.value) == f"estimated value {text!r} is ambiguous: {readings}"
    with pytest.raises(InvalidValue):
        parse_import_amount(text)  # the importer rejects the row rather than guess


@pytest.mark.parametrize("text", ["abc", "1.2.3", "12,5.00", "1e5", "--5", "€"])
def test_what_is_not_an_amount_is_refused_by_a_money_option(text: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_money(text, "price")
    assert str(raised.value) == f"price {text!r} is not a number"


amounts_in_cents = st.decimals(min_value=0, max_value=10**11, places=2)


@given(amounts_in_cents, st.sampled_from(["", "€ ", "EUR "]))
def test_an_amount_written_with_thousands_in_either_form_reads_back(
    value: Decimal, currency: str
) -> None:
    english = f"{value:,.2f}"
    dutch = english.replace(",", " ").replace(".", ",").replace(" ", ".")
    assert parse_money(currency + english, "value") == value
    assert parse_money(currency + dutch, "value") == value


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_a_lone_mark_before_three_digits_always_groups_thousands(high: int, low: int) -> None:
    for mark in ".,":
        assert parse_money(f"{high}{mark}{low:03d}", "value") == Decimal(high * 1000 + low)


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_one_or_two_decimals_after_either_mark_are_cents(whole: int, hundredths: int) -> None:
    for mark in ".,":
        typed = f"{whole}{mark}{hundredths:02d}"
        assert parse_money(typed, "value") == Decimal(whole) + Decimal(hundredths) / 100
    if hundredths % 10 == 0:
        assert parse_money(f"{whole},{hundredths // 10}", "value") == parse_money(
            f"{whole}.{hundredths:02d}", "value"
        )


@given(st.text(max_size=12))
def test_any_text_is_an_amount_or_one_clear_refusal_never_a_crash(text: str) -> None:
    try:
        value = parse_money(text, "value")
    except InvalidValue as refused:
        assert str(refused).startswith(f"value {text!r} ")
    else:
        assert value == cents(value) and value >= 0
        assert parse_import_amount(text) == D(amount_digits(text) or "x")
