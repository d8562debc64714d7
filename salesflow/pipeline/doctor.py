"""Integrity checks of a data file's contents: each check is a function returning problems.

The checks read the stored documents (`{table: {doc_id: document}}`, upgraded to the current
schema), not models, so that one damaged record is reported rather than stopping the others.
They find what the commands never produce but a hand edit, a bad merge or a bug could:
records that do not validate, references to records that do not exist, line figures that do not
follow the line rules, an order or invoice whose lines differ from its quote's, payments that do
not match the status, counters behind the numbers in use, and gaps in a year's invoice numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from salesflow.errors import InvalidValue
from salesflow.models import (
    META_DOC_ID,
    META_TABLE,
    RECORD_TYPES,
    Activity,
    CreditNote,
    Event,
    Invoice,
    InvoiceStatus,
    Lead,
    LeadStatus,
    Line,
    Opportunity,
    Order,
    Quote,
    Record,
    WithLines,
    linked,
    model_of_series,
)
from salesflow.pipeline.activities import regarding_type
from salesflow.pipeline.agenda_index import INDEX_TABLE
from salesflow.pipeline.invoices import settled_status
from salesflow.pipeline.money import HUNDRED, LIMIT, ZERO, cents, format_money, total
from salesflow.pipeline.numbering import format_number
from salesflow.pipeline.quotes import quote_label

Tables = Mapping[str, Mapping[str, Mapping[str, Any]]]
_NUMBER = re.compile(r"^(?P<series>.+)-(?P<n>\d+)$")
_SERIES = {
    model: re.compile(
        rf"^{re.escape(model.prefix)}-\d{{4}}$"
        if model.record_type.yearly
        else f"^{re.escape(model.prefix)}$"
    )
    for model in RECORD_TYPES
}


@dataclass(frozen=True)
class Problem:
    """One finding: which check, which record (or table), and what is wrong."""

    check: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Contents:
    """The valid records of a file by type and key, and its counters."""

    records: dict[type[Record], dict[str, Any]] = field(default_factory=dict)
    invalid: dict[type[Record], set[str]] = field(default_factory=dict)
    counters: Mapping[str, Any] = field(default_factory=dict)

    def of(self, model: type[Record]) -> dict[str, Any]:
        return self.records.get(model, {})

    def has(self, model: type[Record], key: str | None) -> bool:
        """A record with this key exists (an invalid one too: it is reported once, as such)."""
        return (
            key is None
            or key.upper() in self.of(model)
            or key.upper() in self.invalid.get(model, set())
        )


def diagnose(tables: Tables) -> list[Problem]:
    """Every problem found in the file's contents, in check order; an empty list means ok."""
    contents, problems = _contents(tables)
    for check in CHECKS:
        problems.extend(check(contents))
    return problems


# --- tables and records ------------------------------------------------------------------------


def _contents(tables: Tables) -> tuple[Contents, list[Problem]]:
    problems: list[Problem] = []
    known = {model.table for model in RECORD_TYPES} | {Event.table, META_TABLE, INDEX_TABLE}
    for name in tables:
        if name not in known:
            problems.append(Problem("schema", name, f"table {name!r} is not a salesflow table"))
    meta = tables.get(META_TABLE, {}).get(META_DOC_ID)
    if meta is None and any(tables.get(m.table) for m in RECORD_TYPES):
        problems.append(
            Problem("schema", META_TABLE, "the _meta table is missing: counters and settings lost")
        )
    contents = Contents(counters=(meta or {}).get("counters", {}))
    for model in RECORD_TYPES:
        valid: dict[str, Any] = {}
        for doc_id, doc in tables.get(model.table, {}).items():
            label = _label(model, doc, doc_id)
            try:
                record = model.model_validate(doc)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"]) or "record"
                problems.append(Problem("record", label, f"invalid ({where}: {first['msg']})"))
                key = doc.get(model.record_type.key)
                contents.invalid.setdefault(model, set()).add(str(key).upper())
                continue
            key = record.key.upper()
            beyond = over_maximum(record)
            if beyond is not None:
                # Reported here and left out of the other checks, which would add it up.
                problems.append(Problem("total", label, beyond))
                contents.invalid.setdefault(model, set()).add(key)
                continue
            if key in valid:
                problems.append(Problem("record", label, f"{key} is stored twice"))
                continue
            valid[key] = record
        contents.records[model] = valid
    for doc_id, doc in tables.get(Event.table, {}).items():
        try:
            Event.model_validate(doc)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "event"
            problems.append(
                Problem("record", f"event {doc_id}", f"invalid ({where}: {first['msg']})")
            )
    return contents, problems


def _label(model: type[Record], doc: Mapping[str, Any], doc_id: str) -> str:
    key = doc.get(model.record_type.key)
    if model.record_type.revisions and doc.get("revision", 1) != 1:
        key = f"{key} revision {doc.get('revision')}"
    return str(key) if key else f"{model.table} document {doc_id}"


# --- references --------------------------------------------------------------------------------

_LINKS = {
    model: tuple((link.field, target) for link, target in linked(model) if link.checked and target)
    for model in RECORD_TYPES
}


def _noun(model: type[Record]) -> str:
    return model.record_type.noun


def check_references(contents: Contents) -> Iterable[Problem]:
    """Every number a record names is a record of the right type."""
    for model, links in _LINKS.items():
        for record in contents.of(model).values():
            for field_name, target in links:
                value = getattr(record, field_name)
                if value is not None and not contents.has(target, value):
                    yield Problem(
                        "reference",
                        _where(record),
                        f"{field_name.replace('_', ' ')} {value}: no such {_noun(target)}",
                    )
    quotes = contents.of(Quote)
    for order in contents.of(Order).values():
        if f"{order.quote}#{order.quote_revision}".upper() not in quotes:
            yield Problem(
                "reference",
                order.number,
                f"quote {order.quote} revision {order.quote_revision}: no such quote",
            )
        if order.invoice and not contents.has(Invoice, order.invoice):
            yield Problem("reference", order.number, f"invoice {order.invoice}: no such invoice")
    for quote in quotes.values():
        if quote.order and not contents.has(Order, quote.order):
            yield Problem("reference", _where(quote), f"order {quote.order}: no such order")
    for lead in contents.of(Lead).values():
        if lead.status is LeadStatus.QUALIFIED and not lead.opportunity:
            yield Problem("reference", lead.number, "qualified, but names no opportunity")
    yield from _regarded(contents)


def _regarded(contents: Contents) -> Iterable[Problem]:
    """Every activity regards a record that exists (a quote: any of its revisions)."""
    quote_numbers = {key.split("#", 1)[0] for key in contents.of(Quote)}
    quote_numbers |= {key.split("#", 1)[0] for key in contents.invalid.get(Quote, set())}
    for activity in contents.of(Activity).values():
        try:
            model = regarding_type(activity.regarding)
        except InvalidValue:
            model = None
        found = (
            activity.regarding.upper() in quote_numbers
            if model is Quote
            else model is not None and contents.has(model, activity.regarding)
        )
        if not found:
            yield Problem(
                "reference",
                activity.number,
                f"regarding {activity.regarding}: no such record",
            )


def _where(record: Any) -> str:
    if isinstance(record, Quote):
        return quote_label(record)
    return str(record.key)


# --- totals ------------------------------------------------------------------------------------


def over_maximum(record: Record) -> str | None:
    """How a record's lines or total reach the maximum amount (`LIMIT`), or None: the commands
    refuse such lines, older versions did not."""
    if not isinstance(record, WithLines):
        return None
    for line in record.lines:
        gross = line.quantity * line.unit_price
        if abs(gross) >= LIMIT:
            return (
                f"line {line.line_no} comes to {gross:,.2f}; a line must come to less than "
                f"{LIMIT:,}"
            )
    try:
        amount = record.total
    except InvalidValue as error:
        return str(error)
    if abs(amount) >= LIMIT:
        return f"total {format_money(amount)} is not less than the maximum {LIMIT:,}"
    return None


def line_problems(line: Line) -> list[str]:
    """How a stored line breaks the line rules (`pipeline.lines.make_line`, header discount)."""
    gross = line.quantity * line.unit_price
    exact = gross * line.discount_percent / HUNDRED if line.discount_percent is not None else None
    found = []
    if exact is not None and line.discount != cents(exact):
        found.append(f"discount {line.discount} is not {line.discount_percent}% of {cents(gross)}")
    own = max(cents(gross - (exact if exact is not None else line.discount)), ZERO)
    if line.amount + line.header_discount != own:
        found.append(
            f"amount {line.amount} + header discount {line.header_discount} is not "
            f"{line.quantity} × {line.unit_price} less discount {line.discount} = {own}"
        )
    if line.tax != cents(line.amount * line.tax_rate / HUNDRED):
        found.append(f"tax {line.tax} is not {line.tax_rate}% of {line.amount}")
    return found


def check_totals(contents: Contents) -> Iterable[Problem]:
    """Line figures follow the rules; an order has its quote's lines, an invoice its order's."""
    for model in (Opportunity, Quote, Order, Invoice, CreditNote):
        for record in contents.of(model).values():
            yield from _record_totals(record)
    quotes = contents.of(Quote)
    orders = contents.of(Order)
    for order in orders.values():
        quote = quotes.get(f"{order.quote}#{order.quote_revision}".upper())
        if quote is not None:
            yield from _same_lines(order, quote, f"quote {_where(quote)}")
    for invoice in contents.of(Invoice).values():
        order = orders.get(invoice.order.upper())
        if order is not None:
            yield from _same_lines(invoice, order, f"order {order.number}")


def _record_totals(record: WithLines) -> Iterable[Problem]:
    where = _where(record)
    for line in record.lines:
        for problem in line_problems(line):
            yield Problem("total", where, f"line {line.line_no}: {problem}")
    numbers = [line.line_no for line in record.lines]
    if len(set(numbers)) != len(numbers):
        yield Problem("total", where, "two lines have the same line number")
    spread = total(line.header_discount for line in record.lines)
    discount: Decimal = getattr(record, "discount", ZERO)
    # a credit note has no header discount of its own: its lines keep their invoice's shares
    if not isinstance(record, CreditNote) and spread != discount:
        yield Problem(
            "total",
            where,
            f"header discount {discount} is not the sum of the lines' shares {spread}",
        )
    percent = getattr(record, "discount_percent", None)
    if percent is not None:
        own = total(line.amount + line.header_discount for line in record.lines)
        if discount != cents(own * percent / HUNDRED):
            yield Problem("total", where, f"header discount {discount} is not {percent}% of {own}")


def _same_lines(record: WithLines, source: WithLines, what: str) -> Iterable[Problem]:
    if record.total != source.total:
        yield Problem(
            "total",
            _where(record),
            f"total {record.total} differs from {what}'s total {source.total}",
        )
    elif [line.model_dump() for line in record.lines] != [
        line.model_dump() for line in source.lines
    ]:
        yield Problem("total", _where(record), f"lines differ from {what}'s lines")


# --- payments ----------------------------------------------------------------------------------


def check_payments(contents: Contents) -> Iterable[Problem]:
    """An invoice's status agrees with its payments and credit notes, it is never paid more than
    its total, and what it says was credited is the total of its credit notes."""
    notes = contents.of(CreditNote)
    for invoice in contents.of(Invoice).values():
        paid, owed = invoice.amount_paid, invoice.total
        expected = settled_status(invoice)
        mine = [note for note in notes.values() if note.invoice.upper() == invoice.number.upper()]
        if invoice.credited != total(note.total for note in mine) or sorted(
            n.upper() for n in invoice.credit_notes
        ) != sorted(note.number.upper() for note in mine):
            yield Problem(
                "payment",
                invoice.number,
                f"credited {invoice.credited} ({', '.join(invoice.credit_notes) or 'no notes'}) "
                f"does not match its credit notes "
                f"({', '.join(n.number for n in mine) or 'none'}, "
                f"{total(note.total for note in mine)})",
            )
        if paid + invoice.credited > owed:
            settled = f"paid {paid}" + (
                f" and credited {invoice.credited} are" if invoice.credited else " is"
            )
            yield Problem("payment", invoice.number, f"{settled} more than the total {owed}")
        elif invoice.status is InvoiceStatus.CANCELED and invoice.payments:
            yield Problem("payment", invoice.number, f"cancelled, but {paid} was paid")
        elif invoice.status != expected:
            yield Problem(
                "payment",
                invoice.number,
                f"status {invoice.status} does not match paid {paid} of {owed} "
                f"(expected {expected})",
            )
        if any(p.amount < ZERO for p in invoice.payments):
            yield Problem("payment", invoice.number, "a payment is negative")


# --- numbering ---------------------------------------------------------------------------------


def check_numbering(contents: Contents) -> Iterable[Problem]:
    """Each series' counter is at least its highest number (else numbers would be handed out
    again), numbers carry their type's prefix, and each year's invoice numbers have no gap."""
    in_use: dict[str, set[int]] = {}
    for model in RECORD_TYPES:
        if not model.prefix:
            continue  # keyed by a SKU the seller chooses
        for record in contents.of(model).values():
            match = _NUMBER.match(record.number)
            series = match.group("series").upper() if match else ""
            if not match or not _SERIES[model].match(series):
                yield Problem(
                    "numbering",
                    _where(record),
                    f"is not a {_noun(model)} number ({model.prefix}-0001)",
                )
                continue
            in_use.setdefault(series, set()).add(int(match.group("n")))
    counters = {str(k).upper(): v for k, v in contents.counters.items()}
    for series, numbers in sorted(in_use.items()):
        counter = counters.get(series, 0)
        if not isinstance(counter, int) or counter < max(numbers):
            yield Problem(
                "numbering",
                series,
                f"counter is {counter} but {format_number(series, max(numbers))} exists; "
                "new records would get numbers already in use",
            )
        kind = model_of_series(series)
        if kind is not None and kind.record_type.yearly:
            missing = sorted(set(range(1, max(counter, max(numbers)) + 1)) - numbers)
            if missing:
                shown = ", ".join(format_number(series, n) for n in missing[:5])
                more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
                yield Problem(
                    "numbering",
                    series,
                    f"{_noun(kind)} numbers have a gap: {shown}{more} missing",
                )
    for invoice in contents.of(Invoice).values():
        if not invoice.number.upper().startswith(f"INV-{invoice.invoice_date.year}-"):
            yield Problem(
                "numbering",
                invoice.number,
                f"is numbered outside the series of its invoice date {invoice.invoice_date}",
            )
    for note in contents.of(CreditNote).values():
        if not note.number.upper().startswith(f"CN-{note.credit_date.year}-"):
            yield Problem(
                "numbering",
                note.number,
                f"is numbered outside the series of its date {note.credit_date}",
            )


CHECKS: tuple[Callable[[Contents], Iterable[Problem]], ...] = (
    check_references,
    check_totals,
    check_payments,
    check_numbering,
)
