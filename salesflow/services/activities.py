"""Use cases of activities: note, task, call and meeting; list, show, edit, done, reschedule,
cancel; what a record's screen shows of them; carry-over when a lead is qualified."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from salesflow.models import Activity, Quote, Record
from salesflow.pipeline import activities as rules
from salesflow.pipeline.numbering import normalize
from salesflow.services import allocator
from salesflow.store.contract import Match, UnitOfWork

if TYPE_CHECKING:
    from salesflow.pipeline.leads import Qualified
    from salesflow.store import Session


def regarded(session: Session, number: str) -> Record:
    """The record an activity is to regard: any business number but a product's SKU.

    Raises InvalidValue for a number of no known type, NotFound for one that names nothing.
    """
    wanted = normalize(number)
    model = rules.regarding_type(wanted)
    if model is Quote:
        from salesflow.pipeline.quotes import pick_revision

        revisions = session.all(Quote, lambda d: str(d.get("number", "")).upper() == wanted)
        return pick_revision(wanted, revisions, None)
    return session.get(model, wanted)


def _save(session: UnitOfWork, activities: Iterable[Activity], events: Iterable[Any]) -> None:
    session.put(*activities)
    session.add_events(events)


def add_note(
    session: Session, regarding: str, text: str, *, today: date, now: datetime
) -> Activity:
    record = regarded(session, regarding)
    note, created = rules.add_note(
        record, text, number=allocator(session)(Activity.prefix), today=today, now=now
    )
    _save(session, [note], [created])
    return note


def schedule(
    session: Session,
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
    record = regarded(session, regarding)
    activity, created = rules.schedule_activity(
        kind,
        record,
        subject,
        when,
        number=allocator(session)(Activity.prefix),
        text=text,
        today=today,
        now=now,
    )
    _save(session, [activity], [created])
    return activity


def log_call(
    session: Session,
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
    record = regarded(session, regarding)
    logged = rules.log_call(
        record,
        subject,
        outcome=outcome,
        direction=direction,
        next_subject=next_subject,
        next_due=next_due,
        next_at=next_at,
        numbers=allocator(session),
        today=today,
        now=now,
    )
    _save(session, logged.activities, logged.events)
    return logged


def log_email(
    session: Session,
    regarding: str,
    subject: str,
    *,
    text: str | None,
    direction: str | None,
    today: date,
    now: datetime,
) -> Activity:
    record = regarded(session, regarding)
    email, created = rules.log_email(
        record,
        subject,
        text=text,
        direction=direction,
        number=allocator(session)(Activity.prefix),
        today=today,
        now=now,
    )
    _save(session, [email], [created])
    return email


def get(session: Session, number: str) -> Activity:
    return session.get(Activity, normalize(number))


def listed(session: Session, wanted: rules.ActivityFilter, *, today: date) -> list[Activity]:
    """`activity list`: a regarded number must name a record."""
    if wanted.regarding is not None:
        regarded(session, wanted.regarding)
        regarding = wanted.regarding

        def about(doc: dict[str, Any]) -> bool:
            return str(doc.get("regarding", "")).upper() == regarding

        return rules.select_activities(session.all(Activity, about), wanted, today=today)
    return rules.select_activities(session.all(Activity), wanted, today=today)


def edit(
    session: Session, number: str, fields: Mapping[str, str | None], *, now: datetime
) -> Activity:
    activity, edited = rules.edit_activity(get(session, number), fields, now=now)
    _save(session, [activity], [edited])
    return activity


def reschedule(
    session: Session, number: str, due: str, *, at: str | None, now: datetime
) -> Activity:
    activity, moved = rules.reschedule_activity(get(session, number), due, at=at, now=now)
    _save(session, [activity], [moved])
    return activity


def complete(
    session: Session, number: str, *, outcome: str | None, today: date, now: datetime
) -> Activity:
    activity, done = rules.complete_activity(
        get(session, number), outcome=outcome, today=today, now=now
    )
    _save(session, [activity], [done])
    return activity


def cancel(session: Session, number: str, *, today: date, now: datetime) -> Activity:
    activity, canceled = rules.cancel_activity(get(session, number), today=today, now=now)
    _save(session, [activity], [canceled])
    return activity


def _about(session: UnitOfWork, numbers: set[str]) -> list[Activity]:
    """The activities regarding (or with) any of `numbers`, in creation (number) order."""
    regarding = session.all(Activity, Match.where(regarding=numbers))
    found = {
        a.number: a for a in [*regarding, *session.all(Activity, Match.where(contact=numbers))]
    }
    return sorted(found.values(), key=lambda a: int(a.number.rpartition("-")[2]))


def of(session: UnitOfWork, *numbers: str) -> list[Activity]:
    """The activities regarding (or with) any of `numbers`."""
    return _about(session, {n.upper() for n in numbers})


def open_regarding(session: Session, *numbers: str) -> dict[str, list[Activity]]:
    """The open activities regarding each of `numbers`, the first due first (closing an
    opportunity lists them); read in one pass however many numbers."""
    found = of(session, *numbers)
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


def summary(session: UnitOfWork, *numbers: str) -> Summary:
    """The next open activity and the last three notes about any of `numbers`."""
    found = of(session, *numbers)
    return Summary(rules.next_open(found), rules.last_notes(found))


def move_off(session: Session, source: str, target: str, *, now: datetime) -> list[Activity]:
    """Move the activities about `source`, which is going away, to `target`."""
    moved, events = rules.move_regarding(
        _about(session, {source.upper()}), source=source, target=target, now=now
    )
    _save(session, moved, events)
    return moved


def carrier(session: UnitOfWork, *, now: datetime) -> Callable[[Qualified], list[Activity]]:
    """What moves the open activities of each lead qualified in this session to its
    opportunity and contact (`pipeline.activities.carry_over`). The open activities are
    gathered once, at the first lead, so a batch of qualifications stays linear."""
    by_lead: dict[str, list[Activity]] | None = None

    def carry(qualified: Qualified) -> list[Activity]:
        nonlocal by_lead
        if by_lead is None:
            by_lead = {}
            open_ones = Match.where(status="open", defaults={"status": "open"})
            for activity in session.all(Activity, open_ones):
                by_lead.setdefault(activity.regarding.upper(), []).append(activity)
        lead = qualified.lead.number
        moved, events = rules.carry_over(
            by_lead.get(lead.upper(), []),
            lead=lead,
            opportunity=qualified.opportunity.number,
            contact=qualified.contact.number if qualified.contact is not None else None,
            now=now,
        )
        _save(session, moved, events)
        return moved

    return carry
