"""`quote create` decides the VAT treatment from the seller's and the customer's country."""

from __future__ import annotations

from typing import Any

import pytest

from salesflow.models import Account
from tests.conftest import Cli
from tests.runner import backend_of


def set_account(cli: Cli, number: str, **fields: Any) -> None:
    """Customer fields set through the store (the account commands are not needed here)."""
    with backend_of(cli.db).writing() as session:
        account = session.get(Account, number)
        session.put(account.model_copy(update=fields))


def quote_for(cli: Cli, country: str | None, vat_id: str | None) -> Any:
    cli.ok("init", "--tax-rate", "21", "--vat-number", "NL001122344B01")
    cli.ok("product", "add", "DRILL", "--name", "Drill", "--price", "100")
    lead = cli.number("lead", "add", "--company", "Kunde GmbH")
    opportunity = cli.number("lead", "qualify", lead)
    set_account(cli, "ACC-0001", country=country, vat_id=vat_id)
    cli.ok("opp", "add-product", opportunity, "DRILL", "--quantity", "2")
    cli.ok("quote", "create", opportunity)
    return cli.json("quote", "show", "QUO-0001")


@pytest.mark.parametrize(
    ("country", "vat_id", "treatment", "tax", "shown"),
    [
        ("NL", "NL009988777B01", None, "42.00", "the lines' rates (domestic)"),
        ("DE", "DE123456796", "reverse-charge", "0.00", "reverse charge: 0 % (EU business"),
        ("BE", None, "eu-without-vat-id", "42.00", "your rates (EU customer without a VAT ID)"),
        ("US", None, "export", "0.00", "0 %: export outside the EU"),
    ],
)
def test_quote_create_chooses_the_vat_treatment_and_quote_show_names_it(
    cli: Cli, country: str, vat_id: str | None, treatment: str | None, tax: str, shown: str
) -> None:
    quote = quote_for(cli, country, vat_id)

    assert quote["vat_treatment"] == treatment
    assert quote["tax"] == tax
    assert f"VAT          {shown}" in cli.ok("quote", "show", "QUO-0001").stdout


def test_the_treatment_travels_to_the_order_and_the_invoice(cli: Cli) -> None:
    quote_for(cli, "DE", "DE123456796")
    cli.ok("quote", "activate", "QUO-0001")
    cli.ok("quote", "accept", "QUO-0001")
    cli.ok("order", "fulfil", "ORD-0001", "--delivery-date", "2026-11-20")

    invoice = cli.json("invoice", "show", "INV-2026-0001")

    assert invoice["vat_treatment"] == "reverse-charge"
    assert invoice["tax"] == "0.00"
    assert invoice["delivery_date"] == "2026-11-20"
