"""Which column of a file feeds which lead field: the column map, made once per file, and its
description for `lead import --show-mapping`."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from salesflow.errors import UsageError
from salesflow.importer.headers import (
    ALIASES,
    DATE_WORDS,
    FIELD,
    META,
    MIDDLE,
    NAME,
    NOTE,
    PARTICLE,
    SKIP,
    normalise_header,
)
from salesflow.importer.profile import Profile, resolve_target

RECOGNISED = "recognised"
UNRECOGNISED = "unrecognised"
FROM_MAP = "--map"
FROM_PROFILE = "profile"


@dataclass(frozen=True)
class ColumnRule:
    """What one column of the file becomes.

    `kind` is one of headers.FIELD, NAME, MIDDLE, PARTICLE, NOTE, META, SKIP; `field` is the lead
    field of a FIELD column. Of several columns feeding one field, the one with the lowest `rank`
    that has a value wins, the others go to the notes. `route` is the index of a label column
    whose "Mobile" sends this phone number to the mobile field.
    """

    index: int
    header: str
    label: str
    kind: str
    field: str | None = None
    rank: int = 1
    origin: str = RECOGNISED
    date: bool = False
    drop: frozenset[str] = frozenset()
    route: int | None = None


@dataclass(frozen=True)
class ColumnMap:
    """The rules for every column of one header, and what the user should know about them."""

    columns: tuple[ColumnRule, ...]
    profile: Profile | None = None
    warnings: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        """Unique column names: empty headers become "Column 3", repeats "Email (2)"."""
        return tuple(rule.label for rule in self.columns)

    def feeding(self, lead_field: str) -> list[ColumnRule]:
        """The FIELD columns for `lead_field`, best first."""
        rules = [r for r in self.columns if r.kind == FIELD and r.field == lead_field]
        return sorted(rules, key=lambda r: (r.rank, r.index))


# --- the column map ------------------------------------------------------------------------------


OWN_EXPORT_SIGNATURE = frozenset({"number", "status", "statusreason", "createdon"})
OWN_BOOKKEEPING = frozenset(
    {
        "number",
        "status",
        "statusreason",
        "createdon",
        "account",
        "contact",
        "opportunity",
        "importedin",
        "name",
        "owner",  # imported leads belong to who imports them
    }
)


def own_export_columns(normalised: list[str], header: list[str]) -> dict[str, str]:
    """A CSV from `salesflow export leads` imports again unchanged: its bookkeeping columns
    (number, status, links, the derived name, the owner) are skipped rather than kept in the
    notes."""
    if not set(normalised) >= OWN_EXPORT_SIGNATURE:
        return {}
    return {h: "skip" for h, n in zip(header, normalised, strict=True) if n in OWN_BOOKKEEPING}


def map_columns(
    header: list[str],
    *,
    overrides: Mapping[str, str] | None = None,
    profile: Profile | None = None,
) -> ColumnMap:
    """Decide, once per file, what each column becomes.

    Recognised headers (Outlook in English and Dutch, Google Contacts old and new, LinkedIn,
    Thunderbird, Eventbrite, common CRM and scanner names) map by themselves; a profile's
    [columns] come before that and `overrides` (from `--map`) before everything. Raises
    UsageError when an override names a column the header does not have or a target that is not
    a lead field.
    """
    normalised = [normalise_header(h) for h in header]
    overrides = {**own_export_columns(normalised, header), **(overrides or {})}
    labels = unique_labels(header)
    drafts = [_draft(i, h, labels[i], normalised[i]) for i, h in enumerate(header)]
    warnings: list[str] = []
    if profile is not None:
        for name, target in profile.columns.items():
            for i in matching_columns(header, normalised, name, labels):
                _assign(drafts[i], target, -1, FROM_PROFILE)
        for name in profile.dates:
            for i in matching_columns(header, normalised, name):
                drafts[i]["date"] = True
        for rule in profile.skip:
            if not matching_columns(header, normalised, rule.column):
                warnings.append(
                    f'the profile\'s rule "{rule.describe()}" does not apply: the file has no '
                    f'column "{rule.column}"'
                )
    for name, target in (overrides or {}).items():
        found = matching_columns(header, normalised, name, labels)
        if not found:
            shown = ", ".join(f'"{h}"' for h in labels[:12]) + (", ..." if len(labels) > 12 else "")
            raise UsageError(f'--map names column "{name}", which the file does not have ({shown})')
        for i in found:
            try:
                _assign(drafts[i], target, -2, FROM_MAP)
            except ValueError as error:
                raise UsageError(f'--map "{name}={target}": {error}') from None
    _settle_alone(drafts)
    rules = tuple(_rule(draft, normalised) for draft in drafts)
    kinds = {(r.kind, r.field) for r in rules}
    if not kinds & {(FIELD, "last_name"), (FIELD, "company"), (NAME, None)}:
        warnings.append(
            "no column is a last name, a company or a full name, so every row will be rejected; "
            'map one, e.g. --map "Surname=last_name"'
        )
    return ColumnMap(rules, profile, tuple(warnings))


def unique_labels(header: list[str]) -> list[str]:
    """Column names that can key a dict: "" -> "Column 3", a second "Email" -> "Email (2)"."""
    labels: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(header, start=1):
        base = name.strip() or f"Column {i}"
        label, n = base, 1
        while label in seen:
            n += 1
            label = f"{base} ({n})"
        seen.add(label)
        labels.append(label)
    return labels


def parse_map_options(items: Iterable[str]) -> dict[str, str]:
    """`--map "Badge Company=company"` options as {column: target}; raises UsageError."""
    mapping: dict[str, str] = {}
    for item in items:
        column, equals, target = item.rpartition("=")
        if not equals or not column.strip() or not target.strip():
            raise UsageError(f'--map "{item}" must look like "Column=field"')
        try:
            resolve_target(target.strip())
        except ValueError as error:
            raise UsageError(f'--map "{item}": {error}') from None
        mapping[column.strip()] = target.strip()
    return mapping


def _draft(index: int, header: str, label: str, normalised: str) -> dict[str, Any]:
    alias = ALIASES.get(normalised)
    is_date = any(word in normalised for word in DATE_WORDS)
    if alias is None:
        return {
            "index": index, "header": header, "label": label, "kind": NOTE, "field": None,
            "rank": 1, "origin": UNRECOGNISED, "date": is_date, "drop": frozenset(),
            "alone": False, "route_label": (),
        }  # fmt: skip
    return {
        "index": index, "header": header, "label": label, "kind": alias.kind,
        "field": alias.field, "rank": alias.rank, "origin": RECOGNISED,
        "date": alias.date or is_date, "drop": alias.drop, "alone": alias.alone,
        "route_label": alias.route_label,
    }  # fmt: skip


def _assign(draft: dict[str, Any], target: str, rank: int, origin: str) -> None:
    kind, lead_field = resolve_target(target)
    draft.update(
        kind=kind, field=lead_field, rank=rank, origin=origin, drop=frozenset(), alone=False,
        route_label=(),
    )  # fmt: skip


def matching_columns(
    header: list[str], normalised: list[str], name: str, labels: list[str] | None = None
) -> list[int]:
    """Columns called `name`: exactly, else by label ("Column 3", "Email (2)"), else ignoring
    case, spacing, punctuation and accents."""
    name = name.strip()
    exact = [i for i, h in enumerate(header) if h.strip() == name]
    if exact:
        return exact
    if labels is not None and name in labels:
        return [labels.index(name)]
    wanted = normalise_header(name)
    return [i for i, n in enumerate(normalised) if n == wanted and wanted]


def _settle_alone(drafts: list[dict[str, Any]]) -> None:
    """A header such as "Title" means the job title only when no better column says so."""
    firm = {d["field"] for d in drafts if d["kind"] == FIELD and not d["alone"]}
    for draft in drafts:
        if draft["alone"] and draft["field"] in firm:
            draft.update(kind=NOTE, field=None, alone=False)


def _rule(draft: dict[str, Any], normalised: list[str]) -> ColumnRule:
    route = None
    for label in draft["route_label"]:
        wanted = normalise_header(label)
        if wanted in normalised:
            route = normalised.index(wanted)
            break
    return ColumnRule(
        index=draft["index"],
        header=draft["header"],
        label=draft["label"],
        kind=draft["kind"],
        field=draft["field"],
        rank=draft["rank"],
        origin=draft["origin"],
        date=draft["date"],
        drop=draft["drop"],
        route=route,
    )


def source_in_notes(column_map: ColumnMap) -> ColumnMap:
    """The column map with the file's source columns kept in the notes ("Lead Source: Web"), for an
    import whose `--source` is the source of every lead."""
    columns = tuple(
        dataclasses.replace(rule, kind=NOTE, field=None, rank=1)
        if rule.kind == FIELD and rule.field == "source"
        else rule
        for rule in column_map.columns
    )
    return dataclasses.replace(column_map, columns=columns)


# --- describing the column map -------------------------------------------------------------------


def describe_mapping(column_map: ColumnMap) -> list[tuple[str, str]]:
    """(column, what it becomes) for every column, for `lead import --show-mapping`."""
    names = ("first_name", "last_name")
    has_names = any(r.kind == FIELD and r.field in names for r in column_map.columns)
    described: list[tuple[str, str]] = []
    for rule in column_map.columns:
        text = _describe(rule, column_map, has_names)
        if rule.date and rule.kind not in (SKIP, FIELD):
            text += " (date)"
        if rule.origin in (FROM_MAP, FROM_PROFILE):
            text += f" [{rule.origin}]"
        described.append((rule.label, text))
    return described


def _describe(rule: ColumnRule, column_map: ColumnMap, has_names: bool) -> str:
    if rule.kind == FIELD:
        assert rule.field is not None
        text = rule.field
        if rule.field == "estimated_value":
            text += " (amount)"
        if rule.route is not None:
            text = f'{text} or mobile ("{column_map.columns[rule.route].label}" decides)'
        rivals = column_map.feeding(rule.field)
        if len(rivals) > 1:
            place = rivals.index(rule) + 1
            if place == 1:
                text += f" (first choice of {len(rivals)})"
            else:
                text += f" (choice {place} of {len(rivals)}; else notes)"
        return text
    if rule.kind == NAME:
        if has_names:
            return "first_name + last_name (full name, split) when those columns are empty"
        return "first_name + last_name (full name, split)"
    if rule.kind == MIDDLE:
        return 'first_name (a particle such as "de" goes before last_name)'
    if rule.kind == PARTICLE:
        return "last_name, in front (tussenvoegsel)"
    if rule.kind == NOTE:
        return f'notes, as "{rule.label}: value"'
    if rule.kind == META:
        return f'notes, as "{rule.label}: value" (export detail)'
    return "skipped"
