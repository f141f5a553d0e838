"""The total of a manager's teams: every team summed, the teams as its rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.digest.findings import focus, merge_groups
from bot.digest.model import COMPARED, Compare, Curve, MetricLine, Row, Scope
from bot.plans import figures_from_counts
from bot.store.rows import PersonRow


def _total_lines(scopes: Sequence[Scope]) -> tuple[MetricLine, ...]:
    """Each metric summed over the teams: the team arithmetic when the teams share their
    working-day counts, else sums of targets, actuals, expectations and forecasts."""
    metrics: dict[str, list[MetricLine]] = {}
    for scope in scopes:
        for line in scope.totals:
            metrics.setdefault(line.metric, []).append(line)
    out: list[MetricLine] = []
    for metric, lines in metrics.items():
        figs = [line.figures for line in lines]
        counts = {(f.elapsed, f.total) for f in figs}
        elapsed, total = (next(iter(counts))) if len(counts) == 1 else (0, 0)
        fig = figures_from_counts(
            sum(f.target for f in figs), sum(f.actual for f in figs), elapsed, total
        )
        if len(counts) > 1:
            expected = sum(f.expected or 0.0 for f in figs)
            fig = replace(
                fig,
                expected=expected,
                pace=fig.actual / expected if expected else None,
                forecast=sum(f.forecast or 0.0 for f in figs),
                needed_per_day=sum(f.needed_per_day or 0.0 for f in figs),
            )
        out.append(MetricLine(metric, fig))
    return tuple(out)


def total_scope(scopes: Sequence[Scope], person: PersonRow, audience: str) -> Scope:
    """The manager's total: every team summed, the teams as its rows, slowest first."""
    rows = [
        Row(
            id=s.id,
            name=s.name,
            metrics=s.totals,
            week={c.metric: c.week for c in s.compare},
            reported_days=sum(r.reported_days for r in s.rows),
            due_days=sum(r.due_days for r in s.rows),
            members=len(s.rows),
        )
        for s in scopes
    ]
    rows.sort(key=lambda r: (r.pace is None, r.pace or 0.0, r.name))
    compare = tuple(
        Compare(
            m,
            sum(c.week for s in scopes for c in s.compare if c.metric == m),
            sum(c.before for s in scopes for c in s.compare if c.metric == m),
        )
        for m in COMPARED
    )
    visits_days = [
        (s.visits_per_day or 0.0) * len(s.rows) for s in scopes if s.visits_per_day is not None
    ]
    reps = sum(len(s.rows) for s in scopes if s.visits_per_day is not None)
    groups = merge_groups([s.findings for s in scopes])
    items = [i for s in scopes for g in s.findings for i in g.top]
    curves = [s.curve for s in scopes if s.curve is not None]
    return Scope(
        id="total",
        name=person.name,
        kind="total",
        month=scopes[0].month,
        elapsed=scopes[0].elapsed,
        total_days=scopes[0].total_days,
        totals=_total_lines(scopes),
        rows=tuple(rows),
        compare=compare,
        compared_to=max(s.compared_to for s in scopes),
        visits_per_day=sum(visits_days) / reps if reps else None,
        month_sales=sum(s.month_sales for s in scopes),
        month_collections=sum(s.month_collections for s in scopes),
        findings=groups,
        blockers=tuple(b for s in scopes for b in s.blockers),
        missing=tuple(m for s in scopes for m in s.missing),
        focus=focus(items, audience),
        curve=_sum_curves(curves),
    )


def _sum_curves(curves: Sequence[Curve]) -> Curve | None:
    same = [
        c for c in curves if curves and c.metric == curves[0].metric and c.days == curves[0].days
    ]
    if not same:
        return None
    actual = tuple(
        None if any(c.actual[i] is None for c in same) else sum(c.actual[i] or 0.0 for c in same)
        for i in range(len(same[0].days))
    )
    plan = tuple(sum(c.plan[i] for c in same) for i in range(len(same[0].days)))
    return Curve(same[0].metric, same[0].days, actual, plan)
