"""Product and write-in lines: gross, discount, amount, tax, computed once when a line is made."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from salesflow.errors import InvalidValue, NotFound, UsageError
from salesflow.models import Line, Product, WithLines
from salesflow.pipeline.fields import clean, parse_rate
from salesflow.pipeline.money import (
    HUNDRED,
    LIMIT,
    ZERO,
    cents,
    format_money,
    parse_money,
    parse_number,
    parse_price,
    price_text,
    total,
)


@dataclass(frozen=True)
class Discount:
    """A line discount: a percentage of gross or an amount."""

    percent: Decimal | None = None
    amount: Decimal | None = None

    def of(self, gross: Decimal) -> Decimal:
        """The exact discount on `gross` (not yet rounded)."""
        if self.percent is not None:
            return gross * self.percent / HUNDRED
        return self.amount if self.amount is not None else ZERO


NO_DISCOUNT = Discount()


def parse_discount(text: str | None) -> Discount:
    """`10%` (a percentage of gross, 0–100) or `25.00` (an amount, ≥ 0)."""
    if text is None or not text.strip():
        return NO_DISCOUNT
    stripped = text.strip()
    if stripped.endswith("%"):
        percent = parse_number(stripped[:-1], "discount")
        if percent > HUNDRED:
            raise InvalidValue(f"discount {text!r} is more than 100%")
        return Discount(percent=percent)
    return Discount(amount=parse_money(stripped, "discount"))


def parse_quantity(text: str | Decimal) -> Decimal:
    quantity = parse_number(str(text), "quantity", allow_negative=True)
    if quantity <= 0:
        raise InvalidValue(f"quantity {text!r} must be more than 0")
    return quantity


@dataclass(frozen=True)
class LineSpec:
    """What the user asked for: a catalog product (by SKU) or a write-in line."""

    quantity: str
    sku: str | None = None
    write_in: str | None = None
    price: str | None = None
    discount: str | None = None
    tax_rate: str | None = None


def make_line(
    line_no: int,
    *,
    description: str,
    quantity: Decimal,
    unit_price: Decimal,
    tax_rate: Decimal,
    discount: Discount = NO_DISCOUNT,
    sku: str | None = None,
    unit: str | None = None,
) -> Line:
    """A line with `amount = round(gross − discount)` and `tax = round(amount × rate / 100)`.

    The gross is the exact product of quantity and unit price (up to four decimals): amounts are
    rounded to cents once, never the price first.

    Raises InvalidValue when the gross reaches the maximum amount (`LIMIT`) or the discount is
    more than the gross.
    """
    gross = quantity * unit_price
    if gross >= LIMIT:
        raise InvalidValue(
            f"line {description!r}: {quantity} × {price_text(unit_price)} comes to "
            f"{format_money(gross)}; a line must come to less than {LIMIT:,}"
        )
    exact_discount = discount.of(gross)
    if cents(exact_discount) > cents(gross):
        raise InvalidValue(
            f"discount {cents(exact_discount)} is more than the line's gross {cents(gross)} "
            f"({quantity} × {price_text(unit_price)})"
        )
    amount = cents(gross - exact_discount)
    if amount <= ZERO:
        # A discount of the gross as shown (1.5 × 0.33 = 0.495 -> 0.50) may pass the exact gross
        # by less than half a cent; the line is then free, never negative.
        amount = ZERO
    return Line(
        line_no=line_no,
        sku=sku,
        description=description,
        quantity=quantity,
        unit=unit,
        unit_price=unit_price,
        discount=cents(exact_discount),
        discount_percent=discount.percent,
        tax_rate=tax_rate,
        amount=amount,
        tax=cents(amount * tax_rate / HUNDRED),
    )


def line_from_spec(
    spec: LineSpec,
    *,
    line_no: int,
    products: Mapping[str, Product],
    default_tax_rate: Decimal,
) -> Line:
    """Build a line from a catalog product (price and tax rate may be overridden) or a write-in.

    `products` maps upper-cased SKUs to products. Raises NotFound for an unknown SKU and
    InvalidValue for bad numbers or a line that is neither a product nor a write-in.
    """
    quantity = parse_quantity(spec.quantity)
    discount = parse_discount(spec.discount)
    write_in = clean(spec.write_in)
    if spec.sku and write_in:
        raise InvalidValue("a line is a catalog product (SKU) or a write-in, not both")
    if spec.sku:
        product = products.get(spec.sku.strip().upper())
        if product is None:
            raise NotFound(f"product {spec.sku} not found; see `salesflow product list`")
        price = product.price if spec.price is None else parse_price(spec.price, "price")
        rate = product.tax_rate if spec.tax_rate is None else parse_rate(spec.tax_rate, "tax rate")
        return make_line(
            line_no,
            description=product.name,
            quantity=quantity,
            unit_price=price,
            tax_rate=rate,
            discount=discount,
            sku=product.sku,
            unit=product.unit,
        )
    if not write_in:
        raise InvalidValue("a line needs a product SKU or --write-in TEXT")
    if spec.price is None:
        raise InvalidValue(f"write-in line {write_in!r} needs --price")
    rate = default_tax_rate if spec.tax_rate is None else parse_rate(spec.tax_rate, "tax rate")
    return make_line(
        line_no,
        description=write_in,
        quantity=quantity,
        unit_price=parse_price(spec.price, "price"),
        tax_rate=rate,
        discount=discount,
    )


def check_total(lines: Sequence[Line], owner: str) -> None:
    """Refuse lines whose total, tax included, reaches the maximum amount (`LIMIT`): each line is
    below it, so the sum is exact, and every total stays payable and summable in reports."""
    amount = total(line.amount + line.tax for line in lines)
    if amount >= LIMIT:
        raise InvalidValue(
            f"{owner}: line {lines[-1].line_no} would take the total to {format_money(amount)}; "
            f"a total must be less than {LIMIT:,}"
        )


def next_line_no(record: WithLines) -> int:
    """The number of a line added at the end: lines are numbered 1..n by position."""
    return max((line.line_no for line in record.lines), default=0) + 1


def numbered(lines: Sequence[Line]) -> list[Line]:
    """The lines numbered 1..n in their order, so the `#` a screen shows is the position that
    `remove-product` and `edit-line` take (a line removed earlier leaves no gap)."""
    return [
        line if line.line_no == position else line.model_copy(update={"line_no": position})
        for position, line in enumerate(lines, start=1)
    ]


def _find_line(lines: Sequence[Line], line_no: int, owner: str) -> Line:
    found = next((line for line in lines if line.line_no == line_no), None)
    if found is None:
        raise NotFound(f"{owner} has no line {line_no}")
    return found


def without_line(lines: Sequence[Line], line_no: int, owner: str) -> list[Line]:
    """The lines without line `line_no`, numbered 1..n again; NotFound when there is none."""
    _find_line(lines, line_no, owner)
    return numbered([line for line in lines if line.line_no != line_no])


@dataclass(frozen=True)
class LineEdit:
    """What `edit-line` changes (None: keep): user text, as `add-product` takes it."""

    quantity: str | None = None
    price: str | None = None
    discount: str | None = None
    description: str | None = None
    tax_rate: str | None = None

    def fields(self) -> list[str]:
        return [name for name, value in vars(self).items() if value is not None]


def edited_line(lines: Sequence[Line], line_no: int, edit: LineEdit, owner: str) -> list[Line]:
    """The lines with line `line_no` made again from its values and `edit`: it keeps its number,
    position, SKU and unit; its figures are computed as for a new line.

    Raises UsageError when nothing is to change, NotFound for a line that is not there and
    InvalidValue for a bad value (as `add-product` would).
    """
    if not edit.fields():
        raise UsageError(
            "give what to change: --quantity, --price, --discount, --description or --tax-rate"
        )
    line = _find_line(lines, line_no, owner)
    description = line.description if edit.description is None else clean(edit.description)
    if not description:
        raise InvalidValue(f"{owner} line {line_no} needs a description")
    if edit.discount is not None:
        discount = parse_discount(edit.discount)
    elif line.discount_percent is not None:
        discount = Discount(percent=line.discount_percent)
    else:
        discount = Discount(amount=line.discount) if line.discount else NO_DISCOUNT
    remade = make_line(
        line.line_no,
        description=description,
        quantity=line.quantity if edit.quantity is None else parse_quantity(edit.quantity),
        unit_price=line.unit_price if edit.price is None else parse_price(edit.price, "price"),
        tax_rate=line.tax_rate if edit.tax_rate is None else parse_rate(edit.tax_rate, "tax rate"),
        discount=discount,
        sku=line.sku,
        unit=line.unit,
    )
    return [remade if other.line_no == line_no else other for other in lines]
