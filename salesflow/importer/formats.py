"""What a file to import is, told by its content (the extension only breaks a tie), and the
reader for it: delimited text, vCards or a workbook. A file that is none of these (a PDF, an
archive, an image) is refused with one line saying what it looks like and what to do."""

from __future__ import annotations

from collections.abc import Iterable

from salesflow.errors import InvalidValue, UsageError
from salesflow.importer.reading import RawTable, read_table

TEXT = "text"
VCARD = "vcard"
WORKBOOK = "workbook"

_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF", "a PDF document", "export the list as CSV, .xlsx or vCard and import that"),
    (b"\x89PNG", "a PNG image", "a picture of cards cannot be imported; scan them to vCard"),
    (b"\xff\xd8\xff", "a JPEG image", "a picture of cards cannot be imported; scan them to vCard"),
    (b"GIF8", "a GIF image", "a picture cannot be imported; export the list as CSV"),
    (b"II*\x00", "a TIFF image", "a picture cannot be imported; export the list as CSV"),
    (b"MM\x00*", "a TIFF image", "a picture cannot be imported; export the list as CSV"),
    (b"\x1f\x8b", "a gzip archive", "unpack it and import the CSV inside"),
    (b"7z\xbc\xaf", "a 7-Zip archive", "unpack it and import the CSV inside"),
    (b"Rar!", "a RAR archive", "unpack it and import the CSV inside"),
)
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (and .doc, .msg)
_WORKBOOK_ENDINGS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def kind_of(data: bytes, file_name: str = "") -> str:
    """TEXT, VCARD or WORKBOOK; raises InvalidValue for what cannot be imported."""
    head = data[:8]
    for signature, what, advice in _SIGNATURES:
        if head.startswith(signature):
            raise InvalidValue(f"{file_name} looks like {what}, not a list of leads; {advice}")
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        raise InvalidValue(
            f"{file_name} looks like a WebP image, not a list of leads; a picture cannot be "
            "imported"
        )
    if head.startswith(_ZIP):
        return _zip_kind(data, file_name)
    if head.startswith(_OLE):
        if file_name.lower().endswith((".doc", ".msg", ".ppt")):
            raise InvalidValue(
                f"{file_name} looks like an Office document, not a list of leads; export the "
                "list as CSV or .xlsx and import that"
            )
        return WORKBOOK
    if _vcard_start(data):
        return VCARD
    if _binary(data):
        raise InvalidValue(
            f"{file_name} looks like binary data, not a text, vCard or workbook file; export "
            "the list as CSV and import that"
        )
    return TEXT


def read_any(
    data: bytes,
    file_name: str = "",
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    extra_headers: Iterable[str] = (),
) -> RawTable:
    """The file as a table, whatever it is (see `kind_of`); `sheet` only for a workbook."""
    kind = kind_of(data, file_name)
    if sheet is not None and kind != WORKBOOK:
        raise UsageError(f"--sheet is for workbooks (.xlsx, .xls, .ods); {file_name} is not one")
    if kind == WORKBOOK:
        from salesflow.importer.workbooks import read_workbook

        return read_workbook(data, sheet=sheet, extra_headers=extra_headers)
    if kind == VCARD:
        from salesflow.importer.cards import read_cards

        return read_cards(data, encoding)
    return read_table(data, encoding=encoding, delimiter=delimiter, extra_headers=extra_headers)


def _zip_kind(data: bytes, file_name: str) -> str:
    # A zip's member names are in its central directory at the end, and in each local header.
    names = data[:4096] + data[-65536:]
    if b"xl/" in names or b"opendocument.spreadsheet" in names:
        return WORKBOOK
    if b"word/" in names:
        what = "a Word document"
    elif b"ppt/" in names:
        what = "a PowerPoint presentation"
    else:
        what = "a zip archive"
    if what == "a zip archive":
        advice = "unpack it and import the CSV inside"
    else:
        advice = "export the list as CSV or .xlsx and import that"
    raise InvalidValue(f"{file_name} looks like {what}, not a list of leads; {advice}")


def _vcard_start(data: bytes) -> bool:
    head = data[:256]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        head = head.removeprefix(bom)
    if b"\x00" in head:  # UTF-16
        head = head.replace(b"\x00", b"")
    return head.lstrip().upper().startswith(b"BEGIN:VCARD")


def _binary(data: bytes) -> bool:
    """Control bytes (other than tab, line ends, form feed and ESC) in many places: not text.
    UTF-16's NULs are left out: they come in every other byte."""
    sample = data[:4096]
    if sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4:
        return False
    controls = sum(sample.count(bytes([b])) for b in (*range(1, 9), 14, 15, 16, 17, 18, 19))
    return controls > max(8, len(sample) // 50)
