"""The file unit of work: one command's view of the data file, implementing
`salesflow.store.contract.UnitOfWork` over TinyDB tables held in memory.

Records go in and out as models keyed by business number; TinyDB document ids never leave this
module. Changes are kept (`salesflow.store.tracking.Changes`) until the store commits them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

import orjson
from tinydb import TinyDB
from tinydb.table import Document

from salesflow.errors import NotFound, SalesflowError, StoreError
from salesflow.models import (
    META_DOC_ID,
    META_TABLE,
    RECORD_TYPES,
    Event,
    Quote,
    Record,
    model_of_series,
)
from salesflow.pipeline.agenda_index import (
    ACTIVITIES,
    DOCUMENT_TABLES,
    ENTRY_TABLES,
    SOURCES,
    Entry,
)
from salesflow.pipeline.numbering import format_number, full_number
from salesflow.store.contract import (
    BuiltOnRead,
    Listing,
    LoadedOnLookup,
    Match,
    Stored,
    build,
    deal_section,
    signed,
)
from salesflow.store.damage import TYPES_BY_TABLE
from salesflow.store.migrations import SCHEMA_VERSION, new_meta
from salesflow.store.tracking import Changes, Savepoint, UnitOfWorkStorage

if TYPE_CHECKING:
    from salesflow.pipeline.agenda import AgendaIndex

R = TypeVar("R", bound=Record)


class InStoredOrder(Sequence[R]):
    """A table's first `len` documents in stored order, built into records as they are read,
    without parsing the table for a slice from the start (`first(n)`: the first n documents);
    anything else asks `whole`, the same list made from the parsed table (and kept)."""

    def __init__(
        self,
        count: int,
        first: Callable[[int], Sequence[Stored]],
        whole: Callable[[], Sequence[R]],
        build: Callable[[Stored], R],
        *,
        cut: bool = False,
    ) -> None:
        self._count, self._first, self._make_whole, self._build = count, first, whole, build
        self._cut = cut
        """Whether `count` is a --limit below the table's documents: then the whole list is the
        first `count` documents, read without parsing the table too."""
        self._whole: Sequence[R] | None = None

    def whole(self) -> Sequence[R]:
        if self._whole is None:
            self._whole = self._make_whole()
        return self._whole

    def __len__(self) -> int:
        return self._count if self._whole is None else len(self._whole)

    @overload
    def __getitem__(self, index: int) -> R: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[R]: ...
    def __getitem__(self, index: int | slice) -> R | Sequence[R]:
        if (
            self._whole is None
            and isinstance(index, slice)
            and index.start in (None, 0)
            and index.step in (None, 1)
            and isinstance(index.stop, int)
            and index.stop >= 0
        ):
            return BuiltOnRead(self._first(min(index.stop, self._count)), self._build)
        return self.whole()[index]

    def __iter__(self) -> Iterator[R]:
        if self._whole is None and self._cut:
            return iter(self[: self._count])
        return iter(self.whole())


class Session:
    """One command's view of the data file: models in, models out, keyed by business number."""

    def __init__(self, path: Path, storage: UnitOfWorkStorage, *, writable: bool) -> None:
        self.path = path
        self._storage = storage
        self._db = TinyDB(storage=lambda: storage)  # type: ignore[arg-type, return-value]
        self.writable = writable
        self._index: dict[str, dict[str, str]] = {}
        self._changes = Changes()
        self._meta: dict[str, Any] | None = None
        self._counters_read: dict[str, Any] = {}
        self._beyond: dict[str, int] | None = None
        """Once `verify` passed: each series' counter as read, above which no number is stored."""
        self.today: Callable[[], date] | None = None  # the shell's today, for short numbers
        self.seller: str | None = None  # who acts (see the contract)

    # -- raw access -------------------------------------------------------------------------

    def table_names(self) -> list[str]:
        """Every table in the file, salesflow's or not (for integrity checks)."""
        return self._storage.names()

    def raw(self, table: str) -> dict[str, dict[str, Any]]:
        """The stored documents of a table (read-only use), without validation."""
        return self._storage.table(table)

    def _doc_id(self, table: str, key: str) -> str | None:
        """The id of the stored document with business key `key` (upper case), or None.

        A record numbered in a series is first looked for by bisection (`_search`), which reads
        some 17 of 100k documents; only when that misses (no such record, or a file whose
        numbers do not ascend with its ids) is every document's key indexed, once per session.
        """
        index = self._index.get(table)
        if index is not None:
            return index.get(key)
        if table in _NUMBERED_TABLES:
            found = _search(self.raw(table), key)
            if found is not None:
                return found
        return self._key_index(table).get(key)

    def _stored(self, table: str, key: str) -> tuple[str, dict[str, Any]] | None:
        """(id, document) of the stored document with business key `key` (upper case), or None.
        A read-only session looks a numbered record up in the table's JSON without parsing the
        table (see `UnitOfWorkStorage.lookup`); a writing one parses it, as it writes it back."""
        if not self.writable and table in _NUMBERED_TABLES and table not in self._index:
            found = self._storage.lookup(table, "number", key)
            if found is not None:
                return found
        doc_id = self._doc_id(table, key)
        return None if doc_id is None else (doc_id, self.raw(table)[doc_id])

    def _handed_out(self, table: str, key: str) -> bool:
        """Whether `key` is a number this session handed out for `table`, so that no stored
        record has it: it is above its series' counter as read, and `verify` found no stored
        number above that counter (known only after `verify`, as the commit has it)."""
        beyond = self._beyond
        position = _position(key)
        if beyond is None or position is None or table not in _NUMBERED_TABLES:
            return False
        series, sequence = position
        prefix = TYPES_BY_TABLE[table].prefix
        if not (series == prefix or series.startswith(prefix + "-")):
            return False
        return sequence > beyond.get(series, sequence)

    def _key_index(self, table: str) -> dict[str, str]:
        index = self._index.get(table)
        if index is None:
            model = TYPES_BY_TABLE[table]
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
        if self._changes.pending.get(model.table) or self._changes.removed.get(model.table):
            raise RuntimeError(f"unsaved changes to {model.table}: use all() instead of docs()")

    def _load(self, model: type[R], doc: dict[str, Any]) -> R:
        return build(model, doc, f"data file {self.path}")

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
        pending = self._changes.pending.get(model.table, {}).get(key.upper())
        if pending is not None:
            return pending  # type: ignore[return-value]
        found = self._stored(model.table, key.upper())
        if found is None or found[0] in self._changes.removed.get(model.table, ()):
            return None
        return self._load(model, found[1])

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
        pending = self._changes.pending.get(table, {})
        removed = self._changes.removed.get(table, set())
        seen: set[str] = set()
        result: list[R] = []
        key_of = _raw_key_function(model)
        for doc_id, doc in self.raw(table).items():
            if doc_id in removed:
                continue
            key = key_of(doc).upper() if pending else ""
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
        removed = self._changes.removed.get(model.table, set())
        for doc_id, doc in self.raw(model.table).items():
            if doc_id not in removed and (k := key(doc.get(field))):
                numbers.setdefault(k, key_of(doc))
        for record in self._changes.pending.get(model.table, {}).values():
            if k := key(getattr(record, field, None)):
                numbers.setdefault(k, record.key)
        return LoadedOnLookup(numbers, lambda number: self.get(model, number))

    def group_by(
        self, model: type[R], field: str, key: Callable[[Any], str]
    ) -> Callable[[str], list[R]]:
        """All records by `key(field value)`, for a batch's lookups: the stored documents are
        grouped once (not scanned per number); a lookup loads its group's records as they are
        now. Records put into a group after the call are not in it."""
        key_of = _raw_key_function(model)
        groups: dict[str, list[str]] = {}
        removed = self._changes.removed.get(model.table, set())
        for doc_id, doc in self.raw(model.table).items():
            if doc_id not in removed and (k := key(doc.get(field))):
                groups.setdefault(k, []).append(key_of(doc).upper())
        for record in self._changes.pending.get(model.table, {}).values():
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
        kept = listing.kept(self.docs(model))
        return [self._load(model, doc) for doc in kept]

    def arranged(self, model: type[R], listing: Listing) -> Sequence[R]:
        """See the contract: sorted and cut on the stored forms, built as they are read.

        A list in stored order with no filter (`lead list` as typed) is every document of the
        table in order: a read-only session counts it from what `_meta` records and reads only
        the documents asked for from the start of the table's JSON (`InStoredOrder`), so that a
        terminal's screenful of 100k leads reads 50; iterating it, or any other part of it,
        parses the table as before."""
        from salesflow.pipeline.listing import ListQuery, arrange, doc_value

        def build(doc: Stored) -> R:
            return self._load(model, doc)  # type: ignore[arg-type]

        def whole() -> BuiltOnRead[R]:
            kept = listing.kept(self.docs(model))
            return BuiltOnRead(arrange(kept, listing.query, doc_value), build)

        query = listing.query
        table = model.table
        if (
            replace(query, limit=None) == ListQuery()  # no filter, no sort: every one in order
            and not self.writable
            and not self._changes.pending.get(table)
            and not self._changes.removed.get(table)
        ):
            count = self._storage.stored_count(table)
            if count is not None:
                cut = query.limit is not None and query.limit < count
                return InStoredOrder(
                    min(count, query.limit) if query.limit is not None else count,
                    lambda n: self._storage.first(table, n),
                    whole,
                    build,
                    cut=cut,
                )
        return whole()

    def revisions(self, quote: str) -> list[Quote]:
        return list(self.all(Quote, Match.where(number=quote)))

    def quotes_of(self, opportunity: str) -> list[Quote]:
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

    def values(
        self, model: type[Record], fields: Sequence[str], where: Match | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """See the contract: the stored documents when this session has not changed the type's
        records, else the changed records' stored forms."""
        table = model.table
        if self._changes.pending.get(table) or self._changes.removed.get(table):
            docs: Iterable[Mapping[str, Any]] = (r.stored() for r in self.all(model, where))
            where = None
        else:
            docs = self.raw(table).values()
        for doc in docs:
            if where is None or where.matches(doc):
                yield tuple(map(doc.get, fields))

    def _changed(self, table: str) -> bool:
        changes = self._changes
        return bool(
            changes.pending.get(table) or changes.removed.get(table) or changes.new.get(table)
        )

    def agenda_index(self) -> AgendaIndex:
        """See the contract: each section of the index the last write kept in the file, when it
        is current (`UnitOfWorkStorage.agenda_sections`) and this session did not change its
        table; any other derived here from the records."""
        from salesflow.pipeline.agenda import AgendaIndex

        stored = self._storage.agenda_sections()
        sections = {
            table: stored[table] if table in stored and not self._changed(table) else None
            for table in SOURCES
        }
        try:
            return AgendaIndex.from_stored(
                {
                    t: found if found is not None else self._section(t)
                    for t, found in sections.items()
                }
            )
        except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError):
            # a damaged index: derived as for a file without one
            return AgendaIndex.from_stored({table: self._section(table) for table in SOURCES})

    def _section(self, table: str) -> dict[str, Any]:
        """A section of the agenda index derived from this session's records."""
        from salesflow.pipeline.agenda_index import activity_index, document_index

        if table not in (ACTIVITIES, *DOCUMENT_TABLES):
            return deal_section(self, table)
        docs: Iterable[Mapping[str, Any]]
        if self._changed(table):
            docs = (record.stored() for record in self.all(TYPES_BY_TABLE[table]))
        else:
            docs = self.raw(table).values()
        return activity_index(docs) if table == ACTIVITIES else document_index(table, docs)

    def _agenda_updates(self) -> dict[str, dict[str, Entry | None]]:
        """Before a commit: the agenda index's entry of each deal record, lead and account this
        session put, removed or added, by table and upper-case key (None: no entry). A lead's or
        an account's comes from its stored document: an import adds many."""
        from salesflow.pipeline.agenda_index import deal_entry, document_entry

        updates: dict[str, dict[str, Entry | None]] = {}
        changes = self._changes
        for table in ENTRY_TABLES:
            if not self._changed(table):
                continue
            model = TYPES_BY_TABLE[table]
            key_of = _raw_key_function(model)
            found: dict[str, Entry | None] = {}
            stored = self.raw(table) if changes.removed.get(table) else {}
            for doc_id in changes.removed.get(table, ()):
                if doc_id in stored:
                    found[key_of(stored[doc_id]).upper()] = None
            for key, record in changes.pending.get(table, {}).items():
                if table in DOCUMENT_TABLES:
                    found[key] = document_entry(table, record.stored())
                else:
                    found[key] = deal_entry(record)  # type: ignore[arg-type]
            for doc in changes.new.get(table, ()):
                if table in DOCUMENT_TABLES:
                    found[key_of(doc).upper()] = document_entry(table, doc)
                else:
                    record = self._load(model, doc)
                    found[record.key.upper()] = deal_entry(record)  # type: ignore[arg-type]
            updates[table] = found
        return updates

    def _derived_section(self, table: str) -> dict[str, Any]:
        """At a commit, after the changes are in the tables: a section of the agenda index
        derived from its whole table. A deal that does not validate is left out (`doctor`
        names it), so that a write of other records is not refused for it."""
        from salesflow.pipeline.agenda_index import section

        model = TYPES_BY_TABLE[table]

        def built(doc: Mapping[str, Any]) -> Any:
            try:
                return self._load(model, cast(dict[str, Any], doc))  # as parsed: a dict
            except SalesflowError:
                return None

        return section(table, self.raw(table).values(), built)

    def event_count(self) -> int:
        return len(self.raw(Event.table)) + len(self._changes.new.get(Event.table, []))

    def contents(self) -> Mapping[str, Mapping[str, Stored]]:
        """See the contract: the file's tables as read (this session's changes not included)."""
        return {name: self.raw(name) for name in self.table_names()}

    def stored(self, model: type[Record]) -> Iterator[Stored]:
        """Every record of a type in its stored form (this session's changes committed)."""
        return iter(self.docs(model))

    def add_stored(self, model: type[Record], stored: Sequence[Stored]) -> None:
        """See `add_docs`; documents that are dicts already are added as they are, not copied
        (a 100k-row import would hold every document twice)."""
        self.add_docs(model, [doc if type(doc) is dict else dict(doc) for doc in stored])

    @contextmanager
    def adding(self, model: type[Record]) -> Iterator[Callable[[Sequence[Stored]], None]]:
        """See the contract: each piece goes to `add_stored` as it comes."""
        self._require_writable()
        yield lambda stored: self.add_stored(model, stored)

    def count(self, model: type[Record], where: Match | None = None) -> int:
        """How many records of a type there are, this session's changes included."""
        if where is not None:
            return len(self.all(model, where))
        removed = self._changes.removed.get(model.table, set())
        added = 0
        for key in self._changes.pending.get(model.table, {}):
            doc_id = self._doc_id(model.table, key)
            added += doc_id is None or doc_id in removed
        return len(self.raw(model.table)) - len(removed) + added

    def put(self, *records: Record) -> None:
        """Insert or replace records (by business key); written at commit."""
        self._require_writable()
        for record in records:
            key = record.key.upper()
            self._changes.remember(self._changes.pending, record.table, key)
            self._changes.pending.setdefault(record.table, {})[key] = record

    def remove(self, record: Record) -> None:
        self._require_writable()
        key = record.key.upper()
        if key in self._changes.pending.get(record.table, {}):
            self._changes.remember(self._changes.pending, record.table, key)
            del self._changes.pending[record.table][key]
        doc_id = self._doc_id(record.table, key)
        if doc_id is not None:
            self._changes.remember(self._changes.removed, record.table, doc_id)
            self._changes.removed.setdefault(record.table, set()).add(doc_id)

    def add_docs(self, model: type[Record], docs: list[dict[str, Any]]) -> None:
        """New records already in stored form (a bulk import), added with one insert_multiple.

        They are not visible to `get`/`all` in this session.
        """
        self._require_writable()
        self._changes.new.setdefault(model.table, []).extend(docs)

    def add_events(self, events: Iterable[Event]) -> None:
        self._require_writable()
        self._changes.new.setdefault(Event.table, []).extend(
            signed(e.stored(), self.seller) for e in events
        )

    def who(self) -> str:
        """The operating system's login name (`getpass.getuser`): a data file has no users."""
        import getpass

        try:
            return getpass.getuser()
        except (OSError, KeyError):  # no login name and no user entry (a bare container)
            return ""

    def events(self, numbers: set[str] | None = None) -> list[Event]:
        """Events in recorded order, optionally only those of some numbers."""
        wanted = {n.upper() for n in numbers} if numbers is not None else None
        docs = list(self.raw(Event.table).values()) + self._changes.new.get(Event.table, [])
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
            stored = self.raw(META_TABLE).get(META_DOC_ID)
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
        self._changes.remember(self.meta(), "counters", series)
        self.meta()["counters"][series] = last + count
        self._changes.meta_dirty = True
        return list(range(last + 1, last + count + 1))

    def config(self) -> dict[str, Any]:
        return dict(self.meta()["config"])

    def set_config(self, values: dict[str, Any]) -> None:
        self._require_writable()
        for name in values:
            self._changes.remember(self.meta(), "config", name)
        self.meta()["config"].update(values)
        self._changes.meta_dirty = True

    # -- commit ---------------------------------------------------------------------------------

    def _require_writable(self) -> None:
        if not self.writable:
            raise RuntimeError("this command opened the data file read-only")

    def savepoint(self) -> Savepoint:
        """A mark to roll this session's unsaved changes back to (batch commands, --keep-going).

        Marks are a stack: rolling back to one forgets the marks taken after it.
        """
        return self._changes.savepoint()

    def rollback(self, mark: Savepoint) -> None:
        """Forget every change made since `mark`, numbers handed out included."""
        self._changes.rollback(mark)

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
        self._beyond = counters
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
        return bool(self._changes)

    def flush(self) -> None:
        """Apply this session's changes to the in-memory TinyDB tables (one update per table)."""
        if self._storage.read() is None:
            self._storage.write({})
        changed = {table for table in SOURCES if self._changed(table)}
        entries = self._agenda_updates()
        for table_name in sorted({*self._changes.pending, *self._changes.removed}):
            self._storage.table(table_name)  # TinyDB sees parsed tables only
            table = self._db.table(table_name)
            removed = self._changes.removed.get(table_name, set())
            updates: dict[str, dict[str, Any]] = {}
            inserts: list[dict[str, Any]] = []
            for key, record in self._changes.pending.get(table_name, {}).items():
                doc_id = (
                    None if self._handed_out(table_name, key) else self._doc_id(table_name, key)
                )
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
        for table_name, docs in self._changes.new.items():
            if not self._storage.append(table_name, docs):
                self._storage.table(table_name)
                self._db.table(table_name).insert_multiple(docs)
        meta = self.meta()
        meta["schema"] = SCHEMA_VERSION
        meta_table = self._db.table(META_TABLE)
        if meta_table.contains(doc_id=int(META_DOC_ID)):
            meta_table.update(_replace_whole(meta), doc_ids=[int(META_DOC_ID)])
        else:
            meta_table.insert(Document(meta, doc_id=int(META_DOC_ID)))
        self._storage.derive_agenda_index(changed, entries, self._derived_section)
        self._changes.clear()
        self._index.clear()


_NUMBERED_TABLES = frozenset(
    model.table for model in RECORD_TYPES if model.prefix and model.table != "quotes"
)
"""Tables whose records are keyed by their number alone (a quote's key adds its revision)."""


def _position(number: str) -> tuple[str, int] | None:
    """Where a number (`L-0042`, `INV-2026-0007`) sorts among its table's: series, then digits."""
    series, _, digits = number.rpartition("-")
    if not series or not (digits.isascii() and digits.isdigit()):
        return None
    return series, int(digits)


def _search(docs: dict[str, dict[str, Any]], key: str) -> str | None:
    """The id of the document numbered `key` (upper case), found by bisection; None when the
    search misses, and then only an index of every document can tell.

    The document whose id is the number's digits is tried first. Otherwise: documents are kept
    in ascending id order, and a record gets its number when it is added, so in the files
    salesflow writes the numbers of a table ascend with its ids (per series: `INV-2025-…`
    before `INV-2026-…`). A hit is checked against the document itself, so a file
    where they do not ascend (edited by hand, or merged) costs a miss, never a wrong record.
    """
    wanted = _position(key)
    if wanted is None:
        return None
    guess = docs.get(str(wanted[1]))  # a table filled from 1 in one series: id and number agree
    if guess is not None and str(guess.get("number", "")).upper() == key:
        return str(wanted[1])
    ids = list(docs)
    low, high = 0, len(ids)
    while low < high:
        middle = (low + high) // 2
        number = docs[ids[middle]].get("number")
        if not isinstance(number, str):
            return None
        number = number.upper()
        at = _position(number)
        if at is None:
            return None
        if at == wanted:
            return ids[middle] if number == key else None
        if at < wanted:
            low = middle + 1
        else:
            high = middle
    return None


_model_of_series = model_of_series


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


def _raw_key_function(model: type[Record]) -> Callable[[Mapping[str, Any]], str]:
    kind = model.record_type
    if kind.revisions:
        return kind.stored_key
    field = kind.key
    return lambda doc: str(doc.get(field, ""))  # the common case, on every document of a table


def _label(model: type[Record]) -> str:
    return model.record_type.message_name
