"""`salesflow opp ...`: opportunities, their stages, products, and how they close."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from salesflow.cli import batch, common, owners, render
from salesflow.cli.common import AppTyper
from salesflow.cli.output import ListOutput, list_options

if TYPE_CHECKING:
    from salesflow.models import Activity, Opportunity
    from salesflow.pipeline.opportunities import OpportunityFields
    from salesflow.services.activities import Summary

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


def show_opportunity(opportunity: Opportunity, json: bool, seen: Summary | None = None) -> None:
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
            ("Owner", opportunity.owner),
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


def _fields(
    name: str | None,
    estimated_revenue: str | None,
    close_date: str | None,
    probability: str | None,
) -> OpportunityFields:
    from salesflow.pipeline.opportunities import OpportunityFields

    return OpportunityFields(
        name=name,
        estimated_revenue=estimated_revenue,
        close_date=close_date,
        probability=probability,
    )


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
    from salesflow.services import opportunities

    fields = _fields(name, estimated_revenue, close_date, probability)
    with common.writing() as session:
        opportunity = opportunities.add(
            session,
            fields,
            account=account,
            contact=contact,
            today=common.today(),
            now=common.now(),
        )
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
    from salesflow.services import opportunities

    fields = _fields(name, estimated_revenue, close_date, probability)
    with common.writing() as session:
        opportunity = opportunities.edit(session, number, fields, contact=contact, now=common.now())
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
    mine: owners.MineOpt = False,
    owner: owners.OwnerOpt = None,
    *,
    output: ListOutput,
) -> None:
    """List opportunities; --status is open, won or lost; --search also matches the account name.

    Example: salesflow opp list --status open --stage propose --sort -weighted_revenue
    """
    from salesflow.pipeline import listing
    from salesflow.pipeline.money import format_money
    from salesflow.services import opportunities

    query = common.list_query(listing.OPPORTUNITIES, locals())
    wanted_stage = opportunities.stage_filter(stage)  # a typo is refused before any reading
    with common.reading() as session:
        found = opportunities.listed(session, query, stage=wanted_stage)
        shown = output.page(found.records)
        # the customer column is a table's only: JSON and CSV do not look accounts up
        table = output.format == "table"
        customers = {r.key: found.customer(r) for r in shown} if table else {}
    output.emit(
        shown,
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
            customers[o.key],
            o.status,
            o.stage,
            f"{o.probability}%",
            format_money(o.estimated_revenue),
            format_money(o.weighted_revenue),
            o.close_date,
        ],
        numeric=["Prob.", "Estimated", "Weighted"],
        owned=True,
    )


@app.command("show")
def show(number: Number, json: Json = False) -> None:
    """Show an opportunity with its lines, totals, next open activity and last three notes.

    Example: salesflow opp show OPP-0001 --json | jq .total
    """
    from salesflow.services import opportunities

    with common.reading() as session:
        shown = opportunities.show(session, number)
    show_opportunity(shown.opportunity, json, shown.activities)


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
    from salesflow.services import opportunities

    wanted = batch.read_numbers(numbers)
    batch.confirm(len(wanted), "Move", yes)
    with common.writing() as session:
        move = opportunities.stager(session, stage, now=common.now())
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
    from salesflow.services import opportunities

    line = common.line_spec(
        quantity=quantity,
        sku=sku,
        write_in=write_in,
        price=price,
        discount=discount,
        tax_rate=tax_rate,
    )
    with common.writing() as session:
        opportunity = opportunities.add_product(session, number, line, now=common.now())
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
    from salesflow.services import opportunities

    with common.writing() as session:
        opportunity = opportunities.remove_product(session, number, line_no, now=common.now())
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
    from salesflow.services import opportunities

    change = common.line_edit(
        quantity=quantity,
        price=price,
        discount=discount,
        description=description,
        tax_rate=tax_rate,
    )
    with common.writing() as session:
        opportunity = opportunities.edit_line(session, number, line_no, change, now=common.now())
    show_opportunity(opportunity, json)


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
    from salesflow.services import opportunities

    with common.writing() as session:
        won = opportunities.win(
            session,
            number,
            actual_revenue=actual_revenue,
            today=common.today(),
            now=common.now(),
        )
    if json:
        show_opportunity(won.opportunity, json)
    else:
        common.say(f"Opportunity {won.opportunity.number} is won")
    _still_open(won.still_open)


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
    from salesflow.services import opportunities

    wanted = batch.read_numbers(numbers)
    batch.confirm(len(wanted), "Lose", yes)
    with common.writing() as session:
        lose_one = opportunities.loser(
            session, reason, competitor=competitor, today=common.today(), now=common.now()
        )
        outcome = batch.apply_each(
            session, wanted, lose_one, keep_going=keep_going, noun="opportunities"
        )
        closed = opportunities.still_open(session, outcome.results)
    batch.print_results(outcome.results, json, len(wanted) == 1, lambda o: o.number)
    if not json:
        for opportunity in outcome.results:
            common.say(f"Opportunity {opportunity.number} is lost ({opportunity.status_reason})")
    for lost in closed:
        _still_open(lost.still_open)
    outcome.finish()


def _still_open(activities: list[Activity]) -> None:
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
    from salesflow.services import opportunities

    with common.writing() as session:
        opportunity = opportunities.reopen(session, number, now=common.now())
    if json:
        show_opportunity(opportunity, json)
    else:
        common.say(f"Opportunity {opportunity.number} is open again")


owners.add_assign(
    app,
    "Opportunity",
    noun="opportunities",
    complete=common.complete_opportunities,
    json_option=Json,
    help="""Give opportunities to another seller (several numbers, or - for stdin).

    Example: salesflow opp assign OPP-0003 OPP-0007 --to bob
    """,
)
