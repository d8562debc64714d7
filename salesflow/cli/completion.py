"""Tab completion through Typer: bash with the help text zsh and fish show
(`L-0001  (Ada Lovelace, open)`), and the table of record-number arguments the fast path
(`salesflow.completing`) reads, derived from the commands' declarations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesflow.completing import bash_columns, bash_lines

if TYPE_CHECKING:
    from typer import _click


def use_described_bash() -> None:
    """Put the bash completion with descriptions in place of Typer's (after Typer's own)."""
    import os

    from typer._click.shell_completion import add_completion_class
    from typer._completion_classes import BashComplete

    class DescribedBashComplete(BashComplete):
        """Bash shows what the program prints: see `salesflow.completing.bash_lines`."""

        def complete(self) -> str:
            args, incomplete = self.get_completion_args()
            items = self.get_completions(args, incomplete)
            return bash_lines(
                [(str(item.value), item.help or "") for item in items], bash_columns(os.environ)
            )

    add_completion_class(DescribedBashComplete, "bash")


def record_arguments() -> dict[str, tuple[tuple[str, int, str | None], ...]]:
    """For every command (`group verb`) with an argument that completes: its arguments in order,
    each as (name, words it takes, the record list it completes or None), read from the commands
    Typer builds. `salesflow.completing.RECORD_ARGUMENTS` must equal this."""
    from typer.core import TyperArgument, TyperGroup

    from salesflow.cli import COMMANDS, load

    found: dict[str, tuple[tuple[str, int, str | None], ...]] = {}

    def walk(path: str, command: _click.Command) -> None:
        if isinstance(command, TyperGroup):
            for name in command.list_commands(None):  # type: ignore[arg-type]
                sub = command.get_command(None, name)  # type: ignore[arg-type]
                assert sub is not None
                walk(f"{path} {name}", sub)
            return
        arguments = [p for p in command.params if isinstance(p, TyperArgument)]
        if any(p._custom_shell_complete is not None for p in arguments):
            found[path] = tuple(
                (str(p.name), p.nargs, _record_list(p._custom_shell_complete)) for p in arguments
            )

    for name in COMMANDS:
        walk(name, load(name))
    return dict(sorted(found.items()))


def _record_list(complete: Any) -> str | None:
    """The record list of an argument's completion callback (`common.completer` names it), None
    for any other callback or none. Typer wraps the callback twice: its closure holds the
    first wrapper, which carries the callback's attributes."""
    for cell in getattr(complete, "__closure__", None) or ():
        try:
            source = getattr(cell.cell_contents, "record_list", None)
        except ValueError:  # an empty cell
            continue
        if isinstance(source, str):
            return source
    return None
