"""`salesflow quote ...`: quotes with revisions, a header discount, and acceptance into an order."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from salesflow.cli import common, render
from salesflow.cli.common import AppTyper

app = AppTyper(help="Quotes: priced proposals for an opportunity, revised until accepted.")

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Number = Annotated[str, typer.Argument(help="Quote number, e.g. QUO-0001.", show_default=False)]
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


# --- shared with `order` and `invoice` ---------------------------------------------------------


def revisions_of(session: Any, number: str) -> list[Any]:
    """Every stored revision of quote `number` (any case), oldest first."""
    from salesflow.models import Quote

    wanted = number.strip().upper()
    found = session.all(Quote, lambda d: str(d.get("number", "")).upper() == wanted)
    return sorted(found, key=lambda q: q.revision)


def load_quote(session: Any, number: str, revision: int | None = None) -> Any:
    """Revision `revision` of a quote, else its latest; NotFound names the revisions it has."""
    from salesflow.pipeline.quotes import pick_revision

    return pick_revision(number.strip().upper(), revisions_of(session, number), revision)


def quotes_of_opportunity(session: Any, opportunity: str) -> list[Any]:
    from salesflow.models import Quote

    wanted = opportunity.upper()
    return session.all(Quote, lambda d: str(d.get("opportunity", "")).upper() == wanted)


def seller(session: Any) -> Any:
    """The seller's details from the settings (`salesflow init --company ...`)."""
    from salesflow.documents import Seller

    settings = common.settings(session)
    return Seller(
        company=settings.get("company"),
        address=settings.get("address"),
        email=settings.get("email"),
        phone=settings.get("phone"),
        vat_number=settings.get("vat_number"),
        iban=settings.get("iban"),
    )


def document(session: Any, record: Any) -> Any:
    """The document view of a quote or invoice: its seller, account and contact."""
    from salesflow.documents import document_view
    from salesflow.models import Account, Contact

    return document_view(
        record,
        seller(session),
        account=session.find(Account, record.account) if record.account else None,
        contact=session.find(Contact, record.contact) if record.contact else None,
    )


def write_document(view: Any, fmt: str, output: str | None, force: bool) -> None:
    """Render `view` as `fmt` into `output` (default name in the current directory, `-` stdout).

    An existing file is kept unless `force`; new files are readable by their owner only.
    Prints the path written on stdout.
    """
    from salesflow.documents import (
        FORMATS,
        default_filename,
        render_html,
        render_markdown,
        render_pdf,
    )
    from salesflow.errors import InvalidValue, Refused, UsageError
    from salesflow.pipeline.records import choice

    kind = choice(fmt, FORMATS, "format")
    number = view.record.number
    if output is not None and output.strip() == "-":
        if kind == "pdf":
            raise UsageError(
                f"{view.kind} {number}: a PDF cannot be written to stdout (--output -); "
                "give --output FILE, or use --format html or md"
            )
        sys.stdout.write(render_markdown(view) if kind == "md" else render_html(view))
        return
    path = Path(output) if output else Path(default_filename(view, kind))
    if path.is_dir():
        raise InvalidValue(f"{view.kind} {number}: output {path} is a directory; give a file name")
    if not path.parent.is_dir():
        raise InvalidValue(
            f"{view.kind} {number}: cannot write {path}; directory {path.parent} does not exist"
        )
    if path.exists() and not force:
        raise Refused(
            f"{view.kind} {number}: file {path} already exists; use --force to overwrite it"
        )
    if kind == "pdf":
        data = render_pdf(view)
    else:
        data = (render_markdown(view) if kind == "md" else render_html(view)).encode("utf-8")
    from salesflow.store import atomic_write_bytes

    atomic_write_bytes(path, data)
    sys.stdout.write(f"{path}\n")


# --- views -------------------------------------------------------------------------------------


def _status(record: Any) -> str:
    reason = record.status_reason
    return record.status + (f" ({reason})" if reason and reason != record.status else "")


def show_quote(quote: Any, json: bool, revisions: list[int] | None = None) -> None:
    if json:
        common.print_json(common.dump(quote))
        return
    common.print_fields(
        [
            ("Number", quote.number),
            ("Revision", quote.revision),
            ("Revisions", ", ".join(map(str, revisions)) if revisions else None),
            ("Opportunity", quote.opportunity),
            ("Account", quote.account),
            ("Contact", quote.contact),
            ("Status", _status(quote)),
            ("Created", quote.created_on),
            ("Valid until", quote.valid_until),
            ("Activated", quote.activated_on),
            ("Closed", quote.closed_on),
            ("Order", quote.order),
            *render.totals_pairs(quote),
        ]
    )
    render.print_lines(quote)


def _report(quote: Any, json: bool, message: str) -> None:
    if json:
        show_quote(quote, json)
    else:
        common.print_created(quote.number)
        common.say(message)


def _line_spec(**values: Any) -> Any:
    from salesflow.pipeline.lines import LineSpec

    return LineSpec(**values)


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
    from salesflow.models import Opportunity
    from salesflow.pipeline.quotes import create_quote

    with common.writing() as session:
        result = create_quote(
            session.get(Opportunity, opportunity),
            number=common.numbers(session)("QUO"),
            valid_until=valid_until,
            today=common.today(),
            now=common.now(),
        )
        session.put(result.quote, result.opportunity)
        session.add_events(result.events)
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
    sku: Annotated[str | None, typer.Argument(help="Catalog SKU (omit for a write-in).")] = None,
    quantity: Annotated[
        str, typer.Option("--quantity", "-q", help="Quantity (> 0; 1.5 is fine).")
    ] = "1",
    price: Annotated[
        str | None, typer.Option("--price", help="Unit price; default the catalog price.")
    ] = None,
    discount: Annotated[
        str | None, typer.Option("--discount", help="10% of gross, or an amount like 25.00.")
    ] = None,
    tax_rate: Annotated[
        str | None, typer.Option("--tax-rate", help="Tax percentage; default the product's.")
    ] = None,
    write_in: Annotated[
        str | None, typer.Option("--write-in", help="Text of a line not in the catalog.")
    ] = None,
    json: Json = False,
) -> None:
    """Add a catalog product or a write-in line to a draft quote (latest revision).

    Example: salesflow quote add-product QUO-0001 TRAINING --quantity 2 --discount 10%
    """
    from salesflow.models import Product
    from salesflow.pipeline.quotes import add_quote_product

    with common.writing() as session:
        quote, added = add_quote_product(
            load_quote(session, number),
            _line_spec(
                quantity=quantity,
                sku=sku,
                write_in=write_in,
                price=price,
                discount=discount,
                tax_rate=tax_rate,
            ),
            products={p.sku.upper(): p for p in session.all(Product)},
            default_tax_rate=common.settings(session).tax_rate,
            now=common.now(),
        )
        session.put(quote)
        session.add_events([added])
    show_quote(quote, json)


@app.command("remove-product")
def remove_product(
    number: Number,
    line_no: Annotated[int, typer.Argument(help="Line number, as `quote show` lists it.")],
    json: Json = False,
) -> None:
    """Remove a line from a draft quote (latest revision).

    Example: salesflow quote remove-product QUO-0001 2
    """
    from salesflow.pipeline.quotes import remove_quote_product

    with common.writing() as session:
        quote, removed = remove_quote_product(
            load_quote(session, number), line_no, now=common.now()
        )
        session.put(quote)
        session.add_events([removed])
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
    from salesflow.pipeline.quotes import discount_quote

    with common.writing() as session:
        quote, discounted = discount_quote(
            load_quote(session, number), percent=percent, amount=amount, now=common.now()
        )
        session.put(quote)
        session.add_events([discounted])
    show_quote(quote, json)


@app.command("activate")
def activate(number: Number, json: Json = False) -> None:
    """Activate a draft quote (it needs a line): ready to send, no more edits.

    Example: salesflow quote activate QUO-0001
    """
    from salesflow.pipeline.quotes import activate_quote, quote_label

    with common.writing() as session:
        quote, activated = activate_quote(
            load_quote(session, number), today=common.today(), now=common.now()
        )
        session.put(quote)
        session.add_events([activated])
    _report(quote, json, f"Quote {quote_label(quote)} is active")


@app.command("accept")
def accept(number: Number, json: Json = False) -> None:
    """Accept an active quote: an order is created and the opportunity won. Prints the order.

    The opportunity's other draft or active quotes are closed as lost.

    Example: salesflow quote accept QUO-0001
    """
    from salesflow.models import Opportunity
    from salesflow.pipeline.quotes import accept_quote, quote_label

    with common.writing() as session:
        quote = load_quote(session, number)
        result = accept_quote(
            quote,
            opportunity=session.get(Opportunity, quote.opportunity),
            quotes=quotes_of_opportunity(session, quote.opportunity),
            numbers=common.numbers(session),
            today=common.today(),
            now=common.now(),
        )
        session.put(result.quote, result.order, result.opportunity, *result.closed)
        session.add_events(result.events)
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
    reason: Annotated[str, typer.Option("--reason", help="lost or canceled.", show_default=False)],
    json: Json = False,
) -> None:
    """Close an active quote as lost or canceled (delete a draft instead).

    Example: salesflow quote close QUO-0002 --reason lost
    """
    from salesflow.pipeline.quotes import close_quote, quote_label

    with common.writing() as session:
        quote, closed = close_quote(
            load_quote(session, number), reason, today=common.today(), now=common.now()
        )
        session.put(quote)
        session.add_events([closed])
    _report(quote, json, f"Quote {quote_label(quote)} is closed ({quote.status_reason})")


@app.command("revise")
def revise(number: Number, json: Json = False) -> None:
    """Revise an active or lost quote: it closes (revised) and a new draft revision opens.

    The new revision keeps the number, lines and discount. Prints the quote number.

    Example: salesflow quote revise QUO-0001
    """
    from salesflow.models import Opportunity
    from salesflow.pipeline.quotes import quote_label, revise_quote

    with common.writing() as session:
        quote = load_quote(session, number)
        result = revise_quote(
            quote,
            opportunity=session.get(Opportunity, quote.opportunity),
            today=common.today(),
            now=common.now(),
        )
        session.put(result.closed, result.draft)
        session.add_events(result.events)
    _report(result.draft, json, f"Quote {quote_label(result.draft)} is a draft")


@app.command("delete")
def delete(number: Number) -> None:
    """Delete a draft quote (its latest revision); the number is not handed out again.

    Example: salesflow quote delete QUO-0003
    """
    from salesflow.pipeline.quotes import delete_quote, quote_label

    with common.writing() as session:
        quote = load_quote(session, number)
        deleted = delete_quote(quote, now=common.now())
        session.remove(quote)
        session.add_events([deleted])
    common.say(f"Quote {quote_label(quote)} is deleted")


@app.command("list")
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
    json: Json = False,
) -> None:
    """List quotes (the latest revision of each).

    Example: salesflow quote list --status active --json | jq -r '.[].number'
    """
    from salesflow.models import Quote
    from salesflow.pipeline.money import format_money
    from salesflow.pipeline.quotes import latest_revision
    from salesflow.pipeline.records import choice

    wanted = choice(status, ("draft", "active", "won", "closed"), "status") if status else None
    deal = opportunity.strip().upper() if opportunity else None

    def keep(doc: dict[str, Any]) -> bool:
        return deal is None or str(doc.get("opportunity", "")).upper() == deal

    with common.reading() as session:
        quotes = session.all(Quote, keep)
    if not all_revisions:
        by_number: dict[str, list[Any]] = {}
        for quote in quotes:
            by_number.setdefault(quote.number, []).append(quote)
        quotes = [latest_revision(revisions) for revisions in by_number.values()]
    quotes = sorted(
        (q for q in quotes if wanted is None or q.status == wanted),
        key=lambda q: (q.number, q.revision),
    )
    if json:
        common.print_json([common.dump(q) for q in quotes])
        return
    if not quotes:
        common.say("No quotes.")
        return
    common.print_table(
        ["Number", "Rev.", "Opportunity", "Account", "Status", "Valid until", "Total"],
        [
            [
                q.number,
                q.revision,
                q.opportunity,
                q.account,
                _status(q),
                q.valid_until,
                f"{format_money(q.total)} {q.currency}",
            ]
            for q in quotes
        ],
        numeric=["Rev.", "Total"],
    )


@app.command("show")
def show(number: Number, revision: Revision = None, json: Json = False) -> None:
    """Show a quote (its latest revision unless --revision) with lines and totals.

    Example: salesflow quote show QUO-0001 --revision 1 --json | jq .total
    """
    with common.reading() as session:
        revisions = revisions_of(session, number)
        quote = load_quote(session, number, revision)
    show_quote(quote, json, [q.revision for q in revisions])


@app.command("export")
def export(
    number: Number,
    fmt: Format = "pdf",
    output: Output = None,
    revision: Revision = None,
    force: Force = False,
) -> None:
    """Write a quote as a PDF, HTML or Markdown document to send. Prints the file written.

    Example: salesflow quote export QUO-0001 --format pdf --output quote.pdf
    """
    with common.reading() as session:
        view = document(session, load_quote(session, number, revision))
    write_document(view, fmt, output, force)
