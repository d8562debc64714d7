"""Filters, search, sort and limit of list commands, on stored documents."""

from __future__ import annotations

from datetime import date

import pytest

from salesflow.errors import InvalidValue
from salesflow.pipeline import listing
from salesflow.pipeline.listing import LEADS, arrange, doc_value, fold, list_query, select

DOCS = [
    {
        "number": "L-0001",
        "last_name": "Müller",
        "company": "Bäckerei",
        "email": "m@b.de",
        "source": "Beurs 2026",
        "status": "open",
        "created_on": "2026-01-05",
        "estimated_value": "100.00",
    },
    {
        "number": "L-0002",
        "last_name": "Smith",
        "company": "Acme",
        "source": "web",
        "status": "qualified",
        "created_on": "2026-02-10",
        "estimated_value": "2500.00",
        "account": "ACC-0001",
    },
    {
        "number": "L-0003",
        "company": "Zeta",
        "email": "info@zeta.example",
        "source": "beurs 2026",
        "created_on": "2026-03-01",
    },
]


def numbers(docs: list[dict[str, str]]) -> list[str]:
    return [d["number"] for d in docs]


def test_fold_removes_accents_and_case() -> None:
    assert fold("Müller ÉCOLE") == "muller ecole"


def test_search_ignores_accents_and_case_across_name_company_and_email() -> None:
    assert numbers(select(DOCS, list_query(LEADS, search="MULLER"), LEADS)) == ["L-0001"]
    assert numbers(select(DOCS, list_query(LEADS, search="backerei"), LEADS)) == ["L-0001"]
    assert numbers(select(DOCS, list_query(LEADS, search="zeta.example"), LEADS)) == ["L-0003"]


def test_status_defaults_to_the_spec_default_when_absent() -> None:
    assert numbers(select(DOCS, list_query(LEADS, status="open"), LEADS)) == ["L-0001", "L-0003"]


def test_source_matches_without_case_or_accents() -> None:
    assert numbers(select(DOCS, list_query(LEADS, source="BEURS 2026"), LEADS)) == [
        "L-0001",
        "L-0003",
    ]


def test_since_and_until_are_inclusive() -> None:
    query = list_query(LEADS, since="2026-02-10", until="2026-03-01")
    assert numbers(select(DOCS, query, LEADS)) == ["L-0002", "L-0003"]
    assert query.since == date(2026, 2, 10)


def test_account_filter_ignores_case() -> None:
    assert numbers(select(DOCS, list_query(LEADS, account="acc-0001"), LEADS)) == ["L-0002"]


def test_sort_numbers_numerically_descending_with_missing_values_last() -> None:
    query = list_query(LEADS, sort="-estimated_value")
    assert numbers(arrange(DOCS, query, doc_value)) == ["L-0002", "L-0001", "L-0003"]
    query = list_query(LEADS, sort="estimated-value", limit=2)
    assert numbers(arrange(DOCS, query, doc_value)) == ["L-0001", "L-0002"]


def test_unknown_sort_field_and_status_are_refused() -> None:
    with pytest.raises(InvalidValue, match="sort field 'shoe_size' is not one of: number"):
        list_query(LEADS, sort="shoe_size")
    with pytest.raises(InvalidValue, match="status 'won' is not one of: open, qualified"):
        list_query(LEADS, status="won")
    with pytest.raises(InvalidValue, match="--since 'yesterday' is not a date"):
        list_query(LEADS, since="yesterday")
    with pytest.raises(InvalidValue, match="--source does not apply to this list"):
        list_query(listing.PRODUCTS, source="x")


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+31 20 555", "'+31 20 555"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-cmd", "'-cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-12.50", "-12.50"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_csv_cells_that_start_a_formula_are_neutralised(cell: str, safe: str) -> None:
    assert listing.neutralise(cell) == safe


def test_csv_rows_keep_scalar_columns_in_first_seen_order() -> None:
    columns, rows = listing.csv_rows([{"a": 1, "lines": [1], "b": None}, {"c": "x", "a": 2}])
    assert columns == ["a", "b", "c"]
    assert rows == [["1", "", ""], ["2", "", "x"]]


def test_sorting_a_column_mixing_numbers_and_text_does_not_fail() -> None:
    docs = [{"number": "a", "company": "Acme"}, {"number": "b", "company": "3M"}]
    assert numbers(arrange(docs, list_query(LEADS, sort="company"), doc_value)) == ["b", "a"]


def test_names_that_look_like_special_decimals_sort_as_text() -> None:
    docs = [
        {"number": "a", "first_name": "sNaN"},
        {"number": "b", "first_name": "Ada"},
        {"number": "c", "first_name": "Infinity"},
    ]
    query = list_query(LEADS, sort="first_name")
    assert numbers(arrange(docs, query, doc_value)) == ["b", "c", "a"]
    assert listing.neutralise("-Infinity") == "'-Infinity"
