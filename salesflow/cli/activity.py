"""`salesflow note|task|call|meeting ...` and `salesflow activity ...`: what was said and what
is to do, about any record."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli import batch, common, owners
from salesflow.cli.common import AppTyper
from salesflow.cli.output import ListOutput, list_options

if TYPE_CHECKING:
    from salesflow.models import Activity
    from salesflow.services.activities import Summary

note_app = AppTyper(help="Notes: what was said or agreed, about any record.")
task_app = AppTyper(help="Tasks: things to do about a record, by a due date.")
call_app = AppTyper(help="Calls: log a call made, and plan the next one.")
meeting_app = AppTyper(help="Meetings: appointments about a record, on a date and time.")
email_app = AppTyper(help="Emails: log an email sent or received about a record.")
app = AppTyper(help="Activities: list, show, edit, complete, reschedule or cancel them.")


def _group() -> None:
    """A group of one verb (`note add`) stays a group, so that more verbs can follow."""


for _single in (note_app, task_app, call_app, meeting_app, email_app):
    _single.callback()(_group)

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
Regarding = Annotated[
    str,
    typer.Argument(
        help="The record it is about: L-, ACC-, CON-, OPP-, QUO-, ORD- or INV- number.",
        show_default=False,
    ),
]
Subject = Annotated[str, typer.Argument(help="What it is about, in a few words.")]
Number = Annotated[
    str,
    typer.Argument(
        help="Activity number, e.g. ACT-0001.",
        show_default=False,
        autocompletion=common.complete_activities,
    ),
]
Due = Annotated[str, typer.Option("--due", help="Due date, YYYY-MM-DD.", show_default=False)]
At = Annotated[str | None, typer.Option("--at", help="Time of day, HH:MM (24 hours).")]
Priority = Annotated[
    str | None, typer.Option("--priority", help="low, normal (the default) or high.")
]
Text = Annotated[str | None, typer.Option("--text", help="More detail.")]


def activity_pairs(activity: Activity) -> list[tuple[str, Any]]:
    from salesflow.pipeline.activities import duration_text

    return [
        ("Number", activity.number),
        ("Owner", activity.owner),
        ("Kind", activity.kind),
        ("Subject", activity.subject),
        ("Regarding", activity.regarding),
        ("Contact", activity.contact),
        ("Status", activity.status),
        ("Due", activity.due),
        ("Time", activity.at.strftime("%H:%M") if activity.at else None),
        ("Duration", duration_text(activity.duration)),
        ("Priority", activity.priority if activity.kind in ("task", "call", "meeting") else None),
        ("Direction", activity.direction),
        ("Outcome", activity.outcome),
        ("Follows", activity.follows),
        ("Created", activity.created_on),
        ("Completed", activity.completed_on),
        ("Canceled", activity.canceled_on),
        ("Text", activity.text),
    ]


def show_activity(activity: Activity, json: bool) -> None:
    if json:
        common.print_json(common.dump(activity))
    else:
        common.print_fields([(k, v) for k, v in activity_pairs(activity) if v not in (None, "")])


def summary_pairs(summary: Summary) -> list[tuple[str, Any]]:
    """The lines a record's screen adds: its next open activity, its last three notes."""
    from salesflow.pipeline.activities import describe

    pairs: list[tuple[str, Any]] = [
        ("Next activity", describe(summary.next) if summary.next else "(none)")
    ]
    for index, note in enumerate(summary.notes):
        pairs.append(
            ("Last notes" if index == 0 else "", f"{note.created_on} {note.number} {note.subject}")
        )
    return pairs


def _created(activity: Activity, json: bool) -> None:
    if json:
        common.print_json(common.dump(activity))
    else:
        common.print_created(activity.number)


@note_app.command("add")
def note_add(
    regarding: Regarding,
    text: Annotated[str, typer.Argument(help="The note; - reads it from stdin.")],
    json: Json = False,
) -> None:
    """Add a note about a record; its first line is its subject. Prints the activity number.

    Example: salesflow note add L-0001 "Call back after the fair"
    """
    from salesflow.services import activities

    body = common.stdin_text() if text == "-" else text
    with common.writing() as session:
        note = activities.add_note(session, regarding, body, today=common.today(), now=common.now())
    _created(note, json)


@task_app.command("add")
def task_add(
    regarding: Regarding,
    subject: Subject,
    due: Due,
    at: At = None,
    priority: Priority = None,
    text: Text = None,
    json: Json = False,
) -> None:
    """Add a task about a record, due on a date. Prints the activity number.

    Example: salesflow task add OPP-0001 "Send the revised quote" --due 2026-12-04 --priority high
    """
    from salesflow.pipeline.activities import Schedule
    from salesflow.services import activities

    with common.writing() as session:
        task = activities.schedule(
            session,
            "task",
            regarding,
            subject,
            Schedule(due=due, at=at, priority=priority),
            text=text,
            today=common.today(),
            now=common.now(),
        )
    _created(task, json)


@call_app.command("log")
def call_log(
    regarding: Regarding,
    subject: Subject,
    outcome: Annotated[str | None, typer.Option("--outcome", help="How it went.")] = None,
    direction: Annotated[
        str | None, typer.Option("--direction", help="outgoing (the default) or incoming.")
    ] = None,
    next_subject: Annotated[
        str | None, typer.Option("--next", help="Plan a follow-up call with this subject.")
    ] = None,
    due: Annotated[
        str | None, typer.Option("--due", help="The follow-up's due date, YYYY-MM-DD.")
    ] = None,
    at: Annotated[str | None, typer.Option("--at", help="The follow-up's time, HH:MM.")] = None,
    json: Json = False,
) -> None:
    """Log a call made today (done); --next plans the follow-up call. Prints the activity
    number(s).

    Example: salesflow call log L-0001 "Intro call" --outcome "wants a demo" --next "Call
    again" --due 2026-12-08
    """
    from salesflow.services import activities

    with common.writing() as session:
        logged = activities.log_call(
            session,
            regarding,
            subject,
            outcome=outcome,
            direction=direction,
            next_subject=next_subject,
            next_due=due,
            next_at=at,
            today=common.today(),
            now=common.now(),
        )
    if json:
        data = common.dump(logged.call)
        data["follow_up"] = common.dump(logged.follow_up) if logged.follow_up else None
        common.print_json(data)
    else:
        sys.stdout.write("".join(a.number + "\n" for a in logged.activities))
        if logged.follow_up is not None:
            from salesflow.pipeline.activities import describe

            common.say(f"Next: {describe(logged.follow_up)}")


@meeting_app.command("add")
def meeting_add(
    regarding: Regarding,
    subject: Subject,
    on: Annotated[str, typer.Option("--on", help="Date, YYYY-MM-DD.", show_default=False)],
    at: Annotated[
        str, typer.Option("--at", help="Start time, HH:MM (24 hours).", show_default=False)
    ],
    duration: Annotated[
        str | None, typer.Option("--duration", help="1h, 90m, 1h30 (default none).")
    ] = None,
    text: Text = None,
    json: Json = False,
) -> None:
    """Plan a meeting about a record. Prints the activity number.

    Example: salesflow meeting add OPP-0001 "Demo at their office" --on 2026-12-03 --at 14:00
    --duration 1h
    """
    from salesflow.pipeline.activities import Schedule
    from salesflow.services import activities

    with common.writing() as session:
        meeting = activities.schedule(
            session,
            "meeting",
            regarding,
            subject,
            Schedule(due=on, at=at, duration=duration),
            text=text,
            today=common.today(),
            now=common.now(),
        )
    _created(meeting, json)


@email_app.command("log")
def email_log(
    regarding: Regarding,
    subject: Subject,
    text: Annotated[str | None, typer.Option("--text", help="The gist; - reads stdin.")] = None,
    direction: Annotated[
        str | None, typer.Option("--direction", help="outgoing (the default) or incoming.")
    ] = None,
    json: Json = False,
) -> None:
    """Log an email sent (or received) today about a record. Prints the activity number.

    Example: salesflow email log OPP-0001 "Sent the revised quote" --text "20 seats, 5% off"
    """
    from salesflow.services import activities

    with common.writing() as session:
        email = activities.log_email(
            session,
            regarding,
            subject,
            text=common.stdin_text() if text == "-" else text,
            direction=direction,
            today=common.today(),
            now=common.now(),
        )
    _created(email, json)


@app.command("list")
@list_options
def list_(
    regarding: Annotated[
        str | None, typer.Option("--regarding", help="Only those about this record.")
    ] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only open ones.")] = False,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only open ones due before today.")
    ] = False,
    kind: Annotated[
        str | None, typer.Option("--kind", help="note, call, email, meeting or task.")
    ] = None,
    due_before: Annotated[
        str | None, typer.Option("--due-before", help="Only those due before this date.")
    ] = None,
    mine: owners.MineOpt = False,
    owner: owners.OwnerOpt = None,
    *,
    output: ListOutput,
) -> None:
    """List activities, by due date and time (those without one last).

    Example: salesflow activity list --regarding OPP-0001 --open
    """
    from salesflow.pipeline.activities import activity_filter
    from salesflow.services import activities

    wanted = activity_filter(
        regarding=regarding,
        open_only=open_only,
        overdue=overdue,
        kind=kind,
        due_before=due_before,
        owner=owners.owner_filter(mine, owner),
    )
    with common.reading() as session:
        found = activities.listed(session, wanted, today=common.today())
    if output.limit is not None:
        found = found[: output.limit]
    output.emit(
        output.page(found),
        empty="No activities.",
        columns=["Number", "Kind", "Subject", "Regarding", "Due", "Time", "Status"],
        row=lambda a: [
            a.number,
            a.kind,
            a.subject,
            a.regarding,
            a.due,
            a.at.strftime("%H:%M") if a.at else None,
            a.status,
        ],
        owned=True,
    )


@app.command("show")
def show(number: Number, json: Json = False) -> None:
    """Show one activity.

    Example: salesflow activity show ACT-0001 --json
    """
    from salesflow.services import activities

    with common.reading() as session:
        activity = activities.get(session, number)
    show_activity(activity, json)


@app.command("edit")
def edit(
    number: Number,
    subject: Annotated[str | None, typer.Option("--subject", help="New subject.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="New text; - reads stdin.")] = None,
    priority: Priority = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="How it went.")] = None,
    duration: Annotated[str | None, typer.Option("--duration", help="1h, 90m, 1h30.")] = None,
    json: Json = False,
) -> None:
    """Change an open or done activity's subject, text, priority, outcome or duration; the
    previous text stays in its history. An empty value ("") clears a field.

    Example: salesflow activity edit ACT-0001 --text "Wants 20 seats, not 10"
    """
    from salesflow.services import activities

    fields = {
        "subject": subject,
        "text": common.stdin_text() if text == "-" else text,
        "priority": priority,
        "outcome": outcome,
        "duration": duration,
    }
    with common.writing() as session:
        activity = activities.edit(session, number, fields, now=common.now())
    show_activity(activity, json)


@app.command("done")
def done(
    numbers: batch.NumbersArg,
    outcome: Annotated[str | None, typer.Option("--outcome", help="How it went.")] = None,
    keep_going: batch.KeepGoingOpt = False,
    yes: batch.YesOpt = False,
    json: Json = False,
) -> None:
    """Mark open activities done today (several numbers, or - for stdin).

    All or nothing unless --keep-going; more than 20 on a terminal ask first unless --yes.

    Example: salesflow activity list --overdue --jsonl | jq -r .number | salesflow activity
    done -
    """
    from salesflow.services import activities

    wanted = batch.read_numbers(numbers)
    batch.confirm(len(wanted), "Complete", yes)
    with common.writing() as session:
        today, now = common.today(), common.now()
        outcome_done = batch.apply_each(
            session,
            wanted,
            lambda number: activities.complete(
                session, number, outcome=outcome, today=today, now=now
            ),
            keep_going=keep_going,
            noun="activities",
        )
    _report(outcome_done.results, json, len(wanted) == 1)
    outcome_done.finish()


@app.command("reschedule")
def reschedule(
    number: Number,
    due: Due,
    at: Annotated[str | None, typer.Option("--at", help='New time, HH:MM; "" clears it.')] = None,
    json: Json = False,
) -> None:
    """Move an open task, call or meeting to another date (and time).

    Example: salesflow activity reschedule ACT-0002 --due 2026-12-10 --at 09:30
    """
    from salesflow.services import activities

    with common.writing() as session:
        activity = activities.reschedule(session, number, due, at=at, now=common.now())
    _report([activity], json, True, "rescheduled")


@app.command("cancel")
def cancel(
    numbers: batch.NumbersArg,
    keep_going: batch.KeepGoingOpt = False,
    yes: batch.YesOpt = False,
    json: Json = False,
) -> None:
    """Cancel open activities (several numbers, or - for stdin).

    Example: salesflow activity cancel ACT-0002
    """
    from salesflow.services import activities

    wanted = batch.read_numbers(numbers)
    batch.confirm(len(wanted), "Cancel", yes)
    with common.writing() as session:
        today, now = common.today(), common.now()
        outcome = batch.apply_each(
            session,
            wanted,
            lambda number: activities.cancel(session, number, today=today, now=now),
            keep_going=keep_going,
            noun="activities",
        )
    _report(outcome.results, json, len(wanted) == 1)
    outcome.finish()


owners.add_assign(
    app,
    "Activity",
    noun="activities",
    complete=common.complete_activities,
    json_option=Json,
    help="""Give activities to another seller: their agenda shows them (several numbers, or - for
    stdin).

    Example: salesflow activity assign ACT-0004 --to bob
    """,
)


def _report(changed: list[Activity], json: bool, single: bool, verb: str | None = None) -> None:
    from salesflow.pipeline.activities import describe

    batch.print_results(changed, json, single, lambda a: a.number)
    if not json:
        for activity in changed:
            common.say(f"Activity {describe(activity)} is {verb or activity.status}")
