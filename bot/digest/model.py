"""The weekly digest as data: what a lead or manager reads, before any language or layout.

A digest holds one `Scope` per team in the recipient's charge and, for a manager
of several teams, one more for the total. A scope's `rows` are its people (a
team) or its teams (the total), slowest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.plans import PlanFigures
from rules.model import Finding

ScopeKind = Literal["team", "total"]
# the week-on-week comparison: the five, in this order
COMPARED: tuple[str, ...] = ("sales", "orders", "visits", "new_outlets", "collections")


@dataclass(frozen=True, slots=True)
class MetricLine:
    """One targeted metric over the month to date (contracts §2)."""

    metric: str
    figures: PlanFigures


@dataclass(frozen=True, slots=True)
class Row:
    """A person in a team's scope, or a team in the total."""

    id: str
    name: str
    metrics: tuple[MetricLine, ...]
    week: Mapping[str, float]  # this week's figures
    reported_days: int  # days of the week with a report
    due_days: int  # working days of the week (to the digest's day), leave excluded
    members: int = 1  # reps counted (a team row: its reps)

    @property
    def pace(self) -> float | None:
        """The slowest pace over the row's targeted metrics."""
        paces = [m.figures.pace for m in self.metrics if m.figures.pace is not None]
        return min(paces) if paces else None

    @property
    def completion(self) -> float | None:
        """Share of the due report days with a report."""
        return self.reported_days / self.due_days if self.due_days else None


@dataclass(frozen=True, slots=True)
class Compare:
    """This week against the week before (the same days of it when the week is not over)."""

    metric: str
    week: float
    before: float

    @property
    def change(self) -> float | None:
        return (self.week - self.before) / self.before if self.before else None


@dataclass(frozen=True, slots=True)
class FindingItem:
    """A finding of the week, whom it is about, and whether someone acknowledged it."""

    finding: Finding
    name: str
    acknowledged: bool


@dataclass(frozen=True, slots=True)
class CategoryGroup:
    """The week's findings of one of the five categories: how many, and the top ones."""

    category: str
    count: int
    top: tuple[FindingItem, ...]


@dataclass(frozen=True, slots=True)
class BlockerItem:
    """An open blocker and how long it has been open."""

    person_id: str
    name: str
    text: str
    since: dt.date
    days_open: int
    times_seen: int


@dataclass(frozen=True, slots=True)
class MissingItem:
    """A rep who missed reports this week: how many days, and the last report."""

    person_id: str
    name: str
    days: int
    last_report: dt.date | None


@dataclass(frozen=True, slots=True)
class Curve:
    """The scope's cumulative actual against plan over the month, for one metric."""

    metric: str
    days: tuple[dt.date, ...]  # every day of the month
    actual: tuple[float | None, ...]  # cumulative; None after the digest's day
    plan: tuple[float, ...]  # target × working days so far / working days in the month


@dataclass(frozen=True, slots=True)
class Scope:
    """One team (or the total of a manager's teams) over the week and the month to date."""

    id: str
    name: str
    kind: ScopeKind
    month: str
    elapsed: int
    total_days: int
    totals: tuple[MetricLine, ...]
    rows: tuple[Row, ...]
    compare: tuple[Compare, ...]
    compared_to: dt.date  # the week's figures run from its Monday to this day (and the
    # week before's to the same weekday); before the Monday when no day is due yet
    visits_per_day: float | None  # per rep and working day this week
    month_sales: float
    month_collections: float
    findings: tuple[CategoryGroup, ...]
    blockers: tuple[BlockerItem, ...]
    missing: tuple[MissingItem, ...]
    focus: tuple[FindingItem, ...]
    curve: Curve | None

    @property
    def completion(self) -> float | None:
        due = sum(r.due_days for r in self.rows)
        return sum(r.reported_days for r in self.rows) / due if due else None

    @property
    def collections_ratio(self) -> float | None:
        """This week's collections against this week's sales."""
        week = {c.metric: c.week for c in self.compare}
        sales = week.get("sales", 0.0)
        return week.get("collections", 0.0) / sales if sales else None

    @property
    def month_collections_ratio(self) -> float | None:
        """The month's collections against the month's sales, to date."""
        return self.month_collections / self.month_sales if self.month_sales else None

    @property
    def finding_count(self) -> int:
        return sum(g.count for g in self.findings)


@dataclass(frozen=True, slots=True)
class Digest:
    """What one lead or manager receives for one ISO week."""

    recipient_id: str
    recipient_name: str
    role: str
    week: str  # 2026-W11
    start: dt.date
    end: dt.date
    as_of: dt.date  # the last day counted (the week's Sunday, or today for the week so far)
    complete: bool
    scopes: tuple[Scope, ...]
    names: Mapping[str, str]

    @property
    def teams(self) -> tuple[Scope, ...]:
        return tuple(s for s in self.scopes if s.kind == "team")

    @property
    def total(self) -> Scope | None:
        return next((s for s in self.scopes if s.kind == "total"), None)


def _figures(fig: PlanFigures) -> dict[str, Any]:
    return {
        "target": fig.target,
        "actual": fig.actual,
        "expected": fig.expected,
        "pace": fig.pace,
        "forecast": fig.forecast,
        "needed_per_day": fig.needed_per_day,
    }


def _metrics(lines: tuple[MetricLine, ...]) -> dict[str, Any]:
    return {m.metric: _figures(m.figures) for m in lines}


def _finding(item: FindingItem) -> dict[str, Any]:
    f = item.finding
    return {
        "rule": f.rule,
        "category": f.category,
        "subject": f.subject,
        "severity": f.severity,
        "evidence": dict(f.evidence),
        "acknowledged": item.acknowledged,
    }


def scope_to_json(scope: Scope) -> dict[str, Any]:
    """A scope as plain data (the `--json` of `execoach digest`)."""
    key = "people" if scope.kind == "team" else "teams"
    return {
        "id": scope.id,
        "name": scope.name,
        "kind": scope.kind,
        "month": scope.month,
        "elapsed": scope.elapsed,
        "total": scope.total_days,
        "metrics": _metrics(scope.totals),
        key: [
            {
                "id": r.id,
                "name": r.name,
                "pace": r.pace,
                "metrics": _metrics(r.metrics),
                "week": dict(r.week),
                "reported_days": r.reported_days,
                "due_days": r.due_days,
            }
            for r in scope.rows
        ],
        "week": {c.metric: c.week for c in scope.compare},
        "week_before": {c.metric: c.before for c in scope.compare},
        "compared_to": scope.compared_to.isoformat(),
        "completion": scope.completion,
        "visits_per_day": scope.visits_per_day,
        "collections_ratio": scope.collections_ratio,
        "month_collections_ratio": scope.month_collections_ratio,
        "findings": {
            g.category: {"count": g.count, "top": [_finding(i) for i in g.top]}
            for g in scope.findings
        },
        "open_blockers": [
            {
                "person": b.person_id,
                "text": b.text,
                "since": b.since.isoformat(),
                "days_open": b.days_open,
                "times_seen": b.times_seen,
            }
            for b in scope.blockers
        ],
        "missed_reports": [
            {
                "person": m.person_id,
                "days": m.days,
                "last_report": m.last_report.isoformat() if m.last_report else None,
            }
            for m in scope.missing
        ],
        "focus": [_finding(i) for i in scope.focus],
    }


def digest_to_json(digest: Digest) -> dict[str, Any]:
    """The whole digest as plain data."""
    return {
        "for": digest.recipient_id,
        "role": digest.role,
        "week": digest.week,
        "start": digest.start.isoformat(),
        "end": digest.end.isoformat(),
        "as_of": digest.as_of.isoformat(),
        "complete": digest.complete,
        "teams": [scope_to_json(s) for s in digest.teams],
        "total": scope_to_json(digest.total) if digest.total else None,
    }
