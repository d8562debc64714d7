"""A list in stored order with no filter (`lead list` as typed) read from the start of the table's
JSON: the same records, in the same order and counted the same, as the list made from the parsed
table, on files written the ways salesflow writes them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from salesflow.models import Lead
from salesflow.pipeline.listing import LEADS, ListQuery, arrange, doc_value
from salesflow.store import Store
from salesflow.store.contract import Listing
from salesflow.store.tracking import UnitOfWorkStorage
from tests.conftest import TODAY


def lead(number: str) -> Lead:
    return Lead(number=number, company=f"Firm {number}", created_on=TODAY)


def added(store: Store, *batches: int) -> None:
    """Leads added a batch per write (each appended after the table's end, unparsed)."""
    for count in batches:
        with store.writing() as session:
            session.put(*(lead(f"L-{n:04d}") for n in session.next_numbers("L", count)))


def with_gaps(store: Store) -> None:
    """Every seventh lead removed, then more added: the ids have gaps."""
    added(store, 60)
    with store.writing() as session:
        for number in range(1, 61, 7):
            session.remove(session.get(Lead, f"L-{number:04d}"))
    added(store, 5)


def renumbered(store: Store) -> None:
    """Stored order unlike number order: the newest number stored first, some removed."""
    with store.writing() as session:
        session.put(*(lead(f"L-{n:04d}") for n in range(40, 0, -1)))
    with store.writing() as session:
        for number in (40, 21, 1):
            session.remove(session.get(Lead, f"L-{number:04d}"))


def widening(store: Store) -> None:
    """Numbers past L-9999, which write a digit more."""
    with store.writing() as session:
        session.put(*(lead(f"L-{n:04d}") for n in range(9990, 10013)))
    added(store, 2)


def all_removed(store: Store) -> None:
    added(store, 3)
    with store.writing() as session:
        for number in ("L-0001", "L-0002", "L-0003"):
            session.remove(session.get(Lead, number))


FILES: dict[str, Callable[[Store], None]] = {
    "one batch": lambda store: added(store, 75),
    "appended batches": lambda store: added(store, 1, 30, 2, 40),
    "gaps": with_gaps,
    "renumbered": renumbered,
    "widening": widening,
    "all removed": all_removed,
}


def reference(store: Store, query: ListQuery) -> list[Lead]:
    """The list as made from the parsed table."""
    with store.reading() as session:
        kept = Listing(query, LEADS).kept(session.docs(Lead))
        return [session.load(Lead, doc) for doc in arrange(kept, query, doc_value)]


@pytest.mark.parametrize("shape", list(FILES))
@pytest.mark.parametrize("limit", [None, 0, 1, 7, 50, 1000])
def test_a_list_in_stored_order_reads_the_first_records_and_counts_the_rest(
    tmp_path: Path, shape: str, limit: int | None
) -> None:
    store = Store(tmp_path / "sales.json")
    FILES[shape](store)
    query = ListQuery(limit=limit)
    whole = reference(store, query)
    cut_by_limit = limit is not None and limit < len(reference(store, ListQuery()))
    for cut in sorted({0, 1, 2, 5, 50, len(whole) - 1, len(whole), len(whole) + 3} - {-1}):
        with store.reading() as session:
            listed = session.arranged(Lead, Listing(query, LEADS))
            assert len(listed) == len(whole)
            assert list(listed[:cut]) == whole[:cut]
            assert "leads" in session._storage._unparsed  # read from its JSON, not parsed
            assert len(listed) == len(whole)
            assert list(listed) == whole
            # all of it parses the table; the first --limit leads are read from its JSON
            assert ("leads" in session._storage._unparsed) is cut_by_limit
            assert list(listed[:cut]) == whole[:cut]


def test_a_slice_not_from_the_start_or_an_index_parses_the_table(tmp_path: Path) -> None:
    store = Store(tmp_path / "sales.json")
    added(store, 20, 20)
    whole = reference(store, ListQuery())
    with store.reading() as session:
        listed = session.arranged(Lead, Listing(ListQuery(), LEADS))
        assert list(listed[3:9]) == whole[3:9]
        assert "leads" not in session._storage._unparsed
    with store.reading() as session:
        listed = session.arranged(Lead, Listing(ListQuery(), LEADS))
        assert listed[-1] == whole[-1]
        assert "leads" not in session._storage._unparsed


@pytest.mark.parametrize(
    "query",
    [
        ListQuery(status="open"),
        ListQuery(search="l-0003"),
        ListQuery(since=TODAY),
        ListQuery(sort="number"),
        ListQuery(sort="number", descending=True, limit=5),
    ],
)
def test_a_filtered_or_sorted_list_is_made_from_the_parsed_table(
    tmp_path: Path, query: ListQuery
) -> None:
    store = Store(tmp_path / "sales.json")
    renumbered(store)
    whole = reference(store, query)
    with store.reading() as session:
        listed = session.arranged(Lead, Listing(query, LEADS))
        assert "leads" not in session._storage._unparsed
        assert list(listed[:3]) == whole[:3]
        assert len(listed) == len(whole)


def test_a_table_changed_by_hand_is_parsed_and_counted(tmp_path: Path) -> None:
    db = tmp_path / "sales.json"
    store = Store(db)
    added(store, 30)
    raw = db.read_bytes()
    cut = raw.index(b',"30":{')  # the last lead taken out by hand: the count recorded is stale
    db.write_bytes(raw[:cut] + raw[raw.index(b"}", raw.index(b'"L-0030"')) + 1 :])
    with store.reading() as session:
        listed = session.arranged(Lead, Listing(ListQuery(), LEADS))
        assert len(listed) == 29
        assert "leads" not in session._storage._unparsed
        assert [r.number for r in listed[:2]] == ["L-0001", "L-0002"]


def test_a_writing_session_lists_from_the_parsed_table(tmp_path: Path) -> None:
    store = Store(tmp_path / "sales.json")
    added(store, 10)
    with store.writing() as session:
        listed = session.arranged(Lead, Listing(ListQuery(), LEADS))
        assert [r.number for r in listed[:2]] == ["L-0001", "L-0002"]
        assert "leads" not in session._storage._unparsed


def test_the_first_documents_are_read_past_a_long_one(tmp_path: Path) -> None:
    db = tmp_path / "sales.json"
    store = Store(db)
    with store.writing() as session:
        session.put(Lead(number="L-0001", company="Long", notes="x" * 50_000, created_on=TODAY))
        session.put(*(lead(f"L-{n:04d}") for n in range(2, 12)))
    with store.reading() as session:
        storage: UnitOfWorkStorage = session._storage
        assert storage.stored_count("leads") == 11
        assert [doc["number"] for doc in storage.first("leads", 3)] == [
            "L-0001",
            "L-0002",
            "L-0003",
        ]
        assert "leads" in storage._unparsed
        assert [doc["number"] for doc in storage.first("leads", 12)][-1] == "L-0011"


def test_a_table_made_by_appending_records_how_many_documents_it_holds(tmp_path: Path) -> None:
    db = tmp_path / "sales.json"
    store = Store(db)
    with store.writing() as session:  # a first import: the table is made by appending
        session.add_docs(Lead, [lead(f"L-{n:04d}").stored() for n in range(1, 13)])
    with store.writing() as session:
        session.add_docs(Lead, [lead("L-0013").stored()])
    with store.reading() as session:
        storage: UnitOfWorkStorage = session._storage
        recorded = storage.recorded("leads")
        assert recorded is not None
        assert (recorded["size"], recorded["count"], recorded["counted"]) == (
            len(storage._unparsed["leads"]),
            13,
            True,
        )
        assert len(session.arranged(Lead, Listing(ListQuery(), LEADS))) == 13


def test_a_count_recorded_by_an_older_write_is_not_used_and_the_next_write_counts(
    tmp_path: Path,
) -> None:
    db = tmp_path / "sales.json"
    store = Store(db)
    added(store, 12)
    meta, rest = db.read_bytes().split(b"\n", 2)[1:]
    old = meta.replace(b'"count":12,"counted":true,', b'"count":0,')  # as older writes left it
    assert old != meta
    db.write_bytes(b"{\n" + old + b"\n" + rest)
    with store.reading() as session:
        assert session._storage.stored_count("leads") is None
        assert len(session.arranged(Lead, Listing(ListQuery(), LEADS))) == 12
    added(store, 1)
    with store.reading() as session:
        assert session._storage.stored_count("leads") == 13
        assert session._storage.recorded("leads")["counted"] is True  # type: ignore[index]
