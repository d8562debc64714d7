"""vCard files (2.1, 3.0, 4.0: Apple, Google, Outlook, Android, card-scanner apps) as a table.

Lines are unfolded and split by vobject's rules (folding, item groups, parameters,
quoted-printable line breaks): the common line here, in one linear pass (vobject's reader was
most of a 10k-card import), any line with a quoted parameter by vobject itself, which also words
the refusal of a line no one can read; tests/unit/test_cards.py holds the two to the same
results. Each card's properties become one row under headers the importer already knows, so that
a card is mapped, checked and counted like any CSV row. Rows are the cards, numbered from 1.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator

from salesflow.errors import InvalidValue
from salesflow.importer.reading import RawRow, RawTable, decode_guessing

HEADER = [
    "Salutation", "First Name", "Middle Name", "Last Name", "Full Name", "Company", "Department",
    "Job Title", "E-mail Address", "E-mail 2 Address", "E-mail 3 Address", "Mobile Phone",
    "Business Phone", "Business Phone 2", "Home Phone", "City", "Country", "Website", "Birthday",
    "Categories", "Notes",
]  # fmt: skip
"""The columns a card fills: names the importer recognises (see headers)."""
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_BACKSLASH, _SEPARATOR = "\ue000", "\ue001"  # stand-ins while splitting (private use)
_UNESCAPE = {"n": "\n", "N": "\n"}
_TEXT = frozenset({"N", "FN", "ORG", "TITLE", "ROLE", "EMAIL", "TEL", "ADR", "URL", "NOTE"})
_KEPT = _TEXT | {"CATEGORIES", "BDAY"}
_TYPED = frozenset({"EMAIL", "TEL", "ADR"})
_NO_TYPES: frozenset[str] = frozenset()


def is_vcard(text: str) -> bool:
    """Whether decoded text starts (after spaces) with a vCard."""
    return text.lstrip()[:11].upper() == "BEGIN:VCARD"


def read_cards(data: bytes, encoding: str | None = None) -> RawTable:
    """Every card of a .vcf file as a row of `HEADER`'s columns.

    PHOTO, LOGO, keys and unknown properties are left out; quoted-printable values are decoded
    in their CHARSET (Outlook writes Windows-1252). Raises InvalidValue when the text holds no
    card or a line vobject cannot read.
    """
    from vobject.base import ParseError  # type: ignore[import-untyped]

    text, encoding_name, guessed = decode_guessing(data, encoding)
    rows: list[RawRow] = []
    card: list[Kept] = []
    inside = False
    # The same parameters come back on every card (`;type=INTERNET;type=WORK`): parsed once.
    seen: dict[str, tuple[list[list[str]], frozenset[str]]] = {}
    try:
        for line, line_no in logical_lines(text):
            found = _SIMPLE_LINE.match(line)
            if found is None:
                name, params, value = _parse_with_vobject(line, line_no)
                name = name.upper()
                kinds = frozenset(_types(params)) if name in _TYPED else _NO_TYPES
            else:
                # vobject turns `_` into `-` in names; no name read here has either
                name, params_text = found.groups()
                name = name.upper()
                if not (inside and name in _KEPT and params_text):
                    params, kinds = [], _NO_TYPES
                else:
                    known = seen.get(params_text)
                    if known is None:
                        parsed = _params(params_text)
                        known = seen[params_text] = (parsed, frozenset(_types(parsed)))
                    params, kinds = known
                value = line[found.end() :]
            if name in _KEPT:
                if inside:
                    card.append((name, params, value, kinds if name in _TYPED else _NO_TYPES))
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


Property = tuple[str, list[list[str]], str]
"""A content line as vobject's `parseLine` gives it: name, parameters (each its name, then its
values), value."""
Kept = tuple[str, list[list[str]], str, frozenset[str]]
"""A property a row is made of: its name (upper case), parameters, value and types."""

# A content line without quoted parameter values: `item1.EMAIL;TYPE=WORK,pref;PREF:value`.
_SIMPLE_LINE = re.compile(
    r"(?:[A-Za-z0-9_-]++\.)?([A-Za-z0-9_-]++)"
    r"((?:;[A-Za-z0-9_-]++(?:=[^\";:,]*+(?:,[^\";:,]*+)*+)?)*+):"
)  # possessive: each part stops at a character the next one needs, so never backtracks
_PARAM = re.compile(r";([A-Za-z0-9_-]+)(?:=([^;]*))?")


def logical_lines(text: str) -> Iterator[tuple[str, int]]:
    """The content lines of `text` with their first line's number, unfolded exactly as vobject's
    `getLogicalLines(allowQP=True)` unfolds them: a line starting with a space or tab continues
    the previous one (without that character); a value marked quoted-printable that ends in `=`
    continues on the next line, after a line break; a blank line ends a content line.

    vobject reads a line at a time through string buffers, which was most of a large import's
    time; this is the same rule over `str.split`.
    """
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()  # the text's last line break, not an empty line
    current: list[str] = []
    start = 0
    quoted = False
    for number, line in enumerate(lines, 1):
        if line[-1:] == "\r":
            line = line.rstrip("\r")  # split at "\n", a line ends in "\r" at most
        if not line or line.isspace():
            if current:
                yield "".join(current), start
                current = []
            start = number
            quoted = False
            continue
        if quoted:
            current.append("\n")
            current.append(line)
            quoted = False
        elif line[0] in " \t":
            current.append(line[1:])
        else:
            if current:
                yield "".join(current), start
                start = number
            current = [line]
        if line[-1] == "=" and "quoted-printable" in "".join(current).lower():
            quoted = True
    if current:
        yield "".join(current), start


def parse_line(line: str, line_no: int) -> Property:
    """A content line's name, parameters and value, as vobject's `parseLine` gives them; the
    common line (no quoted parameter value) is split here, any other by vobject, which also
    names a line it cannot read (ParseError)."""
    found = _SIMPLE_LINE.match(line)
    if found is None:
        return _parse_with_vobject(line, line_no)
    name, params_text = found.groups()
    return name.replace("_", "-"), _params(params_text), line[found.end() :]


def _params(text: str) -> list[list[str]]:
    """`;TYPE=WORK,VOICE;PREF` as `[["TYPE", "WORK", "VOICE"], ["PREF"]]` (no quoted values)."""
    return [
        [key, *(v for v in (values or "").split(",") if v)] for key, values in _PARAM.findall(text)
    ]


def _parse_with_vobject(line: str, line_no: int) -> Property:
    from vobject.base import parseLine

    name, params, value, _group = parseLine(line, line_no)
    return name, params, value


(
    _SALUTATION, _FIRST, _MIDDLE, _LAST, _FULL, _COMPANY, _DEPARTMENT, _JOB, _EMAIL, _EMAIL_2,
    _EMAIL_3, _MOBILE, _WORK, _WORK_2, _HOME, _CITY, _COUNTRY, _WEBSITE, _BIRTHDAY, _CATEGORIES,
    _NOTES,
) = range(len(HEADER))  # fmt: skip
_PHONE_CELLS = {"CELL": (_MOBILE,), "WORK": (_WORK, _WORK_2), "HOME": (_HOME,)}
_MOBILE_TYPES = frozenset({"CELL", "MOBILE"})


def _row(card: list[Kept]) -> list[str]:
    cells = [""] * len(HEADER)
    emails: list[tuple[bool, str]] = []
    phones: dict[str, list[tuple[bool, str]]] = {}
    places: list[tuple[bool, list[str]]] = []
    for name, params, raw, kinds in card:
        value = _decoded(raw, params) if params and "=" in raw else raw
        pref = "PREF" in kinds
        if name == "N":
            last, first, middle, prefix, suffix = (_parts(value) + [""] * 5)[:5]
            cells[_LAST] = f"{last} {suffix}".strip() if last else ""
            cells[_FIRST] = first
            cells[_MIDDLE] = middle
            cells[_SALUTATION] = prefix
        elif name == "FN":
            cells[_FULL] = _text(value)
        elif name == "ORG":
            org = [*_parts(value), ""]
            cells[_COMPANY] = org[0]
            cells[_DEPARTMENT] = "; ".join(p for p in org[1:] if p)
        elif name in ("TITLE", "ROLE") and not cells[_JOB]:
            cells[_JOB] = _text(value)
        elif name == "EMAIL":
            emails.append((not pref, _text(value)))
        elif name == "TEL":
            phone = _text(value)
            phone = phone[4:] if phone[:4].lower() == "tel:" else phone
            kind = "CELL" if kinds & _MOBILE_TYPES else "HOME" if "HOME" in kinds else "WORK"
            phones.setdefault(kind, []).append((not pref, phone))
        elif name == "ADR":
            places.append((not (pref or "WORK" in kinds), _parts(value) + [""] * 7))
        elif name == "URL" and not cells[_WEBSITE]:
            cells[_WEBSITE] = _text(value)
        elif name == "NOTE":
            cells[_NOTES] = _text(value)
        elif name == "CATEGORIES":
            cells[_CATEGORIES] = ", ".join(_parts(value, ","))
        elif name == "BDAY":
            cells[_BIRTHDAY] = _text(value)
    if emails:
        # preferred first, else in the card's order (sorting is stable)
        ordered = [email for _, email in sorted(emails, key=_first)]
        cells[_EMAIL : _EMAIL + len(ordered[:3])] = ordered[:3]
        if len(ordered) > 3:
            cells[_EMAIL_3] = " ::: ".join(ordered[2:])
    for kind, found in phones.items():
        columns = _PHONE_CELLS[kind]
        for column, (_, phone) in zip(columns, sorted(found, key=_first), strict=False):
            cells[column] = phone
    if places:
        _, parts = min(places, key=_first)
        cells[_CITY], cells[_COUNTRY] = parts[3], parts[6]
    if cells[_LAST] or cells[_FIRST]:
        cells[_FULL] = ""  # FN is N written out
    elif cells[_FULL].casefold() == cells[_COMPANY].casefold():
        cells[_FULL] = ""  # a company's card: FN is its name, not a person's
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
