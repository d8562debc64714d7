"""`quote list`, `order list` and `invoice list`: filters, search, sort, limit and formats."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import Cli


def on(monkeypatch: pytest.MonkeyPatch, day: str) -> None:
    monkeypatch.setenv("SALESFLOW_TODAY", day)


@pytest.fixture(scope="module")
def world_file(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Four deals in several states, built once; each test gets its own copy of the file.

    QUO-0001 won  ORD-0001 fulfilled INV-2026-0001 unpaid (overdue), Bäckerei Müller, Beurs 2026
    QUO-0002 won  ORD-0002 fulfilled INV-2026-0002 paid,             Analytical (Ada), web
    QUO-0003 active (revised once: revision 2),                      Globex, beurs 2026
    QUO-0004 won  ORD-0003 active,                                    Initech, web
    """
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("NO_COLOR", "1")
        cli = Cli(tmp_path_factory.mktemp("world") / "sales.json")
        on(monkeypatch, "2026-01-05")
        cli.ok("init", "--tax-rate", "21", "--payment-terms", "14")
        cli.ok("product", "add", "DAY", "--name", "Consulting day", "--price", "1000")
        cli.ok("product", "add", "KIT", "--name", "Starter kit", "--price", "250")
        leads = [
            ("--first-name", "Jürgen", "--last-name", "Müller", "--company", "Bäckerei Müller"),
            ("--first-name", "Ada", "--last-name", "Lovelace", "--company", "Analytical"),
            ("--company", "Globex"),
            ("--company", "Initech"),
        ]
        emails = ["juergen@baeckerei.example", "ada@analytical.example", "", ""]
        sources = ["Beurs 2026", "web", "beurs 2026", "web"]
        for fields, email, source in zip(leads, emails, sources, strict=True):
            cli.ok("lead", "add", *fields, "--email", email, "--source", source)
        cli.ok("lead", "qualify", "L-0001", "L-0002", "L-0003", "L-0004")
        for opportunity, sku, quantity in [
            ("OPP-0001", "DAY", "2"),
            ("OPP-0002", "KIT", "1"),
            ("OPP-0003", "DAY", "1"),
            ("OPP-0004", "KIT", "2"),
        ]:
            cli.ok("opp", "add-product", opportunity, sku, "--quantity", quantity)
        for day, opportunity in [
            ("2026-01-10", "OPP-0001"),
            ("2026-02-10", "OPP-0002"),
            ("2026-03-10", "OPP-0003"),
            ("2026-04-10", "OPP-0004"),
        ]:
            on(monkeypatch, day)  # valid until after they are all activated
            cli.ok("quote", "create", opportunity, "--valid-until", "2026-06-30")
        cli.ok("quote", "activate", "QUO-0001", "QUO-0002", "QUO-0003", "QUO-0004")
        for day, quote in [
            ("2026-01-15", "QUO-0001"),
            ("2026-02-15", "QUO-0002"),
            ("2026-04-12", "QUO-0004"),
        ]:
            on(monkeypatch, day)
            cli.ok("quote", "accept", quote)
        on(monkeypatch, "2026-04-20")
        cli.ok("quote", "revise", "QUO-0003")
        cli.ok("quote", "activate", "QUO-0003")
        cli.ok("order", "fulfil", "ORD-0001", "--date", "2026-01-20")
        cli.ok("order", "fulfil", "ORD-0002", "--date", "2026-02-20")
        cli.ok("invoice", "pay", "INV-2026-0002", "--date", "2026-03-01")
        return cli.db.read_bytes()


@pytest.fixture
def world(cli: Cli, world_file: bytes) -> Cli:
    cli.db.write_bytes(world_file)
    return cli


def listed(cli: Cli, *args: str) -> list[str]:
    return [r["number"] for r in cli.json(*args)]


CASES: list[tuple[str, tuple[str, ...], list[str]]] = [
    # quotes
    ("quote", (), ["QUO-0001", "QUO-0002", "QUO-0003", "QUO-0004"]),
    ("quote", ("--status", "won"), ["QUO-0001", "QUO-0002", "QUO-0004"]),
    ("quote", ("--status", "ACTIVE"), ["QUO-0003"]),
    ("quote", ("--source", "BEURS 2026"), ["QUO-0001", "QUO-0003"]),
    ("quote", ("--source", " web "), ["QUO-0002", "QUO-0004"]),
    ("quote", ("--account", "acc-0002"), ["QUO-0002"]),
    ("quote", ("--since", "2026-02-10"), ["QUO-0002", "QUO-0003", "QUO-0004"]),
    # the latest revision of QUO-0003 was created on 2026-04-20
    ("quote", ("--until", "2026-03-31"), ["QUO-0001", "QUO-0002"]),
    ("quote", ("--until", "2026-02-09"), ["QUO-0001"]),
    ("quote", ("--since", "2026-02-01", "--until", "2026-02-28"), ["QUO-0002"]),
    ("quote", ("--search", "MULLER"), ["QUO-0001"]),
    ("quote", ("--search", "backerei"), ["QUO-0001"]),
    ("quote", ("--search", "lovelace"), ["QUO-0002"]),
    ("quote", ("--search", "ADA@analytical"), ["QUO-0002"]),
    ("quote", ("--search", "globex"), ["QUO-0003"]),
    ("quote", ("--search", "quo-0004"), ["QUO-0004"]),
    ("quote", ("--sort", "-total"), ["QUO-0001", "QUO-0003", "QUO-0004", "QUO-0002"]),
    ("quote", ("--sort", "total", "--limit", "2"), ["QUO-0002", "QUO-0004"]),
    ("quote", ("--sort", "-created_on", "--limit", "1"), ["QUO-0003"]),
    ("quote", ("--limit", "0"), []),
    ("quote", ("--opportunity", "opp-0003", "--status", "active"), ["QUO-0003"]),
    # orders
    ("order", (), ["ORD-0001", "ORD-0002", "ORD-0003"]),
    ("order", ("--status", "fulfilled"), ["ORD-0001", "ORD-0002"]),
    ("order", ("--status", "active"), ["ORD-0003"]),
    ("order", ("--source", "web"), ["ORD-0002", "ORD-0003"]),
    ("order", ("--account", "ACC-0004"), ["ORD-0003"]),
    ("order", ("--since", "2026-02-15"), ["ORD-0002", "ORD-0003"]),
    ("order", ("--until", "2026-02-14"), ["ORD-0001"]),
    ("order", ("--search", "initech"), ["ORD-0003"]),
    ("order", ("--search", "JUERGEN@"), ["ORD-0001"]),
    ("order", ("--search", "ord-0002"), ["ORD-0002"]),
    ("order", ("--sort", "-total"), ["ORD-0001", "ORD-0003", "ORD-0002"]),
    ("order", ("--sort", "-created_on", "--limit", "2"), ["ORD-0003", "ORD-0002"]),
    ("order", ("--sort", "invoice"), ["ORD-0001", "ORD-0002", "ORD-0003"]),
    ("order", ("--limit", "1"), ["ORD-0001"]),
    # invoices
    ("invoice", (), ["INV-2026-0001", "INV-2026-0002"]),
    ("invoice", ("--status", "paid"), ["INV-2026-0002"]),
    ("invoice", ("--status", "overdue"), ["INV-2026-0001"]),
    ("invoice", ("--status", "unpaid"), ["INV-2026-0001"]),
    ("invoice", ("--source", "Beurs 2026"), ["INV-2026-0001"]),
    ("invoice", ("--account", "ACC-0002"), ["INV-2026-0002"]),
    ("invoice", ("--since", "2026-02-01"), ["INV-2026-0002"]),
    ("invoice", ("--until", "2026-01-20"), ["INV-2026-0001"]),
    ("invoice", ("--search", "Müller"), ["INV-2026-0001"]),
    ("invoice", ("--search", "ada lovelace"), ["INV-2026-0002"]),
    ("invoice", ("--search", "inv-2026-0002"), ["INV-2026-0002"]),
    ("invoice", ("--sort", "balance"), ["INV-2026-0002", "INV-2026-0001"]),
    ("invoice", ("--sort", "-invoice_date", "--limit", "1"), ["INV-2026-0002"]),
    ("invoice", ("--sort", "due-date"), ["INV-2026-0001", "INV-2026-0002"]),
]


@pytest.mark.parametrize(
    ("kind", "args", "expected"), CASES, ids=[f"{k} {' '.join(a)}" for k, a, _ in CASES]
)
def test_document_lists_filter_search_sort_and_limit(
    world: Cli, kind: str, args: tuple[str, ...], expected: list[str]
) -> None:
    assert listed(world, kind, "list", *args) == expected


def test_quote_list_filters_apply_to_the_latest_revision_unless_all_revisions(world: Cli) -> None:
    latest = world.json("quote", "list", "--opportunity", "OPP-0003")
    assert [(q["number"], q["revision"], q["status"]) for q in latest] == [
        ("QUO-0003", 2, "active")
    ]
    assert world.json("quote", "list", "--status", "closed") == []
    every = world.json("quote", "list", "--all-revisions", "--status", "closed")
    assert [(q["number"], q["revision"], q["status_reason"]) for q in every] == [
        ("QUO-0003", 1, "revised")
    ]


def test_overdue_is_derived_from_today(world: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    on(monkeypatch, "2026-02-03")  # INV-2026-0001 is due that day
    assert world.json("invoice", "list", "--status", "overdue") == []
    on(monkeypatch, "2026-02-04")
    assert listed(world, "invoice", "list", "--status", "overdue") == ["INV-2026-0001"]
    assert listed(world, "invoice", "list", "--status", "unpaid") == ["INV-2026-0001"]


def test_invoice_json_jsonl_and_csv_keep_the_derived_overdue_field(world: Cli) -> None:
    assert [(i["number"], i["overdue"]) for i in world.json("invoice", "list")] == [
        ("INV-2026-0001", True),
        ("INV-2026-0002", False),
    ]
    lines = world.ok("invoice", "list", "--jsonl").stdout.splitlines()
    assert [json.loads(line)["overdue"] for line in lines] == [True, False]
    rows = list(csv.DictReader(io.StringIO(world.ok("invoice", "list", "--csv").stdout)))
    assert [(r["number"], r["overdue"], r["balance"]) for r in rows] == [
        ("INV-2026-0001", "True", "2420.00"),
        ("INV-2026-0002", "False", "0.00"),
    ]


@pytest.mark.parametrize("kind", ["quote", "order"])
def test_quote_and_order_lists_print_jsonl_and_csv(world: Cli, kind: str) -> None:
    lines = world.ok(kind, "list", "--jsonl", "--account", "ACC-0001").stdout.splitlines()
    assert [(json.loads(line)["number"], json.loads(line)["total"]) for line in lines] == [
        (f"{kind[:3].upper()}-0001", "2420.00")
    ]
    text = world.ok(kind, "list", "--csv", "--status", "won" if kind == "quote" else "active")
    rows = list(csv.DictReader(io.StringIO(text.stdout)))
    assert [r["account"] for r in rows] == (
        ["ACC-0001", "ACC-0002", "ACC-0004"] if kind == "quote" else ["ACC-0004"]
    )


def test_a_table_is_printed_without_an_output_option_naming_the_customer(world: Cli) -> None:
    lines = world.ok("invoice", "list", "--status", "overdue").stdout.splitlines()
    assert lines[0].split() == [
        "Number",
        "Order",
        "Customer",
        "Date",
        "Due",
        "Status",
        "Total",
        "Paid",
        "Balance",
    ]
    assert lines[1].split() == [
        "INV-2026-0001",
        "ORD-0001",
        "Bäckerei",
        "Müller",
        "2026-01-20",
        "2026-02-03",
        "unpaid",
        "(overdue)",
        "2,420.00",
        "EUR",
        "0.00",
        "2,420.00",
    ]
    assert len(lines) == 2


@pytest.mark.parametrize(
    ("kind", "empty"),
    [("quote", "No quotes.\n"), ("order", "No orders.\n"), ("invoice", "No invoices.\n")],
)
def test_an_empty_result_says_so_on_stderr_and_exits_0(world: Cli, kind: str, empty: str) -> None:
    result = world.ok(kind, "list", "--search", "nobody-here")
    assert (result.stdout, result.stderr) == ("", empty)
    result = world.ok(kind, "list", "--source", "radio", "--json")
    assert (result.stdout, result.stderr) == ("[]\n", empty)
    result = world.ok(kind, "list", "--source", "radio", "--csv")
    assert result.stderr == empty


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("invoice", "list", "--status", "late"),
            1,
            "status 'late' is not one of: unpaid, partially-paid, paid, overdue, canceled",
        ),
        (
            ("order", "list", "--sort", "colour"),
            1,
            "sort field 'colour' is not one of: number, quote, opportunity, account, status, "
            "created_on, fulfilled_on, canceled_on, invoice, subtotal, total",
        ),
        (("quote", "list", "--since", "March"), 1, "--since 'March' is not a date; use YYYY-MM-DD"),
        (("invoice", "list", "--limit", "-1"), 1, "limit -1 must be 0 or more"),
        (
            ("quote", "list", "--json", "--jsonl"),
            2,
            "choose one output format, not --json and --jsonl",
        ),
    ],
)
def test_bad_list_options_are_refused_with_one_error_line(
    world: Cli, args: tuple[str, ...], code: int, message: str
) -> None:
    result = world(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", f"Error: {message}\n")
