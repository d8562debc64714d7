"""Columns the map keeps in the notes whose values look like a lead field: the user should hear
of them, with the `--map` that would take them, before people are imported without a name or an
email."""

from __future__ import annotations

from collections.abc import Sequence

from salesflow.importer.columns import UNRECOGNISED, ColumnMap
from salesflow.importer.headers import FIELD, NAME, NOTE
from salesflow.importer.values import clean_email, is_email

SAMPLE_ROWS = 200
"""Rows looked at per column: enough to see what a column holds, cheap on any file."""
_SHARE = 0.8  # of the column's non-empty values that must look alike
_PHONE_CHARS = frozenset("0123456789+-()./ \u00a0")
_COMPANY_WORDS = frozenset(
    {"bv", "b.v.", "nv", "gmbh", "ag", "ltd", "inc", "llc", "sa", "sarl", "srl", "ab", "as", "oy"}
)


def look_alikes(rows: Sequence[tuple[int, list[str]]], column_map: ColumnMap) -> list[str]:
    """Warnings for unrecognised columns (kept in the notes) whose values look like email
    addresses, phone numbers or person names, for a field no column feeds."""
    fed = {r.field for r in column_map.columns if r.kind == FIELD}
    if any(r.kind == NAME for r in column_map.columns):
        fed.add("name")
    sample = rows[:SAMPLE_ROWS]
    warnings: list[str] = []
    for rule in column_map.columns:
        if rule.kind != NOTE or rule.origin != UNRECOGNISED:
            continue
        values = [v.strip() for _, cells in sample if (v := cells[rule.index]).strip()]
        if not values:
            continue
        for target, noun, test in _LOOKS:
            if fed.isdisjoint(_FEEDS[target]) and _most(values, test):
                what = target.replace("_", " ")
                warnings.append(
                    f'column "{rule.label}" holds what look like {noun} but is kept in the '
                    f'notes; --map "{rule.label}={target}" takes it as the {what}'
                )
                fed.update(_FEEDS[target])
                break
    return warnings


def _most(values: list[str], test: object) -> bool:
    assert callable(test)
    return sum(1 for v in values if test(v)) >= _SHARE * len(values)


def looks_like_email(text: str) -> bool:
    return is_email(clean_email(text)[0])


def looks_like_phone(text: str) -> bool:
    digits = sum(ch.isdigit() for ch in text)
    return 6 <= digits <= 15 and set(text.removeprefix("tel:")) <= _PHONE_CHARS


def looks_like_name(text: str) -> bool:
    """Two to four words of letters, each starting with a capital (particles aside), none a
    company form: "Jan de Vries", "Anne-Marie O'Neill"."""
    words = text.split()
    if not 2 <= len(words) <= 4:
        return False
    capitals = 0
    for word in words:
        if word.casefold().strip(".,") in _COMPANY_WORDS:
            return False
        if not word.replace("-", "").replace("'", "").replace(".", "").isalpha():
            return False
        capitals += word[0].isupper()
    return capitals >= 2


_LOOKS = (
    ("email", "email addresses", looks_like_email),
    ("phone", "phone numbers", looks_like_phone),
    ("name", "person names", looks_like_name),
)
_FEEDS = {
    "email": {"email"},
    "phone": {"phone", "mobile"},
    "name": {"name", "first_name", "last_name"},
}
