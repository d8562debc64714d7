"""`export`: every record of a type as CSV, JSON or JSON lines.

Light to import (the CLI names the export types in its help): the rest is imported on use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesflow import registry

if TYPE_CHECKING:
    from salesflow.models import Record
    from salesflow.store.contract import UnitOfWork

EXPORT_TYPES = tuple(kind.table for kind in registry.TYPES)
FORMATS = ("csv", "json", "jsonl")


def record_type(kind: str) -> type[Record]:
    """The record type an export names (`leads`, any case); InvalidValue lists the others."""
    from salesflow.models import RECORD_TYPES
    from salesflow.pipeline.fields import choice

    table = choice(kind, EXPORT_TYPES, "export type")
    return next(m for m in RECORD_TYPES if m.table == table)


def export(uow: UnitOfWork, model: type[Record], fmt: str) -> tuple[int, bytes]:
    """(how many records, the file's bytes): every record of a type, in creation order, as its
    JSON view (computed fields included). CSV cells that could run as a spreadsheet formula are
    neutralised; a leads CSV imports again with `lead import` and no mapping."""
    records = [record.model_dump(mode="json") for record in uow.all(model)]
    return len(records), encode(records, fmt, flat_columns(model))


def flat_columns(model: type[Record]) -> list[str]:
    """The CSV columns of a record type (lists of lines and payments left out), so that an
    export of no records still has its header row."""
    import typing

    fields = [
        n for n, f in model.model_fields.items() if typing.get_origin(f.annotation) is not list
    ]
    return [*fields, *model.model_computed_fields]


def encode(records: list[dict[str, Any]], fmt: str, columns: list[str]) -> bytes:
    """Records' JSON views as `fmt`: csv, json (an indented array) or jsonl."""
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
