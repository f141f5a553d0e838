"""What the fact builders share: the context of one team, goals, pace over time."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.plans import Calendar, Period
from bot.store.repository import Repository
from bot.store.rows import (
    EventRow,
    ReportRow,
    TargetRow,
    TeamRow,
)
from rules.diagnose import Thresholds

NEVER = 9999
ACTIVITY_METRICS = frozenset({"visits", "calls"})
HISTORY_MONTHS = 3
STALE_BLOCKER_DAYS = 10  # working days: a blocker not mentioned for longer is not a fact any more
Daily = Mapping[dt.date, Mapping[str, float]]
# one person's earlier months: {"YYYY-MM": (days with any figure, {metric: total})}
Months = Mapping[str, tuple[int, Mapping[str, float]]]


@dataclass(frozen=True)
class TeamContext:
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


@dataclass(frozen=True)
class Goal:
    """One person's (or the team's) target for a metric and period: dimensions added up."""

    owner: str
    metric: str
    period: Period
    value: float
    draft: float | None
    basis: str


def goals_of(targets: Iterable[TargetRow], *, team: bool) -> list[Goal]:
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
            Goal(
                owner=owner,
                metric=metric,
                period=Period.parse(label),
                value=sum(float(p.value) for p in parts),
                draft=sum(drafts) if len(drafts) == len(parts) else None,
                basis=bases.pop() if len(bases) == 1 else "",
            )
        )
    return sorted(goals, key=lambda g: (g.owner, g.metric, g.period))


def months_back(period: Period, n: int) -> Period:
    return period.shift(-n)


def pace_on(target: float, cumulative: float, elapsed: int, total: int) -> float | None:
    if elapsed <= 0 or total <= 0 or target <= 0:
        return None
    return cumulative / (target * elapsed / total)


def cumulative(daily: Daily, metric: str, days: Iterable[dt.date]) -> dict[dt.date, float]:
    running, out = 0.0, {}
    totals = {d: float(v.get(metric, 0)) for d, v in daily.items()}
    for day in days:
        running += totals.get(day, 0.0)
        out[day] = running
    return out


def as_of(ctx: TeamContext, reports: Sequence[ReportRow]) -> dt.date:
    """Today when the person has reported today, else the last working day before it."""
    if any(r.report_date == ctx.today for r in reports):
        return ctx.today
    return previous_workday(ctx)


def previous_workday(ctx: TeamContext) -> dt.date:
    start = ctx.today - dt.timedelta(days=40)
    before = ctx.calendar.workday_list(start, ctx.today - dt.timedelta(days=1))
    return before[-1] if before else ctx.today - dt.timedelta(days=1)


def rounded(value: float | None) -> float:
    return -1.0 if value is None else round(value, 3)


def last_event_dates(events: Iterable[EventRow], *, by_person: bool) -> dict[str, dt.date]:
    out: dict[str, dt.date] = {}
    for e in events:
        key = e.person_id if by_person else e.team_id
        if key:
            out[key] = max(out.get(key, e.date), e.date)
    return out


def days_since(events: Sequence[EventRow], today: dt.date) -> int:
    dates = [e.date for e in events if e.date <= today]
    return (today - max(dates)).days if dates else NEVER
