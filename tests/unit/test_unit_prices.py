"""Unit prices keep up to four decimals; a line's amount is rounded to cents once, at the end."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.errors import InvalidValue
from salesflow.models import Line, Product
from salesflow.pipeline.lines import Discount, LineSpec, line_from_spec, make_line
from salesflow.pipeline.money import format_price, parse_price, price_text, unit_price
from salesflow.pipeline.products import add_product, edit_product
from tests.unit.test_money import half_up_cents

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
SCREW = Product(
    sku="SCREW",
    name="Screw",
    price=Decimal("0.0045"),
    tax_rate=Decimal(21),
    created_on=date(2026, 1, 1),
)


# --- parsing and showing a unit price -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.005", "0.0050"),
        ("0.00125", "0.0013"),
        ("0.00124", "0.0012"),
        ("12.5", "12.5000"),
        ("1,250.12345", "1250.1235"),
        ("950", "950.0000"),
    ],
)
def test_a_typed_unit_price_is_rounded_half_up_to_four_decimals(text: str, expected: str) -> None:
    assert str(parse_price(text, "price")) == expected


def test_a_unit_price_keeps_the_refusals_of_any_typed_number() -> None:
    with pytest.raises(InvalidValue, match=r"^price '-0.01' is negative; it must be 0 or more$"):
        parse_price("-0.01", "price")
    with pytest.raises(InvalidValue, match=r"^price '1000000000000' is too large"):
        parse_price("1000000000000", "price")
    with pytest.raises(InvalidValue, match=r"^price '1e12' is not a number$"):
        parse_price("1e12", "price")


@pytest.mark.parametrize(
    ("value", "text", "table"),
    [
        ("12.5", "12.50", "12.50"),
        ("1250", "1250.00", "1,250.00"),
        ("0.005", "0.005", "0.005"),
        ("0.0050", "0.005", "0.005"),
        ("0.1234", "0.1234", "0.1234"),
        ("1234.5670", "1234.567", "1,234.567"),
        ("0", "0.00", "0.00"),
        ("0.00005", "0.0001", "0.0001"),
    ],
)
def test_a_unit_price_shows_two_decimals_unless_more_are_significant_up_to_four(
    value: str, text: str, table: str
) -> None:
    assert price_text(Decimal(value)) == text
    assert format_price(Decimal(value)) == table


# --- lines ----------------------------------------------------------------------------------


def test_a_write_in_at_half_a_cent_for_a_thousand_pieces_costs_five_not_ten() -> None:
    line = line_from_spec(
        LineSpec(quantity="1000", write_in="Bolt", price="0.005"),
        line_no=1,
        products={},
        default_tax_rate=Decimal(21),
    )
    assert (str(line.unit_price), str(line.amount), str(line.tax)) == ("0.0050", "5.00", "1.05")
    assert line.model_dump(mode="json")["unit_price"] == "0.005"


def test_a_catalog_price_with_four_decimals_is_used_as_it_is() -> None:
    line = line_from_spec(
        LineSpec(quantity="333", sku="screw"),
        line_no=1,
        products={"SCREW": SCREW},
        default_tax_rate=Decimal(0),
    )
    assert (str(line.unit_price), str(line.gross), str(line.amount)) == ("0.0045", "1.50", "1.50")


def test_a_price_override_on_a_catalog_line_keeps_four_decimals() -> None:
    line = line_from_spec(
        LineSpec(quantity="10000", sku="SCREW", price="0.00375"),
        line_no=1,
        products={"SCREW": SCREW},
        default_tax_rate=Decimal(0),
    )
    assert (str(line.unit_price), str(line.amount)) == ("0.0038", "38.00")


def test_a_discount_above_the_gross_names_the_price_with_its_decimals() -> None:
    with pytest.raises(InvalidValue) as error:
        line_from_spec(
            LineSpec(quantity="100", write_in="Bolt", price="0.005", discount="1"),
            line_no=1,
            products={},
            default_tax_rate=Decimal(0),
        )
    assert str(error.value) == "discount 1.00 is more than the line's gross 0.50 (100 × 0.005)"


def test_a_stored_line_of_an_older_file_with_a_two_decimal_price_reads_and_writes_the_same() -> (
    None
):
    stored = {
        "line_no": 1,
        "description": "Consulting day",
        "quantity": "2",
        "unit_price": "800.00",
        "tax_rate": "21",
        "amount": "1600.00",
        "tax": "336.00",
    }
    line = Line.model_validate(stored)
    assert line.model_dump(mode="json", round_trip=True, exclude_none=True)["unit_price"] == (
        "800.00"
    )
    assert str(line.gross) == "1600.00"


# --- products -------------------------------------------------------------------------------


def test_a_product_keeps_a_price_of_four_decimals_and_stores_it_as_typed() -> None:
    product, created = add_product(
        "NUT",
        name="Nut",
        price="0.0125",
        tax_rate=None,
        unit=None,
        description=None,
        existing={},
        default_tax_rate=Decimal(21),
        today=date(2026, 11, 27),
        now=NOW,
    )
    assert product.stored()["price"] == "0.0125"
    assert created.details["price"] == "0.0125"
    edited, _ = edit_product(product, price="0.01255", now=NOW)
    assert edited.stored()["price"] == "0.0126"


def test_editing_a_product_to_the_same_price_in_other_digits_changes_nothing() -> None:
    edited, changed = edit_product(SCREW, price="0.00450", now=NOW)
    assert edited == SCREW
    assert changed.details["fields"] == []


# --- the rule, as a property -----------------------------------------------------------------

quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(100_000), places=3)
prices = st.decimals(min_value=Decimal(0), max_value=Decimal(100_000), places=4)
rates = st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=2)
percents = st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=2)


@given(quantities, prices, rates, percents)
def test_a_line_amount_is_quantity_times_unit_price_less_discount_rounded_once(
    quantity: Decimal, price: Decimal, rate: Decimal, percent: Decimal
) -> None:
    line = make_line(
        1,
        description="item",
        quantity=quantity,
        unit_price=unit_price(price),
        tax_rate=rate,
        discount=Discount(percent=percent),
    )
    gross = Fraction(quantity) * Fraction(price)
    expected = half_up_cents(gross - gross * Fraction(percent) / 100)
    assert Fraction(line.amount) == max(expected, Fraction(0))
    assert Fraction(line.tax) == half_up_cents(Fraction(line.amount) * Fraction(rate) / 100)
    assert Fraction(line.unit_price) == Fraction(price)


@given(quantities, prices, st.data())
def test_an_amount_discount_is_taken_from_the_exact_gross_before_the_one_rounding(
    quantity: Decimal, price: Decimal, data: st.DataObject
) -> None:
    gross = Fraction(quantity) * Fraction(price)
    ceiling = Decimal(int(gross * 100)) / 100
    off = data.draw(st.decimals(min_value=Decimal(0), max_value=ceiling, places=2))
    line = make_line(
        1,
        description="item",
        quantity=quantity,
        unit_price=unit_price(price),
        tax_rate=Decimal(0),
        discount=Discount(amount=off),
    )
    assert Fraction(line.amount) == max(half_up_cents(gross - Fraction(off)), Fraction(0))


@given(st.decimals(min_value=Decimal(0), max_value=Decimal(10**12 - 1), places=4))
def test_a_unit_price_reads_back_from_its_text_unchanged(price: Decimal) -> None:
    text = price_text(price)
    assert Decimal(text) == price
    assert 2 <= len(text.split(".")[1]) <= 4
    assert Decimal(format_price(price).replace(",", "")) == price
