"""`salesflow account ...` and `salesflow contact ...`: the customers qualified leads became."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from salesflow.cli import common, owners
from salesflow.cli.common import AppTyper
from salesflow.cli.output import ListOutput, list_options

if TYPE_CHECKING:
    from salesflow.models import Account, Contact, Record
    from salesflow.services.customers import Deal

R = TypeVar("R", bound="Record")

account_app = AppTyper(help="Accounts: the companies you sell to.")
contact_app = AppTyper(help="Contacts: the people at those companies.")

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

Name = Annotated[str | None, typer.Option("--name", "-n", help="Company name.")]
Email = Annotated[str | None, typer.Option("--email", "-e", help="Email address.")]
Phone = Annotated[str | None, typer.Option("--phone", "-p", help="Phone number.")]
Website = Annotated[str | None, typer.Option("--website", help="Web site.")]
Address = Annotated[str | None, typer.Option("--address", help="Street and number.")]
Postcode = Annotated[str | None, typer.Option("--postcode", help="Postcode.")]
City = Annotated[str | None, typer.Option("--city", help="City.")]
Country = Annotated[
    str | None, typer.Option("--country", help="ISO 3166 two-letter code, e.g. NL.")
]
VatId = Annotated[
    str | None, typer.Option("--vat-id", help="VAT ID with its country code, e.g. NL004495445B01.")
]
Coc = Annotated[str | None, typer.Option("--coc", help="Chamber of commerce number.")]
Language = Annotated[
    str | None, typer.Option("--language", help="Language of documents: nl, en, de or fr.")
]
FirstName = Annotated[str | None, typer.Option("--first-name", "-f", help="Given name.")]
LastName = Annotated[str | None, typer.Option("--last-name", "-l", help="Family name.")]
JobTitle = Annotated[str | None, typer.Option("--job-title", help="Job title.")]
Mobile = Annotated[str | None, typer.Option("--mobile", help="Mobile number.")]
ContactAccount = Annotated[
    str | None,
    typer.Option(
        "--account",
        "-a",
        help="The account they work for (number or name).",
        autocompletion=common.complete_accounts,
    ),
]
AccountNumber = Annotated[
    str,
    typer.Argument(
        help="Account number, e.g. ACC-0001.",
        show_default=False,
        autocompletion=common.complete_accounts,
    ),
]
ContactNumber = Annotated[
    str,
    typer.Argument(
        help="Contact number, e.g. CON-0001.",
        show_default=False,
        autocompletion=common.complete_contacts,
    ),
]


def _print_linked(linked: dict[str, list[Deal]]) -> None:
    from salesflow.models import Quote
    from salesflow.pipeline.money import format_money

    rows = []
    for kind, records in linked.items():
        for record in records:
            label = record.number + (f" r{record.revision}" if isinstance(record, Quote) else "")
            name = getattr(record, "name", "") or ""
            rows.append(
                [
                    kind[:-1] if kind != "opportunities" else "opportunity",
                    label,
                    name,
                    record.status,
                    format_money(record.total),
                ]
            )
    if rows:
        common.print_table(["Type", "Number", "Name", "Status", "Total"], rows, numeric=["Total"])


def _json_with_links(record: Record, linked: dict[str, list[Deal]]) -> dict[str, Any]:
    data = common.dump(record)
    for kind, records in linked.items():
        data[kind] = [common.dump(r) for r in records]
    return data


@account_app.command("add")
def account_add(
    name: Name = None,
    address: Address = None,
    postcode: Postcode = None,
    city: City = None,
    country: Country = None,
    email: Email = None,
    phone: Phone = None,
    website: Website = None,
    vat_id: VatId = None,
    coc: Coc = None,
    language: Language = None,
    json: Json = False,
) -> None:
    """Add an account (a company you sell to). Prints the account number.

    Example: salesflow account add --name "Jansen Bouw" --city Utrecht --country NL
    --vat-id NL004495445B01 --language nl
    """
    from salesflow.services import customers

    fields = _fields(locals(), ACCOUNT_FIELDS)
    with common.writing() as uow:
        account = customers.add_account(uow, fields, today=common.today(), now=common.now())
    _print_created(account, json)


@account_app.command("edit")
def account_edit(
    number: AccountNumber,
    name: Name = None,
    address: Address = None,
    postcode: Postcode = None,
    city: City = None,
    country: Country = None,
    email: Email = None,
    phone: Phone = None,
    website: Website = None,
    vat_id: VatId = None,
    coc: Coc = None,
    language: Language = None,
    json: Json = False,
) -> None:
    """Change an account's details; an empty value ("") clears a field. Kept in its history.

    Example: salesflow account edit ACC-0001 --email info@jansenbouw.nl --postcode "3511 AB"
    """
    from salesflow.services import customers

    fields = _fields(locals(), ACCOUNT_FIELDS)
    with common.writing() as uow:
        account = customers.edit_account(uow, number, fields, now=common.now())
    if json:
        common.print_json(common.dump(account))
    else:
        common.print_fields(
            [("Number", account.number), ("Name", account.name), *_customer_fields(account)]
        )


ACCOUNT_FIELDS = (
    "name", "address", "postcode", "city", "country", "email", "phone", "website", "vat_id",
    "coc", "language",
)  # fmt: skip
CONTACT_FIELDS = (
    "first_name", "last_name", "job_title", "email", "phone", "mobile", "website", "address",
    "postcode", "city", "country", "vat_id", "coc", "language",
)  # fmt: skip


def _fields(options: dict[str, Any], names: tuple[str, ...]) -> dict[str, str | None]:
    """The record fields among a command's options (its `locals()`), None where not given."""
    return {name: options[name] for name in names}


def _print_created(record: Account | Contact, json: bool) -> None:
    if json:
        common.print_json(common.dump(record))
    else:
        common.print_created(record.number)


def _customer_fields(record: Account | Contact) -> list[tuple[str, object]]:
    """The details an account and a contact share, in the order of an address label."""
    return [
        ("Email", record.email),
        ("Phone", record.phone),
        ("Website", record.website),
        ("Address", record.address),
        ("Postcode", record.postcode),
        ("City", record.city),
        ("Country", record.country),
        ("VAT ID", record.vat_id),
        ("CoC", record.coc),
        ("Language", record.language),
    ]


@account_app.command("list")
@list_options
def account_list(
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
    """List accounts; --source is the source of the lead each came from.

    Example: salesflow account list --search fjord --json | jq -r '.[].name'
    """
    from salesflow.models import Account

    accounts, _ = _listed(Account, "ACCOUNTS", locals())
    output.emit(
        accounts,
        empty="No accounts.",
        columns=["Number", "Name", "Primary contact", "City", "Country", "Created"],
        row=lambda a: [a.number, a.name, a.primary_contact, a.city, a.country, a.created_on],
        owned=True,
    )


def _listed(
    model: type[R], spec_name: str, options: dict[str, Any]
) -> tuple[Sequence[R], Callable[[Record], str]]:
    """Records of `model` filtered, sorted and limited by a list command's options, and the
    name of a record's account."""
    from salesflow.pipeline import listing
    from salesflow.services import customers

    spec = getattr(listing, spec_name)
    query = common.list_query(spec, options)
    with common.reading() as uow:
        records = customers.listed(uow, model, query, spec, options["output"].page)
        return records, customers.account_names(uow)


@account_app.command("show")
def account_show(
    number: Annotated[
        str,
        typer.Argument(
            help="Account number, e.g. ACC-0001.", autocompletion=common.complete_accounts
        ),
    ],
    json: Json = False,
) -> None:
    """Show an account with its contacts, opportunities, quotes, orders and invoices.

    Also its next open activity and last three notes (its own, its contacts' and its
    opportunities').

    Example: salesflow account show ACC-0001
    """
    from salesflow.cli.activity import summary_pairs
    from salesflow.services import customers

    with common.reading() as uow:
        shown = customers.show_account(uow, number)
    account, contacts, linked, seen = shown.account, shown.contacts, shown.linked, shown.activities
    if json:
        data = _json_with_links(account, linked)
        data["contacts"] = [common.dump(c) for c in contacts]
        common.print_json(data | seen.as_dict())
        return
    common.print_fields(
        [
            ("Number", account.number),
            ("Owner", account.owner),
            ("Name", account.name),
            ("Primary contact", account.primary_contact),
            *_customer_fields(account),
            ("Created", account.created_on),
            ("Contacts", ", ".join(f"{c.number} {c.name}" for c in contacts)),
            *summary_pairs(seen),
        ]
    )
    _print_linked(linked)


@contact_app.command("add")
def contact_add(
    first_name: FirstName = None,
    last_name: LastName = None,
    account: ContactAccount = None,
    job_title: JobTitle = None,
    email: Email = None,
    phone: Phone = None,
    mobile: Mobile = None,
    website: Website = None,
    address: Address = None,
    postcode: Postcode = None,
    city: City = None,
    country: Country = None,
    vat_id: VatId = None,
    coc: Coc = None,
    language: Language = None,
    json: Json = False,
) -> None:
    """Add a contact, optionally at an account. Prints the contact number.

    Example: salesflow contact add -f Piet -l Jansen --account ACC-0001 -e piet@jansenbouw.nl
    """
    from salesflow.services import customers

    fields = _fields(locals(), CONTACT_FIELDS)
    with common.writing() as uow:
        contact = customers.add_contact(
            uow, fields, account=account, today=common.today(), now=common.now()
        )
    _print_created(contact, json)


@contact_app.command("edit")
def contact_edit(
    number: ContactNumber,
    first_name: FirstName = None,
    last_name: LastName = None,
    account: ContactAccount = None,
    job_title: JobTitle = None,
    email: Email = None,
    phone: Phone = None,
    mobile: Mobile = None,
    website: Website = None,
    address: Address = None,
    postcode: Postcode = None,
    city: City = None,
    country: Country = None,
    vat_id: VatId = None,
    coc: Coc = None,
    language: Language = None,
    json: Json = False,
) -> None:
    """Change a contact's details; an empty value ("") clears a field. Kept in its history.

    Example: salesflow contact edit CON-0001 --email piet@jansenbouw.nl
    """
    from salesflow.services import customers

    fields = _fields(locals(), CONTACT_FIELDS)
    with common.writing() as uow:
        contact = customers.edit_contact(uow, number, fields, account=account, now=common.now())
    if json:
        common.print_json(common.dump(contact))
    else:
        common.print_fields(_contact_fields(contact))


def _contact_fields(contact: Contact) -> list[tuple[str, object]]:
    return [
        ("Number", contact.number),
        ("Owner", contact.owner),
        ("Name", contact.name),
        ("Job title", contact.job_title),
        ("Account", contact.account),
        ("Mobile", contact.mobile),
        *_customer_fields(contact),
        ("Created", contact.created_on),
    ]


@contact_app.command("list")
@list_options
def contact_list(
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
    """List contacts.

    Example: salesflow contact list --account ACC-0001 --json | jq -r '.[].email'
    """
    from salesflow.models import Contact

    contacts, customers = _listed(Contact, "CONTACTS", locals())
    output.emit(
        contacts,
        empty="No contacts.",
        columns=["Number", "Name", "Email", "Phone", "Job title", "Customer"],
        row=lambda c: [c.number, c.name, c.email, c.phone, c.job_title, customers(c)],
        owned=True,
    )


@contact_app.command("show")
def contact_show(
    number: Annotated[
        str,
        typer.Argument(
            help="Contact number, e.g. CON-0001.", autocompletion=common.complete_contacts
        ),
    ],
    json: Json = False,
) -> None:
    """Show a contact with the opportunities, quotes, orders and invoices they are on.

    Also the next open activity and the last three notes with them.

    Example: salesflow contact show CON-0001 --json
    """
    from salesflow.cli.activity import summary_pairs
    from salesflow.services import customers

    with common.reading() as uow:
        shown = customers.show_contact(uow, number)
    if json:
        common.print_json(
            _json_with_links(shown.contact, shown.linked) | shown.activities.as_dict()
        )
        return
    common.print_fields([*_contact_fields(shown.contact), *summary_pairs(shown.activities)])
    _print_linked(shown.linked)


owners.add_assign(
    account_app,
    "Account",
    noun="accounts",
    complete=common.complete_accounts,
    json_option=Json,
    help="""Give accounts to another seller (several numbers, or - for stdin).

    Example: salesflow account assign ACC-0001 --to bob
    """,
)


owners.add_assign(
    contact_app,
    "Contact",
    noun="contacts",
    complete=common.complete_contacts,
    json_option=Json,
    help="""Give contacts to another seller (several numbers, or - for stdin).

    Example: salesflow contact assign CON-0001 --to bob
    """,
)
