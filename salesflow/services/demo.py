"""`salesflow demo` as use cases: a scripted deal, lead to paid invoice, over a few weeks.

Each step calls the services the commands call, in a writing unit of work of its own, on its own
day, and is told as the command a seller would type for it (`Step.command`): the transcript the
demo prints, and the command line the data file's undo history records for that write. The
backend of each step comes from `open_backend(command)`, so the demo never chooses its data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from salesflow.pipeline.lines import LineSpec
from salesflow.services import invoices, leads, opportunities, orders, products, quotes
from salesflow.services import settings as seller_settings
from salesflow.store.contract import Backend, UnitOfWork

FAIR = "Fair: Logistica Utrecht 2026"
DAYS = 48
"""The story runs over the 48 days up to the last day."""

SELLER = {
    "currency": "EUR",
    "tax_rate": "21",
    "payment_terms": "30",
    "company": "Brightwork Consulting B.V.",
    "address": "Keizersgracht 123, 1015 CJ Amsterdam",
    "email": "sales@brightwork.example",
    "phone": "+31 20 555 0100",
    "vat_number": "NL004495445B01",
    "iban": "NL91 ABNA 0417 1643 00",
}
PRODUCTS = (
    ("CONSULT-DAY", "Consulting day", "1150", "day"),
    ("WORKSHOP", "On-site workshop (half day)", "650", "session"),
    ("PLANNER-TEAM", "Planner licence, team of 10 (1 year)", "2400", "year"),
)
ZOE = {
    "first_name": "Zoë",
    "last_name": "Vermeulen",
    "company": "Brouwerij De Ster",
    "email": "zoe.vermeulen@desterbier.example",
    "job_title": "Head of operations",
    "source": FAIR,
    "topic": "Production planning",
    "estimated_value": "12000",
}
LARS = {
    "first_name": "Lars",
    "last_name": "Øvergaard",
    "company": "Nordlys Shipping AS",
    "email": "lars@nordlys.example",
    "source": FAIR,
    "topic": "Fleet dashboards",
}
LUCJA = {
    "first_name": "Łucja",
    "last_name": "Kowalska",
    "company": "Kraków Freight Sp. z o.o.",
    "source": FAIR,
    "topic": "Collecting brochures",
}
OPTIONS = {  # the command-line spelling of the fields above, for the transcript
    "first_name": "--first-name",
    "last_name": "--last-name",
    "company": "--company",
    "email": "--email",
    "job_title": "--job-title",
    "source": "--source",
    "topic": "--topic",
    "estimated_value": "--estimated-value",
}


@dataclass
class Deal:
    """The numbers of the deal the demo made, filled in as its steps run."""

    lead: str = ""
    opportunity: str = ""
    quote: str = ""
    order: str = ""
    invoice: str = ""


Told = Callable[[date, Sequence[str], str | None], None]
"""Called after each step: its day, its command, the number it printed (or None)."""


def play(
    open_backend: Callable[[Sequence[str]], Backend],
    end: date,
    moment: Callable[[date], datetime],
    told: Told,
    seller: Callable[[UnitOfWork], str | None] = lambda _uow: None,
) -> Deal:
    """Run the demo's deal on the backend `open_backend` gives for each step's command, the
    last step on `end`; `moment(day)` is the time a step's events are recorded at, and
    `seller(uow)` who runs the steps (the owner of what they make)."""
    start = end - timedelta(days=DAYS)
    deal = Deal()

    def step(offset: int, command: Sequence[str], change: Change, *, prints: bool = False) -> str:
        """Run `change` on the step's day; `prints`: it returns the number its command prints."""
        day = start + timedelta(days=offset)
        with open_backend(command).writing() as uow:
            uow.today = lambda: day
            uow.seller = seller(uow)
            result = change(uow, day, moment(day))
        told(day, command, str(result) if prints else None)
        return str(result)

    init = ["init"]
    for name, value in SELLER.items():
        init += [f"--{name.replace('_', '-')}", value]
    step(0, init, lambda uow, _day, _now: _configure(uow))
    for sku, name, price, unit in PRODUCTS:
        step(
            0,
            ["product", "add", sku, "--name", name, "--price", price, "--unit", unit],
            partial(_add_product, sku=sku, name=name, price=price, unit=unit),
        )

    # Three people met at the fair.
    added = [
        step(
            1,
            _lead_add(fields),
            partial(_add_lead, fields=fields),
            prints=True,
        )
        for fields in (ZOE, LARS, LUCJA)
    ]
    deal.lead, lucja = added[0], added[2]
    reason = "no-longer-interested"
    step(
        3,
        ["lead", "disqualify", lucja, "--reason", reason],
        lambda uow, _day, now: leads.disqualify(uow, lucja, reason, now=now),
    )
    close_date = (start + timedelta(days=30)).isoformat()
    name = "De Ster: production planning"
    request = leads.QualifyRequest(
        opportunity_name=name, estimated_revenue="12000", close_date=close_date
    )
    deal.opportunity = opp = step(
        3,
        [
            *("lead", "qualify", deal.lead, "--opportunity-name", name),
            *("--estimated-revenue", "12000", "--close-date", close_date),
        ],
        lambda uow, day, now: _qualify(uow, request, deal.lead, day, now),
        prints=True,
    )
    step(
        4,
        ["opp", "stage", opp, "develop"],
        lambda uow, _day, now: opportunities.stager(uow, "develop", now=now)(opp),
    )
    for sku, quantity, discount in (
        ("CONSULT-DAY", "5", None),
        ("WORKSHOP", "2", "10%"),
        ("PLANNER-TEAM", "1", None),
    ):
        line = LineSpec(quantity=quantity, sku=sku, discount=discount)
        step(
            4,
            [
                *("opp", "add-product", opp, sku, "--quantity", quantity),
                *(("--discount", discount) if discount else ()),
            ],
            partial(_add_line, opportunity=opp, line=line),
        )

    # The first quote goes out; the customer asks for a better price; revision 2 is accepted.
    deal.quote = quote = step(
        8,
        ["quote", "create", opp],
        lambda uow, day, now: (
            quotes.create(uow, opp, valid_until=None, today=day, now=now).quote.number
        ),
        prints=True,
    )

    def activate(uow: UnitOfWork, day: date, now: datetime) -> object:
        return quotes.activator(uow, today=day, now=now)(quote)

    step(8, ["quote", "activate", quote], activate)
    step(
        13,
        ["quote", "revise", quote],
        lambda uow, day, now: quotes.revise(uow, quote, today=day, now=now),
    )
    step(
        13,
        ["quote", "discount", quote, "--percent", "5"],
        lambda uow, _day, now: quotes.discount(uow, quote, percent="5", amount=None, now=now),
    )
    step(13, ["quote", "activate", quote], activate)
    deal.order = order = step(
        16,
        ["quote", "accept", quote],
        lambda uow, day, now: quotes.accept(uow, quote, today=day, now=now).order.number,
        prints=True,
    )
    deal.invoice = invoice = step(
        18,
        ["order", "fulfil", order],
        lambda uow, day, now: (
            orders.fulfiller(uow, invoice_date=day, now=now)(order).invoice.number
        ),
        prints=True,
    )
    step(
        33,
        ["invoice", "pay", invoice, "--amount", "3000"],
        lambda uow, day, now: invoices.payer(uow, amount="3000", paid_on=day, now=now)(invoice),
    )
    step(
        47,
        ["invoice", "pay", invoice],
        lambda uow, day, now: invoices.payer(uow, paid_on=day, now=now)(invoice),
    )
    return deal


Change = Callable[[UnitOfWork, date, datetime], object]
"""What one step changes, in its unit of work, on its day, at its moment."""


def _add_product(
    uow: UnitOfWork, day: date, now: datetime, *, sku: str, name: str, price: str, unit: str
) -> object:
    return products.add_product(
        uow, sku, name=name, price=price, tax_rate=None, unit=unit, description=None,
        today=day, now=now,
    )  # fmt: skip


def _add_lead(uow: UnitOfWork, day: date, now: datetime, *, fields: dict[str, str]) -> str:
    return leads.add(uow, fields, today=day, now=now).number


def _add_line(
    uow: UnitOfWork, _day: date, now: datetime, *, opportunity: str, line: LineSpec
) -> object:
    return opportunities.add_product(uow, opportunity, line, now=now)


def _qualify(
    uow: UnitOfWork, request: leads.QualifyRequest, lead: str, day: date, now: datetime
) -> str:
    currency = seller_settings.settings(uow).currency
    qualify = leads.qualifying(
        uow, request, account_number=None, currency=currency, today=day, now=now
    )
    return qualify(lead).opportunity.number


def _configure(uow: UnitOfWork) -> None:
    from salesflow.pipeline.settings import config_values

    seller_settings.configure(uow, config_values(SELLER))


def _lead_add(fields: dict[str, str]) -> list[str]:
    command = ["lead", "add"]
    for name, value in fields.items():
        command += [OPTIONS[name], value]
    return command
