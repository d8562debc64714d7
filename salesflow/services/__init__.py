"""Use cases: each loads what it needs from an open store session, calls the pure pipeline, and
puts what changed back into the session. The CLI parses, calls one service and renders;
the session's unit of work writes the file (or nothing, when a service raises).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesflow.pipeline.numbering import Numbers, format_number

if TYPE_CHECKING:
    from salesflow.pipeline.settings import Settings
    from salesflow.store.contract import UnitOfWork


def allocator(session: UnitOfWork) -> Numbers:
    """The next number of a series, reserved in the session's counters."""

    def allocate(series: str) -> str:
        return format_number(series, session.next_numbers(series)[0])

    return allocate


def settings(uow: UnitOfWork) -> Settings:
    """The seller's settings with their defaults filled in."""
    from salesflow.pipeline.settings import Settings

    return Settings(uow.config())
