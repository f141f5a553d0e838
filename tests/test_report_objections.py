"""Customer objections and competitors' moves are blockers (words in knowledge/sections.yaml).

A sentence with no figures that names one is a blocker; in a sentence with
figures, the clause that names it is, and the figures still count.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.report_parser import parse_report

WED = dt.date(2026, 3, 18)


@pytest.mark.parametrize(
    ("text", "metrics", "blockers"),
    [
        ("客户说价格太高", {}, ["客户说价格太高"]),
        ("今天拜访8家，成交2单，客户说价格太高", {"visits": 8, "orders": 2}, ["客户说价格太高"]),
        ("拜访8家，成交2单。客户嫌贵，不进货。", {"visits": 8, "orders": 2}, ["客户嫌贵，不进货"]),
        ("拜访6家。华联觉得我们太贵了", {"visits": 6}, ["华联觉得我们太贵了"]),
        ("竞品降价了，客户都在观望", {}, ["竞品降价了，客户都在观望"]),
        ("拜访5家，客户压价厉害，成交1单", {"visits": 5, "orders": 1}, ["客户压价厉害"]),
        ("跑了7家，老板拒绝了新品", {"visits": 7}, ["老板拒绝了新品"]),
        ("拜访5家，仓库发货慢", {"visits": 5}, ["仓库发货慢"]),  # the old cues, clause by clause
        (
            "Visited 6 stores, 1 order. Customer said the price is too high.",
            {"visits": 6, "orders": 1},
            ["Customer said the price is too high"],
        ),
        (
            "visited 6 stores, customer said price too high, competitor cut prices",
            {"visits": 6},
            ["customer said price too high", "competitor cut prices"],
        ),
        (
            "Sales 12,000, customers refused the new SKU",
            {"sales": 12000},
            ["customers refused the new SKU"],
        ),
        (
            "Visits 5. Carrefour says we are too expensive",
            {"visits": 5},
            ["Carrefour says we are too expensive"],
        ),
        ("Visits 5, orders 2, delivery delayed", {"visits": 5, "orders": 2}, ["delivery delayed"]),
        ("Objections: price; payment terms", {}, ["price", "payment terms"]),
        ("客户異議：價格太高", {}, ["價格太高"]),  # traditional characters, shown as written
    ],
)
def test_objections_are_blockers(text: str, metrics: dict[str, int], blockers: list[str]) -> None:
    report = parse_report(text, WED)
    assert dict(report.metrics) == metrics
    assert list(report.blockers) == blockers


@pytest.mark.parametrize(
    "text",
    [
        "拜访8家，成交3单，销售额2.5万",
        "Visited 7 stores, 2 orders, sales 15k, collected 9,500",
        "拜访6家，客户反馈很好，成交2单",
        "Visits 5, price list handed out, 2 orders",
    ],
)
def test_reports_without_objections_have_no_blockers(text: str) -> None:
    assert parse_report(text, WED).blockers == ()
