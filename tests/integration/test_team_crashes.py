"""Team mode when things break: clients killed with SIGKILL in the middle of a command, and the
PostgreSQL server restarted under running writers. A command is one transaction: it is kept whole
or not at all, number series stay gapless, and nothing waits on a dead client's locks."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.integration.helpers import one_error_line, salesflow_command
from tests.pg import PgServer

psycopg = pytest.importorskip("psycopg")

GROUPS = 14
GROUP_SIZE = 8


def setup_leads(cli: Cli, tmp_path: Path, count: int) -> list[str]:
    """`count` open leads with a name, a company and an email, imported into a data file in one
    command and copied into the database."""
    cards, seed = tmp_path / "cards.csv", tmp_path / "seed.json"
    rows = [f"N{i},C{i},n{i}@c.example" for i in range(count)]
    cards.write_text("Last Name,Company,Email\n" + "\n".join(rows) + "\n", encoding="utf-8")
    Cli(seed).ok("lead", "import", str(cards))
    cli.ok("db", "copy", str(seed), str(cli.db))
    leads = sorted(r["number"] for r in cli.json("lead", "list"))
    assert len(leads) == count
    return leads


def in_transaction(admin: Any, database: str) -> bool:
    """Whether a salesflow connection to `database` is inside a transaction right now."""
    row = admin.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
        "AND application_name = 'salesflow' AND xact_start IS NOT NULL",
        (database,),
    ).fetchone()
    return bool(row[0])


def assert_numbers_gapless(cli: Cli, kind: str, prefix: str, count: int) -> None:
    found = sorted(r["number"] for r in cli.json(kind, "list"))
    assert found == [f"{prefix}-{n:04d}" for n in range(1, count + 1)], prefix


@pytest.mark.slow
def test_clients_killed_mid_command_leave_no_partial_command(
    pg_server: PgServer, pg_url: str, tmp_path: Path
) -> None:
    cli = Cli(pg_url)  # type: ignore[arg-type]
    leads = setup_leads(cli, tmp_path, GROUPS * GROUP_SIZE)
    groups = [leads[i : i + GROUP_SIZE] for i in range(0, len(leads), GROUP_SIZE)]
    database = pg_url.split("?")[0].rsplit("/", 1)[1]
    rng = random.Random(18)
    env = {**os.environ, "SALESFLOW_LOCK_TIMEOUT": "5"}
    outcomes: list[tuple[str, bool]] = []
    with pg_server.connect() as admin:
        for n, group in enumerate(groups[:-1]):
            # One batch is one transaction creating 8 accounts, contacts and opportunities.
            client = subprocess.Popen(
                [salesflow_command(), "--db", pg_url, "lead", "qualify", *group],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
            )
            # Once its transaction began: a moment later (mostly inside it), or up to 1.5 s
            # later (inside it, at its commit, or after it ended).
            when = "later" if n % 3 == 2 else "at once"
            deadline = time.monotonic() + 60
            while not in_transaction(admin, database) and client.poll() is None:
                assert time.monotonic() < deadline, "the client never began its transaction"
                time.sleep(0.002)
            time.sleep(rng.uniform(0.0, 1.5) if when == "later" else rng.uniform(0.0, 0.05))
            client.send_signal(signal.SIGKILL)
            client.wait(timeout=30)
            statuses = {r["status"] for r in cli.json("lead", "list") if r["number"] in group}
            assert len(statuses) == 1, (n, when, statuses)  # all qualified, or all still open
            outcomes.append((when, statuses == {"qualified"}))

    # The dead clients hold no lock: the last group is qualified at once.
    cli.ok("lead", "qualify", *groups[-1])
    kept = sum(done for _, done in outcomes) + 1
    leads_now = {r["number"]: r for r in cli.json("lead", "list")}
    opps = {r["number"]: r for r in cli.json("opp", "list")}
    for lead in leads_now.values():
        if lead["status"] == "qualified":
            assert opps[lead["opportunity"]]["lead"] == lead["number"]
    assert sum(r["status"] == "qualified" for r in leads_now.values()) == kept * GROUP_SIZE
    for kind, prefix in (("opp", "OPP"), ("account", "ACC"), ("contact", "CON")):
        assert_numbers_gapless(cli, kind, prefix, kept * GROUP_SIZE)
    assert cli.ok("doctor").stdout.strip() == "ok"
    assert [done for _, done in outcomes].count(False) >= 3  # kills did land inside transactions
    print(f"\nkills: {outcomes}")


def wait_for(condition: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


RESTART_WORKER = r"""
import contextlib, importlib, io, json, sys, time
from importlib.metadata import entry_points
from collections.abc import Callable
from pathlib import Path

import typer.main

(script,) = entry_points(group="console_scripts", name="salesflow")
command = typer.main.get_command(importlib.import_module(script.module).app)
db, worker, go, stop = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
mine, results, i = [], [], 0
(go.parent / f"ready-{worker}").touch()
while not go.exists():
    time.sleep(0.005)
while not stop.exists():
    i += 1
    if len(mine) >= 3:
        args, batch = ["lead", "qualify", *mine], mine
        mine = []
    else:
        company = f"R{worker}-{i}"
        args, batch = ["lead", "add", "--company", company, "--last-name", company], None
    out, err = io.StringIO(), io.StringIO()
    started = time.time()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            command.main(["--db", db, *args], prog_name="salesflow")
            code = 0
        except SystemExit as exit_:
            code = exit_.code
    printed = out.getvalue().strip()
    if code == 0 and args[1] == "add":
        mine.append(printed)
    results.append({"args": args, "code": code, "stdout": printed, "stderr": err.getvalue(),
                    "started": started, "ended": time.time()})
print(json.dumps(results))
"""


@pytest.mark.slow
def test_a_server_restart_mid_run_gives_exit_4_and_no_partial_state(
    pg_server: PgServer, pg_url: str, tmp_path: Path
) -> None:
    if not pg_server.throwaway:
        pytest.skip("restarting the server needs the throwaway one (SALESFLOW_TEST_PG is set)")
    cli = Cli(pg_url)  # type: ignore[arg-type]
    cli.ok("db", "init")
    go, stop = tmp_path / "go", tmp_path / "stop"
    env = {**os.environ, "SALESFLOW_LOCK_TIMEOUT": "5"}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", RESTART_WORKER, pg_url, str(w), str(go), str(stop)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for w in range(4)
    ]
    try:
        wait_for(lambda: len(list(tmp_path.glob("ready-*"))) == len(workers))
        go.touch()
        with psycopg.connect(pg_url, autocommit=True) as conn:  # the writers are under way
            wait_for(lambda: conn.execute("SELECT count(*) FROM leads").fetchone()[0] >= 12)
        restart_began = time.time()
        pg_server.restart()
        restart_ended = time.time()
        time.sleep(4.0)
    finally:
        stop.touch()
    results: list[dict[str, Any]] = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        results += json.loads(out)

    codes = [r["code"] for r in results]
    assert set(codes) <= {0, 4}, [r for r in results if r["code"] not in (0, 4)][:3]
    failed = [r for r in results if r["code"] == 4]
    assert failed, "the restart interrupted no command"
    in_doubt = []  # cut off while committing: kept whole or not at all, which is not known
    for r in failed:
        message = one_error_line(r["stderr"])
        assert "database" in message
        if "cannot connect" in message:
            continue
        assert "lost the connection" in message, message
        if "while committing" in message:
            assert "check whether the command's change was saved" in message
            in_doubt.append(r)
        else:
            assert "nothing was written" in message, message
        assert r["ended"] >= restart_began - 1
    assert any(r["code"] == 0 and r["started"] > restart_ended for r in results)

    leads = {r["number"]: r for r in cli.json("lead", "list")}
    companies = Counter(lead["company"] for lead in leads.values())
    by_company = {lead["company"]: lead for lead in leads.values()}
    assert max(companies.values()) == 1
    for r in results:
        if r["args"][1] == "add":
            company = r["args"][3]
            if r["code"] == 0:
                assert by_company[company]["number"] == r["stdout"]
            elif r not in in_doubt:
                assert company not in companies
        else:
            statuses = {leads[number]["status"] for number in r["args"][2:]}
            assert len(statuses) == 1, r  # never a part of a batch
            if r["code"] == 0:
                assert statuses == {"qualified"}, r
            elif r not in in_doubt:
                assert statuses == {"open"}, r
    qualified = sum(lead["status"] == "qualified" for lead in leads.values())
    assert_numbers_gapless(cli, "lead", "L", len(leads))
    assert_numbers_gapless(cli, "opp", "OPP", qualified)
    assert cli.ok("doctor").stdout.strip() == "ok"
    print(
        f"\n{len(results)} commands, {len(failed)} exit 4 during the restart "
        f"({len(in_doubt)} cut off while committing) "
        f"({restart_ended - restart_began:.1f} s): "
        f"{sorted({one_error_line(r['stderr'])[:60] for r in failed})}"
    )
