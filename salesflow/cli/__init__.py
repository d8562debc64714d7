"""The salesflow command line: a thin shell around the pipeline.

Each command parses, opens the store, calls the pipeline, saves and renders.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from salesflow import __version__
from salesflow.cli import (
    account,
    demo,
    invoice,
    lead,
    misc,
    opp,
    order,
    product,
    quote,
    report,
    safety,
    transfer,
)
from salesflow.cli.common import INVOCATION, AppTyper, RecordingGroup

app = AppTyper(
    name="salesflow",
    help="Carry deals from lead to paid invoice: leads, opportunities, quotes, orders, invoices.",
    context_settings={"help_option_names": ["-h", "--help"]},
    cls=RecordingGroup,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"salesflow {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Data file (default: $SALESFLOW_DB, else the user data dir).",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """salesflow: a seller's pipeline in one JSON file.

    Example: salesflow lead add --first-name Ada --last-name Lovelace --company Analytical
    """
    INVOCATION.db = db


app.add_typer(lead.app, name="lead")
app.add_typer(account.account_app, name="account")
app.add_typer(account.contact_app, name="contact")
app.add_typer(product.app, name="product")
app.add_typer(opp.app, name="opp")
app.add_typer(quote.app, name="quote")
app.add_typer(order.app, name="order")
app.add_typer(invoice.app, name="invoice")
app.add_typer(report.app, name="report")
misc.register(app)
demo.register(app)
safety.register(app)
lead.app.command("import")(transfer.import_leads)
app.command("export")(transfer.export)


def main() -> None:
    app()
