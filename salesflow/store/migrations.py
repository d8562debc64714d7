"""Schema versions of the data file, and the pure steps from each version to the next.

A data file records its version in `_meta.schema`. Reading an older file upgrades it in memory
(`upgrade`); the first write after an upgrade of salesflow stores the new version, and the file
as it was is kept in `<data file>.history/`, so `salesflow undo` can bring it back.

A step takes the raw data (`{table: {doc_id: document}}`) of version n and returns that of
version n + 1. Steps never mutate their input (unchanged tables are shared, not copied), never
read the clock or files, and leave every record they do not need to change as it was.

History:
1. The first schema (salesflow 0.1).
2. The file states its currency: `_meta.config.currency` is always set. Schema 1 left it out
   unless `salesflow init --currency` was run, and then meant EUR; product prices and lead values
   carry no currency of their own, so their meaning hung on a default in the program.
3. One spelling of canceled in stored data. Schema 2 wrote `canceled` for orders, activities and
   the reasons of leads, opportunities and quotes, but `cancelled` for invoices (their status,
   `cancelled_on`, the `cancelled` event, and the `cancelled_invoice` an order's `reopened` event
   names). Schema 3 writes `canceled` everywhere; the CLI still takes `cancelled` when typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from salesflow.models import META_DOC_ID, META_TABLE

Data = dict[str, dict[str, Any]]

SCHEMA_VERSION = 3
SCHEMA_1_CURRENCY = "EUR"
"""The currency a schema-1 file without a currency setting was kept in."""


def new_meta() -> dict[str, Any]:
    """The `_meta` document of a data file created by this version."""
    return {
        "schema": SCHEMA_VERSION,
        "counters": {},
        "config": {"currency": SCHEMA_1_CURRENCY},
    }


def schema_of(data: Data) -> Any:
    """The version a file says it has; files without one predate versioning (schema 1)."""
    meta = data.get(META_TABLE, {}).get(META_DOC_ID)
    if not isinstance(meta, dict):
        return 1
    return meta.get("schema", 1)


def v1_to_v2(data: Data) -> Data:
    """State the file's currency: EUR, as schema 1 meant, unless a currency was set."""
    meta = dict(data.get(META_TABLE, {}).get(META_DOC_ID) or {})
    config = dict(meta.get("config") or {})
    config.setdefault("currency", SCHEMA_1_CURRENCY)
    meta.update({"schema": 2, "counters": dict(meta.get("counters") or {}), "config": config})
    return {**data, META_TABLE: {**data.get(META_TABLE, {}), META_DOC_ID: meta}}


_OLD, _NEW = "cancelled", "canceled"
_RENAMED_KEYS = {"cancelled_on": "canceled_on", "cancelled_invoice": "canceled_invoice"}


def _respelled(doc: Any, fields: tuple[str, ...]) -> Any:
    """`doc` with `cancelled` as the value of any of `fields` and in the renamed keys (and in
    an event's details) spelled `canceled`; the same object when nothing needs it."""
    if not isinstance(doc, dict):
        return doc
    changed: dict[str, Any] = {key: _NEW for key in fields if doc.get(key) == _OLD}
    renamed = {new: doc[old] for old, new in _RENAMED_KEYS.items() if old in doc}
    details = doc.get("details")
    if isinstance(details, dict) and any(old in details for old in _RENAMED_KEYS):
        changed["details"] = {_RENAMED_KEYS.get(k, k): v for k, v in details.items()}
    if not changed and not renamed:
        return doc
    kept = {k: v for k, v in doc.items() if k not in _RENAMED_KEYS}
    return {**kept, **changed, **renamed}


def v2_to_v3(data: Data) -> Data:
    """Spell canceled one way: invoices' status and date, invoice events, reopened orders'
    events."""
    out = dict(data)
    for table, fields in (
        ("invoices", ("status",)),
        ("events", ("kind", "from_state", "to_state")),
    ):
        docs = data.get(table)
        if isinstance(docs, dict):
            out[table] = {doc_id: _respelled(doc, fields) for doc_id, doc in docs.items()}
    meta = dict(data.get(META_TABLE, {}).get(META_DOC_ID) or {})
    meta["schema"] = 3
    out[META_TABLE] = {**data.get(META_TABLE, {}), META_DOC_ID: meta}
    return out


STEPS: dict[int, Callable[[Data], Data]] = {
    1: v1_to_v2,
    2: v2_to_v3,
}


def upgrade(data: Data) -> Data:
    """`data` brought from its schema up to SCHEMA_VERSION, one step at a time.

    The caller checks first that the schema is a known one (1 to SCHEMA_VERSION).
    """
    version = schema_of(data)
    while version < SCHEMA_VERSION:
        data = STEPS[version](data)
        version += 1
    return data
