"""Facts about a team: its targets as set and split, its pace, its management record."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence

from bot.facts.common import (
    ACTIVITY_METRICS,
    Daily,
    Goal,
    Months,
    TeamContext,
    cumulative,
    days_since,
    pace_on,
    previous_workday,
)
from bot.plans import Period, PlanFigures, plan_figures
from bot.store.rows import (
    SECTION_NAMES,
    EventRow,
)
from rules.facts import (
    TeamFact,
    TeamMetricFact,
)


def team_metric_facts(
    ctx: TeamContext,
    person_goals: Sequence[Goal],
    team_goals: Sequence[Goal],
    ids: Sequence[str],
    history: Mapping[str, Months],
) -> list[TeamMetricFact]:
    """Per metric: the team's own target, and how its people's targets were set."""
    out: list[TeamMetricFact] = []
    elapsed = ctx.calendar.workdays(ctx.period.start, ctx.today)
    min_people = ctx.th("goal.flat_uplift", "min_people")
    for metric in sorted({g.metric for g in [*person_goals, *team_goals]}):
        team_goal = next((g for g in team_goals if g.metric == metric), None)
        own = [g for g in person_goals if g.owner in ids and g.metric == metric]
        flat_basis = [g for g in own if g.basis == "last_period_plus"]
        ratios = []
        for g in own:
            # an activity norm the same for all (9 visits a day) is no uplift, and a
            # target the person drafted bottom-up was set from their own market
            if g.period.kind != "month" or metric in ACTIVITY_METRICS or g.basis == "bottom_up":
                continue
            previous = g.period.shift(-1)
            _, totals = history.get(g.owner, {}).get(previous.label, (0, {}))
            before = float(totals.get(metric, 0))
            if before > 0:
                ratios.append(g.value / before)
        spread = max(ratios) - min(ratios) if len(ratios) >= 2 else -1.0
        flat_people = 0
        uplift = -1.0
        if (
            len(ratios) >= min_people
            and 0 <= spread <= ctx.th("goal.flat_uplift", "max_spread")
            and min(ratios) >= 1 + ctx.th("goal.flat_uplift", "min_uplift")
        ):
            flat_people = len(ratios)
            uplift = round((statistics.median(ratios) - 1) * 100, 1)
        share = len(flat_basis) / len(own) if own else -1.0
        if (
            not flat_people
            and len(flat_basis) >= min_people
            and share >= ctx.th("goal.flat_uplift", "min_share")
        ):
            flat_people = len(flat_basis)
        out.append(
            TeamMetricFact(
                team=ctx.team.id,
                metric=metric,
                period=(team_goal.period if team_goal else ctx.period).label,
                elapsed=elapsed,
                team_target=team_goal.value if team_goal else -1.0,
                assigned=len({g.owner for g in own}),
                flat_people=flat_people,
                flat_share=round(share, 3),
                uplift=uplift,
                spread=round(spread, 4),
            )
        )
    return out


def plan_document_gaps(ctx: TeamContext) -> tuple[bool, list[str]]:
    """Whether a plan document covers today (the month's, the quarter's, the year's …),
    and the parts the most complete one still lacks."""
    best: list[str] | None = None
    for doc in ctx.repo.plan_documents(ctx.team.id):
        try:
            covers = Period.parse(doc.period).contains(ctx.today)
        except ValueError:
            continue
        if covers:
            missing = [s for s in SECTION_NAMES if not str(doc.sections.get(s, "")).strip()]
            if best is None or len(missing) < len(best):
                best = missing
    return best is not None, list(SECTION_NAMES) if best is None else best


def team_fact(
    ctx: TeamContext,
    has_targets: bool,
    by_goal: Mapping[tuple[str, Period], list[tuple[Goal, PlanFigures]]],
    worst: Mapping[str, float],
    daily: Mapping[str, Daily],
) -> TeamFact:
    repo, today, period, team = ctx.repo, ctx.today, ctx.period, ctx.team
    events = repo.events(team_id=team.id, end=today)
    kinds: dict[str, list[EventRow]] = defaultdict(list)
    for e in events:
        kinds[e.kind].append(e)
    below = ctx.th("mechanism.team_mostly_behind", "pace_below")
    behind = sum(1 for p in worst.values() if p < below)
    people = len(worst)
    # the team's pace: per metric and period its people share (one person's own
    # metric is that person's matter, not the team's), as of the last complete day
    # unless most of the team has reported today
    sizes = {key: len(parts) for key, parts in by_goal.items()}
    shared = [key for key, n in sizes.items() if n >= min(2, max(sizes.values(), default=0))]
    reported_today = sum(1 for per in daily.values() if today in per)
    as_of = today if reported_today * 2 >= max(len(worst), 1) else previous_workday(ctx)
    series: dict[tuple[str, Period], tuple[float, dict[dt.date, float]]] = {}
    paced: dict[tuple[str, Period], float] = {}
    gaps: dict[tuple[str, Period], float] = {}
    for key in shared:
        metric, span = key
        goals = [goal for goal, _ in by_goal[key]]
        total_goal = sum(g.value for g in goals)
        merged: dict[dt.date, dict[str, float]] = defaultdict(dict)
        for per in (daily.get(g.owner, {}) for g in goals):
            for d, values in per.items():
                merged[d][metric] = merged[d].get(metric, 0) + float(values.get(metric, 0))
        days = [d for d in span.days() if d <= as_of]
        cum = cumulative(merged, metric, days)
        series[key] = (total_goal, cum)
        fig = plan_figures(total_goal, cum[days[-1]] if days else 0.0, span, as_of, ctx.calendar)
        if fig.pace is not None:
            paced[key] = fig.pace
            gaps[key] = fig.gap
    worst_key = min(paced, key=lambda k: paced[k]) if paced else None
    has_doc, missing = plan_document_gaps(ctx)

    below = ctx.th("management.gap_without_revision", "pace_below")
    behind_days = 0
    streak_start = today
    if worst_key is not None:
        metric, span = worst_key
        total_goal, cum = series[worst_key]
        total = ctx.calendar.workdays(span.start, span.end)
        for day in reversed([d for d in cum if ctx.calendar.is_workday(d)]):
            pace = pace_on(total_goal, cum[day], ctx.calendar.workdays(span.start, day), total)
            if pace is None or pace >= below:
                break
            behind_days += 1
            streak_start = day
    # a revision counts when it answers the gap: made since the team fell behind
    revised = any(
        streak_start <= e.date <= today if behind_days else period.start <= e.date <= today
        for e in kinds["plan_revised"]
    )

    wait = int(ctx.th("management.unacknowledged_escalation", "days"))
    member_ids = set(worst) | {p.id for p in repo.people_in_team(team.id)}
    escalations = [
        e
        for e in repo.events(kinds=["escalation"], end=today - dt.timedelta(days=wait))
        if e.team_id == team.id or e.person_id in member_ids
    ]
    acks = [
        e
        for e in repo.events(kinds=["acknowledgement"], end=today)
        if e.team_id == team.id
        or e.person_id in member_ids
        or e.by_id in (team.lead_id, team.manager_id)
    ]
    unacked = [
        e
        for e in escalations
        if not any(a.date >= e.date and (a.person_id in (None, e.person_id)) for a in acks)
    ]
    return TeamFact(
        team=team.id,
        period=period.label,
        elapsed=ctx.calendar.workdays(period.start, today),
        people=people,
        behind=behind,
        share=round(behind / people, 3) if people else -1.0,
        pace=round(paced[worst_key], 3) if worst_key is not None else -1.0,
        worst_metric=worst_key[0] if worst_key is not None else "",
        worst_gap=gaps[worst_key] if worst_key is not None else 0.0,
        has_targets=int(has_targets),
        days_since_meeting=days_since(kinds["meeting"], today),
        days_since_training=days_since(kinds["training"], today),
        days_since_incentive=days_since(kinds["incentive_scheme"], today),
        plan_document=int(has_doc),
        plan_missing=len(missing),
        plan_missing_names=",".join(missing),
        behind_days=behind_days,
        revised=int(revised),
        unacked=len(unacked),
        oldest_unacked=min((e.date for e in unacked), default=today).isoformat() if unacked else "",
    )
