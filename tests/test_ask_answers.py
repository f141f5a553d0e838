"""The answers' arithmetic and wording: ranges over several targets, two named periods
compared, people not found, singular and plural — through `ask_text`, the path of the
bot and of `execoach ask`, on the demo organisation or a small one built here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bot.ask.query import Query
from bot.ask.service import ask_text
from bot.scenario import parse_scenario
from bot.store.db import open_db
from bot.store.importer import import_scenario
from bot.store.repository import Repository
from tests.helpers.bot import demo_repo

TODAY = dt.date(2026, 3, 18)  # a Wednesday: 13 of March's 22 working days elapsed


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Repository:
    return demo_repo(tmp_path_factory.mktemp("demo") / "demo.db")


def _ask(repo: Repository, who: str, question: str) -> Any:
    person = repo.person_by_id(who)
    assert person is not None
    return ask_text(repo, person, question, TODAY)


# ---- a quarter over monthly targets ----------------------------------------------------


def _org(path: Path) -> Repository:
    people = [
        {"id": "ld", "name": "Lena Park", "role": "lead", "team": "t", "lang": "en"},
        {"id": "ann", "name": "Ann Lee", "role": "rep", "team": "t", "lang": "en"},
        {"id": "ben", "name": "Ben Ho", "role": "rep", "team": "t", "lang": "en"},
    ]
    targets = [
        {"person": "ann", "metric": "sales", "period": "2026-02", "value": 20000},
        {"person": "ann", "metric": "sales", "period": "2026-03", "value": 44000},
        {"person": "ben", "metric": "sales", "period": "2026-03", "value": 22000},
    ]
    reports = [
        ("ann", "2026-02-10", 5000),
        ("ann", "2026-03-02", 3000),
        ("ben", "2026-01-15", 7000),
        ("ben", "2026-02-12", 4000),
        ("ben", "2026-03-03", 6000),
    ]
    data = {
        "scenario": 1,
        "today": TODAY.isoformat(),
        "timezone": "Asia/Shanghai",
        "workdays": "mon-fri",
        "people": people,
        "teams": [{"id": "t", "name": "Team T", "lead": "ld"}],
        "targets": targets,
        "reports": [{"person": p, "date": d, "text": f"sales {v}"} for p, d, v in reports],
    }
    repo = Repository(open_db(path))
    import_scenario(repo, parse_scenario(data, "ranges"))
    return repo


def test_a_quarter_counts_each_target_on_its_own_working_days(tmp_path: Path) -> None:
    repo = _org(tmp_path / "q.db")
    # independent arithmetic: February has 20 working days (all elapsed), March 22 (13)
    ann_target, ann_expected, ann_actual = 20000 + 44000, 20000 + 44000 * 13 / 22, 5000 + 3000
    ben_target, ben_expected, ben_actual = 22000, 22000 * 13 / 22, 6000  # January, February:
    ben_outside = 7000 + 4000  # no target then, so not in pace

    ben = _ask(repo, "ld", "ben sales q1").data["items"][0]
    sales = ben["metrics"]["sales"]
    assert (sales["target"], sales["expected"], sales["actual"]) == pytest.approx(
        (ben_target, ben_expected, ben_actual)
    )
    assert sales["pace"] == pytest.approx(ben_actual / ben_expected, abs=1e-4)
    assert (sales["elapsed"], sales["total"]) == (13, 22)
    assert ben["untargeted"] == {"sales": ben_outside}

    got = _ask(repo, "ld", "team sales q1")
    team = got.data["items"][0]["metrics"]["sales"]
    target, expected = ann_target + ben_target, ann_expected + ben_expected
    actual = ann_actual + ben_actual
    pace = actual / expected
    assert (team["target"], team["expected"], team["actual"]) == pytest.approx(
        (target, expected, actual)
    )
    assert team["pace"] == pytest.approx(pace, abs=1e-4)
    assert team["forecast"] == pytest.approx(actual + pace * (target - expected), rel=1e-4)
    assert (team["elapsed"], team["total"]) == (20 + 13, 20 + 22)
    assert team["needed_per_day"] == pytest.approx((target - actual) / 9, rel=1e-4)
    assert "without a target" in got.plain()

    # one target over its own month: exactly the plan arithmetic of contracts §2
    march = _ask(repo, "ld", "ben sales this month").data["items"][0]["metrics"]["sales"]
    assert march["expected"] == pytest.approx(22000 * 13 / 22)
    assert march["forecast"] == pytest.approx(6000 * 22 / 13)


# ---- comparing two named periods ------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "question", "current", "previous"),
    [
        ("li", "上周和这周比", ("2026-03-16", "2026-03-18"), ("2026-03-09", "2026-03-11")),
        ("li", "本月环比", ("2026-03-01", "2026-03-18"), ("2026-02-01", "2026-02-18")),
        ("li", "1月和2月比", ("2026-01-01", "2026-01-31"), ("2026-02-01", "2026-02-28")),
        (
            "mike",
            "last month vs this month",
            ("2026-03-01", "2026-03-18"),
            ("2026-02-01", "2026-02-18"),
        ),
        (
            "mike",
            "compare this week with 2 weeks ago",
            ("2026-03-16", "2026-03-18"),
            ("2026-03-02", "2026-03-04"),
        ),
    ],
)
def test_a_comparison_sets_the_named_periods_against_each_other(
    demo: Repository, who: str, question: str, current: tuple[str, str], previous: tuple[str, str]
) -> None:
    got = _ask(demo, who, question)
    assert got.intent == "compare"
    assert (got.data["current"]["start"], got.data["current"]["end"]) == current
    assert (got.data["previous"]["start"], got.data["previous"]["end"]) == previous
    head = got.plain().splitlines()[0]
    assert head.index(current[0]) < head.index(previous[0])  # which against which


def test_the_compared_period_survives_a_button() -> None:
    q = Query("compare", dt.date(2026, 1, 1), dt.date(2026, 1, 31), "month", ("east",))
    q = q.but(against=(dt.date(2026, 2, 1), dt.date(2026, 2, 28)))
    data = q.encode()
    assert len(data.encode()) <= 64 and Query.decode(data) == q
    assert Query.decode(data + "x") is None and Query.decode(data[:-3] + "a+b") is None


# ---- people: by pinyin, and names that match nobody ----------------------------------


def test_a_name_matching_nobody_is_said_and_close_people_offered(demo: Repository) -> None:
    got = _ask(demo, "li", "张薇这个月怎么样")  # 张伟 sounds the same
    assert got.intent == "unknown" and "张薇" in got.plain()
    assert "zhang" in [q.subjects[0] for _, q in got.buttons]
    assert all(q.intent == "person" for _, q in got.buttons)
    english = _ask(demo, "mike", "how is bob doing")
    assert english.intent == "unknown" and "bob" in english.plain()
    assert "south" not in english.subjects  # never silently the team
    # words that only look like a slot are not people
    for question in ("how is it going", "how's the team doing", "progess this month"):
        assert _ask(demo, "mike", question).intent != "unknown", question


def test_pinyin_that_fits_two_people_asks_which(demo: Repository) -> None:
    got = _ask(demo, "wang", "how is jing doing")
    assert sorted(q.subjects[0] for _, q in got.buttons) == ["chen", "he"]
    assert _ask(demo, "wang", "how is he doing").intent != "person"  # "he" is English


# ---- singular, plural, no report yet -------------------------------------------------


def test_counts_read_right_in_english(demo: Repository) -> None:
    today = _ask(demo, "li", "who hasnt reported today").plain()
    assert "(1 working day)" in today and "1 day missing" in today
    assert "day(s)" not in today and "never" not in today
    week = _ask(demo, "li", "who hasnt reported this week").plain()
    assert "(3 working days)" in week and "3 days missing" in week
    assert "last report 2026-03-10" in week  # the latest report, even before the week
    chinese = _ask(demo, "li", "本周谁没交日报").plain()
    assert "3 个工作日" in chinese and "缺 3 天" in chinese
