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

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from salesflow.files import atomic_write_bytes
from salesflow.models import META_DOC_ID, META_TABLE
from salesflow.store.backend import Store
from salesflow.store.copying import copy_data
from salesflow.store.damage import CHANGED, TRUSTED, UNKNOWN
from salesflow.store.locking import checked_timeout
from salesflow.store.migrations import SCHEMA_VERSION
from salesflow.store.session import Session
from salesflow.store.tracking import (
    AtomicJSONStorage,
    Savepoint,
    UnitOfWorkStorage,
    file_bytes,
)
from salesflow.store.versions import Restored, UndoVersions, Version

if TYPE_CHECKING:
    from salesflow.store.postgres import PostgresBackend

__all__ = [
    "CHANGED",
    "META_DOC_ID",
    "META_TABLE",
    "SCHEMA_VERSION",
    "TRUSTED",
    "UNKNOWN",
    "AtomicJSONStorage",
    "Restored",
    "Savepoint",
    "Session",
    "Store",
    "UndoVersions",
    "UnitOfWorkStorage",
    "Version",
    "atomic_write_bytes",
    "checked_timeout",
    "copy_data",
    "file_bytes",
    "is_database_url",
    "open_backend",
]


def is_database_url(text: str) -> bool:
    """Whether `text` names a team database (`postgresql://...`) rather than a data file."""
    from salesflow.store.postgres.urls import is_database_url as names_database

    return names_database(text)


def open_backend(
    target: str | Path, *, lock_timeout: float | None = None, argv: Sequence[str] = ()
) -> Store | PostgresBackend:
    """The backend `target` names: a `postgresql://` URL is a team database (psycopg is imported
    only then), anything else a data file's path. `argv`: this run's command line, which the
    undo versions (a file) or the journal (a database) record."""
    if isinstance(target, str):
        from salesflow.store.postgres.urls import is_database_url

        if is_database_url(target):
            from salesflow.store.postgres import PostgresBackend

            return PostgresBackend(target, lock_timeout=lock_timeout, argv=argv)
    return Store(Path(target), lock_timeout=lock_timeout, argv=argv)
