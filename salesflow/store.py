"""The data file: one TinyDB JSON document, read at most once and written at most once per command.

This is the only module that imports tinydb. Its API speaks models and business numbers; TinyDB
document ids never leave it.

Writes are atomic (temp file in the same directory, fsync, `os.replace`, fsync of the directory) and
happen only when a command's unit of work finishes without an exception. Writing commands hold an
exclusive lock on `<data file>.lock` for their whole read-modify-write.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import orjson
from pydantic import ValidationError
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from salesflow.errors import LockTimeout, NotFound, StoreError
from salesflow.models import RECORD_TYPES, Event, Record

SCHEMA_VERSION = 1
META_TABLE = "_meta"
META_DOC_ID = 1

R = TypeVar("R", bound=Record)

_TYPES_BY_TABLE: dict[str, type[Record]] = {t.table: t for t in RECORD_TYPES}
_KNOWN_TABLES = {*_TYPES_BY_TABLE, Event.table, META_TABLE}


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that readers see the old or the new file, never a mix."""
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=_temp_prefix(path), dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o600)
        _pause_for_tests()
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _temp_prefix(path: Path) -> str:
    return f".{path.name}.tmp-"


def _pause_for_tests() -> None:
    """Crash tests widen the temp-write-to-replace window with $SALESFLOW_TEST_PAUSE_WRITE."""
    pause = os.environ.get("SALESFLOW_TEST_PAUSE_WRITE")
    if pause:
        import time

        time.sleep(float(pause))


class AtomicJSONStorage(Storage):
    """A TinyDB storage that parses and dumps with orjson and replaces the file atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"cannot read data file {self.path}: {exc.strerror}") from None
        return _parse(self.path, raw)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write_bytes(self.path, orjson.dumps(data))


class UnitOfWorkStorage(Storage):
    """Holds the parsed file in memory: TinyDB reads and writes go here; only `commit` touches disk.

    Unlike TinyDB's CachingMiddleware nothing is flushed on close, so an exception inside a command
    leaves the file as it was.
    """

    def __init__(self, backend: AtomicJSONStorage) -> None:
        self.backend = backend
        self._data: dict[str, dict[str, Any]] | None = None
        self.loaded = False
        self.dirty = False

    def read(self) -> dict[str, dict[str, Any]] | None:
        if not self.loaded:
            self._data = self.backend.read()
            self.loaded = True
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._data = data
        self.dirty = True

    def commit(self) -> None:
        if self.dirty and self._data is not None:
            self.backend.write(self._data)
            self.dirty = False


def _parse(path: Path, raw: bytes) -> dict[str, dict[str, Any]]:
    hint = "restore a backup or run `salesflow undo`"
    if not raw.strip():
        raise StoreError(f"data file {path} is empty; {hint}")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreError(f"data file {path} is not valid JSON ({exc}); {hint}") from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise StoreError(f"data file {path} is not a salesflow data file (wrong shape); {hint}")
    for name, table in data.items():
        if not all(isinstance(doc, dict) for doc in table.values()):
            raise StoreError(f"data file {path}: table {name!r} holds a non-record; {hint}")
        if not all(doc_id.isascii() and doc_id.isdigit() for doc_id in table):
            raise StoreError(f"data file {path}: table {name!r} has a non-numeric id; {hint}")
    meta = data.get(META_TABLE, {}).get(str(META_DOC_ID), {})
    counters, config = meta.get("counters", {}), meta.get("config", {})
    if not (
        isinstance(counters, dict)
        and all(type(value) is int for value in counters.values())
        and isinstance(config, dict)
    ):
        raise StoreError(f"data file {path}: {META_TABLE} counters or config are damaged; {hint}")
    schema = meta.get("schema", SCHEMA_VERSION)
    if not isinstance(schema, int) or schema > SCHEMA_VERSION:
        raise StoreError(
            f"data file {path} has schema version {schema!r}, newer than this salesflow "
            f"understands ({SCHEMA_VERSION}); upgrade salesflow"
        )
    return data


class _LazyRecords(Mapping[str, R]):
    def __init__(self, numbers: dict[str, str], load: Callable[[str], R]) -> None:
        self._numbers = numbers
        self._load = load

    def __getitem__(self, key: str) -> R:
        return self._load(self._numbers[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._numbers)

    def __len__(self) -> int:
        return len(self._numbers)


@dataclass(frozen=True)
class Savepoint:
    pending: dict[str, dict[str, Record]]
    new: dict[str, int]
    removed: dict[str, set[str]]
    meta: dict[str, Any]
    meta_dirty: bool


class Session:
    """One command's view of the data file: models in, models out, keyed by business number."""

    def __init__(self, path: Path, storage: UnitOfWorkStorage, *, writable: bool) -> None:
        self.path = path
        self._storage = storage
        self._db = TinyDB(storage=lambda: storage)  # type: ignore[arg-type, return-value]
        self.writable = writable
        self._index: dict[str, dict[str, str]] = {}
        self._pending: dict[str, dict[str, Record]] = {}
        self._new: dict[str, list[dict[str, Any]]] = {}
        self._removed: dict[str, set[str]] = {}
        self._meta: dict[str, Any] | None = None
        self._meta_dirty = False

    # -- raw access -------------------------------------------------------------------------

    def _tables(self) -> dict[str, dict[str, Any]]:
        return self._storage.read() or {}

    def raw(self, table: str) -> dict[str, dict[str, Any]]:
        """The stored documents of a table (read-only use), without validation."""
        return self._tables().get(table, {})

    def _key_index(self, table: str) -> dict[str, str]:
        index = self._index.get(table)
        if index is None:
            model = _TYPES_BY_TABLE[table]
            key_of = _raw_key_function(model)
            index = {key_of(doc).upper(): doc_id for doc_id, doc in self.raw(table).items()}
            self._index[table] = index
        return index

    def docs(self, model: type[Record]) -> list[dict[str, Any]]:
        """The stored documents of a record type, unvalidated (for filtering before `load`)."""
        self._require_clean(model)
        return list(self.raw(model.table).values())

    def load(self, model: type[R], doc: dict[str, Any]) -> R:
        """A stored document as a validated model; a bad record names itself (exit 1)."""
        return self._load(model, doc)

    def _require_clean(self, model: type[Record]) -> None:
        if self._pending.get(model.table) or self._removed.get(model.table):
            raise RuntimeError(f"unsaved changes to {model.table}: use all() instead of docs()")

    def _load(self, model: type[R], doc: dict[str, Any]) -> R:
        try:
            return model.model_validate(doc)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            ident = doc.get("number") or doc.get("sku") or "?"
            raise StoreError(
                f"data file {self.path}: {model.__name__.lower()} {ident} is invalid "
                f"({where}: {first['msg']}); fix the record or run `salesflow undo`",
                exit_code=1,
            ) from None

    # -- records --------------------------------------------------------------------------------

    def find(self, model: type[R], key: str) -> R | None:
        """The record with business number (or SKU, or `QUO-0001#2`) `key`, any case; or None."""
        pending = self._pending.get(model.table, {}).get(key.upper())
        if pending is not None:
            return pending  # type: ignore[return-value]
        doc_id = self._key_index(model.table).get(key.upper())
        if doc_id is None or doc_id in self._removed.get(model.table, ()):
            return None
        return self._load(model, self.raw(model.table)[doc_id])

    def get(self, model: type[R], key: str) -> R:
        found = self.find(model, key)
        if found is None:
            raise NotFound(f"{_label(model)} {key} not found")
        return found

    def all(self, model: type[R], where: Callable[[dict[str, Any]], bool] | None = None) -> list[R]:
        """Every record of a type (pending changes included), optionally filtered on raw docs."""
        table = model.table
        pending = self._pending.get(table, {})
        removed = self._removed.get(table, set())
        seen: set[str] = set()
        result: list[R] = []
        key_of = _raw_key_function(model)
        for doc_id, doc in self.raw(table).items():
            if doc_id in removed:
                continue
            key = key_of(doc).upper()
            if key in pending:
                seen.add(key)
                candidate = pending[key]
                if where is None or where(candidate.stored()):
                    result.append(candidate)  # type: ignore[arg-type]
                continue
            if where is None or where(doc):
                result.append(self._load(model, doc))
        for key, record in pending.items():
            if key not in seen and (where is None or where(record.stored())):
                result.append(record)  # type: ignore[arg-type]
        return result

    def index_by(self, model: type[R], field: str, key: Callable[[Any], str]) -> Mapping[str, R]:
        """Records by `key(field value)`, validated only when looked up (first one wins)."""
        key_of = _raw_key_function(model)
        numbers: dict[str, str] = {}
        removed = self._removed.get(model.table, set())
        for doc_id, doc in self.raw(model.table).items():
            if doc_id not in removed and (k := key(doc.get(field))):
                numbers.setdefault(k, key_of(doc))
        for record in self._pending.get(model.table, {}).values():
            if k := key(getattr(record, field, None)):
                numbers.setdefault(k, record.key)
        return _LazyRecords(numbers, lambda number: self.get(model, number))

    def count(self, model: type[Record]) -> int:
        """How many records of a type there are, this session's changes included."""
        index = self._key_index(model.table)
        removed = self._removed.get(model.table, set())
        added = sum(
            1 for k in self._pending.get(model.table, {}) if k not in index or index[k] in removed
        )
        return len(self.raw(model.table)) - len(removed) + added

    def put(self, *records: Record) -> None:
        """Insert or replace records (by business key); written at commit."""
        self._require_writable()
        for record in records:
            self._pending.setdefault(record.table, {})[record.key.upper()] = record

    def remove(self, record: Record) -> None:
        self._require_writable()
        self._pending.get(record.table, {}).pop(record.key.upper(), None)
        doc_id = self._key_index(record.table).get(record.key.upper())
        if doc_id is not None:
            self._removed.setdefault(record.table, set()).add(doc_id)

    def add_events(self, events: Iterable[Event]) -> None:
        self._require_writable()
        self._new.setdefault(Event.table, []).extend(e.stored() for e in events)

    def events(self, numbers: set[str] | None = None) -> list[Event]:
        """Events in recorded order, optionally only those of some numbers."""
        wanted = {n.upper() for n in numbers} if numbers is not None else None
        docs = list(self.raw(Event.table).values()) + self._new.get(Event.table, [])
        return [
            Event.model_validate(doc)
            for doc in docs
            if wanted is None or str(doc.get("number", "")).upper() in wanted
        ]

    # -- meta: schema, counters, configuration --------------------------------------------------

    def meta(self) -> dict[str, Any]:
        if self._meta is None:
            stored = self.raw(META_TABLE).get(str(META_DOC_ID))
            self._meta = (
                orjson.loads(orjson.dumps(stored))
                if stored
                else {"schema": SCHEMA_VERSION, "counters": {}, "config": {}}
            )
            self._meta.setdefault("counters", {})
            self._meta.setdefault("config", {})
        return self._meta

    def counter(self, series: str) -> int:
        """The last number handed out in a series (0 when none)."""
        return int(self.meta()["counters"].get(series, 0))

    def next_numbers(self, series: str, count: int = 1) -> list[int]:
        """Reserve the next `count` numbers of a series; they are never handed out again."""
        self._require_writable()
        last = self.counter(series)
        self.meta()["counters"][series] = last + count
        self._meta_dirty = True
        return list(range(last + 1, last + count + 1))

    def config(self) -> dict[str, Any]:
        return dict(self.meta()["config"])

    def set_config(self, values: dict[str, Any]) -> None:
        self._require_writable()
        self.meta()["config"].update(values)
        self._meta_dirty = True

    # -- commit ---------------------------------------------------------------------------------

    def _require_writable(self) -> None:
        if not self.writable:
            raise RuntimeError("this command opened the data file read-only")

    def savepoint(self) -> Savepoint:
        """A mark to roll this session's unsaved changes back to (batch commands, --keep-going)."""
        return Savepoint(
            pending={table: dict(records) for table, records in self._pending.items()},
            new={table: len(docs) for table, docs in self._new.items()},
            removed={table: set(ids) for table, ids in self._removed.items()},
            meta=orjson.loads(orjson.dumps(self.meta())),
            meta_dirty=self._meta_dirty,
        )

    def rollback(self, mark: Savepoint) -> None:
        """Forget every change made since `mark`, numbers handed out included."""
        self._pending = {table: dict(records) for table, records in mark.pending.items()}
        self._new = {table: docs[: mark.new.get(table, 0)] for table, docs in self._new.items()}
        self._removed = {table: set(ids) for table, ids in mark.removed.items()}
        self._meta = orjson.loads(orjson.dumps(mark.meta))
        self._meta_dirty = mark.meta_dirty

    @property
    def changed(self) -> bool:
        return bool(self._pending or self._new or self._removed or self._meta_dirty)

    def flush(self) -> None:
        """Apply this session's changes to the in-memory TinyDB tables (one update per table)."""
        if self._storage.read() is None:
            self._storage.write({})
        for table_name in sorted({*self._pending, *self._removed}):
            table = self._db.table(table_name)
            index = self._key_index(table_name)
            removed = self._removed.get(table_name, set())
            updates: dict[str, dict[str, Any]] = {}
            inserts: list[dict[str, Any]] = []
            for key, record in self._pending.get(table_name, {}).items():
                doc_id = index.get(key)
                if doc_id is None or doc_id in removed:
                    inserts.append(record.stored())
                else:
                    updates[doc_id] = record.stored()
            if updates:
                table.update(_replace_with(updates), doc_ids=[int(i) for i in updates])
            if removed:
                table.remove(doc_ids=[int(i) for i in removed])
            if inserts:
                table.insert_multiple(inserts)
        for table_name, docs in self._new.items():
            self._db.table(table_name).insert_multiple(docs)
        meta = self.meta()
        meta["schema"] = SCHEMA_VERSION
        meta_table = self._db.table(META_TABLE)
        if meta_table.contains(doc_id=META_DOC_ID):
            meta_table.update(_replace_whole(meta), doc_ids=[META_DOC_ID])
        else:
            meta_table.insert(Document(meta, doc_id=META_DOC_ID))
        self._pending.clear()
        self._new.clear()
        self._removed.clear()
        self._index.clear()
        self._meta_dirty = False


def _replace_whole(new: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        doc.clear()
        doc.update(new)

    return apply


def _replace_with(updates: dict[str, dict[str, Any]]) -> Callable[[dict[str, Any]], None]:
    """A TinyDB update function replacing each document by its new version, found by key."""
    pending = {_doc_identity(doc): doc for doc in updates.values()}

    def apply(doc: dict[str, Any]) -> None:
        new = pending[_doc_identity(doc)]
        doc.clear()
        doc.update(new)

    return apply


def _doc_identity(doc: dict[str, Any]) -> str:
    """A document's business key, upper-cased like the key index (`put` accepts any case)."""
    if "revision" in doc:
        return f"{doc['number']}#{doc['revision']}".upper()
    return str(doc.get("number") or doc.get("sku")).upper()


def _raw_key_function(model: type[Record]) -> Callable[[dict[str, Any]], str]:
    if model.table == "quotes":
        return lambda doc: f"{doc.get('number', '')}#{doc.get('revision', 1)}"
    if model.table == "products":
        return lambda doc: str(doc.get("sku", ""))
    return lambda doc: str(doc.get("number", ""))


def _label(model: type[Record]) -> str:
    return {"Opportunity": "opportunity", "Product": "product"}.get(
        model.__name__, model.__name__.lower()
    )


class Store:
    """The data file at `path`; open a read or write session per command."""

    def __init__(self, path: Path, *, lock_timeout: float = 10.0) -> None:
        self.path = path
        self.lock_timeout = lock_timeout

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session: no lock (atomic replace keeps reads consistent)."""
        storage = UnitOfWorkStorage(AtomicJSONStorage(self.path))
        session = Session(self.path, storage, writable=False)
        session.raw(META_TABLE)  # parse now, so a corrupt file fails before any output
        yield session

    @contextlib.contextmanager
    def writing(self) -> Iterator[Session]:
        """A locked read-modify-write session, committed in one atomic write if no exception."""
        from filelock import FileLock, Timeout

        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.lock_path), timeout=self.lock_timeout, mode=0o600)
        try:
            lock.acquire()
        except Timeout:
            raise LockTimeout(
                f"data file {self.path} is locked by another salesflow process "
                f"(lock file {self.lock_path}) for more than {self.lock_timeout:g} s; "
                "try again, or raise $SALESFLOW_LOCK_TIMEOUT"
            ) from None
        try:
            _remove_stray_temp_files(self.path)
            storage = UnitOfWorkStorage(AtomicJSONStorage(self.path))
            session = Session(self.path, storage, writable=True)
            session.raw(META_TABLE)
            yield session
            if session.changed:
                session.flush()
                storage.commit()
        finally:
            lock.release()


def _remove_stray_temp_files(path: Path) -> None:
    """Temp files a killed writer of this data file left; only called while holding its lock."""
    with contextlib.suppress(OSError):
        prefix = _temp_prefix(path)
        for name in os.listdir(path.parent):
            if name.startswith(prefix):
                with contextlib.suppress(OSError):
                    (path.parent / name).unlink()
