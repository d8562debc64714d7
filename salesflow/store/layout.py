"""The bytes of a data file: one JSON object, one table per line.

salesflow writes its data file as

    {
    "_meta":{"1":{...}},
    "leads":{"1":{...},"2":{...}},
    "events":{...}
    }

which is plain JSON (any JSON reader, TinyDB included, reads it as before) and lets a command
find each table without parsing the others: orjson never writes a raw newline (newlines inside
strings are escaped), so every line between the braces is exactly one `"name":{...}` member.
A command then parses only the tables it uses and writes the others back byte for byte.

A file not in this layout (written by hand, by another tool, or damaged) is parsed whole, as
before; `split` only says whether the layout holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import orjson

HEAD = b"{\n"
TAIL = b"\n}\n"
_MEMBER = re.compile(rb'"([A-Za-z_][A-Za-z0-9_]*)":\{')
_LAST_MEMBER = re.compile(rb'[{,]"([0-9]+)":\{')
_BOUNDARY = re.compile(rb'\},"[0-9]+":\{')

Body = bytes | memoryview


def join(tables: Iterable[tuple[str, Body | Sequence[Body]]]) -> bytes:
    """The file's bytes for (table name, table JSON) pairs, in the order given."""
    return b"".join(join_parts(tables))


def join_parts(tables: Iterable[tuple[str, Body | Sequence[Body]]]) -> list[Body]:
    """`join`'s bytes as consecutive parts, to write without building them in one piece; a table's
    JSON may itself come in parts (see `append`)."""
    parts: list[Body] = []
    for name, body in tables:
        parts.append(HEAD if not parts else b",\n")
        parts.append(orjson.dumps(name) + b":")
        if isinstance(body, (bytes, memoryview)):
            parts.append(body)
        else:
            parts.extend(body)
    parts.append(TAIL if parts else b"{}\n")
    return parts


def split(raw: bytes) -> dict[str, memoryview] | None:
    """Each table's JSON (`{...}`, unparsed, sharing `raw`'s memory) by name, in file order; None
    when `raw` is not in the layout `join` writes (then it has to be parsed whole).

    Only the line structure is checked here: a table's JSON is checked when it is parsed.
    """
    if not (raw.startswith(HEAD) and raw.endswith(TAIL)):
        return None
    view = memoryview(raw)
    tables: dict[str, memoryview] = {}
    start, end = len(HEAD), len(raw) - len(TAIL)
    while True:
        newline = raw.find(b"\n", start, end)
        last = newline < 0
        stop = end if last else newline
        if not last:
            if raw[stop - 1 : stop] != b",":
                return None
            stop -= 1
        found = _MEMBER.match(raw, start, stop)
        if found is None or raw[stop - 1 : stop] != b"}":
            return None
        name = found.group(1).decode("ascii")
        if name in tables:
            return None
        tables[name] = view[found.end() - 1 : stop]
        if last:
            return tables
        start = newline + 1


def last_id(body: Body) -> int:
    """The id of a table's last document (0 for an empty table), reading only its end.

    The last `,"<digits>":{` (or `{"<digits>":{`) whose rest parses as one JSON object member up
    to the table's closing brace is the last top-level document; keys nested in that document
    fail that test, as their rest closes more braces than it opens. Raises ValueError when the
    table's JSON does not end in a document.
    """
    size = len(body)
    if size == 2:
        return 0
    window = 4096
    while True:
        tail_from = max(0, size - window)
        tail = bytes(body[tail_from:])
        for found in reversed(list(_LAST_MEMBER.finditer(tail))):
            try:
                parsed = orjson.loads(b"{" + tail[found.start() + 1 :])
            except orjson.JSONDecodeError:
                continue
            if isinstance(parsed, dict) and len(parsed) == 1:
                return int(found.group(1))
        if tail_from == 0:
            raise ValueError("the table does not end in a document")
        window *= 4


def append(body: Body, members: Body) -> list[Body]:
    """A table's JSON, in parts, with `members` (`"7":{...},"8":{...}`, no braces) added at its
    end."""
    if not members:
        return [body]
    if len(body) == 2:  # {}
        return [b"{", members, b"}"]
    return [body[:-1], b",", members, b"}"]


def parts(body: Body, size: int = 1 << 20) -> Iterator[dict[str, Any]]:
    """A table's documents by id, parsed about `size` bytes of JSON at a time, so that a large
    table is never in memory whole. Raises orjson.JSONDecodeError when the table's JSON is
    damaged.

    A part ends at a `},"<digits>":{` between two documents; one found inside a document (a
    nested key) leaves its part with a brace unclosed, so that part does not parse and is
    extended to the next candidate.
    """
    end = len(body) - 1  # the table's closing brace
    start = 1
    while start < end:
        cut = start + size
        while True:
            found = _BOUNDARY.search(body, cut, end) if cut < end else None
            stop = found.start() + 1 if found else end
            piece = b"{" + bytes(body[start:stop]) + b"}"
            if found is None:
                yield orjson.loads(piece)
                return
            try:
                part = orjson.loads(piece)
            except orjson.JSONDecodeError:
                cut = found.end()
                continue
            yield part
            start = stop + 1  # past the comma
            break


def find_document(body: Body, field: str, value: str, tries: int = 8) -> tuple[str, Any] | None:
    """(id, document) of the document of a table whose first member is `field` with string
    `value`, found in the table's JSON without parsing the rest: salesflow writes a record's key
    first (`{"number":"L-0001",...}`). None when no such document is found this way, and then
    only parsing the table can tell (a key written in another case or order, a hand edit).

    A candidate is the document from its `"<id>":{"<field>":"<value>"` to a `},"<digits>":{`
    after it (or the table's end) that parses as exactly one member: one found inside another
    document (a nested key) leaves a brace unclosed or closes one too many, so it never parses,
    and a piece running past the document's end holds more than one member.
    """
    needle = re.compile(re.escape(b'":{' + orjson.dumps(field) + b":" + orjson.dumps(value)))
    end = len(body) - 1  # the table's closing brace
    for found in needle.finditer(body):
        after = found.end()
        if bytes(body[after : after + 1]) not in (b",", b"}"):
            continue
        start = found.start()
        while start > 0 and 0x30 <= body[start - 1] <= 0x39:
            start -= 1
        opening = bytes(body[max(0, start - 2) : start])
        if found.start() == start or opening not in (b'{"', b',"'):
            continue
        cut = after
        for _ in range(tries):
            boundary = _BOUNDARY.search(body, cut, end) if cut < end else None
            stop = boundary.start() + 1 if boundary else end
            try:
                piece = orjson.loads(b"{" + bytes(body[start - 1 : stop]) + b"}")
            except orjson.JSONDecodeError:
                piece = None
            if isinstance(piece, dict) and len(piece) == 1:
                ((doc_id, doc),) = piece.items()
                if isinstance(doc, dict) and doc.get(field) == value:
                    return doc_id, doc
                break
            if boundary is None:
                break
            cut = boundary.end()
    return None
