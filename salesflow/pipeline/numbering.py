"""Business numbers: `L-0007`, `QUO-0012`, `INV-2026-0003`; widened past 9999, never reused."""

from __future__ import annotations

from collections.abc import Callable

# Allocates the next number of a series (e.g. "L", "INV-2026") and returns it formatted.
Numbers = Callable[[str], str]


def format_number(series: str, value: int) -> str:
    return f"{series}-{value:04d}"


def invoice_series(year: int) -> str:
    return f"INV-{year}"


def credit_note_series(year: int) -> str:
    return f"CN-{year}"


def normalize(number: str) -> str:
    """Numbers are accepted in any case and with surrounding space."""
    return number.strip().upper()
