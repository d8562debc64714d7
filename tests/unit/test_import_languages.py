"""Headers per language and tool, and the cleaning of emails, phones, names and text: the
importer's dictionary is data, tested per format; the cleaning rules as properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesflow.importer import map_columns
from salesflow.importer.header_words import TABLES
from salesflow.importer.headers import ALIASES, FIELD, normalise_header
from salesflow.importer.reading import decode
from salesflow.importer.values import (
    clean_email,
    clean_first_name,
    clean_phone,
    is_email,
    split_full_name,
    take_titles,
)

# header -> what it becomes: a lead field, or the kind of column ("name", "meta", "skip", ...)
FORMATS: dict[str, dict[str, str]] = {
    "Outlook, German": {
        "Anrede": "meta", "Vorname": "first_name", "Weitere Vornamen": "middle",
        "Nachname": "last_name", "Firma": "company", "Position": "job_title",
        "E-Mail-Adresse": "email", "E-Mail 2: Adresse": "email", "Telefon geschäftlich": "phone",
        "Mobiltelefon": "mobile", "Ort geschäftlich": "city",
        "Land/Region geschäftlich": "country", "Notizen": "notes", "Webseite": "website",
        "E-Mail-Typ": "skip", "Geburtstag": "meta",
    },
    "Outlook, French": {
        "Prénom": "first_name", "Nom": "last_name", "Société": "company", "Fonction": "job_title",
        "Adresse de messagerie": "email", "Téléphone (bureau)": "phone", "Tél. mobile": "mobile",
        "Ville (bureau)": "city", "Pays/Région (bureau)": "country", "Commentaire": "notes",
        "Type de messagerie": "skip", "Anniversaire": "meta",
    },
    "Outlook and Excel, Spanish": {
        "Nombre": "first_name", "Apellidos": "last_name", "Empresa": "company",
        "Cargo": "job_title", "Correo electrónico": "email", "Teléfono": "phone",
        "Móvil": "mobile", "Ciudad": "city", "País": "country", "Notas": "notes",
        "Puesto": "job_title",
    },
    "Excel template, Dutch": {
        "Voornaam": "first_name", "Achternaam": "last_name", "Bedrijf": "company",
        "Functie": "job_title", "E-mailadres": "email", "Telefoon": "phone", "Mobiel": "mobile",
        "Plaats": "city", "Land": "country", "Opmerkingen": "notes",
    },
    "Excel template, German": {
        "Vorname": "first_name", "Nachname": "last_name", "Unternehmen": "company",
        "E-Mail": "email", "Telefon": "phone", "Handy": "mobile", "Ort": "city", "Land": "country",
        "Bemerkungen": "notes",
    },
    "Google and Apple, English": {
        "First Name": "first_name", "Last Name": "last_name", "Organization Name": "company",
        "Organization Title": "job_title", "E-mail 1 - Value": "email", "Phone 1 - Value": "phone",
        "Address 1 - City": "city", "Notes": "notes",
    },
    "spreadsheet-made": {
        "Given name": "first_name", "Surname": "last_name", "E-mail": "email",
        "Organisation": "company", "Tel. (work)": "phone", "Mobile no.": "mobile",
        "Job role": "job_title", "Town/City": "city", "Post code": "note", "Remarks": "notes",
    },
    "HubSpot": {
        "Record ID": "meta", "First Name": "first_name", "Last Name": "last_name", "Email": "email",
        "Phone Number": "phone", "Company Name": "company", "Lifecycle Stage": "meta",
        "Contact owner": "meta", "Create Date": "meta",
    },
    "Salesforce report": {
        "First Name": "first_name", "Last Name": "last_name", "Title": "job_title",
        "Company / Account": "company", "Email": "email", "Lead Source": "source",
        "Lead Status": "meta", "Rating": "meta",
    },
    "Pipedrive": {
        "Person - Name": "name", "Person - Email": "email", "Person - Phone": "phone",
        "Organization - Name": "company", "Person - Phone - Mobile": "mobile",
        "Person - Owner": "meta",
    },
    "Zoho": {
        "Salutation": "meta", "First Name": "first_name", "Last Name": "last_name",
        "Company": "company", "Title": "job_title", "Description": "notes", "Lead Owner": "meta",
    },
    "Mailchimp": {
        "Email Address": "email", "First Name": "first_name", "Last Name": "last_name",
        "MEMBER_RATING": "meta", "OPTIN_IP": "skip", "LATITUDE": "skip", "TAGS": "meta",
    },
    "badge scanner": {
        "Badge ID": "meta", "First Name": "first_name", "Last Name": "last_name",
        "Company": "company", "Email": "email", "Scanned At": "meta", "Rating": "meta",
    },
}  # fmt: skip


@pytest.mark.parametrize("export", sorted(FORMATS))
def test_each_formats_headers_map_without_a_mapping(export: str) -> None:
    header = list(FORMATS[export])
    plan = map_columns(header)
    found = {rule.header: rule.field if rule.kind == FIELD else rule.kind for rule in plan.columns}
    assert found == FORMATS[export]


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_header_of_every_table_is_recognised(table: str) -> None:
    for headers in TABLES[table].values():
        for header in headers:
            assert normalise_header(header) in ALIASES, header


def test_headers_compare_without_case_accents_punctuation_or_brackets() -> None:
    assert map_columns(["TELEFONO (MOVIL)"]).columns[0].field == "mobile"
    assert map_columns(["telephone (bureau)"]).columns[0].field == "phone"
    assert map_columns(["correo  electronico"]).columns[0].field == "email"


# --- cleaning ----------------------------------------------------------------------------------

LOCAL = st.from_regex(r"[a-z][a-z0-9._+-]{0,10}[a-z0-9]", fullmatch=True)
DOMAIN = st.from_regex(r"[a-z][a-z0-9-]{0,8}\.(nl|de|com|co\.uk)", fullmatch=True)
ADDRESS = st.builds(lambda local, domain: f"{local}@{domain}", LOCAL, DOMAIN).filter(is_email)
WRAPS = st.sampled_from(
    [
        "{}", " {} ", "<{}>", "Jan Jansen <{}>", '"Jansen, Jan" <{}>', "mailto:{}", "MAILTO:{}",
        "“{}”", "'{}'", "{}; other@x.example", "{} ::: other@x.example", "{} / other@x.example",
        "{}, other@x.example",
    ]
)  # fmt: skip


@given(address=ADDRESS, wrap=WRAPS)
def test_a_wrapped_address_is_cleaned_to_the_bare_address(address: str, wrap: str) -> None:
    found, rest = clean_email(wrap.format(address))
    assert found == address
    assert rest in ("", "other@x.example")
    assert not set(found) & set('<>:"“”')


def test_a_cell_without_an_address_comes_back_to_be_refused() -> None:
    assert clean_email(' "bos@" ') == ("bos@", "")
    assert clean_email("n/a") == ("n/a", "")


@given(digits=st.from_regex(r"\+?[0-9][0-9 ]{5,14}[0-9]", fullmatch=True))
def test_a_phone_loses_tel_and_the_apostrophe_and_nothing_else(digits: str) -> None:
    for cell in (digits, f"tel:{digits}", f"'{digits}", f"  TEL: {digits} "):
        assert clean_phone(cell) == (digits, "")


def test_a_phone_excel_wrote_as_a_number_goes_to_the_notes() -> None:
    assert clean_phone("3.16555E+10") == (
        "",
        "3.16555E+10 (Excel wrote it as a number and may have dropped digits; check it)",
    )


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("Dr. Jan", "Jansen", ("Jan", "Jansen", "Dr.")),
        ("Herr Prof. Klaus", "Becker", ("Klaus", "Becker", "Herr Prof.")),
        ("Mevr. drs. Anna", "Smit", ("Anna", "Smit", "Mevr. drs.")),
        ("Mme", "Côté", ("", "Côté", "Mme")),
        ("Jan van der", "Berg", ("Jan", "van der Berg", "")),
        ("Anna van 't", "Hek", ("Anna", "van 't Hek", "")),
        ("Ann  Marie", "Jones", ("Ann  Marie", "Jones", "")),
        ("Ir", "Bos", ("", "Bos", "Ir")),
    ],
)
def test_titles_leave_the_first_name_and_particles_join_the_last(
    first: str, last: str, expected: tuple[str, str, str]
) -> None:
    assert clean_first_name(first, last) == expected


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("Dr. Omar Haddad", ("Dr.", ("Omar", "Haddad"))),
        ("Jan Jansen Jr.", ("", ("Jan", "Jansen Jr."))),
        ("Jan Jansen, PhD", ("", ("Jan", "Jansen, PhD"))),
        ("Vries, Jan de", ("", ("Jan", "de Vries"))),
        ("Maria de la Cruz", ("", ("Maria", "de la Cruz"))),
    ],
)
def test_full_names_with_titles_suffixes_and_last_first(
    full: str, expected: tuple[str, tuple[str, str]]
) -> None:
    titles, rest = take_titles(full)
    assert (titles, split_full_name(rest)) == expected


@given(data=st.binary(max_size=200), codec=st.sampled_from([None, "latin-1", "cp1252", "utf-8"]))
def test_no_decoded_text_holds_a_c1_control_character(data: bytes, codec: str | None) -> None:
    try:
        text, _ = decode(data, codec)
    except Exception:  # bytes not in the given codec are refused, not read
        return
    assert not any("\x80" <= ch <= "\x9f" for ch in text)
