"""The report reader on forms beyond the shared examples: numbers, dates, sections."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.report_parser import parse_report

WED = dt.date(2026, 3, 18)  # a Wednesday
MON = dt.date(2026, 3, 16)


def read(text: str, today: dt.date = WED) -> tuple[str, dict[str, float]]:
    report = parse_report(text, today)
    return report.date.isoformat(), dict(report.metrics)


@pytest.mark.parametrize(
    ("text", "metrics"),
    [
        # money: 万 / w / 千 / k / 元 / 块 / ¥ / $ / RMB and separators
        ("销售额2.5万", {"sales": 25000}),
        ("业绩3.5w，回款2W", {"sales": 35000, "collections": 20000}),
        ("销售额3千", {"sales": 3000}),
        ("sales 15k", {"sales": 15000}),
        ("sales 15K, collected 2.5k", {"sales": 15000, "collections": 2500}),
        ("销售额12000元", {"sales": 12000}),
        ("卖了800块", {"sales": 800}),
        ("销售额：¥27,800", {"sales": 27800}),
        ("Sales $12,500", {"sales": 12500}),
        ("revenue 8,800 RMB", {"sales": 8800}),
        ("revenue RMB 8,800", {"sales": 8800}),
        ("sales 1,234,567", {"sales": 1234567}),
        ("销售额1万2", {"sales": 12000}),
        ("sales 1.2 million", {"sales": 1200000}),
        # Chinese numerals, colloquial forms
        ("回款一万二", {"collections": 12000}),
        ("销售额四万二", {"sales": 42000}),
        ("成交两单", {"orders": 2}),
        ("拜访五家", {"visits": 5}),
        ("拜访十家", {"visits": 10}),
        ("拜访十二家，成交三单，金额三千五", {"visits": 12, "orders": 3, "sales": 3500}),
        ("打了二十个电话", {"calls": 20}),
        # layouts
        ("拜访：9\n订单：3\n销售额：27800", {"visits": 9, "orders": 3, "sales": 27800}),
        ("Visits: 11\nCalls: 14", {"visits": 11, "calls": 14}),
        ("拜访8家；成交3单；销售额2.5万。", {"visits": 8, "orders": 3, "sales": 25000}),
        ("visits 7 orders 2 sales 15000", {"visits": 7, "orders": 2, "sales": 15000}),
        ("5 visits 2 orders", {"visits": 5, "orders": 2}),
        ("拜访8家成交3单", {"visits": 8, "orders": 3}),
        ("5个订单，20个电话", {"orders": 5, "calls": 20}),
        ("新增网点3个", {"new_outlets": 3}),
        ("新开2家网点", {"new_outlets": 2}),
        ("开了2家新店", {"new_outlets": 2}),
        ("Opened 2 new accounts", {"new_outlets": 2}),
        ("1 new outlet, 3 visits", {"new_outlets": 1, "visits": 3}),
        ("拜访新客户3家", {"visits": 3}),
        ("拜访华联超市等8家", {"visits": 8}),
        ("上午拜访3家，下午拜访5家", {"visits": 8}),
        ("拜访：9\n共拜访9家", {"visits": 9}),
        ("签单2个 共计1.5万", {"orders": 2, "sales": 15000}),
        ("成交3单2.5万", {"orders": 3, "sales": 25000}),
        ("closed 3 deals worth $4,500", {"orders": 3, "sales": 4500}),
        ("2 orders for 11.5k total", {"orders": 2, "sales": 11500}),
        ("sold 3 cases for 12k", {"sales": 12000}),
        # zero
        ("拜访6家，没有成交", {"visits": 6, "orders": 0}),
        ("回款0", {"collections": 0}),
        ("no orders today, 4 visits", {"visits": 4, "orders": 0}),
        # traditional Chinese and full-width characters
        ("今日拜訪12家，成交4單，營業額3.2萬元", {"visits": 12, "orders": 4, "sales": 32000}),
        ("拜访：８家，销售额：２．５万", {"visits": 8, "sales": 25000}),
        # targets, shortfalls and intentions are not results
        ("销售目标50万，今天完成销售额2万", {"sales": 20000}),
        ("回款还差5万，今天收回货款1万", {"collections": 10000}),
        ("计划拜访10家，实际拜访7家", {"visits": 7}),
        # codes and times are not figures
        ("14:30 拜访4S店3家", {"visits": 3}),
        ("拜访3家，占比80%", {"visits": 3}),
    ],
)
def test_figures(text: str, metrics: dict[str, float]) -> None:
    assert read(text)[1] == metrics


@pytest.mark.parametrize(
    ("text", "today", "date"),
    [
        ("今天拜访5家", WED, "2026-03-18"),
        ("昨天拜访5家", WED, "2026-03-17"),
        ("昨日拜访5家", WED, "2026-03-17"),
        ("前天拜访5家", WED, "2026-03-16"),
        ("两天前拜访5家", WED, "2026-03-16"),
        ("3天前拜访5家", WED, "2026-03-15"),
        ("上周五拜访5家", WED, "2026-03-13"),
        ("上星期五拜访5家", WED, "2026-03-13"),
        ("上礼拜一拜访5家", WED, "2026-03-09"),
        ("本周一拜访5家", WED, "2026-03-16"),
        ("这周二拜访5家", WED, "2026-03-17"),
        ("周一拜访5家", WED, "2026-03-16"),
        ("星期五拜访5家", MON, "2026-03-13"),
        ("周日拜访5家", WED, "2026-03-15"),
        ("3月16日 拜访5家", WED, "2026-03-16"),
        ("3月5号拜访5家", WED, "2026-03-05"),
        ("三月五日拜访5家", WED, "2026-03-05"),
        ("十二月三十日拜访5家", dt.date(2027, 1, 4), "2026-12-30"),
        ("12月25日拜访5家", dt.date(2027, 1, 4), "2026-12-25"),
        ("2026年3月16日拜访5家", WED, "2026-03-16"),
        ("3/12 visits 5", WED, "2026-03-12"),
        ("2026-03-16 visits 5", WED, "2026-03-16"),
        ("2026/3/16 visits 5", WED, "2026-03-16"),
        ("yesterday: 5 visits", WED, "2026-03-17"),
        ("Last Friday: 5 visits", WED, "2026-03-13"),
        ("Last Friday: 5 visits", MON, "2026-03-13"),
        ("Monday: 5 visits", WED, "2026-03-16"),
        ("On Tuesday I made 5 visits", WED, "2026-03-17"),
        ("March 16: 5 visits", WED, "2026-03-16"),
        ("16 March: 5 visits", WED, "2026-03-16"),
        ("Mar 16th - 5 visits", WED, "2026-03-16"),
        ("2 days ago: 5 visits", WED, "2026-03-16"),
        ("two days ago 5 visits", WED, "2026-03-16"),
        ("the day before yesterday 5 visits", WED, "2026-03-16"),
        ("16.03.2026: 5 visits", WED, "2026-03-16"),
        ("5 visits", WED, "2026-03-18"),
        # the date of a plan is not the date of the report
        ("拜访5家。明天：3月20日拜访华联", WED, "2026-03-18"),
        # dates after today are not trusted
        ("2026-03-25 visits 5", WED, "2026-03-18"),
    ],
)
def test_dates(text: str, today: dt.date, date: str) -> None:
    assert read(text, today)[0] == date


def test_date_words_are_not_figures() -> None:
    report = parse_report("3月16日 拜访10家", WED)
    assert report.metrics == {"visits": 10}
    report = parse_report("日报 3/17\n拜访：9", WED)
    assert report.metrics == {"visits": 9}


@pytest.mark.parametrize(
    ("text", "blockers", "next_steps"),
    [
        ("拜访5家。问题：仓库发货慢。明天：回访华联超市", ["仓库发货慢"], ["回访华联超市"]),
        (
            "拜访5家\n困难：\n1. 物流延迟两天\n2. 客户要求账期延长",
            ["物流延迟两天", "客户要求账期延长"],
            [],
        ),
        (
            "拜访5家\n阻碍：审批太慢\n下一步：\n- 跟进合同\n- 催回款",
            ["审批太慢"],
            ["跟进合同", "催回款"],
        ),
        (
            "Visits: 5\nIssues:\n- truck broke down\n- no promo material\nPlan for tomorrow:\n- 6 visits in Minhang\n- call buyer",
            ["truck broke down", "no promo material"],
            ["6 visits in Minhang", "call buyer"],
        ),
        (
            "5 visits. Blocker: finance hasn't approved the discount. Next: call Hualian",
            ["finance hasn't approved the discount"],
            ["call Hualian"],
        ),
        (
            "5 visits. Problems: price too high; competitor promo",
            ["price too high", "competitor promo"],
            [],
        ),
        ("拜访8家，成交2单\n【存在问题】物流慢\n【明日计划】拜访10家", ["物流慢"], ["拜访10家"]),
        ("拜访5家。问题：1.物流慢 2.缺货 3.价格高", ["物流慢", "缺货", "价格高"], []),
        ("拜访5家。问题：无。明天：继续跑市场", [], ["继续跑市场"]),
        ("拜访5家，明天拜访10家新网点", [], ["明天拜访10家新网点"]),
        (
            "Visited 5 stores. Tomorrow I will visit Carrefour.",
            [],
            ["Tomorrow I will visit Carrefour"],
        ),
        ("拜访9家。仓库又没发货，客户投诉了。", ["仓库又没发货，客户投诉了"], []),
        ("Visits 4. Delivery delayed again", ["Delivery delayed again"], []),
    ],
)
def test_sections(text: str, blockers: list[str], next_steps: list[str]) -> None:
    report = parse_report(text, WED)
    assert list(report.blockers) == blockers
    assert list(report.next_steps) == next_steps


@pytest.mark.parametrize(
    ("text", "metrics"),
    [
        ("拜访5家。明天：拜访10家，成交3单", {"visits": 5}),
        ("Visits 5. Tomorrow: visit 8 new outlets", {"visits": 5}),
        ("Visits 5\nNext steps:\n- 20 calls\n- 3 orders from Walmart", {"visits": 5}),
        ("拜访5家。问题：客户订单少了3单", {"visits": 5}),
        ("Issue: warehouse late.\nSales today 12k", {"sales": 12000}),
    ],
)
def test_figures_in_plans_and_blockers_do_not_count(text: str, metrics: dict[str, float]) -> None:
    assert read(text)[1] == metrics


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("拜访 -3 家", "parse.warning.negative"),
        ("visits 500", "parse.warning.implausible"),
        ("销售额 999999999", "parse.warning.implausible"),
        ("visits 2.5", "parse.warning.not_whole"),
        ("hello there", "parse.warning.no_figures"),
        ("", "parse.warning.no_figures"),
        ("2026-04-01 visits 5", "parse.warning.future_date"),
        ("2025-11-01 visits 5", "parse.warning.old_date"),
    ],
)
def test_untrusted_values_become_warnings(text: str, warning: str) -> None:
    report = parse_report(text, WED)
    assert warning in [w.key for w in report.warnings]
    if warning in (
        "parse.warning.negative",
        "parse.warning.implausible",
        "parse.warning.not_whole",
    ):
        assert report.metrics == {}


def test_text_without_figures_is_an_empty_report() -> None:
    report = parse_report("今天在公司开会，没有出去", WED)
    assert report.is_empty
    assert report.date == WED


def test_oversized_text_is_cut_with_a_warning() -> None:
    report = parse_report("拜访5家。" + "很" * 100_000, WED)
    assert report.metrics == {"visits": 5}
    assert "parse.warning.truncated" in [w.key for w in report.warnings]


def test_a_team_can_add_its_own_metric() -> None:
    from bot.report_parser import Lexicon
    from knowledge import parse_metric

    displays = parse_metric(
        "displays", {"kind": "count", "max": 50, "words": {"zh": ["陈列"], "en": ["displays"]}}
    )
    lex = Lexicon.build({"displays": displays})
    report = parse_report("拜访5家，陈列3个", WED, lexicon=lex)
    assert report.metrics == {"visits": 5, "displays": 3}
    assert parse_report("拜访5家，陈列3个", WED).metrics == {"visits": 5}


@pytest.mark.parametrize(
    ("text", "metrics"),
    [
        ("sales 10^30", {}),  # a power is not a figure
        ("sales \x1b[31m5k", {"sales": 5000}),  # a pasted terminal colour code is not 31m
    ],
)
def test_powers_and_escape_codes_are_not_figures(text: str, metrics: dict[str, float]) -> None:
    assert read(text)[1] == metrics


def test_traditional_and_simplified_blockers_are_one_blocker() -> None:
    from bot.store.blockers import blocker_key

    assert blocker_key("倉庫發貨慢") == blocker_key("仓库发货慢")


def test_a_teams_own_metrics_come_from_its_settings_and_are_cached() -> None:
    from bot.report_parser import default_lexicon, team_lexicon

    settings = {
        "displays": {"kind": "count", "max": 50, "words": {"zh": ["陈列"], "en": ["displays"]}}
    }
    lex = team_lexicon(settings)
    assert team_lexicon(dict(settings)) is lex  # same content, same compiled lexicon
    assert team_lexicon(None) is default_lexicon()
    assert parse_report("拜访5家，陈列3个", WED, lexicon=lex).metrics == {
        "visits": 5,
        "displays": 3,
    }
