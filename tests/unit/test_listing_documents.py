"""List specs of quotes, orders and invoices: source from another record, invoice dates, totals."""

from __future__ import annotations

from typing import Any

import pytest

from salesflow.errors import InvalidValue
from salesflow.pipeline import listing
from salesflow.pipeline.listing import INVOICES, ORDERS, QUOTES, arrange, list_query, select

INVOICE_DOCS: list[dict[str, Any]] = [
    {
        "number": "INV-2026-0001",
        "opportunity": "OPP-0001",
        "account": "ACC-0001",
        "status": "unpaid",
        "created_on": "2026-01-01",
        "invoice_date": "2026-01-20",
    },
    {
        "number": "INV-2026-0002",
        "opportunity": "OPP-0002",
        "account": "ACC-0002",
        "status": "paid",
        "invoice_date": "2026-02-20",
    },
]
SOURCES = {"OPP-0001": "Beurs 2026", "OPP-0002": None}


def numbers(docs: list[dict[str, Any]]) -> list[str]:
    return [d["number"] for d in docs]


def source_of(doc: dict[str, Any]) -> str | None:
    return SOURCES[doc["opportunity"]]


def test_the_source_comes_from_the_record_behind_the_document() -> None:
    query = list_query(INVOICES, source="beurs 2026")
    assert numbers(select(INVOICE_DOCS, query, INVOICES, source_of=source_of)) == ["INV-2026-0001"]
    assert select(INVOICE_DOCS, query, INVOICES) == []  # the documents themselves have none


def test_invoices_are_dated_by_their_invoice_date_not_a_created_field() -> None:
    query = list_query(INVOICES, since="2026-01-21")
    assert numbers(select(INVOICE_DOCS, query, INVOICES)) == ["INV-2026-0002"]
    query = list_query(INVOICES, until="2026-01-20")
    assert numbers(select(INVOICE_DOCS, query, INVOICES)) == ["INV-2026-0001"]


def test_a_derived_status_is_matched_through_status_of() -> None:
    query = list_query(INVOICES, status="overdue")

    def overdue(doc: dict[str, Any]) -> str:
        return "overdue" if doc["number"] == "INV-2026-0001" else str(doc["status"])

    assert numbers(select(INVOICE_DOCS, query, INVOICES, status_of=overdue)) == ["INV-2026-0001"]


def test_unknown_sort_fields_and_statuses_name_the_allowed_ones() -> None:
    with pytest.raises(InvalidValue) as error:
        list_query(QUOTES, sort="-price")
    assert str(error.value) == (
        "sort field 'price' is not one of: number, revision, opportunity, account, status, "
        "created_on, valid_until, activated_on, closed_on, subtotal, total"
    )
    with pytest.raises(InvalidValue) as error:
        list_query(ORDERS, status="open")
    assert str(error.value) == "status 'open' is not one of: active, fulfilled, canceled"


@pytest.mark.parametrize("spec", [QUOTES, ORDERS, INVOICES], ids=["quotes", "orders", "invoices"])
def test_computed_sort_fields_are_sort_fields(spec: listing.ListSpec) -> None:
    assert spec.computed
    assert set(spec.computed) <= set(spec.sort_fields)
    assert "number" in spec.search_fields


def test_dates_sort_as_text_and_missing_values_go_last() -> None:
    docs = [
        {"number": "ORD-0001", "fulfilled_on": "2026-03-01"},
        {"number": "ORD-0002"},
        {"number": "ORD-0003", "fulfilled_on": "2026-01-15"},
    ]
    query = list_query(ORDERS, sort="-fulfilled_on")
    assert numbers(arrange(docs, query, listing.doc_value)) == ["ORD-0001", "ORD-0003", "ORD-0002"]
