"""The PDF document: A4 in the shipped DejaVu Sans, the logo, the lines, the payment QR code.

fpdf2, segno and Babel are imported inside `render_pdf` only: importing this module stays cheap
for the commands that never print a PDF.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from datetime import UTC, datetime
from importlib.resources import as_file, files
from typing import TYPE_CHECKING, Literal, cast

from salesflow.documents.facts import NUMERIC, DocumentView, Facts, gather
from salesflow.errors import InvalidValue

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_FAMILY = "DejaVu"
FONT_FILES: dict[str, str] = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
# An alias no customer types: fpdf2 replaces it with the page count in every text it prints.
# Short, so that text centred around it (the footer) is still centred once it is replaced; a
# document whose own text holds it uses the long one, which no customer types.
_PAGE_COUNT_ALIAS = "{#}"
_LONG_PAGE_COUNT_ALIAS = "{salesflow:pages}"

# A4 is 210 mm wide; 15 mm margins leave 180 mm, shared by the line columns below.
_MARGIN = 15.0
_LINE_WIDTHS = (9.0, 54.0, 15.0, 17.0, 24.0, 18.0, 28.0, 15.0)
_GREY = 100
_MARK_RED = (176, 0, 0)
_CELL_PADDING = (1.2, 1.0)  # top and bottom, left and right
_LINE_HEIGHT = 4.6
# A table row never breaks across pages: a description longer than this many lines continues
# in the rows below it, which can start a new page.
_MAX_ROW_LINES = 30
_LOGO_BOX = (50.0, 20.0)  # width, height in mm; the logo keeps its proportions inside
_QR_SIZE = 30.0
_BOTTOM_MARGIN = 20.0


def render_pdf(view: DocumentView) -> bytes:
    """The document as an A4 PDF in the shipped DejaVu Sans.

    Long descriptions wrap inside their column (and continue on the next page); many lines flow
    onto more pages, each repeating the column headings and carrying a "page n of m" footer.
    Raises InvalidValue for text the font cannot print (see `_check_printable`) and for a logo
    that is no image.
    """
    from fpdf import FPDF  # fpdf2 is slow to import; only PDF exports pay for it.

    facts = gather(view)
    alias = _PAGE_COUNT_ALIAS
    if any(alias in text for _, text in _labelled_texts(facts)):
        alias = _LONG_PAGE_COUNT_ALIAS
    page_label = facts.page.replace("{pages}", alias)

    class _Document(FPDF):
        def footer(self) -> None:
            self.set_y(-14 if facts.footer else -12)
            self.set_font(FONT_FAMILY, size=8)
            self.set_text_color(_GREY)
            if facts.footer:
                self.cell(0, 4, facts.footer, align="C", new_x="LMARGIN", new_y="NEXT")
            page = page_label.replace("{page}", str(self.page_no()))
            self.cell(0, 5, f"{facts.title} · {page}", align="C")

    fonts = files("salesflow") / "fonts"
    with ExitStack() as stack:
        pdf = _Document(orientation="portrait", unit="mm", format="A4")
        for style, name in FONT_FILES.items():
            path = stack.enter_context(as_file(fonts / name))
            pdf.add_font(FONT_FAMILY, style, path)
        _check_printable(view, facts, getattr(pdf.fonts[FONT_FAMILY.lower()], "cmap", {}))
        pdf.alias_nb_pages(alias)
        pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
        pdf.set_auto_page_break(auto=True, margin=_BOTTOM_MARGIN)
        # The document's own date, not the clock: the same record renders to the same bytes.
        pdf.set_creation_date(datetime(*facts.date.timetuple()[:3], tzinfo=UTC))
        pdf.set_title(facts.title)
        pdf.set_subject(facts.subject or facts.title)
        pdf.set_lang(facts.lang)
        if facts.seller_name:
            pdf.set_author(facts.seller_name)
        pdf.set_creator("salesflow")
        pdf.add_page()
        _pdf_logo(pdf, view)
        _pdf_header(pdf, facts)
        _pdf_lines(pdf, facts)
        _pdf_totals(pdf, facts)
        _pdf_closing(pdf, facts)
        return bytes(pdf.output())


# --- text the PDF cannot lose ----------------------------------------------------------------

_RIGHT_TO_LEFT = frozenset({"R", "AL", "RLE", "RLO", "RLI"})


def _labelled_texts(facts: Facts) -> list[tuple[str, str]]:
    """Every text a document prints, with where it stands (for a refusal to point at)."""
    texts = [("title", facts.subject or "")]
    texts += [("seller", line) for line in facts.seller_lines]
    texts += [("customer", line) for line in facts.customer_lines]
    texts += [(label, value) for label, value in facts.details]
    for row in facts.lines:
        texts += [(f"line {row.position}", text) for text in (*row.cells(), row.details or "")]
    texts += [(row.label, row.value) for row in facts.totals]
    texts += [
        (where, text or "")
        for where, text in (
            ("note", facts.note),
            ("terms", facts.terms[1] if facts.terms else None),
            ("footer", facts.footer),
        )
    ]
    return texts


def _check_printable(view: DocumentView, facts: Facts, glyphs: Mapping[int, object]) -> None:
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


# --- the page --------------------------------------------------------------------------------


def _pdf_logo(pdf: FPDF, view: DocumentView) -> None:
    """The seller's logo in the top right corner, scaled into its box, never distorted."""
    if not view.seller.logo:
        return
    width, height = _LOGO_BOX
    try:
        pdf.image(
            io.BytesIO(view.seller.logo),
            x=pdf.w - _MARGIN - width,
            y=_MARGIN,
            w=width,
            h=height,
            keep_aspect_ratio=True,
        )
    except Exception as error:  # fpdf2 and Pillow raise many kinds for a damaged image
        raise InvalidValue(
            f"{view.kind} {view.record.number}: the logo cannot be read as an image ({error}); "
            "set another with `salesflow config set logo FILE`"
        ) from None


def _pdf_block(pdf: FPDF, x: float, width: float, title: str, lines: Sequence[str]) -> float:
    """A titled block of lines at `x`, from the current y; returns the y below it."""
    pdf.set_x(x)
    pdf.set_font(FONT_FAMILY, "B", 8)
    pdf.set_text_color(_GREY)
    pdf.cell(width, 5, title.upper(), new_x="LEFT", new_y="NEXT")
    pdf.set_text_color(0)
    for index, line in enumerate(lines):
        pdf.set_x(x)
        pdf.set_font(FONT_FAMILY, "B" if index == 0 else "", 9)
        pdf.multi_cell(width, 4.6, line, align="L", new_x="LEFT", new_y="NEXT")
    return pdf.get_y()


def _pdf_header(pdf: FPDF, facts: Facts) -> None:
    """Title, the deal's name and any mark, then three columns: seller, customer, details."""
    text_width = pdf.epw - _LOGO_BOX[0] - 5
    pdf.set_font(FONT_FAMILY, "B", 20)
    pdf.multi_cell(text_width, 10, facts.title, align="L", new_x="LMARGIN", new_y="NEXT")
    if facts.subject:
        pdf.set_font(FONT_FAMILY, "", 12)
        pdf.multi_cell(text_width, 6, facts.subject, align="L", new_x="LMARGIN", new_y="NEXT")
    if facts.mark:
        pdf.ln(1)
        pdf.set_font(FONT_FAMILY, "B", 11)
        pdf.set_text_color(*_MARK_RED)
        pdf.set_draw_color(*_MARK_RED)
        pdf.cell(
            pdf.get_string_width(facts.mark) + 6, 7, facts.mark, border=1, align="C", new_y="NEXT"
        )
        pdf.set_text_color(0)
        pdf.set_draw_color(0)
        pdf.set_x(_MARGIN)
    pdf.set_y(max(pdf.get_y(), _MARGIN + _LOGO_BOX[1]) + 4)
    gap, details_width = 5.0, 62.0
    width = (pdf.epw - 2 * gap - details_width) / 2
    top = pdf.get_y()
    bottoms = [_pdf_block(pdf, _MARGIN, width, facts.labels["from"], facts.seller_lines)]
    pdf.set_y(top)
    x = _MARGIN + width + gap
    bottoms.append(_pdf_block(pdf, x, width, facts.labels["to"], facts.customer_lines))
    pdf.set_y(top)
    bottoms.append(_pdf_details(pdf, x + width + gap, details_width, facts))
    pdf.set_y(max(bottoms) + 5)
    if facts.intro:
        pdf.set_font(FONT_FAMILY, "", 9)
        pdf.multi_cell(pdf.epw, 5, facts.intro, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)


def _pdf_details(pdf: FPDF, x: float, width: float, facts: Facts) -> float:
    label_width = 31.0
    pdf.set_x(x)
    pdf.set_font(FONT_FAMILY, "B", 8)
    pdf.set_text_color(_GREY)
    pdf.cell(width, 5, facts.labels["details"].upper(), new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT_FAMILY, "", 8)
    for label, value in facts.details:
        pdf.set_x(x)
        pdf.set_text_color(_GREY)
        top = pdf.get_y()
        pdf.multi_cell(label_width, 4.4, label, align="L", new_x="RIGHT", new_y="TOP")
        label_bottom = pdf.get_y() if pdf.get_y() > top else top + 4.4
        pdf.set_xy(x + label_width, top)
        pdf.set_text_color(0)
        pdf.multi_cell(width - label_width, 4.4, value, align="L", new_x="LEFT", new_y="NEXT")
        pdf.set_y(max(pdf.get_y(), label_bottom))
    return pdf.get_y()


def _wrapped(pdf: FPDF, text: str, width: float) -> list[str]:
    """`text` as the lines it takes in a column `width` wide (its cell padding included)."""
    if "\n" not in text and pdf.get_string_width(text) <= width - 2 * pdf.c_margin:
        return [text]
    return _dry_lines(pdf, width, _LINE_HEIGHT, text)


def _dry_lines(pdf: FPDF, width: float, height: float, text: str) -> list[str]:
    """The lines `text` wraps into in a cell `width` wide, without printing it."""
    lines = pdf.multi_cell(width, height, text, dry_run=True, output="LINES")
    return [str(line) for line in cast("list[str]", lines)]


def _pdf_row(pdf: FPDF, cells: Sequence[Sequence[str]], *, heading: bool = False) -> None:
    """One table row of wrapped cells, its text drawn line by line across the columns (so a
    reader extracts it row by row), and a rule below it."""
    top_pad = _CELL_PADDING[0]
    count = max(len(lines) for lines in cells)
    height = count * _LINE_HEIGHT + 2 * top_pad
    top = pdf.get_y()
    if heading:
        pdf.set_fill_color(235, 235, 235)
        pdf.rect(_MARGIN, top, sum(_LINE_WIDTHS), height, style="F")
    # `text` places a string without cell() layout, several times cheaper; the baseline sits
    # where cell() would put it.
    rise = _LINE_HEIGHT / 2 + 0.3 * pdf.font_size
    for index in range(count):
        x = _MARGIN
        for lines, width, numeric in zip(cells, _LINE_WIDTHS, NUMERIC, strict=True):
            if index < len(lines) and lines[index]:
                text = lines[index]
                left = x + pdf.c_margin
                if numeric:
                    left = x + width - pdf.c_margin - pdf.get_string_width(text)
                pdf.text(left, top + top_pad + index * _LINE_HEIGHT + rise, text)
            x += width
    pdf.line(_MARGIN, top + height, _MARGIN + sum(_LINE_WIDTHS), top + height)
    pdf.set_xy(_MARGIN, top + height)


def _pdf_lines(pdf: FPDF, facts: Facts) -> None:
    """The lines as a table whose headings repeat on every page. A row never breaks across
    pages, but a description longer than `_MAX_ROW_LINES` lines continues in the rows below it.

    Drawn cell by cell rather than with fpdf2's table, which lays out every cell twice: five
    pages of lines take a fraction of the time."""
    pdf.set_font(FONT_FAMILY, "", 8.5)
    if not facts.lines:
        pdf.cell(0, 6, facts.no_lines, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        return
    pdf.set_draw_color(160)
    pdf.set_line_width(0.2)
    pdf.set_auto_page_break(False, margin=_BOTTOM_MARGIN)  # rows break pages themselves
    pdf.set_font(FONT_FAMILY, "B", 8.5)
    headings = [
        _wrapped(pdf, text, width) for text, width in zip(facts.headings, _LINE_WIDTHS, strict=True)
    ]

    def draw_headings() -> None:
        pdf.set_font(FONT_FAMILY, "B", 8.5)
        _pdf_row(pdf, headings, heading=True)
        pdf.set_font(FONT_FAMILY, "", 8.5)

    draw_headings()
    for row in facts.lines:
        cells = list(row.cells())
        cells[1] = f"{row.description}\n{row.details}" if row.details else row.description
        wrapped = [
            _wrapped(pdf, text, width) for text, width in zip(cells, _LINE_WIDTHS, strict=True)
        ]
        description = wrapped[1]
        for start in range(0, len(description), _MAX_ROW_LINES):
            part = [lines if start == 0 else [] for lines in wrapped]
            part[1] = description[start : start + _MAX_ROW_LINES]
            height = max(len(lines) for lines in part) * _LINE_HEIGHT + 2 * _CELL_PADDING[0]
            if pdf.get_y() + height > pdf.page_break_trigger:
                pdf.add_page()
                draw_headings()
            _pdf_row(pdf, part)
    pdf.set_draw_color(0)
    pdf.set_auto_page_break(True, margin=_BOTTOM_MARGIN)
    pdf.ln(4)


def _note_height(pdf: FPDF, text: str | None, width: float) -> float:
    if not text:
        return 0.0
    pdf.set_font(FONT_FAMILY, "", 9)
    return 5.0 * len(_dry_lines(pdf, width, 5, text)) + 3


def _pdf_totals(pdf: FPDF, facts: Facts) -> None:
    """The totals, the VAT mention, the note and the QR code, kept together on one page."""
    label_width, value_width, height = 60.0, 35.0, 6.0
    x = _MARGIN + pdf.epw - label_width - value_width
    note_width = pdf.epw - (_QR_SIZE + 5 if facts.qr else 0)
    notes = [text for text in (facts.vat_note, facts.note) if text]
    notes_height = sum(_note_height(pdf, text, note_width) for text in notes)
    needed = height * len(facts.totals) + 6 + max(notes_height, _QR_SIZE + 6 if facts.qr else 0)
    if pdf.get_y() + needed > pdf.page_break_trigger:
        pdf.add_page()
    for row in facts.totals:
        pdf.set_x(x)
        pdf.set_font(FONT_FAMILY, "B" if row.strong else "", 9.5)
        border: Literal[0] | str = "T" if row.strong else 0
        pdf.cell(label_width, height, row.label, border=border, new_x="RIGHT", new_y="TOP")
        pdf.cell(
            value_width, height, row.value, border=border, align="R", new_x="LMARGIN", new_y="NEXT"
        )
    pdf.ln(5)
    top = pdf.get_y()
    pdf.set_font(FONT_FAMILY, "", 9)
    for text in notes:
        pdf.multi_cell(note_width, 5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    if facts.qr:
        bottom = _pdf_qr(pdf, facts, top)
        pdf.set_y(max(pdf.get_y(), bottom))


def _pdf_qr(pdf: FPDF, facts: Facts, top: float) -> float:
    """The EPC QR code at the right of the notes (error correction M, as EPC069-12 asks)."""
    import segno

    assert facts.qr is not None
    image = io.BytesIO()
    segno.make(facts.qr, error="m", boost_error=False, micro=False).save(
        image, kind="png", scale=4, border=2
    )
    x = _MARGIN + pdf.epw - _QR_SIZE
    pdf.image(image, x=x, y=top, w=_QR_SIZE, h=_QR_SIZE)
    pdf.set_xy(x, top + _QR_SIZE)
    pdf.set_font(FONT_FAMILY, "", 7)
    pdf.set_text_color(_GREY)
    pdf.cell(_QR_SIZE, 4, facts.qr_label, align="C")
    pdf.set_text_color(0)
    pdf.set_x(_MARGIN)
    return top + _QR_SIZE + 6


def _pdf_closing(pdf: FPDF, facts: Facts) -> None:
    """A quote's terms and its acceptance block (name, date, signature lines)."""
    if facts.terms:
        heading, text = facts.terms
        pdf.set_font(FONT_FAMILY, "", 8)
        lines = _dry_lines(pdf, pdf.epw, 4.2, text)
        if pdf.get_y() + 8 + 4.2 * min(len(lines), 4) > pdf.page_break_trigger:
            pdf.add_page()  # the heading stays with the start of its text
        pdf.ln(2)
        pdf.set_font(FONT_FAMILY, "B", 9)
        pdf.cell(0, 6, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT_FAMILY, "", 8)
        pdf.multi_cell(pdf.epw, 4.2, text, align="L", new_x="LMARGIN", new_y="NEXT")
    if facts.acceptance:
        heading, fields = facts.acceptance
        block = 8 + 11 * len(fields)
        if pdf.get_y() + block > pdf.page_break_trigger:
            pdf.add_page()
        pdf.ln(4)
        pdf.set_font(FONT_FAMILY, "B", 9)
        pdf.cell(0, 6, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT_FAMILY, "", 9)
        for name in fields:
            pdf.ln(4)
            pdf.cell(30, 7, name, new_x="RIGHT", new_y="TOP")
            pdf.cell(70, 7, "", border="B", new_x="LMARGIN", new_y="NEXT")
