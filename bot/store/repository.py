"""The repository: typed reads and writes over sqlite-utils, composed from one part per area.

Everything else in the product asks a `Repository` and gets frozen rows back
(`bot.store.rows`, built by `bot.store.convert`). Dates are stored as ISO
`YYYY-MM-DD`, moments as UTC ISO strings, structured values as JSON. Writes
that touch several rows run in one transaction (BEGIN IMMEDIATE, a savepoint
when nested), so a failure leaves nothing half-written.

The parts: `people` (teams and people), `targets`, `reports`, `blockers`,
`events` (events, plan documents, findings, the inbox), over the plumbing of
`base`; only `tables` names the tables.
"""

from __future__ import annotations

from bot.store.asks import AsksMixin
from bot.store.base import Row, utc_now
from bot.store.blockers import BlockersMixin, blocker_key
from bot.store.digests import DigestsMixin
from bot.store.events import EventsMixin
from bot.store.health import HealthMixin
from bot.store.invites import InvitesMixin
from bot.store.people import PeopleMixin
from bot.store.plan_imports import PlanImportsMixin
from bot.store.planning import PlanningMixin
from bot.store.reports import ReportsMixin, telegram_source_key
from bot.store.targets import TargetsMixin, TargetSource

__all__ = [
    "Repository",
    "Row",
    "TargetSource",
    "blocker_key",
    "telegram_source_key",
    "utc_now",
]


class Repository(
    PeopleMixin,
    TargetsMixin,
    ReportsMixin,
    BlockersMixin,
    EventsMixin,
    InvitesMixin,
    DigestsMixin,
    HealthMixin,
    PlanningMixin,
    PlanImportsMixin,
    AsksMixin,
):
    """Typed access to the execoach database."""
