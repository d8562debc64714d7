"""`quote send`, `invoice send` and `--lang`: .eml drafts with the exported PDF, in history."""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from pypdf import PdfReader

from salesflow.models import Account, Contact, Product
from tests.conftest import Cli
from tests.runner import backend_of
from tests.worlds import Runs, Worlds


def german_deal(run: Runs) -> None:
    """An active quote and an invoice for a German customer whose contact reads German."""
    run.ok(
        "init",
        "--tax-rate",
        "21",
        "--company",
        "Acme Tools BV",
        "--email",
        "sales@acme.example",
        "--vat-number",
        "NL001122344B01",
        "--iban",
        "NL91ABNA0417164300",
        "--bic",
        "ABNANL2A",
        "--language",
        "nl",
    )
    run.ok("product", "add", "DRILL", "--name", "Drill", "--price", "100")
    lead = run.number(
        "lead", "add", "--first-name", "Anna", "--last-name", "Schmidt", "--company", "Kunde GmbH"
    )
    run.ok("lead", "add", "--company", "Other")
    opportunity = run.number("lead", "qualify", lead, "--opportunity-name", "Drills for Berlin")
    with backend_of(run.db).writing() as session:
        account = session.get(Account, "ACC-0001")
        session.put(account.model_copy(update={"address": "Hauptstraße 5", "city": "Berlin"}))
        contact = session.get(Contact, "CON-0001")
        session.put(contact.model_copy(update={"language": "de"}))
        product = session.get(Product, "DRILL")
        session.put(product.model_copy(update={"description": "Cordless, 18 V"}))
    run.ok("opp", "add-product", opportunity, "DRILL", "--quantity", "2")
    run.ok("quote", "create", opportunity)


@pytest.fixture
def deal(cli: Cli, worlds: Worlds, workdir: Path) -> Cli:
    """`cli` holds the world; the current directory is an empty folder."""
    return worlds.copy(german_deal, cli)


def parse(path: Path) -> EmailMessage:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def pdf_text(data: bytes) -> str:
    import io

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_a_draft_quote_cannot_be_sent_and_nothing_is_written(deal: Cli) -> None:
    before = deal.db.read_bytes()

    result = deal("quote", "send", "QUO-0001", "--to", "anna@kunde.example")

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: quote QUO-0001 is draft (in-progress); only active or won quotes can be sent\n"
    )
    assert deal.db.read_bytes() == before
    assert list(Path().iterdir()) == []


def test_sending_a_quote_writes_an_eml_whose_pdf_equals_the_export_and_records_it(
    deal: Cli,
) -> None:
    deal.ok("quote", "activate", "QUO-0001")

    result = deal.ok(
        "quote", "send", "QUO-0001", "--to", "anna@kunde.example", "--cc", "boss@kunde.example"
    )

    assert result.stdout == "QUO-0001.eml\n"
    message = parse(Path("QUO-0001.eml"))
    assert message["Subject"] == "Angebot QUO-0001 von Acme Tools BV"
    assert message["To"] == "anna@kunde.example"
    assert message["Cc"] == "boss@kunde.example"
    body = message.get_body(("plain",))
    assert body is not None
    assert body.get_content().startswith("Guten Tag Anna Schmidt,\n")
    assert "Drills for Berlin" in body.get_content()
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == "QUO-0001.pdf"
    deal.ok("quote", "export", "QUO-0001")
    assert attachment.get_content() == Path("QUO-0001.pdf").read_bytes()
    history = deal.json("history", "QUO-0001")["events"]
    sent = [e for e in history if e["kind"] == "sent"]
    assert len(sent) == 1
    assert sent[0]["details"] == {
        "revision": 1,
        "to": ["anna@kunde.example"],
        "cc": ["boss@kunde.example"],
        "lang": "de",
    }


def test_the_customers_language_is_the_default_and_lang_overrides_it(deal: Cli) -> None:
    deal.ok("quote", "export", "QUO-0001", "--format", "md", "--output", "de.md")
    deal.ok("quote", "export", "QUO-0001", "--format", "md", "--output", "nl.md", "--lang", "nl")

    german = Path("de.md").read_text(encoding="utf-8")
    dutch = Path("nl.md").read_text(encoding="utf-8")
    assert german.startswith("# Angebot QUO-0001\n")
    assert "## Drills for Berlin" in german
    assert "Drill — Cordless, 18 V" in german
    assert "Hauptstraße 5" in german
    assert dutch.startswith("# Offerte QUO-0001\n")
    assert "| **Totaal** | **€ 242,00** |" in dutch


def test_an_unknown_language_is_refused(deal: Cli) -> None:
    result = deal("quote", "export", "QUO-0001", "--lang", "es")

    assert result.exit_code == 1
    assert result.stderr == "Error: language 'es' is not one of: nl, en, de, fr\n"
    assert list(Path().iterdir()) == []


def test_sending_an_invoice_attaches_its_pdf_with_the_payment_qr_code(deal: Cli) -> None:
    deal.ok("quote", "activate", "QUO-0001")
    deal.ok("quote", "accept", "QUO-0001")
    deal.ok("order", "fulfil", "ORD-0001")

    result = deal.ok(
        "invoice", "send", "INV-2026-0001", "--to", "finance@kunde.example", "-o", "mail.eml"
    )

    assert result.stdout == "mail.eml\n"
    message = parse(Path("mail.eml"))
    assert message["Subject"] == "Rechnung INV-2026-0001 von Acme Tools BV"
    (attachment,) = message.iter_attachments()
    pdf = attachment.get_content()
    import io

    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1
    assert "Verwendungszweck INV-2026-0001" in pdf_text(pdf)
    events = deal.json("history", "INV-2026-0001")["events"]
    assert [e["details"] for e in events if e["kind"] == "sent"] == [
        {"to": ["finance@kunde.example"], "lang": "de"}
    ]


def test_a_bad_recipient_is_refused_and_nothing_is_written(deal: Cli) -> None:
    deal.ok("quote", "activate", "QUO-0001")
    before = deal.db.read_bytes()

    result = deal("quote", "send", "QUO-0001", "--to", "not-an-address")

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: quote QUO-0001: email 'not-an-address' is not a valid email address "
        "(name@domain.tld)\n"
    )
    assert deal.db.read_bytes() == before
    assert list(Path().iterdir()) == []


def test_an_existing_eml_is_kept_unless_forced(deal: Cli) -> None:
    deal.ok("quote", "activate", "QUO-0001")
    Path("QUO-0001.eml").write_text("mine", encoding="utf-8")
    before = deal.db.read_bytes()

    result = deal("quote", "send", "QUO-0001", "--to", "anna@kunde.example")

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: quote QUO-0001: file QUO-0001.eml already exists; use --force to overwrite it\n"
    )
    assert Path("QUO-0001.eml").read_text(encoding="utf-8") == "mine"
    assert deal.db.read_bytes() == before
    deal.ok("quote", "send", "QUO-0001", "--to", "anna@kunde.example", "--force")
    assert json.dumps(parse(Path("QUO-0001.eml"))["To"]) == '"anna@kunde.example"'


def test_a_pdf_with_chinese_text_is_refused_and_nothing_is_written(deal: Cli) -> None:
    with backend_of(deal.db).writing() as session:
        account = session.get(Account, "ACC-0001")
        session.put(account.model_copy(update={"name": "東京商事"}))
    before = deal.db.read_bytes()

    result = deal("quote", "export", "QUO-0001")

    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: quote QUO-0001: the PDF font has no glyph for '東' (U+6771), '京' (U+4EAC), "
    )
    assert deal.db.read_bytes() == before
    assert list(Path().iterdir()) == []
    assert deal.ok("quote", "export", "QUO-0001", "-f", "html").stdout == "QUO-0001.html\n"


PROBE = (
    "import sys\n"
    "from salesflow.cli import app\n"
    "sys.argv = ['salesflow', *sys.argv[1:]]\n"
    "try:\n    app()\nexcept SystemExit:\n    pass\n"
    "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'fpdf', 'segno', 'babel', 'PIL'})\n"
    "print(loaded, file=sys.stderr)\n"
)


def loaded_by(deal: Cli, *args: str) -> str:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--db", str(deal.db), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stderr.strip().splitlines()[-1]


@pytest.mark.slow
def test_the_pdf_logo_qr_and_locale_libraries_load_only_when_a_document_is_made(
    deal: Cli,
) -> None:
    deal.ok("quote", "activate", "QUO-0001")
    deal.ok("quote", "accept", "QUO-0001")
    deal.ok("order", "fulfil", "ORD-0001")

    assert loaded_by(deal, "invoice", "show", "INV-2026-0001") == "[]"
    assert loaded_by(deal, "quote", "show", "QUO-0001") == "[]"
    assert loaded_by(deal, "invoice", "export", "INV-2026-0001", "-o", "i.pdf") == (
        "['PIL', 'babel', 'fpdf', 'segno']"
    )
