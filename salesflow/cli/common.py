"""What every command shares: the data file, today's date, output, and the one error handler."""

from __future__ import annotations

import contextlib
import functools
import os
import shlex
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from salesflow.errors import SalesflowError, StoreError, UsageError

if TYPE_CHECKING:
    from pydantic import BaseModel
    from typer import _click

    from salesflow.pipeline.lines import LineEdit, LineSpec
    from salesflow.pipeline.listing import ListQuery, ListSpec
    from salesflow.pipeline.numbering import Numbers
    from salesflow.pipeline.settings import Settings
    from salesflow.store import Store
    from salesflow.store.contract import Backend, UnitOfWork
    from salesflow.store.postgres import PostgresBackend

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `Error: message` on stderr (made safe to show) and return the Exit to raise."""
    from salesflow.cli.screen import safe

    typer.echo(f"Error: {safe(message)}", err=True)
    return typer.Exit(code)


RETRIES = 5
"""How many times a command runs when the team database ends its transaction for a concurrent
change (a deadlock or a serialization failure: nothing of it was kept)."""


def stdin_bytes() -> bytes:
    """Standard input, read once per run (see `Invocation.stdin`)."""
    if INVOCATION.stdin is None:
        INVOCATION.stdin = sys.stdin.buffer.read()
    return INVOCATION.stdin


def stdin_text() -> str:
    """Standard input as text, in the terminal's encoding (as `sys.stdin` reads it)."""
    encoding = getattr(sys.stdin, "encoding", None) or "utf-8"
    text = stdin_bytes().decode(encoding, errors="replace").replace("\x00", "")  # as typed text
    return text.replace("\r\n", "\n").replace("\r", "\n")  # universal newlines, as sys.stdin


def _run_again_on_concurrent_change(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`func`, run again (after a short random pause) when the database ended its transaction
    for a concurrent change; commands print only after their unit of work committed."""
    import random
    import time

    from salesflow.errors import ConcurrentChange

    for attempt in range(1, RETRIES + 1):
        try:
            return func(*args, **kwargs)
        except ConcurrentChange:
            if attempt == RETRIES:
                raise
            time.sleep(random.uniform(0.005, 0.05) * attempt)
    raise AssertionError("unreachable")


def reporting_errors(func: F) -> F:
    """The one place where salesflow's refusals become `Error: ...` and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return _run_again_on_concurrent_change(func, *args, **kwargs)
        except SalesflowError as exc:
            raise fail(str(exc), exc.exit_code) from None
        except BrokenPipeError:
            # `salesflow lead list | head`: the reader left; nothing to report.
            with contextlib.suppress(Exception):
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            raise typer.Exit(0) from None

    return wrapper  # type: ignore[return-value]


class LazyGroup(TyperGroup):
    """A command group whose commands Typer builds one by one, when each is asked for: running
    `lead show` builds `show` only, not the other verbs of `lead` (Typer reads every command's
    signature and options to build it). Help, Tab and the other walks over the group go through
    `list_commands` and `get_command`, which build what they name. Built whole by
    `typer.main.get_command` (nothing deferred), it is a plain TyperGroup."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deferred: dict[str, Callable[[], _click.Command]] = {}

    @classmethod
    def of(cls, app: typer.Typer) -> _click.Command:
        """The command of `app` (what `typer.main.get_command` builds), its verbs deferred."""
        import copy

        from typer.main import get_command, get_command_from_info, get_command_name, get_group

        info = app.info
        is_group = app.registered_callback or info.callback or app.registered_groups
        if info.cls is not cls or not (is_group or len(app.registered_commands) > 1):
            return get_command(app)
        shell = copy.copy(app)
        shell.registered_commands = []
        group = get_group(shell)
        assert isinstance(group, cls)
        for command in app.registered_commands:

            def build(command: Any = command) -> _click.Command:
                return get_command_from_info(
                    command,
                    pretty_exceptions_short=app.pretty_exceptions_short,
                    rich_markup_mode=app.rich_markup_mode,
                )

            name = command.name or get_command_name(getattr(command.callback, "__name__", ""))
            group.deferred[name] = build
        return group

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return [*self.deferred, *(name for name in self.commands if name not in self.deferred)]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.deferred:
            self.commands[cmd_name] = self.deferred[cmd_name]()
        return self.commands.get(cmd_name)

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        if not args or args[0] in self.commands or args[0] in self.deferred:
            return super().resolve_command(ctx, args)  # type: ignore[no-any-return]
        # An unknown name: Typer suggests close ones from `commands`, so show it every name.
        built = self.commands
        self.commands = {name: built.get(name) for name in self.list_commands(ctx)}  # type: ignore[misc]
        try:
            return super().resolve_command(ctx, args)  # type: ignore[no-any-return]
        finally:
            self.commands = built


class AppTyper(typer.Typer):
    """A Typer whose commands report SalesflowError as one `Error:` line; a group of them is
    a LazyGroup."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", LazyGroup)
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
    stdin: bytes | None = None
    """Standard input as read by this run's command: kept, so that a command run again after a
    concurrent change on the database reads the same input."""


INVOCATION = Invocation()


class RecordingGroup(TyperGroup):
    """The root command: remembers this run's arguments (for the undo history), whether they
    come from the shell, from CliRunner or from `salesflow demo`'s in-process steps."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **options: Any) -> Any:
        typed = list(args) if args is not None else sys.argv[1:]
        # NUL characters are removed from what is typed, as the importer removes them from files:
        # no stored text holds one (PostgreSQL's jsonb cannot), whatever the backend.
        INVOCATION.argv = [arg.replace("\x00", "") for arg in typed]
        INVOCATION.stdin = None
        return super().main(INVOCATION.argv, *rest, **options)


def data_target() -> str | Path:
    """Where the data is: `--db`, else `$SALESFLOW_DB`, else the platform's user data dir; a
    `postgresql://` URL (kept as typed) or a data file's path."""
    if INVOCATION.db is not None:
        return _typed_url(INVOCATION.db) or INVOCATION.db
    env = os.environ.get("SALESFLOW_DB")
    if env:
        return env if _is_url(env) else Path(env)
    return data_path()


def _is_url(text: str) -> bool:
    return text.strip().lower().startswith(("postgresql:", "postgres:"))


def _typed_words() -> list[str]:
    """This run's arguments; during a Tab (the app callback has not run) the words of the line
    being completed, as the shell hands them to Typer's completion."""
    if INVOCATION.argv:
        return INVOCATION.argv
    line = os.environ.get("COMP_WORDS") or os.environ.get("_TYPER_COMPLETE_ARGS") or ""
    try:
        return shlex.split(line)
    except ValueError:  # an open quote on the line being typed
        return line.split()


def _typed_url(path: Path) -> str | None:
    """The database URL typed as `--db` (the option's Path has merged its slashes), or None
    when `path` is a file's."""
    if not _is_url(str(path)):
        return None
    argv = _typed_words()
    typed = [
        *(argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == "--db"),
        *(arg.partition("=")[2] for arg in argv if arg.startswith("--db=")),
    ]
    for value in reversed(typed):
        if _is_url(value) and Path(value) == path:
            return value
    return str(path)


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
    return now_on(today())


def now_on(day: date) -> datetime:
    """The current time of day with its UTC offset, on `day` (a command run on that day)."""
    current = datetime.now().astimezone()
    if day != current.date():
        current = current.replace(year=day.year, month=day.month, day=day.day)
    return current


def lock_timeout() -> float | None:
    """`$SALESFLOW_LOCK_TIMEOUT`; None lets the store use the file's `lock_timeout` setting."""
    env = os.environ.get("SALESFLOW_LOCK_TIMEOUT")
    if env:
        from salesflow.store import checked_timeout

        try:
            seconds = checked_timeout(float(env))
        except ValueError:
            seconds = None
        if seconds is None:
            raise UsageError(
                f"$SALESFLOW_LOCK_TIMEOUT {env!r} is not a number of seconds from 0 to 3600"
            )
        return seconds
    return None


def refuse_data_files(path: Path, what: str) -> None:
    """An output that would overwrite the data file, its lock or a file in its history is
    refused, with --force or not: that is data lost, not a file replaced."""
    from salesflow.errors import Refused

    if not isinstance(data_target(), Path):
        return  # the data is in a database: no file of it to overwrite
    data = store()
    target = Path(os.path.realpath(path))
    for kept, name in (
        (data.path, "the data file"),
        (data.lock_path, "the data file's lock"),
        (data.versions.directory, "the data file's history"),
    ):
        kept = Path(os.path.realpath(kept))
        if target == kept or (name.endswith("history") and target.is_relative_to(kept)):
            raise Refused(f"{what} {path} is {name} ({data.path}); give another file")


def write_output(path: Path, data: bytes, prefix: str = "") -> None:
    """Write an output file (0600) atomically; a full disk or a folder that cannot be written
    is one Error line, and no file is left half written."""
    from salesflow.errors import InvalidValue
    from salesflow.files import atomic_write_bytes

    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise InvalidValue(
            f"{prefix}cannot write {path} ({exc.strerror or exc}); nothing was written"
        ) from None


def backend() -> Store | PostgresBackend:
    """The data file or the team database that `--db` / `$SALESFLOW_DB` names."""
    from salesflow.store import open_backend

    return open_backend(data_target(), lock_timeout=lock_timeout(), argv=INVOCATION.argv)


def database() -> PostgresBackend | None:
    """The team database `--db` / `$SALESFLOW_DB` names, or None for a data file."""
    found = backend()
    from salesflow.store import Store

    return None if isinstance(found, Store) else found


def store() -> Store:
    """The data file, for the commands that work on the file itself (undo --list, backup);
    StoreError when the data is in a team database."""
    from salesflow.store import Store

    found = backend()
    if not isinstance(found, Store):
        raise StoreError(
            f"this command works on a data file only, not on database {found.location()}; "
            "`salesflow db copy` makes a data file of the database"
        )
    return found


def seller_named() -> str | None:
    """`$SALESFLOW_SELLER`: the name a team gives each seller (None when not set); a value that
    is not a seller's name (more than a line) is refused, naming the variable."""
    named = os.environ.get("SALESFLOW_SELLER", "")
    if not named.strip():
        return None
    from salesflow.pipeline.owners import seller_name

    return seller_name(named, "$SALESFLOW_SELLER")


def seller(unit: UnitOfWork) -> str | None:
    """Who runs this command: `$SALESFLOW_SELLER`, else the user the data knows
    (`UnitOfWork.who`: the database user, or the login name for a data file); None when neither
    names anyone."""
    return seller_named() or unit.who().strip() or None


def me(unit: UnitOfWork) -> str:
    """`seller(unit)`, for `--mine`: a UsageError when no one is known."""
    name = seller(unit)
    if name is None:
        raise UsageError("--mine needs to know who you are: set $SALESFLOW_SELLER")
    return name


@contextlib.contextmanager
def reading() -> Iterator[UnitOfWork]:
    """A reading unit of work on the data file or the team database (the storage contract)."""
    with _opened(backend()).reading() as uow:
        uow.today = today
        yield uow


@contextlib.contextmanager
def writing() -> Iterator[UnitOfWork]:
    """A writing unit of work, committed when the block ends without an error; its events name
    who ran the command (`seller`)."""
    with _opened(backend()).writing() as uow:
        uow.today = today
        uow.seller = seller(uow)
        yield uow


def _opened(found: Store | PostgresBackend) -> Backend:
    """Either backend, as the storage contract's `Backend` (mypy checks both against it)."""
    return found


def run_writing(command: Callable[[UnitOfWork], T]) -> T:
    """`command(unit_of_work)` in one writing unit of work; on a database it runs again when
    the database ended the transaction for a concurrent change (see `Backend.run_writing`).
    `command` changes the data and returns what to show; it prints nothing."""

    def with_today(unit: UnitOfWork) -> T:
        unit.today = today
        unit.seller = seller(unit)
        return command(unit)

    return _opened(backend()).run_writing(with_today)


def account_number(session: UnitOfWork, typed: str) -> str:
    """The number of the account `typed` names: its number (short too, `1`) or its name, a
    unique match ignoring case (see `match_name`)."""
    from salesflow.services.customers import account_number as named

    return named(session, typed)


def numbers(session: UnitOfWork) -> Numbers:
    """The allocator the pipeline receives: next number of a series, formatted."""
    from salesflow.services import allocator

    return allocator(session)


def settings(session: UnitOfWork) -> Settings:
    from salesflow.pipeline.settings import Settings

    return Settings(session.config())


# --- output -----------------------------------------------------------------------------------


def say(message: str) -> None:
    """A message for people: stderr, never mixed into data, made safe to show."""
    from salesflow.cli import screen

    screen.say(message)


def print_json(data: Any) -> None:
    import orjson

    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")


def print_jsonl(rows: Sequence[Any]) -> None:
    import orjson

    sys.stdout.write("".join(orjson.dumps(row).decode() + "\n" for row in rows))


def dump(record: BaseModel) -> dict[str, Any]:
    """The JSON view of a model: money as strings, dates ISO, computed fields included."""
    return record.model_dump(mode="json")


def print_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    numeric: Sequence[str] = (),
) -> None:
    """A table for people (see `screen.print_table`): fitted to a terminal, plain aligned text
    (no colour, borders or wrapping, nothing cut) when stdout is a pipe or a file."""
    from salesflow.cli import screen

    screen.print_table(columns, rows, title=title, numeric=numeric)


def print_fields(pairs: Sequence[tuple[str, Any]]) -> None:
    """A record shown as `Field  value` lines."""
    from salesflow.cli import screen

    screen.print_fields(pairs)


def print_created(number: str) -> None:
    """A created record's number on stdout's first line, so `id=$(salesflow ...)` works."""
    sys.stdout.write(number + "\n")


# --- product lines (opp add-product, quote add-product) --------------------------------------

SkuArg = Annotated[str | None, typer.Argument(help="Catalog SKU (omit for a write-in).")]
QuantityOpt = Annotated[str, typer.Option("--quantity", "-q", help="Quantity (> 0; 1.5 is fine).")]
NewQuantityOpt = Annotated[
    str | None, typer.Option("--quantity", "-q", help="New quantity (> 0; 1.5 is fine).")
]
PriceOpt = Annotated[
    str | None, typer.Option("--price", "-p", help="Unit price; default the catalog price.")
]
DiscountOpt = Annotated[
    str | None, typer.Option("--discount", help="10% of gross, or an amount like 25.00.")
]
TaxRateOpt = Annotated[
    str | None, typer.Option("--tax-rate", help="Tax percentage; default the product's.")
]
DescriptionOpt = Annotated[str | None, typer.Option("--description", "-d", help="The line's text.")]
LineNoArg = Annotated[
    int, typer.Argument(help="Line number, the # that `show` lists.", show_default=False)
]


def line_spec(quantity: str, **values: str | None) -> LineSpec:
    """The line an `add-product` command adds, from its options."""
    from salesflow.pipeline.lines import LineSpec

    return LineSpec(quantity, **values)


def line_edit(**values: str | None) -> LineEdit:
    """What an `edit-line` command changes, from its options."""
    from salesflow.pipeline.lines import LineEdit

    return LineEdit(**values)


WriteInOpt = Annotated[
    str | None, typer.Option("--write-in", help="Text of a line not in the catalog.")
]


# --- list commands ----------------------------------------------------------------------------

StatusOpt = Annotated[str | None, typer.Option("--status", help="Only records in this status.")]
SourceOpt = Annotated[str | None, typer.Option("--source", help="Only records from this source.")]
AccountOpt = Annotated[
    str | None,
    typer.Option("--account", "-a", help="Only this account: its number or name."),
]
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
JsonOpt = Annotated[bool, typer.Option("--json", help="Print a JSON array.")]
JsonlOpt = Annotated[bool, typer.Option("--jsonl", help="Print one JSON object per line.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV with a header row.")]


LIST_FILTERS = ("status", "source", "account", "since", "until", "search", "sort")


def list_query(spec: ListSpec, options: dict[str, Any]) -> ListQuery:
    """The checked filters of a list command, taken from its options (`locals()`), with the
    `--limit` of its output options. An account named by number or name must exist (a filter on
    nothing is a typo, not an empty list)."""
    from salesflow.cli.owners import owner_filter
    from salesflow.pipeline.listing import list_query as make_query

    filters = {name: options[name] for name in LIST_FILTERS}
    owner = owner_filter(options.get("mine", False), options.get("owner"))
    if filters["account"] and spec.account_field is not None:
        with reading() as session:
            filters["account"] = account_number(session, filters["account"])
    return make_query(spec, **filters, limit=options["output"].limit, owner=owner)


def output_format(json: bool, jsonl: bool, csv: bool) -> str:
    chosen = [name for name, on in (("json", json), ("jsonl", jsonl), ("csv", csv)) if on]
    if len(chosen) > 1:
        raise UsageError(f"choose one output format, not {' and '.join('--' + c for c in chosen)}")
    return chosen[0] if chosen else "table"


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
# What each list offers, and how, is `salesflow.completing`'s (the fast path uses the same rule).

Completions = list[tuple[str, str]]


def completer(record_list: str) -> Callable[..., Completions]:
    """A Typer `autocompletion=` callback offering a record list of `salesflow.completing.SOURCES`
    (e.g. "open leads"): the stored keys that start with what was typed (any case), each with a
    short description; numbers already on the line are not offered again.

    It reads the raw documents (nothing is validated) of `--db` or the default data file. It
    never raises: a shell's completion must not print a traceback, so any error offers nothing.
    The callback's `record_list` names its list for `salesflow.completing.RECORD_ARGUMENTS`.
    """

    def complete(ctx: typer.Context, incomplete: str) -> Completions:
        from salesflow.completing import without_typed

        try:
            found = _completions(_completion_store(ctx), record_list, incomplete or "")
            typed = ctx.params.get("numbers") if ctx is not None else None
            return without_typed(found, typed)
        except Exception:
            return []

    # salesflow.completing is imported by a Tab, not by every command that declares a completer
    complete.__name__ = f"complete_{record_list.replace(' ', '_')}"
    complete.record_list = record_list  # type: ignore[attr-defined]
    return complete


def _completion_store(ctx: typer.Context | None) -> Backend:
    """`--db` as typed on the line being completed (the app callback has not run), else the
    default data file or $SALESFLOW_DB (a team database too)."""
    from salesflow.store import open_backend

    root = ctx.find_root() if ctx is not None else None
    db = root.params.get("db") if root is not None else None
    target = (_typed_url(Path(db)) or db) if db else data_target()
    return open_backend(target, lock_timeout=lock_timeout())


def _completions(data: Backend, record_list: str, incomplete: str) -> Completions:
    from salesflow.completing import SOURCES, account_names, candidates
    from salesflow.models import TYPES_BY_TABLE, Account

    source = SOURCES[record_list]
    with data.reading() as unit:
        docs = unit.stored(TYPES_BY_TABLE[source.table])
        names = account_names(unit.stored(Account))
        return candidates(source, docs, names, incomplete)


complete_leads = completer("leads")
complete_opportunities = completer("opportunities")
complete_accounts = completer("accounts")
complete_contacts = completer("contacts")
complete_products = completer("products")
complete_quotes = completer("quotes")
complete_orders = completer("orders")
complete_invoices = completer("invoices")

# batch verbs offer only the records they apply to
complete_open_leads = completer("open leads")
complete_open_opportunities = completer("open opportunities")
complete_active_orders = completer("active orders")
complete_unpaid_invoices = completer("unpaid invoices")
complete_activities = completer("activities")
complete_credit_notes = completer("credit notes")


def complete_choices(choices: Sequence[tuple[str, str]]) -> Callable[..., Completions]:
    """A Typer `autocompletion=` callback offering fixed values (stages, reasons), each with
    what it means."""

    def complete(ctx: typer.Context, incomplete: str) -> Completions:
        typed = (incomplete or "").lower()
        return [(value, text) for value, text in choices if value.startswith(typed)]

    return complete
