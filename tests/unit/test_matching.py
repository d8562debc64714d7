"""The text-matching rules every command shares: folding, match key, name key, email syntax."""

from __future__ import annotations

import pytest

from salesflow import importer
from salesflow.importer.headers import normalise_header
from salesflow.pipeline import fields, listing
from salesflow.pipeline.matching import fold, is_email, match_key, name_key


def test_folding_removes_accents_and_case() -> None:
    assert fold("Müller") == fold("MULLER") == "muller"
    assert fold("Straße") == "strasse"
    assert fold("Zoë Ølsen") == "zoe ølsen"  # Ø is a letter of its own, not O with a mark


def test_the_match_key_ignores_surrounding_space_and_case_only() -> None:
    assert match_key("  Ada@Example.COM ") == "ada@example.com"
    assert match_key(None) == match_key("") == ""
    assert match_key("Müller") != match_key("Muller")


def test_a_name_key_needs_a_last_name() -> None:
    assert name_key("Jan", None, "Acme") == ""
    assert name_key("Jan", "  ", "Acme") == ""
    assert name_key(None, "Jansen", None) == "|jansen|"


def test_a_name_key_ignores_accents_case_and_spacing_but_keeps_each_part_in_place() -> None:
    assert name_key(" Zoë ", "Müller  Smit", "ACME\tBV") == name_key(
        "zoe", "muller smit", "acme bv"
    )
    assert name_key("Zoë", "Müller", "Acme") == "zoe|muller|acme"
    assert name_key("Jan", "Smit", "") != name_key("", "Jan", "Smit")


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("ada@example.com", True),
        ("a.b+c@sub.example.co", True),
        ("ada@example", False),
        ("ada@example.", False),
        ("ada@.com", False),
        ("@example.com", False),
        ("ada@@example.com", False),
        ("ada@example..com", False),
        ("ada lovelace@example.com", False),
        ("ada@exam\u200bple.com", False),  # an invisible character is no part of an address
        ("ada@example.com\n", False),
    ],
)
def test_an_email_is_checked_by_one_rule_everywhere(text: str, valid: bool) -> None:
    assert is_email(text) is valid
    assert importer.is_email(text) is valid
    assert fields.is_email(text) is valid


def test_list_search_and_headers_fold_with_the_same_rule() -> None:
    assert listing.fold is fold
    assert normalise_header("E-mail Adrés") == "emailadres"
