"""What a business must print: every legally required item of an invoice in each language, a
quote's title, intro, terms and acceptance block, reverse charge, the payment QR code, the logo."""

from __future__ import annotations

import io
import re
import struct
import zlib
from datetime import date
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from pypdf import PdfReader

from salesflow.documents import (
    document_view,
    draft_email,
    render_html,
    render_markdown,
    render_pdf,
)
from salesflow.documents.facts import document_language
from salesflow.errors import InvalidValue
from salesflow.models import InvoiceStatus, Payment, QuoteStatus
from tests.factories import make_account, make_contact, make_seller, stated_line
from tests.unit.test_documents import make_invoice, make_quote

pytestmark = pytest.mark.slow  # each renders and reads back a PDF (0.3 s); CI runs them all

NOW_TEXT = "Tue, 01 Dec 2026 10:00:00 +0000"


def seller(**overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "bic": "ABNANL2A",
        "coc": "12345678",
        "website": "https://acme.example",
        "footer": "Acme Tools BV · Keizersgracht 1 · Amsterdam",
        "terms": "Prices exclude VAT.\nDelivery within 14 days.",
    }
    fields.update(overrides)
    return make_seller(**fields)


def customer(**overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "name": "Kunde GmbH",
        "address": "Hauptstraße 5",
        "postcode": "10115",
        "city": "Berlin",
        "country": "DE",
        "vat_id": "DE123456796",
    }
    fields.update(overrides)
    return make_account(**fields)


def flat(text: str) -> str:
    """PDF text on one line, non-breaking spaces as spaces (as a reader sees it)."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def pdf_text(data: bytes) -> str:
    return flat("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def invoice(**overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "lines": [
            stated_line(2, "Drill", "2", "1000.00", "21", "2000.00", "420.00", sku="DRILL"),
            stated_line(
                3,
                "Manual",
                "1",
                "500.00",
                "9",
                "450.00",
                "40.50",
                discount=Decimal("50.00"),
                discount_percent=Decimal(10),
                unit="piece",
            ),
        ],
        "invoice_date": date(2026, 12, 1),
        "delivery_date": date(2026, 11, 28),
        "due_date": date(2026, 12, 31),
        "customer_reference": "PO-7781",
    }
    fields.update(overrides)
    return make_invoice(**fields)


# Per language: the labels and formats an invoice must show (art. 226 VAT directive; art. 35a
# Wet OB): dates, delivery date, VAT per rate with its taxable amount, totals, payment terms.
REQUIRED = {
    "nl": [
        "Factuur INV-2026-0001",
        "Factuurdatum 01-12-2026",
        "Leverdatum 28-11-2026",
        "Vervaldatum 31-12-2026",
        "Betalingstermijn 30 dagen",
        "Betalingskenmerk INV-2026-0001",
        "Uw referentie PO-7781",
        "Btw-nummer: NL123456794B01",
        "KvK-nummer: 12345678",
        "BIC: ABNANL2A",
        "Btw-nummer: DE123456796",
        "Duitsland",
        "# Omschrijving Aantal Eenheid Prijs Korting Bedrag BTW",
        "1 Drill 2 day 1.000,00 2.000,00 21%",
        "2 Manual 1 piece 500,00 10% 450,00 9%",
        "Subtotaal excl. BTW 2.450,00",
        "BTW 9% over 450,00 40,50",
        "BTW 21% over 2.000,00 420,00",
        "Totaal € 2.910,50",
        "Te betalen € 2.910,50",
    ],
    "en": [
        "Invoice INV-2026-0001",
        "Invoice date 1 Dec 2026",
        "Delivery date 28 Nov 2026",
        "Due date 31 Dec 2026",
        "Payment terms 30 days",
        "Your reference PO-7781",
        "VAT ID: NL123456794B01",
        "Company reg. no.: 12345678",
        "VAT ID: DE123456796",
        "Germany",
        "# Description Qty Unit Unit price Discount Amount VAT",
        "1 Drill 2 day 1,000.00 2,000.00 21%",
        "Subtotal excl. VAT 2,450.00",
        "VAT 9% on 450.00 40.50",
        "VAT 21% on 2,000.00 420.00",
        "Total €2,910.50",
        "Balance due €2,910.50",
    ],
    "de": [
        "Rechnung INV-2026-0001",
        "Rechnungsdatum 01.12.2026",
        "Lieferdatum 28.11.2026",
        "Fällig am 31.12.2026",
        "Zahlungsziel 30 Tage",
        "Verwendungszweck INV-2026-0001",
        "USt-IdNr.: NL123456794B01",
        "Handelsregister: 12345678",
        "USt-IdNr.: DE123456796",
        "Deutschland",
        "# Beschreibung Menge Einheit Einzelpreis Rabatt Betrag USt.",
        "1 Drill 2 day 1.000,00 2.000,00 21%",
        "Zwischensumme netto 2.450,00",
        "USt. 9% auf 450,00 40,50",
        "USt. 21% auf 2.000,00 420,00",
        "Gesamtbetrag 2.910,50 €",
        "Offener Betrag 2.910,50 €",
    ],
    "fr": [
        "Facture INV-2026-0001",
        "Date de facture 01/12/2026",
        "Date de livraison 28/11/2026",
        "Échéance 31/12/2026",
        "Délai de paiement 30 jours",
        "N° TVA: NL123456794B01",
        "RCS: 12345678",
        "N° TVA: DE123456796",
        "Allemagne",
        "# Désignation Qté Unité Prix unitaire Remise Montant TVA",
        "1 Drill 2 day 1 000,00 2 000,00 21%",
        "Total HT 2 450,00",
        "TVA 9% sur 450,00 40,50",
        "TVA 21% sur 2 000,00 420,00",
        "Total TTC 2 910,50 €",
        "Reste à payer 2 910,50 €",
    ],
}


@pytest.mark.parametrize("lang", sorted(REQUIRED))
def test_an_invoice_pdf_carries_every_legally_required_item_in_its_language(lang: str) -> None:
    view = document_view(invoice(), seller(), customer(), make_contact(), lang=lang)

    text = pdf_text(render_pdf(view))

    for item in REQUIRED[lang]:
        assert item in text, (lang, item)
    for item in ("Acme Tools BV", "Keizersgracht 1", "1015 AB Amsterdam", "NL91ABNA0417164300"):
        assert item in text
    for item in ("Kunde GmbH", "Hauptstraße 5", "10115 Berlin"):
        assert item in text


@pytest.mark.parametrize("lang", sorted(REQUIRED))
def test_markdown_and_html_carry_the_same_items_in_the_same_language(lang: str) -> None:
    view = document_view(invoice(), seller(), customer(), make_contact(), lang=lang)
    markdown = flat(render_markdown(view).replace("\\", "").replace("|", " ").replace("*", ""))
    page = flat(render_html(view).replace("&amp;", "&"))

    def squash(text: str) -> str:
        return text.replace(" ", "").replace(":", "")

    for item in REQUIRED[lang][:10]:
        assert squash(item) in squash(markdown), item
        assert squash(item) in squash(re.sub(r"<[^>]+>", " ", page)), item
    assert f'<html lang="{lang}">' in page
    assert REQUIRED[lang][-1].split()[-1] in page


def test_documents_print_positions_1_to_n_whatever_the_stored_line_numbers() -> None:
    markdown = render_markdown(document_view(invoice(), seller(), customer()))

    assert "| 1 | Drill |" in markdown
    assert "| 2 | Manual |" in markdown
    assert "| 3 |" not in markdown


def test_a_product_line_shows_the_products_description() -> None:
    view = document_view(
        invoice(), seller(), customer(), descriptions={"DRILL": "Cordless, 18 V, two batteries"}
    )

    text = pdf_text(render_pdf(view))
    assert "1 Drill 2 day 1,000.00 2,000.00 21% Cordless, 18 V, two batteries 2 Manual" in text
    assert "| 1 | Drill — Cordless, 18 V, two batteries |" in render_markdown(view)


@pytest.mark.parametrize(
    ("lang", "mention"),
    [
        ("nl", "BTW verlegd"),
        ("en", "VAT reverse charge"),
        ("de", "Steuerschuldnerschaft des Leistungsempfängers"),
        ("fr", "Autoliquidation"),
    ],
)
def test_a_reverse_charged_invoice_carries_the_legal_mention_and_vat_at_zero(
    lang: str, mention: str
) -> None:
    lines = [stated_line(1, "Drill", "2", "1000.00", "0", "2000.00", "0.00")]
    view = document_view(
        invoice(lines=lines, vat_treatment="reverse-charge"), seller(), customer(), lang=lang
    )

    text = pdf_text(render_pdf(view))

    assert mention in text
    assert "DE123456796" in text


def test_an_export_carries_its_mention() -> None:
    view = document_view(invoice(vat_treatment="export"), seller(), customer(country="US"))

    assert "Export outside the EU: 0 % VAT" in render_markdown(view)


def test_a_quote_shows_its_title_intro_terms_reference_and_acceptance_block() -> None:
    quote = make_quote(customer_reference="PO-7781", status=QuoteStatus.ACTIVE)
    view = document_view(quote, seller(), customer(), make_contact(), title="Tools for Berlin")

    text = pdf_text(render_pdf(view))

    for item in (
        "Quote QUO-0001 Tools for Berlin",
        "Thank you for your interest.",
        "Your reference PO-7781",
        "Terms and conditions Prices exclude VAT. Delivery within 14 days.",
        "Accepted for order Name Date Signature",
        "Acme Tools BV · Keizersgracht 1 · Amsterdam",
    ):
        assert item in text, item
    for internal in ("Revision", "Status", "active", "OPP-0001", "ORD-"):
        assert internal not in text, internal


def test_a_superseded_revision_carries_a_clear_mark_and_no_acceptance_block() -> None:
    quote = make_quote(status=QuoteStatus.CLOSED, status_reason="revised")
    view = document_view(quote, seller(), customer(), latest_revision=3, lang="nl")

    text = pdf_text(render_pdf(view))

    assert "Vervangen door revisie 3" in text
    assert "Voor akkoord" not in text


def _images(data: bytes) -> list[tuple[int, int]]:
    reader = PdfReader(io.BytesIO(data))
    return [
        (image.image.width, image.image.height)
        for page in reader.pages
        for image in page.images
        if image.image is not None
    ]


def test_an_invoice_in_euros_with_a_seller_iban_carries_the_epc_qr_code() -> None:
    view = document_view(invoice(), seller(), customer())

    images = _images(render_pdf(view))

    assert len(images) == 1
    width, height = images[0]
    assert width == height  # a QR code is square


@pytest.mark.parametrize(
    "changes",
    [
        {"currency": "CHF"},
        {"status": InvoiceStatus.CANCELED},
        {"payments": [Payment(payment_no=1, amount=Decimal("2910.50"), paid_on=date(2026, 12, 2))]},
    ],
    ids=["other currency", "cancelled", "paid"],
)
def test_no_qr_code_when_nothing_is_to_be_paid_in_euros(changes: dict[str, Any]) -> None:
    view = document_view(invoice(**changes), seller(), customer())

    assert _images(render_pdf(view)) == []


def test_an_invalid_seller_iban_is_refused_rather_than_printed_in_a_qr_code() -> None:
    view = document_view(invoice(), seller(iban="NL00BANK0000000000"), customer())

    with pytest.raises(InvalidValue) as raised:
        render_pdf(view)

    assert str(raised.value) == (
        "invoice INV-2026-0001: EPC QR code: IBAN 'NL00BANK0000000000' is not a valid IBAN"
    )


def png(width: int, height: int) -> bytes:
    """A plain grey PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_a_wide_logo_is_scaled_into_its_box_without_distortion() -> None:
    view = document_view(make_quote(), seller(logo=png(400, 100)), customer())

    reader = PdfReader(io.BytesIO(render_pdf(view)))
    page = reader.pages[0]
    drawn: list[tuple[float, float]] = []

    def visit(op: bytes, args: list[Any], cm: list[float], tm: list[float]) -> None:
        if op == b"Do":
            drawn.append((cm[0], cm[3]))

    page.extract_text(visitor_operand_before=visit)

    assert len(drawn) == 1
    width, height = drawn[0]
    assert width / height == pytest.approx(4.0, rel=0.01)
    assert width == pytest.approx(50 / 25.4 * 72, rel=0.01)  # the box's 50 mm width


def test_a_damaged_logo_is_refused_naming_the_setting() -> None:
    view = document_view(make_quote(), seller(logo=b"\x89PNG\r\n\x1a\nbroken"), customer())

    with pytest.raises(InvalidValue) as raised:
        render_pdf(view)

    assert str(raised.value).startswith("quote QUO-0001: the logo cannot be read as an image (")
    assert str(raised.value).endswith("set another with `salesflow config set logo FILE`")


def test_the_language_is_asked_else_the_contacts_else_the_accounts_else_the_settings() -> None:
    account, contact = customer(language="de"), make_contact(language="fr")

    assert document_language("NL", account, contact, "en") == "nl"
    assert document_language(None, account, contact, "en") == "fr"
    assert document_language(None, account, make_contact(), "en") == "de"
    assert document_language(None, None, None, "nl") == "nl"
    assert document_language(None, None, None, None) == "en"
    with pytest.raises(InvalidValue) as raised:
        document_language("es", None, None, None)
    assert str(raised.value) == "language 'es' is not one of: nl, en, de, fr"


def _parsed(message: EmailMessage) -> EmailMessage:
    parsed = message_from_bytes(bytes(message), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


@pytest.mark.parametrize(
    ("lang", "subject", "opening"),
    [
        ("nl", "Factuur INV-2026-0001 van Acme Tools BV", "Beste Zoë Øster,"),
        ("en", "Invoice INV-2026-0001 from Acme Tools BV", "Dear Zoë Øster,"),
        ("de", "Rechnung INV-2026-0001 von Acme Tools BV", "Guten Tag Zoë Øster,"),
        ("fr", "Facture INV-2026-0001 de Acme Tools BV", "Bonjour Zoë Øster,"),
    ],
)
def test_the_email_draft_is_a_mime_message_in_the_documents_language_with_the_pdf(
    lang: str, subject: str, opening: str
) -> None:
    from datetime import UTC, datetime

    view = document_view(invoice(), seller(), customer(), make_contact(), lang=lang)
    pdf = render_pdf(view)

    message = _parsed(
        draft_email(
            view,
            pdf,
            filename="INV-2026-0001.pdf",
            to=["anna@kunde.example"],
            cc=["boss@kunde.example"],
            now=datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
        )
    )

    assert message["Subject"] == subject
    assert message["To"] == "anna@kunde.example"
    assert message["Cc"] == "boss@kunde.example"
    assert message["From"] == "Acme Tools BV <sales@acme.example>"
    assert message["Date"] == NOW_TEXT
    assert message["X-Unsent"] == "1"
    body = message.get_body(("plain",))
    assert body is not None
    assert body.get_content().startswith(f"{opening}\n\n")
    assert "INV-2026-0001" in body.get_content()
    attachments = list(message.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["INV-2026-0001.pdf"]
    assert attachments[0].get_content_type() == "application/pdf"
    assert attachments[0].get_content() == pdf
