"""Parallel writers on one data file: each command succeeds or gives up after the lock timeout
(exit 4) having written nothing; the file ends up holding exactly the successful writes, with
every number series unique and gapless."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from salesflow.models import Account, Lead, Opportunity
from salesflow.pipeline.doctor import diagnose
from salesflow.store import Store
from salesflow.store.versions import digest
from tests.integration.helpers import Salesflow, salesflow_command

WORKERS = 16
COMMANDS = 50

WORKER = r"""
import contextlib, importlib, io, json, random, sys, time
from importlib.metadata import entry_points
from pathlib import Path

import typer.main

# The app behind the installed `salesflow` console script, turned into a command once: Typer
# rebuilds it on every call otherwise, which would dominate this test's time.
(script,) = entry_points(group="console_scripts", name="salesflow")
command = typer.main.get_command(importlib.import_module(script.module).app)
db, worker, count, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
rng = random.Random(worker)
open_leads, opportunities, results = [], ["OPP-0001"], []
while not go.exists():
    time.sleep(0.005)
for i in range(count):
    pick = rng.random()
    if pick < 0.3 and open_leads:
        args = ["lead", "qualify", open_leads.pop(0)]
    elif pick < 0.65:
        quantity = str(worker * 1000 + i)
        args = ["opp", "add-product", rng.choice(opportunities), "DAY", "--quantity", quantity]
    else:
        args = ["lead", "add", "--company", f"W{worker}-{i}"]
    out, err = io.StringIO(), io.StringIO()
    sys.argv = ["salesflow", "--db", db, *args]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            command.main(["--db", db, *args], prog_name="salesflow")
            code = 0
        except SystemExit as exit_:
            code = exit_.code
    printed = out.getvalue().strip()
    if code == 0 and args[:2] == ["lead", "add"]:
        open_leads.append(printed)
    if code == 0 and args[:2] == ["lead", "qualify"]:
        opportunities.append(printed)
    results.append({"args": args, "code": code, "stdout": printed, "stderr": err.getvalue()})
print(json.dumps(results))
"""


def setup_file(db: Path) -> None:
    run = Salesflow(db)
    run.ok("init", "--tax-rate", "21")
    run.ok("product", "add", "DAY", "--name", "Day", "--price", "100")
    run.ok("lead", "add", "--first-name", "Ada", "--last-name", "L", "--company", "Start")
    run.ok("lead", "qualify", "L-0001")  # ACC-0001, CON-0001, OPP-0001


@pytest.mark.slow
def test_16_writers_of_50_mixed_commands_leave_exactly_the_successful_writes(
    db: Path, tmp_path: Path
) -> None:
    """16 interpreters each run 50 commands (lead add, lead qualify of a lead they added,
    opp add-product with a quantity unique to the command) through the installed entry point.

    Each command opens the store, takes and releases the lock and commits on its own, exactly as
    a separate `salesflow` process would (800 fresh interpreters would take five minutes on a
    small machine; the next test runs real `salesflow` processes). The lock timeout is short
    (1.5 s) so that some commands give up and must leave no trace.
    """
    setup_file(db)
    go = tmp_path / "go"
    env = {**os.environ, "SALESFLOW_LOCK_TIMEOUT": "1.5"}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db), str(w), str(COMMANDS), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for w in range(1, WORKERS + 1)
    ]
    go.touch()
    results: list[dict[str, Any]] = []
    for worker in workers:
        out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err
        results.extend(json.loads(out))
    assert len(results) == WORKERS * COMMANDS

    lock_message = (
        f"Error: data file {db} is in use by another salesflow process (waited 1.5 s); "
        "try again when it has finished, or raise $SALESFLOW_LOCK_TIMEOUT\n"
    )
    outcomes = Counter(r["code"] for r in results)
    assert set(outcomes) <= {0, 4}, outcomes
    for result in results:
        if result["code"] == 4:
            assert (result["stdout"], result["stderr"]) == ("", lock_message)
    done = [r for r in results if r["code"] == 0]
    added = {r["stdout"]: r["args"][3] for r in done if r["args"][:2] == ["lead", "add"]}
    qualified = {r["args"][2]: r["stdout"] for r in done if r["args"][:2] == ["lead", "qualify"]}
    lines: dict[str, set[str]] = {}
    for r in done:
        if r["args"][:2] == ["opp", "add-product"]:
            lines.setdefault(r["args"][2], set()).add(r["args"][5])

    with Store(db).reading() as session:
        leads = {lead.number: lead for lead in session.all(Lead)}
        opportunities = {o.number: o for o in session.all(Opportunity)}
        accounts = session.all(Account)
        counters = session.meta()["counters"]
        events = session.events()
        tables = {name: session.raw(name) for name in session.table_names()}

    # exactly the successful writes
    assert {n: lead.company for n, lead in leads.items() if n != "L-0001"} == added
    assert {n for n, lead in leads.items() if lead.status == "qualified"} == {"L-0001", *qualified}
    assert {lead.number: lead.opportunity for lead in leads.values() if lead.opportunity} == {
        "L-0001": "OPP-0001",
        **qualified,
    }
    assert {o: {str(line.quantity) for line in opp.lines} for o, opp in opportunities.items()} == {
        o: lines.get(o, set()) for o in opportunities
    }
    assert len(events) == 2 + 4 + len(added) + 3 * len(qualified) + sum(map(len, lines.values()))
    # unique and gapless numbers per series, counters in step
    assert sorted(leads) == [f"L-{n:04d}" for n in range(1, counters["L"] + 1)]
    assert sorted(opportunities) == [f"OPP-{n:04d}" for n in range(1, counters["OPP"] + 1)]
    assert sorted(a.number for a in accounts) == [
        f"ACC-{n:04d}" for n in range(1, counters["ACC"] + 1)
    ]
    assert diagnose(tables) == []
    # the history kept the last 20 commands and still describes the file
    history = Store(db).undo_versions().versions
    assert len(history) == 20
    assert history[-1].after == digest(db.read_bytes())
    assert outcomes[0] > WORKERS * COMMANDS // 4


@pytest.mark.slow
def test_real_salesflow_processes_writing_at_once_all_land(db: Path) -> None:
    setup_file(db)
    env = {**os.environ, "SALESFLOW_LOCK_TIMEOUT": "120"}
    commands = [
        *(["lead", "add", "--company", f"P{n}"] for n in range(4)),
        *(["opp", "add-product", "OPP-0001", "DAY", "--quantity", str(n)] for n in (3, 5, 7, 9)),
    ]
    runs = [
        subprocess.Popen(
            [salesflow_command(), "--db", str(db), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for args in commands
    ]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    with Store(db).reading() as session:
        assert sorted(lead.company or "" for lead in session.all(Lead)) == [
            "P0",
            "P1",
            "P2",
            "P3",
            "Start",
        ]
        assert sorted(
            str(line.quantity) for line in session.get(Opportunity, "OPP-0001").lines
        ) == [
            "3",
            "5",
            "7",
            "9",
        ]
        assert session.counter("L") == 5
    changes = sorted(e.change for e in Store(db).undo_versions().versions[-8:])
    assert changes == sorted(" ".join(args) for args in commands)
