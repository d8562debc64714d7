"""A list in stored order with no filter (`lead list` as typed) read from the start of the table's
JSON: the same records, in the same order and counted the same, as the list made from the parsed
table, on files written the ways salesflow writes them."""

from __future__ import annotations

from pathlib import Path

from salesflow.models import Lead
from salesflow.pipeline.listing import LEADS, ListQuery
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
