"""The garbage-collector guard used around bulk parses and builds."""

from __future__ import annotations

import gc
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
