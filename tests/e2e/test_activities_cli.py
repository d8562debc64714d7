"""Activities through the CLI: note, task, call, meeting, the activity verbs, and what the
lifecycle commands do with them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.worlds import Runs, Worlds


@pytest.fixture
def lead(cli: Cli) -> Cli:
    cli.ok("lead", "add", "--first-name", "Ada", "--last-name", "Lovelace", "--company", "Acme")
    return cli


def test_a_note_prints_its_number_and_shows_as_json_with_the_binding_fields(lead: Cli) -> None:
    assert lead.ok("note", "add", "L-0001", "Call back after the fair").stdout == "ACT-0001\n"
    shown = lead.json("activity", "show", "act-0001")
    assert {k: shown[k] for k in ("number", "kind", "subject", "text", "regarding", "due")} == {
        "number": "ACT-0001",
        "kind": "note",
        "subject": "Call back after the fair",
        "text": "Call back after the fair",
        "regarding": "L-0001",
        "due": None,
    }
    assert shown["status"] == "done"


def test_a_note_of_dash_reads_its_text_from_stdin(lead: Cli) -> None:
    lead.ok("note", "add", "l-0001", "-", input="Met at the fair\nWants 20 seats\n")
    shown = lead.json("activity", "show", "ACT-0001")
    assert (shown["subject"], shown["text"]) == (
        "Met at the fair",
        "Met at the fair\nWants 20 seats",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("note", "add", "L-0009", "hi"), "Error: lead L-0009 not found"),
        (("note", "add", "QUO-0001", "hi"), "Error: quote QUO-0001 not found"),
        (
            ("note", "add", "DAY", "hi"),
            "Error: 'DAY' is not the number of a record an activity can regard (L-0001, ACC-0001, "
            "CON-0001, OPP-0001, QUO-0001, ORD-0001, INV-2026-0001 or CN-2026-0001)",
        ),
        (
            ("note", "add", "L-0001", "  "),
            "Error: a note about L-0001 needs text (empty text given)",
        ),
        (
            ("task", "add", "L-0001", "Brochure", "--due", "friday"),
            "Error: task due date 'friday' is not a date; use YYYY-MM-DD",
        ),
        (
            ("meeting", "add", "L-0001", "Demo", "--on", "2026-12-01", "--at", "25:00"),
            "Error: meeting time '25:00' is not a time; use HH:MM (24 hours)",
        ),
        (
            (
                "meeting",
                "add",
                "L-0001",
                "Demo",
                "--on",
                "2026-12-01",
                "--at",
                "9:00",
                "--duration",
                "ages",
            ),
            "Error: meeting duration 'ages' is not a duration; use e.g. 1h, 90m or 1h30",
        ),
        (
            ("call", "log", "L-0001", "Intro", "--next", "Again"),
            "Error: a follow-up call needs a subject and a due date (--next SUBJECT --due D)",
        ),
        (
            ("task", "add", "L-0001", "Brochure", "--due", "2026-12-01", "--priority", "asap"),
            "Error: priority 'asap' is not one of: low, normal, high",
        ),
    ],
)
def test_a_refused_activity_says_why_in_one_line_and_leaves_the_file_unchanged(
    lead: Cli, db: Path, args: tuple[str, ...], message: str
) -> None:
    before = db.read_bytes()
    result = lead(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", message + "\n")
    assert db.read_bytes() == before


def test_a_logged_call_prints_both_numbers_and_the_follow_up_on_stderr(lead: Cli) -> None:
    result = lead.ok(
        "call", "log", "L-0001", "Intro call", "--outcome", "wants a demo",
        "--next", "Call again", "--due", "2026-12-08", "--at", "10:00",
    )  # fmt: skip
    assert result.stdout == "ACT-0001\nACT-0002\n"
    assert result.stderr == 'Next: ACT-0002 call "Call again" due 2026-12-08 10:00\n'
    call, follow_up = lead.json("activity", "list", "--kind", "call")[::-1]
    assert (call["status"], call["outcome"], call["direction"]) == (
        "done",
        "wants a demo",
        "outgoing",
    )
    assert (follow_up["status"], follow_up["due"], follow_up["at"], follow_up["follows"]) == (
        "open",
        "2026-12-08",
        "10:00",
        "ACT-0001",
    )


def busy_lead(run: Runs) -> None:
    """L-0001 with a note, an overdue task, a call to make and a meeting (today 2026-11-27)."""
    run.ok("lead", "add", "--first-name", "Ada", "--last-name", "Lovelace", "--company", "Acme")
    run.ok("note", "add", "L-0001", "Call back after the fair")
    run.ok("task", "add", "L-0001", "Send brochure", "--due", "2026-11-25", "--priority", "high")
    run.ok("call", "log", "L-0001", "Intro", "--next", "Call again", "--due", "2026-12-02")
    run.ok("meeting", "add", "L-0001", "Demo", "--on", "2026-12-03", "--at", "14:00",
           "--duration", "1h")  # fmt: skip


@pytest.fixture
def busy(cli: Cli, worlds: Worlds) -> Cli:
    return worlds.copy(busy_lead, cli)


def test_the_list_filters_by_open_overdue_kind_due_date_and_record(busy: Cli) -> None:
    def numbers(*options: str) -> list[str]:
        return [a["number"] for a in busy.json("activity", "list", *options)]

    assert numbers() == ["ACT-0002", "ACT-0004", "ACT-0005", "ACT-0001", "ACT-0003"]
    assert numbers("--open") == ["ACT-0002", "ACT-0004", "ACT-0005"]
    assert numbers("--overdue") == ["ACT-0002"]
    assert numbers("--kind", "meeting") == ["ACT-0005"]
    assert numbers("--due-before", "2026-12-03") == ["ACT-0002", "ACT-0004"]
    assert numbers("--regarding", "l-0001", "--open") == ["ACT-0002", "ACT-0004", "ACT-0005"]
    result = busy("activity", "list", "--regarding", "OPP-0001")
    assert (result.exit_code, result.stderr) == (1, "Error: opportunity OPP-0001 not found\n")


def test_the_table_lists_due_date_time_and_status(busy: Cli) -> None:
    lines = busy.ok("activity", "list", "--open").stdout.splitlines()
    assert lines[0].split() == ["Number", "Kind", "Subject", "Regarding", "Due", "Time", "Status"]
    assert lines[3].split() == [
        "ACT-0005",
        "meeting",
        "Demo",
        "L-0001",
        "2026-12-03",
        "14:00",
        "open",
    ]


def test_done_takes_numbers_from_stdin_and_refuses_all_when_one_is_refused(
    busy: Cli, db: Path
) -> None:
    before = db.read_bytes()
    result = busy("activity", "done", "-", input="ACT-0002\nACT-0001\n")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: activity ACT-0001 is done; only open activities can be completed",
        "Error: 1 of 2 activities refused; nothing was changed (--keep-going applies the others)",
    ]
    assert db.read_bytes() == before
    result = busy.ok("activity", "done", "-", "--outcome", "sent", input="ACT-0002\nact-0004\n")
    assert result.stdout == "ACT-0002\nACT-0004\n"
    assert busy.json("activity", "list", "--open") == busy.json(
        "activity", "list", "--kind", "meeting"
    )
    assert busy.json("activity", "show", "ACT-0002")["completed_on"] == "2026-11-27"


def test_reschedule_and_cancel_change_the_open_ones_only(busy: Cli, db: Path) -> None:
    moved = busy.json("activity", "reschedule", "ACT-0005", "--due", "2026-12-10", "--at", "09:30")
    assert (moved["due"], moved["at"]) == ("2026-12-10", "09:30")
    assert busy.ok("activity", "cancel", "ACT-0005").stdout == "ACT-0005\n"
    before = db.read_bytes()
    result = busy("activity", "reschedule", "ACT-0005", "--due", "2026-12-11")
    assert result.stderr == (
        "Error: activity ACT-0005 is canceled; only open activities can be rescheduled\n"
    )
    result = busy("activity", "reschedule", "ACT-0001", "--due", "2026-12-11")
    assert (
        result.stderr
        == "Error: activity ACT-0001 is done; only open activities can be rescheduled\n"
    )
    assert db.read_bytes() == before


def test_editing_a_note_keeps_its_previous_text_in_the_history(busy: Cli) -> None:
    busy.ok("activity", "edit", "ACT-0001", "--text", "Call in January")
    assert busy.json("activity", "show", "ACT-0001")["text"] == "Call in January"
    events = busy.json("history", "ACT-0001")["events"]
    edited = next(e for e in events if e["number"] == "ACT-0001" and e["kind"] == "edited")
    assert edited["details"] == {"fields": ["text"], "previous_text": "Call back after the fair"}


def test_lead_edit_notes_keeps_the_previous_notes_in_the_edit_event(cli: Cli) -> None:
    cli.ok("lead", "add", "--company", "Acme", "--notes", "Call back after the fair")
    cli.ok("lead", "edit", "L-0001", "--notes", "Sent the brochure")
    events = cli.json("history", "L-0001")["events"]
    assert events[-1]["details"] == {
        "fields": ["notes"],
        "previous_notes": "Call back after the fair",
    }
    cli.ok("lead", "edit", "L-0001", "--phone", "123")
    assert "previous_notes" not in cli.json("history", "L-0001")["events"][-1]["details"]


def test_qualifying_a_lead_carries_its_open_activities_to_the_opportunity_and_contact(
    busy: Cli,
) -> None:
    result = busy.ok("lead", "qualify", "L-0001")
    assert result.stderr.splitlines()[-1] == (
        "Moved open activities ACT-0002, ACT-0004, ACT-0005 to OPP-0001"
    )
    moved = busy.json("activity", "list", "--regarding", "OPP-0001")
    assert [(a["number"], a["contact"]) for a in moved] == [
        ("ACT-0002", "CON-0001"),
        ("ACT-0004", "CON-0001"),
        ("ACT-0005", "CON-0001"),
    ]
    kept = busy.json("activity", "list", "--regarding", "L-0001")
    assert [a["number"] for a in kept] == ["ACT-0001", "ACT-0003"]


def test_closing_an_opportunity_lists_its_open_activities_on_stderr(busy: Cli) -> None:
    busy.ok("lead", "qualify", "L-0001")
    result = busy.ok("opp", "lose", "OPP-0001", "--reason", "canceled")
    assert result.stdout == "OPP-0001\n"
    assert result.stderr.splitlines() == [
        "Opportunity OPP-0001 is lost (canceled)",
        'Still open about OPP-0001: ACT-0002 task "Send brochure" due 2026-11-25; '
        'ACT-0004 call "Call again" due 2026-12-02; ACT-0005 meeting "Demo" due 2026-12-03 14:00',
    ]
    busy.ok("opp", "reopen", "OPP-0001")
    busy.ok("activity", "cancel", "ACT-0002", "ACT-0004")
    assert busy.ok("opp", "win", "OPP-0001").stderr.splitlines() == [
        "Opportunity OPP-0001 is won",
        'Still open about OPP-0001: ACT-0005 meeting "Demo" due 2026-12-03 14:00',
    ]
    busy.ok("opp", "reopen", "OPP-0001")
    busy.ok("activity", "done", "ACT-0005")
    assert busy.ok("opp", "win", "OPP-0001").stderr == "Opportunity OPP-0001 is won\n"


def test_history_interleaves_the_activities_with_the_lifecycle(busy: Cli) -> None:
    busy.ok("lead", "qualify", "L-0001")
    busy.ok("activity", "done", "ACT-0005")
    events = busy.json("history", "OPP-0001")["events"]
    assert [(e["number"], e["kind"]) for e in events] == [
        ("L-0001", "created"),
        ("ACT-0001", "created"),
        ("ACT-0002", "created"),
        ("ACT-0003", "created"),
        ("ACT-0004", "created"),
        ("ACT-0005", "created"),
        ("L-0001", "qualified"),
        ("ACC-0001", "created"),
        ("CON-0001", "created"),
        ("OPP-0001", "created"),
        ("ACT-0002", "carried"),
        ("ACT-0004", "carried"),
        ("ACT-0005", "carried"),
        ("ACT-0005", "done"),
    ]


def test_the_record_screens_show_the_next_open_activity_and_the_last_three_notes(
    busy: Cli,
) -> None:
    for text in ("second note", "third note", "fourth note"):
        busy.ok("note", "add", "L-0001", text)
    shown = busy.json("lead", "show", "L-0001")
    assert shown["next_activity"]["number"] == "ACT-0002"
    assert [n["subject"] for n in shown["last_notes"]] == [
        "fourth note",
        "third note",
        "second note",
    ]
    lines = busy.ok("lead", "show", "L-0001").stdout.splitlines()
    assert lines[-4:] == [
        'Next activity    ACT-0002 task "Send brochure" due 2026-11-25',
        "Last notes       2026-11-27 ACT-0008 fourth note",
        "                 2026-11-27 ACT-0007 third note",
        "                 2026-11-27 ACT-0006 second note",
    ]
    busy.ok("lead", "qualify", "L-0001")
    busy.ok("activity", "done", "ACT-0002")
    assert busy.json("opp", "show", "OPP-0001")["next_activity"]["number"] == "ACT-0004"
    assert busy.json("contact", "show", "CON-0001")["next_activity"]["number"] == "ACT-0004"
    account = busy.json("account", "show", "ACC-0001")
    assert account["next_activity"]["number"] == "ACT-0004"
    assert account["last_notes"] == []  # the notes stay with the lead
    assert "Next activity  ACT-0004 call" in busy.ok("contact", "show", "CON-0001").stdout


def test_a_record_without_activities_says_so(cli: Cli) -> None:
    cli.ok("lead", "add", "--company", "Acme")
    assert cli.ok("lead", "show", "L-0001").stdout.splitlines()[-1] == "Next activity    (none)"
    shown = cli.json("lead", "show", "L-0001")
    assert "next_activity" not in shown and "last_notes" not in shown


def test_activities_export_and_count_like_every_record_type(busy: Cli) -> None:
    exported = json.loads(busy.ok("export", "activities", "--format", "json").stdout)
    assert [a["number"] for a in exported] == [f"ACT-000{n}" for n in range(1, 6)]
    assert busy.json("info")["counts"]["activities"] == 5
    assert busy.ok("doctor").exit_code == 0


def test_report_activity_counts_what_was_done_per_month(busy: Cli) -> None:
    busy.ok("activity", "done", "ACT-0002", "ACT-0005")
    report = busy.json("report", "activity")
    assert report["periods"] == [
        {"period": "2026-11", "call": 1, "meeting": 1, "task": 1, "email": 0, "total": 3}
    ]
    lines = busy.ok("report", "activity", "--by", "week").stdout.splitlines()
    assert lines[0].split() == ["Week", "Calls", "Meetings", "Tasks", "Emails", "Total"]
    assert lines[1].split() == ["2026-W48", "1", "1", "1", "0", "3"]
    assert lines[2].split() == ["total", "1", "1", "1", "0", "3"]
    csv = busy.ok("report", "activity", "--csv").stdout.splitlines()
    assert csv == ["period,call,meeting,task,email,total", "2026-11,1,1,1,0,3", "total,1,1,1,0,3"]
    result = busy("report", "activity", "--by", "year")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: --by 'year' is not one of: week, month\n",
    )


def test_an_activity_about_a_quote_names_the_quote_and_moves_when_the_quote_is_deleted(
    cli: Cli,
) -> None:
    cli.ok("lead", "add", "--company", "Acme")
    cli.ok("lead", "qualify", "L-0001")
    cli.ok("quote", "create", "OPP-0001")
    cli.ok("task", "add", "QUO-0001", "Check the prices", "--due", "2026-12-01")
    assert cli.json("activity", "show", "ACT-0001")["regarding"] == "QUO-0001"
    assert cli.ok("doctor").exit_code == 0
    result = cli.ok("quote", "delete", "QUO-0001")
    assert result.stderr.splitlines() == [
        "Quote QUO-0001 is deleted",
        "Moved activities ACT-0001 to OPP-0001",
    ]
    assert cli.json("activity", "show", "ACT-0001")["regarding"] == "OPP-0001"
    assert cli.ok("doctor").exit_code == 0


def test_activity_numbers_complete_with_kind_subject_record_and_status(
    busy: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from salesflow.cli import common

    monkeypatch.setattr(common.INVOCATION, "db", None)
    monkeypatch.setenv("SALESFLOW_DB", str(busy.db))
    assert common.complete_activities(None, "act-000") == [
        ("act-0001", "note, Call back after the fair, L-0001, done"),
        ("act-0002", "task, Send brochure, L-0001, open"),
        ("act-0003", "call, Intro, L-0001, done"),
        ("act-0004", "call, Call again, L-0001, open"),
        ("act-0005", "meeting, Demo, L-0001, open"),
    ]


def test_an_activity_command_is_undone_like_any_other(busy: Cli, db: Path) -> None:
    before = db.read_bytes()
    busy.ok("activity", "done", "ACT-0002")
    busy.ok("undo")
    assert db.read_bytes() == before
    assert busy.json("activity", "show", "ACT-0002")["status"] == "open"


def test_an_email_is_logged_done_with_its_direction_and_counted_in_the_report(lead: Cli) -> None:
    assert lead.ok("email", "log", "L-0001", "Sent the brochure", "--text", "-",
                   input="PDF attached\n").stdout == "ACT-0001\n"  # fmt: skip
    lead.ok("email", "log", "L-0001", "Asked for a demo", "--direction", "incoming")
    first, second = lead.json("activity", "list", "--kind", "email")
    assert (first["status"], first["direction"], first["text"]) == (
        "done",
        "outgoing",
        "PDF attached",
    )
    assert second["direction"] == "incoming"
    assert lead.json("report", "activity")["total"]["email"] == 2
    result = lead("email", "log", "L-0001", "x", "--direction", "sideways")
    assert result.stderr == "Error: email direction 'sideways' is not one of: outgoing, incoming\n"


def test_nul_characters_typed_or_piped_are_removed_as_the_importer_removes_them(
    lead: Cli,
) -> None:
    # no stored text holds U+0000, on the file as on a database (whose jsonb cannot hold it)
    lead.ok("lead", "edit", "L-0001", "--job-title", "Head\x00 of sales")
    assert lead.json("lead", "show", "L-0001")["job_title"] == "Head of sales"
    lead.ok("note", "add", "L-0001", "-", input="Met\x00 at the fair\n")
    assert lead.json("activity", "show", "ACT-0001")["text"] == "Met at the fair"
