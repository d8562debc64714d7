"""The data file's layout: one JSON object, one table per line."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.store import layout

NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
DOCS = st.dictionaries(st.text(), VALUES, max_size=4)
TABLES = st.dictionaries(
    NAMES, st.dictionaries(st.integers(1, 10**6).map(str), DOCS, max_size=4), max_size=5
)


def joined(tables: dict[str, Any]) -> bytes:
    return layout.join((name, orjson.dumps(table)) for name, table in tables.items())


@pytest.mark.slow
@given(TABLES)
def test_the_file_is_plain_json_and_splits_back_into_its_tables(tables: dict[str, Any]) -> None:
    raw = joined(tables)
    assert json.loads(raw) == tables
    parts = layout.split(raw)
    if not tables:
        assert raw == b"{}\n" and parts is None
        return
    assert parts is not None
    assert list(parts) == list(tables)
    assert {name: orjson.loads(body) for name, body in parts.items()} == tables


def test_each_table_is_one_line() -> None:
    raw = joined({"_meta": {"1": {"schema": 2}}, "leads": {"1": {"notes": "a\nb"}}})
    assert raw == b'{\n"_meta":{"1":{"schema":2}},\n"leads":{"1":{"notes":"a\\nb"}}\n}\n'


@pytest.mark.parametrize(
    "raw",
    [
        b'{"leads":{}}',  # one line: written by another tool
        b'{\n  "leads": {}\n}\n',  # pretty-printed
        b'{\n"leads":{}\n}',  # no final newline
        b'{\n"leads":{},\n}\n',  # a comma after the last table
        b'{\n"leads":{}\n"events":{}\n}\n',  # a missing comma
        b'{\n"leads":{},\n"leads":{}\n}\n',  # a table twice
        b'{\n"le ads":{}\n}\n',  # not a table name salesflow writes
        b'{\n"leads":[]\n}\n',  # not a table
        b'{\n"leads":{"1":{}},\n"ev',  # a file cut short
        b"{\n\n}\n",
    ],
)
def test_anything_else_is_not_in_the_layout_and_is_parsed_whole(raw: bytes) -> None:
    assert layout.split(raw) is None


def test_only_the_lines_are_checked_a_table_is_checked_when_parsed() -> None:
    parts = layout.split(b'{\n"leads":{"1":{}\n}\n')
    assert parts is not None
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(parts["leads"])


def test_the_last_id_is_read_from_the_end_of_the_table() -> None:
    table = {
        "1": {"number": "A"},
        "12": {"details": {"3": {"4": {}}}, "lines": [{"5": {}}], "text": '"6":{'},
    }
    assert layout.last_id(orjson.dumps(table)) == 12
    assert layout.last_id(b"{}") == 0


def test_the_last_id_is_found_behind_a_long_last_document() -> None:
    table = {"7": {"a": 1}, "8": {"notes": "x" * 20_000, "nested": {"99": {"1": {}}}}}
    assert layout.last_id(orjson.dumps(table)) == 8


def test_a_table_that_does_not_end_in_a_document_has_no_last_id() -> None:
    with pytest.raises(ValueError):
        layout.last_id(b'{"a":1}')


def test_members_are_appended_at_the_end_of_a_table() -> None:
    new = orjson.dumps({"3": {"n": 3}})[1:-1]

    def appended(body: bytes, members: bytes) -> Any:
        return orjson.loads(b"".join(layout.append(body, members)))

    assert appended(b'{"1":{},"2":{}}', new) == {"1": {}, "2": {}, "3": {"n": 3}}
    assert appended(b"{}", new) == {"3": {"n": 3}}
    assert appended(b'{"1":{}}', b"") == {"1": {}}


def test_a_table_in_parts_is_written_as_one() -> None:
    parts = layout.join_parts([("_meta", b"{}"), ("leads", layout.append(b'{"1":{}}', b'"2":{}'))])
    assert b"".join(parts) == b'{\n"_meta":{},\n"leads":{"1":{},"2":{}}\n}\n'
    assert layout.join([]) == b"{}\n"


@given(
    st.dictionaries(
        st.integers(1, 10**6).map(str),
        st.dictionaries(st.sampled_from(["1", "22", "a", '},"3":{']), VALUES, max_size=3),
        max_size=30,
    ),
    st.sampled_from([1, 7, 64, 4096]),
)
@pytest.mark.slow
def test_a_table_read_in_parts_has_every_document_once(table: dict[str, Any], size: int) -> None:
    found: dict[str, Any] = {}
    for part in layout.parts(orjson.dumps(table), size):
        assert not set(part) & set(found)
        found.update(part)
    assert found == table


def test_a_damaged_table_read_in_parts_raises() -> None:
    with pytest.raises(orjson.JSONDecodeError):
        list(layout.parts(b'{"1":{"a":1},"2":{"b":}', 4))


def _leads_table(*docs: dict[str, Any]) -> bytes:
    return orjson.dumps({str(i): doc for i, doc in enumerate(docs, start=1)})


def test_a_document_is_found_by_its_first_key_without_parsing_the_table() -> None:
    body = _leads_table(
        {"number": "L-0001", "company": "A"},
        {"number": "L-0002", "company": "B", "extra": {"1": {"number": "L-0003"}}},
        {"number": "L-0003", "company": "C"},
    )
    assert layout.find_document(body, "number", "L-0003") == (
        "3",
        {"number": "L-0003", "company": "C"},
    )
    assert layout.find_document(body, "number", "L-0001") == (
        "1",
        {"number": "L-0001", "company": "A"},
    )
    assert layout.find_document(memoryview(body), "number", "L-0002") == (
        "2",
        {"number": "L-0002", "company": "B", "extra": {"1": {"number": "L-0003"}}},
    )


def test_a_key_only_inside_another_document_or_not_first_is_not_found() -> None:
    nested = _leads_table({"number": "L-0001", "extra": {"7": {"number": "L-0009"}}})
    assert layout.find_document(nested, "number", "L-0009") is None
    later = _leads_table({"company": "A", "number": "L-0001"})
    assert layout.find_document(later, "number", "L-0001") is None
    assert layout.find_document(_leads_table({"number": "L-00011"}), "number", "L-0001") is None
    assert layout.find_document(_leads_table({"number": "l-0001"}), "number", "L-0001") is None
    assert layout.find_document(b"{}", "number", "L-0001") is None


def test_a_document_with_a_nested_boundary_is_read_whole() -> None:
    doc = {"number": "L-0001", "notes": {"1": {"a": 1}, "2": {"b": 2}}, "after": True}
    body = _leads_table(doc, {"number": "L-0002"})
    assert b'},"2":{' in body.split(b'"after"')[0]  # a boundary inside the first document
    assert layout.find_document(body, "number", "L-0001") == ("1", doc)
