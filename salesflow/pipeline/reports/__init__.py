"""Reports: pipeline, forecast, funnel, win rate, receivables and sales, as exact Decimal figures.

Pure: every function takes the records (already loaded by the shell), `today` or an as-of date
and the filters, and returns a small frozen result whose `as_dict()` is the report's JSON.

Conventions shared by every report:
- Money figures are exact sums of cent amounts; JSON shows them as strings with two decimals.
- Rates are fractions rounded half-up to four decimals (`0.6667`; JSON string, `null` when
  nothing to divide by); tables show them as percentages with one decimal (`66.7%`).
- `--from/--to` are inclusive dates. They filter on the creation date (lead, opportunity, invoice
  date) except in `forecast`, where they choose the months, and `receivables`, where they choose
  invoices by invoice date and the aging is as of a date.
- `--source` compares sources ignoring case and surrounding space; invoices take the source of
  their opportunity.
"""

from salesflow.pipeline.reports.base import (
    Filters,
    balance_as_of,
    paid_as_of,
    percent_text,
    rate,
    rate_text,
    source_key,
)
from salesflow.pipeline.reports.funnel import (
    DISQUALIFY_REASONS,
    STEPS,
    Funnel,
    FunnelReport,
    FunnelStep,
    funnel_report,
)
from salesflow.pipeline.reports.invoices import (
    BUCKET_LABELS,
    BUCKETS,
    AgingRow,
    Receivable,
    ReceivablesReport,
    SalesReport,
    SalesRow,
    bucket_of,
    receivables_report,
    sales_report,
)
from salesflow.pipeline.reports.opportunities import (
    ForecastReport,
    ForecastRow,
    PipelineReport,
    StageRow,
    WinRateReport,
    WinRow,
    forecast_report,
    pipeline_report,
    win_rate_report,
)

__all__ = [
    "BUCKETS",
    "BUCKET_LABELS",
    "DISQUALIFY_REASONS",
    "STEPS",
    "AgingRow",
    "Filters",
    "ForecastReport",
    "ForecastRow",
    "Funnel",
    "FunnelReport",
    "FunnelStep",
    "PipelineReport",
    "Receivable",
    "ReceivablesReport",
    "SalesReport",
    "SalesRow",
    "StageRow",
    "WinRateReport",
    "WinRow",
    "balance_as_of",
    "bucket_of",
    "forecast_report",
    "funnel_report",
    "paid_as_of",
    "percent_text",
    "pipeline_report",
    "rate",
    "rate_text",
    "receivables_report",
    "sales_report",
    "source_key",
    "win_rate_report",
]
