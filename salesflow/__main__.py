"""The `salesflow` command (console script and `python -m salesflow`).

A shell's Tab runs the program with a completion variable set: a record number is answered by
`salesflow.completing` without importing Typer and the CLI; anything else goes to the CLI.
"""

from __future__ import annotations

import os
import sys
from typing import Any


def main() -> None:
    """Run salesflow: the fast Tab completion when it applies, else the CLI."""
    if any(name.endswith("_COMPLETE") for name in os.environ):
        _complete_fast()
    _without_pydantic_plugins()
    from salesflow.cli import main as cli_main

    cli_main()


def _complete_fast() -> None:
    """Answer a Tab and end the process when the fast path can; return otherwise."""
    module = sys.modules.get("__main__")
    if getattr(module, "__package__", None):
        return  # `python -m salesflow`: Typer's completion variable is not `_SALESFLOW_COMPLETE`
    from salesflow.completing import fast_complete

    answer = fast_complete(os.environ, prog_name=os.path.basename(sys.argv[0]))
    if answer is None:
        return
    try:
        sys.stdout.write(answer.output)
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    os._exit(answer.code)


def _without_pydantic_plugins() -> None:
    """salesflow loads no pydantic plugins (the `pydantic` entry point group: observability
    tools such as logfire). pydantic imports its plugin loader when it builds its first
    validator (Typer's for an option, or a record's), and the loader imports importlib.metadata
    (with email, zipfile and csv) and reads every installed distribution's entry points: some
    15 ms of every command's start-up, for plugins salesflow does not use. A loader that finds
    none takes its place, unless pydantic's own is imported already."""
    import types

    name = "pydantic.plugin._loader"
    if name not in sys.modules:
        loader = types.ModuleType(name, "salesflow: no pydantic plugins")
        loader.get_plugins = tuple  # type: ignore[attr-defined]  # get_plugins() -> ()
        sys.modules[name] = loader


def __getattr__(name: str) -> Any:
    # `app` for what finds the console script's module and runs its Typer app in-process
    if name == "app":
        from salesflow.cli import app

        return app
    raise AttributeError(name)


if __name__ == "__main__":
    main()
