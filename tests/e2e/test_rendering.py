"""What a seller sees on a terminal of 60, 80 or 120 columns: every amount whole, every column
there, text cut at word boundaries or with `…`; long lists cut to a screenful; --columns.

A terminal is simulated in-process (stdout reported as a terminal, rich laid out for $COLUMNS);
one test runs the installed command in a real pseudo-terminal.
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from salesflow.cli import screen
from tests.conftest import Cli

AMOUNT = re.compile(r"(?<![\d,.])-?\d{1,3}(?:,\d{3})*\.\d{2}\b|(?<![\d,.])\d+\.\d{2}\b")
NUMBER = re.compile(r"\b(?:L|ACC|CON|OPP|QUO|ORD|ACT|INV-\d{4}|CN-\d{4})-\d{4}\b")
LONG_NAME = "Alexandrina Vandenberghe-Oosterhuis"
LONG_COMPANY = "Bäckerei Müller & Söhne Großhandel"
LONG_EMAIL = "alexandrina.vandenberghe@baeckerei-mueller-grosshandel.example"
SGR = re.compile(r"\x1b\[[0-9;]*m")
WRITE_IN = "Installation and configuration of the complete warehouse system on site"


@pytest.fixture(scope="module")
def shop_file(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Long names, five-figure amounts, a header discount, an overdue invoice with a payment, a
    lost deal and a draft quote; built once."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("NO_COLOR", "1")
        monkeypatch.setenv("SALESFLOW_TODAY", "2026-09-15")
        cli = Cli(tmp_path_factory.mktemp("shop") / "sales.json")
        cli.ok("init", "--tax-rate", "21", "--payment-terms", "14")
        cli.ok("product", "add", "KIT", "--name", "Starter kit", "--price", "15028.20")
        cli.ok("product", "add", "CONSULT-DAY", "--name", "Consulting day", "--price", "1250.35")
        for n, source in enumerate(["Beurs 2026", "web", "Beurs 2026"], 1):
            first, last = LONG_NAME.split(" ")
            cli.ok(
                "lead", "add", "--first-name", f"{first}{n}", "--last-name", last,
                "--company", f"{LONG_COMPANY} {n}", "--email", f"{n}.{LONG_EMAIL}",
                "--source", source, "--estimated-value", "15028.20",
            )  # fmt: skip
        cli.ok("lead", "qualify", "L-0001", "L-0002", "L-0003")
        cli.ok("opp", "add-product", "OPP-0001", "KIT", "--quantity", "3")
        cli.ok(
            "opp", "add-product", "OPP-0001", "CONSULT-DAY", "--quantity", "12.5",
            "--discount", "10%",
        )  # fmt: skip
        cli.ok(
            "opp", "add-product", "OPP-0001", "--write-in", WRITE_IN, "--price", "2266.25",
            "--quantity", "1",
        )  # fmt: skip
        cli.ok("quote", "create", "OPP-0001")
        cli.ok("quote", "discount", "QUO-0001", "--percent", "5")
        cli.ok("quote", "activate", "QUO-0001")
        cli.ok("quote", "accept", "QUO-0001")
        monkeypatch.setenv("SALESFLOW_TODAY", "2026-10-05")
        cli.ok("order", "fulfil", "ORD-0001", "--date", "2026-10-01")
        cli.ok("invoice", "pay", "INV-2026-0001", "--amount", "1000", "--date", "2026-10-05")
        cli.ok("invoice", "credit", "INV-2026-0001", "--lines", "3", "--reason", "Returned")
        cli.ok(
            "task", "add", "OPP-0002", "Send the revised quote with the warehouse options",
            "--due", "2026-10-20", "--at", "09:30", "--priority", "high",
        )  # fmt: skip
        cli.ok("note", "add", "ACC-0001", f"Met at the fair; {WRITE_IN.lower()} wanted by spring")
        cli.ok("call", "log", "CON-0001", "Intro call", "--outcome", "wants a demo")
        cli.ok("opp", "add-product", "OPP-0002", "KIT", "--quantity", "1")
        cli.ok("quote", "create", "OPP-0002")
        cli.ok("opp", "lose", "OPP-0003", "--reason", "out-sold")
        return cli.db.read_bytes()


@pytest.fixture
def shop(cli: Cli, shop_file: bytes, monkeypatch: pytest.MonkeyPatch) -> Cli:
    cli.db.write_bytes(shop_file)
    monkeypatch.setenv("SALESFLOW_TODAY", "2026-11-02")
    return cli


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Make stdout count as a terminal of `width` columns (NO_COLOR: bold headers only)."""

    def at(width: int) -> None:
        monkeypatch.setattr(screen, "is_terminal", lambda: True)
        monkeypatch.setenv("TERM", "xterm-256color")
        monkeypatch.setenv("COLUMNS", str(width))

    return at


def text(result: Any) -> str:
    """stdout without its styles (bold headers are not colour: NO_COLOR keeps them)."""
    return SGR.sub("", result.stdout)


@pytest.fixture
def tables(monkeypatch: pytest.MonkeyPatch) -> list[Sequence[str]]:
    """The columns of every table printed."""
    seen: list[Sequence[str]] = []
    original = screen.print_table

    def recording(columns: Sequence[str], rows: Any, **options: Any) -> None:
        seen.append(list(columns))
        original(columns, rows, **options)

    monkeypatch.setattr(screen, "print_table", recording)
    return seen


SCREENS = [
    ("lead", "list"),
    ("lead", "show", "L-0001"),
    ("account", "list"),
    ("account", "show", "ACC-0001"),
    ("contact", "list"),
    ("contact", "show", "CON-0001"),
    ("product", "list"),
    ("product", "show", "KIT"),
    ("opp", "list", "--status", "open"),
    ("opp", "list", "--status", "won"),
    ("opp", "show", "OPP-0001"),
    ("quote", "list"),
    ("quote", "show", "QUO-0001"),
    ("order", "list", "--status", "fulfilled"),
    ("order", "show", "ORD-0001"),
    ("invoice", "list"),
    ("invoice", "show", "INV-2026-0001"),
    ("invoice", "show", "CN-2026-0001"),
    ("activity", "list"),
    ("activity", "show", "ACT-0001"),
    ("agenda",),
    ("agenda", "--week"),
    ("report", "activity"),
    ("report", "pipeline"),
    ("report", "forecast"),
    ("report", "funnel"),
    ("report", "funnel", "--by-source"),
    ("report", "win-rate"),
    ("report", "receivables"),
    ("report", "sales"),
    ("history", "OPP-0001"),
    ("info",),
    ("config", "get"),
]


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("args", SCREENS, ids=[" ".join(a) for a in SCREENS])
def test_every_show_list_and_report_keeps_each_amount_number_and_column_on_a_terminal(
    shop: Cli,
    terminal: Callable[[int], None],
    tables: list[Sequence[str]],
    args: tuple[str, ...],
    width: int,
) -> None:
    plain = shop.ok(*args).stdout
    tables.clear()
    terminal(width)
    shown = text(shop.ok(*args))
    assert all(cell_len(line) <= width for line in shown.splitlines()), shown
    assert Counter(AMOUNT.findall(shown)) >= Counter(AMOUNT.findall(plain)), shown
    assert set(NUMBER.findall(shown)) >= set(NUMBER.findall(plain)), shown
    words = shown.split()
    for columns in tables:
        for column in columns:
            assert all(word in words for word in column.split()), (column, shown)


def test_at_80_columns_a_quote_with_a_header_discount_shows_whole_amounts_and_line_numbers(
    shop: Cli, terminal: Callable[[int], None]
) -> None:
    terminal(80)
    shown = text(shop.ok("quote", "show", "QUO-0001"))
    for amount in ("15,028.20", "42,830.37", "51,824.75", "2,254.23", "1,562.94", "2,605.06"):
        assert amount in shown
    lines = shown.splitlines()
    table = [line for line in lines if line.startswith(("1 ", "2 ", "3 "))]
    assert [line.split()[0] for line in table] == ["1", "2", "3", "1", "2", "3"]


@pytest.mark.parametrize("width", [80, 120])
def test_a_header_discount_leaves_the_description_readable(
    shop: Cli, terminal: Callable[[int], None], width: int
) -> None:
    terminal(width)
    shown = text(shop.ok("quote", "show", "QUO-0001"))
    assert "Starter kit" in shown
    assert "Consulting day" in shown
    for word in WRITE_IN.split():
        assert word in shown.split()


@pytest.mark.parametrize("width", [60, 80, 120])
def test_a_list_shows_one_line_per_record_cutting_text_with_an_ellipsis(
    shop: Cli, terminal: Callable[[int], None], width: int
) -> None:
    terminal(width)
    lines = text(shop.ok("lead", "list", "--columns", "number,name,email,value")).splitlines()
    rows = [line for line in lines if line.startswith("L-")]
    assert [row.split()[0] for row in rows] == ["L-0001", "L-0002", "L-0003"]
    for n, row in enumerate(rows, 1):
        email = row.split()[-2]
        full = f"{n}.{LONG_EMAIL}"
        assert email == full or (email.endswith("…") and full.startswith(email[:-1])), row
        assert row.split()[-1] == "15,028.20"


def test_the_funnel_by_source_keeps_its_source_column_at_80_columns(
    shop: Cli, terminal: Callable[[int], None]
) -> None:
    terminal(80)
    shown = text(shop.ok("report", "funnel", "--by-source"))
    assert shown.split()[:3] == ["Funnel", "by", "source"]
    assert shown.split().count("Source") == 1  # one table, not split in parts
    assert "Beurs 2026" in shown
    assert "web" in shown.split()


def test_lists_name_the_customer_not_only_its_account_number(shop: Cli) -> None:
    for args in [
        ("opp", "list", "--status", "won"),
        ("quote", "list"),
        ("order", "list", "--status", "fulfilled"),
        ("invoice", "list"),
    ]:
        lines = shop.ok(*args, "--columns", "number,customer").stdout.splitlines()
        assert lines[0].split() == ["Number", "Customer"], args
        assert lines[1].split()[1:] == [*LONG_COMPANY.split(), "1"], args
    contacts = shop.ok("contact", "list", "--columns", "number,customer").stdout.splitlines()
    assert contacts[1].split() == ["CON-0001", *LONG_COMPANY.split(), "1"]


# --- --columns -------------------------------------------------------------------------------


def test_columns_picks_and_orders_the_table_columns(shop: Cli) -> None:
    lines = shop.ok("lead", "list", "--columns", "value,Number").stdout.splitlines()
    assert [line.split() for line in lines] == [
        ["Value", "Number"],
        ["15,028.20", "L-0001"],
        ["15,028.20", "L-0002"],
        ["15,028.20", "L-0003"],
    ]


def test_columns_picks_json_fields_for_csv_and_json(shop: Cli) -> None:
    csv = shop.ok("lead", "list", "--csv", "--columns", "number,email").stdout
    assert csv.splitlines() == [
        "number,email",
        f"L-0001,1.{LONG_EMAIL}",
        f"L-0002,2.{LONG_EMAIL}",
        f"L-0003,3.{LONG_EMAIL}",
    ]
    import json

    data = json.loads(shop.ok("product", "list", "--json", "--columns", "sku,price").stdout)
    assert data == [{"sku": "KIT", "price": "15028.20"}, {"sku": "CONSULT-DAY", "price": "1250.35"}]


def test_an_unknown_column_is_a_usage_error_listing_the_columns(shop: Cli) -> None:
    result = shop("product", "list", "--columns", "sku,colour")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Error: --columns: no column 'colour'; choose from sku, name, price, tax-%, unit\n"
    )


# --- long lists ------------------------------------------------------------------------------


@pytest.fixture
def many(cli: Cli) -> Cli:
    cli.ok("lead", "import", "-", input="Company,Email\n" + "".join(
        f"Firm {n},firm{n}@example.com\n" for n in range(1, 121)
    ))  # fmt: skip
    return cli


def test_a_terminal_shows_a_screenful_and_says_how_many_more(
    many: Cli, terminal: Callable[[int], None]
) -> None:
    terminal(100)
    result = many.ok("lead", "list")
    rows = [line for line in text(result).splitlines() if line.startswith("L-")]
    assert len(rows) == screen.DEFAULT_LIMIT
    assert rows[-1].split()[0] == "L-0050"
    assert result.stderr == "… 70 more: --limit N or --all\n"


@pytest.mark.parametrize(
    ("args", "read_whole"),
    [
        ((), False),  # a screenful
        (("--limit", "7"), False),
        (("--limit", "500"), True),  # all 120 of them
        (("--all",), True),
        (("--status", "open"), True),
        (("--sort", "number"), True),
        (("--json",), True),
    ],
)
@pytest.mark.file_only  # how the data file's table is read
def test_a_screenful_read_without_parsing_the_leads_prints_what_parsing_them_prints(
    many: Cli,
    terminal: Callable[[int], None],
    monkeypatch: pytest.MonkeyPatch,
    args: Sequence[str],
    read_whole: bool,
) -> None:
    from salesflow.store import tracking

    terminal(100)
    many.ok("lead", "disqualify", "L-0003", "--reason", "lost")  # a write that parses the table
    parsed: list[str] = []
    parse_table = tracking.parse_table

    def parsing(name: str, body: Any) -> Any:
        parsed.append(name)
        return parse_table(name, body)

    monkeypatch.setattr(tracking, "parse_table", parsing)
    fast = many.ok("lead", "list", *args)
    assert ("leads" in parsed) is read_whole
    monkeypatch.setattr(tracking.UnitOfWorkStorage, "stored_count", lambda self, name: None)
    whole = many.ok("lead", "list", *args)
    assert "leads" in parsed
    assert (fast.stdout, fast.stderr) == (whole.stdout, whole.stderr)


def test_all_limit_and_machine_formats_are_complete_on_a_terminal(
    many: Cli, terminal: Callable[[int], None]
) -> None:
    terminal(100)
    everything = many.ok("lead", "list", "--all")
    assert sum(line.startswith("L-") for line in everything.stdout.splitlines()) == 120
    assert everything.stderr == ""
    five = many.ok("lead", "list", "--limit", "5")
    assert sum(line.startswith("L-") for line in five.stdout.splitlines()) == 5
    assert five.stderr == ""
    assert len(many.json("lead", "list")) == 120
    assert len(many.ok("lead", "list", "--jsonl").stdout.splitlines()) == 120
    assert len(many.ok("lead", "list", "--csv").stdout.splitlines()) == 121


def test_a_pipe_gets_the_whole_list(many: Cli) -> None:
    result = many.ok("lead", "list")
    assert sum(line.startswith("L-") for line in result.stdout.splitlines()) == 120
    assert result.stderr == ""


def test_all_streams_a_long_list_in_parts_with_the_same_columns(
    many: Cli, terminal: Callable[[int], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(screen, "CHUNK", 40)
    terminal(100)
    lines = text(many.ok("lead", "list", "--all")).splitlines()
    rows = [line for line in lines if line.startswith("L-")]
    assert len(rows) == 120
    assert sum(line.startswith("Number") for line in lines) == 1
    starts = {line.index("Firm") for line in rows}
    assert len(starts) == 1


def test_limit_and_all_together_are_a_usage_error(many: Cli) -> None:
    result = many("lead", "list", "--limit", "5", "--all")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: choose --limit N or --all, not both\n"


def test_pager_hands_the_whole_list_to_the_system_pager(
    many: Cli, terminal: Callable[[int], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    import pydoc

    paged: list[str] = []
    monkeypatch.setattr(pydoc, "pager", paged.append)
    terminal(100)
    result = many.ok("lead", "list", "--pager")
    assert (result.stdout, result.stderr) == ("", "")
    assert len(paged) == 1
    rows = [line for line in SGR.sub("", paged[0]).splitlines() if line.startswith("L-")]
    assert len(rows) == 120


def test_pager_off_a_terminal_prints_as_usual(many: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import pydoc

    monkeypatch.setattr(pydoc, "pager", lambda text: pytest.fail("paged off a terminal"))
    result = many.ok("lead", "list", "--pager")
    assert sum(line.startswith("L-") for line in result.stdout.splitlines()) == 120


# --- a real pseudo-terminal --------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_in_a_real_80_column_terminal_nothing_is_cut_and_a_list_is_limited(
    many: Cli, shop_file: bytes, tmp_path: Path
) -> None:
    import fcntl
    import pty
    import struct
    import subprocess
    import termios

    command = Path(sys.executable).with_name("salesflow")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env.update(SALESFLOW_TODAY="2026-11-02", TERM="xterm-256color")

    def run(db: Path, *args: str) -> tuple[str, str]:
        controller, terminal = pty.openpty()
        fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        process = subprocess.Popen(
            [str(command), "--db", str(db), *args],
            stdout=terminal,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env={**env, "NO_COLOR": "1"},
        )
        os.close(terminal)
        output = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        os.close(controller)
        assert process.wait(timeout=60) == 0
        assert process.stderr is not None
        shown = SGR.sub("", output.decode().replace("\r\n", "\n"))
        return shown, process.stderr.read().decode()

    shown, _ = run(many.db, "lead", "list")
    assert sum(line.startswith("L-") for line in shown.splitlines()) == screen.DEFAULT_LIMIT
    _, said = run(many.db, "lead", "list")
    assert said == "… 70 more: --limit N or --all\n"
    quote = tmp_path / "shop.json"
    quote.write_bytes(shop_file)
    shown, _ = run(quote, "quote", "show", "QUO-0001")
    assert all(cell_len(line) <= 80 for line in shown.splitlines())
    for amount in ("15,028.20", "42,830.37", "51,824.75", "2,254.23", "70,599.19"):
        assert amount in shown


# --- colours ---------------------------------------------------------------------------------


@pytest.fixture
def coloured(terminal: Callable[[int], None], monkeypatch: pytest.MonkeyPatch) -> None:
    terminal(120)
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "xterm-256color")


@pytest.mark.parametrize(
    ("args", "status", "code"),
    [
        (("invoice", "list"), "partially-paid (overdue)", "31"),
        (("invoice", "show", "INV-2026-0001"), "partially-paid (overdue)", "31"),
        (("opp", "list", "--status", "lost"), "lost", "31"),
        (("opp", "list", "--status", "won"), "won", "32"),
        (("quote", "show", "QUO-0001"), "won", "32"),
        (("quote", "list"), "draft (in-progress)", "2"),
    ],
)
def test_statuses_that_mean_something_are_coloured_on_a_terminal(
    shop: Cli, coloured: None, args: tuple[str, ...], status: str, code: str
) -> None:
    shown = shop.ok(*args).stdout
    assert f"\x1b[{code}m{status}" in shown, shown


def test_no_color_and_a_pipe_get_no_status_colours(
    shop: Cli, terminal: Callable[[int], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    piped = shop.ok("invoice", "list").stdout
    assert "\x1b" not in piped
    terminal(120)  # NO_COLOR is set for every test
    shown = shop.ok("invoice", "list").stdout + shop.ok("quote", "list").stdout
    assert not re.search(r"\x1b\[(2|3\d)m", shown)


def test_a_paid_invoice_is_green_and_overdue_wins_over_its_status(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR")
    assert screen.status_style("paid") == "green"
    assert screen.status_style("unpaid (overdue)") == "red"
    assert screen.status_style("partially-paid") is None
    monkeypatch.setenv("NO_COLOR", "1")
    assert screen.status_style("paid") is None


def test_a_streamed_list_widens_a_number_column_instead_of_cutting_it(
    cli: Cli, terminal: Callable[[int], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """L-10000 comes after the first chunk's L-9999: its column grows, nothing is cut."""
    monkeypatch.setattr(screen, "CHUNK", 2)
    terminal(100)
    numbers = ["L-9998", "L-9999", "L-10000", "L-10001"]
    rows = [[n, f"Firm {n}", "open", "1,000.00"] for n in numbers]
    buffer = StringIO()
    monkeypatch.setattr("sys.stdout", buffer)
    screen.print_table(
        ["Number", "Company", "Status", "Value"], rows, numeric=["Value"], wrap=False
    )
    lines = SGR.sub("", buffer.getvalue()).splitlines()
    assert [line.split()[0] for line in lines[2:]] == numbers
    assert all(line.split()[-1] == "1,000.00" for line in lines[2:])


def test_columns_on_an_empty_list_prints_an_empty_list(cli: Cli) -> None:
    result = cli("lead", "list", "--json", "--columns", "number")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "[]\n", "No leads.\n")


def test_a_terminal_too_narrow_for_two_columns_shows_each_row_as_fields(
    terminal: Callable[[int], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal(24)
    buffer = StringIO()
    monkeypatch.setattr("sys.stdout", buffer)
    rows = [["INV-2026-0001", "1,234,567.89"], ["INV-2026-0002", "7.50"]]
    screen.print_table(["Number", "Balance"], rows, numeric=["Balance"], title="Open")
    assert SGR.sub("", buffer.getvalue()).splitlines() == [
        "Open",
        "",
        "Number   INV-2026-0001",
        "Balance  1,234,567.89",
        "",
        "Number   INV-2026-0002",
        "Balance  7.50",
    ]
