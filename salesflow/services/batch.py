"""Batch verbs as a use case: one action applied to several numbers in one unit of work, each
under a savepoint of its own, so a refusal takes back that number's changes only."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from salesflow.errors import SalesflowError
from salesflow.store import collector
from salesflow.store.contract import UnitOfWork

T = TypeVar("T")


class BatchRefused(SalesflowError):
    """Some records of a batch were refused; `refused` holds each refusal's message."""

    def __init__(self, message: str, refused: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.refused = list(refused)


@dataclass
class Outcome(Generic[T]):
    """What a batch did: the results of the accepted numbers and the refusals."""

    results: list[T]
    refused: list[str]
    total: int
    noun: str = field(default="records")

    def finish(self) -> None:
        """After the write: refused when --keep-going left some numbers refused (exit 1)."""
        if self.refused:
            applied = self.total - len(self.refused)
            raise BatchRefused(
                f"{len(self.refused)} of {self.total} {self.noun} refused; "
                f"the other {applied} were applied"
            )


def apply_each(
    uow: UnitOfWork,
    numbers: Sequence[str],
    action: Callable[[str], T],
    *,
    keep_going: bool,
    noun: str,
) -> Outcome[T]:
    """Run `action` for every number; a refusal undoes that number's changes only.

    All-or-nothing by default: any refusal raises BatchRefused inside the unit of work, so
    nothing is written. With `keep_going` the accepted ones are kept (the caller writes them and
    then calls `Outcome.finish()`). A single number's refusal is raised as it is.
    """
    outcome: Outcome[T] = Outcome([], [], len(numbers), noun)
    # Each number leaves records the unit of work keeps until the write, so the collector's full
    # passes would walk the whole parsed file again and again; these objects form no cycles.
    with collector.paused():
        for number in numbers:
            mark = uow.savepoint()
            try:
                outcome.results.append(action(number))
            except SalesflowError as exc:
                uow.rollback(mark)
                if len(numbers) == 1:
                    raise
                outcome.refused.append(str(exc))
    if outcome.refused and not keep_going:
        raise BatchRefused(
            f"{len(outcome.refused)} of {outcome.total} {noun} refused; nothing was changed "
            "(--keep-going applies the others)",
            outcome.refused,
        )
    return outcome
