"""The column headers salesflow recognises without a mapping, and how a header is compared.

Headers are compared after `normalise_header`: case, spacing, punctuation and accents are ignored,
so "E-mail Address", "email address" and "E‑MAIL-ADRES" style variants meet.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesflow.pipeline.matching import fold

# What a column can become. "field" fills a lead field; "name" is a full name split into first and
# last name; "middle" is a middle name (a Dutch particle in it belongs to the last name); "particle"
# is a tussenvoegsel; "note" keeps the value as a "Column: value" line in the notes; "meta" does the
# same for export bookkeeping (order numbers, dates, flags) that does not make a row worth importing
# on its own; "skip" drops the column (values derived from other columns).
FIELD = "field"
NAME = "name"
MIDDLE = "middle"
PARTICLE = "particle"
NOTE = "note"
META = "meta"
SKIP = "skip"

LEAD_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "company",
    "email",
    "phone",
    "mobile",
    "job_title",
    "website",
    "city",
    "country",
    "source",
    "topic",
    "estimated_value",
    "notes",
)


def normalise_header(text: str) -> str:
    """`text` without case, accents, spaces or punctuation: "E-mail Adrés" -> "emailadres"."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


@dataclass(frozen=True)
class Alias:
    """What a recognised header means.

    `rank` orders several columns feeding one field (1 is the best); `alone` marks a header that
    means the field only when no better column for it exists (Outlook's "Title" is Mr./Dr. next to
    "Job Title", but a scanner's "Title" is the job title); `drop` lists values (casefolded) that an
    export writes for "nothing" ("Normal", "SMTP", "* myContacts"); `route_label` names the label
    column whose "Mobile" sends a phone number to the mobile field (Google's "Phone 1 - Label").
    """

    kind: str
    field: str | None = None
    rank: int = 1
    date: bool = False
    alone: bool = False
    drop: frozenset[str] = frozenset()
    route_label: tuple[str, ...] = ()


Catalogue = list[tuple[str, Alias]]


def _field(field: str, rank: int, *headers: str, alone: bool = False) -> Catalogue:
    return [(h, Alias(FIELD, field, rank, alone=alone)) for h in headers]


def _kind(kind: str, *headers: str, rank: int = 1, date: bool = False, drop: str = "") -> Catalogue:
    dropped = frozenset(v.strip().casefold() for v in drop.split("|") if v.strip())
    return [(h, Alias(kind, None, rank, date=date, drop=dropped)) for h in headers]


_CATALOGUE: Catalogue = [
    # --- names ---------------------------------------------------------------------------------
    *_field("first_name", 1, "First Name", "Firstname", "Given Name", "Forename", "Voornaam"),
    *_field("first_name", 2, "Roepnaam", "Nickname first"),
    *_field("last_name", 1, "Last Name", "Lastname", "Surname", "Family Name", "Achternaam"),
    *_field("last_name", 2, "Familienaam", "Geslachtsnaam"),
    *_kind(NAME, "Name", "Full Name", "Naam", "Volledige naam", "Contact Name", "Contact Person"),
    *_kind(NAME, "Contactpersoon", "Contactnaam", "Attendee Name", "Lead Name"),
    *_kind(NAME, "Display Name", "Weergavenaam", rank=2),
    *_kind(MIDDLE, "Middle Name", "Middelste naam", "Additional Name", "Tweede voornaam"),
    *_kind(PARTICLE, "Tussenvoegsel", "Tussenvoegsels", "Voorvoegsel", "Infix", "Name Infix"),
    # --- company and role ----------------------------------------------------------------------
    *_field("company", 1, "Company", "Company Name", "Organization", "Organisation"),
    *_field("company", 1, "Organization Name", "Organisation Name", "Organization 1 - Name"),
    *_field("company", 1, "Bedrijf", "Bedrijfsnaam", "Organisatie", "Firma", "Account Name"),
    *_field("company", 2, "Employer", "Werkgever", "Business Name", "Organization 2 - Name"),
    *_field("job_title", 1, "Job Title", "Jobtitle", "Functie", "Functietitel", "Position"),
    *_field("job_title", 1, "Organization Title", "Organization 1 - Title", "Function"),
    *_field("job_title", 2, "Title", "Titel", "Role", "Rol", alone=True),
    *_field("job_title", 3, "Profession", "Beroep", "Occupation", alone=True),
    # --- email ---------------------------------------------------------------------------------
    *_field("email", 1, "E-mail Address", "Email", "E-mail", "Email Address", "E-mailadres"),
    *_field("email", 1, "Mail", "Primary Email", "Work Email", "Business Email", "Email 1"),
    *_field("email", 1, "E-mail 1", "Emailadres 1", "Zakelijk e-mailadres"),
    *_field("email", 2, "E-mail 2 Address", "E-mailadres 2", "Email 2", "Secondary Email"),
    *_field("email", 2, "E-mail 2", "Home Email", "Personal Email", "Prive e-mailadres"),
    *_field("email", 3, "E-mail 3 Address", "E-mailadres 3", "Email 3", "E-mail 3"),
    *_field("email", 3, "Other Email"),
    # --- phones --------------------------------------------------------------------------------
    *_field("phone", 1, "Business Phone", "Telefoon op werk", "Phone", "Telephone", "Tel"),
    *_field("phone", 1, "Phone Number", "Telefoon", "Telefoonnummer", "Work Phone"),
    *_field("phone", 1, "Office Phone", "Direct Phone", "Zakelijk telefoonnummer"),
    *_field("phone", 2, "Primary Phone", "Hoofdtelefoon", "Company Main Phone", "Main Phone"),
    *_field("phone", 2, "Hoofdtelefoon bedrijf", "Business Phone 2", "Telefoon op werk 2"),
    *_field("phone", 3, "Home Phone", "Telefoon thuis", "Home Phone 2", "Telefoon thuis 2"),
    *_field("phone", 3, "Other Phone", "Andere telefoon", "Prive telefoon"),
    *_field("mobile", 1, "Mobile Phone", "Mobiele telefoon", "Mobile", "Mobile Number"),
    *_field("mobile", 1, "Mobile Phone Number", "Cell", "Cell Phone", "Cellphone", "Mobiel"),
    *_field("mobile", 1, "Mobiel nummer", "Mobielnummer", "Mobiele nummer", "GSM"),
    # --- web, place ----------------------------------------------------------------------------
    *_field("website", 1, "Website", "Web site", "Web Page", "Webpage", "Webpagina", "Web"),
    *_field("website", 1, "Homepage", "Company Website", "Web Page 1", "Webpagina 1"),
    *_field("website", 2, "Web Page 2", "Personal Website", "Blog"),
    *_field("city", 1, "City", "Business City", "Werkadres, plaats", "Plaats", "Woonplaats"),
    *_field("city", 1, "Stad", "Town", "Work City", "Vestigingsplaats", "Company City"),
    *_field("city", 1, "Werkplaats", "Plaats (werk)"),
    *_field("city", 2, "Home City", "Huisadres, plaats"),
    *_field("city", 3, "Other City", "Ander adres, plaats"),
    *_field("country", 1, "Country", "Country/Region", "Business Country/Region", "Land"),
    *_field("country", 1, "Business Country", "Land/regio (werk)", "Work Country", "Werkland"),
    *_field("country", 1, "Land/regio", "Company Country"),
    *_field("country", 2, "Home Country/Region", "Land/regio (thuis)", "Home Country"),
    *_field("country", 3, "Other Country/Region", "Land/regio (anders)"),
    # --- lead specifics ------------------------------------------------------------------------
    *_field("source", 1, "Source", "Lead Source", "Bron", "Leadbron", "Herkomst"),
    *_field("topic", 1, "Topic", "Subject", "Onderwerp", "Interest", "Interesse"),
    *_field("topic", 1, "Product Interest", "Interested In"),
    *_field("estimated_value", 1, "Estimated Value", "Value", "Waarde", "Geschatte waarde"),
    *_field("estimated_value", 1, "Deal Value", "Amount", "Bedrag", "Potential Value"),
    *_field("estimated_value", 1, "Estimated Revenue", "Verwachte waarde", "Lead Value"),
    *_field("notes", 1, "Notes", "Note", "Notities", "Notitie", "Opmerkingen", "Opmerking"),
    *_field("notes", 1, "Comments", "Comment", "Remarks", "Memo", "Toelichting"),
    # --- export bookkeeping: kept in notes, but never a reason to import a row -----------------
    *_kind(META, "Connected On", "Order Date", "Birthday", "Verjaardag", "Anniversary", date=True),
    *_kind(META, "Jubileum", "Speciale datum", "Created", "Created On", "Date Added", date=True),
    *_kind(META, "Scanned At", "Scan Date", "Scan Time", "Aangemaakt op", date=True),
    *_kind(META, "Order #", "Attendee #", "Quantity", "Price Tier", "Ticket Type", "Group"),
    *_kind(META, "Order Type", "Currency", "Total Paid", "Fees Paid", "Eventbrite Fees"),
    *_kind(META, "Eventbrite Payment Processing", "Attendee Status", "Scanned By"),
    *_kind(META, "Initials", "Initialen"),
    *_kind(
        META,
        "Priority",
        "Prioriteit",
        "Sensitivity",
        "Gevoeligheid",
        "Priorität",
        "Vertraulichkeit",
        "Priorité",
        "Critère de diffusion",
        "Prioridad",
        "Confidencialidad",
        drop="Normal|Normaal|Normale|Niedrig",
    ),
    *_kind(META, "Private", "Privé", "Priv", "Privat", drop="False|Onwaar|Aus|Faux|Falso"),
    *_kind(META, "Labels", "Group Membership", drop="* myContacts|* My Contacts"),
    # --- derived from other columns ------------------------------------------------------------
    *_kind(SKIP, "E-mail Display Name", "E-mail 2 Display Name", "E-mail 3 Display Name"),
    *_kind(SKIP, "Weergavenaam voor e-mail", "E-mail, weergegeven naam 2"),
    *_kind(SKIP, "E-mail, weergegeven naam 3", "File As", "Photo"),
    *_kind(SKIP, "E-mail Type", "E-mail 2 Type", "E-mail 3 Type", "Gender", "Geslacht"),
    *_kind(SKIP, "E-mailtype", "E-mailtype 2", "E-mailtype 3"),
]


def _google_numbered() -> Catalogue:
    """Google Contacts numbers repeated groups: "E-mail 1 - Value", "Phone 2 - Label", ..."""
    aliases: dict[str, Alias] = {}
    for n in range(1, 6):
        labels = (f"Phone {n} - Label", f"Phone {n} - Type")
        aliases[f"E-mail {n} - Value"] = Alias(FIELD, "email", n)
        aliases[f"Phone {n} - Value"] = Alias(FIELD, "phone", n, route_label=labels)
        aliases[f"Website {n} - Value"] = Alias(FIELD, "website", n)
        aliases[f"Address {n} - City"] = Alias(FIELD, "city", n)
        aliases[f"Address {n} - Country"] = Alias(FIELD, "country", n)
        if n > 1:
            aliases[f"Organization {n} - Name"] = Alias(FIELD, "company", n)
            aliases[f"Organization {n} - Title"] = Alias(FIELD, "job_title", n)
        for part in ("E-mail", "Phone", "Address", "Website", "Organization", "Relation", "Event"):
            aliases[f"{part} {n} - Label"] = Alias(SKIP)
            aliases[f"{part} {n} - Type"] = Alias(SKIP)
        # The formatted address is kept; its parts would only repeat it.
        for part in ("Street", "PO Box", "Region", "Postal Code", "Extended Address"):
            aliases[f"Address {n} - {part}"] = Alias(SKIP)
    return list(aliases.items())


def _from_words() -> Catalogue:
    """The tables of `header_words`: "phone 3" is the phone field, third choice; "meta date"
    an export detail holding dates."""
    from salesflow.importer.header_words import TABLES

    kinds = {"name": NAME, "middle": MIDDLE, "meta": META, "skip": SKIP, "note": NOTE}
    catalogue: Catalogue = []
    for words in TABLES.values():
        for key, headers in words.items():
            what, *more = key.split()
            rank = int(more[0]) if more and more[0].isdigit() else 1
            if what in kinds:
                alias = Alias(kinds[what], None, rank, date="date" in more)
            else:
                alias = Alias(FIELD, what, rank, alone="alone" in more)
            catalogue.extend((header, alias) for header in headers)
    return catalogue


def _build() -> dict[str, Alias]:
    table: dict[str, Alias] = {}
    known = {normalise_header(h) for h, _ in _CATALOGUE}
    # The catalogue's meaning of a header wins over a language table's (a "Privat" of both).
    words = [(h, a) for h, a in _from_words() if normalise_header(h) not in known]
    for header, alias in _CATALOGUE + _google_numbered() + words:
        key = normalise_header(header)
        if key in table and table[key] != alias:
            raise AssertionError(f"header {header!r} is catalogued twice with different meanings")
        table[key] = alias
    return table


ALIASES: dict[str, Alias] = _build()
"""Normalised header -> what it means."""

DATE_WORDS = ("date", "datum", "birthday", "verjaardag", "anniversary")
"""A header containing one of these (normalised) holds dates: placeholders like 0/0/00 are empty."""
