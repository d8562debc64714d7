"""What people see: every value made safe to print, tables that fit the terminal, colours that
mean something, and long lists cut to a screenful.

Every table, field list and message goes through `safe()`: text from imported files and options
can hold escape sequences, carriage returns, right-to-left overrides or rich markup, and none of
them may act on the terminal. Rich only ever receives `Text` objects (markup is never parsed).

On a terminal, a table's amounts, numbers, dates and other short cells keep their full width;
text columns share what is left, one line per record in lists (ending in `…` when cut), wrapped
at word boundaries in a record's lines. A table that still does not fit is split in parts that
each repeat the first column (the line's `#`, the record's number); when not even that fits,
each row is shown as `Column  value` lines. So no amount is cut and no column vanishes. Off a
terminal the table is plain aligned text, never cut, never coloured.
"""

from __future__ import annotations

import contextlib
import os
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

GAP = 2
"""Spaces between two columns (rich: one cell of right padding and the blank vertical line)."""
DEFAULT_LIMIT = 50
"""Rows a list shows on a terminal unless --limit or --all: about two screenfuls."""
CHUNK = 500
"""Rows measured and printed at a time when a long table is streamed."""
SHORT = 16
"""A column whose cells are all this short (numbers, dates, statuses) keeps its width; longer text
shares the space left."""
TEXT_MIN = 8
"""The narrowest a shrinking text column gets before the table is split in parts."""
LONG_WORD = 24
"""A wrapped text column is made as wide as its longest word, up to this: a word is folded only
when longer."""
SPLIT_TEXT = 20
"""... and the narrowest it gets in a part of a split table (it has more room there)."""

# Bidirectional formatting characters: they reorder what follows them on the screen, so a name
# could make an amount or a number read backwards.
_BIDI = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_SEPARATORS = frozenset([0x2028, 0x2029])


def _visible(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␛ ␍ ␊ ...
    if code == 0x7F:
        return "\u2421"  # ␡
    if code < 0xA0 or code in _BIDI or code in _SEPARATORS:
        return f"<U+{code:04X}>"
    return char


def safe(value: object) -> str:
    """`value` as text that cannot act on a terminal: control characters (escape, carriage
    return, newline, C1 codes) become visible symbols, bidirectional overrides and line
    separators become `<U+202E>`-style names. Everything else, markup brackets included, is
    kept as typed (rich never parses it: see `text()`)."""
    text = "" if value is None else str(value)
    if text.isprintable():
        return text
    return "".join(
        _visible(ch)
        if unicodedata.category(ch) == "Cc" or ord(ch) in _BIDI or ord(ch) in _SEPARATORS
        else ch
        for ch in text
    )


def safe_lines(message: str) -> str:
    """A message of several lines: each line made safe, the line breaks kept."""
    return "\n".join(safe(line) for line in message.split("\n"))


# --- colours --------------------------------------------------------------------------------------

STATUS_STYLES = {
    "overdue": "red",
    "lost": "red",
    "won": "green",
    "paid": "green",
    "draft": "dim",
}
"""Statuses with a colour: what needs attention red, what is done green, what is not sent dim."""


def status_style(value: str) -> str | None:
    """The colour of a status cell: `overdue` anywhere in it wins (`unpaid (overdue)`); none
    with $NO_COLOR (dim included: it is how a draft is told apart)."""
    if "NO_COLOR" in os.environ:
        return None
    words = value.replace("(", " ").replace(")", " ").split()
    if "overdue" in words:
        return STATUS_STYLES["overdue"]
    return STATUS_STYLES.get(words[0]) if words else None


# --- the terminal ---------------------------------------------------------------------------------


def is_terminal() -> bool:
    """Whether stdout is a terminal: tables, colours and the default list limit are for people."""
    if _PAGING:
        return True
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def console() -> Console:
    """A rich console on stdout that never parses markup, emoji codes or highlights numbers."""
    from rich.console import Console

    return Console(
        file=sys.stdout,
        width=width(),
        force_terminal=is_terminal(),
        no_color="NO_COLOR" in os.environ,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
    )


def text(value: object, style: str | None = None) -> Text:
    """A rich Text of a value made safe: printed as typed, never read as markup."""
    from rich.text import Text

    return Text(safe(value), style=style or "")


# --- widths ---------------------------------------------------------------------------------------


def cell_width(value: str) -> int:
    from rich.cells import cell_len

    return cell_len(value)


def fit(
    columns: Sequence[str],
    cells: Sequence[Sequence[str]],
    numeric: Sequence[str],
    width: int,
    *,
    text_min: int = TEXT_MIN,
    wrap: bool = False,
    gap: int = GAP,
) -> list[int] | None:
    """Column widths that fit `width`, or None when the fixed columns alone do not fit.

    Numeric columns, the status and columns of short cells keep their widest cell (a header wraps at
    its spaces instead). Text columns get the space left, level by level: a narrow column keeps
    its full width before a wide one gets more.
    """
    natural = [
        max([cell_width(c) for c in (row[i] for row in cells)], default=0)
        for i in range(len(columns))
    ]
    header_word = [max(cell_width(w) for w in (c.split() or [""])) for c in columns]
    fixed = kept_whole(columns, cells, numeric)
    widths = [max(natural[i], header_word[i], 1) for i in range(len(columns))]
    room = (
        width - gap * (len(columns) - 1) - sum(w for w, f in zip(widths, fixed, strict=True) if f)
    )
    flexible = [i for i, f in enumerate(fixed) if not f]
    if not flexible:
        return widths if room >= 0 else None
    longest = [0] * len(columns)
    if wrap:  # a wrapped column is at least as wide as its longest word (up to LONG_WORD)
        longest = [
            min(LONG_WORD, max((cell_width(w) for row in cells for w in row[i].split()), default=0))
            for i in range(len(columns))
        ]
    floors = {i: min(widths[i], max(text_min, header_word[i], longest[i])) for i in flexible}
    if sum(floors.values()) > room:
        return None
    # the highest level such that every text column gets min(its width, level) and all fit
    low, high = 0, max(widths[i] for i in flexible)
    while low < high:
        level = (low + high + 1) // 2
        if sum(max(floors[i], min(widths[i], level)) for i in flexible) <= room:
            low = level
        else:
            high = level - 1
    for i in flexible:
        widths[i] = max(floors[i], min(widths[i], low))
    return widths


# --- tables ---------------------------------------------------------------------------------------


def print_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str | None = None,
    numeric: Sequence[str] = (),
    wrap: bool = True,
) -> None:
    """A table for people: fitted to a terminal's width (see the module's docstring), or plain
    aligned text when stdout is a pipe or a file. Rows may be a stream: they are measured and
    printed CHUNK at a time, the first chunk's widths kept for the next ones (an amount wider
    than its column still shows whole)."""
    chunks = _chunks(rows)
    if not is_terminal():
        _plain(columns, chunks, title, numeric)
        return
    out = console()
    parts: list[tuple[list[int], list[int]]] | None = None
    gap = GAP
    whole: list[bool] = []
    first = True
    for chunk in chunks:
        cells = [[safe(cell) for cell in _texts(row)] for row in chunk]
        if first or (parts is not None and _outgrown(parts, whole, cells)):
            parts, gap = layout(columns, cells, numeric, out.width, wrap=wrap)
            whole = kept_whole(columns, cells, numeric)
        if parts is None:
            _stacked(out, columns, cells, title)
        for n, (index, widths) in enumerate(parts or []):
            if n:
                out.print()
            if not first and not wrap and len(parts or []) == 1:
                out.file.write(_lines(columns, cells, widths, numeric, out, gap))
                continue
            out.print(
                _rich_table(
                    [columns[i] for i in index],
                    [[row[i] for i in index] for row in cells],
                    widths,
                    title if n == 0 else None,
                    numeric,
                    wrap,
                    header=first or len(parts or []) > 1,
                    gap=gap,
                )
            )
        title = None
        first = False


def kept_whole(
    columns: Sequence[str], cells: Sequence[Sequence[str]], numeric: Sequence[str]
) -> list[bool]:
    """Per column: whether it keeps its widest cell (numeric, the status, or all cells short)."""
    return [
        name in numeric or name == "Status" or all(cell_width(row[i]) <= SHORT for row in cells)
        for i, name in enumerate(columns)
    ]


def _outgrown(
    parts: Sequence[tuple[list[int], list[int]]],
    whole: Sequence[bool],
    cells: Sequence[Sequence[str]],
) -> bool:
    """Whether a cell of the next chunk is wider than its column, in a column kept whole (an
    amount, L-10000 after L-9999)."""
    return any(
        cell_width(row[i]) > width
        for index, widths in parts
        for i, width in zip(index, widths, strict=True)
        if whole[i]
        for row in cells
    )


def _lines(
    columns: Sequence[str],
    cells: Sequence[Sequence[str]],
    widths: Sequence[int],
    numeric: Sequence[str],
    out: Console,
    gap: int,
) -> str:
    """Rows of a list laid out as rich lays them out (one line each, text cut with `…`), without
    rich's table machinery: `--all` on 100k rows costs a string format per row, not a table."""
    from rich.cells import set_cell_size
    from rich.console import COLOR_SYSTEMS
    from rich.style import Style

    system = COLOR_SYSTEMS.get(out.color_system or "")
    styles = {style: Style.parse(style) for style in STATUS_STYLES.values()}
    right = [name in numeric for name in columns]
    status = [name == "Status" for name in columns]
    lines = []
    for row in cells:
        parts = []
        for value, width, is_right, is_status in zip(row, widths, right, status, strict=True):
            size = cell_width(value)
            if size > width:
                value, size = set_cell_size(value, width - 1) + "…", width
            pad = " " * (width - size)
            style = status_style(value) if is_status else None
            if style and system is not None:
                value = styles[style].render(value, color_system=system)
            parts.append(pad + value if is_right else value + pad)
        lines.append((" " * gap).join(parts) + "\n")
    return "".join(lines)


def layout(
    columns: Sequence[str],
    cells: Sequence[Sequence[str]],
    numeric: Sequence[str],
    width: int,
    *,
    wrap: bool = False,
) -> tuple[list[tuple[list[int], list[int]]] | None, int]:
    """The table as one or more parts that each fit `width`: (column indexes, widths) per part,
    and the gap between columns.

    A table too wide for the terminal is tried with one space between columns, then split in
    parts that each repeat the first column (the line's `#`, the record's number), as many
    columns to a part as fit with its text columns at least SPLIT_TEXT wide. No parts (None)
    when the first column and one more do not fit.
    """

    def part_fits(index: list[int], text_min: int, gap: int = GAP) -> list[int] | None:
        return fit(
            [columns[i] for i in index],
            [[row[i] for i in index] for row in cells],
            numeric,
            width,
            text_min=text_min,
            wrap=wrap,
            gap=gap,
        )

    everything = list(range(len(columns)))
    for gap in (GAP, 1):
        whole = part_fits(everything, TEXT_MIN, gap)
        if whole is not None:
            return [(everything, whole)], gap
    groups: list[list[int]] = []
    current = [0]
    for i in everything[1:]:
        if part_fits([*current, i], SPLIT_TEXT) is not None:
            current.append(i)
            continue
        if len(current) == 1 or part_fits([0, i], TEXT_MIN) is None:
            return None, GAP
        groups.append(current)
        current = [0, i]
    groups.append(current)
    return [(group, part_fits(group, TEXT_MIN) or []) for group in groups], GAP


def _texts(row: Sequence[Any]) -> list[str]:
    return ["" if cell is None else str(cell) for cell in row]


def _chunks(rows: Iterable[Sequence[Any]]) -> Iterator[list[Sequence[Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def _rich_table(
    columns: Sequence[str],
    cells: Sequence[Sequence[str]],
    widths: Sequence[int],
    title: str | None,
    numeric: Sequence[str],
    wrap: bool,
    *,
    header: bool,
    gap: int = GAP,
) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=text(title) if title else None,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, gap - 1, 0, 0),  # and the blank vertical line: `gap` spaces in all
        show_header=header,
    )
    for name, width in zip(columns, widths, strict=True):
        table.add_column(
            Text(safe(name), no_wrap=False),  # a header wraps at its spaces, never cut
            justify="right" if name in numeric else "left",
            width=width,
            no_wrap=name in numeric or not wrap,
            overflow="fold" if wrap else "ellipsis",
        )
    status = [i for i, name in enumerate(columns) if name == "Status"]
    for row in cells:
        table.add_row(
            *(
                text(value, status_style(value) if i in status else None)
                for i, value in enumerate(row)
            )
        )
    return table


def _stacked(
    out: Console, columns: Sequence[str], cells: Sequence[Sequence[str]], title: str | None
) -> None:
    """Rows too wide for the terminal: each as `Column  value` lines, a blank line between."""
    from rich.text import Text

    label = max(cell_width(c) for c in columns)
    lines = Text()
    if title:
        lines.append_text(text(title))
        lines.append("\n\n")
    for n, row in enumerate(cells):
        if n:
            lines.append("\n")
        for name, value in zip(columns, row, strict=True):
            style = status_style(value) if name == "Status" else None
            lines.append(safe(name).ljust(label) + "  ")
            lines.append(value, style=style or "")
            lines.append("\n")
    out.print(lines, end="")


def _plain(
    columns: Sequence[str],
    chunks: Iterable[Sequence[Sequence[Any]]],
    title: str | None,
    numeric: Sequence[str],
) -> None:
    """Plain aligned text: nothing cut, no colour or borders (pipes, files, scripts)."""
    if title:
        say(title)
    right = [c in numeric for c in columns]
    widths: list[int] | None = None
    for chunk in chunks:
        cells = [[safe(cell) for cell in _texts(row)] for row in chunk]
        if widths is None:
            widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
            cells.insert(0, list(columns))

        def line(values: Sequence[str], widths: Sequence[int] = widths) -> str:
            parts = [
                v.rjust(w) if r else v.ljust(w)
                for v, w, r in zip(values, widths, right, strict=True)
            ]
            return "  ".join(parts).rstrip()

        sys.stdout.write("".join(line(r) + "\n" for r in cells))


def print_fields(pairs: Sequence[tuple[str, Any]]) -> None:
    """A record shown as `Field  value` lines; a Status is coloured on a terminal."""
    width = max((len(label) for label, _ in pairs), default=0)
    lines = [(label, safe(value)) for label, value in pairs]
    if not is_terminal():
        sys.stdout.write(
            "".join(f"{label:<{width}}  {value}".rstrip() + "\n" for label, value in lines)
        )
        return
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")  # a long value wraps under itself, at its spaces
    for label, value in lines:
        style = status_style(value) if label == "Status" else None
        grid.add_row(Text(label), Text(value, style=style or ""))
    console().print(grid)


def say(message: str) -> None:
    """A message for people, on stderr, made safe line by line."""
    import typer

    typer.echo(safe_lines(message), err=True)


# --- the pager ------------------------------------------------------------------------------------

_PAGING: dict[str, int] = {}
"""While `paged` collects output for the pager: the terminal's width (stdout is a buffer then)."""


def width() -> int | None:
    """The width to lay out for: the terminal's while paging, else rich's own guess."""
    return _PAGING.get("width")


@contextlib.contextmanager
def paged(enabled: bool) -> Iterator[None]:
    """With `enabled` on a terminal, collect what is printed and show it through the system
    pager (the standard library's, as rich's own pager does: `$PAGER`, else `less`, told by
    `$LESS=FRX` to keep the colours and to quit when the text fits); otherwise print as usual."""
    if not enabled or not is_terminal():
        yield
        return
    import io
    import pydoc
    import shutil

    columns = shutil.get_terminal_size().columns
    real, buffer = sys.stdout, io.StringIO()
    _PAGING["width"] = columns
    sys.stdout = buffer
    try:
        yield
    finally:
        sys.stdout = real
        _PAGING.clear()
    os.environ.setdefault("LESS", "FRX")
    pydoc.pager(buffer.getvalue())
