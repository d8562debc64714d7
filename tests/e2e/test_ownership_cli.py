"""Ownership through the CLI on a data file: who owns what, `--mine`/`--owner`, `assign`, and
who did what in `history` (the seller is `$SALESFLOW_SELLER`; the tests' default is ann)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Cli

Seller = Callable[[str], None]


@pytest.fixture
def acting(monkeypatch: pytest.MonkeyPatch) -> Seller:
    """Run the next commands as another seller."""

    def act(name: str) -> None:
        monkeypatch.setenv("SALESFLOW_SELLER", name)

    return act


@pytest.fixture
def team(cli: Cli, acting: Seller) -> Cli:
    """L-0001 and L-0003 added by ann, L-0002 by bob; ann qualified L-0001 into OPP-0001."""
    cli.ok("lead", "add", "--company", "Acme", "--last-name", "Ames")
    acting("bob")
    cli.ok("lead", "add", "--company", "Bolt", "--last-name", "Bors")
    acting("ann")
    cli.ok("lead", "add", "--company", "Cog", "--last-name", "Cole")
    cli.ok("lead", "qualify", "L-0001", "--close-date", "2026-11-27")
    return cli


def numbers(rows: list[dict[str, object]]) -> list[object]:
    return [row["number"] for row in rows]


def test_records_belong_to_who_adds_them(team: Cli) -> None:
    assert [(r["number"], r["owner"]) for r in team.json("lead", "list")] == [
        ("L-0001", "ann"),
        ("L-0002", "bob"),
        ("L-0003", "ann"),
    ]


def test_mine_and_owner_keep_one_sellers_records(team: Cli, acting: Seller) -> None:
    assert numbers(team.json("lead", "list", "--mine")) == ["L-0001", "L-0003"]
    assert numbers(team.json("lead", "list", "--owner", "BOB")) == ["L-0002"]
    assert numbers(team.json("lead", "list", "--owner", "carol")) == []
    acting("Bob")
    assert numbers(team.json("lead", "list", "--mine")) == ["L-0002"]


def test_mine_and_owner_together_are_a_usage_error(team: Cli) -> None:
    result = team("lead", "list", "--mine", "--owner", "bob")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: choose --mine or --owner NAME, not both\n"


def test_an_empty_owner_is_refused(team: Cli) -> None:
    result = team("opp", "list", "--owner", " ")
    assert result.exit_code == 1
    assert result.stderr == "Error: --owner ' ' is empty; give a seller's name\n"


def test_the_owner_column_shows_only_when_records_have_more_than_one_owner(team: Cli) -> None:
    everyone = team.ok("lead", "list").stdout.splitlines()
    assert everyone[0].split() == ["Number", "Name", "Company", "Email", "Status", "Source",
                                   "Value", "Owner"]  # fmt: skip
    assert everyone[2].split()[-1] == "bob"
    mine = team.ok("lead", "list", "--mine").stdout.splitlines()
    assert "Owner" not in mine[0]
    picked = team.ok("lead", "list", "--mine", "--columns", "number,owner").stdout.splitlines()
    assert [line.split() for line in picked] == [
        ["Number", "Owner"],
        ["L-0001", "ann"],
        ["L-0003", "ann"],
    ]


def test_qualifying_gives_the_new_records_to_the_leads_owner(team: Cli, acting: Seller) -> None:
    acting("bob")
    team.ok("lead", "qualify", "L-0003")  # ann's lead, qualified by bob
    deal = team.json("opp", "show", "OPP-0002")
    assert deal["owner"] == "ann"
    assert team.json("account", "show", "ACC-0002")["owner"] == "ann"
    assert team.json("contact", "show", "CON-0002")["owner"] == "ann"
    story = team.json("history", "OPP-0002")["events"]
    assert {(e["number"], e["kind"], e["by"]) for e in story} >= {
        ("L-0003", "qualified", "bob"),
        ("OPP-0002", "created", "bob"),
    }


def test_show_names_the_owner(team: Cli) -> None:
    shown = team.ok("lead", "show", "L-0001").stdout.splitlines()
    assert shown[1].split() == ["Owner", "ann"]


def test_assign_gives_records_to_another_seller_and_says_so_in_history(team: Cli) -> None:
    result = team.ok("lead", "assign", "L-0003", "--to", "bob")
    assert (result.stdout, result.stderr) == ("L-0003\n", "L-0003 is owned by bob\n")
    assert team.json("lead", "show", "L-0003")["owner"] == "bob"
    assigned = team.json("history", "L-0003")["events"][-1]
    assert (assigned["kind"], assigned["from_state"], assigned["to_state"], assigned["by"]) == (
        "assigned",
        "ann",
        "bob",
        "ann",
    )
    table = team.ok("history", "L-0003").stdout.splitlines()
    assert table[0].split() == ["When", "Number", "What", "From", "To", "Details", "By"]
    assert table[-1].split()[-4:] == ["assigned", "ann", "bob", "ann"]


def test_assign_takes_numbers_from_stdin_and_undo_takes_it_back(team: Cli) -> None:
    numbers_in = "\n".join(numbers(team.json("lead", "list", "--mine"))) + "\n"
    result = team.ok("lead", "assign", "-", "--to", "carol", "--json", input=numbers_in)
    assert [(r["number"], r["owner"]) for r in json.loads(result.stdout)] == [
        ("L-0001", "carol"),
        ("L-0003", "carol"),
    ]
    team.ok("undo")
    assert numbers(team.json("lead", "list", "--owner", "carol")) == []
    assert numbers(team.json("lead", "list", "--mine")) == ["L-0001", "L-0003"]
    team.ok("redo")
    assert numbers(team.json("lead", "list", "--owner", "carol")) == ["L-0001", "L-0003"]


def test_a_batch_assign_with_an_unknown_number_changes_nothing(team: Cli) -> None:
    result = team("opp", "assign", "OPP-0001", "OPP-0009", "--to", "bob")
    assert result.exit_code == 1
    assert "opportunity OPP-0009 not found" in result.stderr
    assert team.json("opp", "show", "OPP-0001")["owner"] == "ann"


def test_assigning_to_the_owner_records_no_event(team: Cli) -> None:
    before = len(team.json("history", "ACC-0001")["events"])
    team.ok("account", "assign", "ACC-0001", "--to", "ann")
    assert len(team.json("history", "ACC-0001")["events"]) == before


def test_opp_account_and_contact_assign(team: Cli) -> None:
    team.ok("opp", "assign", "OPP-0001", "--to", "bob")
    team.ok("account", "assign", "ACC-0001", "--to", "bob")
    team.ok("contact", "assign", "CON-0001", "--to", "bob")
    assert numbers(team.json("opp", "list", "--owner", "bob")) == ["OPP-0001"]
    assert numbers(team.json("account", "list", "--owner", "bob")) == ["ACC-0001"]
    assert numbers(team.json("contact", "list", "--owner", "bob")) == ["CON-0001"]
    assert team.json("opp", "list", "--mine") == []


def test_activities_and_the_agenda_keep_one_sellers_work(team: Cli, acting: Seller) -> None:
    team.ok("task", "add", "OPP-0001", "Send the contract", "--due", "2026-11-27")
    acting("bob")
    team.ok("task", "add", "L-0002", "Call Bors", "--due", "2026-11-27")
    assert numbers(team.json("activity", "list", "--mine")) == ["ACT-0002"]
    assert numbers(team.json("activity", "list", "--owner", "ann")) == ["ACT-0001"]
    team.ok("activity", "assign", "ACT-0002", "--to", "carol")
    assert numbers(team.json("activity", "list", "--owner", "carol")) == ["ACT-0002"]
    team.ok("activity", "assign", "ACT-0002", "--to", "bob")
    bobs = [(i["kind"], i["number"]) for i in team.json("agenda", "--mine")]
    assert bobs == [("task", "ACT-0002")]
    anns = [(i["kind"], i["number"]) for i in team.json("agenda", "--owner", "ann")]
    assert anns == [("task", "ACT-0001"), ("opportunity", "OPP-0001")]
    result = team("agenda", "--mine", "--owner", "ann")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: choose --mine or --owner NAME, not both\n",
    )


def test_reports_count_one_sellers_records(team: Cli, acting: Seller) -> None:
    acting("bob")
    team.ok("lead", "qualify", "L-0002")
    everyone = team.json("report", "pipeline")
    bobs = team.json("report", "pipeline", "--mine")
    anns = team.json("report", "pipeline", "--owner", "ANN")
    assert (everyone["total"]["count"], bobs["total"]["count"], anns["total"]["count"]) == (2, 1, 1)
    assert bobs["filters"]["owner"] == "bob"
    assert team.json("report", "funnel", "--owner", "ann")["steps"][0]["count"] == 2
    assert team.json("report", "funnel", "--mine")["steps"][0]["count"] == 1


def test_other_lists_take_the_owner_filters(team: Cli) -> None:
    for group in ("quote", "order", "invoice", "account", "contact"):
        assert team.json(group, "list", "--owner", "nobody") == [], group
        result = team(group, "list", "--mine", "--owner", "x")
        assert result.exit_code == 2, group


@pytest.mark.file_only  # edits the file's JSON
def test_records_from_before_owners_show_none(cli: Cli, acting: Seller) -> None:
    cli.ok("lead", "add", "--company", "Old")
    data = json.loads(cli.db.read_text())
    assert data["leads"]["1"].pop("owner") == "ann"
    assert data["events"]["1"].pop("by") == "ann"
    cli.db.write_text(json.dumps(data))
    assert cli.json("lead", "show", "L-0001")["owner"] is None
    assert cli.json("history", "L-0001")["events"][0]["by"] is None
    assert "By" not in cli.ok("history", "L-0001").stdout.splitlines()[0]
    assert cli.json("lead", "list", "--mine") == []


def test_imported_leads_belong_to_who_imports_them(
    cli: Cli, acting: Seller, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("cards.csv").write_text("Company,Last name\nAcme,Ames\n", encoding="utf-8")
    acting("bob")
    cli.ok("lead", "import", "cards.csv")
    assert [(r["number"], r["owner"]) for r in cli.json("lead", "list")] == [("L-0001", "bob")]
    cli.ok("export", "leads", "--output", "leads.csv")
    acting("carol")
    other = Cli(tmp_path / "other.json")
    other.ok("lead", "import", "leads.csv")
    (again,) = other.json("lead", "list")
    assert (again["owner"], again["notes"]) == ("carol", None)  # the owner column is not a note


@pytest.mark.file_only  # a database names its user: tests/postgres/test_ownership.py
def test_without_a_seller_name_the_login_name_owns_and_mine_needs_one(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import getpass

    monkeypatch.delenv("SALESFLOW_SELLER")
    monkeypatch.setattr(getpass, "getuser", lambda: "login")
    cli.ok("lead", "add", "--company", "Acme")
    assert cli.json("lead", "show", "L-0001")["owner"] == "login"
    assert numbers(cli.json("lead", "list", "--mine")) == ["L-0001"]

    def nobody() -> str:
        raise OSError("no user")

    monkeypatch.setattr(getpass, "getuser", nobody)
    cli.ok("lead", "add", "--company", "Bolt")
    assert cli.json("lead", "show", "L-0002")["owner"] is None
    assert cli.json("history", "L-0002")["events"][0]["by"] is None
    result = cli("lead", "list", "--mine")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: --mine needs to know who you are: set $SALESFLOW_SELLER\n"


def test_a_seller_name_of_more_than_a_line_is_refused(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALESFLOW_SELLER", "ann\nbob")
    result = cli("lead", "add", "--company", "Acme")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: $SALESFLOW_SELLER 'ann\\nbob' is not a seller's name (one line of at most 100 "
        "characters)\n"
    )
    assert not cli.db.exists()


@pytest.mark.parametrize(
    "report", ["pipeline", "forecast", "funnel", "win-rate", "receivables", "sales", "activity"]
)
def test_every_report_takes_the_owner_filters(team: Cli, report: str) -> None:
    nobodys = team.json("report", report, "--owner", "nobody")
    assert nobodys["filters"]["owner"] == "nobody"
    assert team.json("report", report, "--mine")["filters"]["owner"] == "ann"
    result = team("report", report, "--mine", "--owner", "ann")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: choose --mine or --owner NAME, not both\n",
    )


def test_the_calendar_export_keeps_one_sellers_activities(team: Cli, acting: Seller) -> None:
    team.ok("task", "add", "OPP-0001", "Send the contract", "--due", "2026-11-30")
    acting("bob")
    team.ok("meeting", "add", "L-0002", "Demo", "--on", "2026-12-01", "--at", "10:00")
    bobs = team.ok("agenda", "export", "--mine").stdout
    anns = team.ok("agenda", "export", "--owner", "ann").stdout
    assert "SUMMARY:Demo" in bobs and "Send the contract" not in bobs
    assert "SUMMARY:Send the contract" in anns and "Demo" not in anns


def test_quote_order_and_invoice_assign(team: Cli) -> None:
    team.ok("product", "add", "DAY", "--name", "Day", "--price", "950")
    team.ok("opp", "add-product", "OPP-0001", "DAY", "--quantity", "2")
    team.ok("quote", "create", "OPP-0001")
    team.ok("quote", "activate", "QUO-0001")
    team.ok("quote", "revise", "QUO-0001")
    team.ok("quote", "activate", "QUO-0001")
    team.ok("quote", "accept", "QUO-0001")
    team.ok("order", "fulfil", "ORD-0001")
    result = team.ok("quote", "assign", "QUO-0001", "--to", "bob")
    assert (result.stdout, result.stderr) == ("QUO-0001\n", "QUO-0001 is owned by bob\n")
    team.ok("order", "assign", "ORD-0001", "--to", "bob")
    team.ok("invoice", "assign", "INV-2026-0001", "--to", "bob")
    assert numbers(team.json("quote", "list", "--owner", "bob")) == ["QUO-0001"]
    assert numbers(team.json("order", "list", "--owner", "bob")) == ["ORD-0001"]
    assert numbers(team.json("invoice", "list", "--owner", "bob")) == ["INV-2026-0001"]
    first = team.json("quote", "show", "QUO-0001", "--revision", "1")
    assert (first["revision"], first["owner"]) == (1, "bob")  # the whole quote, every revision
    story = team.json("history", "QUO-0001")["events"]
    assigned = [e for e in story if e["kind"] == "assigned"]
    assert [(e["number"], e["from_state"], e["to_state"]) for e in assigned] == [
        ("QUO-0001", "ann", "bob"),  # one event for the quote's two revisions
        ("ORD-0001", "ann", "bob"),
        ("INV-2026-0001", "ann", "bob"),
    ]
    assert team.json("opp", "show", "OPP-0001")["owner"] == "ann"  # the deal stays ann's


def test_assigning_an_unknown_quote_names_it(team: Cli) -> None:
    result = team("quote", "assign", "QUO-0009", "--to", "bob")
    assert (result.exit_code, result.stdout) == (1, "")
    assert "quote QUO-0009 not found" in result.stderr
