"""How salesflow tells whether two texts mean the same: accent folding, the match key of a
company name or email, the name key of a person, and the email syntax check.

Each rule exists here once; `lead add`, `lead qualify`, list searches and the bulk import all
call these functions. They are written for the import path (100k rows): plain ASCII text, the
common case, is answered with a few C-level string methods, and only other text is decomposed.
"""

from __future__ import annotations

import re
import unicodedata


class _Combining(dict[int, int | None]):
    """A str.translate table that drops combining characters, filled as characters come."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_WITHOUT_COMBINING = _Combining()

_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]")
"""The combining diacritical marks (U+034F, the grapheme joiner among them, combines nothing)."""


def fold(text: str) -> str:
    """Text for matching: accents removed, case folded (`Müller` ~ `muller`).

    Most accents are diacritical marks once decomposed: when removing those leaves ASCII, no
    other combining character was there to remove; otherwise a table drops every combining
    character.
    """
    if text.isascii():
        return text.lower()  # casefold, for ASCII; nothing decomposes
    spread = unicodedata.normalize("NFKD", text)
    bare = _MARKS.sub("", spread)
    if not bare.isascii():
        bare = spread.translate(_WITHOUT_COMBINING)
    return bare.casefold()


def match_key(text: str | None) -> str:
    """How company names and emails are matched: surrounding space and case ignored."""
    return (text or "").strip().casefold()


def name_key(first: str | None, last: str | None, company: str | None) -> str:
    """First name | last name | company, accents, case and spacing ignored; "" without a last
    name: a person with no readable name is nobody's duplicate by name.

    Each part keeps its place, so a first name "Jan" is not the last name "Jan".
    """
    if not last or last.isspace():
        return ""
    text = f"{first or ''}|{last}|{company or ''}"
    text = text.lower() if text.isascii() else fold(text)  # fold's ASCII case, inline: per row
    # Printable text has no whitespace but the space: with no space doubled or next to a
    # separator or an end, every part is already split and joined.
    if (
        text.isprintable()
        and "  " not in text
        and " |" not in text
        and "| " not in text
        and text[0] != " "
        and text[-1] != " "
    ):
        return text
    return "|".join(" ".join(part.split()) for part in text.split("|"))


def is_email(text: str) -> bool:
    """The simple syntax check of an email address: one @, a name before it, a domain with a
    dot inside it (not at its end, never two in a row), no spaces or unprintable characters."""
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
