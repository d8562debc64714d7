"""vCard reading: the line splitting done here is vobject's, line for line, and a card's
properties land in the columns the importer knows."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vobject.base import ParseError, getLogicalLines, parseLine  # type: ignore[import-untyped]

from salesflow.errors import InvalidValue
from salesflow.importer.cards import HEADER, logical_lines, parse_line, read_cards


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
