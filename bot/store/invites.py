"""Invites: single-use, expiring codes that let a person join a team in a role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.store.base import RepositoryBase
from bot.store.tables import INVITES, PEOPLE, TEAMS


@dataclass(frozen=True, slots=True)
class InviteRow:
    """An invite and whether it was used."""

    code: str
    role: str
    team_id: str | None
    created_by: str | None
    expires_at: dt.datetime
    used_by: str | None


class InvitesMixin(RepositoryBase):
    """Creating invites and joining with them."""

    def create_invite(
        self,
        code: str,
        role: str,
        team_id: str | None,
        created_by: str | None,
        expires_at: dt.datetime,
    ) -> None:
        """Stores a new invite."""
        with self.transaction():
            self.db.execute(
                f"INSERT INTO {INVITES} (code, role, team_id, created_by, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [code, role, team_id, created_by, self._stamp(), expires_at.isoformat()],
            )

    def invite(self, code: str) -> InviteRow | None:
        """The invite with this code, or None."""
        row = self._one(f"SELECT * FROM {INVITES} WHERE code = ?", [code])
        if row is None:
            return None
        return InviteRow(
            code=row["code"],
            role=row["role"],
            team_id=row["team_id"],
            created_by=row["created_by"],
            expires_at=dt.datetime.fromisoformat(row["expires_at"]),
            used_by=row["used_by"],
        )

    def join_with_invite(
        self, code: str, person_id: str, name: str, telegram_id: int, lang: str | None
    ) -> InviteRow | None:
        """Uses an unused, unexpired invite to add the person; None when it cannot be used.

        One transaction: two people opening the same link at once cannot both join.
        """
        with self.transaction():
            found = self.invite(code)
            if found is None or found.used_by is not None or found.expires_at <= self._now():
                return None
            self.db.execute(
                f"INSERT INTO {PEOPLE} (id, name, role, team_id, telegram_id, lang, active, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, 1, ?) "
                "ON CONFLICT(id) DO UPDATE SET name = excluded.name, role = excluded.role, "
                "team_id = excluded.team_id, telegram_id = excluded.telegram_id, active = 1",
                [person_id, name, found.role, found.team_id, telegram_id, lang, self._stamp()],
            )
            self.db.execute(
                f"UPDATE {INVITES} SET used_by = ?, used_at = ? WHERE code = ? AND used_by IS NULL",
                [person_id, self._stamp(), code],
            )
            if found.role == "lead" and found.team_id:
                self.db.execute(
                    f"UPDATE {TEAMS} SET lead_id = ? WHERE id = ? AND lead_id IS NULL",
                    [person_id, found.team_id],
                )
        return found
