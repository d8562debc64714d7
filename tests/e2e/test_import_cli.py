"""`salesflow lead import` end to end: the sample exports of tests/data/, rejects files, strict and
dry runs, update mode, stdin, profiles and --map, encodings, delimiters, JSON, history."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from salesflow.models import Contact
from tests.conftest import DATA, TODAY, Cli
from tests.runner import backend_of

SAMPLES = (
    "outlook-en.csv",
    "google-contacts.csv",
    "linkedin-connections.csv",
    "beurs-2026.csv",
    "eventbrite-attendees.csv",
)
BOOKKEEPING = ("status", "status_reason", "created_on", "imported_in", "name", "owner")


@pytest.fixture(autouse=True)
def _in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Files are named as a seller types them: relative to the working folder."""
    monkeypatch.chdir(tmp_path)


def sample(name: str) -> Path:
    """A copy of a sample in the working folder (rejects files are written beside it)."""
    return Path(shutil.copy(DATA / name, name))


def leads(cli: Cli) -> list[dict[str, Any]]:
    return list(cli.json("lead", "list"))


def filled(lead: dict[str, Any]) -> dict[str, Any]:
    """A lead's fields that have a value, without the bookkeeping every import sets."""
    return {k: v for k, v in lead.items() if v is not None and k not in BOOKKEEPING}


def stored_events(db: Path) -> list[dict[str, Any]]:
    return list(json.loads(db.read_bytes()).get("events", {}).values())


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


# --- the samples, as SAMPLES.md says -----------------------------------------------------------


def test_outlook_gives_five_leads_and_skips_the_same_email_in_other_case(cli: Cli) -> None:
    result = cli.ok("lead", "import", str(sample("outlook-en.csv")))
    assert result.stderr == (
        "row 7: duplicate of L-0003 (same email Sanne.DeVries@acme-benelux.nl)\n"
        "Imported 5 leads from outlook-en.csv: 1 duplicate skipped"
        "; read as Windows-1252 (guessed); --encoding to change\n"
    )
    assert result.stdout == ""
    found = leads(cli)
    assert [lead["name"] for lead in found] == [
        "Émilie Dubois",
        "Jürgen Müller",
        "Sanne de Vries",
        "Bjørn Olsen",
        "Zoë Janssen",
    ]
    assert filled(found[0]) == {
        "number": "L-0001",
        "first_name": "Émilie",
        "last_name": "Dubois",
        "company": "Boulangerie Dubois & Fils",
        "email": "emilie.dubois@dubois-fils.fr",
        "phone": "+33 3 20 12 34 56",
        "job_title": "Gérante",
        "city": "Lille",
        "country": "France",
        "source": "outlook-en.csv",
        "notes": "Wants a quote for 3 ovens.\nCall back after the fair.\n"
        "Categories: Beurs Utrecht 2026;Hot",
    }
    assert found[1]["mobile"] == "+49 171 5550123"
    assert found[2]["company"] == "Acme, Benelux B.V."
    assert (found[3]["email"], found[3]["notes"]) == (None, "No email on card")
    assert not any("0/0/00" in (lead["notes"] or "") for lead in found)


def test_google_contacts_gives_three_leads_skips_the_blank_row_and_rejects_the_bad_email(
    cli: Cli,
) -> None:
    result = cli("lead", "import", str(sample("google-contacts.csv")))
    assert result.exit_code == 3
    assert result.stderr == (
        'row 6: column "E-mail 1 - Value" value "not-an-email" is not an email address\n'
        "Imported 3 leads from google-contacts.csv: 1 rejected (see google-contacts.rejects.csv), "
        "1 blank row skipped\n"
    )
    found = leads(cli)
    assert [lead["name"] for lead in found] == ["Łukasz Nowak", "Fatima El Amrani", "Kenji Sato"]
    nowak = found[0]
    assert nowak["email"] == "lukasz@nowak-logistics.pl"
    assert nowak["mobile"] == "+48 600 100 200"
    assert nowak["city"] == "Poznań"
    assert nowak["notes"] == (
        "Labels: Trade fair Poznań\n"
        "E-mail 1 - Value: l.nowak@gmail.example\n"
        "Address 1 - Formatted: ul. Długa 5\n61-001 Poznań\nPoland"
    )
    assert found[1]["notes"] == 'Asked about "bulk" pricing'


def test_google_contacts_json_lists_every_row_the_blank_one_too(cli: Cli) -> None:
    result = cli("lead", "import", str(sample("google-contacts.csv")), "--json")
    assert result.exit_code == 3
    rows = json.loads(result.stdout)["rows"]
    assert [(r["row"], r["status"], r["number"]) for r in rows] == [
        (2, "imported", "L-0001"),
        (3, "imported", "L-0002"),
        (4, "imported", "L-0003"),
        (5, "skipped", None),
        (6, "rejected", None),
    ]


def test_linkedin_skips_the_notes_preamble_and_the_empty_rows(cli: Cli) -> None:
    result = cli.ok("lead", "import", str(sample("linkedin-connections.csv")), "--json")
    assert result.stderr == (
        "Imported 3 leads from linkedin-connections.csv: 1 blank row skipped, 1 row skipped (only "
        "export details)\n"
    )
    rows = json.loads(result.stdout)["rows"]
    assert [(r["row"], r["status"]) for r in rows] == [
        (5, "imported"),
        (6, "imported"),
        (7, "skipped"),
        (8, "skipped"),
        (9, "imported"),
    ]
    found = leads(cli)
    assert [filled(lead) for lead in found][:2] == [
        {
            "number": "L-0001",
            "first_name": "Maria",
            "last_name": "García",
            "company": "Harbor Lane Bank, PJSC",
            "email": "maria.garcia@harbor.example",
            "job_title": "Head of Procurement",
            "source": "linkedin-connections.csv",
            "notes": "URL: https://www.linkedin.com/in/mariagarcia-example\n"
            "Connected On: 15 Jun 2026",
        },
        {
            "number": "L-0002",
            "first_name": "Tom",
            "last_name": "Peeters",
            "company": "Peeters Bouw",
            "job_title": "Directeur",
            "source": "linkedin-connections.csv",
            "notes": "URL: https://www.linkedin.com/in/tompeeters-example\n"
            "Connected On: 02 Mar 2026",
        },
    ]
    assert found[2]["name"] == "Priya Nair"


def test_dutch_excel_reads_dutch_amounts_and_rejects_the_value_abc(cli: Cli) -> None:
    result = cli("lead", "import", str(sample("beurs-2026.csv")))
    assert result.exit_code == 3
    assert result.stderr == (
        'row 6: column "Geschatte waarde" value "abc" is not an amount\n'
        "Imported 4 leads from beurs-2026.csv: 1 rejected (see beurs-2026.rejects.csv)"
        "; read as Windows-1252 (guessed); --encoding to change\n"
    )
    found = leads(cli)
    assert [(lead["name"], lead["estimated_value"]) for lead in found] == [
        ("Joëlle Bakker", "12500.00"),
        ("Sjoerd van 't Hof", "2750.50"),
        ("Ömer Yilmaz", None),
        ("Femke Visser", "1000.00"),
    ]
    assert found[1]["last_name"] == "van 't Hof"
    assert found[2]["notes"] == 'Belt terug; "na de zomer"'
    assert (found[0]["job_title"], found[0]["city"]) == ("Eigenaar", "Amersfoort")


def test_eventbrite_maps_company_and_job_title_and_keeps_the_custom_question(cli: Cli) -> None:
    result = cli.ok("lead", "import", str(sample("eventbrite-attendees.csv")))
    assert result.stderr == "Imported 3 leads from eventbrite-attendees.csv\n"
    found = leads(cli)
    assert [(x["name"], x["company"], x["job_title"]) for x in found] == [
        ("John Doe", "Doe Bakeries Inc.", "Buyer"),
        ("Jane Roe", "Roe Foods LLC", "COO"),
        ("Jim Poe", None, None),
    ]
    assert found[0]["notes"].endswith(
        "What product are you most interested in? (choose one): Ovens (industrial)"
    )
    assert "Order #: 11211912243" in found[0]["notes"]


@pytest.mark.parametrize("name", SAMPLES)
def test_every_imported_lead_records_the_file_name_as_its_source(cli: Cli, name: str) -> None:
    cli("lead", "import", str(sample(name)))
    assert {lead["source"] for lead in leads(cli)} == {name}


@pytest.mark.parametrize("name", SAMPLES)
def test_source_option_names_the_source_of_every_lead(cli: Cli, name: str) -> None:
    cli("lead", "import", str(sample(name)), "--source", "Beurs Utrecht 2026")
    assert {lead["source"] for lead in leads(cli)} == {"Beurs Utrecht 2026"}


@pytest.mark.parametrize("name", SAMPLES)
def test_importing_the_same_file_again_adds_nothing(cli: Cli, db: Path, name: str) -> None:
    path = sample(name)
    first = cli("lead", "import", str(path), "--json")
    before = leads(cli)
    events = stored_events(db)
    again = cli("lead", "import", str(path), "--json", "--force")  # the rejects file again
    assert again.exit_code == first.exit_code
    earlier, report = json.loads(first.stdout), json.loads(again.stdout)
    assert (report["imported"], report["batch"]) == (0, None)
    assert report["duplicates"] == earlier["imported"] + earlier["duplicates"]
    assert report["rejected"] == earlier["rejected"]
    assert leads(cli) == before
    assert stored_events(db) == events


def test_importing_again_reports_every_card_as_a_duplicate(cli: Cli) -> None:
    path = sample("outlook-en.csv")
    cli.ok("lead", "import", str(path))
    assert cli.ok("lead", "import", str(path)).stderr.splitlines()[-1] == (
        "Imported 0 leads from outlook-en.csv: 6 duplicates skipped"
        "; read as Windows-1252 (guessed); --encoding to change"
    )


# --- rejects files -----------------------------------------------------------------------------


def test_the_rejects_file_has_the_original_columns_and_an_error_column(cli: Cli) -> None:
    cli("lead", "import", str(sample("beurs-2026.csv")))
    rejects = Path("beurs-2026.rejects.csv")
    assert read_csv(rejects) == [
        [
            "Voornaam",
            "Achternaam",
            "Bedrijf",
            "Functie",
            "E-mailadres",
            "Telefoon",
            "Plaats",
            "Geschatte waarde",
            "Notities",
            "error",
        ],
        [
            "",
            "",
            "Onbekend BV",
            "",
            "",
            "",
            "",
            "abc",
            "kaartje zonder naam, waarde ongeldig",
            'row 6: column "Geschatte waarde" value "abc" is not an amount',
        ],
    ]
    assert oct(rejects.stat().st_mode & 0o777) == "0o600"


def test_a_fixed_rejects_file_imports_without_its_error_column(cli: Cli) -> None:
    cli("lead", "import", str(sample("beurs-2026.csv")))
    rejects = Path("beurs-2026.rejects.csv")
    rejects.write_text(rejects.read_text(encoding="utf-8-sig").replace(",abc,", ",0,"))
    result = cli.ok("lead", "import", str(rejects))
    assert result.stderr == "Imported 1 lead from beurs-2026.rejects.csv\n"
    fixed = leads(cli)[-1]
    assert filled(fixed) == {
        "number": "L-0005",
        "company": "Onbekend BV",
        "estimated_value": "0.00",
        "notes": "kaartje zonder naam, waarde ongeldig",
        "source": "beurs-2026.rejects.csv",
    }


def test_a_fixed_google_rejects_file_imports_the_card(cli: Cli) -> None:
    cli("lead", "import", str(sample("google-contacts.csv")))
    rejects = Path("google-contacts.rejects.csv")
    rejects.write_text(rejects.read_text(encoding="utf-8-sig").replace("not-an-email", "a@s.de"))
    cli.ok("lead", "import", str(rejects), "--source", "google-contacts.csv")
    anna = leads(cli)[-1]
    assert (anna["name"], anna["company"], anna["email"]) == (
        "Anna Schmidt",
        "Schmidt & Partner",
        "a@s.de",
    )
    assert anna["notes"] is None


def test_a_rejects_file_rejected_again_gets_a_fresh_error_column(cli: Cli) -> None:
    cli("lead", "import", str(sample("beurs-2026.csv")))
    rejects = Path("beurs-2026.rejects.csv")
    rejects.write_text(rejects.read_text(encoding="utf-8-sig").replace(",abc,", ",-5,"))
    result = cli("lead", "import", str(rejects))
    assert result.exit_code == 3
    again = read_csv(Path("beurs-2026.rejects.rejects.csv"))
    assert again[0][-2:] == ["Notities", "error"]
    assert (
        again[1][-1]
        == 'row 2: column "Geschatte waarde" value "-5" is negative; an amount must be 0 or more'
    )


def test_rejects_option_names_the_rejects_file(cli: Cli) -> None:
    Path("fixes").mkdir()
    result = cli("lead", "import", str(sample("beurs-2026.csv")), "--rejects", "fixes/beurs.csv")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[-1] == (
        "Imported 4 leads from beurs-2026.csv: 1 rejected (see fixes/beurs.csv)"
        "; read as Windows-1252 (guessed); --encoding to change"
    )
    assert read_csv(Path("fixes/beurs.csv"))[1][2] == "Onbekend BV"
    assert not Path("beurs-2026.rejects.csv").exists()


def test_a_rejects_file_in_a_missing_folder_is_refused_before_importing(cli: Cli, db: Path) -> None:
    result = cli("lead", "import", str(sample("beurs-2026.csv")), "--rejects", "nope/r.csv")
    assert result.exit_code == 1
    assert (
        result.stderr == "Error: cannot write rejects file nope/r.csv; folder nope does not exist\n"
    )
    assert not db.exists()


def test_a_file_without_rejected_rows_writes_no_rejects_file(cli: Cli) -> None:
    cli.ok("lead", "import", str(sample("outlook-en.csv")))
    assert not Path("outlook-en.rejects.csv").exists()


# --- strict and dry runs -----------------------------------------------------------------------


def test_strict_imports_nothing_when_a_row_is_rejected(cli: Cli, db: Path) -> None:
    cli.ok("lead", "add", "--company", "Initech")
    before = db.read_bytes()
    result = cli("lead", "import", str(sample("beurs-2026.csv")), "--strict")
    assert result.exit_code == 1
    assert result.stderr == (
        'row 6: column "Geschatte waarde" value "abc" is not an amount\n'
        "Error: 1 of 5 rows of beurs-2026.csv rejected (see beurs-2026.rejects.csv); --strict "
        "imports nothing\n"
    )
    assert db.read_bytes() == before
    assert read_csv(Path("beurs-2026.rejects.csv"))[1][-1] == (
        'row 6: column "Geschatte waarde" value "abc" is not an amount'
    )


def test_strict_imports_a_file_without_rejected_rows(cli: Cli) -> None:
    result = cli.ok("lead", "import", str(sample("eventbrite-attendees.csv")), "--strict")
    assert result.stderr == "Imported 3 leads from eventbrite-attendees.csv\n"
    assert len(leads(cli)) == 3


def test_dry_run_reports_the_same_and_creates_nothing(cli: Cli, db: Path) -> None:
    result = cli("lead", "import", str(sample("beurs-2026.csv")), "--dry-run")
    assert result.exit_code == 3
    assert result.stderr == (
        'row 6: column "Geschatte waarde" value "abc" is not an amount\n'
        "Would import 4 leads from beurs-2026.csv: 1 rejected"
        "; read as Windows-1252 (guessed); --encoding to change\n"
    )
    assert not db.exists()
    assert not Path("beurs-2026.rejects.csv").exists()


def test_dry_run_leaves_an_existing_data_file_byte_for_byte(cli: Cli, db: Path) -> None:
    cli.ok("lead", "add", "--last-name", "de Vries", "--email", "SANNE.devries@acme-benelux.nl")
    before = db.read_bytes()
    result = cli.ok("lead", "import", str(sample("outlook-en.csv")), "--dry-run", "--json")
    assert db.read_bytes() == before
    report = json.loads(result.stdout)
    assert (report["dry_run"], report["batch"], report["imported"], report["duplicates"]) == (
        True,
        None,
        4,
        2,
    )
    assert result.stderr.splitlines()[-1] == (
        "Would import 4 leads from outlook-en.csv: 2 duplicates skipped"
        "; read as Windows-1252 (guessed); --encoding to change"
    )


# --- update mode -------------------------------------------------------------------------------


def test_update_fills_the_empty_fields_of_the_existing_lead_and_adds_the_notes(cli: Cli) -> None:
    cli.ok(
        "lead", "add", "--first-name", "S.", "--last-name", "Vries",
        "--email", "sanne.devries@acme-benelux.nl", "--notes", "met at lunch",
    )  # fmt: skip
    result = cli.ok("lead", "import", str(sample("outlook-en.csv")), "--on-duplicate", "update")
    assert result.stderr == (
        "row 4: updated L-0001 (same email sanne.devries@acme-benelux.nl)\n"
        "row 7: updated L-0001 (same email Sanne.DeVries@acme-benelux.nl)\n"
        "Imported 4 leads from outlook-en.csv: 2 duplicates updated, 3 values differed, kept in "
        "notes; read as Windows-1252 (guessed); --encoding to change\n"
    )
    sanne = cli.json("lead", "show", "L-0001")
    assert filled(sanne) == {
        "number": "L-0001",
        "first_name": "S.",
        "last_name": "Vries",
        "company": "Acme, Benelux B.V.",
        "email": "sanne.devries@acme-benelux.nl",
        "phone": "030 123 4567",
        "job_title": "Inkoper",
        "city": "Utrecht",
        "country": "Netherlands",
        "notes": (
            "met at lunch\nFirst name (import IMP-0001): Sanne\n"
            "Last name (import IMP-0001): de Vries\nSame person, second card\n"
            "Company (import IMP-0001): ACME Benelux"
        ),
    }
    history = cli.json("history", "L-0001")["events"]
    assert [(e["number"], e["kind"]) for e in history] == [
        ("L-0001", "created"),
        ("L-0001", "edited"),
    ]
    assert history[1]["details"] == {
        "fields": ["city", "company", "country", "job_title", "notes", "phone"],
        "import_batch": "IMP-0001",
    }


def test_update_leaves_a_qualified_lead_alone(cli: Cli) -> None:
    cli.ok(
        "lead",
        "add",
        "--last-name",
        "Janssen",
        "--company",
        "Janssen Advies",
        "--email",
        "zoe@janssen-advies.nl",
    )
    cli.ok("lead", "qualify", "L-0001")
    before = cli.json("lead", "show", "L-0001")
    result = cli.ok("lead", "import", str(sample("outlook-en.csv")), "--on-duplicate", "update")
    assert (
        "row 6: duplicate of L-0001 (same email zoe@janssen-advies.nl); "
        "L-0001 is qualified, not updated"
    ) in result.stderr.splitlines()
    assert cli.json("lead", "show", "L-0001") == before


def test_update_run_twice_changes_nothing_the_second_time(cli: Cli, db: Path) -> None:
    path = sample("outlook-en.csv")
    cli.ok("lead", "add", "--last-name", "Olsen", "--company", "Nordlys AS")
    cli.ok("lead", "import", str(path), "--on-duplicate", "update")
    before = db.read_bytes()
    result = cli.ok("lead", "import", str(path), "--on-duplicate", "update")
    assert result.stderr.splitlines()[-1] == (
        "Imported 0 leads from outlook-en.csv: 6 duplicates skipped"
        "; read as Windows-1252 (guessed); --encoding to change"
    )
    assert db.read_bytes() == before


def test_a_card_without_email_is_a_duplicate_of_a_lead_with_the_same_name_and_company(
    cli: Cli,
) -> None:
    cli.ok(
        "lead", "add", "--first-name", "BJØRN", "--last-name", "olsen",
        "--company", "Nordlys  as", "--email", "b@nordlys.example",
    )  # fmt: skip
    result = cli.ok("lead", "import", str(sample("outlook-en.csv")))
    assert "row 5: duplicate of L-0001 (same name and company)" in result.stderr.splitlines()
    assert "Olsen" not in [lead["last_name"] for lead in leads(cli)]


@pytest.mark.parametrize("mode", ["skip", "update"])
def test_a_card_with_the_email_of_a_contact_is_a_duplicate_left_alone(
    cli: Cli, db: Path, mode: str
) -> None:
    with backend_of(db).writing() as session:
        session.put(
            Contact(
                number="CON-0001",
                last_name="Müller",
                email="J.Mueller@Mueller-MB.de",
                created_on=TODAY,
            )
        )
    result = cli.ok("lead", "import", str(sample("outlook-en.csv")), "--on-duplicate", mode)
    assert "row 3: duplicate of CON-0001 (same email j.mueller@mueller-mb.de)" in (
        result.stderr.splitlines()
    )
    assert "Jürgen" not in [lead["first_name"] for lead in leads(cli)]


def test_an_unknown_on_duplicate_choice_is_refused(cli: Cli, db: Path) -> None:
    result = cli("lead", "import", str(sample("outlook-en.csv")), "--on-duplicate", "merge")
    assert result.exit_code == 1
    assert result.stderr == "Error: --on-duplicate 'merge' is not one of: skip, update\n"
    assert not db.exists()


# --- stdin -------------------------------------------------------------------------------------


def test_a_file_on_stdin_imports_under_the_name_stdin(cli: Cli) -> None:
    from salesflow.cli import app

    data = (DATA / "beurs-2026.csv").read_bytes()
    result = cli.runner.invoke(app, ["--db", str(cli.db), "lead", "import", "-"], input=data)
    assert result.exit_code == 3
    assert result.stderr.splitlines()[-1] == (
        "Imported 4 leads from stdin: 1 rejected (see stdin.rejects.csv)"
        "; read as Windows-1252 (guessed); --encoding to change"
    )
    found = leads(cli)
    assert [lead["first_name"] for lead in found] == ["Joëlle", "Sjoerd", "Ömer", "Femke"]
    assert {lead["source"] for lead in found} == {"stdin"}
    assert read_csv(Path("stdin.rejects.csv"))[1][2] == "Onbekend BV"


@pytest.mark.slow
def test_a_real_process_imports_a_sample_piped_on_stdin(tmp_path: Path) -> None:
    shutil.copy(DATA / "outlook-en.csv", tmp_path / "outlook-en.csv")
    env = {
        **os.environ,
        "SALESFLOW_DB": str(tmp_path / "sales.json"),
        "SALESFLOW_TODAY": "2026-11-27",
    }
    result = subprocess.run(
        "cat outlook-en.csv | salesflow lead import - --source 'Beurs Utrecht 2026'",
        shell=True,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "Imported 5 leads from stdin: 1 duplicate skipped; read as Windows-1252 (guessed); "
        "--encoding to change"
    )
    listed = subprocess.run(
        ["salesflow", "lead", "list", "--json"], env=env, capture_output=True, text=True, timeout=60
    )
    found = json.loads(listed.stdout)
    assert [lead["first_name"] for lead in found] == ["Émilie", "Jürgen", "Sanne", "Bjørn", "Zoë"]
    assert {lead["source"] for lead in found} == {"Beurs Utrecht 2026"}


# --- --map, profiles, --show-mapping -----------------------------------------------------------

BADGES = (
    "Scan ID;Badge Name;Badge Company;Badge Type;Scan moment;Lead Rating;Mail\r\n"
    "S1;Anna de Boer;Boer Bakkerij;Visitor;03-11-2026 14:05;hot;anna@boer.example\r\n"
    "S2;Kees van der Berg;Berg Metaal;Exhibitor;03-11-2026 14:10;cold;kees@berg.example\r\n"
    "S3;Lotte Smit;;Visitor;04-11-2026 09:30;warm;lotte@smit.example\r\n"
)
PROFILE = """\
source = "Beurs Utrecht 2026"
date_format = "%d-%m-%Y %H:%M"
dates = ["Scan moment"]

[columns]
"Badge Name" = "name"
"Badge Company" = "company"
"Scan ID" = "skip"

[[skip]]
column = "Badge Type"
equals = ["Exhibitor", "Staff"]
"""


def badges() -> Path:
    path = Path("badges.csv")
    path.write_bytes(BADGES.encode("utf-8"))
    return path


def test_map_options_name_the_odd_columns_of_a_badge_scanner(cli: Cli) -> None:
    result = cli.ok(
        "lead", "import", str(badges()),
        "--map", "Badge Company=company", "--map", "Badge Name=name",
    )  # fmt: skip
    assert result.stderr == "Imported 3 leads from badges.csv\n"
    found = leads(cli)
    assert [(x["first_name"], x["last_name"], x["company"]) for x in found] == [
        ("Anna", "de Boer", "Boer Bakkerij"),
        ("Kees", "van der Berg", "Berg Metaal"),
        ("Lotte", "Smit", None),
    ]
    assert found[0]["notes"] == (
        "Scan ID: S1\nBadge Type: Visitor\nScan moment: 03-11-2026 14:05\nLead Rating: hot"
    )


def test_a_profile_maps_columns_skips_rows_and_sets_source_and_date_format(cli: Cli) -> None:
    Path("scanner.toml").write_text(PROFILE)
    result = cli.ok("lead", "import", str(badges()), "--profile", "scanner.toml")
    assert result.stderr == (
        "Imported 2 leads from badges.csv: 1 row skipped (the profile's skip rule)\n"
    )
    found = leads(cli)
    assert [filled(x) for x in found] == [
        {
            "number": "L-0001",
            "first_name": "Anna",
            "last_name": "de Boer",
            "company": "Boer Bakkerij",
            "email": "anna@boer.example",
            "source": "Beurs Utrecht 2026",
            "notes": "Badge Type: Visitor\nScan moment: 2026-11-03 14:05\nLead Rating: hot",
        },
        {
            "number": "L-0002",
            "first_name": "Lotte",
            "last_name": "Smit",
            "email": "lotte@smit.example",
            "source": "Beurs Utrecht 2026",
            "notes": "Badge Type: Visitor\nScan moment: 2026-11-04 09:30\nLead Rating: warm",
        },
    ]


def test_source_option_wins_over_the_profiles_source(cli: Cli) -> None:
    Path("scanner.toml").write_text(PROFILE)
    cli.ok("lead", "import", str(badges()), "--profile", "scanner.toml", "--source", "Day 2")
    assert {lead["source"] for lead in leads(cli)} == {"Day 2"}


def test_a_missing_profile_is_refused(cli: Cli) -> None:
    result = cli("lead", "import", str(badges()), "--profile", "nope.toml")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: mapping profile 'nope.toml' not found (no such file, nor "
    )


def test_show_mapping_prints_what_each_column_becomes_and_imports_nothing(
    cli: Cli, db: Path
) -> None:
    Path("scanner.toml").write_text(PROFILE)
    result = cli.ok("lead", "import", str(badges()), "--profile", "scanner.toml", "--show-mapping")
    rows = [re.split(r"\s{2,}", line.strip()) for line in result.stdout.splitlines()]
    assert rows == [
        ["Column", "Becomes"],
        ["Scan ID", "skipped [profile]"],
        ["Badge Name", "first_name + last_name (full name, split) [profile]"],
        ["Badge Company", "company [profile]"],
        ["Badge Type", 'notes, as "Badge Type: value"'],
        ["Scan moment", 'notes, as "Scan moment: value" (date)'],
        ["Lead Rating", 'notes, as "Lead Rating: value"'],
        ["Mail", "email"],
    ]
    assert not db.exists()


def test_show_mapping_as_json(cli: Cli, db: Path) -> None:
    result = cli.ok("lead", "import", str(sample("beurs-2026.csv")), "--show-mapping", "--json")
    assert json.loads(result.stdout)[:3] == [
        {"column": "Voornaam", "becomes": "first_name"},
        {"column": "Achternaam", "becomes": "last_name"},
        {"column": "Bedrijf", "becomes": "company"},
    ]
    assert not db.exists()


def test_map_naming_a_column_the_file_lacks_is_a_usage_error(cli: Cli) -> None:
    result = cli("lead", "import", str(badges()), "--map", "Firma=company")
    assert result.exit_code == 2
    assert result.stderr == (
        'Error: --map names column "Firma", which the file does not have ("Scan ID", '
        '"Badge Name", "Badge Company", "Badge Type", "Scan moment", "Lead Rating", "Mail")\n'
    )


# --- encodings and delimiters ------------------------------------------------------------------

CARDS = (
    "First Name,Last Name,Company,Email\r\n"
    "René,Ødegård,Café Zoë,rene@cafe.example\r\n"
    "Joëlle,Bakker,Bakker BV,joelle@bakker.example\r\n"
)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"\xff\xfe" + CARDS.encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + CARDS.encode("utf-16-be"), "utf-16-be"),
        (b"\xef\xbb\xbf" + CARDS.encode("utf-8"), "utf-8-sig"),
        (CARDS.encode("cp1252"), "cp1252"),
        (CARDS.encode("utf-8"), "utf-8"),
    ],
    ids=["utf-16-le-bom", "utf-16-be-bom", "utf-8-bom", "cp1252", "utf-8"],
)
def test_the_same_cards_in_any_encoding_import_the_same(
    cli: Cli, data: bytes, encoding: str
) -> None:
    Path("cards.csv").write_bytes(data)
    result = cli.ok("lead", "import", "cards.csv", "--json")
    assert json.loads(result.stdout)["encoding"] == encoding
    found = leads(cli)
    assert [(x["first_name"], x["last_name"], x["company"], x["email"]) for x in found] == [
        ("René", "Ødegård", "Café Zoë", "rene@cafe.example"),
        ("Joëlle", "Bakker", "Bakker BV", "joelle@bakker.example"),
    ]
    assert not any("\x00" in str(value) for lead in found for value in lead.values())


def test_encoding_option_overrides_detection(cli: Cli) -> None:
    Path("cards.csv").write_bytes(CARDS.encode("mac_roman"))
    guessed = cli.json("lead", "import", "cards.csv", "--dry-run")
    assert guessed["encoding"] == "mac-roman"
    told = cli.json("lead", "import", "cards.csv", "--dry-run", "--encoding", "cp1252")
    assert told["encoding"] == "cp1252"
    result = cli.ok("lead", "import", "cards.csv", "--encoding", "mac-roman", "--json")
    assert json.loads(result.stdout)["encoding"] == "mac-roman"
    assert [x["last_name"] for x in leads(cli)] == ["Ødegård", "Bakker"]


def test_a_wrong_encoding_option_is_refused_naming_the_byte(cli: Cli, db: Path) -> None:
    Path("cards.csv").write_bytes(CARDS.encode("cp1252"))
    result = cli("lead", "import", "cards.csv", "--encoding", "utf-8")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the file is not valid utf-8: byte 0xe9 at offset 39 cannot be decoded; "
        "give the file's encoding (e.g. cp1252)\n"
    )
    assert not db.exists()


def test_delimiter_option_overrides_sniffing(cli: Cli) -> None:
    Path("companies.csv").write_text("Company\nAcme, Inc.\nGlobex, Ltd\n")
    sniffed = cli("lead", "import", "companies.csv", "--dry-run")
    assert sniffed.exit_code == 1  # "," looks like the delimiter: two values a row
    assert sniffed.stderr == (
        'Error: companies.csv: no column header is recognised (row 2: "Acme", "Inc."); '
        "name the columns with --map or --profile\n"
    )
    result = cli.ok("lead", "import", "companies.csv", "--delimiter", "tab", "--json")
    assert json.loads(result.stdout)["delimiter"] == "\t"
    assert [lead["company"] for lead in leads(cli)] == ["Acme, Inc.", "Globex, Ltd"]


@pytest.mark.parametrize(("sep", "option"), [("|", "|"), ("\t", "tab"), (";", ";")])
def test_other_delimiters_are_sniffed_or_given(cli: Cli, sep: str, option: str) -> None:
    Path("cards.csv").write_text(CARDS.replace(",", sep), encoding="utf-8")
    sniffed = cli.json("lead", "import", "cards.csv", "--dry-run")
    assert (sniffed["delimiter"], sniffed["imported"]) == (sep, 2)
    cli.ok("lead", "import", "cards.csv", "--delimiter", option)
    assert [lead["company"] for lead in leads(cli)] == ["Café Zoë", "Bakker BV"]


def test_an_unusable_delimiter_is_a_usage_error(cli: Cli) -> None:
    Path("cards.csv").write_text(CARDS)
    result = cli("lead", "import", "cards.csv", "--delimiter", "ab")
    assert result.exit_code == 2
    assert result.stderr == (
        'Error: delimiter "ab" cannot be used; give one character such as , ; | or "tab"\n'
    )


# --- JSON, history, events ---------------------------------------------------------------------


def test_json_prints_the_summary_and_every_row(cli: Cli) -> None:
    result = cli("lead", "import", str(sample("beurs-2026.csv")), "--json")
    assert result.exit_code == 3
    assert json.loads(result.stdout) == {
        "file": "beurs-2026.csv",
        "source": "beurs-2026.csv",
        "batch": "IMP-0001",
        "dry_run": False,
        "imported": 4,
        "updated": 0,
        "duplicates": 0,
        "rejected": 1,
        "skipped": 0,
        "values_in_notes": 0,
        "rejects_file": "beurs-2026.rejects.csv",
        "encoding": "cp1252",
        "delimiter": ";",
        "rows": [
            {"row": 2, "status": "imported", "number": "L-0001", "message": None},
            {"row": 3, "status": "imported", "number": "L-0002", "message": None},
            {"row": 4, "status": "imported", "number": "L-0003", "message": None},
            {"row": 5, "status": "imported", "number": "L-0004", "message": None},
            {
                "row": 6,
                "status": "rejected",
                "number": None,
                "message": 'row 6: column "Geschatte waarde" value "abc" is not an amount',
            },
        ],
    }
    assert result.stderr == (
        "Imported 4 leads from beurs-2026.csv: 1 rejected (see beurs-2026.rejects.csv)"
        "; read as Windows-1252 (guessed); --encoding to change\n"
    )


def test_history_of_an_imported_lead_shows_its_batch_event(cli: Cli) -> None:
    cli.ok("lead", "import", str(sample("outlook-en.csv")))
    history = cli.json("history", "L-0004")
    assert history["chain"] == ["IMP-0001", "L-0004"]
    [batch] = history["events"]
    assert (batch["number"], batch["kind"]) == ("IMP-0001", "imported")
    assert batch["details"] == {
        "file": "outlook-en.csv",
        "source": "outlook-en.csv",
        "imported": 5,
        "first": "L-0001",
        "last": "L-0005",
        "duplicates": 1,
    }
    assert cli.json("lead", "show", "L-0004")["imported_in"] == "IMP-0001"


def test_one_event_per_import_not_per_lead(cli: Cli, db: Path) -> None:
    for name in ("outlook-en.csv", "beurs-2026.csv", "eventbrite-attendees.csv"):
        cli("lead", "import", str(sample(name)))
    assert len(leads(cli)) == 12
    events = stored_events(db)
    assert [(e["number"], e["kind"]) for e in events] == [
        ("IMP-0001", "imported"),
        ("IMP-0002", "imported"),
        ("IMP-0003", "imported"),
    ]
    assert [e["details"]["imported"] for e in events] == [5, 4, 3]
    assert cli.json("history", "L-0010")["events"][0]["number"] == "IMP-0003"


# --- malformed files ---------------------------------------------------------------------------


def test_malformed_rows_are_rejected_with_their_row_and_never_imported_mangled(cli: Cli) -> None:
    Path("broken.csv").write_text(
        "First Name,Last Name,Company\n"
        "Ann,One,Acme\n"
        "Bob,Two,Globex,extra,more\n"
        "Cy,Three,Initech,,\n"
        'Di,"Four,Umbrella\n'
        "Ed,Five,Hooli\n"
    )
    result = cli("lead", "import", "broken.csv")
    assert result.exit_code == 3
    assert result.stderr == (
        "row 3: 5 values but the header has 3 columns\n"
        "row 5: a quote opened in this row is never closed, so lines 5-6 (the rest of the file) "
        "could not be read\n"
        "row 6: not read, because the quote opened on line 5 is never closed\n"
        "Imported 2 leads from broken.csv: 3 rejected (see broken.rejects.csv)\n"
    )
    found = leads(cli)
    assert [(x["first_name"], x["last_name"], x["company"]) for x in found] == [
        ("Ann", "One", "Acme"),
        ("Cy", "Three", "Initech"),
    ]
    rejects = read_csv(Path("broken.rejects.csv"))
    assert rejects[0] == ["First Name", "Last Name", "Company", "(extra 1)", "(extra 2)", "error"]
    assert rejects[1] == [
        "Bob",
        "Two",
        "Globex",
        "extra",
        "more",
        "row 3: 5 values but the header has 3 columns",
    ]
    assert rejects[2][0] == "Di"
    # the card swallowed by the open quote is not lost: it waits in the rejects file
    assert rejects[3][:3] == ["Ed", "Five", "Hooli"]


def test_a_file_with_no_recognisable_header_is_refused(cli: Cli, db: Path) -> None:
    Path("cards.csv").write_text("Jan,Jansen,jan@x.nl\nPiet,Pietersen,piet@y.nl\n")
    result = cli("lead", "import", "cards.csv")
    assert result.exit_code == 1
    assert result.stderr == (
        'Error: cards.csv: no column header is recognised (row 1: "Jan", "Jansen", "jan@x.nl"); '
        "name the columns with --map or --profile\n"
    )
    assert not db.exists()
    assert not Path("cards.rejects.csv").exists()


def test_an_empty_file_is_refused(cli: Cli) -> None:
    Path("cards.csv").write_bytes(b"")
    result = cli("lead", "import", "cards.csv")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: cards.csv: no header row found; name the columns with --map or --profile\n"
    )


def test_a_missing_file_is_refused(cli: Cli, db: Path) -> None:
    result = cli("lead", "import", "nope.csv")
    assert result.exit_code == 1
    assert result.stderr == "Error: file nope.csv not found\n"
    assert not db.exists()
