"""NO_COLOR and pipes give plain output; --json is never coloured, even on a terminal.

These run the installed `salesflow` in a real process whose stdout is a pseudo-terminal (or a
pipe), because colour depends on what stdout is.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Cli

pty = pytest.importorskip("pty", reason="pseudo-terminals need a POSIX system")

SGR = re.compile(rb"\x1b\[([0-9;]*)m")
ESCAPE = b"\x1b"


def colours(output: bytes) -> list[int]:
    """The colour codes (foreground or background) among the output's SGR escapes."""
    found: list[int] = []
    for params in SGR.findall(output):
        for code in (int(p) for p in params.split(b";") if p):
            if 30 <= code <= 49 or 90 <= code <= 107:
                found.append(code)
    return found


@pytest.fixture
def sales(cli: Cli) -> Path:
    """An open opportunity with a line (a bar in the pipeline chart) and a paid invoice."""
    cli.ok("product", "add", "DAY", "--name", "Consulting day", "--price", "800")
    cli.ok("lead", "add", "--company", "Globex", "--source", "Beurs")
    cli.ok("lead", "add", "--company", "Initech", "--source", "web")
    cli.ok("lead", "qualify", "L-0001", "L-0002")
    cli.ok("opp", "add-product", "OPP-0001", "DAY", "--quantity", "2")
    cli.ok("opp", "add-product", "OPP-0002", "DAY")
    cli.ok("quote", "create", "OPP-0002")
    cli.ok("quote", "activate", "QUO-0001")
    cli.ok("quote", "accept", "QUO-0001")
    cli.ok("order", "fulfil", "ORD-0001")
    cli.ok("invoice", "pay", "INV-2026-0001", "--amount", "100")
    return cli.db


def environment(db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(
        SALESFLOW_DB=str(db), SALESFLOW_TODAY="2026-11-27", TERM="xterm-256color", COLUMNS="160"
    )
    env.update(extra)
    return env


def on_a_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """stdout of `salesflow args` when stdout is a terminal."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        ["salesflow", *args],
        stdout=terminal,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed when the process exited
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    assert process.wait(timeout=60) == 0
    return output


def through_a_pipe(args: list[str], env: dict[str, str]) -> bytes:
    result = subprocess.run(["salesflow", *args], capture_output=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


TABLES = [
    ["report", "pipeline"],
    ["report", "funnel", "--by-source"],
    ["report", "receivables"],
    ["opp", "list"],
    ["invoice", "list"],
    ["invoice", "show", "INV-2026-0001"],
]
JSON = [
    ["report", "pipeline", "--json"],
    ["report", "sales", "--json"],
    ["opp", "list", "--json"],
    ["invoice", "show", "INV-2026-0001", "--json"],
    ["order", "fulfil", "--help"],
]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_a_terminal_gets_colour_unless_no_color_is_set(sales: Path) -> None:
    coloured = on_a_terminal(["report", "pipeline"], environment(sales))
    assert colours(coloured), "the pipeline chart's bars are coloured on a terminal"
    plain = on_a_terminal(["report", "pipeline"], environment(sales, NO_COLOR="1"))
    assert b"\xe2\x96\x88" in plain  # the bar is still drawn, only without colour
    assert colours(plain) == []


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize("args", TABLES, ids=[" ".join(a) for a in TABLES])
def test_no_color_leaves_no_colour_codes_on_a_terminal(sales: Path, args: list[str]) -> None:
    assert colours(on_a_terminal(args, environment(sales, NO_COLOR="1"))) == []


@pytest.mark.slow
@pytest.mark.parametrize("args", TABLES, ids=[" ".join(a) for a in TABLES])
def test_a_pipe_gets_no_escape_codes_even_when_colour_is_forced(
    sales: Path, args: list[str]
) -> None:
    output = through_a_pipe(args, environment(sales, FORCE_COLOR="1"))
    assert output
    assert ESCAPE not in output


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize("args", JSON, ids=[" ".join(a) for a in JSON])
def test_json_and_help_on_a_terminal_have_no_escape_codes(sales: Path, args: list[str]) -> None:
    output = on_a_terminal(args, environment(sales, FORCE_COLOR="1"))
    assert ESCAPE not in output
    if "--json" in args:
        json.loads(output.replace(b"\r\n", b"\n"))
