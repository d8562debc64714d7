"""`salesflow order ...`: orders made from accepted quotes, fulfilled into invoices."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from salesflow.cli import batch, common, owners, render
from salesflow.cli.common import AppTyper
from salesflow.cli.output import ListOutput, list_options

if TYPE_CHECKING:
    from salesflow.models import Order

app = AppTyper(help="Orders: accepted quotes, to fulfil (invoice) or cancel.")

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Number = Annotated[
    str,
    typer.Argument(
        help="Order number, e.g. ORD-0001.",
        show_default=False,
        autocompletion=common.complete_orders,
    ),
]


def show_order(order: Order, json: bool) -> None:
    if json:
        common.print_json(common.dump(order))
        return
    common.print_fields(
        [
            ("Number", order.number),
            ("Owner", order.owner),
            ("Quote", f"{order.quote} revision {order.quote_revision}"),
            ("Opportunity", order.opportunity),
            ("Account", order.account),
            ("Contact", order.contact),
            ("Status", order.status),
            ("Created", order.created_on),
            ("Fulfilled", order.fulfilled_on),
            ("Canceled", order.canceled_on),
            ("Invoice", order.invoice),
            *render.totals_pairs(order),
        ]
    )
    render.print_lines(order)


@app.command("list")
@list_options
def list_(
    status: Annotated[
        str | None, typer.Option("--status", help="active, fulfilled or canceled.")
    ] = None,
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
    """List orders (oldest first).

    --source is the source of the opportunity's lead; --since/--until the creation date;
    --search matches the number, the account's name and the contact's name or email.

    Example: salesflow order list --status active --account ACC-0001 --jsonl
    """
    from salesflow.pipeline import listing
    from salesflow.pipeline.money import format_money
    from salesflow.services import orders

    query = common.list_query(listing.ORDERS, locals())
    with common.reading() as session:
        found = orders.listed(session, query)
        shown = output.page(found.records)
        # the customer column is a table's only: JSON and CSV do not look accounts up
        table = output.format == "table"
        customers = {r.key: found.customer(r) for r in shown} if table else {}
    output.emit(
        shown,
        empty="No orders.",
        columns=[
            "Number",
            "Quote",
            "Opportunity",
            "Customer",
            "Status",
            "Created",
            "Invoice",
            "Total",
        ],
        row=lambda o: [
            o.number,
            f"{o.quote} r{o.quote_revision}",
            o.opportunity,
            customers[o.key],
            o.status,
            o.created_on,
            o.invoice,
            f"{format_money(o.total)} {o.currency}",
        ],
        numeric=["Total"],
        owned=True,
    )


@app.command("show")
def show(number: Number, json: Json = False) -> None:
    """Show an order with its lines and totals.

    Example: salesflow order show ORD-0001 --json | jq .total
    """
    from salesflow.services import orders

    with common.reading() as session:
        order = orders.get(session, number)
    show_order(order, json)


ActiveOrders = Annotated[
    list[str],
    typer.Argument(
        help=batch.NUMBERS_HELP, show_default=False, autocompletion=common.complete_active_orders
    ),
]  # the records the verb applies to, for Tab


@app.command("fulfil")
def fulfil(
    numbers: ActiveOrders,
    date: Annotated[
        str | None, typer.Option("--date", help="Invoice date, YYYY-MM-DD; default today.")
    ] = None,
    delivery_date: Annotated[
        str | None,
        typer.Option(
            "--delivery-date", help="Delivery or service date, YYYY-MM-DD; default the fulfil date."
        ),
    ] = None,
    keep_going: batch.KeepGoingOpt = False,
    yes: batch.YesOpt = False,
    json: Json = False,
) -> None:
    """Fulfil active orders: each gets its invoice (INV-YYYY-nnnn). Prints each invoice number.

    The invoice is due after the payment terms (`salesflow init --payment-terms DAYS`).
    Several numbers (or - for stdin) are fulfilled in one write, all or nothing unless
    --keep-going; more than 20 on a terminal ask first unless --yes.

    Example: salesflow order fulfil ORD-0001 ORD-0002 --date 2026-03-31
    """
    from salesflow.pipeline.fields import parse_date
    from salesflow.services import orders

    invoice_date = parse_date(date, "invoice date") if date else common.today()
    delivered = parse_date(delivery_date, "delivery date") if delivery_date else None
    wanted = batch.read_numbers(numbers)
    batch.confirm(len(wanted), "Fulfil", yes)
    with common.writing() as session:
        fulfil_one = orders.fulfiller(
            session, invoice_date=invoice_date, delivery_date=delivered, now=common.now()
        )
        outcome = batch.apply_each(
            session, wanted, fulfil_one, keep_going=keep_going, noun="orders"
        )
    if json:
        batch.print_results(
            [
                {"order": common.dump(r.order), "invoice": render.invoice_json(r.invoice)}
                for r in outcome.results
            ],
            True,
            len(wanted) == 1,
            str,
        )
    else:
        batch.print_results(outcome.results, False, False, lambda r: r.invoice.number)
        for result in outcome.results:
            common.say(
                f"Order {result.order.number} is fulfilled; invoice {result.invoice.number} "
                f"is due {result.invoice.due_date.isoformat()}"
            )
    outcome.finish()


@app.command("cancel")
def cancel(number: Number, json: Json = False) -> None:
    """Cancel an active order.

    Example: salesflow order cancel ORD-0002
    """
    from salesflow.services import orders

    with common.writing() as session:
        order = orders.cancel(session, number, today=common.today(), now=common.now())
    if json:
        show_order(order, json)
    else:
        common.print_created(order.number)
        common.say(f"Order {order.number} is canceled")


owners.add_assign(
    app,
    "Order",
    noun="orders",
    complete=common.complete_orders,
    json_option=Json,
    help="""Give orders to another seller (several numbers, or - for stdin).

    Example: salesflow order assign ORD-0003 --to bob
    """,
)
