"""Plan status of a team and its people as of a day: the numbers a lead looks at.

Built as data from the repository and the plan arithmetic; rendering is apart
(`status_view.py`). Later the digest and the question answering build on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.plans import Calendar, Period, PlanFigures, calendar_for, plan_figures, team_figures
from bot.store.repository import Repository
from bot.store.rows import BlockerRow, PersonRow, TeamRow


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


def team_status(repo: Repository, team: TeamRow, today: dt.date, kind: str = "month") -> TeamStatus:
    """The status of `team` for the period of `kind` containing `today`."""
    period = Period.containing(kind, today)  # type: ignore[arg-type]
    calendar = _calendar(team)
    people = [p for p in repo.people_in_team(team.id) if p.role == "rep"]
    ids = [p.id for p in people]
    upto = min(today, period.end)
    actuals = repo.metric_totals(ids, period.start, upto)
    daily = repo.daily_metric_totals(ids, period.start, upto)
    by_metric: dict[str, list[PlanFigures]] = {}
    statuses: list[PersonStatus] = []
    for person in people:
        metrics: list[MetricStatus] = []
        for target in repo.targets(person_id=person.id, start=period.start, end=period.end):
            if target.period != period.label:
                continue
            actual = actuals.get(person.id, {}).get(target.metric, 0)
            fig = plan_figures(float(target.value), float(actual), period, today, calendar)
            metrics.append(MetricStatus(target.metric, fig))
            by_metric.setdefault(target.metric, []).append(fig)
        days = sorted(daily.get(person.id, {}))
        statuses.append(PersonStatus(person, tuple(metrics), len(days), days[-1] if days else None))
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
    by_metric: dict[str, list[PlanFigures]],
    actuals: dict[str, dict[str, int | float]],
) -> tuple[MetricStatus, ...]:
    """The team's figures: its own target where one is set, else the sum of its people's."""
    out: dict[str, MetricStatus] = {
        metric: MetricStatus(metric, team_figures(parts)) for metric, parts in by_metric.items()
    }
    for target in repo.targets(team_id=team.id, start=period.start, end=period.end):
        if target.period != period.label:
            continue
        actual = sum(float(per.get(target.metric, 0)) for per in actuals.values())
        fig = plan_figures(float(target.value), actual, period, today, calendar)
        out[target.metric] = MetricStatus(target.metric, fig)
    return tuple(out[m] for m in _metric_order(out))


def _metric_order(metrics: Sequence[str] | dict[str, MetricStatus]) -> list[str]:
    from knowledge import CANONICAL_METRICS

    names = list(metrics)
    return sorted(
        names, key=lambda m: (CANONICAL_METRICS.index(m) if m in CANONICAL_METRICS else 99, m)
    )
