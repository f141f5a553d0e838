"""What the columns of a target file are called, and how one cell is read (pure).

Header names come in Chinese or English; a cell that cannot be read raises
`CellError` with a message key (plan_import.err.*) and its parameters.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from bot.planning.sheet import Cell
from bot.plans import Period

MAX_VALUE: Final = Decimal(10) ** 12

# canonical column → the header names that mean it (compared folded: lower case, no
# spaces, underscores, asterisks or bracketed units such as "目标(元)")
COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "person": (
        "person",
        "name",
        "people",
        "rep",
        "salesperson",
        "employee",
        "staff",
        "member",
        "personid",
        "telegramid",
        "人员",
        "姓名",
        "员工",
        "销售",
        "业务员",
        "销售代表",
        "代表",
        "名字",
        "人员编号",
        "工号",
    ),
    "team": ("team", "group", "teamid", "团队", "小组", "组", "班组", "部门"),
    "metric": ("metric", "kpi", "indicator", "measure", "指标", "指标名称", "考核指标", "项目"),
    "period": ("period", "month", "周期", "期间", "月份", "时间", "季度", "年度"),
    "value": (
        "value",
        "target",
        "goal",
        "quota",
        "amount",
        "目标",
        "数值",
        "目标值",
        "任务",
        "指标值",
        "计划",
        "金额",
        "数量",
    ),
    "region": ("region", "area", "territory", "区域", "地区", "片区"),
    "channel": ("channel", "渠道"),
    "product": ("product", "sku", "brand", "category", "产品", "品类", "品牌"),
    "draft": ("draft", "proposal", "bottomup", "草案", "自报", "自报目标", "预估"),
    "basis": ("basis", "method", "依据", "制定依据", "目标依据"),
    "weight": ("weight", "share", "权重", "比重", "占比"),
    "split": ("split", "allocation", "分解", "拆分", "分配", "分配方式", "分解方式"),
    "month_weights": ("monthweights", "monthlyweights", "seasonality", "月度权重", "月权重"),
}
_BY_NAME: Final = {name: column for column, names in COLUMNS.items() for name in names}
REQUIRED: Final = ("metric", "period")

BASES: Final[dict[str, str]] = {
    "bottom_up": "bottom_up", "bottomup": "bottom_up", "自下而上": "bottom_up",
    "自报": "bottom_up", "top_down": "top_down", "topdown": "top_down",
    "自上而下": "top_down", "下达": "top_down", "last_period_plus": "last_period_plus",
    "lastperiodplus": "last_period_plus", "上期加成": "last_period_plus",
    "上期+": "last_period_plus", "同比增长": "last_period_plus",
}  # fmt: skip
SPLITS: Final[dict[str, str]] = {
    "equal": "equal", "equally": "equal", "均分": "equal", "平均": "equal",
    "weight": "weight", "weights": "weight", "权重": "weight", "按权重": "weight",
    "last": "last", "last_period": "last", "lastperiod": "last", "share": "last",
    "上期": "last", "上期占比": "last", "按上期": "last", "按上期占比": "last",
}  # fmt: skip


class CellError(ValueError):
    """A cell that cannot be read: the message key and its parameters."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def fold_header(text: str) -> str:
    """A header as compared: lower case, without spaces, `_`, `*`, `:` or bracketed parts."""
    text = re.sub(r"[(（\[【].*?[)）\]】]", "", text)
    return re.sub(r"[\s_*:：\-]", "", text).lower()


def header_column(cell: Cell) -> str | None:
    """The canonical column a header cell names, if any."""
    if not isinstance(cell, str):
        return None
    return _BY_NAME.get(fold_header(cell))


def text_of(cell: Cell) -> str:
    """A cell as text (a whole float shows without `.0`)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


def read_number(cell: Cell, *, money: bool) -> Decimal:
    """A non-negative figure: 300000, 300,000, 2.5万, 12k, ¥3,000, 三十万."""
    from bot.report_parser.normalise import normalise_width
    from bot.report_parser.numbers import find_numbers

    if isinstance(cell, bool | dt.date):
        raise CellError("not_number", value=text_of(cell)[:40])
    if isinstance(cell, int | float):
        try:
            value = Decimal(str(cell))
        except InvalidOperation:
            raise CellError("not_number", value=text_of(cell)[:40]) from None
    else:
        raw = normalise_width(text_of(cell)).lower().replace(" ", "")
        raw = re.sub(r"(元|rmb|cny|yuan)$", "", raw)
        if re.fullmatch(r"(\d{1,3}(,\d{3})+|\d{1,30})(\.\d{1,10})?", raw):
            value = Decimal(raw.replace(",", ""))
        else:
            tokens = find_numbers(raw)
            if len(tokens) != 1 or tokens[0].start != 0 or tokens[0].end != len(raw):
                raise CellError("not_number", value=text_of(cell)[:40])
            value = Decimal(repr(tokens[0].value))
    if not value.is_finite():
        raise CellError("not_number", value=text_of(cell)[:40])
    if value < 0:
        raise CellError("negative", value=text_of(cell)[:40])
    if value > MAX_VALUE:
        raise CellError("too_large", value=text_of(cell)[:40])
    if money:
        return value.quantize(Decimal("0.01")).normalize() + Decimal(0)
    if value != value.to_integral_value():
        raise CellError("not_whole", value=text_of(cell)[:40])
    return value.to_integral_value()


_PERIOD_FIXES: Final = (
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]$"), "{0}-{1:0>2}-{2:0>2}"),
    (re.compile(r"^(\d{4})年(\d{1,2})月(?:份)?$"), "{0}-{1:0>2}"),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), "{0}-{1:0>2}"),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), "{0}-{1:0>2}-{2:0>2}"),
    (re.compile(r"^(\d{4})(?:年)?[-\s]?(?:第)?q([1-4])(?:季度)?$"), "{0}-Q{1}"),
    (re.compile(r"^(\d{4})年?第?([1-4一二三四])季度$"), "{0}-Q{1}"),
    (re.compile(r"^(\d{4})[-\s]?w(\d{1,2})$"), "{0}-W{1:0>2}"),
    (re.compile(r"^(\d{4})年(?:第)?(\d{1,2})周$"), "{0}-W{1:0>2}"),
    (re.compile(r"^(\d{4})年(?:度)?$"), "{0}"),
)
_CN_QUARTER: Final = {"一": "1", "二": "2", "三": "3", "四": "4"}


def read_period(cell: Cell) -> Period:
    """A period: 2026, 2026-Q1, 2026-03, 2026-W11, 2026-03-18, or 2026年3月, 2026年一季度 …"""
    if isinstance(cell, dt.date):
        return Period.containing("day", cell)
    raw = text_of(cell).replace(" ", "").lower()
    if isinstance(cell, int | float) and not float(cell).is_integer():
        raise CellError("bad_period", value=raw[:40])
    for pattern, form in _PERIOD_FIXES:
        m = pattern.match(raw)
        if m:
            raw = form.format(*(_CN_QUARTER.get(g, g) for g in m.groups()))
            break
    try:
        return Period.parse(raw)
    except ValueError:
        raise CellError("bad_period", value=text_of(cell)[:40]) from None


def read_choice(cell: Cell, choices: dict[str, str], key: str) -> str | None:
    """One of a closed vocabulary (basis, split), or None when the cell is empty."""
    raw = text_of(cell)
    if not raw:
        return None
    found = choices.get(raw.lower().replace(" ", "").replace("-", "_"))
    if found is None:
        raise CellError(key, value=raw[:40])
    return found


def read_weights(cell: Cell, count: int) -> list[Decimal] | None:
    """Monthly weights: `count` numbers separated by commas, spaces, `/`, `;` or `、`."""
    raw = text_of(cell)
    if not raw:
        return None
    parts = [p for p in re.split(r"[,，;；/、|\s]+", raw) if p]
    try:
        values = [Decimal(p.rstrip("%")) for p in parts]
    except InvalidOperation:
        raise CellError("bad_weights", value=raw[:40], count=count) from None
    if len(values) != count or any(not v.is_finite() or v < 0 for v in values):
        raise CellError("bad_weights", value=raw[:40], count=count)
    if sum(values) == 0:
        raise CellError("bad_weights", value=raw[:40], count=count)
    return values


def read_text(cell: Cell, limit: int = 100) -> str:
    """A free-text dimension (region, channel, product), trimmed to `limit` characters."""
    return text_of(cell)[:limit]


def columns_of(header: Sequence[Cell]) -> dict[str, int]:
    """Canonical column → index in the row, the first of each (None: not a header row)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = header_column(cell)
        if column and column not in found:
            found[column] = index
    return found
