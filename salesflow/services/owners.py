"""Use cases of ownership: assigning records to another seller."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from salesflow.models import Record
from salesflow.pipeline import owners as rules
from salesflow.store.contract import UnitOfWork

R = TypeVar("R", bound=Record)


def assign(uow: UnitOfWork, model: type[R], number: str, to: str, *, now: datetime) -> R:
    """The record numbered `number` owned by `to` (`pipeline.owners.assign` says what it
    refuses); an `assigned` event records the owners before and after."""
    record, assigned = rules.assign(uow.get(model, number), to, now=now)
    if assigned is not None:
        uow.put(record)
        uow.add_events([assigned])
    return record
