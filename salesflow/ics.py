"""Tasks, calls and meetings as an iCalendar file (RFC 5545), made with the icalendar library.

Tasks and calls are to-dos (VTODO), meetings events (VEVENT). Each keeps the UID of its activity
number, so a calendar that imports or subscribes to a new export updates the entries it has
rather than adding them twice. Times are floating (no time zone): they are the seller's wall
clock, as typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from salesflow.models import Activity, ActivityKind, ActivityStatus, Priority

PRODUCT_ID = "-//salesflow//activities//EN"
UID_DOMAIN = "salesflow.invalid"
"""UIDs are `act-0001@salesflow.invalid`: globally unique enough, and never a real host."""
CALL_MINUTES = 15
"""A call with a time and no duration blocks this much of the calendar."""

_PRIORITY = {Priority.HIGH: 1, Priority.NORMAL: 5, Priority.LOW: 9}
_TODO_STATUS = {
    ActivityStatus.OPEN: "NEEDS-ACTION",
    ActivityStatus.DONE: "COMPLETED",
    ActivityStatus.CANCELED: "CANCELLED",
}
_EVENT_STATUS = {
    ActivityStatus.OPEN: "CONFIRMED",
    ActivityStatus.DONE: "CONFIRMED",
    ActivityStatus.CANCELED: "CANCELLED",
}


def uid(activity: Activity) -> str:
    return f"{activity.number.lower()}@{UID_DOMAIN}"


def _start(activity: Activity) -> date | datetime:
    assert activity.due is not None
    if activity.at is None:
        return activity.due
    return datetime.combine(activity.due, activity.at)


def calendar_bytes(
    activities: Iterable[Activity], *, stamp: datetime, name: str = "salesflow"
) -> bytes:
    """The activities with a due date as one VCALENDAR; `stamp` is the DTSTAMP of every entry
    (when the export was made)."""
    from icalendar import Calendar, Event, Todo

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for activity in sorted(activities, key=lambda a: a.number):
        if activity.due is None:
            continue
        entry: Event | Todo
        if activity.kind is ActivityKind.MEETING:
            entry = Event()
            entry.add("dtstart", _start(activity))
            if activity.duration:
                entry.add("duration", timedelta(minutes=activity.duration))
            entry.add("status", _EVENT_STATUS[activity.status])
        else:
            entry = Todo()
            entry.add("due", _start(activity))
            if activity.kind is ActivityKind.CALL and activity.at is not None:
                entry.add("dtstart", _start(activity))
                entry.add("duration", timedelta(minutes=activity.duration or CALL_MINUTES))
                del entry["due"]  # RFC 5545: DUE and DURATION never together
            entry.add("status", _TODO_STATUS[activity.status])
            entry.add("priority", _PRIORITY[activity.priority])
            if activity.completed_on is not None and activity.status is ActivityStatus.DONE:
                # RFC 5545 wants COMPLETED in UTC; only the day is known: its start, in UTC
                entry.add("completed", datetime.combine(activity.completed_on, time(), UTC))
        entry.add("uid", uid(activity))
        entry.add("dtstamp", stamp)
        entry.add("summary", f"{activity.subject} ({activity.regarding})")
        entry.add("categories", [activity.kind.value])
        description = [f"{activity.kind} {activity.number} about {activity.regarding}"]
        if activity.text:
            description.append(activity.text)
        entry.add("description", "\n\n".join(description))
        calendar.add_component(entry)
    return bytes(calendar.to_ical())
