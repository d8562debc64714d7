"""Customer documents for quotes and invoices: Markdown, HTML and PDF.

Pure rendering: every function takes a `DocumentView` and returns `str` or `bytes`. Nothing here
writes files or reads the clock (the PDF's creation date is the document's own date, so the same
record always renders to the same bytes); the shell picks the seller, the records and the output
path.

All three formats show the same facts, gathered once by `_facts`:

- the seller (company, address, email, phone, VAT number, IBAN) and the customer (account name and
  place; contact name and email);
- the number and dates: for a quote its revision, status, created and valid-until dates; for an
  invoice its invoice date, due date, payment terms and order;
- the lines. The stored `amount` of a line is net of its share of the header discount
  (`header_discount`); the Amount column shows the line *before* that share (`amount +
  header_discount`) so the column adds up to "Lines total", and a "Discount" row in the totals
  block then brings it down to the stored subtotal. Without a header discount the column is the
  stored amount and "Lines total" is left out;
- subtotal, tax per rate ("VAT 21%"), total; for an invoice also amount paid and balance due.

`default_filename` names the file after the number: `QUO-0001.pdf`, `INV-2026-0001.html`; a quote
revision after the first gets `-r<revision>` (`QUO-0001-r2.md`) so revisions never overwrite each
other.

fpdf2 is imported inside `render_pdf` only: importing this module stays cheap for the commands
that never print a PDF.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib.resources import as_file, files
from typing import TYPE_CHECKING, Literal

from salesflow.errors import InvalidValue
from salesflow.models import Account, Contact, Invoice, InvoiceStatus, Line, Quote
from salesflow.pipeline.money import ZERO, format_money, total

if TYPE_CHECKING:
    from fpdf import FPDF

DocumentKind = Literal["quote", "invoice"]
DocumentFormat = Literal["pdf", "html", "md"]
FORMATS: tuple[str, ...] = ("pdf", "html", "md")

CURRENCY_SYMBOLS: dict[str, str] = {"EUR": "€", "GBP": "£", "USD": "$"}

FONT_FAMILY = "DejaVu"
FONT_FILES: dict[str, str] = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
# An alias no customer types: fpdf2 replaces it with the page count in every text it prints.
_PAGE_COUNT_ALIAS = "{salesflow:pages}"


@dataclass(frozen=True)
class Seller:
    """Who sends the document: printed in its header and, for invoices, in the payment note."""

    company: str | None = None
    address: str | None = None
    email: str | None = None
    phone: str | None = None
    vat_number: str | None = None
    iban: str | None = None


@dataclass(frozen=True)
class DocumentView:
    """Everything one document shows: the quote or invoice, its seller and its customer."""

    kind: DocumentKind
    record: Quote | Invoice
    seller: Seller
    account: Account | None = None
    contact: Contact | None = None

    def __post_init__(self) -> None:
        expected = Quote if self.kind == "quote" else Invoice
        if self.kind not in ("quote", "invoice") or not isinstance(self.record, expected):
            raise TypeError(
                f"document kind {self.kind!r} does not match record {self.record.number} "
                f"(a {type(self.record).__name__})"
            )


def document_view(
    record: Quote | Invoice,
    seller: Seller,
    account: Account | None = None,
    contact: Contact | None = None,
) -> DocumentView:
    """The view of `record`, its kind taken from the record's type."""
    kind: DocumentKind = "quote" if isinstance(record, Quote) else "invoice"
    return DocumentView(kind=kind, record=record, seller=seller, account=account, contact=contact)


def default_filename(view: DocumentView, fmt: str) -> str:
    """`QUO-0001.pdf`, `QUO-0001-r2.pdf` (revisions after the first), `INV-2026-0001.html`.

    Raises InvalidValue for a format other than pdf, html or md.
    """
    if fmt not in FORMATS:
        raise InvalidValue(f"document format {fmt!r} is not supported; use pdf, html or md")
    stem = view.record.number
    if isinstance(view.record, Quote) and view.record.revision > 1:
        stem = f"{stem}-r{view.record.revision}"
    return f"{stem}.{fmt}"


# --- the facts every format shows ------------------------------------------------------------


@dataclass(frozen=True)
class _LineRow:
    line_no: str
    description: str
    quantity: str
    unit: str
    unit_price: str
    discount: str
    amount: str
    tax_rate: str


@dataclass(frozen=True)
class _TotalRow:
    label: str
    value: str
    strong: bool = False


@dataclass(frozen=True)
class _Facts:
    heading: str  # "Quote" / "Invoice"
    number: str
    seller_name: str | None
    seller_lines: tuple[str, ...]  # company first; never empty
    customer_lines: tuple[str, ...]  # account name first; never empty
    details: tuple[tuple[str, str], ...]
    lines: tuple[_LineRow, ...]
    totals: tuple[_TotalRow, ...]
    note: str | None
    currency: str
    date: date

    @property
    def title(self) -> str:
        return f"{self.heading} {self.number}"


def _present(text: str | None) -> str | None:
    """`text` without surrounding space, or None when nothing is left."""
    if text is None:
        return None
    stripped = text.strip()
    return stripped or None


def _number(value: Decimal) -> str:
    """A quantity or a rate without trailing zeros: `2`, `1.5`, `1,000`."""
    text = format(value.normalize(), ",f")
    return "0" if text in ("-0", "") else text


def _rate(value: Decimal) -> str:
    return f"{_number(value)}%"


def _money(value: Decimal, currency: str | None = None) -> str:
    if currency is None:
        return format_money(value)
    return f"{CURRENCY_SYMBOLS.get(currency, currency)} {format_money(value)}"


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _seller_lines(seller: Seller) -> tuple[str, ...]:
    company = _present(seller.company)
    lines: list[str] = [company] if company else []
    address = _present(seller.address)
    if address:
        lines.extend(part.strip() for part in address.splitlines() if part.strip())
    for label, value in (
        ("Email", seller.email),
        ("Phone", seller.phone),
        ("VAT number", seller.vat_number),
        ("IBAN", seller.iban),
    ):
        if present := _present(value):
            lines.append(f"{label}: {present}")
    return tuple(lines) or ("—",)


def _customer_lines(account: Account | None, contact: Contact | None) -> tuple[str, ...]:
    lines: list[str] = []
    if account is not None:
        lines.append(account.name)
        place = ", ".join(p for p in (_present(account.city), _present(account.country)) if p)
        if place:
            lines.append(place)
    email = _present(account.email) if account is not None else None
    if contact is not None:
        if _present(contact.name):
            lines.append(f"Attn. {contact.name}")
        email = _present(contact.email) or email
    if email:
        lines.append(f"Email: {email}")
    return tuple(lines) or ("—",)


def _line_row(line: Line) -> _LineRow:
    if line.discount_percent is not None and line.discount_percent != 0:
        discount = _rate(line.discount_percent)
    elif line.discount:
        discount = format_money(line.discount)
    else:
        discount = ""
    return _LineRow(
        line_no=str(line.line_no),
        description=line.description,
        quantity=_number(line.quantity),
        unit=line.unit or "",
        unit_price=format_money(line.unit_price),
        discount=discount,
        amount=format_money(line.amount + line.header_discount),
        tax_rate=_rate(line.tax_rate),
    )


def _tax_per_rate(lines: Sequence[Line]) -> list[tuple[Decimal, Decimal]]:
    """(rate, tax) for each tax rate on the lines, lowest rate first."""
    by_rate: dict[Decimal, list[Decimal]] = {}
    for line in lines:
        by_rate.setdefault(line.tax_rate.normalize(), []).append(line.tax)
    return [(rate, total(taxes)) for rate, taxes in sorted(by_rate.items())]


def _totals(record: Quote | Invoice) -> tuple[_TotalRow, ...]:
    rows: list[_TotalRow] = []
    if record.discount != ZERO:
        percent = getattr(record, "discount_percent", None)
        label = f"Discount ({_rate(percent)})" if percent else "Discount"
        rows.append(_TotalRow("Lines total", format_money(record.subtotal + record.discount)))
        rows.append(_TotalRow(label, format_money(-record.discount)))
    rows.append(_TotalRow("Subtotal", format_money(record.subtotal)))
    for rate, tax in _tax_per_rate(record.lines):
        rows.append(_TotalRow(f"VAT {_rate(rate)}", format_money(tax)))
    rows.append(_TotalRow("Total", _money(record.total, record.currency), strong=True))
    if isinstance(record, Invoice):
        rows.append(_TotalRow("Amount paid", format_money(record.amount_paid)))
        rows.append(_TotalRow("Balance due", _money(record.balance, record.currency), strong=True))
    return tuple(rows)


def _facts(view: DocumentView) -> _Facts:
    record = view.record
    details: list[tuple[str, str]] = []
    note: str | None
    if isinstance(record, Quote):
        heading = "Quote"
        details += [
            ("Number", record.number),
            ("Revision", str(record.revision)),
            ("Status", record.status.value),
            ("Created", record.created_on.isoformat()),
            ("Valid until", record.valid_until.isoformat()),
        ]
        document_date = record.created_on
        note = f"This quote is valid until {record.valid_until.isoformat()}."
    else:
        heading = "Invoice"
        details += [
            ("Number", record.number),
            ("Invoice date", record.invoice_date.isoformat()),
            ("Due date", record.due_date.isoformat()),
            ("Payment terms", _days(record.payment_terms)),
            ("Order", record.order),
        ]
        if record.status is InvoiceStatus.CANCELLED:
            details.append(("Status", record.status.value))
        document_date = record.invoice_date
        note = _payment_note(record, view.seller)
    details.append(("Currency", record.currency))
    return _Facts(
        heading=heading,
        number=record.number,
        seller_name=_present(view.seller.company),
        seller_lines=_seller_lines(view.seller),
        customer_lines=_customer_lines(view.account, view.contact),
        details=tuple(details),
        lines=tuple(_line_row(line) for line in record.lines),
        totals=_totals(record),
        note=note,
        currency=record.currency,
        date=document_date,
    )


def _payment_note(invoice: Invoice, seller: Seller) -> str | None:
    if invoice.status is InvoiceStatus.CANCELLED:
        return "This invoice is cancelled; nothing is due."
    if invoice.balance <= ZERO:
        return "Paid in full. Thank you."
    iban = _present(seller.iban)
    to_account = f" to IBAN {iban}" if iban else ""
    return (
        f"Please pay {_money(invoice.balance, invoice.currency)}{to_account} "
        f"by {invoice.due_date.isoformat()}, quoting {invoice.number}."
    )


LINE_HEADINGS = ("#", "Description", "Qty", "Unit", "Unit price", "Discount", "Amount", "VAT")
# Which line columns hold numbers (right-aligned in every format).
_NUMERIC = (True, False, True, False, True, True, True, True)


def _cells(row: _LineRow) -> tuple[str, ...]:
    return (
        row.line_no,
        row.description,
        row.quantity,
        row.unit,
        row.unit_price,
        row.discount,
        row.amount,
        row.tax_rate,
    )


# --- Markdown --------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = "\\`*_[]<>|~"


def _md(text: str) -> str:
    """`text` as literal Markdown inline text: specials backslash-escaped, one line."""
    escaped = "".join(f"\\{ch}" if ch in _MARKDOWN_SPECIAL else ch for ch in text)
    return " ".join(escaped.split())


def _md_table(
    headings: Sequence[str], numeric: Sequence[bool], rows: Iterable[Sequence[str]]
) -> str:
    out = ["| " + " | ".join(_md(h) for h in headings) + " |"]
    out.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    out += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows]
    return "\n".join(out)


def _md_block(title: str, lines: Sequence[str]) -> list[str]:
    # Two trailing spaces: a hard line break, so the block keeps its lines.
    return [f"**{title}**  ", *(f"{_md(line)}  " for line in lines), ""]


def render_markdown(view: DocumentView) -> str:
    """The document as Markdown (GitHub tables); user text is escaped so tables stay intact."""
    facts = _facts(view)
    out = [f"# {_md(facts.title)}", ""]
    out += _md_block("From", facts.seller_lines)
    out += _md_block("To", facts.customer_lines)
    out += [f"- **{label}:** {_md(value)}" for label, value in facts.details]
    out.append("")
    if facts.lines:
        out += [_md_table(LINE_HEADINGS, _NUMERIC, (_cells(r) for r in facts.lines)), ""]
    else:
        out += ["_No lines._", ""]
    totals = (
        (f"**{_md(t.label)}**", f"**{_md(t.value)}**") if t.strong else (_md(t.label), _md(t.value))
        for t in facts.totals
    )
    header = ["| | Amount |", "|---|---:|"]
    out += header + [f"| {label} | {value} |" for label, value in totals] + [""]
    if facts.note:
        out += [_md(facts.note), ""]
    return "\n".join(out)


# --- HTML ------------------------------------------------------------------------------------

_CSS = """
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: #222; margin: 2em auto;
       max-width: 60em; padding: 0 1em; font-size: 14px; }
h1 { font-size: 1.8em; margin: 0 0 0.8em; }
.parties { display: flex; gap: 3em; margin-bottom: 1.5em; }
.parties h2 { font-size: 0.85em; text-transform: uppercase; color: #666;
       margin: 0 0 0.3em; }
.parties p { margin: 0; line-height: 1.45; }
table { border-collapse: collapse; }
.parties td { padding: 0.1em 1.5em 0.1em 0; }
.lines { width: 100%; margin: 1.5em 0; }
.lines th, .lines td { border-bottom: 1px solid #ccc; padding: 0.35em 0.5em; vertical-align: top;
       text-align: left; }
.lines th { background: #f2f2f2; }
.num { text-align: right !important; white-space: nowrap; }
.totals { margin-left: auto; }
.totals td { padding: 0.2em 0.5em; }
.totals tr.strong td { font-weight: bold; border-top: 1px solid #222; }
.note { margin-top: 1.5em; }
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _html_lines(lines: Sequence[str]) -> str:
    return "<br>\n".join(_h(line) for line in lines)


def render_html(view: DocumentView) -> str:
    """The document as one standalone HTML page with inline CSS; every user text is escaped."""
    facts = _facts(view)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(facts.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_h(facts.title)}</h1>",
        '<div class="parties">',
        f'<section class="seller"><h2>From</h2><p>{_html_lines(facts.seller_lines)}</p></section>',
        f'<section class="customer"><h2>To</h2><p>{_html_lines(facts.customer_lines)}'
        "</p></section>",
        '<section class="details"><h2>Details</h2><table>',
        *(f"<tr><td>{_h(label)}</td><td>{_h(value)}</td></tr>" for label, value in facts.details),
        "</table></section>",
        "</div>",
    ]
    if facts.lines:
        parts.append('<table class="lines">')
        head = "".join(
            f'<th class="num">{_h(h)}</th>' if n else f"<th>{_h(h)}</th>"
            for h, n in zip(LINE_HEADINGS, _NUMERIC, strict=True)
        )
        parts.append(f"<thead><tr>{head}</tr></thead>")
        parts.append("<tbody>")
        for row in facts.lines:
            cells = "".join(
                f'<td class="num">{_h(c)}</td>' if n else f"<td>{_h(c)}</td>"
                for c, n in zip(_cells(row), _NUMERIC, strict=True)
            )
            parts.append(f"<tr>{cells}</tr>")
        parts.append("</tbody></table>")
    else:
        parts.append('<p class="lines">No lines.</p>')
    parts.append('<table class="totals">')
    for t in facts.totals:
        css = ' class="strong"' if t.strong else ""
        parts.append(f'<tr{css}><td>{_h(t.label)}</td><td class="num">{_h(t.value)}</td></tr>')
    parts.append("</table>")
    if facts.note:
        parts.append(f'<p class="note">{_h(facts.note)}</p>')
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


# --- PDF -------------------------------------------------------------------------------------

# A4 is 210 mm wide; 15 mm margins leave 180 mm, shared by the line columns below.
_MARGIN = 15.0
_LINE_WIDTHS = (8.0, 54.0, 18.0, 14.0, 26.0, 20.0, 28.0, 12.0)
_GREY = 100
_CELL_PADDING = (1.2, 1.0)  # top and bottom, left and right


def render_pdf(view: DocumentView) -> bytes:
    """The document as an A4 PDF in the shipped DejaVu Sans, so any European name prints.

    Long descriptions wrap inside their column; many lines flow onto more pages, each repeating
    the column headings and carrying a "page n of m" footer.
    """
    from fpdf import FPDF  # fpdf2 is slow to import; only PDF exports pay for it.

    facts = _facts(view)

    class _Document(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT_FAMILY, size=8)
            self.set_text_color(_GREY)
            footer = f"{facts.title} · page {self.page_no()} of {_PAGE_COUNT_ALIAS}"
            self.cell(0, 5, footer, align="C")

    fonts = files("salesflow") / "fonts"
    with ExitStack() as stack:
        pdf = _Document(orientation="portrait", unit="mm", format="A4")
        for style, name in FONT_FILES.items():
            path = stack.enter_context(as_file(fonts / name))
            pdf.add_font(FONT_FAMILY, style, path)
        _check_printable(view, facts, pdf.fonts[FONT_FAMILY.lower()].cmap)
        pdf.alias_nb_pages(_PAGE_COUNT_ALIAS)
        pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
        pdf.set_auto_page_break(auto=True, margin=18)
        # The document's own date, not the clock: the same record renders to the same bytes.
        pdf.set_creation_date(datetime(*facts.date.timetuple()[:3], tzinfo=UTC))
        pdf.set_title(facts.title)
        pdf.set_subject(facts.title)
        if facts.seller_name:
            pdf.set_author(facts.seller_name)
        pdf.set_creator("salesflow")
        pdf.add_page()
        _pdf_header(pdf, facts)
        _pdf_lines(pdf, facts)
        _pdf_totals(pdf, facts)
        return bytes(pdf.output())


_RIGHT_TO_LEFT = frozenset({"R", "AL", "RLE", "RLO", "RLI"})


def _labelled_texts(facts: _Facts) -> list[tuple[str, str]]:
    """Every text a document prints, with where it stands (for a refusal to point at)."""
    texts = [("seller", line) for line in facts.seller_lines]
    texts += [("customer", line) for line in facts.customer_lines]
    texts += [(label, value) for label, value in facts.details]
    texts += [(f"line {row.line_no}", text) for row in facts.lines for text in _cells(row)]
    texts += [(row.label, row.value) for row in facts.totals]
    if facts.note:
        texts.append(("note", facts.note))
    return texts


def _check_printable(view: DocumentView, facts: _Facts, glyphs: Mapping[int, object]) -> None:
    """Refuse text the PDF would lose: characters the shipped font has no glyph for, and
    right-to-left scripts, which need text shaping fpdf2 only has with a library we don't ship.

    Raises InvalidValue naming the characters and where they stand.
    """
    who = f"{view.kind} {view.record.number}"
    for where, text in _labelled_texts(facts):
        for char in text:
            if unicodedata.bidirectional(char) in _RIGHT_TO_LEFT:
                raise InvalidValue(
                    f"{who}: right-to-left text cannot be laid out in a PDF yet: "
                    f"{_char(char)} in {where} {text!r}; export as html or md"
                )
        missing = [
            char
            for char in dict.fromkeys(text)
            if ord(char) not in glyphs and unicodedata.category(char)[0] not in "CZ"
        ]
        if missing:
            raise InvalidValue(
                f"{who}: the PDF font has no glyph for {', '.join(map(_char, missing))} in "
                f"{where} {text!r}; export as html or md, or write the text in another script"
            )


def _char(char: str) -> str:
    return f"{char!r} (U+{ord(char):04X})"


def _pdf_block(pdf: FPDF, x: float, width: float, title: str, lines: Sequence[str]) -> float:
    """A titled block of lines at `x`, from the current y; returns the y below it."""
    pdf.set_x(x)
    pdf.set_font(FONT_FAMILY, "B", 8)
    pdf.set_text_color(_GREY)
    pdf.cell(width, 5, title.upper(), new_x="LEFT", new_y="NEXT")
    pdf.set_text_color(0)
    for index, line in enumerate(lines):
        pdf.set_x(x)
        pdf.set_font(FONT_FAMILY, "B" if index == 0 else "", 10)
        pdf.multi_cell(width, 5, line, align="L", new_x="LEFT", new_y="NEXT")
    return pdf.get_y()


def _pdf_header(pdf: FPDF, facts: _Facts) -> None:
    """Title, then three columns side by side: seller, customer, document details."""
    pdf.set_font(FONT_FAMILY, "B", 20)
    pdf.multi_cell(pdf.epw, 10, facts.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    gap = 6.0
    width = (pdf.epw - 2 * gap) / 3
    top = pdf.get_y()
    bottoms = [_pdf_block(pdf, _MARGIN, width, "From", facts.seller_lines)]
    pdf.set_y(top)
    x = _MARGIN + width + gap
    bottoms.append(_pdf_block(pdf, x, width, "To", facts.customer_lines))
    pdf.set_y(top)
    bottoms.append(_pdf_details(pdf, x + width + gap, width, facts.details))
    pdf.set_y(max(bottoms) + 6)


def _pdf_details(pdf: FPDF, x: float, width: float, details: Sequence[tuple[str, str]]) -> float:
    label_width = 25.0
    pdf.set_x(x)
    pdf.set_font(FONT_FAMILY, "B", 8)
    pdf.set_text_color(_GREY)
    pdf.cell(width, 5, "DETAILS", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, "", 9)
    for label, value in details:
        pdf.set_x(x)
        pdf.set_text_color(_GREY)
        pdf.cell(label_width, 5, label, new_x="RIGHT", new_y="TOP")
        pdf.set_text_color(0)
        pdf.multi_cell(width - label_width, 5, value, align="L", new_x="LEFT", new_y="NEXT")
    return pdf.get_y()


def _pdf_lines(pdf: FPDF, facts: _Facts) -> None:
    from fpdf.fonts import FontFace

    pdf.set_font(FONT_FAMILY, "", 9)
    if not facts.lines:
        pdf.cell(0, 6, "No lines.", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        return
    with pdf.table(
        col_widths=_LINE_WIDTHS,
        width=sum(_LINE_WIDTHS),
        text_align=tuple("RIGHT" if n else "LEFT" for n in _NUMERIC),
        headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
        borders_layout="HORIZONTAL_LINES",
        line_height=4.6,
        padding=_CELL_PADDING,
        v_align="TOP",
        repeat_headings=1,
    ) as table:
        table.row(LINE_HEADINGS)
        for row in facts.lines:
            cells = _cells(row)
            for number, part in enumerate(_description_parts(pdf, cells[1])):
                table.row((*cells[:1], part, *cells[2:]) if number == 0 else ("", part))
    pdf.ln(4)


# A table row never breaks across pages: a description longer than this many lines continues
# in the rows below it, which can start a new page.
_MAX_ROW_LINES = 30


def _description_parts(pdf: FPDF, text: str) -> list[str]:
    """`text` cut into pieces of at most `_MAX_ROW_LINES` wrapped lines of its column."""
    width = _LINE_WIDTHS[1] - 2 * _CELL_PADDING[1]
    lines = pdf.multi_cell(width, 4.6, text, dry_run=True, output="LINES")
    if len(lines) <= _MAX_ROW_LINES:
        return [text]
    return [
        "\n".join(lines[start : start + _MAX_ROW_LINES])
        for start in range(0, len(lines), _MAX_ROW_LINES)
    ]


def _pdf_totals(pdf: FPDF, facts: _Facts) -> None:
    label_width, value_width, height = 45.0, 40.0, 6.0
    x = _MARGIN + pdf.epw - label_width - value_width
    note_lines: list[str] = []
    if facts.note:
        pdf.set_font(FONT_FAMILY, "", 9)
        note_lines = pdf.multi_cell(pdf.epw, 5, facts.note, dry_run=True, output="LINES")
    needed = height * len(facts.totals) + (6 + 5 * len(note_lines) if note_lines else 0)
    if pdf.get_y() + needed > pdf.page_break_trigger:
        pdf.add_page()  # the totals and the note stay together on one page
    for row in facts.totals:
        pdf.set_x(x)
        pdf.set_font(FONT_FAMILY, "B" if row.strong else "", 10)
        border = "T" if row.strong else 0
        pdf.cell(label_width, height, row.label, border=border, new_x="RIGHT", new_y="TOP")
        pdf.cell(
            value_width, height, row.value, border=border, align="R", new_x="LMARGIN", new_y="NEXT"
        )
    if facts.note:
        pdf.ln(6)
        pdf.set_font(FONT_FAMILY, "", 9)
        pdf.multi_cell(pdf.epw, 5, facts.note, align="L", new_x="LMARGIN", new_y="NEXT")
