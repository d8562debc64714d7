"""The output options every `list` command shares, declared once (`@list_options`), and the one
function that prints a list in the chosen format.

A table on a terminal shows DEFAULT_LIMIT rows unless `--limit N` or `--all` (or `--pager`), and
says on stderr how many more there are; `--json`, `--jsonl`, `--csv` and a table written to a pipe
or a file are complete.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, overload

import typer

from salesflow.cli import common, screen
from salesflow.errors import UsageError

if TYPE_CHECKING:
    from salesflow.models import Record
    from salesflow.store.contract import UnitOfWork

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


@dataclass
class ListOutput:
    """How a list is printed: its format, how many rows, which columns, through a pager."""

    format: str = "table"
    limit: int | None = None
    all: bool = False
    columns: tuple[str, ...] = ()
    pager: bool = False
    more: int = 0
    """Rows left out by the terminal's default limit (set by `page`)."""

    @property
    def shown(self) -> int | None:
        """Rows to show after filtering and sorting: None for all of them."""
        if self.limit is not None or self.all or self.pager:
            return None  # --limit already cut the query; --all and --pager show everything
        if self.format != "table" or not screen.is_terminal():
            return None
        return screen.DEFAULT_LIMIT

    def page(self, items: Sequence[T]) -> Sequence[T]:
        """`items` cut to what a terminal shows by default; the rest is counted in `more`."""
        cut = self.shown
        if cut is None or len(items) <= cut:
            self.more = 0
            return items
        self.more = len(items) - cut
        return items[:cut]

    def emit(
        self,
        records: Sequence[Any],
        *,
        empty: str,
        columns: Sequence[str],
        row: Callable[[Any], Sequence[Any]],
        numeric: Sequence[str] = (),
        as_json: Callable[[Any], dict[str, Any]] = common.dump,
        owned: bool = False,
    ) -> None:
        """The list in the chosen format; an empty list says so on stderr (JSON still prints
        `[]`). `as_json` is a record's JSON (and CSV) view, for records with derived fields (an
        invoice's `overdue`). A table of `owned` records has an Owner column, shown when the
        records have more than one owner or `--columns` names it."""
        shown = list(columns)
        if owned:
            columns = [*columns, "Owner"]
            plain_row = row

            def row(record: Any) -> Sequence[Any]:
                return [*plain_row(record), record.owner or ""]

            if self.format == "table" and not self.columns and _owners(records) > 1:
                shown = list(columns)
        if self.format != "table":
            docs = [as_json(r) for r in records]
            if self.columns and docs:  # nothing to pick from (or check against) in []
                fields = list(docs[0])
                picked = _pick(self.columns, fields, fields)
                docs = [{name: doc.get(name) for name in picked} for doc in docs]
            if self.format == "json":
                common.print_json(docs)
            elif self.format == "jsonl":
                common.print_jsonl(docs)
            else:
                common.write_csv(*common._csv_of(docs))
        elif records:
            picked = _pick(self.columns, columns, columns) if self.columns else shown
            index = [list(columns).index(name) for name in picked]
            rows: Iterable[Sequence[Any]] = (
                [cells[i] for i in index] for cells in map(row, records)
            )
            with screen.paged(self.pager):
                screen.print_table(
                    picked, rows, numeric=[c for c in numeric if c in picked], wrap=False
                )
        if not records:
            common.say(empty)
        elif self.more:
            common.say(f"… {self.more:,} more: --limit N or --all")


def _owners(records: Sequence[Any]) -> int:
    """How many different owners `records` have (no owner counts as one), up to 2; read
    from the stored forms when the records are built on reading."""
    stored = getattr(records, "stored_values", None)
    values: Iterable[Any] = stored("owner") if stored is not None else (r.owner for r in records)
    seen: set[Any] = set()
    for value in values:
        seen.add(str(value or "").casefold())
        if len(seen) > 1:
            return 2
    return len(seen)


class Loaded(Sequence[T]):
    """Stored documents validated into records one at a time, as they are printed: `--all` on
    100k leads streams them instead of holding 100k models."""

    def __init__(self, docs: Sequence[dict[str, Any]], load: Callable[[dict[str, Any]], T]):
        self.docs, self.load = docs, load

    def __len__(self) -> int:
        return len(self.docs)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return Loaded(self.docs[index], self.load)
        return self.load(self.docs[index])

    def __iter__(self) -> Iterator[T]:
        return map(self.load, self.docs)


def _key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _pick(wanted: Sequence[str], names: Sequence[str], offered: Sequence[str]) -> list[str]:
    """The columns named in --columns, in the order given, matched ignoring case, spaces and
    punctuation (`unit-price` is `Unit price`); an unknown name is a usage error."""
    by_key = {_key(name): name for name in names}
    picked = []
    for name in wanted:
        found = by_key.get(_key(name))
        if found is None:
            raise UsageError(
                f"--columns: no column {name!r}; choose from {', '.join(map(_lower, offered))}"
            )
        picked.append(found)
    return picked


def _lower(name: str) -> str:
    return name.lower().replace(" ", "-").replace(".", "")


LimitOpt = Annotated[int | None, typer.Option("--limit", help="Show at most N records.")]
AllOpt = Annotated[
    bool,
    typer.Option("--all", help=f"Show every record (a terminal shows {screen.DEFAULT_LIMIT})."),
]
ColumnsOpt = Annotated[
    str | None,
    typer.Option("--columns", help="Only these columns, in this order: --columns number,name."),
]
PagerOpt = Annotated[bool, typer.Option("--pager", help="Show the list through $PAGER (less).")]

_OPTIONS = [
    inspect.Parameter("limit", inspect.Parameter.KEYWORD_ONLY, annotation=LimitOpt, default=None),
    inspect.Parameter("all_", inspect.Parameter.KEYWORD_ONLY, annotation=AllOpt, default=False),
    inspect.Parameter(
        "columns", inspect.Parameter.KEYWORD_ONLY, annotation=ColumnsOpt, default=None
    ),
    inspect.Parameter("pager", inspect.Parameter.KEYWORD_ONLY, annotation=PagerOpt, default=False),
    inspect.Parameter(
        "json", inspect.Parameter.KEYWORD_ONLY, annotation=common.JsonOpt, default=False
    ),
    inspect.Parameter(
        "jsonl", inspect.Parameter.KEYWORD_ONLY, annotation=common.JsonlOpt, default=False
    ),
    inspect.Parameter(
        "csv", inspect.Parameter.KEYWORD_ONLY, annotation=common.CsvOpt, default=False
    ),
]


def list_options(func: F) -> F:
    """Give a list command the shared output options (--limit, --all, --columns, --pager,
    --json, --jsonl, --csv), passed to it as one `output: ListOutput` argument."""
    signature = inspect.signature(func, eval_str=True)
    own = [p for name, p in signature.parameters.items() if name != "output"]
    params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own] + _OPTIONS

    @functools.wraps(func)
    def wrapper(**kwargs: Any) -> Any:
        limit, every = kwargs.pop("limit"), kwargs.pop("all_")
        columns = kwargs.pop("columns")
        fmt = common.output_format(kwargs.pop("json"), kwargs.pop("jsonl"), kwargs.pop("csv"))
        if limit is not None and every:
            raise UsageError("choose --limit N or --all, not both")
        output = ListOutput(
            format=fmt,
            limit=limit,
            all=every,
            columns=tuple(c.strip() for c in (columns or "").split(",") if c.strip()),
            pager=kwargs.pop("pager"),
        )
        return func(**kwargs, output=output)

    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    return wrapper  # type: ignore[return-value]


def customer_names(uow: UnitOfWork) -> Callable[[Record], str]:
    """A record's customer as people know it: its account's name (the number when unnamed)."""
    from salesflow.services.customers import account_names

    return account_names(uow)
