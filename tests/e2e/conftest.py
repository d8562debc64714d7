"""The CLI suite runs against both backends: every test taking the `db` (or `cli`) fixture runs
once on a data file and once on a PostgreSQL database standing in for it
(`tests.runner.DatabaseFile`). Tests about the file itself (its bytes, its layout, its
creation, its lock) are marked `file_only` and run on the file alone; the rendering matrix runs
on the database at 80 columns only (what a table shows does not depend on the backend)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg import PgServer
from tests.runner import DatabaseFile

BACKENDS = [
    "file",
    # the database variant is for the full run: day-to-day runs check the file (-m "not slow")
    pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow]),
]


@pytest.fixture(scope="session")
def e2e_database(pg_server: PgServer) -> Iterator[str]:
    """One database per test process for the CLI suite, emptied before each test (dropping and
    creating its schema is a fraction of creating and dropping a database)."""
    name = pg_server.create_database("e2e")
    try:
        yield pg_server.url(name)
    finally:
        pg_server.drop_database(name)


def _emptied(url: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return url


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Path | DatabaseFile:
    if request.param == "postgres":
        return DatabaseFile(_emptied(request.getfixturevalue("e2e_database")), tmp_path)
    return tmp_path / "sales.json"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A `file_only` test's database variant is left out (deselected, not skipped), and so are
    the database variants of the rendering matrix at other widths than 80."""
    kept, left = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        on_database = params.get("db") == "postgres"
        if on_database and (item.get_closest_marker("file_only") or params.get("width", 80) != 80):
            left.append(item)
        else:
            kept.append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
