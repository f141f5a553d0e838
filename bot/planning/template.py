"""The target file to fill: an .xlsx with the columns the importer reads and a few example rows."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from bot.i18n import Lang, t
from bot.plans import Period

HEADERS = {
    "en": ("person", "team", "metric", "period", "value", "month weights", "split",
           "weight", "region", "channel", "product", "basis", "draft"),
    "zh": ("人员", "团队", "指标", "期间", "目标", "月度权重", "分解",
           "权重", "区域", "渠道", "产品", "依据", "草案"),
}  # fmt: skip


def template_rows(
    lang: Lang, today: dt.date, people: Sequence[str] = (), team: str = ""
) -> list[list[str | int | None]]:
    """Example rows: a person's month target, a person's quarter target, a team's month target."""
    month = Period.containing("month", today).shift(1).label
    quarter = Period.containing("quarter", today).shift(1).label
    who = list(people[:2]) or (["张伟", "Amy Chen"] if lang == "zh" else ["Amy Chen", "张伟"])
    sales = "销售额" if lang == "zh" else "sales"
    visits = "拜访" if lang == "zh" else "visits"
    split = "均分" if lang == "zh" else "equal"
    outlets = "新网点" if lang == "zh" else "new_outlets"
    rows: list[list[str | int | None]] = [
        [
            who[0],
            None,
            sales,
            month,
            300000,
            None,
            None,
            None,
            None,
            None,
            None,
            "top_down",
            250000,
        ],
        [who[0], None, visits, month, 180, None, None, None, None, None, None, None, None],
        [
            who[-1],
            None,
            sales,
            quarter,
            900000,
            "1,1,1.2",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
    ]
    if team:
        rows.append(
            [None, team, outlets, month, 40, None, split, None, None, None, None, None, None]
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
    sheet.append(list(HEADERS[lang]))
    for row in template_rows(lang, today, people, team):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, width in enumerate((14, 12, 12, 11, 12, 14, 10, 8, 10, 10, 10, 16, 10)):
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
