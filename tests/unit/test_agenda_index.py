"""The agenda index (`pipeline.agenda_index`) gives the agenda the records give: derived from stored
documents, read back, and fed to `agenda`, it lists what the records list, in the same order."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    Payment,
    Quote,
    QuoteStatus,
    person_name,
)
from salesflow.pipeline.activities import SCHEDULED
from salesflow.pipeline.agenda import (
    AgendaIndex,
    Period,
    Thresholds,
    Untouched,
    Work,
    account_name,
    agenda,
    customer_name,
    deal_customer,
    last_touches,
    lead_customer,
    lead_window,
    lead_work,
    touch_of,
    touched_window,
    untouched_day,
)
from salesflow.pipeline.agenda_index import (
    LEAD_FIELDS,
    OPEN_DAY,
    SCHEDULED_KINDS,
    activity_index,
    deal_index,
    document_index,
    lead_entry,
    lead_fields,
    owned_by,
)
from tests.conftest import TODAY

DAYS = st.integers(-40, 40).map(lambda n: TODAY + timedelta(days=n))


@st.composite
def activities(draw: st.DrawFn) -> list[Activity]:
    found = []
    for n in range(1, draw(st.integers(0, 12)) + 1):
        status = draw(st.sampled_from(list(ActivityStatus)))
        created = draw(DAYS)
        found.append(
            Activity(
                number=f"ACT-{n:04d}",
                kind=draw(st.sampled_from(list(ActivityKind))),
                subject=draw(st.sampled_from(["Ring", "Demo", "Send the offer"])),
                regarding=draw(st.sampled_from(["L-0001", "l-0002", "L-0003", "OPP-0001"])),
                due=draw(st.none() | DAYS),
                at=draw(st.none() | st.sampled_from([time(9, 0), time(14, 30)])),
                status=status,
                created_on=created,
                completed_on=(
                    created + timedelta(days=draw(st.integers(0, 9)))
                    if status is ActivityStatus.DONE
                    else None
                ),
            )
        )
    return found


def test_the_index_knows_the_scheduled_kinds_the_activities_do() -> None:
    assert {kind.value for kind in SCHEDULED} == SCHEDULED_KINDS


@given(activities(), DAYS, st.booleans())
def test_the_index_of_activities_gives_the_agenda_they_give(
    found: list[Activity], day: date, week: bool
) -> None:
    index = AgendaIndex.from_stored({"activities": activity_index(a.stored() for a in found)})
    period = Period.week(day) if week else Period.day(day)
    options = {"customers": {"L-0001": "Globex"}, "touches": {}}
    from_records = agenda(Work(activities=found), period, **options)  # type: ignore[arg-type]
    from_index = agenda(Work(due=index.due), period, **options)  # type: ignore[arg-type]
    assert from_index == from_records
    touches = last_touches(touch_of(a) for a in found if a.regarding.upper().startswith("L-"))
    assert {k: date.fromisoformat(d) for d, keys in index.touched.items() for k in keys} == touches
    assert all(keys for keys in index.touched.values())


@given(DAYS, st.none() | DAYS, DAYS, st.integers(0, 6), st.integers(1, 30))
def test_the_window_on_touch_days_as_text_decides_as_the_window_on_dates(
    created: date, touched: date | None, start: date, length: int, lead_days: int
) -> None:
    period = Period(start, start + timedelta(days=length))
    limits = Thresholds(lead_days=lead_days)
    first, last = lead_window(period, limits)
    day = untouched_day(created, touched, limits)
    low, high = touched_window(period, limits)
    since = max(created, touched or created).isoformat()
    assert (first <= day <= last) == (low <= since <= high)
    assert (day < first) == (since < low)


def test_a_stored_lead_is_named_as_the_lead_names_itself() -> None:
    for first, last, company in [
        ("Ada", "Lovelace", "Analytical"),
        (None, "Lovelace", None),
        (None, None, "Analytical"),
        (None, None, None),
        ("", "", ""),
    ]:
        lead = Lead(
            number="L-0001",
            first_name=first,
            last_name=last,
            company=company,
            created_on=TODAY,
        )
        assert person_name(first, last, company) == lead.name
        assert Untouched.of(lead) == Untouched("L-0001", TODAY, lead.name or lead.company, None)


LINE = Line(
    line_no=1,
    description="Day",
    quantity=Decimal("1"),
    unit_price=Decimal("100.00"),
    amount=Decimal("100.00"),
    tax=Decimal("21.00"),
)


def deals() -> list[Invoice | Quote | Opportunity | Order]:
    """A deal record in every status, dated around today."""
    records: list[Invoice | Quote | Opportunity | Order] = []
    for n, status in enumerate(OpportunityStatus, start=1):
        for m, close in enumerate([None, TODAY - timedelta(days=3), TODAY + timedelta(days=3)]):
            records.append(
                Opportunity(
                    number=f"OPP-{n}{m:03d}",
                    name=f"Deal {n}{m}",
                    account="ACC-0001",
                    status=status,
                    close_date=close,
                    lines=[LINE],
                    created_on=TODAY - timedelta(days=60),
                )
            )
    for n, quote_status in enumerate(QuoteStatus, start=1):
        records.append(
            Quote(
                number=f"QUO-{n:04d}",
                opportunity="OPP-1000",
                account="ACC-0002",
                status=quote_status,
                valid_until=TODAY + timedelta(days=n),
                lines=[LINE],
                created_on=TODAY - timedelta(days=30),
            )
        )
    for n, order_status in enumerate(OrderStatus, start=1):
        records.append(
            Order(
                number=f"ORD-{n:04d}",
                quote="QUO-0001",
                quote_revision=1,
                opportunity="OPP-1000",
                account="ACC-0001",
                status=order_status,
                lines=[LINE],
                created_on=TODAY - timedelta(days=10 * n),
            )
        )
    for n, (paid, status) in enumerate(
        [("0.00", "unpaid"), ("21.00", "partially-paid"), ("121.00", "paid")], start=1
    ):
        payments = [Payment(payment_no=1, amount=Decimal(paid), paid_on=TODAY)]
        records.append(
            Invoice(
                number=f"INV-2026-{n:04d}",
                order="ORD-0001",
                opportunity="OPP-1000",
                account="ACC-0003",
                invoice_date=TODAY - timedelta(days=40),
                due_date=TODAY - timedelta(days=n),
                payment_terms=30,
                lines=[LINE],
                payments=payments if paid != "0.00" else [],
                status=status,  # type: ignore[arg-type]
            )
        )
    return records


@given(DAYS, st.booleans())
def test_the_index_of_deals_gives_the_agenda_they_give(day: date, week: bool) -> None:
    records = deals()
    sections = {
        table: deal_index(r for r in records if r.table == table)
        for table in ("invoices", "quotes", "opportunities", "orders")
    }
    index = AgendaIndex.from_stored(sections)
    period = Period.week(day) if week else Period.day(day)
    work = Work(
        invoices=[r for r in records if isinstance(r, Invoice)],
        quotes=[r for r in records if isinstance(r, Quote)],
        opportunities=[r for r in records if isinstance(r, Opportunity)],
        orders=[r for r in records if isinstance(r, Order)],
    )
    customers = {"OPP-1001": "Initech"}
    from_records = agenda(work, period, customers=customers, touches={})
    from_index = agenda(Work(deals=index.deals), period, customers=customers, touches={})
    assert from_index == from_records
    assert index.parties["OPP-1000"] == ("ACC-0001", "Deal 10")
    assert index.parties["INV-2026-0003"] == ("ACC-0003", None)


@st.composite
def leads(draw: st.DrawFn) -> list[Lead]:
    """Leads in every status, made around today, some with a value or an owner."""
    found = []
    for n in range(1, draw(st.integers(0, 12)) + 1):
        found.append(
            Lead(
                number=f"L-{n:04d}",
                first_name=draw(st.sampled_from([None, "Ada", "Grace"])),
                last_name=draw(st.sampled_from([None, "Lovelace"])),
                company=draw(st.sampled_from([None, "Analytical", "Globex"])),
                estimated_value=draw(st.sampled_from([None, Decimal("1200.50")])),
                status=draw(st.sampled_from(list(LeadStatus))),
                owner=draw(st.sampled_from([None, "ada", "Grace"])),
                created_on=draw(DAYS),
            )
        )
    return found


@given(leads(), activities(), DAYS, st.booleans(), st.sampled_from([None, "ADA", "nobody"]))
def test_the_index_of_leads_gives_the_untouched_leads_the_records_give(
    found: list[Lead], done: list[Activity], day: date, week: bool, owner: str | None
) -> None:
    index = AgendaIndex.from_stored(
        {
            "leads": document_index("leads", (lead.stored() for lead in found)),
            "activities": activity_index(a.stored() for a in done),
        }
    )
    assert index.leads == {lead.number.upper(): lead_entry(lead.stored()) for lead in found}
    period = Period.week(day) if week else Period.day(day)
    limits = Thresholds(lead_days=5)
    work = lead_work(index.leads, index.touched, period, limits, owner=owner)
    touches = last_touches(touch_of(a) for a in done if a.regarding.upper().startswith("L-"))
    mine = [
        lead for lead in found if owner is None or (lead.owner or "").casefold() == owner.casefold()
    ]
    options = {"customers": {}, "thresholds": limits}
    from_records = agenda(Work(leads=mine), period, touches=touches, **options)  # type: ignore[arg-type]
    from_index = agenda(Work(untouched=work.untouched), period, touches=work.touches, **options)  # type: ignore[arg-type]
    assert from_index == from_records
    first, _ = lead_window(period, limits)
    assert work.stale == sum(
        1
        for lead in mine
        if lead.status is LeadStatus.OPEN
        and untouched_day(lead.created_on, touches.get(lead.number.upper()), limits) < first
    )


def test_a_lead_entry_holds_what_an_open_lead_needs_and_the_name_of_any_other() -> None:
    lead = Lead(
        number="L-0007",
        first_name="Ada",
        company="Analytical",
        estimated_value=Decimal("99.90"),
        owner="ada",
        created_on=TODAY,
    )
    entry = lead_entry(lead.stored())
    assert entry == '["2026-11-27","Ada",null,"Analytical","99.90","ada"]'
    assert entry[OPEN_DAY] == TODAY.isoformat() == "2026-11-27"
    assert lead_fields(entry) == [TODAY.isoformat(), "Ada", None, "Analytical", "99.90", "ada"]
    qualified = lead.model_copy(update={"status": LeadStatus.QUALIFIED, "last_name": 'O"Neil'})
    closed = lead_entry(qualified.stored())
    assert closed == '[null,"Ada","O\\"Neil","Analytical"]'
    assert lead_fields(closed) == [None, "Ada", 'O"Neil', "Analytical"]
    assert document_index("leads", [lead.stored()]) == {"L-0007": entry}
    assert document_index("accounts", [{"number": "acc-0001", "name": "Acme"}]) == {
        "ACC-0001": ["Acme"]
    }
    assert customer_name(lead_customer(closed), None) == "Analytical"
    assert {"number", *LEAD_FIELDS} <= set(Lead.model_fields)
    assert LeadStatus.OPEN.value == "open"


@given(
    st.sampled_from([["Acme"], [""], [], [3], "Acme", None]),
    st.sampled_from([None, "", "Ovens"]),
)
def test_a_deals_customer_from_the_index_is_the_one_its_stored_fields_give(
    account: object, name: str | None
) -> None:
    found = account_name(account)
    expected = customer_name(
        {"account": "ACC-0001", "name": name}, {"name": found} if found is not None else None
    )
    assert deal_customer(account, name) == expected


OWNERS = st.text(alphabet=st.sampled_from('aAßSs"\\,]\x1f é'), min_size=1, max_size=6)


@given(st.none() | OWNERS, OWNERS, st.sampled_from([None, 'x,"ann', "Straße"]))
def test_an_open_leads_owner_is_read_from_its_entry_as_from_its_fields(
    owner: str | None, wanted: str, company: str | None
) -> None:
    doc = {"created_on": TODAY.isoformat(), "company": company, "owner": owner}
    entry = lead_entry(doc)
    folded = wanted.casefold()
    assert owned_by(entry, folded) == ((owner or "").casefold() == folded)
    assert owned_by(lead_entry({**doc, "owner": "STRASSE"}), "straße".casefold())


def test_damaged_lead_entries_are_left_out_and_a_damaged_section_is_refused() -> None:
    period = Period.day(TODAY)
    limits = Thresholds(lead_days=0)
    good = '["2026-11-27","Ada",null,null,null,"ada"]'
    damaged: dict[str, object] = {
        "L-0001": good,
        "L-0002": '["2026-11-27","Bo",null,null,"not money","ada"]',
        "L-0003": '[3,"Cy",null,null,null,"ada"]',
        "L-0004": "text",
        "L-0005": '["2026-11-27"]',
        "L-0006": '["not a day","Di",null,null,null,"ada"]',
        "L-0007": [TODAY.isoformat(), "Ed", None, None, None, "ada"],  # the first form's list
        "L-0008": '["2026-11-27","Fay"',
        "L-0009": 7,
        "L-0010": "",
    }
    for owner in (None, "ADA"):
        work = lead_work(damaged, {}, period, limits, owner=owner)  # type: ignore[arg-type]
        assert [lead.number for lead in work.untouched] == ["L-0001"]
        assert work.stale == 0
    assert lead_customer(damaged["L-0008"]) == lead_customer(7) == {}
    touched: dict[str, object] = {TODAY.isoformat(): "L-0001", "2026-11-28": 3}
    work = lead_work({"L-0001": good}, touched, period, limits)  # type: ignore[arg-type]
    assert [lead.number for lead in work.untouched] == ["L-0001"] and work.touches == {}
    with pytest.raises(TypeError):
        AgendaIndex.from_stored({"activities": {"due": {}, "touched": ["L-0001"]}})
    with pytest.raises(TypeError):
        AgendaIndex.from_stored({"leads": ["L-0001"]})
    with pytest.raises(TypeError):
        AgendaIndex.from_stored({"accounts": ["ACC-0001"]})
    assert [account_name(entry) for entry in (["Acme"], [], "Acme", [3], None)] == [
        "Acme",
        None,
        None,
        None,
        None,
    ]
