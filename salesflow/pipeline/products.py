"""The product catalog, keyed by the SKU the seller chooses."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from salesflow.errors import InvalidValue
from salesflow.models import Event, Product
from salesflow.pipeline.fields import clean, event, parse_rate
from salesflow.pipeline.money import parse_price


def _sku(text: str) -> str:
    sku = text.strip()
    if not sku or any(ch.isspace() for ch in sku):
        raise InvalidValue(f"SKU {text!r} must be one word without spaces")
    return sku


def add_product(
    sku: str,
    *,
    name: str,
    price: str,
    tax_rate: str | None,
    unit: str | None,
    description: str | None,
    existing: Mapping[str, Product],
    default_tax_rate: Decimal,
    today: date,
    now: datetime,
) -> tuple[Product, Event]:
    """A new catalog product; the SKU must be new, ignoring case (`existing` is keyed upper)."""
    key = _sku(sku)
    if key.upper() in existing:
        raise InvalidValue(f"product {key} already exists; use `salesflow product edit {key}`")
    title = clean(name)
    if not title:
        raise InvalidValue(f"product {key} needs a name")
    product = Product(
        sku=key,
        name=title,
        price=parse_price(price, f"product {key}: price"),
        tax_rate=default_tax_rate if tax_rate is None else parse_rate(tax_rate, "tax rate"),
        unit=clean(unit),
        description=clean(description),
        created_on=today,
    )
    return product, event(now, key, "created", price=product.price, tax_rate=product.tax_rate)


def edit_product(
    product: Product,
    *,
    name: str | None = None,
    price: str | None = None,
    tax_rate: str | None = None,
    unit: str | None = None,
    description: str | None = None,
    now: datetime,
) -> tuple[Product, Event]:
    """The product with new values; lines already made keep the price they were made with."""
    update: dict[str, object] = {}
    if name is not None:
        title = clean(name)
        if not title:
            raise InvalidValue(f"product {product.sku} needs a name")
        update["name"] = title
    if price is not None:
        update["price"] = parse_price(price, f"product {product.sku}: price")
    if tax_rate is not None:
        update["tax_rate"] = parse_rate(tax_rate, "tax rate")
    if unit is not None:
        update["unit"] = clean(unit)
    if description is not None:
        update["description"] = clean(description)
    changed = {k: v for k, v in update.items() if getattr(product, k) != v}
    return product.model_copy(update=changed), event(
        now, product.sku, "edited", fields=sorted(changed)
    )
