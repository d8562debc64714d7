"""Customer documents: the same facts in Markdown, HTML and PDF, every user text escaped."""

from __future__ import annotations

import ast
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import salesflow.documents
from salesflow.documents import (
    DocumentView,
    Seller,
    default_filename,
    document_view,
    render_html,
    render_markdown,
    render_pdf,
)
from salesflow.errors import InvalidValue
from salesflow.models import (
    Invoice,
    InvoiceStatus,
    Payment,
    Quote,
    QuoteStatus,
)
from tests import factories
from tests.factories import make_account, make_contact, make_seller, stated_line

CUSTOMER = "Müller & Søn Łódź"
A4_POINTS = (595.28, 841.89)


# --- factories ---------------------------------------------------------------------------------


def make_quote(**overrides: Any) -> Quote:
    """QUO-0001 with one stated line (2 days x 50.00 at 21 %), made on 2026-01-10."""
    dated = {"valid_until": date(2026, 2, 9), "created_on": date(2026, 1, 10)}
    return factories.make_quote(**{"lines": [stated_line()], **dated, **overrides})


def make_invoice(**overrides: Any) -> Invoice:
    """INV-2026-0001 of ORD-0001 with one stated line, dated 2026-03-01, due in 30 days."""
    return factories.make_invoice(
        **{"invoice_date": date(2026, 3, 1), "lines": [stated_line()], **overrides}
    )


def view_of(record: Quote | Invoice, **seller: Any) -> DocumentView:
    return document_view(record, make_seller(**seller), make_account(), make_contact())


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def markdown_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("|")]


def unescaped_pipes(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row))


# --- PDF -------------------------------------------------------------------------------------


def test_a_pdf_quote_shows_its_number_the_customer_with_diacritics_and_the_total() -> None:
    quote = make_quote(
        lines=[
            stated_line(1, "Consulting day", "2", "50.00", "21", "100.00", "21.00"),
            stated_line(2, "Licence", "1", "1000.00", "21", "1000.00", "210.00"),
        ]
    )

    text = "\n".join(pdf_pages(render_pdf(view_of(quote))))

    assert "QUO-0001" in text
    assert CUSTOMER in text
    assert "Attn. Zoë Øster" in text
    assert "Total €1,331.00" in text
    assert "VAT 21% on 1,100.00 231.00" in text


def test_a_pdf_invoice_shows_its_dates_terms_amount_paid_and_balance() -> None:
    invoice = make_invoice(
        payments=[Payment(payment_no=1, amount=Decimal("21.00"), paid_on=date(2026, 3, 5))]
    )

    text = "\n".join(pdf_pages(render_pdf(view_of(invoice))))

    assert "INV-2026-0001" in text
    assert "Invoice date 1 Mar 2026" in text
    assert "Due date 31 Mar 2026" in text
    assert "Payment terms 30 days" in text
    assert "Amount paid 21.00" in text
    assert "Balance due €100.00" in text
    assert (
        "Please pay €100.00 to IBAN NL91ABNA0417164300 by 31 Mar 2026, quoting INV-2026-0001."
        in " ".join(text.split())
    )


@pytest.mark.slow  # renders a multi-page PDF and reads it back
def test_a_pdf_is_a4_and_embeds_dejavu_sans_regular_and_bold() -> None:
    reader = PdfReader(io.BytesIO(render_pdf(view_of(make_quote()))))
    page = reader.pages[0]
    fonts = page["/Resources"]["/Font"]
    embedded = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[1]
        for font in fonts.values()
        if "/FontFile2" in font.get_object()["/DescendantFonts"][0]["/FontDescriptor"]
    }

    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_POINTS)
    assert embedded == {"DejaVuSansBook", "DejaVuSansBold"}


@pytest.mark.slow  # renders a multi-page PDF and reads it back
def test_a_pdf_with_80_lines_runs_over_several_pages_repeating_the_column_headings() -> None:
    lines = [
        stated_line(n, f"Item {n}", "2", "50.00", "21", "100.00", "21.00") for n in range(1, 81)
    ]

    pages = pdf_pages(render_pdf(view_of(make_quote(lines=lines))))

    assert len(pages) >= 3
    pages_with_lines = [p for p in pages if re.search(r"^\d+ Item \d+", p, re.MULTILINE)]
    assert len(pages_with_lines) >= 3
    assert all(
        "# Description Qty Unit Unit price Discount Amount VAT" in p for p in pages_with_lines
    )
    items = re.findall(r"^\d+ Item (\d+) ", "\n".join(pages), re.MULTILINE)
    assert items == [str(n) for n in range(1, 81)]
    assert "Subtotal excl. VAT 8,000.00" in pages[-1]
    assert "Total €9,680.00" in pages[-1]
    assert all(f"page {n} of {len(pages)}" in p for n, p in enumerate(pages, start=1))


@pytest.mark.slow  # renders a multi-page PDF and reads it back
def test_a_long_pdf_description_wraps_inside_its_column() -> None:
    words = " ".join(f"word{n:02d}" for n in range(60))
    quote = make_quote(lines=[stated_line(description=words)])
    fragments: list[tuple[float, str]] = []

    def collect(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if "word" in text:
            fragments.append((tm[4] * cm[0] + cm[4], text.strip()))

    PdfReader(io.BytesIO(render_pdf(view_of(quote)))).pages[0].extract_text(visitor_text=collect)

    assert len(fragments) >= 5
    assert len({round(x) for x, _ in fragments}) == 1
    assert all(len(text) <= 40 for _, text in fragments)
    assert " ".join(text for _, text in fragments) == words


@pytest.mark.slow  # renders a multi-page PDF and reads it back
def test_a_pdf_is_dated_by_its_document_not_by_the_clock() -> None:
    reader = PdfReader(io.BytesIO(render_pdf(view_of(make_invoice()))))

    assert reader.metadata is not None
    assert reader.metadata.creation_date == datetime(2026, 3, 1, tzinfo=UTC)
    assert reader.metadata.title == "Invoice INV-2026-0001"
    assert reader.metadata.author == "Acme Tools BV"


def test_a_pdf_of_a_quote_without_lines_says_so_and_totals_zero() -> None:
    text = "\n".join(pdf_pages(render_pdf(view_of(make_quote(lines=[])))))

    assert "No lines." in text
    assert "Total €0.00" in text


# --- HTML ------------------------------------------------------------------------------------


def test_html_escapes_a_script_tag_in_the_company_name() -> None:
    html = render_html(view_of(make_quote(), company="<script>alert(1)</script>"))

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_html_escapes_every_user_text_in_lines_customer_and_contact() -> None:
    attack = '<img src=x onerror="alert(1)">'
    quote = make_quote(lines=[stated_line(description=attack, unit=attack)])
    view = document_view(
        quote,
        make_seller(address=attack, email=attack, phone=attack, vat_number=attack, iban=attack),
        make_account(name=attack, city=attack),
        make_contact(first_name=attack, email=attack),
    )

    html = render_html(view)

    assert "<img" not in html
    assert 'onerror="' not in html
    assert html.count("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;") >= 9


def test_html_is_a_standalone_page_with_inline_css() -> None:
    html = render_html(view_of(make_invoice()))

    assert html.startswith("<!DOCTYPE html>\n<html")
    assert '<meta charset="utf-8">' in html
    assert "<title>Invoice INV-2026-0001</title>" in html
    assert "<style>" in html
    assert "<link" not in html
    assert "<script" not in html
    assert html.rstrip().endswith("</html>")


def test_html_shows_the_customer_and_the_totals() -> None:
    html = render_html(view_of(make_invoice()))

    assert "Müller &amp; Søn Łódź" in html
    assert '<tr class="strong"><td>Total</td><td class="num">€121.00</td></tr>' in html
    assert '<tr><td>VAT 21% on 100.00</td><td class="num">21.00</td></tr>' in html


# --- Markdown --------------------------------------------------------------------------------


def test_markdown_escapes_pipes_so_every_table_row_keeps_its_columns() -> None:
    quote = make_quote(
        lines=[
            stated_line(1, "Cable | 2 m", unit="m|2"),
            stated_line(2, "Plain", "1", "10.00", "21", "10.00", "2.10"),
        ]
    )

    markdown = render_markdown(view_of(quote))

    line_rows = [row for row in markdown_rows(markdown) if unescaped_pipes(row) == 9]
    assert len(line_rows) == 4  # heading, rule, two lines
    assert "| 1 | Cable \\| 2 m | 2 | m\\|2 | 50.00 |  | 100.00 | 21% |" in markdown
    assert all(unescaped_pipes(row) in (3, 9) for row in markdown_rows(markdown))


def test_markdown_escapes_emphasis_and_newlines_in_user_text() -> None:
    quote = make_quote(lines=[stated_line(description="*bold*\nsecond line")])

    markdown = render_markdown(view_of(quote, company="Acme_Tools <BV>"))

    assert "| 1 | \\*bold\\* second line |" in markdown
    assert "Acme\\_Tools \\<BV\\>  " in markdown


def test_markdown_of_a_quote_shows_its_dates_but_no_internal_revision_or_status() -> None:
    quote = make_quote(revision=2, status=QuoteStatus.ACTIVE)

    markdown = render_markdown(view_of(quote))

    assert markdown.startswith("# Quote QUO-0001\n")
    assert "- **Date:** 10 Jan 2026\n" in markdown
    assert "- **Valid until:** 9 Feb 2026\n" in markdown
    assert "This quote is valid until 9 Feb 2026." in markdown
    assert "Revision" not in markdown
    assert "Status" not in markdown
    assert "active" not in markdown
    assert "OPP-0001" not in markdown


def test_markdown_of_an_invoice_shows_terms_amount_paid_and_balance() -> None:
    invoice = make_invoice(
        lines=[stated_line(1, "Licence", "1", "1234.50", "21", "1234.50", "259.25")],
        payments=[Payment(payment_no=1, amount=Decimal("493.75"), paid_on=date(2026, 3, 5))],
    )

    markdown = render_markdown(view_of(invoice))

    assert "- **Payment terms:** 30 days\n" in markdown
    assert "- **Due date:** 31 Mar 2026\n" in markdown
    assert "| Subtotal excl. VAT | 1,234.50 |" in markdown
    assert "| **Total** | **€1,493.75** |" in markdown
    assert "| Amount paid | 493.75 |" in markdown
    assert "| **Balance due** | **€1,000.00** |" in markdown
    assert "ORD-0001" not in markdown


def test_tax_is_shown_per_rate_lowest_rate_first() -> None:
    quote = make_quote(
        lines=[
            stated_line(1, "A", "2", "50.00", "21", "100.00", "21.00"),
            stated_line(2, "B", "1", "100.00", "9", "100.00", "9.00"),
            stated_line(3, "C", "1", "200.00", "21", "200.00", "42.00"),
        ]
    )

    rows = markdown_rows(render_markdown(view_of(quote)))

    vat_rows = [row for row in rows if row.startswith("| VAT")]
    assert vat_rows == ["| VAT 9% on 100.00 | 9.00 |", "| VAT 21% on 300.00 | 63.00 |"]


def test_a_header_discount_appears_between_lines_total_and_subtotal() -> None:
    # 1,000.00 + 500.00 with a 100.00 header discount spread 66.67 / 33.33 over the lines.
    quote = make_quote(
        discount=Decimal("100.00"),
        lines=[
            stated_line(
                1, "A", "2", "500.00", "21", "933.33", "196.00", header_discount=Decimal("66.67")
            ),
            stated_line(
                2, "B", "1", "500.00", "21", "466.67", "98.00", header_discount=Decimal("33.33")
            ),
        ],
    )

    markdown = render_markdown(view_of(quote))

    assert "| 1 | A | 2 | day | 500.00 |  | 1,000.00 | 21% |" in markdown
    assert "| 2 | B | 1 | day | 500.00 |  | 500.00 | 21% |" in markdown
    totals = markdown.split("| | |\n|---|---:|\n", 1)[1].split("\n\n", 1)[0]
    assert totals.splitlines() == [
        "| Lines total | 1,500.00 |",
        "| Discount | -100.00 |",
        "| Subtotal excl. VAT | 1,400.00 |",
        "| VAT 21% on 1,400.00 | 294.00 |",
        "| **Total** | **€1,694.00** |",
    ]


def test_a_percent_header_discount_names_its_percentage() -> None:
    quote = make_quote(
        discount=Decimal("10.00"),
        discount_percent=Decimal("10"),
        lines=[stated_line(amount="90.00", tax="18.90", header_discount=Decimal("10.00"))],
    )

    assert "| Discount (10%) | -10.00 |" in render_markdown(view_of(quote))


def test_without_a_header_discount_there_is_no_discount_row() -> None:
    markdown = render_markdown(view_of(make_quote()))

    assert "Discount |" not in markdown.split("| | |", 1)[1]
    assert "Lines total" not in markdown


def test_a_line_discount_shows_as_a_percentage_or_an_amount() -> None:
    quote = make_quote(
        lines=[
            stated_line(
                1,
                "A",
                "1",
                "100.00",
                "0",
                "90.00",
                "0.00",
                discount=Decimal("10.00"),
                discount_percent=Decimal("10"),
            ),
            stated_line(2, "B", "1", "2000.00", "0", "750.00", "0.00", discount=Decimal("1250.00")),
        ]
    )

    markdown = render_markdown(view_of(quote))

    assert "| 1 | A | 1 | day | 100.00 | 10% | 90.00 | 0% |" in markdown
    assert "| 2 | B | 1 | day | 2,000.00 | 1,250.00 | 750.00 | 0% |" in markdown


def test_a_canceled_invoice_says_nothing_is_due() -> None:
    invoice = make_invoice(status=InvoiceStatus.CANCELED, canceled_on=date(2026, 3, 2))

    markdown = render_markdown(view_of(invoice))

    assert "**Cancelled**\n" in markdown
    assert "| **Balance due** | **€0.00** |" in markdown
    assert "This invoice is cancelled; nothing is due." in markdown


def test_another_currency_is_shown_by_its_code() -> None:
    markdown = render_markdown(view_of(make_invoice(currency="CHF")))

    assert "| **Total** | **CHF121.00** |" in markdown  # as CLDR writes it for en_GB


# --- every format ----------------------------------------------------------------------------


def _text_of(fmt: str, view: DocumentView) -> str:
    if fmt == "pdf":
        return "\n".join(pdf_pages(render_pdf(view)))
    if fmt == "html":
        return render_html(view).replace("&amp;", "&")
    return render_markdown(view).replace("\\", "")


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_every_format_shows_the_seller_and_the_customer(fmt: str) -> None:
    text = _text_of(fmt, view_of(make_invoice()))

    for expected in (
        "Acme Tools BV",
        "Keizersgracht 1",
        "1015 AB Amsterdam",
        "sales@acme.example",
        "+31 20 123 4567",
        "NL123456794B01",
        "IBAN: NL91ABNA0417164300",
        CUSTOMER,
        "Zoë Øster",
        "zoe@muller.example",
    ):
        assert expected in text, expected


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_every_format_leaves_out_seller_details_that_are_not_set(fmt: str) -> None:
    view = document_view(make_quote(), Seller(company="Solo"), None, None)

    text = _text_of(fmt, view)

    assert "Solo" in text
    assert "IBAN" not in text
    assert "Email" not in text


# --- filenames and the view ------------------------------------------------------------------


def test_the_default_filename_of_a_first_revision_quote_is_its_number() -> None:
    assert default_filename(view_of(make_quote()), "pdf") == "QUO-0001.pdf"


def test_the_default_filename_of_a_later_revision_names_the_revision() -> None:
    assert default_filename(view_of(make_quote(revision=2)), "md") == "QUO-0001-r2.md"


def test_the_default_filename_of_an_invoice_is_its_number() -> None:
    assert default_filename(view_of(make_invoice()), "html") == "INV-2026-0001.html"


def test_an_unknown_document_format_is_refused() -> None:
    with pytest.raises(InvalidValue) as raised:
        default_filename(view_of(make_quote()), "docx")

    assert str(raised.value) == "document format 'docx' is not supported; use pdf, html or md"


def test_a_view_whose_kind_does_not_match_its_record_is_refused() -> None:
    with pytest.raises(TypeError) as raised:
        DocumentView(
            kind="invoice", record=make_quote(), seller=make_seller(), account=None, contact=None
        )

    assert str(raised.value) == "document kind 'invoice' does not match record QUO-0001 (a Quote)"


def test_document_view_takes_its_kind_from_the_record() -> None:
    assert document_view(make_quote(), make_seller()).kind == "quote"
    assert document_view(make_invoice(), make_seller()).kind == "invoice"


# --- packaging and purity --------------------------------------------------------------------


def test_the_fonts_and_their_licence_ship_inside_the_package() -> None:
    fonts = files("salesflow") / "fonts"

    assert (fonts / "DejaVuSans.ttf").read_bytes()[:4] == b"\x00\x01\x00\x00"
    assert (fonts / "DejaVuSans-Bold.ttf").read_bytes()[:4] == b"\x00\x01\x00\x00"
    assert "Bitstream Vera" in (fonts / "LICENSE-DejaVu.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "module", sorted(Path(salesflow.documents.__file__).parent.glob("*.py")), ids=lambda p: p.name
)
def test_the_documents_modules_import_no_pdf_store_cli_or_clock_at_load_time(
    module: Path,
) -> None:
    source = module.read_text(encoding="utf-8")
    tree = ast.parse(source)
    top_level: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            top_level |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            top_level.add(node.module.split(".")[0])
    everywhere = {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    } | {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }

    assert not top_level & {"fpdf", "babel", "segno"}
    assert not everywhere & {"tinydb", "typer", "rich", "click"}
    assert not re.search(r"\.(today|now|utcnow)\(", source)
    assert "open(" not in source


# --- text a PDF cannot lose --------------------------------------------------------------------


@pytest.mark.slow  # renders a multi-page PDF and reads it back
def test_a_2000_character_description_wraps_across_pages_and_keeps_every_word() -> None:
    words = " ".join(f"w{n:03d}" for n in range(400))  # 2,000 characters
    quote = make_quote(lines=[stated_line(description=words), stated_line(2, "After")])

    pages = pdf_pages(render_pdf(view_of(quote)))

    assert len(pages) >= 2
    text = "\n".join(pages)
    assert re.findall(r"w(\d{3})", text) == [f"{n:03d}" for n in range(400)]
    assert text.index("w399") < text.index("2 After")


def test_a_pdf_with_chinese_characters_is_refused_naming_them() -> None:
    quote = make_quote(lines=[stated_line(description="Tea from 東京")])

    with pytest.raises(InvalidValue) as raised:
        render_pdf(view_of(quote))

    assert str(raised.value) == (
        "quote QUO-0001: the PDF font has no glyph for '東' (U+6771), '京' (U+4EAC) in "
        "line 1 'Tea from 東京'; export as html or md, or write the text in another script"
    )


def test_a_pdf_with_hebrew_or_arabic_is_refused_rather_than_printed_backwards() -> None:
    view = document_view(make_invoice(), make_seller(), make_account(name="שלום בע״מ"), None)

    with pytest.raises(InvalidValue) as raised:
        render_pdf(view)

    assert str(raised.value) == (
        "invoice INV-2026-0001: right-to-left text cannot be laid out in a PDF yet: 'ש' (U+05E9) "
        "in customer 'שלום בע״מ'; export as html or md"
    )


@pytest.mark.slow  # renders a multi-page PDF and reads it back
def test_an_emoji_the_font_has_prints_in_the_pdf() -> None:
    quote = make_quote(lines=[stated_line(description="Smile \U0001f600 service")])

    assert "Smile \U0001f600 service" in "\n".join(pdf_pages(render_pdf(view_of(quote))))


def test_text_that_looks_like_the_page_count_alias_is_printed_as_typed() -> None:
    quote = make_quote(lines=[stated_line(description="Item {#} of the catalogue")])

    pages = pdf_pages(render_pdf(view_of(quote)))

    assert "Item {#} of the catalogue" in pages[0]
    assert "page 1 of 1" in pages[0]


@pytest.mark.slow  # renders a multi-page PDF and reads it back
def test_line_rows_stop_above_the_footer_on_every_page() -> None:
    lines = [
        stated_line(n, f"Item {n}", "2", "50.00", "21", "100.00", "21.00") for n in range(1, 121)
    ]
    reader = PdfReader(io.BytesIO(render_pdf(view_of(make_quote(lines=lines)))))
    lowest: list[float] = []

    def collect(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip().startswith("Item"):
            lowest.append(tm[5] * cm[3] + cm[5])

    for page in reader.pages:
        page.extract_text(visitor_text=collect)

    assert len(lowest) == 120
    footer_top = 20 / 25.4 * 72  # the 20 mm bottom margin, in points from the page's foot
    assert min(lowest) > footer_top
