"""A command group builds only the verb that runs: Typer reads every verb's signature and
options to build it, and `lead show` must not pay for `lead import` (start-up is benchmarked).
Help, Tab and a mistyped verb still see every verb, in the order they were declared."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from salesflow.cli import COMMANDS, app, load
from salesflow.cli.common import LazyGroup
from tests.conftest import Cli

GROUPS = [name for name, entry in COMMANDS.items() if entry.attribute.endswith("app")]


def test_loading_a_group_builds_none_of_its_verbs_and_running_one_builds_only_that() -> None:
    lead = load("lead")
    assert isinstance(lead, LazyGroup)
    assert lead.commands == {}
    root = typer.main.get_command(app)
    context = root.make_context("salesflow", ["lead", "show", "L-0001"], resilient_parsing=True)
    name, command, rest = lead.resolve_command(context, ["show", "L-0001"])
    assert (name, rest) == ("show", ["L-0001"])
    assert command is not None and command.name == "show"
    assert list(lead.commands) == ["show"]


@pytest.mark.parametrize("name", GROUPS)
def test_a_group_lists_the_same_verbs_in_the_same_order_as_when_built_whole(name: str) -> None:
    import importlib

    entry = COMMANDS[name]
    whole = typer.main.get_command(
        getattr(importlib.import_module(f"salesflow.cli.{entry.module}"), entry.attribute)
    )
    lazy = load(name)
    assert isinstance(whole, typer.core.TyperGroup)
    assert lazy.list_commands(None) == list(whole.commands)  # type: ignore[attr-defined,arg-type]
    for verb, built in whole.commands.items():
        loaded = lazy.get_command(None, verb)  # type: ignore[attr-defined,arg-type]
        assert type(loaded) is type(built), verb
        assert loaded.help == built.help, verb
        assert [p.name for p in loaded.params] == [p.name for p in built.params], verb


def test_a_group_help_lists_every_verb() -> None:
    result = CliRunner().invoke(app, ["lead", "--help"])
    assert result.exit_code == 0, result.output
    verbs = [line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines()[1:]]
    assert verbs == [
        *("add", "edit", "list", "show", "qualify", "disqualify", "reactivate", "assign", "import"),
    ]


def test_a_mistyped_verb_is_refused_with_the_close_ones(cli: Cli) -> None:
    result = cli("lead", "shw", "L-0001")
    assert result.exit_code == 2
    assert "Error: No such command 'shw'. Did you mean 'show'?" in result.stderr


def test_a_verb_runs_after_its_group_was_loaded_lazily(cli: Cli, db: Path) -> None:
    assert cli.number("lead", "add", "--company", "Analytical") == "L-0001"
    assert cli.json("lead", "show", "L-0001")["company"] == "Analytical"
    assert db.exists()


@pytest.mark.slow
def test_the_command_loads_no_pydantic_plugins_and_imports_no_package_metadata(
    tmp_path: Path,
) -> None:
    """pydantic's plugin loader imports importlib.metadata and reads every installed package's
    entry points on the first validator it builds; the `salesflow` command takes no plugins
    and skips both."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "SALESFLOW_DB": str(tmp_path / "s.json")}
    for args in (["lead", "add", "--company", "Plugins"], ["lead", "show", "L-0001", "--json"]):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "salesflow", *args],
            capture_output=True,
            text=True,
            env=env,
        )
        assert done.returncode == 0, done.stderr
        imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
        assert "pydantic.main" in imported, args  # the probe sees pydantic's imports
        assert "pydantic.plugin._loader" not in imported, args
        assert "importlib.metadata" not in imported, args
        assert "salesflow.completing" not in imported, args  # a Tab's, not a command's
