"""Opening the database: one connection, the right pragmas, migrations applied.

sqlite-utils opens files with `check_same_thread=True` and leaves foreign keys
off and the journal in `delete` mode (style.md); so the connection is opened
here and wrapped. It may be handed to another thread (`asyncio.to_thread`), but
must be used by one thread at a time: the bot keeps it on one worker.

Someone else's SQLite file is never taken over: a database that holds tables
but no execoach schema is refused before anything is written to it (not even
the switch to WAL), so it is left byte for byte as it was.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any, Final

from sqlite_utils import Database

from bot.i18n import Lang, t
from bot.store.schema import (
    NotExecoachError,
    SchemaTooNewError,
    claim,
    current_version,
    latest_version,
    migrate,
)

ENV_VAR: Final = "EXECOACH_DB"
DEFAULT_PATH: Final = Path("data") / "execoach.db"
MEMORY: Final = ":memory:"
BUSY_TIMEOUT_MS: Final = 5000


class StoreError(Exception):
    """The database cannot be opened or used; `str()` is `"<path>: <reason>"` in English."""

    def __init__(self, path: str, key: str, **params: Any) -> None:
        self.path = path
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: Lang) -> str:
        """The reason in `lang`, prefixed with the database path (when there is one)."""
        reason = t(self.key, lang, **self.params)
        return f"{self.path}: {reason}" if self.path else reason


def is_busy(exc: sqlite3.Error) -> bool:
    """Whether SQLite gave up waiting for another connection's lock."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text or "busy" in text


def database_path(path: str | Path | None = None) -> str:
    """The database to use: `path`, else $EXECOACH_DB, else ./data/execoach.db."""
    if path is None:
        path = os.environ.get(ENV_VAR) or DEFAULT_PATH
    return str(path)


def _pragmas(conn: sqlite3.Connection, *, wal: bool) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    if wal:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"cannot switch the journal to WAL (got {mode})")
    conn.execute("PRAGMA synchronous = NORMAL")


def _wrap(conn: sqlite3.Connection) -> Database:
    # Plugins could change the connection behind our back: they stay off.
    return Database(conn, execute_plugins=False)


def _failure(where: str, exc: sqlite3.Error) -> StoreError:
    text = str(exc)
    if "not a database" in text or "malformed" in text:
        return StoreError(where, "store.error.not_sqlite")
    if is_busy(exc):
        return StoreError(where, "store.error.busy")
    return StoreError(where, "store.error.open", reason=text)


def open_db(path: str | Path | None = None) -> Database:
    """Opens (creating it if needed) the database and applies pending migrations.

    `path` None means $EXECOACH_DB or ./data/execoach.db; ":memory:" is a
    private in-memory database. Raises StoreError with a readable reason.
    """
    where = database_path(path)
    if not where.strip():
        raise StoreError("", "store.error.no_path")
    memory = where == MEMORY
    if not memory:
        if Path(where).is_dir():
            raise StoreError(where, "store.error.is_folder")
        try:
            Path(where).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(where, "store.error.folder", reason=exc.strerror or exc) from exc
    try:
        # isolation_level=None: no implicit transactions; db.atomic() makes them explicit.
        conn = sqlite3.connect(where, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise _failure(where, exc) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db = _wrap(conn)
        claim(db)  # reads only: before the first write, WAL included
        _pragmas(conn, wal=not memory)
        migrate(db)
    except NotExecoachError as exc:
        conn.close()
        raise StoreError(where, "store.error.not_execoach") from exc
    except SchemaTooNewError as exc:
        conn.close()
        raise StoreError(where, "store.error.too_new", found=exc.found, known=exc.known) from exc
    except sqlite3.Error as exc:
        conn.close()
        raise _failure(where, exc) from exc
    return db


def open_readonly(path: str | Path | None = None) -> Database:
    """Opens an existing database read-only (mode=ro), e.g. the live one the bot writes.

    Nothing is created or migrated; a missing file, a file that is not an
    execoach database, or one at another schema version raises StoreError.
    """
    where = database_path(path)
    if not where.strip():
        raise StoreError("", "store.error.no_path")
    if where == MEMORY:
        raise StoreError(where, "store.error.memory_readonly")
    file = Path(where)
    if not file.is_file():
        raise StoreError(where, "store.error.missing")
    try:
        conn = sqlite3.connect(
            f"{file.resolve().as_uri()}?mode=ro",
            uri=True,
            isolation_level=None,
            check_same_thread=False,
        )
    except sqlite3.Error as exc:
        raise _failure(where, exc) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        db = _wrap(conn)
        version = current_version(db)
    except NotExecoachError as exc:
        conn.close()
        raise StoreError(where, "store.error.not_execoach") from exc
    except sqlite3.Error as exc:
        conn.close()
        raise _failure(where, exc) from exc
    known = latest_version()
    if version != known:
        conn.close()
        if version == 0:
            raise StoreError(where, "store.error.not_execoach")
        key = "store.error.too_old" if version < known else "store.error.too_new"
        raise StoreError(where, key, found=version, known=known)
    return db
