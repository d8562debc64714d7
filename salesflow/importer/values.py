"""Single values of an import file (amounts, emails, full names, dates) and of an export (cells)."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from salesflow.errors import InvalidValue
from salesflow.pipeline.matching import is_email
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


HONORIFICS = frozenset(
    {
        "dr", "prof", "mr", "mrs", "ms", "miss", "mx", "mevr", "mevrouw", "dhr", "heer", "herr",
        "frau", "mme", "mlle", "ir", "drs", "ing", "dipl", "sr", "sra", "srta", "dott", "dottssa",
        "sig", "sir", "dame", "prof.dr", "dr.ir", "dr.-ing", "ing.", "m.",
    }
)  # fmt: skip
"""Honorifics and titles before a name (any case, with or without a dot): not a first name."""
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "mba", "phd", "msc", "bsc", "md", "esq"})
"""What may follow a last name ("Jansen Jr.", "Smith, PhD"): it stays with the last name."""

# Characters no email address holds (quotes, brackets, separators of several addresses).
_EMAIL_JUNK = re.compile("[<>:;,/\"()\u2018\u2019\u201c\u201d\\s]|^'|'$")
_ADDRESSES = re.compile(
    '[^\\s<>()"\u2018\u2019\u201c\u201d,;:/]+@[^\\s<>()"\'\u2018\u2019\u201c\u201d,;:/]+'
)
_MAILTO = re.compile("mailto:", re.IGNORECASE)
_EXCEL_NUMBER = re.compile(r"[0-9](?:[.,][0-9]+)?[eE]\+[0-9]+")


def is_plain_email(text: str) -> bool:
    """Whether a trimmed cell is an address as it is, with nothing to clean (`clean_email`)."""
    return is_email(text) and _EMAIL_JUNK.search(text) is None


def clean_email(text: str) -> tuple[str, str]:
    """(the first address in a cell, the other addresses joined by "; ").

    `Jan Jansen <jan@x.example>`, `<jan@x.example>`, `mailto:jan@x.example`, quotes and spaces
    around it give `jan@x.example`; several addresses (`a@x.nl; b@y.nl`, `a ::: b`, `a / b`) the
    first. A cell with no address in it comes back trimmed, for the syntax check to refuse.
    """
    found = [a.strip("'.") for a in _ADDRESSES.findall(_MAILTO.sub(" ", text))]
    if not found:
        return text.strip().strip("\"'\u2018\u2019\u201c\u201d<> "), ""
    return found[0], "; ".join(found[1:])


def needs_phone_cleaning(text: str) -> bool:
    """Whether `clean_phone` may change a trimmed cell."""
    return text[:1] == "'" or "E+" in text or "e+" in text or text[:4].casefold() == "tel:"


def clean_phone(text: str) -> tuple[str, str]:
    """(the phone number, a note): `tel:`, a leading apostrophe and spaces removed; a number
    Excel turned into `3.16555E+10` is no phone number any more: it goes to the note."""
    value = text.strip().lstrip("'").strip()
    if value[:4].casefold() == "tel:":
        value = value[4:].strip()
    if _EXCEL_NUMBER.fullmatch(value):
        return "", f"{value} (Excel wrote it as a number and may have dropped digits; check it)"
    return value, ""


def take_titles(text: str) -> tuple[str, str]:
    """(honorifics, the rest) of a name: "Dr. Jan" -> ("Dr.", "Jan"), "Herr Prof. Weiß" ->
    ("Herr Prof.", "Weiß"). A name that is only a title keeps it ("Ms" stays "Ms")."""
    words = text.split()
    taken = 0
    while taken < len(words) - 1 and words[taken].casefold().rstrip(".") in HONORIFICS_BARE:
        taken += 1
    return " ".join(words[:taken]), " ".join(words[taken:])


HONORIFICS_BARE = frozenset(h.rstrip(".") for h in HONORIFICS)


def clean_first_name(first: str, last: str) -> tuple[str, str, str]:
    """(first name, last name, titles): honorifics out of the first name, and particles at its
    end ("Jan van der") in front of the last name."""
    if first.casefold().rstrip(".") in HONORIFICS_BARE:
        return "", last, first  # only a title: "Mr"
    titles, rest = take_titles(first)
    if titles:
        first = rest
    words = first.split()
    keep = len(words)
    while keep > 1 and is_particle(words[keep - 1]):
        keep -= 1
    if keep < len(words) and last:
        last = " ".join([*words[keep:], last])
        first = " ".join(words[:keep])
    return first, last, titles


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
    suffix = ""
    if "," in joined and _is_suffix(joined.rpartition(",")[2]):
        joined, _, suffix = joined.rpartition(",")  # "Jan Jansen, PhD": not "Last, First"
        suffix = "," + suffix
        words = joined.split()
    elif len(words) > 2 and _is_suffix(words[-1]):
        suffix = " " + words.pop()  # "Jan Jansen Jr.": Jr. stays with the last name
        joined = " ".join(words)
    first, last = _split(joined, words)
    return first, (last + suffix if last else last)


def _is_suffix(word: str) -> bool:
    return word.strip().casefold().replace(".", "") in SUFFIXES


def _split(joined: str, words: list[str]) -> tuple[str, str]:
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
