"""An export as files: one .xlsx workbook (a sheet per kind) or one .csv per kind.

Cells keep their types (dates as dates, figures as numbers); the header row is
frozen and filtered; columns get widths from their content. Text that a
spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) is written with a leading apostrophe. CSV is UTF-8 with a BOM, so
Excel opens Chinese correctly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any, Final

import knowledge
from bot.export import ExportData
from bot.i18n import Lang, t
from bot.report_view import metric_label

KINDS: Final = ("reports", "findings", "people")
_RISKY: Final = ("=", "+", "-", "@", "\t", "\r")
MAX_TEXT: Final = 32_000  # a spreadsheet cell holds 32,767 characters

Value = str | int | float | dt.date | dt.datetime | bool | None


def safe_text(text: str) -> str:
    """Text that no spreadsheet runs as a formula."""
    text = text[:MAX_TEXT]
    return "'" + text if text.startswith(_RISKY) else text


def table(data: ExportData, kind: str, lang: Lang) -> tuple[list[str], list[list[Value]]]:
    """The header and rows of one kind (reports, findings or people)."""
    metrics = [metric_label(m, lang) for m in data.metrics]

    def col(name: str) -> str:
        return t(f"export.col.{name}", lang)

    yes, no = t("export.yes", lang), t("export.no", lang)
    if kind == "reports":
        header = [col("date"), col("team"), col("person_id"), col("person"), *metrics]
        header += [col("blockers"), col("next_steps"), col("text"), col("received")]
        rows: list[list[Value]] = [
            [
                *(r.date, r.team, r.person_id, r.person),
                *(r.metrics.get(m) for m in data.metrics),
                *(r.blockers, r.next_steps, r.text, r.received),
            ]
            for r in data.reports
        ]
        return header, rows
    if kind == "findings":
        names = ("date", "team", "rule", "title", "category", "subject_id", "subject")
        more = ("severity", "message", "sent_to", "acknowledged", "acknowledged_by")
        header = [col(n) for n in (*names, *more, "acknowledged_on", "source")]
        as_of = data.as_of.isoformat() if data.as_of else ""
        rows = [
            [
                *(f.date, f.team, f.rule, f.title, f.category, f.subject_id, f.subject),
                *(t(f"check.severity.{f.severity}", lang), f.message, f.sent_to),
                *(yes if f.acknowledged else no, f.acknowledged_by, f.acknowledged_on),
                t(f"export.source.{f.source}", lang, date=as_of),
            ]
            for f in data.findings
        ]
        return header, rows
    if kind == "people":
        header = [col("team"), col("person_id"), col("person"), col("reports"), col("days")]
        header += [*metrics, col("findings")]
        if data.as_of is not None:
            header.append(t("export.col.found", lang, date=data.as_of.isoformat()))
        rows = [
            [
                *(p.team, p.person_id, p.person, p.reports, p.days),
                *(p.metrics.get(m, 0) for m in data.metrics),
                p.findings,
                *([p.found] if data.as_of is not None else []),
            ]
            for p in data.people
        ]
        return header, rows
    raise ValueError(f"unknown export kind {kind!r}")


def _cell_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return safe_text(str(value))


def csv_bytes(data: ExportData, kind: str, lang: Lang) -> bytes:
    """One kind as CSV: UTF-8 with a BOM, comma-separated, a header row."""
    header, rows = table(data, kind, lang)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in header])
    writer.writerows([_cell_text(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(data: ExportData, lang: Lang) -> bytes:
    """The workbook: one sheet per kind, typed cells, frozen header, sensible widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    default = book.active
    money = {metric_label(m, lang) for m, d in knowledge.metrics().items() if d.kind == "money"}
    for kind in KINDS:
        header, rows = table(data, kind, lang)
        sheet = book.create_sheet(t(f"export.sheet.{kind}", lang)[:31])
        sheet.append([safe_text(h) for h in header])
        for row in rows:
            sheet.append([_xlsx_value(v) for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        if rows:
            sheet.auto_filter.ref = sheet.dimensions
        for index, name in enumerate(header, start=1):
            letter = get_column_letter(index)
            width = _width([name, *(row[index - 1] for row in rows[:500])])
            sheet.column_dimensions[letter].width = width
            fmt = _format(name, money, [row[index - 1] for row in rows[:50]])
            if fmt or width >= 60:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    if fmt:
                        cell.number_format = fmt
                    if width >= 60:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if default is not None:
        book.remove(default)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value: Value) -> Any:
    if isinstance(value, str):
        return safe_text(value)
    return value


def _format(name: str, money: set[str], sample: Sequence[Value]) -> str | None:
    if any(isinstance(v, dt.datetime) for v in sample):
        return "yyyy-mm-dd hh:mm"
    if any(isinstance(v, dt.date) for v in sample):
        return "yyyy-mm-dd"
    if any(isinstance(v, int | float) and not isinstance(v, bool) for v in sample):
        return "#,##0.##" if name in money else "#,##0"
    return None


def _width(values: Sequence[Value]) -> float:
    """Characters to show, a CJK character counting two; between 8 and 60."""
    longest = 0
    for value in values:
        text = _cell_text(value)
        first = text.split("\n", 1)[0]
        longest = max(longest, sum(2 if ord(ch) > 0x2E80 else 1 for ch in first))
    return float(min(max(longest + 2, 8), 60))
