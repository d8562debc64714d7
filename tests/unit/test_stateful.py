"""Random lifecycles over the pure pipeline, with the invariants checked after every step.

A hypothesis state machine plays a seller: leads added, qualified, disqualified and reactivated;
lines added and removed; quotes created, discounted, activated, revised, closed, deleted and
accepted; orders fulfilled (on dates that cross into the next year) or canceled; invoices paid in
parts or in full, or cancelled; opportunities won, lost and reopened. It keeps the records as the
store would: an action that the pipeline refuses changes nothing, not even the counters.

After every step: a quote, its order and its invoice have the same lines and totals; invoice
numbers are gapless per year; no record names a record that does not exist; paid + balance =
total; every record's status is where its history events lead; and `salesflow doctor`'s checks
find nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from salesflow.errors import SalesflowError
from salesflow.models import (
    RECORD_TYPES,
    TYPES_BY_TABLE,
    Account,
    Activity,
    Contact,
    Event,
    Invoice,
    InvoiceStatus,
    Lead,
    Opportunity,
    Order,
    OrderStatus,
    Product,
    Quote,
    QuoteStatus,
    Record,
)
from salesflow.pipeline import activities, invoices, leads, opportunities, orders, quotes
from salesflow.pipeline.agenda import (
    AgendaIndex,
    Period,
    Thresholds,
    Work,
    agenda,
    last_touches,
    lead_work,
    touch_of,
)
from salesflow.pipeline.agenda_index import (
    DEAL_KINDS,
    DOCUMENT_TABLES,
    ENTRY_TABLES,
    activity_index,
    deal_entry,
    deal_index,
    document_entry,
    document_index,
)
from salesflow.pipeline.doctor import diagnose
from salesflow.pipeline.lines import LineSpec
from salesflow.pipeline.money import ZERO, cents
from salesflow.pipeline.numbering import format_number

TAX = Decimal("21")
PRODUCTS = {
    "DAY": Product(
        sku="DAY", name="Day", price=Decimal("950.00"), tax_rate=TAX, created_on=date(2026, 1, 1)
    ),
    "BOLT": Product(
        sku="BOLT",
        name="Bolt",
        price=Decimal("0.33"),
        tax_rate=Decimal("9"),
        created_on=date(2026, 1, 1),
    ),
    "FREE": Product(sku="FREE", name="Gift", price=ZERO, created_on=date(2026, 1, 1)),
}
QUANTITIES = st.sampled_from(["1", "2", "1.5", "3", "0.5", "7"])
DISCOUNTS = st.sampled_from([None, "10%", "5", "33.3%", "100%", "0.17"])

Step = Callable[[Callable[[str], str]], tuple[list[Record], list[Event]]]


class Seller(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.records: dict[type[Record], dict[str, Any]] = {model: {} for model in RECORD_TYPES}
        self.records[Product] = {sku.upper(): p for sku, p in PRODUCTS.items()}
        self.counters: dict[str, int] = {}
        self.events: list[Event] = []
        self.today = date(2026, 12, 20)
        self.clock = datetime(2026, 12, 20, 9, 0, tzinfo=timezone(timedelta(hours=1)))
        self.refused = 0
        self.index: dict[str, dict[str, Any]] = {}

    # -- the store, as the shell uses it ------------------------------------------------------

    @property
    def now(self) -> datetime:
        self.clock += timedelta(seconds=1)
        return self.clock.replace(year=self.today.year, month=self.today.month, day=self.today.day)

    def apply(self, step: Step, removed: tuple[Record, ...] = ()) -> None:
        """Run `step` with a number allocator; keep its records, events and numbers only if the
        pipeline does not refuse (a refused command writes nothing)."""
        counters = dict(self.counters)

        def allocate(series: str) -> str:
            counters[series] = counters.get(series, 0) + 1
            return format_number(series, counters[series])

        try:
            records, events = step(allocate)
        except SalesflowError:
            self.refused += 1
            return
        self.counters = counters
        for record in removed:
            del self.records[type(record)][record.key.upper()]
        for record in records:
            self.records[type(record)][record.key.upper()] = record
        self.events.extend(events)
        self.keep_index(records, removed)

    def keep_index(self, records: list[Record], removed: tuple[Record, ...]) -> None:
        """The agenda index as a write keeps it: each changed deal's entry, the activities'
        section again when an activity changed."""
        for record in removed:
            if record.table in ENTRY_TABLES:
                self.index.setdefault(record.table, {}).pop(record.key.upper(), None)
        for record in records:
            if record.table in DEAL_KINDS:
                entry = deal_entry(record)  # type: ignore[arg-type]
                self.index.setdefault(record.table, {})[record.key.upper()] = entry
            elif record.table in DOCUMENT_TABLES:
                entry = document_entry(record.table, record.stored())
                self.index.setdefault(record.table, {})[record.key.upper()] = entry
        if any(isinstance(record, Activity) for record in (*records, *removed)):
            self.index["activities"] = activity_index(a.stored() for a in self.all(Activity))

    def pick(self, data: st.DataObject, items: list[Any], fits: Callable[[Any], bool]) -> Any:
        """Mostly an item the action fits (so that deals get far), sometimes any item (so that
        refusals are tried too)."""
        fitting = [item for item in items if fits(item)]
        if fitting and data.draw(st.integers(0, 4), label="any item") < 4:
            return data.draw(st.sampled_from(fitting))
        return data.draw(st.sampled_from(items))

    def all(self, model: type[Any]) -> list[Any]:
        return [self.records[model][key] for key in sorted(self.records[model])]

    def latest_quotes(self) -> list[Quote]:
        latest: dict[str, Quote] = {}
        for quote in self.all(Quote):
            if quote.number not in latest or quote.revision > latest[quote.number].revision:
                latest[quote.number] = quote
        return [latest[n] for n in sorted(latest)]

    def quotes_of(self, opportunity: str) -> list[Quote]:
        return [q for q in self.all(Quote) if q.opportunity == opportunity]

    def qualified(self, result: leads.Qualified) -> tuple[list[Record], list[Event]]:
        """A qualified lead's records, and its open activities carried to the opportunity, as
        `lead qualify` saves them."""
        records, events = _made(result)
        moved, carried = activities.carry_over(
            self.all(Activity),
            lead=result.lead.number,
            opportunity=result.opportunity.number,
            contact=result.contact.number if result.contact else None,
            now=self.now,
        )
        return [*records, *moved], [*events, *carried]

    @initialize()
    def a_first_deal(self) -> None:
        """A qualified lead whose opportunity has a line, so that quotes come early."""
        self.add_lead("Acme", True, "ada@example.com")
        lead = self.all(Lead)[0]
        self.apply(
            lambda numbers: self.qualified(
                leads.qualify_lead(
                    lead,
                    accounts=[],
                    contacts=[],
                    numbers=numbers,
                    today=self.today,
                    now=self.now,
                )
            )
        )
        opportunity = self.all(Opportunity)[0]
        self.apply(
            lambda _: _pair(
                opportunities.add_product(
                    opportunity,
                    LineSpec(quantity="2", sku="DAY"),
                    products=PRODUCTS,
                    default_tax_rate=TAX,
                    now=self.now,
                )
            )
        )

    # -- leads -----------------------------------------------------------------------------------

    @rule(
        company=st.sampled_from(["Acme", " acme", "Globex", "Initech", None]),
        person=st.booleans(),
        email=st.sampled_from([None, "ada@example.com", "ADA@example.com", "bob@example.org"]),
    )
    def add_lead(self, company: str | None, person: bool, email: str | None) -> None:
        fields = {"company": company, "email": email}
        if person:
            fields |= {"first_name": "Ada", "last_name": "Lovelace"}
        self.apply(
            lambda numbers: _pair(
                leads.make_lead(fields, number=numbers("L"), today=self.today, now=self.now)
            )
        )

    @precondition(lambda self: self.records[Lead])
    @rule(data=st.data())
    def qualify_lead(self, data: st.DataObject) -> None:
        lead = self.pick(data, self.all(Lead), lambda x: x.status == "open")
        self.apply(
            lambda numbers: self.qualified(
                leads.qualify_lead(
                    lead,
                    accounts=self.all(Account),
                    contacts=self.all(Contact),
                    numbers=numbers,
                    today=self.today,
                    now=self.now,
                )
            )
        )

    @precondition(lambda self: self.records[Lead])
    @rule(data=st.data(), reason=st.sampled_from(["lost", "canceled", "maybe", "reactivate"]))
    def disqualify_or_reactivate_lead(self, data: st.DataObject, reason: str) -> None:
        if reason == "reactivate":
            lead = self.pick(data, self.all(Lead), lambda x: x.status == "disqualified")
            self.apply(lambda _: _pair(leads.reactivate_lead(lead, now=self.now)))
            return
        lead = self.pick(data, self.all(Lead), lambda x: x.status == "open")
        self.apply(lambda _: _pair(leads.disqualify_lead(lead, reason, now=self.now)))

    # -- opportunities ---------------------------------------------------------------------------

    @precondition(lambda self: self.records[Account])
    @rule(data=st.data())
    def add_opportunity(self, data: st.DataObject) -> None:
        account = data.draw(st.sampled_from(self.all(Account)))
        self.apply(
            lambda numbers: _pair(
                opportunities.create_opportunity(
                    opportunities.OpportunityFields(name="Another deal"),
                    account=account.number,
                    number=numbers("OPP"),
                    currency="EUR",
                    today=self.today,
                    now=self.now,
                )
            )
        )

    @precondition(lambda self: self.records[Opportunity])
    @rule(
        data=st.data(),
        sku=st.sampled_from([*PRODUCTS, None]),
        quantity=QUANTITIES,
        discount=DISCOUNTS,
    )
    def add_line(
        self, data: st.DataObject, sku: str | None, quantity: str, discount: str | None
    ) -> None:
        opportunity = self.pick(data, self.all(Opportunity), lambda x: x.status == "open")
        spec = _spec(sku, quantity, discount)
        self.apply(
            lambda _: _pair(
                opportunities.add_product(
                    opportunity, spec, products=PRODUCTS, default_tax_rate=TAX, now=self.now
                )
            )
        )

    @precondition(lambda self: any(o.lines for o in self.all(Opportunity)))
    @rule(data=st.data())
    def remove_line(self, data: st.DataObject) -> None:
        opportunity = data.draw(st.sampled_from([o for o in self.all(Opportunity) if o.lines]))
        line = data.draw(st.sampled_from(opportunity.lines))
        self.apply(
            lambda _: _pair(opportunities.remove_product(opportunity, line.line_no, now=self.now))
        )

    @precondition(lambda self: self.records[Opportunity])
    @rule(data=st.data(), outcome=st.sampled_from(["win", "lose", "reopen"]))
    def close_or_reopen_opportunity(self, data: st.DataObject, outcome: str) -> None:
        opportunity = self.pick(
            data,
            self.all(Opportunity),
            lambda x: (x.status == "open") == (outcome != "reopen"),
        )
        live = self.quotes_of(opportunity.number)
        mine = [o for o in self.all(Order) if o.opportunity == opportunity.number]

        def step(_: Callable[[str], str]) -> tuple[list[Record], list[Event]]:
            if outcome == "win":
                return _pair(
                    opportunities.win_opportunity(
                        opportunity, quotes=live, today=self.today, now=self.now
                    )
                )
            if outcome == "lose":
                return _pair(
                    opportunities.lose_opportunity(
                        opportunity, "out-sold", quotes=live, today=self.today, now=self.now
                    )
                )
            return _pair(opportunities.reopen_opportunity(opportunity, orders=mine, now=self.now))

        self.apply(step)

    # -- quotes ----------------------------------------------------------------------------------

    @precondition(lambda self: self.records[Opportunity])
    @rule(data=st.data())
    def create_quote(self, data: st.DataObject) -> None:
        self.quote(
            self.pick(data, self.all(Opportunity), lambda x: x.status == "open" and bool(x.lines))
        )

    def quote(self, opportunity: Opportunity) -> None:
        def step(numbers: Callable[[str], str]) -> tuple[list[Record], list[Event]]:
            made = quotes.create_quote(
                opportunity, number=numbers("QUO"), today=self.today, now=self.now
            )
            return [made.quote, made.opportunity], made.events

        self.apply(step)

    @precondition(lambda self: self.records[Quote])
    @rule(
        data=st.data(),
        sku=st.sampled_from([*PRODUCTS, None]),
        quantity=QUANTITIES,
        discount=DISCOUNTS,
    )
    def add_quote_line(
        self, data: st.DataObject, sku: str | None, quantity: str, discount: str | None
    ) -> None:
        quote = self.pick(data, self.latest_quotes(), lambda x: x.status == "draft")
        spec = _spec(sku, quantity, discount)
        self.apply(
            lambda _: _pair(
                quotes.add_quote_product(
                    quote, spec, products=PRODUCTS, default_tax_rate=TAX, now=self.now
                )
            )
        )

    @precondition(lambda self: any(q.lines for q in self.all(Quote)))
    @rule(data=st.data())
    def remove_quote_line(self, data: st.DataObject) -> None:
        quote = data.draw(st.sampled_from([q for q in self.latest_quotes() if q.lines] or [None]))
        if quote is None:
            return
        line = data.draw(st.sampled_from(quote.lines))
        self.apply(lambda _: _pair(quotes.remove_quote_product(quote, line.line_no, now=self.now)))

    @precondition(lambda self: self.records[Quote])
    @rule(
        data=st.data(),
        percent=st.sampled_from([None, "5", "12.5", "0", "100"]),
        amount=st.sampled_from(["0.01", "10", "333.33", "99999"]),
    )
    def discount_quote(self, data: st.DataObject, percent: str | None, amount: str) -> None:
        quote = self.pick(data, self.latest_quotes(), lambda x: x.status == "draft")
        given = {"percent": percent} if percent is not None else {"amount": amount}
        self.apply(lambda _: _pair(quotes.discount_quote(quote, now=self.now, **given)))

    @precondition(lambda self: self.records[Quote])
    @rule(data=st.data())
    def activate_quote(self, data: st.DataObject) -> None:
        quote = self.pick(data, self.latest_quotes(), lambda x: x.status == "draft")
        self.apply(lambda _: _pair(quotes.activate_quote(quote, today=self.today, now=self.now)))

    @precondition(lambda self: self.records[Quote])
    @rule(data=st.data(), action=st.sampled_from(["revise", "close", "delete"]))
    def revise_close_or_delete_quote(self, data: st.DataObject, action: str) -> None:
        wanted = {"close": ("active",), "delete": ("draft",), "revise": ("active", "closed")}
        quote = self.pick(data, self.latest_quotes(), lambda x: x.status in wanted[action])
        if action == "close":
            self.apply(
                lambda _: _pair(quotes.close_quote(quote, "lost", today=self.today, now=self.now))
            )
        elif action == "delete":

            def delete(_: Callable[[str], str]) -> tuple[list[Record], list[Event]]:
                deleted = quotes.delete_quote(quote, now=self.now)
                if quote.revision > 1:
                    return [], [deleted]
                moved, events = activities.move_regarding(
                    self.all(Activity), source=quote.number, target=quote.opportunity, now=self.now
                )
                return list(moved), [deleted, *events]

            self.apply(delete, (quote,))
        else:
            opportunity = self.records[Opportunity][quote.opportunity.upper()]

            def revise(_: Callable[[str], str]) -> tuple[list[Record], list[Event]]:
                made = quotes.revise_quote(
                    quote, opportunity=opportunity, today=self.today, now=self.now
                )
                return [made.closed, made.draft], made.events

            self.apply(revise)

    @precondition(lambda self: self.records[Quote])
    @rule(data=st.data())
    def accept_quote(self, data: st.DataObject) -> None:
        self.accept(self.pick(data, self.latest_quotes(), lambda x: x.status == "active"))

    def accept(self, quote: Quote) -> None:
        opportunity = self.records[Opportunity][quote.opportunity.upper()]

        def step(numbers: Callable[[str], str]) -> tuple[list[Record], list[Event]]:
            made = quotes.accept_quote(
                quote,
                opportunity=opportunity,
                quotes=self.quotes_of(opportunity.number),
                numbers=numbers,
                today=self.today,
                now=self.now,
            )
            return [made.quote, made.order, made.opportunity, *made.closed], made.events

        self.apply(step)

    # -- orders and invoices ---------------------------------------------------------------------

    @precondition(lambda self: self.records[Order])
    @rule(
        data=st.data(),
        days=st.integers(min_value=-3, max_value=20),
        cancel=st.sampled_from([False, False, True]),
    )
    def fulfil_or_cancel_order(self, data: st.DataObject, days: int, cancel: bool) -> None:
        order = self.pick(data, self.all(Order), lambda x: x.status == "active")
        if cancel:
            self.apply(lambda _: _pair(orders.cancel_order(order, today=self.today, now=self.now)))
            return

        def step(numbers: Callable[[str], str]) -> tuple[list[Record], list[Event]]:
            made = orders.fulfil_order(
                order,
                numbers=numbers,
                invoice_date=self.today + timedelta(days=days),
                payment_terms=14,
                now=self.now,
            )
            return [made.order, made.invoice], made.events

        self.apply(step)

    @precondition(lambda self: self.records[Invoice])
    @rule(data=st.data(), part=st.sampled_from([None, "third", "cent", "too much", "cancel"]))
    def pay_or_cancel_invoice(self, data: st.DataObject, part: str | None) -> None:
        invoice = self.pick(
            data,
            self.all(Invoice),
            lambda x: (
                x.status in ("unpaid", "partially-paid") and (part != "cancel" or not x.payments)
            ),
        )
        if part == "cancel":
            order = self.records[Order].get(invoice.order.upper())

            def cancel(_: Callable[[str], str]) -> tuple[list[Record], list[Event]]:
                done = invoices.cancel_invoice(invoice, order=order, today=self.today, now=self.now)
                return [r for r in (done.invoice, done.order) if r is not None], done.events

            self.apply(cancel)
            return
        amount = {
            None: None,
            "third": str(cents(invoice.balance / 3)),
            "cent": "0.01",
            "too much": str(invoice.balance + Decimal("0.01")),
        }[part]
        self.apply(
            lambda _: _pair(
                invoices.pay_invoice(invoice, amount=amount, paid_on=self.today, now=self.now)
            )
        )

    @precondition(lambda self: self.records[Opportunity])
    @rule(data=st.data(), days=st.integers(min_value=0, max_value=15), full=st.booleans())
    def advance_a_deal(self, data: st.DataObject, days: int, full: bool) -> None:
        """The next natural step of a random deal: quote it, activate, accept, fulfil, pay."""
        opportunity = data.draw(st.sampled_from(self.all(Opportunity)))
        number = opportunity.number
        latest = [q for q in self.latest_quotes() if q.opportunity == number]
        order = next((o for o in self.all(Order) if o.opportunity == number), None)
        invoice = next(
            (
                i
                for i in self.all(Invoice)
                if i.opportunity == number and i.status is not InvoiceStatus.CANCELED
            ),
            None,
        )
        if invoice is not None:
            amount = None if full else str(cents(invoice.balance / 2))
            self.apply(
                lambda _: _pair(
                    invoices.pay_invoice(invoice, amount=amount, paid_on=self.today, now=self.now)
                )
            )
        elif order is not None:

            def fulfil(numbers: Callable[[str], str]) -> tuple[list[Record], list[Event]]:
                made = orders.fulfil_order(
                    order,
                    numbers=numbers,
                    invoice_date=self.today + timedelta(days=days),
                    payment_terms=30,
                    now=self.now,
                )
                return [made.order, made.invoice], made.events

            self.apply(fulfil)
        elif any(q.status == "active" for q in latest):
            quote = next(q for q in latest if q.status == "active")
            self.accept(quote)
        elif any(q.status == "draft" for q in latest):
            quote = next(q for q in latest if q.status == "draft")
            self.apply(
                lambda _: _pair(quotes.activate_quote(quote, today=self.today, now=self.now))
            )
        else:
            self.quote(opportunity)

    # -- activities ------------------------------------------------------------------------------

    @rule(
        data=st.data(),
        kind=st.sampled_from(["note", "task", "call", "meeting", "call log"]),
        days=st.integers(min_value=-5, max_value=10),
    )
    def add_activity(self, data: st.DataObject, kind: str, days: int) -> None:
        """A note, task, call or meeting about any record (the latest revision of a quote)."""
        about = [
            *self.all(Lead),
            *self.all(Account),
            *self.all(Contact),
            *self.all(Opportunity),
            *self.latest_quotes(),
            *self.all(Order),
            *self.all(Invoice),
        ]
        regarding = data.draw(st.sampled_from(about))
        due = (self.today + timedelta(days=days)).isoformat()

        def step(numbers: Callable[[str], str]) -> tuple[list[Record], list[Event]]:
            if kind == "note":
                return _pair(
                    activities.add_note(
                        regarding, "Met", number=numbers("ACT"), today=self.today, now=self.now
                    )
                )
            if kind == "call log":
                logged = activities.log_call(
                    regarding,
                    "Intro",
                    next_subject="Again",
                    next_due=due,
                    numbers=numbers,
                    today=self.today,
                    now=self.now,
                )
                return list(logged.activities), logged.events
            schedule = activities.Schedule(due=due, at="10:00" if kind == "meeting" else None)
            return _pair(
                activities.schedule_activity(
                    kind,
                    regarding,
                    "Follow up",
                    schedule,
                    number=numbers("ACT"),
                    today=self.today,
                    now=self.now,
                )
            )

        self.apply(step)

    @precondition(lambda self: self.records[Activity])
    @rule(
        data=st.data(),
        action=st.sampled_from(["done", "cancel", "reschedule"]),
        days=st.integers(min_value=-3, max_value=10),
    )
    def close_or_reschedule_activity(self, data: st.DataObject, action: str, days: int) -> None:
        activity = self.pick(data, self.all(Activity), activities.is_open)
        if action == "done":
            self.apply(
                lambda _: _pair(
                    activities.complete_activity(activity, today=self.today, now=self.now)
                )
            )
        elif action == "cancel":
            self.apply(
                lambda _: _pair(
                    activities.cancel_activity(activity, today=self.today, now=self.now)
                )
            )
        else:
            due = (self.today + timedelta(days=days)).isoformat()
            self.apply(lambda _: _pair(activities.reschedule_activity(activity, due, now=self.now)))

    @rule(days=st.integers(min_value=1, max_value=30))
    def next_day(self, days: int) -> None:
        self.today += timedelta(days=days)

    # -- invariants ------------------------------------------------------------------------------

    @invariant()
    def quote_order_and_invoice_agree_to_the_cent(self) -> None:
        for order in self.all(Order):
            quote = self.records[Quote][f"{order.quote}#{order.quote_revision}".upper()]
            assert quote.status is QuoteStatus.WON and quote.order == order.number
            assert (order.lines, order.discount, order.total) == (
                quote.lines,
                quote.discount,
                quote.total,
            )
        for invoice in self.all(Invoice):
            order = self.records[Order][invoice.order.upper()]
            if invoice.status is not InvoiceStatus.CANCELED:
                assert order.status is OrderStatus.FULFILLED and order.invoice == invoice.number
            assert (invoice.lines, invoice.total, invoice.subtotal, invoice.tax) == (
                order.lines,
                order.total,
                order.subtotal,
                order.tax,
            )

    @invariant()
    def invoice_numbers_are_gapless_per_year(self) -> None:
        years: dict[str, set[int]] = {}
        for invoice in self.all(Invoice):
            series, _, n = invoice.number.rpartition("-")
            assert series == f"INV-{invoice.invoice_date.year}"
            years.setdefault(series, set()).add(int(n))
        assert {s: sorted(n) for s, n in years.items()} == {
            s: list(range(1, c + 1)) for s, c in self.counters.items() if s.startswith("INV-")
        }

    @invariant()
    def no_record_names_a_missing_record(self) -> None:
        links = ("lead", "account", "contact", "opportunity", "order", "invoice", "primary_contact")
        models = {
            "lead": Lead,
            "account": Account,
            "contact": Contact,
            "primary_contact": Contact,
            "opportunity": Opportunity,
            "order": Order,
            "invoice": Invoice,
        }
        for model in RECORD_TYPES:
            for record in self.all(model):
                for link in links:
                    value = getattr(record, link, None)
                    if isinstance(value, str):
                        assert value.upper() in self.records[models[link]], (record.key, link)
        for order in self.all(Order):
            assert f"{order.quote}#{order.quote_revision}".upper() in self.records[Quote]

    @invariant()
    def no_activity_regards_a_missing_record(self) -> None:
        quote_numbers = {q.number for q in self.all(Quote)}
        for activity in self.all(Activity):
            model = activities.regarding_type(activity.regarding)
            if model is Quote:
                assert activity.regarding in quote_numbers, activity.number
            else:
                assert activity.regarding.upper() in self.records[model], activity.number

    @invariant()
    def the_agenda_index_kept_step_by_step_is_the_one_the_records_derive(self) -> None:
        """A write changes only its records' entries (no entry depends on another record), and
        the agenda the index gives is the one the records give."""
        derived: dict[str, dict[str, Any]] = {
            table: deal_index(self.all(TYPES_BY_TABLE[table]))
            for table in DEAL_KINDS
            if self.records[TYPES_BY_TABLE[table]] or table in self.index
        }
        if self.records[Activity] or "activities" in self.index:
            derived["activities"] = activity_index(a.stored() for a in self.all(Activity))
        for table in DOCUMENT_TABLES:
            model = TYPES_BY_TABLE[table]
            if self.records[model] or table in self.index:
                derived[table] = document_index(table, (r.stored() for r in self.all(model)))
        assert self.index == derived
        index = AgendaIndex.from_stored(self.index)
        week = Period.week(self.today)
        work = Work(
            activities=self.all(Activity),
            invoices=self.all(Invoice),
            quotes=self.latest_quotes(),
            opportunities=self.all(Opportunity),
            orders=self.all(Order),
            leads=self.all(Lead),
        )
        touches = last_touches(
            touch_of(a) for a in self.all(Activity) if a.regarding.upper().startswith("L-")
        )
        leads = lead_work(index.leads, index.touched, week, Thresholds())
        from_index = Work(due=index.due, deals=index.deals, untouched=leads.untouched)
        assert agenda(from_index, week, customers={}, touches=leads.touches) == (
            agenda(work, week, customers={}, touches=touches)
        )

    @invariant()
    def done_activities_never_come_back_as_due(self) -> None:
        week = Period.week(self.today)
        items = agenda(Work(activities=self.all(Activity)), week, customers={}, touches={})
        listed = [item.number for item in items]
        due = [
            a.number
            for a in self.all(Activity)
            if a.status == "open" and a.due is not None and a.due <= week.end
        ]
        assert sorted(listed) == sorted(due)
        for activity in self.all(Activity):
            if activity.status != "open":
                assert not activities.is_due(activity, date.max), activity.number

    @invariant()
    def an_order_is_billed_by_one_live_invoice_exactly_while_fulfilled(self) -> None:
        """Cancelling an invoice makes its order active again; no order is billed twice."""
        for order in self.all(Order):
            live = [
                i.number
                for i in self.all(Invoice)
                if i.order == order.number and i.status is not InvoiceStatus.CANCELED
            ]
            if order.status is OrderStatus.FULFILLED:
                assert live == [order.invoice]
            else:
                assert (live, order.invoice, order.fulfilled_on) == ([], None, None)

    @invariant()
    def paid_plus_balance_is_the_total(self) -> None:
        for invoice in self.all(Invoice):
            if invoice.status is InvoiceStatus.CANCELED:
                assert invoice.payments == [] and invoice.balance == ZERO
                continue
            assert invoice.amount_paid + invoice.balance == invoice.total
            assert ZERO <= invoice.balance <= invoice.total
            if invoice.status is InvoiceStatus.PAID:
                assert invoice.balance == ZERO
            elif invoice.balance == ZERO:
                # An invoice of 0.00 (a 100 % discount) is created unpaid with nothing to pay.
                assert invoice.total == ZERO and invoice.status is InvoiceStatus.UNPAID

    @invariant()
    def every_status_is_where_its_history_leads(self) -> None:
        for model in (Lead, Opportunity, Quote, Order, Invoice, Activity):
            for record in self.all(model):
                state = None
                for e in self.events:
                    if e.number != record.number or e.kind == "stage":
                        continue
                    if model is Quote and e.details.get("revision") != record.revision:
                        continue
                    if e.from_state is None and e.to_state is None:
                        continue
                    assert e.from_state == state, (record.key, e)
                    state = e.to_state
                assert state == record.status, (record.key, state, record.status)

    @invariant()
    def doctor_finds_nothing(self) -> None:
        tables: dict[str, dict[str, Any]] = {
            model.table: {str(i): r.stored() for i, r in enumerate(self.all(model), 1)}
            for model in RECORD_TYPES
        }
        tables["_meta"] = {"1": {"schema": 3, "counters": self.counters, "config": {}}}
        assert diagnose(tables) == []


def _made(result: leads.Qualified) -> tuple[list[Record], list[Event]]:
    made = [result.lead, result.opportunity, result.account, result.contact]
    return [r for r in made if r is not None], result.events


def _pair(result: tuple[Record, Event]) -> tuple[list[Record], list[Event]]:
    record, happened = result
    return [record], [happened]


def _spec(sku: str | None, quantity: str, discount: str | None) -> LineSpec:
    if sku is None:
        return LineSpec(quantity=quantity, write_in="Travel", price="123.45", discount=discount)
    return LineSpec(quantity=quantity, sku=sku, discount=discount)


Seller.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestSellerLifecycles = pytest.mark.slow(Seller.TestCase)
