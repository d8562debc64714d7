"""vCard files (2.1, 3.0, 4.0: Apple, Google, Outlook, Android, card-scanner apps) as a table.

vobject reads the lines (folding, item groups, parameters, quoted-printable line breaks); here
each card's properties become one row under headers the importer already knows, so that a card
is mapped, checked and counted like any CSV row. Rows are the cards, numbered from 1.
"""

from __future__ import annotations

import io
import quopri
import re

from salesflow.errors import InvalidValue
from salesflow.importer.reading import RawRow, RawTable, decode_guessing

HEADER = [
    "Salutation", "First Name", "Middle Name", "Last Name", "Full Name", "Company", "Department",
    "Job Title", "E-mail Address", "E-mail 2 Address", "E-mail 3 Address", "Mobile Phone",
    "Business Phone", "Business Phone 2", "Home Phone", "City", "Country", "Website", "Birthday",
    "Categories", "Notes",
]  # fmt: skip
"""The columns a card fills: names the importer recognises (see headers)."""
_AT = {name: n for n, name in enumerate(HEADER)}
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_BACKSLASH, _SEPARATOR = "\ue000", "\ue001"  # stand-ins while splitting (private use)
_UNESCAPE = {"n": "\n", "N": "\n"}
_TEXT = frozenset({"N", "FN", "ORG", "TITLE", "ROLE", "EMAIL", "TEL", "ADR", "URL", "NOTE"})
_KEPT = _TEXT | {"CATEGORIES", "BDAY"}
_TYPED = frozenset({"EMAIL", "TEL", "ADR"})
_NO_TYPES: frozenset[str] = frozenset()
_PHONE_COLUMNS = (
    ("CELL", ["Mobile Phone"]),
    ("WORK", ["Business Phone", "Business Phone 2"]),
    ("HOME", ["Home Phone"]),
)


def is_vcard(text: str) -> bool:
    """Whether decoded text starts (after spaces) with a vCard."""
    return text.lstrip()[:11].upper() == "BEGIN:VCARD"


def read_cards(data: bytes, encoding: str | None = None) -> RawTable:
    """Every card of a .vcf file as a row of `HEADER`'s columns.

    PHOTO, LOGO, keys and unknown properties are left out; quoted-printable values are decoded
    in their CHARSET (Outlook writes Windows-1252). Raises InvalidValue when the text holds no
    card or a line vobject cannot read.
    """
    from vobject.base import (  # type: ignore[import-untyped]
        ParseError,
        getLogicalLines,
        parseLine,
    )

    text, encoding_name, guessed = decode_guessing(data, encoding)
    rows: list[RawRow] = []
    card: list[tuple[str, list[list[str]], str]] = []
    inside = False
    try:
        for line, line_no in getLogicalLines(io.StringIO(text), allowQP=True):
            name, params, value, _group = parseLine(line, line_no)
            name = name.upper()
            if name in _KEPT:
                if inside:
                    card.append((name, params, value))
            elif name == "BEGIN" and value.upper() == "VCARD":
                inside, card = True, []
            elif name == "END" and value.upper() == "VCARD" and inside:
                rows.append(RawRow(len(rows) + 1, _row(card)))
                inside = False
    except ParseError as error:
        raise InvalidValue(f"not a readable vCard file: {error}") from None
    if not rows:
        raise InvalidValue("no vCard (BEGIN:VCARD ... END:VCARD) found in the file")
    return RawTable(
        list(HEADER), rows, encoding_name, ",", header_row_no=0, multi_values=False,
        neutralised=False, guessed=guessed, phone_marks=False,
    )  # fmt: skip


def _row(card: list[tuple[str, list[list[str]], str]]) -> list[str]:
    cells = [""] * len(HEADER)
    emails: list[tuple[bool, str]] = []
    phones: dict[str, list[tuple[bool, str]]] = {}
    places: list[tuple[bool, list[str]]] = []
    for name, params, raw in card:
        value = _decoded(raw, params) if params else raw
        kinds = _types(params) if params and name in _TYPED else _NO_TYPES
        pref = "PREF" in kinds
        if name == "N":
            last, first, middle, prefix, suffix = (_parts(value) + [""] * 5)[:5]
            cells[_AT["Last Name"]] = f"{last} {suffix}".strip() if last else ""
            cells[_AT["First Name"]] = first
            cells[_AT["Middle Name"]] = middle
            cells[_AT["Salutation"]] = prefix
        elif name == "FN":
            cells[_AT["Full Name"]] = _text(value)
        elif name == "ORG":
            org = [*_parts(value), ""]
            cells[_AT["Company"]] = org[0]
            cells[_AT["Department"]] = "; ".join(p for p in org[1:] if p)
        elif name in ("TITLE", "ROLE") and not cells[_AT["Job Title"]]:
            cells[_AT["Job Title"]] = _text(value)
        elif name == "EMAIL":
            emails.append((not pref, _text(value)))
        elif name == "TEL":
            phone = _text(value)
            phone = phone[4:] if phone[:4].lower() == "tel:" else phone
            kind = "CELL" if kinds & {"CELL", "MOBILE"} else "HOME" if "HOME" in kinds else "WORK"
            phones.setdefault(kind, []).append((not pref, phone))
        elif name == "ADR":
            places.append((not (pref or "WORK" in kinds), _parts(value) + [""] * 7))
        elif name == "URL" and not cells[_AT["Website"]]:
            cells[_AT["Website"]] = _text(value)
        elif name == "NOTE":
            cells[_AT["Notes"]] = _text(value)
        elif name == "CATEGORIES":
            cells[_AT["Categories"]] = ", ".join(_parts(value, ","))
        elif name == "BDAY":
            cells[_AT["Birthday"]] = _text(value)
    for column, (_, email) in zip(HEADER[8:11], sorted(emails, key=_first), strict=False):
        cells[_AT[column]] = email
    rest = [email for _, email in sorted(emails, key=_first)[3:]]
    if rest:
        cells[_AT["E-mail 3 Address"]] = " ::: ".join([cells[_AT["E-mail 3 Address"]], *rest])
    for kind, columns in _PHONE_COLUMNS:
        found = [phone for _, phone in sorted(phones.get(kind, []), key=_first)]
        for column, phone in zip(columns, found, strict=False):
            cells[_AT[column]] = phone
    if places:
        _, parts = sorted(places, key=_first)[0]
        cells[_AT["City"]], cells[_AT["Country"]] = parts[3], parts[6]
    full = _AT["Full Name"]
    if cells[_AT["Last Name"]] or cells[_AT["First Name"]]:
        cells[full] = ""  # FN is N written out
    elif cells[full].casefold() == cells[_AT["Company"]].casefold():
        cells[full] = ""  # a company's card: FN is its name, not a person's
    return cells


def _first(item: tuple[bool, object]) -> bool:
    return item[0]


def _types(params: list[list[str]]) -> set[str]:
    """TYPE values and bare 2.1 parameters, upper case: {"WORK", "VOICE", "PREF"}."""
    kinds: set[str] = set()
    for param in params:
        key = param[0].upper()
        if len(param) == 1:
            kinds.add(key)
        elif key == "TYPE":
            kinds.update(v.upper() for value in param[1:] for v in value.split(","))
        elif key == "PREF":
            kinds.add("PREF")
    return kinds


def _decoded(raw: str, params: list[list[str]]) -> str:
    """A value with quoted-printable undone in its CHARSET (UTF-8 when none is given)."""
    if "=" not in raw:
        return raw  # nothing quoted-printable could have encoded
    values = {p[0].upper(): p[1] for p in params if len(p) > 1}
    if values.get("ENCODING", "").upper() != "QUOTED-PRINTABLE" and "QUOTED-PRINTABLE" not in {
        p[0].upper() for p in params
    }:
        return raw
    data = quopri.decodestring(raw.replace("=\n", "=\r\n").encode("latin-1", "replace"))
    charset = values.get("CHARSET", "utf-8")
    try:
        return data.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return data.decode("cp1252", errors="replace")


def _parts(value: str, separator: str = ";") -> list[str]:
    """A structured value's components, each unescaped (`\\;` and `\\,` stay in them)."""
    if "\\" not in value:
        return [part.strip() for part in value.split(separator)]
    kept = value.replace("\\\\", _BACKSLASH).replace("\\" + separator, _SEPARATOR)
    return [
        _text(part.replace(_SEPARATOR, "\\" + separator).replace(_BACKSLASH, "\\\\"))
        for part in kept.split(separator)
    ]


def _text(value: str) -> str:
    """`\\n` a line break, `\\,` `\\;` `\\\\` the character."""
    if "\\" not in value:
        return value.strip()
    return _ESCAPED.sub(lambda m: _UNESCAPE.get(m.group(1), m.group(1)), value).strip()
