"""Fixtures of the reliability tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.worlds import Worlds, every_kind


@pytest.fixture(scope="session")
def world_file(worlds: Worlds) -> bytes:
    """The bytes of `tests.worlds.every_kind`'s data file, made once per test session."""
    return worlds.file(every_kind)


@pytest.fixture
def world(db: Path, world_file: bytes) -> bytes:
    """`db` holds the world; its bytes."""
    db.write_bytes(world_file)
    return world_file
