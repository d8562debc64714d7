"""A seller's daily records through the CLI: amounts as typed, customers, lines, short numbers."""

from __future__ import annotations

import pytest

from tests.conftest import Cli


def refused(cli: Cli, *args: str, message: str, code: int = 1) -> None:
    """The command fails with exactly one Error line, and the data file is byte-identical."""
    before = cli.db.read_bytes()
    result = cli(*args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""
    assert cli.db.read_bytes() == before


@pytest.fixture
def invoiced(cli: Cli) -> Cli:
    """L-0001 (Jansen Bouw) qualified into OPP-0001, quoted, accepted, invoiced: INV-2026-0001
    of 2,420.00 (2 days of 1,000.00 plus 21 % tax)."""
    cli.ok("init", "--tax-rate", "21")
    cli.ok("product", "add", "DAY", "--name", "Consulting day", "--price", "1.000,00")
    cli.ok("lead", "add", "--last-name", "Jansen", "--company", "Jansen Bouw", "--email", "p@jb.nl")
    cli.ok("lead", "qualify", "L-0001")
    cli.ok("opp", "add-product", "OPP-0001", "DAY", "--quantity", "2")
    cli.ok("quote", "create", "OPP-0001")
    cli.ok("quote", "activate", "QUO-0001")
    cli.ok("quote", "accept", "QUO-0001")
    cli.ok("order", "fulfil", "ORD-0001")
    return cli


# --- amounts that mean what the seller typed ---------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("9.500", "9500.00"), ("1.500,00", "1500.00"), ("€ 1.500", "1500.00"), ("9,50", "9.50")],
)
def test_an_estimated_value_is_stored_as_the_seller_typed_it(
    cli: Cli, typed: str, stored: str
) -> None:
    lead = cli.json("lead", "add", "--company", "Hof", "--estimated-value", typed)
    assert lead["estimated_value"] == stored


def test_a_payment_of_1_500_books_one_thousand_five_hundred(invoiced: Cli) -> None:
    invoiced.ok("invoice", "pay", "INV-2026-0001", "--amount", "1.500")
    invoice = invoiced.json("invoice", "show", "INV-2026-0001")
    assert (invoice["amount_paid"], invoice["balance"]) == ("1500.00", "920.00")


def test_a_product_price_of_1_000_comma_00_is_one_thousand(invoiced: Cli) -> None:
    assert invoiced.json("product", "show", "DAY")["price"] == "1000.00"


def test_an_ambiguous_amount_is_refused_showing_both_readings(invoiced: Cli) -> None:
    refused(
        invoiced,
        "invoice",
        "pay",
        "INV-2026-0001",
        "--amount",
        "1500.250",
        message="invoice INV-2026-0001: payment amount '1500.250' is ambiguous: "
        "1,500,250.00 or 1,500.25; type 1500250.00 or 1500.25",
    )


# --- customer records --------------------------------------------------------------------------


def test_editing_a_qualified_lead_is_refused_with_the_contact_and_account_commands(
    invoiced: Cli,
) -> None:
    refused(
        invoiced,
        "lead",
        "edit",
        "L-0001",
        "--email",
        "piet@jansenbouw.nl",
        message="lead L-0001 is qualified; only open leads can be edited; edit its contact with "
        "`salesflow contact edit CON-0001` or its account with `salesflow account edit ACC-0001`",
    )
