"""Records of the sales lifecycle as pydantic models.

Money is `Decimal` (stored as a string with two decimals; unit prices with up to four). Derived
figures (totals, weighted revenue, balance) are computed fields: they appear in `--json` output
but are never stored, so the file cannot disagree with itself.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, computed_field

from salesflow import registry
from salesflow.pipeline.money import ZERO, cents, price_text, total
from salesflow.registry import Link, RecordType


def _money_str(value: Decimal) -> str:
    return f"{cents(value):.2f}"


def _plain_str(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


Money = Annotated[Decimal, PlainSerializer(_money_str, return_type=str, when_used="json")]
Price = Annotated[Decimal, PlainSerializer(price_text, return_type=str, when_used="json")]
"""A unit price: two decimals, or up to four when they are not zero (`0.005`)."""
Quantity = Annotated[Decimal, PlainSerializer(_plain_str, return_type=str, when_used="json")]
Rate = Annotated[Decimal, PlainSerializer(_plain_str, return_type=str, when_used="json")]
Clock = Annotated[
    time, PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str, when_used="json")
]


class Record(BaseModel):
    """Base of stored records: strict fields, numbers as keys."""

    model_config = ConfigDict(
        extra="forbid", validate_assignment=False, frozen=False, defer_build=True
    )
    record_type: ClassVar[RecordType]
    """The record type's entry in `salesflow.registry`: table, prefix, noun, key, links."""
    table: ClassVar[str]
    """`record_type.table`: where the file keeps the type's records."""
    prefix: ClassVar[str]
    """`record_type.prefix`: the number series (`L` for `L-0001`); empty for products."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        kind = cls.__dict__.get("record_type")
        if kind is not None:
            cls.table = kind.table
            cls.prefix = kind.prefix

    @property
    def key(self) -> str:
        return self.number  # type: ignore[attr-defined, no-any-return]

    def stored(self) -> dict[str, Any]:
        """The dict written to the data file: JSON types, no computed fields."""
        return self.model_dump(mode="json", round_trip=True, exclude_none=True)


# --- leads -----------------------------------------------------------------------------------


def person_name(first_name: str | None, last_name: str | None, company: str | None) -> str:
    """A lead's name: its first and last names, else its company (from stored fields too)."""
    return " ".join(p for p in (first_name, last_name) if p) or (company or "")


class LeadStatus(StrEnum):
    OPEN = "open"
    QUALIFIED = "qualified"
    DISQUALIFIED = "disqualified"


class LeadReason(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    LOST = "lost"
    CANNOT_CONTACT = "cannot-contact"
    NO_LONGER_INTERESTED = "no-longer-interested"
    CANCELED = "canceled"


class Lead(Record):
    record_type: ClassVar[RecordType] = registry.LEADS

    number: str
    owner: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    email: str | None = None
    phone: str | None = None
    mobile: str | None = None
    job_title: str | None = None
    website: str | None = None
    city: str | None = None
    country: str | None = None
    source: str | None = None
    topic: str | None = None
    estimated_value: Money | None = None
    notes: str | None = None
    status: LeadStatus = LeadStatus.OPEN
    status_reason: LeadReason = LeadReason.NEW
    created_on: date
    account: str | None = None
    contact: str | None = None
    opportunity: str | None = None
    imported_in: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def name(self) -> str:
        return person_name(self.first_name, self.last_name, self.company)


# --- accounts, contacts, products ------------------------------------------------------------


class Account(Record):
    record_type: ClassVar[RecordType] = registry.ACCOUNTS

    number: str
    owner: str | None = None
    name: str
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    address: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    vat_id: str | None = None
    coc: str | None = None
    language: str | None = None
    primary_contact: str | None = None
    source: str | None = None
    created_on: date


class Contact(Record):
    record_type: ClassVar[RecordType] = registry.CONTACTS

    number: str
    owner: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    mobile: str | None = None
    job_title: str | None = None
    account: str | None = None
    website: str | None = None
    address: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    vat_id: str | None = None
    coc: str | None = None
    language: str | None = None
    source: str | None = None
    created_on: date

    @computed_field  # type: ignore[prop-decorator]
    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class Product(Record):
    record_type: ClassVar[RecordType] = registry.PRODUCTS

    sku: str
    name: str
    price: Price
    tax_rate: Rate = ZERO
    unit: str | None = None
    description: str | None = None
    created_on: date

    @property
    def key(self) -> str:
        return self.sku


# --- lines and opportunities -----------------------------------------------------------------


class Line(BaseModel):
    """One product or write-in line; its figures are computed once, when the line is made."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    line_no: int
    sku: str | None = None
    description: str
    quantity: Quantity
    unit: str | None = None
    unit_price: Price
    discount: Money = ZERO
    discount_percent: Rate | None = None
    header_discount: Money = ZERO
    tax_rate: Rate = ZERO
    amount: Money
    tax: Money

    @computed_field  # type: ignore[prop-decorator]
    @property
    def gross(self) -> Money:
        return cents(self.quantity * self.unit_price)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> Money:
        return self.amount + self.tax


class WithLines(Record):
    """A record carrying lines: subtotal, tax and total are sums of the stored line figures."""

    lines: list[Line] = Field(default_factory=list)
    last_line_no: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def subtotal(self) -> Money:
        return total(line.amount for line in self.lines)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def tax(self) -> Money:
        return total(line.tax for line in self.lines)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> Money:
        return cents(self.subtotal + self.tax)  # exact, or refused when past 28 digits


class OpportunityStatus(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class Stage(StrEnum):
    QUALIFY = "qualify"
    DEVELOP = "develop"
    PROPOSE = "propose"
    CLOSE = "close"


STAGE_PROBABILITY: dict[Stage, int] = {
    Stage.QUALIFY: 20,
    Stage.DEVELOP: 40,
    Stage.PROPOSE: 60,
    Stage.CLOSE: 80,
}


class Opportunity(WithLines):
    record_type: ClassVar[RecordType] = registry.OPPORTUNITIES

    number: str
    owner: str | None = None
    name: str
    account: str | None = None
    contact: str | None = None
    lead: str | None = None
    source: str | None = None
    currency: str = "EUR"
    stage: Stage = Stage.QUALIFY
    status: OpportunityStatus = OpportunityStatus.OPEN
    status_reason: str | None = None
    competitor: str | None = None
    close_date: date | None = None
    user_estimated_revenue: Money | None = None
    user_probability: int | None = None
    actual_revenue: Money | None = None
    closed_on: date | None = None
    created_on: date

    @computed_field  # type: ignore[prop-decorator]
    @property
    def estimated_revenue(self) -> Money:
        if self.user_estimated_revenue is not None:
            return self.user_estimated_revenue
        return self.subtotal if self.lines else ZERO

    @computed_field  # type: ignore[prop-decorator]
    @property
    def probability(self) -> int:
        # A closed deal's chance is settled: all of it when won, none when lost.
        if self.status is not OpportunityStatus.OPEN:
            return 100 if self.status is OpportunityStatus.WON else 0
        if self.user_probability is not None:
            return self.user_probability
        return STAGE_PROBABILITY[self.stage]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def weighted_revenue(self) -> Money:
        return cents(self.estimated_revenue * self.probability / 100)


# --- quotes, orders, invoices ----------------------------------------------------------------


class QuoteStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    WON = "won"
    CLOSED = "closed"


class Quote(WithLines):
    record_type: ClassVar[RecordType] = registry.QUOTES

    number: str
    owner: str | None = None
    revision: int = 1
    opportunity: str
    account: str | None = None
    contact: str | None = None
    currency: str = "EUR"
    status: QuoteStatus = QuoteStatus.DRAFT
    status_reason: str | None = "in-progress"
    discount: Money = ZERO
    discount_percent: Rate | None = None
    valid_until: date
    customer_reference: str | None = None
    vat_treatment: str | None = None  # see pipeline.vat; None: domestic, the lines' own rates
    created_on: date
    activated_on: date | None = None
    closed_on: date | None = None
    order: str | None = None

    @property
    def key(self) -> str:
        return f"{self.number}#{self.revision}"


class OrderStatus(StrEnum):
    ACTIVE = "active"
    FULFILLED = "fulfilled"
    CANCELED = "canceled"


class Order(WithLines):
    record_type: ClassVar[RecordType] = registry.ORDERS

    number: str
    owner: str | None = None
    quote: str
    quote_revision: int
    opportunity: str
    account: str | None = None
    contact: str | None = None
    currency: str = "EUR"
    status: OrderStatus = OrderStatus.ACTIVE
    discount: Money = ZERO
    discount_percent: Rate | None = None
    customer_reference: str | None = None
    vat_treatment: str | None = None
    created_on: date
    fulfilled_on: date | None = None
    canceled_on: date | None = None
    invoice: str | None = None


class InvoiceStatus(StrEnum):
    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially-paid"
    PAID = "paid"
    CANCELED = "canceled"


class Payment(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    payment_no: int
    amount: Money
    paid_on: date


class Invoice(WithLines):
    record_type: ClassVar[RecordType] = registry.INVOICES

    number: str
    owner: str | None = None
    order: str
    opportunity: str
    account: str | None = None
    contact: str | None = None
    currency: str = "EUR"
    status: InvoiceStatus = InvoiceStatus.UNPAID
    discount: Money = ZERO
    discount_percent: Rate | None = None
    invoice_date: date
    delivery_date: date | None = None
    due_date: date
    payment_terms: int
    customer_reference: str | None = None
    vat_treatment: str | None = None
    payments: list[Payment] = Field(default_factory=list)
    canceled_on: date | None = None
    # Stored only once credited, so an invoice without credit notes keeps its stored form.
    credited_by: list[str] | None = None
    credited_amount: Money | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def amount_paid(self) -> Money:
        return total(p.amount for p in self.payments)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def credit_notes(self) -> list[str]:
        return list(self.credited_by or [])

    @computed_field  # type: ignore[prop-decorator]
    @property
    def credited(self) -> Money:
        return self.credited_amount or ZERO

    @computed_field  # type: ignore[prop-decorator]
    @property
    def balance(self) -> Money:
        if self.status is InvoiceStatus.CANCELED:
            return ZERO
        return cents(self.total - self.amount_paid - self.credited)


class CreditNote(WithLines):
    """A credit note: lines credited on an invoice, lowering its balance by the note's total."""

    record_type: ClassVar[RecordType] = registry.CREDIT_NOTES

    number: str
    owner: str | None = None
    invoice: str
    opportunity: str
    account: str | None = None
    contact: str | None = None
    currency: str = "EUR"
    credit_date: date
    reason: str | None = None
    customer_reference: str | None = None
    vat_treatment: str | None = None


# --- activities ------------------------------------------------------------------------------


class ActivityKind(StrEnum):
    NOTE = "note"
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    TASK = "task"


class ActivityStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELED = "canceled"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class Activity(Record):
    """A note, call, email, meeting or task about one record (any business number)."""

    record_type: ClassVar[RecordType] = registry.ACTIVITIES

    number: str
    owner: str | None = None
    kind: ActivityKind
    subject: str
    text: str | None = None
    regarding: str
    due: date | None = None
    at: Clock | None = None
    duration: int | None = None  # minutes, meetings
    priority: Priority = Priority.NORMAL
    status: ActivityStatus = ActivityStatus.OPEN
    direction: str | None = None  # calls: outgoing or incoming
    outcome: str | None = None
    contact: str | None = None  # the person it is with
    follows: str | None = None  # the call a follow-up was logged with
    created_on: date
    completed_on: date | None = None
    canceled_on: date | None = None


# --- history ---------------------------------------------------------------------------------


class Event(BaseModel):
    """One step in a record's story: created, a status/stage change, a line change, a payment."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    table: ClassVar[str] = "events"

    at: datetime
    number: str
    kind: str
    from_state: str | None = None
    to_state: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    by: str | None = None
    """The seller who did it (see `UnitOfWork.seller`); None for events recorded before
    salesflow knew."""

    def stored(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


RECORD_TYPES: tuple[type[Record], ...] = (
    Lead,
    Account,
    Contact,
    Product,
    Opportunity,
    Quote,
    Order,
    Invoice,
    Activity,
    CreditNote,
)
"""Every record type, in the order of `registry.TYPES` (`info`, `export` and `doctor` list them
so)."""

TYPES_BY_TABLE: dict[str, type[Record]] = {model.table: model for model in RECORD_TYPES}


def linked(model: type[Record]) -> tuple[tuple[Link, type[Record] | None], ...]:
    """A record type's links, each with the record type it names (None: an import batch)."""
    return tuple(
        (link, TYPES_BY_TABLE[link.target] if link.target is not None else None)
        for link in model.record_type.links
    )


def model_of_series(series: str) -> type[Record] | None:
    """The record type numbered in a counter's series (`L`, `INV-2026`); None for others."""
    kind = registry.of_series(series)
    return TYPES_BY_TABLE[kind.table] if kind is not None else None


META_TABLE = "_meta"
"""The table beside the record tables holding the file's schema, number counters and settings,
in its one document `META_DOC_ID`."""
META_DOC_ID = "1"
"""The id of `_meta`'s one document, as stored (TinyDB's int id is `int(META_DOC_ID)`)."""
