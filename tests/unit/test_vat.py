"""The VAT rule: the seller's rates at home, reverse charge for EU businesses, 0 % for exports."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from salesflow.models import Opportunity, Product
from salesflow.pipeline.lines import LineSpec, make_line
from salesflow.pipeline.quotes import add_quote_product, create_quote, order_from_quote
from salesflow.pipeline.vat import VatTreatment, vat_id_country, vat_treatment

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_a_customer_in_the_sellers_own_country_pays_the_sellers_rates() -> None:
    assert vat_treatment("NL", "NL", "NL001122344B01") is VatTreatment.DOMESTIC


def test_an_eu_business_with_a_vat_id_in_another_member_state_is_reverse_charged() -> None:
    assert vat_treatment("NL", "DE", "DE123456796") is VatTreatment.REVERSE_CHARGE


def test_an_eu_customer_without_a_vat_id_pays_the_sellers_rates() -> None:
    assert vat_treatment("NL", "BE", None) is VatTreatment.EU_WITHOUT_VAT_ID
    assert vat_treatment("NL", "BE", "  ") is VatTreatment.EU_WITHOUT_VAT_ID


def test_a_customer_outside_the_eu_is_an_export_at_zero() -> None:
    assert vat_treatment("NL", "US", None) is VatTreatment.EXPORT
    assert vat_treatment("NL", "CH", "CHE-123.456.789") is VatTreatment.EXPORT


def test_an_unknown_country_on_either_side_keeps_the_sellers_rates() -> None:
    assert vat_treatment(None, "DE", "DE123456796") is VatTreatment.DOMESTIC
    assert vat_treatment("NL", None, None) is VatTreatment.DOMESTIC
    assert vat_treatment("NL", "Germany", None) is VatTreatment.DOMESTIC


def test_the_customers_country_falls_back_to_its_vat_id_prefix() -> None:
    assert vat_treatment("NL", None, "DE123456796") is VatTreatment.REVERSE_CHARGE
    assert vat_treatment("nl", "", "EL123456789") is VatTreatment.REVERSE_CHARGE
    assert vat_id_country("EL123456789") == "GR"


def _opportunity() -> Opportunity:
    return Opportunity(
        number="OPP-0001",
        name="Tools for Berlin",
        account="ACC-0001",
        lines=[
            make_line(
                1,
                description="Drill",
                quantity=Decimal(2),
                unit_price=Decimal("100.00"),
                tax_rate=Decimal(21),
            )
        ],
        last_line_no=1,
        created_on=TODAY,
    )


@pytest.mark.parametrize("treatment", [VatTreatment.REVERSE_CHARGE, VatTreatment.EXPORT])
def test_a_zero_rated_quote_has_every_line_at_zero_and_keeps_its_treatment(
    treatment: VatTreatment,
) -> None:
    quote = create_quote(_opportunity(), number="QUO-0001", vat=treatment, today=TODAY, now=NOW)
    product = Product(
        sku="SAW", name="Saw", price=Decimal("50.00"), tax_rate=Decimal(9), created_on=TODAY
    )

    added, _ = add_quote_product(
        quote.quote,
        LineSpec(quantity="1", sku="SAW"),
        products={"SAW": product},
        default_tax_rate=Decimal(21),
        now=NOW,
    )

    assert [(line.tax_rate, line.tax) for line in added.lines] == [(0, 0), (0, 0)]
    assert added.subtotal == Decimal("250.00")
    assert added.total == Decimal("250.00")
    assert added.vat_treatment == treatment
    assert quote.events[0].details["vat"] == treatment.value
    order = order_from_quote(added, number="ORD-0001", today=TODAY)
    assert order.vat_treatment == treatment
    assert order.total == Decimal("250.00")


def test_a_domestic_quote_keeps_the_lines_rates() -> None:
    quote = create_quote(_opportunity(), number="QUO-0001", today=TODAY, now=NOW).quote

    assert quote.vat_treatment is None  # domestic: nothing stored
    assert quote.lines[0].tax == Decimal("42.00")
