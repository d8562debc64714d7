"""`salesflow doctor`: "ok" for what the commands make; each kind of damage they never make is
found, named, and reported with exit 1, and the file is left as it was."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from salesflow.models import Line
from salesflow.pipeline.doctor import diagnose, line_problems
from tests.integration.helpers import Salesflow, one_error_line

Data = dict[str, Any]


def doc(data: Data, table: str, number: str) -> Data:
    found = [d for d in data[table].values() if d.get("number", d.get("sku")) == number]
    assert len(found) == 1, (table, number)
    return found[0]  # type: ignore[no-any-return]


def test_a_file_made_by_the_commands_is_ok(db: Path, world: bytes) -> None:
    result = Salesflow(db).ok("doctor")
    assert (result.stdout, result.stderr) == ("ok\n", "")
    report = json.loads(Salesflow(db).ok("doctor", "--json").stdout)
    assert report == {"path": str(db), "schema": 3, "ok": True, "problems": []}


def test_a_missing_file_is_ok(db: Path) -> None:
    assert Salesflow(db).ok("doctor").stdout == "ok\n"


def _missing_account(data: Data) -> None:
    doc(data, "opportunities", "OPP-0002")["account"] = "ACC-0009"


def _missing_quote_revision(data: Data) -> None:
    doc(data, "orders", "ORD-0002")["quote_revision"] = 2


def _wrong_line_amount(data: Data) -> None:
    doc(data, "opportunities", "OPP-0002")["lines"][0]["amount"] = "80.00"


def _wrong_tax(data: Data) -> None:
    doc(data, "quotes", "QUO-0002")["lines"][0]["tax"] = "1.00"


def _order_differs_from_quote(data: Data) -> None:
    line = doc(data, "orders", "ORD-0002")["lines"][0]
    line.update(quantity="2", amount="200.00", tax="42.00")


def _invoice_differs_from_order(data: Data) -> None:
    doc(data, "invoices", "INV-2026-0002")["lines"][0]["description"] = "Something else"


def _paid_with_a_balance(data: Data) -> None:
    doc(data, "invoices", "INV-2026-0001")["status"] = "paid"


def _overpaid(data: Data) -> None:
    doc(data, "invoices", "INV-2026-0002")["payments"][0]["amount"] = "500.00"


def _counter_behind(data: Data) -> None:
    data["_meta"]["1"]["counters"]["L"] = 1


def _invoice_gap(data: Data) -> None:
    data["_meta"]["1"]["counters"]["INV-2026"] = 4


def _invoice_in_another_year(data: Data) -> None:
    doc(data, "invoices", "INV-2026-0002")["invoice_date"] = "2027-01-02"


def _foreign_table(data: Data) -> None:
    data["_default"] = {"1": {"x": 1}}


def _twice(data: Data) -> None:
    data["leads"]["9"] = dict(doc(data, "leads", "L-0003"))


def _credited_without_a_note(data: Data) -> None:
    invoice = doc(data, "invoices", "INV-2026-0001")
    invoice.update(credited_amount="10.00", credited_by=["CN-2026-0001"])


def _not_a_lead_number(data: Data) -> None:
    doc(data, "leads", "L-0003")["number"] = "LEAD-3"


DAMAGE: list[tuple[Callable[[Data], None], list[tuple[str, str, str]]]] = [
    (_missing_account, [("reference", "OPP-0002", "account ACC-0009: no such account")]),
    (
        _missing_quote_revision,
        [
            ("reference", "ORD-0002", "quote QUO-0003 revision 2: no such quote"),
        ],
    ),
    (
        _wrong_line_amount,
        [
            (
                "total",
                "OPP-0002",
                "line 1: amount 80.00 + header discount 0.00 is not 3 × 25.00 less discount "
                "0.00 = 75.00",
            ),
            ("total", "OPP-0002", "line 1: tax 15.75 is not 21% of 80.00"),
        ],
    ),
    (_wrong_tax, [("total", "QUO-0002", "line 1: tax 1.00 is not 21% of 75.00")]),
    (
        _order_differs_from_quote,
        [("total", "ORD-0002", "total 242.00 differs from quote QUO-0003's total 121.00")],
    ),
    (
        _invoice_differs_from_order,
        [("total", "INV-2026-0002", "lines differ from order ORD-0003's lines")],
    ),
    (
        _paid_with_a_balance,
        [
            (
                "payment",
                "INV-2026-0001",
                "status paid does not match paid 50.00 of 242.00 (expected partially-paid)",
            )
        ],
    ),
    (_overpaid, [("payment", "INV-2026-0002", "paid 500.00 is more than the total 121.00")]),
    (
        _counter_behind,
        [
            (
                "numbering",
                "L",
                "counter is 1 but L-0003 exists; new records would get numbers already in use",
            )
        ],
    ),
    (
        _invoice_gap,
        [
            (
                "numbering",
                "INV-2026",
                "invoice numbers have a gap: INV-2026-0003, INV-2026-0004 missing",
            )
        ],
    ),
    (
        _invoice_in_another_year,
        [
            (
                "numbering",
                "INV-2026-0002",
                "is numbered outside the series of its invoice date 2027-01-02",
            )
        ],
    ),
    (_foreign_table, [("schema", "_default", "table '_default' is not a salesflow table")]),
    (_twice, [("record", "L-0003", "L-0003 is stored twice")]),
    (_not_a_lead_number, [("numbering", "LEAD-3", "is not a lead number (L-0001)")]),
    (
        _credited_without_a_note,
        [
            (
                "payment",
                "INV-2026-0001",
                "credited 10.00 (CN-2026-0001) does not match its credit notes (none, 0.00)",
            )
        ],
    ),
]


@pytest.mark.parametrize(("damage", "expected"), DAMAGE, ids=[d[0].__name__[1:] for d in DAMAGE])
def test_doctor_finds_and_names_the_damage(
    db: Path, world: bytes, damage: Callable[[Data], None], expected: list[tuple[str, str, str]]
) -> None:
    data = json.loads(world)
    damage(data)
    content = json.dumps(data).encode()
    db.write_bytes(content)
    result = Salesflow(db)("doctor", "--json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["check"], p["where"], p["message"]) for p in problems] == expected
    count = f"{len(expected)} problem{'s' if len(expected) > 1 else ''}"
    assert one_error_line(result.stderr) == (
        f"Error: data file {db} has {count}; fix them with the commands, or go back to a "
        "version without them (`salesflow undo --list`, a backup)"
    )
    assert db.read_bytes() == content


def test_doctor_lists_problems_as_a_table(db: Path, world: bytes) -> None:
    data = json.loads(world)
    _missing_account(data)
    _counter_behind(data)
    db.write_text(json.dumps(data))
    result = Salesflow(db)("doctor")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "Check      Where     Problem",
        "reference  OPP-0002  account ACC-0009: no such account",
        "numbering  L         counter is 1 but L-0003 exists; new records would get numbers "
        "already in use",
    ]


def test_a_line_with_a_percent_discount_follows_the_rounding_of_make_line() -> None:
    line = Line(
        line_no=1,
        description="x",
        quantity="1.5",  # type: ignore[arg-type]
        unit_price="0.33",  # type: ignore[arg-type]
        discount="0.05",  # type: ignore[arg-type]
        discount_percent="10",  # type: ignore[arg-type]
        tax_rate="21",  # type: ignore[arg-type]
        amount="0.45",  # type: ignore[arg-type]
        tax="0.09",  # type: ignore[arg-type]
    )
    assert line_problems(line) == []
    assert line_problems(line.model_copy(update={"discount": "0.04"})) == [
        "discount 0.04 is not 10% of 0.50"
    ]


def test_the_checks_are_pure_functions_of_the_stored_documents(world: bytes) -> None:
    data = json.loads(world)
    assert diagnose(data) == []
    _missing_account(data)
    assert [str(p) for p in diagnose(data)] == ["OPP-0002: account ACC-0009: no such account"]
