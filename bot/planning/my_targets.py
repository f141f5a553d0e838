"""Day, week and month targets of a person or a team, from the stored monthly targets.

A month's target is spread over its working days (`decompose.days_of_month`);
a week's is the sum of its days, across a month end if need be. A target
stored for the week or the day itself wins over the derived one. Built as
data here; `render_*` turn it into text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import knowledge
from bot.i18n import Lang, t
from bot.planning.decompose import as_number, day_target, quantum_for, span_target
from bot.plans import Calendar, Period, calendar_for
from bot.report_view import format_number, metric_label
from bot.store.repository import Repository
from bot.store.rows import PersonRow, TeamRow


@dataclass(frozen=True, slots=True)
class Targets:
    """One metric's targets for a day, its week and its month."""

    metric: str
    day: int | float
    week: int | float
    month: int | float


def _sum_by(rows: list[tuple[str, str, float]], period: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for metric, label, value in rows:
        if label == period:
            out[metric] = out.get(metric, Decimal(0)) + Decimal(str(value))
    return out


def person_targets(
    repo: Repository, person: PersonRow, today: dt.date, calendar: Calendar
) -> list[Targets]:
    """The person's targets for `today`, its ISO week and its month, per metric."""
    week = Period.containing("week", today)
    start, end = min(week.start, today.replace(day=1)), max(week.end, today)
    rows = [
        (t.metric, t.period, float(t.value))
        for t in repo.targets(person_id=person.id, start=start, end=end)
    ]
    months = {m: _sum_by(rows, m.label) for m in week.months()}
    this_month = Period.containing("month", today)
    months.setdefault(this_month, _sum_by(rows, this_month.label))
    explicit_week, explicit_day = _sum_by(rows, week.label), _sum_by(rows, today.isoformat())
    metrics = sorted(
        {m for per in months.values() for m in per} | set(explicit_week) | set(explicit_day),
        key=_order,
    )
    money = {m for m, d in knowledge.metrics().items() if d.kind == "money"}
    out = []
    for metric in metrics:
        monthly = {p: per[metric] for p, per in months.items() if metric in per}
        quantum = min(
            (quantum_for(v, metric in money) for v in monthly.values()), default=Decimal(1)
        )
        day = explicit_day.get(metric, day_target(monthly, today, calendar, quantum))
        week_value = explicit_week.get(metric, span_target(monthly, week, calendar, quantum))
        month_value = months[this_month].get(metric, Decimal(0))
        out.append(Targets(metric, as_number(day), as_number(week_value), as_number(month_value)))
    return out


def _order(metric: str) -> tuple[int, str]:
    canonical = knowledge.CANONICAL_METRICS
    return (canonical.index(metric) if metric in canonical else 99, metric)


def team_targets(
    repo: Repository, team: TeamRow, today: dt.date
) -> list[tuple[PersonRow, list[Targets]]]:
    """Each member's targets (those with any), in name order."""
    calendar = calendar_for(team.workdays)
    out = []
    for person in sorted(repo.people_in_team(team.id), key=lambda p: p.name):
        targets = person_targets(repo, person, today, calendar)
        if targets:
            out.append((person, targets))
    return out


def _num(value: int | float, metric: str, lang: Lang) -> str:
    spec = knowledge.metrics().get(metric)
    return format_number(value, lang, money=bool(spec and spec.kind == "money"))


def render_person(targets: list[Targets], today: dt.date, lang: Lang, day_off: bool) -> str:
    """`/plan` for one person: a line per metric (today · this week · this month)."""
    if not targets:
        return t("plan.view.none", lang, month=Period.containing("month", today).label)
    lines = [t("plan.view.title", lang, date=today.isoformat())]
    for x in targets:
        day = t("plan.view.day_off", lang) if day_off and not x.day else _num(x.day, x.metric, lang)
        lines.append(
            t(
                "plan.view.metric",
                lang,
                metric=metric_label(x.metric, lang),
                day=day,
                week=_num(x.week, x.metric, lang),
                month=_num(x.month, x.metric, lang),
            )
        )
    return "\n".join(lines)


def render_team(
    team: TeamRow, people: list[tuple[PersonRow, list[Targets]]], today: dt.date, lang: Lang
) -> str:
    """`/plan` for a lead: each person's targets and the team's sum."""
    if not people:
        month = Period.containing("month", today).label
        return t("plan.view.no_team_targets", lang, team=team.name, month=month)
    lines = [t("plan.view.team_title", lang, team=team.name, date=today.isoformat())]
    sums: dict[str, list[float]] = {}
    for person, targets in people:
        parts = []
        for x in targets:
            total = sums.setdefault(x.metric, [0.0, 0.0, 0.0])
            total[0] += x.day
            total[1] += x.week
            total[2] += x.month
            parts.append(_metric_line(x.metric, x.day, x.week, x.month, lang))
        lines.append(t("plan.view.person", lang, name=person.name, metrics="; ".join(parts)))
    total_parts = [
        _metric_line(m, v[0], v[1], v[2], lang)
        for m, v in sorted(sums.items(), key=lambda i: _order(i[0]))
    ]
    lines.append(t("plan.view.team_total", lang, metrics="; ".join(total_parts)))
    return "\n".join(lines)


def _metric_line(metric: str, day: float, week: float, month: float, lang: Lang) -> str:
    def num(v: float) -> str:
        return _num(int(v) if float(v).is_integer() else round(v, 2), metric, lang)

    return t(
        "plan.view.person_metric",
        lang,
        metric=metric_label(metric, lang),
        day=num(day),
        week=num(week),
        month=num(month),
    )
