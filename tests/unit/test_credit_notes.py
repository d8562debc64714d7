"""Credit notes: lines or an amount credited on an invoice, lowering its balance."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.errors import InvalidValue, Refused, UsageError
from salesflow.models import Invoice, InvoiceStatus, Payment
from salesflow.pipeline.invoices import cancel_invoice, credit_invoice, pay_invoice
from salesflow.pipeline.lines import make_line
from tests import factories

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def invoice(**overrides: Any) -> Invoice:
    """INV-2026-0001 of today, on no contact: printed line 1 is 2 x Alpha (100.00), line 2 is
    1 x Beta (50.00), both at 21 % (their stored numbers are 4 and 7)."""
    lines = [
        factories.line(4, "2", "100", description="Alpha"),
        factories.line(7, "1", "50", description="Beta"),
    ]
    return factories.make_invoice(
        **{"invoice_date": TODAY, "contact": None, "lines": lines, **overrides}
    )


def credit(target: Invoice, **options: Any) -> Any:
    return credit_invoice(target, number="CN-2026-0001", today=TODAY, now=NOW, **options)


def test_crediting_printed_line_2_copies_it_and_lowers_the_balance_by_its_total() -> None:
    done = credit(invoice(), lines="2", reason="Returned damaged")

    note = done.credit_note
    assert [(line.line_no, line.description) for line in note.lines] == [(1, "Beta")]
    assert note.total == Decimal("60.50")
    assert note.invoice == "INV-2026-0001"
    assert note.reason == "Returned damaged"
    assert done.invoice.credited == Decimal("60.50")
    assert done.invoice.credit_notes == ["CN-2026-0001"]
    assert done.invoice.balance == Decimal("242.00")
    assert done.invoice.status is InvoiceStatus.UNPAID
    assert [e.kind for e in done.events] == ["created", "credited"]


def test_an_amount_is_credited_excluding_vat_at_the_invoices_rate() -> None:
    done = credit(invoice(), amount="100")

    assert done.credit_note.subtotal == Decimal("100.00")
    assert done.credit_note.tax == Decimal("21.00")
    assert done.invoice.balance == Decimal("302.50") - Decimal("121.00")
    assert done.credit_note.lines[0].description == "Credit on INV-2026-0001"


def test_crediting_every_line_settles_an_unpaid_invoice() -> None:
    done = credit(invoice())

    assert done.invoice.balance == Decimal("0.00")
    assert done.invoice.status is InvoiceStatus.PAID
    assert done.events[1].to_state == InvoiceStatus.PAID


def test_a_partly_paid_invoice_can_be_credited_up_to_its_balance() -> None:
    paid, _ = pay_invoice(invoice(), amount="242.00", paid_on=TODAY, now=NOW)

    done = credit(paid, lines="2")

    assert done.invoice.balance == Decimal("0.00")
    assert done.invoice.status is InvoiceStatus.PAID
    with pytest.raises(InvalidValue) as raised:
        credit(paid, lines="1")
    assert str(raised.value) == (
        "invoice INV-2026-0001: credit 242.00 is more than the balance 60.50"
    )


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (
            InvoiceStatus.CANCELED,
            "invoice INV-2026-0001 is canceled; only unpaid or "
            "partially-paid invoices can be credited",
        ),
    ],
)
def test_a_canceled_invoice_cannot_be_credited(status: InvoiceStatus, message: str) -> None:
    with pytest.raises(Refused) as raised:
        credit(invoice(status=status))

    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        (
            {"amount": "1", "lines": "1"},
            UsageError,
            "give the credit as --amount A or --lines 1,2 (one of them)",
        ),
        (
            {"lines": "3"},
            InvalidValue,
            "invoice INV-2026-0001: has no line 3; its lines are 1 to 2",
        ),
        ({"lines": "1,1"}, InvalidValue, "invoice INV-2026-0001: line 1 is given twice"),
        ({"lines": "x"}, InvalidValue, "invoice INV-2026-0001: line 'x' is not a line position"),
        (
            {"amount": "0"},
            InvalidValue,
            "invoice INV-2026-0001: credit amount '0' must be more than 0",
        ),
        (
            {"amount": "1000"},
            InvalidValue,
            "invoice INV-2026-0001: credit 1210.00 is more than the balance 302.50",
        ),
    ],
)
def test_bad_credit_options_are_refused(
    options: dict[str, str], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        credit(invoice(), **options)

    assert str(raised.value) == message


def test_an_amount_on_an_invoice_with_two_vat_rates_is_refused() -> None:
    mixed = invoice(
        lines=[
            make_line(
                1,
                description="A",
                quantity=Decimal(1),
                unit_price=Decimal(10),
                tax_rate=Decimal(21),
            ),
            make_line(
                2, description="B", quantity=Decimal(1), unit_price=Decimal(10), tax_rate=Decimal(9)
            ),
        ]
    )

    with pytest.raises(InvalidValue) as raised:
        credit(mixed, amount="5")

    assert str(raised.value) == (
        "invoice INV-2026-0001: has lines at 9% and 21% VAT; an amount cannot say which rate "
        "it credits: credit whole lines with --lines 1,2"
    )


def test_an_invoice_with_payments_cannot_be_cancelled() -> None:
    paid, _ = pay_invoice(invoice(), amount="10", paid_on=TODAY, now=NOW)

    with pytest.raises(Refused) as raised:
        cancel_invoice(paid, today=TODAY, now=NOW)

    assert str(raised.value) == (
        "invoice INV-2026-0001 is partially-paid (paid 10.00); only unpaid invoices can be canceled"
    )


def test_an_invoice_with_a_credit_note_cannot_be_cancelled() -> None:
    credited = credit(invoice(), lines="1").invoice

    with pytest.raises(Refused) as raised:
        cancel_invoice(credited, today=TODAY, now=NOW)

    assert str(raised.value) == (
        "invoice INV-2026-0001 has credit note CN-2026-0001; an invoice with credit notes "
        "cannot be canceled: credit the rest with `invoice credit`"
    )


@given(
    cents_amount=st.integers(min_value=1, max_value=25_000),
    payment=st.integers(min_value=0, max_value=30_250),
)
def test_payments_and_credits_never_take_the_balance_below_zero(
    cents_amount: int, payment: int
) -> None:
    start = invoice()
    if payment:
        start, _ = pay_invoice(start, amount=str(Decimal(payment) / 100), paid_on=TODAY, now=NOW)
    amount = str(Decimal(cents_amount) / 100)
    try:
        done = credit(start, amount=amount)
    except (InvalidValue, Refused):
        assert start.balance == 0 or Decimal(amount) * Decimal("1.21") > start.balance - Decimal(
            "0.01"
        )
        return
    after = done.invoice
    assert after.balance == start.balance - done.credit_note.total
    assert after.balance >= 0
    assert after.amount_paid + after.credited + after.balance == after.total
    assert (after.status is InvoiceStatus.PAID) == (after.balance == 0)


def test_the_credit_note_keeps_the_invoices_payments_untouched() -> None:
    paid = invoice(payments=[Payment(payment_no=1, amount=Decimal("2.00"), paid_on=TODAY)])
    paid = paid.model_copy(update={"status": InvoiceStatus.PARTIALLY_PAID})

    done = credit(paid, lines="1")

    assert done.invoice.payments == paid.payments
    assert done.invoice.status is InvoiceStatus.PARTIALLY_PAID
