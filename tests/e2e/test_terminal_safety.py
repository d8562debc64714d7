"""Text from imported files and options never acts on the terminal: escape sequences, carriage
returns and right-to-left overrides are shown, not obeyed, and rich markup is printed as typed
(a name holding `[/]` crashed fifteen commands on a terminal; `[link=…]` made a live hyperlink).
`--json` stays exact."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.cli import screen
from salesflow.cli.screen import safe
from tests.conftest import Cli
from tests.worlds import Runs, Worlds

MARKUP = "Evil [/] [link=https://evil.example]click[/link] [bold red]x"
CLEAR = "\x1b[2J\x1b[H"
CLIPBOARD = "\x1b]52;c;ZXZpbA==\x07"
HOSTILE = f"{MARKUP} {CLEAR}{CLIPBOARD}back\rover \u202etxt.exe\u202c \x9b31m"
SGR = re.compile(r"\x1b\[[0-9;]*m")


def test_safe_shows_control_characters_and_keeps_everything_else() -> None:
    assert safe("\x1b[2J") == "␛[2J"
    assert safe("a\rb\nc\td\x07") == "a␍b␊c␉d␇"
    assert safe("\x1b]52;c;ZXZpbA==\x07") == "␛]52;c;ZXZpbA==␇"
    assert safe("invoice\u202efdp.exe") == "invoice<U+202E>fdp.exe"
    assert safe("\x9b31m\x7f") == "<U+009B>31m␡"
    assert safe("a\u2028b") == "a<U+2028>b"
    assert safe("Bäckerei [/] 株式会社 🍞 & Söhne") == "Bäckerei [/] 株式会社 🍞 & Söhne"
    assert safe(None) == ""
    assert safe(12) == "12"


@given(st.text())
def test_safe_text_never_holds_a_control_or_reordering_character(text: str) -> None:
    shown = safe(text)
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in shown)
    assert not set(shown) & {"\u202a", "\u202b", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068"}
    if text.isprintable():
        assert shown == text


def hostile_world(run: Runs) -> None:
    """Every kind of record with hostile text: typed as options and imported from a file."""
    run.ok("init", "--tax-rate", "21")
    run.ok("product", "add", "KIT", "--name", HOSTILE, "--price", "10")
    run.ok(
        "lead", "add", "--first-name", HOSTILE, "--last-name", HOSTILE, "--company", HOSTILE,
        "--source", HOSTILE, "--email", "evil@example.com", "--notes", HOSTILE,
    )  # fmt: skip
    csv = "Company,Email,Job Title\n" + f'"{HOSTILE}",imported@example.com,"{HOSTILE}"\n'
    run.ok("lead", "import", "-", input=csv)
    run.ok("lead", "qualify", "L-0001")
    run.ok("opp", "add-product", "OPP-0001", "KIT", "--quantity", "2")
    run.ok(
        "opp", "add-product", "OPP-0001", "--write-in", HOSTILE, "--price", "5", "--quantity", "1"
    )  # fmt: skip
    run.ok("quote", "create", "OPP-0001")
    run.ok("quote", "activate", "QUO-0001")
    run.ok("quote", "accept", "QUO-0001")
    run.ok("order", "fulfil", "ORD-0001")
    run.ok("task", "add", "OPP-0001", HOSTILE, "--due", "2026-01-01", "--text", HOSTILE)


@pytest.fixture
def hostile(cli: Cli, worlds: Worlds) -> Cli:
    return worlds.copy(hostile_world, cli)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    def on() -> None:
        monkeypatch.setattr(screen, "is_terminal", lambda: True)
        monkeypatch.setenv("COLUMNS", "100")
        monkeypatch.setenv("TERM", "xterm-256color")
        monkeypatch.delenv("NO_COLOR")

    return on


CRASHED = [
    ("lead", "list"),
    ("account", "list"),
    ("account", "show", "ACC-0001"),
    ("contact", "list"),
    ("contact", "show", "CON-0001"),
    ("product", "list"),
    ("opp", "list", "--status", "won"),
    ("opp", "show", "OPP-0001"),
    ("quote", "show", "QUO-0001"),
    ("order", "show", "ORD-0001"),
    ("invoice", "show", "INV-2026-0001"),
    ("report", "funnel", "--by-source"),
    ("report", "win-rate"),
    ("report", "receivables"),
    ("history", "OPP-0001"),
]
"""The commands that raised rich's MarkupError on a terminal for a name holding `[/]`."""
NO_TEXT = {"pipeline", "forecast", "sales"}
"""Reports of figures only: no name to show."""
ALSO_SHOWN = [
    ("lead", "show", "L-0001"),
    ("lead", "show", "L-0002"),
    ("product", "show", "KIT"),
    ("quote", "list"),
    ("order", "list", "--status", "fulfilled"),
    ("invoice", "list"),
    ("report", "pipeline"),
    ("report", "forecast"),
    ("report", "sales"),
    ("agenda",),
    ("activity", "list"),
    ("activity", "show", "ACT-0001"),
]


def _obeyable(output: str) -> list[str]:
    """What a terminal would act on, once the colour codes salesflow writes itself are gone."""
    rest = SGR.sub("", output)
    return [ch for ch in rest if (ord(ch) < 0x20 and ch != "\n") or ch in "\x7f\x9b\u202e"]


@pytest.mark.parametrize(
    "args", CRASHED + ALSO_SHOWN, ids=[" ".join(a) for a in CRASHED + ALSO_SHOWN]
)
def test_hostile_text_is_shown_as_text_on_a_terminal(
    hostile: Cli, terminal: Callable[[], None], args: tuple[str, ...]
) -> None:
    terminal()
    result = hostile(*args)
    assert result.exit_code == 0, result.stderr
    assert _obeyable(result.stdout) == []
    assert _obeyable(result.stderr) == []
    assert "\x1b]8;" not in result.stdout  # no hyperlink
    assert "[/]" in result.stdout or args[1] in NO_TEXT


@pytest.mark.parametrize(
    "args", CRASHED + ALSO_SHOWN, ids=[" ".join(a) for a in CRASHED + ALSO_SHOWN]
)
def test_hostile_text_is_shown_as_text_in_a_pipe(hostile: Cli, args: tuple[str, ...]) -> None:
    result = hostile(*args)
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert _obeyable(result.stdout) == []


def test_a_hostile_name_is_shown_with_its_markup_and_visible_controls(
    hostile: Cli, terminal: Callable[[], None]
) -> None:
    terminal()
    shown = SGR.sub("", hostile.ok("product", "show", "KIT").stdout)
    assert "Name         Evil [/] [link=https://evil.example]click[/link] [bold red]x" in shown
    assert "␛[2J␛[H␛]52;c;ZXZpbA==␇back␍over <U+202E>txt.exe<U+202C> <U+009B>31m" in shown


def test_json_keeps_the_text_exactly_as_stored(hostile: Cli) -> None:
    assert hostile.json("product", "show", "KIT")["name"] == HOSTILE
    # an import never stores a C1 character: it reads as the Windows-1252 character it stands for
    assert hostile.json("lead", "show", "L-0002")["company"] == HOSTILE.replace("\x9b", "›")


def test_error_lines_and_warnings_show_controls_as_text(
    hostile: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the rejected row's file is written here
    missing = hostile("lead", "show", f"L-9{CLEAR}")
    assert missing.exit_code == 1
    assert missing.stderr == "Error: lead L-9␛[2J␛[H not found\n"
    bad = hostile("lead", "add", "--company", "X", "--email", f"a{CLIPBOARD}")
    assert bad.exit_code == 1
    assert "\x1b" not in bad.stderr and "\x07" not in bad.stderr
    assert bad.stderr.startswith("Error: ") and bad.stderr.count("\n") == 1
    imported = hostile("lead", "import", "-", input=f'Company,Email\nY,"b{CLEAR}@x"\n')
    assert "\x1b" not in imported.stderr


def test_a_hostile_name_does_not_change_the_data_file_when_a_command_is_refused(
    hostile: Cli, tmp_path: Path
) -> None:
    before = hostile.db.read_bytes()
    result = hostile("opp", "add-product", "OPP-0001", "KIT", "--quantity", HOSTILE)
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr
    assert hostile.db.read_bytes() == before
