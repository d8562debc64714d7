"""List commands: filters, output formats, empty results."""

from __future__ import annotations

import csv
import io
import json

from tests.conftest import Cli


def seed(cli: Cli) -> None:
    cli.ok(
        "lead",
        "add",
        "--last-name",
        "Müller",
        "--company",
        "Bäckerei Müller",
        "--source",
        "Beurs",
        "--estimated-value",
        "500",
        "--email",
        "m@baeckerei.example",
    )
    cli.ok(
        "lead",
        "add",
        "--company",
        '=HYPERLINK("evil")',
        "--source",
        "web",
        "--estimated-value",
        "9000",
    )
    cli.ok("lead", "add", "--company", "Acme", "--source", "beurs")
    cli.ok("lead", "qualify", "L-0001")


def test_lead_list_search_sort_limit_and_jsonl(cli: Cli) -> None:
    seed(cli)
    rows = cli.ok("lead", "list", "--search", "muller", "--jsonl").stdout.splitlines()
    assert [json.loads(r)["number"] for r in rows] == ["L-0001"]
    top = cli.json("lead", "list", "--sort", "-estimated_value", "--limit", "1")
    assert [x["number"] for x in top] == ["L-0002"]
    beurs = cli.json("lead", "list", "--source", "BEURS", "--status", "open")
    assert [x["number"] for x in beurs] == ["L-0003"]


def test_lead_list_csv_neutralises_formulas(cli: Cli) -> None:
    seed(cli)
    text = cli.ok("lead", "list", "--csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["number"] for r in rows] == ["L-0001", "L-0002", "L-0003"]
    assert rows[1]["company"] == '\'=HYPERLINK("evil")'
    assert rows[0]["estimated_value"] == "500.00"


def test_opp_account_contact_lists_filter(cli: Cli) -> None:
    seed(cli)
    assert [o["number"] for o in cli.json("opp", "list", "--search", "backerei")] == ["OPP-0001"]
    assert [o["number"] for o in cli.json("opp", "list", "--account", "acc-0001")] == ["OPP-0001"]
    assert cli.json("opp", "list", "--status", "won") == []
    assert [a["number"] for a in cli.json("account", "list", "--source", "beurs")] == ["ACC-0001"]
    assert [c["number"] for c in cli.json("contact", "list", "--search", "MÜLLER")] == ["CON-0001"]


def test_empty_filtered_list_says_so_and_exits_0(cli: Cli) -> None:
    seed(cli)
    result = cli.ok("opp", "list", "--status", "lost")
    assert (result.stdout, result.stderr) == ("", "No opportunities.\n")
    result = cli.ok("opp", "list", "--status", "lost", "--json")
    assert (result.stdout, result.stderr) == ("[]\n", "No opportunities.\n")


def test_two_output_formats_are_a_usage_error(cli: Cli) -> None:
    result = cli("lead", "list", "--json", "--csv")
    assert result.exit_code == 2
    assert result.stderr == "Error: choose one output format, not --json and --csv\n"
