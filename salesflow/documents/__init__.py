"""Customer documents for quotes and invoices: Markdown, HTML, PDF, and the e-mail that sends one.

Pure rendering: every function takes a `DocumentView` and returns `str`, `bytes` or an
`EmailMessage`. Nothing here writes files or reads the clock (the PDF's creation date is the
document's own date, so the same record always renders to the same bytes); the shell picks the
seller, the records, the language and the output path.

- `facts` gathers once what every format shows, in the document's language (`labels`), with
  numbers, money and dates formatted by Babel for that language's locale;
- `text` renders Markdown and HTML, `pdf` the PDF (fpdf2, segno and Babel are imported only when
  a document is made: importing this package stays cheap);
- `mail` wraps a PDF in a MIME draft with a subject and body from the language's template.
"""

from __future__ import annotations

from salesflow.documents.facts import (
    FORMATS,
    DocumentKind,
    DocumentView,
    Seller,
    default_filename,
    document_view,
)
from salesflow.documents.labels import LANGUAGES
from salesflow.documents.mail import draft_email
from salesflow.documents.pdf import render_pdf
from salesflow.documents.text import render_html, render_markdown

__all__ = [
    "FORMATS",
    "LANGUAGES",
    "DocumentKind",
    "DocumentView",
    "Seller",
    "default_filename",
    "document_view",
    "draft_email",
    "render_html",
    "render_markdown",
    "render_pdf",
]
