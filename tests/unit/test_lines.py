"""Lines: discounts, fractional quantities, catalog overrides, write-ins, and what is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.errors import InvalidValue, NotFound, UsageError
from salesflow.models import Line, Opportunity, Product
from salesflow.pipeline.lines import (
    NO_DISCOUNT,
    Discount,
    LineEdit,
    LineSpec,
    edited_line,
    line_from_spec,
    make_line,
    next_line_no,
    numbered,
    parse_discount,
    without_line,
)

CATALOG = {
    "DAY": Product(
        sku="DAY",
        name="Consulting day",
        price=Decimal("800.00"),
        tax_rate=Decimal(21),
        unit="day",
        created_on=date(2026, 1, 1),
    ),
    "LIC-1Y": Product(
        sku="lic-1y",
        name="Licence, one year",
        price=Decimal("1200.00"),
        tax_rate=Decimal(9),
        created_on=date(2026, 1, 1),
    ),
}


def from_spec(spec: LineSpec, default_tax_rate: str = "21") -> Line:
    return line_from_spec(
        spec, line_no=1, products=CATALOG, default_tax_rate=Decimal(default_tax_rate)
    )


def figures(line: Line) -> tuple[str, str, str, str, str]:
    return (str(line.gross), str(line.discount), str(line.amount), str(line.tax), str(line.total))


# --- parse_discount ----------------------------------------------------------------------------


def test_a_discount_ending_in_percent_is_a_percentage() -> None:
    assert parse_discount(" 12.5% ") == Discount(percent=Decimal("12.5"))


def test_a_plain_discount_is_an_amount_in_cents() -> None:
    assert parse_discount("25.0050") == Discount(amount=Decimal("25.01"))
    assert parse_discount("2.500") == Discount(amount=Decimal("2500.00"))  # thousands


@pytest.mark.parametrize("text", [None, "", "   "])
def test_no_discount_text_is_no_discount(text: str | None) -> None:
    assert parse_discount(text) is NO_DISCOUNT


def test_a_percentage_above_100_is_refused() -> None:
    with pytest.raises(InvalidValue, match=r"^discount '150%' is more than 100%$"):
        parse_discount("150%")


def test_a_negative_discount_is_refused() -> None:
    with pytest.raises(InvalidValue, match=r"^discount '-5' is negative; it must be 0 or more$"):
        parse_discount("-5")


def test_a_non_numeric_discount_is_refused() -> None:
    with pytest.raises(InvalidValue, match=r"^discount 'lots' is not a number$"):
        parse_discount("lots")


# --- make_line ---------------------------------------------------------------------------------


def test_a_percentage_discount_comes_off_the_gross_before_tax() -> None:
    line = make_line(
        1,
        description="Day",
        quantity=Decimal(3),
        unit_price=Decimal("800.00"),
        tax_rate=Decimal(21),
        discount=Discount(percent=Decimal(10)),
    )
    assert figures(line) == ("2400.00", "240.00", "2160.00", "453.60", "2613.60")
    assert line.discount_percent == Decimal(10)


def test_an_amount_discount_comes_off_the_gross_before_tax() -> None:
    line = make_line(
        1,
        description="Day",
        quantity=Decimal(2),
        unit_price=Decimal("100.00"),
        tax_rate=Decimal(25),
        discount=Discount(amount=Decimal("50.00")),
    )
    assert figures(line) == ("200.00", "50.00", "150.00", "37.50", "187.50")
    assert line.discount_percent is None


def test_a_fractional_quantity_multiplies_exactly() -> None:
    line = make_line(
        1,
        description="Workshop",
        quantity=Decimal("1.5"),
        unit_price=Decimal("999.99"),
        tax_rate=Decimal(0),
    )
    assert figures(line) == ("1499.99", "0.00", "1499.99", "0.00", "1499.99")


def test_tax_is_rounded_half_up_on_the_rounded_amount() -> None:
    line = make_line(
        1,
        description="Pen",
        quantity=Decimal(1),
        unit_price=Decimal("0.50"),
        tax_rate=Decimal(21),
    )
    assert str(line.tax) == "0.11"  # 0.105 -> 0.11


def test_a_discount_above_the_gross_is_refused_naming_both() -> None:
    with pytest.raises(
        InvalidValue,
        match=r"^discount 250\.00 is more than the line's gross 200\.00 \(2 × 100\.00\)$",
    ):
        make_line(
            1,
            description="Day",
            quantity=Decimal(2),
            unit_price=Decimal("100.00"),
            tax_rate=Decimal(0),
            discount=Discount(amount=Decimal("250.00")),
        )


def test_a_discount_of_the_whole_gross_as_shown_makes_the_line_free() -> None:
    # 1.5 × 0.33 = 0.495, shown (and rounded) as 0.50: a 0.50 discount is the whole line.
    line = make_line(
        1,
        description="Sticker",
        quantity=Decimal("1.5"),
        unit_price=Decimal("0.33"),
        tax_rate=Decimal(21),
        discount=Discount(amount=Decimal("0.50")),
    )
    assert figures(line) == ("0.50", "0.50", "0.00", "0.00", "0.00")


def test_a_full_percentage_discount_makes_the_line_free() -> None:
    line = make_line(
        1,
        description="Gift",
        quantity=Decimal("1.5"),
        unit_price=Decimal("0.33"),
        tax_rate=Decimal(21),
        discount=Discount(percent=Decimal(100)),
    )
    assert figures(line) == ("0.50", "0.50", "0.00", "0.00", "0.00")


# --- line_from_spec ----------------------------------------------------------------------------


def test_a_catalog_line_takes_name_price_tax_and_unit_from_the_product() -> None:
    line = from_spec(LineSpec(quantity="2", sku="day"))
    assert (line.sku, line.description, line.unit, line.unit_price, line.tax_rate) == (
        "DAY",
        "Consulting day",
        "day",
        Decimal("800.00"),
        Decimal(21),
    )
    assert figures(line) == ("1600.00", "0.00", "1600.00", "336.00", "1936.00")


def test_a_catalog_line_may_override_price_and_tax_rate() -> None:
    line = from_spec(LineSpec(quantity="1", sku="LIC-1Y", price="1000", tax_rate="0"))
    assert (line.sku, line.unit_price, line.tax_rate) == ("lic-1y", Decimal("1000.00"), 0)
    assert figures(line) == ("1000.00", "0.00", "1000.00", "0.00", "1000.00")


def test_a_catalog_line_takes_a_percentage_discount() -> None:
    line = from_spec(LineSpec(quantity="1.5", sku="DAY", discount="10%"))
    assert figures(line) == ("1200.00", "120.00", "1080.00", "226.80", "1306.80")


def test_a_write_in_line_uses_the_default_tax_rate() -> None:
    line = from_spec(LineSpec(quantity="3", write_in=" Travel ", price="45.5"), "9")
    assert (line.sku, line.description, line.tax_rate) == (None, "Travel", Decimal(9))
    assert figures(line) == ("136.50", "0.00", "136.50", "12.29", "148.79")


def test_a_write_in_line_may_set_its_own_tax_rate() -> None:
    line = from_spec(LineSpec(quantity="1", write_in="Book", price="20", tax_rate="6%"))
    assert line.tax_rate == Decimal(6)
    assert str(line.tax) == "1.20"


def test_a_write_in_without_a_price_is_refused() -> None:
    with pytest.raises(InvalidValue, match=r"^write-in line 'Travel' needs --price$"):
        from_spec(LineSpec(quantity="1", write_in="Travel"))


def test_a_line_that_is_neither_product_nor_write_in_is_refused() -> None:
    with pytest.raises(InvalidValue, match=r"^a line needs a product SKU or --write-in TEXT$"):
        from_spec(LineSpec(quantity="1", write_in="  "))


def test_a_line_that_is_both_product_and_write_in_is_refused() -> None:
    with pytest.raises(
        InvalidValue, match=r"^a line is a catalog product \(SKU\) or a write-in, not both$"
    ):
        from_spec(LineSpec(quantity="1", sku="DAY", write_in="Extra"))


def test_an_unknown_sku_is_not_found() -> None:
    with pytest.raises(NotFound, match=r"^product NOPE not found; see `salesflow product list`$"):
        from_spec(LineSpec(quantity="1", sku="NOPE"))


def test_a_negative_price_is_refused() -> None:
    with pytest.raises(InvalidValue, match=r"^price '-1' is negative; it must be 0 or more$"):
        from_spec(LineSpec(quantity="1", write_in="Travel", price="-1"))


def test_a_price_of_zero_is_allowed() -> None:
    line = from_spec(LineSpec(quantity="1", write_in="Goodwill", price="0"))
    assert figures(line) == ("0.00", "0.00", "0.00", "0.00", "0.00")


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "quantity '0' must be more than 0"),
        ("-1", "quantity '-1' must be more than 0"),
        ("-0.5", "quantity '-0.5' must be more than 0"),
        ("two", "quantity 'two' is not a number"),
        ("", "quantity '' is not a number"),
    ],
)
def test_a_quantity_that_is_not_more_than_zero_is_refused(quantity: str, message: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        from_spec(LineSpec(quantity=quantity, sku="DAY"))
    assert str(caught.value) == message


def test_a_tax_rate_of_150_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        from_spec(LineSpec(quantity="1", sku="DAY", tax_rate="150"))
    assert str(caught.value) == "tax rate '150' is out of range; it must be from 0 to 100"


def test_a_non_numeric_tax_rate_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        from_spec(LineSpec(quantity="1", write_in="X", price="1", tax_rate="high"))
    assert str(caught.value) == "tax rate 'high' is not a number"


def test_a_discount_above_the_catalog_gross_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        from_spec(LineSpec(quantity="0.5", sku="DAY", discount="400.01"))
    assert (
        str(caught.value) == "discount 400.01 is more than the line's gross 400.00 (0.5 × 800.00)"
    )


# --- line numbers --------------------------------------------------------------------------------


def test_a_new_line_follows_the_last_one_shown() -> None:
    lines = [
        from_spec(LineSpec(quantity="1", sku="DAY")).model_copy(update={"line_no": n})
        for n in (1, 2)
    ]
    record = Opportunity(number="OPP-0001", name="x", created_on=date(2026, 11, 27), lines=lines)
    assert next_line_no(record) == 3
    # a removal renumbers, so what was once the highest number no longer counts
    assert next_line_no(record.model_copy(update={"lines": [], "last_line_no": 3})) == 1


def test_removing_a_line_numbers_the_others_1_to_n_in_their_order() -> None:
    lines = [
        from_spec(LineSpec(quantity=str(n), sku="DAY")).model_copy(update={"line_no": n})
        for n in (1, 2, 3)
    ]
    left = without_line(lines, 2, "opportunity OPP-0001")
    assert [(line.line_no, line.quantity) for line in left] == [(1, 1), (2, 3)]


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=8), st.data())
def test_lines_stay_numbered_1_to_n_whatever_is_removed(
    quantities: list[int], data: st.DataObject
) -> None:
    lines = numbered([from_spec(LineSpec(quantity=str(q), sku="DAY")) for q in quantities])
    while lines:
        gone = data.draw(st.integers(min_value=1, max_value=len(lines)))
        kept = [line.quantity for line in lines if line.line_no != gone]
        lines = without_line(lines, gone, "opportunity OPP-0001")
        assert [line.line_no for line in lines] == list(range(1, len(lines) + 1))
        assert [line.quantity for line in lines] == kept


def test_removing_a_missing_line_is_not_found() -> None:
    with pytest.raises(NotFound, match=r"^opportunity OPP-0001 has no line 7$"):
        without_line([], 7, "opportunity OPP-0001")


# --- editing a line ----------------------------------------------------------------------------


@given(
    st.integers(min_value=1, max_value=4),
    st.integers(min_value=1, max_value=99).map(str),
    st.sampled_from([None, "5%", "10", ""]),
    st.sampled_from([None, "0", "9", "21"]),
)
def test_an_edited_line_keeps_its_place_and_has_the_figures_of_a_new_line(
    at: int, quantity: str, discount: str | None, tax_rate: str | None
) -> None:
    lines = numbered([from_spec(LineSpec(quantity=str(n), sku="DAY")) for n in range(1, 5)])
    edited = edited_line(
        lines,
        at,
        LineEdit(quantity=quantity, discount=discount, tax_rate=tax_rate),
        "opportunity OPP-0001",
    )
    fresh = from_spec(
        LineSpec(
            quantity=quantity,
            sku="DAY",
            discount=discount,
            tax_rate=tax_rate,
        )
    )
    assert [line.line_no for line in edited] == [1, 2, 3, 4]
    assert [line for i, line in enumerate(edited, 1) if i != at] == [
        line for i, line in enumerate(lines, 1) if i != at
    ]
    assert figures(edited[at - 1]) == figures(fresh)
    assert (edited[at - 1].sku, edited[at - 1].description) == ("DAY", "Consulting day")


def test_an_edit_that_changes_nothing_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"^give what to change: --quantity, --price"):
        edited_line([from_spec(LineSpec(quantity="1", sku="DAY"))], 1, LineEdit(), "opp")
