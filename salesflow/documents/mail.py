"""The e-mail that sends a document: a MIME draft with the PDF attached, never sent from here.

Subject and body come from the document language's template, greeting the customer's contact
by name. `X-Unsent: 1` makes mail clients open the `.eml` as a draft to review and send.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from salesflow.documents.facts import DocumentView, Formats
from salesflow.models import CreditNote, Quote


def draft_email(
    view: DocumentView,
    pdf: bytes,
    *,
    filename: str,
    to: Sequence[str],
    cc: Sequence[str] = (),
    now: datetime,
) -> EmailMessage:
    """A draft message to `to` (and `cc`) with `pdf` attached as `filename`."""
    record = view.record
    fmt = Formats(view.lang, record.currency)
    seller = (view.seller.company or "").strip()
    message = EmailMessage()
    message["Subject"] = fmt(f"{view.kind}_subject", number=record.number, seller=seller).strip()
    if view.seller.email:
        message["From"] = formataddr((seller, view.seller.email.strip()))
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Date"] = format_datetime(now)
    message["X-Unsent"] = "1"
    message.set_content(_body(view, fmt, seller))
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    return message


def _body(view: DocumentView, fmt: Formats, seller: str) -> str:
    record = view.record
    name = view.contact.name.strip() if view.contact and view.contact.name.strip() else None
    greeting = fmt("greeting", name=name) if name else fmt("greeting_anonymous")
    if isinstance(record, Quote):
        title = fmt("for", title=view.title.strip()) if view.title and view.title.strip() else ""
        text = fmt(
            "quote_body", number=record.number, title=title, date=fmt.date(record.valid_until)
        )
    elif isinstance(record, CreditNote):
        text = fmt(
            "credit_note_body",
            number=record.number,
            amount=fmt.money(record.total),
            invoice=record.invoice,
        )
    else:
        text = fmt(
            "invoice_body",
            number=record.number,
            amount=fmt.money(record.balance),
            date=fmt.date(record.due_date),
        )
    return "\n".join([greeting, "", text, "", fmt("closing"), seller]).rstrip() + "\n"
