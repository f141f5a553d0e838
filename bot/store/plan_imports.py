"""Uploaded target files awaiting their uploader's confirmation (issue 7, `/plan` import)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.store.base import RepositoryBase
from bot.store.tables import PLAN_IMPORTS


@dataclass(frozen=True, slots=True)
class PlanImportRow:
    """A checked upload: who sent it, the targets it would store, and what became of it."""

    id: str
    created_by: str | None
    file_name: str
    targets: tuple[Mapping[str, Any], ...]
    status: str  # pending, stored or cancelled
    created_at: dt.datetime


class PlanImportsMixin(RepositoryBase):
    """Keeping an upload between its preview and the uploader's answer."""

    def add_plan_import(
        self, created_by: str | None, file_name: str, targets: Sequence[Mapping[str, Any]]
    ) -> str:
        """Keeps a checked upload; returns its id (the buttons carry it)."""
        import_id = secrets.token_urlsafe(12)
        with self.transaction():
            self._insert(
                PLAN_IMPORTS,
                {
                    "id": import_id,
                    "created_by": created_by,
                    "file_name": file_name[:200],
                    "targets": json.dumps(list(targets), ensure_ascii=False),
                    "created_at": self._stamp(),
                },
            )
        return import_id

    def plan_import(self, import_id: str) -> PlanImportRow | None:
        """The upload with this id, or None."""
        row = self._one(f"SELECT * FROM {PLAN_IMPORTS} WHERE id = ?", [import_id])
        if row is None:
            return None
        return PlanImportRow(
            id=row["id"],
            created_by=row["created_by"],
            file_name=row["file_name"],
            targets=tuple(json.loads(row["targets"])),
            status=row["status"],
            created_at=dt.datetime.fromisoformat(row["created_at"]),
        )

    def decide_plan_import(self, import_id: str, status: str) -> bool:
        """Marks a pending upload stored or cancelled; False when it was no longer pending.

        Call it inside the transaction that stores the targets, so a double press
        stores them once.
        """
        return (
            self._execute(
                f"UPDATE {PLAN_IMPORTS} SET status = ?, decided_at = ? "
                "WHERE id = ? AND status = 'pending'",
                [status, self._stamp(), import_id],
            )
            == 1
        )
