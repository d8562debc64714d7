"""The data file: one TinyDB JSON document, read at most once and written at most once per command.

This is the only module that imports tinydb. Its API speaks models and business numbers; TinyDB
document ids never leave it. The file is written one table per line (`salesflow.store.layout`): a
command parses only the tables it uses, and writes the others back as they were.

Writes are atomic (temp file in the same directory, fsync, `os.replace`, fsync of the directory) and
happen only when a command's unit of work finishes without an exception. Writing commands hold an
exclusive lock on `<data file>.lock` for their whole read-modify-write. Before each replace the
file as it was is kept in `<data file>.history/` (see `salesflow.store.versions`), which is what
`undo` and `redo` restore. Files of an older schema are upgraded in memory when read
(`salesflow.store.migrations`) and stored upgraded by the next write.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
from pydantic import ValidationError
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from salesflow.errors import (
    InvalidValue,
    LockTimeout,
    NotFound,
    Refused,
    SalesflowError,
    StoreError,
)
from salesflow.files import (
    Content,
    atomic_write_bytes,
    checkpoint,
    make_private_folders,
    remove_temp_files,
    same_content,
    sync_directory,
)
from salesflow.models import RECORD_TYPES, Event, Record
from salesflow.pipeline.numbering import format_number, full_number
from salesflow.pipeline.settings import DEFAULTS
from salesflow.store import collector, layout
from salesflow.store.contract import Listing, Match, Stored
from salesflow.store.locking import Busy, Lock, Lost, checked_timeout
from salesflow.store.migrations import SCHEMA_VERSION, new_meta, schema_of, upgrade
from salesflow.store.versions import (
    COMMAND,
    REDO,
    UNDO,
    Entry,
    Plan,
    Versions,
    digest,
    digest_soon,
    plan,
)

if TYPE_CHECKING:
    from salesflow.store.postgres import PostgresBackend

__all__ = ["SCHEMA_VERSION", "Session", "Store", "atomic_write_bytes", "open_backend"]

META_TABLE = "_meta"
META_DOC_ID = 1
HISTORY_KEEP: int = DEFAULTS["history_keep"]

R = TypeVar("R", bound=Record)
T = TypeVar("T")

_TYPES_BY_TABLE: dict[str, type[Record]] = {t.table: t for t in RECORD_TYPES}
_KNOWN_TABLES = {*_TYPES_BY_TABLE, Event.table, META_TABLE}


class _Overtaken(Exception):
    """Another writer may have got in: the lock file or the data file changed under the lock."""


class _NotKept(Exception):
    """The history could not keep the previous version: the write stops before the replace."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def _pause_for_tests() -> None:
    """Crash tests widen the temp-write-to-replace window with $SALESFLOW_TEST_PAUSE_WRITE."""
    pause = os.environ.get("SALESFLOW_TEST_PAUSE_WRITE")
    if pause:
        import time

        time.sleep(float(pause))


def command_line() -> list[str]:
    """This run's command line for the history, without `--db FILE` (the file is implied)."""
    common = sys.modules.get("salesflow.cli.common")
    argv = list(getattr(getattr(common, "INVOCATION", None), "argv", None) or sys.argv[1:])
    shown: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--db":
            skip = True
        elif not arg.startswith("--db="):
            shown.append(arg)
    return shown


def _followed(path: Path) -> Path:
    """The file a symbolic link (or a chain of them) points to, resolved once: writes replace
    that file, beside which the lock and the history live, and the link stays."""
    for _ in range(40):
        try:
            target = Path(os.readlink(path))
        except OSError:  # not a link (or not there yet)
            return path
        path = target if target.is_absolute() else path.parent / target
    return path


def _why(error: OSError) -> str:
    return error.strerror or str(error)


def _identity_of(path: Path) -> tuple[int, ...] | None:
    """What tells one version of a file from the next: it is replaced, never rewritten."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns)


def _read_bytes(path: Path) -> bytes | None:
    return _read(path)[0]


def _read(path: Path) -> tuple[bytes | None, tuple[int, ...] | None]:
    """The file's bytes and identity (see `_identity_of`), from one open; (None, None) when
    there is no file."""
    try:
        with open(path, "rb") as handle:
            found = os.fstat(handle.fileno())
            if stat.S_ISDIR(found.st_mode):
                raise IsADirectoryError
            identity = (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns)
            return handle.read(), identity
    except FileNotFoundError:
        return None, None
    except IsADirectoryError:
        raise StoreError(f"data file {path} is a directory; give a file with --db") from None
    except OSError as exc:
        raise StoreError(f"cannot read data file {path}: {exc.strerror}") from None


class AtomicJSONStorage(Storage):
    """A TinyDB storage that parses and dumps with orjson and replaces the file atomically.

    `load` parses only the `_meta` table of a file in salesflow's layout (`salesflow.store.layout`),
    keeping the other tables' JSON unparsed until a command asks for them.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.raw: bytes | None = None
        self.identity: tuple[int, ...] | None = None
        self.file_schema = SCHEMA_VERSION

    def load(self) -> tuple[dict[str, dict[str, Any]], dict[str, memoryview]] | None:
        """(parsed tables, unparsed tables by name), every table in file order; None when there
        is no file yet. The file's schema is checked, and an older one upgraded in memory."""
        self.raw, self.identity = _read(self.path)
        if self.raw is None:
            return None
        parts = layout.split(self.raw)
        if parts is None or META_TABLE not in parts:
            data = _parse(self.path, self.raw)
            self.file_schema = schema_of(data)
            return (upgrade(data) if self.file_schema < SCHEMA_VERSION else data), {}
        try:
            meta = _parse_table(META_TABLE, parts[META_TABLE])
            _check_meta({META_TABLE: meta})
        except _Damaged as damage:
            raise _store_error(self.path, damage) from None
        self.file_schema = schema_of({META_TABLE: meta})
        if self.file_schema < SCHEMA_VERSION:
            data = _parse(self.path, self.raw)
            return upgrade(data), {}
        unparsed = {name: body for name, body in parts.items() if name != META_TABLE}
        return {META_TABLE: meta}, unparsed

    def read(self) -> dict[str, dict[str, Any]] | None:
        """The file's data, every table parsed, upgraded to the current schema in memory (None: no
        file yet)."""
        storage = UnitOfWorkStorage(self)
        if storage.read() is None:
            return None
        return {name: storage.table(name) for name in storage.names()}

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write_bytes(self.path, layout.join((n, orjson.dumps(t)) for n, t in data.items()))


class UnitOfWorkStorage(Storage):
    """Holds the file's tables in memory: TinyDB reads and writes go here; only `commit` touches
    disk. A table is parsed when first asked for (`table`); `read` is TinyDB's view: the tables
    parsed so far, so TinyDB may only be given a table after `table` has parsed it.

    Unlike TinyDB's CachingMiddleware nothing is flushed on close, so an exception inside a command
    leaves the file as it was.
    """

    def __init__(self, backend: AtomicJSONStorage) -> None:
        self.backend = backend
        self._data: dict[str, dict[str, Any]] | None = None
        self._unparsed: dict[str, memoryview] = {}
        self._appended: dict[str, list[memoryview]] = {}  # JSON members, without braces
        self._appended_count: dict[str, int] = {}
        self._last_ids: dict[str, int] = {}
        self._order: list[str] = []
        self._sizes: dict[str, int] = {}  # each table's size as read (salesflow's layout only)
        self._checksums: _Checksums | None = None
        self.loaded = False

    def read(self) -> dict[str, dict[str, Any]] | None:
        if not self.loaded:
            found = self.backend.load()
            if found is not None:
                self._data, self._unparsed = found
                self._order = [*self._data, *self._unparsed]
                self._sizes = {name: len(body) for name, body in self._unparsed.items()}
            self.loaded = True
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._data = data

    def names(self) -> list[str]:
        """Every table of the file (and any added since), in file order."""
        self.read()
        added = [name for name in self._data or {} if name not in self._order]
        names = [*self._order, *added]
        if META_TABLE in names[1:]:  # first, as the schema is read first
            names.remove(META_TABLE)
            names.insert(0, META_TABLE)
        return names

    def table(self, name: str) -> dict[str, Any]:
        """A table's documents by id ({} when there is no such table), parsed on first use;
        StoreError (exit 4) when its JSON is damaged."""
        data = self.read()
        body = self._unparsed.get(name)
        if body is not None:
            try:
                parsed = _parse_table(name, body)
                info = self.recorded(name)
                if not (info and info["size"] == len(body) and info["count"] == len(parsed)):
                    _check_unique(name, body, parsed)
            except _Damaged as damage:
                raise _store_error(self.backend.path, damage) from None
            appended = self._appended.pop(name, [])
            if appended:
                parsed.update(orjson.loads(b"{" + b",".join(appended) + b"}"))
            assert data is not None
            data[name] = parsed
            del self._unparsed[name]
        return data.get(name, {}) if data is not None else {}

    def scan(self, name: str) -> Iterator[dict[str, Any]]:
        """A table's documents by id, in parts: one never parsed is read a part at a time and
        not kept."""
        body = self._unparsed.get(name)
        if body is None or name in self._appended:
            yield self.table(name)
            return
        try:
            for part in layout.parts(body):
                _check_table(name, part)
                yield part
        except orjson.JSONDecodeError as exc:
            raise _store_error(self.backend.path, _invalid_table(name, exc)) from None
        except _Damaged as damage:
            raise _store_error(self.backend.path, damage) from None

    def append(self, name: str, docs: list[dict[str, Any]]) -> bool:
        """Add documents at the end of a table never parsed (or new), without parsing it: their
        ids follow its last one (ids ascend in the files salesflow writes). False when the table
        is parsed: TinyDB adds them then."""
        if self.read() is None:
            self._data = {}
        assert self._data is not None
        if name not in self._unparsed and name not in self._data:  # a new table
            self._unparsed[name] = memoryview(b"{}")
            self._order.append(name)
        body = self._unparsed.get(name)
        if body is None:
            return False
        last = self._last_ids.get(name)
        if last is None:
            try:
                last = layout.last_id(body)
            except ValueError:
                return False  # not a table of documents: parsing it says what is wrong
        if docs:
            numbered = {str(last + offset): doc for offset, doc in enumerate(docs, start=1)}
            # a view, not a slice: 100k documents are some 40 MB of JSON, not worth copying
            members = memoryview(orjson.dumps(numbered))[1:-1]
            self._appended.setdefault(name, []).append(members)
            self._appended_count[name] = self._appended_count.get(name, 0) + len(docs)
            self._last_ids[name] = last + len(docs)
        return True

    # -- checks of the tables written back -------------------------------------------------------

    def recorded(self, name: str) -> dict[str, Any] | None:
        """What the last write recorded in `_meta` about a table (its size, documents, checksum
        and highest numbers), or None when nothing usable is recorded."""
        data = self._data or {}
        meta = data.get(META_TABLE, {}).get(str(META_DOC_ID), {})
        infos = meta.get(TABLES_KEY) if isinstance(meta, dict) else None
        info = infos.get(name) if isinstance(infos, dict) else None
        if not (
            isinstance(info, dict)
            and all(type(info.get(key)) is int for key in ("size", "count", "crc32"))
            and isinstance(info.get("highest"), dict)
            and all(type(n) is int for n in info["highest"].values())
        ):
            return None
        return info

    def start_checksums(self) -> None:
        """Start checksumming every table not parsed yet, in a thread (zlib lets go of the
        interpreter), for `verify` to compare with what `_meta` recorded."""
        self.read()
        tables = {n: b for n, b in self._unparsed.items() if n != META_TABLE}
        self._checksums = _Checksums(tables)

    def verify(self, provenance: str) -> dict[str, dict[str, int]]:
        """Check every table as read before it is written back, and return the highest number
        per series in use in each record table. StoreError (exit 4) when a table is damaged.

        `provenance` says what is known of the file: TRUSTED, it is byte for byte what salesflow
        wrote last (the history's digest says so); CHANGED, it was changed since; UNKNOWN (no
        history), each table's size and checksum are compared with what `_meta` recorded. A
        table not known to be as salesflow wrote it is parsed (which finds damage anywhere in it)
        and its numbers are read from its documents.
        """
        data = self.read()
        if data is None:
            return {}
        sums = self._checksums.result() if self._checksums is not None else {}
        highest: dict[str, dict[str, int]] = {}
        for name in self.names():
            if name == META_TABLE:
                continue
            info = self.recorded(name)
            size = self._sizes.get(name)
            known = info is not None and (
                provenance == TRUSTED
                or (
                    provenance == UNKNOWN
                    and size == info["size"]
                    and sums.get(name) == info["crc32"]
                )
            )
            if known:
                assert info is not None
                highest[name] = dict(info["highest"])
            else:
                highest[name] = _highest_numbers(name, self.table(name))
        return highest

    def stored_infos(
        self, bodies: dict[str, list[layout.Body]], highest: dict[str, dict[str, int]]
    ) -> dict[str, dict[str, Any]]:
        """What `_meta` records of each table written: size, documents, checksum, numbers."""
        infos: dict[str, dict[str, Any]] = {}
        data = self._data or {}
        for name, parts in bodies.items():
            if name == META_TABLE:
                continue
            info = self.recorded(name)
            appended = self._appended.get(name)
            if name in self._unparsed and info is not None:
                count = info["count"] + self._appended_count.get(name, 0)
                crc = info["crc32"]
                if appended:  # the parts are the table without its brace, members, brace
                    body = self._unparsed[name]
                    if len(body) > 2:
                        crc = zlib.crc32(b",", crc)
                    for members in appended:
                        crc = zlib.crc32(members, crc)
                        crc = zlib.crc32(b",", crc) if members is not appended[-1] else crc
            else:
                count = len(data.get(name, {}))
                crc = _crc_without_brace(parts)
            infos[name] = _table_info(parts, count, crc, highest.get(name, {}))
        return infos

    def serialized(self, highest: dict[str, dict[str, int]] | None = None) -> list[layout.Body]:
        """The data as the bytes to store, in consecutive parts: tables never parsed are written
        back as they were, documents added to them after their end. With `highest` (what
        `verify` returned), `_meta` records each table's size, documents, checksum and highest
        numbers, for the next write to check the table against."""
        data = self._data or {}

        def body(name: str) -> list[layout.Body]:
            if name not in self._unparsed:
                return [orjson.dumps(data[name])]
            appended = self._appended.get(name)
            unparsed = self._unparsed[name]
            if not appended:
                return [unparsed]
            return layout.append(
                unparsed, appended[0] if len(appended) == 1 else b",".join(appended)
            )

        names = [name for name in self.names() if name in self._unparsed or name in data]
        bodies = {name: body(name) for name in names if name != META_TABLE}
        meta = data.get(META_TABLE, {}).get(str(META_DOC_ID))
        if highest is not None and isinstance(meta, dict):
            meta[TABLES_KEY] = self.stored_infos(bodies, highest)
        if META_TABLE in names:
            bodies[META_TABLE] = body(META_TABLE)
        return layout.join_parts((name, bodies[name]) for name in names)


def _table_info(
    parts: Sequence[layout.Body], count: int, crc: int, highest: dict[str, int]
) -> dict[str, Any]:
    return {"size": sum(map(len, parts)), "count": count, "crc32": crc, "highest": highest}


def file_bytes(tables: dict[str, dict[str, Any]]) -> bytes:
    """The bytes a write stores for `tables` (`{name: {doc_id: document}}`, `_meta` first), with
    what `_meta` records of each table; for tools that make data files (the benchmarks)."""
    bodies = {name: [orjson.dumps(t)] for name, t in tables.items() if name != META_TABLE}
    meta = {key: dict(doc) for key, doc in tables.get(META_TABLE, {}).items()}
    meta.setdefault(str(META_DOC_ID), new_meta())[TABLES_KEY] = {
        name: _table_info(
            parts,
            len(tables[name]),
            _crc_without_brace(parts),
            _highest_numbers(name, tables[name]),
        )
        for name, parts in bodies.items()
    }
    return layout.join([(META_TABLE, orjson.dumps(meta)), *bodies.items()])


TABLES_KEY = "tables"
"""The `_meta` key where each write records its tables' size, documents, checksum and numbers."""
TRUSTED = "trusted"
CHANGED = "changed"
UNKNOWN = "unknown"


class _Checksums:
    """The CRC-32 of tables' JSON without the closing brace, made in a daemon thread."""

    def __init__(self, tables: dict[str, memoryview]) -> None:
        self._tables: dict[str, memoryview] | None = tables
        self._found: dict[str, int] | None = None
        self._thread = threading.Thread(target=self._run, name="salesflow-crc", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self._tables is not None
        self._found = _checksums(self._tables)

    def result(self) -> dict[str, int]:
        self._thread.join()
        if self._found is None:  # the thread failed: make them here
            assert self._tables is not None
            self._found = _checksums(self._tables)
        self._tables = None
        return self._found


def _checksums(tables: dict[str, memoryview]) -> dict[str, int]:
    return {name: _crc_without_brace([body]) for name, body in tables.items()}


def _crc_without_brace(parts: Sequence[layout.Body]) -> int:
    """The CRC-32 of a table's JSON without its closing brace (-1 when it does not end in one):
    documents appended after the table's end then extend it without reading the table again."""
    if not parts or bytes(parts[-1][-1:]) != b"}":
        return -1
    crc = 0
    for part in parts[:-1]:
        crc = zlib.crc32(part, crc)
    return zlib.crc32(memoryview(parts[-1])[:-1], crc)


def _highest_numbers(name: str, table: dict[str, Any]) -> dict[str, int]:
    """The highest number per series (`L`, `INV-2026`) among a record table's documents."""
    model = _TYPES_BY_TABLE.get(name)
    if model is None or not model.prefix:
        return {}
    prefix = model.prefix
    found: dict[str, int] = {}
    for doc in table.values():
        number = doc.get("number")
        if not isinstance(number, str):
            continue
        series, _, digits = number.strip().upper().rpartition("-")
        if (
            digits.isascii()
            and digits.isdigit()
            and (series == prefix or series.startswith(prefix + "-"))
        ):
            value = int(digits)
            if value > found.get(series, 0):
                found[series] = value
    return found


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Duplicate(key)
            seen.add(key)
    return result


def _duplicate_key(raw: layout.Body, parsed: Any) -> str | None:
    """A key that appears twice in one JSON object of `raw` (orjson keeps the last silently),
    or None. JSON dumped by orjson again as long as `raw` has dropped nothing; otherwise the
    exact, slower check of the standard library's parser."""
    if len(orjson.dumps(parsed)) == len(raw):
        return None
    if (
        bytes(raw[:2]) == layout.HEAD  # a whole file in salesflow's layout
        and isinstance(parsed, dict)
        and sum(map(len, layout.join_parts((n, orjson.dumps(t)) for n, t in parsed.items())))
        == len(raw)
    ):
        return None
    import json

    try:
        json.loads(bytes(raw), object_pairs_hook=_unique_pairs)
    except _Duplicate as duplicate:
        return duplicate.key
    except ValueError:
        return None
    return None


def _check_unique(name: str, body: layout.Body, table: dict[str, Any]) -> None:
    key = _duplicate_key(body, table)
    if key is not None:
        raise _Damaged(f": table {name!r} holds key {key!r} twice")


HINT = "restore a backup or run `salesflow undo`"


class _Damaged(Exception):
    """What is wrong with a file's bytes, phrased to follow the file's name."""

    def __init__(self, problem: str, hint: str = HINT) -> None:
        super().__init__(problem)
        self.problem = problem
        self.hint = hint


def _store_error(path: Path, damage: _Damaged) -> StoreError:
    return StoreError(f"data file {path}{damage.problem}; {damage.hint}")


def _parse(path: Path, raw: bytes) -> dict[str, dict[str, Any]]:
    """The data of a salesflow data file, every table parsed; StoreError naming the file, the
    problem and the way back when it is damaged or newer than this version."""
    try:
        return _load_data(raw)
    except _Damaged as damage:
        raise _store_error(path, damage) from None


def _load_data(raw: bytes) -> dict[str, dict[str, Any]]:
    if not raw.strip():
        raise _Damaged(" is empty")
    try:
        with collector.paused():
            data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _Damaged(f" is not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise _Damaged(" is not a salesflow data file (wrong shape)")
    key = _duplicate_key(raw, data)
    if key is not None:
        where = f"table {key!r} appears" if key in data else f"key {key!r} appears"
        raise _Damaged(f": {where} twice")
    for name, table in data.items():
        _check_table(name, table)
        data[name] = _in_id_order(table)
    _check_meta(data)
    collector.spare(sum(map(len, data.values())))
    return data


def _parse_table(name: str, body: layout.Body) -> dict[str, Any]:
    """One table's JSON from a file in salesflow's layout, checked as `_load_data` checks it."""
    try:
        with collector.paused():
            table = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise _invalid_table(name, exc) from None
    if not isinstance(table, dict):
        raise _Damaged(" is not a salesflow data file (wrong shape)")
    _check_table(name, table)
    collector.spare(len(table))
    return _in_id_order(table)


def _invalid_table(name: str, error: orjson.JSONDecodeError) -> _Damaged:
    return _Damaged(f" is not valid JSON (table {name!r}: {error})")


def _check_table(name: str, table: dict[str, Any]) -> None:
    # Written for speed (a big file's tables have 100k documents): the loops run in C.
    if not set(map(type, table.values())) <= {dict}:
        raise _Damaged(f": table {name!r} holds a non-record")
    ids = "".join(table)
    if table and not (all(table) and ids.isascii() and ids.isdigit()):
        raise _Damaged(f": table {name!r} has a non-numeric id")


def _in_id_order(table: dict[str, Any]) -> dict[str, Any]:
    """The table with its documents in ascending id order, as TinyDB adds them; a hand edit may
    have moved them. Kept in order, the last document of a stored table has the largest id,
    which is what adding documents to a table never parsed relies on (`layout.last_id`)."""
    ids = list(map(int, table))
    if all(map(int.__lt__, ids, ids[1:])):
        return table
    return {doc_id: table[doc_id] for doc_id in sorted(table, key=int)}


def _check_meta(data: dict[str, dict[str, Any]]) -> None:
    meta = data.get(META_TABLE, {}).get(str(META_DOC_ID), {})
    counters, config = meta.get("counters", {}), meta.get("config", {})
    if not (
        isinstance(counters, dict)
        and all(type(value) is int for value in counters.values())
        and isinstance(config, dict)
    ):
        raise _Damaged(f": {META_TABLE} counters or config are damaged")
    schema = schema_of(data)
    if type(schema) is not int or schema < 1:
        raise _Damaged(f": {META_TABLE} schema {schema!r} is not a schema version")
    if schema > SCHEMA_VERSION:
        raise _Damaged(
            f" has schema version {schema}, newer than this salesflow understands "
            f"({SCHEMA_VERSION})",
            "upgrade salesflow, or restore a backup",
        )


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
    """Where a session stood: its undo journal's length and the appended documents per table.
    Taking one and rolling back to it cost what changed since, not what the session holds, so a
    batch stays linear in its numbers. Every change a session makes is journaled (`put`,
    `remove`, `next_numbers`, `set_config`) or appended (`add_docs`, `add_events`)."""

    journal: int
    new: dict[str, int]
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
        self._journal: list[Callable[[], None]] | None = None
        """Undo steps of `put` and `remove`, kept from the first savepoint on."""
        self._counters_read: dict[str, Any] = {}
        self.today: Callable[[], date] | None = None  # the shell's today, for short numbers

    # -- raw access -------------------------------------------------------------------------

    def table_names(self) -> list[str]:
        """Every table in the file, salesflow's or not (for integrity checks)."""
        return self._storage.names()

    def raw(self, table: str) -> dict[str, dict[str, Any]]:
        """The stored documents of a table (read-only use), without validation."""
        return self._storage.table(table)

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

    def scan(self, model: type[Record]) -> Iterator[dict[str, Any]]:
        """The stored documents of a record type, unvalidated, like `docs`; a table not parsed yet
        is read a part at a time and not kept (a bulk import's duplicate check on a big file)."""
        self._require_clean(model)
        for part in self._storage.scan(model.table):
            yield from part.values()

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

    def full_number(self, model: type[Record], typed: str) -> str:
        """`typed` with a number typed short (`2` for `L-0002`) written out; see
        `numbering.full_number` (invoices: the year of `self.today`)."""
        if not typed.strip().isdigit() or not model.prefix:
            return typed
        year = self.today().year if self.today is not None else None
        keys = self._key_index(model.table) if model.prefix == "INV" else ()
        return full_number(model.prefix, typed, keys, year)

    def find(self, model: type[R], key: str) -> R | None:
        """The record with business number (or SKU, or `QUO-0001#2`) `key`, any case; or None."""
        key = self.full_number(model, key)
        pending = self._pending.get(model.table, {}).get(key.upper())
        if pending is not None:
            return pending  # type: ignore[return-value]
        doc_id = self._key_index(model.table).get(key.upper())
        if doc_id is None or doc_id in self._removed.get(model.table, ()):
            return None
        return self._load(model, self.raw(model.table)[doc_id])

    def get(self, model: type[R], key: str) -> R:
        key = self.full_number(model, key)
        found = self.find(model, key)
        if found is None:
            raise NotFound(f"{_label(model)} {key} not found")
        return found

    def all(
        self,
        model: type[R],
        where: Match | Callable[[dict[str, Any]], bool] | None = None,
    ) -> list[R]:
        """Every record of a type (pending changes included) that `where` wants."""
        if isinstance(where, Match):
            where = where.matches
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

    def group_by(
        self, model: type[R], field: str, key: Callable[[Any], str]
    ) -> Callable[[str], list[R]]:
        """All records by `key(field value)`, for a batch's lookups: the stored documents are
        grouped once (not scanned per number); a lookup loads its group's records as they are
        now. Records put into a group after the call are not in it."""
        key_of = _raw_key_function(model)
        groups: dict[str, list[str]] = {}
        removed = self._removed.get(model.table, set())
        for doc_id, doc in self.raw(model.table).items():
            if doc_id not in removed and (k := key(doc.get(field))):
                groups.setdefault(k, []).append(key_of(doc).upper())
        for record in self._pending.get(model.table, {}).values():
            k = key(getattr(record, field, None))
            if k and record.key.upper() not in groups.get(k, ()):
                groups.setdefault(k, []).append(record.key.upper())

        def lookup(value: str) -> list[R]:
            found = (self.find(model, number) for number in groups.get(value, ()))
            return [record for record in found if record is not None]

        return lookup

    def list_records(self, model: type[R], listing: Listing) -> list[R]:
        """The records a list command shows, filtered on their stored form before any is built
        (see the contract); this session's changes must be committed first."""
        from salesflow.pipeline.listing import select

        kept = select(
            self.docs(model),
            listing.query,
            listing.spec,
            status_of=listing.status_of,
            extra_text=listing.extra_text,
            source_of=listing.source_of,
        )
        return [self._load(model, doc) for doc in kept]

    def revisions(self, quote: str) -> list[Record]:
        from salesflow.models import Quote

        return list(self.all(Quote, Match.where(number=quote)))

    def quotes_of(self, opportunity: str) -> list[Record]:
        from salesflow.models import Quote

        return list(self.all(Quote, Match.where(opportunity=opportunity)))

    def emails_and_names(
        self,
    ) -> Iterator[tuple[str, str, str | None, str | None, str | None, str | None]]:
        """See the contract: contacts first, then leads; a table not parsed yet is read a part
        at a time and not kept."""
        from salesflow.models import Contact, Lead

        for kind, model in (("contact", Contact), ("lead", Lead)):
            for doc in self.scan(model):
                get = doc.get
                yield (
                    kind,
                    doc["number"],
                    get("email"),
                    get("first_name"),
                    get("last_name"),
                    get("company"),
                )

    def stored(self, model: type[Record]) -> Iterator[Stored]:
        """Every record of a type in its stored form (this session's changes committed)."""
        return iter(self.docs(model))

    def add_stored(self, model: type[Record], stored: Sequence[Stored]) -> None:
        """See `add_docs`."""
        self.add_docs(model, [dict(doc) for doc in stored])

    def count(self, model: type[Record], where: Match | None = None) -> int:
        """How many records of a type there are, this session's changes included."""
        if where is not None:
            return len(self.all(model, where))
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
            key = record.key.upper()
            self._remember(self._pending, record.table, key)
            self._pending.setdefault(record.table, {})[key] = record

    def remove(self, record: Record) -> None:
        self._require_writable()
        key = record.key.upper()
        if key in self._pending.get(record.table, {}):
            self._remember(self._pending, record.table, key)
            del self._pending[record.table][key]
        doc_id = self._key_index(record.table).get(key)
        if doc_id is not None:
            self._remember(self._removed, record.table, doc_id)
            self._removed.setdefault(record.table, set()).add(doc_id)

    def _remember(self, tables: dict[str, Any], table: str, key: str) -> None:
        """Journal how to put entry `key` of `tables[table]` back as it is (after a savepoint):
        a record of `_pending`, a doc id of `_removed`, a counter or setting of `_meta`."""
        if self._journal is None:
            return
        entries = tables.get(table)
        if entries is None:
            self._journal.append(lambda: tables.pop(table, None))
        elif isinstance(entries, set):
            present = key in entries
            self._journal.append(lambda: entries.add(key) if present else entries.discard(key))
        elif key in entries:
            previous = entries[key]
            self._journal.append(lambda: entries.__setitem__(key, previous))
        else:
            self._journal.append(lambda: entries.pop(key, None))

    def add_docs(self, model: type[Record], docs: list[dict[str, Any]]) -> None:
        """New records already in stored form (a bulk import), added with one insert_multiple.

        They are not visible to `get`/`all` in this session.
        """
        self._require_writable()
        self._new.setdefault(model.table, []).extend(docs)

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

    @property
    def file_schema(self) -> int:
        """The schema version of the file as stored (reads see it upgraded to SCHEMA_VERSION)."""
        self._storage.read()
        return self._storage.backend.file_schema

    def meta(self) -> dict[str, Any]:
        if self._meta is None:
            stored = self.raw(META_TABLE).get(str(META_DOC_ID))
            self._meta = orjson.loads(orjson.dumps(stored)) if stored else new_meta()
            self._meta.setdefault("counters", {})
            self._meta.setdefault("config", {})
            self._counters_read = dict(self._meta["counters"])
        return self._meta

    def counter(self, series: str) -> int:
        """The last number handed out in a series (0 when none)."""
        return int(self.meta()["counters"].get(series, 0))

    def counters(self) -> dict[str, int]:
        """Every series' last number handed out (see the contract)."""
        return {str(series): int(value) for series, value in self.meta()["counters"].items()}

    def next_numbers(self, series: str, count: int = 1) -> list[int]:
        """Reserve the next `count` numbers of a series; they are never handed out again."""
        self._require_writable()
        last = self.counter(series)
        self._remember(self.meta(), "counters", series)
        self.meta()["counters"][series] = last + count
        self._meta_dirty = True
        return list(range(last + 1, last + count + 1))

    def config(self) -> dict[str, Any]:
        return dict(self.meta()["config"])

    def set_config(self, values: dict[str, Any]) -> None:
        self._require_writable()
        for name in values:
            self._remember(self.meta(), "config", name)
        self.meta()["config"].update(values)
        self._meta_dirty = True

    # -- commit ---------------------------------------------------------------------------------

    def _require_writable(self) -> None:
        if not self.writable:
            raise RuntimeError("this command opened the data file read-only")

    def savepoint(self) -> Savepoint:
        """A mark to roll this session's unsaved changes back to (batch commands, --keep-going).

        Marks are a stack: rolling back to one forgets the marks taken after it.
        """
        if self._journal is None:
            self._journal = []
        return Savepoint(
            journal=len(self._journal),
            new={table: len(docs) for table, docs in self._new.items()},
            meta_dirty=self._meta_dirty,
        )

    def rollback(self, mark: Savepoint) -> None:
        """Forget every change made since `mark`, numbers handed out included."""
        journal = self._journal if self._journal is not None else []
        while len(journal) > mark.journal:
            journal.pop()()
        for table in list(self._new):
            kept = mark.new.get(table, 0)
            if kept:
                del self._new[table][kept:]
            else:
                del self._new[table]
        self._meta_dirty = mark.meta_dirty

    def verify(self, provenance: str) -> dict[str, dict[str, int]]:
        """Check the file as read before this session's changes are written (see
        `UnitOfWorkStorage.verify`), and that no number counter is behind a number in use: a
        new number would overwrite that record. Returns the highest numbers per table."""
        highest = self._storage.verify(provenance)
        self.meta()
        counters = {str(k).upper(): v for k, v in self._counters_read.items()}
        for table in sorted(highest):
            for series, number in sorted(highest[table].items()):
                counter = counters.get(series, 0)
                if counter < number:
                    raise StoreError(
                        f"data file {self.path}: counter {series} is at {counter} but "
                        f"{format_number(series, number)} is in use, so a new number could "
                        "overwrite that record; nothing was written. `salesflow doctor` lists "
                        "the counters behind"
                    )
        return highest

    def highest_after(self, highest: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        """`highest` with the numbers this session handed out."""
        result = {table: dict(found) for table, found in highest.items()}
        read = {str(k).upper(): v for k, v in self._counters_read.items()}
        for series, counter in self.meta()["counters"].items():
            series = str(series).upper()
            if type(counter) is not int or counter <= read.get(series, 0):
                continue
            model = _model_of_series(series)
            if model is not None:
                found = result.setdefault(model.table, {})
                found[series] = max(found.get(series, 0), counter)
        return result

    @property
    def changed(self) -> bool:
        return bool(
            any(self._pending.values())
            or any(self._new.values())
            or any(self._removed.values())
            or self._meta_dirty
        )

    def flush(self) -> None:
        """Apply this session's changes to the in-memory TinyDB tables (one update per table)."""
        if self._storage.read() is None:
            self._storage.write({})
        for table_name in sorted({*self._pending, *self._removed}):
            self._storage.table(table_name)  # TinyDB sees parsed tables only
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
            if not self._storage.append(table_name, docs):
                self._storage.table(table_name)
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
        self._journal = None
        self._index.clear()
        self._meta_dirty = False


def _model_of_series(series: str) -> type[Record] | None:
    """The record type numbered in a series (`L`, `INV-2026`); None for other counters."""
    for model in RECORD_TYPES:
        if model.prefix and (series == model.prefix or series.startswith(model.prefix + "-")):
            return model
    return None


def _replace_whole(new: dict[str, Any]) -> Callable[[MutableMapping[Any, Any]], None]:
    def apply(doc: MutableMapping[Any, Any]) -> None:
        doc.clear()
        doc.update(new)

    return apply


def _replace_with(
    updates: dict[str, dict[str, Any]],
) -> Callable[[MutableMapping[Any, Any]], None]:
    """A TinyDB update function replacing each document by its new version, found by key."""
    pending = {_doc_identity(doc): doc for doc in updates.values()}

    def apply(doc: MutableMapping[Any, Any]) -> None:
        new = pending[_doc_identity(doc)]
        doc.clear()
        doc.update(new)

    return apply


def _doc_identity(doc: Mapping[str, Any]) -> str:
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


DEFAULT_LOCK_TIMEOUT = 10.0


class Store:
    """The data file at `path`; open a read or write session per command."""

    def __init__(self, path: Path, *, lock_timeout: float | None = None) -> None:
        self.path = _followed(path)
        self.lock_timeout = lock_timeout
        self.versions = Versions(self.path)
        self._lock: Lock | None = None

    def location(self) -> str:
        """The data file, as `info` and messages name it."""
        return str(self.path)

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

    def run_writing(self, command: Callable[[Session], T]) -> T:
        """`command` in a writing session (see the contract: the file's lock means it never has
        to run again)."""
        with self.writing() as session:
            return command(session)

    @contextlib.contextmanager
    def writing(self) -> Iterator[Session]:
        """A locked read-modify-write session, committed in one atomic write if no exception.

        Before the write every table written back is checked (`Session.verify`), and the file
        as it was is kept in the history, with this run's command line.
        """
        with self._locked():
            backend = AtomicJSONStorage(self.path)
            storage = UnitOfWorkStorage(backend)
            session = Session(self.path, storage, writable=True)
            session.raw(META_TABLE)
            keep = _history_keep(session.config())
            if keep > 0:
                digest_soon(backend.raw)  # for the history, made while the command works
            self.versions.tidy(backend.raw, unlanded=False)
            if keep == 0 or not self.versions.has_entries():
                storage.start_checksums()
            yield session
            if session.changed:
                self.versions.forget_unlanded(backend.raw)
                highest = session.verify(self._provenance(backend.raw, keep, storage))
                session.flush()
                self._commit(
                    backend.raw,
                    storage.serialized(session.highest_after(highest)),
                    kind=COMMAND,
                    keep=_history_keep(session.config()),
                    migrated_from=(
                        backend.file_schema if backend.file_schema < SCHEMA_VERSION else None
                    ),
                    identity=backend.identity,
                )

    def _provenance(self, raw: bytes | None, keep: int, storage: UnitOfWorkStorage) -> str:
        """What is known of the file as read: TRUSTED when the history says it is what salesflow
        wrote last (and that write recorded every table), CHANGED when it is not, UNKNOWN
        without a history."""
        if raw is None:
            return TRUSTED
        last = self.versions.last_entry() if keep > 0 else None
        if last is None:
            return UNKNOWN
        recorded = all(storage.recorded(n) is not None for n in storage.names() if n != META_TABLE)
        return TRUSTED if recorded and digest(raw) == last.after else CHANGED

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the lock on `<data file>.lock` (see `salesflow.store.locking`), waiting at most the
        lock timeout: `$SALESFLOW_LOCK_TIMEOUT` when given, else the file's `lock_timeout`
        setting (read only when someone else holds the lock), else 10 s."""
        try:
            make_private_folders(self.path.parent)
        except OSError as exc:
            raise StoreError(
                f"cannot create the folder of data file {self.path}: {_why(exc)} "
                f"({exc.filename or self.path.parent}); nothing was written"
            ) from None
        lock = Lock(self.lock_path)
        timeout = self.lock_timeout
        waited = [timeout]

        def configured() -> float:
            seconds = self._configured_lock_timeout()
            waited[0] = seconds
            return seconds

        try:
            lock.acquire(timeout or 0, then=configured if timeout is None else None)
        except Busy:
            raise self._lock_timeout(waited[0] or 0) from None
        except OSError as exc:
            raise StoreError(
                f"cannot lock data file {self.path}: {_why(exc)} ({exc.filename or self.lock_path})"
                "; nothing was written"
            ) from None
        self._lock = lock
        try:
            remove_temp_files(self.path)
            yield
        finally:
            self._lock = None
            lock.release()

    def _lock_timeout(self, timeout: float) -> LockTimeout:
        return LockTimeout(
            f"data file {self.path} is in use by another salesflow process (waited {timeout:g} "
            "s); try again when it has finished, or raise $SALESFLOW_LOCK_TIMEOUT"
        )

    def _configured_lock_timeout(self) -> float:
        """The `lock_timeout` setting of the file (a lock-free read, as readers do), else 10 s."""
        try:
            meta = UnitOfWorkStorage(AtomicJSONStorage(self.path)).table(META_TABLE)
            config = meta.get(str(META_DOC_ID), {}).get("config", {})
            found = checked_timeout(float(config.get("lock_timeout", DEFAULT_LOCK_TIMEOUT)))
            return DEFAULT_LOCK_TIMEOUT if found is None else found
        except (SalesflowError, ValueError, TypeError, AttributeError, OverflowError):
            return DEFAULT_LOCK_TIMEOUT

    def _still_ours(self, identity: tuple[int, ...] | None) -> None:
        """Before the replace: the lock file is still the one locked, and the data file still the
        one read (`identity`); otherwise another writer may have got in, and nothing is written."""
        if self._lock is None:
            return
        try:
            self._lock.check()
        except Lost:
            raise _Overtaken(
                f"the lock file of data file {self.path} was removed or replaced while this "
                "command held it"
            ) from None
        if identity is not None and _identity_of(self.path) != identity:
            raise _Overtaken(f"data file {self.path} was replaced while this command ran")

    def _commit(
        self,
        previous: bytes | None,
        new: Content | None,
        *,
        kind: str,
        keep: int,
        target: int | None = None,
        subject: str | None = None,
        migrated_from: int | None = None,
        identity: tuple[int, ...] | None = None,
    ) -> None:
        """Keep `previous` in the history, then replace the file with `new` (None: remove it).

        Nothing is written when the bytes would not change. The lock must be held.
        """
        unchanged = (
            new is None if previous is None else (new is not None and same_content(new, previous))
        )
        if unchanged and kind == COMMAND:
            return
        checkpoint("commit")

        def keep_previous() -> None:
            """Keep the file as it is and the command replacing it (before the replace)."""
            self._still_ours(identity)
            if keep > 0:
                try:
                    self.versions.record(
                        kind=kind,
                        argv=command_line(),
                        at=datetime.now().astimezone().isoformat(timespec="seconds"),
                        previous=previous,
                        new=new,
                        target=target,
                        subject=subject,
                        migrated_from=migrated_from,
                    )
                except OSError as exc:
                    raise _NotKept(exc) from None
            _pause_for_tests()
            self._still_ours(identity)

        try:
            if new is None:
                keep_previous()
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()
                sync_directory(self.path.parent)
            else:
                if keep > 0:
                    digest_soon(new)  # made while the new version is written
                atomic_write_bytes(self.path, new, before_replace=keep_previous)
        except _Overtaken as overtaken:
            raise StoreError(
                f"{overtaken}; nothing was written. Run the command again", exit_code=4
            ) from None
        except _NotKept as failed:
            exc = failed.error
            raise StoreError(
                f"cannot keep the previous version of data file {self.path} in "
                f"{self.versions.directory} ({exc.strerror or exc}); nothing was written. "
                "Fix that folder, or turn the history off with "
                "`salesflow config set history_keep 0`"
            ) from None
        except OSError as exc:
            raise StoreError(
                f"cannot write data file {self.path} ({exc.strerror or exc}); it is unchanged"
            ) from None
        with contextlib.suppress(OSError):
            self.versions.prune(keep)
        checkpoint("committed")

    # -- undo, redo, history, backup ------------------------------------------------------------

    def history(self) -> History:
        """The kept versions and what undo and redo would do now (read-only, no lock)."""
        entries = self.versions.live_entries(_read_bytes(self.path))
        return History(self.versions.directory, entries, plan(entries))

    def undo(self) -> Restored:
        """Restore the version before the latest command not undone yet (an undoable write).

        Raises Refused when the history holds nothing to undo.
        """
        return self._restore(UNDO)

    def redo(self) -> Restored:
        """Take back the latest undo, unless a command changed the file since (Refused)."""
        return self._restore(REDO)

    def _restore(self, kind: str) -> Restored:
        with self._locked():
            current, identity = _read(self.path)
            self.versions.tidy(current)
            entries = self.versions.entries()
            now = plan(entries)
            target = now.undo if kind == UNDO else now.redo
            if target is None:
                raise Refused(self._nothing_to(kind, entries))
            first, skipped, kept = target, [], entries
            while True:
                restored = self.versions.before_version(target)
                try:
                    data = _load_data(restored) if restored is not None else {}
                    break
                except _Damaged as damage:
                    # An undo goes one more command back, past the damaged version.
                    entries = [*entries, replace(target, seq=1 << 62, kind=UNDO, target=target.seq)]
                    earlier = plan(entries).undo
                    if kind == REDO or earlier is None:
                        raise StoreError(
                            f"cannot {kind}: the version it would restore "
                            f"({self.versions.before_path(target)}){damage.problem}; it stays "
                            "in the history for inspection"
                        ) from None
                    skipped.append(target)
                    target = earlier
            outside = bool(kept) and kept[-1].after != digest(current)
            self._commit(
                current,
                restored,
                kind=kind,
                keep=max(_history_keep(_config_of(data)), 1),
                target=target.seq,
                subject=first.change,
                identity=identity,
            )
            also = (*skipped[1:], target) if skipped else ()
            return Restored(first, outside, restored is None, also)

    def _nothing_to(self, kind: str, entries: list[Entry]) -> str:
        if kind == REDO:
            return (
                f"nothing to redo in {self.versions.directory}: no undo since the last "
                "command that changed the data file"
            )
        if entries:
            return (
                f"nothing to undo: the oldest command kept in {self.versions.directory} "
                "is undone already (history_keep sets how many are kept)"
            )
        return f"nothing to undo: {self.versions.directory} holds no earlier version of {self.path}"

    def restore(self, source: Path, raw: bytes) -> None:
        """Replace the data file with `raw`, a backup read from `source`, under the lock; the
        version it replaces is kept in the history (even when the history is off), so that
        `undo` takes the restore back. InvalidValue when `raw` is no readable data file."""
        try:
            _load_data(raw)
        except _Damaged as damage:
            raise InvalidValue(
                f"backup {source}{damage.problem}; the data file is unchanged"
            ) from None
        with self._locked():
            current, identity = _read(self.path)
            self.versions.tidy(current)
            try:
                meta = UnitOfWorkStorage(AtomicJSONStorage(self.path)).table(META_TABLE)
                keep = _history_keep(_config_of({META_TABLE: meta}))
            except SalesflowError:  # a damaged data file is what a restore is for
                keep = HISTORY_KEEP
            self._commit(current, raw, kind=COMMAND, keep=max(keep, 1), identity=identity)

    def duplicate_keys(self) -> list[tuple[str, str]]:
        """(table, key) for every key that appears twice in one JSON object of the file (a table
        name twice is ("", name)): what doctor lists when the file is refused for them."""
        import json

        raw = _read_bytes(self.path)
        if raw is None:
            return []
        found: list[tuple[str, str]] = []

        def collect(where: str) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
            def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
                keys = [key for key, _ in pairs]
                found.extend((where, key) for key in sorted(set(keys)) if keys.count(key) > 1)
                return dict(pairs)

            return hook

        parts = layout.split(raw)
        with contextlib.suppress(ValueError):
            if parts is None:
                json.loads(raw, object_pairs_hook=collect(""))
            else:
                for name, body in parts.items():
                    json.loads(bytes(body), object_pairs_hook=collect(name))
        return found

    def snapshot(self) -> bytes:
        """The data file's bytes from one read, checked to be a readable data file."""
        raw = _read_bytes(self.path)
        if raw is None:
            raise NotFound(f"data file {self.path} does not exist yet; nothing to back up")
        _parse(self.path, raw)
        return raw


@dataclass(frozen=True)
class History:
    directory: Path
    entries: list[Entry]
    plan: Plan


@dataclass(frozen=True)
class Restored:
    """What undo or redo did: the entry it went back before (undo) or took back (redo)."""

    entry: Entry
    changed_outside: bool
    removed_file: bool
    also_undone: tuple[Entry, ...] = ()
    """Earlier commands undone with it, as the versions between them are damaged."""


def _config_of(data: dict[str, dict[str, Any]]) -> dict[str, Any]:
    meta = data.get(META_TABLE, {}).get(str(META_DOC_ID), {})
    config = meta.get("config", {})
    return config if isinstance(config, dict) else {}


def _history_keep(config: Mapping[str, Any]) -> int:
    keep = config.get("history_keep", HISTORY_KEEP)
    return keep if type(keep) is int and keep >= 0 else HISTORY_KEEP


def open_backend(
    target: str | Path, *, lock_timeout: float | None = None
) -> Store | PostgresBackend:
    """The backend `target` names: a `postgresql://` URL is a team database (psycopg is imported
    only then), anything else a data file's path."""
    if isinstance(target, str):
        from salesflow.store.postgres.urls import is_database_url

        if is_database_url(target):
            from salesflow.store.postgres import PostgresBackend

            return PostgresBackend(target, lock_timeout=lock_timeout)
    return Store(Path(target), lock_timeout=lock_timeout)
