"""Use cases of customer documents: the facts a quote's, an invoice's or a credit note's
document shows (seller, customer, language, the deal's title, the products' descriptions),
gathered through the unit of work for `salesflow.documents` to render; and sending one as an
e-mail draft, recorded in the deal's story.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from salesflow.documents import DocumentView, Seller, default_filename, document_view
from salesflow.documents.facts import document_language
from salesflow.errors import InvalidValue
from salesflow.models import (
    Account,
    Contact,
    CreditNote,
    Event,
    Invoice,
    Opportunity,
    Product,
    Quote,
)
from salesflow.pipeline.documents import check_sendable, sent_event
from salesflow.pipeline.settings import Settings
from salesflow.services import invoices, quotes
from salesflow.services.settings import settings
from salesflow.store.contract import Match

if TYPE_CHECKING:
    from salesflow.store.contract import UnitOfWork

SELLER_FIELDS = (
    "company",
    "address",
    "email",
    "phone",
    "vat_number",
    "iban",
    "bic",
    "coc",
    "website",
    "footer",
    "terms",
)


def seller(values: Settings, *, logo: bool = True) -> Seller:
    """The seller's details from the settings (`salesflow init --company ...`); the logo file
    is read when `logo` (a PDF prints it). Raises InvalidValue for a logo that cannot be read."""
    image = None
    if logo and values.get("logo"):
        try:
            image = Path(values.get("logo")).read_bytes()
        except OSError as error:
            raise InvalidValue(
                f"logo {values.get('logo')!r} cannot be read ({error.strerror}); set another "
                "with `salesflow config set logo FILE`, or clear it with `config set logo ''`"
            ) from None
    return Seller(**{key: values.get(key) for key in SELLER_FIELDS}, logo=image)


def view(
    uow: UnitOfWork,
    record: Quote | Invoice | CreditNote,
    lang: str | None = None,
    *,
    logo: bool = True,
) -> DocumentView:
    """The document view of a quote, invoice or credit note: its seller, customer, the deal's
    title, the products' descriptions and the language (`lang`, else the customer's, else the
    settings')."""
    account = uow.find(Account, record.account) if record.account else None
    contact = uow.find(Contact, record.contact) if record.contact else None
    opportunity = uow.find(Opportunity, record.opportunity)
    skus = sorted({line.sku.upper() for line in record.lines if line.sku})
    descriptions = {
        p.sku.upper(): p.description
        for p in (uow.all(Product, Match.where(sku=skus)) if skus else [])
        if p.description
    }
    latest = None
    if isinstance(record, Quote):
        latest = max(q.revision for q in quotes.revisions_of(uow, record.number))
    values = settings(uow)
    return document_view(
        record,
        seller(values, logo=logo),
        account=account,
        contact=contact,
        lang=document_language(lang, account, contact, values.get("language")),
        title=opportunity.name if opportunity else None,
        descriptions=descriptions,
        latest_revision=latest,
    )


def quote_view(
    uow: UnitOfWork,
    number: str,
    revision: int | None = None,
    lang: str | None = None,
    *,
    logo: bool = True,
) -> DocumentView:
    """The document of a quote's revision (the latest unless `revision`)."""
    return view(uow, quotes.load(uow, number, revision), lang, logo=logo)


def invoice_view(
    uow: UnitOfWork, number: str, lang: str | None = None, *, logo: bool = True
) -> DocumentView:
    """The document of an invoice or a credit note (`CN-…`)."""
    return view(uow, invoices.record(uow, number), lang, logo=logo)


@dataclass(frozen=True)
class Draft:
    """An e-mail draft to write: the document, the message (the PDF attached) and the name its
    file gets by default (`QUO-0001.eml`)."""

    view: DocumentView
    message: bytes
    default_name: str
    event: Event


def _draft(
    uow: UnitOfWork,
    record: Quote | Invoice | CreditNote,
    *,
    to: list[str],
    cc: list[str],
    lang: str | None,
    now: datetime,
) -> Draft:
    from salesflow.documents import draft_email, render_pdf

    check_sendable(record)
    document = view(uow, record, lang)
    event = sent_event(record, to=to, cc=cc, lang=document.lang, now=now)
    pdf_name = default_filename(document, "pdf")
    message = draft_email(
        document,
        render_pdf(document),
        filename=pdf_name,
        to=event.details["to"],
        cc=event.details.get("cc", []),
        now=now,
    )
    uow.add_events([event])
    return Draft(document, bytes(message), str(Path(pdf_name).with_suffix(".eml")), event)


def send_quote(
    uow: UnitOfWork,
    number: str,
    *,
    revision: int | None = None,
    to: list[str],
    cc: list[str],
    lang: str | None = None,
    now: datetime,
) -> Draft:
    """An active quote as an e-mail draft to `to` (and `cc`), its sending recorded (refused
    for a draft or closed quote). Nothing goes over the network."""
    return _draft(uow, quotes.load(uow, number, revision), to=to, cc=cc, lang=lang, now=now)


def send_invoice(
    uow: UnitOfWork,
    number: str,
    *,
    to: list[str],
    cc: list[str],
    lang: str | None = None,
    now: datetime,
) -> Draft:
    """An invoice or credit note as an e-mail draft, its sending recorded (refused for a
    cancelled invoice)."""
    return _draft(uow, invoices.record(uow, number), to=to, cc=cc, lang=lang, now=now)
