"""The seller's settings kept in the data file: details for documents, currency, defaults."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from salesflow.errors import InvalidValue, Refused
from salesflow.pipeline.fields import check_email, choice, clean, parse_rate
from salesflow.pipeline.money import D


def _text(value: str, key: str) -> str | None:
    return clean(value)


def _currency(value: str, key: str) -> str:
    code = value.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise InvalidValue(f"currency {value!r} is not a three-letter ISO code (EUR, USD, ...)")
    return code


def _days(value: str, key: str) -> int:
    try:
        days = int(value.strip())
    except ValueError:
        raise InvalidValue(f"{key} {value!r} is not a whole number of days") from None
    if not 0 <= days <= 365:
        raise InvalidValue(f"{key} {value!r} is out of range; it must be from 0 to 365 days")
    return days


def _seconds(value: str, key: str) -> str:
    try:
        seconds = D(value)
    except (ValueError, TypeError):
        raise InvalidValue(f"{key} {value!r} is not a number of seconds") from None
    if not seconds.is_finite() or not 0 <= seconds <= 3600:
        raise InvalidValue(f"{key} {value!r} is out of range; it must be from 0 to 3600 seconds")
    return str(seconds)


def _rate(value: str, key: str) -> str:
    return str(parse_rate(value, key.replace("_", " ")))


def _email(value: str, key: str) -> str | None:
    return check_email(value, "seller")


def _vat(value: str, key: str) -> str | None:
    from salesflow.pipeline.customers import check_vat_id

    return check_vat_id(value, "seller")


def _iban(value: str, key: str) -> str | None:
    from salesflow.pipeline.customers import check_iban

    return check_iban(value, "seller")


LANGUAGES = ("nl", "en", "de", "fr")


def _language(value: str, key: str) -> str:
    return choice(value, LANGUAGES, "language")


def _country(value: str, key: str) -> str | None:
    from salesflow.pipeline.customers import check_country

    return check_country(value, "seller")


def _image(value: str, key: str) -> str | None:
    path = clean(value)
    if path is not None and not path.lower().endswith((".png", ".jpg", ".jpeg")):
        raise InvalidValue(f"logo {value!r} is not a PNG or JPEG file (.png, .jpg, .jpeg)")
    return path


def _history(value: str, key: str) -> int:
    try:
        count = int(value.strip())
    except ValueError:
        raise InvalidValue(f"{key} {value!r} is not a whole number") from None
    if not 0 <= count <= 1000:
        raise InvalidValue(f"{key} {value!r} is out of range; it must be from 0 to 1000")
    return count


KEYS: dict[str, Callable[[str, str], Any]] = {
    "company": _text,
    "address": _text,
    "email": _email,
    "phone": _text,
    "vat_number": _vat,
    "iban": _iban,
    "bic": _text,
    "coc": _text,
    "country": _country,
    "website": _text,
    "logo": _image,
    "footer": _text,
    "terms": _text,
    "language": _language,
    "currency": _currency,
    "tax_rate": _rate,
    "payment_terms": _days,
    "lock_timeout": _seconds,
    "history_keep": _history,
    "agenda_quote_days": _days,
    "agenda_lead_days": _days,
    "agenda_order_days": _days,
}

DEFAULTS: dict[str, Any] = {
    "currency": "EUR",
    "tax_rate": "0",
    "payment_terms": 30,
    "lock_timeout": "10",
    "history_keep": 20,
    "agenda_quote_days": 7,
    "agenda_lead_days": 14,
    "agenda_order_days": 14,
    "language": "en",
}


def config_value(key: str, value: str) -> Any:
    """The stored form of a setting typed by the user; InvalidValue for an unknown key or value."""
    name = key.strip().lower().replace("-", "_")
    if name not in KEYS:
        raise InvalidValue(f"setting {key!r} is unknown; known settings: {', '.join(KEYS)}")
    return KEYS[name](value, name)


def config_values(values: Mapping[str, str | None]) -> dict[str, Any]:
    """Several settings at once (None means not given)."""
    return {
        key.replace("-", "_"): config_value(key, v) for key, v in values.items() if v is not None
    }


def check_currency_change(current: str, new: str, holding: Mapping[str, int]) -> None:
    """Refused when the currency would change while records hold money in the current one
    (`holding`: how many records of each kind, e.g. {"invoices": 2}): reports would add amounts
    of two currencies together."""
    held = [f"{count} {kind}" for kind, count in holding.items() if count]
    if new != current and held:
        raise Refused(
            f"currency cannot change from {current} to {new}: the data file holds money in "
            f"{current} ({', '.join(held)}); keep {new} in a data file of its own "
            f"(salesflow --db FILE init --currency {new})"
        )


@dataclass(frozen=True)
class Settings:
    """The settings with their defaults filled in."""

    values: Mapping[str, Any]

    def get(self, key: str) -> Any:
        return self.values.get(key, DEFAULTS.get(key))

    @property
    def currency(self) -> str:
        return str(self.get("currency"))

    @property
    def tax_rate(self) -> Decimal:
        return D(str(self.get("tax_rate")))

    @property
    def payment_terms(self) -> int:
        return int(self.get("payment_terms"))

    @property
    def country(self) -> str | None:
        """The seller's country: the setting, else the prefix of its VAT number (`NL…`)."""
        country = self.get("country")
        if country:
            return str(country)
        vat = str(self.get("vat_number") or "").strip().upper()
        return vat[:2] if vat[:2].isalpha() else None
