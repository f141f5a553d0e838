"""Reading an uploaded spreadsheet (.xlsx or .csv) into rows of cells, within limits.

Nothing here knows what the columns mean. Whatever arrives — an empty file, a
zip bomb, a PDF renamed .xlsx, a CSV in GBK, a 10 MB upload — ends in a
`SheetError` naming a message key, never in an exception from a library.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from typing import Any, Final

MAX_BYTES: Final = 5 * 1024 * 1024  # an upload larger than this is refused unread
MAX_ROWS: Final = 5000  # data rows
MAX_COLUMNS: Final = 40
MAX_CELL: Final = 500  # characters kept of one cell
MAX_UNZIPPED: Final = 60 * 1024 * 1024  # an .xlsx is a zip: refuse bombs before opening it

Cell = str | int | float | dt.date | None
Row = tuple[int, list[Cell]]  # the row's number as a spreadsheet shows it (1 = first), its cells


class SheetError(Exception):
    """The file cannot be read as a spreadsheet; `key` names the message (plan_import.file.*)."""

    def __init__(self, key: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(key)
        self.key = key
        self.params = params or {}


def read_sheet(data: bytes) -> list[Row]:
    """The non-blank rows of the first sheet of an .xlsx, or of a .csv, with their numbers."""
    if len(data) > MAX_BYTES:
        raise SheetError("too_big", {"size_mb": round(len(data) / 1_048_576, 1), "max_mb": 5})
    if not data.strip():
        raise SheetError("empty")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetError("old_excel")  # .xls (OLE2): ask for .xlsx or .csv
    rows = _read_xlsx(data) if data.startswith(b"PK\x03\x04") else _read_csv(data)
    if not rows:
        raise SheetError("empty")
    return rows


def _read_xlsx(data: bytes) -> list[Row]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SheetError("not_spreadsheet") from None
    if "xl/workbook.xml" not in names:
        raise SheetError("not_spreadsheet")  # a .docx, an .odt, any other zip
    if unzipped > MAX_UNZIPPED:
        raise SheetError("too_big", {"size_mb": round(unzipped / 1_048_576, 1), "max_mb": 5})
    import openpyxl  # deferred: heavy

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise SheetError("not_spreadsheet") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise SheetError("empty")
        return list(_xlsx_rows(sheet))
    except SheetError:
        raise
    except Exception:
        raise SheetError("not_spreadsheet") from None
    finally:
        book.close()


def _xlsx_rows(sheet: Any) -> Iterator[Row]:
    count = 0
    for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        cells = [_xlsx_cell(c) for c in row]
        if not any(c not in (None, "") for c in cells):
            continue
        count += 1
        if count > MAX_ROWS + 1:
            raise SheetError("too_many_rows", {"max": MAX_ROWS})
        yield number, cells


def _xlsx_cell(cell: Any) -> Cell:
    value = getattr(cell, "value", None)
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, dt.datetime | dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        fmt = str(getattr(cell, "number_format", "") or "").lower()
        # "2026-03" typed into Excel becomes 2026-03-01 shown as mmm-yy: a month
        if day.day == 1 and "d" not in fmt.replace("[red]", ""):
            return f"{day.year:04d}-{day.month:02d}"
        return day
    if isinstance(value, int | float):
        return value
    return _clean(str(value))


def _clean(text: str) -> str:
    """A cell's text, without control characters, at most MAX_CELL characters."""
    kept = "".join(ch for ch in text if ch >= " " or ch == "\t")
    return kept.strip()[:MAX_CELL]


def _read_csv(data: bytes) -> list[Row]:
    if b"\x00" in data[:4096]:
        raise SheetError("not_spreadsheet")  # binary (or UTF-16, which Excel never writes as CSV)
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise SheetError("not_spreadsheet")
    if sum(1 for ch in text[:4096] if ch < " " and ch not in "\r\n\t") > 4:
        raise SheetError("not_spreadsheet")
    sample = text[:4096]
    delimiter = max(",\t;", key=sample.count) if any(d in sample for d in ",\t;") else ","
    rows: list[Row] = []
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        for number, row in enumerate(reader, start=1):
            if not any(c.strip() for c in row):
                continue
            if len(rows) > MAX_ROWS:
                raise SheetError("too_many_rows", {"max": MAX_ROWS})
            rows.append((number, [_clean(c) or None for c in row[:MAX_COLUMNS]]))
    except csv.Error:
        raise SheetError("not_spreadsheet") from None
    return rows
