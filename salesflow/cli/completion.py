"""Tab completion in bash with the help text zsh and fish show: `L-0001  (Ada Lovelace, open)`."""

from __future__ import annotations

import os

from typer._completion_classes import BashComplete


class DescribedBashComplete(BashComplete):
    """Bash shows what the program prints, one candidate a line, and inserts what they have in
    common. So with several candidates each line carries its description, cut to the terminal's
    width; a single candidate is printed bare, so that it is what gets inserted."""

    def complete(self) -> str:
        args, incomplete = self.get_completion_args()
        items = self.get_completions(args, incomplete)
        if len(items) < 2 or not any(item.help for item in items):
            return "\n".join(str(item.value) for item in items)
        width = max(len(str(item.value)) for item in items)
        columns = _columns()
        lines = []
        for item in items:
            line = f"{item.value!s:<{width}}  ({item.help})" if item.help else str(item.value)
            if len(line) >= columns:  # a full-width line would wrap in some terminals
                line = line[: max(columns - 3, width)].rstrip() + "…)"
            lines.append(line)
        return "\n".join(lines)


def _columns() -> int:
    try:
        return max(int(os.environ.get("COLUMNS", "")), 20)
    except ValueError:
        return 80


def use_described_bash() -> None:
    """Put the bash completion with descriptions in place of Typer's (after Typer's own)."""
    from typer._click.shell_completion import add_completion_class

    add_completion_class(DescribedBashComplete, "bash")
