"""vCard reading: the line splitting done here is vobject's, line for line, and a card's
properties land in the columns the importer knows."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vobject.base import ParseError, getLogicalLines, parseLine  # type: ignore[import-untyped]

from salesflow.errors import InvalidValue
from salesflow.importer.cards import (
    HEADER,
    cards_by_full_rules,
    cards_in_one_pass,
    logical_lines,
    parse_line,
    read_cards,
)


def _cards(text: str, newline: str = "\n") -> list[dict[str, str]]:
    table = read_cards(text.replace("\n", newline).encode("utf-8"))
    return [
        {name: cell for name, cell in zip(HEADER, row.values, strict=True) if cell}
        for row in table.rows
    ]


def _vobject_lines(text: str) -> list[tuple[str, int]]:
    return list(getLogicalLines(io.StringIO(text), allowQP=True))


def _vobject_parse(line: str) -> object:
    try:
        name, params, value, _group = parseLine(line, 1)
    except ParseError as error:
        return ("ParseError", str(error))
    return name, params, value


def _parse(line: str) -> object:
    try:
        return parse_line(line, 1)
    except ParseError as error:
        return ("ParseError", str(error))


# --- the same lines as vobject -----------------------------------------------------------------

PIECES = [
    "BEGIN:VCARD", "END:VCARD", "N", "FN", "EMAIL", "item1.", "TEL", "x_y", ";", ":", "=", ",",
    '"', ".", " ", "\t", "\r", "\n", "\r\n", "TYPE=WORK", "PREF", "a", "é", "\\,", "\\;",
    "ENCODING=QUOTED-PRINTABLE", "quoted-printable", "=0D=0A", "=\n", "CHARSET=utf-8", "\x0c",
]  # fmt: skip


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_content_lines_are_unfolded_and_numbered_as_vobject_does(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert list(logical_lines(text)) == _vobject_lines(text)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25))
def test_a_content_line_is_split_as_vobject_splits_it(pieces: list[str]) -> None:
    line = "".join(pieces)
    assert _parse(line) == _vobject_parse(line)


@pytest.mark.parametrize(
    "line",
    [
        "EMAIL;type=INTERNET;type=WORK;type=pref:ada@example.com",
        "item1.EMAIL;TYPE=INTERNET:ada@example.com",
        "TEL;WORK;VOICE:+31 20 1234567",
        "TEL;TYPE=CELL,VOICE;PREF=1:+31 6 1234567",
        'TEL;TYPE="cell,voice":+31 6 1234567',  # quoted: vobject's own parser
        "N;;X=1:a;b",  # an empty parameter: vobject's own parser
        "NOTE:a: b; c, d",
        "X_ABC;a=:v",
        "NO COLON HERE",
        "EMAIL;TYPE=a=b:x",
        "ADR;:x",
    ],
)
def test_typical_and_odd_lines_are_split_as_vobject_splits_them(line: str) -> None:
    assert _parse(line) == _vobject_parse(line)


def test_a_line_that_cannot_be_read_is_refused_with_vobjects_words() -> None:
    with pytest.raises(InvalidValue, match=r"not a readable vCard file: .*line 3"):
        _cards("BEGIN:VCARD\nN:a;b\nthis is not a property\nEND:VCARD\n")


# --- what a card becomes -----------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_folded_lines_are_joined_with_crlf_or_lf(newline: str) -> None:
    found = _cards(
        "BEGIN:VCARD\nVERSION:3.0\nN:Lovelace;Ada;;;\nNOTE:Met at the fair; asked ab\n"
        " out ovens\n\tand service.\nEND:VCARD\n",
        newline,
    )
    notes = "Met at the fair; asked about ovensand service."
    assert found == [{"First Name": "Ada", "Last Name": "Lovelace", "Notes": notes}]


def test_quoted_printable_with_soft_breaks_is_decoded_in_its_charset() -> None:
    found = _cards(
        "BEGIN:VCARD\r\nVERSION:2.1\r\n"
        "N;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r\n"
        "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=Windows-1252:Messe: m=F6chte=0D=0A=\r\n"
        "einen R=FCckruf.\r\n"
        "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:K=C3=A4lte GmbH\r\n"
        "END:VCARD\r\n"
    )
    assert found == [
        {
            "First Name": "Jürgen",
            "Last Name": "Müller",
            "Company": "Kälte GmbH",
            "Notes": "Messe: möchte\r\neinen Rückruf.",
        }
    ]


def test_escaped_commas_semicolons_and_line_breaks_are_the_characters() -> None:
    found = _cards(
        "BEGIN:VCARD\nVERSION:3.0\nN:Jansen\\, Jr.;Piet;;;\nORG:Bakker\\; Zonen;Verkoop\n"
        "NOTE:first\\nsecond\\, third\nCATEGORIES:fair,vip\\,gold\nEND:VCARD\n"
    )
    assert found == [
        {
            "First Name": "Piet",
            "Last Name": "Jansen, Jr.",
            "Company": "Bakker; Zonen",
            "Department": "Verkoop",
            "Notes": "first\nsecond, third",
            "Categories": "fair, vip,gold",
        }
    ]


def test_grouped_properties_and_preferred_email_first() -> None:
    found = _cards(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\n"
        "item1.EMAIL;type=INTERNET:home@example.com\nitem1.X-ABLabel:_$!<Home>!$_\n"
        "item2.EMAIL;type=INTERNET;type=pref:work@example.com\n"
        "item3.TEL;type=CELL:+31 6 1\nTEL;type=WORK;type=pref:+31 20 2\nTEL;TYPE=work:+31 20 3\n"
        "item4.ADR;type=HOME:;;;Leiden;;;NL\nADR;type=WORK:;;;Delft;;;Netherlands\n"
        "END:VCARD\n"
    )
    assert found == [
        {
            "Full Name": "Ada Lovelace",
            "E-mail Address": "work@example.com",
            "E-mail 2 Address": "home@example.com",
            "Mobile Phone": "+31 6 1",
            "Business Phone": "+31 20 2",
            "Business Phone 2": "+31 20 3",
            "City": "Delft",
            "Country": "Netherlands",
        }
    ]


def test_a_base64_photo_is_left_out() -> None:
    found = _cards(
        "BEGIN:VCARD\nVERSION:3.0\nN:Curie;Marie;;;\n"
        "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBA\n"
        " YEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/2wBDAQMDAwQD\n"
        "EMAIL:marie@example.org\nEND:VCARD\n"
    )
    assert found == [
        {"First Name": "Marie", "Last Name": "Curie", "E-mail Address": "marie@example.org"}
    ]


@pytest.mark.parametrize(
    ("version", "email", "tel"),
    [
        ("2.1", "EMAIL;PREF;INTERNET:a@example.com", "TEL;CELL;VOICE:+1 555 0100"),
        ("3.0", "EMAIL;TYPE=INTERNET,PREF:a@example.com", "TEL;TYPE=CELL:+1 555 0100"),
        ("4.0", "EMAIL;PREF=1:a@example.com", "TEL;VALUE=uri;TYPE=cell:tel:+1-555-0100"),
    ],
)
def test_each_vcard_version_gives_the_same_row(version: str, email: str, tel: str) -> None:
    found = _cards(
        f"BEGIN:VCARD\nVERSION:{version}\nN:Hopper;Grace;;;\n{email}\n{tel}\n"
        "ORG:Navy\nTITLE:Rear Admiral\nEND:VCARD\n"
    )
    assert len(found) == 1
    card = found[0]
    assert card["First Name"] == "Grace"
    assert card["E-mail Address"] == "a@example.com"
    assert card["Mobile Phone"] in ("+1 555 0100", "+1-555-0100")
    assert (card["Company"], card["Job Title"]) == ("Navy", "Rear Admiral")


def test_blank_lines_and_text_between_cards_are_ignored() -> None:
    found = _cards(
        "\n\nBEGIN:VCARD\nN:One;A;;;\nEND:VCARD\n   \nNOTE:stray\nBEGIN:VCARD\nN:Two;B;;;\n"
        "END:VCARD"
    )
    assert [card["Last Name"] for card in found] == ["One", "Two"]


# --- the common file read in one pass: the same cards as by the full rules ---------------------

NAMES = [
    "BEGIN", "END", "begin", "N", "FN", "ORG", "TITLE", "ROLE", "EMAIL", "TEL", "ADR", "URL",
    "NOTE", "CATEGORIES", "BDAY", "PHOTO", "VERSION", "X-ABADR", "x_y", "item1.EMAIL", "a.b.TEL",
]  # fmt: skip
PARAMS = [
    "", "", ";TYPE=WORK", ";type=INTERNET;type=pref", ";CELL", ";PREF", ";HOME;VOICE",
    ";TYPE=cell,voice", ";ENCODING=QUOTED-PRINTABLE;CHARSET=Windows-1252", ";quoted-printable",
    ';TYPE="work"', ";;X=1", ";ENCODING=b", ";X=", ";a=b=c",
]  # fmt: skip
VALUES = [
    "VCARD", "vcard", "VCARD ", "Lovelace;Ada;;;", "a@example.com", "tel:+31 6 1", "M=FCller=",
    "=0D=0A", "a\\,b\\nc", "fair,vip\\,gold", ";;;Delft;;;NL", "", "a: b", "é", " x ", "=",
]  # fmt: skip
ODD_LINES = [
    "",
    " ",
    "\t",
    "\x0c",
    " \xa0",
    "no colon here",
    " continued",
    "\tcontinued",
    "=",
    ":x",
]


@st.composite
def _card_texts(draw: st.DrawFn) -> str:
    """Texts of content lines as exports write them, folded at any place, with LF or CRLF,
    and now and then a line or line end the one pass leaves to the full rules."""
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    odd = draw(st.booleans())  # else only what the one pass reads itself
    rarely = st.integers(0, 19).map(lambda n: odd and n == 0)
    text = ""
    for _ in range(draw(st.integers(0, 14))):
        if draw(rarely):
            line = draw(st.sampled_from(ODD_LINES))
        elif draw(st.booleans()):
            line = draw(st.sampled_from(["BEGIN:VCARD", "END:VCARD"]))
        else:
            line = (
                draw(st.sampled_from(NAMES))
                + (
                    draw(st.sampled_from(PARAMS if odd else PARAMS[:8]))
                    if draw(st.booleans())
                    else ""
                )
                + ":"
                + draw(st.sampled_from(VALUES))
            )
        if draw(st.integers(0, 3)) == 0:  # folded: mostly in the value
            start = line.find(":") + 1 if not draw(rarely) else 1
            at = draw(st.integers(max(1, start), max(1, len(line))))
            fold = draw(st.sampled_from(["\n ", "\r\n ", "\n\t", "\n  "]))
            line = line[:at] + fold + line[at:]
        text += line + (
            draw(st.sampled_from(["\n", "\r\n", "\r", "\r\r\n"])) if draw(rarely) else newline
        )
    return text[: draw(st.integers(len(text) - 2, len(text)))] if odd else text


@pytest.mark.slow
@settings(max_examples=1500, deadline=None)
@given(_card_texts())
def test_the_one_pass_reads_the_cards_the_full_rules_read(text: str) -> None:
    fast = cards_in_one_pass(text, {})
    if fast is not None:
        assert fast == cards_by_full_rules(text, {})


def test_an_export_like_file_is_read_in_one_pass() -> None:
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Santos;Jürgen;;;\r\nFN:Jürgen Santos\r\n"
        "ORG:Oostzuid Print N.V.;\r\nEMAIL;type=INTERNET;type=WORK;type=pref:j@oostzuid.example\r\n"
        "TEL;type=WORK;type=VOICE:+32 9 116 9268\r\nitem1.ADR;type=WORK:;;;Gent;;;Belgium\r\n"
        "item1.X-ABADR:nl\r\nNOTE:Met at the fair; asked about ovens, de\r\n"
        " livery and service.\r\n"
        "END:VCARD\r\n\r\n"
    )
    fast = cards_in_one_pass(card * 3, {})
    assert fast is not None
    assert fast == cards_by_full_rules(card * 3, {})
    assert fast[0][-1] == (
        "NOTE",
        [],
        "Met at the fair; asked about ovens, delivery and service.",
        frozenset(),
    )


@pytest.mark.parametrize(
    "text",
    [
        "BEGIN:VCARD\rN:a;b\rEND:VCARD\r",  # CR alone ends no line for vobject
        'BEGIN:VCARD\nTEL;TYPE="cell":1\nEND:VCARD\n',  # a quoted parameter
        " BEGIN:VCARD\nN:a;b\nEND:VCARD\n",  # a content line starting with a space
        "BEGIN:VCARD\nN:a;b\n\n continued\nEND:VCARD\n",  # ... after a blank line
        "BEGIN:VCARD\nEMAIL;TY\n PE=WORK:a@example.com\nEND:VCARD\n",  # folded before the colon
        "BEGIN:VCARD\nNOTE;ENCODING=QUOTED-PRINTABLE:a=\nb\nEND:VCARD\n",  # a soft line break
        "BEGIN:VCARD\nNOTE;ENCODING=QUOTED-PRI\n NTABLE:a=\nb\nEND:VCARD\n",  # ... folded
        "BEGIN:VCARD\r\nNOTE;ENCODING=QUOTED-PRINTABLE:a=\r\nb\r\nEND:VCARD\r\n",  # ... CRLF
        "BEGIN:VCARD\r\nNOTE;QUOTED-PRI\r\n NTABLE:a=\r\nb\r\nEND:VCARD\r\n",
        "BEGIN:VCARD\nthis is not a property\nEND:VCARD\n",
    ],
)
def test_lines_that_need_the_full_rules_are_left_to_them(text: str) -> None:
    assert cards_in_one_pass(text, {}) is None
