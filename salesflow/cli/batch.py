"""Batch verbs: several numbers (or `-` for stdin) in one process, one lock, one write."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from salesflow.cli import common
from salesflow.errors import UsageError

if TYPE_CHECKING:
    from salesflow.services.batch import Outcome
    from salesflow.store.contract import UnitOfWork

T = TypeVar("T")

CONFIRM_ABOVE = 20

NumbersArg = Annotated[
    list[str],
    typer.Argument(
        help="One or more numbers, or - to read them from stdin (one per line).", show_default=False
    ),
]
NUMBERS_HELP = "One or more numbers, or - to read them from stdin (one per line)."


KeepGoingOpt = Annotated[
    bool,
    typer.Option("--keep-going", help="Apply what can be applied; list the refusals (exit 1)."),
]
YesOpt = Annotated[
    bool, typer.Option("--yes", "-y", help="Do not ask before changing more than 20 records.")
]


def read_numbers(arguments: Sequence[str]) -> list[str]:
    """The numbers named, `-` replaced by the non-empty lines of stdin; duplicates dropped."""
    numbers: list[str] = []
    for argument in arguments:
        if argument == "-":
            from salesflow.cli.common import stdin_text

            lines = stdin_text().splitlines()
            numbers.extend(line.strip() for line in lines if line.strip())
        else:
            numbers.append(argument.strip())
    unique: dict[str, str] = {}
    for number in numbers:
        unique.setdefault(number.upper(), number)
    if not unique:
        raise UsageError("no numbers given (stdin was empty)")
    return list(unique.values())


def interactive() -> bool:
    """Is a person at the keyboard? (stdin is a terminal)"""
    return sys.stdin.isatty()


def confirm(count: int, action: str, yes: bool) -> None:
    """Ask before a bulk change on a terminal; scripts (no terminal) and --yes go ahead."""
    if count <= CONFIRM_ABOVE or yes or not interactive():
        return
    if not typer.confirm(f"{action} {count} records?", err=True):
        raise typer.Exit(1)


def apply_each(
    uow: UnitOfWork,
    numbers: Sequence[str],
    action: Callable[[str], T],
    *,
    keep_going: bool,
    noun: str,
) -> Outcome[T]:
    """`salesflow.services.batch.apply_each`, each refusal of several numbers said on stderr as
    an `Error:` line before the batch's own."""
    from salesflow.services import batch
    from salesflow.services.batch import BatchRefused

    try:
        outcome = batch.apply_each(uow, numbers, action, keep_going=keep_going, noun=noun)
    except BatchRefused as refused:
        _say_refused(refused.refused)
        raise
    _say_refused(outcome.refused)
    return outcome


def _say_refused(refused: Sequence[str]) -> None:
    if refused:
        common.say("\n".join(f"Error: {message}" for message in refused))


def print_results(
    results: Sequence[Any], json: bool, single: bool, line: Callable[[Any], str]
) -> None:
    """One line per changed record on stdout (or JSON: an object for one, an array for many)."""
    if json:
        data = [common.dump(r) if hasattr(r, "model_dump") else r for r in results]
        common.print_json(data[0] if single and data else data)
    elif results:
        sys.stdout.write("".join(line(r) + "\n" for r in results))
