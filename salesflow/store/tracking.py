"""Change tracking: the file's tables in memory for one unit of work, and what it changed.

`AtomicJSONStorage` reads the data file (parsing only `_meta` of a file in salesflow's layout)
and `UnitOfWorkStorage` holds its tables for one command: a table is parsed when first asked
for, documents added to a table never parsed are appended after its end, and only the commit
writes. `Changes` is what a `Session` changed and has not committed yet, with the journal its
savepoints roll back to.
"""

from __future__ import annotations

import os
import stat
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from salesflow.errors import StoreError
from salesflow.files import atomic_write_bytes
from salesflow.models import META_DOC_ID, META_TABLE, TYPES_BY_TABLE, Record
from salesflow.pipeline.agenda_index import ACTIVITIES, FORM_STAMP, INDEX_FORM, SOURCES, Entry
from salesflow.pipeline.agenda_index import INDEX_STAMP as AGENDA_STAMP
from salesflow.pipeline.agenda_index import INDEX_TABLE as AGENDA_TABLE
from salesflow.store import layout
from salesflow.store.damage import (
    COUNTED,
    TABLES_KEY,
    TRUSTED,
    UNKNOWN,
    Checksums,
    Damaged,
    check_meta,
    check_table,
    check_unique,
    crc_without_brace,
    highest_numbers,
    invalid_table,
    parse,
    parse_table,
    store_error,
    table_info,
)
from salesflow.store.migrations import SCHEMA_VERSION, new_meta, schema_of, upgrade


def identity_of(path: Path) -> tuple[int, ...] | None:
    """What tells one version of a file from the next: it is replaced, never rewritten."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns)


def read_bytes(path: Path) -> bytes | None:
    return read_file(path)[0]


def read_file(path: Path) -> tuple[bytes | None, tuple[int, ...] | None]:
    """The file's bytes and identity (see `identity_of`), from one open; (None, None) when
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
        self.raw, self.identity = read_file(self.path)
        if self.raw is None:
            return None
        parts = layout.split(self.raw)
        if parts is None or META_TABLE not in parts:
            data = parse(self.path, self.raw)
            self.file_schema = schema_of(data)
            return (upgrade(data) if self.file_schema < SCHEMA_VERSION else data), {}
        try:
            meta = parse_table(META_TABLE, parts[META_TABLE])
            check_meta({META_TABLE: meta})
        except Damaged as damage:
            raise store_error(self.path, damage) from None
        self.file_schema = schema_of({META_TABLE: meta})
        if self.file_schema < SCHEMA_VERSION:
            data = parse(self.path, self.raw)
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
        self._checksums: Checksums | None = None
        self._agenda_current = False
        self._bodies: dict[str, memoryview] = {}  # each table's JSON as read (views of the file)
        self._read_names: frozenset[str] = frozenset()  # the tables the file had as read
        self._trusted = False  # `verify` was told the file is byte for byte salesflow's last
        self._sums: dict[str, int] = {}  # the checksums `verify` made of tables as read
        self.loaded = False

    def trust_as_written(self) -> None:
        """The file as read is byte for byte what salesflow wrote last (its identity is the one
        the last write noted: `Versions.written_identity`), so each table's bytes are what
        `_meta` recorded: the agenda index's stamps are compared without checksumming the
        tables again."""
        self._trusted = True

    def read(self) -> dict[str, dict[str, Any]] | None:
        if not self.loaded:
            found = self.backend.load()
            if found is not None:
                self._data, self._unparsed = found
                self._order = [*self._data, *self._unparsed]
                self._sizes = {name: len(body) for name, body in self._unparsed.items()}
                self._bodies = dict(self._unparsed)
                self._read_names = frozenset(self._order)
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
                parsed = parse_table(name, body)
                info = self.recorded(name)
                if not (info and info["size"] == len(body) and info["count"] == len(parsed)):
                    check_unique(name, body, parsed)
            except Damaged as damage:
                raise store_error(self.backend.path, damage) from None
            appended = self._appended.pop(name, [])
            if appended:
                parsed.update(orjson.loads(b"{" + b",".join(appended) + b"}"))
            assert data is not None
            data[name] = parsed
            del self._unparsed[name]
        return data.get(name, {}) if data is not None else {}

    def lookup(self, name: str, field: str, value: str) -> tuple[str, dict[str, Any]] | None:
        """(id, document) of the document of a table never parsed whose key `field` is `value`,
        found in its JSON without parsing the table (`layout.find_document`): `lead show` at 100k
        leads reads one lead, not 100k. None when this cannot tell: the table is parsed already or
        added to, the last write did not record it as it is now (a hand edit: parsing checks it),
        or no document starts with that key; then ask `table`."""
        self.read()
        body = self._unparsed.get(name)
        if body is None or name in self._appended:
            return None
        info = self.recorded(name)
        if info is None or info["size"] != len(body):
            return None
        found = layout.find_document(body, field, value)
        if found is None:
            return None
        doc_id, doc = found
        try:
            check_table(name, {doc_id: doc})
        except Damaged:
            return None
        return doc_id, doc

    def stored_count(self, name: str) -> int | None:
        """How many documents a table never parsed holds, as the last write recorded it in
        `_meta`, without parsing the table; None when that cannot tell: the table is parsed or
        added to, or the last write did not record it as it is now (a hand edit)."""
        self.read()
        body = self._unparsed.get(name)
        if body is None or name in self._appended:
            return None
        info = self.recorded(name)
        if info is None or info["size"] != len(body) or info.get(COUNTED) is not True:
            return None
        return int(info["count"])

    def first(self, name: str, count: int) -> list[dict[str, Any]]:
        """A table's first `count` documents in stored order; one never parsed (nor added to)
        is read from its start a few documents at a time (`layout.parts`), the rest of its JSON
        left unparsed: a terminal's screenful of 100k leads reads 50 of them."""
        if count <= 0:
            return []
        body = self._unparsed.get(name)
        if body is None or name in self._appended:
            return list(islice(self.table(name).values(), count))
        info = self.recorded(name)
        average = len(body) // info["count"] if info and info["count"] > 0 else 1024
        docs: list[dict[str, Any]] = []
        try:
            for part in layout.parts(body, size=max(1, count * average)):
                check_table(name, part)
                docs.extend(islice(part.values(), count - len(docs)))
                if len(docs) == count:
                    break
        except orjson.JSONDecodeError as exc:
            raise store_error(self.backend.path, invalid_table(name, exc)) from None
        except Damaged as damage:
            raise store_error(self.backend.path, damage) from None
        return docs

    def scan(self, name: str) -> Iterator[dict[str, Any]]:
        """A table's documents by id, in parts: one never parsed is read a part at a time and
        not kept."""
        body = self._unparsed.get(name)
        if body is None or name in self._appended:
            yield self.table(name)
            return
        try:
            for part in layout.parts(body):
                check_table(name, part)
                yield part
        except orjson.JSONDecodeError as exc:
            raise store_error(self.backend.path, invalid_table(name, exc)) from None
        except Damaged as damage:
            raise store_error(self.backend.path, damage) from None

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

    # -- the agenda index ---------------------------------------------------------------------

    def agenda_sections(self) -> dict[str, Any]:
        """The sections of the agenda index (`pipeline.agenda.SOURCES`) that were derived from
        their tables as read (`AGENDA_STAMP`), as stored; an empty one for a table the file does
        not have. A section missing here is missing or stale and has to be derived again."""
        names = self.names()
        found: dict[str, Any] = {table: {} for table in SOURCES if table not in names}
        current = [table for table in SOURCES if table in names and self._section_current(table)]
        if not current or AGENDA_TABLE not in names:
            return found
        try:
            index = self.table(AGENDA_TABLE).get("1")
        except StoreError:
            return found
        if isinstance(index, dict):
            found.update({t: index[t] for t in current if isinstance(index.get(t), dict)})
        return found

    def _section_current(self, table: str) -> bool:
        """Whether `_meta` says the index's section of `table` was derived from the table as
        read, in this version's form of entries (`INDEX_FORM`), and the table's bytes as read are
        the ones `_meta` recorded (their checksum is made here unless a write's `verify` knows
        them: a hand edit may keep a table's size)."""
        data = self._data or {}
        meta = data.get(META_TABLE, {}).get(META_DOC_ID)
        stamps = meta.get(AGENDA_STAMP) if isinstance(meta, dict) else None
        info = self.recorded(table)
        if (
            not isinstance(stamps, dict)
            or stamps.get(FORM_STAMP) != INDEX_FORM
            or info is None
            or stamps.get(table) != {"size": info["size"], "crc32": info["crc32"]}
            or self._sizes.get(table) != info["size"]
        ):
            return False
        if self._trusted:  # as salesflow wrote it last: its bytes are what `_meta` recorded
            return True
        crc = self._sums.get(table)
        if crc is None:
            body = self._bodies.get(table)
            crc = crc_without_brace([body]) if body is not None else None
        return crc == info["crc32"]

    def derive_agenda_index(
        self,
        changed: set[str],
        updates: dict[str, dict[str, Entry | None]],
        derive: Callable[[str], dict[str, Any]],
    ) -> None:
        """Before a write, after the session's changes are in the tables: bring the agenda index
        up to date. A section missing or stale as read, and the activities' section when
        activities changed (`changed`), is derived again from its table (`derive`); a deal's or
        the leads' section current as read, or of a table this write made, takes `updates` (an
        entry by key, None to drop one). `serialized` then stamps every section with its table as
        written."""
        names = self.names()
        present = [table for table in SOURCES if table in names]
        # a table this write made has no entry but those of its records, all in `updates`
        made = {table for table in present if table not in self._read_names}
        current = {table for table in present if table in made or self._section_current(table)}
        stale = [table for table in present if table not in current]
        if stale or ACTIVITIES in changed or any(updates.get(t) for t in present):
            index: dict[str, Any] = {}
            if AGENDA_TABLE in names:
                try:
                    found = self.table(AGENDA_TABLE).get("1")
                except StoreError:
                    found = None
                index = dict(found) if isinstance(found, dict) else {}
            for table in present:
                section = {} if table in made else index.get(table)
                if (
                    table not in current
                    or not isinstance(section, dict)
                    or (table == ACTIVITIES and table in changed)
                ):
                    index[table] = derive(table)
                elif updates.get(table) or table in made:
                    section = dict(section)
                    for key, entry in updates.get(table, {}).items():
                        if entry is None:
                            section.pop(key, None)
                        else:
                            section[key] = entry
                    index[table] = section
            self.read()
            assert self._data is not None
            self._unparsed.pop(AGENDA_TABLE, None)
            self._appended.pop(AGENDA_TABLE, None)
            self._data[AGENDA_TABLE] = {"1": {t: index[t] for t in present}}
        self._agenda_current = True

    # -- checks of the tables written back -------------------------------------------------------

    def recorded(self, name: str) -> dict[str, Any] | None:
        """What the last write recorded in `_meta` about a table (its size, documents, checksum
        and highest numbers), or None when nothing usable is recorded."""
        data = self._data or {}
        meta = data.get(META_TABLE, {}).get(META_DOC_ID, {})
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
        self._checksums = Checksums(tables)

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
        self._trusted, self._sums = provenance == TRUSTED, sums
        highest: dict[str, dict[str, int]] = {}
        for name in self.names():
            if name == META_TABLE:
                continue
            info = self.recorded(name)
            size = self._sizes.get(name)
            known = (
                info is not None
                and info.get(COUNTED) is True  # else parsed, to record its count
                and (
                    provenance == TRUSTED
                    or (
                        provenance == UNKNOWN
                        and size == info["size"]
                        and sums.get(name) == info["crc32"]
                    )
                )
            )
            if known:
                assert info is not None
                highest[name] = dict(info["highest"])
            else:
                highest[name] = highest_numbers(name, self.table(name))
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
            if name in self._unparsed and info is not None and info.get(COUNTED) is True:
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
                made = self._unparsed.get(name)
                if made is None:
                    count = len(data.get(name, {}))
                else:  # a table this write made by appending ({} and the documents added)
                    count = (len(orjson.loads(made)) if len(made) > 2 else 0) + (
                        self._appended_count.get(name, 0)
                    )
                crc = crc_without_brace(parts)
            infos[name] = table_info(parts, count, crc, highest.get(name, {}))
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
        meta = data.get(META_TABLE, {}).get(META_DOC_ID)
        if highest is not None and isinstance(meta, dict):
            meta[TABLES_KEY] = self.stored_infos(bodies, highest)
            infos = meta[TABLES_KEY]
            stamps = index_stamps(infos)
            if self._agenda_current and stamps:
                meta[AGENDA_STAMP] = stamps
            else:
                meta.pop(AGENDA_STAMP, None)
        if META_TABLE in names:
            bodies[META_TABLE] = body(META_TABLE)
        return layout.join_parts((name, bodies[name]) for name in names)


def index_stamps(infos: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """What `_meta` stamps the agenda index with (`AGENDA_STAMP`): the size and checksum of each
    table its sections were derived from, as `infos` (what `_meta` records of the tables
    written) has them, and the form of its entries; empty when there is none of those tables."""
    stamps: dict[str, Any] = {
        table: {"size": infos[table]["size"], "crc32": infos[table]["crc32"]}
        for table in SOURCES
        if table in infos
    }
    return {**stamps, FORM_STAMP: INDEX_FORM} if stamps else {}


def file_bytes(tables: dict[str, dict[str, Any]]) -> bytes:
    """The bytes a write stores for `tables` (`{name: {doc_id: document}}`, `_meta` first), with
    what `_meta` records of each table and the agenda index a write derives; for tools that make
    data files (the benchmarks)."""
    from salesflow.pipeline.agenda_index import section

    index = {
        table: section(
            table,
            tables[table].values(),
            TYPES_BY_TABLE[table].model_validate,  # type: ignore[arg-type]
        )
        for table in SOURCES
        if table in tables
    }
    if index:
        tables = {**tables, AGENDA_TABLE: {"1": index}}
    bodies = {name: [orjson.dumps(t)] for name, t in tables.items() if name != META_TABLE}
    meta = {key: dict(doc) for key, doc in tables.get(META_TABLE, {}).items()}
    infos = meta.setdefault(META_DOC_ID, new_meta())[TABLES_KEY] = {
        name: table_info(
            parts,
            len(tables[name]),
            crc_without_brace(parts),
            highest_numbers(name, tables[name]),
        )
        for name, parts in bodies.items()
    }
    stamps = index_stamps(infos)
    if stamps:
        meta[META_DOC_ID][AGENDA_STAMP] = stamps
    return layout.join([(META_TABLE, orjson.dumps(meta)), *bodies.items()])


@dataclass(frozen=True)
class Savepoint:
    """Where a session stood: its undo journal's length and the appended documents per table.
    Taking one and rolling back to it cost what changed since, not what the session holds, so a
    batch stays linear in its numbers. Every change a session makes is journaled (`put`,
    `remove`, `next_numbers`, `set_config`) or appended (`add_docs`, `add_events`)."""

    journal: int
    new: dict[str, int]
    meta_dirty: bool


class Changes:
    """What a session changed and has not committed yet: records put (by table, then business
    key upper-cased), stored documents removed (by table, their ids), documents appended, and
    whether `_meta` (counters, settings) changed. From the first savepoint on, every `put`,
    `remove`, counter and setting change is journaled with how to take it back."""

    def __init__(self) -> None:
        self.pending: dict[str, dict[str, Record]] = {}
        self.new: dict[str, list[dict[str, Any]]] = {}
        self.removed: dict[str, set[str]] = {}
        self.meta_dirty = False
        self.journal: list[Callable[[], None]] | None = None
        """Undo steps of `put` and `remove`, kept from the first savepoint on."""

    def remember(self, tables: dict[str, Any], table: str, key: str) -> None:
        """Journal how to put entry `key` of `tables[table]` back as it is (after a savepoint):
        a record of `pending`, a doc id of `removed`, a counter or setting of `_meta`."""
        if self.journal is None:
            return
        entries = tables.get(table)
        if entries is None:
            self.journal.append(lambda: tables.pop(table, None))
        elif isinstance(entries, set):
            present = key in entries
            self.journal.append(lambda: entries.add(key) if present else entries.discard(key))
        elif key in entries:
            previous = entries[key]
            self.journal.append(lambda: entries.__setitem__(key, previous))
        else:
            self.journal.append(lambda: entries.pop(key, None))

    def savepoint(self) -> Savepoint:
        """A mark to roll the changes back to; marks are a stack (see `Session.savepoint`)."""
        if self.journal is None:
            self.journal = []
        return Savepoint(
            journal=len(self.journal),
            new={table: len(docs) for table, docs in self.new.items()},
            meta_dirty=self.meta_dirty,
        )

    def rollback(self, mark: Savepoint) -> None:
        """Forget every change made since `mark`."""
        journal = self.journal if self.journal is not None else []
        while len(journal) > mark.journal:
            journal.pop()()
        for table in list(self.new):
            kept = mark.new.get(table, 0)
            if kept:
                del self.new[table][kept:]
            else:
                del self.new[table]
        self.meta_dirty = mark.meta_dirty

    def __bool__(self) -> bool:
        return bool(
            any(self.pending.values())
            or any(self.new.values())
            or any(self.removed.values())
            or self.meta_dirty
        )

    def clear(self) -> None:
        """Forget the changes once they are applied (`Session.flush`)."""
        self.pending.clear()
        self.new.clear()
        self.removed.clear()
        self.journal = None
        self.meta_dirty = False
