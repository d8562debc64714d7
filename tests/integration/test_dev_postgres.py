"""scripts/dev-postgres: starts a throwaway server, prints a URL salesflow can use, stops it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.pg import DEV_SCRIPT, dev_postgres

psycopg = pytest.importorskip("psycopg")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    return subprocess.run(
        [str(DEV_SCRIPT), *args],  # run as the command it is (its #! line)
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


@pytest.mark.slow
def test_the_script_starts_a_server_prints_its_url_and_stops_it() -> None:
    try:
        dev_postgres().find_bindir()
    except dev_postgres().Unavailable as missing:
        pytest.skip(str(missing))
    started = run()
    assert started.returncode == 0, started.stderr
    url = started.stdout.strip()
    assert url.startswith("postgresql:///postgres?host=")
    assert started.stdout.count("\n") == 1  # the URL alone: `url=$(scripts/dev-postgres)`
    folder = Path(url.split("host=", 1)[1])
    try:
        assert f"stop {folder}" in started.stderr
        assert "SALESFLOW_DB=" in started.stderr
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE t (x text)")
            assert conn.execute("SELECT current_setting('listen_addresses')").fetchone() == ("",)
    finally:
        stopped = run("stop", str(folder))
    assert stopped.returncode == 0, stopped.stderr
    assert not folder.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=5)


def test_stopping_a_folder_that_holds_no_server_is_refused(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    refused = run("stop", str(tmp_path))
    assert refused.returncode == 1
    assert refused.stderr.startswith("Error: ")
    assert str(tmp_path) in refused.stderr
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_unknown_arguments_print_the_usage() -> None:
    refused = run("begin")
    assert refused.returncode == 2
    assert refused.stderr.startswith("usage: dev-postgres")
