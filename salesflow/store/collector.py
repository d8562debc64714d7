"""Keeping Python's cyclic garbage collector out of bulk work.

Parsing a data file or a CSV builds hundreds of thousands of dicts and lists that hold only
strings, numbers and each other, never a reference cycle. Each few hundred new containers start
a collection that walks everything built so far, which at 100k records costs as much as the
parse itself (orjson.loads of a 70 MiB file: 1.1 s with the collector, 0.6 s without), and the
collections after it keep walking them (some 0.4 s after a 100k-row import) to find nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

BULK = 10_000
"""From this many records on, what was just built is moved out of the collector's sight."""
BULK_BYTES = 256 * 1024
"""From this much JSON on, likewise, whatever the records: a table of few documents may hold
many containers (the agenda index is one document of an entry per lead)."""

_kept: dict[str, tuple[object, ...]] = {}


@contextmanager
def paused() -> Iterator[None]:
    """Hold the cyclic garbage collector while a bulk build runs; it runs again afterwards, as it
    was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def spare(built: int, *, size: int = 0) -> None:
    """After building `built` records (inside `paused`), when they are many or were parsed from
    `size` bytes of JSON that are many, move every object the collector tracks to its permanent
    generation (gc.freeze): else the first collections after it walk them all (5 ms for the 1 MB
    agenda index of 10k leads).

    Frozen objects are still freed as soon as nothing uses them (reference counting); only
    reference cycles that already existed would wait for the end of the process.
    """
    if built >= BULK or size >= BULK_BYTES:
        gc.freeze()


def keep(*objects: object, slot: str = "") -> None:
    """Keep `objects` alive until the next call for the same `slot` instead of freeing them when
    the caller returns.

    A command that built 100k records ends right after its output; freeing them one by one
    would take a tenth of a second, and the process ends without it (see `salesflow.cli.main`).
    Run in-process (tests), the previous call's objects are freed by the next one.
    """
    _kept[slot] = objects
