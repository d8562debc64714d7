"""The team database's undo journal: what each command changed, so that it can be taken back.

A command that changes something gets one `journal` row, inserted in its own transaction (so a
command that fails leaves none): its command line, the database user (`who`), and at commit,
for each record it changed, the stored form before it (NULL: the record was new) and an MD5
digest of the stored form after it (NULL: removed); each counter before and after; the settings
before and after when it changed them. Its events name the row.

`undo` takes back the user's own latest command not undone yet: each record goes back to its
before image, the command's events are removed, and a counter is rewound only while no later
number was handed out (an invoice number someone else got after it stays). It refuses, naming
the record, when a later command changed one of the same records since (the digest of what is
stored now is not the one the command left). The undo is journaled in turn (its before images
are the command's after images, with the events it removed), so `redo` is the same operation
on the undo, until the user runs another command.
"""

from __future__ import annotations

from collections.abc import Mapping
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
        del self._order[length:]
        self._seen.clear()  # the records read since may have been rolled back
        self.id, self._counters, self._settings = entry, counters, settings

    def finish(self) -> None:
        """Write what the command changed into its journal row (before the commit)."""
        if self.id is None:
            return
        conn = self.unit.conn
        tables: dict[str, list[str]] = {}
        for table, key in self._order:
            tables.setdefault(table, []).append(key)
        after: dict[tuple[str, str], str] = {}
        for table, keys in tables.items():
            rows = conn.execute(
                f"SELECT key, md5(doc::text) FROM {table} WHERE key = ANY(%s)",  # type: ignore[arg-type]
                (keys,),
            ).fetchall()
            after.update({(table, key): digest for key, digest in rows})
        changes = [
            [table, key, self._before[(table, key)], after.get((table, key))]
            for table, key in self._order
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
    for table, key, _, _ in changes:
        tables.setdefault(table, []).append(key)
    now: dict[tuple[str, str], str] = {}
    for table, keys in tables.items():
        rows = unit.conn.execute(
            f"SELECT key, md5(doc::text) FROM {table} WHERE key = ANY(%s) FOR UPDATE",  # type: ignore[arg-type]
            (keys,),
        ).fetchall()
        now.update({(table, key): digest for key, digest in rows})
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


def _canonical(value: Mapping[str, Any]) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _label(model: type[Record]) -> str:
    return {"Opportunity": "opportunity", "Product": "product"}.get(
        model.__name__, model.__name__.lower()
    )
