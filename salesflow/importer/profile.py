"""Mapping profiles (TOML) and the targets a column can be mapped to with a profile or `--map`.

A profile, for a scanner app with odd headers::

    source = "Beurs Utrecht 2026"      # source of every lead without a Source column value
    date_format = "%d-%m-%Y %H:%M"     # dates in the file; written as ISO in the notes
    dates = ["Scan moment"]            # more date columns than those recognised by name
    encoding = "cp1252"                # optional, like --encoding
    delimiter = ";"                    # optional, like --delimiter

    [columns]
    "Badge Company" = "company"
    "Badge Name" = "name"              # a full name, split into first and last name
    "Scan ID" = "skip"

    [[skip]]                           # rows to leave out
    column = "Badge Type"
    equals = ["Exhibitor", "Staff"]    # one string or several, case ignored

    [[skip]]
    column = "Last Name"
    empty = true
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from typing import Any

from salesflow.errors import InvalidValue, SalesflowError
from salesflow.importer.headers import FIELD, LEAD_FIELDS, MIDDLE, NAME, PARTICLE, SKIP
from salesflow.importer.headers import normalise_header as _norm
from salesflow.importer.reading import normalise_delimiter

TARGETS: tuple[str, ...] = (*LEAD_FIELDS, "name", "middle_name", "tussenvoegsel", "skip")
"""What `--map "Column=target"` and a profile's [columns] accept (case and punctuation ignored)."""

_TARGET_KINDS: dict[str, tuple[str, str | None]] = {
    **{_norm(f): (FIELD, f) for f in LEAD_FIELDS},
    "note": (FIELD, "notes"),
    "name": (NAME, None),
    "fullname": (NAME, None),
    "middlename": (MIDDLE, None),
    "tussenvoegsel": (PARTICLE, None),
    "particle": (PARTICLE, None),
    "skip": (SKIP, None),
    "ignore": (SKIP, None),
}
_CANONICAL = {MIDDLE: "middle_name", PARTICLE: "tussenvoegsel", NAME: "name", SKIP: "skip"}
_SETTINGS = ("source", "date_format", "dates", "encoding", "delimiter", "columns", "skip")


def resolve_target(target: str) -> tuple[str, str | None]:
    """(kind, lead field) for a mapping target such as "company", "First name", "name", "skip".

    Raises ValueError naming the target and the choices.
    """
    found = _TARGET_KINDS.get(_norm(target))
    if found is None:
        raise ValueError(f'"{target}" is not a lead field; use one of {", ".join(TARGETS)}')
    return found


def canonical_target(target: str) -> str:
    """The spelling used in plans and descriptions: "First name" -> "first_name"."""
    kind, lead_field = resolve_target(target)
    return lead_field if lead_field is not None else _CANONICAL[kind]


@dataclass(frozen=True)
class SkipRule:
    """Leave out rows whose `column` equals one of `equals` (case ignored) or, with `empty`, is
    empty."""

    column: str
    equals: tuple[str, ...] = ()
    empty: bool = False

    def describe(self) -> str:
        if self.empty:
            return f'skip rows where "{self.column}" is empty'
        wanted = " or ".join(f'"{value}"' for value in self.equals)
        return f'skip rows where "{self.column}" is {wanted}'


@dataclass(frozen=True)
class Profile:
    """A parsed mapping profile; `columns` maps a header to a canonical target."""

    columns: dict[str, str] = field(default_factory=dict)
    skip: tuple[SkipRule, ...] = ()
    source: str | None = None
    date_format: str | None = None
    dates: tuple[str, ...] = ()
    encoding: str | None = None
    delimiter: str | None = None


def parse_profile(toml_text: str) -> Profile:
    """The profile written in `toml_text`. Raises InvalidValue naming the setting that is wrong."""
    import tomllib  # here: only a profile needs it, and every import would pay for it

    try:
        raw = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidValue(f"mapping profile is not valid TOML: {error}") from None
    unknown = [key for key in raw if key not in _SETTINGS]
    if unknown:
        raise InvalidValue(
            f'mapping profile has an unknown setting "{unknown[0]}"; '
            f"known settings: {', '.join(_SETTINGS)}"
        )
    return Profile(
        columns=_columns(raw.get("columns", {})),
        skip=tuple(_skip_rule(rule, n) for n, rule in enumerate(_list(raw, "skip"), start=1)),
        source=_text(raw, "source"),
        date_format=_date_format(_text(raw, "date_format")),
        dates=tuple(_texts(raw, "dates")),
        encoding=_encoding(_text(raw, "encoding")),
        delimiter=_delimiter(_text(raw, "delimiter")),
    )


def _columns(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise InvalidValue('mapping profile: [columns] must be a table of "Header" = "field"')
    columns: dict[str, str] = {}
    for header, target in value.items():
        if not isinstance(target, str):
            raise InvalidValue(
                f'mapping profile: column "{header}" must map to a field name in quotes'
            )
        try:
            columns[header] = canonical_target(target)
        except ValueError as error:
            raise InvalidValue(f'mapping profile: column "{header}" maps to {error}') from None
    return columns


def _skip_rule(value: Any, n: int) -> SkipRule:
    if not isinstance(value, dict):
        raise InvalidValue(f"mapping profile: skip rule {n} must be a table ([[skip]])")
    extra = [key for key in value if key not in ("column", "equals", "empty")]
    if extra:
        raise InvalidValue(
            f'mapping profile: skip rule {n} has an unknown key "{extra[0]}" '
            f"(use column, equals, empty)"
        )
    column = value.get("column")
    if not isinstance(column, str) or not column.strip():
        raise InvalidValue(f"mapping profile: skip rule {n} needs a column")
    equals = value.get("equals", ())
    if isinstance(equals, str):
        equals = (equals,)
    if not isinstance(equals, list | tuple) or not all(isinstance(v, str) for v in equals):
        raise InvalidValue(f"mapping profile: skip rule {n}: equals must be text or a list of text")
    empty = value.get("empty", False)
    if not isinstance(empty, bool):
        raise InvalidValue(f"mapping profile: skip rule {n}: empty must be true or false")
    if not equals and not empty:
        raise InvalidValue(
            f'mapping profile: skip rule {n} for "{column}" needs equals = "..." or empty = true'
        )
    return SkipRule(column, tuple(equals), empty)


def _list(raw: dict[str, Any], key: str) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise InvalidValue(f"mapping profile: {key} must be a list ([[{key}]] tables)")
    return value


def _text(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidValue(f"mapping profile: {key} must be text in quotes")
    return value


def _texts(raw: dict[str, Any], key: str) -> list[str]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidValue(f'mapping profile: {key} must be a list of column names ["..."]')
    return value


def _date_format(value: str | None) -> str | None:
    if value is not None and "%" not in value:
        raise InvalidValue(
            f'mapping profile: date_format "{value}" has no %-codes; e.g. "%d-%m-%Y %H:%M"'
        )
    return value


def _encoding(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return codecs.lookup(value).name
    except LookupError:
        raise InvalidValue(f'mapping profile: encoding "{value}" is unknown') from None


def _delimiter(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return normalise_delimiter(value)
    except SalesflowError:
        raise InvalidValue(f'mapping profile: delimiter "{value}" cannot be used') from None
