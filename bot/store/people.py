"""The organisation: teams and the people in them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.store import convert as cv
from bot.store.base import RepositoryBase
from bot.store.rows import PersonRow, Role, TeamRow, Workdays
from bot.store.tables import PEOPLE, TEAMS


class PeopleMixin(RepositoryBase):
    """Reads and writes of teams and people."""

    def upsert_team(
        self,
        id: str,
        name: str,
        *,
        lead_id: str | None = None,
        manager_id: str | None = None,
        region: str | None = None,
        timezone: str | None = None,
        workdays: Workdays = "mon-fri",
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        """Creates or updates a team (its created_at survives)."""
        record: dict[str, Any] = {
            "id": id,
            "name": name,
            "lead_id": lead_id,
            "manager_id": manager_id,
        }
        record |= {"region": region, "timezone": timezone, "workdays": workdays}
        with self.transaction():
            self.db.table(TEAMS).upsert({**record, "settings": cv.to_json(settings or {})}, pk="id")

    def team(self, team_id: str) -> TeamRow | None:
        """One team, or None."""
        row = self._one(f"SELECT * FROM {TEAMS} WHERE id = ?", [team_id])
        return cv.team(row) if row else None

    def teams(self) -> list[TeamRow]:
        """Every team, by id."""
        return [cv.team(r) for r in self._rows(f"SELECT * FROM {TEAMS} ORDER BY id")]

    def upsert_person(
        self,
        id: str,
        name: str,
        role: Role,
        *,
        team_id: str | None = None,
        telegram_id: int | None = None,
        lang: str | None = None,
        timezone: str | None = None,
        active: bool = True,
    ) -> None:
        """Creates or updates a person; a Telegram account moves to the last person given it.

        telegram_id, lang and timezone are written only when given: None keeps
        what is stored (a re-import that omits them wipes nothing).
        """
        record: dict[str, Any] = {"id": id, "name": name, "role": role, "team_id": team_id}
        optional = {"telegram_id": telegram_id, "lang": lang, "timezone": timezone}
        record |= {column: value for column, value in optional.items() if value is not None}
        with self.transaction():
            if telegram_id is not None:
                self.db.execute(
                    f"UPDATE {PEOPLE} SET telegram_id = NULL WHERE telegram_id = ? AND id <> ?",
                    [telegram_id, id],
                )
            self.db.table(PEOPLE).upsert({**record, "active": int(active)}, pk="id")

    def person_by_id(self, person_id: str) -> PersonRow | None:
        """One person, or None."""
        row = self._one(f"SELECT * FROM {PEOPLE} WHERE id = ?", [person_id])
        return cv.person(row) if row else None

    def person_by_telegram_id(self, telegram_id: int) -> PersonRow | None:
        """The person using this Telegram account, or None."""
        row = self._one(f"SELECT * FROM {PEOPLE} WHERE telegram_id = ?", [telegram_id])
        return cv.person(row) if row else None

    def people(self, *, active_only: bool = False) -> list[PersonRow]:
        """Everyone, by id."""
        extra = " WHERE active = 1" if active_only else ""
        return [cv.person(r) for r in self._rows(f"SELECT * FROM {PEOPLE}{extra} ORDER BY id")]

    def people_in_team(self, team_id: str, *, active_only: bool = True) -> list[PersonRow]:
        """The members of a team (people whose team it is), by id."""
        extra = " AND active = 1" if active_only else ""
        rows = self._rows(f"SELECT * FROM {PEOPLE} WHERE team_id = ?{extra} ORDER BY id", [team_id])
        return [cv.person(r) for r in rows]
