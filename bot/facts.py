"""Derives the rule base's facts from the database, for a whole organisation as of a day.

Aggregates come from SQL (metric totals per person and day); everything the
rules compare is computed here, so the engine only ever sees flat facts.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.plans import Calendar, Period, PlanFigures, calendar_for, plan_figures
from bot.report_parser.normalise import fold, normalise
from bot.store.repository import Repository
from bot.store.rows import (
    SECTION_NAMES,
    BlockerRow,
    EventRow,
    PersonRow,
    ReportRow,
    TargetRow,
    TeamRow,
)
from knowledge.rulebase import lexicons
from rules.diagnose import Thresholds
from rules.facts import (
    BlockerFact,
    Fact,
    PersonFact,
    PersonMetricFact,
    TeamFact,
    TeamMetricFact,
)

NEVER = 9999
ACTIVITY_METRICS = frozenset({"visits", "calls"})
HISTORY_MONTHS = 3
STALE_BLOCKER_DAYS = 10  # working days: a blocker not mentioned for longer is not a fact any more
Daily = Mapping[dt.date, Mapping[str, float]]


@dataclass(frozen=True)
class _Context:
    repo: Repository
    today: dt.date
    period: Period
    calendar: Calendar
    thresholds: Thresholds
    team: TeamRow

    def th(self, rule_id: str, name: str) -> float:
        return self.thresholds.get(self.team.id, rule_id, name)

    def workdays_between(self, after: dt.date, upto: dt.date) -> int:
        """Working days strictly after `after` and up to and including `upto`."""
        return self.calendar.workdays(after + dt.timedelta(days=1), upto)


def build_facts(
    repo: Repository, today: dt.date, thresholds: Thresholds | None = None
) -> list[Fact]:
    """Every fact of every team as of `today` (the current month is the period)."""
    thresholds = thresholds or Thresholds({t.id: t.settings for t in repo.teams()})
    facts: list[Fact] = []
    for team in repo.teams():
        facts.extend(build_team_facts(repo, team, today, thresholds))
    return facts


def build_team_facts(
    repo: Repository, team: TeamRow, today: dt.date, thresholds: Thresholds
) -> list[Fact]:
    """One team's facts as of `today` (what the bot needs after one person's report)."""
    period = Period.containing("month", today)
    ctx = _Context(repo, today, period, calendar_for(team.workdays), thresholds, team)
    return _team_facts(ctx)


def _members(
    ctx: _Context, targets: Sequence[TargetRow], reports: Sequence[ReportRow]
) -> list[PersonRow]:
    """Reps, and anyone else in the team who has a target or reports (a lead who sells)."""
    active = {t.person_id for t in targets} | {r.person_id for r in reports}
    return [p for p in ctx.repo.people_in_team(ctx.team.id) if p.role == "rep" or p.id in active]


@dataclass(frozen=True)
class _Goal:
    """One person's (or the team's) target for a metric and period: dimensions added up."""

    owner: str
    metric: str
    period: Period
    value: float
    draft: float | None
    basis: str


def _goals(targets: Iterable[TargetRow], *, team: bool) -> list[_Goal]:
    grouped: dict[tuple[str, str, str], list[TargetRow]] = defaultdict(list)
    for t in targets:
        owner = t.team_id if team else t.person_id
        if owner:
            grouped[(owner, t.metric, t.period)].append(t)
    goals = []
    for (owner, metric, label), parts in grouped.items():
        drafts = [float(p.draft) for p in parts if p.draft is not None]
        bases = {p.basis or "" for p in parts}
        goals.append(
            _Goal(
                owner=owner,
                metric=metric,
                period=Period.parse(label),
                value=sum(float(p.value) for p in parts),
                draft=sum(drafts) if len(drafts) == len(parts) else None,
                basis=bases.pop() if len(bases) == 1 else "",
            )
        )
    return sorted(goals, key=lambda g: (g.owner, g.metric, g.period))


def _team_facts(ctx: _Context) -> list[Fact]:
    repo, today, period = ctx.repo, ctx.today, ctx.period
    people = repo.people_in_team(ctx.team.id)
    ids = [p.id for p in people]
    # every target whose period contains today: a month's, a quarter's, a year's …
    targets = [
        t
        for t in repo.targets(start=today, end=today)
        if t.person_id in ids or t.team_id == ctx.team.id
    ]
    person_goals = _goals([t for t in targets if t.person_id], team=False)
    team_goals = _goals([t for t in targets if t.team_id], team=True)
    lookback = today - dt.timedelta(days=90)
    reports = repo.reports_between(ids, lookback, today)
    members = _members(ctx, targets, [r for r in reports if r.report_date >= period.start])
    member_ids = [p.id for p in members]
    start = min([period.start, *(g.period.start for g in person_goals)])
    daily = repo.daily_metric_totals(member_ids, start, today)
    history_start = _months_back(period, HISTORY_MONTHS).start
    history = repo.daily_metric_totals(
        member_ids, history_start, period.start - dt.timedelta(days=1)
    )
    coaching = _last_event_dates(repo.events(kinds=["coaching"], end=today), by_person=True)

    facts: list[Fact] = []
    by_goal: dict[tuple[str, Period], list[tuple[_Goal, PlanFigures]]] = defaultdict(list)
    worst: dict[str, float] = {}
    for person in members:
        own = [r for r in reports if r.person_id == person.id]
        metric_facts = []
        for goal in (g for g in person_goals if g.owner == person.id):
            fact, fig = _person_metric(
                ctx,
                person,
                goal,
                daily.get(person.id, {}),
                history.get(person.id, {}),
                own,
                coaching,
            )
            metric_facts.append(fact)
            by_goal[(goal.metric, goal.period)].append((goal, fig))
        paces = [f.pace for f in metric_facts if f.pace >= 0]
        if paces:
            worst[person.id] = min(paces)
        facts.extend(metric_facts)
        has_collections_target = any(
            g.metric == "collections" for g in person_goals if g.owner == person.id
        )
        facts.append(
            _person(
                ctx,
                person,
                own,
                daily.get(person.id, {}),
                bool(metric_facts),
                worst.get(person.id, -1.0),
                has_collections_target,
            )
        )
    facts.extend(_blockers(ctx, member_ids))
    facts.extend(_team_metrics(ctx, person_goals, team_goals, member_ids, history))
    facts.append(_team(ctx, bool(targets), by_goal, worst, daily))
    return facts


def _months_back(period: Period, n: int) -> Period:
    return period.shift(-n)


def _pace_on(target: float, cumulative: float, elapsed: int, total: int) -> float | None:
    if elapsed <= 0 or total <= 0 or target <= 0:
        return None
    return cumulative / (target * elapsed / total)


def _cumulative(daily: Daily, metric: str, days: Iterable[dt.date]) -> dict[dt.date, float]:
    running, out = 0.0, {}
    totals = {d: float(v.get(metric, 0)) for d, v in daily.items()}
    for day in days:
        running += totals.get(day, 0.0)
        out[day] = running
    return out


def _complete_months(history: Daily, metric: str, calendar: Calendar) -> tuple[float, int]:
    """The best total of a previous month the person reported through (80% of its
    working days or more), and the report days of those months."""
    months: dict[tuple[int, int], list[tuple[dt.date, float]]] = defaultdict(list)
    for day, values in history.items():
        months[(day.year, day.month)].append((day, float(values.get(metric, 0))))
    best, days = -1.0, 0
    for (year, month), entries in months.items():
        span = Period.parse(f"{year}-{month:02d}")
        if len(entries) >= 0.8 * max(calendar.workdays(span.start, span.end), 1):
            best = max(best, sum(v for _, v in entries))
            days += len(entries)
    return best, days


def _person_metric(
    ctx: _Context,
    person: PersonRow,
    goal: _Goal,
    daily: Daily,
    history: Daily,
    reports: Sequence[ReportRow],
    coaching: Mapping[str, dt.date],
) -> tuple[PersonMetricFact, PlanFigures]:
    period, cal = goal.period, ctx.calendar
    # judged as of the last complete day until today's report is in: a rep is not
    # "behind" at noon for a day whose work they report in the evening
    today = _as_of(ctx, reports)
    value = goal.value
    actual = sum(
        float(v.get(goal.metric, 0)) for d, v in daily.items() if period.start <= d <= today
    )
    fig = plan_figures(value, actual, period, today, cal)
    days = [d for d in period.days() if d <= today]
    cum = _cumulative(daily, goal.metric, days)
    elapsed_on = {d: cal.workdays(period.start, d) for d in days}

    below = ctx.th("execution.behind_streak", "pace_below")
    report_days = sorted({r.report_date for r in reports if period.start <= r.report_date <= today})
    behind_reports = 0
    for day in reversed(report_days):
        pace = _pace_on(value, cum[day], elapsed_on[day], fig.total)
        if pace is None or pace >= below:
            break
        behind_reports += 1

    below = ctx.th("management.behind_without_coaching", "pace_below")
    behind_days = 0
    for day in reversed([d for d in days if cal.is_workday(d)]):
        pace = _pace_on(value, cum[day], elapsed_on[day], fig.total)
        if pace is None or pace >= below:
            break
        behind_days += 1

    best, history_days = (
        _complete_months(history, goal.metric, cal) if period.kind == "month" else (-1.0, 0)
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
        pace=_r(fig.pace),
        needed_per_day=_r(needed),
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


def _as_of(ctx: _Context, reports: Sequence[ReportRow]) -> dt.date:
    """Today when the person has reported today, else the last working day before it."""
    if any(r.report_date == ctx.today for r in reports):
        return ctx.today
    return _previous_workday(ctx)


def _previous_workday(ctx: _Context) -> dt.date:
    start = ctx.today - dt.timedelta(days=40)
    before = ctx.calendar.workday_list(start, ctx.today - dt.timedelta(days=1))
    return before[-1] if before else ctx.today - dt.timedelta(days=1)


def _r(value: float | None) -> float:
    return -1.0 if value is None else round(value, 3)


def _person(
    ctx: _Context,
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
    words = _discouraged([r.raw_text for r in reports if r.report_date >= since])

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


def _discouraged(texts: Iterable[str]) -> list[str]:
    words = lexicons().discouraged
    found: list[str] = []
    for text in texts:
        folded = fold(normalise(text))
        for word in words:
            if word in folded and word not in found:
                found.append(word)
    return found


def _function_of(text: str) -> str:
    folded = fold(normalise(text))
    for function_id, function in lexicons().functions.items():
        if any(word in folded for word in function.words):
            return function_id
    return ""


def _blockers(ctx: _Context, ids: Sequence[str]) -> list[BlockerFact]:
    """Open blockers as facts; one person's blockers that name the same other function
    are one blocker in different words ("仓库发货慢" / "仓库又没按时发货")."""
    groups: dict[tuple[str, str], list[BlockerRow]] = defaultdict(list)
    for b in ctx.repo.open_blockers(person_ids=ids):
        seen_ago = ctx.workdays_between(b.last_seen, ctx.today) if b.last_seen < ctx.today else 0
        if seen_ago > STALE_BLOCKER_DAYS or b.first_seen > ctx.today:
            continue
        function = _function_of(b.text)
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


def _team_metrics(
    ctx: _Context,
    person_goals: Sequence[_Goal],
    team_goals: Sequence[_Goal],
    ids: Sequence[str],
    history: Mapping[str, Daily],
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
            before = sum(
                float(v.get(metric, 0))
                for d, v in history.get(g.owner, {}).items()
                if previous.contains(d)
            )
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


def _last_event_dates(events: Iterable[EventRow], *, by_person: bool) -> dict[str, dt.date]:
    out: dict[str, dt.date] = {}
    for e in events:
        key = e.person_id if by_person else e.team_id
        if key:
            out[key] = max(out.get(key, e.date), e.date)
    return out


def _days_since(events: Sequence[EventRow], today: dt.date) -> int:
    dates = [e.date for e in events if e.date <= today]
    return (today - max(dates)).days if dates else NEVER


def _plan_document_gaps(ctx: _Context) -> tuple[bool, list[str]]:
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


def _team(
    ctx: _Context,
    has_targets: bool,
    by_goal: Mapping[tuple[str, Period], list[tuple[_Goal, PlanFigures]]],
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
    as_of = today if reported_today * 2 >= max(len(worst), 1) else _previous_workday(ctx)
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
        cum = _cumulative(merged, metric, days)
        series[key] = (total_goal, cum)
        fig = plan_figures(total_goal, cum[days[-1]] if days else 0.0, span, as_of, ctx.calendar)
        if fig.pace is not None:
            paced[key] = fig.pace
            gaps[key] = fig.gap
    worst_key = min(paced, key=lambda k: paced[k]) if paced else None
    has_doc, missing = _plan_document_gaps(ctx)

    below = ctx.th("management.gap_without_revision", "pace_below")
    behind_days = 0
    streak_start = today
    if worst_key is not None:
        metric, span = worst_key
        total_goal, cum = series[worst_key]
        total = ctx.calendar.workdays(span.start, span.end)
        for day in reversed([d for d in cum if ctx.calendar.is_workday(d)]):
            pace = _pace_on(total_goal, cum[day], ctx.calendar.workdays(span.start, day), total)
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
        days_since_meeting=_days_since(kinds["meeting"], today),
        days_since_training=_days_since(kinds["training"], today),
        days_since_incentive=_days_since(kinds["incentive_scheme"], today),
        plan_document=int(has_doc),
        plan_missing=len(missing),
        plan_missing_names=",".join(missing),
        behind_days=behind_days,
        revised=int(revised),
        unacked=len(unacked),
        oldest_unacked=min((e.date for e in unacked), default=today).isoformat() if unacked else "",
    )
