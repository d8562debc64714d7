"""The agenda index: what the agenda needs of every activity and deal record, whatever the period.

The data file keeps it next to the records it is derived from (a section per table, see
`SOURCES`), so that `salesflow agenda` reads neither the activities nor the deals' lines; the
store derives a section again from its records whenever a write changes them, here and only
here, so that no command can forget it. Its stored form holds JSON values only:

- `activities`: `due`, each open task, call or meeting with a due date as `[kind, due, at,
  regarding, subject, owner]` by number, in creation order; `touched`, the upper-case numbers of
  the leads last touched on each ISO day (an activity touches its record the day it is done, else
  the day it was made), by day: an agenda looks up only the leads touched lately, and a big
  file's 1,000 days read faster than its 10k leads.
- `invoices`, `quotes`, `opportunities`, `orders`: `deal_entry` of each record, by its
  upper-case key, as `[kind, number, day, amount, account, name, owner]`.
- `leads`: `lead_entry` of each lead, by its upper-case number: the JSON text of `[created_on,
  first_name, last_name, company, estimated_value, owner]` for an open lead, of `[None,
  first_name, last_name, company]` for any other (the agenda names the leads activities regard,
  whatever their status). Text, not a list: an agenda reads every lead's entry but names only a
  few, and a big file's 10k texts read three times faster than 10k lists of six values.
- `accounts`: `[name]` of each account, by its upper-case number: whom a deal is for.

Kept light (no dataclasses, no other pipeline module): a write imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from json import JSONEncoder, loads
from typing import Any

from salesflow.models import (
    ActivityKind,
    Invoice,
    InvoiceStatus,
    Lead,
    Opportunity,
    OpportunityStatus,
    Order,
    OrderStatus,
    Quote,
    QuoteStatus,
)
from salesflow.pipeline.money import ZERO

INDEX_TABLE = "_agenda"
"""The data file's table holding the index: one document, a section per table of `SOURCES`."""
INDEX_STAMP = "agenda_index"
"""The `_meta` key saying which tables the index's sections were derived from: each table's size
and checksum as `_meta` records them (under `tables`) for the write that derived it. A write by
a version that kept no index, or a hand edit, leaves them different: that section is then not
used, and the next write derives it again."""
INDEX_FORM = 2
"""The form of the index's entries, stamped with its sections (under `FORM_STAMP`): a file whose
stamp names another form (1: a lead's entry was a list) has its sections derived again, as a
stale index's are."""
FORM_STAMP = "form"
ACTIVITIES = "activities"
LEADS = "leads"
ACCOUNTS = "accounts"
DEAL_KINDS = {
    "invoices": "invoice",
    "quotes": "quote",
    "opportunities": "opportunity",
    "orders": "order",
}
"""The agenda's kind of item for each table of deal records."""
DOCUMENT_TABLES = (LEADS, ACCOUNTS)
"""The sections whose entry of a record comes from its stored document alone (`document_entry`):
an import adds many, and no record is built for them."""
SOURCES = (ACTIVITIES, *DEAL_KINDS, *DOCUMENT_TABLES)
"""The tables the agenda index is derived from, each into its own section."""
ENTRY_TABLES = (*DEAL_KINDS, *DOCUMENT_TABLES)
"""The sections kept an entry per record (a write changes only its records' entries); the
activities' section is derived again whenever an activity changes."""
Entry = list[Any] | str
"""A record's entry in its section: a deal's or an account's list, a lead's text."""
SCHEDULED_KINDS = frozenset(
    kind.value for kind in (ActivityKind.TASK, ActivityKind.CALL, ActivityKind.MEETING)
)
"""`pipeline.activities.SCHEDULED` as stored values (a test holds them equal)."""
OPEN_INVOICES = (InvoiceStatus.UNPAID, InvoiceStatus.PARTIALLY_PAID)

INDEX_FIELDS = (
    "number",
    "kind",
    "status",
    "due",
    "at",
    "regarding",
    "subject",
    "completed_on",
    "created_on",
    "owner",
)
"""The stored fields of an activity the agenda index is derived from."""


def activity_index(docs: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The `activities` section of the index, from stored activity documents."""
    due: dict[str, list[Any]] = {}
    last: dict[str, str] = {}
    lead_series = Lead.prefix + "-"
    width = len(lead_series)
    for doc in docs:
        get = doc.get
        regarding = get("regarding")
        if (
            get("status", "open") == "open"
            and get("kind") in SCHEDULED_KINDS
            and get("due") is not None
        ):
            due[str(get("number"))] = [
                get("kind"),
                get("due"),
                get("at"),
                regarding,
                get("subject"),
                get("owner"),
            ]
        if isinstance(regarding, str) and regarding[:width].upper() == lead_series:
            key = regarding.upper()
            day = str(get("completed_on") or get("created_on") or "")
            if day > last.get(key, ""):
                last[key] = day
    touched: dict[str, list[str]] = {}
    for key, day in last.items():
        touched.setdefault(day, []).append(key)
    return {"due": due, "touched": touched}


def deal_entry(record: Invoice | Quote | Opportunity | Order) -> list[Any]:
    """What the agenda needs of a deal record, whatever the period: `[kind, number, day, amount,
    account, name, owner]`. Kind, day and amount are those of an item an agenda may show (an
    invoice's due date and balance, a quote's last valid day and total, an opportunity's close
    date and estimated revenue, the day an order was made and its total), or None for a record
    no agenda shows (paid, canceled, won, lost, fulfilled, a draft, an opportunity without a
    close date); the account and an opportunity's name say whom an activity about the record is
    for."""
    kind: str | None = None
    day: Any = None
    amount: Any = None
    name: str | None = None
    if isinstance(record, Invoice):
        if record.status in OPEN_INVOICES and record.balance > ZERO:
            kind, day, amount = "invoice", record.due_date, record.balance
    elif isinstance(record, Quote):
        if record.status is QuoteStatus.ACTIVE:
            kind, day, amount = "quote", record.valid_until, record.total
    elif isinstance(record, Opportunity):
        name = record.name
        if record.status is OpportunityStatus.OPEN and record.close_date is not None:
            kind, day, amount = "opportunity", record.close_date, record.estimated_revenue
    elif record.status is OrderStatus.ACTIVE:
        kind, day, amount = "order", record.created_on, record.total
    return [
        kind,
        record.number,
        day.isoformat() if day is not None else None,
        str(amount) if amount is not None else None,
        record.account,
        name,
        record.owner,
    ]


def deal_index(records: Iterable[Invoice | Quote | Opportunity | Order]) -> dict[str, list[Any]]:
    """A deal table's section of the index: `deal_entry` of each record, by its upper-case key
    (a quote's revision included)."""
    return {record.key.upper(): deal_entry(record) for record in records}


LEAD_FIELDS = (
    "status",
    "created_on",
    "first_name",
    "last_name",
    "company",
    "estimated_value",
    "owner",
)
"""The stored fields of a lead its entry is made of (with its number)."""
DOCUMENT_FIELDS = {LEADS: ("number", *LEAD_FIELDS), ACCOUNTS: ("number", "name")}
"""The stored fields each document section's entries are made of, number first."""
_OPEN_LEAD = "open"
"""`LeadStatus.OPEN` as stored (a test holds them equal)."""


def lead_entry(doc: Mapping[str, Any]) -> str:
    """What the agenda needs of a lead, from its stored document, as JSON text (`lead_fields`
    reads it back): `[created_on, first_name, last_name, company, estimated_value, owner]` for
    an open lead (it becomes untouched after a while), `[None, first_name, last_name, company]`
    for any other (only named, when an activity regards it). An open lead's text starts with
    its day (`OPEN_DAY`)."""
    get = doc.get
    if (get("status") or _OPEN_LEAD) == _OPEN_LEAD:
        fields = [
            get("created_on"),
            get("first_name"),
            get("last_name"),
            get("company"),
            get("estimated_value"),
            get("owner"),
        ]
    else:
        fields = [None, get("first_name"), get("last_name"), get("company")]
    return _ENTRY_TEXT.encode(fields)


_ENTRY_TEXT = JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""A lead's entry as compact JSON text: names as they are, but for the quotes, backslashes and
control characters JSON escapes."""


OPEN_DAY = slice(len('["'), len('["2026-12-01'))
"""Where an open lead's `lead_entry` holds the day it was made: its text starts `["<ISO day>",`
(any other lead's `[null,`), so that an agenda reads the day of 10k leads without reading the
rest of their entries."""


def lead_fields(entry: object) -> list[Any]:
    """The fields of a lead's `lead_entry`; ValueError for an entry of another shape (a damaged
    index)."""
    if type(entry) is not str:
        raise ValueError(f"a lead's entry is not text: {entry!r}")
    fields = loads(entry)
    if type(fields) is not list or len(fields) not in (4, 6):
        raise ValueError(f"a lead's entry is not one of its forms: {entry!r}")
    return fields


def owned_by(entry: str, wanted: str) -> bool:
    """Whether an open lead's `lead_entry` names `wanted` (case-folded) as its owner: its text
    case-folded ends with `wanted`'s JSON text (case folding makes no quote, backslash or
    control character, the only characters JSON escapes here), and then its fields say so; an
    agenda of one seller looks at 10k leads and decodes only theirs."""
    return entry.casefold().endswith(f",{_ENTRY_TEXT.encode(wanted)}]") and (
        str(lead_fields(entry)[5] or "").casefold() == wanted
    )


def document_entry(table: str, doc: Mapping[str, Any]) -> Entry:
    """The entry of a record of a `DOCUMENT_TABLES` table, from its stored document: a lead's
    `lead_entry`, an account's `[name]`."""
    if table == LEADS:
        return lead_entry(doc)
    return [doc.get("name")]


def document_index(table: str, docs: Iterable[Mapping[str, Any]]) -> dict[str, Entry]:
    """A `DOCUMENT_TABLES` table's section of the index, from its stored documents, by
    upper-case number."""
    return {str(doc.get("number")).upper(): document_entry(table, doc) for doc in docs}


def section(
    table: str,
    docs: Iterable[Mapping[str, Any]],
    build: Callable[[Mapping[str, Any]], Invoice | Quote | Opportunity | Order | None],
) -> dict[str, Any]:
    """The section of `table` (one of `SOURCES`) derived from all its stored documents: the
    activities' and the document tables' from the documents, a deal table's from the records
    `build` makes of them (None: a record left out, as one that does not validate)."""
    if table == ACTIVITIES:
        return activity_index(docs)
    if table in DOCUMENT_TABLES:
        return document_index(table, docs)
    return deal_index(record for record in map(build, docs) if record is not None)
