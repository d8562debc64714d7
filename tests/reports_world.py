"""A known pipeline for the report tests: leads, opportunities, quotes and invoices built directly
as models, with figures worked out by hand in the tests.

Today is 2026-11-27 (tests.conftest.TODAY). Sources: "Beurs 2026" (a trade fair; one lead spells
it "beurs 2026"), "web", "referral" and none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from salesflow.models import (
    Account,
    Invoice,
    InvoiceStatus,
    Lead,
    LeadReason,
    LeadStatus,
    Line,
    Opportunity,
    OpportunityStatus,
    Payment,
    Quote,
    Record,
    Stage,
)
from salesflow.pipeline.money import D, cents
from tests import factories


def day(text: str) -> date:
    return date.fromisoformat(text)


def make_lead(
    number: str,
    created: str,
    *,
    source: str | None = None,
    status: str = "open",
    reason: str | None = None,
    opportunity: str | None = None,
) -> Lead:
    lead_status = LeadStatus(status)
    default_reason = {"open": "new", "qualified": "qualified"}.get(status, "lost")
    return Lead(
        number=number,
        company=f"Company of {number}",
        source=source,
        status=lead_status,
        status_reason=LeadReason(reason or default_reason),
        created_on=day(created),
        opportunity=opportunity,
    )


def make_opportunity(
    number: str,
    created: str,
    *,
    status: str = "open",
    stage: str = "qualify",
    estimated: str | None = None,
    probability: int | None = None,
    close: str | None = None,
    closed: str | None = None,
    actual: str | None = None,
    lead: str | None = None,
    source: str | None = None,
    account: str | None = None,
) -> Opportunity:
    return Opportunity(
        number=number,
        name=f"Deal {number}",
        account=account,
        lead=lead,
        source=source,
        stage=Stage(stage),
        status=OpportunityStatus(status),
        close_date=day(close) if close else None,
        user_estimated_revenue=D(estimated) if estimated is not None else None,
        user_probability=probability,
        actual_revenue=D(actual) if actual is not None else None,
        closed_on=day(closed) if closed else None,
        created_on=day(created),
    )


def make_line(amount: str, tax: str = "0") -> Line:
    return Line(
        line_no=1,
        description="Work",
        quantity=Decimal(1),
        unit_price=cents(amount),
        amount=cents(amount),
        tax=cents(tax),
    )


def make_quote(number: str, opportunity: str, created: str = "2026-09-15") -> Quote:
    """A draft quote on no account: one line of 100.00 without tax, valid only on `created`."""
    return factories.make_quote(
        number=number,
        opportunity=opportunity,
        account=None,
        contact=None,
        lines=[make_line("100")],
        valid_until=day(created),
        created_on=day(created),
    )


def make_invoice(
    number: str,
    opportunity: str,
    *,
    account: str | None,
    amount: str,
    tax: str = "0",
    invoice_date: str,
    due_date: str,
    payments: Sequence[tuple[str, str]] = (),
    canceled_on: str | None = None,
) -> Invoice:
    """An invoice whose status follows from its payments (or cancellation)."""
    invoice = Invoice(
        number=number,
        order=f"ORD-{number[-4:]}",
        opportunity=opportunity,
        account=account,
        lines=[make_line(amount, tax)],
        invoice_date=day(invoice_date),
        due_date=day(due_date),
        payment_terms=(day(due_date) - day(invoice_date)).days,
        payments=[
            Payment(payment_no=i, amount=cents(value), paid_on=day(paid))
            for i, (value, paid) in enumerate(payments, start=1)
        ],
        canceled_on=day(canceled_on) if canceled_on else None,
    )
    if canceled_on:
        status = InvoiceStatus.CANCELED
    elif invoice.amount_paid >= invoice.total:
        status = InvoiceStatus.PAID
    elif invoice.amount_paid > 0:
        status = InvoiceStatus.PARTIALLY_PAID
    else:
        status = InvoiceStatus.UNPAID
    return invoice.model_copy(update={"status": status})


@dataclass(frozen=True)
class World:
    leads: list[Lead]
    opportunities: list[Opportunity]
    quotes: list[Quote]
    invoices: list[Invoice]
    accounts: list[Account]

    def records(self) -> list[Record]:
        return [*self.leads, *self.opportunities, *self.quotes, *self.invoices, *self.accounts]


def world() -> World:
    leads = [
        make_lead(
            "L-0001", "2026-09-01", source="Beurs 2026", status="qualified", opportunity="OPP-0001"
        ),
        make_lead(
            "L-0002", "2026-09-02", source="Beurs 2026", status="qualified", opportunity="OPP-0002"
        ),
        make_lead(
            "L-0003", "2026-09-03", source="beurs 2026", status="qualified", opportunity="OPP-0003"
        ),
        make_lead("L-0004", "2026-10-01", source="web", status="qualified", opportunity="OPP-0004"),
        make_lead("L-0005", "2026-10-05", source="web", status="qualified", opportunity="OPP-0005"),
        make_lead(
            "L-0006",
            "2026-10-10",
            source="web",
            status="disqualified",
            reason="no-longer-interested",
        ),
        make_lead("L-0007", "2026-11-01", status="disqualified", reason="cannot-contact"),
        make_lead("L-0008", "2026-11-02"),
        make_lead("L-0009", "2026-11-20", source="web", status="qualified", opportunity="OPP-0006"),
    ]
    won = {"status": "won", "stage": "close"}
    opportunities = [
        # From leads.
        make_opportunity(
            "OPP-0001",
            "2026-09-01",
            **won,
            estimated="9000",
            closed="2026-10-15",
            actual="10000",
            lead="L-0001",
            source="Beurs 2026",
            account="ACC-0001",
        ),
        make_opportunity(
            "OPP-0002",
            "2026-09-02",
            **won,
            estimated="4000",
            closed="2026-11-10",
            actual="5000",
            lead="L-0002",
            source="Beurs 2026",
            account="ACC-0002",
        ),
        make_opportunity(
            "OPP-0003",
            "2026-09-03",
            stage="propose",
            estimated="8000",
            close="2026-12-15",
            lead="L-0003",
            source="beurs 2026",
        ),
        make_opportunity(
            "OPP-0004",
            "2026-10-01",
            status="lost",
            estimated="3000",
            closed="2026-10-20",
            lead="L-0004",
            source="web",
        ),
        make_opportunity(
            "OPP-0005",
            "2026-10-05",
            **won,
            estimated="2000",
            closed="2026-11-05",
            actual="2500",
            lead="L-0005",
            source="web",
        ),
        make_opportunity("OPP-0006", "2026-11-20", estimated="1500", lead="L-0009", source="web"),
        # Opened directly on accounts.
        make_opportunity(
            "OPP-0007", "2026-08-15", stage="develop", estimated="10000", close="2026-10-31"
        ),
        make_opportunity(
            "OPP-0008",
            "2026-11-01",
            stage="close",
            estimated="4000",
            probability=90,
            close="2026-11-15",
        ),
        make_opportunity(
            "OPP-0009", "2026-07-01", status="lost", estimated="700", closed="2026-08-20"
        ),
        make_opportunity(
            "OPP-0010", "2026-11-25", stage="propose", estimated="1234.56", close="2027-01-10"
        ),
        make_opportunity("OPP-0011", "2026-11-26", estimated="999.99", close="2027-08-01"),
        make_opportunity(
            "OPP-0012",
            "2026-05-01",
            **won,
            closed="2026-06-10",
            actual="3000",
            source="referral",
            account="ACC-0003",
        ),
        make_opportunity(
            "OPP-0013",
            "2026-06-01",
            **won,
            closed="2026-08-25",
            actual="2000",
            source="referral",
            account="ACC-0003",
        ),
        make_opportunity(
            "OPP-0014", "2026-06-15", **won, closed="2026-07-20", actual="800", account="ACC-0002"
        ),
        make_opportunity(
            "OPP-0015",
            "2026-09-10",
            **won,
            closed="2026-10-01",
            actual="1500",
            source="referral",
            account="ACC-0001",
        ),
    ]
    quotes = [
        make_quote("QUO-0001", "OPP-0001"),
        make_quote("QUO-0002", "OPP-0002"),
        make_quote("QUO-0003", "OPP-0003"),
        make_quote("QUO-0004", "OPP-0007"),
    ]
    invoices = [
        make_invoice(
            "INV-2026-0001",
            "OPP-0001",
            account="ACC-0001",
            amount="10000",
            tax="2100",
            invoice_date="2026-10-20",
            due_date="2026-11-19",
            payments=[("12100", "2026-11-15")],
        ),
        make_invoice(
            "INV-2026-0002",
            "OPP-0002",
            account="ACC-0002",
            amount="5000",
            tax="1050",
            invoice_date="2026-11-12",
            due_date="2026-12-12",
            payments=[("2000", "2026-11-20")],
        ),
        make_invoice(
            "INV-2026-0003",
            "OPP-0012",
            account="ACC-0003",
            amount="1000",
            tax="210",
            invoice_date="2026-07-01",
            due_date="2026-07-31",
            payments=[("210", "2026-08-01")],
        ),
        make_invoice(
            "INV-2026-0004",
            "OPP-0013",
            account="ACC-0003",
            amount="2000",
            invoice_date="2026-09-01",
            due_date="2026-10-01",
        ),
        make_invoice(
            "INV-2026-0005",
            "OPP-0014",
            account="ACC-0002",
            amount="800",
            tax="168",
            invoice_date="2026-08-01",
            due_date="2026-08-31",
            payments=[("468", "2026-09-15")],
        ),
        make_invoice(
            "INV-2026-0006",
            "OPP-0015",
            account="ACC-0001",
            amount="1500",
            tax="315",
            invoice_date="2026-10-05",
            due_date="2026-11-04",
        ),
        make_invoice(
            "INV-2026-0007",
            "OPP-0015",
            account="ACC-0001",
            amount="1500",
            tax="315",
            invoice_date="2026-10-02",
            due_date="2026-11-01",
            canceled_on="2026-10-04",
        ),
    ]
    accounts = [
        Account(number="ACC-0001", name="Analytical Engines", created_on=day("2026-05-01")),
        Account(number="ACC-0002", name="Babbage & Co", created_on=day("2026-05-01")),
        Account(number="ACC-0003", name="Curie Labs", created_on=day("2026-05-01")),
    ]
    return World(leads, opportunities, quotes, invoices, accounts)
