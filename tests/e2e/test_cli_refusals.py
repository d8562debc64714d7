"""Every refusal of the foundation: exit code, one exact `Error:` line, data file unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.worlds import Worlds, foundation


@pytest.fixture
def pipeline(cli: Cli, worlds: Worlds) -> Cli:
    """L-0001 qualified into OPP-0001 (won), L-0002 disqualified, L-0003 open, OPP-0002 lost."""
    return worlds.copy(foundation, cli)


REFUSALS: list[tuple[list[str], int, str]] = [
    (["lead", "show", "L-0099"], 1, "lead L-0099 not found"),
    (["opp", "show", "OPP-0042"], 1, "opportunity OPP-0042 not found"),
    (
        ["lead", "qualify", "L-0001"],
        1,
        "lead L-0001 is qualified; only open leads can be qualified",
    ),
    (
        ["lead", "qualify", "L-0002"],
        1,
        "lead L-0002 is disqualified (no-longer-interested); only open leads can be qualified",
    ),
    (
        ["lead", "edit", "L-0002", "--phone", "1"],
        1,
        "lead L-0002 is disqualified (no-longer-interested); only open leads can be edited",
    ),
    (
        ["lead", "reactivate", "L-0003"],
        1,
        "lead L-0003 is open (new); only disqualified leads can be reactivated",
    ),
    (
        ["lead", "disqualify", "L-0003", "--reason", "bored"],
        1,
        "disqualify reason 'bored' is not one of: lost, cannot-contact, no-longer-interested, "
        "canceled",
    ),
    (["lead", "add", "--first-name", "Only"], 1, "lead needs a last name or a company"),
    (
        ["lead", "add", "--company", "X", "--email", "not-an-email"],
        1,
        "lead: email 'not-an-email' is not a valid email address (name@domain.tld)",
    ),
    (
        ["lead", "add", "--company", "X", "--estimated-value", "-5"],
        1,
        "lead: estimated value '-5' is negative; it must be 0 or more",
    ),
    (
        ["lead", "add", "--company", "X", "--estimated-value", "lots"],
        1,
        "lead: estimated value 'lots' is not a number",
    ),
    (
        ["product", "add", "BOX", "--name", "Box", "--price", "-1"],
        1,
        "product BOX: price '-1' is negative; it must be 0 or more",
    ),
    (
        ["product", "add", "BOX", "--name", "Box", "--price", "ten"],
        1,
        "product BOX: price 'ten' is not a number",
    ),
    (
        ["product", "add", "BOX", "--name", "Box", "--price", "1", "--tax-rate", "150"],
        1,
        "tax rate '150' is out of range; it must be from 0 to 100",
    ),
    (
        ["product", "add", "day", "--name", "Again", "--price", "1"],
        1,
        "product day already exists; use `salesflow product edit day`",
    ),
    (
        ["opp", "add-product", "OPP-0003", "NOPE", "--quantity", "1"],
        1,
        "product NOPE not found; see `salesflow product list`",
    ),
    (
        ["opp", "add-product", "OPP-0003", "DAY", "--quantity", "-2"],
        1,
        "quantity '-2' must be more than 0",
    ),
    (
        ["opp", "add-product", "OPP-0003", "DAY", "--quantity", "two"],
        1,
        "quantity 'two' is not a number",
    ),
    (
        ["opp", "add-product", "OPP-0003", "DAY", "--quantity", "1", "--discount", "-5"],
        1,
        "discount '-5' is negative; it must be 0 or more",
    ),
    (
        ["opp", "add-product", "OPP-0003", "DAY", "--quantity", "1", "--discount", "150"],
        1,
        "discount 150.00 is more than the line's gross 100.00 (1 × 100.00)",
    ),
    (
        ["opp", "add-product", "OPP-0003", "DAY", "--quantity", "1", "--price", "-3"],
        1,
        "price '-3' is negative; it must be 0 or more",
    ),
    (
        ["opp", "add-product", "OPP-0003", "DAY", "--quantity", "1", "--tax-rate", "150"],
        1,
        "tax rate '150' is out of range; it must be from 0 to 100",
    ),
    (
        ["opp", "add-product", "OPP-0001", "DAY", "--quantity", "1"],
        1,
        "opportunity OPP-0001 is won; only open opportunities can be given products",
    ),
    (
        ["opp", "win", "OPP-0002"],
        1,
        "opportunity OPP-0002 is lost; only open opportunities can be won",
    ),
    (
        ["opp", "edit", "OPP-0003", "--close-date", "next week"],
        1,
        "opportunity OPP-0003: close date 'next week' is not a date; use YYYY-MM-DD",
    ),
    (
        ["lead", "qualify", "L-0003", "--close-date", "31/12/2026"],
        1,
        "close date '31/12/2026' is not a date; use YYYY-MM-DD",
    ),
    (
        ["opp", "stage", "OPP-0003", "negotiate"],
        1,
        "stage 'negotiate' is not one of: qualify, develop, propose, close",
    ),
    (
        ["opp", "lose", "OPP-0003", "--reason", "meh"],
        1,
        "loss reason 'meh' is not one of: canceled, out-sold",
    ),
    (["opp", "remove-product", "OPP-0003", "7"], 1, "opportunity OPP-0003 has no line 7"),
    (["opp", "add", "--name", "X", "--account", "ACC-0404"], 1, "account ACC-0404 not found"),
    (
        ["config", "set", "colour", "blue"],
        1,
        "setting 'colour' is unknown; known settings: company, address, email, phone, vat_number, "
        "iban, bic, coc, country, website, logo, footer, terms, language, currency, tax_rate, "
        "payment_terms, lock_timeout, history_keep, agenda_quote_days, agenda_lead_days, "
        "agenda_order_days",
    ),
]


@pytest.mark.parametrize(
    ("args", "code", "message"), REFUSALS, ids=[" ".join(r[0]) for r in REFUSALS]
)
def test_refusal_is_one_error_line_and_leaves_the_file_untouched(
    pipeline: Cli, db: Path, args: list[str], code: int, message: str
) -> None:
    before = db.read_bytes()
    result = pipeline(*args)
    assert result.exit_code == code
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""
    assert db.read_bytes() == before


def test_disqualify_without_reason_is_a_usage_error(pipeline: Cli, db: Path) -> None:
    before = db.read_bytes()
    result = pipeline("lead", "disqualify", "L-0003")
    assert result.exit_code == 2
    assert "Missing option '--reason'" in result.stderr
    assert db.read_bytes() == before


@pytest.mark.file_only
def test_a_corrupt_data_file_is_refused_with_exit_4_and_left_alone(cli: Cli, db: Path) -> None:
    db.write_bytes(b'{"leads": {"1": {"number": "L-0001"')
    before = db.read_bytes()
    for args in (["lead", "list"], ["lead", "add", "--company", "X"]):
        result = cli(*args)
        assert result.exit_code == 4
        assert result.stderr.startswith(f"Error: data file {db} is not valid JSON (")
        assert result.stderr.endswith("; restore a backup or run `salesflow undo`\n")
    assert db.read_bytes() == before


@pytest.mark.file_only
def test_a_newer_schema_is_refused_with_exit_4(cli: Cli, db: Path) -> None:
    db.write_text('{"_meta": {"1": {"schema": 99, "counters": {}, "config": {}}}}')
    result = cli("lead", "add", "--company", "X")
    assert result.exit_code == 4
    assert result.stderr == (
        f"Error: data file {db} has schema version 99, newer than this salesflow understands "
        "(3); upgrade salesflow, or restore a backup\n"
    )


def test_a_refused_command_spends_no_number(pipeline: Cli) -> None:
    pipeline("lead", "add", "--first-name", "Nameless")
    assert pipeline.number("lead", "add", "--company", "Next") == "L-0004"
