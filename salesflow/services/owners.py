"""Use cases of ownership: assigning records to another seller."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar, cast

from salesflow.models import Quote, Record
from salesflow.pipeline import owners as rules
from salesflow.store.contract import UnitOfWork

R = TypeVar("R", bound=Record)


def assign(uow: UnitOfWork, model: type[R], number: str, to: str, *, now: datetime) -> R:
    """The record numbered `number` owned by `to` (`pipeline.owners.assign` says what it
    refuses); an `assigned` event records the owners before and after. A quote is assigned
    whole (`assign_quote`)."""
    if model is Quote:
        return cast(R, assign_quote(uow, number, to, now=now))
    record, assigned = rules.assign(uow.get(model, number), to, now=now)
    if assigned is not None:
        uow.put(record)
        uow.add_events([assigned])
    return record


def assign_quote(uow: UnitOfWork, number: str, to: str, *, now: datetime) -> Quote:
    """Quote `number` owned by `to`: its latest revision, as `quote show` shows it, and every
    earlier one with it (they are the same quote), with one `assigned` event."""
    from salesflow.services.quotes import load, revisions_of

    latest = load(uow, number)  # NotFound names the quote
    record, assigned = rules.assign(latest, to, now=now)
    if assigned is not None:
        earlier = [q for q in revisions_of(uow, latest.number) if q.revision != latest.revision]
        uow.put(record, *(q.model_copy(update={"owner": record.owner}) for q in earlier))
        uow.add_events([assigned])
    return record
