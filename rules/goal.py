"""Goal problems (目标问题): targets set without analysis, unreachable, or absent."""

from __future__ import annotations

from rules.conditions import eq, fact, ge, gt, lt, ne
from rules.model import Rule, th

RULES: list[Rule] = [
    Rule(
        id="goal.no_target",
        kind="person",
        when=lambda: fact(
            "person", eq("has_target", 0), ge("reports", th("goal.no_target", "min_reports"))
        ),
        evidence=lambda m: {"period": m["period"], "reports": m["reports"]},
    ),
    Rule(
        id="goal.target_beyond_history",
        kind="person_metric",
        when=lambda: fact(
            "person_metric",
            gt("best_previous", 0),
            ge("history_days", th("goal.target_beyond_history", "min_history_days")),
            gt("history_ratio", th("goal.target_beyond_history", "ratio")),
        ),
        evidence=lambda m: {
            "metric": m["metric"],
            "target": m["target"],
            "best_previous": m["best_previous"],
            "ratio": m["history_ratio"],
        },
        metric=lambda m: str(m["metric"]),
    ),
    Rule(
        id="goal.flat_uplift",
        kind="team_metric",
        when=lambda: fact(
            "team_metric",
            ge("flat_people", th("goal.flat_uplift", "min_people")),
        ),
        evidence=lambda m: {
            "metric": m["metric"],
            "people": m["flat_people"],
            "uplift": m["uplift"],
        },
        metric=lambda m: str(m["metric"]),
    ),
    Rule(
        id="goal.topdown_far_above_draft",
        kind="person_metric",
        when=lambda: fact(
            "person_metric",
            gt("draft", 0),
            gt("over_draft", th("goal.topdown_far_above_draft", "gap")),
        ),
        evidence=lambda m: {
            "metric": m["metric"],
            "target": m["target"],
            "draft": m["draft"],
            "over": m["over_draft"],
        },
        metric=lambda m: str(m["metric"]),
    ),
    Rule(
        id="goal.unreachable_pace",
        kind="person_metric",
        when=lambda: fact(
            "person_metric",
            gt("gap", 0),
            gt("remaining", 0),
            gt("daily_rate", 0),
            ge("elapsed", th("goal.unreachable_pace", "min_elapsed")),
            ge("needed_ratio", th("goal.unreachable_pace", "factor")),
        ),
        evidence=lambda m: {
            "metric": m["metric"],
            "gap": m["gap"],
            "remaining": m["remaining"],
            "needed_per_day": m["needed_per_day"],
            "daily_rate": m["daily_rate"],
        },
        metric=lambda m: str(m["metric"]),
    ),
    Rule(
        id="goal.discouraged_sinking",
        kind="person",
        when=lambda: fact(
            "person",
            ne("discouraged", ""),
            ge("worst_pace", 0),
            lt("worst_pace", th("goal.discouraged_sinking", "pace_below")),
        ),
        evidence=lambda m: {"words": m["discouraged"], "pace": m["worst_pace"]},
    ),
]
