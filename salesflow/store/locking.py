"""The writers' lock: an exclusive `flock` on `<data file>.lock`, tied to that file's inode.

A lock on a path that someone removes is no lock: the next writer creates a new file there and
locks that. So a writer holds the lock only once the path still names the file it locked
(checked after every acquisition), and checks again just before it replaces the data file: if
the lock file was removed or replaced meanwhile, it refuses instead of writing.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable
from pathlib import Path

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
