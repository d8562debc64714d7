"""Files that are replaced, never rewritten in place, and the hooks crash tests use inside a write.

Every file salesflow writes (the data file, its earlier versions, backups, documents) is written
to a temp file in the same directory, fsynced, made private (0600) and renamed over the target,
so a reader or a crash sees the old file or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
"""Large files are written a mebibyte at a time (each chunk is a checkpoint for crash tests)."""

_reached = 0


def checkpoint(name: str) -> None:
    """A point inside a write where a crash test may pause or kill this process.

    `$SALESFLOW_TEST_KILL_AT=N` sends SIGKILL to this process at the N-th checkpoint it reaches;
    `$SALESFLOW_TEST_STEP_PAUSE=S` sleeps S seconds at each one and first reports it on stderr
    (`checkpoint NAME`), so that a test can kill the process at a random moment inside the write.
    Without these variables a checkpoint costs two environment lookups.
    """
    global _reached
    kill_at = os.environ.get("SALESFLOW_TEST_KILL_AT")
    pause = os.environ.get("SALESFLOW_TEST_STEP_PAUSE")
    if not kill_at and not pause:
        return
    _reached += 1
    if kill_at and _reached >= int(kill_at):
        os.kill(os.getpid(), signal.SIGKILL)
    if pause:
        with contextlib.suppress(OSError):
            os.write(2, f"checkpoint {name}\n".encode())
        time.sleep(float(pause))


def temp_prefix(path: Path) -> str:
    """Temp files of `path` are `.<name>.tmp-*` beside it; a killed writer's are removed later."""
    return f".{path.name}.tmp-"


Buffer = bytes | memoryview
Content = bytes | Sequence[Buffer]
"""A file's bytes, whole or as consecutive parts (written without joining them)."""


def parts_of(content: Content) -> Sequence[Buffer]:
    return [content] if isinstance(content, bytes) else content


def same_content(content: Content, other: bytes) -> bool:
    """Whether `content` is byte for byte `other`, comparing part by part."""
    parts = parts_of(content)
    if sum(len(part) for part in parts) != len(other):
        return False
    view, offset = memoryview(other), 0
    for part in parts:
        if view[offset : offset + len(part)] != part:
            return False
        offset += len(part)
    return True


def atomic_write_bytes(
    path: Path, data: Content, *, before_replace: Callable[[], None] | None = None
) -> None:
    """Replace `path` with `data` so that readers see the old or the new file, never a mix.

    The new file is readable by its owner only (0600): it holds personal data.
    `before_replace` runs between the synced temp file and the rename (a crash-test hook).
    """
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(path), dir=directory)
    try:
        checkpoint("temp-created")
        with os.fdopen(fd, "wb") as handle:
            _write_chunks(handle, parts_of(data))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o600)
        checkpoint("temp-synced")
        if before_replace is not None:
            before_replace()
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    checkpoint("replaced")
    sync_directory(directory)
    checkpoint("directory-synced")


def stage(path: Path, data: Content) -> Path:
    """A temp file beside `path` holding `data` (0600), written and synced: `os.replace` puts
    it in place later, and the caller removes it when it is not wanted. OSError when it cannot
    be written (nothing is left then)."""
    fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(path), dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            _write_chunks(handle, parts_of(data))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o600)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return Path(tmp_name)


def _write_chunks(handle: BinaryIO, parts: Sequence[Buffer]) -> None:
    """Write the parts as one stream of CHUNK-sized writes (a checkpoint after each)."""
    chunks = filled = 0
    for part in parts:
        view = memoryview(part)
        position = 0
        while position < len(view):
            take = min(CHUNK - filled, len(view) - position)
            handle.write(view[position : position + take])
            position += take
            filled += take
            if filled == CHUNK:
                checkpoint("temp-chunk")
                chunks, filled = chunks + 1, 0
    if filled or not chunks:
        checkpoint("temp-chunk")


def make_private_folders(directory: Path) -> None:
    """Create `directory` and its missing parents, each 0700 whatever the umask: they hold
    personal data. Folders that exist are left as they are."""
    missing: list[Path] = []
    folder = directory
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(folder, 0o700)


def sync_directory(directory: Path) -> None:
    """Make renames and links in `directory` durable."""
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def remove_temp_files(path: Path) -> None:
    """Temp files a killed writer of `path` left; call only while holding `path`'s lock."""
    with contextlib.suppress(OSError):
        prefix = temp_prefix(path)
        for name in os.listdir(path.parent):
            if name.startswith(prefix):
                with contextlib.suppress(OSError):
                    (path.parent / name).unlink()
