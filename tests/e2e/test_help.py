"""Meta-test: every command and group explains itself, with an example."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from salesflow.cli import app


def _commands() -> Iterator[tuple[str, ...]]:
    root = get_command(app)

    def walk(command: object, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                yield from walk(sub, (*path, name))
        else:
            yield path

    yield from walk(root, ())


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
    root = get_command(app)
    for name, group in root.commands.items():  # type: ignore[attr-defined]
        assert group.help or group.short_help, name
    assert isinstance(app, typer.Typer)
