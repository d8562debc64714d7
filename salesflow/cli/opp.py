"""`salesflow opp ...`: opportunities, their stages, products, and how they close."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from salesflow.cli import batch, common, render
from salesflow.cli.common import AppTyper
from salesflow.cli.output import ListOutput, list_options

app = AppTyper(help="Opportunities: deals in progress, with products and revenue.")

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Number = Annotated[
    str,
    typer.Argument(
        help="Opportunity number, e.g. OPP-0001.", autocompletion=common.complete_opportunities
    ),
]
Name = Annotated[str | None, typer.Option("--name", help="Opportunity name.")]
Revenue = Annotated[
    str | None,
    typer.Option("--estimated-revenue", help="Estimated revenue; empty: computed from lines."),
]
CloseDate = Annotated[
    str | None, typer.Option("--close-date", help="Estimated close date, YYYY-MM-DD.")
]
Probability = Annotated[
    str | None, typer.Option("--probability", help="0–100; default follows the stage.")
]
Contact = Annotated[str | None, typer.Option("--contact", help="Contact number, CON-0001.")]


def show_opportunity(opportunity: Any, json: bool, seen: Any = None) -> None:
    """An opportunity's fields, lines and totals; `seen` adds its activities' summary."""
    from salesflow.pipeline.money import format_money

    if json:
        common.print_json(common.dump(opportunity) | (seen.as_dict() if seen else {}))
        return
    if seen is not None:
        from salesflow.cli.activity import summary_pairs

        extra = summary_pairs(seen)
    else:
        extra = []
    common.print_fields(
        [
            ("Number", opportunity.number),
            ("Name", opportunity.name),
            ("Account", opportunity.account),
            ("Contact", opportunity.contact),
            ("Lead", opportunity.lead),
            (
                "Status",
                opportunity.status
                + (
                    f" ({opportunity.status_reason})"
                    if opportunity.status_reason and opportunity.status_reason != opportunity.status
                    else ""
                ),
            ),
            ("Competitor", opportunity.competitor),
            ("Stage", opportunity.stage),
            ("Probability", f"{opportunity.probability}%"),
            ("Estimated revenue", format_money(opportunity.estimated_revenue)),
            ("Weighted revenue", format_money(opportunity.weighted_revenue)),
            (
                "Actual revenue",
                format_money(opportunity.actual_revenue)
                if opportunity.actual_revenue is not None
                else None,
            ),
            ("Close date", opportunity.close_date),
            ("Created", opportunity.created_on),
            *render.totals_pairs(opportunity),
            *extra,
        ]
    )
    render.print_lines(opportunity)


def _save(session: Any, opportunity: Any, event: Any) -> None:
    session.put(opportunity)
    session.add_events([event])


@app.command("add")
def add(
    name: Annotated[
        str, typer.Option("--name", "-n", help="Opportunity name.", show_default=False)
    ],
    account: Annotated[
        str, typer.Option("--account", "-a", help="Account number or name.", show_default=False)
    ],
    contact: Contact = None,
    estimated_revenue: Revenue = None,
    close_date: CloseDate = None,
    probability: Probability = None,
    json: Json = False,
) -> None:
    """Add an opportunity for an existing account. Prints the opportunity number.

    Example: salesflow opp add --name "Fleet renewal" --account ACC-0001 --close-date 2026-12-31
    """
    from salesflow.models import Account
    from salesflow.models import Contact as ContactModel
    from salesflow.pipeline.opportunities import OpportunityFields, create_opportunity

    with common.writing() as session:
        customer = session.get(Account, common.account_number(session, account))
        person = session.get(ContactModel, contact).number if contact else None
        opportunity, created = create_opportunity(
            OpportunityFields(
                name=name,
                estimated_revenue=estimated_revenue,
                close_date=close_date,
                probability=probability,
                contact=person,
            ),
            account=customer.number,
            number=common.numbers(session)("OPP"),
            currency=common.settings(session).currency,
            today=common.today(),
            now=common.now(),
        )
        _save(session, opportunity, created)
    if json:
        show_opportunity(opportunity, json)
    else:
        common.print_created(opportunity.number)


@app.command("edit")
def edit(
    number: Number,
    name: Name = None,
    contact: Contact = None,
    estimated_revenue: Revenue = None,
    close_date: CloseDate = None,
    probability: Probability = None,
    json: Json = False,
) -> None:
    """Change an open opportunity; "" resets estimated revenue or probability to the default.

    Example: salesflow opp edit OPP-0001 --close-date 2027-01-31 --probability 70
    """
    from salesflow.models import Contact as ContactModel
    from salesflow.models import Opportunity
    from salesflow.pipeline.opportunities import OpportunityFields, edit_opportunity

    with common.writing() as session:
        person = session.get(ContactModel, contact).number if contact else None
        opportunity, edited = edit_opportunity(
            session.get(Opportunity, number),
            OpportunityFields(
                name=name,
                estimated_revenue=estimated_revenue,
                close_date=close_date,
                probability=probability,
                contact=person,
            ),
            now=common.now(),
        )
        _save(session, opportunity, edited)
    show_opportunity(opportunity, json)


@app.command("list")
@list_options
def list_(
    status: common.StatusOpt = None,
    stage: Annotated[
        str | None, typer.Option("--stage", help="qualify, develop, propose or close.")
    ] = None,
    source: common.SourceOpt = None,
    account: common.AccountOpt = None,
    since: common.SinceOpt = None,
    until: common.UntilOpt = None,
    search: common.SearchOpt = None,
    sort: common.SortOpt = None,
    *,
    output: ListOutput,
) -> None:
    """List opportunities; --status is open, won or lost; --search also matches the account name.

    Example: salesflow opp list --status open --stage propose --sort -weighted_revenue
    """
    from salesflow.models import Account, Opportunity
    from salesflow.pipeline import listing
    from salesflow.pipeline.fields import choice
    from salesflow.pipeline.money import format_money
    from salesflow.pipeline.opportunities import STAGES

    spec = listing.OPPORTUNITIES
    query = common.list_query(spec, locals())
    wanted_stage = choice(stage, STAGES, "stage") if stage else None
    with common.reading() as session:
        names = {d["number"]: d.get("name", "") for d in session.docs(Account)}
        docs = listing.select(
            session.docs(Opportunity),
            query,
            spec,
            extra_text=lambda d: names.get(d.get("account") or "", ""),
        )
        if wanted_stage:
            docs = [d for d in docs if d.get("stage", "qualify") == wanted_stage]
        opportunities = output.page(
            listing.arrange(
                [session.load(Opportunity, d) for d in docs], query, listing.model_value
            )
        )
    output.emit(
        opportunities,
        empty="No opportunities.",
        columns=[
            "Number",
            "Name",
            "Customer",
            "Status",
            "Stage",
            "Prob.",
            "Estimated",
            "Weighted",
            "Close date",
        ],
        row=lambda o: [
            o.number,
            o.name,
            names.get(o.account or "") or o.account,
            o.status,
            o.stage,
            f"{o.probability}%",
            format_money(o.estimated_revenue),
            format_money(o.weighted_revenue),
            o.close_date,
        ],
        numeric=["Prob.", "Estimated", "Weighted"],
    )


@app.command("show")
def show(number: Number, json: Json = False) -> None:
    """Show an opportunity with its lines, totals, next open activity and last three notes.

    Example: salesflow opp show OPP-0001 --json | jq .total
    """
    from salesflow.models import Opportunity
    from salesflow.services import activities

    with common.reading() as session:
        opportunity = session.get(Opportunity, number)
        seen = activities.summary(session, opportunity.number)
    show_opportunity(opportunity, json, seen)


STAGES = common.complete_choices(
    [
        ("qualify", "20 %: is there a need, a budget, a decision maker?"),
        ("develop", "40 %: working out what they need"),
        ("propose", "60 %: a quote is out"),
        ("close", "80 %: negotiating the last details"),
    ]
)
LOSS_REASONS = common.complete_choices(
    [("canceled", "the customer dropped the plan"), ("out-sold", "a competitor won it")]
)
OpenOpportunities = Annotated[
    list[str],
    typer.Argument(
        help=batch.NUMBERS_HELP,
        show_default=False,
        autocompletion=common.complete_open_opportunities,
    ),
]  # the records the verb applies to, for Tab


def _complete_stage_line(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """`opp stage`: open opportunities, and after the first one also the stages."""
    found = common.complete_open_opportunities(ctx, incomplete)
    # while completing, the last number typed is parsed as the stage
    params = ctx.params if ctx is not None else {}
    typed = [*(params.get("numbers") or ()), params.get("stage")]
    given = {str(n).upper() for n in typed if n}
    if given:
        found = STAGES(ctx, incomplete) + [item for item in found if item[0].upper() not in given]
    return found


@app.command("stage")
def stage(
    numbers: Annotated[
        list[str],
        typer.Argument(
            help="Opportunity numbers (or - for stdin), then the stage.",
            show_default=False,
            autocompletion=_complete_stage_line,
        ),
    ],
    stage: Annotated[
        str, typer.Argument(help="qualify, develop, propose or close.", autocompletion=STAGES)
    ],
    keep_going: batch.KeepGoingOpt = False,
    yes: batch.YesOpt = False,
    json: Json = False,
) -> None:
    """Move open opportunities to another stage.

    Example: salesflow opp stage OPP-0001 OPP-0002 develop
    """
    from salesflow.models import Opportunity
    from salesflow.pipeline.opportunities import set_stage

    wanted = batch.read_numbers(numbers)
    batch.confirm(len(wanted), "Move", yes)
    with common.writing() as session:
        now = common.now()

        def move(number: str) -> Any:
            opportunity, moved = set_stage(session.get(Opportunity, number), stage, now=now)
            _save(session, opportunity, moved)
            return opportunity

        outcome = batch.apply_each(
            session, wanted, move, keep_going=keep_going, noun="opportunities"
        )
    batch.print_results(outcome.results, json, len(wanted) == 1, lambda o: o.number)
    if not json:
        for opportunity in outcome.results:
            common.say(f"Opportunity {opportunity.number} is in stage {opportunity.stage}")
    outcome.finish()


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
    """Add a catalog product or a write-in line to an open opportunity.

    Example: salesflow opp add-product OPP-0001 CONSULT-DAY --quantity 3 --discount 10%
    """
    from salesflow.models import Opportunity, Product
    from salesflow.pipeline.lines import LineSpec
    from salesflow.pipeline.opportunities import add_product as add_line

    with common.writing() as session:
        opportunity, added = add_line(
            session.get(Opportunity, number),
            LineSpec(
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
        _save(session, opportunity, added)
    show_opportunity(opportunity, json)


@app.command("remove-product")
def remove_product(
    number: Number,
    line_no: common.LineNoArg,
    json: Json = False,
) -> None:
    """Remove a line from an open opportunity.

    Example: salesflow opp remove-product OPP-0001 2
    """
    from salesflow.models import Opportunity
    from salesflow.pipeline.opportunities import remove_product as remove_line

    with common.writing() as session:
        opportunity, removed = remove_line(
            session.get(Opportunity, number), line_no, now=common.now()
        )
        _save(session, opportunity, removed)
    show_opportunity(opportunity, json)


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
    """Change a line of an open opportunity; it keeps its number and place.

    Example: salesflow opp edit-line OPP-0001 2 --quantity 5 --discount 10%
    """
    from salesflow.models import Opportunity
    from salesflow.pipeline.opportunities import edit_line as edit

    change = common.line_edit(
        quantity=quantity,
        price=price,
        discount=discount,
        description=description,
        tax_rate=tax_rate,
    )
    with common.writing() as session:
        opportunity, edited = edit(
            session.get(Opportunity, number), line_no, change, now=common.now()
        )
        _save(session, opportunity, edited)
    show_opportunity(opportunity, json)


def _quotes_of(session: Any, number: str) -> list[Any]:
    from salesflow.models import Quote

    return session.all(Quote, lambda d: str(d.get("opportunity", "")).upper() == number.upper())


@app.command("win")
def win(
    number: Number,
    actual_revenue: Annotated[
        str | None,
        typer.Option("--actual-revenue", help="Default: the lines' subtotal, else the estimate."),
    ] = None,
    json: Json = False,
) -> None:
    """Close an open opportunity as won.

    Example: salesflow opp win OPP-0001 --actual-revenue 14250
    """
    from salesflow.models import Opportunity
    from salesflow.pipeline.opportunities import win_opportunity
    from salesflow.services.activities import open_regarding

    with common.writing() as session:
        current = session.get(Opportunity, number)
        opportunity, won = win_opportunity(
            current,
            actual_revenue=actual_revenue,
            quotes=_quotes_of(session, current.number),
            today=common.today(),
            now=common.now(),
        )
        _save(session, opportunity, won)
        opened = open_regarding(session, opportunity.number)[opportunity.number]
    if json:
        show_opportunity(opportunity, json)
    else:
        common.say(f"Opportunity {opportunity.number} is won")
    _still_open(opened)


@app.command("lose")
def lose(
    numbers: OpenOpportunities,
    reason: Annotated[
        str,
        typer.Option(
            "--reason",
            "-r",
            help="canceled or out-sold.",
            show_default=False,
            autocompletion=LOSS_REASONS,
        ),
    ],
    competitor: Annotated[str | None, typer.Option("--competitor", help="Who won instead.")] = None,
    keep_going: batch.KeepGoingOpt = False,
    yes: batch.YesOpt = False,
    json: Json = False,
) -> None:
    """Close open opportunities as lost (several numbers, or - for stdin).

    Example: salesflow opp lose OPP-0002 --reason out-sold --competitor "Initech"
    """
    from salesflow.models import Opportunity, Quote
    from salesflow.pipeline.opportunities import lose_opportunity
    from salesflow.services.activities import open_regarding

    wanted = batch.read_numbers(numbers)
    batch.confirm(len(wanted), "Lose", yes)
    with common.writing() as session:
        today, now = common.today(), common.now()
        quotes_of = session.group_by(Quote, "opportunity", batch.text_key)

        def lose_one(number: str) -> Any:
            current = session.get(Opportunity, number)
            opportunity, lost = lose_opportunity(
                current,
                reason,
                competitor=competitor,
                quotes=quotes_of(current.number.upper()),
                today=today,
                now=now,
            )
            _save(session, opportunity, lost)
            return opportunity

        outcome = batch.apply_each(
            session, wanted, lose_one, keep_going=keep_going, noun="opportunities"
        )
        opened = open_regarding(session, *(o.number for o in outcome.results))
    batch.print_results(outcome.results, json, len(wanted) == 1, lambda o: o.number)
    if not json:
        for opportunity in outcome.results:
            common.say(f"Opportunity {opportunity.number} is lost ({opportunity.status_reason})")
    for opportunity in outcome.results:
        _still_open(opened[opportunity.number])
    outcome.finish()


def _still_open(activities: list[Any]) -> None:
    """A closed opportunity's open activities, on stderr: closing asks nothing, but says."""
    from salesflow.pipeline.activities import describe

    if activities:
        common.say(
            f"Still open about {activities[0].regarding}: "
            + "; ".join(describe(a) for a in activities)
        )


@app.command("reopen")
def reopen(number: Number, json: Json = False) -> None:
    """Reopen a won or lost opportunity (not one whose order exists).

    Example: salesflow opp reopen OPP-0002
    """
    from salesflow.models import Opportunity, Order
    from salesflow.pipeline.opportunities import reopen_opportunity

    with common.writing() as session:
        current = session.get(Opportunity, number)
        orders = session.all(
            Order, lambda d: str(d.get("opportunity", "")).upper() == current.number
        )
        opportunity, reopened = reopen_opportunity(current, orders=orders, now=common.now())
        _save(session, opportunity, reopened)
    if json:
        show_opportunity(opportunity, json)
    else:
        common.say(f"Opportunity {opportunity.number} is open again")
