"""`salesflow db copy`: a seller's whole data from one backend into an empty other one.

A data file into an empty team database, or a database into a new data file (the team's portable
backup). Everything goes through the storage contract, so either side may be either backend:
every record in its stored form (a bulk `add_stored`, a COPY on a database), the deals' stories,
the number counters (so the next number follows on), and the settings. The target's unit of work
commits all of it or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesflow.errors import Refused
from salesflow.models import RECORD_TYPES
from salesflow.store.contract import Backend, UnitOfWork


@dataclass(frozen=True)
class Copied:
    """What a copy moved."""

    records: int
    events: int
    counters: int


def contents(unit: UnitOfWork) -> int:
    """How many records and events a unit of work holds (0: empty)."""
    return sum(unit.count(model) for model in RECORD_TYPES) + len(unit.events())


def copy_data(source: Backend, target: Backend) -> Copied:
    """Copy everything in `source` into `target`, which must hold nothing yet (Refused)."""
    with source.reading() as read, target.writing() as write:
        held = contents(write)
        if held or any(write.counters().values()):
            raise Refused(
                f"{target.location()} is not empty ({held:,} records and events); `db copy` "
                "fills only an empty database or a new data file, so nothing was copied"
            )
        records = 0
        for model in RECORD_TYPES:
            stored = list(read.stored(model))
            write.add_stored(model, stored)
            records += len(stored)
        events = read.events()
        write.add_events(events)
        counters = {series: value for series, value in read.counters().items() if value > 0}
        for series, value in sorted(counters.items()):
            write.next_numbers(series, value)
        write.set_config(read.config())
    return Copied(records, len(events), len(counters))
