"""Damage checks of the data file's bytes: shape, ids, duplicate keys, checksums, and what is
known of the file's provenance.

Every table a write stores back is checked first (`UnitOfWorkStorage.verify`): one known to be
byte for byte what salesflow wrote last is trusted, one whose size and CRC-32 match what `_meta`
recorded is too, and any other is parsed, which finds damage anywhere in it. A damaged file is
refused with a StoreError naming the file, the problem and the way back.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from salesflow.errors import StoreError
from salesflow.models import META_DOC_ID, META_TABLE, TYPES_BY_TABLE
from salesflow.store import collector, layout
from salesflow.store.migrations import SCHEMA_VERSION, schema_of


def table_info(
    parts: Sequence[layout.Body], count: int, crc: int, highest: dict[str, int]
) -> dict[str, Any]:
    size = sum(map(len, parts))
    return {"size": size, "count": count, COUNTED: True, "crc32": crc, "highest": highest}


COUNTED = "counted"
"""A table's recorded `count` is exact. Writes before this key recorded 0 documents for a table
they made by appending (a first `lead import`) and carried that count on; a table recorded
without it is parsed (and so counted) by the next write, and its count is not used before."""


TABLES_KEY = "tables"
"""The `_meta` key where each write records its tables' size, documents, checksum and numbers."""
TRUSTED = "trusted"
CHANGED = "changed"
UNKNOWN = "unknown"


class Checksums:
    """The CRC-32 of tables' JSON without the closing brace, made in a daemon thread."""

    def __init__(self, tables: dict[str, memoryview]) -> None:
        self._tables: dict[str, memoryview] | None = tables
        self._found: dict[str, int] | None = None
        self._thread = threading.Thread(target=self._run, name="salesflow-crc", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self._tables is not None
        self._found = _checksums(self._tables)

    def result(self) -> dict[str, int]:
        self._thread.join()
        if self._found is None:  # the thread failed: make them here
            assert self._tables is not None
            self._found = _checksums(self._tables)
        self._tables = None
        return self._found


def _checksums(tables: dict[str, memoryview]) -> dict[str, int]:
    return {name: crc_without_brace([body]) for name, body in tables.items()}


def crc_without_brace(parts: Sequence[layout.Body]) -> int:
    """The CRC-32 of a table's JSON without its closing brace (-1 when it does not end in one):
    documents appended after the table's end then extend it without reading the table again."""
    if not parts or bytes(parts[-1][-1:]) != b"}":
        return -1
    crc = 0
    for part in parts[:-1]:
        crc = zlib.crc32(part, crc)
    return zlib.crc32(memoryview(parts[-1])[:-1], crc)


def highest_numbers(name: str, table: dict[str, Any]) -> dict[str, int]:
    """The highest number per series (`L`, `INV-2026`) among a record table's documents."""
    model = TYPES_BY_TABLE.get(name)
    if model is None or not model.prefix:
        return {}
    prefix = model.prefix
    found: dict[str, int] = {}
    for doc in table.values():
        number = doc.get("number")
        if not isinstance(number, str):
            continue
        series, _, digits = number.strip().upper().rpartition("-")
        if (
            digits.isascii()
            and digits.isdigit()
            and (series == prefix or series.startswith(prefix + "-"))
        ):
            value = int(digits)
            if value > found.get(series, 0):
                found[series] = value
    return found


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Duplicate(key)
            seen.add(key)
    return result


def duplicate_key(raw: layout.Body, parsed: Any) -> str | None:
    """A key that appears twice in one JSON object of `raw` (orjson keeps the last silently),
    or None. JSON dumped by orjson again as long as `raw` has dropped nothing; otherwise the
    exact, slower check of the standard library's parser."""
    if len(orjson.dumps(parsed)) == len(raw):
        return None
    if (
        bytes(raw[:2]) == layout.HEAD  # a whole file in salesflow's layout
        and isinstance(parsed, dict)
        and sum(map(len, layout.join_parts((n, orjson.dumps(t)) for n, t in parsed.items())))
        == len(raw)
    ):
        return None
    import json

    try:
        json.loads(bytes(raw), object_pairs_hook=_unique_pairs)
    except _Duplicate as duplicate:
        return duplicate.key
    except ValueError:
        return None
    return None


def check_unique(name: str, body: layout.Body, table: dict[str, Any]) -> None:
    key = duplicate_key(body, table)
    if key is not None:
        raise Damaged(f": table {name!r} holds key {key!r} twice")


HINT = "restore a backup or run `salesflow undo`"


class Damaged(Exception):
    """What is wrong with a file's bytes, phrased to follow the file's name."""

    def __init__(self, problem: str, hint: str = HINT) -> None:
        super().__init__(problem)
        self.problem = problem
        self.hint = hint


def store_error(path: Path, damage: Damaged) -> StoreError:
    return StoreError(f"data file {path}{damage.problem}; {damage.hint}")


def parse(path: Path, raw: bytes) -> dict[str, dict[str, Any]]:
    """The data of a salesflow data file, every table parsed; StoreError naming the file, the
    problem and the way back when it is damaged or newer than this version."""
    try:
        return load_data(raw)
    except Damaged as damage:
        raise store_error(path, damage) from None


def load_data(raw: bytes) -> dict[str, dict[str, Any]]:
    if not raw.strip():
        raise Damaged(" is empty")
    try:
        with collector.paused():
            data = orjson.loads(raw)
            # before the collector runs again: its first run would walk all of them
            collector.spare(
                sum(len(t) for t in data.values() if isinstance(t, dict))
                if isinstance(data, dict)
                else 0,
                size=len(raw),
            )
    except orjson.JSONDecodeError as exc:
        raise Damaged(f" is not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise Damaged(" is not a salesflow data file (wrong shape)")
    key = duplicate_key(raw, data)
    if key is not None:
        where = f"table {key!r} appears" if key in data else f"key {key!r} appears"
        raise Damaged(f": {where} twice")
    for name, table in data.items():
        check_table(name, table)
        data[name] = _in_id_order(table)
    check_meta(data)
    return data


def parse_table(name: str, body: layout.Body) -> dict[str, Any]:
    """One table's JSON from a file in salesflow's layout, checked as `load_data` checks it."""
    try:
        with collector.paused():
            table = orjson.loads(body)
            # before the collector runs again: its first run would walk all of them
            collector.spare(len(table) if isinstance(table, dict) else 0, size=len(body))
    except orjson.JSONDecodeError as exc:
        raise invalid_table(name, exc) from None
    if not isinstance(table, dict):
        raise Damaged(" is not a salesflow data file (wrong shape)")
    check_table(name, table)
    return _in_id_order(table)


def invalid_table(name: str, error: orjson.JSONDecodeError) -> Damaged:
    return Damaged(f" is not valid JSON (table {name!r}: {error})")


def check_table(name: str, table: dict[str, Any]) -> None:
    # Written for speed (a big file's tables have 100k documents): the loops run in C.
    if not set(map(type, table.values())) <= {dict}:
        raise Damaged(f": table {name!r} holds a non-record")
    ids = "".join(table)
    if table and not (all(table) and ids.isascii() and ids.isdigit()):
        raise Damaged(f": table {name!r} has a non-numeric id")


def _in_id_order(table: dict[str, Any]) -> dict[str, Any]:
    """The table with its documents in ascending id order, as TinyDB adds them; a hand edit may
    have moved them. Kept in order, the last document of a stored table has the largest id,
    which is what adding documents to a table never parsed relies on (`layout.last_id`)."""
    ids = list(map(int, table))
    if all(map(int.__lt__, ids, ids[1:])):
        return table
    return {doc_id: table[doc_id] for doc_id in sorted(table, key=int)}


def check_meta(data: dict[str, dict[str, Any]]) -> None:
    meta = data.get(META_TABLE, {}).get(META_DOC_ID, {})
    counters, config = meta.get("counters", {}), meta.get("config", {})
    if not (
        isinstance(counters, dict)
        and all(type(value) is int for value in counters.values())
        and isinstance(config, dict)
    ):
        raise Damaged(f": {META_TABLE} counters or config are damaged")
    schema = schema_of(data)
    if type(schema) is not int or schema < 1:
        raise Damaged(f": {META_TABLE} schema {schema!r} is not a schema version")
    if schema > SCHEMA_VERSION:
        raise Damaged(
            f" has schema version {schema}, newer than this salesflow understands "
            f"({SCHEMA_VERSION})",
            "upgrade salesflow, or restore a backup",
        )
