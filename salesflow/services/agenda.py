"""Use cases of the agenda: what is due in a period, and the calendar export."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from salesflow.store import Session

Doc = dict[str, Any]
_SCHEDULED = {kind.value for kind in SCHEDULED}


def thresholds(session: Session) -> rules.Thresholds:
    settings = Settings(session.config())
    return rules.Thresholds(
        quote_days=int(settings.get("agenda_quote_days")),
        lead_days=int(settings.get("agenda_lead_days")),
        order_days=int(settings.get("agenda_order_days")),
    )


class _Customers(Mapping[str, str]):
    """The customer of a record by number (`pipeline.agenda.customer_name`), read from the
    stored documents of only the tables the agenda's records come from."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._docs: dict[str, dict[str, Doc]] = {}
        self._names: dict[str, str] = {}

    def _doc(self, model: type[Record], number: str) -> Doc | None:
        docs = self._docs.get(model.table)
        if docs is None:
            docs = {str(d.get("number", "")).upper(): d for d in self._session.docs(model)}
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


def _before(field: str, day: date, extra: Callable[[Doc], bool]) -> Callable[[Doc], bool]:
    """A cheap pre-filter on stored documents (ISO dates compare as text); the pipeline checks
    the loaded records again, so this only saves loading records that cannot be due."""
    last = day.isoformat()

    def keep(doc: Doc) -> bool:
        if not extra(doc):  # the status, first: it rules out most documents
            return False
        value = doc.get(field)
        return isinstance(value, str) and value <= last

    return keep


@dataclass(frozen=True)
class Agenda:
    """The items due, and how many open leads have been untouched for longer than the agenda
    lists them (`pipeline.agenda.lead_window`)."""

    items: list[rules.AgendaItem]
    stale_leads: int


def agenda(session: Session, period: rules.Period) -> Agenda:
    """What is due in `period`, with the settings' thresholds.

    Written for big files: the stored documents are filtered with the pipeline's own rules
    before any record is loaded, so only what makes the agenda is validated.
    """
    limits = thresholds(session)
    end = period.end
    # one pass over the activities: the days leads were touched, and the open ones due
    lead_series = Lead.prefix + "-"
    last_due = end.isoformat()
    touched: list[tuple[str, str]] = []
    due_docs: list[Doc] = []
    for doc in session.docs(Activity):
        regarding = str(doc.get("regarding", ""))
        if regarding[:2].upper() == lead_series:
            touched.append((regarding, str(doc.get("completed_on") or doc.get("created_on", ""))))
        if (
            doc.get("status") == "open"
            and doc.get("kind") in _SCHEDULED
            and str(doc.get("due") or "~") <= last_due
        ):
            due_docs.append(doc)
    touches = rules.last_touches(touched)
    first, last = rules.lead_window(period, limits)
    listed: list[Doc] = []
    stale = 0
    for doc in session.docs(Lead):
        if doc.get("status") != "open":
            continue
        day = rules.untouched_day(
            date.fromisoformat(doc["created_on"]), touches.get(doc["number"].upper()), limits
        )
        if first <= day <= last:
            listed.append(doc)
        elif day < first:
            stale += 1
    leads = [session.load(Lead, doc) for doc in listed]
    work = rules.Work(
        activities=[session.load(Activity, doc) for doc in due_docs],
        invoices=session.all(
            Invoice,
            _before("due_date", end, lambda d: d.get("status") in ("unpaid", "partially-paid")),
        ),
        quotes=session.all(
            Quote,
            _before(
                "valid_until",
                end + timedelta(days=limits.quote_days),
                lambda d: d.get("status") == "active",  # only a latest revision can be
            ),
        ),
        opportunities=session.all(
            Opportunity, _before("close_date", end, lambda d: d.get("status", "open") == "open")
        ),
        leads=leads,
        orders=session.all(
            Order,
            _before(
                "created_on",
                end - timedelta(days=limits.order_days),
                lambda d: d.get("status", "active") == "active",
            ),
        ),
    )
    items = rules.agenda(
        work,
        period,
        customers=_Customers(session),
        touches=touches,
        thresholds=limits,
    )
    return Agenda(items, stale)


def calendar(session: Session) -> list[Activity]:
    """The tasks, calls and meetings with a due date, for a calendar: open, done or canceled
    (a calendar that imported them before learns they are done or canceled)."""
    return session.all(
        Activity, lambda d: d.get("kind") in _SCHEDULED and isinstance(d.get("due"), str)
    )
