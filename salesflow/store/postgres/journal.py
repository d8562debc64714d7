"""The team database's undo journal: what each command changed, so that it can be taken back.

A command that changes something gets one `journal` row, inserted in its own transaction (so a
command that fails leaves none): its command line, the database user (`who`), and at commit,
for each record it changed, the stored form before it (NULL: the record was new) and an MD5
digest of the stored form after it (NULL: removed; `true`: added in bulk, see below); each
counter before and after; the settings before and after when it changed them. Its events name
the row.

`undo` takes back the user's own latest command not undone yet: each record goes back to its
before image, the command's events are removed, and a counter is rewound only while no later
number was handed out (an invoice number someone else got after it stays). It refuses, naming
the record, when a later command changed one of the same records since (the digest of what is
stored now is not the one the command left). The undo is journaled in turn (its before images
are the command's after images, with the events it removed), so `redo` is the same operation
on the undo, until the user runs another command.

Records added in bulk (`add_stored`: an import, `db copy`) are not digested at commit: for
100,000 new leads that would be a second pass over every document. Whether one was changed
since is judged from the journal instead, as every change is journaled: the other entries that
changed the record form a chain of states (each one's before image is the state the previous
one left; the first starts from the state the command left), so the record is as the command
left it exactly when the digests of their before images and those of their after states are
the same multiset. Entries that changed the record before the command (a number given again
after an undo rewound its counter) form a chain from "absent" to "absent" and balance out.
An after state not digested is that of another bulk add, taken back since by its undo: the
undo's before image is that state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson

from salesflow.errors import Refused
from salesflow.models import RECORD_TYPES, Record
from salesflow.store.postgres.schema import COUNTERS, EVENTS, JOURNAL, META
from salesflow.store.versions import COMMAND, REDO, UNDO, Version

if TYPE_CHECKING:
    from salesflow.store.postgres import PostgresUnitOfWork

_TYPES_BY_TABLE: dict[str, type[Record]] = {t.table: t for t in RECORD_TYPES}
_UNSET: Any = object()
ADDED = True
"""The after state a journal keeps of a record added in bulk: no digest (see above)."""
_UNKNOWN: Any = object()


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


class Journal:
    """The journal of one unit of work: before images as it changes things, written at commit."""

    def __init__(self, unit: PostgresUnitOfWork) -> None:
        self.unit = unit
        self.id: int | None = None
        self._before: dict[tuple[str, str], Any] = {}
        self._order: list[tuple[str, str]] = []
        self._seen: dict[tuple[str, str], Any] = {}
        self._added: set[tuple[str, str]] = set()  # added in bulk, not changed again
        self._counters: dict[str, int] = {}
        self._settings: Any = _UNSET
        self.kind = COMMAND
        self.target: int | None = None
        self.subject: str | None = None
        self.removed_events: list[Any] = []

    def entry(self) -> int:
        """This command's journal row, inserted on its first change."""
        if self.id is None:
            row = self.unit.conn.execute(
                f"INSERT INTO {JOURNAL} (kind, argv, at) VALUES (%s, %s::jsonb, %s) "  # type: ignore[arg-type]
                "RETURNING id",
                (self.kind, _dumps(self.unit.backend.argv), _now()),
            ).fetchone()
            assert row is not None
            self.id = int(row[0])
        return self.id

    def seen(self, table: str, key: str, doc: Any) -> None:
        """A record as read (locked) by this command: its before image if it is changed next."""
        self._seen[(table, key)] = doc

    def touch(self, table: str, key: str, *, new: bool = False) -> None:
        """Keep the record's before image, the first time the command changes it."""
        where = (table, key)
        if where in self._before:
            self._added.discard(where)  # changed again: digested at commit
            return
        if new:
            before = None
        elif where in self._seen:
            before = self._seen[where]
        else:
            row = self.unit.conn.execute(
                f"SELECT doc FROM {table} WHERE key = %s FOR UPDATE",  # type: ignore[arg-type]
                (key,),
            ).fetchone()
            before = row[0] if row is not None else None
        self._before[where] = before
        self._order.append(where)
        self.entry()

    def added(self, table: str, keys: Sequence[str]) -> None:
        """Records the command adds in bulk (new, with no before image); those it has not
        changed before get no digest at commit (see above)."""
        before = self._before
        fresh = [where for key in keys if (where := (table, key)) not in before]
        before.update(dict.fromkeys(fresh))
        self._order.extend(fresh)
        self._added.update(fresh)
        self.entry()

    def counter(self, series: str, before: int) -> None:
        self._counters.setdefault(series, before)
        self.entry()

    def settings(self, before: dict[str, Any]) -> None:
        if self._settings is _UNSET:
            self._settings = dict(before)
        self.entry()

    def mark(self) -> tuple[int, int | None, dict[str, int], Any]:
        return len(self._order), self.id, dict(self._counters), self._settings

    def rollback(self, mark: tuple[int, int | None, dict[str, int], Any]) -> None:
        length, entry, counters, settings = mark
        for where in self._order[length:]:
            del self._before[where]
            self._added.discard(where)
        del self._order[length:]
        self._seen.clear()  # the records read since may have been rolled back
        self.id, self._counters, self._settings = entry, counters, settings

    def finish(self) -> None:
        """Write what the command changed into its journal row (before the commit)."""
        if self.id is None:
            return
        conn = self.unit.conn
        added = self._added
        tables: dict[str, list[str]] = {}
        for where in self._order:
            if where not in added:
                tables.setdefault(where[0], []).append(where[1])
        after: dict[tuple[str, str], str] = {}
        for table, keys in tables.items():
            rows = conn.execute(
                f"SELECT key, md5(doc::text) FROM {table} WHERE key = ANY(%s)",  # type: ignore[arg-type]
                (keys,),
            ).fetchall()
            after.update({(table, key): digest for key, digest in rows})
        before, get = self._before, after.get
        changes = [
            (*where, None, ADDED) if where in added else (*where, before[where], get(where))
            for where in self._order
        ]
        counters: dict[str, list[int]] = {}
        if self._counters:
            rows = conn.execute(
                f"SELECT series, value FROM {COUNTERS} WHERE series = ANY(%s)",  # type: ignore[arg-type]
                (sorted(self._counters),),
            ).fetchall()
            counters = {s: [self._counters[s], int(v)] for s, v in rows}
        settings = None
        if self._settings is not _UNSET:
            settings = [self._settings, self.unit.config()]
        conn.execute(
            f"UPDATE {JOURNAL} SET kind = %s, target = %s, subject = %s, changes = %s::jsonb, "  # type: ignore[arg-type]
            "counters = %s::jsonb, config = %s::jsonb, events = %s::jsonb WHERE id = %s",
            (
                self.kind,
                self.target,
                self.subject,
                _dumps(changes),
                _dumps(counters),
                _dumps(settings),
                _dumps(self.removed_events),
                self.id,
            ),
        )
        if self.target is not None:
            conn.execute(
                f"UPDATE {JOURNAL} SET undone_by = %s WHERE id = %s",  # type: ignore[arg-type]
                (self.id, self.target),
            )


def kept_entries(unit: PostgresUnitOfWork, keep: int) -> list[Version]:
    """The user's latest `keep` journal entries that changed something, oldest first: what
    `undo --list` shows, as the file's kept versions."""
    rows = unit.conn.execute(
        "SELECT id, kind, argv, at, target, subject "  # type: ignore[arg-type]
        f"FROM {JOURNAL} WHERE who = current_user AND changes IS NOT NULL "
        "ORDER BY id DESC LIMIT %s",
        (keep,),
    ).fetchall()
    entries = []
    for ident, kind, argv, at, target, subject in reversed(rows):
        entry = Version(
            seq=ident, kind=kind, argv=list(argv), at=at, before=None, after=None,
            target=target, subject=subject,
        )  # fmt: skip
        entries.append(entry)
    return entries


def take_back(unit: PostgresUnitOfWork, kind: str) -> Version:
    """Undo (`kind` UNDO) the user's latest command, or redo (REDO) their latest undo, in
    `unit`; the journal entry taken back (an undo's entry names the command it undid). Refused
    when there is none, or when a later command changed one of the same records."""
    conn = unit.conn
    where = unit.backend.location()
    kinds = [COMMAND, REDO] if kind == UNDO else [UNDO]
    row = conn.execute(
        "SELECT id, kind, argv, at, target, subject, changes, counters, config, events "  # type: ignore[arg-type]
        f"FROM {JOURNAL} WHERE who = current_user AND undone_by IS NULL AND kind = ANY(%s) "
        "AND changes IS NOT NULL ORDER BY id DESC LIMIT 1 FOR UPDATE",
        (kinds,),
    ).fetchone()
    if row is None:
        raise Refused(
            f"nothing to {kind}: database {where} holds no command of yours to {kind}"
            + (" (`salesflow undo` makes one)" if kind == REDO else "")
        )
    ident, was, argv, at, target, subject, changes, counters, settings, events = row
    entry = Version(
        seq=ident, kind=was, argv=list(argv), at=at, before=None, after=None,
        target=target, subject=subject,
    )  # fmt: skip
    if kind == REDO:
        later = conn.execute(
            f"SELECT 1 FROM {JOURNAL} WHERE who = current_user AND id > %s AND kind = %s "  # type: ignore[arg-type]
            "LIMIT 1",
            (ident, COMMAND),
        ).fetchone()
        if later is not None:
            raise Refused(
                f"nothing to redo: you ran a command on database {where} since your last undo"
            )
    _check_unchanged(unit, entry, changes, settings, kind)
    journal = unit.journal
    journal.kind, journal.target, journal.subject = kind, ident, entry.change
    journal.entry()
    for table, key, before, _ in changes:
        if before is None:
            unit.remove_key(table, key)
        else:
            unit.put_stored(_TYPES_BY_TABLE[table], before)
    removed = conn.execute(
        f"DELETE FROM {EVENTS} WHERE journal = %s RETURNING id, doc",  # type: ignore[arg-type]
        (ident,),
    ).fetchall()
    journal.removed_events = [doc for _, doc in sorted(removed, key=lambda r: r[0])]
    unit.add_stored_events(events or [])
    for series, (before, after) in sorted((counters or {}).items()):
        now = conn.execute(
            f"SELECT value FROM {COUNTERS} WHERE series = %s FOR UPDATE",  # type: ignore[arg-type]
            (series,),
        ).fetchone()
        if now is not None and int(now[0]) == after:  # no later number handed out
            journal.counter(series, after)
            conn.execute(
                f"UPDATE {COUNTERS} SET value = %s WHERE series = %s",  # type: ignore[arg-type]
                (before, series),
            )
    if settings is not None:
        journal.settings(settings[1])
        conn.execute(
            f"UPDATE {META} SET value = %s::jsonb WHERE key = 'config'",  # type: ignore[arg-type]
            (_dumps(settings[0]),),
        )
        unit._config = dict(settings[0])
    unit.changed = True
    return entry


def _check_unchanged(
    unit: PostgresUnitOfWork,
    entry: Version,
    changes: list[list[Any]],
    settings: list[Any] | None,
    kind: str,
) -> None:
    """Refused, naming the record, when one the entry changed is not as the entry left it."""
    tables: dict[str, list[str]] = {}
    added: dict[str, list[str]] = {}
    for table, key, _, after in changes:
        (added if after is ADDED else tables).setdefault(table, []).append(key)
    now: dict[tuple[str, str], Any] = {}
    for table, keys in tables.items():
        rows = unit.conn.execute(
            f"SELECT key, md5(doc::text) FROM {table} WHERE key = ANY(%s) FOR UPDATE",  # type: ignore[arg-type]
            (keys,),
        ).fetchall()
        now.update({(table, key): digest for key, digest in rows})
    for table, keys in added.items():
        now.update(_added_now(unit, entry.seq, table, keys))
    what = f"`{entry.change}`"
    for table, key, _, after in changes:
        if now.get((table, key)) != after:
            label = _label(_TYPES_BY_TABLE[table])
            raise Refused(
                f"cannot {kind} {what}: {label} {key} was changed by a later command since; "
                f"{kind} that one first, or change {key} back by hand"
            )
    if settings is not None and _canonical(unit.config()) != _canonical(settings[1]):
        raise Refused(f"cannot {kind} {what}: the settings were changed by a later command since")


def _added_now(
    unit: PostgresUnitOfWork, entry: int, table: str, keys: list[str]
) -> dict[tuple[str, str], Any]:
    """For the records of `table` that journal entry `entry` added in bulk: ADDED for those
    still as the entry left them (they are locked), nothing for the others."""
    conn = unit.conn
    rows = conn.execute(
        f"SELECT key FROM {table} WHERE key = ANY(%s) FOR UPDATE",  # type: ignore[arg-type]
        (keys,),
    ).fetchall()
    present = {key for (key,) in rows}
    # every other entry's change of these records: its entry, the entry that undid it, the
    # digest of its before image (NULL: absent) and its after state
    rows = conn.execute(
        "SELECT c->>1, j.id, j.undone_by, "  # type: ignore[arg-type]
        "CASE WHEN jsonb_typeof(c->2) = 'null' THEN NULL ELSE md5((c->2)::text) END, c->3 "
        f"FROM {JOURNAL} j CROSS JOIN LATERAL jsonb_array_elements(j.changes) c "
        "JOIN unnest(%s::text[]) k(key) ON c->>1 = k.key "
        "WHERE j.id <> %s AND j.changes IS NOT NULL AND c->>0 = %s",
        (keys, entry, table),
    ).fetchall()
    others: dict[str, list[tuple[int, int | None, str | None, Any]]] = {}
    for key, ident, undone_by, before, after in rows:
        others.setdefault(key, []).append((ident, undone_by, before, after))
    return {
        (table, key): ADDED for key in keys if key in present and _balanced(others.get(key, []))
    }


def _balanced(changes: list[tuple[int, int | None, str | None, Any]]) -> bool:
    """Whether a record's changes by other entries (entry, undone by, before digest, after)
    leave it as they found it: the same multiset of states before and after."""
    befores = {ident: before for ident, _, before, _ in changes}
    afters: Counter[Any] = Counter()
    for _, undone_by, _, after in changes:
        if after is ADDED:  # another bulk add: the state its undo found
            after = befores.get(undone_by, _UNKNOWN) if undone_by is not None else _UNKNOWN
        afters[after] += 1
    return Counter(befores.values()) == afters


def _canonical(value: Mapping[str, Any]) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _label(model: type[Record]) -> str:
    return {"Opportunity": "opportunity", "Product": "product"}.get(
        model.__name__, model.__name__.lower()
    )
