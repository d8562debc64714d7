"""vCard files (2.1, 3.0, 4.0: Apple, Google, Outlook, Android, card-scanner apps) as a table.

Lines are unfolded and split by vobject's rules (folding, item groups, parameters,
quoted-printable line breaks). The common file (LF or CRLF line ends, no quoted parameter, no
soft line break) is read in one pass over its lines, each distinct text before a colon parsed
once (`cards_in_one_pass`); any other by `logical_lines` and `_SIMPLE_LINE` in one linear pass
(vobject's reader was most of a 10k-card import), any line with a quoted parameter by vobject
itself, which also words the refusal of a line no one can read (`cards_by_full_rules`).
tests/unit/test_cards.py holds the line rules to vobject's and the one pass to the full rules.
vobject is imported only for a line it has to read. Each card's properties become one row under
headers the importer already knows, so that a card is mapped, checked and counted like any CSV
row. Rows are the cards, numbered from 1.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator
from itertools import chain
from operator import itemgetter

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
    text, encoding_name, guessed = decode_guessing(data, encoding)
    # The same parameters come back on every card (`;type=INTERNET;type=WORK`): parsed once.
    seen: dict[str, tuple[list[list[str]], frozenset[str]]] = {}
    cards = cards_in_one_pass(text, seen)
    if cards is None:
        cards = cards_by_full_rules(text, seen)
    if not cards:
        raise InvalidValue("no vCard (BEGIN:VCARD ... END:VCARD) found in the file")
    rows = [RawRow(number, _row(card)) for number, card in enumerate(cards, 1)]
    # A cell that starts with an apostrophe, a phone to clean: the importer looks at each row
    # for them only when the table says there may be some.
    values = list(map(_VALUES, rows))
    phones = "\n".join(chain.from_iterable(map(_PHONES, values)))
    return RawTable(
        list(HEADER), rows, encoding_name, ",", header_row_no=0, multi_values=False,
        neutralised="'" in map(_FIRST_CHARACTER, filter(None, chain.from_iterable(values))),
        guessed=guessed,
        phone_marks="'" in phones or "E+" in phones or "e+" in phones
        or "tel:" in phones.casefold(),
    )  # fmt: skip


Params = dict[str, tuple[list[list[str]], frozenset[str]]]
"""Parameter texts parsed so far: each its parameters and types (see `_parsed`)."""


def cards_by_full_rules(text: str, seen: Params) -> list[list[Kept]]:
    """The kept properties of each card, by the full rules: `logical_lines`, and vobject's own
    parser for a line `_SIMPLE_LINE` does not take. Raises InvalidValue for a line vobject
    cannot read."""
    cards: list[list[Kept]] = []
    card: list[Kept] = []
    inside = False
    for line, line_no in logical_lines(text):
        found = _SIMPLE_LINE.match(line)
        if found is None:
            name, params, value = _parse_refusing(line, line_no)
            name = name.upper()
            kinds = frozenset(_types(params)) if name in _TYPED else _NO_TYPES
        else:
            # vobject turns `_` into `-` in names; no name read here has either
            name, params_text = found.groups()
            name = name.upper()
            if not (inside and name in _KEPT and params_text):
                params, kinds = [], _NO_TYPES
            else:
                params, kinds = _parsed(params_text, seen)
            value = line[found.end() :]
        if name in _KEPT:
            if inside:
                card.append((name, params, value, kinds if name in _TYPED else _NO_TYPES))
        elif name == "BEGIN" and value.upper() == "VCARD":
            inside, card = True, []
        elif name == "END" and value.upper() == "VCARD" and inside:
            cards.append(card)
            inside = False
    return cards


def _parsed(params_text: str, seen: Params) -> tuple[list[list[str]], frozenset[str]]:
    """`params_text`'s parameters and types, parsed once per text."""
    known = seen.get(params_text)
    if known is None:
        parsed = _params(params_text)
        known = seen[params_text] = (parsed, frozenset(_types(parsed)))
    return known


_IGNORED, _KEEP, _BEGIN, _END = range(4)


def cards_in_one_pass(text: str, seen: Params) -> list[list[Kept]] | None:
    """What `cards_by_full_rules` gives, for the common file, in one pass over `str.split`'s
    lines with a line's name and parameters read once per distinct text before its colon; None
    when some line needs the full rules (then `cards_by_full_rules` reads the file).

    The common file: lines end in LF or CRLF (no other CR); every content line starts with its
    name, parameters (none quoted) and colon on its first line, folded or not; no content line
    starts after a blank line or the file's start with a space or tab; quoted-printable soft
    line breaks cannot occur (no line ends in `=`, or no `quoted-printable` anywhere). On such
    a file `logical_lines` and `_SIMPLE_LINE` split each line as this does (see
    tests/unit/test_cards.py, which holds the two paths to the same cards).
    """
    newline = "\n"
    if "\r" in text:
        returns = text.count("\r")
        if returns != text.count("\r\n"):
            return None  # a CR that ends no line
        if returns == text.count("\n"):
            newline = "\r\n"  # split at CRLF: no copy of the text without CRs
        else:
            text = text.replace("\r\n", "\n")
    if (f"={newline}" in text or text.endswith("=")) and "quoted-printable" in (
        text.replace("\n", "").replace("\r", "").replace(" ", "").replace("\t", "").lower()
    ):
        return None  # a soft line break may join lines: only logical_lines does that
    heads: dict[str, tuple[int, str, list[list[str]], frozenset[str]]] = {}
    cards: list[list[Kept]] = []
    card: list[Kept] = []
    inside = False
    # The line being read: none (file start, after a blank line), one not kept, one kept (the
    # card's last property) or BEGIN/END, whose value is read when its continuations are.
    state = _AT_NONE
    marker, marker_value = _IGNORED, ""
    for line in text.split(newline):
        if line:
            first = line[0]
            if first != " " and first != "\t":
                if state == _AT_MARKER:
                    inside, card = _marked(marker, marker_value, inside, card, cards)
                head, colon, value = line.partition(":")
                known = heads.get(head) if colon else None
                if known is None:
                    if line.isspace():
                        state = _AT_NONE
                        continue
                    found = _SIMPLE_LINE.match(line) if colon else None
                    if found is None:
                        return None  # quoted parameters, an unreadable line: the full rules
                    name, params_text = found.groups()
                    name = name.upper()
                    role = (
                        _KEEP if name in _KEPT else
                        _BEGIN if name == "BEGIN" else _END if name == "END" else _IGNORED
                    )  # fmt: skip
                    params, kinds = _parsed(params_text, seen) if params_text else ([], _NO_TYPES)
                    known = heads[head] = (
                        role,
                        name,
                        params,
                        kinds if name in _TYPED else _NO_TYPES,
                    )
                role = known[0]
                if role == _KEEP:
                    if inside:
                        card.append((known[1], known[2], value, known[3]))
                        state = _AT_KEPT
                    else:
                        state = _AT_SKIPPED
                elif role == _IGNORED:
                    state = _AT_SKIPPED
                else:
                    state, marker, marker_value = _AT_MARKER, role, value
                continue
            if not line.isspace():  # a folded line's continuation
                if state == _AT_KEPT:
                    name, params, value, kinds = card[-1]
                    card[-1] = (name, params, value + line[1:], kinds)
                elif state == _AT_MARKER:
                    marker_value += line[1:]
                elif state == _AT_NONE:
                    return None  # continues nothing: starts a content line
                continue
        # a blank line ends the line being read
        if state == _AT_MARKER:
            inside, card = _marked(marker, marker_value, inside, card, cards)
        state = _AT_NONE
    if state == _AT_MARKER:
        _marked(marker, marker_value, inside, card, cards)
    return cards


def _marked(
    marker: int, value: str, inside: bool, card: list[Kept], cards: list[list[Kept]]
) -> tuple[bool, list[Kept]]:
    """After a BEGIN or END line (`marker`, its whole `value`): whether a card is being read
    now, and its properties; an END:VCARD inside a card adds that card to `cards`."""
    if value.upper() != "VCARD":
        return inside, card
    if marker == _BEGIN:
        return True, []
    if inside:
        cards.append(card)
    return False, card


_AT_NONE, _AT_SKIPPED, _AT_KEPT, _AT_MARKER = range(4)


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
    from vobject.base import parseLine  # type: ignore[import-untyped]

    name, params, value, _group = parseLine(line, line_no)
    return name, params, value


def _parse_refusing(line: str, line_no: int) -> Property:
    """`_parse_with_vobject`, a line it cannot read refused with its words (InvalidValue)."""
    from vobject.base import ParseError

    try:
        return _parse_with_vobject(line, line_no)
    except ParseError as error:
        raise InvalidValue(f"not a readable vCard file: {error}") from None


(
    _SALUTATION, _FIRST, _MIDDLE, _LAST, _FULL, _COMPANY, _DEPARTMENT, _JOB, _EMAIL, _EMAIL_2,
    _EMAIL_3, _MOBILE, _WORK, _WORK_2, _HOME, _CITY, _COUNTRY, _WEBSITE, _BIRTHDAY, _CATEGORIES,
    _NOTES,
) = range(len(HEADER))  # fmt: skip
_PHONE_CELLS = {"CELL": (_MOBILE,), "WORK": (_WORK, _WORK_2), "HOME": (_HOME,)}
_PHONES = itemgetter(_MOBILE, _WORK, _WORK_2, _HOME)
_VALUES = itemgetter(1)  # a RawRow's
_FIRST_CHARACTER = itemgetter(0)
_MOBILE_TYPES = frozenset({"CELL", "MOBILE"})


_PADDING = ("",) * 7
"""Added to a structured value's components so that the ones read always exist."""


def _row(card: list[Kept]) -> list[str]:
    cells = [""] * len(HEADER)
    emails: list[tuple[bool, str]] = []
    phones: dict[str, list[tuple[bool, str]]] = {}
    places: list[tuple[bool, list[str]]] = []
    for name, params, raw, kinds in card:
        value = _decoded(raw, params) if params and "=" in raw else raw
        if name == "N":
            parts = _parts(value)
            parts += _PADDING
            last, first, middle, prefix, suffix = parts[:5]
            cells[_LAST] = f"{last} {suffix}".strip() if last else ""
            cells[_FIRST] = first
            cells[_MIDDLE] = middle
            cells[_SALUTATION] = prefix
        elif name == "FN":
            cells[_FULL] = _text(value)
        elif name == "ORG":
            parts = _parts(value)
            cells[_COMPANY] = parts[0]
            cells[_DEPARTMENT] = "; ".join(filter(None, parts[1:]))
        elif name in ("TITLE", "ROLE") and not cells[_JOB]:
            cells[_JOB] = _text(value)
        elif name == "EMAIL":
            emails.append(("PREF" not in kinds, _text(value)))
        elif name == "TEL":
            phone = _text(value)
            phone = phone[4:] if phone[:4].lower() == "tel:" else phone
            kind = "CELL" if kinds & _MOBILE_TYPES else "HOME" if "HOME" in kinds else "WORK"
            phones.setdefault(kind, []).append(("PREF" not in kinds, phone))
        elif name == "ADR":
            parts = _parts(value)
            parts += _PADDING
            places.append((not ("PREF" in kinds or "WORK" in kinds), parts))
        elif name == "URL" and not cells[_WEBSITE]:
            cells[_WEBSITE] = _text(value)
        elif name == "NOTE":
            cells[_NOTES] = _text(value)
        elif name == "CATEGORIES":
            cells[_CATEGORIES] = ", ".join(_parts(value, ","))
        elif name == "BDAY":
            cells[_BIRTHDAY] = _text(value)
    if len(emails) == 1:
        cells[_EMAIL] = emails[0][1]
    elif emails:
        # preferred first, else in the card's order (sorting is stable)
        ordered = [email for _, email in sorted(emails, key=_first)]
        cells[_EMAIL : _EMAIL + len(ordered[:3])] = ordered[:3]
        if len(ordered) > 3:
            cells[_EMAIL_3] = " ::: ".join(ordered[2:])
    for kind, found in phones.items():
        columns = _PHONE_CELLS[kind]
        if len(found) == 1:
            cells[columns[0]] = found[0][1]
            continue
        for column, (_, phone) in zip(columns, sorted(found, key=_first), strict=False):
            cells[column] = phone
    if places:
        _, parts = places[0] if len(places) == 1 else min(places, key=_first)
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
        return list(map(_strip, value.split(separator)))
    kept = value.replace("\\\\", _BACKSLASH).replace("\\" + separator, _SEPARATOR)
    return [
        _text(part.replace(_SEPARATOR, "\\" + separator).replace(_BACKSLASH, "\\\\"))
        for part in kept.split(separator)
    ]


_strip = str.strip


def _text(value: str) -> str:
    """`\\n` a line break, `\\,` `\\;` `\\\\` the character."""
    if "\\" not in value:
        return value.strip()
    return _ESCAPED.sub(lambda m: _UNESCAPE.get(m.group(1), m.group(1)), value).strip()
