"""The maximum amount through the commands: a deal at the maximum goes from quote to paid
invoice, lines beyond it are refused, and a file of an older version holding lines beyond it
gives one Error line and a doctor's finding instead of a Decimal traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.integration.helpers import Salesflow, one_error_line

MAX = "999999999999.99"


def test_fifty_lines_at_the_maximum_amount_are_refused_after_the_first_and_the_file_unchanged(
    db: Path,
) -> None:
    run = Salesflow(db)
    run.ok("init", "--tax-rate", "100")
    run.ok("lead", "add", "--company", "Initech")
    run.ok("lead", "qualify", "L-0001")
    first = run("opp", "add-product", "OPP-0001", "--write-in", "Plant", "--price", MAX,
                "--quantity", "1")  # fmt: skip
    assert first.exit_code == 1
    assert one_error_line(first.stderr) == (
        "Error: opportunity OPP-0001: line 1 would take the total to 1,999,999,999,999.98; "
        "a total must be less than 1,000,000,000,000"
    )
    run.ok("opp", "add-product", "OPP-0001", "--write-in", "Plant", "--price", MAX,
           "--quantity", "1", "--tax-rate", "0")  # fmt: skip
    before = db.read_bytes()
    for _ in range(49):
        again = run("opp", "add-product", "OPP-0001", "--write-in", "Plant", "--price", MAX,
                    "--quantity", "1", "--tax-rate", "0")  # fmt: skip
        assert again.exit_code == 1
        assert one_error_line(again.stderr).startswith(
            "Error: opportunity OPP-0001: line 2 would take the total to 1,999,999,999,999.98;"
        )
        assert again.stdout == ""
    assert db.read_bytes() == before


def test_a_deal_at_the_maximum_amount_goes_from_quote_to_paid_invoice(db: Path) -> None:
    run = Salesflow(db)
    run.ok("init", "--tax-rate", "0")
    run.ok("lead", "add", "--company", "Initech")
    run.ok("lead", "qualify", "L-0001")
    run.ok("opp", "add-product", "OPP-0001", "--write-in", "Plant", "--price", "999999999.9999",
           "--quantity", "1000")  # fmt: skip
    run.ok("opp", "add-product", "OPP-0001", "--write-in", "Bolt", "--price", "0.005",
           "--quantity", "18")  # fmt: skip
    run.ok("quote", "create", "OPP-0001")
    run.ok("quote", "activate", "QUO-0001")
    run.ok("quote", "accept", "QUO-0001")
    run.ok("order", "fulfil", "ORD-0001")
    run.ok("invoice", "pay", "INV-2026-0001")
    invoice = json.loads(run.ok("invoice", "show", "INV-2026-0001", "--json").stdout)
    assert (invoice["total"], invoice["amount_paid"], invoice["balance"]) == (
        MAX,
        MAX,
        "0.00",
    )
    sales = json.loads(run.ok("report", "sales", "--json").stdout)
    assert sales["months"][0]["invoiced"] == MAX
    assert run.ok("doctor").stdout == "ok\n"


def _huge_lines(count: int) -> list[dict[str, Any]]:
    """Lines as an older version accepted: two typed numbers just below a trillion each."""
    return [
        {
            "line_no": n,
            "description": "Plant",
            "quantity": "999999999999",
            "unit_price": "999999999999.00",
            "tax_rate": "100",
            "amount": "999999999998000000000001.00",
            "tax": "999999999998000000000001.00",
        }
        for n in range(1, count + 1)
    ]


@pytest.fixture
def old_file(db: Path, world: bytes) -> bytes:
    """The world, with OPP-0002 holding 60 lines at the old maximum (tax 100 %)."""
    data = json.loads(world)
    opportunity = next(d for d in data["opportunities"].values() if d["number"] == "OPP-0002")
    opportunity.update(lines=_huge_lines(60), last_line_no=60)
    content = json.dumps(data).encode()
    db.write_bytes(content)
    return content


TOO_LARGE = (
    "Error: amount 119,999,999,999,760,000,000,000,120 is too large to count to the cent; "
    "amounts must be less than 1,000,000,000,000 (`salesflow doctor` lists the records)"
)


@pytest.mark.parametrize(
    "command",
    [
        ("opp", "show", "OPP-0002"),
        ("opp", "show", "OPP-0002", "--json"),
        ("opp", "list", "--json"),
        ("quote", "create", "OPP-0002"),
    ],
    ids=" ".join,
)
def test_a_total_beyond_28_digits_in_an_old_file_gives_one_error_line(
    db: Path, old_file: bytes, command: tuple[str, ...]
) -> None:
    result = Salesflow(db)(*command)
    assert result.exception is None
    assert result.exit_code == 1
    assert one_error_line(result.stderr) == TOO_LARGE
    assert result.stdout == ""
    assert db.read_bytes() == old_file


def test_what_still_adds_up_in_an_old_file_is_shown_to_the_cent(db: Path, old_file: bytes) -> None:
    run = Salesflow(db)
    listed = run.ok("opp", "list").stdout
    assert "59,999,999,999,880,000,000,000,060.00" in listed
    pipeline = json.loads(run.ok("report", "pipeline", "--json").stdout)
    assert "59999999999880000000000060.00" in json.dumps(pipeline)
    assert db.read_bytes() == old_file


def test_doctor_names_the_record_beyond_the_maximum_and_checks_the_others(
    db: Path, old_file: bytes
) -> None:
    result = Salesflow(db)("doctor", "--json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["check"], p["where"], p["message"]) for p in problems] == [
        (
            "total",
            "OPP-0002",
            "line 1 comes to 999,999,999,998,000,000,000,001.00; "
            "a line must come to less than 1,000,000,000,000",
        )
    ]
    assert db.read_bytes() == old_file
