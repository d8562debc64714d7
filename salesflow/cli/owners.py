"""What every group's `assign` verb and every list's `--mine`/`--owner` share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli import batch, common

if TYPE_CHECKING:
    from salesflow.models import Record

ToOpt = Annotated[
    str,
    typer.Option("--to", help="The seller who owns them from now on.", show_default=False),
]
MineOpt = Annotated[
    bool,
    typer.Option("--mine", help="Only records you own ($SALESFLOW_SELLER, else your user)."),
]
OwnerOpt = Annotated[
    str | None,
    typer.Option("--owner", help="Only records this seller owns (any case).", show_default=False),
]


def owner_filter(mine: bool, owner: str | None) -> str | None:
    """The seller `--mine` or `--owner NAME` asks for (None: anyone's records); both is a usage
    error. `--mine` asks the data who the user is (`common.me`)."""
    from salesflow.errors import UsageError

    if mine and owner is not None:
        raise UsageError("choose --mine or --owner NAME, not both")
    if not mine:
        return owner
    named = common.seller_named()
    if named is not None:
        return named
    with common.reading() as unit:
        return common.me(unit)


def assign(
    model: type[Record],
    numbers: list[str],
    to: str,
    *,
    keep_going: bool,
    yes: bool,
    json: bool,
    noun: str,
) -> None:
    """`GROUP assign NUMBERS... --to NAME`: each record owned by `to`, one `assigned` event each
    (a record `to` owns already is left as it is)."""
    from salesflow.services import owners

    wanted = batch.read_numbers(numbers)
    batch.confirm(len(wanted), "Assign", yes)
    with common.writing() as uow:
        now = common.now()

        def assign_one(number: str) -> Record:
            return owners.assign(uow, model, number, to, now=now)

        outcome = batch.apply_each(uow, wanted, assign_one, keep_going=keep_going, noun=noun)
    batch.print_results(outcome.results, json, len(wanted) == 1, _number)
    if not json:
        for record in outcome.results:
            common.say(f"{_number(record)} is owned by {getattr(record, 'owner', None)}")
    outcome.finish()


def _number(record: Record) -> str:
    """A record's number as typed (a quote's, whatever its revision)."""
    return str(getattr(record, "number", record.key))


def add_assign(
    app: typer.Typer,
    model: str,
    *,
    noun: str,
    complete: Callable[..., Any],
    json_option: Any,
    help: str,
) -> None:
    """Add the group's `assign NUMBERS... --to NAME` verb to `app` (`assign` does the work):
    `model` names the record type in `salesflow.models` (imported when the verb runs), `complete`
    offers its numbers on Tab, `json_option` is the group's `--json`, `help` the verb's help."""

    def verb(
        numbers: list[str],
        to: str,
        keep_going: bool = False,
        yes: bool = False,
        json: bool = False,
    ) -> None:
        from salesflow import models

        kind = getattr(models, model)
        assign(kind, numbers, to, keep_going=keep_going, yes=yes, json=json, noun=noun)

    verb.__doc__ = help
    verb.__annotations__ = {  # objects, not text: Typer reads them as they are
        "numbers": Annotated[
            list[str],
            typer.Argument(help=batch.NUMBERS_HELP, show_default=False, autocompletion=complete),
        ],
        "to": ToOpt,
        "keep_going": batch.KeepGoingOpt,
        "yes": batch.YesOpt,
        "json": json_option,
        "return": None,
    }
    app.command("assign")(verb)
