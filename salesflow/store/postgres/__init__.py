"""Team mode: the storage contract on a PostgreSQL database (`--db postgresql://...`).

The only module that imports psycopg, and only when a command names a database. Each command is
one transaction on one connection: a reading unit of work sees one snapshot (REPEATABLE READ,
READ ONLY); a writing one runs in READ COMMITTED, locks the rows it looks up by number (`SELECT
... FOR UPDATE`) and the counter rows it takes numbers from, so concurrent writers queue on the
records they share instead of losing each other's changes, and numbers stay gapless: a counter
is a row, updated in the command's transaction and rolled back with it (never a sequence).

Writers wait for a lock at most the lock timeout (`SET LOCAL lock_timeout`):
$SALESFLOW_LOCK_TIMEOUT, else the `lock_timeout` setting, else 10 s, then exit 4 as the file's
lock does. A deadlock or a
serialization failure (40P01, 40001) ends the transaction; `run_writing` runs the whole command
again, a bounded number of times. A lost connection is exit 4 and, as the transaction never
committed, nothing of the command is kept.
"""

from __future__ import annotations

import contextlib
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import orjson
from pydantic import ValidationError

from salesflow.errors import ConcurrentChange, LockTimeout, NotFound, StoreError
from salesflow.models import RECORD_TYPES, TYPES_BY_TABLE, Event, Record
from salesflow.pipeline.numbering import full_number
from salesflow.store import collector
from salesflow.store.contract import (
    Backend,
    BuiltOnRead,
    Listing,
    LoadedOnLookup,
    Match,
    Stored,
    UnitOfWork,
    build,
    signed,
)
from salesflow.store.locking import checked_timeout
from salesflow.store.migrations import new_meta
from salesflow.store.postgres import schema
from salesflow.store.postgres.journal import Journal
from salesflow.store.postgres.schema import COUNTERS, EVENTS, META, SCHEMA_VERSION
from salesflow.store.postgres.urls import checked, shown
from salesflow.store.versions import REDO, UNDO, command_line

if TYPE_CHECKING:
    import psycopg

    from salesflow.models import Quote
    from salesflow.pipeline.agenda import AgendaIndex
    from salesflow.store.versions import Restored, UndoVersions

R = TypeVar("R", bound=Record)
T = TypeVar("T")

DEFAULT_LOCK_TIMEOUT = 10.0
RETRIES = 5
"""How many times `run_writing` runs a command that met a deadlock or a serialization failure."""

_TYPES_BY_TABLE: dict[str, type[Record]] = {t.table: t for t in RECORD_TYPES}


class _NoSchema(Exception):
    """The database has no salesflow tables yet."""


def _label(model: type[Record]) -> str:
    return {"Opportunity": "opportunity", "Product": "product"}.get(
        model.__name__, model.__name__.lower()
    )


def _key_of(model: type[Record], stored: Mapping[str, Any]) -> str:
    """A record's business key, upper-cased: its number, SKU or `QUO-0001#2`."""
    if model.table == "quotes":
        return f"{stored.get('number', '')}#{stored.get('revision', 1)}".upper()
    if model.table == "products":
        return str(stored.get("sku", "")).upper()
    return str(stored.get("number", "")).upper()


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_COPY_NULL = "\\N"
COPY_CHUNK = 1000
"""How many rows `_copy_text` puts in one piece of COPY data."""


def _copy_escaped(match: re.Match[str]) -> str:
    return _COPY_ESCAPES[match.group()]


def _copy_field(value: str) -> str:
    """A value as a field of COPY's text format."""
    return _COPY_SPECIAL.sub(_copy_escaped, value)


def _copy_text(model: type[Record], keys: Sequence[str], stored: Sequence[Stored]) -> Iterator[str]:
    """Rows of `model`'s table (key, `schema.record_columns`, doc) for the stored forms
    `stored` with business keys `keys`, in COPY's text format, COPY_CHUNK rows a piece: the
    columns as `schema.column_values` gives them, the document as one orjson dump."""
    names = schema.record_columns(model)
    tabs, dumps, null = len(names), orjson.dumps, _COPY_NULL
    lines: list[str] = []
    for key, doc in zip(keys, stored, strict=True):
        get = doc.get
        fields = [key]
        append = fields.append
        nulls = 0
        for name in names:
            value = get(name)
            if value is None or value == "":
                append(null)
                nulls += 1
            else:
                append(str(value).casefold())
        line = "\t".join(fields)
        # a tab, a line break or a backslash in a value (each NULL has one backslash)
        if line.count("\t") != tabs or line.count("\\") != nulls or "\n" in line or "\r" in line:
            line = "\t".join(
                [
                    _copy_field(key),
                    *[
                        null if value is None or value == "" else _copy_field(str(value).casefold())
                        for value in map(get, names)
                    ],
                ]
            )
        text = dumps(doc).decode()
        if "\\" in text:  # orjson escapes control characters: only backslashes remain
            text = text.replace("\\", "\\\\")
        lines.append(f"{line}\t{text}")
        if len(lines) == COPY_CHUNK:
            lines.append("")
            yield "\n".join(lines)
            lines = []
    if lines:
        lines.append("")
        yield "\n".join(lines)


class PostgresBackend:
    """The team database at `url` (no password in it); one unit of work per command."""

    def __init__(
        self, url: str, *, lock_timeout: float | None = None, argv: Sequence[str] = ()
    ) -> None:
        """`argv`: the command line of this run, which the journal records (`--db` left out)."""
        self.url = checked(url)
        self.lock_timeout = lock_timeout
        self.argv = command_line(argv)

    def location(self) -> str:
        """The database, as `info`, errors and history events name it: never a password."""
        return shown(self.url)

    # -- connections and errors -----------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[Any]:
        import psycopg
        from psycopg.types.json import set_json_loads

        try:
            conn = psycopg.connect(self.url, autocommit=True, application_name="salesflow")
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot connect to database {self.location()}: {_first_line(exc)}"
            ) from None
        set_json_loads(orjson.loads, conn)
        return conn

    def _failure(self, exc: Exception, timeout: float, *, committing: bool = False) -> NoReturn:
        """Raise the SalesflowError for a database error `exc`."""
        import psycopg.errors as codes

        where = self.location()
        if isinstance(exc, codes.LockNotAvailable):
            raise LockTimeout(
                f"database {where} is in use by another salesflow process (waited {timeout:g} "
                "s); try again when it has finished, or raise $SALESFLOW_LOCK_TIMEOUT"
            ) from None
        # a unique key taken meanwhile: another command numbered a record as this one did
        # (an import numbers its leads before it takes the numbers, to send them meanwhile)
        if isinstance(
            exc, codes.SerializationFailure | codes.DeadlockDetected | codes.UniqueViolation
        ):
            raise ConcurrentChange(
                f"database {where}: another salesflow command changed the same records at the "
                "same time; nothing was written. Run the command again"
            ) from None
        if isinstance(exc, codes.UndefinedTable | codes.UndefinedColumn):
            raise StoreError(
                f"database {where} lacks salesflow's tables ({_first_line(exc)}); run "
                "`salesflow db init`"
            ) from None
        if isinstance(exc, codes.InsufficientPrivilege):
            raise StoreError(
                f"database {where}: {_first_line(exc)}; nothing was written. The database user "
                "needs the rights listed in the README's team mode section"
            ) from None
        if committing:
            raise StoreError(
                f"lost the connection to database {where} while committing "
                f"({_first_line(exc)}); check whether the command's change was saved"
            ) from None
        raise StoreError(
            f"lost the connection to database {where} ({_first_line(exc)}); nothing was written"
        ) from None

    # -- schema ---------------------------------------------------------------------------------

    def init(self) -> tuple[int, int]:
        """Create the schema, or upgrade an older one: (version found, 0 for none; version now).
        Idempotent; concurrent runs wait for each other on the meta table."""
        import psycopg

        with self._connect() as conn:
            for attempt in range(RETRIES):
                try:
                    return self._init(conn)
                except (psycopg.errors.UniqueViolation, psycopg.errors.DuplicateTable):
                    # two first runs created the same table at once: the other one won
                    conn.execute("ROLLBACK")
                    if attempt == RETRIES - 1:
                        raise
                except psycopg.Error as exc:
                    with contextlib.suppress(psycopg.Error):
                        conn.execute("ROLLBACK")
                    self._failure(exc, 0)
        raise AssertionError("unreachable")

    def _init(self, conn: psycopg.Connection[Any]) -> tuple[int, int]:
        conn.execute("BEGIN")
        found = self._schema_version(conn)
        if found > SCHEMA_VERSION:
            conn.execute("ROLLBACK")
            raise StoreError(
                f"database {self.location()} has schema version {found}, newer than this "
                f"salesflow understands ({SCHEMA_VERSION}); upgrade salesflow"
            )
        for version in range(found + 1, SCHEMA_VERSION + 1):
            for statement in schema.STEPS[version]:
                conn.execute(statement)  # type: ignore[arg-type]  # DDL made of constants
        if found == 0:
            conn.execute(
                f"INSERT INTO {META} (key, value) VALUES ('config', %s::jsonb) "
                "ON CONFLICT (key) DO NOTHING",
                (_dumps(new_meta()["config"]),),
            )
        conn.execute(
            f"INSERT INTO {META} (key, value) VALUES ('schema', %s::jsonb) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            (_dumps(SCHEMA_VERSION),),
        )
        conn.execute("COMMIT")
        return found, SCHEMA_VERSION

    def _schema_version(self, conn: psycopg.Connection[Any]) -> int:
        """The schema version of the database (0: no salesflow tables), in the open transaction;
        a missing meta table is found through the catalog, which leaves the transaction usable."""
        present = conn.execute(
            "SELECT 1 FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_name = %s",
            (META,),
        ).fetchone()
        if present is None:
            return 0
        row = conn.execute(f"SELECT value FROM {META} WHERE key = 'schema' FOR UPDATE").fetchone()
        return int(row[0]) if row is not None else 0

    def schema(self) -> int:
        """The schema version of the database (0 when it has none yet)."""
        import psycopg

        with self._connect() as conn:
            try:
                return self._schema_version(conn)
            except psycopg.Error as exc:
                self._failure(exc, 0)

    # -- units of work --------------------------------------------------------------------------

    @contextlib.contextmanager
    def reading(self) -> Iterator[PostgresUnitOfWork]:
        """One snapshot of the database, read only."""
        with self._unit(writable=False) as unit:
            yield unit

    @contextlib.contextmanager
    def writing(self) -> Iterator[PostgresUnitOfWork]:
        """One transaction, committed when the block ends without an error. A deadlock or a
        serialization failure raises ConcurrentChange: `run_writing` runs the command again."""
        with self._unit(writable=True) as unit:
            yield unit

    def run_writing(self, command: Callable[[PostgresUnitOfWork], T]) -> T:
        """`command` in a writing unit of work; run again (up to RETRIES times, after a short
        random pause) when the database ended its transaction for a concurrent change."""
        for attempt in range(RETRIES):
            try:
                with self.writing() as unit:
                    return command(unit)
            except ConcurrentChange:
                if attempt == RETRIES - 1:
                    raise
                time.sleep(random.uniform(0.005, 0.05) * (attempt + 1))
        raise AssertionError("unreachable")

    def undo(self) -> Restored:
        """Take back the database user's own latest command (see `journal`)."""
        return self._take_back(UNDO)

    def redo(self) -> Restored:
        """Take back the database user's latest undo, unless they ran a command since."""
        return self._take_back(REDO)

    def undo_versions(self) -> UndoVersions:
        """The user's latest commands (as many as the `history_keep` setting, 20 unless set),
        and what undo and redo would do now, as `Store.undo_versions` gives the file's."""
        from salesflow.pipeline.settings import Settings
        from salesflow.store.postgres.journal import kept_entries
        from salesflow.store.versions import UndoVersions, undo_state

        with self.reading() as unit:
            keep = int(Settings(unit.config()).get("history_keep"))
            entries = kept_entries(unit, keep)
        return UndoVersions(None, entries, undo_state(entries))

    def _take_back(self, kind: str) -> Restored:
        from salesflow.store.postgres.journal import take_back
        from salesflow.store.versions import Restored

        entry = self.run_writing(lambda unit: take_back(unit, kind))
        return Restored(entry, changed_outside=False, removed_file=False)

    @contextlib.contextmanager
    def _unit(self, *, writable: bool) -> Iterator[PostgresUnitOfWork]:
        import psycopg

        conn = self._connect()
        timeout = 0.0
        try:
            try:
                unit, timeout = self._begin(conn, writable=writable)
            except _NoSchema:
                conn.execute("ROLLBACK")
                self.init()  # the database is made on first use, as the data file is
                unit, timeout = self._begin(conn, writable=writable)
            try:
                yield unit
            except psycopg.Error as exc:
                _quietly_rollback(conn)
                self._failure(exc, timeout)
            except BaseException:
                _quietly_rollback(conn)
                raise
            if writable:
                unit.journal.finish()
            try:
                conn.execute("COMMIT")
            except psycopg.Error as exc:
                self._failure(exc, timeout, committing=True)
        except psycopg.Error as exc:
            self._failure(exc, timeout)
        finally:
            with contextlib.suppress(psycopg.Error):
                conn.close()

    def _begin(
        self, conn: psycopg.Connection[Any], *, writable: bool
    ) -> tuple[PostgresUnitOfWork, float]:
        import psycopg

        if writable:
            conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
        else:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            rows: dict[str, Any] = dict(
                conn.execute(
                    f"SELECT key, value FROM {META} WHERE key IN ('schema', 'config')"
                ).fetchall()
            )
        except psycopg.errors.UndefinedTable:
            raise _NoSchema from None
        version = rows.get("schema")
        if isinstance(version, int) and version > SCHEMA_VERSION:
            raise StoreError(
                f"database {self.location()} has schema version {version}, newer than this "
                f"salesflow understands ({SCHEMA_VERSION}); upgrade salesflow"
            )
        if not isinstance(version, int) or version < SCHEMA_VERSION:
            raise _NoSchema  # none yet, or an older one: `init` creates or upgrades it
        config = rows.get("config")
        config = dict(config) if isinstance(config, dict) else {}
        timeout = 0.0
        if writable:
            timeout = self.lock_timeout if self.lock_timeout is not None else _timeout_of(config)
            conn.execute(f"SET LOCAL lock_timeout = {max(1, round(timeout * 1000))}")  # type: ignore[arg-type]
        return PostgresUnitOfWork(self, conn, config, writable=writable), timeout


def _ready_to_number(series: str) -> None:
    """Build the validators of the record numbered in `series` and of events, when the models
    have not been used yet in this process (they are built on first use: tens of milliseconds of
    CPU). Done before the counter row is locked, so that a command holds the lock for its SQL
    only: with 16 writers on two cores, a lock holder gets a fraction of a core, and every
    millisecond of work under the lock is a millisecond all the others wait."""
    from salesflow.registry import of_series

    kind = of_series(series)
    model = TYPES_BY_TABLE.get(kind.table) if kind is not None else None
    for built in (model, Event):
        if built is not None and not built.__pydantic_complete__:
            built.model_rebuild()


def _timeout_of(config: Mapping[str, Any]) -> float:
    try:
        found = checked_timeout(float(config.get("lock_timeout", DEFAULT_LOCK_TIMEOUT)))
    except (TypeError, ValueError, OverflowError):
        return DEFAULT_LOCK_TIMEOUT
    return DEFAULT_LOCK_TIMEOUT if found is None else found


def _quietly_rollback(conn: psycopg.Connection[Any]) -> None:
    import psycopg

    with contextlib.suppress(psycopg.Error):
        conn.execute("ROLLBACK")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class PostgresUnitOfWork:
    """One command's transaction: the storage contract (`salesflow.store.contract.UnitOfWork`)
    as SQL. Changes go to the database at once, inside the transaction, so reads see them;
    `savepoint` and `rollback` are SQL savepoints."""

    def __init__(
        self,
        backend: PostgresBackend,
        conn: psycopg.Connection[Any],
        config: dict[str, Any],
        *,
        writable: bool,
    ) -> None:
        self.backend = backend
        self.conn = conn
        self.writable = writable
        self.today: Callable[[], date] | None = None
        self.seller: str | None = None  # who acts (see the contract)
        self._who: str | None = None
        self._config = config
        self._savepoints = 0
        # the journal of this command (see `journal.py`): filled as it changes things
        self.journal = Journal(self)
        self.changed = False

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, params).fetchall()  # type: ignore[arg-type]

    def _require_writable(self) -> None:
        if not self.writable:
            raise RuntimeError("this command opened the database read-only")

    def _load(self, model: type[R], doc: dict[str, Any]) -> R:
        return build(model, doc, f"database {self.backend.location()}")

    def load(self, model: type[R], doc: dict[str, Any]) -> R:
        """A stored document as a validated model (as the file session's `load`)."""
        return self._load(model, doc)

    def docs(self, model: type[Record]) -> list[dict[str, Any]]:
        """Every stored document of a type, for the commands not yet moved onto the contract's
        queries (as the file session's `docs`)."""
        return [dict(doc) for doc in self.stored(model)]

    # -- records by number ----------------------------------------------------------------------

    def full_number(self, model: type[Record], typed: str) -> str:
        if not typed.strip().isdigit() or not model.prefix:
            return typed
        year = self.today().year if self.today is not None else None
        keys: list[str] = []
        if model.prefix == "INV":
            keys = [row[0] for row in self._rows(f"SELECT key FROM {model.table}")]
        return full_number(model.prefix, typed, keys, year)

    def find(self, model: type[R], key: str) -> R | None:
        key = self.full_number(model, key)
        lock = " FOR UPDATE" if self.writable else ""
        rows = self._rows(f"SELECT doc FROM {model.table} WHERE key = %s{lock}", (key.upper(),))
        if self.writable:
            self.journal.seen(model.table, key.upper(), rows[0][0] if rows else None)
        return self._load(model, rows[0][0]) if rows else None

    def get(self, model: type[R], key: str) -> R:
        key = self.full_number(model, key)
        found = self.find(model, key)
        if found is None:
            raise NotFound(f"{_label(model)} {key} not found")
        return found

    # -- named queries --------------------------------------------------------------------------

    def _where(self, model: type[Record], where: Match | None) -> tuple[str, list[Any]]:
        """A parameterised WHERE clause with `where`'s semantics (see `Match.matches`)."""
        if where is None:
            return "", []
        condition, params = self._condition(model, where)
        return (f" WHERE {condition}", params) if condition else ("", [])

    def _condition(self, model: type[Record], where: Match) -> tuple[str, list[Any]]:
        """`where` as one SQL condition ("" when it wants every record) and its parameters."""
        columns = schema.record_columns(model)
        clauses: list[str] = []
        params: list[Any] = []
        for name, values in where.equals.items():
            default = where.default.get(name, "")
            if name in columns:
                if default == "" and "" not in values:
                    clauses.append(f"{name} = ANY(%s)")
                    params.append(list(values))
                else:
                    clauses.append(f"coalesce({name}, %s) = ANY(%s)")
                    params += [str(default).casefold(), list(values)]
            else:
                clauses.append("lower(coalesce(nullif(doc->>%s, ''), %s)) = ANY(%s)")
                params += [name, str(default), list(values)]
        for name, (low, high) in where.within.items():  # ISO dates, compared as text
            clauses.append("coalesce(doc->>%s, '') <> ''")
            params.append(name)
            if low is not None:
                clauses.append("doc->>%s >= %s")
                params += [name, low]
            if high is not None:
                clauses.append("doc->>%s <= %s")
                params += [name, high]
        if where.alternatives:
            either: list[str] = []
            for alternative in where.alternatives:
                condition, more = self._condition(model, alternative)
                either.append(f"({condition or 'TRUE'})")
                params += more
            clauses.append("(" + " OR ".join(either) + ")")
        return " AND ".join(clauses), params

    def all(
        self, model: type[R], where: Match | Callable[[dict[str, Any]], bool] | None = None
    ) -> list[R]:
        if callable(where):  # a predicate on stored dicts, as the file session still takes
            return [self._load(model, doc) for doc in self.docs(model) if where(doc)]
        clause, params = self._where(model, where)
        rows = self._rows(f"SELECT doc FROM {model.table}{clause} ORDER BY id", params)
        return [self._load(model, row[0]) for row in rows]

    def count(self, model: type[Record], where: Match | None = None) -> int:
        clause, params = self._where(model, where)
        return int(self._rows(f"SELECT count(*) FROM {model.table}{clause}", params)[0][0])

    def _selected(self, model: type[Record], where: Match | None) -> list[dict[str, Any]]:
        """The stored documents `where` wants, by SQL, in creation order."""
        clause, params = self._where(model, where)
        rows = self._rows(f"SELECT doc FROM {model.table}{clause} ORDER BY id", params)
        return [dict(row[0]) for row in rows]

    def list_records(self, model: type[R], listing: Listing) -> list[R]:
        kept = listing.kept(self._selected(model, listing.where))
        return [self._load(model, dict(doc)) for doc in kept]

    def arranged(self, model: type[R], listing: Listing) -> Sequence[R]:
        """See the contract: filtered and sorted on the stored forms, cut to the listing's
        limit, and only the records kept are built."""
        from salesflow.pipeline.listing import arrange, doc_value

        kept = listing.kept(self._selected(model, listing.where))
        return BuiltOnRead(
            arrange(kept, listing.query, doc_value), lambda doc: self._load(model, dict(doc))
        )

    def revisions(self, quote: str) -> list[Quote]:
        from salesflow.models import Quote

        return self.all(Quote, Match.where(number=quote))

    def quotes_of(self, opportunity: str) -> list[Quote]:
        from salesflow.models import Quote

        return self.all(Quote, Match.where(opportunity=opportunity))

    def _field_values(self, model: type[Record], field: str) -> list[tuple[str, Any]]:
        return [
            (row[0], row[1])
            for row in self._rows(f"SELECT key, doc->%s FROM {model.table} ORDER BY id", (field,))
        ]

    def index_by(self, model: type[R], field: str, key: Callable[[Any], str]) -> Mapping[str, R]:
        numbers: dict[str, str] = {}
        for record_key, value in self._field_values(model, field):
            if k := key(value):
                numbers.setdefault(k, record_key)
        return LoadedOnLookup(numbers, lambda number: self.get(model, number))

    def group_by(
        self, model: type[R], field: str, key: Callable[[Any], str]
    ) -> Callable[[str], list[R]]:
        groups: dict[str, list[str]] = {}
        for record_key, value in self._field_values(model, field):
            if k := key(value):
                groups.setdefault(k, []).append(record_key)

        def lookup(value: str) -> list[R]:
            found = (self.find(model, number) for number in groups.get(value, ()))
            return [record for record in found if record is not None]

        return lookup

    def emails_and_names(
        self,
    ) -> Iterator[tuple[str, str, str | None, str | None, str | None, str | None]]:
        from salesflow.models import Contact, Lead

        for kind, model in (("contact", Contact), ("lead", Lead)):
            rows = self._rows(
                "SELECT doc->>'number', doc->>'email', doc->>'first_name', doc->>'last_name', "
                f"doc->>'company' FROM {model.table} ORDER BY id"
            )
            for number, email, first, last, company in rows:
                yield kind, number, email, first, last, company

    def stored(self, model: type[Record]) -> Iterator[Stored]:
        return iter([row[0] for row in self._rows(f"SELECT doc FROM {model.table} ORDER BY id")])

    # -- changes --------------------------------------------------------------------------------

    def _record_row(self, model: type[Record], stored: Mapping[str, Any]) -> list[Any]:
        return [_key_of(model, stored), *schema.column_values(model, stored), _dumps(stored)]

    def put(self, *records: Record) -> None:
        self._require_writable()
        for record in records:
            self.put_stored(type(record), record.stored())
        self.changed = self.changed or bool(records)

    def put_stored(self, model: type[Record], stored: Mapping[str, Any]) -> None:
        """Insert or replace one record given in its stored form (`put`, `undo`)."""
        self.journal.touch(model.table, _key_of(model, stored))
        columns = ["key", *schema.record_columns(model), "doc"]
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns[1:])
        marks = ", ".join(["%s"] * (len(columns) - 1) + ["%s::jsonb"])
        self.conn.execute(
            f"INSERT INTO {model.table} ({', '.join(columns)}) VALUES ({marks}) "  # type: ignore[arg-type]
            f"ON CONFLICT (key) DO UPDATE SET {updates}",
            self._record_row(model, stored),
        )

    def remove(self, record: Record) -> None:
        self._require_writable()
        self.remove_key(record.table, record.key.upper())

    def remove_key(self, table: str, key: str) -> None:
        """Delete the record of table `table` with business key `key` (upper case)."""
        self.journal.touch(table, key)
        self.conn.execute(f"DELETE FROM {table} WHERE key = %s", (key,))  # type: ignore[arg-type]
        self.changed = True

    def add_stored(self, model: type[Record], stored: Sequence[Stored]) -> None:
        """New records already in their checked stored form, sent with one COPY."""
        with self.adding(model) as add:
            add(stored)

    @contextlib.contextmanager
    def adding(self, model: type[Record]) -> Iterator[Callable[[Sequence[Stored]], None]]:
        """See the contract: one COPY, begun with the first piece; each piece is formatted as
        it comes and queued, and a thread of psycopg's sends it while the caller goes on (the
        server stores rows while the next ones are decided). The journal hears of the records
        once the COPY has ended."""
        from psycopg.copy import QueuedLibpqWriter

        self._require_writable()
        columns = ", ".join(["key", *schema.record_columns(model), "doc"])
        sql = f"COPY {model.table} ({columns}) FROM STDIN"
        keys: list[str] = []
        with contextlib.ExitStack() as stack:
            copy: Any = None

            def add(stored: Sequence[Stored]) -> None:
                nonlocal copy
                if not stored:
                    return
                with collector.paused():  # keys and rows: no cycles
                    piece = [_key_of(model, doc) for doc in stored]
                    if copy is None:
                        self.journal.entry()  # no other statement once the COPY has begun
                        cursor = stack.enter_context(self.conn.cursor())
                        writer = QueuedLibpqWriter(cursor)
                        copy = stack.enter_context(cursor.copy(sql, writer=writer))  # type: ignore[arg-type]
                    keys.extend(piece)
                    for text in _copy_text(model, piece, stored):
                        copy.write(text)

            yield add
        if keys:
            with collector.paused():
                self.journal.added(model.table, keys)
            self.changed = True

    def add_events(self, events: Iterable[Event]) -> None:
        self._require_writable()
        self.add_stored_events([signed(event.stored(), self.seller) for event in events])

    def who(self) -> str:
        """The database user (`current_user`), asked once per unit of work."""
        if self._who is None:
            self._who = str(self._rows("SELECT current_user")[0][0])
        return self._who

    def add_stored_events(self, docs: Sequence[Mapping[str, Any]]) -> None:
        """Append events in their stored form, each naming this command's journal row."""
        if not docs:
            return
        entry = self.journal.entry()
        rows = [(str(doc.get("number", "")).upper(), _dumps(doc), entry) for doc in docs]
        with self.conn.cursor() as cursor:
            if len(rows) > 50:
                with cursor.copy(f"COPY {EVENTS} (number, doc, journal) FROM STDIN") as copy:  # type: ignore[arg-type]
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO {EVENTS} (number, doc, journal) VALUES (%s, %s::jsonb, %s)",  # type: ignore[arg-type]
                    rows,
                )
        self.changed = True

    def count_events(self) -> int:
        """How many story events there are (for `info`), without reading them."""
        return int(self._rows(f"SELECT count(*) FROM {EVENTS}")[0][0])

    def event_count(self) -> int:
        """How many story events there are (`info`)."""
        return self.count_events()

    def values(
        self, model: type[Record], fields: Sequence[str], where: Match | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """Some fields of each record `where` wants, as stored (None for a field a record
        lacks), in creation order, without building records."""
        if not fields:
            return iter([() for _ in range(self.count(model, where))])
        clause, params = self._where(model, where)
        picks = ", ".join(["doc->%s"] * len(fields))
        rows = self._rows(
            f"SELECT {picks} FROM {model.table}{clause} ORDER BY id", [*fields, *params]
        )
        return iter([tuple(row) for row in rows])

    def agenda_index(self) -> AgendaIndex:
        """See the contract: derived here, from the activities a query on the indexed `status`
        and `regarding` columns finds (the open ones and those about leads, in creation order),
        the deals in the statuses an agenda may show, and the fields of every lead and account
        it needs."""
        from salesflow.models import Activity, Lead
        from salesflow.pipeline.agenda import AgendaIndex
        from salesflow.pipeline.agenda_index import (
            ACTIVITIES,
            DEAL_KINDS,
            DOCUMENT_FIELDS,
            INDEX_FIELDS,
            activity_index,
            document_index,
        )
        from salesflow.store.contract import deal_section

        picks = ", ".join(["doc->%s"] * len(INDEX_FIELDS))
        rows = self._rows(
            f"SELECT {picks} FROM {Activity.table} "
            "WHERE status = 'open' OR status IS NULL OR regarding LIKE %s ORDER BY id",
            [*INDEX_FIELDS, Lead.prefix.casefold() + "-%"],
        )
        docs = (dict(zip(INDEX_FIELDS, row, strict=True)) for row in rows)
        sections = {ACTIVITIES: activity_index(docs)}
        sections.update({table: deal_section(self, table) for table in DEAL_KINDS})
        for table, fields in DOCUMENT_FIELDS.items():
            found = self.values(TYPES_BY_TABLE[table], fields)
            sections[table] = document_index(
                table, (dict(zip(fields, row, strict=True)) for row in found)
            )
        return AgendaIndex.from_stored(sections)

    @property
    def file_schema(self) -> int:
        """The schema version of the stored records: a database holds them upgraded."""
        from salesflow.store.migrations import SCHEMA_VERSION as RECORDS_SCHEMA

        return RECORDS_SCHEMA

    def contents(self) -> Mapping[str, Mapping[str, Stored]]:
        """Every table as stored, keyed by the database's row ids, with `_meta`'s schema,
        counters and settings: what `doctor` reads."""
        from salesflow.models import META_DOC_ID, META_TABLE

        tables: dict[str, Mapping[str, Stored]] = {
            META_TABLE: {
                META_DOC_ID: {
                    "schema": self.file_schema,
                    "counters": self.counters(),
                    "config": self.config(),
                }
            }
        }
        for model in RECORD_TYPES:
            rows = self._rows(f"SELECT id, doc FROM {model.table} ORDER BY id")
            tables[model.table] = {str(ident): doc for ident, doc in rows}
        rows = self._rows(f"SELECT id, doc FROM {EVENTS} ORDER BY id")
        tables[EVENTS] = {str(ident): doc for ident, doc in rows}
        return tables

    def events(self, numbers: set[str] | None = None) -> list[Event]:
        if numbers is None:
            rows = self._rows(f"SELECT doc FROM {EVENTS} ORDER BY id")
        else:
            wanted = sorted({n.upper() for n in numbers})
            rows = self._rows(
                f"SELECT doc FROM {EVENTS} WHERE number = ANY(%s) ORDER BY id", (wanted,)
            )
        return [self._event(row[0]) for row in rows]

    def _event(self, doc: dict[str, Any]) -> Event:
        try:
            return Event.model_validate(doc)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise StoreError(
                f"database {self.backend.location()}: an event of {doc.get('number', '?')} is "
                f"invalid ({where}: {first['msg']})",
                exit_code=1,
            ) from None

    # -- counters and settings ------------------------------------------------------------------

    def counter(self, series: str) -> int:
        rows = self._rows(f"SELECT value FROM {COUNTERS} WHERE series = %s", (series,))
        return int(rows[0][0]) if rows else 0

    def counters(self) -> dict[str, int]:
        return {str(s): int(v) for s, v in self._rows(f"SELECT series, value FROM {COUNTERS}")}

    def next_numbers(self, series: str, count: int = 1) -> list[int]:
        """The next `count` numbers of a series, from its counter row, locked until the command
        commits (a concurrent writer waits for it, then continues from the new value)."""
        self._require_writable()
        _ready_to_number(series)
        rows = self._rows(
            f"INSERT INTO {COUNTERS} AS c (series, value) VALUES (%s, %s) "
            "ON CONFLICT (series) DO UPDATE SET value = c.value + EXCLUDED.value "
            "RETURNING value",
            (series, count),
        )
        last = int(rows[0][0])
        self.journal.counter(series, last - count)
        self.changed = True
        return list(range(last - count + 1, last + 1))

    def config(self) -> dict[str, Any]:
        return dict(self._config)

    def set_config(self, values: dict[str, Any]) -> None:
        self._require_writable()
        rows = self._rows(f"SELECT value FROM {META} WHERE key = 'config' FOR UPDATE")
        current = dict(rows[0][0]) if rows and isinstance(rows[0][0], dict) else {}
        self.journal.settings(current)
        current.update(values)
        self.conn.execute(
            f"INSERT INTO {META} (key, value) VALUES ('config', %s::jsonb) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            (_dumps(current),),
        )
        self._config = current
        self.changed = True

    def savepoint(self) -> tuple[str, dict[str, Any], Any]:
        self._savepoints += 1
        name = f"salesflow_{self._savepoints}"
        self.conn.execute(f"SAVEPOINT {name}")  # type: ignore[arg-type]
        return name, dict(self._config), self.journal.mark()

    def rollback(self, mark: Any) -> None:
        name, config, journal = mark
        self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")  # type: ignore[arg-type]
        self._config = config
        self.journal.rollback(journal)


if TYPE_CHECKING:
    # mypy holds both to the storage contract
    _backend: type[Backend] = PostgresBackend
    _unit: type[UnitOfWork] = PostgresUnitOfWork
