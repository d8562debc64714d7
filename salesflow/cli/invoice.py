"""`salesflow invoice ...`: invoices, their payments, and the documents to send."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from salesflow.cli import batch, common, quote, render
from salesflow.cli.common import AppTyper
from salesflow.cli.output import ListOutput, customer_names, list_options

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


def _complete_documents(ctx: typer.Context, incomplete: str) -> Any:
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


def _credited(invoice: Any) -> str | None:
    from salesflow.pipeline.money import format_money

    if not invoice.credit_notes:
        return None
    notes = ", ".join(invoice.credit_notes)
    return f"{format_money(invoice.credited)} {invoice.currency} ({notes})"


def show_credit_note(note: Any, json: bool) -> None:
    if json:
        common.print_json(common.dump(note))
        return
    common.print_fields(
        [
            ("Number", note.number),
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


def _record(session: Any, number: str) -> Any:
    """The invoice, or the credit note (`CN-…`), numbered `number`."""
    from salesflow.models import CreditNote, Invoice

    model = CreditNote if number.strip().upper().startswith("CN-") else Invoice
    return session.get(model, number)


@app.command("list")
@list_options
def list_(
    status: Annotated[
        str | None,
        typer.Option("--status", help="unpaid, partially-paid, paid, overdue or cancelled."),
    ] = None,
    source: common.SourceOpt = None,
    account: common.AccountOpt = None,
    since: Since = None,
    until: Until = None,
    search: common.DocumentSearchOpt = None,
    sort: common.SortOpt = None,
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
    from salesflow.cli.quote import listed
    from salesflow.models import Invoice
    from salesflow.pipeline import listing
    from salesflow.pipeline.money import format_money

    spec = listing.INVOICES
    query = common.list_query(spec, locals())
    with common.reading() as session:
        invoices = listed(
            session,
            Invoice,
            spec,
            query,
            session.docs(Invoice),
            status_of=_status_of(session, query.status),
            page=output.page,
        )
        customer = customer_names(session)
    output.emit(
        invoices,
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
            customer(i),
            i.invoice_date,
            i.due_date,
            _status(i),
            f"{format_money(i.total)} {i.currency}",
            format_money(i.amount_paid),
            format_money(i.balance),
        ],
        numeric=["Total", "Paid", "Balance"],
        as_json=invoice_json,
    )


def _status_of(session: Any, wanted: str | None) -> Any:
    """The status `--status` compares: `overdue` (derived from today) when that is asked for
    and the invoice is overdue, else the stored one, so an overdue unpaid invoice still lists
    under `--status unpaid`."""
    from salesflow.models import Invoice
    from salesflow.pipeline.invoices import is_overdue

    today = common.today()

    def status_of(doc: dict[str, Any]) -> str:
        stored = str(doc.get("status") or "unpaid")
        if (
            wanted == "overdue"
            and stored in ("unpaid", "partially-paid")
            and str(doc.get("due_date") or "") < today.isoformat()
            and is_overdue(session.load(Invoice, doc), today)
        ):
            return "overdue"
        return stored

    return status_of


@app.command("show")
def show(number: DocumentNumber, json: Json = False) -> None:
    """Show an invoice with its lines, payments, credit notes and balance, or a credit note.

    Example: salesflow invoice show INV-2026-0001 --json | jq .balance
    """
    from salesflow.models import CreditNote

    with common.reading() as session:
        record = _record(session, number)
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
    from salesflow.models import Invoice
    from salesflow.pipeline.fields import parse_date
    from salesflow.pipeline.invoices import pay_invoice
    from salesflow.pipeline.money import format_money

    paid_on = parse_date(date, "payment date") if date else common.today()
    wanted = batch.read_numbers(numbers)
    if amount is not None and len(wanted) > 1:
        raise UsageError(
            f"--amount {amount.strip()} with {len(wanted)} invoices is ambiguous; pay one "
            "invoice at a time with --amount, or leave --amount out to pay each balance"
        )
    batch.confirm(len(wanted), "Pay", yes)
    with common.writing() as session:
        now = common.now()

        def pay_one(number: str) -> Any:
            invoice, paid = pay_invoice(
                session.get(Invoice, number), amount=amount, paid_on=paid_on, now=now
            )
            session.put(invoice)
            session.add_events([paid])
            return invoice

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
    from salesflow.models import Invoice, Order
    from salesflow.pipeline.invoices import cancel_invoice

    with common.writing() as session:
        invoice = session.get(Invoice, number)
        done = cancel_invoice(
            invoice,
            order=session.find(Order, invoice.order),
            today=common.today(),
            now=common.now(),
        )
        session.put(*filter(None, (done.invoice, done.order)))
        session.add_events(done.events)
    if json:
        show_invoice(done.invoice, json)
    else:
        common.print_created(done.invoice.number)
        common.say(f"Invoice {done.invoice.number} is cancelled")
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
    lang: quote.Lang = None,
) -> None:
    """Write an invoice or a credit note (CN-…) as a PDF, HTML or Markdown document to send.
    Prints the file written.

    The document is in --lang, else the customer's language, else `config set language`.

    Example: salesflow invoice export INV-2026-0001 --format pdf --lang de
    """
    with common.reading() as session:
        view = quote.document(session, _record(session, number), lang, logo=fmt.strip() == "pdf")
    quote.write_document(view, fmt, output, force)


@app.command("send")
def send(
    number: DocumentNumber,
    to: quote.To,
    cc: quote.Cc = None,
    output: quote.EmlOutput = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    lang: quote.Lang = None,
) -> None:
    """Write an invoice or a credit note (CN-…) as an e-mail draft (.eml, the PDF attached)
    for your mail client. Prints the file written; nothing is sent over the network.

    The history records the sending (to whom, when).

    Example: salesflow invoice send INV-2026-0001 --to finance@example.com --cc anna@example.com
    """
    from salesflow.pipeline.documents import check_sendable

    with common.writing() as session:
        invoice = _record(session, number)
        check_sendable(invoice)
        view = quote.document(session, invoice, lang)
        path, sent = quote.send_document(view, to, cc or [], output, force)
        session.add_events([sent])
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
    from salesflow.models import Invoice
    from salesflow.pipeline.fields import parse_date
    from salesflow.pipeline.invoices import credit_invoice
    from salesflow.pipeline.numbering import credit_note_series

    day = parse_date(date, "credit note date") if date else common.today()
    with common.writing() as session:
        invoice = session.get(Invoice, number)
        if day < invoice.invoice_date:
            from salesflow.errors import InvalidValue

            raise InvalidValue(
                f"invoice {invoice.number}: credit note date {day.isoformat()} is before the "
                f"invoice date {invoice.invoice_date.isoformat()}"
            )
        done = credit_invoice(
            invoice,
            number=common.numbers(session)(credit_note_series(day.year)),
            amount=amount,
            lines=lines,
            reason=reason,
            today=day,
            now=common.now(),
        )
        session.put(done.credit_note, done.invoice)
        session.add_events(done.events)
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
