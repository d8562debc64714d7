"""Markdown and HTML documents: the same facts and language as the PDF, every user text escaped."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from salesflow.documents.facts import NUMERIC, DocumentView, Facts, LineRow, gather

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


def _md_cells(row: LineRow) -> tuple[str, ...]:
    cells = row.cells()
    if row.details:
        return (cells[0], f"{row.description} — {row.details}", *cells[2:])
    return cells


def render_markdown(view: DocumentView) -> str:
    """The document as Markdown (GitHub tables); user text is escaped so tables stay intact."""
    facts = gather(view)
    out = [f"# {_md(facts.title)}", ""]
    if facts.mark:
        out += [f"**{_md(facts.mark)}**", ""]
    if facts.subject:
        out += [f"## {_md(facts.subject)}", ""]
    out += _md_block(facts.labels["from"], facts.seller_lines)
    out += _md_block(facts.labels["to"], facts.customer_lines)
    out += [f"- **{_md(label)}:** {_md(value)}" for label, value in facts.details]
    out.append("")
    if facts.intro:
        out += [_md(facts.intro), ""]
    if facts.lines:
        out += [_md_table(facts.headings, NUMERIC, (_md_cells(r) for r in facts.lines)), ""]
    else:
        out += [f"_{_md(facts.no_lines)}_", ""]
    totals = (
        (f"**{_md(t.label)}**", f"**{_md(t.value)}**") if t.strong else (_md(t.label), _md(t.value))
        for t in facts.totals
    )
    header = ["| | |", "|---|---:|"]
    out += header + [f"| {label} | {value} |" for label, value in totals] + [""]
    out += [_md(text) + "\n" for text in (facts.vat_note, facts.note) if text]
    if facts.terms:
        heading, text = facts.terms
        out += [f"**{_md(heading)}**  ", *(f"{_md(line)}  " for line in text.splitlines()), ""]
    if facts.acceptance:
        heading, fields = facts.acceptance
        out += [f"**{_md(heading)}**", "", *(f"- {_md(name)}: ____________" for name in fields)]
        out.append("")
    if facts.footer:
        out += ["---", "", _md(facts.footer), ""]
    return "\n".join(out)


# --- HTML ------------------------------------------------------------------------------------

_CSS = """
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: #222; margin: 2em auto;
       max-width: 60em; padding: 0 1em; font-size: 14px; }
h1 { font-size: 1.8em; margin: 0 0 0.3em; }
h2.subject { font-size: 1.2em; margin: 0 0 0.8em; font-weight: normal; }
.mark { color: #b00; font-weight: bold; border: 2px solid #b00; display: inline-block;
       padding: 0.2em 0.6em; }
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
.lines small { color: #555; }
.num { text-align: right !important; white-space: nowrap; }
.totals { margin-left: auto; }
.totals td { padding: 0.2em 0.5em; }
.totals tr.strong td { font-weight: bold; border-top: 1px solid #222; }
.note, .terms, .acceptance { margin-top: 1.5em; }
.terms p { white-space: pre-line; }
.acceptance td { padding: 0.6em 1em 0.6em 0; min-width: 12em; border-bottom: 1px solid #999; }
footer { margin-top: 2em; color: #666; font-size: 0.85em; text-align: center; }
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _html_lines(lines: Sequence[str]) -> str:
    return "<br>\n".join(_h(line) for line in lines)


def _html_cell(index: int, row: LineRow) -> str:
    text = _h(row.cells()[index])
    if index == 1 and row.details:
        text += f"<br><small>{_html_lines(row.details.splitlines())}</small>"
    return f'<td class="num">{text}</td>' if NUMERIC[index] else f"<td>{text}</td>"


def _html_parties(facts: Facts) -> list[str]:
    return [
        '<div class="parties">',
        f'<section class="seller"><h2>{_h(facts.labels["from"])}</h2>'
        f"<p>{_html_lines(facts.seller_lines)}</p></section>",
        f'<section class="customer"><h2>{_h(facts.labels["to"])}</h2>'
        f"<p>{_html_lines(facts.customer_lines)}</p></section>",
        f'<section class="details"><h2>{_h(facts.labels["details"])}</h2><table>',
        *(f"<tr><td>{_h(label)}</td><td>{_h(value)}</td></tr>" for label, value in facts.details),
        "</table></section>",
        "</div>",
    ]


def render_html(view: DocumentView) -> str:
    """The document as one standalone HTML page with inline CSS; every user text is escaped."""
    facts = gather(view)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{facts.lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(facts.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_h(facts.title)}</h1>",
    ]
    if facts.mark:
        parts.append(f'<p class="mark">{_h(facts.mark)}</p>')
    if facts.subject:
        parts.append(f'<h2 class="subject">{_h(facts.subject)}</h2>')
    parts += _html_parties(facts)
    if facts.intro:
        parts.append(f'<p class="intro">{_h(facts.intro)}</p>')
    if facts.lines:
        parts.append('<table class="lines">')
        head = "".join(
            f'<th class="num">{_h(h)}</th>' if n else f"<th>{_h(h)}</th>"
            for h, n in zip(facts.headings, NUMERIC, strict=True)
        )
        parts.append(f"<thead><tr>{head}</tr></thead>")
        parts.append("<tbody>")
        for row in facts.lines:
            parts.append(f"<tr>{''.join(_html_cell(i, row) for i in range(len(NUMERIC)))}</tr>")
        parts.append("</tbody></table>")
    else:
        parts.append(f'<p class="lines">{_h(facts.no_lines)}</p>')
    parts.append('<table class="totals">')
    for t in facts.totals:
        css = ' class="strong"' if t.strong else ""
        parts.append(f'<tr{css}><td>{_h(t.label)}</td><td class="num">{_h(t.value)}</td></tr>')
    parts.append("</table>")
    parts += [f'<p class="note">{_h(text)}</p>' for text in (facts.vat_note, facts.note) if text]
    if facts.terms:
        heading, text = facts.terms
        parts.append(f'<section class="terms"><h3>{_h(heading)}</h3><p>{_h(text)}</p></section>')
    if facts.acceptance:
        heading, fields = facts.acceptance
        rows = "".join(f"<tr><td>{_h(name)}</td><td></td></tr>" for name in fields)
        parts.append(
            f'<section class="acceptance"><h3>{_h(heading)}</h3><table>{rows}</table></section>'
        )
    if facts.footer:
        parts.append(f"<footer>{_h(facts.footer)}</footer>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)
