"""Savepoints of a writing session (the batch verbs' per-number undo): a rollback forgets exactly
what was done since its mark, whatever happened before it, and the file written at the end holds
what was kept. Marks are used as a stack: rolling back to one forgets the marks taken after it."""

from __future__ import annotations

import copy
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.models import Lead
from salesflow.pipeline.fields import event
from salesflow.store import Savepoint, Session, Store
from tests.conftest import NOW, TODAY

STORED = ("L-0001", "L-0002", "L-0003")


@dataclass
class Expected:
    """What the session should show: leads by number (last name), counter, setting, events."""

    leads: dict[str, str] = field(default_factory=dict)
    counter: int = 0
    company: str | None = None
    events: int = 0


def _lead(number: str, name: str) -> Lead:
    return Lead(number=number, last_name=name, created_on=TODAY)


def _seed(db: Path) -> Expected:
    with Store(db, lock_timeout=5).writing() as session:
        session.put(*(_lead(n, "stored") for n in STORED))
        session.next_numbers("L", len(STORED))
        session.add_events([event(NOW, n, "created") for n in STORED])
    return Expected(leads=dict.fromkeys(STORED, "stored"), counter=3, events=3)


def _seen(session: Session) -> Expected:
    return Expected(
        leads={lead.number: lead.last_name or "" for lead in session.all(Lead)},
        counter=session.counter("L"),
        company=session.config().get("company"),
        events=len(session.events()),
    )


numbers = st.sampled_from([*STORED, "L-0004", "L-0005"])
steps = st.one_of(
    st.tuples(st.just("put"), numbers, st.sampled_from(["a", "b", "c"])),
    st.tuples(st.just("remove"), numbers),
    st.tuples(st.just("event"), numbers),
    st.tuples(st.just("number")),
    st.tuples(st.just("config"), st.sampled_from(["Acme", "Initech"])),
    st.tuples(st.just("mark")),
    st.tuples(st.just("rollback"), st.integers(min_value=0, max_value=9)),
)


def _apply(session: Session, step: tuple[Any, ...], expected: Expected) -> None:
    kind = step[0]
    if kind == "put":
        session.put(_lead(step[1], step[2]))
        expected.leads[step[1]] = step[2]
    elif kind == "remove":
        found = session.find(Lead, step[1])
        if found is not None:
            session.remove(found)
            del expected.leads[step[1]]
    elif kind == "event":
        session.add_events([event(NOW, step[1], "noted")])
        expected.events += 1
    elif kind == "number":
        session.next_numbers("L")
        expected.counter += 1
    elif kind == "config":
        session.set_config({"company": step[1]})
        expected.company = step[1]


@pytest.mark.slow  # a long property run
@settings(max_examples=150, deadline=None)
@given(st.lists(steps, max_size=40))
def test_a_rollback_forgets_exactly_what_was_done_since_its_mark(
    steps: list[tuple[Any, ...]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "sales.json"
        expected = _seed(db)
        marks: list[tuple[Savepoint, Expected, bool]] = []
        with Store(db, lock_timeout=5).writing() as session:
            for step in steps:
                if step[0] == "mark":
                    marks.append((session.savepoint(), copy.deepcopy(expected), session.changed))
                elif step[0] == "rollback" and marks:
                    index = step[1] % len(marks)
                    mark, then, changed = marks[index]
                    del marks[index + 1 :]
                    session.rollback(mark)
                    expected = copy.deepcopy(then)
                    assert session.changed == changed
                else:
                    _apply(session, step, expected)
                assert _seen(session) == expected, step
        with Store(db, lock_timeout=5).reading() as reread:
            assert _seen(reread) == expected


def test_rolling_back_to_a_mark_taken_before_any_change_leaves_nothing_to_write() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "sales.json"
        _seed(db)
        before = db.read_bytes()
        with Store(db, lock_timeout=5).writing() as session:
            mark = session.savepoint()
            session.put(_lead("L-0004", "new"))
            session.remove(session.get(Lead, "L-0001"))
            session.add_events([event(NOW, "L-0004", "created")])
            session.next_numbers("L")
            session.set_config({"company": "Acme"})
            session.rollback(mark)
            assert not session.changed
        assert db.read_bytes() == before


def test_a_group_lookup_finds_every_record_of_its_group_as_it_is_now() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "sales.json"
        with Store(db, lock_timeout=5).writing() as session:
            for number, company in (("L-0001", "Acme"), ("L-0002", "ACME "), ("L-0003", "Initech")):
                session.put(Lead(number=number, company=company, created_on=TODAY))
        with Store(db, lock_timeout=5).writing() as session:
            session.put(Lead(number="L-0004", company="acme", created_on=TODAY))
            by_company = session.group_by(Lead, "company", lambda v: str(v or "").strip().upper())
            session.put(Lead(number="L-0002", company="ACME", last_name="Now", created_on=TODAY))
            session.remove(session.get(Lead, "L-0001"))
            found = by_company("ACME")
            assert [(lead.number, lead.last_name) for lead in found] == [
                ("L-0002", "Now"),
                ("L-0004", None),
            ]
            assert [lead.number for lead in by_company("INITECH")] == ["L-0003"]
            assert by_company("GLOBEX") == []
