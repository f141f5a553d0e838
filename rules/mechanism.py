"""Mechanism problems (机制问题): no rules that hold, no review, no training, no incentive."""

from __future__ import annotations

from rules.conditions import eq, fact, ge, lt
from rules.model import Rule, th


def _team_behind(rule_id: str) -> list[dict[str, object]]:
    """Team-level mechanism rules speak only when the team itself is behind."""
    return [ge("pace", 0), lt("pace", th(rule_id, "team_pace_below"))]


RULES: list[Rule] = [
    Rule(
        id="mechanism.reports_stopped",
        kind="person",
        when=lambda: fact("person", ge("missed_days", th("mechanism.reports_stopped", "days"))),
        evidence=lambda m: {"days": m["missed_days"], "last_report": m["last_report"]},
    ),
    Rule(
        id="mechanism.team_mostly_behind",
        kind="team",
        when=lambda: fact(
            "team",
            ge("people", th("mechanism.team_mostly_behind", "min_people")),
            ge("elapsed", th("mechanism.team_mostly_behind", "min_elapsed")),
            ge("share", th("mechanism.team_mostly_behind", "share")),
        ),
        evidence=lambda m: {"behind": m["behind"], "people": m["people"], "share": m["share"]},
    ),
    Rule(
        id="mechanism.no_review_meeting",
        kind="team",
        when=lambda: fact(
            "team",
            ge("days_since_meeting", th("mechanism.no_review_meeting", "days")),
            *_team_behind("mechanism.no_review_meeting"),
        ),
        evidence=lambda m: {"days": m["days_since_meeting"], "pace": m["pace"]},
    ),
    Rule(
        id="mechanism.no_training",
        kind="team",
        when=lambda: fact(
            "team",
            ge("days_since_training", th("mechanism.no_training", "days")),
            *_team_behind("mechanism.no_training"),
        ),
        evidence=lambda m: {"days": m["days_since_training"], "pace": m["pace"]},
    ),
    Rule(
        id="mechanism.no_incentive_scheme",
        kind="team",
        when=lambda: fact(
            "team",
            eq("has_targets", 1),
            ge("days_since_incentive", th("mechanism.no_incentive_scheme", "days")),
            *_team_behind("mechanism.no_incentive_scheme"),
        ),
        evidence=lambda m: {"pace": m["pace"]},
    ),
]
