"""The pure half of `lead import`: reading export files' bytes and mapping their columns."""

from __future__ import annotations

import ast
import codecs
import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import salesflow.importer
from salesflow.errors import InvalidValue, UsageError
from salesflow.importer import (
    DELIMITERS,
    LEAD_FIELDS,
    MappedRow,
    Profile,
    RawRow,
    RowProblem,
    SkipRule,
    describe_mapping,
    is_email,
    map_columns,
    map_rows,
    neutralise_cell,
    parse_import_amount,
    parse_map_options,
    parse_profile,
    read_table,
    split_full_name,
)
from salesflow.importer.reading import (
    _parse_records,
    _records_by_csv,
    _records_by_line,
    _split_lines,
    _spreadsheet_rows,
)

DATA = Path(__file__).parent.parent / "data"
PACKAGE = Path(salesflow.importer.__file__).parent


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def csv_bytes(
    rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8", newline: str = "\r\n"
) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return out.getvalue().encode(encoding)


def mapped(
    data: bytes,
    *,
    overrides: dict[str, str] | None = None,
    profile: Profile | None = None,
    **reading: str,
) -> list[MappedRow]:
    """The rows with something to import or an error (skipped rows: see `skipped`)."""
    table = read_table(data, **reading)
    rows = map_rows(table, map_columns(table.header, overrides=overrides, profile=profile))
    return [row for row in rows if row.skip is None]


def skipped(data: bytes, **reading: str) -> list[tuple[int, str | None]]:
    """(row, why) of the rows with nothing to import."""
    table = read_table(data, **reading)
    rows = map_rows(table, map_columns(table.header))
    return [(row.row_no, row.skip) for row in rows if row.skip is not None]


def fields_of(rows: list[MappedRow]) -> list[dict[str, str] | None]:
    return [row.fields for row in rows]


def one(data: bytes, **kwargs: object) -> dict[str, str]:
    rows = mapped(data, **kwargs)  # type: ignore[arg-type]
    assert len(rows) == 1 and rows[0].fields is not None, rows
    return rows[0].fields


# --- the sample exports (tests/data/SAMPLES.md) ----------------------------------------------


def test_the_outlook_export_yields_six_leads_with_its_quirks_handled() -> None:
    rows = mapped(sample("outlook-en.csv"))

    assert [r.row_no for r in rows] == [2, 3, 4, 5, 6, 7]
    assert [r.error for r in rows] == [None] * 6
    assert rows[0].fields == {
        "first_name": "Émilie",
        "last_name": "Dubois",
        "company": "Boulangerie Dubois & Fils",
        "email": "emilie.dubois@dubois-fils.fr",
        "phone": "+33 3 20 12 34 56",
        "job_title": "Gérante",
        "city": "Lille",
        "country": "France",
        "notes": "Wants a quote for 3 ovens.\nCall back after the fair.\n"
        "Categories: Beurs Utrecht 2026;Hot",
    }


def test_the_outlook_export_keeps_the_comma_company_and_the_duplicate_for_later() -> None:
    rows = mapped(sample("outlook-en.csv"))

    assert rows[1].fields == {
        "first_name": "Jürgen",
        "last_name": "Müller",
        "company": "Müller Maschinenbau GmbH",
        "email": "j.mueller@mueller-mb.de",
        "mobile": "+49 171 5550123",
        "job_title": "Einkauf",
        "city": "Köln",
        "country": "Germany",
        "notes": "Categories: Beurs Utrecht 2026",
    }
    assert rows[2].fields is not None and rows[2].fields["company"] == "Acme, Benelux B.V."
    assert rows[5].fields == {
        "first_name": "Sanne",
        "last_name": "de Vries",
        "company": "ACME Benelux",
        "email": "Sanne.DeVries@acme-benelux.nl",
        "notes": "Same person, second card",
    }


def test_the_google_export_gives_three_leads_one_rejection_and_skips_the_blank_row() -> None:
    rows = mapped(sample("google-contacts.csv"))

    assert [r.row_no for r in rows] == [2, 3, 4, 6]
    assert rows[0].fields == {
        "first_name": "Łukasz",
        "last_name": "Nowak",
        "company": "Nowak Logistics Sp. z o.o.",
        "email": "lukasz@nowak-logistics.pl",
        "mobile": "+48 600 100 200",
        "job_title": "CEO",
        "city": "Poznań",
        "country": "Poland",
        "notes": "Labels: Trade fair Poznań\n"
        "E-mail 1 - Value: l.nowak@gmail.example\n"
        "Address 1 - Formatted: ul. Długa 5\n61-001 Poznań\nPoland",
    }
    assert rows[1].fields == {
        "first_name": "Fatima",
        "last_name": "El Amrani",
        "company": "Atlas Trading",
        "email": "fatima@atlas-trading.example",
        "phone": "+31 20 555 0101",
        "notes": 'Asked about "bulk" pricing',
    }
    assert rows[2].fields == {
        "first_name": "Kenji",
        "last_name": "Sato",
        "email": "kenji.sato@example.jp",
    }
    assert rows[3].fields is None
    assert rows[3].error == (
        'row 6: column "E-mail 1 - Value" value "not-an-email" is not an email address'
    )
    assert rows[3].original["First Name"] == "Anna"


def test_the_google_samples_invalid_email_is_row_6_as_a_spreadsheet_shows_it() -> None:
    data = sample("google-contacts.csv")
    rejected = [r for r in mapped(data) if r.error is not None]

    # Łukasz's three-line address takes lines 2-4, so Anna's card is on line 8 but in row 6.
    assert data.decode().splitlines()[7].startswith("Anna,,Schmidt,")
    assert [(r.row_no, r.original["Last Name"]) for r in rejected] == [(6, "Schmidt")]
    assert rejected[0].error is not None and rejected[0].error.startswith("row 6: ")


def test_the_linkedin_export_skips_its_preamble_and_its_empty_rows() -> None:
    table = read_table(sample("linkedin-connections.csv"))
    rows = mapped(sample("linkedin-connections.csv"))

    assert table.header_row_no == 4
    assert table.header[0] == "First Name"
    assert [(r.row_no, r.fields and r.fields["last_name"]) for r in rows] == [
        (5, "García"),
        (6, "Peeters"),
        (9, "Nair"),
    ]
    assert rows[0].fields == {
        "first_name": "Maria",
        "last_name": "García",
        "company": "Harbor Lane Bank, PJSC",
        "email": "maria.garcia@harbor.example",
        "job_title": "Head of Procurement",
        "notes": "URL: https://www.linkedin.com/in/mariagarcia-example\nConnected On: 15 Jun 2026",
    }
    assert "email" not in (rows[1].fields or {})


def test_the_dutch_trade_fair_file_reads_dutch_amounts_and_rejects_abc() -> None:
    table = read_table(sample("beurs-2026.csv"))
    rows = map_rows(table, map_columns(table.header))

    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert [(r.fields or {}).get("estimated_value") for r in rows] == [
        "12500.00",
        "2750.50",
        None,
        "1000.00",
        None,
    ]
    assert rows[0].fields is not None and rows[0].fields["first_name"] == "Joëlle"
    assert rows[1].fields is not None and rows[1].fields["last_name"] == "van 't Hof"
    assert rows[2].fields is not None and rows[2].fields["notes"] == 'Belt terug; "na de zomer"'
    assert rows[4].error == 'row 6: column "Geschatte waarde" value "abc" is not an amount'
    assert rows[4].original == {
        "Voornaam": "",
        "Achternaam": "",
        "Bedrijf": "Onbekend BV",
        "Functie": "",
        "E-mailadres": "",
        "Telefoon": "",
        "Plaats": "",
        "Geschatte waarde": "abc",
        "Notities": "kaartje zonder naam, waarde ongeldig",
    }


def test_the_eventbrite_report_maps_company_and_job_title_and_keeps_the_question() -> None:
    table = read_table(sample("eventbrite-attendees.csv"))
    rows = map_rows(table, map_columns(table.header))

    assert table.encoding == "utf-8-sig"
    assert table.header[0] == "Order #"
    assert [r.error for r in rows] == [None, None, None]
    first = rows[0].fields
    assert first is not None
    assert {k: first[k] for k in ("first_name", "last_name", "company", "job_title")} == {
        "first_name": "John",
        "last_name": "Doe",
        "company": "Doe Bakeries Inc.",
        "job_title": "Buyer",
    }
    assert (first["city"], first["country"]) == ("Boston", "US")
    assert "What product are you most interested in? (choose one): Ovens (industrial)" in (
        first["notes"].splitlines()
    )
    assert "Order Date: 11/29/26 22:28" in first["notes"].splitlines()
    assert rows[2].fields is not None and "company" not in rows[2].fields


# --- encodings ---------------------------------------------------------------------------------

LEAD = [["First Name", "Last Name", "Company"], ["Zoë", "Müller", "Café € Co"]]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + csv_bytes(LEAD), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + csv_bytes(LEAD, encoding="utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + csv_bytes(LEAD, encoding="utf-16-be"), "utf-16-be"),
        (csv_bytes(LEAD, encoding="utf-16-le"), "utf-16-le"),
        (csv_bytes(LEAD, encoding="utf-16-be"), "utf-16-be"),
        (csv_bytes(LEAD, encoding="cp1252"), "cp1252"),
        (csv_bytes(LEAD), "utf-8"),
    ],
    ids=[
        "utf-8 bom",
        "utf-16 le bom",
        "utf-16 be bom",
        "utf-16 le",
        "utf-16 be",
        "cp1252",
        "utf-8",
    ],
)
def test_every_supported_encoding_reads_the_same_lead(data: bytes, encoding: str) -> None:
    table = read_table(data)

    assert table.encoding == encoding
    assert table.header == ["First Name", "Last Name", "Company"]
    assert table.rows == [RawRow(2, ["Zoë", "Müller", "Café € Co"])]


def test_bytes_windows_1252_leaves_undefined_are_dropped_as_c1_control_characters() -> None:
    table = read_table(b"Last Name,Notes\r\nJansen,a\x81b \x80\r\n")

    assert table.encoding == "cp1252"
    assert table.rows[0].values == ["Jansen", "ab €"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "latin-1"])
def test_no_value_ever_holds_a_c1_control_character(encoding: str) -> None:
    text = "Last Name,Notes\r\nJansen,it\x92s \x80 5\x81\r\n"
    table = read_table(text.encode(encoding))

    assert table.rows[0].values == ["Jansen", "it’s € 5"]


def test_nul_bytes_of_a_utf16_file_read_as_single_bytes_never_reach_a_value() -> None:
    data = csv_bytes(LEAD, encoding="utf-16-le")

    table = read_table(data, encoding="latin-1")

    assert table.header == ["First Name", "Last Name", "Company"]
    assert table.rows[0].values == ["Zo\xeb", "M\xfcller", "Caf\xe9 \xac  Co"]


def test_a_given_encoding_overrides_the_detection() -> None:
    data = "Last Name\r\nMüller\r\n".encode()

    assert read_table(data).rows[0].values == ["Müller"]
    assert read_table(data, encoding="cp1252").rows[0].values == ["MÃ¼ller"]
    assert read_table(data, encoding="CP1252").encoding == "cp1252"


def test_a_given_utf8_encoding_drops_the_byte_order_mark() -> None:
    table = read_table(codecs.BOM_UTF8 + csv_bytes(LEAD), encoding="utf-8")

    assert table.header[0] == "First Name"


def test_an_unknown_encoding_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as raised:
        read_table(b"a,b\r\n", encoding="klingon")

    assert str(raised.value) == 'encoding "klingon" is unknown; use e.g. utf-8, cp1252 or utf-16'


def test_bytes_that_the_given_encoding_cannot_decode_are_refused() -> None:
    with pytest.raises(InvalidValue) as raised:
        read_table(b"Last Name\r\nM\xfcller\r\n", encoding="utf-8")

    assert str(raised.value) == (
        "the file is not valid utf-8: byte 0xfc at offset 12 cannot be decoded; "
        "give the file's encoding (e.g. cp1252)"
    )


# --- delimiters, quoting, line ends -----------------------------------------------------------

ROWS = [
    ["First Name", "Last Name", "Company", "Notes"],
    ["Anna", "de Vries", "Acme, Benelux; B.V. | NL", 'She said "call me"\nafter 5'],
    ["Piet", "Jansen", "Jansen BV", ""],
]


@pytest.mark.parametrize("delimiter", DELIMITERS, ids=["comma", "semicolon", "tab", "pipe"])
@pytest.mark.parametrize("newline", ["\r\n", "\n"], ids=["crlf", "lf"])
def test_the_delimiter_is_sniffed_and_quoted_values_survive(delimiter: str, newline: str) -> None:
    table = read_table(csv_bytes(ROWS, delimiter=delimiter, newline=newline))

    assert table.delimiter == delimiter
    assert table.header == ROWS[0]
    assert [r.values for r in table.rows] == ROWS[1:]
    assert [r.row_no for r in table.rows] == [2, 3]


def test_commas_in_the_values_of_a_semicolon_file_do_not_fool_the_sniffer() -> None:
    data = b"Naam;Bedrijf;Notities\r\nJan de Vries;Acme, BV;a, b, c\r\nPiet;X, Y;d, e\r\n"

    assert read_table(data).delimiter == ";"


@pytest.mark.parametrize(("given", "used"), [("tab", "\t"), ("\\t", "\t"), (";", ";"), ("|", "|")])
def test_a_given_delimiter_overrides_the_sniffer(given: str, used: str) -> None:
    data = f"Name{used}Company,Inc\r\nJan{used}A,B\r\n".encode()

    table = read_table(data, delimiter=given)

    assert table.delimiter == used
    assert table.rows[0].values == ["Jan", "A,B"]


def test_an_unusable_delimiter_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as raised:
        read_table(b"a,b\r\n", delimiter="ab")

    assert str(raised.value) == (
        'delimiter "ab" cannot be used; give one character such as , ; | or "tab"'
    )


def test_old_mac_line_ends_are_line_ends() -> None:
    table = read_table(b"Last Name,Company\rJansen,Acme\rVries,\r")

    assert [(r.row_no, r.values) for r in table.rows] == [
        (2, ["Jansen", "Acme"]),
        (3, ["Vries", ""]),
    ]


def test_unicode_line_separators_inside_values_are_not_line_ends() -> None:
    data = "Last Name,Notes\r\nJansen,one\u2028two\x85three\x0cfour\r\nVries,x\r\n".encode()

    table = read_table(data)

    assert [(r.row_no, r.values) for r in table.rows] == [
        (2, ["Jansen", "one\u2028two…three\x0cfour"]),  # U+0085 is a C1 character
        (3, ["Vries", "x"]),
    ]


# --- preamble, empty rows, odd headers ---------------------------------------------------------


def test_the_header_is_found_after_a_two_value_preamble_line() -> None:
    data = (
        b"Exported by,Badge scanner 3.1\r\n\r\nFirst Name,Last Name,Company,Email\r\nJan,Smit,,\r\n"
    )

    table = read_table(data)

    assert (table.header_row_no, table.header[0]) == (3, "First Name")
    assert table.rows == [RawRow(4, ["Jan", "Smit", "", ""])]


def test_without_any_known_header_the_first_row_as_wide_as_the_table_is_the_header() -> None:
    data = b"Scanner export\r\nBadge,Who,Firm\r\n1,Jan Smit,Acme\r\n2,Piet,Beta\r\n"

    table = read_table(data)

    assert (table.header_row_no, table.header) == (2, ["Badge", "Who", "Firm"])


def test_headers_named_by_a_profile_or_map_help_to_find_the_header() -> None:
    data = b"Scan report,2026,v1\r\nBadge,Who,Firm\r\n1,Jan Smit,Acme\r\n"

    assert read_table(data).header_row_no == 1
    assert read_table(data, extra_headers=["Firm"]).header_row_no == 2


def test_wholly_empty_rows_are_skipped_silently() -> None:
    data = b"Last Name,Company\r\n,\r\n\r\n  ,\t\r\nJansen,\r\n,,\r\n"

    table = read_table(data)

    assert table.rows == [RawRow(5, ["Jansen", ""])]
    assert table.problems == []


def test_short_rows_are_padded_and_empty_extra_values_dropped() -> None:
    table = read_table(b"Last Name,Company,City\r\nJansen\r\nVries,Acme,Ede,,\r\n")

    assert [r.values for r in table.rows] == [["Jansen", "", ""], ["Vries", "Acme", "Ede"]]


def test_a_row_with_more_values_than_the_header_is_rejected_not_imported() -> None:
    data = b"Last Name,Company\r\nJansen,Acme\r\nVries,Beta,Gamma\r\nSmit,Delta\r\n"

    table = read_table(data)
    rows = map_rows(table, map_columns(table.header))

    assert [r.row_no for r in table.rows] == [2, 4]
    assert [(r.row_no, r.error) for r in rows] == [
        (2, None),
        (3, "row 3: 3 values but the header has 2 columns"),
        (4, None),
    ]
    assert rows[1].original == {"Last Name": "Vries", "Company": "Beta", "(extra 1)": "Gamma"}


def test_an_unclosed_quote_rejects_its_row_naming_its_row_and_the_lines_lost() -> None:
    data = (
        b"Last Name,Notes\r\n"
        b'Jansen,"two\r\nlines"\r\n'
        b"Vries,fine\r\n"
        b'Smit,"oops\r\n'
        b"Bakker,lost\r\n"
        b"Visser,lost too\r\n"
    )

    table = read_table(data)
    rows = map_rows(table, map_columns(table.header))

    assert [(r.row_no, r.fields and r.fields["last_name"]) for r in rows[:2]] == [
        (2, "Jansen"),
        (3, "Vries"),
    ]
    assert rows[2].row_no == 4
    assert rows[2].error == (
        "row 4: a quote opened in this row is never closed, so lines 5-7 "
        "(the rest of the file) could not be read"
    )
    assert rows[2].values == ["Smit", '"oops']
    assert [(r.row_no, r.error, r.values) for r in rows[3:]] == [
        (
            5,
            "row 5: not read, because the quote opened on line 5 is never closed",
            ["Bakker", "lost"],
        ),
        (
            6,
            "row 6: not read, because the quote opened on line 5 is never closed",
            ["Visser", "lost too"],
        ),
    ]


def test_an_unclosed_quote_at_the_end_of_an_all_quoted_file_is_found_too() -> None:
    data = b'"Last Name","Notes"\r\n"Jansen","a"\r\n"Vries","b\r\nc\r\n'

    table = read_table(data)

    assert table.rows == [RawRow(2, ["Jansen", "a"])]
    assert [(p.row_no, p.message) for p in table.problems] == [
        (
            3,
            "row 3: a quote opened in this row is never closed, so lines 3-4 "
            "(the rest of the file) could not be read",
        ),
        (4, "row 4: not read, because the quote opened on line 3 is never closed"),
    ]


def test_a_value_spanning_many_lines_is_one_row_and_does_not_push_the_rows_after_it_down() -> None:
    note = "\n".join(f"line {n}" for n in range(1, 31))
    data = csv_bytes([["Last Name", "Notes"], ["Smit", note], ["Bos", "x"], ["Wit", '"y"']])

    table = read_table(data)

    assert [(r.row_no, r.values[0]) for r in table.rows] == [(2, "Smit"), (3, "Bos"), (4, "Wit")]
    assert table.rows[0].values[1] == note
    assert table.rows[2].values[1] == '"y"'


def test_an_unclosed_quote_before_a_huge_rest_is_rejected_too() -> None:
    rest = "".join(f"Row{n},note\r\n" for n in range(20_000))
    data = f'Last Name,Notes\r\nJansen,ok\r\nSmit,"never closed\r\n{rest}'.encode()

    table = read_table(data)

    assert table.rows == [RawRow(2, ["Jansen", "ok"])]
    assert table.problems[0] == RowProblem(
        3,
        "row 3: a quote opened in this row is never closed, so lines 3-20003 "
        "(the rest of the file) could not be read",
        ["Smit", '"never closed'],
    )
    assert len(table.problems) == 20_001  # every swallowed card is rejected on its own row
    assert table.problems[-1] == RowProblem(
        20_003,
        "row 20003: not read, because the quote opened on line 3 is never closed",
        ["Row19999", "note"],
    )


def test_a_missing_quote_in_an_all_quoted_file_breaks_only_its_own_row() -> None:
    data = b'"Last Name","Notes"\r\n"Jansen","a"\r\n"Smit","b\r\n"Bos","c"\r\n"Wit","d"\r\n'

    table = read_table(data)
    rows = map_rows(table, map_columns(table.header))

    assert [(r.row_no, r.fields and r.fields["last_name"]) for r in rows] == [
        (2, "Jansen"),
        (3, None),
        (4, "Wit"),
    ]
    assert rows[1].error == (
        "row 3: a quoted value is followed by more text before the next delimiter (lines 3-4); "
        "is a quote missing or doubled?"
    )
    assert rows[1].values == ['"Smit"', '"b\r\n"Bos"', '"c"']


def test_text_after_a_closing_quote_rejects_the_row_instead_of_guessing() -> None:
    table = read_table(b'Last Name,Notes\r\nJansen,"a"b\r\nVries,"c"\r\n')

    assert table.rows == [RawRow(3, ["Vries", "c"])]
    assert [p.message for p in table.problems] == [
        "row 2: a quoted value is followed by more text before the next delimiter (line 2); "
        "is a quote missing or doubled?"
    ]


def test_a_quote_inside_an_unquoted_value_is_just_a_character() -> None:
    table = read_table(b'Last Name,Notes\r\nJansen,27" screen\r\nVries,x\r\n')

    assert [r.values for r in table.rows] == [["Jansen", '27" screen'], ["Vries", "x"]]


# --- row numbers as a spreadsheet shows them ------------------------------------------------


def test_a_record_after_a_three_line_cell_is_row_3_not_row_5() -> None:
    data = b'Last Name,Notes\r\nSmit,"one\r\ntwo\r\nthree"\r\nBos,\r\n'

    table = read_table(data)

    assert table.rows == [RawRow(2, ["Smit", "one\r\ntwo\r\nthree"]), RawRow(3, ["Bos", ""])]


def test_a_blank_line_counts_as_a_row_though_it_is_skipped() -> None:
    data = b"Last Name,Email\r\nSmit,\r\n\r\nBos,bos@\r\n"

    table = read_table(data)
    rows = map_rows(table, map_columns(table.header))

    assert [r.row_no for r in table.rows] == [2, 4]
    assert table.skipped == [(3, "blank")]
    assert (rows[1].row_no, rows[1].skip) == (3, "blank")
    assert rows[2].error == 'row 4: column "Email" value "bos@" is not an email address'


def test_rows_after_multi_line_cells_and_blank_lines_are_named_by_their_spreadsheet_row() -> None:
    data = (
        b"Last Name,Email\r\n"  # row 1
        b'"Smit\r\nJr",\r\n'  # row 2, lines 2-3
        b"\r\n"  # row 3, line 4
        b"Bos,bos@\r\n"  # row 4, line 5
        b"Wit,a@x.nl,extra\r\n"  # row 5, line 6
        b'Vos,"b@x.nl"c\r\n'  # row 6, line 7
    )

    table = read_table(data)
    rows = map_rows(table, map_columns(table.header))

    assert [(r.row_no, r.error) for r in rows] == [
        (2, None),
        (3, None),  # skipped: blank
        (4, 'row 4: column "Email" value "bos@" is not an email address'),
        (5, "row 5: 3 values but the header has 2 columns"),
        (
            6,
            "row 6: a quoted value is followed by more text before the next delimiter (line 7); "
            "is a quote missing or doubled?",
        ),
    ]


def test_an_unclosed_quote_on_the_last_line_names_that_one_line() -> None:
    data = b'Last Name,Notes\r\nSmit,"one\r\ntwo"\r\nBos,"never closed\r\n'

    table = read_table(data)

    assert table.problems == [
        RowProblem(
            3,
            "row 3: a quote opened in this row is never closed, so line 4 (the rest of the file) "
            "could not be read",
            ["Bos", '"never closed'],
        )
    ]


def test_the_header_row_counts_a_preamble_record_as_one_row_however_many_lines_it_spans() -> None:
    data = (
        b'Notes:\r\n"Some emails are missing:\r\nsee the help page."\r\n\r\n'
        b"First Name,Last Name,Company\r\nJan,Smit,Acme\r\n"
    )

    table = read_table(data)

    assert (table.header_row_no, table.header[0]) == (4, "First Name")
    assert table.rows == [RawRow(5, ["Jan", "Smit", "Acme"])]


def test_empty_and_repeated_header_names_get_their_own_labels() -> None:
    data = b"Email,,Last Name,Email,\r\na@x.nl,kept,Jansen,b@y.nl,\r\n"

    table = read_table(data)
    plan = map_columns(table.header)
    rows = map_rows(table, plan)

    assert table.header == ["Email", "", "Last Name", "Email", ""]
    assert plan.labels == ("Email", "Column 2", "Last Name", "Email (2)", "Column 5")
    assert rows[0].fields == {
        "last_name": "Jansen",
        "email": "a@x.nl",
        "notes": "Column 2: kept\nEmail (2): b@y.nl",
    }


def test_an_empty_file_is_an_empty_table() -> None:
    table = read_table(b"")

    assert (table.header, table.rows, table.problems) == ([], [], [])
    assert map_rows(table, map_columns(table.header)) == []


# --- recognising other exports -----------------------------------------------------------------

DUTCH_OUTLOOK = [
    "Titel", "Voornaam", "Middelste naam", "Achternaam", "Achtervoegsel", "Bedrijf", "Afdeling",
    "Functie", "Werkadres, straat", "Werkadres, plaats", "Werkadres, postcode",
    "Land/regio (werk)", "Huisadres, plaats", "Telefoon op werk", "Telefoon thuis",
    "Mobiele telefoon", "Categorieën", "E-mailadres", "E-mailtype", "Weergavenaam voor e-mail",
    "E-mailadres 2", "Geslacht", "Notities", "Prioriteit", "Privé", "Gevoeligheid", "Verjaardag",
    "Webpagina",
]  # fmt: skip


def test_the_dutch_outlook_export_is_recognised() -> None:
    values = [
        "Dhr.", "Pieter", "van der", "Berg", "", "Berg Techniek B.V.", "Inkoop", "Hoofd inkoop",
        "Stationsweg 1", "Zwolle", "8011 CZ", "Nederland", "Kampen", "038-1234567", "",
        "06-87654321", "Beurs", "pieter@bergtechniek.nl", "SMTP",
        "Pieter van der Berg (pieter@bergtechniek.nl)", "p.berg@privé.example",
        "Niet-gespecificeerd", "Wil offerte", "Normaal", "Onwaar", "Normaal", "0-0-00",
        "www.bergtechniek.nl",
    ]  # fmt: skip

    fields = one(csv_bytes([DUTCH_OUTLOOK, values], encoding="cp1252"))

    assert fields == {
        "first_name": "Pieter",
        "last_name": "van der Berg",
        "company": "Berg Techniek B.V.",
        "email": "pieter@bergtechniek.nl",
        "phone": "038-1234567",
        "mobile": "06-87654321",
        "job_title": "Hoofd inkoop",
        "website": "www.bergtechniek.nl",
        "city": "Zwolle",
        "country": "Nederland",
        "notes": "Wil offerte\nTitel: Dhr.\nAfdeling: Inkoop\nWerkadres, straat: Stationsweg 1\n"
        "Werkadres, postcode: 8011 CZ\nHuisadres, plaats: Kampen\nCategorieën: Beurs\n"
        "E-mailadres 2: p.berg@privé.example",
    }


def test_the_old_google_contacts_export_is_recognised() -> None:
    header = [
        "Name", "Given Name", "Additional Name", "Family Name", "Group Membership",
        "E-mail 1 - Type", "E-mail 1 - Value", "Phone 1 - Type", "Phone 1 - Value",
        "Phone 2 - Type", "Phone 2 - Value", "Organization 1 - Type", "Organization 1 - Name",
        "Organization 1 - Title", "Birthday",
    ]  # fmt: skip
    values = [
        "Anna van 't Hek", "Anna", "", "van 't Hek", "* My Contacts ::: Klanten", "* Work",
        "anna@hek.example", "Work", "030-111", "Mobile", "06-222", "", "Hek B.V.", "Directeur",
        "",
    ]  # fmt: skip

    fields = one(csv_bytes([header, values]))

    assert fields == {
        "first_name": "Anna",
        "last_name": "van 't Hek",
        "company": "Hek B.V.",
        "email": "anna@hek.example",
        "phone": "030-111",
        "mobile": "06-222",
        "job_title": "Directeur",
        "notes": "Group Membership: Klanten",
    }


def test_the_thunderbird_export_is_recognised() -> None:
    header = [
        "First Name", "Last Name", "Display Name", "Nickname", "Primary Email",
        "Secondary Email", "Work Phone", "Home Phone", "Mobile Number", "Work City",
        "Work Country", "Job Title", "Department", "Organization", "Web Page 1", "Notes",
    ]  # fmt: skip
    values = [
        "Lotte", "Smit", "Lotte Smit", "", "lotte@smit.example", "", "0318-1", "", "06-3",
        "Ede", "Nederland", "CFO", "Finance", "Smit BV", "https://smit.example", "",
    ]  # fmt: skip

    fields = one(csv_bytes([header, values]))

    assert fields == {
        "first_name": "Lotte",
        "last_name": "Smit",
        "company": "Smit BV",
        "email": "lotte@smit.example",
        "phone": "0318-1",
        "mobile": "06-3",
        "job_title": "CFO",
        "website": "https://smit.example",
        "city": "Ede",
        "country": "Nederland",
        "notes": "Department: Finance",
    }


def test_generic_dutch_scanner_headers_are_recognised_and_a_full_name_is_split() -> None:
    data = csv_bytes(
        [
            ["Naam", "Bedrijfsnaam", "E-mail", "Telefoon", "Functie", "Plaats", "Land", "Waarde"],
            [
                "Anna van 't Hek",
                "Hek BV",
                "anna@hek.nl",
                "030-1",
                "CEO",
                "Utrecht",
                "NL",
                "€ 1.000",
            ],
        ],
        delimiter=";",
    )

    assert one(data) == {
        "first_name": "Anna",
        "last_name": "van 't Hek",
        "company": "Hek BV",
        "email": "anna@hek.nl",
        "phone": "030-1",
        "job_title": "CEO",
        "city": "Utrecht",
        "country": "NL",
        "estimated_value": "1000.00",
    }


@pytest.mark.parametrize(
    "header", ["E-MAIL ADRES", "e_mail-adres", "Émail", " email ", "E-mail Address", "Email."]
)
def test_matching_ignores_case_spacing_punctuation_and_accents(header: str) -> None:
    assert one(csv_bytes([["Company", header], ["Acme", "a@b.nl"]]))["email"] == "a@b.nl"


def test_a_title_column_is_the_job_title_only_without_a_better_one() -> None:
    alone = csv_bytes([["Last Name", "Title"], ["Smit", "Buyer"]])
    with_job = csv_bytes([["Last Name", "Title", "Job Title"], ["Smit", "Dr.", "Buyer"]])

    assert one(alone) == {"last_name": "Smit", "job_title": "Buyer"}
    assert one(with_job) == {"last_name": "Smit", "job_title": "Buyer", "notes": "Title: Dr."}


def test_the_best_of_several_columns_wins_and_the_others_go_to_the_notes() -> None:
    header = ["Last Name", "Home Phone", "Business Phone", "E-mail Address", "E-mail 2 Address"]

    both = one(csv_bytes([header, ["Smit", "1", "2", "a@x.nl", "b@x.nl"]]))
    fallback = one(csv_bytes([header, ["Smit", "1", "", "", "b@x.nl"]]))

    assert (both["phone"], both["email"]) == ("2", "a@x.nl")
    assert both["notes"] == "Home Phone: 1\nE-mail 2 Address: b@x.nl"
    assert (fallback["phone"], fallback["email"], "notes" in fallback) == ("1", "b@x.nl", False)


def test_a_full_name_column_fills_in_only_when_first_and_last_name_are_empty() -> None:
    header = ["First Name", "Last Name", "Display Name", "Company"]
    data = csv_bytes(
        [
            header,
            ["", "", "Jan de Vries", ""],
            ["Jan", "Vries", "Jan Vries", ""],
            ["", "Smit", "Sm", ""],
        ]
    )

    assert fields_of(mapped(data)) == [
        {"first_name": "Jan", "last_name": "de Vries"},
        {"first_name": "Jan", "last_name": "Vries"},
        {"last_name": "Smit", "notes": "Display Name: Sm"},
    ]


def test_an_outlook_middle_name_particle_moves_to_the_last_name() -> None:
    header = ["First Name", "Middle Name", "Last Name"]
    data = csv_bytes(
        [header, ["Jan", "van 't", "Hek"], ["Anna", "Maria", "Smit"], ["Bo", "de", "de Wit"]]
    )

    assert fields_of(mapped(data)) == [
        {"first_name": "Jan", "last_name": "van 't Hek"},
        {"first_name": "Anna Maria", "last_name": "Smit"},
        {"first_name": "Bo", "last_name": "de Wit"},
    ]


def test_a_tussenvoegsel_column_goes_in_front_of_the_last_name() -> None:
    data = csv_bytes([["Voornaam", "Tussenvoegsel", "Achternaam"], ["Jan", "de", "Vries"]])

    assert one(data) == {"first_name": "Jan", "last_name": "de Vries"}


def test_unrecognised_columns_become_note_lines_and_empty_cells_add_nothing() -> None:
    data = csv_bytes(
        [["Badge", "Last Name", "Rating", "Booth", "Notes"], ["B-7", "Smit", "hot", "", "call"]]
    )

    assert one(data) == {"last_name": "Smit", "notes": "call\nBadge: B-7\nRating: hot"}


def test_placeholder_dates_and_export_defaults_add_nothing() -> None:
    header = ["Last Name", "Birthday", "Anniversary", "Priority", "Sensitivity", "Private"]

    plain = one(csv_bytes([header, ["Smit", "0/0/00", "0-0-00", "Normal", "Normal", "False"]]))
    real = one(csv_bytes([header, ["Smit", "1/2/80", "", "High", "Normal", "True"]]))

    assert plain == {"last_name": "Smit"}
    assert real["notes"] == "Birthday: 1/2/80\nPriority: High\nPrivate: True"


def test_a_row_with_only_export_details_is_skipped_but_one_with_data_is_rejected() -> None:
    data = csv_bytes(
        [["Last Name", "Connected On", "Booth"], ["", "1 May 2026", ""], ["", "", "4B"]]
    )

    rows = mapped(data)

    assert [(r.row_no, r.error) for r in rows] == [(3, "row 3: needs a last name or a company")]


def test_a_row_breaking_several_rules_names_them_all() -> None:
    data = csv_bytes([["First Name", "Email", "Value"], ["Jan", "jan@", "-5"]])

    assert mapped(data)[0].error == (
        'row 2: column "Email" value "jan@" is not an email address; '
        'column "Value" value "-5" is negative; an amount must be 0 or more; '
        "needs a last name or a company"
    )


def test_multi_value_cells_give_the_first_value_and_keep_the_rest() -> None:
    data = csv_bytes(
        [["Last Name", "Email", "Phone"], ["Smit", "a@x.nl ::: b@x.nl ::: c@x.nl", "1"]]
    )

    assert one(data) == {
        "last_name": "Smit",
        "email": "a@x.nl",
        "phone": "1",
        "notes": "Email: b@x.nl ::: c@x.nl",
    }


def test_a_row_with_values_only_in_skipped_columns_is_an_empty_row() -> None:
    data = csv_bytes(
        [["Last Name", "Email", "Photo"], ["Smit", "a@x.nl ::: b@x.nl", ""], ["", "", "x.jpg"]]
    )

    assert [r.row_no for r in mapped(data)] == [2]


def test_windows_line_ends_inside_notes_become_plain_line_ends() -> None:
    data = csv_bytes([["Last Name", "Notes", "Booth"], ["Smit", "a\r\nb", "x\r\ny"]])

    assert one(data)["notes"] == "a\nb\nBooth: x\ny"


def test_every_lead_field_is_a_field_of_the_lead_model_and_of_lead_add() -> None:
    from salesflow.models import Lead
    from salesflow.pipeline.leads import LEAD_FIELDS as ADD_FIELDS

    assert set(LEAD_FIELDS) <= set(Lead.model_fields)
    assert set(LEAD_FIELDS) == set(ADD_FIELDS)


# --- --map and describing the plan -------------------------------------------------------------

SCANNER = [["Badge Company", "Badge Name", "Scan ID", "Title"], ["Acme", "Jan Smit", "77", "CTO"]]


def test_map_options_map_odd_headers() -> None:
    overrides = parse_map_options(["Badge Company=company", "badge name = Name", "Scan ID=skip"])

    fields = one(csv_bytes(SCANNER), overrides=overrides)

    assert overrides == {"Badge Company": "company", "badge name": "Name", "Scan ID": "skip"}
    assert fields == {
        "first_name": "Jan",
        "last_name": "Smit",
        "company": "Acme",
        "job_title": "CTO",
    }


def test_a_map_option_beats_the_recognised_meaning() -> None:
    data = csv_bytes([["Last Name", "Company", "Notes"], ["Smit", "Acme", "Beta"]])

    fields = one(data, overrides={"Notes": "company"})

    assert fields == {"last_name": "Smit", "company": "Beta", "notes": "Company: Acme"}


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("Badge Company", '--map "Badge Company" must look like "Column=field"'),
        ("=company", '--map "=company" must look like "Column=field"'),
        (
            "Badge=emial",
            '--map "Badge=emial": "emial" is not a lead field; use one of first_name, last_name, '
            "company, email, phone, mobile, job_title, website, city, country, source, topic, "
            "estimated_value, notes, name, middle_name, tussenvoegsel, skip",
        ),
    ],
)
def test_a_malformed_map_option_is_a_usage_error(item: str, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_map_options([item])

    assert str(raised.value) == message


def test_a_map_option_may_name_a_column_by_its_label() -> None:
    data = csv_bytes([["Last Name", "", "Email", "Email"], ["Smit", "Acme", "a@x.nl", "b@x.nl"]])

    fields = one(data, overrides={"Column 2": "company", "Email (2)": "skip"})

    assert fields == {"last_name": "Smit", "company": "Acme", "email": "a@x.nl"}


def test_a_map_option_for_a_column_the_file_lacks_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as raised:
        map_columns(["Name", "Firm"], overrides={"Company": "company"})

    assert str(raised.value) == (
        '--map names column "Company", which the file does not have ("Name", "Firm")'
    )


def test_the_mapping_is_described_column_by_column() -> None:
    header = [
        "Voornaam",
        "Achternaam",
        "Bedrijf",
        "Waarde",
        "Business Phone",
        "Home Phone",
        "Booth",
    ]
    plan = map_columns([*header, "Verjaardag", "Scan ID"], overrides={"Scan ID": "skip"})

    assert describe_mapping(plan) == [
        ("Voornaam", "first_name"),
        ("Achternaam", "last_name"),
        ("Bedrijf", "company"),
        ("Waarde", "estimated_value (amount)"),
        ("Business Phone", "phone (first choice of 2)"),
        ("Home Phone", "phone (choice 2 of 2; else notes)"),
        ("Booth", 'notes, as "Booth: value"'),
        ("Verjaardag", 'notes, as "Verjaardag: value" (export detail) (date)'),
        ("Scan ID", "skipped [--map]"),
    ]
    assert plan.warnings == ()


def test_a_plan_without_a_last_name_company_or_full_name_warns() -> None:
    plan = map_columns(["Voornaam", "E-mail"])

    assert plan.warnings == (
        "no column is a last name, a company or a full name, so every row will be rejected; "
        'map one, e.g. --map "Surname=last_name"',
    )


# --- profiles ----------------------------------------------------------------------------------

PROFILE = """
source = "Beurs Utrecht 2026"
date_format = "%d-%m-%Y %H:%M"
dates = ["Scan moment"]

[columns]
"Badge Company" = "Company"
"Badge Name" = "name"
"Scan ID" = "skip"

[[skip]]
column = "Badge Type"
equals = ["Exhibitor", "staff"]

[[skip]]
column = "Badge Name"
empty = true
"""


def test_a_profile_is_parsed() -> None:
    profile = parse_profile(PROFILE)

    assert profile == Profile(
        columns={"Badge Company": "company", "Badge Name": "name", "Scan ID": "skip"},
        skip=(
            SkipRule("Badge Type", equals=("Exhibitor", "staff")),
            SkipRule("Badge Name", empty=True),
        ),
        source="Beurs Utrecht 2026",
        date_format="%d-%m-%Y %H:%M",
        dates=("Scan moment",),
    )
    assert profile.skip[0].describe() == 'skip rows where "Badge Type" is "Exhibitor" or "staff"'


def test_a_profile_maps_skips_dates_and_sources_rows() -> None:
    data = csv_bytes(
        [
            ["Badge Company", "Badge Name", "Badge Type", "Scan ID", "Scan moment", "Source"],
            ["Acme", "Jan de Vries", "Visitor", "1", "03-11-2026 14:05", ""],
            ["Beta", "Piet Smit", "Staff", "2", "03-11-2026 14:06", ""],
            ["Gamma", "", "Visitor", "3", "03-11-2026 14:07", ""],
            ["Delta", "Els Bos", "Visitor", "4", "0-0-00", "Website"],
        ]
    )

    rows = mapped(data, profile=parse_profile(PROFILE))

    assert [(r.row_no, r.fields) for r in rows] == [
        (
            2,
            {
                "first_name": "Jan",
                "last_name": "de Vries",
                "company": "Acme",
                "source": "Beurs Utrecht 2026",
                "notes": "Badge Type: Visitor\nScan moment: 2026-11-03 14:05",
            },
        ),
        (
            5,
            {
                "first_name": "Els",
                "last_name": "Bos",
                "company": "Delta",
                "source": "Website",
                "notes": "Badge Type: Visitor",
            },
        ),
    ]


def test_a_profile_describes_where_its_mapping_came_from() -> None:
    plan = map_columns(["Badge Company", "Last Name"], profile=parse_profile(PROFILE))

    assert describe_mapping(plan) == [
        ("Badge Company", "company [profile]"),
        ("Last Name", "last_name"),
    ]
    assert plan.warnings == (
        'the profile\'s rule "skip rows where "Badge Type" is "Exhibitor" or "staff"" does not '
        'apply: the file has no column "Badge Type"',
        'the profile\'s rule "skip rows where "Badge Name" is empty" does not apply: the file has '
        'no column "Badge Name"',
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("source = ", "mapping profile is not valid TOML: Invalid value (at end of document)"),
        ('sourse = "x"', 'mapping profile has an unknown setting "sourse"; known settings: '
         "source, date_format, dates, encoding, delimiter, columns, skip"),
        ('[columns]\n"A" = "emial"', 'mapping profile: column "A" maps to "emial" is not a lead '
         "field; use one of first_name, last_name, company, email, phone, mobile, job_title, "
         "website, city, country, source, topic, estimated_value, notes, name, middle_name, "
         "tussenvoegsel, skip"),
        ("[columns]\n\"A\" = 3", 'mapping profile: column "A" must map to a field name in quotes'),
        ('[[skip]]\ncolumn = "A"', 'mapping profile: skip rule 1 for "A" needs equals = "..." or '
         "empty = true"),
        ("[[skip]]\nequals = 'x'", "mapping profile: skip rule 1 needs a column"),
        ('[[skip]]\ncolumn = "A"\nwhen = "x"', 'mapping profile: skip rule 1 has an unknown key '
         '"when" (use column, equals, empty)'),
        ('date_format = "dd-mm-yyyy"', 'mapping profile: date_format "dd-mm-yyyy" has no '
         '%-codes; e.g. "%d-%m-%Y %H:%M"'),
        ('encoding = "klingon"', 'mapping profile: encoding "klingon" is unknown'),
        ('delimiter = "ab"', 'mapping profile: delimiter "ab" cannot be used'),
        ("source = 3", "mapping profile: source must be text in quotes"),
    ],
)  # fmt: skip
def test_a_broken_profile_is_refused_naming_the_setting(text: str, message: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_profile(text)

    assert str(raised.value) == message


def test_a_profile_may_set_encoding_and_delimiter() -> None:
    profile = parse_profile('encoding = "Windows-1252"\ndelimiter = "tab"')

    assert (profile.encoding, profile.delimiter) == ("cp1252", "\t")


# --- single values -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("12.500,00", "12500.00"),
        ("12,500.00", "12500.00"),
        ("€ 1.000", "1000"),
        ("1000", "1000"),
        ("2.750,50", "2750.50"),
        ("1,5", "1.5"),
        ("0,125", "0.125"),
        ("1.000.000", "1000000"),
        ("1,234,567.89", "1234567.89"),
        ("EUR 1.250,-", "1250"),
        ("12 500,00 €", "12500.00"),
        ("$ 99.95", "99.95"),
        ("1'250.00", "1250.00"),
        ("-3,50", "-3.50"),
        (" 7 ", "7"),
        (".5", "0.5"),
    ],
)
def test_amounts_are_read_in_dutch_and_english_form(text: str, amount: str) -> None:
    assert parse_import_amount(text) == Decimal(amount)


@pytest.mark.parametrize(
    "text", ["abc", "", "1.2.3", "1,00,000", "12,5.00", "1e5", "€", "٣", "--5"]
)
def test_what_is_not_an_amount_is_refused(text: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_import_amount(text)

    assert str(raised.value) == f'"{text}" is not an amount'


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("Jan de Vries", "Jan", "de Vries"),
        ("Anna van 't Hek", "Anna", "van 't Hek"),
        ("Anna van ’t Hek", "Anna", "van ’t Hek"),
        ("Jan Willem van der Berg", "Jan Willem", "van der Berg"),
        ("Teun ter Horst", "Teun", "ter Horst"),
        ("Ludwig von Mises", "Ludwig", "von Mises"),
        ("Van Morrison", "Van", "Morrison"),
        ("Maria García López", "Maria García", "López"),
        ("  Jan   Smit ", "Jan", "Smit"),
        ("Vries, Jan de", "Jan", "de Vries"),
        ("Cher", "", "Cher"),
        ("Anna van", "Anna", "van"),
        ("", "", ""),
        (",", "", ""),
        (" , ", "", ""),
    ],
)
def test_a_full_name_is_split_keeping_particles_with_the_last_name(
    text: str, first: str, last: str
) -> None:
    assert split_full_name(text) == (first, last)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+31 6 1234", "'+31 6 1234"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Jan = Piet", "Jan = Piet"),
        ("", ""),
    ],
)
def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(
    text: str, expected: str
) -> None:
    assert neutralise_cell(text) == expected


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("jan@acme.nl", True),
        ("Jan.De.Vries+beurs@sub.acme.co.uk", True),
        ("not-an-email", False),
        ("@acme.nl", False),
        ("jan@acme", False),
        ("jan@acme.", False),
        ("jan@acme..nl", False),
        ("jan@@acme.nl", False),
        ("jan@a@acme.nl", False),
        ("jan smit@acme.nl", False),
        ("jan@acme.nl\u00a0", False),
    ],
)
def test_the_email_syntax_check(text: str, valid: bool) -> None:
    assert is_email(text) is valid


# --- properties --------------------------------------------------------------------------------

HEADER = ["First Name", "Last Name", "Notes"]
C1 = "".join(map(chr, range(0x80, 0xA0)))  # never read as they are (see `decode`)
NO_NUL = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufeff" + C1)
CP1252 = st.sampled_from(list(bytes(range(1, 256)).decode("cp1252", errors="ignore")))


def written(rows: Sequence[list[str] | None], delimiter: str) -> str:
    """The header and `rows` as csv.writer writes them; None is a blank line."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        if row is None:
            out.write("\r\n")
        else:
            writer.writerow(row)
    return out.getvalue()


def spreadsheet_rows(rows: list[list[str] | None]) -> list[RawRow]:
    """The rows a reader keeps, numbered as a spreadsheet shows them: the header is row 1 and
    every written row, blank or wholly empty ones included, is one row."""
    return [
        RawRow(n, row)
        for n, row in enumerate(rows, start=2)
        if row is not None and "".join(row).strip()
    ]


def rows_of(cells: st.SearchStrategy[str]) -> st.SearchStrategy[list[list[str]]]:
    row = st.lists(cells, min_size=3, max_size=3).filter(lambda r: "".join(r).strip() != "")
    return st.lists(row, max_size=6)


def rows_and_blanks_of(cells: st.SearchStrategy[str]) -> st.SearchStrategy[list[list[str] | None]]:
    """Rows, wholly empty rows and blank lines (None), in any order."""
    row = st.lists(cells, min_size=3, max_size=3)
    return st.lists(st.none() | row, max_size=8)


ENCODINGS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8 bom": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "utf-16 le bom": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf-16 be bom": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "utf-32 bom": lambda text: codecs.BOM_UTF32_LE + text.encode("utf-32-le"),
}


@given(
    rows=rows_and_blanks_of(st.text(NO_NUL, max_size=10)),
    delimiter=st.sampled_from(DELIMITERS),
    encoding=st.sampled_from(sorted(ENCODINGS)),
)
def test_any_text_written_as_csv_reads_back_identically_numbered_as_spreadsheet_rows(
    rows: list[list[str] | None], delimiter: str, encoding: str
) -> None:
    text = written(rows, delimiter)

    table = read_table(ENCODINGS[encoding](text), delimiter=delimiter)

    assert table.header == HEADER
    assert table.header_row_no == 1
    assert table.rows == spreadsheet_rows(rows)
    assert table.problems == []


@given(
    rows=rows_of(
        st.text(
            st.characters(
                blacklist_characters=",;\t|\x00\ufeff" + C1, blacklist_categories=("Cs",)
            ),
            max_size=10,
        )
    ),
    delimiter=st.sampled_from(DELIMITERS),
)
def test_the_sniffer_finds_the_delimiter_csv_writer_used(
    rows: list[list[str]], delimiter: str
) -> None:
    text = written(rows, delimiter)

    table = read_table(text.encode())

    assert table.delimiter == delimiter
    assert [r.values for r in table.rows] == rows


@pytest.mark.slow  # a long property run
@given(rows=rows_of(st.text(CP1252, max_size=10)), delimiter=st.sampled_from(DELIMITERS))
def test_any_windows_1252_text_reads_back_identically(
    rows: list[list[str]], delimiter: str
) -> None:
    text = written(rows, delimiter)

    table = read_table(text.encode("cp1252"), encoding="cp1252", delimiter=delimiter)

    assert [r.values for r in table.rows] == rows


PIECES = st.sampled_from(["a", " ", ",", ";", '"', '""', "\r", "\n", "\r\n", "\u2028"])


@given(text=st.lists(PIECES, max_size=30).map("".join))
def test_the_fast_line_reader_agrees_with_the_csv_module(text: str) -> None:
    lines = _split_lines(text)

    by_line, broken_by_line = _records_by_line(lines, ",")
    by_csv, broken_by_csv = _records_by_csv(lines, ",")

    def same(records: list[RawRow]) -> list[tuple[int, list[str]]]:
        return [(n, values or [""]) for n, values in records]

    assert same(by_line) == same(by_csv)
    assert broken_by_line == broken_by_csv


QUOTED = st.lists(PIECES, max_size=6).map(lambda pieces: '"' + "".join(pieces) + '"')
RECORDS = st.lists(st.lists(QUOTED | PIECES, max_size=4).map("".join), max_size=8).map("\r\n".join)
"""Text whose quoted values often span lines or break (more than half the examples)."""


@given(text=RECORDS)
def test_every_record_read_is_one_row_whatever_lines_its_values_span(text: str) -> None:
    lines = _split_lines(text)
    records, broken = _parse_records(lines, ",", len(text))

    rows, problems = _spreadsheet_rows(records, broken)

    by_line = sorted(
        [(r.row_no, "record", r.values) for r in records]
        + [(p.row_no, p.message.partition(": ")[2], p.values) for p in broken]
    )
    by_row = sorted(
        [(r.row_no, "record", r.values) for r in rows]
        + [(p.row_no, p.message.partition(": ")[2], p.values) for p in problems]
    )
    assert [n for n, _, _ in by_row] == list(range(1, len(by_row) + 1))
    assert [item[1:] for item in by_row] == [item[1:] for item in by_line]
    assert all(p.message.startswith(f"row {p.row_no}: ") for p in problems)


@given(value=st.decimals(min_value=0, max_value=10**9, places=2))
def test_an_amount_written_in_dutch_or_english_form_reads_back(value: Decimal) -> None:
    english = f"{value:,.2f}"
    dutch = english.replace(",", " ").replace(".", ",").replace(" ", ".")

    assert parse_import_amount(english) == value
    assert parse_import_amount(dutch) == value


@given(text=st.text(st.characters(blacklist_characters=","), max_size=40))
def test_splitting_a_full_name_loses_no_word(text: str) -> None:
    first, last = split_full_name(text)

    assert " ".join(part for part in (first, last) if part) == " ".join(text.split())


@given(text=st.text(max_size=20))
def test_a_neutralised_cell_never_starts_a_formula_and_keeps_the_text(text: str) -> None:
    safe = neutralise_cell(text)

    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert safe in (text, "'" + text)


# --- purity ------------------------------------------------------------------------------------

ALLOWED_IMPORTS = {
    "__future__", "bisect", "codecs", "collections", "contextlib", "csv", "dataclasses",
    "datetime", "decimal", "io", "itertools", "operator", "tomllib", "typing",
    "unicodedata", "salesflow", "re", "quopri",
    "vobject", "python_calamine",  # parsers of vCards and workbooks, imported on use
}  # fmt: skip
ALLOWED_SALESFLOW = {"salesflow.errors", "salesflow.pipeline.matching", "salesflow.pipeline.money"}


@pytest.mark.parametrize("module", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_the_importer_uses_only_the_standard_library_and_money(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    calls = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }

    assert {name.split(".")[0] for name in names} <= ALLOWED_IMPORTS
    salesflow_names = {n for n in names if n.startswith("salesflow")}
    assert {
        n for n in salesflow_names if not n.startswith("salesflow.importer")
    } <= ALLOWED_SALESFLOW
    assert "open" not in calls
    assert not any(word in module.read_text(encoding="utf-8") for word in (".now(", ".today("))
