"""The target file to fill: an .xlsx with the columns the importer reads and a few example rows."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from bot.i18n import Lang, t
from bot.plans import Period
from bot.report_view import metric_label

# the columns of the sheet, in order; their headers are `plan.template.columns`
COLUMNS = ("person", "team", "metric", "period", "value", "month_weights", "split",
           "weight", "region", "channel", "product", "basis", "draft")  # fmt: skip
WIDTHS = (14, 12, 12, 11, 12, 14, 10, 8, 10, 10, 10, 16, 10)

Row = list[str | int | None]


def headers(lang: Lang) -> list[str]:
    """The header row in `lang` (the importer reads both languages)."""
    return t("plan.template.columns", lang).split(" | ")


def _row(**cells: str | int) -> Row:
    return [cells.get(column) for column in COLUMNS]


def _metric(metric: str, lang: Lang) -> str:
    """A metric as a person fills it: its Chinese name, or its id in English."""
    return metric_label(metric, "zh") if lang == "zh" else metric


def template_rows(
    lang: Lang, today: dt.date, people: Sequence[str] = (), team: str = ""
) -> list[Row]:
    """Example rows: a person's month target, a person's quarter target, a team's month target."""
    month = Period.containing("month", today).shift(1).label
    quarter = Period.containing("quarter", today).shift(1).label
    who = list(people[:2]) or (["张伟", "Amy Chen"] if lang == "zh" else ["Amy Chen", "张伟"])
    sales, visits = _metric("sales", lang), _metric("visits", lang)
    rows = [
        _row(
            person=who[0], metric=sales, period=month, value=300000, basis="top_down", draft=250000
        ),
        _row(person=who[0], metric=visits, period=month, value=180),
        _row(person=who[-1], metric=sales, period=quarter, value=900000, month_weights="1,1,1.2"),
    ]
    if team:
        split = t("plan.template.split_equal", lang)
        rows.append(
            _row(
                team=team, metric=_metric("new_outlets", lang), period=month, value=40, split=split
            )
        )
    return rows


def template_bytes(lang: Lang, today: dt.date, people: Sequence[str] = (), team: str = "") -> bytes:
    """The template workbook: a sheet to fill (with examples) and a sheet explaining the columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t("plan.template.sheet", lang)[:31]
    sheet.append(headers(lang))
    for row in template_rows(lang, today, people, team):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for cells in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        for period_cell in cells:
            period_cell.number_format = (
                "@"  # periods stay text: Excel would turn 2026-04 into a date
            )
    guide = book.create_sheet(t("plan.template.help_sheet", lang)[:31])
    for line in t("plan.template.help", lang).split(" | "):
        guide.append([line])
    guide.column_dimensions["A"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
