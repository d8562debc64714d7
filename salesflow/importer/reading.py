"""From a file's bytes to a header and rows: encoding, delimiter, preamble, malformed rows.

Nothing here knows about leads. Row numbers are what the user sees in a spreadsheet: one row per
record, counting the preamble and the header (row 1 is the file's first record).
"""

from __future__ import annotations

import codecs
import csv
import io
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import compress, count, repeat
from operator import itemgetter
from typing import NamedTuple

from salesflow.collector import paused, spare
from salesflow.errors import InvalidValue, UsageError
from salesflow.importer.headers import ALIASES, normalise_header

DELIMITERS = (",", ";", "\t", "|")
"""The delimiters sniffed, in order of preference when the evidence is equal."""

_DELIMITER_NAMES = {
    "comma": ",",
    "semicolon": ";",
    "tab": "\t",
    "\\t": "\t",
    "pipe": "|",
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Bytes that Windows-1252 leaves undefined; Windows itself maps them to the same code points.
_CP1252_HOLES = {0xDC00 + b: b for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
# Line breaks that str.splitlines honours but CSV does not.
_OTHER_LINE_BREAKS = ("\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
_ASCII_BYTES = frozenset({"utf-8", "utf-8-sig", "cp1252", "iso8859-1", "ascii"})
"""Codecs in which an ASCII character is its byte, and such a byte is never part of another."""
_FORMULA_CHARS = frozenset("=+-@\t\r")  # what a neutralising apostrophe stands before
_SENTINEL = "\x00"  # never in decoded text (NULs are removed), so it marks the end of the lines
_SAMPLE_LINES = 200
_HEADER_SEARCH = 50


class RawRow(NamedTuple):
    """One data record. `values` has exactly as many items as the header (short rows are padded).

    `row_no` is the record's row as a spreadsheet shows it (see `read_table`).
    """

    row_no: int
    values: list[str]


class RowProblem(NamedTuple):
    """A record that cannot be read as a row; `message` starts with "row N: " (N is `row_no`)."""

    row_no: int
    message: str
    values: list[str]


@dataclass(frozen=True)
class RawTable:
    """A decoded, split file: the header, the good rows and the rows that are malformed.

    `header` is as in the file (trimmed); it may hold empty or repeated names. `header_row_no` is
    the header's row as a spreadsheet shows it (greater than 1 when a preamble came first).
    """

    header: list[str]
    rows: list[RawRow]
    encoding: str
    delimiter: str
    problems: list[RowProblem] = field(default_factory=list)
    header_row_no: int = 1
    multi_values: bool = True
    """Whether a value may hold several joined by " ::: " (Google); False spares the check."""
    neutralised: bool = True
    """Whether a value may start with an apostrophe before = + - @ tab or CR (a cell an export
    neutralised against formula injection); False spares the check."""


# Per-row records are NamedTuples rather than frozen dataclasses: a 100k-row import builds
# hundreds of thousands of them and a frozen dataclass costs several times more to create.
_new_row = tuple.__new__  # RawRow(n, v) without the generated __new__'s Python-level call


def read_table(
    data: bytes,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    extra_headers: Iterable[str] = (),
) -> RawTable:
    """Decode `data`, find the delimiter and the header row, and split the rest into rows.

    `encoding` and `delimiter` override the detection. `extra_headers` are column names the caller
    knows about (a mapping profile's, `--map`'s) that help to find a header after a preamble.
    Wholly empty rows are left out; malformed rows become problems naming their row. Rows are
    numbered as a spreadsheet shows them: every record is one row, the preamble's, the header's
    and blank lines included, however many lines its quoted values span. Raises
    UsageError for an unknown encoding or an unusable delimiter, InvalidValue for bytes that are
    not in the given (or byte-order-marked) encoding.
    """
    text, encoding_name = decode(data, encoding)
    lines = _split_lines(text)
    sep = normalise_delimiter(delimiter) if delimiter is not None else sniff_delimiter(lines)
    known = set(ALIASES)
    known.update(normalise_header(h) for h in extra_headers)
    if encoding_name in _ASCII_BYTES and b"\x00" not in data:  # the same test on fewer bytes
        multi_values = b" ::: " in data
    else:
        multi_values = " ::: " in text
    neutralised = _may_be_neutralised(text)
    with paused():
        records, broken = _parse_records(lines, sep, len(text))
        records, broken = _spreadsheet_rows(records, broken)
        at = find_header(records, known)
        if at < 0:
            return RawTable([], [], encoding_name, sep, broken, 1, multi_values, neutralised)
        header_row_no, raw_header = records[at]
        header = [h.strip() for h in raw_header]
        rows, problems = _data_rows(records, at + 1, len(header))
        spare(len(rows))
    problems.extend(p for p in broken if p.row_no > header_row_no)  # not the preamble's
    problems.sort()
    return RawTable(
        header, rows, encoding_name, sep, problems, header_row_no, multi_values, neutralised
    )


def _may_be_neutralised(text: str) -> bool:
    """Whether an apostrophe stands before = + - @ tab or CR anywhere in `text`."""
    at = text.find("'")
    while at >= 0:
        if text[at + 1 : at + 2] in _FORMULA_CHARS:
            return True
        at = text.find("'", at + 1)
    return False


def _spreadsheet_rows(
    records: list[RawRow], broken: list[RowProblem]
) -> tuple[list[RawRow], list[RowProblem]]:
    """Records and broken records renumbered from the line each starts on to the row a
    spreadsheet shows: one row per record, so a value spanning several lines does not push the
    rows after it down. Each list must be in line order (as `_parse_records` gives them).

    A broken record's message starts with "row <its line>: "; that prefix is renumbered too, while
    the line numbers later in the message stay lines.
    """
    last = max(records[-1].row_no if records else 0, broken[-1].row_no if broken else 0)
    if last == len(records) + len(broken):
        return records, broken  # every line starts a record: line numbers are row numbers
    rows: list[RawRow] = []
    problems: list[RowProblem] = []
    done = 0  # records renumbered so far
    for k, (line, message, values) in enumerate(broken):
        before = bisect_left(records, line, key=_LINE)  # the records that start above it
        rows.extend(_numbered(records[done:before], done + k + 1))
        done = before
        row_no = before + k + 1
        message = f"row {row_no}: " + message.removeprefix(f"row {line}: ")
        problems.append(RowProblem(row_no, message, values))
    rows.extend(_numbered(records[done:], done + len(broken) + 1))
    return rows, problems


_LINE = itemgetter(0)
_VALUES = itemgetter(1)


def _numbered(records: list[RawRow], first: int) -> Iterator[RawRow]:
    """`records` with their values, numbered on from `first`."""
    return map(_new_row, repeat(RawRow), zip(count(first), map(_VALUES, records)))


# --- encoding ----------------------------------------------------------------------------------


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """(text, codec name). A byte order mark decides; else UTF-16 if the NULs say so; else UTF-8
    if it decodes; else Windows-1252. NUL characters never survive into the text."""
    if encoding is not None:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise UsageError(
                f'encoding "{encoding}" is unknown; use e.g. utf-8, cp1252 or utf-16'
            ) from None
        text = _strict(data, name, name)
        return _clean(text.removeprefix("\ufeff")), name
    for bom, name in _BOMS:
        if data.startswith(bom):
            codec = "utf-8" if name == "utf-8-sig" else name
            text = _strict(data[len(bom) :], codec, name)
            return (_without_nul(text, data) if codec == "utf-8" else _clean(text)), name
    guess = _utf16_without_bom(data)
    if guess is not None:
        try:
            return _clean(data.decode(guess)), guess
        except UnicodeDecodeError:
            pass
    try:
        return _without_nul(data.decode("utf-8"), data), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="surrogateescape").translate(_CP1252_HOLES)
    return _without_nul(text, data), "cp1252"


def _strict(data: bytes, codec: str, shown: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        bad = error.object[error.start]
        raise InvalidValue(
            f"the file is not valid {shown}: byte 0x{bad:02x} at offset {error.start} cannot be "
            f"decoded; give the file's encoding (e.g. cp1252)"
        ) from None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a byte order mark shows as a NUL in every other byte (for Latin text)."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2 or len(data) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= pairs * 0.3 and even <= pairs * 0.05:
        return "utf-16-le"
    if even >= pairs * 0.3 and odd <= pairs * 0.05:
        return "utf-16-be"
    return None


def _without_nul(text: str, data: bytes) -> str:
    """`_clean`, for text that `data` decodes to in a codec of ASCII bytes (UTF-8, Windows-1252):
    there a NUL character is a NUL byte, which is much quicker to look for."""
    return text.replace("\x00", "") if b"\x00" in data else text


def _clean(text: str) -> str:
    return text.replace("\x00", "") if "\x00" in text else text


# --- delimiter ---------------------------------------------------------------------------------


def normalise_delimiter(delimiter: str) -> str:
    """A delimiter given by the user: one character, or a name ("tab", "semicolon", "\\t")."""
    sep = _DELIMITER_NAMES.get(delimiter.strip().lower(), delimiter)
    if len(sep) != 1 or sep in '"\r\n\x00' or sep.isalnum():
        raise UsageError(
            f'delimiter "{delimiter}" cannot be used; give one character such as , ; | or "tab"'
        )
    return sep


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter among `DELIMITERS` that splits most of the first lines into the same number
    (at least two) of fields; the header counts, so a delimiter that only occurs inside values
    loses. Quotes are respected. "," when nothing splits."""
    sample = lines[:_SAMPLE_LINES]
    truncated = len(lines) > _SAMPLE_LINES + 1  # + 1: the end marker
    best, best_score = ",", (0, 0)
    for sep in DELIMITERS:
        try:
            records = list(csv.reader(sample, delimiter=sep))
        except csv.Error:
            continue
        if truncated and records:
            records.pop()  # may be cut in the middle of a quoted value
        widths = Counter(len(r) for r in records if len(r) >= 2)
        if not widths:
            continue
        width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
        score = (count, width)
        if score > best_score:
            best, best_score = sep, score
    return best


# --- records -----------------------------------------------------------------------------------


def _split_lines(text: str) -> list[str]:
    """The physical lines with their line breaks (\\r\\n, \\n or \\r), then an end marker."""
    if any(mark in text for mark in _OTHER_LINE_BREAKS):
        lines = io.StringIO(text, newline="").readlines()
    else:
        lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    lines.append(_SENTINEL)
    return lines


def _parse_records(lines: list[str], sep: str, size: int) -> tuple[list[RawRow], list[RowProblem]]:
    """All records with the line each starts on, and the records whose quotes are broken, each
    list in line order (`read_table` renumbers them to spreadsheet rows).

    Every line is split with str.split (fast); a line with a quote is then read again by the csv
    module, which goes on into the following lines while a quoted value is open. A file made of
    quoted lines (Outlook quotes every value) goes to the csv module in one piece. Quotes are
    read strictly: a quoted value must end at a delimiter or a line end, so a missing quote shows
    as a broken record instead of values that swallow their neighbours. `size` is the text's
    length, the longest value possible.
    """
    sample = lines[:_SAMPLE_LINES]
    with _field_limit(size):
        if sum('"' in line for line in sample) * 2 > len(sample):
            return _records_by_csv(lines, sep)
        return _records_by_line(lines, sep)


def _records_by_line(lines: list[str], sep: str) -> tuple[list[RawRow], list[RowProblem]]:
    records = _split_run(lines, 1, sep)  # one record per line; lines with a quote redone below
    problems: list[RowProblem] = []
    swallowed: list[range] = []  # lines that belong to a record starting on an earlier line
    position = 0
    quoted = list(compress(count(), map(str.__contains__, lines, repeat('"'))))
    done = _one_line_records(lines, quoted, sep, records)
    for start in quoted[done:]:
        if start < position:
            continue  # inside a quoted value that began on an earlier line
        values, used = _quoted_record(lines, start, sep)
        if values is None:
            problems.extend(_quote_problems(lines, start, used, sep))
            swallowed.append(range(start, start + used))
        else:
            records[start] = _new_row(RawRow, (start + 1, values))
            if used > 1:
                swallowed.append(range(start + 1, start + used))
        position = start + used
    if swallowed:
        gone = {i for lines_of_one in swallowed for i in lines_of_one}
        records = [record for i, record in enumerate(records) if i not in gone]
    if records and records[-1].values == [_SENTINEL]:
        records.pop()
    return records, problems


def _one_line_records(lines: list[str], starts: list[int], sep: str, records: list[RawRow]) -> int:
    """Read the lines at `starts` (lines with a quote) with one csv reader into `records`, for as
    long as each is a whole record; returns how many were. The first that is not (a quoted value
    goes on into the next line, or its quotes are broken) and those after it are left to
    `_quoted_record`, which reads on into the lines that follow it in the file."""
    reader = csv.reader(map(lines.__getitem__, starts), delimiter=sep, strict=True)
    done = 0
    try:
        for values in reader:
            if reader.line_num != done + 1:
                break  # the record took the next line given, which need not be the next line
            start = starts[done]
            records[start] = _new_row(RawRow, (start + 1, values))
            done += 1
    except csv.Error:
        pass
    return done


def _split_run(lines: list[str], first_line: int, sep: str) -> list[RawRow]:
    """One record per line, split at every delimiter (right for lines without quotes)."""
    values = map(str.split, map(str.rstrip, lines, repeat("\r\n")), repeat(sep))
    return list(map(_new_row, repeat(RawRow), zip(count(first_line), values)))


def _quoted_record(lines: list[str], start: int, sep: str) -> tuple[list[str] | None, int]:
    """The record starting on line index `start` (None when its quotes are broken) and how many
    lines it takes, read by the csv module from a window of lines that grows until the record
    ends inside it."""
    size = 4
    while True:
        window = lines[start : start + size]
        reader = csv.reader(window, delimiter=sep, strict=True)
        try:
            values: list[str] | None = next(reader)
        except csv.Error:
            values = None
        used = reader.line_num
        if used < len(window) or start + size >= len(lines):
            return values, used
        size *= 4  # the record may go on past the window


def _records_by_csv(lines: list[str], sep: str) -> tuple[list[RawRow], list[RowProblem]]:
    records: list[RawRow] = []
    problems: list[RowProblem] = []
    append = records.append
    reader = csv.reader(lines, delimiter=sep, strict=True)
    previous = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error:  # the reader goes on with the line after the broken record
            problems.extend(_quote_problems(lines, previous, reader.line_num - previous, sep))
            previous = reader.line_num
            continue
        append(_new_row(RawRow, (previous + 1, values)))
        previous = reader.line_num
    if records and records[-1].values == [_SENTINEL]:
        records.pop()
    return records, problems


def _quote_problems(lines: list[str], start: int, used: int, sep: str) -> list[RowProblem]:
    """The broken record, and for a quote that is never closed every line it swallowed, each
    as its own rejected row: no card is lost, and the rejects file can be fixed and imported."""
    problems = [_quote_problem(lines, start, used, sep)]
    if start + used >= len(lines):
        for index in range(start + 1, len(lines) - 1):
            text = lines[index].rstrip("\r\n")
            if text.strip(sep + " \t"):
                message = (
                    f"row {index + 1}: not read, because the quote opened on line {start + 1} "
                    "is never closed"
                )
                problems.append(RowProblem(index + 1, message, text.split(sep)))
    return problems


def _quote_problem(lines: list[str], start: int, used: int, sep: str) -> RowProblem:
    """A record with broken quotes, found on line index `start` and `used` lines long.

    Its number, and the "row N" its message starts with, is its first line; `_spreadsheet_rows`
    makes that a row. The lines the message names are physical lines, as a text editor counts.
    """
    line_no, end = start + 1, start + used
    if end >= len(lines):  # read into the end marker: the quote is never closed
        last = len(lines) - 1  # the end marker is not a line of the file
        where = f"line {line_no}" if last == line_no else f"lines {line_no}-{last}"
        message = (
            f"row {line_no}: a quote opened in this row is never closed, so {where} "
            f"(the rest of the file) could not be read"
        )
        end = line_no
    else:
        where = f"line {line_no}" if end == line_no else f"lines {line_no}-{end}"
        message = (
            f"row {line_no}: a quoted value is followed by more text before the next delimiter "
            f"({where}); is a quote missing or doubled?"
        )
    return RowProblem(line_no, message, "".join(lines[start:end]).rstrip("\r\n").split(sep))


@contextmanager
def _field_limit(size: int) -> Iterator[None]:
    """Let the csv module read values as long as the whole text (its default stops at 128 KiB,
    which a quote that is never closed passes on a large file); the old limit comes back after."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, size + 1))
    try:
        yield
    finally:
        csv.field_size_limit(old)


# --- header and rows ---------------------------------------------------------------------------


def find_header(records: list[RawRow], known: set[str]) -> int:
    """Index of the header record among the first non-empty records, past any preamble.

    The header is the first record with at least two values (one for a one-column file) in which
    recognised column names are plentiful; failing that, the record that names the most; failing
    any recognised name, the first record as wide as the table. -1 when there are no records.
    """
    candidates: list[int] = []
    for i, (_, values) in enumerate(records):
        if _has_text(values):
            candidates.append(i)
            if len(candidates) == _HEADER_SEARCH:
                break
    if not candidates:
        return -1
    widths = Counter(len(records[i][1]) for i in candidates)
    width = max(widths.items(), key=lambda item: (item[1], item[0]))[0]
    needed = min(2, width)
    best, best_known = -1, 0
    for i in candidates:
        filled = [v for v in records[i][1] if v.strip()]
        if len(filled) < needed:
            continue
        named = sum(normalise_header(v) in known for v in filled)
        if named >= 3 or (named and named * 2 >= len(filled)):
            return i
        if named > best_known:
            best, best_known = i, named
    if best >= 0:
        return best
    for i in candidates:
        values = records[i][1]
        if len(values) >= width and sum(1 for v in values if v.strip()) >= needed:
            return i
    return candidates[0]


def _has_text(values: list[str]) -> bool:
    return bool("".join(values).strip())


def _data_rows(
    records: list[RawRow], start: int, width: int
) -> tuple[list[RawRow], list[RowProblem]]:
    """The records after the header, as wide as the header; wholly empty ones left out."""
    body = records[start:]
    # Most records are as wide as the header and start with a visible value: find the others.
    odd = [
        k
        for k, (_, values) in enumerate(body)
        if len(values) != width or not values[0] or values[0].isspace()
    ]
    if not odd:
        return body, []
    rows: list[RawRow] = []
    problems: list[RowProblem] = []
    done = 0
    for k in odd:
        rows.extend(body[done:k])
        done = k + 1
        row_no, values = body[k]
        if not _has_text(values):
            continue  # wholly empty: skipped silently
        count = len(values)
        if count <= width:
            rows.append(_new_row(RawRow, (row_no, values + [""] * (width - count))))
        elif _has_text(values[width:]):
            message = f"row {row_no}: {count} values but the header has {width} columns"
            problems.append(RowProblem(row_no, message, values))
        else:
            rows.append(_new_row(RawRow, (row_no, values[:width])))
    rows.extend(body[done:])
    return rows, problems
