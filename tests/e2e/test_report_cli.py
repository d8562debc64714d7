"""`salesflow report ...` through CliRunner: JSON, CSV and tables on a known pipeline."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.reports_world import world
from tests.runner import backend_of


def cells(table: str) -> list[list[str]]:
    """The cells of a plain table: columns are separated by two spaces or more."""
    return [re.split(r"\s{2,}", line.strip()) for line in table.splitlines()]


REPORTS = ["pipeline", "forecast", "funnel", "win-rate", "receivables", "sales"]


@pytest.fixture
def filled(cli: Cli, db: Path) -> Cli:
    """The known pipeline of tests/reports_world.py, written straight into the data file."""
    with backend_of(db).writing() as session:
        session.put(*world().records())
    return cli


# --- pipeline ----------------------------------------------------------------------------------


def test_report_pipeline_json_has_every_stage_and_the_totals(filled: Cli) -> None:
    data = filled.json("report", "pipeline")
    assert [(s["stage"], s["count"], s["estimated_revenue"]) for s in data["stages"]] == [
        ("qualify", 2, "2499.99"),
        ("develop", 1, "10000.00"),
        ("propose", 2, "9234.56"),
        ("close", 1, "4000.00"),
    ]
    assert data["total"] == {
        "count": 6,
        "estimated_revenue": "25734.55",
        "weighted_revenue": "13640.74",
    }


def test_report_pipeline_is_a_plain_table_when_piped(filled: Cli) -> None:
    result = filled.ok("report", "pipeline")
    assert result.stdout == (
        "Stage    Count  Estimated   Weighted\n"
        "qualify      2   2,499.99     500.00\n"
        "develop      1  10,000.00   4,000.00\n"
        "propose      2   9,234.56   5,540.74\n"
        "close        1   4,000.00   3,600.00\n"
        "total        6  25,734.55  13,640.74\n"
    )
    assert result.stderr == "Pipeline: open opportunities by stage\n"


def test_report_pipeline_csv_has_a_header_and_plain_numbers(filled: Cli) -> None:
    assert filled.ok("report", "pipeline", "--csv").stdout == (
        "stage,count,estimated_revenue,weighted_revenue\n"
        "qualify,2,2499.99,500.00\n"
        "develop,1,10000.00,4000.00\n"
        "propose,2,9234.56,5540.74\n"
        "close,1,4000.00,3600.00\n"
        "total,6,25734.55,13640.74\n"
    )


def test_report_pipeline_filters_by_creation_date_and_source(filled: Cli) -> None:
    data = filled.json("report", "pipeline", "--from", "2026-11-01", "--source", "WEB")
    assert data["filters"] == {"from": "2026-11-01", "to": None, "source": "WEB", "owner": None}
    assert data["total"] == {
        "count": 1,
        "estimated_revenue": "1500.00",
        "weighted_revenue": "300.00",
    }


def test_the_terminal_pipeline_draws_a_bar_per_stage_sized_by_estimated_revenue(
    filled: Cli,
) -> None:
    from rich.console import Console

    from salesflow.cli.report import pipeline_chart
    from salesflow.pipeline.reports import pipeline_report

    report = pipeline_report(world().opportunities)
    out = io.StringIO()
    Console(file=out, width=100, force_terminal=True, no_color=True).print(pipeline_chart(report))
    bars = {line.split()[0]: line.count("█") for line in out.getvalue().splitlines() if "█" in line}
    # develop (10,000.00) fills 30 cells; the others in proportion, rounded half-up.
    assert bars == {"qualify": 7, "develop": 30, "propose": 28, "close": 12}


def test_bars_of_small_values_show_at_least_one_cell() -> None:
    from decimal import Decimal

    from salesflow.cli.report import bar_cells

    assert bar_cells(Decimal("0.01"), Decimal(10000)) == 1
    assert bar_cells(Decimal(0), Decimal(10000)) == 0
    assert bar_cells(Decimal(0), Decimal(0)) == 0


# --- forecast ----------------------------------------------------------------------------------


def test_report_forecast_json_lists_overdue_numbers(filled: Cli) -> None:
    data = filled.json("report", "forecast", "--months", "2")
    assert [(r["period"], r["count"], r["weighted_revenue"]) for r in data["rows"]] == [
        ("earlier", 1, "4000.00"),
        ("2026-11", 1, "3600.00"),
        ("2026-12", 1, "4800.00"),
        ("later", 2, "940.74"),
        ("no date", 1, "300.00"),
    ]
    assert data["overdue"] == ["OPP-0007", "OPP-0008"]
    assert data["rows"][1]["won_revenue"] == "7500.00"


def test_report_forecast_table_flags_overdue_deals(filled: Cli) -> None:
    result = filled.ok("report", "forecast", "--months", "1")
    assert result.stdout == (
        "Period   Open  Estimated   Weighted  Overdue  Won  Won revenue\n"
        "earlier     1  10,000.00   4,000.00        1    0         0.00\n"
        "2026-11     1   4,000.00   3,600.00        1    2     7,500.00\n"
        "later       3  10,234.55   5,740.74             0         0.00\n"
        "no date     1   1,500.00     300.00             0         0.00\n"
        "total       6  25,734.55  13,640.74        2    2     7,500.00\n"
    )
    assert result.stderr == (
        "Forecast 2026-11 to 2026-11 (today 2026-11-27)\nOverdue close dates: OPP-0007, OPP-0008\n"
    )


def test_report_forecast_csv(filled: Cli) -> None:
    lines = filled.ok("report", "forecast", "--from", "2026-12-01", "--to", "2027-01-31", "--csv")
    assert lines.stdout.splitlines() == [
        "period,count,estimated_revenue,weighted_revenue,overdue_count,won_count,won_revenue",
        "earlier,2,14000.00,7600.00,2,0,0.00",
        "2026-12,1,8000.00,4800.00,0,0,0.00",
        "2027-01,1,1234.56,740.74,0,0,0.00",
        "later,1,999.99,200.00,0,0,0.00",
        "no date,1,1500.00,300.00,0,0,0.00",
        "total,6,25734.55,13640.74,2,0,0.00",
    ]


def test_report_forecast_refuses_zero_months(filled: Cli) -> None:
    result = filled("report", "forecast", "--months", "0")
    assert result.exit_code == 2
    assert "--months" in result.stderr


# --- funnel ------------------------------------------------------------------------------------


def test_report_funnel_table_shows_steps_reasons_and_revenue(filled: Cli) -> None:
    assert filled.ok("report", "funnel").stdout == (
        "Step       Leads  From previous  Overall\n"
        "created        9                  100.0%\n"
        "qualified      6          66.7%    66.7%\n"
        "quoted         4          66.7%    44.4%\n"
        "won            3          75.0%    33.3%\n"
        "invoiced       2          66.7%    22.2%\n"
        "paid           1          50.0%    11.1%\n"
        "\n"
        "Disqualified          Leads\n"
        "cannot-contact            1\n"
        "no-longer-interested      1\n"
        "\n"
        "Won revenue   17,500.00\n"
        "Paid revenue  14,100.00\n"
    )


def test_report_funnel_by_source_answers_whether_the_fair_was_worth_it(filled: Cli) -> None:
    assert cells(filled.ok("report", "funnel", "--by-source").stdout)[:5] == [
        [
            "Source",
            "Leads",
            "Qualified",
            "Quoted",
            "Won",
            "Invoiced",
            "Paid",
            "Won %",
            "Won revenue",
            "Paid revenue",
        ],
        ["Beurs 2026", "3", "3", "3", "2", "2", "1", "66.7%", "15,000.00", "14,100.00"],
        ["web", "4", "3", "1", "1", "0", "0", "25.0%", "2,500.00", "0.00"],
        ["(none)", "2", "0", "0", "0", "0", "0", "0.0%", "0.00", "0.00"],
        ["total", "9", "6", "4", "3", "2", "1", "33.3%", "17,500.00", "14,100.00"],
    ]
    data = filled.json("report", "funnel", "--by-source")
    assert [(s["source"], s["paid_revenue"]) for s in data["sources"]] == [
        ("Beurs 2026", "14100.00"),
        ("web", "0.00"),
        (None, "0.00"),
    ]
    assert filled.ok("report", "funnel", "--by-source", "--csv").stdout.splitlines() == [
        "source,created,qualified,quoted,won,invoiced,paid,won_rate,won_revenue,paid_revenue",
        "Beurs 2026,3,3,3,2,2,1,0.6667,15000.00,14100.00",
        "web,4,3,1,1,0,0,0.2500,2500.00,0.00",
        ",2,0,0,0,0,0,0.0000,0.00,0.00",
        "total,9,6,4,3,2,1,0.3333,17500.00,14100.00",
    ]


def test_report_funnel_csv_has_one_row_per_step(filled: Cli) -> None:
    result = filled.ok("report", "funnel", "--csv", "--source", "beurs 2026")
    assert result.stdout.splitlines() == [
        "step,count,from_previous,overall",
        "created,3,,1.0000",
        "qualified,3,1.0000,1.0000",
        "quoted,3,1.0000,1.0000",
        "won,2,0.6667,0.6667",
        "invoiced,2,1.0000,0.6667",
        "paid,1,0.5000,0.3333",
    ]


# --- win rate ----------------------------------------------------------------------------------


def test_report_win_rate_csv_has_months_sources_and_the_total(filled: Cli) -> None:
    assert filled.ok("report", "win-rate", "--csv").stdout.splitlines() == [
        "by,key,won,lost,win_rate,won_revenue,average_deal_size,average_days_to_win",
        "month,2026-06,1,0,1.0000,3000.00,3000.00,40.0",
        "month,2026-07,1,0,1.0000,800.00,800.00,35.0",
        "month,2026-08,1,1,0.5000,2000.00,2000.00,85.0",
        "month,2026-09,0,0,,0.00,,",
        "month,2026-10,2,1,0.6667,11500.00,5750.00,32.5",
        "month,2026-11,2,0,1.0000,7500.00,3750.00,50.0",
        "source,Beurs 2026,2,0,1.0000,15000.00,7500.00,56.5",
        "source,referral,3,0,1.0000,6500.00,2166.67,48.7",
        "source,web,1,1,0.5000,2500.00,2500.00,31.0",
        "source,,1,1,0.5000,800.00,800.00,35.0",
        "total,,7,2,0.7778,24800.00,3542.86,46.4",
    ]


def test_report_win_rate_table_shows_percentages(filled: Cli) -> None:
    lines = filled.ok("report", "win-rate", "--to", "2026-06-30").stdout.splitlines()
    assert lines == [
        "Month    Won  Lost  Win rate  Won revenue  Avg deal  Avg days",
        "2026-06    1     0    100.0%     3,000.00  3,000.00      40.0",
        "2026-07    1     0    100.0%       800.00    800.00      35.0",
        "2026-08    1     0    100.0%     2,000.00  2,000.00      85.0",
        "total      3     0    100.0%     5,800.00  1,933.33      53.3",
        "",
        "Source    Won  Lost  Win rate  Won revenue  Avg deal  Avg days",
        "referral    2     0    100.0%     5,000.00  2,500.00      62.5",
        "(none)      1     0    100.0%       800.00    800.00      35.0",
        "total       3     0    100.0%     5,800.00  1,933.33      53.3",
    ]


# --- receivables -------------------------------------------------------------------------------


def test_report_receivables_table_per_account(filled: Cli) -> None:
    result = filled.ok("report", "receivables")
    assert cells(result.stdout) == [
        ["Account", "Name", "Invoices", "Not due", "1-30", "31-60", "61-90", "90+", "Total"],
        [
            "ACC-0001",
            "Analytical Engines",
            "1",
            "0.00",
            "1,815.00",
            "0.00",
            "0.00",
            "0.00",
            "1,815.00",
        ],
        ["ACC-0002", "Babbage & Co", "2", "4,050.00", "0.00", "0.00", "500.00", "0.00", "4,550.00"],
        ["ACC-0003", "Curie Labs", "2", "0.00", "0.00", "2,000.00", "0.00", "1,000.00", "3,000.00"],
        ["total", "5", "4,050.00", "1,815.00", "2,000.00", "500.00", "1,000.00", "9,365.00"],
    ]
    assert result.stderr == "Receivables as of 2026-11-27\n"


def test_report_receivables_as_of_an_earlier_date(filled: Cli) -> None:
    data = filled.json("report", "receivables", "--as-of", "2026-11-01")
    assert data["as_of"] == "2026-11-01"
    assert data["total"]["total"] == "17415.00"
    assert data["total"]["not_due"] == "13915.00"
    assert [i["number"] for i in data["invoices"]][-1] == "INV-2026-0001"


def test_report_receivables_csv_with_a_source(filled: Cli) -> None:
    assert filled.ok("report", "receivables", "--source", "referral", "--csv").stdout == (
        "account,name,invoices,not_due,days_1_30,days_31_60,days_61_90,days_over_90,total\n"
        "ACC-0001,Analytical Engines,1,0.00,1815.00,0.00,0.00,0.00,1815.00\n"
        "ACC-0003,Curie Labs,2,0.00,0.00,2000.00,0.00,1000.00,3000.00\n"
        "total,,3,0.00,1815.00,2000.00,0.00,1000.00,4815.00\n"
    )


# --- sales -------------------------------------------------------------------------------------


def test_report_sales_table_and_csv(filled: Cli) -> None:
    assert filled.ok("report", "sales", "--from", "2026-10-01").stdout == (
        "Month    Invoices   Invoiced       Paid  Outstanding\n"
        "2026-10         2  13,915.00       0.00     1,815.00\n"
        "2026-11         1   6,050.00  14,100.00     4,050.00\n"
        "total           3  19,965.00  14,100.00     5,865.00\n"
    )
    assert filled.ok("report", "sales", "--csv").stdout.splitlines()[-1] == (
        "total,6,24143.00,14778.00,9365.00"
    )


# --- shared behaviour --------------------------------------------------------------------------

EMPTY_MESSAGES = {
    "pipeline": "No open opportunities.",
    "forecast": "No open or won opportunities in the forecast.",
    "funnel": "No leads.",
    "win-rate": "No won or lost opportunities.",
    "receivables": "No unpaid invoices.",
    "sales": "No invoices or payments.",
}


@pytest.mark.parametrize("report", REPORTS)
def test_an_empty_report_says_so_on_stderr_and_exits_0(cli: Cli, report: str) -> None:
    result = cli.ok("report", report)
    assert result.stdout == ""
    assert result.stderr == EMPTY_MESSAGES[report] + "\n"


@pytest.mark.parametrize("report", REPORTS)
def test_an_empty_report_still_prints_valid_json_and_a_csv_header(cli: Cli, report: str) -> None:
    data = json.loads(cli.ok("report", report, "--json").stdout)
    assert data["filters"] == {"from": None, "to": None, "source": None, "owner": None}
    csv = cli.ok("report", report, "--csv")
    assert csv.stdout.splitlines()[0].count(",") >= 3
    assert csv.stderr == EMPTY_MESSAGES[report] + "\n"


def test_an_empty_pipeline_json_still_has_its_four_stages(cli: Cli) -> None:
    data = cli.json("report", "pipeline")
    assert [s["stage"] for s in data["stages"]] == ["qualify", "develop", "propose", "close"]
    assert data["total"] == {"count": 0, "estimated_revenue": "0.00", "weighted_revenue": "0.00"}


@pytest.mark.parametrize("report", REPORTS)
def test_json_and_csv_together_are_a_usage_error(cli: Cli, report: str) -> None:
    result = cli("report", report, "--json", "--csv")
    assert result.exit_code == 2
    assert result.stderr == "Error: choose one output format, not --json and --csv\n"


def test_a_bad_date_is_refused_naming_the_option(cli: Cli) -> None:
    result = cli("report", "sales", "--from", "2026-13-01")
    assert result.exit_code == 1
    assert result.stderr == "Error: --from '2026-13-01' is not a date; use YYYY-MM-DD\n"


def test_a_range_ending_before_it_starts_is_a_usage_error(cli: Cli) -> None:
    result = cli("report", "funnel", "--from", "2026-12-01", "--to", "2026-11-01")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --from 2026-12-01 is after --to 2026-11-01; the range would be empty\n"
    )


def test_reports_leave_the_data_file_untouched(filled: Cli, db: Path) -> None:
    before = db.read_bytes()
    for report in REPORTS:
        filled.ok("report", report)
    assert db.read_bytes() == before


def test_reports_follow_a_deal_made_with_the_real_commands(cli: Cli) -> None:
    cli.ok("lead", "add", "--company", "Initech", "--last-name", "Smith", "--source", "Fair")
    cli.ok("lead", "add", "--company", "Hooli", "--source", "web")
    cli.ok("lead", "qualify", "L-0001", "--close-date", "2026-12-20")
    cli.ok(
        "opp", "add-product", "OPP-0001", "--write-in", "Consulting", "--price", "500", "-q", "2"
    )
    quote = cli.number("quote", "create", "OPP-0001")
    cli.ok("quote", "activate", quote)
    order = cli.number("quote", "accept", quote)
    invoice = cli.number("order", "fulfil", order)
    cli.ok("invoice", "pay", invoice, "--amount", "400")

    funnel = cli.json("report", "funnel", "--by-source")
    assert [s["count"] for s in funnel["steps"]] == [2, 1, 1, 1, 1, 0]
    assert [(s["source"], s["won_revenue"]) for s in funnel["sources"]] == [
        ("Fair", "1000.00"),
        ("web", "0.00"),
    ]
    assert cli.json("report", "sales")["total"] == {
        "invoices": 1,
        "invoiced": "1000.00",
        "paid": "400.00",
        "outstanding": "600.00",
    }
    receivables = cli.json("report", "receivables")
    assert receivables["total"]["not_due"] == "600.00"
    assert receivables["accounts"][0]["name"] == "Initech"
    cli.ok("invoice", "pay", invoice)
    assert cli.json("report", "funnel")["steps"][-1]["count"] == 1
    assert cli.json("report", "receivables")["invoices"] == []
    win_rate = cli.json("report", "win-rate")
    assert win_rate["total"]["average_days_to_win"] == "0.0"
