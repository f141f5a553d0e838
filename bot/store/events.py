"""What happens around the figures: events, plan documents, findings and the inbox of updates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.plans import Period
from bot.store import convert as cv
from bot.store.base import RepositoryBase
from bot.store.rows import Category, EventRow, FindingRow, InboxRow, InboxStatus, PlanDocumentRow
from bot.store.tables import EVENTS, FINDINGS, INBOX, PLAN_DOCUMENTS, is_in, match, not_in, where


class EventsMixin(RepositoryBase):
    """Events, plan documents, findings and the inbox."""

    # ---- events -----------------------------------------------------------------------

    def add_event(
        self,
        kind: str,
        date: dt.date,
        *,
        team_id: str | None = None,
        person_id: str | None = None,
        by_id: str | None = None,
        text: str = "",
        source_key: str | None = None,
    ) -> int:
        """Records an event; one with a known source_key is updated in place (idempotent)."""
        record: dict[str, Any] = {"kind": kind, "date": date.isoformat(), "team_id": team_id}
        record |= {"person_id": person_id, "by_id": by_id, "text": text}
        if source_key is None:
            with self.transaction():
                return self._insert(EVENTS, record)
        return self._put(EVENTS, {"source_key": source_key}, record)[0]

    def prune_events(
        self,
        prefix: str,
        *,
        person_ids: Iterable[str],
        team_ids: Iterable[str],
        keep: Iterable[str],
    ) -> int:
        """Deletes events whose source key starts with `prefix` and is not in `keep`.

        Only events of these people (as subject or as the one who held it) or
        these teams are touched. Returns how many were deleted.
        """
        people = list(person_ids)
        subject, subject_list = is_in("person_id", people)
        holder, holder_list = is_in("by_id", people)
        teams, team_list = is_in("team_id", team_ids)
        kept, kept_list = not_in("source_key", keep)
        return self._execute(
            f"DELETE FROM {EVENTS} WHERE substr(source_key, 1, ?) = ? "
            f"AND ({subject} OR {holder} OR {teams}) AND {kept}",
            [len(prefix), prefix, subject_list, holder_list, team_list, kept_list],
        )

    def events(
        self,
        *,
        team_id: str | None = None,
        person_id: str | None = None,
        kinds: Iterable[str] | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> list[EventRow]:
        """Events matching every filter given, oldest first."""
        clauses, params = match({"team_id": team_id, "person_id": person_id})
        if kinds is not None:
            clause, values = is_in("kind", kinds)
            clauses.append(clause)
            params.append(values)
        for clause, day in (("date >= ?", start), ("date <= ?", end)):
            if day is not None:
                clauses.append(clause)
                params.append(day.isoformat())
        rows = self._rows(f"SELECT * FROM {EVENTS}{where(clauses)} ORDER BY date, id", params)
        return [cv.event(r) for r in rows]

    # ---- plan documents ---------------------------------------------------------------

    def upsert_plan_document(self, team_id: str, period: str, sections: Mapping[str, str]) -> None:
        """Sets a team's plan document for a period (the sections given replace the old ones)."""
        key: dict[str, Any] = {"team_id": team_id, "period": Period.parse(period).label}
        values: dict[str, Any] = {
            "sections": cv.to_json(dict(sections)),
            "updated_at": self._stamp(),
        }
        with self.transaction():
            self.db.table(PLAN_DOCUMENTS).upsert({**key, **values}, pk=("team_id", "period"))

    def plan_document(self, team_id: str, period: str) -> PlanDocumentRow | None:
        """A team's plan document for a period, or None."""
        label = Period.parse(period).label
        row = self._one(
            f"SELECT * FROM {PLAN_DOCUMENTS} WHERE team_id = ? AND period = ?", [team_id, label]
        )
        return cv.plan_document(row) if row else None

    def plan_documents(self, team_id: str | None = None) -> list[PlanDocumentRow]:
        """Plan documents (of one team when given), by team and period."""
        clauses, params = match({"team_id": team_id})
        sql = f"SELECT * FROM {PLAN_DOCUMENTS}{where(clauses)} ORDER BY team_id, period"
        return [cv.plan_document(r) for r in self._rows(sql, params)]

    # ---- findings ---------------------------------------------------------------------

    def record_finding(
        self,
        *,
        rule: str,
        category: Category,
        subject: str,
        audience: Sequence[str],
        severity: str,
        evidence: Mapping[str, Any],
        message: str,
        found_on: dt.date,
        cooldown_key: str | None = None,
    ) -> int:
        """Stores a finding of the rule base; returns its id."""
        record: dict[str, Any] = {
            "rule": rule,
            "category": category,
            "subject": subject,
            "severity": severity,
        }
        record |= {"audience": cv.to_json(list(audience)), "evidence": cv.to_json(dict(evidence))}
        record |= {
            "message": message,
            "found_on": found_on.isoformat(),
            "cooldown_key": cooldown_key,
        }
        with self.transaction():
            return self._insert(FINDINGS, record)

    def mark_finding_sent(
        self, finding_id: int, sent_to: Sequence[str], at: dt.datetime | None = None
    ) -> None:
        """Notes when and to whom a finding was sent."""
        self._execute(
            f"UPDATE {FINDINGS} SET sent_at = ?, sent_to = ? WHERE id = ?",
            [cv.moment_text(at or self._now()), cv.to_json(list(sent_to)), finding_id],
        )

    def findings(
        self,
        *,
        subject: str | None = None,
        rule: str | None = None,
        cooldown_key: str | None = None,
        since: dt.date | None = None,
    ) -> list[FindingRow]:
        """Findings matching every filter given, oldest first."""
        clauses, params = match({"subject": subject, "rule": rule, "cooldown_key": cooldown_key})
        if since is not None:
            clauses.append("found_on >= ?")
            params.append(since.isoformat())
        rows = self._rows(f"SELECT * FROM {FINDINGS}{where(clauses)} ORDER BY found_on, id", params)
        return [cv.finding(r) for r in rows]

    def findings_by_ids(self, ids: Iterable[int]) -> list[FindingRow]:
        """The findings with these ids."""
        clause, values = is_in("id", ids)
        return [
            cv.finding(r) for r in self._rows(f"SELECT * FROM {FINDINGS} WHERE {clause}", [values])
        ]

    def last_sent(self, cooldown_key: str) -> dt.datetime | None:
        """When a finding with this cooldown key was last sent, or None."""
        row = self._one(
            f"SELECT max(sent_at) AS at FROM {FINDINGS} WHERE cooldown_key = ?", [cooldown_key]
        )
        return cv.moment(row["at"]) if row and row["at"] else None

    # ---- the inbox ----------------------------------------------------------------------

    def inbox_put(self, update_id: int, payload: Mapping[str, Any]) -> bool:
        """Stores an incoming update before it is handled; False if it was already there."""
        return (
            self._execute(
                f"INSERT OR IGNORE INTO {INBOX} (update_id, received_at, payload) VALUES (?, ?, ?)",
                [update_id, self._stamp(), cv.to_json(dict(payload))],
            )
            > 0
        )

    def inbox_pending(self, limit: int = 100) -> list[InboxRow]:
        """Updates not yet handled, oldest first."""
        sql = f"SELECT * FROM {INBOX} WHERE status = 'pending' ORDER BY update_id LIMIT ?"
        return [cv.inbox(r) for r in self._rows(sql, [limit])]

    def inbox_mark(self, update_id: int, status: InboxStatus, error: str | None = None) -> None:
        """Records one handling attempt of an update and where it stands."""
        self._execute(
            f"UPDATE {INBOX} SET status = ?, attempts = attempts + 1, last_error = ? "
            "WHERE update_id = ?",
            [status, error, update_id],
        )
