"""What every command shares: the data file, today's date, output, and the one error handler."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from salesflow.errors import SalesflowError, UsageError

if TYPE_CHECKING:
    from salesflow.pipeline.numbering import Numbers
    from salesflow.pipeline.settings import Settings
    from salesflow.store import Session, Store

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `Error: message` on stderr and return the Exit to raise."""
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code)


def reporting_errors(func: F) -> F:
    """The one place where salesflow's refusals become `Error: ...` and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SalesflowError as exc:
            raise fail(str(exc), exc.exit_code) from None
        except BrokenPipeError:
            # `salesflow lead list | head`: the reader left; nothing to report.
            with contextlib.suppress(Exception):
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            raise typer.Exit(0) from None

    return wrapper  # type: ignore[return-value]


class AppTyper(typer.Typer):
    """A Typer whose commands report SalesflowError as one `Error:` line."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("no_args_is_help", True)
        kwargs.setdefault("add_completion", False)
        kwargs.setdefault("rich_markup_mode", None)
        kwargs.setdefault("pretty_exceptions_enable", False)
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:  # type: ignore[override]
        register = super().command(*args, **kwargs)

        def decorator(func: F) -> F:
            register(reporting_errors(func))
            return func

        return decorator


# --- the invocation: data file, dates ---------------------------------------------------------


@dataclass
class Invocation:
    """Global options of this run, set by the app callback."""

    db: Path | None = None
    argv: list[str] = field(default_factory=list)


INVOCATION = Invocation()


class RecordingGroup(TyperGroup):
    """The root command: remembers this run's arguments (for the undo history), whether they
    come from the shell, from CliRunner or from `salesflow demo`'s in-process steps."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **options: Any) -> Any:
        INVOCATION.argv = list(args) if args is not None else sys.argv[1:]
        return super().main(args, *rest, **options)


def data_path() -> Path:
    """`--db`, else `$SALESFLOW_DB`, else the platform's user data dir."""
    if INVOCATION.db is not None:
        return INVOCATION.db
    env = os.environ.get("SALESFLOW_DB")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("salesflow", appauthor=False)) / "salesflow.json"


def today() -> date:
    """`$SALESFLOW_TODAY` when set (scripts, tests, back-dating), else the clock."""
    env = os.environ.get("SALESFLOW_TODAY")
    if env:
        try:
            return date.fromisoformat(env.strip())
        except ValueError:
            raise UsageError(f"$SALESFLOW_TODAY {env!r} is not a date; use YYYY-MM-DD") from None
    return date.today()


def now() -> datetime:
    """The current time with its UTC offset, on `today()`'s date."""
    current = datetime.now().astimezone()
    day = today()
    if day != current.date():
        current = current.replace(year=day.year, month=day.month, day=day.day)
    return current


def lock_timeout() -> float | None:
    """`$SALESFLOW_LOCK_TIMEOUT`; None lets the store use the file's `lock_timeout` setting."""
    env = os.environ.get("SALESFLOW_LOCK_TIMEOUT")
    if env:
        try:
            return float(env)
        except ValueError:
            raise UsageError(
                f"$SALESFLOW_LOCK_TIMEOUT {env!r} is not a number of seconds"
            ) from None
    return None


def store() -> Store:
    from salesflow.store import Store

    return Store(data_path(), lock_timeout=lock_timeout())


@contextlib.contextmanager
def reading() -> Iterator[Session]:
    with store().reading() as session:
        yield session


@contextlib.contextmanager
def writing() -> Iterator[Session]:
    with store().writing() as session:
        yield session


def numbers(session: Session) -> Numbers:
    """The allocator the pipeline receives: next number of a series, formatted."""
    from salesflow.pipeline.numbering import format_number

    def allocate(series: str) -> str:
        return format_number(series, session.next_numbers(series)[0])

    return allocate


def settings(session: Session) -> Settings:
    from salesflow.pipeline.settings import Settings

    return Settings(session.config())


# --- output -----------------------------------------------------------------------------------


def say(message: str) -> None:
    """A message for people: stderr, never mixed into data."""
    typer.echo(message, err=True)


def print_json(data: Any) -> None:
    import orjson

    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")


def print_jsonl(rows: Sequence[Any]) -> None:
    import orjson

    sys.stdout.write("".join(orjson.dumps(row).decode() + "\n" for row in rows))


def dump(record: Any) -> dict[str, Any]:
    """The JSON view of a model: money as strings, dates ISO, computed fields included."""
    return record.model_dump(mode="json")  # type: ignore[no-any-return]


def print_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    numeric: Sequence[str] = (),
) -> None:
    """A table for people: rich on a terminal; plain aligned text (no colour, borders or
    wrapping, nothing cut) when stdout is a pipe or a file."""
    cells = [["" if cell is None else str(cell) for cell in row] for row in rows]
    if not sys.stdout.isatty():
        if title:
            say(title)
        widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
        right = [c in numeric for c in columns]

        def line(values: Sequence[str]) -> str:
            parts = [
                v.rjust(w) if r else v.ljust(w)
                for v, w, r in zip(values, widths, right, strict=True)
            ]
            return "  ".join(parts).rstrip()

        sys.stdout.write("\n".join([line(columns), *(line(r) for r in cells)]) + "\n")
        return
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console(file=sys.stdout, no_color="NO_COLOR" in os.environ, highlight=False)
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column(
            column,
            justify="right" if column in numeric else "left",
            no_wrap=column in numeric or column in ("Number", "SKU"),
            overflow="fold",
        )
    for row in cells:
        table.add_row(*row)
    console.print(table)


def print_fields(pairs: Sequence[tuple[str, Any]]) -> None:
    """A record shown as `Field  value` lines."""
    width = max((len(label) for label, _ in pairs), default=0)
    lines = [
        f"{label:<{width}}  {'' if value is None else value}".rstrip() for label, value in pairs
    ]
    sys.stdout.write("\n".join(lines) + "\n")


def print_created(number: str) -> None:
    """A created record's number on stdout's first line, so `id=$(salesflow ...)` works."""
    sys.stdout.write(number + "\n")


# --- product lines (opp add-product, quote add-product) --------------------------------------

SkuArg = Annotated[str | None, typer.Argument(help="Catalog SKU (omit for a write-in).")]
QuantityOpt = Annotated[str, typer.Option("--quantity", "-q", help="Quantity (> 0; 1.5 is fine).")]
PriceOpt = Annotated[
    str | None, typer.Option("--price", help="Unit price; default the catalog price.")
]
DiscountOpt = Annotated[
    str | None, typer.Option("--discount", help="10% of gross, or an amount like 25.00.")
]
TaxRateOpt = Annotated[
    str | None, typer.Option("--tax-rate", help="Tax percentage; default the product's.")
]
WriteInOpt = Annotated[
    str | None, typer.Option("--write-in", help="Text of a line not in the catalog.")
]


# --- list commands ----------------------------------------------------------------------------

StatusOpt = Annotated[str | None, typer.Option("--status", help="Only records in this status.")]
SourceOpt = Annotated[str | None, typer.Option("--source", help="Only records from this source.")]
AccountOpt = Annotated[str | None, typer.Option("--account", help="Only this account (ACC-0001).")]
SinceOpt = Annotated[
    str | None, typer.Option("--since", help="Created on or after this date (YYYY-MM-DD).")
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Created on or before this date (YYYY-MM-DD).")
]
SearchOpt = Annotated[
    str | None,
    typer.Option("--search", help="Text in name, company or email (any case, any accents)."),
]
DocumentSearchOpt = Annotated[
    str | None,
    typer.Option(
        "--search",
        help="Text in the number, account name or contact name/email (any case, any accents).",
    ),
]
SortOpt = Annotated[
    str | None, typer.Option("--sort", help="Sort by a field; -field sorts descending.")
]
LimitOpt = Annotated[int | None, typer.Option("--limit", help="Show at most N records.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print a JSON array.")]
JsonlOpt = Annotated[bool, typer.Option("--jsonl", help="Print one JSON object per line.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV with a header row.")]


LIST_FILTERS = ("status", "source", "account", "since", "until", "search", "sort", "limit")


def list_query(spec: Any, options: dict[str, Any]) -> Any:
    """The checked filters of a list command, taken from its options (`locals()`)."""
    from salesflow.pipeline.listing import list_query as make_query

    return make_query(spec, **{name: options[name] for name in LIST_FILTERS})


def output_format(json: bool, jsonl: bool, csv: bool) -> str:
    chosen = [name for name, on in (("json", json), ("jsonl", jsonl), ("csv", csv)) if on]
    if len(chosen) > 1:
        raise UsageError(f"choose one output format, not {' and '.join('--' + c for c in chosen)}")
    return chosen[0] if chosen else "table"


def emit_list(
    records: Sequence[Any],
    fmt: str,
    *,
    empty: str,
    columns: Sequence[str],
    row: Callable[[Any], Sequence[Any]],
    numeric: Sequence[str] = (),
    as_json: Callable[[Any], dict[str, Any]] = dump,
) -> None:
    """A list in the chosen format; an empty list says so on stderr (JSON still prints `[]`).

    `as_json` is a record's JSON (and CSV) view, for records with derived fields (an invoice's
    `overdue`).
    """
    if fmt == "json":
        print_json([as_json(r) for r in records])
    elif fmt == "jsonl":
        print_jsonl([as_json(r) for r in records])
    elif fmt == "csv":
        write_csv(*_csv_of([as_json(r) for r in records]))
    elif records:
        print_table(columns, [row(r) for r in records], numeric=numeric)
    if not records:
        say(empty)


def _csv_of(docs: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    from salesflow.pipeline.listing import csv_rows

    return csv_rows(docs)


def write_csv(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """CSV on stdout; cells that a spreadsheet would run as a formula are neutralised."""
    import csv

    from salesflow.pipeline.listing import neutralise

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[neutralise(cell) for cell in row] for row in rows])


# --- shell completion of record numbers -------------------------------------------------------

Completions = list[tuple[str, str]]
Describe = Callable[[dict[str, Any], dict[str, str]], str]


def completer(table: str, describe: Describe, key: str = "number") -> Callable[..., Completions]:
    """A Typer `autocompletion=` callback: the stored keys of `table` that start with what was
    typed (any case), each with a short help text from `describe(doc, account names)`.

    It reads the raw documents (nothing is validated) of `--db` or the default data file. It
    never raises: a shell's completion must not print a traceback, so any error offers nothing.
    """

    def complete(ctx: typer.Context, incomplete: str) -> Completions:
        try:
            return _completions(_completion_store(ctx), table, key, describe, incomplete or "")
        except Exception:
            return []

    complete.__name__ = f"complete_{table}"
    return complete


def _completion_store(ctx: typer.Context | None) -> Store:
    """`--db` as typed on the line being completed (the app callback has not run), else the
    default data file."""
    from salesflow.store import Store

    root = ctx.find_root() if ctx is not None else None
    db = root.params.get("db") if root is not None else None
    if db:
        return Store(Path(db), lock_timeout=lock_timeout())
    return store()


def _completions(
    data: Store, table: str, key: str, describe: Describe, incomplete: str
) -> Completions:
    typed = incomplete.strip().upper()
    with data.reading() as session:
        latest: dict[str, dict[str, Any]] = {}
        for doc in session.raw(table).values():
            value = str(doc.get(key) or "")
            upper = value.upper()
            if not value or not upper.startswith(typed):
                continue
            seen = latest.get(upper)
            # A quote's revisions share a number: describe the latest one.
            if seen is None or int(doc.get("revision") or 1) >= int(seen.get("revision") or 1):
                latest[upper] = doc
        names = {
            str(d.get("number") or "").upper(): str(d.get("name") or "")
            for d in session.raw("accounts").values()
        }
    found: Completions = []
    for doc in latest.values():
        value = str(doc[key])
        # Numbers are accepted in any case; the shell only keeps completions that start with
        # what was typed, so `l-` completes to `l-0001`.
        shown = value if value.startswith(incomplete) else value.lower()
        try:
            text = describe(doc, names)
        except Exception:
            text = ""
        found.append((shown, text))
    return found


def _joined(*parts: Any) -> str:
    return ", ".join(str(p) for p in parts if p not in (None, ""))


def _person(doc: dict[str, Any]) -> str:
    return " ".join(str(doc[k]) for k in ("first_name", "last_name") if doc.get(k))


def _account_name(doc: dict[str, Any], names: dict[str, str]) -> str:
    account = str(doc.get("account") or "")
    return names.get(account.upper()) or account


complete_leads = completer(
    "leads",
    lambda d, _: _joined(
        _person(d) or d.get("company"),
        d.get("company") if _person(d) else None,
        d.get("status") or "open",
    ),
)
complete_opportunities = completer(
    "opportunities",
    lambda d, names: _joined(
        d.get("name"),
        _account_name(d, names),
        d.get("status") or "open",
        (d.get("stage") or "qualify") if (d.get("status") or "open") == "open" else None,
    ),
)
complete_accounts = completer("accounts", lambda d, _: _joined(d.get("name"), d.get("city")))
complete_contacts = completer(
    "contacts", lambda d, names: _joined(_person(d), d.get("email"), _account_name(d, names))
)
complete_products = completer(
    "products", lambda d, _: _joined(d.get("name"), d.get("price")), key="sku"
)
complete_quotes = completer(
    "quotes",
    lambda d, names: _joined(
        d.get("status") or "draft",
        _account_name(d, names),
        d.get("opportunity"),
        f"revision {d['revision']}" if int(d.get("revision") or 1) > 1 else None,
    ),
)
complete_orders = completer(
    "orders",
    lambda d, names: _joined(d.get("status") or "active", _account_name(d, names), d.get("quote")),
)
complete_invoices = completer(
    "invoices",
    lambda d, names: _joined(
        d.get("status") or "unpaid",
        _account_name(d, names),
        f"due {d['due_date']}" if d.get("due_date") else None,
    ),
)
complete_credit_notes = completer(
    "credit_notes",
    lambda d, names: _joined(_account_name(d, names), d.get("invoice"), d.get("reason")),
)
