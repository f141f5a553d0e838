"""Targets: of a person or (not yet split) of a team, per metric, period and dimensions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

from bot.plans import Period
from bot.store import convert as cv
from bot.store.base import RepositoryBase
from bot.store.rows import Basis, Number, TargetRow
from bot.store.tables import TARGETS, is_in, match, not_in, where

TargetSource = Literal["scenario", "bot"]


class TargetsMixin(RepositoryBase):
    """Reads and writes of targets."""

    def upsert_target(
        self,
        *,
        metric: str,
        period: str,
        value: Number,
        person_id: str | None = None,
        team_id: str | None = None,
        draft: Number | None = None,
        basis: Basis | None = None,
        region: str = "",
        channel: str = "",
        product: str = "",
        source: TargetSource = "bot",
    ) -> int:
        """Sets the target of one person or one team, keyed by metric, period and dimensions.

        `source` says who set it last: 'scenario' (an import) or 'bot' (set in
        chat); a re-import drops only the 'scenario' targets its file no longer holds.
        """
        if (person_id is None) == (team_id is None):
            raise ValueError("a target belongs to exactly one of person_id or team_id")
        span = Period.parse(period)
        owner = {"person_id": person_id} if person_id else {"team_id": team_id}
        key: dict[str, Any] = {**owner, "metric": metric, "period": span.label}
        key |= {"region": region, "channel": channel, "product": product}
        values: dict[str, Any] = {
            "value": value,
            "draft": draft,
            "basis": basis,
            "source": source,
            "updated_at": self._stamp(),
        }
        values |= {"period_start": span.start.isoformat(), "period_end": span.end.isoformat()}
        return self._put(TARGETS, key, values)[0]

    def targets(
        self,
        *,
        person_id: str | None = None,
        team_id: str | None = None,
        metric: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> list[TargetRow]:
        """Targets matching every filter given; start/end keep those overlapping that range."""
        clauses, params = match({"person_id": person_id, "team_id": team_id, "metric": metric})
        if end is not None:
            clauses.append("period_start <= ?")
            params.append(end.isoformat())
        if start is not None:
            clauses.append("period_end >= ?")
            params.append(start.isoformat())
        sql = f"SELECT * FROM {TARGETS}{where(clauses)} ORDER BY period_start, period_end DESC, id"
        return [cv.target(r) for r in self._rows(sql, params)]

    def team_targets(
        self, team_id: str, person_ids: Iterable[str], start: dt.date, end: dt.date
    ) -> list[TargetRow]:
        """The targets of a team and of these people overlapping start..end (one query,
        in the order of `targets`): what the rules need after one person's report."""
        people, person_list = is_in("person_id", person_ids)
        sql = (
            f"SELECT * FROM {TARGETS} WHERE ({people} OR team_id = ?) "
            "AND period_start <= ? AND period_end >= ? ORDER BY period_start, period_end DESC, id"
        )
        params = [person_list, team_id, end.isoformat(), start.isoformat()]
        return [cv.target(r) for r in self._rows(sql, params)]

    def prune_targets(
        self,
        source: TargetSource,
        *,
        person_ids: Iterable[str],
        team_ids: Iterable[str],
        keep: Iterable[int],
    ) -> int:
        """Deletes the targets of `source` owned by these people or teams, except `keep` (ids).

        Returns how many were deleted.
        """
        people, person_list = is_in("person_id", person_ids)
        teams, team_list = is_in("team_id", team_ids)
        kept, kept_list = not_in("id", keep)
        return self._execute(
            f"DELETE FROM {TARGETS} WHERE source = ? AND ({people} OR {teams}) AND {kept}",
            [source, person_list, team_list, kept_list],
        )
