"""`import`: a scenario into the database, idempotently and all at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from bot.scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from bot.store.db import open_db
from bot.store.importer import import_scenario, report_key
from bot.store.repository import Repository
from bot.store.schema import MIGRATIONS

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


@pytest.fixture
def db() -> Iterator[Database]:
    database = open_db(":memory:")
    yield database
    database.close()


def counts(db: Database) -> dict[str, int]:
    return {name: db.table(name).count for name in db.table_names()}


def scenario(reports: list[dict[str, Any]], **extra: Any) -> Scenario:
    return parse_scenario(
        {
            "scenario": 1,
            "today": "2026-03-18",
            "people": [
                {"id": "li", "name": "李娜", "role": "lead", "team": "east"},
                {"id": "zhang", "name": "张伟", "role": "rep", "team": "east", "telegram_id": 7},
            ],
            "teams": [{"id": "east", "name": "华东一组", "lead": "li"}],
            "reports": reports,
            **extra,
        }
    )


def test_importing_twice_leaves_the_same_rows(db: Database, shared_dir: Path) -> None:
    loaded = load_scenario(shared_dir / "examples" / "scenario-small.json")
    repo = Repository(db)
    first = import_scenario(repo, loaded)
    after_first = counts(db)
    second = import_scenario(repo, loaded)
    assert first == second
    assert first.as_dict() == {
        "people": 4,
        "teams": 1,
        "targets": 4,
        "reports": 25,
        "events": 3,
        "plan_documents": 1,
    }
    assert counts(db) == after_first
    assert after_first["reports"] == 25 and after_first["blockers"] == 1
    (blocker,) = repo.open_blockers()
    assert (blocker.person_id, blocker.times_seen) == ("tom", 3)
    team = repo.team("south")
    assert team is not None and (team.lead_id, team.workdays, team.timezone) == (
        "liu",
        "mon-fri",
        "Asia/Shanghai",
    )
    totals = repo.metric_totals(["he"], *MARCH)["he"]
    assert totals["visits"] == sum(8 + (i % 3) for i in range(13))


def test_a_text_report_is_read_by_the_report_parser(db: Database) -> None:
    repo = Repository(db)
    import_scenario(
        repo,
        scenario(
            [{"person": "zhang", "date": "2026-03-02", "text": "拜访8家，成交3单，销售额2.5万"}]
        ),
    )
    stored = repo.report_by_source_key(report_key("zhang", dt.date(2026, 3, 2), 0))
    assert stored is not None
    assert stored.metrics == {"visits": 8, "orders": 3, "sales": 25000}
    assert stored.raw_text == "拜访8家，成交3单，销售额2.5万"
    assert stored.source == "scenario"
    # taken as sent at 18:00 in the scenario's zone (Asia/Shanghai by default)
    assert stored.received_at == dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def test_structured_fields_beat_the_text(db: Database) -> None:
    repo = Repository(db)
    entry = {
        "person": "zhang",
        "date": "2026-03-02",
        "text": "拜访8家，成交3单，销售额2.5万",
        "metrics": {"visits": 10},
        "blockers": ["price too high"],
    }
    import_scenario(repo, scenario([entry]))
    (stored,) = repo.reports_between(["zhang"], *MARCH)
    assert stored.metrics == {"visits": 10}
    assert stored.blockers == ("price too high",)
    assert [b.text for b in repo.open_blockers()] == ["price too high"]


def test_several_reports_on_one_day_add_up(db: Database) -> None:
    repo = Repository(db)
    day = "2026-03-03"
    entries = [
        {"person": "zhang", "date": day, "metrics": {"visits": 3}},
        {"person": "zhang", "date": day, "metrics": {"visits": 4, "orders": 1}},
    ]
    import_scenario(repo, scenario(entries))
    import_scenario(repo, scenario(entries))
    assert repo.metric_totals(["zhang"], *MARCH) == {"zhang": {"visits": 7, "orders": 1}}
    assert len(repo.reports_between(None, *MARCH)) == 2


def test_reimporting_an_edited_scenario_replaces_its_reports(db: Database) -> None:
    repo = Repository(db)
    entry = {"person": "zhang", "date": "2026-03-02", "metrics": {"visits": 3}}
    import_scenario(repo, scenario([entry]))
    entry["metrics"] = {"visits": 5}
    import_scenario(repo, scenario([entry]))
    assert repo.metric_totals(["zhang"], *MARCH) == {"zhang": {"visits": 5}}


def test_events_and_targets_are_written_once(db: Database) -> None:
    repo = Repository(db)
    extra = {
        "events": [
            {"kind": "coaching", "by": "li", "person": "zhang", "date": "2026-03-10", "text": "KA"},
            {"kind": "meeting", "team": "east", "date": "2026-03-09"},
        ],
        "targets": [{"team": "east", "metric": "visits", "period": "2026-W11", "value": 50}],
    }
    loaded = scenario([], **extra)
    import_scenario(repo, loaded)
    import_scenario(repo, loaded)
    events = repo.events()
    assert [(e.kind, e.team_id) for e in events] == [("meeting", "east"), ("coaching", "east")]
    (target,) = repo.targets(team_id="east")
    assert (target.period_start, target.period_end) == (dt.date(2026, 3, 9), dt.date(2026, 3, 15))


def test_a_failed_import_leaves_nothing(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = Repository(db)

    def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(repo, "add_event", broken)
    loaded = scenario(
        [{"person": "zhang", "date": "2026-03-02", "metrics": {"visits": 3}}],
        events=[{"kind": "meeting", "team": "east", "date": "2026-03-09"}],
    )
    with pytest.raises(RuntimeError):
        import_scenario(repo, loaded)
    assert {name: n for name, n in counts(db).items() if n} == {"schema_version": len(MIGRATIONS)}


# ---- re-importing an edited file: the file is the truth for what came from scenarios ---------


def test_reimporting_an_edited_file_drops_what_it_no_longer_holds(db: Database) -> None:
    repo = Repository(db)
    first = scenario(
        [
            {
                "person": "zhang",
                "date": "2026-03-02",
                "metrics": {"visits": 3},
                "blockers": ["late"],
            },
            {"person": "li", "date": "2026-03-02", "metrics": {"visits": 1}},
        ],
        targets=[
            {"person": "zhang", "metric": "sales", "period": "2026-03", "value": 100},
            {"team": "east", "metric": "visits", "period": "2026-03", "value": 50},
        ],
        events=[
            {"kind": "meeting", "team": "east", "date": "2026-03-09"},
            {"kind": "coaching", "by": "li", "person": "zhang", "date": "2026-03-10"},
        ],
    )
    import_scenario(repo, first)
    repo.upsert_target(person_id="li", metric="visits", period="2026-03", value=9)  # set in chat
    repo.add_event("meeting", dt.date(2026, 3, 11), team_id="east")  # recorded by the bot
    edited = scenario(
        [{"person": "zhang", "date": "2026-03-03", "metrics": {"visits": 3}}],
        targets=[{"person": "zhang", "metric": "sales", "period": "2026-04", "value": 120}],
        events=[{"kind": "meeting", "team": "east", "date": "2026-03-16"}],
    )
    import_scenario(repo, edited)
    reports = repo.reports_between(None, *MARCH)
    assert [(r.person_id, r.report_date) for r in reports] == [("zhang", dt.date(2026, 3, 3))]
    assert repo.open_blockers() == []
    assert sorted((t.person_id, t.period, t.value) for t in repo.targets()) == [
        ("li", "2026-03", 9),
        ("zhang", "2026-04", 120),
    ]
    assert [(e.kind, e.date.day) for e in repo.events()] == [("meeting", 11), ("meeting", 16)]
    import_scenario(repo, edited)
    assert len(repo.reports_between(None, *MARCH)) == 1 and len(repo.targets()) == 2


def test_rows_of_people_the_file_does_not_name_are_left_alone(db: Database) -> None:
    repo = Repository(db)
    other = parse_scenario(
        {
            "scenario": 1,
            "today": "2026-03-18",
            "people": [{"id": "amy", "name": "Amy", "role": "rep"}],
            "targets": [{"person": "amy", "metric": "visits", "period": "2026-03", "value": 5}],
            "reports": [{"person": "amy", "date": "2026-03-02", "metrics": {"visits": 2}}],
        }
    )
    import_scenario(repo, other)
    import_scenario(repo, scenario([]))
    assert [r.person_id for r in repo.reports_between(None, *MARCH)] == ["amy"]
    assert [t.person_id for t in repo.targets()] == ["amy"]


def test_a_telegram_report_is_never_dropped_by_an_import(db: Database) -> None:
    repo = Repository(db)
    import_scenario(repo, scenario([]))
    repo.save_report(
        "zhang",
        dt.date(2026, 3, 2),
        "拜访3家",
        {"visits": 3},
        (),
        (),
        (),
        "telegram",
        "telegram:7:1",
    )
    import_scenario(repo, scenario([]))
    assert [r.source for r in repo.reports_between(None, *MARCH)] == ["telegram"]


# ---- two organisations in one database ----------------------------------------------------------


def test_a_person_id_that_is_someone_else_in_the_database_is_refused(db: Database) -> None:
    repo = Repository(db)
    import_scenario(
        repo,
        parse_scenario(
            {
                "scenario": 1,
                "today": "2026-03-18",
                "people": [{"id": "chen", "name": "陈静", "role": "rep", "team": "east"}],
                "teams": [{"id": "east"}],
                "reports": [{"person": "chen", "date": "2026-03-02", "metrics": {"visits": 2}}],
            },
            "first.json",
        ),
    )
    second = parse_scenario(
        {
            "scenario": 1,
            "today": "2026-03-18",
            "people": [{"id": "chen", "name": "陈经理", "role": "manager"}],
        },
        "second.json",
    )
    with pytest.raises(ScenarioError) as caught:
        import_scenario(repo, second)
    assert str(caught.value) == (
        "second.json: people[0]: id 'chen' is 陈静 (rep, east) in the database, "
        "not 陈经理 (manager); give this person another id, or import into another database"
    )
    assert "陈静" in caught.value.message("zh")
    person = repo.person_by_id("chen")
    assert person is not None and (person.name, person.role) == ("陈静", "rep")
    assert len(repo.reports_between(None, *MARCH)) == 1


def test_a_team_move_is_an_edit_not_a_conflict(db: Database) -> None:
    repo = Repository(db)
    import_scenario(repo, scenario([]))
    moved = parse_scenario(
        {
            "scenario": 1,
            "today": "2026-03-18",
            "people": [
                {"id": "li", "name": "李娜", "role": "lead", "team": "west"},
                {"id": "zhang", "name": "张伟", "role": "rep", "team": "west"},
            ],
            "teams": [{"id": "west", "lead": "li"}],
        }
    )
    import_scenario(repo, moved)
    person = repo.person_by_id("zhang")
    assert person is not None and person.team_id == "west"


def test_ids_with_colons_cannot_collide_in_source_keys(db: Database) -> None:
    repo = Repository(db)
    loaded = parse_scenario(
        {
            "scenario": 1,
            "today": "2026-03-18",
            "people": [{"id": "b:", "name": "B", "role": "rep", "team": "a"}],
            "teams": [{"id": "a"}, {"id": "a:b"}],
            "events": [
                {"kind": "meeting", "team": "a:b", "date": "2026-03-09"},
                {"kind": "meeting", "team": "a", "person": "b:", "date": "2026-03-09"},
            ],
        }
    )
    import_scenario(repo, loaded)
    assert sorted((e.team_id, e.person_id) for e in repo.events()) == [("a", "b:"), ("a:b", None)]
    assert report_key("a:b", dt.date(2026, 3, 2), 0) == "scenario:a%3Ab:2026-03-02:0"
    assert report_key("zhang", dt.date(2026, 3, 2), 1) == "scenario:zhang:2026-03-02:1"
