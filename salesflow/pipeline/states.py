"""State machines as tables, and the one guard that turns a forbidden move into a clear refusal."""

from __future__ import annotations

from dataclasses import dataclass

from salesflow.errors import Refused


@dataclass(frozen=True)
class Transition:
    """An action allowed from some statuses; `target` is the status it leads to (None: same)."""

    allowed: tuple[str, ...]
    target: str | None
    verb: str


PLURALS = {"opportunity": "opportunities", "activity": "activities"}

MACHINES: dict[str, dict[str, Transition]] = {
    "lead": {
        "edit": Transition(("open",), None, "edited"),
        "qualify": Transition(("open",), "qualified", "qualified"),
        "disqualify": Transition(("open",), "disqualified", "disqualified"),
        "reactivate": Transition(("disqualified",), "open", "reactivated"),
    },
    "opportunity": {
        "edit": Transition(("open",), None, "edited"),
        "stage": Transition(("open",), None, "moved to another stage"),
        "add-product": Transition(("open",), None, "given products"),
        "remove-product": Transition(("open",), None, "changed"),
        "edit-line": Transition(("open",), None, "changed"),
        "quote": Transition(("open",), None, "quoted"),
        "win": Transition(("open",), "won", "won"),
        "lose": Transition(("open",), "lost", "lost"),
        "reopen": Transition(("won", "lost"), "open", "reopened"),
    },
    "quote": {
        "edit": Transition(("draft",), None, "edited"),
        "reference": Transition(("draft", "active", "won"), None, "given a customer reference"),
        "discount": Transition(("draft",), None, "discounted"),
        "delete": Transition(("draft",), None, "deleted"),
        "activate": Transition(("draft",), "active", "activated"),
        "accept": Transition(("active",), "won", "accepted"),
        "close": Transition(("active",), "closed", "closed"),
        "revise": Transition(("active", "closed"), "closed", "revised"),
        "send": Transition(("active", "won"), None, "sent"),
    },
    "order": {
        "fulfil": Transition(("active",), "fulfilled", "fulfilled"),
        "cancel": Transition(("active",), "canceled", "canceled"),
        # its invoice was cancelled: active again, to be fulfilled (invoiced) anew or canceled
        "rebill": Transition(("fulfilled",), "active", "billed again"),
    },
    "invoice": {
        "pay": Transition(("unpaid", "partially-paid"), None, "paid"),
        "cancel": Transition(("unpaid",), "canceled", "canceled"),
        "send": Transition(("unpaid", "partially-paid", "paid"), None, "sent"),
        "credit": Transition(("unpaid", "partially-paid"), None, "credited"),
    },
    "activity": {
        "edit": Transition(("open", "done"), None, "edited"),
        "reschedule": Transition(("open",), None, "rescheduled"),
        "done": Transition(("open",), "done", "completed"),
        "cancel": Transition(("open",), "canceled", "canceled"),
        "carry": Transition(("open",), None, "carried over"),
    },
}


def can(kind: str, action: str, status: str) -> bool:
    return status in MACHINES[kind][action].allowed


def guard(
    kind: str, number: str, status: str, action: str, reason: str | None = None
) -> Transition:
    """The transition for `action`, or Refused naming the record, its status and what is allowed.

    `lead L-0003 is disqualified (no-longer-interested); only open leads can be qualified`
    """
    transition = MACHINES[kind][action]
    if status not in transition.allowed:
        shown = f"{status} ({reason})" if reason and reason != status else status
        plural = PLURALS.get(kind, kind + "s")
        allowed = " or ".join(transition.allowed)
        raise Refused(
            f"{kind} {number} is {shown}; only {allowed} {plural} can be {transition.verb}"
        )
    return transition
