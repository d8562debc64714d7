"""Business numbers: `L-0007`, `QUO-0012`, `INV-2026-0003`; widened past 9999, never reused."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from salesflow.errors import NotFound, Refused

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


def full_number(prefix: str, typed: str, keys: Iterable[str], year: int | None) -> str:
    """The number meant by `typed` where the type is known: digits alone are short for the
    prefix's number (`2` is `L-0002`); other text comes back as it was typed.

    An invoice's sequence restarts each year, so `7` is `INV-<year>-0007` only when that is the
    one invoice with sequence 7 among `keys` (upper-case numbers); otherwise Refused lists them.
    """
    text = typed.strip()
    if not prefix or not text.isdigit():
        return typed
    sequence = int(text)
    if prefix != "INV":
        return format_number(prefix, sequence)
    current = format_number(invoice_series(year), sequence) if year is not None else None
    candidates = sorted(
        key
        for key in keys
        if key.startswith("INV-")
        and key.rpartition("-")[2].isdigit()
        and int(key.rpartition("-")[2]) == sequence
    )
    if current is not None and candidates in ([current], []):
        return current
    if not candidates:
        raise NotFound(f"invoice {text} not found; type the whole number, e.g. INV-YYYY-{text:0>4}")
    raise Refused(f"invoice {text} could be {' or '.join(candidates)}; type the whole number")
