"""Fixtures of the reliability tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.helpers import build_world


@pytest.fixture(scope="session")
def world_file(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of `build_world`'s data file, built once per test session."""
    db = tmp_path_factory.mktemp("world") / "world.json"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SALESFLOW_TODAY", "2026-11-27")
        patch.delenv("SALESFLOW_LOCK_TIMEOUT", raising=False)
        build_world(db)
    return db.read_bytes()


@pytest.fixture
def world(db: Path, world_file: bytes) -> bytes:
    """`db` holds the world; its bytes."""
    db.write_bytes(world_file)
    return world_file
