"""`salesflow lead import` on exports as the tools write them (tests/data/): CRM and marketing
CSVs, Outlook in German and French, Spanish Excel, hand-made sheets, Mac Roman and UTF-16 text,
vCards 2.1/3.0/4.0 and an Excel workbook; and files that are none of these."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATA, Cli

BOOKKEEPING = (
    "number", "status", "status_reason", "created_on", "imported_in", "name", "source", "owner"
)  # fmt: skip
GUESSED_1252 = "; read as Windows-1252 (guessed); --encoding to change"


@pytest.fixture(autouse=True)
def _in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)


def imported(cli: Cli, name: str, *options: str) -> tuple[dict[str, Any], str]:
    """The --json report and stderr of importing a copy of tests/data/`name`."""
    shutil.copy(DATA / name, name)
    result = cli("lead", "import", name, "--json", *options)
    assert result.exit_code in (0, 3), result.stderr
    return json.loads(result.stdout), result.stderr


def counts(report: dict[str, Any]) -> tuple[int, int, int, int]:
    return report["imported"], report["duplicates"], report["rejected"], report["skipped"]


def stored(cli: Cli) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in lead.items() if v is not None and k not in BOOKKEEPING}
        for lead in cli.json("lead", "list")
    ]


# --- CRM and marketing exports -----------------------------------------------------------------


def test_hubspot_contacts_clean_a_named_address_and_an_apostrophe_phone(cli: Cli) -> None:
    report, stderr = imported(cli, "hubspot-contacts.csv")
    assert counts(report) == (3, 1, 1, 0)
    assert stderr == (
        "Imported 3 leads from hubspot-contacts.csv: 1 duplicate skipped, 1 rejected "
        "(see hubspot-contacts.rejects.csv)\n"
    )
    leads = stored(cli)
    assert leads[1] == {
        "first_name": "Hanna",
        "last_name": "Berg",
        "company": "Nordlys AS",
        "email": "hanna.berg@nordlys.no",
        "phone": "+47 22 55 01 02",
        "job_title": "CFO",
        "city": "Oslo",
        "country": "Norway",
        "notes": "Record ID: 51202\nLifecycle Stage: Marketing Qualified Lead\nLead Status: Open\n"
        "Contact owner: Anna de Wit\nCreate Date: 2026-10-03 11:02\n"
        "Last Activity Date: 2026-11-20 16:40\nMarketing contact status: Marketing contact",
    }
    assert leads[2]["phone"] == "+44 20 7946 0958"
    assert [r["message"] for r in report["rows"] if r["status"] != "imported"] == [
        "row 5: duplicate of L-0001 (same email PIETER.SMIT@smitbouw.nl)",
        "row 6: needs a last name or a company",
    ]


def test_a_salesforce_report_skips_its_footer_and_is_not_refused_by_strict(cli: Cli) -> None:
    report, stderr = imported(cli, "salesforce-report.csv", "--strict")
    assert counts(report) == (3, 0, 0, 6)
    assert stderr == (
        "Imported 3 leads from salesforce-report.csv: 1 blank row skipped, a report footer "
        "skipped (5 lines)\n"
    )
    assert [r["status"] for r in report["rows"]] == ["imported"] * 3 + ["skipped"] * 6
    assert stored(cli)[1] == {
        "first_name": "Klaus",
        "last_name": "Becker",
        "company": "Becker Maschinenbau GmbH",
        "email": "k.becker@becker-mb.de",
        "phone": "+49 89 123456",
        "mobile": "+49 171 2345678",
        "job_title": "CTO",
        "city": "München",
        "country": "Germany",
        "notes": "Lead Status: Working - Contacted\nRating: Warm",
    }


def test_the_command_lines_source_wins_and_the_files_source_goes_to_the_notes(cli: Cli) -> None:
    imported(cli, "salesforce-report.csv", "--source", "Beurs 2026")
    leads = cli.json("lead", "list")
    assert {lead["source"] for lead in leads} == {"Beurs 2026"}
    assert (
        leads[0]["notes"]
        == "Lead Source: Trade Show\nLead Status: Open - Not Contacted\nRating: Hot"
    )


def test_without_source_option_the_files_source_column_is_the_source(cli: Cli) -> None:
    imported(cli, "salesforce-report.csv")
    assert [lead["source"] for lead in cli.json("lead", "list")] == [
        "Trade Show",
        "Web",
        "Partner Referral",
    ]


def test_pipedrive_people_take_the_person_columns(cli: Cli) -> None:
    report, _ = imported(cli, "pipedrive-persons.csv")
    assert counts(report) == (3, 0, 0, 0)
    leads = stored(cli)
    assert leads[0] == {
        "first_name": "Lars",
        "last_name": "Nielsen",
        "company": "Nielsen Køl ApS",
        "email": "lars@nielsen-kol.dk",
        "phone": "+45 33 12 34 56",
        "mobile": "+45 20 12 34 56",
        "notes": "Met at Agritechnica\nPerson - ID: 1041\nPerson - Label: Hot lead\n"
        "Person - Owner: Erik Vos\nPerson - Open deals: 1\nOrganization - Name: Nielsen Køl ApS",
    }
    assert leads[2]["last_name"] == "Wei" and "company" not in leads[2]


def test_zoho_leads_keep_the_salutation_and_description(cli: Cli) -> None:
    report, stderr = imported(cli, "zoho-leads.csv")
    assert counts(report) == (2, 0, 1, 0)
    assert stderr.splitlines()[-1] == (
        "Imported 2 leads from zoho-leads.csv: 1 rejected (see zoho-leads.rejects.csv)"
    )
    holm, berg = stored(cli)
    assert holm["job_title"] == "Research Lead"
    assert holm["notes"].startswith("Asked for a demo of the lab ovens.\n")
    assert "Salutation: Dr." in holm["notes"]
    assert (berg["first_name"], berg["last_name"], berg["mobile"]) == (
        "Jan",
        "van der Berg",
        "06-12345678",
    )


def test_mailchimp_cleans_mailto_and_leaves_tracking_columns_out(cli: Cli) -> None:
    report, _ = imported(cli, "mailchimp-audience.csv")
    assert counts(report) == (2, 0, 1, 0)
    lind, kaya = stored(cli)
    assert kaya["email"] == "ahmed.k@kaya-tekstil.com.tr"
    assert "OPTIN_IP" not in lind["notes"] and "LATITUDE" not in lind["notes"]
    assert lind["phone"] == "+46 31 123 45"


# --- Outlook and Excel in other languages ------------------------------------------------------


def test_german_outlook_in_windows_1252(cli: Cli) -> None:
    report, stderr = imported(cli, "outlook-de.csv")
    assert counts(report) == (3, 0, 0, 0)
    assert stderr == f"Imported 3 leads from outlook-de.csv{GUESSED_1252}\n"
    weiss, schaefer, gross = stored(cli)
    assert weiss == {
        "first_name": "Jürgen",
        "last_name": "Weiß",
        "company": "Weiß & Söhne GmbH",
        "email": "j.weiss@weiss-soehne.de",
        "phone": "+49 221 123456",
        "mobile": "+49 170 1234567",
        "job_title": "Einkaufsleiter",
        "website": "www.weiss-soehne.de",
        "city": "Köln",
        "country": "Deutschland",
        "notes": "Möchte ein Angebot für 2 Öfen.\nAnrede: Herr\nAbteilung: Einkauf\n"
        "Straße geschäftlich: Hauptstraße 5\nRegion geschäftlich: NRW\n"
        "Postleitzahl geschäftlich: 50667\nKategorien: Messe Köln",
    }
    assert schaefer["first_name"] == "Anja Maria"
    assert gross == {
        "first_name": "Stefan",
        "last_name": "Groß",
        "company": "Weiß & Söhne GmbH",
        "city": "Köln",
        "country": "Deutschland",
    }


def test_french_outlook_in_windows_1252(cli: Cli) -> None:
    report, _ = imported(cli, "outlook-fr.csv")
    assert counts(report) == (2, 0, 0, 0)
    helene, francois = stored(cli)
    assert helene == {
        "first_name": "Hélène",
        "last_name": "Côté",
        "company": "Pâtisserie Côté SARL",
        "email": "helene@patisserie-cote.fr",
        "phone": "+33 4 78 12 34 56",
        "mobile": "+33 6 12 34 56 78",
        "job_title": "Gérante",
        "city": "Lyon",
        "country": "France",
        "notes": "Veut un devis pour un four à sole.\nTitre: Mme\nRue (bureau): 12 rue de la Paix\n"
        "Code postal (bureau): 69002\nCatégories: Salon Sirha",
    }
    assert francois["notes"] == "Titre: M."


def test_spanish_excel_with_semicolons(cli: Cli) -> None:
    report, _ = imported(cli, "excel-es.csv")
    assert counts(report) == (3, 0, 0, 0)
    assert report["delimiter"] == ";"
    jose = stored(cli)[0]
    assert jose == {
        "first_name": "José",
        "last_name": "García López",
        "company": "Panadería García S.L.",
        "email": "jose.garcia@panaderia-garcia.es",
        "phone": "+34 91 123 45 67",
        "mobile": "+34 612 345 678",
        "job_title": "Gerente",
        "city": "Madrid",
        "country": "España",
        "notes": "Feria Madrid, quiere catálogo",
    }


def test_a_hand_made_sheet_is_cleaned_title_suffix_quotes_tel_and_excel_numbers(
    cli: Cli,
) -> None:
    report, _ = imported(cli, "handmade-sheet.csv")
    assert counts(report) == (3, 0, 0, 0)
    aoife, rhys, ana = stored(cli)
    assert (aoife["first_name"], aoife["last_name"]) == ("Aoife", "O'Connor")
    assert aoife["notes"] == "Met at stand 12\nPost code: D02 X285\nTitle: Dr."
    assert rhys == {
        "first_name": "Rhys",
        "last_name": "Evans Jr.",
        "company": "Evans & Co",
        "email": "rhys@evans.example",
        "phone": "+44 29 2018 0000",
        "job_title": "Director",
        "city": "Cardiff",
        "notes": "Mobile no.: 3.16555E+10 (Excel wrote it as a number and may have dropped "
        "digits; check it)\nPost code: CF10 1AA",
    }
    assert (ana["last_name"], ana["email"]) == ("de la Cruz", "ana@delacruz.example")
    assert ana["notes"] == "E-mail: ana.cruz@gmail.example\nPost code: 28001"


# --- encodings ---------------------------------------------------------------------------------


def test_mac_roman_with_cr_line_ends_is_guessed_and_said(cli: Cli) -> None:
    report, stderr = imported(cli, "mac-excel.csv")
    assert counts(report) == (3, 0, 0, 0)
    assert report["encoding"] == "mac-roman"
    assert stderr == (
        "Imported 3 leads from mac-excel.csv; read as Mac Roman (guessed); --encoding to change\n"
    )
    assert [(x["first_name"], x["last_name"], x["city"]) for x in stored(cli)] == [
        ("Björn", "Müller", "Zürich"),
        ("Françoise", "Pérès", "Besançon"),
        ("Åsa", "Ångström", "Malmö"),
    ]


def test_excel_unicode_text_utf16_with_tabs(cli: Cli) -> None:
    report, stderr = imported(cli, "excel-unicode.txt")
    assert counts(report) == (2, 0, 0, 0)
    assert (report["encoding"], report["delimiter"]) == ("utf-16-le", "\t")
    assert stderr == "Imported 2 leads from excel-unicode.txt\n"
    assert stored(cli)[1] == {
        "first_name": "Kateřina",
        "last_name": "Dvořáková",
        "company": "Dvořák Pekárna s.r.o.",
        "email": "katerina@dvorak-pekarna.cz",
        "phone": "+420 602 123 456",
    }


# --- vCards ------------------------------------------------------------------------------------


def test_apple_vcard_3(cli: Cli) -> None:
    report, stderr = imported(cli, "apple-contacts.vcf")
    assert counts(report) == (2, 0, 0, 0)
    assert stderr == "Imported 2 leads from apple-contacts.vcf\n"
    maja, omar = stored(cli)
    assert maja == {
        "first_name": "Maja",
        "last_name": "Lindqvist",
        "company": "Lindqvist Bröd AB",
        "email": "maja@lindqvist-brod.se",
        "phone": "+46 8 555 123 45",
        "mobile": "+46 70 123 45 67",
        "job_title": "Inköpschef",
        "website": "https://lindqvist-brod.se",
        "city": "Stockholm",
        "country": "Sweden",
        "notes": "Met at the Nordic Bakery Fair, stand 4.\nWants a quote for two deck ovens.\n"
        "Department: Inköp\nE-mail 2 Address: maja.private@mail.example\n"
        "Categories: Fair 2026, Hot",
    }
    assert omar == {
        "first_name": "Omar",
        "last_name": "Haddad",
        "company": "Haddad Foods, Inc.",
        "email": "omar@haddadfoods.example",
        "phone": "+961 1 123 456",
        "notes": "Salutation: Dr.",
    }


def test_outlook_vcard_2_1_quoted_printable_in_windows_1252(cli: Cli) -> None:
    report, _ = imported(cli, "outlook-card.vcf")
    assert counts(report) == (1, 0, 0, 0)
    assert stored(cli) == [
        {
            "first_name": "Jürgen",
            "last_name": "Müller",
            "company": "Müller Kältetechnik GmbH",
            "email": "j.mueller@mueller-kaelte.de",
            "phone": "+49 40 1234567",
            "mobile": "+49 171 7654321",
            "job_title": "Geschäftsführer",
            "city": "Hamburg",
            "country": "Deutschland",
            "notes": "Messe Hamburg: möchte einen Rückruf\nwegen Kühlzellen.",
        }
    ]


def test_vcard_4_from_a_card_scanner_with_tel_uris_and_a_company_card(cli: Cli) -> None:
    report, stderr = imported(cli, "scanner-cards.vcf")
    assert counts(report) == (2, 1, 0, 0)
    assert stderr == "Imported 2 leads from scanner-cards.vcf: 1 duplicate skipped\n"
    priya, noor = stored(cli)
    assert (priya["mobile"], priya["phone"]) == ("+91-98765-43210", "+91-22-1234-5678")
    assert (priya["city"], priya["country"]) == ("Mumbai", "India")
    assert noor == {"company": "Noor Textiles", "email": "sales@noor-textiles.example"}


def test_a_vcard_is_known_by_its_content_whatever_its_name(cli: Cli) -> None:
    shutil.copy(DATA / "scanner-cards.vcf", "cards.txt")
    result = cli.ok("lead", "import", "cards.txt")
    assert result.stderr.splitlines()[-1] == (
        "Imported 2 leads from cards.txt: 1 duplicate skipped"
    )


# --- workbooks ---------------------------------------------------------------------------------


def test_a_badge_scanner_workbook_below_its_title_row(cli: Cli) -> None:
    report, stderr = imported(cli, "scanner-badges.xlsx")
    assert counts(report) == (2, 1, 1, 0)
    assert stderr.splitlines()[-1] == (
        "Imported 2 leads from scanner-badges.xlsx: 1 duplicate skipped, 1 rejected "
        "(see scanner-badges.rejects.csv)"
    )
    assert stored(cli)[0] == {
        "first_name": "Femke",
        "last_name": "de Boer",
        "company": "De Boer Bakkerij",
        "email": "femke@deboerbakkerij.nl",
        "phone": "31612345678",
        "job_title": "Eigenaar",
        "country": "NL",
        "notes": "Wil offerte oven\nBadge ID: 100234\nScanned At: 2026-03-12 10:41\nRating: Hot",
    }


def test_sheet_chooses_a_workbooks_sheet_by_name(cli: Cli) -> None:
    report, _ = imported(cli, "scanner-badges.xlsx", "--sheet", "exhibitors")
    assert counts(report) == (2, 0, 0, 0)
    assert [lead["company"] for lead in stored(cli)] == ["Oventec GmbH", "Deegwerk BV"]


def test_an_unknown_sheet_is_refused_naming_the_sheets(cli: Cli, db: Path) -> None:
    shutil.copy(DATA / "scanner-badges.xlsx", "badges.xlsx")
    result = cli("lead", "import", "badges.xlsx", "--sheet", "Visitors")
    assert result.exit_code == 1
    assert result.stderr == (
        'Error: the workbook has no sheet "Visitors"; its sheets are "Leads", "Exhibitors"\n'
    )
    assert not db.exists()


def test_sheet_on_a_csv_is_a_usage_error(cli: Cli) -> None:
    shutil.copy(DATA / "excel-es.csv", "es.csv")
    result = cli("lead", "import", "es.csv", "--sheet", "Leads")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --sheet is for workbooks (.xlsx, .xls, .ods); es.csv is not one\n"
    )


# --- what is not a list of leads ---------------------------------------------------------------


def zipped(name: str, member: str) -> str:
    with zipfile.ZipFile(name, "w") as archive:
        archive.writestr(member, "First Name,Last Name\r\nJan,Smit\r\n")
    return name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "leads.pdf",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
            "leads.pdf looks like a PDF document, not a list of leads; export the list as CSV, "
            ".xlsx or vCard and import that",
        ),
        (
            "card.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "card.csv looks like a PNG image, not a list of leads; a picture of cards cannot be "
            "imported; scan them to vCard",
        ),
        (
            "photo.jpg",
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
            "photo.jpg looks like a JPEG image, not a list of leads; a picture of cards cannot "
            "be imported; scan them to vCard",
        ),
    ],
)
def test_a_file_that_is_no_list_is_refused_in_one_line(
    cli: Cli, db: Path, name: str, content: bytes, message: str
) -> None:
    Path(name).write_bytes(content)
    result = cli("lead", "import", name)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {message}\n"
    assert not db.exists()


def test_a_zip_archive_is_refused_with_what_to_do(cli: Cli) -> None:
    result = cli("lead", "import", zipped("leads.zip", "leads.csv"))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: leads.zip looks like a zip archive, not a list of leads; unpack it and import "
        "the CSV inside\n"
    )


def test_a_word_document_is_refused_with_what_to_do(cli: Cli) -> None:
    result = cli("lead", "import", zipped("leads.docx", "word/document.xml"))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: leads.docx looks like a Word document, not a list of leads; export the list as "
        "CSV or .xlsx and import that\n"
    )


def test_a_workbooks_cells_hold_no_c1_control_characters(cli: Cli) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Last Name", "Company", "Notes"])
    book.active.append(["Smit", "Smit\x81 BV", "it\x92s \x80 5"])
    book.save("c1.xlsx")
    report = cli.json("lead", "import", "c1.xlsx")
    assert counts(report) == (1, 0, 0, 0)
    assert stored(cli) == [{"last_name": "Smit", "company": "Smit BV", "notes": "it’s € 5"}]
