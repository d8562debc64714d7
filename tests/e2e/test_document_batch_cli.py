"""Batch verbs of quote to cash: `quote activate`, `order fulfil` and `invoice pay` take several
numbers or `-`; one write, all-or-nothing unless --keep-going."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The data file at three points, built once:

    quoted:   QUO-0001..QUO-0004 drafts with one line each; QUO-0005 a draft without lines
    ordered:  QUO-0001..0004 accepted into ORD-0001..ORD-0004; ORD-0004 canceled
    invoiced: ORD-0001..0003 fulfilled into INV-2026-0001..0003; INV-2026-0003 cancelled
    """
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("SALESFLOW_TODAY", "2026-03-02")
        monkeypatch.setenv("NO_COLOR", "1")
        cli = Cli(tmp_path_factory.mktemp("batch") / "sales.json")
        cli.ok("init", "--tax-rate", "21", "--payment-terms", "14")
        cli.ok("product", "add", "DAY", "--name", "Consulting day", "--price", "100")
        for company in ("Alfa", "Bravo", "Charlie", "Delta", "Echo"):
            cli.ok("lead", "add", "--company", company)
        cli.ok("lead", "qualify", "L-0001", "L-0002", "L-0003", "L-0004", "L-0005")
        for n in range(1, 5):
            cli.ok("opp", "add-product", f"OPP-000{n}", "DAY", "--quantity", str(n))
        for n in range(1, 6):  # valid long enough for the tests' later today
            cli.ok("quote", "create", f"OPP-000{n}", "--valid-until", "2026-12-31")
        found = {"quoted": cli.db.read_bytes()}
        for n in range(1, 5):
            cli.ok("quote", "activate", f"QUO-000{n}")
            cli.ok("quote", "accept", f"QUO-000{n}")
        cli.ok("order", "cancel", "ORD-0004")
        found["ordered"] = cli.db.read_bytes()
        for n in range(1, 4):
            cli.ok("order", "fulfil", f"ORD-000{n}")
        cli.ok("invoice", "cancel", "INV-2026-0003")
        found["invoiced"] = cli.db.read_bytes()
        return found


@pytest.fixture
def quoted(cli: Cli, states: dict[str, bytes]) -> Cli:
    cli.db.write_bytes(states["quoted"])
    return cli


@pytest.fixture
def ordered(cli: Cli, states: dict[str, bytes]) -> Cli:
    cli.db.write_bytes(states["ordered"])
    return cli


@pytest.fixture
def invoiced(cli: Cli, states: dict[str, bytes]) -> Cli:
    cli.db.write_bytes(states["invoiced"])
    return cli


def statuses(cli: Cli, kind: str) -> dict[str, str]:
    return {r["number"]: r["status"] for r in cli.json(kind, "list")}


def refused_unchanged(cli: Cli, db: Path, *args: str, input: str | None = None) -> list[str]:
    """Runs a refused batch; asserts exit 1, nothing on stdout, the file byte-identical."""
    before = db.read_bytes()
    result = cli(*args, input=input)
    assert (result.exit_code, result.stdout) == (1, ""), result.stderr
    assert db.read_bytes() == before
    return list(result.stderr.splitlines())


# --- quote activate ----------------------------------------------------------------------------


def test_quote_activate_takes_several_numbers_in_one_write(quoted: Cli) -> None:
    result = quoted.ok("quote", "activate", "QUO-0001", "quo-0002", "QUO-0003")
    assert result.stdout == "QUO-0001\nQUO-0002\nQUO-0003\n"
    assert result.stderr.splitlines() == [
        "Quote QUO-0001 is active",
        "Quote QUO-0002 is active",
        "Quote QUO-0003 is active",
    ]
    assert statuses(quoted, "quote") == {
        "QUO-0001": "active",
        "QUO-0002": "active",
        "QUO-0003": "active",
        "QUO-0004": "draft",
        "QUO-0005": "draft",
    }


def test_quote_activate_is_all_or_nothing(quoted: Cli, db: Path) -> None:
    errors = refused_unchanged(quoted, db, "quote", "activate", "QUO-0001", "QUO-0005", "QUO-0009")
    assert errors == [
        "Error: quote QUO-0005 has no lines; a quote needs at least one line to be activated",
        "Error: quote QUO-0009 not found",
        "Error: 2 of 3 quotes refused; nothing was changed (--keep-going applies the others)",
    ]


def test_quote_activate_keep_going_applies_the_others(quoted: Cli) -> None:
    result = quoted("quote", "activate", "QUO-0005", "QUO-0002", "QUO-0004", "--keep-going")
    assert result.exit_code == 1
    assert result.stdout == "QUO-0002\nQUO-0004\n"
    assert result.stderr.splitlines() == [
        "Error: quote QUO-0005 has no lines; a quote needs at least one line to be activated",
        "Quote QUO-0002 is active",
        "Quote QUO-0004 is active",
        "Error: 1 of 3 quotes refused; the other 2 were applied",
    ]
    assert [q["number"] for q in quoted.json("quote", "list", "--status", "active")] == [
        "QUO-0002",
        "QUO-0004",
    ]


def test_quote_activate_reads_numbers_from_stdin(quoted: Cli) -> None:
    drafts = quoted.ok("quote", "list", "--status", "draft", "--limit", "4", "--jsonl").stdout
    numbers = "".join(json.loads(line)["number"] + "\n" for line in drafts.splitlines())
    data = json.loads(quoted.ok("quote", "activate", "-", "--json", input=numbers).stdout)
    assert [(q["number"], q["status"], q["activated_on"]) for q in data] == [
        (f"QUO-000{n}", "active", "2026-11-27") for n in range(1, 5)
    ]


def test_one_quote_activated_with_json_is_one_object(quoted: Cli) -> None:
    assert quoted.json("quote", "activate", "QUO-0001")["status"] == "active"


# --- order fulfil ------------------------------------------------------------------------------


def test_order_fulfil_prints_one_invoice_number_per_order(ordered: Cli) -> None:
    result = ordered.ok("order", "fulfil", "ORD-0003", "ORD-0001", "--date", "2026-03-05")
    assert result.stdout == "INV-2026-0001\nINV-2026-0002\n"
    assert result.stderr.splitlines() == [
        "Order ORD-0003 is fulfilled; invoice INV-2026-0001 is due 2026-03-19",
        "Order ORD-0001 is fulfilled; invoice INV-2026-0002 is due 2026-03-19",
    ]
    invoices = ordered.json("invoice", "list")
    assert [(i["number"], i["order"], i["invoice_date"], i["total"]) for i in invoices] == [
        ("INV-2026-0001", "ORD-0003", "2026-03-05", "363.00"),
        ("INV-2026-0002", "ORD-0001", "2026-03-05", "121.00"),
    ]


def test_order_fulfil_is_all_or_nothing_and_spends_no_invoice_number(
    ordered: Cli, db: Path
) -> None:
    errors = refused_unchanged(ordered, db, "order", "fulfil", "ORD-0001", "ORD-0004", "ORD-0002")
    assert errors == [
        "Error: order ORD-0004 is canceled; only active orders can be fulfilled",
        "Error: 1 of 3 orders refused; nothing was changed (--keep-going applies the others)",
    ]
    assert ordered.number("order", "fulfil", "ORD-0002") == "INV-2026-0001"


def test_order_fulfil_keep_going_numbers_the_invoices_without_gaps(ordered: Cli) -> None:
    result = ordered("order", "fulfil", "ORD-0004", "ORD-0001", "ORD-0002", "--keep-going")
    assert result.exit_code == 1
    assert result.stdout == "INV-2026-0001\nINV-2026-0002\n"
    assert result.stderr.splitlines()[-1] == (
        "Error: 1 of 3 orders refused; the other 2 were applied"
    )
    assert statuses(ordered, "order") == {
        "ORD-0001": "fulfilled",
        "ORD-0002": "fulfilled",
        "ORD-0003": "active",
        "ORD-0004": "canceled",
    }


def test_order_fulfil_reads_numbers_from_stdin_and_prints_json(ordered: Cli) -> None:
    result = ordered.ok("order", "fulfil", "-", "--json", input="ORD-0001\n\nORD-0002\n")
    data = json.loads(result.stdout)
    assert [
        (d["order"]["status"], d["invoice"]["number"], d["invoice"]["overdue"]) for d in data
    ] == [
        ("fulfilled", "INV-2026-0001", False),
        ("fulfilled", "INV-2026-0002", False),
    ]


# --- invoice pay -------------------------------------------------------------------------------


def test_invoice_pay_pays_each_balance(invoiced: Cli) -> None:
    result = invoiced.ok("invoice", "pay", "INV-2026-0002", "INV-2026-0001", "--date", "2026-03-09")
    assert result.stdout == "INV-2026-0002\nINV-2026-0001\n"
    assert result.stderr.splitlines() == [
        "Invoice INV-2026-0002 is paid; paid 242.00, balance 0.00 EUR",
        "Invoice INV-2026-0001 is paid; paid 121.00, balance 0.00 EUR",
    ]
    paid = invoiced.json("invoice", "list", "--status", "paid")
    assert [(i["number"], i["balance"], i["payments"][0]["paid_on"]) for i in paid] == [
        ("INV-2026-0001", "0.00", "2026-03-09"),
        ("INV-2026-0002", "0.00", "2026-03-09"),
    ]


def test_invoice_pay_with_an_amount_and_several_invoices_is_a_usage_error(
    invoiced: Cli, db: Path
) -> None:
    before = db.read_bytes()
    result = invoiced(
        "invoice", "pay", "-", "--amount", "10", input="INV-2026-0001\nINV-2026-0002\n"
    )
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: --amount 10 with 2 invoices is ambiguous; pay one invoice at a time with "
        "--amount, or leave --amount out to pay each balance\n"
    )
    assert db.read_bytes() == before


def test_invoice_pay_with_an_amount_and_one_invoice_from_stdin_pays_that_amount(
    invoiced: Cli,
) -> None:
    data = json.loads(
        invoiced.ok(
            "invoice", "pay", "-", "--amount", "21", "--json", input="INV-2026-0001\n"
        ).stdout
    )
    assert (data["number"], data["status"], data["balance"]) == (
        "INV-2026-0001",
        "partially-paid",
        "100.00",
    )


def test_invoice_pay_is_all_or_nothing(invoiced: Cli, db: Path) -> None:
    errors = refused_unchanged(
        invoiced, db, "invoice", "pay", "INV-2026-0001", "INV-2026-0003", "INV-2026-0009"
    )
    assert errors == [
        "Error: invoice INV-2026-0003 is canceled; only unpaid or partially-paid invoices can "
        "be paid",
        "Error: invoice INV-2026-0009 not found",
        "Error: 2 of 3 invoices refused; nothing was changed (--keep-going applies the others)",
    ]


def test_invoice_pay_keep_going_pays_the_others(invoiced: Cli) -> None:
    result = invoiced("invoice", "pay", "-", "--keep-going", input="INV-2026-0003\nINV-2026-0002\n")
    assert result.exit_code == 1
    assert result.stdout == "INV-2026-0002\n"
    assert statuses(invoiced, "invoice") == {
        "INV-2026-0001": "unpaid",
        "INV-2026-0002": "paid",
        "INV-2026-0003": "canceled",
    }


def test_a_single_refused_number_reports_only_its_own_error(invoiced: Cli, db: Path) -> None:
    assert refused_unchanged(invoiced, db, "invoice", "pay", "INV-2026-0003") == [
        "Error: invoice INV-2026-0003 is canceled; only unpaid or partially-paid invoices can "
        "be paid"
    ]


# --- confirmation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "args", "prompt"),
    [
        ("quoted", ("quote", "activate", "QUO-0001", "QUO-0002", "QUO-0003"), "Activate 3"),
        ("ordered", ("order", "fulfil", "ORD-0001", "ORD-0002", "ORD-0003"), "Fulfil 3"),
        (
            "invoiced",
            ("invoice", "pay", "INV-2026-0001", "INV-2026-0002", "INV-2026-0002"),
            "Pay 2",
        ),
    ],
)
def test_a_bulk_change_asks_on_a_terminal_and_proceeds_without_one(
    cli: Cli,
    db: Path,
    states: dict[str, bytes],
    monkeypatch: pytest.MonkeyPatch,
    state: str,
    args: tuple[str, ...],
    prompt: str,
) -> None:
    from salesflow.cli import batch

    db.write_bytes(states[state])
    monkeypatch.setattr(batch, "CONFIRM_ABOVE", 1)
    monkeypatch.setattr(batch, "interactive", lambda: True)
    before = db.read_bytes()
    result = cli(*args, input="n\n")
    assert result.exit_code == 1
    assert f"{prompt} records? [y/N]" in result.stderr
    assert db.read_bytes() == before
    assert cli(*args, "--yes").exit_code == 0
    db.write_bytes(before)
    monkeypatch.setattr(batch, "interactive", lambda: False)
    result = cli(*args)
    assert result.exit_code == 0
    assert "records?" not in result.stderr
