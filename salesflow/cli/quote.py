"""`salesflow quote ...`: quotes with revisions, a header discount, and acceptance into an order."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli import batch, common, render
from salesflow.cli.common import AppTyper
from salesflow.cli.output import ListOutput, customer_names, list_options

if TYPE_CHECKING:
    from salesflow.pipeline.listing import ListQuery, ListSpec

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
Lang = Annotated[
    str | None,
    typer.Option(
        "--lang", help="nl, en, de or fr; default the customer's language, else the settings."
    ),
]
To = Annotated[
    list[str],
    typer.Option(
        "--to", help="Recipient's email (repeat for more).", show_default=False, metavar="EMAIL"
    ),
]
Cc = Annotated[
    list[str] | None,
    typer.Option("--cc", help="Copy to this email (repeatable).", metavar="EMAIL"),
]
EmlOutput = Annotated[
    str | None,
    typer.Option("--output", "-o", help="The .eml file to write (default QUO-0001.eml here)."),
]


# --- shared with `order` and `invoice` ---------------------------------------------------------


def revisions_of(session: Any, number: str) -> list[Any]:
    """Every stored revision of quote `number` (any case), oldest first."""
    from salesflow.models import Quote

    wanted = session.full_number(Quote, number).strip().upper()
    found = session.all(Quote, lambda d: str(d.get("number", "")).upper() == wanted)
    return sorted(found, key=lambda q: q.revision)


def load_quote(
    session: Any,
    number: str,
    revision: int | None = None,
    revisions: Callable[[str], list[Any]] | None = None,
) -> Any:
    """Revision `revision` of a quote, else its latest; NotFound names the revisions it has.

    `revisions` (a batch's `session.group_by(Quote, "number", ...)`) finds them without a scan.
    """
    from salesflow.models import Quote
    from salesflow.pipeline.quotes import pick_revision

    wanted = session.full_number(Quote, number).strip().upper()
    found = (
        revisions_of(session, wanted)
        if revisions is None
        else sorted(revisions(wanted), key=lambda q: q.revision)
    )
    return pick_revision(wanted, found, revision)


def quotes_of_opportunity(session: Any, opportunity: str) -> list[Any]:
    from salesflow.models import Quote

    wanted = opportunity.upper()
    return session.all(Quote, lambda d: str(d.get("opportunity", "")).upper() == wanted)


def seller(session: Any, *, logo: bool = True) -> Any:
    """The seller's details from the settings (`salesflow init --company ...`); the logo file is
    read when `logo` (a PDF prints it)."""
    from salesflow.documents import Seller
    from salesflow.errors import InvalidValue

    settings = common.settings(session)
    image = None
    if logo and settings.get("logo"):
        try:
            image = Path(settings.get("logo")).read_bytes()
        except OSError as error:
            raise InvalidValue(
                f"logo {settings.get('logo')!r} cannot be read ({error.strerror}); set another "
                "with `salesflow config set logo FILE`, or clear it with `config set logo ''`"
            ) from None
    return Seller(
        **{
            key: settings.get(key)
            for key in (
                "company",
                "address",
                "email",
                "phone",
                "vat_number",
                "iban",
                "bic",
                "coc",
                "website",
                "footer",
                "terms",
            )
        },
        logo=image,
    )


def document(session: Any, record: Any, lang: str | None = None, *, logo: bool = True) -> Any:
    """The document view of a quote or invoice: its seller, customer, the deal's title, the
    products' descriptions and the language (`lang`, else the customer's, else the settings)."""
    from salesflow.documents import document_view
    from salesflow.documents.facts import document_language
    from salesflow.models import Account, Contact, Opportunity, Product, Quote

    account = session.find(Account, record.account) if record.account else None
    contact = session.find(Contact, record.contact) if record.contact else None
    opportunity = session.find(Opportunity, record.opportunity)
    skus = {line.sku.upper() for line in record.lines if line.sku}
    descriptions = {
        p.sku.upper(): p.description
        for p in session.all(Product, lambda d: str(d.get("sku", "")).upper() in skus)
        if p.description
    }
    latest = None
    if isinstance(record, Quote):
        latest = max(q.revision for q in revisions_of(session, record.number))
    return document_view(
        record,
        seller(session, logo=logo),
        account=account,
        contact=contact,
        lang=document_language(lang, account, contact, common.settings(session).get("language")),
        title=opportunity.name if opportunity else None,
        descriptions=descriptions,
        latest_revision=latest,
    )


def output_path(view: Any, output: str | None, force: bool, fmt: str) -> Path:
    """The file a document goes to: `output`, else its default name here; refused when it is a
    directory, its directory is missing, or it exists (unless `force`)."""
    from salesflow.documents import default_filename
    from salesflow.errors import InvalidValue, Refused

    number = view.record.number
    path = Path(output) if output else Path(default_filename(view, fmt))
    if path.is_dir():
        raise InvalidValue(f"{view.kind} {number}: output {path} is a directory; give a file name")
    if not path.parent.is_dir():
        raise InvalidValue(
            f"{view.kind} {number}: cannot write {path}; directory {path.parent} does not exist"
        )
    common.refuse_data_files(path, f"{view.kind} {number}: output")
    if path.exists() and not force:
        raise Refused(
            f"{view.kind} {number}: file {path} already exists; use --force to overwrite it"
        )
    return path


def write_document(view: Any, fmt: str, output: str | None, force: bool) -> None:
    """Render `view` as `fmt` into `output` (default name in the current directory, `-` stdout).

    An existing file is kept unless `force`; new files are readable by their owner only.
    Prints the path written on stdout.
    """
    from salesflow.documents import FORMATS, render_html, render_markdown, render_pdf
    from salesflow.errors import UsageError
    from salesflow.pipeline.fields import choice

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
    path = output_path(view, output, force, kind)
    if kind == "pdf":
        data = render_pdf(view)
    else:
        data = (render_markdown(view) if kind == "md" else render_html(view)).encode("utf-8")
    common.write_output(path, data, f"{view.kind} {number}: ")
    sys.stdout.write(f"{path}\n")


def send_document(
    view: Any, to: list[str], cc: list[str], output: str | None, force: bool
) -> tuple[Path, Any]:
    """Write `view` as a PDF attached to an `.eml` draft to `to` (and `cc`); returns the file
    and the `sent` event to record. Nothing goes over the network."""
    from salesflow.documents import default_filename, draft_email, render_pdf
    from salesflow.pipeline.documents import sent_event

    now = common.now()
    event = sent_event(view.record, to=to, cc=cc, lang=view.lang, now=now)
    default = Path(default_filename(view, "pdf")).with_suffix(".eml")
    path = output_path(view, output or str(default), force, "pdf")
    message = draft_email(
        view,
        render_pdf(view),
        filename=default_filename(view, "pdf"),
        to=event.details["to"],
        cc=event.details.get("cc", []),
        now=now,
    )
    from salesflow.store import atomic_write_bytes

    atomic_write_bytes(path, bytes(message))
    return path, event


# --- lists of quotes, orders and invoices -------------------------------------------------------

Doc = dict[str, Any]


def sources_by_opportunity(session: Any) -> dict[str, str | None]:
    """The source behind each opportunity (upper-cased number): its own, else its lead's."""
    from salesflow.models import Lead, Opportunity

    leads: dict[str, str | None] | None = None
    found: dict[str, str | None] = {}
    for doc in session.docs(Opportunity):
        source = doc.get("source")
        if not source and doc.get("lead"):
            if leads is None:
                leads = {
                    str(d.get("number", "")).upper(): d.get("source") for d in session.docs(Lead)
                }
            source = leads.get(str(doc["lead"]).upper())
        found[str(doc.get("number", "")).upper()] = source
    return found


def customer_text(session: Any) -> Callable[[Doc], str]:
    """Searchable text of a record's account (name) and contact (name, email), folded."""
    from salesflow.models import Account, Contact
    from salesflow.pipeline.listing import fold

    def key(doc: Doc) -> str:
        return str(doc.get("number") or "").upper()

    accounts = {key(d): fold(str(d.get("name") or "")) for d in session.docs(Account)}
    contacts = {
        key(d): fold(" ".join(str(d.get(f) or "") for f in ("first_name", "last_name", "email")))
        for d in session.docs(Contact)
    }

    def text(doc: Doc) -> str:
        account = accounts.get(str(doc.get("account") or "").upper(), "")
        return f"{account} | {contacts.get(str(doc.get('contact') or '').upper(), '')}"

    return text


def listed(
    session: Any,
    model: Any,
    spec: ListSpec,
    query: ListQuery,
    docs: list[Doc],
    *,
    status_of: Callable[[Doc], str] | None = None,
    page: Callable[[list[Any]], Any] = list,
) -> list[Any]:
    """Quotes, orders or invoices (`docs`) filtered, sorted and cut by a list's options.

    `--source` is the source of the opportunity (or lead) behind each record; `--search` also
    matches the account's name and the contact's name and email. Only the records shown are
    validated, unless the sort field is a computed one (a total). `page` cuts the sorted
    records to what a terminal shows (`ListOutput.page`).
    """
    from salesflow.pipeline import listing

    sources = sources_by_opportunity(session) if query.source else {}
    docs = listing.select(
        docs,
        query,
        spec,
        status_of=status_of,
        extra_text=customer_text(session) if query.search else None,
        source_of=lambda d: sources.get(str(d.get("opportunity") or "").upper()),
    )
    if query.sort in spec.computed:
        records = [session.load(model, d) for d in docs]
        return list(page(listing.arrange(records, query, listing.model_value)))
    shown = page(listing.arrange(docs, query, listing.doc_value))
    return [session.load(model, d) for d in shown]


def _vat_treatment(session: Any, record: Any) -> Any:
    """The VAT treatment of a sale to `record`'s customer (account, else contact)."""
    from salesflow.models import Account, Contact
    from salesflow.pipeline.vat import vat_treatment

    customer = (session.find(Account, record.account) if record.account else None) or (
        session.find(Contact, record.contact) if record.contact else None
    )
    return vat_treatment(
        common.settings(session).country,
        customer.country if customer else None,
        customer.vat_id if customer else None,
    )


VAT_TEXT = {
    "domestic": "the lines' rates (domestic)",
    "reverse-charge": "reverse charge: 0 % (EU business customer with a VAT ID)",
    "export": "0 %: export outside the EU",
    "eu-without-vat-id": "your rates (EU customer without a VAT ID)",
}


# --- views -------------------------------------------------------------------------------------


def _status(record: Any) -> str:
    reason = record.status_reason
    return record.status + (f" ({reason})" if reason and reason != record.status else "")


def _valid_until_text(quote: Any) -> str:
    """The valid-until date, marked when a draft or active quote has expired."""
    from salesflow.pipeline.quotes import is_expired

    expired = is_expired(quote, common.today())
    return f"{quote.valid_until} (expired)" if expired else str(quote.valid_until)


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
        deal = session.get(Opportunity, opportunity)
        result = create_quote(
            deal,
            number=common.numbers(session)("QUO"),
            valid_until=valid_until,
            vat=_vat_treatment(session, deal),
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
    line_no: common.LineNoArg,
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
    from salesflow.pipeline.quotes import edit_quote_line

    change = common.line_edit(
        quantity=quantity,
        price=price,
        discount=discount,
        description=description,
        tax_rate=tax_rate,
    )
    with common.writing() as session:
        quote, edited = edit_quote_line(
            load_quote(session, number), line_no, change, now=common.now()
        )
        session.put(quote)
        session.add_events([edited])
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
    from salesflow.pipeline.quotes import edit_quote

    with common.writing() as session:
        quote, edited = edit_quote(
            load_quote(session, number),
            valid_until=valid_until,
            customer_reference=customer_reference,
            today=common.today(),
            now=common.now(),
        )
        session.put(quote)
        session.add_events([edited])
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
    from salesflow.models import Quote
    from salesflow.pipeline.quotes import activate_quote, quote_label

    wanted = batch.read_numbers(numbers)
    batch.confirm(len(wanted), "Activate", yes)
    with common.writing() as session:
        today, now = common.today(), common.now()
        revisions = session.group_by(Quote, "number", batch.text_key)

        def activate_one(number: str) -> Any:
            quote, activated = activate_quote(
                load_quote(session, number, revisions=revisions), today=today, now=now
            )
            session.put(quote)
            session.add_events([activated])
            return quote

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
    from salesflow.services.activities import move_off

    with common.writing() as session:
        quote = load_quote(session, number)
        deleted = delete_quote(quote, now=common.now())
        session.remove(quote)
        session.add_events([deleted])
        moved = (
            move_off(session, quote.number, quote.opportunity, now=common.now())
            if quote.revision == 1
            else []
        )
    common.say(f"Quote {quote_label(quote)} is deleted")
    if moved:
        common.say(f"Moved activities {', '.join(a.number for a in moved)} to {quote.opportunity}")


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
    *,
    output: ListOutput,
) -> None:
    """List quotes (the latest revision of each), by number.

    --source is the source of the opportunity's lead; --since/--until the creation date;
    --search matches the number, the account's name and the contact's name or email.

    Example: salesflow quote list --status active --search müller --sort -total --json
    """
    from salesflow.models import Opportunity, Quote
    from salesflow.pipeline import listing
    from salesflow.pipeline.money import format_money

    spec = listing.QUOTES
    query = common.list_query(spec, locals())
    with common.reading() as session:
        # a filter naming no opportunity is a typo: say so rather than list nothing
        deal = session.get(Opportunity, opportunity).number.upper() if opportunity else None
        docs = [
            d
            for d in session.docs(Quote)
            if deal is None or str(d.get("opportunity", "")).upper() == deal
        ]
        if not all_revisions:
            docs = list(_latest_docs(docs).values())
        docs.sort(key=_quote_order)
        quotes = listed(session, Quote, spec, query, docs, page=output.page)
        customer = customer_names(session)
    output.emit(
        quotes,
        empty="No quotes.",
        columns=["Number", "Rev.", "Opportunity", "Customer", "Status", "Valid until", "Total"],
        row=lambda q: [
            q.number,
            q.revision,
            q.opportunity,
            customer(q),
            _status(q),
            _valid_until_text(q),
            f"{format_money(q.total)} {q.currency}",
        ],
        numeric=["Rev.", "Total"],
    )


def _revision(doc: Doc) -> int:
    return int(doc.get("revision") or 1)


def _latest_docs(docs: list[Doc]) -> dict[str, Doc]:
    latest: dict[str, Doc] = {}
    for doc in docs:
        number = str(doc.get("number", "")).upper()
        if number not in latest or _revision(doc) > _revision(latest[number]):
            latest[number] = doc
    return latest


def _quote_order(doc: Doc) -> tuple[int, str, int]:
    """By number (QUO-9999 before QUO-10000), then revision."""
    number = str(doc.get("number", "")).upper()
    return (len(number), number, _revision(doc))


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
    lang: Lang = None,
) -> None:
    """Write a quote as a PDF, HTML or Markdown document to send. Prints the file written.

    The document is in --lang, else the customer's language, else `config set language`.

    Example: salesflow quote export QUO-0001 --format pdf --lang nl --output offerte.pdf
    """
    with common.reading() as session:
        view = document(
            session, load_quote(session, number, revision), lang, logo=fmt.strip() == "pdf"
        )
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
    from salesflow.pipeline.documents import check_sendable

    with common.writing() as session:
        quote = load_quote(session, number, revision)
        check_sendable(quote)
        view = document(session, quote, lang)
        path, sent = send_document(view, to, cc or [], output, force)
        session.add_events([sent])
    sys.stdout.write(f"{path}\n")
