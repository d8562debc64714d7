"""`quote export` and `invoice export`: PDF, HTML and Markdown files read back."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner, Result

from salesflow.cli import app
from tests.worlds import Runs, Worlds

TODAY = "2026-03-02"
CUSTOMER = "Müller & Søn Łódź"
runner = CliRunner()


def run(db: Path, *args: str) -> Result:
    return runner.invoke(
        app, ["--db", str(db), *args], env={"SALESFLOW_TODAY": TODAY, "SALESFLOW_DB": None}
    )


def ok(db: Path, *args: str) -> str:
    result = run(db, *args)
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result.stdout


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def paid_in_part(run: Runs) -> None:
    """A paid-in-part invoice for a customer with diacritics."""
    path = run.db
    ok(
        path,
        "init",
        "--tax-rate",
        "21",
        "--company",
        "Acme <Tools> BV",
        "--address",
        "Keizersgracht 1, Amsterdam",
        "--email",
        "sales@acme.example",
        "--vat-number",
        "NL004495445B01",
        "--iban",
        "NL91ABNA0417164300",
    )
    ok(path, "product", "add", "CONSULT", "--name", "Consulting day", "--price", "400")
    lead = ok(
        path, "lead", "add", "--first-name", "Zoë", "--last-name", "Ørsted", "--company", CUSTOMER
    ).strip()
    opportunity = ok(path, "lead", "qualify", lead).strip()
    ok(path, "opp", "add-product", opportunity, "CONSULT", "--quantity", "3")
    ok(path, "quote", "create", opportunity)
    ok(path, "quote", "discount", "QUO-0001", "--percent", "5")
    ok(path, "quote", "activate", "QUO-0001")
    ok(path, "quote", "accept", "QUO-0001")
    ok(path, "order", "fulfil", "ORD-0001")
    ok(path, "invoice", "pay", "INV-2026-0001", "--amount", "379.20")


@pytest.fixture
def db(tmp_path: Path, worlds: Worlds, workdir: Path) -> Path:
    """A paid-in-part invoice for a customer with diacritics; the cwd is an empty folder."""
    path = tmp_path / "sales.json"
    path.write_bytes(worlds.file(paid_in_part))
    return path


def test_a_quote_exports_to_a_pdf_named_after_it_in_the_current_directory(db: Path) -> None:
    assert ok(db, "quote", "export", "QUO-0001", "--format", "pdf") == "QUO-0001.pdf\n"
    written = Path("QUO-0001.pdf")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    text = pdf_text(written)
    assert "QUO-0001" in text
    assert CUSTOMER in text
    assert "Zoë Ørsted" in text
    assert "€1,379.40" in text  # 3 × 400 − 5 % = 1,140.00 + 21 % tax
    assert "Acme <Tools> BV" in text
    assert "NL004495445B01" in text


def test_an_invoice_exports_to_a_pdf_with_its_payments_and_balance(db: Path) -> None:
    assert ok(db, "invoice", "export", "INV-2026-0001") == "INV-2026-0001.pdf\n"
    text = pdf_text(Path("INV-2026-0001.pdf"))
    assert "INV-2026-0001" in text
    assert CUSTOMER in text
    assert "€1,379.40" in text
    assert "379.20" in text
    assert "€1,000.20" in text  # the balance
    assert "NL91ABNA0417164300" in text
    assert "1 Apr 2026" in text  # due date


def test_html_export_escapes_user_text(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "quote.html"
    assert ok(db, "quote", "export", "QUO-0001", "-f", "html", "-o", str(target)) == (f"{target}\n")
    html = target.read_text(encoding="utf-8")
    assert "Müller &amp; Søn Łódź" in html
    assert "Acme &lt;Tools&gt; BV" in html
    assert "<title>Quote QUO-0001</title>" in html
    assert "1,379.40" in html
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_markdown_goes_to_stdout_with_a_dash(db: Path) -> None:
    text = ok(db, "invoice", "export", "INV-2026-0001", "--format", "md", "--output", "-")
    assert text.startswith("# Invoice INV-2026-0001\n")
    assert CUSTOMER in text
    assert "1,000.20" in text
    assert list(Path().iterdir()) == []


def test_html_goes_to_stdout_with_a_dash(db: Path) -> None:
    text = ok(db, "quote", "export", "QUO-0001", "--format", "html", "--output", "-")
    assert text.startswith("<!DOCTYPE html>")


def test_a_pdf_to_stdout_is_refused(db: Path) -> None:
    result = run(db, "quote", "export", "QUO-0001", "--format", "pdf", "--output", "-")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: quote QUO-0001: a PDF cannot be written to stdout (--output -); give --output "
        "FILE, or use --format html or md\n"
    )
    assert result.stdout == ""


def test_an_existing_file_is_kept_unless_forced(db: Path) -> None:
    Path("QUO-0001.md").write_text("mine", encoding="utf-8")
    result = run(db, "quote", "export", "QUO-0001", "--format", "md")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: quote QUO-0001: file QUO-0001.md already exists; use --force to overwrite it\n"
    )
    assert Path("QUO-0001.md").read_text(encoding="utf-8") == "mine"
    assert ok(db, "quote", "export", "QUO-0001", "--format", "md", "--force") == "QUO-0001.md\n"
    assert Path("QUO-0001.md").read_text(encoding="utf-8").startswith("# Quote QUO-0001")


def test_a_later_revision_gets_its_own_file_name(db: Path) -> None:
    opportunity = ok(db, "opp", "add", "--name", "Second deal", "--account", "ACC-0001").strip()
    ok(db, "opp", "add-product", opportunity, "CONSULT")
    ok(db, "quote", "create", opportunity)
    ok(db, "quote", "activate", "QUO-0002")
    ok(db, "quote", "revise", "QUO-0002")
    assert ok(db, "quote", "export", "QUO-0002", "-f", "md") == "QUO-0002-r2.md\n"
    assert ok(db, "quote", "export", "QUO-0002", "-f", "md", "--revision", "1") == "QUO-0002.md\n"
    assert "**Superseded by revision 2**" in Path("QUO-0002.md").read_text(encoding="utf-8")
    assert "Superseded" not in Path("QUO-0002-r2.md").read_text(encoding="utf-8")


def test_an_unknown_format_is_refused(db: Path) -> None:
    result = run(db, "quote", "export", "QUO-0001", "--format", "docx")
    assert result.exit_code == 1
    assert result.stderr == "Error: format 'docx' is not one of: pdf, html, md\n"


def test_a_missing_directory_is_refused(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "q.pdf"
    result = run(db, "quote", "export", "QUO-0001", "--output", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: quote QUO-0001: cannot write {target}; directory {target.parent} does not exist\n"
    )


def test_exporting_does_not_change_the_data_file(db: Path) -> None:
    before = db.read_bytes()
    ok(db, "quote", "export", "QUO-0001")
    ok(db, "invoice", "export", "INV-2026-0001", "--format", "html")
    assert db.read_bytes() == before
