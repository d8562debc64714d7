"""Quotes: drafts, the header discount spread over lines, revisions, acceptance into an order."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.errors import InvalidValue, NotFound, Refused, UsageError
from salesflow.models import (
    Opportunity,
    OpportunityStatus,
    Order,
    OrderStatus,
    Product,
    Quote,
    QuoteStatus,
    Stage,
)
from salesflow.pipeline.lines import Discount, LineSpec, make_line
from salesflow.pipeline.money import ZERO, total
from salesflow.pipeline.opportunities import (
    lose_opportunity,
    reopen_opportunity,
    win_opportunity,
)
from salesflow.pipeline.quotes import (
    accept_quote,
    activate_quote,
    add_quote_product,
    close_quote,
    create_quote,
    delete_quote,
    discount_quote,
    discount_shares,
    own_amount,
    pick_revision,
    remove_quote_product,
    revise_quote,
    spread_discount,
)
from tests.factories import Numbers, line, make_opportunity, make_quote

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def active_quote(**overrides: Any) -> Quote:
    return make_quote(status=QuoteStatus.ACTIVE, status_reason="open", **overrides)


PRODUCTS = {
    "TRAINING": Product(
        sku="TRAINING",
        name="Training day",
        price=Decimal("300.00"),
        tax_rate=Decimal("21"),
        created_on=date(2026, 1, 1),
    )
}


# --- create ------------------------------------------------------------------------------------


def test_creating_a_quote_copies_the_opportunity_into_a_draft_revision_one() -> None:
    opportunity = make_opportunity()
    result = create_quote(opportunity, number="QUO-0001", today=TODAY, now=NOW)
    quote = result.quote
    assert (quote.number, quote.revision, quote.status) == ("QUO-0001", 1, QuoteStatus.DRAFT)
    assert (quote.opportunity, quote.account, quote.contact, quote.currency) == (
        "OPP-0001",
        "ACC-0001",
        "CON-0001",
        "EUR",
    )
    assert quote.lines == opportunity.lines
    assert quote.total == opportunity.total
    assert quote.valid_until == TODAY + timedelta(days=30)
    assert quote.created_on == TODAY


def test_creating_a_quote_moves_the_opportunity_to_stage_propose() -> None:
    result = create_quote(make_opportunity(), number="QUO-0001", today=TODAY, now=NOW)
    assert result.opportunity.stage is Stage.PROPOSE
    assert [(e.number, e.kind, e.from_state, e.to_state) for e in result.events] == [
        ("QUO-0001", "created", None, "draft"),
        ("OPP-0001", "stage", "qualify", "propose"),
    ]


def test_creating_a_quote_leaves_an_opportunity_in_stage_close_there() -> None:
    result = create_quote(
        make_opportunity(stage=Stage.CLOSE), number="QUO-0001", today=TODAY, now=NOW
    )
    assert result.opportunity.stage is Stage.CLOSE
    assert [e.kind for e in result.events] == ["created"]


def test_a_quote_can_be_valid_until_a_given_day() -> None:
    quote = create_quote(
        make_opportunity(), number="QUO-0001", valid_until="2026-04-30", today=TODAY, now=NOW
    ).quote
    assert quote.valid_until == date(2026, 4, 30)


def test_a_valid_until_day_in_the_past_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        create_quote(
            make_opportunity(), number="QUO-0001", valid_until="2026-03-01", today=TODAY, now=NOW
        )
    assert str(caught.value) == (
        "quote QUO-0001: valid until 2026-03-01 is before today 2026-03-02"
    )


def test_a_valid_until_that_is_not_a_date_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        create_quote(
            make_opportunity(), number="QUO-0001", valid_until="soon", today=TODAY, now=NOW
        )
    assert str(caught.value) == "quote QUO-0001: valid until 'soon' is not a date; use YYYY-MM-DD"


@pytest.mark.parametrize(
    ("status", "reason"), [(OpportunityStatus.WON, "won"), (OpportunityStatus.LOST, "out-sold")]
)
def test_quoting_a_closed_opportunity_is_refused(status: OpportunityStatus, reason: str) -> None:
    with pytest.raises(Refused) as caught:
        create_quote(
            make_opportunity(status=status, status_reason=reason),
            number="QUO-0001",
            today=TODAY,
            now=NOW,
        )
    shown = status.value if reason == status.value else f"{status.value} ({reason})"
    assert str(caught.value) == (
        f"opportunity OPP-0001 is {shown}; only open opportunities can be quoted"
    )


# --- lines -------------------------------------------------------------------------------------


def test_adding_a_product_to_a_draft_quote_adds_a_line() -> None:
    quote, added = add_quote_product(
        make_quote(),
        LineSpec(quantity="2", sku="training"),
        products=PRODUCTS,
        default_tax_rate=ZERO,
        now=NOW,
    )
    assert [(x.line_no, x.sku, x.amount) for x in quote.lines][-1] == (
        3,
        "TRAINING",
        Decimal("600.00"),
    )
    assert quote.subtotal == Decimal("850.00")
    assert (added.kind, added.details["line"], added.details["revision"]) == ("line-added", 3, 1)


def test_removing_a_line_from_a_draft_quote() -> None:
    before = make_quote()
    quote, removed = remove_quote_product(before, 1, now=NOW)
    assert [x.line_no for x in quote.lines] == [1]  # the second line moved up
    assert quote.lines[0].description == before.lines[1].description
    assert removed.kind == "line-removed"


def test_removing_a_line_the_quote_does_not_have_is_refused() -> None:
    with pytest.raises(NotFound) as caught:
        remove_quote_product(make_quote(), 7, now=NOW)
    assert str(caught.value) == "quote QUO-0001 has no line 7"


@pytest.mark.parametrize(
    ("status", "reason", "shown"),
    [
        (QuoteStatus.ACTIVE, "open", "active (open)"),
        (QuoteStatus.WON, "won", "won"),
        (QuoteStatus.CLOSED, "lost", "closed (lost)"),
    ],
)
def test_editing_a_quote_that_is_not_a_draft_is_refused(
    status: QuoteStatus, reason: str, shown: str
) -> None:
    quote = make_quote(status=status, status_reason=reason)
    message = f"quote QUO-0001 is {shown}; only draft quotes can be edited"
    with pytest.raises(Refused) as caught:
        add_quote_product(
            quote, LineSpec(quantity="1", sku="TRAINING"), products=PRODUCTS,
            default_tax_rate=ZERO, now=NOW,
        )  # fmt: skip
    assert str(caught.value) == message
    with pytest.raises(Refused) as caught:
        remove_quote_product(quote, 1, now=NOW)
    assert str(caught.value) == message


def test_a_later_revision_is_named_with_its_revision_in_refusals() -> None:
    with pytest.raises(Refused) as caught:
        remove_quote_product(active_quote(revision=3), 1, now=NOW)
    assert str(caught.value) == (
        "quote QUO-0001 revision 3 is active (open); only draft quotes can be edited"
    )


# --- header discount ---------------------------------------------------------------------------


def test_a_percent_discount_is_spread_over_the_lines_and_lowers_the_tax() -> None:
    # Lines 200.00 at 21 % and 50.00 at 9 %; 10 % off is 25.00: 20.00 and 5.00.
    quote, discounted = discount_quote(make_quote(), percent="10", now=NOW)
    assert quote.discount == Decimal("25.00")
    assert quote.discount_percent == Decimal("10")
    assert [x.header_discount for x in quote.lines] == [Decimal("20.00"), Decimal("5.00")]
    assert [x.amount for x in quote.lines] == [Decimal("180.00"), Decimal("45.00")]
    assert [x.tax for x in quote.lines] == [Decimal("37.80"), Decimal("4.05")]
    assert (quote.subtotal, quote.tax, quote.total) == (
        Decimal("225.00"),
        Decimal("41.85"),
        Decimal("266.85"),
    )
    assert discounted.details == {
        "revision": 1,
        "discount": "25.00",
        "percent": "10",
        "subtotal": "225.00",
        "total": "266.85",
    }


def test_an_amount_discount_is_spread_in_proportion_with_the_remainder_on_the_largest_line() -> (
    None
):
    lines = [line(1, "1", "10.00"), line(2, "1", "10.00"), line(3, "1", "10.00")]
    quote, _ = discount_quote(make_quote(lines=lines), amount="10", now=NOW)
    assert [x.header_discount for x in quote.lines] == [
        Decimal("3.34"),
        Decimal("3.33"),
        Decimal("3.33"),
    ]
    assert quote.discount == Decimal("10.00")
    assert quote.discount_percent is None
    assert quote.subtotal == Decimal("20.00")


def test_the_remainder_cents_go_to_the_largest_lines_first() -> None:
    assert discount_shares(
        [Decimal("1.00"), Decimal("5.00"), Decimal("3.00")], Decimal("0.02")
    ) == [
        ZERO,
        Decimal("0.01"),
        Decimal("0.01"),
    ]


def test_a_discount_equal_to_the_subtotal_leaves_every_line_at_zero() -> None:
    quote, _ = discount_quote(make_quote(), amount="250", now=NOW)
    assert [x.amount for x in quote.lines] == [ZERO, ZERO]
    assert quote.total == ZERO


def test_a_discount_of_zero_removes_the_header_discount() -> None:
    discounted, _ = discount_quote(make_quote(), percent="10", now=NOW)
    cleared, _ = discount_quote(discounted, amount="0", now=NOW)
    assert cleared.discount == ZERO
    assert cleared.discount_percent is None
    assert cleared.lines == make_quote().lines


def test_changing_the_discount_spreads_from_the_lines_own_amounts() -> None:
    first, _ = discount_quote(make_quote(), percent="10", now=NOW)
    second, _ = discount_quote(first, amount="50", now=NOW)
    assert second.discount == Decimal("50.00")
    assert [x.header_discount for x in second.lines] == [Decimal("40.00"), Decimal("10.00")]
    assert [own_amount(x) for x in second.lines] == [Decimal("200.00"), Decimal("50.00")]


def test_a_percent_discount_follows_lines_added_later() -> None:
    discounted, _ = discount_quote(make_quote(), percent="10", now=NOW)
    quote, _ = add_quote_product(
        discounted,
        LineSpec(quantity="1", sku="TRAINING"),
        products=PRODUCTS,
        default_tax_rate=ZERO,
        now=NOW,
    )
    assert quote.discount == Decimal("55.00")
    assert [x.header_discount for x in quote.lines] == [
        Decimal("20.00"),
        Decimal("5.00"),
        Decimal("30.00"),
    ]
    assert quote.subtotal == Decimal("495.00")


def test_an_amount_discount_is_spread_again_when_a_line_is_removed() -> None:
    discounted, _ = discount_quote(make_quote(), amount="25", now=NOW)
    quote, _ = remove_quote_product(discounted, 2, now=NOW)
    assert quote.discount == Decimal("25.00")
    assert [(x.header_discount, x.amount) for x in quote.lines] == [
        (Decimal("25.00"), Decimal("175.00"))
    ]


def test_removing_a_line_that_leaves_less_than_the_discount_is_refused() -> None:
    discounted, _ = discount_quote(make_quote(), amount="100", now=NOW)
    with pytest.raises(InvalidValue) as caught:
        remove_quote_product(discounted, 1, now=NOW)
    assert str(caught.value) == (
        "quote QUO-0001: discount 100.00 would be more than the subtotal 50.00 before "
        "discount; lower the discount first"
    )


def test_a_discount_above_the_subtotal_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        discount_quote(make_quote(), amount="250.01", now=NOW)
    assert str(caught.value) == (
        "quote QUO-0001: discount 250.01 is more than the subtotal 250.00 before discount"
    )


def test_a_negative_discount_amount_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        discount_quote(make_quote(), amount="-5", now=NOW)
    assert str(caught.value) == ("quote QUO-0001: discount '-5' is negative; it must be 0 or more")


@pytest.mark.parametrize("percent", ["-5", "101"])
def test_a_discount_percent_outside_0_to_100_is_refused(percent: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        discount_quote(make_quote(), percent=percent, now=NOW)
    assert str(caught.value) == (
        f"quote QUO-0001: discount percent {percent!r} is out of range; it must be from 0 to 100"
    )


@pytest.mark.parametrize(("percent", "amount"), [(None, None), ("5", "10")])
def test_a_discount_needs_exactly_one_of_percent_and_amount(
    percent: str | None, amount: str | None
) -> None:
    with pytest.raises(UsageError) as caught:
        discount_quote(make_quote(), percent=percent, amount=amount, now=NOW)
    assert str(caught.value) == "give the discount as --percent P or --amount A (one of them)"


def test_discounting_an_active_quote_is_refused() -> None:
    with pytest.raises(Refused) as caught:
        discount_quote(active_quote(), percent="5", now=NOW)
    assert str(caught.value) == (
        "quote QUO-0001 is active (open); only draft quotes can be discounted"
    )


def test_a_discount_on_a_quote_without_lines_is_zero_until_lines_come() -> None:
    empty = make_quote(lines=[])
    discounted, _ = discount_quote(empty, percent="10", now=NOW)
    assert (discounted.discount, discounted.discount_percent) == (ZERO, Decimal("10"))
    with pytest.raises(InvalidValue):
        discount_quote(empty, amount="1", now=NOW)


money = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False)


@given(st.lists(money, min_size=1, max_size=12), st.data())
def test_discount_shares_add_up_exactly_and_never_exceed_their_line(
    amounts: list[Decimal], data: st.DataObject
) -> None:
    whole = total(amounts)
    discount = data.draw(st.decimals(min_value=0, max_value=whole, places=2))
    shares = discount_shares(amounts, discount)
    assert sum(shares, ZERO) == discount
    assert all(ZERO <= share <= amount for share, amount in zip(shares, amounts, strict=True))
    assert all(share == share.quantize(Decimal("0.01")) for share in shares)


tiny_or_huge = st.one_of(
    st.decimals(min_value=0, max_value="0.05", places=2),
    st.decimals(min_value=99990, max_value=100000, places=2),
)


@pytest.mark.slow  # a long property run
@given(st.lists(tiny_or_huge, min_size=1, max_size=20), st.data())
def test_discount_shares_hold_for_lines_of_a_few_cents_next_to_large_ones(
    amounts: list[Decimal], data: st.DataObject
) -> None:
    whole = total(amounts)
    discount = data.draw(
        st.one_of(
            st.decimals(min_value=0, max_value=whole, places=2),
            st.just(whole),
            st.just(max(whole - Decimal("0.01"), ZERO)),
        )
    )
    shares = discount_shares(amounts, discount)
    assert sum(shares, ZERO) == discount
    assert all(ZERO <= share <= amount for share, amount in zip(shares, amounts, strict=True))


line_specs = st.lists(
    st.tuples(
        st.decimals(min_value="0.5", max_value=500, places=1),
        st.decimals(min_value=0, max_value=5000, places=2),
        st.sampled_from([Decimal(0), Decimal(6), Decimal(9), Decimal(21)]),
        st.decimals(min_value=0, max_value=100, places=1),
    ),
    min_size=1,
    max_size=8,
)


@given(line_specs, st.decimals(min_value=0, max_value=100, places=2))
def test_spread_lines_keep_their_own_amounts_and_the_discount_comes_off_the_subtotal(
    specs: list[tuple[Decimal, Decimal, Decimal, Decimal]], percent: Decimal
) -> None:
    lines = [
        make_line(
            i,
            description="x",
            quantity=q,
            unit_price=p,
            tax_rate=r,
            discount=Discount(percent=d),
        )
        for i, (q, p, r, d) in enumerate(specs, start=1)
    ]
    spread, discount = spread_discount(lines, percent=percent)
    assert [own_amount(x) for x in spread] == [x.amount for x in lines]
    assert total(x.amount for x in spread) == total(x.amount for x in lines) - discount
    assert all(x.amount >= ZERO for x in spread)


# --- status changes ----------------------------------------------------------------------------


def test_activating_a_draft_quote_makes_it_active() -> None:
    quote, activated = activate_quote(make_quote(), today=TODAY, now=NOW)
    assert (quote.status, quote.status_reason, quote.activated_on) == (
        QuoteStatus.ACTIVE,
        "open",
        TODAY,
    )
    assert (activated.kind, activated.from_state, activated.to_state) == (
        "activated",
        "draft",
        "active",
    )


def test_activating_an_empty_quote_is_refused() -> None:
    with pytest.raises(Refused) as caught:
        activate_quote(make_quote(lines=[]), today=TODAY, now=NOW)
    assert str(caught.value) == (
        "quote QUO-0001 has no lines; a quote needs at least one line to be activated"
    )


def test_activating_an_active_quote_is_refused() -> None:
    with pytest.raises(Refused) as caught:
        activate_quote(active_quote(), today=TODAY, now=NOW)
    assert str(caught.value) == (
        "quote QUO-0001 is active (open); only draft quotes can be activated"
    )


@pytest.mark.parametrize("reason", ["lost", "canceled"])
def test_closing_an_active_quote(reason: str) -> None:
    quote, closed = close_quote(active_quote(), reason, today=TODAY, now=NOW)
    assert (quote.status, quote.status_reason, quote.closed_on) == (
        QuoteStatus.CLOSED,
        reason,
        TODAY,
    )
    assert closed.details == {"revision": 1, "reason": reason}


def test_closing_a_draft_quote_is_refused() -> None:
    with pytest.raises(Refused) as caught:
        close_quote(make_quote(), "lost", today=TODAY, now=NOW)
    assert str(caught.value) == (
        "quote QUO-0001 is draft (in-progress); only active quotes can be closed"
    )


def test_closing_with_an_unknown_reason_is_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        close_quote(active_quote(), "bored", today=TODAY, now=NOW)
    assert str(caught.value) == "close reason 'bored' is not one of: lost, canceled"


def test_deleting_a_draft_quote_records_an_event() -> None:
    deleted = delete_quote(make_quote(), now=NOW)
    assert (deleted.number, deleted.kind, deleted.from_state) == ("QUO-0001", "deleted", "draft")


def test_deleting_an_active_quote_is_refused() -> None:
    with pytest.raises(Refused) as caught:
        delete_quote(active_quote(), now=NOW)
    assert str(caught.value) == (
        "quote QUO-0001 is active (open); only draft quotes can be deleted"
    )


# --- revisions ---------------------------------------------------------------------------------


def test_revising_an_active_quote_closes_it_and_opens_the_next_revision() -> None:
    discounted, _ = discount_quote(make_quote(), percent="10", now=NOW)
    active = discounted.model_copy(update={"status": QuoteStatus.ACTIVE, "status_reason": "open"})
    later = TODAY + timedelta(days=5)
    result = revise_quote(active, opportunity=make_opportunity(), today=later, now=NOW)
    assert (result.closed.status, result.closed.status_reason, result.closed.revision) == (
        QuoteStatus.CLOSED,
        "revised",
        1,
    )
    draft = result.draft
    assert (draft.number, draft.revision, draft.status, draft.status_reason) == (
        "QUO-0001",
        2,
        QuoteStatus.DRAFT,
        "in-progress",
    )
    assert draft.lines == active.lines
    assert (draft.discount, draft.discount_percent) == (Decimal("25.00"), Decimal("10"))
    assert (draft.created_on, draft.valid_until) == (later, later + timedelta(days=30))
    assert draft.key == "QUO-0001#2"
    assert [(e.kind, e.details.get("revision")) for e in result.events] == [
        ("closed", 1),
        ("created", 2),
    ]


def test_a_lost_quote_can_be_revised() -> None:
    lost = make_quote(status=QuoteStatus.CLOSED, status_reason="lost")
    result = revise_quote(lost, opportunity=make_opportunity(), today=TODAY, now=NOW)
    assert result.draft.revision == 2


@pytest.mark.parametrize(
    ("status", "reason", "message"),
    [
        (QuoteStatus.WON, "won", "is won; only active or closed quotes can be revised"),
        (
            QuoteStatus.DRAFT,
            "in-progress",
            "is draft (in-progress); only active or closed quotes can be revised",
        ),
        (
            QuoteStatus.CLOSED,
            "canceled",
            "is closed (canceled); only active or closed (lost) quotes can be revised",
        ),
        (
            QuoteStatus.CLOSED,
            "revised",
            "is closed (revised); only active or closed (lost) quotes can be revised",
        ),
    ],
)
def test_revising_is_refused_unless_the_quote_is_active_or_lost(
    status: QuoteStatus, reason: str, message: str
) -> None:
    with pytest.raises(Refused) as caught:
        revise_quote(
            make_quote(status=status, status_reason=reason),
            opportunity=make_opportunity(),
            today=TODAY,
            now=NOW,
        )
    assert str(caught.value) == f"quote QUO-0001 {message}"


def test_revising_a_quote_of_a_won_opportunity_is_refused() -> None:
    with pytest.raises(Refused) as caught:
        revise_quote(
            make_quote(status=QuoteStatus.CLOSED, status_reason="lost"),
            opportunity=make_opportunity(status=OpportunityStatus.WON, status_reason="won"),
            today=TODAY,
            now=NOW,
        )
    assert str(caught.value) == "opportunity OPP-0001 is won; only open opportunities can be quoted"


def test_pick_revision_reads_the_latest_or_an_earlier_revision() -> None:
    revisions = [make_quote(revision=1), make_quote(revision=2)]
    assert pick_revision("QUO-0001", revisions, None).revision == 2
    assert pick_revision("QUO-0001", revisions, 1).revision == 1


def test_an_unknown_revision_is_refused_naming_the_quote_and_its_revisions() -> None:
    revisions = [make_quote(revision=1), make_quote(revision=2)]
    with pytest.raises(NotFound) as caught:
        pick_revision("QUO-0001", revisions, 5)
    assert str(caught.value) == "quote QUO-0001 has no revision 5; its revisions are 1, 2"


def test_an_unknown_quote_is_not_found() -> None:
    with pytest.raises(NotFound) as caught:
        pick_revision("QUO-0042", [], None)
    assert str(caught.value) == "quote QUO-0042 not found"


# --- accept ------------------------------------------------------------------------------------


def test_accepting_an_active_quote_wins_it_creates_an_order_and_wins_the_opportunity() -> None:
    discounted, _ = discount_quote(make_quote(), percent="10", now=NOW)
    quote = discounted.model_copy(update={"status": QuoteStatus.ACTIVE, "status_reason": "open"})
    opportunity = make_opportunity(stage=Stage.PROPOSE)
    result = accept_quote(
        quote,
        opportunity=opportunity,
        quotes=[quote],
        numbers=Numbers(),
        today=TODAY,
        now=NOW,
    )
    assert (result.quote.status, result.quote.status_reason, result.quote.order) == (
        QuoteStatus.WON,
        "won",
        "ORD-0001",
    )
    order = result.order
    assert (order.number, order.quote, order.quote_revision, order.status) == (
        "ORD-0001",
        "QUO-0001",
        1,
        OrderStatus.ACTIVE,
    )
    assert order.lines == quote.lines
    assert (order.discount, order.discount_percent) == (quote.discount, quote.discount_percent)
    assert (order.subtotal, order.tax, order.total) == (quote.subtotal, quote.tax, quote.total)
    won = result.opportunity
    assert (won.status, won.stage, won.actual_revenue, won.closed_on) == (
        OpportunityStatus.WON,
        Stage.CLOSE,
        Decimal("225.00"),
        TODAY,
    )
    assert [(e.number, e.kind) for e in result.events] == [
        ("QUO-0001", "accepted"),
        ("ORD-0001", "created"),
        ("OPP-0001", "won"),
    ]


def test_accepting_a_quote_closes_the_opportunitys_other_live_quotes_as_lost() -> None:
    quote = active_quote()
    others = [
        make_quote(number="QUO-0002"),
        make_quote(number="QUO-0003", status=QuoteStatus.ACTIVE, status_reason="open"),
        make_quote(number="QUO-0004", status=QuoteStatus.CLOSED, status_reason="canceled"),
    ]
    result = accept_quote(
        quote,
        opportunity=make_opportunity(),
        quotes=[quote, *others],
        numbers=Numbers(),
        today=TODAY,
        now=NOW,
    )
    assert [(q.number, q.status, q.status_reason) for q in result.closed] == [
        ("QUO-0002", QuoteStatus.CLOSED, "lost"),
        ("QUO-0003", QuoteStatus.CLOSED, "lost"),
    ]
    assert [(e.number, e.kind) for e in result.events if e.kind == "closed"] == [
        ("QUO-0002", "closed"),
        ("QUO-0003", "closed"),
    ]


@pytest.mark.parametrize(
    ("status", "reason", "shown"),
    [
        (QuoteStatus.DRAFT, "in-progress", "draft (in-progress)"),
        (QuoteStatus.CLOSED, "lost", "closed (lost)"),
        (QuoteStatus.WON, "won", "won"),
    ],
)
def test_accepting_a_quote_that_is_not_active_is_refused(
    status: QuoteStatus, reason: str, shown: str
) -> None:
    with pytest.raises(Refused) as caught:
        accept_quote(
            make_quote(status=status, status_reason=reason),
            opportunity=make_opportunity(),
            quotes=[],
            numbers=Numbers(),
            today=TODAY,
            now=NOW,
        )
    assert str(caught.value) == f"quote QUO-0001 is {shown}; only active quotes can be accepted"


def test_accepting_a_quote_of_a_lost_opportunity_is_refused() -> None:
    with pytest.raises(Refused) as caught:
        accept_quote(
            active_quote(),
            opportunity=make_opportunity(status=OpportunityStatus.LOST, status_reason="canceled"),
            quotes=[],
            numbers=Numbers(),
            today=TODAY,
            now=NOW,
        )
    assert str(caught.value) == (
        "opportunity OPP-0001 is lost (canceled); only open opportunities can be won"
    )


# --- the opportunity's rules about quotes and orders --------------------------------------------


@pytest.mark.parametrize("status", [QuoteStatus.DRAFT, QuoteStatus.ACTIVE])
def test_winning_an_opportunity_with_a_live_quote_is_refused(status: QuoteStatus) -> None:
    with pytest.raises(Refused) as caught:
        win_opportunity(
            make_opportunity(), quotes=[make_quote(status=status)], today=TODAY, now=NOW
        )
    assert str(caught.value) == (
        "opportunity OPP-0001 has open quote(s) QUO-0001; close or delete them before the "
        "opportunity can be won"
    )


def test_losing_an_opportunity_with_a_live_quote_is_refused() -> None:
    with pytest.raises(Refused) as caught:
        lose_opportunity(
            make_opportunity(), "canceled", quotes=[active_quote()], today=TODAY, now=NOW
        )
    assert str(caught.value) == (
        "opportunity OPP-0001 has open quote(s) QUO-0001; close or delete them before the "
        "opportunity can be lost"
    )


def test_an_opportunity_whose_quotes_are_all_closed_can_be_lost() -> None:
    closed = make_quote(status=QuoteStatus.CLOSED, status_reason="lost")
    lost, _ = lose_opportunity(
        make_opportunity(), "canceled", quotes=[closed], today=TODAY, now=NOW
    )
    assert lost.status is OpportunityStatus.LOST


def _accepted() -> tuple[Opportunity, Order]:
    result = accept_quote(
        active_quote(),
        opportunity=make_opportunity(),
        quotes=[],
        numbers=Numbers(),
        today=TODAY,
        now=NOW,
    )
    return result.opportunity, result.order


def test_reopening_a_won_opportunity_with_an_order_is_refused() -> None:
    opportunity, order = _accepted()
    with pytest.raises(Refused) as caught:
        reopen_opportunity(opportunity, orders=[order], now=NOW)
    assert str(caught.value) == (
        "opportunity OPP-0001 is won with order(s) ORD-0001; a won opportunity with an order "
        "cannot be reopened (cancel the order first)"
    )


def test_a_won_opportunity_whose_order_is_canceled_can_be_reopened() -> None:
    opportunity, order = _accepted()
    canceled = order.model_copy(update={"status": OrderStatus.CANCELED})
    reopened, _ = reopen_opportunity(opportunity, orders=[canceled], now=NOW)
    assert reopened.status is OpportunityStatus.OPEN
