"""`salesflow demo`: a scripted deal, lead to paid invoice, in a throwaway data file.

The deal is played by `salesflow.services.demo` through the services the commands call, each
step on its own day so the history reads like a few weeks of work ending today; this module
tells each step as the command a seller would type, then shows the result as `show`, `history`
and `export` do. It never touches the user's data file: `--db` of the app and `$SALESFLOW_DB` are
ignored, and the demo's own `--db` must name a file that does not exist yet.
"""

from __future__ import annotations

import shlex
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli import common

if TYPE_CHECKING:
    from salesflow.services.demo import Deal
    from salesflow.store.contract import UnitOfWork


def _demo_path(db: Path | None) -> Path:
    from salesflow.errors import InvalidValue

    if db is None:
        return Path(tempfile.mkdtemp(prefix="salesflow-demo-")) / "demo.json"
    if db.exists():
        raise InvalidValue(
            f"demo data file {db} already exists; the demo only writes to a new file "
            "(omit --db for a temporary one)"
        )
    return db


def demo(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="A new file for the demo's data (default: a new temporary file).",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Do not list the commands as they run.")
    ] = False,
    json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Run a scripted deal, lead to paid invoice, in a throwaway data file (never yours).

    Leads from a fair (one disqualified, one qualified with products), a quote revised once with
    a discount and accepted, the order fulfilled, the invoice paid in two parts; then the deal's
    history and totals, with the quote and invoice as PDFs next to the demo file.

    Example: salesflow demo
    """
    from salesflow.pipeline.fields import add_days
    from salesflow.services.demo import DAYS, play
    from salesflow.store import Store

    end = common.today()
    add_days(end, -DAYS, "demo: first day", "; set $SALESFLOW_TODAY to a later date")
    path = _demo_path(db)
    verbose = not quiet and not json

    def told(day: date, command: Sequence[str], printed: str | None) -> None:
        if verbose:
            arrow = f"  → {printed}" if printed else ""
            common.say(f"{day.isoformat()}  $ salesflow {shlex.join(command)}{arrow}")

    deal = play(
        lambda command: Store(path, argv=list(command)), end, common.now_on, told, common.seller
    )
    with Store(path).reading() as uow:
        result = _shown(uow, deal, path, json)
    if json:
        common.print_json({"data_file": str(path), **result})
    common.say(f"Demo data file: {path}")
    common.say(f"Try: salesflow --db {shlex.quote(str(path))} history {deal.invoice}")


def _shown(uow: UnitOfWork, deal: Deal, path: Path, json: bool) -> dict[str, Any]:
    """The deal's records as `show --json` prints them, its documents as PDFs next to the demo
    file, and (for people) its history and totals."""
    from salesflow.cli.document_files import save_document
    from salesflow.cli.misc import print_story, story_json
    from salesflow.cli.render import invoice_json
    from salesflow.models import Invoice
    from salesflow.services import documents, invoices, leads, opportunities, orders, quotes
    from salesflow.services.story import deal_story

    lead, lead_seen = leads.show(uow, deal.lead)
    opportunity = opportunities.show(uow, deal.opportunity)
    quote = quotes.show(uow, deal.quote).quote
    invoice = invoices.record(uow, deal.invoice)
    if not isinstance(invoice, Invoice):  # the demo's invoice number names an invoice
        raise TypeError(f"{deal.invoice} is not an invoice")
    records = {
        "lead": common.dump(lead) | lead_seen.as_dict(),
        "opportunity": common.dump(opportunity.opportunity) | opportunity.activities.as_dict(),
        "quote": common.dump(quote),
        "order": common.dump(orders.get(uow, deal.order)),
        "invoice": invoice_json(invoice),
    }
    views = (
        (documents.quote_view(uow, deal.quote), f"{deal.quote}-r{quote.revision}"),
        (documents.invoice_view(uow, deal.invoice), deal.invoice),
    )
    written = [
        save_document(view, "pdf", str(path.with_name(f"{path.stem}-{name}.pdf")), False)
        for view, name in views
    ]
    documents_written = [str(p) for p in written if p is not None]
    shown = records["invoice"]
    totals = {
        "quote": records["quote"]["total"],
        "order": records["order"]["total"],
        "invoice": shown["total"],
        "amount_paid": shown["amount_paid"],
        "balance": shown["balance"],
        "currency": shown["currency"],
    }
    story = deal_story(uow, deal.invoice)
    if json:
        return {
            **records,
            "history": story_json(story),
            "totals": totals,
            "documents": documents_written,
        }
    common.say("")
    common.say(f"History of {deal.invoice}, lead {deal.lead} to the last payment:")
    print_story(story)
    currency = totals["currency"]
    sys.stdout.write("\n")
    common.print_fields(
        [
            (f"Quote {deal.quote} r{quote.revision} total", f"{totals['quote']} {currency}"),
            (f"Order {deal.order} total", f"{totals['order']} {currency}"),
            (f"Invoice {deal.invoice} total", f"{totals['invoice']} {currency}"),
            ("Paid", f"{totals['amount_paid']} {currency}"),
            ("Balance", f"{totals['balance']} {currency} ({shown['status']})"),
        ]
    )
    for document in documents_written:
        common.say(f"Document: {document}")
    return {**records, "totals": totals, "documents": documents_written}
