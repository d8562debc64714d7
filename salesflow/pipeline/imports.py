"""Bulk lead import, the deciding half: mapped rows in, new lead documents and a report out.

Each row goes through the same checks as `lead add` (a last name or a company, email syntax, a
value of 0 or more). Duplicates are found by email (trimmed, any case) against existing leads,
contacts and earlier rows of the same file; without email by first name + last name + company.
The result holds stored-form documents rather than models: a 100k-row import must not pay for
100k model validations, and `lead_document` builds exactly what `Lead.stored()` would.

Most files map each column to one lead field as it is (a scanner export, a CRM template); the
importer hands those over as cells (`CellRows`), and a row whose cells are plainly valid becomes
its document in one step. Every other row takes the general way, so that its checks and messages
are exactly those of any other file.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import compress, islice
from operator import attrgetter, itemgetter, not_
from typing import Any, NamedTuple, Protocol, runtime_checkable

from salesflow.errors import InvalidValue
from salesflow.models import Event, Lead, LeadStatus
from salesflow.pipeline.fields import clean, event
from salesflow.pipeline.leads import LEAD_FIELDS, lead_values
from salesflow.pipeline.listing import FORMULA_STARTS
from salesflow.pipeline.matching import match_key, name_key
from salesflow.pipeline.money import cents, parse_money
from salesflow.pipeline.numbering import format_number

ON_DUPLICATE = ("skip", "update")
PROGRESS_EVERY = 5000
"""Rows between two calls of the progress callback."""


class Row(Protocol):
    """What the importer hands over for each data row (see salesflow.importer.MappedRow)."""

    @property
    def row_no(self) -> int: ...
    @property
    def fields(self) -> dict[str, str] | None: ...
    @property
    def error(self) -> str | None: ...
    @property
    def original(self) -> dict[str, str]: ...
    @property
    def skip(self) -> str | None: ...


@runtime_checkable
class CellRows(Protocol):
    """A file's rows as cells, for a file whose every used column feeds one lead field as it is
    (see salesflow.importer.CellTable).

    `columns` pairs each lead field with the index of the cell that holds it; `rows` are
    (row number, cells) in row order and `broken` the rows the reader could not split (rows with
    an error), also in row order. A row's fields are its trimmed cells, left out when empty;
    a row with none is no row. `source` is what the mapping gives a row without one (a profile's
    source), or None.

    The importer's own rules come along: it rejects a row whose email fails `email_ok` or whose
    amount `amount_text` cannot read (None) or reads as negative, and it keeps the amount as
    `amount_text` writes it. A first name with a space or a dot, or one of `honorifics`
    (casefolded), may hold a title the general way takes out. `mapped` maps one row the
    importer's general way (a skipped row: nothing to import), for every row that is not
    plainly valid, so that its message is the importer's.
    `neutralised` is false when no cell can start with an apostrophe before a formula character
    (a cell an export neutralised), which spares looking at each cell.
    """

    @property
    def columns(self) -> Sequence[tuple[str, int]]: ...
    @property
    def rows(self) -> Sequence[tuple[int, list[str]]]: ...
    @property
    def broken(self) -> Sequence[Row]: ...
    @property
    def source(self) -> str | None: ...
    @property
    def neutralised(self) -> bool: ...
    def mapped(self, row_no: int, cells: list[str]) -> Row: ...
    def email_ok(self, email: str) -> bool: ...
    def amount_text(self, text: str) -> str | None: ...
    @property
    def honorifics(self) -> AbstractSet[str]: ...
    def __len__(self) -> int: ...


class RowOutcome(NamedTuple):
    """What happened to one row: imported, updated, duplicate, rejected or skipped."""

    row_no: int
    status: str
    number: str | None = None
    message: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row_no,
            "status": self.status,
            "number": self.number,
            "message": self.message,
        }


_STATUS = attrgetter("status")


@dataclass
class ImportPlan:
    """New lead documents, updated leads, one event per batch, and every row's outcome."""

    new_docs: list[dict[str, Any]] = field(default_factory=list)
    updated: list[Lead] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)
    rejected: list[tuple[int, dict[str, str], str]] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    """Why rows held nothing to import ("blank", "report footer", ...) -> how many."""
    differed: int = 0
    """Values of duplicates that differ from the lead's and went to its notes (update mode)."""

    _counts: Counter[str] = field(default_factory=Counter, init=False, repr=False, compare=False)
    _counted: int = field(default=0, init=False, repr=False, compare=False)

    def count(self, status: str) -> int:
        """How many rows had this outcome (counted once for all statuses, again only when
        outcomes were added since)."""
        if self._counted != len(self.outcomes):
            self._counts = Counter(map(_STATUS, self.outcomes))
            self._counted = len(self.outcomes)
        return self._counts[status]


@dataclass(frozen=True)
class Known:
    """Who is already in the data file, keyed for duplicate checks.

    `emails` maps `match_key(email)` to a lead or contact number; `names` maps `name_key(...)` of
    every lead to its number. `names` may be a function giving that mapping: it is called only
    when a row without email needs it, as folding 100k names costs more than the rest of a check,
    with the companies (as name keys hold them) the rows without email look for, or None. Given
    companies, it may leave out the leads whose company is plain text none of them (see
    `known_names`); it is called again with None if another name is looked for after all.
    `unmailed` keys, as `names` does, only the leads that have no email.
    """

    emails: Mapping[str, str]
    names: Mapping[str, str] | Callable[[AbstractSet[str] | None], Mapping[str, str]]
    unmailed: Mapping[str, str] = field(default_factory=dict)
    """`name_key` -> number of the stored leads without an email: a row with an email and their
    name and company is the same person."""


def lead_name_key(values: Mapping[str, Any]) -> str:
    """`matching.name_key` of a lead's values or stored form."""
    return name_key(values.get("first_name"), values.get("last_name"), values.get("company"))


def known_names(
    leads: Iterable[tuple[Any, Any, Any, str]], wanted: AbstractSet[str] | None = None
) -> dict[str, str]:
    """`name_key` -> number for the (first name, last name, company, number) of stored leads,
    the first lead of a key winning; leads without any of the three are left out (for
    `Known.names`). Given `wanted` companies, so are the leads whose company is plain text (its
    key's part is then its lower case) none of them."""
    found: dict[str, str] = {}
    for first, last, company, number in leads:
        if wanted is not None:
            text = company or ""
            if isinstance(text, str) and _plain(text) and text.lower() not in wanted:
                continue
        if key := name_key(first, last, company):
            found.setdefault(key, number)
    return found


def _plain(text: str) -> bool:
    """Whether `text`'s part of a name key is its lower case: printable ASCII, spaces single and
    inside."""
    return (
        text.isascii()
        and text.isprintable()
        and "  " not in text
        and text[:1] != " "
        and text[-1:] != " "
    )


def lead_document(
    values: Mapping[str, Any], *, number: str, today: date, **links: str | None
) -> dict:
    """The stored form of a new open lead, equal to `Lead(...).stored()` for the same values.

    `values` are checked values (`lead_values`): an estimated value is already in cents.
    """
    doc: dict[str, Any] = {"number": number}
    get = values.get
    for name in LEAD_FIELDS:
        value = get(name)
        if value is not None:
            doc[name] = f"{value:.2f}" if name == "estimated_value" else value
    doc["status"] = "open"
    doc["status_reason"] = "new"
    doc["created_on"] = today.isoformat()
    doc.update({k: v for k, v in links.items() if v})
    return doc


def _restored(value: str) -> str:
    """A cell an export neutralised against formula injection (`'+31 20 ...`), as it was."""
    if value[:1] == "'" and value[1:2] in FORMULA_STARTS:
        return value[1:]
    return value


def _checked(row: Row, source: str | None) -> dict[str, Any]:
    """The row's lead values through `lead add`'s checks; InvalidValue names the row."""
    fields = {name: _restored(value) for name, value in (row.fields or {}).items()}
    if source is not None:
        fields.setdefault("source", source)
    values = lead_values(fields, f"row {row.row_no}")
    if not values.get("last_name") and not values.get("company"):
        raise InvalidValue(f"row {row.row_no}: a lead needs a last name or a company")
    return values


FIELD_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "company": "Company",
    "email": "Email",
    "phone": "Phone",
    "mobile": "Mobile",
    "job_title": "Job title",
    "website": "Website",
    "city": "City",
    "country": "Country",
    "topic": "Topic",
    "estimated_value": "Estimated value",
}
"""How a differing value is named in the notes: `Phone (import IMP-0003): +31 20 ...`."""


def _merge(
    existing: Mapping[str, Any], values: Mapping[str, Any], batch: str
) -> tuple[dict[str, Any], int]:
    """(changes, how many differing values went to the notes): empty fields filled from
    `values`; a value that differs from the lead's (beyond case and spacing) keeps the lead's
    and goes to its notes as
    `Phone (import IMP-0003): ...`; notes appended. No value already noted (by any import) is
    added again, and nothing is overwritten."""
    changes: dict[str, Any] = {}
    lines: list[tuple[str, str]] = []
    for name, value in values.items():
        if value is None or name in ("source", "notes"):
            continue
        current = existing.get(name)
        if current in (None, ""):
            changes[name] = value
        elif not _same(name, current, value):
            lines.append((FIELD_LABELS.get(name, name), _shown(value)))
    current_notes = str(existing.get("notes") or "")
    new_notes = values.get("notes")
    added = [new_notes] if new_notes and new_notes not in current_notes else []
    noted = current_notes.splitlines()
    differed = [
        f"{label} (import {batch}): {value}"
        for label, value in lines
        if not any(
            line.startswith(f"{label} (import ") and line.endswith(f"): {value}") for line in noted
        )
    ]
    added += differed
    if added:
        changes["notes"] = "\n".join([current_notes, *added] if current_notes else added)
    return changes, len(differed)


def _same(name: str, current: Any, value: Any) -> bool:
    if name == "estimated_value":
        return Decimal(str(current)) == Decimal(str(value))
    return " ".join(str(current).split()).casefold() == " ".join(str(value).split()).casefold()


def _shown(value: Any) -> str:
    return f"{cents(value):.2f}" if isinstance(value, Decimal) else str(value)


class _Index:
    """The duplicate checks of one import: emails, and names (built on first use)."""

    def __init__(self, known: Known) -> None:
        self.emails = dict(known.emails)
        self.unmailed = dict(known.unmailed)  # name key -> lead without email, stored or new
        self._known_names = known.names
        self.built: dict[str, str] | None = None
        self.known: dict[str, str] = {}  # the stored leads' names, once built
        self.wanted: set[str] | None = None  # the companies looked for, when known before
        self.known_whole = False  # whether `known` has every stored lead's name
        self.pending: list[dict[str, Any]] = []  # new documents, until names are built

    def names(self) -> dict[str, str]:
        if self.built is None:
            self.known = self._gather(self.wanted)
            self.built = dict(self.known)
            for doc in self.pending:
                _key_into(self.built, doc)
            self.pending = []
        return self.built

    def rekey(self, docs: Iterable[dict[str, Any]]) -> None:
        """Key the names again from the known ones and all new documents `docs`, in order
        (after some were left out: see `_CellLane.wanted`)."""
        self.wanted = None
        if self.built is not None:
            if not self.known_whole:
                self.known = self._gather(None)
            self.built.clear()
            self.built.update(self.known)
            for doc in docs:
                _key_into(self.built, doc)

    def _gather(self, wanted: set[str] | None) -> dict[str, str]:
        known = self._known_names
        if not callable(known):
            self.known_whole = True
            return dict(known)
        self.known_whole = wanted is None
        return dict(known(wanted))

    def match(self, values: Mapping[str, Any], email: str) -> tuple[str | None, str]:
        """(the number of the lead or contact a row with these values and `match_key` of its
        email duplicates, or None; why): the same email, else the same name and company, as
        a lead without email for a row with one."""
        if email:
            found = self.emails.get(email)
            if found is not None:
                return found, f"same email {values['email']}"
            key = lead_name_key(values) if self.unmailed else ""
            found = self.unmailed.get(key) if key else None
            return found, f"same name and company; {found} has no email"
        key = lead_name_key(values)
        return (self.names().get(key) if key else None), "same name and company"

    def add(self, doc: dict[str, Any], email: str) -> None:
        if email:
            self.emails[email] = doc["number"]
        elif key := lead_name_key(doc):
            self.unmailed.setdefault(key, doc["number"])
        if self.built is None:
            self.pending.append(doc)
        else:
            _key_into(self.built, doc)

    def mailed(self, number: str, values: Mapping[str, Any], email: str) -> None:
        """Lead `number`, found by name, got the row's email (update mode)."""
        self.emails.setdefault(email, number)
        if self.unmailed.get(key := lead_name_key(values)) == number:
            del self.unmailed[key]


def _key_into(names: dict[str, str], doc: Mapping[str, Any]) -> None:
    """Key `doc` by name in `names` unless an earlier one has its key (or it has none)."""
    if key := lead_name_key(doc):
        names.setdefault(key, doc["number"])


def plan_import(
    rows: Sequence[Row] | CellRows,
    *,
    known: Known,
    load_lead: Callable[[str], Lead],
    on_duplicate: str,
    source: str,
    batch: str,
    first_number: int,
    file_name: str,
    today: date,
    now: datetime,
    fill_source: bool = True,
    progress: Callable[[int], None] | None = None,
    owner: str | None = None,
    decided: Callable[[list[dict[str, Any]]], None] | None = None,
) -> ImportPlan:
    """Decide each row's fate; new leads get numbers from `first_number` on, in file order,
    and belong to `owner` (who imports them).

    A row duplicates an existing lead or contact, or an earlier row, with the same email
    (trimmed, any case); a row without email one with the same first name, last name and
    company. Rows the reader could not split arrive as rows with an error and are rejected as
    they are. With `on_duplicate="update"` a duplicate of an open lead fills that lead's empty
    fields and adds its notes; duplicates of contacts or of closed leads are skipped. Rows
    without a source get `source` unless `fill_source` is false (salesflow's own export, whose
    empty Source cells mean "no source"). One `imported` event is recorded under the batch
    number; each updated lead gets an `edited` event naming the fields filled. `rows` may be
    `CellRows`: the outcome is the same as for the rows the importer would map from them.

    `decided` hears of the new documents in pieces, in order, once they are final: those
    decided since its last call, every PROGRESS_EVERY rows and at the end (with
    `on_duplicate="update"` all of them at the end: a later row may still merge into one).
    """
    if on_duplicate not in ON_DUPLICATE:
        raise InvalidValue(f"--on-duplicate {on_duplicate!r} is not one of: skip, update")
    planner = _Planner(
        known=known,
        load_lead=load_lead,
        update=on_duplicate == "update",
        source=source,
        fill_source=fill_source,
        batch=batch,
        first_number=first_number,
        today=today,
        owner=owner,
    )
    plan = planner.plan
    sent = 0
    step = progress
    if decided is not None and not planner.update:

        def step(done: int) -> None:
            nonlocal sent
            if len(plan.new_docs) > sent:
                decided(plan.new_docs[sent:])
                sent = len(plan.new_docs)
            if progress is not None:
                progress(done)

    if isinstance(rows, CellRows):
        planner.cells(rows, step)
    else:
        planner.rows(rows, step)
    if decided is not None and len(plan.new_docs) > sent:
        decided(plan.new_docs[sent:])
    plan.updated = [lead for lead, _ in planner.updates.values()]
    plan.events = [
        event(
            now,
            batch,
            "imported",
            None,
            None,
            file=file_name,
            source=source,
            imported=len(plan.new_docs),
            first=plan.new_docs[0]["number"] if plan.new_docs else None,
            last=plan.new_docs[-1]["number"] if plan.new_docs else None,
            updated=len(plan.updated) or None,
            duplicates=plan.count("duplicate") or None,
            rejected=len(plan.rejected) or None,
        )
    ]
    plan.events += [
        event(now, lead.number, "edited", fields=sorted(fields), import_batch=batch)
        for lead, fields in planner.updates.values()
    ]
    return plan


_new_outcome = tuple.__new__  # RowOutcome(...) without the generated __new__'s Python-level call


class _Planner:
    """One import's decisions, row by row: the plan so far, the duplicate index, the numbers."""

    def __init__(
        self,
        *,
        known: Known,
        load_lead: Callable[[str], Lead],
        update: bool,
        source: str,
        fill_source: bool,
        batch: str,
        first_number: int,
        today: date,
        owner: str | None,
    ) -> None:
        self.plan = ImportPlan()
        self.owner = owner
        self.index = _Index(known)
        self.load_lead = load_lead
        self.update = update
        self.source = source
        self.fill = source if fill_source else None
        self.batch = batch
        self.next_number = first_number
        self.today = today
        self.new_by_number: dict[str, dict[str, Any]] = {}
        self.updates: dict[str, tuple[Lead, set[str]]] = {}

    def rows(self, rows: Iterable[Row], progress: Callable[[int], None] | None) -> None:
        for done, row in enumerate(rows, start=1):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done)
            self.row(row)

    def row(self, row: Row) -> None:
        """The general way: any row, any field, through `lead_values`."""
        plan = self.plan
        if row.fields is None and row.error is None:
            why = row.skip or "nothing to import"
            plan.skipped[why] += 1
            message = f"row {row.row_no}: skipped ({why})"
            plan.outcomes.append(RowOutcome(row.row_no, "skipped", message=message))
            return
        if row.error is not None:
            plan.rejected.append((row.row_no, row.original, row.error))
            plan.outcomes.append(RowOutcome(row.row_no, "rejected", message=row.error))
            return
        try:
            values = _checked(row, self.fill)
        except InvalidValue as exc:
            plan.rejected.append((row.row_no, row.original, str(exc)))
            plan.outcomes.append(RowOutcome(row.row_no, "rejected", message=str(exc)))
            return

        email = match_key(values.get("email"))
        match, why = self.index.match(values, email)
        if match is None:
            number = format_number(Lead.prefix, self.next_number)
            self.next_number += 1
            doc = lead_document(
                values, number=number, today=self.today, imported_in=self.batch, owner=self.owner
            )
            plan.new_docs.append(doc)
            self.new_by_number[number] = doc
            self.index.add(doc, email)
            plan.outcomes.append(RowOutcome(row.row_no, "imported", number))
            return

        outcome = RowOutcome(
            row.row_no, "duplicate", match, f"row {row.row_no}: duplicate of {match} ({why})"
        )
        if self.update and match.startswith("L-"):
            outcome, differed = _update(
                match, values, self.new_by_number, self.updates, self.load_lead, row.row_no, why,
                self.batch,
            )  # fmt: skip
            plan.differed += differed
            if email and outcome.status == "updated" and email not in self.index.emails:
                self.index.mailed(match, values, email)
        plan.outcomes.append(outcome)

    def cells(self, table: CellRows, progress: Callable[[int], None] | None) -> None:
        """Rows in row order: the broken ones between the others."""
        rows = table.rows
        lane = _CellLane(self, table)
        done = start = 0
        for broken in table.broken:
            end = bisect_left(rows, broken.row_no, lo=start, key=_ROW_NO)
            done = lane.run(rows, start, end, done, progress) + 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done)
            self.row(broken)
            start = end
        lane.run(rows, start, len(rows), done, progress)


_ROW_NO = itemgetter(0)
_CELLS = itemgetter(1)
_UNSEEN: Any = object()  # an amount text not read yet
_strip = str.strip


class _CellLane:
    """`CellRows` rows made documents: a row whose cells are plainly valid becomes its document
    straight from its cells, with the rules of the general way (the importer's checks, then
    `lead add`'s) answered by cheaper means; every other row is mapped and goes the general way.

    Why the cheap answers are the same: the cells are trimmed, so `clean` keeps them as they are;
    with no apostrophe in front, none is a neutralised cell to restore; an email the importer
    accepts passed `matching.is_email`, `lead add`'s own check; amounts are read once per
    distinct text, by the importer and by `parse_money` as the general way does; emails, names
    and numbers are keyed and formatted by the same functions (`matching`, `numbering`).
    """

    def __init__(self, planner: _Planner, table: CellRows) -> None:
        self.planner = planner
        self.table = table
        order = {name: n for n, name in enumerate(LEAD_FIELDS)}
        fields = [name for name, _ in table.columns]
        # Columns that are no lead field, or two for one field: the general way says what then.
        self.general = not fields or len(set(fields)) < len(fields) or not order.keys() >= {*fields}
        if self.general:
            return
        columns = sorted(table.columns, key=lambda column: order[column[0]])
        keys = [name for name, _ in columns]
        indexes = [index for _, index in columns]
        if len(indexes) == 1:
            only = indexes[0]
            self.cells_of: Callable[[list[str]], Sequence[str]] = lambda cells: (cells[only],)
        else:
            self.cells_of = itemgetter(*indexes)  # type: ignore[assignment]
        if table.source:
            self.fill = clean(_restored(table.source))
        else:
            self.fill = clean(planner.fill) if planner.fill is not None else None
        self.insert_at: int | None = None  # where the filled source goes for want of a column
        self.fill_at: int | None = None  # the source column, filled when empty
        if "source" in keys:
            self.fill_at = keys.index("source")
        elif self.fill is not None:
            self.insert_at = sum(1 for name in keys if order[name] < order["source"])
            keys.insert(self.insert_at, "source")
        self.keys = tuple(keys)
        self.at = {name: n for n, name in enumerate(keys)}
        self.amounts: dict[str, str | None] = {}
        tail = {"status": "open", "status_reason": "new", "created_on": planner.today.isoformat()}
        if planner.batch:
            tail["imported_in"] = planner.batch
        if planner.owner:
            tail["owner"] = planner.owner
        self.tail = tail
        self.wanted = planner.index.wanted = self.wanted_companies(columns)
        self.skipped = False  # whether some new document was not keyed by name

    def wanted_companies(self, columns: list[tuple[str, int]]) -> set[str] | None:
        """The companies (as name keys hold them) of the rows without email, which look for
        an earlier lead by name; None when that cannot tell which documents to key.

        A new document whose key could equal no such row's key needs no key: one whose company
        is plain ASCII text (its key's last part is then its lower case) not among these.
        (Companies tell more apart than last names: a fair's visitors share a few hundred
        surnames.) A row that goes the general way may look for another key than its cells give
        (a neutralised cell restored): every new document is keyed before it (see `catch_up`).
        """
        at = dict(columns)
        if "email" not in at:
            return None  # every row looks for names
        email_at = at["email"]
        name_at = [at.get(name) for name in ("first_name", "last_name", "company")]
        wanted: set[str] = set()
        rows = self.table.rows
        blank = map(not_, map(_strip, map(itemgetter(email_at), map(_CELLS, rows))))
        for _, cells in compress(rows, blank):
            first, last, company = (_strip(cells[i]) if i is not None else "" for i in name_at)
            if not last:
                continue  # the general way rejects it, or it has no name to look for
            key = name_key(first, last, company)
            if key.count("|") != 2:
                return None  # a part holds a "|" (or folds to one): parts cannot be told apart
            wanted.add(key.rpartition("|")[2])
        return wanted

    def catch_up(self) -> None:
        """Before a row goes the general way, which may look for any name: key every new
        document, and every one from now on."""
        index = self.planner.index
        if self.skipped or not index.known_whole:
            index.rekey(self.planner.plan.new_docs)
            self.skipped = False
        self.wanted = index.wanted = None

    def stored_amount(self, text: str) -> str | None:
        """The stored form of an amount cell, or None when the importer or `lead add` refuses
        it (the general way then says why)."""
        normal = self.table.amount_text(text)
        if normal is None or normal[:1] == "-":
            return None
        try:
            return f"{parse_money(normal, 'estimated value'):.2f}"
        except InvalidValue:
            return None

    def run(
        self,
        rows: Sequence[tuple[int, list[str]]],
        start: int,
        end: int,
        done: int,
        progress: Callable[[int], None] | None,
    ) -> int:
        """Rows `start` to `end`, `done` rows being done before; returns how many are done
        after. `progress` hears of every PROGRESS_EVERY rows, as from the general way."""
        if progress is None:
            self.hot(islice(rows, start, end))
            return done + end - start
        while start < end:
            step = min(end - start, PROGRESS_EVERY - done % PROGRESS_EVERY)
            self.hot(islice(rows, start, start + step))
            start += step
            done += step
            if done % PROGRESS_EVERY == 0:
                progress(done)
        return done

    def hot(self, rows: Iterable[tuple[int, list[str]]]) -> None:
        """The hot loop: a handful of C-level calls per row for the common case."""
        planner, table = self.planner, self.table
        if self.general:
            for row_no, cells in rows:
                self.slow(row_no, cells)
            return
        plan = planner.plan
        new_docs, outcomes = plan.new_docs, plan.outcomes
        index = planner.index
        emails, built = index.emails, index.built
        update = planner.update
        new_by_number = planner.new_by_number if update else None
        keys, cells_of, tail = self.keys, self.cells_of, self.tail
        fill, insert_at, fill_at = self.fill, self.insert_at, self.fill_at
        email_ok, neutralised = table.email_ok, table.neutralised
        honorifics = table.honorifics
        amounts = self.amounts
        # first name, last name, company, email, amount; a field without column reads an
        # empty cell added at the end
        at = self.at
        wanted = ("first_name", "last_name", "company", "email", "estimated_value")
        pick = itemgetter(*(at.get(name, len(keys)) for name in wanted))
        pad = not all(name in at for name in wanted)
        at_notes = at.get("notes")
        number_at = planner.next_number
        prefix, number_of, key_of = Lead.prefix, format_number, match_key  # locals: per row
        companies = self.wanted
        unmailed = index.unmailed
        for row_no, cells in rows:
            vals = list(map(_strip, cells_of(cells)))
            if insert_at is not None:
                vals.insert(insert_at, fill or "")
            elif fill_at is not None and not vals[fill_at]:
                vals[fill_at] = fill or ""
            if pad:
                vals.append("")
            first, last, company, email, amount = pick(vals)
            stored: str | None = ""
            if amount:
                stored = amounts.get(amount, _UNSEEN)
                if stored is _UNSEEN:
                    stored = amounts[amount] = self.stored_amount(amount)
            if (
                not (last or company)
                or stored is None
                or (email and not email_ok(email))
                or (neutralised and any(value[:1] == "'" for value in vals))
                or (first and (" " in first or "." in first or first.casefold() in honorifics))
            ):
                planner.next_number = number_at
                self.catch_up()
                self.slow(row_no, cells)
                number_at, built, companies = planner.next_number, index.built, self.wanted
                continue
            name = None
            if email:
                key = key_of(email)
                match = emails.get(key)
                if match is None and unmailed and last:  # the same person, stored without email
                    match = unmailed.get(name_key(first, last, company))
            elif last:
                key = ""
                if built is None:
                    built = index.names()
                name = name_key(first, last, company)
                match = built.get(name)
            else:
                key = ""  # no name to look for: nobody's duplicate
                match = None
            if match is None:
                number = number_of(prefix, number_at)
                number_at += 1
                doc = {"number": number}
                # vals may be padded; zip(strict=...) would cost a keyword call per row
                doc.update(compress(zip(keys, vals), vals))  # noqa: B905
                if stored:
                    doc["estimated_value"] = stored
                if at_notes is not None and "\r" in (notes := vals[at_notes]):
                    doc["notes"] = notes.replace("\r\n", "\n").replace("\r", "\n")
                doc.update(tail)
                new_docs.append(doc)
                if key:
                    emails[key] = number
                elif name is not None:
                    unmailed.setdefault(name, number)
                if built is None:
                    index.pending.append(doc)
                elif not last:
                    pass  # no name, no key
                elif (  # the company tests are `_plain`'s, inline, for a trimmed cell
                    name is not None
                    or companies is None
                    or company.lower() in companies
                    or not (company.isascii() and company.isprintable())
                    or "  " in company
                ):
                    built.setdefault(name or name_key(first, last, company), number)
                else:  # no row without email looks for this company
                    self.skipped = True
                if new_by_number is not None:
                    new_by_number[number] = doc
                outcomes.append(_new_outcome(RowOutcome, (row_no, "imported", number, None)))
            elif update and match.startswith("L-"):
                planner.next_number = number_at
                # an update needs the general way's checked values; it looks for the same
                # email or name key as here, and adds no document: nothing to catch up
                self.slow(row_no, cells)
                number_at, built, companies = planner.next_number, index.built, self.wanted
            else:
                if not key:
                    why = "same name and company"
                elif emails.get(key) == match:
                    why = f"same email {email}"
                else:
                    why = f"same name and company; {match} has no email"
                message = f"row {row_no}: duplicate of {match} ({why})"
                outcomes.append(_new_outcome(RowOutcome, (row_no, "duplicate", match, message)))
        planner.next_number = number_at

    def slow(self, row_no: int, cells: list[str]) -> None:
        self.planner.row(self.table.mapped(row_no, cells))


def _update(
    match: str,
    values: Mapping[str, Any],
    new_by_number: dict[str, dict[str, Any]],
    updates: dict[str, tuple[Lead, set[str]]],
    load_lead: Callable[[str], Lead],
    row_no: int,
    why: str,
    batch: str,
) -> tuple[RowOutcome, int]:
    """(outcome, how many differing values went to the notes): fill the matched lead's empty
    fields and note the values that differ (see `_merge`); a lead that is not open is left
    alone, and a row that adds nothing is reported as a duplicate."""
    nothing_new = RowOutcome(
        row_no, "duplicate", match, f"row {row_no}: duplicate of {match} ({why}); nothing new"
    )
    if match in new_by_number:
        changes, differed = _merge(new_by_number[match], values, batch)
        if not changes:
            return nothing_new, 0
        new_by_number[match].update(
            {k: (f"{cents(v):.2f}" if k == "estimated_value" else v) for k, v in changes.items()}
        )
        message = f"row {row_no}: merged into {match} ({why})"
        return RowOutcome(row_no, "updated", match, message), differed
    lead, fields = updates.get(match) or (load_lead(match), set())
    if lead.status is not LeadStatus.OPEN:
        message = (
            f"row {row_no}: duplicate of {match} ({why}); {match} is {lead.status}, not updated"
        )
        return RowOutcome(row_no, "duplicate", match, message), 0
    changes, differed = _merge(lead.model_dump(), values, batch)
    if not changes:
        return nothing_new, 0
    updates[match] = (lead.model_copy(update=changes), fields | set(changes))
    return RowOutcome(row_no, "updated", match, f"row {row_no}: updated {match} ({why})"), differed


def summary(plan: ImportPlan, file_name: str, rejects_file: str | None, *, dry_run: bool) -> str:
    """`Imported 41 leads from cards.csv: 1 duplicate skipped, 1 rejected (see ...)`."""
    verb = "Would import" if dry_run else "Imported"
    imported = len(plan.new_docs)
    parts = []
    updated = plan.count("updated")
    duplicates = plan.count("duplicate")
    if updated:
        parts.append(f"{updated} {'duplicate' if updated == 1 else 'duplicates'} updated")
    if duplicates:
        parts.append(f"{duplicates} {'duplicate' if duplicates == 1 else 'duplicates'} skipped")
    if plan.differed:
        values = "value differed" if plan.differed == 1 else "values differed"
        parts.append(f"{plan.differed} {values}, kept in notes")
    if plan.rejected:
        see = f" (see {rejects_file})" if rejects_file else ""
        parts.append(f"{len(plan.rejected)} rejected{see}")
    for why, n in plan.skipped.items():
        rows = "row" if n == 1 else "rows"
        if why == "blank":
            parts.append(f"{n} blank {rows} skipped")
        elif why == "report footer":
            parts.append(f"a report footer skipped ({n} {'line' if n == 1 else 'lines'})")
        else:
            parts.append(f"{n} {rows} skipped ({why})")
    noun = "lead" if imported == 1 else "leads"
    return f"{verb} {imported} {noun} from {file_name}" + (": " + ", ".join(parts) if parts else "")
