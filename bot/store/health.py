"""Strategy health checks: a manager's answers as they come, then the scores per element."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.store import convert as cv
from bot.store.base import RepositoryBase, Row
from bot.store.tables import HEALTH_CHECKS


@dataclass(frozen=True, slots=True)
class HealthCheckRow:
    """One health check: its answers (question id → value) and, once finished, scores."""

    id: int
    person_id: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    answers: Mapping[str, int]
    scores: Mapping[str, int]
    evidence: Mapping[str, Any]


def _ints(text: str) -> dict[str, int]:
    raw = json.loads(text or "{}")
    return {str(k): int(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


def _check(row: Row) -> HealthCheckRow:
    evidence = json.loads(row["evidence"] or "{}")
    return HealthCheckRow(
        id=int(row["id"]),
        person_id=str(row["person_id"]),
        started_at=cv.moment(row["started_at"]),
        finished_at=cv.moment(row["finished_at"]) if row["finished_at"] else None,
        answers=_ints(row["answers"]),
        scores=_ints(row["scores"]),
        evidence=evidence if isinstance(evidence, dict) else {},
    )


class HealthMixin(RepositoryBase):
    """Health checks."""

    def start_health_check(self, person_id: str, at: dt.datetime | None = None) -> int:
        """Opens a new health check for a person (any unfinished one is dropped)."""
        with self.transaction():
            self.db.execute(
                f"DELETE FROM {HEALTH_CHECKS} WHERE person_id = ? AND finished_at IS NULL",
                [person_id],
            )
            return self._insert(
                HEALTH_CHECKS, {"person_id": person_id, "started_at": self._stamp()}
            )

    def health_check(self, check_id: int) -> HealthCheckRow | None:
        """One health check, or None."""
        row = self._one(f"SELECT * FROM {HEALTH_CHECKS} WHERE id = ?", [check_id])
        return _check(row) if row else None

    def open_health_check(self, person_id: str) -> HealthCheckRow | None:
        """The person's unfinished health check, or None."""
        row = self._one(
            f"SELECT * FROM {HEALTH_CHECKS} WHERE person_id = ? AND finished_at IS NULL "
            "ORDER BY id DESC LIMIT 1",
            [person_id],
        )
        return _check(row) if row else None

    def answer_health_check(self, check_id: int, question_id: str, value: int) -> None:
        """Records one answer of an unfinished check."""
        self._execute(
            f"UPDATE {HEALTH_CHECKS} SET answers = json_set(answers, ?, ?) "
            "WHERE id = ? AND finished_at IS NULL",
            [f'$."{question_id}"', int(value), check_id],
        )

    def finish_health_check(
        self,
        check_id: int,
        scores: Mapping[str, int],
        evidence: Mapping[str, Any],
        at: dt.datetime | None = None,
    ) -> None:
        """Stores the scores (and the daily data shown beside them) and closes the check."""
        self._execute(
            f"UPDATE {HEALTH_CHECKS} SET finished_at = ?, scores = ?, evidence = ? "
            "WHERE id = ? AND finished_at IS NULL",
            [
                cv.moment_text(at or self._now()),
                cv.to_json(dict(scores)),
                cv.to_json(dict(evidence)),
                check_id,
            ],
        )

    def cancel_health_check(self, check_id: int) -> bool:
        """Drops an unfinished check; False when there was none."""
        return (
            self._execute(
                f"DELETE FROM {HEALTH_CHECKS} WHERE id = ? AND finished_at IS NULL", [check_id]
            )
            > 0
        )

    def finished_health_checks(self, person_id: str) -> list[HealthCheckRow]:
        """A person's finished checks, oldest first."""
        rows = self._rows(
            f"SELECT * FROM {HEALTH_CHECKS} WHERE person_id = ? AND finished_at IS NOT NULL "
            "ORDER BY finished_at, id",
            [person_id],
        )
        return [_check(r) for r in rows]
