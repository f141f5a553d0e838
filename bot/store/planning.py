"""Planning rounds (a lead asks the team for bottom-up drafts) and the plan document wizard's place."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.plans import Period
from bot.store import convert as cv
from bot.store.base import RepositoryBase, Row
from bot.store.rows import Number
from bot.store.tables import PLANDOC_SESSIONS, PLANNING_DRAFTS, PLANNING_ROUNDS

RoundStatus = Literal["open", "confirmed", "cancelled"]
SessionStatus = Literal["active", "paused"]
ReferenceBasis = Literal["top_down", "last_period_plus"]


@dataclass(frozen=True, slots=True)
class RoundRow:
    """A planning round of one team for one period."""

    id: int
    team_id: str
    period: str
    metrics: tuple[str, ...]
    status: RoundStatus
    opened_by: str | None
    opened_at: dt.datetime
    confirmed_at: dt.datetime | None
    confirmations: int


@dataclass(frozen=True, slots=True)
class NewDraft:
    """A draft row to create when a round opens: who, which metric, the top-down number."""

    person_id: str
    metric: str
    position: int
    reference: Number | None
    reference_basis: ReferenceBasis | None


@dataclass(frozen=True, slots=True)
class DraftRow:
    """One rep's answer for one metric in a round, and what the lead made of it."""

    id: int
    round_id: int
    person_id: str
    metric: str
    position: int
    reference: Number | None
    reference_basis: ReferenceBasis | None
    draft: Number | None
    adjusted: Number | None
    confirmed: Number | None
    asked_at: dt.datetime | None
    ask_message_id: int | None
    answered_at: dt.datetime | None
    reminders: int


@dataclass(frozen=True, slots=True)
class PlandocSession:
    """Where a lead is in the plan document wizard."""

    person_id: str
    team_id: str
    period: str
    position: int
    status: SessionStatus
    updated_at: dt.datetime


def _maybe_moment(text: str | None) -> dt.datetime | None:
    return cv.moment(text) if text else None


def _maybe_number(value: Any) -> Number | None:
    return None if value is None else cv.number(value)


def _round(row: Row) -> RoundRow:
    return RoundRow(
        id=int(row["id"]),
        team_id=str(row["team_id"]),
        period=str(row["period"]),
        metrics=tuple(str(m) for m in json.loads(row["metrics"])),
        status=row["status"],
        opened_by=row["opened_by"],
        opened_at=cv.moment(row["opened_at"]),
        confirmed_at=_maybe_moment(row["confirmed_at"]),
        confirmations=int(row["confirmations"]),
    )


def _draft(row: Row) -> DraftRow:
    return DraftRow(
        id=int(row["id"]),
        round_id=int(row["round_id"]),
        person_id=str(row["person_id"]),
        metric=str(row["metric"]),
        position=int(row["position"]),
        reference=_maybe_number(row["reference"]),
        reference_basis=row["reference_basis"],
        draft=_maybe_number(row["draft"]),
        adjusted=_maybe_number(row["adjusted"]),
        confirmed=_maybe_number(row["confirmed"]),
        asked_at=_maybe_moment(row["asked_at"]),
        ask_message_id=row["ask_message_id"],
        answered_at=_maybe_moment(row["answered_at"]),
        reminders=int(row["reminders"]),
    )


class PlanningMixin(RepositoryBase):
    """Reads and writes of planning rounds, their drafts, and plan document sessions."""

    # ---- rounds -------------------------------------------------------------------------

    def open_round(
        self,
        team_id: str,
        period: str,
        metrics: Sequence[str],
        opened_by: str | None,
        drafts: Sequence[NewDraft],
    ) -> RoundRow:
        """Opens a round with one draft row per person and metric (in the order given).

        Raises ValueError when the team already has an open round.
        """
        label = Period.parse(period).label
        stamp = self._stamp()
        with self.transaction():
            if self.open_round_of(team_id) is not None:
                raise ValueError(f"team {team_id} already has an open planning round")
            round_id = self._insert(
                PLANNING_ROUNDS,
                {
                    "team_id": team_id,
                    "period": label,
                    "metrics": cv.to_json(list(metrics)),
                    "opened_by": opened_by,
                    "opened_at": stamp,
                    "updated_at": stamp,
                },
            )
            for new in drafts:
                self._insert(
                    PLANNING_DRAFTS,
                    {
                        "round_id": round_id,
                        "person_id": new.person_id,
                        "metric": new.metric,
                        "position": new.position,
                        "reference": new.reference,
                        "reference_basis": new.reference_basis,
                    },
                )
        found = self.planning_round(round_id)
        assert found is not None
        return found

    def planning_round(self, round_id: int) -> RoundRow | None:
        """One round by id, or None."""
        row = self._one(f"SELECT * FROM {PLANNING_ROUNDS} WHERE id = ?", [round_id])
        return _round(row) if row else None

    def open_round_of(self, team_id: str) -> RoundRow | None:
        """The team's open round, or None."""
        row = self._one(
            f"SELECT * FROM {PLANNING_ROUNDS} WHERE team_id = ? AND status = 'open'", [team_id]
        )
        return _round(row) if row else None

    def latest_round(self, team_id: str) -> RoundRow | None:
        """The team's most recently opened round that was not cancelled, or None."""
        row = self._one(
            f"SELECT * FROM {PLANNING_ROUNDS} WHERE team_id = ? AND status <> 'cancelled' "
            "ORDER BY id DESC LIMIT 1",
            [team_id],
        )
        return _round(row) if row else None

    def team_rounds(self, team_id: str, period: str | None = None) -> list[RoundRow]:
        """A team's rounds (of one period when given), oldest first."""
        sql = f"SELECT * FROM {PLANNING_ROUNDS} WHERE team_id = ?"
        params: list[Any] = [team_id]
        if period is not None:
            sql += " AND period = ?"
            params.append(Period.parse(period).label)
        return [_round(r) for r in self._rows(sql + " ORDER BY id", params)]

    def set_round_status(self, round_id: int, status: RoundStatus) -> None:
        """Reopens, cancels or marks a round confirmed (counting its confirmations)."""
        stamp = self._stamp()
        confirming = status == "confirmed"
        self._execute(
            f"UPDATE {PLANNING_ROUNDS} SET status = ?, updated_at = ?, "
            "confirmed_at = CASE WHEN ? THEN ? ELSE confirmed_at END, "
            "confirmations = confirmations + ? WHERE id = ?",
            [status, stamp, confirming, stamp, int(confirming), round_id],
        )

    # ---- drafts -------------------------------------------------------------------------

    def round_drafts(self, round_id: int) -> list[DraftRow]:
        """The round's draft rows, by person and metric position."""
        rows = self._rows(
            f"SELECT * FROM {PLANNING_DRAFTS} WHERE round_id = ? ORDER BY id", [round_id]
        )
        return [_draft(r) for r in rows]

    def draft_by_id(self, draft_id: int) -> DraftRow | None:
        """One draft row, or None."""
        row = self._one(f"SELECT * FROM {PLANNING_DRAFTS} WHERE id = ?", [draft_id])
        return _draft(row) if row else None

    def pending_ask(self, person_id: str) -> DraftRow | None:
        """The question a person was asked and has not answered, in an open round."""
        row = self._one(
            f"SELECT d.* FROM {PLANNING_DRAFTS} d JOIN {PLANNING_ROUNDS} r ON r.id = d.round_id "
            "WHERE d.person_id = ? AND r.status = 'open' AND d.asked_at IS NOT NULL "
            "AND d.answered_at IS NULL ORDER BY d.position, d.id LIMIT 1",
            [person_id],
        )
        return _draft(row) if row else None

    def next_unasked(self, round_id: int, person_id: str) -> DraftRow | None:
        """The person's next metric in the round not yet asked, or None."""
        row = self._one(
            f"SELECT * FROM {PLANNING_DRAFTS} WHERE round_id = ? AND person_id = ? "
            "AND asked_at IS NULL ORDER BY position, id LIMIT 1",
            [round_id, person_id],
        )
        return _draft(row) if row else None

    def mark_asked(
        self, draft_id: int, chat_id: int | None, message_id: int | None, *, reminder: bool = False
    ) -> None:
        """Notes that the question was sent (a reminder counts, and moves the reply target)."""
        stamp = self._stamp()
        sets = "reminded_at = ?, reminders = reminders + 1" if reminder else "asked_at = ?"
        self._execute(
            f"UPDATE {PLANNING_DRAFTS} SET {sets}, ask_chat_id = ?, ask_message_id = ? "
            "WHERE id = ?",
            [stamp, chat_id, message_id, draft_id],
        )

    def record_draft(self, draft_id: int, value: Number) -> None:
        """Stores a rep's own number (answering again replaces it)."""
        stamp = self._stamp()
        self._execute(
            f"UPDATE {PLANNING_DRAFTS} SET draft = ?, answered_at = ?, "
            "asked_at = coalesce(asked_at, ?) WHERE id = ?",
            [value, stamp, stamp, draft_id],
        )

    def adjust_draft(self, draft_id: int, value: Number | None) -> None:
        """Stores the lead's number for one person and metric (None: back to the default)."""
        self._execute(f"UPDATE {PLANNING_DRAFTS} SET adjusted = ? WHERE id = ?", [value, draft_id])

    def mark_confirmed(self, values: dict[int, Number]) -> None:
        """Remembers the value each draft row was confirmed at."""
        with self.transaction():
            for draft_id, value in values.items():
                self.db.execute(
                    f"UPDATE {PLANNING_DRAFTS} SET confirmed = ? WHERE id = ?", [value, draft_id]
                )

    # ---- the plan document wizard ---------------------------------------------------------

    def plandoc_session(self, person_id: str) -> PlandocSession | None:
        """A lead's place in the plan document wizard, or None."""
        row = self._one(f"SELECT * FROM {PLANDOC_SESSIONS} WHERE person_id = ?", [person_id])
        if row is None:
            return None
        return PlandocSession(
            person_id=str(row["person_id"]),
            team_id=str(row["team_id"]),
            period=str(row["period"]),
            position=int(row["position"]),
            status=row["status"],
            updated_at=cv.moment(row["updated_at"]),
        )

    def save_plandoc_session(
        self, person_id: str, team_id: str, period: str, position: int, status: SessionStatus
    ) -> None:
        """Sets where a lead is in the wizard (one session per lead)."""
        stamp = self._stamp()
        self._execute(
            f"INSERT INTO {PLANDOC_SESSIONS} "
            "(person_id, team_id, period, position, status, started_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(person_id) DO UPDATE SET "
            "team_id = excluded.team_id, period = excluded.period, "
            "position = excluded.position, status = excluded.status, "
            "updated_at = excluded.updated_at",
            [person_id, team_id, Period.parse(period).label, position, status, stamp, stamp],
        )

    def end_plandoc_session(self, person_id: str) -> None:
        """Forgets a lead's wizard place (the document itself stays)."""
        self._execute(f"DELETE FROM {PLANDOC_SESSIONS} WHERE person_id = ?", [person_id])
