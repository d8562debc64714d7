"""Batch verbs: several numbers (or `-` for stdin) in one process, one lock, one write."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

import typer

from salesflow.cli import common
from salesflow.errors import SalesflowError, UsageError

if TYPE_CHECKING:
    from salesflow.store import Session

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


class BatchRefused(SalesflowError):
    """Some records of a batch were refused (each was already reported)."""


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


def text_key(value: Any) -> str:
    """A stored field as a case-free key, for `Session.group_by` lookups in a batch."""
    return str(value or "").strip().upper()


def interactive() -> bool:
    """Is a person at the keyboard? (stdin is a terminal)"""
    return sys.stdin.isatty()


def confirm(count: int, action: str, yes: bool) -> None:
    """Ask before a bulk change on a terminal; scripts (no terminal) and --yes go ahead."""
    if count <= CONFIRM_ABOVE or yes or not interactive():
        return
    if not typer.confirm(f"{action} {count} records?", err=True):
        raise typer.Exit(1)


@dataclass
class Outcome(Generic[T]):
    """What a batch did: the results of the accepted numbers and the refusals."""

    results: list[T]
    refused: list[str]
    total: int
    noun: str

    def finish(self) -> None:
        """After the write: exit 1 when --keep-going left some numbers refused."""
        if self.refused:
            applied = self.total - len(self.refused)
            raise BatchRefused(
                f"{len(self.refused)} of {self.total} {self.noun} refused; "
                f"the other {applied} were applied"
            )


def apply_each(
    session: Session,
    numbers: Sequence[str],
    action: Callable[[str], T],
    *,
    keep_going: bool,
    noun: str,
) -> Outcome[T]:
    """Run `action` for every number; a refusal undoes that number's changes only.

    All-or-nothing by default: any refusal raises BatchRefused inside the unit of work, so
    nothing is written. With `keep_going` the accepted ones are kept and written; call
    `Outcome.finish()` after the write to exit 1 for the refused ones.
    """
    import gc

    outcome: Outcome[T] = Outcome([], [], len(numbers), noun)
    # Each number leaves records the session keeps until the write, so the collector's full
    # passes would walk the whole parsed file again and again; these objects form no cycles.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for number in numbers:
            mark = session.savepoint()
            try:
                outcome.results.append(action(number))
            except SalesflowError as exc:
                session.rollback(mark)
                if len(numbers) == 1:
                    raise
                outcome.refused.append(str(exc))
    finally:
        if collecting:
            gc.enable()
    if outcome.refused:
        common.say("\n".join(f"Error: {message}" for message in outcome.refused))
    if outcome.refused and not keep_going:
        raise BatchRefused(
            f"{len(outcome.refused)} of {outcome.total} {noun} refused; nothing was changed "
            "(--keep-going applies the others)"
        )
    return outcome


def print_results(
    results: Sequence[Any], json: bool, single: bool, line: Callable[[Any], str]
) -> None:
    """One line per changed record on stdout (or JSON: an object for one, an array for many)."""
    if json:
        data = [common.dump(r) if hasattr(r, "model_dump") else r for r in results]
        common.print_json(data[0] if single and data else data)
    elif results:
        sys.stdout.write("".join(line(r) + "\n" for r in results))
