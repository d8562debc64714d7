"""`salesflow report ...`: where the money is: pipeline, forecast, funnel, win rate, receivables,
sales.

Each command reads the data file once, hands the records to `salesflow.pipeline.reports` and
renders the result: a table (plain text when stdout is not a terminal), `--json` (money as
"1234.50", rates as "0.6667", null when there is nothing to divide by) or `--csv` (a header row,
then the same figures as the JSON). An empty report says so on stderr and exits 0; `--json` and
`--csv` still print their (empty) structure.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Protocol, TypeVar

import typer

from salesflow.cli import common, owners
from salesflow.cli.common import AppTyper

if TYPE_CHECKING:
    from decimal import Decimal

    from rich.table import Table
    from typer.models import OptionInfo

    from salesflow.pipeline.reports import (
        Filters,
        ForecastReport,
        FunnelReport,
        PipelineReport,
        ReceivablesReport,
        SalesReport,
        WinRateReport,
        WinRow,
    )
    from salesflow.pipeline.reports.activities import ActivityReport


class _Report(Protocol):
    """What every report offers the shell: whether it is empty, and its JSON."""

    @property
    def empty(self) -> bool: ...

    def as_dict(self) -> dict[str, Any]: ...


Rep = TypeVar("Rep", bound=_Report)
Rows = tuple[list[str], list[list[object]]]
"""A report's CSV: the header row and the rows of cells (money as text, None for empty)."""

app = AppTyper(
    help="Reports: pipeline, forecast, funnel, win rate, receivables, sales and activity."
)

Json = Annotated[
    bool, typer.Option("--json", help="Print JSON: money as strings, rates as 0.6667.")
]
Csv = Annotated[bool, typer.Option("--csv", help="Print CSV with a header row.")]
Source = Annotated[
    str | None,
    typer.Option(
        "--source",
        help="Only this source, ignoring case (invoices: their opportunity's source).",
        show_default=False,
    ),
]


def _from(what: str) -> OptionInfo:
    return typer.Option("--from", help=f"Only {what} on or after this date (YYYY-MM-DD).")


def _to(what: str) -> OptionInfo:
    return typer.Option("--to", help=f"Only {what} on or before this date (YYYY-MM-DD).")


FromInvoiced = Annotated[str | None, _from("invoices dated")]
ToInvoiced = Annotated[str | None, _to("invoices dated")]

BAR_WIDTH = 30
NONE_LABEL = "(none)"


# --- shared plumbing ---------------------------------------------------------------------------


def _filters(
    start: str | None, end: str | None, source: str | None, owner: str | None = None
) -> Filters:
    from salesflow.pipeline.fields import clean, parse_date
    from salesflow.pipeline.owners import seller_name
    from salesflow.pipeline.reports import Filters

    return Filters(
        parse_date(start, "--from") if start is not None else None,
        parse_date(end, "--to") if end is not None else None,
        clean(source),
        seller_name(owner, "--owner") if owner is not None else None,
    )


def _check_output(json: bool, csv: bool) -> None:
    """The one output-format rule of every list and report (a usage error for both)."""
    common.output_format(json, False, csv)


def print_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """CSV on stdout (common.write_csv): a header row, empty cells for missing values."""
    common.write_csv(header, [["" if cell is None else str(cell) for cell in row] for row in rows])


def _emit(
    report: Rep,
    *,
    json: bool,
    csv: bool,
    empty: str,
    csv_rows: Callable[[Rep], Rows],
    table: Callable[[Rep], None],
) -> None:
    if report.empty:
        common.say(empty)
    if json:
        common.print_json(report.as_dict())
    elif csv:
        print_csv(*csv_rows(report))
    elif not report.empty:
        table(report)


def _money(value: Decimal | None) -> str:
    from salesflow.pipeline.money import format_money

    return "" if value is None else format_money(value)


def _source(name: str | None) -> str:
    return NONE_LABEL if name is None else name


def _gap() -> None:
    """A blank line between two tables on stdout."""
    sys.stdout.write("\n")


# --- pipeline ----------------------------------------------------------------------------------


def bar_cells(value: Decimal | int, largest: Decimal | int, width: int = BAR_WIDTH) -> int:
    """Cells of a bar for `value` when `largest` fills `width`; a non-zero value shows at least
    one cell."""
    from decimal import ROUND_HALF_UP, Decimal

    if largest <= 0 or value <= 0:
        return 0
    cells = int((Decimal(value) * width / Decimal(largest)).to_integral_value(ROUND_HALF_UP))
    return max(cells, 1)


def pipeline_chart(report: PipelineReport, width: int = BAR_WIDTH) -> Table:
    """The pipeline as a rich table with a horizontal bar per stage, sized by estimated revenue."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    largest = max(row.estimated for row in report.stages)
    table = Table(
        title="Pipeline: open opportunities by stage",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        show_footer=True,
    )
    table.add_column("Stage", footer="total", no_wrap=True)
    table.add_column("Count", justify="right", footer=str(report.total.count), no_wrap=True)
    for name, total in (("Estimated", report.total.estimated), ("Weighted", report.total.weighted)):
        table.add_column(name, justify="right", footer=_money(total), no_wrap=True)
    table.add_column("", no_wrap=True)
    for row in report.stages:
        bar = Text("█" * bar_cells(row.estimated, largest, width), style="cyan")
        table.add_row(row.stage, str(row.count), _money(row.estimated), _money(row.weighted), bar)
    return table


def _bar_room(report: PipelineReport, width: int) -> int:
    """The bars' width on a terminal `width` wide: what the four columns leave, at most
    BAR_WIDTH (the figures are never squeezed for a bar)."""
    rows = [
        (r.stage, str(r.count), _money(r.estimated), _money(r.weighted))
        for r in (*report.stages, report.total)
    ]
    headers = ("Stage", "Count", "Estimated", "Weighted")
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    return max(1, min(BAR_WIDTH, width - sum(widths) - 3 * len(widths)))


def _pipeline_table(report: PipelineReport) -> None:
    from salesflow.cli import screen

    if screen.is_terminal():
        out = screen.console()
        out.print(pipeline_chart(report, _bar_room(report, out.width)))
        return
    rows = [
        [r.stage, r.count, _money(r.estimated), _money(r.weighted)]
        for r in (*report.stages, report.total)
    ]
    common.print_table(
        ["Stage", "Count", "Estimated", "Weighted"],
        rows,
        title="Pipeline: open opportunities by stage",
        numeric=["Count", "Estimated", "Weighted"],
    )


def _pipeline_csv(report: PipelineReport) -> Rows:
    header = ["stage", "count", "estimated_revenue", "weighted_revenue"]
    return header, [list(r.as_dict().values()) for r in (*report.stages, report.total)]


@app.command("pipeline")
def pipeline(
    start: Annotated[str | None, _from("opportunities created")] = None,
    end: Annotated[str | None, _to("opportunities created")] = None,
    source: Source = None,
    mine: owners.MineOpt = False,
    owner: owners.OwnerOpt = None,
    json: Json = False,
    csv: Csv = False,
) -> None:
    """Open opportunities by stage: count, estimated and weighted revenue, with totals.

    All four stages are shown, in order, even when empty; a terminal also gets a bar per stage
    sized by estimated revenue. --from/--to filter on the opportunity's creation date.

    Example: salesflow report pipeline --source "Beurs 2026"
    """
    from salesflow.services import reports

    _check_output(json, csv)
    filters = _filters(start, end, source, owners.owner_filter(mine, owner))
    with common.reading() as uow:
        report = reports.pipeline(uow, filters)
    _emit(
        report,
        json=json,
        csv=csv,
        empty="No open opportunities.",
        csv_rows=_pipeline_csv,
        table=_pipeline_table,
    )


# --- forecast ----------------------------------------------------------------------------------

_FORECAST_COLUMNS = ["Period", "Open", "Estimated", "Weighted", "Overdue", "Won", "Won revenue"]


def _forecast_table(report: ForecastReport) -> None:
    rows = [
        [
            r.period,
            r.count,
            _money(r.estimated),
            _money(r.weighted),
            len(r.overdue) or "",
            r.won_count,
            _money(r.won_revenue),
        ]
        for r in (*report.rows, report.total)
    ]
    common.print_table(
        _FORECAST_COLUMNS,
        rows,
        title=f"Forecast {report.first_month} to {report.last_month} (today {report.today})",
        numeric=_FORECAST_COLUMNS[1:],
    )
    if report.total.overdue:
        common.say(f"Overdue close dates: {', '.join(report.total.overdue)}")


def _forecast_csv(report: ForecastReport) -> Rows:
    header = [
        "period",
        "count",
        "estimated_revenue",
        "weighted_revenue",
        "overdue_count",
        "won_count",
        "won_revenue",
    ]
    rows = []
    for row in (*report.rows, report.total):
        data = row.as_dict()
        rows.append([data[name] for name in header])
    return header, rows


@app.command("forecast")
def forecast(
    months: Annotated[
        int,
        typer.Option("--months", min=1, max=120, help="How many months to show."),
    ] = 6,
    start: Annotated[
        str | None,
        typer.Option("--from", help="First month shown: this date's month (default: this month)."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="Last month shown: this date's month (instead of --months)."),
    ] = None,
    source: Source = None,
    mine: owners.MineOpt = False,
    owner: owners.OwnerOpt = None,
    json: Json = False,
    csv: Csv = False,
) -> None:
    """Open deals by month of estimated close date, and revenue won in each month.

    Months start at the current month (or --from's) and run --months months (or to --to's
    month): --from/--to choose months by estimated close date, not creation. Open deals closing
    before the first month are in "earlier", after the last in "later", without a close date in
    "no date"; an open deal whose close date has passed is overdue (JSON: "overdue" numbers).
    Won revenue is the actual revenue of deals won (closed) in the month.

    Example: salesflow report forecast --months 3 --json | jq .total.weighted_revenue
    """
    from salesflow.services import reports

    _check_output(json, csv)
    filters = _filters(start, end, source, owners.owner_filter(mine, owner))
    with common.reading() as uow:
        report = reports.forecast(uow, filters, months=months, today=common.today())
    _emit(
        report,
        json=json,
        csv=csv,
        empty="No open or won opportunities in the forecast.",
        csv_rows=_forecast_csv,
        table=_forecast_table,
    )


# --- funnel ------------------------------------------------------------------------------------

_SOURCE_COUNTS = ["created", "qualified", "quoted", "won", "invoiced", "paid"]


def _funnel_table(report: FunnelReport) -> None:
    from salesflow.pipeline.reports import percent_text

    if report.sources is None:
        common.print_table(
            ["Step", "Leads", "From previous", "Overall"],
            [
                [
                    s.step,
                    s.count,
                    percent_text(s.from_previous) if i else "",
                    percent_text(s.overall),
                ]
                for i, s in enumerate(report.total.steps)
            ],
            title="Funnel: leads by the furthest step reached",
            numeric=["Leads", "From previous", "Overall"],
        )
    else:
        columns = [
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
        ]
        common.print_table(
            columns,
            [
                [
                    label,
                    *(funnel.count(step) for step in _SOURCE_COUNTS),
                    percent_text(funnel.steps[3].overall),
                    _money(funnel.won_revenue),
                    _money(funnel.paid_revenue),
                ]
                for label, funnel in [
                    *((_source(f.source), f) for f in report.sources),
                    ("total", report.total),
                ]
            ],
            title="Funnel by source",
            numeric=columns[1:],
        )
    disqualified = [(reason, count) for reason, count in report.total.disqualified if count]
    if disqualified:
        _gap()
        common.print_table(
            ["Disqualified", "Leads"],
            disqualified,
            title="Disqualified leads by reason",
            numeric=["Leads"],
        )
    if report.sources is None:
        _gap()
        common.print_fields(
            [
                ("Won revenue", _money(report.total.won_revenue)),
                ("Paid revenue", _money(report.total.paid_revenue)),
            ]
        )


def _funnel_csv(report: FunnelReport) -> Rows:
    if report.sources is None:
        header = ["step", "count", "from_previous", "overall"]
        return header, [list(s.as_dict().values()) for s in report.total.steps]
    header = ["source", *_SOURCE_COUNTS, "won_rate", "won_revenue", "paid_revenue"]
    rows = []
    for label, funnel in [*((f.source, f) for f in report.sources), ("total", report.total)]:
        data = funnel.as_dict()
        rows.append(
            [
                label,
                *(funnel.count(step) for step in _SOURCE_COUNTS),
                data["steps"][3]["overall"],
                data["won_revenue"],
                data["paid_revenue"],
            ]
        )
    return header, rows


@app.command("funnel")
def funnel(
    by_source: Annotated[
        bool,
        typer.Option("--by-source", help="One funnel per lead source, with its revenue."),
    ] = False,
    start: Annotated[str | None, _from("leads created")] = None,
    end: Annotated[str | None, _to("leads created")] = None,
    source: Source = None,
    mine: owners.MineOpt = False,
    owner: owners.OwnerOpt = None,
    json: Json = False,
    csv: Csv = False,
) -> None:
    """Leads created -> qualified -> quoted -> won -> invoiced -> paid, with conversion rates.

    Each lead counts once, at every step up to the furthest its deal reached (a deal won
    without a quote still counts as quoted), so counts never grow down the funnel. Rates: from
    the previous step and overall (from leads created). Also disqualified leads by reason, won
    revenue (actual revenue) and paid revenue (totals of paid invoices). --by-source answers
    "was that trade show worth it?". --from/--to filter on the lead's creation date.

    Example: salesflow report funnel --by-source --from 2026-01-01
    """
    from salesflow.services import reports

    _check_output(json, csv)
    filters = _filters(start, end, source, owners.owner_filter(mine, owner))
    with common.reading() as uow:
        report = reports.funnel(uow, filters, by_source=by_source)
    _emit(
        report,
        json=json,
        csv=csv,
        empty="No leads.",
        csv_rows=_funnel_csv,
        table=_funnel_table,
    )


# --- win rate ----------------------------------------------------------------------------------

_WIN_COLUMNS = ["Won", "Lost", "Win rate", "Won revenue", "Avg deal", "Avg days"]


def _win_cells(row: WinRow) -> list[object]:
    from salesflow.pipeline.reports import percent_text

    return [
        row.won,
        row.lost,
        percent_text(row.win_rate),
        _money(row.won_revenue),
        _money(row.average_deal) or "-",
        "-" if row.average_days is None else row.average_days,
    ]


def _win_rate_table(report: WinRateReport) -> None:
    common.print_table(
        ["Month", *_WIN_COLUMNS],
        [
            *([r.key, *_win_cells(r)] for r in report.by_month),
            ["total", *_win_cells(report.total)],
        ],
        title="Win rate by month closed",
        numeric=_WIN_COLUMNS,
    )
    _gap()
    common.print_table(
        ["Source", *_WIN_COLUMNS],
        [
            *([_source(r.key), *_win_cells(r)] for r in report.by_source),
            ["total", *_win_cells(report.total)],
        ],
        title="Win rate by source",
        numeric=_WIN_COLUMNS,
    )


def _win_rate_csv(report: WinRateReport) -> Rows:
    header = [
        "by",
        "key",
        "won",
        "lost",
        "win_rate",
        "won_revenue",
        "average_deal_size",
        "average_days_to_win",
    ]
    rows = [
        [by, *row.as_dict("key").values()]
        for by, rows in (
            ("month", report.by_month),
            ("source", report.by_source),
            ("total", [report.total]),
        )
        for row in rows
    ]
    rows[-1][1] = None
    return header, rows


@app.command("win-rate")
def win_rate(
    start: Annotated[str | None, _from("opportunities created")] = None,
    end: Annotated[str | None, _to("opportunities created")] = None,
    source: Source = None,
    mine: owners.MineOpt = False,
    owner: owners.OwnerOpt = None,
    json: Json = False,
    csv: Csv = False,
) -> None:
    """Won / (won + lost) by month closed and by source, with average deal size and days to win.

    Average deal size is the mean actual revenue of won deals; days to win run from the lead's
    creation (the opportunity's own without a lead) to the win. --from/--to filter on the
    opportunity's creation date.

    Example: salesflow report win-rate --csv > win-rate.csv
    """
    from salesflow.services import reports

    _check_output(json, csv)
    filters = _filters(start, end, source, owners.owner_filter(mine, owner))
    with common.reading() as uow:
        report = reports.win_rate(uow, filters)
    _emit(
        report,
        json=json,
        csv=csv,
        empty="No won or lost opportunities.",
        csv_rows=_win_rate_csv,
        table=_win_rate_table,
    )


# --- receivables -------------------------------------------------------------------------------


def _receivables_table(report: ReceivablesReport) -> None:
    from salesflow.pipeline.reports import BUCKET_LABELS

    columns = ["Account", "Name", "Invoices", *BUCKET_LABELS, "Total"]
    rows = [
        [r.account, r.name, r.invoices, *(_money(b) for b in r.buckets), _money(r.total)]
        for r in report.accounts
    ]
    total = report.total
    rows.append(
        ["total", "", total.invoices, *(_money(b) for b in total.buckets), _money(total.total)]
    )
    common.print_table(
        columns, rows, title=f"Receivables as of {report.as_of}", numeric=columns[2:]
    )


def _receivables_csv(report: ReceivablesReport) -> Rows:
    from salesflow.pipeline.reports import BUCKETS

    header = ["account", "name", "invoices", *BUCKETS, "total"]
    rows = [list(r.as_dict().values()) for r in report.accounts]
    rows.append(["total", None, *list(report.total.as_dict().values())[2:]])
    return header, rows


@app.command("receivables")
def receivables(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Age balances as of this date (default: today)."),
    ] = None,
    start: FromInvoiced = None,
    end: ToInvoiced = None,
    source: Source = None,
    mine: owners.MineOpt = False,
    owner: owners.OwnerOpt = None,
    json: Json = False,
    csv: Csv = False,
) -> None:
    """Unpaid and partially paid invoices aged by days past due, per account, with totals.

    Buckets: not due, 1-30, 31-60, 61-90, 90+ days past the due date on the as-of date; they
    add up to the total outstanding. Balances are as of that date (later payments do not count
    yet). --from/--to filter on the invoice date; --json also lists the invoices.

    Example: salesflow report receivables --as-of 2026-12-31 --json | jq .total.days_over_90
    """
    from salesflow.pipeline.fields import parse_date
    from salesflow.services import reports

    _check_output(json, csv)
    filters = _filters(start, end, source, owners.owner_filter(mine, owner))
    today = common.today()
    day = parse_date(as_of, "--as-of") if as_of is not None else None
    with common.reading() as uow:
        report = reports.receivables(uow, filters, as_of=day, today=today)
    _emit(
        report,
        json=json,
        csv=csv,
        empty="No unpaid invoices.",
        csv_rows=_receivables_csv,
        table=_receivables_table,
    )


# --- sales -------------------------------------------------------------------------------------


def _sales_table(report: SalesReport) -> None:
    columns = ["Month", "Invoices", "Invoiced", "Paid", "Outstanding"]
    common.print_table(
        columns,
        [
            [r.month, r.invoices, _money(r.invoiced), _money(r.paid), _money(r.outstanding)]
            for r in (*report.months, report.total)
        ],
        title="Sales by month",
        numeric=columns[1:],
    )


def _sales_csv(report: SalesReport) -> Rows:
    header = ["month", "invoices", "invoiced", "paid", "outstanding"]
    return header, [list(r.as_dict().values()) for r in (*report.months, report.total)]


@app.command("sales")
def sales(
    start: Annotated[str | None, _from("invoices and payments dated")] = None,
    end: Annotated[str | None, _to("invoices and payments dated")] = None,
    source: Source = None,
    mine: owners.MineOpt = False,
    owner: owners.OwnerOpt = None,
    json: Json = False,
    csv: Csv = False,
) -> None:
    """Invoiced, paid and outstanding per month.

    Invoiced: totals of the month's invoices (invoice date; cancelled ones left out). Paid:
    payments made in the month (payment date), whichever month the invoice is from.
    Outstanding: what the month's invoices still owe today. --from/--to filter invoices by
    invoice date and payments by payment date.

    Example: salesflow report sales --from 2026-01-01 --to 2026-12-31
    """
    from salesflow.services import reports

    _check_output(json, csv)
    filters = _filters(start, end, source, owners.owner_filter(mine, owner))
    with common.reading() as uow:
        report = reports.sales(uow, filters, today=common.today())
    _emit(
        report,
        json=json,
        csv=csv,
        empty="No invoices or payments.",
        csv_rows=_sales_csv,
        table=_sales_table,
    )


# --- activity ----------------------------------------------------------------------------------


def _activity_table(report: ActivityReport) -> None:
    from salesflow.pipeline.reports.activities import COUNTED

    columns = [
        "Week" if report.by == "week" else "Month",
        *(k.value.capitalize() + "s" for k in COUNTED),
        "Total",
    ]
    common.print_table(
        columns,
        [[r.period, *r.counts, r.total] for r in (*report.periods, report.total)],
        title=f"Activities done by {report.by}",
        numeric=columns[1:],
    )


def _activity_csv(report: ActivityReport) -> Rows:
    rows = [list(r.as_dict().values()) for r in (*report.periods, report.total)]
    return list(report.total.as_dict()), rows


@app.command("activity")
def activity(
    by: Annotated[str, typer.Option("--by", help="week or month.")] = "month",
    start: Annotated[str | None, _from("activities done")] = None,
    end: Annotated[str | None, _to("activities done")] = None,
    mine: owners.MineOpt = False,
    owner: owners.OwnerOpt = None,
    json: Json = False,
    csv: Csv = False,
) -> None:
    """Calls, meetings, tasks and emails done, per week or month and per kind.

    Counted on the day each was done; notes, open and canceled activities are left out.

    Example: salesflow report activity --by week --from 2026-10-01
    """
    from salesflow.services import reports

    _check_output(json, csv)
    filters = _filters(start, end, None, owners.owner_filter(mine, owner))
    with common.reading() as uow:
        report = reports.activity(uow, filters, by=by)
    _emit(
        report,
        json=json,
        csv=csv,
        empty="No activities done.",
        csv_rows=_activity_csv,
        table=_activity_table,
    )
