"""The demo's February: the month before, so "last month" has figures and targets.

The team reported through the bot from 2 February. Before the Spring Festival
(17 February) shops stock up and sales run high; the office is closed from
16 to 23 February (the official holiday, 15–23), and after it trade is slow.
Fourteen report days of twenty working days: short of a complete month, so
February is not taken as the history a March target is judged against.
Each rep already shows the habit they have in March, without blockers: those
start with March. Tom still wrote what he would do next in February.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from bot.demo.wording import en_day, zh_day

FIRST = dt.date(2026, 2, 2)
LAST = dt.date(2026, 2, 27)
HOLIDAY = (dt.date(2026, 2, 16), dt.date(2026, 2, 23))  # 春节 (Spring Festival)
SEED = 20260202

# person: (sales target, visits target); February's are lower for the holiday
TARGETS = {
    "zhang": (190000, 130),
    "chen": (150000, 120),
    "zhao": (180000, 130),
    "liu": (170000, 120),
    "amy": (170000, 100),
    "tom": (180000, 110),
    "he": (140000, 120),
    "ben": (200000, 120),
}
EXTRA_TARGETS = [("ben", "collections", 150000), ("zhang", "new_outlets", 8)]


def workdays() -> list[dt.date]:
    """February's report days: Monday to Friday, the Spring Festival off."""
    days, day = [], FIRST
    while day <= LAST:
        if day.weekday() < 5 and not HOLIDAY[0] <= day <= HOLIDAY[1]:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def targets(bases: dict[str, str]) -> list[dict[str, Any]]:
    """February's targets, each on the basis its person's March target has."""
    out: list[dict[str, Any]] = []
    for person, (sales, visits) in TARGETS.items():
        for metric, value in (("sales", sales), ("visits", visits)):
            out.append(
                {
                    "person": person,
                    "metric": metric,
                    "period": "2026-02",
                    "value": value,
                    "basis": bases[person],
                }
            )
    for person, metric, value in EXTRA_TARGETS:
        basis = "bottom_up" if person == "ben" else "top_down"
        out.append(
            {
                "person": person,
                "metric": metric,
                "period": "2026-02",
                "value": value,
                "basis": basis,
            }
        )
    return out


def _day(rng: random.Random, day: dt.date, after: bool) -> list[tuple[str, str]]:
    """Every rep's report of one day, before or after the festival."""
    back = after and day == dt.date(2026, 2, 24)
    zh_back, en_back = ("节后第一天。", "First day back after the holiday. ") if back else ("", "")
    r = rng.randint
    if after:
        chen = zh_day(
            rng, r(8, 9), r(2, 3), r(7000, 9000), r(8000, 10000), "。明天：回访老客户，确认节后补货"
        )
        zhang = zh_day(rng, r(5, 8), r(1, 2), r(5000, 7000), r(3000, 5000), "。明天：拜访新客户")
        zhao = zh_day(rng, r(4, 6), r(0, 1), r(2000, 4000), r(1000, 2500))
        liu = zh_day(rng, r(7, 9), r(2, 3), r(7000, 9000), r(6000, 8000))
        amy = en_day(
            rng,
            r(6, 8),
            r(2, 3),
            r(8000, 10000),
            r(7000, 9000),
            "\nTomorrow: follow up with Carrefour",
        )
        tom = en_day(
            rng,
            r(12, 16),
            r(0, 1),
            r(1000, 3000),
            r(1000, 2000),
            "\nTomorrow: visit 15 more stores",
        )
        ben = en_day(
            rng,
            r(7, 9),
            r(3, 4),
            r(10000, 12000),
            r(1000, 2500),
            "\nTomorrow: call the Hualian buyer",
        )
    else:
        chen = zh_day(
            rng, r(9, 11), r(4, 5), r(11500, 13500), r(10000, 12500), "。明天：跟进华联年货补货"
        )
        zhang = zh_day(rng, r(6, 9), r(2, 3), r(8000, 11000), r(4000, 7000), "。明天：拜访新客户")
        zhao = zh_day(rng, r(5, 7), r(1, 2), r(4000, 7000), r(2000, 4000))
        liu = zh_day(rng, r(8, 10), r(2, 4), r(10000, 12000), r(7000, 10000))
        amy = en_day(
            rng,
            r(7, 9),
            r(3, 4),
            r(11000, 14000),
            r(9000, 12000),
            "\nTomorrow: check the Carrefour New Year display",
        )
        tom = en_day(
            rng,
            r(12, 16),
            r(1, 2),
            r(3000, 6000),
            r(1500, 3000),
            "\nTomorrow: cover more stores in Tianhe",
        )
        ben = en_day(
            rng,
            r(8, 10),
            r(3, 5),
            r(13000, 16000),
            r(500, 2000),
            "\nTomorrow: call the Hualian buyer",
        )
    if day.day % 2:
        low, high = (6, 8) if after else (10, 13)
        he = f"今日拜訪{r(8, 10)}家，成交{r(3, 4)}單，銷售額{r(low, high) / 10:.1f}萬，回款{r(6, 8)}千"
    else:
        sales = r(6500, 8500) if after else r(10500, 12500)
        he = zh_day(rng, r(8, 10), r(3, 4), sales, r(6000, 8000), "。明天：回访老客户")
    return [
        ("chen", zh_back + chen),
        ("zhang", zh_back + zhang),
        ("zhao", zhao),
        ("liu", liu),
        ("amy", en_back + amy),
        ("tom", tom),
        ("he", he),
        ("ben", en_back + ben),
    ]


def reports() -> list[dict[str, Any]]:
    """February's reports in date order; their own random sequence leaves March's as it was."""
    rng = random.Random(SEED)
    return [
        {"person": person, "date": day.isoformat(), "text": text}
        for day in workdays()
        for person, text in _day(rng, day, day > HOLIDAY[1])
    ]
