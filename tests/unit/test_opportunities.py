"""Opportunities: stages and probability, revenue from lines, win, lose, reopen, and the machine."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.errors import InvalidValue, NotFound, Refused
from salesflow.models import (
    Event,
    Opportunity,
    OpportunityStatus,
    Order,
    OrderStatus,
    Product,
    Quote,
    QuoteStatus,
    Stage,
)
from salesflow.pipeline.lines import LineSpec
from salesflow.pipeline.opportunities import (
    OpportunityFields,
    add_product,
    create_opportunity,
    edit_opportunity,
    lose_opportunity,
    remove_product,
    reopen_opportunity,
    set_stage,
    win_opportunity,
)
from salesflow.pipeline.states import can
from tests.conftest import NOW, TODAY

CATALOG = {
    "DAY": Product(
        sku="DAY",
        name="Consulting day",
        price=Decimal("800.00"),
        tax_rate=Decimal(21),
        created_on=date(2026, 1, 1),
    )
}


def opportunity(**fields: Any) -> Opportunity:
    values: dict[str, Any] = {"name": "Engines", "account": "ACC-0001", "created_on": TODAY}
    values.update(fields)
    return Opportunity(number="OPP-0001", **values)


def with_product(opp: Opportunity, quantity: str = "1", **spec: Any) -> Opportunity:
    updated, _ = add_product(
        opp,
        LineSpec(quantity=quantity, **({"sku": "DAY"} | spec)),
        products=CATALOG,
        default_tax_rate=Decimal(21),
        now=NOW,
    )
    return updated


def message(error: pytest.ExceptionInfo[Exception]) -> str:
    return str(error.value)


# --- creating and editing ------------------------------------------------------------------------


def test_a_new_opportunity_is_open_in_stage_qualify_with_an_event() -> None:
    opp, created = create_opportunity(
        OpportunityFields(name=" Engines ", estimated_revenue="1000", close_date="2027-03-31"),
        account="ACC-0001",
        number="OPP-0002",
        currency="EUR",
        today=TODAY,
        now=NOW,
    )
    assert (opp.number, opp.name, opp.status, opp.stage, opp.probability) == (
        "OPP-0002",
        "Engines",
        OpportunityStatus.OPEN,
        Stage.QUALIFY,
        20,
    )
    assert (opp.estimated_revenue, opp.weighted_revenue) == (Decimal(1000), Decimal(200))
    assert opp.close_date == date(2027, 3, 31)
    assert (created.kind, created.from_state, created.to_state) == ("created", None, "open")
    assert created.details == {
        "account": "ACC-0001",
        "stage": "qualify",
        "estimated_revenue": "1000.00",
    }


def test_a_new_opportunity_needs_a_name() -> None:
    with pytest.raises(InvalidValue) as error:
        create_opportunity(
            OpportunityFields(),
            account="A",
            number="OPP-0001",
            currency="EUR",
            today=TODAY,
            now=NOW,
        )
    assert message(error) == "opportunity needs a name (--name)"


def test_editing_an_opportunity_with_an_empty_name_is_refused() -> None:
    with pytest.raises(InvalidValue) as error:
        edit_opportunity(opportunity(), OpportunityFields(name=" "), now=NOW)
    assert message(error) == "opportunity OPP-0001 needs a name"


def test_editing_records_the_changed_fields() -> None:
    updated, edited = edit_opportunity(
        opportunity(), OpportunityFields(name="Engines", probability="35"), now=NOW
    )
    assert updated.probability == 35
    assert edited.details == {"fields": ["user_probability"]}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            OpportunityFields(probability="101"),
            "opportunity OPP-0001: probability '101' is out of range; it must be from 0 to 100",
        ),
        (
            OpportunityFields(probability="half"),
            "opportunity OPP-0001: probability 'half' is not a whole number",
        ),
        (
            OpportunityFields(close_date="next week"),
            "opportunity OPP-0001: close date 'next week' is not a date; use YYYY-MM-DD",
        ),
        (
            OpportunityFields(estimated_revenue="-1"),
            "opportunity OPP-0001: estimated revenue '-1' is negative; it must be 0 or more",
        ),
    ],
)
def test_editing_with_bad_values_is_refused(fields: OpportunityFields, expected: str) -> None:
    with pytest.raises(InvalidValue) as error:
        edit_opportunity(opportunity(), fields, now=NOW)
    assert message(error) == expected


def test_editing_a_won_opportunity_is_refused() -> None:
    with pytest.raises(Refused) as error:
        edit_opportunity(opportunity(status="won"), OpportunityFields(name="X"), now=NOW)
    assert message(error) == "opportunity OPP-0001 is won; only open opportunities can be edited"


# --- stages and probability ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "probability"), [("qualify", 20), ("develop", 40), ("propose", 60), ("CLOSE", 80)]
)
def test_the_default_probability_follows_the_stage(stage: str, probability: int) -> None:
    moved, event = set_stage(opportunity(), stage, now=NOW)
    assert moved.probability == probability
    assert (event.kind, event.from_state, event.to_state) == ("stage", "qualify", stage.lower())
    assert event.details == {"probability": probability}


def test_a_user_probability_wins_over_the_stage() -> None:
    moved, _ = set_stage(opportunity(user_probability=5), "propose", now=NOW)
    assert moved.probability == 5


def test_clearing_the_probability_goes_back_to_the_stage_default() -> None:
    cleared, _ = edit_opportunity(
        opportunity(stage="develop", user_probability=5), OpportunityFields(probability=""), now=NOW
    )
    assert cleared.probability == 40


def test_an_unknown_stage_is_refused() -> None:
    with pytest.raises(InvalidValue) as error:
        set_stage(opportunity(), "negotiate", now=NOW)
    assert message(error) == "stage 'negotiate' is not one of: qualify, develop, propose, close"


def test_moving_a_lost_opportunity_is_refused() -> None:
    with pytest.raises(Refused) as error:
        set_stage(opportunity(status="lost"), "develop", now=NOW)
    assert message(error) == (
        "opportunity OPP-0001 is lost; only open opportunities can be moved to another stage"
    )


def test_weighted_revenue_is_estimate_times_probability_in_cents() -> None:
    opp = opportunity(user_estimated_revenue=Decimal("1234.56"), stage="propose")
    assert str(opp.weighted_revenue) == "740.74"  # 740.736


# --- estimated revenue and lines -----------------------------------------------------------------


def test_without_lines_or_user_value_the_estimate_is_zero() -> None:
    assert str(opportunity().estimated_revenue) == "0.00"


def test_with_lines_and_no_user_value_the_estimate_is_the_subtotal() -> None:
    opp = with_product(with_product(opportunity(), "2"), "1", discount="10%")
    assert [str(line.amount) for line in opp.lines] == ["1600.00", "720.00"]
    assert (str(opp.subtotal), str(opp.tax), str(opp.total)) == ("2320.00", "487.20", "2807.20")
    assert opp.estimated_revenue == Decimal("2320.00")
    assert str(opp.weighted_revenue) == "464.00"


def test_a_user_estimate_wins_over_the_lines() -> None:
    opp = with_product(opportunity(user_estimated_revenue=Decimal(100)), "2")
    assert opp.estimated_revenue == Decimal(100)


def test_clearing_the_user_estimate_goes_back_to_the_subtotal() -> None:
    opp = with_product(opportunity(user_estimated_revenue=Decimal(100)))
    cleared, _ = edit_opportunity(opp, OpportunityFields(estimated_revenue=""), now=NOW)
    assert cleared.estimated_revenue == Decimal("800.00")


def test_adding_a_product_numbers_the_line_and_records_an_event() -> None:
    opp = with_product(opportunity())
    updated, added = add_product(
        opp,
        LineSpec(quantity="1.5", write_in="Travel", price="100"),
        products=CATALOG,
        default_tax_rate=Decimal(9),
        now=NOW,
    )
    assert [line.line_no for line in updated.lines] == [1, 2]
    assert updated.lines[1].tax_rate == Decimal(9)
    assert (added.kind, added.details) == (
        "line-added",
        {"line": 2, "description": "Travel", "quantity": "1.5", "amount": "150.00"},
    )
    assert len(opp.lines) == 1


def test_removing_a_product_moves_the_later_lines_up_a_number() -> None:
    opp = with_product(with_product(with_product(opportunity()), quantity="2"), quantity="3")
    updated, removed = remove_product(opp, 2, now=NOW)
    assert [(line.line_no, line.quantity) for line in updated.lines] == [(1, 1), (2, 3)]
    assert (removed.kind, removed.details) == ("line-removed", {"line": 2})
    assert len(opp.lines) == 3


def test_removing_a_missing_line_is_not_found() -> None:
    with pytest.raises(NotFound) as error:
        remove_product(opportunity(), 1, now=NOW)
    assert message(error) == "opportunity OPP-0001 has no line 1"


def test_adding_a_product_to_a_won_opportunity_is_refused() -> None:
    with pytest.raises(Refused) as error:
        with_product(opportunity(status="won"))
    assert message(error) == (
        "opportunity OPP-0001 is won; only open opportunities can be given products"
    )


def test_removing_a_product_from_a_lost_opportunity_is_refused() -> None:
    lost = with_product(opportunity()).model_copy(update={"status": OpportunityStatus.LOST})
    with pytest.raises(Refused) as error:
        remove_product(lost, 1, now=NOW)
    assert message(error) == "opportunity OPP-0001 is lost; only open opportunities can be changed"


# --- win, lose, reopen ---------------------------------------------------------------------------


def test_winning_defaults_the_actual_revenue_to_the_subtotal() -> None:
    opp = with_product(opportunity(user_estimated_revenue=Decimal(5000)), "2")
    won, event = win_opportunity(opp, today=TODAY, now=NOW)
    assert (won.status, won.status_reason, won.stage, won.closed_on) == (
        OpportunityStatus.WON,
        "won",
        Stage.CLOSE,
        TODAY,
    )
    assert won.actual_revenue == Decimal("1600.00")
    assert (event.kind, event.from_state, event.to_state, event.details) == (
        "won",
        "open",
        "won",
        {"actual_revenue": "1600.00"},
    )


def test_winning_without_lines_defaults_the_actual_revenue_to_the_estimate() -> None:
    won, _ = win_opportunity(
        opportunity(user_estimated_revenue=Decimal(5000)), today=TODAY, now=NOW
    )
    assert won.actual_revenue == Decimal(5000)


def test_winning_with_an_explicit_actual_revenue() -> None:
    won, _ = win_opportunity(
        with_product(opportunity()), actual_revenue="750.5050", today=TODAY, now=NOW
    )
    assert str(won.actual_revenue) == "750.51"


def test_winning_with_a_negative_actual_revenue_is_refused() -> None:
    with pytest.raises(InvalidValue) as error:
        win_opportunity(opportunity(), actual_revenue="-1", today=TODAY, now=NOW)
    assert message(error) == "actual revenue '-1' is negative; it must be 0 or more"


def test_winning_a_lost_opportunity_is_refused() -> None:
    lost, _ = lose_opportunity(opportunity(), "out-sold", today=TODAY, now=NOW)
    with pytest.raises(Refused) as error:
        win_opportunity(lost, today=TODAY, now=NOW)
    assert message(error) == "opportunity OPP-0001 is lost; only open opportunities can be won"


def test_winning_with_an_open_quote_is_refused() -> None:
    quotes = [
        Quote(
            number=f"QUO-000{n}",
            opportunity="OPP-0001",
            status=status,
            valid_until=TODAY,
            created_on=TODAY,
        )
        for n, status in ((2, QuoteStatus.ACTIVE), (1, QuoteStatus.DRAFT), (3, QuoteStatus.CLOSED))
    ]
    with pytest.raises(Refused) as error:
        win_opportunity(opportunity(), quotes=quotes, today=TODAY, now=NOW)
    assert message(error) == (
        "opportunity OPP-0001 has open quote(s) QUO-0001, QUO-0002; "
        "close or delete them before the opportunity can be won"
    )


@pytest.mark.parametrize("reason", ["canceled", "Out-Sold"])
def test_losing_records_the_reason_and_competitor(reason: str) -> None:
    lost, event = lose_opportunity(
        opportunity(), reason, competitor=" Babbage & Co ", today=TODAY, now=NOW
    )
    assert (lost.status, lost.status_reason, lost.competitor, lost.closed_on) == (
        OpportunityStatus.LOST,
        reason.lower(),
        "Babbage & Co",
        TODAY,
    )
    assert (event.kind, event.from_state, event.to_state) == ("lost", "open", "lost")
    assert event.details == {"reason": reason.lower(), "competitor": "Babbage & Co"}


def test_losing_for_an_unknown_reason_is_refused() -> None:
    with pytest.raises(InvalidValue) as error:
        lose_opportunity(opportunity(), "meh", today=TODAY, now=NOW)
    assert message(error) == "loss reason 'meh' is not one of: canceled, out-sold"


def test_losing_a_won_opportunity_is_refused() -> None:
    with pytest.raises(Refused) as error:
        lose_opportunity(opportunity(status="won"), "canceled", today=TODAY, now=NOW)
    assert message(error) == "opportunity OPP-0001 is won; only open opportunities can be lost"


@pytest.mark.parametrize("closed", ["won", "lost"])
def test_reopening_a_closed_opportunity_clears_the_outcome(closed: str) -> None:
    opp = opportunity()
    if closed == "won":
        done, _ = win_opportunity(opp, actual_revenue="10", today=TODAY, now=NOW)
    else:
        done, _ = lose_opportunity(opp, "out-sold", competitor="X", today=TODAY, now=NOW)
    reopened, event = reopen_opportunity(done, now=NOW)
    assert (reopened.status, reopened.status_reason, reopened.actual_revenue) == (
        OpportunityStatus.OPEN,
        None,
        None,
    )
    assert (reopened.competitor, reopened.closed_on) == (None, None)
    assert (event.kind, event.from_state, event.to_state) == ("reopened", closed, "open")


def test_reopening_an_open_opportunity_is_refused() -> None:
    with pytest.raises(Refused) as error:
        reopen_opportunity(opportunity(), now=NOW)
    assert message(error) == (
        "opportunity OPP-0001 is open; only won or lost opportunities can be reopened"
    )


def test_reopening_a_won_opportunity_with_a_live_order_is_refused() -> None:
    won, _ = win_opportunity(opportunity(), today=TODAY, now=NOW)
    orders = [
        Order(
            number=number,
            quote="QUO-0001",
            quote_revision=1,
            opportunity="OPP-0001",
            status=status,
            created_on=TODAY,
        )
        for number, status in (("ORD-0002", OrderStatus.CANCELED), ("ORD-0001", OrderStatus.ACTIVE))
    ]
    with pytest.raises(Refused) as error:
        reopen_opportunity(won, orders=orders, now=NOW)
    assert message(error) == (
        "opportunity OPP-0001 is won with order(s) ORD-0001; a won opportunity with an order "
        "cannot be reopened (cancel the order first)"
    )
    reopened, _ = reopen_opportunity(won, orders=orders[:1], now=NOW)
    assert reopened.status is OpportunityStatus.OPEN


def test_closing_does_not_change_the_input() -> None:
    opp = with_product(opportunity())
    snapshot = opp.model_dump()
    win_opportunity(opp, today=TODAY, now=NOW)
    lose_opportunity(opp, "canceled", today=TODAY, now=NOW)
    set_stage(opp, "propose", now=NOW)
    remove_product(opp, 1, now=NOW)
    assert opp.model_dump() == snapshot


# --- the state machine as a random walk ----------------------------------------------------------

ACTIONS = ("edit", "stage", "add-product", "remove-product", "win", "lose", "reopen")
STATUS_KINDS = {"won", "lost", "reopened"}


def apply(opp: Opportunity, action: str, choice: int) -> tuple[Opportunity, Event]:
    if action == "edit":
        return edit_opportunity(opp, OpportunityFields(probability=str(choice % 101)), now=NOW)
    if action == "stage":
        return set_stage(opp, ("qualify", "develop", "propose", "close")[choice % 4], now=NOW)
    if action == "add-product":
        return add_product(
            opp,
            LineSpec(quantity=str(1 + choice % 3), sku="DAY"),
            products=CATALOG,
            default_tax_rate=Decimal(21),
            now=NOW,
        )
    if action == "remove-product":
        line_no = opp.lines[choice % len(opp.lines)].line_no if opp.lines else 1
        return remove_product(opp, line_no, now=NOW)
    if action == "win":
        return win_opportunity(opp, today=TODAY, now=NOW)
    if action == "lose":
        reason = ("canceled", "out-sold")[choice % 2]
        return lose_opportunity(opp, reason, today=TODAY, now=NOW)
    return reopen_opportunity(opp, now=NOW)


@pytest.mark.slow  # a long property run
@settings(max_examples=150)
@given(st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 1000)), max_size=30))
def test_any_walk_keeps_status_and_lines_explained_by_the_events(
    steps: list[tuple[str, int]],
) -> None:
    opp = opportunity()
    events: list[Event] = []
    for action, choice in steps:
        before = opp
        allowed = can("opportunity", action, opp.status)
        try:
            opp, event = apply(opp, action, choice)
        except Refused:
            assert not allowed, (action, before.status)
            continue
        except NotFound:
            assert action == "remove-product" and not before.lines
            continue
        assert allowed, (action, before.status)
        events.append(event)

    status = "open"
    for event in events:
        if event.kind in STATUS_KINDS:
            assert event.from_state == status
            status = str(event.to_state)
    assert opp.status == status

    lines: list[str] = []  # what each event says, by position
    for event in events:
        if event.kind == "line-added":
            assert event.details["line"] == len(lines) + 1
            lines.append(event.details["quantity"])
        elif event.kind == "line-removed":
            del lines[event.details["line"] - 1]
    assert [line.line_no for line in opp.lines] == list(range(1, len(lines) + 1))
    assert [str(line.quantity) for line in opp.lines] == lines
    assert opp.subtotal == sum((line.amount for line in opp.lines), Decimal("0.00"))
    if opp.status is OpportunityStatus.WON:
        assert opp.stage is Stage.CLOSE and opp.actual_revenue is not None
    if opp.status is OpportunityStatus.OPEN:
        assert (opp.actual_revenue, opp.closed_on) == (None, None)


def test_after_a_removal_the_next_line_gets_the_next_position() -> None:
    from salesflow.pipeline.opportunities import add_product, remove_product

    opp = Opportunity(number="OPP-0001", name="x", created_on=date(2026, 11, 27))
    spec = LineSpec(quantity="1", write_in="Travel", price="10")
    for _ in range(2):
        opp, _event = add_product(opp, spec, products={}, default_tax_rate=Decimal(0), now=NOW)
    opp, _event = remove_product(opp, 2, now=NOW)
    opp, added = add_product(opp, spec, products={}, default_tax_rate=Decimal(0), now=NOW)
    assert [line.line_no for line in opp.lines] == [1, 2]
    assert added.details["line"] == 2


def test_a_won_opportunity_has_probability_100_and_its_whole_revenue_weighted() -> None:
    opp = opportunity(user_estimated_revenue=Decimal("1000.00"), user_probability=30)
    won, _ = win_opportunity(opp, today=TODAY, now=NOW)
    assert (won.probability, won.weighted_revenue) == (100, Decimal("1000.00"))
    assert won.model_dump(mode="json")["probability"] == 100


def test_a_lost_opportunity_has_probability_0_and_no_weighted_revenue() -> None:
    opp = opportunity(user_estimated_revenue=Decimal("1000.00"), stage=Stage.CLOSE)
    lost, _ = lose_opportunity(opp, "out-sold", today=TODAY, now=NOW)
    assert (lost.probability, lost.weighted_revenue) == (0, Decimal("0.00"))


def test_a_reopened_opportunity_gets_its_stage_probability_back() -> None:
    lost, _ = lose_opportunity(opportunity(stage=Stage.PROPOSE), "canceled", today=TODAY, now=NOW)
    reopened, _ = reopen_opportunity(lost, now=NOW)
    assert reopened.probability == 60
