"""Writes bot/demo/demo.json: the demo organisation and its reports since February.

Deterministic (fixed seeds); run it again after changing it:
    .venv/bin/python -m bot.demo.generate
Two teams, a manager, two leads, eight reps; report texts in Chinese and English
written the way reps write them, so the demo goes through the report reader.
Each rep has a habit that shows one kind of problem; two reps are healthy.
February (the month before, with the Spring Festival) is in bot/demo/february.py.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from bot.demo import february
from bot.demo.wording import en_day, zh_day

TODAY = dt.date(2026, 3, 18)
START = dt.date(2026, 3, 2)
OUT = Path(__file__).with_name("demo.json")

PEOPLE: list[dict[str, Any]] = [
    {"id": "wang", "name": "王强", "role": "manager", "lang": "zh", "telegram_id": 9001},
    {"id": "li", "name": "李娜", "role": "lead", "team": "east", "lang": "zh", "telegram_id": 9002},
    {
        "id": "mike",
        "name": "Mike Lin",
        "role": "lead",
        "team": "south",
        "lang": "en",
        "telegram_id": 9003,
    },
    {
        "id": "zhang",
        "name": "张伟",
        "role": "rep",
        "team": "east",
        "lang": "zh",
        "telegram_id": 9011,
    },
    {
        "id": "chen",
        "name": "陈静",
        "role": "rep",
        "team": "east",
        "lang": "zh",
        "telegram_id": 9012,
    },
    {
        "id": "zhao",
        "name": "赵磊",
        "role": "rep",
        "team": "east",
        "lang": "zh",
        "telegram_id": 9013,
    },
    {"id": "liu", "name": "刘洋", "role": "rep", "team": "east", "lang": "zh", "telegram_id": 9014},
    {
        "id": "amy",
        "name": "Amy Chen",
        "role": "rep",
        "team": "south",
        "lang": "en",
        "telegram_id": 9021,
    },
    {
        "id": "tom",
        "name": "Tom Wu",
        "role": "rep",
        "team": "south",
        "lang": "en",
        "telegram_id": 9022,
    },
    {"id": "he", "name": "何静", "role": "rep", "team": "south", "lang": "zh", "telegram_id": 9023},
    {
        "id": "ben",
        "name": "Ben Zhou",
        "role": "rep",
        "team": "south",
        "lang": "en",
        "telegram_id": 9024,
    },
]
TEAMS = [
    {
        "id": "east",
        "name": "华东一组",
        "lead": "li",
        "manager": "wang",
        "region": "华东",
        "settings": {},
    },
    {
        "id": "south",
        "name": "South Team",
        "lead": "mike",
        "manager": "wang",
        "region": "华南",
        "settings": {},
    },
]
# person: (sales target, draft, basis, visits target)
TARGETS = {
    "zhang": (300000, 240000, "last_period_plus", 180),
    "chen": (220000, 220000, "bottom_up", 160),
    "zhao": (330000, 200000, "top_down", 180),
    "liu": (260000, None, "last_period_plus", 160),
    "amy": (250000, 230000, "bottom_up", 150),
    "tom": (280000, 180000, "top_down", 150),
    "he": (200000, 180000, "bottom_up", 160),
    "ben": (240000, 220000, "bottom_up", 140),
}


def _workdays() -> list[dt.date]:
    days, day = [], START
    while day <= TODAY:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _reports(rng: random.Random) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n, day in enumerate(_workdays()):
        iso = day.isoformat()
        # 陈静: healthy, on plan, next steps every day
        v, o = rng.randint(8, 10), rng.randint(3, 4)
        out.append(
            {
                "person": "chen",
                "date": iso,
                "text": zh_day(
                    rng,
                    v,
                    o,
                    rng.randint(9800, 11500),
                    rng.randint(9000, 11000),
                    "。明天：回访老客户，跟进华联补货",
                ),
            }
        )
        # 张伟: behind, a warehouse blocker that keeps coming back
        blocker = "。问题：仓库发货慢，客户催货" if n % 4 == 1 else ""
        out.append(
            {
                "person": "zhang",
                "date": iso,
                "text": zh_day(
                    rng,
                    rng.randint(6, 9),
                    rng.randint(1, 3),
                    rng.randint(6000, 9000),
                    rng.randint(3000, 6000),
                    blocker + "。明天：拜访新客户",
                ),
            }
        )
        # 赵磊: far behind a top-down target, discouraged
        words = "。这个目标根本完不成" if n >= 8 and n % 3 == 0 else ""
        out.append(
            {
                "person": "zhao",
                "date": iso,
                "text": zh_day(
                    rng,
                    rng.randint(4, 7),
                    rng.randint(0, 1),
                    rng.randint(2000, 5000),
                    rng.randint(1000, 3000),
                    words,
                ),
            }
        )
        # 刘洋: stops reporting after the first week and a half
        if day <= dt.date(2026, 3, 10):
            out.append(
                {
                    "person": "liu",
                    "date": iso,
                    "text": zh_day(
                        rng,
                        rng.randint(7, 9),
                        rng.randint(2, 3),
                        rng.randint(8000, 10000),
                        rng.randint(6000, 9000),
                    ),
                }
            )
        # Amy: decent, but finance approvals hold her up again and again
        block = " Blocker: finance hasn't approved the discount." if n % 3 == 0 else ""
        out.append(
            {
                "person": "amy",
                "date": iso,
                "text": en_day(
                    rng,
                    rng.randint(6, 8),
                    rng.randint(2, 3),
                    rng.randint(9000, 12000),
                    rng.randint(7000, 10000),
                    block + "\nTomorrow: follow up with Carrefour",
                ),
            }
        )
        # Tom: busy without results — many visits, almost no orders
        out.append(
            {
                "person": "tom",
                "date": iso,
                "text": en_day(
                    rng,
                    rng.randint(12, 16),
                    rng.randint(0, 1),
                    rng.randint(1000, 3000),
                    rng.randint(1000, 2000),
                ),
            }
        )
        # 何静: on plan, traditional characters sometimes
        if n % 2:
            text = f"今日拜訪{rng.randint(8, 10)}家，成交{rng.randint(3, 4)}單，銷售額{rng.randint(9, 11) / 10:.1f}萬，回款{rng.randint(6, 8)}千"
        else:
            text = zh_day(
                rng,
                rng.randint(8, 10),
                rng.randint(3, 4),
                rng.randint(9000, 11000),
                rng.randint(6000, 8000),
                "。明天：回访老客户",
            )
        out.append({"person": "he", "date": iso, "text": text})
        # Ben: sells well, collects little
        out.append(
            {
                "person": "ben",
                "date": iso,
                "text": en_day(
                    rng,
                    rng.randint(7, 9),
                    rng.randint(3, 4),
                    rng.randint(11000, 14000),
                    rng.randint(500, 2000),
                    "\nTomorrow: call the Hualian buyer",
                ),
            }
        )
    return out


def build() -> dict[str, Any]:
    """The demo scenario as data."""
    rng = random.Random(20260318)
    targets = february.targets({person: basis for person, (_, _, basis, _) in TARGETS.items()})
    for person, (sales, draft, basis, visits) in TARGETS.items():
        entry: dict[str, Any] = {
            "person": person,
            "metric": "sales",
            "period": "2026-03",
            "value": sales,
            "basis": basis,
        }
        if draft is not None:
            entry["draft"] = draft
        targets.append(entry)
        targets.append(
            {
                "person": person,
                "metric": "visits",
                "period": "2026-03",
                "value": visits,
                "basis": basis,
            }
        )
    targets.append(
        {
            "person": "ben",
            "metric": "collections",
            "period": "2026-03",
            "value": 200000,
            "basis": "bottom_up",
        }
    )
    targets.append(
        {
            "person": "zhang",
            "metric": "new_outlets",
            "period": "2026-03",
            "value": 10,
            "basis": "top_down",
        }
    )
    return {
        "scenario": 1,
        "today": TODAY.isoformat(),
        "timezone": "Asia/Shanghai",
        "workdays": "mon-fri",
        "people": PEOPLE,
        "teams": TEAMS,
        "targets": targets,
        "reports": february.reports() + _reports(rng),
        "events": [
            {"kind": "meeting", "team": "east", "date": "2026-02-02", "text": "月度启动会"},
            {"kind": "meeting", "team": "east", "date": "2026-02-09", "text": "节前周例会"},
            {"kind": "meeting", "team": "east", "date": "2026-02-24", "text": "节后收心会"},
            {"kind": "meeting", "team": "east", "date": "2026-03-02", "text": "月度启动会"},
            {"kind": "meeting", "team": "east", "date": "2026-03-09", "text": "周例会"},
            {"kind": "meeting", "team": "east", "date": "2026-03-16", "text": "周例会"},
            {"kind": "training", "team": "east", "date": "2026-02-25", "text": "KA 谈判培训"},
            {
                "kind": "incentive_scheme",
                "team": "east",
                "date": "2026-01-05",
                "text": "月度达成奖金",
            },
            {
                "kind": "coaching",
                "by": "li",
                "person": "zhang",
                "date": "2026-03-11",
                "text": "聚焦老客户补货",
            },
            {"kind": "plan_revised", "by": "li", "team": "east", "date": "2026-03-12"},
        ],
        "plan_documents": [
            {
                "team": "east",
                "period": "2026-03",
                "sections": {
                    "situation_analysis": "竞品在KA渠道降价，老客户补货周期变长",
                    "volume_target": "月销售额111万",
                    "cost_target": "费用率不超过8%",
                    "sales_area": "上海浦东、闵行",
                    "timing": "3月2日至3月31日",
                    "strategy": "老客户补货为主，新网点为辅",
                    "organisation": "四人分片，组长跟KA",
                    "action_steps": "每天8家以上，每周2个新网点",
                    "process_control": "日报+周例会",
                    "result_evaluation": "月底按达成率评估",
                },
            },
            {
                "team": "south",
                "period": "2026-03",
                "sections": {"volume_target": "Monthly sales 970k"},
            },
        ],
    }


def main() -> None:
    """Writes demo.json next to this file."""
    OUT.write_text(json.dumps(build(), ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
