"""Use cases of the seller's settings: `init`, `config get|set|show`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from salesflow.models import Invoice, Lead, Opportunity, Order, Product, Quote
from salesflow.pipeline.settings import Settings, check_currency_change
from salesflow.store.contract import UnitOfWork

_MONEY_HOLDERS = (Product, Opportunity, Quote, Order, Invoice)


def settings(uow: UnitOfWork) -> Settings:
    """The seller's settings, with their defaults."""
    return Settings(uow.config())


def configure(uow: UnitOfWork, values: Mapping[str, Any]) -> dict[str, Any]:
    """Store checked settings (`pipeline.settings.config_values`); returns every stored one.

    A new currency only while no record holds money in the current one (Refused).
    """
    _check_currency(uow, values)
    uow.set_config(dict(values))
    return uow.config()


def _check_currency(uow: UnitOfWork, values: Mapping[str, Any]) -> None:
    new = values.get("currency")
    current = settings(uow).currency
    if new is None or new == current:
        return
    holding = {model.table: uow.count(model) for model in _MONEY_HOLDERS}
    holding["leads with a value"] = sum(
        1 for (value,) in uow.values(Lead, ("estimated_value",)) if value
    )
    check_currency_change(current, new, holding)
