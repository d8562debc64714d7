"""`salesflow lead import` loses nobody silently: every row has one outcome, names that are not
names make no duplicates, a differing value is kept, and the rejects file is safe to open."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Cli


@pytest.fixture(autouse=True)
def _in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)


def leads(cli: Cli) -> list[dict[str, Any]]:
    return list(cli.json("lead", "list"))


def write(name: str, text: str) -> str:
    Path(name).write_text(text, encoding="utf-8")
    return name


def test_people_whose_name_columns_are_not_recognised_are_all_imported_with_a_warning(
    cli: Cli,
) -> None:
    write(
        "fair.csv",
        "Kontaktperson,Firma,Mail\r\n"
        "Jan de Vries,Acme BV,jan@acme.example\r\n"
        "Piet Bos,Acme BV,\r\n"
        "Anna Smit,Acme BV,\r\n",
    )
    result = cli.ok("lead", "import", "fair.csv")
    assert result.stderr == (
        'Warning: column "Kontaktperson" holds what look like person names but is kept in the '
        'notes; --map "Kontaktperson=name" takes it as the name\n'
        "Imported 3 leads from fair.csv\n"
    )
    assert [(x["company"], x["notes"]) for x in leads(cli)] == [
        ("Acme BV", "Kontaktperson: Jan de Vries"),
        ("Acme BV", "Kontaktperson: Piet Bos"),
        ("Acme BV", "Kontaktperson: Anna Smit"),
    ]


def test_the_map_the_warning_names_takes_the_names(cli: Cli) -> None:
    write("fair.csv", "Kontaktperson,Firma\r\nPiet Bos,Acme BV\r\nAnna Smit,Acme BV\r\n")
    result = cli.ok("lead", "import", "fair.csv", "--map", "Kontaktperson=name")
    assert result.stderr == "Imported 2 leads from fair.csv\n"
    assert [x["name"] for x in leads(cli)] == ["Piet Bos", "Anna Smit"]


def test_unmapped_columns_of_emails_and_phones_are_named_with_their_map(cli: Cli) -> None:
    write(
        "badges.csv",
        "Achternaam,Contact,Nummer\r\nSmit,jan@smit.example,+31 6 1234 5678\r\n"
        "Bos,piet@bos.example,030-1234567\r\n",
    )
    result = cli.ok("lead", "import", "badges.csv", "--dry-run")
    assert result.stderr.splitlines()[:2] == [
        'Warning: column "Contact" holds what look like email addresses but is kept in the notes; '
        '--map "Contact=email" takes it as the email',
        'Warning: column "Nummer" holds what look like phone numbers but is kept in the notes; '
        '--map "Nummer=phone" takes it as the phone',
    ]


def test_a_row_with_an_email_is_the_same_person_as_a_stored_lead_without_one(
    cli: Cli, db: Path
) -> None:
    cli.ok("lead", "add", "--first-name", "Jan", "--last-name", "Smit", "--company", "Smit BV")
    write(
        "again.csv", "First Name,Last Name,Company,Email\r\nJan,Smit,SMIT BV,jan@smit.example\r\n"
    )
    result = cli.ok("lead", "import", "again.csv")
    assert result.stderr == (
        "row 2: duplicate of L-0001 (same name and company; L-0001 has no email)\n"
        "Imported 0 leads from again.csv: 1 duplicate skipped\n"
    )
    result = cli.ok("lead", "import", "again.csv", "--on-duplicate", "update")
    assert result.stderr.splitlines()[-1] == "Imported 0 leads from again.csv: 1 duplicate updated"
    [lead] = leads(cli)
    assert lead["email"] == "jan@smit.example"
    assert lead["company"] == "Smit BV"  # the stored spelling, the same beyond its case


def test_update_keeps_a_differing_phone_in_the_notes_once(cli: Cli) -> None:
    cli.ok("lead", "add", "--last-name", "Smit", "--email", "jan@smit.example", "--phone", "030 1")
    write("again.csv", "Last Name,Email,Phone\r\nSmit,jan@smit.example,+31 6 1234 5678\r\n")
    first = cli.ok("lead", "import", "again.csv", "--on-duplicate", "update")
    assert first.stderr.splitlines()[-1] == (
        "Imported 0 leads from again.csv: 1 duplicate updated, 1 value differed, kept in notes"
    )
    second = cli.ok("lead", "import", "again.csv", "--on-duplicate", "update")
    assert second.stderr.splitlines()[-1] == "Imported 0 leads from again.csv: 1 duplicate skipped"
    [lead] = leads(cli)
    assert (lead["phone"], lead["notes"]) == ("030 1", "Phone (import IMP-0001): +31 6 1234 5678")


def test_the_rejects_file_neutralises_formula_cells_and_a_fixed_one_imports_them_back(
    cli: Cli,
) -> None:
    write(
        "cards.csv",
        "Last Name,Email,Phone,Notes\r\n"
        'Smit,jan@,+31 6 1234 5678,"=HYPERLINK(""http://x.example"")"\r\n',
    )
    assert cli("lead", "import", "cards.csv").exit_code == 3
    rejects = Path("cards.rejects.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(rejects)))
    assert rows[1][:4] == ["Smit", "jan@", "'+31 6 1234 5678", '\'=HYPERLINK("http://x.example")']
    fixed = rejects.replace("jan@", "jan@smit.example")
    Path("fixed.csv").write_text(fixed, encoding="utf-8-sig")
    cli.ok("lead", "import", "fixed.csv")
    [lead] = leads(cli)
    assert lead["phone"] == "+31 6 1234 5678"
    assert lead["email"] == "jan@smit.example"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kinds=st.lists(
        st.sampled_from(["new", "again", "bad", "blank", "details", "nameless"]), max_size=12
    )
)
def test_every_row_has_one_outcome_and_the_counts_add_up(
    cli: Cli, tmp_path: Path, kinds: list[str]
) -> None:
    cells = {
        "new": "Jan,Smit{n},Smit BV,jan{n}@smit.example,",
        "again": "Jan,Smit,Smit BV,JAN@smit.example,",
        "bad": "Jan,Bos{n},,not-an-email,",
        "blank": ",,,,",
        "details": ",,,,2026-01-0{d}",
        "nameless": ",,Acme BV,,",
    }
    lines = ["First Name,Last Name,Company,Email,Created On", "Jan,Smit,Smit BV,jan@smit.example,"]
    lines += [cells[k].format(n=n, d=n % 9 + 1) for n, k in enumerate(kinds)]
    path = tmp_path / "rows.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    result = cli("lead", "import", str(path), "--json", "--dry-run")
    report = json.loads(result.stdout)
    rows = report["rows"]
    assert [r["row"] for r in rows] == list(range(2, len(lines) + 1))
    counted = (
        report["imported"]
        + report["updated"]
        + report["duplicates"]
        + report["rejected"]
        + report["skipped"]
    )
    assert counted == len(lines) - 1
    expected = {
        "new": "imported",
        "again": "duplicate",
        "bad": "rejected",
        "blank": "skipped",
        "details": "skipped",
        "nameless": "imported",
    }
    assert [r["status"] for r in rows[1:]] == [expected[k] for k in kinds]
