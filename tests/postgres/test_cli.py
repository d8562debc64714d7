"""Team mode through the command line: choosing the database, `db init`, `db copy`, refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest

from salesflow.models import RECORD_TYPES
from salesflow.store import Store
from salesflow.store.postgres import PostgresBackend
from tests.conftest import Cli


def deal(cli: Cli) -> None:
    """A few records of every kind the lifecycle makes, with events and counters."""
    for line in (
        "lead add --first-name Ada --last-name Lovelace --company Analytical "
        "--email ada@analytical.example",
        "lead add --company Babbage --email charles@babbage.example",
        "product add WIDGET --name Widget --price 100.00",
        "lead qualify L-0001",
        "opp add-product OPP-0001 WIDGET --quantity 3",
        "quote create OPP-0001",
        "config set history_keep 5",
    ):
        cli.ok(*line.split())


def contents(backend: Any) -> dict[str, Any]:
    """Everything a backend holds, as comparable data."""
    with backend.reading() as unit:
        return {
            "records": {m.table: list(map(dict, unit.stored(m))) for m in RECORD_TYPES},
            "events": [e.stored() for e in unit.events()],
            "counters": unit.counters(),
            "config": unit.config(),
        }


def test_every_command_runs_on_the_database_named_by_db(pg_url: str) -> None:
    cli = Cli(pg_url)  # type: ignore[arg-type]
    deal(cli)
    shown = cli.json("quote", "show", "QUO-0001")
    assert shown["opportunity"] == "OPP-0001"
    assert [row["number"] for row in cli.json("lead", "list")] == ["L-0001", "L-0002"]
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM leads").fetchone() == (2,)


def test_salesflow_db_names_the_database_too(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from salesflow.cli import app

    monkeypatch.setenv("SALESFLOW_DB", pg_url)
    result = CliRunner().invoke(app, ["lead", "add", "--company", "Analytical"])
    assert (result.exit_code, result.stdout) == (0, "L-0001\n")
    with PostgresBackend(pg_url).reading() as unit:
        assert unit.counters() == {"L": 1}
    assert not (tmp_path / "default.json").exists()


@pytest.mark.parametrize(
    "url",
    ["postgresql://ada:s3cret@localhost/sales", "postgresql:///sales?password=s3cret&host=/x"],
)
def test_a_url_with_a_password_is_refused(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = Cli(url)("lead", "list")  # type: ignore[arg-type]
    assert result.exit_code == 2
    assert "s3cret" not in result.stdout + result.stderr
    assert "holds a password" in result.stderr
    monkeypatch.setenv("SALESFLOW_DB", url)
    from typer.testing import CliRunner

    from salesflow.cli import app

    result = CliRunner().invoke(app, ["lead", "list"])
    assert result.exit_code == 2 and "s3cret" not in result.stdout + result.stderr


def test_db_init_creates_then_leaves_the_schema(pg_url: str) -> None:
    cli = Cli(pg_url)  # type: ignore[arg-type]
    first = cli.ok("db", "init")
    assert first.stderr == f"Database {pg_url} is ready (schema 3)\n"
    again = cli.ok("db", "init")
    assert again.stderr == f"Database {pg_url} is up to date (schema 3)\n"


def test_db_init_wants_a_database(db: Path) -> None:
    result = Cli(db)("db", "init")
    assert result.exit_code == 2
    assert "`db init` sets up a team database" in result.stderr
    assert not db.exists()


def test_copy_file_to_database_to_file_keeps_everything(
    pg_url: str, db: Path, tmp_path: Path
) -> None:
    deal(Cli(db))
    back = tmp_path / "back.json"
    cli = Cli(db)
    copied = cli.ok("db", "copy", str(db), pg_url)
    assert copied.stderr.startswith("Copied 7 records, 10 events and 5 number counters ")
    assert copied.stderr.endswith(f"from {db} to {pg_url}\n")
    cli.ok("db", "copy", pg_url, str(back))
    original = contents(Store(db))
    assert contents(PostgresBackend(pg_url)) == original
    assert contents(Store(back)) == original
    assert original["counters"]["OPP"] == 1 and original["events"]
    # the copy carries on numbering where the original stopped
    assert Cli(pg_url).ok("lead", "add", "--company", "Next").stdout == "L-0003\n"  # type: ignore[arg-type]


def test_copy_refuses_a_target_that_is_not_empty(pg_url: str, db: Path, tmp_path: Path) -> None:
    deal(Cli(db))
    Cli(pg_url).ok("lead", "add", "--company", "Already")  # type: ignore[arg-type]
    result = Cli(db)("db", "copy", str(db), pg_url)
    assert result.exit_code == 1
    assert "is not empty" in result.stderr and "nothing was copied" in result.stderr
    with PostgresBackend(pg_url).reading() as unit:
        assert [r["company"] for r in unit.stored(RECORD_TYPES[0])] == ["Already"]
    result = Cli(db)("db", "copy", pg_url, str(db))
    assert result.exit_code == 1 and "is not empty" in result.stderr


def test_copy_from_a_missing_file_says_so(pg_url: str, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    result = Cli(missing)("db", "copy", str(missing), pg_url)
    assert result.exit_code == 1
    assert result.stderr == f"Error: data file {missing} does not exist; nothing to copy\n"


def test_a_writer_past_the_lock_timeout_exits_4(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(pg_url)  # type: ignore[arg-type]
    cli.ok("lead", "add", "--company", "First")
    monkeypatch.setenv("SALESFLOW_LOCK_TIMEOUT", "0.3")
    with psycopg.connect(pg_url) as holder:
        holder.execute("SELECT * FROM counters WHERE series = 'L' FOR UPDATE")
        result = cli("lead", "add", "--company", "Second")
    assert result.exit_code == 4
    assert result.stderr == (
        f"Error: database {pg_url} is in use by another salesflow process (waited 0.3 s); try "
        "again when it has finished, or raise $SALESFLOW_LOCK_TIMEOUT\n"
    )
    assert [r["company"] for r in cli.json("lead", "list")] == ["First"]


def test_a_file_only_command_says_so_on_a_database(pg_url: str, tmp_path: Path) -> None:
    result = Cli(pg_url)("backup", "create", str(tmp_path / "b.json"))  # type: ignore[arg-type]
    assert result.exit_code == 4
    assert result.stderr.startswith(
        f"Error: this command works on a data file only, not on database {pg_url}"
    )


def test_an_unreachable_database_is_one_error_line(tmp_path: Path) -> None:
    url = f"postgresql:///sales?host={tmp_path}"
    result = Cli(url)("lead", "list")  # type: ignore[arg-type]
    assert result.exit_code == 4
    assert result.stderr.startswith(f"Error: cannot connect to database {url}: ")
    assert result.stderr.count("\n") == 1


def test_info_names_the_database_and_counts_its_records(pg_url: str) -> None:
    cli = Cli(pg_url)  # type: ignore[arg-type]
    deal(cli)
    info = cli.json("info")
    assert info["path"] == pg_url and info["exists"] is True and info["schema"] == 3
    assert info["currency"] == "EUR" and info["seller"] == "ann"
    assert info["counts"]["leads"] == 2 and info["counts"]["quotes"] == 1
    assert info["counts"]["events"] == len(contents(PostgresBackend(pg_url))["events"])
    assert cli.ok("info").stdout.startswith(f"Database       {pg_url}\n")


def test_doctor_checks_a_database(pg_url: str) -> None:
    cli = Cli(pg_url)  # type: ignore[arg-type]
    deal(cli)
    assert cli.ok("doctor").stdout == "ok\n"
    with psycopg.connect(pg_url) as conn:  # a counter behind, and a link to nothing
        conn.execute("UPDATE counters SET value = 0 WHERE series = 'L'")
        conn.execute("UPDATE opportunities SET doc = jsonb_set(doc, '{account}', '\"ACC-0042\"')")
    result = cli("doctor", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["path"] == pg_url and report["ok"] is False
    checks = {(p["check"], p["where"]) for p in report["problems"]}
    assert any(check == "numbering" for check, _ in checks)
    assert any("ACC-0042" in p["message"] for p in report["problems"])
    assert (
        result.stderr
        == f"Error: database {pg_url} has {len(checks)} problems; fix them with the commands\n"
    )


def test_init_on_a_database_names_the_database(pg_url: str) -> None:
    result = Cli(pg_url)("init", "--currency", "EUR")  # type: ignore[arg-type]
    assert (result.exit_code, result.stderr) == (
        0,
        f"Database {pg_url} is ready\ncurrency = EUR\n",
    )
