"""The garbage-collector guard used around bulk parses and builds."""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Iterator

import pytest

from salesflow.store import collector


@pytest.fixture(autouse=True)
def _collector_as_it_was() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if was_enabled:
        gc.enable()


def test_paused_holds_the_collector_and_restores_it() -> None:
    gc.enable()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_paused_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    with collector.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_paused_restores_the_collector_after_an_error() -> None:
    gc.enable()
    with pytest.raises(ValueError), collector.paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_spare_freezes_what_was_built_only_for_bulk_builds() -> None:
    gc.unfreeze()
    collector.spare(collector.BULK - 1)
    assert gc.get_freeze_count() == 0
    collector.spare(collector.BULK)
    assert gc.get_freeze_count() > 0


def test_spare_freezes_a_big_parse_of_few_records() -> None:
    gc.unfreeze()
    collector.spare(1, size=collector.BULK_BYTES - 1)
    assert gc.get_freeze_count() == 0
    collector.spare(1, size=collector.BULK_BYTES)
    assert gc.get_freeze_count() > 0


def test_a_big_table_is_out_of_the_collectors_sight_before_it_runs_again() -> None:
    """The agenda index is one document: parsed, its entries are frozen at once, so that the
    collection the next allocation starts does not walk them."""
    from salesflow.store.damage import parse_table

    gc.unfreeze()
    gc.enable()
    entries = {f"L-{n:05d}": ["2026-11-27", "Ada", None, "Acme", None, None] for n in range(9000)}
    body = b'{"1":{"leads":' + json.dumps(entries).encode() + b"}}"
    assert len(body) >= collector.BULK_BYTES
    parsed = parse_table("_agenda", body)
    assert gc.get_freeze_count() > len(entries)
    section = parsed["1"]["leads"]
    assert not any(found is section for found in gc.get_objects())  # frozen: not walked


def test_kept_objects_live_until_the_next_call_for_their_slot() -> None:
    class Held:
        pass

    first, other = Held(), Held()
    alive = weakref.ref(first)
    collector.keep(first, slot="read")
    collector.keep(other, slot="import")
    del first
    assert alive() is not None
    collector.keep(slot="read")
    assert alive() is None
