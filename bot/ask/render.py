"""Answers as short text a lead reads on a phone: numbers, a bar, pace, one next action."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, get_args

import knowledge
from bot.i18n import Lang, t
from bot.plans import Period, PeriodKind
from bot.report_view import format_number, metric_label
from knowledge.questions import question_words

BAR = 10
MAX_LINES = 12


def bar(share: float | None) -> str:
    """`▓▓▓▓▓░░░░░ 48%` — how much of the target is done."""
    if share is None:
        return ""
    filled = max(0, min(BAR, round(share * BAR)))
    return "▓" * filled + "░" * (BAR - filled) + f" {share:.0%}"


def num(value: float | None, metric: str, lang: Lang) -> str:
    if value is None:
        return t("ask.na", lang)
    spec = knowledge.metrics().get(metric)
    rounded = round(value) if abs(value) >= 10 or float(value).is_integer() else round(value, 1)
    return format_number(rounded, lang, money=bool(spec and spec.kind == "money"))


def count(key: str, n: int, lang: Lang) -> str:
    """ "1 day" / "3 days": `key.one` for one, `key` otherwise (Chinese has one form)."""
    return t(f"{key}.one" if n == 1 else key, lang, n=n)


def days(n: int, lang: Lang) -> str:
    return t("ask.days.none", lang) if n <= 0 else count("ask.days", n, lang)


def last_report(day: str | None, lang: Lang) -> str:
    """ "last report 2026-03-17", or "no report yet"."""
    return t("ask.last_report", lang, date=day) if day else t("ask.no_report_yet", lang)


def next_action(kind: str, lang: Lang, **values: Any) -> str:
    """One next action from the knowledge base, filled in."""
    action = question_words().next_actions[kind]
    try:
        text = action.text(lang).format(**values)
    except (KeyError, IndexError, ValueError):
        text = action.text(lang)
    return "👉 " + text[:1].upper() + text[1:]


_MONEY_FIRST = ("sales", "collections")
FLAT = 0.02  # a change within ±2% of the other period reads as level


def amount(value: float | None, metric: str, lang: Lang) -> str:
    """ "销售额 5.77万元" / "1.7 new outlets": a number with its metric and unit."""
    shown = num(value, metric, lang)
    if metric in knowledge.CANONICAL_METRICS:  # each has its unit: 家, 单, 元 …
        return t(f"ask.amount.{metric}", lang, value=shown)
    return t("ask.amount", lang, metric=metric_label(metric, lang), value=shown)


def _importance(metric: str, f: Mapping[str, Any]) -> tuple[int, float]:
    """Money first — sales, then collections, then any other money — then the largest
    relative shortfall (the lowest pace, else the lowest share of the target done)."""
    spec = knowledge.metrics().get(metric)
    rank = _MONEY_FIRST.index(metric) if metric in _MONEY_FIRST else 2
    if rank == 2 and not (spec and spec.kind == "money"):
        rank = 3
    done = f["pace"] if f["pace"] is not None else f.get("attainment")
    return rank, done if done is not None else 0.0


def focus(
    metrics: list[tuple[str, Mapping[str, Any]]],
) -> tuple[str, Mapping[str, Any]] | None:
    """The metric an advice line is about: of those behind pace (else of those with a
    gap still open), the one that matters most (`_importance`); None when all are met."""
    open_gap = [(m, f) for m, f in metrics if f["gap"]]
    behind = [(m, f) for m, f in open_gap if f["pace"] is not None and f["pace"] < 1.0]
    pool = behind or open_gap
    return min(pool, key=lambda mf: _importance(*mf)) if pool else None


def direction(metrics: Mapping[str, Mapping[str, Any]], asked: str | None) -> tuple[str, str]:
    """(main metric, "up" / "flat" / "down") of a comparison: the metric asked, else
    sales, else collections, else the first one shown."""
    main = next((m for m in (asked, *_MONEY_FIRST) if m and m in metrics), next(iter(metrics)))
    m = metrics[main]
    if m["change_pct"] is not None:
        change = m["change_pct"]
        way = "up" if change >= FLAT else "down" if change <= -FLAT else "flat"
    else:
        way = "up" if m["change"] > 0 else "down" if m["change"] < 0 else "flat"
    return main, way


def metric_lines(metrics: Mapping[str, Mapping[str, Any]], lang: Lang) -> list[str]:
    lines = []
    for metric, f in metrics.items():
        lines.append(
            t(
                "ask.metric",
                lang,
                metric=metric_label(metric, lang),
                actual=num(f["actual"], metric, lang),
                target=num(f["target"], metric, lang),
                bar=bar(f["attainment"]),
            )
        )
        pace = t("ask.na", lang) if f["pace"] is None else f"{f['pace']:.0%}"
        lines.append(
            "   "
            + t(
                "ask.pace",
                lang,
                pace=pace,
                forecast=num(f["forecast"], metric, lang),
                needed=_needed(f, metric, lang),
            )
        )
    return lines


def _needed(f: Mapping[str, Any], metric: str, lang: Lang) -> str:
    if not f["gap"]:
        return t("ask.met", lang)
    if f["needed_per_day"] is None:
        return t("ask.missed", lang, gap=num(f["gap"], metric, lang))
    return t("ask.needed", lang, value=num(f["needed_per_day"], metric, lang))


def period_label(start: str, end: str, lang: Lang) -> str:
    if start == end:
        return start
    return t("ask.period.range", lang, start=start, end=end)


_SHIFT_NAMES = {("day", 0): "today", ("day", -1): "yesterday", ("week", 0): "this_week"}
_SHIFT_NAMES |= {("week", -1): "last_week", ("month", 0): "this_month", ("month", -1): "last_month"}
_SHIFT_NAMES |= {("quarter", 0): "this_quarter", ("quarter", -1): "last_quarter"}
_SHIFT_NAMES |= {("year", 0): "this_year", ("year", -1): "last_year"}


def period_name(start: str, end: str, today: str, lang: Lang) -> str:
    """本周 / last month / Q1 2026 / 3/2026 when start..end is a whole calendar period, else ""."""
    first, last, now = (dt.date.fromisoformat(d) for d in (start, end, today))
    kinds: tuple[PeriodKind, ...] = get_args(PeriodKind)
    for kind in kinds:
        period = Period.containing(kind, first)
        if (period.start, period.end) != (first, last):
            continue
        for shift in (0, -1):
            if Period.containing(kind, now).shift(shift) == period:
                return t(f"ask.period.{_SHIFT_NAMES[(kind, shift)]}", lang)
        if kind == "month":
            return t("ask.period.month", lang, year=first.year, m=first.month)
        if kind == "quarter":
            return t("ask.period.quarter", lang, year=first.year, q=(first.month - 1) // 3 + 1)
        return ""
    return ""


def named_period(whole: Mapping[str, str], part: Mapping[str, str], today: str, lang: Lang) -> str:
    """ "this week (2026-03-16 – 2026-03-18)": the period's name, then the days counted."""
    name = period_name(whole["start"], whole["end"], today, lang)
    days = period_label(part["start"], part["end"], lang)
    return t("ask.period.named", lang, name=name, days=days) if name else days
