"""Activities in the pure pipeline: making them, what is due and overdue, and carry-over."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.errors import InvalidValue, Refused
from salesflow.models import (
    Account,
    Activity,
    ActivityKind,
    ActivityStatus,
    Contact,
    Invoice,
    Lead,
    Opportunity,
    Priority,
    Quote,
)
from salesflow.pipeline import activities as rules
from salesflow.pipeline.activities import Schedule
from tests.conftest import NOW, TODAY

LEAD = Lead(number="L-0001", company="Acme", created_on=TODAY)
CONTACT = Contact(number="CON-0002", last_name="Doe", created_on=TODAY)


def task(number: str = "ACT-0001", due: date = TODAY, **more: object) -> Activity:
    made, _ = rules.schedule_activity(
        "task",
        LEAD,
        "Send brochure",
        Schedule(due=due.isoformat()),
        number=number,
        today=TODAY,
        now=NOW,
    )
    if more.pop("due_date", TODAY) is None:
        more["due"] = None
    return made.model_copy(update=more)


def test_a_note_is_done_when_written_and_its_first_line_is_its_subject() -> None:
    note, created = rules.add_note(
        LEAD,
        "  Call back after the fair\nThey liked the demo. ",
        number="ACT-0001",
        today=TODAY,
        now=NOW,
    )
    assert (note.kind, note.status, note.subject, note.regarding) == (
        ActivityKind.NOTE,
        ActivityStatus.DONE,
        "Call back after the fair",
        "L-0001",
    )
    assert note.text == "Call back after the fair\nThey liked the demo."
    assert note.completed_on == TODAY
    assert (created.number, created.kind, created.to_state) == ("ACT-0001", "created", "done")
    assert created.details["regarding"] == "L-0001"


def test_a_long_first_line_is_cut_for_the_subject_but_kept_in_the_text() -> None:
    note, _ = rules.add_note(LEAD, "x" * 100, number="ACT-0001", today=TODAY, now=NOW)
    assert note.subject == "x" * 59 + "…"
    assert note.text == "x" * 100


def test_an_empty_note_is_refused() -> None:
    with pytest.raises(
        InvalidValue, match=r"^a note about L-0001 needs text \(empty text given\)$"
    ):
        rules.add_note(LEAD, " \n ", number="ACT-0001", today=TODAY, now=NOW)


def test_a_task_needs_a_due_date_and_a_meeting_a_date_and_a_time() -> None:
    with pytest.raises(InvalidValue, match=r"^a task needs a due date \(--due YYYY-MM-DD\)$"):
        rules.schedule_activity(
            "task", LEAD, "x", Schedule(), number="ACT-0001", today=TODAY, now=NOW
        )
    with pytest.raises(InvalidValue, match=r"^a meeting needs a date and a time"):
        rules.schedule_activity(
            "meeting", LEAD, "x", Schedule(due="2026-12-01"), number="A", today=TODAY, now=NOW
        )


def test_a_meeting_keeps_its_time_duration_and_the_contact_it_is_with() -> None:
    meeting, _ = rules.schedule_activity(
        "meeting",
        CONTACT,
        "Demo",
        Schedule(due="2026-12-03", at="9:05", duration="1h30"),
        number="ACT-0004",
        today=TODAY,
        now=NOW,
    )
    assert (meeting.due, meeting.at, meeting.duration) == (date(2026, 12, 3), time(9, 5), 90)
    assert (meeting.regarding, meeting.contact) == ("CON-0002", "CON-0002")
    assert meeting.model_dump(mode="json")["at"] == "09:05"


def test_a_priority_outside_the_three_is_refused() -> None:
    with pytest.raises(InvalidValue, match=r"^priority 'urgent' is not one of: low, normal, high$"):
        rules.schedule_activity(
            "task",
            LEAD,
            "x",
            Schedule(due="2026-12-01", priority="urgent"),
            number="A",
            today=TODAY,
            now=NOW,
        )


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("1h", 60), ("90m", 90), ("1h30", 90), ("1h30m", 90), ("45", 45), ("2H", 120), ("24h", 1440)],
)
def test_durations_are_read_in_hours_and_minutes(text: str, minutes: int) -> None:
    assert rules.parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "h", "1.5h", "an hour", "0m", "25h", "-1h"])
def test_a_duration_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(InvalidValue, match=r"^duration "):
        rules.parse_duration(text)


@given(st.integers(min_value=1, max_value=24 * 60))
def test_a_duration_written_out_reads_back_as_the_same_minutes(minutes: int) -> None:
    assert rules.parse_duration(rules.duration_text(minutes)) == minutes


@given(st.times())
def test_a_time_written_as_hh_mm_reads_back_to_the_minute(moment: time) -> None:
    assert rules.parse_time(moment.strftime("%H:%M"), "time") == moment.replace(
        second=0, microsecond=0
    )


@pytest.mark.parametrize("text", ["24:00", "12:60", "noon", "1230", "12:3"])
def test_a_time_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(InvalidValue, match=r"is not a time; use HH:MM \(24 hours\)$"):
        rules.parse_time(text, "time")


def test_the_type_of_a_regarded_record_follows_its_number() -> None:
    assert rules.regarding_type("l-0007") is Lead
    assert rules.regarding_type("INV-2026-0001") is Invoice
    assert rules.regarding_type("QUO-0002") is Quote
    assert rules.regarding_type("OPP-10000") is Opportunity
    assert rules.regarding_type("ACC-0001") is Account
    with pytest.raises(InvalidValue, match=r"^'ACT-0001' is not the number of a record"):
        rules.regarding_type("ACT-0001")
    with pytest.raises(InvalidValue, match=r"^'DAY' is not the number of a record"):
        rules.regarding_type("DAY")


def test_a_logged_call_is_done_and_its_follow_up_is_an_open_call(
    numbers: Callable[[str], str],
) -> None:
    logged = rules.log_call(
        LEAD,
        "Intro",
        outcome="wants a demo",
        next_subject="Call again",
        next_due="2026-12-08",
        numbers=numbers,
        today=TODAY,
        now=NOW,
    )
    assert (logged.call.number, logged.call.status, logged.call.outcome) == (
        "ACT-0001",
        ActivityStatus.DONE,
        "wants a demo",
    )
    assert logged.follow_up is not None
    assert (logged.follow_up.number, logged.follow_up.status, logged.follow_up.due) == (
        "ACT-0002",
        ActivityStatus.OPEN,
        date(2026, 12, 8),
    )
    assert logged.follow_up.follows == "ACT-0001"
    assert [e.number for e in logged.events] == ["ACT-0001", "ACT-0002"]


def test_a_follow_up_without_a_due_date_is_refused_before_any_number_is_taken() -> None:
    taken: list[str] = []

    def allocate(series: str) -> str:
        taken.append(series)
        return "ACT-0001"

    with pytest.raises(InvalidValue, match=r"^a follow-up call needs a subject and a due date"):
        rules.log_call(LEAD, "Intro", next_subject="Again", numbers=allocate, today=TODAY, now=NOW)
    assert taken == []


def test_done_and_canceled_activities_are_refused_a_second_time() -> None:
    done, event = rules.complete_activity(task(), outcome="sent", today=TODAY, now=NOW)
    assert (done.status, done.completed_on, done.outcome) == (ActivityStatus.DONE, TODAY, "sent")
    assert (event.from_state, event.to_state) == ("open", "done")
    with pytest.raises(
        Refused, match=r"^activity ACT-0001 is done; only open activities can be completed$"
    ):
        rules.complete_activity(done, today=TODAY, now=NOW)
    canceled, _ = rules.cancel_activity(task(), today=TODAY, now=NOW)
    with pytest.raises(
        Refused, match=r"^activity ACT-0001 is canceled; only open activities can be canceled$"
    ):
        rules.cancel_activity(canceled, today=TODAY, now=NOW)


def test_rescheduling_moves_the_due_date_and_keeps_the_old_one_in_the_event() -> None:
    moved, event = rules.reschedule_activity(task(), "2026-12-10", at="09:30", now=NOW)
    assert (moved.due, moved.at) == (date(2026, 12, 10), time(9, 30))
    assert event.details == {"previous_due": "2026-11-27", "due": "2026-12-10", "at": "09:30"}


def test_a_note_cannot_be_rescheduled() -> None:
    note, _ = rules.add_note(LEAD, "hi", number="ACT-0009", today=TODAY, now=NOW)
    with pytest.raises(Refused, match=r"^activity ACT-0009 is done; only open activities"):
        rules.reschedule_activity(note, "2026-12-10", now=NOW)
    with pytest.raises(Refused, match=r"^activity ACT-0009 is a note; only tasks, calls"):
        rules.reschedule_activity(
            note.model_copy(update={"status": ActivityStatus.OPEN}), "2026-12-10", now=NOW
        )


def test_editing_the_text_keeps_the_previous_text_in_the_event() -> None:
    note, _ = rules.add_note(LEAD, "Call back after the fair", number="A-1", today=TODAY, now=NOW)
    edited, event = rules.edit_activity(note, {"text": "Call in January"}, now=NOW)
    assert edited.text == "Call in January"
    assert event.details == {"fields": ["text"], "previous_text": "Call back after the fair"}
    with pytest.raises(InvalidValue, match=r"^a note needs a subject \(empty text given\)$"):
        rules.edit_activity(note, {"subject": " "}, now=NOW)


def test_due_and_overdue_count_only_open_activities_by_date() -> None:
    yesterday, tomorrow = TODAY - timedelta(days=1), TODAY + timedelta(days=1)
    assert rules.is_overdue(task(due=yesterday), TODAY)
    assert not rules.is_overdue(task(due=TODAY), TODAY)
    assert rules.is_due(task(due=TODAY), TODAY)
    assert not rules.is_due(task(due=tomorrow), TODAY)
    assert not rules.is_due(task(due=yesterday, status=ActivityStatus.DONE), TODAY)
    assert not rules.is_overdue(task(due=yesterday, status=ActivityStatus.CANCELED), TODAY)
    assert not rules.is_due(task(due=TODAY, kind=ActivityKind.CALL, due_date=None), TODAY)


def test_the_next_open_activity_is_the_one_due_first_by_date_and_time() -> None:
    late = task("ACT-0001", due=TODAY, at=time(15, 0))
    early = task("ACT-0002", due=TODAY, at=time(9, 0))
    untimed = task("ACT-0003", due=TODAY)
    done = task("ACT-0004", due=TODAY - timedelta(days=3), status=ActivityStatus.DONE)
    assert rules.next_open([late, untimed, early, done]) == early
    assert rules.next_open([done]) is None


def test_the_last_three_notes_are_the_newest() -> None:
    notes = [
        rules.add_note(
            LEAD, f"note {n}", number=f"ACT-000{n}", today=TODAY + timedelta(days=n // 2), now=NOW
        )[0]
        for n in range(1, 6)
    ]
    assert [n.number for n in rules.last_notes([task(), *notes])] == [
        "ACT-0005",
        "ACT-0004",
        "ACT-0003",
    ]


def test_qualifying_carries_only_the_open_activities_of_the_lead() -> None:
    open_task = task("ACT-0001")
    done_task = task("ACT-0002", status=ActivityStatus.DONE)
    other = task("ACT-0003", regarding="L-0002")
    moved, events = rules.carry_over(
        [open_task, done_task, other],
        lead="L-0001",
        opportunity="OPP-0001",
        contact="CON-0001",
        now=NOW,
    )
    assert [(a.number, a.regarding, a.contact) for a in moved] == [
        ("ACT-0001", "OPP-0001", "CON-0001")
    ]
    assert open_task.regarding == "L-0001"  # the input is not changed
    assert [(e.number, e.kind, e.details) for e in events] == [
        ("ACT-0001", "carried", {"lead": "L-0001", "opportunity": "OPP-0001"})
    ]


def test_the_list_filters_combine_and_sort_by_due_date() -> None:
    records = [
        task("ACT-0001", due=TODAY + timedelta(days=2)),
        task("ACT-0002", due=TODAY - timedelta(days=2)),
        task("ACT-0003", due=TODAY - timedelta(days=1), status=ActivityStatus.DONE),
        rules.add_note(LEAD, "hi", number="ACT-0004", today=TODAY, now=NOW)[0],
        task("ACT-0005", due=TODAY, regarding="OPP-0001", priority=Priority.HIGH),
    ]

    def numbers(**given: object) -> list[str]:
        wanted = rules.activity_filter(**given)  # type: ignore[arg-type]
        return [a.number for a in rules.select_activities(records, wanted, today=TODAY)]

    assert numbers() == ["ACT-0002", "ACT-0003", "ACT-0005", "ACT-0001", "ACT-0004"]
    assert numbers(open_only=True) == ["ACT-0002", "ACT-0005", "ACT-0001"]
    assert numbers(overdue=True) == ["ACT-0002"]
    assert numbers(kind="note") == ["ACT-0004"]
    assert numbers(regarding="opp-0001") == ["ACT-0005"]
    assert numbers(due_before="2026-11-28") == ["ACT-0002", "ACT-0003", "ACT-0005"]
    with pytest.raises(InvalidValue, match=r"^activity kind 'visit' is not one of: note, call"):
        numbers(kind="visit")


def test_the_activity_report_counts_work_done_per_month_and_kind() -> None:
    from salesflow.pipeline.reports.activities import activity_report, week_key
    from salesflow.pipeline.reports.base import Filters

    def done(number: str, kind: ActivityKind, day: date, **more: object) -> Activity:
        fields: dict[str, object] = {"status": ActivityStatus.DONE, "completed_on": day}
        return Activity(
            number=number,
            kind=kind,
            subject="x",
            regarding="L-0001",
            created_on=day,
            **(fields | more),  # type: ignore[arg-type]
        )

    records = [
        done("ACT-0001", ActivityKind.CALL, date(2026, 10, 30)),
        done("ACT-0002", ActivityKind.CALL, date(2026, 11, 2)),
        done("ACT-0003", ActivityKind.MEETING, date(2026, 11, 3)),
        done("ACT-0004", ActivityKind.NOTE, date(2026, 11, 3)),
        done("ACT-0005", ActivityKind.TASK, date(2026, 11, 4), status=ActivityStatus.CANCELED),
        task("ACT-0006"),
    ]
    report = activity_report(records)
    assert report.as_dict() == {
        "filters": {"from": None, "to": None, "source": None, "owner": None},
        "by": "month",
        "periods": [
            {"period": "2026-10", "call": 1, "meeting": 0, "task": 0, "email": 0, "total": 1},
            {"period": "2026-11", "call": 1, "meeting": 1, "task": 0, "email": 0, "total": 2},
        ],
        "total": {"call": 2, "meeting": 1, "task": 0, "email": 0, "total": 3},
    }
    weekly = activity_report(records, by="week", filters=Filters(start=date(2026, 11, 1)))
    assert [(r.period, r.total) for r in weekly.periods] == [("2026-W45", 2)]
    assert week_key(date(2027, 1, 1)) == "2026-W53"
    with pytest.raises(InvalidValue, match=r"^--by 'day' is not one of: week, month$"):
        activity_report(records, by="day")


def test_doctor_reports_an_activity_that_regards_a_missing_record() -> None:
    from salesflow.pipeline.doctor import diagnose

    quote = Quote(number="QUO-0001", opportunity="OPP-0001", valid_until=TODAY, created_on=TODAY)
    about_quote, _ = rules.add_note(quote, "hi", number="ACT-0001", today=TODAY, now=NOW)
    about_nothing = about_quote.model_copy(update={"number": "ACT-0002", "regarding": "L-0009"})
    not_a_number = about_quote.model_copy(update={"number": "ACT-0003", "regarding": "DAY"})
    tables = {
        "_meta": {"1": {"schema": 3, "counters": {"QUO": 1, "OPP": 1, "ACT": 3}, "config": {}}},
        "opportunities": {"1": Opportunity(number="OPP-0001", name="x", created_on=TODAY).stored()},
        "quotes": {"1": quote.stored()},
        "activities": {
            str(n): a.stored() for n, a in enumerate((about_quote, about_nothing, not_a_number), 1)
        },
    }
    assert [str(p) for p in diagnose(tables)] == [
        "ACT-0002: regarding L-0009: no such record",
        "ACT-0003: regarding DAY: no such record",
    ]
