"""`salesflow demo`: a scripted deal from fair lead to paid invoice, in a throwaway file."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner, Result

from salesflow.cli import app

TODAY = "2026-06-30"
runner = CliRunner()


def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    return runner.invoke(
        app, list(args), env={"SALESFLOW_TODAY": TODAY, "SALESFLOW_DB": None, **(env or {})}
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], Result]:
    path = tmp_path_factory.mktemp("demo") / "demo.json"
    result = run("demo", "--db", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    return path, json.loads(result.stdout), result


def test_the_demo_ends_with_a_paid_invoice_whose_totals_match_the_quote(
    demo: tuple[Path, dict[str, Any], Result],
) -> None:
    path, report, _ = demo
    assert report["data_file"] == str(path)
    totals = report["totals"]
    assert totals["quote"] == totals["order"] == totals["invoice"] == totals["amount_paid"]
    assert (totals["balance"], totals["currency"]) == ("0.00", "EUR")
    assert report["invoice"]["status"] == "paid"
    assert len(report["invoice"]["payments"]) == 2
    assert report["invoice"]["invoice_date"] < TODAY
    assert report["opportunity"]["status"] == "won"
    assert report["opportunity"]["actual_revenue"] == report["quote"]["subtotal"]
    assert report["lead"]["status"] == "qualified"


def test_the_demo_quote_was_revised_once_with_a_discount(
    demo: tuple[Path, dict[str, Any], Result],
) -> None:
    _, report, _ = demo
    quote = report["quote"]
    assert (quote["revision"], quote["status"], quote["discount_percent"]) == (2, "won", "5")
    assert quote["discount"] != "0.00"
    assert report["order"]["quote_revision"] == 2


def test_the_demo_history_covers_the_deal_from_lead_to_last_payment(
    demo: tuple[Path, dict[str, Any], Result],
) -> None:
    _, report, _ = demo
    events = report["history"]["events"]
    kinds = [(e["number"].split("-")[0], e["kind"]) for e in events]
    assert kinds[0] == ("L", "created")
    assert kinds[-2:] == [("INV", "payment"), ("INV", "payment")]
    for step in [
        ("L", "qualified"),
        ("ACC", "created"),
        ("CON", "created"),
        ("OPP", "created"),
        ("QUO", "created"),
        ("QUO", "discounted"),
        ("QUO", "accepted"),
        ("ORD", "created"),
        ("ORD", "fulfilled"),
        ("INV", "created"),
        ("OPP", "won"),
    ]:
        assert step in kinds
    quote_created = [
        e["details"]["revision"]
        for e in events
        if e["number"].startswith("QUO") and e["kind"] == "created"
    ]
    assert quote_created == [1, 2]
    days = [e["at"][:10] for e in events]
    assert days == sorted(days)
    assert days[0] < days[-1] <= TODAY


def test_the_demo_file_holds_leads_from_the_fair_one_of_them_disqualified(
    demo: tuple[Path, dict[str, Any], Result],
) -> None:
    path, _, _ = demo
    result = run("--db", str(path), "lead", "list", "--json")
    leads = json.loads(result.stdout)
    assert sorted(lead["status"] for lead in leads) == ["disqualified", "open", "qualified"]
    assert {lead["source"] for lead in leads} == {"Fair: Logistica Utrecht 2026"}


def test_the_demo_writes_the_quote_and_invoice_as_pdfs_next_to_its_file(
    demo: tuple[Path, dict[str, Any], Result],
) -> None:
    path, report, _ = demo
    invoice = report["invoice"]["number"]
    assert report["documents"] == [
        str(path.with_name("demo-QUO-0001-r2.pdf")),
        str(path.with_name(f"demo-{invoice}.pdf")),
    ]
    text = PdfReader(report["documents"][1]).pages[0].extract_text()
    assert invoice in text
    assert "Brouwerij De Ster" in text


def test_the_demo_prints_its_data_file_on_stderr(
    demo: tuple[Path, dict[str, Any], Result],
) -> None:
    path, _, result = demo
    assert f"Demo data file: {path}\n" in result.stderr


def test_the_demo_refuses_a_data_file_that_exists(tmp_path: Path) -> None:
    existing = tmp_path / "mine.json"
    existing.write_bytes(b"{}")
    result = run("demo", "--db", str(existing))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: demo data file {existing} already exists; the demo only writes to a new file "
        "(omit --db for a temporary one)\n"
    )
    assert existing.read_bytes() == b"{}"


@pytest.mark.slow
def test_the_demo_never_touches_the_users_data_file(tmp_path: Path) -> None:
    users = tmp_path / "users.json"
    global_option = tmp_path / "global.json"
    result = run("--db", str(global_option), "demo", "--quiet", env={"SALESFLOW_DB": str(users)})
    assert result.exit_code == 0, result.stderr
    assert not users.exists()
    assert not global_option.exists()
    found = re.search(r"^Demo data file: (.+)$", result.stderr, re.MULTILINE)
    assert found is not None
    demo_file = Path(found.group(1))
    try:
        assert demo_file.exists()
        assert demo_file.parent.parent == Path(tempfile.gettempdir())
        assert demo_file.parent.name.startswith("salesflow-demo-")
    finally:
        shutil.rmtree(demo_file.parent)
    assert "$ salesflow" not in result.stderr
    assert "INV-2026-0001  payment" in result.stdout
    assert re.search(r"^Balance +0\.00 EUR \(paid\)$", result.stdout, re.MULTILINE)


@pytest.mark.slow
def test_the_demo_lists_the_commands_it_runs(tmp_path: Path) -> None:
    result = run("demo", "--db", str(tmp_path / "demo.json"))
    assert result.exit_code == 0, result.stderr
    assert "2026-05-14  $ salesflow lead add --first-name 'Zoë'" in result.stderr
    assert "$ salesflow quote accept QUO-0001  → ORD-0001" in result.stderr
    assert "$ salesflow order fulfil ORD-0001  → INV-2026-0001" in result.stderr
