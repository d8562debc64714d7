"""`salesflow lead import` (trade-show and contact CSVs) and `salesflow export` (any type)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from salesflow.cli import common
from salesflow.errors import InvalidValue
from salesflow.services import exports

if TYPE_CHECKING:
    from salesflow.importer import Profile
    from salesflow.pipeline.imports import ImportPlan

REJECTED_EXIT = 3
PROGRESS_ABOVE = 20_000


def _read_input(file: str) -> tuple[bytes, str]:
    """The bytes to import and the name to report them by (`-` is stdin)."""
    if file == "-":
        return common.stdin_bytes(), "stdin"
    path = Path(file)
    try:
        return path.read_bytes(), path.name
    except FileNotFoundError:
        raise InvalidValue(f"file {file} not found") from None
    except IsADirectoryError:
        raise InvalidValue(f"{file} is a folder, not a CSV file") from None
    except OSError as exc:
        raise InvalidValue(f"cannot read {file}: {exc.strerror}") from None


def _profile(name: str | None) -> Profile | None:
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
    from salesflow.pipeline.imports import summary
    from salesflow.services import imports

    data, file_name = _read_input(file)
    request = imports.ImportRequest(
        source=source,
        profile=_profile(profile),
        overrides=importer.parse_map_options(mappings or []),
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        show_mapping=show_mapping,
    )
    prepared = imports.prepare(data, file_name, request)
    del data  # read and mapped: its memory is better spent on the documents
    for warning in prepared.warnings:
        common.say(f"Warning: {warning}")
    if show_mapping:
        if json:
            common.print_json([{"column": c, "becomes": b} for c, b in prepared.mapping])
        else:
            common.print_table(["Column", "Becomes"], prepared.mapping)
        return
    rejects_path = _rejects_path(file, rejects)
    if not dry_run:
        _check_rejects_path(rejects_path, file)

    staged: Path | None = None
    try:
        with common.reading() if dry_run else common.writing() as uow:
            imported = imports.import_leads(
                uow,
                prepared,
                on_duplicate=on_duplicate,
                strict=strict,
                dry_run=dry_run,
                today=common.today(),
                now=common.now(),
                progress=_progress(prepared.row_count),
            )
            result = imported.plan
            if imported.refused:
                _report_rows(result)
                kept = ""
                if not dry_run:  # the list to fix, though nothing is imported
                    csv = imports.rejects_csv(result, prepared.old_errors)
                    _stage_rejects(rejects_path, csv, force).replace(rejects_path)
                    kept = f" (see {rejects_path})"
                raise InvalidValue(
                    f"{len(result.rejected)} of {len(result.outcomes)} rows of {file_name} "
                    f"rejected{kept}; --strict imports nothing"
                )
            if result.rejected and not dry_run:
                csv = imports.rejects_csv(result, prepared.old_errors)
                staged = _stage_rejects(rejects_path, csv, force)
    except BaseException:
        if staged is not None:
            staged.unlink(missing_ok=True)
        raise
    if staged is not None:
        staged.replace(rejects_path)
    shown_rejects = str(rejects_path) if result.rejected and not dry_run else None
    line = summary(result, file_name, shown_rejects, dry_run=dry_run) + prepared.read_as
    if json:
        common.print_json(
            {
                "file": file_name,
                "source": prepared.batch_source,
                "batch": imported.batch if imported.written else None,
                "dry_run": dry_run,
                "imported": len(result.new_docs),
                "updated": result.count("updated"),
                "duplicates": result.count("duplicate"),
                "rejected": len(result.rejected),
                "skipped": sum(result.skipped.values()),
                "values_in_notes": result.differed,
                "rejects_file": shown_rejects,
                "encoding": prepared.encoding,
                "delimiter": prepared.delimiter,
                "rows": [o.as_dict() for o in result.outcomes],
            }
        )
    else:
        _report_rows(result)
    common.say(line)
    if result.rejected:
        raise typer.Exit(REJECTED_EXIT)


def _report_rows(result: ImportPlan) -> None:
    # skipped rows are counted by reason in the summary and listed in --json
    lines = [o.message for o in result.outcomes if o.status in _SAID and o.message]
    if lines:
        common.say("\n".join(lines))  # one write for them all


_SAID = ("updated", "duplicate", "rejected")


def _progress(total: int) -> Callable[[int], None] | None:
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


def export(
    kind: Annotated[
        str, typer.Argument(help=", ".join(exports.EXPORT_TYPES) + ".", show_default=False)
    ],
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
    from salesflow.pipeline.fields import choice

    model = exports.record_type(kind)
    fmt = choice(fmt, exports.FORMATS, "export format")
    if output:
        check_output(Path(output), force)
    with common.reading() as uow:
        count, data = exports.export(uow, model, fmt)
    if output:
        write_private(Path(output), data)
        common.say(f"Exported {count} {model.table} to {output}")
    else:
        sys.stdout.write(data.decode("utf-8"))
