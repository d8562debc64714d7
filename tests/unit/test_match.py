"""`Match`, the declarative filter of the storage contract: the reference semantics every
backend follows."""

from __future__ import annotations

from datetime import date

from salesflow.store.contract import Match


def test_a_value_matches_in_any_case_and_a_missing_field_takes_its_default() -> None:
    wanted = Match.where(status=("open", "won"), defaults={"status": "open"})
    assert wanted.matches({"status": "WON"})
    assert wanted.matches({})
    assert not wanted.matches({"status": "lost"})
    assert not Match.where(status="open").matches({})


def test_a_date_range_includes_both_ends_and_leaves_out_records_without_the_date() -> None:
    wanted = Match.where(within={"due": (date(2026, 11, 1), date(2026, 11, 30))})
    assert wanted.matches({"due": "2026-11-01"})
    assert wanted.matches({"due": "2026-11-30"})
    assert not wanted.matches({"due": "2026-12-01"})
    assert not wanted.matches({"due": "2026-10-31"})
    assert not wanted.matches({})
    up_to = Match.where(within={"due": (None, date(2026, 11, 30))})
    assert up_to.matches({"due": "2020-01-01"})


def test_an_open_range_is_no_condition() -> None:
    assert Match.where(within={"due": (None, None)}).matches({})


def test_either_wants_a_record_any_alternative_wants() -> None:
    about = Match.either(Match.where(regarding="L-0001"), Match.where(contact="CON-0001"))
    assert about.matches({"regarding": "l-0001"})
    assert about.matches({"regarding": "OPP-0001", "contact": "CON-0001"})
    assert not about.matches({"regarding": "OPP-0001", "contact": "CON-0002"})


def test_many_wanted_values_are_matched_as_a_set() -> None:
    numbers = {f"L-{n:04d}" for n in range(1, 5001)}
    wanted = Match.where(number=numbers)
    assert wanted.matches({"number": "l-2500"})
    assert not wanted.matches({"number": "L-25000"})  # compared whole, not as a prefix
    assert not Match.where(number=()).matches({"number": "L-0001"})
