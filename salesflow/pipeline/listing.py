"""Filters, search and sorting for `list` commands, applied to stored documents.

Lists work on the raw stored dicts so that only the records shown are validated into models: a
`lead list --limit 20` over 100k leads builds 20 models, not 100k.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from salesflow.errors import InvalidValue
from salesflow.pipeline.fields import choice, parse_date
from salesflow.pipeline.matching import fold
from salesflow.pipeline.owners import seller_name

Doc = dict[str, Any]


@dataclass(frozen=True)
class ListQuery:
    status: str | None = None
    source: str | None = None
    account: str | None = None
    since: date | None = None
    until: date | None = None
    search: str | None = None
    sort: str | None = None
    descending: bool = False
    limit: int | None = None
    owner: str | None = None
    """Only records this seller owns (case-folded; `--owner`, `--mine`)."""


@dataclass(frozen=True)
class ListSpec:
    """What a record type offers to `list`: its statuses, sortable fields and searched fields."""

    statuses: tuple[str, ...]
    sort_fields: tuple[str, ...]
    search_fields: tuple[str, ...]
    created_field: str = "created_on"
    default_status: str | None = None
    account_field: str | None = "account"
    has_source: bool = True
    # Sort fields that are computed on the model (totals), not stored in the document.
    computed: tuple[str, ...] = ()


def list_query(
    spec: ListSpec,
    *,
    status: str | None = None,
    source: str | None = None,
    account: str | None = None,
    since: str | None = None,
    until: str | None = None,
    search: str | None = None,
    sort: str | None = None,
    limit: int | None = None,
    owner: str | None = None,
) -> ListQuery:
    """Checked list options; `--sort -field` sorts descending; `owner` is a seller's name
    (the shell turns `--mine` into the user's). Raises InvalidValue."""
    descending = False
    sort_field = None
    if sort:
        descending = sort.startswith("-")
        sort_field = choice(sort.lstrip("-").replace("-", "_"), spec.sort_fields, "sort field")
    if limit is not None and limit < 0:
        raise InvalidValue(f"limit {limit} must be 0 or more")
    if account and spec.account_field is None:
        raise InvalidValue("--account does not apply to this list")
    if source and not spec.has_source:
        raise InvalidValue("--source does not apply to this list")
    return ListQuery(
        status=choice(status, spec.statuses, "status") if status else None,
        source=fold(source.strip()) if source else None,
        account=account.strip().upper() if account else None,
        since=parse_date(since, "--since") if since else None,
        until=parse_date(until, "--until") if until else None,
        search=fold(search.strip()) if search and search.strip() else None,
        sort=sort_field,
        descending=descending,
        limit=limit,
        owner=seller_name(owner, "--owner").casefold() if owner is not None else None,
    )


def _sort_value(value: Any) -> tuple[int, Any]:
    """Numbers (also numeric text) before text, so mixed columns still sort."""
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return (1, fold(value))
        # "NaN", "sNaN" and "Infinity" parse as Decimals but are names, not numbers
        return (0, number) if number.is_finite() else (1, fold(value))
    if isinstance(value, (int, Decimal)):
        return (0, value)
    return (2, value)


def select(
    docs: Iterable[Doc],
    query: ListQuery,
    spec: ListSpec,
    *,
    status_of: Callable[[Doc], str] | None = None,
    extra_text: Callable[[Doc], str] | None = None,
    source_of: Callable[[Doc], str | None] | None = None,
) -> list[Doc]:
    """The stored documents matching `query`'s filters, in stored (creation) order.

    `status_of` derives a status that is not a plain field (an invoice's overdue); `extra_text`
    adds searchable text that lives on another record (an opportunity's account name);
    `source_of` finds the source on another record (a quote's opportunity).
    """

    def source(doc: Doc) -> str:
        return str((source_of(doc) if source_of is not None else doc.get("source")) or "")

    def status(doc: Doc) -> str:
        if status_of is not None:
            return status_of(doc)
        return str(doc.get("status") or spec.default_status or "")

    since = query.since.isoformat() if query.since else None
    until = query.until.isoformat() if query.until else None
    account_field = spec.account_field or ""
    kept: list[Doc] = []
    for doc in docs:
        if query.status and status(doc) != query.status:
            continue
        if query.source and fold(source(doc)) != query.source:
            continue
        if query.account and str(doc.get(account_field) or "").upper() != query.account:
            continue
        if query.owner and str(doc.get("owner") or "").casefold() != query.owner:
            continue
        created = str(doc.get(spec.created_field) or "")
        if since and created < since:
            continue
        if until and created > until:
            continue
        if (
            query.search
            and not any(query.search in fold(str(doc.get(f) or "")) for f in spec.search_fields)
            and (extra_text is None or query.search not in fold(extra_text(doc)))
        ):
            continue
        kept.append(doc)
    return kept


def arrange(items: list[Any], query: ListQuery, get: Callable[[Any, str], Any]) -> list[Any]:
    """Sorted by `--sort` (missing values last; `-field` descending), then cut to `--limit`."""
    if query.sort:
        field = query.sort
        present = [item for item in items if get(item, field) not in (None, "")]
        missing = [item for item in items if get(item, field) in (None, "")]
        present.sort(key=lambda item: _sort_value(get(item, field)), reverse=query.descending)
        items = present + missing
    if query.limit is not None:
        items = items[: query.limit]
    return items


def doc_value(doc: Doc, field: str) -> Any:
    return doc.get(field)


def model_value(record: Any, field: str) -> Any:
    return getattr(record, field, None)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP CSV injection guidance).

    Cells starting with = + - @ tab or CR get a leading apostrophe; plain numbers such as
    `-12.50` are left alone so that amounts stay numbers.
    """
    if cell and cell.startswith(FORMULA_STARTS) and not _is_number(cell):
        return "'" + cell
    return cell


def _is_number(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


def csv_rows(records: Sequence[Doc]) -> tuple[list[str], list[list[str]]]:
    """Flat columns (nested lists and objects left out) for `--csv`, in first-seen order."""
    columns: list[str] = []
    for record in records:
        for key, value in record.items():
            if key not in columns and not isinstance(value, (list, dict)):
                columns.append(key)
    rows = [
        ["" if record.get(c) is None else str(record.get(c)) for c in columns] for record in records
    ]
    return columns, rows


LEADS = ListSpec(
    statuses=("open", "qualified", "disqualified"),
    sort_fields=(
        "number",
        "first_name",
        "last_name",
        "company",
        "email",
        "source",
        "status",
        "estimated_value",
        "created_on",
        "city",
        "country",
    ),
    search_fields=("first_name", "last_name", "company", "email"),
    default_status="open",
)
ACCOUNTS = ListSpec(
    statuses=("active",),
    default_status="active",
    sort_fields=("number", "name", "city", "country", "created_on"),
    search_fields=("name", "email", "city"),
    account_field="number",
)
CONTACTS = ListSpec(
    statuses=("active",),
    default_status="active",
    sort_fields=("number", "first_name", "last_name", "email", "account", "created_on"),
    search_fields=("first_name", "last_name", "email"),
)
PRODUCTS = ListSpec(
    statuses=("active",),
    default_status="active",
    has_source=False,
    sort_fields=("sku", "name", "price", "tax_rate", "created_on"),
    search_fields=("sku", "name", "description"),
    account_field=None,
)
OPPORTUNITIES = ListSpec(
    statuses=("open", "won", "lost"),
    sort_fields=(
        "number",
        "name",
        "account",
        "stage",
        "status",
        "close_date",
        "created_on",
        "estimated_revenue",
        "weighted_revenue",
        "probability",
        "total",
    ),
    search_fields=("name", "account", "number"),
    default_status="open",
)

QUOTES = ListSpec(
    statuses=("draft", "active", "won", "closed"),
    default_status="draft",
    sort_fields=(
        "number",
        "revision",
        "opportunity",
        "account",
        "status",
        "created_on",
        "valid_until",
        "activated_on",
        "closed_on",
        "subtotal",
        "total",
    ),
    search_fields=("number", "opportunity", "account"),
    computed=("subtotal", "total"),
)
ORDERS = ListSpec(
    statuses=("active", "fulfilled", "canceled"),
    default_status="active",
    sort_fields=(
        "number",
        "quote",
        "opportunity",
        "account",
        "status",
        "created_on",
        "fulfilled_on",
        "canceled_on",
        "invoice",
        "subtotal",
        "total",
    ),
    search_fields=("number", "quote", "opportunity", "account", "invoice"),
    computed=("subtotal", "total"),
)
INVOICES = ListSpec(
    # `overdue` is derived from today (the shell passes `status_of`); the rest are stored.
    statuses=("unpaid", "partially-paid", "paid", "overdue", "canceled"),
    default_status="unpaid",
    created_field="invoice_date",
    sort_fields=(
        "number",
        "order",
        "opportunity",
        "account",
        "status",
        "invoice_date",
        "due_date",
        "subtotal",
        "total",
        "amount_paid",
        "balance",
    ),
    search_fields=("number", "order", "opportunity", "account"),
    computed=("subtotal", "total", "amount_paid", "balance"),
)
