"""The JSON-file backend (`salesflow.store.contract.Backend`): the data file, opened for one
unit of work per command, and its undo versions.

Reads take no lock (the atomic replace keeps them consistent); a writing unit of work holds the
lock for its whole read-modify-write and is committed in one atomic write if the block ends
without an exception (`salesflow.store.locking.LockedWriter`), after every table written back is
checked (`salesflow.store.damage`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from salesflow.errors import InvalidValue, NotFound, Refused, SalesflowError, StoreError
from salesflow.models import META_DOC_ID, META_TABLE
from salesflow.pipeline.settings import DEFAULTS
from salesflow.store import collector, layout
from salesflow.store.damage import CHANGED, TRUSTED, UNKNOWN, Damaged, load_data, parse
from salesflow.store.locking import LockedWriter
from salesflow.store.migrations import SCHEMA_VERSION
from salesflow.store.session import Session
from salesflow.store.tracking import AtomicJSONStorage, UnitOfWorkStorage, read_bytes, read_file
from salesflow.store.versions import (
    COMMAND,
    REDO,
    UNDO,
    Restored,
    UndoVersions,
    Version,
    Versions,
    digest,
    digest_soon,
    undo_state,
)

T = TypeVar("T")

HISTORY_KEEP: int = DEFAULTS["history_keep"]


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


class Store:
    """The data file at `path` (`contract.Backend`); open a read or write session per command."""

    def __init__(
        self, path: Path, *, lock_timeout: float | None = None, argv: Sequence[str] = ()
    ) -> None:
        """`argv`: the command line of this run, which the undo versions record (`--db FILE`
        left out)."""
        self.path = _followed(path)
        self.lock_timeout = lock_timeout
        self.versions = Versions(self.path)
        self._writer = LockedWriter(self.path, self.versions, lock_timeout=lock_timeout, argv=argv)

    def location(self) -> str:
        """The data file, as `info` and messages name it."""
        return str(self.path)

    @property
    def lock_path(self) -> Path:
        return self._writer.lock_path

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session: no lock (atomic replace keeps reads consistent)."""
        storage = UnitOfWorkStorage(AtomicJSONStorage(self.path))
        session = Session(self.path, storage, writable=False)
        session.raw(META_TABLE)  # parse now, so a corrupt file fails before any output
        read = storage.backend.identity
        if read is not None and read == self.versions.written_identity():
            storage.trust_as_written()
        yield session
        # what it parsed is freed by the next read, or not at all: the process ends soon
        collector.keep(session, slot="read")

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
        with self._writer.locked():
            backend = AtomicJSONStorage(self.path)
            storage = UnitOfWorkStorage(backend)
            session = Session(self.path, storage, writable=True)
            session.raw(META_TABLE)
            keep = _history_keep(session.config())
            if keep > 0:
                digest_soon(backend.raw)  # for the history, made while the command works
            self.versions.tidy(backend.raw, unlanded=False)
            if keep == 0 or not self.versions.has_versions():
                storage.start_checksums()
            yield session
            if session.changed:
                self.versions.forget_unlanded(backend.raw)
                highest = session.verify(self._provenance(backend.raw, keep, storage))
                session.flush()
                self._writer.commit(
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
        last = self.versions.last_version() if keep > 0 else None
        if last is None:
            return UNKNOWN
        recorded = all(storage.recorded(n) is not None for n in storage.names() if n != META_TABLE)
        return TRUSTED if recorded and digest(raw) == last.after else CHANGED

    def undo_versions(self) -> UndoVersions:
        """The kept versions and what undo and redo would do now (read-only, no lock)."""
        versions = self.versions.live_versions(read_bytes(self.path))
        return UndoVersions(self.versions.directory, versions, undo_state(versions))

    def undo(self) -> Restored:
        """Restore the version before the latest command not undone yet (an undoable write).

        Raises Refused when the history holds nothing to undo.
        """
        return self._restore(UNDO)

    def redo(self) -> Restored:
        """Take back the latest undo, unless a command changed the file since (Refused)."""
        return self._restore(REDO)

    def _restore(self, kind: str) -> Restored:
        with self._writer.locked():
            current, identity = read_file(self.path)
            self.versions.tidy(current)
            versions = self.versions.kept()
            now = undo_state(versions)
            target = now.undo if kind == UNDO else now.redo
            if target is None:
                raise Refused(self._nothing_to(kind, versions))
            first, skipped, kept = target, [], versions
            while True:
                restored = self.versions.before_version(target)
                try:
                    data = load_data(restored) if restored is not None else {}
                    break
                except Damaged as damage:
                    # An undo goes one more command back, past the damaged version.
                    versions = [
                        *versions,
                        replace(target, seq=1 << 62, kind=UNDO, target=target.seq),
                    ]
                    earlier = undo_state(versions).undo
                    if kind == REDO or earlier is None:
                        raise StoreError(
                            f"cannot {kind}: the version it would restore "
                            f"({self.versions.before_path(target)}){damage.problem}; it stays "
                            "in the history for inspection"
                        ) from None
                    skipped.append(target)
                    target = earlier
            outside = bool(kept) and kept[-1].after != digest(current)
            self._writer.commit(
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

    def _nothing_to(self, kind: str, versions: list[Version]) -> str:
        if kind == REDO:
            return (
                f"nothing to redo in {self.versions.directory}: no undo since the last "
                "command that changed the data file"
            )
        if versions:
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
            load_data(raw)
        except Damaged as damage:
            raise InvalidValue(
                f"backup {source}{damage.problem}; the data file is unchanged"
            ) from None
        with self._writer.locked():
            current, identity = read_file(self.path)
            self.versions.tidy(current)
            try:
                meta = UnitOfWorkStorage(AtomicJSONStorage(self.path)).table(META_TABLE)
                keep = _history_keep(_config_of({META_TABLE: meta}))
            except SalesflowError:  # a damaged data file is what a restore is for
                keep = HISTORY_KEEP
            self._writer.commit(current, raw, kind=COMMAND, keep=max(keep, 1), identity=identity)

    def duplicate_keys(self) -> list[tuple[str, str]]:
        """(table, key) for every key that appears twice in one JSON object of the file (a table
        name twice is ("", name)): what doctor lists when the file is refused for them."""
        import json

        raw = read_bytes(self.path)
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
        raw = read_bytes(self.path)
        if raw is None:
            raise NotFound(f"data file {self.path} does not exist yet; nothing to back up")
        parse(self.path, raw)
        return raw


def _config_of(data: dict[str, dict[str, Any]]) -> dict[str, Any]:
    meta = data.get(META_TABLE, {}).get(META_DOC_ID, {})
    config = meta.get("config", {})
    return config if isinstance(config, dict) else {}


def _history_keep(config: Mapping[str, Any]) -> int:
    keep = config.get("history_keep", HISTORY_KEEP)
    return keep if type(keep) is int and keep >= 0 else HISTORY_KEEP
