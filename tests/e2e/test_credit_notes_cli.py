"""`invoice credit`: credit notes in their own yearly series, exported and sent like invoices."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import Cli
from tests.worlds import Runs, Worlds


def billed_world(run: Runs) -> None:
    """INV-2026-0001 for 2 × Alpha (100, 21 %) and 1 × Beta (50, 9 %): 296.50."""
    run.ok("init", "--tax-rate", "21", "--company", "Acme Tools BV", "--language", "nl")
    run.ok("product", "add", "A", "--name", "Alpha", "--price", "100")
    run.ok("product", "add", "B", "--name", "Beta", "--price", "50", "--tax-rate", "9")
    opportunity = run.number("lead", "qualify", run.number("lead", "add", "--company", "Kunde"))
    run.ok("opp", "add-product", opportunity, "A", "--quantity", "2")
    run.ok("opp", "add-product", opportunity, "B")
    run.ok("quote", "create", opportunity)
    run.ok("quote", "activate", "QUO-0001")
    run.ok("quote", "accept", "QUO-0001")
    run.ok("order", "fulfil", "ORD-0001")


@pytest.fixture
def billed(cli: Cli, worlds: Worlds, workdir: Path) -> Cli:
    """`cli` holds the world; the current directory is an empty folder."""
    return worlds.copy(billed_world, cli)


def test_a_credit_note_prints_its_number_and_lowers_the_invoices_balance(billed: Cli) -> None:
    result = billed.ok("invoice", "credit", "INV-2026-0001", "--lines", "2", "--reason", "Broken")

    assert result.stdout == "CN-2026-0001\n"
    assert result.stderr == (
        "Credit note CN-2026-0001 credits 54.50 EUR on invoice INV-2026-0001; balance "
        "242.00 EUR (unpaid)\n"
    )
    invoice = billed.json("invoice", "show", "INV-2026-0001")
    assert invoice["balance"] == "242.00"
    assert invoice["credited"] == "54.50"
    assert invoice["credit_notes"] == ["CN-2026-0001"]
    note = billed.json("invoice", "show", "CN-2026-0001")
    assert note["number"] == "CN-2026-0001"
    assert note["invoice"] == "INV-2026-0001"
    assert note["total"] == "54.50"
    assert billed.ok("doctor").stdout.strip() == "ok"


def test_credit_notes_are_numbered_gaplessly_per_year(billed: Cli) -> None:
    assert billed.number("invoice", "credit", "INV-2026-0001", "--lines", "2") == "CN-2026-0001"
    refused = billed("invoice", "credit", "INV-2026-0001", "--amount", "5")
    assert refused.exit_code == 1
    assert (
        billed.number("invoice", "credit", "INV-2026-0001", "--lines", "1", "--date", "2027-01-04")
        == "CN-2027-0001"
    )
    assert billed.json("invoice", "show", "INV-2026-0001")["status"] == "paid"
    assert billed.json("info")["counts"]["credit_notes"] == 2
    exported = json.loads(billed.ok("export", "credit_notes", "--format", "json").stdout)
    assert [n["number"] for n in exported] == ["CN-2026-0001", "CN-2027-0001"]


def test_a_refused_credit_leaves_the_data_file_unchanged(billed: Cli) -> None:
    before = billed.db.read_bytes()

    result = billed("invoice", "credit", "INV-2026-0001", "--amount", "5")

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: invoice INV-2026-0001: has lines at 9% and 21% VAT; an amount cannot say which "
        "rate it credits: credit whole lines with --lines 1,2\n"
    )
    assert billed.db.read_bytes() == before


def test_a_credit_note_exports_like_an_invoice_and_is_in_the_deals_history(billed: Cli) -> None:
    billed.ok("invoice", "credit", "INV-2026-0001", "--lines", "2", "--reason", "Kapot")

    assert billed.ok("invoice", "export", "CN-2026-0001").stdout == "CN-2026-0001.pdf\n"
    text = " ".join(
        "\n".join(p.extract_text() for p in PdfReader("CN-2026-0001.pdf").pages).split()
    )
    for item in (
        "Creditnota CN-2026-0001",
        "Crediteert factuur INV-2026-0001",
        "Reden Kapot",
        "1 Beta 1 50,00 50,00 9%",
        "BTW 9% over 50,00 4,50",
        "Totaal € 54,50",
    ):
        assert item in text, item
    billed.ok("invoice", "export", "INV-2026-0001", "-o", "inv.pdf")
    invoice_text = " ".join("\n".join(p.extract_text() for p in PdfReader("inv.pdf").pages).split())
    assert "Gecrediteerd (CN-2026-0001) -54,50" in invoice_text
    assert "Te betalen € 242,00" in invoice_text
    history = billed.json("history", "CN-2026-0001")
    assert "INV-2026-0001" in history["chain"]
    assert ("CN-2026-0001", "created") in [(e["number"], e["kind"]) for e in history["events"]]


def test_a_credit_note_is_sent_as_an_eml_draft(billed: Cli) -> None:
    from email import message_from_bytes, policy

    billed.ok("invoice", "credit", "INV-2026-0001")

    assert (
        billed.ok("invoice", "send", "CN-2026-0001", "--to", "boekhouding@kunde.example").stdout
        == "CN-2026-0001.eml\n"
    )
    message = message_from_bytes(Path("CN-2026-0001.eml").read_bytes(), policy=policy.default)
    assert message["Subject"] == "Creditnota CN-2026-0001 van Acme Tools BV"
    (attachment,) = message.iter_attachments()  # type: ignore[attr-defined]
    assert PdfReader(io.BytesIO(attachment.get_content())).pages


def test_crediting_a_line_of_a_quote_with_a_header_discount_leaves_doctor_content(
    cli: Cli,
) -> None:
    cli.ok("init", "--tax-rate", "21")
    cli.ok("product", "add", "A", "--name", "Alpha", "--price", "100")
    opportunity = cli.number("lead", "qualify", cli.number("lead", "add", "--company", "Kunde"))
    cli.ok("opp", "add-product", opportunity, "A", "--quantity", "2")
    cli.ok("opp", "add-product", opportunity, "--write-in", "Travel", "--price", "40")
    cli.ok("quote", "create", opportunity)
    cli.ok("quote", "discount", "QUO-0001", "--percent", "5")
    cli.ok("quote", "activate", "QUO-0001")
    cli.ok("quote", "accept", "QUO-0001")
    cli.ok("order", "fulfil", "ORD-0001")

    cli.ok("invoice", "credit", "INV-2026-0001", "--lines", "2")

    note = cli.json("invoice", "show", "CN-2026-0001")
    assert note["lines"][0]["amount"] == "38.00"  # 40 less its 5 % share of the header discount
    assert cli.ok("doctor").stdout.strip() == "ok"
