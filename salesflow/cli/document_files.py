"""Where `quote export|send` and `invoice export|send` put a document: their shared options,
the output file's checks, and the rendering into it (`salesflow.documents` renders)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from salesflow.cli import common

if TYPE_CHECKING:
    from salesflow.documents import DocumentView
    from salesflow.services.documents import Draft

Lang = Annotated[
    str | None,
    typer.Option(
        "--lang", help="nl, en, de or fr; default the customer's language, else the settings."
    ),
]
To = Annotated[
    list[str],
    typer.Option(
        "--to", help="Recipient's email (repeat for more).", show_default=False, metavar="EMAIL"
    ),
]
Cc = Annotated[
    list[str] | None,
    typer.Option("--cc", help="Copy to this email (repeatable).", metavar="EMAIL"),
]
EmlOutput = Annotated[
    str | None,
    typer.Option("--output", "-o", help="The .eml file to write (default QUO-0001.eml here)."),
]


def output_path(view: DocumentView, output: str | None, force: bool, fmt: str) -> Path:
    """The file a document goes to: `output`, else its default name here; refused when it is a
    directory, its directory is missing, or it exists (unless `force`)."""
    from salesflow.documents import default_filename
    from salesflow.errors import InvalidValue, Refused

    number = view.record.number
    path = Path(output) if output else Path(default_filename(view, fmt))
    if path.is_dir():
        raise InvalidValue(f"{view.kind} {number}: output {path} is a directory; give a file name")
    if not path.parent.is_dir():
        raise InvalidValue(
            f"{view.kind} {number}: cannot write {path}; directory {path.parent} does not exist"
        )
    common.refuse_data_files(path, f"{view.kind} {number}: output")
    if path.exists() and not force:
        raise Refused(
            f"{view.kind} {number}: file {path} already exists; use --force to overwrite it"
        )
    return path


def write_document(view: DocumentView, fmt: str, output: str | None, force: bool) -> None:
    """Render `view` as `fmt` into `output` (default name in the current directory, `-` stdout).

    An existing file is kept unless `force`; new files are readable by their owner only.
    Prints the path written on stdout.
    """
    path = save_document(view, fmt, output, force)
    if path is not None:
        sys.stdout.write(f"{path}\n")


def save_document(view: DocumentView, fmt: str, output: str | None, force: bool) -> Path | None:
    """`write_document` without printing the path: the path written, None for stdout."""
    from salesflow.documents import FORMATS, render_html, render_markdown, render_pdf
    from salesflow.errors import UsageError
    from salesflow.pipeline.fields import choice

    kind = choice(fmt, FORMATS, "format")
    number = view.record.number
    if output is not None and output.strip() == "-":
        if kind == "pdf":
            raise UsageError(
                f"{view.kind} {number}: a PDF cannot be written to stdout (--output -); "
                "give --output FILE, or use --format html or md"
            )
        sys.stdout.write(render_markdown(view) if kind == "md" else render_html(view))
        return None
    path = output_path(view, output, force, kind)
    if kind == "pdf":
        data = render_pdf(view)
    else:
        data = (render_markdown(view) if kind == "md" else render_html(view)).encode("utf-8")
    common.write_output(path, data, f"{view.kind} {number}: ")
    return path


def write_draft(draft: Draft, output: str | None, force: bool) -> Path:
    """Write an e-mail draft to `output` (default `QUO-0001.eml` here) with the checks of
    `output_path`; returns the file written."""
    from salesflow.store import atomic_write_bytes

    path = output_path(draft.view, output or draft.default_name, force, "pdf")
    atomic_write_bytes(path, draft.message)
    return path
