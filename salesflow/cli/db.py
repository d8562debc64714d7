"""`salesflow db`: the team database's schema, and copies between a data file and a database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from salesflow.cli import common
from salesflow.cli.common import AppTyper

if TYPE_CHECKING:
    from salesflow.store.postgres import PostgresBackend

app = AppTyper(help="Team database: create or upgrade its schema, copy a data file in or out.")

Place = Annotated[
    str,
    typer.Argument(
        help="A data file's path, or a database URL (postgresql://[user@]host/db, no password).",
        show_default=False,
    ),
]


@app.command("init")
def init() -> None:
    """Create the team database's tables (--db or $SALESFLOW_DB), or upgrade older ones.

    Running it again changes nothing. Example: salesflow --db postgresql:///sales db init
    """
    from salesflow.errors import UsageError
    from salesflow.store.postgres import PostgresBackend

    backend = common.backend()
    if not isinstance(backend, PostgresBackend):
        raise UsageError(
            "`db init` sets up a team database: give --db postgresql://[user@]host/db (a data "
            "file is created by the first command that writes it)"
        )
    found, now = backend.init()
    where = backend.location()
    if found == now:
        common.say(f"Database {where} is up to date (schema {now})")
    elif found == 0:
        common.say(f"Database {where} is ready (schema {now})")
    else:
        common.say(f"Database {where} upgraded from schema {found} to {now}")


@app.command("copy")
def copy(source: Place, target: Place) -> None:
    """Copy all data from SOURCE into TARGET, which must be empty: a data file into a new team
    database, or a database into a new data file (a portable backup of the team's data).

    Example: salesflow db copy ~/salesflow.json postgresql:///sales
    """
    from salesflow.errors import NotFound, UsageError
    from salesflow.store import Store, copy_data, open_backend

    timeout = common.lock_timeout()
    source_backend = open_backend(_place(source), lock_timeout=timeout)
    target_backend = open_backend(_place(target), lock_timeout=timeout)
    if source_backend.location() == target_backend.location():
        raise UsageError("SOURCE and TARGET are the same; give two different places")
    if isinstance(source_backend, Store) and not source_backend.path.exists():
        raise NotFound(f"data file {source_backend.path} does not exist; nothing to copy")
    copied = copy_data(source_backend, target_backend)
    common.say(
        f"Copied {copied.records:,} records, {copied.events:,} events and {copied.counters} "
        f"number counters from {source_backend.location()} to {target_backend.location()}"
    )


def _place(text: str) -> str | Path:
    from salesflow.store import is_database_url

    return text if is_database_url(text) else Path(text).expanduser()


def info(database: PostgresBackend, json: bool) -> None:
    """`salesflow info` on a team database: its URL (never a password), schema version, currency
    and record counts, in the fields the data file's `info` has, and who you are to it (`seller`:
    the name your records and events carry)."""
    from salesflow.models import RECORD_TYPES
    from salesflow.pipeline.settings import Settings

    schema = database.schema()
    with database.reading() as unit:
        counts = {model.table: unit.count(model) for model in RECORD_TYPES}
        counts["events"] = unit.count_events()
        settings = Settings(unit.config())
        seller = common.seller(unit)
    data = {
        "path": database.location(),
        "exists": schema > 0,
        "schema": schema,
        "currency": settings.currency,
        "counts": counts,
        "seller": seller,
    }
    if json:
        common.print_json(data)
        return
    common.print_fields(
        [
            ("Database", database.location()),
            ("Schema", schema),
            ("Currency", settings.currency),
            ("You", seller),
            *((table.capitalize(), count) for table, count in counts.items()),
        ]
    )
