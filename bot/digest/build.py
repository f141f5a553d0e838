"""Builds the weekly digest from the repository: plan figures, the week, the process,
findings, blockers, missed reports and what to focus on next week.

The month-to-date figures come from `bot.status.team_status` (the plan arithmetic of
`bot.plans`); the findings from the rule base as of the digest's day, together with
the findings already recorded (sent) during the week.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from bot.digest.findings import focus, week_findings
from bot.digest.model import (
    COMPARED,
    BlockerItem,
    Compare,
    Curve,
    Digest,
    MetricLine,
    MissingItem,
    Row,
    Scope,
)
from bot.digest.total import total_scope
from bot.plans import Calendar, Period, calendar_for, progress
from bot.scheduler import reports_due
from bot.status import TeamStatus, team_status
from bot.store.repository import Repository
from bot.store.rows import EventRow, PersonRow, TeamRow

LOOKBACK_DAYS = 42  # how far back "last report" looks


class DigestError(ValueError):
    """The digest cannot be made: an unknown person, or one who leads no team."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def last_complete_week(today: dt.date) -> Period:
    """The ISO week that ends on or before `today`."""
    week = Period.containing("week", today)
    return week if week.end <= today else week.shift(-1)


def teams_of(repo: Repository, person: PersonRow) -> list[TeamRow]:
    """The teams a digest for `person` covers: a lead's team, a manager's teams (an admin:
    every team); raises DigestError for anyone else."""
    teams = repo.teams()
    if person.role == "lead":
        mine = [t for t in teams if t.lead_id == person.id]
        if not mine and person.team_id:
            mine = [t for t in teams if t.id == person.team_id]
    elif person.role == "manager":
        mine = [t for t in teams if t.manager_id == person.id]
    elif person.role == "admin":
        mine = teams
    else:
        raise DigestError("digest.error.not_lead", name=person.name)
    if not mine:
        raise DigestError("digest.error.no_team", name=person.name)
    return mine


@dataclass(frozen=True)
class DigestPlan:
    """What a digest covers, read once; its teams are built one at a time (`scope`), so a
    caller on the event loop can yield between them (`build_digest_async`)."""

    repo: Repository
    person: PersonRow
    week: Period
    today: dt.date
    teams: tuple[TeamRow, ...]
    names: dict[str, str]
    leave: dict[str, set[dt.date]]
    now: dt.datetime | None = None  # the moment it is made (None: `today` seen as over)

    @property
    def as_of(self) -> dt.date:
        return min(self.today, self.week.end)

    @property
    def audience(self) -> str:
        return "lead" if self.person.role == "lead" else "manager"

    def counted_to(self, team: TeamRow) -> dt.date:
        """The last day whose reports are due for `team`: `as_of`, or the day before while
        today's reports are not yet due (before the team's reminder time)."""
        if self.as_of < self.today or reports_due(team, self.today, self.now):
            return self.as_of
        return self.as_of - dt.timedelta(days=1)

    def scope(self, team: TeamRow) -> Scope:
        """One team's part."""
        return team_scope(
            self.repo,
            team,
            self.week,
            self.as_of,
            self.audience,
            self.names,
            self.leave,
            counted_to=self.counted_to(team),
        )

    def finish(self, scopes: Sequence[Scope]) -> Digest:
        """The digest from its teams' parts (and, for several teams, their total)."""
        scopes = list(scopes)
        if len(scopes) > 1:
            scopes.append(total_scope(scopes, self.person, self.audience))
        week = self.week
        return Digest(
            recipient_id=self.person.id,
            recipient_name=self.person.name,
            role=self.person.role,
            week=week.label,
            start=week.start,
            end=week.end,
            as_of=self.as_of,
            complete=self.today >= week.end,
            scopes=tuple(scopes),
            names=self.names,
        )


def plan_digest(
    repo: Repository,
    person_id: str,
    week: Period,
    today: dt.date,
    now: dt.datetime | None = None,
) -> DigestPlan:
    """What `person_id`'s digest for `week`, seen from `today` (at `now`), covers; raises
    DigestError."""
    person = repo.person_by_id(person_id)
    if person is None:
        raise DigestError("digest.error.unknown_person", name=person_id)
    if week.kind != "week":
        raise ValueError(f"{week} is not a week")
    if today < week.start:
        raise DigestError("digest.error.future_week", week=week.label)
    teams = tuple(teams_of(repo, person))
    as_of = min(today, week.end)
    names = {p.id: p.name for p in repo.people()} | {t.id: t.name for t in repo.teams()}
    leave = _leave_days(repo.events(kinds=["leave"], end=as_of), week.start, as_of)
    return DigestPlan(repo, person, week, today, teams, names, leave, now)


def build_digest(
    repo: Repository,
    person_id: str,
    week: Period,
    today: dt.date,
    now: dt.datetime | None = None,
) -> Digest:
    """The digest `person_id` receives for `week`, seen from `today` (the week so far when
    `today` falls inside it; today counts once its reports are due at `now`)."""
    plan = plan_digest(repo, person_id, week, today, now)
    return plan.finish([plan.scope(team) for team in plan.teams])


async def build_digest_async(
    repo: Repository,
    person_id: str,
    week: Period,
    today: dt.date,
    now: dt.datetime | None = None,
) -> Digest:
    """`build_digest` on the event loop: it lets other work (a rep's report) run between
    teams, so a manager's digest never holds the loop for more than one team."""
    plan = plan_digest(repo, person_id, week, today, now)
    scopes = []
    for team in plan.teams:
        await asyncio.sleep(0)
        scopes.append(plan.scope(team))
    return plan.finish(scopes)


# ---- one team ---------------------------------------------------------------------------


def _leave_days(
    events: Iterable[EventRow], start: dt.date, end: dt.date
) -> dict[str, set[dt.date]]:
    """Each person's days of leave in start..end (a leave event's text is its last day)."""
    days: dict[str, set[dt.date]] = {}
    for event in events:
        if event.person_id is None:
            continue
        try:
            until = dt.date.fromisoformat(event.text)
        except ValueError:
            continue
        mine = days.setdefault(event.person_id, set())
        day = max(event.date, start)
        while day <= min(until, end):
            mine.add(day)
            day += dt.timedelta(days=1)
    return days


def _sum(per_person: dict[str, dict[str, int | float]], ids: Iterable[str], metric: str) -> float:
    return float(sum(per_person.get(pid, {}).get(metric, 0) for pid in ids))


def _ratio(top: float, bottom: float) -> float | None:
    return top / bottom if bottom else None


def team_scope(
    repo: Repository,
    team: TeamRow,
    week: Period,
    as_of: dt.date,
    audience: str,
    names: dict[str, str],
    leave: Mapping[str, set[dt.date]],
    counted_to: dt.date | None = None,
) -> Scope:
    """A team's part of the digest (`leave`: each person's days of leave in the week).

    Days after `counted_to` (today, while its reports are not yet due) count only for
    those who already reported on them; the week's figures, and the same weekdays of
    the week before, run to `counted_to`."""
    counted = as_of if counted_to is None else min(counted_to, as_of)
    status = team_status(repo, team, as_of)
    calendar = calendar_for(team.workdays)
    members = repo.people_in_team(team.id)
    reps = [p for p in members if p.role == "rep" and p.active]
    row_people = [s.person for s in status.people]
    people = {p.id: p for p in [*row_people, *(r for r in reps if r not in row_people)]}
    ids = list(people)
    this_week = repo.metric_totals(ids, week.start, counted)
    shift = dt.timedelta(days=7)
    before = repo.metric_totals(ids, week.start - shift, counted - shift)
    reported = repo.report_days(ids, week.start, as_of)
    workdays = calendar.workday_list(week.start, as_of)
    compared_days = calendar.workday_list(week.start, counted)
    rows: list[Row] = []
    missing: list[MissingItem] = []
    by_id = {s.person.id: s for s in status.people}
    for pid, person in people.items():
        away = leave.get(pid, set())
        mine = reported.get(pid, set())
        due = [d for d in workdays if d not in away and (d <= counted or d in mine)]
        done = [d for d in due if d in mine]
        figures = by_id[pid].metrics if pid in by_id else ()
        rows.append(
            Row(
                id=pid,
                name=person.name,
                metrics=tuple(MetricLine(m.metric, m.figures) for m in figures),
                week={m: float(v) for m, v in this_week.get(pid, {}).items()},
                reported_days=len(done),
                due_days=len(due),
            )
        )
        if person.role == "rep" and len(done) < len(due):
            missing.append(MissingItem(pid, person.name, len(due) - len(done), None))
    rows.sort(key=lambda r: (r.pace is None, r.pace or 0.0, r.name))
    missing = _last_reports(repo, missing, as_of)
    missing.sort(key=lambda m: (-m.days, m.last_report or dt.date.min, m.name))
    groups, items = week_findings(repo, team, week.start, as_of, names)
    rep_count = max(len(reps), 1) if reps else 0
    visits = _sum(this_week, ids, "visits")
    month = status.period
    month_totals = repo.metric_totals(ids, month.start, min(as_of, month.end))
    return Scope(
        id=team.id,
        name=team.name,
        kind="team",
        month=month.label,
        elapsed=status.elapsed,
        total_days=status.total,
        totals=tuple(MetricLine(m.metric, m.figures) for m in status.totals),
        rows=tuple(rows),
        compare=tuple(Compare(m, _sum(this_week, ids, m), _sum(before, ids, m)) for m in COMPARED),
        compared_to=counted,
        visits_per_day=_ratio(visits, rep_count * len(compared_days)) if rep_count else None,
        month_sales=_sum(month_totals, ids, "sales"),
        month_collections=_sum(month_totals, ids, "collections"),
        findings=groups,
        blockers=_blockers(repo, ids, as_of, names),
        missing=tuple(missing),
        focus=focus(items, audience),
        curve=_curve(repo, status, calendar, ids),
    )


def _last_reports(
    repo: Repository, missing: list[MissingItem], as_of: dt.date
) -> list[MissingItem]:
    """The missing items with each person's last report (looking back a few weeks)."""
    if not missing:
        return missing
    start = as_of - dt.timedelta(days=LOOKBACK_DAYS)
    last = {
        pid: day
        for pid, day in repo.last_report_days([m.person_id for m in missing], as_of).items()
        if day >= start
    }
    return [replace(m, last_report=last.get(m.person_id)) for m in missing]


def _blockers(
    repo: Repository, ids: Sequence[str], as_of: dt.date, names: dict[str, str]
) -> tuple[BlockerItem, ...]:
    open_ = [b for b in repo.open_blockers(person_ids=ids) if b.first_seen <= as_of]
    open_.sort(key=lambda b: (b.first_seen, b.id))
    return tuple(
        BlockerItem(
            person_id=b.person_id,
            name=names.get(b.person_id, b.person_id),
            text=b.text,
            since=b.first_seen,
            days_open=(as_of - b.first_seen).days,
            times_seen=b.times_seen,
        )
        for b in open_
    )


def primary_metric(lines: Sequence[MetricLine]) -> str | None:
    """The metric a chart shows: sales when targeted, else the first targeted one."""
    metrics = [m.metric for m in lines]
    return "sales" if "sales" in metrics else (metrics[0] if metrics else None)


def _curve(
    repo: Repository, status: TeamStatus, calendar: Calendar, ids: Sequence[str]
) -> Curve | None:
    totals = tuple(MetricLine(m.metric, m.figures) for m in status.totals)
    metric = primary_metric(totals)
    if metric is None:
        return None
    target = next(m.figures.target for m in totals if m.metric == metric)
    month = status.period
    upto = min(status.today, month.end)
    per_day = repo.daily_metric_sum(ids, metric, month.start, upto)
    days = tuple(month.days())
    actual: list[float | None] = []
    plan: list[float] = []
    running = 0.0
    for day in days:
        running += per_day.get(day, 0.0)
        actual.append(running if day <= upto else None)
        elapsed, total = progress(month, day, calendar)
        plan.append(target * elapsed / total if total else 0.0)
    return Curve(metric, days, tuple(actual), tuple(plan))
