"""`salesflow invoice ...`: invoices, their payments, and the documents to send."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from salesflow.cli import common, render
from salesflow.cli.common import AppTyper

app = AppTyper(help="Invoices: what customers owe, payments, and overdue balances.")

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Number = Annotated[
    str, typer.Argument(help="Invoice number, e.g. INV-2026-0001.", show_default=False)
]


def invoice_json(invoice: Any) -> dict[str, Any]:
    """An invoice's JSON with the derived `overdue` (as of today)."""
    from salesflow.pipeline.invoices import is_overdue

    data = common.dump(invoice)
    data["overdue"] = is_overdue(invoice, common.today())
    return data


def _status(invoice: Any) -> str:
    from salesflow.pipeline.invoices import is_overdue

    return invoice.status + (" (overdue)" if is_overdue(invoice, common.today()) else "")


def show_invoice(invoice: Any, json: bool) -> None:
    from salesflow.pipeline.money import format_money

    if json:
        common.print_json(invoice_json(invoice))
        return
    common.print_fields(
        [
            ("Number", invoice.number),
            ("Order", invoice.order),
            ("Opportunity", invoice.opportunity),
            ("Account", invoice.account),
            ("Contact", invoice.contact),
            ("Status", _status(invoice)),
            ("Invoice date", invoice.invoice_date),
            ("Due date", invoice.due_date),
            ("Payment terms", f"{invoice.payment_terms} days"),
            ("Cancelled", invoice.cancelled_on),
            *render.totals_pairs(invoice),
            ("Amount paid", f"{format_money(invoice.amount_paid)} {invoice.currency}"),
            ("Balance", f"{format_money(invoice.balance)} {invoice.currency}"),
        ]
    )
    render.print_lines(invoice)
    if invoice.payments:
        common.print_table(
            ["Payment", "Date", "Amount"],
            [[p.payment_no, p.paid_on, format_money(p.amount)] for p in invoice.payments],
            numeric=["Payment", "Amount"],
        )


@app.command("list")
def list_(
    status: Annotated[
        str | None,
        typer.Option("--status", help="unpaid, partially-paid, paid, overdue or cancelled."),
    ] = None,
    json: Json = False,
) -> None:
    """List invoices; overdue ones are past their due date with a balance left.

    Example: salesflow invoice list --status overdue
    """
    from salesflow.models import Invoice
    from salesflow.pipeline.invoices import status_filter
    from salesflow.pipeline.money import format_money

    keep = status_filter(status, common.today())
    with common.reading() as session:
        invoices = [i for i in session.all(Invoice) if keep(i)]
    if json:
        common.print_json([invoice_json(i) for i in invoices])
        return
    if not invoices:
        common.say("No invoices.")
        return
    common.print_table(
        ["Number", "Order", "Account", "Date", "Due", "Status", "Total", "Paid", "Balance"],
        [
            [
                i.number,
                i.order,
                i.account,
                i.invoice_date,
                i.due_date,
                _status(i),
                f"{format_money(i.total)} {i.currency}",
                format_money(i.amount_paid),
                format_money(i.balance),
            ]
            for i in invoices
        ],
        numeric=["Total", "Paid", "Balance"],
    )


@app.command("show")
def show(number: Number, json: Json = False) -> None:
    """Show an invoice with its lines, payments and balance.

    Example: salesflow invoice show INV-2026-0001 --json | jq .balance
    """
    from salesflow.models import Invoice

    with common.reading() as session:
        invoice = session.get(Invoice, number)
    show_invoice(invoice, json)


@app.command("pay")
def pay(
    number: Number,
    amount: Annotated[
        str | None, typer.Option("--amount", help="Amount paid (> 0); default the balance.")
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Payment date, YYYY-MM-DD; default today.")
    ] = None,
    json: Json = False,
) -> None:
    """Record a payment on an unpaid or partially paid invoice.

    Example: salesflow invoice pay INV-2026-0001 --amount 500 --date 2026-04-15
    """
    from salesflow.models import Invoice
    from salesflow.pipeline.invoices import pay_invoice
    from salesflow.pipeline.money import format_money
    from salesflow.pipeline.records import parse_date

    paid_on = parse_date(date, "payment date") if date else common.today()
    with common.writing() as session:
        invoice, paid = pay_invoice(
            session.get(Invoice, number), amount=amount, paid_on=paid_on, now=common.now()
        )
        session.put(invoice)
        session.add_events([paid])
    if json:
        show_invoice(invoice, json)
        return
    common.print_created(invoice.number)
    common.say(
        f"Invoice {invoice.number} is {invoice.status}; paid "
        f"{format_money(invoice.payments[-1].amount)}, balance "
        f"{format_money(invoice.balance)} {invoice.currency}"
    )


@app.command("cancel")
def cancel(number: Number, json: Json = False) -> None:
    """Cancel an invoice nothing has been paid on; its number stays taken.

    Example: salesflow invoice cancel INV-2026-0002
    """
    from salesflow.models import Invoice
    from salesflow.pipeline.invoices import cancel_invoice

    with common.writing() as session:
        invoice, cancelled = cancel_invoice(
            session.get(Invoice, number), today=common.today(), now=common.now()
        )
        session.put(invoice)
        session.add_events([cancelled])
    if json:
        show_invoice(invoice, json)
    else:
        common.print_created(invoice.number)
        common.say(f"Invoice {invoice.number} is cancelled")


@app.command("export")
def export(
    number: Number,
    fmt: Annotated[str, typer.Option("--format", "-f", help="pdf, html or md.")] = "pdf",
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write (default INV-2026-0001.pdf etc. here); - for stdout.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write an invoice as a PDF, HTML or Markdown document to send. Prints the file written.

    Example: salesflow invoice export INV-2026-0001 --format pdf
    """
    from salesflow.cli.quote import document, write_document
    from salesflow.models import Invoice

    with common.reading() as session:
        view = document(session, session.get(Invoice, number))
    write_document(view, fmt, output, force)
