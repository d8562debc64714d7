"""The activity report: calls, meetings, tasks and emails done, per period and per kind."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from salesflow.errors import InvalidValue
from salesflow.models import Activity, ActivityKind, ActivityStatus
from salesflow.pipeline.reports.base import Filters, month_key

COUNTED = (ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.TASK, ActivityKind.EMAIL)
"""Work done; notes are what was said, not work, and are left out."""
PERIODS = ("week", "month")


def week_key(day: date) -> str:
    """The ISO week of a day: `2026-W48` (weeks start on Monday; 1 January may be in the last
    week of the year before)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class ActivityRow:
    period: str
    counts: tuple[int, ...]  # in COUNTED order

    @property
    def total(self) -> int:
        return sum(self.counts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            **{kind.value: count for kind, count in zip(COUNTED, self.counts, strict=True)},
            "total": self.total,
        }


@dataclass(frozen=True)
class ActivityReport:
    filters: Filters
    by: str
    periods: tuple[ActivityRow, ...]
    total: ActivityRow

    @property
    def empty(self) -> bool:
        return not self.periods

    def as_dict(self) -> dict[str, Any]:
        totals = self.total.as_dict()
        del totals["period"]
        return {
            "filters": self.filters.as_dict(),
            "by": self.by,
            "periods": [row.as_dict() for row in self.periods],
            "total": totals,
        }


def activity_report(
    activities: Iterable[Activity], *, by: str = "month", filters: Filters = Filters()
) -> ActivityReport:
    """Calls, meetings, tasks and emails done per period (`week` or `month` of the day they were
    done), periods in order; `--from/--to` choose by that day. Open and canceled activities and
    notes are not counted. InvalidValue for another period."""
    period = by.strip().lower()
    if period not in PERIODS:
        raise InvalidValue(f"--by {by!r} is not one of: {', '.join(PERIODS)}")
    key = week_key if period == "week" else month_key
    counts: dict[str, list[int]] = {}
    for activity in activities:
        done = activity.completed_on
        if (
            activity.status is not ActivityStatus.DONE
            or activity.kind not in COUNTED
            or done is None
            or not filters.covers(done)
            or not filters.owns(activity)
        ):
            continue
        row = counts.setdefault(key(done), [0] * len(COUNTED))
        row[COUNTED.index(activity.kind)] += 1
    rows = tuple(ActivityRow(p, tuple(counts[p])) for p in sorted(counts))
    total = ActivityRow("total", tuple(sum(r.counts[i] for r in rows) for i in range(len(COUNTED))))
    return ActivityReport(filters, period, rows, total)
