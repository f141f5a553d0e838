"""Facts about people: each rep's targeted metrics, reporting and activity, blockers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from bot.facts.common import (
    NEVER,
    STALE_BLOCKER_DAYS,
    Daily,
    Goal,
    Months,
    TeamContext,
    as_of,
    cumulative,
    pace_on,
    rounded,
)
from bot.plans import Calendar, Period, PlanFigures, plan_figures
from bot.report_parser.normalise import fold, normalise
from bot.store.rows import (
    BlockerRow,
    PersonRow,
    ReportRow,
)
from knowledge.rulebase import lexicons
from rules.facts import (
    BlockerFact,
    PersonFact,
    PersonMetricFact,
)


def complete_months(history: Months, metric: str, calendar: Calendar) -> tuple[float, int]:
    """The best total of a previous month the person reported through (80% of its
    working days or more), and the report days of those months."""
    best, days = -1.0, 0
    for label, (count, totals) in history.items():
        span = Period.parse(label)
        if count >= 0.8 * max(calendar.workdays(span.start, span.end), 1):
            best = max(best, float(totals.get(metric, 0)))
            days += count
    return best, days


def person_metric_fact(
    ctx: TeamContext,
    person: PersonRow,
    goal: Goal,
    daily: Daily,
    history: Months,
    reports: Sequence[ReportRow],
    coaching: Mapping[str, dt.date],
) -> tuple[PersonMetricFact, PlanFigures]:
    period, cal = goal.period, ctx.calendar
    # judged as of the last complete day until today's report is in: a rep is not
    # "behind" at noon for a day whose work they report in the evening
    today = as_of(ctx, reports)
    value = goal.value
    actual = sum(
        float(v.get(goal.metric, 0)) for d, v in daily.items() if period.start <= d <= today
    )
    fig = plan_figures(value, actual, period, today, cal)
    days = [d for d in period.days() if d <= today]
    cum = cumulative(daily, goal.metric, days)
    elapsed_on = {d: cal.workdays(period.start, d) for d in days}

    below = ctx.th("execution.behind_streak", "pace_below")
    report_days = sorted({r.report_date for r in reports if period.start <= r.report_date <= today})
    behind_reports = 0
    for day in reversed(report_days):
        pace = pace_on(value, cum[day], elapsed_on[day], fig.total)
        if pace is None or pace >= below:
            break
        behind_reports += 1

    below = ctx.th("management.behind_without_coaching", "pace_below")
    behind_days = 0
    for day in reversed([d for d in days if cal.is_workday(d)]):
        pace = pace_on(value, cum[day], elapsed_on[day], fig.total)
        if pace is None or pace >= below:
            break
        behind_days += 1

    best, history_days = (
        complete_months(history, goal.metric, cal) if period.kind == "month" else (-1.0, 0)
    )
    daily_rate = actual / fig.elapsed if fig.elapsed else 0.0
    needed = fig.needed_per_day
    coached = coaching.get(person.id)
    fact = PersonMetricFact(
        team=ctx.team.id,
        person=person.id,
        metric=goal.metric,
        period=period.label,
        target=value,
        actual=actual,
        elapsed=fig.elapsed,
        total=fig.total,
        remaining=fig.remaining,
        pace=rounded(fig.pace),
        needed_per_day=rounded(needed),
        gap=fig.gap,
        daily_rate=round(daily_rate, 2),
        needed_ratio=round(needed / daily_rate, 2)
        if needed is not None and daily_rate > 0
        else -1.0,
        draft=goal.draft if goal.draft else -1.0,
        over_draft=round(value / goal.draft - 1, 3) if goal.draft else -1.0,
        basis=goal.basis,
        best_previous=best if best > 0 else -1.0,
        history_days=history_days,
        history_ratio=round(value / best, 2) if best > 0 else -1.0,
        reports=len(report_days),
        behind_reports=behind_reports,
        behind_days=behind_days,
        days_since_coaching=(ctx.today - coached).days if coached else NEVER,
    )
    return fact, fig


def person_fact(
    ctx: TeamContext,
    person: PersonRow,
    reports: Sequence[ReportRow],
    daily: Daily,
    has_target: bool,
    worst_pace: float,
    collections_target: bool,
) -> PersonFact:
    today, period, cal = ctx.today, ctx.period, ctx.calendar
    in_period = [r for r in reports if r.report_date >= period.start]
    last = max((r.report_date for r in reports), default=None)
    if last is None:
        missed = cal.workdays(period.start, today - dt.timedelta(days=1))
    else:
        missed = cal.workdays(last + dt.timedelta(days=1), today - dt.timedelta(days=1))
    streak = 0
    for report in reversed(reports):
        if report.next_steps:
            break
        streak += 1

    window = int(ctx.th("goal.discouraged_sinking", "days"))
    since = (
        cal.workday_list(today - dt.timedelta(days=window * 3 + 30), today)[-window:] or [today]
    )[0]
    words = discouraged_words([r.raw_text for r in reports if r.report_date >= since])

    span = int(ctx.th("execution.busy_without_results", "days"))
    recent = cal.workday_list(period.start - dt.timedelta(days=60), today)[-span:]
    start = recent[0] if recent else today
    recent_totals: dict[str, float] = defaultdict(float)
    for report in reports:
        if report.report_date >= start:
            for metric, value in report.metrics.items():
                recent_totals[metric] += float(value)
    visits, orders = recent_totals["visits"], recent_totals["orders"]
    sales = sum(float(v.get("sales", 0)) for v in daily.values())
    collections = sum(float(v.get("collections", 0)) for v in daily.values())
    tracks = collections_target or any("collections" in r.metrics for r in reports)
    return PersonFact(
        team=ctx.team.id,
        person=person.id,
        period=period.label,
        elapsed=cal.workdays(period.start, today),
        reports=len(in_period),
        report_days=len({r.report_date for r in in_period}),
        missed_days=missed,
        last_report=last.isoformat() if last else "",
        has_target=int(has_target),
        worst_pace=worst_pace,
        no_next_streak=streak,
        discouraged="、".join(words),
        recent_visits=visits,
        recent_orders=orders,
        recent_days=len(recent),
        order_rate=round(orders / visits, 3) if visits else -1.0,
        sales=sales,
        collections=collections,
        collection_ratio=round(collections / sales, 3) if sales else -1.0,
        tracks_collections=int(tracks),
    )


def discouraged_words(texts: Iterable[str]) -> list[str]:
    words = lexicons().discouraged
    found: list[str] = []
    for text in texts:
        folded = fold(normalise(text))
        for word in words:
            if word in folded and word not in found:
                found.append(word)
    return found


def function_of(text: str) -> str:
    folded = fold(normalise(text))
    for function_id, function in lexicons().functions.items():
        if any(word in folded for word in function.words):
            return function_id
    return ""


def blocker_facts(ctx: TeamContext, ids: Sequence[str]) -> list[BlockerFact]:
    """Open blockers as facts; one person's blockers that name the same other function
    are one blocker in different words ("仓库发货慢" / "仓库又没按时发货")."""
    groups: dict[tuple[str, str], list[BlockerRow]] = defaultdict(list)
    for b in ctx.repo.open_blockers(person_ids=ids):
        seen_ago = ctx.workdays_between(b.last_seen, ctx.today) if b.last_seen < ctx.today else 0
        if seen_ago > STALE_BLOCKER_DAYS or b.first_seen > ctx.today:
            continue
        function = function_of(b.text)
        groups[(b.person_id, function or f"#{b.id}")].append(b)
    out: list[BlockerFact] = []
    for (person, key), rows in groups.items():
        latest = max(rows, key=lambda r: (r.last_seen, r.id))
        first = min(r.first_seen for r in rows)
        last = max(r.last_seen for r in rows)
        out.append(
            BlockerFact(
                team=ctx.team.id,
                person=person,
                blocker_id=min(r.id for r in rows),
                text=latest.text,
                function="" if key.startswith("#") else key,
                times=sum(r.times_seen for r in rows),
                since=first.isoformat(),
                open_days=ctx.workdays_between(first, ctx.today),
                seen_ago=ctx.workdays_between(last, ctx.today) if last < ctx.today else 0,
            )
        )
    return sorted(out, key=lambda f: (f.person, f.blocker_id))
