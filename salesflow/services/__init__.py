"""Use cases: each loads what it needs from an open unit of work (`store.contract.UnitOfWork`),
calls the pure pipeline, and puts what changed back into it. The CLI parses, calls one service
and renders; the unit of work writes (or nothing, when a service raises).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesflow.pipeline.numbering import Numbers, format_number

if TYPE_CHECKING:
    from salesflow.store.contract import UnitOfWork


def allocator(uow: UnitOfWork) -> Numbers:
    """The next number of a series, reserved in the unit of work's counters."""

    def allocate(series: str) -> str:
        return format_number(series, uow.next_numbers(series)[0])

    return allocate
