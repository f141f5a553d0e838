"""What the store hands back: small frozen rows, and the closed vocabularies it keeps.

No SQL here and no table names: `repository.py` builds these from query results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal, get_args

from bot.report_parser.model import ReportWarning
from knowledge.plan_parts import PART_NAMES

Number = int | float

Role = Literal["rep", "lead", "manager", "admin"]
ROLES: Final[tuple[Role, ...]] = get_args(Role)

Workdays = Literal["mon-fri", "mon-sat", "cn"]
WORKDAYS: Final[tuple[Workdays, ...]] = get_args(Workdays)

Basis = Literal["bottom_up", "top_down", "last_period_plus"]
BASES: Final[tuple[Basis, ...]] = get_args(Basis)

EventKind = Literal[
    "meeting",
    "training",
    "coaching",
    "plan_revised",
    "incentive_scheme",
    "acknowledgement",
    "escalation",
    "appraisal",
]
EVENT_KINDS: Final[tuple[EventKind, ...]] = get_args(EventKind)

Category = Literal["goal", "execution", "process", "mechanism", "management"]
CATEGORIES: Final[tuple[Category, ...]] = get_args(Category)

ItemKind = Literal["blocker", "next_step"]
BlockerStatus = Literal["open", "resolved"]
InboxStatus = Literal["pending", "done", "failed"]

# The ten parts of a plan execution document (article, method 2), in order.
SECTION_NAMES: Final[tuple[str, ...]] = PART_NAMES


@dataclass(frozen=True, slots=True)
class PersonRow:
    """One person of the organisation."""

    id: str
    name: str
    role: Role
    team_id: str | None
    telegram_id: int | None
    lang: str | None
    timezone: str | None
    active: bool
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class TeamRow:
    """One team: who leads and manages it, its calendar, zone and settings."""

    id: str
    name: str
    lead_id: str | None
    manager_id: str | None
    region: str | None
    timezone: str | None
    workdays: Workdays
    settings: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class TargetRow:
    """A target of a person or (not yet split) of a team, for one metric and period."""

    id: int
    person_id: str | None
    team_id: str | None
    metric: str
    period: str
    period_start: dt.date
    period_end: dt.date
    value: Number
    draft: Number | None
    basis: Basis | None
    region: str
    channel: str
    product: str


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One report message with what was read from it."""

    id: int
    person_id: str
    report_date: dt.date
    received_at: dt.datetime
    raw_text: str
    source: str
    source_key: str
    chat_id: int | None
    message_id: int | None
    withdrawn: bool
    warnings: tuple[ReportWarning, ...]
    metrics: Mapping[str, Number]
    blockers: tuple[str, ...]
    next_steps: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SavedReport:
    """The outcome of `save_report`: the row id, and whether an earlier version was replaced."""

    id: int
    replaced: bool


@dataclass(frozen=True, slots=True)
class BlockerRow:
    """A blocker as tracked over time: how often and from when to when it was reported."""

    id: int
    person_id: str
    team_id: str | None
    text: str
    key: str
    status: BlockerStatus
    first_seen: dt.date
    last_seen: dt.date
    times_seen: int
    resolved_at: dt.datetime | None
    report_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class EventRow:
    """A management event: a meeting, a training, a coaching session, a plan revision …"""

    id: int
    kind: str
    team_id: str | None
    person_id: str | None
    by_id: str | None
    date: dt.date
    text: str
    source_key: str | None


@dataclass(frozen=True, slots=True)
class PlanDocumentRow:
    """A team's plan execution document for one period (the ten sections, some may be empty)."""

    team_id: str
    period: str
    sections: Mapping[str, str]
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class FindingRow:
    """A finding of the rule base, and when and to whom it was sent."""

    id: int
    rule: str
    category: Category
    subject: str
    audience: tuple[str, ...]
    severity: str
    evidence: Mapping[str, Any]
    message: str
    found_on: dt.date
    sent_at: dt.datetime | None
    sent_to: tuple[str, ...]
    cooldown_key: str | None


@dataclass(frozen=True, slots=True)
class InboxRow:
    """An incoming Telegram update, stored before it is processed."""

    update_id: int
    received_at: dt.datetime
    payload: Mapping[str, Any]
    status: InboxStatus
    attempts: int
    last_error: str | None
