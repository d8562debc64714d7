"""The foundation's commands through CliRunner: leads, qualification, catalog, opportunities."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli


def add_ada(cli: Cli) -> str:
    return cli.number(
        "lead",
        "add",
        "--first-name",
        "Ada",
        "--last-name",
        "Lovelace",
        "--company",
        "Analytical Engines",
        "--email",
        "Ada@Example.com",
        "--estimated-value",
        "12000",
        "--topic",
        "Engine upgrade",
        "--source",
        "Beurs 2026",
    )


def test_lead_add_prints_the_new_number_on_the_first_line(cli: Cli) -> None:
    assert add_ada(cli) == "L-0001"
    assert cli.number("lead", "add", "--company", "Initech") == "L-0002"


def test_lead_add_json_has_stable_fields_and_money_as_strings(cli: Cli) -> None:
    lead = cli.json("lead", "add", "--last-name", "Curie", "--estimated-value", "1234.5")
    assert lead["number"] == "L-0001"
    assert lead["estimated_value"] == "1234.50"
    assert lead["status"] == "open"
    assert lead["status_reason"] == "new"
    assert lead["created_on"] == "2026-11-27"


def test_lead_list_filters_by_status_and_source(cli: Cli) -> None:
    add_ada(cli)
    cli.ok("lead", "add", "--company", "Initech", "--source", "web")
    cli.ok("lead", "disqualify", "L-0002", "--reason", "lost")
    assert [x["number"] for x in cli.json("lead", "list", "--status", "open")] == ["L-0001"]
    assert [x["number"] for x in cli.json("lead", "list", "--source", "WEB")] == ["L-0002"]
    table = cli.ok("lead", "list").stdout
    assert "L-0001" in table and "Ada Lovelace" in table and "12,000.00" in table


def test_an_empty_list_says_so_on_stderr_and_exits_0(cli: Cli) -> None:
    result = cli.ok("lead", "list")
    assert result.stdout == ""
    assert result.stderr == "No leads.\n"


def test_lead_numbers_are_accepted_in_any_case(cli: Cli) -> None:
    add_ada(cli)
    assert cli.json("lead", "show", "l-0001")["number"] == "L-0001"


def test_lead_edit_changes_fields_and_an_empty_value_clears_one(cli: Cli) -> None:
    add_ada(cli)
    lead = cli.json("lead", "edit", "L-0001", "--phone", "+31 20 555", "--topic", "")
    assert lead["phone"] == "+31 20 555"
    assert lead["topic"] is None
    contacted = cli.json("lead", "edit", "L-0001", "--reason", "contacted")
    assert contacted["status_reason"] == "contacted"


def test_qualify_creates_account_contact_and_opportunity(cli: Cli) -> None:
    add_ada(cli)
    result = cli.json("lead", "qualify", "L-0001", "--close-date", "2026-12-31")
    assert result["lead"]["status"] == "qualified"
    assert result["account"]["number"] == "ACC-0001"
    assert result["account"]["name"] == "Analytical Engines"
    assert result["contact"]["number"] == "CON-0001"
    assert result["contact"]["email"] == "Ada@Example.com"
    opp = result["opportunity"]
    assert opp["number"] == "OPP-0001"
    assert opp["name"] == "Engine upgrade"
    assert opp["estimated_revenue"] == "12000.00"
    assert opp["probability"] == 20
    assert opp["weighted_revenue"] == "2400.00"
    assert opp["close_date"] == "2026-12-31"
    assert result["lead"]["opportunity"] == "OPP-0001"


def test_qualify_reuses_account_by_company_and_contact_by_email(cli: Cli) -> None:
    add_ada(cli)
    cli.ok("lead", "qualify", "L-0001")
    cli.ok(
        "lead",
        "add",
        "--last-name",
        "Lovelace",
        "--company",
        "  analytical ENGINES ",
        "--email",
        "ada@example.COM",
    )
    result = cli.ok("lead", "qualify", "L-0002")
    assert result.stdout == "OPP-0002\n"
    assert "reused ACC-0001, CON-0001" in result.stderr
    assert len(cli.json("account", "list")) == 1
    assert len(cli.json("contact", "list")) == 1


def test_qualify_without_company_gives_a_null_account(cli: Cli) -> None:
    cli.ok("lead", "add", "--first-name", "Jan", "--last-name", "de Vries")
    result = cli.json("lead", "qualify", "L-0001", "--opportunity-name", "Kitchen")
    assert result["account"] is None
    assert result["opportunity"]["name"] == "Kitchen"


def test_disqualify_and_reactivate(cli: Cli) -> None:
    add_ada(cli)
    lead = cli.json("lead", "disqualify", "L-0001", "--reason", "no-longer-interested")
    assert (lead["status"], lead["status_reason"]) == ("disqualified", "no-longer-interested")
    lead = cli.json("lead", "reactivate", "L-0001")
    assert (lead["status"], lead["status_reason"]) == ("open", "new")


def test_catalog_product_and_write_in_lines_with_discount_and_tax(cli: Cli) -> None:
    add_ada(cli)
    cli.ok("lead", "qualify", "L-0001")
    assert (
        cli.number(
            "product",
            "add",
            "DAY",
            "--name",
            "Consulting day",
            "--price",
            "950",
            "--tax-rate",
            "21",
            "--unit",
            "day",
        )
        == "DAY"
    )
    opp = cli.json(
        "opp", "add-product", "OPP-0001", "DAY", "--quantity", "1.5", "--discount", "10%"
    )
    line = opp["lines"][0]
    assert line == {
        "line_no": 1,
        "sku": "DAY",
        "description": "Consulting day",
        "quantity": "1.5",
        "unit": "day",
        "unit_price": "950.00",
        "discount": "142.50",
        "discount_percent": "10",
        "header_discount": "0.00",
        "tax_rate": "21",
        "amount": "1282.50",
        "tax": "269.33",
        "gross": "1425.00",
        "total": "1551.83",
    }
    opp = cli.json(
        "opp",
        "add-product",
        "OPP-0001",
        "--write-in",
        "Travel",
        "--price",
        "120",
        "--quantity",
        "2",
        "--discount",
        "40",
    )
    assert opp["lines"][1]["amount"] == "200.00"
    assert opp["lines"][1]["tax"] == "0.00"
    assert (opp["subtotal"], opp["tax"], opp["total"]) == ("1482.50", "269.33", "1751.83")
    # the lead's value was given by the user, so it wins over the lines
    assert opp["estimated_revenue"] == "12000.00"
    opp = cli.json("opp", "edit", "OPP-0001", "--estimated-revenue", "")
    assert opp["estimated_revenue"] == "1482.50"
    opp = cli.json("opp", "remove-product", "OPP-0001", "1")
    assert [(x["line_no"], x["description"]) for x in opp["lines"]] == [(1, "Travel")]


def test_default_tax_rate_comes_from_init(cli: Cli) -> None:
    cli.ok("init", "--tax-rate", "21", "--currency", "usd")
    product = cli.json("product", "add", "BOX", "--name", "Box", "--price", "10")
    assert product["tax_rate"] == "21"
    assert cli.json("info")["currency"] == "USD"


def test_opp_add_stage_probability_and_list(cli: Cli) -> None:
    add_ada(cli)
    cli.ok("lead", "qualify", "L-0001")
    number = cli.number(
        "opp",
        "add",
        "--name",
        "Second deal",
        "--account",
        "acc-0001",
        "--estimated-revenue",
        "5000",
        "--close-date",
        "2027-01-15",
    )
    assert number == "OPP-0002"
    opp = cli.json("opp", "stage", "OPP-0002", "propose")
    assert (opp["stage"], opp["probability"], opp["weighted_revenue"]) == ("propose", 60, "3000.00")
    opp = cli.json("opp", "edit", "OPP-0002", "--probability", "90")
    assert opp["weighted_revenue"] == "4500.00"
    assert [o["number"] for o in cli.json("opp", "list", "--stage", "propose")] == ["OPP-0002"]


def test_win_lose_and_reopen(cli: Cli) -> None:
    add_ada(cli)
    cli.ok("lead", "qualify", "L-0001")
    won = cli.json("opp", "win", "OPP-0001")
    assert (won["status"], won["actual_revenue"]) == ("won", "12000.00")
    reopened = cli.json("opp", "reopen", "OPP-0001")
    assert (reopened["status"], reopened.get("actual_revenue")) == ("open", None)
    lost = cli.json("opp", "lose", "OPP-0001", "--reason", "out-sold", "--competitor", "Initech")
    assert (lost["status"], lost["status_reason"], lost["competitor"]) == (
        "lost",
        "out-sold",
        "Initech",
    )


def test_account_and_contact_show_list_linked_opportunities(cli: Cli) -> None:
    add_ada(cli)
    cli.ok("lead", "qualify", "L-0001")
    account = cli.json("account", "show", "ACC-0001")
    assert [o["number"] for o in account["opportunities"]] == ["OPP-0001"]
    assert [c["number"] for c in account["contacts"]] == ["CON-0001"]
    contact = cli.json("contact", "show", "CON-0001")
    assert [o["number"] for o in contact["opportunities"]] == ["OPP-0001"]
    assert "OPP-0001" in cli.ok("account", "show", "ACC-0001").stdout


def test_history_shows_the_chain_from_any_number_in_time_order(cli: Cli) -> None:
    add_ada(cli)
    cli.ok("lead", "qualify", "L-0001")
    cli.ok("product", "add", "DAY", "--name", "Day", "--price", "100")
    cli.ok("opp", "add-product", "OPP-0001", "DAY", "--quantity", "2")
    cli.ok("opp", "win", "OPP-0001")
    for start in ("L-0001", "ACC-0001", "CON-0001", "OPP-0001"):
        story = cli.json("history", start)
        kinds = [(e["number"], e["kind"]) for e in story["events"]]
        assert kinds == [
            ("L-0001", "created"),
            ("L-0001", "qualified"),
            ("ACC-0001", "created"),
            ("CON-0001", "created"),
            ("OPP-0001", "created"),
            ("OPP-0001", "line-added"),
            ("OPP-0001", "won"),
        ], start
    assert story["events"][-1]["from_state"] == "open"
    assert story["events"][-1]["to_state"] == "won"


@pytest.mark.file_only
def test_info_reports_path_schema_and_counts(cli: Cli, db: Path) -> None:
    missing = cli.json("info")
    assert missing["exists"] is False
    add_ada(cli)
    data = cli.json("info")
    assert data["path"] == str(db)
    assert data["schema"] == 3
    assert data["counts"]["leads"] == 1


@pytest.mark.file_only
def test_reading_a_missing_file_shows_empty_results_and_creates_nothing(cli: Cli, db: Path) -> None:
    assert cli.json("lead", "list") == []
    assert not db.exists()


def test_config_set_and_get(cli: Cli) -> None:
    cli.ok("config", "set", "payment-terms", "14")
    assert cli.ok("config", "get", "payment_terms").stdout == "14\n"
    assert cli.json("config", "get")["currency"] == "EUR"


def test_plain_table_output_has_no_borders_or_trailing_spaces(cli: Cli) -> None:
    add_ada(cli)
    lines = cli.ok("lead", "list").stdout.splitlines()
    assert lines[0].split() == ["Number", "Name", "Company", "Email", "Status", "Source", "Value"]
    assert all(line == line.rstrip() for line in lines)
    assert "│" not in "".join(lines)


@pytest.mark.parametrize("fmt", ["--json"])
def test_json_output_is_only_json(cli: Cli, fmt: str) -> None:
    add_ada(cli)
    result = cli.ok("lead", "qualify", "L-0001", fmt)
    json.loads(result.stdout)


def test_the_undo_history_records_the_command_line_of_each_write(cli: Cli, db: Path) -> None:
    add_ada(cli)
    cli.ok("lead", "disqualify", "L-0001", "--reason", "lost")
    entries = cli.json("undo", "--list")["entries"]
    assert [e["change"] for e in entries] == [
        "lead disqualify L-0001 --reason lost",
        (
            "lead add --first-name Ada --last-name Lovelace --company 'Analytical Engines' "
            "--email Ada@Example.com --estimated-value 12000 --topic 'Engine upgrade' "
            "--source 'Beurs 2026'"
        ),
    ]
