"""The one place that names the tables, and the small SQL fragments built around them.

The repository's modules (`people`, `targets`, `reports`, `blockers`,
`events`) write their SQL with these constants, so renaming or swapping a
table is a change here. The migrations in `schema.py` spell the names out on
purpose: a released migration is history and must not change with the code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Final

PEOPLE: Final = "people"
TEAMS: Final = "teams"
TARGETS: Final = "targets"
REPORTS: Final = "reports"
REPORT_METRICS: Final = "report_metrics"
REPORT_ITEMS: Final = "report_items"
BLOCKERS: Final = "blockers"
BLOCKER_REPORTS: Final = "blocker_reports"
EVENTS: Final = "events"
PLAN_DOCUMENTS: Final = "plan_documents"
FINDINGS: Final = "findings"
INBOX: Final = "inbox"
INVITES: Final = "invites"
PLAN_IMPORTS: Final = "plan_imports"
PLANNING_ROUNDS: Final = "planning_rounds"
PLANNING_DRAFTS: Final = "planning_drafts"
PLANDOC_SESSIONS: Final = "plandoc_sessions"
HEALTH_CHECKS: Final = "health_checks"
DIGESTS: Final = "digests"

Params = list[Any]


def match(columns: Mapping[str, Any]) -> tuple[list[str], Params]:
    """`column = ?` clauses for the columns given a value (None means no filter)."""
    given = {c: v for c, v in columns.items() if v is not None}
    return [f"{c} = ?" for c in given], list(given.values())


def where(clauses: list[str]) -> str:
    """` WHERE a AND b`, or nothing when there are no clauses."""
    return f" WHERE {' AND '.join(clauses)}" if clauses else ""


def is_in(column: str, values: Iterable[Any]) -> tuple[str, str]:
    """A clause matching `column` against a list passed as one JSON parameter."""
    return f"{column} IN (SELECT value FROM json_each(?))", json.dumps(list(values))


def not_in(column: str, values: Iterable[Any]) -> tuple[str, str]:
    """A clause keeping the rows whose `column` is not in the list (one JSON parameter)."""
    return f"{column} NOT IN (SELECT value FROM json_each(?))", json.dumps(list(values))
