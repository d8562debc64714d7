"""`salesflow export TYPE --format csv|json|jsonl [--output FILE]`: every record type, the leads
CSV round trip through `lead import`, formula-injection escaping, and safe output files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from salesflow.cli import app
from salesflow.models import Lead
from tests.conftest import TODAY, Cli
from tests.runner import backend_of

TYPES = {
    "leads": "lead",
    "accounts": "account",
    "contacts": "contact",
    "products": "product",
    "opportunities": "opp",
    "quotes": "quote",
    "orders": "order",
    "invoices": "invoice",
}
NUMBERS = {
    "leads": ["L-0001", "L-0002"],
    "accounts": ["ACC-0001"],
    "contacts": ["CON-0001"],
    "products": ["OVEN-3"],
    "opportunities": ["OPP-0001"],
    "quotes": ["QUO-0001"],
    "orders": ["ORD-0001"],
    "invoices": ["INV-2026-0001"],
}


@pytest.fixture(autouse=True)
def _in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def pipeline_file(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """One deal from lead to invoice, and a second open lead: built once, copied per test."""
    db = tmp_path_factory.mktemp("pipeline") / "sales.json"
    runner = CliRunner()
    env = {"SALESFLOW_TODAY": TODAY.isoformat(), "NO_COLOR": "1"}
    steps = [
        (
            "lead", "add", "--first-name", "Émilie", "--last-name", "Dubois",
            "--company", "Boulangerie Dubois & Fils", "--email", "emilie@dubois.example",
            "--phone", "+33 3 20 12 34 56", "--source", "Beurs 2026",
        ),
        ("lead", "add", "--company", '=HYPERLINK("http://x.example")', "--phone", "+31 6 1"),
        ("product", "add", "OVEN-3", "--name", "Oven, 3 decks", "--price", "12500",
         "--tax-rate", "21"),
        ("lead", "qualify", "L-0001"),
        ("opp", "add-product", "OPP-0001", "OVEN-3", "--quantity", "2"),
        ("quote", "create", "OPP-0001"),
        ("quote", "activate", "QUO-0001"),
        ("quote", "accept", "QUO-0001"),
        ("order", "fulfil", "ORD-0001"),
    ]  # fmt: skip
    for step in steps:
        result = runner.invoke(app, ["--db", str(db), *step], env=env)
        assert result.exit_code == 0, (step, result.stderr)
    return db.read_bytes()


@pytest.fixture
def pipeline(cli: Cli, pipeline_file: bytes) -> Cli:
    cli.db.write_bytes(pipeline_file)
    return cli


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def listed(cli: Cli, kind: str) -> list[dict[str, Any]]:
    records = cli.json(TYPES[kind], "list")
    return [{k: v for k, v in r.items() if k != "overdue"} for r in records]


# --- every type, every format ------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(TYPES))
def test_json_export_holds_every_record_as_list_json_shows_it(pipeline: Cli, kind: str) -> None:
    result = pipeline.ok("export", kind, "--format", "json")
    exported = json.loads(result.stdout)
    assert [r.get("number", r.get("sku")) for r in exported] == NUMBERS[kind]
    assert exported == listed(pipeline, kind)
    assert result.stderr == ""


@pytest.mark.parametrize("kind", list(TYPES))
def test_jsonl_export_has_one_record_per_line(pipeline: Cli, kind: str) -> None:
    lines = pipeline.ok("export", kind, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == listed(pipeline, kind)


@pytest.mark.parametrize("kind", list(TYPES))
def test_csv_export_has_a_header_and_one_row_per_record(pipeline: Cli, kind: str) -> None:
    text = pipeline.ok("export", kind).stdout
    header, *rows = rows_of(text)
    key = "sku" if kind == "products" else "number"
    assert [row[header.index(key)] for row in rows] == NUMBERS[kind]
    assert "lines" not in header and "payments" not in header


def test_csv_export_of_money_and_lines(pipeline: Cli) -> None:
    header, row = rows_of(pipeline.ok("export", "invoices", "--format", "csv").stdout)
    invoice = dict(zip(header, row, strict=True))
    assert (invoice["subtotal"], invoice["tax"], invoice["total"], invoice["balance"]) == (
        "25000.00",
        "5250.00",
        "30250.00",
        "30250.00",
    )
    assert (invoice["order"], invoice["status"]) == ("ORD-0001", "unpaid")
    quote = json.loads(pipeline.ok("export", "quotes", "-f", "json").stdout)[0]
    assert [(line["sku"], line["quantity"], line["total"]) for line in quote["lines"]] == [
        ("OVEN-3", "2", "30250.00")
    ]


@pytest.mark.parametrize("kind", list(TYPES))
def test_an_empty_file_exports_a_header_row_and_an_empty_list(cli: Cli, kind: str) -> None:
    header = rows_of(cli.ok("export", kind).stdout)
    assert len(header) == 1 and ("sku" if kind == "products" else "number") in header[0]
    assert cli.ok("export", kind, "-f", "json").stdout == "[]\n"
    assert cli.ok("export", kind, "-f", "jsonl").stdout == ""


@pytest.mark.slow
def test_the_empty_leads_header_is_the_header_of_a_full_export(
    pipeline: Cli, tmp_path: Path
) -> None:
    full = rows_of(pipeline.ok("export", "leads").stdout)[0]
    empty = Cli(tmp_path / "empty.json")
    assert rows_of(empty.ok("export", "leads").stdout) == [full]


# --- the leads CSV round trip ------------------------------------------------------------------

ROUND_TRIP = [
    (
        "--first-name", "Ann", "--last-name", "O'Neill", "--company", "=SUM(A1:A9)",
        "--email", "ann@oneill.example", "--phone", "+31 20 555 0101",
        "--mobile", "+31 6 1234 5678",
        "--job-title", "Buyer, \"senior\"", "--website", "https://oneill.example",
        "--city", "Zoëtermeer", "--country", "Nederland", "--source", "Beurs 2026",
        "--topic", "-20% offer", "--estimated-value", "12500.5",
        "--notes", "Line one\nline two, with \"quotes\"\n@mention",
    ),
    ("--last-name", "Ødegård", "--company", "@Home AS", "--phone", "-"),
    ("--company", "Solo BV"),
    ("--first-name", "Jan", "--last-name", "van 't Hof", "--estimated-value", "0"),
]  # fmt: skip


def test_a_csv_export_of_leads_imports_again_with_no_mapping_and_no_change(
    cli: Cli, tmp_path: Path
) -> None:
    for options in ROUND_TRIP:
        cli.ok("lead", "add", *options)
    cli.ok("export", "leads", "--output", "leads.csv")
    other = Cli(tmp_path / "other.json")
    result = other.ok("lead", "import", "leads.csv")
    assert result.stderr == "Imported 4 leads from leads.csv\n"

    def comparable(leads: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in x.items() if k not in ("imported_in", "number")} for x in leads]

    before = cli.json("lead", "list")
    after = other.json("lead", "list")
    assert comparable(after) == comparable(before)
    assert after[0]["phone"] == "+31 20 555 0101"
    assert after[0]["company"] == "=SUM(A1:A9)"
    assert after[2]["source"] is None
    # L-0003 has a company and no name: nothing tells it from another nameless card of that
    # company, so it is never a duplicate by name and comes in again
    assert other.ok("lead", "import", "leads.csv").stderr == (
        "row 2: duplicate of L-0001 (same email ann@oneill.example)\n"
        "row 3: duplicate of L-0002 (same name and company)\n"
        "row 5: duplicate of L-0004 (same name and company)\n"
        "Imported 1 lead from leads.csv: 3 duplicates skipped\n"
    )


def test_imported_leads_exported_and_imported_again_keep_their_source(
    cli: Cli, tmp_path: Path
) -> None:
    Path("cards.csv").write_text("Name,Company,Phone\nAnna de Boer,Boer BV,+31 30 123\n")
    cli.ok("lead", "import", "cards.csv")
    cli.ok("export", "leads", "-o", "leads.csv")
    other = Cli(tmp_path / "other.json")
    other.ok("lead", "import", "leads.csv")
    [lead] = other.json("lead", "list")
    assert (lead["last_name"], lead["source"], lead["phone"]) == (
        "de Boer",
        "cards.csv",
        "+31 30 123",
    )


# --- formula injection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+31 20 555 0101", "'+31 20 555 0101"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Plain & safe", "Plain & safe"),
    ],
)
def test_csv_cells_that_could_run_as_a_formula_start_with_an_apostrophe(
    cli: Cli, db: Path, value: str, cell: str
) -> None:
    # Leading tabs and CRs cannot be typed into `lead add` (values are trimmed): store directly.
    with backend_of(db).writing() as session:
        session.put(Lead(number="L-0001", company=value, notes=value, created_on=TODAY))
    header, row = rows_of(cli.ok("export", "leads").stdout)
    lead = dict(zip(header, row, strict=True))
    assert (lead["company"], lead["notes"]) == (cell, cell)


def test_amounts_stay_numbers_in_csv(pipeline: Cli) -> None:
    header, row = rows_of(pipeline.ok("export", "products").stdout)
    assert dict(zip(header, row, strict=True))["price"] == "12500.00"


def test_json_exports_are_not_escaped(pipeline: Cli) -> None:
    leads = json.loads(pipeline.ok("export", "leads", "-f", "json").stdout)
    assert leads[1]["company"] == '=HYPERLINK("http://x.example")'
    assert leads[1]["phone"] == "+31 6 1"


# --- output files ------------------------------------------------------------------------------


def test_output_writes_a_private_file_and_says_so(pipeline: Cli) -> None:
    result = pipeline.ok("export", "leads", "--output", "leads.csv")
    assert result.stdout == ""
    assert result.stderr == "Exported 2 leads to leads.csv\n"
    path = Path("leads.csv")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    data = path.read_bytes()
    assert data.startswith(b"number,owner,first_name,") and data.endswith(b"\r\n")
    assert data.decode("utf-8").replace("\r\n", "\n") == pipeline.ok("export", "leads").stdout


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_output_refuses_to_overwrite_a_file_without_force(pipeline: Cli, fmt: str) -> None:
    path = Path("mine.txt")
    path.write_text("keep me")
    result = pipeline("export", "invoices", "--format", fmt, "--output", "mine.txt")
    assert result.exit_code == 1
    assert result.stderr == "Error: mine.txt already exists; use --force to overwrite it\n"
    assert result.stdout == ""
    assert path.read_text() == "keep me"


def test_force_overwrites_an_existing_file(pipeline: Cli) -> None:
    path = Path("invoices.json")
    path.write_text("old")
    path.chmod(0o644)
    pipeline.ok("export", "invoices", "-f", "json", "-o", "invoices.json", "--force")
    assert [i["number"] for i in json.loads(path.read_text())] == ["INV-2026-0001"]
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_output_into_a_missing_folder_is_refused(pipeline: Cli) -> None:
    result = pipeline("export", "leads", "-o", "nope/leads.csv")
    assert result.exit_code == 1
    assert result.stderr == "Error: cannot write nope/leads.csv; folder nope does not exist\n"


def test_output_to_a_folder_is_refused(pipeline: Cli) -> None:
    Path("out").mkdir()
    result = pipeline("export", "leads", "-o", "out")
    assert result.exit_code == 1
    assert result.stderr == "Error: output out is a folder; give a file name\n"


# --- refusals ----------------------------------------------------------------------------------


def test_an_unknown_type_is_refused_naming_the_types(cli: Cli) -> None:
    result = cli("export", "lead")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: export type 'lead' is not one of: leads, accounts, contacts, products, "
        "opportunities, quotes, orders, invoices, activities, credit_notes\n"
    )
    assert result.stdout == ""


def test_an_unknown_format_is_refused_naming_the_formats(cli: Cli) -> None:
    result = cli("export", "leads", "--format", "xlsx", "--output", "leads.xlsx")
    assert result.exit_code == 1
    assert result.stderr == "Error: export format 'xlsx' is not one of: csv, json, jsonl\n"
    assert not Path("leads.xlsx").exists()


def test_type_and_format_are_matched_in_any_case(pipeline: Cli) -> None:
    assert json.loads(pipeline.ok("export", "LEADS", "--format", "JSON").stdout)[0]["number"] == (
        "L-0001"
    )
