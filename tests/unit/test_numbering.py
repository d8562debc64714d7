"""Numbers typed short, and records named instead of numbered."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.errors import NotFound, Refused
from salesflow.pipeline.fields import match_name
from salesflow.pipeline.numbering import full_number

INVOICES = ["INV-2025-0007", "INV-2026-0001", "INV-2026-0007", "INV-2026-0012"]


@given(st.sampled_from(["L", "ACC", "CON", "OPP", "QUO", "ORD"]), st.integers(1, 99_999))
def test_digits_alone_are_the_prefixs_number(prefix: str, sequence: int) -> None:
    expected = f"{prefix}-{sequence:04d}"
    assert full_number(prefix, f" {sequence} ", (), 2026) == expected
    assert full_number(prefix, expected, (), 2026) == expected  # a whole number stays


def test_an_invoice_sequence_is_this_years_invoice_only_when_it_is_the_only_one() -> None:
    assert full_number("INV", "1", INVOICES, 2026) == "INV-2026-0001"
    assert full_number("INV", "12", INVOICES, 2026) == "INV-2026-0012"
    assert full_number("INV", "3", INVOICES, 2026) == "INV-2026-0003"  # not found later
    with pytest.raises(Refused, match=r"^invoice 7 could be INV-2025-0007 or INV-2026-0007; "):
        full_number("INV", "7", INVOICES, 2026)
    with pytest.raises(Refused, match=r"^invoice 1 could be INV-2026-0001; type the whole"):
        full_number("INV", "1", INVOICES, 2027)


def test_a_name_is_matched_whole_ignoring_case_else_as_a_unique_part() -> None:
    named = [("ACC-0001", "Jansen Bouw"), ("ACC-0002", "Jansen Bouw Noord"), ("ACC-0003", "Hof")]
    assert match_name("account", " jansen  BOUW ", named) == "ACC-0001"
    assert match_name("account", "noord", named) == "ACC-0002"
    with pytest.raises(Refused) as several:
        match_name("account", "jansen b", named)
    assert str(several.value) == (
        "account 'jansen b' could be ACC-0001 Jansen Bouw, ACC-0002 Jansen Bouw Noord; "
        "give the number"
    )
    with pytest.raises(NotFound, match=r"^account Fjord not found \(no number or name like it\)$"):
        match_name("account", "Fjord", named)
