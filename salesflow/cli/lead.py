"""`salesflow lead ...`: capture, edit, qualify, disqualify and reactivate leads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from salesflow.cli import batch, common, owners, transfer
from salesflow.cli.common import AppTyper
from salesflow.cli.output import ListOutput, list_options

if TYPE_CHECKING:
    from salesflow.models import Lead
    from salesflow.pipeline.leads import Qualified

app = AppTyper(help="Leads: people and companies that might buy.")

FirstName = Annotated[str | None, typer.Option("--first-name", "-f", help="Given name.")]
LastName = Annotated[str | None, typer.Option("--last-name", "-l", help="Family name.")]
Company = Annotated[str | None, typer.Option("--company", "-c", help="Company name.")]
Email = Annotated[str | None, typer.Option("--email", "-e", help="Email address.")]
Phone = Annotated[str | None, typer.Option("--phone", "-p", help="Phone number.")]
Mobile = Annotated[str | None, typer.Option("--mobile", help="Mobile number.")]
JobTitle = Annotated[str | None, typer.Option("--job-title", help="Job title.")]
Website = Annotated[str | None, typer.Option("--website", help="Web site.")]
City = Annotated[str | None, typer.Option("--city", help="City.")]
Country = Annotated[str | None, typer.Option("--country", help="Country.")]
Source = Annotated[str | None, typer.Option("--source", "-s", help="Where the lead came from.")]
Topic = Annotated[str | None, typer.Option("--topic", "-t", help="What they are interested in.")]
Value = Annotated[
    str | None, typer.Option("--estimated-value", "-v", help="Estimated deal value (≥ 0).")
]
Notes = Annotated[str | None, typer.Option("--notes", help="Free text.")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Number = Annotated[
    str,
    typer.Argument(
        help="Lead number, e.g. L-0001.", show_default=False, autocompletion=common.complete_leads
    ),
]


OpenLeads = Annotated[
    list[str],
    typer.Argument(
        help=batch.NUMBERS_HELP, show_default=False, autocompletion=common.complete_open_leads
    ),
]  # the records the verb applies to, for Tab
DISQUALIFY_REASONS = common.complete_choices(
    [
        ("lost", "they bought elsewhere"),
        ("cannot-contact", "no answer on any channel"),
        ("no-longer-interested", "the need went away"),
        ("canceled", "the lead was a mistake or a duplicate"),
    ]
)
OPEN_REASONS = common.complete_choices(
    [("new", "not contacted yet"), ("contacted", "in conversation")]
)


def _fields(**values: str | None) -> dict[str, str | None]:
    return values


def lead_fields_table(lead: Lead) -> list[tuple[str, object]]:
    from salesflow.pipeline.money import format_money

    return [
        ("Number", lead.number),
        ("Owner", lead.owner),
        ("Name", lead.name),
        ("Company", lead.company),
        ("Email", lead.email),
        ("Phone", lead.phone),
        ("Mobile", lead.mobile),
        ("Job title", lead.job_title),
        ("City", lead.city),
        ("Country", lead.country),
        ("Topic", lead.topic),
        ("Source", lead.source),
        (
            "Estimated value",
            format_money(lead.estimated_value) if lead.estimated_value is not None else None,
        ),
        ("Status", f"{lead.status} ({lead.status_reason})"),
        ("Created", lead.created_on),
        ("Opportunity", lead.opportunity),
        ("Account", lead.account),
        ("Contact", lead.contact),
        ("Notes", lead.notes),
    ]


@app.command("add")
def add(
    first_name: FirstName = None,
    last_name: LastName = None,
    company: Company = None,
    email: Email = None,
    phone: Phone = None,
    mobile: Mobile = None,
    job_title: JobTitle = None,
    website: Website = None,
    city: City = None,
    country: Country = None,
    source: Source = None,
    topic: Topic = None,
    estimated_value: Value = None,
    notes: Notes = None,
    json: Json = False,
) -> None:
    """Add an open lead; it needs a last name or a company. Prints the lead number.

    Example: salesflow lead add --first-name Ada --last-name Lovelace --company Analytical
    --email ada@example.com --estimated-value 12000
    """
    from salesflow.services import leads

    fields = _fields(
        first_name=first_name,
        last_name=last_name,
        company=company,
        email=email,
        phone=phone,
        mobile=mobile,
        job_title=job_title,
        website=website,
        city=city,
        country=country,
        source=source,
        topic=topic,
        estimated_value=estimated_value,
        notes=notes,
    )
    with common.writing() as uow:
        lead = leads.add(uow, fields, today=common.today(), now=common.now())
    if json:
        common.print_json(common.dump(lead))
    else:
        common.print_created(lead.number)


@app.command("edit")
def edit(
    number: Number,
    first_name: FirstName = None,
    last_name: LastName = None,
    company: Company = None,
    email: Email = None,
    phone: Phone = None,
    mobile: Mobile = None,
    job_title: JobTitle = None,
    website: Website = None,
    city: City = None,
    country: Country = None,
    source: Source = None,
    topic: Topic = None,
    estimated_value: Value = None,
    notes: Notes = None,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            "-r",
            help="Open reason: new or contacted.",
            autocompletion=OPEN_REASONS,
        ),
    ] = None,
    json: Json = False,
) -> None:
    """Change an open lead's fields; an empty value ("") clears a field.

    Example: salesflow lead edit L-0001 --phone "+31 20 123 4567" --reason contacted
    """
    from salesflow.services import leads

    fields = _fields(
        first_name=first_name,
        last_name=last_name,
        company=company,
        email=email,
        phone=phone,
        mobile=mobile,
        job_title=job_title,
        website=website,
        city=city,
        country=country,
        source=source,
        topic=topic,
        estimated_value=estimated_value,
        notes=notes,
    )
    with common.writing() as uow:
        lead = leads.edit(uow, number, fields, reason=reason, now=common.now())
    if json:
        common.print_json(common.dump(lead))
    else:
        common.print_fields(lead_fields_table(lead))


@app.command("list")
@list_options
def list_(
    status: common.StatusOpt = None,
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
    """List leads (oldest first); --status is open, qualified or disqualified.

    Example: salesflow lead list --status open --search müller --sort -estimated_value --limit 20
    """
    from salesflow.pipeline import listing
    from salesflow.pipeline.money import format_money
    from salesflow.services import leads

    query = common.list_query(listing.LEADS, locals())
    with common.reading() as uow:
        page = output.page(leads.listed(uow, query))
    output.emit(
        page,
        empty="No leads.",
        columns=["Number", "Name", "Company", "Email", "Status", "Source", "Value"],
        row=lambda lead: [
            lead.number,
            lead.name,
            lead.company,
            lead.email,
            lead.status,
            lead.source,
            format_money(lead.estimated_value) if lead.estimated_value is not None else "",
        ],
        numeric=["Value"],
        owned=True,
    )


@app.command("show")
def show(number: Number, json: Json = False) -> None:
    """Show one lead, its next open activity and its last three notes.

    Example: salesflow lead show L-0001 --json
    """
    from salesflow.cli.activity import summary_pairs
    from salesflow.services import leads

    with common.reading() as uow:
        lead, seen = leads.show(uow, number)
    if json:
        common.print_json(common.dump(lead) | seen.as_dict())
    else:
        common.print_fields(lead_fields_table(lead) + summary_pairs(seen))


@app.command("qualify")
def qualify(
    numbers: OpenLeads,
    opportunity_name: Annotated[
        str | None, typer.Option("--opportunity-name", help="Name of the new opportunity.")
    ] = None,
    estimated_revenue: Annotated[
        str | None, typer.Option("--estimated-revenue", help="Estimated revenue.")
    ] = None,
    close_date: Annotated[
        str | None, typer.Option("--close-date", help="Estimated close date, YYYY-MM-DD.")
    ] = None,
    account: Annotated[
        str | None,
        typer.Option("--account", "-a", help="Use this account (number or name)."),
    ] = None,
    contact: Annotated[
        str | None, typer.Option("--contact", help="Use this existing contact.")
    ] = None,
    keep_going: batch.KeepGoingOpt = False,
    yes: batch.YesOpt = False,
    json: Json = False,
) -> None:
    """Qualify open leads into account, contact and opportunity; prints each opportunity number.

    Several numbers (or - for stdin) are qualified in one write, all or nothing unless
    --keep-going; more than 20 on a terminal ask first unless --yes.

    Example: salesflow lead qualify L-0001 --estimated-revenue 15000 --close-date 2026-12-31
    """
    from salesflow.services import leads

    wanted = batch.read_numbers(numbers)
    batch.confirm(len(wanted), "Qualify", yes)
    request = leads.QualifyRequest(
        opportunity_name=opportunity_name,
        estimated_revenue=estimated_revenue,
        close_date=close_date,
        account=account,
        contact=contact,
    )
    with common.writing() as uow:
        qualify_one = leads.qualifying(
            uow,
            request,
            account_number=common.account_number(uow, account) if account else None,
            currency=common.settings(uow).currency,
            today=common.today(),
            now=common.now(),
        )
        outcome = batch.apply_each(uow, wanted, qualify_one, keep_going=keep_going, noun="leads")
    if json:
        batch.print_results(
            [_qualified_json(r) for r in outcome.results], True, len(wanted) == 1, str
        )
    else:
        batch.print_results(outcome.results, False, False, lambda r: r.opportunity.number)
        for result in outcome.results:
            common.say(_qualified_message(result))
            moved = qualify_one.carried.get(result.lead.number)
            if moved:
                common.say(
                    f"Moved open activities {', '.join(a.number for a in moved)} "
                    f"to {result.opportunity.number}"
                )
    outcome.finish()


def _qualified_json(result: Qualified) -> dict[str, object]:
    return {
        "lead": common.dump(result.lead),
        "account": common.dump(result.account) if result.account else None,
        "contact": common.dump(result.contact) if result.contact else None,
        "opportunity": common.dump(result.opportunity),
    }


def _qualified_message(result: Qualified) -> str:
    customers = [r for r in (result.account, result.contact) if r is not None]
    made = [r.number for r in customers if r.number in result.created]
    reused = [r.number for r in customers if r.number not in result.created]
    return (
        f"Qualified {result.lead.number} into {result.opportunity.number}"
        + (f"; created {', '.join(made)}" if made else "")
        + (f"; reused {', '.join(reused)}" if reused else "")
    )


@app.command("disqualify")
def disqualify(
    numbers: OpenLeads,
    reason: Annotated[
        str,
        typer.Option(
            "--reason",
            "-r",
            help="lost, cannot-contact, no-longer-interested or canceled.",
            autocompletion=DISQUALIFY_REASONS,
            show_default=False,
        ),
    ],
    keep_going: batch.KeepGoingOpt = False,
    yes: batch.YesOpt = False,
    json: Json = False,
) -> None:
    """Disqualify open leads with a reason (several numbers, or - for stdin).

    Example: salesflow lead list --source "Beurs 2026" --status open --jsonl | jq -r .number
    | salesflow lead disqualify - --reason no-longer-interested
    """
    from salesflow.services import leads

    wanted = batch.read_numbers(numbers)
    batch.confirm(len(wanted), "Disqualify", yes)
    with common.writing() as uow:
        now = common.now()

        def disqualify_one(number: str) -> Lead:
            return leads.disqualify(uow, number, reason, now=now)

        outcome = batch.apply_each(uow, wanted, disqualify_one, keep_going=keep_going, noun="leads")
    _report_status(outcome.results, json, len(wanted) == 1)
    outcome.finish()


@app.command("reactivate")
def reactivate(number: Number, json: Json = False) -> None:
    """Reopen a disqualified lead.

    Example: salesflow lead reactivate L-0002
    """
    from salesflow.services import leads

    with common.writing() as uow:
        lead = leads.reactivate(uow, number, now=common.now())
    _report_status([lead], json, True)


owners.add_assign(
    app,
    "Lead",
    noun="leads",
    complete=common.complete_leads,
    json_option=Json,
    help="""Give leads to another seller (several numbers, or - for stdin).

    Example: salesflow lead list --owner ann --status open --jsonl | jq -r .number
    | salesflow lead assign - --to bob
    """,
)


def _report_status(leads: list[Lead], json: bool, single: bool) -> None:
    batch.print_results(leads, json, single, lambda lead: lead.number)
    if not json:
        for lead in leads:
            common.say(f"Lead {lead.number} is {lead.status} ({lead.status_reason})")


# `lead import` lives with `export` in transfer.py; it is listed last, after the lead's own verbs.
app.command("import")(transfer.import_leads)
