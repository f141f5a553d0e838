"""The daily data that bears on each core element, gathered for a manager's teams.

Beside the organisation score: the share of open blockers that involve another
function; beside the strategy path: the sales pace; beside the strategy system: how
much of the plan documents is written; beside the channel model: the new-outlet pace;
beside the value chain: how regularly people report and which teams have an
incentive scheme on record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from bot.facts.people import function_of
from bot.plans import Period
from bot.status import TeamStatus, team_status
from bot.store.repository import Repository
from bot.store.rows import SECTION_NAMES, TeamRow


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the daily data says, over the manager's teams (None: no data)."""

    teams: int
    sales_pace: float | None
    blockers_open: int
    blockers_cross: int
    plan_parts: int
    plan_total: int
    outlets_pace: float | None
    report_rate: float | None
    incentive_teams: int

    def as_dict(self) -> dict[str, Any]:
        """As stored beside the scores."""
        return asdict(self)


def _pace(statuses: Iterable[TeamStatus], metric: str) -> float | None:
    actual = expected = 0.0
    for status in statuses:
        for total in status.totals:
            if total.metric == metric and total.figures.expected is not None:
                actual += total.figures.actual
                expected += total.figures.expected
    return round(actual / expected, 3) if expected > 0 else None


def _plan_parts(repo: Repository, team: TeamRow, today: dt.date) -> int:
    best = 0
    for doc in repo.plan_documents(team.id):
        try:
            covers = Period.parse(doc.period).contains(today)
        except ValueError:
            continue
        if covers:
            filled = sum(1 for s in SECTION_NAMES if str(doc.sections.get(s, "")).strip())
            best = max(best, filled)
    return best


def gather(repo: Repository, teams: Sequence[TeamRow], today: dt.date) -> Evidence:
    """The evidence for these teams as of `today`."""
    statuses = [team_status(repo, team, today) for team in teams]
    blockers = [b for s in statuses for b in s.open_blockers]
    reported = expected = 0
    for status in statuses:
        for person in status.people:
            reported += min(person.reported_days, status.elapsed)
            expected += status.elapsed
    incentive = sum(
        1 for team in teams if repo.events(team_id=team.id, kinds=["incentive_scheme"], end=today)
    )
    return Evidence(
        teams=len(teams),
        sales_pace=_pace(statuses, "sales"),
        blockers_open=len(blockers),
        blockers_cross=sum(1 for b in blockers if function_of(b.text)),
        plan_parts=sum(_plan_parts(repo, team, today) for team in teams),
        plan_total=len(SECTION_NAMES) * len(teams),
        outlets_pace=_pace(statuses, "new_outlets"),
        report_rate=round(reported / expected, 3) if expected else None,
        incentive_teams=incentive,
    )
