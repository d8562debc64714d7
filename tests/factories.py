"""Records for the tests: sensible defaults, any field overridden by keyword.

Lines, quotes and invoices are made by the pure pipeline (`make_line`, `create_quote`,
`fulfil_order`), so a factory's record is one the commands could have stored. Keyword overrides
are then applied to that record as they are, so a test can also state a record the pipeline
would not make; they are validated as the model's constructor validates fields
("reverse-charge" becomes the enum member). Records that the pipeline only reads (accounts,
contacts, leads, opportunities, orders, the seller) are built from their fields.

The defaults describe one deal, dated `ON` (2026-03-02, 10:00 UTC at `AT`): OPP-0001 "Fleet
renewal" for ACC-0001 / CON-0001, quoted in QUO-0001, ordered in ORD-0001, invoiced in
INV-2026-0001.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from salesflow.documents import Seller
from salesflow.models import Account, Contact, Invoice, Lead, Line, Opportunity, Order, Quote
from salesflow.pipeline.lines import Discount, make_line
from salesflow.pipeline.numbering import format_number
from salesflow.pipeline.orders import fulfil_order
from salesflow.pipeline.quotes import create_quote

R = TypeVar("R", bound=BaseModel)

ON = date(2026, 3, 2)
AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class Numbers:
    """The number allocator the shell passes to the pipeline, over counters like the data
    file's: L-0001, L-0002, ACC-0001, INV-2026-0001, ..."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}

    def __call__(self, series: str) -> str:
        self.last[series] = self.last.get(series, 0) + 1
        return format_number(series, self.last[series])


def updated(record: R, overrides: dict[str, Any]) -> R:
    """`record` with `overrides`, validated as its model's constructor validates fields."""
    if not overrides:
        return record
    fields = {name: getattr(record, name) for name in type(record).model_fields}
    fields.update(overrides)
    return type(record)(**fields)


def line(
    line_no: int = 1,
    quantity: str = "1",
    price: str = "100.00",
    rate: str = "21",
    discount: Discount | None = None,
    *,
    description: str | None = None,
) -> Line:
    """A line priced by the pipeline: `quantity` x `price` at `rate` %, "Item <line_no>"."""
    return make_line(
        line_no,
        description=description or f"Item {line_no}",
        quantity=Decimal(quantity),
        unit_price=Decimal(price),
        tax_rate=Decimal(rate),
        discount=discount or Discount(),
    )


def stated_line(
    line_no: int = 1,
    description: str = "Consulting day",
    quantity: str = "2",
    unit_price: str = "50.00",
    tax_rate: str = "21",
    amount: str = "100.00",
    tax: str = "21.00",
    **overrides: Any,
) -> Line:
    """A line whose stored figures the caller states: 2 days x 50.00 at 21 % is 100.00 + 21.00."""
    return Line(
        **{
            "line_no": line_no,
            "description": description,
            "quantity": Decimal(quantity),
            "unit": "day",
            "unit_price": Decimal(unit_price),
            "tax_rate": Decimal(tax_rate),
            "amount": Decimal(amount),
            "tax": Decimal(tax),
            **overrides,
        }
    )


def make_opportunity(**overrides: Any) -> Opportunity:
    """OPP-0001 "Fleet renewal", open, with 2 x 100.00 at 21 % and 1 x 50.00 at 9 %."""
    return Opportunity(
        **{
            "number": "OPP-0001",
            "name": "Fleet renewal",
            "account": "ACC-0001",
            "contact": "CON-0001",
            "currency": "EUR",
            "lines": [line(1, "2", "100.00"), line(2, "1", "50.00", "9")],
            "created_on": date(2026, 2, 1),
            **overrides,
        }
    )


def make_quote(
    of: Opportunity | None = None,
    *,
    number: str = "QUO-0001",
    today: date = ON,
    now: datetime = AT,
    **overrides: Any,
) -> Quote:
    """The draft quote `create_quote` makes of opportunity `of` (default: `make_opportunity()`)."""
    made = create_quote(of or make_opportunity(), number=number, today=today, now=now)
    return updated(made.quote, overrides)


def make_order(**overrides: Any) -> Order:
    """ORD-0001 of QUO-0001 revision 2, active: 3 consulting days of 400.00 at 21 %."""
    return Order(
        **{
            "number": "ORD-0001",
            "quote": "QUO-0001",
            "quote_revision": 2,
            "opportunity": "OPP-0001",
            "account": "ACC-0001",
            "contact": "CON-0001",
            "lines": [line(1, "3", "400.00", description="Consulting day")],
            "created_on": date(2026, 2, 20),
            **overrides,
        }
    )


def make_invoice(
    of: Order | None = None,
    *,
    invoice_date: date = ON,
    payment_terms: int = 30,
    now: datetime = AT,
    **overrides: Any,
) -> Invoice:
    """The unpaid invoice `fulfil_order` makes of order `of` (default: `make_order()`)."""
    made = fulfil_order(
        of or make_order(),
        numbers=Numbers(),
        invoice_date=invoice_date,
        payment_terms=payment_terms,
        now=now,
    )
    return updated(made.invoice, overrides)


def lead(number: str = "L-0003", **fields: Any) -> Lead:
    """An open lead: Ada Lovelace of Analytical Engines, ada@example.com."""
    return Lead(
        number=number,
        **{
            "first_name": "Ada",
            "last_name": "Lovelace",
            "company": "Analytical Engines",
            "email": "ada@example.com",
            "created_on": ON,
            **fields,
        },
    )


def make_account(**overrides: Any) -> Account:
    """ACC-0001, a customer in Łódź whose name has diacritics."""
    return Account(
        **{
            "number": "ACC-0001",
            "name": "Müller & Søn Łódź",
            "city": "Łódź",
            "country": "Poland",
            "created_on": date(2026, 1, 1),
            **overrides,
        }
    )


def make_contact(**overrides: Any) -> Contact:
    """CON-0001, Zoë Øster."""
    return Contact(
        **{
            "number": "CON-0001",
            "first_name": "Zoë",
            "last_name": "Øster",
            "email": "zoe@muller.example",
            "created_on": date(2026, 1, 1),
            **overrides,
        }
    )


def make_seller(**overrides: Any) -> Seller:
    """Acme Tools BV in Amsterdam, with every detail a document can show."""
    return Seller(
        **{
            "company": "Acme Tools BV",
            "address": "Keizersgracht 1\n1015 AB Amsterdam",
            "email": "sales@acme.example",
            "phone": "+31 20 123 4567",
            "vat_number": "NL123456794B01",
            "iban": "NL91ABNA0417164300",
            **overrides,
        }
    )
