"""The salesflow command line: a thin shell around the pipeline.

Each command parses, opens the store, calls the pipeline, saves and renders.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

import typer
from typer.core import TyperCommand

from salesflow import __version__
from salesflow.cli.common import INVOCATION, AppTyper, LazyGroup, RecordingGroup

if TYPE_CHECKING:
    from typer import _click


class Entry(NamedTuple):
    """A command of the root, loaded only when it runs: `attribute` of `salesflow.cli.<module>`
    is a Typer (a group) or a command function. `summary` is the first paragraph of its help, what
    `salesflow --help` lists without importing the module (a test keeps the two equal)."""

    module: str
    attribute: str
    summary: str


COMMANDS: dict[str, Entry] = {
    "info": Entry("misc", "info", "Show the data file's path, schema version and record counts."),
    "init": Entry(
        "misc",
        "init",
        "Create the data file (if needed) and set the seller's details and defaults.",
    ),
    "history": Entry(
        "misc",
        "history",
        "Show the whole story of a deal, lead to last payment, from any number in it.",
    ),
    "demo": Entry(
        "demo",
        "demo",
        "Run a scripted deal, lead to paid invoice, in a throwaway data file (never yours).",
    ),
    "undo": Entry(
        "safety",
        "undo",
        "Undo the latest command that changed the data file (an import is undone as a whole).",
    ),
    "redo": Entry(
        "safety",
        "redo",
        "Take back the latest undo (possible until another command changes the data file).",
    ),
    "doctor": Entry(
        "safety",
        "doctor",
        "Check the data file's integrity: records, references, totals, payments, numbering.",
    ),
    "backup": Entry(
        "safety",
        "backup",
        "Back up the data file (`backup FILE`), or restore a backup (`backup restore FILE`).",
    ),
    "export": Entry(
        "transfer",
        "export",
        "Export every record of a type. CSV cells that could run as a spreadsheet formula are\n"
        "neutralised; a leads CSV imports again with `lead import` and no mapping.",
    ),
    "lead": Entry("lead", "app", "Leads: people and companies that might buy."),
    "account": Entry("account", "account_app", "Accounts: the companies you sell to."),
    "contact": Entry("account", "contact_app", "Contacts: the people at those companies."),
    "product": Entry("product", "app", "Products: the catalog, keyed by the SKU you choose."),
    "opp": Entry("opp", "app", "Opportunities: deals in progress, with products and revenue."),
    "quote": Entry(
        "quote", "app", "Quotes: priced proposals for an opportunity, revised until accepted."
    ),
    "order": Entry("order", "app", "Orders: accepted quotes, to fulfil (invoice) or cancel."),
    "invoice": Entry(
        "invoice", "app", "Invoices: what customers owe, payments, and overdue balances."
    ),
    "report": Entry(
        "report",
        "app",
        "Reports: pipeline, forecast, funnel, win rate, receivables, sales and activity.",
    ),
    "note": Entry("activity", "note_app", "Notes: what was said or agreed, about any record."),
    "task": Entry("activity", "task_app", "Tasks: things to do about a record, by a due date."),
    "call": Entry("activity", "call_app", "Calls: log a call made, and plan the next one."),
    "meeting": Entry(
        "activity", "meeting_app", "Meetings: appointments about a record, on a date and time."
    ),
    "email": Entry(
        "activity", "email_app", "Emails: log an email sent or received about a record."
    ),
    "activity": Entry(
        "activity", "app", "Activities: list, show, edit, complete, reschedule or cancel them."
    ),
    "agenda": Entry(
        "agenda",
        "app",
        "Show what is due: open tasks, calls and meetings, and the pipeline's own work.",
    ),
    "config": Entry(
        "misc", "config_app", "Read and change the seller's settings kept in the data file."
    ),
    "db": Entry(
        "db", "app", "Team database: create or upgrade its schema, copy a data file in or out."
    ),
}


HELP_GROUPS: dict[str, tuple[str, ...]] = {
    "daily": ("lead", "opp", "quote", "order", "invoice", "report", "agenda"),
    "customers": ("account", "contact", "product"),
    "activities": ("note", "task", "call", "meeting", "activity"),
}
"""How `salesflow --help` groups the root's commands: the daily ones each on a line with its
summary, the others by name only; a command in no group is housekeeping. A name not in
COMMANDS (yet) is left out, so a new command only has to be named here."""

HELP_EXAMPLES = (
    "salesflow lead add --company Analytical --email ada@analytical.example",
    "salesflow opp list --status open --columns number,name,weighted",
)


def load(name: str) -> _click.Command:
    """Import the module of root command `name` and build its command (or group)."""
    entry = COMMANDS[name]
    found = getattr(importlib.import_module(f"salesflow.cli.{entry.module}"), entry.attribute)
    if isinstance(found, typer.Typer):
        command = LazyGroup.of(found)
    else:
        single = AppTyper()
        single.command(name)(found)
        command = typer.main.get_command(single)
    command.name = name
    return command


def hoist_db(args: list[str]) -> list[str]:
    """`args` with a `--db FILE` typed after the subcommand moved in front of it, so that
    `salesflow lead list --db FILE` means `salesflow --db FILE lead list` (nothing after `--`
    is touched; the root's own options stay where they are)."""
    moved: list[str] = []
    kept: list[str] = []
    index = 0
    in_command = False
    command_at = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            kept.extend(args[index:])
            break
        if in_command and arg == "--db" and index + 1 < len(args):
            moved += args[index : index + 2]
            index += 2
            continue
        if in_command and arg.startswith("--db="):
            moved.append(arg)
        else:
            kept.append(arg)
            if not in_command and arg == "demo":  # its own --db: the demo's throwaway file
                return args
            if not in_command and arg in COMMANDS:
                in_command, command_at = True, len(kept) - 1
        index += 1
    # after any --db before the subcommand: the last one given counts, as for any option
    return [*kept[:command_at], *moved, *kept[command_at:]] if moved else args


class RootGroup(RecordingGroup):
    """The root: its commands are imported and built by Typer only when one of them runs, so
    `salesflow --help`, `--version` and each command pay only for what they use."""

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        if cmd_name not in self.commands:
            self.commands[cmd_name] = load(cmd_name)
        return self.commands[cmd_name]

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        if not args or args[0] in COMMANDS:
            return super().resolve_command(ctx, args)
        # An unknown name: Typer suggests close ones from the commands built so far, so show it
        # every name (nothing is built for an unknown name).
        built, self.commands = self.commands, dict.fromkeys(COMMANDS)  # type: ignore[assignment]
        try:
            return super().resolve_command(ctx, args)
        finally:
            self.commands = built

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        """One screen (24 rows at 80 columns): the daily commands with their summaries, the
        others by name in their groups, the options in a line, two examples."""
        self.format_usage(ctx, formatter)
        formatter.write_text(f"{self.help} `salesflow COMMAND --help` tells more.")
        self.format_commands(ctx, formatter)
        options = [o for p in self.get_params(ctx) for o in (*p.opts, *p.secondary_opts)]
        formatter.write_paragraph()
        formatter.write_text("Options: " + ", ".join(options))
        with formatter.section("Examples"):
            for example in HELP_EXAMPLES:
                formatter.write_text(example)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if os.environ.get("_SALESFLOW_COMPLETE"):
            from salesflow.cli.completion import use_described_bash

            use_described_bash()
        return super().main(*args, **kwargs)

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_db(args))

    def format_commands(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        grouped = {name for names in HELP_GROUPS.values() for name in names}
        daily = [name for name in HELP_GROUPS["daily"] if name in COMMANDS]
        limit = formatter.width - 6 - max(len(name) for name in daily)
        rows = [
            (name, TyperCommand(name=name, help=COMMANDS[name].summary).get_short_help_str(limit))
            for name in daily
        ]
        others = {
            group: [name for name in names if name in COMMANDS]
            for group, names in HELP_GROUPS.items()
            if group != "daily"
        }
        others["housekeeping"] = [name for name in COMMANDS if name not in grouped]
        with formatter.section("Daily commands"):
            formatter.write_dl(rows)
        with formatter.section("More commands"):
            formatter.write_dl(
                [(group, ", ".join(names)) for group, names in others.items() if names]
            )


app = AppTyper(
    name="salesflow",
    help="Carry deals from lead to paid invoice.",
    context_settings={"help_option_names": ["-h", "--help"]},
    cls=RootGroup,
    add_completion=True,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"salesflow {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Data file (default: $SALESFLOW_DB, else the user data dir).",
            dir_okay=False,
            readable=False,  # an unreadable file is the store's to report (exit 4)
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """salesflow: a seller's pipeline in one JSON file.

    Example: salesflow lead add --first-name Ada --last-name Lovelace --company Analytical
    """
    INVOCATION.db = db


def main() -> None:
    """The `salesflow` command. Once a command has finished, the process ends without Python
    freeing every object one by one (a 100k-lead import would spend a tenth of a second on it):
    the data file is already written and synced, so only the output streams need flushing."""
    try:
        app()
        code: object = 0
    except SystemExit as done:
        code = done.code
    if not isinstance(code, int) and code is not None:
        raise SystemExit(code)  # a message: Python prints it and exits 1
    for stream in (sys.stdout, sys.stderr):
        # OSError: a reader that left (`| head`); ValueError: a closed stream
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code or 0)
