"""Plan status of a team and its people as of a day: the numbers a lead looks at.

Built as data from the repository and the plan arithmetic; rendering is apart
(`status_view.py`). Later the digest and the question answering build on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.plans import Calendar, Period, PeriodKind, PlanFigures, calendar_for, plan_figures
from bot.store.repository import Repository
from bot.store.rows import BlockerRow, PersonRow, TargetRow, TeamRow
from knowledge import CANONICAL_METRICS


@dataclass(frozen=True, slots=True)
class MetricStatus:
    """One targeted metric: target against actual, pace, forecast, needed per day."""

    metric: str
    figures: PlanFigures


@dataclass(frozen=True, slots=True)
class PersonStatus:
    """One person's targeted metrics, and how regularly they report."""

    person: PersonRow
    metrics: tuple[MetricStatus, ...]
    reported_days: int
    last_report: dt.date | None

    @property
    def worst_pace(self) -> float | None:
        """The lowest pace over the person's targeted metrics."""
        paces = [m.figures.pace for m in self.metrics if m.figures.pace is not None]
        return min(paces) if paces else None


@dataclass(frozen=True, slots=True)
class TeamStatus:
    """A team's status over one period as of `today`."""

    team: TeamRow
    period: Period
    today: dt.date
    elapsed: int
    total: int
    people: tuple[PersonStatus, ...]
    totals: tuple[MetricStatus, ...]
    open_blockers: tuple[BlockerRow, ...]


def _calendar(team: TeamRow) -> Calendar:
    return calendar_for(team.workdays)


def person_targets(targets: Sequence[TargetRow], period: Period) -> dict[tuple[str, str], float]:
    """Each (person, metric)'s target for the period: targets split by region, channel
    or product add up, since reports carry no dimension."""
    out: dict[tuple[str, str], float] = {}
    for target in targets:
        if target.person_id and target.period == period.label:
            key = (target.person_id, target.metric)
            out[key] = out.get(key, 0.0) + float(target.value)
    return out


def team_status(
    repo: Repository, team: TeamRow, today: dt.date, kind: PeriodKind = "month"
) -> TeamStatus:
    """The status of `team` for the period of `kind` containing `today`."""
    period = Period.containing(kind, today)
    calendar = _calendar(team)
    members = repo.people_in_team(team.id)
    ids = [p.id for p in members]
    upto = min(today, period.end)
    actuals = repo.metric_totals(ids, period.start, upto)
    daily = repo.daily_metric_totals(ids, period.start, upto)
    goals = person_targets(repo.team_targets(team.id, ids, period.start, period.end), period)
    people = [p for p in members if p.role == "rep" or any(k[0] == p.id for k in goals)]
    by_metric: dict[str, float] = {}
    statuses: list[PersonStatus] = []
    for person in people:
        metrics: list[MetricStatus] = []
        for (pid, metric), value in goals.items():
            if pid != person.id:
                continue
            actual = actuals.get(person.id, {}).get(metric, 0)
            fig = plan_figures(value, float(actual), period, today, calendar)
            metrics.append(MetricStatus(metric, fig))
            by_metric[metric] = by_metric.get(metric, 0.0) + value
        days = sorted(daily.get(person.id, {}))
        order = _metric_order([m.metric for m in metrics])
        ordered = tuple(sorted(metrics, key=lambda m: order.index(m.metric)))
        statuses.append(PersonStatus(person, ordered, len(days), days[-1] if days else None))
    totals = _team_totals(repo, team, period, today, calendar, by_metric, actuals)
    statuses.sort(key=lambda s: (s.worst_pace is None, s.worst_pace or 0.0))
    elapsed = calendar.workdays(period.start, min(today, period.end))
    return TeamStatus(
        team=team,
        period=period,
        today=today,
        elapsed=max(elapsed, 0),
        total=calendar.workdays(period.start, period.end),
        people=tuple(statuses),
        totals=totals,
        open_blockers=tuple(repo.open_blockers(person_ids=ids)),
    )


def _team_totals(
    repo: Repository,
    team: TeamRow,
    period: Period,
    today: dt.date,
    calendar: Calendar,
    goals: dict[str, float],
    actuals: dict[str, dict[str, int | float]],
) -> tuple[MetricStatus, ...]:
    """The team's figures: its own target where one is set, else the sum of its people's
    targets; the actual is everything its people reported (contracts §2)."""
    goals = dict(goals)
    for target in repo.targets(team_id=team.id, start=period.start, end=period.end):
        if target.period == period.label:
            goals[target.metric] = float(target.value)
    out: dict[str, MetricStatus] = {}
    for metric, value in goals.items():
        actual = sum(float(per.get(metric, 0)) for per in actuals.values())
        out[metric] = MetricStatus(metric, plan_figures(value, actual, period, today, calendar))
    return tuple(out[m] for m in _metric_order(list(out)))


def _metric_order(metrics: Sequence[str]) -> list[str]:
    names = list(dict.fromkeys(metrics))
    return sorted(
        names, key=lambda m: (CANONICAL_METRICS.index(m) if m in CANONICAL_METRICS else 99, m)
    )
