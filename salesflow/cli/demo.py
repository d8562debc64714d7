"""`salesflow demo`: a scripted deal, lead to paid invoice, in a throwaway data file.

The script runs the real commands (the same parsing, pipeline and store as typed by hand), each
on its own day so the history reads like a few weeks of work ending today. It never touches the
user's data file: `--db` of the app and `$SALESFLOW_DB` are ignored, and the demo's own `--db`
must name a file that does not exist yet.
"""

from __future__ import annotations

import contextlib
import io
import json as jsonlib
import os
import shlex
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from salesflow.cli import common

FAIR = "Fair: Logistica Utrecht 2026"


class _Script:
    """Runs salesflow commands against the demo file on a given day, capturing their output."""

    def __init__(self, path: Path, verbose: bool) -> None:
        from salesflow.cli import app

        self.path = path
        self.verbose = verbose
        self.command = typer.main.get_command(app)

    def run(self, day: date, *args: str, capture: bool = True, log: bool = True) -> str:
        """The command's stdout; a failing step stops the demo with its error."""
        from salesflow.errors import SalesflowError

        shown = f"salesflow {shlex.join(args)}"
        out, err = io.StringIO(), io.StringIO()
        previous = os.environ.get("SALESFLOW_TODAY")
        os.environ["SALESFLOW_TODAY"] = day.isoformat()
        try:
            with contextlib.redirect_stderr(err):
                redirect = contextlib.redirect_stdout(out) if capture else contextlib.nullcontext()
                with redirect:
                    code = self.command.main(
                        args=["--db", str(self.path), *args],
                        prog_name="salesflow",
                        standalone_mode=False,
                    )
        finally:
            if previous is None:
                os.environ.pop("SALESFLOW_TODAY", None)
            else:
                os.environ["SALESFLOW_TODAY"] = previous
        if code:
            message = err.getvalue().strip().removeprefix("Error: ")
            raise SalesflowError(f"demo step `{shown}` failed: {message}")
        if log:
            self.log(day, shown)
        return out.getvalue()

    def log(self, day: date, shown: str) -> None:
        if self.verbose:
            common.say(f"{day.isoformat()}  $ {shown}")

    def number(self, day: date, *args: str) -> str:
        """Run a command that prints a number on its first line; return that number."""
        number = self.run(day, *args, log=False).splitlines()[0].strip()
        self.log(day, f"salesflow {shlex.join(args)}  → {number}")
        return number

    def record(self, day: date, *args: str) -> Any:
        """Run a showing command with --json; return the parsed record."""
        return jsonlib.loads(self.run(day, *args, "--json", log=False))


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

    end = common.today()
    # The story runs over the 48 days up to today.
    start = add_days(end, -48, "demo: first day", "; set $SALESFLOW_TODAY to a later date")
    path = _demo_path(db)
    saved = (common.INVOCATION.db, list(common.INVOCATION.argv))
    try:
        result = _run(_Script(path, verbose=not quiet and not json), start, end, json)
    finally:
        common.INVOCATION.db, common.INVOCATION.argv = saved
    if json:
        common.print_json({"data_file": str(path), **result})
    common.say(f"Demo data file: {path}")
    invoice = result["invoice"]["number"]
    common.say(f"Try: salesflow --db {shlex.quote(str(path))} history {invoice}")


def _run(script: _Script, start: date, end: date, json: bool) -> dict[str, Any]:

    def day(offset: int) -> date:
        return start + timedelta(days=offset)

    script.run(
        day(0),
        "init",
        "--currency",
        "EUR",
        "--tax-rate",
        "21",
        "--payment-terms",
        "30",
        "--company",
        "Brightwork Consulting B.V.",
        "--address",
        "Keizersgracht 123, 1015 CJ Amsterdam",
        "--email",
        "sales@brightwork.example",
        "--phone",
        "+31 20 555 0100",
        "--vat-number",
        "NL004495445B01",
        "--iban",
        "NL91 ABNA 0417 1643 00",
    )
    for sku, name, price, unit in (
        ("CONSULT-DAY", "Consulting day", "1150", "day"),
        ("WORKSHOP", "On-site workshop (half day)", "650", "session"),
        ("PLANNER-TEAM", "Planner licence, team of 10 (1 year)", "2400", "year"),
    ):
        script.run(day(0), "product", "add", sku, "--name", name, "--price", price, "--unit", unit)

    # Three people met at the fair.
    zoe = script.number(
        day(1),
        *("lead", "add", "--first-name", "Zoë", "--last-name", "Vermeulen"),
        *("--company", "Brouwerij De Ster", "--email", "zoe.vermeulen@desterbier.example"),
        *("--job-title", "Head of operations", "--source", FAIR),
        *("--topic", "Production planning", "--estimated-value", "12000"),
    )
    script.number(
        day(1),
        *("lead", "add", "--first-name", "Lars", "--last-name", "Øvergaard"),
        *("--company", "Nordlys Shipping AS", "--email", "lars@nordlys.example"),
        *("--source", FAIR, "--topic", "Fleet dashboards"),
    )
    lucja = script.number(
        day(1),
        *("lead", "add", "--first-name", "Łucja", "--last-name", "Kowalska"),
        *("--company", "Kraków Freight Sp. z o.o.", "--source", FAIR),
        *("--topic", "Collecting brochures"),
    )
    script.run(day(3), "lead", "disqualify", lucja, "--reason", "no-longer-interested")
    opportunity = script.number(
        day(3),
        *("lead", "qualify", zoe, "--opportunity-name", "De Ster: production planning"),
        *("--estimated-revenue", "12000", "--close-date", day(30).isoformat()),
    )
    script.run(day(4), "opp", "stage", opportunity, "develop")
    script.run(day(4), "opp", "add-product", opportunity, "CONSULT-DAY", "--quantity", "5")
    script.run(
        day(4),
        *("opp", "add-product", opportunity, "WORKSHOP", "--quantity", "2"),
        *("--discount", "10%"),
    )
    script.run(day(4), "opp", "add-product", opportunity, "PLANNER-TEAM", "--quantity", "1")

    # The first quote goes out; the customer asks for a better price; revision 2 is accepted.
    quote = script.number(day(8), "quote", "create", opportunity)
    script.run(day(8), "quote", "activate", quote)
    script.run(day(13), "quote", "revise", quote)
    script.run(day(13), "quote", "discount", quote, "--percent", "5")
    script.run(day(13), "quote", "activate", quote)
    order = script.number(day(16), "quote", "accept", quote)
    invoice = script.number(day(18), "order", "fulfil", order)
    script.run(day(33), "invoice", "pay", invoice, "--amount", "3000")
    script.run(day(47), "invoice", "pay", invoice)

    records = {
        "lead": script.record(end, "lead", "show", zoe),
        "opportunity": script.record(end, "opp", "show", opportunity),
        "quote": script.record(end, "quote", "show", quote),
        "order": script.record(end, "order", "show", order),
        "invoice": script.record(end, "invoice", "show", invoice),
    }
    documents = []
    for kind, number, name in (
        ("quote", quote, f"{quote}-r{records['quote']['revision']}"),
        ("invoice", invoice, invoice),
    ):
        target = script.path.with_name(f"{script.path.stem}-{name}.pdf")
        documents.append(
            script.run(
                end, kind, "export", number, "--format", "pdf", "--output", str(target)
            ).strip()
        )
    totals = {
        "quote": records["quote"]["total"],
        "order": records["order"]["total"],
        "invoice": records["invoice"]["total"],
        "amount_paid": records["invoice"]["amount_paid"],
        "balance": records["invoice"]["balance"],
        "currency": records["invoice"]["currency"],
    }
    if json:
        history = jsonlib.loads(script.run(end, "history", invoice, "--json", log=False))
        return {**records, "history": history, "totals": totals, "documents": documents}
    common.say("")
    common.say(f"History of {invoice}, lead {zoe} to the last payment:")
    script.run(end, "history", invoice, capture=False, log=False)
    currency = totals["currency"]
    revision = records["quote"]["revision"]
    sys.stdout.write("\n")
    common.print_fields(
        [
            (f"Quote {quote} r{revision} total", f"{totals['quote']} {currency}"),
            (f"Order {order} total", f"{totals['order']} {currency}"),
            (f"Invoice {invoice} total", f"{totals['invoice']} {currency}"),
            ("Paid", f"{totals['amount_paid']} {currency}"),
            ("Balance", f"{totals['balance']} {currency} ({records['invoice']['status']})"),
        ]
    )
    for document in documents:
        common.say(f"Document: {document}")
    return {**records, "totals": totals, "documents": documents}
