"""Ownership: who owns a record, who a new record belongs to, and assigning it to someone else.

As in Dynamics 365 and Odoo every record a seller works has an owner, a seller's name. A record
made by a command belongs to the seller who ran it; a record made from another one (the
opportunity, contact and account a lead is qualified into, the order a quote is accepted into,
the invoice of an order, a credit note on an invoice) belongs to that record's owner, so the deal
stays with its seller whoever clicks the button. Records made before salesflow knew owners have
none (`None`); a record made from one of those belongs to the seller who made it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from salesflow.errors import InvalidValue
from salesflow.models import Event, Record
from salesflow.pipeline.fields import clean, event

R = TypeVar("R", bound=Record)

NAME_LENGTH = 100
"""The longest seller name taken (a person's name or a login, not a text)."""


def inherited(source: Record | None, seller: str | None) -> str | None:
    """The owner of a record made from `source`: `source`'s owner, else the seller who made it."""
    owner: str | None = getattr(source, "owner", None)
    return owner or seller


def seller_name(text: str | None, what: str = "owner") -> str:
    """A seller's name as typed (`--to`, `--owner`): trimmed, not empty, one line.

    Raises InvalidValue naming `what` and the value."""
    name = clean(text)
    if name is None:
        raise InvalidValue(f"{what} {text!r} is empty; give a seller's name")
    if len(name) > NAME_LENGTH or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise InvalidValue(
            f"{what} {name!r} is not a seller's name (one line of at most {NAME_LENGTH} characters)"
        )
    return name


def is_owner(record: Record, name: str) -> bool:
    """Whether `name` owns `record` (any case, as `--owner` matches)."""
    owner: str | None = getattr(record, "owner", None)
    return owner is not None and owner.casefold() == name.casefold()


def assign(record: R, to: str, *, now: datetime) -> tuple[R, Event | None]:
    """`record` owned by `to`, with an `assigned` event naming the owner before and after.

    Assigning a record to its owner changes nothing (no event). Raises InvalidValue for a name
    that is empty or not one line."""
    name = seller_name(to, "--to")
    before: str | None = getattr(record, "owner", None)
    if before == name:
        return record, None
    number: str = getattr(record, "number")  # noqa: B009  # every owned record has one
    changed = record.model_copy(update={"owner": name})
    return changed, event(now, number, "assigned", before, name)
