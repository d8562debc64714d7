"""Use cases of leads: add, edit, list, show, qualify (one lead or a batch), disqualify,
reactivate. Each takes a unit of work and plain values and returns what the CLI shows."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import cast

from salesflow.models import Account, Activity, Contact, Lead
from salesflow.pipeline import leads as rules
from salesflow.pipeline import listing
from salesflow.pipeline.matching import match_key
from salesflow.services import activities, allocator
from salesflow.store.contract import Listing, UnitOfWork

Fields = Mapping[str, str | None]


def add(uow: UnitOfWork, fields: Fields, *, today: date, now: datetime) -> Lead:
    """A new open lead from the typed fields (`pipeline.leads.make_lead` says what it needs)."""
    lead, created = rules.make_lead(
        fields, number=allocator(uow)(Lead.prefix), today=today, now=now, owner=uow.seller
    )
    uow.put(lead)
    uow.add_events([created])
    return lead


def edit(
    uow: UnitOfWork, number: str, fields: Fields, *, reason: str | None, now: datetime
) -> Lead:
    """An open lead with the typed fields changed (an empty value clears one)."""
    lead, edited = rules.edit_lead(uow.get(Lead, number), fields, now=now, reason=reason)
    uow.put(lead)
    uow.add_events([edited])
    return lead


def listed(uow: UnitOfWork, query: listing.ListQuery) -> Sequence[Lead]:
    """`lead list`: the leads the query wants, sorted and cut, built as they are shown."""
    return uow.arranged(Lead, Listing(query, listing.LEADS))


def show(uow: UnitOfWork, number: str) -> tuple[Lead, activities.Summary]:
    """One lead with its next open activity and its last notes."""
    lead = uow.get(Lead, number)
    return lead, activities.summary(uow, lead.number)


@dataclass(frozen=True)
class QualifyRequest:
    """The options of `lead qualify`, as typed."""

    opportunity_name: str | None = None
    estimated_revenue: str | None = None
    close_date: str | None = None
    account: str | None = None
    """An account number or name to use instead of finding or creating one."""
    contact: str | None = None


@dataclass
class Qualifying:
    """A batch of qualifications in one unit of work: accounts and contacts created for one lead
    are found again for the next (the same company, the same email), and each lead's open
    activities move to its opportunity (`carried`, by lead number)."""

    uow: UnitOfWork
    options: rules.QualifyOptions
    today: date
    now: datetime
    carried: dict[str, list[Activity]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._new_accounts: dict[str, Account] = {}
        self._new_contacts: dict[str, Contact] = {}
        # read-only below the new records (ChainMap writes only to its first mapping)
        stored_accounts = self.uow.index_by(Account, "name", match_key)
        stored_contacts = self.uow.index_by(Contact, "email", match_key)
        self._accounts = ChainMap(self._new_accounts, cast(dict[str, Account], stored_accounts))
        self._contacts = ChainMap(self._new_contacts, cast(dict[str, Contact], stored_contacts))
        self._numbers = allocator(self.uow)
        self._carry = activities.carrier(self.uow, now=self.now)

    def __call__(self, number: str) -> rules.Qualified:
        """Qualify one open lead (`pipeline.leads.qualify_lead` says what it refuses)."""
        result = rules.qualify_lead(
            self.uow.get(Lead, number),
            accounts=self._accounts,
            contacts=self._contacts,
            numbers=self._numbers,
            today=self.today,
            now=self.now,
            options=self.options,
            seller=self.uow.seller,
        )
        self.uow.put(result.lead, result.opportunity)
        if result.account is not None:
            self.uow.put(result.account)
            self._new_accounts[match_key(result.account.name)] = result.account
        if result.contact is not None:
            self.uow.put(result.contact)
            if result.contact.email:
                self._new_contacts.setdefault(match_key(result.contact.email), result.contact)
        self.uow.add_events(result.events)
        self.carried[result.lead.number] = self._carry(result)
        return result


def qualifying(
    uow: UnitOfWork,
    request: QualifyRequest,
    *,
    account_number: str | None,
    currency: str,
    today: date,
    now: datetime,
) -> Qualifying:
    """What qualifies the leads of one `lead qualify`, one number at a time (a batch runs each
    under its own savepoint). `account_number` is the request's account as a number."""
    options = rules.QualifyOptions(
        opportunity_name=request.opportunity_name,
        estimated_revenue=request.estimated_revenue,
        close_date=request.close_date,
        account=uow.get(Account, account_number) if account_number else None,
        contact=uow.get(Contact, request.contact) if request.contact else None,
        currency=currency,
    )
    return Qualifying(uow, options, today, now)


def disqualify(uow: UnitOfWork, number: str, reason: str, *, now: datetime) -> Lead:
    """Close an open lead with a reason."""
    lead, changed = rules.disqualify_lead(uow.get(Lead, number), reason, now=now)
    uow.put(lead)
    uow.add_events([changed])
    return lead


def reactivate(uow: UnitOfWork, number: str, *, now: datetime) -> Lead:
    """Reopen a disqualified lead."""
    lead, changed = rules.reactivate_lead(uow.get(Lead, number), now=now)
    uow.put(lead)
    uow.add_events([changed])
    return lead
