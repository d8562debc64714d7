"""`salesflow agenda` and `agenda export --format ics` through the CLI (today is 2026-11-27)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.worlds import Runs, Worlds


def agenda_world(run: Runs) -> None:
    """A deal with an overdue task, a meeting today, a call tomorrow; an invoice overdue; a
    quote expiring; an old untouched lead."""
    run.ok("lead", "add", "--company", "Acme", "--first-name", "Ada", "--last-name", "Lovelace")
    run.ok("lead", "qualify", "L-0001", "--close-date", "2026-12-15")
    run.ok("product", "add", "DAY", "--name", "Day", "--price", "950")
    run.ok("opp", "add-product", "OPP-0001", "DAY", "--quantity", "2")
    run.ok("task", "add", "OPP-0001", "Send the contract", "--due", "2026-11-25")
    run.ok("meeting", "add", "CON-0001", "Demo", "--on", "2026-11-27", "--at", "14:00",
           "--duration", "1h")  # fmt: skip
    run.ok("call", "log", "ACC-0001", "Intro", "--next", "Call back", "--due", "2026-11-28")
    run.ok("quote", "create", "OPP-0001", "--valid-until", "2026-12-02")
    run.ok("quote", "activate", "QUO-0001")


@pytest.fixture
def seller(cli: Cli, worlds: Worlds) -> Cli:
    return worlds.copy(agenda_world, cli)


def test_the_agenda_lists_overdue_work_first_then_todays(seller: Cli) -> None:
    items = seller.json("agenda")
    assert [(i["date"], i["kind"], i["number"], i["overdue"]) for i in items] == [
        ("2026-11-25", "task", "ACT-0001", True),
        ("2026-11-27", "meeting", "ACT-0002", False),
        ("2026-12-02", "quote", "QUO-0001", False),
    ]
    assert items[1] == {
        "date": "2026-11-27",
        "time": "14:00",
        "overdue": False,
        "kind": "meeting",
        "number": "ACT-0002",
        "regarding": "CON-0001",
        "subject": "Demo",
        "customer": "Acme",  # the contact's account
        "amount": None,
        "command": "salesflow activity done ACT-0002",
    }
    assert (items[2]["customer"], items[2]["amount"]) == ("Acme", "1900.00")
    assert (items[0]["regarding"], items[0]["customer"]) == ("OPP-0001", "Acme")  # its account


def test_the_week_adds_the_next_six_days(seller: Cli) -> None:
    items = seller.json("agenda", "--week")
    assert [(i["date"], i["number"]) for i in items] == [
        ("2026-11-25", "ACT-0001"),
        ("2026-11-27", "ACT-0002"),
        ("2026-11-28", "ACT-0004"),
        ("2026-12-02", "QUO-0001"),
    ]


def test_a_later_date_shows_the_pipeline_work_that_falls_due_by_then(seller: Cli) -> None:
    seller.ok("quote", "accept", "QUO-0001")
    items = seller.json("agenda", "--date", "2026-12-15")
    assert [(i["date"], i["kind"], i["number"]) for i in items] == [
        ("2026-11-25", "task", "ACT-0001"),
        ("2026-11-27", "meeting", "ACT-0002"),
        ("2026-11-28", "call", "ACT-0004"),
        ("2026-12-11", "order", "ORD-0001"),
    ]
    seller.ok("activity", "done", "ACT-0001", "ACT-0002", "ACT-0004")
    assert [i["number"] for i in seller.json("agenda", "--date", "2026-12-15")] == ["ORD-0001"]


def test_done_activities_never_come_back_as_due(seller: Cli) -> None:
    seller.ok("activity", "done", "ACT-0001")
    seller.ok("activity", "cancel", "ACT-0002")
    assert [i["number"] for i in seller.json("agenda", "--week")] == ["ACT-0004", "QUO-0001"]


def test_the_text_groups_overdue_and_each_day_and_says_what_to_do(seller: Cli) -> None:
    result = seller.ok("agenda", "--week")
    assert result.stdout.splitlines() == [
        "Overdue",
        "  2026-11-25  task     ACT-0001  Send the contract",
        "              OPP-0001 · Acme → salesflow activity done ACT-0001",
        "",
        "Friday 2026-11-27",
        "  14:00       meeting  ACT-0002  Demo",
        "              CON-0001 · Acme → salesflow activity done ACT-0002",
        "",
        "Saturday 2026-11-28",
        "              call     ACT-0004  Call back",
        "              ACC-0001 · Acme → salesflow activity done ACT-0004",
        "",
        "Wednesday 2026-12-02",
        "              quote    QUO-0001  valid until 2026-12-02",
        "              Acme · 1,900.00 → salesflow quote accept QUO-0001",
    ]
    assert result.stderr == ""


def test_nothing_due_says_so_and_json_is_an_empty_list(cli: Cli) -> None:
    result = cli.ok("agenda")
    assert (result.stdout, result.stderr) == ("", "Nothing due.\n")
    assert cli.json("agenda") == []


def test_leads_untouched_for_longer_are_counted_not_listed(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALESFLOW_TODAY", "2026-10-01")
    cli.ok("lead", "add", "--company", "Old")
    monkeypatch.setenv("SALESFLOW_TODAY", "2026-11-10")
    cli.ok("lead", "add", "--company", "Fresh")
    cli.ok("lead", "add", "--company", "Touched")
    monkeypatch.setenv("SALESFLOW_TODAY", "2026-11-20")
    cli.ok("note", "add", "L-0003", "Called, call again in December")
    monkeypatch.setenv("SALESFLOW_TODAY", "2026-11-27")
    result = cli.ok("agenda", "--json")
    assert [i["number"] for i in cli.json("agenda")] == ["L-0002"]
    assert result.stderr == (
        "Also 1 open lead untouched for longer (`salesflow lead list --status open`)\n"
    )
    cli.ok("config", "set", "agenda_lead_days", "40")
    assert [i["number"] for i in cli.json("agenda")] == ["L-0001"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("agenda", "--date", "monday"), 1, "Error: --date 'monday' is not a date; use YYYY-MM-DD"),
        (
            ("agenda", "--date", "2026-12-01", "--week"),
            2,
            "Error: choose --date or --week, not both",
        ),
        (
            ("agenda", "export", "--format", "pdf"),
            1,
            "Error: agenda export format 'pdf' is not one of: ics",
        ),
        (
            ("config", "set", "agenda_quote_days", "400"),
            1,
            "Error: agenda_quote_days '400' is out of range; it must be from 0 to 365 days",
        ),
    ],
)
def test_bad_agenda_options_are_refused_in_one_line(
    seller: Cli, db: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    before = db.read_bytes()
    result = seller(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", message + "\n")
    assert db.read_bytes() == before


def test_the_ics_export_parses_back_with_stable_uids(seller: Cli, tmp_path: Path) -> None:
    from icalendar import Calendar

    seller.ok("activity", "done", "ACT-0001")
    first = seller.ok("agenda", "export", "--format", "ics").stdout
    calendar = Calendar.from_ical(first)
    entries = {str(c["uid"]): c for c in calendar.walk() if c.name in ("VTODO", "VEVENT")}
    assert set(entries) == {
        "act-0001@salesflow.invalid",
        "act-0002@salesflow.invalid",
        "act-0004@salesflow.invalid",
    }
    task, meeting, call = (entries[f"act-000{n}@salesflow.invalid"] for n in (1, 2, 4))
    assert (task.name, str(task["status"]), str(task["summary"])) == (
        "VTODO",
        "COMPLETED",
        "Send the contract (OPP-0001)",
    )
    assert task.decoded("due").isoformat() == "2026-11-25"
    assert task.decoded("completed").isoformat() == "2026-11-27T00:00:00+00:00"
    assert meeting.name == "VEVENT"
    assert meeting.decoded("dtstart").isoformat() == "2026-11-27T14:00:00"
    assert meeting.decoded("duration").total_seconds() == 3600
    assert (call.name, str(call["status"])) == ("VTODO", "NEEDS-ACTION")
    seller.ok("activity", "reschedule", "ACT-0004", "--due", "2026-12-01")
    again = Calendar.from_ical(seller.ok("agenda", "export").stdout)
    uids = [str(c["uid"]) for c in again.walk() if c.name in ("VTODO", "VEVENT")]
    assert sorted(uids) == sorted(entries)
    moved = next(c for c in again.walk("VTODO") if str(c["uid"]) == "act-0004@salesflow.invalid")
    assert moved.decoded("due").isoformat() == "2026-12-01"


def test_the_ics_export_writes_a_private_file_and_keeps_an_existing_one(
    seller: Cli, tmp_path: Path
) -> None:
    target = tmp_path / "sales.ics"
    result = seller.ok("agenda", "export", "--output", str(target))
    assert result.stderr == f"Exported 3 activities to {target}\n"
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    refused = seller("agenda", "export", "--output", str(target))
    assert refused.stderr == f"Error: {target} already exists; use --force to overwrite it\n"
    seller.ok("agenda", "export", "--output", str(target), "--force")
