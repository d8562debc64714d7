"""Leads: capture, edit, qualify into account + contact + opportunity, disqualify, reactivate."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from salesflow.errors import InvalidValue, Refused
from salesflow.models import (
    Account,
    Contact,
    Event,
    Lead,
    LeadReason,
    LeadStatus,
    Opportunity,
)
from salesflow.pipeline.fields import check_email, choice, clean, event, parse_date
from salesflow.pipeline.matching import match_key
from salesflow.pipeline.money import parse_money
from salesflow.pipeline.numbering import Numbers
from salesflow.pipeline.owners import inherited
from salesflow.pipeline.states import guard

TEXT_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "email",
    "phone",
    "mobile",
    "job_title",
    "website",
    "city",
    "country",
    "source",
    "topic",
    "notes",
)
LEAD_FIELDS = (*TEXT_FIELDS, "estimated_value")
R = TypeVar("R", Account, Contact)
DISQUALIFY_REASONS = ("lost", "cannot-contact", "no-longer-interested", "canceled")
OPEN_REASONS = ("new", "contacted")


def lead_values(fields: Mapping[str, str | None], who: str) -> dict[str, object]:
    """Checked lead field values from user text; only the fields given (None means not given).

    Raises InvalidValue naming `who` for a bad email or a negative or non-numeric value.
    """
    unknown = set(fields) - set(LEAD_FIELDS)
    if unknown:
        raise InvalidValue(f"{who}: unknown field(s) {', '.join(sorted(unknown))}")
    values: dict[str, object] = {}
    for name, raw in fields.items():
        if raw is None:
            continue
        if name == "email":
            values[name] = check_email(raw, who)
        elif name == "estimated_value":
            values[name] = parse_money(raw, f"{who}: estimated value") if raw.strip() else None
        else:
            values[name] = clean(raw)
    return values


def _require_name(lead: Lead, who: str) -> None:
    if not lead.last_name and not lead.company:
        raise InvalidValue(f"{who} needs a last name or a company")


def make_lead(
    fields: Mapping[str, str | None],
    *,
    number: str,
    today: date,
    now: datetime,
    owner: str | None = None,
) -> tuple[Lead, Event]:
    """A new open lead (reason new), owned by `owner` (who adds it), and its creation event.

    Raises InvalidValue when it has neither last name nor company, a bad email or a bad value.
    """
    values = lead_values(fields, "lead")
    lead = Lead(number=number, owner=owner, created_on=today, **values)  # type: ignore[arg-type]
    _require_name(lead, "lead")
    return lead, event(now, number, "created", None, "open", source=lead.source)


def edit_lead(
    lead: Lead, fields: Mapping[str, str | None], *, now: datetime, reason: str | None = None
) -> tuple[Lead, Event]:
    """The lead with changed fields (open leads only); empty text clears a field.

    `reason` moves an open lead between `new` and `contacted`. Notes replaced or cleared stay in
    the event (`previous_notes`), so nothing typed is lost. A qualified lead is refused with a
    hint naming the contact and account that now hold its details.
    """
    try:
        guard("lead", lead.number, lead.status, "edit", lead.status_reason)
    except Refused as refused:
        if lead.contact or lead.account:
            raise Refused(f"{refused}; {_customer_hint(lead)}") from None
        raise
    values = lead_values(fields, f"lead {lead.number}")
    if reason is not None:
        values["status_reason"] = LeadReason(choice(reason, OPEN_REASONS, "lead reason"))
    changed = {k: v for k, v in values.items() if getattr(lead, k) != v}
    updated = lead.model_copy(update=changed)
    _require_name(updated, f"lead {lead.number}")
    return updated, event(
        now,
        lead.number,
        "edited",
        fields=sorted(changed),
        previous_notes=lead.notes if "notes" in changed else None,
    )


def _customer_hint(lead: Lead) -> str:
    """Where a qualified lead's details are edited now."""
    hints = [
        f"its {kind} with `salesflow {kind} edit {number}`"
        for kind, number in (("contact", lead.contact), ("account", lead.account))
        if number
    ]
    return "edit " + " or ".join(hints)


@dataclass(frozen=True)
class QualifyOptions:
    opportunity_name: str | None = None
    estimated_revenue: str | None = None
    close_date: str | None = None
    account: Account | None = None
    contact: Contact | None = None
    currency: str = "EUR"


@dataclass(frozen=True)
class Qualified:
    """What qualifying a lead produced; `created` names the records that are new."""

    lead: Lead
    account: Account | None
    contact: Contact | None
    opportunity: Opportunity
    events: list[Event]
    created: set[str] = field(default_factory=set)


def _find(candidates: Mapping[str, R] | Iterable[R], wanted: str | None, field: str) -> R | None:
    """The candidate whose `field` matches `wanted`; a Mapping is keyed by `match_key`."""
    if not match_key(wanted):
        return None
    if isinstance(candidates, Mapping):
        return candidates.get(match_key(wanted))
    return next((c for c in candidates if match_key(getattr(c, field)) == match_key(wanted)), None)


def qualify_lead(
    lead: Lead,
    *,
    accounts: Mapping[str, Account] | Iterable[Account],
    contacts: Mapping[str, Contact] | Iterable[Contact],
    numbers: Numbers,
    today: date,
    now: datetime,
    options: QualifyOptions | None = None,
    seller: str | None = None,
) -> Qualified:
    """Qualify an open lead, as Dynamics does.

    Reuses the account with the same company name (ignoring case and surrounding space) and
    the contact with the same email (ignoring case), or creates them; creates the opportunity
    (name from the option, else the topic, else "<company> opportunity"; estimated revenue from
    the option, else the lead's estimated value) and links the lead to all three.
    `accounts` and `contacts` are lists, or mappings keyed by `match_key` of the name / email.
    The records it creates belong to the lead's owner (`owners.inherited`; `seller`, who
    qualifies, when the lead has none).
    Raises Refused unless the lead is open, InvalidValue for a bad date or amount; both before
    any number is handed out.
    """
    options = options or QualifyOptions()
    guard("lead", lead.number, lead.status, "qualify", lead.status_reason)
    close_date = parse_date(options.close_date, "close date") if options.close_date else None
    revenue: Decimal | None = (
        parse_money(options.estimated_revenue, "estimated revenue")
        if options.estimated_revenue is not None
        else lead.estimated_value
    )
    events: list[Event] = []
    created: set[str] = set()
    owner = inherited(lead, seller)

    account = options.account or _find(accounts, lead.company, "name")
    if account is None and lead.company:
        account = Account(
            number=numbers("ACC"),
            owner=owner,
            name=lead.company,
            email=None,
            phone=lead.phone,
            website=lead.website,
            city=lead.city,
            country=lead.country,
            source=lead.source,
            created_on=today,
        )
        created.add(account.number)
        events.append(event(now, account.number, "created", None, None, lead=lead.number))

    contact = options.contact or _find(contacts, lead.email, "email")
    if contact is None and (lead.first_name or lead.last_name):
        contact = Contact(
            number=numbers("CON"),
            owner=owner,
            first_name=lead.first_name,
            last_name=lead.last_name,
            email=lead.email,
            phone=lead.phone,
            mobile=lead.mobile,
            job_title=lead.job_title,
            account=account.number if account else None,
            source=lead.source,
            created_on=today,
        )
        created.add(contact.number)
        events.append(event(now, contact.number, "created", None, None, lead=lead.number))
    if account is not None and account.primary_contact is None and contact is not None:
        account = account.model_copy(update={"primary_contact": contact.number})

    name = (
        clean(options.opportunity_name) or lead.topic or f"{lead.company or lead.name} opportunity"
    )
    opportunity = Opportunity(
        number=numbers("OPP"),
        owner=owner,
        name=name,
        account=account.number if account else None,
        contact=contact.number if contact else None,
        lead=lead.number,
        source=lead.source,
        currency=options.currency,
        close_date=close_date,
        user_estimated_revenue=revenue,
        created_on=today,
    )
    created.add(opportunity.number)
    events.append(
        event(
            now,
            opportunity.number,
            "created",
            None,
            "open",
            lead=lead.number,
            stage=opportunity.stage,
            estimated_revenue=opportunity.estimated_revenue,
        )
    )
    qualified = lead.model_copy(
        update={
            "status": LeadStatus.QUALIFIED,
            "status_reason": LeadReason.QUALIFIED,
            "account": account.number if account else None,
            "contact": contact.number if contact else None,
            "opportunity": opportunity.number,
        }
    )
    events.insert(
        0,
        event(
            now,
            lead.number,
            "qualified",
            lead.status,
            "qualified",
            opportunity=opportunity.number,
            account=account.number if account else None,
            contact=contact.number if contact else None,
        ),
    )
    return Qualified(qualified, account, contact, opportunity, events, created)


def disqualify_lead(lead: Lead, reason: str, *, now: datetime) -> tuple[Lead, Event]:
    """Close an open lead as disqualified with one of Dynamics' reasons."""
    why = LeadReason(choice(reason, DISQUALIFY_REASONS, "disqualify reason"))
    guard("lead", lead.number, lead.status, "disqualify", lead.status_reason)
    updated = lead.model_copy(update={"status": LeadStatus.DISQUALIFIED, "status_reason": why})
    return updated, event(now, lead.number, "disqualified", lead.status, updated.status, reason=why)


def reactivate_lead(lead: Lead, *, now: datetime) -> tuple[Lead, Event]:
    """Reopen a disqualified lead (reason new)."""
    guard("lead", lead.number, lead.status, "reactivate", lead.status_reason)
    updated = lead.model_copy(update={"status": LeadStatus.OPEN, "status_reason": LeadReason.NEW})
    return updated, event(now, lead.number, "reactivated", lead.status, updated.status)


def ensure_unlinked(lead: Lead) -> None:
    """A qualified lead keeps its links; deleting or merging it would orphan the opportunity."""
    if lead.opportunity:
        raise Refused(f"lead {lead.number} is qualified into {lead.opportunity}")
