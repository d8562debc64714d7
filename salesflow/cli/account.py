"""`salesflow account ...` and `salesflow contact ...`: the customers qualified leads became."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from salesflow.cli import common
from salesflow.cli.common import AppTyper
from salesflow.cli.output import ListOutput, list_options

account_app = AppTyper(help="Accounts: the companies you sell to.")
contact_app = AppTyper(help="Contacts: the people at those companies.")

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def linked_records(session: Any, key: str, number: str) -> dict[str, list[Any]]:
    """Opportunities, quotes, orders and invoices whose `key` field is `number`."""
    from salesflow.models import Invoice, Opportunity, Order, Quote

    wanted = number.upper()

    def match(doc: dict[str, Any]) -> bool:
        return str(doc.get(key) or "").upper() == wanted

    return {
        "opportunities": session.all(Opportunity, match),
        "quotes": session.all(Quote, match),
        "orders": session.all(Order, match),
        "invoices": session.all(Invoice, match),
    }


def _print_linked(linked: dict[str, list[Any]]) -> None:
    from salesflow.pipeline.money import format_money

    rows = []
    for kind, records in linked.items():
        for record in records:
            label = record.number + (f" r{record.revision}" if kind == "quotes" else "")
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


def _json_with_links(record: Any, linked: dict[str, list[Any]]) -> dict[str, Any]:
    data = common.dump(record)
    for kind, records in linked.items():
        data[kind] = [common.dump(r) for r in records]
    return data


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
    )


def _listed(
    model: Any, spec_name: str, options: dict[str, Any]
) -> tuple[list[Any], Callable[[Any], str]]:
    """Records of `model` filtered, sorted and limited by a list command's options, and the
    name of a record's account."""
    from salesflow.cli.output import customer_names
    from salesflow.pipeline import listing

    spec = getattr(listing, spec_name)
    query = common.list_query(spec, options)
    with common.reading() as session:
        docs = listing.select(session.docs(model), query, spec)
        docs = options["output"].page(listing.arrange(docs, query, listing.doc_value))
        return [session.load(model, d) for d in docs], customer_names(session)


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
    from salesflow.models import Account, Contact
    from salesflow.services import activities

    with common.reading() as session:
        account = session.get(Account, number)
        linked = linked_records(session, "account", account.number)
        contacts = session.all(
            Contact, lambda d: str(d.get("account") or "").upper() == account.number
        )
        seen = activities.summary(
            session,
            account.number,
            *(c.number for c in contacts),
            *(o.number for o in linked["opportunities"]),
        )
    if json:
        data = _json_with_links(account, linked)
        data["contacts"] = [common.dump(c) for c in contacts]
        common.print_json(data | seen.as_dict())
        return
    common.print_fields(
        [
            ("Number", account.number),
            ("Name", account.name),
            ("Primary contact", account.primary_contact),
            ("Phone", account.phone),
            ("Website", account.website),
            ("City", account.city),
            ("Country", account.country),
            ("Created", account.created_on),
            ("Contacts", ", ".join(f"{c.number} {c.name}" for c in contacts)),
            *summary_pairs(seen),
        ]
    )
    _print_linked(linked)


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
    from salesflow.models import Contact
    from salesflow.services import activities

    with common.reading() as session:
        contact = session.get(Contact, number)
        linked = linked_records(session, "contact", contact.number)
        seen = activities.summary(session, contact.number)
    if json:
        common.print_json(_json_with_links(contact, linked) | seen.as_dict())
        return
    common.print_fields(
        [
            ("Number", contact.number),
            ("Name", contact.name),
            ("Email", contact.email),
            ("Phone", contact.phone),
            ("Mobile", contact.mobile),
            ("Job title", contact.job_title),
            ("Account", contact.account),
            ("Created", contact.created_on),
            *summary_pairs(seen),
        ]
    )
    _print_linked(linked)
