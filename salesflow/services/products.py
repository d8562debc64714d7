"""Use cases of the catalog: add, edit and show a product, keyed by its SKU."""

from __future__ import annotations

from datetime import date, datetime

from salesflow.models import Product
from salesflow.pipeline import products as rules
from salesflow.pipeline.settings import Settings
from salesflow.store.contract import UnitOfWork


def add_product(
    uow: UnitOfWork,
    sku: str,
    *,
    name: str,
    price: str,
    tax_rate: str | None,
    unit: str | None,
    description: str | None,
    today: date,
    now: datetime,
) -> Product:
    """`product add`: a new SKU; the tax rate defaults to the seller's (`init --tax-rate`)."""
    product, created = rules.add_product(
        sku,
        name=name,
        price=price,
        tax_rate=tax_rate,
        unit=unit,
        description=description,
        existing={p.sku.upper(): p for p in uow.all(Product)},
        default_tax_rate=Settings(uow.config()).tax_rate,
        today=today,
        now=now,
    )
    uow.put(product)
    uow.add_events([created])
    return product


def edit_product(
    uow: UnitOfWork,
    sku: str,
    *,
    name: str | None,
    price: str | None,
    tax_rate: str | None,
    unit: str | None,
    description: str | None,
    now: datetime,
) -> Product:
    """`product edit`: lines already on opportunities and quotes keep their prices."""
    product, edited = rules.edit_product(
        uow.get(Product, sku),
        name=name,
        price=price,
        tax_rate=tax_rate,
        unit=unit,
        description=description,
        now=now,
    )
    uow.put(product)
    uow.add_events([edited])
    return product


def show_product(uow: UnitOfWork, sku: str) -> Product:
    """`product show`."""
    return uow.get(Product, sku)
