"""A few runs of the installed `salesflow` command in a real process, as a script would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, db: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SALESFLOW_DB": str(db), "SALESFLOW_TODAY": "2026-11-27"}
    result = subprocess.run(
        ["salesflow", *args], capture_output=True, text=True, env=env, timeout=60
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.mark.slow
def test_a_scripted_session_from_lead_to_won_opportunity(tmp_path: Path) -> None:
    db = tmp_path / "sales.json"
    lead = run("lead", "add", "--last-name", "Østergård", "--company", "Fjord A/S", db=db).stdout
    assert lead == "L-0001\n"
    opp = run("lead", "qualify", lead.strip(), db=db).stdout.strip()
    run("product", "add", "DAY", "--name", "Dag", "--price", "800", "--tax-rate", "25", db=db)
    run("opp", "add-product", opp, "DAY", "--quantity", "2", db=db)
    won = json.loads(run("opp", "win", opp, "--json", db=db).stdout)
    assert (won["status"], won["total"], won["actual_revenue"]) == ("won", "2000.00", "1600.00")
    assert oct(db.stat().st_mode & 0o777) == "0o600"


@pytest.mark.slow
def test_python_dash_m_runs_the_same_cli(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "salesflow", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.startswith("salesflow ")


@pytest.mark.slow
def test_an_error_in_a_real_process_has_no_traceback(tmp_path: Path) -> None:
    result = run("lead", "qualify", "L-0404", db=tmp_path / "x.json", check=False)
    assert result.returncode == 1
    assert result.stderr == "Error: lead L-0404 not found\n"
    assert result.stdout == ""


@pytest.mark.slow
@pytest.mark.parametrize("today", ["tomorrow", "2026-13-01"])
def test_a_bad_salesflow_today_is_a_usage_error(tmp_path: Path, today: str) -> None:
    env = {**os.environ, "SALESFLOW_DB": str(tmp_path / "x.json"), "SALESFLOW_TODAY": today}
    result = subprocess.run(
        ["salesflow", "lead", "add", "--company", "X"], capture_output=True, text=True, env=env
    )
    assert result.returncode == 2
    assert result.stderr == f"Error: $SALESFLOW_TODAY {today!r} is not a date; use YYYY-MM-DD\n"
