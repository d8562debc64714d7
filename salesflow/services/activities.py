"""Use cases of activities: note, task, call and meeting; list, show, edit, done, reschedule,
cancel; what a record's screen shows of them; carry-over when a lead is qualified."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from salesflow.models import Activity, Event, Quote, Record
from salesflow.pipeline import activities as rules
from salesflow.pipeline.numbering import normalize
from salesflow.services import allocator
from salesflow.store.contract import Match, UnitOfWork

if TYPE_CHECKING:
    from salesflow.pipeline.leads import Qualified


def regarded(uow: UnitOfWork, number: str) -> Record:
    """The record an activity is to regard: any business number but a product's SKU.

    Raises InvalidValue for a number of no known type, NotFound for one that names nothing.
    """
    wanted = normalize(number)
    model = rules.regarding_type(wanted)
    if model is Quote:
        from salesflow.pipeline.quotes import pick_revision

        revisions = uow.all(Quote, Match.where(number=wanted))
        return pick_revision(wanted, revisions, None)
    return uow.get(model, wanted)


def _save(uow: UnitOfWork, activities: Iterable[Activity], events: Iterable[Event]) -> None:
    uow.put(*activities)
    uow.add_events(events)


def add_note(uow: UnitOfWork, regarding: str, text: str, *, today: date, now: datetime) -> Activity:
    record = regarded(uow, regarding)
    note, created = rules.add_note(
        record,
        text,
        number=allocator(uow)(Activity.prefix),
        today=today,
        now=now,
        owner=uow.seller,
    )
    _save(uow, [note], [created])
    return note


def schedule(
    uow: UnitOfWork,
    kind: str,
    regarding: str,
    subject: str,
    when: rules.Schedule,
    *,
    text: str | None = None,
    today: date,
    now: datetime,
) -> Activity:
    """A task or meeting (or a call to make) about `regarding`."""
    record = regarded(uow, regarding)
    activity, created = rules.schedule_activity(
        kind,
        record,
        subject,
        when,
        number=allocator(uow)(Activity.prefix),
        text=text,
        today=today,
        now=now,
        owner=uow.seller,
    )
    _save(uow, [activity], [created])
    return activity


def log_call(
    uow: UnitOfWork,
    regarding: str,
    subject: str,
    *,
    outcome: str | None,
    direction: str | None,
    next_subject: str | None,
    next_due: str | None,
    next_at: str | None,
    today: date,
    now: datetime,
) -> rules.LoggedCall:
    record = regarded(uow, regarding)
    logged = rules.log_call(
        record,
        subject,
        outcome=outcome,
        direction=direction,
        next_subject=next_subject,
        next_due=next_due,
        next_at=next_at,
        numbers=allocator(uow),
        today=today,
        now=now,
        owner=uow.seller,
    )
    _save(uow, logged.activities, logged.events)
    return logged


def log_email(
    uow: UnitOfWork,
    regarding: str,
    subject: str,
    *,
    text: str | None,
    direction: str | None,
    today: date,
    now: datetime,
) -> Activity:
    record = regarded(uow, regarding)
    email, created = rules.log_email(
        record,
        subject,
        text=text,
        direction=direction,
        number=allocator(uow)(Activity.prefix),
        today=today,
        now=now,
        owner=uow.seller,
    )
    _save(uow, [email], [created])
    return email


def get(uow: UnitOfWork, number: str) -> Activity:
    return uow.get(Activity, normalize(number))


def listed(uow: UnitOfWork, wanted: rules.ActivityFilter, *, today: date) -> list[Activity]:
    """`activity list`: a regarded number must name a record."""
    fields: dict[str, str] = {}
    if wanted.regarding is not None:
        regarded(uow, wanted.regarding)
        fields["regarding"] = wanted.regarding
    if wanted.owner is not None:
        fields["owner"] = wanted.owner
    where = Match.where(None, None, **fields) if fields else None
    return rules.select_activities(uow.all(Activity, where), wanted, today=today)


def edit(
    uow: UnitOfWork, number: str, fields: Mapping[str, str | None], *, now: datetime
) -> Activity:
    activity, edited = rules.edit_activity(get(uow, number), fields, now=now)
    _save(uow, [activity], [edited])
    return activity


def reschedule(
    uow: UnitOfWork, number: str, due: str, *, at: str | None, now: datetime
) -> Activity:
    activity, moved = rules.reschedule_activity(get(uow, number), due, at=at, now=now)
    _save(uow, [activity], [moved])
    return activity


def complete(
    uow: UnitOfWork, number: str, *, outcome: str | None, today: date, now: datetime
) -> Activity:
    activity, done = rules.complete_activity(
        get(uow, number), outcome=outcome, today=today, now=now
    )
    _save(uow, [activity], [done])
    return activity


def cancel(uow: UnitOfWork, number: str, *, today: date, now: datetime) -> Activity:
    activity, canceled = rules.cancel_activity(get(uow, number), today=today, now=now)
    _save(uow, [activity], [canceled])
    return activity


def of(uow: UnitOfWork, *numbers: str) -> list[Activity]:
    """The activities regarding (or with) any of `numbers`."""
    return _about(uow, numbers)


def _about(uow: UnitOfWork, numbers: Iterable[str]) -> list[Activity]:
    wanted = tuple(numbers)
    return uow.all(
        Activity, Match.either(Match.where(regarding=wanted), Match.where(contact=wanted))
    )


def open_regarding(uow: UnitOfWork, *numbers: str) -> dict[str, list[Activity]]:
    """The open activities regarding each of `numbers`, the first due first (closing an
    opportunity lists them); read in one pass however many numbers."""
    found = of(uow, *numbers)
    return {number: rules.open_of(found, number) for number in numbers}


@dataclass(frozen=True)
class Summary:
    """What a record's screen shows of its activities."""

    next: Activity | None
    notes: list[Activity]

    def as_dict(self) -> dict[str, Any]:
        """The keys a record's `show --json` adds, only when there is something to show: a
        record without activities keeps the JSON it always had."""
        if self.next is None and not self.notes:
            return {}
        return {
            "next_activity": self.next.model_dump(mode="json") if self.next else None,
            "last_notes": [n.model_dump(mode="json") for n in self.notes],
        }


def summary(uow: UnitOfWork, *numbers: str) -> Summary:
    """The next open activity and the last three notes about any of `numbers`."""
    found = of(uow, *numbers)
    return Summary(rules.next_open(found), rules.last_notes(found))


def move_off(uow: UnitOfWork, source: str, target: str, *, now: datetime) -> list[Activity]:
    """Move the activities about `source`, which is going away, to `target`."""
    moved, events = rules.move_regarding(
        _about(uow, [source]), source=source, target=target, now=now
    )
    _save(uow, moved, events)
    return moved


_OPEN = Match.where(status="open", defaults={"status": "open"})


def carrier(uow: UnitOfWork, *, now: datetime) -> Callable[[Qualified], list[Activity]]:
    """What moves the open activities of each lead qualified in this uow to its
    opportunity and contact (`pipeline.activities.carry_over`). The open activities are
    gathered once, at the first lead, so a batch of qualifications stays linear."""
    by_lead: dict[str, list[Activity]] | None = None

    def carry(qualified: Qualified) -> list[Activity]:
        nonlocal by_lead
        if by_lead is None:
            by_lead = {}
            for activity in uow.all(Activity, _OPEN):
                by_lead.setdefault(activity.regarding.upper(), []).append(activity)
        lead = qualified.lead.number
        moved, events = rules.carry_over(
            by_lead.get(lead.upper(), []),
            lead=lead,
            opportunity=qualified.opportunity.number,
            contact=qualified.contact.number if qualified.contact is not None else None,
            now=now,
        )
        _save(uow, moved, events)
        return moved

    return carry
