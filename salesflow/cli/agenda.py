"""`salesflow agenda`: what is due, overdue first, day by day; `agenda export` for calendars."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from salesflow.cli import common, owners
from salesflow.cli.common import AppTyper

if TYPE_CHECKING:
    from salesflow.pipeline.agenda import AgendaItem

app = AppTyper(no_args_is_help=False)


@app.callback(invoke_without_command=True)
@common.reporting_errors
def agenda(
    ctx: typer.Context,
    day: Annotated[
        str | None, typer.Option("--date", help="The agenda of this day (default today).")
    ] = None,
    week: Annotated[bool, typer.Option("--week", help="Today and the next six days.")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
    mine: owners.MineOpt = False,
    owner: owners.OwnerOpt = None,
) -> None:
    """Show what is due: open tasks, calls and meetings, and the pipeline's own work.

    Overdue first, then day by day: invoices overdue, quotes about to expire, opportunities at
    their close date, open leads untouched for a while, orders not fulfilled (the thresholds
    are the settings agenda_quote_days, agenda_lead_days and agenda_order_days). Each line
    names the record, the customer, the amount, and the command that acts on it.

    --mine and --owner keep what a seller owns: their activities, invoices, quotes,
    opportunities, leads and orders.

    Example: salesflow agenda --week --mine
    """
    if ctx.invoked_subcommand is not None:
        return
    from salesflow.errors import UsageError
    from salesflow.pipeline.agenda import Period
    from salesflow.pipeline.fields import parse_date
    from salesflow.services import agenda as service

    if day is not None and week:
        raise UsageError("choose --date or --week, not both")
    seller = _seller(mine, owner)
    today = common.today()
    period = Period.week(today) if week else Period.day(parse_date(day, "--date") if day else today)
    with common.reading() as session:
        found = service.agenda(session, period, owner=seller)
    items = found.items
    if json:
        common.print_json([item.as_dict() for item in items])
    elif items:
        _print(items)
    if not items:
        common.say("Nothing due.")
    if found.stale_leads:
        common.say(
            f"Also {found.stale_leads:,} open lead{'s' if found.stale_leads > 1 else ''} "
            "untouched for longer "
            "(`salesflow lead list --status open`)"
        )


def _print(items: list[AgendaItem]) -> None:
    """Overdue items first, then a heading per day; each item on two lines: when, what, the
    number and the subject; then the record it is about, the customer, the amount and the
    command that acts on it. Nothing is cut: on a terminal long lines wrap at words, indented
    under their column; every value is shown as text (`screen.safe`)."""
    import sys
    from itertools import groupby

    from salesflow.cli import screen
    from salesflow.pipeline.money import format_money

    columns = screen.console().width if screen.is_terminal() else None
    kind_width = max(len(item.kind) for item in items)
    number_width = max(len(item.number) for item in items)
    lines: list[str] = []
    safe = screen.safe

    def shown(text: str) -> str:
        return text if text.isprintable() else safe(text)

    for day, group in groupby(items, key=lambda item: None if item.overdue else item.date):
        if lines:
            lines.append("")
        lines.append("Overdue" if day is None else f"{day.strftime('%A')} {day.isoformat()}")
        for item in group:
            when = item.date.isoformat() if day is None else _time(item)
            head = f"  {when.ljust(10)}  {item.kind.ljust(kind_width)}  "
            head += f"{item.number.ljust(number_width)}  "
            customer, amount = item.customer, item.amount
            about = shown(customer) if customer else ""
            if item.regarding and item.regarding != item.number:
                about = f"{shown(item.regarding)} · {about}" if about else shown(item.regarding)
            if amount is not None:
                money = format_money(amount)
                about = f"{about} · {money}" if about else money
            lines.append((head + shown(item.subject)).rstrip())
            lines.append(
                f"{INDENT}{about} → {item.command}" if about else f"{INDENT}→ {item.command}"
            )
            if columns is not None:  # a terminal: wrap the item's two lines at words
                lines[-2:] = [
                    *_wrapped(lines[-2], columns, len(head)),
                    *_wrapped(lines[-1], columns, len(INDENT)),
                ]
    sys.stdout.write("\n".join(lines) + "\n")


def _wrapped(line: str, columns: int, indent: int) -> list[str]:
    """`line` as the terminal shows it: as is when it fits, else wrapped at words, the lines
    after the first indented by `indent`."""
    if len(line) <= columns:
        return [line]
    import textwrap  # only a terminal wraps

    return textwrap.wrap(
        line,
        columns,
        subsequent_indent=" " * indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


INDENT = " " * 14
"""Where an item's second line starts: under its number's column."""


def _seller(mine: bool, owner: str | None) -> str | None:
    """The seller `--mine`/`--owner` name, checked (`pipeline.owners.seller_name`)."""
    from salesflow.pipeline.owners import seller_name

    named = owners.owner_filter(mine, owner)
    return seller_name(named, "--owner") if named is not None else None


def _time(item: AgendaItem) -> str:
    return item.at.strftime("%H:%M") if item.at else ""


@app.command("export")
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="ics (iCalendar).")] = "ics",
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Write to this file (0600); default stdout."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --output.")] = False,
    mine: owners.MineOpt = False,
    owner: owners.OwnerOpt = None,
) -> None:
    """Export tasks, calls and meetings as iCalendar: tasks and calls as to-dos, meetings as
    events. Their UIDs follow their numbers, so importing a new export updates a calendar.

    Example: salesflow agenda export --format ics --output salesflow.ics
    """
    import sys

    from salesflow.cli.transfer import check_output, write_private
    from salesflow.ics import calendar_bytes
    from salesflow.pipeline.fields import choice
    from salesflow.services import agenda as service

    choice(fmt, ("ics",), "agenda export format")
    seller = _seller(mine, owner)
    if output:
        check_output(Path(output), force)
    with common.reading() as session:
        activities = service.calendar(session, owner=seller)
        company = common.settings(session).get("company")
    data = calendar_bytes(
        activities,
        stamp=common.now(),
        name=f"salesflow: {company}" if company else "salesflow",
    )
    if output:
        write_private(Path(output), data)
        common.say(f"Exported {sum(1 for a in activities if a.due)} activities to {output}")
    else:
        sys.stdout.write(data.decode("utf-8"))
