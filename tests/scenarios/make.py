"""Writes the rule-base scenarios in this folder: `python tests/scenarios/make.py`.

Every file is a small, realistic organisation in the contract's scenario format
(contracts §1) with its expectation under `_expect` (keys starting with `_` are
comments to the scenario loader):

    "_expect": {"fires": [{"rule": "...", "subject": "..."}], "silent": ["rule ids"]}

`silent: ["*"]` means no finding at all (the healthy teams).

The shape is always the same healthy team: reps who report every working day
in plain words (Chinese or English) with their next steps, bottom-up targets
close to their own drafts and to last month, a pace around 1.0–1.2, collections
tracking sales, weekly review meetings, recent training, coaching, an incentive
scheme and a complete ten-part plan document. Each `<rule>.fire.json` changes
only what its rule is about; each `<rule>.near.json` changes it to just inside
the threshold. Figures are computed from a *pace path*: the cumulative pace a
rep should show as of each working day of the month, so a design like "behind
pace for exactly the last two reports" is written down as such.

The generator checks its own output: every report text is read back with the
product's report parser and must give exactly the figures, blockers and next
steps it was written from (so a near miss is not moved by a misread figure).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import chinese_calendar

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

RULE_IDS: tuple[str, ...] = (
    "goal.no_target",
    "goal.target_beyond_history",
    "goal.flat_uplift",
    "goal.topdown_far_above_draft",
    "goal.unreachable_pace",
    "goal.discouraged_sinking",
    "execution.no_next_steps",
    "execution.behind_streak",
    "execution.busy_without_results",
    "execution.sales_ahead_of_collections",
    "execution.targeted_metric_idle",
    "execution.targets_not_broken_down",
    "execution.plan_document_incomplete",
    "process.cross_function_blocker",
    "process.recurring_blocker",
    "process.blocker_left_open",
    "mechanism.reports_stopped",
    "mechanism.team_mostly_behind",
    "mechanism.no_review_meeting",
    "mechanism.no_training",
    "mechanism.no_incentive_scheme",
    "management.unacknowledged_escalation",
    "management.behind_without_coaching",
    "management.gap_without_revision",
)

D = dt.date
Pace = Callable[[int, int], float]  # (elapsed working day e, elapsed today n) -> cumulative pace


# ---- calendars (written independently of bot.plans, so the tests check it) -----------------


def is_workday(day: dt.date, workdays: str) -> bool:
    if workdays == "cn":
        return bool(chinese_calendar.is_workday(day))
    if workdays == "mon-sat":
        return day.weekday() < 6
    return day.weekday() < 5


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def workdays_in(start: dt.date, end: dt.date, workdays: str) -> list[dt.date]:
    return [d for d in days(start, end) if is_workday(d, workdays)]


def workday_on_or_before(day: dt.date, workdays: str) -> dt.date:
    while not is_workday(day, workdays):
        day -= dt.timedelta(days=1)
    return day


# ---- pace paths ----------------------------------------------------------------------------


def steady(pace: float) -> Pace:
    """The same cumulative pace every day."""
    return lambda e, n: pace


def tail(before: float, last: Sequence[float]) -> Pace:
    """`before` until the last len(last) working days up to today, then those paces in order."""

    def pace(e: int, n: int) -> float:
        k = len(last) - (n - e)  # position in `last` (0-based) of day e
        return last[k - 1] if 1 <= k <= len(last) else before

    return pace


def from_day(before: float, start: int, after: float) -> Pace:
    """`before` until working day `start` of the month, `after` from it on."""
    return lambda e, n: after if e >= start else before


# ---- the organisation ----------------------------------------------------------------------

NEXT_ZH = (
    "回访华联超市，确认补货",
    "跟进永辉采购的新品进场",
    "拜访三家新网点",
    "准备周五的陈列检查",
    "给大润发送新品样品",
    "约经销商谈二季度政策",
    "回访上周下单的便利店",
    "整理本周客户拜访计划",
)
NEXT_EN = (
    "call the Hualian buyer about the reorder",
    "visit two new outlets in Pudong",
    "follow up with Metro on the new shelf",
    "check the display at Carrefour Gubei",
    "send samples to the RT-Mart buyer",
    "review next week's route with the lead",
    "revisit the corner shops that ordered last week",
    "prepare the tasting day at Lotus",
)


@dataclass
class Rep:
    """One field rep and how their month goes."""

    id: str
    name: str
    lang: str = "zh"
    level: float = 10000.0  # average daily sales last month
    uplift: float = 1.08  # this month's sales target / last month's sales
    pace: Pace = field(default_factory=lambda: steady(1.1))
    over_draft: float | None = 0.05  # target / draft - 1; None: no draft
    basis: str | None = "bottom_up"
    target: bool = True
    target_round: int = 1000
    target_value: int | None = None  # instead of uplift x last month
    target_period: str | None = None  # e.g. "2026-Q1" instead of the month (value x 3)
    active: bool = True
    collect: float = 0.85  # collections / sales, day by day
    collections_target: bool = False
    extra_targets: tuple[tuple[str, float], ...] = ()  # (metric, value) this month
    reports_from: dt.date | None = None  # a new rep's first report
    history_from: dt.date | None = None  # when last month's reports start (default: its first day)
    history: bool = True
    last_report: dt.date | None = None  # stops reporting after this day
    reported_today: bool = True
    noise: float = 0.12
    coached_days_ago: int | None = 3
    # per report day: {"next": None | str, "blocker": str, "extra": str, "visits": int,
    #   "orders": int, "sales": int, "new_outlets": int}; keys are dates, or ints counting
    #   this month's report days from the end (-1 = the last one)
    days: dict[Any, dict[str, Any]] = field(default_factory=dict)
    busy: tuple[int, ...] | None = None  # orders on each of the last len(busy) report days


@dataclass
class Org:
    """One team, its people and its history, as seen on `today`."""

    today: dt.date
    reps: list[Rep]
    workdays: str = "mon-fri"
    team: str = "east"
    team_name: str = "华东一组"
    region: str = "华东"
    lead: tuple[str, str, str] = ("li", "李娜", "zh")
    manager: tuple[str, str, str] = ("wang", "王强", "zh")
    timezone: str = "Asia/Shanghai"
    settings: dict[str, Any] = field(default_factory=dict)
    meetings_days_ago: tuple[int, ...] | None = None  # None: weekly on the first working day
    training_days_ago: int | None = 26
    incentive_days_ago: int | None = 72
    plan_missing: tuple[str, ...] = ()
    plan_document: bool = True
    plan_period: str | None = None  # e.g. "2026-Q1" instead of the month
    events: list[dict[str, Any]] = field(default_factory=list)
    team_targets: list[dict[str, Any]] = field(default_factory=list)
    seed: int = 7


SECTIONS_ZH = {
    "situation_analysis": "区域内KA渠道增长放缓，社区便利店增长快；主要竞品在永辉、华联做买赠。",
    "volume_target": "本月销售额按个人草案汇总，经理核定后分解到每人每周。",
    "cost_target": "促销费用不超过销售额的4%，陈列费按门店等级核定。",
    "sales_area": "浦东、闵行两区的KA门店和社区便利店。",
    "timing": "每周一对进度，月中25日前完成全月70%。",
    "strategy": "KA保陈列、保补货；便利店推新品小规格装。",
    "organisation": "组长负责KA，三名业务员按片区分管便利店。",
    "action_steps": "每人每天拜访8家以上，每周开发一家新网点。",
    "process_control": "每日晚报，每周一例会复盘，组长每周随访一次。",
    "result_evaluation": "月底按达成率和回款率考核，结果与奖金挂钩。",
}
SECTIONS_EN = {
    "situation_analysis": "Supermarkets flat, convenience stores growing; a rival runs promotions at Metro.",
    "volume_target": "The month's sales are the reps' own drafts, confirmed by the manager, split by week.",
    "cost_target": "Promotion spend under 4% of sales; display fees by store grade.",
    "sales_area": "North district supermarkets and convenience stores.",
    "timing": "Progress checked every Monday; 70% of the month done by the 25th.",
    "strategy": "Keep shelves and reorders in supermarkets; push the small pack in convenience stores.",
    "organisation": "The lead covers key accounts; each rep owns a district.",
    "action_steps": "Eight visits a day per rep; one new outlet a week each.",
    "process_control": "Daily report, Monday review meeting, weekly ride-along by the lead.",
    "result_evaluation": "Attainment and collections at month end, tied to the bonus.",
}


def money_zh(value: int) -> str:
    if value >= 10000 and value % 100 == 0:
        return f"{value / 10000:g}万"
    return f"{value}元"


def report_text(lang: str, f: dict[str, Any]) -> str:
    """One day's report in the rep's own words."""
    visits, orders, sales, coll = f["visits"], f["orders"], f["sales"], f["collections"]
    outlets, blocker, extra, nxt = f.get("new_outlets"), f.get("blocker"), f.get("extra"), f["next"]
    if lang == "zh":
        parts = [f"拜访{visits}家", f"成交{orders}单"]
        if sales:
            parts.append(f"销售额{money_zh(sales)}")
        if coll:
            parts.append(f"回款{money_zh(coll)}")
        if outlets:
            parts.append(f"新开网点{outlets}家")
        text = "，".join(parts) + "。"
        if blocker:
            text += f"问题：{blocker}。"
        if extra:
            text += extra
        if nxt:
            text += f"明天：{nxt}"
        return text
    parts = [f"Visited {visits} stores", f"{orders} orders"]
    if sales:
        parts.append(f"sales {sales:,}")
    if coll:
        parts.append(f"collected {coll:,}")
    if outlets:
        parts.append(f"{outlets} new outlet" + ("s" if outlets > 1 else ""))
    text = ", ".join(parts) + "."
    if blocker:
        text += f" Blocker: {blocker}."
    if extra:
        text += " " + extra
    if nxt:
        text += f" Next: {nxt}"
    return text


def _history(rep: Rep, org: Org, rng: random.Random) -> tuple[list[dict[str, Any]], float]:
    """Last month's reports and its sales total."""
    start, end = month_of(month_of(org.today)[0] - dt.timedelta(days=1))
    start = max(start, rep.history_from or start)
    out, total = [], 0.0
    for day in workdays_in(start, end, org.workdays):
        sales = int(round(rep.level * rng.uniform(0.88, 1.12), -2))
        total += sales
        out.append(_figures(rep, day, sales, rng))
    return out, total


def _figures(rep: Rep, day: dt.date, sales: int, rng: random.Random) -> dict[str, Any]:
    orders = max(1, round(sales / rng.uniform(3200, 4200))) if sales else 0
    visits = max(orders + 4, rng.randint(7, 10))
    nexts = NEXT_ZH if rep.lang == "zh" else NEXT_EN
    return {
        "day": day,
        "visits": visits,
        "orders": orders,
        "sales": sales,
        "collections": int(round(sales * rep.collect, -2)),
        "next": nexts[rng.randrange(len(nexts))],
    }


def _month(rep: Rep, org: Org, target: float, rng: random.Random) -> list[dict[str, Any]]:
    """This month's reports, from the rep's pace path."""
    first, last_day = month_of(org.today)
    cal = workdays_in(first, last_day, org.workdays)
    total = len(cal)
    upto = [d for d in cal if d <= org.today]
    n = len(upto)
    reported = [
        d
        for d in upto
        if (rep.reports_from is None or d >= rep.reports_from)
        and (rep.last_report is None or d <= rep.last_report)
        and (rep.reported_today or d != org.today)
    ]
    out: list[dict[str, Any]] = []
    done = 0
    for day in reported:
        if not rep.target:  # no plan to pace against: an ordinary day's work
            out.append(_figures(rep, day, int(round(rep.level * rng.uniform(0.88, 1.12), -2)), rng))
            continue
        e = upto.index(day) + 1
        # full noise early in the month; the last 8 working days only wobble a little, so a
        # designed pace holds to within 0.3% there
        amp = min(rep.noise, 0.03) if n - e < 8 else rep.noise
        jitter = rng.uniform(-amp, amp)
        goal = rep.pace(e, n) * target * (e + jitter) / total
        sales = int(round(goal - done, -2))
        if sales < 0:
            raise ValueError(f"{rep.id}: pace path falls on {day} ({goal:.0f} < {done:.0f})")
        done += sales
        out.append(_figures(rep, day, sales, rng))
    if rep.busy:
        window = out[-len(rep.busy) :]
        pooled = sum(f["sales"] for f in window)
        lots = sum(rep.busy)
        for f, orders in zip(window, rep.busy, strict=True):
            f["visits"], f["orders"] = 11, orders
            f["sales"] = int(round(pooled * orders / lots, -2))
            f["collections"] = int(round(pooled / len(window) * rep.collect, -2))
    for key, change in rep.days.items():
        spot = (
            next((f for f in out if f["day"] == key), None)
            if isinstance(key, dt.date)
            else out[key]
        )
        if spot is None:
            raise ValueError(f"{rep.id}: no report on {key}")
        spot.update(change)
    return out


def build(org: Org, expect: dict[str, Any], note: str) -> dict[str, Any]:
    rng = random.Random(org.seed)
    first, _ = month_of(org.today)
    period = f"{first.year}-{first.month:02d}"
    lead_id, lead_name, lead_lang = org.lead
    mgr_id, mgr_name, mgr_lang = org.manager
    people: list[dict[str, Any]] = [
        {"id": mgr_id, "name": mgr_name, "role": "manager", "lang": mgr_lang, "telegram_id": 1001},
        {
            "id": lead_id,
            "name": lead_name,
            "role": "lead",
            "team": org.team,
            "lang": lead_lang,
            "telegram_id": 1002,
        },
    ]
    targets: list[dict[str, Any]] = list(org.team_targets)
    entries: list[dict[str, Any]] = []
    for i, rep in enumerate(org.reps):
        person: dict[str, Any] = {
            "id": rep.id,
            "name": rep.name,
            "role": "rep",
            "team": org.team,
            "lang": rep.lang,
            "telegram_id": 1010 + i,
        }
        if not rep.active:
            person["active"] = False
        people.append(person)
        history, hist_total = _history(rep, org, rng) if rep.history else ([], 0.0)
        value = rep.target_value or int(
            round(rep.uplift * (hist_total or rep.level * 21), -len(str(rep.target_round)) + 1)
        )
        if rep.target:
            scale = 3 if rep.target_period and "Q" in rep.target_period else 1
            t: dict[str, Any] = {
                "person": rep.id,
                "metric": "sales",
                "period": rep.target_period or period,
                "value": value * scale,
            }
            if rep.over_draft is not None:
                t["draft"] = int(round(value * scale / (1 + rep.over_draft), -3))
            if rep.basis:
                t["basis"] = rep.basis
            targets.append(t)
            if rep.collections_target:
                coll = {
                    "person": rep.id,
                    "metric": "collections",
                    "period": rep.target_period or period,
                    "value": int(round(value * scale * rep.collect, -3)),
                    "basis": "bottom_up",
                }
                targets.append(coll)
        for metric, amount in rep.extra_targets:
            targets.append(
                {
                    "person": rep.id,
                    "metric": metric,
                    "period": period,
                    "value": amount,
                    "basis": "bottom_up",
                }
            )
        for f in [*history, *_month(rep, org, value, rng)]:
            entries.append(
                {
                    "person": rep.id,
                    "date": f["day"].isoformat(),
                    "text": report_text(rep.lang, f),
                    "_f": f,
                    "_lang": rep.lang,
                }
            )
    entries.sort(key=lambda r: (r["date"], [p["id"] for p in people].index(r["person"])))
    _verify(entries, org)
    reports = [{k: v for k, v in r.items() if not k.startswith("_")} for r in entries]

    events: list[dict[str, Any]] = []

    def ago(n: int) -> str:
        return workday_on_or_before(org.today - dt.timedelta(days=n), "mon-fri").isoformat()

    if org.meetings_days_ago is None:
        monday = org.today - dt.timedelta(days=org.today.weekday())
        for week in range(4, -1, -1):
            day = monday - dt.timedelta(days=7 * week)
            while not is_workday(day, org.workdays):
                day += dt.timedelta(days=1)
            if day <= org.today:
                events.append(
                    {
                        "kind": "meeting",
                        "team": org.team,
                        "by": lead_id,
                        "date": day.isoformat(),
                        "text": "周例会：过进度、定下周重点"
                        if lead_lang == "zh"
                        else "weekly review: progress and next week's focus",
                    }
                )
    else:
        for n in sorted(org.meetings_days_ago, reverse=True):
            events.append(
                {
                    "kind": "meeting",
                    "team": org.team,
                    "by": lead_id,
                    "date": ago(n),
                    "text": "周例会" if lead_lang == "zh" else "weekly review",
                }
            )
    if org.training_days_ago is not None:
        events.append(
            {
                "kind": "training",
                "team": org.team,
                "by": mgr_id,
                "date": ago(org.training_days_ago),
                "text": "本期计划和新品卖点培训"
                if lead_lang == "zh"
                else "training on this quarter's plan and the new range",
            }
        )
    if org.incentive_days_ago is not None:
        events.append(
            {
                "kind": "incentive_scheme",
                "team": org.team,
                "by": mgr_id,
                "date": ago(org.incentive_days_ago),
                "text": "月度奖金与计划达成率、回款率挂钩"
                if mgr_lang == "zh"
                else "monthly bonus on plan attainment and collections",
            }
        )
    for rep in org.reps:
        if rep.coached_days_ago is not None:
            day = workday_on_or_before(
                org.today - dt.timedelta(days=rep.coached_days_ago), org.workdays
            )
            events.append(
                {
                    "kind": "coaching",
                    "by": lead_id,
                    "person": rep.id,
                    "date": day.isoformat(),
                    "text": "一起过了重点客户的补货计划"
                    if lead_lang == "zh"
                    else "went through the key accounts' reorder plan together",
                }
            )
    events.extend(org.events)
    events.sort(key=lambda e: e["date"])

    plans = []
    if org.plan_document:
        sections = SECTIONS_ZH if lead_lang == "zh" else SECTIONS_EN
        plans.append(
            {
                "team": org.team,
                "period": org.plan_period or period,
                "sections": {k: v for k, v in sections.items() if k not in org.plan_missing},
            }
        )

    team: dict[str, Any] = {
        "id": org.team,
        "name": org.team_name,
        "lead": lead_id,
        "manager": mgr_id,
        "region": org.region,
        "settings": org.settings,
    }
    return {
        "_note": note,
        "_expect": expect,
        "scenario": 1,
        "today": org.today.isoformat(),
        "timezone": org.timezone,
        "workdays": org.workdays,
        "people": people,
        "teams": [team],
        "targets": targets,
        "reports": reports,
        "events": events,
        "plan_documents": plans,
    }


def _verify(entries: Iterable[dict[str, Any]], org: Org) -> None:
    """Every text must read back as the figures it was written from."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bot.report_parser import parse_report

    for r in entries:
        f, day = r["_f"], r["_f"]["day"]
        parsed = parse_report(r["text"], day)
        want = {
            k: f[k]
            for k in ("visits", "orders", "sales", "collections", "new_outlets")
            if f.get(k) or k in ("visits", "orders")
        }
        got = dict(parsed.metrics)
        if got != want:
            raise ValueError(f"{r['text']!r} reads as {got}, not {want}")
        if list(parsed.next_steps) != ([f["next"]] if f["next"] else []):
            raise ValueError(f"{r['text']!r}: next steps read as {parsed.next_steps}")
        if list(parsed.blockers) != ([f["blocker"]] if f.get("blocker") else []):
            raise ValueError(f"{r['text']!r}: blockers read as {parsed.blockers}")
        if parsed.date != day:
            raise ValueError(f"{r['text']!r}: dated {parsed.date}, not {day}")
        if not is_workday(day, org.workdays):
            raise ValueError(f"report on a day off: {day}")


# ---- the scenarios -------------------------------------------------------------------------

TODAY = D(2026, 3, 18)  # a Wednesday; the weekend of 14–15 March lies before it


def base_reps() -> list[Rep]:
    """The small healthy team: three reps, two writing in Chinese and one in English."""
    return [
        Rep(
            "zhang",
            "张伟",
            "zh",
            level=10000,
            uplift=1.08,
            pace=steady(1.1),
            over_draft=0.05,
            coached_days_ago=2,
        ),
        Rep(
            "chen",
            "陈静",
            "zh",
            level=12000,
            uplift=1.12,
            pace=steady(1.05),
            over_draft=0.0,
            collections_target=True,
            coached_days_ago=6,
        ),
        Rep(
            "amy",
            "Amy Chen",
            "en",
            level=9000,
            uplift=1.02,
            pace=steady(1.15),
            over_draft=0.08,
            coached_days_ago=1,
        ),
    ]


def with_rep(reps: list[Rep], rep_id: str, **changes: Any) -> list[Rep]:
    return [replace(r, **changes) if r.id == rep_id else r for r in reps]


def everyone(reps: list[Rep], **changes: Any) -> list[Rep]:
    return [replace(r, **changes) for r in reps]


ALL = list(RULE_IDS)


def expect_fire(
    rule: str, subject: str, *, also: Sequence[str] = (), extra: Sequence[tuple[str, str]] = ()
) -> dict[str, Any]:
    """`rule` fires for `subject`; every other rule stays silent except the collateral `also`."""
    fires = [{"rule": rule, "subject": subject}, *({"rule": r, "subject": s} for r, s in extra)]
    named = {rule, *also, *(r for r, _ in extra)}
    return {"fires": fires, "silent": [r for r in ALL if r not in named]}


def expect_near(rule: str, *, also: Sequence[str] = ()) -> dict[str, Any]:
    """Nothing fires, except the collateral `also`; `rule` above all must stay silent."""
    return {"fires": [], "silent": [r for r in ALL if r not in also]}


def scenarios() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}

    def add(name: str, org: Org, expect: dict[str, Any], note: str) -> None:
        out[name] = build(org, expect, note)

    # ---- healthy teams ---------------------------------------------------------------------
    cn_today = D(2026, 4, 9)  # Thursday after the Qingming break (4–6 April, Sat–Mon)
    add(
        "healthy",
        Org(
            cn_today,
            [
                Rep(
                    "zhang",
                    "张伟",
                    "zh",
                    level=10000,
                    uplift=1.06,
                    pace=steady(1.12),
                    over_draft=0.04,
                    coached_days_ago=2,
                ),
                Rep(
                    "chen",
                    "陈静",
                    "zh",
                    level=12500,
                    uplift=1.1,
                    pace=steady(1.05),
                    over_draft=0.0,
                    collections_target=True,
                    coached_days_ago=8,
                ),
                Rep(
                    "zhao",
                    "赵磊",
                    "zh",
                    level=8000,
                    uplift=0.98,
                    pace=steady(1.18),
                    over_draft=0.02,
                    collect=0.9,
                    coached_days_ago=1,
                ),
                Rep(
                    "amy",
                    "Amy Chen",
                    "en",
                    level=9000,
                    uplift=1.14,
                    pace=steady(1.08),
                    over_draft=0.08,
                    reported_today=False,
                    coached_days_ago=3,
                ),
            ],
            workdays="cn",
            seed=11,
        ),
        {"fires": [], "silent": ["*"]},
        "A well-run team on the official Chinese calendar, seen on Thursday 9 April 2026, right "
        "after the Qingming break (4–6 April): nobody reported on the holiday, and that is no missed "
        "report. Four reps report every working day in Chinese or English with next steps (Amy has "
        "not sent today's yet); bottom-up targets within 0–8% of their drafts and -2%–+14% of March; "
        "paces 1.05–1.18; collections about 85–90% of sales; weekly meetings, training 26 days ago, "
        "an incentive scheme, coaching, a complete ten-part plan document. No finding at all.",
    )
    add(
        "healthy-en",
        Org(
            D(
                2026, 6, 16
            ),  # a Tuesday; the team works Monday to Saturday, so Sunday 14 June is off
            [
                Rep(
                    "amy",
                    "Amy Chen",
                    "en",
                    level=9500,
                    uplift=1.05,
                    pace=steady(1.1),
                    over_draft=0.03,
                    coached_days_ago=2,
                ),
                Rep(
                    "ben",
                    "Ben Ho",
                    "en",
                    level=11000,
                    uplift=1.12,
                    pace=steady(1.02),
                    over_draft=0.06,
                    collections_target=True,
                    collect=0.88,
                    coached_days_ago=5,
                ),
                Rep(
                    "carl",
                    "Carl Tan",
                    "en",
                    level=7000,
                    uplift=0.97,
                    pace=steady(1.2),
                    over_draft=0.0,
                    coached_days_ago=1,
                ),
                Rep(
                    "dana",
                    "Dana Lee",
                    "en",
                    level=8500,
                    uplift=1.09,
                    pace=steady(1.07),
                    over_draft=0.1,
                    coached_days_ago=9,
                ),
            ],
            workdays="mon-sat",
            team="north",
            team_name="North Team",
            region="North",
            lead=("mike", "Mike Lin", "en"),
            manager=("sara", "Sarah Koh", "en"),
            timezone="Asia/Singapore",
            training_days_ago=40,
            incentive_days_ago=160,
            seed=23,
        ),
        {"fires": [], "silent": ["*"]},
        "A well-run English-speaking team working Monday to Saturday, seen on Tuesday 16 June 2026 "
        "(Sunday 14 June off): four reps report every working day with next steps, bottom-up targets "
        "close to drafts and to May, paces 1.02–1.2, collections tracking sales, weekly meetings, "
        "training 40 days ago, an incentive scheme, coaching and a complete plan document. No finding.",
    )

    add(
        "healthy-sunday",
        Org(D(2026, 3, 15), base_reps(), seed=5),
        {"fires": [], "silent": ["*"]},
        "The small healthy team (Chinese and English reports, Mon–Fri) seen on Sunday 15 March: "
        "everyone reported on Friday; the weekend is no missed report and does not count against "
        "anyone's pace. No finding at all.",
    )

    # ---- goal ------------------------------------------------------------------------------
    newcomer = Rep(
        "sun", "孙磊", "zh", level=6000, target=False, history=False, coached_days_ago=None
    )
    add(
        "goal.no_target.fire",
        Org(TODAY, [*base_reps(), replace(newcomer, reports_from=D(2026, 3, 12))]),
        expect_fire("goal.no_target", "sun"),
        "Sun Lei joined on 12 March and has sent 5 reports, but was given no target this month.",
    )
    add(
        "goal.no_target.near",
        Org(TODAY, [*base_reps(), replace(newcomer, reports_from=TODAY)]),
        expect_near("goal.no_target"),
        "Sun Lei joined today and sent his first report (1 < min_reports 2); no target yet is normal.",
    )

    add(
        "goal.no_target.near-quarter-target",
        Org(TODAY, everyone(base_reps(), target_period="2026-Q1")),
        expect_near(
            "goal.no_target",
            also=[
                "goal.unreachable_pace",
                "execution.behind_streak",
                "mechanism.team_mostly_behind",
                "management.gap_without_revision",
            ],
        ),
        "Every rep has a sales target for the quarter 2026-Q1 (contracts §1 allows quarter periods) "
        "rather than per month: they do have a target this period. The file holds no January "
        "reports, so against the quarter the team is behind — those pace findings are right.",
    )
    add(
        "goal.target_beyond_history.fire",
        Org(
            TODAY,
            with_rep(
                base_reps(), "zhang", uplift=1.6, pace=steady(1.0), over_draft=None, basis=None
            ),
        ),
        expect_fire("goal.target_beyond_history", "zhang"),
        "Zhang's March sales target is 1.6x his best month (February, 20 report days); ratio 1.5 is the limit. "
        "He is working flat out, so his pace is 1.0 and nothing else is wrong.",
    )
    add(
        "goal.target_beyond_history.near",
        Org(
            TODAY,
            with_rep(
                base_reps(), "zhang", uplift=1.45, pace=steady(1.0), over_draft=None, basis=None
            ),
        ),
        expect_near("goal.target_beyond_history"),
        "Zhang's target is 1.45x his best month: ambitious, but inside the 1.5 limit.",
    )
    add(
        "goal.target_beyond_history.near-short-history",
        Org(
            TODAY,
            with_rep(
                base_reps(),
                "zhang",
                uplift=2.0,
                pace=steady(1.0),
                over_draft=None,
                basis=None,
                history_from=D(2026, 2, 18),
            ),
        ),
        expect_near("goal.target_beyond_history"),
        "Zhang started on 18 February: 8 report days of history (< min_history_days 10), so his "
        "part-month is no measure of what he can do, even though the target is 2x it.",
    )

    add(
        "goal.target_beyond_history.near-part-month",
        Org(
            TODAY,
            with_rep(
                base_reps(),
                "zhang",
                target_value=242000,
                pace=steady(1.0),
                over_draft=None,
                basis=None,
                history_from=D(2026, 2, 12),
            ),
        ),
        expect_near("goal.target_beyond_history"),
        "Zhang joined on 12 February (12 report days, about 10,000 a day). His March target of "
        "242,000 is 22 working days at 1.1x his daily rate — about twice his part-month total, "
        "but not far above what he has shown he can do.",
    )

    flat = [
        Rep(
            "zhang",
            "张伟",
            "zh",
            level=10000,
            uplift=1.15,
            basis=None,
            over_draft=None,
            target_round=100,
            coached_days_ago=2,
        ),
        Rep(
            "chen",
            "陈静",
            "zh",
            level=12000,
            uplift=1.15,
            basis=None,
            over_draft=None,
            target_round=100,
            pace=steady(1.05),
            collections_target=True,
            coached_days_ago=6,
        ),
        Rep(
            "amy",
            "Amy Chen",
            "en",
            level=9000,
            uplift=1.15,
            basis=None,
            over_draft=None,
            target_round=100,
            pace=steady(1.15),
            coached_days_ago=1,
        ),
    ]
    add(
        "goal.flat_uplift.fire",
        Org(TODAY, flat),
        expect_fire("goal.flat_uplift", "east"),
        "All three March sales targets are February's actual sales plus exactly 15% (spread 0 <= 0.03): "
        "last period plus a percentage, though nobody wrote that down as the basis.",
    )
    add(
        "goal.flat_uplift.near",
        Org(
            TODAY,
            [
                replace(flat[0], uplift=1.13),
                replace(flat[1], uplift=1.15),
                replace(flat[2], uplift=1.165),
            ],
        ),
        expect_near("goal.flat_uplift"),
        "Uplifts of 13%, 15% and 16.5% on February: a spread of 0.035, just over max_spread 0.03 — "
        "targets that differ by person.",
    )
    add(
        "goal.flat_uplift.fire-basis",
        Org(TODAY, everyone(base_reps(), basis="last_period_plus", over_draft=None)),
        expect_fire("goal.flat_uplift", "east"),
        "Every target's stated basis is last_period_plus (3 of 3, share 1.0 >= 0.8).",
    )
    add(
        "goal.flat_uplift.near-share",
        Org(
            TODAY,
            with_rep(
                everyone(base_reps(), basis="last_period_plus", over_draft=None),
                "chen",
                basis="bottom_up",
            ),
        ),
        expect_near("goal.flat_uplift"),
        "Two of three targets are last period plus a percentage (share 0.67 < min_share 0.8), uplifts differ.",
    )

    add(
        "goal.topdown_far_above_draft.fire",
        Org(
            TODAY,
            with_rep(
                base_reps(), "zhang", uplift=1.3, pace=steady(1.0), basis="top_down", over_draft=0.4
            ),
        ),
        expect_fire("goal.topdown_far_above_draft", "zhang"),
        "Zhang drafted a target near his February sales; head office set it 40% above his draft (gap 0.3).",
    )
    add(
        "goal.topdown_far_above_draft.near",
        Org(
            TODAY,
            with_rep(
                base_reps(),
                "zhang",
                uplift=1.25,
                pace=steady(1.0),
                basis="top_down",
                over_draft=0.28,
            ),
        ),
        expect_near("goal.topdown_far_above_draft"),
        "The top-down target is 28% above Zhang's draft: inside the 0.3 gap.",
    )

    late = D(2026, 3, 25)  # 18 of 22 working days gone, 4 left
    add(
        "goal.unreachable_pace.fire",
        Org(late, with_rep(base_reps(), "zhang", pace=steady(0.83))),
        expect_fire("goal.unreachable_pace", "zhang"),
        "25 March, 4 working days left: Zhang is at pace 0.83, so he needs about 2.1x his daily "
        "rate for the rest of the month (factor 2.0).",
    )
    add(
        "goal.unreachable_pace.near",
        Org(late, with_rep(base_reps(), "zhang", pace=steady(0.86))),
        expect_near("goal.unreachable_pace"),
        "25 March, pace 0.86: he needs about 1.9x his daily rate — hard, but under factor 2.0.",
    )

    gloomy = "这个月目标太高了，感觉完不成。"
    add(
        "goal.discouraged_sinking.fire",
        Org(TODAY, with_rep(base_reps(), "zhang", pace=steady(0.85), days={-2: {"extra": gloomy}})),
        expect_fire("goal.discouraged_sinking", "zhang"),
        "Yesterday Zhang wrote 目标太高了，完不成 while his pace is 0.85 (< 0.9).",
    )
    add(
        "goal.discouraged_sinking.near",
        Org(TODAY, with_rep(base_reps(), "zhang", pace=steady(0.93), days={-2: {"extra": gloomy}})),
        expect_near("goal.discouraged_sinking"),
        "The same words, but his pace is 0.93 (>= 0.9): a grumble, not a broken plan.",
    )
    add(
        "goal.discouraged_sinking.near-old-words",
        Org(
            TODAY,
            with_rep(
                base_reps(), "zhang", pace=steady(0.85), days={D(2026, 3, 6): {"extra": gloomy}}
            ),
        ),
        expect_near("goal.discouraged_sinking"),
        "Pace 0.85, but the discouraged words were written on Friday 6 March, 8 working days "
        "(12 calendar days) ago: outside the 7-day window however it is counted.",
    )
    add(
        "goal.discouraged_sinking.fire-working-days",
        Org(
            TODAY,
            with_rep(
                base_reps(), "zhang", pace=steady(0.85), days={D(2026, 3, 10): {"extra": gloomy}}
            ),
        ),
        expect_fire("goal.discouraged_sinking", "zhang"),
        "Pace 0.85; the words were written on Tuesday 10 March: 6 working days ago (8 calendar days, "
        "a weekend between). docs/rules.md counts `days` in working days unless the rule says "
        "calendar days, and this rule does not: inside the 7-day window.",
    )

    # ---- execution -------------------------------------------------------------------------
    add(
        "execution.no_next_steps.fire",
        Org(
            TODAY,
            with_rep(
                base_reps(),
                "zhang",
                pace=steady(0.85),
                days={-k: {"next": None} for k in range(1, 7)},
            ),
        ),
        expect_fire("execution.no_next_steps", "zhang"),
        "Zhang's last 6 reports have no next steps (5 needed), and he is behind (pace 0.85 < 0.9).",
    )
    add(
        "execution.no_next_steps.near",
        Org(
            TODAY,
            with_rep(
                base_reps(),
                "zhang",
                pace=steady(0.85),
                days={-k: {"next": None} for k in range(1, 5)},
            ),
        ),
        expect_near("execution.no_next_steps"),
        "Zhang is behind (0.85), but only his last 4 reports lack next steps (5 are needed).",
    )

    add(
        "execution.behind_streak.fire",
        Org(TODAY, with_rep(base_reps(), "zhang", pace=tail(0.9, [0.84, 0.79, 0.78, 0.77]))),
        expect_fire("execution.behind_streak", "zhang"),
        "Zhang's pace was 0.84 four reports ago, then 0.79, 0.78, 0.77: 3 reports in a row under 0.8.",
    )
    add(
        "execution.behind_streak.near",
        Org(TODAY, with_rep(base_reps(), "zhang", pace=tail(0.9, [0.86, 0.81, 0.79, 0.78]))),
        expect_near("execution.behind_streak"),
        "Zhang dropped under 0.8 only in his last 2 reports (0.79, 0.78; 3 are needed).",
    )

    add(
        "execution.busy_without_results.fire",
        Org(TODAY, with_rep(base_reps(), "zhang", busy=(1, 0, 0, 1, 0, 1, 0, 0, 1, 1))),
        expect_fire("execution.busy_without_results", "zhang"),
        "Over the last 10 working days Zhang made 110 visits and 5 orders (rate 0.045 < 0.05); "
        "the few orders were large, so his sales pace holds.",
    )
    add(
        "execution.busy_without_results.near",
        Org(TODAY, with_rep(base_reps(), "zhang", busy=(1, 0, 1, 1, 0, 1, 0, 0, 1, 1))),
        expect_near("execution.busy_without_results"),
        "110 visits and 6 orders in 10 working days: rate 0.055, just above 0.05.",
    )

    add(
        "execution.sales_ahead_of_collections.fire",
        Org(TODAY, with_rep(base_reps(), "zhang", collect=0.25)),
        expect_fire("execution.sales_ahead_of_collections", "zhang"),
        "Zhang collects about a quarter of what he sells (ratio 0.25 < 0.3).",
    )
    add(
        "execution.sales_ahead_of_collections.near",
        Org(TODAY, with_rep(base_reps(), "zhang", collect=0.33)),
        expect_near("execution.sales_ahead_of_collections"),
        "Zhang collects about a third of what he sells (ratio 0.33 >= 0.3).",
    )

    outlets = (("new_outlets", 4),)
    add(
        "execution.targeted_metric_idle.fire",
        Org(TODAY, with_rep(base_reps(), "zhang", extra_targets=outlets)),
        expect_fire(
            "execution.targeted_metric_idle",
            "zhang",
            also=("execution.behind_streak", "management.gap_without_revision"),
        ),
        "Zhang has a target of 4 new outlets and has not opened one in 13 working days (13 reports). "
        "Being at pace 0 on it also makes him (and the team's new-outlet figure) behind.",
    )
    add(
        "execution.targeted_metric_idle.near",
        Org(D(2026, 3, 5), with_rep(base_reps(), "zhang", extra_targets=outlets)),
        expect_near("execution.targeted_metric_idle", also=("execution.behind_streak",)),
        "5 March: only 4 working days gone (min_elapsed 5), no new outlet yet.",
    )
    add(
        "execution.targeted_metric_idle.near-one-outlet",
        Org(
            TODAY,
            with_rep(
                base_reps(),
                "zhang",
                extra_targets=outlets,
                days={D(2026, 3, 16): {"new_outlets": 1}},
            ),
        ),
        expect_near(
            "execution.targeted_metric_idle",
            also=(
                "execution.behind_streak",
                "goal.unreachable_pace",
                "management.gap_without_revision",
            ),
        ),
        "Zhang opened one new outlet on 16 March: behind on it (3 more in 9 days), but not idle.",
    )

    add(
        "execution.targets_not_broken_down.fire",
        Org(
            TODAY,
            base_reps(),
            team_targets=[
                {
                    "team": "east",
                    "metric": "new_outlets",
                    "period": "2026-03",
                    "value": 12,
                    "basis": "top_down",
                }
            ],
        ),
        expect_fire("execution.targets_not_broken_down", "east"),
        "The team has a March target of 12 new outlets that was never split among its people.",
    )
    add(
        "execution.targets_not_broken_down.near",
        Org(
            TODAY,
            base_reps(),
            team_targets=[
                {
                    "team": "east",
                    "metric": "sales",
                    "period": "2026-03",
                    "value": 700000,
                    "basis": "top_down",
                }
            ],
        ),
        expect_near("execution.targets_not_broken_down"),
        "The team's March sales target is split among all three reps (each has one).",
    )

    gaps = ("cost_target", "process_control", "result_evaluation")
    add(
        "execution.plan_document_incomplete.fire",
        Org(TODAY, everyone(base_reps(), pace=steady(0.86)), plan_missing=gaps),
        expect_fire("execution.plan_document_incomplete", "east"),
        "The March plan document lacks cost target, process control and result evaluation, and the "
        "team is behind (pace 0.86 < 0.9).",
    )
    add(
        "execution.plan_document_incomplete.near",
        Org(TODAY, everyone(base_reps(), pace=steady(0.93)), plan_missing=gaps),
        expect_near("execution.plan_document_incomplete"),
        "The same three parts are missing, but the team is on plan (0.93 >= 0.9): nothing to nag about.",
    )
    add(
        "execution.plan_document_incomplete.near-quarter-document",
        Org(TODAY, everyone(base_reps(), pace=steady(0.86)), plan_period="2026-Q1"),
        expect_near("execution.plan_document_incomplete"),
        "The team is behind (0.86), but its plan execution document, written for the quarter "
        "2026-Q1, has all ten parts.",
    )
    add(
        "execution.plan_document_incomplete.fire-none",
        Org(TODAY, everyone(base_reps(), pace=steady(0.86)), plan_document=False),
        expect_fire("execution.plan_document_incomplete", "east"),
        "No plan document at all for March, and the team is behind (0.86).",
    )

    # ---- process ---------------------------------------------------------------------------
    add(
        "process.cross_function_blocker.fire",
        Org(
            TODAY,
            with_rep(base_reps(), "zhang", days={-2: {"blocker": "仓库发货慢，华联的货还没到"}}),
        ),
        expect_fire("process.cross_function_blocker", "zhang"),
        "Yesterday Zhang reported that the warehouse ships late (仓库发货慢): another function's hand-off.",
    )
    add(
        "process.cross_function_blocker.near",
        Org(
            TODAY,
            with_rep(base_reps(), "zhang", days={-1: {"blocker": "仓库发货慢，华联的货还没到"}}),
        ),
        expect_near("process.cross_function_blocker"),
        "Zhang reported the late warehouse shipment today (open 0 working days, min_days 1): the lead "
        "gets a working day to sort it out before the coach speaks.",
    )
    add(
        "process.cross_function_blocker.near-own-matter",
        Org(
            TODAY,
            with_rep(base_reps(), "zhang", days={-2: {"blocker": "客户老板出差，订单推迟到下周"}}),
        ),
        expect_near("process.cross_function_blocker"),
        "Yesterday's blocker is the customer's owner being away — a customer matter, no other function.",
    )

    rival = "竞品在永辉做买赠，客户在观望"
    add(
        "process.recurring_blocker.fire",
        Org(
            TODAY,
            with_rep(
                base_reps(),
                "zhang",
                days={
                    D(2026, 3, 13): {"blocker": rival},
                    D(2026, 3, 16): {"blocker": rival},
                    TODAY: {"blocker": rival},
                },
            ),
        ),
        expect_fire("process.recurring_blocker", "zhang"),
        "The same blocker (a rival's promotion at Yonghui) in 3 reports since 13 March (times 3).",
    )
    add(
        "process.recurring_blocker.near",
        Org(
            TODAY,
            with_rep(
                base_reps(),
                "zhang",
                days={D(2026, 3, 16): {"blocker": rival}, TODAY: {"blocker": rival}},
            ),
        ),
        expect_near("process.recurring_blocker"),
        "The same blocker twice (3 needed).",
    )
    add(
        "process.recurring_blocker.fire-en",
        Org(
            TODAY,
            with_rep(
                base_reps(),
                "amy",
                days={
                    D(2026, 3, 13): {"blocker": "Competitor running buy-one-get-one at Metro"},
                    D(2026, 3, 16): {"blocker": "competitor running buy one get one at Metro"},
                    TODAY: {"blocker": "competitor running buy-one-get-one at metro"},
                },
            ),
        ),
        expect_fire("process.recurring_blocker", "amy"),
        "Amy names the same blocker three times, with different case and hyphens.",
    )

    waiting = "客户老板出差，订单推迟到下周"
    add(
        "process.blocker_left_open.fire",
        Org(
            TODAY,
            with_rep(
                base_reps(),
                "zhang",
                days={D(2026, 3, 10): {"blocker": waiting}, D(2026, 3, 17): {"blocker": waiting}},
            ),
        ),
        expect_fire("process.blocker_left_open", "zhang"),
        "A blocker first reported on 10 March (6 working days open) and mentioned again yesterday.",
    )
    add(
        "process.blocker_left_open.near",
        Org(
            TODAY,
            with_rep(
                base_reps(),
                "zhang",
                days={D(2026, 3, 12): {"blocker": waiting}, D(2026, 3, 17): {"blocker": waiting}},
            ),
        ),
        expect_near("process.blocker_left_open"),
        "First reported on 12 March: 4 working days open (5 needed).",
    )
    add(
        "process.blocker_left_open.near-not-seen",
        Org(
            TODAY,
            with_rep(
                base_reps(),
                "zhang",
                days={D(2026, 3, 5): {"blocker": waiting}, D(2026, 3, 12): {"blocker": waiting}},
            ),
        ),
        expect_near("process.blocker_left_open"),
        "Open since 5 March but last mentioned on 12 March, 4 working days ago (seen_within 3): "
        "it looks settled.",
    )

    # ---- mechanism -------------------------------------------------------------------------
    add(
        "mechanism.reports_stopped.fire",
        Org(TODAY, with_rep(base_reps(), "zhang", pace=steady(1.2), last_report=D(2026, 3, 12))),
        expect_fire("mechanism.reports_stopped", "zhang"),
        "Zhang's last report was Thursday 12 March: he missed 13, 16 and 17 March (3 working days; "
        "today does not count yet).",
    )
    add(
        "mechanism.reports_stopped.near",
        Org(TODAY, with_rep(base_reps(), "zhang", pace=steady(1.2), last_report=D(2026, 3, 13))),
        expect_near("mechanism.reports_stopped"),
        "Last report Friday 13 March: 2 working days missed (16, 17 March); the weekend does not count.",
    )
    add(
        "mechanism.reports_stopped.near-left",
        Org(TODAY, with_rep(base_reps(), "zhang", last_report=D(2026, 3, 6), active=False)),
        expect_near("mechanism.reports_stopped"),
        "Zhang left the company after 6 March (active: false): his silence is no missed report.",
    )
    add(
        "mechanism.reports_stopped.near-weekend",
        Org(
            D(2026, 3, 17),
            with_rep(base_reps(), "zhang", pace=steady(1.2), last_report=D(2026, 3, 12)),
        ),
        expect_near("mechanism.reports_stopped"),
        "Tuesday 17 March, last report Thursday 12: Friday and Monday missed (2), the weekend is no miss.",
    )
    add(
        "mechanism.reports_stopped.near-holiday",
        Org(
            D(2026, 4, 8),
            with_rep(base_reps(), "zhang", pace=steady(1.6), last_report=D(2026, 4, 2)),
            workdays="cn",
        ),
        expect_near("mechanism.reports_stopped"),
        "Chinese calendar, Wednesday 8 April: Zhang last reported on Thursday 2 April; he missed 3 and "
        "7 April (2); 4–6 April is the Qingming break, not a missed report (on Mon–Fri it would be 3). "
        "He opened the month with a big order (pace 1.6 on 2 April), so his pace stays plausible.",
    )

    add(
        "mechanism.team_mostly_behind.fire",
        Org(
            TODAY,
            with_rep(
                with_rep(base_reps(), "zhang", pace=tail(0.88, [0.84, 0.79, 0.78])),
                "chen",
                pace=tail(0.88, [0.84, 0.79, 0.78]),
            ),
        ),
        expect_fire("mechanism.team_mostly_behind", "east"),
        "Zhang and Chen both slipped under 0.8 in the last two days (0.79, 0.78); Amy is at 1.15: "
        "2 of 3 behind (share 0.67 >= 0.6).",
    )
    add(
        "mechanism.team_mostly_behind.near",
        Org(
            TODAY,
            with_rep(
                with_rep(base_reps(), "zhang", pace=tail(0.88, [0.84, 0.82, 0.81])),
                "chen",
                pace=tail(0.88, [0.84, 0.82, 0.81]),
            ),
        ),
        expect_near("mechanism.team_mostly_behind"),
        "Zhang and Chen are at 0.81 (not under 0.8): nobody counts as behind.",
    )
    add(
        "mechanism.team_mostly_behind.near-first-day",
        Org(
            D(2026, 3, 2),
            with_rep(with_rep(base_reps(), "zhang", pace=steady(0.75)), "chen", pace=steady(0.78)),
            meetings_days_ago=(0, 7, 14),
        ),
        expect_near("mechanism.team_mostly_behind"),
        "Monday 2 March, the month's first working day: Zhang and Chen had a slow day (0.75 and 0.78 "
        "of the daily plan), Amy a good one. One day's figures say nothing about the system; the "
        "other pace rules wait for min_elapsed working days too.",
    )
    add(
        "mechanism.team_mostly_behind.near-two-people",
        Org(
            TODAY,
            [
                r
                for r in with_rep(
                    with_rep(base_reps(), "zhang", pace=tail(0.88, [0.84, 0.79, 0.78])),
                    "chen",
                    pace=tail(0.88, [0.84, 0.79, 0.78]),
                )
                if r.id != "amy"
            ],
        ),
        expect_near("mechanism.team_mostly_behind"),
        "A team of two, both slipping under 0.8: min_people 3 — a person problem, not yet a system one.",
    )

    behind_team = everyone(base_reps(), pace=steady(0.86))
    add(
        "mechanism.no_review_meeting.fire",
        Org(TODAY, behind_team, meetings_days_ago=(29, 22, 15)),
        expect_fire("mechanism.no_review_meeting", "east"),
        "The last review meeting was 15 days ago (limit 14) and the team is behind (0.86 < 0.9).",
    )
    add(
        "mechanism.no_review_meeting.near",
        Org(TODAY, behind_team, meetings_days_ago=(27, 20, 13)),
        expect_near("mechanism.no_review_meeting"),
        "The last review meeting was 13 days ago (limit 14); the team is behind (0.86).",
    )
    add(
        "mechanism.no_review_meeting.near-on-plan",
        Org(TODAY, base_reps(), meetings_days_ago=()),
        expect_near("mechanism.no_review_meeting"),
        "No meeting on record, but the team is on plan (pace >= 1.05): it is not nagged.",
    )

    add(
        "mechanism.no_training.fire",
        Org(TODAY, behind_team, training_days_ago=96),
        expect_fire("mechanism.no_training", "east"),
        "The last training was 96 days ago (limit 90) and the team is behind (0.86).",
    )
    add(
        "mechanism.no_training.near",
        Org(TODAY, behind_team, training_days_ago=89),
        expect_near("mechanism.no_training"),
        "The last training was 89 days ago (limit 90).",
    )

    add(
        "mechanism.no_incentive_scheme.fire",
        Org(TODAY, behind_team, incentive_days_ago=None),
        expect_fire("mechanism.no_incentive_scheme", "east"),
        "No incentive scheme on record and the team is behind (0.86).",
    )
    add(
        "mechanism.no_incentive_scheme.near",
        Org(TODAY, behind_team, incentive_days_ago=362),
        expect_near("mechanism.no_incentive_scheme"),
        "The incentive scheme was set 362 days ago (limit 365).",
    )
    add(
        "mechanism.no_incentive_scheme.fire-old",
        Org(TODAY, behind_team, incentive_days_ago=370),
        expect_fire("mechanism.no_incentive_scheme", "east"),
        "The only incentive scheme is 370 days old (limit 365).",
    )

    # ---- management ------------------------------------------------------------------------
    def escalation(day: dt.date) -> dict[str, Any]:
        return {
            "kind": "escalation",
            "team": "east",
            "person": "zhang",
            "by": "zhang",
            "date": day.isoformat(),
            "text": "华联要求降价8%才续约，需要经理拍板",
        }

    add(
        "management.unacknowledged_escalation.fire",
        Org(TODAY, base_reps(), events=[escalation(D(2026, 3, 13))]),
        expect_fire("management.unacknowledged_escalation", "east"),
        "Zhang escalated a pricing decision on 13 March (5 days ago); nobody acknowledged it (limit 2 days).",
    )
    add(
        "management.unacknowledged_escalation.near",
        Org(TODAY, base_reps(), events=[escalation(D(2026, 3, 17))]),
        expect_near("management.unacknowledged_escalation"),
        "The escalation came yesterday (1 day < 2): still time to answer.",
    )
    add(
        "management.unacknowledged_escalation.near-acknowledged",
        Org(
            TODAY,
            base_reps(),
            events=[
                escalation(D(2026, 3, 13)),
                {
                    "kind": "acknowledgement",
                    "by": "li",
                    "person": "zhang",
                    "team": "east",
                    "date": "2026-03-14",
                    "text": "收到，周一和经理一起答复",
                },
            ],
        ),
        expect_near("management.unacknowledged_escalation"),
        "The 13 March escalation was acknowledged by the lead the next day.",
    )

    slipping = tail(0.9, [0.84, 0.79, 0.78, 0.77, 0.76, 0.755, 0.75])
    add(
        "management.behind_without_coaching.fire",
        Org(TODAY, with_rep(base_reps(), "zhang", pace=slipping, coached_days_ago=20)),
        expect_fire(
            "management.behind_without_coaching", "zhang", also=("execution.behind_streak",)
        ),
        "Zhang has been under 0.8 for the last 6 working days (0.79 → 0.75) and was last coached 20 days ago.",
    )
    add(
        "management.behind_without_coaching.near",
        Org(
            TODAY,
            with_rep(
                base_reps(),
                "zhang",
                pace=tail(0.9, [0.83, 0.79, 0.78, 0.77, 0.76]),
                coached_days_ago=20,
            ),
        ),
        expect_near("management.behind_without_coaching", also=("execution.behind_streak",)),
        "Zhang has been under 0.8 for 4 working days (5 needed); last coached 20 days ago.",
    )
    add(
        "management.behind_without_coaching.near-coached",
        Org(TODAY, with_rep(base_reps(), "zhang", pace=slipping, coached_days_ago=7)),
        expect_near("management.behind_without_coaching", also=("execution.behind_streak",)),
        "Under 0.8 for 6 working days, but his lead coached him 7 days ago (coaching_within 7).",
    )

    add(
        "management.gap_without_revision.fire",
        Org(TODAY, everyone(base_reps(), pace=from_day(0.95, 3, 0.83), noise=0.03)),
        expect_fire("management.gap_without_revision", "east"),
        "The team has been under 0.85 since 4 March (11 working days, limit 10) and the plan was "
        "never revised.",
    )
    add(
        "management.gap_without_revision.near",
        Org(TODAY, everyone(base_reps(), pace=from_day(0.95, 5, 0.83), noise=0.03)),
        expect_near("management.gap_without_revision"),
        "The team has been under 0.85 since 6 March: 9 working days (10 needed).",
    )
    add(
        "management.gap_without_revision.fire-revised-before-gap",
        Org(
            TODAY,
            everyone(base_reps(), pace=from_day(0.95, 3, 0.83), noise=0.03),
            events=[
                {
                    "kind": "plan_revised",
                    "by": "li",
                    "team": "east",
                    "date": "2026-03-02",
                    "text": "月初把月计划拆到了周",
                }
            ],
        ),
        expect_fire("management.gap_without_revision", "east"),
        "The plan was revised on 2 March, before the gap opened on 4 March; since then 11 working "
        "days under 0.85 and no correction from the feedback.",
    )
    add(
        "management.gap_without_revision.near-revised",
        Org(
            TODAY,
            everyone(base_reps(), pace=from_day(0.95, 3, 0.83), noise=0.03),
            events=[
                {
                    "kind": "plan_revised",
                    "by": "li",
                    "team": "east",
                    "date": "2026-03-10",
                    "text": "按实际进度重排了后三周的计划",
                }
            ],
        ),
        expect_near("management.gap_without_revision"),
        "The same 11-day gap, but the lead revised the plan on 10 March.",
    )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="build and check, write nothing")
    args = parser.parse_args(argv)
    built = scenarios()
    if not args.dry_run:
        for old in HERE.glob("*.json"):
            if old.stem not in built:
                old.unlink()
        for name, data in built.items():
            (HERE / f"{name}.json").write_text(
                json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
    print(f"{len(built)} scenarios", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
