"""Human views shared by opportunities, quotes, orders and invoices: lines and totals, and an
invoice's JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesflow.cli import common

if TYPE_CHECKING:
    from salesflow.models import CreditNote, Invoice, Opportunity, Order, Quote

    Lined = Opportunity | Quote | Order | Invoice | CreditNote
    """A record with lines and totals."""


def _plain(value: Any) -> str:
    return f"{value.normalize():f}"


def print_lines(record: Lined) -> None:
    """The lines of a record as a table (stdout)."""
    from salesflow.pipeline.money import format_money, format_price

    if not record.lines:
        common.say(f"{record.number} has no lines.")
        return
    header_discount = any(line.header_discount for line in record.lines)
    columns = ["#", "SKU", "Description", "Qty", "Unit price", "Discount"]
    if header_discount:
        columns.append("Header disc.")
    columns += ["Amount", "Tax %", "Tax", "Total"]
    rows = []
    for line in record.lines:
        discount = format_money(line.discount) if line.discount else ""
        if line.discount_percent is not None and line.discount:
            discount = f"{discount} ({_plain(line.discount_percent)}%)"
        row = [
            line.line_no,
            line.sku or "(write-in)",
            line.description,
            _plain(line.quantity) + (f" {line.unit}" if line.unit else ""),
            format_price(line.unit_price),
            discount,
        ]
        if header_discount:
            row.append(format_money(line.header_discount) if line.header_discount else "")
        row += [
            format_money(line.amount),
            _plain(line.tax_rate),
            format_money(line.tax),
            format_money(line.total),
        ]
        rows.append(row)
    common.print_table(
        columns,
        rows,
        numeric=[
            "#",
            "Qty",
            "Unit price",
            "Discount",
            "Header disc.",
            "Amount",
            "Tax %",
            "Tax",
            "Total",
        ],
    )


def totals_pairs(record: Lined) -> list[tuple[str, Any]]:
    from salesflow.pipeline.money import format_money

    currency = getattr(record, "currency", "")
    pairs: list[tuple[str, Any]] = []
    discount = getattr(record, "discount", None)
    if discount:
        pairs.append(("Discount", format_money(discount)))
    pairs += [
        ("Subtotal", f"{format_money(record.subtotal)} {currency}"),
        ("Tax", f"{format_money(record.tax)} {currency}"),
        ("Total", f"{format_money(record.total)} {currency}"),
    ]
    return pairs


def invoice_json(invoice: Invoice) -> dict[str, Any]:
    """An invoice's JSON with the derived `overdue` (as of today)."""
    from salesflow.pipeline.invoices import is_overdue

    data = common.dump(invoice)
    data["overdue"] = is_overdue(invoice, common.today())
    return data
