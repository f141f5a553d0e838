"""Derives the rule base's facts from the database, for a whole organisation as of a day.

Aggregates come from SQL (metric totals per person and day); everything the
rules compare is computed here, so the engine only ever sees flat facts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from bot.facts.common import (
    HISTORY_MONTHS,
    Goal,
    TeamContext,
    goals_of,
    last_event_dates,
    months_back,
)
from bot.facts.people import blocker_facts, person_fact, person_metric_fact
from bot.facts.team import team_fact, team_metric_facts
from bot.plans import Period, PlanFigures, calendar_for
from bot.store.repository import Repository
from bot.store.rows import (
    PersonRow,
    ReportRow,
    TargetRow,
    TeamRow,
)
from rules.diagnose import Thresholds
from rules.facts import (
    Fact,
)


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
    ctx = TeamContext(repo, today, period, calendar_for(team.workdays), thresholds, team)
    return _team_facts(ctx)


def _members(
    ctx: TeamContext, targets: Sequence[TargetRow], reports: Sequence[ReportRow]
) -> list[PersonRow]:
    """Reps, and anyone else in the team who has a target or reports (a lead who sells)."""
    active = {t.person_id for t in targets} | {r.person_id for r in reports}
    return [p for p in ctx.repo.people_in_team(ctx.team.id) if p.role == "rep" or p.id in active]


def _team_facts(ctx: TeamContext) -> list[Fact]:
    repo, today, period = ctx.repo, ctx.today, ctx.period
    people = repo.people_in_team(ctx.team.id)
    ids = [p.id for p in people]
    # every target whose period contains today: a month's, a quarter's, a year's …
    targets = repo.team_targets(ctx.team.id, ids, today, today)
    person_goals = goals_of([t for t in targets if t.person_id], team=False)
    team_goals = goals_of([t for t in targets if t.team_id], team=True)
    lookback = today - dt.timedelta(days=90)
    reports = repo.reports_between(ids, lookback, today)
    members = _members(ctx, targets, [r for r in reports if r.report_date >= period.start])
    member_ids = [p.id for p in members]
    start = min([period.start, *(g.period.start for g in person_goals)])
    daily = repo.daily_metric_totals(member_ids, start, today)
    history_start = months_back(period, HISTORY_MONTHS).start
    history = repo.monthly_metric_totals(
        member_ids, history_start, period.start - dt.timedelta(days=1)
    )
    coaching = last_event_dates(repo.events(kinds=["coaching"], end=today), by_person=True)

    facts: list[Fact] = []
    by_goal: dict[tuple[str, Period], list[tuple[Goal, PlanFigures]]] = defaultdict(list)
    worst: dict[str, float] = {}
    for person in members:
        own = [r for r in reports if r.person_id == person.id]
        metric_facts = []
        for goal in (g for g in person_goals if g.owner == person.id):
            fact, fig = person_metric_fact(
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
            person_fact(
                ctx,
                person,
                own,
                daily.get(person.id, {}),
                bool(metric_facts),
                worst.get(person.id, -1.0),
                has_collections_target,
            )
        )
    facts.extend(blocker_facts(ctx, member_ids))
    facts.extend(team_metric_facts(ctx, person_goals, team_goals, member_ids, history))
    facts.append(team_fact(ctx, bool(targets), by_goal, worst, daily))
    return facts
