"""Target files for the import tests: CSV and .xlsx bytes built from rows."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence

Cell = str | int | float | dt.date | None


def csv_file(rows: Sequence[Sequence[Cell]], *, encoding: str = "utf-8-sig") -> bytes:
    """Rows as CSV (commas, quoted where needed)."""
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([["" if c is None else c for c in row] for row in rows])
    return out.getvalue().encode(encoding)


def xlsx_file(rows: Sequence[Sequence[Cell]], *, title_rows: int = 0) -> bytes:
    """Rows as the first sheet of a workbook (after `title_rows` title lines)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for n in range(title_rows):
        sheet.append([f"Targets, draft {n + 1}"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def not_a_spreadsheet() -> dict[str, bytes]:
    """Files that are not spreadsheets, by what they are."""
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return {
        "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" + bytes(range(256)) * 20,
        "png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
        "docx": docx.getvalue(),
        "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        "broken_xlsx": b"PK\x03\x04" + b"\x01" * 300,
    }


def ten_megabytes() -> bytes:
    """A CSV of about 10 MB: a valid header and far too many rows."""
    line = "zhang,sales,2026-04,1000," + "x" * 80 + "\r\n"
    head = "person,metric,period,value,note\r\n"
    return (head + line * (10 * 1024 * 1024 // len(line) + 1)).encode()
