"""`lead import` as two use cases: `prepare` reads a file's bytes into rows mapped to lead
fields (pure: the importer), `import_leads` decides each row's fate against what the unit of
work holds (pure: `pipeline.imports`) and adds the new and updated leads to it.

The garbage collector is held here, around the pure calls that build a document per row, and
nowhere in the importer or the pipeline (see `salesflow.store.collector`).
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import re
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from salesflow import importer
from salesflow.errors import InvalidValue
from salesflow.importer.columns import UNRECOGNISED, ColumnMap, own_export_columns
from salesflow.importer.headers import SKIP
from salesflow.models import Lead
from salesflow.pipeline.imports import ImportPlan, Known, known_names, plan_import
from salesflow.pipeline.listing import neutralise
from salesflow.pipeline.matching import match_key, name_key
from salesflow.pipeline.numbering import format_number
from salesflow.store import collector
from salesflow.store.contract import UnitOfWork

ERROR_COLUMN = "error"
"""The last column of a rejects file: why each row was rejected."""
_OLD_ERROR = re.compile(r"row \d+: ")


@dataclass(frozen=True)
class ImportRequest:
    """How to read and map one file: the options of `lead import`, parsed."""

    source: str | None = None
    overrides: dict[str, str] = dataclasses.field(default_factory=dict)
    profile: importer.Profile | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    show_mapping: bool = False


@dataclass
class Prepared:
    """A file read and mapped, ready to import (or to show how it maps).

    `rows` is None once `import_leads` has used them: a big file's cells are then freed before
    the store writes the new documents.
    """

    file_name: str
    column_map: ColumnMap
    warnings: list[str]
    mapping: list[tuple[str, str]]
    """(column, what it becomes): what `--show-mapping` shows."""
    rows: importer.CellTable | list[importer.MappedRow] | None
    profile: importer.Profile | None
    batch_source: str
    fill_source: bool
    old_errors: str | None
    """The label of an earlier rejects file's `error` column, left out of the new one."""
    encoding: str
    delimiter: str
    read_as: str
    """What the summary adds when the encoding was guessed, else ""."""

    @property
    def row_count(self) -> int:
        return len(self.rows) if self.rows is not None else 0


def prepare(data: bytes, file_name: str, request: ImportRequest) -> Prepared:
    """Read `data`, the file called `file_name` in messages (`stdin` for standard input),
    decide what each column becomes and map the rows.

    Raises InvalidValue for a file without a header row, or one none of whose headers is
    recognised (unless only the mapping is to be shown).
    """
    chosen = request.profile
    with collector.paused():  # a list per row, all of them kept
        table = importer.read_any(
            data,
            file_name,
            sheet=request.sheet,
            encoding=request.encoding or (chosen.encoding if chosen else None),
            delimiter=request.delimiter or (chosen.delimiter if chosen else None),
            extra_headers=[*request.overrides, *(chosen.columns if chosen else ())],
        )
        if not table.header:
            raise InvalidValue(
                f"{file_name}: no header row found; name the columns with --map or --profile"
            )
        column_map = importer.map_columns(table.header, overrides=request.overrides, profile=chosen)
        column_map, old_errors = _without_old_errors(table, column_map)
        if not request.show_mapping and _no_header_recognised(column_map):
            shown = ", ".join(f'"{h}"' for h in table.header[:6])
            more = ", ..." if len(table.header) > 6 else ""
            raise InvalidValue(
                f"{file_name}: no column header is recognised (row {table.header_row_no}: "
                f"{shown}{more}); name the columns with --map or --profile"
            )
        if request.source:  # the command line's source is every lead's; the file's goes to notes
            column_map = importer.source_in_notes(column_map)
        warnings = [*column_map.warnings, *importer.look_alikes(table.rows, column_map)]
        profile_source = chosen.source if chosen and chosen.source else None
        if request.source and chosen is not None and profile_source:
            chosen = dataclasses.replace(chosen, source=None)  # --source wins over the profile's
        rows = None
        if not request.show_mapping:
            rows = importer.import_rows(table, column_map, chosen)
            collector.spare(len(rows))
    return Prepared(
        file_name=file_name,
        column_map=column_map,
        warnings=warnings,
        mapping=importer.describe_mapping(column_map) if request.show_mapping else [],
        rows=rows,
        profile=chosen,
        batch_source=request.source or profile_source or file_name,
        fill_source=bool(request.source or profile_source) or not _is_own_export(table.header),
        old_errors=old_errors,
        encoding=table.encoding,
        delimiter=table.delimiter,
        read_as=importer.encoding_note(table),
    )


@dataclass(frozen=True)
class Imported:
    """What an import decided, and whether it was written."""

    plan: ImportPlan
    batch: str
    """The import's batch number (`IMP-0003`), taken only when something was written."""
    written: bool
    refused: bool
    """`--strict` and some row rejected: nothing was added."""


def import_leads(
    uow: UnitOfWork,
    prepared: Prepared,
    *,
    on_duplicate: str,
    strict: bool,
    dry_run: bool,
    today: date,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> Imported:
    """Decide each prepared row's fate (`pipeline.imports.plan_import`) against the leads and
    contacts stored, and add the new leads, the updated ones and the batch's events; nothing is
    added for a dry run or when `strict` and a row is rejected.

    The leads and contacts are read once for the duplicate checks and not kept: what the checks
    need is emails, and each lead's name, keyed only if a row without email needs them.
    """
    rows = prepared.rows
    if rows is None:
        raise ValueError("the prepared rows were imported already, or only the mapping was read")
    emails: dict[str, str] = {}
    named: list[tuple[str | None, str | None, str | None, str]] = []
    unmailed: dict[str, str] = {}
    for kind, number, email, first, last, company in uow.emails_and_names():
        if email and (key := match_key(email)):
            emails[key] = number
        elif kind == "lead" and (key := name_key(first, last, company)):
            unmailed.setdefault(key, number)
        if kind == "lead":
            named.append((first, last, company, number))

    def names(wanted: AbstractSet[str] | None) -> dict[str, str]:
        return known_names(named, wanted)

    batch = format_number("IMP", uow.counter("IMP") + 1)
    # The new leads go to the store in pieces as they are decided (a database stores them
    # while the rest is decided), unless they may not be written at all.
    streamed = not dry_run and not strict
    with collector.paused(), _adding(uow, streamed) as add:  # a document per row, all kept
        plan = plan_import(
            rows,
            known=Known(emails, names, unmailed),
            load_lead=lambda number: uow.get(Lead, number),
            on_duplicate=on_duplicate,
            source=prepared.batch_source,
            batch=batch,
            first_number=uow.counter(Lead.prefix) + 1,
            file_name=prepared.file_name,
            today=today,
            now=now,
            fill_source=prepared.fill_source,
            progress=progress,
            owner=uow.seller,
            decided=add,
        )
        collector.spare(len(plan.new_docs))
    # The documents hold what they need of the file's cells; the rest of the file can go
    # before the store copies the documents, so that the copies reuse its memory.
    prepared.rows = None
    del rows
    refused = strict and bool(plan.rejected)
    written = bool(plan.new_docs or plan.updated) and not dry_run and not refused
    if written:
        uow.next_numbers("IMP")
        uow.next_numbers(Lead.prefix, len(plan.new_docs))
        if not streamed:
            uow.add_stored(Lead, plan.new_docs)
        uow.put(*plan.updated)
        uow.add_events(plan.events)
    collector.keep(plan, emails, named)  # the process ends soon: not worth freeing one by one
    return Imported(plan, batch, written, refused)


@contextlib.contextmanager
def _adding(
    uow: UnitOfWork, streamed: bool
) -> Iterator[Callable[[list[dict[str, Any]]], None] | None]:
    """The unit of work's `adding` for new leads when `streamed`, else None."""
    if not streamed:
        yield None
        return
    with uow.adding(Lead) as add:
        yield add


def rejects_csv(plan: ImportPlan, old_errors: str | None = None) -> bytes:
    """The rejected rows with their original columns and an `error` column, ready to fix and
    import again; cells as an export writes them (no formula runs).

    `old_errors` is the label of an earlier rejects file's `error` column, replaced by this one.
    """
    columns: list[str] = []
    for _, original, _ in plan.rejected:
        columns.extend(c for c in original if c not in columns and c != old_errors)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*map(neutralise, columns), ERROR_COLUMN])
    for _, original, message in plan.rejected:
        writer.writerow([*(neutralise(original.get(c, "")) for c in columns), message])
    return buffer.getvalue().encode("utf-8-sig")


def _without_old_errors(
    table: importer.RawTable, column_map: ColumnMap
) -> tuple[ColumnMap, str | None]:
    """A rejects file imported again after fixing: its last column, `error`, holds the messages
    of the earlier import (each "row N: ..."). That column is skipped, not kept in the notes;
    returns the column map and the column's label (None when the file has no such column)."""
    if not table.header or table.header[-1] != ERROR_COLUMN:
        return column_map, None
    last = column_map.columns[-1]
    if last.origin != UNRECOGNISED:
        return column_map, None  # mapped on purpose with --map or a profile
    index = len(table.header) - 1
    cells = (values[index] for _, values in table.rows)
    if not all(_OLD_ERROR.match(cell) or not cell.strip() for cell in cells):
        return column_map, None
    columns = (*column_map.columns[:-1], dataclasses.replace(last, kind=SKIP, field=None))
    return dataclasses.replace(column_map, columns=columns), last.label


def _is_own_export(header: list[str]) -> bool:
    """Whether the file is a `salesflow export leads` CSV (its empty Source cells stay empty)."""
    return bool(own_export_columns([importer.normalise_header(h) for h in header], header))


def _no_header_recognised(column_map: ColumnMap) -> bool:
    return all(rule.origin == UNRECOGNISED for rule in column_map.columns)
