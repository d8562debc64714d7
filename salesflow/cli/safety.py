"""The safety net: `undo`, `redo`, `doctor` and `backup`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from salesflow.cli import common

if TYPE_CHECKING:
    from typer import _click

    from salesflow.store import Restored, Version

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def undo(
    list_: Annotated[
        bool, typer.Option("--list", help="List the kept versions instead; change nothing.")
    ] = False,
    json: Json = False,
) -> None:
    """Undo the latest command that changed the data file (an import is undone as a whole).

    Before every write salesflow keeps the file as it was in `<data file>.history/` with the
    command that replaced it; the last 20 are kept (`salesflow config set history_keep N`).
    `undo` restores the version before the latest command that is not undone yet; run it again
    to go one more command back. An undo is a write too: `salesflow redo` takes it back, until
    another command changes the file. Undo also rewinds the number counters: a number the undone
    command handed out is handed out again (cancel a document you already sent instead).
    On a team database, undo takes back your own latest command from the database's journal
    (refused, naming the record, when a later command changed the same records), and `--list`
    lists your latest commands.

    Example: salesflow undo --list
    """
    if list_:
        _list_versions(json)
        return
    restored = common.backend().undo()
    version = restored.version
    if json:
        common.print_json(_restored_json(restored, "undone"))
        return
    common.say(
        f"Undid `{version.change}` (#{version.seq}, {_when(version.at)}); "
        "`salesflow redo` takes this undo back"
    )
    _notes(restored)


def redo(json: Json = False) -> None:
    """Take back the latest undo (possible until another command changes the data file).

    Example: salesflow redo
    """
    restored = common.backend().redo()
    if json:
        common.print_json(_restored_json(restored, "redone"))
        return
    common.say(f"Redid `{restored.version.change}`; `salesflow undo` undoes it again")
    _notes(restored)


def _notes(restored: Restored) -> None:
    for also in restored.also_undone:
        common.say(
            f"The version before it is damaged (kept in the history for inspection), so "
            f"`{also.change}` (#{also.seq}, {_when(also.at)}) was undone too"
        )
    if restored.removed_file:
        common.say(
            f"The data file did not exist before that command, so {common.data_path()} "
            "was removed; its last version is kept in the history"
        )
    if restored.changed_outside:
        common.say(
            "Note: the data file had been changed outside salesflow since its last write; "
            "that version is kept too (`salesflow undo --list`)"
        )


def _restored_json(restored: Restored, what: str) -> dict[str, Any]:
    return {
        what: _version_json(restored.version),
        "also_undone": [_version_json(version) for version in restored.also_undone],
        "data_file_removed": restored.removed_file,
        "changed_outside": restored.changed_outside,
    }


def _version_json(version: Version, note: str | None = None) -> dict[str, Any]:
    data = {
        "seq": version.seq,
        "kind": version.kind,
        "at": version.at,
        "command": version.argv,
        "change": version.change,
        "migrated_from": version.migrated_from,
    }
    if note is not None:
        data["note"] = note
    return data


def _when(at: str) -> str:
    return at[:16].replace("T", " ")


def _list_versions(json: bool) -> None:
    found = common.backend()
    kept = found.undo_versions()
    where = str(kept.directory) if kept.directory is not None else found.location()
    state = kept.state
    rows = []
    for version in reversed(kept.versions):
        notes = []
        if state.undo is not None and version.seq == state.undo.seq:
            notes.append("next undo")
        if state.redo is not None and version.seq == state.redo.seq:
            notes.append("next redo")
        if version.seq in state.undone:
            notes.append("undone")
        if version.migrated_from is not None:
            notes.append(f"upgraded the file from schema {version.migrated_from}")
        rows.append((version, "; ".join(notes)))
    if json:
        common.print_json(
            {
                "directory": str(kept.directory) if kept.directory is not None else None,
                "database": None if kept.directory is not None else where,
                "next_undo": state.undo.seq if state.undo else None,
                "next_redo": state.redo.seq if state.redo else None,
                "entries": [_version_json(version, note) for version, note in rows],
            }
        )
        return
    if not rows:
        if kept.directory is None:
            common.say(f"No command of yours to undo in database {where}.")
        else:
            common.say(f"No earlier versions kept in {where}.")
        return
    common.print_table(
        ["#", "When", "Change", "Note"],
        [[version.seq, _when(version.at), version.description, note] for version, note in rows],
        numeric=["#"],
    )


def doctor(json: Json = False) -> None:
    """Check the data file's integrity: records, references, totals, payments, numbering.

    Prints "ok", or one problem per line and exits 1. Nothing is changed.

    Example: salesflow doctor
    """
    from salesflow.errors import SalesflowError
    from salesflow.services import datafile
    from salesflow.store import SCHEMA_VERSION

    database = common.database()
    place = database.location() if database else str(common.data_path())
    where = f"database {place}" if database else f"data file {place}"
    try:
        with database.reading() if database else common.reading() as uow:
            found = datafile.check(uow)
    except SalesflowError:
        if database is None:
            _list_duplicates(json)
        raise
    schema, problems = found.schema, found.problems
    if json:
        common.print_json(
            {
                "path": place,
                "schema": schema,
                "ok": not problems,
                "problems": [
                    {"check": p.check, "where": p.where, "message": p.message} for p in problems
                ],
            }
        )
    elif problems:
        common.print_table(
            ["Check", "Where", "Problem"], [[p.check, p.where, p.message] for p in problems]
        )
    else:
        sys.stdout.write("ok\n")
    if schema < SCHEMA_VERSION and not json:
        common.say(f"Schema {schema}; the next command that writes upgrades it to {SCHEMA_VERSION}")
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        back = (
            ""
            if database
            else (", or go back to a version without them (`salesflow undo --list`, a backup)")
        )
        raise SalesflowError(f"{where} has {count}; fix them with the commands{back}")


def _list_duplicates(json: bool) -> None:
    """Keys stored twice make the file unreadable (exit 4); doctor lists every one of them."""
    from salesflow.pipeline.doctor import Problem

    duplicates = common.store().duplicate_keys()
    if not duplicates:
        return
    problems = [
        Problem(
            "duplicate", table or key, f"{'table' if not table else 'key'} {key!r} appears twice"
        )
        for table, key in duplicates
    ]
    if json:
        common.print_json(
            {
                "path": str(common.data_path()),
                "ok": False,
                "problems": [
                    {"check": p.check, "where": p.where, "message": p.message} for p in problems
                ],
            }
        )
    else:
        common.print_table(
            ["Check", "Where", "Problem"], [[p.check, p.where, p.message] for p in problems]
        )


class _BackupGroup(TyperGroup):
    """`backup FILE` is `backup create FILE`, as it was before `backup restore` existed."""

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["create", *args]
        return super().parse_args(ctx, args)  # type: ignore[no-any-return]


backup = common.AppTyper(
    cls=_BackupGroup,
    no_args_is_help=False,
    help="Back up the data file (`backup FILE`), or restore a backup (`backup restore FILE`).",
)


@backup.command("create")
def create(
    file: Annotated[Path, typer.Argument(help="The copy to write.", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a consistent copy of the data file (private, mode 0600). Prints the file written.

    The copy is one read of the file, which writers only ever replace whole; it is checked to
    be a readable data file first. `salesflow backup restore FILE` brings it back.

    Example: salesflow backup ~/backups/sales-$(date +%F).json
    """
    from salesflow.errors import InvalidValue, Refused

    source = common.data_path()
    if file.is_dir():
        raise InvalidValue(f"backup: {file} is a directory; give a file name")
    if not file.parent.is_dir():
        raise InvalidValue(f"backup: cannot write {file}; directory {file.parent} does not exist")
    common.refuse_data_files(file, "backup:")
    if file.exists() and not force:
        raise Refused(f"backup: file {file} already exists; use --force to overwrite it")
    data = common.store().snapshot()
    common.write_output(file, data, "backup: ")
    sys.stdout.write(f"{file}\n")
    common.say(f"Backed up {source} ({len(data):,} bytes)")


@backup.command("restore")
def restore(
    file: Annotated[Path, typer.Argument(help="The backup to restore.", show_default=False)],
) -> None:
    """Replace the data file with a backup, checked first; `salesflow undo` takes it back.

    The backup must be a readable salesflow data file. The restore takes the lock like any
    write, and the data file it replaces is kept in the history (`salesflow undo --list`), so
    nothing is lost: prefer it to copying a backup over the data file.

    Example: salesflow backup restore ~/backups/sales-2026-11-30.json
    """
    from salesflow.errors import InvalidValue, NotFound

    store = common.store()
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"backup {file} not found") from None
    except OSError as exc:
        raise InvalidValue(f"cannot read backup {file} ({exc.strerror or exc})") from None
    if Path(os.path.realpath(file)) == Path(os.path.realpath(store.path)):
        raise InvalidValue(f"backup {file} is the data file itself; give a backup")
    store.restore(file, raw)
    common.say(
        f"Restored {file} over {common.data_path()} ({len(raw):,} bytes); "
        "`salesflow undo` takes the restore back"
    )
