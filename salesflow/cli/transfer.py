"""`salesflow lead import` (trade-show and contact CSVs) and `salesflow export` (any type)."""

from __future__ import annotations

import re
import sys
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Annotated, Any

import typer

from salesflow import registry
from salesflow.cli import common
from salesflow.errors import InvalidValue

REJECTED_EXIT = 3
PROGRESS_ABOVE = 20_000
ERROR_COLUMN = "error"
_OLD_ERROR = re.compile(r"row \d+: ")


def _read_input(file: str) -> tuple[bytes, str]:
    """The bytes to import and the name to report them by (`-` is stdin)."""
    if file == "-":
        return sys.stdin.buffer.read(), "stdin"
    path = Path(file)
    try:
        return path.read_bytes(), path.name
    except FileNotFoundError:
        raise InvalidValue(f"file {file} not found") from None
    except IsADirectoryError:
        raise InvalidValue(f"{file} is a folder, not a CSV file") from None
    except OSError as exc:
        raise InvalidValue(f"cannot read {file}: {exc.strerror}") from None


def _profile(name: str | None) -> Any:
    """A mapping profile: a TOML file, or NAME.toml in salesflow's profiles folder."""
    if name is None:
        return None
    from salesflow.importer import parse_profile

    path = Path(name)
    if not path.is_file():
        from platformdirs import user_config_dir

        folder = Path(user_config_dir("salesflow", appauthor=False)) / "profiles"
        path = folder / f"{name}.toml"
        if not path.is_file():
            raise InvalidValue(f"mapping profile {name!r} not found (no such file, nor {path})")
    try:
        return parse_profile(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InvalidValue(f"mapping profile {path} is not UTF-8 text") from None


def _rejects_path(file: str, rejects: str | None) -> Path:
    if rejects:
        return Path(rejects)
    if file == "-":
        return Path("stdin.rejects.csv")
    path = Path(file)
    return path.with_name(path.stem + ".rejects.csv")


def _check_rejects_path(path: Path, file: str) -> None:
    """Before importing: rejected rows can be written there, and not over the file imported."""
    if path.is_dir():
        raise InvalidValue(f"rejects file {path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise InvalidValue(f"cannot write rejects file {path}; folder {path.parent} does not exist")
    if file != "-" and path.resolve() == Path(file).resolve():
        raise InvalidValue(f"--rejects {path} is the file being imported; give another name")
    common.refuse_data_files(path, "--rejects")


def _without_old_errors(table: Any, plan: Any) -> tuple[Any, str | None]:
    """A rejects file imported again after fixing: its last column, `error`, holds the messages
    of the earlier import (each "row N: ..."). That column is skipped, not kept in the notes;
    returns the plan and the column's label (None when the file has no such column)."""
    import dataclasses

    from salesflow.importer.headers import SKIP
    from salesflow.importer.plan import UNRECOGNISED

    if not table.header or table.header[-1] != ERROR_COLUMN:
        return plan, None
    last = plan.columns[-1]
    if last.origin != UNRECOGNISED:
        return plan, None  # mapped on purpose with --map or a profile
    index = len(table.header) - 1
    cells = (values[index] for _, values in table.rows)
    if not all(_OLD_ERROR.match(cell) or not cell.strip() for cell in cells):
        return plan, None
    columns = (*plan.columns[:-1], dataclasses.replace(last, kind=SKIP, field=None))
    return dataclasses.replace(plan, columns=columns), last.label


def _is_own_export(header: list[str]) -> bool:
    """Whether the file is a `salesflow export leads` CSV (its empty Source cells stay empty)."""
    from salesflow.importer import normalise_header
    from salesflow.importer.plan import own_export_columns

    return bool(own_export_columns([normalise_header(h) for h in header], header))


def _no_header_recognised(plan: Any) -> bool:
    from salesflow.importer.plan import UNRECOGNISED

    return all(rule.origin == UNRECOGNISED for rule in plan.columns)


def check_output(path: Path, force: bool) -> None:
    """An --output path that can be written: its folder exists, it is no folder, and an
    existing file is replaced only with --force."""
    if path.is_dir():
        raise InvalidValue(f"output {path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise InvalidValue(f"cannot write {path}; folder {path.parent} does not exist")
    common.refuse_data_files(path, "output")
    if path.exists() and not force:
        raise InvalidValue(f"{path} already exists; use --force to overwrite it")


def write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read (0600): exports hold personal data."""
    common.write_output(path, data)


def _rejects_csv(
    rows: list[tuple[int, dict[str, str], str]], old_errors: str | None = None
) -> bytes:
    """Rejected rows with their original columns and an `error` column, ready to fix.

    `old_errors` is the label of an earlier rejects file's `error` column, replaced by this one.
    """
    import csv
    import io

    from salesflow.pipeline.listing import neutralise

    columns: list[str] = []
    for _, original, _ in rows:
        columns.extend(c for c in original if c not in columns and c != old_errors)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*map(neutralise, columns), ERROR_COLUMN])
    for _, original, message in rows:  # cells as an export writes them: no formula runs
        writer.writerow([*(neutralise(original.get(c, "")) for c in columns), message])
    return buffer.getvalue().encode("utf-8-sig")


def _stage_rejects(path: Path, csv: bytes, force: bool) -> Path:
    """The rejects file, written beside its place before the import is committed (0600) and
    put there after: one that cannot be written stops the import; an existing one is replaced
    only with --force."""
    from salesflow.files import stage

    if path.exists() and not force:
        raise InvalidValue(
            f"rejects file {path} already exists; use --force to overwrite it, or --rejects FILE; "
            "nothing was imported"
        )
    try:
        return stage(path, csv)
    except OSError as exc:
        raise InvalidValue(
            f"cannot write rejects file {path} ({exc.strerror or exc}); nothing was imported"
        ) from None


def import_leads(
    file: Annotated[
        str,
        typer.Argument(
            help="The file (CSV, text, .vcf, .xlsx), or - for stdin.", show_default=False
        ),
    ],
    source: Annotated[
        str | None, typer.Option("--source", help="Source of every lead; default the file name.")
    ] = None,
    mappings: Annotated[
        list[str] | None,
        typer.Option("--map", help='"Column=field", e.g. "Badge Company=company"; repeatable.'),
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", help="A mapping profile: TOML file or saved name.")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="Override detection: utf-8, cp1252, ...")
    ] = None,
    delimiter: Annotated[
        str | None, typer.Option("--delimiter", help="Override sniffing: , ; tab |")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would happen; write nothing.")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Any rejected row: import nothing (exit 1).")
    ] = False,
    on_duplicate: Annotated[
        str,
        typer.Option("--on-duplicate", help="skip, or update: fill the lead's empty fields."),
    ] = "skip",
    rejects: Annotated[
        str | None,
        typer.Option("--rejects", help="Where rejected rows go; default FILE.rejects.csv."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing rejects file.")
    ] = False,
    show_mapping: Annotated[
        bool, typer.Option("--show-mapping", help="Show how each column maps; import nothing.")
    ] = False,
    json: Annotated[
        bool, typer.Option("--json", help="Print the summary and rows as JSON.")
    ] = False,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="The workbook's sheet; default the first.")
    ] = None,
) -> None:
    """Import leads from CSV or text exports, vCards (.vcf) and workbooks (.xlsx, .xls, .ods).

    Outlook, Google, Apple, LinkedIn, HubSpot, Salesforce, Pipedrive, Zoho, Mailchimp,
    Eventbrite and badge-scanner exports in English, Dutch, German, French or Spanish.

    Headers are recognised without a mapping; unknown columns are kept in the notes. Valid rows
    are imported in one write; duplicates (same email, else same name and company) are skipped
    or, with --on-duplicate update, fill the lead's empty fields. Rejected rows go to a rejects
    CSV and the exit code is 3.

    Example: salesflow lead import badges.csv --source "Beurs 2026" --map "Badge Company=company"
    """
    from salesflow import importer
    from salesflow.models import Contact, Lead
    from salesflow.pipeline.imports import Known, known_names, name_key, plan_import, summary
    from salesflow.pipeline.numbering import format_number
    from salesflow.store import collector

    data, file_name = _read_input(file)
    chosen = _profile(profile)
    overrides = importer.parse_map_options(mappings or [])
    table = importer.read_any(
        data,
        file_name,
        sheet=sheet,
        encoding=encoding or (chosen.encoding if chosen else None),
        delimiter=delimiter or (chosen.delimiter if chosen else None),
        extra_headers=[*overrides, *(chosen.columns if chosen else ())],
    )
    del data  # read: its memory is better spent on the documents
    if not table.header:
        raise InvalidValue(
            f"{file_name}: no header row found; name the columns with --map or --profile"
        )
    plan = importer.plan_mapping(table.header, overrides=overrides, profile=chosen)
    plan, old_errors = _without_old_errors(table, plan)
    if not show_mapping and _no_header_recognised(plan):
        shown = ", ".join(f'"{h}"' for h in table.header[:6])
        more = ", ..." if len(table.header) > 6 else ""
        raise InvalidValue(
            f"{file_name}: no column header is recognised (row {table.header_row_no}: "
            f"{shown}{more}); name the columns with --map or --profile"
        )
    if source:  # the command line's source is every lead's; the file's goes to the notes
        plan = importer.source_in_notes(plan)
    for warning in [*plan.warnings, *importer.look_alikes(table.rows, plan)]:
        common.say(f"Warning: {warning}")
    if show_mapping:
        pairs = importer.describe_mapping(plan)
        if json:
            common.print_json([{"column": c, "becomes": b} for c, b in pairs])
        else:
            common.print_table(["Column", "Becomes"], pairs)
        return
    profile_source = chosen.source if chosen and chosen.source else None
    if source and profile_source:
        import dataclasses

        chosen = dataclasses.replace(chosen, source=None)  # --source wins over the profile's
    rows = importer.import_rows(table, plan, chosen)
    batch_source = source or profile_source or file_name
    rejects_path = _rejects_path(file, rejects)
    if not dry_run:
        _check_rejects_path(rejects_path, file)

    staged: Path | None = None
    try:
        with common.reading() if dry_run else common.writing() as session:
            # Scanned once, not kept: the leads table of a big file is then never parsed, and the
            # new leads are added after its end. What the duplicate checks need is kept: emails
            # (match_key, inline: it runs for every lead and contact), and the names of each lead,
            # keyed only if a row without email needs them.
            emails: dict[str, str] = {}
            for doc in session.scan(Contact):
                if (email := doc.get("email")) and (key := email.strip().casefold()):
                    emails[key] = doc["number"]
            named: list[tuple[Any, Any, Any, str]] = []
            unmailed: dict[str, str] = {}
            for doc in session.scan(Lead):
                get = doc.get
                if (email := get("email")) and (key := email.strip().casefold()):
                    emails[key] = doc["number"]
                elif get("last_name") and (key := name_key(doc)):
                    unmailed.setdefault(key, doc["number"])
                named.append((get("first_name"), get("last_name"), get("company"), doc["number"]))

            def names(wanted: AbstractSet[str] | None) -> dict[str, str]:
                return known_names(named, wanted)

            batch = format_number("IMP", session.counter("IMP") + 1)
            with collector.paused():  # a document per row, all of them kept
                result = plan_import(
                    rows,
                    known=Known(emails, names, unmailed),
                    load_lead=lambda number: session.get(Lead, number),
                    on_duplicate=on_duplicate,
                    source=batch_source,
                    batch=batch,
                    first_number=session.counter("L") + 1,
                    file_name=file_name,
                    today=common.today(),
                    now=common.now(),
                    fill_source=bool(source or profile_source) or not _is_own_export(table.header),
                    progress=_progress(len(rows)),
                )
                collector.spare(len(result.new_docs))
            # The documents hold what they need of the file's cells; the rest of the file can go
            # before the store copies the documents, so that the copies reuse its memory.
            encoding_name, delimiter_used = table.encoding, table.delimiter
            read_as = importer.encoding_note(table)
            del table, rows
            if strict and result.rejected:
                _report_rows(result)
                kept = ""
                if not dry_run:  # the list to fix, though nothing is imported
                    csv = _rejects_csv(result.rejected, old_errors)
                    _stage_rejects(rejects_path, csv, force).replace(rejects_path)
                    kept = f" (see {rejects_path})"
                raise InvalidValue(
                    f"{len(result.rejected)} of {len(result.outcomes)} rows of {file_name} "
                    f"rejected{kept}; --strict imports nothing"
                )
            changed = bool(result.new_docs or result.updated)
            if changed and not dry_run:
                session.next_numbers("IMP")
                session.next_numbers("L", len(result.new_docs))
                session.add_docs(Lead, result.new_docs)
                session.put(*result.updated)
                session.add_events(result.events)
            if result.rejected and not dry_run:
                csv = _rejects_csv(result.rejected, old_errors)
                staged = _stage_rejects(rejects_path, csv, force)
    except BaseException:
        if staged is not None:
            staged.unlink(missing_ok=True)
        raise
    if staged is not None:
        staged.replace(rejects_path)
    shown_rejects = str(rejects_path) if result.rejected and not dry_run else None
    line = summary(result, file_name, shown_rejects, dry_run=dry_run) + read_as
    if json:
        common.print_json(
            {
                "file": file_name,
                "source": batch_source,
                "batch": batch if changed and not dry_run else None,
                "dry_run": dry_run,
                "imported": len(result.new_docs),
                "updated": result.count("updated"),
                "duplicates": result.count("duplicate"),
                "rejected": len(result.rejected),
                "skipped": sum(result.skipped.values()),
                "values_in_notes": result.differed,
                "rejects_file": shown_rejects,
                "encoding": encoding_name,
                "delimiter": delimiter_used,
                "rows": [o.as_dict() for o in result.outcomes],
            }
        )
    else:
        _report_rows(result)
    common.say(line)
    collector.keep(result, emails, named)  # the process ends next: not worth freeing one by one
    if result.rejected:
        raise typer.Exit(REJECTED_EXIT)


def _report_rows(result: Any) -> None:
    # skipped rows are counted by reason in the summary and listed in --json
    lines = [o.message for o in result.outcomes if o.status in _SAID and o.message]
    if lines:
        common.say("\n".join(lines))  # one write for them all


_SAID = ("updated", "duplicate", "rejected")


def _progress(total: int) -> Any:
    """A progress callback drawing on stderr when it is a terminal and the file is large."""
    if total < PROGRESS_ABOVE or not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    bar = Progress(transient=True)
    bar.start()
    task = bar.add_task("Checking rows", total=total)

    def advance(done: int) -> None:
        bar.update(task, completed=done)
        if done + 5000 > total:
            bar.stop()

    return advance


EXPORT_TYPES = tuple(kind.table for kind in registry.TYPES)


def export(
    kind: Annotated[str, typer.Argument(help=", ".join(EXPORT_TYPES) + ".", show_default=False)],
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, json or jsonl.")] = "csv",
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Write to this file (0600); default stdout."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --output.")] = False,
) -> None:
    """Export every record of a type. CSV cells that could run as a spreadsheet formula are
    neutralised; a leads CSV imports again with `lead import` and no mapping.

    Example: salesflow export leads --format csv --output leads.csv
    """
    from salesflow.models import RECORD_TYPES
    from salesflow.pipeline.records import choice

    table = choice(kind, EXPORT_TYPES, "export type")
    fmt = choice(fmt, ("csv", "json", "jsonl"), "export format")
    model = next(m for m in RECORD_TYPES if m.table == table)
    if output:
        check_output(Path(output), force)
    with common.reading() as session:
        records = [common.dump(session.load(model, doc)) for doc in session.docs(model)]
    data = _encode(records, fmt, _flat_columns(model))
    if output:
        write_private(Path(output), data)
        common.say(f"Exported {len(records)} {table} to {output}")
    else:
        sys.stdout.write(data.decode("utf-8"))


def _flat_columns(model: Any) -> list[str]:
    """The CSV columns of a record type (lists of lines and payments left out), so that an
    export of no records still has its header row."""
    import typing

    fields = [
        n for n, f in model.model_fields.items() if typing.get_origin(f.annotation) is not list
    ]
    return [*fields, *model.model_computed_fields]


def _encode(records: list[dict[str, Any]], fmt: str, columns: list[str]) -> bytes:
    import orjson

    if fmt == "json":
        return orjson.dumps(records, option=orjson.OPT_INDENT_2) + b"\n"
    if fmt == "jsonl":
        return b"".join(orjson.dumps(r) + b"\n" for r in records)
    import csv
    import io

    from salesflow.pipeline.listing import csv_rows, neutralise

    if records:
        columns, rows = csv_rows(records)
    else:
        rows = []
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([[neutralise(cell) for cell in row] for row in rows])
    return buffer.getvalue().encode("utf-8")
