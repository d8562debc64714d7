"""Rows mapped to lead fields with a column map.

Nothing in a row is lost: a column that is not a lead field, a second email, the rest of a
multi-value cell all end up in the lead's notes as "Column: value" lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import NamedTuple

from salesflow.importer.columns import ColumnMap, ColumnRule, matching_columns
from salesflow.importer.headers import (
    FIELD,
    LEAD_FIELDS,
    META,
    MIDDLE,
    NAME,
    NOTE,
    PARTICLE,
    SKIP,
    normalise_header,
)
from salesflow.importer.profile import Profile
from salesflow.importer.reading import RawRow, RawTable
from salesflow.importer.values import (
    HONORIFICS_BARE,
    PLACEHOLDER_DATES,
    amount_text,
    clean_email,
    clean_first_name,
    clean_phone,
    is_email,
    is_particle,
    is_plain_email,
    needs_phone_cleaning,
    reformat_date,
    split_full_name,
    take_titles,
)

MULTI_VALUE = " ::: "
"""How Google Contacts joins several values in one cell."""

EXPORT_DETAILS = "only export details"
BLANK = "blank"
PROFILE_RULE = "the profile's skip rule"

_MOBILE_LABELS = frozenset({"mobile", "mobiel", "cell", "cell phone", "mobile phone", "gsm"})
_FIELD_ORDER = {name: n for n, name in enumerate(LEAD_FIELDS)}
_NO_LINES: list[tuple[int, str]] = []  # shared by rows that have no note lines; never appended to


class MappedRow(NamedTuple):
    """One data row mapped: `fields` (lead field -> trimmed text) when it can be imported, else
    `error` ("row N: ..." naming the column, the value and the rule), else neither and `skip`
    saying why there is nothing to import.

    `values` are the row's cells as read and `labels` the map's column names; `original` pairs
    them for a rejects file.
    """

    row_no: int
    fields: dict[str, str] | None
    error: str | None
    values: list[str]
    labels: tuple[str, ...]
    skip: str | None = None
    """Why a row with neither fields nor error holds nothing to import ("blank", ...)."""

    @property
    def original(self) -> dict[str, str]:
        """Column name -> value as in the file; surplus values are named "(extra 1)", ..."""
        columns = dict(zip(self.labels, self.values, strict=False))
        for n, value in enumerate(self.values[len(self.labels) :], start=1):
            columns[f"(extra {n})"] = value
        return columns


# --- mapping rows ------------------------------------------------------------------------------


class _Special(NamedTuple):
    """Cell treatment that only a few columns need, kept out of the common path."""

    date: bool
    date_format: str | None
    drop: frozenset[str]
    route: int | None


class _Compiled(NamedTuple):
    """The column map as flat lists for the row loop, built once per file."""

    simple: list[tuple[int, str]]  # the only column of its field, no special treatment
    prefixes: dict[str, tuple[int, str]]  # field -> (index, "Label: ") of a simple column
    fields: list[tuple[int, str, str, _Special | None]]  # the other field columns, best first
    lines: list[tuple[int, str, bool, _Special | None]]  # note and meta columns
    names: list[tuple[int, str]]
    middles: list[tuple[int, str, bool]]
    skips: list[tuple[int, frozenset[str], bool]]
    source: str | None


def map_rows(
    table: RawTable, column_map: ColumnMap, profile: Profile | None = None
) -> list[MappedRow]:
    """The table's rows as lead fields, in row order, with the table's malformed rows as errors.

    Rows with nothing but export details (a connection date, a default label), rows a
    profile's skip rule matches and the rows the reader skipped (blank, a report footer) come
    as skipped rows. `profile` defaults to the column map's. A row is an error when its email fails
    the syntax check, its amount cannot be read or is negative, or it has neither a last name
    nor a company.
    """
    if len(column_map.columns) != len(table.header):
        raise ValueError(
            f"the map has {len(column_map.columns)} columns but the table {len(table.header)}"
        )
    compiled = _compile(column_map, profile if profile is not None else column_map.profile)
    mapped = _map_all(table.rows, table.multi_values, column_map, compiled)
    others = _unread(table, column_map.labels)
    if others:
        mapped.extend(others)
        mapped.sort(key=_ROW_NO)
    return mapped


_ROW_NO = itemgetter(0)


def _unread(table: RawTable, labels: tuple[str, ...]) -> list[MappedRow]:
    """The rows the reader could not split (errors) or skipped (blank, a footer), in row order."""
    rows = [MappedRow(p.row_no, None, p.message, p.values, labels) for p in table.problems]
    rows += [MappedRow(n, None, None, [], labels, why) for n, why in table.skipped]
    if table.problems and table.skipped:
        rows.sort(key=_ROW_NO)
    return rows


def _compile(column_map: ColumnMap, profile: Profile | None) -> _Compiled:
    date_format = profile.date_format if profile is not None else None
    header = [r.header for r in column_map.columns]
    normalised = [normalise_header(h) for h in header]

    def special(rule: ColumnRule) -> _Special | None:
        if not (rule.date or rule.drop or rule.route is not None):
            return None
        return _Special(rule.date, date_format if rule.date else None, rule.drop, rule.route)

    by_field = sorted(
        (r for r in column_map.columns if r.kind == FIELD),
        key=lambda r: (_FIELD_ORDER[r.field or ""], r.rank, r.index),
    )
    feeds = Counter(r.field for r in by_field)
    simple = [r for r in by_field if feeds[r.field] == 1 and special(r) is None]
    skips: list[tuple[int, frozenset[str], bool]] = []
    if profile is not None:
        for rule in profile.skip:
            wanted = frozenset(v.strip().casefold() for v in rule.equals)
            found = matching_columns(header, normalised, rule.column)
            skips.extend((i, wanted, rule.empty) for i in found)
    ranked = sorted(column_map.columns, key=lambda r: (r.rank, r.index))
    return _Compiled(
        simple=[(r.index, r.field or "") for r in simple],
        prefixes={r.field or "": (r.index, f"{r.label}: ") for r in simple},
        fields=[
            (r.index, r.field or "", f"{r.label}: ", special(r))
            for r in by_field
            if r not in simple
        ],
        lines=[
            (r.index, f"{r.label}: ", r.kind == META, special(r))
            for r in column_map.columns
            if r.kind in (NOTE, META)
        ],
        names=[(r.index, f"{r.label}: ") for r in ranked if r.kind == NAME],
        middles=[
            (r.index, f"{r.label}: ", r.kind == PARTICLE)
            for r in column_map.columns
            if r.kind in (MIDDLE, PARTICLE)
        ],
        skips=skips,
        source=profile.source if profile is not None else None,
    )


@dataclass(frozen=True)
class CellTable:
    """A table whose every column the column map uses feeds one lead field as it is, handed over as
    cells: a row's fields are its trimmed cells in `columns` ((lead field, cell index) pairs),
    the empty ones left out. `plan_import` takes it for the rows `map_rows` would give, with the
    rules `map_rows` applies to them: `email_ok`, `amount_text`, the column map's `source` for rows
    without one, and `mapped` for any row to be mapped the general way. `broken` are the rows
    the reader could not split or skipped (blank, a report footer), in row order; `neutralised`
    is the table's (see RawTable).
    """

    columns: tuple[tuple[str, int], ...]
    rows: list[RawRow]
    broken: list[MappedRow]
    source: str | None
    neutralised: bool
    column_map: ColumnMap
    compiled: _Compiled

    email_ok = staticmethod(is_plain_email)
    honorifics = HONORIFICS_BARE
    amount_text = staticmethod(amount_text)

    def mapped(self, row_no: int, values: list[str]) -> MappedRow:
        """The row as `map_rows` maps it (a skipped row when it has nothing to import)."""
        return _map_all([(row_no, values)], False, self.column_map, self.compiled)[0]

    def __len__(self) -> int:
        return len(self.rows) + len(self.broken)


def import_rows(
    table: RawTable, column_map: ColumnMap, profile: Profile | None = None
) -> CellTable | list[MappedRow]:
    """The table's rows for `plan_import`: `map_rows`' rows, or, when every column the map uses
    feeds one lead field as it is (no notes, names, multi-value cells or skip rules), the same
    rows still as cells (a CellTable), which `plan_import` goes through much faster.

    Columns that are empty in every row count as unused (a vCard's row has a column for every
    property a card may have): for such rows `map_rows` gives what the other columns alone give.
    """
    if len(column_map.columns) != len(table.header):
        raise ValueError(
            f"the map has {len(column_map.columns)} columns but the table {len(table.header)}"
        )
    compiled = _compile(column_map, profile if profile is not None else column_map.profile)
    if compiled.skips or table.multi_values or table.phone_marks:
        return map_rows(table, column_map, profile)
    plain = compiled
    if _has_more(compiled) or not compiled.simple:
        used = _without_empty_columns(table, column_map, compiled, profile)
        if used is None:
            return map_rows(table, column_map, profile)
        plain = used
    labels = column_map.labels
    return CellTable(
        columns=tuple((lead_field, index) for index, lead_field in plain.simple),
        rows=table.rows,
        broken=_unread(table, labels),
        source=compiled.source,
        neutralised=table.neutralised,
        column_map=column_map,
        compiled=compiled,
    )


def _without_empty_columns(
    table: RawTable, column_map: ColumnMap, compiled: _Compiled, profile: Profile | None
) -> _Compiled | None:
    """The map of the columns some row has a value in, when each of those feeds one lead field
    as it is and a field that other columns fed holds no multi-value cell; else None.

    For a row whose other cells are empty, `map_rows` gives just that: the columns of no field
    add no note line, full name or middle name; of several columns feeding one field only the
    one with a value counts, taken as it is unless it holds several values (" ::: ").
    """
    if not compiled.simple and not compiled.fields:
        return None  # no field column at all
    others = {i for i, *_ in compiled.fields}
    others.update(i for i, *_ in compiled.lines)
    others.update(i for i, _ in compiled.names)
    others.update(i for i, *_ in compiled.middles)
    values = [row.values for row in table.rows]
    empty = {i for i in others if not any(map(itemgetter(i), values))}
    if not empty:
        return None
    columns = tuple(
        replace(rule, kind=SKIP, field=None) if rule.index in empty else rule
        for rule in column_map.columns
    )
    used = _compile(
        replace(column_map, columns=columns),
        profile if profile is not None else column_map.profile,
    )
    if _has_more(used) or not used.simple:
        return None
    shared = {i for i, *_ in compiled.fields}  # a field fed by several columns, now by one
    for i, _ in used.simple:
        if i in shared and any(MULTI_VALUE in cells[i] for cells in values):
            return None
    return used


def _has_more(compiled: _Compiled) -> bool:
    """Whether the column map has columns other than one plain column per field."""
    return bool(compiled.fields or compiled.lines or compiled.names or compiled.middles)


def _map_all(
    rows: Iterable[tuple[int, list[str]]], multi: bool, column_map: ColumnMap, compiled: _Compiled
) -> list[MappedRow]:
    """The hot loop: one pass per row, string methods only; what only some files need (other
    columns than plain fields, multi-value cells) is behind one test per row. `multi`: whether
    a value may hold several (see RawTable.multi_values)."""
    labels = column_map.labels
    simple, prefixes, skips, source = (
        compiled.simple, compiled.prefixes, compiled.skips, compiled.source
    )  # fmt: skip
    more = _has_more(compiled)
    new_row = tuple.__new__
    amounts: dict[str, str | None] = {}
    mapped: list[MappedRow] = []
    append = mapped.append
    for row_no, values in rows:
        if skips and _skipped(values, skips):
            append(new_row(MappedRow, (row_no, None, None, values, labels, PROFILE_RULE)))
            continue
        fields: dict[str, str] = {}
        for i, lead_field in simple:
            value = values[i].strip()
            if value:
                fields[lead_field] = value
        if multi or more:
            lines: list[tuple[int, str]] = []
            if multi:
                _split_multi(fields, prefixes, lines)
            content = more and _map_more(values, compiled, fields, lines)
            if not fields and not content:  # nothing, or only export details
                why = EXPORT_DETAILS if lines else BLANK
                append(new_row(MappedRow, (row_no, None, None, values, labels, why)))
                continue
        elif fields:
            lines = _NO_LINES
        else:
            append(new_row(MappedRow, (row_no, None, None, values, labels, BLANK)))
            continue
        if source and "source" not in fields:
            fields["source"] = source
        if _needs_cleaning(fields):
            if lines is _NO_LINES:
                lines = []
            _clean(fields, prefixes, lines)
        broken = False
        if "email" in fields:
            broken = not is_email(fields["email"])
        if "estimated_value" in fields:
            amount = fields["estimated_value"]
            normal = amounts.get(amount, "?")
            if normal == "?":  # amounts repeat (budget brackets): read each text once
                normal = amounts[amount] = amount_text(amount)
            if normal is None or normal[0] == "-":
                broken = True
            else:
                fields["estimated_value"] = normal
        if lines:
            _add_lines(fields, lines)
        if "notes" in fields and "\r" in fields["notes"]:
            fields["notes"] = fields["notes"].replace("\r\n", "\n").replace("\r", "\n")
        if broken or ("last_name" not in fields and "company" not in fields):
            error = f"row {row_no}: " + "; ".join(_check(values, fields, column_map))
            append(new_row(MappedRow, (row_no, None, error, values, labels, None)))
        else:
            append(new_row(MappedRow, (row_no, fields, None, values, labels, None)))
    return mapped


def _needs_cleaning(fields: dict[str, str]) -> bool:
    """Whether an email, a phone or a first name holds more than the value (see `_clean`)."""
    email, first = fields.get("email"), fields.get("first_name")
    return (
        (email is not None and not is_plain_email(email))
        or (
            first is not None
            and (" " in first or "." in first or first.casefold() in HONORIFICS_BARE)
        )
        or any(needs_phone_cleaning(fields[f]) for f in ("phone", "mobile") if f in fields)
    )


def _clean(
    fields: dict[str, str], prefixes: dict[str, tuple[int, str]], lines: list[tuple[int, str]]
) -> None:
    """The bare address of an email cell (other addresses to the notes), phones without
    `tel:` or an apostrophe (a number Excel mangled to the notes), honorifics out of the first
    name (to the notes as "Title: Dr.") and its particles to the last name."""
    end = 1 << 30  # note lines of no column come after those of the columns
    if "email" in fields and not is_plain_email(fields["email"]):
        address, rest = clean_email(fields["email"])
        fields["email"] = address
        if rest:
            index, prefix = prefixes.get("email", (end, "Email: "))
            lines.append((index, prefix + rest))
    for name in ("phone", "mobile"):
        if name in fields and needs_phone_cleaning(fields[name]):
            phone, note = clean_phone(fields[name])
            if phone:
                fields[name] = phone
            else:
                del fields[name]
            if note:
                index, prefix = prefixes.get(name, (end, f"{name.title()}: "))
                lines.append((index, prefix + note))
    if "first_name" in fields:
        first, last, titles = clean_first_name(fields["first_name"], fields.get("last_name", ""))
        if first:
            fields["first_name"] = first
        else:
            del fields["first_name"]
        if last:
            fields["last_name"] = last
        if titles:
            lines.append((end, f"Title: {titles}"))


def _split_multi(
    fields: dict[str, str], prefixes: dict[str, tuple[int, str]], lines: list[tuple[int, str]]
) -> None:
    """Google's "a ::: b" cells: the first value is the field's, the rest goes to the notes."""
    for lead_field, value in fields.items():
        if MULTI_VALUE in value:
            first, _, rest = value.partition(MULTI_VALUE)
            fields[lead_field] = first
            index, prefix = prefixes[lead_field]
            lines.append((index, prefix + rest))


def _map_more(
    values: list[str], compiled: _Compiled, fields: dict[str, str], lines: list[tuple[int, str]]
) -> bool:
    """Fields fed by several columns, notes columns, names; whether the row has content beyond
    export details."""
    for i, lead_field, prefix, special in compiled.fields:
        value = values[i]
        if not value:
            continue
        value = value.strip()
        if not value:
            continue
        if special is not None:
            value = _treat(value, special)
            if not value:
                continue
            if special.route is not None and _is_mobile_label(values[special.route]):
                lead_field = "mobile"
        rest = None
        if MULTI_VALUE in value:
            value, _, rest = value.partition(MULTI_VALUE)
        if lead_field in fields:
            lines.append((i, prefix + value))
        else:
            fields[lead_field] = value
        if rest:
            lines.append((i, prefix + rest))
    content = False
    for i, prefix, meta, special in compiled.lines:
        value = values[i]
        if not value:
            continue
        value = value.strip()
        if not value:
            continue
        if special is not None:
            value = _treat(value, special)
            if not value:
                continue
        lines.append((i, prefix + value))
        if not meta:
            content = True
    if compiled.names:
        _take_names(values, compiled.names, fields, lines)
    if compiled.middles:
        _take_middles(values, compiled.middles, fields, lines)
    return content


def _skipped(values: list[str], skips: list[tuple[int, frozenset[str], bool]]) -> bool:
    for i, equals, empty in skips:
        value = values[i].strip()
        if (empty and not value) or (value and value.casefold() in equals):
            return True
    return False


def _treat(value: str, special: _Special) -> str:
    if special.date:
        if value in PLACEHOLDER_DATES:
            return ""
        if special.date_format:
            value = reformat_date(value, special.date_format)
    if special.drop:
        if MULTI_VALUE in value:
            kept = (v for v in value.split(MULTI_VALUE) if v.strip().casefold() not in special.drop)
            return MULTI_VALUE.join(kept).strip()
        if value.casefold() in special.drop:
            return ""
    return value


def _is_mobile_label(label: str) -> bool:
    return label.strip().lstrip("*").strip().casefold() in _MOBILE_LABELS


def _take_names(
    values: list[str],
    name_cols: list[tuple[int, str]],
    fields: dict[str, str],
    lines: list[tuple[int, str]],
) -> None:
    """A full name fills first and last name when the row has neither; a full name that says
    more than first + last (a nickname as display name) is kept in the notes."""
    used = -1
    if "first_name" not in fields and "last_name" not in fields:
        for i, _ in name_cols:
            titles, name = take_titles(values[i])
            first, last = split_full_name(name)
            if titles and last:
                first = f"{titles} {first}".strip()  # `_clean` takes them out again
            if last:
                if first:
                    fields["first_name"] = first
                fields["last_name"] = last
                used = i
                break
    whole = " ".join(
        part for part in (fields.get("first_name"), fields.get("last_name")) if part
    ).casefold()
    for i, prefix in name_cols:
        value = " ".join(values[i].split())
        if i != used and value and value.casefold() != whole:
            lines.append((i, prefix + value))


def _take_middles(
    values: list[str],
    middle_cols: list[tuple[int, str, bool]],
    fields: dict[str, str],
    lines: list[tuple[int, str]],
) -> None:
    """A middle name joins the first name, unless it is a particle ("de", "van 't"): that goes in
    front of the last name, like a tussenvoegsel column."""
    for i, prefix, is_tussenvoegsel in middle_cols:
        value = " ".join(values[i].split())
        if not value:
            continue
        if is_tussenvoegsel or all(is_particle(word) for word in value.split()):
            last = fields.get("last_name")
            if not last:
                lines.append((i, prefix + value))
            elif not last.casefold().startswith(value.casefold() + " "):
                fields["last_name"] = f"{value} {last}"
        else:
            first = fields.get("first_name")
            fields["first_name"] = f"{first} {value}" if first else value


def _check(values: list[str], fields: dict[str, str], column_map: ColumnMap) -> list[str]:
    """The row's rule breaks, each naming column, value and rule; normalises the amount."""
    errors: list[str] = []
    email = fields.get("email")
    if email is not None and not is_email(email):
        column = _winner(values, column_map, "email", email)
        errors.append(f'column "{column}" value "{email}" is not an email address')
    amount = fields.get("estimated_value")
    if amount is not None:
        normal = amount_text(amount)
        if normal is None:
            column = _winner(values, column_map, "estimated_value", amount)
            errors.append(f'column "{column}" value "{amount}" is not an amount')
        elif normal.startswith("-"):
            column = _winner(values, column_map, "estimated_value", amount)
            errors.append(
                f'column "{column}" value "{amount}" is negative; an amount must be 0 or more'
            )
        else:
            fields["estimated_value"] = normal
    if "last_name" not in fields and "company" not in fields:
        errors.append("needs a last name or a company")
    return errors


def _winner(values: list[str], column_map: ColumnMap, lead_field: str, value: str) -> str:
    """The label of the column whose value `value` is (for error messages only)."""
    candidates = column_map.feeding(lead_field)
    for rule in candidates:
        cell = values[rule.index].strip().partition(MULTI_VALUE)[0]
        if cell == value:
            return rule.label
    return candidates[0].label if candidates else lead_field


def _add_lines(fields: dict[str, str], lines: list[tuple[int, str]]) -> None:
    if len(lines) > 1:
        lines.sort(key=_column_of)
    text = "\n".join(line for _, line in lines)
    notes = fields.get("notes")
    fields["notes"] = f"{notes}\n{text}" if notes else text


def _column_of(line: tuple[int, str]) -> int:
    return line[0]
