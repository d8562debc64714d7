"""Earlier versions of the data file, kept in `<data file>.history/` so that writes can be undone.

Before a write replaces the data file, the file as it was is kept as `NNNNNN.before.json`: a
hard link to the old file, which the atomic replace leaves untouched (a copy where hard links
cannot be made), and `NNNNNN.command.json` says which command replaced it, when, and the
SHA-256 of the file before and after. The last `history_keep` versions are kept (default 20).
The store calls the writing half of this module only while it holds the data file's lock.

Undo and redo are writes too, recorded like any command, so an undo never loses a version:

- `undo` restores the version before the latest command that is not undone yet; undo again
  goes one command further back (a stack, as in Taskwarrior or an editor).
- `redo` takes back the latest undo, as long as no other command changed the file since.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shlex
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

from salesflow.files import Content, atomic_write_bytes, checkpoint, parts_of

COMMAND = "command"
UNDO = "undo"
REDO = "redo"
_NAME = re.compile(r"^(\d{6,})\.(before|command)\.json$")


_digests: list[tuple[Content, str | _Hashing]] = []
"""The last versions digested (or being digested in a thread) and their digests, newest first: a
write digests the file as it was twice (to tidy the history, then to record it), 70 MiB at 100k
leads, and the new version while it writes it."""

_KEPT_DIGESTS = 2
SOON_BYTES = 1 << 20
"""From this size on, `digest_soon` hashes in a thread."""


def digest(data: Content | None) -> str | None:
    """The SHA-256 of a version (None: there was no data file)."""
    if data is None:
        return None
    for at, (known, found) in enumerate(_digests):
        if known is data:
            if isinstance(found, _Hashing):
                found = found.result()
                _digests[at] = (data, found)
            return found
    found = _sha256(data)
    _remember(data, found)
    return found


def digest_soon(data: Content | None) -> None:
    """Start digesting a large version in a thread, for `digest` to find done later.

    hashlib lets go of the interpreter while it hashes, so the digest is made on the other core
    while the command works (the file as it was: 70 MiB at 100k leads, some 50 ms) or while the
    new version is written.
    """
    if data is None or sum(map(len, parts_of(data))) < SOON_BYTES:
        return
    if not any(known is data for known, _ in _digests):
        _remember(data, _Hashing(data))


def _remember(data: Content, found: str | _Hashing) -> None:
    _digests.insert(0, (data, found))
    del _digests[_KEPT_DIGESTS:]


def _sha256(data: Content) -> str:
    hashed = hashlib.sha256()
    for part in parts_of(data):
        hashed.update(part)
    return hashed.hexdigest()


class _Hashing:
    """One digest made in a daemon thread; `result` waits for it (or, should the thread have
    failed, makes it here)."""

    def __init__(self, data: Content) -> None:
        self._data: Content | None = data
        self._found: str | None = None
        self._thread = threading.Thread(target=self._run, name="salesflow-digest", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self._data is not None
        self._found = _sha256(self._data)

    def result(self) -> str:
        self._thread.join()
        if self._found is None:  # the thread failed (out of memory): try again here
            assert self._data is not None
            self._found = _sha256(self._data)
        self._data = None
        return self._found


@dataclass(frozen=True)
class Version:
    """One write: the data file before it, and what made it."""

    seq: int
    kind: str
    argv: list[str]
    at: str
    before: str | None
    after: str | None
    target: int | None = None
    subject: str | None = None
    migrated_from: int | None = None

    @property
    def change(self) -> str:
        """The command line whose effect this write applied (or, for an undo, took away)."""
        return self.subject if self.kind in (UNDO, REDO) and self.subject else shlex.join(self.argv)

    @property
    def description(self) -> str:
        if self.kind == UNDO:
            return f"undo of: {self.change}"
        if self.kind == REDO:
            return f"redo of: {self.change}"
        return self.change

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


_FIELDS = tuple(Version.__dataclass_fields__)


@dataclass(frozen=True)
class UndoState:
    """What `undo` and `redo` would do now, derived from the versions kept."""

    undo: Version | None
    redo: Version | None
    undone: frozenset[int] = field(default_factory=frozenset)


def undo_state(versions: Sequence[Version]) -> UndoState:
    """Replay the versions (oldest first): commands and redos stack up, an undo pops the stack down
    to its target (one version, or more when it went back past a damaged version) and can itself
    be redone until the next command. Entries older than the ones kept are gone, so an undo of
    such an version pops nothing here."""
    applied: list[Version] = []
    undos: list[tuple[Version, list[Version]]] = []
    undone: set[int] = set()
    for version in versions:
        if version.kind == UNDO:
            popped: list[Version] = []
            if any(done.seq == version.target for done in applied):
                while applied and (not popped or popped[-1].seq != version.target):
                    popped.append(applied.pop())
            undone.update(done.seq for done in popped)
            undos.append((version, popped))
        elif version.kind == REDO:
            if undos and undos[-1][0].seq == version.target:
                undone.difference_update(done.seq for done in undos.pop()[1])
            applied.append(version)
        else:
            applied.append(version)
            undos.clear()
    return UndoState(
        applied[-1] if applied else None, undos[-1][0] if undos else None, frozenset(undone)
    )


class Versions:
    """The history directory of one data file."""

    def __init__(self, data_path: Path) -> None:
        self.data_path = data_path
        self.directory = data_path.with_name(data_path.name + ".history")

    def _before(self, seq: int) -> Path:
        return self.directory / f"{seq:06d}.before.json"

    def before_path(self, version: Version) -> Path:
        """Where the version before `version` is kept."""
        return self._before(version.seq)

    def _command(self, seq: int) -> Path:
        return self.directory / f"{seq:06d}.command.json"

    def _names(self) -> dict[int, set[str]]:
        found: dict[int, set[str]] = {}
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            for name in os.listdir(self.directory):
                match = _NAME.match(name)
                if match:
                    found.setdefault(int(match.group(1)), set()).add(match.group(2))
        return found

    def _load(self, seq: int) -> Version | None:
        try:
            raw = orjson.loads(self._command(seq).read_bytes())
            # Fields a later version may add are ignored rather than voiding the version.
            version = Version(**{name: raw[name] for name in _FIELDS if name in raw})
        except (OSError, orjson.JSONDecodeError, TypeError, AttributeError):
            return None
        return version if version.seq == seq else None

    def kept(self) -> list[Version]:
        """The complete versions, oldest first (a version that is missing makes an version void)."""
        result = []
        for seq, kinds in sorted(self._names().items()):
            version = self._load(seq) if "command" in kinds else None
            if version is not None and (version.before is None or "before" in kinds):
                result.append(version)
        return result

    def has_versions(self) -> bool:
        return bool(self._names())

    @property
    def _written(self) -> Path:
        return self.directory / "written"

    def note_written(self, identity: tuple[int, ...] | None) -> None:
        """After a write: the identity the data file has as this write left it (device, inode,
        size, modification time; `tracking.identity_of`), or no note (None: the history is
        off). Best effort, as private as the history's other files: without a note, or with a
        torn one, readers check the file's tables instead."""
        with contextlib.suppress(OSError):
            if identity is None:
                self._written.unlink(missing_ok=True)
                return
            handle = os.open(self._written, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(handle, "w") as note:
                note.write(" ".join(map(str, identity)) + "\n")

    def written_identity(self) -> tuple[int, ...] | None:
        """The identity `note_written` noted; None without a readable note. A file with this
        identity is byte for byte what salesflow wrote last: it is replaced, never rewritten,
        and any other program's write changes its inode, size or modification time."""
        try:
            return tuple(int(part) for part in self._written.read_text().split())
        except (OSError, ValueError):
            return None

    def last_version(self) -> Version | None:
        """The newest complete version (reading only the newest command files)."""
        names = self._names()
        for seq in sorted(names, reverse=True):
            version = self._load(seq) if "command" in names[seq] else None
            if version is not None and (version.before is None or "before" in names[seq]):
                return version
        return None

    def live_versions(self, current: bytes | None) -> list[Version]:
        """The versions, without the newest one if its write never happened (see `tidy`)."""
        versions = self.kept()
        if versions and _never_landed(versions[-1], digest(current)):
            versions.pop()
        return versions

    def before_version(self, version: Version) -> bytes | None:
        """The data file as it was before `version` (None: there was none)."""
        if version.before is None:
            return None
        return self._before(version.seq).read_bytes()

    # -- writing (under the data file's lock) ---------------------------------------------------

    def tidy(self, current: bytes | None, *, unlanded: bool = True) -> None:
        """Remove what a killed writer left: temp files, halves of versions, and (unless
        `unlanded` is false: see `forget_unlanded`) the newest version when its write never
        happened (the data file is still the version before it)."""
        if not self.directory.is_dir():
            return
        for name in os.listdir(self.directory):
            if name.startswith("."):
                with contextlib.suppress(OSError):
                    (self.directory / name).unlink()
        versions = self.kept()
        complete = {version.seq for version in versions}
        for seq in self._names():
            if seq not in complete:
                self._remove(seq)
        if unlanded:
            self.forget_unlanded(current, versions)

    def forget_unlanded(self, current: bytes | None, versions: list[Version] | None = None) -> None:
        """Remove the newest version if its write never happened. It needs the digest of the data
        file, which a write leaves to its commit, so that it is made while the command works;
        until then `live_entries` leaves such an version out."""
        if versions is None:
            versions = self.kept() if self.directory.is_dir() else []
        if versions and _never_landed(versions[-1], digest(current)):
            self._remove(versions[-1].seq)

    def record(
        self,
        *,
        kind: str,
        argv: Sequence[str],
        at: str,
        previous: bytes | None,
        new: Content | None,
        target: int | None = None,
        subject: str | None = None,
        migrated_from: int | None = None,
    ) -> Version:
        """Keep the data file as it is now (`previous`, None when there is none) and the command
        about to replace it with `new`. Call before the replace."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)
        seq = max(self._names(), default=0) + 1
        version = Version(
            seq=seq,
            kind=kind,
            argv=list(argv),
            at=at,
            before=digest(previous),
            after=digest(new),
            target=target,
            subject=subject,
            migrated_from=migrated_from,
        )
        if previous is not None:
            self._keep(self._before(seq), previous)
            checkpoint("version-kept")
        atomic_write_bytes(self._command(seq), orjson.dumps(version.to_json()))
        checkpoint("entry-written")
        return version

    def _keep(self, target: Path, previous: bytes) -> None:
        """A hard link to the data file (it is `previous`: the lock is held), else a copy."""
        try:
            os.link(self.data_path, target)
            os.chmod(target, 0o600)
        except OSError:
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
            atomic_write_bytes(target, previous)

    def prune(self, keep: int) -> None:
        """Keep the newest `keep` commands and the undos and redos since the oldest of them
        (at most 4 × `keep` versions, should undo and redo alternate for long)."""
        seqs = sorted(self._names())
        commands = [version.seq for version in self.kept() if version.kind == COMMAND]
        first = commands[-keep] if keep and len(commands) >= keep else 0
        if keep and len(seqs) > 4 * keep:
            first = max(first, seqs[-4 * keep])
        for seq in seqs:
            if keep == 0 or seq < first:
                self._remove(seq)
                checkpoint("pruned")

    def _remove(self, seq: int) -> None:
        # The command file goes first: a version without it is an orphan, tidied later.
        for path in (self._command(seq), self._before(seq)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def _never_landed(version: Version, current: str | None) -> bool:
    """An version whose write did not replace the data file: a writer was killed in between."""
    return current != version.after and current == version.before


def command_line(argv: Sequence[str]) -> list[str]:
    """A run's command line as a version records it: without `--db FILE` (the file is implied)."""
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


@dataclass(frozen=True)
class UndoVersions:
    """The versions kept in `directory` (oldest first), and what undo and redo would do now; on a
    team database (no directory) the user's latest journal entries."""

    directory: Path | None
    versions: list[Version]
    state: UndoState


@dataclass(frozen=True)
class Restored:
    """What undo or redo did: the version it went back before (undo) or took back (redo)."""

    version: Version
    changed_outside: bool
    removed_file: bool
    also_undone: tuple[Version, ...] = ()
    """Earlier commands undone with it, as the versions between them are damaged."""
