"""Team mode under concurrency, killed clients and a server restart, on a real PostgreSQL server:
every acknowledged command is kept whole, every refused or interrupted one leaves nothing, and
every number series stays unique and gapless (invoice numbers per year)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli

WORKERS = 16
COMMANDS = 50
YEARS = ("2026-11-27", "2027-01-04")  # invoice dates: never before the order date

# One writer: 50 mixed commands through the installed `salesflow` command's app, each its own
# run of the command (own connection, own transaction). The app is turned into a click command
# once: Typer rebuilds it on every call otherwise, which would dominate the test's time.
WORKER = r"""
import contextlib, importlib, io, json, random, sys, time
from importlib.metadata import entry_points
from pathlib import Path

import typer.main

(script,) = entry_points(group="console_scripts", name="salesflow")
command = typer.main.get_command(importlib.import_module(script.module).app)
db, worker, count, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
years = sys.argv[5].split(",")
rng = random.Random(worker)
state = {"lead": [], "opp": [], "lined": [], "draft": [], "active": [], "order": []}
results = []


def step(i):
    if state["order"] and rng.random() < 0.6:
        return ["order", "fulfil", state["order"].pop(0), "--date", rng.choice(years)]
    if state["active"] and rng.random() < 0.6:
        return ["quote", "accept", state["active"].pop(0)]
    if state["draft"] and rng.random() < 0.6:
        return ["quote", "activate", state["draft"].pop(0)]
    if state["lined"] and rng.random() < 0.5:
        return ["quote", "create", state["lined"].pop(0)]
    if state["opp"] and rng.random() < 0.5:
        return ["opp", "add-product", state["opp"].pop(0), "DAY", "--quantity", str(i + 1)]
    if state["lead"] and rng.random() < 0.5:
        return ["lead", "qualify", state["lead"].pop(0)]
    if rng.random() < 0.25:  # everyone adds lines to one shared opportunity: a hot row
        return ["opp", "add-product", "OPP-0001", "DAY", "--quantity", str(worker * 1000 + i)]
    company, email = f"W{worker}-{i}", f"w{worker}.{i}@example.com"
    return ["lead", "add", "--company", company, "--last-name", company, "--email", email]


NEXT = {
    ("lead", "add"): "lead", ("lead", "qualify"): "opp", ("quote", "create"): "draft",
    ("quote", "accept"): "order",
}
while not go.exists():
    time.sleep(0.005)
for i in range(count):
    args = step(i)
    out, err = io.StringIO(), io.StringIO()
    sys.argv = ["salesflow", "--db", db, *args]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            command.main(["--db", db, *args], prog_name="salesflow")
            code = 0
        except SystemExit as exit_:
            code = exit_.code
    printed = out.getvalue().strip()
    if code == 0:
        verb = tuple(args[:2])
        if verb in NEXT:
            state[NEXT[verb]].append(printed)
        elif verb == ("opp", "add-product") and args[2] != "OPP-0001":
            state["lined"].append(args[2])
        elif verb == ("quote", "activate"):
            state["active"].append(args[2])
    results.append({"args": args, "code": code, "stdout": printed, "stderr": err.getvalue()})
print(json.dumps(results))
"""


def setup_database(cli: Cli) -> None:
    cli.ok("db", "init")
    cli.ok("init", "--tax-rate", "21")
    cli.ok("product", "add", "DAY", "--name", "Day", "--price", "100")
    cli.ok("lead", "add", "--first-name", "Ada", "--last-name", "L", "--company", "Start")
    cli.ok("lead", "qualify", "L-0001")  # ACC-0001, CON-0001, OPP-0001


def numbers(records: list[dict[str, Any]]) -> list[str]:
    return [str(r["number"]) for r in records]


def assert_gapless(found: list[str], prefix: str, count: int) -> None:
    """`found` is exactly prefix-0001 .. prefix-<count>, each once."""
    assert sorted(found) == [f"{prefix}-{n:04d}" for n in range(1, count + 1)], prefix


def world(cli: Cli) -> dict[str, list[dict[str, Any]]]:
    return {
        kind: cli.json(kind, "list")
        for kind in ("lead", "account", "contact", "opp", "quote", "order", "invoice")
    }


def run_workers(url: str, tmp_path: Path, env: dict[str, str]) -> list[dict[str, Any]]:
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, url, str(w), str(COMMANDS), str(go), ",".join(YEARS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for w in range(WORKERS)
    ]
    time.sleep(2.0)  # let every worker import salesflow before they start together
    go.touch()
    results: list[dict[str, Any]] = []
    for worker in workers:
        out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err
        results += json.loads(out)
    return results


@pytest.mark.slow
def test_16_writers_of_50_mixed_commands_keep_every_acknowledged_write_and_gapless_numbers(
    pg_url: str, tmp_path: Path
) -> None:
    cli = Cli(pg_url)  # type: ignore[arg-type]
    setup_database(cli)
    env = {**os.environ, "SALESFLOW_LOCK_TIMEOUT": "30"}
    started = time.monotonic()
    results = run_workers(pg_url, tmp_path, env)
    elapsed = time.monotonic() - started
    assert len(results) == WORKERS * COMMANDS
    codes = Counter(r["code"] for r in results)
    # Nothing refuses: each writer acts on its own records, and waits for the shared ones.
    assert set(codes) <= {0, 4}, [r for r in results if r["code"] not in (0, 4)][:3]
    for failed in (r for r in results if r["code"] == 4):
        assert failed["stderr"].startswith("Error: ") and failed["stderr"].count("\n") == 1

    state = world(cli)
    leads = {r["number"]: r for r in state["lead"]}
    opps = {r["number"]: r for r in state["opp"]}
    quotes = {r["number"]: r for r in state["quote"]}
    orders = {r["number"]: r for r in state["order"]}
    invoices = {r["number"]: r for r in state["invoice"]}
    ok = defaultdict(list)
    for r in results:
        ok[(r["args"][0], r["args"][1], r["code"] == 0)].append(r)

    # Every acknowledged write is there, and refused ones left nothing.
    companies = {lead["company"] for lead in leads.values()}
    for r in ok[("lead", "add", True)]:
        assert leads[r["stdout"]]["company"] == r["args"][3]
    for r in ok[("lead", "add", False)]:
        assert r["args"][3] not in companies
    for r in ok[("lead", "qualify", True)]:
        lead = leads[r["args"][2]]
        assert (lead["status"], lead["opportunity"]) == ("qualified", r["stdout"])
        assert opps[r["stdout"]]["lead"] == lead["number"]
    for r in ok[("quote", "create", True)]:
        assert quotes[r["stdout"]]["opportunity"] == r["args"][2]
    for r in ok[("quote", "accept", True)]:
        assert quotes[r["args"][2]]["status"] == "won"
        assert orders[r["stdout"]]["quote"] == r["args"][2]
    for r in ok[("order", "fulfil", True)]:
        invoice = invoices[r["stdout"]]
        assert (invoice["order"], invoice["invoice_date"]) == (r["args"][2], r["args"][4])
        assert invoice["number"].startswith(f"INV-{r['args'][4][:4]}-")
    # The shared opportunity holds exactly the acknowledged lines: no lost update.
    shared = [r for r in ok[("opp", "add-product", True)] if r["args"][2] == "OPP-0001"]
    shared_lines = opps["OPP-0001"]["lines"]
    assert sorted(Decimal(line["quantity"]) for line in shared_lines) == sorted(
        Decimal(r["args"][5]) for r in shared
    )
    assert [line["line_no"] for line in shared_lines] == list(range(1, len(shared_lines) + 1))
    for r in ok[("opp", "add-product", True)]:
        if r["args"][2] != "OPP-0001":
            assert [Decimal(x["quantity"]) for x in opps[r["args"][2]]["lines"]] == [
                Decimal(r["args"][5])
            ]

    # Numbers: unique, gapless, and one per acknowledged creation (plus the setup's).
    def made(group: str, verb: str) -> int:
        return len(ok[(group, verb, True)])

    assert_gapless(numbers(state["lead"]), "L", 1 + made("lead", "add"))
    assert_gapless(numbers(state["opp"]), "OPP", 1 + made("lead", "qualify"))
    assert_gapless(numbers(state["account"]), "ACC", 1 + made("lead", "qualify"))
    assert_gapless(numbers(state["contact"]), "CON", 1 + made("lead", "qualify"))
    assert_gapless(numbers(state["quote"]), "QUO", made("quote", "create"))
    assert_gapless(numbers(state["order"]), "ORD", made("quote", "accept"))
    by_year: dict[str, list[str]] = defaultdict(list)
    for number in invoices:
        by_year[number[4:8]].append(number)
    for year, found in by_year.items():
        assert_gapless(found, f"INV-{year}", len(found))
    assert sum(map(len, by_year.values())) == made("order", "fulfil")
    assert set(by_year) == {y[:4] for y in YEARS}  # both years' series were contended
    # Enough of each kind ran for the proof to mean something.
    for group, verb in (("lead", "qualify"), ("quote", "accept"), ("order", "fulfil")):
        assert made(group, verb) >= 20, (group, verb)
    assert cli.ok("doctor").stdout.strip() == "ok"
    print(
        f"\n{len(results)} commands by {WORKERS} writers in {elapsed:.1f} s "
        f"({len(results) / elapsed:.0f}/s); exit codes {dict(codes)}; "
        f"{len(invoices)} invoices, {len(shared)} lines on the shared opportunity"
    )
