"""Unit prices of up to four decimals through the commands: tables, JSON, stored file, documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner, Result

from salesflow.cli import app

runner = CliRunner()


def run(db: Path, *args: str) -> Result:
    return runner.invoke(
        app, ["--db", str(db), *args], env={"SALESFLOW_TODAY": "2026-11-27", "SALESFLOW_DB": None}
    )


def ok(db: Path, *args: str) -> str:
    result = run(db, *args)
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result.stdout


def data(db: Path, *args: str) -> Any:
    return json.loads(ok(db, *args, "--json"))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """OPP-0001 with a write-in of 1000 bolts at half a cent and 333 screws at 0.0045."""
    path = tmp_path / "sales.json"
    ok(path, "init", "--tax-rate", "21", "--company", "Acme BV")
    ok(path, "product", "add", "SCREW", "--name", "Screw", "--price", "0.0045")
    ok(path, "lead", "add", "--company", "Initech")
    ok(path, "lead", "qualify", "L-0001")
    ok(path, "opp", "add-product", "OPP-0001", "--write-in", "Bolt", "--price", "0.005",
       "--quantity", "1000")  # fmt: skip
    ok(path, "opp", "add-product", "OPP-0001", "SCREW", "--quantity", "333")
    return path


def test_half_a_cent_times_a_thousand_is_five_in_json_and_in_the_stored_file(db: Path) -> None:
    opportunity = data(db, "opp", "show", "OPP-0001")
    bolt, screw = opportunity["lines"]
    assert (bolt["unit_price"], bolt["gross"], bolt["amount"], bolt["tax"]) == (
        "0.005",
        "5.00",
        "5.00",
        "1.05",
    )
    assert (screw["unit_price"], screw["amount"]) == ("0.0045", "1.50")
    assert (opportunity["subtotal"], opportunity["total"]) == ("6.50", "7.87")
    stored = json.loads(db.read_text())["opportunities"]["1"]["lines"]
    assert [line["unit_price"] for line in stored] == ["0.005", "0.0045"]


def test_the_lines_table_and_the_product_list_show_the_decimals_of_the_price(db: Path) -> None:
    table = ok(db, "opp", "show", "OPP-0001")
    bolt = next(line for line in table.splitlines() if "Bolt" in line).split()
    assert bolt == ["1", "(write-in)", "Bolt", "1000", "0.005", "5.00", "21", "1.05", "6.05"]
    assert data(db, "product", "show", "SCREW")["price"] == "0.0045"
    listed = ok(db, "product", "list")
    assert next(row for row in listed.splitlines() if "SCREW" in row).split()[2] == "0.0045"


def test_a_quote_copies_the_prices_and_its_documents_print_them_with_their_decimals(
    db: Path, tmp_path: Path
) -> None:
    ok(db, "quote", "create", "OPP-0001")
    quote = data(db, "quote", "show", "QUO-0001")
    assert [line["unit_price"] for line in quote["lines"]] == ["0.005", "0.0045"]
    markdown = ok(db, "quote", "export", "QUO-0001", "--format", "md", "--output", "-")
    bolt = next(row for row in markdown.splitlines() if "Bolt" in row)
    assert "0.005" in bolt and "5.00" in bolt
    html = ok(db, "quote", "export", "QUO-0001", "--format", "html", "--output", "-")
    assert "0.0045" in html
    pdf = tmp_path / "q.pdf"
    ok(db, "quote", "export", "QUO-0001", "--format", "pdf", "--output", str(pdf))
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "0.005" in text and "0.0045" in text


def test_a_quote_line_added_with_a_fine_price_is_rounded_once(db: Path) -> None:
    ok(db, "quote", "create", "OPP-0001")
    ok(db, "quote", "add-product", "QUO-0001", "--write-in", "Washer", "--price", "0.0125",
       "--quantity", "2", "--discount", "10%")  # fmt: skip
    washer = data(db, "quote", "show", "QUO-0001")["lines"][-1]
    assert (washer["unit_price"], washer["gross"], washer["discount"], washer["amount"]) == (
        "0.0125",
        "0.03",
        "0.00",
        "0.02",
    )
