"""The demo's deal, played through the services on every backend: the same use cases the
commands run, on the file and on a team database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

import pytest

from salesflow.models import Invoice, Lead, Opportunity
from salesflow.services.demo import DAYS, play
from salesflow.store.contract import Backend

END = date(2026, 6, 30)


def moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=timezone(timedelta(hours=2)))


@pytest.mark.slow
def test_the_demo_deal_ends_with_a_paid_invoice_on_every_backend(backend: Backend) -> None:
    told: list[tuple[date, str, str | None]] = []
    opened: list[Sequence[str]] = []

    def open_backend(command: Sequence[str]) -> Backend:
        opened.append(command)
        return backend

    deal = play(
        open_backend,
        END,
        moment,
        lambda d, c, p: told.append((d, " ".join(c), p)),
        seller=lambda _uow: "ann",
    )

    assert (deal.lead, deal.opportunity, deal.quote, deal.order, deal.invoice) == (
        "L-0001", "OPP-0001", "QUO-0001", "ORD-0001", "INV-2026-0001",
    )  # fmt: skip
    assert [c for _, c, p in told if p] == [
        "lead add --first-name Zoë --last-name Vermeulen --company Brouwerij De Ster --email "
        "zoe.vermeulen@desterbier.example --job-title Head of operations --source Fair: "
        "Logistica Utrecht 2026 --topic Production planning --estimated-value 12000",
        "lead add --first-name Lars --last-name Øvergaard --company Nordlys Shipping AS --email "
        "lars@nordlys.example --source Fair: Logistica Utrecht 2026 --topic Fleet dashboards",
        "lead add --first-name Łucja --last-name Kowalska --company Kraków Freight Sp. z o.o. "
        "--source Fair: Logistica Utrecht 2026 --topic Collecting brochures",
        "lead qualify L-0001 --opportunity-name De Ster: production planning "
        "--estimated-revenue 12000 --close-date 2026-06-12",
        "quote create OPP-0001",
        "quote accept QUO-0001",
        "order fulfil ORD-0001",
    ]
    assert [p for _, _, p in told if p] == [
        "L-0001", "L-0002", "L-0003", "OPP-0001", "QUO-0001", "ORD-0001", "INV-2026-0001",
    ]  # fmt: skip
    assert [" ".join(c) for c in opened] == [c for _, c, _ in told]  # a backend per step
    assert len(opened) == len(told) == 22
    days = [d for d, _, _ in told]
    assert days == sorted(days)
    assert (days[0], days[-1]) == (END - timedelta(days=DAYS), END - timedelta(days=1))

    with backend.reading() as uow:
        invoice = uow.get(Invoice, "INV-2026-0001")
        assert (invoice.status, len(invoice.payments), invoice.balance) == ("paid", 2, 0)
        assert invoice.owner == "ann"  # who ran the steps owns what they made
        assert {event.by for event in uow.events()} == {"ann"}
        assert uow.get(Opportunity, "OPP-0001").status == "won"
        assert [(q.revision, q.status) for q in uow.revisions("QUO-0001")] == [
            (1, "closed"),
            (2, "won"),
        ]
        statuses = sorted(lead.status for lead in uow.all(Lead))
        assert statuses == ["disqualified", "open", "qualified"]
