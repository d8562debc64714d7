"""The PostgreSQL backend: schema, queries, counters, errors (a real throwaway server)."""

from __future__ import annotations

import contextlib
import threading
from datetime import date
from typing import Any

import psycopg
import pytest

from salesflow.errors import LockTimeout, NotFound, StoreError, UsageError
from salesflow.models import Event, Lead, Quote
from salesflow.store import Store, open_backend
from salesflow.store.contract import Match
from salesflow.store.postgres import ConcurrentChange, PostgresBackend
from salesflow.store.postgres.schema import SCHEMA_VERSION
from salesflow.store.postgres.urls import checked, is_database_url, shown
from tests.conftest import NOW, TODAY


def lead(number: str, **fields: Any) -> Lead:
    return Lead(number=number, created_on=TODAY, **fields)


def tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchall()
    return {row[0] for row in rows}


# -- URLs --------------------------------------------------------------------------------------


def test_database_urls_are_told_from_paths() -> None:
    assert is_database_url("postgresql:///sales")
    assert is_database_url("postgres://db.example/sales")
    assert not is_database_url("sales.json")
    assert not is_database_url("/home/me/postgresql.json")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ada:s3cret@db.example/sales",
        "postgresql://db.example/sales?password=s3cret",
        "postgresql://ada:@db.example/sales",
    ],
)
def test_a_url_with_a_password_is_refused_without_echoing_it(url: str) -> None:
    with pytest.raises(UsageError) as refused:
        checked(url)
    assert "s3cret" not in str(refused.value)
    assert "~/.pgpass" in str(refused.value)


def test_a_shown_url_never_holds_a_password() -> None:
    assert shown("postgresql://ada:s3cret@db.example:5433/sales?password=x&sslmode=require") == (
        "postgresql://ada@db.example:5433/sales?sslmode=require"
    )
    assert shown("postgresql:///sales?host=/run/pg") == "postgresql:///sales?host=/run/pg"


def test_open_backend_chooses_by_target(tmp_path: Any) -> None:
    assert isinstance(open_backend(tmp_path / "sales.json"), Store)
    assert isinstance(open_backend(str(tmp_path / "sales.json")), Store)
    assert isinstance(open_backend("postgresql:///sales"), PostgresBackend)


# -- schema ------------------------------------------------------------------------------------


def test_init_creates_the_schema_once(pg_url: str) -> None:
    backend = PostgresBackend(pg_url)
    assert backend.schema() == 0
    assert backend.init() == (0, SCHEMA_VERSION)
    assert {"meta", "counters", "events", "leads", "quotes", "invoices"} <= tables(pg_url)
    assert backend.init() == (SCHEMA_VERSION, SCHEMA_VERSION)
    assert backend.schema() == SCHEMA_VERSION
    with backend.reading() as unit:
        assert unit.config() == {"currency": "EUR"}  # as a new data file states it


def test_the_first_command_creates_the_schema(pg_url: str) -> None:
    with PostgresBackend(pg_url).reading() as unit:
        assert unit.all(Lead) == []
    assert "leads" in tables(pg_url)


def test_a_newer_schema_is_refused(pg_url: str) -> None:
    backend = PostgresBackend(pg_url)
    backend.init()
    with psycopg.connect(pg_url) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(StoreError, match="schema version 99, newer"), backend.reading():
        pass
    with pytest.raises(StoreError, match="schema version 99, newer"):
        backend.init()


# -- records and queries -----------------------------------------------------------------------


@pytest.fixture
def backend(pg_url: str) -> PostgresBackend:
    return PostgresBackend(pg_url, lock_timeout=1)


def test_records_by_number_in_any_case_and_typed_short(backend: PostgresBackend) -> None:
    with backend.writing() as unit:
        unit.put(lead("L-0001", company="Analytical"), lead("L-0002", company="Babbage"))
    with backend.reading() as unit:
        assert unit.get(Lead, "l-0002").company == "Babbage"
        assert unit.find(Lead, "2") is not None
        assert unit.find(Lead, "L-0009") is None
        with pytest.raises(NotFound, match=r"^lead L-0009 not found$"):
            unit.get(Lead, "9")
        assert unit.count(Lead) == 2


def test_put_replaces_keeping_creation_order_and_remove_deletes(backend: PostgresBackend) -> None:
    with backend.writing() as unit:
        unit.put(lead("L-0001", company="A"), lead("L-0002", company="B"))
    with backend.writing() as unit:
        unit.put(lead("L-0001", company="A2"))
        assert unit.get(Lead, "L-0001").company == "A2"  # reads see the unit's own changes
        unit.remove(unit.get(Lead, "L-0002"))
        unit.put(lead("L-0003", company="C"))
    with backend.reading() as unit:
        assert [(r.number, r.company) for r in unit.all(Lead)] == [
            ("L-0001", "A2"),
            ("L-0003", "C"),
        ]


def test_match_is_case_insensitive_with_defaults(backend: PostgresBackend) -> None:
    stored = [
        {"number": "L-0001", "company": "A", "created_on": "2026-11-27", "status": "open"},
        {"number": "L-0002", "company": "B", "created_on": "2026-11-27", "status": "qualified"},
        {"number": "L-0003", "company": "C", "created_on": "2026-11-27", "source": "Web"},
        {"number": "L-0004", "company": "D", "created_on": "2026-11-27", "source": ""},
    ]
    with backend.writing() as unit:
        unit.add_stored(Lead, stored)
    with backend.reading() as unit:

        def numbers(where: Match) -> list[str]:
            return [r.number for r in unit.all(Lead, where)]

        def reference(where: Match) -> list[str]:
            return [d["number"] for d in stored if where.matches(d)]

        for where in (
            Match.where(status="OPEN", defaults={"status": "open"}),
            Match.where(status="open"),
            Match.where(status=("qualified", "open"), defaults={"status": "open"}),
            Match.where(source="web"),
            Match.where(source="", company=("d", "c")),
            Match.where(source="fair", defaults={"source": "Fair"}),
            Match.where(source="WEB", company="c"),
            Match.where(number="l-0002"),
            Match.where(within={"created_on": (date(2026, 11, 27), None)}),
            Match.where(within={"created_on": (None, date(2026, 11, 26))}),
            Match.either(Match.where(source="web"), Match.where(status="qualified")),
            Match.either(Match.where(company="a"), Match()),
            Match(),
        ):
            assert numbers(where) == reference(where), where
            assert unit.count(Lead, where) == len(reference(where))


def test_a_bulk_add_stores_what_one_by_one_stores(pg_url: str, backend: PostgresBackend) -> None:
    """COPY's text format: backslashes, tabs and line breaks in the columns and the document,
    empty and missing fields as NULL columns, the same rows as `put_stored` writes."""
    odd = "Tab\there\\back\nnew\rline \\N ÉÇ"
    stored = [
        {"number": "L-0001", "company": odd, "notes": odd, "owner": odd, "email": "", "n": 1.5},
        {"number": "l-0002", "company": "B", "status": "Open", "account": "ACC-0001"},
    ]
    with backend.writing() as unit:
        unit.add_stored(Lead, stored)
    with psycopg.connect(pg_url) as conn:
        bulk = conn.execute(
            "SELECT key, number, status, email, account, owner, doc FROM leads ORDER BY id"
        ).fetchall()
        conn.execute("DELETE FROM leads")
    with backend.writing() as unit:
        for doc in stored:
            unit.put_stored(Lead, doc)
    with psycopg.connect(pg_url) as conn:
        one_by_one = conn.execute(
            "SELECT key, number, status, email, account, owner, doc FROM leads ORDER BY id"
        ).fetchall()
    assert bulk == one_by_one
    assert bulk == [
        ("L-0001", "l-0001", None, None, None, odd.casefold(), stored[0]),
        ("L-0002", "l-0002", "open", None, "acc-0001", None, stored[1]),
    ]


def test_revisions_and_quotes_of(backend: PostgresBackend) -> None:
    def quote(number: str, revision: int, opportunity: str) -> dict[str, Any]:
        return {
            "number": number,
            "revision": revision,
            "opportunity": opportunity,
            "created_on": "2026-11-27",
            "valid_until": "2026-12-27",
            "lines": [],
        }

    with backend.writing() as unit:
        unit.add_stored(
            Quote,
            [
                quote("QUO-0001", 1, "OPP-0001"),
                quote("QUO-0002", 1, "OPP-0002"),
                quote("QUO-0001", 2, "OPP-0001"),
            ],
        )
    with backend.reading() as unit:
        assert [q.revision for q in unit.revisions("quo-0001")] == [1, 2]  # type: ignore[attr-defined]
        assert len(unit.quotes_of("opp-0001")) == 2
        assert unit.get(Quote, "QUO-0001#2").revision == 2


def test_index_by_and_group_by(backend: PostgresBackend) -> None:
    with backend.writing() as unit:
        unit.put(
            lead("L-0001", email="Ada@X.example"),
            lead("L-0002", email="bob@x.example"),
            lead("L-0003", email="ada@x.example"),
        )
    with backend.reading() as unit:
        by_email = unit.index_by(Lead, "email", lambda v: str(v or "").lower())
        assert by_email["ada@x.example"].number == "L-0001"  # the first one wins
        groups = unit.group_by(Lead, "email", lambda v: str(v or "").lower())
        assert [r.number for r in groups("ada@x.example")] == ["L-0001", "L-0003"]
        assert groups("nobody") == []
        kinds = {(k, n, e) for k, n, e, *_ in unit.emails_and_names()}
        assert ("lead", "L-0002", "bob@x.example") in kinds


def test_events_by_number_oldest_first(backend: PostgresBackend) -> None:
    with backend.writing() as unit:
        unit.add_events(Event(at=NOW, number=f"L-{i % 3:04}", kind="created") for i in range(60))
        unit.add_events([Event(at=NOW, number="L-0001", kind="qualified")])
    with backend.reading() as unit:
        assert len(unit.events()) == 61
        mine = unit.events({"l-0001"})
        assert len(mine) == 21 and mine[-1].kind == "qualified"


def test_an_error_inside_the_block_keeps_nothing(backend: PostgresBackend) -> None:
    with pytest.raises(ValueError), backend.writing() as unit:
        unit.put(lead("L-0001"))
        unit.next_numbers("L")
        raise ValueError
    with backend.reading() as unit:
        assert unit.count(Lead) == 0
        assert unit.counter("L") == 0


def test_savepoint_rollback(backend: PostgresBackend) -> None:
    with backend.writing() as unit:
        unit.put(lead("L-0001"))
        mark = unit.savepoint()
        unit.put(lead("L-0002"))
        assert unit.next_numbers("L", 2) == [1, 2]
        unit.set_config({"currency": "USD"})
        unit.rollback(mark)
        assert unit.config()["currency"] == "EUR"
        assert unit.next_numbers("L") == [1]
    with backend.reading() as unit:
        assert [r.number for r in unit.all(Lead)] == ["L-0001"]
        assert unit.counters() == {"L": 1}


def test_a_read_only_unit_refuses_changes(backend: PostgresBackend) -> None:
    with backend.reading() as unit, pytest.raises(RuntimeError):
        unit.put(lead("L-0001"))


# -- counters under concurrency ----------------------------------------------------------------


@pytest.mark.slow
def test_numbers_are_unique_and_gapless_under_concurrent_writers(backend: PostgresBackend) -> None:
    backend.init()
    backend.lock_timeout = 30
    taken: list[int] = []
    failures: list[BaseException] = []

    def command_of(index: int, round_: int) -> Any:
        def command(unit: Any) -> list[int]:
            numbers = unit.next_numbers("INV-2026")
            if (index + round_) % 5 == 0:
                raise ValueError("a command that fails hands no number out")
            unit.put(lead(f"L-{index:02}{round_:02}"))
            return numbers  # type: ignore[no-any-return]

        return command

    def writer(index: int) -> None:
        try:
            for round_ in range(15):
                with contextlib.suppress(ValueError):
                    taken.extend(backend.run_writing(command_of(index, round_)))
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(taken) == list(range(1, len(taken) + 1))
    with backend.reading() as unit:
        assert unit.counter("INV-2026") == len(taken) == unit.count(Lead)


@pytest.mark.slow
def test_a_deadlock_runs_the_command_again(backend: PostgresBackend) -> None:
    backend.init()
    backend.lock_timeout = 30
    both = threading.Barrier(2, timeout=10)
    runs = {"A": 0, "B": 0}
    results: dict[str, list[int]] = {}

    def writer(name: str, first: str, second: str) -> None:
        def command(unit: Any) -> list[int]:
            runs[name] += 1
            numbers = unit.next_numbers(first)
            if runs[name] == 1:
                both.wait()  # each holds its first counter row: the second one deadlocks
            return [*numbers, *unit.next_numbers(second)]  # type: ignore[no-any-return]

        results[name] = backend.run_writing(command)

    with backend.writing() as unit:  # both rows exist, so each writer locks one at once
        unit.next_numbers("X")
        unit.next_numbers("Y")
    threads = [
        threading.Thread(target=writer, args=("A", "X", "Y")),
        threading.Thread(target=writer, args=("B", "Y", "X")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(runs.values()) == [1, 2]  # the one the server chose as victim ran again
    assert sorted(results) == ["A", "B"]
    with backend.reading() as unit:
        assert unit.counters() == {"X": 3, "Y": 3}


def test_retries_are_bounded(backend: PostgresBackend) -> None:
    runs = []

    def command(unit: Any) -> None:
        runs.append(1)
        raise psycopg.errors.SerializationFailure("could not serialize access")

    with pytest.raises(ConcurrentChange, match="Run the command again"):
        backend.run_writing(command)
    assert len(runs) == 5


# -- lock timeout and a lost connection --------------------------------------------------------


def test_a_writer_waits_at_most_the_lock_timeout(pg_url: str) -> None:
    backend = PostgresBackend(pg_url, lock_timeout=0.2)
    with backend.writing() as unit:
        unit.next_numbers("L")
    with psycopg.connect(pg_url) as holder:
        holder.execute("SELECT value FROM counters WHERE series = 'L' FOR UPDATE")
        with pytest.raises(LockTimeout) as timeout, backend.writing() as unit:
            unit.next_numbers("L")
    assert timeout.value.exit_code == 4
    assert "is in use by another salesflow process (waited 0.2 s)" in str(timeout.value)
    with backend.reading() as unit:
        assert unit.counter("L") == 1


def test_a_lost_connection_is_exit_4_and_keeps_nothing(pg_url: str) -> None:
    backend = PostgresBackend(pg_url)
    backend.init()
    with pytest.raises(StoreError) as lost, backend.writing() as unit:
        unit.put(lead("L-0001"))
        pid = unit.conn.info.backend_pid
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        unit.put(lead("L-0002"))
    assert lost.value.exit_code == 4
    assert "lost the connection to database" in str(lost.value)
    assert "nothing was written" in str(lost.value)
    with backend.reading() as unit:
        assert unit.count(Lead) == 0


def test_an_unreachable_server_is_exit_4(tmp_path: Any) -> None:
    backend = PostgresBackend(f"postgresql:///nothing?host={tmp_path}&connect_timeout=2")
    with pytest.raises(StoreError) as failed, backend.reading():
        pass
    assert failed.value.exit_code == 4
    assert str(failed.value).startswith(
        f"cannot connect to database postgresql:///nothing?host={tmp_path}"
    )


def test_values_event_count_and_contents(backend: PostgresBackend) -> None:
    from salesflow.pipeline.doctor import diagnose

    with backend.writing() as unit:
        unit.put(lead("L-0001", company="A", city="Delft"), lead("L-0002", company="B"))
        unit.next_numbers("L", 2)
        unit.add_events([Event(at=NOW, number="L-0001", kind="created")])
    with backend.reading() as unit:
        assert list(unit.values(Lead, ["number", "city"])) == [
            ("L-0001", "Delft"),
            ("L-0002", None),
        ]
        assert list(unit.values(Lead, ["company"], Match.where(number="l-0002"))) == [("B",)]
        assert unit.event_count() == 1
        tables = unit.contents()
        assert [doc["number"] for doc in tables["leads"].values()] == ["L-0001", "L-0002"]
        assert tables["_meta"]["1"]["counters"] == {"L": 2}
        assert diagnose(tables) == []  # type: ignore[arg-type]
