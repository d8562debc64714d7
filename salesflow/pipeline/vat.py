"""Which VAT a quote charges: the seller's rates, or 0 % with a legal mention.

The rule (EU VAT directive art. 44, 138 and 196; Dutch art. 12 Wet OB), decided once when a quote
is created and carried to its order and invoice:

- the customer is in the seller's country, or either country is unknown: the lines' own rates
  (`domestic`);
- a business in another EU member state with a VAT ID: every line at 0 %, "VAT reverse charge"
  (`reverse-charge`);
- a customer in another EU member state without a VAT ID (a consumer): the seller's rates, as at
  home (`eu-without-vat-id`);
- a customer outside the EU: every line at 0 %, an export (`export`).

The customer's country is its account's ISO code, else the prefix of its VAT ID.
"""

from __future__ import annotations

from enum import StrEnum

from salesflow.models import Line
from salesflow.pipeline.money import ZERO

# Member states by ISO code; Greece's VAT IDs start with EL.
EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
_VAT_PREFIX_COUNTRY = {"EL": "GR"}


class VatTreatment(StrEnum):
    DOMESTIC = "domestic"
    REVERSE_CHARGE = "reverse-charge"
    EU_WITHOUT_VAT_ID = "eu-without-vat-id"
    EXPORT = "export"


ZERO_RATED = (VatTreatment.REVERSE_CHARGE, VatTreatment.EXPORT)


def _iso(country: str | None) -> str | None:
    code = (country or "").strip().upper()
    return code if len(code) == 2 and code.isalpha() else None


def vat_id_country(vat_id: str | None) -> str | None:
    """The country a VAT ID's prefix names (`DE123…` is DE, `EL…` is GR), or None."""
    prefix = _iso((vat_id or "").strip()[:2])
    return _VAT_PREFIX_COUNTRY.get(prefix, prefix) if prefix else None


def vat_treatment(
    seller_country: str | None, customer_country: str | None, customer_vat_id: str | None
) -> VatTreatment:
    """The VAT treatment of a sale from `seller_country` to a customer (see the module's rule)."""
    seller = _iso(seller_country)
    vat_id = (customer_vat_id or "").strip() or None
    customer = _iso(customer_country) or vat_id_country(vat_id)
    if seller is None or customer is None or customer == seller:
        return VatTreatment.DOMESTIC
    if customer not in EU_COUNTRIES:
        return VatTreatment.EXPORT
    if seller not in EU_COUNTRIES:
        return VatTreatment.DOMESTIC
    return VatTreatment.REVERSE_CHARGE if vat_id else VatTreatment.EU_WITHOUT_VAT_ID


def is_zero_rated(treatment: str | None) -> bool:
    return treatment in ZERO_RATED


def apply_treatment(line: Line, treatment: str | None) -> Line:
    """`line` at 0 % VAT when the treatment is zero-rated, else unchanged."""
    if not is_zero_rated(treatment) or (line.tax_rate == ZERO and line.tax == ZERO):
        return line
    return line.model_copy(update={"tax_rate": ZERO, "tax": ZERO})
