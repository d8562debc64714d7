"""Team mode in the benchmark: a throwaway PostgreSQL server for the run (started by
`scripts/dev-postgres`'s own functions), one database per data set loaded with `salesflow db
copy`, and the driver that times parallel writers."""

from __future__ import annotations

import subprocess
import sys
import types
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

WRITERS = r"""
import subprocess, sys
mode, count, *command = sys.argv[1:]
quiet = {"stdout": subprocess.DEVNULL}
if mode == "one":
    codes = [subprocess.run(command, **quiet).returncode for _ in range(int(count))]
else:
    writers = [subprocess.Popen(command, **quiet) for _ in range(int(count))]
    codes = [writer.wait() for writer in writers]
sys.exit(max(codes))
"""
"""`python -c WRITERS one|all COUNT COMMAND...`: COUNT processes of COMMAND one after the other,
or all at once; exits non-zero when one of them failed."""


def dev_postgres() -> types.ModuleType:
    """`scripts/dev-postgres` as a module (registered: its dataclasses look their module up)."""
    if "dev_postgres" in sys.modules:
        return sys.modules["dev_postgres"]
    loader = SourceFileLoader("dev_postgres", str(REPO / "scripts" / "dev-postgres"))
    spec = spec_from_loader("dev_postgres", loader)
    assert spec is not None
    module = module_from_spec(spec)
    sys.modules["dev_postgres"] = module
    loader.exec_module(module)
    return module


def start_server() -> tuple[Any, str]:
    """A throwaway server, or None and why there is none."""
    try:
        import psycopg  # noqa: F401  (creates the databases)
    except ImportError:
        return None, "psycopg is not installed (pip install -e '.[test]')"
    script = dev_postgres()
    try:
        return script.start(), ""
    except script.Unavailable as error:
        return None, str(error)


def stop_server(server: Any) -> None:
    dev_postgres().stop(server.folder, mode="immediate")


def load_database(server: Any, label: str, data_file: Path, salesflow: list[str]) -> str:
    """A new database holding `data_file`'s data; its URL."""
    import psycopg

    name = f"bench_{label}"
    with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = str(server.url(name))
    subprocess.run(
        [*salesflow, "db", "copy", str(data_file), url],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return url


def empty_database(server: Any, name: str, salesflow: list[str]) -> str:
    """A new database under `name` (dropped first when it exists) with salesflow's schema and
    no records; its URL."""
    import psycopg

    with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = str(server.url(name))
    subprocess.run(
        [*salesflow, "--db", url, "db", "init"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return url


GROW = """
WITH source AS (
    SELECT doc, status, email, row_number() OVER (ORDER BY id) AS i, count(*) OVER () AS n
    FROM leads WHERE status = 'open' AND account IS NULL AND opportunity IS NULL
),
copies AS (
    SELECT source.*, c, %(first)s + c * n + i - 1 AS number
    FROM source, generate_series(0, %(rounds)s) AS c
),
numbered AS (
    SELECT 'L-' || lpad(number::text, greatest(4, length(number::text)), '0') AS key, status, doc,
           CASE WHEN email IS NULL THEN NULL ELSE 'c' || c || '.' || email END AS email
    FROM copies WHERE number <= %(size)s
),
added AS (
    INSERT INTO leads (key, number, status, email, doc)
    SELECT key, lower(key), status, email,
           CASE WHEN email IS NULL THEN doc || jsonb_build_object('number', key)
                ELSE doc || jsonb_build_object('number', key, 'email', email) END
    FROM numbered
    RETURNING key, doc
)
INSERT INTO events (number, doc)
SELECT key, jsonb_build_object(
    'at', (doc->>'created_on') || 'T09:00:00Z', 'kind', 'created', 'number', key,
    'details', '{}'::jsonb, 'to_state', 'open')
FROM added
"""
"""Copies of the open, unlinked leads (new numbers, emails made unique by a prefix, a `created`
event each) until the table holds `size` leads: the leads a seller's file would hold at that size
without generating years of history that lead commands never read."""


def grow_database(url: str, size: int) -> None:
    """Fill the `leads` table of the database at `url` up to `size` leads (see `GROW`)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        (have,) = conn.execute("SELECT count(*) FROM leads").fetchone() or (0,)
        found = conn.execute("SELECT value FROM counters WHERE series = 'L'").fetchone()
        counter = found[0] if found else 0
        (sources,) = conn.execute(
            "SELECT count(*) FROM leads "
            "WHERE status = 'open' AND account IS NULL AND opportunity IS NULL"
        ).fetchone() or (0,)
        if have >= size or not sources:
            return
        with conn.transaction():
            conn.execute(
                GROW,  # type: ignore[arg-type]
                {"first": int(counter) + 1, "rounds": size // sources + 1, "size": size},
            )
            conn.execute("UPDATE counters SET value = %s WHERE series = 'L'", (size,))
        conn.execute("VACUUM ANALYZE leads")
        conn.execute("VACUUM ANALYZE events")
