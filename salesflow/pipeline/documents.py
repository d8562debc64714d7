"""Sending documents: which quotes and invoices may go to a customer, and the `sent` event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from salesflow.errors import InvalidValue
from salesflow.models import CreditNote, Event, Invoice, Quote
from salesflow.pipeline.fields import check_email, event
from salesflow.pipeline.quotes import quote_label
from salesflow.pipeline.states import guard


def check_sendable(record: Quote | Invoice | CreditNote) -> None:
    """Refused for a draft or closed quote and a cancelled invoice: only what the customer may
    act on is sent (a credit note always may)."""
    if isinstance(record, Quote):
        guard("quote", quote_label(record), record.status, "send", record.status_reason)
    elif isinstance(record, Invoice):
        guard("invoice", record.number, record.status, "send")


def sent_event(
    record: Quote | Invoice | CreditNote,
    *,
    to: Sequence[str],
    cc: Sequence[str],
    lang: str,
    now: datetime,
) -> Event:
    """The history entry of sending `record` to `to` and `cc` (revision for a quote).

    Raises InvalidValue for an address that is no email, or no recipient at all.
    """
    kind = {Quote: "quote", Invoice: "invoice"}.get(type(record), "credit note")
    who = f"{kind} {record.number}"
    recipients = [_address(a, who) for a in to if a.strip()]
    if not recipients:
        raise InvalidValue(f"{who}: give a recipient with --to EMAIL")
    copies = [_address(a, who) for a in cc if a.strip()]
    return event(
        now,
        record.number,
        "sent",
        revision=record.revision if isinstance(record, Quote) else None,
        to=recipients,
        cc=copies or None,
        lang=lang,
    )


def _address(text: str, who: str) -> str:
    email = check_email(text, who)
    assert email is not None
    return email
