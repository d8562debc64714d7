"""Single values of an import file (amounts, emails, full names, dates) and of an export (cells)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from salesflow.errors import InvalidValue
from salesflow.pipeline.money import D, amount_digits, cents

# Name particles that belong to the last name when they follow a first name: Dutch (de, van 't,
# in 't, ter), and the common ones of neighbouring languages (von, du, la, di, da, el, ...).
PARTICLES = frozenset(
    {
        "van", "de", "der", "den", "het", "'t", "te", "ten", "ter", "in", "op", "uit", "aan",
        "bij", "onder", "over", "'s", "von", "zu", "zum", "zur", "du", "des", "la", "le", "di",
        "da", "del", "della", "dei", "degli", "dos", "das", "do", "el", "al", "bin", "ibn",
    }
)  # fmt: skip

PLACEHOLDER_DATES = frozenset(
    {"0/0/00", "0-0-00", "0.0.00", "00/00/00", "00-00-00", "00/00/0000", "00-00-0000",
     "0000-00-00", "1/1/4501", "1-1-4501"}
)  # fmt: skip
"""What Outlook (English, Dutch) and friends write in a date column that has no date."""

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_particle(word: str) -> bool:
    """Whether `word` is a name particle such as "de", "van" or "'t" (any case, any apostrophe)."""
    return word.casefold().translate(_APOSTROPHES) in PARTICLES


def split_full_name(text: str) -> tuple[str, str]:
    """(first name, last name) of a full name; particles stay with the last name.

    "Jan de Vries" -> ("Jan", "de Vries"), "Anna van 't Hek" -> ("Anna", "van 't Hek"),
    "Vries, Jan de" -> ("Jan", "de Vries"). A single word is taken as the last name, so that the
    lead keeps a name ("Cher" -> ("", "Cher")).
    """
    words = text.split()
    if not words:
        return "", ""
    joined = " ".join(words)
    if "," in joined:
        last, _, first = (part.strip() for part in joined.partition(","))
        if last and first:
            first_words = first.split()
            keep = len(first_words)
            while keep > 1 and is_particle(first_words[keep - 1]):
                keep -= 1
            return " ".join(first_words[:keep]), " ".join([*first_words[keep:], last])
        words = (last or first).split()
        if not words:
            return "", ""  # only a comma
    if len(words) == 1:
        return "", words[0]
    for i in range(1, len(words) - 1):
        if is_particle(words[i]):
            return " ".join(words[:i]), " ".join(words[i:])
    return " ".join(words[:-1]), words[-1]


def is_email(text: str) -> bool:
    """The simple syntax check of an email address, the same as `lead add`'s: one @, a name
    before it, a domain with a dot inside it (not at its end, never two in a row), no spaces."""
    local, at, domain = text.partition("@")
    dot = domain.rfind(".")
    return (
        bool(at and local)
        and 0 < dot < len(domain) - 1
        and "@" not in domain
        and ".." not in domain
        and " " not in text
        and text.isprintable()
    )


def parse_import_amount(text: str) -> Decimal:
    """An amount as spreadsheets write it, Dutch or English: "12.500,00", "12,500.00", "€ 1.000",
    "1000", "1.250,-", read as every money option reads them (`amount_digits`).

    Raises InvalidValue naming the text when it is not an amount.
    """
    number = amount_digits(text)
    if number is None:
        raise InvalidValue(f'"{text}" is not an amount')
    return D(number)


def amount_text(text: str) -> str | None:
    """`text` as a lead's amount string ("12.500,00" -> "12500.00"), or None if it is not an
    amount. A negative amount keeps its "-" (the caller refuses it)."""
    number = amount_digits(text)
    if number is None:
        return None
    whole, _, fraction = number.partition(".")
    if len(fraction) <= 2 and whole[:1] != "-":  # the common case needs no rounding
        return f"{int(whole)}.{fraction:0<2}"
    value = Decimal(number)
    return format_amount(value) if value else "0.00"


def format_amount(value: Decimal) -> str:
    """An amount as lead fields hold it: a plain string with two decimals ("12500.00")."""
    return f"{cents(value):.2f}"


def reformat_date(text: str, date_format: str) -> str:
    """`text` read with a strptime format, written as ISO (with the time when the format has one);
    `text` unchanged when it does not fit the format (it still lands in the notes)."""
    try:
        moment = datetime.strptime(text, date_format)
    except ValueError:
        return text
    if any(directive in date_format for directive in ("%H", "%I", "%M")):
        seconds = "%S" in date_format
        return moment.isoformat(sep=" ", timespec="seconds" if seconds else "minutes")
    return moment.date().isoformat()


def neutralise_cell(text: str) -> str:
    """A cell that a spreadsheet will not run as a formula (OWASP CSV injection): a value that
    starts with = + - @, a tab or a carriage return gets a leading apostrophe."""
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text
