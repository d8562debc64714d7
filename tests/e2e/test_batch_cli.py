"""Batch verbs: several numbers or stdin, one write, all-or-nothing unless --keep-going."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli


@pytest.fixture
def leads(cli: Cli) -> Cli:
    for company in ("Acme", "Globex", "acme ", "Initech"):
        cli.ok("lead", "add", "--company", company, "--source", "Beurs")
    cli.ok("lead", "disqualify", "L-0004", "--reason", "lost")
    return cli


def test_qualify_several_leads_in_one_go_reuses_an_account_made_in_the_same_batch(
    leads: Cli,
) -> None:
    result = leads.ok("lead", "qualify", "L-0001", "l-0002", "L-0003")
    assert result.stdout == "OPP-0001\nOPP-0002\nOPP-0003\n"
    accounts = leads.json("account", "list")
    assert [a["name"] for a in accounts] == ["Acme", "Globex"]
    assert leads.json("opp", "show", "OPP-0003")["account"] == "ACC-0001"


def test_numbers_from_stdin_as_jq_gives_them(leads: Cli) -> None:
    listing = leads.ok("lead", "list", "--status", "open", "--jsonl").stdout
    numbers = "".join(json.loads(line)["number"] + "\n" for line in listing.splitlines())
    result = leads.ok("lead", "qualify", "-", "--json", input=numbers + "\n")
    data = json.loads(result.stdout)
    assert [d["lead"]["number"] for d in data] == ["L-0001", "L-0002", "L-0003"]


def test_one_refusal_changes_nothing_and_lists_each_refusal(leads: Cli, db: Path) -> None:
    before = db.read_bytes()
    result = leads("lead", "qualify", "L-0001", "L-0004", "L-0009", "L-0002")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Error: lead L-0004 is disqualified (lost); only open leads can be qualified",
        "Error: lead L-0009 not found",
        "Error: 2 of 4 leads refused; nothing was changed (--keep-going applies the others)",
    ]
    assert db.read_bytes() == before


def test_keep_going_applies_the_rest_and_still_exits_1(leads: Cli) -> None:
    result = leads("lead", "qualify", "L-0001", "L-0004", "L-0002", "--keep-going")
    assert result.exit_code == 1
    assert result.stdout == "OPP-0001\nOPP-0002\n"
    assert result.stderr.splitlines()[0] == (
        "Error: lead L-0004 is disqualified (lost); only open leads can be qualified"
    )
    assert result.stderr.splitlines()[-1] == "Error: 1 of 3 leads refused; the other 2 were applied"
    # numbers stay gapless: the refused lead spent none
    assert [o["number"] for o in leads.json("opp", "list")] == ["OPP-0001", "OPP-0002"]
    assert [a["number"] for a in leads.json("account", "list")] == ["ACC-0001", "ACC-0002"]


def test_a_refusal_late_in_qualify_spends_no_number(leads: Cli) -> None:
    result = leads("lead", "qualify", "L-0001", "L-0002", "--close-date", "soon", "--keep-going")
    assert result.exit_code == 1
    leads.ok("lead", "qualify", "L-0001")
    assert leads.json("opp", "show", "OPP-0001")["lead"] == "L-0001"
    assert leads.json("account", "list")[0]["number"] == "ACC-0001"


def test_disqualify_and_stage_and_lose_take_several_numbers(leads: Cli) -> None:
    leads.ok("lead", "disqualify", "L-0003", "L-0002", "--reason", "cannot-contact")
    assert [x["number"] for x in leads.json("lead", "list", "--status", "disqualified")] == [
        "L-0002",
        "L-0003",
        "L-0004",
    ]
    leads.ok("lead", "reactivate", "L-0002")
    leads.ok("lead", "qualify", "L-0001", "L-0002")
    result = leads.ok("opp", "stage", "OPP-0001", "OPP-0002", "develop")
    assert result.stdout == "OPP-0001\nOPP-0002\n"
    assert {o["stage"] for o in leads.json("opp", "list")} == {"develop"}
    lost = json.loads(
        leads.ok(
            "opp", "lose", "-", "--reason", "canceled", "--json", input="OPP-0001\nOPP-0002\n"
        ).stdout
    )
    assert [o["status"] for o in lost] == ["lost", "lost"]


def test_empty_stdin_is_a_usage_error(leads: Cli) -> None:
    result = leads("lead", "qualify", "-", input="\n")
    assert result.exit_code == 2
    assert result.stderr == "Error: no numbers given (stdin was empty)\n"


def test_a_bulk_change_on_a_terminal_asks_first(
    leads: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from salesflow.cli import batch

    monkeypatch.setattr(batch, "CONFIRM_ABOVE", 2)
    monkeypatch.setattr(batch, "interactive", lambda: True)
    result = leads("lead", "qualify", "L-0001", "L-0002", "L-0003", input="n\n")
    assert result.exit_code == 1
    assert "Qualify 3 records? [y/N]" in result.stderr
    assert leads.json("opp", "list") == []
    result = leads("lead", "qualify", "L-0001", "L-0002", "L-0003", "--yes")
    assert result.exit_code == 0
