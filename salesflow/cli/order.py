"""`salesflow order ...`: orders made from accepted quotes, fulfilled into invoices."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from salesflow.cli import common, render
from salesflow.cli.common import AppTyper

app = AppTyper(help="Orders: accepted quotes, to fulfil (invoice) or cancel.")

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Number = Annotated[str, typer.Argument(help="Order number, e.g. ORD-0001.", show_default=False)]

STATUSES = ("active", "fulfilled", "canceled")


def show_order(order: Any, json: bool) -> None:
    if json:
        common.print_json(common.dump(order))
        return
    common.print_fields(
        [
            ("Number", order.number),
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
def list_(
    status: Annotated[
        str | None, typer.Option("--status", help="active, fulfilled or canceled.")
    ] = None,
    json: Json = False,
) -> None:
    """List orders.

    Example: salesflow order list --status active
    """
    from salesflow.models import Order
    from salesflow.pipeline.money import format_money
    from salesflow.pipeline.records import choice

    wanted = choice(status, STATUSES, "status") if status else None
    with common.reading() as session:
        orders = session.all(
            Order, (lambda d: d.get("status", "active") == wanted) if wanted else None
        )
    if json:
        common.print_json([common.dump(o) for o in orders])
        return
    if not orders:
        common.say("No orders.")
        return
    common.print_table(
        ["Number", "Quote", "Opportunity", "Account", "Status", "Created", "Invoice", "Total"],
        [
            [
                o.number,
                f"{o.quote} r{o.quote_revision}",
                o.opportunity,
                o.account,
                o.status,
                o.created_on,
                o.invoice,
                f"{format_money(o.total)} {o.currency}",
            ]
            for o in orders
        ],
        numeric=["Total"],
    )


@app.command("show")
def show(number: Number, json: Json = False) -> None:
    """Show an order with its lines and totals.

    Example: salesflow order show ORD-0001 --json | jq .total
    """
    from salesflow.models import Order

    with common.reading() as session:
        order = session.get(Order, number)
    show_order(order, json)


@app.command("fulfil")
def fulfil(
    number: Number,
    date: Annotated[
        str | None, typer.Option("--date", help="Invoice date, YYYY-MM-DD; default today.")
    ] = None,
    json: Json = False,
) -> None:
    """Fulfil an active order: creates its invoice (INV-YYYY-nnnn). Prints the invoice number.

    The invoice is due after the payment terms (`salesflow init --payment-terms DAYS`).

    Example: salesflow order fulfil ORD-0001 --date 2026-03-31
    """
    from salesflow.cli.invoice import invoice_json
    from salesflow.models import Order
    from salesflow.pipeline.orders import fulfil_order
    from salesflow.pipeline.records import parse_date

    invoice_date = parse_date(date, "invoice date") if date else common.today()
    with common.writing() as session:
        result = fulfil_order(
            session.get(Order, number),
            numbers=common.numbers(session),
            invoice_date=invoice_date,
            payment_terms=common.settings(session).payment_terms,
            now=common.now(),
        )
        session.put(result.order, result.invoice)
        session.add_events(result.events)
    if json:
        common.print_json(
            {"order": common.dump(result.order), "invoice": invoice_json(result.invoice)}
        )
        return
    common.print_created(result.invoice.number)
    common.say(
        f"Order {result.order.number} is fulfilled; invoice {result.invoice.number} "
        f"is due {result.invoice.due_date.isoformat()}"
    )


@app.command("cancel")
def cancel(number: Number, json: Json = False) -> None:
    """Cancel an active order.

    Example: salesflow order cancel ORD-0002
    """
    from salesflow.models import Order
    from salesflow.pipeline.orders import cancel_order

    with common.writing() as session:
        order, canceled = cancel_order(
            session.get(Order, number), today=common.today(), now=common.now()
        )
        session.put(order)
        session.add_events([canceled])
    if json:
        show_order(order, json)
    else:
        common.print_created(order.number)
        common.say(f"Order {order.number} is canceled")
