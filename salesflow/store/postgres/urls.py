"""Database URLs: which targets name a database, and how one is shown without a password.

Passwords come from `~/.pgpass` or the `PG*` variables (libpq reads both); a URL holding one is
refused, as it would end up in shell history, history events, errors and `info`.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

from salesflow.errors import UsageError

SCHEMES = ("postgresql://", "postgres://")


def is_database_url(target: str) -> bool:
    """Whether `target` (a `--db` value) names a PostgreSQL database rather than a file."""
    return target.strip().lower().startswith(SCHEMES)


def shown(url: str) -> str:
    """`url` without any password: what messages, `info` and history events name."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "the database URL"
    netloc = parts.netloc
    if "@" in netloc:
        users, _, hosts = netloc.rpartition("@")
        netloc = f"{users.partition(':')[0]}@{hosts}"
    query = "&".join(
        item
        for item in parts.query.split("&")
        if item and unquote(item.partition("=")[0]).strip().lower() != "password"
    )
    # Not urlunsplit: it drops the `//` of a URL without a host (`postgresql:///sales`).
    return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")


def checked(url: str) -> str:
    """`url` when it holds no password; UsageError (which never repeats the URL) otherwise."""
    try:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        raise UsageError(
            "the database URL cannot be read; write postgresql://[user@]host/db"
        ) from None
    users = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
    if ":" in users or any(name.lower() == "password" for name, _ in query):
        raise UsageError(
            "the database URL holds a password; salesflow never takes one from a URL (it would "
            "be shown in errors, `info` and the history). Put it in ~/.pgpass or $PGPASSWORD and "
            "give the URL without it"
        )
    return url
