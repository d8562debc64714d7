"""The agenda derived in the pure pipeline, with `today` and the period passed in."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

from salesflow.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Invoice,
    Lead,
    LeadStatus,
    Line,
    Opportunity,
    OpportunityStatus,
    Order,
    OrderStatus,
    Quote,
    QuoteStatus,
)
from salesflow.pipeline.agenda import (
    Period,
    Thresholds,
    Work,
    agenda,
    customer_name,
    last_touches,
    touch_of,
    untouched_day,
)
from tests.conftest import TODAY

LINE = Line(
    line_no=1,
    description="Day",
    quantity=Decimal("1"),
    unit_price=Decimal("100.00"),
    amount=Decimal("100.00"),
    tax=Decimal("21.00"),
)


def activity(number: str, due: date | None, **more: object) -> Activity:
    fields: dict[str, object] = {
        "number": number,
        "kind": ActivityKind.TASK,
        "subject": "Send brochure",
        "regarding": "OPP-0001",
        "due": due,
        "created_on": TODAY - timedelta(days=30),
    }
    return Activity(**(fields | more))  # type: ignore[arg-type]


def numbers(work: Work, period: Period, **options: object) -> list[str]:
    items = agenda(
        work,
        period,
        customers=options.pop("customers", {}),  # type: ignore[arg-type]
        touches=options.pop("touches", {}),  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )
    return [item.number for item in items]


def test_open_scheduled_activities_come_by_date_and_time_overdue_first() -> None:
    work = Work(
        activities=[
            activity("ACT-0001", TODAY, kind=ActivityKind.CALL),
            activity("ACT-0002", TODAY, at=time(9, 0), kind=ActivityKind.MEETING),
            activity("ACT-0003", TODAY - timedelta(days=2)),
            activity("ACT-0004", TODAY + timedelta(days=1)),
            activity("ACT-0005", TODAY - timedelta(days=3), status=ActivityStatus.DONE),
            activity("ACT-0006", TODAY, status=ActivityStatus.CANCELED),
            activity("ACT-0007", None, kind=ActivityKind.NOTE, status=ActivityStatus.DONE),
        ]
    )
    items = agenda(work, Period.day(TODAY), customers={}, touches={})
    assert [(i.number, i.overdue) for i in items] == [
        ("ACT-0003", True),
        ("ACT-0002", False),
        ("ACT-0001", False),
    ]
    assert numbers(work, Period.week(TODAY)) == ["ACT-0003", "ACT-0002", "ACT-0001", "ACT-0004"]


def test_an_agenda_for_a_later_day_counts_the_days_before_it_as_overdue() -> None:
    work = Work(
        activities=[activity("ACT-0001", TODAY), activity("ACT-0002", TODAY + timedelta(3))]
    )
    items = agenda(work, Period.day(TODAY + timedelta(days=3)), customers={}, touches={})
    assert [(i.number, i.overdue) for i in items] == [("ACT-0001", True), ("ACT-0002", False)]


def test_each_item_names_the_record_the_customer_the_amount_and_the_command() -> None:
    invoice = Invoice(
        number="INV-2026-0001",
        order="ORD-0001",
        opportunity="OPP-0001",
        account="ACC-0001",
        invoice_date=TODAY - timedelta(days=40),
        due_date=TODAY - timedelta(days=10),
        payment_terms=30,
        lines=[LINE],
    )
    work = Work(activities=[activity("ACT-0001", TODAY)], invoices=[invoice])
    items = agenda(
        work,
        Period.day(TODAY),
        customers={"OPP-0001": "Acme", "INV-2026-0001": "Acme"},
        touches={},
    )
    assert [i.as_dict() for i in items] == [
        {
            "date": "2026-11-17",
            "time": None,
            "overdue": True,
            "kind": "invoice",
            "number": "INV-2026-0001",
            "regarding": "INV-2026-0001",
            "subject": "payment due 2026-11-17",
            "customer": "Acme",
            "amount": "121.00",
            "command": "salesflow invoice pay INV-2026-0001",
        },
        {
            "date": "2026-11-27",
            "time": None,
            "overdue": False,
            "kind": "task",
            "number": "ACT-0001",
            "regarding": "OPP-0001",
            "subject": "Send brochure",
            "customer": "Acme",
            "amount": None,
            "command": "salesflow activity done ACT-0001",
        },
    ]


def test_paid_and_not_yet_due_invoices_stay_off_the_agenda() -> None:
    def invoice(number: str, due: date, **more: object) -> Invoice:
        return Invoice(
            number=number,
            order="ORD-0001",
            opportunity="OPP-0001",
            invoice_date=due - timedelta(days=30),
            due_date=due,
            payment_terms=30,
            lines=[LINE],
            **more,  # type: ignore[arg-type]
        )

    work = Work(
        invoices=[
            invoice("INV-2026-0001", TODAY - timedelta(days=1)),
            invoice("INV-2026-0002", TODAY),
            invoice("INV-2026-0003", TODAY - timedelta(days=5), status="canceled"),
        ]
    )
    assert numbers(work, Period.day(TODAY)) == ["INV-2026-0001"]


def test_quotes_show_from_seven_days_before_they_expire() -> None:
    def quote(number: str, valid: date, status: QuoteStatus = QuoteStatus.ACTIVE) -> Quote:
        return Quote(
            number=number,
            opportunity="OPP-0001",
            status=status,
            valid_until=valid,
            created_on=TODAY - timedelta(days=20),
        )

    work = Work(
        quotes=[
            quote("QUO-0001", TODAY + timedelta(days=7)),
            quote("QUO-0002", TODAY + timedelta(days=8)),
            quote("QUO-0003", TODAY + timedelta(days=1), QuoteStatus.DRAFT),
            quote("QUO-0004", TODAY - timedelta(days=1)),
        ]
    )
    assert numbers(work, Period.day(TODAY)) == ["QUO-0004", "QUO-0001"]
    assert numbers(work, Period.day(TODAY), thresholds=Thresholds(quote_days=0)) == ["QUO-0004"]


def test_open_opportunities_show_at_their_close_date_and_active_orders_after_14_days() -> None:
    def opportunity(number: str, close: date | None, **more: object) -> Opportunity:
        return Opportunity(
            number=number,
            name="Deal",
            close_date=close,
            created_on=TODAY,
            **more,  # type: ignore[arg-type]
        )

    def order(number: str, created: date, **more: object) -> Order:
        return Order(
            number=number,
            quote="QUO-0001",
            quote_revision=1,
            opportunity="OPP-0001",
            created_on=created,
            **more,  # type: ignore[arg-type]
        )

    work = Work(
        opportunities=[
            opportunity("OPP-0001", TODAY),
            opportunity("OPP-0002", TODAY + timedelta(days=1)),
            opportunity("OPP-0003", TODAY - timedelta(days=9), status=OpportunityStatus.WON),
            opportunity("OPP-0004", None),
        ],
        orders=[
            order("ORD-0001", TODAY - timedelta(days=14)),
            order("ORD-0002", TODAY - timedelta(days=13)),
            order("ORD-0003", TODAY - timedelta(days=30), status=OrderStatus.FULFILLED),
        ],
    )
    assert numbers(work, Period.day(TODAY)) == ["ORD-0001", "OPP-0001"]


def test_open_leads_show_once_untouched_for_14_days_and_an_activity_touches_them() -> None:
    def lead(number: str, created: date, **more: object) -> Lead:
        return Lead(number=number, company="Acme", created_on=created, **more)  # type: ignore[arg-type]

    touching = activity(
        "ACT-0001",
        None,
        kind=ActivityKind.NOTE,
        regarding="L-0002",
        status=ActivityStatus.DONE,
        created_on=TODAY - timedelta(days=3),
        completed_on=TODAY - timedelta(days=3),
    )
    touches = last_touches([touch_of(touching)])
    assert touches == {"L-0002": TODAY - timedelta(days=3)}
    work = Work(
        leads=[
            lead("L-0001", TODAY - timedelta(days=14)),
            lead("L-0002", TODAY - timedelta(days=20)),
            lead("L-0003", TODAY - timedelta(days=13)),
            lead("L-0004", TODAY - timedelta(days=20), status=LeadStatus.QUALIFIED),
            lead("L-0005", TODAY - timedelta(days=28)),
            lead("L-0006", TODAY - timedelta(days=29)),
        ]
    )
    items = agenda(work, Period.day(TODAY), customers={}, touches=touches)
    assert [(i.number, i.overdue, i.subject) for i in items] == [
        ("L-0005", True, "Acme: untouched since 2026-10-30"),
        ("L-0001", False, "Acme: untouched since 2026-11-13"),
    ]


def test_the_untouched_day_counts_from_the_later_of_creation_and_last_activity() -> None:
    limits = Thresholds(lead_days=14)
    assert untouched_day(date(2026, 1, 1), None, limits) == date(2026, 1, 15)
    assert untouched_day(date(2026, 1, 1), date(2026, 1, 10), limits) == date(2026, 1, 24)
    assert untouched_day(date(2026, 1, 10), date(2026, 1, 1), limits) == date(2026, 1, 24)


def test_last_touches_keep_the_latest_day_per_record_in_any_case() -> None:
    assert last_touches(
        [("l-0001", "2026-01-05"), ("L-0001", "2026-03-01"), ("L-0001", "2026-02-01")]
    ) == {"L-0001": date(2026, 3, 1)}


def test_the_customer_is_the_account_else_the_company_else_the_name() -> None:
    assert customer_name({"account": "ACC-0001"}, {"name": "Acme"}) == "Acme"
    assert customer_name({"company": "Globex", "first_name": "Ada"}, None) == "Globex"
    assert customer_name({"first_name": "Ada", "last_name": "Lovelace"}, None) == "Ada Lovelace"
    assert customer_name({}, None) == ""
