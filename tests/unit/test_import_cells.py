"""The fast way through `lead import`: a file whose columns each feed one lead field goes to
`plan_import` as cells (`import_rows`), and every decision, document, message and event must be
exactly what the general way (`map_rows`, then `lead add`'s checks) gives for the same file."""

from __future__ import annotations

import csv
import dataclasses
import io
import sys
import unicodedata
from collections.abc import Set as AbstractSet
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesflow.importer import (
    CellTable,
    MappedRow,
    Profile,
    import_rows,
    is_email,
    map_columns,
    map_rows,
    read_table,
)
from salesflow.importer.cards import read_cards
from salesflow.models import Lead, LeadReason, LeadStatus
from salesflow.pipeline.fields import check_email
from salesflow.pipeline.imports import ImportPlan, Known, known_names, lead_name_key, plan_import
from salesflow.pipeline.matching import _MARKS, fold, name_key
from tests.conftest import NOW, TODAY

PLAIN_HEADERS = [
    ["First Name", "Last Name", "Company", "Email", "Phone", "Job Title", "Estimated value"],
    ["Company", "E-mail", "Notes", "Source", "Estimated value", "City"],
    ["Email", "Last Name"],
    ["Company"],
    ["First Name", "Email", "Phone"],
    ["Last Name", "Company", "Email", "Email (work)"],
]
"""Headers whose every column feeds one lead field (the last one: only the first email counts
for the fast way's test, the second goes to the notes, so that file takes the general way)."""

GENERAL_HEADERS = [
    ["Name", "Company", "Email", "Badge ID"],
    ["First Name", "Last Name", "Company", "Email", "Notes", "Registration date"],
]

NAMES = [
    "Jan", "Joëlle", "BJØRN", "Zoë", "Ann  Marie", "O'Brien", "de Vries", "van 't Hof",
    "MÜLLER", "Muller", "Straße", "STRASSE", "ﬁona", "Ｊａｎ", "a|b", "a | b", "x\u00a0y", "¨x",
    "'=cmd", "'+31", "'-x", "'@home", "'\tTab", "-Smith", "=SUM(A1)", "Acme", "ACME", " Acme ",
    "Nordlys  AS", "Line\nBreak BV", 'Quote "Inc"', "Fischer, de Groot & Partners", "\t", " ",
    "", "", "",
]  # fmt: skip
EMAILS = [
    "sanne@acme.example", "SANNE@Acme.Example", " sanne@acme.example ", "nope", "a@b", "a@b.c",
    "a@@b.com", "a@b..com", "a b@c.com", "a@b.com.", "ä@ü.de", "x@y.z\u200b", "'=a@b.com",
    "'a@b.com", "ß@straße.de", "SS@STRASSE.DE", "l.nowak@example.pl", "a@b.c\t", "", "", "",
]  # fmt: skip
AMOUNTS = [
    "12500", "12.500,00", "12,500.00", "1,234.50", "€ 1.000", "1.250,-", "-5", "abc", "0", "-0",
    "007", "1.005", "2,5", "999999999999", "1000000000000", "1e5", "١٢", "$ 99.999", "1 000",
    ".5", "5.", "+7", "1,2,3", "0.005", "99999999999.995", "'-5", "", "", "",
]  # fmt: skip
SOURCES = ["Website", " Beurs ", "'=src", "", ""]
NOTES = ["met at lunch", "line1\r\nline2", "a\rb", "  padded  ", "'=HYPERLINK()", "", ""]

CELLS = {
    "First Name": NAMES,
    "Last Name": NAMES,
    "Company": NAMES,
    "Name": NAMES,
    "Email": EMAILS,
    "E-mail": EMAILS,
    "Email (work)": EMAILS,
    "Phone": ["+31 20 555 0101", "'+31 20 555 0101", "", "06-1234"],
    "Job Title": ["CTO", "", " Owner "],
    "City": ["Utrecht", "Zürich", "", "'-x"],
    "Estimated value": AMOUNTS,
    "Notes": NOTES,
    "Source": SOURCES,
    "Badge ID": ["", "B-1"],
    "Registration date": ["", "2026-03-01", "0/0/00"],
}
ANY_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8
)

EXISTING = [
    Lead(
        number="L-0900",
        first_name="Sanne",
        last_name="de Vries",
        company="Acme",
        email="sanne@acme.example",
        notes="met before",
        created_on=TODAY,
    ),
    Lead(
        number="L-0901",
        first_name="Bjørn",
        last_name="Olsen",
        company="Nordlys AS",
        created_on=TODAY,
    ),
    Lead(
        number="L-0902",
        last_name="Muller",
        company="Acme",
        status=LeadStatus.QUALIFIED,
        status_reason=LeadReason.QUALIFIED,
        created_on=TODAY,
    ),
]


def cell(column: str) -> st.SearchStrategy[str]:
    known = st.sampled_from(CELLS[column])
    return st.one_of(known, known, known, ANY_TEXT)  # mostly values that say something


@st.composite
def files(draw: st.DrawFn, headers: list[list[str]]) -> tuple[list[str], bytes]:
    """(header, the file's bytes)."""
    header = draw(st.sampled_from(headers))
    pool: list[list[str]] = []
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        if pool and draw(st.booleans()):
            row = list(draw(st.sampled_from(pool)))  # a duplicate, perhaps in another case
            at = draw(st.integers(0, len(row) - 1))
            row[at] = draw(st.sampled_from([row[at].upper(), row[at].lower(), f" {row[at]} ", ""]))
        else:
            row = [draw(cell(column)) for column in header]
        pool.append(row)
        shape = draw(st.sampled_from(["as is"] * 8 + ["short", "long", "blank"]))
        if shape == "short":
            row = row[:-1]
        elif shape == "long":
            row = [*row, draw(st.sampled_from(["", "extra"]))]
        elif shape == "blank":
            row = [""] * len(row)
        rows.append(row)
    out = io.StringIO()
    newline = draw(st.sampled_from(["\r\n", "\n"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    csv.writer(out, lineterminator=newline, quoting=quoting).writerows([header, *rows])
    text = out.getvalue() + draw(st.sampled_from(["", "", 'Broken,"unterminated\n']))
    return header, text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig"])))


@st.composite
def options(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "on_duplicate": draw(st.sampled_from(["skip", "update"])),
        "fill_source": draw(st.booleans()),
        "source": draw(st.sampled_from(["cards.csv", " spaced ", "'=evil", ""])),
        "profile_source": draw(st.sampled_from([None, "Profile source", " ", "'+x"])),
        "emails": draw(
            st.dictionaries(
                st.sampled_from(["sanne@acme.example", "l.nowak@example.pl", "ss@strasse.de"]),
                st.sampled_from(["L-0900", "L-0902", "CON-0002"]),
            )
        ),
        "names": draw(st.booleans()),
        "first_number": draw(st.sampled_from([1, 998, 9999])),  # 4 digits and more
        "batch": draw(st.sampled_from(["IMP-0004", ""])),
    }


def run(rows: Any, given: dict[str, Any]) -> tuple[ImportPlan, int]:
    calls: list[int] = []

    def names(wanted: AbstractSet[str] | None) -> dict[str, str]:
        calls.append(1)
        if not given["names"]:
            return {}
        leads = [(lead.first_name, lead.last_name, lead.company, lead.number) for lead in EXISTING]
        return known_names(leads, wanted)  # the general way asks for all: wanted is None

    by_number = {lead.number: lead for lead in EXISTING}
    plan = plan_import(
        rows,
        known=Known(dict(given["emails"]), names),
        load_lead=lambda number: by_number[number],
        on_duplicate=given["on_duplicate"],
        source=given["source"],
        batch=given["batch"],
        first_number=given["first_number"],
        file_name="cards.csv",
        today=TODAY,
        now=NOW,
        fill_source=given["fill_source"],
    )
    return plan, len(calls)


def both_ways(data: bytes, given: dict[str, Any]) -> tuple[Any, ImportPlan, ImportPlan, int, int]:
    table = read_table(data, delimiter=",")
    profile = Profile(source=given["profile_source"]) if given["profile_source"] else None
    plan = map_columns(table.header, profile=profile)
    cells = import_rows(table, plan, profile)
    fast, fast_calls = run(cells, given)
    general, general_calls = run(map_rows(table, plan, profile), given)
    return cells, fast, general, fast_calls, general_calls


def assert_same(fast: ImportPlan, general: ImportPlan) -> None:
    # Documents key by key, in order: they are stored as they are.
    assert [list(doc.items()) for doc in fast.new_docs] == [
        list(doc.items()) for doc in general.new_docs
    ]
    assert fast.outcomes == general.outcomes
    assert fast.rejected == general.rejected
    assert [e.model_dump() for e in fast.events] == [e.model_dump() for e in general.events]
    assert [lead.model_dump() for lead in fast.updated] == [
        lead.model_dump() for lead in general.updated
    ]


@pytest.mark.slow
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(file=files(PLAIN_HEADERS), given=options())
def test_a_file_of_plain_columns_imports_the_same_as_cells_as_mapped_rows(
    file: tuple[list[str], bytes], given: dict[str, Any]
) -> None:
    header, data = file
    cells, fast, general, fast_calls, general_calls = both_ways(data, given)

    table = read_table(data, delimiter=",")
    plain = not (table.multi_values or table.phone_marks)  # Google's " ::: ", 3E+10, tel:
    if table.header == header and "Email (work)" not in header and plain:
        assert isinstance(cells, CellTable)  # else another header row, or a cell to clean
    assert_same(fast, general)
    # known names are gathered only when a row needs them: for the companies rows without
    # email look for, then all of them if a row that goes the general way may look for others
    assert bool(fast_calls) == bool(general_calls)
    assert fast_calls <= 2


@pytest.mark.slow
@settings(max_examples=50, suppress_health_check=[HealthCheck.too_slow])
@given(file=files(GENERAL_HEADERS), given=options())
def test_a_file_with_other_columns_is_mapped_as_before(
    file: tuple[list[str], bytes], given: dict[str, Any]
) -> None:
    header, data = file
    cells, fast, general, _, _ = both_ways(data, given)

    table = read_table(data, delimiter=",")
    if table.header == header:
        others = [header.index(h) for h in ("Name", "Badge ID", "Registration date") if h in header]
        used = any(row.values[i] for row in table.rows for i in others)
        # columns empty in every row leave the cells' way open
        assert isinstance(cells, list) == (used or table.multi_values or table.phone_marks)
    assert_same(fast, general)


EDGE_ROWS = [
    ["First Name", "Last Name", "Company", "Email", "Notes", "Source", "Estimated value"],
    ["Tom", "Peeters", "Peeters Bouw", "t@p.be", "line1\r\nline2", "", "1.250,-"],
    ["tom", "peeters", "PEETERS BOUW", "", "a\rb", "Website", ""],
    ["Ann  Marie", "de  Vries", "Acme", "", "", " Beurs ", "12,500.00"],
    ["ann marie", "de vries", "ACME", "", "", "", "12500"],
    ["Zoë", "Müller", "Zürich AG", "Z@M.ch", "", "", "0"],
    ["ZOE", "MULLER", "ZURICH AG", "", "x", "", ""],
    ["Bjørn", "Olsen", "Nordlys  AS", "", "", "", "007"],
    ["", "Jansen", "a | b", "", "", "", ".5"],
    ["", "jansen", "a|b", "", "", "", ""],
    ["Sanne", "de Vries", "Acme", " SANNE@acme.example ", "second card", "", "2750.5"],
    ["Sanne", "de Vries", "Acme", "sanne@ACME.example", "", "", ""],
    ["Joost", "", "", "j@x.nl", "no name", "", ""],
    ["", "Pieters", "", "bad@", "", "", ""],
    ["", "Smit", "", "", "", "", "-5"],
    ["", "'=Smit", "'+Co", "", "", "", ""],
    ["", "", "", "", "", "", ""],
    ["", "Muller", "Acme", "", "", "", ""],
    ["", "Olsen", "Nordlys AS", "", "", "", "1000000000000"],
    ["Lisa", "Bos", "Bos BV", "l1@bos.nl", "", "", ""],
    ["LISA", "BOS", "BOS BV", "l2@bos.nl", "", "", ""],
    ["lisa", "bos", "bos bv", "", "", "", ""],
]
"""The fast way's shortcuts, one per row: notes with line breaks, sources filled or not, names
that match only once folded and split, amounts in every form, rows the general way must take."""


@pytest.mark.parametrize("on_duplicate", ["skip", "update"])
@pytest.mark.parametrize("fill_source", [True, False])
@pytest.mark.parametrize("source", ["cards.csv", " spaced ", "'=evil", "", "  "])
@pytest.mark.parametrize("profile_source", [None, "Profile source", " ", "'+x"])
@pytest.mark.parametrize("names", [True, False])
def test_every_shortcut_of_the_fast_way_decides_as_the_general_way(
    on_duplicate: str, fill_source: bool, source: str, profile_source: str | None, names: bool
) -> None:
    out = io.StringIO()
    csv.writer(out).writerows(EDGE_ROWS)
    given = {"on_duplicate": on_duplicate, "fill_source": fill_source, "source": source,
             "profile_source": profile_source, "emails": {"sanne@acme.example": "L-0900"},
             "names": names, "first_number": 1, "batch": "IMP-0004"}  # fmt: skip

    cells, fast, general, fast_calls, general_calls = both_ways(out.getvalue().encode(), given)

    assert isinstance(cells, CellTable)
    assert_same(fast, general)
    assert bool(fast_calls) == bool(general_calls)
    assert fast_calls <= 2


def test_plainly_valid_rows_never_take_the_general_way() -> None:
    rows = [
        ["First Name", "Last Name", "Company", "Email", "Estimated value"],
        ["Joëlle", "Bakker", "Hof Agro", "joelle@hof.example", "12.500,00"],
        ["Ann", "de Vries", "", "", ""],
        ["", "", "Nordlys AS", "SANNE@Acme.Example", "1,234.50"],
    ]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    table = read_table(out.getvalue().encode())
    cells = import_rows(table, map_columns(table.header))
    assert isinstance(cells, CellTable)
    mapped: list[int] = []

    class Counting(CellTable):
        def mapped(self, row_no: int, values: list[str]) -> MappedRow | None:
            mapped.append(row_no)
            return super().mapped(row_no, values)

    counting = Counting(**{f: getattr(cells, f) for f in cells.__dataclass_fields__})
    given = {"on_duplicate": "skip", "fill_source": True, "source": "Beurs", "emails": {},
             "names": False, "first_number": 1, "batch": "IMP-0001"}  # fmt: skip
    plan, _ = run(counting, given)

    assert mapped == []
    assert [doc["number"] for doc in plan.new_docs] == ["L-0001", "L-0002", "L-0003"]
    assert plan.new_docs[0] == {
        "number": "L-0001",
        "first_name": "Joëlle",
        "last_name": "Bakker",
        "company": "Hof Agro",
        "email": "joelle@hof.example",
        "source": "Beurs",
        "estimated_value": "12500.00",
        "status": "open",
        "status_reason": "new",
        "created_on": TODAY.isoformat(),
        "imported_in": "IMP-0001",
    }


# --- the shortcuts the fast way relies on --------------------------------------------------------


def reference_fold(text: str) -> str:
    """Folding as first written: decompose, drop every combining character, fold the case."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def reference_name_key(values: dict[str, Any]) -> str:
    """`name_key` as first written: fold the joined parts, then normalise each part's spaces."""
    first, last, company = values.get("first_name"), values.get("last_name"), values.get("company")
    if not (last and last.strip()):
        return ""  # no name: nobody's duplicate by name
    text = f"{first or ''}|{last or ''}|{company or ''}"
    text = reference_fold(text)
    return "|".join(" ".join(part.split()) for part in text.split("|"))


NAME_TEXT = st.sampled_from(NAMES) | st.text(
    st.sampled_from(list("aAzZ |'\t\n\u00a0\u2003ëØß¨ﬁＪ\u0301K")), max_size=8
)


@given(first=st.none() | NAME_TEXT, last=st.none() | NAME_TEXT, company=st.none() | NAME_TEXT)
def test_a_name_key_is_what_folding_and_splitting_give(
    first: str | None, last: str | None, company: str | None
) -> None:
    values = {"first_name": first, "last_name": last, "company": company}

    assert lead_name_key(values) == reference_name_key(values)


@given(first=NAME_TEXT, last=NAME_TEXT, company=NAME_TEXT)
def test_the_name_key_of_trimmed_cells_is_the_name_key_of_their_values(
    first: str, last: str, company: str
) -> None:
    first, last, company = first.strip(), last.strip(), company.strip()
    if last:
        values = {"first_name": first, "last_name": last, "company": company}
        assert name_key(first, last, company) == reference_name_key(values)


@pytest.mark.slow
@given(
    docs=st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "first_name": st.none() | NAME_TEXT,
                "last_name": st.none() | NAME_TEXT,
                "company": st.none() | NAME_TEXT,
            },
        ),
        max_size=8,
    )
)
def test_known_names_key_every_named_lead_the_first_one_winning(docs: list[dict[str, Any]]) -> None:
    numbered = [{**doc, "number": f"L-{n:04d}"} for n, doc in enumerate(docs, start=1)]
    expected: dict[str, str] = {}
    for doc in numbered:
        if key := reference_name_key(doc):
            expected.setdefault(key, doc["number"])
    leads = [
        (doc.get("first_name"), doc.get("last_name"), doc.get("company"), doc["number"])
        for doc in numbered
    ]

    assert known_names(leads) == expected


@given(text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | NAME_TEXT)
def test_folding_with_a_table_is_folding_character_by_character(text: str) -> None:
    assert fold(text) == reference_fold(text)


def test_the_marks_removed_in_one_pass_are_all_combining_characters() -> None:
    removed = [chr(code) for code in range(0x300, 0x370) if _MARKS.fullmatch(chr(code))]

    assert len(removed) == 0x70 - 1
    assert all(unicodedata.combining(char) for char in removed)
    for text in [
        "a\u034fb",
        "Zoe\u0308 \u00d8lsen \ufb01\u0301",
        "Jose\u0301 Mu\u0308ller",
        "Stra\u00dfe",
    ]:
        assert fold(text) == reference_fold(text)


def test_no_whitespace_is_printable_but_the_space() -> None:
    """Why a printable text with no double space needs no splitting and joining."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char.isspace() and char != " ":
            assert not char.isprintable(), f"U+{code:04X} ({unicodedata.name(char, '?')})"


@pytest.mark.slow  # a long property run
@given(text=st.emails() | st.text(max_size=12) | st.sampled_from(EMAILS))
def test_an_email_the_importer_accepts_passes_lead_adds_check_as_it_is(text: str) -> None:
    if is_email(text):
        assert check_email(text, "row 2") == text.strip()


# --- what the reader tells about a file ----------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "neutralised"),
    [("'=SUM(A1)", True), ("'+31 20", True), ("'-5", True), ("'@home", True), ("O'Brien", False),
     ("van 't Hof", False), ("it's", False)],
)  # fmt: skip
def test_the_reader_says_whether_a_cell_may_be_neutralised(cell: str, neutralised: bool) -> None:
    table = read_table(f"Last Name,Company\r\nJansen,{cell}\r\n".encode())

    assert table.neutralised is neutralised


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_nul_bytes_are_dropped_before_multi_values_are_looked_for(encoding: str) -> None:
    data = "Last Name,Notes\r\nJansen,a :\x00:: b\x00\r\n".encode(encoding)

    table = read_table(data)

    assert table.rows[0].values == ["Jansen", "a ::: b"]
    assert table.multi_values is True
    assert read_table(b"Last Name,Notes\r\nJansen,a : b\r\n").multi_values is False


def test_progress_is_heard_every_5000_rows_as_from_the_general_way() -> None:
    lines = ["Last Name,Email"] + [f"Name {n},n{n}@example.com" for n in range(12_000)]
    lines[7_000] += ",an extra value"  # a broken row between the others
    table = read_table("\r\n".join(lines).encode())
    plan = map_columns(table.header)
    heard: dict[str, list[int]] = {"cells": [], "mapped": []}
    for way, rows in (("cells", import_rows(table, plan)), ("mapped", map_rows(table, plan))):
        plan_import(
            rows,
            known=Known({}, {}),
            load_lead=lambda number: EXISTING[0],
            on_duplicate="skip",
            source="cards.csv",
            batch="IMP-0001",
            first_number=1,
            file_name="cards.csv",
            today=TODAY,
            now=NOW,
            progress=heard[way].append,
        )

    assert heard["cells"] == heard["mapped"] == [5_000, 10_000]


@pytest.mark.parametrize("on_duplicate", ["skip", "update"])
def test_new_documents_are_heard_in_pieces_once_final(on_duplicate: str) -> None:
    lines = ["Last Name,Email,City"] + [f"Name {n},n{n}@example.com," for n in range(12_000)]
    lines[7_000] += ",an extra value"  # a broken row between the others
    lines[9_000] = "Name 3,N3@example.com,Utrecht"  # a duplicate of an earlier new lead
    table = read_table("\r\n".join(lines).encode())
    plan = map_columns(table.header)
    for rows in (import_rows(table, plan), map_rows(table, plan)):
        pieces: list[list[dict[str, Any]]] = []
        heard: list[tuple[int, int]] = []  # (rows done, documents heard of) at each progress

        def progress(done: int, pieces: list[list[Any]] = pieces, heard: list[Any] = heard) -> None:
            heard.append((done, sum(map(len, pieces))))

        result = plan_import(
            rows,
            known=Known({}, {}),
            load_lead=lambda number: EXISTING[0],
            on_duplicate=on_duplicate,
            source="cards.csv",
            batch="IMP-0001",
            first_number=1,
            file_name="cards.csv",
            today=TODAY,
            now=NOW,
            progress=progress,
            decided=lambda docs, pieces=pieces: pieces.append(list(docs)),  # type: ignore[misc]
        )
        assert [doc for piece in pieces for doc in piece] == result.new_docs
        assert len(result.new_docs) == 11_998
        if on_duplicate == "skip":  # at each progress, every document decided so far
            assert [rows_done for rows_done, _ in heard] == [5_000, 10_000]
            assert len(pieces) == 3
            assert [n for _, n in heard] == [len(pieces[0]), len(pieces[0]) + len(pieces[1])]
            assert 4_999 <= len(pieces[0]) <= 5_000
        else:  # the duplicate merged its city into L-0004: heard of at the end only
            assert heard == [(5_000, 0), (10_000, 0)]
            assert len(pieces) == 1
            assert result.new_docs[3]["city"] == "Utrecht"


@pytest.mark.parametrize(
    "columns",
    [(), (("last_name", 0), ("nonsense", 1)), (("last_name", 0), ("last_name", 1))],
    ids=["no columns", "no lead field", "one field twice"],
)
def test_cells_the_fast_way_cannot_take_all_go_the_general_way(
    columns: tuple[tuple[str, int], ...],
) -> None:
    table = read_table(b"Last Name,Email\r\nJansen,j@x.nl\r\nVries,\r\nJansen,J@X.NL\r\n")
    plan = map_columns(table.header)
    cells = import_rows(table, plan)
    assert isinstance(cells, CellTable)
    given = {"on_duplicate": "skip", "fill_source": True, "source": "Beurs", "emails": {},
             "names": False, "first_number": 1, "batch": "IMP-0001"}  # fmt: skip

    odd, _ = run(dataclasses.replace(cells, columns=columns), given)
    general, _ = run(map_rows(table, plan), given)

    assert_same(odd, general)


# --- names keyed only where a row without email may look -----------------------------------------


def plan_of(rows: list[list[str]], **options: Any) -> tuple[ImportPlan, ImportPlan]:
    """The file's plan the fast way and the general way, which keys every name."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    given = {"on_duplicate": "skip", "fill_source": True, "source": "Beurs", "emails": {},
             "names": True, "first_number": 1, "batch": "IMP-0001", "profile_source": None,
             **options}  # fmt: skip
    cells, fast, general, _, _ = both_ways(out.getvalue().encode(), given)
    assert isinstance(cells, CellTable)
    assert_same(fast, general)
    return fast, general


def outcomes_of(plan: ImportPlan) -> list[tuple[int, str, str | None]]:
    return [(o.row_no, o.status, o.number) for o in plan.outcomes]


NAME_HEADER = ["First Name", "Last Name", "Company", "Email", "Phone"]


def test_a_row_without_email_finds_an_earlier_row_with_email_by_name_once_names_are_built() -> None:
    fast, _ = plan_of(
        [
            NAME_HEADER,
            ["", "Smit", "Smit BV", "", ""],  # builds the names
            ["Jan", "Bakker", "Acme", "jan@acme.example", ""],
            ["Zoë", "Müller", "Zürich AG", "z@zag.example", ""],
            ["Ann", "Jansen", "Acme", "ann@acme.example", ""],  # no row looks for it
            ["JAN", "bakker", "ACME", "", ""],
            ["zoe", "MULLER", "Zurich  AG", "", ""],
        ]
    )

    assert outcomes_of(fast) == [
        (2, "imported", "L-0001"),
        (3, "imported", "L-0002"),
        (4, "imported", "L-0003"),
        (5, "imported", "L-0004"),
        (6, "duplicate", "L-0002"),
        (7, "duplicate", "L-0003"),
    ]


def test_a_row_the_general_way_takes_finds_a_name_no_plain_row_looked_for() -> None:
    """The neutralised company is restored the general way, to a company only an earlier row
    with email has: every name is keyed before that row is decided."""
    fast, _ = plan_of(
        [
            NAME_HEADER,
            ["", "Smit", "Smit BV", "", ""],
            ["Ann", "Jansen", "=Acme", "ann@acme.example", ""],
            ["ann", "jansen", "'=acme", "", ""],
            ["Piet", "Vos", "Vos BV", "piet@vos.example", ""],
            ["piet", "vos", "vos bv", "", ""],
        ]
    )

    assert outcomes_of(fast) == [
        (2, "imported", "L-0001"),
        (3, "imported", "L-0002"),
        (4, "duplicate", "L-0002"),
        (5, "imported", "L-0003"),
        (6, "duplicate", "L-0003"),
    ]


@pytest.mark.parametrize(
    "company", ["Acme  BV", "Acme|BV", "Ølsen AS", "Acme\u00a0BV", "Acme\tBV", "Acme BV"]
)
def test_a_company_whose_key_is_not_its_lower_case_is_always_keyed(company: str) -> None:
    shown = " ".join(company.replace("|", " ").split())
    fast, _ = plan_of(
        [
            NAME_HEADER,
            ["", "Smit", "Smit BV", "", ""],
            ["Eva", "Bos", company, "eva@acme.example", ""],
            ["EVA", "BOS", company.upper(), "", ""],
            ["Eva", "Bos", shown, "", ""],
        ]
    )

    assert [o.status for o in fast.outcomes][:3] == ["imported", "imported", "duplicate"]


VARIANTS = [str, str.upper, str.lower, fold, lambda text: f" {text}  ".replace(" ", "  ")]
"""Ways a card may write a name the file already has: the same name key."""


@pytest.mark.slow  # a long property run
@given(
    leads=st.lists(
        st.tuples(st.none() | NAME_TEXT, st.none() | NAME_TEXT, st.none() | NAME_TEXT), min_size=1
    ),
    data=st.data(),
)
def test_known_names_for_some_companies_find_what_all_names_find_for_them(
    leads: list[tuple[str | None, str | None, str | None]], data: st.DataObject
) -> None:
    numbered = [(*lead, f"L-{n:04d}") for n, lead in enumerate(leads, start=1)]
    rows = [
        tuple(data.draw(st.sampled_from(VARIANTS))(part or "").strip() for part in lead)
        for lead in data.draw(st.lists(st.sampled_from(leads), max_size=4))
    ]
    keys = [name_key(*row) for row in rows if row[1] or row[2]]
    keys = [key for key in keys if key.count("|") == 2]
    wanted = {key.rpartition("|")[2] for key in keys}

    some, everyone = known_names(numbered, wanted), known_names(numbered)

    assert {key: some.get(key) for key in keys} == {key: everyone.get(key) for key in keys}


def test_a_stored_lead_left_out_for_its_company_is_found_when_another_name_is_looked_for() -> None:
    """The names are gathered for the companies of rows without email; the row that goes the
    general way looks for "=acme" once restored, which no row asked for: all are gathered."""
    out = io.StringIO()
    csv.writer(out).writerows(
        [NAME_HEADER, ["", "Smit", "Smit BV", "", ""], ["ann", "jansen", "'=acme", "", ""]]
    )
    table = read_table(out.getvalue().encode())
    cells = import_rows(table, map_columns(table.header))
    assert isinstance(cells, CellTable)
    asked: list[AbstractSet[str] | None] = []

    def names(wanted: AbstractSet[str] | None) -> dict[str, str]:
        asked.append(wanted)
        return known_names([("Ann", "Jansen", "=Acme", "L-0042")], wanted)

    plan = plan_import(
        cells,
        known=Known({}, names),
        load_lead=lambda number: EXISTING[0],
        on_duplicate="skip",
        source="Beurs",
        batch="IMP-0001",
        first_number=1,
        file_name="cards.csv",
        today=TODAY,
        now=NOW,
    )

    assert outcomes_of(plan) == [(2, "imported", "L-0001"), (3, "duplicate", "L-0042")]
    assert asked == [{"smit bv", "'=acme"}, None]


@pytest.mark.parametrize("company", ["Acme ", " Acme", "Acme  ", "ACME", "Acmé", "Acme\t"])
def test_a_stored_company_that_folds_to_a_wanted_one_is_kept(company: str) -> None:
    assert known_names([("", "Bos", company, "L-0001")], {"acme"}) == {"|bos|acme": "L-0001"}


# --- columns empty in every row: the fast way all the same ---------------------------------------

EMPTY_HEADERS = [
    ["First Name", "Last Name", "Company", "Email", "Email (work)", "Department", "Middle Name"],
    ["Full Name", "Last Name", "Company", "E-mail", "Phone", "Salutation", "Notes"],
]
"""Headers with columns that are no plain field (a second email, notes, names), each empty in
every row now and then."""

SOMETIMES = {
    "Department": ["", "", "", "Sales"],
    "Middle Name": ["", "", "", "van", "Maria"],
    "Full Name": ["", "", "", "Jan Jansen", "Dr. Ann de Vries"],
    "Salutation": ["", "", "", "Mr"],
    "Email (work)": ["", "", "", "second@acme.example", "a ::: b"],
    "E-mail": ["", "x@y.nl ::: z@y.nl", *EMAILS],
    "Phone": ["", "+31 6 1 ::: +31 6 2", "+31 20 555 0101"],
}


@st.composite
def sometimes_empty_files(draw: st.DrawFn) -> tuple[list[str], bytes]:
    """Files of EMPTY_HEADERS whose extra columns are empty in every row, or not."""
    header = draw(st.sampled_from(EMPTY_HEADERS))
    empty = draw(st.sets(st.sampled_from(header)))
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        row = []
        for column in header:
            if column in empty and column in SOMETIMES:
                row.append("")
            elif column in SOMETIMES:
                row.append(draw(st.sampled_from(SOMETIMES[column])))
            else:
                row.append(draw(cell(column)))
        rows.append(row)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    return header, out.getvalue().encode("utf-8")


@pytest.mark.slow
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(file=sometimes_empty_files(), given=options())
def test_a_file_whose_other_columns_are_empty_imports_the_same_as_cells(
    file: tuple[list[str], bytes], given: dict[str, Any]
) -> None:
    _, data = file
    _, fast, general, _, _ = both_ways(data, given)

    assert_same(fast, general)


def test_columns_empty_in_every_row_leave_the_fast_way_open() -> None:
    header = ["First Name", "Last Name", "Company", "Email", "Email (work)", "Notes", "Department"]
    rows = [
        ["Jan", "Jansen", "Acme", "j@acme.example", "", "met", ""],
        ["", "Bos", "", "", "", "", ""],
    ]
    given = {"on_duplicate": "skip", "fill_source": True, "source": "Beurs", "emails": {},
             "names": True, "first_number": 1, "batch": "IMP-0001",
             "profile_source": None}  # fmt: skip
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])

    cells, fast, general, _, _ = both_ways(out.getvalue().encode(), given)

    assert isinstance(cells, CellTable)
    assert cells.columns == (
        ("first_name", 0), ("last_name", 1), ("company", 2), ("email", 3), ("notes", 5)
    )  # fmt: skip
    assert_same(fast, general)
    assert [doc["notes"] for doc in fast.new_docs if "notes" in doc] == ["met"]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("Email (work)", "second@acme.example"),  # two columns feed the email
        ("Department", "Sales"),  # a notes column
        ("Email", "j@acme.example ::: k@acme.example"),  # several values in a shared field
    ],
)
def test_a_used_column_that_is_no_plain_field_keeps_the_general_way(
    column: str, value: str
) -> None:
    header = ["First Name", "Last Name", "Company", "Email", "Email (work)", "Department"]
    rows = [["Jan", "Jansen", "Acme", "j@acme.example", "", ""], ["", "Bos", "", "", "", ""]]
    rows[1][header.index(column)] = value
    table = read_table(csv_bytes([header, *rows]))

    assert isinstance(import_rows(table, map_columns(table.header)), list)


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


# --- vCards: a row per card, the fast way when the cards fill plain fields only ------------------

CARD_LINES = [
    "N:Lovelace;Ada;;;", "N:de Vries;Sanne;;;", "N:Olsen;Bjørn;;Dr.;", "N:;;;;", "N:'=Smit;;;;",
    "N:Jansen;Ann  Marie;;;", "N:Müller;Zoë;van;;", "FN:Ada Lovelace", "FN:Acme", "ORG:Acme;",
    "ORG:Nordlys  AS;Sales", "ORG:'+Co", "ORG:Bos BV", "TITLE:CTO", "TITLE: Owner ",
    "EMAIL;TYPE=INTERNET:sanne@acme.example", "EMAIL;TYPE=INTERNET;TYPE=pref:SANNE@Acme.Example",
    "EMAIL:nope", "EMAIL:Jan <jan@x.example>", "EMAIL:a ::: b@c.de", "EMAIL:l.nowak@example.pl",
    "TEL;TYPE=WORK:+31 20 555 0101", "TEL;TYPE=WORK:'+31 20 555 0101", "TEL:tel:+31 6 1",
    "TEL;TYPE=CELL:3.16555E+10", "TEL;TYPE=HOME:'0612", "TEL;TYPE=CELL:1 ::: 2",
    "ADR;TYPE=WORK:;;;Utrecht;;;Netherlands", "ADR:;;;Zürich;;;", "NOTE:met at lunch",
    "NOTE:line1\\nline2", "NOTE:'=HYPERLINK()", "NOTE:a ::: b", "URL:https://acme.example",
    "CATEGORIES:fair,vip", "BDAY:1990-01-31", "X-ABADR:nl",
]  # fmt: skip


@st.composite
def card_files(draw: st.DrawFn) -> bytes:
    cards = draw(st.lists(st.lists(st.sampled_from(CARD_LINES), max_size=8), max_size=8))
    pool = [*cards]
    if pool and draw(st.booleans()):
        cards.append(draw(st.sampled_from(pool)))  # a duplicate
    lines = [line for card in cards for line in ("BEGIN:VCARD", *card, "END:VCARD")]
    return "".join(line + "\r\n" for line in lines).encode("utf-8")


@pytest.mark.slow
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=card_files(), given=options())
def test_cards_import_the_same_as_cells_as_mapped_rows(data: bytes, given: dict[str, Any]) -> None:
    if not data:
        return
    table = read_cards(data)
    plan = map_columns(table.header)

    fast, _ = run(import_rows(table, plan), given)
    general, _ = run(map_rows(table, plan), given)

    assert_same(fast, general)


def test_cards_of_plain_fields_go_the_fast_way_and_import_the_same() -> None:
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:{last};{first};;;\r\nFN:{first} {last}\r\nORG:{org};\r\n"
        "TITLE:Buyer\r\nEMAIL;type=INTERNET;type=WORK;type=pref:{email}\r\n"
        "TEL;type=WORK;type=VOICE:+31 20 555 0101\r\nitem1.ADR;type=WORK:;;;Gent;;;Belgium\r\n"
        "item1.X-ABADR:nl\r\nNOTE:Met at the fair; asked about {org}'s ovens, de\r\n livery.\r\n"
        "END:VCARD\r\n"
    )
    data = "".join(
        card.format(first=first, last=last, org=org, email=email)
        for first, last, org, email in [
            ("Ada", "Lovelace", "Acme", "ada@acme.example"),
            ("Sanne", "de Vries", "Acme", "sanne@acme.example"),
            ("Ada", "Lovelace", "Acme", "ADA@acme.example"),
            ("Piet", "Bos", "O'Brien & Zonen", "piet@bos.example"),
        ]
    ).encode("utf-8")
    table = read_cards(data)
    plan = map_columns(table.header)
    given = {"on_duplicate": "skip", "fill_source": True, "source": "cards.vcf", "emails": {},
             "names": True, "first_number": 1, "batch": "IMP-0001",
             "profile_source": None}  # fmt: skip

    cells = import_rows(table, plan)
    fast, _ = run(cells, given)
    general, _ = run(map_rows(table, plan), given)

    assert isinstance(cells, CellTable)
    assert (table.neutralised, table.phone_marks) == (False, False)
    assert_same(fast, general)
    assert [o.status for o in fast.outcomes] == ["imported", "imported", "duplicate", "imported"]
    assert (
        fast.new_docs[2]["notes"]
        == "Met at the fair; asked about O'Brien & Zonen's ovens, delivery."
    )


@pytest.mark.parametrize(
    ("line", "neutralised", "phone_marks"),
    [
        ("ORG:'+Co", True, False),
        ("NOTE:'=HYPERLINK()", True, False),
        ("NOTE:O'Brien's ovens", False, False),
        ("TEL:'+31 20 555 0101", True, True),
        ("TEL:tel:+31 6 1", False, False),  # the reader takes `tel:` off
        ("TEL;VALUE=uri:tel:TEL:+31 6 1", False, True),  # ... once
        ("TEL;TYPE=CELL:3.16555E+10", False, True),
        ("TEL;TYPE=HOME:0612", False, False),
    ],
)
def test_cards_say_whether_a_cell_may_be_neutralised_or_a_phone_cleaned(
    line: str, neutralised: bool, phone_marks: bool
) -> None:
    table = read_cards(f"BEGIN:VCARD\r\nN:Bos;Piet;;;\r\n{line}\r\nEND:VCARD\r\n".encode())

    assert (table.neutralised, table.phone_marks) == (neutralised, phone_marks)
