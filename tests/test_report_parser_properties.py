"""Property-based: the reader never raises, whatever the text."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.report_parser import MAX_CHARS, parse_report
from knowledge import metrics

FRAGMENTS = [
    "拜访",
    "成交",
    "销售额",
    "回款",
    "新网点",
    "电话",
    "visits",
    "sales",
    "orders",
    "collected",
    "问题：",
    "明天：",
    "Issues:\n",
    "Tomorrow:",
    "- ",
    "1. ",
    "万",
    "w",
    "k",
    "¥",
    "$",
    "元",
    "，",
    "。",
    ";",
    "\n",
    " ",
    ":",
    "3/17",
    "上周五",
    "昨天",
    "yesterday",
    "一万二",
    "两",
    "-",
    ".",
    ",",
    "0",
    "5",
    "12,500",
    "2.5",
    "【",
    "】",
    "拜訪",
    "１２",
    "\u200b",
    "\x00",
]
report_like = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=40).map(
    "".join
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(st.text(max_size=300), report_like),
    today=st.dates(dt.date(2001, 1, 1), dt.date(2099, 12, 31)),
)
def test_parse_never_raises(text: str, today: dt.date) -> None:
    report = parse_report(text, today)
    assert report.date <= today
    bounds = metrics()
    for name, value in report.metrics.items():
        assert 0 <= value <= bounds[name].max
        if bounds[name].kind == "count":
            assert float(value).is_integer()


@settings(max_examples=30, deadline=None)
@given(unit=report_like.filter(bool))
def test_oversized_text_never_raises(unit: str) -> None:
    text = (unit * (MAX_CHARS // len(unit) + 2))[: MAX_CHARS * 2]
    report = parse_report(text, dt.date(2026, 3, 18))
    assert "parse.warning.truncated" in [w.key for w in report.warnings]
