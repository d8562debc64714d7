"""Excel and LibreOffice workbooks (.xlsx, .xls, .ods) as a table, read with python-calamine.

A sheet's cells come typed: text stays text, a whole number is written without ".0" or an
exponent (a phone number stored as a number), a date as ISO. The header is looked for below any
title rows, as a CSV's preamble is; merged title cells are a value in their first cell.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from salesflow.errors import InvalidValue
from salesflow.importer.reading import RawRow, RawTable, table_of_records, without_c1


def read_workbook(
    data: bytes, *, sheet: str | None = None, extra_headers: Iterable[str] = ()
) -> RawTable:
    """The first sheet of a workbook, or `sheet` (by name, any case), as a table.

    Raises InvalidValue naming the sheets when `sheet` is not one of them, or when the bytes are
    not a workbook the reader understands.
    """
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, OSError) as error:
        raise InvalidValue(f"the workbook cannot be read ({error})") from None
    names = list(book.sheet_names)
    if not names:
        raise InvalidValue("the workbook has no sheets")
    if sheet is None:
        chosen = names[0]
    else:
        found = [n for n in names if n.casefold() == sheet.strip().casefold()]
        if not found:
            shown = ", ".join(f'"{n}"' for n in names)
            raise InvalidValue(f'the workbook has no sheet "{sheet}"; its sheets are {shown}')
        chosen = found[0]
    values = book.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    records = [
        RawRow(n, [without_c1(cell_text(v)) for v in row]) for n, row in enumerate(values, start=1)
    ]
    return table_of_records(records, encoding="xlsx", delimiter="", extra_headers=extra_headers)


def cell_text(value: object) -> str:
    """A cell as the text a spreadsheet shows, without float artefacts."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e17:
            return str(int(value))  # 31612345678.0 -> 31612345678: a phone, a postcode
        return repr(value)
    if isinstance(value, datetime):
        spec = "seconds" if value.second else "minutes"
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec=spec)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="minutes" if not value.second else "seconds")
    if isinstance(value, timedelta):
        return str(value)
    return "" if value is None else str(value)
