"""Every record type, declared once: its table, number prefix, nouns, business key and links.

The model of each type (`salesflow.models`) takes its entry as `record_type` (and its `table` and
`prefix` from it); what lists record types derives from `TYPES` instead of naming them again:
doctor's reference checks and nouns, the deal story's links, the store's keys and messages,
`export`'s types, `info`'s counts. The module imports nothing heavy, so a command's help and
tab completion can name the types without loading the models.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Link:
    """A field of a record that names another record (or an import batch) by its number."""

    field: str
    target: str | None
    """The table of the record named; None for an import batch (`lead import`), not a record."""
    checked: bool = True
    """`doctor` reports a value that names no such record."""
    story: bool = True
    """A deal's story (`salesflow history`) follows the link."""


@dataclass(frozen=True)
class RecordType:
    """One record type: where it is kept, how it is numbered and named, what it links to."""

    table: str
    """Where the file keeps its records; also its name in `export` and `info`."""
    prefix: str
    """The number series (`L` for `L-0001`); empty for a type keyed by a chosen code."""
    noun: str
    """A record of the type in a sentence: `credit note`."""
    plural: str
    """Several of them: `credit notes`."""
    links: tuple[Link, ...] = ()
    key: str = "number"
    """The field holding the business key (`sku` for products)."""
    revisions: bool = False
    """Several revisions share a number: the key is `QUO-0001#2` (revision 1 when absent)."""
    yearly: bool = False
    """Numbered per year and gapless (`INV-2026-0001`): the series is `<prefix>-<year>`."""
    label: str | None = None
    """The name the store's not-found message uses, when it is not the noun."""

    @property
    def message_name(self) -> str:
        """What `... not found` calls a record of the type."""
        return self.label or self.noun

    def stored_key(self, stored: Mapping[str, Any]) -> str:
        """A stored record's business key, as `Record.key` gives it for the built record."""
        key = str(stored.get(self.key, ""))
        return f"{key}#{stored.get('revision', 1)}" if self.revisions else key


LEADS = RecordType(
    "leads",
    "L",
    "lead",
    "leads",
    links=(
        Link("account", "accounts"),
        Link("contact", "contacts"),
        Link("opportunity", "opportunities"),
        Link("imported_in", None, checked=False),
    ),
)
ACCOUNTS = RecordType(
    "accounts",
    "ACC",
    "account",
    "accounts",
    # an account's story is its deals', not its primary contact's
    links=(Link("primary_contact", "contacts", story=False),),
)
CONTACTS = RecordType(
    "contacts", "CON", "contact", "contacts", links=(Link("account", "accounts"),)
)
PRODUCTS = RecordType("products", "", "product", "products", key="sku")
OPPORTUNITIES = RecordType(
    "opportunities",
    "OPP",
    "opportunity",
    "opportunities",
    links=(Link("account", "accounts"), Link("contact", "contacts"), Link("lead", "leads")),
)
QUOTES = RecordType(
    "quotes",
    "QUO",
    "quote",
    "quotes",
    revisions=True,
    links=(
        Link("opportunity", "opportunities"),
        Link("account", "accounts"),
        Link("contact", "contacts"),
        Link("order", "orders", checked=False),
    ),
)
ORDERS = RecordType(
    "orders",
    "ORD",
    "order",
    "orders",
    links=(
        Link("quote", "quotes", checked=False),  # a quote's number, not one revision's key
        Link("opportunity", "opportunities"),
        Link("account", "accounts"),
        Link("contact", "contacts"),
        Link("invoice", "invoices", checked=False),
    ),
)
INVOICES = RecordType(
    "invoices",
    "INV",
    "invoice",
    "invoices",
    yearly=True,
    links=(
        Link("order", "orders"),
        Link("opportunity", "opportunities"),
        Link("account", "accounts"),
        Link("contact", "contacts"),
    ),
)
ACTIVITIES = RecordType(
    "activities", "ACT", "activity", "activities", links=(Link("contact", "contacts"),)
)
CREDIT_NOTES = RecordType(
    "credit_notes",
    "CN",
    "credit note",
    "credit notes",
    label="creditnote",
    yearly=True,
    links=(
        Link("invoice", "invoices"),
        Link("opportunity", "opportunities"),
        Link("account", "accounts"),
        Link("contact", "contacts"),
    ),
)

TYPES: tuple[RecordType, ...] = (
    LEADS,
    ACCOUNTS,
    CONTACTS,
    PRODUCTS,
    OPPORTUNITIES,
    QUOTES,
    ORDERS,
    INVOICES,
    ACTIVITIES,
    CREDIT_NOTES,
)
"""Every record type, in the order `info`, `export` and `doctor` list them."""

BY_TABLE: dict[str, RecordType] = {kind.table: kind for kind in TYPES}


def of_series(series: str) -> RecordType | None:
    """The record type numbered in a counter's series (`L`, `INV-2026`); None for others."""
    for kind in TYPES:
        if kind.prefix and (series == kind.prefix or series.startswith(kind.prefix + "-")):
            return kind
    return None
