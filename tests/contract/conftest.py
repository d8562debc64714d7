"""The storage contract's tests run against every backend through one fixture, `backend`.

A backend is made by `make_backend(kind, tmp_path)`; a new backend adds its kind to `BACKENDS`
and a branch to `make_backend`, and every contract test then runs against it too. The tests use
only `salesflow.store.contract` (a `Backend`, its units of work) and the pipeline's factories.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from salesflow.models import Account, Event, Lead, Opportunity, Product, Quote
from salesflow.pipeline.fields import event
from salesflow.pipeline.leads import make_lead
from salesflow.pipeline.opportunities import OpportunityFields, create_opportunity
from salesflow.pipeline.quotes import create_quote
from salesflow.store.contract import Backend, UnitOfWork

BACKENDS = ("file", "postgres")

TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=timezone(timedelta(hours=1)))


def make_backend(kind: str, tmp_path: Path) -> Backend:
    """A new, empty backend of `kind`."""
    if kind == "file":
        from salesflow.store import Store

        return Store(tmp_path / "sales.json")
    if kind.startswith(("postgresql://", "postgres://")):  # a fresh database's URL
        from salesflow.store.postgres import PostgresBackend

        return PostgresBackend(kind)
    raise ValueError(f"no contract backend {kind!r}; known: {', '.join(BACKENDS)}")


@pytest.fixture(
    params=[
        pytest.param(kind, marks=[pytest.mark.postgres, pytest.mark.slow])
        if kind == "postgres"
        else kind
        for kind in BACKENDS
    ]
)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "postgres":
        # a fresh database on the test run's server (tests/pg.py); skipped, saying why, without
        return make_backend(request.getfixturevalue("pg_url"), tmp_path)
    return make_backend(request.param, tmp_path)


def number(uow: UnitOfWork, prefix: str) -> str:
    return f"{prefix}-{uow.next_numbers(prefix)[0]:04d}"


def add_lead(uow: UnitOfWork, **fields: str | None) -> Lead:
    """A new lead numbered from the unit of work's counter, put with its creation event."""
    lead, created = make_lead(
        {"company": "Initech", **fields}, number=number(uow, "L"), today=TODAY, now=NOW
    )
    uow.put(lead)
    uow.add_events([created])
    return lead


def add_account(uow: UnitOfWork, name: str = "Initech") -> Account:
    account = Account(number=number(uow, "ACC"), name=name, created_on=TODAY)
    uow.put(account)
    return account


def add_opportunity(uow: UnitOfWork, account: Account, name: str = "Deal") -> Opportunity:
    opportunity, created = create_opportunity(
        OpportunityFields(name=name),
        account=account.number,
        number=number(uow, "OPP"),
        currency="EUR",
        today=TODAY,
        now=NOW,
    )
    uow.put(opportunity)
    uow.add_events([created])
    return opportunity


def add_quote(uow: UnitOfWork, opportunity: Opportunity) -> Quote:
    quoted = create_quote(opportunity, number=number(uow, "QUO"), today=TODAY, now=NOW)
    uow.put(quoted.quote)
    return quoted.quote


def product(sku: str, name: str = "Widget") -> Product:
    from decimal import Decimal

    return Product(sku=sku, name=name, price=Decimal("10.00"), created_on=TODAY)


def created(number: str) -> Event:
    return event(NOW, number, "created", None, "open")
