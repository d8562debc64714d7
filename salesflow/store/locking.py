"""The writers' lock: an exclusive `flock` on `<data file>.lock`, tied to that file's inode.

A lock on a path that someone removes is no lock: the next writer creates a new file there and
locks that. So a writer holds the lock only once the path still names the file it locked
(checked after every acquisition), and checks again just before it replaces the data file: if
the lock file was removed or replaced meanwhile, it refuses instead of writing.

`LockedWriter` holds that lock for a read-modify-write and commits the new version of the data
file in one atomic write (temp file in the same directory, fsync, `os.replace`, fsync of the
directory), keeping the file as it was among the undo versions first.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path

from salesflow.errors import LockTimeout, SalesflowError, StoreError
from salesflow.files import (
    Content,
    atomic_write_bytes,
    checkpoint,
    make_private_folders,
    remove_temp_files,
    same_content,
    sync_directory,
)
from salesflow.models import META_DOC_ID, META_TABLE
from salesflow.store.tracking import AtomicJSONStorage, UnitOfWorkStorage, identity_of
from salesflow.store.versions import COMMAND, Versions, command_line, digest_soon

MAX_TIMEOUT = 3600.0
POLL = 0.05


class Busy(Exception):
    """Another process held the lock for the whole timeout."""


class Lost(Exception):
    """The lock file was removed or replaced while this process held its lock."""


def _same_file(fd: int, path: Path) -> bool:
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (found.st_dev, found.st_ino) == (held.st_dev, held.st_ino)


class Lock:
    """An exclusive lock on `path` (created 0600 when missing). OSError when it cannot be
    created or opened; Busy when another process holds it past the timeout."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self, timeout: float, *, then: Callable[[], float] | None = None) -> None:
        """Wait at most `timeout` seconds; when it is 0 and `then` is given and the lock is
        busy, wait `then()` seconds more (the file's own setting, read only when needed)."""
        import fcntl

        deadline = time.monotonic() + timeout
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                    raise
                if then is not None:
                    deadline = time.monotonic() + then()
                    then = None
                if time.monotonic() >= deadline:
                    raise Busy() from None
                time.sleep(min(POLL, max(0.0, deadline - time.monotonic())))
                continue
            if _same_file(fd, self.path):
                self._fd = fd
                return
            os.close(fd)  # removed or replaced between the open and the lock: lock the new one

    def check(self) -> None:
        """Lost when the path no longer names the file this process locked."""
        if self._fd is None or not _same_file(self._fd, self.path):
            raise Lost()

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def checked_timeout(value: float) -> float | None:
    """`value` when it is a usable lock timeout (0 to 3600 seconds), else None."""
    return value if 0 <= value <= MAX_TIMEOUT else None  # NaN compares false both ways


# -- the writing half of the data file: its lock, held for a read-modify-write, and the atomic
# commit of the new version (the previous one kept among the undo versions first) ------------


class Overtaken(Exception):
    """Another writer may have got in: the lock file or the data file changed under the lock."""


class NotKept(Exception):
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


def why(error: OSError) -> str:
    return error.strerror or str(error)


DEFAULT_LOCK_TIMEOUT = 10.0


class LockedWriter:
    """Writes to the data file at `path`: `locked` holds its lock for a read-modify-write, and
    `commit` replaces the file in one atomic write, keeping the file as it was among the undo
    versions (`versions`) with the command line `argv` that replaced it."""

    def __init__(
        self, path: Path, versions: Versions, *, lock_timeout: float | None, argv: Sequence[str]
    ) -> None:
        self.path = path
        self.versions = versions
        self.lock_timeout = lock_timeout
        self.argv = list(argv)
        self._lock: Lock | None = None

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the lock on `<data file>.lock` (see `salesflow.store.locking`), waiting at most the
        lock timeout: `$SALESFLOW_LOCK_TIMEOUT` when given, else the file's `lock_timeout`
        setting (read only when someone else holds the lock), else 10 s."""
        try:
            make_private_folders(self.path.parent)
        except OSError as exc:
            raise StoreError(
                f"cannot create the folder of data file {self.path}: {why(exc)} "
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
                f"cannot lock data file {self.path}: {why(exc)} ({exc.filename or self.lock_path})"
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
            config = meta.get(META_DOC_ID, {}).get("config", {})
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
            raise Overtaken(
                f"the lock file of data file {self.path} was removed or replaced while this "
                "command held it"
            ) from None
        if identity is not None and identity_of(self.path) != identity:
            raise Overtaken(f"data file {self.path} was replaced while this command ran")

    def commit(
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
                        argv=command_line(self.argv),
                        at=datetime.now().astimezone().isoformat(timespec="seconds"),
                        previous=previous,
                        new=new,
                        target=target,
                        subject=subject,
                        migrated_from=migrated_from,
                    )
                except OSError as exc:
                    raise NotKept(exc) from None
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
                self.versions.note_written(identity_of(self.path) if keep > 0 else None)
        except Overtaken as overtaken:
            raise StoreError(
                f"{overtaken}; nothing was written. Run the command again", exit_code=4
            ) from None
        except NotKept as failed:
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
