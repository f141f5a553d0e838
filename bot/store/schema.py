"""The database schema as forward migrations, one function per change.

A migration is never edited once released: a later change is a new function
with the next version number. Each applied version is recorded in
`schema_version` with its description and the UTC time it was applied.

sqlite-utils 4's `Migrations` records names but neither a version number nor a
description, and cannot take the write lock before it reads what is applied;
this is the small equivalent that does both.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from sqlite_utils import Database

VERSION_TABLE: Final = "schema_version"
_NOW: Final = "(strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'))"


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer version of the program."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(f"schema version {found}, this program knows {known}")
        self.found = found
        self.known = known


class NotExecoachError(RuntimeError):
    """The database holds tables, but not an execoach schema: someone else's file."""


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema change: its version, what it does, and the function that does it."""

    version: int
    description: str
    apply: Callable[[Database], None]


@dataclass(frozen=True, slots=True)
class AppliedMigration:
    """A migration as recorded in the database."""

    version: int
    description: str
    applied_at: dt.datetime


MIGRATIONS: list[Migration] = []


def migration(
    version: int, description: str
) -> Callable[[Callable[[Database], None]], Callable[[Database], None]]:
    """Registers a migration; versions must come in order, one at a time."""

    def register(fn: Callable[[Database], None]) -> Callable[[Database], None]:
        expected = len(MIGRATIONS) + 1
        if version != expected:
            raise ValueError(f"migration {fn.__name__}: version {version}, expected {expected}")
        MIGRATIONS.append(Migration(version, description, fn))
        return fn

    return register


def latest_version() -> int:
    """The version this program's schema is at once every migration is applied."""
    return MIGRATIONS[-1].version if MIGRATIONS else 0


def _run(db: Database, statements: tuple[str, ...]) -> None:
    for sql in statements:
        db.execute(sql)


@migration(
    1,
    "people, teams, targets, reports and their metrics and items, blockers, "
    "events, plan documents, findings and the inbox of updates",
)
def _m0001_initial(db: Database) -> None:
    _run(
        db,
        (
            f"""CREATE TABLE teams (
                id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
                name TEXT NOT NULL,
                lead_id TEXT REFERENCES people(id) ON DELETE SET NULL
                    DEFERRABLE INITIALLY DEFERRED,
                manager_id TEXT REFERENCES people(id) ON DELETE SET NULL
                    DEFERRABLE INITIALLY DEFERRED,
                region TEXT,
                timezone TEXT,
                workdays TEXT NOT NULL DEFAULT 'mon-fri'
                    CHECK (workdays IN ('mon-fri', 'mon-sat', 'cn')),
                settings TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(settings)),
                created_at TEXT NOT NULL DEFAULT {_NOW}
            )""",
            f"""CREATE TABLE people (
                id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
                telegram_id INTEGER UNIQUE,
                name TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('rep', 'lead', 'manager', 'admin')),
                team_id TEXT REFERENCES teams(id) ON DELETE SET NULL
                    DEFERRABLE INITIALLY DEFERRED,
                lang TEXT,
                timezone TEXT,
                active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
                created_at TEXT NOT NULL DEFAULT {_NOW}
            )""",
            "CREATE INDEX people_team ON people(team_id)",
            f"""CREATE TABLE targets (
                id INTEGER PRIMARY KEY,
                person_id TEXT REFERENCES people(id) ON DELETE CASCADE,
                team_id TEXT REFERENCES teams(id) ON DELETE CASCADE,
                metric TEXT NOT NULL,
                period TEXT NOT NULL,
                period_start TEXT NOT NULL,
                period_end TEXT NOT NULL,
                value NUMERIC NOT NULL CHECK (value >= 0),
                draft NUMERIC CHECK (draft IS NULL OR draft >= 0),
                basis TEXT CHECK (basis IS NULL
                    OR basis IN ('bottom_up', 'top_down', 'last_period_plus')),
                region TEXT NOT NULL DEFAULT '',
                channel TEXT NOT NULL DEFAULT '',
                product TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL DEFAULT {_NOW},
                updated_at TEXT NOT NULL DEFAULT {_NOW},
                CHECK ((person_id IS NULL) <> (team_id IS NULL)),
                CHECK (period_start <= period_end)
            )""",
            # NULLs are distinct in a UNIQUE index, so one partial index per owner kind;
            # the three dimensions use '' for "any".
            """CREATE UNIQUE INDEX targets_person_key
                ON targets(person_id, metric, period, region, channel, product)
                WHERE person_id IS NOT NULL""",
            """CREATE UNIQUE INDEX targets_team_key
                ON targets(team_id, metric, period, region, channel, product)
                WHERE team_id IS NOT NULL""",
            "CREATE INDEX targets_period ON targets(period_start, period_end)",
            """CREATE TABLE reports (
                id INTEGER PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
                report_date TEXT NOT NULL,
                received_at TEXT NOT NULL,
                raw_text TEXT NOT NULL DEFAULT '',
                source TEXT NOT NULL,
                chat_id INTEGER,
                message_id INTEGER,
                source_key TEXT NOT NULL UNIQUE,
                withdrawn INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1)),
                parse_warnings TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(parse_warnings)),
                updated_at TEXT NOT NULL
            )""",
            "CREATE INDEX reports_person_date ON reports(person_id, report_date)",
            "CREATE INDEX reports_date ON reports(report_date)",
            """CREATE TABLE report_metrics (
                report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
                metric TEXT NOT NULL,
                value NUMERIC NOT NULL,
                PRIMARY KEY (report_id, metric)
            ) WITHOUT ROWID""",
            """CREATE TABLE report_items (
                report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
                kind TEXT NOT NULL CHECK (kind IN ('blocker', 'next_step')),
                position INTEGER NOT NULL,
                text TEXT NOT NULL,
                PRIMARY KEY (report_id, kind, position)
            ) WITHOUT ROWID""",
            """CREATE TABLE blockers (
                id INTEGER PRIMARY KEY,
                person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
                team_id TEXT REFERENCES teams(id) ON DELETE SET NULL,
                text TEXT NOT NULL,
                key TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
                first_seen TEXT NOT NULL,
                last_seen TEXT NOT NULL,
                times_seen INTEGER NOT NULL DEFAULT 0,
                resolved_at TEXT
            )""",
            """CREATE UNIQUE INDEX blockers_open_key ON blockers(person_id, key)
                WHERE status = 'open'""",
            "CREATE INDEX blockers_team_status ON blockers(team_id, status)",
            # the reports a blocker was seen in (its source report ids)
            """CREATE TABLE blocker_reports (
                blocker_id INTEGER NOT NULL REFERENCES blockers(id) ON DELETE CASCADE,
                report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
                PRIMARY KEY (blocker_id, report_id)
            ) WITHOUT ROWID""",
            "CREATE INDEX blocker_reports_report ON blocker_reports(report_id)",
            f"""CREATE TABLE events (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,
                team_id TEXT REFERENCES teams(id) ON DELETE CASCADE,
                person_id TEXT REFERENCES people(id) ON DELETE CASCADE,
                by_id TEXT REFERENCES people(id) ON DELETE SET NULL,
                date TEXT NOT NULL,
                text TEXT NOT NULL DEFAULT '',
                source_key TEXT UNIQUE,
                created_at TEXT NOT NULL DEFAULT {_NOW}
            )""",
            "CREATE INDEX events_team_date ON events(team_id, date)",
            "CREATE INDEX events_person_date ON events(person_id, date)",
            """CREATE TABLE plan_documents (
                team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
                period TEXT NOT NULL,
                sections TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(sections)),
                updated_at TEXT NOT NULL,
                PRIMARY KEY (team_id, period)
            ) WITHOUT ROWID""",
            """CREATE TABLE findings (
                id INTEGER PRIMARY KEY,
                rule TEXT NOT NULL,
                category TEXT NOT NULL CHECK (category IN
                    ('goal', 'execution', 'process', 'mechanism', 'management')),
                subject TEXT NOT NULL,
                audience TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(audience)),
                severity TEXT NOT NULL,
                evidence TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(evidence)),
                message TEXT NOT NULL DEFAULT '',
                found_on TEXT NOT NULL,
                sent_at TEXT,
                sent_to TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(sent_to)),
                cooldown_key TEXT
            )""",
            "CREATE INDEX findings_cooldown ON findings(cooldown_key, found_on)",
            "CREATE INDEX findings_subject ON findings(subject, found_on)",
            """CREATE TABLE inbox (
                update_id INTEGER PRIMARY KEY,
                received_at TEXT NOT NULL,
                payload TEXT NOT NULL CHECK (json_valid(payload)),
                status TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'done', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT
            )""",
            "CREATE INDEX inbox_status ON inbox(status, update_id)",
        ),
    )


@migration(2, "where each target came from: targets.source, 'scenario' or 'bot'")
def _m0002_target_source(db: Database) -> None:
    """Targets get a source, so a re-import can drop the targets its file no longer holds.

    Until now only `execoach import` wrote targets, so the rows already there
    are marked 'scenario'; new rows default to 'bot' (set in chat) unless the
    writer says otherwise.
    """
    _run(
        db,
        (
            "ALTER TABLE targets ADD COLUMN source TEXT NOT NULL DEFAULT 'bot' "
            "CHECK (source IN ('scenario', 'bot'))",
            "UPDATE targets SET source = 'scenario'",
        ),
    )


@migration(3, "invites: single-use, expiring codes that let a person join a team in a role")
def _m0003_invites(db: Database) -> None:
    _run(
        db,
        (
            """CREATE TABLE invites (
                code TEXT PRIMARY KEY NOT NULL CHECK (length(code) BETWEEN 8 AND 64),
                role TEXT NOT NULL CHECK (role IN ('rep', 'lead', 'manager', 'admin')),
                team_id TEXT REFERENCES teams(id) ON DELETE CASCADE,
                created_by TEXT REFERENCES people(id) ON DELETE SET NULL,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                used_by TEXT REFERENCES people(id) ON DELETE SET NULL,
                used_at TEXT
            )""",
        ),
    )


@migration(4, "digests: which weekly digest went to whom, how far it got, and when it was sent")
def _m0004_digests(db: Database) -> None:
    """One row per (recipient, week): claimed before sending, then marked sent or failed.

    `parts_sent` counts the messages (and the chart) already delivered, so a retry
    resumes after them instead of sending them again.
    """
    _run(
        db,
        (
            """CREATE TABLE digests (
                recipient_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
                week TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'sending'
                    CHECK (status IN ('sending', 'sent', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 1,
                parts_sent INTEGER NOT NULL DEFAULT 0,
                claimed_at TEXT NOT NULL,
                sent_at TEXT,
                last_error TEXT,
                PRIMARY KEY (recipient_id, week)
            ) WITHOUT ROWID""",
            "CREATE INDEX digests_status ON digests(status, claimed_at)",
        ),
    )


@migration(
    5,
    "plans: planning rounds, the reps' bottom-up drafts in them, and the plan document "
    "wizard's place (issue 7)",
)
def _m0005_plans(db: Database) -> None:
    """A lead's planning round asks each rep of the team for a draft per metric.

    At most one round per team is open at a time. A draft row remembers the
    message that asked (a reply to it is an answer), the rep's own number, the
    lead's adjustment and the value written at the last confirmation (so a later
    change is recorded as a plan revision). The wizard's place lives here too,
    so /plandoc resumes after /cancel or a restart; its answers go straight into
    plan_documents.
    """
    _run(
        db,
        (
            """CREATE TABLE planning_rounds (
                id INTEGER PRIMARY KEY,
                team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
                period TEXT NOT NULL,
                metrics TEXT NOT NULL DEFAULT '["sales"]' CHECK (json_valid(metrics)),
                status TEXT NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'confirmed', 'cancelled')),
                opened_by TEXT REFERENCES people(id) ON DELETE SET NULL,
                opened_at TEXT NOT NULL,
                confirmed_at TEXT,
                confirmations INTEGER NOT NULL DEFAULT 0,
                updated_at TEXT NOT NULL
            )""",
            """CREATE UNIQUE INDEX planning_rounds_open ON planning_rounds(team_id)
                WHERE status = 'open'""",
            "CREATE INDEX planning_rounds_team_period ON planning_rounds(team_id, period)",
            """CREATE TABLE planning_drafts (
                id INTEGER PRIMARY KEY,
                round_id INTEGER NOT NULL REFERENCES planning_rounds(id) ON DELETE CASCADE,
                person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
                metric TEXT NOT NULL,
                position INTEGER NOT NULL DEFAULT 0,
                reference NUMERIC CHECK (reference IS NULL OR reference >= 0),
                reference_basis TEXT CHECK (reference_basis IS NULL
                    OR reference_basis IN ('top_down', 'last_period_plus')),
                draft NUMERIC CHECK (draft IS NULL OR draft >= 0),
                adjusted NUMERIC CHECK (adjusted IS NULL OR adjusted >= 0),
                confirmed NUMERIC CHECK (confirmed IS NULL OR confirmed >= 0),
                asked_at TEXT,
                ask_chat_id INTEGER,
                ask_message_id INTEGER,
                answered_at TEXT,
                reminded_at TEXT,
                reminders INTEGER NOT NULL DEFAULT 0,
                UNIQUE (round_id, person_id, metric)
            )""",
            "CREATE INDEX planning_drafts_person ON planning_drafts(person_id, answered_at)",
            """CREATE TABLE plandoc_sessions (
                person_id TEXT PRIMARY KEY NOT NULL REFERENCES people(id) ON DELETE CASCADE,
                team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
                period TEXT NOT NULL,
                position INTEGER NOT NULL DEFAULT 0 CHECK (position BETWEEN 0 AND 10),
                status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
                started_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            ) WITHOUT ROWID""",
        ),
    )


@migration(6, "records: strategy health checks, their answers and scores per element")
def _m0006_records(db: Database) -> None:
    """One row per health check a manager takes: answers as they come (so an interrupted
    check resumes), then the scores per core element when it is finished.

    The records themselves (meetings, training, coaching, incentive schemes, plan
    revisions) are `events` rows, the kinds the mechanism and management rules read.
    """
    _run(
        db,
        (
            # AUTOINCREMENT: a dropped check's id is never given again, so its old
            # buttons cannot answer a newer check
            """CREATE TABLE health_checks (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                answers TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(answers)),
                scores TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(scores)),
                evidence TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(evidence))
            )""",
            "CREATE INDEX health_checks_person ON health_checks(person_id, finished_at)",
        ),
    )


@migration(7, "plan imports: uploaded target files awaiting confirmation (issue 7)")
def _m0007_plan_imports(db: Database) -> None:
    """An uploaded target file, read and checked, kept until its uploader confirms or
    cancels it: a restart between the preview and the button loses nothing."""
    _run(
        db,
        (
            """CREATE TABLE plan_imports (
                id TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 8 AND 64),
                created_by TEXT REFERENCES people(id) ON DELETE CASCADE,
                file_name TEXT NOT NULL DEFAULT '',
                targets TEXT NOT NULL CHECK (json_valid(targets)),
                status TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'stored', 'cancelled')),
                created_at TEXT NOT NULL,
                decided_at TEXT
            )""",
            "CREATE INDEX plan_imports_creator ON plan_imports(created_by, status)",
        ),
    )


# ---- applying ---------------------------------------------------------------------------


def _ensure_version_table(db: Database) -> None:
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (
            version INTEGER PRIMARY KEY,
            description TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )"""
    )


def current_version(db: Database) -> int:
    """The highest applied version (0 for a database with no schema yet).

    Raises NotExecoachError when the version table is not ours (other
    columns, or versions that are not whole numbers).
    """
    if not db.table(VERSION_TABLE).exists():
        return 0
    try:
        row = db.execute(
            f"SELECT max(version), sum(typeof(version) <> 'integer'), "
            f"sum(typeof(description) <> 'text' OR typeof(applied_at) <> 'text') "
            f"FROM {VERSION_TABLE}"
        ).fetchone()
    except sqlite3.OperationalError as exc:
        if "no such column" in str(exc):
            raise NotExecoachError(f"{VERSION_TABLE} is not execoach's: {exc}") from exc
        raise
    if row[1] or row[2]:
        raise NotExecoachError(f"{VERSION_TABLE} holds values that are not execoach's")
    return int(row[0] or 0)


def claim(db: Database) -> None:
    """Raises NotExecoachError for a database with tables but no execoach schema.

    Only reads: an empty database (a new file) or one of ours passes, anything
    else is left exactly as it was.
    """
    names = {
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        )
    }
    version = current_version(db)  # refuses a version table that is not ours
    if names - {VERSION_TABLE} and version == 0:
        raise NotExecoachError("the database holds tables but no execoach schema")


def applied_migrations(db: Database) -> list[AppliedMigration]:
    """The migrations recorded in the database, oldest first."""
    if not db.table(VERSION_TABLE).exists():
        return []
    return [
        AppliedMigration(
            version=int(row["version"]),
            description=str(row["description"]),
            applied_at=dt.datetime.fromisoformat(row["applied_at"]),
        )
        for row in db.query(
            f"SELECT version, description, applied_at FROM {VERSION_TABLE} ORDER BY version"
        )
    ]


def migrate(db: Database, now: Callable[[], dt.datetime] | None = None) -> list[int]:
    """Applies every pending migration, each in its own write transaction.

    Each migration takes the write lock (BEGIN IMMEDIATE) before it reads the
    current version, so two processes opening one file cannot apply it twice.
    Returns the versions applied; raises SchemaTooNewError for a newer database.
    """
    clock = now or (lambda: dt.datetime.now(dt.UTC))
    conn = db.conn
    if conn.in_transaction:
        raise RuntimeError("migrate() needs a connection with no open transaction")
    _ensure_version_table(db)
    found = current_version(db)
    if found > latest_version():
        raise SchemaTooNewError(found, latest_version())
    applied: list[int] = []
    for step in MIGRATIONS:
        if step.version <= found:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if current_version(db) < step.version:
                step.apply(db)
                db.execute(
                    f"INSERT INTO {VERSION_TABLE} (version, description, applied_at) "
                    "VALUES (?, ?, ?)",
                    (step.version, step.description, clock().isoformat(timespec="seconds")),
                )
                applied.append(step.version)
            conn.execute("COMMIT")
        except BaseException:
            db.rollback()
            raise
    return applied
