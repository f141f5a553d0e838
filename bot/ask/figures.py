"""Plan figures over any range of days: a month, a quarter, 3月1日到15日, the last 7 days.

When every target met is of exactly the range asked (this month, with month targets)
the figures are the arithmetic of contracts §2 (`bot.plans.figures_from_counts`),
the same as `bot.status`: a team's target is its own or the sum of its people's,
its actual everything its people reported.

Otherwise a target of a longer or shifted period counts in proportion to the working
days it shares with the range (a March target counts whole for March, half for its
first half); what should be done by today is summed target by target over each
target's own working days; actuals count only on the days a target covers — for a
team, everything its people reported on the days any of its targets of that metric
covers (docs/questions.md, "Ranges").
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.plans import Calendar, Period, PlanFigures, calendar_for, figures_from_counts
from bot.store.repository import Repository
from bot.store.rows import PersonRow, TargetRow, TeamRow
from knowledge import CANONICAL_METRICS


@dataclass(frozen=True, slots=True)
class Part:
    """One owner's target on one metric over a range: what is due, what was due by
    today, what was done on the days the target covers, and which segments those are."""

    target: float
    expected: float
    actual: float
    segments: frozenset[int]
    whole: bool = False  # every target in it is of exactly the range asked


@dataclass(frozen=True)
class RangeFigures:
    """Each person's figures per metric over one range, as of `today`.

    A range is cut into segments at the edges of the targets it meets (a quarter with
    monthly targets: January, February, March). A target counts for the working days
    it shares with the range; its expected-by-now for the days of its own period
    elapsed within the range; its actual is what was done on the days its
    segments cover — days no target covers count nowhere in pace (their figures are
    shown apart, as done without a target).
    """

    start: dt.date
    end: dt.date
    today: dt.date
    actuals: dict[str, dict[str, float]]  # every metric reported, targeted or not
    elapsed: int
    total: int
    parts: dict[str, dict[str, Part]]
    team_parts: dict[str, dict[str, Part]]  # a team's own (not split) targets
    segment_actuals: dict[str, list[dict[str, float]]]  # person -> per segment
    segment_days: tuple[tuple[int, int], ...]  # per segment: (elapsed, total) workdays

    def person(self, pid: str) -> dict[str, PlanFigures]:
        """One person's figures on each targeted metric, in the metrics' order."""
        per = self.parts.get(pid, {})
        return {m: self.figures(per[m]) for m in sorted(per, key=metric_rank)}

    def combined(self, ids: Iterable[str], team_id: str | None = None) -> dict[str, PlanFigures]:
        """The figures of several people together, as contracts §2 sums a team: the
        team's own target when set, else the sum of its people's; the actual is
        everything any of `ids` reported on the days those targets cover (so a member
        without a target of the metric still counts)."""
        ids = list(ids)
        metrics = {m for pid in ids for m in self.parts.get(pid, {})}
        own = self.team_parts.get(team_id or "", {})
        empty: list[dict[str, float]] = [{} for _ in self.segment_days]
        out: dict[str, PlanFigures] = {}
        for metric in sorted(metrics | set(own), key=metric_rank):
            if metric in own:
                part = own[metric]
            else:
                parts = [
                    self.parts[pid][metric] for pid in ids if metric in self.parts.get(pid, {})
                ]
                part = Part(
                    sum(p.target for p in parts),
                    sum(p.expected for p in parts),
                    0.0,
                    frozenset().union(*(p.segments for p in parts)),
                    all(p.whole for p in parts),
                )
            actual = sum(
                self.segment_actuals.get(pid, empty)[i].get(metric, 0.0)
                for pid in ids
                for i in sorted(part.segments)
            )
            out[metric] = self.figures(
                Part(part.target, part.expected, actual, part.segments, part.whole)
            )
        return out

    def figures(self, part: Part) -> PlanFigures:
        elapsed = sum(self.segment_days[i][0] for i in part.segments)
        total = sum(self.segment_days[i][1] for i in part.segments)
        if part.whole:  # one period, its own targets: contracts §2 exactly
            return figures_from_counts(part.target, part.actual, elapsed, total)
        return plan_from_parts(part.target, part.expected, part.actual, elapsed, total)


def plan_from_parts(
    target: float, expected: float, actual: float, elapsed: int, total: int
) -> PlanFigures:
    """Contracts §2 with `expected` summed target by target: pace = actual / expected,
    forecast = actual + pace × (target − expected), needed = gap / working days left.
    For one target over its whole period this is `figures_from_counts` (up to rounding)."""
    if elapsed == 0 or total == 0:
        return figures_from_counts(target, actual, elapsed, total)
    remaining = total - elapsed
    pace = actual / expected if expected else None
    forecast = actual + pace * (target - expected) if pace is not None else None
    if actual >= target:
        needed: float | None = 0.0
    else:
        needed = (target - actual) / remaining if remaining > 0 else None
    gap = max(target - actual, 0.0)
    return PlanFigures(
        target, actual, elapsed, total, remaining, expected, pace, forecast, needed, gap
    )


def metric_rank(metric: str) -> tuple[int, str]:
    return (CANONICAL_METRICS.index(metric) if metric in CANONICAL_METRICS else 99, metric)


def _finest(rows: Sequence[TargetRow]) -> list[TargetRow]:
    """A target of a finer period wins over a coarser one of the same owner and metric
    (month targets over a quarter target), so nothing counts twice."""
    finest: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row.person_id or row.team_id or "", row.metric)
        finest[key] = min(finest.get(key, 9), _level(row.period))
    return [
        r for r in rows if _level(r.period) == finest[(r.person_id or r.team_id or "", r.metric)]
    ]


def _segments(rows: Sequence[TargetRow], start: dt.date, end: dt.date) -> list[dt.date]:
    """The cuts of start..end at the targets' edges: segment i is cuts[i]..cuts[i+1]-1."""
    day = dt.timedelta(days=1)
    cuts = {start, end + day}
    for row in rows:
        lo, hi = max(start, row.period_start), min(end, row.period_end)
        if lo <= hi:
            cuts |= {lo, hi + day}
    return sorted(cuts)


def _parts(
    rows: Sequence[TargetRow],
    cuts: Sequence[dt.date],
    start: dt.date,
    end: dt.date,
    upto: dt.date,
    calendar: Calendar,
) -> tuple[dict[str, dict[str, Part]], dict[str, dict[str, Part]]]:
    """Per person and per team: {metric: Part} without actuals yet."""
    people: dict[str, dict[str, Part]] = {}
    teams: dict[str, dict[str, Part]] = {}
    day = dt.timedelta(days=1)
    known: dict[tuple[dt.date, dt.date], tuple[int, int, int, frozenset[int]]] = {}
    for row in rows:
        lo, hi = max(start, row.period_start), min(end, row.period_end)
        if hi < lo:
            continue
        span = (row.period_start, row.period_end)
        if span not in known:  # most targets share a few periods (the months)
            known[span] = (
                calendar.workdays(row.period_start, row.period_end),
                calendar.workdays(lo, hi),
                calendar.workdays(lo, min(hi, upto)),
                frozenset(
                    i for i in range(len(cuts) - 1) if lo <= cuts[i] and cuts[i + 1] - day <= hi
                ),
            )
        whole, inside, done, segments = known[span]
        exact = span == (start, end)
        if whole:
            target, expected = row.value * inside / whole, row.value * done / whole
        else:  # a target of no working day: whole when the range holds it all
            held = (lo, hi) == (row.period_start, row.period_end)
            target = float(row.value) if held else 0.0
            expected = target if held and upto >= hi else 0.0
        bucket = people if row.person_id else teams
        per = bucket.setdefault(row.person_id or row.team_id or "", {})
        old = per.get(row.metric)
        if old is not None:
            target += old.target
            expected += old.expected
            segments |= old.segments
            exact = exact and old.whole
        per[row.metric] = Part(float(target), float(expected), 0.0, segments, exact)
    return people, teams


@lru_cache(maxsize=4096)
def _level(period: str) -> int:
    """How fine a target's period is: a day 0 … a year 4."""
    try:
        kind = Period.parse(period).kind
    except ValueError:
        return 5
    return {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4}[kind]


def range_figures(
    repo: Repository,
    people: Sequence[PersonRow],
    teams: Sequence[TeamRow],
    start: dt.date,
    end: dt.date,
    today: dt.date,
) -> RangeFigures:
    """The figures of `people` (and the own targets of `teams`) over start..end: one
    query for the targets, one aggregation of the reports per segment of the range."""
    calendar = _calendar(teams, people, repo)
    ids = [p.id for p in people]
    upto = min(today, end)
    id_set, team_set = set(ids), {t.id for t in teams}
    rows = _finest(
        [
            r
            for r in repo.targets(start=start, end=end)
            if (r.person_id in id_set) or (r.person_id is None and r.team_id in team_set)
        ]
    )
    cuts = _segments(rows, start, end)
    day = dt.timedelta(days=1)
    segment_days = tuple(
        (calendar.workdays(a, min(b - day, upto)), calendar.workdays(a, b - day))
        for a, b in itertools.pairwise(cuts)
    )
    per_segment = repo.segment_totals(ids, cuts[:-1], upto) if upto >= start else {}
    empty: list[dict[str, float]] = [{} for _ in segment_days]
    segment_actuals = {pid: per_segment.get(pid, empty) for pid in ids}
    actuals: dict[str, dict[str, float]] = {}
    for pid, segs in segment_actuals.items():
        total_of = actuals.setdefault(pid, {})
        for seg in segs:
            for metric, value in seg.items():
                total_of[metric] = total_of.get(metric, 0.0) + value
    person_parts, team_parts = _parts(rows, cuts, start, end, upto, calendar)
    for pid, per in person_parts.items():
        segs = segment_actuals.get(pid, empty)
        for metric, part in per.items():
            done = sum(segs[i].get(metric, 0.0) for i in part.segments)
            per[metric] = Part(part.target, part.expected, done, part.segments, part.whole)
    return RangeFigures(
        start,
        end,
        today,
        actuals,
        calendar.workdays(start, upto) if upto >= start else 0,
        calendar.workdays(start, end),
        person_parts,
        team_parts,
        segment_actuals,
        segment_days,
    )


def _calendar(teams: Sequence[TeamRow], people: Sequence[PersonRow], repo: Repository) -> Calendar:
    """The calendar of the teams asked about (the first one's when they differ)."""
    if teams:
        return calendar_for(teams[0].workdays)
    for person in people:
        team = repo.team(person.team_id) if person.team_id else None
        if team:
            return calendar_for(team.workdays)
    return calendar_for("mon-fri")


def figures_json(fig: PlanFigures) -> Mapping[str, float | int | None]:
    """The contract's names, rounded for reading."""

    def r(v: float | None) -> float | None:
        return None if v is None else round(v, 4)

    return {
        "target": r(fig.target),
        "actual": r(fig.actual),
        "expected": r(fig.expected),
        "pace": r(fig.pace),
        "forecast": r(fig.forecast),
        "needed_per_day": r(fig.needed_per_day),
        "gap": r(fig.gap),
        "attainment": r(fig.actual / fig.target) if fig.target else None,
        "elapsed": fig.elapsed,
        "total": fig.total,
        "remaining": fig.remaining,
    }
