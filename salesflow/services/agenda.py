"""Use cases of the agenda: what is due in a period, and the calendar export."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from salesflow.models import (
    Activity,
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
    """The customer of a record by number (`pipeline.agenda.customer_name`): the agenda index
    names the deals' accounts, the leads and the accounts; any other record an activity
    regards (a contact) is found by number once."""

    def __init__(
        self,
        uow: UnitOfWork,
        *,
        parties: Mapping[str, tuple[str | None, str | None]],
        leads: Mapping[str, str],
        accounts: Mapping[str, object],
    ) -> None:
        self._uow = uow
        self._parties = parties
        """Each deal's account and name, by upper-case number (`AgendaIndex.parties`)."""
        self._leads = leads
        """The agenda index's leads, by upper-case number (`rules.lead_customer`)."""
        # by number: a quote's revisions share theirs (and their customer)
        self._records: dict[str, Record | None] = {}
        self._accounts = accounts
        """The agenda index's accounts, by upper-case number (`rules.account_name`)."""
        self._names: dict[str, str] = {}

    def _doc(self, number: str) -> dict[str, object] | None:
        key = number.upper()
        if key in self._leads:
            return rules.lead_customer(self._leads[key])
        if key in self._accounts:
            return {"name": rules.account_name(self._accounts[key])}
        if key not in self._records:
            model = regarding_type(number)
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
        """An account's name, from the agenda index."""
        name = rules.account_name(self._accounts.get(number.upper()))
        return {"name": name} if name is not None else None

    def _customer(self, number: str) -> str:
        party = self._parties.get(number.upper())
        if party is not None:  # a deal: most of an agenda's items, each its own
            number_of_account, name = party
            entry = (
                self._accounts.get(number_of_account.upper())
                if isinstance(number_of_account, str)
                else None
            )
            return rules.deal_customer(entry, name)
        doc = self._doc(number) or {}
        account = doc.get("account")
        found = self._account(account) if isinstance(account, str) else None
        return rules.customer_name(doc, found)

    def get(self, number: str, default: object = None) -> Any:
        """`self[number]`: every record has a customer, maybe none (""). Not `Mapping.get`,
        which calls `__getitem__`: an agenda asks once per item."""
        name = self._names.get(number)
        if name is None:
            name = self._names[number] = self._customer(number)
        return name

    def __getitem__(self, number: str) -> str:
        name: str = self.get(number)
        return name

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


class Agenda:
    """The items due, and how many open leads have been untouched for longer than the agenda
    lists them (`pipeline.agenda.lead_window`). A plain class: as a frozen dataclass it made
    this module's import twice as long (0.75 ms against 0.37 ms), on a command a seller runs
    many times a day."""

    __slots__ = ("items", "stale_leads")

    def __init__(self, items: list[rules.AgendaItem], stale_leads: int) -> None:
        self.items = items
        self.stale_leads = stale_leads


def agenda(uow: UnitOfWork, period: rules.Period, *, owner: str | None = None) -> Agenda:
    """What is due in `period`, with the settings' thresholds; with `owner`, only what that
    seller owns (their activities, and the records that make the pipeline's own work).

    Written for big files: everything comes from the agenda index (`UnitOfWork.agenda_index`:
    the open tasks, calls and meetings, the day each lead was last touched, the invoices,
    quotes, opportunities and orders an agenda may show, every lead's dates and names, every
    account's name), so that no record table is parsed and no record is built (the pipeline
    decides on the index's entries as it does on records).
    """
    limits = thresholds(uow)
    index = uow.agenda_index()
    wanted = owner.casefold() if owner else None

    def owned(who: object) -> bool:
        return wanted is None or str(who or "").casefold() == wanted

    leads = rules.lead_work(index.leads, index.touched, period, limits, owner=owner)
    work = rules.Work(
        due=[entry for entry in index.due if entry.due <= period.end and owned(entry.owner)],
        deals=[deal for deal in index.deals if owned(deal.owner)],
        untouched=leads.untouched,
    )
    items = rules.agenda(
        work,
        period,
        customers=_Customers(
            uow, parties=index.parties, leads=index.leads, accounts=index.accounts
        ),
        touches=leads.touches,
        thresholds=limits,
    )
    return Agenda(items, leads.stale)


def calendar(uow: UnitOfWork, *, owner: str | None = None) -> list[Activity]:
    """The tasks, calls and meetings with a due date, for a calendar: open, done or canceled
    (a calendar that imported them before learns they are done or canceled); with `owner`,
    only that seller's."""
    mine: dict[str, Any] = {"owner": owner} if owner else {}  # Match.where(**mine)
    return uow.all(Activity, Match.where(kind=_SCHEDULED, within={"due": (date.min, None)}, **mine))
