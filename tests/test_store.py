"""The database: opening, migrations, pragmas, and the repository's bookkeeping."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.report_parser.model import ReportWarning
from bot.store.db import StoreError, open_db, open_readonly
from bot.store.repository import Repository, blocker_key, telegram_source_key
from bot.store.schema import MIGRATIONS, applied_migrations, latest_version, migrate

NOW = dt.datetime(2026, 3, 18, 9, 30, tzinfo=dt.UTC)
TABLES = {
    "schema_version",
    "people",
    "teams",
    "targets",
    "reports",
    "report_metrics",
    "report_items",
    "blockers",
    "blocker_reports",
    "events",
    "plan_documents",
    "findings",
    "inbox",
}
D = dt.date


@pytest.fixture
def db() -> Iterator[Database]:
    database = open_db(":memory:")
    yield database
    database.close()


@pytest.fixture
def repo(db: Database) -> Repository:
    repo = Repository(db, now=lambda: NOW)
    with repo.transaction():
        repo.upsert_team("east", "华东一组", lead_id="li", workdays="cn")
        repo.upsert_person("li", "李娜", "lead", team_id="east", telegram_id=1002, lang="zh")
        repo.upsert_person("zhang", "张伟", "rep", team_id="east", telegram_id=1003)
        repo.upsert_person("amy", "Amy Chen", "rep", team_id="east", lang="en")
    return repo


def save(
    repo: Repository,
    key: str,
    day: dt.date,
    metrics: dict[str, int | float],
    blockers: tuple[str, ...] = (),
    person: str = "zhang",
) -> int:
    return repo.save_report(
        person, day, "…", metrics, blockers, (), (), source="test", source_key=key
    ).id


# ---- opening and migrations ------------------------------------------------------------------


def test_open_creates_the_folder_and_applies_the_migrations(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "execoach.db"
    db = open_db(path)
    assert path.is_file()
    assert set(db.table_names()) >= TABLES
    applied = applied_migrations(db)
    assert (
        [m.version for m in applied]
        == [m.version for m in MIGRATIONS]
        == list(range(1, len(MIGRATIONS) + 1))
    )
    assert all(m.description.strip() for m in applied)
    assert applied[0].description == MIGRATIONS[0].description
    assert applied[0].applied_at.tzinfo is not None
    db.close()


def test_reopening_applies_nothing_again(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    first = applied_migrations(open_db(path))
    db = open_db(path)
    assert applied_migrations(db) == first
    assert migrate(db) == []
    assert db.table("schema_version").count == latest_version()


def test_pragmas_are_set_on_a_file_database(tmp_path: Path) -> None:
    db = open_db(tmp_path / "x.db")
    pragma = {
        name: db.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
    }
    assert pragma == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 5000,
        "synchronous": 1,
    }


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO reports (person_id, report_date, received_at, source, source_key, "
            "updated_at) VALUES ('ghost', '2026-03-01', 'x', 't', 'k', 'x')"
        )


def test_default_path_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EXECOACH_DB", raising=False)
    open_db(None).close()
    assert (tmp_path / "data" / "execoach.db").is_file()
    monkeypatch.setenv("EXECOACH_DB", str(tmp_path / "env" / "bot.db"))
    open_db(None).close()
    assert (tmp_path / "env" / "bot.db").is_file()


@pytest.mark.parametrize(
    ("content", "word"),
    [(b"this is not a database, just text\n" * 50, "not a SQLite database")],
)
def test_a_file_that_is_not_a_database_is_refused(
    tmp_path: Path, content: bytes, word: str
) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(StoreError, match=word) as caught:
        open_db(path)
    assert str(caught.value).startswith(str(path))
    assert "SQLite" in caught.value.message("zh")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder"):
        open_db(tmp_path)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    db = open_db(path)
    db.execute("INSERT INTO schema_version VALUES (99, 'from the future', '2030-01-01')")
    db.close()
    with pytest.raises(StoreError, match="newer"):
        open_db(path)


def test_readonly_reads_but_does_not_write(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    writer = Repository(open_db(path))
    writer.upsert_team("east", "East")
    reader = Repository(open_readonly(path))
    assert [t.id for t in reader.teams()] == ["east"]
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader.upsert_team("west", "West")
    with pytest.raises(StoreError, match="no such database"):
        open_readonly(tmp_path / "missing.db")
    sqlite3.connect(tmp_path / "other.db").execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(StoreError, match="not an execoach database"):
        open_readonly(tmp_path / "other.db")


def test_the_connection_may_move_to_another_thread(tmp_path: Path) -> None:
    repo = Repository(open_db(tmp_path / "x.db"))
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.append(repo.teams()))
    worker.start()
    worker.join()
    assert seen == [[]]


# ---- people, teams, targets -----------------------------------------------------------------


def test_upserts_keep_created_at_and_move_a_telegram_account(repo: Repository) -> None:
    before = repo.person_by_id("zhang")
    assert before is not None
    later = Repository(repo.db, now=lambda: NOW + dt.timedelta(days=1))
    later.upsert_person("amy", "Amy Chen", "rep", team_id="east", telegram_id=1003)
    assert repo.person_by_telegram_id(1003) == repo.person_by_id("amy")
    after = repo.person_by_id("zhang")
    assert after is not None and after.telegram_id is None
    assert after.created_at == before.created_at
    assert [p.id for p in repo.people_in_team("east")] == ["amy", "li", "zhang"]
    team = repo.team("east")
    assert team is not None and team.workdays == "cn" and team.lead_id == "li"


def test_targets_are_keyed_by_owner_metric_period_and_dimensions(repo: Repository) -> None:
    first = repo.upsert_target(person_id="zhang", metric="sales", period="2026-03", value=300000)
    again = repo.upsert_target(
        person_id="zhang", metric="sales", period="2026-03", value=320000, draft=250000
    )
    other = repo.upsert_target(
        person_id="zhang", metric="sales", period="2026-03", value=50000, region="华东"
    )
    repo.upsert_target(team_id="east", metric="visits", period="2026-q1", value=2000)
    assert first == again != other
    march = repo.targets(person_id="zhang", metric="sales")
    assert [(t.value, t.draft, t.region) for t in march] == [
        (320000, 250000, ""),
        (50000, None, "华东"),
    ]
    assert march[0].period_start == D(2026, 3, 1) and march[0].period_end == D(2026, 3, 31)
    quarter = repo.targets(team_id="east")
    assert [t.period for t in quarter] == ["2026-Q1"]
    assert len(repo.targets(start=D(2026, 3, 18), end=D(2026, 3, 18))) == 3
    assert repo.targets(start=D(2026, 4, 1), end=D(2026, 4, 30)) == []
    with pytest.raises(ValueError, match="exactly one"):
        repo.upsert_target(
            person_id="zhang", team_id="east", metric="sales", period="2026", value=1
        )


# ---- reports -------------------------------------------------------------------------------


def test_a_report_with_the_same_source_key_is_replaced(repo: Repository) -> None:
    key = telegram_source_key(1003, 77)
    first = repo.save_report(
        "zhang",
        D(2026, 3, 2),
        "拜访8家",
        {"visits": 8, "orders": 3},
        ("仓库发货慢",),
        ("回访老客户",),
        (ReportWarning("parse.warning.old_date", {"date": "2025-12-01"}),),
        source="telegram",
        source_key=key,
        chat_id=1003,
        message_id=77,
    )
    edited = repo.save_report(
        "zhang", D(2026, 3, 2), "拜访9家", {"visits": 9}, (), ("打电话",), (), "telegram", key
    )
    assert (first.replaced, edited.replaced, edited.id) == (False, True, first.id)
    stored = repo.report_by_source_key(key)
    assert stored is not None
    assert stored.raw_text == "拜访9家"
    assert stored.metrics == {"visits": 9}
    assert (stored.blockers, stored.next_steps, stored.warnings) == ((), ("打电话",), ())
    assert repo.db.table("reports").count == 1
    assert repo.db.table("report_metrics").count == 1
    assert repo.open_blockers() == []


def test_blockers_are_deduplicated_per_person(repo: Repository) -> None:
    first = save(repo, "a", D(2026, 3, 2), {}, ("Warehouse shipped late again.",))
    save(repo, "b", D(2026, 3, 4), {}, ("warehouse  shipped late again",))
    save(repo, "c", D(2026, 3, 4), {}, ("warehouse shipped late again",), person="amy")
    (mine,) = repo.open_blockers(person_ids=["zhang"])
    assert (mine.times_seen, mine.first_seen, mine.last_seen) == (2, D(2026, 3, 2), D(2026, 3, 4))
    assert mine.text == "Warehouse shipped late again." and mine.team_id == "east"
    assert len(repo.open_blockers(team_id="east")) == 2

    save(repo, "a", D(2026, 3, 2), {}, ("Warehouse shipped late again.",))  # re-saved: no recount
    (mine,) = repo.open_blockers(person_ids=["zhang"])
    assert mine.times_seen == 2

    assert repo.withdraw_report(first)
    assert not repo.withdraw_report(first)
    (mine,) = repo.open_blockers(person_ids=["zhang"])
    assert (mine.times_seen, mine.first_seen) == (1, D(2026, 3, 4))

    assert repo.resolve_blocker(mine.id)
    save(repo, "d", D(2026, 3, 9), {}, ("WAREHOUSE shipped late again",))
    (again,) = repo.open_blockers(person_ids=["zhang"])
    assert again.id != mine.id and again.times_seen == 1
    assert [b.status for b in repo.blockers(person_ids=["zhang"])] == ["resolved", "open"]


def test_blocker_key_ignores_case_width_and_punctuation() -> None:
    assert blocker_key("仓库发货慢！") == blocker_key("仓库 发货慢") == "仓库发货慢"
    assert blocker_key("ＡＢＣ late.") == blocker_key("abc LATE")


def test_metric_totals_add_up_non_withdrawn_reports_in_range(repo: Repository) -> None:
    save(repo, "1", D(2026, 3, 2), {"visits": 8, "sales": 25000})
    save(repo, "2", D(2026, 3, 2), {"visits": 2, "sales": 0.5})
    save(repo, "3", D(2026, 3, 3), {"visits": 5})
    save(repo, "4", D(2026, 4, 1), {"visits": 100})
    gone = save(repo, "5", D(2026, 3, 4), {"visits": 100})
    save(repo, "6", D(2026, 3, 3), {"orders": 2}, person="amy")
    repo.withdraw_report(gone)
    march = (D(2026, 3, 1), D(2026, 3, 31))
    totals = repo.metric_totals(["zhang", "amy", "li"], *march)
    assert totals == {"zhang": {"visits": 15, "sales": 25000.5}, "amy": {"orders": 2}, "li": {}}
    assert isinstance(totals["zhang"]["visits"], int)
    assert repo.metric_totals(None, *march).keys() == {"zhang", "amy"}
    daily = repo.daily_metric_totals(["zhang"], *march)
    assert daily == {
        "zhang": {D(2026, 3, 2): {"visits": 10, "sales": 25000.5}, D(2026, 3, 3): {"visits": 5}}
    }
    listed = repo.reports_between(["zhang"], *march)
    assert [r.source_key for r in listed] == ["1", "2", "3"]
    assert len(repo.reports_between(["zhang"], *march, include_withdrawn=True)) == 4


def test_a_failed_transaction_leaves_nothing(repo: Repository) -> None:
    def fail_midway() -> None:
        with repo.transaction():
            save(repo, "x", D(2026, 3, 2), {"visits": 1}, ("blocked",))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail_midway()
    assert repo.db.table("reports").count == 0
    assert repo.open_blockers() == []


def test_an_unknown_person_cannot_report(repo: Repository) -> None:
    with pytest.raises(LookupError):
        save(repo, "x", D(2026, 3, 2), {"visits": 1}, person="ghost")


# ---- events, plans, findings, inbox --------------------------------------------------------------


def test_events_are_idempotent_by_source_key(repo: Repository) -> None:
    first = repo.add_event("meeting", D(2026, 3, 9), team_id="east", source_key="k")
    again = repo.add_event("meeting", D(2026, 3, 9), team_id="east", text="weekly", source_key="k")
    repo.add_event("coaching", D(2026, 3, 10), person_id="zhang", by_id="li")
    assert first == again
    assert [(e.kind, e.text) for e in repo.events(team_id="east")] == [("meeting", "weekly")]
    assert [e.kind for e in repo.events(kinds=["coaching"], start=D(2026, 3, 10))] == ["coaching"]
    assert repo.events(end=D(2026, 3, 1)) == []


def test_plan_documents_findings_and_inbox(repo: Repository) -> None:
    repo.upsert_plan_document("east", "2026-03", {"timing": "March"})
    repo.upsert_plan_document("east", "2026-03", {"timing": "all March", "strategy": "KA"})
    doc = repo.plan_document("east", "2026-03")
    assert doc is not None and doc.sections == {"strategy": "KA", "timing": "all March"}
    assert len(repo.plan_documents("east")) == 1

    fid = repo.record_finding(
        rule="goal.no_target",
        category="goal",
        subject="zhang",
        audience=["lead"],
        severity="warning",
        evidence={"reports": 3},
        message="…",
        found_on=D(2026, 3, 18),
        cooldown_key="goal.no_target:zhang",
    )
    assert repo.last_sent("goal.no_target:zhang") is None
    repo.mark_finding_sent(fid, ["li"])
    assert repo.last_sent("goal.no_target:zhang") == NOW
    (finding,) = repo.findings(subject="zhang")
    assert finding.sent_to == ("li",) and finding.evidence == {"reports": 3}

    assert repo.inbox_put(10, {"update_id": 10, "message": {"text": "拜访8家"}})
    assert not repo.inbox_put(10, {"update_id": 10})
    assert [u.update_id for u in repo.inbox_pending()] == [10]
    repo.inbox_mark(10, "failed", "timeout")
    repo.inbox_mark(10, "done")
    assert repo.inbox_pending() == []
    row = repo.db.execute("SELECT attempts, status FROM inbox").fetchone()
    assert tuple(row) == (2, "done")
