"""Report figures on a known pipeline (tests/reports_world.py), worked out by hand."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.errors import UsageError
from salesflow.models import Invoice, Lead, Opportunity, Quote
from salesflow.pipeline import reports
from salesflow.pipeline.reports import (
    BUCKETS,
    Filters,
    bucket_of,
    forecast_report,
    funnel_report,
    percent_text,
    pipeline_report,
    rate,
    receivables_report,
    sales_report,
    win_rate_report,
)
from tests.conftest import TODAY
from tests.reports_world import (
    World,
    day,
    make_invoice,
    make_lead,
    make_opportunity,
    make_quote,
    world,
)


@pytest.fixture
def w() -> World:
    return world()


def stage(name: str, count: int, estimated: str, weighted: str) -> dict[str, object]:
    return {
        "stage": name,
        "count": count,
        "estimated_revenue": estimated,
        "weighted_revenue": weighted,
    }


def period(
    name: str,
    count: int = 0,
    estimated: str = "0.00",
    weighted: str = "0.00",
    overdue: tuple[str, ...] = (),
    won: int = 0,
    won_revenue: str = "0.00",
) -> dict[str, object]:
    return {
        "period": name,
        "count": count,
        "estimated_revenue": estimated,
        "weighted_revenue": weighted,
        "overdue_count": len(overdue),
        "overdue": list(overdue),
        "won_count": won,
        "won_revenue": won_revenue,
    }


def steps(*rows: tuple[str, int, str | None, str | None]) -> list[dict[str, object]]:
    return [
        {"step": step, "count": count, "from_previous": previous, "overall": overall}
        for step, count, previous, overall in rows
    ]


NO_FILTERS = {"from": None, "to": None, "source": None, "owner": None}
NO_DISQUALIFIED = {"lost": 0, "cannot-contact": 0, "no-longer-interested": 0, "canceled": 0}


# --- shared rules ------------------------------------------------------------------------------


def test_the_reports_package_is_pure() -> None:
    allowed = {
        "__future__",
        "collections.abc",
        "dataclasses",
        "datetime",
        "decimal",
        "typing",
        "salesflow.errors",
        "salesflow.models",
        "salesflow.pipeline.money",
    }
    files = sorted(Path(reports.__file__).parent.glob("*.py"))
    assert len(files) == 6
    for file in files:
        text = file.read_text()
        imported = {
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(ast.parse(text))
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names
        }
        own = {name for name in imported if name and name.startswith("salesflow.pipeline.reports")}
        assert imported - own <= allowed, file.name
        assert "today()" not in text and "now()" not in text, file.name


def test_rates_have_four_decimals_rounded_half_up_and_none_without_a_denominator() -> None:
    assert rate(2, 3) == Decimal("0.6667")
    assert rate(1, 8) == Decimal("0.1250")
    assert rate(1, 0) is None
    assert percent_text(Decimal("0.6667")) == "66.7%"
    assert percent_text(Decimal("0.0005")) == "0.1%"
    assert percent_text(None) == "-"


def test_a_range_that_ends_before_it_starts_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        Filters(day("2026-12-01"), day("2026-11-01"))
    assert (
        str(caught.value) == "--from 2026-12-01 is after --to 2026-11-01; the range would be empty"
    )


def test_sources_match_ignoring_case_and_surrounding_space() -> None:
    assert Filters(source=" beurs 2026").has_source("Beurs 2026 ")
    assert not Filters(source="web").has_source(None)
    assert Filters().has_source(None)


# --- pipeline ----------------------------------------------------------------------------------


def test_the_pipeline_shows_open_opportunities_by_stage_in_order_with_totals(w: World) -> None:
    assert pipeline_report(w.opportunities).as_dict() == {
        "filters": NO_FILTERS,
        "stages": [
            stage("qualify", 2, "2499.99", "500.00"),
            stage("develop", 1, "10000.00", "4000.00"),
            stage("propose", 2, "9234.56", "5540.74"),
            stage("close", 1, "4000.00", "3600.00"),
        ],
        "total": {"count": 6, "estimated_revenue": "25734.55", "weighted_revenue": "13640.74"},
    }


def test_the_pipeline_filters_on_the_creation_date(w: World) -> None:
    report = pipeline_report(w.opportunities, filters=Filters(start=day("2026-11-01")))
    assert [row.as_dict() for row in report.stages] == [
        stage("qualify", 2, "2499.99", "500.00"),
        stage("develop", 0, "0.00", "0.00"),
        stage("propose", 1, "1234.56", "740.74"),
        stage("close", 1, "4000.00", "3600.00"),
    ]
    assert report.total == reports.StageRow("total", 4, Decimal("7734.55"), Decimal("4840.74"))


def test_the_pipeline_filters_on_the_source_ignoring_case(w: World) -> None:
    report = pipeline_report(w.opportunities, filters=Filters(source="BEURS 2026"))
    assert [(row.stage, row.count, row.estimated) for row in report.stages] == [
        ("qualify", 0, Decimal("0.00")),
        ("develop", 0, Decimal("0.00")),
        ("propose", 1, Decimal("8000.00")),
        ("close", 0, Decimal("0.00")),
    ]


def test_an_empty_pipeline_still_has_its_four_stages_at_zero() -> None:
    report = pipeline_report([])
    assert report.empty
    assert [row.as_dict() for row in report.stages] == [
        stage(name, 0, "0.00", "0.00") for name in ("qualify", "develop", "propose", "close")
    ]


# --- forecast ----------------------------------------------------------------------------------


def test_the_forecast_runs_six_months_from_this_month_with_overdue_deals_flagged(
    w: World,
) -> None:
    assert forecast_report(w.opportunities, today=TODAY).as_dict() == {
        "filters": NO_FILTERS,
        "today": "2026-11-27",
        "first_month": "2026-11",
        "last_month": "2027-04",
        "rows": [
            period("earlier", 1, "10000.00", "4000.00", ("OPP-0007",)),
            period("2026-11", 1, "4000.00", "3600.00", ("OPP-0008",), 2, "7500.00"),
            period("2026-12", 1, "8000.00", "4800.00"),
            period("2027-01", 1, "1234.56", "740.74"),
            period("2027-02"),
            period("2027-03"),
            period("2027-04"),
            period("later", 1, "999.99", "200.00"),
            period("no date", 1, "1500.00", "300.00"),
        ],
        "total": {
            "count": 6,
            "estimated_revenue": "25734.55",
            "weighted_revenue": "13640.74",
            "overdue_count": 2,
            "overdue": ["OPP-0007", "OPP-0008"],
            "won_count": 2,
            "won_revenue": "7500.00",
        },
        "overdue": ["OPP-0007", "OPP-0008"],
    }


def test_from_and_to_choose_the_forecast_months(w: World) -> None:
    report = forecast_report(
        w.opportunities,
        today=TODAY,
        filters=Filters(day("2026-10-15"), day("2026-12-01")),
    )
    assert (report.first_month, report.last_month) == ("2026-10", "2026-12")
    assert [row.as_dict() for row in report.rows] == [
        period("earlier"),
        period("2026-10", 1, "10000.00", "4000.00", ("OPP-0007",), 2, "11500.00"),
        period("2026-11", 1, "4000.00", "3600.00", ("OPP-0008",), 2, "7500.00"),
        period("2026-12", 1, "8000.00", "4800.00"),
        period("later", 2, "2234.55", "940.74"),
        period("no date", 1, "1500.00", "300.00"),
    ]
    assert report.total.won_revenue == Decimal("19000.00")


def test_a_one_month_forecast_puts_every_later_close_date_in_later(w: World) -> None:
    report = forecast_report(w.opportunities, today=TODAY, months=1)
    assert [row.period for row in report.rows] == ["earlier", "2026-11", "later", "no date"]
    assert report.rows[2].as_dict() == period("later", 3, "10234.55", "5740.74")


def test_the_forecast_of_one_source_counts_only_its_deals(w: World) -> None:
    report = forecast_report(w.opportunities, today=TODAY, filters=Filters(source="beurs 2026"))
    assert report.total.as_dict() == period("total", 1, "8000.00", "4800.00", (), 1, "5000.00")


def test_a_forecast_ending_before_this_month_is_a_usage_error(w: World) -> None:
    with pytest.raises(UsageError) as caught:
        forecast_report(w.opportunities, today=TODAY, filters=Filters(end=day("2026-10-31")))
    assert str(caught.value) == (
        "--to 2026-10-31 is before the first month of the forecast, 2026-11; give --from too"
    )
    with pytest.raises(UsageError) as caught:
        forecast_report(w.opportunities, today=TODAY, months=0)
    assert str(caught.value) == "--months 0 must be 1 or more"


def test_an_open_deal_closing_today_is_not_overdue() -> None:
    deal = make_opportunity("OPP-0001", "2026-11-01", estimated="100", close="2026-11-27")
    report = forecast_report([deal], today=TODAY)
    assert report.total.overdue == ()
    assert report.rows[1].count == 1


# --- funnel ------------------------------------------------------------------------------------

ALL_LEADS = steps(
    ("created", 9, None, "1.0000"),
    ("qualified", 6, "0.6667", "0.6667"),
    ("quoted", 4, "0.6667", "0.4444"),
    ("won", 3, "0.7500", "0.3333"),
    ("invoiced", 2, "0.6667", "0.2222"),
    ("paid", 1, "0.5000", "0.1111"),
)


def test_the_funnel_follows_each_lead_to_its_furthest_step(w: World) -> None:
    report = funnel_report(w.leads, w.opportunities, w.quotes, w.invoices)
    assert report.as_dict() == {
        "filters": NO_FILTERS,
        "steps": ALL_LEADS,
        "disqualified": {**NO_DISQUALIFIED, "cannot-contact": 1, "no-longer-interested": 1},
        "won_revenue": "17500.00",
        # 12,100 of a paid invoice and 2,000 paid on another: what came in, not what is settled
        "paid_revenue": "14100.00",
    }


def test_the_funnel_by_source_shows_what_each_source_brought(w: World) -> None:
    report = funnel_report(w.leads, w.opportunities, w.quotes, w.invoices, by_source=True)
    data = report.as_dict()
    assert data["steps"] == ALL_LEADS
    assert data["sources"] == [
        {
            "source": "Beurs 2026",
            "steps": steps(
                ("created", 3, None, "1.0000"),
                ("qualified", 3, "1.0000", "1.0000"),
                ("quoted", 3, "1.0000", "1.0000"),
                ("won", 2, "0.6667", "0.6667"),
                ("invoiced", 2, "1.0000", "0.6667"),
                ("paid", 1, "0.5000", "0.3333"),
            ),
            "disqualified": NO_DISQUALIFIED,
            "won_revenue": "15000.00",
            "paid_revenue": "14100.00",
        },
        {
            "source": "web",
            "steps": steps(
                ("created", 4, None, "1.0000"),
                ("qualified", 3, "0.7500", "0.7500"),
                ("quoted", 1, "0.3333", "0.2500"),
                ("won", 1, "1.0000", "0.2500"),
                ("invoiced", 0, "0.0000", "0.0000"),
                ("paid", 0, None, "0.0000"),
            ),
            "disqualified": {**NO_DISQUALIFIED, "no-longer-interested": 1},
            "won_revenue": "2500.00",
            "paid_revenue": "0.00",
        },
        {
            "source": None,
            "steps": steps(
                ("created", 2, None, "1.0000"),
                ("qualified", 0, "0.0000", "0.0000"),
                ("quoted", 0, None, "0.0000"),
                ("won", 0, None, "0.0000"),
                ("invoiced", 0, None, "0.0000"),
                ("paid", 0, None, "0.0000"),
            ),
            "disqualified": {**NO_DISQUALIFIED, "cannot-contact": 1},
            "won_revenue": "0.00",
            "paid_revenue": "0.00",
        },
    ]


def test_the_funnel_counts_leads_created_in_the_range(w: World) -> None:
    report = funnel_report(
        w.leads, w.opportunities, w.quotes, w.invoices, filters=Filters(start=day("2026-10-01"))
    )
    assert [s.count for s in report.total.steps] == [6, 3, 1, 1, 0, 0]
    assert report.total.won_revenue == Decimal("2500.00")


def test_a_deal_won_without_a_quote_still_counts_as_quoted() -> None:
    lead = make_lead("L-0001", "2026-11-01", status="qualified", opportunity="OPP-0001")
    deal = make_opportunity(
        "OPP-0001", "2026-11-01", status="won", closed="2026-11-02", actual="10", lead="L-0001"
    )
    report = funnel_report([lead], [deal], [], [])
    assert [s.count for s in report.total.steps] == [1, 1, 1, 1, 0, 0]


def test_a_canceled_invoice_is_not_invoiced_and_paid_needs_every_invoice_paid() -> None:
    leads = [
        make_lead("L-0001", "2026-11-01", status="qualified", opportunity="OPP-0001"),
        make_lead("L-0002", "2026-11-01", status="qualified", opportunity="OPP-0002"),
    ]
    deals = [
        make_opportunity("OPP-0001", "2026-11-01", status="won", closed="2026-11-02", actual="5"),
        make_opportunity("OPP-0002", "2026-11-01", status="won", closed="2026-11-02", actual="5"),
    ]
    dates = {"invoice_date": "2026-11-02", "due_date": "2026-12-02", "account": None}
    invoices = [
        make_invoice("INV-2026-0001", "OPP-0001", amount="5", canceled_on="2026-11-03", **dates),
        make_invoice(
            "INV-2026-0002", "OPP-0002", amount="5", payments=[("5", "2026-11-04")], **dates
        ),
        make_invoice("INV-2026-0003", "OPP-0002", amount="7", **dates),
    ]
    report = funnel_report(leads, deals, [make_quote("QUO-0001", "OPP-0001")], invoices)
    assert [s.count for s in report.total.steps] == [2, 2, 2, 2, 1, 0]
    assert report.total.paid_revenue == Decimal("5.00")


@st.composite
def funnel_worlds(
    draw: st.DrawFn,
) -> tuple[list[Lead], list[Opportunity], list[Quote], list[Invoice]]:
    leads: list[Lead] = []
    deals: list[Opportunity] = []
    quotes: list[Quote] = []
    invoices: list[Invoice] = []
    for index in range(1, draw(st.integers(0, 12)) + 1):
        number = f"L-{index:04d}"
        source = draw(st.sampled_from([None, "web", "WEB", "fair"]))
        status = draw(st.sampled_from(["open", "qualified", "disqualified"]))
        opportunity = f"OPP-{index:04d}" if status == "qualified" else None
        reason = "canceled" if status == "disqualified" else None
        leads.append(
            make_lead(
                number,
                "2026-11-01",
                source=source,
                status=status,
                reason=reason,
                opportunity=opportunity,
            )
        )
        if opportunity is None:
            continue
        outcome = draw(st.sampled_from(["open", "won", "lost"]))
        deals.append(
            make_opportunity(
                opportunity,
                "2026-11-01",
                status=outcome,
                closed=None if outcome == "open" else "2026-11-10",
                actual=draw(st.sampled_from(["0", "10", "99.99"])) if outcome == "won" else None,
                lead=number,
                source=source,
            )
        )
        if draw(st.booleans()):
            quotes.append(make_quote(f"QUO-{index:04d}", opportunity))
        for n in range(draw(st.integers(0, 2))):
            amount = draw(st.sampled_from(["10", "20"]))
            paid = draw(st.sampled_from([[], [("5", "2026-11-20")], [(amount, "2026-11-20")]]))
            invoices.append(
                make_invoice(
                    f"INV-2026-{index:02d}{n:02d}",
                    opportunity,
                    account=None,
                    amount=amount,
                    invoice_date="2026-11-12",
                    due_date="2026-12-12",
                    payments=paid,
                    canceled_on="2026-11-13" if not paid and draw(st.booleans()) else None,
                )
            )
    return leads, deals, quotes, invoices


@pytest.mark.slow  # a long property run
@settings(max_examples=150, deadline=None)
@given(funnel_worlds())
def test_the_funnel_counts_never_increase_down_the_funnel(
    records: tuple[list[Lead], list[Opportunity], list[Quote], list[Invoice]],
) -> None:
    report = funnel_report(*records, by_source=True)
    assert report.sources is not None
    for funnel in (report.total, *report.sources):
        counts = [s.count for s in funnel.steps]
        assert counts == sorted(counts, reverse=True)
        assert all(s.from_previous is None or s.from_previous <= 1 for s in funnel.steps)
    for index in range(len(reports.STEPS)):
        assert report.total.steps[index].count == sum(f.steps[index].count for f in report.sources)
    assert report.total.won_revenue == sum((f.won_revenue for f in report.sources), Decimal(0))


# --- win rate ----------------------------------------------------------------------------------


def win(
    key: str | None,
    won: int,
    lost: int,
    win_rate: str | None,
    revenue: str,
    deal: str | None,
    days: str | None,
    name: str = "month",
) -> dict[str, object]:
    return {
        name: key,
        "won": won,
        "lost": lost,
        "win_rate": win_rate,
        "won_revenue": revenue,
        "average_deal_size": deal,
        "average_days_to_win": days,
    }


def test_the_win_rate_by_month_closed_and_by_source(w: World) -> None:
    assert win_rate_report(w.opportunities, w.leads).as_dict() == {
        "filters": NO_FILTERS,
        "by_month": [
            win("2026-06", 1, 0, "1.0000", "3000.00", "3000.00", "40.0"),
            win("2026-07", 1, 0, "1.0000", "800.00", "800.00", "35.0"),
            win("2026-08", 1, 1, "0.5000", "2000.00", "2000.00", "85.0"),
            win("2026-09", 0, 0, None, "0.00", None, None),
            win("2026-10", 2, 1, "0.6667", "11500.00", "5750.00", "32.5"),
            win("2026-11", 2, 0, "1.0000", "7500.00", "3750.00", "50.0"),
        ],
        "by_source": [
            win("Beurs 2026", 2, 0, "1.0000", "15000.00", "7500.00", "56.5", "source"),
            win("referral", 3, 0, "1.0000", "6500.00", "2166.67", "48.7", "source"),
            win("web", 1, 1, "0.5000", "2500.00", "2500.00", "31.0", "source"),
            win(None, 1, 1, "0.5000", "800.00", "800.00", "35.0", "source"),
        ],
        "total": {
            "won": 7,
            "lost": 2,
            "win_rate": "0.7778",
            "won_revenue": "24800.00",
            "average_deal_size": "3542.86",
            "average_days_to_win": "46.4",
        },
    }


def test_the_win_rate_counts_opportunities_created_in_the_range(w: World) -> None:
    report = win_rate_report(
        w.opportunities, w.leads, filters=Filters(day("2026-09-01"), day("2026-09-30"))
    )
    assert report.total.as_dict("total") == win(
        "total", 3, 0, "1.0000", "16500.00", "5500.00", "44.7", "total"
    )
    assert [row.key for row in report.by_month] == ["2026-10", "2026-11"]


def test_days_to_win_run_from_the_lead_else_from_the_opportunity() -> None:
    lead = make_lead("L-0001", "2026-10-01", status="qualified", opportunity="OPP-0001")
    from_lead = make_opportunity(
        "OPP-0001", "2026-10-11", status="won", closed="2026-10-21", actual="1", lead="L-0001"
    )
    direct = make_opportunity(
        "OPP-0002", "2026-10-11", status="won", closed="2026-10-21", actual="2"
    )
    assert win_rate_report([from_lead], [lead]).total.average_days == Decimal("20.0")
    assert win_rate_report([direct], [lead]).total.average_days == Decimal("10.0")


def test_no_closed_deals_give_an_empty_win_rate_with_no_rate() -> None:
    report = win_rate_report([make_opportunity("OPP-0001", "2026-10-01")], [])
    assert report.empty
    assert report.as_dict()["by_month"] == []
    assert report.total.win_rate is None


# --- receivables -------------------------------------------------------------------------------


def aging(
    account: str | None, name: str, invoices: int, *buckets: str, total: str
) -> dict[str, object]:
    return {
        "account": account,
        "name": name,
        "invoices": invoices,
        **dict(zip(BUCKETS, buckets, strict=True)),
        "total": total,
    }


def test_receivables_age_open_balances_per_account(w: World) -> None:
    data = receivables_report(w.invoices, w.accounts, w.opportunities, as_of=TODAY).as_dict()
    assert data["as_of"] == "2026-11-27"
    assert data["accounts"] == [
        aging(
            "ACC-0001",
            "Analytical Engines",
            1,
            "0.00",
            "1815.00",
            "0.00",
            "0.00",
            "0.00",
            total="1815.00",
        ),
        aging(
            "ACC-0002",
            "Babbage & Co",
            2,
            "4050.00",
            "0.00",
            "0.00",
            "500.00",
            "0.00",
            total="4550.00",
        ),
        aging(
            "ACC-0003",
            "Curie Labs",
            2,
            "0.00",
            "0.00",
            "2000.00",
            "0.00",
            "1000.00",
            total="3000.00",
        ),
    ]
    assert data["total"] == {
        "invoices": 5,
        **dict(zip(BUCKETS, ["4050.00", "1815.00", "2000.00", "500.00", "1000.00"], strict=True)),
        "total": "9365.00",
    }
    assert [
        (i["number"], i["days_overdue"], i["bucket"], i["balance"]) for i in data["invoices"]
    ] == [
        ("INV-2026-0003", 119, "days_over_90", "1000.00"),
        ("INV-2026-0005", 88, "days_61_90", "500.00"),
        ("INV-2026-0004", 57, "days_31_60", "2000.00"),
        ("INV-2026-0006", 23, "days_1_30", "1815.00"),
        ("INV-2026-0002", 0, "not_due", "4050.00"),
    ]
    assert data["invoices"][0] == {
        "number": "INV-2026-0003",
        "account": "ACC-0003",
        "name": "Curie Labs",
        "invoice_date": "2026-07-01",
        "due_date": "2026-07-31",
        "days_overdue": 119,
        "bucket": "days_over_90",
        "total": "1210.00",
        "paid": "210.00",
        "balance": "1000.00",
    }


def test_receivables_as_of_an_earlier_date_ignore_later_invoices_and_payments(w: World) -> None:
    report = receivables_report(w.invoices, w.accounts, w.opportunities, as_of=day("2026-11-01"))
    assert [(i.number, i.bucket, i.balance) for i in report.invoices] == [
        ("INV-2026-0003", "days_over_90", Decimal("1000.00")),
        ("INV-2026-0005", "days_61_90", Decimal("500.00")),
        ("INV-2026-0004", "days_31_60", Decimal("2000.00")),
        ("INV-2026-0006", "not_due", Decimal("1815.00")),
        ("INV-2026-0001", "not_due", Decimal("12100.00")),
    ]
    assert report.total.buckets == tuple(
        Decimal(v) for v in ("13915.00", "0.00", "2000.00", "500.00", "1000.00")
    )
    assert report.total.total == Decimal("17415.00")


def test_an_invoice_cancelled_after_the_as_of_date_was_still_owed_then(w: World) -> None:
    report = receivables_report(w.invoices, w.accounts, w.opportunities, as_of=day("2026-10-03"))
    assert [(i.number, i.bucket) for i in report.invoices] == [
        ("INV-2026-0003", "days_61_90"),
        ("INV-2026-0005", "days_31_60"),
        ("INV-2026-0004", "days_1_30"),
        ("INV-2026-0007", "not_due"),
    ]
    assert report.total.total == Decimal("5315.00")


def test_receivables_of_one_source_follow_the_invoices_opportunity(w: World) -> None:
    report = receivables_report(
        w.invoices, w.accounts, w.opportunities, as_of=TODAY, filters=Filters(source="Referral")
    )
    assert [i.number for i in report.invoices] == [
        "INV-2026-0003",
        "INV-2026-0004",
        "INV-2026-0006",
    ]
    assert report.total.total == Decimal("4815.00")


def test_an_invoice_without_an_account_is_grouped_last() -> None:
    invoice = make_invoice(
        "INV-2026-0001",
        "OPP-0001",
        account=None,
        amount="10",
        invoice_date="2026-11-01",
        due_date="2026-11-01",
    )
    report = receivables_report([invoice], [], [], as_of=TODAY)
    assert report.accounts[0].as_dict() == aging(
        None, "(no account)", 1, "0.00", "10.00", "0.00", "0.00", "0.00", total="10.00"
    )


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-5, "not_due"),
        (0, "not_due"),
        (1, "days_1_30"),
        (30, "days_1_30"),
        (31, "days_31_60"),
        (60, "days_31_60"),
        (61, "days_61_90"),
        (90, "days_61_90"),
        (91, "days_over_90"),
    ],
)
def test_aging_bucket_boundaries(days: int, bucket: str) -> None:
    assert bucket_of(days) == bucket


@st.composite
def receivable_invoices(draw: st.DrawFn) -> list[Invoice]:
    invoices = []
    for index in range(draw(st.integers(0, 10))):
        issued = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 300)))
        amount = draw(st.decimals(min_value=Decimal("0.01"), max_value=Decimal(5000), places=2))
        payments = [
            (
                str(draw(st.decimals(min_value=Decimal("0.01"), max_value=amount, places=2))),
                (issued + timedelta(days=draw(st.integers(0, 120)))).isoformat(),
            )
            for _ in range(draw(st.integers(0, 2)))
        ]
        invoices.append(
            make_invoice(
                f"INV-2026-{index:04d}",
                "OPP-0001",
                account=draw(st.sampled_from([None, "ACC-0001", "ACC-0002"])),
                amount=str(amount),
                tax=str(draw(st.sampled_from(["0", "0.21", "17.50"]))),
                invoice_date=issued.isoformat(),
                due_date=(issued + timedelta(days=draw(st.integers(0, 60)))).isoformat(),
                payments=payments,
            )
        )
    return invoices


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(receivable_invoices(), st.integers(0, 500))
def test_receivables_buckets_add_up_to_the_total_outstanding(
    invoices: list[Invoice], offset: int
) -> None:
    as_of = date(2026, 1, 1) + timedelta(days=offset)
    report = receivables_report(invoices, [], [], as_of=as_of)
    owed = [reports.balance_as_of(i, as_of) for i in invoices if i.invoice_date <= as_of]
    outstanding = sum((b for b in owed if b > 0), Decimal("0.00"))
    assert sum(report.total.buckets, Decimal(0)) == report.total.total == outstanding
    assert sum((row.total for row in report.accounts), Decimal(0)) == outstanding
    for row in report.accounts:
        assert sum(row.buckets, Decimal(0)) == row.total


# --- sales -------------------------------------------------------------------------------------


def month(
    name: str, invoices: int, invoiced: str, paid: str, outstanding: str
) -> dict[str, object]:
    return {
        "month": name,
        "invoices": invoices,
        "invoiced": invoiced,
        "paid": paid,
        "outstanding": outstanding,
    }


def test_sales_per_month_invoiced_paid_and_outstanding(w: World) -> None:
    assert sales_report(w.invoices, w.opportunities, today=TODAY).as_dict() == {
        "filters": NO_FILTERS,
        "today": "2026-11-27",
        "months": [
            month("2026-07", 1, "1210.00", "0.00", "1000.00"),
            month("2026-08", 1, "968.00", "210.00", "500.00"),
            month("2026-09", 1, "2000.00", "468.00", "2000.00"),
            month("2026-10", 2, "13915.00", "0.00", "1815.00"),
            month("2026-11", 1, "6050.00", "14100.00", "4050.00"),
        ],
        "total": {
            "invoices": 6,
            "invoiced": "24143.00",
            "paid": "14778.00",
            "outstanding": "9365.00",
        },
    }


def test_sales_in_a_range_count_invoices_and_payments_by_their_own_dates(w: World) -> None:
    report = sales_report(
        w.invoices,
        w.opportunities,
        today=TODAY,
        filters=Filters(day("2026-09-01"), day("2026-10-31")),
    )
    assert [row.as_dict() for row in report.months] == [
        month("2026-09", 1, "2000.00", "468.00", "2000.00"),
        month("2026-10", 2, "13915.00", "0.00", "1815.00"),
    ]
    assert report.total.as_dict() == month("total", 3, "15915.00", "468.00", "3815.00")


def test_sales_of_one_source(w: World) -> None:
    report = sales_report(w.invoices, w.opportunities, today=TODAY, filters=Filters(source="web"))
    assert report.empty
    assert report.as_dict()["months"] == []
    beurs = sales_report(
        w.invoices, w.opportunities, today=TODAY, filters=Filters(source="beurs 2026")
    )
    assert beurs.total.as_dict() == month("total", 2, "18150.00", "14100.00", "4050.00")


def test_a_payment_dated_after_today_does_not_reduce_what_is_outstanding_today() -> None:
    invoice = make_invoice(
        "INV-2026-0001",
        "OPP-0001",
        account=None,
        amount="100",
        invoice_date="2026-11-01",
        due_date="2026-12-01",
        payments=[("40", "2026-12-05")],
    )
    report = sales_report([invoice], [], today=TODAY)
    assert [row.as_dict() for row in report.months] == [
        month("2026-11", 1, "100.00", "0.00", "100.00"),
        month("2026-12", 0, "0.00", "40.00", "0.00"),
    ]


def test_the_funnel_counts_paid_revenue_from_payments_on_a_partly_paid_invoice() -> None:
    lead = make_lead("L-0001", "2026-11-01", status="qualified", opportunity="OPP-0001")
    deal = make_opportunity(
        "OPP-0001", "2026-11-01", status="won", closed="2026-11-02", actual="12100"
    )
    invoice = make_invoice(
        "INV-2026-0001",
        "OPP-0001",
        account=None,
        amount="12100",
        invoice_date="2026-11-02",
        due_date="2026-12-02",
        payments=[("10000", "2026-11-10")],
    )
    report = funnel_report([lead], [deal], [], [invoice])
    assert report.total.paid_revenue == Decimal("10000.00")
    assert report.as_dict()["paid_revenue"] == "10000.00"
    assert [s.count for s in report.total.steps] == [1, 1, 1, 1, 1, 0]
