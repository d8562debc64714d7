"""Meta-test: every command and group explains itself, with an example."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from salesflow.cli import app


def _subcommands(command: object) -> Iterator[tuple[str, object]]:
    """A group's commands, loading lazily built ones the way a run does."""
    if not hasattr(command, "list_commands"):
        return
    for name in command.list_commands(None):  # type: ignore[attr-defined]
        yield name, command.get_command(None, name)  # type: ignore[attr-defined]


def _commands() -> Iterator[tuple[str, ...]]:
    def walk(command: object, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        subcommands = list(_subcommands(command))
        if subcommands:
            for name, sub in subcommands:
                yield from walk(sub, (*path, name))
        else:
            yield path

    yield from walk(get_command(app), ())


COMMANDS = sorted(_commands())


def test_the_command_tree_has_the_foundation_commands() -> None:
    for expected in [
        ("lead", "add"),
        ("lead", "qualify"),
        ("lead", "disqualify"),
        ("lead", "reactivate"),
        ("account", "show"),
        ("contact", "list"),
        ("product", "edit"),
        ("opp", "add-product"),
        ("opp", "reopen"),
        ("history",),
        ("info",),
        ("init",),
    ]:
        assert expected in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) for p in COMMANDS])
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: salesflow " in result.stdout
    assert "Example: salesflow " in result.stdout, f"{' '.join(path)} has no example"


def test_version() -> None:
    from salesflow import __version__

    result = CliRunner().invoke(app, ["--version"])
    assert result.stdout == f"salesflow {__version__}\n"


def test_every_group_has_help() -> None:
    for name, group in _subcommands(get_command(app)):
        assert group.help or group.short_help, name  # type: ignore[attr-defined]
    assert isinstance(app, typer.Typer)


@pytest.mark.parametrize("width", [40, 60, 80, 100, 140])
def test_the_root_lists_each_command_with_the_summary_of_its_own_help(width: int) -> None:
    """`salesflow --help` lists the commands without importing them; its summaries must stay
    what each command's help says."""
    from typer.core import TyperCommand

    from salesflow.cli import COMMANDS

    for name, loaded in _subcommands(get_command(app)):
        listed = TyperCommand(name=name, help=COMMANDS[name].summary)
        assert listed.get_short_help_str(width) == loaded.get_short_help_str(width), name  # type: ignore[attr-defined]


@pytest.mark.slow
def test_the_root_help_imports_no_command_module() -> None:
    """`salesflow --help` and `--version` stay as cheap as `import typer`: no command module,
    no pydantic, no rich."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from salesflow.cli import app\n"
        "sys.argv = ['salesflow', sys.argv[1]]\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('salesflow.cli.', 'pydantic', "
        "'rich', 'salesflow.models', 'salesflow.store')))\n"
        "print(loaded, file=sys.stderr)\n"
    )
    for option in ("--help", "--version"):
        done = subprocess.run(
            [sys.executable, "-c", probe, option], capture_output=True, text=True, check=True
        )
        assert done.stderr.strip() == "['salesflow.cli.common']", option


def test_a_mistyped_root_command_is_refused_with_the_close_names() -> None:
    result = CliRunner().invoke(app, ["leed"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: No such command 'leed'. Did you mean 'lead'?"
    result = CliRunner().invoke(app, ["expor"])
    assert result.stderr.splitlines()[-1] == (
        "Error: No such command 'expor'. Did you mean 'export', 'report'?"
    )


@pytest.mark.slow
def test_the_installed_command_flushes_its_output_and_keeps_the_exit_code(tmp_path: Path) -> None:
    """`main` ends the process without freeing every object: what it printed must still arrive,
    and its exit code stay."""
    import shutil
    import subprocess

    command = shutil.which("salesflow")
    assert command is not None
    env = {"PATH": os.environ["PATH"], "SALESFLOW_DB": str(tmp_path / "s.json")}
    added = subprocess.run(
        [command, "lead", "add", "--company", "Flushed"], capture_output=True, text=True, env=env
    )
    assert (added.returncode, added.stdout) == (0, "L-0001\n")
    missing = subprocess.run(
        [command, "lead", "show", "L-0009"], capture_output=True, text=True, env=env
    )
    assert (missing.returncode, missing.stdout, missing.stderr) == (
        1,
        "",
        "Error: lead L-0009 not found\n",
    )


def _root_help(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("COLUMNS", "80")
    result = CliRunner().invoke(app, ["--help"], terminal_width=80)
    assert result.exit_code == 0
    return result.stdout.splitlines()


def test_the_root_help_fits_24_rows_of_80_columns_with_the_daily_commands_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = _root_help(monkeypatch)
    assert len(lines) <= 24
    assert max(len(line) for line in lines) <= 80
    daily = lines.index("Daily commands:")
    assert [line.split()[0] for line in lines[daily + 1 : daily + 7]] == [
        "lead",
        "opp",
        "quote",
        "order",
        "invoice",
        "report",
    ]
    assert "  customers     account, contact, product" in lines
    assert any(line.startswith("  housekeeping  info, init, history") for line in lines)
    examples = lines[lines.index("Examples:") + 1 :]
    assert len(examples) == 2
    assert all(line.startswith("  salesflow ") for line in examples)


def test_commands_added_to_the_root_slot_into_their_help_group_and_it_still_fits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from salesflow import cli

    more = {
        name: cli.Entry("misc", "info", f"{name.title()}: what to do next, and when.")
        for name in ("agenda", "note", "task", "call", "meeting", "activity")
    }
    monkeypatch.setattr(cli, "COMMANDS", {**cli.COMMANDS, **more})
    lines = _root_help(monkeypatch)
    assert len(lines) <= 24
    daily = lines.index("Daily commands:")
    assert lines[daily + 7].split()[:2] == ["agenda", "Agenda:"]
    assert "  activities    note, task, call, meeting, activity" in lines
