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
mode, count, url, *salesflow = sys.argv[1:]
command = [*salesflow, "--db", url, "lead", "add", "--company", "Bench writer"]
quiet = {"stdout": subprocess.DEVNULL}
if mode == "one":
    codes = [subprocess.run(command, **quiet).returncode for _ in range(int(count))]
else:
    writers = [subprocess.Popen(command, **quiet) for _ in range(int(count))]
    codes = [writer.wait() for writer in writers]
sys.exit(max(codes))
"""
"""`python -c WRITERS one|all COUNT URL SALESFLOW...`: COUNT `lead add` processes one after
the other, or all at once; exits non-zero when one of them failed."""


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
