"""Weekly digests as sent: claimed before sending, marked sent or failed after.

A digest goes to a recipient once per ISO week. `claim_digest` takes the row
in one write transaction, so two ticks (or two processes) never both send it;
a failed digest is claimed once more after a pause and resumes after the parts
already delivered; a claim left 'sending' by a crash counts as a failed attempt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bot.store import convert as cv
from bot.store.base import RepositoryBase
from bot.store.tables import DIGESTS, REPORT_METRICS, REPORTS, is_in

DigestStatus = Literal["sending", "sent", "failed"]
MAX_ATTEMPTS = 2  # the first send and one retry


@dataclass(frozen=True, slots=True)
class DigestRow:
    """One recipient's digest of one week, and how far its delivery got."""

    recipient_id: str
    week: str
    status: DigestStatus
    attempts: int
    parts_sent: int
    claimed_at: dt.datetime
    sent_at: dt.datetime | None
    last_error: str | None


def _row(r: dict[str, object]) -> DigestRow:
    sent = r["sent_at"]
    return DigestRow(
        recipient_id=str(r["recipient_id"]),
        week=str(r["week"]),
        status=r["status"],  # type: ignore[arg-type]
        attempts=int(r["attempts"]),  # type: ignore[call-overload]
        parts_sent=int(r["parts_sent"]),  # type: ignore[call-overload]
        claimed_at=cv.moment(str(r["claimed_at"])),
        sent_at=cv.moment(str(sent)) if sent else None,
        last_error=str(r["last_error"]) if r["last_error"] is not None else None,
    )


class DigestsMixin(RepositoryBase):
    """Recording the weekly digests sent."""

    def digest(self, recipient_id: str, week: str) -> DigestRow | None:
        """The record of `recipient_id`'s digest for `week` (e.g. '2026-W11'), or None."""
        found = self._one(
            f"SELECT * FROM {DIGESTS} WHERE recipient_id = ? AND week = ?", [recipient_id, week]
        )
        return _row(found) if found else None

    def digests(self, week: str | None = None) -> list[DigestRow]:
        """Every digest record (of one week when given), by week and recipient."""
        sql = f"SELECT * FROM {DIGESTS}"
        rows = self._rows(
            sql + (" WHERE week = ?" if week else "") + " ORDER BY week, recipient_id",
            [week] if week else [],
        )
        return [_row(r) for r in rows]

    def claim_digest(
        self,
        recipient_id: str,
        week: str,
        now: dt.datetime,
        *,
        retry_after: dt.timedelta,
        stale_after: dt.timedelta,
    ) -> DigestRow | None:
        """Claims the digest for sending; None when it is sent, being sent, or given up.

        A new digest is claimed at once; a failed one (or one left 'sending' longer
        than `stale_after`, by a crash) again after `retry_after`, while attempts
        remain. The claimed row tells how many parts were already delivered. `now` is
        the bot's clock (which the sandbox and the tests can move).
        """
        with self.transaction():
            found = self.digest(recipient_id, week)
            if found is None:
                self.db.execute(
                    f"INSERT INTO {DIGESTS} (recipient_id, week, claimed_at) VALUES (?, ?, ?)",
                    [recipient_id, week, cv.moment_text(now)],
                )
                return self.digest(recipient_id, week)
            if found.status == "sent" or found.attempts >= MAX_ATTEMPTS:
                return None
            wait = retry_after if found.status == "failed" else stale_after
            if now - found.claimed_at < wait:
                return None
            self.db.execute(
                f"UPDATE {DIGESTS} SET status = 'sending', attempts = attempts + 1, "
                "claimed_at = ? WHERE recipient_id = ? AND week = ?",
                [cv.moment_text(now), recipient_id, week],
            )
            return self.digest(recipient_id, week)

    def digest_progress(self, recipient_id: str, week: str, parts_sent: int) -> None:
        """Notes that the first `parts_sent` parts of the digest were delivered."""
        self._execute(
            f"UPDATE {DIGESTS} SET parts_sent = ? WHERE recipient_id = ? AND week = ?",
            [parts_sent, recipient_id, week],
        )

    def mark_digest_sent(self, recipient_id: str, week: str, at: dt.datetime) -> None:
        """Marks the digest delivered (whole) at `at`."""
        self._execute(
            f"UPDATE {DIGESTS} SET status = 'sent', sent_at = ?, last_error = NULL "
            "WHERE recipient_id = ? AND week = ?",
            [cv.moment_text(at), recipient_id, week],
        )

    def mark_digest_failed(self, recipient_id: str, week: str, error: str) -> None:
        """Marks the attempt failed; the digest is claimed again later while attempts remain."""
        self._execute(
            f"UPDATE {DIGESTS} SET status = 'failed', last_error = ? "
            "WHERE recipient_id = ? AND week = ?",
            [error[:500], recipient_id, week],
        )

    # ---- what the digest reads of the reports (report days: `AsksMixin`) ---------------

    def daily_metric_sum(
        self, person_ids: Iterable[str], metric: str, start: dt.date, end: dt.date
    ) -> dict[dt.date, float]:
        """One metric summed over these people per day start..end (non-withdrawn reports)."""
        people, id_list = is_in("r.person_id", person_ids)
        return {
            cv.day(day): float(total)
            for day, total in self.db.conn.execute(
                f"SELECT r.report_date, sum(m.value) FROM {REPORTS} r "
                f"JOIN {REPORT_METRICS} m ON m.report_id = r.id "
                f"WHERE {people} AND r.report_date BETWEEN ? AND ? AND r.withdrawn = 0 "
                "AND m.metric = ? GROUP BY r.report_date",
                [id_list, start.isoformat(), end.isoformat(), metric],
            )
        }
