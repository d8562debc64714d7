"""Use cases of the agenda: what is due in a period, and the calendar export."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from salesflow.models import (
    Account,
    Activity,
    Invoice,
    Lead,
    Opportunity,
    Order,
    Quote,
    Record,
)
from salesflow.pipeline import agenda as rules
from salesflow.pipeline.activities import SCHEDULED, regarding_type
from salesflow.pipeline.settings import Settings
from salesflow.store.contract import Match, UnitOfWork

Doc = dict[str, Any]
_SCHEDULED = tuple(kind.value for kind in SCHEDULED)
_CUSTOMER_FIELDS = ("number", "account", "company", "name", "first_name", "last_name")


def thresholds(uow: UnitOfWork) -> rules.Thresholds:
    settings = Settings(uow.config())
    return rules.Thresholds(
        quote_days=int(settings.get("agenda_quote_days")),
        lead_days=int(settings.get("agenda_lead_days")),
        order_days=int(settings.get("agenda_order_days")),
    )


class _Customers(Mapping[str, str]):
    """The customer of a record by number (`pipeline.agenda.customer_name`), read from the
    stored fields of only the tables the agenda's records come from."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._docs: dict[str, dict[str, Doc]] = {}
        self._names: dict[str, str] = {}

    def _doc(self, model: type[Record], number: str) -> Doc | None:
        docs = self._docs.get(model.table)
        if docs is None:
            rows = (
                {
                    name: value
                    for name, value in zip(_CUSTOMER_FIELDS, row, strict=True)
                    if value is not None
                }
                for row in self._uow.values(model, _CUSTOMER_FIELDS)
            )
            docs = {str(doc.get("number", "")).upper(): doc for doc in rows}
            self._docs[model.table] = docs
        return docs.get(number.upper())

    def __getitem__(self, number: str) -> str:
        if number not in self._names:
            doc = self._doc(regarding_type(number), number) or {}
            account = doc.get("account")
            found = self._doc(Account, account) if isinstance(account, str) else None
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


def agenda(uow: UnitOfWork, period: rules.Period) -> Agenda:
    """What is due in `period`, with the settings' thresholds.

    Written for big files: the queries name the statuses and the last due day, and the leads
    and the days they were touched are read as a few stored fields, so only what makes the
    agenda is built into records (the pipeline checks them again).
    """
    limits = thresholds(uow)
    end = period.end
    lead_series = Lead.prefix + "-"
    touches = rules.last_touches(
        (str(regarding), str(completed_on or created_on or ""))
        for regarding, completed_on, created_on in uow.values(
            Activity, ("regarding", "completed_on", "created_on")
        )
        if str(regarding)[: len(lead_series)].upper() == lead_series
    )
    first, last = rules.lead_window(period, limits)
    listed: list[str] = []
    stale = 0
    for number, created_on in uow.values(Lead, ("number", "created_on"), _OPEN_LEADS):
        day = rules.untouched_day(
            date.fromisoformat(created_on), touches.get(number.upper()), limits
        )
        if first <= day <= last:
            listed.append(number)
        elif day < first:
            stale += 1
    work = rules.Work(
        activities=uow.all(
            Activity, Match.where(status="open", kind=_SCHEDULED, within={"due": (None, end)})
        ),
        invoices=uow.all(
            Invoice,
            Match.where(status=("unpaid", "partially-paid"), within={"due_date": (None, end)}),
        ),
        quotes=uow.all(
            Quote,
            Match.where(
                status="active",  # only a latest revision can be
                within={"valid_until": (None, end + timedelta(days=limits.quote_days))},
            ),
        ),
        opportunities=uow.all(
            Opportunity,
            Match.where(
                status="open", defaults={"status": "open"}, within={"close_date": (None, end)}
            ),
        ),
        leads=uow.all(Lead, Match.where(number=listed)) if listed else [],
        orders=uow.all(
            Order,
            Match.where(
                status="active",
                defaults={"status": "active"},
                within={"created_on": (None, end - timedelta(days=limits.order_days))},
            ),
        ),
    )
    items = rules.agenda(
        work,
        period,
        customers=_Customers(uow),
        touches=touches,
        thresholds=limits,
    )
    return Agenda(items, stale)


_OPEN_LEADS = Match.where(status="open")


def calendar(uow: UnitOfWork) -> list[Activity]:
    """The tasks, calls and meetings with a due date, for a calendar: open, done or canceled
    (a calendar that imported them before learns they are done or canceled)."""
    return uow.all(Activity, Match.where(kind=_SCHEDULED, within={"due": (date.min, None)}))
