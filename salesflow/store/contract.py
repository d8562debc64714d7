"""The storage contract: everything a service may ask of the data, whichever backend holds it.

A command opens one unit of work (`Backend.reading()` or `Backend.writing()`), asks it for
records by business number or by named query, changes them, and leaves the block: a writing unit
of work commits as a whole or not at all. Services, `demo`, the tests and every backend speak
only these types; nothing outside `salesflow.store` sees a stored document's dict, a table name
or a file.

Queries are data, not code: a `Match` names fields and the values they may hold, so the JSON-file
backend tests it on each stored document and a database backend turns it into a parameterised
WHERE clause. Two backends implement the contract (the JSON file, PostgreSQL); the contract test
suite (`tests/contract/`) runs the same tests against each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, overload

if TYPE_CHECKING:
    from salesflow.models import Event, Quote, Record
    from salesflow.pipeline.agenda import AgendaIndex
    from salesflow.pipeline.listing import ListQuery, ListSpec

R = TypeVar("R", bound="Record")
T = TypeVar("T")

Stored = Mapping[str, Any]
"""A record's stored form (`Record.stored()`): what both backends keep, field for field."""


@dataclass(frozen=True)
class Match:
    """Which records a query wants: every named field holds one of its values.

    Text is compared without regard to case (business numbers are typed in any case); a field
    absent from a record counts as `default`'s value for that field when one is given there
    (`status` of an old record without one). `within` bounds fields holding ISO dates (compared
    as text, either end open, both ends included; a record without the field is left out when
    a bound is given). `alternatives`, when given, must hold for at least one of them (an OR:
    activities regarding a number or held with it). `Match()` wants every record.
    """

    equals: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    default: Mapping[str, str] = field(default_factory=dict)
    within: Mapping[str, tuple[str | None, str | None]] = field(default_factory=dict)
    alternatives: tuple[Match, ...] = ()
    _checks: tuple[tuple[str, frozenset[str], str], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        # many wanted numbers (an agenda's leads) are looked up in a set, not scanned
        checks = tuple(
            (name, frozenset(values), self.default.get(name, ""))
            for name, values in self.equals.items()
        )
        object.__setattr__(self, "_checks", checks)

    @classmethod
    def where(
        cls,
        defaults: Mapping[str, str] | None = None,
        within: Mapping[str, tuple[date | None, date | None]] | None = None,
        **fields: str | Iterable[str],
    ) -> Match:
        """`Match.where(status=("open", "won"), account="ACC-0001")`;
        `within={"created_on": (since, until)}` with dates or None."""
        equals = {
            name: ((value,) if isinstance(value, str) else tuple(value))
            for name, value in fields.items()
        }
        bounds = {
            name: tuple(day.isoformat() if day is not None else None for day in ends)
            for name, ends in (within or {}).items()
            if any(day is not None for day in ends)
        }
        return cls(
            {k: tuple(v.casefold() for v in vs) for k, vs in equals.items()},
            defaults or {},
            bounds,  # type: ignore[arg-type]
        )

    @classmethod
    def either(cls, *alternatives: Match) -> Match:
        """Records any of `alternatives` wants."""
        return cls(alternatives=alternatives)

    def matches(self, stored: Stored) -> bool:
        """Whether a stored record is wanted (the reference semantics every backend follows)."""
        get = stored.get
        for name, values, default in self._checks:
            value = get(name)
            if value is None or value == "":
                value = default
            if (value if type(value) is str else str(value)).casefold() not in values:
                return False
        for name, (low, high) in self.within.items():
            day = stored.get(name)
            if not isinstance(day, str) or not day:
                return False
            if (low is not None and day < low) or (high is not None and day > high):
                return False
        return not self.alternatives or any(m.matches(stored) for m in self.alternatives)


@dataclass(frozen=True)
class Listing:
    """A list command's question: the user's filters and sort (`ListQuery`) on one record type's
    list (`ListSpec`), with the facts that live on other records (`extra_text`: an
    opportunity's account name to search; `source_of`: a quote's lead source; `status_of`: an
    invoice's overdue). The hooks get a record's stored form and are pure."""

    query: ListQuery
    spec: ListSpec
    status_of: Callable[[Stored], str] | None = None
    extra_text: Callable[[Stored], str] | None = None
    source_of: Callable[[Stored], str | None] | None = None

    @property
    def where(self) -> Match | None:
        """What a backend may select by before `kept` (an indexed column): the owner."""
        owner = self.query.owner
        return Match.where(owner=owner) if owner else None

    def kept(self, stored: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """The stored records the filters keep, in the order given (for backends: the
        reference semantics of a listing)."""
        from salesflow.pipeline.listing import select

        return select(
            stored,
            self.query,
            self.spec,
            status_of=self.status_of,
            extra_text=self.extra_text,
            source_of=self.source_of,
        )


def signed(stored: dict[str, Any], seller: str | None) -> dict[str, Any]:
    """An event's stored form naming `seller` as who did it, unless it names someone already
    (what `UnitOfWork.add_events` writes)."""
    if seller and not stored.get("by"):
        stored["by"] = seller
    return stored


class BuiltOnRead(Sequence[R]):
    """Stored forms built into records one at a time, as they are read: what `arranged` returns
    (a list that shows 20 of 100k leads builds 20)."""

    def __init__(self, docs: Sequence[Stored], build: Callable[[Stored], R]):
        self._docs, self._build = docs, build

    def __len__(self) -> int:
        return len(self._docs)

    @overload
    def __getitem__(self, index: int) -> R: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[R]: ...
    def __getitem__(self, index: int | slice) -> R | Sequence[R]:
        if isinstance(index, slice):
            return BuiltOnRead(self._docs[index], self._build)
        return self._build(self._docs[index])

    def __iter__(self) -> Iterator[R]:
        return map(self._build, self._docs)

    def stored_values(self, name: str) -> Iterator[Any]:
        """A field of each record as stored, without building any (a list's owners)."""
        return (doc.get(name) for doc in self._docs)


def build(model: type[R], stored: Stored, place: str) -> R:
    """A stored record as its validated model; a record that does not validate is an error
    naming the data (`place`: "data file PATH", "database URL"), the record and the field."""
    from pydantic import ValidationError

    from salesflow.errors import StoreError

    try:
        return model.model_validate(stored)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        ident = stored.get("number") or stored.get("sku") or "?"
        raise StoreError(
            f"{place}: {model.__name__.lower()} {ident} is invalid ({where}: {first['msg']}); "
            "fix the record or run `salesflow undo`",
            exit_code=1,
        ) from None


def deal_section(uow: UnitOfWork, table: str) -> dict[str, Any]:
    """A deal table's section of the agenda index (`pipeline.agenda_index.deal_index`) derived
    from the unit of work's records."""
    from salesflow.models import TYPES_BY_TABLE
    from salesflow.pipeline.agenda_index import deal_index

    return deal_index(uow.all(TYPES_BY_TABLE[table]))  # type: ignore[arg-type]


def derived_agenda_index(uow: UnitOfWork) -> AgendaIndex:
    """The agenda index derived from every stored activity, deal record, lead and account, as a
    write derives it; a record that does not validate is left out (for `doctor`, which names it)."""
    from salesflow.errors import SalesflowError
    from salesflow.models import TYPES_BY_TABLE
    from salesflow.pipeline.agenda import AgendaIndex
    from salesflow.pipeline.agenda_index import SOURCES, section

    def derived(table: str) -> dict[str, Any]:
        model = TYPES_BY_TABLE[table]

        def built(doc: Mapping[str, Any]) -> Any:
            try:
                return build(model, doc, table)
            except SalesflowError:
                return None

        return section(table, uow.stored(model), built)

    sections = {table: derived(table) for table in SOURCES}
    return AgendaIndex.from_stored(sections)


class LoadedOnLookup(Mapping[str, R]):
    """Records by a key, each built when looked up (what `index_by` returns): a batch that looks
    up a few of 100k accounts by name builds a few."""

    def __init__(self, numbers: dict[str, str], load: Callable[[str], R]) -> None:
        self._numbers = numbers
        self._load = load

    def __getitem__(self, key: str) -> R:
        return self._load(self._numbers[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._numbers)

    def __len__(self) -> int:
        return len(self._numbers)


class UnitOfWork(Protocol):
    """One command's view of the data: records in, records out, keyed by business number.

    Reads see this unit of work's own changes. Writes (`put`, `remove`, `add_*`, counters,
    settings) are kept until the block that opened the unit of work ends without an error.
    """

    writable: bool
    today: Callable[[], date] | None
    """The shell's today, for numbers typed short (`2` for this year's `INV-2026-0002`)."""
    seller: str | None
    """Who acts in this unit of work, set by the shell when it opens one (`$SALESFLOW_SELLER`,
    else `who()`): services make the records they create owned by it, and `add_events` writes it
    into each event that names no one (`Event.by`). None: no one (tests, `db copy`)."""

    def who(self) -> str:
        """The user the backend knows this command by: the database user (`current_user`, asked
        once) or, for a data file, the operating system's login name."""
        ...

    # -- records by number ---------------------------------------------------------------------

    def full_number(self, model: type[Record], typed: str) -> str:
        """`typed` with a number typed short written out (`2` -> `L-0002`)."""
        ...

    def find(self, model: type[R], key: str) -> R | None:
        """The record with business number (or SKU, or `QUO-0001#2`) `key`, any case; or None."""
        ...

    def get(self, model: type[R], key: str) -> R:
        """Like `find`; raises NotFound naming the record type and the number."""
        ...

    # -- named queries -------------------------------------------------------------------------

    def all(self, model: type[R], where: Match | None = None) -> list[R]:
        """Every record of a type (in creation order) that `where` wants."""
        ...

    def count(self, model: type[Record], where: Match | None = None) -> int:
        """How many records `all(model, where)` would give, without building them."""
        ...

    def list_records(self, model: type[R], listing: Listing) -> list[R]:
        """The records a list command shows, filtered (not yet sorted or cut: see
        `listing.arrange`), in creation order."""
        ...

    def arranged(self, model: type[R], listing: Listing) -> Sequence[R]:
        """`list_records` sorted by the listing's `--sort` and cut to its `--limit`
        (`listing.arrange`), each record built only when it is read: a list command that shows
        20 of 100k leads builds 20."""
        ...

    def revisions(self, quote: str) -> list[Quote]:
        """Every revision of quote number `quote` (`QUO-0001`), oldest first."""
        ...

    def quotes_of(self, opportunity: str) -> list[Quote]:
        """Every quote revision of an opportunity, oldest first."""
        ...

    def index_by(self, model: type[R], field: str, key: Callable[[Any], str]) -> Mapping[str, R]:
        """Records by `key(field value)` (the first one wins), built when looked up."""
        ...

    def group_by(
        self, model: type[R], field: str, key: Callable[[Any], str]
    ) -> Callable[[str], list[R]]:
        """All records by `key(field value)`, grouped once for a batch's many lookups."""
        ...

    def emails_and_names(
        self,
    ) -> Iterator[tuple[str, str, str | None, str | None, str | None, str | None]]:
        """For an import's duplicate checks, without building records: each lead's and
        contact's `(kind, number, email, first_name, last_name, company)`, kind `"lead"` or
        `"contact"`; read once, not kept."""
        ...

    def values(
        self, model: type[Record], fields: Sequence[str], where: Match | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """Some fields of each record `where` wants, as stored (dates and money as text, None
        for a field a record lacks), in creation order, without building records: what a big
        file's agenda or a name lookup needs of every lead or activity."""
        ...

    def agenda_index(self) -> AgendaIndex:
        """What the agenda needs of every activity and deal record, whatever the period
        (`pipeline.agenda_index`): the open tasks, calls and meetings with a due date, the day
        each lead was last touched, and the invoices, quotes, opportunities and orders an agenda
        may show; this unit of work's own changes included. The file keeps it derived at each
        write, so the agenda reads neither the activities nor the deals' lines."""
        ...

    def event_count(self) -> int:
        """How many story events there are (`info`)."""
        ...

    def stored(self, model: type[Record]) -> Iterator[Stored]:
        """Every record of a type in its stored form, for the commands that copy records
        whole (`export`, `db copy`, `doctor`) and for Tab completion's candidates; a command that
        wants some records asks a named query instead."""
        ...

    # -- the data as a whole (`info`, `doctor`) -------------------------------------------------

    @property
    def file_schema(self) -> int:
        """The schema version of the data as stored (reads see it upgraded to the current)."""
        ...

    def contents(self) -> Mapping[str, Mapping[str, Stored]]:
        """Every table as stored, salesflow's or not, each keyed by the backend's own record
        ids, unvalidated and read-only: for `doctor`, which looks for what no command writes
        (an unknown table, a record that does not validate, a broken reference)."""
        ...

    # -- changes -------------------------------------------------------------------------------

    def put(self, *records: Record) -> None:
        """Insert or replace records, by business key."""
        ...

    def remove(self, record: Record) -> None:
        """Delete a record."""
        ...

    def add_stored(self, model: type[Record], stored: Sequence[Stored]) -> None:
        """Append new records already in their checked stored form (a bulk import)."""
        ...

    def adding(
        self, model: type[Record]
    ) -> AbstractContextManager[Callable[[Sequence[Stored]], None]]:
        """`add_stored` in pieces: the block gets a function that appends new records of
        `model` already in their checked stored form, in the order given, as a bulk import
        decides them (a database stores each piece while the next ones are decided). From the
        first piece to the end of the block, nothing else may be read or written through this
        unit of work."""
        ...

    def add_events(self, events: Iterable[Event]) -> None:
        """Append to the deals' stories; an event without `by` gets `seller` (when set)."""
        ...

    def events(self, numbers: set[str] | None = None) -> list[Event]:
        """The story events of the records numbered `numbers` (all when None), oldest first."""
        ...

    def counter(self, series: str) -> int:
        """The last number handed out in a series (`L`, `INV-2026`), 0 if none."""
        ...

    def counters(self) -> dict[str, int]:
        """Every series' last number handed out (`{"L": 12, "INV-2026": 3}`), for the commands
        that copy a seller's data whole (`db copy`)."""
        ...

    def next_numbers(self, series: str, count: int = 1) -> list[int]:
        """Hand out the next `count` numbers of a series, gapless, unique under concurrency."""
        ...

    def config(self) -> dict[str, Any]:
        """The seller's settings."""
        ...

    def set_config(self, values: dict[str, Any]) -> None:
        """Store settings: each one named in `values` takes its value there (None included)."""
        ...

    def savepoint(self) -> Any:
        """A mark to roll back to (each record of a batch command); opaque to callers."""
        ...

    def rollback(self, mark: Any) -> None:
        """Undo every change since `mark`."""
        ...


class Backend(Protocol):
    """Where the data lives: a JSON file or a PostgreSQL database."""

    def location(self) -> str:
        """What `info` and error messages name (a path, or a URL without its password)."""
        ...

    def reading(self) -> AbstractContextManager[UnitOfWork]:
        """A unit of work that only reads."""
        ...

    def writing(self) -> AbstractContextManager[UnitOfWork]:
        """A unit of work whose changes are committed as a whole when the block ends."""
        ...

    def run_writing(self, command: Callable[[Any], T]) -> T:
        """`command(unit_of_work)` in a writing unit of work, committed when it returns. A
        database may end a transaction for a deadlock or a serialization failure; this form
        then runs the whole command again (a bounded number of times), which a `with
        writing()` block cannot do. `command` must therefore only change the data through the
        unit of work and print nothing."""
        ...
