"""psycopg is imported in team mode only: a data file's commands never pay for it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import sys
from salesflow.cli import app
try:
    app(sys.argv[1:], prog_name="salesflow")
except SystemExit:
    pass
print("psycopg" in sys.modules, file=sys.stderr)
"""


def loads_psycopg(*args: str) -> bool:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, check=False
    )
    return done.stderr.strip().splitlines()[-1] == "True"


@pytest.mark.slow
def test_a_data_file_command_does_not_import_psycopg(tmp_path: Path) -> None:
    db = str(tmp_path / "sales.json")
    assert not loads_psycopg("--db", db, "lead", "add", "--company", "Analytical")
    assert not loads_psycopg("--db", db, "lead", "list")
    assert not loads_psycopg("--db", db, "info")


def test_a_database_url_imports_it(tmp_path: Path) -> None:
    assert loads_psycopg("--db", f"postgresql:///sales?host={tmp_path}", "lead", "list")
