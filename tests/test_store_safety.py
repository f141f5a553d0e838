"""The database under stress: other people's files, busy writers, odd paths, kept flags."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from pathlib import Path

import pytest

import bot.store.db
from bot.cli import main
from bot.scenario import parse_scenario
from bot.store.db import StoreError, open_db, open_readonly
from bot.store.importer import import_scenario
from bot.store.repository import Repository

D = dt.date


def _scenario() -> dict[str, object]:
    return {
        "scenario": 1,
        "today": "2026-03-18",
        "people": [
            {"id": "li", "name": "李娜", "role": "lead", "team": "east"},
            {"id": "zhang", "name": "张伟", "role": "rep", "team": "east"},
        ],
        "teams": [{"id": "east", "name": "华东一组", "lead": "li"}],
        "reports": [{"person": "zhang", "date": "2026-03-02", "text": "拜访8家，成交3单"}],
    }


def _foreign(path: Path, table: str) -> bytes:
    conn = sqlite3.connect(path)
    conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, total NUMERIC)")
    conn.execute(f"INSERT INTO {table} (total) VALUES (12.5)")
    conn.commit()
    conn.close()
    return path.read_bytes()


# ---- 6. someone else's SQLite file is left alone -------------------------------------------------


@pytest.mark.parametrize("table", ["invoices", "people"])
def test_someone_elses_database_is_refused_and_left_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shared_dir: Path, table: str
) -> None:
    path = tmp_path / "app.db"
    before = _foreign(path, table)
    with pytest.raises(StoreError, match="not an execoach database"):
        open_db(path)
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()
    scenario = shared_dir / "examples" / "scenario-small.json"
    assert main(["import", str(scenario), "--db", str(path)]) == 2
    assert "not an execoach database" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_an_empty_file_is_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    path.touch()
    Repository(open_db(path)).upsert_team("east", "East")


@pytest.mark.parametrize(
    "create",
    [
        "CREATE TABLE schema_version (version TEXT, description TEXT, applied_at TEXT)",
        "CREATE TABLE schema_version (version_num TEXT)",
    ],
)
@pytest.mark.parametrize("other_tables", [False, True])
def test_a_version_table_that_is_not_ours_is_refused(
    tmp_path: Path, create: str, other_tables: bool
) -> None:
    path = tmp_path / "x.db"
    conn = sqlite3.connect(path)
    conn.execute(create)
    conn.execute(
        "INSERT INTO schema_version VALUES ('1.2.3'%s)"
        % (", 'x', 'y'" if "applied" in create else "")
    )
    if other_tables:
        conn.execute("CREATE TABLE accounts (id)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    for opener in (open_db, open_readonly):
        with pytest.raises(StoreError, match="not an execoach database"):
            opener(path)
    assert path.read_bytes() == before


# ---- 3, 7. a busy database: wait, then say so --------------------------------------------------


@pytest.fixture
def wal_db(tmp_path: Path) -> Path:
    path = tmp_path / "live.db"
    open_db(path).close()
    return path


def _hold_write_lock(path: Path, seconds: float, started: threading.Event) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO teams (id, name) VALUES ('west', 'West')")
    started.set()
    time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()


def test_an_import_waits_for_another_writer(wal_db: Path) -> None:
    repo = Repository(open_db(wal_db))
    repo.teams()  # a read first: a deferred transaction could not wait after it
    started = threading.Event()
    writer = threading.Thread(target=_hold_write_lock, args=(wal_db, 1.0, started))
    writer.start()
    try:
        assert started.wait(5)
        began = time.perf_counter()
        import_scenario(repo, parse_scenario(_scenario()))
        waited = time.perf_counter() - began
    finally:
        writer.join()
    assert waited > 0.3
    assert [t.id for t in repo.teams()] == ["east", "west"]
    assert len(repo.reports_between(None, D(2026, 3, 1), D(2026, 3, 31))) == 1


def test_a_database_that_stays_busy_is_a_clear_store_error(
    wal_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.store.db, "BUSY_TIMEOUT_MS", 50)
    repo = Repository(open_db(wal_db))
    started = threading.Event()
    writer = threading.Thread(target=_hold_write_lock, args=(wal_db, 1.0, started))
    writer.start()
    try:
        assert started.wait(5)
        with pytest.raises(StoreError, match="busy") as caught:
            import_scenario(repo, parse_scenario(_scenario()))
    finally:
        writer.join()
    assert (
        str(caught.value)
        == f"{wal_db}: the database is busy (another process is writing); try again"
    )
    assert repo.teams() and [t.id for t in repo.teams()] == ["west"]


def test_opening_a_locked_database_is_a_clear_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.store.db, "BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "locked.db"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="busy"):
            open_db(path)
    finally:
        other.execute("ROLLBACK")
        other.close()


# ---- 10. odd paths ----------------------------------------------------------------------------------


def test_an_empty_database_path_is_named_as_such(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(StoreError) as caught:
        open_db("")
    assert str(caught.value) == "no database path given"
    assert caught.value.message("zh") == "没有给出数据库路径"
    with pytest.raises(StoreError, match="no database path given"):
        open_readonly("")


# ---- 8. what a write does not mention, it keeps ------------------------------------------------------


def test_a_person_keeps_the_fields_a_write_leaves_out(tmp_path: Path) -> None:
    repo = Repository(open_db(":memory:"))
    repo.upsert_person("zhang", "张伟", "rep", telegram_id=7, lang="en", timezone="Europe/Paris")
    repo.upsert_person("zhang", "张伟", "lead")
    person = repo.person_by_id("zhang")
    assert person is not None
    assert (person.role, person.telegram_id, person.lang, person.timezone) == (
        "lead",
        7,
        "en",
        "Europe/Paris",
    )


def test_a_reimport_keeps_chosen_language_telegram_account_and_withdrawals() -> None:
    repo = Repository(open_db(":memory:"))
    data = _scenario()
    data["reports"] = [
        {"person": "zhang", "date": "2026-03-02", "metrics": {"visits": 3}, "blockers": ["late"]}
    ]
    import_scenario(repo, parse_scenario(data))
    repo.upsert_person("zhang", "张伟", "rep", team_id="east", telegram_id=42, lang="en")
    (report,) = repo.reports_between(None, D(2026, 3, 1), D(2026, 3, 31))
    assert repo.withdraw_report(report.id)
    import_scenario(repo, parse_scenario(data))
    person = repo.person_by_id("zhang")
    assert person is not None and (person.telegram_id, person.lang) == (42, "en")
    assert repo.reports_between(None, D(2026, 3, 1), D(2026, 3, 31)) == []
    assert repo.open_blockers() == []
    (kept,) = repo.reports_between(None, D(2026, 3, 1), D(2026, 3, 31), include_withdrawn=True)
    assert kept.withdrawn and kept.id == report.id


def test_a_new_person_gets_the_guessed_language() -> None:
    repo = Repository(open_db(":memory:"))
    import_scenario(repo, parse_scenario(_scenario()))
    person = repo.person_by_id("zhang")
    assert person is not None and person.lang == "zh"


# ---- 4. migration 2: where a target came from ------------------------------------------------------


def test_targets_of_an_older_database_are_marked_as_imported(tmp_path: Path) -> None:
    from sqlite_utils import Database

    from bot.store.schema import MIGRATIONS

    path = tmp_path / "v1.db"
    old = Database(sqlite3.connect(path, isolation_level=None))
    MIGRATIONS[0].apply(old)
    old.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description, applied_at)"
    )
    old.execute("INSERT INTO schema_version VALUES (1, 'initial', '2026-03-01T00:00:00+00:00')")
    old.execute("INSERT INTO people (id, name, role) VALUES ('zhang', '张伟', 'rep')")
    old.execute(
        "INSERT INTO targets (person_id, metric, period, period_start, period_end, value) "
        "VALUES ('zhang', 'sales', '2026-03', '2026-03-01', '2026-03-31', 100)"
    )
    old.close()
    repo = Repository(open_db(path))
    repo.upsert_target(person_id="zhang", metric="visits", period="2026-03", value=5)
    rows = repo.db.execute("SELECT metric, source FROM targets ORDER BY metric").fetchall()
    assert [tuple(r) for r in rows] == [("sales", "scenario"), ("visits", "bot")]
    assert repo.prune_targets("scenario", person_ids=["zhang"], team_ids=[], keep=[]) == 1
    assert [t.metric for t in repo.targets()] == ["visits"]
