"""Activities: notes, calls, emails, meetings and tasks about a record, and when they are due.

An activity regards one record (lead, account, contact, opportunity, quote, order or invoice),
named by its business number. Notes and logged calls are done when they are made; tasks,
meetings and follow-up calls are open until done or canceled, and have a due date (and maybe a
time). Qualifying a lead carries its open activities over to the new opportunity and contact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from salesflow.errors import InvalidValue, Refused
from salesflow.models import (
    RECORD_TYPES,
    Activity,
    ActivityKind,
    ActivityStatus,
    CreditNote,
    Event,
    Invoice,
    Priority,
    Product,
    Record,
)
from salesflow.pipeline.fields import choice, clean, event, parse_date
from salesflow.pipeline.numbering import Numbers, normalize
from salesflow.pipeline.owners import seller_name
from salesflow.pipeline.states import guard

KINDS = tuple(kind.value for kind in ActivityKind)
SCHEDULED = (ActivityKind.TASK, ActivityKind.CALL, ActivityKind.MEETING)
"""The kinds that have a due date and appear in the agenda."""
PRIORITIES = tuple(p.value for p in Priority)
DIRECTIONS = ("outgoing", "incoming")
SUBJECT_LENGTH = 60
"""A note's subject is its first line, cut to this many characters."""
NOTES_SHOWN = 3

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)(?:m|min)?)?$")
_PREFIXES = {m.prefix: m for m in RECORD_TYPES if m is not Activity and m is not Product}
_YEARLY = (Invoice.prefix, CreditNote.prefix)  # numbered per year: INV-2026-0001


def regarding_type(number: str) -> type[Record]:
    """The record type a business number names, from its prefix (`INV-2026-0001` an invoice).

    Raises InvalidValue for anything else (an SKU, an activity, a typo).
    """
    prefix = normalize(number).split("-", 1)[0]
    model = _PREFIXES.get(prefix)
    if model is None or "-" not in number:
        *others, last = [f"{p}-2026-0001" if p in _YEARLY else f"{p}-0001" for p in _PREFIXES]
        raise InvalidValue(
            f"{number!r} is not the number of a record an activity can regard "
            f"({', '.join(others)} or {last})"
        )
    return model


def parse_time(text: str, what: str) -> time:
    """A time of day typed as `HH:MM` (24 hours)."""
    match = _TIME.match(text.strip())
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise InvalidValue(f"{what} {text!r} is not a time; use HH:MM (24 hours)")
    return time(int(match.group(1)), int(match.group(2)))


def parse_duration(text: str, what: str = "duration") -> int:
    """Minutes from `1h`, `90m`, `1h30`, `1h30m` or `45` (minutes); more than 0, at most a day."""
    cleaned = text.strip().lower().replace(" ", "")
    match = _DURATION.match(cleaned)
    if not cleaned or match is None or not any(match.groups()):
        raise InvalidValue(f"{what} {text!r} is not a duration; use e.g. 1h, 90m or 1h30")
    minutes = int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
    if not 0 < minutes <= 24 * 60:
        raise InvalidValue(f"{what} {text!r} is out of range; it must be from 1m to 24h")
    return minutes


def duration_text(minutes: int | None) -> str:
    """`1h30`, `45m`, `2h`; empty for none."""
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h{rest:02d}" if rest else f"{hours}h"


@dataclass(frozen=True)
class Schedule:
    """When an open activity is due, as typed: date, time of day, duration, priority."""

    due: str | None = None
    at: str | None = None
    duration: str | None = None
    priority: str | None = None


def _subject(text: str | None, kind: str) -> str:
    subject = clean(text)
    if subject is None:
        raise InvalidValue(f"a {kind} needs a subject (empty text given)")
    return subject


def _scheduled(kind: ActivityKind, schedule: Schedule) -> dict[str, object]:
    """The checked schedule fields of a new activity; a meeting needs a date and a time."""
    values: dict[str, object] = {}
    if schedule.due is not None:
        values["due"] = parse_date(schedule.due, f"{kind} due date")
    if schedule.at is not None:
        values["at"] = parse_time(schedule.at, f"{kind} time")
        if "due" not in values:
            raise InvalidValue(f"a {kind} time needs a date too (--due or --on)")
    if schedule.duration is not None:
        values["duration"] = parse_duration(schedule.duration, f"{kind} duration")
    if schedule.priority is not None:
        values["priority"] = Priority(choice(schedule.priority, PRIORITIES, "priority"))
    if kind is ActivityKind.MEETING and ("due" not in values or "at" not in values):
        raise InvalidValue("a meeting needs a date and a time (--on YYYY-MM-DD --at HH:MM)")
    if kind is ActivityKind.TASK and "due" not in values:
        raise InvalidValue("a task needs a due date (--due YYYY-MM-DD)")
    return values


def _created(activity: Activity, now: datetime) -> Event:
    return event(
        now,
        activity.number,
        "created",
        None,
        activity.status,
        activity=activity.kind,
        regarding=activity.regarding,
        subject=activity.subject,
        due=activity.due,
    )


def _number(record: Record) -> str:
    """A record's business number (a quote's without its revision)."""
    return str(record.number)  # type: ignore[attr-defined]


def _contact_of(regarding: Record) -> str | None:
    if regarding.table == "contacts":
        return _number(regarding)
    contact = getattr(regarding, "contact", None)
    return contact if isinstance(contact, str) else None


def add_note(
    regarding: Record,
    text: str,
    *,
    number: str,
    today: date,
    now: datetime,
    owner: str | None = None,
) -> tuple[Activity, Event]:
    """A note about `regarding`: done when written; its subject is the text's first line.
    Activities belong to `owner`, who writes or plans them (in every function below).

    Raises InvalidValue for empty text.
    """
    body = (text or "").strip()
    if not body:
        raise InvalidValue(f"a note about {_number(regarding)} needs text (empty text given)")
    first = body.splitlines()[0].strip()
    subject = first if len(first) <= SUBJECT_LENGTH else first[: SUBJECT_LENGTH - 1] + "…"
    note = Activity(
        number=number,
        owner=owner,
        kind=ActivityKind.NOTE,
        subject=subject,
        text=body,
        regarding=_number(regarding),
        contact=_contact_of(regarding),
        status=ActivityStatus.DONE,
        created_on=today,
        completed_on=today,
    )
    return note, _created(note, now)


def schedule_activity(
    kind: str,
    regarding: Record,
    subject: str,
    schedule: Schedule,
    *,
    number: str,
    today: date,
    now: datetime,
    text: str | None = None,
    owner: str | None = None,
) -> tuple[Activity, Event]:
    """An open task, call or meeting about `regarding`, due as `schedule` says.

    A task needs a due date, a meeting a date and a time. Raises InvalidValue for an empty
    subject, a bad date, time, duration or priority.
    """
    which = ActivityKind(choice(kind, tuple(k.value for k in SCHEDULED), "activity kind"))
    values = _scheduled(which, schedule)
    activity = Activity(
        number=number,
        owner=owner,
        kind=which,
        subject=_subject(subject, which),
        text=clean(text),
        regarding=_number(regarding),
        contact=_contact_of(regarding),
        created_on=today,
        **values,  # type: ignore[arg-type]
    )
    return activity, _created(activity, now)


@dataclass(frozen=True)
class LoggedCall:
    """A call logged as done, and the follow-up call planned with it (if any)."""

    call: Activity
    follow_up: Activity | None
    events: list[Event]

    @property
    def activities(self) -> list[Activity]:
        return [self.call] if self.follow_up is None else [self.call, self.follow_up]


def log_call(
    regarding: Record,
    subject: str,
    *,
    outcome: str | None = None,
    direction: str | None = None,
    next_subject: str | None = None,
    next_due: str | None = None,
    next_at: str | None = None,
    numbers: Numbers,
    today: date,
    now: datetime,
    owner: str | None = None,
) -> LoggedCall:
    """A call made today (done), with an open follow-up call when `next_subject` is given.

    The follow-up needs a due date. Raises InvalidValue before any number is handed out.
    """
    which = choice(direction, DIRECTIONS, "call direction") if direction else "outgoing"
    subject_text = _subject(subject, "call")
    follow_schedule: dict[str, object] | None = None
    if next_subject is not None or next_due is not None:
        if clean(next_subject) is None or next_due is None:
            raise InvalidValue(
                "a follow-up call needs a subject and a due date (--next SUBJECT --due D)"
            )
        follow_schedule = _scheduled(ActivityKind.CALL, Schedule(due=next_due, at=next_at))
    call = Activity(
        number=numbers(Activity.prefix),
        owner=owner,
        kind=ActivityKind.CALL,
        subject=subject_text,
        regarding=_number(regarding),
        contact=_contact_of(regarding),
        status=ActivityStatus.DONE,
        direction=which,
        outcome=clean(outcome),
        created_on=today,
        completed_on=today,
    )
    events = [_created(call, now)]
    follow_up = None
    if follow_schedule is not None:
        follow_up = Activity(
            number=numbers(Activity.prefix),
            owner=owner,
            kind=ActivityKind.CALL,
            subject=_subject(next_subject, "call"),
            regarding=_number(regarding),
            contact=call.contact,
            direction="outgoing",
            follows=call.number,
            created_on=today,
            **follow_schedule,  # type: ignore[arg-type]
        )
        events.append(_created(follow_up, now))
    return LoggedCall(call, follow_up, events)


def log_email(
    regarding: Record,
    subject: str,
    *,
    text: str | None = None,
    direction: str | None = None,
    number: str,
    today: date,
    now: datetime,
    owner: str | None = None,
) -> tuple[Activity, Event]:
    """An email sent (or, `incoming`, received) today about `regarding`: done when logged."""
    which = choice(direction, DIRECTIONS, "email direction") if direction else "outgoing"
    email = Activity(
        number=number,
        owner=owner,
        kind=ActivityKind.EMAIL,
        subject=_subject(subject, "email"),
        text=clean(text),
        regarding=_number(regarding),
        contact=_contact_of(regarding),
        status=ActivityStatus.DONE,
        direction=which,
        created_on=today,
        completed_on=today,
    )
    return email, _created(email, now)


EDITABLE = ("subject", "text", "priority", "outcome", "duration")


def edit_activity(
    activity: Activity, fields: Mapping[str, str | None], *, now: datetime
) -> tuple[Activity, Event]:
    """The activity with changed subject, text, priority, outcome or duration (open or done
    ones); empty text clears a field, but the subject cannot be cleared.

    The previous text is kept in the event, so nothing typed is lost.
    """
    guard("activity", activity.number, activity.status, "edit")
    values: dict[str, object] = {}
    for name, raw in fields.items():
        if raw is None:
            continue
        if name not in EDITABLE:
            raise InvalidValue(f"activity {activity.number}: {name} cannot be edited")
        if name == "subject":
            values[name] = _subject(raw, activity.kind)
        elif name == "priority":
            values[name] = Priority(choice(raw, PRIORITIES, "priority"))
        elif name == "duration":
            values[name] = parse_duration(raw, "duration") if raw.strip() else None
        else:
            values[name] = clean(raw)
    changed = {k: v for k, v in values.items() if getattr(activity, k) != v}
    updated = activity.model_copy(update=changed)
    return updated, event(
        now,
        activity.number,
        "edited",
        fields=sorted(changed),
        previous_text=activity.text if "text" in changed else None,
    )


def reschedule_activity(
    activity: Activity, due: str, *, at: str | None = None, now: datetime
) -> tuple[Activity, Event]:
    """Move an open task, call or meeting to another date (and time; "" clears the time)."""
    guard("activity", activity.number, activity.status, "reschedule")
    if activity.kind not in SCHEDULED:
        raise Refused(
            f"activity {activity.number} is a {activity.kind}; only tasks, calls and meetings "
            "are scheduled"
        )
    new_due = parse_date(due, f"activity {activity.number}: due date")
    update: dict[str, object] = {"due": new_due}
    if at is not None:
        update["at"] = parse_time(at, f"activity {activity.number}: time") if at.strip() else None
    if activity.kind is ActivityKind.MEETING and update.get("at", activity.at) is None:
        raise InvalidValue(f"activity {activity.number} is a meeting; it needs a time")
    updated = activity.model_copy(update=update)
    return updated, event(
        now,
        activity.number,
        "rescheduled",
        previous_due=activity.due,
        due=new_due,
        at=updated.at.strftime("%H:%M") if updated.at else None,
    )


def complete_activity(
    activity: Activity, *, outcome: str | None = None, today: date, now: datetime
) -> tuple[Activity, Event]:
    """Mark an open activity done today (with an outcome, for calls and meetings)."""
    transition = guard("activity", activity.number, activity.status, "done")
    update: dict[str, object] = {"status": ActivityStatus.DONE, "completed_on": today}
    if clean(outcome) is not None:
        update["outcome"] = clean(outcome)
    updated = activity.model_copy(update=update)
    return updated, event(
        now, activity.number, "done", activity.status, transition.target, outcome=clean(outcome)
    )


def cancel_activity(activity: Activity, *, today: date, now: datetime) -> tuple[Activity, Event]:
    """Cancel an open activity."""
    transition = guard("activity", activity.number, activity.status, "cancel")
    updated = activity.model_copy(update={"status": ActivityStatus.CANCELED, "canceled_on": today})
    return updated, event(now, activity.number, "canceled", activity.status, transition.target)


def carry_over(
    activities: Iterable[Activity],
    *,
    lead: str,
    opportunity: str,
    contact: str | None,
    now: datetime,
) -> tuple[list[Activity], list[Event]]:
    """The open activities regarding `lead`, moved to the opportunity it was qualified into
    (with its contact as the person they are with), as Dynamics does. Done and canceled ones
    stay with the lead: they are its history."""
    moved: list[Activity] = []
    events: list[Event] = []
    for activity in activities:
        if activity.regarding.upper() != lead.upper() or not is_open(activity):
            continue
        moved.append(
            activity.model_copy(
                update={"regarding": opportunity, "contact": contact or activity.contact}
            )
        )
        events.append(event(now, activity.number, "carried", lead=lead, opportunity=opportunity))
    return moved, events


def move_regarding(
    activities: Iterable[Activity], *, source: str, target: str, now: datetime
) -> tuple[list[Activity], list[Event]]:
    """Every activity regarding `source`, a record that goes away (a quote deleted while a
    draft), moved to `target` (its opportunity), so that none regards a missing record."""
    moved = [
        a.model_copy(update={"regarding": target})
        for a in activities
        if a.regarding.upper() == source.upper()
    ]
    return moved, [event(now, a.number, "moved", source=source, regarding=target) for a in moved]


# --- what is due -------------------------------------------------------------------------------


def is_open(activity: Activity) -> bool:
    return activity.status is ActivityStatus.OPEN


def is_due(activity: Activity, day: date) -> bool:
    """Open and due on or before `day`: it needs doing."""
    return is_open(activity) and activity.due is not None and activity.due <= day


def is_overdue(activity: Activity, today: date) -> bool:
    """Open and due before `today`."""
    return is_open(activity) and activity.due is not None and activity.due < today


def when(activity: Activity) -> tuple[date, time]:
    """The sort key of scheduled work: due date, then time (a day's untimed work last)."""
    return (activity.due or date.max, activity.at or time.max)


def next_open(activities: Iterable[Activity]) -> Activity | None:
    """The open activity due first (by date and time; undated ones after dated ones)."""
    candidates = [a for a in activities if is_open(a)]
    return min(candidates, key=lambda a: (*when(a), a.created_on, a.number), default=None)


def last_notes(activities: Iterable[Activity], count: int = NOTES_SHOWN) -> list[Activity]:
    """The latest `count` notes, newest first."""
    notes = [a for a in activities if a.kind is ActivityKind.NOTE]
    notes.sort(key=lambda a: (a.created_on, _order(a.number)), reverse=True)
    return notes[:count]


def _order(number: str) -> int:
    digits = number.rsplit("-", 1)[-1]
    return int(digits) if digits.isdigit() else 0


@dataclass(frozen=True)
class ActivityFilter:
    """The filters of `activity list`, checked."""

    regarding: str | None = None
    open_only: bool = False
    overdue: bool = False
    kind: ActivityKind | None = None
    due_before: date | None = None
    owner: str | None = None
    """Only the activities of this seller (case-folded)."""


def activity_filter(
    *,
    regarding: str | None = None,
    open_only: bool = False,
    overdue: bool = False,
    kind: str | None = None,
    due_before: str | None = None,
    owner: str | None = None,
) -> ActivityFilter:
    """The checked filters; InvalidValue for an unknown kind, a bad date or owner."""
    return ActivityFilter(
        regarding=normalize(regarding) if regarding else None,
        open_only=open_only,
        overdue=overdue,
        kind=ActivityKind(choice(kind, KINDS, "activity kind")) if kind else None,
        due_before=parse_date(due_before, "--due-before") if due_before else None,
        owner=seller_name(owner, "--owner").casefold() if owner is not None else None,
    )


def select_activities(
    activities: Iterable[Activity], wanted: ActivityFilter, *, today: date
) -> list[Activity]:
    """The activities the filter keeps, scheduled ones by due date and time, then the rest by
    number."""
    kept = [
        a
        for a in activities
        if (wanted.regarding is None or a.regarding.upper() == wanted.regarding)
        and (not wanted.open_only or is_open(a))
        and (not wanted.overdue or is_overdue(a, today))
        and (wanted.kind is None or a.kind is wanted.kind)
        and (wanted.due_before is None or (a.due is not None and a.due < wanted.due_before))
        and (wanted.owner is None or (a.owner or "").casefold() == wanted.owner)
    ]
    return sorted(kept, key=lambda a: (*when(a), _order(a.number)))


def describe(activity: Activity) -> str:
    """One line: `ACT-0003 call "Call back" due 2026-12-01 14:00`."""
    due = ""
    if activity.due is not None:
        due = f" due {activity.due.isoformat()}"
        if activity.at is not None:
            due += f" {activity.at.strftime('%H:%M')}"
    return f'{activity.number} {activity.kind} "{activity.subject}"{due}'


def open_of(activities: Sequence[Activity], number: str) -> list[Activity]:
    """The open activities regarding `number`, in due order."""
    return select_activities(
        activities, ActivityFilter(regarding=normalize(number), open_only=True), today=date.min
    )
