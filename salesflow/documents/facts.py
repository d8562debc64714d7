"""What a quote or invoice document shows, gathered once for every format, in its language.

- the seller (company, address, VAT ID, chamber of commerce number, IBAN and BIC, contact
  details) and the customer (account name, contact, address, country, VAT ID);
- the title (the opportunity's name) and, for a quote, an intro text;
- the number and dates: a quote's date and validity, an invoice's date, delivery date, due date,
  payment terms and payment reference; the customer's reference when given;
- the lines numbered 1…n, each with its product's description. The stored `amount` of a line is
  net of its share of the header discount (`header_discount`); the Amount column shows the line
  *before* that share so the column adds up to "Lines total", and a "Discount" row in the totals
  then brings it down to the stored subtotal;
- per VAT rate the taxable amount and the VAT, the total; for an invoice also the amount paid
  and the balance due; the legal mention of a reverse charge or an export;
- a quote's terms and acceptance block; a mark on a superseded or closed quote and a cancelled
  invoice; the EPC QR payload of an invoice with something to pay in euros.

No internal status, revision or order number is printed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal, cast

from salesflow.documents.labels import DATE_FORMATS, LABELS, LANGUAGES, LOCALES
from salesflow.errors import InvalidValue
from salesflow.models import (
    Account,
    Contact,
    CreditNote,
    Invoice,
    InvoiceStatus,
    Line,
    Quote,
    QuoteStatus,
)
from salesflow.pipeline.money import ZERO, total
from salesflow.pipeline.vat import VatTreatment

DocumentKind = Literal["quote", "invoice", "credit_note"]
Document = Quote | Invoice | CreditNote
_KINDS: dict[str, type[Document]] = {"quote": Quote, "invoice": Invoice, "credit_note": CreditNote}
FORMATS: tuple[str, ...] = ("pdf", "html", "md")


@dataclass(frozen=True)
class Seller:
    """Who sends the document: printed in its header and, for invoices, in the payment note."""

    company: str | None = None
    address: str | None = None
    email: str | None = None
    phone: str | None = None
    vat_number: str | None = None
    iban: str | None = None
    bic: str | None = None
    coc: str | None = None
    website: str | None = None
    footer: str | None = None
    terms: str | None = None
    logo: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class DocumentView:
    """Everything one document shows: the quote or invoice, its seller and customer, the
    language, the deal's title, the products' descriptions (by upper-cased SKU), and for a
    superseded quote revision the latest revision."""

    kind: DocumentKind
    record: Document
    seller: Seller
    account: Account | None = None
    contact: Contact | None = None
    lang: str = "en"
    title: str | None = None
    descriptions: Mapping[str, str] = field(default_factory=dict)
    latest_revision: int | None = None

    def __post_init__(self) -> None:
        expected = _KINDS.get(self.kind)
        if expected is None or not isinstance(self.record, expected):
            raise TypeError(
                f"document kind {self.kind!r} does not match record {self.record.number} "
                f"(a {type(self.record).__name__})"
            )
        if self.lang not in LANGUAGES:
            raise InvalidValue(
                f"{self.kind} {self.record.number}: language {self.lang!r} is not one of: "
                f"{', '.join(LANGUAGES)}"
            )


def document_view(
    record: Document,
    seller: Seller,
    account: Account | None = None,
    contact: Contact | None = None,
    **details: Any,
) -> DocumentView:
    """The view of `record`, its kind taken from the record's type."""
    kind = cast(DocumentKind, next(k for k, m in _KINDS.items() if isinstance(record, m)))
    return DocumentView(
        kind=kind, record=record, seller=seller, account=account, contact=contact, **details
    )


def document_language(
    asked: str | None,
    account: Account | None,
    contact: Contact | None,
    default: str | None,
) -> str:
    """The language of a document: `--lang`, else the customer's (contact, then account), else
    the seller's setting, else English. Raises InvalidValue for a language not offered."""
    if asked is not None:
        lang = asked.strip().lower()
        if lang not in LANGUAGES:
            raise InvalidValue(f"language {asked!r} is not one of: {', '.join(LANGUAGES)}")
        return lang
    for candidate in (
        contact.language if contact else None,
        account.language if account else None,
        default,
    ):
        lang = (candidate or "").strip().lower()[:2]
        if lang in LANGUAGES:
            return lang
    return "en"


def default_filename(view: DocumentView, fmt: str) -> str:
    """`QUO-0001.pdf`, `QUO-0001-r2.pdf` (revisions after the first), `INV-2026-0001.html`.

    Raises InvalidValue for a format other than pdf, html or md.
    """
    if fmt not in FORMATS:
        raise InvalidValue(f"document format {fmt!r} is not supported; use pdf, html or md")
    stem = view.record.number
    if isinstance(view.record, Quote) and view.record.revision > 1:
        stem = f"{stem}-r{view.record.revision}"
    return f"{stem}.{fmt}"


# --- formatting in the document's locale -----------------------------------------------------


class Formats:
    """Words, numbers, money and dates in one language (Babel, imported on first use)."""

    def __init__(self, lang: str, currency: str) -> None:
        self.lang = lang
        self.locale = LOCALES[lang]
        self.words = LABELS[lang]
        self.currency = currency

    def __call__(self, key: str, **fields: object) -> str:
        return self.words[key].format(**fields) if fields else self.words[key]

    def money(self, value: Decimal) -> str:
        """An amount with the currency, as the locale writes it: `€ 2.450,00`, `2.450,00 €`."""
        from babel.numbers import format_currency

        return str(format_currency(value, self.currency, locale=self.locale))

    def amount(self, value: Decimal) -> str:
        """An amount without currency, two decimals (up to four for unit prices)."""
        from babel.numbers import format_decimal

        return str(format_decimal(value, format="#,##0.00##", locale=self.locale))

    def number(self, value: Decimal) -> str:
        from babel.numbers import format_decimal

        return str(format_decimal(value.normalize(), format="#,##0.######", locale=self.locale))

    def rate(self, value: Decimal) -> str:
        return f"{self.number(value)}%"

    def date(self, value: date) -> str:
        from babel.dates import format_date

        return str(format_date(value, format=DATE_FORMATS[self.lang], locale=self.locale))

    def days(self, count: int) -> str:
        return self("one_day") if count == 1 else self("days", count=count)

    def country(self, code: str | None) -> str | None:
        """An ISO code as the country's name in this language; other text as it is."""
        text = _present(code)
        if text is None or len(text) != 2:
            return text
        from babel import Locale

        return str(Locale.parse(self.locale).territories.get(text.upper(), text))


# --- the facts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineRow:
    position: str
    description: str
    details: str | None
    quantity: str
    unit: str
    unit_price: str
    discount: str
    amount: str
    tax_rate: str

    def cells(self) -> tuple[str, ...]:
        return (
            self.position,
            self.description,
            self.quantity,
            self.unit,
            self.unit_price,
            self.discount,
            self.amount,
            self.tax_rate,
        )


# Which line columns hold numbers (right-aligned in every format).
NUMERIC = (True, False, True, False, True, True, True, True)
_COLUMNS = (
    "col_no",
    "col_description",
    "col_quantity",
    "col_unit",
    "col_unit_price",
    "col_discount",
    "col_amount",
    "col_vat",
)


@dataclass(frozen=True)
class TotalRow:
    label: str
    value: str
    strong: bool = False


@dataclass(frozen=True)
class Facts:
    lang: str
    heading: str  # "Offerte" / "Invoice"
    number: str
    subject: str | None  # the deal's title
    mark: str | None  # "Superseded by revision 2", "Cancelled"
    seller_name: str | None
    seller_lines: tuple[str, ...]  # company first; never empty
    customer_lines: tuple[str, ...]  # account name first; never empty
    details: tuple[tuple[str, str], ...]
    intro: str | None
    headings: tuple[str, ...]
    lines: tuple[LineRow, ...]
    no_lines: str
    totals: tuple[TotalRow, ...]
    vat_note: str | None
    note: str | None
    terms: tuple[str, str] | None  # (heading, text)
    acceptance: tuple[str, tuple[str, ...]] | None  # (heading, field labels)
    footer: str | None
    qr: str | None  # EPC payload
    qr_label: str
    page: str  # "page {page} of {pages}", the fields left to fill
    labels: Mapping[str, str]  # From, To, Details
    date: date

    @property
    def title(self) -> str:
        return f"{self.heading} {self.number}"


def _present(text: str | None) -> str | None:
    """`text` without surrounding space, or None when nothing is left."""
    if text is None:
        return None
    stripped = text.strip()
    return stripped or None


def _split_lines(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").splitlines() if part.strip()]


def _seller_lines(seller: Seller, fmt: Formats) -> tuple[str, ...]:
    company = _present(seller.company)
    lines: list[str] = [company] if company else []
    lines += _split_lines(seller.address)
    for key, value in (
        ("vat_id", seller.vat_number),
        ("coc", seller.coc),
        ("IBAN", seller.iban),
        ("BIC", seller.bic),
        ("email", seller.email),
        ("phone", seller.phone),
        ("website", seller.website),
    ):
        if present := _present(value):
            label = key if key.isupper() else fmt(key)
            lines.append(f"{label}: {present}")
    return tuple(lines) or ("—",)


def _customer_lines(
    account: Account | None, contact: Contact | None, fmt: Formats
) -> tuple[str, ...]:
    lines: list[str] = []
    party: Account | Contact | None = account or contact
    if account is not None:
        lines.append(account.name)
    if contact is not None and _present(contact.name):
        lines.append(f"{fmt('attn')} {contact.name}" if account is not None else contact.name)
    if party is not None:
        lines += _split_lines(party.address)
        place = " ".join(p for p in (_present(party.postcode), _present(party.city)) if p)
        if place:
            lines.append(place)
        if country := fmt.country(party.country):
            lines.append(country)
        if vat_id := _present(party.vat_id):
            lines.append(f"{fmt('vat_id')}: {vat_id}")
    email = _present(contact.email) if contact is not None else None
    email = email or (_present(account.email) if account is not None else None)
    if email:
        lines.append(f"{fmt('email')}: {email}")
    return tuple(lines) or ("—",)


def _line_row(position: int, line: Line, view: DocumentView, fmt: Formats) -> LineRow:
    if line.discount_percent is not None and line.discount_percent != 0:
        discount = fmt.rate(line.discount_percent)
    elif line.discount:
        discount = fmt.amount(line.discount)
    else:
        discount = ""
    details = view.descriptions.get(line.sku.upper()) if line.sku else None
    return LineRow(
        position=str(position),
        description=line.description,
        details=_present(details),
        quantity=fmt.number(line.quantity),
        unit=line.unit or "",
        unit_price=fmt.amount(line.unit_price),
        discount=discount,
        amount=fmt.amount(line.amount + line.header_discount),
        tax_rate=fmt.rate(line.tax_rate),
    )


def tax_per_rate(lines: Sequence[Line]) -> list[tuple[Decimal, Decimal, Decimal]]:
    """(rate, taxable amount, tax) for each VAT rate on the lines, lowest rate first."""
    by_rate: dict[Decimal, list[Line]] = {}
    for line in lines:
        by_rate.setdefault(line.tax_rate.normalize(), []).append(line)
    return [
        (rate, total(line.amount for line in group), total(line.tax for line in group))
        for rate, group in sorted(by_rate.items())
    ]


def _totals(record: Document, fmt: Formats) -> tuple[TotalRow, ...]:
    rows: list[TotalRow] = []
    if not isinstance(record, CreditNote) and record.discount != ZERO:
        percent = record.discount_percent
        label = f"{fmt('discount')} ({fmt.rate(percent)})" if percent else fmt("discount")
        rows.append(TotalRow(fmt("lines_total"), fmt.amount(record.subtotal + record.discount)))
        rows.append(TotalRow(label, fmt.amount(-record.discount)))
    rows.append(TotalRow(fmt("subtotal"), fmt.amount(record.subtotal)))
    for rate, base, tax in tax_per_rate(record.lines):
        label = fmt("vat_over", rate=fmt.rate(rate), base=fmt.amount(base))
        rows.append(TotalRow(label, fmt.amount(tax)))
    rows.append(TotalRow(fmt("total"), fmt.money(record.total), strong=True))
    if isinstance(record, Invoice):
        rows.append(TotalRow(fmt("amount_paid"), fmt.amount(record.amount_paid)))
        if record.credited:
            label = f"{fmt('credited')} ({', '.join(record.credit_notes)})"
            rows.append(TotalRow(label, fmt.amount(-record.credited)))
        rows.append(TotalRow(fmt("balance_due"), fmt.money(record.balance), strong=True))
    return tuple(rows)


def _mark(view: DocumentView, fmt: Formats) -> str | None:
    record = view.record
    if isinstance(record, Quote) and record.status is QuoteStatus.CLOSED:
        if record.status_reason == "revised":
            latest = view.latest_revision or record.revision + 1
            return fmt("superseded", revision=latest)
        return fmt("closed")
    if isinstance(record, Invoice) and record.status is InvoiceStatus.CANCELED:
        return fmt("cancelled")
    return None


def _vat_note(record: Document, fmt: Formats) -> str | None:
    if record.vat_treatment == VatTreatment.REVERSE_CHARGE:
        return fmt("reverse_charge")
    if record.vat_treatment == VatTreatment.EXPORT:
        return fmt("export")
    return None


def _payment_note(invoice: Invoice, seller: Seller, fmt: Formats) -> str:
    if invoice.status is InvoiceStatus.CANCELED:
        return fmt("cancelled_note")
    if invoice.balance <= ZERO:
        return fmt("paid_note")
    fields = {
        "amount": fmt.money(invoice.balance),
        "date": fmt.date(invoice.due_date),
        "reference": invoice.number,
    }
    iban = _present(seller.iban)
    return fmt("pay_note", iban=iban, **fields) if iban else fmt("pay_note_no_iban", **fields)


def _qr_payload(invoice: Invoice, seller: Seller) -> str | None:
    """The EPC QR payload when there is something to pay in euros to the seller's IBAN."""
    from salesflow.pipeline.epc import epc_payload

    iban, company = _present(seller.iban), _present(seller.company)
    if (
        invoice.currency != "EUR"
        or iban is None
        or company is None
        or invoice.status is InvoiceStatus.CANCELED
        or invoice.balance <= ZERO
    ):
        return None
    return epc_payload(
        name=company,
        iban=iban,
        bic=_present(seller.bic),
        amount=invoice.balance,
        reference=invoice.number,
    )


def gather(view: DocumentView) -> Facts:
    """The facts of `view` in its language. Raises InvalidValue when the seller's IBAN or BIC
    cannot go into the invoice's payment QR code."""
    record = view.record
    fmt = Formats(view.lang, record.currency)
    details: list[tuple[str, str]] = [(fmt("number"), record.number)]
    intro = terms = acceptance = qr = None
    if isinstance(record, Quote):
        heading = fmt("quote")
        details += [
            (fmt("quote_date"), fmt.date(record.created_on)),
            (fmt("valid_until"), fmt.date(record.valid_until)),
        ]
        document_date = record.created_on
        note = fmt("valid_note", date=fmt.date(record.valid_until))
        intro = fmt("intro")
        if text := _present(view.seller.terms):
            terms = (fmt("terms"), text)
        if record.status is not QuoteStatus.CLOSED:
            acceptance = (fmt("acceptance"), (fmt("name"), fmt("date"), fmt("signature")))
    elif isinstance(record, CreditNote):
        heading = fmt("credit_note")
        details += [
            (fmt("credit_date"), fmt.date(record.credit_date)),
            (fmt("credited_invoice"), record.invoice),
        ]
        if reason := _present(record.reason):
            details.append((fmt("reason"), reason))
        document_date = record.credit_date
        note = fmt("credit_note_note", invoice=record.invoice, amount=fmt.money(record.total))
    else:
        heading = fmt("invoice")
        details += [
            (fmt("invoice_date"), fmt.date(record.invoice_date)),
            (fmt("delivery_date"), fmt.date(record.delivery_date or record.invoice_date)),
            (fmt("due_date"), fmt.date(record.due_date)),
            (fmt("payment_terms"), fmt.days(record.payment_terms)),
        ]
        document_date = record.invoice_date
        note = _payment_note(record, view.seller, fmt)
        try:
            qr = _qr_payload(record, view.seller)
        except InvalidValue as error:
            raise InvalidValue(f"invoice {record.number}: {error}") from None
    if reference := _present(record.customer_reference):
        details.append((fmt("customer_reference"), reference))
    if isinstance(record, Invoice):
        details.append((fmt("payment_reference"), record.number))
    return Facts(
        lang=view.lang,
        heading=heading,
        number=record.number,
        subject=_present(view.title),
        mark=_mark(view, fmt),
        seller_name=_present(view.seller.company),
        seller_lines=_seller_lines(view.seller, fmt),
        customer_lines=_customer_lines(view.account, view.contact, fmt),
        details=tuple(details),
        intro=intro,
        headings=tuple(fmt(key) for key in _COLUMNS),
        lines=tuple(
            _line_row(position, line, view, fmt)
            for position, line in enumerate(record.lines, start=1)
        ),
        no_lines=fmt("no_lines"),
        totals=_totals(record, fmt),
        vat_note=_vat_note(record, fmt),
        note=note,
        terms=terms,
        acceptance=acceptance,
        footer=_present(view.seller.footer),
        qr=qr,
        qr_label=fmt("scan_to_pay"),
        page=fmt.words["page"],
        labels={key: fmt(key) for key in ("from", "to", "details")},
        date=document_date,
    )
