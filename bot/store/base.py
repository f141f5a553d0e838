"""The repository's plumbing: its connection, clock, transactions and row helpers.

Writes take the write lock first (`BEGIN IMMEDIATE`): in WAL mode a
transaction that reads and then writes would otherwise fail at once when
another process wrote in between; taking the lock up front makes it wait (up
to the busy timeout) instead. A database still busy after that raises
`StoreError` (store.error.busy), which the command line shows as bad input.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlite_utils import Database

from bot.store import convert as cv
from bot.store.db import StoreError, is_busy
from bot.store.tables import Params, match, where

Row = dict[str, Any]


def utc_now() -> dt.datetime:
    """The current moment, in UTC."""
    return dt.datetime.now(dt.UTC)


class RepositoryBase:
    """The connection and clock every part of the repository shares."""

    def __init__(self, db: Database, now: Callable[[], dt.datetime] = utc_now) -> None:
        self.db = db
        self._now = now

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction (a savepoint when nested): all of it is written, or none.

        The outermost one begins with BEGIN IMMEDIATE, waiting for another
        writer up to the busy timeout; raises StoreError when it is still busy.
        """
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        self._locked("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.rollback()
            raise
        try:
            self._locked("COMMIT")
        except BaseException:
            self.db.rollback()
            raise

    def _locked(self, statement: str) -> None:
        try:
            self.db.conn.execute(statement)
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise StoreError(self._path(), "store.error.busy") from exc
            raise

    def _path(self) -> str:
        row = self.db.conn.execute("PRAGMA database_list").fetchone()
        return str(row[2]) if row and row[2] else ":memory:"

    def _rows(self, sql: str, params: Params | None = None) -> list[Row]:
        cursor = self.db.conn.execute(sql, params or [])
        names = [d[0] for d in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _one(self, sql: str, params: Params | None = None) -> Row | None:
        cursor = self.db.conn.execute(sql, params or [])
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cursor.description or ()], row, strict=True))

    def _execute(self, sql: str, params: Params | None = None) -> int:
        """Runs one writing statement in its own write transaction; returns the rows changed."""
        with self.transaction():
            return int(self.db.execute(sql, params or []).rowcount)

    def _insert(self, table: str, record: Mapping[str, Any]) -> int:
        """Inserts one row; the caller holds the transaction (or wants autocommit)."""
        cols, marks = ", ".join(record), ", ".join(f":{c}" for c in record)
        cursor = self.db.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", dict(record))
        return int(cursor.lastrowid or 0)

    def _put(
        self, table: str, key: Mapping[str, Any], values: Mapping[str, Any]
    ) -> tuple[int, bool]:
        """Updates `values` of the row matching `key`, or inserts key + values.

        Returns the row id and whether it existed. Select-then-write inside one
        transaction, because the keys may include NULL-able columns.
        """
        if any(v is None for v in key.values()):
            raise ValueError(f"{table}: a key value is missing in {dict(key)}")
        clauses, params = match(key)
        with self.transaction():
            found = self._one(f"SELECT id FROM {table}{where(clauses)}", params)
            if found is None:
                return self._insert(table, {**key, **values}), False
            sets = ", ".join(f"{c} = :{c}" for c in values)
            self.db.execute(
                f"UPDATE {table} SET {sets} WHERE id = :id", {**values, "id": found["id"]}
            )
            return int(found["id"]), True

    def _stamp(self) -> str:
        return cv.moment_text(self._now())
