"""`salesflow invoice ...`: invoices, their payments, and the documents to send."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from salesflow.cli import batch, common, owners, render
from salesflow.cli.common import AppTyper
from salesflow.cli.document_files import Cc, EmlOutput, Lang, To
from salesflow.cli.output import ListOutput, list_options
from salesflow.cli.render import invoice_json

if TYPE_CHECKING:
    from salesflow.models import CreditNote, Invoice

app = AppTyper(help="Invoices: what customers owe, payments, and overdue balances.")

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Number = Annotated[
    str,
    typer.Argument(
        help="Invoice number, e.g. INV-2026-0001.",
        show_default=False,
        autocompletion=common.complete_invoices,
    ),
]


def _complete_documents(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Invoices and credit notes: `show`, `export` and `send` take either."""
    return [
        *common.complete_invoices(ctx, incomplete),
        *common.complete_credit_notes(ctx, incomplete),
    ]


DocumentNumber = Annotated[
    str,
    typer.Argument(
        help="Invoice or credit note number, e.g. INV-2026-0001, CN-2026-0001.",
        show_default=False,
        autocompletion=_complete_documents,
    ),
]
Since = Annotated[
    str | None, typer.Option("--since", help="Invoice date on or after this date (YYYY-MM-DD).")
]
Until = Annotated[
    str | None, typer.Option("--until", help="Invoice date on or before this date (YYYY-MM-DD).")
]


def _status(invoice: Invoice) -> str:
    from salesflow.pipeline.invoices import is_overdue

    return invoice.status + (" (overdue)" if is_overdue(invoice, common.today()) else "")


def show_invoice(invoice: Invoice, json: bool) -> None:
    from salesflow.pipeline.money import format_money

    if json:
        common.print_json(invoice_json(invoice))
        return
    common.print_fields(
        [
            ("Number", invoice.number),
            ("Owner", invoice.owner),
            ("Order", invoice.order),
            ("Opportunity", invoice.opportunity),
            ("Account", invoice.account),
            ("Contact", invoice.contact),
            ("Status", _status(invoice)),
            ("Invoice date", invoice.invoice_date),
            ("Due date", invoice.due_date),
            ("Payment terms", f"{invoice.payment_terms} days"),
            ("Canceled", invoice.canceled_on),
            *render.totals_pairs(invoice),
            ("Amount paid", f"{format_money(invoice.amount_paid)} {invoice.currency}"),
            ("Credited", _credited(invoice)),
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


def _credited(invoice: Invoice) -> str | None:
    from salesflow.pipeline.money import format_money

    if not invoice.credit_notes:
        return None
    notes = ", ".join(invoice.credit_notes)
    return f"{format_money(invoice.credited)} {invoice.currency} ({notes})"


def show_credit_note(note: CreditNote, json: bool) -> None:
    if json:
        common.print_json(common.dump(note))
        return
    common.print_fields(
        [
            ("Number", note.number),
            ("Owner", note.owner),
            ("Invoice", note.invoice),
            ("Opportunity", note.opportunity),
            ("Account", note.account),
            ("Contact", note.contact),
            ("Date", note.credit_date),
            ("Reason", note.reason),
            *render.totals_pairs(note),
        ]
    )
    render.print_lines(note)


@app.command("list")
@list_options
def list_(
    status: Annotated[
        str | None,
        typer.Option("--status", help="unpaid, partially-paid, paid, overdue or canceled."),
    ] = None,
    source: common.SourceOpt = None,
    account: common.AccountOpt = None,
    since: Since = None,
    until: Until = None,
    search: common.DocumentSearchOpt = None,
    sort: common.SortOpt = None,
    mine: owners.MineOpt = False,
    owner: owners.OwnerOpt = None,
    *,
    output: ListOutput,
) -> None:
    """List invoices (oldest first); overdue ones are past their due date with a balance left.

    --status overdue is derived from today (an overdue invoice is also unpaid or
    partially-paid); --source is the source of the opportunity's lead; --since/--until the
    invoice date; --search matches the number, the account's name and the contact's name or
    email. JSON has the derived `overdue` field.

    Example: salesflow invoice list --status overdue --sort -balance --csv > overdue.csv
    """
    from salesflow.pipeline import listing
    from salesflow.pipeline.money import format_money
    from salesflow.services import invoices

    query = common.list_query(listing.INVOICES, locals())
    with common.reading() as session:
        found = invoices.listed(session, query, today=common.today())
        shown = output.page(found.records)
        # the customer column is a table's only: JSON and CSV do not look accounts up
        table = output.format == "table"
        customers = {r.key: found.customer(r) for r in shown} if table else {}
    output.emit(
        shown,
        empty="No invoices.",
        columns=[
            "Number",
            "Order",
            "Customer",
            "Date",
            "Due",
            "Status",
            "Total",
            "Paid",
            "Balance",
        ],
        row=lambda i: [
            i.number,
            i.order,
            customers[i.key],
            i.invoice_date,
            i.due_date,
            _status(i),
            f"{format_money(i.total)} {i.currency}",
            format_money(i.amount_paid),
            format_money(i.balance),
        ],
        numeric=["Total", "Paid", "Balance"],
        as_json=invoice_json,
        owned=True,
    )


@app.command("show")
def show(number: DocumentNumber, json: Json = False) -> None:
    """Show an invoice with its lines, payments, credit notes and balance, or a credit note.

    Example: salesflow invoice show INV-2026-0001 --json | jq .balance
    """
    from salesflow.models import CreditNote
    from salesflow.services import invoices

    with common.reading() as session:
        record = invoices.record(session, number)
    if isinstance(record, CreditNote):
        show_credit_note(record, json)
    else:
        show_invoice(record, json)


UnpaidInvoices = Annotated[
    list[str],
    typer.Argument(
        help=batch.NUMBERS_HELP, show_default=False, autocompletion=common.complete_unpaid_invoices
    ),
]  # the records the verb applies to, for Tab


@app.command("pay")
def pay(
    numbers: UnpaidInvoices,
    amount: Annotated[
        str | None,
        typer.Option(
            "--amount", "-a", help="Amount paid (> 0); default the balance. One invoice only."
        ),
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", "-d", help="Payment date, YYYY-MM-DD; default today.")
    ] = None,
    keep_going: batch.KeepGoingOpt = False,
    yes: batch.YesOpt = False,
    json: Json = False,
) -> None:
    """Record a payment on unpaid or partially paid invoices. Prints each invoice number.

    Several numbers (or - for stdin) are each paid their balance in one write, all or nothing
    unless --keep-going; more than 20 on a terminal ask first unless --yes. --amount is for
    one invoice only.

    Example: salesflow invoice pay INV-2026-0001 --amount 500 --date 2026-04-15
    """
    from salesflow.errors import UsageError
    from salesflow.pipeline.fields import parse_date
    from salesflow.pipeline.money import format_money
    from salesflow.services import invoices

    paid_on = parse_date(date, "payment date") if date else common.today()
    wanted = batch.read_numbers(numbers)
    if amount is not None and len(wanted) > 1:
        raise UsageError(
            f"--amount {amount.strip()} with {len(wanted)} invoices is ambiguous; pay one "
            "invoice at a time with --amount, or leave --amount out to pay each balance"
        )
    batch.confirm(len(wanted), "Pay", yes)
    with common.writing() as session:
        pay_one = invoices.payer(session, amount=amount, paid_on=paid_on, now=common.now())
        outcome = batch.apply_each(session, wanted, pay_one, keep_going=keep_going, noun="invoices")
    if json:
        batch.print_results([invoice_json(i) for i in outcome.results], True, len(wanted) == 1, str)
    else:
        batch.print_results(outcome.results, False, False, lambda i: i.number)
        for invoice in outcome.results:
            common.say(
                f"Invoice {invoice.number} is {invoice.status}; paid "
                f"{format_money(invoice.payments[-1].amount)}, balance "
                f"{format_money(invoice.balance)} {invoice.currency}"
            )
    outcome.finish()


@app.command("cancel")
def cancel(number: Number, json: Json = False) -> None:
    """Cancel an invoice nothing has been paid on; its number stays taken, and its order is active
    again (fulfil it for a new invoice, or cancel it).

    Example: salesflow invoice cancel INV-2026-0002
    """
    from salesflow.services import invoices

    with common.writing() as session:
        done = invoices.cancel(session, number, today=common.today(), now=common.now())
    if json:
        show_invoice(done.invoice, json)
    else:
        common.print_created(done.invoice.number)
        common.say(f"Invoice {done.invoice.number} is canceled")
        if done.order is not None:
            common.say(
                f"Order {done.order.number} is active again: `salesflow order fulfil "
                f"{done.order.number}` bills it anew, `order cancel` ends it"
            )


@app.command("export")
def export(
    number: DocumentNumber,
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
    lang: Lang = None,
) -> None:
    """Write an invoice or a credit note (CN-…) as a PDF, HTML or Markdown document to send.
    Prints the file written.

    The document is in --lang, else the customer's language, else `config set language`.

    Example: salesflow invoice export INV-2026-0001 --format pdf --lang de
    """
    from salesflow.cli.document_files import write_document
    from salesflow.services import documents

    with common.reading() as session:
        view = documents.invoice_view(session, number, lang, logo=fmt.strip() == "pdf")
    write_document(view, fmt, output, force)


@app.command("send")
def send(
    number: DocumentNumber,
    to: To,
    cc: Cc = None,
    output: EmlOutput = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    lang: Lang = None,
) -> None:
    """Write an invoice or a credit note (CN-…) as an e-mail draft (.eml, the PDF attached)
    for your mail client. Prints the file written; nothing is sent over the network.

    The history records the sending (to whom, when).

    Example: salesflow invoice send INV-2026-0001 --to finance@example.com --cc anna@example.com
    """
    from salesflow.cli.document_files import write_draft
    from salesflow.services import documents

    with common.writing() as session:
        draft = documents.send_invoice(
            session, number, to=to, cc=cc or [], lang=lang, now=common.now()
        )
        path = write_draft(draft, output, force)
    sys.stdout.write(f"{path}\n")


@app.command("credit")
def credit(
    number: Number,
    amount: Annotated[
        str | None,
        typer.Option("--amount", help="Amount to credit, excluding VAT (one VAT rate only)."),
    ] = None,
    lines: Annotated[
        str | None,
        typer.Option("--lines", help="Positions of the lines to credit, e.g. 1,3 (as printed)."),
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why, printed on it.")] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Credit note date, YYYY-MM-DD; default today.")
    ] = None,
    json: Json = False,
) -> None:
    """Issue a credit note on an unpaid or partially paid invoice: it lowers the balance.
    Prints the credit note number (CN-2026-0001, its own gapless yearly series).

    Without --amount or --lines every line is credited. Export or send it like an invoice:
    `salesflow invoice export CN-2026-0001`.

    Example: salesflow invoice credit INV-2026-0001 --lines 2 --reason "Returned damaged"
    """
    from salesflow.pipeline.fields import parse_date
    from salesflow.services import invoices

    day = parse_date(date, "credit note date") if date else common.today()
    with common.writing() as session:
        done = invoices.credit(
            session, number, amount=amount, lines=lines, reason=reason, day=day, now=common.now()
        )
    if json:
        common.print_json(
            {"credit_note": common.dump(done.credit_note), "invoice": invoice_json(done.invoice)}
        )
        return
    from salesflow.pipeline.money import format_money

    common.print_created(done.credit_note.number)
    common.say(
        f"Credit note {done.credit_note.number} credits "
        f"{format_money(done.credit_note.total)} {done.invoice.currency} on invoice "
        f"{done.invoice.number}; balance {format_money(done.invoice.balance)} "
        f"{done.invoice.currency} ({done.invoice.status})"
    )


owners.add_assign(
    app,
    "Invoice",
    noun="invoices",
    complete=common.complete_invoices,
    json_option=Json,
    help="""Give invoices to another seller (several numbers, or - for stdin).

    Example: salesflow invoice assign INV-2026-0003 --to bob
    """,
)
