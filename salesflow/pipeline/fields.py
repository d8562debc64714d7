"""Small rules shared by every record type: field checks, dates, and history events."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from salesflow.errors import InvalidValue, NotFound, Refused
from salesflow.models import Event
from salesflow.pipeline.matching import is_email
from salesflow.pipeline.money import HUNDRED, D


def clean(value: str | None) -> str | None:
    """Surrounding space stripped; empty text is no value."""
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


def check_email(value: str | None, who: str) -> str | None:
    """A trimmed email, or InvalidValue naming `who` and the value."""
    email = clean(value)
    if email is not None and not is_email(email):
        raise InvalidValue(f"{who}: email {email!r} is not a valid email address (name@domain.tld)")
    return email


def choice(value: str, allowed: tuple[str, ...] | list[str], what: str) -> str:
    """`value` if it is one of `allowed` (any case; `cancelled` is taken for `canceled`, the one
    spelling salesflow stores), else an InvalidValue listing them."""
    normalized = value.strip().lower()
    if normalized == "cancelled" and "canceled" in allowed:
        normalized = "canceled"
    if normalized not in allowed:
        raise InvalidValue(f"{what} {value!r} is not one of: {', '.join(allowed)}")
    return normalized


def parse_date(text: str, what: str) -> date:
    """An ISO `YYYY-MM-DD` date typed by the user."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidValue(f"{what} {text!r} is not a date; use YYYY-MM-DD") from None


def add_days(day: date, days: int, what: str, hint: str = "") -> date:
    """`day` moved by `days`; InvalidValue naming `what` when that leaves the calendar Python
    dates hold (0001-01-01 to 9999-12-31), as `$SALESFLOW_TODAY=9999-12-15` + 30 days would."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        if days >= 0:
            where = f"+ {days} days is after {date.max.isoformat()}, the last"
        else:
            where = f"− {-days} days is before {date.min.isoformat()}, the first"
        raise InvalidValue(
            f"{what} {day.isoformat()} {where} date salesflow can hold{hint}"
        ) from None


def parse_rate(text: str | Decimal, what: str) -> Decimal:
    """A percentage from 0 to 100 (`21` means 21 %)."""
    try:
        rate = D(text.strip().rstrip("%") if isinstance(text, str) else text)
    except (ValueError, TypeError):
        raise InvalidValue(f"{what} {text!r} is not a number") from None
    if rate < 0 or rate > HUNDRED:
        raise InvalidValue(f"{what} {text!r} is out of range; it must be from 0 to 100")
    return rate


def parse_percentage(text: str | int, what: str) -> int:
    """A whole percentage from 0 to 100 (probabilities)."""
    try:
        value = int(str(text).strip().rstrip("%"))
    except ValueError:
        raise InvalidValue(f"{what} {text!r} is not a whole number") from None
    if not 0 <= value <= 100:
        raise InvalidValue(f"{what} {text!r} is out of range; it must be from 0 to 100")
    return value


def event(
    now: datetime,
    number: str,
    kind: str,
    from_state: str | None = None,
    to_state: str | None = None,
    **details: Any,
) -> Event:
    """A history entry; details keep only values that say something."""
    kept = {k: _plain(v) for k, v in details.items() if v is not None and v != ""}
    return Event(
        at=now, number=number, kind=kind, from_state=from_state, to_state=to_state, details=kept
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def match_name(noun: str, typed: str, named: Iterable[tuple[str, str]]) -> str:
    """The number of the one record whose name is `typed` (ignoring case and surrounding space),
    else of the one whose name contains it; `named` holds (number, name) pairs.

    Raises NotFound when no name fits and Refused listing the candidates when several do.
    """
    wanted = " ".join(typed.split()).casefold()
    pairs = list(named)
    exact = [(n, name) for n, name in pairs if " ".join(name.split()).casefold() == wanted]
    found = exact or [(n, name) for n, name in pairs if wanted and wanted in name.casefold()]
    if len(found) == 1:
        return found[0][0]
    if not found:
        raise NotFound(f"{noun} {typed} not found (no number or name like it)")
    shown = ", ".join(f"{n} {name}" for n, name in sorted(found)[:10])
    more = f" and {len(found) - 10} more" if len(found) > 10 else ""
    raise Refused(f"{noun} {typed!r} could be {shown}{more}; give the number")
