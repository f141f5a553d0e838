"""Stored values ↔ Python values, and query rows → the frozen rows of `bot.store.rows`.

Dates are ISO `YYYY-MM-DD`, moments UTC ISO strings, structures JSON text.
No SQL and no table names here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

from bot.report_parser.model import ReportWarning
from bot.store.rows import (
    Basis,
    BlockerRow,
    BlockerStatus,
    Category,
    EventRow,
    FindingRow,
    InboxRow,
    InboxStatus,
    Number,
    PersonRow,
    PlanDocumentRow,
    ReportRow,
    Role,
    TargetRow,
    TeamRow,
    Workdays,
)

Row = Mapping[str, Any]


def to_json(value: Any) -> str:
    """Compact JSON that keeps Chinese readable."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def moment_text(moment: dt.datetime) -> str:
    """An aware moment as a UTC ISO string (naive moments are refused)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a naive datetime cannot be stored: {moment!r}")
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def moment(text: str) -> dt.datetime:
    """A stored UTC moment."""
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def day(text: str) -> dt.date:
    """A stored date."""
    return dt.date.fromisoformat(text)


def number(value: Any) -> Number:
    """A stored figure: an int when it is whole, else a float."""
    if isinstance(value, int):
        return value
    as_float = float(value)
    return int(as_float) if as_float.is_integer() else as_float


def _json_obj(text: str | None) -> dict[str, Any]:
    value = json.loads(text) if text else {}
    return value if isinstance(value, dict) else {}


def _json_strs(text: str | None) -> tuple[str, ...]:
    value = json.loads(text) if text else []
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def person(row: Row) -> PersonRow:
    return PersonRow(
        id=row["id"],
        name=row["name"],
        role=cast(Role, row["role"]),
        team_id=row["team_id"],
        telegram_id=row["telegram_id"],
        lang=row["lang"],
        timezone=row["timezone"],
        active=bool(row["active"]),
        created_at=moment(row["created_at"]),
    )


def team(row: Row) -> TeamRow:
    return TeamRow(
        id=row["id"],
        name=row["name"],
        lead_id=row["lead_id"],
        manager_id=row["manager_id"],
        region=row["region"],
        timezone=row["timezone"],
        workdays=cast(Workdays, row["workdays"]),
        settings=_json_obj(row["settings"]),
    )


def target(row: Row) -> TargetRow:
    return TargetRow(
        id=row["id"],
        person_id=row["person_id"],
        team_id=row["team_id"],
        metric=row["metric"],
        period=row["period"],
        period_start=day(row["period_start"]),
        period_end=day(row["period_end"]),
        value=number(row["value"]),
        draft=None if row["draft"] is None else number(row["draft"]),
        basis=cast("Basis | None", row["basis"]),
        region=row["region"],
        channel=row["channel"],
        product=row["product"],
    )


def _warnings(text: str) -> tuple[ReportWarning, ...]:
    if not text or text == "[]":  # most reports: skip the JSON parser
        return ()
    raw = json.loads(text)
    return tuple(
        ReportWarning(str(w.get("key", "")), dict(w.get("params") or {}))
        for w in raw
        if isinstance(w, dict)
    )


def report(
    row: Row, metrics: Mapping[str, Number], blockers: Sequence[str], next_steps: Sequence[str]
) -> ReportRow:
    return ReportRow(
        id=row["id"],
        person_id=row["person_id"],
        report_date=day(row["report_date"]),
        received_at=moment(row["received_at"]),
        raw_text=row["raw_text"],
        source=row["source"],
        source_key=row["source_key"],
        chat_id=row["chat_id"],
        message_id=row["message_id"],
        withdrawn=bool(row["withdrawn"]),
        warnings=_warnings(row["parse_warnings"]),
        metrics=dict(metrics),
        blockers=tuple(blockers),
        next_steps=tuple(next_steps),
    )


def blocker(row: Row) -> BlockerRow:
    ids = json.loads(row["report_ids"]) if row.get("report_ids") else []
    return BlockerRow(
        id=row["id"],
        person_id=row["person_id"],
        team_id=row["team_id"],
        text=row["text"],
        key=row["key"],
        status=cast(BlockerStatus, row["status"]),
        first_seen=day(row["first_seen"]),
        last_seen=day(row["last_seen"]),
        times_seen=row["times_seen"],
        resolved_at=moment(row["resolved_at"]) if row["resolved_at"] else None,
        report_ids=tuple(int(i) for i in ids),
    )


def event(row: Row) -> EventRow:
    return EventRow(
        id=row["id"],
        kind=row["kind"],
        team_id=row["team_id"],
        person_id=row["person_id"],
        by_id=row["by_id"],
        date=day(row["date"]),
        text=row["text"],
        source_key=row["source_key"],
    )


def plan_document(row: Row) -> PlanDocumentRow:
    return PlanDocumentRow(
        team_id=row["team_id"],
        period=row["period"],
        sections={str(k): str(v) for k, v in _json_obj(row["sections"]).items()},
        updated_at=moment(row["updated_at"]),
    )


def finding(row: Row) -> FindingRow:
    return FindingRow(
        id=row["id"],
        rule=row["rule"],
        category=cast(Category, row["category"]),
        subject=row["subject"],
        audience=_json_strs(row["audience"]),
        severity=row["severity"],
        evidence=_json_obj(row["evidence"]),
        message=row["message"],
        found_on=day(row["found_on"]),
        sent_at=moment(row["sent_at"]) if row["sent_at"] else None,
        sent_to=_json_strs(row["sent_to"]),
        cooldown_key=row["cooldown_key"],
    )


def inbox(row: Row) -> InboxRow:
    return InboxRow(
        update_id=row["update_id"],
        received_at=moment(row["received_at"]),
        payload=_json_obj(row["payload"]),
        status=cast(InboxStatus, row["status"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
    )
