"""Money: one constructor, Decimal only, cents rounded half-up in one place."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from salesflow.errors import InvalidValue

CENT = Decimal("0.01")
PRICE_STEP = Decimal("0.0001")
"""Unit prices keep up to four decimals (0.0045 a screw); amounts are rounded to cents once."""
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
LIMIT = Decimal(10) ** 12
"""The maximum: typed numbers, a line's gross and a record's total are less than a trillion, so
sums of any number of them stay exact in cents within Decimal's 28 digits."""


def D(value: Decimal | int | str) -> Decimal:
    """An exact Decimal from an int, a str or a Decimal; floats are refused (they are not exact)."""
    if isinstance(value, (bool, float)):
        raise TypeError(f"money must not be built from {type(value).__name__} {value!r}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
        if not result.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return result
    raise TypeError(f"money must not be built from {type(value).__name__} {value!r}")


def cents(value: Decimal | int | str) -> Decimal:
    """`value` rounded to cents, half-up (2.345 -> 2.35, -2.345 -> -2.35)."""
    return _rounded(D(value), CENT)


def _rounded(value: Decimal, step: Decimal) -> Decimal:
    """`value` rounded half-up to `step`; InvalidValue when the digits do not fit Decimal's 28
    (only a file written by hand or by an older version holds such amounts)."""
    try:
        return value.quantize(step, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise InvalidValue(
            f"amount {value:,.0f} is too large to count to the cent; amounts must be less than "
            f"{LIMIT:,} (`salesflow doctor` lists the records)"
        ) from None


def unit_price(value: Decimal | int | str) -> Decimal:
    """`value` as a unit price: rounded half-up to four decimals (0.00125 -> 0.0013)."""
    return _rounded(D(value), PRICE_STEP)


def price_decimals(value: Decimal) -> int:
    """How many decimals a unit price shows: two, or three or four when they are not zero."""
    for places in (2, 3):
        if value == value.quantize(Decimal(1).scaleb(-places)):
            return places
    return 4


def price_text(value: Decimal) -> str:
    """A unit price as stored and in JSON: `12.50`, `0.005`, `0.1234`."""
    price = unit_price(value)
    return f"{price:.{price_decimals(price)}f}"


def total(values: Iterable[Decimal]) -> Decimal:
    """Exact sum of cent amounts, as cents."""
    return cents(sum(values, ZERO))


_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$")


def parse_number(text: str, what: str, *, allow_negative: bool = False) -> Decimal:
    """A user-typed number (`1250`, `1250.5`, `1,250.50`); raises InvalidValue naming `what`."""
    cleaned = text.strip().replace("_", "")
    if "," in cleaned and "." in cleaned:
        if not _THOUSANDS.match(cleaned):
            raise InvalidValue(
                f"{what} {text!r} is not a number; write thousands as 1,250.50 or leave them out"
            )
        cleaned = cleaned.replace(",", "")
    try:
        value = D(cleaned)
    except (ValueError, TypeError):
        raise InvalidValue(f"{what} {text!r} is not a number") from None
    if value < 0 and not allow_negative:
        raise InvalidValue(f"{what} {text!r} is negative; it must be 0 or more")
    if abs(value) >= LIMIT:
        # Beyond this, products and sums would outgrow Decimal's 28 digits when rounded to cents.
        raise InvalidValue(f"{what} {text!r} is too large; it must be less than {LIMIT:,}")
    return value + 0  # `-0` becomes `0`


def parse_money(text: str, what: str) -> Decimal:
    """A non-negative amount typed by the user, rounded to cents."""
    return cents(parse_number(text, what))


def parse_price(text: str, what: str) -> Decimal:
    """A non-negative unit price typed by the user, rounded to four decimals."""
    return unit_price(parse_number(text, what))


def format_money(value: Decimal) -> str:
    """`1234.5` -> `1,234.50` for tables (JSON keeps the plain string)."""
    return f"{cents(value):,.2f}"


def format_price(value: Decimal) -> str:
    """A unit price for tables and documents: `1,234.50`, `0.005` (up to four decimals)."""
    price = unit_price(value)
    return f"{price:,.{price_decimals(price)}f}"
