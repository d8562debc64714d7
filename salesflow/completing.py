"""Tab completion of record numbers: which records a Tab offers and how each is described, and
the fast path that answers the shell without importing Typer, pydantic or the CLI.

A shell runs `salesflow` once per Tab with `_SALESFLOW_COMPLETE` set. Through Typer that costs
its imports and the whole command tree before one number is offered (a quarter of a second at
least). The console script (`salesflow.__main__`) calls `fast_complete` first: when the word
being completed is a record-number argument of a command in `RECORD_ARGUMENTS` and the line is
one it reads exactly as Typer would (only `--db` among the options), it reads just the tables it
needs from the data file and prints what Typer would print for bash, zsh and fish. Anything
else, and anything it is not sure about (a file it would have to check or upgrade, a description
that Typer's rich rendering might change, a `--db` that is not a file path), returns None, and
Typer answers as before.

The record lists (`SOURCES`), their descriptions and the choice of candidates (`candidates`) are
the ones Typer's completion callbacks use (`salesflow.cli.common.completer`): one rule, two
ways in. Tests hold `RECORD_ARGUMENTS` to the CLI's declarations and the fast path's output to
Typer's, byte for byte.

What a data file offers is kept between Tabs in the user's cache folder, one small file per
data file and record list, marked with the data file's identity (device, inode, size,
modification time): salesflow replaces the file on every write, so the first Tab after a change
reads the file again and the next ones read the cache. For zsh and fish the answer offering every
candidate is kept too, as printed (`_write_rendered`): a Tab after `L-` in a file of 10,000 leads
prints it with a check of its first line, instead of decoding, filtering and formatting 10,000
candidates again.

This module imports only the standard library, orjson and platformdirs.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

Completions = list[tuple[str, str]]
Describe = Callable[[Mapping[str, Any], dict[str, str]], str]


# --- what each record list offers --------------------------------------------------------------


def _joined(*parts: Any) -> str:
    return ", ".join([str(p) for p in parts if p is not None and p != ""])


def _person(doc: Mapping[str, Any]) -> str:
    return " ".join([str(doc[k]) for k in ("first_name", "last_name") if doc.get(k)])


def _account_name(doc: Mapping[str, Any], names: dict[str, str]) -> str:
    account = str(doc.get("account") or "")
    return names.get(account.upper()) or account


def _describe_lead(d: Mapping[str, Any], _: dict[str, str]) -> str:
    person = _person(d)
    return _joined(
        person or d.get("company"), d.get("company") if person else None, d.get("status") or "open"
    )


def _describe_opportunity(d: Mapping[str, Any], names: dict[str, str]) -> str:
    return _joined(
        d.get("name"),
        _account_name(d, names),
        d.get("status") or "open",
        (d.get("stage") or "qualify") if (d.get("status") or "open") == "open" else None,
    )


def _describe_account(d: Mapping[str, Any], _: dict[str, str]) -> str:
    return _joined(d.get("name"), d.get("city"))


def _describe_contact(d: Mapping[str, Any], names: dict[str, str]) -> str:
    return _joined(_person(d), d.get("email"), _account_name(d, names))


def _describe_product(d: Mapping[str, Any], _: dict[str, str]) -> str:
    return _joined(d.get("name"), d.get("price"))


def _describe_quote(d: Mapping[str, Any], names: dict[str, str]) -> str:
    return _joined(
        d.get("status") or "draft",
        _account_name(d, names),
        d.get("opportunity"),
        f"revision {d['revision']}" if int(d.get("revision") or 1) > 1 else None,
    )


def _describe_order(d: Mapping[str, Any], names: dict[str, str]) -> str:
    return _joined(d.get("status") or "active", _account_name(d, names), d.get("quote"))


def _describe_invoice(d: Mapping[str, Any], names: dict[str, str]) -> str:
    return _joined(
        d.get("status") or "unpaid",
        _account_name(d, names),
        f"due {d['due_date']}" if d.get("due_date") else None,
    )


def _describe_activity(d: Mapping[str, Any], _: dict[str, str]) -> str:
    return _joined(d.get("kind"), d.get("subject"), d.get("regarding"), d.get("status") or "open")


def _describe_credit_note(d: Mapping[str, Any], names: dict[str, str]) -> str:
    return _joined(_account_name(d, names), d.get("invoice"), d.get("reason"))


class Source(NamedTuple):
    """A record list a Tab offers: the stored keys (`key`) of `table`, each described by
    `describe(document, account names)`; with `statuses`, only records in one of them (the
    first is the default status), for verbs that apply to those only."""

    table: str
    describe: Describe
    key: str = "number"
    statuses: tuple[str, ...] = ()


SOURCES: dict[str, Source] = {
    "leads": Source("leads", _describe_lead),
    "open leads": Source("leads", _describe_lead, statuses=("open",)),
    "opportunities": Source("opportunities", _describe_opportunity),
    "open opportunities": Source("opportunities", _describe_opportunity, statuses=("open",)),
    "accounts": Source("accounts", _describe_account),
    "contacts": Source("contacts", _describe_contact),
    "products": Source("products", _describe_product, key="sku"),
    "quotes": Source("quotes", _describe_quote),
    "orders": Source("orders", _describe_order),
    "active orders": Source("orders", _describe_order, statuses=("active",)),
    "invoices": Source("invoices", _describe_invoice),
    "unpaid invoices": Source("invoices", _describe_invoice, statuses=("unpaid", "partially-paid")),
    "activities": Source("activities", _describe_activity),
    "credit notes": Source("credit_notes", _describe_credit_note),
}


def account_names(accounts: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Account names by upper-case number, for the descriptions."""
    return {str(d.get("number") or "").upper(): str(d.get("name") or "") for d in accounts}


def candidates(
    source: Source, docs: Iterable[Mapping[str, Any]], names: dict[str, str], incomplete: str
) -> Completions:
    """The (value, description) pairs `source` offers for `incomplete` among the stored `docs`
    (in stored order): keys starting with what was typed, in any case. A quote's revisions share
    a number: the latest one is described. Numbers are accepted in any case and the shell keeps
    only candidates that start with what was typed, so `l-` completes to `l-0001`."""
    typed = incomplete.strip().upper()
    key, statuses = source.key, source.statuses
    latest: dict[str, Mapping[str, Any]] = {}
    for doc in docs:
        value = str(doc.get(key) or "")
        upper = value.upper()
        if not value or not upper.startswith(typed):
            continue
        if statuses and (doc.get("status") or statuses[0]) not in statuses:
            continue
        seen = latest.get(upper)
        if seen is None or int(doc.get("revision") or 1) >= int(seen.get("revision") or 1):
            latest[upper] = doc
    found: Completions = []
    for doc in latest.values():
        value = str(doc[key])
        shown = value if value.startswith(incomplete) else value.lower()
        try:
            text = source.describe(doc, names)
        except Exception:
            text = ""
        found.append((shown, text))
    return found


def narrowed(offered: Completions, incomplete: str) -> Completions:
    """`candidates(..., incomplete)` from what `candidates(..., "")` offered: the keys that
    start with what was typed, in any case, shown as typed (`l-` completes to `l-0001`)."""
    typed = incomplete.strip().upper()
    if not incomplete:
        return list(offered)  # every key starts with nothing, and is shown as stored
    return [
        (value if value.startswith(incomplete) else value.lower(), text)
        for value, text in offered
        if value.upper().startswith(typed)
    ]


def without_typed(found: Completions, typed: Sequence[str] | None) -> Completions:
    """`found` without the numbers already on the line (a batch verb's earlier arguments)."""
    if not typed:
        return found
    given = {str(n).upper() for n in typed}
    return [item for item in found if item[0].upper() not in given]


# --- what the shells are sent ------------------------------------------------------------------


def bash_lines(items: Sequence[tuple[str, str]], columns: int) -> str:
    """Bash shows what the program prints, one candidate a line, and inserts what they have in
    common. So with several candidates each line carries its description, cut to the terminal's
    width; a single candidate is printed bare, so that it is what gets inserted."""
    if len(items) < 2 or not any(text for _, text in items):
        return "\n".join(value for value, _ in items)
    width = max(len(value) for value, _ in items)
    lines = []
    for value, text in items:
        line = f"{value:<{width}}  ({text})" if text else value
        if len(line) >= columns:  # a full-width line would wrap in some terminals
            line = line[: max(columns - 3, width)].rstrip() + "…)"
        lines.append(line)
    return "\n".join(lines)


def bash_columns(environ: Mapping[str, str]) -> int:
    """The terminal's width as bash's completion passes it (`$COLUMNS`), else 80."""
    try:
        return max(int(environ.get("COLUMNS", "")), 20)
    except ValueError:
        return 80


_ZSH_SPECIAL = re.compile("[\"'$`:]")


def _zsh_escape(text: str) -> str:
    # as Typer's zsh completion escapes values and descriptions
    if _ZSH_SPECIAL.search(text) is None:
        return text  # most numbers and names: nothing to escape
    return (
        text.replace('"', '""')
        .replace("'", "''")
        .replace("$", "\\$")
        .replace("`", "\\`")
        .replace(":", r"\\:")
    )


# --- the fast path -----------------------------------------------------------------------------

RECORD_ARGUMENTS: dict[str, tuple[tuple[str, int, str | None], ...]] = {
    "account assign": (("numbers", -1, "accounts"),),
    "account edit": (("number", 1, "accounts"),),
    "account show": (("number", 1, "accounts"),),
    "activity assign": (("numbers", -1, "activities"),),
    "activity edit": (("number", 1, "activities"),),
    "activity reschedule": (("number", 1, "activities"),),
    "activity show": (("number", 1, "activities"),),
    "contact assign": (("numbers", -1, "contacts"),),
    "contact edit": (("number", 1, "contacts"),),
    "contact show": (("number", 1, "contacts"),),
    "invoice assign": (("numbers", -1, "invoices"),),
    "invoice cancel": (("number", 1, "invoices"),),
    "invoice credit": (("number", 1, "invoices"),),
    "invoice export": (("number", 1, None),),
    "invoice pay": (("numbers", -1, "unpaid invoices"),),
    "invoice send": (("number", 1, None),),
    "invoice show": (("number", 1, None),),
    "lead assign": (("numbers", -1, "leads"),),
    "lead disqualify": (("numbers", -1, "open leads"),),
    "lead edit": (("number", 1, "leads"),),
    "lead qualify": (("numbers", -1, "open leads"),),
    "lead reactivate": (("number", 1, "leads"),),
    "lead show": (("number", 1, "leads"),),
    "opp add-product": (("number", 1, "opportunities"), ("sku", 1, None)),
    "opp assign": (("numbers", -1, "opportunities"),),
    "opp edit": (("number", 1, "opportunities"),),
    "opp edit-line": (("number", 1, "opportunities"), ("line_no", 1, None)),
    "opp lose": (("numbers", -1, "open opportunities"),),
    "opp remove-product": (("number", 1, "opportunities"), ("line_no", 1, None)),
    "opp reopen": (("number", 1, "opportunities"),),
    "opp show": (("number", 1, "opportunities"),),
    "opp stage": (("numbers", -1, None), ("stage", 1, None)),
    "opp win": (("number", 1, "opportunities"),),
    "order assign": (("numbers", -1, "orders"),),
    "order cancel": (("number", 1, "orders"),),
    "order fulfil": (("numbers", -1, "active orders"),),
    "order show": (("number", 1, "orders"),),
    "product show": (("sku", 1, "products"),),
    "quote accept": (("number", 1, "quotes"),),
    "quote assign": (("numbers", -1, "quotes"),),
    "quote add-product": (("number", 1, "quotes"), ("sku", 1, None)),
    "quote close": (("number", 1, "quotes"),),
    "quote delete": (("number", 1, "quotes"),),
    "quote discount": (("number", 1, "quotes"),),
    "quote edit": (("number", 1, "quotes"),),
    "quote edit-line": (("number", 1, "quotes"), ("line_no", 1, None)),
    "quote export": (("number", 1, "quotes"),),
    "quote remove-product": (("number", 1, "quotes"), ("line_no", 1, None)),
    "quote revise": (("number", 1, "quotes"),),
    "quote send": (("number", 1, "quotes"),),
    "quote show": (("number", 1, "quotes"),),
}
"""Per command (`group verb`), its arguments in order: name, how many words it takes (-1: all the
rest) and the record list it completes (None: not a record list, Typer answers). Derived from the
Typer app by `salesflow.cli.completion.record_arguments`; a test keeps the two equal."""

SCHEMA_VERSION = 3
"""The data file schema this reads as stored (`salesflow.store.migrations`; a test keeps them
equal): an older file is upgraded when read, which only the store does."""

ROOT_COMMANDS = frozenset({
    "info", "init", "history", "demo", "undo", "redo", "doctor", "backup", "export", "lead",
    "account", "contact", "product", "opp", "quote", "order", "invoice", "report", "note", "task",
    "call", "meeting", "email", "activity", "agenda", "config", "db",
})  # fmt: skip
"""The root's command names (`salesflow.cli.COMMANDS`; a test keeps them equal): `--db` after
one of them belongs to the root (`salesflow.cli.hoist_db`)."""

_FISH_ACTIONS = ("get-args", "is-args")


class Answer(NamedTuple):
    """What the process prints on stdout and its exit status."""

    output: str
    code: int


def complete_var(prog_name: str) -> str:
    """The environment variable a shell sets to ask `prog_name` for completions (Typer's rule)."""
    return f"_{prog_name}_COMPLETE".replace("-", "_").upper()


def fast_complete(
    environ: Mapping[str, str],
    prog_name: str = "salesflow",
    terminal_width: Callable[[], int | None] | None = None,
) -> Answer | None:
    """Typer's answer to this Tab, when it is a record number the fast path can answer exactly;
    None for Typer to answer. Never raises for what the line or the file holds."""
    instruction = environ.get(complete_var(prog_name))
    if not instruction:
        return None
    action, _, shell = instruction.partition("_")
    if action != "complete" or shell not in ("bash", "zsh", "fish"):
        return None
    try:
        line = _read_line(environ, shell)
        if line is None:
            return None
        args, incomplete = line
        target = _target(args, incomplete)
        if target is None:
            return None
        db, source, typed = target
        path = _data_path(environ, db)
        if path is None:
            return None
        identity = _identity(path)
        cache = _cache_file(path, source) if identity is not None else None
        fish_action = environ.get("_TYPER_COMPLETE_FISH_ACTION", "")
        rendered_for = shell if shell == "zsh" or fish_action == "get-args" else None
        if cache is not None and identity is not None and rendered_for and not typed:
            answer = _rendered_answer(
                cache, identity, rendered_for, incomplete, environ, terminal_width
            )
            if answer is not None:
                return answer
        offered = _offered(path, source, identity, cache)
        if offered is None:
            return None
    except Exception:
        return None
    if rendered_for and not typed and cache is not None and identity is not None:
        _write_rendered(path, cache, identity, rendered_for, offered)
    found = without_typed(narrowed(offered, incomplete), typed)
    # Typer keeps what starts with the word as typed; a help text of "" is no help text
    items = [(value, text) for value, text in found if value.startswith(incomplete)]
    if any("\x1b" in value + text for value, text in items):
        return None  # click strips what looks like a terminal's escape sequence
    if shell == "bash":
        return Answer(bash_lines(items, bash_columns(environ)) + "\n", 0)
    if not _plain(value + text for value, text in items):
        return None  # Typer renders descriptions with rich: markup (which may even fail)
    action = environ.get("_TYPER_COMPLETE_FISH_ACTION", "")
    if shell == "fish" and action != "get-args":
        # is-args: whether there are any (the shell asks first); other actions print nothing
        return Answer("", 0 if items else 1) if action == "is-args" else Answer("\n", 0)
    rendered = [_zsh_escape(text) if shell == "zsh" else text for _, text in items]
    width = _rich_width(environ, terminal_width or _terminal_width)
    if width is None or not all(len(text) < width and ":" not in text for text in rendered):
        return None  # rich wraps a long description and reads `:name:` as an emoji
    if shell == "zsh":
        if not items:
            return Answer("_files\n", 0)
        lines = "\n".join(
            f'"{_zsh_escape(v)}":"{t}"' if t else f'"{_zsh_escape(v)}"'
            for (v, _), t in zip(items, rendered, strict=True)
        )
        return Answer(f"_arguments '*: :(({lines}))'\n", 0)
    if not items:
        return Answer("\n", 0)
    return Answer("\n".join(f"{v}\t{t}" if t else v for v, t in items) + "\n", 0)


# --- the candidates of a data file, kept between Tabs -----------------------------------------

CACHE_FORMAT = 1
"""Bumped when what a cache file holds changes."""


def _offered(
    path: Path, source: str, identity: list[int] | None, cache: Path | None
) -> Completions | None:
    """Everything `source` offers in the data file at `path` (`candidates(..., "")`), from the
    cache when it was made from this very file (`identity`), else read from the file and kept
    for the next Tab; None when the fast path cannot read the file (Typer answers instead)."""
    if cache is not None and identity is not None:
        kept = _read_cache(cache, identity)
        if kept is not None:
            return kept
    tables = _read_tables(path, (SOURCES[source].table, "accounts"))
    if tables is None:
        return None
    try:
        offered = candidates(
            SOURCES[source],
            tables[SOURCES[source].table].values(),
            account_names(tables["accounts"].values()),
            "",
        )
    except Exception:
        return []  # as Typer's callback: a record it cannot read offers nothing (not kept)
    if cache is not None and identity is not None and _identity(path) == identity:
        _write_cache(cache, identity, offered)
    return offered


def _identity(path: Path) -> list[int] | None:
    """What tells this version of the data file from any other: salesflow replaces the file on
    every write (a new inode), and a hand edit changes its size or modification time."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, SCHEMA_VERSION]


def _cache_file(path: Path, source: str) -> Path | None:
    """The cache of `source`'s candidates for the data file at `path`, in the user's cache
    folder (one file per data file and record list)."""
    import zlib  # not hashlib: loading OpenSSL takes longer than the rest of a cached Tab

    try:
        resolved = str(path.resolve()).encode("utf-8", "surrogateescape")
    except OSError:
        return None
    # a name, not a proof: a cache is used only for the data file whose identity it holds
    digest = f"{zlib.crc32(resolved):08x}{zlib.adler32(resolved):08x}"
    name = f"{digest}-{source.replace(' ', '-')}.json"
    return _cache_folder() / "completion" / name


def _cache_folder() -> Path:
    """platformdirs' `user_cache_dir("salesflow")`; on Linux its rule written out, as importing
    platformdirs takes longer than the rest of a cached Tab."""
    if sys.platform == "linux" and not (
        os.environ.get("ANDROID_DATA") == "/data" and os.environ.get("ANDROID_ROOT") == "/system"
    ):
        folder = os.environ.get("XDG_CACHE_HOME", "")
        if not folder.strip():
            folder = os.path.expanduser("~/.cache")
        return Path(folder) / "salesflow"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("salesflow", appauthor=False))


def _read_cache(cache: Path, identity: list[int]) -> Completions | None:
    import json  # the standard library's: importing orjson alone takes longer than this read

    try:
        kept = json.loads(cache.read_bytes())
    except (OSError, ValueError):
        return None
    if not (
        isinstance(kept, dict)
        and kept.get("format") == CACHE_FORMAT
        and kept.get("data_file") == identity
        and isinstance(kept.get("offered"), list)
    ):
        return None
    try:
        offered = [(value, text) for value, text in kept["offered"]]
    except (TypeError, ValueError):
        return None  # an item that is not a pair
    if not all(type(value) is str and type(text) is str for value, text in offered):
        return None
    return offered


def _write_cache(cache: Path, identity: list[int], offered: Completions) -> None:
    """Kept for the next Tab when the folder can be written; a Tab never fails for it."""
    import orjson

    data = orjson.dumps({"format": CACHE_FORMAT, "data_file": identity, "offered": offered})
    try:
        cache.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = cache.with_name(f".{cache.name}.{os.getpid()}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, cache)
        _prune(cache.parent)
    except OSError:
        return


KEPT_CACHES = 32
"""Cache files kept at most (the least recently written go): data files come and go."""


def _prune(folder: Path) -> None:
    caches = sorted(folder.glob("*.json"), key=lambda path: path.stat().st_mtime_ns)
    for stale in caches[:-KEPT_CACHES]:
        stale.unlink(missing_ok=True)
        for shell in RENDERED_SHELLS:
            stale.with_suffix(f".{shell}").unlink(missing_ok=True)


# --- a cached Tab's answer, printed nearly as kept ----------------------------------------------

RENDERED_SHELLS = ("zsh", "fish")
RENDERED_FORMAT = "salesflow-tab-1"


def _rendered_lines(shell: str, offered: Completions) -> tuple[str, int, bool]:
    """What `fast_complete` prints between its frame for every candidate offered (the word being
    completed empty), the longest description as printed, and whether every value and
    description is one each path prints as it is (no `:`, `[`, escape or odd character)."""
    if shell == "zsh":
        texts = [_zsh_escape(text) for _, text in offered]
        lines = [
            f'"{_zsh_escape(v)}":"{t}"' if t else f'"{_zsh_escape(v)}"'
            for (v, _), t in zip(offered, texts, strict=True)
        ]
    else:
        texts = [text for _, text in offered]
        lines = [f"{v}\t{t}" if t else v for (v, _), t in zip(offered, texts, strict=True)]
    every = "".join(v + t for v, t in offered)
    plain = "\x1b" not in every and _plain([every]) and not any(":" in t for t in texts)
    return "\n".join(lines), max(map(len, texts), default=0), plain


def _common_prefix(values: Sequence[str]) -> str:
    """What every one of `values` starts with (character by character)."""
    first, last = min(values), max(values)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]


def _rendered_head(identity: list[int]) -> str:
    return " ".join([RENDERED_FORMAT, *map(str, identity)]) + " "


def _write_rendered(
    path: Path, cache: Path, identity: list[int], shell: str, offered: Completions
) -> None:
    """Keep `shell`'s answer for every candidate next to the cache, for the next Tab that wants
    them all (`_rendered_answer`): once per version of the data file (`identity`, checked
    again, as the file may have been replaced while it was read); a Tab never fails for it."""
    target = cache.with_suffix(f".{shell}")
    marked = _rendered_head(identity).encode("utf-8")
    try:
        with open(target, "rb") as handle:
            if handle.read(len(marked)) == marked:
                return  # kept already for this version
    except OSError:
        pass
    if not offered or _identity(path) != identity:
        return
    try:
        block, longest, plain = _rendered_lines(shell, offered)
        prefix = _common_prefix([value for value, _ in offered]).split("\n")[0]
        head = f"{_rendered_head(identity)}{longest} {int(plain)}"
        data = f"{head}\n{prefix}\n{block}".encode("utf-8", "surrogateescape")
        temporary = target.with_name(f".{target.name}.{os.getpid()}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    except (OSError, ValueError):
        return


def _rendered_answer(
    cache: Path,
    identity: list[int],
    shell: str,
    incomplete: str,
    environ: Mapping[str, str],
    terminal_width: Callable[[], int | None] | None,
) -> Answer | None:
    """The answer kept by `_write_rendered` for the data file with this `identity`, when it is
    the whole answer: the word typed so far starts every candidate (`L-` in a file of leads), so
    each is offered and shown as stored, and every description is printed as it is at this
    width. None otherwise: the candidates are filtered and formatted as usual."""
    try:
        with open(cache.with_suffix(f".{shell}"), "rb") as handle:
            kept = handle.read().decode("utf-8", "surrogateescape")
    except (OSError, ValueError):
        return None
    head, _, rest = kept.partition("\n")
    prefix, _, block = rest.partition("\n")
    fields = head.split(" ")
    if (
        len(fields) != len(identity) + 3
        or fields[0] != RENDERED_FORMAT
        or fields[1 : len(identity) + 1] != list(map(str, identity))
        or fields[-1] != "1"
        or not fields[-2].isdigit()
        or not block
        or not prefix.startswith(incomplete)
    ):
        return None
    width = _rich_width(environ, terminal_width or _terminal_width)
    if width is None or int(fields[-2]) >= width:
        return None
    if shell == "zsh":
        return Answer(f"_arguments '*: :(({block}))'\n", 0)
    return Answer(f"{block}\n", 0)


def _split(words: str) -> list[str]:
    """Click's `split_arg_string`: shell words, an unfinished quote or escape taken as is."""
    lex = shlex.shlex(words, posix=True)
    lex.whitespace_split = True
    lex.commenters = ""
    out: list[str] = []
    try:
        out.extend(lex)
    except ValueError:
        out.append(lex.token)
    return out


def _read_line(environ: Mapping[str, str], shell: str) -> tuple[list[str], str] | None:
    """(the words before the one being completed, that word), as Typer's shell classes read
    them."""
    if shell == "bash":
        words = _split(environ["COMP_WORDS"])
        cword = int(environ["COMP_CWORD"])
        return words[1:cword], (words[cword] if cword < len(words) else "")
    line = environ.get("_TYPER_COMPLETE_ARGS", "")
    args = _split(line)[1:]
    if args and not line.endswith(" "):
        return args[:-1], args[-1]
    return args, ""


def _target(args: list[str], incomplete: str) -> tuple[str | None, str, list[str]] | None:
    """(the last `--db` given, the record list completing `incomplete`, the words already given
    to a batch verb's `numbers`), or None when the line is not one the fast path reads."""
    if incomplete.startswith("-") or incomplete == "=":
        return None
    dbs: list[str] = []
    words: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--db":
            if index + 1 >= len(args):
                return None
            dbs.append(args[index + 1])
            index += 2
        elif arg.startswith("--db="):
            dbs.append(arg[len("--db=") :])
            index += 1
        elif arg.startswith("-"):
            return None
        else:
            words.append(arg)
            index += 1
    if any(db in ROOT_COMMANDS or db.startswith("-") for db in dbs):
        return None  # read otherwise by the root's parser (see `salesflow.cli.hoist_db`)
    db = dbs[-1] if dbs else None  # the last one given counts
    if len(words) < 2:
        return None
    arguments = RECORD_ARGUMENTS.get(f"{words[0]} {words[1]}")
    if arguments is None:
        return None
    given = words[2:]
    params: dict[str, list[str]] = {}
    for position, (name, nargs, source) in enumerate(arguments):
        if nargs == -1:
            if position != len(arguments) - 1:
                return None  # the words after it are shared out by Click's rules
            params[name] = given
            given = []
        elif given:
            params[name] = given[:1]
            given = given[1:]
            continue
        if source is None:
            return None
        return db, source, params.get("numbers") or []
    return None


def _data_path(environ: Mapping[str, str], db: str | None) -> Path | None:
    """`--db`, else `$SALESFLOW_DB`, else the user data dir's file, as `salesflow.cli.common
    .data_path` finds it; None for anything but a plain file path (a database URL, a folder, an
    empty value) or a lock timeout to check."""
    if "SALESFLOW_LOCK_TIMEOUT" in environ:
        return None
    if db is None:
        db = environ.get("SALESFLOW_DB") or None
    if db is None:
        from platformdirs import user_data_dir

        return Path(user_data_dir("salesflow", appauthor=False)) / "salesflow.json"
    if not db or _looks_like_url(db) or os.path.isdir(db):
        return None
    return Path(db)


def _looks_like_url(value: str) -> bool:
    """`postgresql://…`, `postgres:…`, any `scheme:` (but a drive letter, `C:`)."""
    scheme, colon, _ = value.partition(":")
    return (
        bool(colon)
        and len(scheme) > 1
        and scheme[0].isalpha()
        and all(c.isascii() and (c.isalnum() or c in "+-.") for c in scheme)
    )


def _read_tables(path: Path, names: Sequence[str]) -> dict[str, dict[str, Any]] | None:
    """The stored documents of `names` by id, in id order, parsing only those tables and
    `_meta`; {} for a table the file lacks, or for every table when there is no file. None when
    the store would have to do more than this to read the file as it is (not in salesflow's
    layout, another schema, a table whose size or count differs from what `_meta` recorded)."""
    import orjson

    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return {name: {} for name in names}
    except OSError:
        return None
    tables = _store_module("layout").split(raw)
    if tables is None or "_meta" not in tables:
        return None
    meta_table = orjson.loads(tables["_meta"])
    meta = meta_table.get("1") if isinstance(meta_table, dict) else None
    if not (
        isinstance(meta, dict)
        and _well_formed(meta_table)
        and type(meta.get("schema")) is int
        and meta["schema"] == SCHEMA_VERSION
        and isinstance(meta.get("counters", {}), dict)
        and all(type(n) is int for n in meta.get("counters", {}).values())
        and isinstance(meta.get("config", {}), dict)
        and isinstance(meta.get("tables"), dict)
    ):
        return None
    found: dict[str, dict[str, Any]] = {}
    for name in names:
        body = tables.get(name)
        if body is None:
            found[name] = {}
            continue
        table = orjson.loads(body)
        info = meta["tables"].get(name)
        if not (
            isinstance(table, dict)
            and _well_formed(table)
            and isinstance(info, dict)
            and all(type(info.get(key)) is int for key in ("size", "count", "crc32"))
            and isinstance(info.get("highest"), dict)
            and all(type(n) is int for n in info["highest"].values())
            and info["size"] == len(body)
            and info["count"] == len(table)
        ):
            return None  # the store checks such a table further (or refuses it)
        ids = list(map(int, table))
        if not all(map(int.__lt__, ids, ids[1:])):
            table = {doc_id: table[doc_id] for doc_id in sorted(table, key=int)}
        found[name] = table
    return found


def _well_formed(table: dict[str, Any]) -> bool:
    ids = "".join(table)
    return set(map(type, table.values())) <= {dict} and (
        not table or (all(table) and ids.isascii() and ids.isdigit())
    )


def _store_module(name: str) -> ModuleType:
    """`salesflow.store.<name>` (a pure module) without importing the `salesflow.store` package,
    whose `__init__` loads the models and pydantic: loaded from its file, once."""
    loaded = sys.modules.get(f"salesflow.store.{name}") or sys.modules.get(f"_salesflow_{name}")
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(
        f"_salesflow_{name}", Path(__file__).with_name("store") / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[f"_salesflow_{name}"] = module
    return module


_TYPOGRAPHIC = frozenset("‐‑‒–—‘’‚“”„•…€™")


def _plain(texts: Iterable[str]) -> bool:
    """Whether every path prints `texts` as they are: no control characters (which click
    strips), no `[` (rich markup), no character drawn wider or narrower than one cell."""
    return all(map(_plain_character, set("".join(texts))))


def _plain_character(char: str) -> bool:
    code = ord(char)
    if code < 0x80:
        return 0x20 <= code < 0x7F and char != "["
    if char in _TYPOGRAPHIC:
        return True
    return (
        code < 0x2000
        and not 0x1100 <= code < 0x1200  # Hangul jamo: some are drawn in no cell
        and unicodedata.category(char)[0] in "LNPS"
        and unicodedata.east_asian_width(char) not in ("W", "F")
    )


def _terminal_width() -> int | None:
    for descriptor in (0, 1, 2):
        try:
            return os.get_terminal_size(descriptor).columns
        except (AttributeError, ValueError, OSError):
            continue
    return None


def _rich_width(environ: Mapping[str, str], terminal: Callable[[], int | None]) -> int | None:
    """The width Typer's rich console renders descriptions at (they wrap beyond it); None when
    unsure."""
    given = environ.get("TERMINAL_WIDTH")
    if given:
        return int(given) if given.isdigit() else None
    columns = environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    width = terminal() or 80
    if environ.get("TERM", "").lower() in ("dumb", "unknown"):
        width = min(width, 80)  # rich uses 80 on a dumb terminal: the narrower is safe
    return width
