"""Process problems (流程问题): hand-offs to other functions, blockers that return or stay open."""

from __future__ import annotations

from rules.conditions import fact, ge, le, ne
from rules.model import Rule, th

RULES: list[Rule] = [
    Rule(
        id="process.cross_function_blocker",
        kind="blocker",
        when=lambda: fact(
            "blocker",
            ne("function", ""),
            ge("open_days", th("process.cross_function_blocker", "min_days")),
        ),
        evidence=lambda m: {
            "blocker": m["text"],
            "function": m["function"],
            "days": m["open_days"],
        },
    ),
    Rule(
        id="process.recurring_blocker",
        kind="blocker",
        when=lambda: fact("blocker", ge("times", th("process.recurring_blocker", "times"))),
        evidence=lambda m: {"blocker": m["text"], "times": m["times"], "since": m["since"]},
    ),
    Rule(
        id="process.blocker_left_open",
        kind="blocker",
        when=lambda: fact(
            "blocker",
            ge("open_days", th("process.blocker_left_open", "days")),
            le("seen_ago", th("process.blocker_left_open", "seen_within")),
        ),
        evidence=lambda m: {"blocker": m["text"], "days": m["open_days"]},
    ),
]
