"""Use cases of the agenda: what is due in a period, and the calendar export."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from salesflow.models import (
    Account,
    Activity,
    Lead,
    Quote,
    Record,
    person_name,
)
from salesflow.pipeline import agenda as rules
from salesflow.pipeline.activities import SCHEDULED, regarding_type
from salesflow.pipeline.settings import Settings
from salesflow.store.contract import Match, UnitOfWork

_SCHEDULED = tuple(kind.value for kind in SCHEDULED)


def thresholds(uow: UnitOfWork) -> rules.Thresholds:
    settings = Settings(uow.config())
    return rules.Thresholds(
        quote_days=int(settings.get("agenda_quote_days")),
        lead_days=int(settings.get("agenda_lead_days")),
        order_days=int(settings.get("agenda_order_days")),
    )


_CUSTOMER_FIELDS = ("account", "company", "name", "first_name", "last_name")


class _Customers(Mapping[str, str]):
    """The customer of a record by number (`pipeline.agenda.customer_name`): the agenda's own
    records are at hand, any other an activity regards is found by number once."""

    def __init__(
        self,
        uow: UnitOfWork,
        known: Iterable[Record],
        docs: Mapping[str, Mapping[str, object]] = {},
    ) -> None:
        self._uow = uow
        self._docs = docs
        """Customer fields already read, by upper-case number (the index's deals, the leads
        activities regard)."""
        # by number: a quote's revisions share theirs (and their customer)
        self._records: dict[str, Record | None] = {
            str(getattr(r, "number", r.key)).upper(): r for r in known
        }
        self._names: dict[str, str] = {}
        self._accounts: dict[str, dict[str, object]] | None = None

    def _doc(self, model: type[Record], number: str) -> dict[str, object] | None:
        key = number.upper()
        if key in self._docs:
            return dict(self._docs[key])
        if key not in self._records:
            if model is Quote:
                revisions = self._uow.revisions(number)
                self._records[key] = revisions[-1] if revisions else None
            else:
                self._records[key] = self._uow.find(model, number)
        record = self._records[key]
        if record is None:
            return None
        return {name: getattr(record, name, None) for name in _CUSTOMER_FIELDS}

    def _account(self, number: str) -> dict[str, object] | None:
        """An account's name, from one read of every account's number and name (an agenda
        names many)."""
        if self._accounts is None:
            self._accounts = {
                str(key).upper(): {"name": name}
                for key, name in self._uow.values(Account, ("number", "name"))
            }
        return self._accounts.get(number.upper())

    def __getitem__(self, number: str) -> str:
        if number not in self._names:
            doc = self._doc(regarding_type(number), number) or {}
            account = doc.get("account")
            found = self._account(account) if isinstance(account, str) else None
            self._names[number] = rules.customer_name(doc, found)
        return self._names[number]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


@dataclass(frozen=True)
class Agenda:
    """The items due, and how many open leads have been untouched for longer than the agenda
    lists them (`pipeline.agenda.lead_window`)."""

    items: list[rules.AgendaItem]
    stale_leads: int


def agenda(uow: UnitOfWork, period: rules.Period, *, owner: str | None = None) -> Agenda:
    """What is due in `period`, with the settings' thresholds; with `owner`, only what that
    seller owns (their activities, and the records that make the pipeline's own work).

    Written for big files: the activities and deals come from the agenda index
    (`UnitOfWork.agenda_index`: the open tasks, calls and meetings, the day each lead was last
    touched, the invoices, quotes, opportunities and orders an agenda may show), and the leads
    are read as a few stored fields, so that no lead, activity or deal is built into a record
    (the pipeline decides on the index's entries as it does on records).
    """
    limits = thresholds(uow)
    end = period.end
    index = uow.agenda_index()
    wanted = owner.casefold() if owner else None

    def owned(who: object) -> bool:
        return wanted is None or str(who or "").casefold() == wanted

    due = [entry for entry in index.due if entry.due <= end and owned(entry.owner)]
    touches = index.touched
    low, high = rules.touched_window(period, limits)
    listed: list[rules.Untouched] = []
    regarded = {entry.regarding.upper() for entry in due}
    named: dict[str, Mapping[str, object]] = {}
    stale = 0
    fields = ("first_name", "last_name", "company", "estimated_value", "owner")
    for number, created_on, status, first_name, last_name, company, value, lead_owner in uow.values(
        Lead, ("number", "created_on", "status", *fields)
    ):
        key = number.upper()
        if key in regarded:
            named[key] = {"company": company, "first_name": first_name, "last_name": last_name}
        if status != "open" or not owned(lead_owner):
            continue
        touched = touches.get(key)
        since = touched if touched is not None and touched > created_on else created_on
        if since < low:
            stale += 1
        elif since <= high:
            named[key] = {"company": company, "first_name": first_name, "last_name": last_name}
            listed.append(
                rules.Untouched(
                    number,
                    date.fromisoformat(created_on),
                    person_name(first_name, last_name, company) or company,
                    Decimal(str(value)) if value is not None else None,
                )
            )
    deals = [deal for deal in index.deals if owned(deal.owner)]
    work = rules.Work(due=due, deals=deals, untouched=listed)
    known: dict[str, Mapping[str, object]] = {
        number: {"account": account, "name": name}
        for number, (account, name) in index.parties.items()
    }
    known.update(named)
    items = rules.agenda(
        work,
        period,
        customers=_Customers(uow, (), known),
        touches={
            key: date.fromisoformat(touches[key])
            for key in (lead.number.upper() for lead in listed)
            if key in touches
        },
        thresholds=limits,
    )
    return Agenda(items, stale)


def calendar(uow: UnitOfWork, *, owner: str | None = None) -> list[Activity]:
    """The tasks, calls and meetings with a due date, for a calendar: open, done or canceled
    (a calendar that imported them before learns they are done or canceled); with `owner`,
    only that seller's."""
    mine: dict[str, Any] = {"owner": owner} if owner else {}  # Match.where(**mine)
    return uow.all(Activity, Match.where(kind=_SCHEDULED, within={"due": (date.min, None)}, **mine))
