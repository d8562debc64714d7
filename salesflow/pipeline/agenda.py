"""The agenda: what is due in a period, overdue first, day by day.

Open tasks, calls and meetings, and the work the pipeline itself shows: invoices overdue, quotes
about to expire, opportunities at or past their close date, open leads nobody touched for a while,
and active orders not fulfilled after a while (thresholds in the settings). Each item says when,
what, the record, the customer, the amount where there is one, and the command that acts on it.

Its value types are NamedTuples and its annotations are evaluated (no `from __future__ import
annotations`, so a method returning its own class names it in quotes): `salesflow agenda` imports
this module on every run, and a frozen dataclass, or a NamedTuple field annotated by a string,
costs a compile at import (17 ms for the module's nine classes as frozen dataclasses, 5 ms now).
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from salesflow.models import (
    Activity,
    Invoice,
    Lead,
    LeadStatus,
    Opportunity,
    Order,
    Quote,
    person_name,
)
from salesflow.pipeline.activities import SCHEDULED, is_open
from salesflow.pipeline.agenda_index import (
    ACCOUNTS,
    ACTIVITIES,
    DEAL_KINDS,
    LEADS,
    OPEN_DAY,
    deal_entry,
    lead_fields,
    owned_by,
)
from salesflow.pipeline.agenda_index import SCHEDULED_KINDS as _SCHEDULED_KINDS

KIND_ORDER = ("meeting", "call", "task", "invoice", "quote", "order", "opportunity", "lead")
"""Within a day and time: appointments first, then calls and tasks, then the pipeline's work."""


class Thresholds(NamedTuple):
    """How many days before the agenda shows a quote's expiry, an untouched lead, an order
    not fulfilled (`agenda_quote_days`, `agenda_lead_days`, `agenda_order_days`)."""

    quote_days: int = 7
    lead_days: int = 14
    order_days: int = 14


class Period(NamedTuple):
    """The days an agenda covers; anything dated before `start` is overdue."""

    start: date
    end: date

    @classmethod
    def day(cls, day: date) -> "Period":
        return cls(day, day)

    @classmethod
    def week(cls, first: date) -> "Period":
        return cls(first, first + timedelta(days=6))


class AgendaItem(NamedTuple):
    """One line of the agenda."""

    date: date
    kind: str
    number: str
    regarding: str
    subject: str
    customer: str | None
    amount: Decimal | None
    command: str
    at: time | None = None
    overdue: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "time": self.at.strftime("%H:%M") if self.at else None,
            "overdue": self.overdue,
            "kind": self.kind,
            "number": self.number,
            "regarding": self.regarding,
            "subject": self.subject,
            "customer": self.customer,
            "amount": f"{self.amount:.2f}" if self.amount is not None else None,
            "command": self.command,
        }


class Due(NamedTuple):
    """An open task, call or meeting with a due date, as the agenda shows it: what the agenda
    index (`activity_index`) keeps of it."""

    number: str
    kind: str
    due: date
    at: time | None
    regarding: str
    subject: str
    owner: str | None = None

    @classmethod
    def of(cls, activity: Activity) -> "Due | None":
        """What the agenda shows of an activity; None for one it never shows (a note, an email,
        one done or canceled, one without a due date)."""
        if activity.kind not in SCHEDULED or not is_open(activity) or activity.due is None:
            return None
        return cls(
            activity.number,
            activity.kind.value,
            activity.due,
            activity.at,
            activity.regarding,
            activity.subject,
            activity.owner,
        )


class Deal(NamedTuple):
    """An invoice, quote, opportunity or order that an agenda may show, whatever the period:
    what the agenda index keeps of it (`Deal.of`)."""

    kind: str
    """`invoice`, `quote`, `opportunity` or `order`."""
    number: str
    day: date
    """An invoice's due date, a quote's last valid day, an opportunity's close date, the day an
    order was made."""
    amount: Decimal
    """An invoice's balance, a quote's or an order's total, an opportunity's estimated revenue."""
    account: str | None = None
    name: str | None = None
    """An opportunity's name."""
    owner: str | None = None

    @classmethod
    def of(cls, record: Invoice | Quote | Opportunity | Order) -> "Deal | None":
        """What the agenda may show of a record (`agenda_index.deal_entry`); None for one no
        agenda shows."""
        entry = deal_entry(record)
        return None if entry[0] is None else cls.from_stored(entry)

    @classmethod
    def from_stored(cls, stored: Sequence[Any]) -> "Deal":
        kind, number, day, amount, account, name, *rest = stored
        owner = rest[0] if rest else None  # entries kept before records had owners
        return cls(kind, number, date.fromisoformat(day), Decimal(amount), account, name, owner)


class AgendaIndex(NamedTuple):
    """What the agenda needs of every activity, deal record and lead, whatever the period: the
    open tasks, calls and meetings with a due date, the leads last touched each day
    (`last_touches`, by day), the deals an agenda may show, and every lead's `lead_entry`."""

    due: list[Due]
    touched: dict[str, list[str]]
    """The upper-case numbers of the leads last touched on each ISO day, by day (ISO days
    compare as text: `lead_work` looks up the days from its window on)."""
    deals: list[Deal]
    parties: dict[str, tuple[str | None, str | None]]
    """Every deal record's account and name (an opportunity's), by upper-case number: whom an
    activity about it is for."""
    leads: dict[str, str]
    """Every lead's `agenda_index.lead_entry` as stored, by upper-case number: kept as read, as
    a big file has many."""
    accounts: dict[str, list[Any]]
    """Every account's `[name]`, by upper-case number, as stored."""

    def normalized(self) -> "AgendaIndex":
        """The same index with its lists in number order, to compare two (`doctor`)."""
        return AgendaIndex(
            due=sorted(self.due, key=lambda entry: entry.number),
            touched={day: sorted(keys) for day, keys in self.touched.items()},
            deals=sorted(self.deals, key=lambda deal: (deal.kind, deal.number)),
            parties=self.parties,
            leads=self.leads,
            accounts=self.accounts,
        )

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> "AgendaIndex":
        """The index from its stored form: `activity_index` under `activities`, `deal_index`
        under each deal table's name, `document_index` under `leads` and `accounts` (kept as
        read, not copied). A section of another shape raises (a damaged index); the leads' and
        accounts' entries are checked as they are used (`lead_work`, `account_name`), as a big
        file has many."""
        activities = stored.get(ACTIVITIES) or {"due": {}, "touched": {}}
        if not isinstance(activities["touched"], dict):
            raise TypeError("the agenda index's touches are not an object")
        entries = [entry for table in DEAL_KINDS for entry in (stored.get(table) or {}).values()]
        leads = stored.get(LEADS) or {}
        accounts = stored.get(ACCOUNTS) or {}
        if not isinstance(leads, dict) or not isinstance(accounts, dict):
            raise TypeError("a section of the agenda index is not an object")
        return cls(
            due=[
                Due(
                    number=number,
                    kind=kind,
                    due=date.fromisoformat(due),
                    at=time.fromisoformat(at) if at else None,
                    regarding=regarding,
                    subject=subject,
                    owner=rest[0] if rest else None,  # entries kept before owners
                )
                for number, (kind, due, at, regarding, subject, *rest) in activities["due"].items()
            ],
            touched=activities["touched"],
            deals=[Deal.from_stored(entry) for entry in entries if entry[0] is not None],
            parties={str(entry[1]).upper(): (entry[4], entry[5]) for entry in entries},
            leads=leads,
            accounts=accounts,
        )


class Untouched(NamedTuple):
    """An open lead as an agenda shows it once nobody touched it for a while (`Untouched.of`)."""

    number: str
    created_on: date
    name: str | None
    """Its name, else its company."""
    amount: Decimal | None

    @classmethod
    def of(cls, lead: Lead) -> "Untouched | None":
        """None for a lead that is not open."""
        if lead.status is not LeadStatus.OPEN:
            return None
        return cls(lead.number, lead.created_on, lead.name or lead.company, lead.estimated_value)


class Work(NamedTuple):
    """The records an agenda is made of (the shell may pass more: each is checked here)."""

    activities: Iterable[Activity] = ()
    due: Iterable[Due] = ()
    """Open tasks, calls and meetings as the agenda index keeps them (`AgendaIndex.due`)."""
    deals: Iterable[Deal] = ()
    """Invoices, quotes, opportunities and orders as the agenda index keeps them."""
    invoices: Iterable[Invoice] = ()
    quotes: Iterable[Quote] = ()
    opportunities: Iterable[Opportunity] = ()
    leads: Iterable[Lead] = ()
    orders: Iterable[Order] = ()
    untouched: Iterable[Untouched] = ()
    """Open leads as a shell read them from stored fields (`Untouched`)."""


def customer_name(doc: Mapping[str, Any], account: Mapping[str, Any] | None) -> str:
    """Who a record is for, from stored fields: a deal's account name, else the record's own
    company or name (a lead, an account, a contact)."""
    if account is not None and account.get("name"):
        return str(account["name"])
    if doc.get("company") or doc.get("name"):
        return str(doc.get("company") or doc.get("name"))
    return " ".join(str(doc[k]) for k in ("first_name", "last_name") if doc.get(k))


def deal_customer(account: object, name: str | None) -> str:
    """Who a deal is for, from the agenda index (`AgendaIndex.parties`): its account's name
    (`account_name` of the account's entry), else its own name (an opportunity's), as
    `customer_name` says of the deal's stored fields."""
    return account_name(account) or name or ""


def last_touches(touches: Iterable[tuple[str, str]]) -> dict[str, date]:
    """The last day each record was touched, by upper-case number, from (number, ISO date)
    pairs: an activity touches its record on the day it is done, else the day it was made
    (`touch_of`). ISO dates compare as text, so a shell may feed stored documents."""
    latest: dict[str, str] = {}
    for number, day in touches:
        key = number.upper()
        if day > latest.get(key, ""):
            latest[key] = day
    return {key: date.fromisoformat(day) for key, day in latest.items()}


def touch_of(activity: Activity) -> tuple[str, str]:
    """The (number, ISO date) an activity touches its record on, for `last_touches`."""
    return activity.regarding, (activity.completed_on or activity.created_on).isoformat()


def untouched_day(created_on: date, touched: date | None, thresholds: Thresholds) -> date:
    """The day an open lead counts as untouched: `lead_days` after its creation or its last
    activity, whichever is later."""
    return max(created_on, touched or created_on) + timedelta(days=thresholds.lead_days)


def lead_window(period: Period, thresholds: Thresholds) -> tuple[date, date]:
    """Untouched leads are listed from the day they become untouched until `lead_days` later
    (overdue by then); leads untouched longer are only counted (`Agenda.stale_leads`): an
    agenda of every lead a file ever gathered would hide the day's work."""
    return period.start - timedelta(days=thresholds.lead_days), period.end


def touched_window(period: Period, thresholds: Thresholds) -> tuple[str, str]:
    """The ISO days between which an open lead's last touch (its creation when later) puts it on
    the agenda (`lead_window`, `lead_days` earlier); a lead touched before the first is stale."""
    first, last = lead_window(period, thresholds)
    gap = timedelta(days=thresholds.lead_days)
    return (first - gap).isoformat(), (last - gap).isoformat()


class LeadWork(NamedTuple):
    """What an agenda shows of the leads (`lead_work`)."""

    untouched: list[Untouched]
    """The open leads that become untouched in the period (`lead_window`)."""
    touches: dict[str, date]
    """The day each of them was last touched, by upper-case number, when an activity did on or
    after the window's first day (an earlier touch does not move the day a lead counts as
    untouched from: it was made later)."""
    stale: int
    """How many open leads were untouched for longer (only counted)."""


def lead_work(
    leads: Mapping[str, str],
    touched: Mapping[str, Sequence[str]],
    period: Period,
    thresholds: Thresholds,
    *,
    owner: str | None = None,
) -> LeadWork:
    """The open leads an agenda for `period` lists, and how many it only counts, from the agenda
    index's leads (`agenda_index.lead_entry`, by upper-case number) and the leads last touched
    each day (upper-case numbers by ISO day); with `owner`, only that seller's leads (names
    compared without case). A lead whose entry does not read (a damaged index, which `doctor`
    names) is left out.

    Only the entries of the leads it lists are read whole (`lead_fields`; with `owner`, every
    open lead's): of the others, the day at their start (`OPEN_DAY`). Only the touches from the
    window's first day on are looked up: a lead touched before counts from the day it was made
    if that is later, else it is stale, as its touch would have it."""
    low, high = touched_window(period, thresholds)
    wanted = owner.casefold() if owner else None
    found: list[tuple[str, str, str, str | None]] = []
    stale = 0
    recent = {
        key: day
        for day, keys in touched.items()
        if day >= low and type(keys) is list
        for key in keys
    }
    day, last_of = OPEN_DAY, recent.get
    for key, entry in leads.items():  # a big file's 10k leads: as little as can be per lead
        try:
            if entry[1] != '"':
                continue  # not an open lead's entry (`[null,`)
            created_on = entry[day]
            if wanted is not None and not owned_by(entry, wanted):
                continue
            last = last_of(key)
            since = last if last is not None and last > created_on else created_on
            if since < low:
                stale += 1
            elif since <= high:
                found.append((key, entry, created_on, last))
        except (TypeError, ValueError, LookupError):
            continue  # a damaged entry
    listed: list[Untouched] = []
    touches: dict[str, date] = {}
    for key, entry, created_on, last in found:
        try:
            _, first_name, last_name, company, value, _ = lead_fields(entry)
            listed.append(
                Untouched(
                    key,
                    date.fromisoformat(created_on),
                    person_name(first_name, last_name, company) or company,
                    Decimal(value) if value is not None else None,
                )
            )
            if last is not None:
                touches[key] = date.fromisoformat(last)
        except (TypeError, ValueError, LookupError, ArithmeticError):
            continue  # a damaged entry
    return LeadWork(listed, touches, stale)


def account_name(entry: object) -> str | None:
    """An account's name from its index entry; None for an entry of another shape."""
    if type(entry) is list and entry and type(entry[0]) is str:
        return entry[0]
    return None


def lead_customer(entry: object) -> dict[str, Any]:
    """A lead's customer fields (`customer_name`) from its index entry (`lead_entry`); none
    for an entry that does not read (a damaged index, which `doctor` names)."""
    try:
        _, first_name, last_name, company, *_ = lead_fields(entry)
    except ValueError:
        return {}
    return {"first_name": first_name, "last_name": last_name, "company": company}


def agenda(
    work: Work,
    period: Period,
    *,
    customers: Mapping[str, str],
    touches: Mapping[str, date],
    thresholds: Thresholds = Thresholds(),
) -> list[AgendaItem]:
    """The agenda for `period`: every item dated up to its last day (quotes: expiring up to
    `quote_days` after it; leads: see `lead_window`), sorted by date, time and kind; items
    dated before its first day are overdue.

    `customers` names the customer of a record by upper-case number (an account's name, a
    lead's company); `touches` is `last_touches` of the activities about leads.
    """
    start, end = period.start, period.end
    items: list[AgendaItem] = []

    def add(
        day: date,
        kind: str,
        number: str,
        regarding: str,
        subject: str,
        *,
        amount: Decimal | None,
        command: str,
        at: time | None = None,
    ) -> None:
        customer = customers.get(regarding.upper()) or None
        items.append(
            AgendaItem(
                day, kind, number, regarding, subject, customer, amount, command, at, day < start
            )
        )

    due = [found for found in map(Due.of, work.activities) if found is not None]
    for entry in (*due, *work.due):
        if entry.kind in _SCHEDULED_KINDS and entry.due <= end:
            add(
                entry.due,
                entry.kind,
                entry.number,
                entry.regarding,
                entry.subject,
                at=entry.at,
                amount=None,
                command=f"salesflow activity done {entry.number}",
            )
    records: Iterable[Invoice | Quote | Opportunity | Order] = (
        *work.invoices,
        *work.quotes,
        *work.opportunities,
        *work.orders,
    )
    deals = [found for found in map(Deal.of, records) if found is not None]
    expiring = end + timedelta(days=thresholds.quote_days)
    for deal in (*deals, *work.deals):
        day, number = deal.day, deal.number
        if deal.kind == "invoice" and day < end:
            add(
                day,
                "invoice",
                number,
                number,
                f"payment due {day.isoformat()}",
                amount=deal.amount,
                command=f"salesflow invoice pay {number}",
            )
        elif deal.kind == "quote" and day <= expiring:
            add(
                day,
                "quote",
                number,
                number,
                f"valid until {day.isoformat()}",
                amount=deal.amount,
                command=f"salesflow quote accept {number}",
            )
        elif deal.kind == "opportunity" and day <= end:
            add(
                day,
                "opportunity",
                number,
                number,
                f"{deal.name}: close date {day.isoformat()}",
                amount=deal.amount,
                command=f"salesflow opp win {number}",
            )
        elif deal.kind == "order" and day + timedelta(days=thresholds.order_days) <= end:
            order_day = day + timedelta(days=thresholds.order_days)
            add(
                order_day,
                "order",
                number,
                number,
                f"not fulfilled since {day.isoformat()}",
                amount=deal.amount,
                command=f"salesflow order fulfil {number}",
            )
    first, last = lead_window(period, thresholds)
    leads = [found for found in map(Untouched.of, work.leads) if found is not None]
    for lead in (*leads, *work.untouched):
        day = untouched_day(lead.created_on, touches.get(lead.number.upper()), thresholds)
        if first <= day <= last:
            since = day - timedelta(days=thresholds.lead_days)
            add(
                day,
                "lead",
                lead.number,
                lead.number,
                f"{lead.name}: untouched since {since.isoformat()}",
                amount=lead.amount,
                command=f"salesflow lead qualify {lead.number}",
            )
    items.sort(key=_sort_key)
    return items


def _sort_key(item: AgendaItem) -> tuple[date, time, int, int]:
    digits = item.number.rsplit("-", 1)[-1]
    return (
        item.date,
        item.at or time.max,
        KIND_ORDER.index(item.kind),
        int(digits) if digits.isdigit() else 0,
    )
