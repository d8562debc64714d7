"""The CLI suite runs against both backends: every test taking the `db` (or `cli`) fixture runs
once on a data file and once on a fresh PostgreSQL database standing in for it
(`tests.runner.DatabaseFile`). Tests about the file itself (its bytes, its layout, its
creation, its lock) are marked `file_only` and run on the file alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.runner import DatabaseFile

BACKENDS = [
    "file",
    # the database variant is for the full run: day-to-day runs check the file (-m "not slow")
    pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow]),
]


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Path | DatabaseFile:
    if request.param == "postgres":
        return DatabaseFile(request.getfixturevalue("pg_url"), tmp_path)
    return tmp_path / "sales.json"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A `file_only` test's database variant is left out (deselected, not skipped)."""
    kept, left = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if params.get("db") == "postgres" and item.get_closest_marker("file_only"):
            left.append(item)
        else:
            kept.append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
