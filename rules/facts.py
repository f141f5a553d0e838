"""The facts the rules see: figures derived from the database, one flat record each.

No Telegram, no SQL: the application derives these (aggregates computed in SQL
and Python) and the rules only compare them with thresholds. A value that is
not known is -1 for numbers and "" for texts, so a comparison on it is simple
and a rule can test for it explicitly.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

FactKind = Literal["person_metric", "person", "blocker", "team", "team_metric"]
UNKNOWN = -1.0


@dataclass(frozen=True, slots=True)
class Fact:
    """Common shape: every fact names its team; `subject` is whose problem it would be."""

    kind: ClassVar[FactKind]
    team: str

    @property
    def subject(self) -> str:
        """The person or team id a finding about this fact is addressed to."""
        return self.team

    def message(self) -> dict[str, Any]:
        """The fact as the engine's message: a flat dict with its kind."""
        data = dataclasses.asdict(self)
        data["kind"] = self.kind
        return data


@dataclass(frozen=True, slots=True)
class PersonMetricFact(Fact):
    """One rep's figures for one targeted metric over the current period."""

    kind: ClassVar[FactKind] = "person_metric"
    person: str
    metric: str
    period: str
    target: float
    actual: float
    elapsed: int
    total: int
    remaining: int
    pace: float  # -1 when undefined
    needed_per_day: float  # -1 when undefined
    gap: float
    daily_rate: float
    needed_ratio: float  # needed_per_day / daily_rate, -1 when undefined
    draft: float  # -1 when none
    over_draft: float  # target / draft - 1, -1 when no draft
    basis: str
    best_previous: float  # the best of the previous three periods, -1 when unknown
    history_days: int  # report days in those previous periods
    history_ratio: float  # target / best_previous, -1 when unknown
    reports: int  # reports in this period
    behind_reports: int  # most recent report days in a row behind pace (execution.behind_streak)
    behind_days: (
        int  # working days in a row behind pace up to today (management.behind_without_coaching)
    )
    days_since_coaching: int  # calendar days since this person was last coached, 9999 never

    @property
    def subject(self) -> str:
        """A person's metric is that person's problem."""
        return self.person


@dataclass(frozen=True, slots=True)
class PersonFact(Fact):
    """One rep's reporting and activity."""

    kind: ClassVar[FactKind] = "person"
    person: str
    period: str
    elapsed: int
    reports: int  # report messages this period
    report_days: int
    missed_days: int  # working days since the last report, today not counted
    last_report: str  # ISO date or ""
    has_target: int  # 0/1
    worst_pace: float  # lowest pace over targeted metrics, -1 when none
    no_next_streak: int  # most recent reports in a row without next steps
    discouraged: str  # discouraged words used in the recent window, "" none
    recent_visits: float
    recent_orders: float
    recent_days: int  # working days the recent activity covers
    order_rate: float  # orders per visit over that window, -1 when no visits
    sales: float
    collections: float
    collection_ratio: float  # collections / sales this period, -1 when no sales
    tracks_collections: int  # 0/1: reports collections or has a collections target

    @property
    def subject(self) -> str:
        """A person's reporting is that person's matter."""
        return self.person


@dataclass(frozen=True, slots=True)
class BlockerFact(Fact):
    """One open blocker."""

    kind: ClassVar[FactKind] = "blocker"
    person: str
    blocker_id: int
    text: str
    function: str  # the other function it names (label), "" none
    times: int
    since: str  # ISO date first seen
    open_days: int  # working days from first seen to today
    seen_ago: int  # working days since last seen

    @property
    def subject(self) -> str:
        """A blocker is raised for the person who hit it."""
        return self.person


@dataclass(frozen=True, slots=True)
class TeamFact(Fact):
    """A team's status and its management record."""

    kind: ClassVar[FactKind] = "team"
    period: str
    elapsed: int
    people: int  # reps with a target this period
    behind: int  # of them, behind pace (mechanism.team_mostly_behind)
    share: float  # behind / people, -1 when no people
    pace: float  # the team's lowest pace over its targeted metrics, -1 when none
    worst_metric: str
    worst_gap: float
    has_targets: int  # 0/1
    days_since_meeting: int  # 9999 never
    days_since_training: int
    days_since_incentive: int
    plan_document: int  # 0/1: one exists for the period
    plan_missing: int  # parts missing from it (10 when none exists)
    plan_missing_names: str
    behind_days: (
        int  # working days in a row the team pace was behind (management.gap_without_revision)
    )
    revised: int  # 0/1: the plan was revised this period
    unacked: int  # escalations older than the threshold with no acknowledgement
    oldest_unacked: str


@dataclass(frozen=True, slots=True)
class TeamMetricFact(Fact):
    """A team's targets for one metric: how they were set and split."""

    kind: ClassVar[FactKind] = "team_metric"
    metric: str
    period: str
    elapsed: int
    team_target: float  # the team's own target, -1 none
    assigned: int  # members with their own target on this metric
    flat_people: int  # members whose target looks like last period plus one same percentage
    flat_share: float  # share of members' targets with basis last_period_plus, -1 when none
    uplift: float  # the common uplift in percent, -1 unknown
    spread: float  # max - min of target / last period ratios, -1 unknown


FACT_TYPES: dict[str, type[Fact]] = {
    cls.kind: cls for cls in (PersonMetricFact, PersonFact, BlockerFact, TeamFact, TeamMetricFact)
}
