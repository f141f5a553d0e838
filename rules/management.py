"""Management problems (管理问题): no acknowledgement, no coaching, no correction of the plan."""

from __future__ import annotations

from rules.conditions import fact, ge, gt, lt
from rules.model import Rule, th

RULES: list[Rule] = [
    Rule(
        id="management.unacknowledged_escalation",
        kind="team",
        when=lambda: fact("team", gt("unacked", 0)),
        evidence=lambda m: {"count": m["unacked"], "oldest": m["oldest_unacked"]},
    ),
    Rule(
        id="management.behind_without_coaching",
        kind="person_metric",
        when=lambda: fact(
            "person_metric",
            ge("behind_days", th("management.behind_without_coaching", "days")),
            gt("days_since_coaching", th("management.behind_without_coaching", "coaching_within")),
        ),
        evidence=lambda m: {"metric": m["metric"], "days": m["behind_days"], "pace": m["pace"]},
        metric=lambda m: str(m["metric"]),
    ),
    Rule(
        id="management.gap_without_revision",
        kind="team",
        when=lambda: fact(
            "team",
            ge("behind_days", th("management.gap_without_revision", "days")),
            lt("revised", 1),
        ),
        evidence=lambda m: {
            "metric": m["worst_metric"],
            "days": m["behind_days"],
            "pace": m["pace"],
            "gap": m["worst_gap"],
        },
        metric=lambda m: str(m["worst_metric"]) or None,
    ),
]
