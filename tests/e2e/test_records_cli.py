"""A seller's daily records through the CLI: amounts as typed, customers, lines, short numbers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.worlds import Runs, Worlds


def refused(cli: Cli, *args: str, message: str, code: int = 1) -> None:
    """The command fails with exactly one Error line, and the data file is byte-identical."""
    before = cli.db.read_bytes()
    result = cli(*args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""
    assert cli.db.read_bytes() == before


def jansen_invoiced(run: Runs) -> None:
    """L-0001 (Jansen Bouw) qualified into OPP-0001, quoted, accepted, invoiced: INV-2026-0001
    of 2,420.00 (2 days of 1,000.00 plus 21 % tax)."""
    run.ok("init", "--tax-rate", "21")
    run.ok("product", "add", "DAY", "--name", "Consulting day", "--price", "1.000,00")
    run.ok("lead", "add", "--last-name", "Jansen", "--company", "Jansen Bouw", "--email", "p@jb.nl")
    run.ok("lead", "qualify", "L-0001")
    run.ok("opp", "add-product", "OPP-0001", "DAY", "--quantity", "2")
    run.ok("quote", "create", "OPP-0001")
    run.ok("quote", "activate", "QUO-0001")
    run.ok("quote", "accept", "QUO-0001")
    run.ok("order", "fulfil", "ORD-0001")


@pytest.fixture
def invoiced(cli: Cli, worlds: Worlds) -> Cli:
    return worlds.copy(jansen_invoiced, cli)


# --- amounts that mean what the seller typed ---------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("9.500", "9500.00"), ("1.500,00", "1500.00"), ("€ 1.500", "1500.00"), ("9,50", "9.50")],
)
def test_an_estimated_value_is_stored_as_the_seller_typed_it(
    cli: Cli, typed: str, stored: str
) -> None:
    lead = cli.json("lead", "add", "--company", "Hof", "--estimated-value", typed)
    assert lead["estimated_value"] == stored


def test_a_payment_of_1_500_books_one_thousand_five_hundred(invoiced: Cli) -> None:
    invoiced.ok("invoice", "pay", "INV-2026-0001", "--amount", "1.500")
    invoice = invoiced.json("invoice", "show", "INV-2026-0001")
    assert (invoice["amount_paid"], invoice["balance"]) == ("1500.00", "920.00")


def test_a_product_price_of_1_000_comma_00_is_one_thousand(invoiced: Cli) -> None:
    assert invoiced.json("product", "show", "DAY")["price"] == "1000.00"


def test_an_ambiguous_amount_is_refused_showing_both_readings(invoiced: Cli) -> None:
    refused(
        invoiced,
        "invoice",
        "pay",
        "INV-2026-0001",
        "--amount",
        "1500.250",
        message="invoice INV-2026-0001: payment amount '1500.250' is ambiguous: "
        "1,500,250.00 or 1,500.25; type 1500250.00 or 1500.25",
    )


# --- customer records --------------------------------------------------------------------------


def test_editing_a_qualified_lead_is_refused_with_the_contact_and_account_commands(
    invoiced: Cli,
) -> None:
    refused(
        invoiced,
        "lead",
        "edit",
        "L-0001",
        "--email",
        "piet@jansenbouw.nl",
        message="lead L-0001 is qualified; only open leads can be edited; edit its contact with "
        "`salesflow contact edit CON-0001` or its account with `salesflow account edit ACC-0001`",
    )


def test_an_account_is_added_with_its_details_and_shown_in_json(cli: Cli) -> None:
    number = cli.number(
        "account", "add", "--name", "Jansen Bouw", "--address", "Oudegracht 1", "--postcode",
        "3511 AB", "--city", "Utrecht", "--country", "nl", "--vat-id", "NL 0044.95.445.B01",
        "--coc", "30123456", "--language", "nl", "--website", "jansenbouw.nl",
    )  # fmt: skip
    assert number == "ACC-0001"
    account = cli.json("account", "show", "ACC-0001")
    assert {
        k: account[k] for k in ("name", "postcode", "country", "vat_id", "coc", "language")
    } == {
        "name": "Jansen Bouw",
        "postcode": "3511 AB",
        "country": "NL",
        "vat_id": "NL004495445B01",
        "coc": "30123456",
        "language": "nl",
    }


def test_a_typo_in_a_qualified_customers_email_is_fixed_and_kept_in_the_history(
    invoiced: Cli,
) -> None:
    invoiced.ok("contact", "edit", "CON-0001", "--email", "piet@jansenbouw.nl")
    assert invoiced.json("contact", "show", "CON-0001")["email"] == "piet@jansenbouw.nl"
    events = invoiced.json("history", "CON-0001")["events"]
    edits = [e for e in events if e["kind"] == "edited"]
    assert [(e["number"], e["details"]) for e in edits] == [
        ("CON-0001", {"fields": ["email"], "email_was": "p@jb.nl"})
    ]
    invoiced.ok("account", "edit", "ACC-0001", "--city", "Utrecht")
    assert "edited" in invoiced.ok("history", "ACC-0001").stdout


def test_a_contact_is_added_at_an_account_with_short_flags(invoiced: Cli) -> None:
    number = invoiced.number(
        "contact", "add", "-f", "Anna", "-l", "de Vries", "-a", "ACC-0001", "-e", "anna@jb.nl"
    )
    contact = invoiced.json("contact", "show", number)
    assert (contact["name"], contact["account"], contact["email"]) == (
        "Anna de Vries",
        "ACC-0001",
        "anna@jb.nl",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["account", "edit", "ACC-0001", "--vat-id", "NL004495446B01"],
            "account ACC-0001: VAT ID 'NL004495446B01' is not valid (the number's checksum or "
            "check digit is invalid); give it with its country code, e.g. NL004495445B01",
        ),
        (
            ["account", "edit", "ACC-0001", "--country", "Netherlands"],
            "account ACC-0001: country 'Netherlands' is not an ISO 3166 two-letter code; "
            "Netherlands is NL",
        ),
        (
            ["contact", "edit", "CON-0001", "--language", "es"],
            "contact CON-0001: language 'es' is not one of: nl, en, de, fr",
        ),
        (
            ["account", "add", "--name", "jansen bouw"],
            "account 'jansen bouw' already exists as ACC-0001; use `salesflow account edit "
            "ACC-0001`",
        ),
        (["contact", "add", "-f", "X", "--account", "ACC-0042"], "account ACC-0042 not found"),
        (["account", "edit", "ACC-0042", "--city", "X"], "account ACC-0042 not found"),
        (
            ["config", "set", "iban", "NL91ABNA0417164301"],
            "seller: IBAN 'NL91ABNA0417164301' is not valid (the number's checksum or check "
            "digit is invalid)",
        ),
    ],
)
def test_a_bad_customer_value_is_refused_naming_record_value_and_rule(
    invoiced: Cli, args: list[str], message: str
) -> None:
    refused(invoiced, *args, message=message)


def test_the_currency_cannot_change_while_the_file_holds_money_in_another(invoiced: Cli) -> None:
    message = (
        "currency cannot change from EUR to USD: the data file holds money in EUR (1 products, "
        "1 opportunities, 1 quotes, 1 orders, 1 invoices); keep USD in a data file of its own "
        "(salesflow --db FILE init --currency USD)"
    )
    refused(invoiced, "config", "set", "currency", "usd", message=message)
    refused(invoiced, "init", "--currency", "USD", message=message)
    invoiced.ok("config", "set", "currency", "EUR")


def test_the_currency_of_a_file_without_money_can_change(cli: Cli) -> None:
    cli.ok("lead", "add", "--company", "Hof")  # no value: no money
    cli.ok("config", "set", "currency", "USD")
    assert cli.json("config", "get", "currency") == {"currency": "USD"}


# --- lines -------------------------------------------------------------------------------------


def three_lines(run: Runs) -> None:
    """OPP-0001 with three lines: 2 DAY, a write-in Travel of 120.00 and 1 DAY at 10 %."""
    run.ok("init", "--tax-rate", "21")
    run.ok("product", "add", "DAY", "--name", "Consulting day", "--price", "1000")
    run.ok("lead", "add", "--company", "Jansen Bouw")
    run.ok("lead", "qualify", "L-0001")
    run.ok("opp", "add-product", "OPP-0001", "DAY", "-q", "2")
    run.ok("opp", "add-product", "OPP-0001", "--write-in", "Travel", "-p", "120", "-q", "1")
    run.ok("opp", "add-product", "OPP-0001", "DAY", "-q", "1", "--discount", "10%")


@pytest.fixture
def lines(cli: Cli, worlds: Worlds) -> Cli:
    return worlds.copy(three_lines, cli)


def line_view(record: dict[str, object]) -> list[tuple[object, ...]]:
    return [
        (line["line_no"], line["description"], line["quantity"], line["unit_price"], line["amount"])
        for line in record["lines"]  # type: ignore[attr-defined]
    ]


def test_an_opportunity_line_is_edited_in_place_keeping_its_number(lines: Cli) -> None:
    opp = lines.json("opp", "edit-line", "OPP-0001", "2", "-q", "3", "--description", "Travel (km)")
    assert line_view(opp) == [
        (1, "Consulting day", "2", "1000.00", "2000.00"),
        (2, "Travel (km)", "3", "120.00", "360.00"),
        (3, "Consulting day", "1", "1000.00", "900.00"),
    ]
    opp = lines.json("opp", "edit-line", "OPP-0001", "3", "--price", "1.100")
    assert opp["lines"][2]["amount"] == "990.00"  # 1,100.00 less the 10 % it kept
    assert opp["subtotal"] == "3350.00"


def test_after_a_removal_lines_are_numbered_1_to_n_on_every_screen(lines: Cli) -> None:
    opp = lines.json("opp", "remove-product", "OPP-0001", "1")
    assert [line["line_no"] for line in opp["lines"]] == [1, 2]
    assert lines.json("quote", "create", "OPP-0001")["lines"][0]["line_no"] == 1
    lines.ok("opp", "add-product", "OPP-0001", "DAY", "-q", "1")
    assert [line["line_no"] for line in lines.json("opp", "show", "OPP-0001")["lines"]] == [1, 2, 3]
    table = lines.ok("quote", "show", "QUO-0001").stdout.splitlines()
    assert [row.split()[0] for row in table if row.split()[:1] in (["1"], ["2"])] == ["1", "2"]


def test_a_draft_quote_line_is_edited_and_its_header_discount_spread_again(lines: Cli) -> None:
    lines.ok("quote", "create", "OPP-0001")
    lines.ok("quote", "discount", "QUO-0001", "--percent", "10")
    quote = lines.json("quote", "edit-line", "QUO-0001", "1", "--quantity", "1")
    assert (quote["subtotal"], quote["discount"]) == ("1818.00", "202.00")
    assert [line["line_no"] for line in quote["lines"]] == [1, 2, 3]
    lines.ok("quote", "activate", "QUO-0001")
    refused(
        lines,
        "quote",
        "edit-line",
        "QUO-0001",
        "1",
        "-q",
        "2",
        message="quote QUO-0001 is active (open); only draft quotes can be edited",
    )


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["9", "-q", "1"], "opportunity OPP-0001 has no line 9", 1),
        (["1", "-q", "0"], "quantity '0' must be more than 0", 1),
        (["1", "--description", " "], "opportunity OPP-0001 line 1 needs a description", 1),
        (
            ["1"],
            "give what to change: --quantity, --price, --discount, --description or --tax-rate",
            2,
        ),
    ],
)
def test_a_bad_line_edit_is_refused_and_nothing_changes(
    lines: Cli, args: list[str], message: str, code: int
) -> None:
    refused(lines, "opp", "edit-line", "OPP-0001", *args, message=message, code=code)


# --- quotes: validity and the customer's reference ----------------------------------------------


def test_a_quote_gets_a_new_valid_until_date_and_a_customer_reference(lines: Cli) -> None:
    lines.ok("quote", "create", "OPP-0001")
    quote = lines.json("quote", "edit", "QUO-0001", "--valid-until", "2027-01-31", "-r", "PO-4471")
    assert (quote["valid_until"], quote["customer_reference"]) == ("2027-01-31", "PO-4471")
    lines.ok("quote", "activate", "QUO-0001")
    assert lines.json("quote", "edit", "QUO-0001", "-r", "PO-4472")["customer_reference"] == (
        "PO-4472"
    )
    refused(
        lines,
        "quote",
        "edit",
        "QUO-0001",
        "--valid-until",
        "2027-02-28",
        message="quote QUO-0001 is active (open); only draft quotes can be edited",
    )


def test_activating_an_expired_quote_is_refused_with_the_date_and_the_fix(lines: Cli) -> None:
    lines.ok("quote", "create", "OPP-0001", "--valid-until", "2026-12-01")
    later = {"SALESFLOW_TODAY": "2026-12-05"}
    before = lines.db.read_bytes()
    result = lines.runner.invoke(
        __import__("salesflow.cli").cli.app,
        ["--db", str(lines.db), "quote", "activate", "QUO-0001"],
        env=later,
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: quote QUO-0001 expired: it was valid until 2026-12-01; give it a new date with "
        "`salesflow quote edit QUO-0001 --valid-until YYYY-MM-DD` first\n"
    )
    assert lines.db.read_bytes() == before
    listed = lines.runner.invoke(
        __import__("salesflow.cli").cli.app, ["--db", str(lines.db), "quote", "list"], env=later
    )
    assert "2026-12-01 (expired)" in listed.stdout
    assert "(expired)" not in lines.ok("quote", "list").stdout


# --- fewer keystrokes --------------------------------------------------------------------------


def test_the_daily_options_have_short_flags(cli: Cli) -> None:
    cli.ok("init", "--tax-rate", "21")
    number = cli.number(
        "lead", "add", "-f", "Piet", "-l", "Jansen", "-c", "Jansen Bouw", "-e", "piet@jb.nl",
        "-p", "+31 30 123 4567", "-s", "Beurs 2026", "-t", "Renovation", "-v", "12.500",
    )  # fmt: skip
    lead = cli.json("lead", "show", number)
    assert [lead[k] for k in ("name", "company", "email", "phone", "source", "topic")] == [
        "Piet Jansen", "Jansen Bouw", "piet@jb.nl", "+31 30 123 4567", "Beurs 2026", "Renovation",
    ]  # fmt: skip
    assert lead["estimated_value"] == "12500.00"
    cli.ok("product", "add", "DAY", "-n", "Consulting day", "-p", "1000")
    cli.ok("lead", "qualify", number)
    cli.ok("opp", "add", "-n", "Second deal", "-a", "ACC-0001")
    cli.ok("opp", "add-product", "OPP-0001", "DAY", "-q", "2")
    cli.ok("opp", "lose", "OPP-0002", "-r", "canceled")
    cli.ok("quote", "create", "OPP-0001")
    cli.ok("quote", "activate", "QUO-0001")
    cli.ok("quote", "accept", "QUO-0001")
    cli.ok("order", "fulfil", "ORD-0001")
    cli.ok("invoice", "pay", "INV-2026-0001", "-a", "1.000", "-d", "2026-11-20")
    invoice = cli.json("invoice", "show", "INV-2026-0001")
    assert invoice["payments"] == [{"payment_no": 1, "amount": "1000.00", "paid_on": "2026-11-20"}]
    cli.ok("lead", "add", "-c", "Globex")
    cli.ok("lead", "disqualify", "L-0002", "-r", "lost")


def test_numbers_may_be_typed_short_where_the_command_knows_the_type(invoiced: Cli) -> None:
    assert invoiced.json("lead", "show", "1")["number"] == "L-0001"
    assert invoiced.json("opp", "show", "1")["number"] == "OPP-0001"
    assert invoiced.json("account", "show", "1")["number"] == "ACC-0001"
    assert invoiced.json("quote", "show", "1")["number"] == "QUO-0001"
    assert invoiced.json("invoice", "show", "1")["number"] == "INV-2026-0001"
    invoiced.ok("contact", "edit", "1", "-e", "piet@jansenbouw.nl")
    refused(invoiced, "lead", "show", "7", message="lead L-0007 not found")


def test_an_invoice_typed_short_is_refused_when_another_year_has_that_sequence(
    invoiced: Cli,
) -> None:
    from salesflow.cli import app

    def at(day: str, *args: str) -> object:
        return invoiced.runner.invoke(
            app, ["--db", str(invoiced.db), *args], env={"SALESFLOW_TODAY": day}
        )

    assert at("2027-01-05", "invoice", "show", "1").stderr == (
        "Error: invoice 1 could be INV-2026-0001; type the whole number\n"
    )
    assert at("2027-01-05", "invoice", "show", "2").stderr == (
        "Error: invoice INV-2027-0002 not found\n"
    )


def test_a_filter_takes_an_account_name_ignoring_case(invoiced: Cli) -> None:
    invoiced.ok("account", "add", "--name", "Jansen Installatie")
    invoiced.ok("opp", "add", "-n", "Other deal", "-a", "jansen installatie")
    deals = invoiced.json("opp", "list", "--account", "JANSEN BOUW")
    assert [d["number"] for d in deals] == ["OPP-0001"]
    assert [d["number"] for d in invoiced.json("invoice", "list", "-a", "bouw")] == [
        "INV-2026-0001"
    ]
    assert [d["number"] for d in invoiced.json("opp", "list", "--account", "2")] == ["OPP-0002"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["opp", "list", "--account", "jansen"],
            "account 'jansen' could be ACC-0001 Jansen Bouw, ACC-0002 Jansen Installatie; "
            "give the number",
        ),
        (
            ["opp", "list", "--account", "Pietersen"],
            "account Pietersen not found (no number or name like it)",
        ),
        (["invoice", "list", "--account", "ACC-0042"], "account ACC-0042 not found"),
        (["quote", "list", "--opportunity", "OPP-0042"], "opportunity OPP-0042 not found"),
    ],
)
def test_a_filter_naming_no_single_record_exits_1_with_an_error(
    invoiced: Cli, args: list[str], message: str
) -> None:
    invoiced.ok("account", "add", "--name", "Jansen Installatie")
    refused(invoiced, *args, message=message)


# --- the data file option ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "place",
    [
        lambda db: ["--db", db, "lead", "add", "-c", "Hof"],
        lambda db: ["lead", "add", "-c", "Hof", "--db", db],
        lambda db: ["lead", "add", f"--db={db}", "-c", "Hof"],
    ],
    ids=["before", "after", "after-with-equals"],
)
def test_db_is_accepted_before_or_after_the_subcommand(
    tmp_path: Path, place: Callable[[str], list[str]]
) -> None:
    from typer.testing import CliRunner

    from salesflow.cli import app

    db = tmp_path / "chosen.json"
    result = CliRunner().invoke(app, place(str(db)))
    assert (result.exit_code, result.stdout) == (0, "L-0001\n"), result.stderr
    assert (
        json.loads(CliRunner().invoke(app, ["lead", "list", "--json", "--db", str(db)]).stdout)[0][
            "company"
        ]
        == "Hof"
    )
    assert not (tmp_path / "default.json").exists()  # $SALESFLOW_DB was not used


def test_the_last_db_given_counts_and_text_after_a_double_dash_is_left_alone(cli: Cli) -> None:
    from salesflow.cli import hoist_db

    assert hoist_db(["--db", "a", "lead", "list", "--db", "b"]) == [
        "--db", "a", "--db", "b", "lead", "list",
    ]  # fmt: skip
    assert hoist_db(["lead", "add", "--", "--db", "x"]) == ["lead", "add", "--", "--db", "x"]
    assert hoist_db(["demo", "--db", "x"]) == ["demo", "--db", "x"]  # the demo's own file


# --- Tab completion of batch verbs, stages and reasons ------------------------------------------


def tab(cli: Cli, words: str, columns: int = 80) -> list[str]:
    """What bash gets for `salesflow --db FILE <words><Tab>`."""
    from salesflow.cli import app, common

    common.INVOCATION.db = None  # a new process: no --db applied yet
    line = f"salesflow --db {cli.db} {words}"
    env = {
        "_SALESFLOW_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(line.split(" ")) - 1),
        "COLUMNS": str(columns),
    }
    result = cli.runner.invoke(app, [], env=env, prog_name="salesflow")
    assert (result.exit_code, result.stderr) == (0, "")
    return [line for line in result.stdout.splitlines() if line]


def jansen_batch(run: Runs) -> None:
    """Besides the invoiced deal: open leads L-0002 Globex and L-0003 Initech, L-0004
    disqualified; OPP-0002 open for Globex; ORD-0002 active and unpaid INV-2026-0001."""
    jansen_invoiced(run)
    for company in ("Globex", "Initech", "Umbrella"):
        run.ok("lead", "add", "-c", company)
    run.ok("lead", "disqualify", "L-0004", "-r", "lost")
    run.ok("opp", "add", "-n", "Globex deal", "-a", "ACC-0001")


@pytest.fixture
def batch(cli: Cli, worlds: Worlds) -> Cli:
    return worlds.copy(jansen_batch, cli)


def test_tab_after_a_batch_verb_offers_only_the_records_it_applies_to_with_descriptions(
    batch: Cli,
) -> None:
    assert tab(batch, "lead qualify ") == ["L-0002  (Globex, open)", "L-0003  (Initech, open)"]
    assert tab(batch, "lead qualify L-0002 ") == ["L-0003"]  # one left: bare, to be inserted
    assert tab(batch, "invoice pay ") == ["INV-2026-0001"]
    assert tab(batch, "order fulfil ") == []  # ORD-0001 is fulfilled
    assert tab(batch, "opp stage ") == ["OPP-0002"]


def test_tab_after_an_opportunity_offers_the_stages_with_their_probability(batch: Cli) -> None:
    assert tab(batch, "opp stage OPP-0002 ") == [
        "qualify  (20 %: is there a need, a budget, a decision maker?)",
        "develop  (40 %: working out what they need)",
        "propose  (60 %: a quote is out)",
        "close    (80 %: negotiating the last details)",
    ]
    assert tab(batch, "opp stage OPP-0002 p") == ["propose"]


def test_tab_after_reason_offers_the_reasons_cut_to_the_terminal_width(batch: Cli) -> None:
    assert tab(batch, "lead disqualify L-0002 --reason ", columns=40) == [
        "lost                  (they bought el…)",
        "cannot-contact        (no answer on a…)",
        "no-longer-interested  (the need went…)",
        "canceled              (the lead was a…)",
    ]
    assert tab(batch, "opp lose OPP-0002 --reason o") == ["out-sold"]
    assert tab(batch, "quote close QUO-0001 -r ") == [
        "lost      (the customer said no)",
        "canceled  (withdrawn by you)",
    ]


def test_the_completed_values_are_the_ones_the_commands_accept() -> None:
    from salesflow.cli import lead, opp
    from salesflow.pipeline import leads, opportunities

    def values(complete: Callable[..., list[tuple[str, str]]]) -> tuple[str, ...]:
        return tuple(value for value, _ in complete(None, ""))

    assert values(lead.DISQUALIFY_REASONS) == leads.DISQUALIFY_REASONS
    assert values(lead.OPEN_REASONS) == leads.OPEN_REASONS
    assert values(opp.LOSS_REASONS) == opportunities.LOSS_REASONS
    assert values(opp.STAGES) == opportunities.STAGES
