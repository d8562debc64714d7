"""Use cases about the data as a whole: what it holds (`info`) and whether it is sound
(`doctor`)."""

from __future__ import annotations

from dataclasses import dataclass

from salesflow.models import RECORD_TYPES, Event
from salesflow.pipeline.doctor import Problem, diagnose
from salesflow.pipeline.settings import Settings
from salesflow.store.contract import UnitOfWork


@dataclass(frozen=True)
class Contents:
    """What `info` shows of the data: its schema, currency and records per type."""

    schema: int
    currency: str
    counts: dict[str, int]
    """Records per table, every record type in registry order, then the story's events."""


def contents(uow: UnitOfWork) -> Contents:
    counts = {model.table: uow.count(model) for model in RECORD_TYPES}
    counts[Event.table] = uow.event_count()
    return Contents(uow.file_schema, Settings(uow.config()).currency, counts)


@dataclass(frozen=True)
class Diagnosis:
    """What `doctor` found: the schema as stored and every problem, in check order."""

    schema: int
    problems: list[Problem]


def check(uow: UnitOfWork) -> Diagnosis:
    """Every integrity check over the data as stored (`pipeline.doctor`); changes nothing."""
    problems = diagnose(uow.contents())
    problems.extend(_agenda_index(uow))
    return Diagnosis(uow.file_schema, problems)


def _agenda_index(uow: UnitOfWork) -> list[Problem]:
    """The agenda index the agenda would read must be what the records derive to."""
    from salesflow.errors import SalesflowError
    from salesflow.pipeline.agenda_index import INDEX_TABLE
    from salesflow.store.contract import derived_agenda_index

    try:
        used = uow.agenda_index()
    except SalesflowError:  # a record that does not validate: named by the checks above
        return []
    if used.normalized() == derived_agenda_index(uow).normalized():
        return []
    return [
        Problem(
            "index",
            INDEX_TABLE,
            "the agenda index does not match the activities and deals it was derived from, so "
            "the agenda may show what is not due or miss what is",
        )
    ]
