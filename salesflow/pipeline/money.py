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


def parse_number(text: str, what: str, *, allow_negative: bool = False) -> Decimal:
    """A user-typed number that is not money (a quantity, a percentage): `1250`, `1250.5`,
    `1,250.50`; raises InvalidValue naming `what`. Amounts go through `parse_money`."""
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
    return _checked(value, text, what, allow_negative)


_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$")


def _checked(value: Decimal, text: str, what: str, allow_negative: bool) -> Decimal:
    if value < 0 and not allow_negative:
        raise InvalidValue(f"{what} {text!r} is negative; it must be 0 or more")
    if abs(value) >= LIMIT:
        # Beyond this, products and sums would outgrow Decimal's 28 digits when rounded to cents.
        raise InvalidValue(f"{what} {text!r} is too large; it must be less than {LIMIT:,}")
    return value + 0  # `-0` becomes `0`


def parse_money(text: str, what: str, *, allow_negative: bool = False) -> Decimal:
    """An amount typed by the user, read as the importer reads a cell (`read_amount`), rounded
    to cents: `1.500`, `1.500,00`, `1,500.00` and `€ 1.500` are one thousand five hundred;
    `9.5`, `9,50` and `9.50` nine and a half."""
    return cents(read_amount(text, what, allow_negative=allow_negative))


def parse_price(text: str, what: str) -> Decimal:
    """A non-negative unit price typed by the user, read as `parse_money` reads an amount and
    rounded to four decimals (`0.005` stays half a cent)."""
    return unit_price(read_amount(text, what))


def read_amount(text: str, what: str, *, allow_negative: bool = False) -> Decimal:
    """An amount typed by the user, as the importer reads a cell (`amount_digits`), unrounded.

    Raises InvalidValue naming `what` for text that is not an amount, a form with two readings
    (both shown), a negative amount (unless `allow_negative`) or one of a trillion or more.
    """
    number = amount_digits(text)
    if number is None:
        readings = ambiguous_readings(text)
        if readings:
            grouped, decimal = readings
            raise InvalidValue(
                f"{what} {text!r} is ambiguous: {grouped:,} or {decimal:,}; "
                f"type {grouped} or {decimal}"
            )
        raise InvalidValue(f"{what} {text!r} is not a number")
    return _checked(D(number), text, what, allow_negative)


# --- reading amounts as people write them -----------------------------------------------------

_CURRENCY_MARKS = ("€", "$", "£", "EUR", "USD", "GBP")
_GROUPING_MARKS = (" ", "\u00a0", "\u202f", "'", "’", "_")
_NUMBER_CHARS = "0123456789.,"


def amount_digits(text: str) -> str | None:
    """`text` as a plain decimal string ("-12500.00", "7"), or None when it is not an amount.

    Dutch or English: "12.500,00", "12,500.00", "€ 1.000", "1000", "1.250,-". A lone separator
    followed by exactly three digits groups thousands ("1.000" is one thousand, "0.125" is not),
    otherwise it is the decimal mark ("2,5" is two and a half). Three digits after a lone mark
    behind more than three digits ("1500.250") could be either, so it is no amount (see
    `ambiguous_readings`). The one reading of amounts, for the importer and every money option;
    kept to a handful of string methods, as it runs for every amount cell of an import.
    """
    s = text.strip()
    sign = ""
    if s.strip(_NUMBER_CHARS):  # more than digits and separators: sign, currency, spaces
        sign, s = _unmarked(s)
        if not s or s.strip(_NUMBER_CHARS):
            return None
    comma, dot = s.rfind(","), s.rfind(".")
    if comma < 0 and dot < 0:
        return sign + s if s.isdigit() else None
    if comma >= 0 and dot >= 0:
        decimal_mark = "," if comma > dot else "."
        grouping = "." if comma > dot else ","
        whole, _, fraction = s.rpartition(decimal_mark)
    else:
        mark = "," if comma >= 0 else "."
        whole, _, fraction = s.rpartition(mark)
        if mark in whole or (len(fraction) == 3 and whole.strip("0")):
            if len(whole) > 3 and mark not in whole:
                return None  # "1500.250": 1,500,250 or 1,500.25
            whole, fraction = s, ""  # "1.000", "1.000.000": thousands, no decimals
        grouping = mark
    if grouping in whole:  # groups of three after the first: every 4th character a separator
        count, head = whole.count(grouping), whole.find(grouping)
        if not 1 <= head <= 3 or len(whole) != head + 4 * count:
            return None
        if whole[head::4] != grouping * count:
            return None
        whole = whole.replace(grouping, "")
    if not (whole.isdigit() or (not whole and fraction)):
        return None
    if fraction and not fraction.isdigit():
        return None
    return f"{sign}{whole or '0'}.{fraction}" if fraction else sign + whole


def ambiguous_readings(text: str) -> tuple[Decimal, Decimal] | None:
    """(as thousands, as decimals) of an amount `amount_digits` leaves unread because it has two
    readings ("1500.250": 1500250 or 1500.25); None for any other text."""
    s = text.strip()
    sign = ""
    if s.strip(_NUMBER_CHARS):
        sign, s = _unmarked(s)
    marks = [c for c in s if c in ",."]
    if len(marks) != 1:
        return None
    whole, _, fraction = s.partition(marks[0])
    if not (whole.isdigit() and fraction.isdigit()) or len(fraction) != 3 or len(whole) <= 3:
        return None
    return cents(D(sign + whole + fraction)), cents(D(f"{sign}{whole}.{fraction}"))


def _unmarked(s: str) -> tuple[str, str]:
    """(sign, number) of an amount with a sign, a currency or spaces around or in it."""
    sign = ""
    if s[:1] in ("-", "+"):
        sign, s = ("-" if s[0] == "-" else ""), s[1:].lstrip()
    upper = s.upper()
    for mark in _CURRENCY_MARKS:
        if upper.startswith(mark):
            s = s[len(mark) :].strip()
            break
        if upper.endswith(mark):
            s = s[: -len(mark)].strip()
            break
    if not sign and s[:1] == "-":
        sign, s = "-", s[1:]
    for mark in _GROUPING_MARKS:
        s = s.replace(mark, "")
    if s.endswith((",-", ".-", ",--", ".--")):  # Dutch "1.250,-": whole euros
        s = s.rstrip("-")[:-1]
    return sign, s


def format_money(value: Decimal) -> str:
    """`1234.5` -> `1,234.50` for tables (JSON keeps the plain string)."""
    return f"{cents(value):,.2f}"


def format_price(value: Decimal) -> str:
    """A unit price for tables and documents: `1,234.50`, `0.005` (up to four decimals)."""
    price = unit_price(value)
    return f"{price:,.{price_decimals(price)}f}"
