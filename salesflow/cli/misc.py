"""Top-level commands: `info`, `init`, `config`, `history`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli import common
from salesflow.cli.common import AppTyper

if TYPE_CHECKING:
    from salesflow.services.story import Story

Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

config_app = AppTyper(help="Read and change the seller's settings kept in the data file.")


def info(json: Json = False) -> None:
    """Show the data file's path, schema version and record counts.

    Example: salesflow info --json | jq -r .path
    """
    from salesflow.services import datafile
    from salesflow.store import SCHEMA_VERSION

    database = common.database()
    if database is not None:
        from salesflow.cli.db import info as database_info

        database_info(database, json)
        return
    path = common.data_path()
    with common.reading() as uow:
        held = datafile.contents(uow)
    schema, counts = held.schema, held.counts
    data = {
        "path": str(path),
        "exists": path.exists(),
        "schema": schema,
        "currency": held.currency,
        "counts": counts,
    }
    if json:
        common.print_json(data)
        return
    common.print_fields(
        [
            ("Data file", f"{path}{'' if path.exists() else ' (not created yet)'}"),
            (
                "Schema",
                schema
                if schema == SCHEMA_VERSION
                else f"{schema} (the next command that writes upgrades it to {SCHEMA_VERSION})",
            ),
            ("Currency", held.currency),
            *((table.capitalize(), count) for table, count in counts.items()),
        ]
    )


def init(
    currency: Annotated[str | None, typer.Option("--currency", help="ISO code, e.g. EUR.")] = None,
    tax_rate: Annotated[
        str | None, typer.Option("--tax-rate", help="Default tax percentage for products.")
    ] = None,
    payment_terms: Annotated[
        str | None, typer.Option("--payment-terms", help="Days until an invoice is due.")
    ] = None,
    company: Annotated[str | None, typer.Option("--company", help="Your company name.")] = None,
    address: Annotated[str | None, typer.Option("--address", help="Your address.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="Your email.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Your phone.")] = None,
    vat_number: Annotated[str | None, typer.Option("--vat-number", help="Your VAT number.")] = None,
    iban: Annotated[str | None, typer.Option("--iban", help="Your IBAN for payments.")] = None,
    bic: Annotated[str | None, typer.Option("--bic", help="Your bank's BIC.")] = None,
    coc: Annotated[
        str | None, typer.Option("--coc", help="Your chamber of commerce number.")
    ] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="Your country, ISO code (NL, DE, ...).")
    ] = None,
    website: Annotated[str | None, typer.Option("--website", help="Your website.")] = None,
    logo: Annotated[
        str | None, typer.Option("--logo", help="A PNG or JPEG printed on documents.")
    ] = None,
    footer: Annotated[
        str | None, typer.Option("--footer", help="A line printed at the foot of documents.")
    ] = None,
    terms: Annotated[
        str | None,
        typer.Option("--terms", help="Terms and conditions for quotes; @FILE reads a file."),
    ] = None,
    language: Annotated[
        str | None, typer.Option("--language", help="Document language: nl, en, de or fr.")
    ] = None,
    json: Json = False,
) -> None:
    """Create the data file (if needed) and set the seller's details and defaults.

    Example: salesflow init --currency EUR --tax-rate 21 --payment-terms 14 --company "Acme BV"
    """
    from salesflow.pipeline.settings import config_values

    values = config_values(
        {
            "bic": bic,
            "coc": coc,
            "country": country,
            "website": website,
            "logo": _logo_path(logo),
            "footer": footer,
            "terms": _text_or_file(terms, "terms"),
            "language": language,
            "currency": currency,
            "tax_rate": tax_rate,
            "payment_terms": payment_terms,
            "company": company,
            "address": address,
            "email": email,
            "phone": phone,
            "vat_number": vat_number,
            "iban": iban,
        }
    )
    from salesflow.services import settings as service

    with common.writing() as uow:
        settings = service.configure(uow, values)
    if json:
        common.print_json(settings)
    else:
        database = common.database()
        data = f"Database {database.location()}" if database else f"Data file {common.data_path()}"
        common.say(f"{data} is ready")
        for name, value in values.items():
            common.say(f"{name} = {_one_line(value)}")


def _one_line(value: object) -> str:
    """A setting on one line: a text of several lines shows its first and how many there are."""
    lines = str(value).strip().splitlines() or [""]
    return lines[0] if len(lines) == 1 else f"{lines[0]} … ({len(lines)} lines)"


def _logo_path(value: str | None) -> str | None:
    """The logo's absolute path, after checking the file is a PNG or JPEG image."""
    from pathlib import Path

    from salesflow.errors import InvalidValue

    if value is None or not value.strip():
        return value
    path = Path(value.strip()).expanduser()
    try:
        head = path.read_bytes()[:8]
    except OSError as error:
        raise InvalidValue(f"logo {value!r} cannot be read ({error.strerror})") from None
    if not (head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff")):
        raise InvalidValue(f"logo {value!r} is not a PNG or JPEG image")
    return str(path.resolve())


def _text_or_file(value: str | None, name: str) -> str | None:
    """`value`, or the text of the file it names as `@FILE`."""
    from pathlib import Path

    from salesflow.errors import InvalidValue

    if value is None or not value.startswith("@"):
        return value
    try:
        return Path(value[1:]).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise InvalidValue(f"{name} file {value[1:]!r} cannot be read ({reason})") from None


@config_app.command("get")
def config_get(
    key: Annotated[str | None, typer.Argument(help="A setting; omit to list all.")] = None,
    json: Json = False,
) -> None:
    """Print one setting, or all of them.

    Example: salesflow config get payment_terms
    """
    from salesflow.pipeline.settings import KEYS, config_value
    from salesflow.services import settings as service

    with common.reading() as uow:
        settings = service.settings(uow)
    if key is not None:
        name = key.strip().lower().replace("-", "_")
        if name not in KEYS:
            config_value(key, "")  # raises the unknown-setting refusal
        value = settings.get(name)
        if json:
            common.print_json({name: value})
        else:
            from salesflow.cli import screen

            text = "" if value is None else str(value)
            typer.echo(screen.safe(text) if screen.is_terminal() else text)
        return
    values = {name: settings.get(name) for name in KEYS}
    if json:
        common.print_json(values)
    else:
        common.print_fields(
            [(name, _setting_text(name, v, settings.values)) for name, v in values.items()]
        )


def _setting_text(name: str, value: object, stored: Mapping[str, object]) -> str:
    from salesflow.pipeline.settings import DEFAULTS

    if value is None:
        return ""
    return f"{value} (default)" if name not in stored and name in DEFAULTS else str(value)


@config_app.command("set")
def config_set(
    key: Annotated[str, typer.Argument(help="A setting, e.g. payment_terms.")],
    value: Annotated[str, typer.Argument(help="Its new value.")],
) -> None:
    """Change a setting (the same keys as `init`'s options, plus lock_timeout, history_keep).

    Example: salesflow config set tax_rate 21
    """
    from salesflow.pipeline.settings import config_value
    from salesflow.services import settings as service

    name = key.strip().lower().replace("-", "_")
    if name == "logo":
        value = _logo_path(value) or ""
    elif name == "terms":
        value = _text_or_file(value, name) or ""
    stored = config_value(name, value)
    with common.writing() as uow:
        service.configure(uow, {name: stored})
    common.say(f"{name} = {_one_line(stored)}")


@config_app.command("show")
def config_show(json: Json = False) -> None:
    """List every setting with its value (defaults marked).

    Example: salesflow config show
    """
    config_get(None, json)


def history(
    number: Annotated[str, typer.Argument(help="Any number in the chain: L-, ACC-, OPP-, ...")],
    json: Json = False,
) -> None:
    """Show the whole story of a deal, lead to last payment, from any number in it.

    Example: salesflow history OPP-0001
    """
    from salesflow.services.story import deal_story

    with common.reading() as uow:
        told = deal_story(uow, number)
    if json:
        common.print_json(story_json(told))
    else:
        print_story(told)


def story_json(told: Story) -> dict[str, Any]:
    """A deal's story as `history --json` prints it."""
    return {
        "number": told.number,
        "chain": sorted(told.chain),
        "events": [common.dump(e) for e in told.events],
    }


def print_story(told: Story) -> None:
    """A deal's story as `history` prints it: one row per event."""
    events = told.events
    # who did what, once salesflow knew (events recorded before name no one)
    signed = any(e.by for e in events)
    common.print_table(
        ["When", "Number", "What", "From", "To", "Details", *(["By"] if signed else [])],
        [
            [
                e.at.strftime("%Y-%m-%d %H:%M"),
                e.number,
                e.kind,
                e.from_state,
                e.to_state,
                ", ".join(f"{k}={_detail(v)}" for k, v in e.details.items()),
                *([e.by] if signed else []),
            ]
            for e in events
        ],
    )


def _detail(value: object) -> str:
    if isinstance(value, list):
        return "/".join(str(v) for v in value)
    return str(value)
