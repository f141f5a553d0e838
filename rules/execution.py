"""Execution problems (执行问题): the plan never broken into steps, activity that does not serve it."""

from __future__ import annotations

from rules.conditions import eq, fact, ge, gt, le, lt
from rules.model import Rule, th

RULES: list[Rule] = [
    Rule(
        id="execution.no_next_steps",
        kind="person",
        when=lambda: fact(
            "person",
            ge("no_next_streak", th("execution.no_next_steps", "reports")),
            ge("worst_pace", 0),
            lt("worst_pace", th("execution.no_next_steps", "pace_below")),
        ),
        evidence=lambda m: {"reports": m["no_next_streak"], "pace": m["worst_pace"]},
    ),
    Rule(
        id="execution.behind_streak",
        kind="person_metric",
        when=lambda: fact(
            "person_metric",
            ge("elapsed", th("execution.behind_streak", "min_elapsed")),
            ge("behind_reports", th("execution.behind_streak", "reports")),
            ge("pace", 0),
            lt("pace", th("execution.behind_streak", "pace_below")),
        ),
        evidence=lambda m: {
            "metric": m["metric"],
            "reports": m["behind_reports"],
            "pace": m["pace"],
            "gap": m["gap"],
        },
        metric=lambda m: str(m["metric"]),
    ),
    Rule(
        id="execution.busy_without_results",
        kind="person",
        when=lambda: fact(
            "person",
            ge("recent_visits", th("execution.busy_without_results", "min_visits")),
            ge("order_rate", 0),
            lt("order_rate", th("execution.busy_without_results", "max_order_rate")),
        ),
        evidence=lambda m: {
            "visits": m["recent_visits"],
            "orders": m["recent_orders"],
            "rate": m["order_rate"],
            "days": m["recent_days"],
        },
    ),
    Rule(
        id="execution.sales_ahead_of_collections",
        kind="person",
        when=lambda: fact(
            "person",
            eq("tracks_collections", 1),
            ge("elapsed", th("execution.sales_ahead_of_collections", "min_elapsed")),
            ge("sales", th("execution.sales_ahead_of_collections", "min_sales")),
            ge("collection_ratio", 0),
            lt("collection_ratio", th("execution.sales_ahead_of_collections", "max_ratio")),
        ),
        evidence=lambda m: {
            "sales": m["sales"],
            "collections": m["collections"],
            "ratio": m["collection_ratio"],
        },
    ),
    Rule(
        id="execution.targeted_metric_idle",
        kind="person_metric",
        when=lambda: fact(
            "person_metric",
            gt("target", 0),
            le("actual", 0),
            ge("elapsed", th("execution.targeted_metric_idle", "min_elapsed")),
            ge("reports", th("execution.targeted_metric_idle", "min_reports")),
        ),
        evidence=lambda m: {"metric": m["metric"], "target": m["target"], "elapsed": m["elapsed"]},
        metric=lambda m: str(m["metric"]),
    ),
    Rule(
        id="execution.targets_not_broken_down",
        kind="team_metric",
        when=lambda: fact(
            "team_metric",
            gt("team_target", 0),
            eq("assigned", 0),
            ge("elapsed", th("execution.targets_not_broken_down", "min_elapsed")),
        ),
        evidence=lambda m: {
            "metric": m["metric"],
            "period": m["period"],
            "target": m["team_target"],
            "elapsed": m["elapsed"],
        },
        metric=lambda m: str(m["metric"]),
    ),
    Rule(
        id="execution.plan_document_incomplete",
        kind="team",
        when=lambda: fact(
            "team",
            eq("has_targets", 1),
            gt("plan_missing", 0),
            ge("pace", 0),
            lt("pace", th("execution.plan_document_incomplete", "team_pace_below")),
        ),
        evidence=lambda m: {
            "period": m["period"],
            "missing": m["plan_missing_names"],
            "count": m["plan_missing"],
        },
    ),
]
