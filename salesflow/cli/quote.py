"""`salesflow quote ...`: quotes with revisions, a header discount, and acceptance into an order."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from salesflow.cli import batch, common, owners, render
from salesflow.cli.common import AppTyper
from salesflow.cli.document_files import Cc, EmlOutput, Lang, To
from salesflow.cli.output import ListOutput, list_options

if TYPE_CHECKING:
    from salesflow.models import Quote

app = AppTyper(help="Quotes: priced proposals for an opportunity, revised until accepted.")

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Number = Annotated[
    str,
    typer.Argument(
        help="Quote number, e.g. QUO-0001.",
        show_default=False,
        autocompletion=common.complete_quotes,
    ),
]
Revision = Annotated[
    int | None,
    typer.Option("--revision", "-r", help="An earlier revision; default the latest.", min=1),
]
Format = Annotated[str, typer.Option("--format", "-f", help="pdf, html or md.", show_default=True)]
Output = Annotated[
    str | None,
    typer.Option(
        "--output", "-o", help="File to write (default QUO-0001.pdf etc. here); - for stdout."
    ),
]
Force = Annotated[bool, typer.Option("--force", help="Overwrite an existing output file.")]

VAT_TEXT = {
    "domestic": "the lines' rates (domestic)",
    "reverse-charge": "reverse charge: 0 % (EU business customer with a VAT ID)",
    "export": "0 %: export outside the EU",
    "eu-without-vat-id": "your rates (EU customer without a VAT ID)",
}


# --- views -------------------------------------------------------------------------------------


def _status(record: Quote) -> str:
    reason = record.status_reason
    return record.status + (f" ({reason})" if reason and reason != record.status else "")


def _valid_until_text(quote: Quote) -> str:
    """The valid-until date, marked when a draft or active quote has expired."""
    from salesflow.pipeline.quotes import is_expired

    expired = is_expired(quote, common.today())
    return f"{quote.valid_until} (expired)" if expired else str(quote.valid_until)


def show_quote(quote: Quote, json: bool, revisions: list[int] | None = None) -> None:
    if json:
        common.print_json(common.dump(quote))
        return
    common.print_fields(
        [
            ("Number", quote.number),
            ("Owner", quote.owner),
            ("Revision", quote.revision),
            ("Revisions", ", ".join(map(str, revisions)) if revisions else None),
            ("Opportunity", quote.opportunity),
            ("Account", quote.account),
            ("Contact", quote.contact),
            ("Status", _status(quote)),
            ("Created", quote.created_on),
            ("Valid until", _valid_until_text(quote)),
            ("Reference", quote.customer_reference),
            ("VAT", VAT_TEXT[quote.vat_treatment or "domestic"]),
            ("Activated", quote.activated_on),
            ("Closed", quote.closed_on),
            ("Order", quote.order),
            *render.totals_pairs(quote),
        ]
    )
    render.print_lines(quote)


def _report(quote: Quote, json: bool, message: str) -> None:
    if json:
        show_quote(quote, json)
    else:
        common.print_created(quote.number)
        common.say(message)


# --- commands ----------------------------------------------------------------------------------


@app.command("create")
def create(
    opportunity: Annotated[
        str, typer.Argument(help="Open opportunity, e.g. OPP-0001.", show_default=False)
    ],
    valid_until: Annotated[
        str | None,
        typer.Option("--valid-until", help="Last valid day, YYYY-MM-DD; default in 30 days."),
    ] = None,
    json: Json = False,
) -> None:
    """Create a draft quote from an open opportunity's lines. Prints the quote number.

    The opportunity moves to stage propose.

    Example: salesflow quote create OPP-0001 --valid-until 2026-12-31
    """
    from salesflow.services import quotes

    with common.writing() as session:
        result = quotes.create(
            session, opportunity, valid_until=valid_until, today=common.today(), now=common.now()
        )
    if json:
        show_quote(result.quote, json)
    else:
        common.print_created(result.quote.number)
        common.say(
            f"Quote {result.quote.number} is a draft for {result.opportunity.number} "
            f"(stage {result.opportunity.stage})"
        )


@app.command("add-product")
def add_product(
    number: Number,
    sku: common.SkuArg = None,
    quantity: common.QuantityOpt = "1",
    price: common.PriceOpt = None,
    discount: common.DiscountOpt = None,
    tax_rate: common.TaxRateOpt = None,
    write_in: common.WriteInOpt = None,
    json: Json = False,
) -> None:
    """Add a catalog product or a write-in line to a draft quote (latest revision).

    Example: salesflow quote add-product QUO-0001 TRAINING --quantity 2 --discount 10%
    """
    from salesflow.services import quotes

    line = common.line_spec(
        quantity=quantity,
        sku=sku,
        write_in=write_in,
        price=price,
        discount=discount,
        tax_rate=tax_rate,
    )
    with common.writing() as session:
        quote = quotes.add_product(session, number, line, now=common.now())
    show_quote(quote, json)


@app.command("remove-product")
def remove_product(
    number: Number,
    line_no: common.LineNoArg,
    json: Json = False,
) -> None:
    """Remove a line from a draft quote (latest revision).

    Example: salesflow quote remove-product QUO-0001 2
    """
    from salesflow.services import quotes

    with common.writing() as session:
        quote = quotes.remove_product(session, number, line_no, now=common.now())
    show_quote(quote, json)


@app.command("edit-line")
def edit_line(
    number: Number,
    line_no: common.LineNoArg,
    quantity: common.NewQuantityOpt = None,
    price: common.PriceOpt = None,
    discount: common.DiscountOpt = None,
    description: common.DescriptionOpt = None,
    tax_rate: common.TaxRateOpt = None,
    json: Json = False,
) -> None:
    """Change a line of a draft quote (latest revision); it keeps its number and place.

    Example: salesflow quote edit-line QUO-0001 1 --price 950 --description "Senior consulting day"
    """
    from salesflow.services import quotes

    change = common.line_edit(
        quantity=quantity,
        price=price,
        discount=discount,
        description=description,
        tax_rate=tax_rate,
    )
    with common.writing() as session:
        quote = quotes.edit_line(session, number, line_no, change, now=common.now())
    show_quote(quote, json)


@app.command("edit")
def edit(
    number: Number,
    valid_until: Annotated[
        str | None,
        typer.Option("--valid-until", help="A new last day of validity, YYYY-MM-DD (drafts)."),
    ] = None,
    customer_reference: Annotated[
        str | None,
        typer.Option(
            "--customer-reference", "-r", help="The customer's reference, e.g. their PO number."
        ),
    ] = None,
    json: Json = False,
) -> None:
    """Change a quote's valid-until date (drafts) or the customer's reference (latest revision).

    Example: salesflow quote edit QUO-0001 --valid-until 2027-01-31 --customer-reference PO-4471
    """
    from salesflow.services import quotes

    with common.writing() as session:
        quote = quotes.edit(
            session,
            number,
            valid_until=valid_until,
            customer_reference=customer_reference,
            today=common.today(),
            now=common.now(),
        )
    show_quote(quote, json)


@app.command("discount")
def discount(
    number: Number,
    percent: Annotated[
        str | None, typer.Option("--percent", help="A percentage of the subtotal, 0–100.")
    ] = None,
    amount: Annotated[
        str | None, typer.Option("--amount", help="An amount, at most the subtotal; 0 removes.")
    ] = None,
    json: Json = False,
) -> None:
    """Set the header discount of a draft quote; it is spread over the lines (and lowers tax).

    Example: salesflow quote discount QUO-0001 --percent 5
    """
    from salesflow.services import quotes

    with common.writing() as session:
        quote = quotes.discount(session, number, percent=percent, amount=amount, now=common.now())
    show_quote(quote, json)


@app.command("activate")
def activate(
    numbers: batch.NumbersArg,
    keep_going: batch.KeepGoingOpt = False,
    yes: batch.YesOpt = False,
    json: Json = False,
) -> None:
    """Activate draft quotes (each needs a line): ready to send, no more edits.

    Several numbers (or - for stdin) are activated in one write, all or nothing unless
    --keep-going; more than 20 on a terminal ask first unless --yes. Prints each quote number.

    Example: salesflow quote list --status draft --jsonl | jq -r .number | salesflow quote
    activate -
    """
    from salesflow.pipeline.quotes import quote_label
    from salesflow.services import quotes

    wanted = batch.read_numbers(numbers)
    batch.confirm(len(wanted), "Activate", yes)
    with common.writing() as session:
        activate_one = quotes.activator(session, today=common.today(), now=common.now())
        outcome = batch.apply_each(
            session, wanted, activate_one, keep_going=keep_going, noun="quotes"
        )
    batch.print_results(outcome.results, json, len(wanted) == 1, lambda q: q.number)
    if not json:
        for quote in outcome.results:
            common.say(f"Quote {quote_label(quote)} is active")
    outcome.finish()


@app.command("accept")
def accept(number: Number, json: Json = False) -> None:
    """Accept an active quote: an order is created and the opportunity won. Prints the order.

    The opportunity's other draft or active quotes are closed as lost.

    Example: salesflow quote accept QUO-0001
    """
    from salesflow.pipeline.quotes import quote_label
    from salesflow.services import quotes

    with common.writing() as session:
        result = quotes.accept(session, number, today=common.today(), now=common.now())
    if json:
        common.print_json(
            {
                "quote": common.dump(result.quote),
                "order": common.dump(result.order),
                "opportunity": common.dump(result.opportunity),
                "closed_quotes": [common.dump(q) for q in result.closed],
            }
        )
        return
    common.print_created(result.order.number)
    closed = ", ".join(quote_label(q) for q in result.closed)
    common.say(
        f"Quote {quote_label(result.quote)} is won; order {result.order.number} created; "
        f"opportunity {result.opportunity.number} is won"
        + (f"; closed as lost: {closed}" if closed else "")
    )


@app.command("close")
def close(
    number: Number,
    reason: Annotated[
        str,
        typer.Option(
            "--reason",
            "-r",
            help="lost or canceled.",
            show_default=False,
            autocompletion=common.complete_choices(
                [("lost", "the customer said no"), ("canceled", "withdrawn by you")]
            ),
        ),
    ],
    json: Json = False,
) -> None:
    """Close an active quote as lost or canceled (delete a draft instead).

    Example: salesflow quote close QUO-0002 --reason lost
    """
    from salesflow.pipeline.quotes import quote_label
    from salesflow.services import quotes

    with common.writing() as session:
        quote = quotes.close(session, number, reason, today=common.today(), now=common.now())
    _report(quote, json, f"Quote {quote_label(quote)} is closed ({quote.status_reason})")


@app.command("revise")
def revise(number: Number, json: Json = False) -> None:
    """Revise an active or lost quote: it closes (revised) and a new draft revision opens.

    The new revision keeps the number, lines and discount. Prints the quote number.

    Example: salesflow quote revise QUO-0001
    """
    from salesflow.pipeline.quotes import quote_label
    from salesflow.services import quotes

    with common.writing() as session:
        draft = quotes.revise(session, number, today=common.today(), now=common.now())
    _report(draft, json, f"Quote {quote_label(draft)} is a draft")


@app.command("delete")
def delete(number: Number) -> None:
    """Delete a draft quote (its latest revision); the number is not handed out again.

    Example: salesflow quote delete QUO-0003
    """
    from salesflow.pipeline.quotes import quote_label
    from salesflow.services import quotes

    with common.writing() as session:
        done = quotes.delete(session, number, now=common.now())
    quote = done.quote
    common.say(f"Quote {quote_label(quote)} is deleted")
    if done.moved:
        moved = ", ".join(a.number for a in done.moved)
        common.say(f"Moved activities {moved} to {quote.opportunity}")


@app.command("list")
@list_options
def list_(
    status: Annotated[
        str | None, typer.Option("--status", help="draft, active, won or closed.")
    ] = None,
    opportunity: Annotated[
        str | None, typer.Option("--opportunity", help="Only this opportunity's quotes.")
    ] = None,
    all_revisions: Annotated[
        bool, typer.Option("--all-revisions", help="Every revision, not only the latest.")
    ] = False,
    source: common.SourceOpt = None,
    account: common.AccountOpt = None,
    since: common.SinceOpt = None,
    until: common.UntilOpt = None,
    search: common.DocumentSearchOpt = None,
    sort: common.SortOpt = None,
    mine: owners.MineOpt = False,
    owner: owners.OwnerOpt = None,
    *,
    output: ListOutput,
) -> None:
    """List quotes (the latest revision of each), by number.

    --source is the source of the opportunity's lead; --since/--until the creation date;
    --search matches the number, the account's name and the contact's name or email.

    Example: salesflow quote list --status active --search müller --sort -total --json
    """
    from salesflow.pipeline import listing
    from salesflow.pipeline.money import format_money
    from salesflow.services import quotes

    query = common.list_query(listing.QUOTES, locals())
    with common.reading() as session:
        found = quotes.listed(session, query, opportunity=opportunity, all_revisions=all_revisions)
        shown = output.page(found.records)
        # the customer column is a table's only: JSON and CSV do not look accounts up
        table = output.format == "table"
        customers = {r.key: found.customer(r) for r in shown} if table else {}
    output.emit(
        shown,
        empty="No quotes.",
        columns=["Number", "Rev.", "Opportunity", "Customer", "Status", "Valid until", "Total"],
        row=lambda q: [
            q.number,
            q.revision,
            q.opportunity,
            customers[q.key],
            _status(q),
            _valid_until_text(q),
            f"{format_money(q.total)} {q.currency}",
        ],
        numeric=["Rev.", "Total"],
        owned=True,
    )


@app.command("show")
def show(number: Number, revision: Revision = None, json: Json = False) -> None:
    """Show a quote (its latest revision unless --revision) with lines and totals.

    Example: salesflow quote show QUO-0001 --revision 1 --json | jq .total
    """
    from salesflow.services import quotes

    with common.reading() as session:
        shown = quotes.show(session, number, revision)
    show_quote(shown.quote, json, shown.revisions)


@app.command("export")
def export(
    number: Number,
    fmt: Format = "pdf",
    output: Output = None,
    revision: Revision = None,
    force: Force = False,
    lang: Lang = None,
) -> None:
    """Write a quote as a PDF, HTML or Markdown document to send. Prints the file written.

    The document is in --lang, else the customer's language, else `config set language`.

    Example: salesflow quote export QUO-0001 --format pdf --lang nl --output offerte.pdf
    """
    from salesflow.cli.document_files import write_document
    from salesflow.services import documents

    with common.reading() as session:
        view = documents.quote_view(session, number, revision, lang, logo=fmt.strip() == "pdf")
    write_document(view, fmt, output, force)


@app.command("send")
def send(
    number: Number,
    to: To,
    cc: Cc = None,
    output: EmlOutput = None,
    revision: Revision = None,
    force: Force = False,
    lang: Lang = None,
) -> None:
    """Write an active quote as an e-mail draft (.eml, the PDF attached) for your mail client.
    Prints the file written; nothing is sent over the network. A draft quote cannot be sent.

    The history records the sending (to whom, when, which revision).

    Example: salesflow quote send QUO-0001 --to anna@example.com --lang nl
    """
    from salesflow.cli.document_files import write_draft
    from salesflow.services import documents

    with common.writing() as session:
        draft = documents.send_quote(
            session, number, revision=revision, to=to, cc=cc or [], lang=lang, now=common.now()
        )
        path = write_draft(draft, output, force)
    sys.stdout.write(f"{path}\n")


owners.add_assign(
    app,
    "Quote",
    noun="quotes",
    complete=common.complete_quotes,
    json_option=Json,
    help="""Give quotes to another seller (several numbers, or - for stdin).

    A quote is assigned whole: every revision.

    Example: salesflow quote assign QUO-0003 --to bob
    """,
)
