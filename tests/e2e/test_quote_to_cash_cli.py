"""Quote to cash through the CLI: quotes, revisions, orders, invoices, payments, history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from salesflow.cli import app
from tests.worlds import Runs, Worlds

TODAY = "2026-03-02"
runner = CliRunner()


def run(db: Path, *args: str, today: str = TODAY) -> Result:
    return runner.invoke(
        app,
        ["--db", str(db), *args],
        env={"SALESFLOW_TODAY": today, "SALESFLOW_DB": None},
    )


def ok(db: Path, *args: str, today: str = TODAY) -> str:
    result = run(db, *args, today=today)
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result.stdout


def data(db: Path, *args: str, today: str = TODAY) -> Any:
    return json.loads(ok(db, *args, "--json", today=today))


def refused(db: Path, *args: str, message: str, code: int = 1) -> None:
    """The command fails with exactly one Error line, and the data file is byte-identical."""
    before = db.read_bytes()
    result = run(db, *args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""
    assert db.read_bytes() == before


def deal(db: Path, company: str = "Müller & Søn") -> str:
    """A qualified lead with an opportunity holding two product lines; returns its number."""
    lead = ok(db, "lead", "add", "--last-name", "Ørsted", "--company", company).strip()
    opportunity = ok(db, "lead", "qualify", lead).splitlines()[0]
    ok(db, "opp", "add-product", opportunity, "CONSULT", "--quantity", "3")
    ok(db, "opp", "add-product", opportunity, "LICENCE", "--quantity", "1", "--discount", "10%")
    return opportunity


def catalog(run: Runs) -> None:
    """Acme BV at 21 %, paid in 14 days, selling CONSULT (400.00) and LICENCE (250.00, 9 %)."""
    path = run.db
    ok(path, "init", "--tax-rate", "21", "--payment-terms", "14", "--company", "Acme BV")
    ok(path, "product", "add", "CONSULT", "--name", "Consulting day", "--price", "400")
    ok(path, "product", "add", "LICENCE", "--name", "Licence", "--price", "250", "--tax-rate", "9")


@pytest.fixture
def db(tmp_path: Path, worlds: Worlds) -> Path:
    path = tmp_path / "sales.json"
    path.write_bytes(worlds.file(catalog))
    return path


# --- the whole chain ---------------------------------------------------------------------------


def test_a_lead_becomes_a_paid_invoice_with_equal_totals_all_the_way(db: Path) -> None:
    opportunity = deal(db)

    quote = data(db, "quote", "create", opportunity)
    assert (quote["number"], quote["revision"], quote["status"], quote["status_reason"]) == (
        "QUO-0001",
        1,
        "draft",
        "in-progress",
    )
    assert (quote["subtotal"], quote["discount"], quote["tax"], quote["total"]) == (
        "1425.00",
        "0.00",
        "272.25",
        "1697.25",
    )
    assert quote["valid_until"] == "2026-04-01"
    assert data(db, "opp", "show", opportunity)["stage"] == "propose"

    assert data(db, "quote", "activate", "QUO-0001")["status"] == "active"
    revised = data(db, "quote", "revise", "quo-0001", today="2026-03-05")
    assert (revised["number"], revised["revision"], revised["status"]) == ("QUO-0001", 2, "draft")

    discounted = data(db, "quote", "discount", "QUO-0001", "--percent", "10")
    assert (discounted["discount"], discounted["discount_percent"]) == ("142.50", "10")
    assert [line["header_discount"] for line in discounted["lines"]] == ["120.00", "22.50"]
    assert [line["amount"] for line in discounted["lines"]] == ["1080.00", "202.50"]
    assert (discounted["subtotal"], discounted["tax"], discounted["total"]) == (
        "1282.50",
        "245.03",
        "1527.53",
    )

    ok(db, "quote", "activate", "QUO-0001")
    accepted = data(db, "quote", "accept", "QUO-0001", today="2026-03-06")
    assert accepted["quote"]["status"] == "won"
    assert accepted["order"]["number"] == "ORD-0001"
    assert (accepted["opportunity"]["status"], accepted["opportunity"]["actual_revenue"]) == (
        "won",
        "1282.50",
    )
    assert accepted["opportunity"]["stage"] == "close"

    fulfilled = data(db, "order", "fulfil", "ORD-0001", "--date", "2026-03-10")
    invoice = fulfilled["invoice"]
    assert (invoice["number"], invoice["invoice_date"], invoice["due_date"]) == (
        "INV-2026-0001",
        "2026-03-10",
        "2026-03-24",
    )
    assert (invoice["amount_paid"], invoice["balance"], invoice["overdue"]) == (
        "0.00",
        "1527.53",
        False,
    )
    assert fulfilled["order"]["status"] == "fulfilled"

    partly = data(db, "invoice", "pay", "INV-2026-0001", "--amount", "500", "--date", "2026-03-20")
    assert (partly["status"], partly["amount_paid"], partly["balance"]) == (
        "partially-paid",
        "500.00",
        "1027.53",
    )
    paid = data(db, "invoice", "pay", "inv-2026-0001")
    assert (paid["status"], paid["balance"]) == ("paid", "0.00")
    assert [p["amount"] for p in paid["payments"]] == ["500.00", "1027.53"]

    figures = [
        data(db, kind, "show", number)
        for kind, number in (
            ("quote", "QUO-0001"),
            ("order", "ORD-0001"),
            ("invoice", "INV-2026-0001"),
        )
    ]
    assert {(f["subtotal"], f["discount"], f["tax"], f["total"]) for f in figures} == {
        ("1282.50", "142.50", "245.03", "1527.53")
    }
    assert [f["lines"] for f in figures[1:]] == [figures[0]["lines"]] * 2


def test_history_from_the_invoice_shows_the_whole_chain(db: Path) -> None:
    opportunity = deal(db)
    ok(db, "quote", "create", opportunity)
    ok(db, "quote", "activate", "QUO-0001")
    ok(db, "quote", "revise", "QUO-0001")
    ok(db, "quote", "activate", "QUO-0001")
    ok(db, "quote", "accept", "QUO-0001")
    ok(db, "order", "fulfil", "ORD-0001")
    ok(db, "invoice", "pay", "INV-2026-0001", "--amount", "100")
    ok(db, "invoice", "pay", "INV-2026-0001")

    history = data(db, "history", "INV-2026-0001")
    assert history["chain"] == [
        "ACC-0001",
        "CON-0001",
        "INV-2026-0001",
        "L-0001",
        "OPP-0001",
        "ORD-0001",
        "QUO-0001",
    ]
    steps = [
        (e["number"], e["kind"], e["details"].get("revision"))
        for e in history["events"]
        if e["number"] != "OPP-0001"
    ]
    assert steps == [
        ("L-0001", "created", None),
        ("L-0001", "qualified", None),
        ("ACC-0001", "created", None),
        ("CON-0001", "created", None),
        ("QUO-0001", "created", 1),
        ("QUO-0001", "activated", 1),
        ("QUO-0001", "closed", 1),
        ("QUO-0001", "created", 2),
        ("QUO-0001", "activated", 2),
        ("QUO-0001", "accepted", 2),
        ("ORD-0001", "created", 2),
        ("ORD-0001", "fulfilled", None),
        ("INV-2026-0001", "created", None),
        ("INV-2026-0001", "payment", None),
        ("INV-2026-0001", "payment", None),
    ]
    assert [e["kind"] for e in history["events"] if e["number"] == "OPP-0001"] == [
        "created",
        "line-added",
        "line-added",
        "stage",
        "won",
    ]
    assert data(db, "history", "L-0001")["chain"] == history["chain"]

    table = ok(db, "history", "QUO-0001")
    assert "INV-2026-0001  payment" in table


# --- plain output ------------------------------------------------------------------------------


def test_creating_commands_print_the_new_number_first(db: Path) -> None:
    opportunity = deal(db)
    assert ok(db, "quote", "create", opportunity) == "QUO-0001\n"
    assert ok(db, "quote", "activate", "QUO-0001") == "QUO-0001\n"
    assert ok(db, "quote", "accept", "QUO-0001") == "ORD-0001\n"
    assert ok(db, "order", "fulfil", "ORD-0001") == "INV-2026-0001\n"
    result = run(db, "invoice", "pay", "INV-2026-0001", "--amount", "10")
    assert result.stdout == "INV-2026-0001\n"
    assert result.stderr == (
        "Invoice INV-2026-0001 is partially-paid; paid 10.00, balance 1,687.25 EUR\n"
    )


def test_quote_show_lists_lines_and_totals(db: Path) -> None:
    ok(db, "quote", "create", deal(db))
    ok(db, "quote", "discount", "QUO-0001", "--amount", "25")
    shown = ok(db, "quote", "show", "QUO-0001")
    assert "Status       draft (in-progress)" in shown
    assert "Discount     25.00" in shown
    assert "Total        1,667.47 EUR" in shown
    assert "Header disc." in shown
    assert "Consulting day" in shown


def test_accepting_a_quote_closes_the_other_live_quotes_of_the_opportunity(db: Path) -> None:
    opportunity = deal(db)
    ok(db, "quote", "create", opportunity)
    ok(db, "quote", "create", opportunity)
    ok(db, "quote", "activate", "QUO-0002")
    result = run(db, "quote", "accept", "QUO-0002")
    assert result.stdout == "ORD-0001\n"
    assert result.stderr == (
        "Quote QUO-0002 is won; order ORD-0001 created; opportunity OPP-0001 is won; "
        "closed as lost: QUO-0001\n"
    )
    other = data(db, "quote", "show", "QUO-0001")
    assert (other["status"], other["status_reason"]) == ("closed", "lost")


# --- revisions ---------------------------------------------------------------------------------


def test_quote_show_reads_the_latest_or_an_earlier_revision(db: Path) -> None:
    ok(db, "quote", "create", deal(db))
    ok(db, "quote", "activate", "QUO-0001")
    ok(db, "quote", "revise", "QUO-0001")
    assert data(db, "quote", "show", "QUO-0001")["revision"] == 2
    first = data(db, "quote", "show", "QUO-0001", "--revision", "1")
    assert (first["revision"], first["status"], first["status_reason"]) == (1, "closed", "revised")
    assert "Revisions    1, 2" in ok(db, "quote", "show", "QUO-0001")


def test_quote_list_shows_latest_revisions_unless_asked_for_all(db: Path) -> None:
    ok(db, "quote", "create", deal(db))
    ok(db, "quote", "activate", "QUO-0001")
    ok(db, "quote", "revise", "QUO-0001")
    ok(db, "quote", "create", "OPP-0001")
    latest = data(db, "quote", "list")
    assert [(q["number"], q["revision"]) for q in latest] == [("QUO-0001", 2), ("QUO-0002", 1)]
    every = data(db, "quote", "list", "--all-revisions")
    assert [(q["number"], q["revision"]) for q in every] == [
        ("QUO-0001", 1),
        ("QUO-0001", 2),
        ("QUO-0002", 1),
    ]
    assert [q["number"] for q in data(db, "quote", "list", "--status", "draft")] == [
        "QUO-0001",
        "QUO-0002",
    ]
    # a filter naming no record is a typo, not an empty list
    refused(
        db, "quote", "list", "--opportunity", "OPP-0009", message="opportunity OPP-0009 not found"
    )


def test_deleting_a_draft_quote_never_hands_its_number_out_again(db: Path) -> None:
    opportunity = deal(db)
    ok(db, "quote", "create", opportunity)
    result = run(db, "quote", "delete", "QUO-0001")
    assert (result.exit_code, result.stderr) == (0, "Quote QUO-0001 is deleted\n")
    refused(db, "quote", "show", "QUO-0001", message="quote QUO-0001 not found")
    assert ok(db, "quote", "create", opportunity) == "QUO-0002\n"


# --- the opportunity's rules -------------------------------------------------------------------


def test_an_opportunity_with_a_draft_quote_cannot_be_won_until_the_quote_is_deleted(
    db: Path,
) -> None:
    opportunity = deal(db)
    ok(db, "quote", "create", opportunity)
    refused(
        db,
        "opp",
        "win",
        opportunity,
        message=(
            "opportunity OPP-0001 has open quote(s) QUO-0001; close or delete them before the "
            "opportunity can be won"
        ),
    )
    ok(db, "quote", "delete", "QUO-0001")
    ok(db, "opp", "win", opportunity)


def test_an_opportunity_with_an_active_quote_cannot_be_lost(db: Path) -> None:
    opportunity = deal(db)
    ok(db, "quote", "create", opportunity)
    ok(db, "quote", "activate", "QUO-0001")
    refused(
        db,
        "opp",
        "lose",
        opportunity,
        "--reason",
        "canceled",
        message=(
            "opportunity OPP-0001 has open quote(s) QUO-0001; close or delete them before the "
            "opportunity can be lost"
        ),
    )
    ok(db, "quote", "close", "QUO-0001", "--reason", "lost")
    ok(db, "opp", "lose", opportunity, "--reason", "canceled")


def test_a_won_opportunity_with_an_order_cannot_be_reopened_until_the_order_is_canceled(
    db: Path,
) -> None:
    opportunity = deal(db)
    ok(db, "quote", "create", opportunity)
    ok(db, "quote", "activate", "QUO-0001")
    ok(db, "quote", "accept", "QUO-0001")
    refused(
        db,
        "opp",
        "reopen",
        opportunity,
        message=(
            "opportunity OPP-0001 is won with order(s) ORD-0001; a won opportunity with an "
            "order cannot be reopened (cancel the order first)"
        ),
    )
    ok(db, "order", "cancel", "ORD-0001")
    assert data(db, "opp", "reopen", opportunity)["status"] == "open"


# --- invoices ----------------------------------------------------------------------------------


def _invoice(db: Path, date: str | None = None, today: str = TODAY) -> str:
    opportunity = deal(db)
    quote = ok(db, "quote", "create", opportunity, today=today).strip()
    ok(db, "quote", "activate", quote, today=today)
    order = ok(db, "quote", "accept", quote, today=today).strip()
    return ok(db, "order", "fulfil", order, *(["--date", date] if date else []), today=today)


def test_invoice_numbers_are_gapless_per_year_and_a_canceled_one_keeps_its_number(
    db: Path,
) -> None:
    first = _invoice(db, "2025-12-30", today="2025-12-01")
    second = _invoice(db, "2026-01-02", today="2025-12-01")
    ok(db, "invoice", "cancel", second.strip())
    third = _invoice(db, "2025-12-31", today="2025-12-01")
    fourth = _invoice(db)
    assert [first, second, third, fourth] == [
        "INV-2025-0001\n",
        "INV-2026-0001\n",
        "INV-2025-0002\n",
        "INV-2026-0002\n",
    ]
    cancelled = data(db, "invoice", "show", "INV-2026-0001")
    assert (cancelled["status"], cancelled["balance"]) == ("canceled", "0.00")
    statuses = [(i["number"], i["status"]) for i in data(db, "invoice", "list")]
    assert statuses == [
        ("INV-2025-0001", "unpaid"),
        ("INV-2026-0001", "canceled"),
        ("INV-2025-0002", "unpaid"),
        ("INV-2026-0002", "unpaid"),
    ]


def test_a_canceled_invoice_puts_its_order_back_to_be_billed_again(db: Path) -> None:
    assert _invoice(db) == "INV-2026-0001\n"
    cancelled = run(db, "invoice", "cancel", "INV-2026-0001")
    assert cancelled.exit_code == 0
    assert cancelled.stderr == (
        "Invoice INV-2026-0001 is canceled\n"
        "Order ORD-0001 is active again: `salesflow order fulfil ORD-0001` bills it anew, "
        "`order cancel` ends it\n"
    )
    order = data(db, "order", "show", "ORD-0001")
    assert (order["status"], order["invoice"], order["fulfilled_on"]) == ("active", None, None)
    assert ok(db, "order", "fulfil", "ORD-0001") == "INV-2026-0002\n"
    assert data(db, "order", "show", "ORD-0001")["invoice"] == "INV-2026-0002"
    story = data(db, "history", "ORD-0001")
    assert {"INV-2026-0001", "INV-2026-0002"} <= set(story["chain"])
    assert [(e["number"], e["kind"]) for e in story["events"]][-6:] == [
        ("ORD-0001", "fulfilled"),
        ("INV-2026-0001", "created"),
        ("INV-2026-0001", "canceled"),
        ("ORD-0001", "reopened"),
        ("ORD-0001", "fulfilled"),
        ("INV-2026-0002", "created"),
    ]


def test_the_payment_terms_set_the_due_date(db: Path) -> None:
    ok(db, "init", "--payment-terms", "45")
    _invoice(db)
    assert data(db, "invoice", "show", "INV-2026-0001")["due_date"] == "2026-04-16"


def test_overdue_invoices_are_derived_from_today(db: Path) -> None:
    _invoice(db)  # due 2026-03-16
    assert data(db, "invoice", "list", "--status", "overdue", today="2026-03-16") == []
    late = data(db, "invoice", "list", "--status", "overdue", today="2026-03-17")
    assert [(i["number"], i["status"], i["overdue"]) for i in late] == [
        ("INV-2026-0001", "unpaid", True)
    ]
    assert "unpaid (overdue)" in ok(db, "invoice", "list", today="2026-03-17")
    ok(db, "invoice", "pay", "INV-2026-0001")
    assert data(db, "invoice", "list", "--status", "overdue", today="2026-03-17") == []
    assert [i["number"] for i in data(db, "invoice", "list", "--status", "paid")] == [
        "INV-2026-0001"
    ]


# --- bad input: exit 1, one Error line, data file unchanged --------------------------------------

ACCEPTED = [
    ("quote", "create", "OPP-0001"),
    ("quote", "activate", "QUO-0001"),
    ("quote", "accept", "QUO-0001"),
]
INVOICED = [*ACCEPTED, ("order", "fulfil", "ORD-0001")]

BAD_INPUT: list[tuple[str, list[tuple[str, ...]], tuple[str, ...], str]] = [
    (
        "editing an active quote",
        [("quote", "create", "OPP-0001"), ("quote", "activate", "QUO-0001")],
        ("quote", "add-product", "QUO-0001", "CONSULT"),
        "quote QUO-0001 is active (open); only draft quotes can be edited",
    ),
    (
        "removing a line from a won quote",
        ACCEPTED,
        ("quote", "remove-product", "QUO-0001", "1"),
        "quote QUO-0001 is won; only draft quotes can be edited",
    ),
    (
        "discounting an active quote",
        [("quote", "create", "OPP-0001"), ("quote", "activate", "QUO-0001")],
        ("quote", "discount", "QUO-0001", "--percent", "5"),
        "quote QUO-0001 is active (open); only draft quotes can be discounted",
    ),
    (
        "activating an empty quote",
        [
            ("opp", "add", "--name", "Empty", "--account", "ACC-0001"),
            ("quote", "create", "OPP-0002"),
        ],
        ("quote", "activate", "QUO-0001"),
        "quote QUO-0001 has no lines; a quote needs at least one line to be activated",
    ),
    (
        "accepting a draft quote",
        [("quote", "create", "OPP-0001")],
        ("quote", "accept", "QUO-0001"),
        "quote QUO-0001 is draft (in-progress); only active quotes can be accepted",
    ),
    (
        "accepting a closed quote",
        [*ACCEPTED[:2], ("quote", "close", "QUO-0001", "--reason", "lost")],
        ("quote", "accept", "QUO-0001"),
        "quote QUO-0001 is closed (lost); only active quotes can be accepted",
    ),
    (
        "accepting a won quote",
        ACCEPTED,
        ("quote", "accept", "QUO-0001"),
        "quote QUO-0001 is won; only active quotes can be accepted",
    ),
    (
        "closing a draft quote",
        [("quote", "create", "OPP-0001")],
        ("quote", "close", "QUO-0001", "--reason", "lost"),
        "quote QUO-0001 is draft (in-progress); only active quotes can be closed",
    ),
    (
        "revising a won quote",
        ACCEPTED,
        ("quote", "revise", "QUO-0001"),
        "quote QUO-0001 is won; only active or closed quotes can be revised",
    ),
    (
        "deleting an active quote",
        ACCEPTED[:2],
        ("quote", "delete", "QUO-0001"),
        "quote QUO-0001 is active (open); only draft quotes can be deleted",
    ),
    (
        "a discount above the subtotal",
        [("quote", "create", "OPP-0001")],
        ("quote", "discount", "QUO-0001", "--amount", "1425.01"),
        "quote QUO-0001: discount 1425.01 is more than the subtotal 1425.00 before discount",
    ),
    (
        "a negative discount",
        [("quote", "create", "OPP-0001")],
        ("quote", "discount", "QUO-0001", "--amount", "-5"),
        "quote QUO-0001: discount '-5' is negative; it must be 0 or more",
    ),
    (
        "a negative discount percent",
        [("quote", "create", "OPP-0001")],
        ("quote", "discount", "QUO-0001", "--percent", "-5"),
        "quote QUO-0001: discount percent '-5' is out of range; it must be from 0 to 100",
    ),
    (
        "quoting a won opportunity",
        ACCEPTED,
        ("quote", "create", "OPP-0001"),
        "opportunity OPP-0001 is won; only open opportunities can be quoted",
    ),
    (
        "quoting a lost opportunity",
        [("opp", "lose", "OPP-0001", "--reason", "out-sold")],
        ("quote", "create", "OPP-0001"),
        "opportunity OPP-0001 is lost (out-sold); only open opportunities can be quoted",
    ),
    (
        "fulfilling a canceled order",
        [*ACCEPTED, ("order", "cancel", "ORD-0001")],
        ("order", "fulfil", "ORD-0001"),
        "order ORD-0001 is canceled; only active orders can be fulfilled",
    ),
    (
        "fulfilling a fulfilled order",
        INVOICED,
        ("order", "fulfil", "ORD-0001"),
        "order ORD-0001 is fulfilled; only active orders can be fulfilled",
    ),
    (
        "cancelling a fulfilled order",
        INVOICED,
        ("order", "cancel", "ORD-0001"),
        "order ORD-0001 is fulfilled; only active orders can be canceled",
    ),
    (
        "paying a canceled invoice",
        [*INVOICED, ("invoice", "cancel", "INV-2026-0001")],
        ("invoice", "pay", "INV-2026-0001"),
        "invoice INV-2026-0001 is canceled; only unpaid or partially-paid invoices can be paid",
    ),
    (
        "paying a paid invoice",
        [*INVOICED, ("invoice", "pay", "INV-2026-0001")],
        ("invoice", "pay", "INV-2026-0001", "--amount", "1"),
        "invoice INV-2026-0001 is paid; only unpaid or partially-paid invoices can be paid",
    ),
    (
        "paying 0",
        INVOICED,
        ("invoice", "pay", "INV-2026-0001", "--amount", "0"),
        "invoice INV-2026-0001: payment amount '0' must be more than 0",
    ),
    (
        "paying a negative amount",
        INVOICED,
        ("invoice", "pay", "INV-2026-0001", "--amount", "-20"),
        "invoice INV-2026-0001: payment amount '-20' must be more than 0",
    ),
    (
        "paying more than the balance",
        INVOICED,
        ("invoice", "pay", "INV-2026-0001", "--amount", "1697.26"),
        "invoice INV-2026-0001: payment amount 1697.26 is more than the balance 1697.25",
    ),
    (
        "cancelling an invoice with payments",
        [*INVOICED, ("invoice", "pay", "INV-2026-0001", "--amount", "97.25")],
        ("invoice", "cancel", "INV-2026-0001"),
        "invoice INV-2026-0001 is partially-paid (paid 97.25); only unpaid invoices can be "
        "canceled",
    ),
    (
        "an unknown revision",
        [("quote", "create", "OPP-0001")],
        ("quote", "show", "QUO-0001", "--revision", "2"),
        "quote QUO-0001 has no revision 2; its revisions are 1",
    ),
    (
        "exporting an unknown revision",
        [("quote", "create", "OPP-0001")],
        ("quote", "export", "QUO-0001", "--revision", "3", "--format", "md"),
        "quote QUO-0001 has no revision 3; its revisions are 1",
    ),
    (
        "an unknown quote",
        [],
        ("quote", "activate", "QUO-0042"),
        "quote QUO-0042 not found",
    ),
    (
        "an unknown invoice",
        [],
        ("invoice", "pay", "INV-2026-0042"),
        "invoice INV-2026-0042 not found",
    ),
    (
        "an invoice date before the order",
        ACCEPTED,
        ("order", "fulfil", "ORD-0001", "--date", "2026-03-01"),
        "order ORD-0001: invoice date 2026-03-01 is before the order date 2026-03-02",
    ),
]


@pytest.mark.parametrize(
    ("setup", "command", "message"),
    [case[1:] for case in BAD_INPUT],
    ids=[case[0] for case in BAD_INPUT],
)
def test_bad_input_is_refused_and_leaves_the_data_file_unchanged(
    db: Path, setup: list[tuple[str, ...]], command: tuple[str, ...], message: str
) -> None:
    deal(db)
    for step in setup:
        ok(db, *step)
    refused(db, *command, message=message)


def test_a_discount_needs_percent_or_amount_as_a_usage_error(db: Path) -> None:
    ok(db, "quote", "create", deal(db))
    refused(
        db,
        "quote",
        "discount",
        "QUO-0001",
        message="give the discount as --percent P or --amount A (one of them)",
        code=2,
    )
