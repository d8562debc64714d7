"""State machines are tables; one guard turns a forbidden move into a message naming everything."""

from __future__ import annotations

from enum import StrEnum

import pytest

from salesflow.errors import Refused
from salesflow.models import (
    ActivityStatus,
    InvoiceStatus,
    LeadStatus,
    OpportunityStatus,
    OrderStatus,
    QuoteStatus,
)
from salesflow.pipeline.states import MACHINES, can, guard

STATUSES: dict[str, type[StrEnum]] = {
    "lead": LeadStatus,
    "opportunity": OpportunityStatus,
    "quote": QuoteStatus,
    "order": OrderStatus,
    "invoice": InvoiceStatus,
    "activity": ActivityStatus,
}


def refusal(*args: str | None) -> str:
    with pytest.raises(Refused) as error:
        guard(*args)  # type: ignore[arg-type]
    assert error.value.exit_code == 1
    return str(error.value)


def test_the_guard_names_record_status_reason_and_what_is_allowed() -> None:
    assert refusal("lead", "L-0003", "disqualified", "qualify", "no-longer-interested") == (
        "lead L-0003 is disqualified (no-longer-interested); only open leads can be qualified"
    )


def test_a_reason_equal_to_the_status_is_not_repeated() -> None:
    assert refusal("lead", "L-0001", "qualified", "qualify", "qualified") == (
        "lead L-0001 is qualified; only open leads can be qualified"
    )


def test_several_allowed_statuses_are_joined_with_or() -> None:
    assert refusal("opportunity", "OPP-0001", "open", "reopen") == (
        "opportunity OPP-0001 is open; only won or lost opportunities can be reopened"
    )
    assert refusal("invoice", "INV-2026-0001", "paid", "pay") == (
        "invoice INV-2026-0001 is paid; only unpaid or partially-paid invoices can be paid"
    )


def test_the_guard_uses_the_plural_of_opportunity() -> None:
    assert refusal("opportunity", "OPP-0002", "lost", "win") == (
        "opportunity OPP-0002 is lost; only open opportunities can be won"
    )


def test_an_allowed_move_returns_its_transition() -> None:
    transition = guard("lead", "L-0001", "open", "qualify", "new")
    assert (transition.allowed, transition.target, transition.verb) == (
        ("open",),
        "qualified",
        "qualified",
    )


def test_can_answers_from_the_table() -> None:
    assert can("lead", "reactivate", "disqualified")
    assert not can("lead", "reactivate", "open")
    assert can("opportunity", "reopen", "won")
    assert not can("opportunity", "add-product", "won")


@pytest.mark.parametrize("kind", sorted(MACHINES))
def test_every_status_in_the_tables_is_a_status_of_the_model(kind: str) -> None:
    known = {status.value for status in STATUSES[kind]}
    for action, transition in MACHINES[kind].items():
        assert set(transition.allowed) <= known, (kind, action, transition.allowed)
        assert transition.target is None or transition.target in known, (kind, action)


@pytest.mark.parametrize("kind", ["lead", "opportunity", "quote", "order", "activity"])
def test_every_status_can_be_reached_from_the_first_one(kind: str) -> None:
    # Invoices are left out: paying one moves it to partially-paid or paid by the amount.
    statuses = [status.value for status in STATUSES[kind]]
    reached = {statuses[0]}
    frontier = [statuses[0]]
    while frontier:
        status = frontier.pop()
        for transition in MACHINES[kind].values():
            target = transition.target
            if status in transition.allowed and target is not None and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(statuses)


def test_the_lead_machine_is_the_one_dynamics_has() -> None:
    moves = {
        action: (transition.allowed, transition.target)
        for action, transition in MACHINES["lead"].items()
    }
    assert moves == {
        "edit": (("open",), None),
        "qualify": (("open",), "qualified"),
        "disqualify": (("open",), "disqualified"),
        "reactivate": (("disqualified",), "open"),
    }


def test_paying_and_crediting_are_the_invoice_moves_whose_target_depends_on_the_amount() -> None:
    # `send` keeps the status; `pay` and `credit` settle the invoice only for its whole balance.
    targets = {action: t.target for action, t in MACHINES["invoice"].items()}
    assert targets == {"pay": None, "cancel": "canceled", "send": None, "credit": None}
