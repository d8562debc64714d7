"""Use cases of the agenda: what is due in a period, and the calendar export."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
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

    def __init__(self, uow: UnitOfWork, known: Iterable[Record]) -> None:
        self._uow = uow
        # by number: a quote's revisions share theirs (and their customer)
        self._records: dict[str, Record | None] = {
            str(getattr(r, "number", r.key)).upper(): r for r in known
        }
        self._names: dict[str, str] = {}
        self._accounts: dict[str, dict[str, object]] | None = None

    def _doc(self, model: type[Record], number: str) -> dict[str, object] | None:
        key = number.upper()
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

    Written for big files: the queries name the statuses and the last due day, and the leads
    and the days they were touched are read as a few stored fields, so only what makes the
    agenda is built into records (the pipeline checks them again).
    """
    limits = thresholds(uow)
    end = period.end
    mine: dict[str, Any] = {"owner": owner} if owner else {}  # Match.where(**mine)
    wanted = owner.casefold() if owner else None
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
    lead_fields = ("number", "created_on", "status", "owner")
    for number, created_on, status, lead_owner in uow.values(Lead, lead_fields):
        if status != "open" or (wanted and str(lead_owner or "").casefold() != wanted):
            continue
        day = rules.untouched_day(
            date.fromisoformat(created_on), touches.get(number.upper()), limits
        )
        if first <= day <= last:
            listed.append(number)
        elif day < first:
            stale += 1
    work = rules.Work(
        activities=uow.all(
            Activity,
            Match.where(status="open", kind=_SCHEDULED, within={"due": (None, end)}, **mine),
        ),
        invoices=uow.all(
            Invoice,
            Match.where(
                status=("unpaid", "partially-paid"), within={"due_date": (None, end)}, **mine
            ),
        ),
        quotes=uow.all(
            Quote,
            Match.where(
                status="active",  # only a latest revision can be
                within={"valid_until": (None, end + timedelta(days=limits.quote_days))},
                **mine,
            ),
        ),
        opportunities=uow.all(
            Opportunity,
            Match.where(
                status="open",
                defaults={"status": "open"},
                within={"close_date": (None, end)},
                **mine,
            ),
        ),
        leads=[uow.get(Lead, number) for number in listed],
        orders=uow.all(
            Order,
            Match.where(
                status="active",
                defaults={"status": "active"},
                within={"created_on": (None, end - timedelta(days=limits.order_days))},
                **mine,
            ),
        ),
    )
    items = rules.agenda(
        work,
        period,
        customers=_Customers(
            uow, (*work.invoices, *work.quotes, *work.opportunities, *work.leads, *work.orders)
        ),
        touches=touches,
        thresholds=limits,
    )
    return Agenda(items, stale)


def calendar(uow: UnitOfWork, *, owner: str | None = None) -> list[Activity]:
    """The tasks, calls and meetings with a due date, for a calendar: open, done or canceled
    (a calendar that imported them before learns they are done or canceled); with `owner`,
    only that seller's."""
    mine: dict[str, Any] = {"owner": owner} if owner else {}  # Match.where(**mine)
    return uow.all(Activity, Match.where(kind=_SCHEDULED, within={"due": (date.min, None)}, **mine))
