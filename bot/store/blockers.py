"""Blockers as tracked over time: deduplicated per person, counted from their reports."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable

from bot.store import convert as cv
from bot.store.base import RepositoryBase
from bot.store.rows import BlockerRow
from bot.store.tables import BLOCKER_REPORTS, BLOCKERS, REPORTS, is_in, match, where


def blocker_key(text: str) -> str:
    """The normalised form two wordings of one blocker share (case, width, punctuation,
    traditional or simplified characters)."""
    from bot.report_parser.normalise import normalise

    folded = unicodedata.normalize("NFKC", normalise(text)).casefold()
    return "".join(ch for ch in folded if ch.isalnum())[:200]


class BlockersMixin(RepositoryBase):
    """Blockers: linked to the reports that mention them, read and resolved."""

    def _attach_blockers(
        self,
        report_id: int,
        person_id: str,
        team_id: str | None,
        day: dt.date,
        texts: Iterable[str],
    ) -> None:
        keys: dict[str, str] = {}
        for text in texts:
            keys.setdefault(blocker_key(text), text.strip())
        keys.pop("", None)
        for key, text in keys.items():
            found = self._one(
                f"SELECT id FROM {BLOCKERS} WHERE person_id = ? AND key = ? AND status = 'open'",
                [person_id, key],
            )
            if found:
                blocker_id = int(found["id"])
            else:
                new = {"person_id": person_id, "team_id": team_id, "text": text, "key": key}
                seen = {"first_seen": day.isoformat(), "last_seen": day.isoformat()}
                blocker_id = self._insert(BLOCKERS, {**new, **seen})
            self.db.execute(
                f"INSERT OR IGNORE INTO {BLOCKER_REPORTS} (blocker_id, report_id) VALUES (?, ?)",
                [blocker_id, report_id],
            )
            self._refresh_blocker(blocker_id)

    def _detach_blockers(self, report_id: int) -> None:
        linked = self._rows(
            f"SELECT blocker_id FROM {BLOCKER_REPORTS} WHERE report_id = ?", [report_id]
        )
        self.db.execute(f"DELETE FROM {BLOCKER_REPORTS} WHERE report_id = ?", [report_id])
        for link in linked:
            self._refresh_blocker(int(link["blocker_id"]))

    def _refresh_blocker(self, blocker_id: int) -> None:
        """Recounts a blocker from its reports; one that no report mentions any more is dropped."""
        seen = self._one(
            "SELECT count(*) AS n, min(r.report_date) AS first, max(r.report_date) AS last "
            f"FROM {BLOCKER_REPORTS} l JOIN {REPORTS} r ON r.id = l.report_id "
            "WHERE l.blocker_id = ?",
            [blocker_id],
        )
        if not seen or not seen["n"]:
            self.db.execute(f"DELETE FROM {BLOCKERS} WHERE id = ?", [blocker_id])
            return
        self.db.execute(
            f"UPDATE {BLOCKERS} SET times_seen = ?, first_seen = ?, last_seen = ? WHERE id = ?",
            [seen["n"], seen["first"], seen["last"], blocker_id],
        )

    def blockers(
        self,
        *,
        person_ids: Iterable[str] | None = None,
        team_id: str | None = None,
        status: str | None = None,
    ) -> list[BlockerRow]:
        """Blockers matching every filter given, the longest-standing first."""
        clauses, params = match({"b.team_id": team_id, "b.status": status})
        if person_ids is not None:
            clause, ids = is_in("b.person_id", person_ids)
            clauses.append(clause)
            params.append(ids)
        sources = (
            "(SELECT json_group_array(report_id) FROM (SELECT report_id "
            f"FROM {BLOCKER_REPORTS} WHERE blocker_id = b.id ORDER BY report_id)) AS report_ids"
        )
        rows = self._rows(
            f"SELECT b.*, {sources} FROM {BLOCKERS} b{where(clauses)} ORDER BY b.first_seen, b.id",
            params,
        )
        return [cv.blocker(r) for r in rows]

    def open_blockers(
        self, *, person_ids: Iterable[str] | None = None, team_id: str | None = None
    ) -> list[BlockerRow]:
        """The blockers still open, the longest-standing first."""
        return self.blockers(person_ids=person_ids, team_id=team_id, status="open")

    def resolve_blocker(self, blocker_id: int, at: dt.datetime | None = None) -> bool:
        """Marks an open blocker resolved; False when it was not open."""
        changed = self._execute(
            f"UPDATE {BLOCKERS} SET status = 'resolved', resolved_at = ? "
            "WHERE id = ? AND status = 'open'",
            [cv.moment_text(at or self._now()), blocker_id],
        )
        return changed > 0
