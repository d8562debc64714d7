"""The data file: one TinyDB JSON document, read at most once and written at most once per command.

This package is the only place that imports tinydb. Its API (`salesflow.store.contract`) speaks
models and business numbers; TinyDB document ids never leave it. The file is written one table
per line (`layout`): a command parses only the tables it uses, and writes the others back as
they were.

The JSON-file backend, by concern:

- `backend`: `Store`, the data file (`contract.Backend`): reading and writing units of work,
  undo, redo, restore;
- `session`: `Session`, one command's unit of work (`contract.UnitOfWork`);
- `tracking`: the tables in memory for one unit of work and the changes not committed yet;
- `damage`: checks of the bytes read (shape, ids, duplicate keys, checksums, provenance);
- `locking`: the writers' lock and the atomic commit;
- `versions`: the undo versions kept in `<data file>.history/`;
- `migrations`: schema versions, upgraded in memory when read and stored by the next write;
- `layout`, `collector`: the file's bytes, and the garbage collector around big parses.
"""

from __future__ import annotations

from salesflow.files import atomic_write_bytes
from salesflow.models import META_DOC_ID, META_TABLE
from salesflow.store.backend import Store
from salesflow.store.damage import CHANGED, TRUSTED, UNKNOWN
from salesflow.store.migrations import SCHEMA_VERSION
from salesflow.store.session import Session
from salesflow.store.tracking import (
    AtomicJSONStorage,
    Savepoint,
    UnitOfWorkStorage,
    file_bytes,
)

__all__ = [
    "CHANGED",
    "META_DOC_ID",
    "META_TABLE",
    "SCHEMA_VERSION",
    "TRUSTED",
    "UNKNOWN",
    "AtomicJSONStorage",
    "Savepoint",
    "Session",
    "Store",
    "UnitOfWorkStorage",
    "atomic_write_bytes",
    "file_bytes",
]
