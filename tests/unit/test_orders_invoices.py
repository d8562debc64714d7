"""Orders and invoices: fulfilment, gapless invoice numbers per year, payments, overdue."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.errors import InvalidValue, Refused
from salesflow.models import (
    InvoiceStatus,
    Opportunity,
    OrderStatus,
    Payment,
    QuoteStatus,
)
from salesflow.pipeline.invoices import (
    cancel_invoice,
    is_overdue,
    pay_invoice,
    status_filter,
)
from salesflow.pipeline.lines import Discount, make_line
from salesflow.pipeline.orders import cancel_order, fulfil_order
from salesflow.pipeline.quotes import accept_quote, create_quote, discount_quote
from tests.factories import Numbers, make_invoice, make_order

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


# --- orders ------------------------------------------------------------------------------------


def test_fulfilling_an_order_creates_an_unpaid_invoice_with_the_same_lines() -> None:
    order = make_order(discount=Decimal("10.00"), discount_percent=Decimal("1"))
    result = fulfil_order(order, numbers=Numbers(), invoice_date=TODAY, payment_terms=14, now=NOW)
    invoice = result.invoice
    assert (invoice.number, invoice.order, invoice.opportunity, invoice.status) == (
        "INV-2026-0001",
        "ORD-0001",
        "OPP-0001",
        InvoiceStatus.UNPAID,
    )
    assert (invoice.account, invoice.contact, invoice.currency) == ("ACC-0001", "CON-0001", "EUR")
    assert invoice.lines == order.lines
    assert (invoice.discount, invoice.discount_percent) == (Decimal("10.00"), Decimal("1"))
    assert (invoice.subtotal, invoice.tax, invoice.total) == (
        order.subtotal,
        order.tax,
        order.total,
    )
    assert (invoice.invoice_date, invoice.due_date, invoice.payment_terms) == (
        TODAY,
        date(2026, 3, 16),
        14,
    )
    assert (result.order.status, result.order.invoice, result.order.fulfilled_on) == (
        OrderStatus.FULFILLED,
        "INV-2026-0001",
        TODAY,
    )
    assert [(e.number, e.kind, e.from_state, e.to_state) for e in result.events] == [
        ("ORD-0001", "fulfilled", "active", "fulfilled"),
        ("INV-2026-0001", "created", None, "unpaid"),
    ]


def test_an_invoice_number_takes_the_year_of_the_invoice_date() -> None:
    invoice = fulfil_order(
        make_order(created_on=date(2025, 12, 1)),
        numbers=Numbers(),
        invoice_date=date(2025, 12, 31),
        payment_terms=30,
        now=NOW,
    ).invoice
    assert (invoice.number, invoice.due_date) == ("INV-2025-0001", date(2026, 1, 30))


def test_invoice_numbers_are_gapless_per_year_across_cancellations() -> None:
    counters = Numbers()
    dates = [date(2025, 12, 30), date(2026, 1, 2), date(2025, 12, 31), date(2026, 1, 5)]
    invoices = [
        fulfil_order(
            make_order(number=f"ORD-{i:04d}", created_on=date(2025, 12, 1)),
            numbers=counters,
            invoice_date=day,
            payment_terms=30,
            now=NOW,
        ).invoice
        for i, day in enumerate(dates, start=1)
    ]
    cancelled = cancel_invoice(invoices[1], today=TODAY, now=NOW).invoice
    assert cancelled.number == "INV-2026-0001"
    later = fulfil_order(
        make_order(number="ORD-0005"),
        numbers=counters,
        invoice_date=TODAY,
        payment_terms=30,
        now=NOW,
    ).invoice
    assert [i.number for i in invoices] + [later.number] == [
        "INV-2025-0001",
        "INV-2026-0001",
        "INV-2025-0002",
        "INV-2026-0002",
        "INV-2026-0003",
    ]


@pytest.mark.parametrize("status", [OrderStatus.FULFILLED, OrderStatus.CANCELED])
def test_fulfilling_an_order_that_is_not_active_is_refused(status: OrderStatus) -> None:
    with pytest.raises(Refused) as caught:
        fulfil_order(
            make_order(status=status),
            numbers=Numbers(),
            invoice_date=TODAY,
            payment_terms=30,
            now=NOW,
        )
    assert str(caught.value) == (
        f"order ORD-0001 is {status.value}; only active orders can be fulfilled"
    )


def test_an_invoice_date_before_the_order_date_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        fulfil_order(
            make_order(),
            numbers=Numbers(),
            invoice_date=date(2026, 2, 19),
            payment_terms=30,
            now=NOW,
        )
    assert str(caught.value) == (
        "order ORD-0001: invoice date 2026-02-19 is before the order date 2026-02-20"
    )


def test_a_refused_fulfilment_takes_no_invoice_number() -> None:
    counters = Numbers()
    with pytest.raises(Refused):
        fulfil_order(
            make_order(status=OrderStatus.CANCELED),
            numbers=counters,
            invoice_date=TODAY,
            payment_terms=30,
            now=NOW,
        )
    assert counters.last == {}


def test_cancelling_an_active_order() -> None:
    order, canceled = cancel_order(make_order(), today=TODAY, now=NOW)
    assert (order.status, order.canceled_on) == (OrderStatus.CANCELED, TODAY)
    assert (canceled.kind, canceled.from_state, canceled.to_state) == (
        "canceled",
        "active",
        "canceled",
    )


@pytest.mark.parametrize("status", [OrderStatus.FULFILLED, OrderStatus.CANCELED])
def test_cancelling_an_order_that_is_not_active_is_refused(status: OrderStatus) -> None:
    with pytest.raises(Refused) as caught:
        cancel_order(make_order(status=status), today=TODAY, now=NOW)
    assert str(caught.value) == (
        f"order ORD-0001 is {status.value}; only active orders can be canceled"
    )


# --- payments ----------------------------------------------------------------------------------


def test_an_invoice_starts_with_its_total_as_balance() -> None:
    invoice = make_invoice()
    assert (invoice.total, invoice.amount_paid, invoice.balance) == (
        Decimal("1452.00"),
        Decimal("0.00"),
        Decimal("1452.00"),
    )


def test_a_part_payment_makes_the_invoice_partially_paid() -> None:
    invoice, paid = pay_invoice(make_invoice(), amount="452", paid_on=TODAY, now=NOW)
    assert invoice.status is InvoiceStatus.PARTIALLY_PAID
    assert (invoice.amount_paid, invoice.balance) == (Decimal("452.00"), Decimal("1000.00"))
    assert invoice.payments == [Payment(payment_no=1, amount=Decimal("452.00"), paid_on=TODAY)]
    assert (paid.kind, paid.from_state, paid.to_state) == ("payment", "unpaid", "partially-paid")
    assert paid.details == {
        "payment": 1,
        "amount": "452.00",
        "paid_on": "2026-03-02",
        "balance": "1000.00",
    }


def test_paying_without_an_amount_pays_the_balance() -> None:
    partly, _ = pay_invoice(make_invoice(), amount="452", paid_on=TODAY, now=NOW)
    invoice, paid = pay_invoice(partly, paid_on=date(2026, 3, 9), now=NOW)
    assert invoice.status is InvoiceStatus.PAID
    assert [(p.payment_no, p.amount) for p in invoice.payments] == [
        (1, Decimal("452.00")),
        (2, Decimal("1000.00")),
    ]
    assert invoice.balance == Decimal("0.00")
    assert (paid.from_state, paid.to_state) == ("partially-paid", "paid")


def test_paying_exactly_the_balance_makes_the_invoice_paid() -> None:
    invoice, _ = pay_invoice(make_invoice(), amount="1,452.00", paid_on=TODAY, now=NOW)
    assert invoice.status is InvoiceStatus.PAID


@pytest.mark.parametrize("amount", ["0", "-10", "0.00"])
def test_paying_nothing_or_a_negative_amount_is_refused(amount: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        pay_invoice(make_invoice(), amount=amount, paid_on=TODAY, now=NOW)
    assert str(caught.value) == (
        f"invoice INV-2026-0001: payment amount {amount!r} must be more than 0"
    )


def test_paying_more_than_the_balance_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        pay_invoice(make_invoice(), amount="1452.01", paid_on=TODAY, now=NOW)
    assert str(caught.value) == (
        "invoice INV-2026-0001: payment amount 1452.01 is more than the balance 1452.00"
    )


def test_a_payment_amount_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        pay_invoice(make_invoice(), amount="lots", paid_on=TODAY, now=NOW)
    assert str(caught.value) == "invoice INV-2026-0001: payment amount 'lots' is not a number"


@pytest.mark.parametrize("status", [InvoiceStatus.PAID, InvoiceStatus.CANCELED])
def test_paying_a_paid_or_canceled_invoice_is_refused(status: InvoiceStatus) -> None:
    with pytest.raises(Refused) as caught:
        pay_invoice(make_invoice(status=status), amount="1", paid_on=TODAY, now=NOW)
    assert str(caught.value) == (
        f"invoice INV-2026-0001 is {status.value}; only unpaid or partially-paid invoices "
        "can be paid"
    )


def test_cancelling_an_unpaid_invoice_keeps_its_number_and_zeroes_its_balance() -> None:
    done = cancel_invoice(make_invoice(), today=TODAY, now=NOW)
    invoice, (cancelled,) = done.invoice, done.events
    assert done.order is None
    assert (invoice.number, invoice.status, invoice.canceled_on) == (
        "INV-2026-0001",
        InvoiceStatus.CANCELED,
        TODAY,
    )
    assert invoice.balance == Decimal("0.00")
    assert (cancelled.kind, cancelled.from_state, cancelled.to_state) == (
        "canceled",
        "unpaid",
        "canceled",
    )


def test_cancelling_an_invoice_makes_its_order_active_again_to_be_billed_anew() -> None:
    counters = Numbers()
    first = fulfil_order(
        make_order(), numbers=counters, invoice_date=TODAY, payment_terms=30, now=NOW
    )
    done = cancel_invoice(first.invoice, order=first.order, today=TODAY, now=NOW)
    assert done.order is not None
    assert (done.order.status, done.order.invoice, done.order.fulfilled_on) == (
        OrderStatus.ACTIVE,
        None,
        None,
    )
    assert [(e.number, e.kind, e.from_state, e.to_state, e.details) for e in done.events] == [
        ("INV-2026-0001", "canceled", "unpaid", "canceled", {}),
        ("ORD-0001", "reopened", "fulfilled", "active", {"canceled_invoice": "INV-2026-0001"}),
    ]
    again = fulfil_order(
        done.order, numbers=counters, invoice_date=TODAY, payment_terms=30, now=NOW
    )
    assert (again.invoice.number, again.order.invoice) == ("INV-2026-0002", "INV-2026-0002")
    assert again.invoice.total == first.invoice.total


def test_cancelling_an_old_invoice_leaves_an_order_billed_by_another_alone() -> None:
    first = fulfil_order(
        make_order(), numbers=Numbers(), invoice_date=TODAY, payment_terms=30, now=NOW
    )
    rebilled = first.order.model_copy(update={"invoice": "INV-2026-0007"})
    done = cancel_invoice(first.invoice, order=rebilled, today=TODAY, now=NOW)
    assert done.order is None
    assert [e.number for e in done.events] == ["INV-2026-0001"]


def test_cancelling_an_invoice_with_payments_is_refused() -> None:
    partly, _ = pay_invoice(make_invoice(), amount="100", paid_on=TODAY, now=NOW)
    with pytest.raises(Refused) as caught:
        cancel_invoice(partly, today=TODAY, now=NOW)
    assert str(caught.value) == (
        "invoice INV-2026-0001 is partially-paid (paid 100.00); only unpaid invoices can be "
        "canceled"
    )


# --- overdue -----------------------------------------------------------------------------------


def test_an_invoice_is_overdue_after_its_due_date_while_it_has_a_balance() -> None:
    invoice = make_invoice()  # due 2026-04-01
    assert not is_overdue(invoice, date(2026, 4, 1))
    assert is_overdue(invoice, date(2026, 4, 2))
    partly, _ = pay_invoice(invoice, amount="1", paid_on=TODAY, now=NOW)
    assert is_overdue(partly, date(2026, 4, 2))


def test_paid_and_canceled_invoices_are_never_overdue() -> None:
    paid, _ = pay_invoice(make_invoice(), paid_on=TODAY, now=NOW)
    cancelled = cancel_invoice(make_invoice(), today=TODAY, now=NOW).invoice
    assert not is_overdue(paid, date(2027, 1, 1))
    assert not is_overdue(cancelled, date(2027, 1, 1))


def test_the_overdue_status_filter_is_derived_from_today() -> None:
    invoice = make_invoice()
    assert status_filter("overdue", date(2026, 4, 2))(invoice)
    assert not status_filter("overdue", date(2026, 4, 1))(invoice)
    assert status_filter("UNPAID", date(2026, 4, 2))(invoice)
    assert not status_filter("paid", date(2026, 4, 2))(invoice)
    assert status_filter(None, TODAY)(invoice)


def test_an_unknown_status_filter_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        status_filter("late", TODAY)
    assert str(caught.value) == (
        "status 'late' is not one of: unpaid, partially-paid, paid, overdue, canceled"
    )


# --- quote, order and invoice agree ------------------------------------------------------------

line_specs = st.lists(
    st.tuples(
        st.decimals(min_value="0.25", max_value=1000, places=2),
        st.decimals(min_value=0, max_value=10000, places=2),
        st.sampled_from([Decimal(0), Decimal(6), Decimal(9), Decimal(21)]),
        st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2)),
    ),
    min_size=1,
    max_size=10,
)


@pytest.mark.slow  # a long property run
@given(
    line_specs,
    st.one_of(
        st.tuples(st.just("percent"), st.decimals(min_value=0, max_value=100, places=2)),
        st.tuples(st.just("amount"), st.decimals(min_value=0, max_value=1, places=4)),
    ),
)
def test_quote_order_and_invoice_totals_are_equal_to_the_cent(
    specs: list[tuple[Decimal, Decimal, Decimal, Decimal | None]],
    header: tuple[str, Decimal],
) -> None:
    lines = [
        make_line(
            i,
            description=f"Item {i}",
            quantity=quantity,
            unit_price=price,
            tax_rate=rate,
            discount=Discount(percent=percent) if percent is not None else Discount(),
        )
        for i, (quantity, price, rate, percent) in enumerate(specs, start=1)
    ]
    opportunity = Opportunity(
        number="OPP-0001", name="Deal", account="ACC-0001", lines=lines, created_on=TODAY
    )
    quote = create_quote(opportunity, number="QUO-0001", today=TODAY, now=NOW).quote
    kind, value = header
    if kind == "percent":
        quote, _ = discount_quote(quote, percent=str(value), now=NOW)
    else:  # a fraction of the subtotal, as an amount
        quote, _ = discount_quote(quote, amount=str(quote.subtotal * value), now=NOW)
    assert quote.subtotal == opportunity.subtotal - quote.discount
    active = quote.model_copy(update={"status": QuoteStatus.ACTIVE})
    numbers = Numbers()
    order = accept_quote(
        active, opportunity=opportunity, quotes=[], numbers=numbers, today=TODAY, now=NOW
    ).order
    invoice = fulfil_order(
        order, numbers=numbers, invoice_date=TODAY, payment_terms=30, now=NOW
    ).invoice
    figures = {(r.subtotal, r.discount, r.tax, r.total) for r in (quote, order, invoice)}
    assert len(figures) == 1
    assert invoice.total == invoice.subtotal + invoice.tax
    paid, _ = pay_invoice(invoice, paid_on=TODAY, now=NOW)
    assert paid.amount_paid == quote.total
